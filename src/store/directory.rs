//! Queries on the cached Chorus Pro directory.

use crate::model::french_text::{self, TextQuery};
use crate::model::{Service, Structure};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params, params_from_iter};
use std::str::FromStr;

/// What the last import recorded: shown in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryImport {
    pub export_date: NaiveDate,
    pub imported_at: String,
    pub source: String,
    pub structure_count: usize,
    pub service_count: usize,
}

/// Writes the rows of a directory being imported, inside the caller's transaction.
pub struct DirectoryWriter<'t> {
    structures: rusqlite::Statement<'t>,
    services: rusqlite::Statement<'t>,
}

impl<'t> DirectoryWriter<'t> {
    /// Empties the cached directory and gets ready to write the new one.
    pub fn replace(tx: &'t Transaction<'_>) -> rusqlite::Result<DirectoryWriter<'t>> {
        tx.execute_batch("DELETE FROM directory_structures; DELETE FROM directory_services;")?;
        DirectoryWriter::new(tx)
    }

    /// Writes over the cached directory, row by row.
    pub fn new(tx: &'t Transaction<'_>) -> rusqlite::Result<DirectoryWriter<'t>> {
        // The same identifier twice in an export: the last row wins, as in the portal.
        let structures = tx.prepare(
            "INSERT OR REPLACE INTO directory_structures (identifier, identifier_type, name,
                 edi_sender, edi_receiver, payment_status_managed, engagement_required,
                 service_required, service_or_engagement_required, is_moa, is_moa_only, active,
                 address, address_complement1, address_complement2, postal_code, city, phone,
                 email, country_code, country_label, search_key, name_sort_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        )?;
        let services = tx.prepare(
            "INSERT OR REPLACE INTO directory_services (structure_identifier, code, name,
                 engagement_required, active, address, postal_code, city)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        Ok(DirectoryWriter {
            structures,
            services,
        })
    }

    pub fn structure(&mut self, s: &Structure) -> rusqlite::Result<()> {
        self.structures.execute(params![
            s.identifier,
            s.identifier_type,
            s.name,
            s.edi_sender,
            s.edi_receiver,
            s.payment_status_managed,
            s.engagement_required,
            s.service_required,
            s.service_or_engagement_required,
            s.is_moa,
            s.is_moa_only,
            s.active,
            s.address,
            s.address_complement1,
            s.address_complement2,
            s.postal_code,
            s.city,
            s.phone,
            s.email,
            s.country_code,
            s.country_label,
            structure_search_key(s.identifier.as_str(), &s.name, &s.city, &s.postal_code),
            french_text::collation_key(&s.name)
        ])?;
        Ok(())
    }

    pub fn service(&mut self, s: &Service) -> rusqlite::Result<()> {
        self.services.execute(params![
            s.structure_identifier,
            s.code,
            s.name,
            s.engagement_required,
            s.active,
            s.address,
            s.postal_code,
            s.city
        ])?;
        Ok(())
    }
}

/// Replaces one structure and all its services (a structure refreshed through the API).
pub fn replace_structure(
    tx: &Transaction<'_>,
    structure: &Structure,
    services: &[Service],
) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM directory_services WHERE structure_identifier = ?1",
        [&structure.identifier],
    )?;
    let mut writer = DirectoryWriter::new(tx)?;
    writer.structure(structure)?;
    for service in services {
        writer.service(service)?;
    }
    Ok(())
}

/// How many structures the cache holds (an import compares its own count with it).
pub fn structure_count(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("SELECT count(*) FROM directory_structures", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n as usize)
}

/// Records an import, with the counts as they stand in the tables after it.
pub fn record_import(
    tx: &Transaction<'_>,
    export_date: NaiveDate,
    imported_at: &str,
    source: &str,
) -> rusqlite::Result<DirectoryImport> {
    let structure_count: i64 =
        tx.query_row("SELECT count(*) FROM directory_structures", [], |r| {
            r.get(0)
        })?;
    let service_count: i64 =
        tx.query_row("SELECT count(*) FROM directory_services", [], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO directory_imports (export_date, imported_at, source, structure_count,
             service_count) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            export_date.to_string(),
            imported_at,
            source,
            structure_count,
            service_count
        ],
    )?;
    Ok(DirectoryImport {
        export_date,
        imported_at: imported_at.to_string(),
        source: source.to_string(),
        structure_count: structure_count as usize,
        service_count: service_count as usize,
    })
}

pub fn latest_import(conn: &Connection) -> rusqlite::Result<Option<DirectoryImport>> {
    conn.query_row(
        "SELECT export_date, imported_at, source, structure_count, service_count
         FROM directory_imports ORDER BY id DESC LIMIT 1",
        [],
        |row| {
            let date: String = row.get(0)?;
            Ok(DirectoryImport {
                export_date: NaiveDate::from_str(&date).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        0,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
                imported_at: row.get(1)?,
                source: row.get(2)?,
                structure_count: row.get::<_, i64>(3)? as usize,
                service_count: row.get::<_, i64>(4)? as usize,
            })
        },
    )
    .optional()
}

const STRUCTURE_COLUMNS: &str = "identifier, identifier_type, name, edi_sender, edi_receiver,
    payment_status_managed, engagement_required, service_required,
    service_or_engagement_required, is_moa, is_moa_only, active, address, address_complement1,
    address_complement2, postal_code, city, phone, email, country_code, country_label";

fn structure_from_row(row: &Row<'_>) -> rusqlite::Result<Structure> {
    Ok(Structure {
        identifier: row.get(0)?,
        identifier_type: row.get(1)?,
        name: row.get(2)?,
        edi_sender: row.get(3)?,
        edi_receiver: row.get(4)?,
        payment_status_managed: row.get(5)?,
        engagement_required: row.get(6)?,
        service_required: row.get(7)?,
        service_or_engagement_required: row.get(8)?,
        is_moa: row.get(9)?,
        is_moa_only: row.get(10)?,
        active: row.get(11)?,
        address: row.get(12)?,
        address_complement1: row.get(13)?,
        address_complement2: row.get(14)?,
        postal_code: row.get(15)?,
        city: row.get(16)?,
        phone: row.get(17)?,
        email: row.get(18)?,
        country_code: row.get(19)?,
        country_label: row.get(20)?,
    })
}

pub fn find_structure(conn: &Connection, identifier: &str) -> rusqlite::Result<Option<Structure>> {
    let sql = format!("SELECT {STRUCTURE_COLUMNS} FROM directory_structures WHERE identifier = ?1");
    conn.prepare_cached(&sql)?
        .query_row([identifier], structure_from_row)
        .optional()
}

fn service_from_row(row: &Row<'_>) -> rusqlite::Result<Service> {
    Ok(Service {
        structure_identifier: row.get(0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        engagement_required: row.get(3)?,
        active: row.get(4)?,
        address: row.get(5)?,
        postal_code: row.get(6)?,
        city: row.get(7)?,
    })
}

pub fn services_of(conn: &Connection, identifier: &str) -> rusqlite::Result<Vec<Service>> {
    conn.prepare_cached(
        "SELECT structure_identifier, code, name, engagement_required, active, address,
             postal_code, city
         FROM directory_services WHERE structure_identifier = ?1 ORDER BY code",
    )?
    .query_map([identifier], service_from_row)?
    .collect()
}

/// The folded text a search of the directory looks into.
fn structure_search_key(identifier: &str, name: &str, city: &str, postal_code: &str) -> String {
    french_text::search_key(&[identifier, name, city, postal_code])
}

/// Keys the structures written before the search keys existed (migration 0015) or by a
/// tool that does not know them. Runs at open; reads nothing when every row is keyed.
pub fn key_unkeyed_structures(conn: &mut Connection) -> rusqlite::Result<usize> {
    let unkeyed: Vec<(String, String, String, String)> = conn
        .prepare(
            "SELECT identifier, name, city, postal_code FROM directory_structures
             WHERE search_key IS NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if unkeyed.is_empty() {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    {
        let mut update = tx.prepare(
            "UPDATE directory_structures SET search_key = ?2, name_sort_key = ?3
             WHERE identifier = ?1",
        )?;
        for (identifier, name, city, postal_code) in &unkeyed {
            update.execute(params![
                identifier,
                structure_search_key(identifier, name, city, postal_code),
                french_text::collation_key(name)
            ])?;
        }
    }
    tx.commit()?;
    Ok(unkeyed.len())
}

/// One page of structures where every word of `query` is found in the identifier, name,
/// city or postal code, ignoring case and accents, in French name order; with the total
/// number of matches.
pub fn search_structures(
    conn: &Connection,
    query: &str,
    only_active: bool,
    limit: usize,
    offset: usize,
) -> rusqlite::Result<(Vec<Structure>, usize)> {
    let query = TextQuery::new(query);
    // Folded words hold only letters and digits: nothing to escape for LIKE, which then
    // only has to compare lower-case text.
    let mut filter = String::from("(?1 = 0 OR active = 1)");
    if query.finds_nothing() {
        filter.push_str(" AND 0");
    }
    let mut values: Vec<Value> = vec![Value::Integer(i64::from(only_active))];
    for word in query.words() {
        values.push(Value::Text(format!("%{word}%")));
        filter.push_str(&format!(" AND search_key LIKE ?{}", values.len()));
    }
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM directory_structures WHERE {filter}"),
        params_from_iter(values.iter()),
        |r| r.get(0),
    )?;
    let sql = format!(
        "SELECT {STRUCTURE_COLUMNS} FROM directory_structures WHERE {filter}
         ORDER BY name_sort_key, identifier LIMIT ?{} OFFSET ?{}",
        values.len() + 1,
        values.len() + 2
    );
    values.push(Value::Integer(limit as i64));
    values.push(Value::Integer(offset as i64));
    let rows = conn
        .prepare(&sql)?
        .query_map(params_from_iter(values.iter()), structure_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((rows, total as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn structure(identifier: &str, name: &str, city: &str) -> Structure {
        Structure {
            identifier: identifier.into(),
            identifier_type: 1,
            name: name.into(),
            city: city.into(),
            active: true,
            ..Structure::default()
        }
    }

    fn names(conn: &Connection, query: &str) -> Vec<String> {
        search_structures(conn, query, false, 100, 0)
            .unwrap()
            .0
            .into_iter()
            .map(|s| s.name)
            .collect()
    }

    #[test]
    fn the_search_ignores_case_and_accents_and_names_sort_in_french() {
        let mut store = Store::open_in_memory().unwrap();
        let tx = store.conn_mut().transaction().unwrap();
        {
            let mut writer = DirectoryWriter::replace(&tx).unwrap();
            for (id, name, city) in [
                ("1", "Montpellier Méditerranée Métropole", "MONTPELLIER"),
                ("2", "Commune de Mérignac", "MÉRIGNAC"),
                ("3", "Région Bretagne", "Rennes"),
                ("4", "Département de la Drôme", "Valence"),
                ("5", "Commune de Marseille", "Marseille"),
            ] {
                writer.structure(&structure(id, name, city)).unwrap();
            }
        }
        tx.commit().unwrap();
        let conn = store.conn();
        assert_eq!(names(conn, "region bretagne"), ["Région Bretagne"]);
        assert_eq!(names(conn, "BRETAGNE région"), ["Région Bretagne"]);
        assert_eq!(names(conn, "drome"), ["Département de la Drôme"]);
        assert_eq!(names(conn, "drôme valence"), ["Département de la Drôme"]);
        assert_eq!(names(conn, "100%"), Vec::<String>::new());
        assert_eq!(
            names(conn, ""),
            [
                "Commune de Marseille",
                "Commune de Mérignac",
                "Département de la Drôme",
                "Montpellier Méditerranée Métropole",
                "Région Bretagne",
            ]
        );
    }

    #[test]
    fn rows_written_without_their_keys_are_keyed_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("base.sqlite");
        {
            let store = Store::open(&path).unwrap();
            // As written before migration 0015 (or by another tool).
            store
                .conn()
                .execute(
                    "INSERT INTO directory_structures (identifier, name, city)
                     VALUES ('21350238800019', 'Ville de Rennes', 'RENNES')",
                    [],
                )
                .unwrap();
            assert_eq!(names(store.conn(), "rennes"), Vec::<String>::new());
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(names(store.conn(), "RENNES ville"), ["Ville de Rennes"]);
    }
}
