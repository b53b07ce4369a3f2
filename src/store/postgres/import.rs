//! `team import`: a single-user SQLite base moved into a new team base, in one
//! transaction. Both schemas are the same table for table and column for column
//! (`tests/postgres_schema.rs`), so every table is copied as it is, parents before
//! children, with PostgreSQL's binary COPY; ids are kept (other tables reference them) and
//! each identity then continues after the largest.
//!
//! Nothing is guessed: a value whose type is not the column's (SQLite lets a column hold
//! anything) stops the import with the table, the row and the column, and nothing of it
//! stays in the team base.

use super::error::PgStoreError;
use crate::store::sql::Value;
use ::postgres::Client;
use ::postgres::binary_copy::BinaryCopyInWriter;
use ::postgres::types::{ToSql, Type};
use std::collections::{BTreeMap, BTreeSet};

/// How many rows each table brought.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    /// (table, rows), in the order they were copied.
    pub tables: Vec<(String, u64)>,
}

impl Imported {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// A column's PostgreSQL type, as the migrations make them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bytes,
}

/// Copies every table of `sqlite` (opened and migrated by `Store::open`, so at the
/// application's schema) into the team base `client` is connected to, which must be
/// prepared (`team::prepare`) and hold no data yet.
pub fn import_sqlite(
    sqlite: &rusqlite::Connection,
    client: &mut Client,
) -> Result<Imported, PgStoreError> {
    let tables = tables_parents_first(sqlite)?;
    let mut tx = client.transaction()?;
    for table in &tables {
        let has_rows: bool = tx
            .query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM public.{table})"),
                &[],
            )?
            .get(0);
        if has_rows {
            return Err(PgStoreError::Refused(format!(
                "la base d'équipe contient déjà des données (table {table}) : une base \
                 individuelle ne s'importe que dans une base d'équipe neuve ; rien n'a été importé"
            )));
        }
    }
    let mut imported = Imported::default();
    for table in &tables {
        let columns = postgres_columns(&mut tx, table)?;
        let count = copy_table(sqlite, &mut tx, table, &columns)?;
        continue_identities(&mut tx, table)?;
        imported.tables.push((table.clone(), count));
    }
    tx.commit()?;
    Ok(imported)
}

fn sqlite_error(e: rusqlite::Error) -> PgStoreError {
    PgStoreError::Refused(format!("lecture de la base individuelle : {e}"))
}

/// The application's tables, each after the tables its foreign keys name.
fn tables_parents_first(sqlite: &rusqlite::Connection) -> Result<Vec<String>, PgStoreError> {
    let names: Vec<String> = sqlite
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(sqlite_error)?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let referenced: Vec<String> = sqlite
            .prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)")
            .and_then(|mut s| s.query_map([name], |r| r.get(0))?.collect())
            .map_err(sqlite_error)?;
        parents.insert(
            name.clone(),
            referenced.into_iter().filter(|p| p != name).collect(),
        );
    }
    let mut ordered: Vec<String> = Vec::new();
    while ordered.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !ordered.contains(n))
            .filter(|n| parents[*n].iter().all(|p| ordered.contains(p)))
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(PgStoreError::Refused(
                "les clés étrangères de la base individuelle forment un cycle : import impossible"
                    .into(),
            ));
        }
        ordered.extend(ready);
    }
    Ok(ordered)
}

fn postgres_columns(
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
) -> Result<Vec<(String, Kind)>, PgStoreError> {
    let rows = tx.query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        &[&table],
    )?;
    if rows.is_empty() {
        return Err(PgStoreError::Refused(format!(
            "la table {table} de la base individuelle n'existe pas dans la base d'équipe : \
             mettez à jour la base d'équipe (team upgrade)"
        )));
    }
    rows.iter()
        .map(|row| {
            let name: String = row.get(0);
            let data_type: String = row.get(1);
            let kind = match data_type.as_str() {
                "bigint" => Kind::Int,
                "text" => Kind::Text,
                "bytea" => Kind::Bytes,
                other => {
                    return Err(PgStoreError::Refused(format!(
                        "colonne {table}.{name} de type {other} inattendu dans la base d'équipe"
                    )));
                }
            };
            Ok((name, kind))
        })
        .collect()
}

/// One SQLite value as its PostgreSQL column's type, or why not.
fn convert(value: rusqlite::types::ValueRef<'_>, kind: Kind) -> Result<Value, String> {
    use rusqlite::types::ValueRef as V;
    Ok(match (kind, value) {
        (_, V::Null) => Value::Null,
        (Kind::Int, V::Integer(i)) => Value::Int(i),
        (Kind::Text, V::Text(t)) => Value::Text(
            String::from_utf8(t.to_vec()).map_err(|_| "texte qui n'est pas de l'UTF-8")?,
        ),
        // An integer in a text column (an amount written as 12 by hand) reads back the same.
        (Kind::Text, V::Integer(i)) => Value::Text(i.to_string()),
        (Kind::Bytes, V::Blob(b)) => Value::Bytes(b.to_vec()),
        (Kind::Bytes, V::Text(t)) => Value::Bytes(t.to_vec()),
        (_, V::Real(r)) => {
            return Err(format!(
                "nombre à virgule flottante {r} : les montants sont écrits en décimal exact, \
                 corrigez la valeur dans la base individuelle"
            ));
        }
        (Kind::Int, V::Text(t)) => {
            return Err(format!(
                "texte « {} » là où un nombre entier est attendu",
                String::from_utf8_lossy(t)
            ));
        }
        (Kind::Int, V::Blob(_)) | (Kind::Text, V::Blob(_)) => {
            return Err("données binaires là où du texte ou un nombre est attendu".into());
        }
        (Kind::Bytes, V::Integer(_)) => {
            return Err("nombre là où des données binaires sont attendues".into());
        }
    })
}

fn copy_table(
    sqlite: &rusqlite::Connection,
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
    columns: &[(String, Kind)],
) -> Result<u64, PgStoreError> {
    let names: Vec<String> = columns.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    let list = names.join(", ");
    let types: Vec<Type> = columns
        .iter()
        .map(|(_, kind)| match kind {
            Kind::Int => Type::INT8,
            Kind::Text => Type::TEXT,
            Kind::Bytes => Type::BYTEA,
        })
        .collect();
    let mut statement = sqlite
        .prepare(&format!("SELECT {list} FROM \"{table}\" ORDER BY rowid"))
        .or_else(|_| sqlite.prepare(&format!("SELECT {list} FROM \"{table}\"")))
        .map_err(|e| {
            PgStoreError::Refused(format!(
                "la table {table} de la base individuelle n'a pas les colonnes de la base \
                 d'équipe ({e}) : ouvrez-la d'abord avec cette version de l'application"
            ))
        })?;
    let sink = tx.copy_in(&format!(
        "COPY public.{table} ({list}) FROM STDIN (FORMAT binary)"
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut rows = statement.query([]).map_err(sqlite_error)?;
    let mut count = 0u64;
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        count += 1;
        let mut values = Vec::with_capacity(columns.len());
        for (index, (name, kind)) in columns.iter().enumerate() {
            let raw = row.get_ref(index).map_err(sqlite_error)?;
            let value = convert(raw, *kind).map_err(|why| {
                PgStoreError::Refused(format!(
                    "table {table}, ligne {count}, colonne {name} : {why} ; rien n'a été importé"
                ))
            })?;
            values.push(value);
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        writer.write(&refs)?;
    }
    writer.finish()?;
    Ok(count)
}

/// After ids were copied as they were, the next row a PC adds takes the next one.
fn continue_identities(
    tx: &mut ::postgres::Transaction<'_>,
    table: &str,
) -> Result<(), PgStoreError> {
    let identities = tx.query(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1 AND is_identity = 'YES'",
        &[&table],
    )?;
    for row in identities {
        let column: String = row.get(0);
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('public.{table}', '{column}'), max(\"{column}\"))
                 FROM public.{table} HAVING max(\"{column}\") IS NOT NULL"
            ),
            &[],
        )?;
    }
    Ok(())
}
