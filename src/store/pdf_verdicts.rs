//! The remembered verdict on each invoice PDF, keyed by path, size and modification time.

use super::sql::{Sql, SqlError};
use crate::sql_params;
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

pub fn load_all(db: &dyn Sql) -> Result<HashMap<String, StoredVerdict>, SqlError> {
    let rows = db.rows(
        "SELECT path, size, modified_ns, verdict, pages, detail FROM pdf_verdicts",
        &[],
        |r| {
            Ok((
                r.text(0)?,
                StoredVerdict {
                    size: r.int_as(1)?,
                    modified_ns: r.int(2)?,
                    verdict: r.text(3)?,
                    pages: r.int_as(4)?,
                    detail: r.text(5)?,
                },
            ))
        },
    )?;
    Ok(rows.into_iter().collect())
}

/// Remembers `verdicts` (one transaction), replacing those of the same paths.
pub fn save_all(db: &dyn Sql, verdicts: &[(String, StoredVerdict)]) -> Result<(), SqlError> {
    if verdicts.is_empty() {
        return Ok(());
    }
    db.in_transaction(&mut |tx| {
        for (path, v) in verdicts {
            let size = i64::try_from(v.size).unwrap_or(i64::MAX);
            tx.execute(
                "INSERT INTO pdf_verdicts (path, size, modified_ns, verdict, pages, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (path) DO UPDATE SET size = excluded.size,
                     modified_ns = excluded.modified_ns, verdict = excluded.verdict,
                     pages = excluded.pages, detail = excluded.detail",
                sql_params![
                    path.as_str(),
                    size,
                    v.modified_ns,
                    v.verdict.as_str(),
                    v.pages,
                    v.detail.as_str()
                ],
            )?;
        }
        Ok(())
    })
}
