//! « Paramétrage », « Comptes Chorus PRO » tab, driven like an admin would: the embedded
//! sandbox tested, then a switch to Chorus Pro production with the PISTE application and a
//! technical account, saved with the secrets apart from the database.

mod common;

use chorus_depot::app::connection::{self, ConnectionSettings, EnvironmentChoice};
use chorus_depot::app::deposit_wiring::secrets_file;
use chorus_depot::app::secrets::SecretStore;
use common::ui::{
    AppHarness, checks_done, click_settled, harness, idle, settle, text_input, wait_for,
};
use egui_kittest::kittest::Queryable as _;

fn open_connection_tab(h: &mut AppHarness) {
    h.get_by_label("Paramétrage").click();
    h.run_steps(2);
    // The window's tab of the same name comes first; the dialog's is the last.
    h.get_all_by_label("Comptes Chorus PRO")
        .last()
        .expect("l'onglet du paramétrage")
        .click();
    wait_for(h, "le paramétrage de la connexion", |h| {
        h.query_by_label("Tester la connexion").is_some()
    });
}

#[test]
fn the_connection_to_the_embedded_sandbox_is_tested_from_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    open_connection_tab(&mut h);
    h.get_by_label("Paramétrage de la connexion à Chorus Pro");
    h.get_by_label_contains("Démonstration sans compte");
    click_settled(&mut h, "Tester la connexion");
    wait_for(&mut h, "le résultat du test", |h| {
        h.query_by_label("Résultat du test de la connexion")
            .is_some()
            && idle(h)
    });
    h.get_by_label("✔ Application PISTE reconnue (jeton obtenu)");
    h.get_by_label("✔ Chorus Pro répond (health-check)");
    h.get_by_label_contains(
        "✔ Bureautique Rhône SAS (SIEGE) : compte technique de démonstration accepté, \
         rattaché à la structure 41234567000019",
    );
    h.get_by_label_contains("mot de passe du compte technique valable jusqu'au");
    // What the test learnt is kept: the structure id shows in the accounts grid.
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let settings = ConnectionSettings::load(store.conn()).unwrap();
    let siege = settings.account("SIEGE").expect("compte retenu");
    let id = siege.structure_id.expect("structure retenue");
    assert!(siege.password_expires_on.is_some());
    wait_for(&mut h, "la structure dans la grille", |h| {
        h.query_by_label(&id.to_string()).is_some()
    });
    // « Comptes Chorus PRO » of the window says the same.
    click_settled(&mut h, "Fermer");
    h.run_steps(2);
    h.get_by_label("Comptes Chorus PRO").click();
    wait_for(&mut h, "le compte de la société", |h| {
        h.query_by_label("Compte Chorus Pro : compte de démonstration du bac à sable intégré")
            .is_some()
    });
    h.get_by_label_contains("Mot de passe du compte technique valable jusqu'au");
}

#[test]
fn switching_to_production_asks_for_the_piste_application_and_saves_secrets_apart() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    open_connection_tab(&mut h);
    settle(&mut h, "Tester la connexion");
    h.get_all_by_role(egui::accesskit::Role::ComboBox)
        .next()
        .expect("le choix de l'environnement")
        .click();
    h.run_steps(2);
    click_settled(&mut h, "Chorus Pro production");
    h.run_steps(2);
    h.get_by_label_contains("Chorus Pro de production : les factures déposées");
    h.get_by_label("L'identifiant client PISTE est obligatoire");
    h.get_by_label("Le secret client PISTE est obligatoire");
    h.get_by_label("Des champs sont invalides : rien ne sera enregistré.");

    use egui::accesskit::Role;
    // After the toolbar's two fields: the client id, then each company's login; the
    // secrets are password fields.
    let type_into = |h: &mut AppHarness, role: Role, index: usize, text: &str| {
        h.get_all_by_role(role).nth(index).unwrap().focus();
        h.step();
        h.get_all_by_role(role).nth(index).unwrap().type_text(text);
        h.run_steps(2);
    };
    type_into(&mut h, Role::TextInput, 2, "mon-application");
    type_into(&mut h, Role::PasswordInput, 0, "secret-piste-123");
    type_into(&mut h, Role::TextInput, 3, "TECH_1_SIEGE@cpro.fr");
    h.get_by_label("Le mot de passe du compte technique est obligatoire");
    type_into(&mut h, Role::PasswordInput, 1, "mot-de-passe-456");
    assert!(
        h.query_by_label("Des champs sont invalides : rien ne sera enregistré.")
            .is_none()
    );
    h.get(text_input("mon-application"));
    click_settled(&mut h, "Enregistrer");
    wait_for(&mut h, "l'enregistrement", |h| {
        idle(h)
            && h.state().as_ref().is_some_and(|app| {
                app.session
                    .notices
                    .iter()
                    .any(|n| n.text.contains("enregistrée"))
            })
    });

    let store = chorus_depot::store::Store::open(&db).unwrap();
    let settings = ConnectionSettings::load(store.conn()).unwrap();
    assert_eq!(settings.environment, EnvironmentChoice::Production);
    assert_eq!(settings.client_id, "mon-application");
    assert_eq!(
        settings.account("SIEGE").unwrap().login,
        "TECH_1_SIEGE@cpro.fr"
    );
    let secrets = SecretStore::open(secrets_file(&db));
    let env = EnvironmentChoice::Production;
    assert_eq!(
        secrets
            .get(&connection::client_secret_key(env))
            .unwrap()
            .unwrap()
            .expose(),
        "secret-piste-123"
    );
    assert_eq!(
        secrets
            .get(&connection::password_key(env, "TECH_1_SIEGE@cpro.fr"))
            .unwrap()
            .unwrap()
            .expose(),
        "mot-de-passe-456"
    );
    // Never in the SQLite file.
    drop(store);
    let bytes = std::fs::read(&db).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("secret-piste-123") && !text.contains("mot-de-passe-456"));
    // Typed secrets are masked, and the stored ones are not shown again.
    wait_for(&mut h, "le formulaire rechargé", |h| {
        h.get_all_by_role(egui::accesskit::Role::PasswordInput)
            .all(|n| n.value().as_deref() == Some(""))
    });
    for role in [Role::TextInput, Role::PasswordInput] {
        assert!(
            h.get_all_by_role(role)
                .all(|n| n.value().as_deref() != Some("secret-piste-123"))
        );
    }
}

/// The drop-downs of the modal « Paramétrage » (issue 10): each item chosen with the mouse,
/// again after the dialog itself was clicked (which once put the list behind the dialog:
/// the click went through to the field below), changes the value; the choice is saved.
#[test]
fn every_drop_down_of_the_settings_dialog_takes_the_item_clicked_again_and_again() {
    use egui::accesskit::Role;
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    open_connection_tab(&mut h);
    settle(&mut h, "Tester la connexion");
    let combo_value = |h: &AppHarness, index: usize| {
        h.get_all_by_role(Role::ComboBox)
            .nth(index)
            .unwrap()
            .value()
            .unwrap_or_default()
    };
    let choose = |h: &mut AppHarness, index: usize, item: &str| {
        // A click on the dialog first: it brings the dialog's layer to the top.
        h.get_by_label_contains("Dépôt et suivi").click();
        h.run_steps(2);
        h.get_all_by_role(Role::ComboBox)
            .nth(index)
            .unwrap()
            .click();
        h.run_steps(3);
        h.get_all_by_label(item)
            .last()
            .unwrap_or_else(|| panic!("« {item} » dans la liste"))
            .click();
        h.run_steps(3);
    };
    for (item, description) in [
        (
            "Chorus Pro qualification (PISTE sandbox)",
            "Chorus Pro de qualification, via PISTE sandbox",
        ),
        (
            "Bac à sable intégré (démonstration)",
            "Démonstration sans compte",
        ),
        ("Chorus Pro production", "Chorus Pro de production"),
        (
            "Chorus Pro qualification (PISTE sandbox)",
            "Chorus Pro de qualification, via PISTE sandbox",
        ),
    ] {
        choose(&mut h, 0, item);
        assert_eq!(combo_value(&h, 0), item);
        h.get_by_label_contains(description);
    }
    for item in ["UBL 2.1", "CII D16B", "UBL 2.1"] {
        choose(&mut h, 1, item);
        assert_eq!(combo_value(&h, 1), item);
    }
    // The environment still says qualification: the format list did not click through.
    assert_eq!(
        combo_value(&h, 0),
        "Chorus Pro qualification (PISTE sandbox)"
    );

    let type_into = |h: &mut AppHarness, role: Role, index: usize, text: &str| {
        h.get_all_by_role(role).nth(index).unwrap().focus();
        h.step();
        h.get_all_by_role(role).nth(index).unwrap().type_text(text);
        h.run_steps(2);
    };
    type_into(&mut h, Role::TextInput, 2, "mon-application");
    type_into(&mut h, Role::PasswordInput, 0, "secret-piste-123");
    type_into(&mut h, Role::TextInput, 3, "TECH_1_SIEGE@cpro.fr");
    type_into(&mut h, Role::PasswordInput, 1, "mot-de-passe-456");
    click_settled(&mut h, "Enregistrer");
    wait_for(&mut h, "l'enregistrement", |h| {
        idle(h)
            && h.state().as_ref().is_some_and(|app| {
                app.session
                    .notices
                    .iter()
                    .any(|n| n.text.contains("enregistrée"))
            })
    });
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let settings = ConnectionSettings::load(store.conn()).unwrap();
    assert_eq!(settings.environment, EnvironmentChoice::Qualification);
    assert_eq!(settings.deposit.format, "ubl");
}

/// A pointer press, then its release a frame later, as a real mouse does (kittest's
/// `click()` gives both in one frame, which hid the drop-downs' fault in the dialog).
fn mouse_click(h: &mut AppHarness, pos: egui::Pos2) {
    h.hover_at(pos);
    h.step();
    h.drag_at(pos);
    h.step();
    h.drop_at(pos);
    h.run_steps(2);
}

fn centre_of(h: &AppHarness, node: egui_kittest::Node<'_>) -> egui::Pos2 {
    let _ = h;
    node.rect().center()
}

#[test]
fn the_lists_of_the_settings_dialog_open_above_it_and_take_real_mouse_clicks() {
    use egui::accesskit::Role;
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    open_connection_tab(&mut h);
    settle(&mut h, "Tester la connexion");
    let dialog = egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("settings"));
    for (combo, item) in [
        (0, "Chorus Pro qualification (PISTE sandbox)"),
        (1, "UBL 2.1"),
        (0, "Chorus Pro production"),
        (1, "CII D16B"),
        (0, "Chorus Pro qualification (PISTE sandbox)"),
    ] {
        // A press in a field of the dialog first: it brings the dialog's layer to the top
        // (the list then opened below it before the fix).
        let field = centre_of(&h, h.get_all_by_role(Role::TextInput).last().unwrap());
        mouse_click(&mut h, field);
        let button = centre_of(&h, h.get_all_by_role(Role::ComboBox).nth(combo).unwrap());
        mouse_click(&mut h, button);
        let entry = centre_of(
            &h,
            h.get_all_by_label(item)
                .last()
                .unwrap_or_else(|| panic!("« {item} » dans la liste")),
        );
        let on_top = h.ctx.layer_id_at(entry).expect("un calque sous la souris");
        assert_ne!(
            on_top, dialog,
            "la liste de « {item} » est sous la fenêtre de paramétrage"
        );
        mouse_click(&mut h, entry);
        let value = h
            .get_all_by_role(Role::ComboBox)
            .nth(combo)
            .unwrap()
            .value()
            .unwrap_or_default();
        assert_eq!(value, item);
    }
    // Escape on an open list closes the list only, not the dialog.
    let button = centre_of(&h, h.get_all_by_role(Role::ComboBox).nth(1).unwrap());
    mouse_click(&mut h, button);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.get_by_label("Paramétrage de la connexion à Chorus Pro");
    // « Fermer » with these edits (qualification without its PISTE application: invalid)
    // asks what to do with them instead of dropping them.
    click_settled(&mut h, "Fermer");
    h.run_steps(2);
    h.get_by_label("Enregistrer les modifications ?");
    h.get_by_label("• la connexion à Chorus Pro");
    click_settled(&mut h, "Fermer sans enregistrer");
    h.run_steps(2);
    assert!(
        h.query_by_label("Paramétrage de la connexion à Chorus Pro")
            .is_none()
    );
    let store = chorus_depot::store::Store::open(&db).unwrap();
    let settings = ConnectionSettings::load(store.conn()).unwrap();
    assert_eq!(settings.environment, EnvironmentChoice::EmbeddedSandbox);
}
