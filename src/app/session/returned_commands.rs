//! The session's commands for the invoices Chorus Pro sent back: the recycle form and the
//! directory it is checked against, recycle and complete as background jobs, the mark for
//! a credit note, and the attachments picked for a completion.

use super::{JobOutput, Notice, Reply, Session};
use crate::app::jobs::JobKind;
use crate::app::returned::{self, Attachment};
use crate::progress::Progress;
use crate::store::Store;
use crate::tracking::returned::{AttachmentInfo, RecycleForm};
use std::path::PathBuf;

/// What the recycle dialog starts from.
#[derive(Debug, Clone)]
pub struct RecycleSetup {
    pub invoice_number: String,
    /// The routing Chorus Pro has now (the form starts from it; « nothing changed » is
    /// measured against it).
    pub original: RecycleForm,
}

impl Session {
    pub fn load_recycle_setup(&mut self, number: String) {
        self.query(move |store| {
            let setup = returned::recycle_form(store.db(), &number)
                .map(|original| RecycleSetup {
                    invoice_number: number.clone(),
                    original,
                })
                .map_err(|e| e.to_string());
            Reply::RecycleSetup(Box::new(setup))
        });
    }

    /// The cached directory's structure of `siret` and its services, for the recycle
    /// dialog's checks as the user types.
    pub fn load_recycle_directory(&mut self, siret: String) {
        self.query(move |store| {
            let snapshot = returned::directory_for(store.db(), &siret).unwrap_or_default();
            Reply::RecycleDirectory(siret, Box::new(snapshot))
        });
    }

    /// « Recycler »: checked against the directory, then sent with the company's account.
    pub fn recycle_invoice(&mut self, number: String, form: RecycleForm, comment: String) {
        let Some(connector) = self.connector.clone() else {
            self.notice(true, "Connexion à Chorus Pro non configurée");
            return;
        };
        let db = self.db_path.clone();
        self.start_job(JobKind::ReturnedAction, move |progress| {
            progress.update(0.2, &format!("Recyclage de {number}…"));
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            let company = company_of(&store, &number)?;
            let client = connector.client_for(&db, &company)?;
            let comment = Some(comment.as_str()).filter(|c| !c.trim().is_empty());
            returned::recycle(&client, &store, &number, &form, comment)
                .map(|outcome| {
                    JobOutput::ReturnedDone(format!(
                        "Facture {} recyclée : Chorus Pro l'a prise en compte ({})",
                        outcome.invoice_number,
                        crate::model::status::InvoiceStatus::from_code(&outcome.new_status)
                            .label()
                            .to_lowercase()
                    ))
                })
                .map_err(|e| e.to_string())
        });
    }

    /// « Compléter »: the attachments uploaded, then the completion with the comment.
    pub fn complete_invoice(&mut self, number: String, files: Vec<PathBuf>, comment: String) {
        let Some(connector) = self.connector.clone() else {
            self.notice(true, "Connexion à Chorus Pro non configurée");
            return;
        };
        let db = self.db_path.clone();
        self.start_job(JobKind::ReturnedAction, move |progress| {
            progress.update(0.2, &format!("Complément de {number}…"));
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            let company = company_of(&store, &number)?;
            let client = connector.client_for(&db, &company)?;
            let attachments: Vec<Attachment> = files.into_iter().map(Attachment::from).collect();
            returned::complete(&client, &store, &number, attachments, &comment)
                .map(|outcome| {
                    JobOutput::ReturnedDone(format!(
                        "Facture {} complétée : les pièces et le commentaire sont transmis",
                        outcome.invoice_number
                    ))
                })
                .map_err(|e| e.to_string())
        });
    }

    /// « À annuler par un avoir et à refacturer » for a rejected invoice.
    pub fn mark_for_credit_note(&mut self, number: String) {
        self.query(move |store| {
            let text = match returned::mark_for_credit_note(store.db(), &number) {
                Ok(true) => format!(
                    "Facture {number} marquée : à annuler par un avoir et à refacturer dans l'ERP"
                ),
                Ok(false) => format!("La facture {number} était déjà marquée pour un avoir"),
                Err(e) => {
                    return Reply::Notice(Notice {
                        error: true,
                        text: e.to_string(),
                    });
                }
            };
            Reply::Reload(text)
        });
    }

    /// « Corrigée, à redéposer »: the integration rejection no longer holds the invoice
    /// back; the checks run again.
    pub fn acknowledge_rejection(&mut self, number: String) {
        let db = self.db_path.clone();
        self.start_job(JobKind::SaveSettings, move |_| {
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            let now = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
            crate::store::tracking::acknowledge_rejections(store.db(), &number, &now)
                .map_err(|e| e.to_string())?;
            Ok(JobOutput::NeedsRecheck(format!(
                "Facture {number} indiquée corrigée : elle pourra être redéposée"
            )))
        });
    }
}

/// Name and size of each file (size 0 when unreadable: the checks say so when sending).
pub fn attachment_infos(files: Vec<PathBuf>) -> Vec<(PathBuf, AttachmentInfo)> {
    files
        .into_iter()
        .map(|path| {
            let info = AttachmentInfo {
                name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                size: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            };
            (path, info)
        })
        .collect()
}

fn company_of(store: &Store, number: &str) -> Result<String, String> {
    crate::store::erp::load_invoice(store.db(), number)
        .map_err(|e| e.to_string())?
        .map(|i| i.company_code)
        .ok_or_else(|| format!("la facture {number} n'est plus dans le miroir de l'ERP"))
}
