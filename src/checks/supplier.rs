//! Is our invoicing company complete enough for Chorus Pro? Computed once per company.

use crate::model::{Bic, Company, Iban, Siret};

/// The problems of a company, one sentence each, naming the field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupplierProblems {
    /// Whatever the payment means.
    pub always: Vec<String>,
    /// Only when the invoice is paid by credit transfer (IBAN and BIC needed).
    pub for_transfer: Vec<String>,
}

pub fn supplier_problems(company: &Company) -> SupplierProblems {
    let mut problems = SupplierProblems::default();
    let who = format!("La société {}", company.code);
    if company.siret.is_empty() {
        problems
            .always
            .push(format!("{who} n'a pas de SIRET (Paramétrage)"));
    } else if let Err(e) = Siret::parse(&company.siret) {
        problems
            .always
            .push(format!("{who} a un SIRET invalide : {e}"));
    }
    if company.iban.is_empty() {
        problems.for_transfer.push(format!(
            "{who} n'a pas d'IBAN, indispensable pour un paiement par virement (Paramétrage)"
        ));
    } else if let Err(e) = Iban::parse(&company.iban) {
        problems
            .for_transfer
            .push(format!("{who} a un IBAN invalide : {e}"));
    }
    if company.bic.is_empty() {
        problems.for_transfer.push(format!(
            "{who} n'a pas de BIC, indispensable pour un paiement par virement (Paramétrage)"
        ));
    } else if let Err(e) = Bic::parse(&company.bic) {
        problems
            .for_transfer
            .push(format!("{who} a un BIC invalide : {e}"));
    }
    problems
}
