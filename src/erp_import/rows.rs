//! One function per ERP file: each row checked, turned into a record and written.

use super::ErpImportError;
use super::columns::*;
use crate::model::erp::DEFAULT_BILLING_FRAME;
use crate::model::{
    BillingReference, Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, Market,
    Payment, ReferenceKind, VatCategory,
};
use crate::store::erp as db;
use crate::store::sql::Sql;
use crate::tabular::{Cells, Col, CsvSheet, TabularError};
use csv::StringRecord;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The typed cells whose values must also be plausible for an invoice: amounts bounded
/// (issue 9: a 28-digit amount once made `check` panic for the whole base), rates in
/// percent, and dates between 2000 and two years ahead.
trait BoundedCells {
    fn amount(&self, col: Col) -> Result<rust_decimal::Decimal, TabularError>;
    fn rate(&self, col: Col) -> Result<rust_decimal::Decimal, TabularError>;
    fn plausible_date(&self, col: Col) -> Result<chrono::NaiveDate, TabularError>;
    fn opt_plausible_date(&self, col: Col) -> Result<Option<chrono::NaiveDate>, TabularError>;
}

impl BoundedCells for Cells<'_> {
    fn amount(&self, col: Col) -> Result<rust_decimal::Decimal, TabularError> {
        let text = self.required(col)?;
        crate::model::parse_amount(text).map_err(|e| self.error(col, e.to_string()))
    }

    fn rate(&self, col: Col) -> Result<rust_decimal::Decimal, TabularError> {
        let text = self.required(col)?;
        crate::model::parse_rate(text).map_err(|e| self.error(col, e.to_string()))
    }

    fn plausible_date(&self, col: Col) -> Result<chrono::NaiveDate, TabularError> {
        let date = self.date(col)?;
        let today = crate::clock::today();
        crate::model::check_plausible(date, today).map_err(|e| self.error(col, e.to_string()))
    }

    fn opt_plausible_date(&self, col: Col) -> Result<Option<chrono::NaiveDate>, TabularError> {
        if self.text(col).is_empty() {
            Ok(None)
        } else {
            self.plausible_date(col).map(Some)
        }
    }
}

/// Remembers the line of each key of a file, to report duplicates where they are.
struct SeenKeys(HashMap<String, u64>);

impl SeenKeys {
    fn new() -> SeenKeys {
        SeenKeys(HashMap::new())
    }

    fn check(
        &mut self,
        cells: &Cells<'_>,
        col: Col,
        key: &str,
        what: &str,
    ) -> Result<(), TabularError> {
        if let Some(first) = self.0.insert(key.to_string(), cells.line) {
            return Err(cells.error(
                col,
                format!("doublon : {what} « {key} » figure déjà à la ligne {first}"),
            ));
        }
        Ok(())
    }
}

/// Checks that a code refers to a row the database holds (imported before or earlier).
/// `feminine`: the adjectives agree with `what` ("facture « F1 » inconnue : absente de…").
fn must_exist(
    cells: &Cells<'_>,
    col: Col,
    code: &str,
    exists: bool,
    what: &str,
    feminine: bool,
    file: &str,
) -> Result<(), TabularError> {
    if exists {
        Ok(())
    } else {
        let e = if feminine { "e" } else { "" };
        Err(cells.error(
            col,
            format!("{what} « {code} » inconnu{e} : absent{e} de {file} et de la base"),
        ))
    }
}

fn for_each_row(
    mut sheet: CsvSheet,
    required: &[&str],
    mut handle: impl FnMut(&Cells<'_>, &crate::tabular::Header) -> Result<(), ErpImportError>,
) -> Result<usize, ErpImportError> {
    sheet.header.require(&sheet.label, required)?;
    let header = sheet.header.clone();
    let label = sheet.label.clone();
    let mut record = StringRecord::new();
    let mut count = 0;
    while let Some(line) = sheet.next_row(&mut record)? {
        let cells = Cells::new(&label, line, &record);
        handle(&cells, &header)?;
        count += 1;
    }
    Ok(count)
}

pub fn companies(conn: &dyn Sql, sheet: CsvSheet) -> Result<usize, ErpImportError> {
    let mut seen = SeenKeys::new();
    for_each_row(sheet, COMPANY_COLUMNS, |cells, h| {
        let code = cells.required(h.col("code"))?;
        seen.check(cells, h.col("code"), code, "la société")?;
        let company = Company {
            code: code.to_string(),
            name: cells.required(h.col("raison_sociale"))?.to_string(),
            siret: cells.identifier(h.col("siret")),
            vat_number: cells.identifier(h.col("tva_intracom")).to_ascii_uppercase(),
            iban: cells.identifier(h.col("iban")).to_ascii_uppercase(),
            bic: cells.identifier(h.col("bic")).to_ascii_uppercase(),
            account_holder: cells.text(h.col("titulaire")).to_string(),
            bank_domiciliation: cells.text(h.col("domiciliation")).to_string(),
            address: cells.text(h.col("adresse")).to_string(),
            postal_code: cells.text(h.col("code_postal")).to_string(),
            city: cells.text(h.col("ville")).to_string(),
        };
        db::upsert_company(conn, &company)?;
        Ok(())
    })
}

pub fn clients(conn: &dyn Sql, sheet: CsvSheet) -> Result<usize, ErpImportError> {
    let mut seen = SeenKeys::new();
    for_each_row(sheet, CLIENT_COLUMNS, |cells, h| {
        let code = cells.required(h.col("code"))?;
        seen.check(cells, h.col("code"), code, "le client")?;
        let client = Client {
            code: code.to_string(),
            name: cells.required(h.col("raison_sociale"))?.to_string(),
            siret: cells.identifier(h.col("siret")),
            client_type: cells.code(
                h.col("type_client"),
                ClientType::from_code,
                "PUBLIC ou PRIVE",
            )?,
            address: cells.text(h.col("adresse")).to_string(),
            postal_code: cells.text(h.col("code_postal")).to_string(),
            city: cells.text(h.col("ville")).to_string(),
            email: cells.text(h.col("courriel")).to_string(),
        };
        db::upsert_client(conn, &client)?;
        Ok(())
    })
}

pub fn markets(conn: &dyn Sql, sheet: CsvSheet) -> Result<usize, ErpImportError> {
    let mut seen = SeenKeys::new();
    for_each_row(sheet, MARKET_COLUMNS, |cells, h| {
        let client_col = h.col("code_client");
        let client_code = cells.required(client_col)?;
        must_exist(
            cells,
            client_col,
            client_code,
            db::client_exists(conn, client_code)?,
            "client",
            false,
            "clients.csv",
        )?;
        let number = cells.required(h.col("numero"))?;
        let key = format!("{client_code} / {number}");
        seen.check(cells, h.col("numero"), &key, "le marché")?;
        let market = Market {
            client_code: client_code.to_string(),
            number: number.to_string(),
            label: cells.text(h.col("libelle")).to_string(),
            start_date: cells.opt_date(h.col("date_debut"))?,
            end_date: cells.opt_date(h.col("date_fin"))?,
        };
        if let (Some(start), Some(end)) = (market.start_date, market.end_date)
            && end < start
        {
            return Err(cells
                .error(h.col("date_fin"), "la date de fin précède la date de début")
                .into());
        }
        db::upsert_market(conn, &market)?;
        Ok(())
    })
}

pub fn references(conn: &dyn Sql, sheet: CsvSheet) -> Result<usize, ErpImportError> {
    let mut seen = SeenKeys::new();
    for_each_row(sheet, REFERENCE_COLUMNS, |cells, h| {
        let reference = cells.required(h.col("reference"))?;
        seen.check(cells, h.col("reference"), reference, "la référence")?;
        let client_col = h.col("code_client");
        let client_code = cells.required(client_col)?;
        must_exist(
            cells,
            client_col,
            client_code,
            db::client_exists(conn, client_code)?,
            "client",
            false,
            "clients.csv",
        )?;
        let record = BillingReference {
            kind: cells.code(
                h.col("type"),
                ReferenceKind::from_code,
                "COMMANDE, DOSSIER ou CONTRAT",
            )?,
            reference: reference.to_string(),
            client_code: client_code.to_string(),
            service_code: cells.text(h.col("code_service")).to_string(),
            market_number: cells.text(h.col("numero_marche")).to_string(),
            engagement_number: cells.text(h.col("numero_engagement")).to_string(),
            valid_until: cells.opt_date(h.col("date_fin_validite"))?,
        };
        db::upsert_reference(conn, &record)?;
        Ok(())
    })
}

pub fn invoices(conn: &dyn Sql, sheet: CsvSheet, dir: &Path) -> Result<usize, ErpImportError> {
    let mut seen = SeenKeys::new();
    for_each_row(sheet, INVOICE_COLUMNS, |cells, h| {
        let number_col = h.col("numero");
        let number = cells.required(number_col)?;
        seen.check(cells, number_col, number, "la facture")?;
        let company_col = h.col("code_societe");
        let company_code = cells.required(company_col)?;
        must_exist(
            cells,
            company_col,
            company_code,
            db::company_exists(conn, company_code)?,
            "société",
            true,
            "societes.csv",
        )?;
        let client_col = h.col("code_client");
        let client_code = cells.required(client_col)?;
        must_exist(
            cells,
            client_col,
            client_code,
            db::client_exists(conn, client_code)?,
            "client",
            false,
            "clients.csv",
        )?;
        let currency = cells.text(h.col("devise")).to_ascii_uppercase();
        let iso_code = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase());
        if !currency.is_empty() && !iso_code {
            return Err(cells
                .error(
                    h.col("devise"),
                    format!("« {currency} » n'est pas un code de devise ISO 4217 (ex. EUR)"),
                )
                .into());
        }
        let pdf = cells.text(h.col("fichier_pdf"));
        let pdf_path = if pdf.is_empty() {
            String::new()
        } else {
            let joined = dir.join(pdf);
            lexically_normal(&std::path::absolute(&joined).unwrap_or(joined))
                .display()
                .to_string()
        };
        let frame = cells.text(h.col("cadre_facturation"));
        let invoice = Invoice {
            number: number.to_string(),
            company_code: company_code.to_string(),
            client_code: client_code.to_string(),
            kind: cells.code(h.col("type"), InvoiceKind::from_code, "FACTURE ou AVOIR")?,
            invoice_date: cells.plausible_date(h.col("date_facture"))?,
            due_date: cells.opt_plausible_date(h.col("date_echeance"))?,
            currency: if currency.is_empty() {
                "EUR".into()
            } else {
                currency
            },
            total_excl_tax: cells.amount(h.col("montant_ht"))?,
            total_tax: cells.amount(h.col("montant_tva"))?,
            total_incl_tax: cells.amount(h.col("montant_ttc"))?,
            service_code: cells.text(h.col("code_service")).to_string(),
            engagement_number: cells.text(h.col("numero_engagement")).to_string(),
            market_number: cells.text(h.col("numero_marche")).to_string(),
            origin_reference: cells.text(h.col("reference_origine")).to_string(),
            pdf_path,
            original_invoice_number: cells.text(h.col("numero_facture_origine")).to_string(),
            payment_means: cells.text(h.col("mode_paiement")).to_string(),
            billing_frame: if frame.is_empty() {
                DEFAULT_BILLING_FRAME.into()
            } else {
                frame.to_string()
            },
        };
        db::upsert_invoice(conn, &invoice)?;
        Ok(())
    })
}

pub fn lines(conn: &dyn Sql, sheet: CsvSheet) -> Result<usize, ErpImportError> {
    let mut seen = SeenKeys::new();
    let mut replaced: HashSet<String> = HashSet::new();
    for_each_row(sheet, LINE_COLUMNS, |cells, h| {
        let invoice_col = h.col("numero_facture");
        let invoice_number = cells.required(invoice_col)?;
        let number_col = h.col("numero_ligne");
        let line_text = cells.required(number_col)?;
        let line_number: u32 = line_text.parse().map_err(|_| {
            cells.error(
                number_col,
                format!("« {line_text} » n'est pas un numéro de ligne (entier positif)"),
            )
        })?;
        seen.check(
            cells,
            number_col,
            &format!("{invoice_number} / {line_number}"),
            "la ligne",
        )?;
        // The file's lines of an invoice replace the ones the base held.
        if replaced.insert(invoice_number.to_string()) {
            must_exist(
                cells,
                invoice_col,
                invoice_number,
                db::invoice_exists(conn, invoice_number)?,
                "facture",
                true,
                "factures.csv",
            )?;
            db::delete_lines_of(conn, invoice_number)?;
        }
        let rate = cells.rate(h.col("taux_tva"))?;
        let category_col = h.col("categorie_tva");
        let category = if cells.text(category_col).is_empty() {
            VatCategory::default_for_rate(rate)
        } else {
            cells.code(
                category_col,
                VatCategory::from_code,
                "S, Z, E, AE, K, G ou O",
            )?
        };
        let line = InvoiceLine {
            invoice_number: invoice_number.to_string(),
            line_number,
            label: cells.text(h.col("libelle")).to_string(),
            quantity: cells.amount(h.col("quantite"))?,
            unit: cells.text(h.col("unite")).to_string(),
            unit_price: cells.amount(h.col("prix_unitaire_ht"))?,
            vat_rate: rate,
            line_total: cells.amount(h.col("montant_ht"))?,
            vat_category: category,
            exemption_reason: cells.text(h.col("motif_exoneration")).to_string(),
        };
        db::insert_line(conn, &line)?;
        Ok(())
    })
}

pub fn payments(conn: &dyn Sql, sheet: CsvSheet) -> Result<usize, ErpImportError> {
    let mut replaced: HashSet<String> = HashSet::new();
    for_each_row(sheet, PAYMENT_COLUMNS, |cells, h| {
        let invoice_col = h.col("numero_facture");
        let invoice_number = cells.required(invoice_col)?;
        // The file's payments of an invoice replace the ones the base held.
        if replaced.insert(invoice_number.to_string()) {
            must_exist(
                cells,
                invoice_col,
                invoice_number,
                db::invoice_exists(conn, invoice_number)?,
                "facture",
                true,
                "factures.csv",
            )?;
            db::delete_payments_of(conn, invoice_number)?;
        }
        let payment = Payment {
            invoice_number: invoice_number.to_string(),
            date: cells.plausible_date(h.col("date"))?,
            amount: cells.amount(h.col("montant"))?,
            means: cells.text(h.col("mode")).to_string(),
        };
        db::insert_payment(conn, &payment)?;
        Ok(())
    })
}

/// `/x/demo-erp/../demo-factures/1.pdf` → `/x/demo-factures/1.pdf`, without touching the
/// disk (the file may not exist yet, and symbolic links are the user's business).
fn lexically_normal(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}
