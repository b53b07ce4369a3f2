//! « Paiements »: what is owed and overdue, the follow-up of each client, and two charts
//! (amounts by status, payment delay by client). Figures come from the payment rows
//! (deposit date + legal delay, ERP payments, Chorus `MISE_EN_PAIEMENT`).

use super::bar_list::{self, BarRow};
use super::style;
use crate::app::manager_data::ManagerData;
use crate::app::session::{ExportFormat, Session};
use crate::app::table_export::{Cell, Table};
use crate::model::format_money;
use crate::tracking::payments::PaymentRow;
use egui::RichText;
use egui_extras::{Column, TableBuilder};
use rust_decimal::prelude::ToPrimitive;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaymentsView {
    #[default]
    Overdue,
    Outstanding,
    Clients,
    Charts,
}

#[derive(Default)]
pub struct PaymentsState {
    pub view: PaymentsView,
}

pub fn show(
    ui: &mut egui::Ui,
    state: &mut PaymentsState,
    data: &ManagerData,
    session: &mut Session,
) {
    let t = data.totals;
    ui.horizontal_wrapped(|ui| {
        let figure = |ui: &mut egui::Ui, label: &str, value: String, colour| {
            ui.label(RichText::new(label).color(style::MUTED));
            ui.label(RichText::new(value).strong().color(colour));
            ui.separator();
        };
        figure(
            ui,
            "Reste dû",
            format_money(t.outstanding, "EUR"),
            style::ACCENT,
        );
        figure(
            ui,
            "Dont échu",
            format!(
                "{} ({})",
                format_money(t.overdue, "EUR"),
                crate::app::status::counted(t.overdue_count, "facture", "factures")
            ),
            style::ERROR_RED,
        );
        figure(
            ui,
            "Intérêts et indemnités estimés",
            format_money(t.interest + t.indemnities, "EUR"),
            style::WARNING_AMBER,
        );
        if t.unconfirmed_count > 0 {
            figure(
                ui,
                crate::tracking::payments::ERP_PAYMENT_UNCONFIRMED,
                format!(
                    "{} ({} selon l'ERP)",
                    crate::app::status::counted(t.unconfirmed_count, "facture", "factures"),
                    format_money(t.unconfirmed_paid, "EUR")
                ),
                style::WARNING_AMBER,
            );
        }
        let s = &data.payment_settings;
        ui.label(
            RichText::new(format!(
                "Délais légaux : {} jours (État, collectivités), {} jours (santé), {} jours \
                 (entreprises publiques) ; taux {} %, indemnité {} — Paramétrage › Délais de paiement",
                s.payment_delay_days,
                s.health_delay_days,
                s.public_company_delay_days,
                s.interest_rate_percent.normalize().to_string().replace('.', ","),
                format_money(s.recovery_indemnity, "EUR")
            ))
            .color(style::MUTED),
        );
    });
    ui.horizontal(|ui| {
        for (view, label) in [
            (PaymentsView::Overdue, "Factures échues"),
            (PaymentsView::Outstanding, "En attente de paiement"),
            (PaymentsView::Clients, "État de suivi des clients"),
            (PaymentsView::Charts, "Graphiques"),
        ] {
            ui.selectable_value(&mut state.view, view, label);
        }
    });
    ui.separator();
    match state.view {
        PaymentsView::Overdue => {
            let rows: Vec<&PaymentRow> = data
                .overdue
                .iter()
                .map(|&i| &data.payment_rows[i])
                .collect();
            export_buttons(ui, session, || rows_table(&rows), "factures-echues");
            invoice_rows(ui, "overdue", &rows, session, true);
        }
        PaymentsView::Outstanding => {
            let rows: Vec<&PaymentRow> = data
                .outstanding
                .iter()
                .map(|&i| &data.payment_rows[i])
                .collect();
            export_buttons(ui, session, || rows_table(&rows), "factures-en-attente");
            invoice_rows(ui, "outstanding", &rows, session, false);
        }
        PaymentsView::Clients => clients(ui, data, session),
        PaymentsView::Charts => charts(ui, data),
    }
}

fn export_buttons(ui: &mut egui::Ui, session: &mut Session, table: impl Fn() -> Table, stem: &str) {
    ui.horizontal(|ui| {
        for (format, label) in [
            (ExportFormat::Csv, "Exporter en CSV"),
            (ExportFormat::Xlsx, "Exporter en Excel"),
        ] {
            if ui.button(label).clicked() {
                session.export_table(table(), format, stem);
            }
        }
        if let Some(path) = session.last_export.clone()
            && ui.link("Ouvrir le dernier fichier").clicked()
        {
            session.open_with_system(path.display().to_string());
        }
    });
}

const ROW_HEADERS: [&str; 13] = [
    "N° facture",
    "Client",
    "N° Chorus",
    "Dépôt",
    "Échéance",
    "Retard (jours)",
    "Montant TTC",
    "Reste dû",
    "Intérêts",
    "Indemnité",
    "Délai (jours)",
    "Échéance ERP",
    "Paiement ERP non confirmé",
];

fn cells(r: &PaymentRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.number.clone()),
        Cell::Text(r.client_name.clone()),
        Cell::Integer(r.cpp_id),
        Cell::Date(r.deposit_date),
        Cell::Date(r.due_date),
        Cell::Integer(Some(r.days_late).filter(|d| *d > 0)),
        Cell::Money(r.amount_incl_tax),
        Cell::Money(r.outstanding),
        Cell::Money(r.interest),
        Cell::Money(r.indemnity),
        Cell::Integer(Some(i64::from(r.delay_days))),
        Cell::Date(r.erp_due_date),
        Cell::Text(if r.erp_payment_unconfirmed {
            format!("⚠ {} selon l'ERP", format_money(r.paid_amount, "EUR"))
        } else {
            String::new()
        }),
    ]
}

fn rows_table(rows: &[&PaymentRow]) -> Table {
    Table {
        headers: ROW_HEADERS.iter().map(|h| h.to_string()).collect(),
        rows: rows.iter().map(|r| cells(r)).collect(),
    }
}

fn invoice_rows(
    ui: &mut egui::Ui,
    id: &str,
    rows: &[&PaymentRow],
    session: &mut Session,
    with_relance: bool,
) {
    if rows.is_empty() {
        ui.label(RichText::new("Aucune facture.").color(style::MUTED));
        return;
    }
    let mut relance = None;
    // With every column on a narrow window, the table scrolls sideways.
    egui::ScrollArea::horizontal()
        .id_salt((id, "scroll"))
        .show(ui, |ui| {
            ui.set_min_width(220.0 + 100.0 * (ROW_HEADERS.len() as f32 - 1.0) + 110.0);
            let mut table = TableBuilder::new(ui)
                .id_salt(id)
                .striped(true)
                .resizable(true)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
            for (i, _) in ROW_HEADERS.iter().enumerate() {
                table =
                    table.column(Column::initial(if i == 1 { 220.0 } else { 100.0 }).clip(true));
            }
            table
                .column(Column::remainder())
                .header(22.0, |mut header| {
                    for title in ROW_HEADERS {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                    header.col(|_| {});
                })
                .body(|body| {
                    body.rows(22.0, rows.len(), |mut row| {
                        let r = rows[row.index()];
                        for (i, cell) in cells(r).into_iter().enumerate() {
                            row.col(|ui| {
                                let text = cell.display();
                                if i == 5 && !text.is_empty() {
                                    ui.label(RichText::new(text).color(style::ERROR_RED));
                                } else {
                                    ui.label(text);
                                }
                            });
                        }
                        row.col(|ui| {
                            if with_relance
                                && ui
                                    .small_button("Relance PDF")
                                    .on_hover_text("Lettre de relance à l'acheteur public")
                                    .clicked()
                            {
                                relance = Some(r.number.clone());
                            }
                        });
                    });
                });
        });
    if let Some(number) = relance {
        session.write_relance(number);
    }
}

fn clients(ui: &mut egui::Ui, data: &ManagerData, session: &mut Session) {
    let headers = [
        "Client",
        "Facturé TTC",
        "Avoirs",
        "Réglé",
        "Reste dû",
        "Dont échu",
        "Factures échues",
        "Délai moyen de paiement (jours)",
    ];
    let table_of = || Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: data
            .follow_up
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(c.client_name.clone()),
                    Cell::Money(c.invoiced),
                    Cell::Money(c.credited),
                    Cell::Money(c.paid),
                    Cell::Money(c.outstanding),
                    Cell::Money(c.overdue_amount),
                    Cell::Integer(Some(c.overdue_count as i64)),
                    Cell::Text(
                        c.average_payment_days
                            .map(|d| d.to_string().replace('.', ","))
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
    };
    export_buttons(ui, session, table_of, "suivi-clients");
    let table = table_of();
    let mut builder = TableBuilder::new(ui)
        .id_salt("follow_up")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for i in 0..headers.len() {
        builder = builder.column(Column::initial(if i == 0 { 260.0 } else { 120.0 }).clip(true));
    }
    builder
        .column(Column::remainder())
        .header(22.0, |mut header| {
            for title in headers {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
            header.col(|_| {});
        })
        .body(|body| {
            body.rows(22.0, table.rows.len(), |mut row| {
                for cell in &table.rows[row.index()] {
                    row.col(|ui| {
                        ui.label(cell.display());
                    });
                }
                row.col(|_| {});
            });
        });
}

fn charts(ui: &mut egui::Ui, data: &ManagerData) {
    egui::ScrollArea::vertical()
        .id_salt("payment_charts")
        .show(ui, |ui| {
            ui.label(RichText::new("Montants TTC par statut").strong());
            ui.label(
                RichText::new("Les statuts et les totaux de l'arborescence, toutes factures.")
                    .color(style::MUTED),
            );
            // The tree's own stages and totals: one source of labels and grouping.
            let by_status: Vec<BarRow> = data
                .amounts_by_status
                .iter()
                .map(|(stage, totals)| BarRow {
                    label: stage.label().to_string(),
                    value: totals.amount.to_f64().unwrap_or_default(),
                    figure: format!(
                        "{} ({})",
                        format_money(totals.amount, "EUR"),
                        crate::app::status::counted(totals.count, "facture", "factures")
                    ),
                })
                .collect();
            bar_list::show(ui, "amounts_by_status", &by_status, style::ACCENT);
            ui.add_space(12.0);
            ui.label(RichText::new("Délai moyen de paiement par client (jours)").strong());
            let delays = &data.delay_by_client;
            if delays.is_empty() || delays.iter().all(|(_, d)| *d <= 0.0) {
                ui.label(
                    RichText::new(
                        "Aucune facture payée dont les dates de dépôt et de paiement sont connues.",
                    )
                    .color(style::MUTED),
                );
                return;
            }
            let rows: Vec<BarRow> = delays
                .iter()
                .map(|(name, days)| BarRow {
                    label: name.clone(),
                    value: *days,
                    figure: format!("{} jours", format!("{days:.1}").replace('.', ",")),
                })
                .collect();
            bar_list::show(ui, "delay_by_client", &rows, style::WARNING_AMBER);
        });
}
