//! A directory structure with its flags and services (toolbar lookup and directory tab).

use super::style;
use crate::app::lookup::StructureEntry;
use egui_extras::{Column, TableBuilder};

pub fn show(ui: &mut egui::Ui, entry: &StructureEntry, only_active: bool) {
    let s = &entry.structure;
    ui.heading(&s.name);
    ui.label(format!("SIRET {}", s.identifier));
    let address = [
        s.address.as_str(),
        s.address_complement1.as_str(),
        s.postal_code.as_str(),
        s.city.as_str(),
    ]
    .iter()
    .filter(|p| !p.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" ");
    if !address.is_empty() {
        ui.label(address);
    }
    ui.add_space(4.0);
    egui::Grid::new("structure-flags")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let rows = [
                ("Structure active (StA)", s.active),
                ("N° d'engagement obligatoire (StGE)", s.engagement_required),
                ("Code service obligatoire (StGS)", s.service_required),
                (
                    "Code service ou n° d'engagement obligatoire (StGSE)",
                    s.service_or_engagement_required,
                ),
                (
                    "Statut de mise en paiement remonté",
                    s.payment_status_managed,
                ),
                ("Maîtrise d'ouvrage (MOA)", s.is_moa),
            ];
            for (label, value) in rows {
                ui.label(label);
                if value {
                    ui.label(egui::RichText::new("✔ oui").color(style::OK_GREEN));
                } else {
                    ui.label("non");
                }
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    let title = if only_active {
        format!("Services actifs ({})", entry.services.len())
    } else {
        format!("Services ({})", entry.services.len())
    };
    ui.strong(title);
    if entry.services.is_empty() {
        ui.label(egui::RichText::new("Aucun service.").color(style::MUTED));
        return;
    }
    TableBuilder::new(ui)
        .id_salt("services")
        .striped(true)
        .column(Column::initial(150.0).clip(true).resizable(true))
        .column(Column::remainder().clip(true))
        .column(Column::exact(42.0))
        .column(Column::exact(42.0))
        .max_scroll_height(320.0)
        .header(20.0, |mut h| {
            h.col(|ui| {
                ui.strong("Code service");
            });
            h.col(|ui| {
                ui.strong("Nom");
            });
            h.col(|ui| {
                ui.strong("SvA").on_hover_text("Service actif");
            });
            h.col(|ui| {
                ui.strong("SvGE")
                    .on_hover_text("Le service exige un n° d'engagement");
            });
        })
        .body(|body| {
            body.rows(style::ROW_HEIGHT, entry.services.len(), |mut row| {
                let svc = &entry.services[row.index()];
                row.col(|ui| {
                    ui.label(&svc.code);
                });
                row.col(|ui| {
                    ui.label(&svc.name);
                });
                row.col(|ui| {
                    ui.label(style::flag_text(Some(svc.active)));
                });
                row.col(|ui| {
                    ui.label(style::flag_text(Some(svc.engagement_required)));
                });
            });
        });
}
