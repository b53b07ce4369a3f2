//! The window, driven like a user would with egui_kittest: real database, real checks
//! running on their worker thread, clicks and typing through the accessibility tree.

mod common;

use chorus_depot::app::deposit_summary::DepositTarget;

use egui_kittest::kittest::{NodeT as _, Queryable as _};

use common::ui::{checks_done, confirm_deposit, harness, text_input, wait_for};

#[test]
fn both_tables_show_the_checked_invoices() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Liste des factures conformes");
    h.get_by_label("Anomalies à corriger");
    h.get_by_label("1 facture");
    h.get_by_label("6 factures, 7 anomalies");
    // The conformant invoice and an anomaly line under its invoice.
    h.get_by_label("F2600001");
    h.get_by_label(
        "F2600003 — Le service SERV n'existe pas dans l'annuaire Chorus (structure 21690123100011)",
    );
    h.get_by_label("F2600004 — Le client Université Lyon 3 n'a pas de numéro de SIRET");
    // Private clients are not Chorus Pro's business.
    assert!(h.query_by_label("F2600008").is_none());
    h.get_by_label_contains("Annuaire du 12/11/2026 — 3 structures, 3 services");
}

#[test]
fn clicking_an_anomaly_shows_its_detail() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    assert!(h.query_by_label("Facture F2600007").is_none());
    let line = "F2600007 — HT 300,00\u{a0}€ + TVA 60,00\u{a0}€ = 360,00\u{a0}€, mais le TTC est 350,00\u{a0}€";
    h.get_by_label(line).scroll_to_me();
    h.run_steps(2);
    h.get_by_label(line).click();
    h.run_steps(2);
    h.get_by_label("Facture F2600007");
    h.get_by_label("2 anomalies à corriger");
    // Both anomalies in the panel, with their codes.
    h.get_by_label("MONTANTS_INCOHERENTS");
    h.get_by_label("PDF_INTROUVABLE");
    h.get_by_label("Fichier introuvable");
    // The resolved billing data says where it came from.
    h.get_by_label("(facture)");
    assert_eq!(h.get_all_by_label("absent").count(), 2);
    // Lines are read on a worker thread: wait for them.
    wait_for(&mut h, "les règlements", |h| {
        h.query_by_label("Aucun règlement enregistré").is_some()
    });
}

#[test]
fn billing_data_taken_from_the_reference_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("F2600001").click();
    h.run_steps(2);
    h.get_by_label("Facture F2600001");
    h.get_by_label("✔ Conforme : prête pour Chorus Pro");
    assert_eq!(
        h.get_all_by_label("(repris du contrat CTR-2002)").count(),
        2
    );
    wait_for(&mut h, "les lignes de la facture", |h| {
        h.query_by_label("Maintenance annuelle du parc informatique")
            .is_some()
    });
    h.get_by_label("Reste à payer : 600,00\u{a0}€");
}

#[test]
fn the_search_box_filters_both_tables() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let field = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .nth(1)
        .expect("the search field");
    field.focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .nth(1)
        .unwrap()
        .type_text("villeurbanne");
    h.run_steps(3);
    h.get_by_label("0 facture");
    h.get_by_label("2 factures, 2 anomalies");
    assert!(h.query_by_label("F2600007").is_none());
    // The empty list keeps one line; the anomalies take the height (they were below the
    // middle of the window while both lists had rows).
    let heading = h.get_by_label("Anomalies à corriger").rect();
    assert!(heading.top() < 200.0, "{heading:?}");
}

#[test]
fn both_lists_share_the_height_while_both_have_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let heading = h.get_by_label("Anomalies à corriger").rect();
    assert!(heading.top() > 350.0, "{heading:?}");
}

#[test]
fn settings_refuse_a_bad_iban_and_keep_the_old_value() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Paramétrage").click();
    h.run_steps(2);
    h.get_by_label("Paramétrage des sociétés émettrices");
    let good = "FR76 3000 6000 0112 3456 7890 189";
    let bad = "FR76 3000 6000 0112 3456 7890 188";
    h.get(text_input(good)).focus();
    h.step();
    h.get(text_input(good)).set_text_value_accesskit(bad);
    h.run_steps(2);
    h.get(text_input(bad));
    h.get_by_label("La clé de contrôle de l'IBAN est incorrecte (modulo 97) : vérifiez la saisie");
    h.get_by_label(
        "Bureautique Rhône SAS : des champs sont invalides, cette société ne sera pas enregistrée.",
    );
    // « Enregistrer » does nothing while a field is invalid.
    h.get_by_label("Enregistrer").click();
    h.run_steps(2);
    h.get_by_label("Paramétrage des sociétés émettrices");
    // Closing with an edit asks what to do with it; « Reprendre la saisie » keeps it.
    h.get_by_label("Annuler").click();
    h.run_steps(2);
    h.get_by_label("Enregistrer les modifications ?");
    h.get_by_label("• la société Bureautique Rhône SAS");
    h.get_by_label("Reprendre la saisie").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Enregistrer les modifications ?")
            .is_none()
    );
    h.get(text_input(bad));
    // Escape asks the same question; an invalid edit cannot be saved from it.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.get_by_label("Enregistrer les modifications ?");
    assert!(
        h.get_by_label("Enregistrer et fermer")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("Fermer sans enregistrer").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Paramétrage des sociétés émettrices")
            .is_none()
    );
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let companies = chorus_depot::store::erp::load_companies(store.conn()).unwrap();
    assert_eq!(companies[0].iban, "FR7630006000011234567890189");
    // Reopened, the dialog shows the saved value again.
    h.get_by_label("Paramétrage").click();
    h.run_steps(2);
    h.get(text_input(good));
}

#[test]
fn the_siret_field_shows_the_structure_and_its_services() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let field = h
        .get_all_by_role(egui::accesskit::Role::TextInput)
        .next()
        .expect("the SIRET field");
    field.focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .next()
        .unwrap()
        .type_text("263 500 027 00010");
    h.step();
    h.get_by_label("Afficher").click();
    wait_for(&mut h, "la structure", |h| {
        h.query_by_label("CHU DE SAINT-ETIENNE").is_some()
    });
    h.get_by_label("Services (2)");
    h.get_by_label("Direction des systèmes d'information");
    h.get_by_label("Direction des achats");
    h.get_by_label("Uniquement services actifs").click();
    wait_for(&mut h, "les services actifs", |h| {
        h.query_by_label("Services actifs (1)").is_some()
    });
    assert!(h.query_by_label("Direction des achats").is_none());
}

#[test]
fn the_first_start_creates_the_demo_and_shows_both_tables() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("données/chorus-depot.sqlite");
    let mut h = harness(db.clone());
    // The demo is written and checked on worker threads while the window keeps drawing.
    h.step();
    h.get_by_label("Arrêter");
    wait_for(&mut h, "la base de démonstration vérifiée", checks_done);
    assert!(db.is_file());
    h.get_by_label("Liste des factures conformes");
    h.get_by_label("Anomalies à corriger");
    h.get_by_label_contains("Annuaire du 16/11/2026 — ");
    let report = h.state().as_ref().unwrap().session.report.clone().unwrap();
    assert!(
        report.conformant_count() > 1500,
        "{}",
        report.conformant_count()
    );
    assert!(
        report.anomalous_count() > 100,
        "{}",
        report.anomalous_count()
    );
    // The first conformant invoice and the first anomaly line are on screen.
    let model = h.state().as_ref().unwrap().control.as_ref().unwrap();
    let first_ok = model.check(model.conformant[0]).invoice.number.clone();
    let first_bad = model.check(model.anomalous[0]);
    let line = format!(
        "{} — {}",
        first_bad.invoice.number, first_bad.anomalies[0].message
    );
    h.get_by_label(&first_ok);
    h.get_by_label(&line);
}

#[test]
fn the_directory_tab_imports_an_export_and_browses_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base.sqlite");
    {
        let mut store = chorus_depot::store::Store::open(&db).unwrap();
        chorus_depot::erp_import::import_erp(
            &mut store,
            &common::fixtures().join("erp_small"),
            &chorus_depot::progress::Silent,
        )
        .unwrap();
    }
    let mut h = harness(db);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label_contains("Annuaire Chorus Pro non importé");
    // Without a directory every SIRET is unknown.
    h.get_by_label_contains(
        "F2600001 — Le SIRET 26350002700010 du client CHU de Saint-Étienne est absent",
    );
    h.get_by_label("Annuaire Chorus PRO").click();
    h.run_steps(2);
    h.get_by_label("Importer un export de l'annuaire").click();
    h.run_steps(2);
    let annuaire = common::fixtures().join("annuaire_small");
    let files = [
        annuaire.join("AIFE-Chorus-Pro-Annuaire_20261112-structures.csv"),
        annuaire.join("AIFE-Chorus-Pro-Annuaire_20261112-services.csv"),
    ]
    .map(|p| p.display().to_string())
    .join("\n");
    let field = h
        .get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .next()
        .expect("the files field");
    field.focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::MultilineTextInput)
        .next()
        .unwrap()
        .type_text(&files);
    h.run_steps(2);
    h.get_by_label("Importer l'annuaire").click();
    wait_for(&mut h, "l'annuaire importé puis la vérification", |h| {
        checks_done(h)
            && h.query_all_by_label_contains("Annuaire du 12/11/2026 — 3 structures, 3 services")
                .next()
                .is_some()
    });
    wait_for(&mut h, "la liste des structures", |h| {
        h.query_by_label("COMMUNE DE MARSEILLE").is_some()
    });
    h.get_by_label("Structures 1 à 3 sur 3");
    h.get_by_label("Contrôle des factures").click();
    h.run_steps(2);
    // The checks ran again with the directory: F2600001 is conformant now.
    h.get_by_label("1 facture");
    assert!(h.query_by_label_contains("F2600001 —").is_none());
}

#[test]
fn settings_save_valid_changes_and_check_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Paramétrage").click();
    h.run_steps(2);
    let old = "AGRIFRPP";
    h.get(text_input(old)).focus();
    h.step();
    h.get(text_input(old))
        .set_text_value_accesskit("bnpa fr pp");
    h.run_steps(2);
    h.get_by_label("Enregistrer").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Paramétrage des sociétés émettrices")
            .is_none()
    );
    wait_for(&mut h, "l'enregistrement puis la vérification", |h| {
        checks_done(h) && h.query_by_label("Paramétrage enregistré").is_some()
    });
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let companies = chorus_depot::store::erp::load_companies(store.conn()).unwrap();
    assert_eq!(companies[0].bic, "BNPAFRPP", "saved normalised");
}

#[test]
fn the_deposit_tab_generates_then_sends_a_lot_to_the_embedded_sandbox() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 40,
        seed: 3,
    };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    // The embedded sandbox needs no account: no keyring is opened.
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Sélectionner").click();
    h.run_steps(2);
    h.get_by_label("Flux").click();
    h.run_steps(2);
    h.get_by_label("Dépôt sur Chorus Pro");
    h.get_by_label("Génération du flux").click();
    wait_for(&mut h, "le flux généré", |h| {
        h.query_by_label("Fichier généré").is_some()
            && !h.state().as_ref().unwrap().session.is_busy()
    });
    h.get_by_label_contains("À envoyer : ");
    h.get_by_label("Déposer sur Chorus").click();
    confirm_deposit(&mut h, &DepositTarget::EmbeddedSandbox);
    wait_for(&mut h, "le compte rendu", |h| {
        h.query_by_label_contains("Compte rendu :").is_some()
    });
    assert!(
        h.query_all_by_label_contains(", 0 en échec")
            .next()
            .is_some()
    );
    assert!(
        h.query_all_by_label_contains("déposée : flux ")
            .next()
            .is_some()
    );
    // The sequential tab is there too, with its parameters.
    h.get_by_label("Dépôt séquentiel").click();
    h.run_steps(2);
    h.get_by_label("Passer à la facture suivante en cas d'erreur");
    h.get_by_label("Lancer le dépôt séquentiel");
    // Back on the control screen, what was deposited is no longer « to send ».
    h.get_by_label("Contrôle des factures").click();
    let shown = "Afficher aussi les factures déjà déposées (28 masquées)";
    wait_for(&mut h, "la liste sans les factures déposées", |h| {
        checks_done(h) && h.query_by_label(shown).is_some()
    });
    h.get_by_label("Aucune facture conforme.");
    h.get_by_label(shown).click();
    h.run_steps(3);
    h.get_by_label_contains("28 factures");
}

#[test]
fn a_sequential_deposit_shows_its_progress_stops_and_resumes_without_sending_twice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 14,
        seed: 3,
    };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let conformant = h
        .state()
        .as_ref()
        .unwrap()
        .control
        .as_ref()
        .unwrap()
        .conformant
        .len();
    assert!(conformant >= 4, "{conformant} factures conformes");
    h.get_by_label("Sélectionner").click();
    h.run_steps(2);
    h.get_by_label("Flux").click();
    h.run_steps(2);
    h.get_by_label("Dépôt séquentiel").click();
    h.run_steps(2);
    // One second between calls (the default): time to see the progress and to stop.
    h.get_by_label("Lancer le dépôt séquentiel").click();
    confirm_deposit(&mut h, &DepositTarget::EmbeddedSandbox);
    wait_for(&mut h, "la progression", |h| {
        h.query_all_by_label_contains(" — reste environ ")
            .next()
            .is_some()
    });
    h.get_by_label("Arrêter").click();
    wait_for(&mut h, "l'arrêt", |h| {
        h.query_all_by_label_contains("(dépôt arrêté)")
            .next()
            .is_some()
    });
    let first = h
        .state()
        .as_ref()
        .unwrap()
        .session
        .deposit_report
        .clone()
        .unwrap();
    assert!(
        first.deposited() >= 1 && first.deposited() < conformant,
        "{}",
        first.deposited()
    );
    // Launched again on the same selection: only what was left is sent.
    // The checks run again after a deposit: wait until nothing runs any more.
    for _ in 0..3 {
        wait_for(&mut h, "la fin des vérifications", checks_done);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // The deposited invoices are unticked: only what is left leaves.
    h.get_by_label("Lancer le dépôt séquentiel").click();
    confirm_deposit(&mut h, &DepositTarget::EmbeddedSandbox);
    let left = conformant - first.deposited();
    wait_for(&mut h, "la fin du dépôt", |h| {
        let report = h.state().as_ref().unwrap().session.deposit_report.as_ref();
        !h.state().as_ref().unwrap().session.is_busy()
            && report.is_some_and(|r| !r.cancelled && r.outcomes.len() == left)
    });
    let second = h
        .state()
        .as_ref()
        .unwrap()
        .session
        .deposit_report
        .clone()
        .unwrap();
    assert_eq!(first.deposited() + second.deposited(), conformant);
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let once: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM (SELECT invoice_number FROM deposit_journal
             WHERE state = 'DEPOSEE' GROUP BY invoice_number HAVING count(*) = 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(once as usize, conformant, "each invoice deposited once");
}
