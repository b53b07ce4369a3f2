//! XLSX workbooks (the directory export as downloaded from Chorus Pro), read with calamine
//! into the same `StringRecord` rows as CSV files, so that one parser serves both.

use super::TabularError;
use calamine::{Data, Reader};
use chrono::{Duration, NaiveDate};
use csv::StringRecord;
use std::path::Path;

/// One worksheet: its name and its rows, the first being the header.
pub struct Worksheet {
    pub name: String,
    pub rows: Vec<StringRecord>,
}

pub fn read_workbook(path: &Path, label: &str) -> Result<Vec<Worksheet>, TabularError> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| {
        TabularError::file(
            label,
            format!("classeur illisible, ce n'est pas un fichier XLSX valide ({e})"),
        )
    })?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).map_err(|e| {
            TabularError::file(label, format!("feuille « {name} » illisible ({e})"))
        })?;
        let mut rows = Vec::with_capacity(range.height());
        let mut record = StringRecord::new();
        for row in range.rows() {
            record.clear();
            for cell in row {
                record.push_field(&cell_text(cell));
            }
            rows.push(record.clone());
        }
        sheets.push(Worksheet { name, rows });
    }
    Ok(sheets)
}

/// A cell as the text a CSV export would hold. Integers stored as floats (identifiers in
/// the directory export are numbers) lose the `.0`, dates become `AAAA-MM-JJ`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_serial_to_date(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn excel_serial_to_date(serial: f64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_signed(Duration::days(serial.floor() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_csv_text() {
        assert_eq!(cell_text(&Data::Float(13001100000000.0)), "13001100000000");
        assert_eq!(cell_text(&Data::Float(1.5)), "1.5");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(
            excel_serial_to_date(46338.0),
            NaiveDate::from_ymd_opt(2026, 11, 12)
        );
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("annuaire.xlsx");
        std::fs::write(&path, b"pas un classeur").unwrap();
        let err = read_workbook(&path, "annuaire.xlsx").err().unwrap();
        assert!(
            err.to_string()
                .starts_with("annuaire.xlsx : classeur illisible"),
            "{err}"
        );
    }
}
