//! API Factures: deposit a flux, search the supplier's invoices, history, recycle, complete.
//!
//! Field names mirror the API (chorus-api.md §2) so they can be checked against it word for
//! word; every answer field but `codeRetour`/`libelle` is optional.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::client::{CallKind, ChorusClient};
use super::error::ChorusError;
use super::types::{
    FluxSyntax, InvoiceStatus, PageInfo, ReturnCode, SortDirection, list, opt_i64, opt_identifier,
    opt_text,
};

const API: &str = "factures";

// ---- deposer/flux ------------------------------------------------------------------------

/// `POST /cpro/factures/v1/deposer/flux`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeposerFluxRequest {
    /// The file (XML, Factur-X PDF, zip or tar.gz), standard base64.
    pub fichier_flux: String,
    /// File name with its extension.
    pub nom_fichier: String,
    pub syntaxe_flux: FluxSyntax,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avec_signature: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_utilisateur_courant: Option<i64>,
}

impl DeposerFluxRequest {
    pub fn new(file_name: impl Into<String>, file: &[u8], syntax: FluxSyntax) -> Self {
        DeposerFluxRequest {
            fichier_flux: base64::engine::general_purpose::STANDARD.encode(file),
            nom_fichier: file_name.into(),
            syntaxe_flux: syntax,
            avec_signature: Some(false),
            id_utilisateur_courant: None,
        }
    }
}

impl std::fmt::Debug for DeposerFluxRequest {
    // The file can weigh 10 MB: its size is enough in a debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeposerFluxRequest")
            .field(
                "fichier_flux",
                &format_args!("<{} car. base64>", self.fichier_flux.len()),
            )
            .field("nom_fichier", &self.nom_fichier)
            .field("syntaxe_flux", &self.syntaxe_flux)
            .field("avec_signature", &self.avec_signature)
            .field("id_utilisateur_courant", &self.id_utilisateur_courant)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeposerFluxAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "opt_identifier")]
    pub numero_flux_depot: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_depot: Option<String>,
    #[serde(default)]
    pub syntaxe_flux: Option<FluxSyntax>,
}

// ---- rechercher/fournisseur ----------------------------------------------------------------

/// Paging of `rechercher/fournisseur` (object `rechercheFactureParFournisseur`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PagingRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_resultat_demandee: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nb_resultats_par_page: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tri_colonne: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tri_sens: Option<SortDirection>,
}

/// `POST /cpro/factures/v1/rechercher/fournisseur`: all filters optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherFacturesFournisseurRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numero_flux_depot: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numero_facture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_fournisseur: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_service_fournisseur: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numero_bon_commande: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numero_marche: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_facture: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periode_date_depot_du: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periode_date_depot_au: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_utilisateur_courant: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recherche_facture_par_fournisseur: Option<PagingRequest>,
}

/// One invoice of a `rechercher/fournisseur` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FactureFournisseur {
    #[serde(
        rename = "identifiantFactureCPP",
        default,
        deserialize_with = "opt_i64"
    )]
    pub identifiant_facture_cpp: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_facture: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_flux_depot: Option<String>,
    #[serde(default)]
    pub statut: Option<InvoiceStatus>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_depot: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_facture: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_heure_etat_courant: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub commentaire_etat_courant: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub code_destinataire: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub designation_destinataire: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub code_service_executant: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub code_fournisseur: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub type_facture: Option<String>,
    /// Amounts kept as written (number or text): converted to `Decimal` by the caller.
    #[serde(rename = "montantHT", default, deserialize_with = "opt_text")]
    pub montant_ht: Option<String>,
    #[serde(rename = "montantTTC", default, deserialize_with = "opt_text")]
    pub montant_ttc: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub montant_a_payer: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub devise: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_bon_commande: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_marche: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RechercherFacturesFournisseurAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "list")]
    pub liste_factures: Vec<FactureFournisseur>,
    #[serde(default)]
    pub parametres_retour: Option<PageInfo>,
}

/// Page size of the "all pages" search.
const SEARCH_PAGE_SIZE: i64 = 100;
/// A stop for an answer whose `pages` never ends.
const MAX_PAGES: i64 = 1000;

// ---- consulter/historique ----------------------------------------------------------------

/// `POST /cpro/factures/v1/consulter/historique`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterHistoriqueRequest {
    /// = `identifiantFactureCPP`.
    pub id_facture: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nb_resultats_maximum: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_utilisateur_courant: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoStatut {
    #[serde(default, deserialize_with = "opt_i64")]
    pub histo_statut_id: Option<i64>,
    #[serde(default)]
    pub histo_statut_code: Option<InvoiceStatus>,
    #[serde(default, deserialize_with = "opt_text")]
    pub histo_statut_date_passage: Option<String>,
    /// The recipient's reason on REJETEE / SUSPENDUE / A_RECYCLER.
    #[serde(default, deserialize_with = "opt_text")]
    pub histo_statut_commentaire: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub histo_statut_utilisateur_nom: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub histo_statut_utilisateur_prenom: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoriquesDesStatuts {
    #[serde(default, deserialize_with = "list")]
    pub histo_statut: Vec<HistoStatut>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub page_courante_histo_statut: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub pages_histo_statut: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub total_histo_statut: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsulterHistoriqueAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "opt_i64")]
    pub id_facture: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_facture: Option<String>,
    #[serde(default, deserialize_with = "opt_text")]
    pub mode_depot: Option<String>,
    #[serde(default)]
    pub statut_courant_code: Option<InvoiceStatus>,
    #[serde(default)]
    pub historiques_des_statuts: Option<HistoriquesDesStatuts>,
}

// ---- recycler ------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecyclerDestinataire {
    /// SIRET of the public buyer.
    pub code_destinataire: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_service_executant: Option<String>,
}

/// `reference` of a recycle: the new engagement number (`numeroBonCommande`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecyclerReference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numero_bon_commande: Option<String>,
}

/// `POST /cpro/factures/v1/recycler`, for an invoice `A_RECYCLER`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecyclerRequest {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    pub destinataire: RecyclerDestinataire,
    /// The corrected engagement number. **Unconfirmed** field (chorus-api.md §2.10, §8.3):
    /// only [GO] declares it, as an object `reference` typed like soumettre's `references`.
    /// Sent only when the engagement changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<RecyclerReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commentaire: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_utilisateur_courant: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecyclerAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_depot: Option<String>,
    #[serde(
        rename = "identifiantFactureCPP",
        default,
        deserialize_with = "opt_i64"
    )]
    pub identifiant_facture_cpp: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_facture: Option<String>,
    #[serde(default)]
    pub statut_facture: Option<InvoiceStatus>,
}

// ---- completer -----------------------------------------------------------------------------

/// An attachment already uploaded (`ajouter/fichier`), referenced by its id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PieceJointeComplementaire {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece_jointe_complementaire_designation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece_jointe_complementaire_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece_jointe_complementaire_numero_ligne_facture: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece_jointe_complementaire_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub piece_jointe_complementaire_id_liaison: Option<i64>,
}

/// `POST /cpro/factures/v1/completer`, for an invoice `SUSPENDUE`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleterRequest {
    #[serde(rename = "identifiantFactureCPP")]
    pub identifiant_facture_cpp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commentaire: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub piece_jointe_complementaire: Vec<PieceJointeComplementaire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_utilisateur_courant: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleterAnswer {
    pub code_retour: i64,
    #[serde(default)]
    pub libelle: String,
    #[serde(default, deserialize_with = "opt_text")]
    pub date_traitement: Option<String>,
    #[serde(
        rename = "identifiantFactureCPP",
        default,
        deserialize_with = "opt_i64"
    )]
    pub identifiant_facture_cpp: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub numero_facture: Option<String>,
}

// ---- reading a deposit's answer --------------------------------------------------------------

/// 4xx statuses that say the request was stopped before anything was recorded: malformed,
/// not authenticated, not allowed, no such route or method, too slow to arrive, too big, of
/// a type not accepted, over the quota. Other 4xx (409 Conflict, 422…) may come after the
/// request was looked at: without a `codeRetour` ≠ 0 they prove nothing.
const DEPOSIT_NOT_PROCESSED_4XX: &[u16] =
    &[400, 401, 403, 404, 405, 408, 411, 413, 414, 415, 429, 431];

/// How an answer to `deposer/flux` is read. A deposit is « refusée » (may be sent again once
/// the cause is fixed) only when Chorus Pro clearly said no; « déposée » only on exactly
/// HTTP 200 + `codeRetour` 0 + a `numeroFluxDepot`; anything ambiguous is « à vérifier »
/// (outcome unknown: looked up on Chorus Pro before any resend).
///
/// | HTTP status | body | reading |
/// |---|---|---|
/// | 200 | `codeRetour` 0 and a non-blank `numeroFluxDepot` | déposée |
/// | 200 | `codeRetour` 0, `numeroFluxDepot` missing or blank | à vérifier |
/// | 200 | `codeRetour` ≠ 0 | refusée |
/// | 200 | not JSON, no `codeRetour`, a field unreadable | à vérifier |
/// | 201–299 but 200 (201 Created, 202 Accepted…) | anything | à vérifier |
/// | 1xx, 3xx (redirects are not followed) | anything | à vérifier |
/// | 400, 401, 403, 404, 405, 408, 411, 413, 414, 415, 429, 431 | `codeRetour` ≠ 0, none, or unreadable | refusée |
/// | same | `codeRetour` 0 (contradiction) | à vérifier |
/// | other 4xx (409, 410, 422…) | `codeRetour` ≠ 0 | refusée |
/// | other 4xx | `codeRetour` 0, none, or unreadable | à vérifier |
/// | 5xx | anything | à vérifier |
///
/// Before this function: no connection at all is « refusée » (never left); a timeout or a
/// dropped connection « à vérifier ». A `codeRetour` ≠ 0 counts only on 200 and 4xx, the
/// statuses on which Chorus Pro's application answers its business errors ([GO] reads them
/// on 400, [PHP]/[OMNI] on 200, chorus-api.md §5.1); on a 5xx or a 2xx other than 200 it
/// contradicts the status and proves nothing.
pub fn classify_deposit_answer(
    route: &str,
    status: u16,
    body: &[u8],
) -> Result<DeposerFluxAnswer, ChorusError> {
    use super::client::excerpt;
    let unknown = |detail: String| ChorusError::DepositOutcomeUnknown {
        cause: Box::new(ChorusError::UnclearDepositAnswer {
            status,
            route: route.to_string(),
            detail,
        }),
    };
    let refused = |cause: ChorusError| ChorusError::DepositNotReceived {
        cause: Box::new(cause),
    };
    let code: Option<ReturnCode> = serde_json::from_slice(body).ok();
    let code_retour = code.as_ref().and_then(|c| c.code_retour);
    let rejection = |code_retour: i64| {
        refused(ChorusError::Rejected {
            code_retour,
            libelle: code
                .as_ref()
                .and_then(|c| c.libelle.clone())
                .unwrap_or_default(),
            http_status: status,
        })
    };
    match status {
        200 => match code_retour {
            Some(0) => {
                let answer: DeposerFluxAnswer = serde_json::from_slice(body).map_err(|e| {
                    unknown(format!(
                        "réponse « codeRetour 0 » illisible ({})",
                        super::client::json_error_fr(&e)
                    ))
                })?;
                match answer.numero_flux_depot.as_deref().map(str::trim) {
                    Some(number) if !number.is_empty() => Ok(DeposerFluxAnswer {
                        numero_flux_depot: Some(number.to_string()),
                        ..answer
                    }),
                    _ => Err(unknown(
                        "réponse « codeRetour 0 » sans numéro de flux (numeroFluxDepot)".into(),
                    )),
                }
            }
            Some(code_retour) => Err(rejection(code_retour)),
            None => Err(unknown(format!(
                "réponse sans codeRetour lisible : {}",
                excerpt(body)
            ))),
        },
        400..=499 => match code_retour {
            Some(0) => Err(unknown(format!(
                "HTTP {status} avec « codeRetour 0 » : réponse contradictoire"
            ))),
            Some(code_retour) => Err(rejection(code_retour)),
            None if DEPOSIT_NOT_PROCESSED_4XX.contains(&status) => {
                Err(refused(ChorusError::HttpStatus {
                    status,
                    route: route.to_string(),
                    excerpt: excerpt(body),
                }))
            }
            None => Err(unknown(format!(
                "HTTP {status} sans codeRetour : {}",
                excerpt(body)
            ))),
        },
        _ => Err(unknown(format!(
            "HTTP {status} au lieu de 200{} : {}",
            match code_retour {
                Some(c) => format!(", codeRetour {c}"),
                None => String::new(),
            },
            excerpt(body)
        ))),
    }
}

// ---- methods -------------------------------------------------------------------------------

/// `codeRetour` ≠ 0 that only says "nothing found" ([PAS]: 20000 / TRA_MSG_00.015).
pub(crate) fn is_no_result(error: &ChorusError) -> bool {
    matches!(error.rejection(), Some((_, libelle)) if libelle.trim() == "TRA_MSG_00.015")
}

impl ChorusClient {
    /// Deposits a flux. Sent once, never retried: on failure the error is either
    /// [`ChorusError::DepositNotReceived`] (safe to resend after fixing the cause) or
    /// [`ChorusError::DepositOutcomeUnknown`] (look the invoice up before anything else).
    ///
    /// On success the answer carries a non-blank `numeroFluxDepot` (trimmed): an answer
    /// without one is "outcome unknown" ([`classify_deposit_answer`]).
    pub fn deposer_flux(
        &self,
        request: &DeposerFluxRequest,
    ) -> Result<DeposerFluxAnswer, ChorusError> {
        self.post_deposit(API, "deposer/flux", request, classify_deposit_answer)
    }

    /// One page of the supplier's invoices. "No result" comes back as an empty list.
    pub fn rechercher_factures_fournisseur(
        &self,
        request: &RechercherFacturesFournisseurRequest,
    ) -> Result<RechercherFacturesFournisseurAnswer, ChorusError> {
        match self.post(API, "rechercher/fournisseur", request, CallKind::Read) {
            Err(error) if is_no_result(&error) => Ok(RechercherFacturesFournisseurAnswer {
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

    /// Every page of the supplier's invoices matching `criteria` (its paging is replaced).
    pub fn rechercher_toutes_factures_fournisseur(
        &self,
        criteria: &RechercherFacturesFournisseurRequest,
    ) -> Result<Vec<FactureFournisseur>, ChorusError> {
        let mut invoices = Vec::new();
        let mut page = 1;
        loop {
            let mut request = criteria.clone();
            let paging = request
                .recherche_facture_par_fournisseur
                .take()
                .unwrap_or_default();
            request.recherche_facture_par_fournisseur = Some(PagingRequest {
                page_resultat_demandee: Some(page),
                nb_resultats_par_page: Some(
                    paging.nb_resultats_par_page.unwrap_or(SEARCH_PAGE_SIZE),
                ),
                ..paging
            });
            let answer = self.rechercher_factures_fournisseur(&request)?;
            let received = answer.liste_factures.len();
            invoices.extend(answer.liste_factures);
            let pages = answer
                .parametres_retour
                .as_ref()
                .and_then(|p| p.pages)
                .unwrap_or(1);
            // An empty page ends the loop even if `pages` says otherwise: never spin.
            if received == 0 || page >= pages || page >= MAX_PAGES {
                return Ok(invoices);
            }
            page += 1;
        }
    }

    pub fn consulter_historique(
        &self,
        request: &ConsulterHistoriqueRequest,
    ) -> Result<ConsulterHistoriqueAnswer, ChorusError> {
        self.post(API, "consulter/historique", request, CallKind::Read)
    }

    /// Sent once (it changes the invoice on Chorus Pro).
    pub fn recycler(&self, request: &RecyclerRequest) -> Result<RecyclerAnswer, ChorusError> {
        self.post(API, "recycler", request, CallKind::Action)
    }

    /// Sent once (it changes the invoice on Chorus Pro).
    pub fn completer(&self, request: &CompleterRequest) -> Result<CompleterAnswer, ChorusError> {
        self.post(API, "completer", request, CallKind::Action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_answer_reads_leniently() {
        let answer: ConsulterHistoriqueAnswer = serde_json::from_str(
            r#"{"codeRetour":0,"libelle":"OK","idFacture":"123","statutCourantCode":"NOUVEAU",
                "historiquesDesStatuts":{"histoStatut":null}}"#,
        )
        .unwrap();
        assert_eq!(answer.id_facture, Some(123));
        assert_eq!(
            answer.statut_courant_code,
            Some(InvoiceStatus::Unknown("NOUVEAU".into()))
        );
        assert!(
            answer
                .historiques_des_statuts
                .unwrap()
                .histo_statut
                .is_empty()
        );
    }

    #[test]
    fn deposit_debug_does_not_dump_the_file() {
        let request = DeposerFluxRequest::new("f.xml", &[0u8; 3000], FluxSyntax::UblInvoice);
        let debug = format!("{request:?}");
        assert!(debug.len() < 300, "{debug}");
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["syntaxeFlux"], "IN_DP_E1_UBL_INVOICE");
        assert_eq!(json["nomFichier"], "f.xml");
        assert!(json.get("idUtilisateurCourant").is_none());
    }
}
