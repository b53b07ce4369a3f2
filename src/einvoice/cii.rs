//! UN/CEFACT Cross Industry Invoice D16B, EN 16931 core (CEN/TS 16931-3-3). The same XML,
//! without the embedded PDF, is the `factur-x.xml` of a Factur-X (profile EN 16931): the
//! Factur-X EN 16931 XSD is a subset of D16B, so we write only what that subset allows.

use super::amounts::{Amounts, VatGroup};
use super::terms::{self, COUNTRY, SIRET_SCHEME};
use super::ubl::item_name;
use super::xml::{Xml, amount, number};
use super::{EInvoiceError, InvoiceDocument};
use base64::Engine as _;
use chrono::NaiveDate;

const NS_RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const NS_RAM: &str =
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const NS_UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
const NS_QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// A standalone CII file: the ERP's PDF travels inside as an additional document.
    Cii,
    /// The XML of a Factur-X: the PDF is the container, nothing embedded.
    FacturX,
}

fn date_102(x: &mut Xml, tag: &'static str, inner: &'static str, d: NaiveDate) {
    x.open(tag, &[]);
    x.leaf(inner, &[("format", "102")], &d.format("%Y%m%d").to_string());
    x.close();
}

pub fn write(
    doc: &InvoiceDocument,
    amounts: &Amounts,
    issue_date: NaiveDate,
    flavour: Flavour,
) -> Result<String, EInvoiceError> {
    terms::check_parties(doc, !amounts.not_subject)?;
    let currency = terms::currency(doc);
    let mut x = Xml::new();
    x.open(
        "rsm:CrossIndustryInvoice",
        &[
            ("xmlns:rsm", NS_RSM),
            ("xmlns:ram", NS_RAM),
            ("xmlns:udt", NS_UDT),
            ("xmlns:qdt", NS_QDT),
        ],
    );
    x.open("rsm:ExchangedDocumentContext", &[]);
    x.open("ram:BusinessProcessSpecifiedDocumentContextParameter", &[]);
    x.leaf("ram:ID", &[], &terms::billing_frame(doc));
    x.close();
    x.open("ram:GuidelineSpecifiedDocumentContextParameter", &[]);
    x.leaf("ram:ID", &[], terms::EN16931);
    x.close();
    x.close();

    x.open("rsm:ExchangedDocument", &[]);
    x.leaf("ram:ID", &[], doc.invoice.number.trim());
    x.leaf("ram:TypeCode", &[], terms::type_code(doc.invoice.kind));
    date_102(
        &mut x,
        "ram:IssueDateTime",
        "udt:DateTimeString",
        issue_date,
    );
    x.close();

    x.open("rsm:SupplyChainTradeTransaction", &[]);
    for (l, src) in amounts.lines.iter().zip(&doc.lines) {
        x.open("ram:IncludedSupplyChainTradeLineItem", &[]);
        x.open("ram:AssociatedDocumentLineDocument", &[]);
        x.leaf("ram:LineID", &[], &l.line_number.to_string());
        x.close();
        x.open("ram:SpecifiedTradeProduct", &[]);
        x.leaf("ram:Name", &[], &item_name(&src.label, l.line_number));
        x.close();
        x.open("ram:SpecifiedLineTradeAgreement", &[]);
        x.open("ram:NetPriceProductTradePrice", &[]);
        x.leaf("ram:ChargeAmount", &[], &number(l.net_price));
        x.close();
        x.close();
        x.open("ram:SpecifiedLineTradeDelivery", &[]);
        x.leaf(
            "ram:BilledQuantity",
            &[("unitCode", l.unit_code)],
            &number(l.quantity),
        );
        x.close();
        x.open("ram:SpecifiedLineTradeSettlement", &[]);
        x.open("ram:ApplicableTradeTax", &[]);
        x.leaf("ram:TypeCode", &[], "VAT");
        x.leaf("ram:CategoryCode", &[], l.category.code());
        if let Some(rate) = l.rate {
            x.leaf("ram:RateApplicablePercent", &[], &number(rate));
        }
        x.close();
        for la in doc
            .line_allowances
            .iter()
            .filter(|a| a.line_number == l.line_number)
        {
            x.open("ram:SpecifiedTradeAllowanceCharge", &[]);
            x.open("ram:ChargeIndicator", &[]);
            x.leaf("udt:Indicator", &[], "false");
            x.close();
            x.leaf("ram:ActualAmount", &[], &amount(la.amount));
            x.leaf(
                "ram:Reason",
                &[],
                &terms::allowance_reason(false, &la.reason),
            );
            x.close();
        }
        x.open("ram:SpecifiedTradeSettlementLineMonetarySummation", &[]);
        x.leaf("ram:LineTotalAmount", &[], &amount(l.net_amount));
        x.close();
        x.close();
        x.close();
    }

    x.open("ram:ApplicableHeaderTradeAgreement", &[]);
    x.opt_leaf("ram:BuyerReference", &[], &doc.service_code);
    seller(&mut x, doc, amounts.not_subject);
    buyer(&mut x, doc);
    if !doc.engagement_number.trim().is_empty() {
        x.open("ram:BuyerOrderReferencedDocument", &[]);
        x.leaf("ram:IssuerAssignedID", &[], doc.engagement_number.trim());
        x.close();
    }
    if !doc.market_number.trim().is_empty() {
        x.open("ram:ContractReferencedDocument", &[]);
        x.leaf("ram:IssuerAssignedID", &[], doc.market_number.trim());
        x.close();
    }
    if flavour == Flavour::Cii
        && let Some(att) = &doc.attachment
    {
        x.open("ram:AdditionalReferencedDocument", &[]);
        x.leaf("ram:IssuerAssignedID", &[], &att.file_name);
        // 916: "related document" (BG-24, supporting document).
        x.leaf("ram:TypeCode", &[], "916");
        x.leaf("ram:Name", &[], "Facture PDF");
        let encoded = base64::engine::general_purpose::STANDARD.encode(&att.bytes);
        x.raw_leaf(
            "ram:AttachmentBinaryObject",
            &[
                ("mimeCode", att.mime.as_str()),
                ("filename", att.file_name.as_str()),
            ],
            &encoded,
        );
        x.close();
    }
    x.close();

    // BG-13 is optional and we know no delivery: the element stays, empty, as D16B wants it.
    x.open("ram:ApplicableHeaderTradeDelivery", &[]);
    x.close();

    x.open("ram:ApplicableHeaderTradeSettlement", &[]);
    x.leaf("ram:PaymentReference", &[], doc.invoice.number.trim());
    x.leaf("ram:InvoiceCurrencyCode", &[], &currency);
    if let Some(pm) = terms::payment_means(doc)? {
        x.open("ram:SpecifiedTradeSettlementPaymentMeans", &[]);
        x.leaf("ram:TypeCode", &[], pm.code);
        if !pm.iban.is_empty() {
            x.open("ram:PayeePartyCreditorFinancialAccount", &[]);
            x.leaf("ram:IBANID", &[], &pm.iban);
            x.opt_leaf("ram:AccountName", &[], &pm.holder);
            x.close();
            if !pm.bic.is_empty() {
                x.open("ram:PayeeSpecifiedCreditorFinancialInstitution", &[]);
                x.leaf("ram:BICID", &[], &pm.bic);
                x.close();
            }
        }
        x.close();
    }
    for g in &amounts.breakdown {
        header_tax(&mut x, g);
    }
    for ac in &doc.allowances_charges {
        x.open("ram:SpecifiedTradeAllowanceCharge", &[]);
        x.open("ram:ChargeIndicator", &[]);
        x.leaf(
            "udt:Indicator",
            &[],
            if ac.charge { "true" } else { "false" },
        );
        x.close();
        x.leaf("ram:ActualAmount", &[], &amount(ac.amount));
        x.leaf(
            "ram:Reason",
            &[],
            &terms::allowance_reason(ac.charge, &ac.reason),
        );
        x.open("ram:CategoryTradeTax", &[]);
        x.leaf("ram:TypeCode", &[], "VAT");
        x.leaf("ram:CategoryCode", &[], ac.vat_category.code());
        if ac.vat_category != crate::model::VatCategory::NotSubject {
            x.leaf("ram:RateApplicablePercent", &[], &number(ac.vat_rate));
        }
        x.close();
        x.close();
    }
    x.open("ram:SpecifiedTradePaymentTerms", &[]);
    x.leaf("ram:Description", &[], &terms::payment_terms_text(doc));
    if doc.invoice.kind == crate::model::InvoiceKind::Invoice
        && let Some(due) = doc.invoice.due_date
    {
        date_102(&mut x, "ram:DueDateDateTime", "udt:DateTimeString", due);
    }
    x.close();
    x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation", &[]);
    x.leaf("ram:LineTotalAmount", &[], &amount(amounts.line_total));
    if !doc.allowances_charges.is_empty() {
        x.leaf("ram:ChargeTotalAmount", &[], &amount(amounts.charge_total));
        x.leaf(
            "ram:AllowanceTotalAmount",
            &[],
            &amount(amounts.allowance_total),
        );
    }
    x.leaf(
        "ram:TaxBasisTotalAmount",
        &[],
        &amount(amounts.tax_exclusive),
    );
    x.leaf(
        "ram:TaxTotalAmount",
        &[("currencyID", currency.as_str())],
        &amount(amounts.tax_total),
    );
    x.leaf("ram:GrandTotalAmount", &[], &amount(amounts.tax_inclusive));
    x.leaf("ram:DuePayableAmount", &[], &amount(amounts.payable));
    x.close();
    if let Some((number, issued)) = &doc.preceding_invoice {
        x.open("ram:InvoiceReferencedDocument", &[]);
        x.leaf("ram:IssuerAssignedID", &[], number.trim());
        if let Some(d) = issued {
            date_102(
                &mut x,
                "ram:FormattedIssueDateTime",
                "qdt:DateTimeString",
                *d,
            );
        }
        x.close();
    }
    x.close();
    x.close();
    Ok(x.finish())
}

fn header_tax(x: &mut Xml, g: &VatGroup) {
    x.open("ram:ApplicableTradeTax", &[]);
    x.leaf("ram:CalculatedAmount", &[], &amount(g.tax));
    x.leaf("ram:TypeCode", &[], "VAT");
    if let Some(reason) = &g.exemption_reason {
        x.leaf("ram:ExemptionReason", &[], reason);
    }
    x.leaf("ram:BasisAmount", &[], &amount(g.taxable));
    x.leaf("ram:CategoryCode", &[], g.category.code());
    if let Some(code) = g.exemption_code {
        x.leaf("ram:ExemptionReasonCode", &[], code);
    }
    if let Some(rate) = g.rate {
        x.leaf("ram:RateApplicablePercent", &[], &number(rate));
    }
    x.close();
}

fn postal_address(x: &mut Xml, street: &str, city: &str, postal_code: &str) {
    x.open("ram:PostalTradeAddress", &[]);
    x.opt_leaf("ram:PostcodeCode", &[], postal_code);
    x.opt_leaf("ram:LineOne", &[], street);
    x.opt_leaf("ram:CityName", &[], city);
    x.leaf("ram:CountryID", &[], COUNTRY);
    x.close();
}

fn seller(x: &mut Xml, doc: &InvoiceDocument, not_subject: bool) {
    let s = &doc.seller;
    x.open("ram:SellerTradeParty", &[]);
    x.leaf("ram:Name", &[], s.name.trim());
    x.open("ram:SpecifiedLegalOrganization", &[]);
    x.leaf(
        "ram:ID",
        &[("schemeID", SIRET_SCHEME)],
        &terms::siret_digits(&s.siret),
    );
    x.close();
    postal_address(x, &s.address, &s.city, &s.postal_code);
    if !not_subject && !s.vat_number.trim().is_empty() {
        x.open("ram:SpecifiedTaxRegistration", &[]);
        x.leaf(
            "ram:ID",
            &[("schemeID", "VA")],
            &s.vat_number.replace(' ', ""),
        );
        x.close();
    }
    x.close();
}

fn buyer(x: &mut Xml, doc: &InvoiceDocument) {
    let b = &doc.buyer;
    x.open("ram:BuyerTradeParty", &[]);
    x.leaf("ram:Name", &[], b.name.trim());
    x.open("ram:SpecifiedLegalOrganization", &[]);
    x.leaf(
        "ram:ID",
        &[("schemeID", SIRET_SCHEME)],
        &terms::siret_digits(&b.siret),
    );
    x.close();
    if !b.email.trim().is_empty() {
        x.open("ram:DefinedTradeContact", &[]);
        x.open("ram:EmailURIUniversalCommunication", &[]);
        x.leaf("ram:URIID", &[], b.email.trim());
        x.close();
        x.close();
    }
    postal_address(x, &b.address, &b.city, &b.postal_code);
    x.close();
}
