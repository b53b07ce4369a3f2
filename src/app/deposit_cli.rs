//! `chorus-depot deposit`: the deposit engines for a scheduled task or a script.

use super::connection::ConnectionSettings;
use super::deposit_setup::DepositChoices;
use super::run_checks;
use crate::deposit::engine::{
    DepositReport, LotOptions, SequentialOptions, run_lot, run_sequential,
};
use crate::progress::Silent;
use crate::store::Store;
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
    if !db.is_file() {
        bail!("la base {} n'existe pas", db.display());
    }
    let mut store = Store::open(db)?;
    let settings = ConnectionSettings::load(store.conn())?;
    // Only conformant invoices leave, whatever was asked.
    let report = run_checks(&mut store, &Silent)?;
    let conformant: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .collect();
    let wanted: Vec<String> = if cmd.all_conformant {
        conformant.clone()
    } else if cmd.invoices.is_empty() {
        bail!("indiquez --invoices N1,N2,… ou --all-conformant");
    } else {
        cmd.invoices.clone()
    };
    let mut refused = Vec::new();
    let invoices: Vec<String> = wanted
        .into_iter()
        .filter(|n| {
            let ok = conformant.contains(n);
            if !ok {
                refused.push(n.clone());
            }
            ok
        })
        .collect();
    for n in &refused {
        eprintln!("{n} : non envoyée (facture inconnue ou en anomalie, voir chorus-depot check)");
    }
    let choices = DepositChoices {
        format: cmd
            .format
            .unwrap_or_else(|| settings.deposit.format.clone()),
        date_today: false,
    };
    let factory = super::deposit_wiring::setup_factory(Default::default());
    let setup = factory(db, &choices).map_err(anyhow::Error::msg)?;
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
                    format!("Factures du {}", chrono::Local::now().format("%d/%m/%Y"))
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
        "{} déposée(s), {} en échec\n",
        report.deposited(),
        report.failures()
    ));
    out
}
