//! One-line summaries for the status bar and the CLI.

use crate::model::{format_count, format_date};
use crate::store::directory::DirectoryImport;

/// `Annuaire du 12/11/2026 — 132 417 structures, 84 210 services`.
pub fn directory_line(import: Option<&DirectoryImport>) -> String {
    match import {
        None => "Annuaire Chorus Pro non importé".to_string(),
        Some(i) => format!(
            "Annuaire du {} — {} structures, {} services",
            format_date(i.export_date),
            format_count(i.structure_count),
            format_count(i.service_count)
        ),
    }
}

/// The summary of a directory import: the status line, then each warning
/// (« Attention : … »), as the CLI prints them and the window shows them.
pub fn directory_import_lines(summary: &crate::directory::ImportSummary) -> Vec<String> {
    std::iter::once(directory_line(Some(&summary.recorded)))
        .chain(summary.warnings.iter().map(|w| format!("Attention : {w}")))
        .collect()
}

pub use crate::model::counted;

/// `7 factures de clients publics : 1 conforme, 6 en anomalie`.
pub fn checks_line(total: usize, conformant: usize, anomalous: usize) -> String {
    format!(
        "{} de clients publics : {}, {} en anomalie",
        counted(total, "facture", "factures"),
        counted(conformant, "conforme", "conformes"),
        format_count(anomalous)
    )
}
