//! PostgreSQL storage for team mode (issue 11): one shared base for the finance team.
//!
//! For now: connecting, and the schema's migrations (`migrations/postgres/`, the PostgreSQL
//! form of `migrations/`). The queries still run on SQLite only.

pub mod address;
pub mod error;
pub mod import;
pub mod migrate;
pub mod team;

pub use error::PgStoreError;
pub use migrate::{
    MigrationOutcome, PG_MIGRATIONS, PG_TEAM_MIGRATIONS, PgMigration, migrate, migrate_with,
};

/// Connects to the team base. `conninfo` is a libpq-style string or a
/// `postgresql://user@host:port/dbname` URL; no TLS yet.
pub fn connect(conninfo: &str) -> Result<::postgres::Client, PgStoreError> {
    ::postgres::Client::connect(conninfo, ::postgres::NoTls).map_err(PgStoreError::Connect)
}
