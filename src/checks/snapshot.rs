//! Everything the rules read, gathered in memory once per check run.

use super::rules::PdfState;
use crate::model::{
    BillingReference, Client, Company, Invoice, InvoiceKind, InvoiceLine, Market, Service,
    Structure,
};
use crate::store::erp::PaidInErp;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// The part of the directory the checked clients need.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    structures: HashMap<String, Structure>,
    services: HashMap<String, HashMap<String, Service>>,
}

impl DirectorySnapshot {
    pub fn insert_structure(&mut self, structure: Structure) {
        self.structures
            .insert(structure.identifier.clone(), structure);
    }

    pub fn insert_service(&mut self, service: Service) {
        self.services
            .entry(service.structure_identifier.clone())
            .or_default()
            .insert(service.code.clone(), service);
    }

    pub fn structure(&self, identifier: &str) -> Option<&Structure> {
        self.structures.get(identifier)
    }

    pub fn service(&self, identifier: &str, code: &str) -> Option<&Service> {
        self.services.get(identifier).and_then(|s| s.get(code))
    }

    pub fn structure_count(&self) -> usize {
        self.structures.len()
    }
}

/// The mirror's records the rules look up, by their keys.
#[derive(Debug, Clone, Default)]
pub struct CheckData {
    pub companies: HashMap<String, Company>,
    pub clients: HashMap<String, Client>,
    pub references: HashMap<String, BillingReference>,
    /// By client code, then market number.
    pub markets: HashMap<String, HashMap<String, Market>>,
    /// Every invoice's lines, by invoice number: the amount rules add them up, its
    /// e-invoice is written from them.
    pub lines: HashMap<String, Vec<InvoiceLine>>,
    pub directory: DirectorySnapshot,
    /// By the PDF's absolute path.
    pub pdf: HashMap<String, PdfState>,
    /// What the ERP's payments cover, by invoice number.
    pub paid: HashMap<String, PaidInErp>,
    /// What credit notes cover (their TTC, and the latest one's date), by the number of the
    /// invoice they correct.
    pub credited: HashMap<String, (Decimal, NaiveDate)>,
    /// Invoices with a live deposit on Chorus Pro: being paid is then their normal life.
    pub deposited: HashSet<String>,
    /// (invoice number, anomaly code) the clerk chose to override.
    pub overrides: HashSet<(String, String)>,
}

impl CheckData {
    pub fn insert_market(&mut self, market: Market) {
        self.markets
            .entry(market.client_code.clone())
            .or_default()
            .insert(market.number.clone(), market);
    }

    /// The sum of an invoice's lines' HT amounts, when it has lines. An absurd amount
    /// saturates rather than stopping the whole check.
    pub fn line_total(&self, number: &str) -> Option<Decimal> {
        self.lines.get(number).map(|lines| {
            lines.iter().fold(Decimal::ZERO, |sum, l| {
                sum.checked_add(l.line_total).unwrap_or(Decimal::MAX)
            })
        })
    }

    pub fn market(&self, client_code: &str, number: &str) -> Option<&Market> {
        self.markets.get(client_code).and_then(|m| m.get(number))
    }

    /// Imputes each credit note on the invoice it names (its TTC counted positive, as a
    /// refund whatever the ERP's sign convention).
    pub fn add_credit_notes(&mut self, invoices: &[Invoice]) {
        for note in invoices
            .iter()
            .filter(|i| i.kind == InvoiceKind::CreditNote)
        {
            let origin = note.original_invoice_number.trim();
            if origin.is_empty() {
                continue;
            }
            let entry = self
                .credited
                .entry(origin.to_string())
                .or_insert((Decimal::ZERO, note.invoice_date));
            entry.0 = entry
                .0
                .checked_add(note.total_incl_tax.abs())
                .unwrap_or(Decimal::MAX);
            entry.1 = entry.1.max(note.invoice_date);
        }
    }
}
