//! Queries on the ERP mirror tables.

use super::sql::{Row, Sql, SqlError, Value};
use crate::model::{
    BillingReference, Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, Market,
    Payment, ReferenceKind, VatCategory,
};
use crate::sql_params;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// A cell that does not hold what its column means (a base edited by hand), named.
fn unreadable(row: &Row, idx: usize, expected: &'static str) -> SqlError {
    let found = match row.value(idx) {
        Ok(Value::Text(t)) => format!("le texte « {t} »"),
        Ok(other) => format!("{other:?}"),
        Err(e) => e.to_string(),
    };
    SqlError::Type {
        column: row.name(idx).to_string(),
        expected,
        found,
    }
}

/// Reads a decimal stored as text; a corrupt cell (edited by hand) reads as an SQL error.
fn decimal_at(row: &Row, idx: usize) -> Result<Decimal, SqlError> {
    let text = row.text_ref(idx)?;
    Decimal::from_str(text).map_err(|_| unreadable(row, idx, "un montant décimal"))
}

fn date_at(row: &Row, idx: usize) -> Result<NaiveDate, SqlError> {
    let text = row.text_ref(idx)?;
    NaiveDate::from_str(text).map_err(|_| unreadable(row, idx, "une date AAAA-MM-JJ"))
}

fn opt_date_at(row: &Row, idx: usize) -> Result<Option<NaiveDate>, SqlError> {
    match row.value(idx)? {
        Value::Null => Ok(None),
        Value::Text(t) if t.is_empty() => Ok(None),
        _ => date_at(row, idx).map(Some),
    }
}

fn iso(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn unknown_code(row: &Row, idx: usize, what: &str, code: &str) -> SqlError {
    SqlError::Other(format!(
        "colonne {} : {what} inconnu : {code}",
        row.name(idx)
    ))
}

pub fn upsert_company(db: &dyn Sql, c: &Company) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO companies (code, name, siret, vat_number, iban, bic, account_holder,
             bank_domiciliation, address, postal_code, city)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, siret = excluded.siret,
             vat_number = excluded.vat_number, iban = excluded.iban, bic = excluded.bic,
             account_holder = excluded.account_holder,
             bank_domiciliation = excluded.bank_domiciliation, address = excluded.address,
             postal_code = excluded.postal_code, city = excluded.city",
        sql_params![
            &c.code,
            &c.name,
            &c.siret,
            &c.vat_number,
            &c.iban,
            &c.bic,
            &c.account_holder,
            &c.bank_domiciliation,
            &c.address,
            &c.postal_code,
            &c.city
        ],
    )?;
    Ok(())
}

const COMPANY_COLUMNS: &str = "code, name, siret, vat_number, iban, bic, account_holder,
    bank_domiciliation, address, postal_code, city";

fn company_from_row(row: &Row) -> Result<Company, SqlError> {
    Ok(Company {
        code: row.text(0)?,
        name: row.text(1)?,
        siret: row.text(2)?,
        vat_number: row.text(3)?,
        iban: row.text(4)?,
        bic: row.text(5)?,
        account_holder: row.text(6)?,
        bank_domiciliation: row.text(7)?,
        address: row.text(8)?,
        postal_code: row.text(9)?,
        city: row.text(10)?,
    })
}

pub fn load_companies(db: &dyn Sql) -> Result<Vec<Company>, SqlError> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies ORDER BY code");
    db.rows(&sql, &[], company_from_row)
}

/// The bank and identity fields an admin edits in the settings dialog.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompanyBankDetails {
    pub siret: String,
    pub iban: String,
    pub bic: String,
    pub account_holder: String,
    pub bank_domiciliation: String,
}

/// Saves the settings of several companies at once: all or nothing.
pub fn update_company_bank_details(
    db: &dyn Sql,
    changes: &[(String, CompanyBankDetails)],
) -> Result<(), SqlError> {
    db.in_transaction(&mut |tx| {
        for (code, d) in changes {
            let n = tx.execute(
                "UPDATE companies SET siret = ?2, iban = ?3, bic = ?4, account_holder = ?5,
                     bank_domiciliation = ?6 WHERE code = ?1",
                sql_params![
                    code,
                    &d.siret,
                    &d.iban,
                    &d.bic,
                    &d.account_holder,
                    &d.bank_domiciliation
                ],
            )?;
            if n != 1 {
                return Err(SqlError::Other(format!(
                    "la société {code} n'existe plus dans la base : rien n'a été enregistré"
                )));
            }
        }
        Ok(())
    })
}

pub fn upsert_client(db: &dyn Sql, c: &Client) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO clients (code, name, siret, client_type, address, postal_code, city, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, siret = excluded.siret,
             client_type = excluded.client_type, address = excluded.address,
             postal_code = excluded.postal_code, city = excluded.city, email = excluded.email",
        sql_params![
            &c.code,
            &c.name,
            &c.siret,
            c.client_type.code(),
            &c.address,
            &c.postal_code,
            &c.city,
            &c.email
        ],
    )?;
    Ok(())
}

pub fn load_clients(db: &dyn Sql) -> Result<Vec<Client>, SqlError> {
    db.rows(
        "SELECT code, name, siret, client_type, address, postal_code, city, email
         FROM clients ORDER BY code",
        &[],
        |row| {
            let type_code = row.text_ref(3)?;
            Ok(Client {
                code: row.text(0)?,
                name: row.text(1)?,
                siret: row.text(2)?,
                client_type: ClientType::from_code(type_code)
                    .ok_or_else(|| unknown_code(row, 3, "type de client", type_code))?,
                address: row.text(4)?,
                postal_code: row.text(5)?,
                city: row.text(6)?,
                email: row.text(7)?,
            })
        },
    )
}

pub fn client_exists(db: &dyn Sql, code: &str) -> Result<bool, SqlError> {
    exists(db, "SELECT 1 FROM clients WHERE code = ?1", code)
}

pub fn company_exists(db: &dyn Sql, code: &str) -> Result<bool, SqlError> {
    exists(db, "SELECT 1 FROM companies WHERE code = ?1", code)
}

pub fn invoice_exists(db: &dyn Sql, number: &str) -> Result<bool, SqlError> {
    exists(db, "SELECT 1 FROM invoices WHERE number = ?1", number)
}

fn exists(db: &dyn Sql, sql: &str, key: &str) -> Result<bool, SqlError> {
    Ok(db.first_row(sql, sql_params![key], |_| Ok(()))?.is_some())
}

pub fn upsert_market(db: &dyn Sql, m: &Market) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO markets (client_code, number, label, start_date, end_date)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(client_code, number) DO UPDATE SET label = excluded.label,
             start_date = excluded.start_date, end_date = excluded.end_date",
        sql_params![
            &m.client_code,
            &m.number,
            &m.label,
            iso(m.start_date),
            iso(m.end_date)
        ],
    )?;
    Ok(())
}

pub fn load_markets(db: &dyn Sql) -> Result<Vec<Market>, SqlError> {
    db.rows(
        "SELECT client_code, number, label, start_date, end_date FROM markets
         ORDER BY client_code, number",
        &[],
        |row| {
            Ok(Market {
                client_code: row.text(0)?,
                number: row.text(1)?,
                label: row.text(2)?,
                start_date: opt_date_at(row, 3)?,
                end_date: opt_date_at(row, 4)?,
            })
        },
    )
}

pub fn upsert_reference(db: &dyn Sql, r: &BillingReference) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO billing_references (reference, kind, client_code, service_code,
             market_number, engagement_number, valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(reference) DO UPDATE SET kind = excluded.kind,
             client_code = excluded.client_code, service_code = excluded.service_code,
             market_number = excluded.market_number,
             engagement_number = excluded.engagement_number, valid_until = excluded.valid_until",
        sql_params![
            &r.reference,
            r.kind.code(),
            &r.client_code,
            &r.service_code,
            &r.market_number,
            &r.engagement_number,
            iso(r.valid_until)
        ],
    )?;
    Ok(())
}

pub fn load_references(db: &dyn Sql) -> Result<Vec<BillingReference>, SqlError> {
    db.rows(
        "SELECT reference, kind, client_code, service_code, market_number, engagement_number,
             valid_until FROM billing_references ORDER BY reference",
        &[],
        |row| {
            let kind = row.text_ref(1)?;
            Ok(BillingReference {
                reference: row.text(0)?,
                kind: ReferenceKind::from_code(kind)
                    .ok_or_else(|| unknown_code(row, 1, "type de référence", kind))?,
                client_code: row.text(2)?,
                service_code: row.text(3)?,
                market_number: row.text(4)?,
                engagement_number: row.text(5)?,
                valid_until: opt_date_at(row, 6)?,
            })
        },
    )
}

pub fn upsert_invoice(db: &dyn Sql, i: &Invoice) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date, due_date,
             currency, total_excl_tax, total_tax, total_incl_tax, service_code,
             engagement_number, market_number, origin_reference, pdf_path,
             original_invoice_number, payment_means, billing_frame)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT(number) DO UPDATE SET company_code = excluded.company_code,
             client_code = excluded.client_code, kind = excluded.kind,
             invoice_date = excluded.invoice_date, due_date = excluded.due_date,
             currency = excluded.currency, total_excl_tax = excluded.total_excl_tax,
             total_tax = excluded.total_tax, total_incl_tax = excluded.total_incl_tax,
             service_code = excluded.service_code, engagement_number = excluded.engagement_number,
             market_number = excluded.market_number, origin_reference = excluded.origin_reference,
             pdf_path = excluded.pdf_path,
             original_invoice_number = excluded.original_invoice_number,
             payment_means = excluded.payment_means, billing_frame = excluded.billing_frame",
        sql_params![
            &i.number,
            &i.company_code,
            &i.client_code,
            i.kind.code(),
            i.invoice_date.to_string(),
            iso(i.due_date),
            &i.currency,
            i.total_excl_tax.to_string(),
            i.total_tax.to_string(),
            i.total_incl_tax.to_string(),
            &i.service_code,
            &i.engagement_number,
            &i.market_number,
            &i.origin_reference,
            &i.pdf_path,
            &i.original_invoice_number,
            &i.payment_means,
            &i.billing_frame
        ],
    )?;
    Ok(())
}

const INVOICE_COLUMNS: &str = "number, company_code, client_code, kind, invoice_date, due_date,
    currency, total_excl_tax, total_tax, total_incl_tax, service_code, engagement_number,
    market_number, origin_reference, pdf_path, original_invoice_number, payment_means,
    billing_frame";

fn invoice_from_row(row: &Row) -> Result<Invoice, SqlError> {
    let kind = row.text_ref(3)?;
    Ok(Invoice {
        number: row.text(0)?,
        company_code: row.text(1)?,
        client_code: row.text(2)?,
        kind: InvoiceKind::from_code(kind)
            .ok_or_else(|| unknown_code(row, 3, "type de facture", kind))?,
        invoice_date: date_at(row, 4)?,
        due_date: opt_date_at(row, 5)?,
        currency: row.text(6)?,
        total_excl_tax: decimal_at(row, 7)?,
        total_tax: decimal_at(row, 8)?,
        total_incl_tax: decimal_at(row, 9)?,
        service_code: row.text(10)?,
        engagement_number: row.text(11)?,
        market_number: row.text(12)?,
        origin_reference: row.text(13)?,
        pdf_path: row.text(14)?,
        original_invoice_number: row.text(15)?,
        payment_means: row.text(16)?,
        billing_frame: row.text(17)?,
    })
}

/// Invoices of public clients (the only ones Chorus Pro concerns), sorted by number.
pub fn load_public_invoices(db: &dyn Sql) -> Result<Vec<Invoice>, SqlError> {
    let columns = INVOICE_COLUMNS
        .split(',')
        .map(|c| format!("i.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    // Led by the invoices' key: one pass in number order (measured faster than a
    // `client_code IN (…)` filter, which walks the client index and sorts).
    let sql = format!(
        "SELECT {columns} FROM invoices i JOIN clients c ON c.code = i.client_code
         WHERE c.client_type = 'PUBLIC' ORDER BY i.number"
    );
    db.rows(&sql, &[], invoice_from_row)
}

pub fn load_invoice(db: &dyn Sql, number: &str) -> Result<Option<Invoice>, SqlError> {
    let sql = format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE number = ?1");
    db.first_row(&sql, sql_params![number], invoice_from_row)
}

/// Removes the lines of an invoice, before a re-import writes them anew.
pub fn delete_lines_of(db: &dyn Sql, invoice_number: &str) -> Result<(), SqlError> {
    db.execute(
        "DELETE FROM invoice_lines WHERE invoice_number = ?1",
        sql_params![invoice_number],
    )?;
    Ok(())
}

pub fn insert_line(db: &dyn Sql, l: &InvoiceLine) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO invoice_lines (invoice_number, line_number, label, quantity, unit,
             unit_price, vat_rate, line_total, vat_category, exemption_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        sql_params![
            &l.invoice_number,
            l.line_number,
            &l.label,
            l.quantity.to_string(),
            &l.unit,
            l.unit_price.to_string(),
            l.vat_rate.to_string(),
            l.line_total.to_string(),
            l.vat_category.code(),
            &l.exemption_reason
        ],
    )?;
    Ok(())
}

fn line_from_row(row: &Row) -> Result<InvoiceLine, SqlError> {
    let category = row.text_ref(8)?;
    Ok(InvoiceLine {
        invoice_number: row.text(0)?,
        line_number: row.int_as(1)?,
        label: row.text(2)?,
        quantity: decimal_at(row, 3)?,
        unit: row.text(4)?,
        unit_price: decimal_at(row, 5)?,
        vat_rate: decimal_at(row, 6)?,
        line_total: decimal_at(row, 7)?,
        vat_category: VatCategory::from_code(category)
            .ok_or_else(|| unknown_code(row, 8, "catégorie de TVA", category))?,
        exemption_reason: row.text(9)?,
    })
}

const LINE_COLUMNS: &str = "invoice_number, line_number, label, quantity, unit, unit_price,
    vat_rate, line_total, vat_category, exemption_reason";

pub fn lines_of(db: &dyn Sql, invoice_number: &str) -> Result<Vec<InvoiceLine>, SqlError> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_number = ?1 ORDER BY line_number"
    );
    db.rows(&sql, sql_params![invoice_number], line_from_row)
}

/// What the checks need of an invoice's lines when they need not read them: the sum of
/// their HT amounts and a fingerprint of their stored text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineDigest {
    pub total: Decimal,
    pub fingerprint: u64,
}

/// Every invoice's line digest, by invoice number, in one pass without materialising the
/// lines (a re-check of unchanged invoices reads only this).
pub fn line_digests(
    db: &dyn Sql,
) -> Result<std::collections::HashMap<String, LineDigest>, SqlError> {
    use crate::model::fast_hash::FastHasher;
    use std::hash::{Hash, Hasher};
    let sql =
        format!("SELECT {LINE_COLUMNS} FROM invoice_lines ORDER BY invoice_number, line_number");
    let mut out = std::collections::HashMap::new();
    let mut current: Option<(String, Decimal, FastHasher)> = None;
    db.for_each_row(&sql, &[], &mut |row| {
        let number = row.text_ref(0)?;
        if current.as_ref().is_none_or(|(n, _, _)| n != number) {
            if let Some((n, total, h)) = current.take() {
                out.insert(
                    n,
                    LineDigest {
                        total,
                        fingerprint: h.finish(),
                    },
                );
            }
            current = Some((number.to_string(), Decimal::ZERO, FastHasher::default()));
        }
        let Some((_, total, hasher)) = current.as_mut() else {
            return Ok(());
        };
        // The same fingerprint on both engines: texts as UTF-8 bytes, integers as i64.
        for i in 1..row.len() {
            match row.value(i)? {
                Value::Text(t) => t.as_bytes().hash(hasher),
                Value::Int(n) => n.hash(hasher),
                other => format!("{other:?}").hash(hasher),
            }
        }
        let amount = decimal_at(&row, 7)?;
        // An absurd amount saturates rather than stopping the whole check.
        *total = total.checked_add(amount).unwrap_or(Decimal::MAX);
        Ok(())
    })?;
    if let Some((n, total, h)) = current {
        out.insert(
            n,
            LineDigest {
                total,
                fingerprint: h.finish(),
            },
        );
    }
    Ok(out)
}

/// The lines of the given invoices, by invoice number.
pub fn lines_of_many(
    db: &dyn Sql,
    numbers: &[&str],
) -> Result<std::collections::HashMap<String, Vec<InvoiceLine>>, SqlError> {
    let mut out = std::collections::HashMap::with_capacity(numbers.len());
    for number in numbers {
        out.insert(number.to_string(), lines_of(db, number)?);
    }
    Ok(out)
}

/// Every invoice's lines, by invoice number, in line order (the primary key's order).
pub fn all_lines(
    db: &dyn Sql,
) -> Result<std::collections::HashMap<String, Vec<InvoiceLine>>, SqlError> {
    let sql =
        format!("SELECT {LINE_COLUMNS} FROM invoice_lines ORDER BY invoice_number, line_number");
    let mut out: std::collections::HashMap<String, Vec<InvoiceLine>> =
        std::collections::HashMap::new();
    let mut current: Vec<InvoiceLine> = Vec::new();
    db.for_each_row(&sql, &[], &mut |row| {
        let line = line_from_row(&row)?;
        if current
            .last()
            .is_some_and(|l| l.invoice_number != line.invoice_number)
        {
            let done = std::mem::take(&mut current);
            out.insert(done[0].invoice_number.clone(), done);
        }
        current.push(line);
        Ok(())
    })?;
    if let Some(first) = current.first() {
        out.insert(first.invoice_number.clone(), current);
    }
    Ok(out)
}

/// The sum of the line totals of every invoice that has lines, for the amount checks.
pub fn line_totals(db: &dyn Sql) -> Result<Vec<(String, Decimal)>, SqlError> {
    // Ordered by invoice: the invoice number is compared borrowed, allocated once per
    // invoice rather than once per line.
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    db.for_each_row(
        "SELECT invoice_number, line_total FROM invoice_lines ORDER BY 1",
        &[],
        &mut |row| {
            let number = row.text_ref(0)?;
            let amount = decimal_at(&row, 1)?;
            match totals.last_mut() {
                // Saturates: an absurd amount (an old base) is the check's anomaly, not a panic.
                Some((last, sum)) if last == number => *sum = sum.saturating_add(amount),
                _ => totals.push((number.to_string(), amount)),
            }
            Ok(())
        },
    )?;
    Ok(totals)
}

pub fn delete_payments_of(db: &dyn Sql, invoice_number: &str) -> Result<(), SqlError> {
    db.execute(
        "DELETE FROM payments WHERE invoice_number = ?1",
        sql_params![invoice_number],
    )?;
    Ok(())
}

pub fn insert_payment(db: &dyn Sql, p: &Payment) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO payments (invoice_number, date, amount, means) VALUES (?1, ?2, ?3, ?4)",
        sql_params![
            &p.invoice_number,
            p.date.to_string(),
            p.amount.to_string(),
            &p.means
        ],
    )?;
    Ok(())
}

pub fn payments_of(db: &dyn Sql, invoice_number: &str) -> Result<Vec<Payment>, SqlError> {
    db.rows(
        "SELECT invoice_number, date, amount, means FROM payments WHERE invoice_number = ?1
         ORDER BY date, id",
        sql_params![invoice_number],
        |row| {
            Ok(Payment {
                invoice_number: row.text(0)?,
                date: date_at(row, 1)?,
                amount: decimal_at(row, 2)?,
                means: row.text(3)?,
            })
        },
    )
}

/// What the ERP says was paid on an invoice: the sum of its payments and the latest date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidInErp {
    pub amount: Decimal,
    pub last_date: NaiveDate,
}

/// Every invoice with at least one ERP payment: its total and its latest payment date.
pub fn payment_totals(
    db: &dyn Sql,
) -> Result<std::collections::HashMap<String, PaidInErp>, SqlError> {
    let mut totals: std::collections::HashMap<String, PaidInErp> = std::collections::HashMap::new();
    db.for_each_row(
        "SELECT invoice_number, date, amount FROM payments",
        &[],
        &mut |row| {
            let date = date_at(&row, 1)?;
            let amount = decimal_at(&row, 2)?;
            let entry = totals.entry(row.text(0)?).or_insert(PaidInErp {
                amount: Decimal::ZERO,
                last_date: date,
            });
            // A sum of corrupt-free but absurd amounts must not stop the check: saturate.
            entry.amount = entry.amount.checked_add(amount).unwrap_or(Decimal::MAX);
            entry.last_date = entry.last_date.max(date);
            Ok(())
        },
    )?;
    Ok(totals)
}

/// How many rows each ERP table holds, for the status bar and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErpCounts {
    pub companies: usize,
    pub clients: usize,
    pub markets: usize,
    pub references: usize,
    pub invoices: usize,
    pub lines: usize,
    pub payments: usize,
}

pub fn counts(db: &dyn Sql) -> Result<ErpCounts, SqlError> {
    let count = |table: &str| -> Result<usize, SqlError> {
        Ok(db
            .first_row(&format!("SELECT count(*) FROM {table}"), &[], |r| {
                r.int_as::<usize>(0)
            })?
            .unwrap_or(0))
    };
    Ok(ErpCounts {
        companies: count("companies")?,
        clients: count("clients")?,
        markets: count("markets")?,
        references: count("billing_references")?,
        invoices: count("invoices")?,
        lines: count("invoice_lines")?,
        payments: count("payments")?,
    })
}
