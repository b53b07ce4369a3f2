//! The machine-readable report of `chorus-depot check --json`.

use crate::checks::InvoiceCheck;
use serde::Serialize;

#[derive(Serialize)]
struct JsonReport<'a> {
    factures: Vec<JsonInvoice<'a>>,
}

#[derive(Serialize)]
struct JsonInvoice<'a> {
    numero: &'a str,
    conforme: bool,
    anomalies: Vec<JsonAnomaly<'a>>,
}

#[derive(Serialize)]
struct JsonAnomaly<'a> {
    code: String,
    message: &'a str,
}

/// `{"factures":[{"numero":…,"conforme":…,"anomalies":[{"code":…,"message":…}]}]}`,
/// sorted by invoice number.
pub fn to_json(checks: &[InvoiceCheck]) -> String {
    let mut factures: Vec<JsonInvoice<'_>> = checks
        .iter()
        .map(|c| JsonInvoice {
            numero: &c.invoice.number,
            conforme: c.is_conformant(),
            anomalies: c
                .anomalies
                .iter()
                .map(|a| JsonAnomaly {
                    code: a.code_text(),
                    message: &a.message,
                })
                .collect(),
        })
        .collect();
    factures.sort_by(|a, b| a.numero.cmp(b.numero));
    serde_json::to_string(&JsonReport { factures }).expect("plain strings and bools serialise")
}
