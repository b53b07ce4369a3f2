//! « Paramétrage », two tabs. « Sociétés émettrices »: an admin edits each company's
//! SIRET, IBAN, BIC, holder and bank domiciliation. « Comptes Chorus PRO »: the connection
//! (see `connection_settings`). Each invalid field shows why beside it; nothing is saved
//! until every field is valid.

use super::{connection_settings, dialog, style};
use crate::app::connection_form::{ConnectionChanges, ConnectionForm};
use crate::app::connection_test::ConnectionCheck;
use crate::app::settings_form::{CompanyForm, SavePlan, mark_saved, save_plan};
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
    /// The connection form as it was built: anything typed since, valid or not, is an edit.
    connection_as_opened: Option<ConnectionForm>,
    /// The user asked to close with unsaved edits: « Enregistrer les modifications ? ».
    confirm_close: bool,
    /// « Délais de paiement » (see `payment_terms_settings`).
    pub payment_terms: super::payment_terms_settings::PaymentTermsTab,
}

#[derive(Clone)]
pub enum Outcome {
    Open,
    Cancelled,
    /// Saves these companies; the dialog stays open while other edits remain.
    Save(Vec<(String, CompanyBankDetails)>),
    /// Saves these companies, then closes (the answer to « Enregistrer les modifications ? »).
    SaveAndClose(Vec<(String, CompanyBankDetails)>),
    SaveConnection(ConnectionChanges),
    SaveConnectionAndClose(ConnectionChanges),
    TestConnection(Option<ConnectionChanges>),
    SavePaymentTerms(crate::tracking::payments::PaymentSettings),
    SavePaymentTermsAndClose(crate::tracking::payments::PaymentSettings),
}

/// The dialog's size on a screen large enough; smaller screens get what fits.
const DIALOG_SIZE: egui::Vec2 = egui::vec2(1000.0, 660.0);

impl SettingsDialog {
    pub fn new(companies: &[Company]) -> SettingsDialog {
        SettingsDialog {
            tab: SettingsTab::Companies,
            forms: companies.iter().map(CompanyForm::from_company).collect(),
            companies: companies.to_vec(),
            connection: None,
            connection_generation: 0,
            connection_as_opened: None,
            confirm_close: false,
            payment_terms: Default::default(),
        }
    }

    /// What was typed and not saved, in words (empty: nothing).
    pub fn unsaved(&self) -> Vec<String> {
        let mut what: Vec<String> = self
            .forms
            .iter()
            .filter(|f| f.is_modified())
            .map(|f| format!("la société {}", f.name))
            .collect();
        if self.connection_edited() {
            what.push("la connexion à Chorus Pro".into());
        }
        if self.payment_terms_edited() {
            what.push("les délais de paiement".into());
        }
        what
    }

    fn payment_terms_edited(&self) -> bool {
        self.payment_terms
            .form
            .as_ref()
            .is_some_and(|f| f.changed())
    }

    /// Shows `form`, built from the settings the session loaded (generation `generation`).
    pub fn set_connection(&mut self, form: ConnectionForm, generation: u64) {
        self.connection_as_opened = Some(form.clone());
        self.connection = Some(form);
        self.connection_generation = generation;
    }

    fn connection_edited(&self) -> bool {
        self.connection.is_some() && self.connection != self.connection_as_opened
    }

    /// The companies just saved are no longer « modified ».
    pub fn saved(&mut self, changes: &[(String, CompanyBankDetails)]) {
        mark_saved(&mut self.forms, changes);
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
    let mut wants_to_close = false;
    let modal = egui::Modal::new(egui::Id::unique("settings")).show(ctx, |ui| {
        dialog::fix_size(ui, DIALOG_SIZE);
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
                    wants_to_close = true;
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
        if let Some(o) = companies_tab(ui, dialog, busy, &mut wants_to_close) {
            outcome = o;
        }
    });
    // Escape and a click beside the dialog ask to close, like « Fermer ».
    if modal.should_close() && !dialog.confirm_close {
        wants_to_close = true;
    }
    if wants_to_close && matches!(outcome, Outcome::Open) {
        if dialog.unsaved().is_empty() {
            return Outcome::Cancelled;
        }
        dialog.confirm_close = true;
    }
    if dialog.confirm_close
        && let Some(answer) = unsaved_question(ctx, dialog, busy)
    {
        dialog.confirm_close = false;
        outcome = answer;
    }
    outcome
}

fn companies_tab(
    ui: &mut egui::Ui,
    dialog: &mut SettingsDialog,
    busy: bool,
    wants_to_close: &mut bool,
) -> Option<Outcome> {
    let mut outcome = None;
    ui.label(
        RichText::new("Ces informations figurent sur chaque facture déposée sur Chorus Pro.")
            .color(style::MUTED),
    );
    ui.add_space(6.0);
    if dialog.forms.is_empty() {
        ui.label("Aucune société : importez d'abord societes.csv depuis l'ERP.");
    }
    egui::ScrollArea::vertical()
        .id_salt("company_forms")
        .max_height((ui.available_height() - 44.0).max(120.0))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for form in &mut dialog.forms {
                company_form(ui, form);
                ui.add_space(8.0);
            }
        });
    ui.separator();
    let plan = save_plan(&dialog.forms);
    ui.horizontal(|ui| {
        let can_save = !busy && !plan.changes.is_empty();
        let save = ui
            .add_enabled(can_save, egui::Button::new("Enregistrer"))
            .on_disabled_hover_text(if plan.held_back.is_empty() {
                "Aucune modification à enregistrer"
            } else {
                "Corrigez d'abord les champs signalés en rouge"
            });
        if save.clicked() {
            outcome = Some(Outcome::Save(plan.changes.clone()));
        }
        if ui.button("Annuler").clicked() {
            *wants_to_close = true;
        }
        held_back_note(ui, &plan);
    });
    outcome
}

/// Says which companies « Enregistrer » leaves out, and why.
fn held_back_note(ui: &mut egui::Ui, plan: &SavePlan) {
    if plan.held_back.is_empty() {
        return;
    }
    let names = plan.held_back.join(", ");
    let text = if plan.held_back.len() == 1 {
        format!("{names} : des champs sont invalides, cette société ne sera pas enregistrée.")
    } else {
        format!("{names} : des champs sont invalides, ces sociétés ne seront pas enregistrées.")
    };
    ui.add(egui::Label::new(RichText::new(text).color(style::ERROR_RED)).truncate());
}

/// « Enregistrer les modifications ? » over the dialog. `None` while unanswered.
fn unsaved_question(
    ctx: &egui::Context,
    dialog: &mut SettingsDialog,
    busy: bool,
) -> Option<Outcome> {
    let unsaved = dialog.unsaved();
    let plan = save_plan(&dialog.forms);
    let companies_edited = !plan.changes.is_empty() || !plan.held_back.is_empty();
    let connection_edited = dialog.connection_edited();
    let terms_edited = dialog.payment_terms_edited();
    let tabs_edited = [companies_edited, connection_edited, terms_edited]
        .iter()
        .filter(|e| **e)
        .count();
    const INVALID: &str = "Corrigez d'abord les champs signalés en rouge";
    // One job saves one tab: the answer « Enregistrer » covers edits in one tab, all valid;
    // otherwise the user goes back to the dialog.
    let save = if tabs_edited > 1 {
        Err("Enregistrez d'abord chaque onglet avec son bouton « Enregistrer »")
    } else if companies_edited {
        if plan.held_back.is_empty() {
            Ok(Outcome::SaveAndClose(plan.changes.clone()))
        } else {
            Err(INVALID)
        }
    } else if connection_edited {
        match dialog.connection.as_ref().and_then(|c| c.changes()) {
            Some(c) => Ok(Outcome::SaveConnectionAndClose(c)),
            None => Err(INVALID),
        }
    } else {
        match dialog
            .payment_terms
            .form
            .as_ref()
            .and_then(|f| f.to_settings())
        {
            Some(s) => Ok(Outcome::SavePaymentTermsAndClose(s)),
            None => Err(INVALID),
        }
    };
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique("settings_unsaved")).show(ctx, |ui| {
        ui.set_width(460.0);
        ui.heading("Enregistrer les modifications ?");
        ui.add_space(4.0);
        ui.label("Ces modifications ne sont pas enregistrées :");
        for what in &unsaved {
            ui.label(format!("• {what}"));
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let button = ui.add_enabled(
                !busy && save.is_ok(),
                egui::Button::new("Enregistrer et fermer"),
            );
            let button = match &save {
                Err(why) => button.on_disabled_hover_text(*why),
                Ok(_) => button,
            };
            if button.clicked()
                && let Ok(outcome) = &save
            {
                answer = Some(outcome.clone());
            }
            if ui.button("Fermer sans enregistrer").clicked() {
                answer = Some(Outcome::Cancelled);
            }
            if ui.button("Reprendre la saisie").clicked() {
                answer = Some(Outcome::Open);
            }
        });
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(Outcome::Open);
    }
    answer
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
