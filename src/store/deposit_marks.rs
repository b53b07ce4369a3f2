//! What the control screen shows of an invoice already sent: the deposit that keeps it
//! from being sent again, its flux and what Chorus Pro last said of it.

use super::deposits::JournalState;
use rusqlite::Connection;
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
pub fn deposit_marks(conn: &Connection) -> rusqlite::Result<HashMap<String, DepositMark>> {
    conn.prepare(
        "SELECT j.invoice_number, j.state,
             COALESCE(NULLIF(dd.chorus_flux_number, ''), f.flux_number, ''),
             COALESCE(f.sent_at, j.started_at), COALESCE(ci.status, ''), dd.journal_id IS NOT NULL
         FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         LEFT JOIN chorus_invoices ci ON ci.invoice_number = j.invoice_number
         LEFT JOIN duplicate_deposits dd ON dd.journal_id = j.id
         WHERE j.state <> 'ECHEC'",
    )?
    .query_map([], |r| {
        let state: String = r.get(1)?;
        Ok((
            r.get::<_, String>(0)?,
            DepositMark {
                state: JournalState::from_code(&state),
                flux_number: r.get(2)?,
                at: r.get(3)?,
                chorus_status: r.get(4)?,
                already_on_chorus: r.get(5)?,
            },
        ))
    })?
    .collect()
}
