//! The remembered EN 16931 verdicts (migrations/0012_einvoice_verdicts.sql).

use rusqlite::{Connection, params};
use std::collections::HashMap;

/// One invoice's remembered verdict: the fingerprint it was made for and its findings as
/// JSON (the caller owns their shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVerdict {
    pub fingerprint: u64,
    pub findings_json: String,
}

pub fn load_all(conn: &Connection) -> rusqlite::Result<HashMap<String, StoredVerdict>> {
    let mut stmt =
        conn.prepare("SELECT invoice_number, fingerprint, findings FROM einvoice_verdicts")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            StoredVerdict {
                // Stored as the same 64 bits, signed: SQLite integers are.
                fingerprint: r.get::<_, i64>(1)? as u64,
                findings_json: r.get(2)?,
            },
        ))
    })?;
    rows.collect()
}

/// Writes the verdicts made by a check run, in one transaction.
pub fn save(conn: &mut Connection, verdicts: &[(String, StoredVerdict)]) -> rusqlite::Result<()> {
    if verdicts.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT OR REPLACE INTO einvoice_verdicts (invoice_number, fingerprint, findings)
             VALUES (?1, ?2, ?3)",
        )?;
        for (number, v) in verdicts {
            stmt.execute(params![number, v.fingerprint as i64, v.findings_json])?;
        }
    }
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn verdicts_round_trip_with_their_64_bits() {
        let mut store = Store::open_in_memory().unwrap();
        let v = StoredVerdict {
            fingerprint: u64::MAX - 7,
            findings_json: "[]".into(),
        };
        save(store.conn_mut(), &[("F1".into(), v.clone())]).unwrap();
        assert_eq!(load_all(store.conn()).unwrap()["F1"], v);
    }
}
