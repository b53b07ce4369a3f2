//! A sync of 10,000 deposited invoices against the embedded sandbox on loopback.
//!
//! Prepared once: the demo mirror at 13,000 invoices, its first 10,000 conformant invoices
//! deposited by lot (UBL, 500 a flux), the fluxes integrated. Measured:
//! - `first_sync_10k`: the full pass on a copy of the database just after the deposit:
//!   20 flux reports, the flux searches (100 a page) learning the 10,000
//!   `identifiantFactureCPP`, then the 10,000 histories, written in batches;
//! - `next_sync_10k`: the pass after it, nothing moved: flux searches only.
//!
//! The sandbox runs at time scale 20 (integration in 3 s, the first status change 3 min
//! after), so nothing moves while measuring.

use chorus_depot::app::deposit_setup::DepositChoices;
use chorus_depot::app::deposit_wiring::{ChorusGateway, EInvoiceFluxWriter};
use chorus_depot::chorus::{ChorusClient, ClientOptions, Credentials, Environment, Secret};
use chorus_depot::deposit::engine::run_lot;
use chorus_depot::deposit::{FluxLimits, LotOptions};
use chorus_depot::progress::Silent;
use chorus_depot::sandbox::{SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use chorus_depot::tracking::{Clients, SyncOptions, sync};
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const INVOICES: usize = 10_000;

fn client(sandbox: &SandboxHandle) -> ChorusClient {
    ChorusClient::new(
        Environment::Sandbox {
            api_base: sandbox.base_url(),
            token_url: sandbox.token_url(),
        },
        Credentials {
            client_id: chorus_depot::sandbox::DEFAULT_CLIENT_ID.into(),
            client_secret: Secret::new(chorus_depot::sandbox::DEFAULT_CLIENT_SECRET),
            login: chorus_depot::sandbox::DEFAULT_LOGIN.into(),
            password: Secret::new(chorus_depot::sandbox::DEFAULT_PASSWORD),
        },
        ClientOptions::default(),
    )
    .unwrap()
}

/// The demo database with 10,000 invoices deposited, and the sandbox that has them.
fn prepare(dir: &Path) -> (PathBuf, SandboxHandle) {
    let started = Instant::now();
    let db = dir.join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 13_000,
        seed: 3,
    };
    chorus_depot::demo::write_demo(&db, &options, &Silent).unwrap();
    let mut store = Store::open(&db).unwrap();
    let report = chorus_depot::app::run_checks(&mut store, &Silent).unwrap();
    let numbers: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .take(INVOICES)
        .collect();
    assert_eq!(numbers.len(), INVOICES, "conformant invoices of the demo");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("demo-annuaire"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let sandbox = chorus_depot::sandbox::start(SandboxConfig {
        directory_files: files,
        time_scale: 20.0,
        ..SandboxConfig::default()
    })
    .unwrap();
    let writer = EInvoiceFluxWriter::open(
        &db,
        &DepositChoices {
            format: "ubl".into(),
            date_today: false,
        },
    )
    .unwrap();
    let gateway = ChorusGateway::single(client(&sandbox));
    let deposit = run_lot(
        &store,
        &gateway,
        &writer,
        &numbers,
        &LotOptions {
            name: "Banc d'essai".into(),
            limits: FluxLimits {
                max_bytes: 10 * 1024 * 1024,
                max_invoices: 500,
            },
            uncertain_after: Duration::from_secs(600),
        },
        &Silent,
    )
    .unwrap();
    assert_eq!(deposit.deposited(), INVOICES);
    drop(writer);
    drop(store);
    // Integration takes 60 s of sandbox time: 3 s here.
    std::thread::sleep(Duration::from_millis(3500));
    eprintln!(
        "prepared: {INVOICES} invoices deposited in {:?}",
        started.elapsed()
    );
    (db, sandbox)
}

fn one_sync(db: &Path, sandbox: &SandboxHandle) -> chorus_depot::tracking::SyncReport {
    let store = Store::open(db).unwrap();
    let report = sync(
        store.conn(),
        &Clients::single(client(sandbox)),
        &SyncOptions::default(),
        &Silent,
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    report
}

fn tracking_sync(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (db, sandbox) = prepare(dir.path());
    let mut group = c.benchmark_group("tracking_sync");
    group.sample_size(10);
    group.bench_function("first_sync_10k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let copy = dir.path().join(format!("copy-{i}.sqlite"));
                std::fs::copy(&db, &copy).unwrap();
                let started = Instant::now();
                let report = one_sync(&copy, &sandbox);
                total += started.elapsed();
                assert_eq!(report.invoices_learnt, INVOICES);
                assert_eq!(report.statuses_changed, INVOICES);
                let _ = std::fs::remove_file(&copy);
            }
            total
        })
    });
    let synced = dir.path().join("synced.sqlite");
    std::fs::copy(&db, &synced).unwrap();
    one_sync(&synced, &sandbox);
    group.bench_function("next_sync_10k", |b| {
        b.iter(|| {
            let report = one_sync(&synced, &sandbox);
            assert_eq!(report.statuses_changed, 0);
        })
    });
    group.finish();
}

criterion_group!(benches, tracking_sync);
criterion_main!(benches);
