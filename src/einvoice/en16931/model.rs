//! The EN 16931 semantic model: the business terms (BT-x) and groups (BG-x) an invoice
//! carries, as plain values. Nothing here knows UBL or CII: the readers fill it from either
//! syntax, the writers write it to either, the rules judge it.
//!
//! Conventions:
//! - `Option` is "term absent"; a text term present but blank stays `Some` (the rules use
//!   the XPath `normalize-space(…) != ''` test, see [`blank`]).
//! - Amounts, quantities, prices and rates are `Decimal` kept as written: `1.50` keeps its
//!   scale (the BR-DEC rules count the written decimals), nothing is rounded here.
//! - Codes (currency, units, VAT categories…) are strings as written: an unknown code is a
//!   finding of the code-list rules, not a parse failure.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// True for a missing or whitespace-only text: the negation of XPath
/// `normalize-space(.) != ''` (XML whitespace only: a non-breaking space is content).
pub fn blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')))
}

/// An identifier with its optional scheme (ISO 6523 ICD, EAS, UNTDID 1153…).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identifier {
    pub value: String,
    pub scheme: Option<String>,
}

impl Identifier {
    pub fn new(value: impl Into<String>, scheme: Option<&str>) -> Identifier {
        Identifier {
            value: value.into(),
            scheme: scheme.map(str::to_string),
        }
    }
}

/// BG-5, BG-8, BG-12, BG-15.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub line3: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub subdivision: Option<String>,
    pub country: Option<String>,
}

/// BG-6, BG-9.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    pub name: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
}

/// BG-4 Seller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seller {
    /// BT-27.
    pub name: Option<String>,
    /// BT-28.
    pub trading_name: Option<String>,
    /// BT-29 (UBL also carries the SEPA creditor identifier BT-90 here, scheme `SEPA`).
    pub identifiers: Vec<Identifier>,
    /// BT-30 and its scheme BT-30-1.
    pub legal_registration: Option<Identifier>,
    /// BT-31.
    pub vat_identifier: Option<String>,
    /// BT-32 (tax registration other than VAT, CII scheme `FC`).
    pub tax_registration: Option<String>,
    /// BT-33.
    pub additional_legal_info: Option<String>,
    /// BT-34 and its scheme.
    pub electronic_address: Option<Identifier>,
    /// BG-5.
    pub address: Option<Address>,
    /// BG-6.
    pub contact: Option<Contact>,
}

/// BG-7 Buyer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Buyer {
    /// BT-44.
    pub name: Option<String>,
    /// BT-45.
    pub trading_name: Option<String>,
    /// BT-46.
    pub identifiers: Vec<Identifier>,
    /// BT-47.
    pub legal_registration: Option<Identifier>,
    /// BT-48.
    pub vat_identifier: Option<String>,
    /// BT-49.
    pub electronic_address: Option<Identifier>,
    /// BG-8.
    pub address: Option<Address>,
    /// BG-9.
    pub contact: Option<Contact>,
}

/// BG-10 Payee.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payee {
    /// BT-59.
    pub name: Option<String>,
    /// BT-60.
    pub identifiers: Vec<Identifier>,
    /// BT-61.
    pub legal_registration: Option<Identifier>,
}

/// BG-11 Seller tax representative.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxRepresentative {
    /// BT-62.
    pub name: Option<String>,
    /// BT-63.
    pub vat_identifier: Option<String>,
    /// BG-12.
    pub address: Option<Address>,
}

/// BG-13 Delivery information (with BG-15, the deliver-to address).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    /// BT-70.
    pub party_name: Option<String>,
    /// BT-71.
    pub location: Option<Identifier>,
    /// BT-72.
    pub actual_date: Option<NaiveDate>,
    /// BG-15.
    pub address: Option<Address>,
}

/// BG-14 / BG-26.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Period {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// BG-1 Invoice note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note {
    /// BT-21.
    pub subject_code: Option<String>,
    /// BT-22.
    pub text: String,
}

/// BG-3 Preceding invoice reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrecedingInvoice {
    /// BT-25.
    pub reference: Option<String>,
    /// BT-26.
    pub issue_date: Option<NaiveDate>,
}

/// An embedded binary (BT-125): the content is borrowed from the ERP's document when the
/// model is built by the mapping (no copy of the PDF for a conformance check), owned when it
/// was read from a file.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Binary<'a> {
    pub mime_code: Option<String>,
    pub filename: Option<String>,
    pub content: Cow<'a, [u8]>,
}

impl std::fmt::Debug for Binary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Binary")
            .field("mime_code", &self.mime_code)
            .field("filename", &self.filename)
            .field("len", &self.content.len())
            .finish()
    }
}

/// BG-24 Additional supporting document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportingDocument<'a> {
    /// BT-122.
    pub reference: Option<String>,
    /// BT-123.
    pub description: Option<String>,
    /// BT-124.
    pub uri: Option<String>,
    /// BT-125.
    pub attachment: Option<Binary<'a>>,
}

/// BG-17 Credit transfer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreditTransfer {
    /// BT-84.
    pub account_id: Option<String>,
    /// BT-85.
    pub account_name: Option<String>,
    /// BT-86.
    pub provider_id: Option<String>,
}

/// BG-18 Payment card information.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card {
    /// BT-87.
    pub primary_account_number: Option<String>,
    /// BT-88.
    pub holder_name: Option<String>,
}

/// BG-16 Payment instructions (UBL and CII allow it to repeat).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentMeans {
    /// BT-81.
    pub code: Option<String>,
    /// BT-82.
    pub text: Option<String>,
    /// BG-17.
    pub credit_transfer: Option<CreditTransfer>,
    /// BG-18.
    pub card: Option<Card>,
}

/// The VAT category of a line, an allowance or a charge, or of a breakdown row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VatCategory {
    /// BT-151 / BT-95 / BT-102 / BT-118.
    pub code: Option<String>,
    /// BT-152 / BT-96 / BT-103 / BT-119.
    pub rate: Option<Decimal>,
}

/// BG-20 / BG-21 (document level) and BG-27 / BG-28 (line level, no VAT category there).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowanceCharge {
    /// False: allowance; true: charge.
    pub charge: bool,
    /// BT-92 / BT-99 / BT-136 / BT-141.
    pub amount: Option<Decimal>,
    /// BT-93 / BT-100 / BT-137 / BT-142.
    pub base_amount: Option<Decimal>,
    /// BT-94 / BT-101 / BT-138 / BT-143.
    pub percentage: Option<Decimal>,
    /// Document level only: BT-95/96, BT-102/103.
    pub vat: Option<VatCategory>,
    /// BT-97 / BT-104 / BT-139 / BT-144.
    pub reason: Option<String>,
    /// BT-98 / BT-105 / BT-140 / BT-145.
    pub reason_code: Option<String>,
}

/// BG-22 Document totals.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    /// BT-106.
    pub line_net: Option<Decimal>,
    /// BT-107.
    pub allowances: Option<Decimal>,
    /// BT-108.
    pub charges: Option<Decimal>,
    /// BT-109.
    pub without_vat: Option<Decimal>,
    /// BT-110 (in the invoice currency BT-5).
    pub vat: Option<Decimal>,
    /// BT-111 (in the VAT accounting currency BT-6).
    pub vat_accounting: Option<Decimal>,
    /// BT-112.
    pub with_vat: Option<Decimal>,
    /// BT-113.
    pub prepaid: Option<Decimal>,
    /// BT-114.
    pub rounding: Option<Decimal>,
    /// BT-115.
    pub payable: Option<Decimal>,
}

/// BG-23 VAT breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VatBreakdown {
    /// BT-116.
    pub taxable: Option<Decimal>,
    /// BT-117.
    pub tax: Option<Decimal>,
    /// BT-118 / BT-119.
    pub category: VatCategory,
    /// BT-120.
    pub exemption_reason: Option<String>,
    /// BT-121.
    pub exemption_code: Option<String>,
}

/// BG-32 Item attribute.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemAttribute {
    /// BT-160.
    pub name: Option<String>,
    /// BT-161.
    pub value: Option<String>,
}

/// BT-158 with its scheme BT-158-1 and scheme version BT-158-2.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Classification {
    pub code: String,
    pub list: Option<String>,
    pub list_version: Option<String>,
}

/// BG-25 Invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    /// BT-126.
    pub id: Option<String>,
    /// BT-127.
    pub note: Option<String>,
    /// BT-128.
    pub object: Option<Identifier>,
    /// BT-129.
    pub quantity: Option<Decimal>,
    /// BT-130.
    pub unit_code: Option<String>,
    /// BT-131.
    pub net_amount: Option<Decimal>,
    /// BT-132.
    pub order_line_reference: Option<String>,
    /// BT-133.
    pub accounting_reference: Option<String>,
    /// BG-26.
    pub period: Option<Period>,
    /// BG-27 / BG-28.
    pub allowances_charges: Vec<AllowanceCharge>,
    /// BT-146.
    pub net_price: Option<Decimal>,
    /// BT-147.
    pub price_discount: Option<Decimal>,
    /// BT-148.
    pub gross_price: Option<Decimal>,
    /// BT-149.
    pub base_quantity: Option<Decimal>,
    /// BT-150.
    pub base_quantity_unit: Option<String>,
    /// BG-30: BT-151, BT-152.
    pub vat: Option<VatCategory>,
    /// BT-153.
    pub item_name: Option<String>,
    /// BT-154.
    pub item_description: Option<String>,
    /// BT-155.
    pub seller_item_id: Option<String>,
    /// BT-156.
    pub buyer_item_id: Option<String>,
    /// BT-157.
    pub standard_item_id: Option<Identifier>,
    /// BT-158.
    pub classifications: Vec<Classification>,
    /// BT-159.
    pub origin_country: Option<String>,
    /// BG-32.
    pub attributes: Vec<ItemAttribute>,
}

/// The invoice (or credit note): BT-1 … BT-24 and every group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invoice<'a> {
    /// BT-1.
    pub number: Option<String>,
    /// BT-2.
    pub issue_date: Option<NaiveDate>,
    /// BT-3 (380 invoice, 381 credit note…).
    pub type_code: Option<String>,
    /// A credit note: in UBL the `CreditNote` root (with `CreditNoteTypeCode` and
    /// `CreditNoteLine`), in CII a BT-3 of the credit note list. Kept beside BT-3 because
    /// the UBL rules judge BT-3 against the list of its root.
    pub credit_note: bool,
    /// BT-5.
    pub currency: Option<String>,
    /// BT-6.
    pub tax_currency: Option<String>,
    /// BT-7.
    pub tax_point_date: Option<NaiveDate>,
    /// BT-8.
    pub tax_point_date_code: Option<String>,
    /// BT-9.
    pub due_date: Option<NaiveDate>,
    /// BT-10 (Chorus Pro: the service code).
    pub buyer_reference: Option<String>,
    /// BT-11.
    pub project_reference: Option<String>,
    /// BT-12 (Chorus Pro: the market number).
    pub contract_reference: Option<String>,
    /// BT-13 (Chorus Pro: the engagement number).
    pub purchase_order_reference: Option<String>,
    /// BT-14.
    pub sales_order_reference: Option<String>,
    /// BT-15.
    pub receiving_advice_reference: Option<String>,
    /// BT-16.
    pub despatch_advice_reference: Option<String>,
    /// BT-17.
    pub tender_reference: Option<String>,
    /// BT-18.
    pub invoiced_object: Option<Identifier>,
    /// BT-19.
    pub buyer_accounting_reference: Option<String>,
    /// BT-20.
    pub payment_terms: Option<String>,
    /// BG-1.
    pub notes: Vec<Note>,
    /// BT-23.
    pub process: Option<String>,
    /// BT-24.
    pub specification: Option<String>,
    /// BG-3.
    pub preceding_invoices: Vec<PrecedingInvoice>,
    /// BG-4.
    pub seller: Seller,
    /// BG-7.
    pub buyer: Buyer,
    /// BG-10.
    pub payee: Option<Payee>,
    /// BG-11.
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13.
    pub delivery: Option<Delivery>,
    /// BG-14.
    pub invoicing_period: Option<Period>,
    /// BT-83 Remittance information.
    pub remittance_information: Option<String>,
    /// BG-16.
    pub payment_means: Vec<PaymentMeans>,
    /// BT-89 Mandate reference (BG-19).
    pub mandate_reference: Option<String>,
    /// BG-20 and BG-21, in document order.
    pub allowances_charges: Vec<AllowanceCharge>,
    /// BG-22.
    pub totals: Totals,
    /// BG-23.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// BG-24.
    pub supporting_documents: Vec<SupportingDocument<'a>>,
    /// BG-25.
    pub lines: Vec<Line>,
}

impl Invoice<'_> {
    /// BG-20.
    pub fn document_allowances(&self) -> impl Iterator<Item = &AllowanceCharge> {
        self.allowances_charges.iter().filter(|a| !a.charge)
    }

    /// BG-21.
    pub fn document_charges(&self) -> impl Iterator<Item = &AllowanceCharge> {
        self.allowances_charges.iter().filter(|a| a.charge)
    }
}
