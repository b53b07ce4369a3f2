//! XLSX workbooks (the directory export as downloaded from Chorus Pro), read with calamine
//! into the same `StringRecord` rows as CSV files, so that one parser serves both.

use super::{Header, TabularError, human_size};
use calamine::{DataRef, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;
use csv::StringRecord;
use std::io::Cursor;
use std::path::Path;

/// Largest workbook file read (compressed, as on disk): 256 MiB. The complete Chorus Pro
/// directory is a ~27 MB XLSX.
pub const MAX_WORKBOOK_FILE_BYTES: u64 = 256 << 20;
/// Largest total of the inflated sizes of a workbook's zip entries: 512 MiB. The complete
/// directory (about 200,000 structures and 80,000 services) inflates to roughly 300 MB of
/// XML; a "zip bomb" of 2 MB inflating to 2 GiB is refused before anything is inflated.
pub const MAX_INFLATED_BYTES: u64 = 512 << 20;
/// Columns read: a cell with a value beyond column BL (the 64th) is refused. The widest
/// table read, the directory's structures sheet, has 21 columns.
pub const MAX_COLUMNS: u32 = 64;
/// Rows read: Excel's own limit.
pub const MAX_ROWS: u32 = 1_048_576;

/// One worksheet: its name and its rows, the first being the header. Rows are cut to the
/// bounding box of the cells that hold a value (as calamine's ranges were); a row is as
/// wide as its last cell with a value, an empty row has no field.
pub struct Worksheet {
    pub name: String,
    pub rows: Vec<StringRecord>,
}

/// Reads every worksheet of an XLSX (or XLSM) workbook, through
/// [`super::read_regular_file`], refusing what would exhaust the memory before building
/// anything: an inflated size beyond [`MAX_INFLATED_BYTES`], a cell beyond
/// [`MAX_COLUMNS`] or [`MAX_ROWS`] (cells are streamed, never put in a dense range sized
/// by the farthest cell: one cell at XFD1048576 would ask for 512 GiB).
pub fn read_workbook(path: &Path, label: &str) -> Result<Vec<Worksheet>, TabularError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(extension.as_str(), "xls" | "xlsb" | "ods") {
        return Err(TabularError::file(
            label,
            format!(
                "format « .{extension} » non pris en charge : enregistrez le classeur au format \
                 XLSX (Excel 2007 et suivants) ou CSV (séparateur point-virgule)"
            ),
        ));
    }
    let bytes = super::read_regular_file(path, label, MAX_WORKBOOK_FILE_BYTES)?;
    read_workbook_bytes(bytes, label)
}

/// [`read_workbook`] on the bytes of a file already read.
pub fn read_workbook_bytes(bytes: Vec<u8>, label: &str) -> Result<Vec<Worksheet>, TabularError> {
    check_inflated_sizes(&bytes, label)?;
    read_sheets(bytes, label)
}

/// Runs one call into calamine, a parser of untrusted input written without this
/// application's rules: some malformed references (a `<dimension>` whose end is before its
/// start, a column of 20 letters) make it panic on an arithmetic overflow. A panic there
/// is a malformed file, not a bug of ours to crash on. Only calamine's calls are guarded,
/// so that a panic in this module's own code still fails the fuzz tests.
fn guarded<T>(label: &str, call: impl FnOnce() -> T) -> Result<T, TabularError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).map_err(|_| {
        TabularError::file(
            label,
            "classeur illisible : sa structure interne est incohérente (fichier abîmé ?)",
        )
    })
}

fn not_a_workbook(label: &str, e: impl std::fmt::Display) -> TabularError {
    TabularError::file(
        label,
        format!("classeur illisible, ce n'est pas un fichier XLSX valide ({e})"),
    )
}

/// Refuses a workbook whose entries would inflate beyond [`MAX_INFLATED_BYTES`], from the
/// sizes its zip directory declares. A declared size that lies cannot get past: the zip
/// crate reads each entry through a limit at its declared size (an entry that inflates
/// further fails, "File is larger than its declared uncompressed size"), so what calamine
/// can inflate is bounded by what is checked here (`a_lying_zip_size_is_refused`).
fn check_inflated_sizes(bytes: &[u8], label: &str) -> Result<(), TabularError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(label, e))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| not_a_workbook(label, e))?;
        total = total.saturating_add(entry.size());
        if total > MAX_INFLATED_BYTES {
            return Err(TabularError::file(
                label,
                format!(
                    "classeur trop volumineux une fois décompressé (plus de {}, dont « {} » : {}) : \
                     ce n'est pas un export attendu",
                    human_size(MAX_INFLATED_BYTES),
                    entry.name().unwrap_or_default(),
                    human_size(entry.size())
                ),
            ));
        }
    }
    Ok(())
}

fn read_sheets(bytes: Vec<u8>, label: &str) -> Result<Vec<Worksheet>, TabularError> {
    let mut workbook: Xlsx<_> =
        guarded(label, || Xlsx::new(Cursor::new(bytes)))?.map_err(|e| not_a_workbook(label, e))?;
    let mut sheets = Vec::new();
    for name in workbook.sheet_names() {
        let sheet_label = format!("{label} (feuille « {name} »)");
        let unreadable =
            |e: XlsxError| TabularError::file(label, format!("feuille « {name} » illisible ({e})"));
        let mut cells = match guarded(label, || workbook.worksheet_cells_reader(&name))? {
            Ok(cells) => cells,
            // A chart sheet: no cells.
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(unreadable(e)),
        };
        let mut grid = Grid::default();
        while let Some(cell) = guarded(label, || cells.next_cell())?.map_err(unreadable)? {
            let (row, col) = cell.get_position();
            let value = cell.get_value();
            if matches!(value, DataRef::Empty) {
                continue;
            }
            if col >= MAX_COLUMNS || row >= MAX_ROWS {
                return Err(TabularError {
                    file: sheet_label.clone(),
                    line: None,
                    column: None,
                    message: format!(
                        "une valeur en cellule {} : au plus {MAX_COLUMNS} colonnes (jusqu'à {}) et \
                         {MAX_ROWS} lignes sont lues ; supprimez les cellules au-delà",
                        cell_name(row, col),
                        column_name(MAX_COLUMNS - 1)
                    ),
                });
            }
            let text = cell_text(value).map_err(|message| TabularError {
                file: sheet_label.clone(),
                line: Some(u64::from(row) + 1),
                column: None,
                message: format!("cellule {} : {message}", cell_name(row, col)),
            })?;
            grid.put(row, col, text);
        }
        let rows = grid.into_rows();
        if let Some(head) = rows.first() {
            Header::from_record(head).check_unique(&sheet_label)?;
        }
        sheets.push(Worksheet { name, rows });
    }
    Ok(sheets)
}

/// The cells with a value of one sheet, by row, as they stream in (in any order).
#[derive(Default)]
struct Grid {
    /// Row index -> (column, text) pairs, for rows from `first_row`.
    rows: Vec<Vec<(u32, String)>>,
    first_row: Option<u32>,
    first_col: Option<u32>,
}

impl Grid {
    fn put(&mut self, row: u32, col: u32, text: String) {
        let first = *self.first_row.get_or_insert(row);
        if row < first {
            // Rows before the first seen: shift (rare: cells out of order).
            let shift = (first - row) as usize;
            self.rows
                .splice(0..0, std::iter::repeat_with(Vec::new).take(shift));
            self.first_row = Some(row);
        }
        let index = (row - self.first_row.unwrap_or(row)) as usize;
        if self.rows.len() <= index {
            self.rows.resize_with(index + 1, Vec::new);
        }
        self.first_col = Some(self.first_col.map_or(col, |c| c.min(col)));
        self.rows[index].push((col, text));
    }

    fn into_rows(self) -> Vec<StringRecord> {
        let first_col = self.first_col.unwrap_or(0);
        self.rows
            .into_iter()
            .map(|cells| {
                let mut fields: Vec<String> = Vec::new();
                // In stream order: the same cell written twice keeps its last value, as in
                // calamine's ranges.
                for (col, text) in cells {
                    let i = (col - first_col) as usize;
                    if fields.len() <= i {
                        fields.resize(i + 1, String::new());
                    }
                    fields[i] = text;
                }
                StringRecord::from(fields)
            })
            .collect()
    }
}

/// `A`, `Z`, `AA`, `XFD`: the letters of a 0-based column.
fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push((b'A' + rem) as char);
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// `C5`: a cell as Excel names it, from 0-based indexes.
fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), u64::from(row) + 1)
}

/// Excel's dates: serial numbers from 0 (1900-01-00) up to 9999-12-31 (2,958,465).
const EXCEL_LAST_SERIAL: f64 = 2_958_466.0;

/// A cell as the text a CSV export would hold. Integers stored as floats (identifiers in
/// the directory export are numbers) lose the `.0`, dates become `AAAA-MM-JJ`. A date
/// Excel cannot hold is an error (the message, without the cell).
fn cell_text(cell: &DataRef<'_>) -> Result<String, String> {
    Ok(match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) if dt.is_duration() => float_text(dt.as_f64()),
        DataRef::DateTime(dt) => excel_date(dt)?.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    })
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// The date of a date-formatted cell, with no arithmetic that can overflow: the serial is
/// checked against Excel's range first (a huge serial used to panic in `TimeDelta::days`).
fn excel_date(dt: &calamine::ExcelDateTime) -> Result<NaiveDate, String> {
    let serial = dt.as_f64();
    if !(0.0..EXCEL_LAST_SERIAL).contains(&serial) {
        return Err(format!(
            "date impossible (numéro de série {serial} : Excel n'écrit que des dates du 01/01/1900 \
             au 31/12/9999)"
        ));
    }
    // In range, calamine's conversion (1900 and 1904 epochs) is plain integer arithmetic.
    let (year, month, day, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day)).ok_or_else(|| {
        format!("date impossible ({day:02}/{month:02}/{year} : ce jour n'existe pas)")
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_xlsxwriter::{Format, Workbook};
    use std::io::{Read, Write};

    fn read(bytes: Vec<u8>) -> Result<Vec<Worksheet>, String> {
        read_workbook_bytes(bytes, "annuaire.xlsx").map_err(|e| e.to_string())
    }

    fn rows_of(sheet: &Worksheet) -> Vec<Vec<String>> {
        sheet
            .rows
            .iter()
            .map(|r| r.iter().map(str::to_string).collect())
            .collect()
    }

    /// A workbook of one sheet `Structures` written by `fill`.
    pub(crate) fn workbook(fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Structures").unwrap();
        fill(sheet);
        workbook.save_to_buffer().unwrap()
    }

    /// The same zip with `name` replaced (or added) and `extra` entries appended.
    pub(crate) fn rezip(bytes: &[u8], replace: &[(&str, &[u8])]) -> Vec<u8> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut written = Vec::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            if let Some((_, new)) = replace.iter().find(|(n, _)| *n == name) {
                content = new.to_vec();
            }
            out.start_file(name.as_str(), options).unwrap();
            out.write_all(&content).unwrap();
            written.push(name);
        }
        for (name, content) in replace {
            if !written.iter().any(|w| w == name) {
                out.start_file(*name, options).unwrap();
                out.write_all(content).unwrap();
            }
        }
        out.finish().unwrap().into_inner()
    }

    /// Rewrites the uncompressed size that the local and central headers of `name` declare.
    fn declare_size(zip_bytes: &mut [u8], name: &str, size: u32) {
        let mut patched = 0;
        for i in 0..zip_bytes.len().saturating_sub(46) {
            let (size_at, name_len_at, name_at) = match &zip_bytes[i..i + 4] {
                b"PK\x03\x04" => (22, 26, 30),
                b"PK\x01\x02" => (24, 28, 46),
                _ => continue,
            };
            let len =
                u16::from_le_bytes([zip_bytes[i + name_len_at], zip_bytes[i + name_len_at + 1]]);
            let start = i + name_at;
            if zip_bytes.get(start..start + len as usize) == Some(name.as_bytes()) {
                zip_bytes[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2, "local and central headers of {name}");
    }

    #[test]
    fn numbers_read_like_csv_text() {
        let bytes = workbook(|s| {
            s.write_number(0, 0, 13001100000000.0).unwrap();
            s.write_number(0, 1, 1.5).unwrap();
            s.write_boolean(0, 2, true).unwrap();
            let date = Format::new().set_num_format("yyyy-mm-dd");
            s.write_number_with_format(0, 4, 46338.0, &date).unwrap();
            s.write_string(2, 1, "x").unwrap();
        });
        let sheets = read(bytes).unwrap();
        assert_eq!(sheets[0].name, "Structures");
        assert_eq!(
            rows_of(&sheets[0]),
            vec![
                vec!["13001100000000", "1.5", "true", "", "2026-11-12"],
                vec![],
                vec!["", "x"],
            ]
        );
    }

    #[test]
    fn an_impossible_date_is_an_error_naming_its_cell() {
        let date = Format::new().set_num_format("dd/mm/yyyy");
        for (serial, shown) in [
            (1e20, "100000000000000000000"),
            (-3.0, "-3"),
            (2_958_466.0, "2958466"),
        ] {
            let bytes = workbook(|s| {
                s.write_string(0, 0, "Identifiant").unwrap();
                s.write_string(0, 2, "DateDebut").unwrap();
                s.write_number_with_format(4, 2, serial, &date).unwrap();
            });
            assert_eq!(
                read(bytes).err().unwrap(),
                format!(
                    "annuaire.xlsx (feuille « Structures »), ligne 5 : cellule C5 : date impossible (numéro de série {shown} : Excel n'écrit que des dates du 01/01/1900 au 31/12/9999)"
                )
            );
        }
        // The last day Excel can write is read.
        let bytes = workbook(|s| {
            s.write_number_with_format(0, 0, 2_958_465.0, &date)
                .unwrap();
        });
        assert_eq!(rows_of(&read(bytes).unwrap()[0]), vec![vec!["9999-12-31"]]);
    }

    #[test]
    fn a_cell_far_away_is_refused_before_any_grid_is_built() {
        // One cell at XFD1048576 used to make calamine ask for a 512 GiB range (abort).
        let bytes = workbook(|s| {
            s.write_string(0, 0, "Identifiant").unwrap();
            s.write_string(1_048_575, 16_383, "loin").unwrap();
        });
        assert!(bytes.len() < 10_000);
        assert_eq!(
            read(bytes).err().unwrap(),
            "annuaire.xlsx (feuille « Structures ») : une valeur en cellule XFD1048576 : au plus 64 colonnes (jusqu'à BL) et 1048576 lignes sont lues ; supprimez les cellules au-delà"
        );
        // A row index beyond Excel's last row, written by hand.
        let base = workbook(|s| {
            s.write_number(0, 0, 1.0).unwrap();
        });
        let sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2000000"><c r="A2000000"><v>2</v></c></row></sheetData></worksheet>"#;
        let bytes = rezip(&base, &[("xl/worksheets/sheet1.xml", sheet)]);
        assert!(read(bytes).err().unwrap().contains("cellule A2000000"));
        // Many rows far down are fine when within the limits (no dense range either).
        let bytes = workbook(|s| {
            s.write_string(0, 0, "Identifiant").unwrap();
            s.write_string(1_048_575, 63, "dernière").unwrap();
        });
        let sheets = read(bytes).unwrap();
        assert_eq!(sheets[0].rows.len(), 1_048_576);
        assert_eq!(sheets[0].rows[1_048_575].len(), 64);
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        let base = workbook(|s| {
            s.write_string(0, 0, "Identifiant").unwrap();
        });
        // 600 MiB of zeros inflate from about 600 KB.
        let zeros = vec![0u8; 600 << 20];
        let bytes = rezip(&base, &[("xl/media/image1.bin", &zeros)]);
        drop(zeros);
        assert!(bytes.len() < 1 << 20, "{}", bytes.len());
        assert_eq!(
            read(bytes).err().unwrap(),
            "annuaire.xlsx : classeur trop volumineux une fois décompressé (plus de 512 Mio, dont « xl/media/image1.bin » : 600 Mio) : ce n'est pas un export attendu"
        );
    }

    #[test]
    fn a_lying_zip_size_is_refused() {
        // The sheet declares 300 bytes and inflates to about 40 KB: its rows must not be read.
        let bytes = workbook(|s| {
            for row in 0..2000 {
                s.write_number(row, 0, f64::from(row)).unwrap();
            }
        });
        let mut bytes = rezip(&bytes, &[]);
        declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 300);
        let err = read(bytes).err().unwrap();
        assert!(
            err.starts_with("annuaire.xlsx : feuille « Structures » illisible ("),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_dimension_is_an_error_not_a_panic() {
        let base = workbook(|s| {
            s.write_number(0, 0, 1.0).unwrap();
        });
        let sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="B2:A1"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#;
        match read(rezip(&base, &[("xl/worksheets/sheet1.xml", sheet)])) {
            Ok(sheets) => assert_eq!(rows_of(&sheets[0]), vec![vec!["1"]]),
            Err(e) => assert_eq!(
                e,
                "annuaire.xlsx : classeur illisible : sa structure interne est incohérente (fichier abîmé ?)"
            ),
        }
    }

    #[test]
    fn a_header_naming_a_column_twice_is_refused() {
        let bytes = workbook(|s| {
            s.write_string(0, 0, "Identifiant").unwrap();
            s.write_string(0, 1, " identifiant").unwrap();
        });
        assert_eq!(
            read(bytes).err().unwrap(),
            "annuaire.xlsx (feuille « Structures »), ligne 1, colonne « identifiant » : colonne présente deux fois dans l'en-tête (colonnes n° 1 et n° 2) : impossible de savoir laquelle lire, supprimez ou renommez l'une des deux"
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
        let ods = dir.path().join("annuaire.ods");
        std::fs::write(&ods, b"PK").unwrap();
        assert_eq!(
            read_workbook(&ods, "annuaire.ods")
                .err()
                .unwrap()
                .to_string(),
            "annuaire.ods : format « .ods » non pris en charge : enregistrez le classeur au format XLSX (Excel 2007 et suivants) ou CSV (séparateur point-virgule)"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("annuaire.xlsx");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let zero = dir.path().join("zero.xlsx");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let (e1, e2) = crate::tabular::tests::within_10_s(move || {
            (
                read_workbook(&fifo, "annuaire.xlsx")
                    .err()
                    .unwrap()
                    .to_string(),
                read_workbook(&zero, "zero.xlsx").err().unwrap().to_string(),
            )
        });
        assert!(
            e1.contains("n'est pas un fichier ordinaire (c'est un tube nommé (FIFO))"),
            "{e1}"
        );
        assert!(
            e2.contains("n'est pas un fichier ordinaire (c'est un périphérique)"),
            "{e2}"
        );
    }
}
