//! A demo written with another seed or size over an older demo gives the same invoice
//! numbers to other invoices: the older demo's Chorus Pro follow-up (deposits, statuses,
//! histories, actions) and the embedded sandbox's state would then describe invoices that
//! no longer exist, and put « à recycler » or « rejetée » beside an invoice the new ERP
//! shows as paid (issue 10). Such a rewrite starts a new demo world: the follow-up goes
//! with the mirror. The same seed and size give the same invoices: nothing is forgotten.
//! The API audit (`api_exchanges`) is kept: it records what was sent, whatever it was.

use super::DemoError;
use crate::store::Store;
use std::path::{Path, PathBuf};

/// The follow-up tables, children before parents (foreign keys are on).
const FOLLOW_UP_TABLES: &[&str] = &[
    "rejection_acknowledgements",
    "duplicate_deposits",
    "flux_errors",
    "sync_changes",
    "sync_runs",
    "status_history",
    "chorus_invoices",
    "invoice_actions",
    "credit_notes_due",
    "recycled_routing",
    "deposit_overrides",
    "deposit_journal",
    "fluxes",
    // Choices made for the older demo's clients: other clients may now carry the codes.
    "client_payment_terms",
];

/// The embedded sandbox's state next to a demo base (named as `app::deposit_wiring`
/// names it).
fn sandbox_state_file(db_path: &Path) -> PathBuf {
    let stem = db_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    db_path.with_file_name(format!("{stem}-bac-a-sable.sqlite"))
}

/// Forgets the older demo's follow-up when `marker` (seed and size) differs from the one
/// the base holds. Returns whether it did.
pub(super) fn forget_older_demo(store: &mut Store, marker: &str) -> Result<bool, DemoError> {
    let path = store.path().to_path_buf();
    let clear_error = |source| DemoError::Clear {
        path: path.clone(),
        source,
    };
    let previous = crate::store::settings::get(store.db(), crate::store::settings::DEMO_MARKER)
        .map_err(clear_error)?;
    if previous.as_deref().is_none_or(|p| p == marker) {
        return Ok(false);
    }
    store
        .db()
        .in_transaction(&mut |tx| {
            for table in FOLLOW_UP_TABLES {
                tx.execute(&format!("DELETE FROM {table}"), &[])?;
            }
            Ok(())
        })
        .map_err(clear_error)?;
    let state = sandbox_state_file(&path);
    for file in [
        state.clone(),
        state.with_extension("sqlite-wal"),
        state.with_extension("sqlite-shm"),
    ] {
        if file.exists() {
            std::fs::remove_file(&file).map_err(|source| DemoError::Write {
                path: file.clone(),
                source,
            })?;
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use crate::demo::{DemoOptions, write_demo};
    use crate::progress::Silent;
    use crate::store::Store;

    fn follow_up_rows(db: &std::path::Path) -> i64 {
        Store::open(db)
            .unwrap()
            .conn()
            .query_row("SELECT count(*) FROM chorus_invoices", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn another_demo_forgets_the_older_follow_up_and_the_same_one_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.sqlite");
        let options = DemoOptions {
            invoices: 40,
            seed: 3,
        };
        write_demo(&db, &options, &Silent).unwrap();
        let number: String = Store::open(&db)
            .unwrap()
            .conn()
            .query_row("SELECT min(number) FROM invoices", [], |r| r.get(0))
            .unwrap();
        Store::open(&db)
            .unwrap()
            .conn()
            .execute(
                "INSERT INTO chorus_invoices (invoice_number, status) VALUES (?1, 'A_RECYCLER')",
                [&number],
            )
            .unwrap();
        let sandbox = dir.path().join("demo-bac-a-sable.sqlite");
        std::fs::write(&sandbox, b"older sandbox").unwrap();

        // Same seed and size: the same invoices, their follow-up stays.
        write_demo(&db, &options, &Silent).unwrap();
        assert_eq!(follow_up_rows(&db), 1);
        assert!(sandbox.exists());

        // Another seed: the numbers now name other invoices.
        write_demo(
            &db,
            &DemoOptions {
                invoices: 40,
                seed: 4,
            },
            &Silent,
        )
        .unwrap();
        assert_eq!(follow_up_rows(&db), 0);
        assert!(!sandbox.exists());
    }
}
