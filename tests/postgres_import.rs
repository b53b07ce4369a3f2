//! `team import`: a single-user base moved into a team base (issue 11), checked table by
//! table and value by value against a real PostgreSQL server.

mod common;

use chorus_depot::demo::{DemoOptions, write_demo};
use chorus_depot::store::Store;
use chorus_depot::store::postgres::{connect, import::import_sqlite, team};
use common::postgres::server;
use std::collections::BTreeMap;

/// Every table's rows, each value as text (NULL as `∅`), in a stable order.
type Contents = BTreeMap<String, Vec<Vec<String>>>;

fn sqlite_contents(conn: &rusqlite::Connection) -> Contents {
    let tables = common::sqlite_tables(conn);
    let mut out = Contents::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let width = statement.column_count();
        let mut rows: Vec<Vec<String>> = statement
            .query_map([], |row| {
                (0..width)
                    .map(|i| {
                        use rusqlite::types::ValueRef as V;
                        Ok(match row.get_ref(i)? {
                            V::Null => "∅".to_string(),
                            V::Integer(n) => n.to_string(),
                            V::Real(r) => r.to_string(),
                            V::Text(t) => String::from_utf8_lossy(t).into_owned(),
                            V::Blob(b) => format!("{b:02x?}"),
                        })
                    })
                    .collect()
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.insert(table, rows);
    }
    out
}

fn postgres_contents(client: &mut postgres::Client, tables: &[String]) -> Contents {
    let mut out = Contents::new();
    for table in tables {
        let kinds: Vec<String> = client
            .query(
                "SELECT data_type::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                &[table],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut rows: Vec<Vec<String>> = client
            .query(&format!("SELECT * FROM public.{table}"), &[])
            .unwrap()
            .iter()
            .map(|row| {
                kinds
                    .iter()
                    .enumerate()
                    .map(|(i, kind)| match kind.as_str() {
                        "bigint" => row
                            .get::<_, Option<i64>>(i)
                            .map_or("∅".into(), |n| n.to_string()),
                        "bytea" => row
                            .get::<_, Option<Vec<u8>>>(i)
                            .map_or("∅".into(), |b| format!("{b:02x?}")),
                        _ => row.get::<_, Option<String>>(i).unwrap_or("∅".into()),
                    })
                    .collect()
            })
            .collect();
        rows.sort();
        out.insert(table.clone(), rows);
    }
    out
}

#[test]
fn a_single_user_base_moves_whole_into_a_new_team_base_and_only_into_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("individuelle.sqlite");
    write_demo(
        &db,
        &DemoOptions {
            invoices: 120,
            seed: 11,
        },
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    let mut store = Store::open(&db).unwrap();
    // What a used base holds besides the ERP: checks' verdicts, a flux and its journal.
    chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent).unwrap();
    store
        .conn()
        .execute_batch(
            "INSERT INTO fluxes (id, company_code, mode, syntax, name, file_path, file_sha256,
                 file_size, invoice_count, created_at, state)
             VALUES (41, 'SIEGE', 'LOT', 'IN_DP_E1_UBL_INVOICE', 'Factures d''octobre',
                 '/tmp/lot.zip', 'ab', 10, 1, '2026-11-02T10:00:00+01:00', 'ENVOYE');",
        )
        .unwrap();
    let before = sqlite_contents(store.conn());
    assert!(before["invoices"].len() >= 100 && before["invoice_lines"].len() > 100);
    assert!(!before["einvoice_verdicts"].is_empty() || !before["pdf_verdicts"].is_empty());

    let pg = server();
    let conninfo = pg.fresh_database("import");
    let mut client = connect(&conninfo).unwrap();
    team::prepare(&mut client).unwrap();
    let imported = import_sqlite(store.conn(), &mut client).unwrap();
    let total: usize = before.values().map(Vec::len).sum();
    assert_eq!(imported.rows() as usize, total);

    let tables: Vec<String> = before.keys().cloned().collect();
    let after = postgres_contents(&mut client, &tables);
    for table in &tables {
        assert_eq!(before[table], after[table], "table {table}");
    }

    // Ids kept, and the next flux a PC writes takes the next one.
    let next: i64 = client
        .query_one(
            "INSERT INTO fluxes (company_code, mode, syntax, file_path, file_sha256, file_size,
                 invoice_count, created_at, state)
             VALUES ('SIEGE', 'LOT', 'X', '/tmp/x', '00', 1, 1, 'x', 'GENERE') RETURNING id",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(next, 42);

    // A second import into a base with data is refused, and changes nothing.
    let again = import_sqlite(store.conn(), &mut client).unwrap_err();
    assert!(again.to_string().contains("déjà des données"), "{again}");
    let count: i64 = client
        .query_one("SELECT count(*) FROM invoices", &[])
        .unwrap()
        .get(0);
    assert_eq!(count as usize, before["invoices"].len());
}

#[test]
fn a_value_of_the_wrong_type_stops_the_import_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let store = Store::open(&db).unwrap();
    // SQLite keeps whatever it is given: a flag written « oui » by a hand-made script.
    store
        .conn()
        .execute(
            "UPDATE directory_structures SET engagement_required = 'oui'",
            [],
        )
        .unwrap();
    let pg = server();
    let mut client = connect(&pg.fresh_database("import_refused")).unwrap();
    team::prepare(&mut client).unwrap();
    let error = import_sqlite(store.conn(), &mut client)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("table directory_structures")
            && error.contains("engagement_required")
            && error.contains("« oui »"),
        "{error}"
    );
    assert!(error.contains("rien n'a été importé"), "{error}");
    for table in ["companies", "clients", "invoices"] {
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(count, 0, "{table}");
    }
}

#[test]
fn team_import_from_the_command_line_says_what_it_brought() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let pg = server();
    let conninfo = pg.fresh_database("import_cli");
    let dbname = conninfo.rsplit("dbname=").next().unwrap();
    let url = format!("postgresql://postgres@127.0.0.1:{}/{dbname}", pg.port());
    let run = |from: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
            .args([
                "team",
                "import",
                "--from",
                from.to_str().unwrap(),
                "--db",
                &url,
            ])
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", "/nonexistent")
            .env("PGSSLROOTCERT", server().ca_file())
            .output()
            .unwrap()
    };
    let missing = run(&dir.path().join("absente.sqlite"));
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("base individuelle introuvable"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
    let ok = run(&db);
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(out.contains("invoices\t8"), "{out}");
}
