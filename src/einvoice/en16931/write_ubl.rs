//! Model → UBL 2.1 Invoice or CreditNote (CEN/TS 16931-3-2). Writes the model's terms as
//! they are, in the order the UBL 2.1 schemas want; no business decision is left here.
//! Every amount carries the invoice currency (BT-5), except BT-111 which carries BT-6.

use super::model::*;
use crate::einvoice::xml::Xml;
use base64::Engine as _;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub const NS_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub const NS_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
pub const NS_CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
pub const NS_CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// `DocumentTypeCode` of the invoiced object reference (BT-18, BT-128).
pub const INVOICED_OBJECT: &str = "130";
/// `DocumentTypeCode` of the project reference in a credit note (BT-11).
pub const PROJECT: &str = "50";
/// The `TaxScheme` of the seller's tax registration other than VAT (BT-32): any scheme but
/// `VAT` marks it.
pub const OTHER_TAX_SCHEME: &str = "LOC";
/// `OrderReference/ID` is mandatory in UBL: with a sales order reference (BT-14) but no
/// purchase order reference (BT-13), EN 16931-3-2 writes `NA`.
pub const NO_ORDER: &str = "NA";

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

struct W<'x> {
    x: Xml,
    currency: &'x str,
}

impl W<'_> {
    fn amount(&mut self, name: &'static str, value: Option<Decimal>) {
        if let Some(v) = value {
            let cur = [("currencyID", self.currency)];
            self.x.leaf(name, &cur, &v.to_string());
        }
    }

    fn text(&mut self, name: &'static str, value: &Option<Text<'_>>) {
        self.x.opt(name, &[], value.as_deref());
    }

    fn decimal(&mut self, name: &'static str, value: Option<Decimal>) {
        if let Some(v) = value {
            self.x.leaf(name, &[], &v.to_string());
        }
    }

    fn date(&mut self, name: &'static str, value: Option<NaiveDate>) {
        if let Some(d) = value {
            self.x.leaf(name, &[], &date(d));
        }
    }

    fn id(&mut self, name: &'static str, id: &Identifier) {
        match &id.scheme {
            Some(s) => self.x.leaf(name, &[("schemeID", s)], &id.value),
            None => self.x.leaf(name, &[], &id.value),
        }
    }

    fn simple_ref(&mut self, outer: &'static str, value: &Option<Text<'_>>) {
        if let Some(v) = value {
            self.x.open(outer, &[]);
            self.x.leaf("cbc:ID", &[], v);
            self.x.close();
        }
    }

    fn typed_ref(&mut self, id: &Identifier, type_code: &str) {
        self.x.open("cac:AdditionalDocumentReference", &[]);
        self.id("cbc:ID", id);
        self.x.leaf("cbc:DocumentTypeCode", &[], type_code);
        self.x.close();
    }
}

pub fn write(inv: &Invoice<'_>) -> String {
    let currency = inv.currency.as_deref().unwrap_or("");
    let mut w = W {
        x: Xml::new(),
        currency,
    };
    let cn = inv.credit_note;
    let (root, ns) = if cn {
        ("CreditNote", NS_CREDIT_NOTE)
    } else {
        ("Invoice", NS_INVOICE)
    };
    w.x.open(
        root,
        &[("xmlns", ns), ("xmlns:cac", NS_CAC), ("xmlns:cbc", NS_CBC)],
    );
    w.text("cbc:CustomizationID", &inv.specification);
    w.text("cbc:ProfileID", &inv.process);
    w.text("cbc:ID", &inv.number);
    w.date("cbc:IssueDate", inv.issue_date);
    if cn {
        w.date("cbc:TaxPointDate", inv.tax_point_date);
        w.text("cbc:CreditNoteTypeCode", &inv.type_code);
    } else {
        w.date("cbc:DueDate", inv.due_date);
        w.text("cbc:InvoiceTypeCode", &inv.type_code);
    }
    for note in &inv.notes {
        let text = match &note.subject_code {
            Some(code) => format!("#{code}#{}", note.text),
            None => note.text.to_string(),
        };
        w.x.leaf("cbc:Note", &[], &text);
    }
    if !cn {
        w.date("cbc:TaxPointDate", inv.tax_point_date);
    }
    w.text("cbc:DocumentCurrencyCode", &inv.currency);
    w.text("cbc:TaxCurrencyCode", &inv.tax_currency);
    w.text("cbc:AccountingCost", &inv.buyer_accounting_reference);
    w.text("cbc:BuyerReference", &inv.buyer_reference);
    if inv.invoicing_period.is_some() || inv.tax_point_date_code.is_some() {
        let period = inv.invoicing_period.clone().unwrap_or_default();
        w.x.open("cac:InvoicePeriod", &[]);
        w.date("cbc:StartDate", period.start);
        w.date("cbc:EndDate", period.end);
        w.text("cbc:DescriptionCode", &inv.tax_point_date_code);
        w.x.close();
    }
    if inv.purchase_order_reference.is_some() || inv.sales_order_reference.is_some() {
        w.x.open("cac:OrderReference", &[]);
        let id = inv.purchase_order_reference.as_deref().unwrap_or(NO_ORDER);
        w.x.leaf("cbc:ID", &[], id);
        w.text("cbc:SalesOrderID", &inv.sales_order_reference);
        w.x.close();
    }
    for p in &inv.preceding_invoices {
        w.x.open("cac:BillingReference", &[]);
        w.x.open("cac:InvoiceDocumentReference", &[]);
        w.text("cbc:ID", &p.reference);
        w.date("cbc:IssueDate", p.issue_date);
        w.x.close();
        w.x.close();
    }
    w.simple_ref(
        "cac:DespatchDocumentReference",
        &inv.despatch_advice_reference,
    );
    w.simple_ref(
        "cac:ReceiptDocumentReference",
        &inv.receiving_advice_reference,
    );
    if !cn {
        w.simple_ref("cac:OriginatorDocumentReference", &inv.tender_reference);
    }
    w.simple_ref("cac:ContractDocumentReference", &inv.contract_reference);
    if let Some(object) = &inv.invoiced_object {
        w.typed_ref(object, INVOICED_OBJECT);
    }
    if cn && let Some(project) = &inv.project_reference {
        w.typed_ref(&Identifier::new(project.clone(), None), PROJECT);
    }
    for d in &inv.supporting_documents {
        supporting_document(&mut w, d);
    }
    if cn {
        w.simple_ref("cac:OriginatorDocumentReference", &inv.tender_reference);
    } else {
        w.simple_ref("cac:ProjectReference", &inv.project_reference);
    }
    seller(&mut w, &inv.seller);
    buyer(&mut w, &inv.buyer);
    if let Some(p) = &inv.payee {
        payee(&mut w, p);
    }
    if let Some(t) = &inv.tax_representative {
        tax_representative(&mut w, t);
    }
    if let Some(d) = &inv.delivery {
        delivery(&mut w, d);
    }
    for pm in &inv.payment_means {
        payment_means(&mut w, pm, inv);
    }
    if let Some(terms) = &inv.payment_terms {
        w.x.open("cac:PaymentTerms", &[]);
        w.x.leaf("cbc:Note", &[], terms);
        w.x.close();
    }
    for ac in &inv.allowances_charges {
        allowance_charge(&mut w, ac, true);
    }
    if inv.totals.vat.is_some() || !inv.vat_breakdown.is_empty() {
        w.x.open("cac:TaxTotal", &[]);
        w.amount("cbc:TaxAmount", inv.totals.vat);
        for b in &inv.vat_breakdown {
            w.x.open("cac:TaxSubtotal", &[]);
            w.amount("cbc:TaxableAmount", b.taxable);
            w.amount("cbc:TaxAmount", b.tax);
            w.x.open("cac:TaxCategory", &[]);
            w.text("cbc:ID", &b.category.code);
            w.decimal("cbc:Percent", b.category.rate);
            w.text("cbc:TaxExemptionReasonCode", &b.exemption_code);
            w.text("cbc:TaxExemptionReason", &b.exemption_reason);
            vat_scheme(&mut w);
            w.x.close();
            w.x.close();
        }
        w.x.close();
    }
    if let Some(v) = inv.totals.vat_accounting {
        let cur = inv.tax_currency.as_deref().unwrap_or("");
        w.x.open("cac:TaxTotal", &[]);
        w.x.leaf("cbc:TaxAmount", &[("currencyID", cur)], &v.to_string());
        w.x.close();
    }
    let t = &inv.totals;
    w.x.open("cac:LegalMonetaryTotal", &[]);
    w.amount("cbc:LineExtensionAmount", t.line_net);
    w.amount("cbc:TaxExclusiveAmount", t.without_vat);
    w.amount("cbc:TaxInclusiveAmount", t.with_vat);
    w.amount("cbc:AllowanceTotalAmount", t.allowances);
    w.amount("cbc:ChargeTotalAmount", t.charges);
    w.amount("cbc:PrepaidAmount", t.prepaid);
    w.amount("cbc:PayableRoundingAmount", t.rounding);
    w.amount("cbc:PayableAmount", t.payable);
    w.x.close();
    for line in &inv.lines {
        invoice_line(&mut w, line, cn);
    }
    w.x.finish()
}

fn vat_scheme(w: &mut W<'_>) {
    w.x.open("cac:TaxScheme", &[]);
    w.x.leaf("cbc:ID", &[], "VAT");
    w.x.close();
}

fn supporting_document(w: &mut W<'_>, d: &SupportingDocument<'_>) {
    w.x.open("cac:AdditionalDocumentReference", &[]);
    w.text("cbc:ID", &d.reference);
    w.text("cbc:DocumentDescription", &d.description);
    if d.attachment.is_some() || d.uri.is_some() {
        w.x.open("cac:Attachment", &[]);
        if let Some(b) = &d.attachment {
            let mut attrs = Vec::with_capacity(2);
            if let Some(m) = &b.mime_code {
                attrs.push(("mimeCode", m.as_ref()));
            }
            if let Some(f) = &b.filename {
                attrs.push(("filename", f.as_ref()));
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(&b.content);
            w.x.raw_leaf("cbc:EmbeddedDocumentBinaryObject", &attrs, &encoded);
        }
        if let Some(uri) = &d.uri {
            w.x.open("cac:ExternalReference", &[]);
            w.x.leaf("cbc:URI", &[], uri);
            w.x.close();
        }
        w.x.close();
    }
    w.x.close();
}

fn address(w: &mut W<'_>, tag: &'static str, a: &Address) {
    w.x.open(tag, &[]);
    w.text("cbc:StreetName", &a.line1);
    w.text("cbc:AdditionalStreetName", &a.line2);
    w.text("cbc:CityName", &a.city);
    w.text("cbc:PostalZone", &a.postal_code);
    w.text("cbc:CountrySubentity", &a.subdivision);
    if let Some(line) = &a.line3 {
        w.x.open("cac:AddressLine", &[]);
        w.x.leaf("cbc:Line", &[], line);
        w.x.close();
    }
    if let Some(country) = &a.country {
        w.x.open("cac:Country", &[]);
        w.x.leaf("cbc:IdentificationCode", &[], country);
        w.x.close();
    }
    w.x.close();
}

fn party_identifications(w: &mut W<'_>, ids: &[Identifier]) {
    for id in ids {
        w.x.open("cac:PartyIdentification", &[]);
        w.id("cbc:ID", id);
        w.x.close();
    }
}

fn party_name(w: &mut W<'_>, name: &Option<Text<'_>>) {
    if let Some(n) = name {
        w.x.open("cac:PartyName", &[]);
        w.x.leaf("cbc:Name", &[], n);
        w.x.close();
    }
}

fn tax_scheme(w: &mut W<'_>, company_id: &str, scheme: &str) {
    w.x.open("cac:PartyTaxScheme", &[]);
    w.x.leaf("cbc:CompanyID", &[], company_id);
    w.x.open("cac:TaxScheme", &[]);
    w.x.leaf("cbc:ID", &[], scheme);
    w.x.close();
    w.x.close();
}

fn legal_entity(
    w: &mut W<'_>,
    name: &Option<Text<'_>>,
    id: &Option<Identifier>,
    form: &Option<Text<'_>>,
) {
    if name.is_some() || id.is_some() || form.is_some() {
        w.x.open("cac:PartyLegalEntity", &[]);
        w.text("cbc:RegistrationName", name);
        if let Some(id) = id {
            w.id("cbc:CompanyID", id);
        }
        w.text("cbc:CompanyLegalForm", form);
        w.x.close();
    }
}

fn contact(w: &mut W<'_>, c: &Option<Contact>) {
    if let Some(c) = c {
        w.x.open("cac:Contact", &[]);
        w.text("cbc:Name", &c.name);
        w.text("cbc:Telephone", &c.telephone);
        w.text("cbc:ElectronicMail", &c.email);
        w.x.close();
    }
}

fn seller(w: &mut W<'_>, s: &Seller) {
    w.x.open("cac:AccountingSupplierParty", &[]);
    w.x.open("cac:Party", &[]);
    if let Some(e) = &s.electronic_address {
        w.id("cbc:EndpointID", e);
    }
    party_identifications(w, &s.identifiers);
    party_name(w, &s.trading_name);
    if let Some(a) = &s.address {
        address(w, "cac:PostalAddress", a);
    }
    if let Some(v) = &s.vat_identifier {
        tax_scheme(w, v, "VAT");
    }
    if let Some(v) = &s.tax_registration {
        tax_scheme(w, v, OTHER_TAX_SCHEME);
    }
    legal_entity(w, &s.name, &s.legal_registration, &s.additional_legal_info);
    contact(w, &s.contact);
    w.x.close();
    w.x.close();
}

fn buyer(w: &mut W<'_>, b: &Buyer) {
    w.x.open("cac:AccountingCustomerParty", &[]);
    w.x.open("cac:Party", &[]);
    if let Some(e) = &b.electronic_address {
        w.id("cbc:EndpointID", e);
    }
    party_identifications(w, &b.identifiers);
    party_name(w, &b.trading_name);
    if let Some(a) = &b.address {
        address(w, "cac:PostalAddress", a);
    }
    if let Some(v) = &b.vat_identifier {
        tax_scheme(w, v, "VAT");
    }
    legal_entity(w, &b.name, &b.legal_registration, &None);
    contact(w, &b.contact);
    w.x.close();
    w.x.close();
}

fn payee(w: &mut W<'_>, p: &Payee) {
    w.x.open("cac:PayeeParty", &[]);
    party_identifications(w, &p.identifiers);
    party_name(w, &p.name);
    legal_entity(w, &None, &p.legal_registration, &None);
    w.x.close();
}

fn tax_representative(w: &mut W<'_>, t: &TaxRepresentative) {
    w.x.open("cac:TaxRepresentativeParty", &[]);
    party_name(w, &t.name);
    if let Some(a) = &t.address {
        address(w, "cac:PostalAddress", a);
    }
    if let Some(v) = &t.vat_identifier {
        tax_scheme(w, v, "VAT");
    }
    w.x.close();
}

fn delivery(w: &mut W<'_>, d: &Delivery) {
    w.x.open("cac:Delivery", &[]);
    w.date("cbc:ActualDeliveryDate", d.actual_date);
    if d.location.is_some() || d.address.is_some() {
        w.x.open("cac:DeliveryLocation", &[]);
        if let Some(id) = &d.location {
            w.id("cbc:ID", id);
        }
        if let Some(a) = &d.address {
            address(w, "cac:Address", a);
        }
        w.x.close();
    }
    if let Some(name) = &d.party_name {
        w.x.open("cac:DeliveryParty", &[]);
        party_name(w, &Some(name.clone()));
        w.x.close();
    }
    w.x.close();
}

fn payment_means(w: &mut W<'_>, pm: &PaymentMeans, inv: &Invoice<'_>) {
    w.x.open("cac:PaymentMeans", &[]);
    let code = pm.code.as_deref().unwrap_or("");
    match &pm.text {
        Some(t) => w.x.leaf("cbc:PaymentMeansCode", &[("name", t)], code),
        None => w.x.leaf("cbc:PaymentMeansCode", &[], code),
    }
    if inv.credit_note {
        // UBL 2.1 credit notes have no root DueDate: BT-9 goes with the payment means.
        w.date("cbc:PaymentDueDate", inv.due_date);
    }
    w.text("cbc:PaymentID", &inv.remittance_information);
    if let Some(card) = &pm.card {
        w.x.open("cac:CardAccount", &[]);
        w.x.leaf(
            "cbc:PrimaryAccountNumberID",
            &[],
            card.primary_account_number.as_deref().unwrap_or(""),
        );
        // Mandatory in UBL, no business term: the card network is not known.
        w.x.leaf("cbc:NetworkID", &[], "NA");
        w.text("cbc:HolderName", &card.holder_name);
        w.x.close();
    }
    if let Some(ct) = &pm.credit_transfer {
        w.x.open("cac:PayeeFinancialAccount", &[]);
        w.text("cbc:ID", &ct.account_id);
        w.text("cbc:Name", &ct.account_name);
        if let Some(bic) = &ct.provider_id {
            w.x.open("cac:FinancialInstitutionBranch", &[]);
            w.x.leaf("cbc:ID", &[], bic);
            w.x.close();
        }
        w.x.close();
    }
    if let Some(m) = &inv.mandate_reference {
        w.x.open("cac:PaymentMandate", &[]);
        w.x.leaf("cbc:ID", &[], m);
        w.x.close();
    }
    w.x.close();
}

fn allowance_charge(w: &mut W<'_>, ac: &AllowanceCharge, document_level: bool) {
    w.x.open("cac:AllowanceCharge", &[]);
    w.x.leaf(
        "cbc:ChargeIndicator",
        &[],
        if ac.charge { "true" } else { "false" },
    );
    w.text("cbc:AllowanceChargeReasonCode", &ac.reason_code);
    w.text("cbc:AllowanceChargeReason", &ac.reason);
    w.decimal("cbc:MultiplierFactorNumeric", ac.percentage);
    w.amount("cbc:Amount", ac.amount);
    w.amount("cbc:BaseAmount", ac.base_amount);
    if document_level && let Some(vat) = &ac.vat {
        w.x.open("cac:TaxCategory", &[]);
        w.text("cbc:ID", &vat.code);
        w.decimal("cbc:Percent", vat.rate);
        vat_scheme(w);
        w.x.close();
    }
    w.x.close();
}

fn invoice_line(w: &mut W<'_>, l: &Line, cn: bool) {
    let (tag, qty_tag) = if cn {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    w.x.open(tag, &[]);
    w.text("cbc:ID", &l.id);
    w.text("cbc:Note", &l.note);
    if let Some(q) = l.quantity {
        let q = q.to_string();
        match &l.unit_code {
            Some(u) => w.x.leaf(qty_tag, &[("unitCode", u)], &q),
            None => w.x.leaf(qty_tag, &[], &q),
        }
    }
    w.amount("cbc:LineExtensionAmount", l.net_amount);
    w.text("cbc:AccountingCost", &l.accounting_reference);
    if let Some(p) = &l.period {
        w.x.open("cac:InvoicePeriod", &[]);
        w.date("cbc:StartDate", p.start);
        w.date("cbc:EndDate", p.end);
        w.x.close();
    }
    if let Some(r) = &l.order_line_reference {
        w.x.open("cac:OrderLineReference", &[]);
        w.x.leaf("cbc:LineID", &[], r);
        w.x.close();
    }
    if let Some(o) = &l.object {
        w.x.open("cac:DocumentReference", &[]);
        w.id("cbc:ID", o);
        w.x.leaf("cbc:DocumentTypeCode", &[], INVOICED_OBJECT);
        w.x.close();
    }
    for ac in &l.allowances_charges {
        allowance_charge(w, ac, false);
    }
    w.x.open("cac:Item", &[]);
    w.text("cbc:Description", &l.item_description);
    w.text("cbc:Name", &l.item_name);
    for (tag, id) in [
        ("cac:BuyersItemIdentification", &l.buyer_item_id),
        ("cac:SellersItemIdentification", &l.seller_item_id),
    ] {
        if let Some(id) = id {
            w.x.open(tag, &[]);
            w.x.leaf("cbc:ID", &[], id);
            w.x.close();
        }
    }
    if let Some(id) = &l.standard_item_id {
        w.x.open("cac:StandardItemIdentification", &[]);
        w.id("cbc:ID", id);
        w.x.close();
    }
    if let Some(c) = &l.origin_country {
        w.x.open("cac:OriginCountry", &[]);
        w.x.leaf("cbc:IdentificationCode", &[], c);
        w.x.close();
    }
    for c in &l.classifications {
        w.x.open("cac:CommodityClassification", &[]);
        let mut attrs = Vec::with_capacity(2);
        if let Some(list) = &c.list {
            attrs.push(("listID", list.as_ref()));
        }
        if let Some(v) = &c.list_version {
            attrs.push(("listVersionID", v.as_ref()));
        }
        w.x.leaf("cbc:ItemClassificationCode", &attrs, &c.code);
        w.x.close();
    }
    if let Some(vat) = &l.vat {
        w.x.open("cac:ClassifiedTaxCategory", &[]);
        w.text("cbc:ID", &vat.code);
        w.decimal("cbc:Percent", vat.rate);
        vat_scheme(w);
        w.x.close();
    }
    for a in &l.attributes {
        w.x.open("cac:AdditionalItemProperty", &[]);
        w.x.leaf("cbc:Name", &[], a.name.as_deref().unwrap_or(""));
        w.text("cbc:Value", &a.value);
        w.x.close();
    }
    w.x.close();
    if l.net_price.is_some()
        || l.base_quantity.is_some()
        || l.price_discount.is_some()
        || l.gross_price.is_some()
    {
        w.x.open("cac:Price", &[]);
        w.amount("cbc:PriceAmount", l.net_price);
        if let Some(q) = l.base_quantity {
            match &l.base_quantity_unit {
                Some(u) => {
                    w.x.leaf("cbc:BaseQuantity", &[("unitCode", u)], &q.to_string())
                }
                None => w.x.leaf("cbc:BaseQuantity", &[], &q.to_string()),
            }
        }
        if l.price_discount.is_some() || l.gross_price.is_some() {
            w.x.open("cac:AllowanceCharge", &[]);
            w.x.leaf("cbc:ChargeIndicator", &[], "false");
            w.amount("cbc:Amount", l.price_discount);
            w.amount("cbc:BaseAmount", l.gross_price);
            w.x.close();
        }
        w.x.close();
    }
    w.x.close();
}
