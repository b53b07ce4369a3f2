//! The invoice PDF files next to the database: drawn for most invoices, missing, broken or
//! oversized for the planted anomalies.

use super::invoice_pdf::{self, InvoicePdf, PdfLine, PdfParty};
use super::ledger::{DemoInvoice, Junk, PdfPlan};
use super::lines::{TRAINING_EXEMPTION, vat_breakdown};
use super::parties::{DemoClient, Parties};
use crate::model::iban::group_by_four;
use crate::model::{BillingReference, Company, InvoiceKind, ReferenceKind, format_date};
use std::collections::HashMap;
use std::io;
use std::path::Path;

/// What a PDF file needs besides the invoice: parties and references by code.
pub struct PdfContext<'a> {
    companies: HashMap<&'a str, &'a Company>,
    clients: HashMap<&'a str, &'a DemoClient>,
    references: HashMap<&'a str, &'a BillingReference>,
}

impl<'a> PdfContext<'a> {
    pub fn new(parties: &'a Parties, references: &'a [BillingReference]) -> PdfContext<'a> {
        PdfContext {
            companies: [&parties.head_office, &parties.branch]
                .into_iter()
                .map(|c| (c.code.as_str(), c))
                .collect(),
            clients: parties
                .clients
                .iter()
                .map(|c| (c.client.code.as_str(), c))
                .collect(),
            references: references
                .iter()
                .map(|r| (r.reference.as_str(), r))
                .collect(),
        }
    }
}

/// Chorus Pro refuses files above 10 MB; an oversized demo file is 11 MB, sparse on disk.
const OVERSIZED_BYTES: u64 = 11 * 1024 * 1024;

/// What a web portal sent back instead of the invoice, saved under its `.pdf` name.
const HTML_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
<title>Service indisponible</title></head>\n<body><h1>Erreur 503</h1>\
<p>Le service d'édition des factures est momentanément indisponible. \
Veuillez réessayer plus tard.</p></body></html>\n";

/// The start of a PNG file: a scan saved with the wrong extension.
const PNG_START: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x09\xb0\0\0\x0d\xb6\x08\x02\0\0\0";

/// `812 345 671`.
fn spaced_siren(siret: &str) -> String {
    if siret.len() < 9 || !siret.is_ascii() {
        return siret.to_string();
    }
    format!("{} {} {}", &siret[..3], &siret[3..6], &siret[6..9])
}

fn spaced_siret(siret: &str) -> String {
    if siret.len() != 14 || !siret.is_ascii() {
        return siret.to_string();
    }
    format!("{} {}", spaced_siren(siret), &siret[9..])
}

fn supplier_party(company: &Company) -> PdfParty {
    PdfParty {
        name: company.name.clone(),
        address: vec![
            company.address.clone(),
            format!("{} {}", company.postal_code, company.city),
        ],
        identifiers: vec![
            format!(
                "SIRET {} — TVA intracommunautaire {}",
                spaced_siret(&company.siret),
                company.vat_number
            ),
            "Tél. 04 76 54 32 10 — facturation@dauphine-informatique.fr".into(),
        ],
    }
}

/// The data printed on an invoice's PDF.
pub fn invoice_pdf(ctx: &PdfContext<'_>, d: &DemoInvoice) -> InvoicePdf {
    let i = &d.invoice;
    let company = ctx.companies.get(i.company_code.as_str()).copied();
    let client = ctx.clients.get(i.client_code.as_str()).copied();
    let reference = ctx.references.get(i.origin_reference.as_str()).copied();
    let credit_note = i.kind == InvoiceKind::CreditNote;

    let pick = |own: &str, theirs: Option<&str>| {
        if own.is_empty() {
            theirs.unwrap_or_default().to_string()
        } else {
            own.to_string()
        }
    };
    let mut references = Vec::new();
    let mut add = |label: &str, value: String| {
        if !value.is_empty() {
            references.push((label.to_string(), value));
        }
    };
    add(
        "Code service",
        pick(&i.service_code, reference.map(|r| r.service_code.as_str())),
    );
    add(
        "N° d'engagement",
        pick(
            &i.engagement_number,
            reference.map(|r| r.engagement_number.as_str()),
        ),
    );
    add(
        "N° de marché",
        pick(
            &i.market_number,
            reference.map(|r| r.market_number.as_str()),
        ),
    );
    if let Some(r) = reference {
        let label = match r.kind {
            ReferenceKind::Order => "Bon de commande",
            ReferenceKind::Dossier => "Dossier",
            ReferenceKind::Contract => "Contrat",
        };
        add(label, r.reference.clone());
    }
    if credit_note {
        add("Facture d'origine", i.original_invoice_number.clone());
    }
    add("Réf. client", i.client_code.clone());

    let client_party = client
        .map(|c| {
            let c = &c.client;
            PdfParty {
                name: c.name.clone(),
                address: vec![c.address.clone(), format!("{} {}", c.postal_code, c.city)],
                identifiers: if c.siret.is_empty() {
                    Vec::new()
                } else {
                    vec![format!("SIRET {}", spaced_siret(&c.siret))]
                },
            }
        })
        .unwrap_or_default();
    let public = client.is_some_and(|c| c.is_public());

    let lines: Vec<PdfLine> = d
        .lines
        .iter()
        .map(|l| PdfLine {
            label: l.label.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            unit_price: l.unit_price,
            vat_rate: l.vat_rate,
            total: l.line_total,
        })
        .collect();
    let vat = vat_breakdown(d.lines.iter().map(|l| (&l.vat_rate, l.line_total)));

    let mut payment = Vec::new();
    if credit_note {
        payment.push(
            "Avoir à déduire de votre prochain règlement, ou remboursé par virement sur demande."
                .to_string(),
        );
    } else if let Some(company) = company {
        let due = i.due_date.map(format_date).unwrap_or_default();
        if i.payment_means == "CHEQUE" {
            payment.push(format!(
                "Règlement par chèque à l'ordre de {}, au plus tard le {due}.",
                company.name
            ));
        } else {
            payment.push(format!("Règlement par virement, au plus tard le {due}."));
            let bic = if company.bic.is_empty() {
                String::new()
            } else {
                format!(" — BIC {}", company.bic)
            };
            payment.push(format!("IBAN {}{bic}", group_by_four(&company.iban)));
            payment.push(format!(
                "Titulaire : {} — {}",
                company.account_holder, company.bank_domiciliation
            ));
        }
    }

    let mut notes = Vec::new();
    if d.lines
        .iter()
        .any(|l| l.exemption_reason == TRAINING_EXEMPTION)
    {
        notes.push(format!(
            "{TRAINING_EXEMPTION} (formation professionnelle continue)."
        ));
    }
    // A credit note leaves nothing to pay: no late-payment mentions on it.
    if !credit_note {
        notes.push(if public {
            "Tout retard de paiement fait courir de plein droit des intérêts moratoires au taux \
             de la BCE majoré de 8 points et une indemnité forfaitaire pour frais de recouvrement \
             de 40 € (articles L. 2192-13, R. 2192-31 et D. 2192-35 du code de la commande publique)."
                .to_string()
        } else {
            "En cas de retard de paiement, des pénalités de retard au taux de la BCE majoré de \
             10 points sont exigibles, ainsi qu'une indemnité forfaitaire pour frais de \
             recouvrement de 40 € (articles L. 441-10 et D. 441-5 du code de commerce)."
                .to_string()
        });
        notes.push("Pas d'escompte pour paiement anticipé.".into());
    }

    let (supplier, footer) = match company {
        Some(c) => (
            supplier_party(c),
            format!(
                "{} — SAS au capital de 150 000 € — RCS Grenoble {} — {}, {} {}",
                c.name.trim_end_matches(" SAS"),
                spaced_siren(&c.siret),
                c.address,
                c.postal_code,
                c.city
            ),
        ),
        None => (PdfParty::default(), String::new()),
    };
    InvoicePdf {
        credit_note,
        number: i.number.clone(),
        issue_date: i.invoice_date,
        due_date: i.due_date,
        currency: i.currency.clone(),
        supplier,
        client: client_party,
        references,
        lines,
        vat,
        total_excl_tax: i.total_excl_tax,
        total_tax: i.total_tax,
        total_incl_tax: i.total_incl_tax,
        payment,
        notes,
        footer,
    }
}

/// Why a PDF file could not be written.
#[derive(Debug)]
pub enum PdfFileError {
    Draw(lopdf::Error),
    Io(io::Error),
}

/// Writes the invoice's file as its plan says; returns whether a file was written.
pub fn write_file(ctx: &PdfContext<'_>, dir: &Path, d: &DemoInvoice) -> Result<bool, PdfFileError> {
    let path = dir.join(&d.pdf_file);
    match d.pdf {
        PdfPlan::NotGiven | PdfPlan::NotWritten => Ok(false),
        PdfPlan::Unreadable(junk) => {
            let bytes: &[u8] = match junk {
                Junk::Empty => b"",
                Junk::HtmlPage => HTML_PAGE.as_bytes(),
                Junk::Image => PNG_START,
            };
            std::fs::write(&path, bytes).map_err(PdfFileError::Io)?;
            Ok(true)
        }
        PdfPlan::Draw | PdfPlan::Oversized => {
            let bytes = invoice_pdf::render(&invoice_pdf(ctx, d)).map_err(PdfFileError::Draw)?;
            std::fs::write(&path, &bytes).map_err(PdfFileError::Io)?;
            if d.pdf == PdfPlan::Oversized {
                // Extending the file leaves a hole: 11 MB for the checks, nothing on disk.
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(PdfFileError::Io)?;
                file.set_len(OVERSIZED_BYTES).map_err(PdfFileError::Io)?;
            }
            Ok(true)
        }
    }
}
