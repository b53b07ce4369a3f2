//! The invoice timeline of the « Gestionnaire » detail as one list in chronological order:
//! the flux's integration errors, the statuses Chorus Pro gave and the actions taken
//! (recycle, complete), which come from three tables and were shown one table after the
//! other. Same instant: life order (an invoice is « déposée » before « mise à disposition »,
//! even when Chorus Pro stamps both with the same second).

use super::manager_data::InvoiceTimeline;
use crate::model::status::InvoiceStatus;
use crate::tracking::tree::Stage;
use chrono::NaiveDateTime;

/// What happened, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineEvent {
    FluxError {
        message: String,
    },
    Status {
        status: InvoiceStatus,
        comment: String,
    },
    Action {
        label: String,
        detail: String,
        result: String,
        succeeded: bool,
    },
}

/// One line of the timeline: when (as stored) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineLine {
    pub at: String,
    pub event: TimelineEvent,
}

/// The stored timestamps come as RFC 3339 (`2026-11-14T10:02:00+01:00`), as
/// `2026-11-14 10:02`, or as a bare day; a text that reads as none sorts last.
fn instant(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok())
        .or_else(|| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").ok())
        .or_else(|| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").ok())
        .or_else(|| {
            crate::model::parse_date(t)
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// Where the event sits in an invoice's life, for events stamped with the same instant.
fn life_order(event: &TimelineEvent) -> u16 {
    match event {
        TimelineEvent::FluxError { .. } => Stage::FluxRejected.order(),
        TimelineEvent::Status { status, .. } => Stage::Chorus(status.clone()).order(),
        // A recycle or a completion answers the status that asked for it.
        TimelineEvent::Action { .. } => Stage::Chorus(InvoiceStatus::Completed).order() + 1,
    }
}

/// Every event of the timeline, oldest first.
pub fn ordered(t: &InvoiceTimeline) -> Vec<TimelineLine> {
    let mut lines: Vec<TimelineLine> = t
        .flux_errors
        .iter()
        .map(|e| TimelineLine {
            at: e.at.clone(),
            event: TimelineEvent::FluxError {
                message: e.message.clone(),
            },
        })
        .chain(t.history.iter().map(|h| TimelineLine {
            at: h.at.clone(),
            event: TimelineEvent::Status {
                status: InvoiceStatus::from_code(&h.status),
                comment: h.comment.clone(),
            },
        }))
        .chain(t.actions.iter().map(|a| TimelineLine {
            at: a.at.clone(),
            event: TimelineEvent::Action {
                label: a.label.clone(),
                detail: a.detail.clone(),
                result: a.result.clone(),
                succeeded: a.succeeded,
            },
        }))
        .collect();
    // Stable: events that tie on both keep the order the tables gave.
    lines.sort_by_key(|l| {
        let when = instant(&l.at);
        (when.is_none(), when, life_order(&l.event))
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tracking::HistoryEntry;

    fn status(code: &str, at: &str) -> HistoryEntry {
        HistoryEntry {
            status: code.into(),
            at: at.into(),
            comment: String::new(),
        }
    }

    #[test]
    fn events_come_in_time_order_and_ties_in_life_order() {
        let t = InvoiceTimeline {
            number: "F1".into(),
            // As the history table may hold them: newest first, mixed formats.
            history: vec![
                status("MISE_EN_PAIEMENT", "2026-12-01T09:00:00+01:00"),
                status("MISE_A_DISPOSITION", "2026-11-14 10:00"),
                status("DEPOSEE", "2026-11-14 10:00"),
                status("A_RECYCLER", "2026-11-15T08:00:00Z"),
            ],
            actions: vec![crate::app::returned::ActionEntry {
                at: "2026-11-16T10:00:00+01:00".into(),
                label: "Recyclage".into(),
                detail: "service S1".into(),
                result: "Réussi".into(),
                succeeded: true,
            }],
            ..InvoiceTimeline::default()
        };
        let order: Vec<String> = ordered(&t)
            .into_iter()
            .map(|l| match l.event {
                TimelineEvent::Status { status, .. } => status.label().to_string(),
                TimelineEvent::Action { label, .. } => label,
                TimelineEvent::FluxError { message } => message,
            })
            .collect();
        assert_eq!(
            order,
            [
                "Déposée",
                "Mise à disposition",
                "À recycler",
                "Recyclage",
                "Mise en paiement"
            ]
        );
    }
}
