//! The ERP's records: markets, orders / dossiers / contracts, invoices with their lines,
//! payments. Normal invoices follow every rule of the checks by construction; the planted
//! ones break exactly one.
//!
//! `billing` makes the markets and references and the billing data of each invoice,
//! `anomalies` shapes the planted invoices, `payments` settles part of the others.

mod anomalies;
mod billing;
mod payments;

use anomalies::apply_plant;
use billing::{Billing, DemoMarket, DemoReference, Wish};

use super::lines::{self, LineDraft};
use super::parties::{BRANCH_CODE, ClientRole, DemoClient, HEAD_OFFICE_CODE, Parties, PublicKind};
use super::plan::{self, Plant};
use super::rng::Rng;
use crate::model::erp::DEFAULT_BILLING_FRAME;
use crate::model::{BillingReference, Invoice, InvoiceKind, InvoiceLine, Market, Payment};
use chrono::{Datelike, Days, NaiveDate, Weekday};
use rust_decimal::Decimal;

/// The demo's "today". Every date hangs on it, never on the clock, so that the same seed
/// gives the same files whenever it runs; invoices cover the twelve months before it.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default()
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn days_after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

/// What happens to an invoice's PDF file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfPlan {
    /// Drawn and written.
    Draw,
    /// `fichier_pdf` left empty.
    NotGiven,
    /// The path is given, the file never written.
    NotWritten,
    /// Something that is not a PDF under a `.pdf` name.
    Unreadable(Junk),
    /// A PDF above the 10 MB Chorus Pro accepts.
    Oversized,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Junk {
    /// Zero bytes: the export stopped before writing.
    Empty,
    /// The error page a web portal returned, saved as `.pdf`.
    HtmlPage,
    /// A scan saved as PNG under a `.pdf` name.
    Image,
}

#[derive(Debug, Clone)]
pub struct DemoInvoice {
    /// As written to `factures.csv`: `pdf_path` is the relative path (or empty).
    pub invoice: Invoice,
    /// As written to `lignes.csv`.
    pub lines: Vec<InvoiceLine>,
    /// File name in the PDF folder.
    pub pdf_file: String,
    pub pdf: PdfPlan,
    pub plant: Option<Plant>,
}

#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub markets: Vec<Market>,
    pub references: Vec<BillingReference>,
    pub invoices: Vec<DemoInvoice>,
    pub payments: Vec<Payment>,
}

/// Builds the ledger.
pub fn build(seed: u64, invoice_count: usize, parties: &Parties, pdf_folder: &str) -> Ledger {
    let mut builder = Builder {
        parties,
        markets: Vec::new(),
        references: Vec::new(),
        markets_of: vec![Vec::new(); parties.clients.len()],
        references_of: vec![Vec::new(); parties.clients.len()],
        market_seq: 0,
        reference_seq: 0,
        engagement_seq: 0,
    };
    let mut rng = Rng::stream(seed, "marches");
    for index in 0..parties.clients.len() {
        if parties.clients[index].is_public() {
            builder.add_markets_and_references(&mut rng, index);
        }
    }
    let mut rng = Rng::stream(seed, "factures");
    let invoices = builder.invoices(&mut rng, invoice_count, pdf_folder);
    let mut rng = Rng::stream(seed, "reglements");
    let public: std::collections::HashSet<&str> = parties
        .clients
        .iter()
        .filter(|c| c.is_public())
        .map(|c| c.client.code.as_str())
        .collect();
    let payments = payments::payments(&mut rng, &invoices, |code| public.contains(code));
    Ledger {
        markets: builder.markets.into_iter().map(|m| m.market).collect(),
        references: builder
            .references
            .into_iter()
            .map(|r| r.reference)
            .collect(),
        invoices,
        payments,
    }
}

struct Builder<'p> {
    parties: &'p Parties,
    markets: Vec<DemoMarket>,
    references: Vec<DemoReference>,
    markets_of: Vec<Vec<usize>>,
    references_of: Vec<Vec<usize>>,
    market_seq: u32,
    reference_seq: u32,
    engagement_seq: u64,
}

/// The first day of the month `months` after January 2020.
fn month_start(months: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2020 + (months / 12) as i32, 1 + (months % 12) as u32, 1)
        .unwrap_or_default()
}

impl Builder<'_> {
    fn client(&self, index: usize) -> &DemoClient {
        &self.parties.clients[index]
    }

    fn invoices(&mut self, rng: &mut Rng, count: usize, pdf_folder: &str) -> Vec<DemoInvoice> {
        let dates = invoice_dates(rng, count);
        let numbers = invoice_numbers(&dates);
        let private: Vec<bool> = (0..count).map(|_| rng.chance(0.07)).collect();
        let public_slots: Vec<usize> = (0..count).filter(|&i| !private[i]).collect();
        let plan = plan::assign(rng, &public_slots, count);

        let parties = self.parties;
        let clients = &parties.clients;
        let normal_public = Pool::of(clients, |c| c.is_public() && c.role == ClientRole::Normal);
        let private_pool = Pool::of(clients, |c| !c.is_public());

        let mut out: Vec<DemoInvoice> = Vec::with_capacity(count);
        let mut billings: Vec<(usize, Billing)> = Vec::with_capacity(count);
        // Normal invoices a later credit note may correct.
        let mut creditable: Vec<usize> = Vec::new();
        for (slot, &date) in dates.iter().enumerate() {
            let number = numbers[slot].clone();
            let plant = plan[slot];
            let mut draft = match plant {
                Some(plant) => self.planted(rng, plant, date, &normal_public),
                None if private[slot] => {
                    let client = private_pool.draw(rng);
                    self.ordinary(rng, client, date)
                }
                None => {
                    let recent = &creditable[creditable.len().saturating_sub(150)..];
                    let origin = recent
                        .iter()
                        .copied()
                        .filter(|&i| out[i].invoice.invoice_date < days_before(date, 6))
                        .collect::<Vec<_>>();
                    if !origin.is_empty() && rng.chance(0.08) {
                        let origin = *rng.pick(&origin);
                        // One credit note per invoice: two could add up to all of it.
                        creditable.retain(|&i| i != origin);
                        self.credit_note(rng, &out[origin], &billings[origin], date)
                    } else {
                        let client = normal_public.draw(rng);
                        self.ordinary(rng, client, date)
                    }
                }
            };
            draft.number = number;
            if let Some(plant) = plant {
                apply_plant(rng, plant, &mut draft);
            }
            if plant.is_none() && draft.kind == InvoiceKind::Invoice {
                creditable.push(out.len());
            }
            billings.push((draft.client, draft.billing.clone()));
            out.push(self.finish(draft, plant, pdf_folder));
        }
        out
    }

    fn ordinary(&mut self, rng: &mut Rng, client: usize, date: NaiveDate) -> Draft {
        self.draft(rng, client, date, &Wish::default(), true)
    }

    /// An invoice of `client` on `date`, its billing data shaped by `wish`.
    fn draft(
        &mut self,
        rng: &mut Rng,
        client: usize,
        date: NaiveDate,
        wish: &Wish,
        may_use_branch: bool,
    ) -> Draft {
        let billing = self.billing(rng, client, date, wish);
        let family = self.family_of(rng, client, &billing);
        let lines = lines::draw(rng, family);
        let public = self.client(client).is_public();
        // The Lyon branch bills a few public buyers, always paid by cheque there.
        let branch = may_use_branch && public && rng.chance(0.02);
        let cheque_odds = if public { 0.06 } else { 0.4 };
        let means = if branch || rng.chance(cheque_odds) {
            "CHEQUE"
        } else {
            "VIREMENT"
        };
        Draft {
            client,
            kind: InvoiceKind::Invoice,
            date,
            number: String::new(),
            company: if branch {
                BRANCH_CODE
            } else {
                HEAD_OFFICE_CODE
            },
            billing,
            lines,
            origin: String::new(),
            means: means.into(),
            totals: None,
            pdf: PdfPlan::Draw,
        }
    }

    /// A credit note for part or all of an earlier invoice, with the same billing data when
    /// it still holds.
    fn credit_note(
        &mut self,
        rng: &mut Rng,
        origin: &DemoInvoice,
        origin_billing: &(usize, Billing),
        date: NaiveDate,
    ) -> Draft {
        let (client, billing) = origin_billing;
        let client = *client;
        let billing = if self.still_valid(client, billing, date) {
            billing.clone()
        } else {
            self.billing(rng, client, date, &Wish::default())
        };
        let as_draft = |l: &InvoiceLine| LineDraft {
            label: l.label.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            unit_price: l.unit_price,
            vat_rate: l.vat_rate,
            category: l.vat_category,
            exemption_reason: l.exemption_reason.clone(),
        };
        // Goods returned or a day not worked: part of one line. Never the whole invoice:
        // nothing is deposited when the demonstration starts, and an invoice a credit note
        // cancels before its deposit is what the checks hold back (DEJA_REGLEE).
        let line = rng.pick(&origin.lines);
        let mut d = as_draft(line);
        let whole = d.quantity.trunc().max(Decimal::ONE);
        let part = Decimal::from(rng.range(1, i64::try_from(whole).unwrap_or(1))).min(d.quantity);
        d.quantity = if origin.lines.len() == 1 && part >= d.quantity {
            d.quantity / Decimal::TWO
        } else {
            part
        };
        let lines = vec![d];
        Draft {
            client,
            kind: InvoiceKind::CreditNote,
            date,
            number: String::new(),
            company: if origin.invoice.company_code == BRANCH_CODE {
                BRANCH_CODE
            } else {
                HEAD_OFFICE_CODE
            },
            billing,
            lines,
            origin: origin.invoice.number.clone(),
            means: String::new(),
            totals: None,
            pdf: PdfPlan::Draw,
        }
    }

    fn finish(&self, draft: Draft, plant: Option<Plant>, pdf_folder: &str) -> DemoInvoice {
        let totals = draft.totals.unwrap_or_else(|| lines::totals(&draft.lines));
        let client = self.client(draft.client);
        let pdf_file = format!("{}.pdf", file_stem(&draft.number));
        let pdf_path = if draft.pdf == PdfPlan::NotGiven {
            String::new()
        } else {
            format!("../{pdf_folder}/{pdf_file}")
        };
        // Public hospitals have 50 days to pay, other public buyers 30 (code de la commande
        // publique, R. 2192-10 and -11); private customers 30 days too.
        let days_to_pay = match client.kind {
            Some(PublicKind::Hospital | PublicKind::CareHome) => 50,
            _ => 30,
        };
        let due_date =
            (draft.kind == InvoiceKind::Invoice).then(|| days_after(draft.date, days_to_pay));
        let lines: Vec<InvoiceLine> = draft
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| l.into_line(&draft.number, i as u32 + 1))
            .collect();
        let mut lines = lines;
        if plant == Some(Plant::LinesMismatch) && draft.totals.is_none() && lines.len() > 1 {
            // A line deleted in the ERP after the totals were computed.
            lines.pop();
        }
        DemoInvoice {
            invoice: Invoice {
                number: draft.number,
                company_code: draft.company.to_string(),
                client_code: client.client.code.clone(),
                kind: draft.kind,
                invoice_date: draft.date,
                due_date,
                currency: "EUR".into(),
                total_excl_tax: totals.excl_tax,
                total_tax: totals.tax,
                total_incl_tax: totals.incl_tax,
                service_code: draft.billing.service,
                engagement_number: draft.billing.engagement,
                market_number: draft.billing.market,
                origin_reference: draft
                    .billing
                    .reference
                    .map(|r| self.references[r].reference.reference.clone())
                    .unwrap_or_default(),
                pdf_path,
                original_invoice_number: draft.origin,
                payment_means: draft.means,
                billing_frame: DEFAULT_BILLING_FRAME.into(),
            },
            lines,
            pdf_file,
            pdf: draft.pdf,
            plant,
        }
    }
}

/// Clients to draw invoices for, each by its weight.
struct Pool {
    clients: Vec<usize>,
    weights: Vec<u32>,
}

impl Pool {
    fn of(all: &[DemoClient], test: impl Fn(&DemoClient) -> bool) -> Pool {
        let clients: Vec<usize> = (0..all.len()).filter(|&i| test(&all[i])).collect();
        let weights = clients.iter().map(|&i| all[i].weight).collect();
        Pool { clients, weights }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        self.clients[rng.weighted(&self.weights)]
    }

    /// A client passing `test` (given its index), by weight; any client when none does.
    fn draw_where(&self, rng: &mut Rng, test: impl Fn(usize) -> bool) -> usize {
        let eligible: Vec<usize> = (0..self.clients.len())
            .filter(|&i| test(self.clients[i]))
            .collect();
        if eligible.is_empty() {
            return self.draw(rng);
        }
        let weights: Vec<u32> = eligible.iter().map(|&i| self.weights[i]).collect();
        self.clients[eligible[rng.weighted(&weights)]]
    }
}

/// An invoice being built.
struct Draft {
    client: usize,
    kind: InvoiceKind,
    date: NaiveDate,
    number: String,
    company: &'static str,
    billing: Billing,
    lines: Vec<LineDraft>,
    origin: String,
    means: String,
    /// Header totals when they must differ from the lines'.
    totals: Option<lines::Totals>,
    pdf: PdfPlan,
}

/// A file name for an invoice number: what a file system refuses becomes `_`.
pub fn file_stem(number: &str) -> String {
    number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Working days of the twelve months before `today()`, drawn at random and sorted.
fn invoice_dates(rng: &mut Rng, count: usize) -> Vec<NaiveDate> {
    let first = days_before(today(), 365);
    let working: Vec<NaiveDate> = (0..365)
        .map(|d| days_after(first, d))
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect();
    let mut dates: Vec<NaiveDate> = (0..count).map(|_| *rng.pick(&working)).collect();
    dates.sort();
    dates
}

/// `2600001`, `2600002`…: two digits of the year and a sequence per year, in date order,
/// as the ERP this application replaces numbers them.
fn invoice_numbers(dates: &[NaiveDate]) -> Vec<String> {
    let mut year = 0;
    let mut seq = 0;
    dates
        .iter()
        .map(|d| {
            if d.year() != year {
                year = d.year();
                seq = 0;
            }
            seq += 1;
            format!("{:02}{seq:05}", year % 100)
        })
        .collect()
}
