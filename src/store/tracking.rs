//! What Chorus Pro says of the deposited fluxes and invoices (migrations/0006_tracking.sql,
//! 0007_sync_runs.sql): the sync's batch writes and the queries of the views and the CLI.
//!
//! Writes run inside the caller's transaction (`Sql::in_transaction`) so the caller decides
//! what goes together (a flux report and its journal updates; a batch of histories).

use super::deposits::{self, JournalState};
use super::sql::{Row, Sql, SqlError};
use crate::sql_params;
use std::collections::HashMap;

/// `etatCourantDepotFlux` codes after which Chorus Pro will not change a flux any more
/// (same list as `chorus::FluxState::is_final`, checked by a test of the sync).
pub const FINAL_FLUX_STATES: &[&str] = &[
    "IN_INTEGRE",
    "IN_INTEGRE_PARTIEL",
    "IN_REJETE",
    "IN_INCIDENTE",
    "IN_A_RELANCER",
    "IN_ERREUR_INTERNE",
];

/// Final flux states in which no invoice of the flux was integrated.
pub const FAILED_FLUX_STATES: &[&str] = &[
    "IN_REJETE",
    "IN_INCIDENTE",
    "IN_A_RELANCER",
    "IN_ERREUR_INTERNE",
];

fn sql_list(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A flux sent to Chorus Pro (it has a `numeroFluxDepot`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxToFollow {
    pub id: i64,
    pub company_code: String,
    pub flux_number: String,
    pub syntax: String,
    pub chorus_state: String,
    /// When the flux was accepted (RFC 3339), or empty.
    pub sent_at: String,
}

fn flux_from_row(row: &Row) -> Result<FluxToFollow, SqlError> {
    Ok(FluxToFollow {
        id: row.int(0)?,
        company_code: row.text(1)?,
        flux_number: row.text(2)?,
        syntax: row.text(3)?,
        chorus_state: row.text(4)?,
        sent_at: row.text(5)?,
    })
}

const FLUX_COLUMNS: &str =
    "f.id, f.company_code, f.flux_number, f.syntax, f.chorus_state, COALESCE(f.sent_at, '')";

/// Fluxes whose Chorus state is not final yet: their report (consulterCRDetaille) is due.
pub fn fluxes_to_check(db: &dyn Sql) -> Result<Vec<FluxToFollow>, SqlError> {
    let sql = format!(
        "SELECT {FLUX_COLUMNS} FROM fluxes f
         WHERE f.flux_number IS NOT NULL AND f.flux_number <> ''
           AND f.chorus_state NOT IN ({}) ORDER BY f.id",
        sql_list(FINAL_FLUX_STATES)
    );
    db.rows(&sql, &[], flux_from_row)
}

/// An integrated flux with deposited invoices still to learn or to follow (not counting
/// the duplicates, which Chorus Pro knows under another flux: see `duplicates_to_follow`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxToSearch {
    pub flux: FluxToFollow,
    /// Invoices of the flux deposited (journal `DEPOSEE`).
    pub deposited: usize,
    /// Of those, the ones whose `identifiantFactureCPP` is not known yet.
    pub unknown: usize,
    /// Of those, the ones known and not final.
    pub open: usize,
}

pub fn fluxes_to_search(db: &dyn Sql) -> Result<Vec<FluxToSearch>, SqlError> {
    let sql = format!(
        "SELECT {FLUX_COLUMNS}, count(*),
             CAST(sum(CASE WHEN ci.cpp_id IS NULL THEN 1 ELSE 0 END) AS BIGINT),
             CAST(sum(CASE WHEN ci.cpp_id IS NOT NULL AND ci.is_final = 0 THEN 1 ELSE 0 END)
                  AS BIGINT)
         FROM fluxes f
         JOIN deposit_journal j ON j.flux_id = f.id AND j.state = 'DEPOSEE'
             AND j.id NOT IN (SELECT journal_id FROM duplicate_deposits)
         LEFT JOIN chorus_invoices ci ON ci.invoice_number = j.invoice_number AND ci.flux_id = f.id
         WHERE f.flux_number IS NOT NULL AND f.chorus_state IN ('IN_INTEGRE', 'IN_INTEGRE_PARTIEL')
         GROUP BY f.id
         HAVING sum(CASE WHEN ci.cpp_id IS NULL OR ci.is_final = 0 THEN 1 ELSE 0 END) > 0
         ORDER BY f.id"
    );
    db.rows(&sql, &[], |row| {
        Ok(FluxToSearch {
            flux: flux_from_row(row)?,
            deposited: row.int_as(6)?,
            unknown: row.int_as(7)?,
            open: row.int_as(8)?,
        })
    })
}

/// What the last sync learnt of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KnownInvoice {
    pub invoice_number: String,
    pub company_code: String,
    pub flux_id: Option<i64>,
    pub cpp_id: Option<i64>,
    pub deposited_on: String,
    pub status: String,
    pub status_at: String,
    pub is_final: bool,
    pub payment_not_reported: bool,
}

fn known_from_row(row: &Row) -> Result<KnownInvoice, SqlError> {
    Ok(KnownInvoice {
        invoice_number: row.text(0)?,
        company_code: row.text(1)?,
        flux_id: row.opt_int(2)?,
        cpp_id: row.opt_int(3)?,
        status: row.text(4)?,
        status_at: row.text(5)?,
        is_final: row.flag(6)?,
        payment_not_reported: row.flag(7)?,
        deposited_on: row.text(8)?,
    })
}

/// Every row of `chorus_invoices`, by invoice number (read once per sync).
pub fn known_invoices(db: &dyn Sql) -> Result<HashMap<String, KnownInvoice>, SqlError> {
    let rows = db.rows(
        "SELECT invoice_number, company_code, flux_id, cpp_id, status, status_at, is_final,
             payment_not_reported, deposited_on FROM chorus_invoices",
        &[],
        known_from_row,
    )?;
    Ok(rows
        .into_iter()
        .map(|row| (row.invoice_number.clone(), row))
        .collect())
}

/// Invoice number → SIRET of its client, for the invoices of public clients.
pub fn client_sirets(db: &dyn Sql) -> Result<HashMap<String, String>, SqlError> {
    Ok(db
        .rows(
            "SELECT i.number, c.siret FROM invoices i JOIN clients c ON c.code = i.client_code
             WHERE c.siret <> ''",
            &[],
            |r| Ok((r.text(0)?, r.text(1)?)),
        )?
        .into_iter()
        .collect())
}

/// SIRET → the structure does not report payment (`statutMiseEnPaiementNestPasRemonte`,
/// i.e. `GestionStatutMiseEnPaiement` false in the directory), for the clients' structures.
pub fn payment_not_reported_by_siret(db: &dyn Sql) -> Result<HashMap<String, bool>, SqlError> {
    Ok(db
        .rows(
            "SELECT d.identifier, d.payment_status_managed FROM directory_structures d
             WHERE d.identifier IN (SELECT siret FROM clients WHERE siret <> '')",
            &[],
            |r| Ok((r.text(0)?, !r.flag(1)?)),
        )?
        .into_iter()
        .collect())
}

/// One error of `listeErreurDP` (or of the whole flux), as `flux_errors` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxError {
    pub flux_id: i64,
    pub invoice_number: String,
    pub code: String,
    pub message: String,
    pub at: String,
    /// Chorus Pro refused this copy because it already holds the invoice: not a rejection
    /// of the invoice (see migrations/0010_duplicate_deposits.sql).
    pub duplicate: bool,
}

/// A flux report applied at once: the Chorus state, the errors, and the deposits that did
/// not make it put back to `ECHEC` (so they can be corrected and deposited again).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FluxReport {
    /// The Chorus state the flux had when the report was asked: the report is written only
    /// if the flux still has it (another session may have written the same report first).
    pub previous_state: String,
    pub chorus_state: String,
    /// Summary kept in `fluxes.error` (empty when all went well).
    pub flux_error: String,
    pub errors: Vec<FluxError>,
    /// (invoice number, reason for the clerk) of the invoices named as not integrated.
    pub failed: Vec<(String, String)>,
    /// (invoice number, Chorus Pro's message) of the invoices refused because Chorus Pro
    /// already holds them: their deposit stays DEPOSEE and they are looked up by number.
    pub duplicates: Vec<(String, String)>,
    /// Every other deposit of the flux fails too, with this reason (flux rejected whole);
    /// not the duplicates.
    pub fail_all_others: Option<String>,
}

/// What applying a flux report changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FluxReportApplied {
    /// False when another session had already written this report: nothing written.
    pub written: bool,
    /// (invoice, reason) whose deposit became `ECHEC`: back to the invoices to correct.
    pub rejected: Vec<(String, String)>,
    /// (invoice, note) recorded as already on Chorus Pro, to look up by number.
    pub duplicates: Vec<(String, String)>,
}

/// Writes a flux report: its state, its errors, the deposits that failed, the duplicates.
/// A compare-and-set on the flux's Chorus state: when another session wrote it first,
/// nothing is written (`written` false).
pub fn apply_flux_report(
    db: &dyn Sql,
    flux_id: i64,
    report: &FluxReport,
    now: &str,
) -> Result<FluxReportApplied, SqlError> {
    let written = db.execute(
        "UPDATE fluxes SET chorus_state = ?2, error = ?3 WHERE id = ?1 AND chorus_state = ?4",
        sql_params![
            flux_id,
            &report.chorus_state,
            &report.flux_error,
            &report.previous_state
        ],
    )?;
    let mut applied = FluxReportApplied {
        written: written == 1,
        ..FluxReportApplied::default()
    };
    if !applied.written {
        return Ok(applied);
    }
    for e in &report.errors {
        db.execute(
            "INSERT INTO flux_errors (flux_id, invoice_number, code, message, at, duplicate)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            sql_params![
                e.flux_id,
                &e.invoice_number,
                &e.code,
                &e.message,
                &e.at,
                e.duplicate
            ],
        )?;
    }
    for (number, reason) in &report.failed {
        if deposits::reject_at_integration(db, flux_id, number, reason, now)? {
            applied.rejected.push((number.clone(), reason.clone()));
        }
    }
    for (number, message) in &report.duplicates {
        if let Some(note) = record_duplicate(db, flux_id, number, message, now)? {
            applied.duplicates.push((number.clone(), note));
        }
    }
    if let Some(reason) = &report.fail_all_others {
        let others = db.rows(
            "SELECT invoice_number FROM deposit_journal
             WHERE flux_id = ?1 AND state <> 'ECHEC'
               AND id NOT IN (SELECT journal_id FROM duplicate_deposits)
             ORDER BY invoice_number",
            sql_params![flux_id],
            |r| r.text(0),
        )?;
        for number in others {
            if report.duplicates.iter().any(|(d, _)| *d == number) {
                continue;
            }
            if deposits::reject_at_integration(db, flux_id, &number, reason, now)? {
                applied.rejected.push((number, reason.clone()));
            }
        }
    }
    Ok(applied)
}

/// The deposit of `number` in this flux was refused as a duplicate: it is on Chorus Pro.
/// Its journal row moves (forward) to DEPOSEE and says so, and it is put among the
/// invoices to look up by number. `None` when the flux holds no such deposit, or when it
/// already ended in failure (free to send again: nothing to follow).
fn record_duplicate(
    db: &dyn Sql,
    flux_id: i64,
    number: &str,
    message: &str,
    now: &str,
) -> Result<Option<String>, SqlError> {
    let Some(entry) = deposits::entry_in_flux(db, flux_id, number)? else {
        return Ok(None);
    };
    let note = "déjà sur Chorus Pro : ce dépôt en double a été refusé, la facture déjà reçue \
                est recherchée par son numéro pour être suivie ; ne pas la redéposer"
        .to_string();
    let settled = deposits::settle(
        db,
        entry.id,
        entry.state,
        JournalState::Deposited,
        &note,
        now,
    )?;
    if settled.state != JournalState::Deposited {
        return Ok(None);
    }
    deposits::annotate(db, entry.id, JournalState::Deposited, &note)?;
    db.execute(
        "INSERT INTO duplicate_deposits (journal_id, invoice_number, flux_id, message, seen_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        sql_params![entry.id, number, flux_id, message, now],
    )?;
    Ok(Some(note))
}

/// A deposit refused as a duplicate, still to be found on Chorus Pro by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateToLookUp {
    pub journal_id: i64,
    pub invoice_number: String,
    /// Our flux (the refused copy) and its number.
    pub flux_id: i64,
    pub flux_number: String,
    pub company_code: String,
    pub sent_at: String,
}

pub fn duplicates_to_look_up(db: &dyn Sql) -> Result<Vec<DuplicateToLookUp>, SqlError> {
    db.rows(
        "SELECT d.journal_id, d.invoice_number, d.flux_id, COALESCE(f.flux_number, ''),
             f.company_code, COALESCE(f.sent_at, '')
         FROM duplicate_deposits d JOIN fluxes f ON f.id = d.flux_id
         JOIN deposit_journal j ON j.id = d.journal_id AND j.state = 'DEPOSEE'
         WHERE d.state = 'A_RECHERCHER' ORDER BY d.journal_id",
        &[],
        |r| {
            Ok(DuplicateToLookUp {
                journal_id: r.int(0)?,
                invoice_number: r.text(1)?,
                flux_id: r.int(2)?,
                flux_number: r.text(3)?,
                company_code: r.text(4)?,
                sent_at: r.text(5)?,
            })
        },
    )
}

/// The duplicate was found on Chorus Pro under `chorus_flux_number`: it is followed from
/// now on (its `chorus_invoices` row is written by the caller in the same transaction).
pub fn duplicate_found(
    db: &dyn Sql,
    journal_id: i64,
    chorus_flux_number: &str,
    note: &str,
    now: &str,
) -> Result<(), SqlError> {
    db.execute(
        "UPDATE duplicate_deposits SET state = 'TROUVEE', chorus_flux_number = ?2, note = ?3,
             looked_up_at = ?4 WHERE journal_id = ?1",
        sql_params![journal_id, chorus_flux_number, note, now],
    )?;
    deposits::annotate(db, journal_id, JournalState::Deposited, note)?;
    Ok(())
}

/// The lookup did not find it (or failed): it stays to look up, with why.
pub fn duplicate_not_found(
    db: &dyn Sql,
    journal_id: i64,
    note: &str,
    now: &str,
) -> Result<(), SqlError> {
    db.execute(
        "UPDATE duplicate_deposits SET note = ?2, looked_up_at = ?3
         WHERE journal_id = ?1 AND state = 'A_RECHERCHER'",
        sql_params![journal_id, note, now],
    )?;
    Ok(())
}

/// The found duplicates not final yet: their history is asked at each sync (no flux search
/// of ours names them).
pub fn duplicates_to_follow(db: &dyn Sql) -> Result<Vec<KnownInvoice>, SqlError> {
    db.rows(
        "SELECT ci.invoice_number, f.company_code, ci.flux_id, ci.cpp_id, ci.status,
             ci.status_at, ci.is_final, ci.payment_not_reported, ci.deposited_on
         FROM duplicate_deposits d
         JOIN fluxes f ON f.id = d.flux_id
         JOIN chorus_invoices ci ON ci.invoice_number = d.invoice_number
             AND ci.flux_id = d.flux_id
         JOIN deposit_journal j ON j.id = d.journal_id AND j.state = 'DEPOSEE'
         WHERE d.state = 'TROUVEE' AND ci.is_final = 0 AND ci.cpp_id IS NOT NULL
         ORDER BY d.journal_id",
        &[],
        known_from_row,
    )
}

/// An invoice Chorus Pro refused as a duplicate of one it holds (latest such deposit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateDeposit {
    pub invoice_number: String,
    /// Our flux whose copy was refused.
    pub flux_number: String,
    pub message: String,
    pub seen_at: String,
    /// Found on Chorus Pro (its identifiantFactureCPP is known).
    pub found: bool,
    /// The flux under which Chorus Pro knows it, once found.
    pub chorus_flux_number: String,
    /// What the last lookup said (French).
    pub note: String,
}

pub fn duplicate_of(
    db: &dyn Sql,
    invoice_number: &str,
) -> Result<Option<DuplicateDeposit>, SqlError> {
    db.first_row(
        "SELECT d.invoice_number, COALESCE(f.flux_number, ''), d.message, d.seen_at,
             d.state = 'TROUVEE', d.chorus_flux_number, d.note
         FROM duplicate_deposits d JOIN fluxes f ON f.id = d.flux_id
         WHERE d.invoice_number = ?1 ORDER BY d.journal_id DESC LIMIT 1",
        sql_params![invoice_number],
        |r| {
            Ok(DuplicateDeposit {
                invoice_number: r.text(0)?,
                flux_number: r.text(1)?,
                message: r.text(2)?,
                seen_at: r.text(3)?,
                found: r.flag(4)?,
                chorus_flux_number: r.text(5)?,
                note: r.text(6)?,
            })
        },
    )
}

/// SIRET of each invoicing company (to pick, among the invoices a search finds, the
/// company's own).
pub fn company_sirets(db: &dyn Sql) -> Result<HashMap<String, String>, SqlError> {
    Ok(db
        .rows("SELECT code, siret FROM companies", &[], |r| {
            Ok((r.text(0)?, r.text(1)?))
        })?
        .into_iter()
        .collect())
}

/// An invoice found on Chorus Pro by `rechercher/fournisseur`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearntInvoice {
    pub invoice_number: String,
    pub company_code: String,
    pub flux_id: i64,
    pub flux_number: String,
    pub cpp_id: Option<i64>,
    pub deposited_on: String,
    pub payment_not_reported: bool,
}

/// Inserts or refreshes the invoices of one search, in one batch. An invoice seen in
/// another flux than before (deposited again) starts its status afresh.
pub fn upsert_learnt(db: &dyn Sql, rows: &[LearntInvoice], now: &str) -> Result<(), SqlError> {
    // `IS NOT DISTINCT FROM`: equal, NULLs included (SQLite's `IS`, PostgreSQL's spelling).
    const UPSERT: &str =
        "INSERT INTO chorus_invoices (invoice_number, company_code, flux_id, flux_number, cpp_id,
             deposited_on, payment_not_reported, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(invoice_number) DO UPDATE SET
             status = CASE WHEN chorus_invoices.flux_id IS NOT DISTINCT FROM excluded.flux_id
                           THEN chorus_invoices.status ELSE '' END,
             status_at = CASE WHEN chorus_invoices.flux_id IS NOT DISTINCT FROM excluded.flux_id
                              THEN chorus_invoices.status_at ELSE '' END,
             is_final = CASE WHEN chorus_invoices.flux_id IS NOT DISTINCT FROM excluded.flux_id
                             THEN chorus_invoices.is_final ELSE 0 END,
             company_code = excluded.company_code,
             flux_id = excluded.flux_id,
             flux_number = excluded.flux_number,
             cpp_id = COALESCE(excluded.cpp_id, chorus_invoices.cpp_id),
             deposited_on = CASE WHEN excluded.deposited_on <> '' THEN excluded.deposited_on
                                 ELSE chorus_invoices.deposited_on END,
             payment_not_reported = excluded.payment_not_reported,
             synced_at = excluded.synced_at";
    for r in rows {
        db.execute(
            UPSERT,
            sql_params![
                &r.invoice_number,
                &r.company_code,
                r.flux_id,
                &r.flux_number,
                r.cpp_id,
                &r.deposited_on,
                r.payment_not_reported,
                now
            ],
        )?;
    }
    Ok(())
}

/// One status an invoice went through, with the recipient's comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub status: String,
    pub at: String,
    pub comment: String,
}

/// The whole history of an invoice as `consulter/historique` gave it, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryUpdate {
    pub invoice_number: String,
    pub entries: Vec<HistoryEntry>,
    pub status: String,
    pub status_at: String,
    pub is_final: bool,
}

/// Writes a batch of histories; entries already kept are ignored (UNIQUE(invoice, status,
/// at)). Returns the number of new history rows.
pub fn apply_history(
    db: &dyn Sql,
    updates: &[HistoryUpdate],
    now: &str,
) -> Result<usize, SqlError> {
    let mut added = 0;
    for u in updates {
        for e in &u.entries {
            added += db.execute(
                "INSERT INTO status_history (invoice_number, status, at, comment)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                sql_params![&u.invoice_number, &e.status, &e.at, &e.comment],
            )?;
        }
        db.execute(
            "UPDATE chorus_invoices SET status = ?2, status_at = ?3, is_final = ?4,
                 synced_at = ?5
             WHERE invoice_number = ?1",
            sql_params![&u.invoice_number, &u.status, &u.status_at, u.is_final, now],
        )?;
    }
    Ok(usize::try_from(added).unwrap_or(usize::MAX))
}

/// A change seen by a sync, for « ce qui a changé depuis la dernière consultation ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncChange {
    pub invoice_number: String,
    /// `STATUT`, `REJET_FLUX`, `IDENTIFIANT` or `DEJA_SUR_CHORUS`.
    pub kind: String,
    pub old_status: String,
    pub new_status: String,
    pub at: String,
    pub comment: String,
}

pub const CHANGE_STATUS: &str = "STATUT";
pub const CHANGE_FLUX_REJECTION: &str = "REJET_FLUX";
pub const CHANGE_IDENTIFIER: &str = "IDENTIFIANT";
/// A copy refused as a duplicate, the invoice found on Chorus Pro under another flux.
pub const CHANGE_ALREADY_ON_CHORUS: &str = "DEJA_SUR_CHORUS";

pub fn record_changes(db: &dyn Sql, run_id: i64, changes: &[SyncChange]) -> Result<(), SqlError> {
    for c in changes {
        db.execute(
            "INSERT INTO sync_changes (run_id, invoice_number, kind, old_status, new_status, at,
                 comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            sql_params![
                run_id,
                &c.invoice_number,
                &c.kind,
                &c.old_status,
                &c.new_status,
                &c.at,
                &c.comment
            ],
        )?;
    }
    Ok(())
}

/// The counts of a sync run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncRun {
    pub id: i64,
    pub started_at: String,
    pub finished_at: String,
    pub fluxes_checked: usize,
    pub invoices_learnt: usize,
    pub statuses_changed: usize,
    pub errors: usize,
    pub cancelled: bool,
}

pub fn begin_run(db: &dyn Sql, now: &str) -> Result<i64, SqlError> {
    db.first_row(
        "INSERT INTO sync_runs (started_at) VALUES (?1) RETURNING id",
        sql_params![now],
        |r| r.int(0),
    )?
    .ok_or_else(|| SqlError::Other("la synchronisation n'a pas été enregistrée".into()))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub fn finish_run(db: &dyn Sql, run: &SyncRun) -> Result<(), SqlError> {
    db.execute(
        "UPDATE sync_runs SET finished_at = ?2, fluxes_checked = ?3, invoices_learnt = ?4,
             statuses_changed = ?5, errors = ?6, cancelled = ?7 WHERE id = ?1",
        sql_params![
            run.id,
            &run.finished_at,
            count(run.fluxes_checked),
            count(run.invoices_learnt),
            count(run.statuses_changed),
            count(run.errors),
            run.cancelled
        ],
    )?;
    Ok(())
}

/// The latest finished sync, if any.
pub fn last_run(db: &dyn Sql) -> Result<Option<SyncRun>, SqlError> {
    db.first_row(
        "SELECT id, started_at, finished_at, fluxes_checked, invoices_learnt, statuses_changed,
             errors, cancelled FROM sync_runs WHERE finished_at <> '' ORDER BY id DESC LIMIT 1",
        &[],
        |r| {
            Ok(SyncRun {
                id: r.int(0)?,
                started_at: r.text(1)?,
                finished_at: r.text(2)?,
                fluxes_checked: r.int_as(3)?,
                invoices_learnt: r.int_as(4)?,
                statuses_changed: r.int_as(5)?,
                errors: r.int_as(6)?,
                cancelled: r.flag(7)?,
            })
        },
    )
}

/// The changes seen by the syncs after run `after_run` (0: all), oldest first.
pub fn changes_since(db: &dyn Sql, after_run: i64) -> Result<Vec<SyncChange>, SqlError> {
    db.rows(
        "SELECT invoice_number, kind, old_status, new_status, at, comment FROM sync_changes
         WHERE run_id > ?1 ORDER BY id",
        sql_params![after_run],
        |r| {
            Ok(SyncChange {
                invoice_number: r.text(0)?,
                kind: r.text(1)?,
                old_status: r.text(2)?,
                new_status: r.text(3)?,
                at: r.text(4)?,
                comment: r.text(5)?,
            })
        },
    )
}

// ---- queries of the views and the CLI -----------------------------------------------------

/// The status history of an invoice, oldest first.
pub fn history(db: &dyn Sql, invoice_number: &str) -> Result<Vec<HistoryEntry>, SqlError> {
    db.rows(
        "SELECT status, at, comment FROM status_history WHERE invoice_number = ?1
         ORDER BY at, id",
        sql_params![invoice_number],
        |r| {
            Ok(HistoryEntry {
                status: r.text(0)?,
                at: r.text(1)?,
                comment: r.text(2)?,
            })
        },
    )
}

fn flux_error_from_row(r: &Row) -> Result<FluxError, SqlError> {
    Ok(FluxError {
        flux_id: r.int(0)?,
        invoice_number: r.text(1)?,
        code: r.text(2)?,
        message: r.text(3)?,
        at: r.text(4)?,
        duplicate: r.flag(5)?,
    })
}

/// Why Chorus Pro did not integrate an invoice, every time it refused it, oldest first.
/// Not the copies refused as duplicates: those are not a rejection of the invoice, which
/// is on Chorus Pro (see `duplicate_of`).
pub fn flux_errors_of(db: &dyn Sql, invoice_number: &str) -> Result<Vec<FluxError>, SqlError> {
    db.rows(
        "SELECT flux_id, invoice_number, code, message, at, duplicate FROM flux_errors
         WHERE invoice_number = ?1 AND duplicate = 0 ORDER BY id",
        sql_params![invoice_number],
        flux_error_from_row,
    )
}

/// One flux for the flux list of the « Gestionnaire ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxSummary {
    pub id: i64,
    pub company_code: String,
    /// `numeroFluxDepot`, empty while not accepted.
    pub flux_number: String,
    /// When it was sent (or written, if never sent), RFC 3339.
    pub date: String,
    /// `LOT` or `SEQUENTIEL`.
    pub mode: String,
    pub syntax: String,
    pub name: String,
    pub invoice_count: usize,
    /// GENERE, ENVOYE, A_VERIFIER, ECHEC.
    pub state: String,
    /// `etatCourantDepotFlux`, empty until the first sync.
    pub chorus_state: String,
    pub error: String,
    /// The file sent, kept on disk.
    pub file_path: String,
    pub errors: Vec<FluxError>,
}

/// Every flux, newest first, with its errors.
pub fn flux_list(db: &dyn Sql) -> Result<Vec<FluxSummary>, SqlError> {
    let mut errors: HashMap<i64, Vec<FluxError>> = HashMap::new();
    for e in db.rows(
        "SELECT flux_id, invoice_number, code, message, at, duplicate FROM flux_errors
         ORDER BY id",
        &[],
        flux_error_from_row,
    )? {
        errors.entry(e.flux_id).or_default().push(e);
    }
    db.rows(
        "SELECT id, company_code, COALESCE(flux_number, ''), COALESCE(sent_at, created_at), mode,
             syntax, name, invoice_count, state, chorus_state, error, file_path
         FROM fluxes ORDER BY id DESC",
        &[],
        |r| {
            let id = r.int(0)?;
            Ok(FluxSummary {
                id,
                company_code: r.text(1)?,
                flux_number: r.text(2)?,
                date: r.text(3)?,
                mode: r.text(4)?,
                syntax: r.text(5)?,
                name: r.text(6)?,
                invoice_count: r.int_as(7)?,
                state: r.text(8)?,
                chorus_state: r.text(9)?,
                error: r.text(10)?,
                file_path: r.text(11)?,
                errors: errors.remove(&id).unwrap_or_default(),
            })
        },
    )
}

/// A deposited invoice and what Chorus Pro says of it (`status` empty: not known yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositedStatus {
    pub invoice_number: String,
    pub cpp_id: Option<i64>,
    pub status: String,
    pub status_at: String,
    /// The flux under which Chorus Pro knows the invoice (for a duplicate, not the flux of
    /// our refused copy).
    pub flux_number: String,
}

/// Every deposited invoice (journal `DEPOSEE`), sorted by number.
pub fn deposited_statuses(db: &dyn Sql) -> Result<Vec<DepositedStatus>, SqlError> {
    db.rows(
        "SELECT j.invoice_number, ci.cpp_id, COALESCE(ci.status, ''), COALESCE(ci.status_at, ''),
             COALESCE(NULLIF(ci.flux_number, ''), f.flux_number, '')
         FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         LEFT JOIN chorus_invoices ci ON ci.invoice_number = j.invoice_number
             AND ci.flux_id = j.flux_id
         WHERE j.state = 'DEPOSEE' ORDER BY j.invoice_number",
        &[],
        |r| {
            Ok(DepositedStatus {
                invoice_number: r.text(0)?,
                cpp_id: r.opt_int(1)?,
                status: r.text(2)?,
                status_at: r.text(3)?,
                flux_number: r.text(4)?,
            })
        },
    )
}

/// The raw facts from which an invoice's stage in the status tree is decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrackedRow {
    pub number: String,
    pub company_code: String,
    pub company_name: String,
    pub client_code: String,
    pub client_name: String,
    pub kind: String,
    pub invoice_date: String,
    pub amount_incl_tax: String,
    /// State of the invoice's latest deposit journal row, if it was ever deposited.
    pub journal_state: Option<String>,
    /// When that deposit ended (or started), RFC 3339.
    pub journal_at: String,
    /// `etatCourantDepotFlux` of that deposit's flux.
    pub flux_chorus_state: String,
    /// The flux of that deposit named this invoice in its errors.
    pub flux_error: bool,
    /// Chorus status (empty: not known yet) and `dateDepot`.
    pub chorus_status: String,
    pub deposited_on: String,
}

/// Every invoice of a public client in the ERP mirror, with its deposit and Chorus facts.
pub fn tracked_rows(db: &dyn Sql) -> Result<Vec<TrackedRow>, SqlError> {
    db.rows(
        "SELECT i.number, i.company_code, COALESCE(co.name, ''), i.client_code, cl.name, i.kind,
             i.invoice_date, i.total_incl_tax, j.state,
             COALESCE(j.finished_at, j.started_at, ''), COALESCE(f.chorus_state, ''),
             EXISTS (SELECT 1 FROM flux_errors fe
                     WHERE fe.invoice_number = i.number AND fe.flux_id = j.flux_id
                       AND fe.duplicate = 0),
             COALESCE(ci.status, ''), COALESCE(ci.deposited_on, '')
         FROM invoices i
         JOIN clients cl ON cl.code = i.client_code
         LEFT JOIN companies co ON co.code = i.company_code
         LEFT JOIN deposit_journal j ON j.id =
             (SELECT max(id) FROM deposit_journal WHERE invoice_number = i.number)
         LEFT JOIN fluxes f ON f.id = j.flux_id
         LEFT JOIN chorus_invoices ci ON ci.invoice_number = i.number AND ci.flux_id = j.flux_id
         WHERE cl.client_type = 'PUBLIC'
         ORDER BY i.number",
        &[],
        |r| {
            Ok(TrackedRow {
                number: r.text(0)?,
                company_code: r.text(1)?,
                company_name: r.text(2)?,
                client_code: r.text(3)?,
                client_name: r.text(4)?,
                kind: r.text(5)?,
                invoice_date: r.text(6)?,
                amount_incl_tax: r.text(7)?,
                journal_state: r.opt_text(8)?,
                journal_at: r.text(9)?,
                flux_chorus_state: r.text(10)?,
                flux_error: r.flag(11)?,
                chorus_status: r.text(12)?,
                deposited_on: r.text(13)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::deposits::{self, FluxMode, JournalState, NewFlux};

    fn flux(conn: &rusqlite::Connection, number: &str) -> i64 {
        let id = deposits::insert_flux(
            conn,
            &NewFlux {
                company_code: "S".into(),
                mode: FluxMode::Lot,
                syntax: "IN_DP_E2_CII_FACTURX".into(),
                name: "Lot".into(),
                file_path: "/tmp/x".into(),
                file_sha256: "00".into(),
                file_size: 1,
                invoice_count: 2,
                created_at: "2026-11-23T08:00:00+01:00".into(),
            },
        )
        .unwrap();
        deposits::flux_sent(conn, id, number, "2026-11-23T08:00:01+01:00").unwrap();
        id
    }

    #[test]
    fn a_partial_report_fails_only_the_named_invoices_and_a_history_is_kept_once() {
        let mut store = Store::open_in_memory().unwrap();
        let conn = store.conn_mut();
        let id = flux(conn, "CPP1");
        for n in ["F1", "F2"] {
            let j = deposits::begin(conn, n, id, "t").unwrap().unwrap();
            deposits::finish(conn, j, JournalState::Deposited, "", "t").unwrap();
        }
        assert_eq!(fluxes_to_check(conn).unwrap().len(), 1);
        let tx = conn.transaction().unwrap();
        let moved = apply_flux_report(
            &*tx,
            id,
            &FluxReport {
                chorus_state: "IN_INTEGRE_PARTIEL".into(),
                failed: vec![("F2".into(), "Rejetée".into())],
                ..FluxReport::default()
            },
            "t2",
        )
        .unwrap();
        tx.commit().unwrap();
        assert!(moved.written);
        assert_eq!(
            moved.rejected,
            vec![("F2".to_string(), "Rejetée".to_string())]
        );
        assert!(fluxes_to_check(conn).unwrap().is_empty());
        // F2 may be deposited again.
        assert!(deposits::begin(conn, "F2", id, "t3").unwrap().is_some());
        let search = fluxes_to_search(conn).unwrap();
        assert_eq!((search[0].deposited, search[0].unknown), (1, 1));

        let tx = conn.transaction().unwrap();
        upsert_learnt(
            &*tx,
            &[LearntInvoice {
                invoice_number: "F1".into(),
                company_code: "S".into(),
                flux_id: id,
                flux_number: "CPP1".into(),
                cpp_id: Some(7),
                deposited_on: "2026-11-23".into(),
                payment_not_reported: false,
            }],
            "t",
        )
        .unwrap();
        let update = HistoryUpdate {
            invoice_number: "F1".into(),
            entries: vec![
                HistoryEntry {
                    status: "DEPOSEE".into(),
                    at: "a".into(),
                    comment: String::new(),
                },
                HistoryEntry {
                    status: "MISE_EN_PAIEMENT".into(),
                    at: "b".into(),
                    comment: String::new(),
                },
            ],
            status: "MISE_EN_PAIEMENT".into(),
            status_at: "b".into(),
            is_final: true,
        };
        assert_eq!(
            apply_history(&*tx, std::slice::from_ref(&update), "t").unwrap(),
            2
        );
        assert_eq!(apply_history(&*tx, &[update], "t").unwrap(), 0);
        tx.commit().unwrap();
        assert_eq!(history(conn, "F1").unwrap().len(), 2);
        assert!(fluxes_to_search(conn).unwrap().is_empty());
        let statuses = deposited_statuses(conn).unwrap();
        assert_eq!(statuses.len(), 1);
        assert_eq!(statuses[0].cpp_id, Some(7));
        assert_eq!(statuses[0].status, "MISE_EN_PAIEMENT");
    }
}

/// An invoice Chorus Pro refused at integration, still to correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRejection {
    pub invoice_number: String,
    pub message: String,
    pub at: String,
    pub flux_number: String,
}

/// The integration rejections not yet acknowledged as corrected: the invoice's latest
/// deposit failed (`ECHEC`) and its flux named it in its errors. Never a copy refused as a
/// duplicate (« déjà reçue de ce fournisseur »): that invoice is on Chorus Pro, its deposit
/// stays DEPOSEE, and it must not be offered for a new deposit.
pub fn open_rejections(db: &dyn Sql) -> Result<HashMap<String, OpenRejection>, SqlError> {
    let rows = db.rows(
        "SELECT fe.invoice_number, fe.message, fe.at, COALESCE(f.flux_number, '')
         FROM flux_errors fe
         JOIN deposit_journal j ON j.id =
             (SELECT max(id) FROM deposit_journal WHERE invoice_number = fe.invoice_number)
         JOIN fluxes f ON f.id = fe.flux_id
         WHERE j.flux_id = fe.flux_id AND j.state = 'ECHEC' AND fe.duplicate = 0
           AND fe.id NOT IN (SELECT flux_error_id FROM rejection_acknowledgements)
         ORDER BY fe.id",
        &[],
        |r| {
            Ok(OpenRejection {
                invoice_number: r.text(0)?,
                message: r.text(1)?,
                at: r.text(2)?,
                flux_number: r.text(3)?,
            })
        },
    )?;
    // The latest rejection of an invoice wins (rows come oldest first).
    Ok(rows
        .into_iter()
        .map(|row| (row.invoice_number.clone(), row))
        .collect())
}

/// The clerk corrected the invoice: its rejections no longer hold it back.
pub fn acknowledge_rejections(
    db: &dyn Sql,
    invoice_number: &str,
    now: &str,
) -> Result<usize, SqlError> {
    // The SELECT keeps its WHERE: SQLite reads `ON CONFLICT` after a SELECT only then.
    let added = db.execute(
        "INSERT INTO rejection_acknowledgements (flux_error_id, at)
         SELECT id, ?2 FROM flux_errors WHERE invoice_number = ?1 ON CONFLICT DO NOTHING",
        sql_params![invoice_number, now],
    )?;
    Ok(usize::try_from(added).unwrap_or(usize::MAX))
}
