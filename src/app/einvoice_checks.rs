//! « Conforme » means the exact file that would be sent passes the EN 16931 rules: each
//! invoice's e-invoice is built (in the default format of the settings) and judged in
//! process, each fatal finding an anomaly with its official rule id (`EN16931_BR-S-02`)
//! and a French message naming the field to fix. Whatever the writer would refuse is a
//! fatal finding too (`einvoice::render` refuses on exactly these).
//!
//! The verdict is remembered in the base by a fingerprint of everything it depends on (the
//! invoice, its lines, both parties, the billing data, the PDF, the preceding invoice's
//! date, the format and the build's rules): a re-check of unchanged invoices costs a lookup.

use crate::app::documents::{attachment_of, document_from};
use crate::checks::{Anomaly, CheckData, InvoiceCheck};
use crate::einvoice::{Finding, Format};
use crate::store::einvoice_verdicts::{self, StoredVerdict};
use crate::store::sql::{Sql, SqlError};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// The fingerprint of the code that decides a verdict (see `build.rs`).
pub const RULES_FINGERPRINT: &str = env!("CHORUS_DEPOT_RULES_FINGERPRINT");

/// Findings of the format's own needs the checks already report in their words: a
/// Factur-X without its PDF is `PDF_INTROUVABLE` / `PDF_ILLISIBLE`.
const COVERED_BY_THE_PDF_RULES: &[&str] = &["FX-PDF"];

/// A finding as the base keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StoredFinding {
    rule: String,
    fatal: bool,
    term: String,
    message: String,
}

impl From<&Finding> for StoredFinding {
    fn from(f: &Finding) -> StoredFinding {
        StoredFinding {
            rule: f.rule.to_string(),
            fatal: f.fatal,
            term: f.term.to_string(),
            message: f.message.clone(),
        }
    }
}

/// How much of a check run's EN 16931 verdicts were reused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerdictCounts {
    /// Remembered and still valid.
    pub reused: usize,
    /// Built and judged by this run.
    pub judged: usize,
}

/// The verdicts to remember after a check run (`None`: nothing changed).
pub type ToRemember = Option<Vec<(String, StoredVerdict)>>;

/// Judges every checked invoice's e-invoice in `format` and adds the fatal findings to its
/// anomalies; gives back the verdicts to remember, for the caller to save.
pub fn apply(
    checks: &mut [InvoiceCheck],
    data: &CheckData,
    format: Format,
    remembered: &HashMap<String, StoredVerdict>,
) -> (VerdictCounts, ToRemember) {
    let started = std::time::Instant::now();
    let dates: HashMap<&str, NaiveDate> = checks
        .iter()
        .map(|c| (c.invoice.number.as_str(), c.invoice.invoice_date))
        .collect();
    let verdicts: Vec<Verdict> = checks
        .par_iter()
        .map(|check| {
            let preceding = dates
                .get(check.invoice.original_invoice_number.trim())
                .copied();
            verdict(check, preceding, data, format, remembered)
        })
        .collect();
    tracing::debug!(elapsed = ?started.elapsed(), "verdicts made or found");
    let mut counts = VerdictCounts::default();
    let mut kept: Vec<(String, StoredVerdict)> = Vec::with_capacity(checks.len());
    for (check, v) in checks.iter_mut().zip(verdicts) {
        check.anomalies.extend(v.anomalies);
        let number = check.invoice.number.clone();
        match v.stored {
            Stored::Fresh(stored) => {
                counts.judged += 1;
                kept.push((number, stored));
            }
            Stored::Remembered(stored) => {
                counts.reused += 1;
                kept.push((number, stored));
            }
            Stored::None => {}
        }
    }
    // Written whole, and only when it changed (a verdict made, an invoice gone).
    let changed = counts.judged > 0 || kept.len() != remembered.len();
    (counts, changed.then_some(kept))
}

/// Saves what `apply` gave back.
pub fn remember(conn: &dyn Sql, verdicts: &[(String, StoredVerdict)]) -> Result<(), SqlError> {
    let rows: Vec<(&str, &StoredVerdict)> = verdicts.iter().map(|(n, v)| (n.as_str(), v)).collect();
    einvoice_verdicts::save_all(conn, &rows)
}

struct Verdict {
    anomalies: Vec<Anomaly>,
    stored: Stored,
}

enum Stored {
    /// Made by this run: to remember.
    Fresh(StoredVerdict),
    /// Found remembered, still valid.
    Remembered(StoredVerdict),
    /// No document to judge (a party missing).
    None,
}

fn verdict(
    check: &InvoiceCheck,
    preceding: Option<NaiveDate>,
    data: &CheckData,
    format: Format,
    remembered: &HashMap<String, StoredVerdict>,
) -> Verdict {
    let invoice = &check.invoice;
    let fingerprint = fingerprint(check, format, preceding);
    if let Some(stored) = remembered.get(&invoice.number)
        && stored.fingerprint == fingerprint
        && let Some(findings) = parse(&stored.findings_json)
    {
        return Verdict {
            anomalies: anomalies(&findings),
            stored: Stored::Remembered(stored.clone()),
        };
    }
    // Amounts out of bounds (an old base): no e-invoice can be computed from them, the
    // check's own anomaly says so.
    if check
        .anomalies
        .iter()
        .any(|a| a.code == crate::checks::AnomalyCode::ValeurHorsLimites)
    {
        return Verdict {
            anomalies: Vec::new(),
            stored: Stored::None,
        };
    }
    // The ERP mirror's foreign keys make both parties exist; should one be missing, the
    // other rules say so and there is no document to judge.
    let (Some(seller), Some(buyer)) = (
        data.companies.get(&invoice.company_code),
        data.clients.get(&invoice.client_code),
    ) else {
        return Verdict {
            anomalies: Vec::new(),
            stored: Stored::None,
        };
    };
    // Only the PDF's presence matters to the rules: its bytes are not read here (the PDF
    // rules examined the file).
    let attachment = check
        .pdf
        .is_readable()
        .then(|| attachment_of(&invoice.pdf_path, &invoice.number, Vec::new()));
    let doc = document_from(
        invoice.clone(),
        data.lines.get(&invoice.number).cloned().unwrap_or_default(),
        seller.clone(),
        buyer.clone(),
        check.billing.clone(),
        preceding,
        attachment,
    );
    let findings: Vec<StoredFinding> = crate::einvoice::conformance(&doc, format)
        .iter()
        .map(StoredFinding::from)
        .collect();
    let findings_json = serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into());
    Verdict {
        anomalies: anomalies(&findings),
        stored: Stored::Fresh(StoredVerdict {
            fingerprint,
            findings_json,
        }),
    }
}

fn parse(json: &str) -> Option<Vec<StoredFinding>> {
    if json == "[]" {
        return Some(Vec::new());
    }
    // A row that no longer reads (edited by hand) is judged again.
    serde_json::from_str(json).ok()
}

/// The terms Chorus Depot computes from the ERP's lines (the VAT breakdown and the document
/// totals): a rule broken there is most often the consequence of a line or party field
/// broken elsewhere.
const COMPUTED_TERMS: &[&str] = &[
    "BG-22", "BG-23", "BT-106", "BT-107", "BT-108", "BT-109", "BT-110", "BT-111", "BT-112",
    "BT-113", "BT-114", "BT-115", "BT-116", "BT-117", "BT-118", "BT-119",
];

/// The fatal findings, as anomalies; warnings do not break conformance. One mistake in
/// the ERP (an exempt line with a rate) breaks the rule of that field and, through the
/// totals computed from it, several others: the clerk gets one anomaly per field to fix,
/// the consequences named in it by their rule ids.
fn anomalies(findings: &[StoredFinding]) -> Vec<Anomaly> {
    let fatal: Vec<&StoredFinding> = findings
        .iter()
        .filter(|f| f.fatal && !COVERED_BY_THE_PDF_RULES.contains(&f.rule.as_str()))
        .collect();
    let (computed, causes): (Vec<&StoredFinding>, Vec<&StoredFinding>) = fatal
        .into_iter()
        .partition(|f| COMPUTED_TERMS.contains(&f.term.as_str()));
    if causes.is_empty() {
        return computed
            .iter()
            .map(|f| Anomaly::en16931(&f.rule, f.message.clone()))
            .collect();
    }
    let mut consequences: Vec<&str> = computed.iter().map(|f| f.rule.as_str()).collect();
    consequences.sort_unstable();
    consequences.dedup();
    causes
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut message = f.message.clone();
            if i == 0 && !consequences.is_empty() {
                message.push_str(&format!(
                    " ; en découlent aussi dans les totaux de TVA : {}",
                    consequences.join(", ")
                ));
            }
            Anomaly::en16931(&f.rule, message)
        })
        .collect()
}

/// Everything the verdict depends on: the check's own fingerprint (invoice, lines, both
/// parties, billing data, PDF), the preceding invoice's date, the format, the rules.
fn fingerprint(check: &InvoiceCheck, format: Format, preceding: Option<NaiveDate>) -> u64 {
    let mut h = crate::model::fast_hash::FastHasher::default();
    RULES_FINGERPRINT.hash(&mut h);
    format.code().hash(&mut h);
    check.fingerprint.hash(&mut h);
    preceding.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, term: &str) -> StoredFinding {
        StoredFinding {
            rule: rule.into(),
            fatal: true,
            term: term.into(),
            message: format!("Règle {rule}"),
        }
    }

    #[test]
    fn the_consequences_in_the_computed_totals_are_named_in_the_anomaly_of_their_cause() {
        let found = anomalies(&[
            finding("BR-CO-17", "BT-117"),
            finding("BR-E-05", "BT-152"),
            finding("BR-E-08", "BT-116"),
            finding("BR-E-08", "BT-116"),
            finding("FX-PDF", "BG-24"),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code_text(), "EN16931_BR-E-05");
        assert!(
            found[0]
                .message
                .ends_with("en découlent aussi dans les totaux de TVA : BR-CO-17, BR-E-08"),
            "{}",
            found[0].message
        );
        // Alone, a broken total is the anomaly itself.
        let found = anomalies(&[finding("BR-CO-15", "BT-112")]);
        assert_eq!(found[0].code_text(), "EN16931_BR-CO-15");
        // A warning is no anomaly.
        let mut warning = finding("BR-CL-23", "BT-130");
        warning.fatal = false;
        assert!(anomalies(&[warning]).is_empty());
    }
}
