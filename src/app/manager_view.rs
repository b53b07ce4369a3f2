//! The « Gestionnaire Chorus Pro » tree as the window shows it: the search form, the tree
//! of the invoices that pass it, which nodes are open, the rows on screen (a flat list, so
//! the window draws only the visible ones even with 100,000 invoices), the extra columns
//! chosen, and the export of the current view.

use super::table_export::{Cell, Table};
use crate::model::french_text::{self, TextQuery};
use crate::model::{InvoiceKind, parse_date};
use crate::tracking::payments::PaymentRow;
use crate::tracking::tree::{DateField, Stage, TrackedInvoice, Tree, TreeFilter, build_tree};
use std::collections::{HashMap, HashSet};

/// Columns the user may add to the invoice rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtraColumn {
    Kind,
    ChorusNumber,
    FluxNumber,
    DepositDate,
    DueDate,
    DaysLate,
    Outstanding,
    Lifecycle,
    ErpPaymentUnconfirmed,
}

impl ExtraColumn {
    pub const ALL: [ExtraColumn; 9] = [
        ExtraColumn::Kind,
        ExtraColumn::ChorusNumber,
        ExtraColumn::FluxNumber,
        ExtraColumn::DepositDate,
        ExtraColumn::DueDate,
        ExtraColumn::DaysLate,
        ExtraColumn::Outstanding,
        ExtraColumn::Lifecycle,
        ExtraColumn::ErpPaymentUnconfirmed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ExtraColumn::Kind => "Type",
            ExtraColumn::ChorusNumber => "N° Chorus",
            ExtraColumn::FluxNumber => "N° de flux",
            ExtraColumn::DepositDate => "Date de dépôt",
            ExtraColumn::DueDate => "Échéance",
            ExtraColumn::DaysLate => "Retard (jours)",
            ExtraColumn::Outstanding => "Reste dû",
            ExtraColumn::Lifecycle => "Cycle de vie 2026",
            ExtraColumn::ErpPaymentUnconfirmed => "Paiement ERP non confirmé",
        }
    }

    /// Shown until the user chooses otherwise.
    pub fn default_set() -> Vec<ExtraColumn> {
        vec![
            ExtraColumn::ChorusNumber,
            ExtraColumn::DepositDate,
            ExtraColumn::DueDate,
            ExtraColumn::Outstanding,
            ExtraColumn::Lifecycle,
        ]
    }
}

/// What the tree shows of the invoices besides the ERP: payments and flux numbers.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFacts {
    pub payments: HashMap<String, PaymentRow>,
    pub flux_numbers: HashMap<String, String>,
}

impl InvoiceFacts {
    pub fn cell(&self, invoice: &TrackedInvoice, column: ExtraColumn) -> Cell {
        let payment = self.payments.get(&invoice.number);
        match column {
            ExtraColumn::Kind => Cell::Text(invoice.kind.label().to_string()),
            ExtraColumn::ChorusNumber => Cell::Integer(payment.and_then(|p| p.cpp_id)),
            ExtraColumn::FluxNumber => Cell::Text(
                self.flux_numbers
                    .get(&invoice.number)
                    .cloned()
                    .unwrap_or_default(),
            ),
            ExtraColumn::DepositDate => Cell::Date(invoice.deposit_date),
            ExtraColumn::DueDate => Cell::Date(payment.and_then(|p| p.due_date)),
            ExtraColumn::DaysLate => Cell::Integer(payment.map(|p| p.days_late).filter(|d| *d > 0)),
            ExtraColumn::Outstanding => match payment {
                Some(p) if !p.is_credit_note() => Cell::Money(p.outstanding),
                _ => Cell::Text(String::new()),
            },
            ExtraColumn::Lifecycle => {
                Cell::Text(payment.map(|p| p.lifecycle_text()).unwrap_or_default())
            }
            ExtraColumn::ErpPaymentUnconfirmed => Cell::Text(
                payment
                    .filter(|p| p.erp_payment_unconfirmed)
                    .map(|p| {
                        format!(
                            "⚠ {} réglé dans l'ERP",
                            crate::model::format_money(p.paid_amount, "EUR")
                        )
                    })
                    .unwrap_or_default(),
            ),
        }
    }
}

/// The search form as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilterForm {
    pub kind: Option<InvoiceKind>,
    pub date_field: Option<DateField>,
    /// `JJ/MM/AAAA`, empty for no bound.
    pub from: String,
    pub to: String,
    pub company_code: Option<String>,
    pub client_code: Option<String>,
    pub number: String,
    /// Only the invoices whose ERP payment Chorus Pro does not confirm.
    pub erp_payment_unconfirmed_only: bool,
}

impl FilterForm {
    /// The filter, or the French reason a date cannot be read.
    pub fn to_filter(&self) -> Result<TreeFilter, String> {
        let date = |text: &str, what: &str| -> Result<_, String> {
            let t = text.trim();
            if t.is_empty() {
                return Ok(None);
            }
            parse_date(t)
                .map(Some)
                .map_err(|_| format!("{what} : date « {t} » illisible (JJ/MM/AAAA)"))
        };
        let period = match self.date_field {
            None => None,
            Some(field) => Some((field, date(&self.from, "Du")?, date(&self.to, "Au")?)),
        };
        Ok(TreeFilter {
            kind: self.kind,
            period,
            company_code: self.company_code.clone(),
            client_code: self.client_code.clone(),
            text: TextQuery::new(&self.number),
            erp_payment_unconfirmed_only: self.erp_payment_unconfirmed_only,
        })
    }
}

/// A node of the tree, named by what it groups (stable across rebuilds).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeKey {
    Company(String),
    Stage(String, Stage),
    Client(String, Stage, String),
}

/// One line on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisibleRow {
    Company(usize),
    Stage(usize, usize),
    Client(usize, usize, usize),
    /// Index into the invoices.
    Invoice(usize),
}

pub struct TreeView {
    pub form: FilterForm,
    /// The form as last applied, and why it could not be.
    applied: Option<FilterForm>,
    pub filter_error: Option<String>,
    pub tree: Tree,
    /// Nodes whose state differs from the default (companies open, the rest closed).
    toggled: HashSet<NodeKey>,
    pub rows: Vec<VisibleRow>,
    pub columns: Vec<ExtraColumn>,
    /// The invoice shown in the detail panel (by number).
    pub selected: Option<String>,
    /// The selection moved (keyboard, a « dernière consultation » line): the tree scrolls
    /// to it once.
    pub scroll_to_selected: bool,
    /// The invoices the tree was built from, by generation.
    data_generation: Option<u64>,
    /// (code, name) of the establishments and clients in the data, for the search's lists
    /// (read once per data, not per frame).
    pub companies: Vec<(String, String)>,
    pub clients: Vec<(String, String)>,
}

impl Default for TreeView {
    fn default() -> TreeView {
        TreeView {
            form: FilterForm::default(),
            applied: None,
            filter_error: None,
            tree: Tree::default(),
            toggled: HashSet::new(),
            rows: Vec::new(),
            columns: ExtraColumn::default_set(),
            selected: None,
            scroll_to_selected: false,
            data_generation: None,
            companies: Vec::new(),
            clients: Vec::new(),
        }
    }
}

impl TreeView {
    /// Rebuilds the tree when the data or the search changed. Cheap when nothing did.
    pub fn refresh(&mut self, invoices: &[TrackedInvoice], generation: u64) {
        if self.data_generation == Some(generation) && self.applied.as_ref() == Some(&self.form) {
            return;
        }
        if self.data_generation != Some(generation) {
            self.companies = distinct(
                invoices
                    .iter()
                    .map(|i| (i.company_code.as_str(), i.company_name.as_str())),
            );
            self.clients = distinct(
                invoices
                    .iter()
                    .map(|i| (i.client_code.as_str(), i.client_name.as_str())),
            );
        }
        match self.form.to_filter() {
            Ok(filter) => {
                self.filter_error = None;
                self.tree = build_tree(invoices, &filter);
            }
            // The tree stays as it was while a date is being typed.
            Err(e) => self.filter_error = Some(e),
        }
        self.applied = Some(self.form.clone());
        self.data_generation = Some(generation);
        self.rows = self.visible_rows();
    }

    /// The arrow keys: the next (or previous) invoice line on screen becomes the selected
    /// one. Returns true when there is one.
    pub fn move_selection(&mut self, delta: isize, invoices: &[TrackedInvoice]) -> bool {
        let numbers: Vec<&str> = self
            .rows
            .iter()
            .filter_map(|r| match r {
                VisibleRow::Invoice(i) => invoices.get(*i).map(|inv| inv.number.as_str()),
                _ => None,
            })
            .collect();
        self.selected =
            super::row_cursor::step(&numbers, self.selected.as_deref(), delta).map(String::from);
        self.scroll_to_selected = self.selected.is_some();
        self.selected.is_some()
    }

    /// The line of the selected invoice, once, after the keyboard moved it.
    pub fn take_scroll_target(&mut self, invoices: &[TrackedInvoice]) -> Option<usize> {
        if !std::mem::take(&mut self.scroll_to_selected) {
            return None;
        }
        let selected = self.selected.as_deref()?;
        self.rows.iter().position(
            |r| matches!(r, VisibleRow::Invoice(i) if invoices.get(*i).is_some_and(|inv| inv.number == selected)),
        )
    }

    /// A search by number opens every node, so the invoices found are in sight.
    fn searching(&self) -> bool {
        !self.form.number.trim().is_empty()
    }

    pub fn is_open(&self, key: &NodeKey) -> bool {
        let default = matches!(key, NodeKey::Company(_)) || self.searching();
        default != self.toggled.contains(key)
    }

    pub fn toggle(&mut self, key: NodeKey) {
        if !self.toggled.remove(&key) {
            self.toggled.insert(key);
        }
        self.rows = self.visible_rows();
    }

    /// Opens the nodes down to invoice `number`, selects it and asks the table to scroll to
    /// it (a click on a line of « Depuis votre dernière consultation »). False when the
    /// current search leaves it out of the tree.
    pub fn reveal(&mut self, invoices: &[TrackedInvoice], number: &str) -> bool {
        let Some(index) = invoices.iter().position(|i| i.number == number) else {
            return false;
        };
        let mut path = None;
        for (ci, company) in self.tree.companies.iter().enumerate() {
            for (si, stage) in company.stages.iter().enumerate() {
                for (cli, client) in stage.clients.iter().enumerate() {
                    if client.invoices.contains(&index) {
                        path = Some([
                            VisibleRow::Company(ci),
                            VisibleRow::Stage(ci, si),
                            VisibleRow::Client(ci, si, cli),
                        ]);
                    }
                }
            }
        }
        let Some(path) = path else {
            return false;
        };
        for row in path {
            let key = self.key(row);
            if !self.is_open(&key) && !self.toggled.remove(&key) {
                self.toggled.insert(key);
            }
        }
        self.selected = Some(number.to_string());
        self.scroll_to_selected = true;
        self.rows = self.visible_rows();
        true
    }

    /// Opens every node down to the invoices (or closes all but the companies).
    pub fn open_all(&mut self, open: bool) {
        self.toggled.clear();
        if open != self.searching() {
            for (ci, company) in self.tree.companies.iter().enumerate() {
                for (si, stage) in company.stages.iter().enumerate() {
                    self.toggled.insert(self.key(VisibleRow::Stage(ci, si)));
                    for cli in 0..stage.clients.len() {
                        self.toggled
                            .insert(self.key(VisibleRow::Client(ci, si, cli)));
                    }
                }
            }
        }
        self.rows = self.visible_rows();
    }

    pub fn key(&self, row: VisibleRow) -> NodeKey {
        match row {
            VisibleRow::Company(ci) => NodeKey::Company(self.tree.companies[ci].code.clone()),
            VisibleRow::Stage(ci, si) => {
                let c = &self.tree.companies[ci];
                NodeKey::Stage(c.code.clone(), c.stages[si].stage.clone())
            }
            VisibleRow::Client(ci, si, cli) => {
                let c = &self.tree.companies[ci];
                let s = &c.stages[si];
                NodeKey::Client(c.code.clone(), s.stage.clone(), s.clients[cli].code.clone())
            }
            VisibleRow::Invoice(_) => NodeKey::Company(String::new()),
        }
    }

    fn visible_rows(&self) -> Vec<VisibleRow> {
        let mut rows = Vec::new();
        for (ci, company) in self.tree.companies.iter().enumerate() {
            rows.push(VisibleRow::Company(ci));
            if !self.is_open(&self.key(VisibleRow::Company(ci))) {
                continue;
            }
            for (si, stage) in company.stages.iter().enumerate() {
                rows.push(VisibleRow::Stage(ci, si));
                if !self.is_open(&self.key(VisibleRow::Stage(ci, si))) {
                    continue;
                }
                for (cli, client) in stage.clients.iter().enumerate() {
                    rows.push(VisibleRow::Client(ci, si, cli));
                    if self.is_open(&self.key(VisibleRow::Client(ci, si, cli))) {
                        rows.extend(client.invoices.iter().map(|&i| VisibleRow::Invoice(i)));
                    }
                }
            }
        }
        rows
    }

    /// Every invoice of the current view (open or not), in the tree's order, with the
    /// columns shown: what « Exporter » writes.
    pub fn export_table(&self, invoices: &[TrackedInvoice], facts: &InvoiceFacts) -> Table {
        let mut headers: Vec<String> = [
            "Société",
            "Statut",
            "Client",
            "N° facture",
            "Date de facture",
            "Montant TTC",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        headers.extend(self.columns.iter().map(|c| c.label().to_string()));
        let mut rows = Vec::with_capacity(self.tree.totals.count);
        for company in &self.tree.companies {
            for stage in &company.stages {
                for client in &stage.clients {
                    for &i in &client.invoices {
                        let inv = &invoices[i];
                        let mut row = vec![
                            Cell::Text(company.name.clone()),
                            Cell::Text(stage.stage.label().to_string()),
                            Cell::Text(client.name.clone()),
                            Cell::Text(inv.number.clone()),
                            Cell::Date(Some(inv.invoice_date)),
                            Cell::Money(inv.amount_incl_tax),
                        ];
                        row.extend(self.columns.iter().map(|&c| facts.cell(inv, c)));
                        rows.push(row);
                    }
                }
            }
        }
        Table { headers, rows }
    }
}

/// Distinct (code, name) pairs, by name.
fn distinct<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<(String, String)> {
    let mut by_code: std::collections::BTreeMap<&str, &str> = std::collections::BTreeMap::new();
    for (code, name) in pairs {
        by_code.entry(code).or_insert(name);
    }
    let mut list: Vec<(String, String)> = by_code
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    list.sort_by_cached_key(|(code, name)| (french_text::collation_key(name), code.clone()));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::status::InvoiceStatus;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn invoice(n: u32, client: &str, stage: Stage) -> TrackedInvoice {
        TrackedInvoice {
            number: format!("F{n:04}"),
            company_code: "S".into(),
            company_name: "Société S".into(),
            client_code: client.into(),
            client_name: format!("Client {client}"),
            kind: InvoiceKind::Invoice,
            invoice_date: NaiveDate::from_ymd_opt(2026, 10, n).unwrap(),
            deposit_date: NaiveDate::from_ymd_opt(2026, 11, n),
            amount_incl_tax: Decimal::new(100 * n as i64, 0),
            stage,
            outstanding: Decimal::ZERO,
            erp_payment_unconfirmed: false,
        }
    }

    fn data() -> Vec<TrackedInvoice> {
        let paid = Stage::Chorus(InvoiceStatus::PaymentIssued);
        vec![
            invoice(1, "A", paid.clone()),
            invoice(2, "B", paid.clone()),
            invoice(3, "A", Stage::ToDeposit),
            invoice(4, "A", paid),
        ]
    }

    #[test]
    fn companies_open_the_rest_closed_until_clicked() {
        let invoices = data();
        let mut view = TreeView::default();
        view.refresh(&invoices, 1);
        assert_eq!(
            view.rows,
            [
                VisibleRow::Company(0),
                VisibleRow::Stage(0, 0),
                VisibleRow::Stage(0, 1)
            ]
        );
        view.toggle(view.key(VisibleRow::Stage(0, 1)));
        assert_eq!(view.rows.len(), 5, "two clients under « Mise en paiement »");
        view.toggle(view.key(VisibleRow::Client(0, 1, 0)));
        let numbers: Vec<&str> = view
            .rows
            .iter()
            .filter_map(|r| match r {
                VisibleRow::Invoice(i) => Some(invoices[*i].number.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(numbers, ["F0001", "F0004"]);
        // Rebuilt from new data, the open nodes stay open.
        view.refresh(&invoices, 2);
        assert_eq!(view.rows.len(), 7);
        view.open_all(false);
        assert_eq!(view.rows.len(), 3);
        view.open_all(true);
        assert_eq!(view.rows.len(), 3 + 3 + 4);
    }

    #[test]
    fn a_search_by_number_opens_the_way_to_what_it_finds() {
        let invoices = data();
        let mut view = TreeView::default();
        view.form.number = "F0004".into();
        view.refresh(&invoices, 1);
        assert_eq!(
            view.rows,
            [
                VisibleRow::Company(0),
                VisibleRow::Stage(0, 0),
                VisibleRow::Client(0, 0, 0),
                VisibleRow::Invoice(3)
            ]
        );
    }

    #[test]
    fn a_period_that_cannot_be_read_says_why_and_keeps_the_tree() {
        let invoices = data();
        let mut view = TreeView::default();
        view.refresh(&invoices, 1);
        view.form.date_field = Some(DateField::Deposit);
        view.form.from = "02/11/2026".into();
        view.form.to = "31/02".into();
        view.refresh(&invoices, 1);
        assert_eq!(
            view.filter_error.as_deref(),
            Some("Au : date « 31/02 » illisible (JJ/MM/AAAA)")
        );
        assert_eq!(view.tree.totals.count, 4);
        view.form.to = "03/11/2026".into();
        view.refresh(&invoices, 1);
        assert_eq!(view.filter_error, None);
        assert_eq!(view.tree.totals.count, 2);
    }

    #[test]
    fn the_export_has_every_invoice_of_the_view_with_the_chosen_columns() {
        let invoices = data();
        let mut view = TreeView {
            columns: vec![ExtraColumn::DepositDate, ExtraColumn::Kind],
            ..TreeView::default()
        };
        view.form.client_code = Some("A".into());
        view.refresh(&invoices, 1);
        let table = view.export_table(&invoices, &InvoiceFacts::default());
        assert_eq!(
            table.headers,
            [
                "Société",
                "Statut",
                "Client",
                "N° facture",
                "Date de facture",
                "Montant TTC",
                "Date de dépôt",
                "Type"
            ]
        );
        let numbers: Vec<String> = table.rows.iter().map(|r| r[3].display()).collect();
        assert_eq!(numbers, ["F0003", "F0001", "F0004"], "in the tree's order");
        assert_eq!(table.rows[0][1].display(), "À déposer");
        assert_eq!(table.rows[1][6].display(), "01/11/2026");
        assert_eq!(table.rows[1][7].display(), "Facture");
    }
}
