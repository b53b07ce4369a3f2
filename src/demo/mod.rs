//! `chorus-depot demo`: a realistic, deterministic demo mirror.
//!
//! The demo writes what a real installation receives — the ERP's CSV exports, the Chorus Pro
//! directory export and the invoice PDFs — into folders next to the database, then loads
//! them with the real importers. Users get sample files to look at, and the demo exercises
//! the same import path as production data. For `/x/demo.sqlite`:
//!
//! - `/x/demo-erp/`: `societes.csv`, `clients.csv`, `marches.csv`, `references.csv`,
//!   `factures.csv`, `lignes.csv`, `reglements.csv`;
//! - `/x/demo-annuaire/`: the structures and services of the directory export;
//! - `/x/demo-factures/`: one PDF per invoice (some missing or broken on purpose).
//!
//! About one public invoice in ten carries an anomaly, every code of the checks several
//! times (see `plan`). Nothing depends on the clock: the same seed gives the same files.

mod csv_out;
mod directory_out;
mod follow_up_reset;
pub mod invoice_pdf;
mod ledger;
mod lines;
mod names;
mod parties;
mod pdf_files;
mod plan;
mod rng;

use crate::checks::AnomalyCode;
use crate::directory::DirectoryImportError;
use crate::erp_import::{ErpImportError, ErpImportSummary};
use crate::progress::Progress;
use crate::store::directory::DirectoryImport;
use crate::store::{Store, StoreError};
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use ledger::today as demo_today;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of invoices and credit notes.
    pub invoices: usize,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> DemoOptions {
        DemoOptions {
            invoices: 2_000,
            seed: 42,
        }
    }
}

/// What was written and loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub erp_dir: PathBuf,
    pub directory_files: Vec<PathBuf>,
    pub pdf_dir: PathBuf,
    /// Invoices and credit notes.
    pub invoices: usize,
    pub credit_notes: usize,
    /// Invoices to public buyers: the ones the checks look at.
    pub public_invoices: usize,
    pub public_clients: usize,
    pub private_clients: usize,
    pub payments: usize,
    pub pdf_files: usize,
    /// How many invoices were given each anomaly on purpose, for every code of the checks
    /// (in `AnomalyCode::ALL` order, zeros included).
    pub planted: Vec<(AnomalyCode, usize)>,
    pub erp_import: ErpImportSummary,
    pub directory_import: DirectoryImport,
}

impl DemoSummary {
    /// Invoices given an anomaly on purpose (one anomaly each).
    pub fn planted_invoices(&self) -> usize {
        self.planted.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::model::format_count;
        writeln!(
            f,
            "{} factures et avoirs ({} avoirs), dont {} à des acheteurs publics ; {} règlements",
            format_count(self.invoices),
            format_count(self.credit_notes),
            format_count(self.public_invoices),
            format_count(self.payments)
        )?;
        writeln!(
            f,
            "{} clients publics, {} clients privés ; {} anomalies semées volontairement",
            format_count(self.public_clients),
            format_count(self.private_clients),
            format_count(self.planted_invoices())
        )?;
        writeln!(
            f,
            "Annuaire : {} structures, {} services",
            format_count(self.directory_import.structure_count),
            format_count(self.directory_import.service_count)
        )?;
        writeln!(f, "Fichiers de l'ERP : {}", self.erp_dir.display())?;
        if let Some(dir) = self.directory_files.first().and_then(|p| p.parent()) {
            writeln!(f, "Fichiers de l'annuaire : {}", dir.display())?;
        }
        write!(
            f,
            "PDF des factures : {} ({} fichiers)",
            self.pdf_dir.display(),
            format_count(self.pdf_files)
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "« {0} » ne désigne pas un fichier de base de données : donnez un nom de fichier, par exemple demo.sqlite"
    )]
    BadDbPath(PathBuf),
    #[error(
        "la base {0} contient déjà des factures qui ne viennent pas d'une démonstration : \
         la démonstration les remplacerait, donnez un autre fichier"
    )]
    RealData(PathBuf),
    #[error("impossible de créer le dossier {path} : {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("impossible de vider le dossier {path} des anciens PDF de démonstration : {source}")]
    Clean {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("impossible d'écrire le fichier {path} : {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("impossible de préparer le fichier {path} : {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("impossible de dessiner le PDF {path} : {message}")]
    Pdf { path: PathBuf, message: String },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error(
        "la démonstration s'écrit dans une base SQLite (un fichier), jamais dans une base d'équipe"
    )]
    TeamBase,
    #[error("impossible de vider les tables de l'ERP de la base {path} : {source}")]
    Clear {
        path: PathBuf,
        source: crate::store::sql::SqlError,
    },
    #[error("l'import des fichiers de l'ERP de démonstration a échoué : {0}")]
    ErpImport(ErpImportError),
    #[error("l'import de l'annuaire de démonstration a échoué : {0}")]
    DirectoryImport(DirectoryImportError),
    #[error("génération de la démonstration annulée")]
    Cancelled,
}

/// The folders of a demo, named after the database file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPaths {
    pub erp_dir: PathBuf,
    pub directory_dir: PathBuf,
    pub pdf_dir: PathBuf,
    /// The PDF folder's name, for the relative paths of `factures.csv`.
    pub pdf_folder: String,
}

impl DemoPaths {
    /// `/x/demo.sqlite` → `/x/demo-erp/`, `/x/demo-annuaire/`, `/x/demo-factures/`.
    pub fn for_db(db_path: &Path) -> Result<DemoPaths, DemoError> {
        let stem = db_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty() && !db_path.as_os_str().to_string_lossy().ends_with('/'))
            .ok_or_else(|| DemoError::BadDbPath(db_path.to_path_buf()))?;
        let base = db_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let pdf_folder = format!("{stem}-factures");
        Ok(DemoPaths {
            erp_dir: base.join(format!("{stem}-erp")),
            directory_dir: base.join(format!("{stem}-annuaire")),
            pdf_dir: base.join(&pdf_folder),
            pdf_folder,
        })
    }
}

/// Reports a sub-task's progress as a slice of the whole.
struct Slice<'a> {
    inner: &'a dyn Progress,
    start: f32,
    span: f32,
}

impl Progress for Slice<'_> {
    fn update(&self, fraction: f32, message: &str) {
        self.inner
            .update(self.start + self.span * fraction.clamp(0.0, 1.0), message);
    }

    fn is_cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}

fn check_cancel(progress: &dyn Progress) -> Result<(), DemoError> {
    if progress.is_cancelled() {
        Err(DemoError::Cancelled)
    } else {
        Ok(())
    }
}

/// Everything generated in memory: the records, the CSV files, the PDFs still to draw.
struct Generated {
    parties: parties::Parties,
    ledger: ledger::Ledger,
    erp_files: Vec<(&'static str, Vec<u8>)>,
    directory_files: Vec<(&'static str, Vec<u8>)>,
}

fn generate(options: &DemoOptions, paths: &DemoPaths) -> Result<Generated, DemoError> {
    let mut parties = parties::build(options.seed);
    let ledger = ledger::build(options.seed, options.invoices, &parties, &paths.pdf_folder);
    let erp_files = csv_out::erp_files(&parties, &ledger).map_err(|source| DemoError::Csv {
        path: paths.erp_dir.clone(),
        source,
    })?;
    let directory_files =
        directory_out::directory_files(options.seed, &mut parties).map_err(|source| {
            DemoError::Csv {
                path: paths.directory_dir.clone(),
                source,
            }
        })?;
    Ok(Generated {
        parties,
        ledger,
        erp_files,
        directory_files,
    })
}

fn create_dir(path: &Path) -> Result<(), DemoError> {
    std::fs::create_dir_all(path).map_err(|source| DemoError::CreateDir {
        path: path.to_path_buf(),
        source,
    })
}

fn write_files(dir: &Path, files: &[(&'static str, Vec<u8>)]) -> Result<Vec<PathBuf>, DemoError> {
    create_dir(dir)?;
    files
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).map_err(|source| DemoError::Write {
                path: path.clone(),
                source,
            })?;
            Ok(path)
        })
        .collect()
}

/// Removes the PDFs of an earlier demo, so that a file planted as missing really is.
fn remove_old_pdfs(dir: &Path) -> Result<(), DemoError> {
    let clean_error = |source| DemoError::Clean {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(clean_error)? {
        let path = entry.map_err(clean_error)?.path();
        let is_pdf = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        if is_pdf && path.is_file() {
            std::fs::remove_file(&path).map_err(clean_error)?;
        }
    }
    Ok(())
}

/// Draws and writes the PDFs on every core; returns how many files were written.
fn write_pdfs(
    generated: &Generated,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<usize, DemoError> {
    let ctx = pdf_files::PdfContext::new(&generated.parties, &generated.ledger.references);
    let invoices = &generated.ledger.invoices;
    let done = AtomicUsize::new(0);
    let written = AtomicUsize::new(0);
    // The last count reported: workers finish out of order, the bar must not go back.
    let reported = std::sync::Mutex::new(0usize);
    let total = invoices.len().max(1);
    invoices.par_iter().try_for_each(|invoice| {
        check_cancel(progress)?;
        let wrote = pdf_files::write_file(&ctx, dir, invoice).map_err(|e| {
            let path = dir.join(&invoice.pdf_file);
            match e {
                pdf_files::PdfFileError::Io(source) => DemoError::Write { path, source },
                pdf_files::PdfFileError::Draw(e) => DemoError::Pdf {
                    path,
                    message: e.to_string(),
                },
            }
        })?;
        if wrote {
            written.fetch_add(1, Ordering::Relaxed);
        }
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(100)
            && let Ok(mut last) = reported.lock()
            && n > *last
        {
            *last = n;
            progress.update(
                n as f32 / total as f32,
                &format!(
                    "Dessin des PDF des factures : {} sur {}",
                    crate::model::format_count(n),
                    crate::model::format_count(total)
                ),
            );
        }
        Ok::<(), DemoError>(())
    })?;
    Ok(written.into_inner())
}

/// Empties the ERP tables, so that a demo with fewer invoices than the previous one leaves
/// no stale invoice behind. The directory import replaces the directory by itself.
// Kept here rather than in `store::erp` because only the demo wipes the mirror.
/// The demo replaces the ERP mirror: never in a database holding someone's real invoices.
fn refuse_real_data(store: &Store) -> Result<(), DemoError> {
    let db = store.db();
    let sql_error = |source| DemoError::Clear {
        path: store.path().to_path_buf(),
        source,
    };
    let invoices = crate::store::erp::counts(db).map_err(sql_error)?.invoices;
    let is_demo = crate::store::settings::get(db, crate::store::settings::DEMO_MARKER)
        .map_err(sql_error)?
        .is_some();
    if invoices > 0 && !is_demo {
        return Err(DemoError::RealData(store.path().to_path_buf()));
    }
    Ok(())
}

fn clear_erp_mirror(store: &mut Store) -> Result<(), DemoError> {
    let path = store.path().to_path_buf();
    let clear_error = |source| DemoError::Clear {
        path: path.clone(),
        source,
    };
    store
        .db()
        .in_transaction(&mut |tx| {
            // Children first: the foreign keys hold on both engines.
            for table in [
                "payments",
                "invoice_lines",
                "invoices",
                "billing_references",
                "markets",
                "clients",
                "companies",
            ] {
                tx.execute(&format!("DELETE FROM {table}"), &[])?;
            }
            Ok(())
        })
        .map_err(clear_error)
}

/// Writes the demo files next to `db_path` and loads them into that database, replacing
/// its ERP mirror and its directory.
pub fn write_demo(
    db_path: &Path,
    options: &DemoOptions,
    progress: &dyn Progress,
) -> Result<DemoSummary, DemoError> {
    if db_path
        .to_str()
        .is_some_and(crate::store::postgres::address::is_team_address)
    {
        return Err(DemoError::TeamBase);
    }
    let paths = DemoPaths::for_db(db_path)?;
    // Checked before any work; the file is only created once the data is ready, so that
    // a demo stopped early leaves nothing behind.
    if db_path.exists() {
        refuse_real_data(&Store::open(db_path)?)?;
    }
    progress.update(0.0, "Préparation des données de démonstration…");
    let generated = generate(options, &paths)?;
    check_cancel(progress)?;

    progress.update(0.04, "Écriture des fichiers de l'ERP et de l'annuaire…");
    write_files(&paths.erp_dir, &generated.erp_files)?;
    let directory_files = write_files(&paths.directory_dir, &generated.directory_files)?;
    create_dir(&paths.pdf_dir)?;
    remove_old_pdfs(&paths.pdf_dir)?;
    check_cancel(progress)?;

    progress.update(0.06, "Dessin des PDF des factures…");
    let pdf_files = write_pdfs(
        &generated,
        &paths.pdf_dir,
        &Slice {
            inner: progress,
            start: 0.06,
            span: 0.64,
        },
    )?;
    check_cancel(progress)?;

    progress.update(0.7, "Ouverture de la base de données…");
    let mut store = Store::open(db_path)?;
    let marker = format!("graine {}, {} factures", options.seed, options.invoices);
    follow_up_reset::forget_older_demo(&mut store, &marker)?;
    clear_erp_mirror(&mut store)?;
    let erp_import = crate::erp_import::import_erp(
        &mut store,
        &paths.erp_dir,
        &Slice {
            inner: progress,
            start: 0.72,
            span: 0.14,
        },
    )
    .map_err(|e| match e {
        ErpImportError::Cancelled => DemoError::Cancelled,
        other => DemoError::ErpImport(other),
    })?;
    let directory_import = crate::directory::import_directory(
        &mut store,
        &directory_files,
        &Slice {
            inner: progress,
            start: 0.86,
            span: 0.14,
        },
    )
    .map_err(|e| match e {
        DirectoryImportError::Cancelled => DemoError::Cancelled,
        other => DemoError::DirectoryImport(other),
    })?;
    crate::store::settings::set(store.db(), crate::store::settings::DEMO_MARKER, &marker).map_err(
        |source| DemoError::Clear {
            path: db_path.to_path_buf(),
            source,
        },
    )?;
    progress.update(1.0, "Base de démonstration prête");
    Ok(summary(
        &generated,
        &paths,
        directory_files,
        pdf_files,
        erp_import,
        directory_import,
    ))
}

fn summary(
    generated: &Generated,
    paths: &DemoPaths,
    directory_files: Vec<PathBuf>,
    pdf_files: usize,
    erp_import: ErpImportSummary,
    directory_import: DirectoryImport,
) -> DemoSummary {
    let clients = &generated.parties.clients;
    let public_codes: std::collections::HashSet<&str> = clients
        .iter()
        .filter(|c| c.is_public())
        .map(|c| c.client.code.as_str())
        .collect();
    let invoices = &generated.ledger.invoices;
    let planted = AnomalyCode::ALL
        .iter()
        .map(|&code| {
            let n = invoices
                .iter()
                .filter(|i| i.plant.is_some_and(|p| p.code() == code))
                .count();
            (code, n)
        })
        .collect();
    DemoSummary {
        erp_dir: paths.erp_dir.clone(),
        directory_files,
        pdf_dir: paths.pdf_dir.clone(),
        invoices: invoices.len(),
        credit_notes: invoices
            .iter()
            .filter(|i| i.invoice.kind == crate::model::InvoiceKind::CreditNote)
            .count(),
        public_invoices: invoices
            .iter()
            .filter(|i| public_codes.contains(i.invoice.client_code.as_str()))
            .count(),
        public_clients: public_codes.len(),
        private_clients: clients.len() - public_codes.len(),
        payments: generated.ledger.payments.len(),
        pdf_files,
        planted,
        erp_import,
        directory_import,
    }
}

#[cfg(test)]
mod tests;
