//! `import-directory` on small exports of the Chorus Pro directory, CSV and XLSX: what the
//! cache holds afterwards, what the status bar shows, and what a bad file leaves behind.

use chorus_depot::directory::import_directory;
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use chorus_depot::store::directory::{
    DirectoryImport, find_structure, latest_import, search_structures, services_of,
};
use chrono::NaiveDate;
use std::path::PathBuf;
use tempfile::TempDir;

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
        bench.file("v.csv", format!("{SERVICES_HEADER}\n")),
    ];
    bench.import(&files).unwrap();
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
        bench.file("services.csv", format!("{SERVICES_HEADER}\n")),
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
    bench.import(&files).unwrap();
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
