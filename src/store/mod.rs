//! SQLite storage: opening the database file, migrating it, and one module per table group.

pub mod change_watch;
pub mod deposit_marks;
pub mod deposits;
pub mod directory;
pub mod einvoice_verdicts;
pub mod erp;
pub mod overrides;
pub mod payment_terms;
pub mod payments;
pub mod pdf_verdicts;
/// Team mode (issue 11): the shared PostgreSQL base.
pub mod postgres;
pub mod returned;
pub mod settings;
/// SQL written once for both engines.
pub mod sql;
pub mod tracking;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};

/// The schema, in order. Applied at start-up; never edit a released file, add one.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_erp_mirror.sql")),
    M::up(include_str!("../../migrations/0002_directory.sql")),
    M::up(include_str!("../../migrations/0003_pdf_verdicts.sql")),
    M::up(include_str!("../../migrations/0004_app_settings.sql")),
    M::up(include_str!("../../migrations/0005_deposits.sql")),
    M::up(include_str!("../../migrations/0006_tracking.sql")),
    M::up(include_str!("../../migrations/0007_sync_runs.sql")),
    M::up(include_str!("../../migrations/0008_returned_actions.sql")),
    M::up(include_str!(
        "../../migrations/0009_rejection_acknowledgements.sql"
    )),
    M::up(include_str!("../../migrations/0010_duplicate_deposits.sql")),
    M::up(include_str!("../../migrations/0011_deposit_overrides.sql")),
    M::up(include_str!("../../migrations/0012_einvoice_verdicts.sql")),
    M::up(include_str!(
        "../../migrations/0013_pdf_verdict_protected.sql"
    )),
    M::up(include_str!("../../migrations/0014_payment_terms.sql")),
    M::up(include_str!(
        "../../migrations/0015_directory_search_key.sql"
    )),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("impossible d'ouvrir la base de données {path} : {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "la base de données {path} vient d'une version plus récente de Chorus Depot ; mettez l'application à jour"
    )]
    TooNew { path: PathBuf },
    #[error("la mise à jour du schéma de la base {path} a échoué : {source}")]
    Migration {
        path: PathBuf,
        source: rusqlite_migration::Error,
    },
    #[error("erreur de la base de données : {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Query(#[from] sql::SqlError),
}

/// An open, migrated database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // A missing folder would otherwise give SQLite's bare "unable to open" message.
            let _ = std::fs::create_dir_all(parent);
        }
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::prepare(conn, path.to_path_buf())
    }

    /// A private database in memory, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        Self::prepare(conn, PathBuf::from(":memory:"))
    }

    fn prepare(mut conn: Connection, path: PathBuf) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.clone(),
            source,
        };
        // WAL lets the window read while a background job writes.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_error)?;
        let migrations = Migrations::from_slice(MIGRATIONS);
        let known = MIGRATIONS.len() as i64;
        let current: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(open_error)?;
        if current > known {
            return Err(StoreError::TooNew { path });
        }
        migrations
            .to_latest(&mut conn)
            .map_err(|source| StoreError::Migration {
                path: path.clone(),
                source,
            })?;
        // The directory's search keys are computed in Rust, so SQL alone cannot fill them.
        directory::key_unkeyed_structures(&conn).map_err(|e| open_error(e.into()))?;
        Ok(Store { conn, path })
    }

    /// The base, whatever its engine: what the code outside `store/` works through.
    pub fn db(&self) -> &dyn sql::Sql {
        &self.conn
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_new_file_and_reopens_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/base.sqlite");
        {
            let store = Store::open(&path).unwrap();
            let n: i64 = store
                .conn()
                .query_row("SELECT count(*) FROM invoices", [], |r| r.get(0))
                .unwrap();
            assert_eq!(n, 0);
        }
        let store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
    }

    #[test]
    fn refuses_a_database_from_a_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.sqlite");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("version plus récente"), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_database_gets_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.sqlite");
        std::fs::write(
            &path,
            b"ceci n'est pas une base SQLite, mais du texte assez long",
        )
        .unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("base.sqlite"), "{err}");
    }
}
