//! What the control screen's two tables show: the report split into conformant invoices
//! and invoices with anomalies, filtered by the search box and sorted by a column.
//! Rebuilt only when the report, the search or a sort changes, never per frame.

use super::CheckReport;
use crate::checks::InvoiceCheck;
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

fn compare(column: Column, a: &InvoiceCheck, b: &InvoiceCheck) -> Ordering {
    let by_flag = |c: &InvoiceCheck| column.flag(c).flatten();
    let primary = match column {
        Column::Number => Ordering::Equal,
        Column::Client => a.client_name.cmp(&b.client_name),
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

/// A row of the anomalies table: an invoice, or one of its anomalies under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnomalyRow {
    Invoice(usize),
    Anomaly(usize, usize),
}

pub struct ControlModel {
    report: Arc<CheckReport>,
    /// Lower-case "number client siret" of each check, for the search box.
    haystacks: Vec<String>,
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
    /// Conformant invoices already deposited are listed too (hidden by default: the list
    /// is what is left to send).
    show_deposited: bool,
    /// Conformant invoices hidden because already deposited (with the current search).
    pub hidden_deposited: usize,
}

impl ControlModel {
    pub fn new(report: Arc<CheckReport>) -> ControlModel {
        let haystacks = report
            .checks
            .iter()
            .map(|c| {
                format!("{} {} {}", c.invoice.number, c.client_name, c.client_siret).to_lowercase()
            })
            .collect();
        let mut model = ControlModel {
            report,
            haystacks,
            search: String::new(),
            conformant_sort: Sort::default(),
            anomalous_sort: Sort::default(),
            conformant: Vec::new(),
            anomalous: Vec::new(),
            anomaly_rows: Vec::new(),
            ticked: BTreeSet::new(),
            focused: None,
            show_deposited: false,
            hidden_deposited: 0,
        };
        model.rebuild();
        model
    }

    /// A new report: keeps the search, the sorts, the ticks and the focus (by invoice number).
    pub fn replace_report(&mut self, report: Arc<CheckReport>) {
        let numbers = |m: &ControlModel, idx: &mut dyn Iterator<Item = usize>| -> Vec<String> {
            idx.map(|i| m.report.checks[i].invoice.number.clone())
                .collect()
        };
        let ticked = numbers(self, &mut self.ticked.iter().copied());
        let focused = numbers(self, &mut self.focused.into_iter());
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
            .collect();
        let focused_idx = focused
            .first()
            .and_then(|n| position.get(n.as_str()).copied());
        next.ticked = ticked_idx;
        next.focused = focused_idx;
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

    pub fn sort_conformant(&mut self, column: Column) {
        self.conformant_sort = self.conformant_sort.clicked(column);
        self.rebuild();
    }

    pub fn sort_anomalous(&mut self, column: Column) {
        self.anomalous_sort = self.anomalous_sort.clicked(column);
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let needle = self.search.trim().to_lowercase();
        let checks = &self.report.checks;
        let (mut conformant, mut anomalous): (Vec<usize>, Vec<usize>) = (0..checks.len())
            .filter(|&i| needle.is_empty() || self.haystacks[i].contains(&needle))
            .partition(|&i| checks[i].is_conformant());
        let deposited = &self.report.deposited;
        let before = conformant.len();
        if !self.show_deposited && !deposited.is_empty() {
            conformant.retain(|&i| !deposited.contains(&checks[i].invoice.number));
        }
        self.hidden_deposited = before - conformant.len();
        let sort_by = |rows: &mut Vec<usize>, sort: Sort| {
            rows.sort_by(|&a, &b| {
                let o = compare(sort.column, &checks[a], &checks[b]);
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

    /// "Sélectionner": ticks every conformant invoice shown, or unticks them if all are.
    pub fn toggle_all_conformant(&mut self) {
        let all = self.conformant.iter().all(|i| self.ticked.contains(i));
        if all {
            for i in &self.conformant {
                self.ticked.remove(i);
            }
        } else {
            self.ticked.extend(self.conformant.iter().copied());
        }
    }

    pub fn toggle_tick(&mut self, index: usize) {
        if !self.ticked.remove(&index) {
            self.ticked.insert(index);
        }
    }

    /// The row of the anomalies table where an invoice starts (to scroll to it).
    pub fn anomaly_row_of(&self, index: usize) -> Option<usize> {
        self.anomaly_rows
            .iter()
            .position(|r| *r == AnomalyRow::Invoice(index))
    }
}
