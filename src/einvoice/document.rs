//! What an e-invoice is written from: the invoice, its lines, both parties and the billing
//! data already resolved by the caller (see `checks::billing::resolve`).

use crate::model::{Client, Company, Invoice, InvoiceLine};
use chrono::NaiveDate;

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
}
