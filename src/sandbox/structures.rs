//! The Structures API (shapes from the official Swagger, piste-structures-swagger.json) and
//! the supplier-side lookups of Transverses.

use super::Shared;
use super::directory::{DirService, DirStructure};
use super::faults::hash_text;
use super::http::Response;
use super::routes::{business, int_field, missing, object, page_of, paging, text_field};
use serde_json::{Map, Value, json};

/// The supplier structure every technical account of the sandbox is attached to, besides
/// the sellers of the invoices it received.
pub const DEFAULT_SUPPLIER_SIRET: &str = "90000000000011";
const DEFAULT_SUPPLIER_NAME: &str = "FOURNISSEUR DU BAC A SABLE";

/// `idStructureCPP` of a supplier, stable from its SIRET.
pub fn supplier_id(siret: &str) -> i64 {
    500_000_000 + (hash_text(siret) % 400_000_000) as i64
}

fn identifier_type(code: i64) -> &'static str {
    match code {
        2 => "UE_HORS_FRANCE",
        3 => "HORS_UE",
        4 => "RIDET",
        5 => "TAHITI",
        7 => "PARTICULIER",
        6 => "AUTRE",
        _ => "SIRET",
    }
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

fn structure_item(s: &DirStructure) -> Value {
    json!({
        "idStructureCPP": s.id,
        "identifiantStructure": s.data.identifier,
        "designationStructure": s.data.name,
        "typeIdentifiantStructure": identifier_type(s.data.identifier_type),
        "statut": if s.data.active { "ACTIVE" } else { "INACTIVE" },
    })
}

/// `rechercherStructure`: criteria of `structure`, paging and sort of `parametres`.
pub fn search(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let criteria = body.get("structure").cloned().unwrap_or(Value::Null);
    let identifier = text_field(&criteria, "identifiantStructure")
        .map(|s| s.chars().filter(|c| !c.is_whitespace()).collect::<String>());
    let kind = text_field(&criteria, "typeIdentifiantStructure");
    let name = text_field(&criteria, "raisonSocialeStructure")
        .or_else(|| text_field(&criteria, "libelleStructure"));
    let status = text_field(&criteria, "statutStructure");
    let postal = text_field(&criteria, "adresseCodePostal");
    let city = text_field(&criteria, "adresseVille");
    let private_only = text_field(&criteria, "typeStructure").is_some_and(|t| t == "PRIVEE");
    let mut found: Vec<&DirStructure> = shared
        .directory
        .structures
        .iter()
        .filter(|_| !private_only)
        .filter(|s| identifier.as_ref().is_none_or(|i| &s.data.identifier == i))
        .filter(|s| {
            kind.as_ref()
                .is_none_or(|k| identifier_type(s.data.identifier_type) == k)
        })
        .filter(|s| name.as_ref().is_none_or(|n| contains(&s.data.name, n)))
        .filter(|s| {
            status
                .as_ref()
                .is_none_or(|st| (st == "ACTIF") == s.data.active)
        })
        .filter(|s| postal.as_ref().is_none_or(|p| &s.data.postal_code == p))
        .filter(|s| city.as_ref().is_none_or(|c| contains(&s.data.city, c)))
        .collect();
    let params = body.get("parametres");
    let column = params.and_then(|p| text_field(p, "triColonne"));
    match column.as_deref() {
        Some("DesignationStructure") => found.sort_by(|a, b| a.data.name.cmp(&b.data.name)),
        Some("Statut") => found.sort_by_key(|s| !s.data.active),
        _ => found.sort_by(|a, b| a.data.identifier.cmp(&b.data.identifier)),
    }
    if params.and_then(|p| text_field(p, "triSens")).as_deref() == Some("Descendant") {
        found.reverse();
    }
    let (page, per_page) = paging(params, 10);
    let (slice, retour) = page_of(&found, page, per_page);
    Ok(object(json!({
        "listeStructures": slice.iter().map(|s| structure_item(s)).collect::<Vec<_>>(),
        "parametresRetour": retour,
    })))
}

fn address_of(s: &crate::model::Structure) -> Value {
    json!({
        "adresse": s.address,
        "complementAdresse1": s.address_complement1,
        "complementAdresse2": s.address_complement2,
        "codePostal": s.postal_code,
        "ville": s.city,
        "pays": s.country_code,
        "telephone": s.phone,
        "indicatifTelephone": if s.phone.is_empty() { "" } else { "+33" },
        "fax": "",
        "indicatifFax": "",
    })
}

fn unknown_structure() -> Response {
    business(20001, "La structure demandée n'existe pas dans Chorus Pro.")
}

/// Every supplier structure of the technical account: (SIRET, name).
fn suppliers(shared: &Shared) -> Vec<(String, String)> {
    let mut suppliers: Vec<(String, String)> =
        vec![(DEFAULT_SUPPLIER_SIRET.into(), DEFAULT_SUPPLIER_NAME.into())];
    let mut add = |siret: &str, name: &str| {
        if !suppliers.iter().any(|(s, _)| s == siret) {
            suppliers.push((siret.to_string(), name.to_string()));
        }
    };
    for (siret, name) in &shared.config.suppliers {
        add(siret, name);
    }
    let state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    for invoice in state.invoices.values() {
        add(&invoice.read.seller_siret, &invoice.read.seller_name);
    }
    suppliers
}

/// `consulterStructure` of one of the account's own (private) structures: what the
/// application reads there is the technical password's expiry date.
fn consult_supplier(shared: &Shared, id: i64) -> Option<Map<String, Value>> {
    let (siret, name) = suppliers(shared)
        .into_iter()
        .find(|(siret, _)| supplier_id(siret) == id)?;
    let expiry = shared.started_at + chrono::Duration::days(shared.config.password_expires_in_days);
    Some(object(json!({
        "informationGenerales": {
            "idStructureCPP": id,
            "identifiantStructure": siret,
            "typeIdentifiantStructure": "SIRET",
            "raisonSocialeStructure": name,
            "libelleStructure": name,
            "structurePriveePublique": "PRIVEE",
            "dateExpirationMotPasseCompteTech":
                expiry.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
        },
        "parametres": {
            "codeServiceDoitEtreRenseigne": false,
            "numeroEJDoitEtreRenseigne": false,
            "gestionNumeroEJOuCodeService": false,
            "statutMiseEnPaiementNestPasRemonte": false,
        },
    })))
}

/// `consulterStructure`: general information, head office address and the routing rules.
pub fn consult(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let id = int_field(body, "idStructureCPP").ok_or_else(|| missing("idStructureCPP"))?;
    let Some(s) = shared.directory.structure_by_id(id) else {
        return consult_supplier(shared, id).ok_or_else(unknown_structure);
    };
    let d = &s.data;
    Ok(object(json!({
        "informationGenerales": {
            "idStructureCPP": s.id,
            "identifiantStructure": d.identifier,
            "typeIdentifiantStructure": identifier_type(d.identifier_type),
            "raisonSocialeStructure": d.name,
            "libelleStructure": d.name,
            "nomStructure": "",
            "prenomStructure": "",
            "emailStructure": d.email,
            "numeroTVA": "",
            "numeroRcsStructure": "",
            "structurePriveePublique": "PUBLIQUE",
            "estValideurDeleguee": false,
            "idStructureOrigine": s.id,
            "listeStructureDupliquees": [],
        },
        "adressePostaleDuSiege": address_of(d),
        "parametres": {
            "codeServiceDoitEtreRenseigne": d.service_required,
            "numeroEJDoitEtreRenseigne": d.engagement_required,
            "gestionNumeroEJOuCodeService": d.service_or_engagement_required,
            "statutMiseEnPaiementNestPasRemonte": !d.payment_status_managed,
            "connexionEDI": d.edi_sender,
            "recevoirDonneesViaEDI": d.edi_receiver,
            "estMoaUniquement": d.is_moa_only,
            "getaMoa": d.is_moa,
            "estValideurDelegue": false,
            "nonDiffusibleInsee": false,
        },
    })))
}

fn service_item(s: &DirService) -> Value {
    json!({
        "idService": s.id,
        "codeService": s.data.code,
        "libelleService": s.data.name,
        "estActif": s.data.active,
        "statutService": if s.data.active { "ACTIF" } else { "INACTIF" },
    })
}

/// `rechercherServicesStructure`.
pub fn services(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let id = int_field(body, "idStructure")
        .or_else(|| int_field(body, "idStructureCPP"))
        .ok_or_else(|| missing("idStructure"))?;
    let structure = shared
        .directory
        .structure_by_id(id)
        .ok_or_else(unknown_structure)?;
    let mut list = shared.directory.services_of(structure.id);
    let params = body.get("parametresRechercherServicesStructure");
    match params.and_then(|p| text_field(p, "triColonne")).as_deref() {
        Some("LibelleService") => list.sort_by(|a, b| a.data.name.cmp(&b.data.name)),
        Some("EstActif") => list.sort_by_key(|s| !s.data.active),
        _ => list.sort_by(|a, b| a.data.code.cmp(&b.data.code)),
    }
    if params.and_then(|p| text_field(p, "triSens")).as_deref() == Some("Descendant") {
        list.reverse();
    }
    let (page, per_page) = paging(params, 10);
    let (slice, retour) = page_of(&list, page, per_page);
    Ok(object(json!({
        "listeServices": slice.iter().map(|s| service_item(s)).collect::<Vec<_>>(),
        "parametresRetour": retour,
    })))
}

/// `consulterServiceStructure`: whether the service demands an engagement number.
pub fn consult_service(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let structure_id = int_field(body, "idStructure").ok_or_else(|| missing("idStructure"))?;
    let service_id = int_field(body, "idService").ok_or_else(|| missing("idService"))?;
    let service = shared
        .directory
        .service_by_id(service_id)
        .filter(|s| s.structure_id == structure_id)
        .ok_or_else(|| {
            business(
                20002,
                "Le service demandé n'existe pas pour cette structure.",
            )
        })?;
    let d = &service.data;
    let payment = shared
        .directory
        .structure_by_id(structure_id)
        .is_some_and(|s| s.data.payment_status_managed);
    Ok(object(json!({
        "informationsGenerales": {
            "codeService": d.code,
            "nomService": d.name,
            "descriptionService": d.name,
        },
        "parametres": {
            "numeroEngagement": d.engagement_required,
            "miseEnPaiement": payment,
            "dateCreation": "2017-01-01T00:00:00.000+01:00",
            "dateDebutValidite": "2017-01-01T00:00:00.000+01:00",
            "dateFinValidite": if d.active { Value::Null } else { json!("2025-12-31T00:00:00.000+01:00") },
            "dateModification": "2024-01-01T00:00:00.000+01:00",
        },
        "adressePostale": {
            "adresse": d.address,
            "complementAdresse1": "",
            "complementAdresse2": "",
            "codePostal": d.postal_code,
            "ville": d.city,
            "pays": "FR",
            "telephone": "",
            "indicatifTelephone": "",
            "fax": "",
            "indicatifFax": "",
        },
        "total": 1,
        "pages": 1,
        "pageCourante": 1,
        "nbResultatsParPage": 1,
    })))
}

/// `recupererStructuresActivesPourFournisseur`: the supplier structures of the account.
pub fn supplier_structures(shared: &Shared) -> Result<Map<String, Value>, Response> {
    let suppliers = suppliers(shared);
    let list: Vec<Value> = suppliers
        .iter()
        .map(|(siret, name)| {
            json!({
                "idStructureCPP": supplier_id(siret),
                "identifiant": siret,
                "designationStructure": name,
            })
        })
        .collect();
    let total = list.len();
    Ok(object(json!({
        "listeStructures": list,
        "parametresRetour": { "total": total, "pages": 1, "pageCourante": 1, "nbResultatsParPage": total },
    })))
}

/// `recupererCoordonneesBancairesValides`: one account per supplier structure.
pub fn bank_accounts(body: &Value) -> Result<Map<String, Value>, Response> {
    let id = int_field(body, "idStructure").ok_or_else(|| missing("idStructure"))?;
    Ok(object(json!({
        "listeCoordonneeBancaire": [{
            "idCoordonneeBancaire": id.saturating_mul(10).saturating_add(1),
            "nomCoordonneeBancaire": "Compte principal",
        }],
        "pageCourante": 1,
        "pages": 1,
        "nbResultatsParPage": 1,
        "total": 1,
    })))
}
