//! Plain types shared by every layer: identifiers, money, dates, ERP and directory records.

pub mod date;
pub mod directory;
pub mod erp;
pub mod fast_hash;
pub mod french_text;
pub mod iban;
pub mod money;
pub mod siret;
pub mod spreadsheet_csv;
pub mod status;
pub mod units;

pub use date::{check_plausible, format_date, format_opt_date, parse_date};
pub use directory::{Service, Structure};
pub use erp::{
    BillingReference, Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, Market,
    Payment, ReferenceKind, VatCategory,
};
pub use iban::{Bic, Iban};
pub use money::{
    AMOUNT_LIMIT, NumberError, counted, format_amount, format_count, format_money, parse_amount,
    parse_decimal, parse_rate,
};
pub use siret::Siret;
pub use units::{format_duration, format_remaining, format_size};
