//! « Comptes Chorus PRO » in « Paramétrage »: the environment, the PISTE application, each
//! invoicing company's technical account, the deposit defaults, and « Tester la connexion »
//! with what works and what does not, line by line.

use super::{dialog, style};
use crate::app::connection::EnvironmentChoice;
use crate::app::connection_form::{ConnectionChanges, ConnectionErrors, ConnectionForm};
use crate::app::connection_test::{ConnectionCheck, Level, password_expiry_text};
use crate::model::format_date;
use egui::RichText;

pub enum Command {
    Save(ConnectionChanges),
    /// Saves the changes (if any) first, then tests.
    Test(Option<ConnectionChanges>),
}

pub fn show(
    ui: &mut egui::Ui,
    form: &mut ConnectionForm,
    check: Option<&ConnectionCheck>,
    busy: bool,
) -> Option<Command> {
    let errors = form.errors();
    let mut command = None;
    // The test's result and the buttons stay in view under the form, which scrolls.
    let below = if check.is_some() { 190.0 } else { 40.0 };
    egui::ScrollArea::vertical()
        .id_salt("connection_form")
        .max_height((ui.available_height() - below).max(120.0))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            environment(ui, form);
            ui.add_space(6.0);
            if form.needs_accounts() {
                piste_application(ui, form, &errors);
                ui.add_space(6.0);
            }
            technical_accounts(ui, form, &errors);
            ui.add_space(6.0);
            deposit_defaults(ui, form, &errors);
            if let Some(notice) = &form.storage_notice {
                ui.add_space(4.0);
                ui.label(RichText::new(format!("⚠ {notice}")).color(style::WARNING_AMBER));
            }
        });
    if let Some(check) = check {
        ui.add_space(4.0);
        test_result(ui, check);
    }
    ui.separator();
    let changes = form.changes();
    ui.horizontal(|ui| {
        let changed = form.is_changed();
        let save = ui
            .add_enabled(!busy && changed, egui::Button::new("Enregistrer"))
            .on_disabled_hover_text(if changes.is_none() {
                "Corrigez d'abord les champs signalés en rouge"
            } else {
                "Aucune modification à enregistrer"
            });
        if save.clicked()
            && let Some(c) = changes.clone()
        {
            command = Some(Command::Save(c));
        }
        let test = ui
            .add_enabled(
                !busy && changes.is_some(),
                egui::Button::new("Tester la connexion"),
            )
            .on_hover_text(
                "Enregistre les modifications puis interroge Chorus Pro pour chaque société",
            )
            .on_disabled_hover_text("Corrigez d'abord les champs signalés en rouge");
        if test.clicked() {
            command = Some(Command::Test(changes.clone().filter(|_| changed)));
        }
        if busy {
            ui.spinner();
        }
        if changes.is_none() {
            ui.label(
                RichText::new("Des champs sont invalides : rien ne sera enregistré.")
                    .color(style::ERROR_RED),
            );
        }
    });
    command
}

fn environment(ui: &mut egui::Ui, form: &mut ConnectionForm) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Environnement").strong());
        let combo = egui::ComboBox::from_id_salt("environment")
            .width(340.0)
            .selected_text(form.environment.label())
            .show_ui(ui, |ui| {
                for env in [
                    EnvironmentChoice::EmbeddedSandbox,
                    EnvironmentChoice::Qualification,
                    EnvironmentChoice::Production,
                ] {
                    ui.selectable_value(&mut form.environment, env, env.label());
                }
            });
        dialog::keep_list_above(ui, &combo.response);
    });
    let text = match form.environment {
        EnvironmentChoice::EmbeddedSandbox => {
            "Démonstration sans compte : un Chorus Pro simulé tourne dans l'application. \
             Rien n'est envoyé à l'État."
        }
        EnvironmentChoice::Qualification => {
            "Chorus Pro de qualification, via PISTE sandbox : pour essayer avec un compte \
             de test, rien n'est facturé."
        }
        EnvironmentChoice::Production => {
            "Chorus Pro de production : les factures déposées sont réellement transmises \
             aux acheteurs publics."
        }
    };
    ui.label(RichText::new(text).color(style::MUTED));
}

fn piste_application(ui: &mut egui::Ui, form: &mut ConnectionForm, errors: &ConnectionErrors) {
    group(ui, "Application PISTE", |ui| {
        egui::Grid::new("piste")
            .num_columns(3)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("Identifiant client (client_id)");
                ui.add_sized(
                    [360.0, 22.0],
                    egui::TextEdit::singleline(&mut form.client_id).id_salt("client_id"),
                );
                verdict(ui, errors.client_id.as_deref());
                ui.end_row();
                ui.label("Secret client");
                let hint = if form.client_secret_stored {
                    "enregistré — laisser vide pour le garder"
                } else {
                    "à saisir"
                };
                ui.add_sized(
                    [360.0, 22.0],
                    egui::TextEdit::singleline(&mut form.client_secret)
                        .id_salt("client_secret")
                        .password(true)
                        .hint_text(hint),
                );
                verdict(ui, errors.client_secret.as_deref());
                ui.end_row();
            });
    });
}

fn technical_accounts(ui: &mut egui::Ui, form: &mut ConnectionForm, errors: &ConnectionErrors) {
    let needs = form.needs_accounts();
    group(ui, "Comptes techniques, un par société émettrice", |ui| {
        if !needs {
            ui.label(
                RichText::new(
                    "Le bac à sable intégré accepte un compte de démonstration pour toutes les \
                     sociétés : rien à saisir.",
                )
                .color(style::MUTED),
            );
        }
        if form.accounts.is_empty() {
            ui.label("Aucune société : importez d'abord societes.csv depuis l'ERP.");
            return;
        }
        let today = crate::clock::today();
        const WIDTHS: [f32; 6] = [260.0, 230.0, 140.0, 110.0, 90.0, 20.0];
        ui.horizontal(|ui| {
            for (title, width) in [
                "Société",
                "Login (TECH_…@cpro.fr)",
                "Mot de passe",
                "Structure Chorus",
                "Expiration",
                "",
            ]
            .into_iter()
            .zip(WIDTHS)
            {
                cell(ui, width, |ui| {
                    ui.label(RichText::new(title).color(style::MUTED));
                });
            }
        });
        for a in &mut form.accounts {
            ui.horizontal(|ui| {
                cell(ui, WIDTHS[0], |ui| {
                    ui.add(
                        egui::Label::new(format!("{} ({})", a.company_name, a.company_siret))
                            .truncate(),
                    );
                });
                if needs {
                    cell(ui, WIDTHS[1], |ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut a.login)
                                .id_salt(("login", &a.company_code))
                                .desired_width(WIDTHS[1] - 10.0),
                        );
                    });
                    cell(ui, WIDTHS[2], |ui| {
                        let hint = if a.password_stored { "enregistré" } else { "" };
                        ui.add(
                            egui::TextEdit::singleline(&mut a.password)
                                .id_salt(("password", &a.company_code))
                                .password(true)
                                .hint_text(hint)
                                .desired_width(WIDTHS[2] - 10.0),
                        );
                    });
                } else {
                    cell(
                        ui,
                        WIDTHS[1] + WIDTHS[2] + ui.spacing().item_spacing.x,
                        |ui| {
                            ui.label(RichText::new("compte de démonstration").color(style::MUTED));
                        },
                    );
                }
                cell(ui, WIDTHS[3], |ui| {
                    ui.label(
                        a.structure_id
                            .map(|id| id.to_string())
                            .unwrap_or("—".into()),
                    );
                });
                cell(ui, WIDTHS[4], |ui| match a.password_expires_on {
                    Some(date) => {
                        let (level, text) = password_expiry_text(date, today);
                        ui.label(RichText::new(format_date(date)).color(level_colour(level)))
                            .on_hover_text(text);
                    }
                    None => {
                        ui.label("—");
                    }
                });
                let error = errors.account(&a.company_code).filter(|_| needs);
                if error.is_none() {
                    ui.label(RichText::new("✔").color(style::OK_GREEN));
                }
            });
            // Under the row: beside it, the row would not fit the dialog's width.
            if let Some(message) = errors.account(&a.company_code).filter(|_| needs) {
                ui.horizontal(|ui| {
                    ui.add_space(WIDTHS[0] + ui.spacing().item_spacing.x);
                    ui.label(RichText::new(message).color(style::ERROR_RED));
                });
            }
        }
    });
}

/// A cell of fixed width in a row, so the rows line up as columns.
fn cell(ui: &mut egui::Ui, width: f32, content: impl FnOnce(&mut egui::Ui)) {
    ui.allocate_ui_with_layout(
        egui::vec2(width, 22.0),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_width(width);
            content(ui);
        },
    );
}

fn deposit_defaults(ui: &mut egui::Ui, form: &mut ConnectionForm, errors: &ConnectionErrors) {
    group(ui, "Dépôt et suivi : valeurs par défaut", |ui| {
        egui::Grid::new("deposit_defaults")
            .num_columns(3)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.label("Format des factures");
                let combo = egui::ComboBox::from_id_salt("default_format")
                    .selected_text(format_label(&form.format))
                    .show_ui(ui, |ui| {
                        for code in ["facturx", "ubl", "cii"] {
                            ui.selectable_value(&mut form.format, code.into(), format_label(code));
                        }
                    });
                dialog::keep_list_above(ui, &combo.response);
                ui.label("");
                ui.end_row();
                number_row(
                    ui,
                    "Attente entre deux dépôts séquentiels (ms)",
                    &mut form.wait_ms,
                    errors.wait_ms.as_deref(),
                    "",
                );
                number_row(
                    ui,
                    "Taille maximale d'un flux (Mo)",
                    &mut form.max_megabytes,
                    errors.max_megabytes.as_deref(),
                    "",
                );
                number_row(
                    ui,
                    "Factures au plus par flux",
                    &mut form.max_invoices,
                    errors.max_invoices.as_deref(),
                    "",
                );
                number_row(
                    ui,
                    "Synchronisation automatique toutes les (min, 0 : jamais)",
                    &mut form.sync_every_minutes,
                    errors.sync_every_minutes.as_deref(),
                    "",
                );
                number_row(
                    ui,
                    "Dépôt sans réponse « à vérifier » pendant (min)",
                    &mut form.uncertain_after_minutes,
                    errors.uncertain_after_minutes.as_deref(),
                    "10 min au bac à sable, 360 min sur Chorus Pro",
                );
            });
    });
}

fn test_result(ui: &mut egui::Ui, check: &ConnectionCheck) {
    group(ui, "Résultat du test de la connexion", |ui| {
        egui::ScrollArea::vertical()
            .id_salt("connection_test_result")
            .max_height(140.0)
            .show(ui, |ui| test_lines(ui, check));
    });
}

fn test_lines(ui: &mut egui::Ui, check: &ConnectionCheck) {
    for line in &check.lines {
        let mark = match line.level {
            Level::Ok => "✔",
            Level::Warning => "⚠",
            Level::Error => "✖",
        };
        ui.add(
            egui::Label::new(
                RichText::new(format!("{mark} {}", line.text)).color(level_colour(line.level)),
            )
            .wrap(),
        );
    }
}

fn level_colour(level: Level) -> egui::Color32 {
    match level {
        Level::Ok => style::OK_GREEN,
        Level::Warning => style::WARNING_AMBER,
        Level::Error => style::ERROR_RED,
    }
}

fn format_label(code: &str) -> &'static str {
    match code {
        "ubl" => "UBL 2.1",
        "cii" => "CII D16B",
        _ => "Factur-X (PDF/A-3, EN 16931)",
    }
}

fn number_row(ui: &mut egui::Ui, label: &str, value: &mut String, error: Option<&str>, hint: &str) {
    let caption = ui.label(label);
    let mut edit = egui::TextEdit::singleline(value).id_salt(label);
    if !hint.is_empty() {
        caption.on_hover_text(format!("Laissé vide : {hint}"));
        edit = edit.hint_text("par défaut");
    }
    if error.is_some() {
        edit = edit.text_color(style::ERROR_RED);
    }
    ui.add_sized([120.0, 22.0], edit);
    verdict(ui, error);
    ui.end_row();
}

fn verdict(ui: &mut egui::Ui, error: Option<&str>) {
    match error {
        Some(message) => {
            ui.scope(|ui| {
                ui.set_max_width(300.0);
                ui.add(egui::Label::new(RichText::new(message).color(style::ERROR_RED)).wrap());
            });
        }
        None => {
            ui.label(RichText::new("✔").color(style::OK_GREEN));
        }
    }
}

fn group(ui: &mut egui::Ui, title: &str, content: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(title).strong());
        content(ui);
    });
}
