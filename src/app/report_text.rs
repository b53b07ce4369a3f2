//! The human-readable report of `chorus-depot check`.

use super::CheckReport;
use std::fmt::Write;

pub fn to_text(report: &CheckReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        super::status::checks_line(
            report.checks.len(),
            report.conformant_count(),
            report.anomalous_count()
        )
    );
    let _ = writeln!(
        out,
        "{}",
        super::status::directory_line(report.directory.as_ref())
    );
    let mut anomalous: Vec<_> = report
        .checks
        .iter()
        .filter(|c| !c.is_conformant())
        .collect();
    anomalous.sort_by(|a, b| a.invoice.number.cmp(&b.invoice.number));
    if !anomalous.is_empty() {
        let _ = writeln!(out, "\nAnomalies à corriger :");
    }
    for check in anomalous {
        for a in &check.anomalies {
            let _ = writeln!(
                out,
                "{} — {} [{}]",
                check.invoice.number,
                a.message,
                a.code_text()
            );
        }
    }
    out
}
