//! The sandbox's deposit side, over real HTTP: flux reading and integration, rejections
//! named in listeErreurDP, duplicates, search paging, invoice life, recycler and completer.

mod sandbox_support;

use sandbox_support::*;
use serde_json::json;

#[test]
fn a_single_ubl_file_is_integrated_after_a_delay() {
    // Time scale 100: the 60 s integration takes 0.6 s, long enough to see the waiting state.
    let sandbox = start(fast(100.0));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let xml = ubl("F-UBL-1", COMMUNE, "SERV-FIN", "");
    let numero = deposit(
        &base,
        &token,
        "F-UBL-1.xml",
        "IN_DP_E1_UBL_INVOICE",
        xml.as_bytes(),
    );
    assert!(numero.starts_with("CPP") && numero.len() == 25, "{numero}");
    let first = call(
        &base,
        &token,
        "/cpro/transverses/v1/consulterCRDetaille",
        &json!({ "numeroFluxDepot": numero, "syntaxeFlux": "IN_DP_E1_UBL_INVOICE" }),
    );
    assert_eq!(
        first["etatCourantDepotFlux"],
        "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP"
    );
    // Not visible before integration.
    let none = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFluxDepot": numero }),
    );
    assert_eq!(none["listeFactures"].as_array().unwrap().len(), 0);
    let report = wait_flux(&base, &token, &numero);
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE", "{report}");
    assert_eq!(report["nomFichier"], "F-UBL-1.xml");
    assert_eq!(report["listeErreurDP"].as_array().unwrap().len(), 0);
    let found = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFluxDepot": numero }),
    );
    let invoice = &found["listeFactures"][0];
    assert_eq!(invoice["numeroFacture"], "F-UBL-1");
    assert_eq!(invoice["statut"], "DEPOSEE");
    assert_eq!(invoice["codeDestinataire"], COMMUNE);
    assert_eq!(invoice["codeServiceExecutant"], "SERV-FIN");
    assert_eq!(invoice["codeFournisseur"], SELLER);
    assert_eq!(invoice["montantTTC"], 120.0);
    assert_eq!(invoice["typeFacture"], "FACTURE");
    assert!(invoice["identifiantFactureCPP"].as_i64().unwrap() > 0);
}

#[test]
fn a_tar_gz_lot_is_partly_integrated_and_each_rejection_is_named() {
    let sandbox = start(fast(100_000.0));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let good_ubl = ubl("L-OK-1", COMMUNE, "SERV-FIN", "");
    let good_cii = cii("L-OK-2", HOSPITAL, "ACHATS", "EJ-2026-17", true);
    let unknown_buyer = ubl("L-KO-1", "11122233300014", "", "");
    let no_service = ubl("L-KO-2", COMMUNE, "", "");
    let unknown_service = ubl("L-KO-3", COMMUNE, "NIMPORTE", "");
    let inactive_service = ubl("L-KO-4", COMMUNE, "SERV-ANCIEN", "");
    let no_engagement = ubl("L-KO-5", HOSPITAL, "", "");
    let service_engagement = ubl("L-KO-6", COMMUNE, "SERV-TECH", "");
    let inactive_structure = ubl("L-KO-7", INACTIVE, "", "");
    let lot = tar_gz(&[
        ("L-OK-1.xml", good_ubl.as_bytes()),
        ("L-OK-2.xml", good_cii.as_bytes()),
        ("L-KO-1.xml", unknown_buyer.as_bytes()),
        ("L-KO-2.xml", no_service.as_bytes()),
        ("L-KO-3.xml", unknown_service.as_bytes()),
        ("L-KO-4.xml", inactive_service.as_bytes()),
        ("L-KO-5.xml", no_engagement.as_bytes()),
        ("L-KO-6.xml", service_engagement.as_bytes()),
        ("L-KO-7.xml", inactive_structure.as_bytes()),
        ("casse.xml", b"<Invoice><cbc:ID>oups</Invoice>"),
    ]);
    // A lenient syntax code: the sandbox reads UBL and CII in the same lot.
    let numero = deposit(
        &base,
        &token,
        "lot.tar.gz",
        "IN_DP_E2_UBL_INVOICE_MIN",
        &lot,
    );
    let report = wait_flux(&base, &token, &numero);
    assert_eq!(
        report["etatCourantDepotFlux"], "IN_INTEGRE_PARTIEL",
        "{report}"
    );
    let errors = report["listeErreurDP"].as_array().unwrap();
    assert_eq!(errors.len(), 8, "{report}");
    let reason = |number: &str| -> String {
        errors
            .iter()
            .find(|e| e["numeroDP"] == number)
            .unwrap_or_else(|| panic!("pas d'erreur pour {number} : {report}"))["libelleErreurDP"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        reason("L-KO-1").contains("n'est pas référencé"),
        "{}",
        reason("L-KO-1")
    );
    assert!(reason("L-KO-2").contains("code service (BT-10) est obligatoire"));
    assert!(reason("L-KO-3").contains("est inconnu"));
    assert!(reason("L-KO-4").contains("n'est pas actif"));
    assert!(reason("L-KO-5").contains("engagement (BT-13) est obligatoire"));
    assert!(reason("L-KO-6").contains("engagement (BT-13) est obligatoire"));
    assert!(reason("L-KO-7").contains("n'est pas active"));
    let malformed = errors.iter().find(|e| e["numeroDP"] == "").unwrap();
    assert!(
        malformed["libelleErreurDP"]
            .as_str()
            .unwrap()
            .contains("casse.xml"),
        "{malformed}"
    );
    assert_eq!(errors[0]["identifiantFournisseur"], SELLER);
    let found = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFluxDepot": numero }),
    );
    let list = found["listeFactures"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let credit = list
        .iter()
        .find(|i| i["numeroFacture"] == "L-OK-2")
        .unwrap();
    assert_eq!(credit["typeFacture"], "AVOIR");
    assert_eq!(credit["numeroBonCommande"], "EJ-2026-17");
    assert_eq!(credit["dateFacture"], "2026-11-03");

    // A zip where nothing is right: rejected as a whole.
    let bad = zip(&[("a.xml", unknown_buyer.as_bytes()), ("b.xml", b"rien")]);
    let numero = deposit(&base, &token, "lot.zip", "IN_DP_E1_UBL_INVOICE", &bad);
    let report = wait_flux(&base, &token, &numero);
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE");
    assert_eq!(report["listeErreurDP"].as_array().unwrap().len(), 2);
}

#[test]
fn an_invoice_number_already_received_is_rejected_and_counted() {
    let sandbox = start(fast(100_000.0));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let xml = ubl("F0001", LYCEE, "", "");
    let first = deposit(
        &base,
        &token,
        "F0001.xml",
        "IN_DP_E1_UBL_INVOICE",
        xml.as_bytes(),
    );
    let second = deposit(
        &base,
        &token,
        "F0001.xml",
        "IN_DP_E1_UBL_INVOICE",
        xml.as_bytes(),
    );
    assert_eq!(
        wait_flux(&base, &token, &first)["etatCourantDepotFlux"],
        "IN_INTEGRE"
    );
    let report = wait_flux(&base, &token, &second);
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE");
    assert!(
        report["listeErreurDP"][0]["libelleErreurDP"]
            .as_str()
            .unwrap()
            .contains("déjà été reçue"),
        "{report}"
    );
    // Only the documented fields (no code: none is documented for listeErreurDP), the
    // invoice and its supplier named, and the meaning the client recognises.
    let entry = report["listeErreurDP"][0].as_object().unwrap();
    let mut fields: Vec<&str> = entry.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "identifiantDestinataire",
            "identifiantFournisseur",
            "libelleErreurDP",
            "numeroDP"
        ]
    );
    assert_eq!(entry["numeroDP"], "F0001");
    assert_eq!(entry["identifiantFournisseur"], SELLER);
    let read: chorus_depot::chorus::transverses::ErreurDp =
        serde_json::from_value(report["listeErreurDP"][0].clone()).unwrap();
    assert!(read.says_already_received(), "{report}");
    let cii_xml = cii("F0002", LYCEE, "", "", false);
    deposit(
        &base,
        &token,
        "F0002.xml",
        "IN_DP_E1_CII_16B",
        cii_xml.as_bytes(),
    );
    let answer = raw(&base, "GET", "/sandbox/deposits", &[], b"").unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json(),
        json!({ "deposits": [
            { "numero": "F0001", "count": 2 },
            { "numero": "F0002", "count": 1 },
        ]})
    );
}

#[test]
fn the_supplier_search_pages_and_filters() {
    let sandbox = start(fast(100_000.0));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let invoices: Vec<String> = (1..=7)
        .map(|i| ubl(&format!("P-{i}"), LYCEE, "", ""))
        .collect();
    let names: Vec<String> = (1..=7).map(|i| format!("P-{i}.xml")).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&invoices)
        .map(|(n, x)| (n.as_str(), x.as_bytes()))
        .collect();
    let numero = deposit(
        &base,
        &token,
        "lot.zip",
        "IN_DP_E1_UBL_INVOICE",
        &zip(&files),
    );
    assert_eq!(
        wait_flux(&base, &token, &numero)["etatCourantDepotFlux"],
        "IN_INTEGRE"
    );
    let page = |n: i64| {
        call(
            &base,
            &token,
            "/cpro/factures/v1/rechercher/fournisseur",
            &json!({
                "numeroFluxDepot": numero,
                "rechercheFactureParFournisseur": { "pageResultatDemandee": n, "nbResultatsParPage": 3 },
            }),
        )
    };
    let first = page(1);
    assert_eq!(
        first["parametresRetour"],
        json!({ "total": 7, "pages": 3, "pageCourante": 1, "nbResultatsParPage": 3 })
    );
    assert_eq!(first["listeFactures"].as_array().unwrap().len(), 3);
    let last = page(3);
    assert_eq!(last["listeFactures"].as_array().unwrap().len(), 1);
    assert_eq!(last["listeFactures"][0]["numeroFacture"], "P-7");
    let one = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFacture": "P-4" }),
    );
    assert_eq!(one["listeFactures"].as_array().unwrap().len(), 1);
    let status = one["listeFactures"][0]["statut"]
        .as_str()
        .unwrap()
        .to_string();
    let by_status = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "statutCourant": [status], "numeroFacture": "P-4" }),
    );
    assert_eq!(by_status["listeFactures"].as_array().unwrap().len(), 1);
    let nothing = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "statutCourant": ["BROUILLON"] }),
    );
    assert_eq!(nothing["listeFactures"].as_array().unwrap().len(), 0);
}

#[test]
fn invoices_move_to_payment_and_recycler_completer_work() {
    // Time scale 10^7: the ten days of an invoice's life take under 0.1 s.
    let seed = 7;
    let sandbox = start(chorus_depot::sandbox::SandboxConfig {
        seed,
        ..fast(10_000_000.0)
    });
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let paid = numbers_with_fate(seed, "MISE_EN_PAIEMENT", 1).remove(0);
    let recycle = numbers_with_fate(seed, "A_RECYCLER", 1).remove(0);
    let suspend = numbers_with_fate(seed, "SUSPENDUE", 1).remove(0);
    let reject = numbers_with_fate(seed, "REJETEE", 1).remove(0);
    let xmls: Vec<(String, String)> = [&paid, &recycle, &suspend, &reject]
        .iter()
        .map(|n| (format!("{n}.xml"), ubl(n, COMMUNE, "SERV-FIN", "")))
        .collect();
    let files: Vec<(&str, &[u8])> = xmls
        .iter()
        .map(|(n, x)| (n.as_str(), x.as_bytes()))
        .collect();
    let numero = deposit(
        &base,
        &token,
        "lot.zip",
        "IN_DP_E1_UBL_INVOICE",
        &zip(&files),
    );
    assert_eq!(
        wait_flux(&base, &token, &numero)["etatCourantDepotFlux"],
        "IN_INTEGRE"
    );

    let id = invoice_id(&base, &token, &paid);
    let history = wait_status(&base, &token, id, "MISE_EN_PAIEMENT");
    let codes: Vec<&str> = history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["histoStatutCode"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "MISE_EN_PAIEMENT",
            "MANDATEE",
            "SERVICE_FAIT",
            "MISE_A_DISPOSITION",
            "DEPOSEE"
        ]
    );
    assert_eq!(history["idFacture"], id);
    assert_eq!(history["numeroFacture"], paid.as_str());

    let rejected = wait_status(&base, &token, invoice_id(&base, &token, &reject), "REJETEE");
    assert!(
        !rejected["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"]
            .as_str()
            .unwrap()
            .is_empty()
    );

    // recycler: only from A_RECYCLER, to a destination the directory knows.
    let id = invoice_id(&base, &token, &recycle);
    let history = wait_status(&base, &token, id, "A_RECYCLER");
    let comment = history["historiquesDesStatuts"]["histoStatut"][0]["histoStatutCommentaire"]
        .as_str()
        .unwrap();
    assert!(
        comment.contains("recycl") || comment.contains("service"),
        "{comment}"
    );
    let wrong = post(
        &base,
        &token,
        "/cpro/factures/v1/completer",
        &json!({ "identifiantFactureCPP": id, "commentaire": "x" }),
    );
    assert_eq!(wrong.json()["codeRetour"], 20002);
    assert_eq!(wrong.json()["libelle"], "GDP_MSG_11.033");
    let unknown = post(
        &base,
        &token,
        "/cpro/factures/v1/recycler",
        &json!({ "identifiantFactureCPP": id, "destinataire": { "codeDestinataire": COMMUNE, "codeServiceExecutant": "INCONNU" } }),
    );
    assert_ne!(unknown.json()["codeRetour"], 0);
    let done = call(
        &base,
        &token,
        "/cpro/factures/v1/recycler",
        &json!({
            "identifiantFactureCPP": id,
            "destinataire": { "codeDestinataire": HOSPITAL, "codeServiceExecutant": "ACHATS" },
            "reference": { "numeroBonCommande": "EJ-99" },
            "commentaire": "Nouveau service",
            "idUtilisateurCourant": 0,
        }),
    );
    assert_eq!(done["statutFacture"], "DEPOSEE");
    assert_eq!(done["numeroFacture"], recycle.as_str());
    wait_status(&base, &token, id, "MISE_EN_PAIEMENT");
    let found = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFacture": recycle }),
    );
    assert_eq!(found["listeFactures"][0]["codeDestinataire"], HOSPITAL);
    assert_eq!(found["listeFactures"][0]["numeroBonCommande"], "EJ-99");

    // completer: SUSPENDUE → COMPLETEE → … → MISE_EN_PAIEMENT.
    let id = invoice_id(&base, &token, &suspend);
    wait_status(&base, &token, id, "SUSPENDUE");
    let done = call(
        &base,
        &token,
        "/cpro/factures/v1/completer",
        &json!({ "identifiantFactureCPP": id, "commentaire": "Bon de livraison joint", "pieceJointeComplementaire": [] }),
    );
    assert_eq!(done["identifiantFactureCPP"], id);
    let history = wait_status(&base, &token, id, "MISE_EN_PAIEMENT");
    let codes: Vec<&str> = history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["histoStatutCode"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"COMPLETEE") && codes.contains(&"SUSPENDUE"),
        "{codes:?}"
    );
    let again = post(
        &base,
        &token,
        "/cpro/factures/v1/recycler",
        &json!({ "identifiantFactureCPP": id, "destinataire": { "codeDestinataire": COMMUNE, "codeServiceExecutant": "SERV-FIN" } }),
    );
    assert_ne!(again.json()["codeRetour"], 0);
    let missing = post(
        &base,
        &token,
        "/cpro/factures/v1/consulter/historique",
        &json!({ "idFacture": 1 }),
    );
    assert_eq!(missing.json()["codeRetour"], 20000);
}

#[test]
fn a_facturx_pdf_is_read_through_its_embedded_xml() {
    let sandbox = start(fast(100_000.0));
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let pdf = facturx_pdf(Some(&cii("FX-PDF-1", LYCEE, "INTENDANCE", "", false)));
    let numero = deposit(&base, &token, "FX-PDF-1.pdf", "IN_DP_E2_CII_FACTURX", &pdf);
    let report = wait_flux(&base, &token, &numero);
    assert_eq!(report["etatCourantDepotFlux"], "IN_INTEGRE", "{report}");
    assert_eq!(report["codeInterfaceDepotFlux"], "FSO1117A");
    let found = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFacture": "FX-PDF-1" }),
    );
    assert_eq!(found["listeFactures"][0]["montantTTC"], 60.0);
    assert_eq!(
        found["listeFactures"][0]["codeServiceExecutant"],
        "INTENDANCE"
    );

    let plain = facturx_pdf(None);
    let numero = deposit(&base, &token, "plain.pdf", "IN_DP_E2_CII_FACTURX", &plain);
    let report = wait_flux(&base, &token, &numero);
    assert_eq!(report["etatCourantDepotFlux"], "IN_REJETE");
    let message = report["listeErreurDP"][0]["libelleErreurDP"]
        .as_str()
        .unwrap();
    assert!(message.contains("factur-x.xml"), "{message}");
    // An XML deposited as Factur-X is refused too.
    let xml = cii("FX-PDF-2", LYCEE, "", "", false);
    let numero = deposit(
        &base,
        &token,
        "f.xml",
        "IN_DP_E2_CII_FACTURX",
        xml.as_bytes(),
    );
    assert_eq!(
        wait_flux(&base, &token, &numero)["etatCourantDepotFlux"],
        "IN_REJETE"
    );
}

#[test]
fn many_sequential_deposits_stay_cheap() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start(chorus_depot::sandbox::SandboxConfig {
        db: Some(dir.path().join("bac.sqlite")),
        ..fast(100_000.0)
    });
    let base = sandbox.base_url();
    let token = sandbox_support::token(&base);
    let started = std::time::Instant::now();
    let count = 300;
    for i in 0..count {
        let number = format!("SEQ-{i:04}");
        let xml = ubl(&number, LYCEE, "", "");
        deposit(
            &base,
            &token,
            &format!("{number}.xml"),
            "IN_DP_E1_UBL_INVOICE",
            xml.as_bytes(),
        );
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{count} dépôts en {elapsed:?} ({:?} par dépôt)",
        elapsed / count
    );
    assert!(elapsed < std::time::Duration::from_secs(30), "{elapsed:?}");
    let deposits = raw(&base, "GET", "/sandbox/deposits", &[], b"")
        .unwrap()
        .json();
    assert_eq!(
        deposits["deposits"].as_array().unwrap().len(),
        count as usize
    );
}
