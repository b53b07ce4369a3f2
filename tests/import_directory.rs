//! `import-directory` on small exports of the Chorus Pro directory, CSV and XLSX: what the
//! cache holds afterwards, what the status bar shows, and what a bad file leaves behind.

use chorus_depot::directory::{
    DirectoryImportError, ImportOptions, ImportSummary, import_directory, import_directory_with,
};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use chorus_depot::store::directory::{
    DirectoryImport, find_structure, latest_import, search_structures, services_of,
};
use chrono::NaiveDate;
use std::path::PathBuf;
use tempfile::TempDir;

mod common;

const STRUCTURES_HEADER: &str = "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;GestionStatutMiseEnPaiement;GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;StructureActive;Adresse;ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays";

const SERVICES_HEADER: &str = "Identifiant;RaisonSociale;Code;Nom;GestionEGMT;ServiceActif;Adresse;ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays";

/// Four structures, with booleans written three ways, a SIRET that lost its leading zero,
/// a Luhn-invalid SIRET (real ones exist) and a RIDET of New Caledonia.
fn structures_csv() -> String {
    format!(
        "{STRUCTURES_HEADER}
1;217 500 016 00019;VILLE DE PARIS;false;false;true;true;false;false;false;false;true;Place de l'Hôtel de Ville;Bureau 12;;75004;PARIS;0142764040;factures@paris.example;FR;France
1;1234567400019;CHU DE LYON;0;0;1;0;1;0;0;0;1;3 quai des Célestins;;;69002;LYON;;;FR;France
1;13001100000000;ETABLISSEMENT PUBLIC X;non;non;oui;non;non;oui;non;non;non;;;;13001;MARSEILLE;;;FR;France
4;1234567;PROVINCE SUD;FALSE;FALSE;FALSE;FALSE;FALSE;FALSE;FALSE;FALSE;TRUE;;;;98800;NOUMEA;;;NC;Nouvelle-Calédonie
"
    )
}

fn services_csv() -> String {
    format!(
        "{SERVICES_HEADER}
21750001600019;VILLE DE PARIS;SERV-COMPTA;Direction des finances;false;true;;;;75004;PARIS;;;FR;France
21750001600019;VILLE DE PARIS;SERV-EJ;Achats;true;true;;;;75004;PARIS;;;FR;France
1234567400019;CHU DE LYON;FACT;Factures fournisseurs;oui;non;;;;69002;LYON;;;FR;France
1234567;PROVINCE SUD;SRV;Service des finances;0;1;;;;98800;NOUMEA;;;NC;Nouvelle-Calédonie
999;ORPHELIN;X;Sans structure;0;1;;;;;;;;;
"
    )
}

struct Bench {
    tmp: TempDir,
    store: Store,
}

impl Bench {
    fn new() -> Bench {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join("cache.sqlite")).unwrap();
        Bench { tmp, store }
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn import(&mut self, files: &[PathBuf]) -> Result<DirectoryImport, String> {
        import_directory(&mut self.store, files, &Silent).map_err(|e| e.to_string())
    }

    fn import_with(
        &mut self,
        files: &[PathBuf],
        accept_shrink: bool,
    ) -> Result<ImportSummary, DirectoryImportError> {
        import_directory_with(
            &mut self.store,
            files,
            ImportOptions { accept_shrink },
            &Silent,
        )
    }

    fn import_accepting_shrink(&mut self, files: &[PathBuf]) -> Result<ImportSummary, String> {
        self.import_with(files, true).map_err(|e| e.to_string())
    }

    /// A first good import: the directory every bad-file test must leave intact.
    fn with_directory() -> Bench {
        let mut bench = Bench::new();
        let files = [
            bench.file("AIFE-Chorus-Pro-Annuaire_20261112.csv", structures_csv()),
            bench.file(
                "AIFE-Chorus-Pro-Annuaire_20261112-services.csv",
                services_csv(),
            ),
        ];
        bench.import(&files).unwrap();
        bench
    }

    /// Every cached row and every recorded import, as text.
    fn dump(&self) -> Vec<String> {
        let conn = self.store.conn();
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

    fn codes_of(&self, identifier: &str) -> Vec<String> {
        services_of(self.store.conn(), identifier)
            .unwrap()
            .into_iter()
            .map(|s| s.code)
            .collect()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

// ---------------------------------------------------------------------------------------
// CSV exports

#[test]
fn csv_files_are_recognised_by_their_header_whatever_their_order() {
    let mut bench = Bench::new();
    // Services first, under names that say nothing.
    let files = [
        bench.file("b.csv", services_csv()),
        bench.file("a.csv", structures_csv()),
    ];
    let summary = bench.import(&files).unwrap();
    assert_eq!(summary.structure_count, 4);
    assert_eq!(summary.service_count, 5);
    assert_eq!(summary.source, "b.csv, a.csv");

    let conn = bench.store.conn();
    let paris = find_structure(conn, "21750001600019").unwrap().unwrap();
    assert_eq!(paris.name, "VILLE DE PARIS");
    assert_eq!(paris.identifier_type, 1);
    assert!(paris.active && paris.engagement_required && paris.payment_status_managed);
    assert!(!paris.service_required && !paris.service_or_engagement_required);
    assert_eq!(paris.address, "Place de l'Hôtel de Ville");
    assert_eq!(paris.address_complement1, "Bureau 12");
    assert_eq!(paris.postal_code, "75004");
    assert_eq!(paris.city, "PARIS");
    assert_eq!(paris.email, "factures@paris.example");
    assert_eq!(paris.country_code, "FR");

    let services = services_of(conn, "21750001600019").unwrap();
    assert_eq!(services.len(), 2);
    assert_eq!(services[0].code, "SERV-COMPTA");
    assert_eq!(services[0].name, "Direction des finances");
    assert!(services[0].active && !services[0].engagement_required);
    assert_eq!(services[1].code, "SERV-EJ");
    assert!(services[1].engagement_required);
}

#[test]
fn booleans_read_true_false_one_zero_and_oui_non() {
    let mut bench = Bench::with_directory();
    let conn = bench.store.conn();
    // 1/0
    let lyon = find_structure(conn, "01234567400019").unwrap().unwrap();
    assert!(lyon.service_required && lyon.payment_status_managed && lyon.active);
    assert!(!lyon.engagement_required && !lyon.edi_sender);
    // oui/non
    let x = find_structure(conn, "13001100000000").unwrap().unwrap();
    assert!(x.service_or_engagement_required && x.payment_status_managed);
    assert!(!x.active && !x.engagement_required && !x.service_required);
    let fact = &services_of(conn, "01234567400019").unwrap()[0];
    assert!(fact.engagement_required && !fact.active);
    // Upper case too, and an empty flag keeps its default (active).
    let header_only = format!(
        "{STRUCTURES_HEADER}\n1;21750001600019;VILLE DE PARIS;TRUE;Vrai;FAUX;Oui;NON;;;;;;;;;;;;;\n"
    );
    let files = [
        bench.file("s.csv", header_only),
        bench.file(
            "v.csv",
            format!("{SERVICES_HEADER}\n21750001600019;VILLE DE PARIS;S;Service;0;1;;;;;;;;;\n"),
        ),
    ];
    // One structure instead of four: confirmed.
    bench.import_accepting_shrink(&files).unwrap();
    let paris = find_structure(bench.store.conn(), "21750001600019")
        .unwrap()
        .unwrap();
    assert!(paris.edi_sender && paris.edi_receiver && paris.engagement_required);
    assert!(!paris.payment_status_managed && !paris.service_required);
    assert!(paris.active);
}

#[test]
fn a_siret_that_lost_its_leading_zero_is_padded_back() {
    let bench = Bench::with_directory();
    let conn = bench.store.conn();
    assert!(find_structure(conn, "1234567400019").unwrap().is_none());
    let lyon = find_structure(conn, "01234567400019").unwrap().unwrap();
    assert_eq!(lyon.name, "CHU DE LYON");
    // The services of that structure follow it.
    assert_eq!(bench.codes_of("01234567400019"), ["FACT"]);
    assert!(bench.codes_of("1234567400019").is_empty());
}

#[test]
fn other_identifiers_are_not_padded() {
    let bench = Bench::with_directory();
    let conn = bench.store.conn();
    // A RIDET (type 4) keeps its 7 digits, and so do its services.
    let ridet = find_structure(conn, "1234567").unwrap().unwrap();
    assert_eq!(ridet.identifier_type, 4);
    assert_eq!(ridet.country_code, "NC");
    assert!(find_structure(conn, "00000001234567").unwrap().is_none());
    assert_eq!(bench.codes_of("1234567"), ["SRV"]);
    // A service whose padded identifier is no known SIRET stays as written.
    assert_eq!(bench.codes_of("999"), ["X"]);
    assert!(bench.codes_of("00000000000999").is_empty());
}

#[test]
fn a_luhn_invalid_siret_of_the_export_is_kept() {
    let bench = Bench::with_directory();
    let x = find_structure(bench.store.conn(), "13001100000000")
        .unwrap()
        .unwrap();
    assert_eq!(x.name, "ETABLISSEMENT PUBLIC X");
}

#[test]
fn a_windows_1252_export_keeps_its_accents() {
    let mut bench = Bench::new();
    let structures = format!(
        "{STRUCTURES_HEADER}\r\n1;21750001600019;RÉGION ÎLE-DE-FRANCE;0;0;0;0;0;0;0;0;1;2 rue Simone Veil;;;93400;SAINT-OUEN;;;FR;France\r\n"
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&structures);
    let files = [
        bench.file("structures.csv", &bytes),
        bench.file(
            "services.csv",
            format!("{SERVICES_HEADER}\n21750001600019;RÉGION;S;Service;0;1;;;;;;;;;\n"),
        ),
    ];
    bench.import(&files).unwrap();
    let region = find_structure(bench.store.conn(), "21750001600019")
        .unwrap()
        .unwrap();
    assert_eq!(region.name, "RÉGION ÎLE-DE-FRANCE");
    assert_eq!(region.country_label, "France");
}

// ---------------------------------------------------------------------------------------
// XLSX export

/// The workbook as downloaded from Chorus Pro: two sheets, identifiers stored as numbers.
fn write_workbook(path: &std::path::Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let structures = workbook.add_worksheet();
    structures.set_name("Structures").unwrap();
    for (col, name) in STRUCTURES_HEADER.split(';').enumerate() {
        structures.write_string(0, col as u16, name).unwrap();
    }
    // TypeIdentifiant, Identifiant (a number: 01234567400019 loses its zero), RaisonSociale.
    let rows: [(f64, f64, &str, bool, bool); 2] = [
        (1.0, 1234567400019.0, "CHU DE LYON", true, true),
        (1.0, 21750001600019.0, "VILLE DE PARIS", false, false),
    ];
    for (i, (kind, id, name, service_required, active)) in rows.into_iter().enumerate() {
        let row = i as u32 + 1;
        structures.write_number(row, 0, kind).unwrap();
        structures.write_number(row, 1, id).unwrap();
        structures.write_string(row, 2, name).unwrap();
        for col in 3..=10 {
            structures.write_boolean(row, col, false).unwrap();
        }
        structures.write_boolean(row, 7, service_required).unwrap();
        // StructureActive as text, the way some exports have it.
        structures
            .write_string(row, 11, if active { "true" } else { "false" })
            .unwrap();
        structures.write_string(row, 16, "LYON").unwrap();
        // A postal code stored as a number.
        structures.write_number(row, 15, 69002.0).unwrap();
    }
    let services = workbook.add_worksheet();
    services.set_name("Services").unwrap();
    for (col, name) in SERVICES_HEADER.split(';').enumerate() {
        services.write_string(0, col as u16, name).unwrap();
    }
    services.write_number(1, 0, 1234567400019.0).unwrap();
    services.write_string(1, 1, "CHU DE LYON").unwrap();
    services.write_string(1, 2, "FACT").unwrap();
    services.write_string(1, 3, "Factures").unwrap();
    services.write_boolean(1, 4, true).unwrap();
    services.write_boolean(1, 5, true).unwrap();
    services.write_number(2, 0, 21750001600019.0).unwrap();
    services.write_string(2, 2, "SERV-COMPTA").unwrap();
    services.write_number(2, 4, 0.0).unwrap();
    services.write_number(2, 5, 1.0).unwrap();
    workbook.save(path).unwrap();
}

#[test]
fn an_xlsx_workbook_with_two_sheets_is_imported() {
    let mut bench = Bench::new();
    let path = bench
        .tmp
        .path()
        .join("AIFE-Chorus-Pro-Annuaire_20261112.xlsx");
    write_workbook(&path);
    let summary = bench.import(std::slice::from_ref(&path)).unwrap();
    assert_eq!(summary.structure_count, 2);
    assert_eq!(summary.service_count, 2);
    assert_eq!(summary.export_date, date(2026, 11, 12));

    let conn = bench.store.conn();
    let lyon = find_structure(conn, "01234567400019").unwrap().unwrap();
    assert_eq!(lyon.name, "CHU DE LYON");
    assert_eq!(lyon.identifier_type, 1);
    assert!(lyon.service_required && lyon.active && !lyon.engagement_required);
    assert_eq!(lyon.postal_code, "69002");
    let paris = find_structure(conn, "21750001600019").unwrap().unwrap();
    assert!(!paris.active && !paris.service_required);

    let fact = services_of(conn, "01234567400019").unwrap();
    assert_eq!(fact.len(), 1);
    assert_eq!(fact[0].code, "FACT");
    assert!(fact[0].engagement_required && fact[0].active);
    let compta = &services_of(conn, "21750001600019").unwrap()[0];
    assert_eq!(compta.code, "SERV-COMPTA");
    assert!(compta.active && !compta.engagement_required);
}

#[test]
fn a_bad_boolean_in_a_workbook_names_the_sheet_line_and_column() {
    let mut bench = Bench::with_directory();
    let before = bench.dump();
    let path = bench.tmp.path().join("annuaire.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let structures = workbook.add_worksheet();
    structures.set_name("Structures").unwrap();
    for (col, name) in STRUCTURES_HEADER.split(';').enumerate() {
        structures.write_string(0, col as u16, name).unwrap();
    }
    structures.write_number(1, 1, 21750001600019.0).unwrap();
    structures.write_number(2, 1, 1234567400019.0).unwrap();
    structures.write_string(2, 11, "actif").unwrap();
    let services = workbook.add_worksheet();
    services.set_name("Services").unwrap();
    for (col, name) in SERVICES_HEADER.split(';').enumerate() {
        services.write_string(0, col as u16, name).unwrap();
    }
    workbook.save(&path).unwrap();
    let err = bench.import(&[path]).unwrap_err();
    assert_eq!(
        err,
        "annuaire.xlsx (feuille « Structures »), ligne 3, colonne « StructureActive » : « actif » n'est pas un booléen (attendu true/false, 1/0 ou oui/non)"
    );
    assert_eq!(bench.dump(), before);
}

// ---------------------------------------------------------------------------------------
// What the import records

#[test]
fn the_import_records_the_export_date_and_the_counts() {
    let bench = Bench::with_directory();
    let last = latest_import(bench.store.conn()).unwrap().unwrap();
    assert_eq!(last.export_date, date(2026, 11, 12));
    assert_eq!(last.structure_count, 4);
    assert_eq!(last.service_count, 5);
    assert_eq!(
        last.source,
        "AIFE-Chorus-Pro-Annuaire_20261112.csv, AIFE-Chorus-Pro-Annuaire_20261112-services.csv"
    );
    assert!(!last.imported_at.is_empty());
}

#[test]
fn no_import_yet_means_no_date() {
    let bench = Bench::new();
    assert_eq!(latest_import(bench.store.conn()).unwrap(), None);
}

#[test]
fn the_date_in_one_file_name_wins_over_the_other_files_modification_date() {
    let mut bench = Bench::new();
    // The services were saved under a plain name: their file date says nothing of the export.
    let files = [
        bench.file("AIFE-Chorus-Pro-Annuaire_06042020.csv", structures_csv()),
        bench.file("services.csv", services_csv()),
    ];
    let summary = bench.import(&files).unwrap();
    assert_eq!(summary.export_date, date(2020, 4, 6));
}

#[test]
fn without_a_date_in_the_names_the_file_date_is_used() {
    let mut bench = Bench::new();
    let files = [
        bench.file("structures.csv", structures_csv()),
        bench.file("services.csv", services_csv()),
    ];
    // Noon UTC on 2 March 2026: the same day in every French time zone.
    let noon = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_772_452_800);
    for f in &files {
        std::fs::File::options()
            .write(true)
            .open(f)
            .unwrap()
            .set_modified(noon)
            .unwrap();
    }
    let summary = bench.import(&files).unwrap();
    assert_eq!(summary.export_date, date(2026, 3, 2));
}

#[test]
fn an_import_replaces_the_previous_directory() {
    let mut bench = Bench::with_directory();
    let structures = format!(
        "{STRUCTURES_HEADER}\n1;44312197500025;COMMUNE NOUVELLE;0;0;0;0;0;0;0;0;1;;;;01000;BOURG;;;FR;France\n"
    );
    let services =
        format!("{SERVICES_HEADER}\n44312197500025;COMMUNE NOUVELLE;MAIRIE;Mairie;0;1;;;;;;;;;\n");
    let files = [
        bench.file("AIFE-Chorus-Pro-Annuaire_20261119.csv", structures),
        bench.file("AIFE-Chorus-Pro-Annuaire_20261119-services.csv", services),
    ];
    // Four structures in the cache, one in the files: refused unless confirmed.
    let before = bench.dump();
    assert!(matches!(
        bench.import_with(&files, false),
        Err(DirectoryImportError::Shrink {
            before: 4,
            after: 1
        })
    ));
    assert_eq!(bench.dump(), before);
    let summary = bench.import_accepting_shrink(&files).unwrap();
    assert_eq!(
        summary.warnings,
        [
            "l'annuaire importé contient 1 structure contre 4 en cache (-75 %) : remplacement confirmé"
        ]
    );
    let conn = bench.store.conn();
    assert!(find_structure(conn, "21750001600019").unwrap().is_none());
    assert!(services_of(conn, "21750001600019").unwrap().is_empty());
    assert!(find_structure(conn, "44312197500025").unwrap().is_some());
    assert_eq!(search_structures(conn, "", false, 100, 0).unwrap().1, 1);
    let last = latest_import(conn).unwrap().unwrap();
    assert_eq!(last.export_date, date(2026, 11, 19));
    assert_eq!((last.structure_count, last.service_count), (1, 1));
}

// ---------------------------------------------------------------------------------------
// Looking the cache up

#[test]
fn structures_are_searched_by_identifier_name_city_or_postal_code() {
    let bench = Bench::with_directory();
    let conn = bench.store.conn();
    let names = |query: &str, only_active: bool| -> (Vec<String>, usize) {
        let (rows, total) = search_structures(conn, query, only_active, 10, 0).unwrap();
        (rows.into_iter().map(|s| s.name).collect(), total)
    };
    assert_eq!(names("chu", false), (vec!["CHU DE LYON".to_string()], 1));
    assert_eq!(names("  paris ", false).0, ["VILLE DE PARIS"]);
    assert_eq!(names("0123456", false).0, ["CHU DE LYON"]);
    assert_eq!(names("13001", false).0, ["ETABLISSEMENT PUBLIC X"]);
    assert_eq!(names("noumea", false).0, ["PROVINCE SUD"]);
    // Sorted by name; inactive ones left out on request.
    assert_eq!(
        names("", false),
        (
            vec![
                "CHU DE LYON".to_string(),
                "ETABLISSEMENT PUBLIC X".to_string(),
                "PROVINCE SUD".to_string(),
                "VILLE DE PARIS".to_string()
            ],
            4
        )
    );
    assert_eq!(names("", true).1, 3);
    assert_eq!(names("PUBLIC X", true).1, 0);
    // `%` and `_` are searched as themselves.
    assert_eq!(names("%", false).1, 0);
    // Pages.
    let (page, total) = search_structures(conn, "", false, 2, 2).unwrap();
    assert_eq!(total, 4);
    let page: Vec<&str> = page.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(page, ["PROVINCE SUD", "VILLE DE PARIS"]);
}

#[test]
fn an_unknown_siret_finds_nothing() {
    let bench = Bench::with_directory();
    let conn = bench.store.conn();
    assert!(find_structure(conn, "44312197500025").unwrap().is_none());
    assert!(services_of(conn, "44312197500025").unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Bad input: a clear error, the previous directory intact

/// Imports `files` over a good directory; returns the error after checking nothing changed.
fn refused(build: impl FnOnce(&Bench) -> Vec<PathBuf>) -> String {
    let mut bench = Bench::with_directory();
    let before = bench.dump();
    let files = build(&bench);
    let err = bench
        .import(&files)
        .expect_err("a bad directory must be refused");
    assert_eq!(bench.dump(), before, "the directory changed despite: {err}");
    err
}

#[test]
fn an_unrecognised_header_is_explained() {
    let err = refused(|b| {
        vec![
            b.file("clients.csv", "code;raison_sociale;siret\nC1;Ville;123\n"),
            b.file("services.csv", services_csv()),
        ]
    });
    assert!(
        err.starts_with("clients.csv : ni structures ni services reconnus (en-tête attendu : "),
        "{err}"
    );
    assert!(
        err.contains("Identifiant;RaisonSociale;StructureActive"),
        "{err}"
    );
}

#[test]
fn a_bad_boolean_names_file_line_and_column() {
    let structures = structures_csv().replacen(
        "CHU DE LYON;0;0;1;0;1;",
        "CHU DE LYON;0;0;1;0;peut-être;",
        1,
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures),
            b.file("services.csv", services_csv()),
        ]
    });
    assert_eq!(
        err,
        "structures.csv, ligne 3, colonne « GestionService » : « peut-être » n'est pas un booléen (attendu true/false, 1/0 ou oui/non)"
    );
}

#[test]
fn a_bad_boolean_in_the_services_is_refused_after_good_structures() {
    let services = services_csv().replacen(";false;true;", ";false;peut-être;", 1);
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file("services.csv", services),
        ]
    });
    assert_eq!(
        err,
        "services.csv, ligne 2, colonne « ServiceActif » : « peut-être » n'est pas un booléen (attendu true/false, 1/0 ou oui/non)"
    );
}

#[test]
fn a_structures_file_alone_is_refused() {
    let err = refused(|b| vec![b.file("structures.csv", structures_csv())]);
    assert_eq!(
        err,
        "il manque les services de l'annuaire : donnez le fichier (ou la feuille) des structures et celui des services"
    );
    let err = refused(|b| vec![b.file("services.csv", services_csv())]);
    assert!(
        err.starts_with("il manque les structures de l'annuaire"),
        "{err}"
    );
}

#[test]
fn a_corrupt_workbook_is_refused() {
    let err = refused(|b| {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(std::iter::repeat_n(0x5a, 300));
        vec![b.file("AIFE-Chorus-Pro-Annuaire_20261119.xlsx", bytes)]
    });
    assert!(
        err.starts_with("AIFE-Chorus-Pro-Annuaire_20261119.xlsx : classeur illisible"),
        "{err}"
    );
}

#[test]
fn a_missing_identifier_or_service_code_is_refused() {
    let structures = format!(
        "{STRUCTURES_HEADER}\n1;21750001600019;VILLE DE PARIS;0;0;0;0;0;0;0;0;1;;;;;;;;;\n1; ;SANS IDENTIFIANT;0;0;0;0;0;0;0;0;1;;;;;;;;;\n"
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures),
            b.file("services.csv", services_csv()),
        ]
    });
    assert_eq!(
        err,
        "structures.csv, ligne 3, colonne « Identifiant » : identifiant manquant"
    );
    let services =
        format!("{SERVICES_HEADER}\n21750001600019;VILLE DE PARIS;;Sans code;0;1;;;;;;;;;\n");
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file("services.csv", services),
        ]
    });
    assert_eq!(
        err,
        "services.csv, ligne 2, colonne « Code » : valeur obligatoire manquante"
    );
}

#[test]
fn an_empty_or_binary_file_is_refused() {
    let err = refused(|b| {
        vec![
            b.file("structures.csv", ""),
            b.file("services.csv", services_csv()),
        ]
    });
    assert_eq!(err, "structures.csv : le fichier est vide");
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file("services.csv", b"\x00\x01\x02\x03garbage\x00"),
        ]
    });
    assert_eq!(
        err,
        "services.csv : ce n'est pas un fichier texte CSV (contenu binaire)"
    );
}

#[test]
fn no_file_at_all_is_refused() {
    let err = refused(|_| Vec::new());
    assert_eq!(err, "aucun fichier d'annuaire n'a été donné");
}

// ---------------------------------------------------------------------------------------
// Bad-input campaign (issue 9): nothing weakens the directory without a word.

/// What the checks read from the cache (src/checks/rules.rs): per structure its type,
/// active, engagement, service and service-or-engagement flags; per service its active and
/// engagement flags. Two caches with the same projection give every invoice the same verdict.
fn projection(bench: &Bench) -> (Vec<String>, Vec<String>) {
    let conn = bench.store.conn();
    let rows = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |row| {
            Ok((0..n)
                .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    (
        rows(
            "SELECT identifier, identifier_type, active, engagement_required, service_required,
                 service_or_engagement_required FROM directory_structures ORDER BY 1",
        ),
        rows(
            "SELECT structure_identifier, code, active, engagement_required
             FROM directory_services ORDER BY 1, 2",
        ),
    )
}

/// `text` without its column `name` (header and every row).
fn without_column(text: &str, name: &str) -> String {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let index = header.iter().position(|h| *h == name).unwrap();
    let mut out = String::new();
    for line in std::iter::once(header.join(";").as_str()).chain(lines) {
        let mut cells: Vec<&str> = line.split(';').collect();
        cells.remove(index);
        out.push_str(&cells.join(";"));
        out.push('\n');
    }
    out
}

/// Finding 1, the whole class: take away any one column of either table; the import is
/// refused (naming the column, cache unchanged) or gives a cache on which every check has
/// the same verdict as with the full files.
#[test]
fn no_missing_column_changes_what_the_checks_see() {
    let mut full = Bench::new();
    let files = [
        full.file("structures.csv", structures_csv()),
        full.file("services.csv", services_csv()),
    ];
    full.import(&files).unwrap();
    let expected = projection(&full);
    let mut refused_columns = Vec::new();
    for (part, header) in [(0, STRUCTURES_HEADER), (1, SERVICES_HEADER)] {
        for column in header.split(';') {
            let (structures, services) = if part == 0 {
                (without_column(&structures_csv(), column), services_csv())
            } else {
                (structures_csv(), without_column(&services_csv(), column))
            };
            let mut bench = Bench::with_directory();
            let before = bench.dump();
            let files = [
                bench.file("structures.csv", structures),
                bench.file("services.csv", services),
            ];
            match bench.import(&files) {
                Ok(_) => assert_eq!(
                    projection(&bench),
                    expected,
                    "without « {column} » the import changed what the checks see"
                ),
                Err(err) => {
                    assert_eq!(bench.dump(), before, "{err}");
                    assert!(err.contains(column), "without « {column} »: {err}");
                    refused_columns.push(column);
                }
            }
        }
    }
    // Every column the checks read is among the refused ones.
    for column in [
        "TypeIdentifiant",
        "Identifiant",
        "GestionEngagement",
        "GestionService",
        "GestionServiceEngagement",
        "StructureActive",
        "Code",
        "GestionEGMT",
        "ServiceActif",
    ] {
        assert!(refused_columns.contains(&column), "{column}");
    }
}

#[test]
fn a_missing_flag_column_is_named_in_french() {
    let err = refused(|b| {
        vec![
            b.file(
                "structures.csv",
                without_column(&structures_csv(), "GestionService"),
            ),
            b.file("services.csv", services_csv()),
        ]
    });
    assert_eq!(
        err,
        "structures.csv, ligne 1 : colonne obligatoire absente de l'en-tête : « GestionService » \
         (ou « CodeServiceDoitEtreRenseigne ») ; sans elle, chaque ligne serait lue comme \
         « false » et des factures que Chorus Pro refuse paraîtraient conformes ; l'annuaire en \
         cache est conservé"
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file(
                "services.csv",
                without_column(&services_csv(), "GestionEGMT"),
            ),
        ]
    });
    assert!(
        err.starts_with(
            "services.csv, ligne 1 : colonne obligatoire absente de l'en-tête : « GestionEGMT » \
             (ou « NumeroEngagement »)"
        ),
        "{err}"
    );
}

#[test]
fn a_workbook_without_a_flag_column_is_refused() {
    let err = refused(|b| {
        let path = b.tmp.path().join("annuaire.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let structures = workbook.add_worksheet();
        structures.set_name("Structures").unwrap();
        let header: Vec<&str> = STRUCTURES_HEADER
            .split(';')
            .filter(|c| *c != "GestionEngagement")
            .collect();
        for (col, name) in header.iter().enumerate() {
            structures.write_string(0, col as u16, *name).unwrap();
        }
        structures.write_number(1, 0, 1.0).unwrap();
        structures.write_number(1, 1, 21750001600019.0).unwrap();
        let services = workbook.add_worksheet();
        services.set_name("Services").unwrap();
        for (col, name) in SERVICES_HEADER.split(';').enumerate() {
            services.write_string(0, col as u16, name).unwrap();
        }
        services.write_number(1, 0, 21750001600019.0).unwrap();
        services.write_string(1, 2, "S").unwrap();
        workbook.save(&path).unwrap();
        vec![path]
    });
    assert!(
        err.starts_with(
            "annuaire.xlsx (feuille « Structures »), ligne 1 : colonne obligatoire absente de \
             l'en-tête : « GestionEngagement »"
        ),
        "{err}"
    );
}

/// The API's names for the same flags (README, directory import) read like the official ones.
#[test]
fn the_api_names_of_the_flags_are_read_like_the_official_ones() {
    let mut official = Bench::new();
    let files = [
        official.file("structures.csv", structures_csv()),
        official.file("services.csv", services_csv()),
    ];
    official.import(&files).unwrap();
    let renamed = |text: String, pairs: &[(&str, &str)]| {
        let (header, rest) = text.split_once('\n').unwrap();
        let header = header
            .split(';')
            .map(|c| {
                pairs
                    .iter()
                    .find(|(from, _)| *from == c)
                    .map_or(c, |(_, to)| *to)
            })
            .collect::<Vec<_>>()
            .join(";");
        format!("{header}\n{rest}")
    };
    let mut api = Bench::new();
    let files = [
        api.file(
            "structures.csv",
            renamed(
                structures_csv(),
                &[
                    ("GestionService", "codeServiceDoitEtreRenseigne"),
                    ("GestionEngagement", "numeroEJDoitEtreRenseigne"),
                    ("GestionServiceEngagement", "gestionNumeroEJOuCodeService"),
                    ("EstMOA", "getaMoa"),
                ],
            ),
        ),
        api.file(
            "services.csv",
            renamed(
                services_csv(),
                &[
                    ("GestionEGMT", "numeroEngagement"),
                    ("ServiceActif", "estActif"),
                ],
            ),
        ),
    ];
    api.import(&files).unwrap();
    assert_eq!(projection(&api), projection(&official));
    let paris = find_structure(api.store.conn(), "21750001600019")
        .unwrap()
        .unwrap();
    assert!(paris.engagement_required && !paris.service_required);
}

/// Finding 2: a header-only file (CSV or sheet) never replaces the directory.
#[test]
fn a_header_only_file_is_refused() {
    let err = refused(|b| {
        vec![
            b.file("structures.csv", format!("{STRUCTURES_HEADER}\n")),
            b.file("services.csv", services_csv()),
        ]
    });
    assert_eq!(
        err,
        "structures.csv : aucune ligne sous l'en-tête, alors qu'un export de l'annuaire contient \
         toujours des structures (fichier tronqué ou mauvais fichier ?)"
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file("services.csv", format!("{SERVICES_HEADER}\r\n\r\n;;\n")),
        ]
    });
    assert_eq!(
        err,
        "services.csv : aucune ligne sous l'en-tête, alors qu'un export de l'annuaire contient \
         toujours des services (fichier tronqué ou mauvais fichier ?)"
    );
    // On an empty cache too: no shrink there, still refused.
    let mut bench = Bench::new();
    let files = [
        bench.file("structures.csv", format!("{STRUCTURES_HEADER}\n")),
        bench.file("services.csv", services_csv()),
    ];
    assert!(bench.import(&files).is_err());
    assert_eq!(latest_import(bench.store.conn()).unwrap(), None);
    // A workbook whose structures sheet has only its header.
    let err = refused(|b| {
        let path = b.tmp.path().join("annuaire.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let structures = workbook.add_worksheet();
        structures.set_name("Structures").unwrap();
        for (col, name) in STRUCTURES_HEADER.split(';').enumerate() {
            structures.write_string(0, col as u16, name).unwrap();
        }
        let services = workbook.add_worksheet();
        services.set_name("Services").unwrap();
        for (col, name) in SERVICES_HEADER.split(';').enumerate() {
            services.write_string(0, col as u16, name).unwrap();
        }
        services.write_number(1, 0, 21750001600019.0).unwrap();
        services.write_string(1, 2, "S").unwrap();
        workbook.save(&path).unwrap();
        vec![path]
    });
    assert!(
        err.starts_with("annuaire.xlsx (feuille « Structures ») : aucune ligne sous l'en-tête"),
        "{err}"
    );
}

/// The first `n` structures of `structures_csv()` and the services of those structures.
fn first_structures(n: usize) -> (String, String) {
    let all = structures_csv();
    let kept: Vec<&str> = all.lines().skip(1).take(n).collect();
    let text = format!("{STRUCTURES_HEADER}\n{}\n", kept.join("\n"));
    let services = format!(
        "{SERVICES_HEADER}\n21750001600019;VILLE DE PARIS;SERV-COMPTA;Direction des finances;false;true;;;;75004;PARIS;;;FR;France\n"
    );
    (text, services)
}

/// Finding 3: more than 20 % fewer structures is refused, both counts given, nothing
/// changed; confirmed, it goes through and says so.
#[test]
fn an_import_that_removes_more_than_a_fifth_of_the_structures_is_refused() {
    // 4 cached, 3 imported: -25 %.
    let (structures, services) = first_structures(3);
    let err = refused(|b| {
        vec![
            b.file("structures.csv", &structures),
            b.file("services.csv", &services),
        ]
    });
    assert_eq!(
        err,
        "l'annuaire importé contient 3 structures contre 4 en cache (-25 %) : un export complet \
         n'en perd pas autant d'un coup (fichier tronqué ?) ; import refusé, l'annuaire en cache \
         est conservé"
    );
    let mut bench = Bench::with_directory();
    let files = [
        bench.file("structures.csv", &structures),
        bench.file("services.csv", &services),
    ];
    let summary = bench.import_accepting_shrink(&files).unwrap();
    assert_eq!(summary.recorded.structure_count, 3);
    assert_eq!(
        summary.warnings,
        [
            "l'annuaire importé contient 3 structures contre 4 en cache (-25 %) : remplacement confirmé"
        ]
    );
    // From 3 to 3 (the same count) and then a new structure more: no question asked.
    bench.import(&files).unwrap();
}

#[test]
fn removing_exactly_a_fifth_is_allowed() {
    // 5 cached (the 4 + one), 4 imported: -20 %.
    let mut bench = Bench::new();
    let five = format!(
        "{}1;44312197500025;COMMUNE NOUVELLE;0;0;0;0;0;0;0;0;1;;;;01000;BOURG;;;FR;France\n",
        structures_csv()
    );
    let files = [
        bench.file("structures.csv", five),
        bench.file("services.csv", services_csv()),
    ];
    bench.import(&files).unwrap();
    let files = [
        bench.file("structures.csv", structures_csv()),
        bench.file("services.csv", services_csv()),
    ];
    let summary = bench.import_with(&files, false).unwrap();
    assert_eq!(summary.recorded.structure_count, 4);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

/// Finding 4: a structure twice is refused with both lines, whichever way it is twice.
#[test]
fn a_duplicated_structure_is_refused_with_both_lines() {
    let doubled = format!(
        "{}1;21750001600019;VILLE DE PARIS (BIS);0;0;0;0;0;0;0;0;0;;;;;;;;;\n",
        structures_csv()
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", &doubled),
            b.file("services.csv", services_csv()),
        ]
    });
    assert_eq!(
        err,
        "structures.csv, lignes 2 et 6 : l'identifiant 21750001600019 figure deux fois, alors \
         qu'une structure n'apparaît qu'une fois dans l'export de l'annuaire (fichiers \
         concaténés ou export corrompu ?)"
    );
    // The same SIRET once with and once without its leading zero.
    let padded = format!(
        "{}1;01234567400019;CHU DE LYON;0;0;1;0;1;0;0;0;1;;;;69002;LYON;;;FR;France\n",
        structures_csv()
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", &padded),
            b.file("services.csv", services_csv()),
        ]
    });
    assert!(
        err.starts_with("structures.csv, lignes 3 et 6 : l'identifiant 01234567400019 figure"),
        "{err}"
    );
    // Across two structures files, and under two identifier types.
    let other =
        format!("{STRUCTURES_HEADER}\n6;1234567;AUTRE PROVINCE;0;0;0;0;0;0;0;0;1;;;;;;;;;\n");
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file("autres.csv", &other),
            b.file("services.csv", services_csv()),
        ]
    });
    assert!(
        err.starts_with(
            "structures.csv, ligne 5, et autres.csv, ligne 2 : l'identifiant 1234567 (types 4 et 6) figure deux fois"
        ),
        "{err}"
    );
}

/// Finding 4, services: the same code twice with different flags is refused; twice with
/// the same flags (an old and a new service of one code) is accepted, the verdicts being
/// the same whichever is kept.
#[test]
fn a_service_twice_is_refused_only_when_its_flags_disagree() {
    let conflicting = format!(
        "{}21750001600019;VILLE DE PARIS;SERV-EJ;Achats (ancien);false;false;;;;75004;PARIS;;;FR;France\n",
        services_csv()
    );
    let err = refused(|b| {
        vec![
            b.file("structures.csv", structures_csv()),
            b.file("services.csv", &conflicting),
        ]
    });
    assert_eq!(
        err,
        "services.csv, lignes 3 et 7 : le service SERV-EJ de la structure 21750001600019 figure \
         deux fois avec des indicateurs différents (actif : oui puis non ; n° d'engagement \
         obligatoire : oui puis non) : impossible de savoir lequel Chorus Pro applique"
    );
    let agreeing = format!(
        "{}21750001600019;VILLE DE PARIS;SERV-EJ;Achats (nouveau nom);1;1;;;;75004;PARIS;;;FR;France\n",
        services_csv()
    );
    let mut bench = Bench::with_directory();
    let files = [
        bench.file("structures.csv", structures_csv()),
        bench.file("services.csv", &agreeing),
    ];
    let summary = bench.import(&files).unwrap();
    assert_eq!(summary.service_count, 5);
    let ej = services_of(bench.store.conn(), "21750001600019").unwrap();
    assert_eq!(ej[1].code, "SERV-EJ");
    assert!(ej[1].active && ej[1].engagement_required);
}

/// Finding 5: a file name whose 8-digit run is no date is said in the summary, with the
/// date retained; the import itself goes on (the date only labels the cache).
#[test]
fn an_unreadable_date_in_a_file_name_is_said_in_the_summary() {
    let mut bench = Bench::with_directory();
    let files = [
        bench.file("AIFE-Chorus-Pro-Annuaire_20261399.csv", structures_csv()),
        bench.file("services.csv", services_csv()),
    ];
    let noon = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_772_452_800);
    for f in &files {
        std::fs::File::options()
            .write(true)
            .open(f)
            .unwrap()
            .set_modified(noon)
            .unwrap();
    }
    let summary = bench.import_with(&files, false).unwrap();
    assert_eq!(summary.recorded.export_date, date(2026, 3, 2));
    assert_eq!(
        chorus_depot::app::status::directory_import_lines(&summary),
        [
            "Annuaire du 02/03/2026 — 4 structures, 5 services",
            "Attention : AIFE-Chorus-Pro-Annuaire_20261399.csv : « 20261399 » dans le nom ne se \
             lit pas comme une date (AAAAMMJJ ou JJMMAAAA entre 2015 et 2100) ; date de l'export \
             retenue : 02/03/2026 (date de modification du fichier)"
        ]
    );
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(args)
        .env("CHORUS_DEPOT_LOG", "off")
        .output()
        .unwrap()
}

/// Findings 3 and 5 in the CLI: `--accept-shrink`, and the warnings printed.
#[test]
fn the_cli_refuses_a_shrink_unless_accepted_and_prints_the_warnings() {
    let bench = Bench::with_directory();
    let db = bench.tmp.path().join("cache.sqlite");
    let before = bench.dump();
    drop(bench.store);
    let (structures, services) = first_structures(2);
    let s = bench.tmp.path().join("annuaire_99999999-structures.csv");
    let v = bench.tmp.path().join("annuaire_20261119-services.csv");
    std::fs::write(&s, structures).unwrap();
    std::fs::write(&v, services).unwrap();
    let args = |extra: Option<&'static str>| {
        let mut a = vec![
            "import-directory".to_string(),
            "--db".into(),
            db.display().to_string(),
            s.display().to_string(),
            v.display().to_string(),
        ];
        a.extend(extra.map(str::to_string));
        a
    };
    let run = |a: Vec<String>| cli(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let out = run(args(None));
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "Erreur : l'annuaire importé contient 2 structures contre 4 en cache (-50 %) : un export \
         complet n'en perd pas autant d'un coup (fichier tronqué ?) ; import refusé, l'annuaire \
         en cache est conservé. Pour remplacer quand même l'annuaire en cache, relancez avec \
         --accept-shrink"
    );
    let store = Store::open(&db).unwrap();
    let unchanged = Bench {
        tmp: tempfile::tempdir().unwrap(),
        store,
    };
    assert_eq!(unchanged.dump(), before);
    drop(unchanged);
    let out = run(args(Some("--accept-shrink")));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Annuaire du 19/11/2026 — 2 structures, 1 services\n\
         Attention : annuaire_99999999-structures.csv : « 99999999 » dans le nom ne se lit pas \
         comme une date (AAAAMMJJ ou JJMMAAAA entre 2015 et 2100) ; date de l'export retenue : \
         19/11/2026 (date lue dans le nom d'un autre fichier)\n\
         Attention : l'annuaire importé contient 2 structures contre 4 en cache (-50 %) : \
         remplacement confirmé"
    );
}

/// Finding 6: a cut workbook (zip cut anywhere) gives a French error and changes nothing.
#[test]
fn a_truncated_workbook_is_refused_and_changes_nothing() {
    let mut bench = Bench::with_directory();
    let before = bench.dump();
    let whole = bench.tmp.path().join("whole.xlsx");
    write_workbook(&whole);
    let bytes = std::fs::read(&whole).unwrap();
    // Cut points spread over the whole archive, the last byte included.
    let cuts = (1..16)
        .map(|i| bytes.len() * i / 16)
        .chain([bytes.len() - 1]);
    for cut in cuts {
        let path = bench.file("AIFE-Chorus-Pro-Annuaire_20261119.xlsx", &bytes[..cut]);
        let err = bench
            .import(&[path])
            .expect_err("a cut workbook must be refused");
        assert!(
            err.starts_with("AIFE-Chorus-Pro-Annuaire_20261119.xlsx : classeur illisible"),
            "cut at {cut}: {err}"
        );
        assert_eq!(bench.dump(), before, "cut at {cut}");
    }
}

/// Finding 6: the directory fixture cut at every byte. Each cut is refused with a French
/// error and the cache unchanged, except a cut that leaves complete rows (at a line end, or
/// inside the last field of the last row, `LibellePays`): then the import goes on if it
/// keeps what the checks see, or is refused by the shrink rule / the header-only rule.
/// A services file cut at a line end imports with fewer services (nothing in the file says
/// how many there were): the structures are intact and the services kept are exact; a
/// missing service makes invoices naming it anomalous (« service inconnu »), never
/// conformant.
#[test]
fn the_fixture_cut_anywhere_is_refused_or_keeps_what_the_checks_see() {
    let fixture = common::fixtures().join("annuaire_small");
    let structures =
        std::fs::read(fixture.join("AIFE-Chorus-Pro-Annuaire_20261112-structures.csv")).unwrap();
    let services =
        std::fs::read(fixture.join("AIFE-Chorus-Pro-Annuaire_20261112-services.csv")).unwrap();
    let mut bench = Bench::new();
    let whole = [
        bench.file("structures.csv", &structures),
        bench.file("services.csv", &services),
    ];
    bench.import(&whole).unwrap();
    let (full_structures, full_services) = projection(&bench);
    for (part, bytes) in [(0, &structures), (1, &services)] {
        for cut in 0..bytes.len() {
            let cut_bytes = &bytes[..cut];
            let (s, v) = if part == 0 {
                (cut_bytes, services.as_slice())
            } else {
                (structures.as_slice(), cut_bytes)
            };
            let before = bench.dump();
            let files = [
                bench.file("structures.csv", s),
                bench.file("services.csv", v),
            ];
            match bench.import(&files) {
                Err(err) => {
                    assert_eq!(bench.dump(), before, "part {part} cut at {cut}: {err}");
                    assert!(
                        err.starts_with("structures.csv")
                            || err.starts_with("services.csv")
                            || err.starts_with("l'annuaire importé contient"),
                        "part {part} cut at {cut}: {err}"
                    );
                }
                Ok(_) => {
                    let (now_structures, now_services) = projection(&bench);
                    assert_eq!(now_structures, full_structures, "part {part} cut at {cut}");
                    assert!(
                        now_services.iter().all(|s| full_services.contains(s)),
                        "part {part} cut at {cut}: {now_services:?}"
                    );
                    if part == 0 {
                        assert_eq!(now_services, full_services, "part {part} cut at {cut}");
                    }
                    // Back to the whole fixture for the next cut.
                    let files = [
                        bench.file("structures.csv", &structures),
                        bench.file("services.csv", &services),
                    ];
                    bench.import(&files).unwrap();
                }
            }
        }
    }
}

/// Finding 3 in the window: the refused shrink becomes a question with both counts;
/// « Annuler » keeps the cache and says so, « Remplacer » imports the same files again.
#[test]
fn the_window_asks_before_an_import_removes_structures() {
    use common::ui::{checks_done, click_settled, harness, wait_for};
    use egui_kittest::kittest::Queryable as _;

    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let fixture = common::fixtures().join("annuaire_small");
    let structures =
        std::fs::read_to_string(fixture.join("AIFE-Chorus-Pro-Annuaire_20261112-structures.csv"))
            .unwrap();
    // Two structures of the three: -33 %.
    let two: Vec<&str> = structures.lines().take(3).collect();
    let cut = dir
        .path()
        .join("AIFE-Chorus-Pro-Annuaire_20261119-structures.csv");
    std::fs::write(&cut, two.join("\n") + "\n").unwrap();
    let files = [
        cut.display().to_string(),
        fixture
            .join("AIFE-Chorus-Pro-Annuaire_20261112-services.csv")
            .display()
            .to_string(),
    ]
    .join("\n");

    let mut h = harness(db.clone());
    wait_for(&mut h, "la fin de la vérification", checks_done);
    h.get_by_label("Annuaire Chorus PRO").click();
    h.run_steps(2);
    h.get_by_label("Importer un export de l'annuaire").click();
    h.run_steps(2);
    let field = || egui::accesskit::Role::MultilineTextInput;
    h.get_all_by_role(field()).next().unwrap().focus();
    h.step();
    h.get_all_by_role(field()).next().unwrap().type_text(&files);
    h.run_steps(2);
    let question = "L'annuaire importé contient 2 structures contre 3 en cache (-33 %). Un \
                    export complet n'en perd pas autant d'un coup : vérifiez que le fichier \
                    n'est pas tronqué. Remplacer quand même ?";
    let structure_count = |db: &std::path::Path| {
        let store = Store::open(db).unwrap();
        chorus_depot::store::directory::structure_count(store.conn()).unwrap()
    };

    h.get_by_label("Importer l'annuaire").click();
    wait_for(&mut h, "la question avant de remplacer", |h| {
        h.query_by_label(question).is_some()
    });
    click_settled(&mut h, "Annuler");
    wait_for(&mut h, "l'annulation", |h| {
        h.query_by_label(question).is_none()
            && h.query_by_label_contains(
                "Import de l'annuaire annulé : l'annuaire en cache est conservé",
            )
            .is_some()
    });
    assert_eq!(structure_count(&db), 3);

    h.get_by_label("Importer l'annuaire").click();
    wait_for(&mut h, "la question, de nouveau", |h| {
        h.query_by_label(question).is_some()
    });
    click_settled(&mut h, "Remplacer");
    wait_for(&mut h, "l'annuaire remplacé puis vérifié", |h| {
        checks_done(h)
            && h.query_by_label(question).is_none()
            && h.query_all_by_label_contains("Annuaire du 19/11/2026 — 2 structures")
                .next()
                .is_some()
    });
    assert_eq!(structure_count(&db), 2);
}
