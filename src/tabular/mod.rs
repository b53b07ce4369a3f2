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

/// Largest CSV file read: 1 GiB. The whole Chorus Pro directory converted to CSV is about
/// 40 MB and an ERP export of 100,000 invoices with their lines stays under 100 MB, so a
/// larger file is not an export: it would be read into memory (twice, bytes then text)
/// for nothing.
pub const MAX_TEXT_FILE_BYTES: u64 = 1 << 30;

/// Reads a file that must be a regular file of at most `max_bytes` bytes: the one door
/// through which every importer (CSV and XLSX readers) reads its input.
///
/// The metadata is checked (following symlinks) BEFORE opening: opening a FIFO blocks until
/// a writer comes, and reading `/dev/zero` never ends. The handle is then checked again
/// (the path may have been swapped in between; on Linux it is opened non-blocking so that
/// a FIFO swapped in cannot block either), and the read goes through a limit so that a
/// file growing while it is read, or one whose size the system does not know (`/proc`),
/// cannot exceed `max_bytes`.
pub fn read_regular_file(
    path: &Path,
    label: &str,
    max_bytes: u64,
) -> Result<Vec<u8>, TabularError> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| open_error(label, &e))?;
    check_regular(&meta, label, max_bytes)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        /// `O_NONBLOCK` on Linux (libc is not a dependency).
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| open_error(label, &e))?;
    let meta = file.metadata().map_err(|e| open_error(label, &e))?;
    check_regular(&meta, label, max_bytes)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| open_error(label, &e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(label, bytes.len() as u64, max_bytes));
    }
    Ok(bytes)
}

fn check_regular(
    meta: &std::fs::Metadata,
    label: &str,
    max_bytes: u64,
) -> Result<(), TabularError> {
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(TabularError::file(
            label,
            format!(
                "ce n'est pas un fichier ordinaire ({}) : seul un fichier enregistré sur le disque peut être importé",
                describe_file_type(&kind)
            ),
        ));
    }
    if meta.len() > max_bytes {
        return Err(too_large(label, meta.len(), max_bytes));
    }
    Ok(())
}

fn describe_file_type(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "c'est un dossier";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "c'est un tube nommé (FIFO)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "c'est un périphérique";
        }
        if kind.is_socket() {
            return "c'est une socket";
        }
    }
    "type de fichier spécial"
}

fn too_large(label: &str, size: u64, max_bytes: u64) -> TabularError {
    TabularError::file(
        label,
        format!(
            "fichier trop volumineux ({} ; au plus {} sont lus) : ce n'est pas un export attendu",
            human_size(size),
            human_size(max_bytes)
        ),
    )
}

/// `1,5 Gio`, `512 Mio`, `12 octets`: sizes as the French user reads them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "Gio"), (1 << 20, "Mio"), (1 << 10, "Kio")];
    for (unit, name) in UNITS {
        if bytes >= unit {
            let tenths = bytes.saturating_mul(10) / unit;
            return if tenths.is_multiple_of(10) {
                format!("{} {name}", tenths / 10)
            } else {
                format!("{},{} {name}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{bytes} octets")
}

fn open_error(label: &str, e: &std::io::Error) -> TabularError {
    let message = match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable".to_string(),
        std::io::ErrorKind::PermissionDenied => "lecture refusée (droits d'accès)".to_string(),
        _ => format!("lecture impossible ({e})"),
    };
    TabularError::file(label, message)
}

/// Reads a text file exported on Windows or elsewhere (see [`decode_text`]), through
/// [`read_regular_file`].
pub fn read_text_file(path: &Path, label: &str) -> Result<String, TabularError> {
    let bytes = read_regular_file(path, label, MAX_TEXT_FILE_BYTES)?;
    decode_text(&bytes, label)
}

/// The message of a file whose lines are not all in one encoding.
pub const MIXED_ENCODING: &str = "texte qui n'est ni en UTF-8 ni en Windows-1252 homogène";

/// Decodes an export: UTF-8 (with or without BOM) when the whole file is valid UTF-8;
/// Windows-1252 when it holds no valid multi-byte UTF-8 sequence at all (an old export
/// where every accent is one byte). A file that has both (valid UTF-8 accents and bytes
/// that are not UTF-8: two exports pasted together, one field from another system) is
/// refused at the first line where the second encoding appears: decoding it either way
/// would garble some of its text, and guessing is not allowed. Empty files, NUL bytes
/// anywhere and binary files are refused.
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
    // A NUL byte in a text file (past the first 8 KB, or alone): a damaged file; it used
    // to be stored in the base.
    if let Some(at) = body.iter().position(|&b| b == 0) {
        return Err(TabularError {
            file: label.to_string(),
            line: Some(line_number_at(body, at)),
            column: None,
            message:
                "octet nul : ce n'est pas un fichier texte CSV (contenu binaire ou fichier abîmé)"
                    .into(),
        });
    }
    if let Ok(text) = std::str::from_utf8(body) {
        return Ok(text.to_string());
    }
    if let Some(line) = first_mixed_line(body) {
        return Err(TabularError {
            file: label.to_string(),
            line: Some(line),
            column: None,
            message: MIXED_ENCODING.into(),
        });
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(body);
    Ok(text.into_owned())
}

/// The 1-based line of byte `at`.
fn line_number_at(bytes: &[u8], at: usize) -> u64 {
    bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// For a file that is not valid UTF-8: the first line at which it stops being homogeneous,
/// i.e. the first line holding the encoding (valid multi-byte UTF-8, or bytes invalid as
/// UTF-8) that no earlier line held while an earlier line held the other, or a line
/// holding both. `None` when the file has no valid multi-byte UTF-8 sequence (Windows-1252).
fn first_mixed_line(body: &[u8]) -> Option<u64> {
    let (mut seen_utf8, mut seen_invalid) = (false, false);
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let (mut utf8, mut invalid) = (false, false);
        for chunk in line.utf8_chunks() {
            utf8 |= !chunk.valid().is_ascii();
            invalid |= !chunk.invalid().is_empty();
        }
        let mixed = (utf8 && (invalid || seen_invalid)) || (invalid && seen_utf8);
        if mixed {
            return Some(i as u64 + 1);
        }
        seen_utf8 |= utf8;
        seen_invalid |= invalid;
    }
    None
}

/// Many control characters (NUL included) in the first 8 KB: a zip, a PDF, an image, not
/// a CSV export.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t'))
        .count();
    // A few stray control characters (one NUL in a short file) are a damaged text, refused
    // with their line below, not a binary file.
    controls >= 4 && controls * 100 > sample.len()
}

/// Column names normalised for lookup: trimmed, lower case, no BOM, no quotes.
#[derive(Debug, Clone)]
pub struct Header {
    names: Vec<String>,
    /// The first name found twice (after normalisation): its text as written and its two
    /// 1-based positions. Such a header is refused: which of the two would be read?
    duplicate: Option<(String, usize, usize)>,
}

/// A column found (or not) in a header; resolved once per file, used on every row.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub index: Option<usize>,
}

impl Header {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Header {
        let mut normalized = Vec::new();
        let mut duplicate = None;
        for raw in names {
            let name = normalize_name(raw);
            // Unnamed columns (a trailing `;`) are never looked up: several are harmless.
            if duplicate.is_none()
                && !name.is_empty()
                && let Some(first) = normalized.iter().position(|n| *n == name)
            {
                let written = raw.trim_start_matches('\u{feff}').trim().trim_matches('"');
                duplicate = Some((written.trim().to_string(), first + 1, normalized.len() + 1));
            }
            normalized.push(name);
        }
        Header {
            names: normalized,
            duplicate,
        }
    }

    /// Refuses a header that names the same column twice (whatever the case, the spaces or
    /// a BOM): the first one used to win silently.
    pub fn check_unique(&self, file: &str) -> Result<(), TabularError> {
        match &self.duplicate {
            None => Ok(()),
            Some((name, first, second)) => Err(TabularError {
                file: file.to_string(),
                line: Some(1),
                column: Some(name.clone()),
                message: format!(
                    "colonne présente deux fois dans l'en-tête (colonnes n° {first} et n° {second}) : \
                     impossible de savoir laquelle lire, supprimez ou renommez l'une des deux"
                ),
            }),
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
        self.check_unique(file)?;
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
        check_complete(&text, label)?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(true)
            // Rows of another length than the header are refused in `next_row`, with a
            // message that says how many fields were expected and found.
            .flexible(true)
            .from_reader(std::io::Cursor::new(text.into_bytes()));
        let header = reader
            .headers()
            .map(Header::from_record)
            .map_err(|e| csv_error(label, &e))?;
        header.check_unique(label)?;
        Ok(CsvSheet {
            label: label.to_string(),
            header,
            reader,
            counted_to: 0,
            line_at: 1,
        })
    }

    /// Reads the next data row into `record`; returns its line number, or `None` at the end.
    /// Blank lines are skipped. A row with fewer or more fields than the header is refused:
    /// a short row is a cut line (an amount of `12` for `1200,00`), a long one a `;` in a
    /// value; either way the cells would be read from the wrong columns.
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
            let line = self.line_of(start);
            if record.len() != self.header.len() {
                return Err(TabularError {
                    file: self.label.clone(),
                    line: Some(line),
                    column: None,
                    message: format!(
                        "{} attendu{} (autant que de colonnes dans l'en-tête), {} trouvé{} : \
                         ligne coupée, ou point-virgule en trop ou manquant",
                        fields(self.header.len()),
                        plural(self.header.len()),
                        record.len(),
                        plural(record.len()),
                    ),
                });
            }
            return Ok(Some(line));
        }
    }
}

fn fields(n: usize) -> String {
    format!("{n} champ{}", plural(n))
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// Refuses a text cut short: an interrupted export, copy or download.
///
/// A cut between two lines loses whole rows, which nothing in the file can tell; a cut
/// anywhere else leaves a last row shortened. When that row loses fields, `next_row`
/// refuses it; but a cut inside the LAST field keeps the right count (`12` for
/// `1200,00`, `VIREME` for `VIREMENT`), and is byte for byte a file whose last line has
/// no line break. So a file whose last line does not end with a line break is refused,
/// with what to do if it is complete: every tool that writes these exports (the ERPs,
/// Excel, LibreOffice, the demo) ends each line, its last one too, with a line break; the
/// honest file without one (edited by hand in a text editor) costs its user one key press,
/// while accepting it would import a shortened amount without a word. A quoted field
/// still open at the end of the text (cut inside a multi-line address, or a stray `"`)
/// is refused at the line where it opens.
fn check_complete(text: &str, label: &str) -> Result<(), TabularError> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut line = 1u64;
    let mut quote_line = 1u64;
    // The same automaton as the csv crate's reader (`;`, quotes doubled inside quotes,
    // a quote inside an unquoted field taken literally).
    for &b in text.as_bytes() {
        if b == b'\n' {
            line += 1;
        }
        state = match (state, b) {
            (State::FieldStart, b'"') => {
                quote_line = line;
                State::Quoted
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (_, b';' | b'\n' | b'\r') => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    if state == State::Quoted {
        return Err(TabularError {
            file: label.to_string(),
            line: Some(quote_line),
            column: None,
            message: "guillemet ouvert et jamais refermé : le fichier est coupé, ou un guillemet est en trop"
                .into(),
        });
    }
    let last_line = text.rsplit(['\n', '\r']).next().unwrap_or_default();
    if !last_line.trim().is_empty() {
        let line = text.matches('\n').count() as u64 + 1;
        return Err(TabularError {
            file: label.to_string(),
            line: Some(line),
            column: None,
            message: "la dernière ligne ne se termine pas par un saut de ligne : le fichier semble \
                      coupé (export ou copie interrompus) et sa dernière valeur peut-être tronquée ; s'il est \
                      complet, ajoutez un saut de ligne à la fin de la dernière ligne"
                .into(),
        });
    }
    Ok(())
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
        let err = decode_text(b"%PDF\x01\x02\x03\x04\x05\x06\x07\x08", "a.csv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.csv : ce n'est pas un fichier texte CSV (contenu binaire)"
        );
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

    /// Every data row of a CSV text, or the first error, as the user would read it.
    fn read_all(text: &str) -> Result<Vec<Vec<String>>, String> {
        let mut sheet =
            CsvSheet::from_text(text.to_string(), "f.csv").map_err(|e| e.to_string())?;
        let mut rec = StringRecord::new();
        let mut rows = Vec::new();
        while sheet
            .next_row(&mut rec)
            .map_err(|e| e.to_string())?
            .is_some()
        {
            rows.push(rec.iter().map(str::to_string).collect());
        }
        Ok(rows)
    }

    #[test]
    fn one_windows_1252_byte_in_a_utf8_file_is_refused_at_its_line() {
        // Line 1 and 2 UTF-8, line 3 Windows-1252: the whole file used to become `Ã©`.
        let mixed = b"nom;ville\nSoci\xc3\xa9t\xc3\xa9;Lyon\nx;Ni\xe8vre\n";
        assert_eq!(
            decode_text(mixed, "f.csv").unwrap_err().to_string(),
            "f.csv, ligne 3 : texte qui n'est ni en UTF-8 ni en Windows-1252 homogène"
        );
        // The other way round: a Windows-1252 file that gains a UTF-8 line.
        let mixed = b"nom;ville\nx;Ni\xe8vre\n\ny;Soci\xc3\xa9t\xc3\xa9\n";
        assert_eq!(decode_text(mixed, "f.csv").unwrap_err().line, Some(4));
        // Both on one line.
        let mixed = b"nom;ville\nSoci\xc3\xa9t\xc3\xa9;Ni\xe8vre\n";
        assert_eq!(decode_text(mixed, "f.csv").unwrap_err().line, Some(2));
        // A UTF-8 file cut inside its last character.
        let cut = b"nom\nSoci\xc3\xa9t\xc3";
        assert_eq!(decode_text(cut, "f.csv").unwrap_err().line, Some(2));
        // Homogeneous files stay accepted whole, whatever the line.
        assert_eq!(
            decode_text(b"a\nb\n\xe9t\xe9\n", "f.csv").unwrap(),
            "a\nb\nété\n"
        );
        assert_eq!(
            decode_text("a\nb\nété\n".as_bytes(), "f.csv").unwrap(),
            "a\nb\nété\n"
        );
    }

    #[test]
    fn a_nul_byte_anywhere_is_refused_with_its_line() {
        let mut bytes = b"nom;ville\n".to_vec();
        for i in 0..2000 {
            bytes.extend_from_slice(format!("n{i};Lyon\n").as_bytes());
        }
        assert!(bytes.len() > 8192);
        bytes.extend_from_slice(b"x;Ly\0on\n");
        assert_eq!(
            decode_text(&bytes, "f.csv").unwrap_err().to_string(),
            "f.csv, ligne 2002 : octet nul : ce n'est pas un fichier texte CSV (contenu binaire ou fichier abîmé)"
        );
    }

    #[test]
    fn a_row_of_another_length_than_the_header_is_refused() {
        assert_eq!(
            read_all("a;b;c\n1;2;3\n\n1;2\n").unwrap_err(),
            "f.csv, ligne 4 : 3 champs attendus (autant que de colonnes dans l'en-tête), 2 trouvés : ligne coupée, ou point-virgule en trop ou manquant"
        );
        assert_eq!(
            read_all("a;b;c\n1;2;3;4\n").unwrap_err(),
            "f.csv, ligne 2 : 3 champs attendus (autant que de colonnes dans l'en-tête), 4 trouvés : ligne coupée, ou point-virgule en trop ou manquant"
        );
        assert_eq!(
            read_all("a;b\n1\n").unwrap_err(),
            "f.csv, ligne 2 : 2 champs attendus (autant que de colonnes dans l'en-tête), 1 trouvé : ligne coupée, ou point-virgule en trop ou manquant"
        );
        // Blank lines, even made of `;`, are still skipped; quoted `;` and line breaks are values.
        assert_eq!(
            read_all("a;b\n;\n\"x;y\";\"l1\nl2\"\r\n").unwrap(),
            vec![vec!["x;y".to_string(), "l1\nl2".to_string()]]
        );
    }

    #[test]
    fn a_file_cut_inside_its_last_field_is_refused() {
        // Right field count, last line without a line break: `1200,00` cut to `12`.
        assert_eq!(
            read_all("numero;montant\nF1;1200,00\nF2;12").unwrap_err(),
            "f.csv, ligne 3 : la dernière ligne ne se termine pas par un saut de ligne : le fichier semble coupé (export ou copie interrompus) et sa dernière valeur peut-être tronquée ; s'il est complet, ajoutez un saut de ligne à la fin de la dernière ligne"
        );
        // Cut inside a quoted multi-line value, just after one of its line breaks.
        assert_eq!(
            read_all("a;b\n1;\"12 rue\nbât").unwrap_err(),
            "f.csv, ligne 2 : guillemet ouvert et jamais refermé : le fichier est coupé, ou un guillemet est en trop"
        );
        assert_eq!(
            read_all("a;b\n1;\"12 rue\n").unwrap_err(),
            "f.csv, ligne 2 : guillemet ouvert et jamais refermé : le fichier est coupé, ou un guillemet est en trop"
        );
        // Cut at a line end (\r\n, \r or \n) or with trailing blanks: nothing shortened.
        for text in [
            "a;b\n1;2\r\n",
            "a;b\r\n1;2\r",
            "a;b\n1;2\n  ",
            "a;b\n1;\"x\"\"y\"\n",
        ] {
            assert_eq!(read_all(text).unwrap().len(), 1, "{text:?}");
        }
        // A quote inside an unquoted value is a character, not an opening.
        assert_eq!(read_all("a;b\n12\" écran;2\n").unwrap()[0][0], "12\" écran");
    }

    #[test]
    fn a_header_naming_a_column_twice_is_refused() {
        let err = CsvSheet::from_text("\u{feff}Code;nom; CODE \nC1;x;C2\n".into(), "f.csv")
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            "f.csv, ligne 1, colonne « CODE » : colonne présente deux fois dans l'en-tête (colonnes n° 1 et n° 3) : impossible de savoir laquelle lire, supprimez ou renommez l'une des deux"
        );
        // Through `require` too (XLSX sheets, other readers).
        let header = Header::new(["a", "\"A\""]);
        assert!(
            header
                .require("f.csv", &["a"])
                .unwrap_err()
                .message
                .contains("deux fois")
        );
        // Unnamed columns (trailing `;`) are not duplicates.
        assert_eq!(read_all("a;b;;\n1;2;;\n").unwrap().len(), 1);
    }

    #[test]
    fn sizes_read_in_french() {
        assert_eq!(human_size(12), "12 octets");
        assert_eq!(human_size(1 << 30), "1 Gio");
        assert_eq!(human_size(3 << 29), "1,5 Gio");
        assert_eq!(human_size(512 << 20), "512 Mio");
    }

    /// Runs `f` on a thread and fails (instead of hanging) when it takes more than 10 s: a
    /// FIFO opened for reading blocks until a writer comes.
    pub(crate) fn within_10_s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the reader blocked or ran for more than 10 s")
    }

    #[cfg(unix)]
    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("factures.csv");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let zero = dir.path().join("lignes.csv");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let folder = dir.path().join("clients.csv");
        std::fs::create_dir(&folder).unwrap();
        let (e1, e2, e3) = within_10_s(move || {
            (
                read_text_file(&fifo, "factures.csv")
                    .unwrap_err()
                    .to_string(),
                CsvSheet::open(&zero, "lignes.csv")
                    .err()
                    .unwrap()
                    .to_string(),
                read_text_file(&folder, "clients.csv")
                    .unwrap_err()
                    .to_string(),
            )
        });
        assert_eq!(
            e1,
            "factures.csv : ce n'est pas un fichier ordinaire (c'est un tube nommé (FIFO)) : seul un fichier enregistré sur le disque peut être importé"
        );
        assert_eq!(
            e2,
            "lignes.csv : ce n'est pas un fichier ordinaire (c'est un périphérique) : seul un fichier enregistré sur le disque peut être importé"
        );
        assert_eq!(
            e3,
            "clients.csv : ce n'est pas un fichier ordinaire (c'est un dossier) : seul un fichier enregistré sur le disque peut être importé"
        );
    }

    #[test]
    fn files_beyond_the_cap_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gros.csv");
        // A sparse file: 2 GiB long, nothing on disk.
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(2 << 30).unwrap();
        let err = within_10_s(move || read_text_file(&path, "gros.csv").unwrap_err().to_string());
        assert_eq!(
            err,
            "gros.csv : fichier trop volumineux (2 Gio ; au plus 1 Gio sont lus) : ce n'est pas un export attendu"
        );
        // The read itself goes through the cap (a file that grows, a /proc file of size 0).
        let small = dir.path().join("petit.csv");
        std::fs::write(&small, "a;b\n1;2\n").unwrap();
        assert!(
            read_regular_file(&small, "petit.csv", 7)
                .unwrap_err()
                .message
                .contains("trop volumineux")
        );
        assert_eq!(read_regular_file(&small, "petit.csv", 8).unwrap().len(), 8);
        assert_eq!(
            read_text_file(&dir.path().join("absent.csv"), "absent.csv")
                .unwrap_err()
                .to_string(),
            "absent.csv : fichier introuvable"
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
