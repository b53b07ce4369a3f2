//! The one mapping from an ERP [`InvoiceDocument`] to the EN 16931 model: every business
//! choice (which field goes in which term, rounding, default texts, schemes) is made here
//! and only here; the writers write the model as it is.
//!
//! The mapping never refuses: it writes what the data says (a seller without VAT number
//! gives a model without BT-31, a standard-rated line at 0 % stays so) and the rules say
//! what is wrong. What cannot be represented at all becomes a finding of its own.

mod amounts;
pub mod choices;

use super::Finding;
use super::model::*;
use crate::einvoice::{Format, InvoiceDocument};
use crate::model::{InvoiceKind, siret};
use chrono::NaiveDate;
use std::borrow::Cow;

/// The model of one document and what the mapping itself could not represent.
#[derive(Debug, Clone)]
pub struct Mapped<'a> {
    pub invoice: Invoice<'a>,
    pub findings: Vec<Finding>,
}

/// A text term: trimmed, without the characters XML 1.0 cannot carry (ERP exports
/// sometimes hold control characters); `None` when nothing is left. Borrowed from the ERP's
/// document when nothing had to be removed.
pub fn text(value: &str) -> Option<Text<'_>> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    // One pass over the bytes: control characters, and U+FFFE / U+FFFF (EF BF BE / EF BF BF).
    let bytes = value.as_bytes();
    let clean = bytes.iter().enumerate().all(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => true,
        0..0x20 => false,
        0xEF => !(bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF))),
        _ => true,
    });
    if clean {
        return Some(Cow::Borrowed(value));
    }
    let cleaned: String = value.chars().filter(|c| xml_char(*c)).collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| Cow::Owned(cleaned.to_string()))
}

/// `value` without whitespace and in upper case (IBAN, BIC, VAT number), borrowed when it
/// already is.
fn compact(value: &str) -> Option<Text<'_>> {
    let value = text(value)?;
    if value.chars().any(|c| c.is_whitespace() || c.is_lowercase()) {
        let c: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        (!c.is_empty()).then_some(Cow::Owned(c))
    } else {
        Some(value)
    }
}

fn xml_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        c if (c as u32) < 0x20 => false,
        '\u{fffe}' | '\u{ffff}' => false,
        _ => true,
    }
}

/// `issue_date` overrides the invoice date (BT-2): the deposit's "date utilisée comme date de
/// facture" parameter. `format` decides the one thing the syntaxes do not share: a Factur-X
/// is the ERP's PDF itself, so the PDF is not joined again as a supporting document.
pub fn map(doc: &InvoiceDocument, format: Format, issue_date: Option<NaiveDate>) -> Mapped<'_> {
    let mut findings = Vec::new();
    let inv = &doc.invoice;
    let credit_note = inv.kind == InvoiceKind::CreditNote;
    let amounts = amounts::map(doc, &mut findings);
    // A pure out-of-scope invoice leaves the seller's VAT number out (BR-O-02); a mixed one
    // keeps it, and the rules say the mix is the error (BR-O-11 …).
    let not_subject_only = amounts.not_subject_only;

    let mut invoice = Invoice {
        number: text(&inv.number),
        issue_date: Some(issue_date.unwrap_or(inv.invoice_date)),
        type_code: Some(Cow::Borrowed(choices::type_code(inv.kind))),
        credit_note,
        currency: Some(match text(&inv.currency) {
            Some(c) if c.chars().any(char::is_lowercase) => Cow::Owned(c.to_uppercase()),
            Some(c) => c,
            None => Cow::Borrowed(choices::DEFAULT_CURRENCY),
        }),
        due_date: if credit_note { None } else { inv.due_date },
        // Chorus Pro: service code in BT-10, engagement number in BT-13, market in BT-12.
        buyer_reference: text(&doc.service_code),
        purchase_order_reference: text(&doc.engagement_number),
        contract_reference: text(&doc.market_number),
        payment_terms: Some(choices::payment_terms_text(doc)),
        process: Some(choices::billing_frame(doc)),
        specification: Some(Cow::Borrowed(choices::EN16931)),
        // A blank preceding invoice number is no reference at all (BG-3 without BT-25 would
        // break the syntaxes' structure).
        preceding_invoices: doc
            .preceding_invoice
            .iter()
            .filter_map(|(number, date)| {
                text(number).map(|reference| PrecedingInvoice {
                    reference: Some(reference),
                    issue_date: *date,
                })
            })
            .collect(),
        seller: seller(doc, not_subject_only),
        buyer: buyer(doc),
        allowances_charges: amounts.allowances_charges,
        totals: amounts.totals,
        vat_breakdown: amounts.breakdown,
        lines: amounts.lines,
        ..Invoice::default()
    };
    if let Some(code) = choices::payment_means_code(doc) {
        payment(doc, code, &mut invoice);
    }
    match format {
        Format::FacturX => {
            if doc.attachment.as_ref().is_none_or(|a| a.bytes.is_empty()) {
                findings.push(Finding {
                    rule: "FX-PDF",
                    fatal: true,
                    term: "BG-24",
                    message: format!(
                        "Le PDF de la facture {} est absent : un Factur-X est le PDF de l'ERP \
                         lui-même (chemin du PDF à renseigner sur la facture dans l'ERP)",
                        inv.number.trim()
                    ),
                });
            }
        }
        Format::Ubl | Format::Cii => {
            if let Some(att) = &doc.attachment {
                let name = choices::attachment_name(&att.file_name, &inv.number);
                invoice.supporting_documents.push(SupportingDocument {
                    reference: Some(name.clone()),
                    description: Some(Cow::Borrowed(choices::PDF_DESCRIPTION)),
                    uri: None,
                    attachment: Some(Binary {
                        mime_code: Some(
                            text(&att.mime).unwrap_or(Cow::Borrowed(choices::PDF_MIME)),
                        ),
                        filename: Some(name),
                        content: Cow::Borrowed(&att.bytes),
                    }),
                });
            }
        }
    }
    Mapped { invoice, findings }
}

fn address<'a>(street: &'a str, city: &'a str, postal_code: &'a str) -> Address<'a> {
    Address {
        line1: text(street),
        city: text(city),
        postal_code: text(postal_code),
        country: Some(Cow::Borrowed(choices::COUNTRY)),
        ..Address::default()
    }
}

/// The SIRET as the mirror holds it, spaces removed, with its scheme.
fn siret_identifier(value: &str) -> Option<Identifier<'_>> {
    let value = text(value)?;
    let value = if value
        .chars()
        .any(|c| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
    {
        Cow::Owned(siret::normalize(&value))
    } else {
        value
    };
    (!value.is_empty()).then(|| Identifier::new(value, Some(choices::SIRET_SCHEME)))
}

fn seller(doc: &InvoiceDocument, not_subject_only: bool) -> Seller<'_> {
    let s = &doc.seller;
    Seller {
        name: text(&s.name),
        legal_registration: siret_identifier(&s.siret),
        vat_identifier: if not_subject_only {
            None
        } else {
            text(&s.vat_number).map(|v| {
                if v.contains(' ') {
                    Cow::Owned(v.replace(' ', ""))
                } else {
                    v
                }
            })
        },
        address: Some(address(&s.address, &s.city, &s.postal_code)),
        ..Seller::default()
    }
}

fn buyer(doc: &InvoiceDocument) -> Buyer<'_> {
    let b = &doc.buyer;
    Buyer {
        name: text(&b.name),
        legal_registration: siret_identifier(&b.siret),
        address: Some(address(&b.address, &b.city, &b.postal_code)),
        contact: text(&b.email).map(|email| Contact {
            email: Some(email),
            ..Contact::default()
        }),
        ..Buyer::default()
    }
}

/// BG-16 with its remittance information (BT-83, the invoice number): only when the invoice
/// has payment means, since UBL carries BT-83 inside them.
fn payment<'a>(doc: &'a InvoiceDocument, code: &'static str, invoice: &mut Invoice<'a>) {
    let s = &doc.seller;
    let credit_transfer = choices::is_credit_transfer(code).then(|| CreditTransfer {
        // No IBAN stays no IBAN: BR-50 / BR-61 say so.
        account_id: compact(&s.iban),
        account_name: text(&s.account_holder).or_else(|| text(&s.name)),
        provider_id: compact(&s.bic),
    });
    invoice.remittance_information = invoice.number.clone();
    invoice.payment_means.push(PaymentMeans {
        code: Some(Cow::Borrowed(code)),
        credit_transfer,
        ..PaymentMeans::default()
    });
}
