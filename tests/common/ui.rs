//! Driving the window with egui_kittest: real database, real worker threads.

use chorus_depot::ui::ChorusDepotApp;
use egui_kittest::Harness;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub type AppHarness = Harness<'static, Option<ChorusDepotApp>>;

pub fn harness(db: PathBuf) -> AppHarness {
    Harness::builder()
        .with_size(egui::vec2(1440.0, 1000.0))
        .build_ui_state(
            move |ui, app: &mut Option<ChorusDepotApp>| {
                app.get_or_insert_with(|| {
                    without_file_dialogs(ChorusDepotApp::new(db.clone(), ui.ctx()), &db)
                })
                .show(ui);
            },
            None,
        )
}

/// The window on `db` in a window of `width` × `height` (a small laptop screen).
pub fn harness_sized(db: PathBuf, width: f32, height: f32) -> AppHarness {
    Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(
            move |ui, app: &mut Option<ChorusDepotApp>| {
                app.get_or_insert_with(|| ChorusDepotApp::new(db.clone(), ui.ctx()))
                    .show(ui);
            },
            None,
        )
}

/// The window on `db`, talking to Chorus Pro through `connector` (a test's own sandbox).
pub fn harness_with(
    db: PathBuf,
    connector: std::sync::Arc<chorus_depot::app::deposit_wiring::Connector>,
) -> AppHarness {
    Harness::builder()
        .with_size(egui::vec2(1440.0, 1000.0))
        .build_ui_state(
            move |ui, app: &mut Option<ChorusDepotApp>| {
                app.get_or_insert_with(|| {
                    without_file_dialogs(
                        ChorusDepotApp::with_connector(db.clone(), ui.ctx(), connector.clone()),
                        &db,
                    )
                })
                .show(ui);
            },
            None,
        )
}

/// No system file dialog in a test (one could open on a developer's desktop): typed paths,
/// and exports offered next to the base rather than in the user's Documents.
fn without_file_dialogs(mut app: ChorusDepotApp, db: &std::path::Path) -> ChorusDepotApp {
    app.session.file_dialogs = chorus_depot::app::file_dialogs::FileDialogs::Typed;
    if let Some(dir) = db.parent() {
        app.session.set_export_dir(dir.join("exports"));
    }
    app
}

/// Steps the window until `done` holds: the work runs on worker threads.
pub fn wait_for(h: &mut AppHarness, what: &str, done: impl Fn(&AppHarness) -> bool) {
    let end = Instant::now() + Duration::from_secs(60);
    while Instant::now() < end {
        h.step();
        if done(h) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("délai dépassé en attendant : {what}");
}

pub fn checks_done(h: &AppHarness) -> bool {
    h.state()
        .as_ref()
        .is_some_and(|app| app.control.is_some() && !app.session.is_busy())
}

pub fn idle(h: &AppHarness) -> bool {
    h.state().as_ref().is_some_and(|app| !app.session.is_busy())
}

pub fn text_input(value: &str) -> egui_kittest::kittest::By<'_> {
    egui_kittest::kittest::By::new()
        .role(egui::accesskit::Role::TextInput)
        .value(value)
}

/// Clicks `label` once it stops moving: a dialog re-centres over a few frames when its
/// content changes, and a click aimed at the old place would miss.
pub fn click_settled(h: &mut AppHarness, label: &str) {
    use egui_kittest::kittest::{NodeT as _, Queryable as _};
    settle(h, label);
    // A user waits for a greyed button (a background reload of the base is running) before
    // clicking; a test that clicks at once loses the click on a loaded machine. A button
    // still disabled after a while is clicked anyway: the test then checks nothing happened.
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.get_by_label(label).accesskit_node().is_disabled() && std::time::Instant::now() < end {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.get_by_label(label).click();
}

/// Steps until `label` is at the same place two frames in a row.
pub fn settle(h: &mut AppHarness, label: &str) {
    use egui_kittest::kittest::Queryable as _;
    let mut last = None;
    for _ in 0..30 {
        let rect = h.get_by_label(label).rect();
        if last == Some(rect) {
            return;
        }
        last = Some(rect);
        h.step();
    }
    panic!("« {label} » ne cesse de bouger");
}

/// The confirmation asked before a deposit: checks where it goes (the word in large
/// letters and what it means), then « Envoyer ».
pub fn confirm_deposit(
    h: &mut AppHarness,
    target: &chorus_depot::app::deposit_summary::DepositTarget,
) {
    use egui_kittest::kittest::Queryable as _;
    wait_for(h, "la confirmation du dépôt", |h| {
        h.query_by_label("Confirmer le dépôt sur Chorus Pro")
            .is_some()
    });
    assert!(h.query_all_by_label(target.banner()).next().is_some());
    h.get_by_label(&target.meaning());
    click_settled(h, "Envoyer");
    h.run_steps(2);
}
