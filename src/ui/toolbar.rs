//! The toolbar of the ERP add-on this replaces: N° SIRET, Afficher, Sélectionner, Flux,
//! Uniquement services actifs, Rechercher, Actualiser, Paramétrage, Aide.

use super::structure_view;
use super::style;
use crate::app::control_model::ControlModel;
use crate::app::session::Session;

#[derive(Default)]
pub struct ToolbarState {
    pub siret: String,
    pub only_active_services: bool,
    pub search: String,
    pub structure_window_open: bool,
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

pub fn show(
    ui: &mut egui::Ui,
    state: &mut ToolbarState,
    session: &Session,
    control: Option<&ControlModel>,
) -> Option<Action> {
    let mut action = None;
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new("Chorus Depot")
                .strong()
                .color(style::ACCENT),
        );
        if let Some(report) = session.report.as_ref() {
            environment_banner(ui, report.environment);
        }
        ui.separator();
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
        ui.separator();
        let has_rows = control.is_some_and(|c| !c.conformant.is_empty());
        if ui
            .add_enabled(has_rows, egui::Button::new("Sélectionner"))
            .on_hover_text("Cocher (ou décocher) toutes les factures conformes affichées")
            .clicked()
        {
            action = Some(Action::SelectAll);
        }
        if ui
            .button("Flux")
            .on_hover_text("Déposer les factures conformes cochées sur Chorus Pro")
            .clicked()
        {
            action = Some(Action::Deposit);
        }
        ui.separator();
        ui.label("Rechercher");
        let search = ui.add(
            egui::TextEdit::singleline(&mut state.search)
                .desired_width(200.0)
                .hint_text("n° de facture, client, SIRET"),
        );
        if search.changed() {
            action = Some(Action::Search(state.search.clone()));
        }
        ui.separator();
        if ui
            .add_enabled(!session.is_busy(), egui::Button::new("Actualiser"))
            .on_hover_text("Vérifier de nouveau toutes les factures")
            .clicked()
        {
            action = Some(Action::Refresh);
        }
        if ui
            .add_enabled(!session.is_busy(), egui::Button::new("Importer l'ERP…"))
            .on_hover_text("Importer les fichiers CSV exportés par l'ERP (un dossier)")
            .clicked()
        {
            action = Some(Action::ImportErp);
        }
        if ui
            .button("Paramétrage")
            .on_hover_text("SIRET, IBAN, BIC des sociétés")
            .clicked()
        {
            action = Some(Action::Settings);
        }
        if ui.button("Aide").clicked() {
            action = Some(Action::Help);
        }
    });
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
