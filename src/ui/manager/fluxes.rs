//! Every flux sent: number, date, mode, syntax, name, state, Chorus state and errors; the
//! file sent and the raw report of the selected one.

use super::{ManagerTab, short_time, style};
use crate::app::manager_data::ManagerData;
use crate::app::session::Session;
use crate::model::status::FluxState;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

pub fn show(ui: &mut egui::Ui, tab: &mut ManagerTab, data: &ManagerData, session: &mut Session) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{} flux", data.fluxes.len())).strong());
        let selected = tab
            .selected_flux
            .and_then(|id| data.fluxes.iter().find(|f| f.id == id));
        let has_file = selected.is_some_and(|f| !f.file_path.is_empty());
        if ui
            .add_enabled(has_file, egui::Button::new("Ouvrir le fichier envoyé"))
            .clicked()
            && let Some(f) = selected
        {
            session.open_with_system(f.file_path.clone());
        }
        let has_number = selected.is_some_and(|f| !f.flux_number.is_empty());
        if ui
            .add_enabled(has_number, egui::Button::new("Compte rendu brut"))
            .on_hover_text("La dernière réponse de consulterCRDetaille pour ce flux, telle quelle")
            .clicked()
            && let Some(f) = selected
        {
            session.load_raw_report(f.flux_number.clone());
        }
    });
    if data.fluxes.is_empty() {
        ui.label(
            RichText::new("Aucun flux déposé : déposez des factures depuis l'onglet « Dépôt ».")
                .color(style::MUTED),
        );
        return;
    }
    let mut clicked = None;
    // Selectable labels would take the click meant for the row (its number, its name).
    ui.style_mut().interaction.selectable_labels = false;
    let scroll_to = tab
        .scroll_to_selected_flux
        .then(|| {
            tab.selected_flux
                .and_then(|id| data.fluxes.iter().position(|f| f.id == id))
        })
        .flatten();
    tab.scroll_to_selected_flux = false;
    // On a narrow window the columns keep their width and the list scrolls sideways.
    egui::ScrollArea::horizontal()
        .id_salt("flux_list_scroll")
        .show(ui, |ui| {
            let mut builder = TableBuilder::new(ui);
            if let Some(row) = scroll_to {
                builder = builder.scroll_to_row(row, None);
            }
            builder
                .id_salt("flux_list")
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::initial(150.0))
                .column(Column::initial(130.0))
                .column(Column::initial(80.0))
                .column(Column::initial(170.0))
                .column(Column::initial(260.0).clip(true))
                .column(Column::initial(70.0))
                .column(Column::initial(180.0).clip(true))
                .column(Column::remainder().clip(true))
                .header(22.0, |mut header| {
                    for title in [
                        "N° de flux",
                        "Date",
                        "Mode",
                        "Syntaxe",
                        "Nom",
                        "Factures",
                        "État",
                        "Erreurs",
                    ] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, data.fluxes.len(), |mut row| {
                        let flux = &data.fluxes[row.index()];
                        row.set_selected(tab.selected_flux == Some(flux.id));
                        row.col(|ui| {
                            ui.label(if flux.flux_number.is_empty() {
                                "—".to_string()
                            } else {
                                flux.flux_number.clone()
                            });
                        });
                        row.col(|ui| {
                            ui.label(short_time(&flux.date));
                        });
                        row.col(|ui| {
                            ui.label(if flux.mode == "LOT" {
                                "Lot"
                            } else {
                                "Séquentiel"
                            });
                        });
                        row.col(|ui| {
                            ui.label(&flux.syntax);
                        });
                        row.col(|ui| {
                            ui.add(egui::Label::new(&flux.name).truncate());
                        });
                        row.col(|ui| {
                            ui.label(flux.invoice_count.to_string());
                        });
                        row.col(|ui| {
                            let (text, colour) = state_text(flux);
                            ui.label(RichText::new(text).color(colour));
                        });
                        row.col(|ui| {
                            let errors = errors_text(flux);
                            if !errors.is_empty() {
                                ui.add(
                                    egui::Label::new(
                                        RichText::new(&errors).color(style::ERROR_RED),
                                    )
                                    .truncate(),
                                );
                            }
                        });
                        if row.response().clicked() {
                            clicked = Some(flux.id);
                        }
                    });
                });
        });
    if clicked.is_some() {
        tab.selected_flux = clicked;
    }
}

fn state_text(flux: &crate::store::tracking::FluxSummary) -> (String, egui::Color32) {
    if !flux.chorus_state.is_empty() {
        let state = FluxState::from_code(&flux.chorus_state);
        let colour = match flux.chorus_state.as_str() {
            "IN_INTEGRE" => style::OK_GREEN,
            "IN_INTEGRE_PARTIEL" => style::WARNING_AMBER,
            s if s.starts_with("IN_REJETE") || s.contains("INCIDENT") => style::ERROR_RED,
            _ => style::ACCENT,
        };
        return (state.label().to_string(), colour);
    }
    match flux.state.as_str() {
        "ENVOYE" => ("Envoyé, en attente du compte rendu".into(), style::ACCENT),
        "A_VERIFIER" => (
            "À vérifier (réponse manquante)".into(),
            style::WARNING_AMBER,
        ),
        "ECHEC" => ("Non reçu par Chorus Pro".into(), style::ERROR_RED),
        "GENERE" => ("Généré, pas encore envoyé".into(), style::MUTED),
        "ABANDONNE" => ("Abandonné, jamais envoyé".into(), style::MUTED),
        other => (other.to_string(), style::MUTED),
    }
}

fn errors_text(flux: &crate::store::tracking::FluxSummary) -> String {
    let mut parts: Vec<String> = flux
        .errors
        .iter()
        .map(|e| {
            if e.invoice_number.is_empty() {
                e.message.clone()
            } else {
                format!("{} : {}", e.invoice_number, e.message)
            }
        })
        .collect();
    if parts.is_empty() && !flux.error.is_empty() {
        parts.push(flux.error.clone());
    }
    parts.join(" ; ")
}
