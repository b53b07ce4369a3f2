//! Resolving deposits whose outcome is unknown, before anything is sent again.

use super::Gateway;
use crate::store::Store;
use crate::store::deposits::{self, FluxNumbering, JournalState};
use crate::store::sql::SqlError;
use chrono::{DateTime, Local};
use std::time::Duration;

/// The current time as stored in the journal.
pub fn now() -> String {
    Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn age(started_at: &str) -> Option<Duration> {
    let started = DateTime::parse_from_rfc3339(started_at).ok()?;
    (Local::now().fixed_offset() - started).to_std().ok()
}

/// What reconciling found for one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub invoice_number: String,
    pub state: JournalState,
    pub note: String,
}

/// Looks up, on Chorus Pro, every deposit left « en cours » (crash) or « à vérifier »
/// (timeout, dropped connection). Found: deposited. Not found: still to verify until
/// `uncertain_after` has passed since the attempt (Chorus integrates asynchronously, so
/// an invoice not found yet may still arrive), then a definite failure that may be resent.
///
/// Another session may work on the same base meanwhile (its deposit answered while we
/// looked, or its own reconciliation): every write is a compare-and-set on the state read
/// ([`deposits::settle`]), so a « déposée » recorded by the other session is never
/// overwritten; the resolution then says what the other session recorded.
pub fn reconcile(
    store: &Store,
    gateway: &dyn Gateway,
    uncertain_after: Duration,
) -> Result<Vec<Resolution>, SqlError> {
    let conn = store.db();
    let mut resolutions = Vec::new();
    for entry in deposits::unresolved(conn)? {
        // Chorus Pro no longer answers: the rest stays « à vérifier », untouched, for the
        // next run (never resent meanwhile).
        if let Some(why) = gateway.gave_up() {
            resolutions.push(Resolution {
                invoice_number: entry.invoice_number,
                state: entry.state,
                note: format!("vérification remise à plus tard : {why}"),
            });
            continue;
        }
        let (state, note) = match gateway.find_invoice(&entry.company_code, &entry.invoice_number) {
            Ok(Some(flux_number)) => {
                match deposits::flux_confirmed(conn, entry.flux_id, &flux_number)? {
                    FluxNumbering::HeldBy { flux_id, name } => (
                        JournalState::Uncertain,
                        format!(
                            "retrouvée sur Chorus Pro sous le flux {flux_number}, numéro déjà attribué \
                         au flux n° {flux_id} (« {name} ») de cette base : à vérifier sur Chorus \
                         Pro, ne sera pas renvoyée"
                        ),
                    ),
                    FluxNumbering::Recorded | FluxNumbering::Settled { .. } => (
                        JournalState::Deposited,
                        "retrouvée sur Chorus Pro après une réponse manquante".to_string(),
                    ),
                }
            }
            Ok(None) if age(&entry.started_at).is_some_and(|a| a >= uncertain_after) => (
                JournalState::Failed,
                format!(
                    "absente de Chorus Pro {} après l'envoi : considérée comme jamais arrivée",
                    describe(uncertain_after)
                ),
            ),
            Ok(None) => (
                JournalState::Uncertain,
                "pas encore visible sur Chorus Pro : à vérifier, ne sera pas renvoyée".to_string(),
            ),
            Err(e) => (
                JournalState::Uncertain,
                format!("vérification impossible pour l'instant : {e}"),
            ),
        };
        // An entry still to verify keeps its first note (the compare-and-set still checks
        // that it is still to verify); every other outcome is written.
        let keep_note = state == JournalState::Uncertain && entry.state == JournalState::Uncertain;
        let written_note = if keep_note {
            entry.error.as_str()
        } else {
            note.as_str()
        };
        let settled = deposits::settle(conn, entry.id, entry.state, state, written_note, &now())?;
        let (state, note) = match settled.raced {
            None => (settled.state, note),
            Some(_) if settled.state == state && !keep_note => (state, note),
            Some(_) => (
                settled.state,
                if settled.note.is_empty() {
                    "enregistrée entre-temps par une autre session".to_string()
                } else {
                    format!(
                        "enregistrée entre-temps par une autre session : {}",
                        settled.note
                    )
                },
            ),
        };
        resolutions.push(Resolution {
            invoice_number: entry.invoice_number,
            state,
            note,
        });
    }
    Ok(resolutions)
}

/// `6 h`, `10 min`, `45 s`.
pub fn describe(d: Duration) -> String {
    crate::model::format_duration(d)
}
