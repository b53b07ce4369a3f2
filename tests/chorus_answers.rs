//! The answers Chorus Pro may give to a deposit, read strictly, over real loopback HTTP
//! (a scripted server: these are answers the sandbox must not give) and real SQLite files:
//! every HTTP status class, a 201/202, `codeRetour` 0 without a flux number, a flux number
//! given twice; two sessions on one base racing on the journal; a copy refused as a
//! duplicate looked up by its number until found.

#[path = "chorus_server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chorus_depot::app::deposit_setup::DepositChoices;
use chorus_depot::app::deposit_wiring::{ChorusGateway, EInvoiceFluxWriter};
use chorus_depot::chorus::factures::{DeposerFluxRequest, RechercherFacturesFournisseurRequest};
use chorus_depot::chorus::transverses::ConsulterCrDetailleRequest;
use chorus_depot::chorus::{
    ChorusClient, ChorusError, ClientOptions, Credentials, Environment, FluxSyntax, RetryPolicy,
    Secret,
};
use chorus_depot::deposit::{Outcome, SequentialOptions, reconcile, run_sequential};
use chorus_depot::store::Store;
use chorus_depot::store::deposits::{self, FluxMode, JournalState, NewFlux};
use chorus_depot::tracking::{Clients, SyncOptions};
use serde_json::json;
use server::{Gate, Reply, ScriptedServer, json, ok, respond, token};

const TOKEN_PATH: &str = "/api/oauth/token";
const DEPOSIT: &str = "/cpro/factures/v1/deposer/flux";
const SEARCH_INVOICES: &str = "/cpro/factures/v1/rechercher/fournisseur";
const FLUX_REPORT: &str = "/cpro/transverses/v1/consulterCRDetaille";
const HISTORY: &str = "/cpro/factures/v1/consulter/historique";

fn client(server: &ScriptedServer) -> ChorusClient {
    ChorusClient::new(
        Environment::Sandbox {
            api_base: server.url(),
            token_url: server.token_url(),
        },
        Credentials {
            client_id: "depot-app".into(),
            client_secret: Secret::new("secret"),
            login: "TECH_depot@cpro.fr".into(),
            password: Secret::new("password"),
        },
        ClientOptions {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(3),
            retry: RetryPolicy {
                max_attempts: 2,
                initial_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(20),
                max_retry_after: Duration::from_secs(1),
            },
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

/// A server with tokens enough for every client of a test.
fn server() -> ScriptedServer {
    let server = ScriptedServer::start();
    for _ in 0..4 {
        server.on(TOKEN_PATH, token("tok", 3600));
    }
    server
}

#[derive(Debug, PartialEq, Eq)]
enum Read {
    Deposited(String),
    NotReceived,
    Unknown,
}

fn deposit_once(client: &ChorusClient) -> (Read, String) {
    let request = DeposerFluxRequest::new("F1.xml", b"<Invoice/>", FluxSyntax::UblInvoice);
    match client.deposer_flux(&request) {
        Ok(answer) => (
            Read::Deposited(answer.numero_flux_depot.unwrap_or_default()),
            String::new(),
        ),
        Err(e @ ChorusError::DepositOutcomeUnknown { .. }) => (Read::Unknown, e.to_string()),
        Err(e @ ChorusError::DepositNotReceived { .. }) => (Read::NotReceived, e.to_string()),
        Err(other) => panic!("a deposit error is always one of the two wrappers: {other:?}"),
    }
}

fn with_location(status: u16) -> Reply {
    respond(status, &[("Location", DEPOSIT)], "")
}

#[test]
fn every_status_class_of_a_deposit_answer_is_read_strictly_and_never_resent() {
    let flux = json!({"codeRetour": 0, "libelle": "TRA_MSG_00.000", "numeroFluxDepot": "CPP0011117000000000300163"});
    let refused = json!({"codeRetour": 20001, "libelle": "GDP_MSG_11.022"});
    let cases: Vec<(&str, Reply, Read)> = vec![
        (
            "200 + codeRetour 0 + numéro",
            json(200, flux.clone()),
            Read::Deposited("CPP0011117000000000300163".into()),
        ),
        (
            "200 + numéro entouré d'espaces",
            ok(json!({"numeroFluxDepot": "  CPP42 "})),
            Read::Deposited("CPP42".into()),
        ),
        ("200 sans numéro", ok(json!({})), Read::Unknown),
        (
            "200 numéro vide",
            ok(json!({"numeroFluxDepot": ""})),
            Read::Unknown,
        ),
        (
            "200 numéro blanc",
            ok(json!({"numeroFluxDepot": "   "})),
            Read::Unknown,
        ),
        (
            "200 numéro null",
            ok(json!({"numeroFluxDepot": null})),
            Read::Unknown,
        ),
        (
            "200 + codeRetour ≠ 0",
            json(200, refused.clone()),
            Read::NotReceived,
        ),
        (
            "200 illisible",
            respond(200, &[], "<html>proxy</html>"),
            Read::Unknown,
        ),
        (
            "200 sans codeRetour",
            json(200, json!({"libelle": "x"})),
            Read::Unknown,
        ),
        (
            "201 + codeRetour 0 + numéro",
            json(201, flux.clone()),
            Read::Unknown,
        ),
        (
            "202 + codeRetour 0 + numéro",
            json(202, flux.clone()),
            Read::Unknown,
        ),
        (
            "202 + codeRetour ≠ 0",
            json(202, refused.clone()),
            Read::Unknown,
        ),
        ("204 sans corps", respond(204, &[], ""), Read::Unknown),
        (
            "1xx puis fermeture",
            Reply::Raw("HTTP/1.1 102 Processing\r\n\r\n".into()),
            Read::Unknown,
        ),
        ("301", with_location(301), Read::Unknown),
        ("303", with_location(303), Read::Unknown),
        ("307 (non suivi)", with_location(307), Read::Unknown),
        (
            "400 + codeRetour ≠ 0",
            json(400, refused.clone()),
            Read::NotReceived,
        ),
        ("400 sans corps", respond(400, &[], ""), Read::NotReceived),
        (
            "400 + codeRetour 0",
            json(400, json!({"codeRetour": 0})),
            Read::Unknown,
        ),
        ("404 sans corps", respond(404, &[], ""), Read::NotReceived),
        ("413 trop gros", respond(413, &[], ""), Read::NotReceived),
        ("409 sans codeRetour", respond(409, &[], ""), Read::Unknown),
        (
            "409 + codeRetour ≠ 0",
            json(409, json!({"codeRetour": 20005, "libelle": "X"})),
            Read::NotReceived,
        ),
        ("422 illisible", respond(422, &[], "<html/>"), Read::Unknown),
        (
            "500 + codeRetour ≠ 0",
            json(500, refused.clone()),
            Read::Unknown,
        ),
        ("502", respond(502, &[], ""), Read::Unknown),
        ("403", respond(403, &[], ""), Read::NotReceived),
        (
            "429",
            respond(429, &[("Retry-After", "1")], ""),
            Read::NotReceived,
        ),
    ];
    let server = server();
    let client = client(&server);
    for (k, (name, reply, expected)) in cases.into_iter().enumerate() {
        server.on(DEPOSIT, reply);
        let (read, message) = deposit_once(&client);
        assert_eq!(read, expected, "{name}: {message}");
        if read == Read::Unknown {
            assert!(message.contains("à vérifier"), "{name}: {message}");
        }
        // Sent once, whatever came back: never retried, no redirect followed.
        assert_eq!(server.requests_to(DEPOSIT).len(), k + 1, "{name}");
    }
}

#[test]
fn reads_answered_201_or_202_or_a_redirect_are_errors_never_a_crash() {
    let server = server();
    let client = client(&server);
    let search = RechercherFacturesFournisseurRequest {
        numero_facture: Some("F1".into()),
        ..RechercherFacturesFournisseurRequest::default()
    };
    for reply in [
        json(201, json!({"codeRetour": 0, "listeFactures": []})),
        json(202, json!({"codeRetour": 0})),
        respond(202, &[], ""),
        with_location(302),
        Reply::Raw("HTTP/1.1 199 Quoi\r\n\r\n".into()),
    ] {
        // (A 1xx then a closed connection is a broken connection: retried once, as a read,
        // and the exhausted script answers 404.)
        server.on(SEARCH_INVOICES, reply);
        assert!(client.rechercher_factures_fournisseur(&search).is_err());
    }
    server.on(
        FLUX_REPORT,
        json(
            202,
            json!({"codeRetour": 0, "etatCourantDepotFlux": "IN_INTEGRE"}),
        ),
    );
    let report = client.consulter_cr_detaille(&ConsulterCrDetailleRequest {
        numero_flux_depot: "CPP1".into(),
        syntaxe_flux: None,
    });
    assert!(report.is_err());
}

// ---- through the deposit engine, on a real database ----------------------------------------

/// A demo mirror and a few of its conformant invoices.
fn demo(dir: &Path, name: &str) -> (PathBuf, Vec<String>) {
    let db = dir.join(name);
    let options = chorus_depot::demo::DemoOptions {
        invoices: 30,
        seed: 7,
    };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    let mut store = Store::open(&db).unwrap();
    let conformant: Vec<String> =
        chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent)
            .unwrap()
            .checks
            .iter()
            .filter(|c| c.is_conformant())
            .map(|c| c.invoice.number.clone())
            .collect();
    assert!(conformant.len() >= 4, "{conformant:?}");
    (db, conformant)
}

fn writer(db: &Path) -> EInvoiceFluxWriter {
    EInvoiceFluxWriter::open(
        db,
        &DepositChoices {
            format: "ubl".into(),
            date_today: false,
        },
    )
    .unwrap()
}

fn options() -> SequentialOptions {
    SequentialOptions {
        wait: Duration::ZERO,
        skip_on_error: true,
        uncertain_after: Duration::from_secs(6 * 3600),
    }
}

fn journal(db: &Path, number: &str) -> (String, String) {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT state, error FROM deposit_journal WHERE invoice_number = ?1
             ORDER BY id DESC LIMIT 1",
            [number],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn flux_of(db: &Path, number: &str) -> (String, Option<String>) {
    Store::open(db)
        .unwrap()
        .conn()
        .query_row(
            "SELECT f.state, f.flux_number FROM fluxes f JOIN deposit_journal j ON j.flux_id = f.id
             WHERE j.invoice_number = ?1 ORDER BY j.id DESC LIMIT 1",
            [number],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_201_or_202_carrying_a_flux_number_is_to_verify_and_never_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let server = server();
    let gateway = ChorusGateway::single(client(&server));
    let flux = json!({"codeRetour": 0, "libelle": "TRA_MSG_00.000", "numeroFluxDepot": "CPP201"});
    server.on(DEPOSIT, json(201, flux.clone()));
    server.on(
        DEPOSIT,
        json(202, json!({"codeRetour": 0, "numeroFluxDepot": "CPP202"})),
    );
    let store = Store::open(&db).unwrap();
    let report = run_sequential(
        &store,
        &gateway,
        &writer(&db),
        &invoices[..2],
        &options(),
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    for (line, status) in report.outcomes.iter().zip(["201", "202"]) {
        assert!(
            matches!(&line.outcome, Outcome::ToVerify(why) if why.contains(&format!("HTTP {status}"))),
            "{line:?}"
        );
        let (state, error) = journal(&db, &line.invoice_number);
        assert_eq!(state, "A_VERIFIER", "{error}");
        assert_eq!(
            flux_of(&db, &line.invoice_number),
            ("A_VERIFIER".into(), None)
        );
    }
    assert_eq!(report.deposited(), 0);
    assert_eq!(report.failures(), 0, "not « non reçue » either");

    // A second run looks them up first (not visible yet): still to verify, not resent.
    server.on(SEARCH_INVOICES, ok(json!({"listeFactures": []})));
    server.on(SEARCH_INVOICES, ok(json!({"listeFactures": []})));
    let again = run_sequential(
        &store,
        &gateway,
        &writer(&db),
        &invoices[..2],
        &options(),
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert!(
        again
            .outcomes
            .iter()
            .all(|o| matches!(o.outcome, Outcome::ToVerify(_))),
        "{again:?}"
    );
    assert_eq!(server.requests_to(DEPOSIT).len(), 2, "never sent twice");
    let blocked = deposits::not_to_resend(store.conn()).unwrap();
    assert!(invoices[..2].iter().all(|n| blocked.contains(n)));
}

#[test]
fn code_retour_0_without_a_flux_number_is_to_verify_and_the_next_invoice_still_goes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let server = server();
    let gateway = ChorusGateway::single(client(&server));
    // Two answers without a number: before, both were « déposée » under flux '' and the
    // second one ended the run on the UNIQUE index.
    server.on(DEPOSIT, ok(json!({"dateDepot": "2026-11-23"})));
    server.on(DEPOSIT, ok(json!({"numeroFluxDepot": " "})));
    server.on(DEPOSIT, ok(json!({"numeroFluxDepot": "CPP3"})));
    let store = Store::open(&db).unwrap();
    let report = run_sequential(
        &store,
        &gateway,
        &writer(&db),
        &invoices[..3],
        &options(),
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    for line in &report.outcomes[..2] {
        assert!(
            matches!(&line.outcome, Outcome::ToVerify(why) if why.contains("sans numéro de flux")),
            "{line:?}"
        );
        assert_eq!(journal(&db, &line.invoice_number).0, "A_VERIFIER");
    }
    assert_eq!(
        report.outcomes[2].outcome,
        Outcome::Deposited("CPP3".into())
    );
    assert_eq!(journal(&db, &invoices[2]).0, "DEPOSEE");
    let empty_numbers: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM fluxes WHERE flux_number IS NOT NULL AND trim(flux_number) = ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(empty_numbers, 0);
}

#[test]
fn a_flux_number_given_twice_is_to_verify_with_a_reason_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let server = server();
    let gateway = ChorusGateway::single(client(&server));
    server.on(DEPOSIT, ok(json!({"numeroFluxDepot": "CPP-SAME"})));
    server.on(DEPOSIT, ok(json!({"numeroFluxDepot": "CPP-SAME"})));
    server.on(DEPOSIT, ok(json!({"numeroFluxDepot": "CPP-OTHER"})));
    let store = Store::open(&db).unwrap();
    let report = run_sequential(
        &store,
        &gateway,
        &writer(&db),
        &invoices[..3],
        &SequentialOptions {
            // Even when the run stops at the first error: « à vérifier » is not one.
            skip_on_error: false,
            ..options()
        },
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert_eq!(
        report.outcomes[0].outcome,
        Outcome::Deposited("CPP-SAME".into())
    );
    let Outcome::ToVerify(why) = &report.outcomes[1].outcome else {
        panic!("{:?}", report.outcomes[1]);
    };
    assert!(
        why.contains("CPP-SAME") && why.contains("déjà attribué") && why.contains(&invoices[0]),
        "{why}"
    );
    assert_eq!(
        report.outcomes[2].outcome,
        Outcome::Deposited("CPP-OTHER".into())
    );
    assert_eq!(
        journal(&db, &invoices[1]),
        ("A_VERIFIER".into(), why.clone())
    );
    assert_eq!(flux_of(&db, &invoices[1]), ("A_VERIFIER".into(), None));
    assert_eq!(
        flux_of(&db, &invoices[0]),
        ("ENVOYE".into(), Some("CPP-SAME".into()))
    );

    // The lookup finds it under the same number, still held by the first flux: stays to
    // verify (never « échec », never resent), no crash.
    server.on(
        SEARCH_INVOICES,
        ok(json!({"listeFactures": [{"numeroFacture": invoices[1], "numeroFluxDepot": "CPP-SAME", "identifiantFactureCPP": 77}]})),
    );
    let resolutions = reconcile(&store, &gateway, Duration::ZERO).unwrap();
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0].state, JournalState::Uncertain);
    assert!(
        resolutions[0].note.contains("CPP-SAME"),
        "{:?}",
        resolutions[0]
    );
    assert_eq!(journal(&db, &invoices[1]).0, "A_VERIFIER");
}

// ---- two sessions on one base ---------------------------------------------------------------

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < until, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn another_sessions_reconciliation_never_overwrites_deposee() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let number = invoices[0].clone();
    let server = Arc::new(server());
    let (deposit_gate, search_gate) = (Gate::default(), Gate::default());
    server.on(
        DEPOSIT,
        Reply::Gated(
            deposit_gate.clone(),
            Box::new(ok(json!({"numeroFluxDepot": "CPP-RACE-1"}))),
        ),
    );
    server.on(
        SEARCH_INVOICES,
        Reply::Gated(
            search_gate.clone(),
            Box::new(ok(json!({"listeFactures": []}))),
        ),
    );

    // Session A deposits; its answer is held back.
    let depositor = {
        let (db, server, number) = (db.clone(), server.clone(), number.clone());
        std::thread::spawn(move || {
            let store = Store::open(&db).unwrap();
            let gateway = ChorusGateway::single(client(&server));
            run_sequential(
                &store,
                &gateway,
                &writer(&db),
                &[number],
                &options(),
                &chorus_depot::progress::Silent,
            )
            .unwrap()
        })
    };
    wait_for("the deposit", || server.requests_to(DEPOSIT).len() == 1);
    assert_eq!(journal(&db, &number).0, "EN_COURS");

    // Session B reconciles the same base: it reads « en cours », asks Chorus Pro (held).
    let reconciler = {
        let (db, server) = (db.clone(), server.clone());
        std::thread::spawn(move || {
            let store = Store::open(&db).unwrap();
            let gateway = ChorusGateway::single(client(&server));
            reconcile(&store, &gateway, Duration::from_secs(6 * 3600)).unwrap()
        })
    };
    wait_for("the lookup", || {
        server.requests_to(SEARCH_INVOICES).len() == 1
    });

    // A's answer arrives first: « déposée ».
    deposit_gate.open();
    let report = depositor.join().unwrap();
    assert_eq!(
        report.outcomes[0].outcome,
        Outcome::Deposited("CPP-RACE-1".into())
    );
    assert_eq!(journal(&db, &number).0, "DEPOSEE");

    // Then B's lookup: nothing visible yet. Before, B wrote « à vérifier » over it.
    search_gate.open();
    let resolutions = reconciler.join().unwrap();
    assert_eq!(resolutions.len(), 1);
    assert_eq!(
        resolutions[0].state,
        JournalState::Deposited,
        "{resolutions:?}"
    );
    assert!(
        resolutions[0].note.contains("autre session"),
        "{resolutions:?}"
    );
    assert_eq!(journal(&db, &number), ("DEPOSEE".into(), String::new()));
    assert_eq!(
        flux_of(&db, &number),
        ("ENVOYE".into(), Some("CPP-RACE-1".into()))
    );
}

#[test]
fn a_late_answer_moves_another_sessions_a_verifier_forward_to_deposee() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let number = invoices[0].clone();
    let server = Arc::new(server());
    let deposit_gate = Gate::default();
    server.on(
        DEPOSIT,
        Reply::Gated(
            deposit_gate.clone(),
            Box::new(ok(json!({"numeroFluxDepot": "CPP-RACE-2"}))),
        ),
    );
    server.on(SEARCH_INVOICES, ok(json!({"listeFactures": []})));
    let depositor = {
        let (db, server, number) = (db.clone(), server.clone(), number.clone());
        std::thread::spawn(move || {
            let store = Store::open(&db).unwrap();
            let gateway = ChorusGateway::single(client(&server));
            run_sequential(
                &store,
                &gateway,
                &writer(&db),
                &[number],
                &options(),
                &chorus_depot::progress::Silent,
            )
            .unwrap()
        })
    };
    wait_for("the deposit", || server.requests_to(DEPOSIT).len() == 1);
    // Session B, on its own connection, finds nothing yet: « à vérifier ».
    let other = Store::open(&db).unwrap();
    let resolutions = reconcile(
        &other,
        &ChorusGateway::single(client(&server)),
        Duration::from_secs(6 * 3600),
    )
    .unwrap();
    assert_eq!(resolutions[0].state, JournalState::Uncertain);
    assert_eq!(journal(&db, &number).0, "A_VERIFIER");
    // Then A's answer: the journal moves on to « déposée » (never back).
    deposit_gate.open();
    let report = depositor.join().unwrap();
    assert_eq!(
        report.outcomes[0].outcome,
        Outcome::Deposited("CPP-RACE-2".into())
    );
    assert_eq!(journal(&db, &number), ("DEPOSEE".into(), String::new()));
    assert!(deposits::unresolved(other.conn()).unwrap().is_empty());
}

// ---- a duplicate not found at first --------------------------------------------------------

#[test]
fn a_duplicate_not_found_yet_is_neither_to_correct_nor_to_resend_and_is_found_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let number = invoices[0].clone();
    let mut store = Store::open(&db).unwrap();
    // A flux of ours, accepted under CPP-OURS, holding the invoice (deposited).
    let flux_id = deposits::insert_flux(
        store.conn(),
        &NewFlux {
            company_code: "S".into(),
            mode: FluxMode::Sequential,
            syntax: "IN_DP_E1_UBL_INVOICE".into(),
            name: format!("Facture {number}"),
            file_path: String::new(),
            file_sha256: String::new(),
            file_size: 0,
            invoice_count: 1,
            created_at: "2026-11-23T08:00:00+01:00".into(),
        },
    )
    .unwrap();
    deposits::flux_sent(
        store.conn(),
        flux_id,
        "CPP-OURS",
        "2026-11-23T08:00:01+01:00",
    )
    .unwrap();
    let j = deposits::begin(store.conn(), &number, flux_id, "2026-11-23T08:00:00+01:00")
        .unwrap()
        .unwrap();
    deposits::finish(store.conn(), j, JournalState::Deposited, "", "t").unwrap();

    let server = server();
    let clients = Clients::single(client(&server));
    // Chorus Pro refused our copy: it already holds the invoice.
    server.on(
        FLUX_REPORT,
        ok(json!({
            "etatCourantDepotFlux": "IN_REJETE",
            "listeErreurDP": [{
                "identifiantFournisseur": "90000000000011",
                "numeroDP": number,
                "libelleErreurDP": format!("La facture n° {number} a déjà été reçue de ce fournisseur.")
            }],
            "listeErreurTechnique": []
        })),
    );
    // Not visible by its number yet.
    server.on(SEARCH_INVOICES, ok(json!({"listeFactures": []})));
    let report = chorus_depot::tracking::sync(
        store.conn(),
        &clients,
        &SyncOptions::default(),
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert_eq!(
        report.already_on_chorus,
        vec![(number.clone(), "CPP-OURS".to_string())]
    );
    assert!(report.new_rejections.is_empty(), "{report:?}");
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.contains(&number) && e.contains("prochaine synchronisation")),
        "{:?}",
        report.errors
    );
    let (state, note) = journal(&db, &number);
    assert_eq!(state, "DEPOSEE", "never « échec », so never offered again");
    assert!(note.contains("déjà sur Chorus Pro"), "{note}");
    assert!(
        deposits::not_to_resend(store.conn())
            .unwrap()
            .contains(&number)
    );
    let checks =
        chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent).unwrap();
    let check = checks
        .checks
        .iter()
        .find(|c| c.invoice.number == number)
        .unwrap();
    assert!(
        !check
            .anomalies
            .iter()
            .any(|a| a.code == chorus_depot::checks::AnomalyCode::RejeteeALIntegration),
        "{:?}",
        check.anomalies
    );
    assert!(checks.deposited.contains_key(&number));
    assert!(
        chorus_depot::tracking::queries::flux_errors_of(store.conn(), &number)
            .unwrap()
            .is_empty(),
        "not a rejection of the invoice"
    );
    let pending = chorus_depot::store::tracking::duplicate_of(store.conn(), &number)
        .unwrap()
        .unwrap();
    assert!(!pending.found && pending.note.contains("prochaine synchronisation"));

    // Next sync: found under the other database's flux; learnt and followed.
    server.on(
        SEARCH_INVOICES,
        ok(json!({"listeFactures": [
            {"numeroFacture": number, "numeroFluxDepot": "CPP-OURS", "identifiantFactureCPP": 1},
            {"numeroFacture": number, "numeroFluxDepot": "CPP-THEIRS", "identifiantFactureCPP": 7000000042i64,
             "statut": "MISE_A_DISPOSITION", "dateDepot": "2026-11-22"}
        ]})),
    );
    server.on(
        HISTORY,
        ok(json!({
            "idFacture": 7000000042i64,
            "statutCourantCode": "MISE_A_DISPOSITION",
            "historiquesDesStatuts": {"histoStatut": [
                {"histoStatutCode": "DEPOSEE", "histoStatutDatePassage": "2026-11-22T10:00:00.000+01:00"},
                {"histoStatutCode": "MISE_A_DISPOSITION", "histoStatutDatePassage": "2026-11-22T11:00:00.000+01:00"}
            ]}
        })),
    );
    let report = chorus_depot::tracking::sync(
        store.conn(),
        &clients,
        &SyncOptions::default(),
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report.duplicates_found,
        vec![(number.clone(), 7000000042, "CPP-THEIRS".to_string())]
    );
    let search = server.requests_to(SEARCH_INVOICES);
    assert_eq!(
        search.last().unwrap().json()["numeroFacture"],
        number.as_str()
    );
    let found = chorus_depot::store::tracking::duplicate_of(store.conn(), &number)
        .unwrap()
        .unwrap();
    assert!(found.found && found.chorus_flux_number == "CPP-THEIRS");
    let statuses = chorus_depot::store::tracking::deposited_statuses(store.conn()).unwrap();
    let line = statuses
        .iter()
        .find(|s| s.invoice_number == number)
        .unwrap();
    assert_eq!(line.cpp_id, Some(7000000042));
    assert_eq!(line.status, "MISE_A_DISPOSITION");
    assert_eq!(line.flux_number, "CPP-THEIRS");
    assert_eq!(
        chorus_depot::tracking::queries::history(store.conn(), &number)
            .unwrap()
            .len(),
        2
    );
    let (_, note) = journal(&db, &number);
    assert!(
        note.contains("CPP-THEIRS") && note.contains("7000000042"),
        "{note}"
    );
}

/// `chorus-depot SUB --db DB` reaching the scripted server through the environment, as a
/// scheduled task on another PC would reach Chorus Pro.
fn depot_process(db: &Path, server: &ScriptedServer, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(args)
        .args(["--db", db.to_str().unwrap()])
        .env("CHORUS_DEPOT_API_URL", server.url())
        .env("CHORUS_DEPOT_TOKEN_URL", server.token_url())
        .env("CHORUS_DEPOT_CLIENT_ID", "depot-app")
        .env("CHORUS_DEPOT_CLIENT_SECRET", "secret")
        .env("CHORUS_DEPOT_LOGIN", "TECH_depot@cpro.fr")
        .env("CHORUS_DEPOT_PASSWORD", "password")
        .env("CHORUS_DEPOT_NO_KEYRING", "1")
        .env("CHORUS_DEPOT_HTTP_TIMEOUT_MS", "20000")
        .env("CHORUS_DEPOT_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// The race of the report, with two operating-system processes on one SQLite file: a
/// `deposit` whose answer is late, and a `sync` (a scheduled task) that looks the same
/// deposit up meanwhile. Whatever order their writes land in, the journal never goes
/// back from « déposée ».
#[test]
fn two_processes_on_one_base_never_take_deposee_back() {
    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let number = invoices[0].clone();
    let server = server();
    for _ in 0..8 {
        server.on(TOKEN_PATH, token("tok", 3600));
    }
    let (deposit_gate, search_gate) = (Gate::default(), Gate::default());
    server.on(
        DEPOSIT,
        Reply::Gated(
            deposit_gate.clone(),
            Box::new(ok(json!({"numeroFluxDepot": "CPP-PROC-1"}))),
        ),
    );
    server.on(
        SEARCH_INVOICES,
        Reply::Gated(
            search_gate.clone(),
            Box::new(ok(json!({"listeFactures": []}))),
        ),
    );

    // Process A deposits; its answer is held back: its journal row says « en cours ».
    let depositor = depot_process(
        &db,
        &server,
        &[
            "deposit",
            "--mode",
            "sequential",
            "--wait-ms",
            "0",
            "--invoices",
            &number,
        ],
    );
    wait_for("the deposit", || server.requests_to(DEPOSIT).len() == 1);
    assert_eq!(journal(&db, &number).0, "EN_COURS");

    // Process B synchronises: it reads « en cours » and asks Chorus Pro (held).
    let syncer = depot_process(&db, &server, &["sync"]);
    wait_for("the lookup", || {
        server.requests_to(SEARCH_INVOICES).len() == 1
    });

    // A's answer lands first: « déposée ».
    deposit_gate.open();
    let out = depositor.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(journal(&db, &number).0, "DEPOSEE");

    // Then B's lookup: nothing visible yet on Chorus Pro. B must not write « à vérifier »
    // over A's « déposée »; it says what the other process did.
    search_gate.open();
    let out = syncer.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Dépôts sans réponse recherchés sur Chorus Pro : 1"),
        "{text}"
    );
    assert!(text.contains(&format!("{number} : déposée")), "{text}");
    assert_eq!(journal(&db, &number), ("DEPOSEE".into(), String::new()));
    assert_eq!(
        flux_of(&db, &number),
        ("ENVOYE".into(), Some("CPP-PROC-1".into()))
    );
}

/// A lot generated in one session, one of its invoices deposited by another session (a
/// second window, another PC) before « Déposer sur Chorus »: the archive holds that
/// invoice, so it must not leave at all — before, its other invoices were claimed and the
/// file sent, the deposited invoice inside it reaching Chorus Pro a second time.
#[test]
fn a_lot_holding_an_invoice_deposited_meanwhile_by_another_session_is_not_sent() {
    use chorus_depot::deposit::engine::{prepare_lot, send_lots};
    use chorus_depot::deposit::{FluxLimits, FluxWriter, LotOptions};

    let dir = tempfile::tempdir().unwrap();
    let (db, invoices) = demo(dir.path(), "base.sqlite");
    let server = server();
    for k in 0..12 {
        server.on(
            DEPOSIT,
            ok(json!({"codeRetour": 0, "numeroFluxDepot": format!("CPP-{k}")})),
        );
    }
    let session_a = Store::open(&db).unwrap();
    let gateway_a = ChorusGateway::single(client(&server));
    let writer_a = writer(&db);
    let (prepared, mut report) = prepare_lot(
        &session_a,
        &gateway_a,
        &writer_a,
        &invoices,
        &LotOptions {
            name: "Lot du mois".into(),
            limits: FluxLimits::default(),
            uncertain_after: Duration::from_secs(6 * 3600),
        },
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    let overtaken = prepared
        .iter()
        .max_by_key(|f| f.invoices.len())
        .unwrap()
        .clone();
    assert!(overtaken.invoices.len() >= 2, "{prepared:?}");
    let deposited_elsewhere = overtaken.invoices[1].clone();

    // Session B deposits one invoice of that lot on its own.
    let session_b = Store::open(&db).unwrap();
    let by_b = run_sequential(
        &session_b,
        &ChorusGateway::single(client(&server)),
        &writer(&db),
        std::slice::from_ref(&deposited_elsewhere),
        &options(),
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert_eq!(by_b.deposited(), 1, "{by_b:?}");

    // Session A sends what it generated.
    send_lots(
        &session_a,
        &gateway_a,
        writer_a.syntax(),
        &prepared,
        &mut report,
        &chorus_depot::progress::Silent,
    )
    .unwrap();
    assert_eq!(
        server.requests_to(DEPOSIT).len(),
        1 + prepared.len() - 1,
        "B's deposit and the other lots only: the overtaken lot never left"
    );
    for n in &overtaken.invoices {
        let line = report
            .outcomes
            .iter()
            .rev()
            .find(|o| &o.invoice_number == n)
            .unwrap();
        if *n == deposited_elsewhere {
            assert_eq!(line.outcome, Outcome::AlreadyDeposited);
        } else {
            assert!(
                matches!(&line.outcome, Outcome::NotSent(why)
                    if why.contains(&deposited_elsewhere) && why.contains("régénérez le lot")),
                "{line:?}"
            );
            // Not claimed: free to go in a new lot.
            assert!(
                deposits::active_entry(session_a.conn(), n)
                    .unwrap()
                    .is_none(),
                "{n}"
            );
        }
    }
    let state: String = session_a
        .conn()
        .query_row(
            "SELECT state FROM fluxes WHERE id = ?1",
            [overtaken.flux_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "ABANDONNE");
    assert!(
        report
            .notices
            .iter()
            .any(|n| n.contains("autre poste ou une autre fenêtre")),
        "{:?}",
        report.notices
    );
}
