//! API Structures: find a public buyer by SIRET, read its rules and its services.
//!
//! Names and types follow the official PISTE Swagger (tests/fixtures/
//! piste-structures-swagger.json); `tests/chorus_swagger.rs` fails if one drifts.

use serde::{Deserialize, Serialize};

use super::client::{CallKind, ChorusClient};
use super::error::ChorusError;
use super::factures::is_no_result;
use super::types::{PageInfo, SortDirection, list, opt_bool, opt_i64, opt_text};

const API: &str = "structures";

// ---- rechercher ----------------------------------------------------------------------------

/// `structure` of `RechercherStructureParam` (the criteria the application uses).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherStructureCriteria {
    /// The SIRET, for `typeIdentifiantStructure` = `SIRET`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifiant_structure: Option<String>,
    /// `SIRET`, `UE_HORS_FRANCE`, `HORS_UE`, `RIDET`, `TAHITI`, `AUTRE`, `PARTICULIER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_identifiant_structure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raison_sociale_structure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adresse_code_postal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adresse_ville: Option<String>,
    /// `PRIVEE` or `PUBLIQUE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_structure: Option<String>,
    /// `ACTIF` or `INACTIF`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statut_structure: Option<String>,
}

/// `parametres` of `RechercherStructureParam`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherStructurePaging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nb_resultats_par_page: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_resultat_demandee: Option<i64>,
    /// `IdentifiantStructure`, `DesignationStructure`, `TypeIdentifiantStructure`, `Statut`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tri_colonne: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tri_sens: Option<SortDirection>,
}

/// `POST /cpro/structures/v1/rechercher` (`RechercherStructureParam`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherStructureRequest {
    pub structure: RechercherStructureCriteria,
    /// Unset/true: public structures + private ones the user is attached to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restreindre_structures_privees: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parametres: Option<RechercherStructurePaging>,
}

impl RechercherStructureRequest {
    /// The usual search: one SIRET.
    pub fn by_siret(siret: &str) -> Self {
        RechercherStructureRequest {
            structure: RechercherStructureCriteria {
                identifiant_structure: Some(siret.to_string()),
                type_identifiant_structure: Some("SIRET".into()),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// `StructureAAfficher`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureFound {
    #[serde(rename = "idStructureCPP", default, deserialize_with = "opt_i64")]
    pub id_structure_cpp: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub identifiant_structure: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub designation_structure: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub type_identifiant_structure: Option<String>,
    /// `ACTIVE` or `INACTIVE`.
    #[serde(default, deserialize_with = "opt_text")]
    pub statut: Option<String>,
}

/// `WsRetourRechercherStructure`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherStructureAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "list")]
    pub liste_structures: Vec<StructureFound>,
    #[serde(default)]
    pub parametres_retour: Option<PageInfo>,
}

// ---- consulter -----------------------------------------------------------------------------

/// `POST /cpro/structures/v1/consulter` (`ConsulterStructureAvecTVAIntraComParam`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterStructureRequest {
    /// Not `idStructure` (a known bug of another client).
    #[serde(rename = "idStructureCPP")]
    pub id_structure_cpp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_langue: Option<String>,
}

/// `AdressePostale`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    #[serde(default, deserialize_with = "opt_text")]
    pub adresse: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub complement_adresse1: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub complement_adresse2: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub code_postal: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub ville: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub pays: Option<String>,
}

/// `InformationsGeneralesStructureCompleteTVAIntraCom` (the fields the application reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureGeneralInformation {
    #[serde(rename = "idStructureCPP", default, deserialize_with = "opt_i64")]
    pub id_structure_cpp: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub identifiant_structure: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub type_identifiant_structure: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub raison_sociale_structure: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub libelle_structure: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub email_structure: Option<String>,
    #[serde(rename = "numeroTVA", default, deserialize_with = "opt_text")]
    pub numero_tva: Option<String>,
    /// `PRIVEE` or `PUBLIQUE`.
    #[serde(default, deserialize_with = "opt_text")]
    pub structure_privee_publique: Option<String>,
    /// When the technical user's password expires (changed every 14 months).
    #[serde(default, deserialize_with = "opt_text")]
    pub date_expiration_mot_passe_compte_tech: Option<String>,
}

/// `ParamModifierStructure`: the flags that make a service code or an engagement mandatory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructureRules {
    #[serde(default, deserialize_with = "opt_bool")]
    pub code_service_doit_etre_renseigne: Option<bool>,
    #[serde(
        rename = "numeroEJDoitEtreRenseigne",
        default,
        deserialize_with = "opt_bool"
    )]
    pub numero_ej_doit_etre_renseigne: Option<bool>,
    #[serde(
        rename = "gestionNumeroEJOuCodeService",
        default,
        deserialize_with = "opt_bool"
    )]
    pub gestion_numero_ej_ou_code_service: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub est_moa_uniquement: Option<bool>,
    /// Spelled `getaMoa` in the Swagger (not `aMoa`).
    #[serde(rename = "getaMoa", default, deserialize_with = "opt_bool")]
    pub geta_moa: Option<bool>,
    /// The buyer does not push MISE_EN_PAIEMENT: do not wait for it.
    #[serde(default, deserialize_with = "opt_bool")]
    pub statut_mise_en_paiement_nest_pas_remonte: Option<bool>,
}

/// `WsRetourConsulterStructureTVAIntraCom`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterStructureAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default)]
    pub adresse_postale_du_siege: Option<PostalAddress>,
    #[serde(default)]
    pub information_generales: Option<StructureGeneralInformation>,
    #[serde(default)]
    pub parametres: Option<StructureRules>,
}

// ---- rechercher/services -------------------------------------------------------------------

/// `ParametresRechercherServicesStructure`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherServicesPaging {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nb_resultats_par_page: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_resultat_demandee: Option<i64>,
    /// `CodeService`, `LibelleService`, `DateDbtService`, `DateFinService`, `EstActif`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tri_colonne: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tri_sens: Option<SortDirection>,
}

/// `POST /cpro/structures/v1/rechercher/services` (`RechercherServicesStructureParam`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherServicesRequest {
    /// The structure's `idStructureCPP`.
    pub id_structure: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parametres_rechercher_services_structure: Option<RechercherServicesPaging>,
}

/// `ServiceExpose`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceFound {
    #[serde(default, deserialize_with = "opt_i64")]
    pub id_service: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub code_service: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub libelle_service: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub est_actif: Option<bool>,
    #[serde(default, deserialize_with = "opt_text")]
    pub statut_service: Option<String>,
    /// Not in the Swagger, but in real answers (`"2016-10-25 17:42"`, [OCA], [COM]).
    #[serde(default, deserialize_with = "opt_text")]
    pub date_dbt_service: Option<String>,
    /// Not in the Swagger, but in real answers.
    #[serde(default, deserialize_with = "opt_text")]
    pub date_fin_service: Option<String>,
}

/// `WsRetourRechercherServicesStructure`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherServicesAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "list")]
    pub liste_services: Vec<ServiceFound>,
    #[serde(default)]
    pub parametres_retour: Option<PageInfo>,
}

/// [OCA] asks this many to get every service in one call.
const ALL_SERVICES_PAGE_SIZE: i64 = 10_000;

// ---- consulter/service ---------------------------------------------------------------------

/// `POST /cpro/structures/v1/consulter/service` (`ConsulterServiceStructureParam`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterServiceRequest {
    pub id_structure: i64,
    pub id_service: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_langue: Option<String>,
}

/// `ParamModifierServiceInfoGeneral`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceGeneralInformation {
    #[serde(default, deserialize_with = "opt_text")]
    pub code_service: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub nom_service: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub description_service: Option<String>,
}

/// `ParamParametre`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceRules {
    /// The engagement number is mandatory for this service.
    #[serde(default, deserialize_with = "opt_bool")]
    pub numero_engagement: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub mise_en_paiement: Option<bool>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_debut_validite: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_fin_validite: Option<String>,
}

/// `WsRetourConsulterServiceStructure`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterServiceAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default)]
    pub adresse_postale: Option<PostalAddress>,
    #[serde(default)]
    pub informations_generales: Option<ServiceGeneralInformation>,
    #[serde(default)]
    pub parametres: Option<ServiceRules>,
}

// ---- methods -------------------------------------------------------------------------------

impl ChorusClient {
    /// Structures matching the criteria; "no result" comes back as an empty list.
    pub fn rechercher_structure(
        &self,
        request: &RechercherStructureRequest,
    ) -> Result<RechercherStructureAnswer, ChorusError> {
        match self.post(API, "rechercher", request, CallKind::Read) {
            Err(error) if is_no_result(&error) => Ok(RechercherStructureAnswer {
                code_retour: 0,
                libelle: error
                    .rejection()
                    .map(|(_, l)| l.to_string())
                    .unwrap_or_default(),
                ..Default::default()
            }),
            other => other,
        }
    }

    pub fn consulter_structure(
        &self,
        request: &ConsulterStructureRequest,
    ) -> Result<ConsulterStructureAnswer, ChorusError> {
        self.post(API, "consulter", request, CallKind::Read)
    }

    /// Services of a structure; without paging, asks for all of them in one page.
    pub fn rechercher_services(
        &self,
        request: &RechercherServicesRequest,
    ) -> Result<RechercherServicesAnswer, ChorusError> {
        let mut request = request.clone();
        request
            .parametres_rechercher_services_structure
            .get_or_insert_with(|| RechercherServicesPaging {
                nb_resultats_par_page: Some(ALL_SERVICES_PAGE_SIZE),
                page_resultat_demandee: Some(1),
                ..Default::default()
            });
        match self.post(API, "rechercher/services", &request, CallKind::Read) {
            Err(error) if is_no_result(&error) => Ok(RechercherServicesAnswer {
                code_retour: 0,
                libelle: error
                    .rejection()
                    .map(|(_, l)| l.to_string())
                    .unwrap_or_default(),
                ..Default::default()
            }),
            other => other,
        }
    }

    pub fn consulter_service(
        &self,
        request: &ConsulterServiceRequest,
    ) -> Result<ConsulterServiceAnswer, ChorusError> {
        self.post(API, "consulter/service", request, CallKind::Read)
    }
}
