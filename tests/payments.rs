//! Payments end to end on a real SQLite base: the small ERP fixture, Chorus Pro's view of
//! the deposited invoices written as the synchronisation writes it, the payment follow-up,
//! the client follow-up export and the reminder letter read back from its PDF.

mod common;

use chorus_depot::model::InvoiceKind;
use chorus_depot::store::Store;
use chorus_depot::tracking::payment_terms::BuyerCategory;
use chorus_depot::tracking::payments::{PaymentSettings, PaymentState};
use chorus_depot::tracking::relance::letter_text;
use chorus_depot::tracking::{
    RelanceError, client_follow_up, follow_up_csv, outstanding, overdue, payment_rows,
    payment_rows_csv, relance_letter, relance_pdf, totals,
};
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use std::process::Command;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

/// What the synchronisation would have written after a few weeks of follow-up.
fn write_chorus_view(conn: &Connection) {
    conn.execute(
        "INSERT INTO fluxes (id, company_code, mode, syntax, file_path, file_sha256, file_size,
             invoice_count, created_at, sent_at, flux_number, state, chorus_state)
         VALUES (1, 'SIEGE', 'LOT', 'IN_DP_E2_CII_FACTURX', 'lot.tar.gz', 'abc', 1000, 5,
             '2026-10-22T09:58:00', '2026-10-22T10:00:00', 'FLUX-1', 'ENVOYE', 'IN_INTEGRE')",
        [],
    )
    .unwrap();
    let invoice = |number: &str, cpp: Option<i64>, deposited: &str, status: &str, at: &str| {
        conn.execute(
            "INSERT INTO chorus_invoices (invoice_number, company_code, flux_id, flux_number,
                 cpp_id, deposited_on, status, status_at, synced_at)
             VALUES (?1, 'SIEGE', 1, 'FLUX-1', ?2, ?3, ?4, ?5, '2026-11-23T06:00:00')",
            params![number, cpp, deposited, status, at],
        )
        .unwrap();
    };
    // Paid in the ERP on 10/11 (half in the fixture, the rest here), due 02/11: paid 8
    // days late.
    conn.execute(
        "INSERT INTO payments (invoice_number, date, amount, means)
         VALUES ('F2600001', '2026-11-10', '600.00', 'VIREMENT')",
        [],
    )
    .unwrap();
    invoice(
        "F2600001",
        Some(1001),
        "2026-10-03",
        "MANDATEE",
        "2026-11-05T08:00:00",
    );
    // Nothing paid, due 05/11: 18 days late on 23/11.
    invoice(
        "F2600002",
        Some(1002),
        "2026-10-06",
        "MISE_A_DISPOSITION",
        "2026-10-06T12:00:00",
    );
    // Chorus reports the payment on 30/10, before the due date; the ERP has not seen it.
    invoice(
        "F2600003",
        Some(1003),
        "2026-10-08",
        "MISE_EN_PAIEMENT",
        "2026-10-30T07:00:00",
    );
    // No dateDepot yet: the flux's sending day (22/10) stands in; no Chorus number yet.
    invoice("F2600006", None, "", "DEPOSEE", "2026-10-22T10:05:00");
    // Nothing known of its deposit date, and a flux without sending date.
    conn.execute(
        "INSERT INTO chorus_invoices (invoice_number, status) VALUES ('F2600007', 'DEPOSEE')",
        [],
    )
    .unwrap();
    for (number, status, at) in [
        ("F2600001", "DEPOSEE", "2026-10-03T10:00:00"),
        ("F2600001", "MANDATEE", "2026-11-05T08:00:00"),
        ("F2600003", "DEPOSEE", "2026-10-08T10:00:00"),
        ("F2600003", "MISE_EN_PAIEMENT", "2026-10-30T07:00:00"),
    ] {
        conn.execute(
            "INSERT INTO status_history (invoice_number, status, at) VALUES (?1, ?2, ?3)",
            params![number, status, at],
        )
        .unwrap();
    }
}

fn prepared_base(dir: &std::path::Path) -> std::path::PathBuf {
    let db = common::small_database(dir);
    let store = Store::open(&db).unwrap();
    write_chorus_view(store.conn());
    db
}

#[test]
fn rows_follow_up_and_relance_letter_from_a_real_base() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_base(dir.path());
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    let settings = PaymentSettings::load(conn).unwrap();
    assert_eq!(settings, PaymentSettings::default());
    let today = day(2026, 11, 23);

    let rows = payment_rows(conn, &settings, today).unwrap();
    let numbers: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
    // Public clients only: F2600008 is for a private garage.
    assert_eq!(
        numbers,
        [
            "A2600005", "F2600001", "F2600002", "F2600003", "F2600004", "F2600006", "F2600007"
        ]
    );
    let row = |n: &str| rows.iter().find(|r| r.number == n).unwrap();

    let credit = row("A2600005");
    assert_eq!(credit.kind, InvoiceKind::CreditNote);
    assert_eq!(credit.state, PaymentState::CreditNote);

    // C002 is « CHU de Saint-Étienne »: a public health establishment, 50 days
    // (R.2192-11 1°), deduced from its name and said so.
    let f1 = row("F2600001");
    assert_eq!(f1.delay_days, 50);
    assert!(
        f1.terms.reason().contains("déduite de « CHU »"),
        "{}",
        f1.terms.reason()
    );
    assert_eq!(f1.due_date, Some(day(2026, 11, 22)));
    assert_eq!(f1.paid_on, Some(day(2026, 11, 10)));
    assert_eq!((f1.days_late, f1.overdue), (0, false));
    assert_eq!(f1.state, PaymentState::Paid);
    assert_eq!(f1.lifecycle_text(), "212 Encaissée");
    assert!(f1.interest.is_zero() && f1.indemnity.is_zero());

    let f2 = row("F2600002");
    assert_eq!(f2.due_date, Some(day(2026, 11, 5)));
    assert_eq!((f2.days_late, f2.overdue), (18, true));
    assert_eq!(f2.outstanding, dec("300.60"));
    // 300,60 × 10,15 % × 18 / 365 = 1,504…
    assert_eq!(f2.interest, dec("1.50"));
    assert_eq!(f2.indemnity, dec("40"));
    assert_eq!(f2.lifecycle_text(), "203 Mise à disposition");

    let f3 = row("F2600003");
    assert!(f3.paid && !f3.overdue);
    assert_eq!(f3.paid_on, Some(day(2026, 10, 30)));
    assert_eq!(f3.state, PaymentState::Paid);

    assert_eq!(row("F2600004").state, PaymentState::NotDeposited);

    let f6 = row("F2600006");
    assert_eq!(f6.deposit_date, Some(day(2026, 10, 22)));
    assert_eq!(f6.due_date, Some(day(2026, 12, 11)));
    assert_eq!(f6.days_late, 0);
    assert_eq!(f6.cpp_label(), "non communiqué");

    let f7 = row("F2600007");
    assert_eq!(f7.state, PaymentState::DepositDateUnknown);
    assert_eq!(f7.due_label(), "date de dépôt inconnue");
    assert!(!f7.overdue);

    let late: Vec<&str> = overdue(&rows).iter().map(|r| r.number.as_str()).collect();
    assert_eq!(late, ["F2600002"]);
    let open: Vec<&str> = outstanding(&rows)
        .iter()
        .map(|r| r.number.as_str())
        .collect();
    assert_eq!(
        open,
        ["F2600002", "F2600003", "F2600006", "F2600004", "F2600007"]
    );
    let t = totals(&rows);
    assert_eq!(t.overdue_count, 1);
    assert_eq!(t.overdue, dec("300.60"));
    assert_eq!(t.unconfirmed_count, 0);

    // Client follow-up and its export.
    let lines = client_follow_up(&rows);
    let chu = lines.iter().find(|c| c.client_code == "C002").unwrap();
    assert_eq!(chu.invoiced, dec("2150.00"));
    assert_eq!(chu.credited, dec("120.00"));
    assert_eq!(chu.paid, dec("1200.00"));
    assert_eq!(chu.average_payment_days, Some(dec("38.0")));
    let csv = String::from_utf8(follow_up_csv(&lines).unwrap()).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        csv.contains("C002;CHU de Saint-Étienne;3;2150,00;120,00;1200,00;950,00;0,00;0;"),
        "{csv}"
    );

    let late_csv = String::from_utf8(payment_rows_csv(overdue(&rows)).unwrap()).unwrap();
    assert!(
        late_csv.contains(
            "F2600002;Facture;C001;Commune de Villeurbanne;1002;Mise à disposition;\
             203 Mise à disposition;06/10/2026;05/11/2026;300,60;0,00;0,00;300,60;\
             Échue, impayée;;18;1,50;40,00;30;état, collectivité ou établissement public, \
             catégorie par défaut;04/11/2026;\r\n"
        ),
        "{late_csv}"
    );

    // The reminder letter, read back from the PDF.
    let letter = relance_letter(conn, "F2600002", &settings, today).unwrap();
    assert_eq!(letter.recipient.name, "Commune de Villeurbanne");
    assert_eq!(letter.place, "Lyon");
    let pdf = relance_pdf(&letter).unwrap();
    let path = dir.path().join("relance.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let doc = lopdf::Document::load(&path).unwrap();
    assert_eq!(doc.get_pages().len(), 1);
    let text = letter_text(&std::fs::read(&path).unwrap())
        .unwrap()
        .join("\n");
    for expected in [
        "Commune de Villeurbanne",
        "69100 Villeurbanne",
        "Bureautique Rhône SAS",
        "Lyon, le 23/11/2026",
        "F2600002",
        "1002",
        "06/10/2026",
        "05/11/2026",
        "300,60\u{a0}€",
        "18\u{a0}jours",
        "1,50\u{a0}€",
        "Indemnité forfaitaire pour frais de recouvrement",
        "40,00\u{a0}€",
        "342,10\u{a0}€",
        // The delay's legal basis for a commune.
        "R.2192-10",
    ] {
        assert!(
            text.contains(expected),
            "« {expected} » missing in:\n{text}"
        );
    }

    // Letters that cannot be written say why.
    let err = |n: &str| relance_letter(conn, n, &settings, today).unwrap_err();
    assert!(matches!(err("A2600005"), RelanceError::CreditNote(_)));
    assert!(matches!(err("F2600007"), RelanceError::NoDepositDate(_)));
    assert!(matches!(err("F2600003"), RelanceError::NotLate(..)));
    assert!(matches!(err("F2600008"), RelanceError::UnknownInvoice(_)));
    assert_eq!(
        err("F2600003").to_string(),
        "la facture F2600003 n'est pas en retard de paiement (réglée)"
    );
}

#[test]
fn saved_settings_change_the_due_dates() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_base(dir.path());
    let store = Store::open(&db).unwrap();
    let mut settings = PaymentSettings::default();
    // The CHU's contract says 30 days; the commune is said to be a hospital.
    settings.delay_by_client.insert("C002".into(), 30);
    settings
        .category_by_client
        .insert("C001".into(), BuyerCategory::PublicHealth);
    settings.save(store.conn()).unwrap();
    let settings = PaymentSettings::load(store.conn()).unwrap();
    let rows = payment_rows(store.conn(), &settings, day(2026, 11, 23)).unwrap();
    let row = |n: &str| rows.iter().find(|r| r.number == n).unwrap();
    let f6 = row("F2600006");
    assert_eq!(f6.due_date, Some(day(2026, 11, 21)));
    assert!(f6.overdue);
    assert_eq!(
        f6.terms.reason(),
        "délai propre au client, choisi dans le paramétrage"
    );
    let f2 = row("F2600002");
    assert_eq!(f2.due_date, Some(day(2026, 11, 25)));
    assert_eq!(f2.state, PaymentState::NotDue);
    assert!(f2.terms.reason().contains("choisie dans le paramétrage"));
}

#[test]
fn an_erp_payment_on_an_invoice_chorus_pro_sends_back_is_flagged_not_settled() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_base(dir.path());
    let store = Store::open(&db).unwrap();
    let conn = store.conn();
    // Chorus Pro sends F2600002 back to be recycled; the ERP says it was paid in full.
    conn.execute(
        "UPDATE chorus_invoices SET status = 'A_RECYCLER' WHERE invoice_number = 'F2600002'",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO payments (invoice_number, date, amount, means)
         VALUES ('F2600002', '2026-11-12', '300.60', 'VIREMENT')",
        [],
    )
    .unwrap();
    let settings = PaymentSettings::load(conn).unwrap();
    let today = day(2026, 11, 23);
    let rows = payment_rows(conn, &settings, today).unwrap();
    let f2 = rows.iter().find(|r| r.number == "F2600002").unwrap();
    assert!(f2.erp_payment_unconfirmed);
    assert!(!f2.paid && !f2.cashed);
    assert_ne!(f2.state.label(), "Réglée");
    assert_eq!(f2.outstanding, dec("300.60"));
    assert_eq!(f2.paid_amount, dec("300.60"));
    assert_eq!(f2.lifecycle_text(), "213 Rejetée");
    let t = totals(&rows);
    assert_eq!(
        (t.unconfirmed_count, t.unconfirmed_paid),
        (1, dec("300.60"))
    );
    // No reminder claims what the ERP says was paid.
    let err = relance_letter(conn, "F2600002", &settings, today).unwrap_err();
    assert!(
        matches!(err, RelanceError::ErpPaymentUnconfirmed(..)),
        "{err}"
    );

    // Once Chorus Pro shows the payment order, the ERP's payment settles it.
    conn.execute(
        "UPDATE chorus_invoices SET status = 'MANDATEE' WHERE invoice_number = 'F2600002'",
        [],
    )
    .unwrap();
    let rows = payment_rows(conn, &settings, today).unwrap();
    let f2 = rows.iter().find(|r| r.number == "F2600002").unwrap();
    assert!(f2.cashed && !f2.erp_payment_unconfirmed);
    assert_eq!(f2.lifecycle_text(), "212 Encaissée");
}

#[test]
fn relance_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = prepared_base(dir.path());
    let out = dir.path().join("relance F2600002.pdf");
    let run = |invoice: &str| {
        Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
            .args(["relance", "--db"])
            .arg(&db)
            .args(["--invoice", invoice, "--date", "2026-11-23", "--out"])
            .arg(&out)
            .env("CHORUS_DEPOT_LOG", "error")
            .output()
            .unwrap()
    };
    let ok = run("F2600002");
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        stdout.contains("Relance de la facture F2600002 écrite"),
        "{stdout}"
    );
    assert!(stdout.contains("18 jours de retard"), "{stdout}");
    let text = letter_text(&std::fs::read(&out).unwrap())
        .unwrap()
        .join("\n");
    assert!(text.contains("1002"), "{text}");

    let refused = run("F2600003");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("n'est pas en retard de paiement"),
        "{stderr}"
    );
}
