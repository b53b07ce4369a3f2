//! Anomalies the clerk overrode for one invoice (migrations/0011_deposit_overrides.sql).

use rusqlite::{Connection, params};
use std::collections::HashSet;

/// Every (invoice number, anomaly code) overridden.
pub fn load_all(conn: &Connection) -> rusqlite::Result<HashSet<(String, String)>> {
    conn.prepare("SELECT invoice_number, code FROM deposit_overrides")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Records the decision; doing it twice keeps the first date.
pub fn record(
    conn: &Connection,
    invoice_number: &str,
    code: &str,
    at: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO deposit_overrides (invoice_number, code, decided_at)
         VALUES (?1, ?2, ?3)",
        params![invoice_number, code, at],
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
