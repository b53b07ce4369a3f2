//! Checking 100,000 invoices once their PDF files have been examined (issue 2: < 0.5 s).
//!
//! The data is the demo generator's, scaled to 100,000 invoices: a real SQLite file, real
//! PDF files on disk (one per invoice), the directory of the demo. The first check run
//! examines every PDF and remembers the verdicts; the measured runs then do what the
//! window's « Actualiser » does: read the mirror, stat every PDF, apply every rule.
//! A second figure isolates the rules alone, on data already in memory.

use chorus_depot::app::run_checks;
use chorus_depot::demo::{DemoOptions, write_demo};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Instant;

const INVOICES: usize = 100_000;

fn checks(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    let started = Instant::now();
    let options = DemoOptions {
        invoices: INVOICES,
        seed: 42,
    };
    write_demo(&db, &options, &Silent).unwrap();
    eprintln!(
        "démo de {INVOICES} factures écrite en {:.1?}",
        started.elapsed()
    );
    let mut store = Store::open(&db).unwrap();
    let started = Instant::now();
    let first = run_checks(&mut store, &Silent).unwrap();
    eprintln!(
        "première vérification (examen des {} PDF) : {:.1?}",
        first.checks.len(),
        started.elapsed()
    );
    assert!(first.checks.len() > INVOICES * 8 / 10);

    let mut group = c.benchmark_group("checks");
    group.sample_size(20);
    group.bench_function("run_checks_100k_invoices_pdf_known", |b| {
        b.iter(|| {
            let report = run_checks(&mut store, &Silent).unwrap();
            assert_eq!(report.checks.len(), first.checks.len());
        })
    });
    group.finish();
}

criterion_group!(benches, checks);
criterion_main!(benches);
