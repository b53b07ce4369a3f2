//! Payments: when each deposited invoice falls due, whether and when it was paid, what is
//! still owed, and the late-payment interest and recovery indemnity a public buyer owes.
//!
//! Pure computation on [`PaymentFacts`] (read by `store::payments`); [`payment_rows`] is
//! the one-call entry point for the window and the CLI.
//!
//! Rules (public procurement, code de la commande publique):
//! - the payment delay runs from the day Chorus Pro received the invoice (`dateDepot`; else
//!   the day its flux was sent; art. R.2192-12): 30 days for the State and local
//!   authorities (R.2192-10), 50 for public health establishments (R.2192-11 1°), 60 for
//!   public companies (R.2192-11 2°) — the client's category and delay come from
//!   [`PaymentSettings::terms_for`], the date from [`due_date`];
//! - an invoice is paid when the ERP's payments (and the credit notes that cancel it) cover
//!   its amount TTC, or when Chorus Pro shows `MISE_EN_PAIEMENT`; the payment date is the
//!   earliest of the two that is known. An ERP payment counts only where Chorus Pro's
//!   status allows it ([`InvoiceStatus::allows_erp_payment`]); else it is flagged;
//! - late-payment interest (intérêts moratoires, art. L.2192-13) runs from the day after
//!   the due date to the payment, at the annual rate of the settings, on 365 days;
//! - a fixed recovery indemnity (indemnité forfaitaire pour frais de recouvrement, 40 €,
//!   art. D.2192-35) is owed once per invoice paid late or still unpaid after its due date;
//!   the rate is the ECB main refinancing rate + 8 points (art. R.2192-31).
//!
//! The articles were checked against their published text (see README « Payments »).
//! The suspension of the delay (invoice « suspendue ») is not modelled: the delay keeps
//! running, the figures are an estimate and the screens say so.

use crate::model::money::round_cents;
use crate::model::status::{InvoiceStatus, LIFECYCLE_CASHED, lifecycle_label};
use crate::model::{InvoiceKind, format_date};
use crate::store::payment_terms as terms_store;
use crate::store::payments::{PaymentFacts, load_payment_facts};
use crate::store::settings;
use crate::store::sql::{Sql, SqlError};
use crate::tracking::payment_terms::{
    BuyerCategory, CategorySource, ClientTerms, deduce_category, due_date,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The `app_settings` key of [`PaymentSettings`].
pub const SETTINGS_KEY: &str = "paiements";

/// The admin's payment settings: tables `payment_terms` and `client_payment_terms`
/// (migration 0014); older bases kept them as JSON under [`SETTINGS_KEY`], still read
/// until the first save (a missing JSON field takes its default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentSettings {
    /// Legal payment delay of the State, local authorities and their public
    /// establishments (R.2192-10), in days from the reception by Chorus Pro. The general
    /// delay of older versions.
    pub payment_delay_days: u32,
    /// Delay of public health establishments (R.2192-11 1°).
    pub health_delay_days: u32,
    /// Delay of public companies (R.2192-11 2°).
    pub public_company_delay_days: u32,
    /// Client code → the category the user chose (else deduced from the name).
    pub category_by_client: BTreeMap<String, BuyerCategory>,
    /// Client code → a delay of its own, whatever its category (a contract may shorten
    /// the legal delay).
    pub delay_by_client: BTreeMap<String, u32>,
    /// Annual late-payment interest rate, in percent.
    pub interest_rate_percent: Decimal,
    /// Fixed recovery indemnity per late invoice, in euros.
    pub recovery_indemnity: Decimal,
}

impl Default for PaymentSettings {
    fn default() -> PaymentSettings {
        PaymentSettings {
            payment_delay_days: BuyerCategory::StateOrLocal.legal_delay_days(),
            health_delay_days: BuyerCategory::PublicHealth.legal_delay_days(),
            public_company_delay_days: BuyerCategory::PublicCompany.legal_delay_days(),
            category_by_client: BTreeMap::new(),
            delay_by_client: BTreeMap::new(),
            // The legal rate for public buyers is the ECB main refinancing rate in force on
            // the first day of the half-year + 8 points (art. R.2192-31): 2.15 % + 8 =
            // 10.15 % as of 2025-2026; the admin updates it each semester.
            interest_rate_percent: Decimal::new(1015, 2),
            // Art. D.2192-35 of the code de la commande publique.
            recovery_indemnity: Decimal::from(40),
        }
    }
}

impl PaymentSettings {
    /// The saved settings: the tables of migration 0014 once saved, else the JSON of older
    /// versions, else the defaults (an unreadable JSON or amount falls back to them too).
    pub fn load(conn: &dyn Sql) -> Result<PaymentSettings, SqlError> {
        let mut out: PaymentSettings = settings::get(conn, SETTINGS_KEY)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        if let Some(row) = terms_store::load_terms(conn)? {
            let defaults = PaymentSettings::default();
            out.interest_rate_percent = Decimal::from_str_exact(&row.interest_rate_percent)
                .unwrap_or(defaults.interest_rate_percent);
            out.recovery_indemnity = Decimal::from_str_exact(&row.recovery_indemnity)
                .unwrap_or(defaults.recovery_indemnity);
            out.payment_delay_days = row.delay_state_local_days;
            out.health_delay_days = row.delay_health_days;
            out.public_company_delay_days = row.delay_public_company_days;
            out.category_by_client.clear();
            out.delay_by_client.clear();
        }
        for client in terms_store::load_clients(conn)? {
            if let Some(category) = client
                .category
                .as_deref()
                .and_then(BuyerCategory::from_code)
            {
                out.category_by_client
                    .insert(client.client_code.clone(), category);
            }
            if let Some(days) = client.delay_days {
                out.delay_by_client.insert(client.client_code, days);
            }
        }
        Ok(out)
    }

    /// Writes the tables of migration 0014 in one transaction (and retires the JSON of
    /// older versions).
    pub fn save(&self, conn: &dyn Sql) -> Result<(), SqlError> {
        let terms = terms_store::TermsRow {
            interest_rate_percent: self.interest_rate_percent.normalize().to_string(),
            recovery_indemnity: self.recovery_indemnity.normalize().to_string(),
            delay_state_local_days: self.payment_delay_days,
            delay_health_days: self.health_delay_days,
            delay_public_company_days: self.public_company_delay_days,
        };
        let codes: std::collections::BTreeSet<&String> = self
            .category_by_client
            .keys()
            .chain(self.delay_by_client.keys())
            .collect();
        let clients: Vec<terms_store::ClientTermsRow> = codes
            .into_iter()
            .map(|code| terms_store::ClientTermsRow {
                client_code: code.clone(),
                category: self
                    .category_by_client
                    .get(code)
                    .map(|c| c.code().to_string()),
                delay_days: self.delay_by_client.get(code).copied(),
            })
            .collect();
        terms_store::save(conn, &terms, &clients, SETTINGS_KEY)
    }

    /// The delay of a buyer category.
    pub fn category_delay(&self, category: BuyerCategory) -> u32 {
        match category {
            BuyerCategory::StateOrLocal => self.payment_delay_days,
            BuyerCategory::PublicHealth => self.health_delay_days,
            BuyerCategory::PublicCompany => self.public_company_delay_days,
        }
    }

    /// The category and delay that apply to a client's invoices, and where they come from:
    /// the user's choice, else the client's name, else the general case.
    pub fn terms_for(&self, client_code: &str, client_name: &str) -> ClientTerms {
        let (category, source) = match self.category_by_client.get(client_code) {
            Some(&c) => (c, CategorySource::SetByUser),
            None => match deduce_category(client_name) {
                Some((c, word)) => (c, CategorySource::DeducedFromName(word)),
                None => (BuyerCategory::StateOrLocal, CategorySource::Default),
            },
        };
        let own = self.delay_by_client.get(client_code).copied();
        ClientTerms {
            category,
            source,
            delay_days: own.unwrap_or_else(|| self.category_delay(category)),
            delay_overridden: own.is_some(),
        }
    }

    /// What is wrong with the settings, in French, for the settings dialog (empty: fine).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let delay_ok = |d: u32| (1..=365).contains(&d);
        for category in BuyerCategory::ALL {
            if !delay_ok(self.category_delay(category)) {
                out.push(format!(
                    "Le délai de paiement « {} » doit être compris entre 1 et 365 jours.",
                    category.label()
                ));
            }
        }
        for (client, days) in &self.delay_by_client {
            if !delay_ok(*days) {
                out.push(format!(
                    "Le délai de paiement du client {client} doit être compris entre 1 et 365 jours."
                ));
            }
        }
        if self.interest_rate_percent.is_sign_negative()
            || self.interest_rate_percent > Decimal::from(100)
        {
            out.push("Le taux des intérêts moratoires doit être compris entre 0 et 100 %.".into());
        }
        if self.recovery_indemnity.is_sign_negative() {
            out.push("L'indemnité forfaitaire ne peut pas être négative.".into());
        }
        out
    }
}

/// Where the deposit date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositDateSource {
    /// `dateDepot` given by Chorus Pro.
    Chorus,
    /// The day the flux was sent (Chorus Pro did not give a date yet).
    FluxSent,
}

/// Where an invoice stands as regards payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PaymentState {
    /// Not yet due.
    NotDue,
    /// Due date passed, still unpaid.
    Overdue,
    Paid,
    PaidLate,
    /// Not on Chorus Pro: the delay has not started.
    NotDeposited,
    /// On Chorus Pro, but no deposit date is known: no due date.
    DepositDateUnknown,
    /// Refused by the buyer (REJETEE): nothing is due on it, a credit note is expected.
    Rejected,
    CreditNote,
}

impl PaymentState {
    pub fn label(self) -> &'static str {
        match self {
            PaymentState::NotDue => "À échoir",
            PaymentState::Overdue => "Échue, impayée",
            PaymentState::Paid => "Réglée",
            PaymentState::PaidLate => "Réglée en retard",
            PaymentState::NotDeposited => "Non déposée sur Chorus Pro",
            PaymentState::DepositDateUnknown => "Date de dépôt inconnue",
            PaymentState::Rejected => "Rejetée par le destinataire",
            PaymentState::CreditNote => "Avoir",
        }
    }
}

/// One invoice (or credit note) of the payment follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub number: String,
    pub kind: InvoiceKind,
    pub company_code: String,
    pub client_code: String,
    pub client_name: String,
    pub invoice_date: NaiveDate,
    pub currency: String,
    pub amount_incl_tax: Decimal,
    /// identifiantFactureCPP.
    pub cpp_id: Option<i64>,
    pub chorus_status: Option<InvoiceStatus>,
    pub deposit_date: Option<NaiveDate>,
    pub deposit_source: Option<DepositDateSource>,
    /// The delay applied, in days.
    pub delay_days: u32,
    /// The client's category and where the delay comes from.
    pub terms: ClientTerms,
    /// Reception by Chorus Pro + the delay: the due date every screen uses.
    pub due_date: Option<NaiveDate>,
    /// The due date the ERP printed, shown beside when it differs.
    pub erp_due_date: Option<NaiveDate>,
    /// Sum of the ERP payments.
    pub paid_amount: Decimal,
    /// The ERP shows a payment while Chorus Pro's status says the buyer has not ordered
    /// it ([`InvoiceStatus::allows_erp_payment`]): the payment settles nothing, the invoice
    /// keeps Chorus Pro's status and the disagreement is shown.
    pub erp_payment_unconfirmed: bool,
    /// Sum of the credit notes that name this invoice as their origin.
    pub credited_amount: Decimal,
    /// TTC − payments − credit notes, never below zero; zero for a credit note. Payments
    /// Chorus Pro contradicts are not subtracted.
    pub outstanding: Decimal,
    pub paid: bool,
    /// The payments and credit notes cover the amount (lifecycle 212 « Encaissée »).
    pub cashed: bool,
    /// When the invoice was paid, if known.
    pub paid_on: Option<NaiveDate>,
    /// Days between the due date and the payment (or today when unpaid); 0 when on time.
    pub days_late: i64,
    /// Unpaid after its due date.
    pub overdue: bool,
    /// Estimated late-payment interest, rounded to cents.
    pub interest: Decimal,
    /// Recovery indemnity: the settings' amount when late, else zero.
    pub indemnity: Decimal,
    pub state: PaymentState,
}

impl PaymentRow {
    pub fn is_credit_note(&self) -> bool {
        self.kind == InvoiceKind::CreditNote
    }

    /// `23/11/2026`, or why there is no date.
    pub fn deposit_label(&self) -> String {
        match (self.deposit_date, self.state) {
            (Some(d), _) => format_date(d),
            (None, PaymentState::NotDeposited | PaymentState::CreditNote) => String::new(),
            (None, _) => "date de dépôt inconnue".to_string(),
        }
    }

    /// `23/11/2026`, or why there is no due date.
    pub fn due_label(&self) -> String {
        match (self.due_date, self.state) {
            (Some(d), _) => format_date(d),
            (None, PaymentState::CreditNote) => String::new(),
            (None, PaymentState::NotDeposited) => "non déposée".to_string(),
            (None, _) => "date de dépôt inconnue".to_string(),
        }
    }

    /// « 03/01/2027 (réception Chorus Pro + 50 jours) — l'ERP indique 17/01/2026 »: the
    /// due date used, how it is computed, and the ERP's when it differs.
    pub fn due_explanation(&self) -> String {
        let Some(due) = self.due_date else {
            let mut out = self.due_label();
            if let Some(erp) = self.erp_due_date
                && !self.is_credit_note()
            {
                out.push_str(&format!(
                    " — l'ERP indique {} ; l'échéance sera la réception par Chorus Pro + {} jours",
                    format_date(erp),
                    self.delay_days
                ));
            }
            return out;
        };
        let from = match self.deposit_source {
            Some(DepositDateSource::FluxSent) => "envoi du flux",
            _ => "réception Chorus Pro",
        };
        let mut out = format!("{} ({from} + {} jours)", format_date(due), self.delay_days);
        if let Some(erp) = self.erp_due_date.filter(|erp| *erp != due) {
            out.push_str(&format!(" — l'ERP indique {}", format_date(erp)));
        }
        out
    }

    /// The Chorus Pro number, or « non communiqué ».
    pub fn cpp_label(&self) -> String {
        self.cpp_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| "non communiqué".to_string())
    }

    /// The 2026 lifecycle code: 212 once cashed, else the Chorus Pro status's.
    pub fn lifecycle_code(&self) -> Option<u16> {
        if self.cashed && !self.is_credit_note() {
            Some(LIFECYCLE_CASHED)
        } else {
            self.chorus_status.as_ref().and_then(|s| s.lifecycle_code())
        }
    }

    /// « 212 Encaissée », « 203 Mise à disposition »…, empty when none applies.
    pub fn lifecycle_text(&self) -> String {
        self.lifecycle_code()
            .map(|code| format!("{code} {}", lifecycle_label(code)))
            .unwrap_or_default()
    }

    /// Interest and indemnity together.
    pub fn penalties(&self) -> Decimal {
        self.interest + self.indemnity
    }
}

/// A payment or a credit note that reduces what is owed on an invoice.
#[derive(Debug, Clone, Copy)]
struct Settlement {
    date: NaiveDate,
    amount: Decimal,
}

fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Late-payment interest on an invoice of `amount` due on `due`, settled by `settlements`
/// (oldest first) and, for what they leave, on `end` (the payment date, or today): each
/// part bears interest from the due date to the day it was paid.
/// `outstanding × rate × days late / 365` when nothing was paid after the due date.
fn late_interest(
    amount: Decimal,
    due: NaiveDate,
    end: NaiveDate,
    settlements: &[Settlement],
    rate_percent: Decimal,
) -> Decimal {
    if end <= due || amount <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut remaining = amount;
    // Sum of amount × days.
    let mut weighted = Decimal::ZERO;
    for s in settlements.iter().filter(|s| s.date <= end) {
        if remaining <= Decimal::ZERO {
            break;
        }
        let part = s.amount.min(remaining).max(Decimal::ZERO);
        if s.date > due {
            weighted += part * Decimal::from(days_between(due, s.date));
        }
        remaining -= part;
    }
    if remaining > Decimal::ZERO {
        weighted += remaining * Decimal::from(days_between(due, end));
    }
    round_cents(weighted * rate_percent / Decimal::from(100) / Decimal::from(365))
}

/// What the screens call an ERP payment Chorus Pro does not confirm.
pub const ERP_PAYMENT_UNCONFIRMED: &str = "Paiement ERP sans mise en paiement Chorus Pro";

/// The payment follow-up of every invoice and credit note, in the order of `facts`.
pub fn compute_rows(
    facts: &[PaymentFacts],
    settings: &PaymentSettings,
    today: NaiveDate,
) -> Vec<PaymentRow> {
    // Credit notes imputed on the invoice they name.
    let invoice_numbers: std::collections::HashSet<&str> = facts
        .iter()
        .filter(|f| f.kind == InvoiceKind::Invoice)
        .map(|f| f.number.as_str())
        .collect();
    let mut credits: HashMap<&str, Vec<Settlement>> = HashMap::new();
    for f in facts.iter().filter(|f| f.kind == InvoiceKind::CreditNote) {
        let origin = f.original_invoice_number.trim();
        if invoice_numbers.contains(origin) {
            credits.entry(origin).or_default().push(Settlement {
                date: f.invoice_date,
                amount: f.amount_incl_tax.abs(),
            });
        }
    }
    facts
        .iter()
        .map(|f| {
            let credit = credits.get(f.number.as_str()).map(Vec::as_slice);
            compute_row(f, credit.unwrap_or(&[]), settings, today)
        })
        .collect()
}

fn compute_row(
    f: &PaymentFacts,
    credits: &[Settlement],
    settings: &PaymentSettings,
    today: NaiveDate,
) -> PaymentRow {
    let chorus_status = Some(f.chorus_status.as_str())
        .filter(|s| !s.is_empty())
        .map(InvoiceStatus::from_code);
    let (deposit_date, deposit_source) = match (f.chorus_deposit_date, f.flux_sent_on) {
        (Some(d), _) => (Some(d), Some(DepositDateSource::Chorus)),
        (None, Some(d)) => (Some(d), Some(DepositDateSource::FluxSent)),
        (None, None) => (None, None),
    };
    let terms = settings.terms_for(&f.client_code, &f.client_name);
    let delay_days = terms.delay_days;
    let paid_amount: Decimal = f.payments.iter().map(|p| p.amount).sum();
    // Chorus Pro's status wins over a contradicting ERP payment (not deposited, or no
    // status synchronised yet: nothing to contradict).
    let erp_payment_counts = chorus_status
        .as_ref()
        .is_none_or(InvoiceStatus::allows_erp_payment);
    let mut row = PaymentRow {
        number: f.number.clone(),
        kind: f.kind,
        company_code: f.company_code.clone(),
        client_code: f.client_code.clone(),
        client_name: f.client_name.clone(),
        invoice_date: f.invoice_date,
        currency: f.currency.clone(),
        amount_incl_tax: f.amount_incl_tax,
        cpp_id: f.cpp_id,
        chorus_status,
        deposit_date,
        deposit_source,
        delay_days,
        terms,
        due_date: None,
        erp_due_date: f.erp_due_date,
        paid_amount,
        erp_payment_unconfirmed: false,
        credited_amount: Decimal::ZERO,
        outstanding: Decimal::ZERO,
        paid: false,
        cashed: false,
        paid_on: None,
        days_late: 0,
        overdue: false,
        interest: Decimal::ZERO,
        indemnity: Decimal::ZERO,
        state: PaymentState::CreditNote,
    };
    if f.kind == InvoiceKind::CreditNote {
        return row;
    }
    row.due_date = deposit_date.and_then(|d| due_date(d, delay_days));
    row.erp_payment_unconfirmed = !erp_payment_counts && paid_amount > Decimal::ZERO;
    let counted_payments: &[crate::store::payments::PaidAmount] =
        if erp_payment_counts { &f.payments } else { &[] };
    let counted_paid: Decimal = counted_payments.iter().map(|p| p.amount).sum();

    let mut settlements: Vec<Settlement> = counted_payments
        .iter()
        .map(|p| Settlement {
            date: p.date,
            amount: p.amount,
        })
        .chain(credits.iter().copied())
        .collect();
    settlements.sort_by_key(|s| s.date);
    row.credited_amount = credits.iter().map(|c| c.amount).sum();
    let amount = f.amount_incl_tax;
    row.outstanding = (amount - counted_paid - row.credited_amount).max(Decimal::ZERO);

    // The day the payments and credit notes reached the amount.
    let mut cumulated = Decimal::ZERO;
    let covered_on = if amount <= Decimal::ZERO {
        Some(f.invoice_date)
    } else {
        settlements.iter().find_map(|s| {
            cumulated += s.amount;
            (cumulated >= amount).then_some(s.date)
        })
    };
    row.cashed = covered_on.is_some();
    let chorus_paid = matches!(row.chorus_status, Some(InvoiceStatus::PaymentIssued))
        || f.payment_issued_on.is_some();
    let chorus_paid_on = f.payment_issued_on.or(
        if matches!(row.chorus_status, Some(InvoiceStatus::PaymentIssued)) {
            f.chorus_status_on
        } else {
            None
        },
    );
    row.paid = row.cashed || chorus_paid;
    row.paid_on = match (covered_on, chorus_paid_on) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let rejected = matches!(row.chorus_status, Some(InvoiceStatus::Rejected)) && !row.paid;

    // Lateness ends with the payment; unknown payment date: not counted.
    let end = if row.paid { row.paid_on } else { Some(today) };
    if let (Some(due), Some(end)) = (row.due_date, end)
        && !rejected
        && amount > Decimal::ZERO
    {
        row.days_late = days_between(due, end).max(0);
        row.interest = late_interest(
            amount,
            due,
            end,
            &settlements,
            settings.interest_rate_percent,
        );
    }
    // Unpaid implies something left to pay: payments and credit notes covering the amount
    // make the invoice paid.
    row.overdue = !row.paid && row.days_late > 0;
    if row.days_late > 0 {
        row.indemnity = settings.recovery_indemnity;
    }

    row.state = if row.paid {
        if row.days_late > 0 {
            PaymentState::PaidLate
        } else {
            PaymentState::Paid
        }
    } else if rejected {
        PaymentState::Rejected
    } else if !f.deposited && deposit_date.is_none() {
        PaymentState::NotDeposited
    } else if row.due_date.is_none() {
        PaymentState::DepositDateUnknown
    } else if row.overdue {
        PaymentState::Overdue
    } else {
        PaymentState::NotDue
    };
    row
}

/// The payment follow-up of every invoice and credit note of public clients, by number.
pub fn payment_rows(
    conn: &dyn Sql,
    settings: &PaymentSettings,
    today: NaiveDate,
) -> Result<Vec<PaymentRow>, SqlError> {
    let facts = load_payment_facts(conn)?;
    Ok(compute_rows(&facts, settings, today))
}

/// The payment follow-up of one invoice (`None`: not a public client's invoice).
pub fn payment_row_of(
    conn: &dyn Sql,
    settings: &PaymentSettings,
    number: &str,
    today: NaiveDate,
) -> Result<Option<PaymentRow>, SqlError> {
    let facts = crate::store::payments::load_payment_facts_of(conn, number)?;
    Ok(compute_rows(&facts, settings, today)
        .into_iter()
        .find(|r| r.number == number))
}

/// Invoices with something left to pay (credit notes left out), by due date.
pub fn outstanding(rows: &[PaymentRow]) -> Vec<&PaymentRow> {
    let mut out: Vec<&PaymentRow> = rows
        .iter()
        // A rejected invoice awaits its credit note: the buyer will not pay it.
        .filter(|r| {
            !r.is_credit_note()
                && r.state != PaymentState::Rejected
                && r.outstanding > Decimal::ZERO
        })
        .collect();
    // Unknown due dates last.
    out.sort_by(|a, b| {
        (a.due_date.is_none(), a.due_date, &a.number).cmp(&(
            b.due_date.is_none(),
            b.due_date,
            &b.number,
        ))
    });
    out
}

/// Invoices unpaid after their due date, the latest first.
pub fn overdue(rows: &[PaymentRow]) -> Vec<&PaymentRow> {
    let mut out: Vec<&PaymentRow> = rows.iter().filter(|r| r.overdue).collect();
    out.sort_by(|a, b| b.days_late.cmp(&a.days_late).then(a.number.cmp(&b.number)));
    out
}

/// The figures above the payment lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaymentTotals {
    pub outstanding: Decimal,
    pub outstanding_count: usize,
    pub overdue: Decimal,
    pub overdue_count: usize,
    /// Interest of the overdue invoices.
    pub interest: Decimal,
    /// Indemnities of the overdue invoices.
    pub indemnities: Decimal,
    /// Invoices with an ERP payment Chorus Pro contradicts, and what the ERP says was paid.
    pub unconfirmed_count: usize,
    pub unconfirmed_paid: Decimal,
}

pub fn totals(rows: &[PaymentRow]) -> PaymentTotals {
    let mut t = PaymentTotals::default();
    for r in rows.iter().filter(|r| r.erp_payment_unconfirmed) {
        t.unconfirmed_count += 1;
        t.unconfirmed_paid += r.paid_amount;
    }
    for r in rows
        .iter()
        .filter(|r| !r.is_credit_note() && r.state != PaymentState::Rejected)
    {
        if r.outstanding > Decimal::ZERO {
            t.outstanding += r.outstanding;
            t.outstanding_count += 1;
        }
        if r.overdue {
            t.overdue += r.outstanding;
            t.overdue_count += 1;
            t.interest += r.interest;
            t.indemnities += r.indemnity;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::payments::PaidAmount;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    /// An invoice deposited on 1 October 2026 (due 31 October with 30 days).
    fn invoice(number: &str, ttc: &str) -> PaymentFacts {
        PaymentFacts {
            number: number.into(),
            kind: InvoiceKind::Invoice,
            company_code: "SIEGE".into(),
            client_code: "C001".into(),
            client_name: "Commune de Villeurbanne".into(),
            invoice_date: day(2026, 9, 30),
            currency: "EUR".into(),
            amount_incl_tax: dec(ttc),
            original_invoice_number: String::new(),
            deposited: true,
            chorus_deposit_date: Some(day(2026, 10, 1)),
            flux_sent_on: None,
            cpp_id: Some(4242),
            chorus_status: "MISE_A_DISPOSITION".into(),
            chorus_status_on: Some(day(2026, 10, 2)),
            payment_issued_on: None,
            erp_due_date: None,
            payments: vec![],
        }
    }

    fn paid(date: NaiveDate, amount: &str) -> PaidAmount {
        PaidAmount {
            date,
            amount: dec(amount),
        }
    }

    fn one(f: PaymentFacts, today: NaiveDate) -> PaymentRow {
        compute_rows(&[f], &PaymentSettings::default(), today).remove(0)
    }

    #[test]
    fn unpaid_after_the_due_date_is_overdue_with_interest_and_indemnity() {
        let r = one(invoice("F1", "1200.00"), day(2026, 11, 23));
        assert_eq!(r.due_date, Some(day(2026, 10, 31)));
        assert_eq!(r.days_late, 23);
        assert!(r.overdue && !r.paid);
        assert_eq!(r.outstanding, dec("1200.00"));
        // 1200 × 10,15 % × 23 / 365 = 7,675…
        assert_eq!(r.interest, dec("7.68"));
        assert_eq!(r.indemnity, dec("40"));
        assert_eq!(r.state, PaymentState::Overdue);
        assert_eq!(r.deposit_source, Some(DepositDateSource::Chorus));
        assert_eq!(r.lifecycle_text(), "203 Mise à disposition");
    }

    #[test]
    fn on_the_due_date_nothing_is_late_yet() {
        let r = one(invoice("F1", "1200.00"), day(2026, 10, 31));
        assert_eq!(r.days_late, 0);
        assert!(!r.overdue);
        assert_eq!(r.interest, Decimal::ZERO);
        assert_eq!(r.indemnity, Decimal::ZERO);
        assert_eq!(r.state, PaymentState::NotDue);
        let next = one(invoice("F1", "1200.00"), day(2026, 11, 1));
        assert_eq!(next.days_late, 1);
        assert_eq!(next.indemnity, dec("40"));
    }

    #[test]
    fn partly_paid_before_the_due_date_bears_interest_on_the_rest() {
        let mut f = invoice("F1", "1000.00");
        f.chorus_status = "MANDATEE".into();
        f.payments = vec![paid(day(2026, 10, 15), "400.00")];
        let r = one(f, day(2026, 11, 30));
        assert_eq!(r.outstanding, dec("600.00"));
        assert_eq!(r.paid_amount, dec("400.00"));
        assert_eq!(r.days_late, 30);
        // 600 × 10,15 % × 30 / 365 = 5,005…
        assert_eq!(r.interest, dec("5.01"));
        assert!(r.overdue && !r.cashed);
    }

    #[test]
    fn partly_paid_after_the_due_date_each_part_bears_its_own_days() {
        let mut f = invoice("F1", "1000.00");
        f.chorus_status = "MANDATEE".into();
        f.payments = vec![paid(day(2026, 11, 10), "400.00")];
        let r = one(f, day(2026, 11, 30));
        // (400 × 10 + 600 × 30) × 10,15 % / 365 = 6,117…
        assert_eq!(r.interest, dec("6.12"));
        assert_eq!(r.days_late, 30);
    }

    #[test]
    fn paid_late_keeps_its_interest_and_indemnity_but_is_not_overdue() {
        let mut f = invoice("F1", "1200.00");
        f.chorus_status = "MANDATEE".into();
        f.payments = vec![
            paid(day(2026, 10, 20), "200.00"),
            paid(day(2026, 11, 10), "1000.00"),
        ];
        let r = one(f, day(2026, 12, 15));
        assert!(r.paid && r.cashed && !r.overdue);
        assert_eq!(r.paid_on, Some(day(2026, 11, 10)));
        assert_eq!(r.days_late, 10);
        assert_eq!(r.outstanding, Decimal::ZERO);
        // 1000 × 10,15 % × 10 / 365 = 2,780…
        assert_eq!(r.interest, dec("2.78"));
        assert_eq!(r.indemnity, dec("40"));
        assert_eq!(r.state, PaymentState::PaidLate);
        assert_eq!(r.lifecycle_text(), "212 Encaissée");
        assert!(!r.erp_payment_unconfirmed);
    }

    #[test]
    fn an_erp_payment_chorus_pro_contradicts_settles_nothing_and_is_flagged() {
        for status in ["A_RECYCLER", "SUSPENDUE", "DEPOSEE", "MISE_A_DISPOSITION"] {
            let mut f = invoice("F1", "1200.00");
            f.chorus_status = status.into();
            f.payments = vec![paid(day(2026, 10, 20), "1200.00")];
            let r = one(f, day(2026, 12, 15));
            assert!(r.erp_payment_unconfirmed, "{status}");
            assert!(!r.paid && !r.cashed, "{status}");
            assert_eq!(r.outstanding, dec("1200.00"), "{status}");
            assert_eq!(
                r.paid_amount,
                dec("1200.00"),
                "the ERP's figure stays visible"
            );
            assert_ne!(r.lifecycle_text(), "212 Encaissée", "{status}");
            assert_ne!(r.state.label(), "Réglée", "{status}");
        }
        let mut rejected = invoice("F2", "300.00");
        rejected.chorus_status = "REJETEE".into();
        rejected.payments = vec![paid(day(2026, 10, 20), "300.00")];
        let r = one(rejected, day(2026, 12, 15));
        assert_eq!(r.state, PaymentState::Rejected);
        assert_eq!(r.lifecycle_text(), "210 Refusée");
        assert!(r.erp_payment_unconfirmed);
        let t = totals(&[r]);
        assert_eq!(
            (t.unconfirmed_count, t.unconfirmed_paid),
            (1, dec("300.00"))
        );

        // Mandated: many buyers never report the payment; the ERP's word is taken.
        let mut mandated = invoice("F3", "100.00");
        mandated.chorus_status = "MANDATEE".into();
        mandated.payments = vec![paid(day(2026, 10, 20), "100.00")];
        let r = one(mandated, day(2026, 12, 15));
        assert!(r.cashed && !r.erp_payment_unconfirmed);
    }

    #[test]
    fn a_hospital_gets_fifty_days_and_the_erp_date_is_shown_beside() {
        let mut f = invoice("F1", "100.00");
        f.client_name = "CHU de Bordeaux".into();
        f.chorus_deposit_date = Some(day(2026, 11, 14));
        f.erp_due_date = Some(day(2026, 1, 17));
        let r = one(f, day(2026, 12, 1));
        assert_eq!(r.delay_days, 50);
        assert_eq!(r.due_date, Some(day(2027, 1, 3)));
        assert_eq!(
            r.due_explanation(),
            "03/01/2027 (réception Chorus Pro + 50 jours) — l'ERP indique 17/01/2026"
        );
        assert!(r.terms.reason().contains("déduite de « CHU »"));
    }

    #[test]
    fn chorus_payment_counts_as_paid_at_the_date_it_was_reached() {
        let mut f = invoice("F1", "1200.00");
        f.chorus_status = "MISE_EN_PAIEMENT".into();
        f.chorus_status_on = Some(day(2026, 11, 20));
        f.payment_issued_on = Some(day(2026, 10, 25));
        let r = one(f.clone(), day(2026, 12, 1));
        assert!(r.paid && !r.cashed && !r.overdue);
        assert_eq!(r.paid_on, Some(day(2026, 10, 25)));
        assert_eq!(r.days_late, 0);
        // The money is not in the ERP yet: still outstanding, but not late.
        assert_eq!(r.outstanding, dec("1200.00"));
        assert_eq!(r.state, PaymentState::Paid);
        assert_eq!(r.lifecycle_text(), "211 Paiement transmis");

        // No history: the current status's date; an ERP payment later changes nothing.
        f.payment_issued_on = None;
        f.payments = vec![paid(day(2026, 11, 25), "1200.00")];
        let r = one(f, day(2026, 12, 1));
        assert_eq!(r.paid_on, Some(day(2026, 11, 20)));
        assert_eq!(r.days_late, 20);
        assert_eq!(r.state, PaymentState::PaidLate);
        // 1200 × 10,15 % × 20 / 365 = 6,673…
        assert_eq!(r.interest, dec("6.67"));
    }

    #[test]
    fn credit_notes_reduce_their_invoice_and_are_never_outstanding() {
        let mut credit = invoice("A1", "120.00");
        credit.kind = InvoiceKind::CreditNote;
        credit.original_invoice_number = "F1".into();
        credit.invoice_date = day(2026, 11, 10);
        let mut unrelated = invoice("A2", "50.00");
        unrelated.kind = InvoiceKind::CreditNote;
        let rows = compute_rows(
            &[invoice("F1", "600.00"), credit, unrelated],
            &PaymentSettings::default(),
            day(2026, 11, 30),
        );
        let (f1, a1) = (&rows[0], &rows[1]);
        assert_eq!(f1.credited_amount, dec("120.00"));
        assert_eq!(f1.outstanding, dec("480.00"));
        // (120 × 10 + 480 × 30) × 10,15 % / 365 = 4,338…
        assert_eq!(f1.interest, dec("4.34"));
        assert_eq!(a1.state, PaymentState::CreditNote);
        assert_eq!(a1.outstanding, Decimal::ZERO);
        assert!(!a1.overdue && a1.due_date.is_none());
        assert_eq!(a1.due_label(), "");
        let listed: Vec<&str> = outstanding(&rows)
            .iter()
            .map(|r| r.number.as_str())
            .collect();
        assert_eq!(listed, ["F1"]);

        // A credit note for the whole amount settles the invoice on its date.
        let mut full = invoice("A3", "600.00");
        full.kind = InvoiceKind::CreditNote;
        full.original_invoice_number = "F1".into();
        full.invoice_date = day(2026, 10, 20);
        let rows = compute_rows(
            &[invoice("F1", "600.00"), full],
            &PaymentSettings::default(),
            day(2026, 11, 30),
        );
        assert!(rows[0].paid && rows[0].cashed);
        assert_eq!(rows[0].paid_on, Some(day(2026, 10, 20)));
        assert_eq!(rows[0].state, PaymentState::Paid);
    }

    #[test]
    fn no_deposit_date_means_no_due_date_and_nothing_late() {
        let mut unknown = invoice("F1", "100.00");
        unknown.chorus_deposit_date = None;
        let r = one(unknown.clone(), day(2027, 6, 1));
        assert_eq!(r.due_date, None);
        assert_eq!(r.state, PaymentState::DepositDateUnknown);
        assert_eq!(r.deposit_label(), "date de dépôt inconnue");
        assert_eq!(r.due_label(), "date de dépôt inconnue");
        assert!(!r.overdue && r.interest.is_zero() && r.indemnity.is_zero());

        // The flux's sending day stands in for Chorus's date.
        unknown.flux_sent_on = Some(day(2026, 10, 3));
        let r = one(unknown, day(2026, 11, 3));
        assert_eq!(r.deposit_source, Some(DepositDateSource::FluxSent));
        assert_eq!(r.due_date, Some(day(2026, 11, 2)));
        assert_eq!(r.days_late, 1);

        let mut never = invoice("F2", "100.00");
        never.deposited = false;
        never.chorus_deposit_date = None;
        never.cpp_id = None;
        never.chorus_status = String::new();
        let r = one(never, day(2027, 6, 1));
        assert_eq!(r.state, PaymentState::NotDeposited);
        assert_eq!(r.due_label(), "non déposée");
        assert_eq!(r.cpp_label(), "non communiqué");
        assert_eq!(r.lifecycle_text(), "");
    }

    #[test]
    fn leap_years_count_their_29th_of_february() {
        let mut f = invoice("F1", "365.00");
        f.chorus_deposit_date = Some(day(2028, 1, 31));
        let r = one(f.clone(), day(2028, 3, 3));
        assert_eq!(r.due_date, Some(day(2028, 3, 1)));
        assert_eq!(r.days_late, 2);
        // 365 × 10,15 % × 2 / 365: the year counts 365 days even in a leap year.
        assert_eq!(r.interest, dec("0.20"));
        f.chorus_deposit_date = Some(day(2027, 1, 30));
        assert_eq!(one(f, day(2027, 3, 1)).due_date, Some(day(2027, 3, 1)));
        let mut g = invoice("F2", "100.00");
        g.chorus_deposit_date = Some(day(2028, 1, 29));
        // Due 28/02/2028; on 01/03/2028 two days late (the 29th counts).
        assert_eq!(one(g, day(2028, 3, 1)).days_late, 2);
    }

    #[test]
    fn a_rejected_invoice_is_owed_nothing_more() {
        let mut f = invoice("F1", "100.00");
        f.chorus_status = "REJETEE".into();
        let r = one(f, day(2027, 1, 1));
        assert_eq!(r.state, PaymentState::Rejected);
        assert!(!r.overdue && r.interest.is_zero() && r.indemnity.is_zero());
        assert_eq!(r.lifecycle_text(), "210 Refusée");
    }

    #[test]
    fn a_category_chosen_by_the_user_wins_over_the_name() {
        let mut settings = PaymentSettings::default();
        settings
            .category_by_client
            .insert("C001".into(), BuyerCategory::PublicCompany);
        let t = settings.terms_for("C001", "CHU de Lyon");
        assert_eq!(
            (t.category, t.delay_days),
            (BuyerCategory::PublicCompany, 60)
        );
        assert_eq!(t.source, CategorySource::SetByUser);
        settings.health_delay_days = 45;
        assert_eq!(settings.terms_for("C002", "CHU de Lyon").delay_days, 45);
        assert_eq!(settings.terms_for("C003", "Commune de Lyon").delay_days, 30);
    }

    #[test]
    fn each_client_may_have_its_own_delay() {
        let mut settings = PaymentSettings::default();
        settings.delay_by_client.insert("C002".into(), 50);
        let mut hospital = invoice("F1", "100.00");
        hospital.client_code = "C002".into();
        let rows = compute_rows(
            &[hospital, invoice("F2", "100.00")],
            &settings,
            day(2026, 11, 10),
        );
        assert_eq!(rows[0].delay_days, 50);
        assert_eq!(rows[0].due_date, Some(day(2026, 11, 20)));
        assert!(!rows[0].overdue);
        assert!(rows[1].overdue);
        assert_eq!(overdue(&rows).len(), 1);
    }

    #[test]
    fn overpaid_and_zero_invoices_are_not_negative() {
        let mut f = invoice("F1", "100.00");
        f.chorus_status = "MANDATEE".into();
        f.payments = vec![paid(day(2026, 10, 5), "150.00")];
        let r = one(f, day(2026, 12, 1));
        assert_eq!(r.outstanding, Decimal::ZERO);
        assert_eq!(r.state, PaymentState::Paid);
        let r = one(invoice("F0", "0.00"), day(2026, 12, 1));
        assert!(r.paid && !r.overdue && r.interest.is_zero());
    }

    #[test]
    fn lists_and_totals() {
        let mut paid_late = invoice("F3", "50.00");
        paid_late.chorus_status = "MANDATEE".into();
        paid_late.payments = vec![paid(day(2026, 11, 5), "50.00")];
        let mut later = invoice("F2", "200.00");
        later.chorus_deposit_date = Some(day(2026, 9, 1));
        let rows = compute_rows(
            &[invoice("F1", "100.00"), later, paid_late],
            &PaymentSettings::default(),
            day(2026, 11, 30),
        );
        let late: Vec<&str> = overdue(&rows).iter().map(|r| r.number.as_str()).collect();
        assert_eq!(late, ["F2", "F1"]);
        let t = totals(&rows);
        assert_eq!(t.outstanding, dec("300.00"));
        assert_eq!((t.outstanding_count, t.overdue_count), (2, 2));
        assert_eq!(t.overdue, dec("300.00"));
        assert_eq!(t.indemnities, dec("80"));
        assert_eq!(t.interest, rows[0].interest + rows[1].interest);
    }

    #[test]
    fn settings_keep_their_defaults_and_round_trip() {
        let partial: PaymentSettings =
            serde_json::from_str(r#"{"payment_delay_days":50}"#).unwrap();
        assert_eq!(partial.payment_delay_days, 50);
        assert_eq!(partial.interest_rate_percent, dec("10.15"));
        assert_eq!(partial.recovery_indemnity, dec("40"));
        assert!(partial.problems().is_empty());

        let store = crate::store::Store::open_in_memory().unwrap();
        assert_eq!(
            PaymentSettings::load(store.db()).unwrap(),
            PaymentSettings::default()
        );
        let mut s = PaymentSettings {
            interest_rate_percent: dec("11.5"),
            ..PaymentSettings::default()
        };
        s.delay_by_client.insert("C002".into(), 50);
        s.category_by_client
            .insert("C003".into(), BuyerCategory::PublicHealth);
        s.save(store.db()).unwrap();
        assert_eq!(PaymentSettings::load(store.db()).unwrap(), s);

        s.payment_delay_days = 0;
        s.interest_rate_percent = dec("-1");
        assert_eq!(s.problems().len(), 2);
    }

    #[test]
    fn an_older_base_keeps_its_json_settings_until_the_first_save() {
        let store = crate::store::Store::open_in_memory().unwrap();
        settings::set(
            store.db(),
            SETTINGS_KEY,
            r#"{"payment_delay_days":45,"delay_by_client":{"C009":20},"interest_rate_percent":"12.5"}"#,
        )
        .unwrap();
        let old = PaymentSettings::load(store.db()).unwrap();
        assert_eq!(old.payment_delay_days, 45);
        assert_eq!(old.terms_for("C009", "Commune").delay_days, 20);
        assert_eq!(old.interest_rate_percent, dec("12.5"));
        let mut new = old.clone();
        new.delay_by_client.clear();
        new.save(store.db()).unwrap();
        let read = PaymentSettings::load(store.db()).unwrap();
        assert_eq!(
            read, new,
            "the removed override does not come back from the JSON"
        );
        assert_eq!(read.terms_for("C009", "Commune").delay_days, 45);
    }
}
