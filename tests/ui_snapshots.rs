//! Pictures of the main screens at 1280×720 (a laptop) and 1600×1000, rendered headless by
//! egui_kittest (wgpu on a software renderer) and compared with the ones committed in
//! `tests/snapshots/`: a layout change shows in review as a changed PNG. After an intended
//! change: `UPDATE_SNAPSHOTS=1 cargo test --test ui_snapshots`, then look at the pictures.
//!
//! The database and the ERP folder it was imported from are the small fixture copied to a
//! fixed path (the status bar, « À propos » and the PDF messages show them), and today is
//! fixed by `CHORUS_DEPOT_TODAY` (days late, passed due dates).

mod common;

use chorus_depot::ui::ChorusDepotApp;
use common::ui::{AppHarness, checks_done, wait_for};
use egui_kittest::kittest::Queryable as _;
use egui_kittest::{Harness, SnapshotOptions, SnapshotResults};
use std::path::PathBuf;

const SIZES: [(f32, f32); 2] = [(1280.0, 720.0), (1600.0, 1000.0)];

/// The small fixture at a path that is the same on every machine.
fn fixed_database(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("chorus-depot-snapshots")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // The messages name the invoices' PDF files: the ERP folder too must be at a fixed
    // path, not under the checkout (a clone elsewhere rendered them differently).
    let erp = dir.join("erp_small");
    common::copy_dir(&common::fixtures().join("erp_small"), &erp);
    common::small_database_of(&erp, &dir)
}

/// The day the pictures were taken: what depends on today must not move with the calendar.
fn fix_today() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: set once, the same value for every test of this file, before any window
        // (whose threads read the environment) is made.
        unsafe { std::env::set_var(chorus_depot::clock::TODAY_VARIABLE, "2026-12-04") };
    });
}

fn window(db: PathBuf, size: (f32, f32)) -> AppHarness {
    fix_today();
    let mut h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .build_ui_state(
            move |ui, app: &mut Option<ChorusDepotApp>| {
                app.get_or_insert_with(|| ChorusDepotApp::new(db.clone(), ui.ctx()))
                    .show(ui);
            },
            None,
        );
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h
}

/// Lets the worker threads finish what the screen asked for, then compares its picture.
/// A few pixels may differ (anti-aliasing of a software renderer), not a moved widget.
fn picture(h: &mut AppHarness, name: &str, size: (f32, f32), results: &mut SnapshotResults) {
    wait_for(h, "la fin des tâches", |h| {
        h.state().as_ref().is_some_and(|app| !app.session.is_busy())
    });
    h.run_steps(4);
    // A few hundred pixels for the anti-aliasing; a moved panel or column, or one changed
    // word, changes far more.
    let options = SnapshotOptions::new().max_failed_pixels(300);
    results.add(h.try_snapshot_options(format!("{name}_{}x{}", size.0, size.1), &options));
}

/// Opens a tab and waits for `ready`, a text the screen shows once its data is loaded (a
/// spinner in a picture would make it differ from run to run).
fn open_tab(h: &mut AppHarness, label: &str, ready: &str) {
    h.get_all_by_label(label)
        .next()
        .unwrap_or_else(|| panic!("l'onglet « {label} »"))
        .click();
    wait_for(h, ready, |h| h.query_by_label_contains(ready).is_some());
}

/// A toolbar command, from the bar or, on a narrow window, from its « … » menu.
fn toolbar_command(h: &mut AppHarness, label: &str) {
    if h.query_by_label(label).is_none() {
        h.get_by_label(chorus_depot::ui::toolbar::OVERFLOW_LABEL)
            .click();
        h.run_steps(3);
    }
    h.get_by_label(label).click();
    h.run_steps(3);
}

#[test]
fn the_control_and_deposit_screens() {
    let mut results = SnapshotResults::new();
    for size in SIZES {
        let mut h = window(fixed_database("controle"), size);
        picture(&mut h, "controle", size, &mut results);
        open_tab(&mut h, "Dépôt", "Génération du flux");
        picture(&mut h, "depot", size, &mut results);
    }
    results.unwrap();
}

#[test]
fn the_manager_directory_and_accounts_screens() {
    let mut results = SnapshotResults::new();
    for size in SIZES {
        let mut h = window(fixed_database("gestionnaire"), size);
        open_tab(&mut h, "Gestionnaire Chorus Pro", "Vue —");
        picture(&mut h, "gestionnaire", size, &mut results);
        open_tab(&mut h, "Annuaire Chorus PRO", "Structures 1 à 3 sur 3");
        picture(&mut h, "annuaire", size, &mut results);
    }
    results.unwrap();
}

#[test]
fn the_settings_dialog_and_the_help() {
    let mut results = SnapshotResults::new();
    for size in SIZES {
        let mut h = window(fixed_database("parametrage"), size);
        toolbar_command(&mut h, "Paramétrage");
        picture(&mut h, "parametrage", size, &mut results);
        h.get_by_label("Délais de paiement").click();
        wait_for(&mut h, "les délais", |h| {
            h.query_by_label("Clients publics").is_some()
        });
        picture(&mut h, "parametrage_delais", size, &mut results);
        h.get_by_label("Fermer").click();
        h.run_steps(3);
        toolbar_command(&mut h, "Aide");
        h.get_by_label("À propos").click();
        h.run_steps(3);
        picture(&mut h, "aide_a_propos", size, &mut results);
    }
    results.unwrap();
}
