//! « Gestionnaire Chorus Pro »: where the money is. The tree of the invoices by company,
//! status and client; the fluxes; the payments. Above them: the synchronisation, what
//! changed since the last look, and the technical passwords about to expire.

mod bar_list;
mod detail;
mod fluxes;
mod payments;
mod returned_dialogs;
mod tree_view;

use super::keyboard::Command;
use super::style;
use crate::app::connection_test::Level;
use crate::app::manager_data::ManagerData;
use crate::app::manager_view::TreeView;
use crate::app::session::Session;
use crate::model::status::InvoiceStatus;
use crate::store::tracking::{CHANGE_FLUX_REJECTION, SyncChange};
use egui::RichText;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Tree,
    Fluxes,
    Payments,
}

#[derive(Default)]
pub struct ManagerTab {
    pub view: View,
    pub tree: TreeView,
    /// The selected flux of the flux list (by id).
    pub selected_flux: Option<i64>,
    /// The selection moved by the keyboard: the flux list scrolls to it once.
    scroll_to_selected_flux: bool,
    pub payments: payments::PaymentsState,
    /// The invoice whose timeline was asked for.
    timeline_for: Option<String>,
    /// The recycle or completion dialog, when open.
    dialog: Option<returned_dialogs::Dialog>,
    /// The next automatic sync, checked once a second at most.
    last_due_check: Option<std::time::Instant>,
}

impl ManagerTab {
    /// « Recycler » or « Compléter » is open (a modal dialog: it takes the keys).
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some()
    }
}

/// The side panel of the tab (the selected invoice), drawn before the central panel.
pub fn side_panel(ui: &mut egui::Ui, tab: &mut ManagerTab, session: &mut Session) {
    if tab.view == View::Tree {
        tree_view::detail_panel(ui, tab, session);
    }
}

pub fn show(ui: &mut egui::Ui, tab: &mut ManagerTab, session: &mut Session) {
    if session.manager.is_none() && !session.manager_loading && session.manager_error.is_none() {
        session.load_manager();
    }
    header(ui, tab, session);
    let Some(data) = session.manager.clone() else {
        if let Some(error) = session.manager_error.clone() {
            ui.label(RichText::new(error).color(style::ERROR_RED));
            if ui.button("Réessayer").clicked() {
                session.manager_error = None;
            }
        } else {
            ui.centered_and_justified(|ui| {
                ui.spinner();
            });
        }
        return;
    };
    if let Some(number) = banners(ui, &data, session) {
        tab.view = View::Tree;
        if !tab.tree.reveal(&data.invoices, &number) {
            session.notice(
                true,
                format!("La facture {number} n'est pas dans l'arborescence : videz la recherche."),
            );
        }
    }
    ui.separator();
    match tab.view {
        View::Tree => tree_view::show(ui, tab, &data, session),
        View::Fluxes => fluxes::show(ui, tab, &data, session),
        View::Payments => payments::show(ui, &mut tab.payments, &data, session),
    }
    raw_report_window(ui.ctx(), session);
    if let Some(dialog) = &mut tab.dialog
        && !returned_dialogs::show(ui.ctx(), dialog, session)
    {
        tab.dialog = None;
    }
}

/// A shortcut for this tab (see `ui::keyboard`). Returns true when it was used.
pub fn on_key(tab: &mut ManagerTab, session: &mut Session, command: Command) -> bool {
    match command {
        Command::Previous | Command::Next => {
            let delta = if command == Command::Next { 1 } else { -1 };
            let Some(data) = session.manager.clone() else {
                return false;
            };
            match tab.view {
                View::Tree => tab.tree.move_selection(delta, &data.invoices),
                View::Fluxes => {
                    let ids: Vec<i64> = data.fluxes.iter().map(|f| f.id).collect();
                    tab.selected_flux =
                        crate::app::row_cursor::step(&ids, tab.selected_flux, delta);
                    tab.scroll_to_selected_flux = true;
                    tab.selected_flux.is_some()
                }
                View::Payments => false,
            }
        }
        Command::Close => {
            if tab.dialog.take().is_some() {
                return true;
            }
            if session.raw_report.take().is_some() {
                return true;
            }
            if tab.view == View::Tree && tab.tree.selected.take().is_some() {
                return true;
            }
            false
        }
        _ => false,
    }
}

/// While the window is open, a sync every N minutes (Paramétrage); never during other
/// work. Called every frame by the window, whatever the tab.
pub fn automatic_sync(ctx: &egui::Context, tab: &mut ManagerTab, session: &mut Session) {
    if session.manager.is_none()
        && !session.manager_loading
        && session.manager_error.is_none()
        && session.report.is_some()
    {
        session.load_manager();
    }
    let now = std::time::Instant::now();
    if tab
        .last_due_check
        .is_some_and(|t| now.duration_since(t).as_secs() < 1)
    {
        return;
    }
    tab.last_due_check = Some(now);
    let minutes = session.manager.as_ref().map_or(0, |d| d.sync_every_minutes);
    if minutes > 0 {
        session.sync_if_due(std::time::Duration::from_secs(u64::from(minutes) * 60));
        // Wakes the window up for the next one, even if nobody touches it.
        ctx.request_repaint_after(std::time::Duration::from_secs(30));
    }
}

fn header(ui: &mut egui::Ui, tab: &mut ManagerTab, session: &mut Session) {
    ui.horizontal(|ui| {
        ui.heading("Gestionnaire Chorus Pro");
        ui.add_space(16.0);
        for (view, label) in [
            (View::Tree, "Arborescence des statuts"),
            (View::Fluxes, "Flux déposés"),
            (View::Payments, "Paiements"),
        ] {
            ui.selectable_value(&mut tab.view, view, label);
        }
        ui.separator();
        let busy = session.is_busy();
        let allowed = session
            .permissions()
            .check(crate::app::permissions::Capability::Sync);
        if ui
            .add_enabled(
                !busy && allowed.is_ok(),
                egui::Button::new("Synchroniser avec Chorus Pro"),
            )
            .on_hover_text(
                "Lire les comptes rendus des flux, les numéros Chorus et l'historique des \
                 statuts des factures déposées",
            )
            .on_disabled_hover_text(
                allowed
                    .err()
                    .unwrap_or_else(|| "Un travail est en cours : attendez la fin".into()),
            )
            .clicked()
        {
            session.sync_now();
        }
        if let Some(data) = &session.manager {
            ui.label(RichText::new(last_sync_text(data)).color(style::MUTED));
        }
    });
}

fn last_sync_text(data: &ManagerData) -> String {
    match &data.last_sync {
        None => "Jamais synchronisé".to_string(),
        Some(run) => {
            let at = chrono::DateTime::parse_from_rfc3339(&run.finished_at)
                .or_else(|_| chrono::DateTime::parse_from_rfc3339(&run.started_at))
                .map(|d| d.format("%d/%m/%Y à %H:%M").to_string())
                .unwrap_or_else(|_| run.started_at.clone());
            let errors = match run.errors {
                0 => String::new(),
                n => format!(", {}", crate::model::counted(n, "erreur", "erreurs")),
            };
            format!("Dernière synchronisation le {at}{errors}")
        }
    }
}

/// What changed since the last look, and the passwords about to expire. Returns the invoice
/// whose line was clicked.
fn banners(ui: &mut egui::Ui, data: &ManagerData, session: &mut Session) -> Option<String> {
    let mut clicked = None;
    for (level, text) in &data.password_reminders {
        let colour = if *level == Level::Error {
            style::ERROR_RED
        } else {
            style::WARNING_AMBER
        };
        ui.label(RichText::new(format!("⚠ {text}")).color(colour).strong());
    }
    if data.news.is_empty() {
        return None;
    }
    egui::Frame::group(ui.style())
        .fill(egui::Color32::from_rgb(0xfd, 0xf6, 0xe3))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Depuis votre dernière consultation :").strong());
                ui.label(news_summary(&data.news));
                if ui.button("Marquer comme vu").clicked() {
                    session.mark_news_seen(data.newest_run);
                }
            });
            egui::CollapsingHeader::new("Détail")
                .id_salt("news_detail")
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .max_height(140.0)
                        .show(ui, |ui| {
                            for change in &data.news {
                                let line = ui
                                    .link(news_line(change))
                                    .on_hover_text("Afficher la facture dans l'arborescence");
                                if line.clicked() {
                                    clicked = Some(change.invoice_number.clone());
                                }
                            }
                        });
                });
        });
    clicked
}

/// `2 rejets à l'intégration, 1 facture à recycler, 3 mises en paiement`.
pub fn news_summary(news: &[SyncChange]) -> String {
    let count = |pred: &dyn Fn(&SyncChange) -> bool| news.iter().filter(|c| pred(c)).count();
    let status = |s: InvoiceStatus| {
        move |c: &SyncChange| {
            c.kind != CHANGE_FLUX_REJECTION && InvoiceStatus::from_code(&c.new_status) == s
        }
    };
    let parts = [
        (
            count(&|c| c.kind == CHANGE_FLUX_REJECTION),
            "facture rejetée à l'intégration",
            "factures rejetées à l'intégration",
        ),
        (
            count(&status(InvoiceStatus::Rejected)),
            "facture rejetée par le destinataire",
            "factures rejetées par le destinataire",
        ),
        (
            count(&status(InvoiceStatus::ToRecycle)),
            "facture à recycler",
            "factures à recycler",
        ),
        (
            count(&status(InvoiceStatus::Suspended)),
            "facture suspendue à compléter",
            "factures suspendues à compléter",
        ),
        (
            count(&status(InvoiceStatus::PaymentIssued)),
            "mise en paiement",
            "mises en paiement",
        ),
    ];
    parts
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| crate::app::status::counted(*n, one, many))
        .collect::<Vec<_>>()
        .join(", ")
}

fn news_line(change: &SyncChange) -> String {
    let what = if change.kind == CHANGE_FLUX_REJECTION {
        "rejetée à l'intégration".to_string()
    } else {
        InvoiceStatus::from_code(&change.new_status)
            .label()
            .to_lowercase()
    };
    let comment = if change.comment.is_empty() {
        String::new()
    } else {
        format!(" — {}", change.comment)
    };
    format!("{} : {what}{comment}", change.invoice_number)
}

fn raw_report_window(ctx: &egui::Context, session: &mut Session) {
    let Some((flux, text)) = &session.raw_report else {
        return;
    };
    let mut open = true;
    egui::Window::new(format!("Compte rendu brut du flux {flux}"))
        .open(&mut open)
        .default_size([640.0, 480.0])
        .show(ctx, |ui| {
            egui::ScrollArea::both().show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(text.as_str()).monospace()).selectable(true));
            });
        });
    if !open {
        session.raw_report = None;
    }
}

/// `23/11/2026 10:02` from the forms Chorus Pro gives (RFC 3339, `AAAA-MM-JJ HH:MM`, a day).
fn short_time(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
                .map(|d| d.format("%d/%m/%Y %H:%M").to_string())
        })
        .or_else(|_| crate::model::parse_date(text).map(crate::model::format_date))
        .unwrap_or_else(|_| text.to_string())
}
