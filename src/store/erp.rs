//! Queries on the ERP mirror tables.

use crate::model::{
    BillingReference, Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, Market,
    Payment, ReferenceKind, VatCategory,
};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Reads a decimal stored as text; a corrupt cell (edited by hand) reads as an SQL error.
fn decimal_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Decimal> {
    let text: String = row.get(idx)?;
    Decimal::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn date_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(idx)?;
    NaiveDate::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn opt_date_at(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text: Option<String> = row.get(idx)?;
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(_) => date_at(row, idx).map(Some),
    }
}

fn iso(date: Option<NaiveDate>) -> Option<String> {
    date.map(|d| d.to_string())
}

fn unknown_code(idx: usize, what: &str, code: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        format!("{what} inconnu : {code}").into(),
    )
}

pub fn upsert_company(conn: &Connection, c: &Company) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO companies (code, name, siret, vat_number, iban, bic, account_holder,
             bank_domiciliation, address, postal_code, city)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, siret = excluded.siret,
             vat_number = excluded.vat_number, iban = excluded.iban, bic = excluded.bic,
             account_holder = excluded.account_holder,
             bank_domiciliation = excluded.bank_domiciliation, address = excluded.address,
             postal_code = excluded.postal_code, city = excluded.city",
    )?
    .execute(params![
        c.code,
        c.name,
        c.siret,
        c.vat_number,
        c.iban,
        c.bic,
        c.account_holder,
        c.bank_domiciliation,
        c.address,
        c.postal_code,
        c.city
    ])?;
    Ok(())
}

const COMPANY_COLUMNS: &str = "code, name, siret, vat_number, iban, bic, account_holder,
    bank_domiciliation, address, postal_code, city";

fn company_from_row(row: &Row<'_>) -> rusqlite::Result<Company> {
    Ok(Company {
        code: row.get(0)?,
        name: row.get(1)?,
        siret: row.get(2)?,
        vat_number: row.get(3)?,
        iban: row.get(4)?,
        bic: row.get(5)?,
        account_holder: row.get(6)?,
        bank_domiciliation: row.get(7)?,
        address: row.get(8)?,
        postal_code: row.get(9)?,
        city: row.get(10)?,
    })
}

pub fn load_companies(conn: &Connection) -> rusqlite::Result<Vec<Company>> {
    let sql = format!("SELECT {COMPANY_COLUMNS} FROM companies ORDER BY code");
    conn.prepare(&sql)?
        .query_map([], company_from_row)?
        .collect()
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
    conn: &mut Connection,
    changes: &[(String, CompanyBankDetails)],
) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (code, d) in changes {
        let n = tx.execute(
            "UPDATE companies SET siret = ?2, iban = ?3, bic = ?4, account_holder = ?5,
                 bank_domiciliation = ?6 WHERE code = ?1",
            params![
                code,
                d.siret,
                d.iban,
                d.bic,
                d.account_holder,
                d.bank_domiciliation
            ],
        )?;
        if n != 1 {
            return Err(rusqlite::Error::QueryReturnedNoRows);
        }
    }
    tx.commit()
}

pub fn upsert_client(conn: &Connection, c: &Client) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO clients (code, name, siret, client_type, address, postal_code, city, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, siret = excluded.siret,
             client_type = excluded.client_type, address = excluded.address,
             postal_code = excluded.postal_code, city = excluded.city, email = excluded.email",
    )?
    .execute(params![
        c.code,
        c.name,
        c.siret,
        c.client_type.code(),
        c.address,
        c.postal_code,
        c.city,
        c.email
    ])?;
    Ok(())
}

pub fn load_clients(conn: &Connection) -> rusqlite::Result<Vec<Client>> {
    conn.prepare(
        "SELECT code, name, siret, client_type, address, postal_code, city, email
         FROM clients ORDER BY code",
    )?
    .query_map([], |row| {
        let type_code: String = row.get(3)?;
        Ok(Client {
            code: row.get(0)?,
            name: row.get(1)?,
            siret: row.get(2)?,
            client_type: ClientType::from_code(&type_code)
                .ok_or_else(|| unknown_code(3, "type de client", &type_code))?,
            address: row.get(4)?,
            postal_code: row.get(5)?,
            city: row.get(6)?,
            email: row.get(7)?,
        })
    })?
    .collect()
}

pub fn client_exists(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    exists(conn, "SELECT 1 FROM clients WHERE code = ?1", code)
}

pub fn company_exists(conn: &Connection, code: &str) -> rusqlite::Result<bool> {
    exists(conn, "SELECT 1 FROM companies WHERE code = ?1", code)
}

pub fn invoice_exists(conn: &Connection, number: &str) -> rusqlite::Result<bool> {
    exists(conn, "SELECT 1 FROM invoices WHERE number = ?1", number)
}

fn exists(conn: &Connection, sql: &str, key: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some())
}

pub fn upsert_market(conn: &Connection, m: &Market) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO markets (client_code, number, label, start_date, end_date)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(client_code, number) DO UPDATE SET label = excluded.label,
             start_date = excluded.start_date, end_date = excluded.end_date",
    )?
    .execute(params![
        m.client_code,
        m.number,
        m.label,
        iso(m.start_date),
        iso(m.end_date)
    ])?;
    Ok(())
}

pub fn load_markets(conn: &Connection) -> rusqlite::Result<Vec<Market>> {
    conn.prepare(
        "SELECT client_code, number, label, start_date, end_date FROM markets
         ORDER BY client_code, number",
    )?
    .query_map([], |row| {
        Ok(Market {
            client_code: row.get(0)?,
            number: row.get(1)?,
            label: row.get(2)?,
            start_date: opt_date_at(row, 3)?,
            end_date: opt_date_at(row, 4)?,
        })
    })?
    .collect()
}

pub fn upsert_reference(conn: &Connection, r: &BillingReference) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO billing_references (reference, kind, client_code, service_code,
             market_number, engagement_number, valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(reference) DO UPDATE SET kind = excluded.kind,
             client_code = excluded.client_code, service_code = excluded.service_code,
             market_number = excluded.market_number,
             engagement_number = excluded.engagement_number, valid_until = excluded.valid_until",
    )?
    .execute(params![
        r.reference,
        r.kind.code(),
        r.client_code,
        r.service_code,
        r.market_number,
        r.engagement_number,
        iso(r.valid_until)
    ])?;
    Ok(())
}

pub fn load_references(conn: &Connection) -> rusqlite::Result<Vec<BillingReference>> {
    conn.prepare(
        "SELECT reference, kind, client_code, service_code, market_number, engagement_number,
             valid_until FROM billing_references ORDER BY reference",
    )?
    .query_map([], |row| {
        let kind: String = row.get(1)?;
        Ok(BillingReference {
            reference: row.get(0)?,
            kind: ReferenceKind::from_code(&kind)
                .ok_or_else(|| unknown_code(1, "type de référence", &kind))?,
            client_code: row.get(2)?,
            service_code: row.get(3)?,
            market_number: row.get(4)?,
            engagement_number: row.get(5)?,
            valid_until: opt_date_at(row, 6)?,
        })
    })?
    .collect()
}

pub fn upsert_invoice(conn: &Connection, i: &Invoice) -> rusqlite::Result<()> {
    conn.prepare_cached(
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
    )?
    .execute(params![
        i.number,
        i.company_code,
        i.client_code,
        i.kind.code(),
        i.invoice_date.to_string(),
        iso(i.due_date),
        i.currency,
        i.total_excl_tax.to_string(),
        i.total_tax.to_string(),
        i.total_incl_tax.to_string(),
        i.service_code,
        i.engagement_number,
        i.market_number,
        i.origin_reference,
        i.pdf_path,
        i.original_invoice_number,
        i.payment_means,
        i.billing_frame
    ])?;
    Ok(())
}

const INVOICE_COLUMNS: &str = "number, company_code, client_code, kind, invoice_date, due_date,
    currency, total_excl_tax, total_tax, total_incl_tax, service_code, engagement_number,
    market_number, origin_reference, pdf_path, original_invoice_number, payment_means,
    billing_frame";

fn invoice_from_row(row: &Row<'_>) -> rusqlite::Result<Invoice> {
    let kind: String = row.get(3)?;
    Ok(Invoice {
        number: row.get(0)?,
        company_code: row.get(1)?,
        client_code: row.get(2)?,
        kind: InvoiceKind::from_code(&kind)
            .ok_or_else(|| unknown_code(3, "type de facture", &kind))?,
        invoice_date: date_at(row, 4)?,
        due_date: opt_date_at(row, 5)?,
        currency: row.get(6)?,
        total_excl_tax: decimal_at(row, 7)?,
        total_tax: decimal_at(row, 8)?,
        total_incl_tax: decimal_at(row, 9)?,
        service_code: row.get(10)?,
        engagement_number: row.get(11)?,
        market_number: row.get(12)?,
        origin_reference: row.get(13)?,
        pdf_path: row.get(14)?,
        original_invoice_number: row.get(15)?,
        payment_means: row.get(16)?,
        billing_frame: row.get(17)?,
    })
}

/// Invoices of public clients (the only ones Chorus Pro concerns), sorted by number.
pub fn load_public_invoices(conn: &Connection) -> rusqlite::Result<Vec<Invoice>> {
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
    conn.prepare(&sql)?
        .query_map([], invoice_from_row)?
        .collect()
}

pub fn load_invoice(conn: &Connection, number: &str) -> rusqlite::Result<Option<Invoice>> {
    let sql = format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE number = ?1");
    conn.query_row(&sql, [number], invoice_from_row).optional()
}

/// Removes the lines of an invoice, before a re-import writes them anew.
pub fn delete_lines_of(conn: &Connection, invoice_number: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM invoice_lines WHERE invoice_number = ?1")?
        .execute([invoice_number])?;
    Ok(())
}

pub fn insert_line(conn: &Connection, l: &InvoiceLine) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO invoice_lines (invoice_number, line_number, label, quantity, unit,
             unit_price, vat_rate, line_total, vat_category, exemption_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        l.invoice_number,
        l.line_number,
        l.label,
        l.quantity.to_string(),
        l.unit,
        l.unit_price.to_string(),
        l.vat_rate.to_string(),
        l.line_total.to_string(),
        l.vat_category.code(),
        l.exemption_reason
    ])?;
    Ok(())
}

fn line_from_row(row: &Row<'_>) -> rusqlite::Result<InvoiceLine> {
    let category: String = row.get(8)?;
    Ok(InvoiceLine {
        invoice_number: row.get(0)?,
        line_number: row.get(1)?,
        label: row.get(2)?,
        quantity: decimal_at(row, 3)?,
        unit: row.get(4)?,
        unit_price: decimal_at(row, 5)?,
        vat_rate: decimal_at(row, 6)?,
        line_total: decimal_at(row, 7)?,
        vat_category: VatCategory::from_code(&category)
            .ok_or_else(|| unknown_code(8, "catégorie de TVA", &category))?,
        exemption_reason: row.get(9)?,
    })
}

const LINE_COLUMNS: &str = "invoice_number, line_number, label, quantity, unit, unit_price,
    vat_rate, line_total, vat_category, exemption_reason";

pub fn lines_of(conn: &Connection, invoice_number: &str) -> rusqlite::Result<Vec<InvoiceLine>> {
    let sql = format!(
        "SELECT {LINE_COLUMNS} FROM invoice_lines WHERE invoice_number = ?1 ORDER BY line_number"
    );
    conn.prepare_cached(&sql)?
        .query_map([invoice_number], line_from_row)?
        .collect()
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
    conn: &Connection,
) -> rusqlite::Result<std::collections::HashMap<String, LineDigest>> {
    use crate::model::fast_hash::FastHasher;
    use std::hash::{Hash, Hasher};
    let sql =
        format!("SELECT {LINE_COLUMNS} FROM invoice_lines ORDER BY invoice_number, line_number");
    let mut stmt = conn.prepare(&sql)?;
    let columns = stmt.column_count();
    let mut rows = stmt.query([])?;
    let mut out = std::collections::HashMap::new();
    let mut current: Option<(String, Decimal, FastHasher)> = None;
    while let Some(row) = rows.next()? {
        let number = row.get_ref(0)?.as_str()?;
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
            continue;
        };
        for i in 1..columns {
            match row.get_ref(i)? {
                rusqlite::types::ValueRef::Text(t) => t.hash(hasher),
                rusqlite::types::ValueRef::Integer(n) => n.hash(hasher),
                other => format!("{other:?}").hash(hasher),
            }
        }
        let amount = decimal_at(row, 7)?;
        // An absurd amount saturates rather than stopping the whole check.
        *total = total.checked_add(amount).unwrap_or(Decimal::MAX);
    }
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
    conn: &Connection,
    numbers: &[&str],
) -> rusqlite::Result<std::collections::HashMap<String, Vec<InvoiceLine>>> {
    let mut out = std::collections::HashMap::with_capacity(numbers.len());
    for number in numbers {
        out.insert(number.to_string(), lines_of(conn, number)?);
    }
    Ok(out)
}

/// Every invoice's lines, by invoice number, in line order (the primary key's order).
pub fn all_lines(
    conn: &Connection,
) -> rusqlite::Result<std::collections::HashMap<String, Vec<InvoiceLine>>> {
    let sql =
        format!("SELECT {LINE_COLUMNS} FROM invoice_lines ORDER BY invoice_number, line_number");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out: std::collections::HashMap<String, Vec<InvoiceLine>> =
        std::collections::HashMap::new();
    let mut current: Vec<InvoiceLine> = Vec::new();
    while let Some(row) = rows.next()? {
        let line = line_from_row(row)?;
        if current
            .last()
            .is_some_and(|l| l.invoice_number != line.invoice_number)
        {
            let done = std::mem::take(&mut current);
            out.insert(done[0].invoice_number.clone(), done);
        }
        current.push(line);
    }
    if let Some(first) = current.first() {
        out.insert(first.invoice_number.clone(), current);
    }
    Ok(out)
}

/// The sum of the line totals of every invoice that has lines, for the amount checks.
pub fn line_totals(conn: &Connection) -> rusqlite::Result<Vec<(String, Decimal)>> {
    // The primary key orders the rows by invoice: no sort, and the invoice number is
    // compared borrowed, allocated once per invoice rather than once per line.
    let mut stmt =
        conn.prepare("SELECT invoice_number, line_total FROM invoice_lines ORDER BY 1")?;
    let mut rows = stmt.query([])?;
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    while let Some(row) = rows.next()? {
        let number = row.get_ref(0)?.as_str()?;
        let text = row.get_ref(1)?.as_str()?;
        let amount = Decimal::from_str(text).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
        })?;
        match totals.last_mut() {
            // Saturates: an absurd amount (an old base) is the check's anomaly, not a panic.
            Some((last, sum)) if last == number => *sum = sum.saturating_add(amount),
            _ => totals.push((number.to_string(), amount)),
        }
    }
    Ok(totals)
}

pub fn delete_payments_of(conn: &Connection, invoice_number: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM payments WHERE invoice_number = ?1")?
        .execute([invoice_number])?;
    Ok(())
}

pub fn insert_payment(conn: &Connection, p: &Payment) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO payments (invoice_number, date, amount, means) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        p.invoice_number,
        p.date.to_string(),
        p.amount.to_string(),
        p.means
    ])?;
    Ok(())
}

pub fn payments_of(conn: &Connection, invoice_number: &str) -> rusqlite::Result<Vec<Payment>> {
    conn.prepare_cached(
        "SELECT invoice_number, date, amount, means FROM payments WHERE invoice_number = ?1
         ORDER BY date, id",
    )?
    .query_map([invoice_number], |row| {
        Ok(Payment {
            invoice_number: row.get(0)?,
            date: date_at(row, 1)?,
            amount: decimal_at(row, 2)?,
            means: row.get(3)?,
        })
    })?
    .collect()
}

/// What the ERP says was paid on an invoice: the sum of its payments and the latest date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidInErp {
    pub amount: Decimal,
    pub last_date: NaiveDate,
}

/// Every invoice with at least one ERP payment: its total and its latest payment date.
pub fn payment_totals(
    conn: &Connection,
) -> rusqlite::Result<std::collections::HashMap<String, PaidInErp>> {
    let mut stmt = conn.prepare("SELECT invoice_number, date, amount FROM payments")?;
    let mut rows = stmt.query([])?;
    let mut totals: std::collections::HashMap<String, PaidInErp> = std::collections::HashMap::new();
    while let Some(row) = rows.next()? {
        let number: String = row.get(0)?;
        let date = date_at(row, 1)?;
        let amount = decimal_at(row, 2)?;
        let entry = totals.entry(number).or_insert(PaidInErp {
            amount: Decimal::ZERO,
            last_date: date,
        });
        // A sum of corrupt-free but absurd amounts must not stop the check: saturate.
        entry.amount = entry.amount.checked_add(amount).unwrap_or(Decimal::MAX);
        entry.last_date = entry.last_date.max(date);
    }
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

pub fn counts(conn: &Connection) -> rusqlite::Result<ErpCounts> {
    let count = |table: &str| -> rusqlite::Result<usize> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|n| n as usize)
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
