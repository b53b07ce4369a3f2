//! Reads for the payment follow-up: each public invoice with what the ERP knows of its
//! payments and what Chorus Pro says of its deposit and status (tables filled by the
//! import and by the synchronisation; only read here).
//!
//! Dates are read leniently: a missing or unreadable date is `None` (the follow-up then
//! says « date de dépôt inconnue »), never an error. An unreadable amount is an error that
//! names the invoice: a money report must not silently leave an invoice out.

use super::sql::{Row, Sql, SqlError};
use crate::model::{InvoiceKind, parse_date};
use crate::sql_params;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

/// One ERP payment of an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidAmount {
    pub date: NaiveDate,
    pub amount: Decimal,
}

/// Everything the payment computation needs to know of one invoice, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentFacts {
    pub number: String,
    pub kind: InvoiceKind,
    pub company_code: String,
    pub client_code: String,
    pub client_name: String,
    pub invoice_date: NaiveDate,
    pub currency: String,
    pub amount_incl_tax: Decimal,
    /// For a credit note: the invoice it cancels, when the ERP says so.
    pub original_invoice_number: String,
    /// Chorus Pro knows the invoice (a `chorus_invoices` row or a deposit journal row
    /// `DEPOSEE`).
    pub deposited: bool,
    /// `chorus_invoices.deposited_on` (dateDepot).
    pub chorus_deposit_date: Option<NaiveDate>,
    /// The day the invoice's flux was sent (`fluxes.sent_at`): the fallback deposit date.
    pub flux_sent_on: Option<NaiveDate>,
    /// identifiantFactureCPP.
    pub cpp_id: Option<i64>,
    /// The current Chorus Pro status code as synchronised, empty when unknown.
    pub chorus_status: String,
    pub chorus_status_on: Option<NaiveDate>,
    /// The first day the history shows `MISE_EN_PAIEMENT`.
    pub payment_issued_on: Option<NaiveDate>,
    /// The due date the ERP printed on the invoice (`invoices.due_date`): shown beside the
    /// legal one when they differ, never used to compute lateness.
    pub erp_due_date: Option<NaiveDate>,
    /// ERP payments, oldest first.
    pub payments: Vec<PaidAmount>,
}

/// `AAAA-MM-JJ`, `JJ/MM/AAAA`, an ISO timestamp (its day), or a Unix timestamp in seconds
/// or milliseconds (some Chorus Pro answers give dates so); anything else is `None`.
fn lenient_date(text: Option<String>) -> Option<NaiveDate> {
    let text = text?;
    let t = text.trim();
    if t.len() >= 9 && t.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        let seconds = if t.len() >= 12 { n / 1000 } else { n };
        return chrono::DateTime::from_timestamp(seconds, 0).map(|d| d.date_naive());
    }
    parse_date(t).ok()
}

fn amount_at(row: &Row, idx: usize, number: &str) -> Result<Decimal, SqlError> {
    let text = row.text(idx)?;
    Decimal::from_str(text.trim())
        .map_err(|_| SqlError::Other(format!("facture {number} : montant illisible « {text} »")))
}

/// ERP payments of every invoice, oldest first. A payment with an unreadable date (the
/// import refuses them; only a hand-edited base has one) is left out with a warning.
fn load_payments(db: &dyn Sql) -> Result<HashMap<String, Vec<PaidAmount>>, SqlError> {
    let mut out: HashMap<String, Vec<PaidAmount>> = HashMap::new();
    let today = crate::clock::today();
    db.for_each_row(
        "SELECT invoice_number, date, amount FROM payments ORDER BY date, id",
        &[],
        &mut |row| {
            let number = row.text(0)?;
            let amount = amount_at(&row, 2, &number)?;
            let Some(date) = lenient_date(row.opt_text(1)?) else {
                tracing::warn!(invoice = %number, "règlement sans date lisible : ignoré");
                return Ok(());
            };
            // Values the import refuses (issue 9), left by an earlier version: the check names
            // the invoice (VALEUR_HORS_LIMITES); no figure is computed from them.
            if crate::model::money::check_amount(amount).is_err()
                || crate::model::check_plausible(date, today).is_err()
            {
                tracing::warn!(invoice = %number, %amount, %date, "règlement impossible : ignoré");
                return Ok(());
            }
            out.entry(number)
                .or_default()
                .push(PaidAmount { date, amount });
            Ok(())
        },
    )?;
    for list in out.values_mut() {
        list.sort_by_key(|p| p.date);
    }
    Ok(out)
}

/// The first day each invoice reached `MISE_EN_PAIEMENT`, from the status history.
fn load_payment_issued(db: &dyn Sql) -> Result<HashMap<String, NaiveDate>, SqlError> {
    let mut out: HashMap<String, NaiveDate> = HashMap::new();
    db.for_each_row(
        "SELECT invoice_number, at FROM status_history WHERE status = 'MISE_EN_PAIEMENT'",
        &[],
        &mut |row| {
            if let Some(day) = lenient_date(row.opt_text(1)?) {
                out.entry(row.text(0)?)
                    .and_modify(|d| *d = (*d).min(day))
                    .or_insert(day);
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// Every invoice and credit note of a public client, sorted by number.
pub fn load_payment_facts(db: &dyn Sql) -> Result<Vec<PaymentFacts>, SqlError> {
    load_facts(db, None)
}

/// One invoice and the credit notes that name it (the control screen's detail).
pub fn load_payment_facts_of(db: &dyn Sql, number: &str) -> Result<Vec<PaymentFacts>, SqlError> {
    load_facts(db, Some(number))
}

fn load_facts(db: &dyn Sql, only: Option<&str>) -> Result<Vec<PaymentFacts>, SqlError> {
    let mut payments = load_payments(db)?;
    let issued = load_payment_issued(db)?;
    let mut out = Vec::new();
    db.for_each_row(
        "SELECT i.number, i.kind, i.company_code, i.client_code, c.name, i.invoice_date,
             i.currency, i.total_incl_tax, i.original_invoice_number,
             ci.invoice_number IS NOT NULL
                 OR EXISTS (SELECT 1 FROM deposit_journal j
                            WHERE j.invoice_number = i.number AND j.state = 'DEPOSEE'),
             ci.deposited_on, ci.cpp_id, ci.status, ci.status_at,
             COALESCE(f.sent_at,
                 (SELECT f2.sent_at FROM deposit_journal j
                      JOIN fluxes f2 ON f2.id = j.flux_id
                  WHERE j.invoice_number = i.number AND j.state = 'DEPOSEE'
                  ORDER BY j.id DESC LIMIT 1)),
             i.due_date
         FROM invoices i
         JOIN clients c ON c.code = i.client_code
         LEFT JOIN chorus_invoices ci ON ci.invoice_number = i.number
         LEFT JOIN fluxes f ON f.id = ci.flux_id
         WHERE c.client_type = 'PUBLIC'
           AND (CAST(?1 AS TEXT) IS NULL OR i.number = ?1 OR i.original_invoice_number = ?1)
         ORDER BY i.number",
        sql_params![only],
        &mut |row| {
            let number = row.text(0)?;
            let kind_code = row.text(1)?;
            let kind = InvoiceKind::from_code(&kind_code).ok_or_else(|| {
                SqlError::Other(format!("facture {number} : type « {kind_code} » inconnu"))
            })?;
            let Some(invoice_date) = lenient_date(row.opt_text(5)?) else {
                return Err(SqlError::Other(format!(
                    "facture {number} : date de facture illisible"
                )));
            };
            let amount_incl_tax = amount_at(&row, 7, &number)?;
            if crate::model::money::check_amount(amount_incl_tax).is_err() {
                tracing::warn!(invoice = %number, "montant TTC impossible : facture ignorée");
                return Ok(());
            }
            out.push(PaymentFacts {
                kind,
                company_code: row.text(2)?,
                client_code: row.text(3)?,
                client_name: row.text(4)?,
                invoice_date,
                currency: row.text(6)?,
                amount_incl_tax,
                original_invoice_number: row.text(8)?,
                deposited: row.flag(9)?,
                chorus_deposit_date: lenient_date(row.opt_text(10)?),
                cpp_id: row.opt_int(11)?,
                chorus_status: row.opt_text(12)?.unwrap_or_default().trim().to_string(),
                chorus_status_on: lenient_date(row.opt_text(13)?),
                flux_sent_on: lenient_date(row.opt_text(14)?),
                erp_due_date: lenient_date(row.opt_text(15)?),
                payment_issued_on: issued.get(&number).copied(),
                payments: payments.remove(&number).unwrap_or_default(),
                number,
            });
            Ok(())
        },
    )?;
    Ok(out)
}

/// The address block of a party on a letter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostalParty {
    pub name: String,
    pub address: String,
    pub postal_code: String,
    pub city: String,
}

/// What a reminder letter says of the sender.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SenderDetails {
    pub party: PostalParty,
    pub siret: String,
    pub iban: String,
    pub bic: String,
}

/// The company that issued an invoice, for the letterhead.
pub fn sender_of(db: &dyn Sql, company_code: &str) -> Result<Option<SenderDetails>, SqlError> {
    db.first_row(
        "SELECT name, address, postal_code, city, siret, iban, bic FROM companies WHERE code = ?1",
        sql_params![company_code],
        |r| {
            Ok(SenderDetails {
                party: PostalParty {
                    name: r.text(0)?,
                    address: r.text(1)?,
                    postal_code: r.text(2)?,
                    city: r.text(3)?,
                },
                siret: r.text(4)?,
                iban: r.text(5)?,
                bic: r.text(6)?,
            })
        },
    )
}

/// The public buyer's postal address, from the ERP mirror.
pub fn client_address(db: &dyn Sql, client_code: &str) -> Result<Option<PostalParty>, SqlError> {
    db.first_row(
        "SELECT name, address, postal_code, city FROM clients WHERE code = ?1",
        sql_params![client_code],
        |r| {
            Ok(PostalParty {
                name: r.text(0)?,
                address: r.text(1)?,
                postal_code: r.text(2)?,
                city: r.text(3)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_leniently() {
        let d = |s: &str| lenient_date(Some(s.to_string()));
        let nov20 = NaiveDate::from_ymd_opt(2026, 11, 20);
        assert_eq!(d("2026-11-20"), nov20);
        assert_eq!(d(" 20/11/2026 "), nov20);
        assert_eq!(d("2026-11-20T10:00:00.000+00:00"), nov20);
        assert_eq!(d("1795168800000"), nov20);
        assert_eq!(d("1795168800"), nov20);
        assert_eq!(d(""), None);
        assert_eq!(d("bientôt"), None);
        assert_eq!(lenient_date(None), None);
    }
}
