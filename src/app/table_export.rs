//! A table as the user sees it, written to CSV (`;`, UTF-8 with BOM, decimal commas: what
//! French Excel opens as is) or to XLSX (numbers as numbers, dates as dates).

use crate::model::format_date;
use crate::model::spreadsheet_csv::SpreadsheetCsv;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Money(Decimal),
    Date(Option<NaiveDate>),
    Integer(Option<i64>),
}

impl Cell {
    /// As shown in the window and written to CSV.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Money(d) => crate::model::format_money(*d, "EUR"),
            Cell::Date(d) => d.map(format_date).unwrap_or_default(),
            Cell::Integer(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// CSV keeps amounts as plain numbers with a decimal comma, so a spreadsheet can add them.
    fn csv(&self) -> String {
        match self {
            Cell::Money(d) => d.round_dp(2).to_string().replace('.', ","),
            other => other.display(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

pub fn to_csv(table: &Table) -> Result<Vec<u8>, String> {
    let err = |e: csv::Error| format!("fichier CSV non écrit : {e}");
    let mut writer = SpreadsheetCsv::new(&table.headers).map_err(err)?;
    for row in &table.rows {
        writer.row(row.iter().map(Cell::csv)).map_err(err)?;
    }
    writer.finish().map_err(err)
}

pub fn to_xlsx(table: &Table, sheet_name: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| format!("fichier Excel non écrit : {e}");
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("# ##0.00 €");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).map_err(err)?;
    for (c, header) in table.headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, header, &bold)
            .map_err(err)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, c, t).map_err(err)?;
                }
                Cell::Money(d) => {
                    let value = d.round_dp(2).to_f64().unwrap_or_default();
                    sheet
                        .write_number_with_format(r, c, value, &money)
                        .map_err(err)?;
                }
                Cell::Date(Some(d)) => {
                    use chrono::Datelike;
                    let excel = rust_xlsxwriter::ExcelDateTime::from_ymd(
                        d.year() as u16,
                        d.month() as u8,
                        d.day() as u8,
                    )
                    .map_err(err)?;
                    sheet
                        .write_datetime_with_format(r, c, &excel, &date)
                        .map_err(err)?;
                }
                Cell::Integer(Some(n)) => {
                    sheet.write_number(r, c, *n as f64).map_err(err)?;
                }
                Cell::Date(None) | Cell::Integer(None) => {}
            }
        }
    }
    sheet.autofit();
    workbook.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            headers: vec!["N° facture".into(), "Montant TTC".into(), "Date".into()],
            rows: vec![vec![
                Cell::Text("F0001; « été »".into()),
                Cell::Money(Decimal::new(123456, 2)),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 23)),
            ]],
        }
    }

    #[test]
    fn csv_for_french_excel() {
        let csv = String::from_utf8(to_csv(&table()).unwrap()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}N° facture;Montant TTC;Date\r\n\"F0001; « été »\";1234,56;23/11/2026\r\n"
        );
    }

    /// A client named like a formula in the ERP: text in both files, never run.
    #[test]
    fn formulas_in_the_data_stay_text() {
        let table = Table {
            headers: vec!["Client".into(), "Montant TTC".into()],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"http://evil.example\";\"x\")".into()),
                    Cell::Money(Decimal::new(-1250, 2)),
                ],
                vec![Cell::Text("@SUM(1;1)".into()), Cell::Money(Decimal::ONE)],
            ],
        };
        let csv = String::from_utf8(to_csv(&table).unwrap()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}Client;Montant TTC\r\n\"'=HYPERLINK(\"\"http://evil.example\"\";\"\"x\"\")\";-12,50\r\n\"'@SUM(1;1)\";1\r\n"
        );
        use calamine::{Data, Reader, Xlsx};
        let bytes = to_xlsx(&table, "Factures").unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Factures").unwrap();
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String(
                "=HYPERLINK(\"http://evil.example\";\"x\")".into()
            ))
        );
        let formulas = book.worksheet_formula("Factures").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    #[test]
    fn xlsx_reads_back_with_numbers_and_dates() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = to_xlsx(&table(), "Factures").unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Factures").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("N° facture".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(1234.56)));
        match range.get((1, 2)) {
            Some(Data::DateTime(d)) => {
                // Excel counts days from 30/12/1899.
                let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
                let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
                assert_eq!(d.as_f64(), (day - epoch).num_days() as f64);
            }
            other => panic!("{other:?}"),
        }
    }
}
