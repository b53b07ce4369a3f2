//! The window follows the base: one long-lived watch connection (the one the checks use to
//! know that nothing was committed since their report) is polled from a worker thread, and
//! each new version of the base is sent to the session, which reloads what is out of date.
//!
//! Every view's data remembers the version it was read at (read before the data, so a
//! commit during the read leaves it out of date, never wrongly current). Reloading only
//! reads the base, so a reload never causes another one; the window's own writes bump the
//! version once, and what they changed is reloaded once.

use crate::store::change_watch::ChangeWatch;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the base's version is read. Cheap: one pragma on an idle connection.
pub const POLL_EVERY: Duration = Duration::from_millis(700);

/// The session's watch, opened on first use from a worker thread (never the UI thread).
#[derive(Clone)]
pub struct BaseWatch {
    db: PathBuf,
    slot: Arc<Mutex<Option<Arc<ChangeWatch>>>>,
}

impl BaseWatch {
    pub fn new(db: PathBuf) -> BaseWatch {
        BaseWatch {
            db,
            slot: Arc::new(Mutex::new(None)),
        }
    }

    /// The watch, opened if the base exists (`None` before the demo is written, or for a
    /// base in memory). Call from a worker thread: opening touches the file.
    pub fn get(&self) -> Option<Arc<ChangeWatch>> {
        if self.db.as_os_str() == ":memory:" {
            return None;
        }
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_none() {
            match ChangeWatch::open_existing(&self.db) {
                Ok(Some(watch)) => *slot = Some(Arc::new(watch)),
                Ok(None) => {}
                Err(e) => tracing::debug!(error = %e, "watch connection not opened"),
            }
        }
        slot.clone()
    }

    /// The base's version as the watch sees it (`None` when it cannot be read).
    pub fn version(&self) -> Option<i64> {
        self.get().and_then(|w| w.version().ok())
    }

    /// Polls the version every `every` on a thread of its own and calls `changed` with each
    /// new one (the first reading included). Ends when `changed` returns false (the session
    /// is gone).
    pub fn spawn_poller(
        &self,
        every: Duration,
        mut changed: impl FnMut(i64) -> bool + Send + 'static,
    ) {
        let watch = self.clone();
        let spawned = std::thread::Builder::new()
            .name("base-watch".into())
            .spawn(move || {
                let mut last = None;
                loop {
                    if let Some(version) = watch.version()
                        && last != Some(version)
                    {
                        last = Some(version);
                        if !changed(version) {
                            return;
                        }
                    }
                    std::thread::sleep(every);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the base is not watched");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use std::sync::mpsc::channel;

    #[test]
    fn a_commit_by_another_connection_is_reported_and_a_missing_base_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.sqlite");
        let watch = BaseWatch::new(path.clone());
        assert_eq!(watch.version(), None);
        assert!(!path.exists(), "watching must not create the base");
        let store = Store::open(&path).unwrap();
        let (tx, rx) = channel();
        watch.spawn_poller(Duration::from_millis(20), move |v| tx.send(v).is_ok());
        let first = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO app_settings (key, value) VALUES ('k', 'v')",
                [],
            )
            .unwrap();
        let second = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_ne!(first, second);
        assert!(
            rx.recv_timeout(Duration::from_millis(200)).is_err(),
            "no news without a commit"
        );
    }
}
