//! The flux table and the deposit journal (migrations/0005_deposits.sql).

use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FluxMode {
    Lot,
    Sequential,
}

impl FluxMode {
    pub fn code(self) -> &'static str {
        match self {
            FluxMode::Lot => "LOT",
            FluxMode::Sequential => "SEQUENTIEL",
        }
    }
}

/// A flux written on disk, before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlux {
    pub company_code: String,
    pub mode: FluxMode,
    pub syntax: String,
    pub name: String,
    pub file_path: String,
    pub file_sha256: String,
    pub file_size: u64,
    pub invoice_count: usize,
    pub created_at: String,
}

pub fn insert_flux(conn: &Connection, f: &NewFlux) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO fluxes (company_code, mode, syntax, name, file_path, file_sha256,
             file_size, invoice_count, created_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'GENERE')",
        params![
            f.company_code,
            f.mode.code(),
            f.syntax,
            f.name,
            f.file_path,
            f.file_sha256,
            f.file_size as i64,
            f.invoice_count as i64,
            f.created_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The flux was accepted: Chorus gave its number.
pub fn flux_sent(
    conn: &Connection,
    id: i64,
    flux_number: &str,
    sent_at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE fluxes SET state = 'ENVOYE', flux_number = ?2, sent_at = ?3, error = ''
         WHERE id = ?1",
        params![id, flux_number, sent_at],
    )?;
    Ok(())
}

/// `A_VERIFIER` or `ECHEC`, with the reason.
pub fn flux_failed(conn: &Connection, id: i64, state: &str, error: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE fluxes SET state = ?2, error = ?3 WHERE id = ?1",
        params![id, state, error],
    )?;
    Ok(())
}

/// Generated fluxes thrown away before they were sent (the lot no longer matched what the
/// user had selected): marked so that nobody takes them for fluxes still to send.
pub fn fluxes_abandoned(conn: &Connection, ids: &[i64], why: &str) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE fluxes SET state = 'ABANDONNE', error = ?2 WHERE id = ?1 AND state = 'GENERE'",
    )?;
    for id in ids {
        stmt.execute(params![id, why])?;
    }
    Ok(())
}

/// A deposit found on Chorus Pro after the fact: the flux was received after all.
pub fn flux_confirmed(conn: &Connection, id: i64, flux_number: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE fluxes SET state = 'ENVOYE', flux_number = COALESCE(flux_number, ?2), error = ''
         WHERE id = ?1",
        params![id, flux_number],
    )?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalState {
    InProgress,
    Deposited,
    Uncertain,
    Failed,
}

impl JournalState {
    pub fn code(self) -> &'static str {
        match self {
            JournalState::InProgress => "EN_COURS",
            JournalState::Deposited => "DEPOSEE",
            JournalState::Uncertain => "A_VERIFIER",
            JournalState::Failed => "ECHEC",
        }
    }

    pub fn from_code(code: &str) -> JournalState {
        match code {
            "DEPOSEE" => JournalState::Deposited,
            "A_VERIFIER" => JournalState::Uncertain,
            "ECHEC" => JournalState::Failed,
            _ => JournalState::InProgress,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            JournalState::InProgress => "en cours d'envoi",
            JournalState::Deposited => "déposée",
            JournalState::Uncertain => "à vérifier",
            JournalState::Failed => "échec",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: i64,
    pub invoice_number: String,
    pub flux_id: i64,
    /// The invoicing company of the flux (whose technical account looks it up).
    pub company_code: String,
    pub state: JournalState,
    pub started_at: String,
    pub error: String,
}

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<JournalEntry> {
    let state: String = row.get(3)?;
    Ok(JournalEntry {
        id: row.get(0)?,
        invoice_number: row.get(1)?,
        flux_id: row.get(2)?,
        company_code: row.get(6)?,
        state: JournalState::from_code(&state),
        started_at: row.get(4)?,
        error: row.get(5)?,
    })
}

const ENTRY_COLUMNS: &str = "j.id, j.invoice_number, j.flux_id, j.state, j.started_at, j.error, \
     f.company_code";

/// Writes the journal row BEFORE the call. Fails (unique index) when the invoice already
/// has a deposit that is not a definite failure: the caller must not send it.
pub fn begin(
    conn: &Connection,
    invoice_number: &str,
    flux_id: i64,
    now: &str,
) -> rusqlite::Result<Option<i64>> {
    let inserted = conn.execute(
        "INSERT OR IGNORE INTO deposit_journal (invoice_number, flux_id, state, started_at)
         VALUES (?1, ?2, 'EN_COURS', ?3)",
        params![invoice_number, flux_id, now],
    )?;
    Ok((inserted == 1).then(|| conn.last_insert_rowid()))
}

pub fn finish(
    conn: &Connection,
    id: i64,
    state: JournalState,
    error: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE deposit_journal SET state = ?2, error = ?3, finished_at = ?4 WHERE id = ?1",
        params![id, state.code(), error, now],
    )?;
    Ok(())
}

/// The deposit of an invoice that is not a definite failure, if any.
pub fn active_entry(
    conn: &Connection,
    invoice_number: &str,
) -> rusqlite::Result<Option<JournalEntry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         WHERE j.invoice_number = ?1 AND j.state <> 'ECHEC'"
    );
    conn.query_row(&sql, [invoice_number], entry_from_row)
        .optional()
}

/// Deposits whose outcome is not known yet: written before a call that never completed
/// (crash) or answered by a timeout or a dropped connection.
pub fn unresolved(conn: &Connection) -> rusqlite::Result<Vec<JournalEntry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         WHERE j.state IN ('EN_COURS', 'A_VERIFIER') ORDER BY j.id"
    );
    conn.prepare(&sql)?.query_map([], entry_from_row)?.collect()
}

/// Invoice numbers deposited or still to verify: never to be sent again.
pub fn not_to_resend(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT invoice_number FROM deposit_journal WHERE state <> 'ECHEC' ORDER BY 1")?
        .query_map([], |r| r.get(0))?
        .collect()
}

/// One exchange with Chorus Pro as the audit keeps it (secrets already removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRow {
    pub at: String,
    pub route: String,
    pub http_status: Option<u16>,
    pub duration_ms: u64,
    pub request_json: String,
    pub response_json: String,
    pub error: String,
}

pub fn record_exchange(conn: &Connection, e: &ExchangeRow) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO api_exchanges (at, route, http_status, duration_ms, request_json,
             response_json, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        e.at,
        e.route,
        e.http_status,
        e.duration_ms as i64,
        e.request_json,
        e.response_json,
        e.error
    ])?;
    Ok(())
}
