//! « Paramétrage », two tabs. « Sociétés émettrices »: an admin edits each company's
//! SIRET, IBAN, BIC, holder and bank domiciliation. « Comptes Chorus PRO »: the connection
//! (see `connection_settings`). Each invalid field shows why beside it; nothing is saved
//! until every field is valid.

use super::connection_settings;
use super::style;
use crate::app::connection_form::{ConnectionChanges, ConnectionForm};
use crate::app::connection_test::ConnectionCheck;
use crate::app::settings_form::{CompanyForm, changes_to_save};
use crate::model::Company;
use crate::store::erp::CompanyBankDetails;
use egui::RichText;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsTab {
    Companies,
    Connection,
    PaymentTerms,
}

pub struct SettingsDialog {
    pub tab: SettingsTab,
    forms: Vec<CompanyForm>,
    pub companies: Vec<Company>,
    /// Built once the session has loaded the connection settings.
    pub connection: Option<ConnectionForm>,
    /// The session's `connection_view_generation` the form was built from.
    pub connection_generation: u64,
    /// « Délais de paiement » (see `payment_terms_settings`).
    pub payment_terms: super::payment_terms_settings::PaymentTermsTab,
}

pub enum Outcome {
    Open,
    Cancelled,
    Save(Vec<(String, CompanyBankDetails)>),
    SaveConnection(ConnectionChanges),
    TestConnection(Option<ConnectionChanges>),
    SavePaymentTerms(crate::tracking::payments::PaymentSettings),
}

impl SettingsDialog {
    pub fn new(companies: &[Company]) -> SettingsDialog {
        SettingsDialog {
            tab: SettingsTab::Companies,
            forms: companies.iter().map(CompanyForm::from_company).collect(),
            companies: companies.to_vec(),
            connection: None,
            connection_generation: 0,
            payment_terms: Default::default(),
        }
    }
}

/// What the connection tab shows besides its form.
pub struct ConnectionState<'a> {
    pub load_error: Option<&'a str>,
    pub check: Option<&'a ConnectionCheck>,
}

pub fn show(
    ctx: &egui::Context,
    dialog: &mut SettingsDialog,
    connection: ConnectionState<'_>,
    busy: bool,
) -> Outcome {
    let mut outcome = Outcome::Open;
    let modal = egui::Modal::new(egui::Id::unique("settings")).show(ctx, |ui| {
        // Fixed: groups take the available width, a growing dialog would grow them again.
        ui.set_width(1000.0);
        ui.set_max_width(1000.0);
        ui.horizontal(|ui| {
            ui.heading(match dialog.tab {
                SettingsTab::Companies => "Paramétrage des sociétés émettrices",
                SettingsTab::Connection => "Paramétrage de la connexion à Chorus Pro",
                SettingsTab::PaymentTerms => "Paramétrage des délais de paiement",
            });
            ui.add_space(20.0);
            ui.selectable_value(
                &mut dialog.tab,
                SettingsTab::Companies,
                "Sociétés émettrices",
            );
            ui.selectable_value(
                &mut dialog.tab,
                SettingsTab::Connection,
                "Comptes Chorus PRO",
            );
            ui.selectable_value(
                &mut dialog.tab,
                SettingsTab::PaymentTerms,
                "Délais de paiement",
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Fermer").clicked() {
                    outcome = Outcome::Cancelled;
                }
            });
        });
        ui.separator();
        if dialog.tab == SettingsTab::PaymentTerms {
            if let Some(s) =
                super::payment_terms_settings::show(ui, &mut dialog.payment_terms, busy)
            {
                outcome = Outcome::SavePaymentTerms(s);
            }
            return;
        }
        if dialog.tab == SettingsTab::Connection {
            match (&mut dialog.connection, connection.load_error) {
                (_, Some(error)) => {
                    ui.label(
                        RichText::new(format!("Paramétrage de la connexion illisible : {error}"))
                            .color(style::ERROR_RED),
                    );
                }
                (None, None) => {
                    ui.spinner();
                }
                (Some(form), None) => {
                    match connection_settings::show(ui, form, connection.check, busy) {
                        Some(connection_settings::Command::Save(c)) => {
                            outcome = Outcome::SaveConnection(c)
                        }
                        Some(connection_settings::Command::Test(c)) => {
                            outcome = Outcome::TestConnection(c)
                        }
                        None => {}
                    }
                }
            }
            return;
        }
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
