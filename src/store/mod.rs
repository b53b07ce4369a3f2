//! The application's base: the embedded SQLite file of a single user, or the team's
//! PostgreSQL base (issue 11); opening it, migrating it, and one module per table group.
//! Only this module knows which engine holds the base: the rest works through
//! [`Store::db`] (`store::sql`).

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
    #[error("{0}")]
    Team(#[from] postgres::PgStoreError),
}

/// Whether `path` names a base that is there to open: a SQLite file that exists, or a team
/// base's address (the server says the rest). Commands that must not create an empty base
/// by mistake ask this first.
pub fn base_exists(path: &Path) -> bool {
    path.to_str()
        .is_some_and(postgres::address::is_team_address)
        || path.is_file()
}

/// Where the local files of the base at `path` live beside: the SQLite file itself; for a
/// team base, a place of this PC's own under the user's data folder (`base-equipe` in a
/// folder named after the server and base; its files are `base-equipe-flux/`,
/// `base-equipe.secrets.json`…). Never the address itself: it is not a path.
pub fn local_anchor(path: &Path) -> PathBuf {
    match path
        .to_str()
        .filter(|t| postgres::address::is_team_address(t))
    {
        Some(address) => {
            // Without the password, whatever the user typed.
            let shown = postgres::address::TeamAddress::parse(address)
                .map(|a| a.shown().to_string())
                .unwrap_or_else(|_| address.to_string());
            postgres::address::local_folder(&shown).join("base-equipe")
        }
        None => path.to_path_buf(),
    }
}

/// Who is signed in to a team base, and their roles there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user: String,
    pub roles: Vec<postgres::team::TeamRole>,
}

/// The engine holding the base.
enum Base {
    Sqlite(Connection),
    Team(sql::PgSql),
}

/// An open, migrated database.
pub struct Store {
    base: Base,
    /// The SQLite file; for a team base, the local place its files live beside (the
    /// fluxes sent from this PC), under the user's data folder.
    path: PathBuf,
    /// What was opened: the file, or the team base's address (no password in it).
    opened_as: PathBuf,
}

impl Store {
    /// Opens (creating it if needed) and migrates the database at `path`; a
    /// `postgresql://user@host:port/dbname` address opens the team base instead.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(address) = path
            .to_str()
            .filter(|t| postgres::address::is_team_address(t))
        {
            return Store::open_team(address);
        }
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
        Ok(Store {
            base: Base::Sqlite(conn),
            opened_as: path.clone(),
            path,
        })
    }

    /// Opens the team base at `address` (password from `PGPASSWORD` or the pgpass file,
    /// TLS when the server offers it). Its schema is not migrated here — a clerk may not
    /// change it; `chorus-depot team upgrade` does — only checked to be this version's.
    pub fn open_team(address: &str) -> Result<Store, StoreError> {
        let address = postgres::address::TeamAddress::parse(address)?;
        let mut client = address.connect()?;
        postgres::migrate::check_current(&mut client)?;
        Ok(Store {
            base: Base::Team(sql::PgSql::new(client)),
            path: local_anchor(Path::new(address.shown())),
            opened_as: PathBuf::from(address.shown()),
        })
    }

    /// The base, whatever its engine: what the code outside `store/` works through.
    pub fn db(&self) -> &dyn sql::Sql {
        match &self.base {
            Base::Sqlite(conn) => conn,
            Base::Team(team) => team,
        }
    }

    /// The SQLite connection of a single user's base: for what only SQLite has (the
    /// change watch's file, a team import's source) and the tests' setup.
    ///
    /// # Panics
    /// On a team base: no code path opens one and then asks for SQLite.
    pub fn conn(&self) -> &Connection {
        match &self.base {
            Base::Sqlite(conn) => conn,
            Base::Team(_) => panic!("la base d'équipe n'est pas un fichier SQLite"),
        }
    }

    /// See [`Store::conn`].
    pub fn conn_mut(&mut self) -> &mut Connection {
        match &mut self.base {
            Base::Sqlite(conn) => conn,
            Base::Team(_) => panic!("la base d'équipe n'est pas un fichier SQLite"),
        }
    }

    /// The SQLite file another connection may watch for commits (`None` in memory and
    /// for a team base).
    pub fn watchable_file(&self) -> Option<&Path> {
        match &self.base {
            Base::Sqlite(_) if self.path.as_os_str() != ":memory:" => Some(&self.path),
            _ => None,
        }
    }

    /// What to give [`Store::open`] to open this base again (a second connection).
    pub fn opened_as(&self) -> &Path {
        &self.opened_as
    }

    /// The signed-in user of a team base (`None` for a single user's SQLite base).
    pub fn signed_in(&self) -> Result<Option<SignedIn>, StoreError> {
        match &self.base {
            Base::Sqlite(_) => Ok(None),
            Base::Team(team) => team.with_client(|client| {
                let user: String = client
                    .query_one("SELECT session_user::text", &[])
                    .map_err(postgres::PgStoreError::Sql)?
                    .get(0);
                let roles = postgres::team::my_roles(client)?;
                Ok(Some(SignedIn { user, roles }))
            }),
        }
    }

    /// Whether this is the team's PostgreSQL base.
    pub fn is_team(&self) -> bool {
        matches!(self.base, Base::Team(_))
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
