//! Property tests of the directory importer (issue 9): any mutation of a real-shaped export,
//! CSV or XLSX, either imports completely (every row of the structures table became one
//! structure, the cache holds what the summary says) or is refused with a French error that
//! names the file, the cache left exactly as it was; never a panic. Beside them, the
//! regression corpus of tests/fuzz_corpus/directory/ is replayed.

mod common;

use chorus_depot::directory::{ImportOptions, import_directory_with};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use chorus_depot::store::directory::latest_import;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const STRUCTURES_FILE: &str = "AIFE-Chorus-Pro-Annuaire_20261112-structures.csv";
const SERVICES_FILE: &str = "AIFE-Chorus-Pro-Annuaire_20261112-services.csv";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(common::fixtures().join("annuaire_small").join(name)).unwrap()
}

/// A database holding the small fixture's directory (3 structures, 3 services), copied
/// for each case so that every case starts from the same cache.
struct Template {
    dir: TempDir,
    db: PathBuf,
}

impl Template {
    fn new() -> Template {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("template.sqlite");
        let mut store = Store::open(&db).unwrap();
        let files = [
            write(dir.path(), STRUCTURES_FILE, &fixture(STRUCTURES_FILE)),
            write(dir.path(), SERVICES_FILE, &fixture(SERVICES_FILE)),
        ];
        import_directory_with(&mut store, &files, ImportOptions::default(), &Silent).unwrap();
        drop(store);
        Template { dir, db }
    }

    /// A fresh copy of the cache in its own folder.
    fn case(&self) -> (TempDir, Store) {
        let dir = tempfile::tempdir_in(self.dir.path()).unwrap();
        let db = dir.path().join("cache.sqlite");
        std::fs::copy(&self.db, &db).unwrap();
        let store = Store::open(&db).unwrap();
        (dir, store)
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Every cached row and every recorded import, as text.
fn dump(store: &Store) -> Vec<String> {
    let conn = store.conn();
    let mut out = Vec::new();
    for table in [
        "directory_structures",
        "directory_services",
        "directory_imports",
    ] {
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

fn count(store: &Store, table: &str) -> usize {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap() as usize
}

/// What the user reads: French, and it says where (a file, or the directory as a whole).
fn assert_french(err: &str, labels: &[&str]) {
    let whole_directory = [
        "l'annuaire importé contient",
        "il manque les",
        "aucun fichier d'annuaire",
    ];
    assert!(
        labels.iter().any(|l| err.starts_with(l))
            || whole_directory.iter().any(|p| err.starts_with(p)),
        "the error names neither a file nor the directory: {err}"
    );
    assert!(err.contains(" : "), "not a sentence of ours: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// The records of a CSV text as the importer reads them: decoded like src/tabular (UTF-8,
/// else Windows-1252, BOM dropped), `;`-separated, blank records skipped.
fn csv_records(bytes: &[u8]) -> usize {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(body).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| !r.iter().all(|f| f.trim().is_empty()))
        .count()
}

/// Imports `files` over the fixture's cache: Ok(structure rows expected) is checked against
/// the cache, an error against the French rule and the unchanged cache.
fn check_import(template: &Template, files: &[(&str, Vec<u8>)], structure_rows: Option<usize>) {
    let (dir, mut store) = template.case();
    let before = dump(&store);
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(name, bytes)| write(dir.path(), name, bytes))
        .collect();
    let labels: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    match import_directory_with(&mut store, &paths, ImportOptions::default(), &Silent) {
        Ok(summary) => {
            let recorded = summary.recorded;
            assert_eq!(latest_import(store.conn()).unwrap(), Some(recorded.clone()));
            assert_eq!(
                recorded.structure_count,
                count(&store, "directory_structures")
            );
            assert_eq!(recorded.service_count, count(&store, "directory_services"));
            assert!(recorded.structure_count > 0 && recorded.service_count > 0);
            if let Some(rows) = structure_rows {
                // Every row of the structures table became one structure: none dropped,
                // none merged with another.
                assert_eq!(recorded.structure_count, rows);
            }
        }
        Err(e) => {
            let err = e.to_string();
            assert_french(&err, &labels);
            assert_eq!(dump(&store), before, "the cache changed despite: {err}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSV

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(u16),
    DeleteByte(u16),
    InsertByte(u16, u8),
    ReplaceByte(u16, u8),
    DeleteLine(u8),
    DuplicateLine(u8),
    SwapLines(u8, u8),
    DeleteColumn(u8),
    ReplaceCell(u8, u8, &'static str),
}

const BYTES: &[u8] = &[
    b';', b'\n', b'\r', b'"', 0, 0xFF, 0xC3, 0xA0, b' ', b'1', b'0', b'x', b',', b'\t',
];

const CELLS: &[&str] = &[
    "",
    " ",
    "peut-être",
    "2",
    "7",
    "TRUE",
    "0",
    "SIRET",
    "999999999999999999999",
    "\"",
    "1;2",
    "21690123100011",
    "2169012310001",
    "GestionService",
    "\u{feff}",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<u16>().prop_map(Mutation::Truncate),
        any::<u16>().prop_map(Mutation::DeleteByte),
        (any::<u16>(), proptest::sample::select(BYTES))
            .prop_map(|(i, b)| Mutation::InsertByte(i, b)),
        (any::<u16>(), proptest::sample::select(BYTES))
            .prop_map(|(i, b)| Mutation::ReplaceByte(i, b)),
        any::<u8>().prop_map(Mutation::DeleteLine),
        any::<u8>().prop_map(Mutation::DuplicateLine),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<u8>().prop_map(Mutation::DeleteColumn),
        (any::<u8>(), any::<u8>(), proptest::sample::select(CELLS))
            .prop_map(|(l, c, v)| Mutation::ReplaceCell(l, c, v)),
    ]
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn join_lines(lines: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: u16, len: usize| if len == 0 { 0 } else { i as usize % len };
    match *m {
        Mutation::Truncate(i) => bytes.truncate(at(i, bytes.len() + 1)),
        Mutation::DeleteByte(i) => {
            if !bytes.is_empty() {
                let i = at(i, bytes.len());
                bytes.remove(i);
            }
        }
        Mutation::InsertByte(i, b) => {
            let i = at(i, bytes.len() + 1);
            bytes.insert(i, b);
        }
        Mutation::ReplaceByte(i, b) => {
            if !bytes.is_empty() {
                let i = at(i, bytes.len());
                bytes[i] = b;
            }
        }
        Mutation::DeleteLine(k) | Mutation::DuplicateLine(k) => {
            let mut lines = lines_of(bytes);
            if lines.is_empty() {
                return;
            }
            let k = k as usize % lines.len();
            if matches!(m, Mutation::DeleteLine(_)) {
                lines.remove(k);
            } else {
                let line = lines[k].clone();
                lines.insert(k, line);
            }
            *bytes = join_lines(&lines);
        }
        Mutation::SwapLines(a, b) => {
            let mut lines = lines_of(bytes);
            if lines.is_empty() {
                return;
            }
            let n = lines.len();
            lines.swap(a as usize % n, b as usize % n);
            *bytes = join_lines(&lines);
        }
        Mutation::DeleteColumn(c) => {
            let lines: Vec<Vec<u8>> = lines_of(bytes)
                .into_iter()
                .map(|l| {
                    let mut cells: Vec<&[u8]> = l.split(|b| *b == b';').collect();
                    if !cells.is_empty() {
                        let c = c as usize % cells.len();
                        cells.remove(c);
                    }
                    cells.join(&b';')
                })
                .collect();
            *bytes = join_lines(&lines);
        }
        Mutation::ReplaceCell(l, c, value) => {
            let mut lines = lines_of(bytes);
            if lines.is_empty() {
                return;
            }
            let l = l as usize % lines.len();
            let mut cells: Vec<Vec<u8>> =
                lines[l].split(|b| *b == b';').map(<[u8]>::to_vec).collect();
            let c = c as usize % cells.len();
            cells[c] = value.as_bytes().to_vec();
            lines[l] = cells.join(&b';');
            *bytes = join_lines(&lines);
        }
    }
}

#[test]
fn a_mutated_csv_export_imports_completely_or_changes_nothing() {
    let template = Template::new();
    let structures = fixture(STRUCTURES_FILE);
    let services = fixture(SERVICES_FILE);
    let mut runner = TestRunner::new(Config {
        cases: 160,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (any::<bool>(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(in_services, mutations)| {
            let (mut s, mut v) = (structures.clone(), services.clone());
            let target = if in_services { &mut v } else { &mut s };
            for m in &mutations {
                apply(target, m);
            }
            let rows = csv_records(&s);
            check_import(
                &template,
                &[(STRUCTURES_FILE, s), (SERVICES_FILE, v)],
                Some(rows),
            );
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------
// XLSX

#[derive(Debug, Clone)]
enum CellMutation {
    DeleteRow(u8),
    DuplicateRow(u8),
    DeleteColumn(u8),
    ReplaceCell(u8, u8, &'static str),
    BlankRow(u8),
}

fn cell_mutation() -> impl Strategy<Value = CellMutation> {
    prop_oneof![
        any::<u8>().prop_map(CellMutation::DeleteRow),
        any::<u8>().prop_map(CellMutation::DuplicateRow),
        any::<u8>().prop_map(CellMutation::DeleteColumn),
        (any::<u8>(), any::<u8>(), proptest::sample::select(CELLS))
            .prop_map(|(r, c, v)| CellMutation::ReplaceCell(r, c, v)),
        any::<u8>().prop_map(CellMutation::BlankRow),
    ]
}

fn grid(bytes: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

fn apply_cells(grid: &mut Vec<Vec<String>>, m: &CellMutation) {
    if grid.is_empty() {
        return;
    }
    let n = grid.len();
    match *m {
        CellMutation::DeleteRow(r) => {
            grid.remove(r as usize % n);
        }
        CellMutation::DuplicateRow(r) => {
            let row = grid[r as usize % n].clone();
            grid.insert(r as usize % n, row);
        }
        CellMutation::DeleteColumn(c) => {
            for row in grid.iter_mut() {
                if !row.is_empty() {
                    let c = c as usize % row.len();
                    row.remove(c);
                }
            }
        }
        CellMutation::ReplaceCell(r, c, v) => {
            let row = &mut grid[r as usize % n];
            if !row.is_empty() {
                let c = c as usize % row.len();
                row[c] = v.to_string();
            }
        }
        CellMutation::BlankRow(r) => {
            for cell in grid[r as usize % n].iter_mut() {
                cell.clear();
            }
        }
    }
}

/// The two grids as the workbook Chorus Pro publishes: identifiers as numbers when
/// `numbers`, everything else as text.
fn workbook(structures: &[Vec<String>], services: &[Vec<String>], numbers: bool) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, grid) in [("Structures", structures), ("Services", services)] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in grid.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell.parse::<f64>() {
                    Ok(n) if numbers && r > 0 && cell.len() < 16 => {
                        sheet.write_number(r, c, n).unwrap();
                    }
                    _ if cell.is_empty() => {}
                    _ => {
                        sheet.write_string(r, c, cell).unwrap();
                    }
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_mutated_xlsx_export_imports_completely_or_changes_nothing() {
    let template = Template::new();
    let structures = grid(&fixture(STRUCTURES_FILE));
    let services = grid(&fixture(SERVICES_FILE));
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(cell_mutation(), 1..4),
        proptest::option::weighted(0.2, any::<u16>()),
    );
    runner
        .run(&strategy, |(in_services, numbers, mutations, cut)| {
            let (mut s, mut v) = (structures.clone(), services.clone());
            let target = if in_services { &mut v } else { &mut s };
            for m in &mutations {
                apply_cells(target, m);
            }
            let mut bytes = workbook(&s, &v, numbers);
            // A sheet starts at its first non-blank row (the header); blank rows are skipped.
            let blank = |row: &&Vec<String>| row.iter().all(|c| c.trim().is_empty());
            let rows = s
                .iter()
                .skip_while(blank)
                .skip(1)
                .filter(|row| !blank(row))
                .count();
            if let Some(cut) = cut {
                // A cut zip: always refused.
                bytes.truncate(cut as usize % bytes.len());
                let (dir, mut store) = template.case();
                let before = dump(&store);
                let path = write(dir.path(), "annuaire.xlsx", &bytes);
                let err =
                    import_directory_with(&mut store, &[path], ImportOptions::default(), &Silent)
                        .expect_err("a cut workbook must be refused")
                        .to_string();
                assert!(err.starts_with("annuaire.xlsx : "), "{err}");
                assert_eq!(dump(&store), before);
            } else {
                check_import(&template, &[("annuaire.xlsx", bytes)], Some(rows));
            }
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------
// Regression corpus

/// Each folder of tests/fuzz_corpus/directory/ holds the files of one import and
/// `attendu.txt`: first line `refusé` or `accepté`, then lines that the error (refused) or
/// the summary's warnings (accepted) must contain. Each is imported over the fixture's
/// cache; a refusal must leave it unchanged.
#[test]
fn the_regression_corpus_is_replayed() {
    let template = Template::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_corpus/directory");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "corpus too small: {}", cases.len());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("attendu.txt")).unwrap();
        let mut lines = expected.lines();
        let verdict = lines.next().unwrap().trim().to_string();
        let needles: Vec<&str> = lines.map(str::trim).filter(|l| !l.is_empty()).collect();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "attendu.txt"))
            .collect();
        files.sort();
        let (_dir, mut store) = template.case();
        let before = dump(&store);
        let outcome = import_directory_with(&mut store, &files, ImportOptions::default(), &Silent);
        match (verdict.as_str(), outcome) {
            ("refusé", Err(e)) => {
                let err = e.to_string();
                assert_eq!(dump(&store), before, "{name}: {err}");
                for needle in needles {
                    assert!(
                        err.contains(needle),
                        "{name}: « {needle} » absent de : {err}"
                    );
                }
            }
            ("accepté", Ok(summary)) => {
                let warnings = summary.warnings.join("\n");
                for needle in needles {
                    assert!(
                        warnings.contains(needle),
                        "{name}: « {needle} » absent de : {warnings}"
                    );
                }
            }
            (verdict, outcome) => panic!("{name}: attendu {verdict}, obtenu {outcome:?}"),
        }
    }
}
