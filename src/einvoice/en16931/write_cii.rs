//! Model → UN/CEFACT Cross Industry Invoice D16B (CEN/TS 16931-3-3), the same XML that a
//! Factur-X (profile EN 16931) embeds. Writes the model's terms as they are, in the order
//! of the D16B schema; no business decision is left here. What the syntax cannot hold is
//! documented where it is dropped (one preceding invoice only, BT-7/BT-8 inside the VAT
//! breakdown, so none without a breakdown row).

use super::model::*;
use crate::einvoice::xml::Xml;
use base64::Engine as _;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub const NS_RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
pub const NS_RAM: &str =
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
pub const NS_UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
pub const NS_QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";

/// `TypeCode` of a supporting document (BG-24).
pub const SUPPORTING_DOCUMENT: &str = "916";
/// `TypeCode` of the tender or lot reference (BT-17).
pub const TENDER: &str = "50";
/// `TypeCode` of the invoiced object reference (BT-18, BT-128).
pub const INVOICED_OBJECT: &str = "130";
/// `schemeID` of the seller's VAT identifier (BT-31, BT-48, BT-63) and of its other tax
/// registration (BT-32).
pub const VAT_SCHEME: &str = "VA";
pub const OTHER_TAX_SCHEME: &str = "FC";
/// The SEPA creditor identifier (BT-90) has its own element in CII; in the model (as in
/// UBL) it is a seller identifier with this scheme.
pub const SEPA: &str = "SEPA";
/// `SpecifiedProcuringProject/Name` is mandatory in D16B; EN 16931-3-3 fills it so.
pub const PROJECT_NAME: &str = "Project reference";

fn ymd(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

struct W {
    x: Xml,
}

impl W {
    fn text(&mut self, name: &'static str, value: &Option<Text<'_>>) {
        self.x.opt(name, &[], value.as_deref());
    }

    fn decimal(&mut self, name: &'static str, value: Option<Decimal>) {
        if let Some(v) = value {
            self.x.leaf(name, &[], &v.to_string());
        }
    }

    fn date(&mut self, tag: &'static str, inner: &'static str, value: Option<NaiveDate>) {
        if let Some(d) = value {
            self.x.open(tag, &[]);
            self.x.leaf(inner, &[("format", "102")], &ymd(d));
            self.x.close();
        }
    }

    fn id(&mut self, name: &'static str, id: &Identifier) {
        match &id.scheme {
            Some(s) => self.x.leaf(name, &[("schemeID", s.as_ref())], &id.value),
            None => self.x.leaf(name, &[], &id.value),
        }
    }

    fn issuer_ref(&mut self, tag: &'static str, value: &Option<Text<'_>>) {
        if let Some(v) = value {
            self.x.open(tag, &[]);
            self.x.leaf("ram:IssuerAssignedID", &[], v);
            self.x.close();
        }
    }

    fn indicator(&mut self, charge: bool) {
        self.x.open("ram:ChargeIndicator", &[]);
        self.x
            .leaf("udt:Indicator", &[], if charge { "true" } else { "false" });
        self.x.close();
    }

    fn period(&mut self, p: &Period) {
        self.x.open("ram:BillingSpecifiedPeriod", &[]);
        self.date("ram:StartDateTime", "udt:DateTimeString", p.start);
        self.date("ram:EndDateTime", "udt:DateTimeString", p.end);
        self.x.close();
    }

    fn vat(&mut self, tag: &'static str, vat: &VatCategory) {
        self.x.open(tag, &[]);
        self.x.leaf("ram:TypeCode", &[], "VAT");
        self.text("ram:CategoryCode", &vat.code);
        self.decimal("ram:RateApplicablePercent", vat.rate);
        self.x.close();
    }
}

pub fn write(inv: &Invoice<'_>) -> String {
    let mut w = W { x: Xml::new() };
    w.x.open(
        "rsm:CrossIndustryInvoice",
        &[
            ("xmlns:rsm", NS_RSM),
            ("xmlns:ram", NS_RAM),
            ("xmlns:udt", NS_UDT),
            ("xmlns:qdt", NS_QDT),
        ],
    );
    w.x.open("rsm:ExchangedDocumentContext", &[]);
    if let Some(p) = &inv.process {
        w.x.open("ram:BusinessProcessSpecifiedDocumentContextParameter", &[]);
        w.x.leaf("ram:ID", &[], p);
        w.x.close();
    }
    if let Some(s) = &inv.specification {
        w.x.open("ram:GuidelineSpecifiedDocumentContextParameter", &[]);
        w.x.leaf("ram:ID", &[], s);
        w.x.close();
    }
    w.x.close();

    w.x.open("rsm:ExchangedDocument", &[]);
    w.text("ram:ID", &inv.number);
    w.text("ram:TypeCode", &inv.type_code);
    w.date("ram:IssueDateTime", "udt:DateTimeString", inv.issue_date);
    for note in &inv.notes {
        w.x.open("ram:IncludedNote", &[]);
        w.x.leaf("ram:Content", &[], &note.text);
        w.text("ram:SubjectCode", &note.subject_code);
        w.x.close();
    }
    w.x.close();

    w.x.open("rsm:SupplyChainTradeTransaction", &[]);
    for line in &inv.lines {
        line_item(&mut w, line);
    }
    agreement(&mut w, inv);
    w.x.open("ram:ApplicableHeaderTradeDelivery", &[]);
    if let Some(d) = &inv.delivery {
        if d.location.is_some() || d.party_name.is_some() || d.address.is_some() {
            w.x.open("ram:ShipToTradeParty", &[]);
            if let Some(id) = &d.location {
                let tag = if id.scheme.is_some() {
                    "ram:GlobalID"
                } else {
                    "ram:ID"
                };
                w.id(tag, id);
            }
            w.text("ram:Name", &d.party_name);
            if let Some(a) = &d.address {
                address(&mut w, a);
            }
            w.x.close();
        }
        if let Some(date) = d.actual_date {
            w.x.open("ram:ActualDeliverySupplyChainEvent", &[]);
            w.date("ram:OccurrenceDateTime", "udt:DateTimeString", Some(date));
            w.x.close();
        }
    }
    w.issuer_ref(
        "ram:DespatchAdviceReferencedDocument",
        &inv.despatch_advice_reference,
    );
    w.issuer_ref(
        "ram:ReceivingAdviceReferencedDocument",
        &inv.receiving_advice_reference,
    );
    w.x.close();
    settlement(&mut w, inv);
    w.x.close();
    w.x.close();
    w.x.finish()
}

fn line_item(w: &mut W, l: &Line) {
    w.x.open("ram:IncludedSupplyChainTradeLineItem", &[]);
    w.x.open("ram:AssociatedDocumentLineDocument", &[]);
    w.text("ram:LineID", &l.id);
    if let Some(note) = &l.note {
        w.x.open("ram:IncludedNote", &[]);
        w.x.leaf("ram:Content", &[], note);
        w.x.close();
    }
    w.x.close();

    w.x.open("ram:SpecifiedTradeProduct", &[]);
    if let Some(id) = &l.standard_item_id {
        w.id("ram:GlobalID", id);
    }
    w.text("ram:SellerAssignedID", &l.seller_item_id);
    w.text("ram:BuyerAssignedID", &l.buyer_item_id);
    w.text("ram:Name", &l.item_name);
    w.text("ram:Description", &l.item_description);
    for a in &l.attributes {
        w.x.open("ram:ApplicableProductCharacteristic", &[]);
        w.text("ram:Description", &a.name);
        w.text("ram:Value", &a.value);
        w.x.close();
    }
    for c in &l.classifications {
        w.x.open("ram:DesignatedProductClassification", &[]);
        let mut attrs = Vec::with_capacity(2);
        if let Some(list) = &c.list {
            attrs.push(("listID", list.as_ref()));
        }
        if let Some(v) = &c.list_version {
            attrs.push(("listVersionID", v.as_ref()));
        }
        w.x.leaf("ram:ClassCode", &attrs, &c.code);
        w.x.close();
    }
    if let Some(c) = &l.origin_country {
        w.x.open("ram:OriginTradeCountry", &[]);
        w.x.leaf("ram:ID", &[], c);
        w.x.close();
    }
    w.x.close();

    w.x.open("ram:SpecifiedLineTradeAgreement", &[]);
    if let Some(r) = &l.order_line_reference {
        w.x.open("ram:BuyerOrderReferencedDocument", &[]);
        w.x.leaf("ram:LineID", &[], r);
        w.x.close();
    }
    if l.gross_price.is_some() || l.price_discount.is_some() {
        w.x.open("ram:GrossPriceProductTradePrice", &[]);
        w.decimal("ram:ChargeAmount", l.gross_price);
        if let Some(d) = l.price_discount {
            w.x.open("ram:AppliedTradeAllowanceCharge", &[]);
            w.indicator(false);
            w.x.leaf("ram:ActualAmount", &[], &d.to_string());
            w.x.close();
        }
        w.x.close();
    }
    if l.net_price.is_some() || l.base_quantity.is_some() {
        w.x.open("ram:NetPriceProductTradePrice", &[]);
        w.decimal("ram:ChargeAmount", l.net_price);
        if let Some(q) = l.base_quantity {
            match &l.base_quantity_unit {
                Some(u) => w.x.leaf(
                    "ram:BasisQuantity",
                    &[("unitCode", u.as_ref())],
                    &q.to_string(),
                ),
                None => w.x.leaf("ram:BasisQuantity", &[], &q.to_string()),
            }
        }
        w.x.close();
    }
    w.x.close();

    w.x.open("ram:SpecifiedLineTradeDelivery", &[]);
    // A unit without quantity cannot be written: BR-22 and BR-23 say so.
    if let Some(q) = l.quantity {
        let q = q.to_string();
        match &l.unit_code {
            Some(u) => {
                w.x.leaf("ram:BilledQuantity", &[("unitCode", u.as_ref())], &q)
            }
            None => w.x.leaf("ram:BilledQuantity", &[], &q),
        }
    }
    w.x.close();

    w.x.open("ram:SpecifiedLineTradeSettlement", &[]);
    if let Some(vat) = &l.vat {
        w.vat("ram:ApplicableTradeTax", vat);
    }
    if let Some(p) = &l.period {
        w.period(p);
    }
    for ac in &l.allowances_charges {
        allowance_charge(w, ac, false);
    }
    w.x.open("ram:SpecifiedTradeSettlementLineMonetarySummation", &[]);
    w.decimal("ram:LineTotalAmount", l.net_amount);
    w.x.close();
    if let Some(o) = &l.object {
        w.x.open("ram:AdditionalReferencedDocument", &[]);
        w.x.leaf("ram:IssuerAssignedID", &[], &o.value);
        w.x.leaf("ram:TypeCode", &[], INVOICED_OBJECT);
        w.text("ram:ReferenceTypeCode", &o.scheme);
        w.x.close();
    }
    if let Some(a) = &l.accounting_reference {
        w.x.open("ram:ReceivableSpecifiedTradeAccountingAccount", &[]);
        w.x.leaf("ram:ID", &[], a);
        w.x.close();
    }
    w.x.close();
    w.x.close();
}

fn address(w: &mut W, a: &Address) {
    w.x.open("ram:PostalTradeAddress", &[]);
    w.text("ram:PostcodeCode", &a.postal_code);
    w.text("ram:LineOne", &a.line1);
    w.text("ram:LineTwo", &a.line2);
    w.text("ram:LineThree", &a.line3);
    w.text("ram:CityName", &a.city);
    w.text("ram:CountryID", &a.country);
    w.text("ram:CountrySubDivisionName", &a.subdivision);
    w.x.close();
}

/// BT-29 / BT-46 / BT-60: without scheme as `ID`, with one as `GlobalID` (the SEPA creditor
/// identifier is not a party identifier in CII: see [`SEPA`]).
fn identifiers(w: &mut W, ids: &[Identifier]) {
    for id in ids.iter().filter(|i| i.scheme.is_none()) {
        w.x.leaf("ram:ID", &[], &id.value);
    }
    for id in ids
        .iter()
        .filter(|i| i.scheme.as_deref().is_some_and(|s| s != SEPA))
    {
        w.id("ram:GlobalID", id);
    }
}

fn legal_organization(w: &mut W, id: &Option<Identifier>, trading_name: &Option<Text<'_>>) {
    if id.is_some() || trading_name.is_some() {
        w.x.open("ram:SpecifiedLegalOrganization", &[]);
        if let Some(id) = id {
            w.id("ram:ID", id);
        }
        w.text("ram:TradingBusinessName", trading_name);
        w.x.close();
    }
}

fn contact(w: &mut W, c: &Option<Contact>) {
    if let Some(c) = c {
        w.x.open("ram:DefinedTradeContact", &[]);
        w.text("ram:PersonName", &c.name);
        if let Some(t) = &c.telephone {
            w.x.open("ram:TelephoneUniversalCommunication", &[]);
            w.x.leaf("ram:CompleteNumber", &[], t);
            w.x.close();
        }
        if let Some(e) = &c.email {
            w.x.open("ram:EmailURIUniversalCommunication", &[]);
            w.x.leaf("ram:URIID", &[], e);
            w.x.close();
        }
        w.x.close();
    }
}

fn electronic_address(w: &mut W, e: &Option<Identifier>) {
    if let Some(e) = e {
        w.x.open("ram:URIUniversalCommunication", &[]);
        w.id("ram:URIID", e);
        w.x.close();
    }
}

fn tax_registration(w: &mut W, value: &Option<Text<'_>>, scheme: &str) {
    if let Some(v) = value {
        w.x.open("ram:SpecifiedTaxRegistration", &[]);
        w.x.leaf("ram:ID", &[("schemeID", scheme)], v);
        w.x.close();
    }
}

fn agreement(w: &mut W, inv: &Invoice<'_>) {
    w.x.open("ram:ApplicableHeaderTradeAgreement", &[]);
    w.text("ram:BuyerReference", &inv.buyer_reference);
    let s = &inv.seller;
    w.x.open("ram:SellerTradeParty", &[]);
    identifiers(w, &s.identifiers);
    w.text("ram:Name", &s.name);
    w.text("ram:Description", &s.additional_legal_info);
    legal_organization(w, &s.legal_registration, &s.trading_name);
    contact(w, &s.contact);
    if let Some(a) = &s.address {
        address(w, a);
    }
    electronic_address(w, &s.electronic_address);
    tax_registration(w, &s.vat_identifier, VAT_SCHEME);
    tax_registration(w, &s.tax_registration, OTHER_TAX_SCHEME);
    w.x.close();

    let b = &inv.buyer;
    w.x.open("ram:BuyerTradeParty", &[]);
    identifiers(w, &b.identifiers);
    w.text("ram:Name", &b.name);
    legal_organization(w, &b.legal_registration, &b.trading_name);
    contact(w, &b.contact);
    if let Some(a) = &b.address {
        address(w, a);
    }
    electronic_address(w, &b.electronic_address);
    tax_registration(w, &b.vat_identifier, VAT_SCHEME);
    w.x.close();

    if let Some(t) = &inv.tax_representative {
        w.x.open("ram:SellerTaxRepresentativeTradeParty", &[]);
        w.text("ram:Name", &t.name);
        if let Some(a) = &t.address {
            address(w, a);
        }
        tax_registration(w, &t.vat_identifier, VAT_SCHEME);
        w.x.close();
    }
    w.issuer_ref(
        "ram:SellerOrderReferencedDocument",
        &inv.sales_order_reference,
    );
    w.issuer_ref(
        "ram:BuyerOrderReferencedDocument",
        &inv.purchase_order_reference,
    );
    w.issuer_ref("ram:ContractReferencedDocument", &inv.contract_reference);
    for d in &inv.supporting_documents {
        w.x.open("ram:AdditionalReferencedDocument", &[]);
        w.text("ram:IssuerAssignedID", &d.reference);
        w.text("ram:URIID", &d.uri);
        w.x.leaf("ram:TypeCode", &[], SUPPORTING_DOCUMENT);
        w.text("ram:Name", &d.description);
        if let Some(bin) = &d.attachment {
            let mut attrs = Vec::with_capacity(2);
            if let Some(m) = &bin.mime_code {
                attrs.push(("mimeCode", m.as_ref()));
            }
            if let Some(f) = &bin.filename {
                attrs.push(("filename", f.as_ref()));
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bin.content);
            w.x.raw_leaf("ram:AttachmentBinaryObject", &attrs, &encoded);
        }
        w.x.close();
    }
    if let Some(t) = &inv.tender_reference {
        w.x.open("ram:AdditionalReferencedDocument", &[]);
        w.x.leaf("ram:IssuerAssignedID", &[], t);
        w.x.leaf("ram:TypeCode", &[], TENDER);
        w.x.close();
    }
    if let Some(o) = &inv.invoiced_object {
        w.x.open("ram:AdditionalReferencedDocument", &[]);
        w.x.leaf("ram:IssuerAssignedID", &[], &o.value);
        w.x.leaf("ram:TypeCode", &[], INVOICED_OBJECT);
        w.text("ram:ReferenceTypeCode", &o.scheme);
        w.x.close();
    }
    if let Some(p) = &inv.project_reference {
        w.x.open("ram:SpecifiedProcuringProject", &[]);
        w.x.leaf("ram:ID", &[], p);
        w.x.leaf("ram:Name", &[], PROJECT_NAME);
        w.x.close();
    }
    w.x.close();
}

fn allowance_charge(w: &mut W, ac: &AllowanceCharge, document_level: bool) {
    w.x.open("ram:SpecifiedTradeAllowanceCharge", &[]);
    w.indicator(ac.charge);
    w.decimal("ram:CalculationPercent", ac.percentage);
    w.decimal("ram:BasisAmount", ac.base_amount);
    w.decimal("ram:ActualAmount", ac.amount);
    w.text("ram:ReasonCode", &ac.reason_code);
    w.text("ram:Reason", &ac.reason);
    if document_level && let Some(vat) = &ac.vat {
        w.vat("ram:CategoryTradeTax", vat);
    }
    w.x.close();
}

fn settlement(w: &mut W, inv: &Invoice<'_>) {
    w.x.open("ram:ApplicableHeaderTradeSettlement", &[]);
    for id in inv
        .seller
        .identifiers
        .iter()
        .filter(|i| i.scheme.as_deref() == Some(SEPA))
        .take(1)
    {
        w.x.leaf("ram:CreditorReferenceID", &[], &id.value);
    }
    w.text("ram:PaymentReference", &inv.remittance_information);
    w.text("ram:TaxCurrencyCode", &inv.tax_currency);
    w.text("ram:InvoiceCurrencyCode", &inv.currency);
    if let Some(p) = &inv.payee {
        w.x.open("ram:PayeeTradeParty", &[]);
        identifiers(w, &p.identifiers);
        w.text("ram:Name", &p.name);
        legal_organization(w, &p.legal_registration, &None);
        w.x.close();
    }
    for pm in &inv.payment_means {
        w.x.open("ram:SpecifiedTradeSettlementPaymentMeans", &[]);
        w.text("ram:TypeCode", &pm.code);
        w.text("ram:Information", &pm.text);
        if let Some(card) = &pm.card {
            w.x.open("ram:ApplicableTradeSettlementFinancialCard", &[]);
            w.text("ram:ID", &card.primary_account_number);
            w.text("ram:CardholderName", &card.holder_name);
            w.x.close();
        }
        if let Some(ct) = &pm.credit_transfer {
            if ct.account_id.is_some() || ct.account_name.is_some() {
                w.x.open("ram:PayeePartyCreditorFinancialAccount", &[]);
                w.text("ram:IBANID", &ct.account_id);
                w.text("ram:AccountName", &ct.account_name);
                w.x.close();
            }
            if let Some(bic) = &ct.provider_id {
                w.x.open("ram:PayeeSpecifiedCreditorFinancialInstitution", &[]);
                w.x.leaf("ram:BICID", &[], bic);
                w.x.close();
            }
        }
        w.x.close();
    }
    for (i, b) in inv.vat_breakdown.iter().enumerate() {
        w.x.open("ram:ApplicableTradeTax", &[]);
        w.decimal("ram:CalculatedAmount", b.tax);
        w.x.leaf("ram:TypeCode", &[], "VAT");
        w.text("ram:ExemptionReason", &b.exemption_reason);
        w.decimal("ram:BasisAmount", b.taxable);
        w.text("ram:CategoryCode", &b.category.code);
        w.text("ram:ExemptionReasonCode", &b.exemption_code);
        // BT-7 once (CII-SR-461), in the first row; BT-8 in every row (CII-SR-462 wants
        // them equal).
        if i == 0
            && let Some(d) = inv.tax_point_date
        {
            w.x.open("ram:TaxPointDate", &[]);
            w.x.leaf("udt:DateString", &[("format", "102")], &ymd(d));
            w.x.close();
        }
        w.text("ram:DueDateTypeCode", &inv.tax_point_date_code);
        w.decimal("ram:RateApplicablePercent", b.category.rate);
        w.x.close();
    }
    if let Some(p) = &inv.invoicing_period {
        w.period(p);
    }
    for ac in &inv.allowances_charges {
        allowance_charge(w, ac, true);
    }
    if inv.payment_terms.is_some() || inv.due_date.is_some() || inv.mandate_reference.is_some() {
        w.x.open("ram:SpecifiedTradePaymentTerms", &[]);
        w.text("ram:Description", &inv.payment_terms);
        w.date("ram:DueDateDateTime", "udt:DateTimeString", inv.due_date);
        w.text("ram:DirectDebitMandateID", &inv.mandate_reference);
        w.x.close();
    }
    let t = &inv.totals;
    w.x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation", &[]);
    w.decimal("ram:LineTotalAmount", t.line_net);
    w.decimal("ram:ChargeTotalAmount", t.charges);
    w.decimal("ram:AllowanceTotalAmount", t.allowances);
    w.decimal("ram:TaxBasisTotalAmount", t.without_vat);
    for (value, currency) in [
        (t.vat, &inv.currency),
        (t.vat_accounting, &inv.tax_currency),
    ] {
        if let Some(v) = value {
            match currency {
                Some(c) => w.x.leaf(
                    "ram:TaxTotalAmount",
                    &[("currencyID", c.as_ref())],
                    &v.to_string(),
                ),
                None => w.x.leaf("ram:TaxTotalAmount", &[], &v.to_string()),
            }
        }
    }
    w.decimal("ram:RoundingAmount", t.rounding);
    w.decimal("ram:GrandTotalAmount", t.with_vat);
    w.decimal("ram:TotalPrepaidAmount", t.prepaid);
    w.decimal("ram:DuePayableAmount", t.payable);
    w.x.close();
    // D16B holds one preceding invoice reference: the others cannot be written.
    if let Some(p) = inv.preceding_invoices.first() {
        w.x.open("ram:InvoiceReferencedDocument", &[]);
        w.text("ram:IssuerAssignedID", &p.reference);
        w.date(
            "ram:FormattedIssueDateTime",
            "qdt:DateTimeString",
            p.issue_date,
        );
        w.x.close();
    }
    if let Some(a) = &inv.buyer_accounting_reference {
        w.x.open("ram:ReceivableSpecifiedTradeAccountingAccount", &[]);
        w.x.leaf("ram:ID", &[], a);
        w.x.close();
    }
    w.x.close();
}
