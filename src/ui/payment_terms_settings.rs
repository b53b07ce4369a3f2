//! « Paramétrage › Délais de paiement »: the late-interest rate and the recovery
//! indemnity, the legal delay of each buyer category, and each public client's category
//! and delay, with where each comes from. Each invalid field says why beside it; the form
//! is `app::payment_terms_form`, the save a session command.

use super::style;
use crate::app::payment_terms_form::{PaymentTermsForm, PaymentTermsView};
use crate::tracking::payment_terms::{BuyerCategory, deduce_category};
use crate::tracking::payments::PaymentSettings;
use egui::RichText;

/// The tab's state inside the settings dialog.
#[derive(Default)]
pub struct PaymentTermsTab {
    pub form: Option<PaymentTermsForm>,
    pub load_error: Option<String>,
    /// The session's `payment_terms_view_generation` the form was built from.
    pub generation: u64,
}

impl PaymentTermsTab {
    /// Rebuilds the form when the session read the terms again (first opening, after a
    /// save).
    pub fn follow(&mut self, view: Option<&Result<PaymentTermsView, String>>, generation: u64) {
        if generation == self.generation && (self.form.is_some() || self.load_error.is_some()) {
            return;
        }
        match view {
            Some(Ok(view)) => {
                self.form = Some(PaymentTermsForm::new(view));
                self.load_error = None;
            }
            Some(Err(e)) => self.load_error = Some(e.clone()),
            None => return,
        }
        self.generation = generation;
    }
}

const MESSAGE_WIDTH: f32 = 330.0;
const NAME_WIDTH: f32 = 250.0;
const COMBO_WIDTH: f32 = 380.0;

/// Draws the tab; the settings to save when « Enregistrer » is clicked.
pub fn show(ui: &mut egui::Ui, tab: &mut PaymentTermsTab, busy: bool) -> Option<PaymentSettings> {
    if let Some(error) = &tab.load_error {
        ui.label(
            RichText::new(format!("Délais de paiement illisibles : {error}"))
                .color(style::ERROR_RED),
        );
        return None;
    }
    let Some(form) = &mut tab.form else {
        ui.spinner();
        return None;
    };
    ui.label(
        RichText::new(
            "L'échéance d'une facture est sa date de réception par Chorus Pro plus le délai \
             de son client ; passé l'échéance courent les intérêts moratoires et l'indemnité \
             forfaitaire (code de la commande publique).",
        )
        .color(style::MUTED),
    );
    ui.add_space(6.0);
    egui::Grid::new("payment_terms_rates")
        .num_columns(3)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            let rate_error = form.rate_error();
            field(
                ui,
                "Taux des intérêts moratoires (%)",
                &mut form.interest_rate,
                rate_error,
                &format!(
                    "par défaut {} : taux BCE + 8 points (art. R.2192-31), à mettre à jour chaque semestre",
                    PaymentTermsForm::default_rate_text()
                ),
            );
            let indemnity_error = form.indemnity_error();
            field(
                ui,
                "Indemnité forfaitaire (€)",
                &mut form.indemnity,
                indemnity_error,
                "par défaut 40 € (art. D.2192-35)",
            );
            for (i, category) in BuyerCategory::ALL.into_iter().enumerate() {
                let error = form.category_delay_error(i);
                field(
                    ui,
                    &format!("Délai (jours) : {}", category.label()),
                    &mut form.category_delays[i],
                    error,
                    &format!(
                        "légal : {} jours ({})",
                        category.legal_delay_days(),
                        category.article()
                    ),
                );
            }
        });
    ui.add_space(8.0);
    ui.label(RichText::new("Clients publics").strong());
    ui.horizontal(|ui| {
        ui.label("Rechercher");
        ui.add(
            egui::TextEdit::singleline(&mut form.search)
                .id_salt("payment_terms_search")
                .hint_text("nom ou code du client")
                .desired_width(260.0),
        );
    });
    clients(ui, form);
    ui.separator();
    let settings = form.to_settings();
    let changed = form.changed();
    let mut save = None;
    ui.horizontal(|ui| {
        let can_save = !busy && settings.is_some() && changed;
        if ui
            .add_enabled(can_save, egui::Button::new("Enregistrer les délais"))
            .on_disabled_hover_text(if settings.is_none() {
                "Corrigez d'abord les champs signalés en rouge"
            } else {
                "Aucune modification à enregistrer"
            })
            .clicked()
        {
            save = settings.clone();
        }
        if settings.is_none() {
            ui.label(
                RichText::new("Des champs sont invalides : rien ne sera enregistré.")
                    .color(style::ERROR_RED),
            );
        }
    });
    save
}

fn clients(ui: &mut egui::Ui, form: &mut PaymentTermsForm) {
    let visible = form.visible_clients();
    if form.clients.is_empty() {
        ui.label("Aucun client public : importez d'abord les clients depuis l'ERP.");
        return;
    }
    if visible.is_empty() {
        ui.label(RichText::new("Aucun client ne répond à la recherche.").color(style::MUTED));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("payment_terms_clients")
        // The dialog has a fixed size: the list takes what the button row leaves.
        .max_height((ui.available_height() - 44.0).max(120.0))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("payment_terms_clients_grid")
                .num_columns(4)
                .striped(true)
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    for title in [
                        "Client",
                        "Catégorie",
                        "Délai propre (jours)",
                        "Délai appliqué",
                    ] {
                        ui.strong(title);
                    }
                    ui.end_row();
                    let effective = form.effective();
                    for i in visible {
                        client_row(ui, form, &effective, i);
                    }
                });
        });
}

fn client_row(
    ui: &mut egui::Ui,
    form: &mut PaymentTermsForm,
    effective: &PaymentSettings,
    i: usize,
) {
    let error = form.client_delay_error(i);
    let client = &mut form.clients[i];
    let preview = effective.terms_for(&client.code, &client.name);
    // Long names are cut on screen (whole on hover): the dialog keeps its width.
    ui.allocate_ui_with_layout(
        egui::vec2(NAME_WIDTH, 20.0),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            let name = format!("{} ({})", client.name, client.code);
            ui.add(egui::Label::new(&name).truncate())
                .on_hover_text(&name);
        },
    );
    // What applies when the user chooses nothing: never a silent guess.
    let automatic = match deduce_category(&client.name) {
        Some((category, word)) => format!("{} (déduite de « {word} »)", category.label()),
        None => format!("{} (par défaut)", BuyerCategory::StateOrLocal.label()),
    };
    let combo = egui::ComboBox::from_id_salt(("payment_terms_category", client.code.clone()))
        .width(COMBO_WIDTH)
        .selected_text(match client.category {
            None => automatic.clone(),
            Some(c) => c.label().to_string(),
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut client.category, None, automatic);
            for category in BuyerCategory::ALL {
                ui.selectable_value(&mut client.category, Some(category), category.label());
            }
        });
    super::dialog::keep_list_above(ui, &combo.response);
    let mut edit = egui::TextEdit::singleline(&mut client.delay)
        .id_salt(("payment_terms_delay", client.code.clone()))
        .desired_width(60.0);
    if error.is_some() {
        edit = edit.text_color(style::ERROR_RED);
    }
    ui.add_sized([60.0, 20.0], edit)
        .on_hover_text("Vide : le délai de sa catégorie");
    match error {
        Some(message) => {
            ui.label(RichText::new(message).color(style::ERROR_RED));
        }
        None => {
            let applied = if preview.delay_overridden {
                format!("{} jours, propre au client", preview.delay_days)
            } else {
                format!("{} jours, délai de la catégorie", preview.delay_days)
            };
            ui.label(applied).on_hover_text(preview.reason());
        }
    }
    ui.end_row();
}

fn field(ui: &mut egui::Ui, label: &str, value: &mut String, error: Option<String>, hint: &str) {
    ui.label(label);
    let mut edit = egui::TextEdit::singleline(value).id_salt(("payment_terms", label));
    if error.is_some() {
        edit = edit.text_color(style::ERROR_RED);
    }
    // A grid cell would shrink the field to its content: give it its width.
    ui.add_sized([90.0, 22.0], edit);
    ui.scope(|ui| {
        ui.set_max_width(MESSAGE_WIDTH);
        let text = match error {
            Some(message) => RichText::new(message).color(style::ERROR_RED),
            None => RichText::new(format!("✔ {hint}")).color(style::MUTED),
        };
        ui.add(egui::Label::new(text).wrap());
    });
    ui.end_row();
}
