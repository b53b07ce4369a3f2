//! « Aide »: what the columns and the anomalies mean, and where the data comes from.

use crate::checks::AnomalyCode;
use egui::RichText;

pub fn show(ctx: &egui::Context, open: &mut bool) {
    // Clear of the toolbar and the tables' headers.
    let anchor = ctx.content_rect().center() - egui::vec2(310.0, 220.0);
    egui::Window::new("Aide — Chorus Depot")
        .open(open)
        .default_pos(anchor)
        .default_width(620.0)
        .default_height(520.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.label(
                    "Chorus Depot vérifie les factures des clients publics avant leur dépôt sur \
                     Chorus Pro. Les factures conformes sont prêtes à partir ; les autres sont \
                     listées avec chaque anomalie à corriger dans l'ERP ou le paramétrage.",
                );
                ui.add_space(6.0);
                ui.label(RichText::new("Colonnes de l'annuaire").strong());
                egui::Grid::new("help-flags")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        for (code, text) in [
                            (
                                "StA",
                                "La structure (le client public) est active dans Chorus Pro",
                            ),
                            ("StGE", "La structure exige un n° d'engagement juridique"),
                            ("StGS", "La structure exige un code service"),
                            (
                                "StGSE",
                                "La structure exige un code service ou un n° d'engagement",
                            ),
                            ("SvA", "Le service indiqué est actif"),
                            ("SvGE", "Le service indiqué exige un n° d'engagement"),
                        ] {
                            ui.label(RichText::new(code).strong());
                            ui.label(text);
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                ui.label(RichText::new("Données de facturation").strong());
                ui.label(
                    "Code service, n° d'engagement et n° de marché viennent de la facture ; \
                     s'ils y sont vides, de sa référence d'origine (commande, dossier ou \
                     contrat). Les valeurs reprises d'une référence sont affichées en bleu.",
                );
                ui.add_space(6.0);
                ui.label(RichText::new("Anomalies").strong());
                egui::Grid::new("help-codes")
                    .num_columns(2)
                    .striped(true)
                    .show(ui, |ui| {
                        let from_chorus = [
                            AnomalyCode::PdfProtege,
                            AnomalyCode::ValeurHorsLimites,
                            AnomalyCode::RejeteeALIntegration,
                        ];
                        for code in AnomalyCode::ALL.into_iter().chain(from_chorus) {
                            ui.label(RichText::new(code.as_str()).monospace().small());
                            ui.label(code.title());
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                ui.label(RichText::new("Ligne de commande").strong());
                ui.label(
                    "chorus-depot import-erp, import-directory, check, siret et demo font la même \
                     chose que la fenêtre, pour les tâches planifiées : chorus-depot --help.",
                );
            });
        });
}
