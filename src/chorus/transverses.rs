//! API Transverses: flux report, the supplier's own structures and bank details, the
//! directory export, the health check.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::client::{CallKind, ChorusClient};
use super::error::ChorusError;
use super::types::{FluxState, FluxSyntax, list, opt_i64, opt_text};

const API: &str = "transverses";

// ---- consulterCRDetaille -------------------------------------------------------------------

/// `POST /cpro/transverses/v1/consulterCRDetaille` (works for every syntax, unlike
/// `consulterCR` which [OCA] found broken for Factur-X).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterCrDetailleRequest {
    pub numero_flux_depot: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub syntaxe_flux: Option<FluxSyntax>,
}

/// An invoice of the flux that was not integrated, and why.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErreurDp {
    #[serde(default, deserialize_with = "opt_text")]
    pub identifiant_fournisseur: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub identifiant_destinataire: Option<String>,
    /// The invoice number.
    #[serde(rename = "numeroDP", default, deserialize_with = "opt_text")]
    pub numero_dp: Option<String>,
    #[serde(rename = "libelleErreurDP", default, deserialize_with = "opt_text")]
    pub libelle_erreur_dp: Option<String>,
    /// A code of the error. No source shows one in `listeErreurDP` (the official sample,
    /// [OCA], [PAS], [RS], [GO], [PHP] read only the four fields above); read under the
    /// names a Chorus error code takes elsewhere, in case it comes.
    #[serde(
        rename = "codeErreurDP",
        alias = "codeErreur",
        default,
        deserialize_with = "opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub code_erreur_dp: Option<String>,
}

impl ErreurDp {
    /// Chorus Pro refused this invoice because it already holds it ([`is_already_received`]).
    pub fn says_already_received(&self) -> bool {
        is_already_received(
            self.code_erreur_dp.as_deref(),
            self.libelle_erreur_dp.as_deref().unwrap_or(""),
        )
    }
}

/// Codes taken to mean « this invoice was already received from this supplier ». The exact
/// official code is NOT confirmed: no public source shows a code in `listeErreurDP`, and
/// the Chorus Pro error annex (chorus-api.md §4.5, §8.2) was not retrieved. `DOUBLON` is the
/// reason code the French e-invoicing lifecycle (XP Z12-012, used by the platforms of the
/// 2026 reform: a « 213 Rejetée » with reason `DOUBLON`, « invoice … already received ») gives
/// to exactly this case; the sources favour it over any guess of a GDP_MSG key. Add the
/// official code here once it is known.
pub const ALREADY_RECEIVED_CODES: &[&str] = &["DOUBLON"];

/// Whether an error of a flux report says the invoice was already received from this
/// supplier (a second database deposited it too, or it was resent after the « à vérifier »
/// delay): not a rejection to correct, the invoice is live on Chorus Pro.
///
/// The one recogniser, used by the sync. By the code when there is one
/// ([`ALREADY_RECEIVED_CODES`]); else by the message: Chorus Pro's wording is not
/// published, so the meaning is matched rather than one sentence — « doublon », or « déjà »
/// with « reçu », « déposé », « intégré », « transmis » or « existe » (accents and case
/// ignored; the English texts too). The embedded sandbox writes « La facture n° … a déjà été
/// reçue de ce fournisseur » (src/sandbox/state.rs), the wording issue 8 reports; a test
/// checks that the two sides agree through the HTTP API.
pub fn is_already_received(code: Option<&str>, message: &str) -> bool {
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty())
        && ALREADY_RECEIVED_CODES
            .iter()
            .any(|known| known.eq_ignore_ascii_case(code))
    {
        return true;
    }
    let text = fold(message);
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    has(&["doublon", "duplicate"])
        || (has(&["deja"]) && has(&["recu", "depose", "integre", "transmis", "existe"]))
        || (has(&["already"]) && has(&["received", "submitted", "deposited", "exists"]))
}

/// Lower case without the French accents.
fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErreurTechnique {
    #[serde(default, deserialize_with = "opt_text")]
    pub code_erreur: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub libelle_erreur: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub nature_erreur: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterCrDetailleAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default)]
    pub etat_courant_depot_flux: Option<FluxState>,
    #[serde(default, deserialize_with = "opt_text")]
    pub code_interface_depot_flux: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_depot_flux: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_heure_etat_courant_flux: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub nom_fichier: Option<String>,
    #[serde(rename = "listeErreurDP", default, deserialize_with = "list")]
    pub liste_erreur_dp: Vec<ErreurDp>,
    #[serde(default, deserialize_with = "list")]
    pub liste_erreur_technique: Vec<ErreurTechnique>,
}

// ---- recuperer/structures/actives/fournisseur ----------------------------------------------

/// One of the supplier's own structures; its id is `fournisseur.idFournisseur`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupplierStructure {
    #[serde(rename = "idStructureCPP", default, deserialize_with = "opt_i64")]
    pub id_structure_cpp: Option<i64>,
    /// The SIRET (or other identifier).
    #[serde(default, deserialize_with = "opt_text")]
    pub identifiant: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub designation_structure: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructuresActivesFournisseurAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "list")]
    pub liste_structures: Vec<SupplierStructure>,
}

// ---- recuperer/coordbanc/valides -----------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoordonneesBancairesRequest {
    /// The supplier's `idStructureCPP`.
    pub id_structure: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoordonneeBancaire {
    /// Goes to `fournisseur.codeCoordonneesBancairesFournisseur`.
    #[serde(default, deserialize_with = "opt_i64")]
    pub id_coordonnee_bancaire: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub nom_coordonnee_bancaire: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoordonneesBancairesAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "list")]
    pub liste_coordonnee_bancaire: Vec<CoordonneeBancaire>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub page_courante: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub pages: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub total: Option<i64>,
}

// ---- telecharger/annuaire/destinataire -----------------------------------------------------

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnuaireDestinataireAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    /// The directory export, a base64 zip. `fichier` in one third-party description.
    #[serde(default, alias = "fichier", deserialize_with = "opt_text")]
    pub fichier_resultat: Option<String>,
}

impl std::fmt::Debug for AnnuaireDestinataireAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnnuaireDestinataireAnswer")
            .field("code_retour", &self.code_retour)
            .field("libelle", &self.libelle)
            .field(
                "fichier_resultat",
                &self.fichier_resultat.as_ref().map(|f| f.len()),
            )
            .finish()
    }
}

impl AnnuaireDestinataireAnswer {
    /// The decoded zip.
    pub fn file(&self, route: &str) -> Result<Vec<u8>, ChorusError> {
        let text =
            self.fichier_resultat
                .as_deref()
                .ok_or_else(|| ChorusError::MalformedAnswer {
                    route: route.to_string(),
                    detail: "fichierResultat absent".into(),
                })?;
        let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(cleaned)
            .map_err(|e| ChorusError::MalformedAnswer {
                route: route.to_string(),
                detail: match e {
                    base64::DecodeError::InvalidByte(offset, _) => format!(
                        "fichierResultat n'est pas du base64 (caractère invalide à la position {})",
                        offset + 1
                    ),
                    _ => "fichierResultat n'est pas du base64 (longueur ou fin incorrecte)".into(),
                },
            })
    }
}

// ---- health-check --------------------------------------------------------------------------

/// `GET /cpro/transverses/v1/health-check`: no `codeRetour`, only `body`, `statusCodeValue`,
/// `statusCode`. Success is HTTP 200.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthCheck {
    pub status_code: Option<String>,
    pub status_code_value: Option<i64>,
    /// The whole answer, whatever its shape.
    pub raw: serde_json::Value,
}

// ---- ajouter/fichier ------------------------------------------------------------------------

/// `POST /cpro/transverses/v1/ajouter/fichier` (ajouterFichierDansSysteme): uploads an
/// attachment, whose `pieceJointeId` is then referenced (e.g. by `completer`). At most 10 Mo
/// (error 20003, chorus-api.md §2.3).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AjouterFichierRequest {
    /// The file, standard base64.
    pub piece_jointe_fichier: String,
    /// File name with its extension.
    pub piece_jointe_nom: String,
    pub piece_jointe_type_mime: String,
    /// Upper case, without the dot (e.g. `PDF`).
    pub piece_jointe_extension: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_utilisateur_courant: Option<i64>,
}

impl AjouterFichierRequest {
    pub fn new(name: impl Into<String>, file: &[u8], mime: &str, extension: &str) -> Self {
        AjouterFichierRequest {
            piece_jointe_fichier: base64::engine::general_purpose::STANDARD.encode(file),
            piece_jointe_nom: name.into(),
            piece_jointe_type_mime: mime.to_string(),
            piece_jointe_extension: extension.to_ascii_uppercase(),
            id_utilisateur_courant: None,
        }
    }
}

impl std::fmt::Debug for AjouterFichierRequest {
    // The file can weigh 10 MB: its size is enough in a debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AjouterFichierRequest")
            .field(
                "piece_jointe_fichier",
                &format_args!("<{} car. base64>", self.piece_jointe_fichier.len()),
            )
            .field("piece_jointe_nom", &self.piece_jointe_nom)
            .field("piece_jointe_type_mime", &self.piece_jointe_type_mime)
            .field("piece_jointe_extension", &self.piece_jointe_extension)
            .finish()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AjouterFichierAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "opt_i64")]
    pub piece_jointe_id: Option<i64>,
}

/// An empty JSON object: what the no-parameter operations take.
#[derive(Debug, Serialize)]
struct Empty {}

impl ChorusClient {
    pub fn consulter_cr_detaille(
        &self,
        request: &ConsulterCrDetailleRequest,
    ) -> Result<ConsulterCrDetailleAnswer, ChorusError> {
        self.post(API, "consulterCRDetaille", request, CallKind::Read)
    }

    pub fn recuperer_structures_actives_fournisseur(
        &self,
    ) -> Result<StructuresActivesFournisseurAnswer, ChorusError> {
        self.post(
            API,
            "recuperer/structures/actives/fournisseur",
            &Empty {},
            CallKind::Read,
        )
    }

    pub fn recuperer_coordonnees_bancaires_valides(
        &self,
        request: &CoordonneesBancairesRequest,
    ) -> Result<CoordonneesBancairesAnswer, ChorusError> {
        self.post(API, "recuperer/coordbanc/valides", request, CallKind::Read)
    }

    /// The directory export (call [`AnnuaireDestinataireAnswer::file`] for the zip bytes).
    pub fn telecharger_annuaire_destinataire(
        &self,
    ) -> Result<AnnuaireDestinataireAnswer, ChorusError> {
        self.post(
            API,
            "telecharger/annuaire/destinataire",
            &Empty {},
            CallKind::FileDownload,
        )
    }

    /// Sent once: an upload repeated by the client would leave an orphan file.
    pub fn ajouter_fichier(
        &self,
        request: &AjouterFichierRequest,
    ) -> Result<AjouterFichierAnswer, ChorusError> {
        self.post(API, "ajouter/fichier", request, CallKind::Action)
    }

    pub fn health_check(&self) -> Result<HealthCheck, ChorusError> {
        let raw = self.get_json(API, "health-check")?;
        Ok(HealthCheck {
            status_code: raw
                .get("statusCode")
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
            status_code_value: raw.get("statusCodeValue").and_then(|v| v.as_i64()),
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invoice_already_received_is_recognised_by_code_or_meaning() {
        for message in [
            "La facture n° F-12 a déjà été reçue de ce fournisseur : un numéro de facture ne peut être déposé qu'une fois.",
            "LA FACTURE A DEJA ETE RECUE",
            "Facture en doublon",
            "Le numéro de facture F-12 existe déjà pour ce fournisseur",
            "Invoice F-12 already received",
        ] {
            assert!(is_already_received(None, message), "{message}");
        }
        assert!(is_already_received(Some(" doublon "), "motif illisible"));
        for message in [
            "Le destinataire (SIRET 21690001900016) n'est pas référencé dans l'annuaire Chorus Pro.",
            "Le code service (BT-10) est obligatoire pour le destinataire 21690001900016.",
            "",
        ] {
            assert!(!is_already_received(None, message), "{message}");
            assert!(!is_already_received(Some("20001"), message), "{message}");
        }
        let error: ErreurDp = serde_json::from_str(
            r#"{"numeroDP":"F-12","libelleErreurDP":"SIRET inconnu","codeErreur":"DOUBLON"}"#,
        )
        .unwrap();
        assert!(error.says_already_received());
    }
}
