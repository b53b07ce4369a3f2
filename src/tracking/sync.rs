//! The synchronisation with Chorus Pro: what became of every flux and every deposited
//! invoice since the last look.
//!
//! 1. Each flux not in a final state: `consulterCRDetaille`. Its state is kept; on
//!    `IN_INTEGRE_PARTIEL` / `IN_REJETE` each invoice named in `listeErreurDP` goes into
//!    `flux_errors` and its deposit becomes `ECHEC` with the reason, so that it goes back to
//!    the invoices to correct and may be deposited again (all of the flux's invoices when
//!    the flux was rejected whole or not processed).
//!    An invoice refused because Chorus Pro « a déjà reçu » it (a second database, a resend
//!    after the « à vérifier » delay; recognised by `chorus::transverses::is_already_received`)
//!    is not failed: its deposit stays DEPOSEE and it goes into `duplicate_deposits`.
//!    (1b) Each such duplicate not found yet: `rechercher/fournisseur` by `numeroFacture`;
//!    found, its `identifiantFactureCPP` and the flux under which Chorus Pro knows it are
//!    learnt and it is followed (step 3) like any other invoice; not found, looked up again
//!    at the next sync.
//! 2. Each integrated flux with invoices to learn or to follow: `rechercher/fournisseur`
//!    by `numeroFluxDepot`, every page: `identifiantFactureCPP`, `dateDepot`, status.
//! 3. Each invoice not final whose status may have moved: `consulter/historique`, the whole
//!    history kept (idempotent), the current status and whether it is final.
//!
//! Cost: when the flux search is cheaper than one history call per open invoice (a lot),
//! the search's `statut` / `dateHeureEtatCourant` tell which invoices moved and only those
//! are asked their history; otherwise (a flux of one invoice) the history is asked directly.
//! Histories are asked by a few worker threads (Chorus answers take ~100 ms each) and
//! written in batches, one transaction each. Every write unit (a flux report and its
//! journal updates, a search, a batch of histories) is one transaction: a crash or a stop
//! leaves nothing half-written, and the next sync carries on.

use crate::chorus::factures::{
    ConsulterHistoriqueAnswer, ConsulterHistoriqueRequest, FactureFournisseur, PagingRequest,
    RechercherFacturesFournisseurRequest,
};
use crate::chorus::transverses::{ConsulterCrDetailleAnswer, ConsulterCrDetailleRequest};
use crate::chorus::{ChorusClient, ChorusError, FluxState, FluxSyntax};
use crate::model::counted;
use crate::model::status::InvoiceStatus;
use crate::progress::Progress;
use crate::store::sql::{Sql, SqlError};
use crate::store::tracking::{
    self as db, CHANGE_ALREADY_ON_CHORUS, CHANGE_FLUX_REJECTION, CHANGE_IDENTIFIER, CHANGE_STATUS,
    FluxError, FluxReport, FluxToFollow, HistoryEntry, HistoryUpdate, KnownInvoice, LearntInvoice,
    SyncChange, SyncRun,
};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

pub use crate::chorus::clients::{ClientSource, Clients};

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// `nbResultatsParPage` of the flux searches.
    pub search_page_size: i64,
    /// Histories written per transaction.
    pub batch_size: usize,
    /// History calls in flight at once.
    pub workers: usize,
    /// The whole sync: past it, no call is started any more and the sync says what it did
    /// and what is left for the next one. (A Chorus Pro that does not answer at all stops
    /// it much sooner: the clients' patience, `chorus::Patience`.)
    pub budget: Duration,
}

/// A sync's budget by default: the largest bases (100,000 invoices followed) take ~45 min.
pub const DEFAULT_SYNC_BUDGET: Duration = Duration::from_secs(2 * 3600);

impl Default for SyncOptions {
    fn default() -> SyncOptions {
        SyncOptions {
            search_page_size: 100,
            batch_size: 500,
            workers: 4,
            budget: DEFAULT_SYNC_BUDGET,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("pendant la synchronisation, {0}")]
    Store(#[from] crate::store::sql::SqlError),
}

/// What a sync did and found; `changes` lists, per invoice, what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub run_id: i64,
    /// Flux reports read.
    pub fluxes_checked: usize,
    /// Invoices whose `identifiantFactureCPP` was learnt by this sync.
    pub invoices_learnt: usize,
    /// Invoices whose Chorus status changed.
    pub statuses_changed: usize,
    /// New rows of status history.
    pub history_added: usize,
    pub changes: Vec<SyncChange>,
    /// (invoice, reason): not integrated by Chorus Pro, back to the invoices to correct.
    pub new_rejections: Vec<(String, String)>,
    /// (invoice, our flux): copies Chorus Pro refused because it already holds the invoice
    /// (« déjà reçue de ce fournisseur »): not to correct, not to deposit again.
    pub already_on_chorus: Vec<(String, String)>,
    /// (invoice, identifiantFactureCPP, flux under which Chorus Pro knows it): duplicates
    /// found by their number, followed from now on.
    pub duplicates_found: Vec<(String, i64, String)>,
    /// (invoice, outcome in French): deposits whose answer never came (« à vérifier »),
    /// looked up on Chorus Pro before this sync.
    pub verified_deposits: Vec<(String, String)>,
    /// Invoices that became `A_RECYCLER`, `SUSPENDUE`, `REJETEE`, `MISE_EN_PAIEMENT`.
    pub to_recycle: Vec<String>,
    pub suspended: Vec<String>,
    pub rejected: Vec<String>,
    pub paid: Vec<String>,
    /// Transient problems (French), each left for the next sync.
    pub errors: Vec<String>,
    pub cancelled: bool,
    /// Why the sync stopped before the end (Chorus Pro does not answer, the budget is
    /// spent), with what was done and what was not; also the last of `errors`.
    pub interrupted: Option<String>,
    pub elapsed: Duration,
}

impl SyncReport {
    /// The French summary of the CLI and of the status bar.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "Synchronisation {} en {} : {} de flux {}, {} sur Chorus Pro, {} de statut.\n",
            if self.cancelled {
                "arrêtée"
            } else if self.interrupted.is_some() {
                "interrompue"
            } else {
                "terminée"
            },
            crate::model::format_duration(self.elapsed),
            counted(self.fluxes_checked, "compte rendu", "comptes rendus"),
            if self.fluxes_checked <= 1 {
                "lu"
            } else {
                "lus"
            },
            counted(
                self.invoices_learnt,
                "facture identifiée",
                "factures identifiées"
            ),
            counted(self.statuses_changed, "changement", "changements"),
        );
        if let Some(why) = &self.interrupted {
            out.push_str(why);
            out.push('\n');
        }
        if !self.new_rejections.is_empty() {
            out.push_str(&format!(
                "Rejetées à l'intégration, à corriger : {}\n",
                self.new_rejections.len()
            ));
            for (n, why) in &self.new_rejections {
                out.push_str(&format!("  {n} : {why}\n"));
            }
        }
        if !self.already_on_chorus.is_empty() {
            out.push_str(&format!(
                "Déjà sur Chorus Pro (dépôt en double refusé ; ni à corriger ni à redéposer) : {}\n",
                self.already_on_chorus.len()
            ));
            for (n, flux) in &self.already_on_chorus {
                out.push_str(&format!(
                    "  {n} : Chorus Pro a refusé la copie du flux {flux}, il a déjà cette facture\n"
                ));
            }
        }
        if !self.duplicates_found.is_empty() {
            out.push_str(&format!(
                "Retrouvées sur Chorus Pro par leur numéro et suivies : {}\n",
                self.duplicates_found.len()
            ));
            for (n, id, flux) in &self.duplicates_found {
                out.push_str(&format!("  {n} : identifiant {id}, flux {flux}\n"));
            }
        }
        for (label, list) in [
            ("À recycler", &self.to_recycle),
            ("Suspendues", &self.suspended),
            ("Rejetées par le destinataire", &self.rejected),
            ("Mises en paiement", &self.paid),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("{label} : {} ({})\n", list.len(), list.join(", ")));
            }
        }
        if !self.verified_deposits.is_empty() {
            out.push_str(&format!(
                "Dépôts sans réponse recherchés sur Chorus Pro : {}\n",
                self.verified_deposits.len()
            ));
            for (n, outcome) in &self.verified_deposits {
                out.push_str(&format!("  {n} : {outcome}\n"));
            }
        }
        if !self.errors.is_empty() {
            out.push_str(&format!(
                "{}, {} à la prochaine synchronisation :\n",
                counted(self.errors.len(), "erreur", "erreurs"),
                if self.errors.len() == 1 {
                    "reprise"
                } else {
                    "reprises"
                }
            ));
            for e in self.errors.iter().take(20) {
                out.push_str(&format!("  {e}\n"));
            }
            if self.errors.len() > 20 {
                out.push_str(&format!(
                    "  … et {}\n",
                    counted(self.errors.len() - 20, "autre", "autres")
                ));
            }
        }
        out
    }
}

/// The rule: nothing more will happen on Chorus Pro once an invoice is paid
/// (`MISE_EN_PAIEMENT`), refused (`REJETEE`), or mandated (`MANDATEE` and later) for a
/// structure that does not report payment.
pub fn is_final_status(code: &str, payment_not_reported: bool) -> bool {
    InvoiceStatus::from_code(code).is_final(payment_not_reported)
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Chorus dates come with or without milliseconds and offsets: compared as instants when
/// they read as RFC 3339, as text otherwise.
fn instant(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(text.trim()).ok()
}

fn later(a: &str, b: &str) -> bool {
    match (instant(a), instant(b)) {
        (Some(x), Some(y)) => x > y,
        _ => a > b,
    }
}

/// Runs one sync of every company's fluxes and invoices.
pub fn sync(
    conn: &dyn Sql,
    clients: &dyn ClientSource,
    options: &SyncOptions,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let run_id = db::begin_run(conn, &now())?;
    let mut run = Run {
        conn,
        clients,
        options,
        progress,
        report: SyncReport {
            run_id,
            ..SyncReport::default()
        },
        broken: HashMap::new(),
        failures_in_a_row: 0,
        gave_up: false,
        deadline: started + options.budget,
        phase: Phase::FluxReports,
        flux_total: 0,
        histories_left: 0,
    };
    let outcome = run.go();
    let mut report = run.report;
    report.elapsed = started.elapsed();
    db::finish_run(
        conn,
        &SyncRun {
            id: run_id,
            started_at: String::new(),
            finished_at: now(),
            fluxes_checked: report.fluxes_checked,
            invoices_learnt: report.invoices_learnt,
            statuses_changed: report.statuses_changed,
            errors: report.errors.len(),
            cancelled: report.cancelled,
        },
    )?;
    outcome?;
    progress.update(1.0, "Synchronisation terminée");
    Ok(report)
}

struct Run<'a> {
    conn: &'a dyn Sql,
    clients: &'a dyn ClientSource,
    options: &'a SyncOptions,
    progress: &'a dyn Progress,
    report: SyncReport,
    /// Companies whose client cannot work (no account, refused credentials): one message,
    /// then their fluxes are left alone for this run.
    broken: HashMap<String, String>,
    /// Calls failed in a row (after the client's own retries): Chorus Pro is down, stop.
    failures_in_a_row: usize,
    gave_up: bool,
    /// Past it, the sync's budget is spent.
    deadline: Instant,
    /// Where the sync is, to say what is left when it stops early.
    phase: Phase,
    flux_total: usize,
    histories_left: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    FluxReports,
    Duplicates,
    Searches,
    Histories,
}

/// Failed calls in a row after which the sync stops until the next one.
const MAX_FAILURES_IN_A_ROW: usize = 10;

/// An invoice whose history is to be asked.
struct HistoryJob {
    invoice_number: String,
    company_code: String,
    cpp_id: i64,
    payment_not_reported: bool,
    old_status: String,
}

impl Run<'_> {
    /// Stopped by the user, or given up because Chorus Pro no longer answers.
    fn stopped(&mut self) -> bool {
        if self.progress.is_cancelled() {
            self.report.cancelled = true;
        }
        if !self.gave_up && !self.report.cancelled && Instant::now() >= self.deadline {
            self.give_up(format!(
                "Durée maximale de la synchronisation atteinte ({} min)",
                self.options.budget.as_secs().div_ceil(60)
            ));
        }
        self.report.cancelled || self.gave_up
    }

    /// Stops the sync (no call is started any more) and says why, what was done and what
    /// was not.
    fn give_up(&mut self, reason: String) {
        if self.gave_up {
            return;
        }
        self.gave_up = true;
        let left = match self.phase {
            Phase::FluxReports => {
                let left = self.flux_total.saturating_sub(self.report.fluxes_checked);
                format!(
                    "{} de flux sur {} {}, ni les factures des flux intégrés ni leurs \
                     historiques",
                    counted(left, "compte rendu", "comptes rendus"),
                    self.flux_total,
                    if left <= 1 { "non lu" } else { "non lus" }
                )
            }
            Phase::Duplicates => "la recherche des factures déjà sur Chorus Pro, les factures \
                                  des flux intégrés et leurs historiques"
                .to_string(),
            Phase::Searches => {
                "une partie des factures des flux intégrés et leurs historiques".to_string()
            }
            Phase::Histories => {
                format!(
                    "{} de facture {}",
                    counted(self.histories_left, "historique", "historiques"),
                    if self.histories_left <= 1 {
                        "non lu"
                    } else {
                        "non lus"
                    }
                )
            }
        };
        let message = format!(
            "{reason} : synchronisation interrompue. Fait : {} de flux {}, {}, {} de statut \
             {}. Non fait : {left}. Tout reprendra à la prochaine synchronisation.",
            counted(self.report.fluxes_checked, "compte rendu", "comptes rendus"),
            if self.report.fluxes_checked <= 1 {
                "lu"
            } else {
                "lus"
            },
            counted(
                self.report.invoices_learnt,
                "facture identifiée",
                "factures identifiées"
            ),
            counted(self.report.statuses_changed, "changement", "changements"),
            if self.report.statuses_changed <= 1 {
                "enregistré"
            } else {
                "enregistrés"
            }
        );
        self.report.errors.push(message.clone());
        self.report.interrupted = Some(message);
    }

    fn call_ok(&mut self) {
        self.failures_in_a_row = 0;
    }

    fn client(&mut self, company: &str) -> Option<Arc<ChorusClient>> {
        if self.broken.contains_key(company) {
            return None;
        }
        match self.clients.client(company) {
            Ok(client) => Some(client),
            Err(e) => {
                self.company_broken(company, e);
                None
            }
        }
    }

    fn company_broken(&mut self, company: &str, why: String) {
        self.report.errors.push(format!(
            "Société {company} : connexion à Chorus Pro impossible, ses flux ne sont pas suivis : {why}"
        ));
        self.broken.insert(company.to_string(), why);
    }

    /// A failed call: reported; a configuration problem stops the company's calls.
    fn call_failed(&mut self, company: &str, what: String, e: &ChorusError) {
        if self.broken.contains_key(company) {
            return;
        }
        if self.gave_up {
            // Calls in flight when the sync stopped: their failure is that stop's.
            return;
        }
        if e.is_configuration_problem() {
            self.company_broken(company, e.to_string());
            return;
        }
        if let ChorusError::NoAnswer { silent_for, .. } = e.root() {
            self.give_up(format!(
                "Chorus Pro ne répond pas (aucune réponse depuis {} s)",
                silent_for.as_secs().max(1)
            ));
            return;
        }
        self.report.errors.push(format!("{what} : {e}"));
        // The call that used up the run's patience: no other call is started.
        if e.is_no_answer()
            && let Some(silent_for) = self
                .clients
                .client(company)
                .ok()
                .and_then(|c| c.patience().exhausted())
        {
            self.give_up(format!(
                "Chorus Pro ne répond pas (aucune réponse depuis {} s)",
                silent_for.as_secs().max(1)
            ));
            return;
        }
        self.failures_in_a_row += 1;
        if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW {
            self.give_up(format!(
                "Chorus Pro ne répond plus ({MAX_FAILURES_IN_A_ROW} appels en échec de suite)"
            ));
        }
    }

    fn go(&mut self) -> Result<(), SyncError> {
        let started = Instant::now();
        self.progress
            .update(0.0, "Lecture des comptes rendus des flux…");
        self.flux_reports()?;
        tracing::debug!(elapsed = ?started.elapsed(), fluxes = self.report.fluxes_checked, "flux reports read");
        if self.stopped() {
            return Ok(());
        }
        self.phase = Phase::Duplicates;
        self.duplicate_lookups()?;
        if self.stopped() {
            return Ok(());
        }
        self.phase = Phase::Searches;
        self.progress
            .update(0.2, "Recherche des factures des flux intégrés…");
        let jobs = self.searches()?;
        tracing::debug!(elapsed = ?started.elapsed(), histories = jobs.len(), "fluxes searched");
        if self.stopped() {
            return Ok(());
        }
        self.phase = Phase::Histories;
        self.histories_left = jobs.len();
        self.histories(jobs)?;
        tracing::debug!(elapsed = ?started.elapsed(), "histories read");
        Ok(())
    }

    // ---- 1. flux reports -------------------------------------------------------------------

    fn flux_reports(&mut self) -> Result<(), SyncError> {
        let fluxes = db::fluxes_to_check(self.conn)?;
        self.flux_total = fluxes.len();
        let total = fluxes.len().max(1);
        for (i, flux) in fluxes.iter().enumerate() {
            if self.stopped() {
                break;
            }
            self.progress.update(
                0.2 * i as f32 / total as f32,
                &format!("Compte rendu du flux {}…", flux.flux_number),
            );
            let Some(client) = self.client(&flux.company_code) else {
                continue;
            };
            let request = ConsulterCrDetailleRequest {
                numero_flux_depot: flux.flux_number.clone(),
                syntaxe_flux: (!flux.syntax.is_empty())
                    .then(|| FluxSyntax::from_code(&flux.syntax)),
            };
            match client.consulter_cr_detaille(&request) {
                Ok(answer) => {
                    self.call_ok();
                    self.apply_flux_answer(flux, &answer)?
                }
                Err(e) => self.call_failed(
                    &flux.company_code,
                    format!("Flux {} : compte rendu non lu", flux.flux_number),
                    &e,
                ),
            }
        }
        Ok(())
    }

    fn apply_flux_answer(
        &mut self,
        flux: &FluxToFollow,
        answer: &ConsulterCrDetailleAnswer,
    ) -> Result<(), SyncError> {
        let Some(state) = &answer.etat_courant_depot_flux else {
            self.report.errors.push(format!(
                "Flux {} : Chorus Pro n'a pas donné l'état du flux",
                flux.flux_number
            ));
            return Ok(());
        };
        self.report.fluxes_checked += 1;
        if state.code() == flux.chorus_state {
            return Ok(());
        }
        let at = now();
        let report = flux_report(flux, state, answer, &at);
        let run_id = self.report.run_id;
        let written = self.conn.transaction(|tx| {
            let applied = db::apply_flux_report(tx, flux.id, &report, &at)?;
            if !applied.written {
                // Another session wrote this report first: its changes are its own.
                return Ok(None);
            }
            let changes: Vec<SyncChange> = applied
                .rejected
                .iter()
                .map(|(number, reason)| SyncChange {
                    invoice_number: number.clone(),
                    kind: CHANGE_FLUX_REJECTION.into(),
                    old_status: String::new(),
                    new_status: state.code().to_string(),
                    at: at.clone(),
                    comment: reason.clone(),
                })
                .collect();
            db::record_changes(tx, run_id, &changes)?;
            Ok::<_, SqlError>(Some((applied, changes)))
        })?;
        let Some((applied, changes)) = written else {
            return Ok(());
        };
        self.report.changes.extend(changes);
        self.report.new_rejections.extend(applied.rejected);
        self.report.already_on_chorus.extend(
            applied
                .duplicates
                .into_iter()
                .map(|(number, _)| (number, flux.flux_number.clone())),
        );
        Ok(())
    }

    // ---- 1b. duplicates ---------------------------------------------------------------------

    /// The copies Chorus Pro refused as duplicates: the invoice it already holds is found
    /// by its number (`rechercher/fournisseur` with `numeroFacture`), its identifier and the
    /// flux under which Chorus knows it are learnt, and it is followed like any other from
    /// then on. Not found (not visible yet, or the search failed): it stays « déjà sur
    /// Chorus Pro, à rechercher » — neither to correct nor to deposit again — and is looked
    /// up again at the next sync.
    fn duplicate_lookups(&mut self) -> Result<(), SyncError> {
        let pending = db::duplicates_to_look_up(self.conn)?;
        if pending.is_empty() {
            return Ok(());
        }
        let company_sirets = db::company_sirets(self.conn)?;
        let sirets = db::client_sirets(self.conn)?;
        let not_reported = db::payment_not_reported_by_siret(self.conn)?;
        for d in &pending {
            if self.stopped() {
                break;
            }
            self.progress.update(
                0.2,
                &format!(
                    "Recherche de la facture {} sur Chorus Pro…",
                    d.invoice_number
                ),
            );
            let Some(client) = self.client(&d.company_code) else {
                continue;
            };
            let criteria = RechercherFacturesFournisseurRequest {
                numero_facture: Some(d.invoice_number.clone()),
                ..RechercherFacturesFournisseurRequest::default()
            };
            let found = match client.rechercher_toutes_factures_fournisseur(&criteria) {
                Ok(found) => {
                    self.call_ok();
                    found
                }
                Err(e) => {
                    let note = format!(
                        "déjà sur Chorus Pro d'après le flux {}, recherche par son numéro \
                         impossible pour l'instant ({e}) : nouvelle recherche à la prochaine \
                         synchronisation ; ni à corriger ni à redéposer",
                        d.flux_number
                    );
                    db::duplicate_not_found(self.conn, d.journal_id, &note, &now())?;
                    self.call_failed(
                        &d.company_code,
                        format!(
                            "Facture {} (déjà sur Chorus Pro d'après le flux {}) : recherche par \
                             son numéro impossible, reprise à la prochaine synchronisation",
                            d.invoice_number, d.flux_number
                        ),
                        &e,
                    );
                    continue;
                }
            };
            let own_siret = company_sirets
                .get(&d.company_code)
                .map(|s| s.trim())
                .filter(|s| !s.is_empty());
            let Some((hit, cpp_id)) =
                pick_duplicate(&found, &d.invoice_number, &d.flux_number, own_siret)
            else {
                let note = format!(
                    "déjà sur Chorus Pro d'après le flux {}, pas encore trouvée par son numéro : \
                     ni à corriger ni à redéposer, nouvelle recherche à la prochaine \
                     synchronisation",
                    d.flux_number
                );
                db::duplicate_not_found(self.conn, d.journal_id, &note, &now())?;
                self.report.errors.push(format!(
                    "Facture {} : Chorus Pro dit l'avoir déjà reçue (flux {}) mais ne la montre \
                     pas encore quand on la cherche par son numéro ; elle n'est ni à corriger ni \
                     à redéposer : nouvelle recherche à la prochaine synchronisation",
                    d.invoice_number, d.flux_number
                ));
                continue;
            };
            let chorus_flux = hit
                .numero_flux_depot
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or("")
                .to_string();
            let siret = hit
                .code_destinataire
                .clone()
                .or_else(|| sirets.get(&d.invoice_number).cloned())
                .unwrap_or_default();
            let learnt = LearntInvoice {
                invoice_number: d.invoice_number.clone(),
                company_code: d.company_code.clone(),
                flux_id: d.flux_id,
                flux_number: chorus_flux.clone(),
                cpp_id: Some(cpp_id),
                deposited_on: hit
                    .date_depot
                    .clone()
                    .unwrap_or_else(|| d.sent_at.chars().take(10).collect()),
                payment_not_reported: not_reported.get(siret.trim()).copied().unwrap_or(false),
            };
            let flux_text = if chorus_flux.is_empty() {
                "un autre flux".to_string()
            } else {
                format!("le flux {chorus_flux}")
            };
            let note = format!(
                "déjà sur Chorus Pro sous {flux_text} (identifiant {cpp_id}) : ce dépôt en double \
                 (flux {}) a été refusé ; la facture est suivie, ne pas la redéposer",
                d.flux_number
            );
            let at = now();
            let change = SyncChange {
                invoice_number: d.invoice_number.clone(),
                kind: CHANGE_ALREADY_ON_CHORUS.into(),
                old_status: String::new(),
                new_status: cpp_id.to_string(),
                at: learnt.deposited_on.clone(),
                comment: note.clone(),
            };
            let run_id = self.report.run_id;
            self.conn.transaction(|tx| {
                db::upsert_learnt(tx, std::slice::from_ref(&learnt), &at)?;
                db::duplicate_found(tx, d.journal_id, &chorus_flux, &note, &at)?;
                db::record_changes(tx, run_id, std::slice::from_ref(&change))
            })?;
            self.report.invoices_learnt += 1;
            self.report
                .duplicates_found
                .push((d.invoice_number.clone(), cpp_id, chorus_flux));
            self.report.changes.push(change);
        }
        Ok(())
    }

    // ---- 2. searches -----------------------------------------------------------------------

    fn searches(&mut self) -> Result<Vec<HistoryJob>, SyncError> {
        let fluxes = db::fluxes_to_search(self.conn)?;
        let mut known = db::known_invoices(self.conn)?;
        let sirets = db::client_sirets(self.conn)?;
        let not_reported = db::payment_not_reported_by_siret(self.conn)?;
        let page = self.options.search_page_size.max(1) as usize;
        let mut jobs = Vec::new();
        let total = fluxes.len().max(1);
        for (i, f) in fluxes.iter().enumerate() {
            if self.stopped() {
                break;
            }
            let flux = &f.flux;
            if self.broken.contains_key(&flux.company_code) {
                continue;
            }
            // Pages of the search vs one history call per open invoice.
            let search_pages = f.deposited.div_ceil(page);
            if f.unknown == 0 && search_pages >= f.open {
                jobs.extend(
                    known
                        .values()
                        .filter(|k| k.flux_id == Some(flux.id) && !k.is_final)
                        .filter_map(|k| job_of(k, &flux.company_code)),
                );
                continue;
            }
            self.progress.update(
                0.2 + 0.2 * i as f32 / total as f32,
                &format!("Factures du flux {}…", flux.flux_number),
            );
            let Some(client) = self.client(&flux.company_code) else {
                continue;
            };
            let criteria = RechercherFacturesFournisseurRequest {
                numero_flux_depot: Some(flux.flux_number.clone()),
                recherche_facture_par_fournisseur: Some(PagingRequest {
                    nb_resultats_par_page: Some(self.options.search_page_size.max(1)),
                    ..PagingRequest::default()
                }),
                ..RechercherFacturesFournisseurRequest::default()
            };
            let found = match client.rechercher_toutes_factures_fournisseur(&criteria) {
                Ok(found) => {
                    self.call_ok();
                    found
                }
                Err(e) => {
                    self.call_failed(
                        &flux.company_code,
                        format!("Flux {} : factures non lues", flux.flux_number),
                        &e,
                    );
                    continue;
                }
            };
            let learnt = self.apply_search(flux, &found, &known, &sirets, &not_reported)?;
            for (row, search) in learnt {
                let old = known.remove(&row.invoice_number).unwrap_or_default();
                let updated = KnownInvoice {
                    invoice_number: row.invoice_number.clone(),
                    company_code: row.company_code.clone(),
                    flux_id: Some(row.flux_id),
                    cpp_id: row.cpp_id.or(old.cpp_id),
                    payment_not_reported: row.payment_not_reported,
                    deposited_on: row.deposited_on.clone(),
                    ..(if old.flux_id == Some(row.flux_id) {
                        old
                    } else {
                        KnownInvoice::default()
                    })
                };
                if !updated.is_final && moved_since(&updated, search) {
                    jobs.extend(job_of(&updated, &flux.company_code));
                }
                known.insert(row.invoice_number.clone(), updated);
            }
        }
        // The duplicates found on Chorus Pro: no search of our fluxes names them, their
        // history is asked directly (they are few).
        for k in db::duplicates_to_follow(self.conn)? {
            if !self.broken.contains_key(&k.company_code) {
                jobs.extend(job_of(&k, &k.company_code));
            }
        }
        let mut seen = HashSet::new();
        jobs.retain(|j| seen.insert(j.invoice_number.clone()));
        Ok(jobs)
    }

    /// Writes what a flux search taught; gives back each invoice with its search line.
    fn apply_search<'s>(
        &mut self,
        flux: &FluxToFollow,
        found: &'s [FactureFournisseur],
        known: &HashMap<String, KnownInvoice>,
        sirets: &HashMap<String, String>,
        not_reported: &HashMap<String, bool>,
    ) -> Result<Vec<(LearntInvoice, &'s FactureFournisseur)>, SyncError> {
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        for f in found {
            let Some(number) = f.numero_facture.as_deref().map(str::trim) else {
                continue;
            };
            // A flux search may only name invoices of that flux; repeated lines count once.
            if number.is_empty()
                || f.numero_flux_depot
                    .as_deref()
                    .is_some_and(|n| n.trim() != flux.flux_number)
                || !seen.insert(number.to_string())
            {
                continue;
            }
            let siret = f
                .code_destinataire
                .clone()
                .or_else(|| sirets.get(number).cloned())
                .unwrap_or_default();
            rows.push((
                LearntInvoice {
                    invoice_number: number.to_string(),
                    company_code: flux.company_code.clone(),
                    flux_id: flux.id,
                    flux_number: flux.flux_number.clone(),
                    cpp_id: f.identifiant_facture_cpp,
                    deposited_on: f
                        .date_depot
                        .clone()
                        .unwrap_or_else(|| flux.sent_at.chars().take(10).collect()),
                    payment_not_reported: not_reported.get(siret.trim()).copied().unwrap_or(false),
                },
                f,
            ));
        }
        let changes: Vec<SyncChange> = rows
            .iter()
            .filter(|(r, _)| {
                r.cpp_id.is_some()
                    && known
                        .get(&r.invoice_number)
                        .is_none_or(|k| k.cpp_id != r.cpp_id || k.flux_id != Some(r.flux_id))
            })
            .map(|(r, _)| SyncChange {
                invoice_number: r.invoice_number.clone(),
                kind: CHANGE_IDENTIFIER.into(),
                old_status: String::new(),
                new_status: r.cpp_id.map(|id| id.to_string()).unwrap_or_default(),
                at: r.deposited_on.clone(),
                comment: format!("flux {}", r.flux_number),
            })
            .collect();
        // Only what is new or different is written: a flux searched again to see which
        // invoices moved usually teaches nothing.
        let learnt: Vec<LearntInvoice> = rows
            .iter()
            .map(|(r, _)| r)
            .filter(|r| {
                known.get(&r.invoice_number).is_none_or(|k| {
                    k.flux_id != Some(r.flux_id)
                        || (r.cpp_id.is_some() && k.cpp_id != r.cpp_id)
                        || k.deposited_on != r.deposited_on
                        || k.payment_not_reported != r.payment_not_reported
                        || k.company_code != r.company_code
                })
            })
            .cloned()
            .collect();
        if learnt.is_empty() {
            return Ok(rows);
        }
        let at = now();
        let run_id = self.report.run_id;
        self.conn.transaction(|tx| {
            db::upsert_learnt(tx, &learnt, &at)?;
            db::record_changes(tx, run_id, &changes)
        })?;
        self.report.invoices_learnt += changes.len();
        Ok(rows)
    }

    // ---- 3. histories ----------------------------------------------------------------------

    fn histories(&mut self, jobs: Vec<HistoryJob>) -> Result<(), SyncError> {
        if jobs.is_empty() {
            return Ok(());
        }
        // Clients resolved here, once per company.
        let mut by_company: HashMap<String, Arc<ChorusClient>> = HashMap::new();
        let mut runnable = Vec::with_capacity(jobs.len());
        for job in jobs {
            if !by_company.contains_key(&job.company_code) {
                match self.client(&job.company_code) {
                    Some(c) => {
                        by_company.insert(job.company_code.clone(), c);
                    }
                    None => continue,
                }
            }
            runnable.push(job);
        }
        let total = runnable.len();
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let workers = self.options.workers.clamp(1, 16).min(total.max(1));
        let (tx, rx) = mpsc::channel::<(usize, Result<ConsulterHistoriqueAnswer, ChorusError>)>();
        std::thread::scope(|scope| -> Result<(), SyncError> {
            for _ in 0..workers {
                let tx = tx.clone();
                let (next, stop, runnable, by_company) = (&next, &stop, &runnable, &by_company);
                scope.spawn(move || {
                    loop {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = runnable.get(i) else { break };
                        let Some(client) = by_company.get(&job.company_code) else {
                            continue;
                        };
                        let answer = client.consulter_historique(&ConsulterHistoriqueRequest {
                            id_facture: job.cpp_id,
                            nb_resultats_maximum: Some(100),
                            id_utilisateur_courant: None,
                        });
                        if tx.send((i, answer)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            let mut batch: Vec<(usize, ConsulterHistoriqueAnswer)> = Vec::new();
            let mut done = 0;
            let mut result = Ok(());
            for (i, answer) in rx {
                done += 1;
                self.histories_left = self.histories_left.saturating_sub(1);
                let job = &runnable[i];
                match answer {
                    Ok(answer) => {
                        self.call_ok();
                        batch.push((i, answer))
                    }
                    Err(e) => self.call_failed(
                        &job.company_code,
                        format!("Facture {} : historique non lu", job.invoice_number),
                        &e,
                    ),
                }
                if by_company.keys().all(|c| self.broken.contains_key(c)) {
                    stop.store(true, Ordering::Relaxed);
                }
                if batch.len() >= self.options.batch_size.max(1) {
                    if let Err(e) = self.write_histories(&runnable, &batch) {
                        stop.store(true, Ordering::Relaxed);
                        result = Err(e);
                        break;
                    }
                    batch.clear();
                }
                if done % 50 == 0 || done == total {
                    self.progress.update(
                        0.4 + 0.6 * done as f32 / total as f32,
                        &format!("Historique des factures : {done} / {total}"),
                    );
                }
                if self.stopped() {
                    stop.store(true, Ordering::Relaxed);
                }
            }
            result?;
            // Whatever came back before a stop is written too.
            self.write_histories(&runnable, &batch)
        })
    }

    fn write_histories(
        &mut self,
        jobs: &[HistoryJob],
        answers: &[(usize, ConsulterHistoriqueAnswer)],
    ) -> Result<(), SyncError> {
        if answers.is_empty() {
            return Ok(());
        }
        let mut updates = Vec::with_capacity(answers.len());
        let mut changes = Vec::new();
        for (i, answer) in answers {
            let job = &jobs[*i];
            let Some(update) = history_update(job, answer) else {
                self.report.errors.push(format!(
                    "Facture {} : historique sans statut dans la réponse de Chorus Pro",
                    job.invoice_number
                ));
                continue;
            };
            if update.status != job.old_status {
                let comment = update
                    .entries
                    .iter()
                    .rev()
                    .find(|e| e.status == update.status && e.at == update.status_at)
                    .map(|e| e.comment.clone())
                    .unwrap_or_default();
                changes.push(SyncChange {
                    invoice_number: job.invoice_number.clone(),
                    kind: CHANGE_STATUS.into(),
                    old_status: job.old_status.clone(),
                    new_status: update.status.clone(),
                    at: update.status_at.clone(),
                    comment,
                });
            }
            updates.push(update);
        }
        let at = now();
        let run_id = self.report.run_id;
        let added = self.conn.transaction(|tx| {
            let added = db::apply_history(tx, &updates, &at)?;
            db::record_changes(tx, run_id, &changes)?;
            Ok::<_, SqlError>(added)
        })?;
        self.report.history_added += added;
        self.report.statuses_changed += changes.len();
        for c in &changes {
            let list = match InvoiceStatus::from_code(&c.new_status) {
                InvoiceStatus::ToRecycle => &mut self.report.to_recycle,
                InvoiceStatus::Suspended => &mut self.report.suspended,
                InvoiceStatus::Rejected => &mut self.report.rejected,
                InvoiceStatus::PaymentIssued => &mut self.report.paid,
                _ => continue,
            };
            list.push(c.invoice_number.clone());
        }
        self.report.changes.extend(changes);
        Ok(())
    }
}

fn job_of(k: &KnownInvoice, company: &str) -> Option<HistoryJob> {
    Some(HistoryJob {
        invoice_number: k.invoice_number.clone(),
        company_code: company.to_string(),
        cpp_id: k.cpp_id?,
        payment_not_reported: k.payment_not_reported,
        old_status: k.status.clone(),
    })
}

/// Among the invoices a search by number found, the one Chorus Pro holds for this
/// supplier: same number, an identifier, not the copy of our refused flux, and — when both
/// are known — the company's own SIRET (one technical account may serve several companies).
fn pick_duplicate<'f>(
    found: &'f [FactureFournisseur],
    number: &str,
    our_flux: &str,
    own_siret: Option<&str>,
) -> Option<(&'f FactureFournisseur, i64)> {
    found
        .iter()
        .filter(|f| f.numero_facture.as_deref().map(str::trim) == Some(number))
        .filter(|f| {
            our_flux.is_empty() || f.numero_flux_depot.as_deref().map(str::trim) != Some(our_flux)
        })
        .filter(
            |f| match (own_siret, f.code_fournisseur.as_deref().map(str::trim)) {
                (Some(own), Some(theirs)) if !theirs.is_empty() => own == theirs,
                _ => true,
            },
        )
        .find_map(|f| Some((f, f.identifiant_facture_cpp?)))
}

/// Whether the search line shows a status other than the one kept (or cannot tell).
fn moved_since(known: &KnownInvoice, search: &FactureFournisseur) -> bool {
    let (Some(status), Some(at)) = (&search.statut, &search.date_heure_etat_courant) else {
        return true;
    };
    status.code() != known.status || at.trim() != known.status_at
}

/// What a flux report means for its invoices, in words a clerk understands.
fn flux_report(
    flux: &FluxToFollow,
    state: &FluxState,
    answer: &ConsulterCrDetailleAnswer,
    at: &str,
) -> FluxReport {
    let code = state.code().to_string();
    let mut report = FluxReport {
        previous_state: flux.chorus_state.clone(),
        chorus_state: code.clone(),
        ..FluxReport::default()
    };
    let technical: Vec<String> = answer
        .liste_erreur_technique
        .iter()
        .filter_map(|e| {
            let text = e.libelle_erreur.as_deref().unwrap_or("").trim();
            let code = e.code_erreur.as_deref().unwrap_or("").trim();
            match (code.is_empty(), text.is_empty()) {
                (true, true) => None,
                (false, true) => Some(code.to_string()),
                (true, false) => Some(text.to_string()),
                (false, false) => Some(format!("{code} {text}")),
            }
        })
        .collect();
    match state {
        FluxState::PartlyIntegrated | FluxState::Rejected => {
            for e in &answer.liste_erreur_dp {
                let number = e.numero_dp.as_deref().unwrap_or("").trim().to_string();
                let message = e
                    .libelle_erreur_dp
                    .as_deref()
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .unwrap_or("motif non précisé par Chorus Pro")
                    .to_string();
                // « Déjà reçue de ce fournisseur »: this copy is refused, the invoice is on
                // Chorus Pro. Not a rejection to correct: looked up by its number.
                let duplicate = !number.is_empty() && e.says_already_received();
                report.errors.push(FluxError {
                    flux_id: flux.id,
                    invoice_number: number.clone(),
                    code: code.clone(),
                    message: message.clone(),
                    at: at.to_string(),
                    duplicate,
                });
                if duplicate {
                    report.duplicates.push((number, message));
                } else if !number.is_empty() {
                    report.failed.push((
                        number,
                        format!("Rejetée par Chorus Pro à l'intégration : {message}"),
                    ));
                }
            }
            for t in &technical {
                report.errors.push(FluxError {
                    flux_id: flux.id,
                    invoice_number: String::new(),
                    code: code.clone(),
                    message: t.clone(),
                    at: at.to_string(),
                    duplicate: false,
                });
            }
            let named = report.failed.len();
            let duplicates = if report.duplicates.is_empty() {
                String::new()
            } else {
                format!(
                    " ; {} déjà sur Chorus Pro (dépôt en double refusé, {} sans nouveau dépôt)",
                    counted(report.duplicates.len(), "facture", "factures"),
                    if report.duplicates.len() <= 1 {
                        "suivie"
                    } else {
                        "suivies"
                    }
                )
            };
            if *state == FluxState::Rejected {
                report.flux_error = format!(
                    "Flux rejeté par Chorus Pro ({}){}{duplicates}",
                    counted(
                        report.errors.len() - report.duplicates.len(),
                        "erreur",
                        "erreurs"
                    ),
                    if technical.is_empty() {
                        String::new()
                    } else {
                        format!(" : {}", technical.join(" ; "))
                    }
                );
                // Nothing of a rejected flux was integrated.
                report.fail_all_others = Some(format!(
                    "Rejetée par Chorus Pro à l'intégration : le flux {} a été rejeté en entier{}",
                    flux.flux_number,
                    if technical.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", technical.join(" ; "))
                    }
                ));
            } else {
                report.flux_error = format!(
                    "Flux intégré partiellement : {} par Chorus Pro{duplicates}",
                    counted(named, "facture rejetée", "factures rejetées")
                );
            }
        }
        FluxState::Incident | FluxState::ToResend | FluxState::InternalError => {
            let label = state.label().to_string();
            report.flux_error = format!("Flux non traité par Chorus Pro ({label})");
            report.fail_all_others = Some(format!(
                "Flux {} non traité par Chorus Pro ({label}) : la facture est à déposer de nouveau",
                flux.flux_number
            ));
        }
        _ => {}
    }
    report
}

/// The history kept and the current status; `None` when the answer names no status at all.
fn history_update(job: &HistoryJob, answer: &ConsulterHistoriqueAnswer) -> Option<HistoryUpdate> {
    let mut entries: Vec<HistoryEntry> = answer
        .historiques_des_statuts
        .as_ref()
        .map(|h| {
            h.histo_statut
                .iter()
                .filter_map(|s| {
                    let status = s.histo_statut_code.as_ref()?.code().trim().to_string();
                    let at = s.histo_statut_date_passage.as_deref()?.trim().to_string();
                    (!status.is_empty() && !at.is_empty()).then(|| HistoryEntry {
                        status,
                        at,
                        comment: s
                            .histo_statut_commentaire
                            .clone()
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    // Oldest first whatever order Chorus used.
    entries.sort_by(|a, b| {
        if later(&a.at, &b.at) {
            std::cmp::Ordering::Greater
        } else if later(&b.at, &a.at) {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Equal
        }
    });
    let status = answer
        .statut_courant_code
        .as_ref()
        .map(|s| s.code().trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| entries.last().map(|e| e.status.clone()))?;
    let status_at = entries
        .iter()
        .rev()
        .find(|e| e.status == status)
        .map(|e| e.at.clone())
        .unwrap_or_default();
    Some(HistoryUpdate {
        invoice_number: job.invoice_number.clone(),
        is_final: is_final_status(&status, job.payment_not_reported),
        entries,
        status,
        status_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chorus::factures::{HistoStatut, HistoriquesDesStatuts};
    use crate::chorus::transverses::ErreurDp;

    #[test]
    fn final_state_rule() {
        assert!(is_final_status("MISE_EN_PAIEMENT", false));
        assert!(is_final_status("REJETEE", false));
        assert!(!is_final_status("MANDATEE", false));
        assert!(is_final_status("MANDATEE", true));
        assert!(is_final_status("COMPTABILISEE", true));
        for open in [
            "DEPOSEE",
            "MISE_A_DISPOSITION",
            "A_RECYCLER",
            "SUSPENDUE",
            "SERVICE_FAIT",
        ] {
            assert!(!is_final_status(open, true), "{open}");
        }
        assert!(
            !is_final_status("A_VALIDER_MOE", true),
            "unknown codes stay open"
        );
    }

    #[test]
    fn the_store_knows_the_same_final_flux_states_as_the_client() {
        for code in db::FINAL_FLUX_STATES {
            assert!(FluxState::from_code(code).is_final(), "{code}");
        }
        for code in ["IN_RECU", "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"] {
            assert!(!db::FINAL_FLUX_STATES.contains(&code));
        }
    }

    fn flux() -> FluxToFollow {
        FluxToFollow {
            id: 3,
            company_code: "S".into(),
            flux_number: "CPP9".into(),
            syntax: String::new(),
            chorus_state: String::new(),
            sent_at: String::new(),
        }
    }

    #[test]
    fn a_partial_report_names_the_invoices_to_correct_in_french() {
        let answer = ConsulterCrDetailleAnswer {
            etat_courant_depot_flux: Some(FluxState::PartlyIntegrated),
            liste_erreur_dp: vec![ErreurDp {
                numero_dp: Some(" F2 ".into()),
                libelle_erreur_dp: Some("SIRET inconnu".into()),
                ..ErreurDp::default()
            }],
            ..ConsulterCrDetailleAnswer::default()
        };
        let r = flux_report(&flux(), &FluxState::PartlyIntegrated, &answer, "t");
        assert_eq!(
            r.failed,
            vec![(
                "F2".to_string(),
                "Rejetée par Chorus Pro à l'intégration : SIRET inconnu".to_string()
            )]
        );
        assert!(r.fail_all_others.is_none());
        let r = flux_report(&flux(), &FluxState::Rejected, &answer, "t");
        assert!(r.fail_all_others.unwrap().contains("rejeté en entier"));
        let r = flux_report(&flux(), &FluxState::Incident, &answer, "t");
        assert!(r.failed.is_empty());
        assert!(r.fail_all_others.unwrap().contains("à déposer de nouveau"));
    }

    #[test]
    fn a_copy_refused_as_a_duplicate_is_not_a_rejection_to_correct() {
        let answer = ConsulterCrDetailleAnswer {
            etat_courant_depot_flux: Some(FluxState::Rejected),
            liste_erreur_dp: vec![
                ErreurDp {
                    numero_dp: Some("F1".into()),
                    libelle_erreur_dp: Some(
                        "La facture n° F1 a déjà été reçue de ce fournisseur.".into(),
                    ),
                    ..ErreurDp::default()
                },
                ErreurDp {
                    numero_dp: Some("F2".into()),
                    libelle_erreur_dp: Some("SIRET inconnu".into()),
                    ..ErreurDp::default()
                },
            ],
            ..ConsulterCrDetailleAnswer::default()
        };
        let r = flux_report(&flux(), &FluxState::Rejected, &answer, "t");
        assert_eq!(r.duplicates.len(), 1);
        assert_eq!(r.duplicates[0].0, "F1");
        assert_eq!(r.failed.len(), 1);
        assert_eq!(r.failed[0].0, "F2");
        assert!(
            r.errors
                .iter()
                .any(|e| e.invoice_number == "F1" && e.duplicate)
        );
        assert!(
            r.flux_error.contains("1 facture déjà sur Chorus Pro"),
            "{}",
            r.flux_error
        );

        // Written: F1 stays deposited (to look up), F2 and the flux's other invoice fail.
        use crate::store::deposits::{self, FluxMode, JournalState, NewFlux};
        let mut store = crate::store::Store::open_in_memory().unwrap();
        let conn = store.conn_mut();
        let id = deposits::insert_flux(
            conn,
            &NewFlux {
                company_code: "S".into(),
                mode: FluxMode::Lot,
                syntax: String::new(),
                name: String::new(),
                file_path: String::new(),
                file_sha256: String::new(),
                file_size: 0,
                invoice_count: 3,
                created_at: "t".into(),
            },
        )
        .unwrap();
        deposits::flux_sent(conn, id, "CPP9", "t").unwrap();
        for n in ["F1", "F2", "F3"] {
            let j = deposits::begin(conn, n, id, "t").unwrap().unwrap();
            deposits::finish(conn, j, JournalState::Deposited, "", "t").unwrap();
        }
        let report = FluxReport {
            errors: r
                .errors
                .iter()
                .map(|e| FluxError {
                    flux_id: id,
                    ..e.clone()
                })
                .collect(),
            ..r
        };
        let tx = conn.transaction().unwrap();
        let applied = db::apply_flux_report(&*tx, id, &report, "t").unwrap();
        tx.commit().unwrap();
        assert!(applied.written);
        let failed: Vec<&str> = applied.rejected.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(failed, ["F2", "F3"]);
        assert_eq!(applied.duplicates.len(), 1);
        let f1 = deposits::active_entry(conn, "F1").unwrap().unwrap();
        assert_eq!(f1.state, JournalState::Deposited);
        assert!(f1.error.contains("déjà sur Chorus Pro"), "{}", f1.error);
        assert_eq!(db::duplicates_to_look_up(conn).unwrap().len(), 1);
        let open = db::open_rejections(conn).unwrap();
        assert!(open.contains_key("F2") && !open.contains_key("F1"));
        // The same report written again by another session: nothing written twice.
        let tx = conn.transaction().unwrap();
        let again = db::apply_flux_report(&*tx, id, &report, "t").unwrap();
        tx.commit().unwrap();
        assert!(!again.written);
        assert_eq!(db::flux_list(conn).unwrap()[0].errors.len(), 2);
    }

    #[test]
    fn a_chorus_that_no_longer_answers_is_given_up_after_a_few_calls() {
        use crate::chorus::{ClientOptions, Credentials, Environment, RetryPolicy, Secret};
        use crate::store::deposits::{self, FluxMode, NewFlux};
        let store = crate::store::Store::open_in_memory().unwrap();
        for i in 0..30 {
            let id = deposits::insert_flux(
                store.db(),
                &NewFlux {
                    company_code: "S".into(),
                    mode: FluxMode::Sequential,
                    syntax: "IN_DP_E1_UBL_INVOICE".into(),
                    name: String::new(),
                    file_path: String::new(),
                    file_sha256: String::new(),
                    file_size: 0,
                    invoice_count: 1,
                    created_at: "t".into(),
                },
            )
            .unwrap();
            deposits::flux_sent(store.db(), id, &format!("CPP{i}"), "t").unwrap();
        }
        // A port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = ChorusClient::new(
            Environment::Sandbox {
                api_base: format!("http://127.0.0.1:{port}"),
                token_url: format!("http://127.0.0.1:{port}/api/oauth/token"),
            },
            Credentials {
                client_id: "id".into(),
                client_secret: Secret::new("s"),
                login: "l".into(),
                password: Secret::new("p"),
            },
            ClientOptions {
                retry: RetryPolicy::none(),
                ..ClientOptions::default()
            },
        )
        .unwrap();
        let report = sync(
            store.db(),
            &Clients::single(client),
            &SyncOptions::default(),
            &crate::progress::Silent,
        )
        .unwrap();
        assert_eq!(report.fluxes_checked, 0);
        assert!(
            report.errors.len() <= MAX_FAILURES_IN_A_ROW + 1,
            "{:?}",
            report.errors
        );
        assert!(
            report.errors.last().unwrap().contains("ne répond plus") || report.errors.len() == 1,
            "{:?}",
            report.errors
        );
        assert_eq!(db::fluxes_to_check(store.db()).unwrap().len(), 30);
    }

    #[test]
    fn a_history_in_any_order_gives_the_latest_status() {
        let job = HistoryJob {
            invoice_number: "F1".into(),
            company_code: "S".into(),
            cpp_id: 1,
            payment_not_reported: true,
            old_status: String::new(),
        };
        let step = |code: &str, at: &str| HistoStatut {
            histo_statut_code: Some(crate::chorus::InvoiceStatus::from_code(code)),
            histo_statut_date_passage: Some(at.into()),
            ..HistoStatut::default()
        };
        let answer = ConsulterHistoriqueAnswer {
            historiques_des_statuts: Some(HistoriquesDesStatuts {
                histo_statut: vec![
                    step("MANDATEE", "2026-11-20T10:00:00.000+00:00"),
                    step("DEPOSEE", "2026-11-01T10:00:00+01:00"),
                    step("SERVICE_FAIT", "2026-11-10T10:00:00+00:00"),
                ],
                ..HistoriquesDesStatuts::default()
            }),
            ..ConsulterHistoriqueAnswer::default()
        };
        let u = history_update(&job, &answer).unwrap();
        assert_eq!(u.status, "MANDATEE");
        assert_eq!(u.status_at, "2026-11-20T10:00:00.000+00:00");
        assert!(u.is_final, "payment not reported: MANDATEE is final");
        assert_eq!(u.entries[0].status, "DEPOSEE");
        assert!(history_update(&job, &ConsulterHistoriqueAnswer::default()).is_none());
    }

    // ---- what the sync makes of any answer: never a panic ----------------------------------

    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            Just(String::new()),
            Just("2026-11-20T10:00:00.000+00:00".to_string()),
            Just("2026-11-20T10:00:00+01:00".to_string()),
            Just("9999-99-99T99:99".to_string()),
            Just("MISE_EN_PAIEMENT".to_string()),
            Just("déjà reçue de ce fournisseur".to_string()),
            "\\PC{0,16}",
        ])
    }

    fn code() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("IN_INTEGRE".to_string()),
            Just("IN_INTEGRE_PARTIEL".to_string()),
            Just("IN_REJETE".to_string()),
            Just("IN_INCIDENTE".to_string()),
            Just("DEPOSEE".to_string()),
            Just("MANDATEE".to_string()),
            Just("REJETEE".to_string()),
            Just(String::new()),
            "\\PC{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn any_flux_report_is_read_without_panic(
            state in code(),
            errors in prop::collection::vec((text(), text(), text()), 0..5),
            date in text(),
        ) {
            let answer = ConsulterCrDetailleAnswer {
                etat_courant_depot_flux: Some(FluxState::from_code(&state)),
                date_heure_etat_courant_flux: date,
                liste_erreur_dp: errors
                    .into_iter()
                    .map(|(numero, libelle, fournisseur)| ErreurDp {
                        numero_dp: numero,
                        libelle_erreur_dp: libelle,
                        identifiant_fournisseur: fournisseur,
                        ..ErreurDp::default()
                    })
                    .collect(),
                ..ConsulterCrDetailleAnswer::default()
            };
            let report = flux_report(&flux(), &FluxState::from_code(&state), &answer, "t");
            prop_assert_eq!(report.chorus_state, FluxState::from_code(&state).code().to_string());
        }

        #[test]
        fn any_history_is_read_without_panic(
            steps in prop::collection::vec((prop::option::of(code()), text(), text()), 0..8),
            current in prop::option::of(code()),
            payment_not_reported in any::<bool>(),
        ) {
            let job = HistoryJob {
                invoice_number: "F1".into(),
                company_code: "S".into(),
                cpp_id: 1,
                payment_not_reported,
                old_status: String::new(),
            };
            let answer = ConsulterHistoriqueAnswer {
                statut_courant_code: current.map(|c| crate::chorus::InvoiceStatus::from_code(&c)),
                historiques_des_statuts: Some(HistoriquesDesStatuts {
                    histo_statut: steps
                        .into_iter()
                        .map(|(code, at, comment)| HistoStatut {
                            histo_statut_code: code
                                .map(|c| crate::chorus::InvoiceStatus::from_code(&c)),
                            histo_statut_date_passage: at,
                            histo_statut_commentaire: comment,
                            ..HistoStatut::default()
                        })
                        .collect(),
                    ..HistoriquesDesStatuts::default()
                }),
                ..ConsulterHistoriqueAnswer::default()
            };
            if let Some(update) = history_update(&job, &answer) {
                prop_assert_eq!(
                    update.is_final,
                    is_final_status(&update.status, payment_not_reported)
                );
            }
        }
    }
}
