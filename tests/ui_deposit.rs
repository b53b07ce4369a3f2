//! What leaves for Chorus Pro is exactly what the user meant (issue 8), driven in the window
//! against a sandbox on loopback: a lot is the selection it was generated from, nothing
//! leaves without a confirmation that says where it goes, « Annuler » sends nothing, and
//! after a deposit nothing stays ticked and the deposited invoices show their flux.

mod common;

use chorus_depot::app::deposit_summary::DepositTarget;

use chorus_depot::app::deposit_wiring::Connector;
use chorus_depot::sandbox::{SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use chorus_depot::ui::ChorusDepotApp;
use common::ui::{AppHarness, checks_done, click_settled, confirm_deposit, wait_for};
use egui_kittest::kittest::Queryable as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

struct Setup {
    _dir: tempfile::TempDir,
    db: PathBuf,
    sandbox: SandboxHandle,
    connector: Arc<Connector>,
}

/// A demo mirror whose directory the sandbox shares, reached as PISTE's qualification.
fn setup(invoices: usize) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions { invoices, seed: 3 };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    let sandbox = chorus_depot::sandbox::start(SandboxConfig {
        directory_files: common::demo_directory_files(&db),
        time_scale: 1.0,
        ..SandboxConfig::default()
    })
    .unwrap();
    let companies: Vec<String> = {
        let store = Store::open(&db).unwrap();
        chorus_depot::store::erp::load_companies(store.conn())
            .unwrap()
            .into_iter()
            .map(|c| c.code)
            .collect()
    };
    let codes: Vec<&str> = companies.iter().map(String::as_str).collect();
    let connector = common::connect_to_sandbox(&db, &sandbox, &codes);
    Setup {
        _dir: dir,
        db,
        sandbox,
        connector,
    }
}

fn harness(db: &Path, connector: &Arc<Connector>) -> AppHarness {
    common::ui::harness_with(db.to_path_buf(), connector.clone())
}

/// The test reaches its sandbox through an imposed API address, and the confirmation says
/// so (as it would for `CHORUS_DEPOT_API_URL`).
fn imposed(s: &Setup) -> DepositTarget {
    DepositTarget::Custom(s.sandbox.base_url())
}

fn app(h: &AppHarness) -> &ChorusDepotApp {
    h.state().as_ref().unwrap()
}

/// The conformant invoices still to send, in the list's order.
fn to_send(h: &AppHarness) -> Vec<String> {
    let model = app(h).control.as_ref().unwrap();
    model
        .conformant
        .iter()
        .map(|&i| model.check(i).invoice.number.clone())
        .collect()
}

fn generate(h: &mut AppHarness) {
    h.get_by_label("Génération du flux").click();
    wait_for(h, "le flux généré", |h| {
        h.query_by_label("Fichier généré").is_some() && !app(h).session.is_busy()
    });
}

fn is_disabled(h: &AppHarness, label: &str) -> bool {
    use egui_kittest::kittest::NodeT as _;
    h.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn a_lot_is_its_selection_and_nothing_leaves_without_a_confirmation() {
    let s = setup(40);
    let mut h = harness(&s.db, &s.connector);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let selection = to_send(&h);
    assert!(selection.len() >= 10, "{} conformes", selection.len());
    h.get_by_label("Sélectionner").click();
    h.run_steps(2);
    h.get_by_label("Flux").click();
    h.run_steps(2);
    let all = format!("{} factures cochées à déposer", selection.len());
    h.get_by_label(&all);
    generate(&mut h);

    // One invoice unticked after the generation: the lot is thrown away, and says why.
    let unticked = selection[0].clone();
    h.get_by_label("Contrôle des factures").click();
    h.run_steps(2);
    h.get_by_label(&format!("Cocher la facture {unticked}"))
        .click();
    h.run_steps(2);
    h.get_by_label("Dépôt").click();
    h.run_steps(2);
    h.get_by_label_contains(&format!(
        "Le flux généré a été abandonné : la sélection a changé depuis la génération du flux \
         ({unticked} décochée)"
    ));
    assert!(is_disabled(&h, "Déposer sur Chorus"));
    assert!(h.query_by_label("Fichier généré").is_none());
    h.get_by_label(&format!(
        "{} factures cochées à déposer",
        selection.len() - 1
    ));

    // A new generation, then the confirmation: count, total, where it goes.
    generate(&mut h);
    h.get_by_label("Déposer sur Chorus").click();
    wait_for(&mut h, "la confirmation", |h| {
        h.query_by_label("Confirmer le dépôt sur Chorus Pro")
            .is_some()
    });
    let leaving: Vec<String> = selection[1..].to_vec();
    h.get_by_label(&imposed(&s).meaning());
    h.get_by_label(&format!("{} factures", leaving.len()));
    let report = app(&h).session.report.clone().unwrap();
    // A credit note counts against the total.
    let total: rust_decimal::Decimal = report
        .checks
        .iter()
        .filter(|c| leaving.contains(&c.invoice.number))
        .map(|c| match c.invoice.kind {
            chorus_depot::model::InvoiceKind::Invoice => c.invoice.total_incl_tax,
            chorus_depot::model::InvoiceKind::CreditNote => -c.invoice.total_incl_tax.abs(),
        })
        .sum();
    h.get_by_label(&chorus_depot::model::format_money(total, "EUR"));
    h.get_by_label("Factur-X (EN 16931)");

    // « Annuler »: nothing reaches Chorus Pro.
    click_settled(&mut h, "Annuler");
    h.run_steps(3);
    assert!(
        h.query_by_label("Confirmer le dépôt sur Chorus Pro")
            .is_none()
    );
    h.get_by_label_contains("Dépôt annulé : rien n'a été envoyé");
    assert!(common::sandbox_received(&s.sandbox).is_empty());

    // « Envoyer »: exactly the lot leaves, the unticked invoice stays home.
    h.get_by_label("Déposer sur Chorus").click();
    confirm_deposit(&mut h, &imposed(&s));
    wait_for(&mut h, "le compte rendu", |h| {
        h.query_by_label_contains("Compte rendu :").is_some() && !app(h).session.is_busy()
    });
    let received = common::sandbox_received(&s.sandbox);
    let sent: Vec<String> = received.keys().cloned().collect();
    assert_eq!(sent, leaving);
    assert!(received.values().all(|&n| n == 1));

    // Back on the control screen: nothing ticked, the deposited invoices marked.
    h.get_by_label("Contrôle des factures").click();
    wait_for(&mut h, "la vérification après le dépôt", |h| {
        checks_done(h) && to_send(h) == vec![unticked.clone()]
    });
    assert!(app(&h).control.as_ref().unwrap().ticked.is_empty());
    h.get_by_label("Flux").click();
    h.run_steps(2);
    h.get_by_label_contains("aucune facture cochée");
    h.get_by_label("Contrôle des factures").click();
    h.run_steps(2);
    h.get_by_label_contains("Afficher aussi les factures déjà déposées")
        .click();
    h.run_steps(3);
    let flux = app(&h).session.report.as_ref().unwrap().deposited[&leaving[0]]
        .flux_number
        .clone();
    assert!(!flux.is_empty());
    let mark = h
        .query_all_by_label_contains(&format!("— flux {flux}"))
        .count();
    assert!(mark >= 1, "the deposited rows show their flux");
    assert!(is_disabled(
        &h,
        &format!("Cocher la facture {}", leaving[0])
    ));
    // Its detail says it left, not that it is ready to leave.
    h.get_by_label(leaving[0].as_str()).click();
    h.run_steps(3);
    h.get_by_label_contains("📤 Déposée le ");
    assert!(
        h.query_by_label("✔ Conforme : prête pour Chorus Pro")
            .is_none()
    );
}

#[test]
fn a_lot_whose_invoice_changed_is_not_sent() {
    let s = setup(20);
    let mut h = harness(&s.db, &s.connector);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let selection = to_send(&h);
    h.get_by_label("Sélectionner").click();
    h.run_steps(2);
    h.get_by_label("Flux").click();
    h.run_steps(2);
    generate(&mut h);

    // A line of the first invoice is relabelled behind the window's back (another PC, a
    // re-import by the CLI): the window knows nothing, the send finds it out.
    let changed = selection[0].clone();
    {
        let store = Store::open(&s.db).unwrap();
        let n = store
            .conn()
            .execute(
                "UPDATE invoice_lines SET label = label || ' (corrigé)' WHERE invoice_number = ?1",
                [&changed],
            )
            .unwrap();
        assert!(n >= 1);
    }
    h.get_by_label("Déposer sur Chorus").click();
    confirm_deposit(&mut h, &imposed(&s));
    wait_for(&mut h, "le refus", |h| {
        h.query_all_by_label_contains("Dépôt refusé, rien n'a été envoyé")
            .next()
            .is_some()
            && !app(h).session.is_busy()
    });
    assert!(
        h.query_all_by_label_contains(&format!(
            "la facture {changed} a changé depuis la génération du flux"
        ))
        .next()
        .is_some()
    );
    assert!(common::sandbox_received(&s.sandbox).is_empty());
    assert!(is_disabled(&h, "Déposer sur Chorus"));

    // A change the window sees (a re-check after an edit of the invoice) discards the lot
    // at once.
    generate(&mut h);
    {
        let store = Store::open(&s.db).unwrap();
        store
            .conn()
            .execute(
                "UPDATE invoices SET engagement_number = engagement_number || 'B'
                 WHERE number = ?1",
                [&changed],
            )
            .unwrap();
    }
    h.get_by_label("Actualiser").click();
    wait_for(&mut h, "l'abandon du flux", |h| {
        h.query_all_by_label_contains("Le flux généré a été abandonné")
            .next()
            .is_some()
    });
    assert!(
        h.query_all_by_label_contains(&format!(
            "Le flux généré a été abandonné : la facture {changed} a changé depuis la \
             génération du flux"
        ))
        .next()
        .is_some()
    );
    assert!(common::sandbox_received(&s.sandbox).is_empty());
}

#[test]
fn an_invoice_paid_in_the_erp_waits_for_deposer_quand_meme() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    {
        // The fixture's F2600001 (1 200,00 € TTC) is half paid: the rest arrives.
        let store = Store::open(&db).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO payments (invoice_number, date, amount, means)
                 VALUES ('F2600001', '2026-11-20', '600.00', 'VIREMENT')",
                [],
            )
            .unwrap();
    }
    let mut h = common::ui::harness(db);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let line = "F2600001 — Réglée dans l'ERP le 20/11/2026 (1\u{a0}200,00\u{a0}€ de règlements \
                pour 1\u{a0}200,00\u{a0}€ TTC) : vérifier avant de la déposer, elle serait \
                facturée deux fois à l'acheteur";
    h.get_by_label(line).click();
    h.run_steps(3);
    h.get_by_label("DEJA_REGLEE");
    assert!(is_disabled(&h, "Cocher la facture F2600001"));
    click_settled(&mut h, "Déposer quand même");
    wait_for(&mut h, "la vérification après la décision", |h| {
        checks_done(h)
            && app(h)
                .session
                .report
                .as_ref()
                .is_some_and(|r| r.conformant_count() == 1)
    });
    h.get_by_label("✔ Conforme : prête pour Chorus Pro");
    h.get_by_label_contains("dépôt autorisé quand même");
    assert!(!is_disabled(&h, "Cocher la facture F2600001"));
}
