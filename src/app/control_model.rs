//! What the control screen's two tables show: the report split into conformant invoices
//! and invoices with anomalies, filtered by the search box and sorted by a column.
//! Rebuilt only when the report, the search or a sort changes, never per frame.

use super::CheckReport;
use crate::checks::InvoiceCheck;
use crate::model::french_text::{self, TextQuery};
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The columns of both tables, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Number,
    Client,
    Date,
    AmountInclTax,
    Engagement,
    Market,
    Service,
    StructureActive,
    StructureEngagement,
    StructureService,
    StructureServiceOrEngagement,
    ServiceActive,
    ServiceEngagement,
    Siret,
    Attachment,
    Anomalies,
    /// The live deposit on Chorus Pro (flux, date, status): shown with the deposited ones.
    Deposit,
}

impl Column {
    pub const INVOICE_COLUMNS: [Column; 15] = [
        Column::Number,
        Column::Client,
        Column::Date,
        Column::AmountInclTax,
        Column::Engagement,
        Column::Market,
        Column::Service,
        Column::StructureActive,
        Column::StructureEngagement,
        Column::StructureService,
        Column::StructureServiceOrEngagement,
        Column::ServiceActive,
        Column::ServiceEngagement,
        Column::Siret,
        Column::Attachment,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Number => "N° Facture",
            Column::Client => "Client",
            Column::Date => "Date",
            Column::AmountInclTax => "Montant TTC",
            Column::Engagement => "N° Engagement",
            Column::Market => "N° de marché",
            Column::Service => "Code service",
            Column::StructureActive => "StA",
            Column::StructureEngagement => "StGE",
            Column::StructureService => "StGS",
            Column::StructureServiceOrEngagement => "StGSE",
            Column::ServiceActive => "SvA",
            Column::ServiceEngagement => "SvGE",
            Column::Siret => "N° SIRET",
            Column::Attachment => "Pièce jointe",
            Column::Anomalies => "Anomalies",
            Column::Deposit => "Dépôt Chorus Pro",
        }
    }

    /// The tooltip of the header: the six flags are cryptic.
    pub fn description(self) -> &'static str {
        match self {
            Column::StructureActive => "Structure active dans l'annuaire Chorus Pro",
            Column::StructureEngagement => "La structure exige un n° d'engagement",
            Column::StructureService => "La structure exige un code service",
            Column::StructureServiceOrEngagement => {
                "La structure exige un code service ou un n° d'engagement"
            }
            Column::ServiceActive => "Service actif dans l'annuaire Chorus Pro",
            Column::ServiceEngagement => "Le service exige un n° d'engagement",
            Column::Attachment => "Le PDF de la facture est présent et lisible",
            Column::Deposit => "Flux, date et statut Chorus Pro des factures déjà déposées",
            Column::Engagement | Column::Market | Column::Service => {
                "Valeur de la facture, ou à défaut de sa référence d'origine"
            }
            _ => "",
        }
    }

    /// The directory flag shown in this column, if it is one of the six.
    pub fn flag(self, check: &InvoiceCheck) -> Option<Option<bool>> {
        let s = check.flags.structure;
        let v = check.flags.service;
        match self {
            Column::StructureActive => Some(s.map(|f| f[0])),
            Column::StructureEngagement => Some(s.map(|f| f[1])),
            Column::StructureService => Some(s.map(|f| f[2])),
            Column::StructureServiceOrEngagement => Some(s.map(|f| f[3])),
            Column::ServiceActive => Some(v.map(|f| f[0])),
            Column::ServiceEngagement => Some(v.map(|f| f[1])),
            _ => None,
        }
    }
}

/// `name_keys` are the French collation keys of the client names (by check index).
fn compare(
    column: Column,
    checks: &[InvoiceCheck],
    name_keys: &[Vec<u8>],
    ia: usize,
    ib: usize,
) -> Ordering {
    let (a, b) = (&checks[ia], &checks[ib]);
    let by_flag = |c: &InvoiceCheck| column.flag(c).flatten();
    let primary = match column {
        Column::Number => Ordering::Equal,
        Column::Client => name_keys[ia].cmp(&name_keys[ib]),
        Column::Date => a.invoice.invoice_date.cmp(&b.invoice.invoice_date),
        Column::AmountInclTax => a.invoice.total_incl_tax.cmp(&b.invoice.total_incl_tax),
        Column::Engagement => a
            .billing
            .engagement_number
            .value
            .cmp(&b.billing.engagement_number.value),
        Column::Market => a
            .billing
            .market_number
            .value
            .cmp(&b.billing.market_number.value),
        Column::Service => a
            .billing
            .service_code
            .value
            .cmp(&b.billing.service_code.value),
        Column::Siret => a.client_siret.cmp(&b.client_siret),
        Column::Attachment => a.pdf.is_readable().cmp(&b.pdf.is_readable()),
        Column::Anomalies => a.anomalies.len().cmp(&b.anomalies.len()),
        // Not deposited first, then by deposit date; the caller has no report here: the
        // number order is kept (the column is informative).
        Column::Deposit => Ordering::Equal,
        _ => by_flag(a).cmp(&by_flag(b)),
    };
    primary.then_with(|| a.invoice.number.cmp(&b.invoice.number))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub ascending: bool,
}

impl Default for Sort {
    fn default() -> Sort {
        Sort {
            column: Column::Number,
            ascending: true,
        }
    }
}

impl Sort {
    /// A click on a header: sort by it, or reverse if it already is the sort column.
    pub fn clicked(self, column: Column) -> Sort {
        if self.column == column {
            Sort {
                column,
                ascending: !self.ascending,
            }
        } else {
            Sort {
                column,
                ascending: true,
            }
        }
    }
}

/// The ticked invoices that would leave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Invoice numbers, sorted.
    pub numbers: Vec<String>,
    /// Ticked but filtered out of the list by the search box (they leave too).
    pub hidden_by_search: usize,
}

/// A row of the anomalies table: an invoice, or one of its anomalies under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnomalyRow {
    Invoice(usize),
    Anomaly(usize, usize),
}

pub struct ControlModel {
    report: Arc<CheckReport>,
    /// Folded "number client siret" of each check, for the search box.
    haystacks: Vec<String>,
    /// French collation keys of the client names, for the sort by client.
    client_name_keys: Vec<Vec<u8>>,
    search: String,
    pub conformant_sort: Sort,
    pub anomalous_sort: Sort,
    /// Indexes into `report.checks`.
    pub conformant: Vec<usize>,
    pub anomalous: Vec<usize>,
    pub anomaly_rows: Vec<AnomalyRow>,
    /// Ticked invoices (indexes into `report.checks`).
    pub ticked: BTreeSet<usize>,
    /// The invoice shown in the detail panel.
    pub focused: Option<usize>,
    /// The row the arrow keys stand on (highlighted); Enter opens its detail.
    pub cursor: Option<usize>,
    /// The cursor moved by the keyboard: the table holding it scrolls to it once.
    scroll_to_cursor: bool,
    /// Conformant invoices already deposited are listed too (hidden by default: the list
    /// is what is left to send).
    show_deposited: bool,
    /// Conformant invoices hidden because already deposited (with the current search).
    pub hidden_deposited: usize,
    /// Bumped at every change of the ticks: a lot generated from other ticks is stale.
    pub tick_generation: u64,
    /// The latest change of the ticks, in French (« F2600001 décochée »).
    pub last_tick_change: String,
}

impl ControlModel {
    pub fn new(report: Arc<CheckReport>) -> ControlModel {
        let haystacks = report
            .checks
            .iter()
            .map(|c| french_text::search_key(&[&c.invoice.number, &c.client_name, &c.client_siret]))
            .collect();
        let client_name_keys = report
            .checks
            .iter()
            .map(|c| french_text::collation_key(&c.client_name))
            .collect();
        let mut model = ControlModel {
            report,
            haystacks,
            client_name_keys,
            search: String::new(),
            conformant_sort: Sort::default(),
            anomalous_sort: Sort::default(),
            conformant: Vec::new(),
            anomalous: Vec::new(),
            anomaly_rows: Vec::new(),
            ticked: BTreeSet::new(),
            focused: None,
            cursor: None,
            scroll_to_cursor: false,
            show_deposited: false,
            hidden_deposited: 0,
            tick_generation: 0,
            last_tick_change: String::new(),
        };
        model.rebuild();
        model
    }

    /// A new report: keeps the search, the sorts, the ticks and the focus (by invoice
    /// number). A tick is kept only while it still means « to send »: an invoice deposited
    /// since, or now with an anomaly, is unticked.
    pub fn replace_report(&mut self, report: Arc<CheckReport>) {
        let numbers = |m: &ControlModel, idx: &mut dyn Iterator<Item = usize>| -> Vec<String> {
            idx.map(|i| m.report.checks[i].invoice.number.clone())
                .collect()
        };
        let ticked = numbers(self, &mut self.ticked.iter().copied());
        let focused = numbers(self, &mut self.focused.into_iter());
        let cursor = numbers(self, &mut self.cursor.into_iter());
        let mut next = ControlModel::new(report);
        next.search = std::mem::take(&mut self.search);
        next.conformant_sort = self.conformant_sort;
        next.show_deposited = self.show_deposited;
        next.anomalous_sort = self.anomalous_sort;
        let position: std::collections::HashMap<&str, usize> = next
            .report
            .checks
            .iter()
            .enumerate()
            .map(|(i, c)| (c.invoice.number.as_str(), i))
            .collect();
        let ticked_idx: BTreeSet<usize> = ticked
            .iter()
            .filter_map(|n| position.get(n.as_str()).copied())
            .filter(|&i| next.can_tick(i))
            .collect();
        let focused_idx = focused
            .first()
            .and_then(|n| position.get(n.as_str()).copied());
        next.tick_generation = self.tick_generation;
        next.last_tick_change = std::mem::take(&mut self.last_tick_change);
        if ticked_idx.len() != ticked.len() {
            let dropped = ticked.len() - ticked_idx.len();
            next.tick_generation += 1;
            next.last_tick_change = if dropped == 1 {
                "1 facture décochée : déposée ou en anomalie depuis".to_string()
            } else {
                format!("{dropped} factures décochées : déposées ou en anomalie depuis")
            };
        }
        next.ticked = ticked_idx;
        next.focused = focused_idx;
        next.cursor = cursor
            .first()
            .and_then(|n| position.get(n.as_str()).copied());
        next.rebuild();
        *self = next;
    }

    pub fn report(&self) -> &Arc<CheckReport> {
        &self.report
    }

    pub fn check(&self, index: usize) -> &InvoiceCheck {
        &self.report.checks[index]
    }

    pub fn search(&self) -> &str {
        &self.search
    }

    pub fn set_search(&mut self, text: &str) {
        if text != self.search {
            self.search = text.to_string();
            self.rebuild();
        }
    }

    pub fn shows_deposited(&self) -> bool {
        self.show_deposited
    }

    pub fn set_show_deposited(&mut self, show: bool) {
        if show != self.show_deposited {
            self.show_deposited = show;
            self.rebuild();
        }
    }

    /// A click on a row: its detail opens and the arrow keys go on from there.
    pub fn focus(&mut self, index: usize) {
        self.focused = Some(index);
        self.cursor = Some(index);
    }

    /// The arrow keys: one row down (`delta` 1) or up (-1), the conformant invoices first,
    /// then those with anomalies. An open detail follows the cursor.
    pub fn move_cursor(&mut self, delta: isize) -> bool {
        let rows: Vec<usize> = self
            .conformant
            .iter()
            .chain(&self.anomalous)
            .copied()
            .collect();
        self.cursor = super::row_cursor::step(&rows, self.cursor.or(self.focused), delta);
        if self.focused.is_some() {
            self.focused = self.cursor;
        }
        self.scroll_to_cursor = self.cursor.is_some();
        self.cursor.is_some()
    }

    /// Enter: the detail of the row under the cursor.
    pub fn open_cursor(&mut self) -> bool {
        self.focused = self.cursor.or(self.focused);
        self.focused.is_some()
    }

    /// Where the table must scroll after a move of the cursor, once: (in the conformant
    /// table, row) — or in the anomalies table.
    pub fn take_scroll_target(&mut self) -> Option<(bool, usize)> {
        if !std::mem::take(&mut self.scroll_to_cursor) {
            return None;
        }
        let cursor = self.cursor?;
        if let Some(row) = self.conformant.iter().position(|&i| i == cursor) {
            return Some((true, row));
        }
        self.anomaly_row_of(cursor).map(|row| (false, row))
    }

    /// Both sorts at once (the ones remembered from the last run).
    pub fn set_sorts(&mut self, conformant: Sort, anomalous: Sort) {
        if (conformant, anomalous) != (self.conformant_sort, self.anomalous_sort) {
            self.conformant_sort = conformant;
            self.anomalous_sort = anomalous;
            self.rebuild();
        }
    }

    pub fn sort_conformant(&mut self, column: Column) {
        self.conformant_sort = self.conformant_sort.clicked(column);
        self.rebuild();
    }

    pub fn sort_anomalous(&mut self, column: Column) {
        self.anomalous_sort = self.anomalous_sort.clicked(column);
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let query = TextQuery::new(&self.search);
        let checks = &self.report.checks;
        let (mut conformant, mut anomalous): (Vec<usize>, Vec<usize>) = (0..checks.len())
            .filter(|&i| query.matches_folded(&self.haystacks[i]))
            .partition(|&i| checks[i].is_conformant());
        let deposited = &self.report.deposited;
        let before = conformant.len();
        if !self.show_deposited && !deposited.is_empty() {
            conformant.retain(|&i| !deposited.contains_key(&checks[i].invoice.number));
        }
        self.hidden_deposited = before - conformant.len();
        let sort_by = |rows: &mut Vec<usize>, sort: Sort| {
            rows.sort_by(|&a, &b| {
                let o = compare(sort.column, checks, &self.client_name_keys, a, b);
                if sort.ascending { o } else { o.reverse() }
            });
        };
        sort_by(&mut conformant, self.conformant_sort);
        sort_by(&mut anomalous, self.anomalous_sort);
        self.anomaly_rows = anomalous
            .iter()
            .flat_map(|&i| {
                std::iter::once(AnomalyRow::Invoice(i))
                    .chain((0..checks[i].anomalies.len()).map(move |k| AnomalyRow::Anomaly(i, k)))
            })
            .collect();
        self.conformant = conformant;
        self.anomalous = anomalous;
    }

    /// Whether an invoice may be ticked: only what can leave, conformant and not already on
    /// Chorus Pro (nor waiting to be verified there).
    pub fn can_tick(&self, index: usize) -> bool {
        let check = &self.report.checks[index];
        check.is_conformant() && !self.report.deposited.contains_key(&check.invoice.number)
    }

    /// The live deposit of an invoice, if it has one.
    pub fn deposit_of(&self, index: usize) -> Option<&crate::store::deposit_marks::DepositMark> {
        self.report
            .deposited
            .get(&self.report.checks[index].invoice.number)
    }

    /// "Sélectionner": ticks every invoice shown that can leave, or unticks them if all are.
    pub fn toggle_all_conformant(&mut self) {
        let shown: Vec<usize> = self
            .conformant
            .iter()
            .copied()
            .filter(|&i| self.can_tick(i))
            .collect();
        let all = shown.iter().all(|i| self.ticked.contains(i));
        let before = self.ticked.len();
        if all {
            for i in &shown {
                self.ticked.remove(i);
            }
        } else {
            self.ticked.extend(shown);
        }
        let after = self.ticked.len();
        if after != before {
            let (n, what) = if after > before {
                (after - before, ("cochée", "cochées"))
            } else {
                (before - after, ("décochée", "décochées"))
            };
            self.note_tick_change(if n == 1 {
                format!("1 facture {}", what.0)
            } else {
                format!("{} factures {}", crate::model::format_count(n), what.1)
            });
        }
    }

    fn note_tick_change(&mut self, what: String) {
        self.tick_generation += 1;
        self.last_tick_change = what;
    }

    /// Ticks or unticks one invoice; an invoice that cannot leave is never ticked.
    pub fn toggle_tick(&mut self, index: usize) {
        let number = self.report.checks[index].invoice.number.clone();
        if self.ticked.remove(&index) {
            self.note_tick_change(format!("{number} décochée"));
        } else if self.can_tick(index) {
            self.ticked.insert(index);
            self.note_tick_change(format!("{number} cochée"));
        }
    }

    /// What « Dépôt » would send: the ticked invoices, sorted by number, and how many of
    /// them the search hides from the list.
    pub fn selection(&self) -> Selection {
        let shown: std::collections::HashSet<usize> = self.conformant.iter().copied().collect();
        let mut numbers: Vec<String> = self
            .ticked
            .iter()
            .filter(|&&i| self.can_tick(i))
            .map(|&i| self.report.checks[i].invoice.number.clone())
            .collect();
        numbers.sort();
        let hidden_by_search = self
            .ticked
            .iter()
            .filter(|&&i| self.can_tick(i) && !shown.contains(&i))
            .count();
        Selection {
            numbers,
            hidden_by_search,
        }
    }

    /// The row of the anomalies table where an invoice starts (to scroll to it).
    pub fn anomaly_row_of(&self, index: usize) -> Option<usize> {
        self.anomaly_rows
            .iter()
            .position(|r| *r == AnomalyRow::Invoice(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Anomaly, AnomalyCode, BillingData, DirectoryFlags, PdfState, Resolved};
    use crate::model::{Invoice, InvoiceKind};
    use crate::store::deposit_marks::DepositMark;
    use crate::store::deposits::JournalState;
    use rust_decimal::Decimal;

    fn check(number: &str, client: &str, anomalous: bool) -> InvoiceCheck {
        let empty = Resolved {
            value: String::new(),
            source: crate::checks::Source::None,
        };
        InvoiceCheck {
            invoice: Invoice {
                number: number.into(),
                company_code: "SIEGE".into(),
                client_code: "C1".into(),
                kind: InvoiceKind::Invoice,
                invoice_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                due_date: None,
                currency: "EUR".into(),
                total_excl_tax: Decimal::new(10_000, 2),
                total_tax: Decimal::new(2_000, 2),
                total_incl_tax: Decimal::new(12_000, 2),
                service_code: String::new(),
                engagement_number: String::new(),
                market_number: String::new(),
                origin_reference: String::new(),
                pdf_path: String::new(),
                original_invoice_number: String::new(),
                payment_means: String::new(),
                billing_frame: String::new(),
            },
            client_name: client.into(),
            client_siret: String::new(),
            billing: BillingData {
                service_code: empty.clone(),
                engagement_number: empty.clone(),
                market_number: empty,
            },
            flags: DirectoryFlags::default(),
            pdf: PdfState::Readable { pages: 1 },
            anomalies: if anomalous {
                vec![Anomaly::new(
                    AnomalyCode::PdfIllisible,
                    "Le fichier est illisible",
                )]
            } else {
                Vec::new()
            },
            overridden: Vec::new(),
            fingerprint: 0,
        }
    }

    fn report(checks: Vec<InvoiceCheck>, deposited: &[&str]) -> Arc<CheckReport> {
        Arc::new(CheckReport {
            checks,
            companies: Vec::new(),
            directory: None,
            environment: Default::default(),
            deposited: deposited
                .iter()
                .map(|n| {
                    (
                        n.to_string(),
                        DepositMark {
                            state: JournalState::Deposited,
                            flux_number: "FL0001".into(),
                            at: "2026-12-01T10:00:00+01:00".into(),
                            chorus_status: String::new(),
                            already_on_chorus: false,
                        },
                    )
                })
                .collect(),
            format: crate::einvoice::Format::FacturX,
            verdicts: Default::default(),
            freshness: None,
            elapsed: std::time::Duration::ZERO,
        })
    }

    fn three() -> Vec<InvoiceCheck> {
        vec![
            check("F1", "Ville de Lyon", false),
            check("F2", "Ville de Paris", true),
            check("F3", "Région Bretagne", false),
        ]
    }

    #[test]
    fn an_anomaly_or_a_deposited_invoice_takes_no_tick() {
        let mut m = ControlModel::new(report(three(), &["F3"]));
        m.toggle_tick(1);
        assert!(
            m.ticked.is_empty(),
            "an invoice in anomaly cannot be ticked"
        );
        m.set_show_deposited(true);
        m.toggle_tick(2);
        assert!(m.ticked.is_empty(), "a deposited invoice cannot be ticked");
        m.toggle_all_conformant();
        assert_eq!(m.selection().numbers, ["F1"]);
    }

    #[test]
    fn a_new_report_unticks_what_was_deposited_and_says_so() {
        let mut m = ControlModel::new(report(three(), &[]));
        m.toggle_all_conformant();
        assert_eq!(m.selection().numbers, ["F1", "F3"]);
        let generation = m.tick_generation;
        m.replace_report(report(three(), &["F1"]));
        assert_eq!(m.selection().numbers, ["F3"]);
        assert!(m.tick_generation > generation);
        assert!(
            m.last_tick_change.contains("1 facture décochée"),
            "{}",
            m.last_tick_change
        );
        // The same report again changes nothing.
        let generation = m.tick_generation;
        m.replace_report(report(three(), &["F1"]));
        assert_eq!(m.tick_generation, generation);
    }

    #[test]
    fn ticked_rows_hidden_by_the_search_are_counted() {
        let mut m = ControlModel::new(report(three(), &[]));
        m.toggle_all_conformant();
        m.set_search("lyon");
        let s = m.selection();
        assert_eq!(s.numbers, ["F1", "F3"]);
        assert_eq!(s.hidden_by_search, 1);
    }

    #[test]
    fn the_search_ignores_accents_and_sorting_by_client_is_french() {
        let mut m = ControlModel::new(report(
            vec![
                check("F1", "Montpellier Métropole", false),
                check("F2", "Département de la Drôme", false),
                check("F3", "Mérignac", false),
                check("F4", "Marseille", false),
            ],
            &[],
        ));
        m.set_search("drome departement");
        assert_eq!(m.conformant, [1]);
        m.set_search("DRÔME");
        assert_eq!(m.conformant, [1]);
        m.set_search("");
        m.sort_conformant(Column::Client);
        let names: Vec<&str> = m
            .conformant
            .iter()
            .map(|&i| m.check(i).client_name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Département de la Drôme",
                "Marseille",
                "Mérignac",
                "Montpellier Métropole"
            ]
        );
    }

    #[test]
    fn every_tick_change_is_named() {
        let mut m = ControlModel::new(report(three(), &[]));
        m.toggle_tick(0);
        assert_eq!(m.last_tick_change, "F1 cochée");
        m.toggle_tick(0);
        assert_eq!(m.last_tick_change, "F1 décochée");
        assert_eq!(m.tick_generation, 2);
    }
}
