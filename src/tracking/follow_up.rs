//! « État de suivi des clients »: per public client, what was invoiced, paid, what is left
//! and late, and how long the client takes to pay; its CSV export; and the data of the
//! payment charts. Pure: built from the [`PaymentRow`]s.

use super::payments::PaymentRow;
use crate::model::format_date;
use crate::model::money::round_cents;
use crate::model::spreadsheet_csv::SpreadsheetCsv;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;

/// One line of the client follow-up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientFollowUp {
    pub client_code: String,
    pub client_name: String,
    /// TTC of the invoices (credit notes apart).
    pub invoiced: Decimal,
    /// TTC of the credit notes.
    pub credited: Decimal,
    /// ERP payments received.
    pub paid: Decimal,
    pub outstanding: Decimal,
    /// Outstanding on the invoices past their due date.
    pub overdue_amount: Decimal,
    pub overdue_count: usize,
    pub invoice_count: usize,
    /// Estimated interest and indemnities of the overdue invoices.
    pub penalties: Decimal,
    /// Average days from the deposit to the payment, over the paid invoices whose two dates
    /// are known, to one decimal; `None` when there is none.
    pub average_payment_days: Option<Decimal>,
    /// How many invoices the average is taken over.
    pub paid_with_dates: usize,
}

/// One line per client, by client name.
pub fn client_follow_up(rows: &[PaymentRow]) -> Vec<ClientFollowUp> {
    let mut by_client: BTreeMap<&str, (ClientFollowUp, i64)> = BTreeMap::new();
    for r in rows {
        let (c, total_days) = by_client.entry(r.client_code.as_str()).or_insert_with(|| {
            (
                ClientFollowUp {
                    client_code: r.client_code.clone(),
                    client_name: r.client_name.clone(),
                    ..ClientFollowUp::default()
                },
                0,
            )
        });
        if r.is_credit_note() {
            c.credited += r.amount_incl_tax.abs();
            continue;
        }
        c.invoice_count += 1;
        c.invoiced += r.amount_incl_tax;
        c.paid += r.paid_amount;
        c.outstanding += r.outstanding;
        if r.overdue {
            c.overdue_amount += r.outstanding;
            c.overdue_count += 1;
            c.penalties += r.penalties();
        }
        if let (true, Some(deposit), Some(paid_on)) = (r.paid, r.deposit_date, r.paid_on) {
            *total_days += (paid_on - deposit).num_days().max(0);
            c.paid_with_dates += 1;
        }
    }
    let mut out: Vec<ClientFollowUp> = by_client
        .into_values()
        .map(|(mut c, total_days)| {
            if c.paid_with_dates > 0 {
                let average = Decimal::from(total_days) / Decimal::from(c.paid_with_dates);
                c.average_payment_days = Some(average.round_dp(1));
            }
            c
        })
        .collect();
    out.sort_by(|a, b| {
        a.client_name
            .to_lowercase()
            .cmp(&b.client_name.to_lowercase())
            .then(a.client_code.cmp(&b.client_code))
    });
    out
}

/// `1234,50`: no thousands separator, so that a spreadsheet reads it as a number.
fn csv_amount(value: Decimal) -> String {
    format!("{:.2}", round_cents(value)).replace('.', ",")
}

/// `32,5`.
fn csv_days(value: Option<Decimal>) -> String {
    value
        .map(|d| format!("{:.1}", d).replace('.', ","))
        .unwrap_or_default()
}

/// Column headers of the CSV export.
pub const FOLLOW_UP_HEADER: [&str; 11] = [
    "Code client",
    "Client",
    "Factures",
    "Facturé TTC",
    "Avoirs TTC",
    "Réglé",
    "Restant dû",
    "Échu",
    "Factures échues",
    "Pénalités estimées",
    "Délai moyen de paiement (jours)",
];

/// The follow-up as the house writes CSV for spreadsheets: UTF-8 with a BOM (Excel then
/// reads the accents), `;`-separated, CRLF, decimal commas; a last « Total » line.
pub fn follow_up_csv(lines: &[ClientFollowUp]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = SpreadsheetCsv::new(FOLLOW_UP_HEADER)?;
    let mut total = ClientFollowUp::default();
    let mut total_days = Decimal::ZERO;
    for c in lines {
        writer.row([
            c.client_code.as_str(),
            c.client_name.as_str(),
            &c.invoice_count.to_string(),
            &csv_amount(c.invoiced),
            &csv_amount(c.credited),
            &csv_amount(c.paid),
            &csv_amount(c.outstanding),
            &csv_amount(c.overdue_amount),
            &c.overdue_count.to_string(),
            &csv_amount(c.penalties),
            &csv_days(c.average_payment_days),
        ])?;
        total.invoice_count += c.invoice_count;
        total.invoiced += c.invoiced;
        total.credited += c.credited;
        total.paid += c.paid;
        total.outstanding += c.outstanding;
        total.overdue_amount += c.overdue_amount;
        total.overdue_count += c.overdue_count;
        total.penalties += c.penalties;
        if let Some(avg) = c.average_payment_days {
            // Weighted by the number of invoices behind each average.
            total_days += avg * Decimal::from(c.paid_with_dates);
            total.paid_with_dates += c.paid_with_dates;
        }
    }
    let overall = (total.paid_with_dates > 0)
        .then(|| (total_days / Decimal::from(total.paid_with_dates)).round_dp(1));
    writer.row([
        "",
        "Total",
        &total.invoice_count.to_string(),
        &csv_amount(total.invoiced),
        &csv_amount(total.credited),
        &csv_amount(total.paid),
        &csv_amount(total.outstanding),
        &csv_amount(total.overdue_amount),
        &total.overdue_count.to_string(),
        &csv_amount(total.penalties),
        &csv_days(overall),
    ])?;
    writer.finish()
}

/// Column headers of the payment list export.
pub const PAYMENT_ROWS_HEADER: [&str; 22] = [
    "Facture",
    "Type",
    "Code client",
    "Client",
    "N° Chorus Pro",
    "Statut Chorus Pro",
    "Cycle de vie",
    "Date de dépôt",
    "Échéance",
    "Montant TTC",
    "Réglé",
    "Avoirs",
    "Restant dû",
    "Situation",
    "Date de paiement",
    "Jours de retard",
    "Intérêts estimés",
    "Indemnité forfaitaire",
    "Délai (jours)",
    "Origine du délai",
    "Échéance indiquée par l'ERP",
    "Paiement ERP sans mise en paiement Chorus Pro",
];

/// A payment list (all rows, the outstanding or the overdue ones) in the same CSV format
/// as [`follow_up_csv`]; dates `JJ/MM/AAAA`.
pub fn payment_rows_csv<'a>(
    rows: impl IntoIterator<Item = &'a PaymentRow>,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = SpreadsheetCsv::new(PAYMENT_ROWS_HEADER)?;
    for r in rows {
        let kind = if r.is_credit_note() {
            "Avoir"
        } else {
            "Facture"
        };
        writer.row([
            r.number.as_str(),
            kind,
            r.client_code.as_str(),
            r.client_name.as_str(),
            &r.cpp_id.map(|id| id.to_string()).unwrap_or_default(),
            r.chorus_status.as_ref().map(|s| s.label()).unwrap_or(""),
            &r.lifecycle_text(),
            &r.deposit_label(),
            &r.due_label(),
            &csv_amount(r.amount_incl_tax),
            &csv_amount(r.paid_amount),
            &csv_amount(r.credited_amount),
            &csv_amount(r.outstanding),
            r.state.label(),
            &r.paid_on.map(format_date).unwrap_or_default(),
            &r.days_late.to_string(),
            &csv_amount(r.interest),
            &csv_amount(r.indemnity),
            &r.delay_days.to_string(),
            &r.terms.reason(),
            &r.erp_due_date.map(format_date).unwrap_or_default(),
            if r.erp_payment_unconfirmed { "oui" } else { "" },
        ])?;
    }
    writer.finish()
}

/// Average payment delay (deposit → payment, days) by client name, the slowest first, for
/// a bar chart; clients with no paid invoice are left out.
pub fn average_delay_by_client(lines: &[ClientFollowUp]) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = lines
        .iter()
        .filter_map(|c| {
            let days = c.average_payment_days?.to_f64()?;
            Some((c.client_name.clone(), days))
        })
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InvoiceKind;
    use crate::model::status::InvoiceStatus;
    use crate::tracking::payments::PaymentState;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn row(number: &str, client: &str, ttc: &str) -> PaymentRow {
        PaymentRow {
            number: number.into(),
            kind: InvoiceKind::Invoice,
            company_code: "SIEGE".into(),
            client_code: client.into(),
            client_name: format!("Client {client}"),
            invoice_date: day(2026, 9, 30),
            currency: "EUR".into(),
            amount_incl_tax: dec(ttc),
            cpp_id: None,
            chorus_status: Some(InvoiceStatus::MadeAvailable),
            deposit_date: Some(day(2026, 10, 1)),
            deposit_source: None,
            delay_days: 30,
            terms: crate::tracking::payment_terms::ClientTerms {
                category: crate::tracking::payment_terms::BuyerCategory::StateOrLocal,
                source: crate::tracking::payment_terms::CategorySource::Default,
                delay_days: 30,
                delay_overridden: false,
            },
            due_date: Some(day(2026, 10, 31)),
            erp_due_date: None,
            paid_amount: Decimal::ZERO,
            erp_payment_unconfirmed: false,
            credited_amount: Decimal::ZERO,
            outstanding: dec(ttc),
            paid: false,
            cashed: false,
            paid_on: None,
            days_late: 0,
            overdue: false,
            interest: Decimal::ZERO,
            indemnity: Decimal::ZERO,
            state: PaymentState::NotDue,
        }
    }

    fn paid(mut r: PaymentRow, on: NaiveDate) -> PaymentRow {
        r.paid = true;
        r.cashed = true;
        r.paid_on = Some(on);
        r.paid_amount = r.amount_incl_tax;
        r.outstanding = Decimal::ZERO;
        r.state = PaymentState::Paid;
        r
    }

    fn late(mut r: PaymentRow) -> PaymentRow {
        r.overdue = true;
        r.days_late = 10;
        r.interest = dec("1.25");
        r.indemnity = dec("40");
        r.state = PaymentState::Overdue;
        r
    }

    fn sample() -> Vec<PaymentRow> {
        let mut credit = row("A1", "C2", "20.00");
        credit.kind = InvoiceKind::CreditNote;
        credit.outstanding = Decimal::ZERO;
        credit.state = PaymentState::CreditNote;
        credit.chorus_status = None;
        credit.due_date = None;
        let mut partly = late(row("F4", "C2", "300.00"));
        partly.paid_amount = dec("100.00");
        partly.outstanding = dec("200.00");
        vec![
            paid(row("F1", "C1", "1000.00"), day(2026, 10, 21)),
            paid(row("F2", "C1", "500.50"), day(2026, 10, 26)),
            late(row("F3", "C1", "100.00")),
            partly,
            credit,
        ]
    }

    #[test]
    fn sums_each_client_and_averages_its_payment_delay() {
        let lines = client_follow_up(&sample());
        assert_eq!(lines.len(), 2);
        let c1 = &lines[0];
        assert_eq!(c1.client_code, "C1");
        assert_eq!(c1.invoice_count, 3);
        assert_eq!(c1.invoiced, dec("1600.50"));
        assert_eq!(c1.paid, dec("1500.50"));
        assert_eq!(c1.outstanding, dec("100.00"));
        assert_eq!(c1.overdue_amount, dec("100.00"));
        assert_eq!(c1.overdue_count, 1);
        assert_eq!(c1.penalties, dec("41.25"));
        // (20 + 25) / 2.
        assert_eq!(c1.average_payment_days, Some(dec("22.5")));
        let c2 = &lines[1];
        assert_eq!(c2.invoiced, dec("300.00"));
        assert_eq!(c2.credited, dec("20.00"));
        assert_eq!(c2.paid, dec("100.00"));
        assert_eq!(c2.overdue_amount, dec("200.00"));
        assert_eq!(c2.average_payment_days, None);
    }

    #[test]
    fn exports_the_follow_up_as_french_csv() {
        let bytes = follow_up_csv(&client_follow_up(&sample())).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Code client;Client;Factures;Facturé TTC;Avoirs TTC;Réglé;Restant dû;Échu;\
             Factures échues;Pénalités estimées;Délai moyen de paiement (jours)"
        );
        assert_eq!(
            lines[1],
            "C1;Client C1;3;1600,50;0,00;1500,50;100,00;100,00;1;41,25;22,5"
        );
        assert_eq!(
            lines[2],
            "C2;Client C2;1;300,00;20,00;100,00;200,00;200,00;1;41,25;"
        );
        assert_eq!(
            lines[3],
            ";Total;4;1900,50;20,00;1600,50;300,00;300,00;2;82,50;22,5"
        );
        assert_eq!(lines[4], "");
        // The house reader reads it back.
        let decoded = crate::tabular::decode_text(&bytes, "suivi.csv").unwrap();
        assert!(decoded.starts_with("Code client;"));
    }

    #[test]
    fn a_name_with_the_separator_is_quoted() {
        let mut r = row("F1", "C9", "10.00");
        r.client_name = "Ville de Lyon; service \"achats\"".into();
        let bytes = follow_up_csv(&client_follow_up(&[r])).unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert!(
            text.contains("C9;\"Ville de Lyon; service \"\"achats\"\"\";1;10,00"),
            "{text}"
        );
    }

    #[test]
    fn exports_a_payment_list() {
        let rows = sample();
        let bytes = payment_rows_csv(&rows).unwrap();
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("Facture;Type;Code client;Client;N° Chorus Pro;"));
        assert_eq!(
            lines[1],
            "F1;Facture;C1;Client C1;;Mise à disposition;212 Encaissée;01/10/2026;\
             31/10/2026;1000,00;1000,00;0,00;0,00;Réglée;21/10/2026;0;0,00;0,00;30;\
             état, collectivité ou établissement public, catégorie par défaut;;"
        );
        assert_eq!(
            lines[3],
            "F3;Facture;C1;Client C1;;Mise à disposition;203 Mise à disposition;01/10/2026;\
             31/10/2026;100,00;0,00;0,00;100,00;Échue, impayée;;10;1,25;40,00;30;\
             état, collectivité ou établissement public, catégorie par défaut;;"
        );
        assert!(
            lines[5].starts_with("A1;Avoir;C2;Client C2;;;;01/10/2026;;20,00;"),
            "{}",
            lines[5]
        );
        assert_eq!(lines.len(), 7);
    }

    #[test]
    fn chart_data() {
        let rows = sample();
        let mut lines = client_follow_up(&rows);
        lines[1].average_payment_days = Some(dec("40"));
        assert_eq!(
            average_delay_by_client(&lines),
            vec![
                ("Client C2".to_string(), 40.0),
                ("Client C1".to_string(), 22.5)
            ]
        );
    }
}
