//! EN 16931 e-invoices for Chorus Pro: UBL 2.1, UN/CEFACT CII D16B and Factur-X (EN 16931
//! profile), and the tar.gz lot archives. Pure: the caller gives an [`InvoiceDocument`]
//! already read from the mirror, gets bytes or findings back. No database, no file, no
//! network.
//!
//! One source of truth: [`conformance`] and [`render`] build the same EN 16931 model through
//! the same mapping and judge it with the same rules (see [`en16931`]); `render` writes the
//! model only when no rule is broken, and the writers are exact (the round-trip tests prove
//! that the file read back is the model), so « conforme » means "the file that would be
//! sent passes the EN 16931 rules".

mod document;
pub mod en16931;
mod error;
mod facturx;
mod format;
mod icc;
pub mod lot;
mod xml;
mod xmp;

pub use document::{AllowanceCharge, Attachment, InvoiceDocument, LineAllowance};
pub use en16931::{Finding, ReadError, Syntax};
pub use error::EInvoiceError;
pub use format::Format;

use chrono::NaiveDate;
use en16931::{Origin, mapping, model};

/// One written e-invoice, ready to deposit or to put in a lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EInvoiceFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Format {
    /// The XML syntax of the format (a Factur-X embeds CII).
    pub fn syntax(self) -> Syntax {
        match self {
            Format::Ubl => Syntax::Ubl,
            Format::Cii | Format::FacturX => Syntax::Cii,
        }
    }
}

fn origin(doc: &InvoiceDocument) -> Origin<'_> {
    fn first<'s>(a: &'s str, b: &'s str) -> &'s str {
        if a.trim().is_empty() {
            b.trim()
        } else {
            a.trim()
        }
    }
    Origin::Erp {
        company: first(&doc.seller.code, &doc.invoice.company_code),
        client: first(&doc.buyer.code, &doc.invoice.client_code),
    }
}

/// The model `render` would write and everything wrong with it: the mapping's own findings
/// (what cannot be represented, what the format needs) then the EN 16931 rules as the
/// format's syntax judges them.
fn judged(
    doc: &InvoiceDocument,
    format: Format,
    issue_date: Option<NaiveDate>,
) -> (model::Invoice<'_>, Vec<Finding>) {
    let mapped = mapping::map(doc, format, issue_date);
    let mut findings = mapped.findings;
    findings.extend(en16931::check(
        &mapped.invoice,
        format.syntax(),
        origin(doc),
    ));
    (mapped.invoice, findings)
}

/// What keeps `doc` from being a conformant e-invoice in `format`: EN 16931 rules (official
/// ids), plus the format's needs (a Factur-X needs the ERP's PDF: `FX-PDF`; the PDF itself is
/// examined by the checks). No XML is written or read: the model is judged, the writers are
/// exact. Fast enough for 100,000 invoices (see `benches/einvoice.rs`).
///
/// Guarantee: when no finding is fatal, [`render`] succeeds (for a Factur-X, given a
/// readable, unencrypted PDF); when one is, `render` refuses with it.
pub fn conformance(doc: &InvoiceDocument, format: Format) -> Vec<Finding> {
    judged(doc, format, None).1
}

fn refuse(findings: &[Finding]) -> Result<(), EInvoiceError> {
    match findings.iter().find(|f| f.fatal) {
        Some(f) if f.rule == "FX-PDF" => Err(EInvoiceError::MissingPdf),
        Some(f) => Err(EInvoiceError::Rule {
            rule: f.rule,
            message: f.message.clone(),
        }),
        None => Ok(()),
    }
}

/// Writes `doc` in `format`. `issue_date` overrides the invoice date (BT-2): the deposit's
/// "date utilisée comme date de facture" parameter. Refuses, with the first fatal finding of
/// [`conformance`], a document that would not pass the EN 16931 rules.
pub fn render(
    doc: &InvoiceDocument,
    format: Format,
    issue_date: Option<NaiveDate>,
) -> Result<EInvoiceFile, EInvoiceError> {
    let (invoice, findings) = judged(doc, format, issue_date);
    refuse(&findings)?;
    let bytes = match format {
        Format::Ubl => en16931::write_ubl::write(&invoice).into_bytes(),
        Format::Cii => en16931::write_cii::write(&invoice).into_bytes(),
        Format::FacturX => {
            let xml = en16931::write_cii::write(&invoice);
            let date = issue_date.unwrap_or(doc.invoice.invoice_date);
            facturx::embed(doc, xml.as_bytes(), date)?
        }
    };
    Ok(EInvoiceFile {
        file_name: format.file_name(&doc.invoice.number),
        bytes,
    })
}

/// Reads a UBL (Invoice, CreditNote) or CII file, the syntax told by its root, and judges it
/// with the EN 16931 rules of that syntax. For the tests against the official artefacts and
/// examples.
pub fn validate_xml(bytes: &[u8]) -> Result<Vec<Finding>, ReadError> {
    let (invoice, syntax) = en16931::read(bytes)?;
    Ok(en16931::check(&invoice, syntax, Origin::File))
}

/// The CII XML alone, as embedded in a Factur-X PDF: for tests and benchmarks that compare
/// with other Factur-X writers on the same XML. Refuses like [`render`].
pub fn facturx_xml(
    doc: &InvoiceDocument,
    issue_date: Option<NaiveDate>,
) -> Result<String, EInvoiceError> {
    let (invoice, findings) = judged(doc, Format::FacturX, issue_date);
    refuse(&findings)?;
    Ok(en16931::write_cii::write(&invoice))
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
