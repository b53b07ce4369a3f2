//! The window as someone who keeps it open all day sees it: it follows what another
//! process writes to the base (a scheduled `chorus-depot sync`), keeps every task's whole
//! report in « Résultats », and asks for a typed path where no file dialog can open.

mod common;
mod sandbox_support;

use chorus_depot::app::file_dialogs::FileDialogs;
use chorus_depot::sandbox::{SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use chorus_depot::store::deposits::{self, FluxMode, JournalState, NewFlux};
use common::ui::{AppHarness, wait_for};
use egui_kittest::kittest::Queryable as _;
use sandbox_support::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const SEED: u64 = 5;

/// Three invoices deposited in one flux that the sandbox sends back (to recycle, suspended,
/// rejected); the base knows the deposit but no sync has read Chorus Pro's answers yet.
fn deposited_not_synced(dir: &Path) -> (PathBuf, SandboxHandle) {
    let db = dir.join("base.sqlite");
    let sandbox = start(SandboxConfig {
        seed: SEED,
        ..fast(50_000.0)
    });
    let base = sandbox.base_url();
    let token = token(&base);
    let lot = deposit_returned_lot(&base, &token, SEED);
    let numbers = [lot.recycle, lot.suspend, lot.reject];
    for (number, status) in numbers.iter().zip(["A_RECYCLER", "SUSPENDUE", "REJETEE"]) {
        let id = invoice_id(&base, &token, number);
        wait_status(&base, &token, id, status);
    }
    let mut store = Store::open(&db).unwrap();
    import_sandbox_directory(&mut store, dir);
    let conn = store.conn();
    conn.execute(
        "INSERT INTO companies (code, name, siret) VALUES ('S1', 'Fournisseur du bac', ?1)",
        [SELLER],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO clients (code, name, siret, client_type)
         VALUES ('C1', 'Commune de Ville-sur-Bac', ?1, 'PUBLIC')",
        [COMMUNE],
    )
    .unwrap();
    for n in &numbers {
        conn.execute(
            "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date,
                 total_excl_tax, total_tax, total_incl_tax, service_code)
             VALUES (?1, 'S1', 'C1', 'FACTURE', '2026-11-02', '100.00', '20.00', '120.00',
                 'SERV-FIN')",
            [n.as_str()],
        )
        .unwrap();
    }
    let flux = deposits::insert_flux(
        conn,
        &NewFlux {
            company_code: "S1".into(),
            mode: FluxMode::Lot,
            syntax: "IN_DP_E1_UBL_INVOICE".into(),
            name: "Factures de novembre".into(),
            file_path: dir.join("lot.zip").display().to_string(),
            file_sha256: "00".into(),
            file_size: lot.archive.len() as u64,
            invoice_count: 3,
            created_at: "2026-11-23T09:00:00+01:00".into(),
        },
    )
    .unwrap();
    deposits::flux_sent(conn, flux, &lot.flux_number, "2026-11-23T09:00:01+01:00").unwrap();
    for n in &numbers {
        let j = deposits::begin(conn, n, flux, "2026-11-23T09:00:00+01:00")
            .unwrap()
            .unwrap();
        deposits::finish(
            conn,
            j,
            JournalState::Deposited,
            "",
            "2026-11-23T09:00:01+01:00",
        )
        .unwrap();
    }
    drop(store);
    (db, sandbox)
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
