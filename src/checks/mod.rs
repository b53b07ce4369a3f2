//! Conformity rules: an invoice, the cached directory and what was found on disk give the
//! list of anomalies that would make Chorus Pro refuse it. Pure: no file, no database.

pub mod anomaly;
pub mod billing;
pub mod fingerprint;
pub mod rules;
pub mod snapshot;
pub mod supplier;
#[cfg(test)]
mod tests;

pub use anomaly::{Anomaly, AnomalyCode};
pub use billing::{BillingData, Resolved, Source};
pub use rules::{DirectoryFlags, InvoiceCheck, PdfState, check_all, check_invoice};
pub use snapshot::{CheckData, DirectorySnapshot};
