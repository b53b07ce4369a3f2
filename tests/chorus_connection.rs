//! « Comptes Chorus PRO » against the sandbox over loopback, as PISTE: each company's own
//! technical account, « Tester la connexion » saying what works and what does not, and the
//! refresh of one structure of the N° SIRET lookup through the structures endpoints.

mod common;

use chorus_depot::app::connection::{self, CompanyAccount, ConnectionSettings, EnvironmentChoice};
use chorus_depot::app::connection_test::{Level, test_connection};
use chorus_depot::app::deposit_wiring::{Connector, secrets_file};
use chorus_depot::app::secrets::{Secret, SecretStore};
use chorus_depot::app::structure_refresh::refresh_structure;
use chorus_depot::model::Company;
use chorus_depot::sandbox::{self, SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use chorus_depot::store::directory as dir_db;
use std::path::{Path, PathBuf};

const SIEGE_SIRET: &str = "41234567000019";
const AGENCE_SIRET: &str = "73282932000074";

fn start_sandbox(password_expires_in_days: i64) -> SandboxHandle {
    let annuaire = common::fixtures().join("annuaire_small");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&annuaire)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    sandbox::start(SandboxConfig {
        directory_files: files,
        suppliers: vec![
            (SIEGE_SIRET.into(), "Bureautique Rhône SAS".into()),
            (AGENCE_SIRET.into(), "Agence de Grenoble".into()),
        ],
        password_expires_in_days,
        ..SandboxConfig::default()
    })
    .unwrap()
}

/// The small database, three companies, connected to `sandbox` as if it were PISTE
/// qualification: SIEGE with the right password, AGENCE with a wrong one, TROIS without
/// an account.
fn database(dir: &Path, sandbox: &SandboxHandle) -> (PathBuf, Connector) {
    let db = common::small_database(dir);
    let store = Store::open(&db).unwrap();
    for (code, name, siret) in [
        ("AGENCE", "Agence de Grenoble", AGENCE_SIRET),
        ("TROIS", "Troisième établissement", "55210055400013"),
    ] {
        chorus_depot::store::erp::upsert_company(
            store.conn(),
            &Company {
                code: code.into(),
                name: name.into(),
                siret: siret.into(),
                ..Company::default()
            },
        )
        .unwrap();
    }
    let env = EnvironmentChoice::Qualification;
    let settings = ConnectionSettings {
        environment: env,
        client_id: sandbox::DEFAULT_CLIENT_ID.into(),
        accounts: vec![
            CompanyAccount {
                company_code: "SIEGE".into(),
                login: sandbox::DEFAULT_LOGIN.into(),
                ..CompanyAccount::default()
            },
            CompanyAccount {
                company_code: "AGENCE".into(),
                login: "TECH_1_AGENCE@cpro.fr".into(),
                ..CompanyAccount::default()
            },
        ],
        ..ConnectionSettings::default()
    };
    settings.save(store.conn()).unwrap();
    let secrets = SecretStore::open(secrets_file(&db));
    let set = |key: String, value: &str| secrets.set(&key, &Secret::new(value)).unwrap();
    set(
        connection::client_secret_key(env),
        sandbox::DEFAULT_CLIENT_SECRET,
    );
    set(
        connection::password_key(env, sandbox::DEFAULT_LOGIN),
        sandbox::DEFAULT_PASSWORD,
    );
    set(
        connection::password_key(env, "TECH_1_AGENCE@cpro.fr"),
        "pas-le-bon",
    );
    let connector = Connector::with_endpoints(sandbox.token_url(), sandbox.base_url());
    (db, connector)
}

fn companies(db: &Path) -> Vec<Company> {
    let store = Store::open(db).unwrap();
    chorus_depot::store::erp::load_companies(store.conn()).unwrap()
}

#[test]
fn the_connection_test_says_company_by_company_what_works() {
    let sandbox = start_sandbox(300);
    let dir = tempfile::tempdir().unwrap();
    let (db, connector) = database(dir.path(), &sandbox);
    let today = chrono::Local::now().date_naive();
    let check = test_connection(&connector, &db, &companies(&db), today);
    let text: Vec<String> = check
        .lines
        .iter()
        .map(|l| format!("{:?} {}", l.level, l.text))
        .collect();
    let has = |level: Level, needle: &str| {
        check
            .lines
            .iter()
            .any(|l| l.level == level && l.text.contains(needle))
    };
    assert!(has(Level::Ok, "Chorus Pro qualification"), "{text:#?}");
    assert!(
        has(Level::Ok, "Application PISTE reconnue (jeton obtenu)"),
        "{text:#?}"
    );
    assert!(has(Level::Ok, "Chorus Pro répond"), "{text:#?}");
    let siege_id = sandbox_supplier_id(&connector, &db, SIEGE_SIRET);
    assert!(
        has(
            Level::Ok,
            &format!("accepté, rattaché à la structure {SIEGE_SIRET} (idStructureCPP {siege_id})")
        ),
        "{text:#?}"
    );
    let expiry = today + chrono::Duration::days(300);
    assert!(
        has(
            Level::Ok,
            &format!(
                "valable jusqu'au {}",
                chorus_depot::model::format_date(expiry)
            )
        ),
        "{text:#?}"
    );
    assert!(
        has(
            Level::Error,
            "Agence de Grenoble (AGENCE) : compte technique TECH_1_AGENCE@cpro.fr refusé — \
             Compte technique Chorus Pro refusé (login ou mot de passe incorrect"
        ),
        "{text:#?}"
    );
    assert!(
        has(
            Level::Error,
            "Troisième établissement (TROIS) : aucun compte technique saisi"
        ),
        "{text:#?}"
    );
    assert!(!check.all_ok());
    let siege = check
        .findings
        .iter()
        .find(|f| f.company_code == "SIEGE")
        .unwrap();
    assert_eq!(siege.structure_id, Some(siege_id));
    assert_eq!(siege.password_expires_on, Some(expiry));
    // No secret in anything the test wrote.
    assert!(!text.join("\n").contains(sandbox::DEFAULT_PASSWORD));
}

/// The id the sandbox gives a supplier structure, read through the app's client.
fn sandbox_supplier_id(connector: &Connector, db: &Path, siret: &str) -> i64 {
    let client = connector.client_for(db, "SIEGE").unwrap();
    client
        .recuperer_structures_actives_fournisseur()
        .unwrap()
        .liste_structures
        .into_iter()
        .find(|s| s.identifiant.as_deref() == Some(siret))
        .and_then(|s| s.id_structure_cpp)
        .unwrap()
}

#[test]
fn a_password_about_to_expire_is_a_warning() {
    let sandbox = start_sandbox(10);
    let dir = tempfile::tempdir().unwrap();
    let (db, connector) = database(dir.path(), &sandbox);
    let today = chrono::Local::now().date_naive();
    let siege: Vec<Company> = companies(&db)
        .into_iter()
        .filter(|c| c.code == "SIEGE")
        .collect();
    let check = test_connection(&connector, &db, &siege, today);
    let warning = check
        .lines
        .iter()
        .find(|l| l.level == Level::Warning)
        .expect("un avertissement");
    assert!(
        warning
            .text
            .contains("(dans 10 jours) : changez-le sur le portail Chorus Pro"),
        "{}",
        warning.text
    );
    assert!(check.all_ok(), "un avertissement n'est pas une erreur");
}

#[test]
fn a_structure_is_refreshed_from_chorus_pro_with_its_services() {
    let sandbox = start_sandbox(300);
    let dir = tempfile::tempdir().unwrap();
    let (db, connector) = database(dir.path(), &sandbox);
    let mut store = Store::open(&db).unwrap();
    // The cache is stale: the commune's engagement flag and services changed since.
    store
        .conn()
        .execute_batch(
            "UPDATE directory_structures SET engagement_required = 0, name = 'ANCIEN NOM'
               WHERE identifier = '21690123100011';
             DELETE FROM directory_services WHERE structure_identifier = '21690123100011';
             INSERT INTO directory_services (structure_identifier, code, name)
               VALUES ('21690123100011', 'DISPARU', 'Service supprimé');
             DELETE FROM directory_structures WHERE identifier = '26350002700010';
             DELETE FROM directory_services WHERE structure_identifier = '26350002700010';",
        )
        .unwrap();
    let (client, _) = connector.client(&db).unwrap();

    let refreshed = refresh_structure(&client, &mut store, "216 901 231 00011").unwrap();
    assert_eq!(
        refreshed.message(),
        "Structure 21690123100011 — COMMUNE DE VILLEURBANNE mise à jour depuis Chorus Pro (1 service)"
    );
    let commune = dir_db::find_structure(store.conn(), "21690123100011")
        .unwrap()
        .unwrap();
    assert!(commune.engagement_required && commune.service_required && commune.active);
    assert_eq!(commune.name, "COMMUNE DE VILLEURBANNE");
    let services = dir_db::services_of(store.conn(), "21690123100011").unwrap();
    let codes: Vec<&str> = services.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["SERV-FINANCES"]);

    // A structure missing from the cache is added, with each service's engagement flag.
    let refreshed = refresh_structure(&client, &mut store, "26350002700010").unwrap();
    assert!(refreshed.was_new);
    assert!(
        refreshed
            .message()
            .contains("ajoutée à l'annuaire en cache depuis Chorus Pro (2 services)"),
        "{}",
        refreshed.message()
    );
    let services = dir_db::services_of(store.conn(), "26350002700010").unwrap();
    let achats = services.iter().find(|s| s.code == "ACHATS").unwrap();
    assert!(achats.engagement_required && !achats.active);
    let dsi = services.iter().find(|s| s.code == "DSI").unwrap();
    assert!(!dsi.engagement_required && dsi.active);

    // Unknown on Chorus Pro: said, and nothing changes.
    let before = dir_db::find_structure(store.conn(), "55210055400013").unwrap();
    let err = refresh_structure(&client, &mut store, "55210055400013").unwrap_err();
    assert_eq!(
        err,
        "SIRET 55210055400013 : aucune structure de ce SIRET sur Chorus Pro"
    );
    assert_eq!(
        dir_db::find_structure(store.conn(), "55210055400013").unwrap(),
        before
    );
}

#[test]
fn each_company_deposits_with_its_own_account() {
    use chorus_depot::app::deposit_wiring::ChorusGateway;
    use chorus_depot::deposit::{DepositFailure, Gateway};
    let sandbox = start_sandbox(300);
    let dir = tempfile::tempdir().unwrap();
    let (db, connector) = database(dir.path(), &sandbox);
    let connector = std::sync::Arc::new(connector);
    let opener = connector.clone();
    let gateway = ChorusGateway::new(move |company| opener.client_for(&db, company));
    // AGENCE's account is refused: its flux is not sent, and may be sent later.
    match gateway.deposit_flux("AGENCE", "f.xml", b"<Invoice/>", "IN_DP_E1_UBL_INVOICE") {
        Err(DepositFailure::NotReceived(why)) => assert!(why.contains("PISTE"), "{why}"),
        other => panic!("{other:?}"),
    }
    // TROIS has no account at all.
    match gateway.deposit_flux("TROIS", "f.xml", b"<Invoice/>", "IN_DP_E1_UBL_INVOICE") {
        Err(DepositFailure::NotReceived(why)) => assert!(
            why.contains("compte technique de la société absent (TROIS)"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    // SIEGE's lookups go through with its own account.
    assert_eq!(gateway.find_invoice("SIEGE", "INCONNUE").unwrap(), None);
}
