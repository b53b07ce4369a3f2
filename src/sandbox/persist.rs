//! The sandbox's own SQLite file (`--db`): fluxes, invoices and deposit counts survive a
//! restart. Each record is stored as JSON in its row: the schema is the sandbox's business
//! only, and a changed record is rewritten alone.

use super::state::{Flux, Invoice, State};
use rusqlite::{Connection, params};
use std::path::Path;

pub struct Store {
    conn: Connection,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, String> {
        let conn = Connection::open(path).map_err(|e| format!("{} : {e}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS sandbox_flux (numero TEXT PRIMARY KEY, json TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS sandbox_invoice (id INTEGER PRIMARY KEY, json TEXT NOT NULL);
             CREATE TABLE IF NOT EXISTS sandbox_deposit (numero TEXT PRIMARY KEY, count INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
        )
        .map_err(|e| format!("{} : {e}", path.display()))?;
        Ok(Store { conn })
    }

    pub fn load(&self) -> Result<State, String> {
        let mut state = State::default();
        let mut stmt = self
            .conn
            .prepare("SELECT json FROM sandbox_flux")
            .map_err(text)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(text)?;
        for row in rows {
            let flux: Flux = serde_json::from_str(&row.map_err(text)?).map_err(text)?;
            state.fluxes.insert(flux.numero.clone(), flux);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT json FROM sandbox_invoice")
            .map_err(text)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(text)?;
        for row in rows {
            let invoice: Invoice = serde_json::from_str(&row.map_err(text)?).map_err(text)?;
            state.invoices.insert(invoice.id, invoice);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT numero, count FROM sandbox_deposit")
            .map_err(text)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(text)?;
        for row in rows {
            let (numero, count) = row.map_err(text)?;
            state.deposits.insert(numero, count.max(0) as u64);
        }
        state.flux_counter = self
            .conn
            .query_row(
                "SELECT value FROM sandbox_meta WHERE key = 'flux_counter'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap_or(0)
            .max(0) as u64;
        state.rebuild_index();
        Ok(state)
    }

    /// Saves a flux, the invoices it created or changed, and the counts of `numbers`, in
    /// one transaction.
    pub fn save(
        &mut self,
        state: &State,
        flux: Option<&str>,
        invoice_ids: &[i64],
        numbers: &[String],
    ) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(text)?;
        if let Some(f) = flux.and_then(|n| state.fluxes.get(n)) {
            tx.execute(
                "INSERT OR REPLACE INTO sandbox_flux (numero, json) VALUES (?1, ?2)",
                params![f.numero, serde_json::to_string(f).map_err(text)?],
            )
            .map_err(text)?;
        }
        for id in invoice_ids {
            if let Some(invoice) = state.invoices.get(id) {
                tx.execute(
                    "INSERT OR REPLACE INTO sandbox_invoice (id, json) VALUES (?1, ?2)",
                    params![id, serde_json::to_string(invoice).map_err(text)?],
                )
                .map_err(text)?;
            }
        }
        for number in numbers {
            let count = state.deposits.get(number).copied().unwrap_or(0) as i64;
            tx.execute(
                "INSERT OR REPLACE INTO sandbox_deposit (numero, count) VALUES (?1, ?2)",
                params![number, count],
            )
            .map_err(text)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO sandbox_meta (key, value) VALUES ('flux_counter', ?1)",
            params![state.flux_counter as i64],
        )
        .map_err(text)?;
        tx.commit().map_err(text)
    }
}
