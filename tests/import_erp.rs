//! `import-erp` on small CSV folders: what a good export brings into the mirror, and what a
//! bad one tells the user while leaving the mirror exactly as it was.

use chorus_depot::erp_import::{ErpImportSummary, import_erp};
use chorus_depot::model::{InvoiceKind, VatCategory};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use chorus_depot::store::erp::{self, ErpCounts};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const SOCIETES: &str = "\
code;raison_sociale;siret;tva_intracom;iban;bic;titulaire;domiciliation;adresse;code_postal;ville
SOC1;Atelier Durand SAS;443 121 975 00025;FR46443121975;FR76 3000 6000 0112 3456 7890 189;bnpafrpp;Atelier Durand SAS;BNP Paribas Lyon;3 rue des Forges;69003;Lyon
";

const CLIENTS: &str = "\
code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel
C1;Ville de Paris;217 500 016 00019;PUBLIC;Place de l'Hôtel de Ville;75004;Paris;factures@paris.example
C2;Boulangerie Martin;;PRIVE;2 rue du Four;69002;Lyon;
";

const MARCHES: &str = "\
code_client;numero;libelle;date_debut;date_fin
C1;M2026-007;Entretien des espaces verts;2026-01-01;31/12/2026
";

const REFERENCES: &str = "\
type;reference;code_client;code_service;numero_marche;numero_engagement;date_fin_validite
COMMANDE;CMD-4512;C1;SERV-COMPTA;M2026-007;EJ-42;2026-12-31
";

const FACTURES: &str = "\
numero;code_societe;code_client;type;date_facture;date_echeance;devise;montant_ht;montant_tva;montant_ttc;code_service;numero_engagement;numero_marche;reference_origine;fichier_pdf;numero_facture_origine;mode_paiement;cadre_facturation
F2026-0001;SOC1;C1;FACTURE;2026-06-15;15/07/2026;EUR;1 000,50;200.10;1200,60;SERV-COMPTA;EJ-1;M2026-007;CMD-4512;pdf/F2026-0001.pdf;;VIREMENT;
F2026-0002;SOC1;C1;AVOIR;16/06/2026;;;-100;-20;-120;;;;;/archives/A2026-0002.pdf;F2026-0001;VIREMENT;A2_FACTURE_FOURNISSEUR_DEJA_PAYEE
";

const LIGNES: &str = "\
numero_facture;numero_ligne;libelle;quantite;unite;prix_unitaire_ht;taux_tva;montant_ht
F2026-0001;1;Tonte des pelouses;10;h;50,025;20;500,25
F2026-0001;2;Taille des haies;10;h;50.025;20;500.25
F2026-0002;1;Remise commerciale;1;;-100;0;-100
";

const REGLEMENTS: &str = "\
numero_facture;date;montant;mode
F2026-0001;2026-07-10;600,30;VIREMENT
F2026-0001;20/07/2026;600,30;VIREMENT
";

const GOOD: &[(&str, &str)] = &[
    ("societes.csv", SOCIETES),
    ("clients.csv", CLIENTS),
    ("marches.csv", MARCHES),
    ("references.csv", REFERENCES),
    ("factures.csv", FACTURES),
    ("lignes.csv", LIGNES),
    ("reglements.csv", REGLEMENTS),
];

/// A database and the folders written for one test.
struct Bench {
    tmp: TempDir,
    store: Store,
}

impl Bench {
    fn new() -> Bench {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(&tmp.path().join("miroir.sqlite")).unwrap();
        Bench { tmp, store }
    }

    /// Writes `files` into a new folder `name` and returns its path.
    fn folder(&self, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
        let dir = self.tmp.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, bytes) in files {
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        dir
    }

    fn text_folder(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let bytes: Vec<(&str, &[u8])> = files.iter().map(|(f, t)| (*f, t.as_bytes())).collect();
        self.folder(name, &bytes)
    }

    fn import(&mut self, dir: &Path) -> Result<ErpImportSummary, String> {
        import_erp(&mut self.store, dir, &Silent).map_err(|e| e.to_string())
    }

    /// Imports the good export; the state every bad-file test starts from.
    fn with_good_import() -> Bench {
        let mut bench = Bench::new();
        let dir = bench.text_folder("bon", GOOD);
        bench.import(&dir).unwrap();
        bench
    }

    fn counts(&self) -> ErpCounts {
        erp::counts(self.store.conn()).unwrap()
    }

    /// Every row of every ERP table, as text: equal dumps, unchanged mirror.
    fn dump(&self) -> Vec<String> {
        let conn = self.store.conn();
        let mut out = Vec::new();
        for table in [
            "companies",
            "clients",
            "markets",
            "billing_references",
            "invoices",
            "invoice_lines",
            "payments",
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
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The good export with `name` replaced by `content` (or left out when `None`).
fn good_but<'a>(name: &str, content: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    GOOD.iter()
        .filter_map(|&(file, text)| {
            if file == name {
                content.map(|c| (file, c))
            } else {
                Some((file, text))
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Good exports

#[test]
fn a_good_folder_imports_every_file() {
    let mut bench = Bench::new();
    let dir = bench.text_folder("export", GOOD);
    let summary = bench.import(&dir).unwrap();
    assert_eq!(
        bench.counts(),
        ErpCounts {
            companies: 1,
            clients: 2,
            markets: 1,
            references: 1,
            invoices: 2,
            lines: 3,
            payments: 2,
        }
    );
    let text = summary.to_string();
    assert!(text.contains("factures.csv : 2 lignes importées"), "{text}");
    assert!(text.contains("societes.csv : 1 ligne importée\n"), "{text}");
}

#[test]
fn values_are_read_the_french_way() {
    let mut bench = Bench::new();
    let dir = bench.text_folder("export", GOOD);
    bench.import(&dir).unwrap();
    let conn = bench.store.conn();

    let invoice = erp::load_invoice(conn, "F2026-0001").unwrap().unwrap();
    // Decimal commas, points and thousands spaces.
    assert_eq!(invoice.total_excl_tax, dec("1000.50"));
    assert_eq!(invoice.total_tax, dec("200.10"));
    assert_eq!(invoice.total_incl_tax, dec("1200.60"));
    // Both date formats.
    assert_eq!(invoice.invoice_date, date(2026, 6, 15));
    assert_eq!(invoice.due_date, Some(date(2026, 7, 15)));
    assert_eq!(invoice.kind, InvoiceKind::Invoice);
    assert_eq!(invoice.service_code, "SERV-COMPTA");
    assert_eq!(invoice.origin_reference, "CMD-4512");
    // An empty frame is a plain supplier invoice.
    assert_eq!(invoice.billing_frame, "A1_FACTURE_FOURNISSEUR");
    // A path relative to the folder is stored absolute.
    assert_eq!(
        PathBuf::from(&invoice.pdf_path),
        dir.join("pdf").join("F2026-0001.pdf")
    );
    assert!(Path::new(&invoice.pdf_path).is_absolute());

    let credit = erp::load_invoice(conn, "F2026-0002").unwrap().unwrap();
    assert_eq!(credit.kind, InvoiceKind::CreditNote);
    assert_eq!(credit.invoice_date, date(2026, 6, 16));
    assert_eq!(credit.due_date, None);
    assert_eq!(credit.currency, "EUR");
    assert_eq!(credit.total_incl_tax, dec("-120"));
    assert_eq!(credit.pdf_path, "/archives/A2026-0002.pdf");
    assert_eq!(credit.original_invoice_number, "F2026-0001");
    assert_eq!(credit.billing_frame, "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE");

    // Spaces inside SIRET and IBAN are gone; the BIC is upper case.
    let company = &erp::load_companies(conn).unwrap()[0];
    assert_eq!(company.siret, "44312197500025");
    assert_eq!(company.iban, "FR7630006000011234567890189");
    assert_eq!(company.bic, "BNPAFRPP");
    let clients = erp::load_clients(conn).unwrap();
    assert_eq!(clients[0].siret, "21750001600019");
    assert_eq!(clients[1].siret, "");

    let market = &erp::load_markets(conn).unwrap()[0];
    assert_eq!(market.start_date, Some(date(2026, 1, 1)));
    assert_eq!(market.end_date, Some(date(2026, 12, 31)));
    let reference = &erp::load_references(conn).unwrap()[0];
    assert_eq!(reference.valid_until, Some(date(2026, 12, 31)));
    assert_eq!(reference.engagement_number, "EJ-42");

    let lines = erp::lines_of(conn, "F2026-0001").unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].unit_price, dec("50.025"));
    assert_eq!(lines[1].unit_price, dec("50.025"));
    assert_eq!(lines[0].line_total, dec("500.25"));
    let payments = erp::payments_of(conn, "F2026-0001").unwrap();
    assert_eq!(payments[1].date, date(2026, 7, 20));
    assert_eq!(payments[1].amount, dec("600.30"));
}

#[test]
fn vat_category_defaults_to_s_with_a_rate_and_e_without() {
    let mut bench = Bench::new();
    let dir = bench.text_folder("export", GOOD);
    bench.import(&dir).unwrap();
    let conn = bench.store.conn();
    let taxed = erp::lines_of(conn, "F2026-0001").unwrap();
    assert_eq!(taxed[0].vat_category, VatCategory::Standard);
    assert_eq!(taxed[0].vat_rate, dec("20"));
    assert_eq!(taxed[0].exemption_reason, "");
    let untaxed = erp::lines_of(conn, "F2026-0002").unwrap();
    assert_eq!(untaxed[0].vat_category, VatCategory::Exempt);
}

#[test]
fn optional_vat_columns_are_read_when_present() {
    let lignes = "\
numero_facture;numero_ligne;libelle;quantite;unite;prix_unitaire_ht;taux_tva;montant_ht;categorie_tva;motif_exoneration
F2026-0001;1;Formation;1;forfait;1000,50;0;1000,50;E;Exonération de TVA, article 261-4-4° du CGI
F2026-0002;1;Remise;1;;-100;0;-100;z;
";
    let mut bench = Bench::new();
    let dir = bench.text_folder("export", &good_but("lignes.csv", Some(lignes)));
    bench.import(&dir).unwrap();
    let conn = bench.store.conn();
    let line = &erp::lines_of(conn, "F2026-0001").unwrap()[0];
    assert_eq!(line.vat_category, VatCategory::Exempt);
    assert_eq!(
        line.exemption_reason,
        "Exonération de TVA, article 261-4-4° du CGI"
    );
    let zero = &erp::lines_of(conn, "F2026-0002").unwrap()[0];
    assert_eq!(zero.vat_category, VatCategory::ZeroRated);
}

#[test]
fn columns_in_any_order_and_extra_columns_are_accepted() {
    // Reordered, upper case, with a UTF-8 BOM, an extra column and a quoted `;`.
    let clients = "\u{feff}Ville;Commentaire;CODE;type_client;courriel;siret;raison_sociale;code_postal;adresse
Paris;client historique;C1;PUBLIC;factures@paris.example;21750001600019;Ville de Paris;75004;1 place de l'Hôtel de Ville
Lyon;;C3;public;;01234567400019;\"Syndicat des eaux; secteur nord\";69001;
";
    let mut bench = Bench::new();
    // "All or some of them": only two of the seven files.
    let dir = bench.text_folder(
        "export",
        &[("societes.csv", SOCIETES), ("clients.csv", clients)],
    );
    let summary = bench.import(&dir).unwrap();
    assert_eq!(summary.files.len(), 2);
    let clients = erp::load_clients(bench.store.conn()).unwrap();
    assert_eq!(clients.len(), 2);
    assert_eq!(clients[0].code, "C1");
    assert_eq!(clients[0].name, "Ville de Paris");
    assert_eq!(clients[0].city, "Paris");
    assert_eq!(clients[0].email, "factures@paris.example");
    assert_eq!(clients[1].name, "Syndicat des eaux; secteur nord");
    assert_eq!(clients[1].siret, "01234567400019");
    assert_eq!(clients[1].postal_code, "69001");
}

#[test]
fn a_windows_1252_export_keeps_its_accents() {
    let clients = "code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel\r\n\
C1;Département de l'Hérault – Œuvres sociales;217 500 016 00019;PUBLIC;Hôtel du Département;34000;Montpellier;compta@herault.example\r\n\
C2;Crèche « Les Câlins »;;PRIVE;;30000;Nîmes;\r\n";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(clients);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
    let mut bench = Bench::new();
    let dir = bench.folder(
        "export",
        &[
            ("societes.csv", SOCIETES.as_bytes()),
            ("clients.csv", &bytes),
        ],
    );
    bench.import(&dir).unwrap();
    let clients = erp::load_clients(bench.store.conn()).unwrap();
    assert_eq!(
        clients[0].name,
        "Département de l'Hérault – Œuvres sociales"
    );
    assert_eq!(clients[0].address, "Hôtel du Département");
    // The last column of a CRLF file holds no stray carriage return.
    assert_eq!(clients[0].email, "compta@herault.example");
    assert_eq!(clients[1].name, "Crèche « Les Câlins »");
    assert_eq!(clients[1].city, "Nîmes");
}

#[test]
fn file_names_are_found_whatever_their_case() {
    let mut bench = Bench::new();
    let dir = bench.text_folder(
        "export",
        &[("SOCIETES.CSV", SOCIETES), ("Clients.csv", CLIENTS)],
    );
    bench.import(&dir).unwrap();
    assert_eq!(bench.counts().clients, 2);
}

#[test]
fn a_reimport_updates_rows_by_key_and_replaces_lines_and_payments() {
    let mut bench = Bench::with_good_import();
    let clients = "\
code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel
C1;Ville de Paris - DFA;21750001600019;PUBLIC;Place de l'Hôtel de Ville;75004;Paris;dfa@paris.example
";
    let factures = "\
numero;code_societe;code_client;type;date_facture;date_echeance;devise;montant_ht;montant_tva;montant_ttc;code_service;numero_engagement;numero_marche;reference_origine;fichier_pdf;numero_facture_origine;mode_paiement;cadre_facturation
F2026-0001;SOC1;C1;FACTURE;2026-06-15;15/07/2026;EUR;900;180;1080;SERV-ACHATS;EJ-1;M2026-007;CMD-4512;pdf/F2026-0001.pdf;;VIREMENT;
";
    let lignes = "\
numero_facture;numero_ligne;libelle;quantite;unite;prix_unitaire_ht;taux_tva;montant_ht
F2026-0001;1;Tonte des pelouses;18;h;50;20;900
";
    let reglements = "\
numero_facture;date;montant;mode
F2026-0001;2026-07-10;1080;VIREMENT
";
    let dir = bench.text_folder(
        "second",
        &[
            ("clients.csv", clients),
            ("factures.csv", factures),
            ("lignes.csv", lignes),
            ("reglements.csv", reglements),
        ],
    );
    bench.import(&dir).unwrap();
    // Same keys: no new row anywhere, and the lines of F2026-0002 are untouched.
    assert_eq!(
        bench.counts(),
        ErpCounts {
            companies: 1,
            clients: 2,
            markets: 1,
            references: 1,
            invoices: 2,
            lines: 2,
            payments: 1,
        }
    );
    let conn = bench.store.conn();
    let c1 = &erp::load_clients(conn).unwrap()[0];
    assert_eq!(c1.name, "Ville de Paris - DFA");
    assert_eq!(c1.email, "dfa@paris.example");
    let invoice = erp::load_invoice(conn, "F2026-0001").unwrap().unwrap();
    assert_eq!(invoice.total_incl_tax, dec("1080"));
    assert_eq!(invoice.service_code, "SERV-ACHATS");
    let lines = erp::lines_of(conn, "F2026-0001").unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].quantity, dec("18"));
    assert_eq!(erp::lines_of(conn, "F2026-0002").unwrap().len(), 1);
    let payments = erp::payments_of(conn, "F2026-0001").unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].amount, dec("1080"));

    // Importing the same folder again changes nothing.
    let before = bench.dump();
    bench.import(&dir).unwrap();
    assert_eq!(bench.dump(), before);
}

#[test]
fn a_reimport_of_invoices_alone_keeps_their_lines_and_payments() {
    let mut bench = Bench::with_good_import();
    let dir = bench.text_folder("factures-seules", &[("factures.csv", FACTURES)]);
    bench.import(&dir).unwrap();
    assert_eq!(bench.counts().lines, 3);
    assert_eq!(bench.counts().payments, 2);
}

// ---------------------------------------------------------------------------------------
// Bad exports: a clear French error, and nothing imported

/// Imports `files` over the good import; returns the error shown to the user after
/// checking that the mirror did not change at all.
fn refused(files: &[(&str, &[u8])]) -> String {
    let mut bench = Bench::with_good_import();
    let before = bench.dump();
    let dir = bench.folder("mauvais", files);
    let err = bench
        .import(&dir)
        .expect_err("a bad export must be refused");
    assert_eq!(bench.dump(), before, "the mirror changed despite: {err}");
    err
}

/// Like `refused`, also on an empty database (a first import).
fn refused_text(files: &[(&str, &str)]) -> String {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(f, t)| (*f, t.as_bytes())).collect();
    let mut first = Bench::new();
    let dir = first.folder("mauvais", &bytes);
    let err_first = first
        .import(&dir)
        .expect_err("a bad export must be refused");
    assert_eq!(first.counts(), ErpCounts::default(), "{err_first}");
    let err = refused(&bytes);
    assert_eq!(err, err_first);
    err
}

/// The good export with new rows in the files read before the bad one: if the
/// import kept them, the dump would show it.
fn with_changes<'a>(bad_file: &'a str, bad: &'a str) -> Vec<(&'a str, &'a str)> {
    const CLIENTS_CHANGED: &str = "\
code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel
C1;Ville de Paris (renommée);21750001600019;PUBLIC;;75004;Paris;
C2;Boulangerie Martin;;PRIVE;2 rue du Four;69002;Lyon;
C3;CHU de Lyon;01234567400019;PUBLIC;;69003;Lyon;
";
    const FACTURES_CHANGED: &str = "\
numero;code_societe;code_client;type;date_facture;date_echeance;devise;montant_ht;montant_tva;montant_ttc;code_service;numero_engagement;numero_marche;reference_origine;fichier_pdf;numero_facture_origine;mode_paiement;cadre_facturation
F2026-0001;SOC1;C1;FACTURE;2026-06-15;15/07/2026;EUR;1 000,50;200.10;1200,60;SERV-COMPTA;EJ-1;M2026-007;CMD-4512;pdf/F2026-0001.pdf;;VIREMENT;
F2026-0002;SOC1;C1;AVOIR;16/06/2026;;;-100;-20;-120;;;;;/archives/A2026-0002.pdf;F2026-0001;VIREMENT;
F2026-0003;SOC1;C3;FACTURE;2026-06-20;;EUR;10;2;12;;;;;;;VIREMENT;
";
    let mut files = good_but("clients.csv", Some(CLIENTS_CHANGED));
    for f in files.iter_mut() {
        if f.0 == "factures.csv" {
            f.1 = FACTURES_CHANGED;
        }
    }
    for f in files.iter_mut() {
        if f.0 == bad_file {
            f.1 = bad;
        }
    }
    files
}

#[test]
fn a_missing_column_is_named() {
    let factures = FACTURES.replacen(";montant_tva", "", 1);
    let err = refused_text(&with_changes("factures.csv", &factures));
    assert_eq!(
        err,
        "factures.csv, ligne 1 : colonne obligatoire absente de l'en-tête : « montant_tva »"
    );
}

#[test]
fn several_missing_columns_are_all_named() {
    let reglements = "numero_facture;montant\nF2026-0001;12\n";
    let err = refused_text(&with_changes("reglements.csv", reglements));
    assert_eq!(
        err,
        "reglements.csv, ligne 1 : colonnes obligatoires absentes de l'en-tête : « date », « mode »"
    );
}

#[test]
fn a_bad_date_names_file_line_and_column() {
    let factures = "\
numero;code_societe;code_client;type;date_facture;date_echeance;devise;montant_ht;montant_tva;montant_ttc;code_service;numero_engagement;numero_marche;reference_origine;fichier_pdf;numero_facture_origine;mode_paiement;cadre_facturation
F2026-0001;SOC1;C1;FACTURE;2026-06-15;15/07/2026;EUR;1 000,50;200.10;1200,60;SERV-COMPTA;EJ-1;M2026-007;CMD-4512;pdf/F2026-0001.pdf;;VIREMENT;

F2026-0003;SOC1;C1;FACTURE;31/02/2026;;EUR;10;2;12;;;;;;;VIREMENT;
";
    let err = refused_text(&with_changes("factures.csv", factures));
    // Line 4 of the file: the blank line counts, as in any text editor.
    assert_eq!(
        err,
        "factures.csv, ligne 4, colonne « date_facture » : « 31/02/2026 » n'est pas une date (attendu AAAA-MM-JJ ou JJ/MM/AAAA)"
    );
}

#[test]
fn a_bad_number_names_file_line_and_column() {
    let lignes = "\
numero_facture;numero_ligne;libelle;quantite;unite;prix_unitaire_ht;taux_tva;montant_ht
F2026-0003;1;Tonte;1;h;10;20;10
F2026-0003;2;Taille;1;h;10;20;dix euros
";
    let err = refused_text(&with_changes("lignes.csv", lignes));
    assert_eq!(
        err,
        "lignes.csv, ligne 3, colonne « montant_ht » : « dix euros » n'est pas un nombre (attendu par exemple 1234,56 ou 1234.56)"
    );
}

#[test]
fn a_number_with_two_decimal_separators_is_refused() {
    let reglements = "numero_facture;date;montant;mode\nF2026-0001;2026-07-10;1.200,30;VIREMENT\n";
    let err = refused_text(&with_changes("reglements.csv", reglements));
    assert!(
        err.starts_with(
            "reglements.csv, ligne 2, colonne « montant » : « 1.200,30 » n'est pas un nombre"
        ),
        "{err}"
    );
}

#[test]
fn a_duplicate_key_names_both_lines() {
    let clients = "\
code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel
C1;Ville de Paris;21750001600019;PUBLIC;;75004;Paris;
C3;CHU de Lyon;01234567400019;PUBLIC;;69003;Lyon;
C1;Ville de Paris bis;21750001600019;PUBLIC;;75004;Paris;
";
    let err = refused_text(&with_changes("clients.csv", clients));
    assert_eq!(
        err,
        "clients.csv, ligne 4, colonne « code » : doublon : le client « C1 » figure déjà à la ligne 2"
    );
}

#[test]
fn a_duplicate_invoice_line_is_refused() {
    let lignes = "\
numero_facture;numero_ligne;libelle;quantite;unite;prix_unitaire_ht;taux_tva;montant_ht
F2026-0001;1;Tonte;1;h;10;20;10
F2026-0001;1;Tonte encore;1;h;10;20;10
";
    let err = refused_text(&with_changes("lignes.csv", lignes));
    assert!(
        err.starts_with("lignes.csv, ligne 3, colonne « numero_ligne » : doublon"),
        "{err}"
    );
    assert!(err.contains("ligne 2"), "{err}");
}

#[test]
fn an_unknown_client_code_is_named() {
    let factures = "\
numero;code_societe;code_client;type;date_facture;date_echeance;devise;montant_ht;montant_tva;montant_ttc;code_service;numero_engagement;numero_marche;reference_origine;fichier_pdf;numero_facture_origine;mode_paiement;cadre_facturation
F2026-0003;SOC1;C3;FACTURE;2026-06-20;;EUR;10;2;12;;;;;;;VIREMENT;
F2026-0004;SOC1;C9;FACTURE;2026-06-20;;EUR;10;2;12;;;;;;;VIREMENT;
";
    let err = refused_text(&with_changes("factures.csv", factures));
    assert_eq!(
        err,
        "factures.csv, ligne 3, colonne « code_client » : client « C9 » inconnu : absent de clients.csv et de la base"
    );
}

#[test]
fn a_bad_code_lists_the_accepted_values() {
    let clients = "\
code;raison_sociale;siret;type_client;adresse;code_postal;ville;courriel
C1;Ville de Paris;21750001600019;COLLECTIVITE;;75004;Paris;
";
    let err = refused_text(&with_changes("clients.csv", clients));
    assert_eq!(
        err,
        "clients.csv, ligne 2, colonne « type_client » : « COLLECTIVITE » inconnu (attendu PUBLIC ou PRIVE)"
    );
}

#[test]
fn binary_garbage_is_refused() {
    let mut garbage = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    garbage.extend((0u32..2000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let mut files: Vec<(&str, &[u8])> = with_changes("", "")
        .iter()
        .map(|(f, t)| (*f, t.as_bytes()))
        .collect();
    files.retain(|(f, _)| *f != "reglements.csv");
    files.push(("reglements.csv", &garbage));
    let err = refused(&files);
    assert_eq!(
        err,
        "reglements.csv : ce n'est pas un fichier texte CSV (contenu binaire)"
    );
}

#[test]
fn an_empty_file_is_refused() {
    let err = refused_text(&with_changes("marches.csv", ""));
    assert_eq!(err, "marches.csv : le fichier est vide");
    let err = refused_text(&with_changes("marches.csv", "\r\n  \n"));
    assert_eq!(err, "marches.csv : le fichier est vide");
}

#[test]
fn a_comma_separated_file_is_explained() {
    let references = "\
type,reference,code_client,code_service,numero_marche,numero_engagement,date_fin_validite
COMMANDE,CMD-4512,C1,SERV-COMPTA,M2026-007,EJ-42,2026-12-31
";
    let err = refused_text(&with_changes("references.csv", references));
    assert_eq!(
        err,
        "references.csv, ligne 1 : les colonnes doivent être séparées par des points-virgules (;)"
    );
}

#[test]
fn a_folder_without_any_expected_file_is_explained() {
    let mut bench = Bench::new();
    let dir = bench.text_folder("vide", &[("lisez-moi.txt", "rien")]);
    let err = bench.import(&dir).unwrap_err();
    assert!(
        err.contains("ne contient aucun des fichiers attendus"),
        "{err}"
    );
    assert!(err.contains("factures.csv"), "{err}");
    let absent = bench.tmp.path().join("absent");
    let err = bench.import(&absent).unwrap_err();
    assert!(err.contains("n'existe pas"), "{err}");
}

#[test]
fn lines_of_an_unknown_invoice_are_refused() {
    let lignes = "\
numero_facture;numero_ligne;libelle;quantite;unite;prix_unitaire_ht;taux_tva;montant_ht
F2026-0001;1;Tonte;1;h;10;20;10
F2025-9999;1;Tonte;1;h;10;20;10
";
    let err = refused_text(&with_changes("lignes.csv", lignes));
    assert_eq!(
        err,
        "lignes.csv, ligne 3, colonne « numero_facture » : facture « F2025-9999 » inconnue : absente de factures.csv et de la base"
    );
}

#[test]
fn an_invoice_of_an_unknown_company_is_refused() {
    let factures = FACTURES.replacen(";SOC1;C1;AVOIR", ";SOC2;C1;AVOIR", 1);
    let err = refused_text(&with_changes("factures.csv", &factures));
    assert_eq!(
        err,
        "factures.csv, ligne 3, colonne « code_societe » : société « SOC2 » inconnue : absente de societes.csv et de la base"
    );
}

#[test]
fn the_changed_folder_does_change_the_mirror_when_it_is_good() {
    // Keeps the "nothing imported" tests honest: their good files do bring changes.
    let mut bench = Bench::with_good_import();
    let before = bench.dump();
    let files = with_changes("", "");
    let dir = bench.text_folder("change", &files);
    bench.import(&dir).unwrap();
    assert_ne!(bench.dump(), before);
    assert_eq!(bench.counts().clients, 3);
    assert_eq!(bench.counts().invoices, 3);
}

/// Asks to stop once the import has written a few files.
struct StopAfter(std::sync::atomic::AtomicUsize);

impl chorus_depot::progress::Progress for StopAfter {
    fn update(&self, _fraction: f32, _message: &str) {}
    fn is_cancelled(&self) -> bool {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) >= 3
    }
}

#[test]
fn a_cancelled_import_leaves_the_mirror_as_it_was() {
    let mut bench = Bench::with_good_import();
    let before = bench.dump();
    let dir = bench.text_folder("change", &with_changes("", ""));
    let err = import_erp(&mut bench.store, &dir, &StopAfter(Default::default()))
        .unwrap_err()
        .to_string();
    assert_eq!(err, "import annulé : la base n'a pas été modifiée");
    assert_eq!(bench.dump(), before);
}

#[test]
fn a_currency_that_is_no_iso_code_is_refused() {
    let factures = FACTURES.replacen(";EUR;", ";EURO;", 1);
    let err = refused_text(&with_changes("factures.csv", &factures));
    assert_eq!(
        err,
        "factures.csv, ligne 2, colonne « devise » : « EURO » n'est pas un code de devise ISO 4217 (ex. EUR)"
    );
}

// ---------------------------------------------------------------------------------------
// Untrusted files (issue 9): damaged, cut, mixed or special files are refused, naming the
// file and the line, and the mirror stays as it was.

#[test]
fn a_row_cut_short_is_refused_with_its_field_count() {
    // The last payment cut inside its amount: `600,30` then `VIREMENT` lost.
    let reglements = "\
numero_facture;date;montant;mode
F2026-0001;2026-07-10;600,30;VIREMENT
F2026-0001;20/07/2026;60
";
    let err = refused_text(&with_changes("reglements.csv", reglements));
    assert_eq!(
        err,
        "reglements.csv, ligne 3 : 4 champs attendus (autant que de colonnes dans l'en-tête), 3 trouvés : ligne coupée, ou point-virgule en trop ou manquant"
    );
}

#[test]
fn a_file_cut_inside_its_last_value_is_refused() {
    // Right field count, but `VIREMENT` cut to `VIREME` and no line break after it.
    let reglements = "\
numero_facture;date;montant;mode
F2026-0001;2026-07-10;600,30;VIREMENT
F2026-0001;20/07/2026;600,30;VIREME";
    let err = refused_text(&with_changes("reglements.csv", reglements));
    assert_eq!(
        err,
        "reglements.csv, ligne 3 : la dernière ligne ne se termine pas par un saut de ligne : le fichier semble coupé (export ou copie interrompus) et sa dernière valeur peut-être tronquée ; s'il est complet, ajoutez un saut de ligne à la fin de la dernière ligne"
    );
}

#[test]
fn a_utf8_export_with_one_windows_1252_line_is_refused() {
    // CLIENTS is UTF-8 (« Hôtel »); one line pasted from an old Windows export.
    let mut clients = CLIENTS.as_bytes().to_vec();
    clients.extend_from_slice(b"C3;Cr\xe8che municipale;;PRIVE;;30000;N\xeemes;\n");
    let mut files: Vec<(&str, &[u8])> = with_changes("", "")
        .iter()
        .map(|(f, t)| (*f, t.as_bytes()))
        .collect();
    for f in files.iter_mut() {
        if f.0 == "clients.csv" {
            f.1 = &clients;
        }
    }
    let err = refused(&files);
    assert_eq!(
        err,
        "clients.csv, ligne 4 : texte qui n'est ni en UTF-8 ni en Windows-1252 homogène"
    );
}

#[test]
fn a_header_with_a_column_twice_is_refused() {
    let marches = "\
code_client;numero;libelle;date_debut;date_fin;Numero 
C1;M2026-007;Entretien;2026-01-01;31/12/2026;M2026-008
";
    let err = refused_text(&with_changes("marches.csv", marches));
    assert_eq!(
        err,
        "marches.csv, ligne 1, colonne « Numero » : colonne présente deux fois dans l'en-tête (colonnes n° 2 et n° 6) : impossible de savoir laquelle lire, supprimez ou renommez l'une des deux"
    );
}

#[test]
fn a_nul_byte_far_in_a_file_is_refused() {
    let mut lignes = LIGNES.as_bytes().to_vec();
    for i in 0..300 {
        lignes.extend_from_slice(
            format!(
                "F2026-0001;{};Tonte des pelouses, passage {i};1;h;1;20;1\n",
                i + 3
            )
            .as_bytes(),
        );
    }
    assert!(lignes.len() > 8192);
    lignes.extend_from_slice(b"F2026-0001;999;Ton\0te;1;h;1;20;1\n");
    let mut files: Vec<(&str, &[u8])> = GOOD.iter().map(|(f, t)| (*f, t.as_bytes())).collect();
    for f in files.iter_mut() {
        if f.0 == "lignes.csv" {
            f.1 = &lignes;
        }
    }
    let err = refused(&files);
    assert_eq!(
        err,
        "lignes.csv, ligne 305 : octet nul : ce n'est pas un fichier texte CSV (contenu binaire ou fichier abîmé)"
    );
}

#[test]
fn two_files_whose_names_differ_only_by_case_are_refused() {
    let mut files = with_changes("", "");
    files.push(("FACTURES.CSV", FACTURES));
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(f, t)| (*f, t.as_bytes())).collect();
    let mut bench = Bench::with_good_import();
    let before = bench.dump();
    let dir = bench.folder("double", &bytes);
    let err = bench.import(&dir).unwrap_err();
    assert_eq!(
        err,
        format!(
            "le dossier {} contient à la fois « FACTURES.CSV » et « factures.csv » : ces noms ne diffèrent que par les majuscules, impossible de savoir lequel importer ; retirez l'un des deux",
            dir.display()
        )
    );
    assert_eq!(bench.dump(), before);
}

/// Imports `dir` on a thread, failing after 10 s instead of hanging (a FIFO blocks its
/// reader until a writer comes).
fn import_within_10_s(mut bench: Bench, dir: PathBuf) -> (Bench, String) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let err = bench.import(&dir).unwrap_err();
        let _ = tx.send((bench, err));
    });
    rx.recv_timeout(std::time::Duration::from_secs(10))
        .expect("the import blocked on a special file")
}

#[cfg(unix)]
#[test]
fn special_files_named_like_exports_are_refused_without_blocking() {
    let bench = Bench::with_good_import();
    let before = bench.dump();
    let good: Vec<(&str, &[u8])> = with_changes("", "")
        .iter()
        .filter(|(f, _)| *f != "factures.csv")
        .map(|(f, t)| (*f, t.as_bytes()))
        .collect();
    // A FIFO named factures.csv.
    let dir = bench.folder("fifo", &good);
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join("factures.csv"))
        .status()
        .unwrap();
    assert!(status.success());
    let (bench, err) = import_within_10_s(bench, dir);
    assert_eq!(
        err,
        "factures.csv : ce n'est pas un fichier ordinaire (c'est un tube nommé (FIFO)) : seul un fichier enregistré sur le disque peut être importé"
    );
    // /dev/zero through a symlink: never read (it would be read until memory runs out).
    let dir = bench.folder("zero", &good);
    std::os::unix::fs::symlink("/dev/zero", dir.join("factures.csv")).unwrap();
    let (bench, err) = import_within_10_s(bench, dir);
    assert_eq!(
        err,
        "factures.csv : ce n'est pas un fichier ordinaire (c'est un périphérique) : seul un fichier enregistré sur le disque peut être importé"
    );
    // A folder named factures.csv.
    let dir = bench.folder("dossier", &good);
    std::fs::create_dir(dir.join("factures.csv")).unwrap();
    let (bench, err) = import_within_10_s(bench, dir);
    assert_eq!(
        err,
        "factures.csv : ce n'est pas un fichier ordinaire (c'est un dossier) : seul un fichier enregistré sur le disque peut être importé"
    );
    assert_eq!(bench.dump(), before);
}
