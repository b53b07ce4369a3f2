//! What the control screen shows of an invoice already sent: the deposit that keeps it
//! from being sent again, its flux and what Chorus Pro last said of it.

use super::deposits::JournalState;
use super::sql::{Sql, SqlError};
use std::collections::HashMap;

/// An invoice's live deposit (journal state other than `ECHEC`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositMark {
    pub state: JournalState,
    /// `numeroFluxDepot`; empty while Chorus Pro has not given one.
    pub flux_number: String,
    /// When the flux was accepted, else when the deposit started (RFC 3339).
    pub at: String,
    /// The Chorus Pro status code as of the last sync (empty: not known yet).
    pub chorus_status: String,
    /// Chorus Pro refused this copy: it already held the invoice (another database, a
    /// resend). Then `flux_number` is the flux Chorus knows it under, once found.
    pub already_on_chorus: bool,
}

/// Every invoice that must not be sent again, by number.
pub fn deposit_marks(db: &dyn Sql) -> Result<HashMap<String, DepositMark>, SqlError> {
    let rows = db.rows(
        "SELECT j.invoice_number, j.state,
             COALESCE(NULLIF(dd.chorus_flux_number, ''), f.flux_number, ''),
             COALESCE(f.sent_at, j.started_at), COALESCE(ci.status, ''),
             dd.journal_id IS NOT NULL
         FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         LEFT JOIN chorus_invoices ci ON ci.invoice_number = j.invoice_number
         LEFT JOIN duplicate_deposits dd ON dd.journal_id = j.id
         WHERE j.state <> 'ECHEC'",
        &[],
        |r| {
            Ok((
                r.text(0)?,
                DepositMark {
                    state: JournalState::from_code(&r.text(1)?),
                    flux_number: r.text(2)?,
                    at: r.text(3)?,
                    chorus_status: r.text(4)?,
                    already_on_chorus: r.flag(5)?,
                },
            ))
        },
    )?;
    Ok(rows.into_iter().collect())
}
