//! The whole report of a finished job, line by line, for the « Résultats » panel: what the
//! status bar could only cut.

use super::JobOutput;
use crate::app::results::ResultLine;
use crate::deposit::DepositReport;

pub(super) fn lines_of(outcome: &Result<JobOutput, String>) -> Vec<ResultLine> {
    let output = match outcome {
        Ok(output) => output,
        Err(e) => return vec![ResultLine::error(e.clone())],
    };
    match output {
        JobOutput::Report(report) => {
            let mut lines = vec![ResultLine::info(format!(
                "{} (en {})",
                crate::app::status::checks_line(
                    report.checks.len(),
                    report.conformant_count(),
                    report.anomalous_count()
                ),
                crate::model::format_duration(report.elapsed)
            ))];
            lines.push(ResultLine::info(crate::app::status::directory_line(
                report.directory.as_ref(),
            )));
            lines
        }
        JobOutput::Unchanged => vec![ResultLine::info(
            "Rien n'a changé dans la base ni dans les PDF depuis la dernière vérification",
        )],
        JobOutput::Prepared(lot) => {
            let mut lines = vec![ResultLine::info(format!(
                "{} généré, {} factures",
                crate::app::status::counted(lot.fluxes.len(), "flux", "flux"),
                crate::model::format_count(lot.fluxes.iter().map(|f| f.invoices.len()).sum())
            ))];
            for f in &lot.fluxes {
                lines.push(ResultLine::info(format!(
                    "{} — société {} — {} — {}",
                    f.path.display(),
                    f.company_code,
                    crate::app::status::counted(f.invoices.len(), "facture", "factures"),
                    crate::model::format_size(f.size)
                )));
            }
            lines.extend(deposit_lines(&lot.report));
            lines
        }
        JobOutput::Deposited(report) => {
            let mut lines = vec![ResultLine {
                error: report.failures() > 0,
                text: format!(
                    "Dépôt {} : {}",
                    if report.cancelled {
                        "arrêté"
                    } else {
                        "terminé"
                    },
                    report.summary()
                ),
            }];
            lines.extend(deposit_lines(report));
            lines
        }
        JobOutput::LotRefused(why) => vec![ResultLine::error(format!(
            "Dépôt refusé, rien n'a été envoyé : {why}. Générez le flux de nouveau."
        ))],
        JobOutput::NeedsRecheck(message) | JobOutput::ReturnedDone(message) => {
            vec![ResultLine::info(message.clone())]
        }
        JobOutput::ConnectionSaved => {
            vec![ResultLine::info("Connexion à Chorus Pro enregistrée")]
        }
        JobOutput::PaymentTermsSaved => vec![ResultLine::info("Délais de paiement enregistrés")],
        JobOutput::ConnectionChecked(check) => {
            let mut lines = vec![ResultLine {
                error: !check.all_ok(),
                text: if check.all_ok() {
                    "Test de la connexion réussi".into()
                } else {
                    "Des points sont à corriger (Paramétrage)".into()
                },
            }];
            lines.extend(check.lines.iter().map(|l| ResultLine {
                error: l.level == crate::app::connection_test::Level::Error,
                text: l.text.clone(),
            }));
            lines
        }
        JobOutput::StructureRefreshed { message, .. } => vec![ResultLine::info(message.clone())],
        JobOutput::Synced(report) => {
            let errors: std::collections::HashSet<&str> =
                report.errors.iter().map(|e| e.trim()).collect();
            report
                .summary()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| ResultLine {
                    error: errors.contains(l.trim()),
                    text: l.to_string(),
                })
                .collect()
        }
        JobOutput::DirectoryImported(lines) => lines
            .iter()
            .enumerate()
            .map(|(i, l)| ResultLine {
                // The first line is the status line, the others warnings.
                error: i > 0,
                text: l.clone(),
            })
            .collect(),
        JobOutput::DirectoryShrink(pending) => vec![ResultLine::error(pending.question())],
    }
}

fn deposit_lines(report: &DepositReport) -> Vec<ResultLine> {
    report
        .notices
        .iter()
        .map(|n| ResultLine::info(n.clone()))
        .chain(report.outcomes.iter().map(|o| ResultLine {
            error: o.outcome.is_failure(),
            text: o.line(),
        }))
        .collect()
}
