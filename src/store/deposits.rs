//! The flux table and the deposit journal (migrations/0005_deposits.sql).

use super::sql::{Row, Sql, SqlError};
use crate::sql_params;

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

pub fn insert_flux(db: &dyn Sql, f: &NewFlux) -> Result<i64, SqlError> {
    let id = db.first_row(
        "INSERT INTO fluxes (company_code, mode, syntax, name, file_path, file_sha256,
             file_size, invoice_count, created_at, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'GENERE') RETURNING id",
        sql_params![
            &f.company_code,
            f.mode.code(),
            &f.syntax,
            &f.name,
            &f.file_path,
            &f.file_sha256,
            i64::try_from(f.file_size).unwrap_or(i64::MAX),
            i64::try_from(f.invoice_count).unwrap_or(i64::MAX),
            &f.created_at
        ],
        |r| r.int(0),
    )?;
    id.ok_or_else(|| SqlError::Other("le flux n'a pas été enregistré".into()))
}

// ---- the flux row ---------------------------------------------------------------------------
//
// A flux moves forward only, like the journal below: GENERE (written before the call) →
// ENVOYE (Chorus gave its number) | A_VERIFIER (outcome unknown) | ECHEC (not received);
// A_VERIFIER → ENVOYE (found on Chorus Pro) | ECHEC. ENVOYE and ECHEC are final. Every
// update names the states it may come from, so that a second session working on the same
// base (a reconciliation, another deposit window) cannot take a flux back.

/// The states a flux may be in before it reaches `to`.
fn flux_predecessors(to: &str) -> &'static [&'static str] {
    match to {
        "ENVOYE" | "ECHEC" => &["GENERE", "A_VERIFIER"],
        "A_VERIFIER" => &["GENERE"],
        _ => &[],
    }
}

/// `'A', 'B'` for an `IN (…)` of fixed codes.
fn sql_list(codes: &[&str]) -> String {
    if codes.is_empty() {
        return "NULL".into();
    }
    codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What became of a `numeroFluxDepot` given to a flux.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FluxNumbering {
    /// The flux holds the number (now, or already: another session recorded it first).
    Recorded,
    /// Another flux of this base already holds that number: Chorus Pro gave the same number
    /// twice, or the lookup found the invoice under another of our fluxes. Nothing written.
    HeldBy { flux_id: i64, name: String },
    /// The flux had already reached another end (another session's doing); nothing written.
    Settled { state: String },
}

/// The other flux holding `flux_number`, if any.
fn holder_of(
    db: &dyn Sql,
    flux_number: &str,
    except: i64,
) -> Result<Option<(i64, String)>, SqlError> {
    db.first_row(
        "SELECT id, name FROM fluxes WHERE flux_number = ?1 AND id <> ?2",
        sql_params![flux_number, except],
        |r| Ok((r.int(0)?, r.text(1)?)),
    )
}

/// Gives `flux_number` to flux `id` and makes it ENVOYE (`sent_at` only when it is the
/// deposit's own answer). Never fails on a number another flux holds: says so instead.
fn number_flux(
    db: &dyn Sql,
    id: i64,
    flux_number: &str,
    sent_at: Option<&str>,
) -> Result<FluxNumbering, SqlError> {
    let flux_number = flux_number.trim();
    // No number is not a number: the flux is marked sent, its number left unknown (an
    // empty text would take the UNIQUE slot of every other flux without a number).
    let number = (!flux_number.is_empty()).then_some(flux_number);
    if let Some(number) = number
        && let Some((flux_id, name)) = holder_of(db, number, id)?
    {
        return Ok(FluxNumbering::HeldBy { flux_id, name });
    }
    let sql = format!(
        "UPDATE fluxes SET state = 'ENVOYE', flux_number = COALESCE(flux_number, ?2),
             sent_at = COALESCE(?3, sent_at), error = ''
         WHERE id = ?1 AND state IN ({})",
        sql_list(flux_predecessors("ENVOYE"))
    );
    let updated = db.execute(&sql, sql_params![id, number, sent_at]);
    match updated {
        Ok(1) => Ok(FluxNumbering::Recorded),
        Ok(_) => {
            let (state, held) = db
                .first_row(
                    "SELECT state, flux_number FROM fluxes WHERE id = ?1",
                    sql_params![id],
                    |r| Ok((r.text(0)?, r.opt_text(1)?)),
                )?
                .ok_or_else(|| SqlError::Other(format!("flux n° {id} introuvable")))?;
            Ok(match (state.as_str(), held, number) {
                ("ENVOYE", Some(held), Some(ours)) if held != ours => FluxNumbering::Settled {
                    state: format!("envoyé sous le numéro {held}"),
                },
                ("ENVOYE", _, _) => FluxNumbering::Recorded,
                _ => FluxNumbering::Settled { state },
            })
        }
        // Another session gave the number to another flux between the check and the update.
        Err(e) if e.is_unique_violation() => Ok(match holder_of(db, flux_number, id)? {
            Some((flux_id, name)) => FluxNumbering::HeldBy { flux_id, name },
            None => return Err(e),
        }),
        Err(e) => Err(e),
    }
}

/// The flux was accepted: Chorus gave its number.
pub fn flux_sent(
    db: &dyn Sql,
    id: i64,
    flux_number: &str,
    sent_at: &str,
) -> Result<FluxNumbering, SqlError> {
    number_flux(db, id, flux_number, Some(sent_at))
}

/// `A_VERIFIER` or `ECHEC`, with the reason. False when the flux was no longer in a state
/// that may move there (another session recorded it first): nothing written.
pub fn flux_failed(db: &dyn Sql, id: i64, state: &str, error: &str) -> Result<bool, SqlError> {
    let sql = format!(
        "UPDATE fluxes SET state = ?2, error = ?3 WHERE id = ?1 AND state IN ({})",
        sql_list(flux_predecessors(state))
    );
    Ok(db.execute(&sql, sql_params![id, state, error])? > 0)
}

/// Generated fluxes thrown away before they were sent (the lot no longer matched what the
/// user had selected): marked so that nobody takes them for fluxes still to send.
pub fn fluxes_abandoned(db: &dyn Sql, ids: &[i64], why: &str) -> Result<(), SqlError> {
    for &id in ids {
        db.execute(
            "UPDATE fluxes SET state = 'ABANDONNE', error = ?2 WHERE id = ?1 AND state = 'GENERE'",
            sql_params![id, why],
        )?;
    }
    Ok(())
}

/// A deposit found on Chorus Pro after the fact: the flux was received after all.
pub fn flux_confirmed(db: &dyn Sql, id: i64, flux_number: &str) -> Result<FluxNumbering, SqlError> {
    let held = db.first_row(
        "SELECT flux_number FROM fluxes WHERE id = ?1",
        sql_params![id],
        |r| r.opt_text(0),
    )?;
    if let Some(Some(own)) = held
        && !own.is_empty()
    {
        // Already numbered (the deposit's own answer, or another lookup): kept.
        let sql = format!(
            "UPDATE fluxes SET state = 'ENVOYE', error = '' WHERE id = ?1 AND state IN ({})",
            sql_list(flux_predecessors("ENVOYE"))
        );
        db.execute(&sql, sql_params![id])?;
        return Ok(FluxNumbering::Recorded);
    }
    number_flux(db, id, flux_number, None)
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

fn entry_from_row(row: &Row) -> Result<JournalEntry, SqlError> {
    Ok(JournalEntry {
        id: row.int(0)?,
        invoice_number: row.text(1)?,
        flux_id: row.int(2)?,
        company_code: row.text(6)?,
        state: JournalState::from_code(&row.text(3)?),
        started_at: row.text(4)?,
        error: row.text(5)?,
    })
}

const ENTRY_COLUMNS: &str = "j.id, j.invoice_number, j.flux_id, j.state, j.started_at, j.error, \
     f.company_code";

/// Claims the invoice: writes its journal row BEFORE the call (and before anything can be
/// sent). `None` when the invoice already has a deposit that is not a definite failure
/// (unique index `deposit_journal_once`): the caller must not send it. The claim is the
/// insert itself, so two sessions — two windows on one SQLite file, two PCs on one
/// PostgreSQL base — can never both hold it; the loser's insert waits for the winner's
/// transaction, then does nothing. A claim outlives its session: a PC that dies after it
/// leaves an EN_COURS row the others read as « à vérifier » ([`unresolved`]), never free.
pub fn begin(
    db: &dyn Sql,
    invoice_number: &str,
    flux_id: i64,
    now: &str,
) -> Result<Option<i64>, SqlError> {
    db.first_row(
        "INSERT INTO deposit_journal (invoice_number, flux_id, state, started_at)
         VALUES (?1, ?2, 'EN_COURS', ?3) ON CONFLICT DO NOTHING RETURNING id",
        sql_params![invoice_number, flux_id, now],
        |r| r.int(0),
    )
}

/// What became of claiming every invoice of a flux at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FluxClaim {
    /// Every invoice is ours, in the order given: (invoice number, journal row).
    Claimed(Vec<(String, i64)>),
    /// These invoices already have a live deposit (another session's, or an earlier one):
    /// nothing was claimed, the flux must not leave — its file holds them.
    Taken(Vec<String>),
}

/// Claims all the invoices of one file, or none: a lot's archive cannot leave without one
/// of its invoices, so claiming some and sending it would deposit the others' invoices a
/// second time. One transaction; invoices claimed in sorted order so that two sessions
/// claiming overlapping lots wait for each other instead of deadlocking.
pub fn begin_all(
    db: &dyn Sql,
    invoice_numbers: &[String],
    flux_id: i64,
    now: &str,
) -> Result<FluxClaim, SqlError> {
    let mut order: Vec<usize> = (0..invoice_numbers.len()).collect();
    order.sort_by(|&a, &b| invoice_numbers[a].cmp(&invoice_numbers[b]));
    let mut ids = vec![0_i64; invoice_numbers.len()];
    let mut taken = Vec::new();
    let outcome = db.in_transaction(&mut |tx| {
        ids.iter_mut().for_each(|id| *id = 0);
        taken.clear();
        for &k in &order {
            match begin(tx, &invoice_numbers[k], flux_id, now)? {
                Some(id) => ids[k] = id,
                None => taken.push(invoice_numbers[k].clone()),
            }
        }
        if taken.is_empty() {
            Ok(())
        } else {
            // Rolls our claims back: none of this flux is ours.
            Err(SqlError::Other("factures déjà déposées".into()))
        }
    });
    match outcome {
        Ok(()) => Ok(FluxClaim::Claimed(
            invoice_numbers.iter().cloned().zip(ids).collect(),
        )),
        Err(_) if !taken.is_empty() => {
            taken.sort();
            Ok(FluxClaim::Taken(taken))
        }
        Err(e) => Err(e),
    }
}

/// Completes a deposit begun with [`begin`] (EN_COURS) with its answer: [`settle`] from
/// EN_COURS.
pub fn finish(
    db: &dyn Sql,
    id: i64,
    state: JournalState,
    error: &str,
    now: &str,
) -> Result<Settled, SqlError> {
    settle(db, id, JournalState::InProgress, state, error, now)
}

// ---- the journal's moves ---------------------------------------------------------------------

/// The journal moves forward only. This is the one definition of its moves:
///
/// ```text
/// EN_COURS   → DEPOSEE | A_VERIFIER | ECHEC   the deposit's answer, or a lookup after a crash
/// A_VERIFIER → DEPOSEE | ECHEC                found on Chorus Pro (or the late answer came), or
///                                             absent past the delay / refused for sure
/// DEPOSEE, ECHEC                              final
/// ```
///
/// So a « déposée » is never overwritten by « à vérifier » or « échec » (a reconciliation
/// of another session that looked too early), and « à vérifier » never goes back to
/// « en cours ». One exception, which is not a guess of ours but Chorus Pro's own verdict:
/// its flux report naming an invoice as not integrated ends a DEPOSEE deposit in ECHEC, so
/// that the invoice can be corrected and deposited again ([`reject_at_integration`]).
pub fn may_move(from: JournalState, to: JournalState) -> bool {
    use JournalState::*;
    matches!(
        (from, to),
        (InProgress, Deposited | Uncertain | Failed) | (Uncertain, Deposited | Failed)
    )
}

/// Where a journal row stands after an attempt to move it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The row's state now.
    pub state: JournalState,
    /// Its note now (ours when our move was written, else the other session's).
    pub note: String,
    /// The state another session had written in the meantime, when the row was no longer
    /// in the state read: the caller tells the user what the other session did.
    pub raced: Option<JournalState>,
}

impl Settled {
    /// Our move was written (or the row already was where we wanted it).
    pub fn reached(&self, to: JournalState) -> bool {
        self.state == to
    }
}

fn state_and_note(db: &dyn Sql, id: i64) -> Result<(JournalState, String), SqlError> {
    db.first_row(
        "SELECT state, error FROM deposit_journal WHERE id = ?1",
        sql_params![id],
        |r| Ok((JournalState::from_code(&r.text(0)?), r.text(1)?)),
    )?
    .ok_or_else(|| SqlError::Other(format!("dépôt n° {id} absent du journal")))
}

/// Moves journal row `id` from the state the caller read (`read`) to `to`, as a
/// compare-and-set (`UPDATE … WHERE id = ? AND state = ?`). When another session moved the
/// row first, the row is read again and our move is applied on top only if [`may_move`]
/// allows it from there; otherwise the row keeps what the other session wrote. Never an
/// error for a lost race: the answer says where the row stands.
pub fn settle(
    db: &dyn Sql,
    id: i64,
    read: JournalState,
    to: JournalState,
    note: &str,
    now: &str,
) -> Result<Settled, SqlError> {
    let mut from = read;
    let mut raced = None;
    // A few rounds at most: each lost round means the row moved forward, and it can move
    // forward only twice.
    for _ in 0..4 {
        if from != to && may_move(from, to) {
            let written = db.execute(
                "UPDATE deposit_journal SET state = ?2, error = ?3, finished_at = ?4
                 WHERE id = ?1 AND state = ?5",
                sql_params![id, to.code(), note, now, from.code()],
            )?;
            if written == 1 {
                return Ok(Settled {
                    state: to,
                    note: note.to_string(),
                    raced,
                });
            }
        }
        // Nothing written: where is the row really?
        let (current, current_note) = state_and_note(db, id)?;
        if current == from {
            // Already where we wanted it, or a move the rules refuse: it stays.
            return Ok(Settled {
                state: current,
                note: current_note,
                raced,
            });
        }
        raced = Some(current);
        from = current;
    }
    let (state, note) = state_and_note(db, id)?;
    Ok(Settled { state, note, raced })
}

/// Replaces the note of a row still in `state` (compare-and-set): false when it moved.
pub fn annotate(db: &dyn Sql, id: i64, state: JournalState, note: &str) -> Result<bool, SqlError> {
    Ok(db.execute(
        "UPDATE deposit_journal SET error = ?3 WHERE id = ?1 AND state = ?2",
        sql_params![id, state.code(), note],
    )? == 1)
}

/// Chorus Pro's flux report says the invoice of this deposit was not integrated: the
/// deposit ends in ECHEC with `reason`, whatever it was (the one way out of DEPOSEE, see
/// [`may_move`]). False when it already was a failure.
pub fn reject_at_integration(
    db: &dyn Sql,
    flux_id: i64,
    invoice_number: &str,
    reason: &str,
    now: &str,
) -> Result<bool, SqlError> {
    Ok(db.execute(
        "UPDATE deposit_journal SET state = 'ECHEC', error = ?3, finished_at = ?4
         WHERE flux_id = ?1 AND invoice_number = ?2 AND state <> 'ECHEC'",
        sql_params![flux_id, invoice_number, reason, now],
    )? > 0)
}

/// The journal row of an invoice in a flux (the latest), if any.
pub fn entry_in_flux(
    db: &dyn Sql,
    flux_id: i64,
    invoice_number: &str,
) -> Result<Option<JournalEntry>, SqlError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         WHERE j.flux_id = ?1 AND j.invoice_number = ?2 ORDER BY j.id DESC LIMIT 1"
    );
    db.first_row(&sql, sql_params![flux_id, invoice_number], entry_from_row)
}

/// The deposit of an invoice that is not a definite failure, if any.
pub fn active_entry(db: &dyn Sql, invoice_number: &str) -> Result<Option<JournalEntry>, SqlError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         WHERE j.invoice_number = ?1 AND j.state <> 'ECHEC'"
    );
    db.first_row(&sql, sql_params![invoice_number], entry_from_row)
}

/// Deposits whose outcome is not known yet: written before a call that never completed
/// (crash) or answered by a timeout or a dropped connection.
pub fn unresolved(db: &dyn Sql) -> Result<Vec<JournalEntry>, SqlError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
         WHERE j.state IN ('EN_COURS', 'A_VERIFIER') ORDER BY j.id"
    );
    db.rows(&sql, &[], entry_from_row)
}

/// Invoice numbers deposited or still to verify: never to be sent again.
pub fn not_to_resend(db: &dyn Sql) -> Result<Vec<String>, SqlError> {
    db.rows(
        "SELECT invoice_number FROM deposit_journal WHERE state <> 'ECHEC' ORDER BY 1",
        &[],
        |r| r.text(0),
    )
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

pub fn record_exchange(db: &dyn Sql, e: &ExchangeRow) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO api_exchanges (at, route, http_status, duration_ms, request_json,
             response_json, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        sql_params![
            &e.at,
            &e.route,
            e.http_status.map(u32::from),
            i64::try_from(e.duration_ms).unwrap_or(i64::MAX),
            &e.request_json,
            &e.response_json,
            &e.error
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use JournalState::*;

    fn flux(conn: &rusqlite::Connection, name: &str) -> i64 {
        insert_flux(
            conn,
            &NewFlux {
                company_code: "S".into(),
                mode: FluxMode::Sequential,
                syntax: "IN_DP_E1_UBL_INVOICE".into(),
                name: name.into(),
                file_path: String::new(),
                file_sha256: String::new(),
                file_size: 0,
                invoice_count: 1,
                created_at: "t".into(),
            },
        )
        .unwrap()
    }

    fn flux_state(conn: &rusqlite::Connection, id: i64) -> (String, Option<String>) {
        conn.query_row(
            "SELECT state, flux_number FROM fluxes WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    #[test]
    fn the_journal_only_moves_forward() {
        let all = [InProgress, Deposited, Uncertain, Failed];
        let allowed: Vec<(JournalState, JournalState)> = all
            .iter()
            .flat_map(|&a| all.iter().map(move |&b| (a, b)))
            .filter(|&(a, b)| may_move(a, b))
            .collect();
        assert_eq!(
            allowed,
            [
                (InProgress, Deposited),
                (InProgress, Uncertain),
                (InProgress, Failed),
                (Uncertain, Deposited),
                (Uncertain, Failed),
            ]
        );
    }

    #[test]
    fn a_lost_race_is_read_again_and_never_takes_deposee_back() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        let f = flux(conn, "F1");
        let id = begin(conn, "F1", f, "t").unwrap().unwrap();
        // Another session recorded the answer.
        let theirs = finish(conn, id, Deposited, "", "t").unwrap();
        assert_eq!((theirs.state, theirs.raced), (Deposited, None));
        // Ours, from the EN_COURS we had read: refused, and told what happened.
        let ours = settle(conn, id, InProgress, Uncertain, "pas encore visible", "t").unwrap();
        assert_eq!(ours.state, Deposited);
        assert_eq!(ours.raced, Some(Deposited));
        assert!(!ours.reached(Uncertain));
        let ours = settle(conn, id, InProgress, Failed, "absente", "t").unwrap();
        assert_eq!(ours.state, Deposited);
        assert_eq!(active_entry(conn, "F1").unwrap().unwrap().state, Deposited);

        // « à vérifier » written by the other session: our late answer moves it on.
        let id2 = begin(conn, "F2", flux(conn, "F2"), "t").unwrap().unwrap();
        settle(conn, id2, InProgress, Uncertain, "sans réponse", "t").unwrap();
        let ours = finish(conn, id2, Deposited, "", "t").unwrap();
        assert_eq!((ours.state, ours.raced), (Deposited, Some(Uncertain)));
        assert_eq!(ours.note, "");
        // Kept « à vérifier » (same state) never rewrites a row that moved on.
        let kept = settle(conn, id2, Uncertain, Uncertain, "sans réponse", "t").unwrap();
        assert_eq!(kept.state, Deposited);
        // The note of a row still in a state can be replaced, not of one that moved.
        assert!(annotate(conn, id2, Deposited, "déjà sur Chorus Pro").unwrap());
        assert!(!annotate(conn, id2, Uncertain, "x").unwrap());
        // Chorus Pro's integration verdict is the one way out of DEPOSEE.
        assert!(reject_at_integration(conn, f, "F1", "Rejetée", "t").unwrap());
        assert!(!reject_at_integration(conn, f, "F1", "Rejetée", "t").unwrap());
        assert!(
            begin(conn, "F1", f, "t").unwrap().is_some(),
            "may be sent again"
        );
    }

    #[test]
    fn a_flux_number_held_by_another_flux_is_reported_not_a_crash() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        let first = flux(conn, "Facture F1");
        let second = flux(conn, "Facture F2");
        assert_eq!(
            flux_sent(conn, first, "CPP1", "t").unwrap(),
            FluxNumbering::Recorded
        );
        assert_eq!(
            flux_sent(conn, second, "CPP1", "t").unwrap(),
            FluxNumbering::HeldBy {
                flux_id: first,
                name: "Facture F1".into()
            }
        );
        assert_eq!(flux_state(conn, second), ("GENERE".into(), None));
        assert!(flux_failed(conn, second, "A_VERIFIER", "numéro en double").unwrap());
        assert!(matches!(
            flux_confirmed(conn, second, " CPP1 ").unwrap(),
            FluxNumbering::HeldBy { .. }
        ));
        // A blank number is no number: the flux is marked sent, its number left unknown.
        let third = flux(conn, "Facture F3");
        assert_eq!(
            flux_confirmed(conn, third, "  ").unwrap(),
            FluxNumbering::Recorded
        );
        assert_eq!(flux_state(conn, third), ("ENVOYE".into(), None));
        // Never back from ENVOYE: a failure arriving late is not written.
        assert!(!flux_failed(conn, first, "ECHEC", "trop tard").unwrap());
        assert_eq!(
            flux_state(conn, first),
            ("ENVOYE".into(), Some("CPP1".into()))
        );
        // Confirmed by another session's lookup first: the deposit's own answer agrees.
        let fourth = flux(conn, "Facture F4");
        flux_confirmed(conn, fourth, "CPP4").unwrap();
        assert_eq!(
            flux_sent(conn, fourth, "CPP4", "t").unwrap(),
            FluxNumbering::Recorded
        );
        // … or not: the number found first is kept, the disagreement reported.
        assert!(matches!(
            flux_sent(conn, fourth, "CPP5", "t").unwrap(),
            FluxNumbering::Settled { state } if state.contains("CPP4")
        ));
        assert_eq!(
            flux_state(conn, fourth),
            ("ENVOYE".into(), Some("CPP4".into()))
        );
    }
}
