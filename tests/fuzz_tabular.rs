//! The fuzz suite of the tabular readers and of the ERP importer (issue 9): property tests
//! (proptest, a fixed budget of cases so that `cargo test` stays fast; cargo-fuzz needs a
//! nightly toolchain this machine cannot fetch) on mutations of the real fixture files,
//! and the replay of a regression corpus (`tests/fuzz_corpus/`) whose every file states
//! the exact French outcome it must keep.
//!
//! The rule checked everywhere: any input either is read (imported) completely, or is
//! refused with a French message naming the file, leaving the base unchanged. Never a
//! panic, never a shortened value.

mod common;

use chorus_depot::erp_import::import_erp;
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use chorus_depot::tabular::{CsvSheet, TabularError, decode_text, xlsx};
use csv::StringRecord;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Inputs

fn erp_fixture_dir() -> PathBuf {
    common::fixtures().join("erp_small")
}

/// The CSV fixture files (ERP export and directory), name and bytes.
fn csv_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in [erp_fixture_dir(), common::fixtures().join("annuaire_small")] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read(&path).unwrap()));
        }
    }
    files
}

/// One change to a file's bytes; positions are fractions of the length, so that any
/// file takes any mutation.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(f64),
    Flip(f64, u8),
    Insert(f64, &'static [u8]),
    Delete(f64, usize),
    /// The header's column `n` (modulo their count) written a second time, in upper case.
    DuplicateHeaderColumn(usize),
    /// Every `\n` from this fraction on becomes `\r\n` (or the reverse).
    CrlfFrom(f64),
}

/// What a hostile or damaged export holds.
const INSERTS: &[&[u8]] = &[
    b";",
    b"\"",
    b"\0",
    b"\n",
    b"\r",
    b"\r\n",
    b"\xe9",         // é in Windows-1252, invalid in UTF-8
    b"\xc3",         // a UTF-8 lead byte alone
    b"\xc3\xa9",     // é in UTF-8
    b"\xef\xbb\xbf", // a BOM in the middle
    b"\"\"",
    b";;",
    b" ",
    b"\t",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (0.0..1.0f64, prop::sample::select(INSERTS)).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (0.0..1.0f64, 1..20usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (0..30usize).prop_map(Mutation::DuplicateHeaderColumn),
        (0.0..1.0f64).prop_map(Mutation::CrlfFrom),
    ]
}

fn position(bytes: &[u8], at: f64) -> usize {
    ((bytes.len() as f64) * at) as usize
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    match *mutation {
        Mutation::Truncate(at) => bytes.truncate(position(bytes, at)),
        Mutation::Flip(at, b) => {
            if !bytes.is_empty() {
                let i = position(bytes, at).min(bytes.len() - 1);
                bytes[i] = b;
            }
        }
        Mutation::Insert(at, what) => {
            let i = position(bytes, at);
            bytes.splice(i..i, what.iter().copied());
        }
        Mutation::Delete(at, n) => {
            let i = position(bytes, at);
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::DuplicateHeaderColumn(n) => {
            let end = bytes
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(bytes.len());
            let header = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let names: Vec<&str> = header.trim_end_matches('\r').split(';').collect();
            let name = names[n % names.len()].to_uppercase();
            let insert = format!(";{name}");
            // In bytes: the header read lossily is longer than its bytes when one is not
            // UTF-8 (each becomes a 3-byte U+FFFD).
            let at = if end > 0 && bytes[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            bytes.splice(at..at, insert.into_bytes());
        }
        Mutation::CrlfFrom(at) => {
            let i = position(bytes, at);
            let tail = bytes.split_off(i);
            let mut out = Vec::with_capacity(tail.len() + 64);
            let mut k = 0;
            while k < tail.len() {
                if tail[k..].starts_with(b"\r\n") {
                    out.push(b'\n');
                    k += 2;
                } else if tail[k] == b'\n' {
                    out.extend_from_slice(b"\r\n");
                    k += 1;
                } else {
                    out.push(tail[k]);
                    k += 1;
                }
            }
            bytes.extend(out);
        }
    }
}

/// The header's column indexes and the data rows with their lines.
type ReadCsv = (Vec<String>, Vec<(u64, Vec<String>)>);

/// Every data row of a CSV file as the importers read it (header, then rows with their
/// lines), or the error the user would see.
fn read_csv(bytes: &[u8], label: &str) -> Result<ReadCsv, TabularError> {
    let text = decode_text(bytes, label)?;
    let mut sheet = CsvSheet::from_text(text, label)?;
    let mut header = Vec::new();
    for i in 0..sheet.header.len() {
        header.push(i.to_string());
    }
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    while let Some(line) = sheet.next_row(&mut record)? {
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok((header, rows))
}

/// A French message: the file first, then words a French user reads (no English parser
/// message on its own).
fn assert_french(err: &str, file: &str) {
    assert!(
        err.starts_with(file),
        "the message does not start with the file: {err}"
    );
    let french = [
        "ligne",
        "fichier",
        "champ",
        "colonne",
        "guillemet",
        "texte",
        "octet",
        "classeur",
        "feuille",
        "cellule",
        "valeur",
        "date",
        "inconnu",
        "doublon",
        "montant",
        "absent",
        "attendu",
        "n'est pas",
        "obligatoire",
        "vide",
        "total",
        "somme",
        "devise",
    ];
    assert!(
        french.iter().any(|w| err.contains(w)),
        "not a French message: {err}"
    );
}

// ---------------------------------------------------------------------------------------
// The CSV reader

/// Cut every fixture file at every byte: the reader either refuses naming a line, or the
/// cut fell exactly at a line end and the rows read are the first rows of the whole file,
/// unchanged. It never returns a shortened value.
#[test]
fn a_file_cut_at_any_byte_is_refused_or_loses_whole_lines_only() {
    for (name, bytes) in csv_fixtures() {
        let (_, full) = read_csv(&bytes, &name).unwrap();
        for cut in 0..bytes.len() {
            let part = &bytes[..cut];
            match read_csv(part, &name) {
                Err(e) => {
                    let blank = part.iter().all(u8::is_ascii_whitespace);
                    assert!(
                        e.line.is_some() || blank,
                        "{name} cut at {cut}: refused without a line: {e}"
                    );
                    assert_french(&e.to_string(), &name);
                }
                Ok((_, rows)) => {
                    assert!(
                        matches!(part.last(), Some(b'\n' | b'\r')),
                        "{name} cut at {cut} (not at a line end) was accepted: {rows:?}"
                    );
                    assert_eq!(rows[..], full[..rows.len()], "{name} cut at {cut}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any mutation of a fixture file: read completely (every row as wide as the header, no
    /// NUL) or refused in French naming the file; never a panic.
    #[test]
    fn any_damaged_csv_is_read_whole_or_refused_in_french(
        file in 0..9usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let fixtures = csv_fixtures();
        let (name, mut bytes) = fixtures[file % fixtures.len()].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        match read_csv(&bytes, &name) {
            Err(e) => assert_french(&e.to_string(), &name),
            Ok((header, rows)) => {
                for (line, row) in &rows {
                    prop_assert_eq!(row.len(), header.len(), "line {}", line);
                    prop_assert!(row.iter().all(|f| !f.contains('\0')));
                }
                let last_line = bytes.rsplit(|&b| b == b'\n' || b == b'\r').next().unwrap_or_default();
                prop_assert!(
                    last_line.iter().all(u8::is_ascii_whitespace),
                    "accepted a file whose last line has no line break"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The XLSX reader

/// A small directory workbook: header, rows of text, numbers, booleans and a date.
fn base_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Structures").unwrap();
    for (c, h) in [
        "TypeIdentifiant",
        "Identifiant",
        "RaisonSociale",
        "StructureActive",
        "DateMaj",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for r in 1..6u32 {
        sheet.write_number(r, 0, 1.0).unwrap();
        sheet
            .write_number(r, 1, 21690123100011.0 + f64::from(r))
            .unwrap();
        sheet
            .write_string(r, 2, format!("Commune n° {r} — Hôtel de ville"))
            .unwrap();
        sheet.write_boolean(r, 3, r % 2 == 0).unwrap();
        sheet
            .write_number_with_format(r, 4, 46000.0 + f64::from(r), &date)
            .unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

/// The entries of a zip, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().unwrap().to_string(), content)
        })
        .collect()
}

fn zip_entries(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// What a hostile sheet XML holds.
const XML_INSERTS: &[&[u8]] = &[
    b"<c r=\"XFD1048576\"><v>1</v></c>",
    b"<c r=\"A99999999\"><v>1</v></c>",
    b"<c r=\"AAAAAAAAAAAAAAAAAAAA1\"><v>1</v></c>",
    b"<dimension ref=\"B2:A1\"/>",
    b"<c r=\"A2\" s=\"1\"><v>1e308</v></c>",
    b"<c r=\"E2\" s=\"1\"><v>-1</v></c>",
    b"<c r=\"E3\" s=\"1\"><v>NaN</v></c>",
    b"<c r=\"B2\" t=\"s\"><v>99999</v></c>",
    b"<c r=\"B2\" t=\"d\"><v>not a date</v></c>",
    b"<c r=\"B2\" t=\"e\"><v>#N/A</v></c>",
    b"<row r=\"0\">",
    b"</row>",
    b"<",
    b"&amp;",
    b"\0",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any mutation of a workbook's XML (sheet, shared strings, styles, workbook) or of its
    /// zip bytes: read, or refused in French naming the file; never a panic, never an abort.
    #[test]
    fn any_damaged_workbook_is_read_or_refused_in_french(
        entry in 0..16usize,
        xml_changes in prop::collection::vec(
            (0.0..1.0f64, prop_oneof![
                prop::sample::select(XML_INSERTS).prop_map(|s| s.to_vec()),
                any::<u8>().prop_map(|b| vec![b]),
            ]),
            0..4,
        ),
        cut in prop::option::weighted(0.15, 0.0..1.0f64),
        flip in prop::option::weighted(0.15, (0.0..1.0f64, any::<u8>())),
    ) {
        let mut entries = unzip(&base_workbook());
        let xml: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| n.ends_with(".xml"))
            .map(|(i, _)| i)
            .collect();
        let target = xml[entry % xml.len()];
        for (at, insert) in &xml_changes {
            let content = &mut entries[target].1;
            let i = position(content, *at);
            content.splice(i..i, insert.iter().copied());
        }
        let mut bytes = zip_entries(&entries);
        if let Some(at) = cut {
            bytes.truncate(position(&bytes, at));
        }
        if let Some((at, b)) = flip {
            let i = position(&bytes, at).min(bytes.len().saturating_sub(1));
            if let Some(byte) = bytes.get_mut(i) {
                *byte = b;
            }
        }
        match xlsx::read_workbook_bytes(bytes, "annuaire.xlsx") {
            Err(e) => assert_french(&e.to_string(), "annuaire.xlsx"),
            Ok(sheets) => {
                for sheet in sheets {
                    prop_assert!(sheet.rows.len() <= 1_048_576);
                    prop_assert!(sheet.rows.iter().all(|r| r.len() <= 64));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The ERP importer, on a real SQLite store

/// A folder at a fixed path (stored PDF paths depend on it) and a database holding the
/// good fixture imported from it; each case copies the database and rewrites the folder.
struct ErpBench {
    tmp: tempfile::TempDir,
    folder: PathBuf,
    template: PathBuf,
    full_dump: Vec<String>,
}

const ERP_TABLES: &[&str] = &[
    "companies",
    "clients",
    "markets",
    "billing_references",
    "invoices",
    "invoice_lines",
    "payments",
];

fn dump(store: &Store) -> Vec<String> {
    let conn = store.conn();
    let mut out = Vec::new();
    for table in ERP_TABLES {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |row| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

fn erp_files() -> Vec<(String, Vec<u8>)> {
    csv_fixtures()
        .into_iter()
        .filter(|(name, _)| !name.starts_with("AIFE"))
        .collect()
}

impl ErpBench {
    fn new() -> ErpBench {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("export");
        let template = tmp.path().join("modele.sqlite");
        let bench = ErpBench {
            folder,
            template,
            full_dump: Vec::new(),
            tmp,
        };
        bench.write_folder(&erp_files());
        let mut store = Store::open(&bench.template).unwrap();
        import_erp(&mut store, &bench.folder, &Silent).unwrap();
        let full_dump = dump(&store);
        // Importing the same export again changes nothing: the dumps compare values only.
        import_erp(&mut store, &bench.folder, &Silent).unwrap();
        assert_eq!(dump(&store), full_dump);
        drop(store);
        ErpBench { full_dump, ..bench }
    }

    fn write_folder(&self, files: &[(String, Vec<u8>)]) {
        let _ = std::fs::remove_dir_all(&self.folder);
        std::fs::create_dir_all(&self.folder).unwrap();
        for (name, bytes) in files {
            std::fs::write(self.folder.join(name), bytes).unwrap();
        }
    }

    /// Imports `files` over a copy of the good base: the error, or `None` and the dump.
    fn import(
        &self,
        files: &[(String, Vec<u8>)],
    ) -> (Result<(), String>, Vec<String>, Vec<String>) {
        self.write_folder(files);
        let db = self.tmp.path().join("cas.sqlite");
        let _ = std::fs::remove_file(&db);
        std::fs::copy(&self.template, &db).unwrap();
        let mut store = Store::open(&db).unwrap();
        let before = dump(&store);
        let result = import_erp(&mut store, &self.folder, &Silent)
            .map(|_| ())
            .map_err(|e| e.to_string());
        let after = dump(&store);
        (result, before, after)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// One ERP file cut at any byte: refused naming a line with the base unchanged, or the
    /// cut fell at a line end and every row in the base is a row of the complete export.
    #[test]
    fn an_erp_file_cut_anywhere_never_imports_a_shortened_value(file in 0..7usize, at in 0.0..1.0f64) {
        let bench = bench();
        let mut files = erp_files();
        let (name, bytes) = &mut files[file];
        let cut = position(bytes, at);
        bytes.truncate(cut);
        let at_line_end = matches!(bytes.last(), Some(b'\n' | b'\r'));
        let blank = bytes.iter().all(u8::is_ascii_whitespace);
        let name = name.clone();
        let (result, before, after) = bench.import(&files);
        match result {
            Err(e) => {
                prop_assert_eq!(&after, &before, "{}", e);
                assert_french(&e, &name);
                if !at_line_end && !blank {
                    prop_assert!(e.contains(", ligne "), "{}", e);
                }
            }
            Ok(()) => {
                prop_assert!(at_line_end, "{} cut at {} imported", name, cut);
                let full: BTreeSet<&String> = bench.full_dump.iter().collect();
                for row in &after {
                    prop_assert!(full.contains(row), "{} cut at {}: row not in the export: {}", name, cut, row);
                }
            }
        }
    }

    /// Any mutation of one ERP file: imported whole, or refused in French with the base
    /// exactly as it was; never a panic.
    #[test]
    fn any_damaged_erp_export_imports_whole_or_changes_nothing(
        file in 0..7usize,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let bench = bench();
        let mut files = erp_files();
        for m in &mutations {
            apply(&mut files[file].1, m);
        }
        let name = files[file].0.clone();
        let (result, before, after) = bench.import(&files);
        match result {
            Err(e) => {
                prop_assert_eq!(&after, &before, "{}", e);
                assert_french(&e, &name);
            }
            Ok(()) => {
                // Whole: every row of every file is in the base (no row was skipped).
                let (_, rows) = read_csv(&files[file].1, &name).expect("imported, so readable");
                let table_rows = after.iter().filter(|r| r.starts_with(table_of(&name))).count();
                prop_assert!(table_rows >= rows.len(), "{}: {} rows read, {} in the base", name, rows.len(), table_rows);
            }
        }
    }
}

fn table_of(file: &str) -> &'static str {
    match file {
        "societes.csv" => "companies:",
        "clients.csv" => "clients:",
        "marches.csv" => "markets:",
        "references.csv" => "billing_references:",
        "factures.csv" => "invoices:",
        "lignes.csv" => "invoice_lines:",
        "reglements.csv" => "payments:",
        _ => unreachable!("{file}"),
    }
}

/// One bench per test thread (proptest runs its cases on the test's thread).
fn bench() -> &'static ErpBench {
    thread_local! {
        static BENCH: &'static ErpBench = Box::leak(Box::new(ErpBench::new()));
    }
    BENCH.with(|b| *b)
}

// ---------------------------------------------------------------------------------------
// The regression corpus: inputs found by this suite and by the bad-input campaign, each
// with the exact outcome it must keep.

fn corpus_dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_corpus")
        .join(kind)
}

/// `NAME.expected` beside each input: its first line is the exact outcome.
fn expected_of(input: &Path) -> String {
    let mut expected = input.as_os_str().to_owned();
    expected.push(".expected");
    std::fs::read_to_string(&expected)
        .unwrap_or_else(|_| panic!("{} has no .expected", input.display()))
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Every file of the tabular corpus read as the importers read it: the CSV ones through
/// `CsvSheet`, the XLSX ones through `read_workbook`.
#[test]
fn the_tabular_corpus_keeps_its_outcomes() {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(corpus_dir("tabular"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".expected"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 10, "the corpus lost files: {inputs:?}");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = if name.ends_with(".xlsx") {
            match xlsx::read_workbook(input, &name) {
                Ok(sheets) => format!(
                    "OK : {}",
                    sheets
                        .iter()
                        .map(|s| format!("{} ({} lignes)", s.name, s.rows.len()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Err(e) => e.to_string(),
            }
        } else {
            match CsvSheet::open(input, &name) {
                Err(e) => e.to_string(),
                Ok(mut sheet) => {
                    let mut record = StringRecord::new();
                    let mut count = 0;
                    loop {
                        match sheet.next_row(&mut record) {
                            Ok(Some(_)) => count += 1,
                            Ok(None) => break format!("OK : {count} lignes"),
                            Err(e) => break e.to_string(),
                        }
                    }
                }
            }
        };
        let expected = expected_of(input);
        if outcome != expected {
            failures.push(format!(
                "{name}\n  attendu : {expected}\n  obtenu  : {outcome}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each folder of the ERP corpus holds the files that replace the small fixture's ones;
/// imported over the good base, it must give its exact outcome and, when refused, leave
/// the base as it was.
#[test]
fn the_erp_corpus_keeps_its_outcomes() {
    let bench = bench();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus_dir("erp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "the corpus lost cases: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let mut files = erp_files();
        for entry in std::fs::read_dir(case).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name == "expected.txt" {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            match files.iter_mut().find(|(n, _)| *n == name) {
                Some(f) => f.1 = bytes,
                None => files.push((name, bytes)),
            }
        }
        let expected = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap()
            .lines()
            .next()
            .unwrap_or_default()
            .replace("{dossier}", &bench.folder.display().to_string());
        let (result, before, after) = bench.import(&files);
        let outcome = match result {
            Ok(()) => "OK".to_string(),
            Err(e) => {
                if after != before {
                    failures.push(format!("{}: the base changed", case.display()));
                }
                e
            }
        };
        if outcome != expected {
            failures.push(format!(
                "{}\n  attendu : {expected}\n  obtenu  : {outcome}",
                case.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
