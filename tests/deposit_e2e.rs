//! Deposits end to end: the demo mirror, the real e-invoice writers, the real Chorus client,
//! the embedded sandbox on loopback injecting faults, and the `deposit` command run until
//! every conformant invoice is on Chorus Pro, each exactly once.

mod common;

use chorus_depot::sandbox::{FaultKind, SandboxConfig, SandboxHandle};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

fn demo(dir: &Path, invoices: usize) -> PathBuf {
    let db = dir.join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions { invoices, seed: 7 };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    db
}

fn sandbox(dir: &Path, fault_rate: f64) -> SandboxHandle {
    let annuaire = dir.join("demo-annuaire");
    let mut files: Vec<PathBuf> = std::fs::read_dir(annuaire)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    chorus_depot::sandbox::start(SandboxConfig {
        directory_files: files,
        fault_rate,
        // Every kind of fault, the late answer included: it comes 1.5 s late, after the
        // client's timeout (1 s, `CHORUS_DEPOT_HTTP_TIMEOUT_MS` below).
        fault_kinds: vec![
            FaultKind::Http500,
            FaultKind::Http503,
            FaultKind::Http429,
            FaultKind::Timeout,
            FaultKind::DropAfterRecord,
        ],
        timeout_fault_delay: Duration::from_millis(1500),
        time_scale: 1000.0,
        seed: 11,
        ..SandboxConfig::default()
    })
    .unwrap()
}

/// `chorus-depot deposit` on `db`, connected to `sandbox` through the environment.
fn deposit_command(db: &Path, sandbox: &SandboxHandle) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chorus-depot"));
    cmd.args(["deposit", "--db", db.to_str().unwrap()])
        .env("CHORUS_DEPOT_API_URL", sandbox.base_url())
        .env("CHORUS_DEPOT_TOKEN_URL", sandbox.token_url())
        .env(
            "CHORUS_DEPOT_CLIENT_ID",
            chorus_depot::sandbox::DEFAULT_CLIENT_ID,
        )
        .env(
            "CHORUS_DEPOT_CLIENT_SECRET",
            chorus_depot::sandbox::DEFAULT_CLIENT_SECRET,
        )
        .env("CHORUS_DEPOT_LOGIN", chorus_depot::sandbox::DEFAULT_LOGIN)
        .env(
            "CHORUS_DEPOT_PASSWORD",
            chorus_depot::sandbox::DEFAULT_PASSWORD,
        )
        .env("CHORUS_DEPOT_NO_KEYRING", "1")
        .env("CHORUS_DEPOT_HTTP_TIMEOUT_MS", "1000")
        .env("CHORUS_DEPOT_LOG", "error");
    cmd
}

fn deposit(db: &Path, sandbox: &SandboxHandle, args: &[&str]) -> Output {
    deposit_command(db, sandbox).args(args).output().unwrap()
}

fn conformance(db: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut store = chorus_depot::store::Store::open(db).unwrap();
    let report =
        chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent).unwrap();
    let (ok, bad): (Vec<_>, Vec<_>) = report.checks.iter().partition(|c| c.is_conformant());
    (
        ok.iter().map(|c| c.invoice.number.clone()).collect(),
        bad.iter().map(|c| c.invoice.number.clone()).collect(),
    )
}

#[test]
fn sequential_deposits_with_faults_end_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 60);
    let (conformant, anomalous) = conformance(&db);
    let sandbox = sandbox(dir.path(), 0.3);
    let args = [
        "--mode",
        "sequential",
        "--wait-ms",
        "0",
        "--skip-on-error",
        "--all-conformant",
        "--uncertain-after",
        "3",
    ];
    let mut runs = 0;
    loop {
        runs += 1;
        let out = deposit(&db, &sandbox, &args);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if runs == 1 {
            // The summary the window asks to confirm comes first, with where it goes.
            let summary = format!(
                "Dépôt sur Chorus Pro :\n  Destination : Adresse imposée — Adresse de l'API \
                 imposée par CHORUS_DEPOT_API_URL : {}\n  Factures : {} factures\n",
                sandbox.base_url(),
                conformant.len()
            );
            assert!(text.starts_with(&summary), "{text}");
            assert!(text.contains("  Format : Factur-X (EN 16931)\n"), "{text}");
            assert!(
                text.contains("  Mode : dépôt séquentiel (un flux par facture)\n"),
                "{text}"
            );
        }
        if out.status.success() && !text.contains("à vérifier") {
            assert!(text.contains(" 0 en échec"), "{text}");
            break;
        }
        assert!(
            runs < 15,
            "no convergence after {runs} runs:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Let the sandbox integrate what was recorded before its connection dropped.
        std::thread::sleep(Duration::from_millis(1500));
    }
    let got = common::sandbox_received(&sandbox);
    for n in &conformant {
        assert_eq!(
            got.get(n),
            Some(&1),
            "conformant invoice {n} deposited exactly once"
        );
    }
    for n in &anomalous {
        assert!(!got.contains_key(n), "anomalous invoice {n} was sent");
    }
    assert_eq!(got.len(), conformant.len());
}

#[test]
fn a_lot_deposit_sends_one_flux_per_company_and_never_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 60);
    let (conformant, _) = conformance(&db);
    let sandbox = sandbox(dir.path(), 0.0);
    let out = deposit(
        &db,
        &sandbox,
        &["--mode", "lot", "--all-conformant", "--name", "Lot de test"],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("{}, 0 en échec", deposited(conformant.len()))),
        "{text}"
    );
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let fluxes: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM fluxes WHERE mode = 'LOT' AND state = 'ENVOYE'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let companies: i64 = store
        .conn()
        .query_row(
            "SELECT count(DISTINCT company_code) FROM fluxes WHERE mode = 'LOT'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fluxes, companies, "one flux per invoicing company");
    // Again: nothing is sent twice.
    let out = deposit(&db, &sandbox, &["--mode", "lot", "--all-conformant"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 déposée, 0 en échec"));
    let got = common::sandbox_received(&sandbox);
    assert!(conformant.iter().all(|n| got.get(n) == Some(&1)));
}

#[test]
fn a_sequential_run_killed_midway_then_resumed_deposits_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 40);
    let (conformant, _) = conformance(&db);
    let sandbox = sandbox(dir.path(), 0.0);
    let mut child = deposit_command(&db, &sandbox)
        .args([
            "--mode",
            "sequential",
            "--wait-ms",
            "150",
            "--all-conformant",
        ])
        .args(["--uncertain-after", "3"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Let a part of the invoices go, then SIGKILL (Child::kill sends SIGKILL on Unix).
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = common::sandbox_received(&sandbox).len();
    assert!(
        partial > 0 && partial < conformant.len(),
        "killed midway: {partial}"
    );
    std::thread::sleep(Duration::from_millis(500));
    let out = deposit(
        &db,
        &sandbox,
        &[
            "--mode",
            "sequential",
            "--wait-ms",
            "0",
            "--all-conformant",
            "--uncertain-after",
            "3",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let got = common::sandbox_received(&sandbox);
    for n in &conformant {
        assert_eq!(got.get(n), Some(&1), "{n} exactly once");
    }
}

#[test]
fn the_directory_is_refreshed_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 20);
    // Replace the cached directory with a tiny one, then download the official export.
    {
        let mut store = chorus_depot::store::Store::open(&db).unwrap();
        let small = common::fixtures().join("annuaire_small");
        let mut files: Vec<PathBuf> = std::fs::read_dir(small)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        // Far fewer structures than the demo's: the shrink is confirmed.
        chorus_depot::directory::import_directory_with(
            &mut store,
            &files,
            chorus_depot::directory::ImportOptions {
                accept_shrink: true,
            },
            &chorus_depot::progress::Silent,
        )
        .unwrap();
    }
    // The database's environment is the embedded sandbox (the default): the connector
    // starts it with the demo's directory export.
    let connector = chorus_depot::app::deposit_wiring::Connector::default();
    let import = chorus_depot::app::deposit_wiring::refresh_directory(
        &connector,
        &db,
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let latest = chorus_depot::store::directory::latest_import(store.conn())
        .unwrap()
        .unwrap();
    assert_eq!(latest, import);
    assert!(import.structure_count > 1000, "{import:?}");
    assert!(import.service_count > 1000, "{import:?}");
}

/// « 1 déposée », « 12 déposées »: the count the deposit summaries print.
fn deposited(n: usize) -> String {
    chorus_depot::model::counted(n, "déposée", "déposées")
}
