//! The team base's schema: `migrations/postgres/NNNN_*.sql` applied in order, each once.
//!
//! Several PCs may start a new version of the application at the same moment: every
//! step takes the same transaction-level advisory lock, so one PC migrates while the
//! others wait, then find the work done. A migration and its bookkeeping row commit
//! together, so a crash leaves either both or neither.

use super::error::PgStoreError;
use ::postgres::{Client, IsolationLevel, Transaction};

/// One schema step. `version` is the number of its file, the same as its SQLite twin's.
#[derive(Debug, Clone, Copy)]
pub struct PgMigration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! pg_migration {
    ($version:literal, $name:literal) => {
        PgMigration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../../migrations/postgres/", $name, ".sql")),
        }
    };
}

/// The schema, in order. Never edit a released file: add one, with its SQLite twin.
pub const PG_MIGRATIONS: &[PgMigration] = &[
    pg_migration!(1, "0001_erp_mirror"),
    pg_migration!(2, "0002_directory"),
    pg_migration!(3, "0003_pdf_verdicts"),
    pg_migration!(4, "0004_app_settings"),
    pg_migration!(5, "0005_deposits"),
    pg_migration!(6, "0006_tracking"),
    pg_migration!(7, "0007_sync_runs"),
    pg_migration!(8, "0008_returned_actions"),
    pg_migration!(9, "0009_rejection_acknowledgements"),
    pg_migration!(10, "0010_duplicate_deposits"),
    pg_migration!(11, "0011_deposit_overrides"),
    pg_migration!(12, "0012_einvoice_verdicts"),
    pg_migration!(13, "0013_pdf_verdict_protected"),
    pg_migration!(14, "0014_payment_terms"),
    pg_migration!(15, "0015_directory_search_key"),
];

/// The team layer (roles, audit trail, bank changes under four eyes: `migrations/postgres/
/// team/`), applied after the common schema by the owner of a team base only. Its own
/// numbering and bookkeeping (`team.schema_migrations`), so the common schema stays twin to
/// SQLite's.
pub const PG_TEAM_MIGRATIONS: &[PgMigration] = &[PgMigration {
    version: 1,
    name: "0001_roles_audit_bank_changes",
    sql: include_str!("../../../migrations/postgres/team/0001_roles_audit_bank_changes.sql"),
}];

/// Where a list of migrations keeps its bookkeeping.
#[derive(Debug, Clone, Copy)]
pub struct Ledger {
    /// Creates the bookkeeping table if missing.
    pub create: &'static str,
    /// The bookkeeping table's name, schema-qualified when not in `public`.
    pub table: &'static str,
}

/// The common schema's ledger.
pub const COMMON_LEDGER: Ledger = Ledger {
    create: CREATE_BOOKKEEPING,
    table: "schema_migrations",
};

/// The team layer's ledger, in its own schema.
pub const TEAM_LEDGER: Ledger = Ledger {
    create: "CREATE SCHEMA IF NOT EXISTS team;
             CREATE TABLE IF NOT EXISTS team.schema_migrations (
                 version    BIGINT PRIMARY KEY,
                 name       TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
    table: "team.schema_migrations",
};

/// The advisory lock every migration step takes (« CHORUS » in ASCII, then 1). Advisory
/// locks belong to one database, so two team bases on one server do not wait for each other.
const SCHEMA_LOCK_KEY: i64 = 0x4348_4f52_5553_0001;

/// The migrations' own bookkeeping; not part of the application's schema.
const CREATE_BOOKKEEPING: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// What one call did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MigrationOutcome {
    /// The versions this call applied, in order; empty when the base was up to date
    /// (or another PC did the work meanwhile).
    pub applied: Vec<i64>,
}

/// Brings the base `client` is connected to up to the latest schema. An up-to-date base is
/// left alone; a base from a newer version of the application is refused.
pub fn migrate(client: &mut Client) -> Result<MigrationOutcome, PgStoreError> {
    migrate_with(client, PG_MIGRATIONS)
}

/// Checks, without changing anything, that the base has exactly this version's schema:
/// what a clerk's PC does on opening (the upgrade is an administrator's
/// `chorus-depot team upgrade`).
pub fn check_current(client: &mut Client) -> Result<(), PgStoreError> {
    let known = PG_MIGRATIONS.len() as i64;
    let found: i64 = match client.query_one(
        "SELECT CAST(COALESCE(max(version), 0) AS BIGINT) FROM schema_migrations",
        &[],
    ) {
        Ok(row) => row.get(0),
        Err(e) if e.code() == Some(&::postgres::error::SqlState::UNDEFINED_TABLE) => 0,
        Err(e) => return Err(PgStoreError::Sql(e)),
    };
    if found > known {
        return Err(PgStoreError::TooNew { found, known });
    }
    if found < known {
        return Err(PgStoreError::Refused(format!(
            "la base d'équipe n'est pas à jour (migration n° {found} sur {known}) : un \
             administrateur doit lancer « chorus-depot team upgrade » (ou « team init » pour \
             une base neuve)"
        )));
    }
    Ok(())
}

/// [`migrate`] with another list of steps, in order: the tests use it to show that a
/// failing step leaves nothing of itself behind.
pub fn migrate_with(
    client: &mut Client,
    migrations: &[PgMigration],
) -> Result<MigrationOutcome, PgStoreError> {
    migrate_in(client, COMMON_LEDGER, migrations)
}

/// [`migrate_with`] keeping the bookkeeping in `ledger`.
pub fn migrate_in(
    client: &mut Client,
    ledger: Ledger,
    migrations: &[PgMigration],
) -> Result<MigrationOutcome, PgStoreError> {
    let in_base = {
        let mut tx = step_transaction(client)?;
        lock_schema(&mut tx)?;
        tx.batch_execute(ledger.create)?;
        let applied = applied_migrations(&mut tx, ledger)?;
        tx.commit()?;
        applied
    };
    check_base_is_ours(&in_base, migrations)?;

    let mut outcome = MigrationOutcome::default();
    for migration in migrations {
        if in_base
            .iter()
            .any(|(version, _)| *version == migration.version)
        {
            continue;
        }
        let mut tx = step_transaction(client)?;
        lock_schema(&mut tx)?;
        // Another PC may have applied it while this one waited for the lock.
        let done = tx.query_opt(
            &format!("SELECT 1 FROM {} WHERE version = $1", ledger.table),
            &[&migration.version],
        )?;
        if done.is_some() {
            continue; // dropping `tx` rolls back an empty transaction
        }
        tx.batch_execute(migration.sql)
            .map_err(|source| PgStoreError::Migration {
                version: migration.version,
                name: migration.name,
                source,
            })?;
        tx.execute(
            &format!(
                "INSERT INTO {} (version, name) VALUES ($1, $2)",
                ledger.table
            ),
            &[&migration.version, &migration.name],
        )?;
        tx.commit()?;
        outcome.applied.push(migration.version);
    }
    Ok(outcome)
}

/// A transaction for one step, READ COMMITTED whatever the server's default: each
/// statement after the lock then sees what the PC that held it committed. Under REPEATABLE
/// READ or SERIALIZABLE (a server may default to them) the snapshot would date from before
/// the wait, and a PC would apply again a migration another one just applied.
fn step_transaction(client: &mut Client) -> Result<Transaction<'_>, PgStoreError> {
    Ok(client
        .build_transaction()
        .isolation_level(IsolationLevel::ReadCommitted)
        .start()?)
}

/// Waits for the schema lock; it is released when the transaction ends.
fn lock_schema(tx: &mut Transaction<'_>) -> Result<(), PgStoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK_KEY])?;
    Ok(())
}

fn applied_migrations(
    tx: &mut Transaction<'_>,
    ledger: Ledger,
) -> Result<Vec<(i64, String)>, PgStoreError> {
    let rows = tx.query(
        &format!(
            "SELECT version, name FROM {} ORDER BY version",
            ledger.table
        ),
        &[],
    )?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// Refuses a base migrated by a newer application (its schema would be used wrongly) or by
/// another one whose steps have other names.
fn check_base_is_ours(
    in_base: &[(i64, String)],
    migrations: &[PgMigration],
) -> Result<(), PgStoreError> {
    for (version, name) in in_base {
        match migrations.iter().find(|m| m.version == *version) {
            Some(known) if known.name == name => {}
            Some(known) => {
                return Err(PgStoreError::Mismatch {
                    version: *version,
                    in_base: name.clone(),
                    expected: known.name,
                });
            }
            None => {
                return Err(PgStoreError::TooNew {
                    found: *version,
                    known: migrations.len() as i64,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_file_numbers() {
        for (index, migration) in PG_MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1);
            assert!(
                migration
                    .name
                    .starts_with(&format!("{:04}_", migration.version)),
                "{}",
                migration.name
            );
        }
    }

    #[test]
    fn there_is_one_postgres_migration_per_sqlite_migration() {
        assert_eq!(PG_MIGRATIONS.len(), crate::store::MIGRATIONS.len());
    }

    #[test]
    fn a_base_from_a_newer_application_is_refused_in_french() {
        let in_base = vec![(1, "0001_erp_mirror".to_string()), (99, "0099_x".into())];
        let error = check_base_is_ours(&in_base, PG_MIGRATIONS).unwrap_err();
        assert!(matches!(error, PgStoreError::TooNew { found: 99, .. }));
        assert!(error.to_string().contains("mettez l'application à jour"));
    }

    #[test]
    fn a_base_with_other_steps_is_refused() {
        let in_base = vec![(1, "0001_autre_chose".to_string())];
        let error = check_base_is_ours(&in_base, PG_MIGRATIONS).unwrap_err();
        assert!(
            error.to_string().contains("« 0001_autre_chose »"),
            "{error}"
        );
    }
}
