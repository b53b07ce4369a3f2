use super::*;
use crate::model::money::round_cents;
use crate::progress::Silent;
use crate::store::{directory as dir_store, erp as erp_store};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

fn generated(invoices: usize, seed: u64) -> Generated {
    let paths = DemoPaths::for_db(Path::new("/tmp/x/demo.sqlite")).unwrap();
    generate(&DemoOptions { invoices, seed }, &paths).unwrap()
}

#[test]
fn paths_are_named_after_the_database() {
    let p = DemoPaths::for_db(Path::new("/x/demo.sqlite")).unwrap();
    assert_eq!(p.erp_dir, Path::new("/x/demo-erp"));
    assert_eq!(p.directory_dir, Path::new("/x/demo-annuaire"));
    assert_eq!(p.pdf_dir, Path::new("/x/demo-factures"));
    let p = DemoPaths::for_db(Path::new("base.db")).unwrap();
    assert_eq!(p.erp_dir, Path::new("./base-erp"));
    assert!(DemoPaths::for_db(Path::new("")).is_err());
    assert!(DemoPaths::for_db(Path::new("/x/")).is_err());
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = generated(400, 42);
    let b = generated(400, 42);
    let c = generated(400, 43);
    assert_eq!(a.erp_files, b.erp_files);
    assert_eq!(a.directory_files, b.directory_files);
    for (name, bytes) in &a.erp_files {
        let other = &c.erp_files.iter().find(|(n, _)| n == name).unwrap().1;
        // The companies are the same whatever the seed; everything else changes.
        assert_eq!(name == &"societes.csv", bytes == other, "{name}");
    }
    assert_ne!(a.directory_files, c.directory_files);
    let ctx_a = pdf_files::PdfContext::new(&a.parties, &a.ledger.references);
    let ctx_b = pdf_files::PdfContext::new(&b.parties, &b.ledger.references);
    for (x, y) in a.ledger.invoices.iter().zip(&b.ledger.invoices).take(20) {
        let px = invoice_pdf::render(&pdf_files::invoice_pdf(&ctx_a, x)).unwrap();
        let py = invoice_pdf::render(&pdf_files::invoice_pdf(&ctx_b, y)).unwrap();
        assert_eq!(px, py);
    }
}

#[test]
fn normal_invoices_add_up() {
    let g = generated(2_000, 7);
    let mut normal = 0;
    for d in &g.ledger.invoices {
        let i = &d.invoice;
        let lines: Decimal = d.lines.iter().map(|l| l.line_total).sum();
        for l in &d.lines {
            assert_eq!(l.line_total, round_cents(l.quantity * l.unit_price));
        }
        if d.plant
            .is_some_and(|p| p.code() == AnomalyCode::MontantsIncoherents)
        {
            assert!(
                i.total_excl_tax + i.total_tax != i.total_incl_tax || lines != i.total_excl_tax,
                "{}",
                i.number
            );
            continue;
        }
        normal += 1;
        assert_eq!(
            i.total_excl_tax + i.total_tax,
            i.total_incl_tax,
            "{}",
            i.number
        );
        assert_eq!(lines, i.total_excl_tax, "{}", i.number);
        let tax: Decimal =
            lines::vat_breakdown(d.lines.iter().map(|l| (&l.vat_rate, l.line_total)))
                .iter()
                .map(|(_, _, t)| *t)
                .sum();
        assert_eq!(tax, i.total_tax, "{}", i.number);
        assert!(i.total_incl_tax > Decimal::ZERO);
    }
    assert!(normal > 1_900);
    let kinds = g
        .ledger
        .invoices
        .iter()
        .filter(|d| d.invoice.kind == crate::model::InvoiceKind::CreditNote)
        .count();
    assert!((100..=220).contains(&kinds), "{kinds} avoirs");
    let paid: BTreeSet<&str> = g
        .ledger
        .payments
        .iter()
        .map(|p| p.invoice_number.as_str())
        .collect();
    // A public buyer pays through Chorus Pro: nothing is deposited yet, so only the
    // planted « already paid » public invoices are paid; private clients pay as usual.
    let public: BTreeSet<&str> = g
        .parties
        .clients
        .iter()
        .filter(|c| c.is_public())
        .map(|c| c.client.code.as_str())
        .collect();
    let (public_invoices, private_invoices): (Vec<_>, Vec<_>) = g
        .ledger
        .invoices
        .iter()
        .partition(|d| public.contains(d.invoice.client_code.as_str()));
    for d in &public_invoices {
        let planted = d.plant == Some(crate::demo::plan::Plant::AlreadyPaid);
        assert_eq!(
            paid.contains(d.invoice.number.as_str()),
            planted,
            "{}",
            d.invoice.number
        );
    }
    let private_paid = private_invoices
        .iter()
        .filter(|d| paid.contains(d.invoice.number.as_str()))
        .count();
    let share = private_paid as f64 / private_invoices.len() as f64;
    assert!((0.2..=0.6).contains(&share), "{share}");
}

/// Writes a demo, then checks that every planted invoice gets exactly its anomaly and every
/// other public invoice none, with the real importers and the real rules.
fn write_and_check(invoices: usize, seed: u64) -> (DemoSummary, Store, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.sqlite");
    let options = DemoOptions { invoices, seed };
    let summary = write_demo(&db, &options, &Silent).unwrap();
    let store = Store::open(&db).unwrap();
    let paths = DemoPaths::for_db(&db).unwrap();
    let g = generate(&options, &paths).unwrap();
    let planted: HashMap<&str, AnomalyCode> = g
        .ledger
        .invoices
        .iter()
        .filter_map(|d| d.plant.map(|p| (d.invoice.number.as_str(), p.code())))
        .collect();
    let mut store = store;
    // The checks exactly as the window and `check` run them.
    let checks = crate::app::run_checks(&mut store, &Silent).unwrap().checks;
    assert_eq!(checks.len(), summary.public_invoices);
    let mut found: BTreeMap<AnomalyCode, usize> = BTreeMap::new();
    for c in &checks {
        let codes: BTreeSet<AnomalyCode> = c.anomalies.iter().map(|a| a.code).collect();
        let expected: BTreeSet<AnomalyCode> = planted
            .get(c.invoice.number.as_str())
            .copied()
            .into_iter()
            .collect();
        assert_eq!(codes, expected, "{}: {:?}", c.invoice.number, c.anomalies);
        for code in codes {
            *found.entry(code).or_default() += 1;
        }
    }
    let expected: BTreeMap<AnomalyCode, usize> = summary
        .planted
        .iter()
        .filter(|(_, n)| *n > 0)
        .copied()
        .collect();
    assert_eq!(found, expected);
    (summary, store, tmp)
}

#[test]
fn a_small_demo_loads_and_every_plant_gives_its_anomaly() {
    let (summary, store, tmp) = write_and_check(300, 42);
    let counts = erp_store::counts(store.db()).unwrap();
    assert_eq!(counts.invoices, 300);
    assert_eq!(counts.companies, 2);
    assert_eq!(counts.clients, 170);
    assert!(counts.lines >= 300);
    assert_eq!(counts.payments, summary.payments);
    assert!(
        counts.markets > 100 && counts.references > 300,
        "{counts:?}"
    );
    let directory = dir_store::latest_import(store.db()).unwrap().unwrap();
    assert_eq!(
        directory.export_date,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
    );
    assert!(directory.structure_count > 3_000, "{directory:?}");
    assert!(directory.service_count > 2_000, "{directory:?}");
    // Every planted code shows up, even in a small demo.
    assert!(
        summary.planted.iter().all(|(_, n)| *n > 0),
        "{:?}",
        summary.planted
    );
    let share = summary.planted_invoices() as f64 / summary.public_invoices as f64;
    assert!((0.07..=0.13).contains(&share), "{share}");

    // The files: every drawn PDF loads and has one page; the broken ones do not load.
    let pdf_dir = tmp.path().join("demo-factures");
    let mut drawn = 0;
    for entry in std::fs::read_dir(&pdf_dir).unwrap() {
        let path = entry.unwrap().path();
        let size = std::fs::metadata(&path).unwrap().len();
        if size > crate::checks::rules::MAX_PDF_BYTES {
            continue;
        }
        match lopdf::Document::load(&path) {
            Ok(doc) => {
                assert_eq!(doc.get_pages().len(), 1, "{}", path.display());
                drawn += 1;
            }
            Err(_) => assert!(size < 2_000, "{} ({size} octets)", path.display()),
        }
    }
    assert!(drawn >= 280, "{drawn}");
    assert_eq!(
        summary.pdf_files,
        std::fs::read_dir(&pdf_dir).unwrap().count()
    );
    for name in crate::erp_import::ERP_FILES {
        assert!(tmp.path().join("demo-erp").join(name).is_file(), "{name}");
    }
    assert_eq!(summary.directory_files.len(), 2);
    let text = summary.to_string();
    assert!(text.contains("300 factures"), "{text}");
}

#[test]
fn rerunning_replaces_the_previous_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("base.sqlite");
    write_demo(
        &db,
        &DemoOptions {
            invoices: 250,
            seed: 1,
        },
        &Silent,
    )
    .unwrap();
    let first = std::fs::read(tmp.path().join("base-erp/factures.csv")).unwrap();
    let summary = write_demo(
        &db,
        &DemoOptions {
            invoices: 120,
            seed: 2,
        },
        &Silent,
    )
    .unwrap();
    let store = Store::open(&db).unwrap();
    let counts = erp_store::counts(store.db()).unwrap();
    assert_eq!(counts.invoices, 120);
    assert_eq!(counts.payments, summary.payments);
    assert_eq!(
        std::fs::read_dir(tmp.path().join("base-factures"))
            .unwrap()
            .count(),
        summary.pdf_files
    );
    drop(store);
    write_demo(
        &db,
        &DemoOptions {
            invoices: 250,
            seed: 1,
        },
        &Silent,
    )
    .unwrap();
    assert_eq!(
        std::fs::read(tmp.path().join("base-erp/factures.csv")).unwrap(),
        first
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(erp_store::counts(store.db()).unwrap().invoices, 250);
}

struct CancelAfter(AtomicUsize, usize);

impl Progress for CancelAfter {
    fn update(&self, _fraction: f32, _message: &str) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed) >= self.1
    }
}

#[test]
fn stops_when_cancelled() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.sqlite");
    let progress = CancelAfter(AtomicUsize::new(0), 2);
    let err = write_demo(
        &db,
        &DemoOptions {
            invoices: 50,
            seed: 1,
        },
        &progress,
    )
    .unwrap_err();
    assert!(matches!(err, DemoError::Cancelled), "{err}");
    assert!(!db.exists());
}

#[test]
fn io_errors_name_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    // A file where the ERP folder should go.
    std::fs::write(tmp.path().join("demo-erp"), b"pas un dossier").unwrap();
    let err = write_demo(
        &tmp.path().join("demo.sqlite"),
        &DemoOptions {
            invoices: 10,
            seed: 1,
        },
        &Silent,
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("demo-erp"), "{text}");
}

/// `cargo test --lib demo::tests::timing -- --ignored --nocapture`: the default demo.
#[test]
#[ignore]
fn timing() {
    let start = Instant::now();
    let (summary, _store, _tmp) = write_and_check(2_000, 42);
    eprintln!("write_demo + checks, 2 000 invoices: {:?}", start.elapsed());
    eprintln!("{summary}");
    eprintln!("{:?}", summary.planted);
    let tmp = tempfile::tempdir().unwrap();
    let start = Instant::now();
    write_demo(
        &tmp.path().join("d.sqlite"),
        &DemoOptions::default(),
        &Silent,
    )
    .unwrap();
    eprintln!("write_demo alone, 2 000 invoices: {:?}", start.elapsed());
}

#[test]
fn every_plant_gives_exactly_its_anomaly_whatever_the_seed() {
    for seed in [1, 2, 3] {
        let (summary, _store, _tmp) = write_and_check(500, seed);
        assert!(
            summary.planted.iter().all(|(_, n)| *n > 0),
            "graine {seed} : {:?}",
            summary.planted
        );
    }
    // Tiny demos, down to none at all, still import and check cleanly.
    for invoices in [0, 1, 30] {
        let (summary, _store, _tmp) = write_and_check(invoices, 9);
        assert_eq!(summary.invoices, invoices);
    }
}
