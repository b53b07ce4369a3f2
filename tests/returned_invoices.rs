//! Returned invoices end to end: the embedded sandbox on loopback moves deposited invoices
//! to A_RECYCLER, SUSPENDUE and REJETEE (decided by its seed and the invoice number); the
//! app's client and store recycle, complete and mark them for a credit note.

mod sandbox_support;

use chorus_depot::app::deposit_wiring::SqliteExchangeLog;
use chorus_depot::app::returned::{self, Attachment, RecycleForm, ReturnedError};
use chorus_depot::chorus::{ChorusClient, ClientOptions, Credentials, Environment, Secret};
use chorus_depot::sandbox::{self, SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use sandbox_support::*;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

const SEED: u64 = 5;

fn client(sandbox: &SandboxHandle, db: &Path) -> ChorusClient {
    ChorusClient::new(
        Environment::Sandbox {
            api_base: sandbox.base_url(),
            token_url: sandbox.token_url(),
        },
        Credentials {
            client_id: sandbox::DEFAULT_CLIENT_ID.into(),
            client_secret: Secret::new(sandbox::DEFAULT_CLIENT_SECRET),
            login: sandbox::DEFAULT_LOGIN.into(),
            password: Secret::new(sandbox::DEFAULT_PASSWORD),
        },
        ClientOptions {
            log: Arc::new(SqliteExchangeLog::open(db).unwrap()),
            ..ClientOptions::default()
        },
    )
    .unwrap()
}

/// The ERP mirror: one company, the commune as client, and the invoices (service SERV-FIN).
fn mirror(store: &Store, numbers: &[&String]) {
    let numbers: Vec<&str> = numbers.iter().map(|n| n.as_str()).collect();
    bac_mirror(store.conn(), &numbers);
}

/// What the sync would write: the invoice's Chorus id and status, and its history.
fn sync_row(store: &Store, number: &str, id: i64, history: &Value) {
    let status = history["statutCourantCode"].as_str().unwrap();
    store
        .conn()
        .execute(
            "INSERT OR REPLACE INTO chorus_invoices (invoice_number, company_code, cpp_id, status)
             VALUES (?1, 'S1', ?2, ?3)",
            rusqlite::params![number, id, status],
        )
        .unwrap();
    for h in history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .unwrap()
    {
        store
            .conn()
            .execute(
                "INSERT OR IGNORE INTO status_history (invoice_number, status, at, comment)
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    number,
                    h["histoStatutCode"].as_str().unwrap_or(""),
                    h["histoStatutDatePassage"].as_str().unwrap_or(""),
                    h["histoStatutCommentaire"].as_str().unwrap_or(""),
                ],
            )
            .unwrap();
    }
}

fn exchanges(store: &Store, route: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM api_exchanges WHERE route LIKE ?1",
            [format!("%{route}")],
            |r| r.get(0),
        )
        .unwrap()
}

fn local_status(store: &Store, number: &str) -> String {
    store
        .conn()
        .query_row(
            "SELECT status FROM chorus_invoices WHERE invoice_number = ?1",
            [number],
            |r| r.get(0),
        )
        .unwrap()
}

fn codes(history: &Value) -> Vec<String> {
    history["historiquesDesStatuts"]["histoStatut"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["histoStatutCode"].as_str().unwrap_or("").to_string())
        .collect()
}

fn history(base: &str, token: &str, id: i64) -> Value {
    call(
        base,
        token,
        "/cpro/factures/v1/consulter/historique",
        &json!({ "idFacture": id }),
    )
}

#[test]
fn returned_invoices_are_recycled_completed_and_marked_for_a_credit_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("base.sqlite");
    // Scale 50 000: a sandbox day takes 1.7 s, so an invoice reaches its returned status in
    // under 3 s and stays COMPLETEE long enough to be seen.
    let sandbox = start(SandboxConfig {
        seed: SEED,
        ..fast(50_000.0)
    });
    let base = sandbox.base_url();
    let token = token(&base);
    let lot = deposit_returned_lot(&base, &token, SEED);
    let (recycle, suspend, reject) = (lot.recycle, lot.suspend, lot.reject);

    let mut store = Store::open(&db).unwrap();
    import_sandbox_directory(&mut store, dir.path());
    mirror(&store, &[&recycle, &suspend, &reject]);
    let mut ids = Vec::new();
    for (number, status) in [
        (&recycle, "A_RECYCLER"),
        (&suspend, "SUSPENDUE"),
        (&reject, "REJETEE"),
    ] {
        let id = invoice_id(&base, &token, number);
        let history = wait_status(&base, &token, id, status);
        sync_row(&store, number, id, &history);
        ids.push(id);
    }
    let (recycle_id, suspend_id) = (ids[0], ids[1]);
    let client = client(&sandbox, &db);
    let listed: Vec<(String, String)> = returned::returned_invoices(store.conn())
        .unwrap()
        .into_iter()
        .map(|r| (r.invoice_number, r.status))
        .collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(listed.contains(&(suspend.clone(), "SUSPENDUE".to_string())));

    // ---- À recycler -------------------------------------------------------------------------
    let prefilled = returned::recycle_form(store.conn(), &recycle).unwrap();
    assert_eq!(
        prefilled,
        RecycleForm {
            siret: COMMUNE.into(),
            service_code: "SERV-FIN".into(),
            engagement_number: String::new(),
        }
    );
    // An unknown service is refused locally: nothing reaches Chorus Pro.
    let wrong = RecycleForm {
        service_code: "SERV-INCONNU".into(),
        ..prefilled.clone()
    };
    let err = returned::recycle(&client, &store, &recycle, &wrong, None).unwrap_err();
    assert!(matches!(err, ReturnedError::Invalid { .. }), "{err}");
    assert!(
        err.problems()
            .iter()
            .any(|p| p.contains("SERV-INCONNU") && p.contains("n'existe pas")),
        "{err}"
    );
    // A service that requires an engagement, without one; and nothing changed.
    let no_engagement = RecycleForm {
        service_code: "SERV-TECH".into(),
        ..prefilled.clone()
    };
    let problems = returned::check_recycle_form(store.conn(), &recycle, &no_engagement).unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("exige un n° d'engagement")),
        "{problems:?}"
    );
    let err = returned::recycle(&client, &store, &recycle, &prefilled, None).unwrap_err();
    assert!(err.to_string().contains("Rien n'a été modifié"), "{err}");
    assert_eq!(exchanges(&store, "recycler"), 0, "no recycle call was sent");
    assert!(
        returned::actions_of(store.conn(), &recycle)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        history(&base, &token, recycle_id)["statutCourantCode"],
        "A_RECYCLER"
    );

    // The corrected service code (and the engagement it requires) is accepted.
    let corrected = RecycleForm {
        service_code: "SERV-TECH".into(),
        engagement_number: "EJ-2026-0042".into(),
        ..prefilled.clone()
    };
    assert!(
        returned::check_recycle_form(store.conn(), &recycle, &corrected)
            .unwrap()
            .is_empty()
    );
    let outcome = returned::recycle(
        &client,
        &store,
        &recycle,
        &corrected,
        Some("Service corrigé à la demande du destinataire"),
    )
    .unwrap();
    assert_eq!(outcome.new_status, "DEPOSEE");
    assert_eq!(local_status(&store, &recycle), "DEPOSEE");
    assert_eq!(exchanges(&store, "recycler"), 1);
    // On Chorus Pro the invoice moves on along its normal path, routed to the new service.
    let moved = wait_status(&base, &token, recycle_id, "MISE_A_DISPOSITION");
    assert!(codes(&moved).contains(&"A_RECYCLER".to_string()));
    let found = call(
        &base,
        &token,
        "/cpro/factures/v1/rechercher/fournisseur",
        &json!({ "numeroFacture": recycle }),
    );
    assert_eq!(
        found["listeFactures"][0]["codeServiceExecutant"],
        "SERV-TECH"
    );
    let timeline = returned::actions_of(store.conn(), &recycle).unwrap();
    assert_eq!(timeline.len(), 1);
    assert!(timeline[0].succeeded, "{timeline:?}");
    assert!(timeline[0].detail.contains("SERV-TECH"), "{timeline:?}");
    // The next form starts from what Chorus Pro now holds.
    assert_eq!(
        returned::recycle_form(store.conn(), &recycle).unwrap(),
        corrected
    );
    // The local status says it is no longer to recycle: refused before any call.
    let err = returned::recycle(&client, &store, &recycle, &corrected, None).unwrap_err();
    assert!(matches!(err, ReturnedError::WrongStatus { .. }), "{err}");
    // A stale mirror (still A_RECYCLER locally): Chorus Pro's refusal comes back in French,
    // with context, is journaled, and the local status is not touched.
    store
        .conn()
        .execute(
            "UPDATE chorus_invoices SET status = 'A_RECYCLER' WHERE invoice_number = ?1",
            [&recycle],
        )
        .unwrap();
    let again = RecycleForm {
        service_code: "SERV-FIN".into(),
        ..corrected.clone()
    };
    let err = returned::recycle(&client, &store, &recycle, &again, None).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("Recyclage de {recycle} refusé par Chorus Pro : ")),
        "{text}"
    );
    assert_eq!(local_status(&store, &recycle), "A_RECYCLER");
    let timeline = returned::actions_of(store.conn(), &recycle).unwrap();
    assert_eq!(timeline.len(), 2);
    assert!(!timeline[1].succeeded);
    assert!(
        timeline[1].result.starts_with("Échec : Recyclage"),
        "{timeline:?}"
    );

    // ---- Suspendue --------------------------------------------------------------------------
    // The recipient's comment, asked to Chorus Pro when the local history lacks it.
    store
        .conn()
        .execute(
            "DELETE FROM status_history WHERE invoice_number = ?1",
            [&suspend],
        )
        .unwrap();
    assert_eq!(
        returned::recipient_comment(store.conn(), &suspend, "SUSPENDUE").unwrap(),
        None
    );
    let comment = returned::fetch_recipient_comment(&client, store.conn(), &suspend, "SUSPENDUE")
        .unwrap()
        .expect("the recipient's comment");
    assert!(comment.contains("merci"), "{comment}");
    // A name of 51 characters is refused locally, with a shorter name to use.
    let long = dir.path().join(format!("{}.pdf", "b".repeat(47)));
    std::fs::write(&long, b"%PDF-1.7 bon").unwrap();
    let err = returned::complete(&client, &store, &suspend, vec![long.into()], "").unwrap_err();
    assert!(
        err.problems()
            .iter()
            .any(|p| p.contains("51 caractères") && p.contains("par exemple")),
        "{err}"
    );
    assert_eq!(exchanges(&store, "ajouter/fichier"), 0);
    assert_eq!(exchanges(&store, "completer"), 0);

    let delivery = dir.path().join("bon_de_livraison_signe.pdf");
    std::fs::write(&delivery, b"%PDF-1.7 bon de livraison").unwrap();
    let outcome = returned::complete(
        &client,
        &store,
        &suspend,
        vec![
            Attachment::File(delivery),
            ("pv_reception.txt".to_string(), b"PV signe".to_vec()).into(),
        ],
        "Bon de livraison signé et PV de réception joints.",
    )
    .unwrap();
    assert_eq!(outcome.new_status, "COMPLETEE");
    assert_eq!(local_status(&store, &suspend), "COMPLETEE");
    assert_eq!(exchanges(&store, "ajouter/fichier"), 2);
    assert_eq!(exchanges(&store, "completer"), 1);
    assert!(codes(&history(&base, &token, suspend_id)).contains(&"COMPLETEE".to_string()));
    let timeline = returned::actions_of(store.conn(), &suspend).unwrap();
    assert!(timeline[0].succeeded, "{timeline:?}");
    assert!(
        timeline[0].detail.contains("bon_de_livraison_signe.pdf"),
        "{timeline:?}"
    );

    // ---- Rejetée ----------------------------------------------------------------------------
    let reason = returned::rejection_reason(store.conn(), &reject)
        .unwrap()
        .expect("the recipient's reason");
    assert!(reason.starts_with("Facture rejetée"), "{reason}");
    assert!(!returned::is_marked_for_credit_note(store.conn(), &reject).unwrap());
    assert!(returned::mark_for_credit_note(store.conn(), &reject).unwrap());
    assert!(!returned::mark_for_credit_note(store.conn(), &reject).unwrap());
    let due = returned::credit_notes_due(store.conn()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].invoice_number, reject);
    assert_eq!(due[0].reason, reason);
    assert_eq!(due[0].client_name, "Commune de Ville-sur-Bac");
    assert_eq!(due[0].total_incl_tax, "120.00");
    let csv = String::from_utf8(returned::credit_notes_due_csv(&due).unwrap()).unwrap();
    assert!(csv.contains(&format!(
        "{reject};S1;C1;Commune de Ville-sur-Bac;02/11/2026;120,00"
    )));
    assert!(
        returned::returned_invoices(store.conn())
            .unwrap()
            .iter()
            .any(|r| r.invoice_number == reject && r.marked_for_credit_note && r.comment == reason)
    );
    // Only a rejected invoice can be marked.
    assert!(returned::mark_for_credit_note(store.conn(), &suspend).is_err());
}
