//! The actions on invoices Chorus Pro sent back (« Factures retournées »), wired with the
//! client and the store: recycle an invoice `A_RECYCLER`, complete one `SUSPENDUE`, mark one
//! `REJETEE` for a credit note. The rules are in [`crate::tracking::returned`].
//!
//! Each action is checked locally first (nothing is sent when a rule fails), written in
//! `invoice_actions` before the call (result EN_COURS), then finished with the local status
//! in one transaction, so that the status tree moves before the next sync. These calls block
//! (network, files, database): the window runs them on a worker thread.

use crate::checks::billing::resolve;
use crate::checks::snapshot::DirectorySnapshot;
use crate::chorus::factures::{
    CompleterRequest, ConsulterHistoriqueRequest, PieceJointeComplementaire, RecyclerDestinataire,
    RecyclerReference, RecyclerRequest,
};
use crate::chorus::transverses::AjouterFichierRequest;
use crate::chorus::{ChorusClient, ChorusError};
use crate::model::status::InvoiceStatus;
use crate::sql_params;
use crate::store::Store;
use crate::store::directory::{find_structure, services_of};
use crate::store::erp::{load_invoice, load_references};
use crate::store::returned as db;
use crate::store::sql::Sql;
use crate::tracking::returned::{
    AttachmentInfo, MAX_ATTACHMENT_BYTES, ReturnedAction, STATUS_AFTER_COMPLETE,
    STATUS_AFTER_RECYCLE, STATUS_REJECTED, attachment_extension, check_completion, check_recycle,
    mime_type,
};
use std::path::PathBuf;

pub use crate::store::returned::{ActionRow, CreditNoteDueRow, ReturnedRow};
pub use crate::tracking::returned::credit_notes_due_csv;
pub use crate::tracking::returned::{
    ALLOWED_ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_NAME_CHARS, RecycleForm,
};

/// Why an action was not done, in French for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnedError {
    /// Refused locally, before any call: the problems to show in the dialog.
    #[error("{} de {invoice} non envoyé : {}", .action.noun(), .problems.join(" ; "))]
    Invalid {
        action: ReturnedAction,
        invoice: String,
        problems: Vec<String>,
    },
    #[error(
        "La facture {0} n'est pas encore suivie sur Chorus Pro : lancez une synchronisation d'abord."
    )]
    NotTracked(String),
    #[error(
        "La facture {0} n'a pas encore d'identifiant Chorus Pro : lancez une synchronisation d'abord."
    )]
    NoChorusId(String),
    #[error(
        "{} impossible : la facture {invoice} est « {} » et non « {} ». Lancez une synchronisation si son statut a changé.",
        .action.noun(),
        InvoiceStatus::from_code(.status).label(),
        InvoiceStatus::from_code(.action.required_status()).label()
    )]
    WrongStatus {
        action: ReturnedAction,
        invoice: String,
        status: String,
    },
    /// Chorus Pro (or the network) refused the call; `message` is the client's French one.
    #[error("{} de {invoice} refusé par Chorus Pro : {message}", .action.noun())]
    Refused {
        action: ReturnedAction,
        invoice: String,
        message: String,
    },
    /// A read from Chorus Pro failed.
    #[error("Lecture de l'historique de {invoice} sur Chorus Pro impossible : {message}")]
    Chorus { invoice: String, message: String },
    /// The request did not reach Chorus Pro (connection settings, quota).
    #[error("{} de {invoice} non envoyé : {message}", .action.noun())]
    NotSent {
        action: ReturnedAction,
        invoice: String,
        message: String,
    },
    /// The request left but no usable answer came back.
    #[error(
        "{} de {invoice} : résultat inconnu ({message}). Chorus Pro l'a peut-être pris en compte : \
         lancez une synchronisation et vérifiez le statut de la facture avant de recommencer.",
        .action.noun()
    )]
    OutcomeUnknown {
        action: ReturnedAction,
        invoice: String,
        message: String,
    },
    #[error("Erreur de la base de données : {0}")]
    Store(String),
}

impl ReturnedError {
    /// The problems found locally (empty for the other errors).
    pub fn problems(&self) -> &[String] {
        match self {
            ReturnedError::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }
}

impl From<crate::store::sql::SqlError> for ReturnedError {
    fn from(e: crate::store::sql::SqlError) -> Self {
        ReturnedError::Store(e.to_string())
    }
}

/// What a successful action changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionOutcome {
    pub invoice_number: String,
    pub action: ReturnedAction,
    /// The local status now (DEPOSEE after a recycle, COMPLETEE after a completion).
    pub new_status: String,
    /// Chorus Pro's date of the action (`dateDepot` / `dateTraitement`), if given.
    pub chorus_date: Option<String>,
}

/// An attachment to send: a file on disk, or bytes already in memory (drag and drop…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    File(PathBuf),
    Bytes { name: String, bytes: Vec<u8> },
}

impl From<PathBuf> for Attachment {
    fn from(path: PathBuf) -> Self {
        Attachment::File(path)
    }
}

impl From<(String, Vec<u8>)> for Attachment {
    fn from((name, bytes): (String, Vec<u8>)) -> Self {
        Attachment::Bytes { name, bytes }
    }
}

impl Attachment {
    /// The name sent to Chorus Pro: the file's own name, without its folder.
    pub fn name(&self) -> String {
        match self {
            Attachment::File(path) => path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Attachment::Bytes { name, .. } => name.clone(),
        }
    }

    /// Name and size, without reading the file.
    fn info(&self) -> Result<AttachmentInfo, String> {
        let size = match self {
            Attachment::File(path) => std::fs::metadata(path)
                .map_err(|e| format!("Le fichier {} est illisible : {e}", path.display()))
                .and_then(|m| {
                    if m.is_file() {
                        Ok(m.len())
                    } else {
                        Err(format!("{} n'est pas un fichier.", path.display()))
                    }
                })?,
            Attachment::Bytes { bytes, .. } => bytes.len() as u64,
        };
        Ok(AttachmentInfo {
            name: self.name(),
            size,
        })
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        match self {
            Attachment::File(path) => std::fs::read(path)
                .map_err(|e| format!("Le fichier {} est illisible : {e}", path.display())),
            Attachment::Bytes { bytes, .. } => Ok(bytes.clone()),
        }
    }
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The invoice's link to Chorus Pro, refused unless it has the status `action` needs.
fn tracked(
    conn: &dyn Sql,
    invoice_number: &str,
    action: ReturnedAction,
) -> Result<db::ChorusLink, ReturnedError> {
    let link = db::chorus_link(conn, invoice_number)?
        .ok_or_else(|| ReturnedError::NotTracked(invoice_number.to_string()))?;
    if link.status.trim() != action.required_status() {
        return Err(ReturnedError::WrongStatus {
            action,
            invoice: invoice_number.to_string(),
            status: link.status.trim().to_string(),
        });
    }
    Ok(link)
}

/// How a failed call ended, for the message and the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// Chorus Pro processed the request and refused it.
    Refused,
    /// The request certainly did not reach Chorus Pro (settings, credentials, quota).
    NotSent,
    /// The request left, no usable answer came back: Chorus Pro may have acted on it.
    Unknown,
}

pub fn failure_kind(error: &ChorusError) -> FailureKind {
    match error.root() {
        ChorusError::Rejected { .. } | ChorusError::HttpStatus { .. } => FailureKind::Refused,
        ChorusError::Timeout { .. }
        | ChorusError::Unavailable { .. }
        | ChorusError::MalformedAnswer { .. } => FailureKind::Unknown,
        _ => FailureKind::NotSent,
    }
}

/// Ends a started action with the call's error, and gives the error to show. `context`
/// names the step that failed (an attachment's upload).
fn failed(
    conn: &dyn Sql,
    action_id: i64,
    action: ReturnedAction,
    invoice_number: &str,
    error: &ChorusError,
    context: Option<&str>,
) -> ReturnedError {
    let message = match context {
        Some(step) => format!("{step} : {error}"),
        None => error.to_string(),
    };
    let invoice = invoice_number.to_string();
    let (error, result) = match failure_kind(error) {
        FailureKind::Refused => (
            ReturnedError::Refused {
                action,
                invoice,
                message,
            },
            db::RESULT_ERROR,
        ),
        FailureKind::NotSent => (
            ReturnedError::NotSent {
                action,
                invoice,
                message,
            },
            db::RESULT_ERROR,
        ),
        FailureKind::Unknown => (
            ReturnedError::OutcomeUnknown {
                action,
                invoice,
                message,
            },
            db::RESULT_UNKNOWN,
        ),
    };
    if let Err(e) = db::finish_action_with(conn, action_id, result, &error.to_string()) {
        tracing::warn!("action {action_id} non terminée dans la base : {e}");
    }
    error
}

/// Ends a successful action and moves the local status, together (with the new routing
/// data of a recycle).
fn succeeded(
    conn: &dyn Sql,
    action_id: i64,
    invoice_number: &str,
    status: &str,
    routing: Option<&RecycleForm>,
) -> Result<(), ReturnedError> {
    let at = now();
    conn.in_transaction(&mut |tx| {
        db::finish_action(tx, action_id, "")?;
        db::set_status(tx, invoice_number, status, &at)?;
        if let Some(form) = routing {
            db::record_routing(
                tx,
                invoice_number,
                &form.siret,
                &form.service_code,
                &form.engagement_number,
                &at,
            )?;
        }
        Ok(())
    })?;
    Ok(())
}

// ---- À recycler ------------------------------------------------------------------------------

/// The recycle form prefilled from the invoice's current billing data: the values of its
/// last successful recycle if it had one, else the ERP mirror's (the client's SIRET, the
/// invoice's service code and engagement, or its origin reference's). An invoice missing
/// from the mirror gives an empty form.
pub fn recycle_form(conn: &dyn Sql, invoice_number: &str) -> Result<RecycleForm, ReturnedError> {
    if let Some((siret, service_code, engagement_number)) = db::routing_of(conn, invoice_number)? {
        return Ok(RecycleForm {
            siret,
            service_code,
            engagement_number,
        });
    }
    let Some(invoice) = load_invoice(conn, invoice_number)? else {
        return Ok(RecycleForm::default());
    };
    let siret = conn
        .first_row(
            "SELECT siret FROM clients WHERE code = ?1",
            sql_params![&invoice.client_code],
            |r| r.text(0),
        )?
        .unwrap_or_default();
    let reference = if invoice.origin_reference.trim().is_empty() {
        None
    } else {
        load_references(conn)?
            .into_iter()
            .find(|r| r.reference == invoice.origin_reference)
    };
    let billing = resolve(&invoice, reference.as_ref());
    Ok(RecycleForm::prefilled(&siret, &billing))
}

/// The part of the cached directory a form needs: its structure and that one's services.
pub fn directory_for(conn: &dyn Sql, siret: &str) -> Result<DirectorySnapshot, ReturnedError> {
    let siret = crate::model::siret::normalize(siret);
    let mut snapshot = DirectorySnapshot::default();
    if let Some(structure) = find_structure(conn, &siret)? {
        snapshot.insert_structure(structure);
        for service in services_of(conn, &siret)? {
            snapshot.insert_service(service);
        }
    }
    Ok(snapshot)
}

/// The problems of a recycle form, for the dialog to show as the user types (French; empty
/// = « Recycler » may be clicked).
pub fn check_recycle_form(
    conn: &dyn Sql,
    invoice_number: &str,
    form: &RecycleForm,
) -> Result<Vec<String>, ReturnedError> {
    let original = recycle_form(conn, invoice_number)?;
    let directory = directory_for(conn, &form.siret)?;
    Ok(check_recycle(form, &original, &directory))
}

/// Recycles an invoice `A_RECYCLER` with the corrected routing data (`recyclerFacture`).
/// The form is checked against the cached directory first: on a problem nothing is sent.
/// `comment` goes to the recipient with the invoice.
pub fn recycle(
    client: &ChorusClient,
    store: &Store,
    invoice_number: &str,
    form: &RecycleForm,
    comment: Option<&str>,
) -> Result<ActionOutcome, ReturnedError> {
    let action = ReturnedAction::Recycle;
    let conn = store.db();
    let link = tracked(conn, invoice_number, action)?;
    let cpp_id = link
        .cpp_id
        .ok_or_else(|| ReturnedError::NoChorusId(invoice_number.to_string()))?;
    let original = recycle_form(conn, invoice_number)?;
    let form = form.normalized();
    let problems = check_recycle(&form, &original, &directory_for(conn, &form.siret)?);
    if !problems.is_empty() {
        return Err(ReturnedError::Invalid {
            action,
            invoice: invoice_number.to_string(),
            problems,
        });
    }
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let mut detail = form.describe();
    if let Some(c) = comment {
        detail.push_str(&format!(" ; commentaire : {c}"));
    }
    let engagement_changed = form.engagement_number != original.normalized().engagement_number;
    let request = RecyclerRequest {
        identifiant_facture_cpp: cpp_id,
        destinataire: RecyclerDestinataire {
            code_destinataire: form.siret.clone(),
            code_service_executant: Some(form.service_code.clone()).filter(|s| !s.is_empty()),
        },
        reference: engagement_changed.then(|| RecyclerReference {
            numero_bon_commande: Some(form.engagement_number.clone()),
        }),
        commentaire: comment.map(str::to_string),
        id_utilisateur_courant: None,
    };
    let action_id = db::begin_action(conn, invoice_number, action.code(), &now(), &detail)?;
    let answer = client
        .recycler(&request)
        .map_err(|e| failed(conn, action_id, action, invoice_number, &e, None))?;
    let new_status = answer
        .statut_facture
        .as_ref()
        .map(|s| s.code().to_string())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| STATUS_AFTER_RECYCLE.to_string());
    succeeded(conn, action_id, invoice_number, &new_status, Some(&form))?;
    Ok(ActionOutcome {
        invoice_number: invoice_number.to_string(),
        action,
        new_status,
        chorus_date: answer.date_depot,
    })
}

// ---- Suspendue -------------------------------------------------------------------------------

/// The problems of a completion, for the dialog (French; empty = « Compléter » may be
/// clicked). Reads the files' sizes, not their content.
pub fn check_completion_form(attachments: &[Attachment], comment: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut infos = Vec::new();
    for attachment in attachments {
        match attachment.info() {
            Ok(info) => infos.push(info),
            Err(problem) => problems.push(problem),
        }
    }
    let mut rules = check_completion(&infos, comment);
    if !problems.is_empty() {
        // An unreadable file still counts as "an attachment was given".
        rules.retain(|p| !p.starts_with("Ajoutez au moins"));
    }
    problems.extend(rules);
    problems
}

/// Completes an invoice `SUSPENDUE`: uploads each attachment (`ajouter/fichier`), then
/// `completerFacture` with their ids and the comment. Everything is checked before the
/// first upload: names (≤ 50 characters), extensions, sizes (≤ 10 Mo), readable files.
pub fn complete(
    client: &ChorusClient,
    store: &Store,
    invoice_number: &str,
    attachments: Vec<Attachment>,
    comment: &str,
) -> Result<ActionOutcome, ReturnedError> {
    let action = ReturnedAction::Complete;
    let conn = store.db();
    let link = tracked(conn, invoice_number, action)?;
    let cpp_id = link
        .cpp_id
        .ok_or_else(|| ReturnedError::NoChorusId(invoice_number.to_string()))?;
    let invalid = |problems: Vec<String>| ReturnedError::Invalid {
        action,
        invoice: invoice_number.to_string(),
        problems,
    };
    let problems = check_completion_form(&attachments, comment);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    // Read every file before sending anything: a file gone meanwhile stops it all.
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for attachment in &attachments {
        match attachment.bytes() {
            Ok(bytes) if bytes.len() as u64 > MAX_ATTACHMENT_BYTES => problems.push(format!(
                "La pièce jointe « {} » dépasse maintenant 10 Mo.",
                attachment.name()
            )),
            Ok(bytes) => files.push((attachment.name(), bytes)),
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let comment = comment.trim();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut detail = if names.is_empty() {
        "Aucune pièce jointe".to_string()
    } else {
        format!("Pièces jointes : {}", names.join(", "))
    };
    if !comment.is_empty() {
        detail.push_str(&format!(" ; commentaire : {comment}"));
    }
    let action_id = db::begin_action(conn, invoice_number, action.code(), &now(), &detail)?;
    let mut pieces = Vec::new();
    for (name, bytes) in &files {
        let extension = attachment_extension(name).unwrap_or_default();
        let request = AjouterFichierRequest::new(name, bytes, mime_type(&extension), &extension);
        let uploaded = client.ajouter_fichier(&request).map_err(|e| {
            let step = format!("envoi de la pièce jointe « {name} »");
            failed(conn, action_id, action, invoice_number, &e, Some(&step))
        })?;
        let Some(id) = uploaded.piece_jointe_id else {
            let error = ReturnedError::Refused {
                action,
                invoice: invoice_number.to_string(),
                message: format!(
                    "la pièce jointe « {name} » a été reçue sans identifiant (pieceJointeId) ; réessayez."
                ),
            };
            let _ = db::finish_action(conn, action_id, &error.to_string());
            return Err(error);
        };
        pieces.push(PieceJointeComplementaire {
            piece_jointe_complementaire_designation: Some(name.clone()),
            piece_jointe_complementaire_id: Some(id),
            ..PieceJointeComplementaire::default()
        });
    }
    let request = CompleterRequest {
        identifiant_facture_cpp: cpp_id,
        commentaire: Some(comment.to_string()).filter(|c| !c.is_empty()),
        piece_jointe_complementaire: pieces,
        id_utilisateur_courant: None,
    };
    let answer = client
        .completer(&request)
        .map_err(|e| failed(conn, action_id, action, invoice_number, &e, None))?;
    succeeded(conn, action_id, invoice_number, STATUS_AFTER_COMPLETE, None)?;
    Ok(ActionOutcome {
        invoice_number: invoice_number.to_string(),
        action,
        new_status: STATUS_AFTER_COMPLETE.to_string(),
        chorus_date: answer.date_traitement,
    })
}

// ---- Rejetée ---------------------------------------------------------------------------------

/// The recipient's comment on the invoice's last `status` (A_RECYCLER, SUSPENDUE, REJETEE),
/// from the history the sync keeps.
pub fn recipient_comment(
    conn: &dyn Sql,
    invoice_number: &str,
    status: &str,
) -> Result<Option<String>, ReturnedError> {
    Ok(db::last_comment_of_status(conn, invoice_number, status)?)
}

/// The recipient's comment on the invoice's last `status`, asked to Chorus Pro
/// (`consulter/historique`) when the local history does not hold it yet. Nothing is written:
/// the history is the sync's.
pub fn fetch_recipient_comment(
    client: &ChorusClient,
    conn: &dyn Sql,
    invoice_number: &str,
    status: &str,
) -> Result<Option<String>, ReturnedError> {
    if let Some(comment) = recipient_comment(conn, invoice_number, status)? {
        return Ok(Some(comment));
    }
    let Some(link) = db::chorus_link(conn, invoice_number)? else {
        return Err(ReturnedError::NotTracked(invoice_number.to_string()));
    };
    let cpp_id = link
        .cpp_id
        .ok_or_else(|| ReturnedError::NoChorusId(invoice_number.to_string()))?;
    let answer = client
        .consulter_historique(&ConsulterHistoriqueRequest {
            id_facture: cpp_id,
            ..ConsulterHistoriqueRequest::default()
        })
        .map_err(|e| ReturnedError::Chorus {
            invoice: invoice_number.to_string(),
            message: e.to_string(),
        })?;
    let mut steps: Vec<_> = answer
        .historiques_des_statuts
        .map(|h| h.histo_statut)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| h.histo_statut_code.as_ref().map(|c| c.code()) == Some(status))
        .filter_map(|h| {
            let comment = h.histo_statut_commentaire?.trim().to_string();
            (!comment.is_empty())
                .then(|| (h.histo_statut_date_passage.unwrap_or_default(), comment))
        })
        .collect();
    steps.sort();
    Ok(steps.pop().map(|(_, comment)| comment))
}

/// Why the recipient rejected the invoice (None: no comment known yet).
pub fn rejection_reason(
    conn: &dyn Sql,
    invoice_number: &str,
) -> Result<Option<String>, ReturnedError> {
    recipient_comment(conn, invoice_number, STATUS_REJECTED)
}

/// Marks a rejected invoice « à annuler par un avoir et à refacturer » in the local mirror,
/// for the ERP. False if it already was (nothing written twice).
pub fn mark_for_credit_note(conn: &dyn Sql, invoice_number: &str) -> Result<bool, ReturnedError> {
    let action = ReturnedAction::CreditNote;
    tracked(conn, invoice_number, action)?;
    let reason = rejection_reason(conn, invoice_number)?.unwrap_or_default();
    let at = now();
    let detail = if reason.is_empty() {
        "Motif du rejet non communiqué".to_string()
    } else {
        format!("Motif du rejet : {reason}")
    };
    conn.transaction(|tx| {
        if !db::insert_credit_note_due(tx, invoice_number, &at, &reason)? {
            return Ok(false);
        }
        let id = db::begin_action(tx, invoice_number, action.code(), &at, &detail)?;
        db::finish_action(tx, id, "")?;
        Ok(true)
    })
}

/// The rejected invoices to cancel by a credit note and invoice again in the ERP.
pub fn credit_notes_due(conn: &dyn Sql) -> Result<Vec<CreditNoteDueRow>, ReturnedError> {
    Ok(db::credit_notes_due(conn)?)
}

/// The invoices Chorus Pro sent back (local status A_RECYCLER, SUSPENDUE or REJETEE), with
/// the recipient's comment and whether a rejected one is already marked for a credit note.
pub fn returned_invoices(conn: &dyn Sql) -> Result<Vec<ReturnedRow>, ReturnedError> {
    Ok(db::returned_rows(conn)?)
}

pub fn is_marked_for_credit_note(
    conn: &dyn Sql,
    invoice_number: &str,
) -> Result<bool, ReturnedError> {
    Ok(db::is_credit_note_due(conn, invoice_number)?)
}

// ---- timeline ----------------------------------------------------------------------------------

/// One action on an invoice, ready for its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionEntry {
    pub at: String,
    /// « Recyclage », « Complément (pièces jointes / commentaire) », …
    pub label: String,
    pub detail: String,
    /// « Réussi », « Échec : … », « Résultat inconnu (interrompu) ».
    pub result: String,
    pub succeeded: bool,
}

/// The actions taken on an invoice, oldest first.
pub fn actions_of(conn: &dyn Sql, invoice_number: &str) -> Result<Vec<ActionEntry>, ReturnedError> {
    Ok(db::actions_of(conn, invoice_number)?
        .into_iter()
        .map(|row| {
            let label = ReturnedAction::from_code(&row.action)
                .map(|a| a.label().to_string())
                .unwrap_or_else(|| row.action.clone());
            let (result, succeeded) = match row.result.as_str() {
                db::RESULT_OK => ("Réussi".to_string(), true),
                db::RESULT_ERROR => (format!("Échec : {}", row.error), false),
                db::RESULT_UNKNOWN => (format!("Résultat inconnu : {}", row.error), false),
                _ => (
                    "Résultat inconnu (interrompu) : vérifiez le statut après la prochaine synchronisation"
                        .to_string(),
                    false,
                ),
            };
            ActionEntry {
                at: row.at,
                label,
                detail: row.detail,
                result,
                succeeded,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(number: &str, status: &str) -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO chorus_invoices (invoice_number, company_code, cpp_id, status)
                 VALUES (?1, 'S1', 42, ?2)",
                [number, status],
            )
            .unwrap();
        store
    }

    #[test]
    fn a_rejected_invoice_is_marked_once_with_its_reason() {
        let store = store_with("F0001", "REJETEE");
        let conn = store.db();
        conn.execute(
            "INSERT INTO status_history (invoice_number, status, at, comment)
             VALUES ('F0001', 'REJETEE', '2026-11-20T10:00:00', 'Montant erroné')",
            &[],
        )
        .unwrap();
        assert_eq!(
            rejection_reason(conn, "F0001").unwrap().as_deref(),
            Some("Montant erroné")
        );
        assert!(mark_for_credit_note(conn, "F0001").unwrap());
        assert!(!mark_for_credit_note(conn, "F0001").unwrap());
        let due = credit_notes_due(conn).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].reason, "Montant erroné");
        assert_eq!(due[0].company_code, "S1");
        let timeline = actions_of(conn, "F0001").unwrap();
        assert_eq!(timeline.len(), 1);
        assert!(timeline[0].succeeded);
        assert!(timeline[0].detail.contains("Montant erroné"));
    }

    #[test]
    fn actions_need_the_right_status() {
        let store = store_with("F0002", "MISE_A_DISPOSITION");
        let err = mark_for_credit_note(store.db(), "F0002").unwrap_err();
        assert!(err.to_string().contains("« Mise à disposition »"), "{err}");
        assert!(err.to_string().contains("« Rejetée »"), "{err}");
        let err = mark_for_credit_note(store.db(), "F9999").unwrap_err();
        assert_eq!(err, ReturnedError::NotTracked("F9999".into()));
        assert!(credit_notes_due(store.db()).unwrap().is_empty());
    }

    #[test]
    fn completion_form_reads_sizes_and_reports_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("bon_livraison.pdf");
        std::fs::write(&ok, b"%PDF-1.7").unwrap();
        assert!(check_completion_form(&[Attachment::File(ok)], "").is_empty());
        let gone = dir.path().join("absent.pdf");
        let p = check_completion_form(&[Attachment::File(gone)], "");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("illisible"), "{p:?}");
        let p = check_completion_form(&[("a.exe".to_string(), vec![1]).into()], "");
        assert!(p[0].contains(".exe"), "{p:?}");
    }

    #[test]
    fn failures_are_told_apart() {
        let rejected = ChorusError::Rejected {
            code_retour: 20004,
            libelle: "x".into(),
            http_status: 400,
        };
        assert_eq!(failure_kind(&rejected), FailureKind::Refused);
        let timeout = ChorusError::Timeout {
            route: "r".into(),
            after: std::time::Duration::from_secs(30),
        };
        assert_eq!(failure_kind(&timeout), FailureKind::Unknown);
        let quota = ChorusError::QuotaExceeded { retry_after: None };
        assert_eq!(failure_kind(&quota), FailureKind::NotSent);

        let store = store_with("F0004", "SUSPENDUE");
        let id = db::begin_action(store.db(), "F0004", "COMPLETER", "t", "d").unwrap();
        let err = failed(
            store.db(),
            id,
            ReturnedAction::Complete,
            "F0004",
            &timeout,
            None,
        );
        assert!(
            err.to_string()
                .starts_with("Complément de F0004 : résultat inconnu"),
            "{err}"
        );
        let t = actions_of(store.db(), "F0004").unwrap();
        assert!(t[0].result.starts_with("Résultat inconnu : "), "{t:?}");
        let err = failed(
            store.db(),
            id,
            ReturnedAction::Recycle,
            "F0004",
            &rejected,
            None,
        );
        assert!(
            err.to_string()
                .starts_with("Recyclage de F0004 refusé par Chorus Pro : Chorus Pro a refusé"),
            "{err}"
        );
    }

    #[test]
    fn an_unfinished_action_shows_as_unknown() {
        let store = store_with("F0003", "A_RECYCLER");
        let id = db::begin_action(store.db(), "F0003", "RECYCLER", "t", "d").unwrap();
        let t = actions_of(store.db(), "F0003").unwrap();
        assert!(t[0].result.contains("inconnu"));
        db::finish_action(store.db(), id, "boom").unwrap();
        let t = actions_of(store.db(), "F0003").unwrap();
        assert_eq!(t[0].result, "Échec : boom");
    }
}
