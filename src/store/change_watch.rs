//! Whether anything was committed to the base since a given moment: a connection of its
//! own that never writes reads SQLite's `PRAGMA data_version`, which changes whenever
//! another connection (of this process or any other) commits. That is how a re-check knows,
//! without reading the mirror, that nothing changed since the last one.

use rusqlite::Connection;
use std::path::Path;
use std::sync::Mutex;

pub struct ChangeWatch {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for ChangeWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangeWatch")
    }
}

impl ChangeWatch {
    /// A watch on the base at `path` (not for an in-memory base: nothing else writes it).
    pub fn open(path: &Path) -> Result<ChangeWatch, super::sql::SqlError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(ChangeWatch {
            conn: Mutex::new(conn),
        })
    }

    /// A watch on an existing base only: `None` while the file is not there (the demo not
    /// yet written), so that watching never creates an empty base in its place.
    pub fn open_existing(path: &Path) -> Result<Option<ChangeWatch>, super::sql::SqlError> {
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
            conn: Mutex::new(conn),
        }))
    }

    /// Writes through the watch's own connection: what it commits does not change the
    /// version it reads (the caches a check run keeps are written so).
    pub fn with_conn<R>(&self, work: impl FnOnce(&mut Connection) -> R) -> R {
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut conn)
    }

    /// The base's version as this watch sees it: equal to an earlier reading when no
    /// other connection committed since.
    pub fn version(&self) -> Result<i64, super::sql::SqlError> {
        let conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
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
