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

/// A text term: borrowed from the ERP's document (or a constant) when the mapping builds the
/// model, so that judging 100,000 invoices copies no string; owned when read from a file.
pub type Text<'a> = Cow<'a, str>;

/// True for a missing or whitespace-only text: the negation of XPath
/// `normalize-space(.) != ''` (XML whitespace only: a non-breaking space is content).
pub fn blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')))
}

/// An identifier with its optional scheme (ISO 6523 ICD, EAS, UNTDID 1153…).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identifier<'a> {
    pub value: Text<'a>,
    pub scheme: Option<Text<'a>>,
}

impl<'a> Identifier<'a> {
    pub fn new(value: impl Into<Text<'a>>, scheme: Option<&'a str>) -> Identifier<'a> {
        Identifier {
            value: value.into(),
            scheme: scheme.map(Cow::Borrowed),
        }
    }
}

/// BG-5, BG-8, BG-12, BG-15.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Address<'a> {
    pub line1: Option<Text<'a>>,
    pub line2: Option<Text<'a>>,
    pub line3: Option<Text<'a>>,
    pub city: Option<Text<'a>>,
    pub postal_code: Option<Text<'a>>,
    pub subdivision: Option<Text<'a>>,
    pub country: Option<Text<'a>>,
}

/// BG-6, BG-9.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact<'a> {
    pub name: Option<Text<'a>>,
    pub telephone: Option<Text<'a>>,
    pub email: Option<Text<'a>>,
}

/// BG-4 Seller.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seller<'a> {
    /// BT-27.
    pub name: Option<Text<'a>>,
    /// BT-28.
    pub trading_name: Option<Text<'a>>,
    /// BT-29 (UBL also carries the SEPA creditor identifier BT-90 here, scheme `SEPA`).
    pub identifiers: Vec<Identifier<'a>>,
    /// BT-30 and its scheme BT-30-1.
    pub legal_registration: Option<Identifier<'a>>,
    /// BT-31.
    pub vat_identifier: Option<Text<'a>>,
    /// BT-32 (tax registration other than VAT, CII scheme `FC`).
    pub tax_registration: Option<Text<'a>>,
    /// BT-33.
    pub additional_legal_info: Option<Text<'a>>,
    /// BT-34 and its scheme.
    pub electronic_address: Option<Identifier<'a>>,
    /// BG-5.
    pub address: Option<Address<'a>>,
    /// BG-6.
    pub contact: Option<Contact<'a>>,
}

/// BG-7 Buyer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Buyer<'a> {
    /// BT-44.
    pub name: Option<Text<'a>>,
    /// BT-45.
    pub trading_name: Option<Text<'a>>,
    /// BT-46.
    pub identifiers: Vec<Identifier<'a>>,
    /// BT-47.
    pub legal_registration: Option<Identifier<'a>>,
    /// BT-48.
    pub vat_identifier: Option<Text<'a>>,
    /// BT-49.
    pub electronic_address: Option<Identifier<'a>>,
    /// BG-8.
    pub address: Option<Address<'a>>,
    /// BG-9.
    pub contact: Option<Contact<'a>>,
}

/// BG-10 Payee.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payee<'a> {
    /// BT-59.
    pub name: Option<Text<'a>>,
    /// BT-60.
    pub identifiers: Vec<Identifier<'a>>,
    /// BT-61.
    pub legal_registration: Option<Identifier<'a>>,
}

/// BG-11 Seller tax representative.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxRepresentative<'a> {
    /// BT-62.
    pub name: Option<Text<'a>>,
    /// BT-63.
    pub vat_identifier: Option<Text<'a>>,
    /// BG-12.
    pub address: Option<Address<'a>>,
}

/// BG-13 Delivery information (with BG-15, the deliver-to address).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery<'a> {
    /// BT-70.
    pub party_name: Option<Text<'a>>,
    /// BT-71.
    pub location: Option<Identifier<'a>>,
    /// BT-72.
    pub actual_date: Option<NaiveDate>,
    /// BG-15.
    pub address: Option<Address<'a>>,
}

/// BG-14 / BG-26.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Period {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// BG-1 Invoice note.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note<'a> {
    /// BT-21.
    pub subject_code: Option<Text<'a>>,
    /// BT-22.
    pub text: Text<'a>,
}

/// BG-3 Preceding invoice reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrecedingInvoice<'a> {
    /// BT-25.
    pub reference: Option<Text<'a>>,
    /// BT-26.
    pub issue_date: Option<NaiveDate>,
}

/// An embedded binary (BT-125): the content is borrowed from the ERP's document when the
/// model is built by the mapping (no copy of the PDF for a conformance check), owned when it
/// was read from a file.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Binary<'a> {
    pub mime_code: Option<Text<'a>>,
    pub filename: Option<Text<'a>>,
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
    pub reference: Option<Text<'a>>,
    /// BT-123.
    pub description: Option<Text<'a>>,
    /// BT-124.
    pub uri: Option<Text<'a>>,
    /// BT-125.
    pub attachment: Option<Binary<'a>>,
}

/// BG-17 Credit transfer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreditTransfer<'a> {
    /// BT-84.
    pub account_id: Option<Text<'a>>,
    /// BT-85.
    pub account_name: Option<Text<'a>>,
    /// BT-86.
    pub provider_id: Option<Text<'a>>,
}

/// BG-18 Payment card information.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Card<'a> {
    /// BT-87.
    pub primary_account_number: Option<Text<'a>>,
    /// BT-88.
    pub holder_name: Option<Text<'a>>,
}

/// BG-16 Payment instructions (UBL and CII allow it to repeat).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentMeans<'a> {
    /// BT-81.
    pub code: Option<Text<'a>>,
    /// BT-82.
    pub text: Option<Text<'a>>,
    /// BG-17.
    pub credit_transfer: Option<CreditTransfer<'a>>,
    /// BG-18.
    pub card: Option<Card<'a>>,
}

/// The VAT category of a line, an allowance or a charge, or of a breakdown row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VatCategory<'a> {
    /// BT-151 / BT-95 / BT-102 / BT-118.
    pub code: Option<Text<'a>>,
    /// BT-152 / BT-96 / BT-103 / BT-119.
    pub rate: Option<Decimal>,
}

/// BG-20 / BG-21 (document level) and BG-27 / BG-28 (line level, no VAT category there).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowanceCharge<'a> {
    /// False: allowance; true: charge.
    pub charge: bool,
    /// BT-92 / BT-99 / BT-136 / BT-141.
    pub amount: Option<Decimal>,
    /// BT-93 / BT-100 / BT-137 / BT-142.
    pub base_amount: Option<Decimal>,
    /// BT-94 / BT-101 / BT-138 / BT-143.
    pub percentage: Option<Decimal>,
    /// Document level only: BT-95/96, BT-102/103.
    pub vat: Option<VatCategory<'a>>,
    /// BT-97 / BT-104 / BT-139 / BT-144.
    pub reason: Option<Text<'a>>,
    /// BT-98 / BT-105 / BT-140 / BT-145.
    pub reason_code: Option<Text<'a>>,
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
pub struct VatBreakdown<'a> {
    /// BT-116.
    pub taxable: Option<Decimal>,
    /// BT-117.
    pub tax: Option<Decimal>,
    /// BT-118 / BT-119.
    pub category: VatCategory<'a>,
    /// BT-120.
    pub exemption_reason: Option<Text<'a>>,
    /// BT-121.
    pub exemption_code: Option<Text<'a>>,
}

/// BG-32 Item attribute.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemAttribute<'a> {
    /// BT-160.
    pub name: Option<Text<'a>>,
    /// BT-161.
    pub value: Option<Text<'a>>,
}

/// BT-158 with its scheme BT-158-1 and scheme version BT-158-2.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Classification<'a> {
    pub code: Text<'a>,
    pub list: Option<Text<'a>>,
    pub list_version: Option<Text<'a>>,
}

/// BG-25 Invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line<'a> {
    /// BT-126.
    pub id: Option<Text<'a>>,
    /// BT-127.
    pub note: Option<Text<'a>>,
    /// BT-128.
    pub object: Option<Identifier<'a>>,
    /// BT-129.
    pub quantity: Option<Decimal>,
    /// BT-130.
    pub unit_code: Option<Text<'a>>,
    /// BT-131.
    pub net_amount: Option<Decimal>,
    /// BT-132.
    pub order_line_reference: Option<Text<'a>>,
    /// BT-133.
    pub accounting_reference: Option<Text<'a>>,
    /// BG-26.
    pub period: Option<Period>,
    /// BG-27 / BG-28.
    pub allowances_charges: Vec<AllowanceCharge<'a>>,
    /// BT-146.
    pub net_price: Option<Decimal>,
    /// BT-147.
    pub price_discount: Option<Decimal>,
    /// BT-148.
    pub gross_price: Option<Decimal>,
    /// BT-149.
    pub base_quantity: Option<Decimal>,
    /// BT-150.
    pub base_quantity_unit: Option<Text<'a>>,
    /// BG-30: BT-151, BT-152.
    pub vat: Option<VatCategory<'a>>,
    /// BT-153.
    pub item_name: Option<Text<'a>>,
    /// BT-154.
    pub item_description: Option<Text<'a>>,
    /// BT-155.
    pub seller_item_id: Option<Text<'a>>,
    /// BT-156.
    pub buyer_item_id: Option<Text<'a>>,
    /// BT-157.
    pub standard_item_id: Option<Identifier<'a>>,
    /// BT-158.
    pub classifications: Vec<Classification<'a>>,
    /// BT-159.
    pub origin_country: Option<Text<'a>>,
    /// BG-32.
    pub attributes: Vec<ItemAttribute<'a>>,
}

/// The invoice (or credit note): BT-1 … BT-24 and every group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invoice<'a> {
    /// BT-1.
    pub number: Option<Text<'a>>,
    /// BT-2.
    pub issue_date: Option<NaiveDate>,
    /// BT-3 (380 invoice, 381 credit note…).
    pub type_code: Option<Text<'a>>,
    /// A credit note: in UBL the `CreditNote` root (with `CreditNoteTypeCode` and
    /// `CreditNoteLine`), in CII a BT-3 of the credit note list. Kept beside BT-3 because
    /// the UBL rules judge BT-3 against the list of its root.
    pub credit_note: bool,
    /// BT-5.
    pub currency: Option<Text<'a>>,
    /// BT-6.
    pub tax_currency: Option<Text<'a>>,
    /// BT-7.
    pub tax_point_date: Option<NaiveDate>,
    /// BT-8.
    pub tax_point_date_code: Option<Text<'a>>,
    /// BT-9.
    pub due_date: Option<NaiveDate>,
    /// BT-10 (Chorus Pro: the service code).
    pub buyer_reference: Option<Text<'a>>,
    /// BT-11.
    pub project_reference: Option<Text<'a>>,
    /// BT-12 (Chorus Pro: the market number).
    pub contract_reference: Option<Text<'a>>,
    /// BT-13 (Chorus Pro: the engagement number).
    pub purchase_order_reference: Option<Text<'a>>,
    /// BT-14.
    pub sales_order_reference: Option<Text<'a>>,
    /// BT-15.
    pub receiving_advice_reference: Option<Text<'a>>,
    /// BT-16.
    pub despatch_advice_reference: Option<Text<'a>>,
    /// BT-17.
    pub tender_reference: Option<Text<'a>>,
    /// BT-18.
    pub invoiced_object: Option<Identifier<'a>>,
    /// BT-19.
    pub buyer_accounting_reference: Option<Text<'a>>,
    /// BT-20.
    pub payment_terms: Option<Text<'a>>,
    /// BG-1.
    pub notes: Vec<Note<'a>>,
    /// BT-23.
    pub process: Option<Text<'a>>,
    /// BT-24.
    pub specification: Option<Text<'a>>,
    /// BG-3.
    pub preceding_invoices: Vec<PrecedingInvoice<'a>>,
    /// BG-4.
    pub seller: Seller<'a>,
    /// BG-7.
    pub buyer: Buyer<'a>,
    /// BG-10.
    pub payee: Option<Payee<'a>>,
    /// BG-11.
    pub tax_representative: Option<TaxRepresentative<'a>>,
    /// BG-13.
    pub delivery: Option<Delivery<'a>>,
    /// BG-14.
    pub invoicing_period: Option<Period>,
    /// BT-83 Remittance information.
    pub remittance_information: Option<Text<'a>>,
    /// BG-16.
    pub payment_means: Vec<PaymentMeans<'a>>,
    /// BT-89 Mandate reference (BG-19).
    pub mandate_reference: Option<Text<'a>>,
    /// BG-20 and BG-21, in document order.
    pub allowances_charges: Vec<AllowanceCharge<'a>>,
    /// BG-22.
    pub totals: Totals,
    /// BG-23.
    pub vat_breakdown: Vec<VatBreakdown<'a>>,
    /// BG-24.
    pub supporting_documents: Vec<SupportingDocument<'a>>,
    /// BG-25.
    pub lines: Vec<Line<'a>>,
}

impl<'a> Invoice<'a> {
    /// BG-20.
    pub fn document_allowances(&self) -> impl Iterator<Item = &AllowanceCharge<'a>> {
        self.allowances_charges.iter().filter(|a| !a.charge)
    }

    /// BG-21.
    pub fn document_charges(&self) -> impl Iterator<Item = &AllowanceCharge<'a>> {
        self.allowances_charges.iter().filter(|a| a.charge)
    }
}
