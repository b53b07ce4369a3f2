//! The window a clerk lives in all day: searches that ignore accents, the keyboard
//! (Ctrl+F, F5, arrows, Enter, Escape), flux rows taken by any cell, a toolbar that fits a
//! small screen, and what the window remembers. Real database, real worker threads.

mod common;

use chorus_depot::app::jobs::JobKind;
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use chorus_depot::store::deposits::{self, FluxMode, NewFlux};
use common::ui::{AppHarness, checks_done, harness, wait_for};
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::path::{Path, PathBuf};

/// The small fixture, with the client C001 renamed « Département de la Drôme » and a
/// structure « Région Bretagne » added to the directory.
fn accented_database(dir: &Path) -> PathBuf {
    let erp = dir.join("erp");
    common::copy_dir(&common::fixtures().join("erp_small"), &erp);
    let clients = erp.join("clients.csv");
    let text = std::fs::read_to_string(&clients).unwrap();
    assert!(text.contains("Commune de Villeurbanne"));
    std::fs::write(
        &clients,
        text.replace("Commune de Villeurbanne", "Département de la Drôme"),
    )
    .unwrap();
    let annuaire = dir.join("annuaire");
    common::copy_dir(&common::fixtures().join("annuaire_small"), &annuaire);
    let structures = annuaire.join("AIFE-Chorus-Pro-Annuaire_20261112-structures.csv");
    let mut text = std::fs::read_to_string(&structures).unwrap();
    let siret = chorus_depot::model::siret::from_stems(23_350_001, 42);
    text.push_str(&format!(
        "1;{siret};Région Bretagne;false;false;true;false;false;false;false;false;true;\
         283 AVENUE DU GENERAL PATTON;;;35000;RENNES;;;FR;FRANCE\n"
    ));
    std::fs::write(&structures, text).unwrap();

    let db = dir.join("accents.sqlite");
    let mut store = Store::open(&db).unwrap();
    chorus_depot::erp_import::import_erp(&mut store, &erp, &Silent).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&annuaire)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    chorus_depot::directory::import_directory(&mut store, &files, &Silent).unwrap();
    db
}

/// Ctrl+F, then the text typed on the keyboard (into whatever field has the focus).
fn search_with_keyboard(h: &mut AppHarness, text: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.event(egui::Event::Text(text.to_string()));
    h.run_steps(3);
}

fn press(h: &mut AppHarness, key: Key) {
    h.key_press(key);
    h.run_steps(2);
}

#[test]
fn region_bretagne_typed_without_accents_finds_the_structure() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(accented_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Annuaire Chorus PRO").click();
    h.run_steps(2);
    wait_for(&mut h, "la page de l'annuaire", |h| {
        h.query_by_label("Structures 1 à 4 sur 4").is_some()
    });
    search_with_keyboard(&mut h, "region BRETAGNE");
    wait_for(&mut h, "la recherche dans l'annuaire", |h| {
        h.query_by_label("Structures 1 à 1 sur 1").is_some()
    });
    h.get_by_label("Région Bretagne");
    assert!(h.query_by_label("COMMUNE DE MARSEILLE").is_none());
}

#[test]
fn drome_finds_the_drome_with_or_without_its_accent() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(accented_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("F2600001");
    search_with_keyboard(&mut h, "drôme");
    // Client C001 has two invoices, both with an anomaly; F2600001 (C002) is filtered out.
    h.get_by_label("0 facture");
    h.get_by_label("2 factures, 2 anomalies");
    assert!(h.query_by_label("F2600001").is_none());

    // The same field, emptied, then without the accent and two words out of order.
    let field = h.get(common::ui::text_input("drôme"));
    field.focus();
    h.step();
    h.get(common::ui::text_input("drôme"))
        .set_text_value_accesskit("DROME département");
    h.run_steps(3);
    h.get_by_label("0 facture");
    h.get_by_label("2 factures, 2 anomalies");
}

#[test]
fn arrows_and_enter_open_the_detail_and_escape_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    assert!(h.query_by_label("Facture F2600001").is_none());
    // The first row: the only conformant invoice.
    press(&mut h, Key::ArrowDown);
    assert!(
        h.query_by_label("Facture F2600001").is_none(),
        "Enter opens it"
    );
    press(&mut h, Key::Enter);
    h.get_by_label("Facture F2600001");
    // Down again: the first invoice with anomalies, and the open detail follows.
    press(&mut h, Key::ArrowDown);
    assert!(h.query_by_label("Facture F2600001").is_none());
    let app = h.state().as_ref().unwrap();
    let model = app.control.as_ref().unwrap();
    let shown = model.focused.expect("a detail is open");
    assert_eq!(Some(shown), model.anomalous.first().copied());
    let number = model.check(shown).invoice.number.clone();
    h.get_by_label(&format!(
        "{} {number}",
        model.check(shown).invoice.kind.label()
    ));
    press(&mut h, Key::ArrowUp);
    h.get_by_label("Facture F2600001");
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("Facture F2600001").is_none());
}

#[test]
fn arrows_in_a_text_field_stay_in_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    search_with_keyboard(&mut h, "F26");
    press(&mut h, Key::ArrowDown);
    press(&mut h, Key::Enter);
    assert!(h.query_by_label("Facture F2600001").is_none());
    assert!(
        h.state()
            .as_ref()
            .unwrap()
            .control
            .as_ref()
            .unwrap()
            .cursor
            .is_none()
    );
}

#[test]
fn f5_checks_the_invoices_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    let before = h.state().as_ref().unwrap().session.report_generation;
    let checks_before = finished_checks(&h);
    h.key_press(Key::F5);
    // The check of a small base may end within the very frame that started it: what the
    // user sees is one more « Vérification des factures » in « Résultats », not the job.
    wait_for(&mut h, "la nouvelle vérification", |h| {
        checks_done(h) && finished_checks(h) > checks_before
    });
    let log = &h.state().as_ref().unwrap().session.results;
    let latest = log.latest().unwrap();
    assert_eq!(latest.title, JobKind::Checks.label(), "F5 starts the check");
    assert!(
        latest.as_text().contains("Rien n'a changé"),
        "{}",
        latest.as_text()
    );
    // Nothing changed in the base: the same report stays.
    assert_eq!(
        h.state().as_ref().unwrap().session.report_generation,
        before
    );
}

/// How many checks « Résultats » shows as finished.
fn finished_checks(h: &AppHarness) -> usize {
    h.state()
        .as_ref()
        .unwrap()
        .session
        .results
        .entries()
        .iter()
        .filter(|r| {
            r.title == JobKind::Checks.label()
                && r.state != chorus_depot::app::results::ResultState::Running
        })
        .count()
}

#[test]
fn a_flux_row_is_selected_by_a_click_on_its_number_and_by_the_arrows() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    {
        let store = Store::open(&db).unwrap();
        for (n, name) in [(1, "Factures d'octobre"), (2, "Factures de novembre")] {
            let id = deposits::insert_flux(
                store.conn(),
                &NewFlux {
                    company_code: "SIEGE".into(),
                    mode: FluxMode::Lot,
                    syntax: "IN_DP_E1_UBL_INVOICE".into(),
                    name: name.into(),
                    file_path: dir.path().join(format!("lot{n}.zip")).display().to_string(),
                    file_sha256: "00".into(),
                    file_size: 100,
                    invoice_count: 1,
                    created_at: format!("2026-11-2{n}T09:00:00+01:00"),
                },
            )
            .unwrap();
            deposits::flux_sent(
                store.conn(),
                id,
                &format!("FLUX-000{n}"),
                "2026-11-23T09:00:01+01:00",
            )
            .unwrap();
        }
    }
    let mut h = harness(db);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Gestionnaire Chorus Pro").click();
    h.run_steps(2);
    wait_for(&mut h, "le gestionnaire", |h| {
        h.query_by_label("Flux déposés").is_some()
    });
    h.get_by_label("Flux déposés").click();
    h.run_steps(2);
    let opens_file = |h: &AppHarness| {
        !h.get_by_label("Ouvrir le fichier envoyé")
            .accesskit_node()
            .is_disabled()
    };
    assert!(!opens_file(&h), "nothing selected yet");
    h.get_by_label("FLUX-0001").click();
    h.run_steps(2);
    assert!(opens_file(&h), "a click on the number selects the row");
    let selected = |h: &AppHarness| h.state().as_ref().unwrap().manager.selected_flux;
    let first = selected(&h).unwrap();
    // Whichever end the first flux is at, up then down ends on two different rows.
    press(&mut h, Key::ArrowUp);
    let up = selected(&h).unwrap();
    press(&mut h, Key::ArrowDown);
    let down = selected(&h).unwrap();
    assert_ne!(up, down, "the arrows move from flux to flux");
    // And a click on the name of the first one takes it back.
    h.get_by_label("Factures d'octobre").click();
    h.run_steps(2);
    assert_eq!(selected(&h), Some(first));
}

#[test]
fn at_1024_pixels_the_toolbar_keeps_one_line_and_the_rest_is_in_its_menu() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::ui::harness_sized(common::small_database(dir.path()), 1024.0, 700.0);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.run_steps(3);
    // One line: the search field's label beside the N° SIRET's.
    // (The tables have a « N° SIRET » column too.)
    let label = |text| {
        egui_kittest::kittest::By::new()
            .label(text)
            .role(egui::accesskit::Role::Label)
    };
    let siret = h.get(label("N° SIRET")).rect();
    let search = h.get(label("Rechercher")).rect();
    assert!((siret.center().y - search.center().y).abs() < 2.0);
    assert!(search.max.x <= 1024.0, "the search stays in the window");
    let actions = [
        "Afficher",
        "Uniquement services actifs",
        "Sélectionner",
        "Flux",
        "Actualiser",
        "Importer l'ERP…",
        "Paramétrage",
        "Aide",
    ];
    let in_bar: Vec<&str> = actions
        .iter()
        .copied()
        .filter(|a| h.query_by_label(a).is_some())
        .collect();
    assert!(
        in_bar.len() < actions.len(),
        "something must be in the menu"
    );
    h.get_by_label("…").click();
    h.run_steps(2);
    for action in actions {
        assert!(
            h.query_by_label(action).is_some(),
            "« {action} » unreachable"
        );
    }
    // From the menu, « Aide » opens the help.
    h.get_by_label("Aide").click();
    h.run_steps(2);
    h.get_by_label("Aide — Chorus Depot");
    // Escape closes it.
    press(&mut h, Key::Escape);
    assert!(h.query_by_label("Aide — Chorus Depot").is_none());
}

#[test]
fn the_window_comes_back_with_its_tab_and_sorts() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_all_by_label("Client").next().unwrap().click();
    h.run_steps(2);
    h.get_by_label("Client ⏶");
    h.get_by_label("Annuaire Chorus PRO").click();
    h.run_steps(2);
    let remembered = h.state().as_ref().unwrap().remembered();
    drop(h);

    let mut h = harness(db);
    h.step();
    h.state_mut().as_mut().unwrap().restore(remembered);
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Uniquement structures actives");
    h.get_by_label("Contrôle des factures").click();
    h.run_steps(2);
    h.get_by_label("Client ⏶");
}

#[test]
fn the_siret_field_refuses_what_is_not_a_siret_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(common::small_database(dir.path()));
    wait_for(&mut h, "la fin de la vérification", checks_done);
    // The first field of the toolbar: N° SIRET.
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .next()
        .unwrap()
        .focus();
    h.step();
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .next()
        .unwrap()
        .type_text("123");
    h.run_steps(2);
    h.get_by_label("Afficher").click();
    h.run_steps(3);
    h.get_by_label_contains(
        "« 123 » n'est pas un SIRET : un SIRET compte 14 chiffres, « 123 » en compte 3",
    );
}
