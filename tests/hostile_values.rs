//! Amounts, rates and dates no invoice can have (issue 9): the import refuses them with the
//! line and the column, and a base that still holds them (imported by an earlier version,
//! edited by hand) makes no command panic: each such invoice is one anomaly, and every
//! other invoice is checked, exported and reminded as before.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn chorus_depot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(args)
        .env("CHORUS_DEPOT_LOG", "error")
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Never a panic, never an abort: a French answer and an exit code.
fn assert_no_crash(out: &Output, what: &str) {
    let all = text(out);
    assert!(
        !all.contains("panicked") && !all.contains("RUST_BACKTRACE"),
        "{what} a planté :\n{all}"
    );
    assert!(
        out.status.code().is_some(),
        "{what} tué par un signal :\n{all}"
    );
}

/// The small ERP fixture with `file`'s row for `invoice` (first column) given `value` in
/// `column`.
fn erp_with(dir: &Path, file: &str, key: &str, column: &str, value: &str) -> std::path::PathBuf {
    let erp = dir.join("erp");
    std::fs::create_dir_all(&erp).unwrap();
    for entry in std::fs::read_dir(common::fixtures().join("erp_small")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), erp.join(entry.file_name())).unwrap();
        }
    }
    let original = std::fs::read_to_string(erp.join(file)).unwrap();
    let mut lines = original.lines();
    let header = lines.next().unwrap();
    let at = header.split(';').position(|c| c == column).unwrap();
    let mut out = vec![header.to_string()];
    let mut changed = false;
    for line in lines {
        let mut cells: Vec<String> = line.split(';').map(str::to_string).collect();
        if !changed && cells[0] == key {
            cells[at] = value.to_string();
            changed = true;
        }
        out.push(cells.join(";"));
    }
    assert!(changed, "{key} absent de {file}");
    std::fs::write(erp.join(file), out.join("\n") + "\n").unwrap();
    erp
}

#[test]
fn the_import_refuses_amounts_rates_and_dates_no_invoice_can_have() {
    let cases = [
        (
            "factures.csv",
            "F2600002",
            "montant_ht",
            "79228162514264337593543950335",
            "factures.csv, ligne 3, colonne « montant_ht » : « 79228162514264337593543950335 » est hors limites",
        ),
        (
            "factures.csv",
            "F2600002",
            "montant_tva",
            "50,1234567",
            "factures.csv, ligne 3, colonne « montant_tva » : « 50,1234567 » a trop de décimales (6 au plus)",
        ),
        (
            "lignes.csv",
            "F2600002",
            "taux_tva",
            "7922816251426433759354395033",
            "lignes.csv, ligne 3, colonne « taux_tva » : « 7922816251426433759354395033 » est hors limites",
        ),
        (
            "lignes.csv",
            "F2600002",
            "taux_tva",
            "120",
            "lignes.csv, ligne 3, colonne « taux_tva » : « 120 » n'est pas un taux de TVA possible (attendu entre 0 et 100 %)",
        ),
        (
            "factures.csv",
            "F2600002",
            "date_facture",
            "0001-01-01",
            "factures.csv, ligne 3, colonne « date_facture » : le 01/01/0001 n'est pas une date vraisemblable (attendu entre le 01/01/2000 et le ",
        ),
        (
            "factures.csv",
            "F2600002",
            "date_facture",
            "+10000-01-01",
            "« +10000-01-01 » n'est pas une date",
        ),
        (
            "factures.csv",
            "F2600002",
            "date_echeance",
            "2026-11-23 garbage",
            "colonne « date_echeance » : « 2026-11-23 garbage » n'est pas une date",
        ),
        (
            "reglements.csv",
            "F2600001",
            "date",
            "9999-12-31",
            "reglements.csv, ligne 2, colonne « date » : le 31/12/9999 n'est pas une date vraisemblable",
        ),
    ];
    for (file, key, column, value, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let erp = erp_with(dir.path(), file, key, column, value);
        let db = dir.path().join("base.sqlite");
        let out = chorus_depot(&["import-erp", "--db", path(&db), path(&erp)]);
        assert_no_crash(&out, "import-erp");
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "{file} {column}={value} importé");
        assert!(said.contains(expected), "{file} {column}={value} :\n{said}");
        assert_eq!(
            said.matches(expected).count(),
            1,
            "l'erreur est dite une seule fois :\n{said}"
        );
        // Nothing of the folder was imported.
        let conn = rusqlite::Connection::open(&db).unwrap();
        let invoices: i64 = conn
            .query_row("SELECT count(*) FROM invoices", [], |r| r.get(0))
            .unwrap();
        assert_eq!(invoices, 0, "{file} {column}={value}");
    }
}

#[test]
fn the_largest_values_the_import_accepts_go_through_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let erp = erp_with(
        dir.path(),
        "lignes.csv",
        "F2600002",
        "quantite",
        "999999999999,999999",
    );
    let db = dir.path().join("base.sqlite");
    let out = chorus_depot(&["import-erp", "--db", path(&db), path(&erp)]);
    assert!(out.status.success(), "{}", text(&out));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE invoice_lines SET unit_price = '-999999999999.999999', vat_rate = '100'
           WHERE invoice_number = 'F2600002';
         UPDATE payments SET amount = '999999999999.999999';
         INSERT INTO payments (invoice_number, date, amount, means)
           VALUES ('F2600001', '2026-11-20', '999999999999.999999', 'VIREMENT');",
    )
    .unwrap();
    drop(conn);
    run_every_command(&db, dir.path());
}

#[test]
fn a_base_holding_impossible_values_checks_every_other_invoice() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let before = chorus_depot(&["check", "--db", path(&db), "--json"]);
    let before: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    // What an earlier version let in, written as it would have stored it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE invoices SET total_excl_tax = '79228162514264337593543950335'
           WHERE number = 'F2600002';
         UPDATE invoice_lines SET vat_rate = '7922816251426433759354395033'
           WHERE invoice_number = 'F2600003';
         UPDATE invoices SET invoice_date = '0001-01-01' WHERE number = 'F2600004';
         UPDATE payments SET amount = '79228162514264337593543950335';
         INSERT INTO payments (invoice_number, date, amount, means)
           VALUES ('F2600001', '9999-12-31', '79228162514264337593543950335', 'VIREMENT');",
    )
    .unwrap();
    drop(conn);
    let out = chorus_depot(&["check", "--db", path(&db), "--json"]);
    assert_no_crash(&out, "check");
    let after: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("check --json illisible ({e}) :\n{}", text(&out)));
    let codes = |report: &serde_json::Value, number: &str| -> Vec<String> {
        report["factures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["numero"] == number)
            .map(|i| {
                i["anomalies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["code"].as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    for number in ["F2600002", "F2600003", "F2600004"] {
        assert!(
            codes(&after, number).contains(&"VALEUR_HORS_LIMITES".to_string()),
            "{number} : {:?}",
            codes(&after, number)
        );
        assert!(
            !codes(&after, number)
                .iter()
                .any(|c| c.starts_with("EN16931")),
            "no e-invoice is judged from impossible values: {:?}",
            codes(&after, number)
        );
    }
    // Every other invoice keeps its verdict.
    for number in ["F2600005", "F2600006", "F2600007"] {
        assert_eq!(codes(&after, number), codes(&before, number), "{number}");
    }
    run_every_command(&db, dir.path());
}

/// check, export in every format, relance, status, and what the « Gestionnaire » window
/// reads and draws: an answer for every invoice, no crash.
fn run_every_command(db: &Path, dir: &Path) {
    {
        let conn = rusqlite::Connection::open(db).unwrap();
        let today = chrono::Local::now().date_naive();
        let data =
            chorus_depot::app::manager_data::load(&conn, &std::collections::HashSet::new(), today)
                .expect("the manager's data loads");
        let tree = chorus_depot::tracking::tree::build_tree(
            &data.invoices,
            &chorus_depot::tracking::tree::TreeFilter::default(),
        );
        let _ = format!("{tree:?}");
    }
    assert_no_crash(&chorus_depot(&["check", "--db", path(db)]), "check");
    assert_no_crash(&chorus_depot(&["status", "--db", path(db)]), "status");
    let conn = rusqlite::Connection::open(db).unwrap();
    let numbers: Vec<String> = conn
        .prepare("SELECT number FROM invoices")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for number in &numbers {
        for format in ["ubl", "cii", "facturx"] {
            let out_file = dir.join(format!("{number}.{format}"));
            let out = chorus_depot(&[
                "export",
                "--db",
                path(db),
                "--invoice",
                number,
                "--format",
                format,
                "--out",
                path(&out_file),
            ]);
            assert_no_crash(&out, &format!("export {number} {format}"));
        }
        let letter = dir.join(format!("{number}-relance.pdf"));
        let out = chorus_depot(&[
            "relance",
            "--db",
            path(db),
            "--invoice",
            number,
            "--out",
            path(&letter),
        ]);
        assert_no_crash(&out, &format!("relance {number}"));
    }
}
