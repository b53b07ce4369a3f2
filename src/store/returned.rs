//! Queries for the invoices Chorus Pro sent back: the actions taken on them
//! (`invoice_actions`), the rejected invoices to cancel by a credit note
//! (`credit_notes_due`), and the few reads of `chorus_invoices` / `status_history` they need.
//! Written once for both engines (`store::sql`).

use super::sql::{Row, Sql, SqlError};
use crate::sql_params;

/// An action's outcome, as stored.
pub const RESULT_PENDING: &str = "EN_COURS";
pub const RESULT_OK: &str = "OK";
pub const RESULT_ERROR: &str = "ERREUR";
/// The request left but no usable answer came back: Chorus Pro may have acted on it.
pub const RESULT_UNKNOWN: &str = "INCONNU";

/// One row of `invoice_actions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRow {
    pub id: i64,
    pub invoice_number: String,
    pub action: String,
    pub at: String,
    pub detail: String,
    pub result: String,
    pub error: String,
}

/// What the local mirror knows of an invoice on Chorus Pro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChorusLink {
    pub company_code: String,
    pub cpp_id: Option<i64>,
    pub status: String,
}

/// One row of `credit_notes_due`, with what the ERP needs to issue the credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteDueRow {
    pub invoice_number: String,
    pub marked_at: String,
    pub reason: String,
    pub company_code: String,
    pub client_code: String,
    pub client_name: String,
    pub invoice_date: String,
    /// As written in the mirror (a decimal string), empty if the invoice left the mirror.
    pub total_incl_tax: String,
    pub currency: String,
}

/// Starts an action: written before any call, so that a crash leaves a trace.
pub fn begin_action(
    db: &dyn Sql,
    invoice_number: &str,
    action: &str,
    at: &str,
    detail: &str,
) -> Result<i64, SqlError> {
    let id = db.first_row(
        "INSERT INTO invoice_actions (invoice_number, action, at, detail, result)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        sql_params![invoice_number, action, at, detail, RESULT_PENDING],
        |r| r.int(0),
    )?;
    id.ok_or_else(|| SqlError::Other("l'action n'a pas été enregistrée".into()))
}

/// Ends an action: `error` empty means success.
pub fn finish_action(db: &dyn Sql, id: i64, error: &str) -> Result<(), SqlError> {
    let result = if error.is_empty() {
        RESULT_OK
    } else {
        RESULT_ERROR
    };
    finish_action_with(db, id, result, error)
}

/// Ends an action with an explicit result (`RESULT_*`).
pub fn finish_action_with(
    db: &dyn Sql,
    id: i64,
    result: &str,
    error: &str,
) -> Result<(), SqlError> {
    db.execute(
        "UPDATE invoice_actions SET result = ?2, error = ?3 WHERE id = ?1",
        sql_params![id, result, error],
    )?;
    Ok(())
}

/// The actions on an invoice, oldest first (the timeline).
pub fn actions_of(db: &dyn Sql, invoice_number: &str) -> Result<Vec<ActionRow>, SqlError> {
    db.rows(
        "SELECT id, invoice_number, action, at, detail, result, error FROM invoice_actions
         WHERE invoice_number = ?1 ORDER BY at, id",
        sql_params![invoice_number],
        |r| {
            Ok(ActionRow {
                id: r.int(0)?,
                invoice_number: r.text(1)?,
                action: r.text(2)?,
                at: r.text(3)?,
                detail: r.text(4)?,
                result: r.text(5)?,
                error: r.text(6)?,
            })
        },
    )
}

pub fn chorus_link(db: &dyn Sql, invoice_number: &str) -> Result<Option<ChorusLink>, SqlError> {
    db.first_row(
        "SELECT company_code, cpp_id, status FROM chorus_invoices WHERE invoice_number = ?1",
        sql_params![invoice_number],
        |r| {
            Ok(ChorusLink {
                company_code: r.text(0)?,
                cpp_id: r.opt_int(1)?,
                status: r.text(2)?,
            })
        },
    )
}

/// The local status after an action, so that the tree moves before the next sync.
pub fn set_status(
    db: &dyn Sql,
    invoice_number: &str,
    status: &str,
    at: &str,
) -> Result<(), SqlError> {
    db.execute(
        "UPDATE chorus_invoices SET status = ?2, status_at = ?3, is_final = 0
         WHERE invoice_number = ?1",
        sql_params![invoice_number, status, at],
    )?;
    Ok(())
}

/// The comment of the last `status` step of an invoice's history, if it has one.
pub fn last_comment_of_status(
    db: &dyn Sql,
    invoice_number: &str,
    status: &str,
) -> Result<Option<String>, SqlError> {
    db.first_row(
        "SELECT comment FROM status_history
         WHERE invoice_number = ?1 AND status = ?2 AND trim(comment) <> ''
         ORDER BY at DESC, id DESC LIMIT 1",
        sql_params![invoice_number, status],
        |r| r.text(0),
    )
}

/// Marks a rejected invoice « à annuler par un avoir »; false if it already was.
pub fn insert_credit_note_due(
    db: &dyn Sql,
    invoice_number: &str,
    marked_at: &str,
    reason: &str,
) -> Result<bool, SqlError> {
    let n = db.execute(
        "INSERT INTO credit_notes_due (invoice_number, marked_at, reason)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (invoice_number) DO NOTHING",
        sql_params![invoice_number, marked_at, reason],
    )?;
    Ok(n == 1)
}

/// Every invoice marked for a credit note, oldest mark first.
pub fn credit_notes_due(db: &dyn Sql) -> Result<Vec<CreditNoteDueRow>, SqlError> {
    db.rows(
        "SELECT d.invoice_number, d.marked_at, d.reason,
                coalesce(i.company_code, c.company_code, ''), coalesce(i.client_code, ''),
                coalesce(cl.name, ''), coalesce(i.invoice_date, ''),
                coalesce(i.total_incl_tax, ''), coalesce(i.currency, '')
         FROM credit_notes_due d
         LEFT JOIN invoices i ON i.number = d.invoice_number
         LEFT JOIN clients cl ON cl.code = i.client_code
         LEFT JOIN chorus_invoices c ON c.invoice_number = d.invoice_number
         ORDER BY d.marked_at, d.invoice_number",
        &[],
        |r| {
            Ok(CreditNoteDueRow {
                invoice_number: r.text(0)?,
                marked_at: r.text(1)?,
                reason: r.text(2)?,
                company_code: r.text(3)?,
                client_code: r.text(4)?,
                client_name: r.text(5)?,
                invoice_date: r.text(6)?,
                total_incl_tax: r.text(7)?,
                currency: r.text(8)?,
            })
        },
    )
}

pub fn is_credit_note_due(db: &dyn Sql, invoice_number: &str) -> Result<bool, SqlError> {
    Ok(db
        .first_row(
            "SELECT 1 FROM credit_notes_due WHERE invoice_number = ?1",
            sql_params![invoice_number],
            |_: &Row| Ok(()),
        )?
        .is_some())
}

/// Keeps the routing data an invoice was recycled with.
pub fn record_routing(
    db: &dyn Sql,
    invoice_number: &str,
    siret: &str,
    service_code: &str,
    engagement_number: &str,
    at: &str,
) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO recycled_routing (invoice_number, siret, service_code,
             engagement_number, at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (invoice_number) DO UPDATE SET siret = excluded.siret,
             service_code = excluded.service_code,
             engagement_number = excluded.engagement_number, at = excluded.at",
        sql_params![invoice_number, siret, service_code, engagement_number, at],
    )?;
    Ok(())
}

/// (SIRET, service code, engagement) of the invoice's last successful recycle.
pub fn routing_of(
    db: &dyn Sql,
    invoice_number: &str,
) -> Result<Option<(String, String, String)>, SqlError> {
    db.first_row(
        "SELECT siret, service_code, engagement_number FROM recycled_routing
         WHERE invoice_number = ?1",
        sql_params![invoice_number],
        |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)),
    )
}

/// An invoice Chorus Pro sent back (A_RECYCLER, SUSPENDUE, REJETEE), with what the
/// dialogs show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedRow {
    pub invoice_number: String,
    pub company_code: String,
    pub cpp_id: Option<i64>,
    pub status: String,
    pub status_at: String,
    pub client_name: String,
    pub total_incl_tax: String,
    /// The recipient's comment on the current status, if the history holds one.
    pub comment: String,
    pub marked_for_credit_note: bool,
}

/// Every invoice whose local status is A_RECYCLER, SUSPENDUE or REJETEE, by number.
pub fn returned_rows(db: &dyn Sql) -> Result<Vec<ReturnedRow>, SqlError> {
    db.rows(
        "SELECT c.invoice_number, c.company_code, c.cpp_id, c.status, c.status_at,
                coalesce(cl.name, ''), coalesce(i.total_incl_tax, ''),
                coalesce((SELECT h.comment FROM status_history h
                          WHERE h.invoice_number = c.invoice_number AND h.status = c.status
                            AND trim(h.comment) <> ''
                          ORDER BY h.at DESC, h.id DESC LIMIT 1), ''),
                EXISTS (SELECT 1 FROM credit_notes_due d WHERE d.invoice_number = c.invoice_number)
         FROM chorus_invoices c
         LEFT JOIN invoices i ON i.number = c.invoice_number
         LEFT JOIN clients cl ON cl.code = i.client_code
         WHERE trim(c.status) IN ('A_RECYCLER', 'SUSPENDUE', 'REJETEE')
         ORDER BY c.invoice_number",
        &[],
        |r| {
            Ok(ReturnedRow {
                invoice_number: r.text(0)?,
                company_code: r.text(1)?,
                cpp_id: r.opt_int(2)?,
                status: r.text(3)?,
                status_at: r.text(4)?,
                client_name: r.text(5)?,
                total_incl_tax: r.text(6)?,
                comment: r.text(7)?,
                marked_for_credit_note: r.flag(8)?,
            })
        },
    )
}
