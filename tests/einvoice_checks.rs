//! « Conforme » means the file that would be sent passes the EN 16931 rules (issue 8): the
//! check builds each invoice's e-invoice and judges it, on real SQLite bases, and remembers
//! its verdict until something it depends on changes.

mod common;

use chorus_depot::app::documents::load_document;
use chorus_depot::app::run_checks;
use chorus_depot::checks::AnomalyCode;
use chorus_depot::einvoice::{self, Format};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use std::path::Path;
use std::process::Command;

fn check(db: &Path) -> chorus_depot::app::CheckReport {
    let mut store = Store::open(db).unwrap();
    run_checks(&mut store, &Silent).unwrap()
}

fn execute(db: &Path, sql: &str) -> usize {
    Store::open(db).unwrap().conn().execute(sql, []).unwrap()
}

/// The case of the report: a company without an intracommunity VAT number, an invoice
/// paid by cheque. It was listed conformant, then every deposit failed on it.
#[test]
fn a_company_without_vat_number_makes_its_invoices_anomalies_with_the_rule_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let before = check(&db);
    let f1 = |r: &chorus_depot::app::CheckReport| {
        r.checks
            .iter()
            .find(|c| c.invoice.number == "F2600001")
            .unwrap()
            .clone()
    };
    assert!(f1(&before).is_conformant(), "{:?}", f1(&before).anomalies);
    execute(
        &db,
        "UPDATE companies SET vat_number = '' WHERE code = 'SIEGE'",
    );
    execute(
        &db,
        "UPDATE invoices SET payment_means = 'CHEQUE' WHERE number = 'F2600001'",
    );
    let after = check(&db);
    let c = f1(&after);
    assert!(!c.is_conformant());
    let en: Vec<_> = c
        .anomalies
        .iter()
        .filter(|a| a.code == AnomalyCode::En16931)
        .collect();
    assert!(!en.is_empty(), "{:?}", c.anomalies);
    let vat = en
        .iter()
        .find(|a| a.rule.as_deref() == Some("BR-S-02"))
        .unwrap_or_else(|| panic!("BR-S-02 expected: {en:?}"));
    assert_eq!(vat.code_text(), "EN16931_BR-S-02");
    assert!(
        vat.message.contains("TVA intracommunautaire"),
        "{}",
        vat.message
    );
    assert!(vat.message.contains("Paramétrage"), "{}", vat.message);

    // `check --json` gives the rule in the code; `deposit` refuses it and says why.
    let out = Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(["check", "--json", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = json["factures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["numero"] == "F2600001")
        .unwrap();
    assert_eq!(f["conforme"], false);
    assert!(
        f["anomalies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["code"] == "EN16931_BR-S-02"),
        "{f}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args([
            "deposit",
            "--mode",
            "sequential",
            "--invoices",
            "F2600001",
            "--db",
            db.to_str().unwrap(),
        ])
        .env("CHORUS_DEPOT_NO_KEYRING", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("F2600001 : non envoyée (en anomalie : EN16931_BR-S-02"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unchanged_invoices_reuse_their_verdict_and_a_change_is_judged_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let first = check(&db);
    let n = first.checks.len();
    assert_eq!((first.verdicts.reused, first.verdicts.judged), (0, n));
    let again = check(&db);
    assert_eq!((again.verdicts.reused, again.verdicts.judged), (n, 0));
    // A line's label: only its invoice is judged again.
    execute(
        &db,
        "UPDATE invoice_lines SET label = label || ' (bis)' WHERE invoice_number = 'F2600002'",
    );
    let after_line = check(&db);
    assert_eq!(after_line.verdicts.judged, 1);
    // The seller's address: every invoice of that company.
    let siege = after_line
        .checks
        .iter()
        .filter(|c| c.invoice.company_code == "SIEGE")
        .count();
    execute(
        &db,
        "UPDATE companies SET address = '5 rue Neuve' WHERE code = 'SIEGE'",
    );
    assert_eq!(check(&db).verdicts.judged, siege);
    // Remembered verdicts edited by hand are not believed: every one is made again.
    execute(&db, "UPDATE einvoice_verdicts SET verdicts = 'pas du JSON'");
    assert_eq!(check(&db).verdicts.judged, n);
    // Another default format: every invoice, since its file would be another.
    let store = Store::open(&db).unwrap();
    let mut settings =
        chorus_depot::app::connection::ConnectionSettings::load(store.conn()).unwrap();
    settings.deposit.format = "ubl".into();
    settings.save(store.conn()).unwrap();
    drop(store);
    assert_eq!(check(&db).verdicts.judged, n);
}

/// Whatever the checks call conformant, the writer writes: in each of the three formats
/// when it is the default one, for every invoice of a demo.
#[test]
fn every_conformant_invoice_of_the_demo_is_written_in_the_default_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 150,
        seed: 9,
    };
    chorus_depot::demo::write_demo(&db, &options, &Silent).unwrap();
    for format in Format::ALL {
        let store = Store::open(&db).unwrap();
        let mut settings =
            chorus_depot::app::connection::ConnectionSettings::load(store.conn()).unwrap();
        settings.deposit.format = format.code().into();
        settings.save(store.conn()).unwrap();
        let report = check(&db);
        let conformant: Vec<_> = report.checks.iter().filter(|c| c.is_conformant()).collect();
        assert!(conformant.len() > 100, "{} conformes", conformant.len());
        for c in conformant {
            let doc = load_document(&store, &c.invoice.number).unwrap();
            einvoice::render(&doc, format, None).unwrap_or_else(|e| {
                panic!(
                    "{} conforme mais refusée en {format:?} : {e}",
                    c.invoice.number
                )
            });
        }
    }
}

/// « Actualiser » with nothing changed keeps the report; a commit by anyone (another
/// window, the CLI, a scheduled sync) or a PDF file touched makes it run again.
#[test]
fn a_recheck_keeps_the_report_until_the_base_or_a_pdf_changes() {
    use chorus_depot::app::check_run::{Recheck, recheck};
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut store = Store::open(&db).unwrap();
    let first = run_checks(&mut store, &Silent).unwrap();
    assert!(first.freshness.is_some());
    assert!(matches!(
        recheck(&mut store, Some(&first), &Silent).unwrap(),
        Recheck::Unchanged
    ));
    // A PDF rewritten with the same bytes: its stamp changed, so everything is looked at.
    let pdf = common::fixtures().join("erp_small/pdf/F2600001.pdf");
    let copy = dir.path().join("F2600001.pdf");
    std::fs::copy(&pdf, &copy).unwrap();
    execute(
        &db,
        &format!(
            "UPDATE invoices SET pdf_path = '{}' WHERE number = 'F2600001'",
            copy.display()
        ),
    );
    let Recheck::New(second) = recheck(&mut store, Some(&first), &Silent).unwrap() else {
        panic!("a commit by another connection must be seen");
    };
    assert!(matches!(
        recheck(&mut store, Some(&second), &Silent).unwrap(),
        Recheck::Unchanged
    ));
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&copy, std::fs::read(&pdf).unwrap()).unwrap();
    let Recheck::New(third) = recheck(&mut store, Some(&second), &Silent).unwrap() else {
        panic!("a PDF file touched must be seen");
    };
    // Nothing else changed: every EN 16931 verdict is reused.
    assert_eq!(third.verdicts.judged, 0);
    assert!(matches!(
        recheck(&mut store, Some(&third), &Silent).unwrap(),
        Recheck::Unchanged
    ));
}
