//! The dialogs of the invoices Chorus Pro sent back: « Recycler » (SIRET, service code,
//! engagement number, checked against the cached directory as they are typed) and
//! « Compléter » (attachments and a comment, checked before anything is sent).

use super::style;
use crate::app::session::Session;
use crate::tracking::returned::{AttachmentInfo, RecycleForm, check_completion, check_recycle};
use crate::ui::dialog;
use egui::RichText;
use std::path::PathBuf;

pub enum Dialog {
    Recycle(RecycleDialog),
    Complete(CompleteDialog),
}

pub struct RecycleDialog {
    pub number: String,
    /// « la facture » or « l'avoir »: what the dialog calls the document.
    document: &'static str,
    /// The routing Chorus Pro has now, and the form (both once loaded).
    loaded: Option<(RecycleForm, RecycleForm)>,
    comment: String,
    /// The SIRET whose directory entry was asked for last.
    asked_siret: Option<String>,
}

pub struct CompleteDialog {
    pub number: String,
    document: &'static str,
    files: Vec<(PathBuf, AttachmentInfo)>,
    comment: String,
}

impl Dialog {
    pub fn recycle(number: String, credit_note: bool, session: &mut Session) -> Dialog {
        session.recycle_setup = None;
        session.load_recycle_setup(number.clone());
        Dialog::Recycle(RecycleDialog {
            number,
            document: document_name(credit_note),
            loaded: None,
            comment: String::new(),
            asked_siret: None,
        })
    }

    pub fn complete(number: String, credit_note: bool, session: &mut Session) -> Dialog {
        session.picked_attachments = None;
        Dialog::Complete(CompleteDialog {
            number,
            document: document_name(credit_note),
            files: Vec::new(),
            comment: String::new(),
        })
    }
}

fn document_name(credit_note: bool) -> &'static str {
    if credit_note { "l'avoir" } else { "la facture" }
}

/// « Recycler la facture » / « Compléter l'avoir »: the verb, then the document's name.
fn title(verb: &str, document: &str, number: &str) -> String {
    format!("{verb} {document} {number}")
}

/// The recipient's latest comment on the invoice, the reason it came back, when the
/// timeline holds one: the user answers it in the dialog.
fn recipient_reason(ui: &mut egui::Ui, session: &Session, number: &str) {
    if let Some(Ok(t)) = &session.timeline
        && t.number == number
        && let Some(entry) = t.history.iter().rev().find(|h| !h.comment.is_empty())
    {
        ui.add(
            egui::Label::new(
                RichText::new(format!("Motif du destinataire : {}", entry.comment))
                    .color(style::WARNING_AMBER),
            )
            .wrap(),
        );
    }
}

/// Returns false once the dialog is closed.
pub fn show(ctx: &egui::Context, dialog: &mut Dialog, session: &mut Session) -> bool {
    match dialog {
        Dialog::Recycle(d) => recycle(ctx, d, session),
        Dialog::Complete(d) => complete(ctx, d, session),
    }
}

fn recycle(ctx: &egui::Context, d: &mut RecycleDialog, session: &mut Session) -> bool {
    if d.loaded.is_none()
        && let Some(Ok(setup)) = &session.recycle_setup
        && setup.invoice_number == d.number
    {
        d.loaded = Some((setup.original.clone(), setup.original.clone()));
    }
    let mut open = true;
    let busy = session.is_busy();
    let modal = egui::Modal::new(egui::Id::unique("recycle_dialog")).show(ctx, |ui| {
        dialog::fix_size(ui, egui::vec2(640.0, 440.0));
        ui.heading(title("Recycler", d.document, &d.number));
        ui.label(
            RichText::new(format!(
                "Chorus Pro n'a pas pu acheminer {} : corrigez le destinataire, le code \
                 service ou le n° d'engagement. Son numéro ne change pas.",
                d.document
            ))
            .color(style::MUTED),
        );
        recipient_reason(ui, session, &d.number);
        ui.separator();
        let Some((original, form)) = &mut d.loaded else {
            match &session.recycle_setup {
                Some(Err(e)) => {
                    ui.label(RichText::new(e).color(style::ERROR_RED));
                }
                _ => {
                    ui.spinner();
                }
            }
            if ui.button("Fermer").clicked() {
                open = false;
            }
            return;
        };
        egui::Grid::new("recycle_form")
            .num_columns(2)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label("N° SIRET du destinataire");
                ui.add(
                    egui::TextEdit::singleline(&mut form.siret)
                        .id_salt("recycle_siret")
                        .desired_width(200.0),
                );
                ui.end_row();
                ui.label("Code service");
                ui.add(
                    egui::TextEdit::singleline(&mut form.service_code)
                        .id_salt("recycle_service")
                        .desired_width(200.0),
                );
                ui.end_row();
                ui.label("N° d'engagement");
                ui.add(
                    egui::TextEdit::singleline(&mut form.engagement_number)
                        .id_salt("recycle_engagement")
                        .desired_width(200.0),
                );
                ui.end_row();
                ui.label("Commentaire au destinataire");
                ui.add(
                    egui::TextEdit::multiline(&mut d.comment)
                        .id_salt("recycle_comment")
                        .desired_rows(2)
                        .desired_width(380.0),
                );
                ui.end_row();
            });
        // The directory entry of the SIRET typed, asked for once per SIRET.
        let siret = crate::model::siret::normalize(&form.siret);
        if d.asked_siret.as_deref() != Some(siret.as_str()) {
            session.load_recycle_directory(siret.clone());
            d.asked_siret = Some(siret.clone());
        }
        let problems = match &session.recycle_directory {
            Some((checked, directory)) if *checked == siret => {
                Some(check_recycle(form, original, directory))
            }
            _ => None,
        };
        ui.add_space(4.0);
        match &problems {
            None => {
                ui.label(RichText::new("Vérification dans l'annuaire…").color(style::MUTED));
            }
            Some(list) if list.is_empty() => {
                ui.label(
                    RichText::new("✔ Destinataire, service et engagement conformes à l'annuaire")
                        .color(style::OK_GREEN),
                );
            }
            Some(list) => {
                for p in list {
                    ui.label(RichText::new(format!("✖ {p}")).color(style::ERROR_RED));
                }
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            let ready = !busy && problems.as_ref().is_some_and(|p| p.is_empty());
            if ui
                .add_enabled(ready, egui::Button::new("Recycler"))
                .on_disabled_hover_text("Corrigez d'abord ce qui est signalé")
                .clicked()
            {
                session.recycle_invoice(d.number.clone(), form.clone(), d.comment.clone());
                open = false;
            }
            if ui.button("Annuler").clicked() {
                open = false;
            }
        });
    });
    open && !modal.should_close()
}

fn complete(ctx: &egui::Context, d: &mut CompleteDialog, session: &mut Session) -> bool {
    if let Some(picked) = session.picked_attachments.take() {
        for file in picked {
            if !d.files.iter().any(|(p, _)| *p == file.0) {
                d.files.push(file);
            }
        }
    }
    let mut open = true;
    let busy = session.is_busy();
    let modal = egui::Modal::new(egui::Id::unique("complete_dialog")).show(ctx, |ui| {
        dialog::fix_size(ui, egui::vec2(640.0, 460.0));
        ui.heading(title("Compléter", d.document, &d.number));
        ui.label(
            RichText::new(format!(
                "Le destinataire a suspendu {} faute d'une pièce : ajoutez les pièces \
                 justificatives et un commentaire.",
                d.document
            ))
            .color(style::MUTED),
        );
        recipient_reason(ui, session, &d.number);
        ui.separator();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Pièces jointes").strong());
            if ui.button("Ajouter des pièces…").clicked() {
                session.pick_attachments();
            }
        });
        let mut remove = None;
        for (i, (path, info)) in d.files.iter().enumerate() {
            ui.horizontal(|ui| {
                if ui.small_button("✖").on_hover_text("Retirer").clicked() {
                    remove = Some(i);
                }
                ui.label(&info.name)
                    .on_hover_text(path.display().to_string());
                ui.label(
                    RichText::new(crate::checks::rules::format_size(info.size)).color(style::MUTED),
                );
            });
        }
        if let Some(i) = remove {
            d.files.remove(i);
        }
        ui.label("Commentaire");
        ui.add(
            egui::TextEdit::multiline(&mut d.comment)
                .id_salt("complete_comment")
                .desired_rows(3)
                .desired_width(560.0),
        );
        let infos: Vec<AttachmentInfo> = d.files.iter().map(|(_, i)| i.clone()).collect();
        let problems = check_completion(&infos, &d.comment);
        for p in &problems {
            ui.label(RichText::new(format!("✖ {p}")).color(style::ERROR_RED));
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy && problems.is_empty(), egui::Button::new("Compléter"))
                .on_disabled_hover_text("Corrigez d'abord ce qui est signalé")
                .clicked()
            {
                let files = d.files.iter().map(|(p, _)| p.clone()).collect();
                session.complete_invoice(d.number.clone(), files, d.comment.clone());
                open = false;
            }
            if ui.button("Annuler").clicked() {
                open = false;
            }
        });
    });
    open && !modal.should_close()
}
