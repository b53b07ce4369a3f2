//! The control screen's two tables: « Liste des factures conformes » and « Anomalies à
//! corriger », each anomaly on its own line under its invoice. Rows are virtualised:
//! only the visible ones are laid out, whatever the number of invoices.

use super::style;
use crate::app::control_model::{AnomalyRow, Column, ControlModel, Sort};
use crate::app::status::counted;
use crate::checks::{InvoiceCheck, PdfState, Source};
use crate::model::{format_date, format_money};
use crate::store::deposit_marks::DepositMark;
use crate::store::deposits::JournalState;
use egui::{Align, Layout, RichText, Sense};
use egui_extras::{Size, StripBuilder, TableBuilder, TableRow};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Conformant,
    Anomalies,
}

enum Event {
    Sort(Kind, Column),
    Focus(usize),
    Tick(usize),
}

pub fn show(ui: &mut egui::Ui, model: &mut ControlModel) {
    let mut events = Vec::new();
    let scroll_to = model.take_scroll_target();
    let scroll_conformant = scroll_to.and_then(|(c, row)| c.then_some(row));
    let scroll_anomalies = scroll_to.and_then(|(c, row)| (!c).then_some(row));
    // An empty list keeps only its title and its one line (after a deposit, or a search
    // that finds nothing there): the other list takes the height.
    let (first, second) = match (model.conformant.is_empty(), model.anomaly_rows.is_empty()) {
        (true, false) => (
            Size::exact(EMPTY_LIST_HEIGHT),
            Size::remainder().at_least(160.0),
        ),
        (false, true) => (
            Size::remainder().at_least(140.0),
            Size::exact(EMPTY_LIST_HEIGHT),
        ),
        _ => (
            Size::relative(0.45).at_least(140.0),
            Size::remainder().at_least(160.0),
        ),
    };
    StripBuilder::new(ui)
        .size(first)
        .size(second)
        .vertical(|mut strip| {
            strip.cell(|ui| {
                let ticked = model.ticked.len();
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new("Liste des factures conformes")
                            .heading()
                            .color(style::OK_GREEN),
                    );
                    let mut count = counted(model.conformant.len(), "facture", "factures");
                    if ticked > 0 {
                        count.push_str(&format!(", {}", counted(ticked, "cochée", "cochées")));
                        let hidden = model.selection().hidden_by_search;
                        if hidden > 0 {
                            count.push_str(&format!(
                                " dont {} par la recherche",
                                counted(hidden, "masquée", "masquées")
                            ));
                        }
                    }
                    ui.label(RichText::new(count).color(style::MUTED));
                    let deposited = model.report().deposited.len();
                    if deposited > 0 {
                        let mut show = model.shows_deposited();
                        let text = if show {
                            "Afficher aussi les factures déjà déposées".to_string()
                        } else {
                            format!(
                                "Afficher aussi les factures déjà déposées ({} masquées)",
                                crate::model::format_count(model.hidden_deposited)
                            )
                        };
                        if ui.checkbox(&mut show, text).changed() {
                            model.set_show_deposited(show);
                        }
                    }
                });
                table(ui, model, Kind::Conformant, scroll_conformant, &mut events);
            });
            strip.cell(|ui| {
                ui.add_space(6.0);
                let anomalies = model.anomaly_rows.len() - model.anomalous.len();
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new("Anomalies à corriger")
                            .heading()
                            .color(style::ERROR_RED),
                    );
                    ui.label(
                        RichText::new(format!(
                            "{}, {}",
                            counted(model.anomalous.len(), "facture", "factures"),
                            counted(anomalies, "anomalie", "anomalies")
                        ))
                        .color(style::MUTED),
                    );
                });
                table(ui, model, Kind::Anomalies, scroll_anomalies, &mut events);
            });
        });
    for event in events {
        match event {
            Event::Sort(Kind::Conformant, column) => model.sort_conformant(column),
            Event::Sort(Kind::Anomalies, column) => model.sort_anomalous(column),
            Event::Focus(index) => model.focus(index),
            Event::Tick(index) => model.toggle_tick(index),
        }
    }
}

fn width(column: Column) -> f32 {
    match column {
        Column::Number => 82.0,
        Column::Client => 190.0,
        Column::Date => 82.0,
        Column::AmountInclTax => 104.0,
        Column::Engagement => 118.0,
        Column::Market => 110.0,
        Column::Service => 128.0,
        Column::Siret => 124.0,
        Column::Attachment => 84.0,
        Column::Deposit => 300.0,
        _ => 44.0,
    }
}

fn sort_arrow(sort: Sort, column: Column) -> &'static str {
    match (sort.column == column, sort.ascending) {
        (false, _) => "",
        (true, true) => " ⏶",
        (true, false) => " ⏷",
    }
}

fn table(
    ui: &mut egui::Ui,
    model: &ControlModel,
    kind: Kind,
    scroll_to: Option<usize>,
    events: &mut Vec<Event>,
) {
    let (sort, rows) = match kind {
        Kind::Conformant => (model.conformant_sort, model.conformant.len()),
        Kind::Anomalies => (model.anomalous_sort, model.anomaly_rows.len()),
    };
    let id = match kind {
        Kind::Conformant => "conformes",
        Kind::Anomalies => "anomalies",
    };
    if rows == 0 {
        let text = match (kind, model.search().is_empty()) {
            (Kind::Conformant, true) => "Aucune facture conforme.",
            (Kind::Anomalies, true) => "Aucune anomalie : toutes les factures sont conformes.",
            (_, false) => "Aucune facture ne correspond à la recherche.",
        };
        ui.label(RichText::new(text).color(style::MUTED));
        return;
    }
    let mut columns: Vec<Column> = Column::INVOICE_COLUMNS.to_vec();
    if kind == Kind::Conformant && model.shows_deposited() {
        columns.insert(1, Column::Deposit);
    }
    let columns = &columns;
    egui::ScrollArea::horizontal()
        .id_salt(("h", id))
        .show(ui, |ui| {
            let visible = ui.clip_rect();
            // Selectable labels would swallow the clicks that open the detail panel.
            ui.style_mut().interaction.selectable_labels = false;
            // No column lines at rest: they would cross the anomaly messages, which span the
            // row. A line still shows where the pointer can resize a column.
            ui.visuals_mut().widgets.noninteractive.bg_stroke = egui::Stroke::NONE;
            let mut builder = TableBuilder::new(ui);
            if let Some(row) = scroll_to {
                builder = builder.scroll_to_row(row, None);
            }
            let mut builder = builder
                .id_salt(id)
                // Anomaly lines paint their own band across the row; stripes would not span it.
                .striped(kind == Kind::Conformant)
                .resizable(true)
                .sense(Sense::click())
                .cell_layout(Layout::left_to_right(Align::Center))
                .auto_shrink([false, false])
                .column(egui_extras::Column::exact(24.0));
            for &column in columns {
                builder = builder.column(
                    egui_extras::Column::initial(width(column))
                        .at_least(30.0)
                        .clip(true),
                );
            }
            builder
                .header(24.0, |mut header| {
                    header.col(|_| {});
                    for &column in columns {
                        header.col(|ui| {
                            let title = format!("{}{}", column.title(), sort_arrow(sort, column));
                            let button =
                                egui::Button::new(RichText::new(title).strong()).frame(false);
                            let mut response = ui.add(button);
                            if !column.description().is_empty() {
                                response = response.on_hover_text(column.description());
                            }
                            if response.clicked() {
                                events.push(Event::Sort(kind, column));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(style::ROW_HEIGHT, rows, |mut row| {
                        let entry = match kind {
                            Kind::Conformant => AnomalyRow::Invoice(model.conformant[row.index()]),
                            Kind::Anomalies => model.anomaly_rows[row.index()],
                        };
                        let index = match entry {
                            AnomalyRow::Invoice(i) | AnomalyRow::Anomaly(i, _) => i,
                        };
                        // A selected anomaly line would only highlight its first two cells.
                        let is_invoice = matches!(entry, AnomalyRow::Invoice(_));
                        let under_cursor =
                            model.focused == Some(index) || model.cursor == Some(index);
                        row.set_selected(is_invoice && under_cursor);
                        match entry {
                            AnomalyRow::Invoice(i) => {
                                invoice_row(&mut row, model, i, columns, events)
                            }
                            AnomalyRow::Anomaly(i, k) => {
                                if anomaly_row(&mut row, model.check(i), k, visible) {
                                    events.push(Event::Focus(i));
                                }
                            }
                        }
                        if row.response().clicked() {
                            events.push(Event::Focus(index));
                        }
                    });
                });
        });
}

fn invoice_row(
    row: &mut TableRow<'_, '_>,
    model: &ControlModel,
    index: usize,
    columns: &[Column],
    events: &mut Vec<Event>,
) {
    let check = model.check(index);
    let deposit = model.deposit_of(index);
    row.col(|ui| {
        let can_tick = model.can_tick(index);
        let mut ticked = can_tick && model.ticked.contains(&index);
        // Only what can leave takes a tick: a disabled box says why on hover.
        let response = ui.add_enabled(can_tick, egui::Checkbox::without_text(&mut ticked));
        let response = match deposit {
            Some(d) => response.on_disabled_hover_text(format!(
                "Déjà envoyée à Chorus Pro ({}) : elle ne sera pas déposée de nouveau",
                deposit_text(d)
            )),
            None => response.on_disabled_hover_text(
                "Facture en anomalie : corrigez-la avant de pouvoir la déposer",
            ),
        };
        // Screen readers (and the UI tests) need a name for a checkbox without text.
        let name = format!("Cocher la facture {}", check.invoice.number);
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::CheckBox, can_tick, ticked, &name)
        });
        if response.changed() {
            events.push(Event::Tick(index));
        }
    });
    let invoice = &check.invoice;
    for &column in columns {
        row.col(|ui| match column {
            Column::Number => {
                let text = RichText::new(&invoice.number);
                let text = if check.is_conformant() {
                    text
                } else {
                    text.strong()
                };
                ui.label(text);
            }
            Column::Client => {
                ui.label(&check.client_name)
                    .on_hover_text(&check.client_name);
            }
            Column::Date => {
                ui.label(format_date(invoice.invoice_date));
            }
            Column::AmountInclTax => {
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    ui.label(format_money(invoice.total_incl_tax, &invoice.currency));
                });
            }
            Column::Engagement => resolved_cell(ui, &check.billing.engagement_number),
            Column::Market => resolved_cell(ui, &check.billing.market_number),
            Column::Service => resolved_cell(ui, &check.billing.service_code),
            Column::Siret => {
                ui.label(&check.client_siret);
            }
            Column::Attachment => attachment_cell(ui, &check.pdf),
            Column::Deposit => {
                if let Some(d) = deposit {
                    let text = deposit_text(d);
                    let color = match d.state {
                        JournalState::Deposited => style::ACCENT,
                        _ => style::WARNING_AMBER,
                    };
                    ui.label(RichText::new(&text).color(color))
                        .on_hover_text(&text);
                }
            }
            _ => {
                if let Some(flag) = column.flag(check) {
                    ui.label(style::flag_text(flag));
                }
            }
        });
    }
}

/// « Déposée le 03/12/2026 — flux FL0001 — Mise à disposition ».
pub fn deposit_text(d: &DepositMark) -> String {
    let day = chrono::DateTime::parse_from_rfc3339(&d.at)
        .map(|t| t.format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let mut text = match (d.state, d.already_on_chorus) {
        // Another copy reached Chorus Pro first: ours was refused as a duplicate.
        (JournalState::Deposited, true) if day.is_empty() => {
            "Déjà sur Chorus Pro (copie refusée en double)".to_string()
        }
        (JournalState::Deposited, true) => {
            format!("Déjà sur Chorus Pro (copie du {day} refusée en double)")
        }
        (JournalState::Deposited, false) if day.is_empty() => "Déposée".to_string(),
        (JournalState::Deposited, false) => format!("Déposée le {day}"),
        (_, _) if day.is_empty() => "À vérifier".to_string(),
        (_, _) => format!("À vérifier (envoyée le {day})"),
    };
    if !d.flux_number.is_empty() {
        text.push_str(&format!(" — flux {}", d.flux_number));
    }
    if !d.chorus_status.is_empty() {
        let status = crate::model::status::InvoiceStatus::from_code(&d.chorus_status);
        text.push_str(&format!(" — {}", status.label()));
    }
    text
}

/// A billing value; one taken from the origin reference says so on hover.
fn resolved_cell(ui: &mut egui::Ui, resolved: &crate::checks::Resolved) {
    match &resolved.source {
        Source::None => {}
        Source::Invoice => {
            ui.label(&resolved.value);
        }
        Source::Reference(kind, reference) => {
            ui.label(RichText::new(&resolved.value).color(style::ACCENT))
                .on_hover_text(format!("Repris {} {reference}", kind.of_the()));
        }
    }
}

fn attachment_cell(ui: &mut egui::Ui, pdf: &PdfState) {
    match pdf {
        PdfState::Readable { .. } => {
            ui.label(RichText::new("✔ PDF").color(style::OK_GREEN));
        }
        PdfState::NotGiven | PdfState::NotFound => {
            ui.label(RichText::new("✖ absent").color(style::ERROR_RED));
        }
        PdfState::Unreadable(_) => {
            ui.label(RichText::new("✖ illisible").color(style::ERROR_RED));
        }
        PdfState::TooLarge(_) => {
            ui.label(RichText::new("✖ > 10 Mo").color(style::ERROR_RED));
        }
        PdfState::Protected => {
            ui.label(RichText::new("✖ protégé").color(style::ERROR_RED));
        }
    }
}

/// `2300630 — Le service SERV n'existe pas dans l'annuaire Chorus`, across the row.
/// Only the first two cells are added: a cell added after the message would paint its
/// background over it.
/// Returns true when the line was clicked: the row itself only covers its two cells.
fn anomaly_row(
    row: &mut TableRow<'_, '_>,
    check: &InvoiceCheck,
    k: usize,
    visible: egui::Rect,
) -> bool {
    let anomaly = &check.anomalies[k];
    let mut clicked = false;
    row.col(|_| {});
    row.col(|ui| {
        // The message spans the empty columns to its right: widen the clip to the table's.
        let cell = ui.max_rect();
        let clip =
            egui::Rect::from_x_y_ranges(cell.left()..=visible.right(), ui.clip_rect().y_range());
        ui.set_clip_rect(clip);
        let band = egui::Rect::from_x_y_ranges(cell.left()..=visible.right(), cell.y_range());
        ui.painter().rect_filled(band, 0.0, ANOMALY_BAND);
        let response = ui
            .add(
                egui::Label::new(
                    RichText::new(format!("{} — {}", check.invoice.number, anomaly.message))
                        .color(style::ERROR_RED),
                )
                .wrap_mode(egui::TextWrapMode::Extend)
                .sense(Sense::click()),
            )
            .on_hover_text(format!(
                "{} : {}",
                anomaly.code_text(),
                anomaly.code.title()
            ));
        clicked = response.clicked();
    });
    clicked
}

/// The height of a list with nothing to show: its title and « Aucune … ».
const EMPTY_LIST_HEIGHT: f32 = 64.0;

const ANOMALY_BAND: egui::Color32 = egui::Color32::from_rgb(0xfd, 0xf0, 0xf0);
