//! The two ways of depositing: one flux per invoice with a wait between calls
//! (« Dépôt séquentiel »), or the selected invoices of each company in one archive
//! (« Dépôt par lot »).

use super::files::{flux_dir, keep, sha256_hex};
use super::journal::{now, reconcile};
use super::plan::split_into_fluxes;
use super::{DepositFailure, FluxFile, FluxLimits, FluxWriter, Gateway};
use crate::progress::Progress;
use crate::store::Store;
use crate::store::deposits::{self, FluxMode, FluxNumbering, JournalState, NewFlux, Settled};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What happened to one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted by Chorus Pro under this `numeroFluxDepot`.
    Deposited(String),
    /// Deposited before: not sent again.
    AlreadyDeposited,
    /// The outcome is not known yet: not sent again until Chorus Pro shows it.
    ToVerify(String),
    Failed(String),
    /// Not attempted: stopped by the user, or by an earlier error.
    NotSent(String),
}

impl Outcome {
    /// The « Résultat » column of the report, in French.
    pub fn text(&self) -> String {
        match self {
            Outcome::Deposited(flux) => format!("déposée : flux {flux}"),
            Outcome::AlreadyDeposited => "déjà déposée : ignorée".into(),
            Outcome::ToVerify(why) => format!("à vérifier : {why}"),
            Outcome::Failed(why) => format!("échec : {why}"),
            Outcome::NotSent(why) => format!("non envoyée : {why}"),
        }
    }

    /// True when the invoice is not (known to be) on Chorus Pro after this run.
    pub fn is_failure(&self) -> bool {
        matches!(self, Outcome::Failed(_) | Outcome::NotSent(_))
    }
}

/// One line of the report: « N° pièce », « Fichier », « Résultat ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceOutcome {
    pub invoice_number: String,
    pub file: String,
    pub outcome: Outcome,
}

impl InvoiceOutcome {
    /// `2300630 — F2300630.xml — déposée : flux FLUX-1`, for a text report.
    pub fn line(&self) -> String {
        if self.file.is_empty() {
            format!("{} — {}", self.invoice_number, self.outcome.text())
        } else {
            format!(
                "{} — {} — {}",
                self.invoice_number,
                self.file,
                self.outcome.text()
            )
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepositReport {
    pub outcomes: Vec<InvoiceOutcome>,
    /// Notices for the user (a lot split at the limits, reconciled deposits…).
    pub notices: Vec<String>,
    pub cancelled: bool,
}

impl DepositReport {
    pub fn deposited(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::Deposited(_)))
            .count()
    }

    /// Not deposited: refused or failed, and not attempted (a stop, an earlier error).
    pub fn failures(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome.is_failure())
            .count()
    }

    /// Not attempted (stopped by the user or by an earlier error): part of `failures`.
    pub fn not_sent(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.outcome, Outcome::NotSent(_)))
            .count()
    }

    /// « 2 déposées, 0 en échec, 8 non envoyées » for the window and the CLI.
    pub fn summary(&self) -> String {
        use crate::model::counted;
        let not_sent = self.not_sent();
        let mut text = format!(
            "{}, {} en échec",
            counted(self.deposited(), "déposée", "déposées"),
            self.failures() - not_sent
        );
        if not_sent > 0 {
            text.push_str(&format!(
                ", {}",
                counted(not_sent, "non envoyée", "non envoyées")
            ));
        }
        text
    }

    fn push(&mut self, invoice_number: &str, file: &str, outcome: Outcome) {
        self.outcomes.push(InvoiceOutcome {
            invoice_number: invoice_number.to_string(),
            file: file.to_string(),
            outcome,
        });
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DepositError {
    #[error("pendant le dépôt, {0}")]
    Store(#[from] crate::store::sql::SqlError),
    #[error("{0}")]
    Files(String),
}

#[derive(Debug, Clone)]
pub struct SequentialOptions {
    /// Wait between two calls (default 1 s).
    pub wait: Duration,
    /// « Passer à la facture suivante en cas d'erreur ».
    pub skip_on_error: bool,
    pub uncertain_after: Duration,
}

impl Default for SequentialOptions {
    fn default() -> SequentialOptions {
        SequentialOptions {
            wait: Duration::from_millis(1000),
            skip_on_error: true,
            uncertain_after: super::DEFAULT_UNCERTAIN_AFTER,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LotOptions {
    /// The flux name given by the user (« Factures du client X pour le mois Y »).
    pub name: String,
    pub limits: FluxLimits,
    pub uncertain_after: Duration,
}

/// Resolves the uncertain deposits, then tells which of `invoices` must not be sent.
fn prepare(
    store: &Store,
    gateway: &dyn Gateway,
    uncertain_after: Duration,
    report: &mut DepositReport,
) -> Result<HashSet<String>, DepositError> {
    for r in reconcile(store, gateway, uncertain_after)? {
        report.notices.push(format!(
            "Facture {} : {} ({})",
            r.invoice_number,
            r.state.label(),
            r.note
        ));
    }
    Ok(deposits::not_to_resend(store.db())?.into_iter().collect())
}

fn blocked_outcome(store: &Store, number: &str) -> Result<Outcome, DepositError> {
    Ok(match deposits::active_entry(store.db(), number)? {
        Some(e) if e.state == JournalState::Uncertain || e.state == JournalState::InProgress => {
            Outcome::ToVerify(if e.error.is_empty() {
                "dépôt précédent sans réponse".into()
            } else {
                e.error
            })
        }
        _ => Outcome::AlreadyDeposited,
    })
}

/// A flux file about to be kept on disk.
struct FluxToKeep<'a> {
    company_code: &'a str,
    mode: FluxMode,
    syntax: &'a str,
    name: String,
    file_name: &'a str,
    bytes: &'a [u8],
    invoice_count: usize,
}

/// Keeps the file next to the database and records its flux, before any call.
fn record_flux(store: &Store, f: FluxToKeep<'_>) -> Result<(i64, PathBuf), DepositError> {
    let path = keep(&flux_dir(store.path()), f.file_name, f.bytes).map_err(DepositError::Files)?;
    let id = deposits::insert_flux(
        store.db(),
        &NewFlux {
            company_code: f.company_code.to_string(),
            mode: f.mode,
            syntax: f.syntax.to_string(),
            name: f.name,
            file_path: path.display().to_string(),
            file_sha256: sha256_hex(f.bytes),
            file_size: f.bytes.len() as u64,
            invoice_count: f.invoice_count,
            created_at: now(),
        },
    )?;
    Ok((id, path))
}

/// Sends one flux whose journal rows are written; completes them with the answer.
///
/// One outcome per journal row: the answer of Chorus Pro, unless another session working
/// on the same base (a reconciliation in another window) moved the row first; then the row
/// says what it says now and the outcome tells what the other session did.
#[allow(clippy::too_many_arguments)]
fn send_flux(
    store: &Store,
    gateway: &dyn Gateway,
    company_code: &str,
    flux_id: i64,
    journal: &[(String, i64)],
    file_name: &str,
    bytes: &[u8],
    syntax: &str,
) -> Result<Vec<Outcome>, DepositError> {
    let conn = store.db();
    let answer = match gateway.deposit_flux(company_code, file_name, bytes, syntax) {
        Ok(number) if number.trim().is_empty() => Err(DepositFailure::Unknown(
            "Chorus Pro a accepté le dépôt sans donner de numéro de flux".into(),
        )),
        Ok(number) => Ok(number.trim().to_string()),
        Err(failure) => Err(failure),
    };
    let outcome = match answer {
        Ok(flux_number) => match deposits::flux_sent(conn, flux_id, &flux_number, &now())? {
            FluxNumbering::Recorded => Outcome::Deposited(flux_number),
            FluxNumbering::HeldBy {
                flux_id: other,
                name,
            } => {
                // Chorus Pro gave a number we already hold for another flux: one of the two
                // answers is wrong. Not a crash of the run, not « déposée » either.
                let why = format!(
                    "Chorus Pro a répondu par le numéro de flux {flux_number}, déjà attribué au \
                     flux n° {other} (« {name} ») de cette base : réponse incohérente, à \
                     vérifier sur Chorus Pro ; la facture sera recherchée par son numéro avant \
                     tout renvoi"
                );
                deposits::flux_failed(conn, flux_id, "A_VERIFIER", &why)?;
                Outcome::ToVerify(why)
            }
            FluxNumbering::Settled { state } => Outcome::ToVerify(format!(
                "Chorus Pro a donné le numéro de flux {flux_number}, mais une autre session a \
                 entre-temps classé ce flux « {state} » : à vérifier sur Chorus Pro"
            )),
        },
        Err(DepositFailure::NotReceived(why)) => {
            deposits::flux_failed(conn, flux_id, "ECHEC", &why)?;
            Outcome::Failed(why)
        }
        Err(DepositFailure::Unknown(why)) => {
            deposits::flux_failed(conn, flux_id, "A_VERIFIER", &why)?;
            Outcome::ToVerify(format!(
                "{why} ; sera recherchée sur Chorus Pro avant tout renvoi"
            ))
        }
    };
    let (state, error) = match &outcome {
        Outcome::Deposited(_) => (JournalState::Deposited, String::new()),
        Outcome::ToVerify(why) => (JournalState::Uncertain, why.clone()),
        Outcome::Failed(why) => (JournalState::Failed, why.clone()),
        _ => (JournalState::Failed, String::new()),
    };
    let at = now();
    let mut outcomes = Vec::with_capacity(journal.len());
    for (_, journal_id) in journal {
        let settled = deposits::finish(conn, *journal_id, state, &error, &at)?;
        outcomes.push(after_race(&outcome, &settled));
    }
    Ok(outcomes)
}

/// The outcome to report for one invoice once its journal row is settled: ours, or what
/// another session wrote first when the journal kept it.
fn after_race(ours: &Outcome, settled: &Settled) -> Outcome {
    let Some(other) = settled.raced else {
        return ours.clone();
    };
    let note = if settled.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", settled.note)
    };
    match (settled.state, ours) {
        // Ours was written on top of the other session's (« à vérifier » → « déposée »).
        (JournalState::Deposited, Outcome::Deposited(_)) => ours.clone(),
        (JournalState::Deposited, _) => Outcome::AlreadyDeposited,
        (JournalState::Failed, Outcome::Failed(_)) => ours.clone(),
        (JournalState::Failed, _) => Outcome::ToVerify(format!(
            "une autre session a classé ce dépôt « {} » pendant l'envoi{note} : vérifiez sur \
             Chorus Pro avant tout renvoi",
            other.label()
        )),
        (JournalState::Uncertain, Outcome::ToVerify(_)) => ours.clone(),
        (JournalState::Uncertain | JournalState::InProgress, _) => Outcome::ToVerify(format!(
            "une autre session a classé ce dépôt « {} » pendant l'envoi{note}",
            other.label()
        )),
    }
}

/// Sleeps `wait`, waking early when the user stops the run.
fn wait_or_stop(wait: Duration, progress: &dyn Progress) {
    let end = Instant::now() + wait;
    while Instant::now() < end && !progress.is_cancelled() {
        std::thread::sleep((end - Instant::now()).min(Duration::from_millis(50)));
    }
}

/// « Dépôt séquentiel »: one flux per invoice, in order.
pub fn run_sequential(
    store: &Store,
    gateway: &dyn Gateway,
    writer: &dyn FluxWriter,
    invoices: &[String],
    options: &SequentialOptions,
    progress: &dyn Progress,
) -> Result<DepositReport, DepositError> {
    let mut report = DepositReport::default();
    progress.update(0.0, "Vérification des dépôts précédents…");
    let blocked = prepare(store, gateway, options.uncertain_after, &mut report)?;
    let total = invoices.len().max(1);
    let mut stop_reason: Option<String> = None;
    let mut sent = 0usize;
    let mut told = 0usize;
    for (i, number) in invoices.iter().enumerate() {
        tell_new_outcomes(&report, &mut told, progress);
        if let Some(why) = &stop_reason {
            report.push(number, "", Outcome::NotSent(why.clone()));
            continue;
        }
        if progress.is_cancelled() {
            report.cancelled = true;
            stop_reason = Some("dépôt arrêté par l'utilisateur".into());
            report.push(
                number,
                "",
                Outcome::NotSent("dépôt arrêté par l'utilisateur".into()),
            );
            continue;
        }
        if blocked.contains(number) {
            report.push(number, "", blocked_outcome(store, number)?);
            continue;
        }
        if let Some(why) = gateway.gave_up() {
            report.notices.push(why.clone());
            stop_reason = Some(why.clone());
            report.push(number, "", Outcome::NotSent(why));
            continue;
        }
        if sent > 0 {
            wait_or_stop(options.wait, progress);
        }
        // The remaining time is the window's to estimate (`JobProgress::remaining`).
        progress.update(
            i as f32 / total as f32,
            &format!("Facture {number} ({}/{})", i + 1, invoices.len()),
        );
        let file = match writer.invoice_file(number) {
            Ok(file) => file,
            Err(why) => {
                report.push(number, "", Outcome::Failed(why.clone()));
                if !options.skip_on_error {
                    stop_reason = Some(format!("arrêt après l'erreur sur {number}"));
                }
                continue;
            }
        };
        let (flux_id, path) = record_flux(
            store,
            FluxToKeep {
                company_code: &file.company_code,
                mode: FluxMode::Sequential,
                syntax: writer.syntax(),
                name: format!("Facture {number}"),
                file_name: &file.file_name,
                bytes: &file.bytes,
                invoice_count: 1,
            },
        )?;
        let shown = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(journal_id) = deposits::begin(store.db(), number, flux_id, &now())? else {
            deposits::flux_failed(store.db(), flux_id, "ECHEC", "déjà déposée")?;
            report.push(number, &shown, Outcome::AlreadyDeposited);
            continue;
        };
        sent += 1;
        let outcome = send_flux(
            store,
            gateway,
            &file.company_code,
            flux_id,
            &[(number.clone(), journal_id)],
            &file.file_name,
            &file.bytes,
            writer.syntax(),
        )?
        .remove(0);
        if matches!(outcome, Outcome::Failed(_)) && !options.skip_on_error {
            stop_reason = Some(format!("arrêt après l'erreur sur {number}"));
        }
        report.push(number, &shown, outcome);
    }
    tell_new_outcomes(&report, &mut told, progress);
    progress.update(1.0, "Dépôt terminé");
    Ok(report)
}

/// Passes the report's lines not yet told on to `progress`, as they come.
fn tell_new_outcomes(report: &DepositReport, told: &mut usize, progress: &dyn Progress) {
    for o in report.outcomes.iter().skip(*told) {
        progress.detail(&o.line());
    }
    *told = report.outcomes.len();
}

/// A lot ready to send: its file on disk and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedFlux {
    pub flux_id: i64,
    pub company_code: String,
    pub path: PathBuf,
    pub size: u64,
    /// SHA-256 of the archive as written: what is sent must still be it.
    pub sha256: String,
    pub invoices: Vec<String>,
    /// SHA-256 of each invoice's e-invoice file in the archive, in `invoices` order: a lot
    /// is sent only while every invoice would still be written the same.
    pub file_sha256: Vec<String>,
}

/// « Génération du flux »: writes the lot file(s), one per company, split at the limits.
/// Invoices already deposited or to verify are left out and reported.
pub fn prepare_lot(
    store: &Store,
    gateway: &dyn Gateway,
    writer: &dyn FluxWriter,
    invoices: &[String],
    options: &LotOptions,
    progress: &dyn Progress,
) -> Result<(Vec<PreparedFlux>, DepositReport), DepositError> {
    let mut report = DepositReport::default();
    progress.update(0.0, "Vérification des dépôts précédents…");
    let blocked = prepare(store, gateway, options.uncertain_after, &mut report)?;
    let mut files: Vec<FluxFile> = Vec::new();
    let total = invoices.len().max(1);
    for (i, number) in invoices.iter().enumerate() {
        if progress.is_cancelled() {
            report.cancelled = true;
            return Ok((Vec::new(), report));
        }
        if i % 16 == 0 {
            progress.update(
                0.8 * i as f32 / total as f32,
                &format!("Génération des fichiers ({}/{})…", i + 1, invoices.len()),
            );
        }
        if blocked.contains(number) {
            report.push(number, "", blocked_outcome(store, number)?);
            continue;
        }
        match writer.invoice_file(number) {
            Ok(file) => files.push(file),
            Err(why) => report.push(number, "", Outcome::Failed(why)),
        }
    }
    let companies: HashSet<String> = files.iter().map(|f| f.company_code.clone()).collect();
    let groups = split_into_fluxes(files, options.limits);
    if groups.len() > companies.len() {
        report.notices.push(format!(
            "Le lot dépasse les limites d'un flux ({} factures, {} Mo) : il est découpé en {} flux",
            options.limits.max_invoices,
            options.limits.max_bytes / (1024 * 1024),
            groups.len()
        ));
    }
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let mut prepared = Vec::new();
    let count = groups.len();
    for (k, group) in groups.into_iter().enumerate() {
        progress.update(
            0.8 + 0.2 * k as f32 / count.max(1) as f32,
            "Écriture des lots…",
        );
        let company = group[0].company_code.clone();
        let archive = writer.archive(&group).map_err(DepositError::Files)?;
        let name = if count > 1 {
            format!("{} ({}/{count})", options.name, k + 1)
        } else {
            options.name.clone()
        };
        let file_name = format!(
            "lot-{company}-{stamp}-{}.{}",
            k + 1,
            writer.archive_extension()
        );
        let (flux_id, path) = record_flux(
            store,
            FluxToKeep {
                company_code: &company,
                mode: FluxMode::Lot,
                syntax: writer.syntax(),
                name,
                file_name: &file_name,
                bytes: &archive,
                invoice_count: group.len(),
            },
        )?;
        prepared.push(PreparedFlux {
            flux_id,
            company_code: company,
            size: archive.len() as u64,
            sha256: sha256_hex(&archive),
            path,
            file_sha256: group.iter().map(|f| sha256_hex(&f.bytes)).collect(),
            invoices: group.into_iter().map(|f| f.invoice_number).collect(),
        });
    }
    progress.update(1.0, "Flux générés");
    Ok((prepared, report))
}

/// « Déposer sur Chorus »: sends prepared lots, each invoice journalled before the call.
pub fn send_lots(
    store: &Store,
    gateway: &dyn Gateway,
    syntax: &str,
    prepared: &[PreparedFlux],
    report: &mut DepositReport,
    progress: &dyn Progress,
) -> Result<(), DepositError> {
    let mut told = report.outcomes.len();
    for (k, flux) in prepared.iter().enumerate() {
        tell_new_outcomes(report, &mut told, progress);
        let file_name = flux
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stop = if progress.is_cancelled() {
            report.cancelled = true;
            Some("dépôt arrêté par l'utilisateur".to_string())
        } else {
            gateway.gave_up()
        };
        if let Some(why) = stop {
            if !report.cancelled && !report.notices.contains(&why) {
                report.notices.push(why.clone());
            }
            for n in &flux.invoices {
                report.push(n, &file_name, Outcome::NotSent(why.clone()));
            }
            continue;
        }
        progress.update(
            k as f32 / prepared.len().max(1) as f32,
            &format!(
                "Envoi du flux {}/{} ({} factures)…",
                k + 1,
                prepared.len(),
                flux.invoices.len()
            ),
        );
        let bytes = std::fs::read(&flux.path).map_err(|e| {
            DepositError::Files(format!(
                "impossible de relire {} : {e}",
                flux.path.display()
            ))
        })?;
        // All the archive's invoices are claimed, or none: the file cannot leave without
        // an invoice another session (a second window, another PC) deposited since it was
        // generated — that invoice would reach Chorus Pro twice.
        let journal = match deposits::begin_all(store.db(), &flux.invoices, flux.flux_id, &now())? {
            deposits::FluxClaim::Claimed(journal) => journal,
            deposits::FluxClaim::Taken(taken) => {
                let why = lot_overtaken_reason(&taken);
                deposits::fluxes_abandoned(store.db(), &[flux.flux_id], &why)?;
                report.notices.push(format!("{file_name} : {why}"));
                for n in &flux.invoices {
                    let outcome = if taken.contains(n) {
                        Outcome::AlreadyDeposited
                    } else {
                        Outcome::NotSent(why.clone())
                    };
                    report.push(n, &file_name, outcome);
                }
                continue;
            }
        };
        let outcomes = send_flux(
            store,
            gateway,
            &flux.company_code,
            flux.flux_id,
            &journal,
            &file_name,
            &bytes,
            syntax,
        )?;
        for ((n, _), outcome) in journal.iter().zip(outcomes) {
            report.push(n, &file_name, outcome);
        }
    }
    tell_new_outcomes(report, &mut told, progress);
    progress.update(1.0, "Dépôt terminé");
    Ok(())
}

/// Why a generated lot was not sent: some of its invoices were deposited in the meantime.
fn lot_overtaken_reason(taken: &[String]) -> String {
    let shown: Vec<&str> = taken.iter().take(5).map(String::as_str).collect();
    let more = taken.len().saturating_sub(shown.len());
    let list = if more > 0 {
        format!(
            "{} et {more} autre{}",
            shown.join(", "),
            if more > 1 { "s" } else { "" }
        )
    } else {
        shown.join(", ")
    };
    let (count, verb) = if taken.len() > 1 {
        (format!("{} de ses factures", taken.len()), "ont")
    } else {
        ("une de ses factures".to_string(), "a")
    };
    format!(
        "lot non envoyé : {count} ({list}) {verb} été déposée{} entre-temps, depuis un autre \
         poste ou une autre fenêtre ; régénérez le lot",
        if taken.len() > 1 { "s" } else { "" }
    )
}

/// Both steps of « Dépôt par lot » at once (the CLI).
pub fn run_lot(
    store: &Store,
    gateway: &dyn Gateway,
    writer: &dyn FluxWriter,
    invoices: &[String],
    options: &LotOptions,
    progress: &dyn Progress,
) -> Result<DepositReport, DepositError> {
    let (prepared, mut report) = prepare_lot(store, gateway, writer, invoices, options, progress)?;
    send_lots(
        store,
        gateway,
        writer.syntax(),
        &prepared,
        &mut report,
        progress,
    )?;
    Ok(report)
}
