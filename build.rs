//! The fingerprint of the code that decides an invoice's EN 16931 verdict (the e-invoice
//! mapping, model, rules and code lists, and how the checks build the document): the
//! verdicts remembered in a base are reused only by a build whose fingerprint is the same,
//! so a change of a rule can never leave a stale « conforme » behind.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// What the verdict depends on, besides the data.
const SOURCES: [&str; 4] = [
    "src/einvoice",
    "src/app/documents.rs",
    "src/app/einvoice_checks.rs",
    "src/checks/billing.rs",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let mut all = Vec::new();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        files(Path::new(source), &mut all);
    }
    let mut hasher = DefaultHasher::new();
    for file in &all {
        file.to_string_lossy().replace('\\', "/").hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=CHORUS_DEPOT_RULES_FINGERPRINT={:016x}",
        hasher.finish()
    );
}
