//! « Résultats »: a bottom panel, resizable, with one entry per long task, newest first.
//! A running task shows its progress, the time left and « Arrêter »; a finished one keeps
//! every line of its report (errors in red), with « Copier », « Exporter… » and, for a
//! file written, « Ouvrir le dossier ».

use super::style;
use crate::app::results::{ResultState, TaskResult, progress_text};
use crate::app::session::Session;
use egui::RichText;
use std::path::PathBuf;

#[derive(Default)]
pub struct ResultsPanel {
    pub open: bool,
}

enum Action {
    Copy(String),
    Export(u64),
    Stop,
    OpenFolder(PathBuf),
}

pub fn show(ui: &mut egui::Ui, panel: &mut ResultsPanel, session: &mut Session) {
    if !panel.open {
        return;
    }
    let mut action = None;
    egui::Panel::bottom("results")
        .resizable(true)
        .default_size(260.0)
        .size_range(120.0..=720.0)
        .show(ui, |ui| {
            ui.add_space(2.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new("Résultats").strong());
                ui.label(
                    RichText::new("une entrée par tâche, la plus récente en haut")
                        .color(style::MUTED),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Fermer").clicked() {
                        panel.open = false;
                    }
                });
            });
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("results-entries")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if session.results.entries().is_empty() {
                        ui.label(
                            RichText::new("Aucune tâche lancée depuis l'ouverture de la fenêtre.")
                                .color(style::MUTED),
                        );
                    }
                    for (i, entry) in session.results.entries().iter().enumerate() {
                        if let Some(a) = entry_ui(ui, entry, i == 0) {
                            action = Some(a);
                        }
                    }
                });
        });
    match action {
        Some(Action::Copy(text)) => {
            ui.ctx().copy_text(text);
            session.notice(false, "Compte rendu copié dans le presse-papiers");
        }
        Some(Action::Export(id)) => session.export_result(id),
        Some(Action::Stop) => session.cancel_job(),
        Some(Action::OpenFolder(file)) => session.open_folder_of(&file),
        None => {}
    }
}

fn state_colour(state: ResultState) -> egui::Color32 {
    match state {
        ResultState::Running => style::ACCENT,
        ResultState::Succeeded => style::OK_GREEN,
        ResultState::Warnings | ResultState::Stopped => style::WARNING_AMBER,
        ResultState::Failed => style::ERROR_RED,
    }
}

fn entry_ui(ui: &mut egui::Ui, entry: &TaskResult, newest: bool) -> Option<Action> {
    let mut action = None;
    let header = RichText::new(format!(
        "{} — {} — {}{}",
        entry.started_at.format("%H:%M:%S"),
        entry.title,
        entry.state.label(),
        entry
            .elapsed
            .map(|d| format!(" en {}", crate::model::format_duration(d)))
            .unwrap_or_default()
    ))
    .color(state_colour(entry.state));
    egui::CollapsingHeader::new(header)
        .id_salt(("result", entry.id))
        .default_open(newest)
        .show(ui, |ui| {
            if let Some(progress) = &entry.progress {
                let (fraction, _) = progress.snapshot();
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .text(progress_text(&entry.title, progress))
                        .animate(true),
                );
                let stopping = progress.is_cancel_requested();
                if ui
                    .add_enabled(
                        !stopping,
                        egui::Button::new(if stopping { "Arrêt…" } else { "Arrêter" }),
                    )
                    .clicked()
                {
                    action = Some(Action::Stop);
                }
                let count = progress.detail_count();
                if count > 0 {
                    lines(ui, entry.id, count, |range| {
                        progress
                            .details_in(range)
                            .into_iter()
                            .map(|t| (false, t))
                            .collect()
                    });
                }
            } else {
                lines(ui, entry.id, entry.lines.len(), |range| {
                    entry.lines[range]
                        .iter()
                        .map(|l| (l.error, l.text.clone()))
                        .collect()
                });
            }
            ui.horizontal(|ui| {
                if ui
                    .button("Copier")
                    .on_hover_text("Copie tout le compte rendu dans le presse-papiers")
                    .clicked()
                {
                    action = Some(Action::Copy(entry.as_text()));
                }
                if ui
                    .button("Exporter…")
                    .on_hover_text("Enregistre le compte rendu dans un fichier texte")
                    .clicked()
                {
                    action = Some(Action::Export(entry.id));
                }
                if let Some(file) = &entry.file
                    && ui
                        .button("Ouvrir le dossier")
                        .on_hover_text(file.display().to_string())
                        .clicked()
                {
                    action = Some(Action::OpenFolder(file.clone()));
                }
            });
        });
    action
}

/// The lines of a report; only those on screen are drawn (a deposit of 2 000 invoices).
fn lines(
    ui: &mut egui::Ui,
    id: u64,
    count: usize,
    rows: impl Fn(std::ops::Range<usize>) -> Vec<(bool, String)>,
) {
    let height = ui.text_style_height(&egui::TextStyle::Body);
    egui::ScrollArea::vertical()
        .id_salt(("result-lines", id))
        .max_height(240.0)
        .auto_shrink([false, true])
        .show_rows(ui, height, count, |ui, range| {
            for (error, text) in rows(range) {
                let colour = if error {
                    style::ERROR_RED
                } else {
                    ui.visuals().text_color()
                };
                ui.add(egui::Label::new(RichText::new(text).color(colour)).selectable(true));
            }
        });
}
