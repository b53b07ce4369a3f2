//! HTTP behaviour of the Chorus Pro client over real loopback TCP, against a scripted server:
//! token, headers, 401 replay, retries of reads, deposits never retried, French errors,
//! secrets kept out of Debug and of the audit log.

#[path = "chorus_server.rs"]
mod server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use chorus_depot::chorus::factures::{DeposerFluxRequest, RechercherFacturesFournisseurRequest};
use chorus_depot::chorus::structures::RechercherStructureRequest;
use chorus_depot::chorus::transverses::ConsulterCrDetailleRequest;
use chorus_depot::chorus::{
    ChorusClient, ChorusError, ClientOptions, Credentials, Environment, FluxState, FluxSyntax,
    InvoiceStatus, ManualClock, MemoryLog, RetryPolicy, Secret,
};
use serde_json::json;
use server::{Reply, ScriptedServer, json, ok, respond, token};

const TOKEN_PATH: &str = "/api/oauth/token";
const SEARCH_STRUCTURE: &str = "/cpro/structures/v1/rechercher";
const DEPOSIT: &str = "/cpro/factures/v1/deposer/flux";
const SEARCH_INVOICES: &str = "/cpro/factures/v1/rechercher/fournisseur";

const CLIENT_SECRET: &str = "CLIENT-SECRET-XYZ";
const LOGIN: &str = "TECH_depot@cpro.fr";
const PASSWORD: &str = "TECH-PASSWORD-42";

struct Setup {
    server: ScriptedServer,
    client: ChorusClient,
    log: Arc<MemoryLog>,
    clock: Arc<ManualClock>,
}

fn credentials() -> Credentials {
    Credentials {
        client_id: "depot-app".into(),
        client_secret: Secret::new(CLIENT_SECRET),
        login: LOGIN.into(),
        password: Secret::new(PASSWORD),
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_secs(5),
    }
}

fn setup_with(request_timeout: Duration) -> Setup {
    let server = ScriptedServer::start();
    let log = Arc::new(MemoryLog::default());
    let clock = Arc::new(ManualClock::new());
    let client = ChorusClient::new(
        Environment::Sandbox {
            api_base: server.url(),
            token_url: server.token_url(),
        },
        credentials(),
        ClientOptions {
            connect_timeout: Duration::from_secs(2),
            request_timeout,
            retry: fast_retries(),
            clock: clock.clone(),
            log: log.clone(),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    Setup {
        server,
        client,
        log,
        clock,
    }
}

fn setup() -> Setup {
    setup_with(Duration::from_secs(5))
}

fn search(client: &ChorusClient) -> Result<(), ChorusError> {
    client
        .rechercher_structure(&RechercherStructureRequest::by_siret("11000201100044"))
        .map(|_| ())
}

fn deposit(client: &ChorusClient) -> Result<String, ChorusError> {
    let request = DeposerFluxRequest::new(
        "F0001.xml",
        b"<Invoice>F0001</Invoice>",
        FluxSyntax::UblInvoice,
    );
    client
        .deposer_flux(&request)
        .map(|answer| answer.numero_flux_depot.unwrap_or_default())
}

fn structure_found() -> Reply {
    ok(
        json!({"listeStructures": [{"idStructureCPP": 5000025350i64, "identifiantStructure": "11000201100044", "statut": "ACTIVE"}]}),
    )
}

#[test]
fn token_request_is_a_form_and_the_token_is_cached() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(SEARCH_STRUCTURE, structure_found());
    s.server.on(SEARCH_STRUCTURE, structure_found());
    search(&s.client).unwrap();
    search(&s.client).unwrap();

    let tokens = s.server.requests_to(TOKEN_PATH);
    assert_eq!(tokens.len(), 1, "the token is cached");
    let form = tokens[0].body_text();
    let mut fields: Vec<&str> = form.split('&').collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "client_id=depot-app",
            "client_secret=CLIENT-SECRET-XYZ",
            "grant_type=client_credentials",
            "scope=openid"
        ]
    );
    assert_eq!(tokens[0].method, "POST");
    assert_eq!(
        tokens[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(tokens[0].header("authorization"), None, "no HTTP Basic");
}

#[test]
fn api_calls_carry_bearer_cpro_account_and_charset() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(SEARCH_STRUCTURE, structure_found());
    let answer = s
        .client
        .rechercher_structure(&RechercherStructureRequest::by_siret("11000201100044"))
        .unwrap();
    assert_eq!(
        answer.liste_structures[0].id_structure_cpp,
        Some(5000025350)
    );

    let call = &s.server.requests_to(SEARCH_STRUCTURE)[0];
    assert_eq!(call.method, "POST");
    assert_eq!(call.header("authorization"), Some("Bearer tok-1"));
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{LOGIN}:{PASSWORD}"));
    assert_eq!(call.header("cpro-account"), Some(expected.as_str()));
    assert_eq!(
        call.header("content-type"),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(
        call.json(),
        json!({"structure": {"identifiantStructure": "11000201100044", "typeIdentifiantStructure": "SIRET"}})
    );
}

#[test]
fn token_is_renewed_240_seconds_before_expiry() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(TOKEN_PATH, token("tok-2", 3600));
    for _ in 0..3 {
        s.server.on(SEARCH_STRUCTURE, structure_found());
    }
    search(&s.client).unwrap();
    s.clock.advance(Duration::from_secs(3600 - 240 - 1));
    search(&s.client).unwrap();
    assert_eq!(
        s.server.requests_to(TOKEN_PATH).len(),
        1,
        "still valid at T-241 s"
    );
    s.clock.advance(Duration::from_secs(2));
    search(&s.client).unwrap();
    assert_eq!(
        s.server.requests_to(TOKEN_PATH).len(),
        2,
        "renewed at T-239 s"
    );
    let calls = s.server.requests_to(SEARCH_STRUCTURE);
    assert_eq!(calls[1].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(calls[2].header("authorization"), Some("Bearer tok-2"));
}

#[test]
fn a_401_renews_the_token_and_replays_once() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(TOKEN_PATH, token("tok-2", 3600));
    s.server.on(SEARCH_STRUCTURE, respond(401, &[], ""));
    s.server.on(SEARCH_STRUCTURE, structure_found());
    search(&s.client).unwrap();
    let calls = s.server.requests_to(SEARCH_STRUCTURE);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].header("authorization"), Some("Bearer tok-1"));
    assert_eq!(calls[1].header("authorization"), Some("Bearer tok-2"));
}

#[test]
fn a_second_401_is_a_bad_technical_account_with_the_header_text() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(TOKEN_PATH, token("tok-2", 3600));
    let www = r#"Bearer realm="PISTE",error="Unauthorized",error_description="login or password incorrects""#;
    s.server.on(
        SEARCH_STRUCTURE,
        respond(401, &[("WWW-Authenticate", www)], ""),
    );
    s.server.on(
        SEARCH_STRUCTURE,
        respond(401, &[("WWW-Authenticate", www)], ""),
    );
    let error = search(&s.client).unwrap_err();
    assert!(
        matches!(&error, ChorusError::BadTechnicalAccount { www_authenticate } if www_authenticate == www),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("Compte technique"), "{message}");
    assert!(
        message.contains("login or password incorrects"),
        "{message}"
    );
    assert!(error.is_configuration_problem() && !error.is_retryable());
    assert_eq!(
        s.server.requests_to(SEARCH_STRUCTURE).len(),
        2,
        "replayed once only"
    );
}

#[test]
fn a_429_with_retry_after_is_waited_then_the_read_succeeds() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        SEARCH_STRUCTURE,
        respond(429, &[("Retry-After", "1")], r#"{"message":"quota"}"#),
    );
    s.server.on(SEARCH_STRUCTURE, structure_found());
    let start = Instant::now();
    search(&s.client).unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(s.server.requests_to(SEARCH_STRUCTURE).len(), 2);
}

#[test]
fn quota_exceeded_message_when_retries_run_out() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    for _ in 0..3 {
        s.server.on(SEARCH_STRUCTURE, respond(429, &[], ""));
    }
    let error = search(&s.client).unwrap_err();
    assert!(
        matches!(error, ChorusError::QuotaExceeded { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("Quota"), "{error}");
    assert_eq!(s.server.requests_to(SEARCH_STRUCTURE).len(), 3);
}

#[test]
fn server_errors_are_retried_for_reads() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(SEARCH_STRUCTURE, respond(500, &[], "boom"));
    s.server.on(SEARCH_STRUCTURE, respond(503, &[], ""));
    s.server.on(SEARCH_STRUCTURE, structure_found());
    search(&s.client).unwrap();
    assert_eq!(s.server.requests_to(SEARCH_STRUCTURE).len(), 3);
}

#[test]
fn persistent_server_errors_say_chorus_is_unavailable() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    for _ in 0..3 {
        s.server.on(SEARCH_STRUCTURE, respond(503, &[], ""));
    }
    let error = search(&s.client).unwrap_err();
    assert!(
        matches!(
            error,
            ChorusError::Unavailable {
                status: Some(503),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(error.to_string().contains("indisponible"), "{error}");
    assert_eq!(
        s.server.requests_to(SEARCH_STRUCTURE).len(),
        3,
        "max_attempts"
    );
}

#[test]
fn a_read_timeout_is_retried() {
    let s = setup_with(Duration::from_millis(400));
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        SEARCH_STRUCTURE,
        Reply::Delay(Duration::from_millis(1200), Box::new(structure_found())),
    );
    s.server.on(SEARCH_STRUCTURE, structure_found());
    search(&s.client).unwrap();
    assert_eq!(s.server.requests_to(SEARCH_STRUCTURE).len(), 2);
}

#[test]
fn a_deposit_succeeds_and_returns_the_flux_number() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        DEPOSIT,
        ok(json!({"numeroFluxDepot": "CPP0011117000000000300163", "dateDepot": "2026-11-23", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE"})),
    );
    assert_eq!(deposit(&s.client).unwrap(), "CPP0011117000000000300163");
    let sent = s.server.requests_to(DEPOSIT)[0].json();
    assert_eq!(sent["nomFichier"], "F0001.xml");
    assert_eq!(sent["syntaxeFlux"], "IN_DP_E1_UBL_INVOICE");
    assert_eq!(
        sent["fichierFlux"],
        base64::engine::general_purpose::STANDARD.encode(b"<Invoice>F0001</Invoice>")
    );
}

#[test]
fn a_deposit_is_not_retried_on_a_server_error_and_its_outcome_is_unknown() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(DEPOSIT, respond(500, &[], ""));
    s.server.on(
        DEPOSIT,
        ok(json!({"numeroFluxDepot": "SHOULD-NOT-BE-USED"})),
    );
    let error = deposit(&s.client).unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(s.server.requests_to(DEPOSIT).len(), 1, "never retried");
}

#[test]
fn a_dropped_connection_after_a_deposit_gives_outcome_unknown() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(DEPOSIT, Reply::Drop);
    let error = deposit(&s.client).unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(error.to_string().contains("à vérifier"), "{error}");
    assert_eq!(
        s.server.requests_to(DEPOSIT).len(),
        1,
        "received once, never resent"
    );
}

#[test]
fn a_deposit_timeout_gives_outcome_unknown_without_retry() {
    let s = setup_with(Duration::from_millis(400));
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        DEPOSIT,
        Reply::Delay(Duration::from_millis(1200), Box::new(ok(json!({})))),
    );
    let error = deposit(&s.client).unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(
        matches!(error.root(), ChorusError::Timeout { .. }),
        "{error:?}"
    );
    std::thread::sleep(Duration::from_millis(900));
    assert_eq!(s.server.requests_to(DEPOSIT).len(), 1);
}

#[test]
fn a_refused_connection_means_the_deposit_was_not_received() {
    let server = ScriptedServer::start();
    server.on(TOKEN_PATH, token("tok-1", 3600));
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = ChorusClient::new(
        Environment::Sandbox {
            api_base: dead_base,
            token_url: server.token_url(),
        },
        credentials(),
        ClientOptions {
            retry: fast_retries(),
            ..ClientOptions::default()
        },
    )
    .unwrap();
    let error = deposit(&client).unwrap_err();
    assert!(
        matches!(&error, ChorusError::DepositNotReceived { cause } if matches!(**cause, ChorusError::Unavailable { status: None, .. })),
        "{error:?}"
    );
    assert!(!error.is_outcome_unknown());
    assert!(error.to_string().contains("Dépôt non effectué"), "{error}");
}

#[test]
fn code_retour_not_zero_is_a_rejection_with_its_libelle() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        DEPOSIT,
        json(
            200,
            json!({"codeRetour": 20001, "libelle": "GDP_MSG_11.022"}),
        ),
    );
    let error = deposit(&s.client).unwrap_err();
    assert!(!error.is_outcome_unknown());
    assert_eq!(error.rejection(), Some((20001, "GDP_MSG_11.022")));
    let message = error.to_string();
    assert!(
        message.contains("GDP_MSG_11.022") && message.contains("20001"),
        "{message}"
    );

    // On a read: not retried either (the request itself is wrong).
    s.server.on(
        SEARCH_STRUCTURE,
        json(
            400,
            json!({"codeRetour": 30, "libelle": "Identifiant de structure invalide"}),
        ),
    );
    let error = search(&s.client).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("Identifiant de structure invalide"),
        "{error}"
    );
    assert_eq!(s.server.requests_to(SEARCH_STRUCTURE).len(), 1);
}

#[test]
fn a_403_says_the_api_is_not_subscribed() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(SEARCH_STRUCTURE, respond(403, &[], ""));
    let error = search(&s.client).unwrap_err();
    assert!(
        matches!(error, ChorusError::ApiNotSubscribed { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("n'est pas souscrite"), "{error}");
    assert_eq!(
        s.server.requests_to(SEARCH_STRUCTURE).len(),
        1,
        "not retried"
    );
}

#[test]
fn a_bad_client_secret_gives_a_french_message() {
    let s = setup();
    let refusal = json(
        400,
        json!({"error": "invalid_client", "error_description": "Bad client credentials"}),
    );
    s.server.on(TOKEN_PATH, refusal.clone());
    let error = search(&s.client).unwrap_err();
    assert!(
        matches!(error, ChorusError::InvalidClientCredentials { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("Identifiants PISTE refusés"),
        "{error}"
    );
    assert_eq!(s.server.requests_to(TOKEN_PATH).len(), 1, "not retried");
    assert!(s.server.requests_to(SEARCH_STRUCTURE).is_empty());

    s.server.on(TOKEN_PATH, refusal);
    let error = deposit(&s.client).unwrap_err();
    assert!(
        matches!(error.root(), ChorusError::InvalidClientCredentials { .. })
            && !error.is_outcome_unknown(),
        "{error:?}"
    );
    assert!(s.server.requests_to(DEPOSIT).is_empty());
}

#[test]
fn an_unreadable_answer_is_a_malformed_answer_not_a_panic() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server
        .on(SEARCH_STRUCTURE, respond(200, &[], "<html>proxy</html>"));
    s.server.on(
        SEARCH_STRUCTURE,
        ok(json!({"listeStructures": [{"idStructureCPP": "pas un nombre"}]})),
    );
    for _ in 0..2 {
        let error = search(&s.client).unwrap_err();
        assert!(
            matches!(error, ChorusError::MalformedAnswer { .. }),
            "{error:?}"
        );
    }
}

#[test]
fn all_pages_are_fetched_and_no_result_is_an_empty_list() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        SEARCH_INVOICES,
        ok(json!({"listeFactures": [{"identifiantFactureCPP": 1, "numeroFacture": "F1", "statut": "DEPOSEE", "montantHT": 100.5}],
                  "parametresRetour": {"pageCourante": 1, "pages": 2, "total": 2}})),
    );
    s.server.on(
        SEARCH_INVOICES,
        ok(json!({"listeFactures": [{"identifiantFactureCPP": 2, "numeroFacture": "F2", "statut": "MISE_EN_PAIEMENT"}],
                  "parametresRetour": {"pageCourante": 2, "pages": 2, "total": 2}})),
    );
    let criteria = RechercherFacturesFournisseurRequest {
        numero_flux_depot: Some("CPP001".into()),
        ..Default::default()
    };
    let invoices = s
        .client
        .rechercher_toutes_factures_fournisseur(&criteria)
        .unwrap();
    assert_eq!(invoices.len(), 2);
    assert_eq!(invoices[0].montant_ht.as_deref(), Some("100.5"));
    assert_eq!(invoices[1].statut, Some(InvoiceStatus::PaymentIssued));
    let pages: Vec<_> = s
        .server
        .requests_to(SEARCH_INVOICES)
        .iter()
        .map(|r| r.json()["rechercheFactureParFournisseur"]["pageResultatDemandee"].clone())
        .collect();
    assert_eq!(pages, vec![json!(1), json!(2)]);

    s.server.on(
        SEARCH_INVOICES,
        json(
            200,
            json!({"codeRetour": 20000, "libelle": "TRA_MSG_00.015"}),
        ),
    );
    assert!(
        s.client
            .rechercher_toutes_factures_fournisseur(&criteria)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn flux_report_keeps_unknown_states() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        "/cpro/transverses/v1/consulterCRDetaille",
        ok(json!({"etatCourantDepotFlux": "IN_INTEGRE_PARTIEL",
                  "listeErreurDP": [{"numeroDP": "F2", "libelleErreurDP": "Service inconnu"}]})),
    );
    s.server.on(
        "/cpro/transverses/v1/consulterCRDetaille",
        ok(json!({"etatCourantDepotFlux": "IN_ETAT_FUTUR"})),
    );
    let request = ConsulterCrDetailleRequest {
        numero_flux_depot: "CPP001".into(),
        syntaxe_flux: None,
    };
    let report = s.client.consulter_cr_detaille(&request).unwrap();
    assert_eq!(
        report.etat_courant_depot_flux,
        Some(FluxState::PartlyIntegrated)
    );
    assert_eq!(report.liste_erreur_dp[0].numero_dp.as_deref(), Some("F2"));
    let report = s.client.consulter_cr_detaille(&request).unwrap();
    assert_eq!(
        report.etat_courant_depot_flux,
        Some(FluxState::Unknown("IN_ETAT_FUTUR".into()))
    );
}

#[test]
fn health_check_is_a_get() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        "/cpro/transverses/v1/health-check",
        json(
            200,
            json!({"body": "OK", "statusCodeValue": 200, "statusCode": "OK"}),
        ),
    );
    let health = s.client.health_check().unwrap();
    assert_eq!(health.status_code_value, Some(200));
    let call = &s.server.requests_to("/cpro/transverses/v1/health-check")[0];
    assert_eq!(call.method, "GET");
    assert!(call.body.is_empty());
}

#[test]
fn secrets_stay_out_of_debug_and_of_the_exchange_log() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-SECRET-VALUE", 3600));
    s.server.on(SEARCH_STRUCTURE, structure_found());
    s.server.on(DEPOSIT, ok(json!({"numeroFluxDepot": "CPP1"})));
    search(&s.client).unwrap();
    deposit(&s.client).unwrap();

    let cpro_account =
        base64::engine::general_purpose::STANDARD.encode(format!("{LOGIN}:{PASSWORD}"));
    let file_base64 = base64::engine::general_purpose::STANDARD.encode(b"<Invoice>F0001</Invoice>");
    let forbidden = [
        CLIENT_SECRET,
        PASSWORD,
        "tok-SECRET-VALUE",
        cpro_account.as_str(),
        file_base64.as_str(),
    ];

    let debug = format!("{:?} {:?}", s.client, credentials());
    for secret in forbidden {
        assert!(!debug.contains(secret), "{secret} in Debug: {debug}");
    }

    let exchanges = s.log.exchanges();
    assert_eq!(exchanges.len(), 3, "token, search, deposit");
    let text = format!("{exchanges:?}");
    for secret in forbidden {
        assert!(
            !text.contains(secret),
            "{secret} in the exchange log: {text}"
        );
    }
    let deposit_exchange = exchanges
        .iter()
        .find(|e| e.route.ends_with(DEPOSIT))
        .unwrap();
    assert_eq!(deposit_exchange.status, Some(200));
    assert!(
        deposit_exchange.request_body.contains("sha256"),
        "{}",
        deposit_exchange.request_body
    );
    assert!(deposit_exchange.response_body.contains("CPP1"));
    assert!(
        deposit_exchange
            .request_headers
            .iter()
            .any(|(n, v)| n == "cpro-account" && v == "***")
    );
    let token_exchange = &exchanges[0];
    assert!(token_exchange.request_body.contains("client_secret=***"));
    assert!(
        token_exchange
            .response_body
            .contains("\"access_token\":\"***\"")
    );
}

#[test]
fn supplier_lookups_directory_history_and_actions() {
    use chorus_depot::chorus::factures::{
        CompleterRequest, ConsulterHistoriqueRequest, RecyclerDestinataire, RecyclerRequest,
    };
    use chorus_depot::chorus::transverses::CoordonneesBancairesRequest;

    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
        ok(json!({"listeStructures": [{"idStructureCPP": 26346724, "identifiant": "12345678200010", "designationStructure": "ACME"}]})),
    );
    s.server.on(
        "/cpro/transverses/v1/recuperer/coordbanc/valides",
        ok(json!({"listeCoordonneeBancaire": [{"idCoordonneeBancaire": 77, "nomCoordonneeBancaire": "Compte principal"}]})),
    );
    let zip = b"PK\x03\x04 fake zip";
    s.server.on(
        "/cpro/transverses/v1/telecharger/annuaire/destinataire",
        ok(json!({"fichierResultat": base64::engine::general_purpose::STANDARD.encode(zip)})),
    );
    s.server.on(
        "/cpro/factures/v1/consulter/historique",
        ok(json!({"idFacture": 9, "statutCourantCode": "A_RECYCLER",
                  "historiquesDesStatuts": {"histoStatut": [{"histoStatutCode": "A_RECYCLER", "histoStatutCommentaire": "Mauvais service"}]}})),
    );
    s.server.on(
        "/cpro/factures/v1/recycler",
        ok(json!({"identifiantFactureCPP": 9, "statutFacture": "DEPOSEE"})),
    );
    s.server
        .on("/cpro/factures/v1/completer", respond(503, &[], ""));
    s.server.on("/cpro/factures/v1/completer", ok(json!({})));

    let own = s.client.recuperer_structures_actives_fournisseur().unwrap();
    assert_eq!(own.liste_structures[0].id_structure_cpp, Some(26346724));
    assert_eq!(
        s.server
            .requests_to("/cpro/transverses/v1/recuperer/structures/actives/fournisseur")[0]
            .json(),
        json!({})
    );
    let banks = s
        .client
        .recuperer_coordonnees_bancaires_valides(&CoordonneesBancairesRequest {
            id_structure: 26346724,
        })
        .unwrap();
    assert_eq!(
        banks.liste_coordonnee_bancaire[0].id_coordonnee_bancaire,
        Some(77)
    );
    let directory = s.client.telecharger_annuaire_destinataire().unwrap();
    assert_eq!(directory.file("annuaire").unwrap(), zip);

    let history = s
        .client
        .consulter_historique(&ConsulterHistoriqueRequest {
            id_facture: 9,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(history.statut_courant_code, Some(InvoiceStatus::ToRecycle));
    let recycled = s
        .client
        .recycler(&RecyclerRequest {
            identifiant_facture_cpp: 9,
            destinataire: RecyclerDestinataire {
                code_destinataire: "11000201100044".into(),
                code_service_executant: Some("SERV2".into()),
            },
            reference: None,
            commentaire: Some("Service corrigé".into()),
            id_utilisateur_courant: None,
        })
        .unwrap();
    assert_eq!(recycled.statut_facture, Some(InvoiceStatus::Deposited));
    assert_eq!(
        s.server.requests_to("/cpro/factures/v1/recycler")[0].json()["identifiantFactureCPP"],
        json!(9)
    );

    // completer changes the invoice: sent once, the 503 goes back to the user as is.
    let error = s
        .client
        .completer(&CompleterRequest {
            identifiant_facture_cpp: 9,
            commentaire: Some("Bon de livraison joint".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        matches!(
            error,
            ChorusError::Unavailable {
                status: Some(503),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(s.server.requests_to("/cpro/factures/v1/completer").len(), 1);
}

#[test]
fn the_client_can_be_shared_between_worker_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ChorusClient>();
    assert_send_sync::<ChorusError>();
}

#[test]
fn a_deposit_refused_by_the_gateway_is_replayed_after_401_but_not_after_429() {
    let s = setup();
    s.server.on(TOKEN_PATH, token("tok-1", 3600));
    s.server.on(TOKEN_PATH, token("tok-2", 3600));
    // A 401 means the gateway stopped the request before Chorus Pro: safe to replay once.
    s.server.on(DEPOSIT, respond(401, &[], ""));
    s.server.on(DEPOSIT, ok(json!({"numeroFluxDepot": "CPP2"})));
    assert_eq!(deposit(&s.client).unwrap(), "CPP2");
    // A 429 is also stopped at the gateway: not received, and left to the journal.
    s.server
        .on(DEPOSIT, respond(429, &[("Retry-After", "1")], ""));
    let error = deposit(&s.client).unwrap_err();
    assert!(
        matches!(&error, ChorusError::DepositNotReceived { cause } if matches!(**cause, ChorusError::QuotaExceeded { .. })),
        "{error:?}"
    );
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(s.server.requests_to(DEPOSIT).len(), 3);
}
