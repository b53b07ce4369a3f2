//! The router and the invoice-side endpoints (factures, transverses). The structures
//! endpoints are in `structures.rs`.
//!
//! Gateway order, as PISTE: unknown `/cpro/` route → 403; then the bearer token and the
//! `cpro-account` header → 401; then the JSON body → 400 / 415; then the operation.

use super::Shared;
use super::auth;
use super::flux_reader;
use super::http::{Outcome, Request, Response};
use super::lifecycle;
use super::state::{self, DepositParams, Invoice};
use super::structures;
use base64::Engine as _;
use serde_json::{Map, Value, json};

pub const OK_LIBELLE: &str = "TRA_MSG_00.000";

/// The POST operations served under `/cpro/`.
const OPERATIONS: &[&str] = &[
    "/cpro/factures/v1/deposer/flux",
    "/cpro/transverses/v1/consulterCRDetaille",
    "/cpro/factures/v1/rechercher/fournisseur",
    "/cpro/factures/v1/consulter/historique",
    "/cpro/factures/v1/recycler",
    "/cpro/factures/v1/completer",
    "/cpro/structures/v1/rechercher",
    "/cpro/structures/v1/consulter",
    "/cpro/structures/v1/rechercher/services",
    "/cpro/structures/v1/consulter/service",
    "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
    "/cpro/transverses/v1/recuperer/coordbanc/valides",
    "/cpro/transverses/v1/telecharger/annuaire/destinataire",
    "/cpro/transverses/v1/ajouter/fichier",
];
const HEALTH_CHECK: &str = "/cpro/transverses/v1/health-check";

pub fn route(shared: &Shared, request: &Request) -> Outcome {
    let path = request.path.trim_end_matches('/');
    let response = match path {
        "/api/oauth/token" => auth::token_endpoint(shared, request),
        "/sandbox/deposits" => deposits(shared),
        HEALTH_CHECK => health_check(shared, request),
        p if OPERATIONS.contains(&p) => api_call(shared, request, p),
        p if p.starts_with("/cpro/") => Response::json(
            403,
            &json!({
                "httpCode": "403",
                "httpMessage": "Forbidden",
                "moreInformation": "API non souscrite ou inexistante",
                "codeRetour": 403,
                "libelle": format!("Accès refusé : la route {p} n'existe pas ou n'est pas souscrite"),
            }),
        ),
        p => Response::error(404, 404, &format!("Ressource introuvable : {p}")),
    };
    Outcome::Respond(response)
}

fn api_call(shared: &Shared, request: &Request, path: &str) -> Response {
    if request.method != "POST" {
        return Response::error(
            405,
            405,
            "Méthode non autorisée : cette opération attend un POST",
        )
        .with_header("Allow", "POST");
    }
    if let Err(response) = auth::check(shared, request) {
        return response;
    }
    let body = match json_body(request) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let result = match path {
        "/cpro/factures/v1/deposer/flux" => deposit_flux(shared, &body),
        "/cpro/transverses/v1/consulterCRDetaille" => flux_report(shared, &body),
        "/cpro/factures/v1/rechercher/fournisseur" => search_invoices(shared, &body),
        "/cpro/factures/v1/consulter/historique" => history(shared, &body),
        "/cpro/factures/v1/recycler" => recycle(shared, &body),
        "/cpro/factures/v1/completer" => complete(shared, &body),
        "/cpro/structures/v1/rechercher" => structures::search(shared, &body),
        "/cpro/structures/v1/consulter" => structures::consult(shared, &body),
        "/cpro/structures/v1/rechercher/services" => structures::services(shared, &body),
        "/cpro/structures/v1/consulter/service" => structures::consult_service(shared, &body),
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur" => {
            structures::supplier_structures(shared)
        }
        "/cpro/transverses/v1/recuperer/coordbanc/valides" => structures::bank_accounts(&body),
        "/cpro/transverses/v1/telecharger/annuaire/destinataire" => download_directory(shared),
        "/cpro/transverses/v1/ajouter/fichier" => add_file(shared, &body),
        _ => Err(Response::error(403, 403, "Accès refusé")),
    };
    match result {
        Ok(fields) => ok(fields),
        Err(response) => response,
    }
}

/// `{}` for an empty body; 415 for a body that says it is not JSON; 400 for bad JSON.
/// The charset parameter and its case do not matter, as on PISTE.
fn json_body(request: &Request) -> Result<Value, Response> {
    if let Some(content_type) = request.header("content-type") {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if !request.body.is_empty() && !media.is_empty() && !media.contains("json") {
            return Err(Response::error(
                415,
                415,
                &format!("Format de la requête non supporté ({media}) : application/json attendu"),
            ));
        }
    }
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let body = request
        .body
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&request.body);
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(Response::error(
            400,
            400,
            "Requête mal formulée : un objet JSON est attendu",
        )),
        Err(e) => Err(Response::error(
            400,
            400,
            &format!("Requête mal formulée : JSON invalide ({e})"),
        )),
    }
}

/// A success answer: the fields plus `codeRetour` 0 and `libelle`.
fn ok(mut fields: Map<String, Value>) -> Response {
    fields.insert("codeRetour".into(), json!(0));
    fields.insert("libelle".into(), json!(OK_LIBELLE));
    Response::json(200, &Value::Object(fields))
}

pub fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A business error: HTTP 400 with a non-zero `codeRetour`.
pub fn business(code: i64, libelle: &str) -> Response {
    Response::error(400, code, libelle)
}

/// An int64 field given as a number or a numeric string (clients differ).
pub fn int_field(body: &Value, key: &str) -> Option<i64> {
    match body.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn text_field(body: &Value, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn missing(field: &str) -> Response {
    business(
        20000,
        &format!("Le champ obligatoire « {field} » est absent ou invalide."),
    )
}

/// (page, per page) from a paging object; pages count from 1.
pub fn paging(params: Option<&Value>, default_per_page: i64) -> (i64, i64) {
    let params = params.cloned().unwrap_or(Value::Null);
    let page = int_field(&params, "pageResultatDemandee")
        .unwrap_or(1)
        .max(1);
    let per_page = int_field(&params, "nbResultatsParPage")
        .filter(|n| *n > 0)
        .unwrap_or(default_per_page)
        .min(10_000);
    (page, per_page)
}

/// The page slice and the `parametresRetour` object.
pub fn page_of<T: Clone>(items: &[T], page: i64, per_page: i64) -> (Vec<T>, Value) {
    let total = items.len() as i64;
    let pages = ((total + per_page - 1) / per_page).max(1);
    // Hostile page numbers must not overflow.
    let start = (page - 1).saturating_mul(per_page).min(total) as usize;
    let end = (start + per_page as usize).min(items.len());
    (
        items[start..end].to_vec(),
        json!({
            "total": total,
            "pages": pages,
            "pageCourante": page,
            "nbResultatsParPage": per_page,
        }),
    )
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, state::State> {
    // A handler that panicked must not take the whole sandbox with it.
    shared.state.lock().unwrap_or_else(|p| p.into_inner())
}

fn persist(
    shared: &Shared,
    state: &state::State,
    flux: Option<&str>,
    ids: &[i64],
    numbers: &[String],
) {
    if let Some(store) = &shared.store {
        let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = store.save(state, flux, ids, numbers) {
            tracing::error!("bac à sable : enregistrement impossible : {e}");
        }
    }
}

fn deposits(shared: &Shared) -> Response {
    let state = lock(shared);
    let list: Vec<Value> = state
        .deposits
        .iter()
        .map(|(numero, count)| json!({ "numero": numero, "count": count }))
        .collect();
    Response::json(200, &json!({ "deposits": list }))
}

fn health_check(shared: &Shared, request: &Request) -> Response {
    let _ = shared;
    if request.method != "GET" && request.method != "POST" {
        return Response::error(405, 405, "Méthode non autorisée");
    }
    Response::json(
        200,
        &json!({
            "body": "Chorus Pro (bac à sable) est disponible",
            "statusCodeValue": 200,
            "statusCode": "OK",
            "codeRetour": 0,
            "libelle": OK_LIBELLE,
        }),
    )
}

/// Largest decoded flux: "10 Mo par fichier, 30 compressés" (chorus-api.md §3.2).
const MAX_FLUX_BYTES: usize = 30 * 1024 * 1024;

fn deposit_flux(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let encoded = text_field(body, "fichierFlux").ok_or_else(|| missing("fichierFlux"))?;
    let syntax_code = text_field(body, "syntaxeFlux").ok_or_else(|| missing("syntaxeFlux"))?;
    let file_name = text_field(body, "nomFichier").unwrap_or_else(|| "flux".into());
    let Some(syntax) = flux_reader::syntax_of(&syntax_code) else {
        return Err(business(
            20003,
            &format!(
                "La syntaxe de flux « {syntax_code} » est inconnue (ex. IN_DP_E1_UBL_INVOICE, IN_DP_E1_CII_16B, IN_DP_E2_CII_FACTURX)."
            ),
        ));
    };
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| {
            business(
                20002,
                "Le fichier du flux (fichierFlux) n'est pas encodé en base64.",
            )
        })?;
    if bytes.len() > MAX_FLUX_BYTES {
        return Err(business(
            20001,
            "GDP_MSG_11.022 : le fichier déposé dépasse la taille maximale autorisée.",
        ));
    }
    let now = super::now_ms();
    let mut state = lock(shared);
    let deposit = state.deposit(
        &shared.directory,
        &DepositParams {
            file_name: &file_name,
            syntax_code: &syntax_code,
            syntax,
            bytes: &bytes,
            now_ms: now,
            seed: shared.config.seed,
            time_scale: shared.config.time_scale,
        },
    );
    persist(
        shared,
        &state,
        Some(&deposit.numero),
        &deposit.invoice_ids,
        &deposit.numbers,
    );
    Ok(object(json!({
        "numeroFluxDepot": deposit.numero,
        "dateDepot": state::date_of(now),
        "syntaxeFlux": syntax_code,
    })))
}

fn interface_code(syntax: &str) -> &'static str {
    match flux_reader::syntax_of(syntax) {
        Some(flux_reader::Syntax::Cii) => "FSO1106A",
        Some(flux_reader::Syntax::FacturX) => "FSO1117A",
        _ => "FSO1100A",
    }
}

fn flux_report(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let numero = text_field(body, "numeroFluxDepot").ok_or_else(|| missing("numeroFluxDepot"))?;
    let state = lock(shared);
    let Some(flux) = state.fluxes.get(&numero) else {
        return Err(business(
            20001,
            &format!("Le flux n° {numero} est inconnu."),
        ));
    };
    let now = super::now_ms();
    let done = now >= flux.integrated_ms;
    let (etat, since) = if done {
        (flux.final_state.as_str(), flux.integrated_ms)
    } else {
        (
            "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
            flux.deposited_ms,
        )
    };
    let errors: Vec<Value> = if done {
        flux.errors
            .iter()
            .map(|e| {
                json!({
                    "identifiantFournisseur": e.supplier,
                    "identifiantDestinataire": e.recipient,
                    "numeroDP": e.number,
                    "libelleErreurDP": e.message,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(object(json!({
        "etatCourantDepotFlux": etat,
        "codeInterfaceDepotFlux": interface_code(&flux.syntax),
        "dateDepotFlux": state::datetime_of(flux.deposited_ms),
        "dateHeureEtatCourantFlux": state::datetime_of(since),
        "nomFichier": flux.file_name,
        "listeErreurDP": errors,
        "listeErreurTechnique": [],
    })))
}

/// `statutCourant` as clients send it: a string, an array of strings, or of objects.
fn wanted_statuses(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |v: &Value| match v {
        Value::String(s) => out.push(s.trim().to_string()),
        Value::Object(o) => {
            for key in ["statutFacture", "statut", "code", "statutCourant"] {
                if let Some(Value::String(s)) = o.get(key) {
                    out.push(s.trim().to_string());
                }
            }
        }
        _ => {}
    };
    match body.get("statutCourant") {
        Some(Value::Array(list)) => list.iter().for_each(&mut add),
        Some(v) => add(v),
        None => {}
    }
    out
}

fn invoice_summary(shared: &Shared, invoice: &Invoice, now: i64) -> Value {
    let current = invoice.current(now);
    let buyer = shared.directory.structure_by_id(invoice.buyer_id);
    let service = invoice
        .service_id
        .and_then(|id| shared.directory.service_by_id(id));
    let r = &invoice.read;
    json!({
        "identifiantFactureCPP": invoice.id,
        "numeroFacture": r.number,
        "numeroFluxDepot": invoice.flux,
        "statut": current.map(|s| s.status.clone()),
        "dateDepot": invoice.deposit_date,
        "dateFacture": r.issue_date,
        "dateHeureEtatCourant": current.map(|s| state::datetime_of(s.at_ms)),
        "commentaireEtatCourant": current.map(|s| s.comment.clone()).filter(|c| !c.is_empty()),
        "codeDestinataire": r.buyer_siret,
        "idDestinataire": invoice.buyer_id,
        "designationDestinataire": buyer.map(|b| b.data.name.clone()).unwrap_or_else(|| r.buyer_name.clone()),
        "codeServiceExecutant": (!r.service_code.is_empty()).then(|| r.service_code.clone()),
        "idServiceExecutant": invoice.service_id,
        "nomServiceExecutant": service.map(|s| s.data.name.clone()),
        "codeFournisseur": r.seller_siret,
        "idFournisseur": structures::supplier_id(&r.seller_siret),
        "designationFournisseur": r.seller_name,
        "typeIdentifiantFournisseur": "SIRET",
        "typeFacture": if r.credit_note { "AVOIR" } else { "FACTURE" },
        "typeDemandePaiement": "FACTURE",
        "modeDepot": "DEPOT_PDF_API",
        "montantHT": amount(&r.amount_ht),
        "montantTTC": amount(&r.amount_ttc),
        "montantAPayer": amount(&r.amount_due),
        "devise": r.currency,
        "numeroBonCommande": (!r.engagement.is_empty()).then(|| r.engagement.clone()),
        "numeroMarche": (!r.market.is_empty()).then(|| r.market.clone()),
        "rejetTraite": false,
    })
}

/// Amounts are JSON numbers in Chorus answers; `null` when the invoice did not carry one.
fn amount(text: &str) -> Value {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map_or(Value::Null, |v| json!(v))
}

fn search_invoices(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let flux = text_field(body, "numeroFluxDepot");
    let number = text_field(body, "numeroFacture");
    let engagement = text_field(body, "numeroBonCommande");
    let kind = text_field(body, "typeFacture");
    let statuses = wanted_statuses(body);
    let (page, per_page) = paging(body.get("rechercheFactureParFournisseur"), 50);
    let now = super::now_ms();
    let state = lock(shared);
    let found: Vec<&Invoice> = state
        .invoices
        .values()
        .filter(|i| i.current(now).is_some())
        .filter(|i| flux.as_ref().is_none_or(|f| &i.flux == f))
        .filter(|i| number.as_ref().is_none_or(|n| &i.read.number == n))
        .filter(|i| engagement.as_ref().is_none_or(|e| &i.read.engagement == e))
        .filter(|i| {
            kind.as_ref()
                .is_none_or(|k| (k == "AVOIR") == i.read.credit_note)
        })
        .filter(|i| {
            statuses.is_empty()
                || i.current(now)
                    .is_some_and(|s| statuses.iter().any(|w| w == &s.status))
        })
        .collect();
    let (slice, retour) = page_of(&found, page, per_page);
    let list: Vec<Value> = slice
        .iter()
        .map(|i| invoice_summary(shared, i, now))
        .collect();
    Ok(object(json!({
        "listeFactures": list,
        "parametresRetour": retour,
    })))
}

fn invoice_id(body: &Value) -> Option<i64> {
    int_field(body, "idFacture").or_else(|| int_field(body, "identifiantFactureCPP"))
}

fn unknown_invoice() -> Response {
    business(
        20000,
        "GDP_MSG_11.008 : La demande de paiement n'existe pas.",
    )
}

fn history(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let id = invoice_id(body).ok_or_else(|| missing("idFacture"))?;
    let now = super::now_ms();
    let state = lock(shared);
    let invoice = state
        .invoices
        .get(&id)
        .filter(|i| i.current(now).is_some())
        .ok_or_else(unknown_invoice)?;
    let reached = lifecycle::reached(&invoice.steps, now);
    // Most recent first, as the portal shows it.
    let entries: Vec<Value> = reached
        .iter()
        .enumerate()
        .rev()
        .map(|(i, step)| {
            json!({
                "histoStatutId": invoice.id * 100 + i as i64 + 1,
                "histoStatutCode": step.status,
                "histoStatutDatePassage": state::datetime_of(step.at_ms),
                "histoStatutCommentaire": step.comment,
                "histoStatutUtilisateurNom": if step.comment.is_empty() { "" } else { "SERVICE" },
                "histoStatutUtilisateurPrenom": if step.comment.is_empty() { "" } else { "Gestionnaire" },
            })
        })
        .collect();
    let total = entries.len();
    let current = reached.last().map(|s| s.status.clone());
    Ok(object(json!({
        "idFacture": invoice.id,
        "numeroFacture": invoice.read.number,
        "modeDepot": "DEPOT_PDF_API",
        "statutCourantCode": current,
        "derniereAction": { "derniereActionId": total, "derniereActionCode": current },
        "historiquesDesStatuts": {
            "histoStatut": entries,
            "pageCouranteHistoStatut": 1,
            "pagesHistoStatut": 1,
            "nbResultatsParPageHistoStatut": total,
            "totalHistoStatut": total,
        },
        "historiquesDesActionsUtilisateurs": { "histoAction": [] },
        "historiquesDesEvenementsComplementaires": { "evenement": [] },
    })))
}

fn recycle(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let id = invoice_id(body).ok_or_else(|| missing("identifiantFactureCPP"))?;
    let destination = body.get("destinataire").cloned().unwrap_or(Value::Null);
    let now = super::now_ms();
    let mut state = lock(shared);
    let invoice = state
        .invoices
        .get(&id)
        .filter(|i| i.current(now).is_some())
        .ok_or_else(unknown_invoice)?;
    let status = invoice
        .current(now)
        .map(|s| s.status.clone())
        .unwrap_or_default();
    if status != "A_RECYCLER" {
        return Err(business(
            20004,
            &format!(
                "La facture n'est pas au statut « À recycler » (statut actuel : {status}) : elle ne peut pas être recyclée."
            ),
        ));
    }
    let buyer = text_field(&destination, "codeDestinataire")
        .unwrap_or_else(|| invoice.read.buyer_siret.clone());
    let service = text_field(&destination, "codeServiceExecutant").unwrap_or_default();
    // The corrected engagement: `reference.numeroBonCommande` (go-choruspro) or a flat field.
    let engagement = body
        .get("reference")
        .and_then(|r| text_field(r, "numeroBonCommande"))
        .or_else(|| text_field(body, "numeroBonCommande"))
        .or_else(|| text_field(body, "numeroEngagement"))
        .unwrap_or_else(|| invoice.read.engagement.clone());
    let (buyer_id, service_id) =
        state::check_routing(&shared.directory, &buyer, &service, &engagement)
            .map_err(|message| business(20005, &message))?;
    let comment = text_field(body, "commentaire").unwrap_or_default();
    let seed = shared.config.seed;
    let scale = shared.config.time_scale;
    let Some(invoice) = state.invoices.get_mut(&id) else {
        return Err(unknown_invoice());
    };
    let kept = lifecycle::reached(&invoice.steps, now).len();
    invoice.steps.truncate(kept);
    let plan = lifecycle::recycled_plan(seed, &invoice.read.number, now, scale, &comment);
    invoice.steps.extend(plan);
    invoice.read.buyer_siret = buyer;
    invoice.read.service_code = service;
    invoice.read.engagement = engagement;
    invoice.buyer_id = buyer_id;
    invoice.service_id = service_id;
    let number = invoice.read.number.clone();
    persist(shared, &state, None, &[id], &[]);
    Ok(object(json!({
        "dateDepot": state::date_of(now),
        "identifiantFactureCPP": id,
        "numeroFacture": number,
        "statutFacture": "DEPOSEE",
    })))
}

fn complete(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let id = invoice_id(body).ok_or_else(|| missing("identifiantFactureCPP"))?;
    let now = super::now_ms();
    let mut state = lock(shared);
    let comment = text_field(body, "commentaire").unwrap_or_default();
    let seed = shared.config.seed;
    let scale = shared.config.time_scale;
    let uploaded = state.attachments.clone();
    let invoice = state
        .invoices
        .get_mut(&id)
        .filter(|i| i.current(now).is_some())
        .ok_or_else(unknown_invoice)?;
    if invoice.current(now).map(|s| s.status.as_str()) != Some("SUSPENDUE") {
        return Err(business(20002, "GDP_MSG_11.033"));
    }
    let attached: Vec<i64> = body
        .get("pieceJointeComplementaire")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|pj| int_field(pj, "pieceJointeComplementaireId"))
                .collect()
        })
        .unwrap_or_default();
    let unknown: Vec<String> = attached
        .iter()
        .filter(|id| !uploaded.contains_key(id))
        .map(i64::to_string)
        .collect();
    if !unknown.is_empty() {
        return Err(business(
            20003,
            &format!(
                "{} : {} (à déposer d'abord avec ajouter/fichier).",
                if unknown.len() == 1 {
                    "Pièce jointe inconnue"
                } else {
                    "Pièces jointes inconnues"
                },
                unknown.join(", ")
            ),
        ));
    }
    let kept = lifecycle::reached(&invoice.steps, now).len();
    invoice.steps.truncate(kept);
    let plan = lifecycle::completed_plan(seed, &invoice.read.number, now, scale, &comment);
    invoice.steps.extend(plan);
    let number = invoice.read.number.clone();
    persist(shared, &state, None, &[id], &[]);
    Ok(object(json!({
        "dateTraitement": state::date_of(now),
        "identifiantFactureCPP": id,
        "numeroFacture": number,
    })))
}

/// Largest attachment: 10 Mo (error 20003, chorus-api.md §2.3).
const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// `ajouter/fichier`: keeps the name, answers a `pieceJointeId`.
fn add_file(shared: &Shared, body: &Value) -> Result<Map<String, Value>, Response> {
    let encoded =
        text_field(body, "pieceJointeFichier").ok_or_else(|| missing("pieceJointeFichier"))?;
    let name = text_field(body, "pieceJointeNom").ok_or_else(|| missing("pieceJointeNom"))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.as_bytes())
        .map_err(|_| {
            business(
                20000,
                "Le fichier (pieceJointeFichier) n'est pas encodé en base64.",
            )
        })?;
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(business(
            20003,
            "La pièce jointe ne doit pas dépasser 10Mo.",
        ));
    }
    let mut state = lock(shared);
    let id = state.attachments.keys().next_back().copied().unwrap_or(0) + 1;
    state.attachments.insert(id, name);
    Ok(object(json!({ "pieceJointeId": id })))
}

fn download_directory(shared: &Shared) -> Result<Map<String, Value>, Response> {
    let zip = shared.directory.export_zip().map_err(|e| {
        Response::error(500, 500, &format!("Export de l'annuaire impossible : {e}"))
    })?;
    Ok(object(json!({
        "fichierResultat": base64::engine::general_purpose::STANDARD.encode(zip),
    })))
}
