//! A whole check run: load the mirror, the directory entries of the clients and the PDF
//! verdicts, then apply the rules. Shared by `chorus-depot check` and the window.

use crate::checks::{CheckData, DirectorySnapshot, InvoiceCheck, check_all};
use crate::einvoice::Format;
use crate::model::{ClientType, Company, InvoiceLine};
use crate::progress::Progress;
use crate::store::change_watch::ChangeWatch;
use crate::store::deposit_marks::DepositMark;
use crate::store::directory::DirectoryImport;
use crate::store::sql::{Sql, SqlError};
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
    /// The format the e-invoices were built and judged in (the settings' default).
    pub format: Format,
    /// How many EN 16931 verdicts were remembered, how many made.
    pub verdicts: super::einvoice_checks::VerdictCounts,
    /// What a re-check compares with to know that nothing changed since this report:
    /// `None` when something was committed to the base while it was made.
    pub freshness: Option<Freshness>,
    pub elapsed: Duration,
}

/// The state of the world a report was made from: the base's version as a watch sees it,
/// and every PDF file's stamp.
#[derive(Clone)]
pub struct Freshness {
    pub watch: std::sync::Arc<ChangeWatch>,
    pub version: i64,
    pub pdf_stamps: std::sync::Arc<Vec<(String, crate::pdf_files::Stamp)>>,
}

impl std::fmt::Debug for Freshness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Freshness")
            .field("version", &self.version)
            .field("pdf_files", &self.pdf_stamps.len())
            .finish()
    }
}

/// What a re-check found.
#[derive(Debug)]
pub enum Recheck {
    /// Nothing committed to the base and no PDF file changed since the previous report:
    /// it still holds.
    Unchanged,
    New(Box<CheckReport>),
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
    Query(#[from] crate::store::sql::SqlError),
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
    let watch = match store.watchable_file() {
        None => None,
        Some(file) => Some(std::sync::Arc::new(ChangeWatch::open(file)?)),
    };
    run_full(store, watch, progress)
}

/// « Actualiser »: the previous report when nothing was committed to the base and no PDF
/// file changed since it was made (a look at the base's version and a stat of each file),
/// else a full run — where each invoice's EN 16931 verdict is still reused while nothing
/// it depends on changed.
pub fn recheck(
    store: &mut Store,
    previous: Option<&CheckReport>,
    progress: &dyn Progress,
) -> Result<Recheck, CheckRunError> {
    recheck_with(store, previous, None, progress)
}

/// `recheck` with the window's long-lived watch: the report's version is then comparable
/// with the versions the window's poller reads (`app::base_watch`).
pub fn recheck_with(
    store: &mut Store,
    previous: Option<&CheckReport>,
    watch: Option<std::sync::Arc<ChangeWatch>>,
    progress: &dyn Progress,
) -> Result<Recheck, CheckRunError> {
    // A previous report read through another watch says nothing of this one's versions.
    let fresh = previous.and_then(|p| p.freshness.clone()).filter(|f| {
        watch
            .as_ref()
            .is_none_or(|w| std::sync::Arc::ptr_eq(w, &f.watch))
    });
    if let Some(f) = &fresh {
        progress.update(0.0, "Recherche des changements…");
        if f.watch.version()? == f.version && crate::pdf_files::unchanged(&f.pdf_stamps) {
            return Ok(Recheck::Unchanged);
        }
    }
    let watch = match fresh.map(|f| f.watch).or(watch) {
        Some(w) => Some(w),
        None => match store.watchable_file() {
            None => None,
            Some(file) => Some(std::sync::Arc::new(ChangeWatch::open(file)?)),
        },
    };
    run_full(store, watch, progress).map(|r| Recheck::New(Box::new(r)))
}

fn run_full(
    store: &mut Store,
    watch: Option<std::sync::Arc<ChangeWatch>>,
    progress: &dyn Progress,
) -> Result<CheckReport, CheckRunError> {
    let started = Instant::now();
    // Read before anything else: a commit by anyone during the run makes it differ at the
    // end, and the report is then not taken as the state of this version.
    let version_at_start = watch.as_ref().map(|w| w.version()).transpose()?;
    progress.update(0.0, "Lecture de la base…");
    // The invoice lines and the remembered EN 16931 verdicts are read on a second
    // connection while this one reads the invoices and the remembered PDF verdicts: the
    // reads shared between the two cores about evenly.
    let second = SecondReader::start(store);
    let conn = store.db();
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
    tracing::debug!(elapsed = ?started.elapsed(), "parties and references read");
    let invoices = erp_db::load_public_invoices(conn)?;
    tracing::debug!(elapsed = ?started.elapsed(), "invoice rows read");
    data.add_credit_notes(&invoices);
    data.paid = erp_db::payment_totals(conn)?;
    let deposited = crate::store::deposit_marks::deposit_marks(conn)?;
    data.deposited = deposited.keys().cloned().collect();
    data.overrides = crate::store::overrides::load_all(conn)?;
    tracing::debug!(elapsed = ?started.elapsed(), "invoices read");
    let pdf_cache = crate::pdf_files::load_cache(store)?;
    tracing::debug!(elapsed = ?started.elapsed(), "PDF verdicts read");
    let (lines, remembered) = second.finish(store)?;
    tracing::debug!(elapsed = ?started.elapsed(), "second connection joined");
    data.lines = lines;
    tracing::debug!(elapsed = ?started.elapsed(), invoices = invoices.len(), "mirror read");
    if progress.is_cancelled() {
        return Err(CheckRunError::Cancelled);
    }
    progress.update(0.1, "Lecture de l'annuaire…");
    data.directory = directory_for_clients(store, &data)?;
    let directory = dir_db::latest_import(store.db())?;
    let settings = crate::app::connection::ConnectionSettings::load(store.db())?;
    let environment = settings.environment;

    tracing::debug!(elapsed = ?started.elapsed(), "directory read");
    let paths: Vec<&str> = invoices.iter().map(|i| i.pdf_path.as_str()).collect();
    let inspection = crate::pdf_files::inspect_all(&pdf_cache, &paths, progress);
    data.pdf = inspection.states;
    tracing::debug!(elapsed = ?started.elapsed(), "PDF files examined");
    if progress.is_cancelled() {
        return Err(CheckRunError::Cancelled);
    }
    progress.update(0.9, "Application des règles…");
    let mut checks = check_all(invoices, &data);
    tracing::debug!(elapsed = ?started.elapsed(), "rules applied");
    progress.update(0.95, "Contrôle des factures électroniques (EN 16931)…");
    let format = Format::from_code(&settings.deposit.format).unwrap_or(Format::FacturX);
    let (verdicts, to_remember) =
        super::einvoice_checks::apply(&mut checks, &data, format, &remembered);
    tracing::debug!(elapsed = ?started.elapsed(), ?verdicts, "EN 16931 verdicts");
    add_integration_rejections(store.db(), &mut checks)?;
    add_pending_bank_changes(store.db(), &data, &mut checks)?;
    // The caches are written by the watch's own connection: its own commits do not change
    // the version it reads, anyone else's do.
    let save = |conn: &dyn Sql| -> Result<(), SqlError> {
        crate::store::pdf_verdicts::save_all(conn, &inspection.fresh)?;
        if let Some(rows) = &to_remember {
            super::einvoice_checks::remember(conn, rows)?;
        }
        Ok(())
    };
    let saved = match &watch {
        Some(w) => w.with_db(save),
        None => save(store.db()),
    };
    match saved {
        Ok(()) => {}
        // A manager's PC on the team base reads and may not write: the verdicts are a cache
        // (the next check judges again), so its check still answers.
        Err(e) if store.is_team() && e.is_permission_denied() => {
            tracing::info!("verdicts not remembered: {e}");
        }
        Err(e) => return Err(e.into()),
    }
    let freshness = match (watch, version_at_start) {
        (Some(watch), Some(start)) if watch.version()? == start => Some(Freshness {
            watch,
            version: start,
            pdf_stamps: std::sync::Arc::new(inspection.stamps),
        }),
        _ => None,
    };
    tracing::debug!(elapsed = ?started.elapsed(), "caches saved");
    progress.update(1.0, "Vérification terminée");
    Ok(CheckReport {
        checks,
        companies,
        directory,
        environment,
        deposited,
        format,
        verdicts,
        freshness,
        elapsed: started.elapsed(),
    })
}

/// Invoices Chorus Pro refused when it integrated their flux go back among the invoices to
/// correct, with its reason, until the clerk says they are corrected.
fn add_integration_rejections(
    conn: &dyn Sql,
    checks: &mut [crate::checks::InvoiceCheck],
) -> Result<(), SqlError> {
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

/// On the team base, a company whose bank details change waits for a second
/// administrator: its invoices paid by transfer are held back until the decision.
fn add_pending_bank_changes(
    db: &dyn Sql,
    data: &CheckData,
    checks: &mut [crate::checks::InvoiceCheck],
) -> Result<(), SqlError> {
    let pending = crate::store::postgres::team::pending_bank_changes(db)?;
    if pending.is_empty() {
        return Ok(());
    }
    for check in checks {
        let invoice = &check.invoice;
        let Some(request) = pending
            .iter()
            .find(|p| p.company_code == invoice.company_code)
        else {
            continue;
        };
        if !crate::model::erp::is_credit_transfer(&invoice.payment_means) {
            continue;
        }
        let company = data
            .companies
            .get(&invoice.company_code)
            .map_or(invoice.company_code.as_str(), |c| c.name.as_str());
        check.anomalies.push(crate::checks::Anomaly::new(
            crate::checks::AnomalyCode::RibEnAttente,
            format!(
                "Changement de RIB de {company} demandé par {} le {}, en attente de la \
                 validation d'un second administrateur : ses factures payables par virement \
                 ne partent pas avant sa décision",
                request.requested_by, request.requested_at
            ),
        ));
    }
    Ok(())
}

/// Only the structures of the public clients, and their services: a few hundred rows
/// rather than the whole directory.
fn directory_for_clients(store: &Store, data: &CheckData) -> Result<DirectorySnapshot, SqlError> {
    let sirets: HashSet<&str> = data
        .clients
        .values()
        .filter(|c| c.client_type == ClientType::Public && !c.siret.is_empty())
        .map(|c| c.siret.as_str())
        .collect();
    let mut snapshot = DirectorySnapshot::default();
    for siret in sirets {
        if let Some(structure) = dir_db::find_structure(store.db(), siret)? {
            snapshot.insert_structure(structure);
            for service in dir_db::services_of(store.db(), siret)? {
                snapshot.insert_service(service);
            }
        }
    }
    Ok(snapshot)
}

type SecondRead = Result<(HashMap<String, Vec<InvoiceLine>>, RememberedVerdicts), CheckRunError>;
type RememberedVerdicts = HashMap<String, crate::store::einvoice_verdicts::StoredVerdict>;

/// Reads on a second connection to the same file, on its own thread. An in-memory
/// database has no second connection: it is then read afterwards on the first.
struct SecondReader(Option<std::thread::JoinHandle<SecondRead>>);

impl SecondReader {
    fn start(store: &Store) -> SecondReader {
        if store.path().as_os_str() == ":memory:" {
            return SecondReader(None);
        }
        let path = store.opened_as().to_path_buf();
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
    let started = Instant::now();
    let lines = erp_db::all_lines(store.db())?;
    tracing::debug!(elapsed = ?started.elapsed(), "lines read (second connection)");
    let verdicts = crate::store::einvoice_verdicts::load_all(store.db())?;
    tracing::debug!(elapsed = ?started.elapsed(), "verdicts read (second connection)");
    Ok((lines, verdicts))
}
