//! The session's deposit commands: « Génération du flux » (a lot bound to the selection it
//! came from), the confirmation asked before anything leaves, then the lot or the
//! sequential deposit as a background job, and « Déposer quand même ».

use super::{JobOutput, Reply, Session};
use crate::app::deposit_setup::DepositChoices;
use crate::app::deposit_summary::{DepositMode, DepositSummary, DepositTarget};
use crate::app::jobs::JobKind;
use crate::app::prepared_lot::PreparedLot;
use crate::checks::AnomalyCode;
use crate::deposit::engine::send_lots;
use crate::deposit::{LotOptions, SequentialOptions, run_sequential};
use crate::einvoice::Format;
use crate::store::Store;
use std::time::Duration;

/// What leaves once the user confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepositRequest {
    /// The prepared lot, as it is.
    Lot,
    Sequential {
        invoices: Vec<String>,
        wait: Duration,
        skip_on_error: bool,
        choices: DepositChoices,
    },
}

/// A deposit waiting for « Envoyer » or « Annuler ».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDeposit {
    pub summary: DepositSummary,
    pub request: DepositRequest,
}

impl Session {
    pub fn can_deposit(&self) -> bool {
        self.deposit_factory.is_some()
    }

    /// « Génération du flux »: writes the lot files of `selection`, shown before anything is
    /// sent. `tick_generation` ties the lot to the ticks it came from.
    pub fn prepare_lot(
        &mut self,
        selection: Vec<String>,
        name: String,
        choices: DepositChoices,
        tick_generation: u64,
    ) {
        let Some(factory) = self.deposit_factory.clone() else {
            self.notice(
                true,
                "Dépôt impossible : connexion à Chorus Pro non configurée",
            );
            return;
        };
        if self.job.is_some() {
            return;
        }
        self.abandon_prepared_lot(None);
        self.lot_discarded = None;
        let db = self.db_path.clone();
        self.start_job(JobKind::DepositPrepare, move |progress| {
            let setup = factory(&db, &choices)?;
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            let options = LotOptions {
                name: name.clone(),
                limits: setup.limits,
                uncertain_after: setup.uncertain_after,
            };
            crate::deposit::engine::prepare_lot(
                &store,
                setup.gateway.as_ref(),
                setup.writer.as_ref(),
                &selection,
                &options,
                progress,
            )
            .map(|(fluxes, report)| {
                JobOutput::Prepared(Box::new(PreparedLot {
                    fluxes,
                    report,
                    choices,
                    name,
                    selection,
                    tick_generation,
                }))
            })
            .map_err(|e| e.to_string())
        });
    }

    /// Throws the prepared lot away and says why (shown in « Dépôt » until the next
    /// generation). Its files are marked abandoned: they will never be sent.
    pub fn discard_prepared_lot(&mut self, reason: String) {
        if self.prepared_lot.is_none() {
            return;
        }
        self.abandon_prepared_lot(Some(&reason));
        self.lot_discarded = Some(reason);
    }

    fn abandon_prepared_lot(&mut self, reason: Option<&str>) {
        let Some(lot) = self.prepared_lot.take() else {
            return;
        };
        if matches!(
            self.pending_deposit.as_ref().map(|p| &p.request),
            Some(DepositRequest::Lot)
        ) {
            self.pending_deposit = None;
        }
        let ids: Vec<i64> = lot.fluxes.iter().map(|f| f.flux_id).collect();
        let why = reason
            .map(|r| format!("abandonné avant l'envoi : {r}"))
            .unwrap_or_else(|| "abandonné avant l'envoi : flux généré de nouveau".into());
        self.query(move |store| {
            match crate::store::deposits::fluxes_abandoned(store.db(), &ids, &why) {
                Ok(()) => Reply::Nothing,
                Err(e) => Reply::Notice(super::Notice {
                    error: true,
                    text: format!("Flux abandonnés non notés dans la base : {e}"),
                }),
            }
        });
    }

    /// Asks for the confirmation of a deposit: the summary is made on a worker (the
    /// settings say where it goes) and comes back as `pending_deposit`.
    pub fn ask_deposit(&mut self, request: DepositRequest) {
        let Some(report) = self.report.clone() else {
            return;
        };
        let Some(connector) = self.connector.clone() else {
            self.notice(
                true,
                "Dépôt impossible : connexion à Chorus Pro non configurée",
            );
            return;
        };
        let (mode, invoices, format, fluxes) = match &request {
            DepositRequest::Lot => {
                let Some(lot) = &self.prepared_lot else {
                    return;
                };
                (
                    DepositMode::Lot,
                    lot.invoices(),
                    lot.choices.format.clone(),
                    Some(lot.fluxes.len()),
                )
            }
            DepositRequest::Sequential {
                invoices, choices, ..
            } => (
                DepositMode::Sequential,
                invoices.clone(),
                choices.format.clone(),
                None,
            ),
        };
        let Some(format) = Format::from_code(&format) else {
            self.notice(true, format!("Format « {format} » inconnu"));
            return;
        };
        let db = self.db_path.clone();
        let tx = self.tx.clone();
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            let reply = match connector.settings(&db) {
                Ok(settings) => {
                    let target = connector.target(&settings);
                    let summary =
                        DepositSummary::new(mode, &invoices, &report, format, fluxes, target);
                    Reply::ConfirmDeposit(Box::new(PendingDeposit { summary, request }))
                }
                Err(e) => Reply::Notice(super::Notice {
                    error: true,
                    text: format!("Dépôt impossible : paramétrage illisible ({e})"),
                }),
            };
            let _ = tx.send(reply);
            waker();
        });
    }

    /// « Annuler » in the confirmation: nothing leaves.
    pub fn cancel_deposit(&mut self) {
        if self.pending_deposit.take().is_some() {
            self.notice(false, "Dépôt annulé : rien n'a été envoyé");
        }
    }

    /// « Envoyer » in the confirmation: the deposit starts, to the place confirmed only.
    pub fn confirm_deposit(&mut self) {
        if self.job.is_some() {
            return;
        }
        let Some(pending) = self.pending_deposit.take() else {
            return;
        };
        let Some(factory) = self.deposit_factory.clone() else {
            return;
        };
        let expected = pending.summary.target.clone();
        let db = self.db_path.clone();
        match pending.request {
            DepositRequest::Lot => {
                let Some(lot) = self.prepared_lot.take() else {
                    self.notice(true, "Le flux généré n'existe plus : rien n'a été envoyé");
                    return;
                };
                self.deposit_report = None;
                self.start_job(JobKind::DepositSend, move |progress| {
                    let setup = factory(&db, &lot.choices)?;
                    same_target(&expected, &setup.target)?;
                    let store = Store::open(&db).map_err(|e| e.to_string())?;
                    if let Err(why) = crate::deposit::lot_check::verify_prepared(
                        &store,
                        setup.writer.as_ref(),
                        &lot.fluxes,
                    ) {
                        let ids: Vec<i64> = lot.fluxes.iter().map(|f| f.flux_id).collect();
                        let _ = crate::store::deposits::fluxes_abandoned(
                            store.db(),
                            &ids,
                            &format!("abandonné avant l'envoi : {why}"),
                        );
                        return Ok(JobOutput::LotRefused(why));
                    }
                    let mut report = lot.report;
                    send_lots(
                        &store,
                        setup.gateway.as_ref(),
                        setup.writer.syntax(),
                        &lot.fluxes,
                        &mut report,
                        progress,
                    )
                    .map(|_| JobOutput::Deposited(report))
                    .map_err(|e| e.to_string())
                });
            }
            DepositRequest::Sequential {
                invoices,
                wait,
                skip_on_error,
                choices,
            } => {
                self.deposit_report = None;
                self.start_job(JobKind::DepositSend, move |progress| {
                    let setup = factory(&db, &choices)?;
                    same_target(&expected, &setup.target)?;
                    let store = Store::open(&db).map_err(|e| e.to_string())?;
                    let options = SequentialOptions {
                        wait,
                        skip_on_error,
                        uncertain_after: setup.uncertain_after,
                    };
                    run_sequential(
                        &store,
                        setup.gateway.as_ref(),
                        setup.writer.as_ref(),
                        &invoices,
                        &options,
                        progress,
                    )
                    .map(JobOutput::Deposited)
                    .map_err(|e| e.to_string())
                });
            }
        }
    }

    /// « Déposer quand même »: the clerk overrides `code` for this invoice; checked again.
    pub fn override_anomaly(&mut self, number: String, code: AnomalyCode) {
        if !code.can_be_overridden() {
            return;
        }
        let db = self.db_path.clone();
        self.start_job(JobKind::SaveSettings, move |_| {
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            crate::store::overrides::record(store.db(), &number, code.as_str(), &now)
                .map_err(|e| e.to_string())?;
            Ok(JobOutput::NeedsRecheck(format!(
                "Facture {number} : dépôt autorisé malgré « {} »",
                code.title()
            )))
        });
    }
}

/// The settings may have changed between the confirmation and the send (another window,
/// the CLI): then nothing leaves.
fn same_target(expected: &DepositTarget, now: &DepositTarget) -> Result<(), String> {
    if expected == now {
        Ok(())
    } else {
        Err(format!(
            "la destination a changé depuis la confirmation ({} → {}) : rien n'a été envoyé",
            expected.banner(),
            now.banner()
        ))
    }
}
