//! A whole check run: load the mirror, the directory entries of the clients and the PDF
//! verdicts, then apply the rules. Shared by `chorus-depot check` and the window.

use crate::checks::{CheckData, DirectorySnapshot, InvoiceCheck, check_all};
use crate::einvoice::Format;
use crate::model::{ClientType, Company, InvoiceLine};
use crate::pdf_files::PdfCache;
use crate::progress::Progress;
use crate::store::deposit_marks::DepositMark;
use crate::store::directory::DirectoryImport;
use crate::store::{Store, directory as dir_db, erp as erp_db};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// The result of a check run, as the two tables show it.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Invoices of public clients, sorted by number.
    pub checks: Vec<InvoiceCheck>,
    pub companies: Vec<Company>,
    pub directory: Option<DirectoryImport>,
    /// Where deposits go: shown as a coloured banner so nobody mistakes production.
    pub environment: crate::app::connection::EnvironmentChoice,
    /// Invoices already on Chorus Pro (or to verify), with their flux and status: the
    /// conformant list hides them, and shows them marked when asked.
    pub deposited: HashMap<String, DepositMark>,
    /// How many EN 16931 verdicts were remembered, how many made.
    pub verdicts: super::einvoice_checks::VerdictCounts,
    pub elapsed: Duration,
}

impl CheckReport {
    pub fn conformant_count(&self) -> usize {
        self.checks.iter().filter(|c| c.is_conformant()).count()
    }

    pub fn anomalous_count(&self) -> usize {
        self.checks.len() - self.conformant_count()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckRunError {
    #[error("vérification annulée")]
    Cancelled,
    #[error("lecture de la base impossible : {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("la lecture parallèle de la base s'est interrompue")]
    ReaderLost,
}

/// Runs every rule on every invoice of a public client.
pub fn run_checks(
    store: &mut Store,
    progress: &dyn Progress,
) -> Result<CheckReport, CheckRunError> {
    let started = Instant::now();
    progress.update(0.0, "Lecture de la base…");
    // The invoice lines and the remembered PDF verdicts are read on a second connection
    // while this one reads the invoices: the two biggest reads, one per core.
    let second = SecondReader::start(store);
    let conn = store.conn();
    let mut data = CheckData::default();
    let companies = erp_db::load_companies(conn)?;
    for c in &companies {
        data.companies.insert(c.code.clone(), c.clone());
    }
    for c in erp_db::load_clients(conn)? {
        data.clients.insert(c.code.clone(), c);
    }
    for m in erp_db::load_markets(conn)? {
        data.insert_market(m);
    }
    for r in erp_db::load_references(conn)? {
        data.references.insert(r.reference.clone(), r);
    }
    let invoices = erp_db::load_public_invoices(conn)?;
    data.add_credit_notes(&invoices);
    data.paid = erp_db::payment_totals(conn)?;
    let deposited = crate::store::deposit_marks::deposit_marks(conn)?;
    data.deposited = deposited.keys().cloned().collect();
    data.overrides = crate::store::overrides::load_all(conn)?;
    tracing::debug!(elapsed = ?started.elapsed(), "invoices read");
    let (lines, pdf_cache) = second.finish(store)?;
    data.set_lines(lines);
    tracing::debug!(elapsed = ?started.elapsed(), invoices = invoices.len(), "mirror read");
    if progress.is_cancelled() {
        return Err(CheckRunError::Cancelled);
    }
    progress.update(0.1, "Lecture de l'annuaire…");
    data.directory = directory_for_clients(store, &data)?;
    let directory = dir_db::latest_import(store.conn())?;
    let settings = crate::app::connection::ConnectionSettings::load(store.conn())?;
    let environment = settings.environment;

    tracing::debug!(elapsed = ?started.elapsed(), "directory read");
    let paths: Vec<&str> = invoices.iter().map(|i| i.pdf_path.as_str()).collect();
    data.pdf = crate::pdf_files::inspect_all(store, &pdf_cache, &paths, progress)?;
    tracing::debug!(elapsed = ?started.elapsed(), "PDF files examined");
    if progress.is_cancelled() {
        return Err(CheckRunError::Cancelled);
    }
    progress.update(0.9, "Application des règles…");
    let mut checks = check_all(invoices, &data);
    tracing::debug!(elapsed = ?started.elapsed(), "rules applied");
    progress.update(0.95, "Contrôle des factures électroniques (EN 16931)…");
    let format = Format::from_code(&settings.deposit.format).unwrap_or(Format::FacturX);
    let verdicts = super::einvoice_checks::apply(store, &mut checks, &data, format)?;
    tracing::debug!(elapsed = ?started.elapsed(), ?verdicts, "EN 16931 verdicts");
    add_integration_rejections(store.conn(), &mut checks)?;
    progress.update(1.0, "Vérification terminée");
    Ok(CheckReport {
        checks,
        companies,
        directory,
        environment,
        deposited,
        verdicts,
        elapsed: started.elapsed(),
    })
}

/// Invoices Chorus Pro refused when it integrated their flux go back among the invoices to
/// correct, with its reason, until the clerk says they are corrected.
fn add_integration_rejections(
    conn: &rusqlite::Connection,
    checks: &mut [crate::checks::InvoiceCheck],
) -> Result<(), rusqlite::Error> {
    let open = crate::store::tracking::open_rejections(conn)?;
    if open.is_empty() {
        return Ok(());
    }
    for check in checks {
        if let Some(r) = open.get(&check.invoice.number) {
            let day = chrono::DateTime::parse_from_rfc3339(&r.at)
                .map(|d| format!(" le {}", d.format("%d/%m/%Y")))
                .unwrap_or_default();
            check.anomalies.push(crate::checks::Anomaly::new(
                crate::checks::AnomalyCode::RejeteeALIntegration,
                format!(
                    "Rejetée par Chorus Pro à l'intégration{day} (flux {}) : {} — corrigez-la \
                     dans l'ERP puis indiquez-la « corrigée » pour la redéposer",
                    r.flux_number, r.message
                ),
            ));
        }
    }
    Ok(())
}

/// Only the structures of the public clients, and their services: a few hundred rows
/// rather than the whole directory.
fn directory_for_clients(
    store: &Store,
    data: &CheckData,
) -> Result<DirectorySnapshot, rusqlite::Error> {
    let sirets: HashSet<&str> = data
        .clients
        .values()
        .filter(|c| c.client_type == ClientType::Public && !c.siret.is_empty())
        .map(|c| c.siret.as_str())
        .collect();
    let mut snapshot = DirectorySnapshot::default();
    for siret in sirets {
        if let Some(structure) = dir_db::find_structure(store.conn(), siret)? {
            snapshot.insert_structure(structure);
            for service in dir_db::services_of(store.conn(), siret)? {
                snapshot.insert_service(service);
            }
        }
    }
    Ok(snapshot)
}

type SecondRead = Result<(HashMap<String, Vec<InvoiceLine>>, PdfCache), CheckRunError>;

/// Reads on a second connection to the same file, on its own thread. An in-memory
/// database has no second connection: it is then read afterwards on the first.
struct SecondReader(Option<std::thread::JoinHandle<SecondRead>>);

impl SecondReader {
    fn start(store: &Store) -> SecondReader {
        let path = store.path().to_path_buf();
        if path.as_os_str() == ":memory:" {
            return SecondReader(None);
        }
        SecondReader(Some(std::thread::spawn(move || {
            read_second(&Store::open(&path)?)
        })))
    }

    fn finish(self, store: &Store) -> SecondRead {
        match self.0 {
            Some(handle) => handle.join().unwrap_or(Err(CheckRunError::ReaderLost)),
            None => read_second(store),
        }
    }
}

fn read_second(store: &Store) -> SecondRead {
    Ok((
        erp_db::all_lines(store.conn())?,
        crate::pdf_files::load_cache(store)?,
    ))
}
