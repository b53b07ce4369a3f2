//! A lot written by « Génération du flux » and waiting for « Déposer sur Chorus ». It is the
//! selection it was generated from: any change of the ticks, of the deposit options or of
//! one of its invoices discards it, and the user is told why.

use super::check_run::CheckReport;
use super::deposit_setup::DepositChoices;
use crate::deposit::DepositReport;
use crate::deposit::engine::PreparedFlux;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct PreparedLot {
    pub fluxes: Vec<PreparedFlux>,
    /// What the generation said (invoices left out, split at the limits…).
    pub report: DepositReport,
    pub choices: DepositChoices,
    pub name: String,
    /// The ticked invoices it was generated from, sorted.
    pub selection: Vec<String>,
    /// The control screen's tick generation at « Génération du flux ».
    pub tick_generation: u64,
}

impl PreparedLot {
    /// The invoices the archives hold (the selection less those left out).
    pub fn invoices(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .fluxes
            .iter()
            .flat_map(|f| f.invoices.iter().cloned())
            .collect();
        all.sort();
        all
    }

    /// Why the lot no longer matches the deposit options on screen, if it does not.
    pub fn options_changed(&self, choices: &DepositChoices, name: &str) -> Option<String> {
        if choices.format != self.choices.format {
            return Some(format!(
                "le format a changé ({} → {})",
                format_label(&self.choices.format),
                format_label(&choices.format)
            ));
        }
        if choices.date_today != self.choices.date_today {
            return Some("la date utilisée comme date de facture a changé".into());
        }
        if name != self.name {
            return Some("le nom du flux a changé".into());
        }
        None
    }

    /// Why a new check report makes the lot inexact, if it does: one of its invoices is no
    /// longer conformant, was deposited meanwhile, disappeared, or its data changed.
    pub fn invalidated_by(&self, report: &CheckReport, previous: &CheckReport) -> Option<String> {
        let now: HashMap<&str, &crate::checks::InvoiceCheck> = report
            .checks
            .iter()
            .map(|c| (c.invoice.number.as_str(), c))
            .collect();
        let before: HashMap<&str, &crate::checks::InvoiceCheck> = previous
            .checks
            .iter()
            .map(|c| (c.invoice.number.as_str(), c))
            .collect();
        for number in self.invoices() {
            let Some(check) = now.get(number.as_str()) else {
                return Some(format!("la facture {number} n'est plus dans la base"));
            };
            if report.deposited.contains_key(&number) {
                return Some(format!("la facture {number} a été déposée entre-temps"));
            }
            if let Some(anomaly) = check.anomalies.first() {
                return Some(format!(
                    "la facture {number} est désormais en anomalie ({})",
                    anomaly.message
                ));
            }
            if before
                .get(number.as_str())
                .is_some_and(|old| !same_content(old, check))
            {
                return Some(format!(
                    "la facture {number} a changé depuis la génération du flux"
                ));
            }
        }
        None
    }
}

/// Whether two checks of an invoice saw the same data (what goes in its e-invoice).
fn same_content(a: &crate::checks::InvoiceCheck, b: &crate::checks::InvoiceCheck) -> bool {
    a.invoice == b.invoice
        && a.client_name == b.client_name
        && a.client_siret == b.client_siret
        && a.billing == b.billing
        && a.pdf == b.pdf
        && a.fingerprint == b.fingerprint
}

pub fn format_label(code: &str) -> &'static str {
    crate::einvoice::Format::from_code(code).map_or("format inconnu", |f| f.label())
}
