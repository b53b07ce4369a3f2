//! Import of a directory export the size of the real one (issue 2: 200,000 structures and
//! 100,000 services in under 3 s), from CSV files and from an XLSX workbook, into a real
//! SQLite file on disk.

use chorus_depot::directory::import_directory;
use chorus_depot::model::siret;
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const STRUCTURES: usize = 200_000;
const SERVICES: usize = 100_000;

const STRUCTURE_HEADER: &str = "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;GestionStatutMiseEnPaiement;GestionEngagement;GestionService;GestionServiceEngagement;EstMOA;EstMOAUniquement;StructureActive;Adresse;ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays";
const SERVICE_HEADER: &str = "Identifiant;RaisonSociale;Code;Nom;GestionEGMT;ServiceActif;Adresse;ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays";

fn siret_of(i: usize) -> String {
    siret::from_stems(10_000_000 + i as u32 * 37, (i % 9000) as u32).to_string()
}

fn structure_row(i: usize) -> [String; 21] {
    let b = |n: usize| if i.is_multiple_of(n) { "true" } else { "false" }.to_string();
    [
        "1".into(),
        siret_of(i),
        format!("COMMUNE DE SAINT-EXEMPLE-{i}"),
        b(7),
        b(11),
        b(3),
        b(5),
        b(4),
        b(13),
        b(17),
        b(97),
        if i.is_multiple_of(50) {
            "false"
        } else {
            "true"
        }
        .into(),
        format!("{} RUE DE LA MAIRIE", i % 200 + 1),
        String::new(),
        String::new(),
        format!("{:05}", 1000 + i % 95_000),
        "SAINT-EXEMPLE".into(),
        "0102030405".into(),
        format!("factures{i}@exemple.gouv.fr"),
        "FR".into(),
        "FRANCE".into(),
    ]
}

fn service_row(i: usize) -> [String; 15] {
    [
        siret_of(i * 2),
        format!("COMMUNE DE SAINT-EXEMPLE-{}", i * 2),
        format!("SERV-{:05}", i % 40_000),
        "Direction des finances et de la commande publique".into(),
        if i.is_multiple_of(6) { "true" } else { "false" }.into(),
        if i.is_multiple_of(30) {
            "false"
        } else {
            "true"
        }
        .into(),
        "1 PLACE DE LA MAIRIE".into(),
        String::new(),
        String::new(),
        "75001".into(),
        "PARIS".into(),
        String::new(),
        String::new(),
        "FR".into(),
        "FRANCE".into(),
    ]
}

fn write_csv(dir: &Path) -> Vec<PathBuf> {
    let mut s = String::with_capacity(STRUCTURES * 200);
    s.push_str(STRUCTURE_HEADER);
    s.push('\n');
    for i in 0..STRUCTURES {
        let _ = writeln!(s, "{}", structure_row(i).join(";"));
    }
    let structures = dir.join("AIFE-Chorus-Pro-Annuaire_20261112-structures.csv");
    std::fs::write(&structures, s).unwrap();
    let mut s = String::with_capacity(SERVICES * 160);
    s.push_str(SERVICE_HEADER);
    s.push('\n');
    for i in 0..SERVICES {
        let _ = writeln!(s, "{}", service_row(i).join(";"));
    }
    let services = dir.join("AIFE-Chorus-Pro-Annuaire_20261112-services.csv");
    std::fs::write(&services, s).unwrap();
    vec![structures, services]
}

fn write_xlsx(dir: &Path) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("Structures").unwrap();
    for (c, h) in STRUCTURE_HEADER.split(';').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for i in 0..STRUCTURES {
        for (c, v) in structure_row(i).iter().enumerate() {
            // As in the real export, the identifier is a number cell.
            if c == 1 {
                sheet
                    .write_number(i as u32 + 1, 1, v.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                sheet.write_string(i as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    let sheet = book.add_worksheet().set_name("Services").unwrap();
    for (c, h) in SERVICE_HEADER.split(';').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for i in 0..SERVICES {
        for (c, v) in service_row(i).iter().enumerate() {
            sheet.write_string(i as u32 + 1, c as u16, v).unwrap();
        }
    }
    let path = dir.join("AIFE-Chorus-Pro-Annuaire_20261112.xlsx");
    book.save(&path).unwrap();
    path
}

fn directory_import(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let csv_files = write_csv(dir.path());
    let xlsx = write_xlsx(dir.path());
    let mut store = Store::open(&dir.path().join("annuaire.sqlite")).unwrap();

    let mut group = c.benchmark_group("directory_import");
    group.sample_size(10);
    group.bench_function("csv_200k_structures_100k_services", |b| {
        b.iter(|| {
            let import = import_directory(&mut store, &csv_files, &Silent).unwrap();
            assert_eq!(import.structure_count, STRUCTURES);
            assert_eq!(import.service_count, SERVICES);
        })
    });
    group.bench_function("xlsx_200k_structures_100k_services", |b| {
        b.iter(|| {
            let import =
                import_directory(&mut store, std::slice::from_ref(&xlsx), &Silent).unwrap();
            assert_eq!(import.structure_count, STRUCTURES);
            assert_eq!(import.service_count, SERVICES);
        })
    });
    group.finish();
}

criterion_group!(benches, directory_import);
criterion_main!(benches);
