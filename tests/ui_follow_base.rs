//! The window as someone who keeps it open all day sees it: it follows what another
//! process writes to the base (a scheduled `chorus-depot sync`), keeps every task's whole
//! report in « Résultats », and asks for a typed path where no file dialog can open.

mod common;
mod sandbox_support;

use chorus_depot::app::file_dialogs::FileDialogs;
use chorus_depot::sandbox::{SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use common::ui::{AppHarness, wait_for};
use egui_kittest::kittest::Queryable as _;
use sandbox_support::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SEED: u64 = 5;

/// Three invoices deposited in one flux that the sandbox sends back (to recycle, suspended,
/// rejected); the base knows the deposit but no sync has read Chorus Pro's answers yet.
fn deposited_not_synced(dir: &Path) -> (PathBuf, SandboxHandle) {
    let base = returned_lot_in_a_base(
        dir,
        SandboxConfig {
            seed: SEED,
            ..fast(50_000.0)
        },
    );
    (base.db, base.sandbox)
}

/// `chorus-depot sync` as a scheduled task runs it: another process, on the same base.
fn cli_sync(db: &Path, sandbox: &SandboxHandle) -> std::process::Output {
    use chorus_depot::sandbox as sb;
    std::process::Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(["sync", "--db", db.to_str().unwrap()])
        .env("CHORUS_DEPOT_API_URL", sandbox.base_url())
        .env("CHORUS_DEPOT_TOKEN_URL", sandbox.token_url())
        .env("CHORUS_DEPOT_CLIENT_ID", sb::DEFAULT_CLIENT_ID)
        .env("CHORUS_DEPOT_CLIENT_SECRET", sb::DEFAULT_CLIENT_SECRET)
        .env("CHORUS_DEPOT_LOGIN", sb::DEFAULT_LOGIN)
        .env("CHORUS_DEPOT_PASSWORD", sb::DEFAULT_PASSWORD)
        .env("CHORUS_DEPOT_NO_KEYRING", "1")
        .env("CHORUS_DEPOT_LOG", "error")
        .output()
        .unwrap()
}

/// Steps the window, without a click, until `done` or `within` has passed.
fn without_a_click(
    h: &mut AppHarness,
    what: &str,
    within: Duration,
    done: impl Fn(&AppHarness) -> bool,
) {
    let end = Instant::now() + within;
    while Instant::now() < end {
        h.step();
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("la fenêtre n'a pas suivi la base en {within:?} : {what}");
}

#[test]
fn a_cli_sync_while_the_window_is_open_updates_the_tree_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let (db, sandbox) = deposited_not_synced(dir.path());
    let connector = common::connect_to_sandbox(&db, &sandbox, &["S1"]);
    let mut h = common::ui::harness_with(db.clone(), connector);
    wait_for(&mut h, "la fin de la vérification", common::ui::checks_done);
    h.get_by_label("Gestionnaire Chorus Pro").click();
    wait_for(&mut h, "l'arborescence avant la synchronisation", |h| {
        h.query_by_label("⏷ Fournisseur du bac (3)").is_some()
    });
    assert!(h.query_by_label("⏵ À recycler (1)").is_none());
    // Once settled, nothing reloads while nobody writes to the base.
    let settled = |h: &mut AppHarness| {
        h.run_steps(3);
        std::thread::sleep(Duration::from_millis(1000));
        h.run_steps(3);
        let s = &h.state().as_ref().unwrap().session;
        (s.manager_generation, s.report_generation)
    };
    let _ = settled(&mut h);
    assert_eq!(settled(&mut h), settled(&mut h), "reloads without a change");

    let out = cli_sync(&db, &sandbox);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    without_a_click(
        &mut h,
        "les statuts lus par la CLI",
        Duration::from_secs(10),
        |h| {
            h.query_by_label("⏵ À recycler (1)").is_some()
                && h.query_by_label("⏵ Suspendue (1)").is_some()
                && h.query_by_label("⏵ Rejetée (1)").is_some()
        },
    );
    // What the sync found is news in the status bar too, and the figures follow.
    h.get_by_label_contains("Chorus Pro : 1 facture rejetée par le destinataire");
    h.get_by_label_contains("Vue — 3 factures, 360,00");

    // The window settles: its own reloads do not make it reload again and again.
    let _ = settled(&mut h);
    let first = settled(&mut h);
    let second = settled(&mut h);
    assert_eq!(first, second, "the window keeps reloading");
}

#[test]
fn without_a_file_dialog_a_typed_erp_folder_is_imported_and_its_report_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base.sqlite");
    drop(Store::open(&db).unwrap());
    let mut h = common::ui::harness(db.clone());
    wait_for(&mut h, "la première vérification", common::ui::checks_done);
    // As where no dialog can open (the harness turns them off; said here for the reader).
    let app = h.state().as_ref().unwrap();
    assert_eq!(app.session.file_dialogs, FileDialogs::Typed);
    h.get_by_label("Importer l'ERP…").click();
    h.run_steps(3);
    h.get_by_label_contains("Saisissez le chemin du dossier");
    // The field starts at the base's folder; the clerk types the ERP's.
    let start = dir.path().display().to_string();
    let erp = common::fixtures().join("erp_small").display().to_string();
    h.get(common::ui::text_input(&start)).focus();
    h.step();
    h.get(common::ui::text_input(&start))
        .set_text_value_accesskit(&erp);
    h.run_steps(3);
    common::ui::click_settled(&mut h, "Valider");
    wait_for(&mut h, "l'import puis la vérification", |h| {
        common::ui::checks_done(h)
            && h.state()
                .as_ref()
                .unwrap()
                .session
                .report
                .as_ref()
                .is_some_and(|r| !r.checks.is_empty())
    });
    assert!(h.query_all_by_label_contains("F2600001").next().is_some());

    // The import's whole report is kept in « Résultats », a click away from the bar.
    h.get_by_label_contains("Résultats (").click();
    h.run_steps(3);
    h.get_by_label_contains("Import des fichiers de l'ERP — terminé")
        .click();
    h.run_steps(3);
    // In the bar (the latest message) and in the panel.
    assert_eq!(
        h.query_all_by_label_contains("Import de l'ERP terminé : ")
            .count(),
        2
    );
    // « Exporter… » asks where (a typed path here; Documents by default).
    h.get_all_by_label("Exporter…").nth(1).unwrap().click();
    h.run_steps(3);
    h.get_by_label("Enregistrer le compte rendu sous");
    common::ui::click_settled(&mut h, "Valider");
    wait_for(&mut h, "le compte rendu écrit", |h| {
        h.state().as_ref().unwrap().session.last_export.is_some()
    });
    let written = h
        .state()
        .as_ref()
        .unwrap()
        .session
        .last_export
        .clone()
        .unwrap();
    assert!(
        written.starts_with(dir.path().join("exports")),
        "{written:?}"
    );
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(text.contains("Import de l'ERP terminé : "), "{text}");
    h.run_steps(2);
    // The file's folder is a click away, in the bar and in the export's entry.
    assert!(h.query_all_by_label("Ouvrir le dossier").count() >= 1);
}

/// Polls `session` until `done` or 20 s.
fn poll_until(
    session: &mut chorus_depot::app::session::Session,
    what: &str,
    done: impl Fn(&chorus_depot::app::session::Session) -> bool,
) {
    let end = Instant::now() + Duration::from_secs(20);
    while Instant::now() < end {
        session.poll();
        if done(session) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("attendu en 20 s : {what}");
}

#[test]
fn a_gestionnaire_read_before_the_checks_end_shows_the_anomalies_once_they_end() {
    use chorus_depot::app::session::Session;
    use chorus_depot::tracking::tree::Stage;
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut session = Session::new(db.clone(), std::sync::Arc::new(|| {}));
    // The manager opens the Gestionnaire before the first check has said anything.
    session.load_manager();
    poll_until(&mut session, "le Gestionnaire", |s| s.manager.is_some());
    let early = session.manager.clone().unwrap();
    assert!(
        early.invoices.iter().all(|i| i.stage != Stage::InAnomaly),
        "without checks, nothing is known to be in anomaly yet"
    );
    session.start();
    assert!(session.wait_idle(Duration::from_secs(60)));
    let report = session.report.clone().expect("a check report");
    let anomalous: std::collections::HashSet<String> = report
        .checks
        .iter()
        .filter(|c| !c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .collect();
    let never_deposited = |n: &String| {
        early
            .by_number
            .get(n)
            .is_some_and(|&i| early.invoices[i].stage == Stage::ToDeposit)
    };
    let shown_to_deposit: Vec<&String> = anomalous.iter().filter(|n| never_deposited(n)).collect();
    assert!(
        !shown_to_deposit.is_empty(),
        "the base must have never-deposited invoices in anomaly"
    );
    poll_until(
        &mut session,
        "le Gestionnaire relu avec les anomalies",
        |s| {
            s.manager.as_ref().is_some_and(|m| {
                shown_to_deposit.iter().all(|n| {
                    m.by_number
                        .get(*n)
                        .is_some_and(|&i| m.invoices[i].stage == Stage::InAnomaly)
                })
            })
        },
    );
}
