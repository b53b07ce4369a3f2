//! Whether anything was committed to the base since a given moment, seen by a connection
//! of its own:
//! - SQLite: `PRAGMA data_version`, which changes whenever another connection (of this
//!   process or any other) commits;
//! - the team base: the change notices every committed write sends (`LISTEN
//!   chorus_depot_changes`, sent by the statement triggers of `team/grants.sql`; PostgreSQL
//!   delivers a notice only once its transaction committed). The watch counts those of
//!   the other sessions.
//!
//! That is how a re-check knows, without reading the mirror, that nothing changed since
//! the last one, and how the window follows the work of the other PCs.

use super::postgres::address::{TeamAddress, is_team_address};
use super::sql::{PgSql, Sql, SqlError};
use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

/// The channel the team base's triggers notify.
pub const CHANGES_CHANNEL: &str = "chorus_depot_changes";

enum Watched {
    Sqlite(Mutex<Connection>),
    Team {
        db: Box<Mutex<PgSql>>,
        /// This connection's server process: its own notices are not news.
        own_process: i32,
        /// Notices of other sessions received so far.
        seen: std::sync::atomic::AtomicI64,
    },
}

pub struct ChangeWatch {
    watched: Watched,
}

impl std::fmt::Debug for ChangeWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeWatch")
    }
}

fn team_error(e: super::postgres::PgStoreError) -> SqlError {
    SqlError::Other(e.to_string())
}

impl ChangeWatch {
    /// A watch on the base at `path` (not for an in-memory base: nothing else writes it);
    /// a team base's address watches that base.
    pub fn open(path: &Path) -> Result<ChangeWatch, SqlError> {
        if let Some(address) = path.to_str().filter(|t| is_team_address(t)) {
            return ChangeWatch::open_team(&TeamAddress::parse(address).map_err(team_error)?);
        }
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(ChangeWatch {
            watched: Watched::Sqlite(Mutex::new(conn)),
        })
    }

    /// A watch on an existing base only: `None` while the file is not there (the demo not
    /// yet written), so that watching never creates an empty base in its place.
    pub fn open_existing(path: &Path) -> Result<Option<ChangeWatch>, SqlError> {
        if path.to_str().is_some_and(is_team_address) {
            return ChangeWatch::open(path).map(Some);
        }
        if !path.is_file() {
            return Ok(None);
        }
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(Some(ChangeWatch {
            watched: Watched::Sqlite(Mutex::new(conn)),
        }))
    }

    /// A watch on the team base at `address`: a connection of its own listening to the
    /// change notices.
    pub fn open_team(address: &TeamAddress) -> Result<ChangeWatch, SqlError> {
        let mut client = address.connect().map_err(team_error)?;
        client.batch_execute(&format!("LISTEN {CHANGES_CHANNEL}"))?;
        let own_process: i32 = client.query_one("SELECT pg_backend_pid()", &[])?.get(0);
        Ok(ChangeWatch {
            watched: Watched::Team {
                db: Box::new(Mutex::new(PgSql::new(client))),
                own_process,
                seen: std::sync::atomic::AtomicI64::new(0),
            },
        })
    }

    /// Writes through the watch's own connection: what it commits does not change the
    /// version it reads (the caches a check run keeps are written so).
    pub fn with_db<R>(&self, work: impl FnOnce(&dyn Sql) -> R) -> R {
        match &self.watched {
            Watched::Sqlite(conn) => {
                let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                work(&*conn)
            }
            Watched::Team { db, .. } => {
                let db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                work(&*db)
            }
        }
    }

    /// The base's version as this watch sees it: equal to an earlier reading when no
    /// other connection committed since.
    pub fn version(&self) -> Result<i64, SqlError> {
        match &self.watched {
            Watched::Sqlite(conn) => {
                let conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
            }
            Watched::Team {
                db,
                own_process,
                seen,
            } => {
                use ::postgres::fallible_iterator::FallibleIterator;
                use std::sync::atomic::Ordering;
                let db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                db.with_client(|client| {
                    // A round trip makes the client read what the server sent meanwhile
                    // (an idle client reads nothing by itself); the notices are then
                    // buffered, and read without waiting on the network.
                    client.batch_execute("SELECT 1")?;
                    let mut notices = client.notifications();
                    let mut pending = notices.iter();
                    while let Some(notice) = pending.next()? {
                        if notice.process_id() != *own_process {
                            seen.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Ok(seen.load(Ordering::Relaxed))
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_commit_by_anyone_else_changes_the_version_and_nothing_else_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.sqlite");
        let store = Store::open(&path).unwrap();
        let watch = ChangeWatch::open(&path).unwrap();
        let v0 = watch.version().unwrap();
        assert_eq!(watch.version().unwrap(), v0, "reading changes nothing");
        store
            .conn()
            .execute(
                "INSERT INTO app_settings (key, value) VALUES ('x', 'y')",
                [],
            )
            .unwrap();
        let v1 = watch.version().unwrap();
        assert_ne!(v1, v0);
        // Another process's commit counts too: a second connection stands for it.
        let other = Store::open(&path).unwrap();
        other
            .conn()
            .execute("UPDATE app_settings SET value = 'z' WHERE key = 'x'", [])
            .unwrap();
        assert_ne!(watch.version().unwrap(), v1);
    }
}
