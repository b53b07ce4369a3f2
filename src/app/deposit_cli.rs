//! `chorus-depot deposit`: the deposit engines for a scheduled task or a script.

use super::connection::ConnectionSettings;
use super::deposit_setup::DepositChoices;
use super::deposit_summary::{DepositMode, DepositSummary};
use super::run_checks;
use crate::deposit::engine::{
    DepositReport, LotOptions, SequentialOptions, run_lot, run_sequential,
};
use crate::einvoice::Format;
use crate::progress::Silent;
use crate::store::Store;
use crate::store::deposits::JournalState;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

pub struct DepositCommand {
    pub mode: String,
    pub format: Option<String>,
    pub wait_ms: Option<u64>,
    pub skip_on_error: bool,
    pub name: Option<String>,
    pub uncertain_after: Option<u64>,
    pub invoices: Vec<String>,
    pub all_conformant: bool,
}

pub fn run(db: &Path, cmd: DepositCommand) -> Result<ExitCode> {
    if !crate::store::base_exists(db) {
        bail!("la base {} n'existe pas", db.display());
    }
    let mut store = Store::open(db)?;
    let settings = ConnectionSettings::load(store.db())?;
    // Only conformant invoices leave, whatever was asked.
    let report = run_checks(&mut store, &Silent)?;
    let conformant: std::collections::HashSet<&str> = report
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.as_str())
        .collect();
    let wanted: Vec<String> = if cmd.all_conformant {
        // What is left to send: those already on Chorus Pro are not even listed; those
        // « à vérifier » are, the engine looks them up first and resends only the ones
        // that never arrived.
        report
            .checks
            .iter()
            .filter(|c| {
                c.is_conformant()
                    && report
                        .deposited
                        .get(&c.invoice.number)
                        .is_none_or(|d| d.state != JournalState::Deposited)
            })
            .map(|c| c.invoice.number.clone())
            .collect()
    } else if cmd.invoices.is_empty() {
        bail!("indiquez --invoices N1,N2,… ou --all-conformant");
    } else {
        cmd.invoices.clone()
    };
    let mut refused = Vec::new();
    let invoices: Vec<String> = wanted
        .into_iter()
        .filter(|n| {
            let ok = conformant.contains(n.as_str());
            if !ok {
                refused.push(n.clone());
            }
            ok
        })
        .collect();
    for n in &refused {
        match report.checks.iter().find(|c| c.invoice.number == *n) {
            None => eprintln!("{n} : non envoyée (facture inconnue ou d'un client privé)"),
            Some(c) => {
                let why: Vec<String> = c
                    .anomalies
                    .iter()
                    .map(|a| format!("{} — {}", a.code_text(), a.message))
                    .collect();
                eprintln!("{n} : non envoyée (en anomalie : {})", why.join(" ; "));
            }
        }
    }
    let choices = DepositChoices {
        format: cmd
            .format
            .unwrap_or_else(|| settings.deposit.format.clone()),
        date_today: false,
    };
    let factory = super::deposit_wiring::setup_factory(Default::default());
    let setup = factory(db, &choices).map_err(anyhow::Error::msg)?;
    // The same summary the window asks to confirm, printed before anything leaves (the
    // command stays non-interactive: scripts and scheduled tasks run it).
    let format = Format::from_code(&choices.format).ok_or_else(|| {
        anyhow::anyhow!(
            "format « {} » inconnu (ubl, cii ou facturx)",
            choices.format
        )
    })?;
    let mode = if cmd.mode == "lot" {
        DepositMode::Lot
    } else {
        DepositMode::Sequential
    };
    let summary = DepositSummary::new(mode, &invoices, &report, format, None, setup.target.clone());
    print!("{}", summary.to_text());
    let uncertain_after = cmd
        .uncertain_after
        .map(Duration::from_secs)
        .unwrap_or(setup.uncertain_after);
    let store = Store::open(db)?;
    let report = match cmd.mode.as_str() {
        "lot" => run_lot(
            &store,
            setup.gateway.as_ref(),
            setup.writer.as_ref(),
            &invoices,
            &LotOptions {
                name: cmd.name.unwrap_or_else(|| {
                    format!("Factures du {}", crate::clock::today().format("%d/%m/%Y"))
                }),
                limits: setup.limits,
                uncertain_after,
            },
            &Silent,
        ),
        _ => run_sequential(
            &store,
            setup.gateway.as_ref(),
            setup.writer.as_ref(),
            &invoices,
            &SequentialOptions {
                wait: Duration::from_millis(cmd.wait_ms.unwrap_or(settings.deposit.wait_ms)),
                skip_on_error: cmd.skip_on_error,
                uncertain_after,
            },
            &Silent,
        ),
    }
    .context("dépôt interrompu")?;
    print!("{}", to_text(&report));
    let failed = report.failures() + refused.len();
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// N° pièce, fichier, résultat: one line each, then the counts.
pub fn to_text(report: &DepositReport) -> String {
    let mut out = String::new();
    for notice in &report.notices {
        out.push_str(notice);
        out.push('\n');
    }
    for o in &report.outcomes {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            o.invoice_number,
            o.file,
            o.outcome.text()
        ));
    }
    out.push_str(&format!(
        "{}, {} en échec\n",
        crate::model::counted(report.deposited(), "déposée", "déposées"),
        report.failures()
    ));
    out
}
