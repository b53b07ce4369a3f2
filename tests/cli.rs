//! End to end through the command line, as a scheduled task or a script would use it.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn chorus_depot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(args)
        .env("CHORUS_DEPOT_LOG", "error")
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "échec : {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn import_erp_then_check_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base.sqlite");
    let erp = common::fixtures().join("erp_small");
    let text = stdout(&chorus_depot(&[
        "import-erp",
        "--db",
        path(&db),
        path(&erp),
    ]));
    assert!(text.contains("factures.csv : 8 lignes importées"), "{text}");
    let annuaire = common::fixtures().join("annuaire_small");
    let structures = annuaire.join("AIFE-Chorus-Pro-Annuaire_20261112-structures.csv");
    let services = annuaire.join("AIFE-Chorus-Pro-Annuaire_20261112-services.csv");
    let text = stdout(&chorus_depot(&[
        "import-directory",
        "--db",
        path(&db),
        path(&services),
        path(&structures),
    ]));
    assert_eq!(
        text.trim(),
        "Annuaire du 12/11/2026 — 3 structures, 3 services"
    );

    let json: Value = serde_json::from_str(&stdout(&chorus_depot(&[
        "check",
        "--db",
        path(&db),
        "--json",
    ])))
    .unwrap();
    let factures = json["factures"].as_array().unwrap();
    let numbers: Vec<&str> = factures
        .iter()
        .map(|f| f["numero"].as_str().unwrap())
        .collect();
    // Sorted by number; the private client's invoice F2600008 is not there.
    assert_eq!(
        numbers,
        [
            "A2600005", "F2600001", "F2600002", "F2600003", "F2600004", "F2600006", "F2600007"
        ]
    );
    let by_number = |n: &str| factures.iter().find(|f| f["numero"] == n).unwrap();
    assert_eq!(by_number("F2600001")["conforme"], true);
    assert_eq!(
        by_number("F2600001")["anomalies"].as_array().unwrap().len(),
        0
    );
    let codes = |n: &str| -> Vec<String> {
        by_number(n)["anomalies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes("F2600003"), ["SERVICE_INCONNU"]);
    assert_eq!(codes("F2600004"), ["CLIENT_SIRET_MANQUANT"]);
    assert_eq!(codes("F2600006"), ["PDF_ILLISIBLE"]);
    assert_eq!(
        codes("F2600007"),
        ["PDF_INTROUVABLE", "MONTANTS_INCOHERENTS"]
    );
    assert_eq!(codes("F2600002"), ["MARCHE_EXPIRE"]);
    assert_eq!(codes("A2600005"), ["AVOIR_SANS_FACTURE_ORIGINE"]);
    let message = by_number("F2600003")["anomalies"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        message.starts_with("Le service SERV n'existe pas dans l'annuaire Chorus"),
        "{message}"
    );
    // The exact shape: only these keys.
    let keys: Vec<&String> = by_number("F2600003").as_object().unwrap().keys().collect();
    assert_eq!(keys, ["anomalies", "conforme", "numero"]);

    // The human report says the same.
    let text = stdout(&chorus_depot(&["check", "--db", path(&db)]));
    assert!(
        text.contains("7 factures de clients publics : 1 conforme, 6 en anomalie"),
        "{text}"
    );
    assert!(text.contains("F2600004 — Le client Université Lyon 3 n'a pas de numéro de SIRET"));

    // The SIRET lookup.
    let text = stdout(&chorus_depot(&[
        "siret",
        "--db",
        path(&db),
        "263 500 027 00010",
        "--actifs",
    ]));
    assert!(
        text.contains("26350002700010 — CHU DE SAINT-ETIENNE"),
        "{text}"
    );
    assert!(text.contains("DSI"));
    assert!(
        !text.contains("ACHATS"),
        "inactive service shown with --actifs: {text}"
    );
}

#[test]
fn a_bad_folder_fails_with_a_french_message_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base.sqlite");
    let erp = dir.path().join("erp");
    std::fs::create_dir(&erp).unwrap();
    std::fs::write(
        erp.join("clients.csv"),
        "code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel\n\
         C1;Commune A;;PUBLIC;;;;\n\
         C2;Commune B;;MUNICIPAL;;;;\n",
    )
    .unwrap();
    let out = chorus_depot(&["import-erp", "--db", path(&db), path(&erp)]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("clients.csv, ligne 3, colonne « type_client » : « MUNICIPAL » inconnu (attendu PUBLIC ou PRIVE)"),
        "{err}"
    );
    let json: Value = serde_json::from_str(&stdout(&chorus_depot(&[
        "check",
        "--db",
        path(&db),
        "--json",
    ])))
    .unwrap();
    assert_eq!(json["factures"].as_array().unwrap().len(), 0);
    let store = chorus_depot::store::Store::open(&db).unwrap();
    assert_eq!(
        chorus_depot::store::erp::counts(store.conn())
            .unwrap()
            .clients,
        0
    );
}

#[test]
fn a_missing_database_folder_or_file_is_explained() {
    let out = chorus_depot(&[
        "import-directory",
        "--db",
        "/nonexistent/dir/x.sqlite",
        "/nonexistent.csv",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("Erreur : "), "{err}");
}

#[test]
fn demo_writes_a_checkable_mirror_with_every_anomaly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let text = stdout(&chorus_depot(&[
        "demo",
        "--db",
        path(&db),
        "--invoices",
        "400",
        "--seed",
        "7",
    ]));
    assert!(text.contains("Base de démonstration écrite"), "{text}");
    assert!(dir.path().join("demo-erp/factures.csv").is_file());
    assert!(dir.path().join("demo-factures").is_dir());
    let json: Value = serde_json::from_str(&stdout(&chorus_depot(&[
        "check",
        "--db",
        path(&db),
        "--json",
    ])))
    .unwrap();
    let factures = json["factures"].as_array().unwrap();
    let mut codes: Vec<&str> = factures
        .iter()
        .flat_map(|f| f["anomalies"].as_array().unwrap())
        .map(|a| a["code"].as_str().unwrap())
        // An EN 16931 anomaly names its rule: EN16931_BR-E-05.
        .map(|c| {
            if c.starts_with("EN16931_BR-") {
                "EN16931"
            } else {
                c
            }
        })
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let all: Vec<&str> = chorus_depot::checks::AnomalyCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let mut expected = all.clone();
    expected.sort_unstable();
    assert_eq!(codes, expected, "every kind of anomaly is in the demo");
    let conformant = factures.iter().filter(|f| f["conforme"] == true).count();
    assert!(
        conformant * 100 >= factures.len() * 70,
        "most demo invoices are conformant: {conformant} of {}",
        factures.len()
    );
    // Same seed, same data: a second database gets the same report.
    let db2 = dir.path().join("again/demo.sqlite");
    stdout(&chorus_depot(&[
        "demo",
        "--db",
        path(&db2),
        "--invoices",
        "400",
        "--seed",
        "7",
    ]));
    let json2: Value = serde_json::from_str(&stdout(&chorus_depot(&[
        "check",
        "--db",
        path(&db2),
        "--json",
    ])))
    .unwrap();
    let strip = |v: &Value| -> Vec<(String, Vec<String>)> {
        v["factures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let codes = f["anomalies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["code"].as_str().unwrap().to_string())
                    .collect();
                (f["numero"].as_str().unwrap().to_string(), codes)
            })
            .collect()
    };
    assert_eq!(strip(&json), strip(&json2));
}

#[test]
fn demo_refuses_a_database_with_real_invoices() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let out = chorus_depot(&["demo", "--db", path(&db), "--invoices", "50"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("contient déjà des factures qui ne viennent pas d'une démonstration"),
        "{err}"
    );
    let store = chorus_depot::store::Store::open(&db).unwrap();
    assert_eq!(
        chorus_depot::store::erp::counts(store.conn())
            .unwrap()
            .invoices,
        8
    );
}

#[test]
fn siret_refuses_what_is_not_a_siret_and_looks_nothing_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base.sqlite");
    let out = chorus_depot(&["siret", "--db", path(&db), "123"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "« 123 » n'est pas un SIRET : un SIRET compte 14 chiffres, « 123 » en compte 3 ; \
             rien n'a été cherché"
        ),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert!(!db.exists(), "nothing opened, nothing looked up");
    // 14 digits with a wrong key are refused too, and why.
    let out = chorus_depot(&["siret", "--db", path(&db), "263 500 027 00011"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("clé de contrôle incorrecte"), "{err}");
}
