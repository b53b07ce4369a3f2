//! The sandbox's gateway and reference side, over real HTTP: OAuth2 token and the two
//! credential checks, what PISTE tolerates in requests, the structures endpoints against the
//! official Swagger, the directory download, fault injection, persistence, keep-alive.

mod sandbox_support;

use base64::Engine as _;
use chorus_depot::sandbox::{self, FaultKind, SandboxConfig};
use sandbox_support::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

fn token_request(base: &str, id: &str, secret: &str) -> Answer {
    let form =
        format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=openid");
    raw(
        base,
        "POST",
        "/api/oauth/token",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
    .unwrap()
}

#[test]
fn tokens_and_credentials_are_checked_as_piste_does() {
    let sandbox = start(SandboxConfig {
        token_lifetime_secs: 2,
        ..SandboxConfig::default()
    });
    let base = sandbox.base_url();
    let good = token_request(
        &base,
        sandbox::DEFAULT_CLIENT_ID,
        sandbox::DEFAULT_CLIENT_SECRET,
    );
    assert_eq!(good.status, 200);
    let value = good.json();
    assert_eq!(value["token_type"], "Bearer");
    assert_eq!(value["expires_in"], 2);
    assert_eq!(value["scope"], "openid");
    let token = value["access_token"].as_str().unwrap().to_string();

    let bad = token_request(&base, sandbox::DEFAULT_CLIENT_ID, "mauvais");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json()["error"], "invalid_client");
    let bad = token_request(&base, "inconnu", sandbox::DEFAULT_CLIENT_SECRET);
    assert_eq!(bad.json()["error"], "invalid_client");

    let health = "/cpro/transverses/v1/health-check";
    let ok = call(&base, &token, "/cpro/structures/v1/rechercher", &json!({}));
    assert!(ok["listeStructures"].is_array());
    let account = cpro_account(sandbox::DEFAULT_LOGIN, "faux");
    let bearer = format!("Bearer {token}");
    let refused = raw(
        &base,
        "POST",
        "/cpro/structures/v1/rechercher",
        &[
            ("Authorization", &bearer),
            ("cpro-account", &account),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    )
    .unwrap();
    assert_eq!(refused.status, 401);
    let challenge = refused.header("WWW-Authenticate").unwrap();
    assert!(
        challenge.starts_with("Bearer realm=\"PISTE\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("login or password incorrects"),
        "{challenge}"
    );
    let no_account = raw(
        &base,
        "POST",
        "/cpro/structures/v1/rechercher",
        &[("Authorization", &bearer)],
        b"{}",
    )
    .unwrap();
    assert_eq!(no_account.status, 401);
    let no_token = post(
        &base,
        "pas-un-jeton",
        "/cpro/structures/v1/rechercher",
        &json!({}),
    );
    assert_eq!(no_token.status, 401);
    assert!(no_token.header("WWW-Authenticate").is_some());
    // Unknown routes: 403 under /cpro (as an unsubscribed API), 404 elsewhere.
    assert_eq!(
        post(&base, &token, "/cpro/factures/v1/consulter/cr", &json!({})).status,
        403
    );
    assert_eq!(
        raw(&base, "GET", "/nulle-part", &[], b"").unwrap().status,
        404
    );
    let health = raw(&base, "GET", health, &[], b"").unwrap();
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["statusCodeValue"], 200);

    // Tokens expire.
    std::thread::sleep(Duration::from_millis(2_200));
    assert_eq!(
        post(&base, &token, "/cpro/structures/v1/rechercher", &json!({})).status,
        401
    );
}

#[test]
fn requests_are_accepted_as_piste_accepts_them() {
    let sandbox = start(SandboxConfig::default());
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let bearer = format!("Bearer {token}");
    let account = cpro_account(sandbox::DEFAULT_LOGIN, sandbox::DEFAULT_PASSWORD);
    let found = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({ "structure": { "identifiantStructure": COMMUNE, "typeIdentifiantStructure": "SIRET" } }),
    );
    let id = found["listeStructures"][0]["idStructureCPP"]
        .as_i64()
        .unwrap();
    for (content_type, body) in [
        (
            Some("application/json"),
            json!({ "idStructureCPP": id, "codeLangue": "fr" }),
        ),
        (
            Some("application/json;charset=utf-8"),
            json!({ "idStructureCPP": id, "codeLangue": "FR", "idUtilisateurCourant": 0 }),
        ),
        (
            Some("application/json; charset=UTF-8"),
            json!({ "idStructureCPP": id.to_string(), "champInconnu": [1, 2] }),
        ),
        (
            Some("Application/JSON"),
            json!({ "idStructureCPP": id, "codeLangue": "En" }),
        ),
        (None, json!({ "idStructureCPP": id })),
    ] {
        let mut headers = vec![
            ("Authorization", bearer.as_str()),
            ("cpro-account", account.as_str()),
        ];
        if let Some(ct) = content_type {
            headers.push(("Content-Type", ct));
        }
        let answer = raw(
            &base,
            "POST",
            "/cpro/structures/v1/consulter",
            &headers,
            body.to_string().as_bytes(),
        )
        .unwrap();
        assert_eq!(
            answer.status,
            200,
            "{content_type:?}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        assert_eq!(answer.json()["codeRetour"], 0);
        assert_eq!(
            answer.json()["informationGenerales"]["identifiantStructure"],
            COMMUNE
        );
    }
    // Empty body: `{}`.
    let empty = raw(
        &base,
        "POST",
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
        &[("Authorization", &bearer), ("cpro-account", &account)],
        b"",
    )
    .unwrap();
    assert_eq!(empty.status, 200);
    assert_eq!(
        empty.json()["listeStructures"][0]["identifiant"],
        sandbox::DEFAULT_SUPPLIER_SIRET
    );
    // Malformed requests get a JSON 400 / 415, never a dropped connection.
    let broken = raw(
        &base,
        "POST",
        "/cpro/structures/v1/consulter",
        &[
            ("Authorization", &bearer),
            ("cpro-account", &account),
            ("Content-Type", "application/json"),
        ],
        b"{pas du json",
    )
    .unwrap();
    assert_eq!(broken.status, 400);
    assert_ne!(broken.json()["codeRetour"], 0);
    assert!(broken.json()["libelle"].as_str().unwrap().contains("JSON"));
    let form = raw(
        &base,
        "POST",
        "/cpro/structures/v1/consulter",
        &[
            ("Authorization", &bearer),
            ("cpro-account", &account),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"a=b",
    )
    .unwrap();
    assert_eq!(form.status, 415);
    let missing = post(
        &base,
        &token,
        "/cpro/factures/v1/deposer/flux",
        &json!({ "nomFichier": "x.xml" }),
    );
    assert_eq!(missing.status, 400);
    assert_ne!(missing.json()["codeRetour"], 0);
    let bad_syntax = post(
        &base,
        &token,
        "/cpro/factures/v1/deposer/flux",
        &json!({ "fichierFlux": "PEludm9pY2UvPg==", "nomFichier": "x.xml", "syntaxeFlux": "IN_DP_E9_INCONNU" }),
    );
    assert_eq!(bad_syntax.status, 400);
    let mut garbage = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    garbage
        .write_all(b"\x00\x01 n'importe quoi\r\n\r\n")
        .unwrap();
    let mut bytes = Vec::new();
    garbage.read_to_end(&mut bytes).unwrap();
    assert_eq!(parse_answer(&bytes).unwrap().status, 400);
}

/// Every key of `value` is a property of the Swagger definition, recursively.
fn check_shape(swagger: &Value, definition: &str, value: &Value, path: &str) {
    let def = &swagger["definitions"][definition];
    assert!(def.is_object(), "définition {definition} absente");
    let props = def["properties"].as_object().unwrap();
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("{path} : objet attendu, reçu {value}"));
    if let Some(required) = def["required"].as_array() {
        for name in required {
            assert!(
                object.contains_key(name.as_str().unwrap()),
                "{path} : {name} manquant"
            );
        }
    }
    for (key, field) in object {
        let Some(prop) = props.get(key) else {
            panic!("{path}.{key} n'est pas dans la définition Swagger {definition}");
        };
        let reference = |p: &Value| {
            p["$ref"]
                .as_str()
                .map(|r| r.trim_start_matches("#/definitions/").to_string())
        };
        if field.is_null() {
            continue;
        }
        if let Some(target) = reference(prop) {
            check_shape(swagger, &target, field, &format!("{path}.{key}"));
        } else if prop["type"] == "array" {
            let items = field
                .as_array()
                .unwrap_or_else(|| panic!("{path}.{key} : tableau attendu"));
            if let Some(target) = reference(&prop["items"]) {
                for (i, item) in items.iter().enumerate() {
                    check_shape(swagger, &target, item, &format!("{path}.{key}[{i}]"));
                }
            }
        } else {
            let ok = match prop["type"].as_str() {
                Some("integer") => field.is_i64(),
                Some("boolean") => field.is_boolean(),
                Some("string") => field.is_string(),
                _ => true,
            };
            assert!(ok, "{path}.{key} = {field} : type Swagger {}", prop["type"]);
            if let Some(values) = prop["enum"].as_array() {
                assert!(
                    values.contains(field),
                    "{path}.{key} = {field} hors énumération"
                );
            }
        }
    }
}

#[test]
fn structures_answers_follow_the_official_swagger() {
    let swagger: Value = serde_json::from_str(&fixture("piste-structures-swagger.json")).unwrap();
    let sandbox = start(SandboxConfig::default());
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let found = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({
            "structure": { "identifiantStructure": COMMUNE, "typeIdentifiantStructure": "SIRET" },
            "restreindreStructuresPrivees": false,
            "parametres": { "nbResultatsParPage": 10, "pageResultatDemandee": 1, "triColonne": "IdentifiantStructure", "triSens": "Ascendant" },
        }),
    );
    check_shape(
        &swagger,
        "WsRetourRechercherStructure",
        &found,
        "rechercher",
    );
    assert_eq!(found["listeStructures"].as_array().unwrap().len(), 1);
    assert_eq!(found["listeStructures"][0]["statut"], "ACTIVE");
    let id = found["listeStructures"][0]["idStructureCPP"]
        .as_i64()
        .unwrap();
    let all = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({ "parametres": { "nbResultatsParPage": 2 } }),
    );
    check_shape(
        &swagger,
        "WsRetourRechercherStructure",
        &all,
        "rechercher tout",
    );
    assert_eq!(all["parametresRetour"]["total"], 5);
    assert_eq!(all["parametresRetour"]["pages"], 3);

    let structure = call(
        &base,
        &token,
        "/cpro/structures/v1/consulter",
        &json!({ "idStructureCPP": id, "codeLangue": "fr" }),
    );
    check_shape(
        &swagger,
        "WsRetourConsulterStructureTVAIntraCom",
        &structure,
        "consulter",
    );
    assert_eq!(
        structure["parametres"]["codeServiceDoitEtreRenseigne"],
        true
    );
    assert_eq!(structure["parametres"]["numeroEJDoitEtreRenseigne"], false);

    let services = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher/services",
        &json!({ "idStructure": id, "parametresRechercherServicesStructure": { "nbResultatsParPage": 10000 } }),
    );
    check_shape(
        &swagger,
        "WsRetourRechercherServicesStructure",
        &services,
        "services",
    );
    let list = services["listeServices"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let tech = list
        .iter()
        .find(|s| s["codeService"] == "SERV-TECH")
        .unwrap();
    let old = list
        .iter()
        .find(|s| s["codeService"] == "SERV-ANCIEN")
        .unwrap();
    assert_eq!(old["estActif"], false);
    let service = call(
        &base,
        &token,
        "/cpro/structures/v1/consulter/service",
        &json!({ "idStructure": id, "idService": tech["idService"], "codeLangue": "FR" }),
    );
    check_shape(
        &swagger,
        "WsRetourConsulterServiceStructure",
        &service,
        "consulter/service",
    );
    assert_eq!(service["parametres"]["numeroEngagement"], true);
    assert_eq!(service["informationsGenerales"]["codeService"], "SERV-TECH");

    let unknown = post(
        &base,
        &token,
        "/cpro/structures/v1/consulter",
        &json!({ "idStructureCPP": 1 }),
    );
    assert_ne!(unknown.json()["codeRetour"], 0);

    let suppliers = call(
        &base,
        &token,
        "/cpro/transverses/v1/recuperer/structures/actives/fournisseur",
        &json!({}),
    );
    let supplier = suppliers["listeStructures"][0]["idStructureCPP"]
        .as_i64()
        .unwrap();
    let banks = call(
        &base,
        &token,
        "/cpro/transverses/v1/recuperer/coordbanc/valides",
        &json!({ "idStructure": supplier }),
    );
    assert!(
        banks["listeCoordonneeBancaire"][0]["idCoordonneeBancaire"]
            .as_i64()
            .is_some()
    );
}

#[test]
fn a_directory_export_is_loaded_and_served_back_as_a_zip() {
    let dir = format!(
        "{}/tests/fixtures/annuaire_small",
        env!("CARGO_MANIFEST_DIR")
    );
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let sandbox = start(SandboxConfig {
        directory_files: files,
        ..SandboxConfig::default()
    });
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let found = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({ "structure": { "identifiantStructure": "21690123100011" } }),
    );
    assert_eq!(
        found["listeStructures"][0]["designationStructure"],
        "COMMUNE DE VILLEURBANNE"
    );
    let export = call(
        &base,
        &token,
        "/cpro/transverses/v1/telecharger/annuaire/destinataire",
        &json!({}),
    );
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(export["fichierResultat"].as_str().unwrap())
        .unwrap();
    assert!(bytes.starts_with(b"PK"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut texts = Vec::new();
    for i in 0..archive.len() {
        let mut text = String::new();
        archive
            .by_index(i)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        texts.push(text);
    }
    assert!(texts.iter().any(
        |t| t.starts_with("TypeIdentifiant;Identifiant;RaisonSociale")
            && t.contains("21690123100011")
    ));
    assert!(texts.iter().any(
        |t| t.starts_with("Identifiant;RaisonSociale;Code;Nom;GestionEGMT")
            && t.contains("SERV-FINANCES")
    ));
    assert!(
        sandbox::start(SandboxConfig {
            directory_files: vec!["/nonexistent/annuaire.csv".into()],
            ..SandboxConfig::default()
        })
        .is_err()
    );
}

fn faulty(kind: FaultKind) -> SandboxConfig {
    SandboxConfig {
        fault_rate: 1.0,
        fault_kinds: vec![kind],
        timeout_fault_delay: Duration::from_millis(400),
        time_scale: 100_000.0,
        ..SandboxConfig::default()
    }
}

#[test]
fn faults_are_injected_as_configured() {
    let xml = ubl("FX-1", LYCEE, "", "");
    let body = json!({
        "fichierFlux": base64::engine::general_purpose::STANDARD.encode(xml.as_bytes()),
        "nomFichier": "FX-1.xml",
        "syntaxeFlux": "IN_DP_E1_UBL_INVOICE",
    });
    for (kind, status) in [
        (FaultKind::Http500, 500),
        (FaultKind::Http503, 503),
        (FaultKind::Http429, 429),
    ] {
        let sandbox = start(faulty(kind));
        let base = sandbox.base_url();
        // The token endpoint is never faulted.
        let token = sandbox_support::token(&base);
        let answer = post(&base, &token, "/cpro/factures/v1/deposer/flux", &body);
        assert_eq!(answer.status, status);
        assert_ne!(answer.json()["codeRetour"], 0);
        if status == 429 {
            assert_eq!(answer.header("Retry-After"), Some("1"));
        }
        let deposits = raw(&base, "GET", "/sandbox/deposits", &[], b"")
            .unwrap()
            .json();
        assert_eq!(
            deposits,
            json!({ "deposits": [] }),
            "{kind:?} ne doit rien enregistrer"
        );
    }

    let sandbox = start(faulty(FaultKind::Timeout));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let started = Instant::now();
    let answer = post(&base, &token, "/cpro/factures/v1/deposer/flux", &body);
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(answer.status, 200);

    let sandbox = start(faulty(FaultKind::DropAfterRecord));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let bearer = format!("Bearer {token}");
    let account = cpro_account(sandbox::DEFAULT_LOGIN, sandbox::DEFAULT_PASSWORD);
    let dropped = raw(
        &base,
        "POST",
        "/cpro/factures/v1/deposer/flux",
        &[
            ("Authorization", &bearer),
            ("cpro-account", &account),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    );
    assert!(
        dropped.is_err(),
        "la connexion aurait dû être coupée sans réponse"
    );
    let deposits = raw(&base, "GET", "/sandbox/deposits", &[], b"")
        .unwrap()
        .json();
    assert_eq!(
        deposits,
        json!({ "deposits": [{ "numero": "FX-1", "count": 1 }] })
    );

    // A seeded rate: about the requested share of requests, the same ones for the same seed.
    let outcomes = |seed: u64| -> Vec<u16> {
        let sandbox = start(SandboxConfig {
            seed,
            fault_rate: 0.3,
            fault_kinds: vec![FaultKind::Http503],
            ..SandboxConfig::default()
        });
        let base = sandbox.base_url();
        let token = sandbox_support::token(&base);
        (0..40)
            .map(|_| post(&base, &token, "/cpro/structures/v1/rechercher", &json!({})).status)
            .collect()
    };
    let first = outcomes(3);
    assert_eq!(first, outcomes(3));
    let failed = first.iter().filter(|&&s| s == 503).count();
    assert!((4..=22).contains(&failed), "{failed} / 40");
}

#[test]
fn a_restarted_sandbox_keeps_its_fluxes_and_invoices() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bac.sqlite");
    let config = SandboxConfig {
        db: Some(db.clone()),
        time_scale: 100_000.0,
        ..SandboxConfig::default()
    };
    let numero = {
        let sandbox = start(config.clone());
        let base = sandbox.base_url();
        let token = sandbox_support::token(&base);
        let xml = ubl("PERSIST-1", LYCEE, "", "");
        let numero = deposit(
            &base,
            &token,
            "p.xml",
            "IN_DP_E1_UBL_INVOICE",
            xml.as_bytes(),
        );
        wait_flux(&base, &token, &numero);
        sandbox.shutdown();
        numero
    };
    let sandbox = start(config);
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    assert_eq!(
        wait_flux(&base, &token, &numero)["etatCourantDepotFlux"],
        "IN_INTEGRE"
    );
    let id = invoice_id(&base, &token, "PERSIST-1");
    assert!(id > 0);
    // The number is still known: a second deposit is a duplicate.
    let xml = ubl("PERSIST-1", LYCEE, "", "");
    let again = deposit(
        &base,
        &token,
        "p.xml",
        "IN_DP_E1_UBL_INVOICE",
        xml.as_bytes(),
    );
    assert_ne!(again, numero);
    assert_eq!(
        wait_flux(&base, &token, &again)["etatCourantDepotFlux"],
        "IN_REJETE"
    );
    let deposits = raw(&base, "GET", "/sandbox/deposits", &[], b"")
        .unwrap()
        .json();
    assert_eq!(
        deposits,
        json!({ "deposits": [{ "numero": "PERSIST-1", "count": 2 }] })
    );
}

#[test]
fn connections_are_kept_alive() {
    let sandbox = start(SandboxConfig::default());
    let base = sandbox.base_url();
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    for _ in 0..3 {
        stream
            .write_all(b"GET /cpro/transverses/v1/health-check HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        let answer = loop {
            let n = stream.read(&mut buf).unwrap();
            assert!(n > 0, "connexion fermée");
            bytes.extend_from_slice(&buf[..n]);
            if let Some(answer) = parse_answer(&bytes) {
                let length: usize = answer.header("Content-Length").unwrap().parse().unwrap();
                if answer.body.len() >= length {
                    break answer;
                }
            }
        };
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("Connection"), Some("keep-alive"));
    }
}

#[test]
fn expect_100_continue_is_answered_before_the_body() {
    let sandbox = start(SandboxConfig::default());
    let base = sandbox.base_url();
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope=openid",
        sandbox::DEFAULT_CLIENT_ID,
        sandbox::DEFAULT_CLIENT_SECRET
    );
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let head = format!(
        "POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n\
         Content-Length: {}\r\n\r\n",
        form.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(form.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let answer = parse_answer(&bytes).unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["token_type"], "Bearer");
}

#[test]
fn the_demo_directory_export_is_understood() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 20,
        seed: 5,
    };
    chorus_depot::demo::write_demo(&db, &options, &chorus_depot::progress::Silent).unwrap();
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(dir.path().join("demo-annuaire"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!files.is_empty());
    let structures_csv = files
        .iter()
        .find(|f| f.to_string_lossy().contains("structures"))
        .map(|f| std::fs::read_to_string(f).unwrap())
        .unwrap();
    let sandbox = start(SandboxConfig {
        directory_files: files,
        ..SandboxConfig::default()
    });
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let all = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({ "parametres": { "nbResultatsParPage": 1 } }),
    );
    let total = all["parametresRetour"]["total"].as_i64().unwrap();
    assert_eq!(total as usize, structures_csv.lines().count() - 1);
    // A structure that requires a service code is reported as such.
    let line = structures_csv
        .lines()
        .skip(1)
        .find(|l| {
            let cells: Vec<&str> = l.split(';').collect();
            cells.len() > 11 && cells[7] == "true" && cells[0] == "1"
        })
        .unwrap();
    let siret = line.split(';').nth(1).unwrap();
    let found = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({ "structure": { "identifiantStructure": siret } }),
    );
    let id = found["listeStructures"][0]["idStructureCPP"]
        .as_i64()
        .unwrap();
    let structure = call(
        &base,
        &token,
        "/cpro/structures/v1/consulter",
        &json!({ "idStructureCPP": id }),
    );
    assert_eq!(
        structure["parametres"]["codeServiceDoitEtreRenseigne"],
        true
    );
}

#[test]
fn an_xlsx_directory_is_read_with_its_numeric_identifiers() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("AIFE-Chorus-Pro-Annuaire.xlsx");
    let mut workbook = Workbook::new();
    let structures = workbook.add_worksheet();
    structures.set_name("Structures").unwrap();
    let header = [
        "TypeIdentifiant",
        "Identifiant",
        "RaisonSociale",
        "EmetteurEdi",
        "RecepteurEdi",
        "GestionStatutMiseEnPaiement",
        "GestionEngagement",
        "GestionService",
        "GestionServiceEngagement",
        "EstMOA",
        "EstMOAUniquement",
        "StructureActive",
    ];
    for (col, name) in header.iter().enumerate() {
        structures.write_string(0, col as u16, *name).unwrap();
    }
    // The SIRET 01234567800012 stored as a number loses its leading zero.
    structures.write_number(1, 0, 1.0).unwrap();
    structures.write_number(1, 1, 1_234_567_800_012.0).unwrap();
    structures.write_string(1, 2, "MAIRIE DE ZÉRO").unwrap();
    for col in 3..11 {
        structures.write_boolean(1, col, col == 6).unwrap();
    }
    structures.write_boolean(1, 11, true).unwrap();
    let services = workbook.add_worksheet();
    services.set_name("Services").unwrap();
    for (col, name) in [
        "Identifiant",
        "RaisonSociale",
        "Code",
        "Nom",
        "GestionEGMT",
        "ServiceActif",
    ]
    .iter()
    .enumerate()
    {
        services.write_string(0, col as u16, *name).unwrap();
    }
    services.write_number(1, 0, 1_234_567_800_012.0).unwrap();
    services.write_string(1, 1, "MAIRIE DE ZÉRO").unwrap();
    services.write_string(1, 2, "COMPTA").unwrap();
    services.write_string(1, 3, "Comptabilité").unwrap();
    services.write_string(1, 4, "false").unwrap();
    services.write_string(1, 5, "true").unwrap();
    workbook.save(&path).unwrap();

    let sandbox = start(SandboxConfig {
        directory_files: vec![path],
        time_scale: 100_000.0,
        ..SandboxConfig::default()
    });
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let found = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher",
        &json!({ "structure": { "identifiantStructure": "01234567800012" } }),
    );
    assert_eq!(
        found["listeStructures"][0]["designationStructure"],
        "MAIRIE DE ZÉRO"
    );
    let id = found["listeStructures"][0]["idStructureCPP"]
        .as_i64()
        .unwrap();
    let structure = call(
        &base,
        &token,
        "/cpro/structures/v1/consulter",
        &json!({ "idStructureCPP": id }),
    );
    assert_eq!(structure["parametres"]["numeroEJDoitEtreRenseigne"], true);
    let services = call(
        &base,
        &token,
        "/cpro/structures/v1/rechercher/services",
        &json!({ "idStructure": id }),
    );
    assert_eq!(services["listeServices"][0]["codeService"], "COMPTA");
    // An invoice to that buyer needs its engagement number.
    let xml = ubl("XL-1", "01234567800012", "COMPTA", "");
    let numero = deposit(
        &base,
        &token,
        "XL-1.xml",
        "IN_DP_E1_UBL_INVOICE",
        xml.as_bytes(),
    );
    let report = wait_flux(&base, &token, &numero);
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE");
    let xml = ubl("XL-2", "01234567800012", "COMPTA", "EJ-1");
    let numero = deposit(
        &base,
        &token,
        "XL-2.xml",
        "IN_DP_E1_UBL_INVOICE",
        xml.as_bytes(),
    );
    assert_eq!(
        wait_flux(&base, &token, &numero)["etatCourantDepotFlux"],
        "IN_INTEGRE"
    );
}

#[test]
fn hostile_values_get_answers_not_crashes() {
    let sandbox = start(SandboxConfig::default());
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let huge = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "rechercheFactureParFournisseur": { "pageResultatDemandee": i64::MAX, "nbResultatsParPage": i64::MAX } }),
    );
    assert_eq!(huge["listeFactures"].as_array().unwrap().len(), 0);
    let banks = call(
        &base,
        &token,
        "/cpro/transverses/v1/recuperer/coordbanc/valides",
        &json!({ "idStructure": i64::MAX }),
    );
    assert!(banks["listeCoordonneeBancaire"].is_array());
    for body in [
        json!({ "idFacture": "abc" }),
        json!({ "idFacture": [1] }),
        json!({ "idFacture": -1 }),
    ] {
        let answer = post(
            &base,
            &token,
            "/cpro/factures/v1/consulter/historique",
            &body,
        );
        assert_eq!(answer.status, 400);
        assert_ne!(answer.json()["codeRetour"], 0);
    }
    let not_base64 = post(
        &base,
        &token,
        "/cpro/factures/v1/deposer/flux",
        &json!({ "fichierFlux": "%%%", "nomFichier": "x.xml", "syntaxeFlux": "IN_DP_E1_UBL_INVOICE" }),
    );
    assert_eq!(not_base64.status, 400);
    assert_eq!(not_base64.json()["codeRetour"], 20002);
}
