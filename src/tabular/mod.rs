//! Tabular input (CSV exports of an ERP or of the Chorus directory, XLSX workbooks):
//! decoding, columns found by header name, typed cells, and errors that name the file,
//! the line and the column in French.

pub mod xlsx;

use chrono::NaiveDate;
use csv::StringRecord;
use rust_decimal::Decimal;
use std::fmt;
use std::path::Path;

/// A problem in an input file, located as precisely as possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabularError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl TabularError {
    pub fn file(file: &str, message: impl Into<String>) -> TabularError {
        TabularError {
            file: file.to_string(),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for TabularError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", ligne {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", colonne « {column} »")?;
        }
        write!(f, " : {}", self.message)
    }
}

impl std::error::Error for TabularError {}

/// Reads a text file exported on Windows or elsewhere: UTF-8 (with or without BOM) when it
/// decodes as such, else Windows-1252. Binary files and empty files are refused.
pub fn read_text_file(path: &Path, label: &str) -> Result<String, TabularError> {
    let bytes = std::fs::read(path)
        .map_err(|e| TabularError::file(label, format!("lecture impossible ({e})")))?;
    decode_text(&bytes, label)
}

pub fn decode_text(bytes: &[u8], label: &str) -> Result<String, TabularError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(TabularError::file(label, "le fichier est vide"));
    }
    if looks_binary(body) {
        return Err(TabularError::file(
            label,
            "ce n'est pas un fichier texte CSV (contenu binaire)",
        ));
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(body);
            Ok(text.into_owned())
        }
    }
}

/// NUL bytes or many control characters: a zip, a PDF, an image, not a CSV export.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'))
        .count();
    controls * 100 > sample.len()
}

/// Column names normalised for lookup: trimmed, lower case, no BOM, no quotes.
#[derive(Debug, Clone)]
pub struct Header {
    names: Vec<String>,
}

/// A column found (or not) in a header; resolved once per file, used on every row.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub index: Option<usize>,
}

impl Header {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Header {
        Header {
            names: names.into_iter().map(normalize_name).collect(),
        }
    }

    pub fn from_record(record: &StringRecord) -> Header {
        Header::new(record.iter())
    }

    pub fn col(&self, name: &'static str) -> Col {
        let wanted = normalize_name(name);
        Col {
            name,
            index: self.names.iter().position(|n| *n == wanted),
        }
    }

    /// True when every name is present.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names
            .iter()
            .all(|n| self.names.contains(&normalize_name(n)))
    }

    /// An error listing the required columns the header lacks.
    pub fn require(&self, file: &str, names: &[&str]) -> Result<(), TabularError> {
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !self.names.contains(&normalize_name(n)))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let list = missing
            .iter()
            .map(|m| format!("« {m} »"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = if missing.len() == 1 {
            format!("colonne obligatoire absente de l'en-tête : {list}")
        } else {
            format!("colonnes obligatoires absentes de l'en-tête : {list}")
        };
        Err(TabularError {
            file: file.to_string(),
            line: Some(1),
            column: None,
            message,
        })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

fn normalize_name(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .trim_matches('"')
        .trim()
        .to_lowercase()
}

/// A `;`-separated file with a header line, decoded in memory.
pub struct CsvSheet {
    pub label: String,
    pub header: Header,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    /// Line numbers are counted here from byte offsets: the csv crate's own count
    /// forgets the blank lines it skips.
    counted_to: usize,
    line_at: u64,
}

impl CsvSheet {
    pub fn open(path: &Path, label: &str) -> Result<CsvSheet, TabularError> {
        let text = read_text_file(path, label)?;
        CsvSheet::from_text(text, label)
    }

    pub fn from_text(text: String, label: &str) -> Result<CsvSheet, TabularError> {
        let first_line = text.lines().next().unwrap_or_default();
        if !first_line.contains(';') && (first_line.contains(',') || first_line.contains('\t')) {
            return Err(TabularError {
                file: label.to_string(),
                line: Some(1),
                column: None,
                message: "les colonnes doivent être séparées par des points-virgules (;)".into(),
            });
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(true)
            .flexible(true)
            .from_reader(std::io::Cursor::new(text.into_bytes()));
        let header = reader
            .headers()
            .map(Header::from_record)
            .map_err(|e| csv_error(label, &e))?;
        Ok(CsvSheet {
            label: label.to_string(),
            header,
            reader,
            counted_to: 0,
            line_at: 1,
        })
    }

    /// Reads the next data row into `record`; returns its line number, or `None` at the end.
    /// Blank lines are skipped.
    pub fn next_row(&mut self, record: &mut StringRecord) -> Result<Option<u64>, TabularError> {
        loop {
            let more = self
                .reader
                .read_record(record)
                .map_err(|e| csv_error(&self.label, &e))?;
            if !more {
                return Ok(None);
            }
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let start = record.position().map_or(0, |p| p.byte() as usize);
            return Ok(Some(self.line_of(start)));
        }
    }
}

impl CsvSheet {
    fn line_of(&mut self, byte: usize) -> u64 {
        let bytes = self.reader.get_ref().get_ref();
        // The reported start is before the blank lines the reader skipped.
        let mut end = byte.min(bytes.len());
        while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
            end += 1;
        }
        if end > self.counted_to {
            self.line_at += bytes[self.counted_to..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.counted_to = end;
        }
        self.line_at
    }
}

fn csv_error(label: &str, e: &csv::Error) -> TabularError {
    let line = e.position().map(|p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "caractères illisibles (encodage)".to_string(),
        csv::ErrorKind::Io(io) => format!("lecture impossible ({io})"),
        _ => format!("ligne CSV mal formée ({e})"),
    };
    TabularError {
        file: label.to_string(),
        line,
        column: None,
        message,
    }
}

/// The cells of one row, with typed accessors whose errors locate the cell.
pub struct Cells<'a> {
    pub file: &'a str,
    pub line: u64,
    pub record: &'a StringRecord,
}

impl<'a> Cells<'a> {
    pub fn new(file: &'a str, line: u64, record: &'a StringRecord) -> Cells<'a> {
        Cells { file, line, record }
    }

    pub fn error(&self, col: Col, message: impl Into<String>) -> TabularError {
        TabularError {
            file: self.file.to_string(),
            line: Some(self.line),
            column: Some(col.name.to_string()),
            message: message.into(),
        }
    }

    /// The trimmed cell, or "" when the column is absent or the row is short.
    pub fn text(&self, col: Col) -> &'a str {
        col.index
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    pub fn required(&self, col: Col) -> Result<&'a str, TabularError> {
        let value = self.text(col);
        if value.is_empty() {
            Err(self.error(col, "valeur obligatoire manquante"))
        } else {
            Ok(value)
        }
    }

    /// An identifier (SIRET, IBAN, BIC) with every space removed.
    pub fn identifier(&self, col: Col) -> String {
        crate::model::siret::normalize(self.text(col))
    }

    pub fn decimal(&self, col: Col) -> Result<Decimal, TabularError> {
        let value = self.required(col)?;
        crate::model::parse_decimal(value).map_err(|e| self.error(col, e.to_string()))
    }

    /// A decimal, or `default` when the cell is empty.
    pub fn decimal_or(&self, col: Col, default: Decimal) -> Result<Decimal, TabularError> {
        if self.text(col).is_empty() {
            Ok(default)
        } else {
            self.decimal(col)
        }
    }

    pub fn date(&self, col: Col) -> Result<NaiveDate, TabularError> {
        let value = self.required(col)?;
        crate::model::parse_date(value).map_err(|e| self.error(col, e.to_string()))
    }

    pub fn opt_date(&self, col: Col) -> Result<Option<NaiveDate>, TabularError> {
        if self.text(col).is_empty() {
            Ok(None)
        } else {
            self.date(col).map(Some)
        }
    }

    /// `true/false`, `1/0`, `oui/non`, `vrai/faux` in any case; empty is `default`.
    pub fn boolean(&self, col: Col, default: bool) -> Result<bool, TabularError> {
        let value = self.text(col);
        parse_bool(value)
            .or(if value.is_empty() {
                Some(default)
            } else {
                None
            })
            .ok_or_else(|| {
                self.error(
                    col,
                    format!(
                        "« {value} » n'est pas un booléen (attendu true/false, 1/0 ou oui/non)"
                    ),
                )
            })
    }

    /// A code from a closed list; the error lists the accepted values.
    pub fn code<T>(
        &self,
        col: Col,
        parse: impl Fn(&str) -> Option<T>,
        accepted: &str,
    ) -> Result<T, TabularError> {
        let value = self.required(col)?;
        parse(value)
            .ok_or_else(|| self.error(col, format!("« {value} » inconnu (attendu {accepted})")))
    }
}

pub fn parse_bool(value: &str) -> Option<bool> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("true")
        || v == "1"
        || v.eq_ignore_ascii_case("oui")
        || v.eq_ignore_ascii_case("vrai")
        || v.eq_ignore_ascii_case("o")
        || v.eq_ignore_ascii_case("yes")
    {
        Some(true)
    } else if v.eq_ignore_ascii_case("false")
        || v == "0"
        || v.eq_ignore_ascii_case("non")
        || v.eq_ignore_ascii_case("faux")
        || v.eq_ignore_ascii_case("n")
        || v.eq_ignore_ascii_case("no")
    {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_windows_1252_and_utf8_with_bom() {
        let latin = b"nom;ville\nSoci\xe9t\xe9;Ni\xe8vre\n";
        assert_eq!(
            decode_text(latin, "x").unwrap(),
            "nom;ville\nSociété;Nièvre\n"
        );
        let bom = "\u{feff}nom;ville\nSociété;Nièvre\n".as_bytes();
        assert_eq!(
            decode_text(bom, "x").unwrap(),
            "nom;ville\nSociété;Nièvre\n"
        );
    }

    #[test]
    fn refuses_empty_and_binary_files() {
        assert_eq!(
            decode_text(b"  \n", "a.csv").unwrap_err().to_string(),
            "a.csv : le fichier est vide"
        );
        let err = decode_text(b"PK\x03\x04\x00\x00binary", "a.csv").unwrap_err();
        assert!(err.message.contains("binaire"));
    }

    #[test]
    fn finds_columns_in_any_order_and_case() {
        let mut sheet = CsvSheet::from_text(
            "Extra;Siret ;CODE\nx; 123 45 ;C1\n\nz;6;C2\n".into(),
            "t.csv",
        )
        .unwrap();
        let code = sheet.header.col("code");
        let siret = sheet.header.col("siret");
        let mut rec = StringRecord::new();
        let line = sheet.next_row(&mut rec).unwrap().unwrap();
        let cells = Cells::new("t.csv", line, &rec);
        assert_eq!(line, 2);
        assert_eq!(cells.text(code), "C1");
        assert_eq!(cells.identifier(siret), "12345");
        let line = sheet.next_row(&mut rec).unwrap().unwrap();
        assert_eq!(line, 4, "blank line skipped, numbering kept");
        assert!(sheet.next_row(&mut rec).unwrap().is_none());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let mut sheet = CsvSheet::from_text("d;n\n32/13/2026;1,5\n".into(), "f.csv").unwrap();
        let d = sheet.header.col("d");
        let n = sheet.header.col("n");
        let mut rec = StringRecord::new();
        let line = sheet.next_row(&mut rec).unwrap().unwrap();
        let cells = Cells::new("f.csv", line, &rec);
        assert_eq!(
            cells.date(d).unwrap_err().to_string(),
            "f.csv, ligne 2, colonne « d » : « 32/13/2026 » n'est pas une date (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
        );
        assert_eq!(cells.decimal(n).unwrap().to_string(), "1.5");
    }

    #[test]
    fn a_comma_separated_file_is_explained() {
        let err = CsvSheet::from_text("a,b\n1,2\n".into(), "f.csv")
            .err()
            .unwrap();
        assert!(err.message.contains("points-virgules"), "{err}");
    }

    #[test]
    fn missing_columns_are_listed() {
        let header = Header::new(["a", "b"]);
        let err = header.require("f.csv", &["a", "c", "d"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "f.csv, ligne 1 : colonnes obligatoires absentes de l'en-tête : « c », « d »"
        );
    }

    #[test]
    fn booleans_in_every_spelling() {
        for (v, b) in [
            ("true", true),
            ("FALSE", false),
            ("1", true),
            ("0", false),
            ("Oui", true),
            ("non", false),
        ] {
            assert_eq!(parse_bool(v), Some(b));
        }
        assert_eq!(parse_bool("peut-être"), None);
    }
}
