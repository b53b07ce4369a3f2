//! Reads from the mirror everything an e-invoice is written from: the invoice, its lines,
//! both parties, the billing data resolved as the checks resolve it, the preceding invoice of
//! a credit note and the ERP's PDF.

use crate::checks::billing;
use crate::einvoice::{Attachment, InvoiceDocument};
use crate::store::{Store, erp};

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("la facture {0} n'existe pas dans la base")]
    UnknownInvoice(String),
    #[error("la société {company} de la facture {invoice} n'existe pas dans la base")]
    UnknownCompany { invoice: String, company: String },
    #[error("le client {client} de la facture {invoice} n'existe pas dans la base")]
    UnknownClient { invoice: String, client: String },
    #[error("le PDF de la facture {invoice} est illisible ({path}) : {source}")]
    Pdf {
        invoice: String,
        path: String,
        source: std::io::Error,
    },
    #[error(
        "le PDF de la facture {invoice} ({path}) {why} : il ne peut être joint à la facture électronique"
    )]
    PdfRefused {
        invoice: String,
        path: String,
        why: String,
    },
    #[error("{0}")]
    Store(#[from] crate::store::sql::SqlError),
}

pub fn load_document(
    store: &Store,
    invoice_number: &str,
) -> Result<InvoiceDocument, DocumentError> {
    let conn = store.db();
    let number = invoice_number.trim();
    let invoice = erp::load_invoice(conn, number)?
        .ok_or_else(|| DocumentError::UnknownInvoice(number.to_string()))?;
    let lines = erp::lines_of(conn, &invoice.number)?;
    let seller = erp::load_companies(conn)?
        .into_iter()
        .find(|c| c.code == invoice.company_code)
        .ok_or_else(|| DocumentError::UnknownCompany {
            invoice: invoice.number.clone(),
            company: invoice.company_code.clone(),
        })?;
    let buyer = erp::load_clients(conn)?
        .into_iter()
        .find(|c| c.code == invoice.client_code)
        .ok_or_else(|| DocumentError::UnknownClient {
            invoice: invoice.number.clone(),
            client: invoice.client_code.clone(),
        })?;
    let reference = if invoice.origin_reference.trim().is_empty() {
        None
    } else {
        erp::load_references(conn)?
            .into_iter()
            .find(|r| r.reference == invoice.origin_reference.trim())
    };
    let preceding_date = match invoice.original_invoice_number.trim() {
        "" => None,
        original => erp::load_invoice(conn, original)?.map(|i| i.invoice_date),
    };
    let attachment = match invoice.pdf_path.trim() {
        "" => None,
        path => {
            let bytes = std::fs::read(path).map_err(|source| DocumentError::Pdf {
                invoice: invoice.number.clone(),
                path: path.to_string(),
                source,
            })?;
            // Examined again: the file may have changed since the check, and an encrypted
            // PDF must never travel inside an e-invoice.
            if let Err(refused) = crate::pdf_files::examine_bytes(&bytes) {
                return Err(DocumentError::PdfRefused {
                    invoice: invoice.number.clone(),
                    path: path.to_string(),
                    why: match refused {
                        crate::pdf_files::Examined::Protected => {
                            "est protégé par un mot de passe".to_string()
                        }
                        crate::pdf_files::Examined::Unreadable(why) => {
                            format!("est illisible ({why})")
                        }
                    },
                });
            }
            Some(attachment_of(path, &invoice.number, bytes))
        }
    };
    let billing = billing::resolve(&invoice, reference.as_ref());
    Ok(document_from(
        invoice,
        lines,
        seller,
        buyer,
        billing,
        preceding_date,
        attachment,
    ))
}

/// The ERP's PDF as the e-invoice joins it: its file name, and the bytes (empty when only
/// the checks need to know the file is there).
pub fn attachment_of(path: &str, invoice_number: &str, bytes: Vec<u8>) -> Attachment {
    let file_name = std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("{invoice_number}.pdf"));
    Attachment {
        file_name,
        mime: "application/pdf".into(),
        bytes,
    }
}

/// The document of an invoice from data already read: what the deposit writes and what the
/// checks judge are made the same way.
pub fn document_from(
    invoice: crate::model::Invoice,
    lines: Vec<crate::model::InvoiceLine>,
    seller: crate::model::Company,
    buyer: crate::model::Client,
    billing: billing::BillingData,
    preceding_date: Option<chrono::NaiveDate>,
    attachment: Option<Attachment>,
) -> InvoiceDocument {
    let preceding_invoice = match invoice.original_invoice_number.trim() {
        "" => None,
        original => Some((original.to_string(), preceding_date)),
    };
    InvoiceDocument {
        invoice,
        lines,
        seller,
        buyer,
        service_code: billing.service_code.value,
        engagement_number: billing.engagement_number.value,
        market_number: billing.market_number.value,
        preceding_invoice,
        attachment,
        // The mirror has no allowance or charge table yet.
        allowances_charges: Vec::new(),
        line_allowances: Vec::new(),
    }
}
