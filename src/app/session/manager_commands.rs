//! The session's commands of the « Gestionnaire Chorus Pro »: load what it shows, the
//! selected invoice's timeline, mark the news as seen, show a flux's raw report (exports and
//! letters: `file_commands`).

use super::{Notice, Reply, Session};
use crate::app::manager_data;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The export formats of the current view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl Session {
    /// Reads the tracking data (into `manager`); the latest checks tell which invoices
    /// never deposited are in anomaly.
    pub fn load_manager(&mut self) {
        let anomalous = self.anomalous_invoices();
        self.load_manager_with(anomalous);
    }

    /// [`Session::load_manager`] with the anomalous invoices already gathered.
    fn load_manager_with(&mut self, anomalous: HashSet<String>) {
        let anomalous = Arc::new(anomalous);
        self.manager_anomalies = Some((self.report_generation, anomalous.clone()));
        self.manager_loading = true;
        let base = self.base.clone();
        self.query(move |store| {
            let today = crate::clock::today();
            // Read before the data: a commit meanwhile leaves it out of date, never current.
            let version = base.version();
            Reply::Manager(
                version,
                Box::new(manager_data::load(store.db(), &anomalous, today)),
            )
        });
    }

    /// The invoices the latest checks found anomalies on (none before the first check).
    fn anomalous_invoices(&self) -> HashSet<String> {
        self.report
            .as_ref()
            .map(|r| {
                r.checks
                    .iter()
                    .filter(|c| !c.is_conformant())
                    .map(|c| c.invoice.number.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The Gestionnaire shows never-deposited invoices « en anomalie » or « à déposer » by the
    /// checks it was read with: when a newer report changes that set (the first check ending
    /// after the Gestionnaire was opened, a re-check after a correction), it is read again —
    /// once the read under way, if any, has ended, so that one is not taken as current.
    pub(super) fn follow_report_in_manager(&mut self) {
        if self.manager.is_none() || self.manager_loading {
            return;
        }
        let Some((generation, read_with)) = &self.manager_anomalies else {
            return;
        };
        if *generation == self.report_generation {
            return;
        }
        let now = self.anomalous_invoices();
        if now == **read_with {
            self.manager_anomalies = Some((self.report_generation, Arc::new(now)));
        } else {
            self.load_manager_with(now);
        }
    }

    /// Something the tracking data shows changed: read it again, if it was read at all.
    pub(super) fn refresh_manager(&mut self) {
        if self.manager.is_some() {
            self.load_manager();
        }
    }

    pub fn load_timeline(&mut self, number: String) {
        self.timeline = None;
        self.timeline_number = Some(number.clone());
        self.query(move |store| {
            Reply::Timeline(Box::new(manager_data::timeline(store.db(), &number)))
        });
    }

    /// After an action on an invoice: the tree and the open timeline read again.
    pub fn reload_tracking(&mut self) {
        self.load_manager();
        if let Some(number) = self.timeline_number.clone() {
            self.load_timeline(number);
        }
    }

    /// The news up to `run` have been seen: they are not shown again.
    pub fn mark_news_seen(&mut self, run: i64) {
        if let Some(data) = &mut self.manager {
            let mut seen = (**data).clone();
            seen.news.clear();
            *data = std::sync::Arc::new(seen);
        }
        self.query(
            move |store| match manager_data::mark_seen(store.db(), run) {
                Ok(()) => Reply::Nothing,
                Err(e) => Reply::Notice(Notice {
                    error: true,
                    text: format!("Suivi : {e}"),
                }),
            },
        );
    }

    /// The raw JSON of a flux's latest report, shown in a window.
    pub fn load_raw_report(&mut self, flux_number: String) {
        self.query(move |store| {
            let text = match manager_data::raw_flux_report(store.db(), &flux_number) {
                Ok(Some(json)) => pretty(&json),
                Ok(None) => format!(
                    "Aucun compte rendu du flux {flux_number} n'a encore été lu : \
                     lancez une synchronisation."
                ),
                Err(e) => e,
            };
            Reply::RawReport(flux_number, text)
        });
    }
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| json.to_string())
}

/// `<base>-exports/` next to the database.
pub fn exports_dir(db: &Path) -> PathBuf {
    let db = &crate::store::local_anchor(db);
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "chorus-depot".into());
    db.parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{stem}-exports"))
}
