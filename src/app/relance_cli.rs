//! `chorus-depot relance`: writes the reminder letter of a late invoice as a PDF, with the
//! payment settings saved in the base.

use crate::model::{format_date, format_money, parse_date};
use crate::store::Store;
use crate::tracking::payments::PaymentSettings;
use crate::tracking::relance::{relance_letter, relance_pdf};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use std::path::Path;

/// The letter's date: `--date` (AAAA-MM-JJ or JJ/MM/AAAA), else today.
pub fn letter_date(date: Option<&str>) -> Result<NaiveDate> {
    match date {
        Some(text) => Ok(parse_date(text)?),
        None => Ok(crate::clock::today()),
    }
}

/// Writes the letter of `invoice` to `out` and returns the line to print.
pub fn run(db: &Path, invoice: &str, out: &Path, date: Option<&str>) -> Result<String> {
    if !crate::store::base_exists(db) {
        anyhow::bail!("la base {} n'existe pas", db.display());
    }
    let today = letter_date(date)?;
    let store = Store::open(db)?;
    let settings = PaymentSettings::load(store.db())?;
    let letter = relance_letter(store.db(), invoice, &settings, today)?;
    let bytes = relance_pdf(&letter)?;
    std::fs::write(out, &bytes)
        .with_context(|| format!("écriture du fichier {} impossible", out.display()))?;
    let money = |v| format_money(v, &letter.currency);
    Ok(format!(
        "Relance de la facture {} écrite : {} ({}) — échéance {}, {} de retard \
         au {}, restant dû {}, intérêts {}, indemnité {}, total {}",
        letter.invoice_number,
        out.display(),
        crate::model::counted(bytes.len(), "octet", "octets"),
        letter
            .due_date
            .map(format_date)
            .unwrap_or_else(|| "inconnue".into()),
        crate::model::counted(
            usize::try_from(letter.days_late).unwrap_or(0),
            "jour",
            "jours"
        ),
        format_date(today),
        money(letter.amount_due),
        money(letter.interest),
        money(letter.indemnity),
        money(letter.total_claimed()),
    ))
}
