//! The status bar, a summary only: the task under way (with the time left and a stop
//! button) or the latest message, on one line that opens the « Résultats » panel; then the
//! directory's date and counts, the invoice counts and what Chorus Pro sent back.

use super::style;
use crate::app::control_model::ControlModel;
use crate::app::session::Session;
use crate::model::format_count;
use egui::RichText;

/// Draws the bar; true when the user asked for the « Résultats » panel (a click on the
/// summary of a task or of the latest message).
pub fn show(ui: &mut egui::Ui, session: &mut Session, control: Option<&ControlModel>) -> bool {
    let mut open_results = false;
    ui.add_space(2.0);
    ui.horizontal(|ui| {
        let count = session.results.entries().len();
        if ui
            .button(format!("Résultats ({})", crate::model::format_count(count)))
            .on_hover_text("Le compte rendu complet de chaque tâche")
            .clicked()
        {
            open_results = true;
        }
        if let Some(job) = session.job() {
            let (fraction, _) = job.progress.snapshot();
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(90.0)
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
        }
        // One line: the task under way, else the latest message; the whole text is in
        // the panel a click away.
        let (text, colour) = match session.job() {
            Some(job) => (
                crate::app::results::progress_text(job.kind.label(), &job.progress),
                style::ACCENT,
            ),
            None => match session.notices.last() {
                Some(notice) if notice.error => (notice.text.clone(), style::ERROR_RED),
                Some(notice) => (notice.text.clone(), style::OK_GREEN),
                None => (String::new(), style::MUTED),
            },
        };
        let written = session
            .results
            .latest()
            .and_then(|e| e.file.clone())
            .filter(|_| session.job().is_none());
        if let Some(file) = written
            && ui
                .small_button("Ouvrir le dossier")
                .on_hover_text(file.display().to_string())
                .clicked()
        {
            session.open_folder_of(&file);
        }
        if !text.is_empty()
            && ui
                .add(
                    egui::Label::new(RichText::new(&text).color(colour))
                        .truncate()
                        .sense(egui::Sense::click()),
                )
                .on_hover_text(format!(
                    "{text}\n\nCliquez pour voir le compte rendu complet"
                ))
                .clicked()
        {
            open_results = true;
        }
    });
    ui.horizontal(|ui| {
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
        ui.separator();
        if let Some(who) = session.permissions().who() {
            ui.label(RichText::new(format!("Connecté : {who}")).small().strong())
                .on_hover_text(
                    "Votre rôle dans la base d'équipe : ce qu'il ne permet pas est grisé, \
                     et la base le refuse de toute façon",
                );
        }
        ui.add(
            egui::Label::new(
                RichText::new(format!("Base : {}", session.db_path().display()))
                    .small()
                    .color(style::MUTED),
            )
            .truncate(),
        );
    });
    open_results
}
