//! Queries on the cached Chorus Pro directory.

use super::sql::{Row, Sql, SqlError, Value};
use crate::model::french_text::{self, TextQuery};
use crate::model::{Service, Structure};
use crate::sql_params;
use chrono::NaiveDate;
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
    db: &'t dyn Sql,
}

/// The same identifier twice in an export: the last row wins, as in the portal.
const WRITE_STRUCTURE: &str = "INSERT INTO directory_structures (identifier, identifier_type,
         name, edi_sender, edi_receiver, payment_status_managed, engagement_required,
         service_required, service_or_engagement_required, is_moa, is_moa_only, active,
         address, address_complement1, address_complement2, postal_code, city, phone,
         email, country_code, country_label, search_key, name_sort_key)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
         ?17, ?18, ?19, ?20, ?21, ?22, ?23)
     ON CONFLICT (identifier) DO UPDATE SET identifier_type = excluded.identifier_type,
         name = excluded.name, edi_sender = excluded.edi_sender,
         edi_receiver = excluded.edi_receiver,
         payment_status_managed = excluded.payment_status_managed,
         engagement_required = excluded.engagement_required,
         service_required = excluded.service_required,
         service_or_engagement_required = excluded.service_or_engagement_required,
         is_moa = excluded.is_moa, is_moa_only = excluded.is_moa_only,
         active = excluded.active, address = excluded.address,
         address_complement1 = excluded.address_complement1,
         address_complement2 = excluded.address_complement2,
         postal_code = excluded.postal_code, city = excluded.city, phone = excluded.phone,
         email = excluded.email, country_code = excluded.country_code,
         country_label = excluded.country_label, search_key = excluded.search_key,
         name_sort_key = excluded.name_sort_key";

const WRITE_SERVICE: &str = "INSERT INTO directory_services (structure_identifier, code, name,
         engagement_required, active, address, postal_code, city)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
     ON CONFLICT (structure_identifier, code) DO UPDATE SET name = excluded.name,
         engagement_required = excluded.engagement_required, active = excluded.active,
         address = excluded.address, postal_code = excluded.postal_code,
         city = excluded.city";

impl<'t> DirectoryWriter<'t> {
    /// Empties the cached directory and gets ready to write the new one.
    pub fn replace(db: &'t dyn Sql) -> Result<DirectoryWriter<'t>, SqlError> {
        db.execute("DELETE FROM directory_structures", &[])?;
        db.execute("DELETE FROM directory_services", &[])?;
        Ok(DirectoryWriter::new(db))
    }

    /// Writes over the cached directory, row by row.
    pub fn new(db: &'t dyn Sql) -> DirectoryWriter<'t> {
        DirectoryWriter { db }
    }

    pub fn structure(&mut self, s: &Structure) -> Result<(), SqlError> {
        self.db.execute(
            WRITE_STRUCTURE,
            sql_params![
                &s.identifier,
                s.identifier_type,
                &s.name,
                s.edi_sender,
                s.edi_receiver,
                s.payment_status_managed,
                s.engagement_required,
                s.service_required,
                s.service_or_engagement_required,
                s.is_moa,
                s.is_moa_only,
                s.active,
                &s.address,
                &s.address_complement1,
                &s.address_complement2,
                &s.postal_code,
                &s.city,
                &s.phone,
                &s.email,
                &s.country_code,
                &s.country_label,
                structure_search_key(s.identifier.as_str(), &s.name, &s.city, &s.postal_code),
                french_text::collation_key(&s.name)
            ],
        )?;
        Ok(())
    }

    pub fn service(&mut self, s: &Service) -> Result<(), SqlError> {
        self.db.execute(
            WRITE_SERVICE,
            sql_params![
                &s.structure_identifier,
                &s.code,
                &s.name,
                s.engagement_required,
                s.active,
                &s.address,
                &s.postal_code,
                &s.city
            ],
        )?;
        Ok(())
    }
}

/// Replaces one structure and all its services (a structure refreshed through the API).
pub fn replace_structure(
    db: &dyn Sql,
    structure: &Structure,
    services: &[Service],
) -> Result<(), SqlError> {
    db.in_transaction(&mut |tx| {
        tx.execute(
            "DELETE FROM directory_services WHERE structure_identifier = ?1",
            sql_params![&structure.identifier],
        )?;
        let mut writer = DirectoryWriter::new(tx);
        writer.structure(structure)?;
        for service in services {
            writer.service(service)?;
        }
        Ok(())
    })
}

fn count(db: &dyn Sql, table: &str) -> Result<usize, SqlError> {
    let n = db.first_row(&format!("SELECT count(*) FROM {table}"), &[], |r| {
        r.int_as::<usize>(0)
    })?;
    Ok(n.unwrap_or(0))
}

/// How many structures the cache holds (an import compares its own count with it).
pub fn structure_count(db: &dyn Sql) -> Result<usize, SqlError> {
    count(db, "directory_structures")
}

/// Records an import, with the counts as they stand in the tables after it.
pub fn record_import(
    db: &dyn Sql,
    export_date: NaiveDate,
    imported_at: &str,
    source: &str,
) -> Result<DirectoryImport, SqlError> {
    let structure_count = count(db, "directory_structures")?;
    let service_count = count(db, "directory_services")?;
    db.execute(
        "INSERT INTO directory_imports (export_date, imported_at, source, structure_count,
             service_count) VALUES (?1, ?2, ?3, ?4, ?5)",
        sql_params![
            export_date.to_string(),
            imported_at,
            source,
            i64::try_from(structure_count).unwrap_or(i64::MAX),
            i64::try_from(service_count).unwrap_or(i64::MAX)
        ],
    )?;
    Ok(DirectoryImport {
        export_date,
        imported_at: imported_at.to_string(),
        source: source.to_string(),
        structure_count,
        service_count,
    })
}

pub fn latest_import(db: &dyn Sql) -> Result<Option<DirectoryImport>, SqlError> {
    db.first_row(
        "SELECT export_date, imported_at, source, structure_count, service_count
         FROM directory_imports ORDER BY id DESC LIMIT 1",
        &[],
        |row| {
            let date = row.text(0)?;
            Ok(DirectoryImport {
                export_date: NaiveDate::from_str(&date).map_err(|_| SqlError::Type {
                    column: "export_date".into(),
                    expected: "une date AAAA-MM-JJ",
                    found: format!("le texte « {date} »"),
                })?,
                imported_at: row.text(1)?,
                source: row.text(2)?,
                structure_count: row.int_as(3)?,
                service_count: row.int_as(4)?,
            })
        },
    )
}

const STRUCTURE_COLUMNS: &str = "identifier, identifier_type, name, edi_sender, edi_receiver,
    payment_status_managed, engagement_required, service_required,
    service_or_engagement_required, is_moa, is_moa_only, active, address, address_complement1,
    address_complement2, postal_code, city, phone, email, country_code, country_label";

fn structure_from_row(row: &Row) -> Result<Structure, SqlError> {
    Ok(Structure {
        identifier: row.text(0)?,
        identifier_type: row.int(1)?,
        name: row.text(2)?,
        edi_sender: row.flag(3)?,
        edi_receiver: row.flag(4)?,
        payment_status_managed: row.flag(5)?,
        engagement_required: row.flag(6)?,
        service_required: row.flag(7)?,
        service_or_engagement_required: row.flag(8)?,
        is_moa: row.flag(9)?,
        is_moa_only: row.flag(10)?,
        active: row.flag(11)?,
        address: row.text(12)?,
        address_complement1: row.text(13)?,
        address_complement2: row.text(14)?,
        postal_code: row.text(15)?,
        city: row.text(16)?,
        phone: row.text(17)?,
        email: row.text(18)?,
        country_code: row.text(19)?,
        country_label: row.text(20)?,
    })
}

pub fn find_structure(db: &dyn Sql, identifier: &str) -> Result<Option<Structure>, SqlError> {
    let sql = format!("SELECT {STRUCTURE_COLUMNS} FROM directory_structures WHERE identifier = ?1");
    db.first_row(&sql, sql_params![identifier], structure_from_row)
}

fn service_from_row(row: &Row) -> Result<Service, SqlError> {
    Ok(Service {
        structure_identifier: row.text(0)?,
        code: row.text(1)?,
        name: row.text(2)?,
        engagement_required: row.flag(3)?,
        active: row.flag(4)?,
        address: row.text(5)?,
        postal_code: row.text(6)?,
        city: row.text(7)?,
    })
}

pub fn services_of(db: &dyn Sql, identifier: &str) -> Result<Vec<Service>, SqlError> {
    db.rows(
        "SELECT structure_identifier, code, name, engagement_required, active, address,
             postal_code, city
         FROM directory_services WHERE structure_identifier = ?1 ORDER BY code",
        sql_params![identifier],
        service_from_row,
    )
}

/// The folded text a search of the directory looks into.
fn structure_search_key(identifier: &str, name: &str, city: &str, postal_code: &str) -> String {
    french_text::search_key(&[identifier, name, city, postal_code])
}

/// Keys the structures written before the search keys existed (migration 0015) or by a
/// tool that does not know them. Runs at open; reads nothing when every row is keyed.
pub fn key_unkeyed_structures(db: &dyn Sql) -> Result<usize, SqlError> {
    let unkeyed = db.rows(
        "SELECT identifier, name, city, postal_code FROM directory_structures
         WHERE search_key IS NULL",
        &[],
        |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.text(3)?)),
    )?;
    if unkeyed.is_empty() {
        return Ok(0);
    }
    db.in_transaction(&mut |tx| {
        for (identifier, name, city, postal_code) in &unkeyed {
            tx.execute(
                "UPDATE directory_structures SET search_key = ?2, name_sort_key = ?3
                 WHERE identifier = ?1",
                sql_params![
                    identifier,
                    structure_search_key(identifier, name, city, postal_code),
                    french_text::collation_key(name)
                ],
            )?;
        }
        Ok(())
    })?;
    Ok(unkeyed.len())
}

/// One page of structures where every word of `query` is found in the identifier, name,
/// city or postal code, ignoring case and accents, in French name order; with the total
/// number of matches.
pub fn search_structures(
    db: &dyn Sql,
    query: &str,
    only_active: bool,
    limit: usize,
    offset: usize,
) -> Result<(Vec<Structure>, usize), SqlError> {
    let query = TextQuery::new(query);
    // Folded words hold only letters and digits: nothing to escape for LIKE, which then
    // only has to compare lower-case text (case-sensitive LIKE on PostgreSQL too).
    let mut filter = String::from("(?1 = 0 OR active = 1)");
    if query.finds_nothing() {
        filter.push_str(" AND 1 = 0");
    }
    let mut values: Vec<Value> = vec![Value::from(only_active)];
    for word in query.words() {
        values.push(Value::Text(format!("%{word}%")));
        filter.push_str(&format!(" AND search_key LIKE ?{}", values.len()));
    }
    let total = db
        .first_row(
            &format!("SELECT count(*) FROM directory_structures WHERE {filter}"),
            &values,
            |r| r.int_as::<usize>(0),
        )?
        .unwrap_or(0);
    let sql = format!(
        "SELECT {STRUCTURE_COLUMNS} FROM directory_structures WHERE {filter}
         ORDER BY name_sort_key, identifier LIMIT ?{} OFFSET ?{}",
        values.len() + 1,
        values.len() + 2
    );
    values.push(Value::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    values.push(Value::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    let rows = db.rows(&sql, &values, structure_from_row)?;
    Ok((rows, total))
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

    fn names(conn: &dyn Sql, query: &str) -> Vec<String> {
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
            let mut writer = DirectoryWriter::replace(&*tx).unwrap();
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
