//! Puts the deposit engines in contact with the real pieces: the Chorus Pro client (as the
//! [`Gateway`]), the e-invoice writers (as the [`FluxWriter`]), the exchange audit in the
//! SQLite file, and the embedded sandbox when the environment is the demonstration one.

use super::connection::{self, ConnectionSettings, EnvironmentChoice, Overrides};
use super::deposit_setup::{DepositChoices, DepositSetup, SetupFactory};
use super::documents::load_document;
use super::secrets::SecretStore;
use crate::chorus::factures::{DeposerFluxRequest, RechercherFacturesFournisseurRequest};
use crate::chorus::{
    ChorusClient, ClientOptions, ClientSource, Clients, Credentials, Environment, Exchange,
    ExchangeLog, FluxSyntax, Patience, Secret,
};
use crate::deposit::{DepositFailure, FluxFile, FluxLimits, FluxWriter, Gateway};
use crate::einvoice::{self, EInvoiceFile, Format};
use crate::sandbox::{SandboxConfig, SandboxHandle};
use crate::store::Store;
use crate::store::deposits::{ExchangeRow, record_exchange};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// `deposer/flux` and `rechercher/fournisseur` through the client of each invoicing
/// company (its own technical account), opened on first use and kept for the run.
pub struct ChorusGateway {
    clients: Clients,
    /// The run's patience, shared by its clients: once it is spent, the engines stop.
    patience: Option<Arc<Patience>>,
}

impl ChorusGateway {
    /// `open` gives the client of a company code.
    pub fn new(
        open: impl Fn(&str) -> Result<ChorusClient, String> + Send + Sync + 'static,
    ) -> ChorusGateway {
        ChorusGateway {
            clients: Clients::new(open),
            patience: None,
        }
    }

    /// One client for every company (tests, benchmarks, a single account).
    pub fn single(client: ChorusClient) -> ChorusGateway {
        ChorusGateway {
            patience: Some(client.patience().clone()),
            clients: Clients::single(client),
        }
    }

    /// The patience its clients share (opened with it): when Chorus Pro has been silent
    /// for all of it, [`Gateway::gave_up`] says so.
    pub fn with_patience(mut self, patience: Arc<Patience>) -> ChorusGateway {
        self.patience = Some(patience);
        self
    }

    fn client(&self, company_code: &str) -> Result<Arc<ChorusClient>, String> {
        self.clients.client(company_code)
    }
}

impl Gateway for ChorusGateway {
    fn deposit_flux(
        &self,
        company_code: &str,
        file_name: &str,
        bytes: &[u8],
        syntax: &str,
    ) -> Result<String, DepositFailure> {
        // No client (account missing in the settings): nothing left, may be sent later.
        let client = self
            .client(company_code)
            .map_err(DepositFailure::NotReceived)?;
        let request = DeposerFluxRequest::new(file_name, bytes, FluxSyntax::from_code(syntax));
        match client.deposer_flux(&request) {
            // The client gives an answer only with a flux number; checked again here, as an
            // empty number recorded « déposée » would block the next flux on the UNIQUE
            // `fluxes.flux_number` and could never be followed.
            Ok(answer) => match answer.numero_flux_depot.as_deref().map(str::trim) {
                Some(number) if !number.is_empty() => Ok(number.to_string()),
                _ => Err(DepositFailure::Unknown(
                    "Chorus Pro a accepté le dépôt sans donner de numéro de flux".into(),
                )),
            },
            Err(e) if e.is_outcome_unknown() => Err(DepositFailure::Unknown(e.to_string())),
            Err(e) => Err(DepositFailure::NotReceived(e.to_string())),
        }
    }

    fn find_invoice(
        &self,
        company_code: &str,
        invoice_number: &str,
    ) -> Result<Option<String>, String> {
        let criteria = RechercherFacturesFournisseurRequest {
            numero_facture: Some(invoice_number.to_string()),
            ..RechercherFacturesFournisseurRequest::default()
        };
        let found = self
            .client(company_code)?
            .rechercher_toutes_factures_fournisseur(&criteria)
            .map_err(|e| e.to_string())?;
        Ok(found
            .into_iter()
            .find(|f| f.numero_facture.as_deref() == Some(invoice_number))
            .map(|f| f.numero_flux_depot.unwrap_or_default()))
    }

    fn gave_up(&self) -> Option<String> {
        let silent_for = self.patience.as_ref()?.exhausted()?;
        Some(no_answer_message(silent_for))
    }
}

/// « Chorus Pro ne répond pas » with how long it has been silent.
pub fn no_answer_message(silent_for: std::time::Duration) -> String {
    format!(
        "Chorus Pro ne répond pas (aucune réponse depuis {} s) : arrêt des envois, à reprendre \
         plus tard",
        silent_for.as_secs().max(1)
    )
}

/// The e-invoice of each invoice, read from the mirror, in the chosen format.
pub struct EInvoiceFluxWriter {
    store: Mutex<Store>,
    format: Format,
    issue_date: Option<chrono::NaiveDate>,
}

impl EInvoiceFluxWriter {
    pub fn open(db: &Path, choices: &DepositChoices) -> Result<EInvoiceFluxWriter, String> {
        let format = Format::from_code(&choices.format).ok_or_else(|| {
            format!(
                "format « {} » inconnu (ubl, cii ou facturx)",
                choices.format
            )
        })?;
        Ok(EInvoiceFluxWriter {
            store: Mutex::new(Store::open(db).map_err(|e| e.to_string())?),
            format,
            issue_date: choices.date_today.then(crate::clock::today),
        })
    }
}

impl FluxWriter for EInvoiceFluxWriter {
    fn syntax(&self) -> &str {
        self.format.syntaxe_flux()
    }

    fn invoice_file(&self, invoice_number: &str) -> Result<FluxFile, String> {
        let store = self
            .store
            .lock()
            .map_err(|_| "base de données indisponible".to_string())?;
        let doc = load_document(&store, invoice_number).map_err(|e| e.to_string())?;
        let file =
            einvoice::render(&doc, self.format, self.issue_date).map_err(|e| e.to_string())?;
        Ok(FluxFile {
            invoice_number: doc.invoice.number.clone(),
            company_code: doc.invoice.company_code.clone(),
            file_name: file.file_name,
            bytes: file.bytes,
        })
    }

    fn archive(&self, files: &[FluxFile]) -> Result<Vec<u8>, String> {
        let files: Vec<EInvoiceFile> = files
            .iter()
            .map(|f| EInvoiceFile {
                file_name: f.file_name.clone(),
                bytes: f.bytes.clone(),
            })
            .collect();
        einvoice::lot::build(&files).map_err(|e| e.to_string())
    }

    fn archive_extension(&self) -> &str {
        "tar.gz"
    }
}

/// Keeps every exchange with Chorus Pro in `api_exchanges` (secrets already removed by
/// the client).
pub struct SqliteExchangeLog {
    store: Mutex<Store>,
}

impl SqliteExchangeLog {
    pub fn open(db: &Path) -> Result<SqliteExchangeLog, String> {
        Ok(SqliteExchangeLog {
            store: Mutex::new(Store::open(db).map_err(|e| e.to_string())?),
        })
    }
}

impl ExchangeLog for SqliteExchangeLog {
    fn record(&self, e: &Exchange) {
        let Ok(store) = self.store.lock() else {
            return;
        };
        let at = chrono::DateTime::<chrono::Local>::from(e.started_at)
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
        let row = ExchangeRow {
            at,
            route: format!("{} {}", e.method, e.route),
            http_status: e.status,
            duration_ms: e.duration.as_millis() as u64,
            request_json: e.request_body.clone(),
            response_json: e.response_body.clone(),
            error: e.transport_error.clone().unwrap_or_default(),
        };
        if let Err(err) = record_exchange(store.db(), &row) {
            tracing::warn!("échange non journalisé : {err}");
        }
    }
}

/// The sandbox a database talks to in the demonstration environment: started on first
/// use, on a free loopback port, with the directory written next to a demo database and
/// its own state file next to it.
pub fn start_embedded_sandbox(db: &Path) -> Result<SandboxHandle, String> {
    let paths = crate::demo::DemoPaths::for_db(db).map_err(|e| e.to_string())?;
    let mut directory_files: Vec<PathBuf> = std::fs::read_dir(&paths.directory_dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    directory_files.sort();
    let state_file = paths.directory_dir.with_file_name(format!(
        "{}-bac-a-sable.sqlite",
        db.file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
    ));
    // The demonstration's technical account is attached to every invoicing company.
    let suppliers = Store::open(db)
        .and_then(|store| Ok(crate::store::erp::load_companies(store.db())?))
        .map(|companies| {
            companies
                .into_iter()
                .map(|c| (c.siret, c.name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let config = SandboxConfig {
        db: Some(state_file),
        directory_files,
        suppliers,
        // Fast enough to see invoices move through their statuses during a demo.
        time_scale: 200.0,
        ..SandboxConfig::default()
    };
    crate::sandbox::start(config).map_err(|e| format!("bac à sable indisponible : {e}"))
}

/// Opens Chorus Pro clients from the settings of a database: the embedded sandbox (started
/// on first use and kept running), or PISTE with the stored secrets and the
/// `CHORUS_DEPOT_*` environment variables.
#[derive(Default)]
pub struct Connector {
    sandbox: Mutex<Option<SandboxHandle>>,
    /// (token URL, API base) used instead of the environment's, as the
    /// `CHORUS_DEPOT_TOKEN_URL` / `CHORUS_DEPOT_API_URL` variables do (tests, proxies).
    endpoints: Option<(String, String)>,
}

impl Connector {
    /// A connector whose PISTE environments go to `token_url` / `api_base`.
    pub fn with_endpoints(token_url: String, api_base: String) -> Connector {
        Connector {
            sandbox: Mutex::new(None),
            endpoints: Some((token_url, api_base)),
        }
    }

    fn overrides(&self) -> Overrides {
        let mut overrides = Overrides::from_env();
        if let Some((token_url, api_base)) = &self.endpoints {
            overrides.token_url.get_or_insert_with(|| token_url.clone());
            overrides.api_url.get_or_insert_with(|| api_base.clone());
        }
        overrides
    }

    /// The client of the first company with a technical account (directory downloads,
    /// structure lookups: any account of the supplier will do).
    pub fn client(&self, db: &Path) -> Result<(ChorusClient, ConnectionSettings), String> {
        let settings = self.settings(db)?;
        let company = settings
            .accounts
            .iter()
            .find(|a| !a.login.is_empty())
            .map(|a| a.company_code.clone())
            .unwrap_or_default();
        Ok((self.client_for(db, &company)?, settings))
    }

    pub fn settings(&self, db: &Path) -> Result<ConnectionSettings, String> {
        let store = Store::open(db).map_err(|e| e.to_string())?;
        ConnectionSettings::load(store.db()).map_err(|e| e.to_string())
    }

    /// Where a deposit with these settings goes, as the confirmation says it.
    pub fn target(&self, settings: &ConnectionSettings) -> super::deposit_summary::DepositTarget {
        if Connector::uses_embedded_sandbox(settings) {
            return super::deposit_summary::DepositTarget::EmbeddedSandbox;
        }
        super::deposit_summary::DepositTarget::of(settings, self.overrides().api_url.as_deref())
    }

    /// Whether the clients go to the embedded sandbox (no account needed).
    pub fn uses_embedded_sandbox(settings: &ConnectionSettings) -> bool {
        settings.environment == EnvironmentChoice::EmbeddedSandbox
            && Overrides::from_env().api_url.is_none()
    }

    /// The client of one invoicing company, with its own technical account.
    pub fn client_for(&self, db: &Path, company_code: &str) -> Result<ChorusClient, String> {
        self.client_in_run(db, company_code, None)
    }

    /// The client of one invoicing company for a run (a sync, a deposit) whose clients
    /// share `patience`: once Chorus Pro has been silent for all of it, none sends more.
    pub fn client_in_run(
        &self,
        db: &Path,
        company_code: &str,
        patience: Option<Arc<Patience>>,
    ) -> Result<ChorusClient, String> {
        let settings = self.settings(db)?;
        let (environment, credentials) = if Connector::uses_embedded_sandbox(&settings) {
            let mut guard = self
                .sandbox
                .lock()
                .map_err(|_| "bac à sable indisponible".to_string())?;
            if guard.is_none() {
                *guard = Some(start_embedded_sandbox(db)?);
            }
            let handle = guard.as_ref().expect("started above");
            // The demonstration has one technical account for every company.
            (
                Environment::Sandbox {
                    api_base: handle.base_url(),
                    token_url: handle.token_url(),
                },
                Credentials {
                    client_id: crate::sandbox::DEFAULT_CLIENT_ID.into(),
                    client_secret: Secret::new(crate::sandbox::DEFAULT_CLIENT_SECRET),
                    login: crate::sandbox::DEFAULT_LOGIN.into(),
                    password: Secret::new(crate::sandbox::DEFAULT_PASSWORD),
                },
            )
        } else {
            let secrets = SecretStore::open(secrets_file(db));
            let c = connection::resolve(&settings, &secrets, company_code, None, &self.overrides())
                .map_err(|e| e.to_string())?;
            (
                Environment::Sandbox {
                    api_base: c.api_base.clone(),
                    token_url: c.token_url.clone(),
                },
                Credentials {
                    client_id: c.client_id.clone(),
                    client_secret: c.client_secret.clone(),
                    login: c.login.clone(),
                    password: c.password.clone(),
                },
            )
        };
        let mut options = ClientOptions {
            log: Arc::new(SqliteExchangeLog::open(db)?),
            ..ClientOptions::default()
        };
        if let Some(timeout) = duration_override("CHORUS_DEPOT_HTTP_TIMEOUT_MS") {
            options.request_timeout = timeout;
        }
        if let Some(budget) = duration_override("CHORUS_DEPOT_CALL_BUDGET_MS") {
            options.call_budget = budget;
        }
        options.patience = patience.unwrap_or_else(run_patience);
        ChorusClient::new(environment, credentials, options).map_err(|e| e.to_string())
    }
}

/// A run's patience: how long Chorus Pro may stay silent before the run stops sending
/// (60 s, or `CHORUS_DEPOT_SILENCE_MS`).
pub fn run_patience() -> Arc<Patience> {
    Arc::new(Patience::new(
        duration_override("CHORUS_DEPOT_SILENCE_MS")
            .unwrap_or(crate::chorus::budget::DEFAULT_SILENCE_LIMIT),
    ))
}

/// A duration in milliseconds from an environment variable, for tests and slow lines:
/// `CHORUS_DEPOT_HTTP_TIMEOUT_MS` (one attempt, 30 s by default),
/// `CHORUS_DEPOT_CALL_BUDGET_MS` (one call with its retries, 45 s),
/// `CHORUS_DEPOT_SILENCE_MS` (a run without any answer, 60 s),
/// `CHORUS_DEPOT_SYNC_BUDGET_MS` (one sync in all, 1 h).
pub fn duration_override(name: &str) -> Option<std::time::Duration> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map(std::time::Duration::from_millis)
}

/// Builds deposits with the clients of `connector`.
pub fn setup_factory(connector: Arc<Connector>) -> SetupFactory {
    Arc::new(move |db: &Path, choices: &DepositChoices| {
        let settings = connector.settings(db)?;
        let target = connector.target(&settings);
        let (connector, db_path) = (connector.clone(), db.to_path_buf());
        let patience = run_patience();
        let shared = patience.clone();
        let gateway = ChorusGateway::new(move |company| {
            connector.client_in_run(&db_path, company, Some(shared.clone()))
        })
        .with_patience(patience);
        Ok(DepositSetup {
            gateway: Box::new(gateway),
            writer: Box::new(EInvoiceFluxWriter::open(db, choices)?),
            limits: FluxLimits {
                max_bytes: settings.deposit.max_bytes,
                max_invoices: settings.deposit.max_invoices,
            },
            uncertain_after: settings.uncertain_after(),
            target,
        })
    })
}

/// « Actualiser l'annuaire »: downloads the official directory export through the API
/// (`telecharger/annuaire/destinataire`, a base64 zip), keeps its files next to the
/// database and imports them like files chosen by hand.
pub fn refresh_directory(
    connector: &Connector,
    db: &Path,
    progress: &dyn crate::progress::Progress,
) -> Result<crate::store::directory::DirectoryImport, String> {
    progress.update(0.05, "Téléchargement de l'annuaire Chorus Pro…");
    let (client, _) = connector.client(db)?;
    let answer = client
        .telecharger_annuaire_destinataire()
        .map_err(|e| e.to_string())?;
    let zip_bytes = answer
        .file("transverses/v1/telecharger/annuaire/destinataire")
        .map_err(|e| e.to_string())?;
    let db = &crate::store::local_anchor(db);
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "chorus-depot".into());
    let dir = db
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{stem}-annuaire-api"));
    let files = unzip(&zip_bytes, &dir)?;
    progress.update(0.3, "Import de l'annuaire téléchargé…");
    let mut store = Store::open(db).map_err(|e| e.to_string())?;
    crate::directory::import_directory(&mut store, &files, progress).map_err(|e| e.to_string())
}

/// Writes the files of a zip archive into `dir` (emptied first); names are reduced to
/// their last component, so an archive cannot write outside `dir`.
fn unzip(bytes: &[u8], dir: &Path) -> Result<Vec<PathBuf>, String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("archive de l'annuaire illisible : {e}");
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{} : {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{} : {e}", dir.display()))?;
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| unreadable(&e))?;
        if entry.is_dir() {
            continue;
        }
        let entry_name = entry.name().map_err(|e| unreadable(&e))?.into_owned();
        let Some(name) = Path::new(&entry_name).file_name().map(|n| n.to_owned()) else {
            continue;
        };
        let path = dir.join(name);
        let mut out =
            std::fs::File::create(&path).map_err(|e| format!("{} : {e}", path.display()))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| format!("{} : {e}", path.display()))?;
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// The fallback file of the secrets, next to the database.
pub fn secrets_file(db: &Path) -> PathBuf {
    crate::store::local_anchor(db).with_extension("secrets.json")
}
