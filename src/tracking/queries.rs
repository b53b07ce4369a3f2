//! What the « Gestionnaire Chorus Pro » and the `status` command read: every invoice with
//! its stage, an invoice's history, the fluxes, the deposited invoices' statuses.

use super::tree::{Stage, TrackedInvoice};
use crate::model::status::InvoiceStatus;
use crate::model::{InvoiceKind, parse_date, parse_decimal};
use crate::store::sql::{Sql, SqlError};
use crate::store::tracking::{self as db, TrackedRow};

pub use crate::store::tracking::{
    DepositedStatus, FluxError, FluxSummary, HistoryEntry, SyncChange, SyncRun, changes_since,
    deposited_statuses, flux_errors_of, flux_list, history, last_run,
};

/// Every invoice of a public client in the ERP mirror with its stage, sorted by number.
pub fn tracked_invoices(conn: &dyn Sql) -> Result<Vec<TrackedInvoice>, SqlError> {
    Ok(db::tracked_rows(conn)?
        .into_iter()
        .map(|row| {
            let stage = stage_of(&row);
            let deposit_date = [row.deposited_on.as_str(), row.journal_at.as_str()]
                .into_iter()
                .filter(|_| row.journal_state.is_some())
                .find_map(|d| parse_date(d.get(..10).unwrap_or(d)).ok());
            TrackedInvoice {
                kind: InvoiceKind::from_code(&row.kind).unwrap_or(InvoiceKind::Invoice),
                invoice_date: parse_date(&row.invoice_date).unwrap_or_default(),
                deposit_date,
                amount_incl_tax: parse_decimal(&row.amount_incl_tax).unwrap_or_default(),
                stage,
                // Filled from the payment follow-up by the « Gestionnaire »'s loader.
                outstanding: rust_decimal::Decimal::ZERO,
                erp_payment_unconfirmed: false,
                number: row.number,
                company_code: row.company_code,
                company_name: row.company_name,
                client_code: row.client_code,
                client_name: row.client_name,
            }
        })
        .collect())
}

/// Where an invoice stands, from its latest deposit and what Chorus Pro said of it.
///
/// TODO: the check results are not stored (the control window computes them in memory),
/// so an invoice never deposited is « À déposer » even when the checks find anomalies;
/// `InAnomaly` here only means « rejected by Chorus Pro at integration, to correct ».
/// Once check results are stored, use them for the invoices without a deposit.
pub fn stage_of(row: &TrackedRow) -> Stage {
    match row.journal_state.as_deref() {
        None => Stage::ToDeposit,
        Some("ECHEC") => {
            if row.flux_error {
                Stage::InAnomaly
            } else if db::FAILED_FLUX_STATES.contains(&row.flux_chorus_state.as_str()) {
                Stage::FluxRejected
            } else {
                // Never received by Chorus Pro: may simply be sent again.
                Stage::ToDeposit
            }
        }
        Some(_) if !row.chorus_status.is_empty() => {
            Stage::Chorus(InvoiceStatus::from_code(&row.chorus_status))
        }
        Some(_) => Stage::FluxInProgress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_from_the_deposit_and_chorus_facts() {
        let row = |journal: Option<&str>, flux: &str, error: bool, status: &str| TrackedRow {
            journal_state: journal.map(str::to_string),
            flux_chorus_state: flux.into(),
            flux_error: error,
            chorus_status: status.into(),
            ..TrackedRow::default()
        };
        assert_eq!(stage_of(&row(None, "", false, "")), Stage::ToDeposit);
        assert_eq!(
            stage_of(&row(Some("DEPOSEE"), "", false, "")),
            Stage::FluxInProgress
        );
        assert_eq!(
            stage_of(&row(Some("DEPOSEE"), "IN_INTEGRE", false, "SERVICE_FAIT")),
            Stage::Chorus(InvoiceStatus::ServiceDone)
        );
        assert_eq!(
            stage_of(&row(Some("ECHEC"), "IN_INTEGRE_PARTIEL", true, "")),
            Stage::InAnomaly
        );
        assert_eq!(
            stage_of(&row(Some("ECHEC"), "IN_INCIDENTE", false, "")),
            Stage::FluxRejected
        );
        assert_eq!(
            stage_of(&row(Some("ECHEC"), "", false, "")),
            Stage::ToDeposit
        );
    }
}
