//! What an e-invoice is written from: the invoice, its lines, both parties and the billing
//! data already resolved by the caller (see `checks::billing::resolve`).

use crate::model::{Client, Company, Invoice, InvoiceLine, VatCategory};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A document-level allowance (BG-20) or charge (BG-21). The ERP mirror holds none yet: the
/// loader leaves the list empty; the writers and the validation tests support them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowanceCharge {
    /// False for an allowance (remise), true for a charge (frais).
    pub charge: bool,
    /// Positive, without VAT.
    pub amount: Decimal,
    pub reason: String,
    pub vat_category: VatCategory,
    pub vat_rate: Decimal,
}

/// A line allowance (BG-27), already deducted from the line's net amount (BT-131) by the ERP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAllowance {
    pub line_number: u32,
    pub amount: Decimal,
    pub reason: String,
}

/// A file joined to the invoice: the ERP's PDF.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    // A PDF dumped byte by byte in a log is of no use to anyone.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDocument {
    pub invoice: Invoice,
    pub lines: Vec<InvoiceLine>,
    pub seller: Company,
    pub buyer: Client,
    /// Resolved: the invoice's own value, else its origin reference's. May be empty.
    pub service_code: String,
    pub engagement_number: String,
    pub market_number: String,
    /// For a credit note: the invoice it corrects and that invoice's date when known.
    pub preceding_invoice: Option<(String, Option<NaiveDate>)>,
    /// The ERP's PDF: attached in UBL and CII, the visible part of a Factur-X.
    pub attachment: Option<Attachment>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub line_allowances: Vec<LineAllowance>,
}
