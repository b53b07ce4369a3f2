//! « Gestionnaire Chorus Pro » driven like a manager would, against a sandbox on loopback
//! that sends invoices back: the status tree with its counts, the search, the selected
//! invoice's timeline, and the recycle dialog checked against the directory, then sent.

mod common;
mod sandbox_support;

use chorus_depot::app::deposit_wiring::Connector;
use chorus_depot::sandbox::{SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use common::ui::{AppHarness, wait_for};
use egui_kittest::kittest::Queryable as _;
use sandbox_support::*;
use std::path::PathBuf;
use std::sync::Arc;

const SEED: u64 = 5;

struct Setup {
    _dir: tempfile::TempDir,
    db: PathBuf,
    _sandbox: SandboxHandle,
    connector: Arc<Connector>,
    recycle: String,
    suspend: String,
    reject: String,
}

/// Three invoices deposited in one flux; the sandbox sends one back to recycle, suspends
/// one and rejects one. The database knows the deposit as the engine records it, and the
/// connection goes to the sandbox as if it were PISTE.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let base = returned_lot_in_a_base(
        dir.path(),
        SandboxConfig {
            seed: SEED,
            // The technical password expires soon: the window must say so.
            password_expires_in_days: 10,
            ..fast(50_000.0)
        },
    );
    let connector = common::connect_to_sandbox(&base.db, &base.sandbox, &["S1"]);
    // The statuses, the Chorus numbers and the histories, as a sync learns them.
    let report = chorus_depot::app::sync_run::sync_database(
        &connector,
        &base.db,
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Setup {
        _dir: dir,
        db: base.db,
        _sandbox: base.sandbox,
        connector,
        recycle: base.recycle,
        suspend: base.suspend,
        reject: base.reject,
    }
}

fn harness(setup: &Setup) -> AppHarness {
    common::ui::harness_with(setup.db.clone(), setup.connector.clone())
}

fn open_manager(h: &mut AppHarness) {
    wait_for(h, "la fin de la vérification", common::ui::checks_done);
    h.get_by_label("Gestionnaire Chorus Pro").click();
    wait_for(h, "l'arborescence", |h| {
        h.query_by_label("⏷ Fournisseur du bac (3)").is_some()
    });
}

fn type_into_search(h: &mut AppHarness, text: &str) {
    // The toolbar's two fields, then the tree's « N° facture ».
    let index = 2;
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .nth(index)
        .unwrap()
        .focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .nth(index)
        .unwrap()
        .type_text(text);
    h.run_steps(3);
}

#[test]
fn the_tree_counts_by_status_and_the_search_narrows_it() {
    let setup = setup();
    let mut h = harness(&setup);
    open_manager(&mut h);
    // Company open, statuses in life order with their counts and totals.
    h.get_by_label("⏷ Fournisseur du bac (3)");
    for stage in ["À recycler (1)", "Suspendue (1)", "Rejetée (1)"] {
        h.get_by_label(&format!("⏵ {stage}"));
    }
    h.get_by_label_contains("Vue — 3 factures, 360,00");
    // Learnt by the sync: the technical password expires within 15 days.
    h.get_by_label_contains("⚠ Fournisseur du bac : le mot de passe du compte technique expire le");
    h.get_by_label_contains("(dans 10 jours) : changez-le sur le portail Chorus Pro");
    // What the sync found since the last look: in the tab, and in the status bar.
    let news = "1 facture rejetée par le destinataire, 1 facture à recycler, 1 facture \
                suspendue à compléter";
    h.get_by_label(news);
    h.get_by_label(&format!("Chorus Pro : {news}"));
    // The current view exported as it is shown.
    h.get_by_label("Exporter en CSV").click();
    h.run_steps(2);
    // « Enregistrer sous »: the proposed file is accepted as it is.
    common::ui::click_settled(&mut h, "Valider");
    wait_for(&mut h, "l'export", |h| {
        h.state()
            .as_ref()
            .is_some_and(|app| app.session.last_export.is_some())
    });
    let path = h
        .state()
        .as_ref()
        .unwrap()
        .session
        .last_export
        .clone()
        .unwrap();
    let csv = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Société;Statut;Client;N° facture;Date de facture;Montant TTC;N° Chorus;Date de dépôt;\
         Échéance;Reste dû;Cycle de vie 2026"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines.iter().any(|l| l
            .starts_with("Fournisseur du bac;À recycler;Commune de Ville-sur-Bac;")
            && l.contains(";120,00;")),
        "{csv}"
    );
    h.get_by_label("Marquer comme vu").click();
    wait_for(&mut h, "les nouvelles vues", |h| {
        h.query_all_by_label_contains("1 facture à recycler")
            .next()
            .is_none()
    });
    // The search by number opens the way to the one invoice found.
    type_into_search(&mut h, &setup.suspend);
    h.get_by_label_contains("Vue — 1 facture, 120,00");
    assert!(h.query_by_label("⏵ À recycler (1)").is_none());
    h.get_by_label(&format!("Facture {}", setup.suspend))
        .click();
    wait_for(&mut h, "l'historique", |h| {
        h.query_by_label("Historique des statuts").is_some()
            && h.query_by_label("Déposée").is_some()
    });
    h.get_by_label("Compléter…");
    // The timeline shows the statuses Chorus Pro went through.
    h.get_by_label("Déposée");
    h.get_by_label("Mise à disposition");
}

#[test]
fn a_rejected_invoice_shows_its_reason_and_is_marked_for_a_credit_note() {
    let setup = setup();
    let mut h = harness(&setup);
    open_manager(&mut h);
    h.get_by_label("⏵ Rejetée (1)").click();
    h.run_steps(2);
    h.get_by_label("⏵ Commune de Ville-sur-Bac (1)").click();
    h.run_steps(2);
    h.get_by_label(&format!("Facture {}", setup.reject)).click();
    wait_for(&mut h, "le motif du rejet", |h| {
        h.query_by_label_contains("Motif du rejet : ").is_some()
            && h.query_by_label("Marquer pour avoir et nouvelle facture")
                .is_some()
    });
    assert!(
        h.query_by_label("Motif du rejet : non communiqué")
            .is_none(),
        "the recipient's comment is shown"
    );
    h.get_by_label("Marquer pour avoir et nouvelle facture")
        .click();
    wait_for(&mut h, "la marque", |h| {
        h.query_by_label_contains("✔ Marquée : à annuler par un avoir")
            .is_some()
    });
    let store = Store::open(&setup.db).unwrap();
    let due = chorus_depot::app::returned::credit_notes_due(store.conn()).unwrap();
    assert_eq!(due.len(), 1);

    // Payments: what is owed (the rejected invoice is owed nothing), by client, in charts.
    h.get_by_label("Paiements").click();
    h.run_steps(3);
    h.get_by_label("Reste dû");
    h.get_by_label("240,00\u{a0}€");
    h.get_by_label("En attente de paiement").click();
    h.run_steps(3);
    assert_eq!(
        h.query_all_by_label("Commune de Ville-sur-Bac").count(),
        2,
        "two invoices awaiting payment"
    );
    h.get_by_label("État de suivi des clients").click();
    h.run_steps(3);
    h.get_by_label("Commune de Ville-sur-Bac");
    h.get_by_label("Graphiques").click();
    h.run_steps(3);
    h.get_by_label("Montants TTC par statut");
}

#[test]
fn the_recycle_dialog_checks_the_directory_then_recycles() {
    let setup = setup();
    let mut h = harness(&setup);
    open_manager(&mut h);
    h.get_by_label("⏵ À recycler (1)").click();
    h.run_steps(2);
    h.get_by_label("⏵ Commune de Ville-sur-Bac (1)").click();
    h.run_steps(2);
    h.get_by_label(&format!("Facture {}", setup.recycle))
        .click();
    wait_for(&mut h, "le bouton Recycler", |h| {
        h.query_by_label("Recycler…").is_some()
    });
    common::ui::click_settled(&mut h, "Recycler…");
    wait_for(&mut h, "le formulaire prérempli", |h| {
        h.query(common::ui::text_input("SERV-FIN")).is_some()
            && h.query_by_label_contains("Rien n'a été modifié").is_some()
    });
    // An unknown service is refused before anything is sent.
    let set = |h: &mut AppHarness, from: &str, to: &str| {
        h.get(common::ui::text_input(from)).focus();
        h.step();
        h.get(common::ui::text_input(from))
            .set_text_value_accesskit(to);
        h.run_steps(3);
    };
    set(&mut h, "SERV-FIN", "SERV-INCONNU");
    wait_for(&mut h, "le refus du service", |h| {
        h.query_by_label_contains("SERV-INCONNU").is_some()
            && h.query_by_label_contains("n'existe pas").is_some()
    });
    // A service that requires an engagement, with one: accepted.
    set(&mut h, "SERV-INCONNU", "SERV-TECH");
    wait_for(&mut h, "l'exigence d'engagement", |h| {
        h.query_by_label_contains("exige un n° d'engagement")
            .is_some()
    });
    // The engagement field is the third of the dialog: the one after SERV-TECH.
    let fields: Vec<String> = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .map(|n| n.value().unwrap_or_default())
        .collect();
    let service_at = fields.iter().position(|v| v == "SERV-TECH").unwrap();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .nth(service_at + 1)
        .unwrap()
        .focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .nth(service_at + 1)
        .unwrap()
        .type_text("EJ-2026-0042");
    wait_for(&mut h, "le formulaire conforme", |h| {
        h.query_by_label_contains("conformes à l'annuaire")
            .is_some()
    });
    common::ui::click_settled(&mut h, "Recycler");
    wait_for(&mut h, "le recyclage", |h| {
        h.state().as_ref().is_some_and(|app| {
            app.session
                .notices
                .iter()
                .any(|n| n.text.contains("recyclée"))
        })
    });
    // The tree moves it out of « À recycler » without waiting for the next sync.
    wait_for(&mut h, "l'arbre à jour", |h| {
        h.query_by_label("⏵ À recycler (1)").is_none()
            && h.query_by_label_contains("Recyclage").is_some()
    });
    let store = Store::open(&setup.db).unwrap();
    let actions = chorus_depot::app::returned::actions_of(store.conn(), &setup.recycle).unwrap();
    assert!(actions[0].succeeded && actions[0].detail.contains("SERV-TECH"));
}
