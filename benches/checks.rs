//! Checking 100,000 invoices once their PDF files have been examined (issue 8: the full
//! check, every e-invoice built and judged by the EN 16931 rules, < 2 s; a re-check when
//! nothing changed, < 0.5 s).
//!
//! The data is the demo generator's, scaled to 100,000 invoices: a real SQLite file, real
//! PDF files on disk (one per invoice), the directory of the demo. The first check run
//! examines every PDF and remembers the verdicts; the measured runs then do what the
//! window's « Actualiser » does: read the mirror and every invoice's lines, stat every
//! PDF, apply every rule, and judge every e-invoice — from scratch (the remembered EN 16931
//! verdicts deleted before each run), with every verdict remembered (the mirror changed
//! elsewhere, no invoice did), or with nothing changed since the last run (the base's
//! version and every PDF's stamp compared).

use chorus_depot::app::check_run::{Recheck, recheck};
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
    group.sample_size(10);
    group.bench_function("full_check_100k_every_einvoice_judged", |b| {
        // The remembered verdicts are deleted before each run, outside the measure.
        b.iter_custom(|iters| {
            let mut measured = std::time::Duration::ZERO;
            for _ in 0..iters {
                store
                    .conn()
                    .execute("DELETE FROM einvoice_verdicts", [])
                    .unwrap();
                let started = Instant::now();
                let report = run_checks(&mut store, &Silent).unwrap();
                measured += started.elapsed();
                assert_eq!(report.verdicts.judged, first.checks.len());
            }
            measured
        })
    });
    group.bench_function("check_100k_einvoice_verdicts_remembered", |b| {
        // Something was committed elsewhere (the whole mirror is read again), but no
        // invoice changed: every EN 16931 verdict is found by its fingerprint.
        b.iter(|| {
            let report = run_checks(&mut store, &Silent).unwrap();
            assert_eq!(report.verdicts.reused, first.checks.len());
        })
    });
    let previous = run_checks(&mut store, &Silent).unwrap();
    group.bench_function("recheck_100k_nothing_changed", |b| {
        // « Actualiser » with nothing committed and no PDF touched since the last check.
        b.iter(|| {
            let outcome = recheck(&mut store, Some(&previous), &Silent).unwrap();
            assert!(matches!(outcome, Recheck::Unchanged));
        })
    });
    group.finish();
}

criterion_group!(benches, checks);
criterion_main!(benches);
