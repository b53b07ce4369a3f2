//! What every modal dialog of the window shares: a size that does not change while messages
//! appear, and drop-down lists that stay above the dialog that opened them.

/// Gives the dialog's content a fixed size: `wanted`, reduced to what the screen can show.
///
/// egui centres a modal on its current size: a dialog that grows when a message appears
/// moves under the pointer, and the next click lands on another field. A fixed size keeps
/// every field where the user saw it; the content scrolls inside instead.
pub fn fix_size(ui: &mut egui::Ui, wanted: egui::Vec2) -> egui::Vec2 {
    // The margins of the dialog's frame and a little air around it.
    let screen = ui.ctx().content_rect().size() - egui::vec2(48.0, 48.0);
    let size = wanted.min(screen).max(egui::vec2(320.0, 200.0));
    ui.set_min_size(size);
    ui.set_max_size(size);
    size
}

/// Keeps the list of the drop-down `combo` (a `ComboBox` response) directly above the layer
/// of the dialog it was drawn in. Call it after each `ComboBox` inside a modal, every frame.
///
/// egui 0.37 draws a modal and a drop-down list on the same (foreground) order, and a press in
/// the modal moves the modal to the top: a list opened again afterwards could end up below the
/// modal (drawn hidden, its clicks going to the field under it). Declaring the list a
/// sublayer of the modal's layer pins it right above the modal; egui forgets sublayers at the
/// end of each pass, hence every frame.
pub fn keep_list_above(ui: &egui::Ui, combo: &egui::Response) {
    let dialog = ui.layer_id();
    // The id egui gives the list of a ComboBox (`ComboBox::widget_to_popup_id`).
    let list = egui::LayerId::new(egui::Order::Foreground, combo.id.with("popup"));
    if dialog.order == egui::Order::Foreground && dialog != list {
        ui.ctx().set_sublayer(dialog, list);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dialog_keeps_its_wanted_size_on_a_large_screen_and_shrinks_on_a_small_one() {
        let ctx = egui::Context::default();
        let mut sizes = Vec::new();
        for screen in [egui::vec2(1600.0, 1000.0), egui::vec2(1024.0, 700.0)] {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, screen)),
                ..Default::default()
            };
            let mut output = ctx.run_ui(input, |ui| {
                egui::CentralPanel::default().show(ui, |ui| {
                    sizes.push(fix_size(ui, egui::vec2(1000.0, 700.0)));
                });
            });
            output.textures_delta.clear();
        }
        assert_eq!(sizes[0], egui::vec2(1000.0, 700.0));
        assert_eq!(sizes[1], egui::vec2(976.0, 652.0));
    }
}
