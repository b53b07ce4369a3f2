//! Deposit on Chorus Pro, by lot or sequentially, exactly once per invoice.
//!
//! The engines do not know HTTP nor XML: they talk to Chorus Pro through [`Gateway`] (the
//! chorus client implements it) and get the files from [`FluxWriter`] (the e-invoice
//! writers). The journal row of an invoice is written before the call and completed
//! after it; an outcome that is not known (timeout, dropped connection, crash) is looked
//! up on Chorus Pro before anything is sent again.

pub mod engine;
pub mod files;
pub mod journal;
pub mod lot_check;
pub mod plan;

pub use engine::{
    DepositReport, InvoiceOutcome, LotOptions, Outcome, SequentialOptions, run_lot, run_sequential,
};
pub use journal::reconcile;

use std::time::Duration;

/// Why a flux did not get a number from Chorus Pro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepositFailure {
    /// Chorus Pro certainly did not record it (refused, connection refused…): it may be
    /// sent again.
    NotReceived(String),
    /// The request left and no clear answer came back (timeout, dropped connection, a 5xx,
    /// a 202, `codeRetour` 0 without a flux number…): Chorus Pro may have recorded it. It
    /// must be looked up before any new attempt.
    Unknown(String),
}

/// What the engines need from Chorus Pro. Each call names the invoicing company: each
/// company deposits with its own technical account.
pub trait Gateway: Sync {
    /// `deposer/flux`: the `numeroFluxDepot` on success (never blank: an answer without one
    /// is [`DepositFailure::Unknown`]).
    fn deposit_flux(
        &self,
        company_code: &str,
        file_name: &str,
        bytes: &[u8],
        syntax: &str,
    ) -> Result<String, DepositFailure>;

    /// `rechercher/fournisseur` by invoice number: the flux number under which Chorus Pro
    /// knows the invoice (empty when it does not say), or `None` when it does not know it.
    fn find_invoice(
        &self,
        company_code: &str,
        invoice_number: &str,
    ) -> Result<Option<String>, String>;

    /// Set once Chorus Pro has not answered for the run's whole patience: why nothing more
    /// is sent (the engines stop there; what is left stays « non envoyée » or « à
    /// vérifier », as the journal says). `None` while it answers.
    fn gave_up(&self) -> Option<String> {
        None
    }
}

/// One invoice's e-invoice file, ready to be sent or put in a lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxFile {
    pub invoice_number: String,
    pub company_code: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What the engines need to write the files.
pub trait FluxWriter: Sync {
    /// `syntaxeFlux` of the files this writer makes.
    fn syntax(&self) -> &str;
    fn invoice_file(&self, invoice_number: &str) -> Result<FluxFile, String>;
    /// An archive of several files (a lot), and its file extension.
    fn archive(&self, files: &[FluxFile]) -> Result<Vec<u8>, String>;
    fn archive_extension(&self) -> &str;
}

/// Limits of one flux, from the settings (defaults: 10 MB and 500 invoices).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FluxLimits {
    pub max_bytes: u64,
    pub max_invoices: usize,
}

impl Default for FluxLimits {
    fn default() -> FluxLimits {
        FluxLimits {
            max_bytes: 10 * 1024 * 1024,
            max_invoices: 500,
        }
    }
}

/// How long an uncertain deposit stays « à vérifier » before it is taken as never arrived.
pub const DEFAULT_UNCERTAIN_AFTER: Duration = Duration::from_secs(6 * 3600);
