//! Application settings and markers kept in the database, one text value per key.
//! Written once for both engines (`store::sql`).

use super::sql::{Sql, SqlError};
use crate::sql_params;

/// Set on a database written by `chorus-depot demo`: the demo may overwrite it.
pub const DEMO_MARKER: &str = "demo";

pub fn get(db: &dyn Sql, key: &str) -> Result<Option<String>, SqlError> {
    db.first_row(
        "SELECT value FROM app_settings WHERE key = ?1",
        sql_params![key],
        |r| r.text(0),
    )
}

pub fn set(db: &dyn Sql, key: &str, value: &str) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        sql_params![key, value],
    )?;
    Ok(())
}
