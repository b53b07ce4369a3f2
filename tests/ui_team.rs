//! The window on a team base (issue 11), against a real PostgreSQL server: who is signed
//! in is shown, and what the role cannot do is greyed with the reason — a manager ticks
//! invoices but cannot generate or send a lot, nor synchronise, import or change the
//! settings; a clerk can.

mod common;

use chorus_depot::store::Store;
use chorus_depot::store::postgres::{connect, import::import_sqlite, team};
use common::postgres::server;
use common::ui::{checks_done, harness, wait_for};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use std::path::PathBuf;

fn is_disabled(h: &common::ui::AppHarness, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn the_window_shows_who_is_signed_in_and_greys_what_the_role_may_not_do() {
    let dir = tempfile::tempdir().unwrap();
    // This binary's only test: the process's environment is its own. The team address
    // reads the server's authority and the PC's local folder from it, as on a real PC.
    unsafe {
        std::env::set_var("PGSSLROOTCERT", server().ca_file());
        std::env::set_var("CHORUS_DEPOT_TEAM_FILES", dir.path().join("pc"));
    }
    let demo = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 30,
        seed: 5,
    };
    chorus_depot::demo::write_demo(&demo, &options, &chorus_depot::progress::Silent).unwrap();
    let conninfo = server().fresh_database("ui_team");
    let mut owner = connect(&conninfo).unwrap();
    team::prepare(&mut owner).unwrap();
    import_sqlite(Store::open(&demo).unwrap().conn(), &mut owner).unwrap();
    for (who, role) in [
        ("ui_gaelle", team::TeamRole::Gestionnaire),
        ("ui_camille", team::TeamRole::Commis),
    ] {
        team::add_user(&mut owner, who, "un mot de passe assez long", &[role]).unwrap();
    }
    let database = conninfo.rsplit("dbname=").next().unwrap();
    let address = |who: &str| {
        format!(
            "postgresql://{who}@localhost:{}/{database}",
            server().port()
        )
    };

    let mut h = harness(PathBuf::from(address("ui_gaelle")));
    wait_for(&mut h, "la vérification sur la base d'équipe", checks_done);
    wait_for(&mut h, "l'utilisateur connecté", |h| {
        h.query_by_label("Connecté : ui_gaelle (gestionnaire)")
            .is_some()
    });
    assert!(is_disabled(&h, "Paramétrage"));
    h.get_by_label("Sélectionner").click();
    h.run_steps(2);
    h.get_by_label("Dépôt").click();
    h.run_steps(2);
    h.get_by_label(
        "Pour déposer sur Chorus Pro, il faut être commis : ui_gaelle est gestionnaire.",
    );
    assert!(
        is_disabled(&h, "Génération du flux"),
        "a lot is ticked, yet greyed"
    );
    h.get_by_label("Gestionnaire Chorus Pro").click();
    h.run_steps(2);
    assert!(is_disabled(&h, "Synchroniser avec Chorus Pro"));
    drop(h);

    let mut h = harness(PathBuf::from(address("ui_camille")));
    wait_for(&mut h, "la vérification sur la base d'équipe", checks_done);
    wait_for(&mut h, "l'utilisateur connecté", |h| {
        h.query_by_label("Connecté : ui_camille (commis)").is_some()
    });
    h.get_by_label("Sélectionner").click();
    h.run_steps(2);
    h.get_by_label("Dépôt").click();
    h.run_steps(2);
    assert!(!is_disabled(&h, "Génération du flux"), "the clerk's work");
    assert!(is_disabled(&h, "Paramétrage"), "the administrator's");
}
