//! The typed-path field asked for when no file dialog can open (or when the window runs
//! without them): why, the field (prefilled with the proposed file for an export), and
//! « Valider » / « Annuler ».

use super::style;
use crate::app::session::Session;
use egui::RichText;

pub fn show(ctx: &egui::Context, session: &mut Session) {
    let Some(prompt) = session.path_prompt.as_mut() else {
        return;
    };
    let mut decision = None;
    let modal = egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
        ui.set_width(640.0);
        ui.label(RichText::new(&prompt.title).heading());
        ui.add_space(4.0);
        ui.add(egui::Label::new(RichText::new(&prompt.message).color(style::WARNING_AMBER)).wrap());
        ui.add_space(4.0);
        let field = if prompt.multiple {
            egui::TextEdit::multiline(&mut prompt.text).desired_rows(3)
        } else {
            egui::TextEdit::singleline(&mut prompt.text)
        };
        let response = ui.add(
            field
                .id_salt("typed-path")
                .desired_width(f32::INFINITY)
                .hint_text("/home/nom/Documents/…"),
        );
        if !prompt.multiple
            && response.lost_focus()
            && ui.input(|i| i.key_pressed(egui::Key::Enter))
        {
            decision = Some(true);
        }
        if let Some(error) = &prompt.error {
            ui.colored_label(style::ERROR_RED, error);
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button(RichText::new("Valider").strong()).clicked() {
                decision = Some(true);
            }
            if ui.button("Annuler").clicked() {
                decision = Some(false);
            }
        });
    });
    if modal.should_close() && decision.is_none() {
        decision = Some(false);
    }
    match decision {
        Some(true) => session.answer_prompt(),
        Some(false) => session.cancel_prompt(),
        None => {}
    }
}
