//! The store's engine-neutral SQL (`store::sql`) and the store modules written with it, run
//! the same way on the embedded SQLite file and on a real PostgreSQL team base (issue 11):
//! each scenario takes a `&dyn Sql` and is run once per engine.

mod common;

use chorus_depot::sql_params;
use chorus_depot::store::Store;
use chorus_depot::store::sql::{PgSql, Sql, SqlError};
use common::postgres::server;

/// Runs `scenario` on a new migrated SQLite base, then on a new migrated PostgreSQL base.
fn on_both_engines(purpose: &str, scenario: impl Fn(&dyn Sql)) {
    let store = Store::open_in_memory().unwrap();
    scenario(store.conn());
    let pg = server();
    let mut client = chorus_depot::store::postgres::connect(&pg.fresh_database(purpose)).unwrap();
    chorus_depot::store::postgres::migrate(&mut client).unwrap();
    let team = PgSql::new(client);
    scenario(&team);
}

#[test]
fn values_go_in_and_come_back_the_same_on_both_engines() {
    on_both_engines("values", |db| {
        db.execute(
            "INSERT INTO fluxes (company_code, mode, syntax, name, file_path, file_sha256,
                 file_size, invoice_count, created_at, state, flux_number)
             VALUES (?1, 'LOT', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            sql_params![
                "SIEGE",
                "IN_DP_E1_UBL_INVOICE",
                "Factures d'octobre — « été »",
                "/tmp/lot.zip",
                "ab",
                i64::MAX,
                3i64,
                "2026-11-02T10:00:00+01:00",
                "GENERE",
                None::<&str>
            ],
        )
        .unwrap();
        // Parameters named out of order, and a count PostgreSQL returns as BIGINT.
        let row = db
            .first_row(
                "SELECT name, file_size, flux_number, count(*) OVER ()
                 FROM fluxes WHERE state = ?2 AND company_code = ?1",
                sql_params!["SIEGE", "GENERE"],
                |r| Ok((r.text(0)?, r.int(1)?, r.opt_text(2)?, r.int(3)?)),
            )
            .unwrap()
            .expect("the flux");
        assert_eq!(
            row,
            ("Factures d'octobre — « été »".into(), i64::MAX, None, 1),
            "{:?}",
            db.engine()
        );
        // A text where a number is expected is said, with the column.
        let error = db
            .first_row("SELECT name FROM fluxes", &[], |r| r.int(0))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("colonne name")
                && error.contains("le texte « Factures d'octobre — « été » »"),
            "{error}"
        );
    });
}

#[test]
fn a_transaction_that_fails_leaves_nothing_on_both_engines() {
    on_both_engines("transaction", |db| {
        let failed = db.in_transaction(&mut |tx| {
            tx.execute(
                "INSERT INTO app_settings (key, value) VALUES (?1, ?2)",
                sql_params!["a", "1"],
            )?;
            Err(SqlError::Other("arrêt voulu".into()))
        });
        assert!(failed.is_err());
        let count = db
            .first_row("SELECT count(*) FROM app_settings", &[], |r| r.int(0))
            .unwrap();
        assert_eq!(count, Some(0), "{:?}", db.engine());
        db.in_transaction(&mut |tx| {
            tx.execute(
                "INSERT INTO app_settings (key, value) VALUES (?1, ?2)",
                sql_params!["a", "1"],
            )?;
            Ok(())
        })
        .unwrap();
        let value = db
            .first_row(
                "SELECT value FROM app_settings WHERE key = ?1",
                sql_params!["a"],
                |r| r.text(0),
            )
            .unwrap();
        assert_eq!(value.as_deref(), Some("1"));
        // A constraint the schema holds is held on both.
        let duplicate = db.execute(
            "INSERT INTO app_settings (key, value) VALUES (?1, ?2)",
            sql_params!["a", "2"],
        );
        assert!(duplicate.is_err(), "{:?}", db.engine());
    });
}

#[test]
fn an_override_is_kept_once_with_its_first_date_on_both_engines() {
    use chorus_depot::store::overrides;
    on_both_engines("overrides", |db| {
        overrides::record(db, "F1", "DEJA_REGLEE", "2026-12-01T10:00:00+01:00").unwrap();
        overrides::record(db, "F1", "DEJA_REGLEE", "2026-12-02T10:00:00+01:00").unwrap();
        overrides::record(db, "F2", "DEJA_REGLEE", "2026-12-03T10:00:00+01:00").unwrap();
        let all = overrides::load_all(db).unwrap();
        assert_eq!(all.len(), 2, "{:?}", db.engine());
        assert!(all.contains(&("F1".to_string(), "DEJA_REGLEE".to_string())));
        let first = db
            .first_row(
                "SELECT decided_at FROM deposit_overrides WHERE invoice_number = ?1",
                sql_params!["F1"],
                |r| r.text(0),
            )
            .unwrap();
        assert_eq!(first.as_deref(), Some("2026-12-01T10:00:00+01:00"));
    });
}

#[test]
fn settings_are_read_back_and_replaced_on_both_engines() {
    use chorus_depot::store::settings;
    on_both_engines("settings", |db| {
        assert_eq!(settings::get(db, "connexion").unwrap(), None);
        settings::set(db, "connexion", "{\"a\":1}").unwrap();
        settings::set(db, "connexion", "{\"a\":2}").unwrap();
        assert_eq!(
            settings::get(db, "connexion").unwrap().as_deref(),
            Some("{\"a\":2}")
        );
    });
}

#[test]
fn payment_terms_are_saved_whole_on_both_engines() {
    use chorus_depot::store::payment_terms::{self, ClientTermsRow, TermsRow};
    on_both_engines("payment_terms", |db| {
        assert_eq!(payment_terms::load_terms(db).unwrap(), None);
        chorus_depot::store::settings::set(db, "ancien", "x").unwrap();
        let terms = TermsRow {
            interest_rate_percent: "10.15".into(),
            recovery_indemnity: "40.00".into(),
            delay_state_local_days: 30,
            delay_health_days: 50,
            delay_public_company_days: 60,
        };
        let clients = vec![
            ClientTermsRow {
                client_code: "CHU".into(),
                category: Some("SANTE".into()),
                delay_days: None,
            },
            ClientTermsRow {
                client_code: "MAIRIE".into(),
                category: None,
                delay_days: Some(45),
            },
            ClientTermsRow {
                client_code: "RIEN".into(),
                category: None,
                delay_days: None,
            },
        ];
        payment_terms::save(db, &terms, &clients, "ancien").unwrap();
        assert_eq!(payment_terms::load_terms(db).unwrap(), Some(terms.clone()));
        assert_eq!(
            payment_terms::load_clients(db).unwrap(),
            clients[..2].to_vec()
        );
        assert_eq!(
            chorus_depot::store::settings::get(db, "ancien").unwrap(),
            None
        );
        // A delay the schema refuses rolls the whole save back.
        let refused = payment_terms::save(
            db,
            &TermsRow {
                delay_health_days: 900,
                ..terms.clone()
            },
            &[],
            "ancien",
        );
        assert!(refused.is_err(), "{:?}", db.engine());
        assert_eq!(payment_terms::load_clients(db).unwrap().len(), 2);
    });
}

#[test]
fn deposited_invoices_are_marked_on_both_engines() {
    use chorus_depot::store::deposit_marks::deposit_marks;
    use chorus_depot::store::deposits::JournalState;
    on_both_engines("deposit_marks", |db| {
        db.execute(
            "INSERT INTO fluxes (id, company_code, mode, syntax, file_path, file_sha256,
                 file_size, invoice_count, created_at, sent_at, flux_number, state)
             VALUES (7, 'S1', 'LOT', 'X', '/tmp/l.zip', '00', 1, 3, ?1, ?2, 'CPP7', 'ENVOYE')",
            sql_params!["2026-11-02T10:00:00+01:00", "2026-11-02T10:00:05+01:00"],
        )
        .unwrap();
        for (id, number, state) in [
            (1i64, "F1", "DEPOSEE"),
            (2, "F2", "ECHEC"),
            (3, "F3", "A_VERIFIER"),
        ] {
            db.execute(
                "INSERT INTO deposit_journal (id, invoice_number, flux_id, state, started_at)
                 VALUES (?1, ?2, 7, ?3, '2026-11-02T10:00:00+01:00')",
                sql_params![id, number, state],
            )
            .unwrap();
        }
        db.execute(
            "INSERT INTO duplicate_deposits (journal_id, invoice_number, flux_id, message,
                 seen_at, chorus_flux_number)
             VALUES (3, 'F3', 7, 'déjà reçue', 'x', 'CPP1')",
            &[],
        )
        .unwrap();
        db.execute(
            "INSERT INTO chorus_invoices (invoice_number, status) VALUES ('F1', 'MISE_A_DISPOSITION')",
            &[],
        )
        .unwrap();
        let marks = deposit_marks(db).unwrap();
        assert_eq!(marks.len(), 2, "{:?}", db.engine());
        let f1 = &marks["F1"];
        assert_eq!(f1.state, JournalState::Deposited);
        assert_eq!(f1.flux_number, "CPP7");
        assert_eq!(f1.at, "2026-11-02T10:00:05+01:00");
        assert_eq!(f1.chorus_status, "MISE_A_DISPOSITION");
        assert!(!f1.already_on_chorus);
        let f3 = &marks["F3"];
        assert!(f3.already_on_chorus);
        assert_eq!(f3.flux_number, "CPP1");
    });
}

#[test]
fn verdict_caches_round_trip_on_both_engines() {
    use chorus_depot::store::{einvoice_verdicts, pdf_verdicts};
    on_both_engines("verdicts", |db| {
        let pdf = |verdict: &str, pages: u32| pdf_verdicts::StoredVerdict {
            size: 1 << 40,
            modified_ns: -5,
            verdict: verdict.into(),
            pages,
            detail: "détail « é »".into(),
        };
        pdf_verdicts::save_all(db, &[("/a.pdf".into(), pdf("LISIBLE", 2))]).unwrap();
        pdf_verdicts::save_all(
            db,
            &[
                ("/a.pdf".into(), pdf("PROTEGE", 0)),
                ("/b.pdf".into(), pdf("ILLISIBLE", 0)),
            ],
        )
        .unwrap();
        let all = pdf_verdicts::load_all(db).unwrap();
        assert_eq!(all.len(), 2, "{:?}", db.engine());
        assert_eq!(all["/a.pdf"], pdf("PROTEGE", 0));

        let verdict = einvoice_verdicts::StoredVerdict {
            fingerprint: u64::MAX - 1,
            findings_json: "[{\"regle\":\"BR-CO-10\"}]".into(),
        };
        einvoice_verdicts::save_all(db, &[("F1", &verdict)]).unwrap();
        let read = einvoice_verdicts::load_all(db).unwrap();
        assert_eq!(read.get("F1"), Some(&verdict), "{:?}", db.engine());
    });
}

#[test]
fn returned_invoices_and_their_actions_on_both_engines() {
    use chorus_depot::store::returned;
    on_both_engines("returned", |db| {
        for sql in [
            "INSERT INTO companies (code, name) VALUES ('S1', 'Fournisseur')",
            "INSERT INTO clients (code, name, siret, client_type)
             VALUES ('C1', 'Commune de Villeurbanne', '21690266800013', 'PUBLIC')",
            "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date,
                 total_excl_tax, total_tax, total_incl_tax)
             VALUES ('F1', 'S1', 'C1', 'FACTURE', '2026-11-02', '100.00', '20.00', '120.00')",
            "INSERT INTO chorus_invoices (invoice_number, company_code, cpp_id, status, status_at)
             VALUES ('F1', 'S1', 9007199254740993, 'A_RECYCLER', '2026-11-20')",
            "INSERT INTO status_history (invoice_number, status, at, comment)
             VALUES ('F1', 'A_RECYCLER', '2026-11-19', 'ancien'),
                    ('F1', 'A_RECYCLER', '2026-11-20', 'Code service manquant'),
                    ('F1', 'DEPOSEE', '2026-11-03', '')",
        ] {
            db.execute(sql, &[]).unwrap();
        }
        let rows = returned::returned_rows(db).unwrap();
        assert_eq!(rows.len(), 1, "{:?}", db.engine());
        assert_eq!(rows[0].cpp_id, Some(9007199254740993));
        assert_eq!(rows[0].comment, "Code service manquant");
        assert_eq!(rows[0].client_name, "Commune de Villeurbanne");
        assert!(!rows[0].marked_for_credit_note);

        let first =
            returned::begin_action(db, "F1", "RECYCLER", "2026-11-21T09:00", "SERV").unwrap();
        let second = returned::begin_action(db, "F1", "COMPLETER", "2026-11-21T10:00", "").unwrap();
        assert!(second > first);
        returned::finish_action(db, first, "").unwrap();
        returned::finish_action(db, second, "refusé").unwrap();
        let actions = returned::actions_of(db, "F1").unwrap();
        let results: Vec<&str> = actions.iter().map(|a| a.result.as_str()).collect();
        assert_eq!(results, [returned::RESULT_OK, returned::RESULT_ERROR]);

        returned::set_status(db, "F1", "REJETEE", "2026-11-22").unwrap();
        let link = returned::chorus_link(db, "F1").unwrap().unwrap();
        assert_eq!(link.status, "REJETEE");
        assert_eq!(
            returned::last_comment_of_status(db, "F1", "A_RECYCLER")
                .unwrap()
                .as_deref(),
            Some("Code service manquant")
        );
        assert_eq!(
            returned::last_comment_of_status(db, "F1", "DEPOSEE").unwrap(),
            None
        );

        assert!(returned::insert_credit_note_due(db, "F1", "2026-11-23", "rejet").unwrap());
        assert!(!returned::insert_credit_note_due(db, "F1", "2026-11-24", "encore").unwrap());
        assert!(returned::is_credit_note_due(db, "F1").unwrap());
        assert!(!returned::is_credit_note_due(db, "F2").unwrap());
        let due = returned::credit_notes_due(db).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].marked_at.as_str(), due[0].total_incl_tax.as_str()),
            ("2026-11-23", "120.00")
        );
        assert!(returned::returned_rows(db).unwrap()[0].marked_for_credit_note);

        returned::record_routing(db, "F1", "21690266800013", "SERV", "", "a").unwrap();
        returned::record_routing(db, "F1", "21690266800013", "FIN", "EJ1", "b").unwrap();
        assert_eq!(
            returned::routing_of(db, "F1").unwrap(),
            Some(("21690266800013".into(), "FIN".into(), "EJ1".into()))
        );
    });
}

fn new_flux(db: &dyn Sql, name: &str) -> i64 {
    use chorus_depot::store::deposits::{FluxMode, NewFlux, insert_flux};
    insert_flux(
        db,
        &NewFlux {
            company_code: "S".into(),
            mode: FluxMode::Lot,
            syntax: "IN_DP_E1_UBL_INVOICE".into(),
            name: name.into(),
            file_path: String::new(),
            file_sha256: String::new(),
            file_size: 0,
            invoice_count: 1,
            created_at: "t".into(),
        },
    )
    .unwrap()
}

#[test]
fn the_deposit_journal_claims_once_and_only_moves_forward_on_both_engines() {
    use JournalState::*;
    use chorus_depot::store::deposits::*;
    on_both_engines("deposit_journal", |db| {
        let engine = db.engine();
        let f = new_flux(db, "Facture F1");
        let id = begin(db, "F1", f, "t").unwrap().expect("claimed");
        assert_eq!(begin(db, "F1", f, "t").unwrap(), None, "{engine:?}: once");
        // Another session recorded the answer; ours, from the EN_COURS we read, is refused.
        finish(db, id, Deposited, "", "t").unwrap();
        let ours = settle(db, id, InProgress, Uncertain, "pas encore visible", "t").unwrap();
        assert_eq!((ours.state, ours.raced), (Deposited, Some(Deposited)));
        assert_eq!(active_entry(db, "F1").unwrap().unwrap().company_code, "S");
        // The flux's number, and the same number for a second flux: said, not a crash.
        assert_eq!(
            flux_sent(db, f, "CPP1", "t").unwrap(),
            FluxNumbering::Recorded
        );
        let g = new_flux(db, "Facture F2");
        assert_eq!(
            flux_sent(db, g, "CPP1", "t").unwrap(),
            FluxNumbering::HeldBy {
                flux_id: f,
                name: "Facture F1".into()
            },
            "{engine:?}"
        );
        assert!(!flux_failed(db, f, "ECHEC", "trop tard").unwrap());
        // A lot whose invoices are all free is claimed whole, in the order given…
        let lot = new_flux(db, "Lot");
        let numbers: Vec<String> = ["F4", "F3", "F5"].map(String::from).to_vec();
        let FluxClaim::Claimed(claims) = begin_all(db, &numbers, lot, "t").unwrap() else {
            panic!("{engine:?}: free invoices")
        };
        assert_eq!(
            claims.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["F4", "F3", "F5"]
        );
        // … and one holding an invoice already claimed is claimed not at all.
        let late = new_flux(db, "Lot tardif");
        let numbers: Vec<String> = ["F6", "F3", "F7", "F1"].map(String::from).to_vec();
        assert_eq!(
            begin_all(db, &numbers, late, "t").unwrap(),
            FluxClaim::Taken(vec!["F1".into(), "F3".into()]),
            "{engine:?}"
        );
        assert!(active_entry(db, "F6").unwrap().is_none(), "{engine:?}");
        assert_eq!(
            not_to_resend(db).unwrap(),
            ["F1", "F3", "F4", "F5"],
            "{engine:?}"
        );
        // Chorus Pro's integration verdict frees the invoice for a new deposit.
        assert!(reject_at_integration(db, f, "F1", "Rejetée", "t").unwrap());
        assert!(begin(db, "F1", g, "t").unwrap().is_some(), "{engine:?}");
        assert_eq!(unresolved(db).unwrap().len(), 4, "{engine:?}");
        record_exchange(
            db,
            &ExchangeRow {
                at: "t".into(),
                route: "deposer/flux".into(),
                http_status: Some(200),
                duration_ms: 12,
                request_json: "{}".into(),
                response_json: "{}".into(),
                error: String::new(),
            },
        )
        .unwrap();
    });
}

/// Four sessions (four PCs on the team base, four windows on one SQLite file) claim
/// overlapping lots at the same moment, each in its own order: every invoice is claimed by
/// exactly one of them, each lot whole or not at all, and nobody fails on a deadlock.
#[test]
fn sessions_claiming_overlapping_lots_at_once_never_share_an_invoice_on_both_engines() {
    use chorus_depot::store::deposits::{FluxClaim, begin_all};
    use std::collections::BTreeMap;

    fn race<T>(
        connect: &(dyn Fn() -> T + Sync),
        sql: fn(&T) -> &dyn Sql,
    ) -> Vec<(usize, Vec<String>)> {
        let barrier = std::sync::Barrier::new(4);
        std::thread::scope(|scope| {
            let runs: Vec<_> = (0..4usize)
                .map(|session| {
                    let barrier = &barrier;
                    scope.spawn(move || {
                        let session_db = connect();
                        let db = sql(&session_db);
                        let mut won = Vec::new();
                        for round in 0..10usize {
                            // Lots of 3 overlapping the next session's, in changing order.
                            let mut lot: Vec<String> = (0..3)
                                .map(|k| format!("R{round}-{}", (session * 2 + k) % 8))
                                .collect();
                            if (session + round) % 2 == 1 {
                                lot.reverse();
                            }
                            let flux = new_flux(db, &format!("S{session}R{round}"));
                            barrier.wait();
                            if let FluxClaim::Claimed(claims) =
                                begin_all(db, &lot, flux, "t").unwrap()
                            {
                                won.extend(claims.into_iter().map(|(n, _)| n));
                            }
                        }
                        (session, won)
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        })
    }

    fn check(engine: &str, runs: Vec<(usize, Vec<String>)>) {
        let mut owner: BTreeMap<String, usize> = BTreeMap::new();
        for (session, won) in runs {
            for n in won {
                if let Some(first) = owner.insert(n.clone(), session) {
                    panic!("{engine}: {n} claimed by sessions {first} and {session}");
                }
            }
        }
        // Every round someone won: claims are not all lost to each other.
        for round in 0..10 {
            assert!(
                owner.keys().any(|n| n.starts_with(&format!("R{round}-"))),
                "{engine}: round {round} claimed nothing"
            );
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("base.sqlite");
    drop(Store::open(&file).unwrap());
    check(
        "SQLite",
        race(&|| Store::open(&file).unwrap(), |store| store.conn()),
    );

    let pg = server();
    let database = pg.fresh_database("claims_race");
    let mut client = chorus_depot::store::postgres::connect(&database).unwrap();
    chorus_depot::store::postgres::migrate(&mut client).unwrap();
    check(
        "PostgreSQL",
        race(
            &|| PgSql::new(chorus_depot::store::postgres::connect(&database).unwrap()),
            |team| team,
        ),
    );
}

#[test]
fn payment_facts_are_read_the_same_on_both_engines() {
    use chorus_depot::store::payments::{client_address, load_payment_facts, sender_of};
    use rust_decimal::Decimal;
    on_both_engines("payments", |db| {
        let engine = db.engine();
        for sql in [
            "INSERT INTO companies (code, name, siret, iban, bic, address, postal_code, city)
             VALUES ('S', 'ACME SERVICES', '12345678900017', 'FR7630006000011234567890189',
                     'AGRIFRPP', '1 rue de la Paix', '75002', 'Paris')",
            "INSERT INTO clients (code, name, client_type, address, postal_code, city)
             VALUES ('CHU', 'CHU de Nantes', 'PUBLIC', '5 allée de l''île Gloriette', '44000',
                     'Nantes'),
                    ('P', 'Client privé', 'PRIVE', '', '', '')",
            "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date, due_date,
                 total_excl_tax, total_tax, total_incl_tax)
             VALUES ('F1', 'S', 'CHU', 'FACTURE', '2026-10-01', '2026-11-20', '1000.00', '200.00',
                     '1200.00'),
                    ('A1', 'S', 'CHU', 'AVOIR', '2026-10-05', NULL, '-100', '-20', '-120.00'),
                    ('X1', 'S', 'P', 'FACTURE', '2026-10-01', NULL, '1', '0', '1')",
            "UPDATE invoices SET original_invoice_number = 'F1' WHERE number = 'A1'",
            "INSERT INTO payments (invoice_number, date, amount)
             VALUES ('F1', '2026-11-10', '700.005'), ('F1', '2026-11-02', '499.995')",
            "INSERT INTO chorus_invoices (invoice_number, cpp_id, deposited_on, status, status_at)
             VALUES ('F1', 9007199254740993, '2026-10-02', 'MISE_EN_PAIEMENT', '1795168800000')",
            "INSERT INTO status_history (invoice_number, status, at)
             VALUES ('F1', 'MISE_EN_PAIEMENT', '2026-11-09'),
                    ('F1', 'MISE_EN_PAIEMENT', '2026-11-08T09:00:00+01:00')",
        ] {
            db.execute(sql, &[]).unwrap();
        }
        let facts = load_payment_facts(db).unwrap();
        assert_eq!(
            facts.iter().map(|f| f.number.as_str()).collect::<Vec<_>>(),
            ["A1", "F1"],
            "{engine:?}: public clients only, by number"
        );
        let f1 = &facts[1];
        assert!(f1.deposited);
        assert_eq!(f1.cpp_id, Some(9_007_199_254_740_993), "{engine:?}");
        assert_eq!(f1.amount_incl_tax, Decimal::new(120000, 2));
        let paid: Vec<(String, Decimal)> = f1
            .payments
            .iter()
            .map(|p| (p.date.to_string(), p.amount))
            .collect();
        assert_eq!(
            paid,
            [
                ("2026-11-02".into(), Decimal::new(499995, 3)),
                ("2026-11-10".into(), Decimal::new(700005, 3))
            ],
            "{engine:?}: exact amounts, oldest first"
        );
        assert_eq!(
            f1.payment_issued_on.map(|d| d.to_string()).as_deref(),
            Some("2026-11-08")
        );
        assert_eq!(
            f1.erp_due_date.map(|d| d.to_string()).as_deref(),
            Some("2026-11-20")
        );
        assert_eq!(facts[0].original_invoice_number, "F1");
        assert!(!facts[0].deposited);
        let only = chorus_depot::store::payments::load_payment_facts_of(db, "F1").unwrap();
        assert_eq!(only.len(), 2, "{engine:?}: the invoice and its credit note");
        let sender = sender_of(db, "S").unwrap().unwrap();
        assert_eq!(sender.iban, "FR7630006000011234567890189");
        assert_eq!(
            client_address(db, "CHU").unwrap().unwrap().address,
            "5 allée de l'île Gloriette"
        );
        assert!(sender_of(db, "ABSENT").unwrap().is_none());
        // An unreadable amount names its invoice.
        db.execute(
            "UPDATE invoices SET total_incl_tax = 'douze' WHERE number = 'F1'",
            &[],
        )
        .unwrap();
        let error = load_payment_facts(db).unwrap_err().to_string();
        assert!(
            error.contains("facture F1 : montant illisible « douze »"),
            "{error}"
        );
    });
}

#[test]
fn the_directory_cache_is_written_searched_and_refreshed_the_same_on_both_engines() {
    use chorus_depot::model::{Service, Structure};
    use chorus_depot::store::directory::*;
    fn structure(identifier: &str, name: &str, city: &str, engagement: bool) -> Structure {
        Structure {
            identifier: identifier.into(),
            identifier_type: 1,
            name: name.into(),
            city: city.into(),
            engagement_required: engagement,
            active: true,
            ..Structure::default()
        }
    }
    fn service(structure: &str, code: &str, engagement: bool) -> Service {
        Service {
            structure_identifier: structure.into(),
            code: code.into(),
            name: format!("Service {code}"),
            engagement_required: engagement,
            active: true,
            ..Service::default()
        }
    }
    on_both_engines("directory", |db| {
        let engine = db.engine();
        db.in_transaction(&mut |tx| {
            let mut writer = DirectoryWriter::replace(tx)?;
            for s in [
                structure(
                    "21340172201787",
                    "Montpellier Méditerranée Métropole",
                    "MONTPELLIER",
                    false,
                ),
                structure("21330281500014", "Commune de Mérignac", "MÉRIGNAC", true),
                structure("23350001600040", "Région Bretagne", "Rennes", false),
                // The same identifier again: the last row wins, as in the portal.
                structure("23350001600040", "Région Bretagne", "RENNES", true),
            ] {
                writer.structure(&s)?;
            }
            writer.service(&service("21330281500014", "FINANCES", false))?;
            writer.service(&service("21330281500014", "ACHATS", false))?;
            writer.service(&service("21330281500014", "FINANCES", true))?;
            Ok(())
        })
        .unwrap();
        assert_eq!(structure_count(db).unwrap(), 3, "{engine:?}");
        let bretagne = find_structure(db, "23350001600040").unwrap().unwrap();
        assert_eq!(
            (bretagne.city.as_str(), bretagne.engagement_required),
            ("RENNES", true)
        );
        let services = services_of(db, "21330281500014").unwrap();
        assert_eq!(
            services
                .iter()
                .map(|s| (s.code.as_str(), s.engagement_required))
                .collect::<Vec<_>>(),
            [("ACHATS", false), ("FINANCES", true)],
            "{engine:?}"
        );
        let names = |query: &str| -> Vec<String> {
            search_structures(db, query, true, 10, 0)
                .unwrap()
                .0
                .into_iter()
                .map(|s| s.name)
                .collect()
        };
        assert_eq!(names("region BRETAGNE"), ["Région Bretagne"], "{engine:?}");
        assert_eq!(names("merignac"), ["Commune de Mérignac"], "{engine:?}");
        assert_eq!(names("100%"), Vec::<String>::new(), "{engine:?}");
        assert_eq!(
            names(""),
            [
                "Commune de Mérignac",
                "Montpellier Méditerranée Métropole",
                "Région Bretagne"
            ],
            "{engine:?}: French order, not bytes"
        );
        let (page, total) = search_structures(db, "", true, 1, 1).unwrap();
        assert_eq!(
            (page[0].name.as_str(), total),
            ("Montpellier Méditerranée Métropole", 3)
        );
        // A structure refreshed through the API replaces itself and its services only.
        replace_structure(
            db,
            &structure("21330281500014", "Ville de Mérignac", "MÉRIGNAC", false),
            &[service("21330281500014", "DRH", true)],
        )
        .unwrap();
        assert_eq!(names("ville merignac"), ["Ville de Mérignac"], "{engine:?}");
        assert_eq!(services_of(db, "21330281500014").unwrap().len(), 1);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let recorded =
            record_import(db, date, "2026-12-01T08:00:00+01:00", "annuaire.csv").unwrap();
        assert_eq!((recorded.structure_count, recorded.service_count), (3, 1));
        assert_eq!(latest_import(db).unwrap(), Some(recorded), "{engine:?}");
        // Rows written without their search keys are keyed.
        db.execute(
            "INSERT INTO directory_structures (identifier, name, city)
             VALUES ('21350238800019', 'Ville de Rennes', 'RENNES')",
            &[],
        )
        .unwrap();
        assert_eq!(key_unkeyed_structures(db).unwrap(), 1, "{engine:?}");
        assert_eq!(names("rennes VILLE"), ["Ville de Rennes"], "{engine:?}");
    });
}

/// The ERP mirror of a demo base, read from SQLite, written into a PostgreSQL team base
/// with the same store functions and read back: every row the same, and the line
/// fingerprints the checks remember verdicts by equal on both engines.
#[test]
fn the_erp_mirror_round_trips_from_sqlite_to_postgresql_unchanged() {
    use chorus_depot::store::erp::*;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 150,
        seed: 3,
    };
    chorus_depot::demo::write_demo(&file, &options, &chorus_depot::progress::Silent).unwrap();
    let store = Store::open(&file).unwrap();
    let lite: &dyn Sql = store.conn();

    let pg = server();
    let mut client = chorus_depot::store::postgres::connect(&pg.fresh_database("erp")).unwrap();
    chorus_depot::store::postgres::migrate(&mut client).unwrap();
    let team = PgSql::new(client);

    let invoices = load_public_invoices(lite).unwrap();
    assert!(invoices.len() > 100);
    team.in_transaction(&mut |tx| {
        for c in load_companies(lite)? {
            upsert_company(tx, &c)?;
        }
        for c in load_clients(lite)? {
            upsert_client(tx, &c)?;
        }
        for m in load_markets(lite)? {
            upsert_market(tx, &m)?;
        }
        for r in load_references(lite)? {
            upsert_reference(tx, &r)?;
        }
        for i in &invoices {
            upsert_invoice(tx, i)?;
            for l in lines_of(lite, &i.number)? {
                insert_line(tx, &l)?;
            }
            for p in payments_of(lite, &i.number)? {
                insert_payment(tx, &p)?;
            }
        }
        Ok(())
    })
    .unwrap();

    let team: &dyn Sql = &team;
    assert_eq!(load_companies(team).unwrap(), load_companies(lite).unwrap());
    assert_eq!(load_clients(team).unwrap(), load_clients(lite).unwrap());
    assert_eq!(load_markets(team).unwrap(), load_markets(lite).unwrap());
    assert_eq!(
        load_references(team).unwrap(),
        load_references(lite).unwrap()
    );
    assert_eq!(load_public_invoices(team).unwrap(), invoices);
    let first = &invoices[0].number;
    assert_eq!(
        load_invoice(team, first).unwrap(),
        load_invoice(lite, first).unwrap()
    );
    assert!(invoice_exists(team, first).unwrap());
    assert!(!invoice_exists(team, "ABSENTE").unwrap());
    let public: std::collections::HashSet<&str> =
        invoices.iter().map(|i| i.number.as_str()).collect();
    let lite_lines = all_lines(lite).unwrap();
    let team_lines = all_lines(team).unwrap();
    assert_eq!(team_lines.len(), public.len());
    for (number, lines) in &team_lines {
        assert_eq!(Some(lines), lite_lines.get(number), "{number}");
    }
    let lite_digests = line_digests(lite).unwrap();
    for (number, digest) in line_digests(team).unwrap() {
        assert_eq!(
            Some(&digest),
            lite_digests.get(&number),
            "{number}: same fingerprint"
        );
    }
    let lite_totals: std::collections::HashMap<_, _> =
        line_totals(lite).unwrap().into_iter().collect();
    for (number, total) in line_totals(team).unwrap() {
        assert_eq!(Some(&total), lite_totals.get(&number), "{number}");
    }
    let lite_paid = payment_totals(lite).unwrap();
    let team_paid = payment_totals(team).unwrap();
    assert!(!team_paid.is_empty());
    for (number, paid) in &team_paid {
        assert_eq!(Some(paid), lite_paid.get(number), "{number}");
    }
    let counts = counts(team).unwrap();
    assert_eq!(counts.invoices, invoices.len());
    assert_eq!(counts.companies, load_companies(lite).unwrap().len());

    // Bank details of several companies: all or nothing.
    let companies = load_companies(team).unwrap();
    let details = CompanyBankDetails {
        siret: companies[0].siret.clone(),
        iban: "FR7630006000011234567890189".into(),
        bic: "AGRIFRPP".into(),
        account_holder: "ACME".into(),
        bank_domiciliation: "Paris".into(),
    };
    let error = update_company_bank_details(
        team,
        &[
            (companies[0].code.clone(), details.clone()),
            ("DISPARUE".into(), details.clone()),
        ],
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("DISPARUE"), "{error}");
    assert_eq!(load_companies(team).unwrap(), companies, "nothing written");
}

/// What the sync writes and the views read of Chorus Pro's answers, on both engines: a
/// partial flux report, a duplicate found under another flux, histories kept once, a
/// re-deposit starting its status afresh, sync runs and their changes, rejections and
/// their acknowledgement.
#[test]
fn the_follow_up_of_fluxes_and_invoices_is_the_same_on_both_engines() {
    use chorus_depot::store::deposits::{self, JournalState};
    use chorus_depot::store::tracking::*;
    on_both_engines("tracking", |db| {
        let engine = db.engine();
        for sql in [
            "INSERT INTO companies (code, name, siret) VALUES ('S', 'ACME', '12345678900017')",
            "INSERT INTO clients (code, name, siret, client_type)
             VALUES ('C', 'Ville de Rennes', '21350238800019', 'PUBLIC')",
            "INSERT INTO invoices (number, company_code, client_code, kind, invoice_date,
                 total_excl_tax, total_tax, total_incl_tax)
             VALUES ('F1', 'S', 'C', 'FACTURE', '2026-11-02', '10', '2', '12'),
                    ('F2', 'S', 'C', 'FACTURE', '2026-11-02', '10', '2', '12'),
                    ('F3', 'S', 'C', 'FACTURE', '2026-11-02', '10', '2', '12')",
        ] {
            db.execute(sql, &[]).unwrap();
        }
        let lot = new_flux(db, "Lot");
        deposits::flux_sent(db, lot, "CPP1", "2026-11-23T08:00:01+01:00").unwrap();
        for n in ["F1", "F2", "F3"] {
            let j = deposits::begin(db, n, lot, "t").unwrap().unwrap();
            deposits::finish(db, j, JournalState::Deposited, "", "t").unwrap();
        }
        assert_eq!(fluxes_to_check(db).unwrap().len(), 1, "{engine:?}");
        let report = FluxReport {
            previous_state: String::new(),
            chorus_state: "IN_INTEGRE_PARTIEL".into(),
            flux_error: "1 facture rejetée".into(),
            errors: vec![FluxError {
                flux_id: lot,
                invoice_number: "F2".into(),
                code: "REJ".into(),
                message: "Rejetée".into(),
                at: "2026-11-23".into(),
                duplicate: false,
            }],
            failed: vec![("F2".into(), "Rejetée".into())],
            duplicates: vec![("F3".into(), "déjà reçue".into())],
            fail_all_others: None,
        };
        let mut applied = None;
        db.in_transaction(&mut |tx| {
            applied = Some(apply_flux_report(tx, lot, &report, "t2")?);
            Ok(())
        })
        .unwrap();
        let applied = applied.unwrap();
        assert!(applied.written);
        assert_eq!(
            applied.rejected,
            [("F2".to_string(), "Rejetée".to_string())]
        );
        assert_eq!(applied.duplicates.len(), 1, "{engine:?}");
        // The same report again (another session's): nothing written twice.
        assert!(!apply_flux_report(db, lot, &report, "t3").unwrap().written);
        assert!(fluxes_to_check(db).unwrap().is_empty());
        let search = fluxes_to_search(db).unwrap();
        assert_eq!(
            (search[0].deposited, search[0].unknown, search[0].open),
            (1, 1, 0),
            "{engine:?}"
        );

        // The duplicate F3 is looked up, found under another flux, then followed.
        let to_look_up = duplicates_to_look_up(db).unwrap();
        assert_eq!(to_look_up[0].invoice_number, "F3");
        duplicate_not_found(db, to_look_up[0].journal_id, "pas encore visible", "t4").unwrap();
        assert_eq!(
            duplicate_of(db, "F3").unwrap().unwrap().note,
            "pas encore visible"
        );
        upsert_learnt(
            db,
            &[LearntInvoice {
                invoice_number: "F3".into(),
                company_code: "S".into(),
                flux_id: lot,
                flux_number: "CPP9".into(),
                cpp_id: Some(93),
                deposited_on: "2026-11-20".into(),
                payment_not_reported: false,
            }],
            "t5",
        )
        .unwrap();
        duplicate_found(
            db,
            to_look_up[0].journal_id,
            "CPP9",
            "trouvée sous CPP9",
            "t5",
        )
        .unwrap();
        let dup = duplicate_of(db, "F3").unwrap().unwrap();
        assert!(
            dup.found && dup.chorus_flux_number == "CPP9",
            "{engine:?}: {dup:?}"
        );
        assert_eq!(duplicates_to_follow(db).unwrap()[0].cpp_id, Some(93));

        // F1 learnt, its history kept once; a re-deposit elsewhere starts afresh.
        let learnt = |flux_id: i64| LearntInvoice {
            invoice_number: "F1".into(),
            company_code: "S".into(),
            flux_id,
            flux_number: "CPP1".into(),
            cpp_id: Some(7),
            deposited_on: String::new(),
            payment_not_reported: true,
        };
        upsert_learnt(db, &[learnt(lot)], "t6").unwrap();
        let update = HistoryUpdate {
            invoice_number: "F1".into(),
            entries: vec![
                HistoryEntry {
                    status: "DEPOSEE".into(),
                    at: "2026-11-23".into(),
                    comment: String::new(),
                },
                HistoryEntry {
                    status: "MISE_EN_PAIEMENT".into(),
                    at: "2026-11-30".into(),
                    comment: "virement".into(),
                },
            ],
            status: "MISE_EN_PAIEMENT".into(),
            status_at: "2026-11-30".into(),
            is_final: true,
        };
        assert_eq!(
            apply_history(db, std::slice::from_ref(&update), "t7").unwrap(),
            2
        );
        assert_eq!(apply_history(db, &[update], "t7").unwrap(), 0, "{engine:?}");
        assert_eq!(history(db, "F1").unwrap()[1].comment, "virement");
        let known = known_invoices(db).unwrap();
        assert!(known["F1"].is_final && known["F1"].payment_not_reported);
        upsert_learnt(db, &[learnt(lot)], "t8").unwrap();
        assert_eq!(known_invoices(db).unwrap()["F1"].status, "MISE_EN_PAIEMENT");
        let other = new_flux(db, "Redépôt");
        upsert_learnt(db, &[learnt(other)], "t9").unwrap();
        let again = &known_invoices(db).unwrap()["F1"];
        assert_eq!(
            (again.status.as_str(), again.is_final),
            ("", false),
            "{engine:?}"
        );

        // Sync runs and what changed since the last one seen.
        let run = begin_run(db, "t10").unwrap();
        record_changes(
            db,
            run,
            &[SyncChange {
                invoice_number: "F1".into(),
                kind: CHANGE_STATUS.into(),
                old_status: "DEPOSEE".into(),
                new_status: "MISE_EN_PAIEMENT".into(),
                at: "t10".into(),
                comment: String::new(),
            }],
        )
        .unwrap();
        assert!(last_run(db).unwrap().is_none(), "not finished yet");
        finish_run(
            db,
            &SyncRun {
                id: run,
                started_at: "t10".into(),
                finished_at: "t11".into(),
                fluxes_checked: 1,
                invoices_learnt: 2,
                statuses_changed: 1,
                errors: 0,
                cancelled: false,
            },
        )
        .unwrap();
        assert_eq!(last_run(db).unwrap().unwrap().invoices_learnt, 2);
        assert_eq!(changes_since(db, 0).unwrap().len(), 1);
        assert!(changes_since(db, run).unwrap().is_empty());

        // The views.
        let fluxes = flux_list(db).unwrap();
        assert_eq!(fluxes.len(), 2);
        assert_eq!(fluxes[1].errors.len(), 1, "{engine:?}");
        let rows = tracked_rows(db).unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows[1].flux_error && rows[1].journal_state.as_deref() == Some("ECHEC"));
        assert_eq!(
            deposited_statuses(db)
                .unwrap()
                .iter()
                .map(|s| s.invoice_number.as_str())
                .collect::<Vec<_>>(),
            ["F1", "F3"]
        );
        assert_eq!(client_sirets(db).unwrap()["F1"], "21350238800019");
        assert_eq!(company_sirets(db).unwrap()["S"], "12345678900017");
        assert!(
            open_rejections(db).unwrap().contains_key("F2"),
            "{engine:?}"
        );
        assert_eq!(acknowledge_rejections(db, "F2", "t12").unwrap(), 1);
        assert_eq!(
            acknowledge_rejections(db, "F2", "t12").unwrap(),
            0,
            "{engine:?}"
        );
        assert!(open_rejections(db).unwrap().is_empty());
        assert!(payment_not_reported_by_siret(db).unwrap().is_empty());
    });
}
