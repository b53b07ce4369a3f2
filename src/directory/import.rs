//! Loads the official directory export (structures and services; CSV files or XLSX sheets,
//! each recognised by its header) into the cache, replacing it in one transaction.

use super::export_date::export_date_of_files;
use crate::model::directory::IDENTIFIER_TYPE_SIRET;
use crate::model::{Service, Structure};
use crate::progress::Progress;
use crate::store::Store;
use crate::store::directory::{DirectoryImport, DirectoryWriter, record_import};
use crate::tabular::{Cells, Col, CsvSheet, Header, TabularError, xlsx};
use csv::StringRecord;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DirectoryImportError {
    #[error("{0}")]
    File(#[from] TabularError),
    #[error("aucun fichier d'annuaire n'a été donné")]
    NoFile,
    #[error("{0} : ni structures ni services reconnus (en-tête attendu : {1})")]
    Unrecognised(String, String),
    #[error(
        "il manque les {0} de l'annuaire : donnez le fichier (ou la feuille) des structures et celui des services"
    )]
    MissingPart(&'static str),
    #[error("import annulé : l'annuaire précédent est conservé")]
    Cancelled,
    #[error("erreur de la base de données pendant l'import : {0}")]
    Sql(#[from] rusqlite::Error),
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
    fn next_row(&mut self, record: &mut StringRecord) -> Result<Option<u64>, TabularError> {
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
    if header.has_all(STRUCTURE_KEY_COLUMNS) {
        Some(TableKind::Structures)
    } else if header.has_all(SERVICE_KEY_COLUMNS) {
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

/// Replaces the cached directory with the content of `files`. On any error nothing changes.
pub fn import_directory(
    store: &mut Store,
    files: &[PathBuf],
    progress: &dyn Progress,
) -> Result<DirectoryImport, DirectoryImportError> {
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
    let export_date =
        export_date_of_files(files).unwrap_or_else(|| chrono::Local::now().date_naive());
    let source = files
        .iter()
        .map(|p| file_label(p))
        .collect::<Vec<_>>()
        .join(", ");

    let tx = store.conn_mut().transaction()?;
    let summary = {
        let mut writer = DirectoryWriter::replace(&tx)?;
        let mut known_sirets: HashSet<String> = HashSet::new();
        let mut counter = RowCounter::new(progress);
        for table in structure_tables {
            import_structures(table, &mut writer, &mut known_sirets, &mut counter)?;
        }
        for table in service_tables {
            import_services(table, &mut writer, &known_sirets, &mut counter)?;
        }
        progress.update(0.98, "Enregistrement de l'annuaire…");
        let imported_at = chrono::Local::now()
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string();
        record_import(&tx, export_date, &imported_at, &source)?
    };
    tx.commit()?;
    progress.update(1.0, "Annuaire importé");
    Ok(summary)
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

impl StructureColumns {
    fn of(h: &Header) -> StructureColumns {
        StructureColumns {
            identifier_type: h.col("TypeIdentifiant"),
            identifier: h.col("Identifiant"),
            name: h.col("RaisonSociale"),
            edi_sender: h.col("EmetteurEdi"),
            edi_receiver: h.col("RecepteurEdi"),
            payment_status: h.col("GestionStatutMiseEnPaiement"),
            engagement: h.col("GestionEngagement"),
            service: h.col("GestionService"),
            service_or_engagement: h.col("GestionServiceEngagement"),
            moa: h.col("EstMOA"),
            moa_only: h.col("EstMOAUniquement"),
            active: h.col("StructureActive"),
            address: h.col("Adresse"),
            complement1: h.col("ComplementAdresse1"),
            complement2: h.col("ComplementAdresse2"),
            postal_code: h.col("CodePostal"),
            city: h.col("Ville"),
            phone: h.col("NumTelephone"),
            email: h.col("Courriel"),
            country_code: h.col("CodePays"),
            country_label: h.col("LibellePays"),
        }
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
    writer: &mut DirectoryWriter<'_>,
    known_sirets: &mut HashSet<String>,
    counter: &mut RowCounter<'_>,
) -> Result<(), DirectoryImportError> {
    let cols = StructureColumns::of(&table.header);
    let estimated = table.estimated_rows();
    let mut record = StringRecord::new();
    let mut s = Structure::default();
    while let Some(line) = table.next_row(&mut record)? {
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
            let padded = pad_siret(identifier);
            known_sirets.insert(padded.clone());
            padded
        } else {
            identifier
        };
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
    Ok(())
}

fn import_services(
    mut table: Table,
    writer: &mut DirectoryWriter<'_>,
    known_sirets: &HashSet<String>,
    counter: &mut RowCounter<'_>,
) -> Result<(), DirectoryImportError> {
    let h = &table.header;
    let identifier_col = h.col("Identifiant");
    let code_col = h.col("Code");
    let name_col = h.col("Nom");
    let engagement_col = h.col("GestionEGMT");
    let active_col = h.col("ServiceActif");
    let address_col = h.col("Adresse");
    let postal_col = h.col("CodePostal");
    let city_col = h.col("Ville");
    let estimated = table.estimated_rows();
    let mut record = StringRecord::new();
    let mut s = Service::default();
    while let Some(line) = table.next_row(&mut record)? {
        let cells = Cells::new(&table.label, line, &record);
        let identifier = cells.identifier(identifier_col);
        if identifier.is_empty() {
            return Err(cells
                .error(identifier_col, "identifiant de structure manquant")
                .into());
        }
        // Pad only where the padded form is a SIRET of the structures sheet: other
        // identifier kinds (RIDET, Tahiti…) are not 14 digits and must stay as they are.
        let padded = pad_siret(identifier.clone());
        s.structure_identifier = if padded != identifier && known_sirets.contains(&padded) {
            padded
        } else {
            identifier
        };
        s.code = cells.required(code_col)?.to_string();
        s.name = cells.text(name_col).to_string();
        s.engagement_required = cells.boolean(engagement_col, false)?;
        s.active = cells.boolean(active_col, true)?;
        s.address = cells.text(address_col).to_string();
        s.postal_code = cells.text(postal_col).to_string();
        s.city = cells.text(city_col).to_string();
        writer.service(&s)?;
        counter.tick("Services", estimated)?;
    }
    Ok(())
}
