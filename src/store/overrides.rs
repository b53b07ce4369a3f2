//! Anomalies the clerk overrode for one invoice (migrations/0011_deposit_overrides.sql).
//! Written once for both engines (`store::sql`).

use super::sql::{Sql, SqlError};
use crate::sql_params;
use std::collections::HashSet;

/// Every (invoice number, anomaly code) overridden.
pub fn load_all(db: &dyn Sql) -> Result<HashSet<(String, String)>, SqlError> {
    let rows = db.rows(
        "SELECT invoice_number, code FROM deposit_overrides",
        &[],
        |r| Ok((r.text(0)?, r.text(1)?)),
    )?;
    Ok(rows.into_iter().collect())
}

/// Records the decision; doing it twice keeps the first date.
pub fn record(db: &dyn Sql, invoice_number: &str, code: &str, at: &str) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO deposit_overrides (invoice_number, code, decided_at)
         VALUES (?1, ?2, ?3)
         ON CONFLICT (invoice_number, code) DO NOTHING",
        sql_params![invoice_number, code, at],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn an_override_is_kept_once() {
        let store = Store::open_in_memory().unwrap();
        record(
            store.conn(),
            "F1",
            "DEJA_REGLEE",
            "2026-12-01T10:00:00+01:00",
        )
        .unwrap();
        record(
            store.conn(),
            "F1",
            "DEJA_REGLEE",
            "2026-12-02T10:00:00+01:00",
        )
        .unwrap();
        let all = load_all(store.conn()).unwrap();
        assert_eq!(all.len(), 1);
        assert!(all.contains(&("F1".to_string(), "DEJA_REGLEE".to_string())));
    }
}
