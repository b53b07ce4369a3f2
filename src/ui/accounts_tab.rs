//! « Comptes Chorus PRO »: our invoicing establishments and whether each is ready to
//! invoice through Chorus Pro (SIRET, IBAN, BIC).

use super::style;
use crate::app::CheckReport;
use crate::app::connection::EnvironmentChoice;
use crate::app::connection_form::ConnectionView;
use crate::app::connection_test::password_expiry_text;
use crate::checks::supplier::supplier_problems;
use crate::model::iban::group_by_four;
use egui::RichText;

/// Returns true when the user asks to edit the settings.
pub fn show(
    ui: &mut egui::Ui,
    report: Option<&CheckReport>,
    connection: Option<&ConnectionView>,
) -> bool {
    let mut edit = false;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Sociétés émettrices").heading());
        if ui.button("Modifier dans le paramétrage…").clicked() {
            edit = true;
        }
    });
    ui.label(
        RichText::new(
            "Chaque établissement qui facture des acheteurs publics dépose sous son SIRET ; \
             l'IBAN et le BIC figurent sur les factures payées par virement.",
        )
        .color(style::MUTED),
    );
    ui.add_space(6.0);
    let Some(report) = report else {
        ui.spinner();
        return edit;
    };
    egui::ScrollArea::vertical().show(ui, |ui| {
        for company in &report.companies {
            let problems = supplier_problems(company);
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    ui.label(RichText::new(&company.name).strong());
                    ui.label(RichText::new(format!("({})", company.code)).color(style::MUTED));
                    let ready = problems.always.is_empty() && problems.for_transfer.is_empty();
                    if ready {
                        ui.label(RichText::new("✔ prêt pour Chorus Pro").color(style::OK_GREEN));
                    } else {
                        ui.label(RichText::new("✖ incomplet").color(style::ERROR_RED));
                    }
                });
                egui::Grid::new(("company", &company.code))
                    .num_columns(2)
                    .spacing([12.0, 3.0])
                    .show(ui, |ui| {
                        let rows = [
                            ("N° SIRET", company.siret.clone()),
                            ("N° TVA intracommunautaire", company.vat_number.clone()),
                            ("IBAN", group_by_four(&company.iban)),
                            ("BIC", company.bic.clone()),
                            ("Titulaire du compte", company.account_holder.clone()),
                            ("Domiciliation", company.bank_domiciliation.clone()),
                            (
                                "Adresse",
                                format!(
                                    "{} {} {}",
                                    company.address, company.postal_code, company.city
                                ),
                            ),
                        ];
                        for (label, value) in rows {
                            ui.label(RichText::new(label).color(style::MUTED));
                            ui.label(value);
                            ui.end_row();
                        }
                    });
                for p in problems.always.iter().chain(problems.for_transfer.iter()) {
                    ui.label(RichText::new(p).color(style::ERROR_RED));
                }
                if let Some(view) = connection {
                    chorus_account(ui, view, &company.code);
                }
            });
            ui.add_space(4.0);
        }
    });
    edit
}

/// The company's technical account on Chorus Pro, as the settings and the last connection
/// test know it.
fn chorus_account(ui: &mut egui::Ui, view: &ConnectionView, company_code: &str) {
    let account = view.settings.account(company_code);
    let (colour, text) = match (view.settings.environment, account) {
        (EnvironmentChoice::EmbeddedSandbox, _) => (
            style::MUTED,
            "Compte Chorus Pro : compte de démonstration du bac à sable intégré".to_string(),
        ),
        (_, Some(a)) if !a.login.is_empty() => {
            let structure = a
                .structure_id
                .map(|id| format!(", structure {id}"))
                .unwrap_or_else(|| ", structure à vérifier (Tester la connexion)".into());
            let stored = if view.passwords_stored.contains(&a.login) {
                ""
            } else {
                " — mot de passe à saisir"
            };
            (
                style::OK_GREEN,
                format!(
                    "Compte technique Chorus Pro : {}{structure}{stored}",
                    a.login
                ),
            )
        }
        _ => (
            style::ERROR_RED,
            "Aucun compte technique Chorus Pro : à saisir dans Paramétrage".to_string(),
        ),
    };
    ui.label(RichText::new(text).color(colour));
    if let Some(date) = account.and_then(|a| a.password_expires_on) {
        let (_, text) = password_expiry_text(date, crate::clock::today());
        let mut chars = text.chars();
        let text: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        ui.label(RichText::new(text).color(style::MUTED));
    }
}
