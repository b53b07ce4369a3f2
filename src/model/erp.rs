//! The ERP mirror's records: our companies, clients, markets, billing references, invoices.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One of our invoicing establishments.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Company {
    pub code: String,
    pub name: String,
    pub siret: String,
    pub vat_number: String,
    pub iban: String,
    pub bic: String,
    pub account_holder: String,
    pub bank_domiciliation: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    Public,
    Private,
}

impl ClientType {
    /// The code used in `clients.csv` and in the database.
    pub fn code(self) -> &'static str {
        match self {
            ClientType::Public => "PUBLIC",
            ClientType::Private => "PRIVE",
        }
    }

    pub fn from_code(code: &str) -> Option<ClientType> {
        match code.trim().to_ascii_uppercase().as_str() {
            "PUBLIC" => Some(ClientType::Public),
            "PRIVE" | "PRIVÉ" => Some(ClientType::Private),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Client {
    pub code: String,
    pub name: String,
    /// As the ERP holds it, spaces removed: may be empty or invalid, the checks say so.
    pub siret: String,
    pub client_type: ClientType,
    pub address: String,
    pub postal_code: String,
    pub city: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    pub client_code: String,
    pub number: String,
    pub label: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

impl Market {
    /// True when `date` falls within the market's validity (open ends are unbounded).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.start_date.is_none_or(|start| date >= start)
            && self.end_date.is_none_or(|end| date <= end)
    }
}

/// What kind of ERP document carries the billing data of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    Order,
    Dossier,
    Contract,
}

impl ReferenceKind {
    pub fn code(self) -> &'static str {
        match self {
            ReferenceKind::Order => "COMMANDE",
            ReferenceKind::Dossier => "DOSSIER",
            ReferenceKind::Contract => "CONTRAT",
        }
    }

    pub fn from_code(code: &str) -> Option<ReferenceKind> {
        match code.trim().to_ascii_uppercase().as_str() {
            "COMMANDE" => Some(ReferenceKind::Order),
            "DOSSIER" => Some(ReferenceKind::Dossier),
            "CONTRAT" => Some(ReferenceKind::Contract),
            _ => None,
        }
    }

    /// "de la commande", "du dossier", "du contrat": for "repris de…".
    pub fn of_the(self) -> &'static str {
        match self {
            ReferenceKind::Order => "de la commande",
            ReferenceKind::Dossier => "du dossier",
            ReferenceKind::Contract => "du contrat",
        }
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            ReferenceKind::Order => "commande",
            ReferenceKind::Dossier => "dossier",
            ReferenceKind::Contract => "contrat",
        }
    }
}

/// An order, dossier or regular contract holding the data Chorus Pro needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BillingReference {
    pub kind: ReferenceKind,
    pub reference: String,
    pub client_code: String,
    pub service_code: String,
    pub market_number: String,
    pub engagement_number: String,
    pub valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

impl InvoiceKind {
    pub fn code(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "FACTURE",
            InvoiceKind::CreditNote => "AVOIR",
        }
    }

    pub fn from_code(code: &str) -> Option<InvoiceKind> {
        match code.trim().to_ascii_uppercase().as_str() {
            "FACTURE" => Some(InvoiceKind::Invoice),
            "AVOIR" => Some(InvoiceKind::CreditNote),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "Facture",
            InvoiceKind::CreditNote => "Avoir",
        }
    }
}

/// The default Chorus Pro billing frame: a plain supplier invoice.
pub const DEFAULT_BILLING_FRAME: &str = "A1_FACTURE_FOURNISSEUR";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Invoice {
    pub number: String,
    pub company_code: String,
    pub client_code: String,
    pub kind: InvoiceKind,
    pub invoice_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub total_excl_tax: Decimal,
    pub total_tax: Decimal,
    pub total_incl_tax: Decimal,
    pub service_code: String,
    pub engagement_number: String,
    pub market_number: String,
    pub origin_reference: String,
    /// Absolute path, or empty when the ERP gave none.
    pub pdf_path: String,
    pub original_invoice_number: String,
    pub payment_means: String,
    pub billing_frame: String,
}

/// EN 16931 VAT category codes (UNCL 5305 subset allowed by EN 16931).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VatCategory {
    Standard,
    ZeroRated,
    Exempt,
    ReverseCharge,
    IntraCommunity,
    Export,
    NotSubject,
}

impl VatCategory {
    pub fn code(self) -> &'static str {
        match self {
            VatCategory::Standard => "S",
            VatCategory::ZeroRated => "Z",
            VatCategory::Exempt => "E",
            VatCategory::ReverseCharge => "AE",
            VatCategory::IntraCommunity => "K",
            VatCategory::Export => "G",
            VatCategory::NotSubject => "O",
        }
    }

    pub fn from_code(code: &str) -> Option<VatCategory> {
        match code.trim().to_ascii_uppercase().as_str() {
            "S" => Some(VatCategory::Standard),
            "Z" => Some(VatCategory::ZeroRated),
            "E" => Some(VatCategory::Exempt),
            "AE" => Some(VatCategory::ReverseCharge),
            "K" => Some(VatCategory::IntraCommunity),
            "G" => Some(VatCategory::Export),
            "O" => Some(VatCategory::NotSubject),
            _ => None,
        }
    }

    /// The category an ERP line gets when the file leaves it out.
    pub fn default_for_rate(rate: Decimal) -> VatCategory {
        if rate > Decimal::ZERO {
            VatCategory::Standard
        } else {
            VatCategory::Exempt
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InvoiceLine {
    pub invoice_number: String,
    pub line_number: u32,
    pub label: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    /// Percent, e.g. 20 for 20 %.
    pub vat_rate: Decimal,
    pub line_total: Decimal,
    pub vat_category: VatCategory,
    pub exemption_reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub invoice_number: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub means: String,
}

/// True when an ERP payment means is a credit transfer, which needs our IBAN and BIC.
/// ERPs write the word (`VIREMENT`, `VIR`) or the UNCL 4461 code (30, 31, 42, 58).
pub fn is_credit_transfer(payment_means: &str) -> bool {
    let upper = payment_means.trim().to_ascii_uppercase();
    matches!(
        upper.as_str(),
        "VIREMENT" | "VIR" | "VIREMENT SEPA" | "TRANSFER" | "30" | "31" | "42" | "58"
    )
}
