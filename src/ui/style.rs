//! Colours, sizes and small widgets shared by the views.

use egui::{Color32, RichText};

pub const OK_GREEN: Color32 = Color32::from_rgb(0x1e, 0x7b, 0x34);
pub const ERROR_RED: Color32 = Color32::from_rgb(0xb0, 0x1c, 0x1c);
pub const WARNING_AMBER: Color32 = Color32::from_rgb(0x9a, 0x5b, 0x00);
pub const MUTED: Color32 = Color32::from_rgb(0x6b, 0x72, 0x80);
/// Marianne blue, the French administration's colour: the application's accent.
pub const ACCENT: Color32 = Color32::from_rgb(0x00, 0x00, 0x91);

pub const ROW_HEIGHT: f32 = 22.0;

/// A light, slightly larger style: an office tool used all day.
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(egui::Theme::Light);
    ctx.all_styles_mut(|style| {
        use egui::{FontFamily, FontId, TextStyle};
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(19.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(13.5, FontFamily::Proportional)),
            (
                TextStyle::Monospace,
                FontId::new(13.0, FontFamily::Monospace),
            ),
            (
                TextStyle::Button,
                FontId::new(13.5, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(11.0, FontFamily::Proportional),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        // Scroll bars that take their own room: floating ones hide the last table row.
        style.spacing.scroll = egui::style::ScrollStyle::solid();
    });
}

/// A directory flag: a tick when set, nothing when not, a grey dash when unknown.
pub fn flag_text(flag: Option<bool>) -> RichText {
    match flag {
        Some(true) => RichText::new("✔").color(OK_GREEN),
        Some(false) => RichText::new(""),
        None => RichText::new("–").color(MUTED),
    }
}

pub fn yes_no(value: bool) -> &'static str {
    if value { "oui" } else { "non" }
}
