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
use crate::store::Store;
use crate::store::einvoice_verdicts::{self, StoredVerdict};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

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

/// Judges every checked invoice's e-invoice in `format` and adds the fatal findings to its
/// anomalies; remembers the new verdicts.
pub fn apply(
    store: &mut Store,
    checks: &mut [InvoiceCheck],
    data: &CheckData,
    format: Format,
) -> rusqlite::Result<VerdictCounts> {
    let remembered = einvoice_verdicts::load_all(store.conn())?;
    let dates: HashMap<&str, NaiveDate> = checks
        .iter()
        .map(|c| (c.invoice.number.as_str(), c.invoice.invoice_date))
        .collect();
    let verdicts: Vec<Verdict> = checks
        .par_iter()
        .map(|check| verdict(check, data, format, &remembered, &dates))
        .collect();
    let mut counts = VerdictCounts::default();
    let mut fresh = Vec::new();
    for (check, v) in checks.iter_mut().zip(verdicts) {
        check.anomalies.extend(v.anomalies);
        match v.fresh {
            Some(stored) => {
                counts.judged += 1;
                fresh.push((check.invoice.number.clone(), stored));
            }
            None => counts.reused += 1,
        }
    }
    einvoice_verdicts::save(store.conn_mut(), &fresh)?;
    Ok(counts)
}

struct Verdict {
    anomalies: Vec<Anomaly>,
    /// Made by this run: to remember.
    fresh: Option<StoredVerdict>,
}

fn verdict(
    check: &InvoiceCheck,
    data: &CheckData,
    format: Format,
    remembered: &HashMap<String, StoredVerdict>,
    dates: &HashMap<&str, NaiveDate>,
) -> Verdict {
    let invoice = &check.invoice;
    let preceding = dates.get(invoice.original_invoice_number.trim()).copied();
    let fingerprint = fingerprint(check, format, preceding);
    if let Some(stored) = remembered.get(&invoice.number)
        && stored.fingerprint == fingerprint
        && let Some(findings) = parse(&stored.findings_json)
    {
        return Verdict {
            anomalies: anomalies(&findings),
            fresh: None,
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
            fresh: None,
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
        fresh: Some(StoredVerdict {
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

/// The fatal findings, as anomalies; warnings do not break conformance.
fn anomalies(findings: &[StoredFinding]) -> Vec<Anomaly> {
    findings
        .iter()
        .filter(|f| f.fatal && !COVERED_BY_THE_PDF_RULES.contains(&f.rule.as_str()))
        .map(|f| Anomaly::en16931(&f.rule, f.message.clone()))
        .collect()
}

/// Everything the verdict depends on: the check's own fingerprint (invoice, lines, both
/// parties, billing data, PDF), the preceding invoice's date, the format, the rules.
fn fingerprint(check: &InvoiceCheck, format: Format, preceding: Option<NaiveDate>) -> u64 {
    let mut h = DefaultHasher::new();
    RULES_FINGERPRINT.hash(&mut h);
    format.code().hash(&mut h);
    check.fingerprint.hash(&mut h);
    preceding.hash(&mut h);
    h.finish()
}
