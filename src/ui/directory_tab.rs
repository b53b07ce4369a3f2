//! « Annuaire Chorus PRO »: browse and search the cached directory, import a new export.

use super::keyboard::Command;
use super::style;
use crate::app::session::{DIRECTORY_PAGE_SIZE, FilePurpose, Session};
use crate::model::format_count;
use egui::{Align, Layout, RichText, Sense};
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;

#[derive(Default)]
pub struct DirectoryTab {
    query: String,
    only_active: bool,
    offset: usize,
    /// The page asked for and not yet received (or received).
    requested: Option<(String, bool, usize)>,
    /// Files to import, one path per line (typed, pasted or chosen with « Parcourir… »).
    files_text: String,
    /// The row of the page under the arrow keys (Enter shows its structure).
    selected: Option<usize>,
    /// The selection moved by the keyboard: the table scrolls to it once.
    scroll_to_selected: bool,
}

pub enum Action {
    ShowStructure(String),
}

impl DirectoryTab {
    /// The directory changed: ask for the page again.
    pub fn invalidate(&mut self) {
        self.requested = None;
    }

    pub fn set_files(&mut self, files: &[PathBuf]) {
        self.files_text = files
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join("\n");
    }

    /// A shortcut for this tab (see `ui::keyboard`); the structure to show on Enter.
    pub fn on_key(&mut self, session: &Session, command: Command) -> Option<Action> {
        let rows = session.directory_page.as_ref().map_or(0, |p| p.rows.len());
        match command {
            Command::Previous | Command::Next => {
                let all: Vec<usize> = (0..rows).collect();
                let delta = if command == Command::Next { 1 } else { -1 };
                self.selected = crate::app::row_cursor::step(&all, self.selected, delta);
                self.scroll_to_selected = true;
                None
            }
            Command::Open => {
                let page = session.directory_page.as_ref()?;
                let row = page.rows.get(self.selected?)?;
                Some(Action::ShowStructure(row.identifier.clone()))
            }
            _ => None,
        }
    }

    fn files(&self) -> Vec<PathBuf> {
        self.files_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .collect()
    }
}

pub fn show(ui: &mut egui::Ui, tab: &mut DirectoryTab, session: &mut Session) -> Option<Action> {
    let mut action = None;
    shrink_confirmation(ui.ctx(), session);
    let wanted = (tab.query.trim().to_string(), tab.only_active, tab.offset);
    if tab.requested.as_ref() != Some(&wanted) {
        session.request_directory_page(wanted.0.clone(), wanted.1, wanted.2);
        tab.requested = Some(wanted);
        tab.selected = None;
    }

    ui.horizontal(|ui| {
        ui.label(RichText::new("Annuaire Chorus Pro en cache").heading());
        let line = crate::app::status::directory_line(
            session.report.as_ref().and_then(|r| r.directory.as_ref()),
        );
        ui.label(RichText::new(line).color(style::MUTED));
    });
    ui.add_space(4.0);
    egui::CollapsingHeader::new("Importer un export de l'annuaire")
        .default_open(false)
        .show(ui, |ui| {
            ui.label(
                "Fichiers de l'export officiel : un classeur XLSX (feuilles structures et services) \
                 ou deux fichiers CSV séparés par des points-virgules. Un chemin par ligne.",
            );
            ui.add(
                egui::TextEdit::multiline(&mut tab.files_text)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY)
                    .hint_text("/chemin/AIFE-Chorus-Pro-Annuaire_20261112.xlsx"),
            );
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!session.is_busy(), egui::Button::new("Actualiser l'annuaire"))
                    .on_hover_text("Télécharger l'export officiel par l'API Chorus Pro et l'importer")
                    .clicked()
                {
                    session.refresh_directory_from_chorus();
                }
                if ui.button("Parcourir…").clicked() {
                    session.pick_files(FilePurpose::DirectoryFiles);
                }
                let files = tab.files();
                let can_import = !files.is_empty() && !session.is_busy();
                if ui
                    .add_enabled(can_import, egui::Button::new("Importer l'annuaire"))
                    .on_hover_text("Remplace l'annuaire en cache ; en cas d'erreur, rien ne change")
                    .clicked()
                {
                    session.import_directory(files);
                }
            });
        });
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label("Rechercher");
        if ui
            .add(
                egui::TextEdit::singleline(&mut tab.query)
                    .id(egui::Id::unique(super::keyboard::DIRECTORY_SEARCH_ID))
                    .desired_width(260.0)
                    .hint_text("SIRET, raison sociale, ville, code postal"),
            )
            .changed()
        {
            tab.offset = 0;
        }
        if ui
            .checkbox(&mut tab.only_active, "Uniquement structures actives")
            .changed()
        {
            tab.offset = 0;
        }
    });
    let Some(page) = session.directory_page.clone() else {
        ui.spinner();
        return None;
    };
    ui.horizontal(|ui| {
        let last = (page.offset + page.rows.len()).min(page.total);
        let label = if page.total == 0 {
            "Aucune structure".to_string()
        } else {
            format!(
                "Structures {} à {} sur {}",
                format_count(page.offset + 1),
                format_count(last),
                format_count(page.total)
            )
        };
        ui.label(label);
        if ui
            .add_enabled(tab.offset > 0, egui::Button::new("◀ Précédentes"))
            .clicked()
        {
            tab.offset = tab.offset.saturating_sub(DIRECTORY_PAGE_SIZE);
        }
        if ui
            .add_enabled(last < page.total, egui::Button::new("Suivantes ▶"))
            .clicked()
        {
            tab.offset += DIRECTORY_PAGE_SIZE;
        }
    });
    ui.style_mut().interaction.selectable_labels = false;
    let mut builder = TableBuilder::new(ui);
    if std::mem::take(&mut tab.scroll_to_selected)
        && let Some(row) = tab.selected
    {
        builder = builder.scroll_to_row(row, None);
    }
    let mut clicked_row = None;
    builder
        .id_salt("directory")
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        .cell_layout(Layout::left_to_right(Align::Center))
        .auto_shrink([false, false])
        .column(Column::initial(130.0).clip(true))
        .column(Column::initial(340.0).clip(true))
        .column(Column::initial(70.0).clip(true))
        .column(Column::initial(180.0).clip(true))
        .columns(Column::exact(48.0), 4)
        .column(Column::remainder().clip(true))
        .header(24.0, |mut h| {
            for (title, tip) in [
                ("N° SIRET", ""),
                ("Raison sociale", ""),
                ("CP", "Code postal"),
                ("Ville", ""),
                ("StA", "Structure active"),
                ("StGE", "N° d'engagement obligatoire"),
                ("StGS", "Code service obligatoire"),
                ("StGSE", "Code service ou n° d'engagement obligatoire"),
                ("Courriel", ""),
            ] {
                h.col(|ui| {
                    let r = ui.strong(title);
                    if !tip.is_empty() {
                        r.on_hover_text(tip);
                    }
                });
            }
        })
        .body(|body| {
            body.rows(style::ROW_HEIGHT, page.rows.len(), |mut row| {
                let s = &page.rows[row.index()];
                row.set_selected(tab.selected == Some(row.index()));
                row.col(|ui| {
                    ui.label(&s.identifier);
                });
                row.col(|ui| {
                    // Cut to the column, the whole name on hover.
                    ui.add(egui::Label::new(&s.name).truncate());
                });
                row.col(|ui| {
                    ui.label(&s.postal_code);
                });
                row.col(|ui| {
                    ui.label(&s.city);
                });
                for flag in [
                    s.active,
                    s.engagement_required,
                    s.service_required,
                    s.service_or_engagement_required,
                ] {
                    row.col(|ui| {
                        ui.label(style::flag_text(Some(flag)));
                    });
                }
                row.col(|ui| {
                    ui.label(&s.email);
                });
                if row.response().clicked() {
                    clicked_row = Some(row.index());
                    action = Some(Action::ShowStructure(s.identifier.clone()));
                }
            });
        });
    if clicked_row.is_some() {
        tab.selected = clicked_row;
    }
    action
}

/// « Remplacer » / « Annuler » when an import would remove more than 20 % of the cached
/// structures: nothing changed yet; « Remplacer » imports the same files again, accepting it.
fn shrink_confirmation(ctx: &egui::Context, session: &mut Session) {
    let Some(pending) = &session.pending_directory_shrink else {
        return;
    };
    let question = pending.question();
    let mut decision = None;
    let response =
        egui::Modal::new(egui::Id::unique("directory-shrink-confirmation")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.label(RichText::new("Remplacer l'annuaire en cache ?").heading());
            ui.add_space(6.0);
            ui.add(egui::Label::new(RichText::new(question).color(style::WARNING_AMBER)).wrap());
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui
                    .button(RichText::new("Remplacer").strong())
                    .on_hover_text("Importe ces fichiers et remplace l'annuaire en cache")
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
        Some(true) => session.confirm_directory_shrink(),
        Some(false) => session.cancel_directory_shrink(),
        None => {}
    }
}
