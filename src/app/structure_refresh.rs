//! The N° SIRET lookup's « Actualiser depuis Chorus Pro »: one structure and its services
//! read through the structures endpoints and written over the cached directory, so a
//! buyer that changed its rules yesterday is checked against today's rules without
//! waiting for the next full export.

use crate::chorus::ChorusClient;
use crate::chorus::structures::{
    ConsulterServiceRequest, ConsulterStructureRequest, RechercherServicesRequest,
    RechercherStructureRequest, ServiceFound,
};
use crate::model::{Service, Structure, siret};
use crate::store::Store;
use crate::store::directory as dir_db;

/// What was refreshed, for the message under the lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshedStructure {
    pub identifier: String,
    pub name: String,
    pub service_count: usize,
    /// The structure was not in the cached directory before.
    pub was_new: bool,
}

impl RefreshedStructure {
    pub fn message(&self) -> String {
        let services = match self.service_count {
            0 => "aucun service".to_string(),
            1 => "1 service".to_string(),
            n => format!("{n} services"),
        };
        let how = if self.was_new {
            "ajoutée à l'annuaire en cache"
        } else {
            "mise à jour"
        };
        format!(
            "Structure {} — {} {how} depuis Chorus Pro ({services})",
            self.identifier, self.name
        )
    }
}

/// Reads the structure of `input` (a SIRET) on Chorus Pro and replaces it, with its
/// services, in the cached directory. One transaction: nothing changes on error.
pub fn refresh_structure(
    client: &ChorusClient,
    store: &mut Store,
    input: &str,
) -> Result<RefreshedStructure, String> {
    let identifier = siret::normalize(input);
    if identifier.is_empty() {
        return Err("saisissez d'abord un N° SIRET".into());
    }
    let found = client
        .rechercher_structure(&RechercherStructureRequest::by_siret(&identifier))
        .map_err(|e| e.to_string())?;
    let Some(hit) = found
        .liste_structures
        .iter()
        .find(|s| s.identifiant_structure.as_deref() == Some(identifier.as_str()))
    else {
        return Err(format!(
            "SIRET {identifier} : aucune structure de ce SIRET sur Chorus Pro"
        ));
    };
    let id = hit.id_structure_cpp.ok_or_else(|| {
        format!("SIRET {identifier} : Chorus Pro ne donne pas l'identifiant de la structure")
    })?;
    let detail = client
        .consulter_structure(&ConsulterStructureRequest {
            id_structure_cpp: id,
            code_langue: Some("fr".into()),
        })
        .map_err(|e| e.to_string())?;
    let services = client
        .rechercher_services(&RechercherServicesRequest {
            id_structure: id,
            ..RechercherServicesRequest::default()
        })
        .map_err(|e| e.to_string())?;

    let previous = dir_db::find_structure(store.db(), &identifier).map_err(|e| e.to_string())?;
    let was_new = previous.is_none();
    let previous = previous.unwrap_or_default();
    let rules = detail.parametres.unwrap_or_default();
    let info = detail.information_generales.unwrap_or_default();
    let address = detail.adresse_postale_du_siege.unwrap_or_default();
    let text = |v: Option<String>, old: &str| v.unwrap_or_else(|| old.to_string());
    let structure = Structure {
        identifier: identifier.clone(),
        identifier_type: previous.identifier_type.max(1),
        name: info
            .raison_sociale_structure
            .or(info.libelle_structure)
            .or(hit.designation_structure.clone())
            .unwrap_or(previous.name.clone()),
        // Not given by consulter: kept from the last export.
        edi_sender: previous.edi_sender,
        edi_receiver: previous.edi_receiver,
        payment_status_managed: rules
            .statut_mise_en_paiement_nest_pas_remonte
            .map_or(previous.payment_status_managed, |not_reported| {
                !not_reported
            }),
        engagement_required: rules
            .numero_ej_doit_etre_renseigne
            .unwrap_or(previous.engagement_required),
        service_required: rules
            .code_service_doit_etre_renseigne
            .unwrap_or(previous.service_required),
        service_or_engagement_required: rules
            .gestion_numero_ej_ou_code_service
            .unwrap_or(previous.service_or_engagement_required),
        is_moa: rules.geta_moa.unwrap_or(previous.is_moa),
        is_moa_only: rules.est_moa_uniquement.unwrap_or(previous.is_moa_only),
        active: hit
            .statut
            .as_deref()
            .map_or(previous.active || was_new, |s| {
                s.eq_ignore_ascii_case("ACTIVE")
            }),
        address: text(address.adresse, &previous.address),
        address_complement1: text(address.complement_adresse1, &previous.address_complement1),
        address_complement2: text(address.complement_adresse2, &previous.address_complement2),
        postal_code: text(address.code_postal, &previous.postal_code),
        city: text(address.ville, &previous.city),
        phone: previous.phone.clone(),
        email: text(info.email_structure, &previous.email),
        country_code: previous.country_code.clone(),
        country_label: text(address.pays, &previous.country_label),
    };
    let mut rows = Vec::new();
    for found in &services.liste_services {
        if let Some(service) = service_row(client, id, &identifier, found)? {
            rows.push(service);
        }
    }
    dir_db::replace_structure(store.db(), &structure, &rows).map_err(|e| e.to_string())?;
    Ok(RefreshedStructure {
        identifier,
        name: structure.name,
        service_count: rows.len(),
        was_new,
    })
}

/// One service, with the engagement flag that only `consulter/service` gives.
fn service_row(
    client: &ChorusClient,
    structure_id: i64,
    identifier: &str,
    found: &ServiceFound,
) -> Result<Option<Service>, String> {
    let Some(code) = found.code_service.clone().filter(|c| !c.trim().is_empty()) else {
        return Ok(None);
    };
    let mut service = Service {
        structure_identifier: identifier.to_string(),
        code,
        name: found.libelle_service.clone().unwrap_or_default(),
        engagement_required: false,
        active: found.est_actif.unwrap_or_else(|| {
            found
                .statut_service
                .as_deref()
                .is_none_or(|s| s.eq_ignore_ascii_case("ACTIF"))
        }),
        ..Service::default()
    };
    if let Some(id_service) = found.id_service {
        let detail = client
            .consulter_service(&ConsulterServiceRequest {
                id_structure: structure_id,
                id_service,
                code_langue: Some("fr".into()),
            })
            .map_err(|e| e.to_string())?;
        if let Some(rules) = detail.parametres {
            service.engagement_required = rules.numero_engagement.unwrap_or(false);
        }
        if let Some(address) = detail.adresse_postale {
            service.address = address.adresse.unwrap_or_default();
            service.postal_code = address.code_postal.unwrap_or_default();
            service.city = address.ville.unwrap_or_default();
        }
        if let Some(info) = detail.informations_generales
            && service.name.is_empty()
        {
            service.name = info.nom_service.unwrap_or_default();
        }
    }
    Ok(Some(service))
}
