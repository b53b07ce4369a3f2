//! The status tree: the search form, the tree drawn row by row (only the rows on screen),
//! the extra columns, the export, and the selected invoice in a side panel.

use super::{ManagerTab, detail, returned_dialogs, style};
use crate::app::manager_data::ManagerData;
use crate::app::manager_view::{ExtraColumn, VisibleRow};
use crate::app::session::{ExportFormat, Session};
use crate::model::InvoiceKind;
use crate::tracking::tree::{DateField, Totals, node_caption};
use egui::RichText;
use egui_extras::{Column, TableBuilder};

const ROW_HEIGHT: f32 = 22.0;
const INDENT: f32 = 18.0;

/// The selected invoice, in a panel on the right of the window (called before the
/// central panel, so the tree makes room for it).
pub fn detail_panel(ui: &mut egui::Ui, tab: &mut ManagerTab, session: &mut Session) {
    let (Some(number), Some(data)) = (tab.tree.selected.clone(), session.manager.clone()) else {
        return;
    };
    if tab.timeline_for.as_deref() != Some(number.as_str()) {
        session.load_timeline(number.clone());
        tab.timeline_for = Some(number.clone());
    }
    let action = egui::Panel::right("manager_detail")
        .resizable(true)
        .default_size(420.0)
        .size_range(320.0..=720.0)
        .show(ui, |ui| detail::show(ui, &number, &data, session))
        .inner;
    match action {
        Some(detail::DetailAction::Close) => {
            tab.tree.selected = None;
            tab.timeline_for = None;
        }
        Some(detail::DetailAction::Recycle) => {
            let credit_note = is_credit_note(&data, &number);
            tab.dialog = Some(returned_dialogs::Dialog::recycle(
                number,
                credit_note,
                session,
            ));
        }
        Some(detail::DetailAction::Complete) => {
            let credit_note = is_credit_note(&data, &number);
            tab.dialog = Some(returned_dialogs::Dialog::complete(
                number,
                credit_note,
                session,
            ));
        }
        None => {}
    }
}

fn is_credit_note(data: &ManagerData, number: &str) -> bool {
    data.invoice(number)
        .is_some_and(|i| i.kind == crate::model::InvoiceKind::CreditNote)
}

pub fn show(ui: &mut egui::Ui, tab: &mut ManagerTab, data: &ManagerData, session: &mut Session) {
    tab.tree.refresh(&data.invoices, session.manager_generation);
    search_form(ui, tab, data, session);
    if let Some(error) = &tab.tree.filter_error {
        ui.label(RichText::new(error).color(style::ERROR_RED));
    }
    ui.separator();
    tree_table(ui, tab, data);
}

fn search_form(ui: &mut egui::Ui, tab: &mut ManagerTab, data: &ManagerData, session: &mut Session) {
    let form = &mut tab.tree.form;
    ui.horizontal_wrapped(|ui| {
        ui.label("Type");
        egui::ComboBox::from_id_salt("manager_kind")
            .selected_text(match form.kind {
                None => "Tous",
                Some(InvoiceKind::Invoice) => "Factures",
                Some(InvoiceKind::CreditNote) => "Avoirs",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.kind, None, "Tous");
                ui.selectable_value(&mut form.kind, Some(InvoiceKind::Invoice), "Factures");
                ui.selectable_value(&mut form.kind, Some(InvoiceKind::CreditNote), "Avoirs");
            });
        ui.separator();
        ui.label("Période");
        egui::ComboBox::from_id_salt("manager_period")
            .selected_text(match form.date_field {
                None => "toutes dates",
                Some(DateField::Invoice) => "date de facture",
                Some(DateField::Deposit) => "date de dépôt",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.date_field, None, "toutes dates");
                ui.selectable_value(
                    &mut form.date_field,
                    Some(DateField::Invoice),
                    "date de facture",
                );
                ui.selectable_value(
                    &mut form.date_field,
                    Some(DateField::Deposit),
                    "date de dépôt",
                );
            });
        if form.date_field.is_some() {
            ui.label("du");
            ui.add(
                egui::TextEdit::singleline(&mut form.from)
                    .desired_width(84.0)
                    .hint_text("JJ/MM/AAAA"),
            );
            ui.label("au");
            ui.add(
                egui::TextEdit::singleline(&mut form.to)
                    .desired_width(84.0)
                    .hint_text("JJ/MM/AAAA"),
            );
        }
        ui.separator();
        ui.label("Établissement");
        choice(
            ui,
            "manager_company",
            &mut form.company_code,
            &tab.tree.companies,
        );
        ui.label("Client");
        choice(
            ui,
            "manager_client",
            &mut form.client_code,
            &tab.tree.clients,
        );
        ui.label("Rechercher");
        ui.add(
            egui::TextEdit::singleline(&mut form.number)
                .id(egui::Id::unique(crate::ui::keyboard::MANAGER_SEARCH_ID))
                .desired_width(140.0)
                .hint_text("n° ou client…"),
        );
        ui.separator();
        ui.checkbox(
            &mut form.erp_payment_unconfirmed_only,
            "Paiement ERP non confirmé par Chorus Pro",
        )
        .on_hover_text(
            "Seulement les factures réglées selon l'ERP alors que Chorus Pro n'en montre aucune mise en paiement",
        );
    });
    ui.horizontal_wrapped(|ui| {
        if ui.button("Tout ouvrir").clicked() {
            tab.tree.open_all(true);
        }
        if ui.button("Tout fermer").clicked() {
            tab.tree.open_all(false);
        }
        ui.menu_button("Colonnes…", |ui| {
            for column in ExtraColumn::ALL {
                let mut on = tab.tree.columns.contains(&column);
                if ui.checkbox(&mut on, column.label()).changed() {
                    if on {
                        tab.tree.columns.push(column);
                        // Kept in the order of the menu.
                        tab.tree
                            .columns
                            .sort_by_key(|c| ExtraColumn::ALL.iter().position(|a| a == c));
                    } else {
                        tab.tree.columns.retain(|c| *c != column);
                    }
                }
            }
        });
        ui.separator();
        let empty = tab.tree.tree.totals.count == 0;
        for (format, label) in [
            (ExportFormat::Csv, "Exporter en CSV"),
            (ExportFormat::Xlsx, "Exporter en Excel"),
        ] {
            if ui
                .add_enabled(!empty, egui::Button::new(label))
                .on_hover_text("Toutes les factures de la vue, avec les colonnes affichées")
                .clicked()
            {
                let table = tab.tree.export_table(&data.invoices, &data.facts);
                session.export_table(table, format, "gestionnaire");
            }
        }
        if let Some(path) = session.last_export.clone()
            && ui.link("Ouvrir le dernier fichier").clicked()
        {
            session.open_with_system(path.display().to_string());
        }
        ui.separator();
        ui.label(RichText::new(node_caption("Vue", &tab.tree.tree.totals)).color(style::MUTED));
    });
}

fn choice(ui: &mut egui::Ui, id: &str, value: &mut Option<String>, options: &[(String, String)]) {
    let selected = value
        .as_ref()
        .and_then(|v| options.iter().find(|(c, _)| c == v))
        .map(|(_, n)| n.clone())
        .unwrap_or_else(|| "Tous".into());
    egui::ComboBox::from_id_salt(id)
        .width(180.0)
        .selected_text(selected)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "Tous");
            for (code, name) in options {
                ui.selectable_value(value, Some(code.clone()), name);
            }
        });
}

fn tree_table(ui: &mut egui::Ui, tab: &mut ManagerTab, data: &ManagerData) {
    if tab.tree.rows.is_empty() {
        ui.label(RichText::new("Aucune facture ne répond à la recherche.").color(style::MUTED));
        return;
    }
    let columns = tab.tree.columns.clone();
    let scroll_to = tab.tree.take_scroll_target(&data.invoices);
    let mut toggle = None;
    let mut select = None;
    // With many columns on a narrow window, the table scrolls sideways.
    let width: f32 = 380.0
        + 90.0
        + 110.0
        + 150.0
        + columns.iter().map(|c| column_width(*c)).sum::<f32>()
        + 8.0 * (columns.len() + 5) as f32;
    egui::ScrollArea::horizontal()
        .id_salt("manager_tree_scroll")
        .show(ui, |ui| {
            ui.set_min_width(width);
            table_body(ui, tab, data, &columns, scroll_to, &mut toggle, &mut select);
        });
    if let Some(key) = toggle {
        tab.tree.toggle(key);
    }
    if let Some(number) = select {
        tab.tree.selected = Some(number);
    }
}

fn table_body(
    ui: &mut egui::Ui,
    tab: &ManagerTab,
    data: &ManagerData,
    columns: &[ExtraColumn],
    scroll_to: Option<usize>,
    toggle: &mut Option<crate::app::manager_view::NodeKey>,
    select: &mut Option<String>,
) {
    let mut table = TableBuilder::new(ui);
    if let Some(row) = scroll_to {
        table = table.scroll_to_row(row, None);
    }
    let mut table = table
        .id_salt("manager_tree")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(380.0).at_least(220.0).clip(true))
        .column(Column::initial(90.0))
        .column(Column::initial(110.0))
        .column(Column::initial(150.0).clip(true));
    for column in columns {
        table = table.column(Column::initial(column_width(*column)).clip(true));
    }
    table
        .column(Column::remainder())
        .header(ROW_HEIGHT, |mut header| {
            for title in ["Arborescence", "Date", "Montant TTC", "Statut"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
            for column in columns {
                header.col(|ui| {
                    ui.strong(column.label());
                });
            }
            header.col(|_| {});
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, tab.tree.rows.len(), |mut row| {
                let visible = tab.tree.rows[row.index()];
                match visible {
                    VisibleRow::Invoice(i) => {
                        let invoice = &data.invoices[i];
                        let selected = tab.tree.selected.as_deref() == Some(&invoice.number);
                        row.set_selected(selected);
                        row.col(|ui| {
                            ui.add_space(3.0 * INDENT + 14.0);
                            let text = format!("{} {}", invoice.kind.label(), invoice.number);
                            if ui.selectable_label(selected, text).clicked() {
                                *select = Some(invoice.number.clone());
                            }
                        });
                        row.col(|ui| {
                            ui.label(crate::model::format_date(invoice.invoice_date));
                        });
                        row.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.label(crate::model::format_money(
                                        invoice.amount_incl_tax,
                                        "EUR",
                                    ));
                                },
                            );
                        });
                        row.col(|ui| {
                            ui.label(invoice.stage.label());
                        });
                        for column in columns {
                            row.col(|ui| {
                                ui.label(data.facts.cell(invoice, *column).display());
                            });
                        }
                        row.col(|_| {});
                    }
                    node => {
                        let key = tab.tree.key(node);
                        let open = tab.tree.is_open(&key);
                        let (depth, label, totals) = node_parts(tab, node);
                        row.col(|ui| {
                            ui.add_space(depth as f32 * INDENT);
                            let arrow = if open { "⏷" } else { "⏵" };
                            let text = RichText::new(format!(
                                "{arrow} {label} ({})",
                                crate::model::format_count(totals.count)
                            ));
                            let text = if depth == 0 { text.strong() } else { text };
                            if ui
                                .add(egui::Label::new(text).sense(egui::Sense::click()))
                                .on_hover_text(node_caption(&label, &totals))
                                .clicked()
                            {
                                *toggle = Some(key.clone());
                            }
                        });
                        row.col(|_| {});
                        row.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    let amount = crate::model::format_money(totals.amount, "EUR");
                                    let amount = RichText::new(amount);
                                    ui.label(if depth == 0 { amount.strong() } else { amount });
                                },
                            );
                        });
                        row.col(|_| {});
                        // A group adds up what is left to pay, under « Reste dû ».
                        for column in columns {
                            row.col(|ui| {
                                if *column == ExtraColumn::Outstanding {
                                    ui.label(crate::model::format_money(totals.outstanding, "EUR"));
                                }
                            });
                        }
                        row.col(|_| {});
                    }
                }
            });
        });
}

fn column_width(column: ExtraColumn) -> f32 {
    match column {
        ExtraColumn::Lifecycle => 170.0,
        ExtraColumn::FluxNumber => 130.0,
        _ => 100.0,
    }
}

/// The node's depth, label and totals.
fn node_parts(tab: &ManagerTab, node: VisibleRow) -> (usize, String, Totals) {
    let tree = &tab.tree.tree;
    match node {
        VisibleRow::Company(ci) => {
            let c = &tree.companies[ci];
            (0, c.name.clone(), c.totals.clone())
        }
        VisibleRow::Stage(ci, si) => {
            let s = &tree.companies[ci].stages[si];
            (1, s.stage.label().to_string(), s.totals.clone())
        }
        VisibleRow::Client(ci, si, cli) => {
            let c = &tree.companies[ci].stages[si].clients[cli];
            (2, c.name.clone(), c.totals.clone())
        }
        VisibleRow::Invoice(_) => (3, String::new(), Totals::default()),
    }
}
