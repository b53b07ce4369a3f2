//! UBL 2.1 Invoice and CreditNote, EN 16931 core (CEN/TS 16931-3-2). Element order follows
//! the UBL 2.1 schemas: the XSD rejects anything out of place.

use super::amounts::{Amounts, VatGroup};
use super::terms::{self, COUNTRY, SIRET_SCHEME};
use super::xml::{Xml, amount, number};
use super::{EInvoiceError, InvoiceDocument};
use crate::model::InvoiceKind;
use base64::Engine as _;
use chrono::NaiveDate;

const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn write(
    doc: &InvoiceDocument,
    amounts: &Amounts,
    issue_date: NaiveDate,
) -> Result<String, EInvoiceError> {
    terms::check_parties(doc, !amounts.not_subject)?;
    let credit_note = doc.invoice.kind == InvoiceKind::CreditNote;
    let currency = terms::currency(doc);
    let cur = [("currencyID", currency.as_str())];
    let mut x = Xml::new();
    let (root, ns) = if credit_note {
        ("CreditNote", NS_CREDIT_NOTE)
    } else {
        ("Invoice", NS_INVOICE)
    };
    x.open(
        root,
        &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)],
    );
    x.leaf("cbc:CustomizationID", &[], terms::EN16931);
    x.leaf("cbc:ProfileID", &[], &terms::billing_frame(doc));
    x.leaf("cbc:ID", &[], doc.invoice.number.trim());
    x.leaf("cbc:IssueDate", &[], &date(issue_date));
    if !credit_note && let Some(due) = doc.invoice.due_date {
        x.leaf("cbc:DueDate", &[], &date(due));
    }
    let type_code = terms::type_code(doc.invoice.kind);
    if credit_note {
        x.leaf("cbc:CreditNoteTypeCode", &[], type_code);
    } else {
        x.leaf("cbc:InvoiceTypeCode", &[], type_code);
    }
    x.leaf("cbc:DocumentCurrencyCode", &[], &currency);
    x.opt_leaf("cbc:BuyerReference", &[], &doc.service_code);
    if !doc.engagement_number.trim().is_empty() {
        x.open("cac:OrderReference", &[]);
        x.leaf("cbc:ID", &[], doc.engagement_number.trim());
        x.close();
    }
    if let Some((number, issued)) = &doc.preceding_invoice {
        x.open("cac:BillingReference", &[]);
        x.open("cac:InvoiceDocumentReference", &[]);
        x.leaf("cbc:ID", &[], number.trim());
        if let Some(d) = issued {
            x.leaf("cbc:IssueDate", &[], &date(*d));
        }
        x.close();
        x.close();
    }
    if !doc.market_number.trim().is_empty() {
        x.open("cac:ContractDocumentReference", &[]);
        x.leaf("cbc:ID", &[], doc.market_number.trim());
        x.close();
    }
    if let Some(att) = &doc.attachment {
        x.open("cac:AdditionalDocumentReference", &[]);
        x.leaf("cbc:ID", &[], &att.file_name);
        x.leaf("cbc:DocumentDescription", &[], "Facture PDF");
        x.open("cac:Attachment", &[]);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&att.bytes);
        x.raw_leaf(
            "cbc:EmbeddedDocumentBinaryObject",
            &[
                ("mimeCode", att.mime.as_str()),
                ("filename", att.file_name.as_str()),
            ],
            &encoded,
        );
        x.close();
        x.close();
    }
    seller(&mut x, doc, amounts.not_subject);
    buyer(&mut x, doc);
    if let Some(pm) = terms::payment_means(doc)? {
        x.open("cac:PaymentMeans", &[]);
        x.leaf("cbc:PaymentMeansCode", &[], pm.code);
        x.leaf("cbc:PaymentID", &[], doc.invoice.number.trim());
        if !pm.iban.is_empty() {
            x.open("cac:PayeeFinancialAccount", &[]);
            x.leaf("cbc:ID", &[], &pm.iban);
            x.opt_leaf("cbc:Name", &[], &pm.holder);
            if !pm.bic.is_empty() {
                x.open("cac:FinancialInstitutionBranch", &[]);
                x.leaf("cbc:ID", &[], &pm.bic);
                x.close();
            }
            x.close();
        }
        x.close();
    }
    x.open("cac:PaymentTerms", &[]);
    x.leaf("cbc:Note", &[], &terms::payment_terms_text(doc));
    x.close();
    for ac in &doc.allowances_charges {
        x.open("cac:AllowanceCharge", &[]);
        x.leaf(
            "cbc:ChargeIndicator",
            &[],
            if ac.charge { "true" } else { "false" },
        );
        x.leaf(
            "cbc:AllowanceChargeReason",
            &[],
            &terms::allowance_reason(ac.charge, &ac.reason),
        );
        x.leaf("cbc:Amount", &cur, &amount(ac.amount));
        x.open("cac:TaxCategory", &[]);
        x.leaf("cbc:ID", &[], ac.vat_category.code());
        if ac.vat_category != crate::model::VatCategory::NotSubject {
            x.leaf("cbc:Percent", &[], &number(ac.vat_rate));
        }
        x.open("cac:TaxScheme", &[]);
        x.leaf("cbc:ID", &[], "VAT");
        x.close();
        x.close();
        x.close();
    }
    x.open("cac:TaxTotal", &[]);
    x.leaf("cbc:TaxAmount", &cur, &amount(amounts.tax_total));
    for g in &amounts.breakdown {
        x.open("cac:TaxSubtotal", &[]);
        x.leaf("cbc:TaxableAmount", &cur, &amount(g.taxable));
        x.leaf("cbc:TaxAmount", &cur, &amount(g.tax));
        tax_category(&mut x, "cac:TaxCategory", g);
        x.close();
    }
    x.close();
    x.open("cac:LegalMonetaryTotal", &[]);
    x.leaf("cbc:LineExtensionAmount", &cur, &amount(amounts.line_total));
    x.leaf(
        "cbc:TaxExclusiveAmount",
        &cur,
        &amount(amounts.tax_exclusive),
    );
    x.leaf(
        "cbc:TaxInclusiveAmount",
        &cur,
        &amount(amounts.tax_inclusive),
    );
    if !doc.allowances_charges.is_empty() {
        x.leaf(
            "cbc:AllowanceTotalAmount",
            &cur,
            &amount(amounts.allowance_total),
        );
        x.leaf("cbc:ChargeTotalAmount", &cur, &amount(amounts.charge_total));
    }
    x.leaf("cbc:PayableAmount", &cur, &amount(amounts.payable));
    x.close();
    for (l, src) in amounts.lines.iter().zip(&doc.lines) {
        let (line_tag, qty_tag) = if credit_note {
            ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        } else {
            ("cac:InvoiceLine", "cbc:InvoicedQuantity")
        };
        x.open(line_tag, &[]);
        x.leaf("cbc:ID", &[], &l.line_number.to_string());
        x.leaf(qty_tag, &[("unitCode", l.unit_code)], &number(l.quantity));
        x.leaf("cbc:LineExtensionAmount", &cur, &amount(l.net_amount));
        for la in doc
            .line_allowances
            .iter()
            .filter(|a| a.line_number == l.line_number)
        {
            x.open("cac:AllowanceCharge", &[]);
            x.leaf("cbc:ChargeIndicator", &[], "false");
            x.leaf(
                "cbc:AllowanceChargeReason",
                &[],
                &terms::allowance_reason(false, &la.reason),
            );
            x.leaf("cbc:Amount", &cur, &amount(la.amount));
            x.close();
        }
        x.open("cac:Item", &[]);
        x.leaf(
            "cbc:Name",
            &[],
            item_name(&src.label, l.line_number).as_str(),
        );
        x.open("cac:ClassifiedTaxCategory", &[]);
        x.leaf("cbc:ID", &[], l.category.code());
        if let Some(rate) = l.rate {
            x.leaf("cbc:Percent", &[], &number(rate));
        }
        x.open("cac:TaxScheme", &[]);
        x.leaf("cbc:ID", &[], "VAT");
        x.close();
        x.close();
        x.close();
        x.open("cac:Price", &[]);
        x.leaf("cbc:PriceAmount", &cur, &number(l.net_price));
        x.close();
        x.close();
    }
    Ok(x.finish())
}

/// BT-153 is mandatory: a line without a label gets a neutral one.
pub fn item_name(label: &str, line_number: u32) -> String {
    let label = label.trim();
    if label.is_empty() {
        format!("Ligne {line_number}")
    } else {
        label.to_string()
    }
}

fn tax_category(x: &mut Xml, tag: &'static str, g: &VatGroup) {
    x.open(tag, &[]);
    x.leaf("cbc:ID", &[], g.category.code());
    if let Some(rate) = g.rate {
        x.leaf("cbc:Percent", &[], &number(rate));
    }
    if let Some(code) = g.exemption_code {
        x.leaf("cbc:TaxExemptionReasonCode", &[], code);
    }
    if let Some(reason) = &g.exemption_reason {
        x.leaf("cbc:TaxExemptionReason", &[], reason);
    }
    x.open("cac:TaxScheme", &[]);
    x.leaf("cbc:ID", &[], "VAT");
    x.close();
    x.close();
}

fn address(x: &mut Xml, street: &str, city: &str, postal_code: &str) {
    x.open("cac:PostalAddress", &[]);
    x.opt_leaf("cbc:StreetName", &[], street);
    x.opt_leaf("cbc:CityName", &[], city);
    x.opt_leaf("cbc:PostalZone", &[], postal_code);
    x.open("cac:Country", &[]);
    x.leaf("cbc:IdentificationCode", &[], COUNTRY);
    x.close();
    x.close();
}

fn seller(x: &mut Xml, doc: &InvoiceDocument, not_subject: bool) {
    let s = &doc.seller;
    x.open("cac:AccountingSupplierParty", &[]);
    x.open("cac:Party", &[]);
    x.open("cac:PartyName", &[]);
    x.leaf("cbc:Name", &[], s.name.trim());
    x.close();
    address(x, &s.address, &s.city, &s.postal_code);
    if !not_subject && !s.vat_number.trim().is_empty() {
        x.open("cac:PartyTaxScheme", &[]);
        x.leaf("cbc:CompanyID", &[], &s.vat_number.replace(' ', ""));
        x.open("cac:TaxScheme", &[]);
        x.leaf("cbc:ID", &[], "VAT");
        x.close();
        x.close();
    }
    x.open("cac:PartyLegalEntity", &[]);
    x.leaf("cbc:RegistrationName", &[], s.name.trim());
    x.leaf(
        "cbc:CompanyID",
        &[("schemeID", SIRET_SCHEME)],
        &terms::siret_digits(&s.siret),
    );
    x.close();
    x.close();
    x.close();
}

fn buyer(x: &mut Xml, doc: &InvoiceDocument) {
    let b = &doc.buyer;
    x.open("cac:AccountingCustomerParty", &[]);
    x.open("cac:Party", &[]);
    x.open("cac:PartyName", &[]);
    x.leaf("cbc:Name", &[], b.name.trim());
    x.close();
    address(x, &b.address, &b.city, &b.postal_code);
    x.open("cac:PartyLegalEntity", &[]);
    x.leaf("cbc:RegistrationName", &[], b.name.trim());
    x.leaf(
        "cbc:CompanyID",
        &[("schemeID", SIRET_SCHEME)],
        &terms::siret_digits(&b.siret),
    );
    x.close();
    if !b.email.trim().is_empty() {
        x.open("cac:Contact", &[]);
        x.leaf("cbc:ElectronicMail", &[], b.email.trim());
        x.close();
    }
    x.close();
    x.close();
}
