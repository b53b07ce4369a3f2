//! The remembered verdict on each invoice PDF, keyed by path, size and modification time.

use rusqlite::{Connection, params};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVerdict {
    pub size: u64,
    pub modified_ns: i64,
    /// `LISIBLE`, `ILLISIBLE` or `TROP_VOLUMINEUX`.
    pub verdict: String,
    pub pages: u32,
    pub detail: String,
}

pub fn load_all(conn: &Connection) -> rusqlite::Result<HashMap<String, StoredVerdict>> {
    let mut stmt =
        conn.prepare("SELECT path, size, modified_ns, verdict, pages, detail FROM pdf_verdicts")?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            StoredVerdict {
                size: row.get::<_, i64>(1)? as u64,
                modified_ns: row.get(2)?,
                verdict: row.get(3)?,
                pages: row.get(4)?,
                detail: row.get(5)?,
            },
        ))
    })?;
    rows.collect()
}

pub fn save_all(
    conn: &mut Connection,
    verdicts: &[(String, StoredVerdict)],
) -> rusqlite::Result<()> {
    if verdicts.is_empty() {
        return Ok(());
    }
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT OR REPLACE INTO pdf_verdicts (path, size, modified_ns, verdict, pages,
                 detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (path, v) in verdicts {
            stmt.execute(params![
                path,
                v.size as i64,
                v.modified_ns,
                v.verdict,
                v.pages,
                v.detail
            ])?;
        }
    }
    tx.commit()
}
