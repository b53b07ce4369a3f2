//! « Paramétrage › Délais de paiement » and the « Gestionnaire Chorus Pro » driven like a
//! manager would, on a real base: a CHU gets 50 days (deduced from its name, and said so),
//! a delay of its own typed and saved moves the due date in the tree, and the payments
//! chart names its bars as the tree names its branches.

mod common;

use chorus_depot::store::Store;
use common::ui::{AppHarness, checks_done, click_settled, harness, idle, wait_for};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use rusqlite::params;
use std::path::PathBuf;

/// The small ERP fixture; Chorus Pro received F2600006 (CHU de Saint-Étienne) on
/// 22/10/2026.
fn base(dir: &std::path::Path) -> PathBuf {
    let db = common::small_database(dir);
    let store = Store::open(&db).unwrap();
    store
        .conn()
        .execute(
            "INSERT INTO chorus_invoices (invoice_number, company_code, cpp_id, deposited_on,
                 status, status_at, synced_at)
             VALUES (?1, 'SIEGE', 1006, '2026-10-22', 'MISE_A_DISPOSITION',
                 '2026-10-22T12:00:00', '2026-11-23T06:00:00')",
            params!["F2600006"],
        )
        .unwrap();
    db
}

fn open_tree(h: &mut AppHarness) {
    wait_for(h, "la fin de la vérification", checks_done);
    h.get_by_label("Gestionnaire Chorus Pro").click();
    wait_for(h, "l'arborescence", |h| {
        h.query_by_label("Tout ouvrir").is_some()
    });
    h.get_by_label("Tout ouvrir").click();
    h.run_steps(3);
}

fn open_payment_terms(h: &mut AppHarness) {
    h.get_by_label("Paramétrage").click();
    h.run_steps(2);
    h.get_by_label("Délais de paiement").click();
    wait_for(h, "les délais de paiement", |h| {
        h.query_by_label("CHU de Saint-Étienne (C002)").is_some()
    });
}

/// The text field on the row at `row_y` of the clients' grid.
fn delay_field(h: &AppHarness, row_y: f32) -> egui_kittest::Node<'_> {
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| (n.rect().center().y - row_y).abs() < 6.0)
        .expect("le délai propre du client")
}

#[test]
fn a_delay_typed_in_the_settings_moves_the_due_date_in_the_manager() {
    let dir = tempfile::tempdir().unwrap();
    let db = base(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    // « Contrôle des factures » gives the same due date as the Gestionnaire, and the
    // ERP's beside it.
    h.get_by_label("F2600006").scroll_to_me();
    h.run_steps(2);
    h.get_by_label("F2600006").click();
    wait_for(&mut h, "l'échéance dans le détail", |h| {
        h.query_by_label("11/12/2026 (réception Chorus Pro + 50 jours) — l'ERP indique 20/11/2026")
            .is_some()
    });
    h.get_by_label(
        "50 jours — établissement public de santé, catégorie déduite de « CHU » dans le nom \
         du client",
    );
    open_tree(&mut h);
    // Reception 22/10/2026 + 50 days: the CHU is a public health establishment.
    wait_for(&mut h, "l'échéance à 50 jours", |h| {
        h.query_by_label("11/12/2026").is_some()
    });

    open_payment_terms(&mut h);
    // Where the category comes from is said, never guessed silently.
    h.get(
        egui_kittest::kittest::By::new()
            .role(egui::accesskit::Role::ComboBox)
            .value("Établissement public de santé (déduite de « CHU »)"),
    );
    h.get_by_label("50 jours, délai de la catégorie");
    h.get_by_label_contains("légal : 50 jours (art. R.2192-11 1°)");
    // The CHU's own delay field: the text field on its row.
    let row_y = h
        .get_by_label("CHU de Saint-Étienne (C002)")
        .rect()
        .center()
        .y;
    delay_field(&h, row_y).focus();
    h.step();
    delay_field(&h, row_y).type_text("0");
    h.run_steps(3);
    h.get_by_label("Un nombre de jours entre 1 et 365.");
    assert!(
        h.get_by_label("Enregistrer les délais")
            .accesskit_node()
            .is_disabled(),
        "an invalid delay is not saved"
    );
    h.key_press(egui::Key::Backspace);
    h.step();
    delay_field(&h, row_y).type_text("30");
    h.run_steps(3);
    h.get_by_label("30 jours, propre au client");
    click_settled(&mut h, "Enregistrer les délais");
    wait_for(&mut h, "l'enregistrement", |h| {
        idle(h)
            && h.query_by_label_contains("Délais de paiement enregistrés")
                .is_some()
    });
    click_settled(&mut h, "Fermer");
    h.run_steps(2);

    // The tree reads the terms again: 22/10/2026 + 30 days.
    wait_for(&mut h, "l'échéance à 30 jours", |h| {
        h.query_by_label("21/11/2026").is_some() && h.query_by_label("11/12/2026").is_none()
    });
    let store = Store::open(&db).unwrap();
    let saved = chorus_depot::tracking::payments::PaymentSettings::load(store.conn()).unwrap();
    assert_eq!(saved.delay_by_client.get("C002"), Some(&30));
}

#[test]
fn the_chart_names_its_bars_as_the_tree_names_its_branches() {
    let dir = tempfile::tempdir().unwrap();
    let db = base(dir.path());
    let mut h = harness(db);
    open_tree(&mut h);
    // Never deposited through this base's journal: the tree calls them « À déposer ».
    h.get_by_label_contains("⏷ À déposer (");
    h.get_by_label("Paiements").click();
    h.run_steps(2);
    h.get_by_label("Graphiques").click();
    h.run_steps(3);
    h.get_by_label("À déposer");
    assert!(h.query_by_label("Statut Chorus Pro inconnu").is_none());
    // French figures, as everywhere else.
    assert!(
        h.query_all_by_label_contains("\u{a0}€ (").next().is_some(),
        "« 4 005 068,60 € (3 factures) »"
    );
}
