//! The client's cost per invoice in a sequential deposit with no wait, against the embedded
//! sandbox on loopback (issue 3: under 5 ms). Measured: `run_sequential` over 100 invoices
//! whose Factur-X files were written beforehand, so the figure is the journal, the flux file
//! kept on disk, the HTTP exchange with its JSON and base64, and the sandbox's own handling
//! (an upper bound of the client's part).

use chorus_depot::app::deposit_wiring::ChorusGateway;
use chorus_depot::chorus::{ChorusClient, ClientOptions, Credentials, Environment, Secret};
use chorus_depot::deposit::{FluxFile, FluxWriter, SequentialOptions, run_sequential};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use criterion::{Criterion, criterion_group, criterion_main};
use std::collections::HashMap;
use std::time::Duration;

/// Files rendered before the measure: the bench is about the deposit, not the writers.
struct Prerendered {
    files: HashMap<String, FluxFile>,
}

impl FluxWriter for Prerendered {
    fn syntax(&self) -> &str {
        "IN_DP_E2_CII_FACTURX"
    }
    fn invoice_file(&self, number: &str) -> Result<FluxFile, String> {
        self.files
            .get(number)
            .cloned()
            .ok_or_else(|| number.to_string())
    }
    fn archive(&self, _: &[FluxFile]) -> Result<Vec<u8>, String> {
        Err("pas de lot ici".into())
    }
    fn archive_extension(&self) -> &str {
        "tar.gz"
    }
}

fn deposit_client(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 130,
        seed: 5,
    };
    chorus_depot::demo::write_demo(&db, &options, &Silent).unwrap();
    let mut store = Store::open(&db).unwrap();
    let report = chorus_depot::app::run_checks(&mut store, &Silent).unwrap();
    let numbers: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .take(100)
        .collect();
    let renderer = chorus_depot::app::deposit_wiring::EInvoiceFluxWriter::open(
        &db,
        &chorus_depot::app::deposit_setup::DepositChoices::default(),
    )
    .unwrap();
    let files: HashMap<String, FluxFile> = numbers
        .iter()
        .map(|n| (n.clone(), renderer.invoice_file(n).unwrap()))
        .collect();
    let writer = Prerendered { files };
    // Closing the last connections folds the WAL into the file that is copied below.
    drop(renderer);
    drop(store);

    let mut group = c.benchmark_group("deposit_client");
    group.sample_size(10);
    group.bench_function("sequential_100_invoices_wait_0", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                // A fresh sandbox and journal each time: every invoice really leaves.
                let sandbox = chorus_depot::sandbox::start(Default::default()).unwrap();
                let client = ChorusClient::new(
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
                .unwrap();
                let gateway = ChorusGateway::single(client);
                let journal_db = dir.path().join(format!("journal-{i}.sqlite"));
                std::fs::copy(&db, &journal_db).unwrap();
                let journal = Store::open(&journal_db).unwrap();
                let options = SequentialOptions {
                    wait: Duration::ZERO,
                    skip_on_error: true,
                    uncertain_after: Duration::from_secs(600),
                };
                let started = std::time::Instant::now();
                let report =
                    run_sequential(&journal, &gateway, &writer, &numbers, &options, &Silent)
                        .unwrap();
                total += started.elapsed();
                assert_eq!(report.deposited(), numbers.len());
            }
            // Per invoice.
            total / numbers.len() as u32
        })
    });
    group.finish();
}

criterion_group!(benches, deposit_client);
criterion_main!(benches);
