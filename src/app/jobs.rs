//! Background work: one long job at a time with progress and a stop button, plus short
//! queries. Results come back through a channel; the window polls it once per frame.

use crate::progress::{CancelFlag, Progress};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Wakes the window up (egui's `request_repaint`) when a worker has news.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What the long job is doing, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    Demo,
    Checks,
    DirectoryImport,
    ErpImport,
    SaveSettings,
    DepositPrepare,
    DepositSend,
    ConnectionTest,
    StructureRefresh,
    Sync,
    ReturnedAction,
}

impl JobKind {
    pub fn label(self) -> &'static str {
        match self {
            JobKind::Demo => "Création de la base de démonstration",
            JobKind::Checks => "Vérification des factures",
            JobKind::DirectoryImport => "Import de l'annuaire",
            JobKind::ErpImport => "Import des fichiers de l'ERP",
            JobKind::SaveSettings => "Enregistrement du paramétrage",
            JobKind::DepositPrepare => "Génération du flux",
            JobKind::DepositSend => "Dépôt sur Chorus Pro",
            JobKind::ConnectionTest => "Test de la connexion à Chorus Pro",
            JobKind::StructureRefresh => "Actualisation de la structure depuis Chorus Pro",
            JobKind::Sync => "Synchronisation avec Chorus Pro",
            JobKind::ReturnedAction => "Envoi à Chorus Pro",
        }
    }
}

/// Shared between a worker (which updates it) and the window (which shows it).
pub struct JobProgress {
    state: Mutex<(f32, String)>,
    /// The report's lines told so far (`Progress::detail`), capped at `MAX_DETAILS`.
    details: Mutex<Vec<String>>,
    /// When the fraction first moved past zero: the estimate starts there, so a slow
    /// first step (a lookup before the first invoice) does not skew it.
    moving_since: Mutex<Option<(Instant, f32)>>,
    cancel: CancelFlag,
    waker: Waker,
}

/// Lines kept while a job runs: the final report holds them all anyway.
const MAX_DETAILS: usize = 10_000;

impl JobProgress {
    pub fn new(waker: Waker) -> Arc<JobProgress> {
        Arc::new(JobProgress {
            state: Mutex::new((0.0, String::new())),
            details: Mutex::new(Vec::new()),
            moving_since: Mutex::new(None),
            cancel: CancelFlag::default(),
            waker,
        })
    }

    /// The lines told so far, from `from` on (the view keeps what it already has).
    pub fn details_from(&self, from: usize) -> Vec<String> {
        let details = self.details.lock().unwrap_or_else(|p| p.into_inner());
        details.iter().skip(from).cloned().collect()
    }

    /// The lines told so far in `range` (for a view that draws only the rows on screen).
    pub fn details_in(&self, range: std::ops::Range<usize>) -> Vec<String> {
        let details = self.details.lock().unwrap_or_else(|p| p.into_inner());
        details
            .get(range.start.min(details.len())..range.end.min(details.len()))
            .map(<[String]>::to_vec)
            .unwrap_or_default()
    }

    pub fn detail_count(&self) -> usize {
        self.details.lock().map(|d| d.len()).unwrap_or(0)
    }

    /// How long is left, from the pace since the fraction started moving; `None` until
    /// there is enough to go on (two seconds and 2 % of the work).
    pub fn remaining(&self) -> Option<Duration> {
        let fraction = self.snapshot().0;
        let (since, at) = (*self.moving_since.lock().ok()?)?;
        estimate_remaining(since.elapsed(), fraction - at, 1.0 - fraction)
    }

    /// Fraction done and the current step.
    pub fn snapshot(&self) -> (f32, String) {
        self.state
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub fn cancel(&self) {
        self.cancel.cancel();
        (self.waker)();
    }

    pub fn is_cancel_requested(&self) -> bool {
        self.cancel.is_set()
    }
}

impl Progress for JobProgress {
    fn update(&self, fraction: f32, message: &str) {
        let fraction = fraction.clamp(0.0, 1.0);
        if fraction > 0.0
            && let Ok(mut since) = self.moving_since.lock()
            && since.is_none()
        {
            *since = Some((Instant::now(), fraction));
        }
        if let Ok(mut s) = self.state.lock() {
            s.0 = fraction;
            if s.1 != message {
                s.1 = message.to_string();
            }
        }
        (self.waker)();
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_set()
    }

    fn detail(&self, line: &str) {
        if let Ok(mut details) = self.details.lock()
            && details.len() < MAX_DETAILS
        {
            details.push(line.to_string());
        }
        (self.waker)();
    }
}

/// `done` of the work took `elapsed`: `left` of it takes as long, pro rata.
fn estimate_remaining(elapsed: Duration, done: f32, left: f32) -> Option<Duration> {
    if elapsed < Duration::from_secs(2) || done < 0.02 || left <= 0.0 {
        return None;
    }
    Some(elapsed.mul_f32(left / done))
}

/// The long job under way.
pub struct RunningJob {
    pub kind: JobKind,
    pub progress: Arc<JobProgress>,
    pub started: std::time::Instant,
    /// Its entry in the results panel.
    pub result_id: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remaining_time_follows_the_pace_and_waits_for_enough_to_go_on() {
        let secs = Duration::from_secs;
        assert_eq!(estimate_remaining(secs(1), 0.5, 0.5), None, "too early");
        assert_eq!(
            estimate_remaining(secs(10), 0.01, 0.99),
            None,
            "too little done"
        );
        assert_eq!(estimate_remaining(secs(10), 0.3, 0.0), None, "nothing left");
        let left = estimate_remaining(secs(30), 0.25, 0.75).unwrap();
        assert!((89..=91).contains(&left.as_secs()), "{left:?}");
    }
}
