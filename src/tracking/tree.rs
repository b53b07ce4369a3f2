//! The status tree: company → stage in life order → client → invoices, each node with its
//! count and total TTC. Pure: built from plain rows, rebuilt when the filter changes.

use crate::model::french_text::{self, TextQuery};
use crate::model::status::InvoiceStatus;
use crate::model::{InvoiceKind, format_date};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Where an invoice stands, from the ERP to the payment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stage {
    ToDeposit,
    InAnomaly,
    FluxInProgress,
    FluxRejected,
    Chorus(InvoiceStatus),
}

impl Stage {
    /// Life order of the tree's branches.
    pub fn order(&self) -> u16 {
        match self {
            Stage::ToDeposit => 0,
            Stage::InAnomaly => 10,
            Stage::FluxInProgress => 20,
            Stage::FluxRejected => 30,
            Stage::Chorus(s) => match s {
                InvoiceStatus::Deposited => 40,
                InvoiceStatus::InRouting => 45,
                InvoiceStatus::MadeAvailable => 50,
                InvoiceStatus::TakenOver => 55,
                InvoiceStatus::ToRecycle => 60,
                InvoiceStatus::Suspended => 70,
                InvoiceStatus::Completed => 80,
                InvoiceStatus::Rejected => 90,
                InvoiceStatus::ServiceDone => 100,
                InvoiceStatus::Mandated => 110,
                InvoiceStatus::MadeAvailableToAccountant => 112,
                InvoiceStatus::Booked => 115,
                InvoiceStatus::PaymentIssued => 120,
                // Before the deposit proper, and the ends that are not a payment.
                InvoiceStatus::Draft => 35,
                InvoiceStatus::Abandoned => 180,
                InvoiceStatus::Deleted => 190,
                InvoiceStatus::Unknown(_) => 200,
            },
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Stage::ToDeposit => "À déposer",
            Stage::InAnomaly => "En anomalie",
            Stage::FluxInProgress => "Flux en cours d'intégration",
            Stage::FluxRejected => "Flux rejeté",
            Stage::Chorus(s) => s.label(),
        }
    }
}

/// One invoice as the tree shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedInvoice {
    pub number: String,
    pub company_code: String,
    pub company_name: String,
    pub client_code: String,
    pub client_name: String,
    pub kind: InvoiceKind,
    pub invoice_date: NaiveDate,
    pub deposit_date: Option<NaiveDate>,
    pub amount_incl_tax: Decimal,
    pub stage: Stage,
    /// What is left to pay (payment follow-up; zero for a credit note or when unknown).
    pub outstanding: Decimal,
    /// The ERP shows a payment Chorus Pro's status contradicts.
    pub erp_payment_unconfirmed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Invoice,
    Deposit,
}

/// The search of the « Gestionnaire »: type, period, establishment, client, and words
/// found in the invoice number or the client's name or code (case and accents ignored).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TreeFilter {
    pub kind: Option<InvoiceKind>,
    pub period: Option<(DateField, Option<NaiveDate>, Option<NaiveDate>)>,
    pub company_code: Option<String>,
    pub client_code: Option<String>,
    pub text: TextQuery,
    /// Only the invoices with an ERP payment Chorus Pro does not confirm.
    pub erp_payment_unconfirmed_only: bool,
}

impl TreeFilter {
    pub fn accepts(&self, i: &TrackedInvoice) -> bool {
        if self.kind.is_some_and(|k| k != i.kind) {
            return false;
        }
        if let Some((field, from, to)) = self.period {
            let date = match field {
                DateField::Invoice => Some(i.invoice_date),
                DateField::Deposit => i.deposit_date,
            };
            let Some(date) = date else { return false };
            if from.is_some_and(|f| date < f) || to.is_some_and(|t| date > t) {
                return false;
            }
        }
        if self
            .company_code
            .as_ref()
            .is_some_and(|c| *c != i.company_code)
            || self
                .client_code
                .as_ref()
                .is_some_and(|c| *c != i.client_code)
        {
            return false;
        }
        if self.erp_payment_unconfirmed_only && !i.erp_payment_unconfirmed {
            return false;
        }
        self.text.is_empty()
            || self
                .text
                .matches_any_field(&[&i.number, &i.client_name, &i.client_code])
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Totals {
    pub count: usize,
    pub amount: Decimal,
    /// « Reste dû » of the invoices grouped.
    pub outstanding: Decimal,
}

impl Totals {
    fn add(&mut self, invoice: &TrackedInvoice) {
        self.count += 1;
        self.amount += invoice.amount_incl_tax;
        self.outstanding += invoice.outstanding;
    }

    fn merge(&mut self, other: &Totals) {
        self.count += other.count;
        self.amount += other.amount;
        self.outstanding += other.outstanding;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientNode {
    pub code: String,
    pub name: String,
    pub totals: Totals,
    /// Indexes into the invoices given to [`build_tree`], by number.
    pub invoices: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageNode {
    pub stage: Stage,
    pub totals: Totals,
    pub clients: Vec<ClientNode>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyNode {
    pub code: String,
    pub name: String,
    pub totals: Totals,
    pub stages: Vec<StageNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tree {
    pub companies: Vec<CompanyNode>,
    pub totals: Totals,
}

/// Dense ranks of distinct keys, in their sort order: the big sort then compares integers.
fn ranks<K: Ord + Clone + std::hash::Hash + Eq>(keys: &HashMap<K, u32>) -> Vec<u32> {
    let mut sorted: Vec<(&K, u32)> = keys.iter().map(|(k, &id)| (k, id)).collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut rank = vec![0u32; sorted.len()];
    for (r, (_, id)) in sorted.into_iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    rank
}

fn intern<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u32>, key: K) -> u32 {
    let next = map.len() as u32;
    *map.entry(key).or_insert(next)
}

/// Groups the invoices that pass `filter`. The strings are interned once and ranked, so
/// that sorting 100,000 rows compares integers; the small leaves are sorted by number.
pub fn build_tree(invoices: &[TrackedInvoice], filter: &TreeFilter) -> Tree {
    let mut companies: HashMap<&str, u32> = HashMap::new();
    let mut stages: HashMap<(u16, &str), u32> = HashMap::new();
    let mut clients: HashMap<(&str, &str), u32> = HashMap::new();
    let mut rows: Vec<(u32, u32, u32, u32)> = Vec::with_capacity(invoices.len());
    for (idx, inv) in invoices.iter().enumerate() {
        if !filter.accepts(inv) {
            continue;
        }
        let unknown = match &inv.stage {
            Stage::Chorus(InvoiceStatus::Unknown(code)) => code.as_str(),
            _ => "",
        };
        rows.push((
            intern(&mut companies, inv.company_code.as_str()),
            intern(&mut stages, (inv.stage.order(), unknown)),
            intern(
                &mut clients,
                (inv.client_name.as_str(), inv.client_code.as_str()),
            ),
            idx as u32,
        ));
    }
    // Clients in French name order (« Mérignac » before « Montpellier »), then by code.
    let client_keys: HashMap<(Vec<u8>, &str, &str), u32> = clients
        .iter()
        .map(|(&(name, code), &id)| ((french_text::collation_key(name), name, code), id))
        .collect();
    let (company_rank, stage_rank, client_rank) =
        (ranks(&companies), ranks(&stages), ranks(&client_keys));
    for row in &mut rows {
        *row = (
            company_rank[row.0 as usize],
            stage_rank[row.1 as usize],
            client_rank[row.2 as usize],
            row.3,
        );
    }
    rows.sort_unstable();

    let mut tree = Tree::default();
    let mut start = 0;
    while start < rows.len() {
        // One client group: same company, stage and client.
        let key = (rows[start].0, rows[start].1, rows[start].2);
        let mut end = start;
        while end < rows.len() && (rows[end].0, rows[end].1, rows[end].2) == key {
            end += 1;
        }
        let mut idx: Vec<usize> = rows[start..end].iter().map(|r| r.3 as usize).collect();
        idx.sort_unstable_by(|&a, &b| invoices[a].number.cmp(&invoices[b].number));
        let first = &invoices[idx[0]];
        let mut totals = Totals::default();
        for &i in &idx {
            totals.add(&invoices[i]);
        }
        let new_company = tree
            .companies
            .last()
            .is_none_or(|c| c.code != first.company_code);
        if new_company {
            tree.companies.push(CompanyNode {
                code: first.company_code.clone(),
                name: first.company_name.clone(),
                totals: Totals::default(),
                stages: Vec::new(),
            });
        }
        let company = tree.companies.last_mut().expect("pushed above");
        let new_stage = new_company || company.stages.last().is_none_or(|s| s.stage != first.stage);
        if new_stage {
            company.stages.push(StageNode {
                stage: first.stage.clone(),
                totals: Totals::default(),
                clients: Vec::new(),
            });
        }
        let stage = company.stages.last_mut().expect("pushed above");
        for t in [&mut tree.totals, &mut company.totals, &mut stage.totals] {
            t.merge(&totals);
        }
        stage.clients.push(ClientNode {
            code: first.client_code.clone(),
            name: first.client_name.clone(),
            totals,
            invoices: idx,
        });
        start = end;
    }
    tree
}

/// `Mise en paiement — 12 factures, 34 567,89 €`, then `, reste dû 1 200,00 €` when
/// something is left to pay.
pub fn node_caption(label: &str, totals: &Totals) -> String {
    let mut out = format!(
        "{label} — {}, {}",
        crate::app::status::counted(totals.count, "facture", "factures"),
        crate::model::format_money(totals.amount, "EUR")
    );
    if !totals.outstanding.is_zero() {
        out.push_str(&format!(
            ", reste dû {}",
            crate::model::format_money(totals.outstanding, "EUR")
        ));
    }
    out
}

/// The tree's stages across its companies, in life order, with their totals: what the
/// « Montants TTC par statut » chart draws, so that chart and tree name and add up the
/// same things.
pub fn stage_totals(tree: &Tree) -> Vec<(Stage, Totals)> {
    let mut by_stage: Vec<(Stage, Totals)> = Vec::new();
    for stage in tree.companies.iter().flat_map(|c| &c.stages) {
        match by_stage.iter_mut().find(|(s, _)| *s == stage.stage) {
            Some((_, totals)) => totals.merge(&stage.totals),
            None => by_stage.push((stage.stage.clone(), stage.totals.clone())),
        }
    }
    by_stage.sort_by(|a, b| (a.0.order(), a.0.label()).cmp(&(b.0.order(), b.0.label())));
    by_stage
}

/// `12/10/2026` or empty.
pub fn short_date(date: Option<NaiveDate>) -> String {
    date.map(format_date).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(n: u32, company: &str, client: &str, stage: Stage, amount: i64) -> TrackedInvoice {
        TrackedInvoice {
            number: format!("F{n:05}"),
            company_code: company.into(),
            company_name: format!("Société {company}"),
            client_code: client.into(),
            client_name: format!("Client {client}"),
            kind: if n.is_multiple_of(10) {
                InvoiceKind::CreditNote
            } else {
                InvoiceKind::Invoice
            },
            invoice_date: NaiveDate::from_ymd_opt(2026, 1 + n % 12, 1).unwrap(),
            deposit_date: None,
            amount_incl_tax: Decimal::new(amount, 2),
            stage,
            outstanding: Decimal::new(amount, 3),
            erp_payment_unconfirmed: n == 4,
        }
    }

    #[test]
    fn clients_sort_in_french_and_the_search_ignores_accents() {
        let mut invoices: Vec<TrackedInvoice> = ["Montpellier", "Mérignac", "Marseille"]
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let mut i = invoice(n as u32 + 1, "S", name, Stage::ToDeposit, 100);
                i.client_name = format!("Commune de {name}");
                i
            })
            .collect();
        invoices[0].client_name = "Commune de Montpellier".into();
        let tree = build_tree(&invoices, &TreeFilter::default());
        let clients: Vec<&str> = tree.companies[0].stages[0]
            .clients
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(
            clients,
            [
                "Commune de Marseille",
                "Commune de Mérignac",
                "Commune de Montpellier"
            ]
        );
        let filter = TreeFilter {
            text: TextQuery::new("MERIGNAC commune"),
            ..TreeFilter::default()
        };
        assert_eq!(build_tree(&invoices, &filter).totals.count, 1);
    }

    #[test]
    fn groups_in_life_order_with_counts_and_totals() {
        let paid = Stage::Chorus(InvoiceStatus::PaymentIssued);
        let recycle = Stage::Chorus(InvoiceStatus::ToRecycle);
        let odd = Stage::Chorus(InvoiceStatus::Unknown("A_VALIDER_MOE".into()));
        let invoices = vec![
            invoice(3, "S", "B", paid.clone(), 1000),
            invoice(1, "S", "A", paid.clone(), 250),
            invoice(2, "S", "A", Stage::ToDeposit, 100),
            invoice(4, "S", "A", recycle.clone(), 50),
            invoice(5, "S", "A", odd.clone(), 5),
            invoice(6, "T", "A", paid.clone(), 7),
        ];
        let tree = build_tree(&invoices, &TreeFilter::default());
        assert_eq!(tree.totals.count, 6);
        assert_eq!(tree.companies.len(), 2);
        let s = &tree.companies[0];
        assert_eq!(s.name, "Société S");
        let order: Vec<&str> = s.stages.iter().map(|n| n.stage.label()).collect();
        assert_eq!(
            order,
            [
                "À déposer",
                "À recycler",
                "Mise en paiement",
                "A_VALIDER_MOE"
            ]
        );
        let paid_node = &s.stages[2];
        assert_eq!(paid_node.totals.count, 2);
        assert_eq!(paid_node.totals.amount, Decimal::new(1250, 2));
        assert_eq!(paid_node.clients[0].name, "Client A");
        assert_eq!(paid_node.totals.outstanding, Decimal::new(1250, 3));
        assert_eq!(
            node_caption(paid_node.stage.label(), &paid_node.totals),
            "Mise en paiement — 2 factures, 12,50\u{a0}€, reste dû 1,25\u{a0}€"
        );
        assert_eq!(s.totals.outstanding, Decimal::new(1405, 3));

        // The chart's bars: the same stages, labels and totals as the tree.
        let bars = stage_totals(&tree);
        let labels: Vec<&str> = bars.iter().map(|(s, _)| s.label()).collect();
        assert_eq!(
            labels,
            [
                "À déposer",
                "À recycler",
                "Mise en paiement",
                "A_VALIDER_MOE"
            ]
        );
        assert_eq!(bars[2].1.amount, Decimal::new(1257, 2), "both companies");
        assert_eq!(bars[2].1.count, 3);

        let unconfirmed = TreeFilter {
            erp_payment_unconfirmed_only: true,
            ..TreeFilter::default()
        };
        assert_eq!(build_tree(&invoices, &unconfirmed).totals.count, 1);
    }

    #[test]
    fn the_filter_narrows_the_tree() {
        let invoices: Vec<TrackedInvoice> = (1..=30)
            .map(|n| {
                invoice(
                    n,
                    "S",
                    if n % 2 == 0 { "A" } else { "B" },
                    Stage::ToDeposit,
                    100,
                )
            })
            .collect();
        let filter = TreeFilter {
            kind: Some(InvoiceKind::CreditNote),
            ..TreeFilter::default()
        };
        assert_eq!(build_tree(&invoices, &filter).totals.count, 3);
        let filter = TreeFilter {
            client_code: Some("A".into()),
            text: TextQuery::new("F0001"),
            ..TreeFilter::default()
        };
        let numbers: Vec<&str> = build_tree(&invoices, &filter).companies[0].stages[0].clients[0]
            .invoices
            .iter()
            .map(|&i| invoices[i].number.as_str())
            .collect();
        assert_eq!(numbers, ["F00010", "F00012", "F00014", "F00016", "F00018"]);
        let filter = TreeFilter {
            period: Some((DateField::Deposit, None, None)),
            ..TreeFilter::default()
        };
        assert_eq!(
            build_tree(&invoices, &filter).totals.count,
            0,
            "never deposited"
        );
    }
}
