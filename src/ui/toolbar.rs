//! The toolbar of the ERP add-on this replaces: N° SIRET, Afficher, Sélectionner, Flux,
//! Uniquement services actifs, Rechercher, Actualiser, Paramétrage, Aide.

use super::structure_view;
use super::style;
use crate::app::control_model::ControlModel;
use crate::app::session::Session;
use std::collections::HashMap;

#[derive(Default)]
pub struct ToolbarState {
    pub siret: String,
    pub only_active_services: bool,
    pub search: String,
    pub structure_window_open: bool,
    /// The width each item took when last drawn in the bar: what fits is decided from them.
    widths: HashMap<Item, f32>,
}

pub enum Action {
    LookupSiret,
    SelectAll,
    Search(String),
    Refresh,
    Settings,
    Help,
    ImportErp,
    Deposit,
}

/// The groups of the bar, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    /// « Chorus Depot »: the first thing to go on a narrow window (the title bar says it).
    Name,
    /// The environment deposits go to: always in sight.
    Brand,
    Siret,
    OnlyActive,
    Select,
    Flux,
    Search,
    Refresh,
    ImportErp,
    Settings,
    Help,
}

const ITEMS: [Item; 11] = [
    Item::Name,
    Item::Brand,
    Item::Siret,
    Item::OnlyActive,
    Item::Select,
    Item::Flux,
    Item::Search,
    Item::Refresh,
    Item::ImportErp,
    Item::Settings,
    Item::Help,
];

/// What leaves the bar for the « … » menu first when the window is narrow; the brand, the
/// N° SIRET and the search fields always stay.
const OVERFLOW_ORDER: [Item; 8] = [
    Item::Name,
    Item::Help,
    Item::Settings,
    Item::ImportErp,
    Item::OnlyActive,
    Item::Select,
    Item::Flux,
    Item::Refresh,
];

/// The label of the overflow menu's button.
pub const OVERFLOW_LABEL: &str = "…";
const OVERFLOW_BUTTON_WIDTH: f32 = 34.0;

impl Item {
    /// A first guess of the width, before the item was ever drawn in the bar.
    fn estimated_width(self) -> f32 {
        // On the low side: an item shown is measured at once, and leaves the bar at the
        // next frame if it was wider; one hidden from the start would never be measured.
        match self {
            Item::Name => 90.0,
            Item::Brand => 150.0,
            Item::Siret => 250.0,
            Item::OnlyActive => 180.0,
            Item::Select => 95.0,
            Item::Flux => 40.0,
            Item::Search => 250.0,
            Item::Refresh => 80.0,
            Item::ImportErp => 105.0,
            Item::Settings => 90.0,
            Item::Help => 40.0,
        }
    }
}

/// The items drawn in the bar and those moved to the « … » menu, for `available` pixels.
fn split(widths: &HashMap<Item, f32>, available: f32) -> (Vec<Item>, Vec<Item>) {
    let width = |item: &Item| widths.get(item).copied().unwrap_or(item.estimated_width());
    let mut inline: Vec<Item> = ITEMS.to_vec();
    let mut overflow = Vec::new();
    for item in OVERFLOW_ORDER {
        let needed: f32 = inline.iter().map(width).sum::<f32>()
            + if overflow.is_empty() {
                0.0
            } else {
                OVERFLOW_BUTTON_WIDTH
            };
        if needed <= available {
            break;
        }
        inline.retain(|i| *i != item);
        overflow.push(item);
    }
    // In the menu, in the bar's order.
    overflow.sort_by_key(|item| ITEMS.iter().position(|i| i == item));
    (inline, overflow)
}

/// The bar on one line, whatever the width: what does not fit goes into the « … » menu.
pub fn show(
    ui: &mut egui::Ui,
    state: &mut ToolbarState,
    session: &Session,
    control: Option<&ControlModel>,
) -> Option<Action> {
    let mut action = None;
    ui.add_space(4.0);
    let (inline, overflow) = split(&state.widths, ui.available_width());
    ui.horizontal(|ui| {
        let spacing = ui.spacing().item_spacing.x;
        for item in inline {
            let drawn = ui.scope(|ui| {
                ui.horizontal(|ui| draw(ui, item, state, session, control, true))
                    .inner
            });
            if let Some(a) = drawn.inner {
                action = Some(a);
            }
            state
                .widths
                .insert(item, drawn.response.rect.width() + spacing);
        }
        // The name has no place in a menu of commands: it just goes.
        let overflow: Vec<Item> = overflow.into_iter().filter(|i| *i != Item::Name).collect();
        if !overflow.is_empty() {
            ui.menu_button(OVERFLOW_LABEL, |ui| {
                for item in overflow {
                    if let Some(a) = draw(ui, item, state, session, control, false) {
                        action = Some(a);
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text("Les autres commandes de la barre");
        }
    });
    action
}

/// One group of the bar (`in_bar`) or of the « … » menu.
fn draw(
    ui: &mut egui::Ui,
    item: Item,
    state: &mut ToolbarState,
    session: &Session,
    control: Option<&ControlModel>,
    in_bar: bool,
) -> Option<Action> {
    let mut action = None;
    match item {
        Item::Name => {
            ui.label(
                egui::RichText::new("Chorus Depot")
                    .strong()
                    .color(style::ACCENT),
            );
        }
        Item::Brand => {
            if let Some(report) = session.report.as_ref() {
                environment_banner(ui, report.environment);
            }
            ui.separator();
        }
        Item::Siret => {
            ui.label("N° SIRET");
            let siret = ui.add(
                egui::TextEdit::singleline(&mut state.siret)
                    .desired_width(130.0)
                    .hint_text("14 chiffres"),
            );
            let entered = siret.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let can_lookup = !state.siret.trim().is_empty();
            if ui
                .add_enabled(can_lookup, egui::Button::new("Afficher"))
                .on_hover_text("Chercher ce SIRET dans l'annuaire Chorus Pro en cache")
                .clicked()
                || (entered && can_lookup)
            {
                action = Some(Action::LookupSiret);
            }
        }
        Item::OnlyActive => {
            let can_lookup = !state.siret.trim().is_empty();
            if ui
                .checkbox(
                    &mut state.only_active_services,
                    "Uniquement services actifs",
                )
                .changed()
                && state.structure_window_open
                && can_lookup
            {
                action = Some(Action::LookupSiret);
            }
        }
        Item::Select => {
            if in_bar {
                ui.separator();
            }
            let has_rows = control.is_some_and(|c| !c.conformant.is_empty());
            if ui
                .add_enabled(has_rows, egui::Button::new("Sélectionner"))
                .on_hover_text("Cocher (ou décocher) toutes les factures conformes affichées")
                .clicked()
            {
                action = Some(Action::SelectAll);
            }
        }
        Item::Flux => {
            if ui
                .button("Flux")
                .on_hover_text("Déposer les factures conformes cochées sur Chorus Pro")
                .clicked()
            {
                action = Some(Action::Deposit);
            }
        }
        Item::Search => {
            ui.separator();
            ui.label("Rechercher");
            let search = ui.add(
                egui::TextEdit::singleline(&mut state.search)
                    .id(egui::Id::unique(super::keyboard::CONTROL_SEARCH_ID))
                    .desired_width(160.0)
                    .hint_text("n° de facture, client, SIRET"),
            );
            if search.changed() {
                action = Some(Action::Search(state.search.clone()));
            }
        }
        Item::Refresh => {
            if in_bar {
                ui.separator();
            }
            if ui
                .add_enabled(!session.is_busy(), egui::Button::new("Actualiser"))
                .on_hover_text("Vérifier de nouveau toutes les factures (F5)")
                .clicked()
            {
                action = Some(Action::Refresh);
            }
        }
        Item::ImportErp => {
            let allowed = session
                .permissions()
                .check(crate::app::permissions::Capability::Import);
            if ui
                .add_enabled(
                    !session.is_busy() && allowed.is_ok(),
                    egui::Button::new("Importer l'ERP…"),
                )
                .on_hover_text("Importer les fichiers CSV exportés par l'ERP (un dossier)")
                .on_disabled_hover_text(allowed.err().unwrap_or_default())
                .clicked()
            {
                action = Some(Action::ImportErp);
            }
        }
        Item::Settings => {
            let allowed = session
                .permissions()
                .check(crate::app::permissions::Capability::Settings);
            if ui
                .add_enabled(allowed.is_ok(), egui::Button::new("Paramétrage"))
                .on_hover_text("SIRET, IBAN, BIC des sociétés")
                .on_disabled_hover_text(allowed.err().unwrap_or_default())
                .clicked()
            {
                action = Some(Action::Settings);
            }
        }
        Item::Help => {
            if ui.button("Aide").clicked() {
                action = Some(Action::Help);
            }
        }
    }
    action
}

/// The environment deposits go to, always in sight: green for the sandbox, amber for the
/// qualification, red for production.
fn environment_banner(ui: &mut egui::Ui, env: crate::app::connection::EnvironmentChoice) {
    use crate::app::connection::EnvironmentChoice as E;
    let (fill, text) = match env {
        E::EmbeddedSandbox => (style::OK_GREEN, "Bac à sable intégré"),
        E::Qualification => (style::WARNING_AMBER, "Qualification Chorus Pro"),
        E::Production => (style::ERROR_RED, "PRODUCTION Chorus Pro"),
    };
    egui::Frame::new()
        .fill(fill)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(6, 2))
        .show(ui, |ui| {
            ui.label(
                egui::RichText::new(text)
                    .color(egui::Color32::WHITE)
                    .strong(),
            )
            .on_hover_text(env.label());
        });
}

/// The structure found for the N° SIRET field, in its own window.
pub fn structure_window(ctx: &egui::Context, state: &mut ToolbarState, session: &mut Session) {
    if !state.structure_window_open {
        return;
    }
    let mut open = true;
    let mut refresh = None;
    let busy = session.is_busy();
    // Away from the toolbar, whose buttons stay usable while the window is open.
    let anchor = ctx.content_rect().right_top() + egui::vec2(-560.0, 110.0);
    egui::Window::new("Annuaire Chorus Pro — structure")
        .open(&mut open)
        .default_pos(anchor)
        .default_width(520.0)
        .default_height(420.0)
        .show(ctx, |ui| {
            let siret = match &session.siret_result {
                None => {
                    ui.spinner();
                    return;
                }
                Some((siret, Err(e))) => {
                    ui.colored_label(
                        style::ERROR_RED,
                        format!("Recherche de {siret} impossible : {e}"),
                    );
                    siret.clone()
                }
                Some((siret, Ok(None))) => {
                    ui.label(format!(
                        "Le SIRET {siret} est absent de l'annuaire Chorus Pro en cache."
                    ));
                    siret.clone()
                }
                Some((siret, Ok(Some(entry)))) => {
                    structure_view::show(ui, entry, state.only_active_services);
                    siret.clone()
                }
            };
            ui.separator();
            ui.horizontal(|ui| {
                let clicked = ui
                    .add_enabled(!busy, egui::Button::new("Actualiser depuis Chorus Pro"))
                    .on_hover_text(
                        "Relire cette structure et ses services sur Chorus Pro, \
                         sans attendre le prochain annuaire complet",
                    )
                    .clicked();
                if clicked {
                    refresh = Some(siret);
                }
                if busy {
                    ui.spinner();
                }
            });
        });
    if let Some(siret) = refresh {
        session.refresh_structure_from_chorus(siret, state.only_active_services);
    }
    if !open {
        state.structure_window_open = false;
        session.siret_result = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrow_bar_moves_the_least_used_commands_to_the_menu_first() {
        let widths = HashMap::new();
        let all: f32 = ITEMS.iter().map(|i| i.estimated_width()).sum();
        let (inline, overflow) = split(&widths, all + 1.0);
        assert_eq!(inline.len(), ITEMS.len());
        assert!(overflow.is_empty());
        let (inline, overflow) = split(&widths, all - 10.0);
        assert_eq!(overflow, [Item::Name]);
        assert!(!inline.contains(&Item::Name));
        let (inline, overflow) = split(&widths, 300.0);
        assert_eq!(inline, [Item::Brand, Item::Siret, Item::Search]);
        assert_eq!(overflow.len(), OVERFLOW_ORDER.len());
    }
}
