//! A horizontal bar chart drawn as rows: the whole label on the left (never cut, unlike a
//! plot's axis), the bar, and the figure as the user reads it (« 4 005 068,60 € »), also on
//! hover. Used by the « Graphiques » of the payments panel.

use super::style;
use egui::RichText;

/// One bar: what it is, its length (only for drawing) and its figure in French.
pub struct BarRow {
    pub label: String,
    pub value: f64,
    pub figure: String,
}

pub fn show(ui: &mut egui::Ui, id: &str, rows: &[BarRow], colour: egui::Color32) {
    let max = rows.iter().map(|r| r.value).fold(0.0_f64, f64::max);
    egui::Grid::new(id)
        .num_columns(3)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            for row in rows {
                let hover = format!("{} : {}", row.label, row.figure);
                ui.label(&row.label).on_hover_text(&hover);
                let width = 320.0;
                let (rect, response) =
                    ui.allocate_exact_size(egui::vec2(width, 16.0), egui::Sense::hover());
                let share = if max > 0.0 {
                    (row.value / max).clamp(0.0, 1.0) as f32
                } else {
                    0.0
                };
                let mut bar = rect;
                bar.set_width((width * share).max(if row.value > 0.0 { 2.0 } else { 0.0 }));
                ui.painter()
                    .rect_filled(rect, 2.0, style::MUTED.gamma_multiply(0.15));
                ui.painter().rect_filled(bar, 2.0, colour);
                response.on_hover_text(&hover);
                ui.label(RichText::new(&row.figure).strong())
                    .on_hover_text(&hover);
                ui.end_row();
            }
        });
}
