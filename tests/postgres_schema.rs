//! Team mode's schema (issue 11) on a real PostgreSQL server started by the tests
//! (tests/common/postgres.rs): the migrations apply, apply once, survive two PCs upgrading
//! at once, and give exactly the SQLite schema.

mod common;

use chorus_depot::store::Store;
use chorus_depot::store::postgres::{
    PG_MIGRATIONS, PgMigration, PgStoreError, connect, migrate, migrate_with,
};
use common::postgres::server;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr as _;

fn all_versions() -> Vec<i64> {
    PG_MIGRATIONS.iter().map(|m| m.version).collect()
}

#[test]
fn every_sqlite_migration_has_its_postgres_twin() {
    let names = |dir: &str| -> BTreeSet<String> {
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".sql"))
            .collect()
    };
    assert_eq!(names("migrations"), names("migrations/postgres"));
    let embedded: BTreeSet<String> = PG_MIGRATIONS
        .iter()
        .map(|m| format!("{}.sql", m.name))
        .collect();
    assert_eq!(embedded, names("migrations/postgres"));
}

#[test]
fn migrations_apply_on_an_empty_database() {
    let pg = server();
    let mut client = connect(&pg.fresh_database("empty")).unwrap();
    let outcome = migrate(&mut client).unwrap();
    assert_eq!(outcome.applied, all_versions());
    let recorded: Vec<(i64, String)> = client
        .query(
            "SELECT version, name FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let expected: Vec<(i64, String)> = PG_MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_string()))
        .collect();
    assert_eq!(recorded, expected);
}

#[test]
fn migrating_again_changes_nothing() {
    let pg = server();
    let mut client = connect(&pg.fresh_database("again")).unwrap();
    migrate(&mut client).unwrap();
    // Rows the base holds by now; 0013 drops and re-creates pdf_verdicts, so a step run
    // again would lose its row.
    client
        .batch_execute(
            "INSERT INTO app_settings (key, value) VALUES ('essai', 'gardé');
             INSERT INTO pdf_verdicts (path, size, modified_ns, verdict)
                 VALUES ('/factures/F1.pdf', 1234, 5678, 'LISIBLE');",
        )
        .unwrap();
    let before = bookkeeping_and_columns(&mut client);
    let outcome = migrate(&mut client).unwrap();
    assert!(outcome.applied.is_empty(), "{outcome:?}");
    assert_eq!(bookkeeping_and_columns(&mut client), before);
    let kept: i64 = client
        .query_one(
            "SELECT (SELECT count(*) FROM app_settings) + (SELECT count(*) FROM pdf_verdicts)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(kept, 2);
}

/// The migration rows (with their times) and every column: what a second run must not touch.
fn bookkeeping_and_columns(client: &mut postgres::Client) -> Vec<String> {
    let mut rows: Vec<String> = client
        .query(
            "SELECT version::text || ' ' || name || ' ' || applied_at::text
             FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    rows.extend(
        client
            .query(
                "SELECT table_name::text || '.' || column_name::text || ' ' || data_type::text
                 FROM information_schema.columns WHERE table_schema = 'public'
                 ORDER BY table_name, ordinal_position",
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get::<_, String>(0)),
    );
    rows
}

#[test]
fn two_pcs_migrating_the_same_new_base_at_once_both_succeed() {
    let pg = server();
    // A few rounds: which PC wins the lock, and when, varies from one to the next. The last
    // ones on a base whose default isolation is stricter (an administrator's choice): the
    // migrations must not depend on the server's default.
    let defaults = [
        "read committed",
        "read committed",
        "repeatable read",
        "serializable",
    ];
    for (round, isolation) in defaults.iter().enumerate() {
        let conninfo = pg.fresh_database(&format!("race{round}"));
        let database: String = connect(&conninfo)
            .unwrap()
            .query_one("SELECT current_database()::text", &[])
            .unwrap()
            .get(0);
        connect(&pg.admin_conninfo())
            .unwrap()
            .batch_execute(&format!(
                "ALTER DATABASE {database} SET default_transaction_isolation = '{isolation}'"
            ))
            .unwrap();
        let start = std::sync::Barrier::new(2);
        let outcomes: Vec<Vec<i64>> = std::thread::scope(|scope| {
            let pcs: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| {
                        let mut client = connect(&conninfo).unwrap();
                        start.wait();
                        migrate(&mut client).unwrap().applied
                    })
                })
                .collect();
            pcs.into_iter().map(|pc| pc.join().unwrap()).collect()
        });
        let mut applied: Vec<i64> = outcomes.concat();
        applied.sort();
        assert_eq!(
            applied,
            all_versions(),
            "round {round} ({isolation}): {outcomes:?}"
        );
        let mut client = connect(&conninfo).unwrap();
        let recorded: i64 = client
            .query_one("SELECT count(*) FROM schema_migrations", &[])
            .unwrap()
            .get(0);
        assert_eq!(recorded, PG_MIGRATIONS.len() as i64);
    }
}

#[test]
fn a_failing_migration_leaves_nothing_of_itself_and_says_which() {
    let pg = server();
    let mut client = connect(&pg.fresh_database("failing")).unwrap();
    let steps = [
        PgMigration {
            version: 1,
            name: "0001_first",
            sql: "CREATE TABLE first (id BIGINT PRIMARY KEY);",
        },
        PgMigration {
            version: 2,
            name: "0002_broken",
            // The table is created, then the next statement fails: both must go.
            sql: "CREATE TABLE half_done (id BIGINT); INSERT INTO nowhere VALUES (1);",
        },
    ];
    let error = migrate_with(&mut client, &steps).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, PgStoreError::Migration { version: 2, .. }),
        "{error:?}"
    );
    assert!(
        message.contains("migration n° 2 (0002_broken)"),
        "{message}"
    );
    // The server's own words, not the client's bare « db error ».
    assert!(message.contains("\"nowhere\""), "{message}");
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(tables, ["first", "schema_migrations"]);
    let recorded: Vec<i64> = client
        .query("SELECT version FROM schema_migrations", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(recorded, [1]);
}

#[test]
fn a_base_from_a_newer_application_is_refused() {
    let pg = server();
    let mut client = connect(&pg.fresh_database("newer")).unwrap();
    migrate(&mut client).unwrap();
    client
        .execute(
            "INSERT INTO schema_migrations (version, name) VALUES (999, '0999_future')",
            &[],
        )
        .unwrap();
    let error = migrate(&mut client).unwrap_err();
    assert!(
        matches!(error, PgStoreError::TooNew { found: 999, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("plus récente"), "{error}");
}

#[test]
fn a_server_that_does_not_answer_is_told_in_french() {
    // Port 1 on loopback: nothing listens there.
    let error = connect("host=127.0.0.1 port=1 user=postgres dbname=x connect_timeout=5")
        .err()
        .expect("no server on port 1");
    let message = error.to_string();
    assert!(
        message.starts_with("impossible de se connecter au serveur PostgreSQL"),
        "{message}"
    );
    assert!(message.contains("connexion refusée"), "{message}");
}

#[test]
fn amounts_round_trip_exactly() {
    let pg = server();
    let mut client = connect(&pg.fresh_database("amounts")).unwrap();
    migrate(&mut client).unwrap();
    // The store writes amounts with Decimal's Display and reads them with from_str (see
    // src/store/erp.rs): the column must give back the very same text.
    let amounts = [
        "0.123456",
        "999999999999.99",
        "999999999999.999999",
        "-123456789012.345678",
        "1000000000000",
        "0.10",
    ];
    client
        .batch_execute(
            "INSERT INTO companies (code, name) VALUES ('SOC', 'Société');
             INSERT INTO clients (code, name, client_type) VALUES ('CLI', 'Mairie', 'PUBLIC');",
        )
        .unwrap();
    for (i, text) in amounts.iter().enumerate() {
        let amount = Decimal::from_str(text).unwrap();
        let number = format!("F{i}");
        client
            .execute(
                "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date,
                     total_excl_tax, total_tax, total_incl_tax)
                 VALUES ($1, 'SOC', 'CLI', 'FACTURE', '2026-12-05', $2, '0', $2)",
                &[&number, &amount.to_string()],
            )
            .unwrap();
        client
            .execute(
                "INSERT INTO payments (invoice_number, date, amount) VALUES ($1, '2026-12-05', $2)",
                &[&number, &amount.to_string()],
            )
            .unwrap();
        let row = client
            .query_one(
                "SELECT i.total_excl_tax, p.amount FROM invoices i
                 JOIN payments p ON p.invoice_number = i.number WHERE i.number = $1",
                &[&number],
            )
            .unwrap();
        for column in 0..2 {
            let stored: String = row.get(column);
            assert_eq!(stored, amount.to_string(), "{text}");
            let read = Decimal::from_str(&stored).unwrap();
            assert_eq!(read, amount, "{text}");
            assert_eq!(read.scale(), amount.scale(), "{text}: scale kept");
        }
    }
    // Server-side sums stay exact too: the text casts to NUMERIC, never to a float.
    let expected: Decimal = amounts.iter().map(|a| Decimal::from_str(a).unwrap()).sum();
    let summed: String = client
        .query_one("SELECT sum(amount::numeric)::text FROM payments", &[])
        .unwrap()
        .get(0);
    assert_eq!(Decimal::from_str(&summed).unwrap(), expected);
}

/// What the comparison looks at for one column.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Column {
    /// `TEXT`, `INT64` or `BLOB`: the engine-neutral kind, spelled unlike any engine's type
    /// name so that an unmapped type never matches by accident.
    kind: String,
    not_null: bool,
    default: Option<String>,
}

/// One index or unique constraint: its columns, whether unique and partial, and its name
/// when it was created by name (`CREATE INDEX`); constraint-made ones are named by each
/// engine its own way.
type Index = (String, Vec<String>, bool, bool, Option<String>);

#[derive(Debug, PartialEq, Eq)]
struct Schema {
    columns: BTreeMap<(String, String), Column>,
    primary_keys: BTreeMap<String, Vec<String>>,
    /// (table, column, referenced table, referenced column, on delete)
    foreign_keys: BTreeSet<(String, String, String, String, String)>,
    indexes: BTreeSet<Index>,
    /// CHECK constraints per table, counted: each engine rewrites their text its own way
    /// (PostgreSQL turns `IN (…)` into `= ANY (ARRAY[…])`), but a forgotten one shows.
    checks: BTreeMap<String, usize>,
}

#[test]
fn postgres_schema_is_the_sqlite_schema() {
    let sqlite = sqlite_schema();
    let pg = server();
    let mut client = connect(&pg.fresh_database("same_schema")).unwrap();
    migrate(&mut client).unwrap();
    let postgres = postgres_schema(&mut client);

    let sqlite_columns: BTreeSet<_> = sqlite.columns.keys().collect();
    let postgres_columns: BTreeSet<_> = postgres.columns.keys().collect();
    assert_eq!(
        sqlite_columns
            .difference(&postgres_columns)
            .collect::<Vec<_>>(),
        Vec::<&&(String, String)>::new(),
        "columns missing on PostgreSQL"
    );
    assert_eq!(
        postgres_columns
            .difference(&sqlite_columns)
            .collect::<Vec<_>>(),
        Vec::<&&(String, String)>::new(),
        "columns missing on SQLite"
    );
    for (key, column) in &sqlite.columns {
        assert_eq!(Some(column), postgres.columns.get(key), "{key:?}");
    }
    assert_eq!(sqlite.primary_keys, postgres.primary_keys);
    assert_eq!(sqlite.foreign_keys, postgres.foreign_keys);
    assert_eq!(sqlite.indexes, postgres.indexes);
    assert_eq!(sqlite.checks, postgres.checks);
    assert!(!sqlite.checks.is_empty());
}

fn sqlite_schema() -> Schema {
    let store = Store::open_in_memory().unwrap();
    let conn = store.conn();
    let tables = common::sqlite_tables(conn);
    let mut schema = Schema {
        columns: BTreeMap::new(),
        primary_keys: BTreeMap::new(),
        foreign_keys: BTreeSet::new(),
        indexes: BTreeSet::new(),
        checks: BTreeMap::new(),
    };
    for table in &tables {
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let checks = sql
            .to_ascii_uppercase()
            .replace("CHECK(", "CHECK (")
            .matches("CHECK (")
            .count();
        if checks > 0 {
            schema.checks.insert(table.clone(), checks);
        }
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut statement = conn
            .prepare("SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info(?1)")
            .unwrap();
        let mut rows = statement.query([table]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let name: String = row.get(0).unwrap();
            let declared: String = row.get(1).unwrap();
            let not_null: bool = row.get(2).unwrap();
            let pk_position: i64 = row.get(3).unwrap();
            let default: Option<String> = row.get(4).unwrap();
            if pk_position > 0 {
                pk.push((pk_position, name.clone()));
            }
            let kind = match declared.to_ascii_uppercase().as_str() {
                "TEXT" => "TEXT",
                "INTEGER" => "INT64",
                "BLOB" => "BLOB",
                other => panic!("{table}.{name}: SQLite type {other} not mapped yet"),
            };
            schema.columns.insert(
                (table.clone(), name),
                Column {
                    kind: kind.into(),
                    // A primary key is never NULL on PostgreSQL; SQLite lets a TEXT one be
                    // (an old quirk) but the application never writes one.
                    not_null: not_null || pk_position > 0,
                    default,
                },
            );
        }
        pk.sort();
        schema
            .primary_keys
            .insert(table.clone(), pk.into_iter().map(|(_, n)| n).collect());

        let mut statement = conn
            .prepare(
                "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?1)",
            )
            .unwrap();
        let mut rows = statement.query([table]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            schema.foreign_keys.insert((
                table.clone(),
                row.get(0).unwrap(),
                row.get(1).unwrap(),
                row.get(2).unwrap(),
                row.get(3).unwrap(),
            ));
        }

        let mut statement = conn
            .prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) WHERE origin <> 'pk'")
            .unwrap();
        let indexes: Vec<(String, bool, String, bool)> = statement
            .query_map([table], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (name, unique, origin, partial) in indexes {
            let columns: Vec<String> = conn
                .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                .unwrap()
                .query_map([&name], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let named = (origin == "c").then_some(name);
            schema
                .indexes
                .insert((table.clone(), columns, unique, partial, named));
        }
    }
    schema
}

fn postgres_schema(client: &mut postgres::Client) -> Schema {
    let mut schema = Schema {
        columns: BTreeMap::new(),
        primary_keys: BTreeMap::new(),
        foreign_keys: BTreeSet::new(),
        indexes: BTreeSet::new(),
        checks: BTreeMap::new(),
    };
    let mine = "schema_migrations";
    for row in client
        .query(
            "SELECT c.conrelid::regclass::text, count(*)
             FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace
             WHERE c.contype = 'c' AND ns.nspname = 'public'
             GROUP BY 1",
            &[],
        )
        .unwrap()
    {
        let count: i64 = row.get(1);
        schema.checks.insert(row.get(0), count as usize);
    }
    for row in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text,
                    column_default::text
             FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name <> $1",
            &[&mine],
        )
        .unwrap()
    {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let data_type: String = row.get(2);
        let kind = match data_type.as_str() {
            "text" => "TEXT",
            // Only BIGINT stands for SQLite's INTEGER: the postgres crate reads an i64
            // from INT8 only (see migrations/postgres/0001_erp_mirror.sql).
            "bigint" => "INT64",
            "bytea" => "BLOB",
            other => other,
        };
        let is_nullable: String = row.get(3);
        // PostgreSQL spells a default with its type: `''::text`, `'EUR'::text`, `0`.
        let default = row
            .get::<_, Option<String>>(4)
            .map(|d| d.trim_end_matches("::text").to_string());
        schema.columns.insert(
            (table, name),
            Column {
                kind: kind.into(),
                not_null: is_nullable == "NO",
                default,
            },
        );
    }
    for row in client
        .query(
            "SELECT c.conrelid::regclass::text,
                    array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                          ORDER BY k.o)
             FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace
             WHERE c.contype = 'p' AND ns.nspname = 'public' AND c.conrelid::regclass::text <> $1",
            &[&mine],
        )
        .unwrap()
    {
        schema.primary_keys.insert(row.get(0), row.get(1));
    }
    for row in client
        .query(
            "SELECT c.conrelid::regclass::text, a.attname::text, c.confrelid::regclass::text,
                    af.attname::text,
                    CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION'
                         WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL'
                         ELSE 'SET DEFAULT' END
             FROM pg_constraint c
             CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
             JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = k.fcol
             JOIN pg_namespace ns ON ns.oid = c.connamespace
             WHERE c.contype = 'f' AND ns.nspname = 'public'",
            &[],
        )
        .unwrap()
    {
        schema
            .foreign_keys
            .insert((row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)));
    }
    for row in client
        .query(
            "SELECT t.relname::text, i.relname::text,
                    array(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(n, o)
                          JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n
                          ORDER BY k.o),
                    ix.indisunique, ix.indpred IS NOT NULL,
                    EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid
                            AND c.contype = 'u')
             FROM pg_index ix
             JOIN pg_class i ON i.oid = ix.indexrelid
             JOIN pg_class t ON t.oid = ix.indrelid
             JOIN pg_namespace ns ON ns.oid = t.relnamespace
             WHERE ns.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> $1",
            &[&mine],
        )
        .unwrap()
    {
        let by_constraint: bool = row.get(5);
        let name: String = row.get(1);
        schema.indexes.insert((
            row.get(0),
            row.get(2),
            row.get(3),
            row.get(4),
            (!by_constraint).then_some(name),
        ));
    }
    schema
}
