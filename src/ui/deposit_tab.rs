//! « Dépôt »: the ticked conformant invoices leave for Chorus Pro, by lot (« Génération
//! du flux » then « Déposer sur Chorus ») or sequentially (one flux per invoice).

use super::style;
use crate::app::control_model::{ControlModel, Selection};
use crate::app::deposit_setup::DepositChoices;
use crate::app::deposit_summary::DepositTarget;
use crate::app::jobs::JobKind;
use crate::app::permissions::Capability;
use crate::app::session::{DepositRequest, Session};
use crate::deposit::{DepositReport, Outcome};
use crate::einvoice::Format;
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
    /// The format chosen here; `None`: the one the invoices were checked in (the
    /// settings' default).
    format: Option<String>,
    date_today: bool,
    flux_name: String,
    wait_ms: u64,
    skip_on_error: bool,
}

impl Default for DepositTab {
    fn default() -> DepositTab {
        DepositTab {
            mode: Mode::Lot,
            format: None,
            date_today: false,
            flux_name: format!("Factures du {}", crate::clock::today().format("%d/%m/%Y")),
            wait_ms: 1000,
            skip_on_error: true,
        }
    }
}

/// Throws a generated lot away as soon as it no longer is what the user selected: a tick
/// or an option changed. Called every frame, whatever the tab shown (ticks change in
/// « Contrôle des factures »).
pub fn watch_lot(tab: &DepositTab, session: &mut Session, control: Option<&ControlModel>) {
    let Some(lot) = &session.prepared_lot else {
        return;
    };
    let reason = match control {
        Some(model) if model.tick_generation != lot.tick_generation => Some(format!(
            "la sélection a changé depuis la génération du flux ({})",
            model.last_tick_change
        )),
        _ => lot.options_changed(&tab.choices(control), &tab.flux_name),
    };
    if let Some(reason) = reason {
        session.discard_prepared_lot(reason);
    }
}

impl DepositTab {
    /// The format the invoices were checked in, then the one that will be written.
    fn formats(&self, control: Option<&ControlModel>) -> (Option<Format>, String) {
        let checked = control.map(|c| c.report().format);
        let chosen = self
            .format
            .clone()
            .or_else(|| checked.map(|f| f.code().to_string()))
            .unwrap_or_else(|| Format::FacturX.code().to_string());
        (checked, chosen)
    }

    fn choices(&self, control: Option<&ControlModel>) -> DepositChoices {
        DepositChoices {
            format: self.formats(control).1,
            date_today: self.date_today,
        }
    }
}

/// « 3 factures cochées à déposer, dont 1 masquée par la recherche ».
fn selection_text(selection: &Selection) -> String {
    match selection.numbers.len() {
        0 => "aucune facture cochée : cochez les factures conformes dans « Contrôle des \
              factures »"
            .to_string(),
        n => {
            let mut text = if n == 1 {
                "1 facture cochée à déposer".to_string()
            } else {
                format!("{} factures cochées à déposer", format_count(n))
            };
            match selection.hidden_by_search {
                0 => {}
                1 => text.push_str(", dont 1 masquée par la recherche"),
                h => text.push_str(&format!(
                    ", dont {} masquées par la recherche",
                    format_count(h)
                )),
            }
            text
        }
    }
}

pub fn show(
    ui: &mut egui::Ui,
    tab: &mut DepositTab,
    session: &mut Session,
    control: Option<&ControlModel>,
) {
    let selection = control.map(|c| c.selection()).unwrap_or_default();
    let tick_generation = control.map_or(0, |c| c.tick_generation);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Dépôt sur Chorus Pro").heading());
        ui.label(RichText::new(selection_text(&selection)).color(style::MUTED));
    });
    if let Err(why) = session.permissions().check(Capability::Deposit) {
        ui.colored_label(style::WARNING_AMBER, format!("{why}."));
    } else if !session.can_deposit() {
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
            let (checked, chosen) = tab.formats(control);
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("format")
                    .selected_text(format_label(&chosen))
                    .show_ui(ui, |ui| {
                        for f in ["facturx", "ubl", "cii"] {
                            if ui.selectable_label(chosen == f, format_label(f)).clicked() {
                                tab.format = Some(f.to_string());
                            }
                        }
                    });
                if let Some(checked) = checked.filter(|c| c.code() != chosen) {
                    ui.label(
                        RichText::new(format!(
                            "Les factures ont été vérifiées en {} (format du paramétrage) : en {}, \
                         chaque fichier est vérifié à la génération et refusé s'il ne passe \
                         pas les règles EN 16931",
                            checked.label(),
                            format_label(&chosen)
                        ))
                        .color(style::WARNING_AMBER),
                    );
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
    let choices = tab.choices(control);
    let can_start = !selection.numbers.is_empty() && !session.is_busy() && session.can_deposit();
    match tab.mode {
        Mode::Lot => lot_controls(
            ui,
            tab,
            session,
            selection.numbers,
            LotStart {
                choices: choices.clone(),
                tick_generation,
                can_start,
            },
        ),
        Mode::Sequential => {
            let allowed = session.permissions().check(Capability::Deposit);
            if ui
                .add_enabled(
                    can_start && allowed.is_ok(),
                    egui::Button::new("Lancer le dépôt séquentiel"),
                )
                .on_hover_text("Un résumé de ce qui va partir est demandé avant tout envoi")
                .on_disabled_hover_text(allowed.err().unwrap_or_default())
                .clicked()
            {
                session.ask_deposit(DepositRequest::Sequential {
                    invoices: selection.numbers,
                    wait: std::time::Duration::from_millis(tab.wait_ms),
                    skip_on_error: tab.skip_on_error,
                    choices,
                });
            }
        }
    }
    job_progress(ui, session);
    if let Some(report) = &session.deposit_report {
        ui.add_space(8.0);
        report_table(ui, report);
    }
    confirmation(ui.ctx(), session);
}

/// The deposit under way, in the tab itself: its progress with the time left, the stop
/// button and the invoices done so far (the status bar only summarises).
fn job_progress(ui: &mut egui::Ui, session: &mut Session) {
    let Some(job) = session.job() else {
        return;
    };
    if !matches!(job.kind, JobKind::DepositSend | JobKind::DepositPrepare) {
        return;
    }
    let (fraction, _) = job.progress.snapshot();
    let stopping = job.progress.is_cancel_requested();
    ui.add_space(6.0);
    ui.add(
        egui::ProgressBar::new(fraction)
            .text(crate::app::results::progress_text(
                job.kind.label(),
                &job.progress,
            ))
            .animate(true),
    );
    let done = job.progress.detail_count();
    let progress = job.progress.clone();
    if ui
        .add_enabled(
            !stopping,
            egui::Button::new(if stopping {
                "Arrêt…"
            } else {
                "Arrêter le dépôt"
            }),
        )
        .clicked()
    {
        session.cancel_job();
    }
    if done > 0 {
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Déjà traitées : {}", format_count(done))).strong());
        let height = ui.text_style_height(&egui::TextStyle::Body);
        egui::ScrollArea::vertical()
            .id_salt("deposit-done-so-far")
            .max_height(320.0)
            .stick_to_bottom(true)
            .auto_shrink([false, true])
            .show_rows(ui, height, done, |ui, range| {
                for line in progress.details_in(range) {
                    ui.label(line);
                }
            });
    }
}

/// « Envoyer » / « Annuler », with everything that is about to leave and where it goes.
fn confirmation(ctx: &egui::Context, session: &mut Session) {
    let Some(pending) = &session.pending_deposit else {
        return;
    };
    let summary = &pending.summary;
    let mut decision = None;
    let response = egui::Modal::new(egui::Id::unique("deposit-confirmation")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.label(RichText::new("Confirmer le dépôt sur Chorus Pro").heading());
        ui.add_space(6.0);
        let colour = match summary.target {
            DepositTarget::Production => style::ERROR_RED,
            DepositTarget::Qualification | DepositTarget::Custom(_) => style::WARNING_AMBER,
            DepositTarget::EmbeddedSandbox => style::ACCENT,
        };
        ui.label(
            RichText::new(summary.target.banner())
                .size(30.0)
                .strong()
                .color(colour),
        );
        ui.label(RichText::new(summary.target.meaning()).color(colour));
        ui.add_space(8.0);
        egui::Grid::new("deposit-summary")
            .num_columns(2)
            .spacing([12.0, 4.0])
            .show(ui, |ui| {
                for (label, value) in summary.lines().into_iter().skip(1) {
                    ui.label(RichText::new(label).strong());
                    ui.add(egui::Label::new(value).wrap());
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        ui.label(
            RichText::new("Un dépôt ne peut pas être repris : seul un avoir l'annule.")
                .color(style::MUTED),
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new("Envoyer").strong())
                .on_hover_text(format!("Envoie {} sur Chorus Pro", summary.count_text()))
                .clicked()
            {
                decision = Some(true);
            }
            if ui.button("Annuler").clicked() {
                decision = Some(false);
            }
        });
    });
    if response.should_close() && decision.is_none() {
        decision = Some(false);
    }
    match decision {
        Some(true) => session.confirm_deposit(),
        Some(false) => session.cancel_deposit(),
        None => {}
    }
}

fn format_label(format: &str) -> &'static str {
    match format {
        "ubl" => "UBL 2.1",
        "cii" => "CII D16B",
        _ => "Factur-X (PDF/A-3, profil EN 16931)",
    }
}

/// What « Génération du flux » starts from.
struct LotStart {
    choices: DepositChoices,
    tick_generation: u64,
    can_start: bool,
}

fn lot_controls(
    ui: &mut egui::Ui,
    tab: &DepositTab,
    session: &mut Session,
    selection: Vec<String>,
    start: LotStart,
) {
    let LotStart {
        choices,
        tick_generation,
        can_start,
    } = start;
    let allowed = session.permissions().check(Capability::Deposit);
    if ui
        .add_enabled(
            can_start && allowed.is_ok(),
            egui::Button::new("Génération du flux"),
        )
        .on_hover_text("Écrit les fichiers sans rien envoyer")
        .on_disabled_hover_text(allowed.clone().err().unwrap_or_default())
        .clicked()
    {
        session.prepare_lot(selection, tab.flux_name.clone(), choices, tick_generation);
    }
    if session.prepared_lot.is_none()
        && let Some(why) = &session.lot_discarded
    {
        ui.add_space(6.0);
        ui.colored_label(
            style::WARNING_AMBER,
            format!(
                "Le flux généré a été abandonné : {why}. Générez-le de nouveau avant de déposer."
            ),
        );
    }
    let Some(lot) = &session.prepared_lot else {
        ui.add_enabled(false, egui::Button::new("Déposer sur Chorus"))
            .on_disabled_hover_text("Générez d'abord le flux de la sélection");
        return;
    };
    ui.add_space(6.0);
    ui.label(RichText::new("Fichier généré").strong());
    for notice in &lot.report.notices {
        ui.colored_label(style::WARNING_AMBER, notice);
    }
    for o in lot.report.outcomes.iter() {
        ui.colored_label(
            style::WARNING_AMBER,
            format!("{} : {}", o.invoice_number, o.outcome.text()),
        );
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
            for f in &lot.fluxes {
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
        lot.fluxes.len(),
        format_count(total_invoices),
        crate::checks::rules::format_size(total_size)
    ));
    let can_send = !lot.fluxes.is_empty() && !session.is_busy() && allowed.is_ok();
    if ui
        .add_enabled(can_send, egui::Button::new("Déposer sur Chorus"))
        .on_hover_text("Un résumé de ce qui va partir est demandé avant tout envoi")
        .clicked()
    {
        session.ask_deposit(DepositRequest::Lot);
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
