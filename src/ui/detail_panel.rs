//! The selected invoice: its anomalies, the billing data Chorus will receive and where
//! each value came from, its amounts, lines and payments, and its PDF.

use super::style;
use crate::app::control_model::ControlModel;
use crate::app::session::Session;
use crate::checks::rules::format_size;
use crate::checks::{PdfState, Resolved, Source};
use crate::model::{InvoiceKind, format_date, format_money, format_opt_date};
use egui::RichText;
use rust_decimal::Decimal;

pub enum Action {
    Close,
    OpenPdf(String),
    /// « Corrigée, à redéposer » of an invoice Chorus Pro refused at integration.
    AcknowledgeRejection(String),
    /// « Déposer quand même »: the clerk overrides an anomaly that guards against a
    /// mistake (invoice number, anomaly code).
    Override(String, crate::checks::AnomalyCode),
}

pub fn show(
    ui: &mut egui::Ui,
    model: &ControlModel,
    index: usize,
    session: &Session,
) -> Option<Action> {
    let check = model.check(index);
    let invoice = &check.invoice;
    let mut action = None;
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let title = format!("{} {}", invoice.kind.label(), invoice.number);
        ui.heading(title);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✖").on_hover_text("Fermer le détail").clicked() {
                action = Some(Action::Close);
            }
        });
    });
    if let Some(deposit) = model.deposit_of(index) {
        let text = super::invoice_tables::deposit_text(deposit);
        let color = match deposit.state {
            crate::store::deposits::JournalState::Deposited => style::ACCENT,
            _ => style::WARNING_AMBER,
        };
        ui.label(RichText::new(format!("📤 {text}")).color(color).strong())
            .on_hover_text("Déjà envoyée à Chorus Pro : elle ne sera pas déposée de nouveau");
    } else if check.is_conformant() {
        ui.label(
            RichText::new("✔ Conforme : prête pour Chorus Pro")
                .color(style::OK_GREEN)
                .strong(),
        );
    } else {
        let n = check.anomalies.len();
        let text = if n == 1 {
            "1 anomalie à corriger".to_string()
        } else {
            format!("{n} anomalies à corriger")
        };
        ui.label(RichText::new(text).color(style::ERROR_RED).strong());
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for anomaly in &check.anomalies {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new("•").color(style::ERROR_RED));
                    ui.label(RichText::new(&anomaly.message).color(style::ERROR_RED));
                });
                ui.label(
                    RichText::new(anomaly.code_text())
                        .small()
                        .color(style::MUTED),
                );
                if anomaly.code == crate::checks::AnomalyCode::RejeteeALIntegration
                    && ui
                        .add_enabled(
                            !session.is_busy(),
                            egui::Button::new("Corrigée, à redéposer"),
                        )
                        .on_hover_text(
                            "La facture a été corrigée dans l'ERP : elle rejoint les factures \
                             conformes si rien d'autre ne manque",
                        )
                        .clicked()
                {
                    action = Some(Action::AcknowledgeRejection(invoice.number.clone()));
                }
                if anomaly.code.can_be_overridden()
                    && ui
                        .add_enabled(!session.is_busy(), egui::Button::new("Déposer quand même"))
                        .on_hover_text(
                            "Vous avez vérifié : la facture doit bien partir sur Chorus Pro. \
                             La décision est gardée, la facture rejoint les factures conformes \
                             si rien d'autre ne manque",
                        )
                        .clicked()
                {
                    action = Some(Action::Override(invoice.number.clone(), anomaly.code));
                }
            }
            for anomaly in &check.overridden {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new("•").color(style::WARNING_AMBER));
                    ui.label(
                        RichText::new(format!("{} — dépôt autorisé quand même", anomaly.message))
                            .color(style::WARNING_AMBER),
                    );
                });
            }
            if !check.anomalies.is_empty() {
                ui.add_space(6.0);
            }

            section(ui, "Données de facturation Chorus Pro", |ui| {
                grid(ui, "billing", |ui| {
                    resolved_row(ui, "Code service", &check.billing.service_code);
                    resolved_row(ui, "N° d'engagement", &check.billing.engagement_number);
                    resolved_row(ui, "N° de marché", &check.billing.market_number);
                    row(ui, "Cadre de facturation", &invoice.billing_frame);
                    row(ui, "Référence d'origine", &invoice.origin_reference);
                });
            });

            section(ui, "Facture", |ui| {
                grid(ui, "invoice", |ui| {
                    row(ui, "Société émettrice", &invoice.company_code);
                    row(ui, "Date", &format_date(invoice.invoice_date));
                    // The one due date of the application (reception by Chorus Pro +
                    // the client's legal delay), the ERP's beside when it differs.
                    match &session.extras {
                        Some(Ok(extras)) if extras.number == invoice.number => {
                            match &extras.payment {
                                Some(p) => {
                                    row(ui, "Échéance", &p.due_explanation());
                                    row(
                                        ui,
                                        "Délai de paiement",
                                        &format!("{} jours — {}", p.delay_days, p.terms.reason()),
                                    );
                                }
                                None => {
                                    row(ui, "Échéance (ERP)", &format_opt_date(invoice.due_date))
                                }
                            }
                        }
                        _ => row(ui, "Échéance", "…"),
                    }
                    row(
                        ui,
                        "Montant HT",
                        &format_money(invoice.total_excl_tax, &invoice.currency),
                    );
                    row(
                        ui,
                        "TVA",
                        &format_money(invoice.total_tax, &invoice.currency),
                    );
                    row(
                        ui,
                        "Montant TTC",
                        &format_money(invoice.total_incl_tax, &invoice.currency),
                    );
                    row(ui, "Mode de paiement", &invoice.payment_means);
                    if invoice.kind == InvoiceKind::CreditNote {
                        row(ui, "Facture d'origine", &invoice.original_invoice_number);
                    }
                });
            });

            section(ui, "Client", |ui| {
                grid(ui, "client", |ui| {
                    row(ui, "Raison sociale", &check.client_name);
                    row(ui, "Code client", &invoice.client_code);
                    row(ui, "N° SIRET", &check.client_siret);
                    match check.flags.structure {
                        None => row(ui, "Structure Chorus", "absente de l'annuaire"),
                        Some([active, ge, gs, gse]) => {
                            flag_row(ui, "Structure active (StA)", active);
                            flag_row(ui, "Engagement obligatoire (StGE)", ge);
                            flag_row(ui, "Service obligatoire (StGS)", gs);
                            flag_row(ui, "Service ou engagement (StGSE)", gse);
                        }
                    }
                    if let Some([active, ge]) = check.flags.service {
                        flag_row(ui, "Service actif (SvA)", active);
                        flag_row(ui, "Engagement exigé par le service (SvGE)", ge);
                    }
                });
            });

            section(ui, "Fichier PDF", |ui| {
                if invoice.pdf_path.is_empty() {
                    ui.label(
                        RichText::new("Aucun fichier indiqué par l'ERP").color(style::ERROR_RED),
                    );
                } else {
                    ui.label(RichText::new(&invoice.pdf_path).monospace().small());
                    let (text, ok) = match &check.pdf {
                        PdfState::Readable { pages } => (
                            format!(
                                "PDF lisible, {}",
                                crate::model::counted(*pages as usize, "page", "pages")
                            ),
                            true,
                        ),
                        PdfState::NotGiven | PdfState::NotFound => {
                            ("Fichier introuvable".to_string(), false)
                        }
                        PdfState::Unreadable(why) => (format!("Illisible : {why}"), false),
                        PdfState::TooLarge(size) => {
                            (format!("Trop volumineux : {}", format_size(*size)), false)
                        }
                        PdfState::Protected => ("Protégé par un mot de passe".to_string(), false),
                    };
                    ui.label(RichText::new(text).color(if ok {
                        style::OK_GREEN
                    } else {
                        style::ERROR_RED
                    }));
                    let can_open = !matches!(check.pdf, PdfState::NotFound | PdfState::NotGiven);
                    if ui
                        .add_enabled(can_open, egui::Button::new("Ouvrir le PDF"))
                        .clicked()
                    {
                        action = Some(Action::OpenPdf(invoice.pdf_path.clone()));
                    }
                }
            });

            match &session.extras {
                Some(Ok(extras)) if extras.number == invoice.number => {
                    section(ui, &format!("Lignes ({})", extras.lines.len()), |ui| {
                        egui::Grid::new("lines")
                            .striped(true)
                            .num_columns(4)
                            .show(ui, |ui| {
                                for h in ["Libellé", "Qté", "TVA", "Montant HT"] {
                                    ui.label(RichText::new(h).strong());
                                }
                                ui.end_row();
                                for line in &extras.lines {
                                    ui.label(&line.label);
                                    ui.label(format!(
                                        "{} {}",
                                        line.quantity.normalize(),
                                        line.unit
                                    ));
                                    ui.label(format!(
                                        "{} % ({})",
                                        line.vat_rate.normalize().to_string().replace('.', ","),
                                        line.vat_category.code()
                                    ));
                                    ui.label(format_money(line.line_total, &invoice.currency));
                                    ui.end_row();
                                }
                            });
                    });
                    section(ui, "Règlements", |ui| {
                        if extras.payments.is_empty() {
                            ui.label(
                                RichText::new("Aucun règlement enregistré").color(style::MUTED),
                            );
                        }
                        let mut paid = Decimal::ZERO;
                        grid(ui, "payments", |ui| {
                            for p in &extras.payments {
                                paid += p.amount;
                                row(
                                    ui,
                                    &format_date(p.date),
                                    &format!(
                                        "{} ({})",
                                        format_money(p.amount, &invoice.currency),
                                        p.means
                                    ),
                                );
                            }
                        });
                        let due = invoice.total_incl_tax - paid;
                        ui.label(format!(
                            "Reste à payer : {}",
                            format_money(due, &invoice.currency)
                        ));
                    });
                }
                Some(Err(e)) => {
                    ui.colored_label(style::ERROR_RED, format!("Lignes illisibles : {e}"));
                }
                _ => {
                    ui.spinner();
                }
            }
        });
    action
}

fn section(ui: &mut egui::Ui, title: &str, body: impl FnOnce(&mut egui::Ui)) {
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .default_open(true)
        .show(ui, body);
}

fn grid(ui: &mut egui::Ui, id: &str, body: impl FnOnce(&mut egui::Ui)) {
    egui::Grid::new(id)
        .num_columns(2)
        .spacing([12.0, 4.0])
        .show(ui, body);
}

fn row(ui: &mut egui::Ui, label: &str, value: &str) {
    ui.label(RichText::new(label).color(style::MUTED));
    ui.add(egui::Label::new(value).wrap());
    ui.end_row();
}

fn flag_row(ui: &mut egui::Ui, label: &str, value: bool) {
    ui.label(RichText::new(label).color(style::MUTED));
    if value {
        ui.label(RichText::new("✔ oui").color(style::OK_GREEN));
    } else {
        ui.label("non");
    }
    ui.end_row();
}

fn resolved_row(ui: &mut egui::Ui, label: &str, resolved: &Resolved) {
    ui.label(RichText::new(label).color(style::MUTED));
    ui.horizontal_wrapped(|ui| match &resolved.source {
        Source::None => {
            ui.label(RichText::new("absent").italics().color(style::MUTED));
        }
        Source::Invoice => {
            ui.label(RichText::new(&resolved.value).strong());
            ui.label(RichText::new("(facture)").color(style::MUTED));
        }
        Source::Reference(kind, reference) => {
            ui.label(RichText::new(&resolved.value).strong());
            ui.label(
                RichText::new(format!("(repris {} {reference})", kind.of_the()))
                    .color(style::ACCENT),
            );
        }
    });
    ui.end_row();
}
