//! Everything an invoice's check and e-invoice depend on, reduced to 64 bits: two checks
//! that saw the same data give the same fingerprint. A generated lot is bound to the
//! fingerprints of its invoices; the verdict of the EN 16931 rules is remembered by it.

use super::billing::BillingData;
use super::rules::PdfState;
use crate::model::{Client, Company, Invoice, InvoiceLine};
use rust_decimal::Decimal;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The parts of the mirror an invoice is written from.
pub struct Inputs<'a> {
    pub invoice: &'a Invoice,
    pub lines: Option<&'a [InvoiceLine]>,
    pub line_total: Option<&'a Decimal>,
    pub seller: Option<&'a Company>,
    pub buyer: Option<&'a Client>,
    pub billing: &'a BillingData,
    pub pdf: &'a PdfState,
}

/// `DefaultHasher::new()` has fixed keys: the same inputs give the same value from one run
/// to the next (with the same build), which a remembered verdict needs.
pub fn fingerprint(inputs: &Inputs<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    inputs.invoice.hash(&mut h);
    inputs.lines.hash(&mut h);
    inputs.line_total.hash(&mut h);
    inputs.seller.hash(&mut h);
    inputs.buyer.hash(&mut h);
    inputs.billing.service_code.value.hash(&mut h);
    inputs.billing.engagement_number.value.hash(&mut h);
    inputs.billing.market_number.value.hash(&mut h);
    inputs.pdf.hash(&mut h);
    h.finish()
}
