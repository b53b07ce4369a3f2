//! `import-erp`: loads the ERP's CSV exports of a folder into the mirror, all in one
//! transaction, so that a bad file imports nothing.

pub mod columns;
mod rows;

use crate::progress::Progress;
use crate::store::Store;
use crate::tabular::{CsvSheet, TabularError};
use std::path::{Path, PathBuf};

/// The files an ERP export folder may hold, in the order they must be loaded
/// (each refers to codes defined by the ones before it).
pub const ERP_FILES: &[&str] = &[
    "societes.csv",
    "clients.csv",
    "marches.csv",
    "references.csv",
    "factures.csv",
    "lignes.csv",
    "reglements.csv",
];

#[derive(Debug, thiserror::Error)]
pub enum ErpImportError {
    #[error("{0}")]
    File(#[from] TabularError),
    #[error("le dossier {0} n'existe pas ou n'est pas lisible")]
    NoFolder(PathBuf),
    #[error("le dossier {dir} ne contient aucun des fichiers attendus ({expected})")]
    NoFiles { dir: PathBuf, expected: String },
    #[error(
        "le dossier {dir} contient à la fois « {first} » et « {second} » : ces noms ne diffèrent que par les majuscules, impossible de savoir lequel importer ; retirez l'un des deux"
    )]
    SameFileTwice {
        dir: PathBuf,
        first: String,
        second: String,
    },
    #[error("import annulé : la base n'a pas été modifiée")]
    Cancelled,
    #[error("pendant l'import, {0}")]
    Store(#[from] crate::store::sql::SqlError),
}

/// How many rows each file brought.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErpImportSummary {
    pub files: Vec<(String, usize)>,
}

impl std::fmt::Display for ErpImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (name, rows) in &self.files {
            let s = if *rows > 1 { "s" } else { "" };
            writeln!(f, "{name} : {rows} ligne{s} importée{s}")?;
        }
        Ok(())
    }
}

/// Finds `name` among the entries of a folder whatever the case of the file name (exports
/// from Windows). Two entries matching (`factures.csv` and `FACTURES.CSV`, possible on
/// Linux) are refused: importing one and ignoring the other would be a silent guess.
fn find_file(
    dir: &Path,
    entries: &[PathBuf],
    name: &str,
) -> Result<Option<PathBuf>, ErpImportError> {
    let mut found = entries.iter().filter(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(name))
    });
    let Some(first) = found.next() else {
        return Ok(None);
    };
    if let Some(second) = found.next() {
        let label = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let mut names = [label(first), label(second)];
        names.sort();
        let [first, second] = names;
        return Err(ErpImportError::SameFileTwice {
            dir: dir.to_path_buf(),
            first,
            second,
        });
    }
    Ok(Some(first.clone()))
}

pub fn import_erp(
    store: &mut Store,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<ErpImportSummary, ErpImportError> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|_| ErpImportError::NoFolder(dir.clone()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let mut present: Vec<(&str, PathBuf)> = Vec::new();
    for name in ERP_FILES {
        if let Some(path) = find_file(&dir, &entries, name)? {
            present.push((name, path));
        }
    }
    if present.is_empty() {
        return Err(ErpImportError::NoFiles {
            dir,
            expected: ERP_FILES.join(", "),
        });
    }
    // Read and decode every file before touching the database (each through
    // `tabular::read_regular_file`: a FIFO, a device or a folder named `factures.csv` is
    // refused before it is opened).
    let mut sheets = Vec::with_capacity(present.len());
    for (name, path) in &present {
        let label = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.to_string());
        sheets.push((*name, CsvSheet::open(path, &label)?));
    }
    let mut sheets: Vec<_> = sheets.into_iter().map(Some).collect();
    let summary = store.db().transaction(|tx| {
        let mut summary = ErpImportSummary::default();
        let total = sheets.len() as f32;
        for (i, slot) in sheets.iter_mut().enumerate() {
            let Some((name, sheet)) = slot.take() else {
                continue;
            };
            if progress.is_cancelled() {
                return Err(ErpImportError::Cancelled);
            }
            progress.update(i as f32 / total, &format!("Import de {name}…"));
            let label = sheet.label.clone();
            let count = match name {
                "societes.csv" => rows::companies(tx, sheet)?,
                "clients.csv" => rows::clients(tx, sheet)?,
                "marches.csv" => rows::markets(tx, sheet)?,
                "references.csv" => rows::references(tx, sheet)?,
                "factures.csv" => rows::invoices(tx, sheet, &dir)?,
                "lignes.csv" => rows::lines(tx, sheet)?,
                "reglements.csv" => rows::payments(tx, sheet)?,
                _ => unreachable!("ERP_FILES and this match list the same names"),
            };
            summary.files.push((label, count));
        }
        Ok(summary)
    })?;
    progress.update(1.0, "Import terminé");
    Ok(summary)
}
