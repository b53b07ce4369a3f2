//! EN 16931 e-invoices for Chorus Pro: UBL 2.1, UN/CEFACT CII D16B and Factur-X (EN 16931
//! profile), and the tar.gz lot archives. Pure: the caller gives an [`InvoiceDocument`]
//! already read from the mirror, gets bytes back. No database, no file, no network.

mod amounts;
mod cii;
mod document;
mod error;
mod facturx;
mod format;
mod icc;
pub mod lot;
mod terms;
mod ubl;
mod xml;
mod xmp;

pub use amounts::{Amounts, LineAmounts, VatGroup, compute};
pub use document::{AllowanceCharge, Attachment, InvoiceDocument, LineAllowance};
pub use error::EInvoiceError;
pub use format::Format;

use chrono::NaiveDate;

/// One written e-invoice, ready to deposit or to put in a lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EInvoiceFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Writes `doc` in `format`. `issue_date` overrides the invoice date (BT-2): the deposit's
/// "date utilisée comme date de facture" parameter.
pub fn render(
    doc: &InvoiceDocument,
    format: Format,
    issue_date: Option<NaiveDate>,
) -> Result<EInvoiceFile, EInvoiceError> {
    let amounts = compute(doc)?;
    let issue_date = issue_date.unwrap_or(doc.invoice.invoice_date);
    let bytes = match format {
        Format::Ubl => ubl::write(doc, &amounts, issue_date)?.into_bytes(),
        Format::Cii => cii::write(doc, &amounts, issue_date, cii::Flavour::Cii)?.into_bytes(),
        Format::FacturX => {
            let xml = cii::write(doc, &amounts, issue_date, cii::Flavour::FacturX)?;
            facturx::embed(doc, xml.as_bytes(), issue_date)?
        }
    };
    Ok(EInvoiceFile {
        file_name: format.file_name(&doc.invoice.number),
        bytes,
    })
}

/// The CII XML alone, as embedded in a Factur-X PDF: for tests and benchmarks that compare
/// with other Factur-X writers on the same XML.
pub fn facturx_xml(
    doc: &InvoiceDocument,
    issue_date: Option<NaiveDate>,
) -> Result<String, EInvoiceError> {
    let amounts = compute(doc)?;
    let issue_date = issue_date.unwrap_or(doc.invoice.invoice_date);
    cii::write(doc, &amounts, issue_date, cii::Flavour::FacturX)
}

/// Embeds an already written Factur-X XML into the document's PDF (PDF/A-3): for benchmarks.
pub fn facturx_pdf(
    doc: &InvoiceDocument,
    xml: &[u8],
    issue_date: NaiveDate,
) -> Result<Vec<u8>, EInvoiceError> {
    facturx::embed(doc, xml, issue_date)
}

#[cfg(test)]
mod tests;
