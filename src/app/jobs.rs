//! Background work: one long job at a time with progress and a stop button, plus short
//! queries. Results come back through a channel; the window polls it once per frame.

use crate::progress::{CancelFlag, Progress};
use std::sync::{Arc, Mutex};

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
    cancel: CancelFlag,
    waker: Waker,
}

impl JobProgress {
    pub fn new(waker: Waker) -> Arc<JobProgress> {
        Arc::new(JobProgress {
            state: Mutex::new((0.0, String::new())),
            cancel: CancelFlag::default(),
            waker,
        })
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
        if let Ok(mut s) = self.state.lock() {
            s.0 = fraction.clamp(0.0, 1.0);
            if s.1 != message {
                s.1 = message.to_string();
            }
        }
        (self.waker)();
    }

    fn is_cancelled(&self) -> bool {
        self.cancel.is_set()
    }
}

/// The long job under way.
pub struct RunningJob {
    pub kind: JobKind,
    pub progress: Arc<JobProgress>,
    pub started: std::time::Instant,
}
