//! The application session: the database, the latest check report, the results of the
//! queries the views asked for, and the job under way. Commands start work on worker
//! threads; `poll` applies what came back. Nothing here blocks the caller.

use super::CheckReport;
use super::deposit_setup::SetupFactory;
use super::jobs::{JobKind, JobProgress, RunningJob, Waker};
use super::lookup::{StructureEntry, lookup_siret};
use crate::demo::{DemoOptions, write_demo};
use crate::deposit::DepositReport;
use crate::model::{InvoiceLine, Payment, Structure};
use crate::store::Store;
use crate::store::erp::CompanyBankDetails;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

mod connection_commands;
mod deposit_commands;
mod file_commands;
mod manager_commands;
mod payment_terms_commands;
mod result_lines;
mod returned_commands;

pub use deposit_commands::{DepositRequest, PendingDeposit};

pub use returned_commands::{RecycleSetup, attachment_infos};

pub use manager_commands::{ExportFormat, exports_dir};

pub use file_commands::{FileRequest, PathPrompt, SaveWhat};

/// One page of the directory browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryPage {
    pub query: String,
    pub only_active: bool,
    pub offset: usize,
    pub rows: Vec<Structure>,
    pub total: usize,
}

/// Lines and payments of the invoice shown in the detail panel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceExtras {
    pub number: String,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
    /// Due date, delay and payment state as the « Gestionnaire » computes them (`None`
    /// for a private client's invoice).
    pub payment: Option<Box<crate::tracking::payments::PaymentRow>>,
}

/// A message for the user, shown in the status bar or a banner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

enum Reply {
    JobDone {
        kind: JobKind,
        outcome: Result<JobOutput, String>,
    },
    DirectoryPage(u64, Option<i64>, Result<DirectoryPage, String>),
    Siret(u64, String, Box<Result<Option<StructureEntry>, String>>),
    Extras(Result<InvoiceExtras, String>),
    /// A file dialog closed (or could not open); the suggested path for a typed answer.
    Dialog(
        Box<FileRequest>,
        Option<PathBuf>,
        super::file_dialogs::Picked,
    ),
    ExportFailed(Notice),
    /// Where exports are offered to go (the user's Documents), found off the UI thread.
    ExportDir(PathBuf),
    /// Who is signed in to the team base (read once, off the UI thread).
    Permissions(super::permissions::Permissions),
    /// The base's version changed (another process, another window, or this one wrote).
    BaseVersion(i64),
    Notice(Notice),
    ConnectionView(Box<Result<super::connection_form::ConnectionView, String>>),
    PaymentTermsView(Box<Result<super::payment_terms_form::PaymentTermsView, String>>),
    /// The tracking data, with the base's version it was read at.
    Manager(
        Option<i64>,
        Box<Result<super::manager_data::ManagerData, String>>,
    ),
    Timeline(Box<Result<super::manager_data::InvoiceTimeline, String>>),
    /// A file written (export, letter) and how many rows it holds.
    Exported(PathBuf, usize),
    RawReport(String, String),
    RecycleSetup(Box<Result<RecycleSetup, String>>),
    RecycleDirectory(String, Box<crate::checks::snapshot::DirectorySnapshot>),
    AttachmentsPicked(Vec<(PathBuf, crate::tracking::returned::AttachmentInfo)>),
    /// Something changed in the tracking data: say it and read it again.
    Reload(String),
    /// The summary of a deposit, to confirm before anything leaves.
    ConfirmDeposit(Box<PendingDeposit>),
    Nothing,
}

enum JobOutput {
    Report(Box<CheckReport>),
    /// A re-check found nothing changed since the report shown.
    Unchanged,
    /// « Génération du flux » done: the files to show before sending.
    Prepared(Box<super::prepared_lot::PreparedLot>),
    Deposited(DepositReport),
    /// « Déposer sur Chorus » found the lot no longer exact: nothing was sent.
    LotRefused(String),
    /// Work done that changes what the checks see: run them again.
    NeedsRecheck(String),
    ConnectionSaved,
    PaymentTermsSaved,
    ConnectionChecked(Box<super::connection_test::ConnectionCheck>),
    /// One structure refreshed: look it up again, and check again.
    StructureRefreshed {
        siret: String,
        only_active_services: bool,
        message: String,
    },
    /// A recycle or a completion went through.
    ReturnedDone(String),
    /// A synchronisation with Chorus Pro ended.
    Synced(Box<crate::tracking::SyncReport>),
    /// A directory imported: the status line, then the warnings.
    DirectoryImported(Vec<String>),
    /// A directory import refused because it removes too many structures: nothing changed,
    /// the user is asked whether to replace anyway.
    DirectoryShrink(PendingDirectoryShrink),
}

/// A directory import that would remove more than 20 % of the cached structures, waiting
/// for « Remplacer » (import again, accepting it) or « Annuler ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDirectoryShrink {
    pub files: Vec<PathBuf>,
    /// Structures in the cache.
    pub before: usize,
    /// Structures in the files.
    pub after: usize,
}

impl PendingDirectoryShrink {
    /// The question the confirmation dialog asks, with both counts.
    pub fn question(&self) -> String {
        format!(
            "L'annuaire importé contient {} contre {} en cache (-{} %). \
             Un export complet n'en perd pas autant d'un coup : vérifiez que le fichier n'est \
             pas tronqué. Remplacer quand même ?",
            crate::directory::import::structures(self.after),
            crate::model::format_count(self.before),
            crate::directory::shrink_percent(self.before, self.after)
        )
    }
}

/// Why a native file dialog was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilePurpose {
    DirectoryFiles,
    ErpFolder,
}

pub struct Session {
    db_path: PathBuf,
    waker: Waker,
    tx: Sender<Reply>,
    rx: Receiver<Reply>,
    job: Option<RunningJob>,
    /// A check to run as soon as the current job ends.
    recheck_pending: bool,
    pub report: Option<Arc<CheckReport>>,
    /// Bumped each time `report` changes, so views know to rebuild their caches.
    pub report_generation: u64,
    pub notices: Vec<Notice>,
    next_request: u64,
    directory_request: u64,
    pub directory_page: Option<DirectoryPage>,
    siret_request: u64,
    pub siret_result: Option<(String, Result<Option<StructureEntry>, String>)>,
    pub extras: Option<Result<InvoiceExtras, String>>,
    pub picked_files: Option<(FilePurpose, Vec<PathBuf>)>,
    deposit_factory: Option<SetupFactory>,
    connector: Option<Arc<super::deposit_wiring::Connector>>,
    /// The lot files written by « Génération du flux », waiting for « Déposer sur Chorus ».
    pub prepared_lot: Option<super::prepared_lot::PreparedLot>,
    /// Why the last prepared lot was thrown away (shown until the next generation).
    pub lot_discarded: Option<String>,
    /// A deposit waiting for the user's confirmation.
    pub pending_deposit: Option<PendingDeposit>,
    /// A directory import that shrinks the cache, waiting for the user's confirmation.
    pub pending_directory_shrink: Option<PendingDirectoryShrink>,
    /// The report of the latest deposit.
    pub deposit_report: Option<DepositReport>,
    /// What « Comptes Chorus PRO » shows, once loaded.
    pub connection_view: Option<Result<super::connection_form::ConnectionView, String>>,
    /// Bumped each time `connection_view` is loaded, so the dialog rebuilds its form.
    pub connection_view_generation: u64,
    /// What « Délais de paiement » shows, once loaded.
    pub payment_terms_view: Option<Result<super::payment_terms_form::PaymentTermsView, String>>,
    /// Bumped each time `payment_terms_view` is loaded, so the dialog rebuilds its form.
    pub payment_terms_view_generation: u64,
    /// The result of the latest « Tester la connexion ».
    pub connection_check: Option<super::connection_test::ConnectionCheck>,
    /// What the « Gestionnaire Chorus Pro » shows, once loaded.
    pub manager: Option<Arc<super::manager_data::ManagerData>>,
    /// Bumped each time `manager` is loaded, so the tree is rebuilt.
    pub manager_generation: u64,
    pub manager_loading: bool,
    /// The report generation and the anomalous invoices `manager` was (is being) read with.
    manager_anomalies: Option<(u64, Arc<HashSet<String>>)>,
    /// Why the tracking data could not be read (not retried until asked).
    pub manager_error: Option<String>,
    /// The selected invoice's timeline.
    pub timeline: Option<Result<super::manager_data::InvoiceTimeline, String>>,
    /// The latest file written by an export or a letter.
    pub last_export: Option<PathBuf>,
    /// A flux's raw report (flux number, pretty JSON), shown in a window.
    pub raw_report: Option<(String, String)>,
    /// The invoice whose timeline was asked for last.
    timeline_number: Option<String>,
    /// What the recycle dialog starts from, once loaded.
    pub recycle_setup: Option<Result<RecycleSetup, String>>,
    /// The cached directory for the SIRET typed in the recycle dialog.
    pub recycle_directory: Option<(String, crate::checks::snapshot::DirectorySnapshot)>,
    /// Attachments picked for a completion, with their sizes.
    pub picked_attachments: Option<Vec<(PathBuf, crate::tracking::returned::AttachmentInfo)>>,
    /// The report of the latest synchronisation with Chorus Pro ("what changed").
    pub sync_report: Option<Arc<crate::tracking::SyncReport>>,
    /// Bumped each time a sync ends, so views reload the tracking queries.
    pub sync_generation: u64,
    last_sync_started: Option<std::time::Instant>,
    /// Every long task's progress and whole report, for the « Résultats » panel.
    pub results: super::results::ResultsLog,
    /// The long-lived watch on the base and what each view was read at.
    base: super::base_watch::BaseWatch,
    base_version: Option<i64>,
    manager_version: Option<i64>,
    directory_version: Option<i64>,
    /// The version the last automatic reload was started for (one reload per change).
    followed_version: Option<i64>,
    /// The running check was started by a change of the base, not by the user.
    quiet_check: bool,
    /// System file dialogs or typed paths.
    pub file_dialogs: super::file_dialogs::FileDialogs,
    /// A typed path asked for, shown by the window until answered.
    pub path_prompt: Option<PathPrompt>,
    /// Where exports are offered to go.
    export_dir: Option<PathBuf>,
    /// What the signed-in user may do (everything on a single user's base).
    permissions: super::permissions::Permissions,
}

impl Session {
    pub fn new(db_path: PathBuf, waker: Waker) -> Session {
        let (tx, rx) = channel();
        let base = super::base_watch::BaseWatch::new(db_path.clone());
        {
            let tx = tx.clone();
            let waker = waker.clone();
            base.spawn_poller(super::base_watch::POLL_EVERY, move |version| {
                let sent = tx.send(Reply::BaseVersion(version)).is_ok();
                waker();
                sent
            });
        }
        if crate::store::postgres::address::is_team_address(&db_path.to_string_lossy()) {
            let tx = tx.clone();
            let waker = waker.clone();
            let db = db_path.clone();
            std::thread::spawn(move || {
                let signed_in = crate::store::Store::open(&db).and_then(|s| s.signed_in());
                match signed_in {
                    Ok(Some(user)) => {
                        let _ = tx.send(Reply::Permissions(super::permissions::Permissions::team(
                            user,
                        )));
                        waker();
                    }
                    Ok(None) => {}
                    // The checks' own opening says why the base cannot be read.
                    Err(e) => tracing::warn!(error = %e, "signed-in user not read"),
                }
            });
        }
        {
            let tx = tx.clone();
            let fallback = exports_dir(&db_path);
            std::thread::spawn(move || {
                let dir = super::file_dialogs::default_export_dir(&fallback);
                let _ = tx.send(Reply::ExportDir(dir));
            });
        }
        Session {
            db_path,
            waker,
            tx,
            rx,
            job: None,
            recheck_pending: false,
            report: None,
            report_generation: 0,
            notices: Vec::new(),
            next_request: 0,
            directory_request: 0,
            directory_page: None,
            siret_request: 0,
            siret_result: None,
            extras: None,
            picked_files: None,
            deposit_factory: None,
            connector: None,
            prepared_lot: None,
            lot_discarded: None,
            pending_deposit: None,
            pending_directory_shrink: None,
            deposit_report: None,
            connection_view: None,
            connection_view_generation: 0,
            payment_terms_view: None,
            payment_terms_view_generation: 0,
            connection_check: None,
            manager: None,
            manager_generation: 0,
            manager_loading: false,
            manager_anomalies: None,
            manager_error: None,
            timeline: None,
            last_export: None,
            raw_report: None,
            timeline_number: None,
            recycle_setup: None,
            recycle_directory: None,
            picked_attachments: None,
            sync_report: None,
            sync_generation: 0,
            // The first automatic sync comes N minutes after start: « Synchroniser » is there
            // for the impatient, and opening the window does not wake Chorus Pro up.
            last_sync_started: Some(std::time::Instant::now()),
            results: super::results::ResultsLog::default(),
            base,
            base_version: None,
            manager_version: None,
            directory_version: None,
            followed_version: None,
            quiet_check: false,
            file_dialogs: super::file_dialogs::FileDialogs::from_env(),
            path_prompt: None,
            export_dir: None,
            permissions: super::permissions::Permissions::single_user(),
        }
    }

    /// « Synchroniser »: flux reports, invoice statuses and histories from Chorus Pro.
    pub fn sync_now(&mut self) {
        let Some(connector) = self.connector.clone() else {
            self.notice(true, "Connexion à Chorus Pro non configurée");
            return;
        };
        if self.job.is_some() {
            return;
        }
        let db = self.db_path.clone();
        self.last_sync_started = Some(std::time::Instant::now());
        self.start_job(JobKind::Sync, move |progress| {
            super::sync_run::sync_database(&connector, &db, progress)
                .map(|report| JobOutput::Synced(Box::new(report)))
        });
    }

    /// Starts a sync when `every` has passed since the last one and nothing else runs
    /// (call it once per frame with `sync_every_minutes`; `ZERO` never syncs).
    pub fn sync_if_due(&mut self, every: std::time::Duration) {
        let due = self
            .last_sync_started
            .is_none_or(|started| started.elapsed() >= every);
        if !every.is_zero() && due && self.job.is_none() && self.connector.is_some() {
            self.sync_now();
        }
    }

    /// Gives the session its way to Chorus Pro: deposits and the directory download.
    pub fn set_connector(&mut self, connector: Arc<super::deposit_wiring::Connector>) {
        self.deposit_factory = Some(super::deposit_wiring::setup_factory(connector.clone()));
        self.connector = Some(connector);
    }

    /// « Actualiser l'annuaire »: the official export downloaded through the API.
    pub fn refresh_directory_from_chorus(&mut self) {
        let Some(connector) = self.connector.clone() else {
            self.notice(true, "Connexion à Chorus Pro non configurée");
            return;
        };
        let db = self.db_path.clone();
        self.start_job(JobKind::DirectoryImport, move |progress| {
            super::deposit_wiring::refresh_directory(&connector, &db, progress)
                .map(|i| JobOutput::NeedsRecheck(super::status::directory_line(Some(&i))))
        });
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn job(&self) -> Option<&RunningJob> {
        self.job.as_ref()
    }

    /// What the signed-in user may do.
    pub fn permissions(&self) -> &super::permissions::Permissions {
        &self.permissions
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// First start: a missing database is filled with demo data, then checked.
    pub fn start(&mut self) {
        if crate::store::base_exists(&self.db_path) {
            self.refresh();
        } else {
            let db = self.db_path.clone();
            self.start_job(JobKind::Demo, move |progress| {
                write_demo(&db, &DemoOptions::default(), progress)
                    .map(|s| {
                        JobOutput::NeedsRecheck(format!(
                            "Base de démonstration créée : {} factures",
                            s.invoices
                        ))
                    })
                    .map_err(|e| e.to_string())
            });
        }
    }

    /// "Actualiser": runs every check again in the background, unless nothing changed
    /// since the report shown (then it stays, and the user is told).
    pub fn refresh(&mut self) {
        self.quiet_check = false;
        self.start_check();
    }

    /// « Actualiser » in the toolbar: the checks, and everything else the window shows
    /// (the Gestionnaire and the directory page), read again.
    pub fn refresh_everything(&mut self) {
        self.refresh();
        self.load_manager();
        self.reload_directory_page();
    }

    fn start_check(&mut self) {
        let db = self.db_path.clone();
        let previous = self.report.clone();
        let base = self.base.clone();
        self.start_job(JobKind::Checks, move |progress| {
            let mut store = Store::open(&db).map_err(|e| e.to_string())?;
            let watch = base.get();
            match super::check_run::recheck_with(&mut store, previous.as_deref(), watch, progress) {
                Ok(super::check_run::Recheck::Unchanged) => Ok(JobOutput::Unchanged),
                Ok(super::check_run::Recheck::New(report)) => Ok(JobOutput::Report(report)),
                Err(e) => Err(e.to_string()),
            }
        });
    }

    pub fn import_directory(&mut self, files: Vec<PathBuf>) {
        self.start_directory_import(files, crate::directory::ImportOptions::default());
    }

    /// « Remplacer » in the shrink dialog: the same files again, the shrink accepted.
    pub fn confirm_directory_shrink(&mut self) {
        if let Some(pending) = self.pending_directory_shrink.take() {
            self.start_directory_import(
                pending.files,
                crate::directory::ImportOptions {
                    accept_shrink: true,
                },
            );
        }
    }

    /// « Annuler » in the shrink dialog: nothing was changed, say so.
    pub fn cancel_directory_shrink(&mut self) {
        if self.pending_directory_shrink.take().is_some() {
            self.notice(
                false,
                "Import de l'annuaire annulé : l'annuaire en cache est conservé",
            );
        }
    }

    fn start_directory_import(
        &mut self,
        files: Vec<PathBuf>,
        options: crate::directory::ImportOptions,
    ) {
        let db = self.db_path.clone();
        self.start_job(JobKind::DirectoryImport, move |progress| {
            let mut store = Store::open(&db).map_err(|e| e.to_string())?;
            match crate::directory::import_directory_with(&mut store, &files, options, progress) {
                Ok(summary) => Ok(JobOutput::DirectoryImported(
                    super::status::directory_import_lines(&summary),
                )),
                Err(crate::directory::DirectoryImportError::Shrink { before, after }) => {
                    Ok(JobOutput::DirectoryShrink(PendingDirectoryShrink {
                        files,
                        before,
                        after,
                    }))
                }
                Err(e) => Err(e.to_string()),
            }
        });
    }

    pub fn import_erp(&mut self, dir: PathBuf) {
        let db = self.db_path.clone();
        self.start_job(JobKind::ErpImport, move |progress| {
            let mut store = Store::open(&db).map_err(|e| e.to_string())?;
            crate::erp_import::import_erp(&mut store, &dir, progress)
                .map(|s| {
                    let rows: usize = s.files.iter().map(|(_, n)| n).sum();
                    JobOutput::NeedsRecheck(format!(
                        "Import de l'ERP terminé : {} fichiers, {rows} lignes",
                        s.files.len()
                    ))
                })
                .map_err(|e| e.to_string())
        });
    }

    /// Saves the companies' bank details (already validated by the dialog), all or nothing.
    pub fn save_company_settings(&mut self, changes: Vec<(String, CompanyBankDetails)>) {
        let db = self.db_path.clone();
        self.start_job(JobKind::SaveSettings, move |_| {
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            crate::store::erp::update_company_bank_details(store.db(), &changes)
                .map(|_| JobOutput::NeedsRecheck("Paramétrage enregistré".into()))
                .map_err(|e| format!("le paramétrage n'a pas été enregistré : {e}"))
        });
    }

    pub fn cancel_job(&self) {
        if let Some(job) = &self.job {
            job.progress.cancel();
        }
    }

    fn start_job(
        &mut self,
        kind: JobKind,
        work: impl FnOnce(&JobProgress) -> Result<JobOutput, String> + Send + 'static,
    ) {
        if let Some(job) = &self.job {
            if kind == JobKind::Checks {
                self.recheck_pending = true;
            } else {
                self.notice(
                    true,
                    format!(
                        "{} est en cours : attendez la fin ou arrêtez-la",
                        job.kind.label()
                    ),
                );
            }
            return;
        }
        let progress = JobProgress::new(self.waker.clone());
        let result_id = self.results.begin(kind.label(), Some(progress.clone()));
        let worker_progress = progress.clone();
        let tx = self.tx.clone();
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            let outcome = work(&worker_progress);
            let _ = tx.send(Reply::JobDone { kind, outcome });
            waker();
        });
        self.job = Some(RunningJob {
            kind,
            progress,
            started: std::time::Instant::now(),
            result_id,
        });
    }

    /// Runs a short query on a worker thread.
    fn query(&self, work: impl FnOnce(&Store) -> Reply + Send + 'static) {
        let db = self.db_path.clone();
        let tx = self.tx.clone();
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            match Store::open(&db) {
                Ok(store) => {
                    let _ = tx.send(work(&store));
                }
                Err(e) => {
                    let _ = tx.send(Reply::Notice(Notice {
                        error: true,
                        text: e.to_string(),
                    }));
                }
            }
            waker();
        });
    }

    pub fn request_directory_page(&mut self, query: String, only_active: bool, offset: usize) {
        self.next_request += 1;
        let id = self.next_request;
        self.directory_request = id;
        let base = self.base.clone();
        self.query(move |store| {
            let version = base.version();
            let result = crate::store::directory::search_structures(
                store.db(),
                &query,
                only_active,
                DIRECTORY_PAGE_SIZE,
                offset,
            )
            .map(|(rows, total)| DirectoryPage {
                query,
                only_active,
                offset,
                rows,
                total,
            })
            .map_err(|e| e.to_string());
            Reply::DirectoryPage(id, version, result)
        });
    }

    /// The directory page shown, read again (the base changed).
    fn reload_directory_page(&mut self) {
        if let Some(page) = &self.directory_page {
            let (query, only_active, offset) = (page.query.clone(), page.only_active, page.offset);
            self.request_directory_page(query, only_active, offset);
        }
    }

    pub fn lookup_siret(&mut self, siret: String, only_active_services: bool) {
        self.next_request += 1;
        let id = self.next_request;
        self.siret_request = id;
        // « 123 » is refused with its reason at once: nothing to look up.
        if let Err(e) = super::lookup::parse_lookup_siret(&siret) {
            self.siret_result = Some((siret, Err(e.to_string())));
            return;
        }
        self.query(move |store| {
            let result =
                lookup_siret(store, &siret, only_active_services).map_err(|e| e.to_string());
            Reply::Siret(id, siret, Box::new(result))
        });
    }

    pub fn load_extras(&mut self, number: String) {
        self.extras = None;
        self.query(move |store| {
            let conn = store.db();
            let result = crate::store::erp::lines_of(conn, &number)
                .and_then(|lines| {
                    let payments = crate::store::erp::payments_of(conn, &number)?;
                    let settings = crate::tracking::payments::PaymentSettings::load(conn)?;
                    let today = crate::clock::today();
                    let payment =
                        crate::tracking::payments::payment_row_of(conn, &settings, &number, today)?;
                    Ok(InvoiceExtras {
                        number: number.clone(),
                        lines,
                        payments,
                        payment: payment.map(Box::new),
                    })
                })
                .map_err(|e| e.to_string());
            Reply::Extras(result)
        });
    }

    /// Opens a file (an invoice PDF) with the system's viewer, off the UI thread.
    pub fn open_with_system(&self, path: String) {
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            if let Err(e) = open::that_detached(&path) {
                let _ = tx.send(Reply::Notice(Notice {
                    error: true,
                    text: format!("Impossible d'ouvrir {path} : {e}"),
                }));
            }
        });
    }

    pub fn notice(&mut self, error: bool, text: impl Into<String>) {
        self.notices.push(Notice {
            error,
            text: text.into(),
        });
        if self.notices.len() > 50 {
            self.notices.remove(0);
        }
    }

    /// Applies what the workers sent back. Call once per frame.
    pub fn poll(&mut self) {
        while let Ok(reply) = self.rx.try_recv() {
            match reply {
                Reply::JobDone { kind, outcome } => self.job_done(kind, outcome),
                Reply::DirectoryPage(id, version, result) if id == self.directory_request => {
                    match result {
                        Ok(page) => {
                            self.directory_page = Some(page);
                            self.directory_version = version;
                        }
                        Err(e) => self.notice(true, format!("Annuaire : {e}")),
                    }
                }
                Reply::DirectoryPage(..) => {}
                Reply::Siret(id, siret, result) if id == self.siret_request => {
                    self.siret_result = Some((siret, *result));
                }
                Reply::Siret(..) => {}
                Reply::Extras(result) => self.extras = Some(result),
                Reply::Notice(n) => self.notice(n.error, n.text),
                Reply::Manager(version, data) => {
                    self.manager_loading = false;
                    match *data {
                        Ok(data) => {
                            self.manager_version = version;
                            self.manager = Some(Arc::new(data));
                            self.manager_generation += 1;
                            self.manager_error = None;
                        }
                        Err(e) => {
                            self.notice(true, e.clone());
                            self.manager_error = Some(e);
                        }
                    }
                }
                Reply::Timeline(timeline) => self.timeline = Some(*timeline),
                Reply::Exported(path, rows) => self.exported(path, rows),
                Reply::ExportFailed(n) => {
                    self.results.record(
                        "Export",
                        vec![super::results::ResultLine::error(n.text.clone())],
                        None,
                    );
                    self.notice(true, n.text);
                }
                Reply::ExportDir(dir) => {
                    if self.export_dir.is_none() {
                        self.export_dir = Some(dir);
                    }
                }
                Reply::BaseVersion(version) => self.base_version = Some(version),
                Reply::Permissions(permissions) => self.permissions = permissions,
                Reply::Dialog(request, suggested, picked) => {
                    self.dialog_answered(*request, suggested, picked)
                }
                Reply::RawReport(flux, text) => self.raw_report = Some((flux, text)),
                Reply::RecycleSetup(setup) => self.recycle_setup = Some(*setup),
                Reply::RecycleDirectory(siret, snapshot) => {
                    self.recycle_directory = Some((siret, *snapshot))
                }
                Reply::AttachmentsPicked(files) => {
                    if !files.is_empty() {
                        self.picked_attachments = Some(files);
                    }
                }
                Reply::Reload(text) => {
                    self.notice(false, text);
                    self.reload_tracking();
                }
                Reply::Nothing => {}
                Reply::ConfirmDeposit(pending) => {
                    // The lot may have been discarded while the summary was made.
                    let lot_gone =
                        pending.request == DepositRequest::Lot && self.prepared_lot.is_none();
                    if !lot_gone && self.job.is_none() {
                        self.pending_deposit = Some(*pending);
                    }
                }
                Reply::ConnectionView(view) => {
                    self.connection_view = Some(*view);
                    self.connection_view_generation += 1;
                }
                Reply::PaymentTermsView(view) => {
                    self.payment_terms_view = Some(*view);
                    self.payment_terms_view_generation += 1;
                }
            }
        }
        self.follow_report_in_manager();
        self.follow_base();
    }

    /// Reloads what is older than the base: the check report, the Gestionnaire's data and
    /// the directory page. Not while a job runs (its end reloads what it changed, and this
    /// looks again then); once per version, so a reload that sees a commit made during its
    /// read waits for the next change instead of looping.
    fn follow_base(&mut self) {
        let Some(now) = self.base_version else {
            return;
        };
        if self.job.is_some() || self.followed_version == Some(now) {
            return;
        }
        let report_version = self
            .report
            .as_ref()
            .and_then(|r| r.freshness.as_ref())
            .map(|f| f.version);
        let mut reloaded = false;
        if self.report.is_some() && report_version != Some(now) {
            self.quiet_check = true;
            self.start_check();
            reloaded = true;
        }
        if self.manager.is_some() && !self.manager_loading && self.manager_version != Some(now) {
            self.load_manager();
            if let Some(number) = self.timeline_number.clone() {
                self.load_timeline(number);
            }
            reloaded = true;
        }
        if self.directory_page.is_some() && self.directory_version != Some(now) {
            self.reload_directory_page();
            reloaded = true;
        }
        if reloaded {
            tracing::debug!(version = now, "the base changed: views reloaded");
        }
        self.followed_version = Some(now);
    }

    fn job_done(&mut self, kind: JobKind, outcome: Result<JobOutput, String>) {
        let quiet = std::mem::take(&mut self.quiet_check) && kind == JobKind::Checks;
        if let Some(job) = self.job.take() {
            let stopped = job.progress.is_cancel_requested();
            if quiet && matches!(outcome, Ok(JobOutput::Unchanged)) {
                // A reload that found nothing new is no result worth keeping.
                self.results.discard(job.result_id);
            } else {
                let lines = result_lines::lines_of(&outcome);
                self.results
                    .finish(job.result_id, lines, outcome.is_err(), stopped);
            }
        }
        // The job may have written: what it changed is looked at again.
        self.followed_version = None;
        match outcome {
            Ok(JobOutput::Report(report)) => {
                let report = Arc::new(*report);
                let stale = match (&self.prepared_lot, &self.report) {
                    (Some(lot), Some(previous)) => lot.invalidated_by(&report, previous),
                    _ => None,
                };
                self.report = Some(report);
                self.report_generation += 1;
                if let Some(why) = stale {
                    self.discard_prepared_lot(why);
                }
            }
            Ok(JobOutput::Unchanged) if quiet => {}
            Ok(JobOutput::Unchanged) => {
                self.notice(
                    false,
                    "Vérification : rien n'a changé dans la base ni dans les PDF depuis la \
                     dernière",
                );
            }
            Ok(JobOutput::Prepared(lot)) => {
                self.prepared_lot = Some(*lot);
            }
            Ok(JobOutput::LotRefused(why)) => {
                self.notice(
                    true,
                    format!(
                        "Dépôt refusé, rien n'a été envoyé : {why}. Générez le flux de nouveau."
                    ),
                );
                self.lot_discarded = Some(why);
                self.recheck_pending = true;
            }
            Ok(JobOutput::Deposited(report)) => {
                let text = format!("Dépôt terminé : {}", report.summary());
                self.notice(report.failures() > 0, text);
                self.deposit_report = Some(report);
                // The deposited invoices leave the list of those to send.
                self.recheck_pending = true;
                self.refresh_manager();
            }
            Ok(JobOutput::Synced(report)) => {
                let first_line = report.summary().lines().next().unwrap_or("").to_string();
                self.notice(!report.errors.is_empty(), first_line);
                self.sync_report = Some(Arc::new(*report));
                self.sync_generation += 1;
                self.refresh_manager();
                // Invoices Chorus Pro refused at integration go back among the anomalies.
                self.recheck_pending = true;
            }
            Ok(JobOutput::DirectoryImported(lines)) => {
                let mut lines = lines.into_iter();
                if let Some(first) = lines.next() {
                    self.notice(false, first);
                }
                // Warnings last, so the status bar shows them.
                for warning in lines {
                    self.notice(true, warning);
                }
                self.recheck_pending = true;
            }
            Ok(JobOutput::DirectoryShrink(pending)) => {
                self.pending_directory_shrink = Some(pending);
            }
            Ok(JobOutput::NeedsRecheck(message)) => {
                self.notice(false, message);
                self.recheck_pending = true;
            }
            Ok(JobOutput::ReturnedDone(text)) => {
                self.notice(false, text);
                self.reload_tracking();
            }
            Ok(JobOutput::PaymentTermsSaved) => {
                self.notice(false, "Délais de paiement enregistrés");
                self.load_payment_terms_view();
                // Due dates, interest and indemnities follow the new terms.
                self.refresh_manager();
            }
            Ok(JobOutput::ConnectionSaved) => {
                self.notice(false, "Connexion à Chorus Pro enregistrée");
                self.load_connection_view();
                // The sync interval and the password reminders come with the tracking data.
                self.refresh_manager();
            }
            Ok(JobOutput::ConnectionChecked(check)) => {
                let text = if check.all_ok() {
                    "Test de la connexion réussi"
                } else {
                    "Test de la connexion : des points sont à corriger (Paramétrage)"
                };
                self.notice(!check.all_ok(), text);
                self.connection_check = Some(*check);
                // The test keeps each account's structure and password expiry.
                self.load_connection_view();
                self.refresh_manager();
            }
            Ok(JobOutput::StructureRefreshed {
                siret,
                only_active_services,
                message,
            }) => {
                self.notice(false, message);
                self.lookup_siret(siret, only_active_services);
                self.recheck_pending = true;
            }
            Err(e) => self.notice(true, format!("{} : {e}", kind.label())),
        }
        if self.recheck_pending && self.job.is_none() {
            self.recheck_pending = false;
            self.refresh();
        }
    }

    /// For tests: waits (polling) until no job runs and no query is pending.
    pub fn wait_idle(&mut self, timeout: std::time::Duration) -> bool {
        let end = std::time::Instant::now() + timeout;
        loop {
            self.poll();
            if self.job.is_none() {
                return true;
            }
            if std::time::Instant::now() > end {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

pub const DIRECTORY_PAGE_SIZE: usize = 200;
