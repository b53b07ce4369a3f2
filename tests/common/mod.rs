//! Shared set-up for the integration tests: small real databases built from the fixtures.
#![allow(dead_code)]

use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use std::path::{Path, PathBuf};

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
