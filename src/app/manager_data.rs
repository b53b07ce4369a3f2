//! What the « Gestionnaire Chorus Pro » shows, read in one go on a worker thread: every
//! invoice with its stage, the payments, the fluxes, what changed since the user last
//! looked, and the technical passwords about to expire.

use super::connection::ConnectionSettings;
use super::connection_test::{Level, PASSWORD_REMINDER_DAYS, password_expiry_text};
use super::manager_view::InvoiceFacts;
use crate::model::status::InvoiceStatus;
use crate::store::settings;
use crate::store::sql::{Sql, SqlError};
use crate::store::tracking::{FluxError, FluxSummary, HistoryEntry, SyncChange, SyncRun};
use crate::tracking::follow_up::{ClientFollowUp, client_follow_up};
use crate::tracking::payments::{PaymentRow, PaymentSettings, payment_rows};
use crate::tracking::queries;
use crate::tracking::tree::{Stage, TrackedInvoice};
use chrono::NaiveDate;
use std::collections::HashSet;

/// The sync run the user last saw the changes of (app_settings).
const LAST_SEEN_KEY: &str = "gestionnaire_dernier_suivi_vu";

#[derive(Debug, Clone, Default)]
pub struct ManagerData {
    pub invoices: Vec<TrackedInvoice>,
    /// Position of each invoice in `invoices`, by number (the detail panel looks one up
    /// every frame).
    pub by_number: std::collections::HashMap<String, usize>,
    pub facts: InvoiceFacts,
    /// Every public invoice's payment follow-up, by number.
    pub payment_rows: Vec<PaymentRow>,
    /// Indexes into `payment_rows`: overdue, and awaiting payment (each in due-date order).
    pub overdue: Vec<usize>,
    pub outstanding: Vec<usize>,
    pub totals: crate::tracking::payments::PaymentTotals,
    /// The charts' data: the status tree's stages with their totals (all invoices, no
    /// search), average payment delay by client.
    pub amounts_by_status: Vec<(Stage, crate::tracking::tree::Totals)>,
    pub delay_by_client: Vec<(String, f64)>,
    pub follow_up: Vec<ClientFollowUp>,
    pub payment_settings: PaymentSettings,
    pub fluxes: Vec<FluxSummary>,
    pub last_sync: Option<SyncRun>,
    /// What the syncs found since the user last looked.
    pub news: Vec<SyncChange>,
    /// The newest sync run, to mark as seen.
    pub newest_run: i64,
    /// « Le mot de passe du compte technique de X expire le … ».
    pub password_reminders: Vec<(Level, String)>,
    /// Minutes between two automatic syncs while the window is open (0: never).
    pub sync_every_minutes: u32,
    pub today: NaiveDate,
}

/// Reads everything. `anomalous` are the invoices the latest checks found anomalies on:
/// never deposited, they are « en anomalie » rather than « à déposer ».
pub fn load(
    conn: &dyn Sql,
    anomalous: &HashSet<String>,
    today: NaiveDate,
) -> Result<ManagerData, String> {
    let sql = |e: &dyn std::fmt::Display| format!("lecture du suivi impossible : {e}");
    let mut invoices = queries::tracked_invoices(conn).map_err(|e| sql(&e))?;
    for invoice in &mut invoices {
        if invoice.stage == Stage::ToDeposit && anomalous.contains(&invoice.number) {
            invoice.stage = Stage::InAnomaly;
        }
    }
    let payment_settings = PaymentSettings::load(conn).map_err(|e| sql(&e))?;
    let rows = payment_rows(conn, &payment_settings, today).map_err(|e| sql(&e))?;
    let mut facts = InvoiceFacts::default();
    for status in queries::deposited_statuses(conn).map_err(|e| sql(&e))? {
        if !status.flux_number.is_empty() {
            facts
                .flux_numbers
                .insert(status.invoice_number, status.flux_number);
        }
    }
    for row in &rows {
        facts.payments.insert(row.number.clone(), row.clone());
    }
    for invoice in &mut invoices {
        if let Some(p) = facts.payments.get(&invoice.number) {
            invoice.outstanding = if p.is_credit_note() {
                rust_decimal::Decimal::ZERO
            } else {
                p.outstanding
            };
            invoice.erp_payment_unconfirmed = p.erp_payment_unconfirmed;
        }
    }
    let amounts_by_status =
        crate::tracking::tree::stage_totals(&crate::tracking::tree::build_tree(
            &invoices,
            &crate::tracking::tree::TreeFilter::default(),
        ));
    let last_seen: i64 = settings::get(conn, LAST_SEEN_KEY)
        .map_err(|e| sql(&e))?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let last_sync = queries::last_run(conn).map_err(|e| sql(&e))?;
    let newest_run = last_sync.as_ref().map_or(0, |r| r.id);
    let news = queries::changes_since(conn, last_seen)
        .map_err(|e| sql(&e))?
        .into_iter()
        .filter(is_news)
        .collect();
    let connection = ConnectionSettings::load(conn).map_err(|e| sql(&e))?;
    let by_number = invoices
        .iter()
        .enumerate()
        .map(|(i, invoice)| (invoice.number.clone(), i))
        .collect();
    let position: std::collections::HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.number.as_str(), i))
        .collect();
    let indexes = |list: Vec<&PaymentRow>| -> Vec<usize> {
        list.iter()
            .filter_map(|r| position.get(r.number.as_str()).copied())
            .collect()
    };
    let overdue = indexes(crate::tracking::payments::overdue(&rows));
    let outstanding = indexes(crate::tracking::payments::outstanding(&rows));
    drop(position);
    let follow_up = client_follow_up(&rows);
    Ok(ManagerData {
        invoices,
        by_number,
        facts,
        overdue,
        outstanding,
        totals: crate::tracking::payments::totals(&rows),
        amounts_by_status,
        delay_by_client: crate::tracking::follow_up::average_delay_by_client(&follow_up),
        follow_up,
        payment_rows: rows,
        payment_settings,
        fluxes: queries::flux_list(conn).map_err(|e| sql(&e))?,
        last_sync,
        news,
        newest_run,
        password_reminders: password_reminders(conn, &connection, today),
        sync_every_minutes: connection.sync_every_minutes,
        today,
    })
}

impl ManagerData {
    pub fn invoice(&self, number: &str) -> Option<&TrackedInvoice> {
        match self.by_number.get(number) {
            Some(&i) => self.invoices.get(i),
            // Data built without the index (benchmarks): a scan.
            None => self.invoices.iter().find(|i| i.number == number),
        }
    }
}

/// What a manager must act on: rejections, invoices to recycle or complete, payments.
fn is_news(change: &SyncChange) -> bool {
    use crate::store::tracking::{CHANGE_FLUX_REJECTION, CHANGE_STATUS};
    change.kind == CHANGE_FLUX_REJECTION
        || (change.kind == CHANGE_STATUS
            && matches!(
                InvoiceStatus::from_code(&change.new_status),
                InvoiceStatus::ToRecycle
                    | InvoiceStatus::Suspended
                    | InvoiceStatus::Rejected
                    | InvoiceStatus::PaymentIssued
            ))
}

/// The user has seen the news up to `run`.
pub fn mark_seen(conn: &dyn Sql, run: i64) -> Result<(), SqlError> {
    settings::set(conn, LAST_SEEN_KEY, &run.to_string())
}

/// One line per technical account whose password expires within 15 days (or has).
fn password_reminders(
    conn: &dyn Sql,
    connection: &ConnectionSettings,
    today: NaiveDate,
) -> Vec<(Level, String)> {
    let names: std::collections::HashMap<String, String> = crate::store::erp::load_companies(conn)
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();
    connection
        .accounts
        .iter()
        .filter_map(|account| {
            let date = account.password_expires_on?;
            if (date - today).num_days() > PASSWORD_REMINDER_DAYS {
                return None;
            }
            let (level, text) = password_expiry_text(date, today);
            let who = names
                .get(&account.company_code)
                .cloned()
                .unwrap_or_else(|| account.company_code.clone());
            Some((level, format!("{who} : {text}")))
        })
        .collect()
}

/// The selected invoice's timeline and flux, read when it is selected.
#[derive(Debug, Clone, Default)]
pub struct InvoiceTimeline {
    pub number: String,
    pub history: Vec<HistoryEntry>,
    pub flux_errors: Vec<FluxError>,
    /// Recycles, completions, marks for a credit note.
    pub actions: Vec<crate::app::returned::ActionEntry>,
    /// The recipient's reason, for a rejected invoice.
    pub rejection_reason: Option<String>,
    pub marked_for_credit_note: bool,
}

pub fn timeline(conn: &dyn Sql, number: &str) -> Result<InvoiceTimeline, String> {
    let sql = |e: &dyn std::fmt::Display| format!("historique de {number} illisible : {e}");
    Ok(InvoiceTimeline {
        number: number.to_string(),
        history: queries::history(conn, number).map_err(|e| sql(&e))?,
        flux_errors: queries::flux_errors_of(conn, number).map_err(|e| sql(&e))?,
        actions: crate::app::returned::actions_of(conn, number).map_err(|e| e.to_string())?,
        rejection_reason: crate::app::returned::rejection_reason(conn, number)
            .map_err(|e| e.to_string())?,
        marked_for_credit_note: crate::app::returned::is_marked_for_credit_note(conn, number)
            .map_err(|e| e.to_string())?,
    })
}

/// The raw JSON of the latest flux report (consulterCRDetaille) of a flux, from the audit.
pub fn raw_flux_report(conn: &dyn Sql, flux_number: &str) -> Result<Option<String>, String> {
    conn.first_row(
        "SELECT response_json FROM api_exchanges
         WHERE route LIKE '%consulterCRDetaille' AND request_json LIKE ?1
         ORDER BY id DESC LIMIT 1",
        crate::sql_params![format!("%\"{flux_number}\"%")],
        |r| r.text(0),
    )
    .map_err(|e| format!("compte rendu du flux {flux_number} illisible : {e}"))
}
