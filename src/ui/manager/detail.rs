//! The invoice selected in the tree: its data, its payment, the timeline of its statuses
//! with the recipient's comments, its flux and the file sent, and what it needs.

use super::{short_time, style};
use crate::app::manager_data::ManagerData;
use crate::app::session::Session;
use crate::app::timeline_order::TimelineEvent;
use crate::model::status::InvoiceStatus;
use crate::model::{format_date, format_money};
use crate::tracking::tree::Stage;
use egui::RichText;

pub enum DetailAction {
    Close,
    Recycle,
    Complete,
}

pub fn show(
    ui: &mut egui::Ui,
    number: &str,
    data: &ManagerData,
    session: &mut Session,
) -> Option<DetailAction> {
    let mut action = None;
    let Some(invoice) = data.invoice(number) else {
        ui.label("Cette facture n'est plus dans le suivi.");
        return ui.button("Fermer").clicked().then_some(DetailAction::Close);
    };
    ui.horizontal(|ui| {
        ui.heading(format!("{} {}", invoice.kind.label(), invoice.number));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✖").on_hover_text("Fermer le détail").clicked() {
                action = Some(DetailAction::Close);
            }
        });
    });
    ui.label(
        RichText::new(invoice.stage.label())
            .strong()
            .color(stage_colour(&invoice.stage)),
    );
    if let Some(a) = returned_actions(ui, number, &invoice.stage, session) {
        action = Some(a);
    }
    let payment = data.facts.payments.get(number);
    if let Some(p) = payment.filter(|p| p.erp_payment_unconfirmed) {
        erp_payment_badge(ui, p);
    }
    ui.separator();
    let flux_number = data.facts.flux_numbers.get(number).cloned();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("manager_invoice")
                .num_columns(2)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    let mut row = |label: &str, value: String| {
                        ui.label(RichText::new(label).color(style::MUTED));
                        ui.label(value);
                        ui.end_row();
                    };
                    row("Société", invoice.company_name.clone());
                    row("Client", invoice.client_name.clone());
                    row("Date de facture", format_date(invoice.invoice_date));
                    row("Montant TTC", format_money(invoice.amount_incl_tax, "EUR"));
                    if let Some(p) = payment {
                        row("N° Chorus", p.cpp_label());
                        row("Date de dépôt", p.deposit_label());
                        row("Échéance", p.due_explanation());
                        if !p.is_credit_note() {
                            row(
                                "Délai de paiement",
                                format!("{} jours — {}", p.delay_days, p.terms.reason()),
                            );
                        }
                        row("Paiement", p.state.label().to_string());
                        if p.paid_amount > rust_decimal::Decimal::ZERO {
                            row("Réglé selon l'ERP", format_money(p.paid_amount, "EUR"));
                        }
                        if !p.is_credit_note() {
                            row("Reste dû", format_money(p.outstanding, "EUR"));
                        }
                        if p.days_late > 0 {
                            row("Retard", format!("{} jours", p.days_late));
                            row("Intérêts estimés", format_money(p.interest, "EUR"));
                            row("Indemnité forfaitaire", format_money(p.indemnity, "EUR"));
                        }
                        let lifecycle = p.lifecycle_text();
                        if !lifecycle.is_empty() {
                            row("Cycle de vie 2026", lifecycle);
                        }
                    }
                    if let Some(flux) = &flux_number {
                        row("N° de flux", flux.clone());
                    }
                });
            if let Some(p) = payment
                && p.overdue
                && ui
                    .button("Lettre de relance (PDF)…")
                    .on_hover_text(
                        "Une lettre à l'acheteur public : facture, retard, intérêts et indemnité",
                    )
                    .clicked()
            {
                session.write_relance(number.to_string());
            }
            flux_section(ui, flux_number.as_deref(), data, session);
            ui.add_space(6.0);
            timeline_section(ui, number, session);
        });
    action
}

/// The ERP shows a payment Chorus Pro does not: the invoice keeps Chorus Pro's status.
fn erp_payment_badge(ui: &mut egui::Ui, p: &crate::tracking::payments::PaymentRow) {
    ui.label(
        RichText::new(format!(
            "⚠ {}",
            crate::tracking::payments::ERP_PAYMENT_UNCONFIRMED
        ))
        .strong()
        .color(style::WARNING_AMBER),
    )
    .on_hover_text(format!(
        "L'ERP enregistre {} de règlement, mais Chorus Pro indique « {} » : la facture n'est pas \
         considérée comme réglée. Vérifiez le règlement (erreur d'imputation, autre facture…).",
        format_money(p.paid_amount, "EUR"),
        p.chorus_status.as_ref().map(|s| s.label()).unwrap_or("")
    ));
}

/// What a returned invoice needs, right under its status.
fn returned_actions(
    ui: &mut egui::Ui,
    number: &str,
    stage: &Stage,
    session: &mut Session,
) -> Option<DetailAction> {
    let busy = session.is_busy();
    let timeline = match &session.timeline {
        Some(Ok(t)) if t.number == number => Some(t),
        _ => None,
    };
    let reason = timeline.and_then(|t| t.rejection_reason.clone());
    match stage {
        Stage::Chorus(InvoiceStatus::ToRecycle) => {
            ui.label("Chorus Pro n'a pas pu l'acheminer : corrigez son destinataire.");
            ui.add_enabled(!busy, egui::Button::new("Recycler…"))
                .clicked()
                .then_some(DetailAction::Recycle)
        }
        Stage::Chorus(InvoiceStatus::Suspended) => {
            ui.label("Le destinataire attend une pièce justificative.");
            ui.add_enabled(!busy, egui::Button::new("Compléter…"))
                .clicked()
                .then_some(DetailAction::Complete)
        }
        Stage::Chorus(InvoiceStatus::Rejected) => {
            ui.label(
                RichText::new(format!(
                    "Motif du rejet : {}",
                    reason.unwrap_or_else(|| "non communiqué".into())
                ))
                .color(style::ERROR_RED),
            );
            if timeline.is_some_and(|t| t.marked_for_credit_note) {
                ui.label(
                    RichText::new("✔ Marquée : à annuler par un avoir et à refacturer dans l'ERP")
                        .color(style::OK_GREEN),
                );
            } else if timeline.is_some()
                && ui
                    .button("Marquer pour avoir et nouvelle facture")
                    .on_hover_text(
                        "La facture rejetée sera annulée par un avoir et refacturée dans l'ERP",
                    )
                    .clicked()
            {
                session.mark_for_credit_note(number.to_string());
            }
            None
        }
        _ => None,
    }
}

fn flux_section(
    ui: &mut egui::Ui,
    flux_number: Option<&str>,
    data: &ManagerData,
    session: &Session,
) {
    let Some(flux) = flux_number.and_then(|n| data.fluxes.iter().find(|f| f.flux_number == n))
    else {
        return;
    };
    ui.add_space(6.0);
    ui.label(RichText::new("Flux").strong());
    ui.label(format!(
        "{} — {} ({}, {})",
        flux.flux_number,
        flux.name,
        if flux.mode == "LOT" {
            "lot"
        } else {
            "séquentiel"
        },
        flux.syntax
    ));
    if !flux.chorus_state.is_empty() {
        ui.label(format!(
            "État : {}",
            crate::model::status::FluxState::from_code(&flux.chorus_state).label()
        ));
    }
    if !flux.file_path.is_empty() && ui.link("Ouvrir le fichier envoyé").clicked() {
        session.open_with_system(flux.file_path.clone());
    }
}

fn timeline_section(ui: &mut egui::Ui, number: &str, session: &Session) {
    ui.label(RichText::new("Historique des statuts").strong());
    match &session.timeline {
        None => {
            ui.spinner();
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(style::ERROR_RED));
        }
        Some(Ok(t)) if t.number != number => {
            ui.spinner();
        }
        Some(Ok(t)) => {
            if t.history.is_empty() && t.flux_errors.is_empty() {
                ui.label(
                    RichText::new("Aucun statut connu : synchronisez avec Chorus Pro.")
                        .color(style::MUTED),
                );
            }
            for line in crate::app::timeline_order::ordered(t) {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(short_time(&line.at)).color(style::MUTED));
                    match line.event {
                        TimelineEvent::FluxError { message } => {
                            ui.label(
                                RichText::new(format!("rejetée à l'intégration : {message}"))
                                    .color(style::ERROR_RED),
                            );
                        }
                        TimelineEvent::Status { status, comment } => {
                            ui.label(RichText::new(status.label()).strong());
                            if !comment.is_empty() {
                                ui.label(format!("— {comment}"));
                            }
                        }
                        TimelineEvent::Action {
                            label,
                            detail,
                            result,
                            succeeded,
                        } => {
                            let colour = if succeeded {
                                style::ACCENT
                            } else {
                                style::ERROR_RED
                            };
                            ui.label(RichText::new(label).strong().color(colour));
                            ui.label(format!("— {detail} ({result})"));
                        }
                    }
                });
            }
        }
    }
}

pub fn stage_colour(stage: &Stage) -> egui::Color32 {
    match stage {
        Stage::InAnomaly | Stage::FluxRejected => style::ERROR_RED,
        Stage::Chorus(InvoiceStatus::Rejected) => style::ERROR_RED,
        Stage::Chorus(InvoiceStatus::ToRecycle | InvoiceStatus::Suspended) => style::WARNING_AMBER,
        Stage::Chorus(InvoiceStatus::PaymentIssued) => style::OK_GREEN,
        _ => style::ACCENT,
    }
}
