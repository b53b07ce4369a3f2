//! The sandbox's own directory: the structures and services it routes invoices to, read
//! from the official export (CSV `;` or XLSX, cells through `crate::tabular`) with its own
//! interpretation of the columns, or a small built-in one.

use super::faults::hash_text;
use crate::model::{Service, Structure};
use crate::tabular::{self, Header};
use csv::StringRecord;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct DirStructure {
    /// `idStructureCPP`: deterministic from the identifier.
    pub id: i64,
    pub data: Structure,
}

#[derive(Debug, Clone)]
pub struct DirService {
    /// `idService`: deterministic from the structure identifier and the code.
    pub id: i64,
    pub structure_id: i64,
    pub data: Service,
}

#[derive(Debug, Default)]
pub struct Directory {
    pub structures: Vec<DirStructure>,
    pub services: Vec<DirService>,
    by_identifier: HashMap<String, usize>,
    by_id: HashMap<i64, usize>,
    service_by_id: HashMap<i64, usize>,
    services_of: HashMap<i64, Vec<usize>>,
}

/// Which sheet a header belongs to.
enum SheetKind {
    Structures,
    Services,
}

fn classify(header: &Header) -> Option<SheetKind> {
    if header.has_all(&["Identifiant", "GestionService"])
        || header.has_all(&["Identifiant", "StructureActive"])
    {
        Some(SheetKind::Structures)
    } else if header.has_all(&["Identifiant", "Code"]) {
        Some(SheetKind::Services)
    } else {
        None
    }
}

impl Directory {
    /// Reads every file; each CSV file or XLSX sheet is recognised by its header.
    pub fn load(files: &[impl AsRef<Path>]) -> Result<Directory, String> {
        let mut structures = Vec::new();
        let mut services = Vec::new();
        for file in files {
            let path = file.as_ref();
            let label = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let mut sheets: Vec<(String, Header, Vec<StringRecord>)> = Vec::new();
            if matches!(extension.as_str(), "xlsx" | "xlsm") {
                for sheet in
                    tabular::xlsx::read_workbook(path, &label).map_err(|e| e.to_string())?
                {
                    let mut rows = sheet.rows.into_iter();
                    let Some(head) = rows.next() else { continue };
                    sheets.push((
                        format!("{label} / {}", sheet.name),
                        Header::from_record(&head),
                        rows.collect(),
                    ));
                }
            } else {
                let mut sheet = tabular::CsvSheet::open(path, &label).map_err(|e| e.to_string())?;
                let mut rows = Vec::new();
                let mut record = StringRecord::new();
                while sheet
                    .next_row(&mut record)
                    .map_err(|e| e.to_string())?
                    .is_some()
                {
                    rows.push(record.clone());
                }
                sheets.push((label.clone(), sheet.header.clone(), rows));
            }
            let mut recognised = false;
            for (label, header, rows) in &sheets {
                match classify(header) {
                    Some(SheetKind::Structures) => {
                        recognised = true;
                        structures.extend(rows.iter().filter_map(|r| read_structure(header, r)));
                    }
                    Some(SheetKind::Services) => {
                        recognised = true;
                        services.extend(rows.iter().filter_map(|r| read_service(header, r)));
                    }
                    None => tracing::debug!("feuille ignorée : {label}"),
                }
            }
            if !recognised {
                return Err(format!(
                    "{label} : ni structures (colonnes Identifiant, GestionService…) ni services \
                     (colonnes Identifiant, Code…)"
                ));
            }
        }
        Ok(Directory::from_parts(structures, services))
    }

    /// A small directory for a sandbox started without `--directory`: structures with each
    /// combination of rules, active and inactive services.
    pub fn built_in() -> Directory {
        let structure = |identifier: &str,
                         name: &str,
                         service: bool,
                         engagement: bool,
                         either: bool,
                         active: bool| Structure {
            identifier: identifier.into(),
            identifier_type: crate::model::directory::IDENTIFIER_TYPE_SIRET,
            name: name.into(),
            payment_status_managed: true,
            service_required: service,
            engagement_required: engagement,
            service_or_engagement_required: either,
            active,
            address: "1 PLACE DE LA MAIRIE".into(),
            postal_code: "69000".into(),
            city: "LYON".into(),
            country_code: "FR".into(),
            country_label: "France".into(),
            ..Structure::default()
        };
        let service =
            |identifier: &str, code: &str, name: &str, engagement: bool, active: bool| Service {
                structure_identifier: identifier.into(),
                code: code.into(),
                name: name.into(),
                engagement_required: engagement,
                active,
                address: "1 PLACE DE LA MAIRIE".into(),
                postal_code: "69000".into(),
                city: "LYON".into(),
            };
        let structures = vec![
            structure(
                "21690001900016",
                "COMMUNE DE VILLE-SUR-BAC",
                true,
                false,
                false,
                true,
            ),
            structure(
                "26690002000017",
                "CENTRE HOSPITALIER DU BAC",
                false,
                true,
                false,
                true,
            ),
            structure(
                "13000333300012",
                "DIRECTION DES FINANCES DU BAC",
                false,
                false,
                true,
                true,
            ),
            structure(
                "19690555500019",
                "LYCEE DU BAC A SABLE",
                false,
                false,
                false,
                true,
            ),
            structure(
                "20000444400016",
                "SYNDICAT INTERCOMMUNAL DISSOUS",
                false,
                false,
                false,
                false,
            ),
        ];
        let services = vec![
            service(
                "21690001900016",
                "SERV-FIN",
                "Direction des finances",
                false,
                true,
            ),
            service(
                "21690001900016",
                "SERV-TECH",
                "Services techniques",
                true,
                true,
            ),
            service(
                "21690001900016",
                "SERV-ANCIEN",
                "Ancien service",
                false,
                false,
            ),
            service(
                "26690002000017",
                "ACHATS",
                "Direction des achats",
                false,
                true,
            ),
            service("13000333300012", "COMPTA", "Service comptable", false, true),
            service("19690555500019", "INTENDANCE", "Intendance", false, true),
        ];
        Directory::from_parts(structures, services)
    }

    fn from_parts(structures: Vec<Structure>, services: Vec<Service>) -> Directory {
        let mut dir = Directory::default();
        let mut used = std::collections::HashSet::new();
        for data in structures {
            if dir.by_identifier.contains_key(&data.identifier) {
                continue;
            }
            let id = unique_id(&mut used, 1_000_000_000, 4_000_000_000, &data.identifier);
            dir.by_identifier
                .insert(data.identifier.clone(), dir.structures.len());
            dir.by_id.insert(id, dir.structures.len());
            dir.structures.push(DirStructure { id, data });
        }
        let mut seen = std::collections::HashSet::new();
        for data in services {
            let Some(&owner) = dir.by_identifier.get(&data.structure_identifier) else {
                continue;
            };
            if !seen.insert((data.structure_identifier.clone(), data.code.clone())) {
                continue;
            }
            let structure_id = dir.structures[owner].id;
            let key = format!("{}/{}", data.structure_identifier, data.code);
            let id = unique_id(&mut used, 100_000_000, 900_000_000, &key);
            dir.service_by_id.insert(id, dir.services.len());
            dir.services_of
                .entry(structure_id)
                .or_default()
                .push(dir.services.len());
            dir.services.push(DirService {
                id,
                structure_id,
                data,
            });
        }
        dir
    }

    pub fn structure_by_identifier(&self, identifier: &str) -> Option<&DirStructure> {
        self.by_identifier
            .get(identifier.trim())
            .map(|&i| &self.structures[i])
    }

    pub fn structure_by_id(&self, id: i64) -> Option<&DirStructure> {
        self.by_id.get(&id).map(|&i| &self.structures[i])
    }

    pub fn service_by_id(&self, id: i64) -> Option<&DirService> {
        self.service_by_id.get(&id).map(|&i| &self.services[i])
    }

    pub fn services_of(&self, structure_id: i64) -> Vec<&DirService> {
        self.services_of
            .get(&structure_id)
            .map(|list| list.iter().map(|&i| &self.services[i]).collect())
            .unwrap_or_default()
    }

    pub fn service(&self, structure_id: i64, code: &str) -> Option<&DirService> {
        self.services_of(structure_id)
            .into_iter()
            .find(|s| s.data.code == code.trim())
    }

    /// The export as served by `telecharger/annuaire/destinataire`: a ZIP of two CSV files
    /// with the official columns.
    pub fn export_zip(&self) -> Result<Vec<u8>, String> {
        use std::io::Write as _;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in [
            ("Annuaire-Chorus-Pro-structures.csv", self.structures_csv()),
            ("Annuaire-Chorus-Pro-services.csv", self.services_csv()),
        ] {
            zip.start_file(name, options).map_err(|e| e.to_string())?;
            zip.write_all(content.as_bytes())
                .map_err(|e| e.to_string())?;
        }
        zip.finish()
            .map(|cursor| cursor.into_inner())
            .map_err(|e| e.to_string())
    }

    fn structures_csv(&self) -> String {
        let mut out = String::from(
            "TypeIdentifiant;Identifiant;RaisonSociale;EmetteurEdi;RecepteurEdi;\
             GestionStatutMiseEnPaiement;GestionEngagement;GestionService;GestionServiceEngagement;\
             EstMOA;EstMOAUniquement;StructureActive;Adresse;ComplementAdresse1;ComplementAdresse2;\
             CodePostal;Ville;NumTelephone;Courriel;CodePays;LibellePays\r\n",
        );
        for s in &self.structures {
            let d = &s.data;
            let fields = [
                d.identifier_type.to_string(),
                d.identifier.clone(),
                d.name.clone(),
                flag(d.edi_sender),
                flag(d.edi_receiver),
                flag(d.payment_status_managed),
                flag(d.engagement_required),
                flag(d.service_required),
                flag(d.service_or_engagement_required),
                flag(d.is_moa),
                flag(d.is_moa_only),
                flag(d.active),
                d.address.clone(),
                d.address_complement1.clone(),
                d.address_complement2.clone(),
                d.postal_code.clone(),
                d.city.clone(),
                d.phone.clone(),
                d.email.clone(),
                d.country_code.clone(),
                d.country_label.clone(),
            ];
            push_row(&mut out, &fields);
        }
        out
    }

    fn services_csv(&self) -> String {
        let mut out = String::from(
            "Identifiant;RaisonSociale;Code;Nom;GestionEGMT;ServiceActif;Adresse;\
             ComplementAdresse1;ComplementAdresse2;CodePostal;Ville;NumTelephone;Courriel;\
             CodePays;LibellePays\r\n",
        );
        for s in &self.services {
            let d = &s.data;
            let owner = self
                .structure_by_id(s.structure_id)
                .map(|o| o.data.name.clone())
                .unwrap_or_default();
            let fields = [
                d.structure_identifier.clone(),
                owner,
                d.code.clone(),
                d.name.clone(),
                flag(d.engagement_required),
                flag(d.active),
                d.address.clone(),
                String::new(),
                String::new(),
                d.postal_code.clone(),
                d.city.clone(),
                String::new(),
                String::new(),
                "FR".into(),
                "France".into(),
            ];
            push_row(&mut out, &fields);
        }
        out
    }
}

fn flag(value: bool) -> String {
    if value { "true" } else { "false" }.to_string()
}

fn push_row(out: &mut String, fields: &[String]) {
    let cells: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([';', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    out.push_str(&cells.join(";"));
    out.push_str("\r\n");
}

/// A stable id in [base, base + span) from a key; collisions move to the next free id.
fn unique_id(used: &mut std::collections::HashSet<i64>, base: i64, span: u64, key: &str) -> i64 {
    let mut id = base + (hash_text(key) % span) as i64;
    while !used.insert(id) {
        id += 1;
    }
    id
}

fn cell<'a>(header: &Header, record: &'a StringRecord, name: &'static str) -> &'a str {
    header
        .col(name)
        .index
        .and_then(|i| record.get(i))
        .map(str::trim)
        .unwrap_or("")
}

fn boolean(header: &Header, record: &StringRecord, name: &'static str, default: bool) -> bool {
    tabular::parse_bool(cell(header, record, name)).unwrap_or(default)
}

/// XLSX stores identifiers as numbers: a SIRET that began with 0 comes back with 13 digits.
fn identifier(raw: &str, identifier_type: i64) -> String {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if identifier_type == 1 && compact.len() < 14 && compact.chars().all(|c| c.is_ascii_digit()) {
        format!("{compact:0>14}")
    } else {
        compact
    }
}

fn read_structure(header: &Header, record: &StringRecord) -> Option<Structure> {
    let identifier_type = cell(header, record, "TypeIdentifiant")
        .parse::<i64>()
        .unwrap_or(1);
    let id = identifier(cell(header, record, "Identifiant"), identifier_type);
    if id.is_empty() {
        return None;
    }
    let text = |name: &'static str| cell(header, record, name).to_string();
    Some(Structure {
        identifier: id,
        identifier_type,
        name: text("RaisonSociale"),
        edi_sender: boolean(header, record, "EmetteurEdi", false),
        edi_receiver: boolean(header, record, "RecepteurEdi", false),
        payment_status_managed: boolean(header, record, "GestionStatutMiseEnPaiement", false),
        engagement_required: boolean(header, record, "GestionEngagement", false),
        service_required: boolean(header, record, "GestionService", false),
        service_or_engagement_required: boolean(header, record, "GestionServiceEngagement", false),
        is_moa: boolean(header, record, "EstMOA", false),
        is_moa_only: boolean(header, record, "EstMOAUniquement", false),
        active: boolean(header, record, "StructureActive", true),
        address: text("Adresse"),
        address_complement1: text("ComplementAdresse1"),
        address_complement2: text("ComplementAdresse2"),
        postal_code: text("CodePostal"),
        city: text("Ville"),
        phone: text("NumTelephone"),
        email: text("Courriel"),
        country_code: text("CodePays"),
        country_label: text("LibellePays"),
    })
}

fn read_service(header: &Header, record: &StringRecord) -> Option<Service> {
    let structure_identifier = identifier(cell(header, record, "Identifiant"), 1);
    let code = cell(header, record, "Code").to_string();
    if structure_identifier.is_empty() || code.is_empty() {
        return None;
    }
    let text = |name: &'static str| cell(header, record, name).to_string();
    Some(Service {
        structure_identifier,
        code,
        name: text("Nom"),
        engagement_required: boolean(header, record, "GestionEGMT", false),
        active: boolean(header, record, "ServiceActif", true),
        address: text("Adresse"),
        postal_code: text("CodePostal"),
        city: text("Ville"),
    })
}
