//! The synchronisation with Chorus Pro end to end: the demo mirror deposited on the
//! embedded sandbox (loopback, fast time so invoice lives end in seconds), then the `sync`
//! and `status` commands and the library's `sync`, checked against the sandbox's own view.

mod common;

use chorus_depot::chorus::factures::RechercherFacturesFournisseurRequest;
use chorus_depot::chorus::{ChorusClient, ClientOptions, Credentials, Environment, Secret};
use chorus_depot::sandbox::{FaultKind, SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use chorus_depot::tracking::{Clients, Stage, SyncOptions};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Sandbox time 500,000× faster: a whole life (about 10 days) in under 3 s.
const TIME_SCALE: f64 = 500_000.0;

fn demo(dir: &Path, invoices: usize) -> PathBuf {
    let db = dir.join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions { invoices, seed: 7 };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    db
}

fn directory_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn sandbox(config: SandboxConfig) -> SandboxHandle {
    chorus_depot::sandbox::start(SandboxConfig {
        time_scale: TIME_SCALE,
        seed: 11,
        ..config
    })
    .unwrap()
}

fn demo_sandbox(dir: &Path) -> SandboxHandle {
    sandbox(SandboxConfig {
        directory_files: directory_files(&dir.join("demo-annuaire")),
        ..SandboxConfig::default()
    })
}

fn command(db: &Path, sandbox: &SandboxHandle, sub: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chorus-depot"));
    cmd.args([sub, "--db", db.to_str().unwrap()])
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
        .env("CHORUS_DEPOT_LOG", "error");
    cmd
}

fn run(db: &Path, sandbox: &SandboxHandle, sub: &str, args: &[&str]) -> Output {
    command(db, sandbox, sub).args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn deposit_lot(db: &Path, sandbox: &SandboxHandle, invoices: Option<&[String]>) -> String {
    let list = invoices.map(|l| l.join(","));
    let mut args = vec!["--mode", "lot", "--name", "Lot de test"];
    match &list {
        Some(l) => args.extend(["--invoices", l.as_str()]),
        None => args.push("--all-conformant"),
    }
    let out = run(db, sandbox, "deposit", &args);
    assert!(out.status.success(), "{}", text(&out));
    text(&out)
}

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

/// The sandbox's view: invoice number → (identifiantFactureCPP, statut, dateHeureEtatCourant).
fn sandbox_view(sandbox: &SandboxHandle) -> BTreeMap<String, (i64, String, String)> {
    client(sandbox)
        .rechercher_toutes_factures_fournisseur(&RechercherFacturesFournisseurRequest::default())
        .unwrap()
        .into_iter()
        .map(|f| {
            (
                f.numero_facture.unwrap(),
                (
                    f.identifiant_facture_cpp.unwrap(),
                    f.statut.unwrap().code().to_string(),
                    f.date_heure_etat_courant.unwrap(),
                ),
            )
        })
        .collect()
}

fn count(db: &Path, sql: &str) -> i64 {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn conformant(db: &Path) -> Vec<String> {
    let mut store = Store::open(db).unwrap();
    chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent)
        .unwrap()
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .collect()
}

/// Invoices deposited and not settled yet (not final, and not waiting for the supplier).
const STILL_MOVING: &str = "SELECT
    (SELECT count(*) FROM deposit_journal WHERE state = 'DEPOSEE')
  - (SELECT count(*) FROM chorus_invoices WHERE is_final = 1 OR status IN ('A_RECYCLER', 'SUSPENDUE'))";

/// Syncs with the CLI until every deposited invoice is settled.
fn sync_until_settled(db: &Path, sandbox: &SandboxHandle, max_runs: usize) -> usize {
    for runs in 1..=max_runs {
        let out = run(db, sandbox, "sync", &[]);
        let moving = count(db, STILL_MOVING);
        if out.status.success() && moving == 0 {
            return runs;
        }
        assert!(
            runs < max_runs,
            "not settled after {runs} syncs:\n{}",
            text(&out)
        );
        std::thread::sleep(Duration::from_millis(400));
    }
    unreachable!()
}

fn status_json(db: &Path, sandbox: &SandboxHandle) -> Vec<Value> {
    let out = run(db, sandbox, "status", &["--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["factures"].as_array().unwrap().clone()
}

/// `status --json` says what the sandbox says. A structure that does not report payment
/// makes MANDATEE final: the sync stops following it there (the sandbox, which ignores
/// the flag, moves on to MISE_EN_PAIEMENT).
fn assert_status_matches(db: &Path, sandbox: &SandboxHandle) -> Vec<Value> {
    let view = sandbox_view(sandbox);
    let lines = status_json(db, sandbox);
    let numbers: Vec<&str> = lines
        .iter()
        .map(|l| l["numero"].as_str().unwrap())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    assert_eq!(numbers, sorted, "sorted by number");
    assert_eq!(lines.len(), view.len());
    for line in &lines {
        let number = line["numero"].as_str().unwrap();
        let (id, status, at) = &view[number];
        assert_eq!(line["identifiant_cpp"].as_i64(), Some(*id), "{number}");
        assert!(line["numero_flux"].as_str().unwrap().starts_with("CPP"));
        let ours = line["statut"].as_str().unwrap();
        if ours == "MANDATEE" && status == "MISE_EN_PAIEMENT" {
            continue;
        }
        assert_eq!(ours, status, "{number}");
        let ours_at =
            chrono::DateTime::parse_from_rfc3339(line["date_statut"].as_str().unwrap()).unwrap();
        let theirs = chrono::DateTime::parse_from_rfc3339(at).unwrap();
        assert!(
            (ours_at - theirs).num_milliseconds().abs() < 1000,
            "{number}: {ours_at} vs {theirs}"
        );
    }
    lines
}

#[test]
fn a_demo_deposit_is_followed_to_payment_and_status_matches_the_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 60);
    let sandbox = demo_sandbox(dir.path());
    deposit_lot(&db, &sandbox, None);
    let deposited = count(
        &db,
        "SELECT count(*) FROM deposit_journal WHERE state = 'DEPOSEE'",
    );
    assert!(deposited > 20, "{deposited}");

    // Before any sync, the invoices are known as deposited, nothing more.
    let lines = status_json(&db, &sandbox);
    assert_eq!(lines.len() as i64, deposited);
    assert!(lines.iter().all(|l| l["identifiant_cpp"].is_null()));

    sync_until_settled(&db, &sandbox, 15);
    let lines = assert_status_matches(&db, &sandbox);
    let paid = lines
        .iter()
        .filter(|l| l["statut"] == "MISE_EN_PAIEMENT" || l["statut"] == "MANDATEE")
        .count();
    assert!(
        paid * 100 >= lines.len() * 70,
        "most invoices paid: {paid} / {}",
        lines.len()
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM chorus_invoices WHERE status = 'MISE_EN_PAIEMENT'"
        ) > 0
    );
    // The whole life is kept: DEPOSEE first, then each step.
    let store = Store::open(&db).unwrap();
    let paid_one = lines
        .iter()
        .find(|l| l["statut"] == "MISE_EN_PAIEMENT")
        .unwrap()["numero"]
        .as_str()
        .unwrap()
        .to_string();
    let steps: Vec<String> = chorus_depot::tracking::queries::history(store.conn(), &paid_one)
        .unwrap()
        .into_iter()
        .map(|h| h.status)
        .collect();
    assert_eq!(
        steps,
        [
            "DEPOSEE",
            "MISE_A_DISPOSITION",
            "SERVICE_FAIT",
            "MANDATEE",
            "MISE_EN_PAIEMENT"
        ]
    );
    let tracked = chorus_depot::tracking::tracked_invoices(store.conn()).unwrap();
    assert!(
        tracked
            .iter()
            .any(|t| t.number == paid_one && t.deposit_date.is_some())
    );
    drop(store);

    // Idempotent: asking every history again adds nothing. (Not the MANDATEE ones made
    // final by a structure that does not report payment: the sandbox moves them on.)
    let history = "SELECT count(*) FROM status_history";
    let before = count(&db, history);
    let reopened = Store::open(&db)
        .unwrap()
        .conn()
        .execute(
            "UPDATE chorus_invoices SET is_final = 0, status_at = '' WHERE status <> 'MANDATEE'",
            [],
        )
        .unwrap();
    assert!(reopened > 20);
    for _ in 0..2 {
        let out = run(&db, &sandbox, "sync", &[]);
        assert!(out.status.success(), "{}", text(&out));
    }
    assert_eq!(count(&db, history), before, "no duplicate history");
    assert_eq!(
        count(
            &db,
            "SELECT count(DISTINCT invoice_number) FROM status_history"
        ),
        deposited
    );
    let out = run(&db, &sandbox, "status", &[]);
    assert!(text(&out).contains("Mise en paiement"), "{}", text(&out));
}

/// The demo's directory files without the lines naming `siret`.
fn directory_without(dir: &Path, siret: &str) -> Vec<PathBuf> {
    let out = dir.join("annuaire-incomplet");
    std::fs::create_dir_all(&out).unwrap();
    directory_files(&dir.join("demo-annuaire"))
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let kept: String = text
                .split_inclusive('\n')
                .filter(|line| !line.contains(siret))
                .collect();
            let target = out.join(file.file_name().unwrap());
            std::fs::write(&target, kept).unwrap();
            target
        })
        .collect()
}

#[test]
fn invoices_rejected_at_integration_go_back_to_correct_and_can_be_deposited_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 60);
    let ok = conformant(&db);
    // The client of the first conformant invoice is unknown to the sandbox's directory.
    let store = Store::open(&db).unwrap();
    let siret: String = store
        .conn()
        .query_row(
            "SELECT c.siret FROM invoices i JOIN clients c ON c.code = i.client_code
             WHERE i.number = ?1",
            [&ok[0]],
            |r| r.get(0),
        )
        .unwrap();
    let of_client: BTreeSet<String> = ok
        .iter()
        .filter(|n| {
            store
                .conn()
                .query_row(
                    "SELECT c.siret FROM invoices i JOIN clients c ON c.code = i.client_code
                     WHERE i.number = ?1",
                    [n],
                    |r| r.get::<_, String>(0),
                )
                .unwrap()
                == siret
        })
        .cloned()
        .collect();
    drop(store);
    assert!(of_client.len() < ok.len());
    let state_file = dir.path().join("bac-a-sable.sqlite");
    let first = sandbox(SandboxConfig {
        directory_files: directory_without(dir.path(), &siret),
        db: Some(state_file.clone()),
        ..SandboxConfig::default()
    });
    deposit_lot(&db, &first, None);
    std::thread::sleep(Duration::from_millis(50));
    let out = run(&db, &first, "sync", &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Rejetées à l'intégration, à corriger"),
        "{}",
        text(&out)
    );
    assert!(
        count(
            &db,
            "SELECT count(*) FROM fluxes WHERE chorus_state = 'IN_INTEGRE_PARTIEL'"
        ) >= 1
    );

    let store = Store::open(&db).unwrap();
    let tracked = chorus_depot::tracking::tracked_invoices(store.conn()).unwrap();
    for number in &of_client {
        let (state, error): (String, String) = store
            .conn()
            .query_row(
                "SELECT state, error FROM deposit_journal WHERE invoice_number = ?1
                 ORDER BY id DESC LIMIT 1",
                [number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(state, "ECHEC", "{number}");
        assert!(
            error.starts_with("Rejetée par Chorus Pro à l'intégration : ")
                && error.contains(&siret),
            "{error}"
        );
        let errors = chorus_depot::tracking::queries::flux_errors_of(store.conn(), number).unwrap();
        assert_eq!(errors.len(), 1, "{number}");
        let stage = &tracked.iter().find(|t| &t.number == number).unwrap().stage;
        assert_eq!(*stage, Stage::InAnomaly, "{number}");
    }
    let fluxes = chorus_depot::tracking::queries::flux_list(store.conn()).unwrap();
    assert!(
        fluxes
            .iter()
            .any(|f| f.chorus_state == "IN_INTEGRE_PARTIEL" && f.errors.len() == of_client.len())
    );
    drop(store);
    // The others were integrated and are followed.
    let lines = status_json(&db, &first);
    assert_eq!(lines.len(), ok.len() - of_client.len());
    assert!(lines.iter().all(|l| l["identifiant_cpp"].is_i64()));

    // The directory is corrected on Chorus Pro's side: deposited again, integrated.
    drop(first);
    let second = sandbox(SandboxConfig {
        directory_files: directory_files(&dir.path().join("demo-annuaire")),
        db: Some(state_file),
        ..SandboxConfig::default()
    });
    let again: Vec<String> = of_client.iter().cloned().collect();
    // Back among the invoices to correct, with Chorus Pro's reason: not deposited while
    // the clerk has not said they are corrected.
    let mut store = Store::open(&db).unwrap();
    let report =
        chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent).unwrap();
    for number in &again {
        let check = report
            .checks
            .iter()
            .find(|c| &c.invoice.number == number)
            .unwrap();
        let anomaly = check
            .anomalies
            .iter()
            .find(|a| a.code == chorus_depot::checks::AnomalyCode::RejeteeALIntegration)
            .unwrap_or_else(|| panic!("{number} : {:?}", check.anomalies));
        assert!(
            anomaly
                .message
                .starts_with("Rejetée par Chorus Pro à l'intégration"),
            "{}",
            anomaly.message
        );
    }
    let list = again.join(",");
    let refused = run(
        &db,
        &second,
        "deposit",
        &[
            "--mode",
            "lot",
            "--name",
            "Lot de test",
            "--invoices",
            &list,
        ],
    );
    assert!(!refused.status.success());
    assert!(text(&refused).contains("0 déposée,"), "{}", text(&refused));
    // « Corrigée, à redéposer », as the window's button does.
    for number in &again {
        chorus_depot::store::tracking::acknowledge_rejections(
            store.conn(),
            number,
            "2026-11-23T10:00:00+01:00",
        )
        .unwrap();
    }
    drop(store);
    let out = deposit_lot(&db, &second, Some(&again));
    assert!(
        out.contains(&format!("{}, 0 en échec", deposited(again.len()))),
        "{out}"
    );
    std::thread::sleep(Duration::from_millis(50));
    let out = run(&db, &second, "sync", &[]);
    assert!(out.status.success(), "{}", text(&out));
    let lines = status_json(&db, &second);
    assert_eq!(lines.len(), ok.len());
    assert!(
        lines.iter().all(|l| l["identifiant_cpp"].is_i64()),
        "{lines:?}"
    );
}

#[test]
fn a_flux_of_25_invoices_gets_all_25_identifiers_through_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 120);
    let ok = conformant(&db);
    let store = Store::open(&db).unwrap();
    let company: String = store
        .conn()
        .query_row(
            "SELECT company_code FROM invoices GROUP BY company_code ORDER BY count(*) DESC",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let chosen: Vec<String> = ok
        .iter()
        .filter(|n| {
            store
                .conn()
                .query_row(
                    "SELECT company_code FROM invoices WHERE number = ?1",
                    [n],
                    |r| r.get::<_, String>(0),
                )
                .unwrap()
                == company
        })
        .take(25)
        .cloned()
        .collect();
    drop(store);
    assert_eq!(chosen.len(), 25);
    let sandbox = demo_sandbox(dir.path());
    deposit_lot(&db, &sandbox, Some(&chosen));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM fluxes WHERE flux_number IS NOT NULL"
        ),
        1
    );
    std::thread::sleep(Duration::from_millis(50));
    let log = std::sync::Arc::new(chorus_depot::chorus::MemoryLog::default());
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
        ClientOptions {
            log: log.clone(),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let store = Store::open(&db).unwrap();
    let options = SyncOptions {
        search_page_size: 10,
        ..SyncOptions::default()
    };
    let report = chorus_depot::tracking::sync(
        store.conn(),
        &Clients::single(client),
        &options,
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.fluxes_checked, 1);
    assert_eq!(report.invoices_learnt, 25);
    let searches = log
        .exchanges()
        .iter()
        .filter(|e| e.route.ends_with("/rechercher/fournisseur"))
        .count();
    assert_eq!(searches, 3, "25 invoices, 10 a page");
    let known: BTreeSet<String> = store
        .conn()
        .prepare("SELECT invoice_number FROM chorus_invoices WHERE cpp_id IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(known, chosen.iter().cloned().collect());
    let view = sandbox_view(&sandbox);
    let statuses = chorus_depot::tracking::queries::deposited_statuses(store.conn()).unwrap();
    assert_eq!(statuses.len(), 25);
    for s in statuses {
        assert_eq!(Some(view[&s.invoice_number].0), s.cpp_id);
    }
}

#[test]
fn a_sync_through_faults_ends_correct_after_a_few_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 40);
    let state_file = dir.path().join("bac-a-sable.sqlite");
    let clean = |faults: f64| {
        sandbox(SandboxConfig {
            directory_files: directory_files(&dir.path().join("demo-annuaire")),
            db: Some(state_file.clone()),
            fault_rate: faults,
            fault_kinds: vec![
                FaultKind::Http500,
                FaultKind::Http503,
                FaultKind::Http429,
                FaultKind::DropAfterRecord,
            ],
            seed: 11,
            ..SandboxConfig::default()
        })
    };
    let calm = clean(0.0);
    deposit_lot(&db, &calm, None);
    drop(calm);
    // Let every life end, so that the truth no longer moves.
    std::thread::sleep(Duration::from_secs(3));
    let faulty = clean(0.3);
    let started = Instant::now();
    let runs = sync_until_settled(&db, &faulty, 10);
    eprintln!(
        "settled through faults in {runs} syncs, {:?}",
        started.elapsed()
    );
    drop(faulty);
    let calm = clean(0.0);
    assert_status_matches(&db, &calm);
}

/// One company's client cannot be opened: said once, the other companies are synced.
struct OneCompanyDown {
    down: String,
    client: std::sync::Arc<ChorusClient>,
}

impl chorus_depot::tracking::ClientSource for OneCompanyDown {
    fn client(&self, company: &str) -> Result<std::sync::Arc<ChorusClient>, String> {
        if company == self.down {
            Err("compte technique absent du paramétrage".into())
        } else {
            Ok(self.client.clone())
        }
    }
}

#[test]
fn a_company_that_cannot_connect_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 60);
    let sandbox = demo_sandbox(dir.path());
    deposit_lot(&db, &sandbox, None);
    let companies = count(
        &db,
        "SELECT count(DISTINCT company_code) FROM fluxes WHERE flux_number IS NOT NULL",
    );
    assert!(companies >= 2, "{companies}");
    std::thread::sleep(Duration::from_millis(50));
    let store = Store::open(&db).unwrap();
    let down: String = store
        .conn()
        .query_row("SELECT min(company_code) FROM fluxes", [], |r| r.get(0))
        .unwrap();
    let source = OneCompanyDown {
        down: down.clone(),
        client: std::sync::Arc::new(client(&sandbox)),
    };
    let silent = chorus_depot::progress::Silent;
    let report =
        chorus_depot::tracking::sync(store.conn(), &source, &SyncOptions::default(), &silent)
            .unwrap();
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(report.errors[0].contains(&down), "{}", report.errors[0]);
    let learnt = count(&db, "SELECT count(*) FROM chorus_invoices");
    let of_down = count(
        &db,
        &format!(
            "SELECT count(*) FROM deposit_journal j JOIN fluxes f ON f.id = j.flux_id
             WHERE f.company_code = '{down}'"
        ),
    );
    let deposited = count(&db, "SELECT count(*) FROM deposit_journal");
    assert_eq!(learnt, deposited - of_down);
    // Back up: the next sync takes the rest.
    let report = chorus_depot::tracking::sync(
        store.conn(),
        &Clients::single(client(&sandbox)),
        &SyncOptions::default(),
        &silent,
    )
    .unwrap();
    assert!(report.errors.is_empty());
    assert_eq!(report.invoices_learnt as i64, of_down);
    assert_eq!(report.run_id, 2);
    let changes = chorus_depot::tracking::queries::changes_since(store.conn(), 1).unwrap();
    assert!(changes.len() as i64 >= of_down);
}

/// A progress whose user has already pressed « Arrêter ».
struct Stopped;

impl chorus_depot::progress::Progress for Stopped {
    fn update(&self, _: f32, _: &str) {}
    fn is_cancelled(&self) -> bool {
        true
    }
}

#[test]
fn the_window_syncs_in_the_background_and_a_stopped_sync_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 30);
    // The embedded sandbox of the demo, as the window uses it (no CHORUS_DEPOT_* here).
    let connector = std::sync::Arc::new(chorus_depot::app::deposit_wiring::Connector::default());
    let (client, _) = connector.client(&db).unwrap();
    let ok = conformant(&db);
    let store = Store::open(&db).unwrap();
    let writer = chorus_depot::app::deposit_wiring::EInvoiceFluxWriter::open(
        &db,
        &chorus_depot::app::deposit_setup::DepositChoices::default(),
    )
    .unwrap();
    let report = chorus_depot::deposit::engine::run_lot(
        &store,
        &chorus_depot::app::deposit_wiring::ChorusGateway::single(client),
        &writer,
        &ok,
        &chorus_depot::deposit::LotOptions {
            name: "Lot".into(),
            limits: chorus_depot::deposit::FluxLimits {
                max_bytes: 10 << 20,
                max_invoices: 500,
            },
            uncertain_after: Duration::from_secs(600),
        },
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert_eq!(report.failures(), 0);
    // The demo sandbox integrates in 60 s / 200: wait for it.
    std::thread::sleep(Duration::from_millis(400));

    let stopped = chorus_depot::app::sync_run::sync_database(&connector, &db, &Stopped).unwrap();
    assert!(stopped.cancelled);
    assert_eq!(stopped.fluxes_checked, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM chorus_invoices"), 0);

    let mut session =
        chorus_depot::app::session::Session::new(db.clone(), std::sync::Arc::new(|| {}));
    session.set_connector(connector);
    session.sync_now();
    assert_eq!(
        session.job().map(|j| j.kind),
        Some(chorus_depot::app::jobs::JobKind::Sync)
    );
    assert!(session.wait_idle(Duration::from_secs(30)));
    let report = session.sync_report.clone().expect("a sync report");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.invoices_learnt, ok.len());
    assert_eq!(session.sync_generation, 1);
    assert!(
        session
            .notices
            .iter()
            .any(|n| n.text.starts_with("Synchronisation terminée"))
    );
}

/// Invoices the checks put among the anomalies because Chorus Pro rejected them.
fn integration_anomalies(db: &Path) -> Vec<String> {
    let mut store = Store::open(db).unwrap();
    chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent)
        .unwrap()
        .checks
        .iter()
        .filter(|c| {
            c.anomalies
                .iter()
                .any(|a| a.code == chorus_depot::checks::AnomalyCode::RejeteeALIntegration)
        })
        .map(|c| c.invoice.number.clone())
        .collect()
}

/// Two copies of one base (two PCs) deposit the same invoices on one Chorus Pro: the
/// second copies are refused « déjà reçue de ce fournisseur ». After syncs, no invoice of
/// either base is among the anomalies, both know every invoice's identifier and status,
/// and nothing is deposited a third time.
#[test]
fn the_same_invoices_deposited_from_two_databases_are_followed_by_both_never_anomalies() {
    let dir = tempfile::tempdir().unwrap();
    let first = demo(dir.path(), 40);
    let second = dir.path().join("poste-2.sqlite");
    Store::open(&first)
        .unwrap()
        .conn()
        .execute("VACUUM INTO ?1", [second.to_str().unwrap()])
        .unwrap();
    let ok = conformant(&first);
    assert!(ok.len() > 10, "{ok:?}");
    let sandbox = demo_sandbox(dir.path());
    deposit_lot(&first, &sandbox, None);
    // The second PC does not know: it deposits the same invoices, Chorus Pro accepts the
    // flux (a number) and refuses each invoice at integration.
    let out = deposit_lot(&second, &sandbox, None);
    assert!(out.contains(&deposited(ok.len())), "{out}");
    assert!(common::sandbox_received(&sandbox).values().all(|&n| n == 2));

    let out = run(&second, &sandbox, "sync", &[]);
    let said = text(&out);
    assert!(
        said.contains("Déjà sur Chorus Pro (dépôt en double refusé"),
        "{said}"
    );
    assert!(!said.contains("Rejetées à l'intégration"), "{said}");
    // One lot flux per company, each refused whole.
    assert_eq!(
        count(
            &second,
            "SELECT count(*) FROM fluxes WHERE chorus_state <> 'IN_REJETE'"
        ),
        0
    );
    assert_eq!(
        count(
            &second,
            "SELECT count(*) FROM deposit_journal WHERE state = 'DEPOSEE'"
        ),
        ok.len() as i64,
        "the refused copies stay « déposée »: never offered again"
    );

    for db in [&first, &second] {
        sync_until_settled(db, &sandbox, 15);
        assert_eq!(integration_anomalies(db), Vec::<String>::new());
        // Identifiers and statuses are Chorus Pro's, for both PCs.
        let lines = assert_status_matches(db, &sandbox);
        assert_eq!(lines.len(), ok.len());
    }
    assert_eq!(
        count(
            &second,
            "SELECT count(*) FROM duplicate_deposits WHERE state = 'TROUVEE'"
        ),
        ok.len() as i64
    );
    // The whole life is followed on the second PC too.
    assert!(
        count(
            &second,
            "SELECT count(DISTINCT invoice_number) FROM status_history"
        ) == ok.len() as i64
    );

    // A new deposit from either PC sends nothing: a third copy never leaves.
    for db in [&first, &second] {
        let out = run(
            db,
            &sandbox,
            "deposit",
            &["--mode", "lot", "--name", "Encore", "--all-conformant"],
        );
        assert!(text(&out).contains("0 déposée,"), "{}", text(&out));
    }
    assert!(common::sandbox_received(&sandbox).values().all(|&n| n == 2));
}

/// « 1 déposée », « 12 déposées »: the count the deposit summaries print.
fn deposited(n: usize) -> String {
    chorus_depot::model::counted(n, "déposée", "déposées")
}
