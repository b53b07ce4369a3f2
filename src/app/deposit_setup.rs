//! What a deposit needs at run time: the way to Chorus Pro ([`Gateway`]) and the e-invoice
//! writer ([`FluxWriter`]) for the chosen format, built from the settings.

use crate::deposit::{FluxLimits, FluxWriter, Gateway};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The user's choices for one deposit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositChoices {
    /// `ubl`, `cii` or `facturx`.
    pub format: String,
    /// « Date utilisée comme date de facture » : today rather than the invoice's date.
    pub date_today: bool,
}

impl Default for DepositChoices {
    fn default() -> DepositChoices {
        DepositChoices {
            format: "facturx".into(),
            date_today: false,
        }
    }
}

pub struct DepositSetup {
    pub gateway: Box<dyn Gateway + Send>,
    pub writer: Box<dyn FluxWriter + Send>,
    pub limits: FluxLimits,
    pub uncertain_after: Duration,
    /// Where this setup deposits (checked against what the user confirmed).
    pub target: super::deposit_summary::DepositTarget,
}

/// Builds the setup for a database; given to the session by whoever knows the client.
pub type SetupFactory =
    Arc<dyn Fn(&Path, &DepositChoices) -> Result<DepositSetup, String> + Send + Sync>;
