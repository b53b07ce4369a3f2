//! « Paiements »: what is owed and overdue, the follow-up of each client, and two charts
//! (amounts by status, payment delay by client). Figures come from the payment rows
//! (deposit date + legal delay, ERP payments, Chorus `MISE_EN_PAIEMENT`).

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
        ui.label(
            RichText::new(format!(
                "Délai légal {} jours, taux {} %, indemnité {}",
                data.payment_settings.payment_delay_days,
                data.payment_settings
                    .interest_rate_percent
                    .to_string()
                    .replace('.', ","),
                format_money(data.payment_settings.recovery_indemnity, "EUR")
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

const ROW_HEADERS: [&str; 10] = [
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
    let mut table = TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for (i, _) in ROW_HEADERS.iter().enumerate() {
        table = table.column(Column::initial(if i == 1 { 220.0 } else { 100.0 }).clip(true));
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
    use egui_plot::{Bar, BarChart, Plot};
    let by_status = &data.amounts_by_status;
    let delays = &data.delay_by_client;
    let half = (ui.available_height() / 2.0 - 30.0).max(160.0);
    ui.label(RichText::new("Montants TTC par statut").strong());
    let labels: Vec<String> = by_status.iter().map(|(l, _)| l.clone()).collect();
    let bars: Vec<Bar> = by_status
        .iter()
        .enumerate()
        .map(|(i, (label, amount))| {
            Bar::new(i as f64, amount.to_f64().unwrap_or_default())
                .name(format!("{label} : {}", format_money(*amount, "EUR")))
                .fill(style::ACCENT)
        })
        .collect();
    Plot::new("amounts_by_status")
        .height(half)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| axis_label(&labels, mark.value))
        .y_axis_formatter(|mark, _| euros(mark.value))
        .show_grid([false, true])
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Montant TTC", bars))
        });
    ui.label(RichText::new("Délai moyen de paiement par client (jours)").strong());
    let names: Vec<String> = delays.iter().map(|(n, _)| n.clone()).collect();
    let bars: Vec<Bar> = delays
        .iter()
        .enumerate()
        .map(|(i, (name, days))| {
            Bar::new(i as f64, *days)
                .name(format!("{name} : {days:.1} jours"))
                .fill(style::WARNING_AMBER)
        })
        .collect();
    if bars.is_empty() || delays.iter().all(|(_, d)| *d <= 0.0) {
        ui.label(
            RichText::new(
                "Aucune facture payée dont les dates de dépôt et de paiement sont connues.",
            )
            .color(style::MUTED),
        );
        return;
    }
    Plot::new("delay_by_client")
        .height(half)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| axis_label(&names, mark.value))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("Délai moyen", bars))
        });
}

/// `7 000 000 €` on the axis: whole euros, grouped as in French.
fn euros(value: f64) -> String {
    let whole = rust_decimal::Decimal::from_f64_retain(value.round()).unwrap_or_default();
    format!(
        "{} €",
        crate::model::format_count(whole.to_u64().unwrap_or(0) as usize)
    )
}

/// The category under a bar; nothing between bars.
fn axis_label(labels: &[String], value: f64) -> String {
    let index = value.round();
    if (value - index).abs() > 0.01 || index < 0.0 {
        return String::new();
    }
    labels
        .get(index as usize)
        .map(|l| {
            let mut short: String = l.chars().take(18).collect();
            if l.chars().count() > 18 {
                short.push('…');
            }
            short
        })
        .unwrap_or_default()
}
