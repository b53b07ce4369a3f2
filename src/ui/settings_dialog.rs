//! « Paramétrage »: an admin edits each company's SIRET, IBAN, BIC, holder and bank
//! domiciliation. Each invalid field shows why beside it; nothing is saved until every
//! field is valid.

use super::style;
use crate::app::settings_form::{CompanyForm, changes_to_save};
use crate::model::Company;
use crate::store::erp::CompanyBankDetails;
use egui::RichText;

pub struct SettingsDialog {
    forms: Vec<CompanyForm>,
}

pub enum Outcome {
    Open,
    Cancelled,
    Save(Vec<(String, CompanyBankDetails)>),
}

impl SettingsDialog {
    pub fn new(companies: &[Company]) -> SettingsDialog {
        SettingsDialog {
            forms: companies.iter().map(CompanyForm::from_company).collect(),
        }
    }
}

pub fn show(ctx: &egui::Context, dialog: &mut SettingsDialog, busy: bool) -> Outcome {
    let mut outcome = Outcome::Open;
    let modal = egui::Modal::new(egui::Id::unique("settings")).show(ctx, |ui| {
        ui.set_width(760.0);
        ui.heading("Paramétrage des sociétés émettrices");
        ui.label(
            RichText::new("Ces informations figurent sur chaque facture déposée sur Chorus Pro.")
                .color(style::MUTED),
        );
        ui.add_space(6.0);
        if dialog.forms.is_empty() {
            ui.label("Aucune société : importez d'abord societes.csv depuis l'ERP.");
        }
        egui::ScrollArea::vertical()
            .max_height(480.0)
            .show(ui, |ui| {
                for form in &mut dialog.forms {
                    company_form(ui, form);
                    ui.add_space(8.0);
                }
            });
        ui.separator();
        let changes = changes_to_save(&dialog.forms);
        ui.horizontal(|ui| {
            let can_save = !busy && changes.as_ref().is_some_and(|c| !c.is_empty());
            let save = ui
                .add_enabled(can_save, egui::Button::new("Enregistrer"))
                .on_disabled_hover_text(if changes.is_none() {
                    "Corrigez d'abord les champs signalés en rouge"
                } else {
                    "Aucune modification à enregistrer"
                });
            if save.clicked()
                && let Some(changes) = changes.clone()
            {
                outcome = Outcome::Save(changes);
            }
            if ui.button("Annuler").clicked() {
                outcome = Outcome::Cancelled;
            }
            if changes.is_none() {
                ui.label(
                    RichText::new("Des champs sont invalides : rien ne sera enregistré.")
                        .color(style::ERROR_RED),
                );
            }
        });
    });
    if modal.should_close() && matches!(outcome, Outcome::Open) {
        outcome = Outcome::Cancelled;
    }
    outcome
}

fn company_form(ui: &mut egui::Ui, form: &mut CompanyForm) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(RichText::new(format!("{} ({})", form.name, form.code)).strong());
        let errors = form.errors();
        egui::Grid::new(("settings", form.code.clone()))
            .num_columns(3)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let code = form.code.clone();
                let e = &errors;
                field(
                    ui,
                    &code,
                    "N° SIRET",
                    &mut form.siret,
                    e.siret.as_deref(),
                    160.0,
                );
                field(ui, &code, "IBAN", &mut form.iban, e.iban.as_deref(), 300.0);
                field(ui, &code, "BIC", &mut form.bic, e.bic.as_deref(), 120.0);
                let holder = &mut form.account_holder;
                let holder_error = e.account_holder.as_deref();
                field(
                    ui,
                    &code,
                    "Titulaire du compte",
                    holder,
                    holder_error,
                    300.0,
                );
                let domiciliation = &mut form.bank_domiciliation;
                field(ui, &code, "Domiciliation", domiciliation, None, 300.0);
            });
    });
}

const MESSAGE_WIDTH: f32 = 250.0;

fn field(
    ui: &mut egui::Ui,
    company: &str,
    label: &str,
    value: &mut String,
    error: Option<&str>,
    width: f32,
) {
    ui.label(label);
    let mut edit = egui::TextEdit::singleline(value).id_salt((company, label));
    if error.is_some() {
        edit = edit.text_color(style::ERROR_RED);
    }
    // A grid cell would shrink the field to its content: give it its width.
    ui.add_sized([width, 22.0], edit);
    match error {
        Some(message) => {
            // Wrapped within the dialog's width: a dialog that grows under the pointer
            // would take the click on « Enregistrer » for a click outside it.
            ui.scope(|ui| {
                ui.set_max_width(MESSAGE_WIDTH);
                ui.add(egui::Label::new(RichText::new(message).color(style::ERROR_RED)).wrap());
            });
        }
        None => {
            ui.label(RichText::new("✔").color(style::OK_GREEN));
        }
    }
    ui.end_row();
}
