//! « Dépôt »: the ticked conformant invoices leave for Chorus Pro, by lot (« Génération
//! du flux » then « Déposer sur Chorus ») or sequentially (one flux per invoice).

use super::style;
use crate::app::control_model::ControlModel;
use crate::app::deposit_setup::DepositChoices;
use crate::app::session::Session;
use crate::deposit::{DepositReport, Outcome};
use crate::model::format_count;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Lot,
    Sequential,
}

pub struct DepositTab {
    mode: Mode,
    format: String,
    date_today: bool,
    flux_name: String,
    wait_ms: u64,
    skip_on_error: bool,
}

impl Default for DepositTab {
    fn default() -> DepositTab {
        DepositTab {
            mode: Mode::Lot,
            format: "facturx".into(),
            date_today: false,
            flux_name: format!("Factures du {}", chrono::Local::now().format("%d/%m/%Y")),
            wait_ms: 1000,
            skip_on_error: true,
        }
    }
}

/// The ticked invoices that may leave: conformant ones only, in number order.
fn selected(control: Option<&ControlModel>) -> Vec<String> {
    let Some(model) = control else {
        return Vec::new();
    };
    let mut numbers: Vec<String> = model
        .ticked
        .iter()
        .map(|&i| model.check(i))
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .collect();
    numbers.sort();
    numbers
}

pub fn show(
    ui: &mut egui::Ui,
    tab: &mut DepositTab,
    session: &mut Session,
    control: Option<&ControlModel>,
) {
    let invoices = selected(control);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Dépôt sur Chorus Pro").heading());
        let text = match invoices.len() {
            0 => "aucune facture conforme cochée : cochez-les dans « Contrôle des factures »"
                .to_string(),
            n => format!("{} conforme(s) cochée(s)", format_count(n)),
        };
        ui.label(RichText::new(text).color(style::MUTED));
    });
    if !session.can_deposit() {
        ui.colored_label(
            style::ERROR_RED,
            "Connexion à Chorus Pro non configurée (Paramétrage, « Comptes Chorus PRO »).",
        );
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.selectable_value(&mut tab.mode, Mode::Lot, "Dépôt par lot");
        ui.selectable_value(&mut tab.mode, Mode::Sequential, "Dépôt séquentiel");
    });
    ui.separator();
    egui::Grid::new("deposit-params")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label("Format");
            egui::ComboBox::from_id_salt("format")
                .selected_text(format_label(&tab.format))
                .show_ui(ui, |ui| {
                    for f in ["facturx", "ubl", "cii"] {
                        ui.selectable_value(&mut tab.format, f.to_string(), format_label(f));
                    }
                });
            ui.end_row();
            ui.label("Date de facture");
            ui.horizontal(|ui| {
                ui.radio_value(&mut tab.date_today, false, "Date de la facture");
                ui.radio_value(&mut tab.date_today, true, "Date du jour");
            });
            ui.end_row();
            ui.label("Factures déjà déposées");
            ui.add_enabled(false, egui::Checkbox::new(&mut true, "Ignorées"))
                .on_disabled_hover_text("Une facture n'est jamais déposée deux fois");
            ui.end_row();
            match tab.mode {
                Mode::Lot => {
                    ui.label("Nom du flux");
                    ui.add(egui::TextEdit::singleline(&mut tab.flux_name).desired_width(360.0));
                    ui.end_row();
                }
                Mode::Sequential => {
                    ui.label("Attente entre deux appels");
                    ui.add(
                        egui::DragValue::new(&mut tab.wait_ms)
                            .range(0..=60_000)
                            .suffix(" ms"),
                    );
                    ui.end_row();
                    ui.label("");
                    ui.checkbox(
                        &mut tab.skip_on_error,
                        "Passer à la facture suivante en cas d'erreur",
                    );
                    ui.end_row();
                }
            }
        });
    ui.add_space(6.0);
    let choices = DepositChoices {
        format: tab.format.clone(),
        date_today: tab.date_today,
    };
    let can_start = !invoices.is_empty() && !session.is_busy() && session.can_deposit();
    match tab.mode {
        Mode::Lot => lot_controls(ui, tab, session, invoices, choices, can_start),
        Mode::Sequential => {
            if ui
                .add_enabled(can_start, egui::Button::new("Lancer le dépôt séquentiel"))
                .clicked()
            {
                session.deposit_sequentially(
                    invoices,
                    std::time::Duration::from_millis(tab.wait_ms),
                    tab.skip_on_error,
                    choices,
                );
            }
        }
    }
    if let Some(report) = &session.deposit_report {
        ui.add_space(8.0);
        report_table(ui, report);
    }
}

fn format_label(format: &str) -> &'static str {
    match format {
        "ubl" => "UBL 2.1",
        "cii" => "CII D16B",
        _ => "Factur-X (PDF/A-3, profil EN 16931)",
    }
}

fn lot_controls(
    ui: &mut egui::Ui,
    tab: &DepositTab,
    session: &mut Session,
    invoices: Vec<String>,
    choices: DepositChoices,
    can_start: bool,
) {
    if ui
        .add_enabled(can_start, egui::Button::new("Génération du flux"))
        .on_hover_text("Écrit les fichiers sans rien envoyer")
        .clicked()
    {
        session.prepare_lot(invoices, tab.flux_name.clone(), choices);
    }
    let Some((prepared, report, _)) = &session.prepared_lot else {
        return;
    };
    ui.add_space(6.0);
    ui.label(RichText::new("Fichier généré").strong());
    for notice in &report.notices {
        ui.colored_label(style::WARNING_AMBER, notice);
    }
    let mut total_size = 0u64;
    let mut total_invoices = 0usize;
    egui::Grid::new("prepared")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["Fichier", "Société", "Factures", "Taille"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for f in prepared {
                total_size += f.size;
                total_invoices += f.invoices.len();
                ui.label(f.path.display().to_string());
                ui.label(&f.company_code);
                ui.label(format_count(f.invoices.len()));
                ui.label(crate::checks::rules::format_size(f.size));
                ui.end_row();
            }
        });
    ui.label(format!(
        "À envoyer : {} flux, {} factures, {}",
        prepared.len(),
        format_count(total_invoices),
        crate::checks::rules::format_size(total_size)
    ));
    let can_send = !prepared.is_empty() && !session.is_busy();
    if ui
        .add_enabled(can_send, egui::Button::new("Déposer sur Chorus"))
        .clicked()
    {
        session.send_prepared_lot();
    }
}

fn report_table(ui: &mut egui::Ui, report: &DepositReport) {
    ui.label(
        RichText::new(format!(
            "Compte rendu : {}{}",
            report.summary(),
            if report.cancelled {
                " (dépôt arrêté)"
            } else {
                ""
            }
        ))
        .strong(),
    );
    for notice in &report.notices {
        ui.label(RichText::new(notice).color(style::MUTED));
    }
    TableBuilder::new(ui)
        .id_salt("deposit-report")
        .striped(true)
        .resizable(true)
        .column(Column::initial(110.0).clip(true))
        .column(Column::initial(280.0).clip(true))
        .column(Column::remainder().clip(true))
        .max_scroll_height(360.0)
        .header(22.0, |mut h| {
            for t in ["N° pièce", "Fichier", "Résultat"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(style::ROW_HEIGHT, report.outcomes.len(), |mut row| {
                let o = &report.outcomes[row.index()];
                row.col(|ui| {
                    ui.label(&o.invoice_number);
                });
                row.col(|ui| {
                    ui.label(&o.file);
                });
                row.col(|ui| {
                    let color = match o.outcome {
                        Outcome::Deposited(_) => style::OK_GREEN,
                        Outcome::AlreadyDeposited => style::MUTED,
                        Outcome::ToVerify(_) => style::WARNING_AMBER,
                        _ => style::ERROR_RED,
                    };
                    ui.label(RichText::new(o.outcome.text()).color(color))
                        .on_hover_text(o.outcome.text());
                });
            });
        });
}
