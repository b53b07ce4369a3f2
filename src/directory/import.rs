//! Loads the official directory export (structures and services; CSV files or XLSX sheets,
//! each recognised by its header) into the cache, replacing it in one transaction.
//!
//! The cache decides which invoices are conformant, so an export that would weaken it
//! without a word is refused, and the cache is left as it was:
//! - a flag column missing from the header (read as « false » for every row, it would make
//!   invoices that Chorus Pro refuses look conformant): every flag column is required,
//!   under its official name or one of the spellings of [`COLUMN_ALIASES`];
//! - a table with a header and no row;
//! - the same structure twice, or the same service twice with different flags;
//! - a directory that loses more than [`MAX_SHRINK_PERCENT`] % of the cached structures,
//!   unless the user confirmed it ([`ImportOptions::accept_shrink`]).

use super::export_date::export_date_with_warnings;
use crate::model::directory::IDENTIFIER_TYPE_SIRET;
use crate::model::{Service, Structure, format_count};
use crate::progress::Progress;
use crate::store::Store;
use crate::store::directory::{DirectoryImport, DirectoryWriter, record_import, structure_count};
use crate::tabular::{Cells, Col, CsvSheet, Header, TabularError, xlsx};
use csv::StringRecord;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DirectoryImportError {
    #[error("{0}")]
    File(#[from] TabularError),
    #[error("{0}")]
    Store(#[from] crate::store::sql::SqlError),
    #[error("aucun fichier d'annuaire n'a été donné")]
    NoFile,
    #[error("{0} : ni structures ni services reconnus (en-tête attendu : {1})")]
    Unrecognised(String, String),
    #[error(
        "il manque les {0} de l'annuaire : donnez le fichier (ou la feuille) des structures et celui des services"
    )]
    MissingPart(&'static str),
    /// A table with its header and no row: a cut or wrong file, never a real export.
    #[error(
        "{table} : aucune ligne sous l'en-tête, alors qu'un export de l'annuaire contient toujours des {what} (fichier tronqué ou mauvais fichier ?)"
    )]
    NoRows { table: String, what: &'static str },
    /// The same structure twice, or the same service twice with different flags; `place`
    /// names the file(s) and both lines.
    #[error("{place} : {what}")]
    Duplicate { place: String, what: String },
    /// The import would remove more than [`MAX_SHRINK_PERCENT`] % of the cached structures.
    /// Nothing was changed; the caller may ask the user and import again with
    /// [`ImportOptions::accept_shrink`].
    #[error(
        "l'annuaire importé contient {} contre {} en cache (-{} %) : un export complet n'en perd pas autant d'un coup (fichier tronqué ?) ; import refusé, l'annuaire en cache est conservé",
        structures(*after), format_count(*before), shrink_percent(*before, *after)
    )]
    Shrink { before: usize, after: usize },
    #[error("import annulé : l'annuaire précédent est conservé")]
    Cancelled,
}

/// An import that removes more than this share of the cached structures must be confirmed.
pub const MAX_SHRINK_PERCENT: usize = 20;

/// `1 structure`, `0 structure`, `1 234 structures`.
pub fn structures(n: usize) -> String {
    let noun = if n <= 1 { "structure" } else { "structures" };
    format!("{} {noun}", format_count(n))
}

/// The share of `before` that `after` loses, rounded to the nearest percent.
pub fn shrink_percent(before: usize, after: usize) -> usize {
    if before == 0 || after >= before {
        return 0;
    }
    ((before - after) * 100 + before / 2) / before
}

/// True when going from `before` to `after` structures removes more than
/// [`MAX_SHRINK_PERCENT`] % of them (exactly 20 % is allowed).
fn shrinks_too_much(before: usize, after: usize) -> bool {
    after < before && (before - after) * 100 > before * MAX_SHRINK_PERCENT
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The user saw how many structures the import removes and confirmed
    /// (`--accept-shrink`, « Remplacer » in the window).
    pub accept_shrink: bool,
}

/// What an import recorded, and what the user must be told beside the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub recorded: DirectoryImport,
    /// French sentences: a date read from elsewhere than the file name, an accepted shrink.
    pub warnings: Vec<String>,
}

/// The official column names (shared/reference/formats.md §A.2 for the structures sheet,
/// §A.3 for the services sheet: springboot-importsql `BatchConfiguration.java`,
/// ChorusDiff `ChorusServicesTable.cs`) with the other spellings accepted for them, in one
/// place. Header names are compared trimmed and case-insensitively.
///
/// The only other documented names for these flags are the API's (formats.md §A.4:
/// `consulterStructure` → `parametres`, `rechercherServicesStructure` → `estActif`,
/// `consulter/service` → `parametres.numeroEngagement`; sources go-choruspro
/// `structures_consultations.go`, OCA `l10n_fr_chorus_account/models/res_partner.py`), the
/// names a file rebuilt from API answers or a renamed export would carry. Each alias below
/// has the same meaning and the same polarity as the official column.
/// `statutMiseEnPaiementNestPasRemonte` is the *opposite* of `GestionStatutMiseEnPaiement`,
/// and `connexionEDI` / `recevoirDonneesViaEDI` are not documented as the same as
/// `EmetteurEdi` / `RecepteurEdi`: they are not aliases.
/// The reference notes record a change of the file's schema in January 2023 whose new
/// names no source gives (formats.md « Not confirmed » 1): when a real file shows them,
/// they go here.
pub const COLUMN_ALIASES: &[(&str, &[&str])] = &[
    ("GestionService", &["CodeServiceDoitEtreRenseigne"]),
    ("GestionEngagement", &["NumeroEJDoitEtreRenseigne"]),
    (
        "GestionServiceEngagement",
        &["GestionNumeroEJOuCodeService"],
    ),
    ("EstMOA", &["GetaMoa"]),
    ("GestionEGMT", &["NumeroEngagement"]),
    ("ServiceActif", &["EstActif"]),
];

fn aliases_of(name: &str) -> &'static [&'static str] {
    COLUMN_ALIASES
        .iter()
        .find(|(official, _)| *official == name)
        .map_or(&[], |(_, aliases)| aliases)
}

/// The column under its official name, else under the first alias the header has.
fn find_col(header: &Header, name: &'static str) -> Col {
    let official = header.col(name);
    if official.index.is_some() {
        return official;
    }
    aliases_of(name)
        .iter()
        .map(|alias| header.col(alias))
        .find(|c| c.index.is_some())
        .unwrap_or(official)
}

fn has_col(header: &Header, name: &'static str) -> bool {
    find_col(header, name).index.is_some()
}

/// Every column of `names`, or an error (line 1) listing those the header lacks, with
/// their accepted spellings and why they cannot be left out.
fn require_cols<const N: usize>(
    header: &Header,
    table: &str,
    names: [&'static str; N],
    why: &str,
) -> Result<[Col; N], TabularError> {
    let cols = names.map(|n| find_col(header, n));
    let missing: Vec<String> = cols
        .iter()
        .filter(|c| c.index.is_none())
        .map(|c| {
            let mut spelled = format!("« {} »", c.name);
            for alias in aliases_of(c.name) {
                spelled.push_str(&format!(" (ou « {alias} »)"));
            }
            spelled
        })
        .collect();
    if missing.is_empty() {
        return Ok(cols);
    }
    let list = missing.join(", ");
    let message = if missing.len() == 1 {
        format!("colonne obligatoire absente de l'en-tête : {list} ; {why}")
    } else {
        format!("colonnes obligatoires absentes de l'en-tête : {list} ; {why}")
    };
    Err(TabularError {
        file: table.to_string(),
        line: Some(1),
        column: None,
        message,
    })
}

/// Columns that identify a structures table (shared/reference/formats.md §A.2).
const STRUCTURE_KEY_COLUMNS: &[&str] = &["Identifiant", "RaisonSociale", "StructureActive"];
/// Columns that identify a services table (formats.md §A.3).
const SERVICE_KEY_COLUMNS: &[&str] = &["Identifiant", "Code", "ServiceActif"];

/// One table of an export, whichever file or sheet it came from.
struct Table {
    label: String,
    header: Header,
    rows: Rows,
}

enum Rows {
    Csv(Box<CsvSheet>),
    /// Rows of a worksheet, header removed, with their line numbers.
    Sheet(std::vec::IntoIter<(u64, StringRecord)>),
}

impl Table {
    /// The next non-blank row and its line number. A CSV row with fewer cells than the
    /// header is refused: a cut export ends on such a row, whose missing flags would be read
    /// as « false » (the generic CSV reader refuses it first; this stays as a second guard).
    /// A worksheet row may be shorter: XLSX does not store trailing empty cells, and a cut
    /// workbook is a broken archive, refused as such.
    fn next_row(&mut self, record: &mut StringRecord) -> Result<Option<u64>, TabularError> {
        let line = self.next_any_row(record)?;
        if let Some(line) = line
            && matches!(self.rows, Rows::Csv(_))
            && record.len() < self.header.len()
        {
            return Err(TabularError {
                file: self.label.clone(),
                line: Some(line),
                column: None,
                message: format!(
                    "ligne incomplète : {} colonnes au lieu des {} de l'en-tête (fichier \
                     tronqué ?)",
                    record.len(),
                    self.header.len()
                ),
            });
        }
        Ok(line)
    }

    fn next_any_row(&mut self, record: &mut StringRecord) -> Result<Option<u64>, TabularError> {
        match &mut self.rows {
            Rows::Csv(sheet) => sheet.next_row(record),
            Rows::Sheet(rows) => loop {
                match rows.next() {
                    None => return Ok(None),
                    Some((_, r)) if r.iter().all(|f| f.trim().is_empty()) => continue,
                    Some((line, r)) => {
                        *record = r;
                        return Ok(Some(line));
                    }
                }
            },
        }
    }

    fn estimated_rows(&self) -> usize {
        match &self.rows {
            Rows::Csv(_) => 0,
            Rows::Sheet(rows) => rows.len(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Structures,
    Services,
}

fn kind_of(header: &Header) -> Option<TableKind> {
    let has_all = |names: &[&'static str]| names.iter().all(|n| has_col(header, n));
    if has_all(STRUCTURE_KEY_COLUMNS) {
        Some(TableKind::Structures)
    } else if has_all(SERVICE_KEY_COLUMNS) {
        Some(TableKind::Services)
    } else {
        None
    }
}

fn is_workbook(path: &Path) -> bool {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Opens every file and sorts its tables into structures and services.
fn open_tables(files: &[PathBuf]) -> Result<(Vec<Table>, Vec<Table>), DirectoryImportError> {
    let mut structures = Vec::new();
    let mut services = Vec::new();
    let expected = format!(
        "{} pour les structures, {} pour les services",
        STRUCTURE_KEY_COLUMNS.join(";"),
        SERVICE_KEY_COLUMNS.join(";")
    );
    for path in files {
        let label = file_label(path);
        let mut tables = Vec::new();
        if is_workbook(path) {
            for sheet in xlsx::read_workbook(path, &label)? {
                let mut rows = sheet.rows.into_iter();
                let Some(header_row) = rows.next() else {
                    continue;
                };
                let header = Header::from_record(&header_row);
                let numbered: Vec<(u64, StringRecord)> =
                    rows.enumerate().map(|(i, r)| (i as u64 + 2, r)).collect();
                tables.push(Table {
                    label: format!("{label} (feuille « {} »)", sheet.name),
                    header,
                    rows: Rows::Sheet(numbered.into_iter()),
                });
            }
        } else {
            let sheet = CsvSheet::open(path, &label)?;
            tables.push(Table {
                label: label.clone(),
                header: sheet.header.clone(),
                rows: Rows::Csv(Box::new(sheet)),
            });
        }
        let mut recognised = false;
        for table in tables {
            match kind_of(&table.header) {
                Some(TableKind::Structures) => structures.push(table),
                Some(TableKind::Services) => services.push(table),
                None => continue,
            }
            recognised = true;
        }
        if !recognised {
            return Err(DirectoryImportError::Unrecognised(label, expected.clone()));
        }
    }
    Ok((structures, services))
}

/// Replaces the cached directory with the content of `files`, refusing an import that
/// shrinks it by more than [`MAX_SHRINK_PERCENT`] %. On any error nothing changes.
pub fn import_directory(
    store: &mut Store,
    files: &[PathBuf],
    progress: &dyn Progress,
) -> Result<DirectoryImport, DirectoryImportError> {
    import_directory_with(store, files, ImportOptions::default(), progress).map(|s| s.recorded)
}

/// Replaces the cached directory with the content of `files`. On any error nothing changes:
/// the rows are written in one transaction, which is committed only once every row was
/// read and every check of the whole directory (duplicates, shrink) passed.
pub fn import_directory_with(
    store: &mut Store,
    files: &[PathBuf],
    options: ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportSummary, DirectoryImportError> {
    if files.is_empty() {
        return Err(DirectoryImportError::NoFile);
    }
    progress.update(0.0, "Lecture des fichiers de l'annuaire…");
    let (structure_tables, service_tables) = open_tables(files)?;
    if structure_tables.is_empty() {
        return Err(DirectoryImportError::MissingPart("structures"));
    }
    if service_tables.is_empty() {
        return Err(DirectoryImportError::MissingPart("services"));
    }
    // Every header first: a missing column is reported before any row is read.
    let structure_cols = structure_tables
        .iter()
        .map(|t| StructureColumns::of(&t.header, &t.label))
        .collect::<Result<Vec<_>, _>>()?;
    let service_cols = service_tables
        .iter()
        .map(|t| ServiceColumns::of(&t.header, &t.label))
        .collect::<Result<Vec<_>, _>>()?;
    let export_date = export_date_with_warnings(files);
    let mut warnings = export_date.warnings;
    let source = files
        .iter()
        .map(|p| file_label(p))
        .collect::<Vec<_>>()
        .join(", ");

    // Taken by the import, once: the closure below may only borrow.
    let mut structure_tables: Vec<Option<Table>> = structure_tables.into_iter().map(Some).collect();
    let mut service_tables: Vec<Option<Table>> = service_tables.into_iter().map(Some).collect();
    let summary = store.db().transaction(|tx| {
        let before = structure_count(tx)?;
        let mut writer = DirectoryWriter::replace(tx)?;
        let mut seen = Seen::default();
        let mut counter = RowCounter::new(progress);
        for (slot, cols) in structure_tables.iter_mut().zip(&structure_cols) {
            if let Some(table) = slot.take() {
                import_structures(table, cols, &mut writer, &mut seen, &mut counter)?;
            }
        }
        for (slot, cols) in service_tables.iter_mut().zip(&service_cols) {
            if let Some(table) = slot.take() {
                import_services(table, cols, &mut writer, &mut seen, &mut counter)?;
            }
        }
        // Decided before anything is committed: on refusal the transaction is rolled
        // back, and the cache is as it was.
        let after = seen.structures.len();
        if shrinks_too_much(before, after) {
            if !options.accept_shrink {
                return Err(DirectoryImportError::Shrink { before, after });
            }
            warnings.push(format!(
                "l'annuaire importé contient {} contre {} en cache (-{} %) : \
                 remplacement confirmé",
                structures(after),
                format_count(before),
                shrink_percent(before, after)
            ));
        }
        progress.update(0.98, "Enregistrement de l'annuaire…");
        let imported_at = chrono::Local::now()
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
        Ok(record_import(tx, export_date.date, &imported_at, &source)?)
    })?;
    progress.update(1.0, "Annuaire importé");
    Ok(ImportSummary {
        recorded: summary,
        warnings,
    })
}

/// Where a row was read: the table's label and the line.
#[derive(Clone, Copy)]
struct Place {
    table: usize,
    line: u64,
}

/// What the rows read so far hold, to refuse duplicates and to pad services' SIRETs.
#[derive(Default)]
struct Seen {
    labels: Vec<String>,
    /// Identifier → identifier type and where it was read. The cache's key is the
    /// identifier alone, so the same identifier under two types is a duplicate too.
    structures: HashMap<String, (i64, Place)>,
    /// (structure identifier, service code) → flags the checks read, and where.
    services: HashMap<(String, String), ([bool; 2], Place)>,
}

impl Seen {
    fn table(&mut self, label: &str) -> usize {
        self.labels.push(label.to_string());
        self.labels.len() - 1
    }

    /// « f.csv, lignes 3 et 7 » or « a.csv, ligne 3, et b.csv, ligne 7 ».
    fn place(&self, first: Place, second: Place) -> String {
        if first.table == second.table {
            format!(
                "{}, lignes {} et {}",
                self.labels[first.table], first.line, second.line
            )
        } else {
            format!(
                "{}, ligne {}, et {}, ligne {}",
                self.labels[first.table], first.line, self.labels[second.table], second.line
            )
        }
    }

    fn is_siret(&self, identifier: &str) -> bool {
        self.structures
            .get(identifier)
            .is_some_and(|(kind, _)| *kind == IDENTIFIER_TYPE_SIRET)
    }
}

/// Reports every few thousand rows and checks for a stop request.
struct RowCounter<'p> {
    progress: &'p dyn Progress,
    rows: usize,
}

impl<'p> RowCounter<'p> {
    fn new(progress: &'p dyn Progress) -> RowCounter<'p> {
        RowCounter { progress, rows: 0 }
    }

    fn tick(&mut self, label: &str, estimated_total: usize) -> Result<(), DirectoryImportError> {
        self.rows += 1;
        if self.rows.is_multiple_of(8192) {
            if self.progress.is_cancelled() {
                return Err(DirectoryImportError::Cancelled);
            }
            // Structures and services of a real export are about 3:2; without a total,
            // progress follows a curve that slows down but never reaches the end.
            let fraction = if estimated_total > 0 {
                (self.rows as f32 / estimated_total as f32).min(0.97)
            } else {
                0.97 * (1.0 - (-(self.rows as f32) / 150_000.0).exp())
            };
            self.progress.update(
                fraction,
                &format!(
                    "{label} : {} lignes lues",
                    crate::model::format_count(self.rows)
                ),
            );
        }
        Ok(())
    }
}

struct StructureColumns {
    identifier_type: Col,
    identifier: Col,
    name: Col,
    edi_sender: Col,
    edi_receiver: Col,
    payment_status: Col,
    engagement: Col,
    service: Col,
    service_or_engagement: Col,
    moa: Col,
    moa_only: Col,
    active: Col,
    address: Col,
    complement1: Col,
    complement2: Col,
    postal_code: Col,
    city: Col,
    phone: Col,
    email: Col,
    country_code: Col,
    country_label: Col,
}

/// Why a flag column cannot be left out, in the error that says it is missing.
const FLAGS_WHY: &str = "sans elle, chaque ligne serait lue comme « false » et des factures que \
     Chorus Pro refuse paraîtraient conformes ; l'annuaire en cache est conservé";

impl StructureColumns {
    /// Every column whose absence would change what the cache says: the identifier and
    /// its type (a RIDET read as a SIRET would be padded to 14 digits), and the nine flags.
    fn of(h: &Header, table: &str) -> Result<StructureColumns, TabularError> {
        let [
            identifier_type,
            identifier,
            name,
            edi_sender,
            edi_receiver,
            payment_status,
            engagement,
            service,
            service_or_engagement,
            moa,
            moa_only,
            active,
        ] = require_cols(
            h,
            table,
            [
                "TypeIdentifiant",
                "Identifiant",
                "RaisonSociale",
                "EmetteurEdi",
                "RecepteurEdi",
                "GestionStatutMiseEnPaiement",
                "GestionEngagement",
                "GestionService",
                "GestionServiceEngagement",
                "EstMOA",
                "EstMOAUniquement",
                "StructureActive",
            ],
            FLAGS_WHY,
        )?;
        Ok(StructureColumns {
            identifier_type,
            identifier,
            name,
            edi_sender,
            edi_receiver,
            payment_status,
            engagement,
            service,
            service_or_engagement,
            moa,
            moa_only,
            active,
            address: h.col("Adresse"),
            complement1: h.col("ComplementAdresse1"),
            complement2: h.col("ComplementAdresse2"),
            postal_code: h.col("CodePostal"),
            city: h.col("Ville"),
            phone: h.col("NumTelephone"),
            email: h.col("Courriel"),
            country_code: h.col("CodePays"),
            country_label: h.col("LibellePays"),
        })
    }
}

struct ServiceColumns {
    identifier: Col,
    code: Col,
    engagement: Col,
    active: Col,
    name: Col,
    address: Col,
    postal_code: Col,
    city: Col,
}

impl ServiceColumns {
    fn of(h: &Header, table: &str) -> Result<ServiceColumns, TabularError> {
        let [identifier, code, engagement, active] = require_cols(
            h,
            table,
            ["Identifiant", "Code", "GestionEGMT", "ServiceActif"],
            FLAGS_WHY,
        )?;
        Ok(ServiceColumns {
            identifier,
            code,
            engagement,
            active,
            name: h.col("Nom"),
            address: h.col("Adresse"),
            postal_code: h.col("CodePostal"),
            city: h.col("Ville"),
        })
    }
}

/// `1` or `SIRET` for a SIRET; the API's names for the other kinds (formats.md §A.2).
fn parse_identifier_type(value: &str) -> Option<i64> {
    if value.is_empty() {
        return Some(IDENTIFIER_TYPE_SIRET);
    }
    if let Ok(n) = value.parse::<i64>() {
        return (1..=6).contains(&n).then_some(n);
    }
    match value.to_ascii_uppercase().as_str() {
        "SIRET" => Some(1),
        "UE_HORS_FRANCE" => Some(2),
        "HORS_UE" => Some(3),
        "RIDET" => Some(4),
        "TAHITI" => Some(5),
        "AUTRE" => Some(6),
        _ => None,
    }
}

/// A SIRET that a spreadsheet stored as a number lost its leading zeros: put them back.
fn pad_siret(identifier: String) -> String {
    if identifier.len() < 14
        && !identifier.is_empty()
        && identifier.bytes().all(|b| b.is_ascii_digit())
    {
        format!("{identifier:0>14}")
    } else {
        identifier
    }
}

fn import_structures(
    mut table: Table,
    cols: &StructureColumns,
    writer: &mut DirectoryWriter<'_>,
    seen: &mut Seen,
    counter: &mut RowCounter<'_>,
) -> Result<(), DirectoryImportError> {
    let table_index = seen.table(&table.label);
    let estimated = table.estimated_rows();
    let mut record = StringRecord::new();
    let mut s = Structure::default();
    let mut rows = 0usize;
    while let Some(line) = table.next_row(&mut record)? {
        rows += 1;
        let cells = Cells::new(&table.label, line, &record);
        let type_text = cells.text(cols.identifier_type);
        s.identifier_type = parse_identifier_type(type_text).ok_or_else(|| {
            cells.error(
                cols.identifier_type,
                format!("« {type_text} » n'est pas un type d'identifiant (attendu 1 à 6 ou SIRET)"),
            )
        })?;
        let identifier = cells.identifier(cols.identifier);
        if identifier.is_empty() {
            return Err(cells.error(cols.identifier, "identifiant manquant").into());
        }
        s.identifier = if s.identifier_type == IDENTIFIER_TYPE_SIRET {
            pad_siret(identifier)
        } else {
            identifier
        };
        let here = Place {
            table: table_index,
            line,
        };
        match seen.structures.entry(s.identifier.clone()) {
            Entry::Vacant(v) => {
                v.insert((s.identifier_type, here));
            }
            Entry::Occupied(o) => {
                let (first_type, first) = *o.get();
                let types = if first_type == s.identifier_type {
                    String::new()
                } else {
                    format!(" (types {first_type} et {})", s.identifier_type)
                };
                return Err(DirectoryImportError::Duplicate {
                    place: seen.place(first, here),
                    what: format!(
                        "l'identifiant {}{types} figure deux fois, alors qu'une structure \
                         n'apparaît qu'une fois dans l'export de l'annuaire (fichiers \
                         concaténés ou export corrompu ?)",
                        s.identifier
                    ),
                });
            }
        }
        s.name = cells.text(cols.name).to_string();
        s.edi_sender = cells.boolean(cols.edi_sender, false)?;
        s.edi_receiver = cells.boolean(cols.edi_receiver, false)?;
        s.payment_status_managed = cells.boolean(cols.payment_status, false)?;
        s.engagement_required = cells.boolean(cols.engagement, false)?;
        s.service_required = cells.boolean(cols.service, false)?;
        s.service_or_engagement_required = cells.boolean(cols.service_or_engagement, false)?;
        s.is_moa = cells.boolean(cols.moa, false)?;
        s.is_moa_only = cells.boolean(cols.moa_only, false)?;
        s.active = cells.boolean(cols.active, true)?;
        s.address = cells.text(cols.address).to_string();
        s.address_complement1 = cells.text(cols.complement1).to_string();
        s.address_complement2 = cells.text(cols.complement2).to_string();
        s.postal_code = cells.text(cols.postal_code).to_string();
        s.city = cells.text(cols.city).to_string();
        s.phone = cells.text(cols.phone).to_string();
        s.email = cells.text(cols.email).to_string();
        s.country_code = cells.text(cols.country_code).to_string();
        s.country_label = cells.text(cols.country_label).to_string();
        writer.structure(&s)?;
        counter.tick("Structures", estimated)?;
    }
    if rows == 0 {
        return Err(DirectoryImportError::NoRows {
            table: table.label,
            what: "structures",
        });
    }
    Ok(())
}

fn yes_no(value: bool) -> &'static str {
    if value { "oui" } else { "non" }
}

fn import_services(
    mut table: Table,
    cols: &ServiceColumns,
    writer: &mut DirectoryWriter<'_>,
    seen: &mut Seen,
    counter: &mut RowCounter<'_>,
) -> Result<(), DirectoryImportError> {
    let table_index = seen.table(&table.label);
    let estimated = table.estimated_rows();
    let mut record = StringRecord::new();
    let mut s = Service::default();
    let mut rows = 0usize;
    while let Some(line) = table.next_row(&mut record)? {
        rows += 1;
        let cells = Cells::new(&table.label, line, &record);
        let identifier = cells.identifier(cols.identifier);
        if identifier.is_empty() {
            return Err(cells
                .error(cols.identifier, "identifiant de structure manquant")
                .into());
        }
        // Pad only where the padded form is a SIRET of the structures sheet: other
        // identifier kinds (RIDET, Tahiti…) are not 14 digits and must stay as they are.
        let padded = pad_siret(identifier.clone());
        s.structure_identifier = if padded != identifier && seen.is_siret(&padded) {
            padded
        } else {
            identifier
        };
        s.code = cells.required(cols.code)?.to_string();
        s.name = cells.text(cols.name).to_string();
        s.engagement_required = cells.boolean(cols.engagement, false)?;
        s.active = cells.boolean(cols.active, true)?;
        s.address = cells.text(cols.address).to_string();
        s.postal_code = cells.text(cols.postal_code).to_string();
        s.city = cells.text(cols.city).to_string();
        // The same code twice for one structure. The reference notes do not say the export
        // cannot hold it: a service has its own id in Chorus Pro (`idService`, a leading
        // column of one export variant, formats.md §A.3) and validity dates
        // (`dateDbtService` / `dateFinService`, §A.4), so an old and a new service may share
        // a code. When both rows agree on what the checks read (active, engagement
        // required), keeping either gives the same verdicts: accepted (the last row is
        // kept). When they disagree, which one Chorus Pro applies cannot be known from the
        // file: refused, with both lines.
        let flags = [s.active, s.engagement_required];
        let here = Place {
            table: table_index,
            line,
        };
        match seen
            .services
            .entry((s.structure_identifier.clone(), s.code.clone()))
        {
            Entry::Vacant(v) => {
                v.insert((flags, here));
            }
            Entry::Occupied(o) => {
                let (first_flags, first) = *o.get();
                if first_flags != flags {
                    return Err(DirectoryImportError::Duplicate {
                        place: seen.place(first, here),
                        what: format!(
                            "le service {} de la structure {} figure deux fois avec des \
                             indicateurs différents (actif : {} puis {} ; n° d'engagement \
                             obligatoire : {} puis {}) : impossible de savoir lequel Chorus \
                             Pro applique",
                            s.code,
                            s.structure_identifier,
                            yes_no(first_flags[0]),
                            yes_no(flags[0]),
                            yes_no(first_flags[1]),
                            yes_no(flags[1]),
                        ),
                    });
                }
            }
        }
        writer.service(&s)?;
        counter.tick("Services", estimated)?;
    }
    if rows == 0 {
        return Err(DirectoryImportError::NoRows {
            table: table.label,
            what: "services",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_twenty_percent_fewer_structures_is_a_shrink() {
        assert!(!shrinks_too_much(0, 0));
        assert!(!shrinks_too_much(0, 10));
        assert!(!shrinks_too_much(5, 4), "exactly 20 % is allowed");
        assert!(shrinks_too_much(5, 3));
        assert!(!shrinks_too_much(1000, 800));
        assert!(shrinks_too_much(1000, 799));
        assert!(shrinks_too_much(3, 0));
        assert!(!shrinks_too_much(3, 30));
        assert_eq!(shrink_percent(4, 3), 25);
        assert_eq!(shrink_percent(3, 2), 33);
        assert_eq!(shrink_percent(3, 1), 67);
        assert_eq!(shrink_percent(3, 5), 0);
    }

    #[test]
    fn every_alias_names_an_official_flag_column() {
        let official = [
            "EmetteurEdi",
            "RecepteurEdi",
            "GestionStatutMiseEnPaiement",
            "GestionEngagement",
            "GestionService",
            "GestionServiceEngagement",
            "EstMOA",
            "EstMOAUniquement",
            "StructureActive",
            "GestionEGMT",
            "ServiceActif",
        ];
        for (name, aliases) in COLUMN_ALIASES {
            assert!(official.contains(name), "{name}");
            assert!(!aliases.is_empty(), "{name}");
        }
    }
}
