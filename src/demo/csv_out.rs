//! The ERP export files, as a French ERP writes them: `;`-separated, a header line, UTF-8,
//! CRLF line ends; decimal commas in `factures.csv` and `reglements.csv`, points in
//! `lignes.csv`; dates `JJ/MM/AAAA` in invoices and payments, `AAAA-MM-JJ` elsewhere. Both
//! forms are accepted by the import, and the demo shows it.

use super::ledger::Ledger;
use super::parties::Parties;
use crate::erp_import::columns::*;
use crate::model::iban::group_by_four;
use crate::model::money::round_cents;
use crate::model::{format_date, format_opt_date};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A table being written to memory.
pub struct Sheet {
    writer: csv::Writer<Vec<u8>>,
}

impl Sheet {
    pub fn new(header: &[&str]) -> Result<Sheet, csv::Error> {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer.write_record(header)?;
        Ok(Sheet { writer })
    }

    pub fn row<const N: usize>(&mut self, cells: [&str; N]) -> Result<(), csv::Error> {
        self.writer.write_record(cells)
    }

    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.writer
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}

/// `1234,50`.
fn comma_amount(value: Decimal) -> String {
    format!("{:.2}", round_cents(value)).replace('.', ",")
}

/// `1234.50`.
fn point_amount(value: Decimal) -> String {
    format!("{:.2}", round_cents(value))
}

/// `3`, `2.5`, `5.5`: no trailing zeros.
fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

fn iso(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// `812 345 671 00013`: how SIRETs are often typed into an ERP.
fn spaced_siret(siret: &str) -> String {
    if siret.len() != 14 || !siret.is_ascii() {
        return siret.to_string();
    }
    format!(
        "{} {} {} {}",
        &siret[..3],
        &siret[3..6],
        &siret[6..9],
        &siret[9..]
    )
}

/// Every ERP file, by name, in the order of `crate::erp_import::ERP_FILES`.
pub fn erp_files(
    parties: &Parties,
    ledger: &Ledger,
) -> Result<Vec<(&'static str, Vec<u8>)>, csv::Error> {
    Ok(vec![
        ("societes.csv", companies(parties)?),
        ("clients.csv", clients(parties)?),
        ("marches.csv", markets(ledger)?),
        ("references.csv", references(ledger)?),
        ("factures.csv", invoices(ledger)?),
        ("lignes.csv", lines(ledger)?),
        ("reglements.csv", payments(ledger)?),
    ])
}

fn companies(parties: &Parties) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(COMPANY_COLUMNS)?;
    for c in [&parties.head_office, &parties.branch] {
        sheet.row([
            &c.code,
            &c.name,
            &spaced_siret(&c.siret),
            &c.vat_number,
            &group_by_four(&c.iban),
            &c.bic,
            &c.account_holder,
            &c.bank_domiciliation,
            &c.address,
            &c.postal_code,
            &c.city,
        ])?;
    }
    sheet.finish()
}

fn clients(parties: &Parties) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(CLIENT_COLUMNS)?;
    for (i, dc) in parties.clients.iter().enumerate() {
        let c = &dc.client;
        // One client in seven was typed with spaces; the import removes them.
        let siret = if i % 7 == 3 {
            spaced_siret(&c.siret)
        } else {
            c.siret.clone()
        };
        sheet.row([
            &c.code,
            &c.name,
            &siret,
            c.client_type.code(),
            &c.address,
            &c.postal_code,
            &c.city,
            &c.email,
        ])?;
    }
    sheet.finish()
}

fn markets(ledger: &Ledger) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(MARKET_COLUMNS)?;
    for m in &ledger.markets {
        sheet.row([
            &m.client_code,
            &m.number,
            &m.label,
            &iso(m.start_date),
            &iso(m.end_date),
        ])?;
    }
    sheet.finish()
}

fn references(ledger: &Ledger) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(REFERENCE_COLUMNS)?;
    for r in &ledger.references {
        sheet.row([
            r.kind.code(),
            &r.reference,
            &r.client_code,
            &r.service_code,
            &r.market_number,
            &r.engagement_number,
            &iso(r.valid_until),
        ])?;
    }
    sheet.finish()
}

fn invoices(ledger: &Ledger) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(INVOICE_COLUMNS)?;
    for d in &ledger.invoices {
        let i = &d.invoice;
        sheet.row([
            &i.number,
            &i.company_code,
            &i.client_code,
            i.kind.code(),
            &format_date(i.invoice_date),
            &format_opt_date(i.due_date),
            &i.currency,
            &comma_amount(i.total_excl_tax),
            &comma_amount(i.total_tax),
            &comma_amount(i.total_incl_tax),
            &i.service_code,
            &i.engagement_number,
            &i.market_number,
            &i.origin_reference,
            &i.pdf_path,
            &i.original_invoice_number,
            &i.payment_means,
            &i.billing_frame,
        ])?;
    }
    sheet.finish()
}

fn lines(ledger: &Ledger) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(&[LINE_COLUMNS, LINE_OPTIONAL_COLUMNS].concat())?;
    for d in &ledger.invoices {
        for l in &d.lines {
            sheet.row([
                &l.invoice_number,
                &l.line_number.to_string(),
                &l.label,
                &plain(l.quantity),
                &l.unit,
                &point_amount(l.unit_price),
                &plain(l.vat_rate),
                &point_amount(l.line_total),
                l.vat_category.code(),
                &l.exemption_reason,
            ])?;
        }
    }
    sheet.finish()
}

fn payments(ledger: &Ledger) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(PAYMENT_COLUMNS)?;
    for p in &ledger.payments {
        sheet.row([
            &p.invoice_number,
            &format_date(p.date),
            &comma_amount(p.amount),
            &p.means,
        ])?;
    }
    sheet.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_both_ways() {
        assert_eq!(comma_amount(Decimal::new(123_450, 2)), "1234,50");
        assert_eq!(point_amount(Decimal::new(5, 0)), "5.00");
        assert_eq!(plain(Decimal::new(550, 2)), "5.5");
        assert_eq!(plain(Decimal::new(2000, 2)), "20");
        assert_eq!(spaced_siret("81234567100013"), "812 345 671 00013");
        assert_eq!(spaced_siret(""), "");
    }
}
