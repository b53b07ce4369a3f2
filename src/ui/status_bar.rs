//! The status bar: the directory's date and counts, the invoice counts, the job under way
//! with its progress and a stop button, and the latest message.

use super::style;
use crate::app::control_model::ControlModel;
use crate::app::session::Session;
use crate::model::format_count;
use egui::RichText;

pub fn show(ui: &mut egui::Ui, session: &mut Session, control: Option<&ControlModel>) {
    ui.add_space(2.0);
    ui.horizontal(|ui| {
        if let Some(job) = session.job() {
            let (fraction, message) = job.progress.snapshot();
            let label = if message.is_empty() {
                job.kind.label().to_string()
            } else {
                message
            };
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(260.0)
                    .text(label)
                    .animate(true),
            );
            let stopping = job.progress.is_cancel_requested();
            if ui
                .add_enabled(
                    !stopping,
                    egui::Button::new(if stopping { "Arrêt…" } else { "Arrêter" }),
                )
                .clicked()
            {
                session.cancel_job();
            }
            ui.separator();
        }
        let report = session.report.as_ref();
        ui.label(crate::app::status::directory_line(
            report.and_then(|r| r.directory.as_ref()),
        ));
        if let Some(report) = report {
            ui.separator();
            let hidden = control.map_or(0, |c| c.hidden_deposited);
            let shown = control.map_or(report.checks.len(), |c| {
                c.conformant.len() + c.anomalous.len() + c.hidden_deposited
            });
            let mut text = crate::app::status::checks_line(
                report.checks.len(),
                report.conformant_count(),
                report.anomalous_count(),
            );
            if shown != report.checks.len() {
                text.push_str(&format!(" ({} affichées)", format_count(shown - hidden)));
            }
            if hidden > 0 {
                text.push_str(&format!(" — {} déjà déposées", format_count(hidden)));
            }
            ui.label(text);
        }
        // What Chorus Pro sent back since the last look, and passwords about to expire,
        // whatever the tab (details in the Gestionnaire).
        if let Some(data) = &session.manager {
            if !data.news.is_empty() {
                ui.separator();
                ui.label(
                    RichText::new(format!(
                        "Chorus Pro : {}",
                        super::manager::news_summary(&data.news)
                    ))
                    .color(style::WARNING_AMBER),
                )
                .on_hover_text("Voir le Gestionnaire Chorus Pro");
            }
            if !data.password_reminders.is_empty() {
                ui.separator();
                ui.label(
                    RichText::new("⚠ Mot de passe technique à changer").color(style::ERROR_RED),
                )
                .on_hover_text(
                    data.password_reminders
                        .iter()
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
        }
        if let Some(notice) = session.notices.last() {
            ui.separator();
            let color = if notice.error {
                style::ERROR_RED
            } else {
                style::OK_GREEN
            };
            ui.label(RichText::new(&notice.text).color(color))
                .on_hover_text(&notice.text);
        }
    });
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("Base : {}", session.db_path().display()))
                .small()
                .color(style::MUTED),
        );
    });
}
