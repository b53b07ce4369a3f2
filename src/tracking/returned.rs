//! Invoices Chorus Pro sent back to the supplier, and what may be done about them
//! (chorus-api.md §2.10, §2.11, §4.1):
//!
//! - **À recycler** (`A_RECYCLER`): wrong routing data. Only the recipient's SIRET, its
//!   service code and the engagement number may change → `recyclerFacture`.
//! - **Suspendue** (`SUSPENDUE`): a justification is missing. Attachments and / or a comment
//!   are added → `completerFacture` → `COMPLETEE`.
//! - **Rejetée** (`REJETEE`): final. The invoice is cancelled by a credit note in the ERP and
//!   invoiced again.
//!
//! Pure: the rules read a [`DirectorySnapshot`] and the attachments' names and sizes; the
//! wiring with the client and the store is in `app::returned`.

use crate::checks::anomaly::Anomaly;
use crate::checks::billing::{BillingData, Resolved, Source};
use crate::checks::rules::{MAX_ENGAGEMENT_CHARS, directory_rules};
use crate::checks::snapshot::{CheckData, DirectorySnapshot};
use crate::model::directory::RESERVED_SERVICE_CODE;
use crate::model::siret::normalize;

// ---- statuses and actions ------------------------------------------------------------------

pub const STATUS_TO_RECYCLE: &str = "A_RECYCLER";
pub const STATUS_SUSPENDED: &str = "SUSPENDUE";
pub const STATUS_REJECTED: &str = "REJETEE";
/// After `recycler` when the answer gives no status (the documented sample says DEPOSEE).
pub const STATUS_AFTER_RECYCLE: &str = "DEPOSEE";
/// After `completer` (its answer carries no status).
pub const STATUS_AFTER_COMPLETE: &str = "COMPLETEE";

/// What the user did about a returned invoice (`invoice_actions.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReturnedAction {
    Recycle,
    Complete,
    CreditNote,
}

impl ReturnedAction {
    pub fn code(self) -> &'static str {
        match self {
            ReturnedAction::Recycle => "RECYCLER",
            ReturnedAction::Complete => "COMPLETER",
            ReturnedAction::CreditNote => "AVOIR_A_EMETTRE",
        }
    }

    pub fn from_code(code: &str) -> Option<ReturnedAction> {
        match code {
            "RECYCLER" => Some(ReturnedAction::Recycle),
            "COMPLETER" => Some(ReturnedAction::Complete),
            "AVOIR_A_EMETTRE" => Some(ReturnedAction::CreditNote),
            _ => None,
        }
    }

    /// For the invoice's timeline.
    pub fn label(self) -> &'static str {
        match self {
            ReturnedAction::Recycle => "Recyclage",
            ReturnedAction::Complete => "Complément (pièces jointes / commentaire)",
            ReturnedAction::CreditNote => "À annuler par un avoir et à refacturer",
        }
    }

    /// The status an invoice must have for this action.
    pub fn required_status(self) -> &'static str {
        match self {
            ReturnedAction::Recycle => STATUS_TO_RECYCLE,
            ReturnedAction::Complete => STATUS_SUSPENDED,
            ReturnedAction::CreditNote => STATUS_REJECTED,
        }
    }

    /// The French verb phrase of the error messages (« Recyclage de F0001 refusé »).
    pub fn noun(self) -> &'static str {
        match self {
            ReturnedAction::Recycle => "Recyclage",
            ReturnedAction::Complete => "Complément",
            ReturnedAction::CreditNote => "Marquage pour avoir",
        }
    }
}

// ---- À recycler ------------------------------------------------------------------------------

/// The three values a recycled invoice may change, as the dialog edits them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecycleForm {
    /// The recipient's SIRET (`codeDestinataire`).
    pub siret: String,
    /// `codeServiceExecutant`; empty = none.
    pub service_code: String,
    /// N° d'engagement (`numeroBonCommande`); empty = none.
    pub engagement_number: String,
}

impl RecycleForm {
    /// Prefilled from the invoice's current billing data.
    pub fn prefilled(client_siret: &str, billing: &BillingData) -> RecycleForm {
        RecycleForm {
            siret: normalize(client_siret),
            service_code: billing.service_code.value.clone(),
            engagement_number: billing.engagement_number.value.clone(),
        }
    }

    /// Spaces removed from the SIRET, the others trimmed: what is checked and sent.
    pub fn normalized(&self) -> RecycleForm {
        RecycleForm {
            siret: normalize(&self.siret),
            service_code: self.service_code.trim().to_string(),
            engagement_number: self.engagement_number.trim().to_string(),
        }
    }

    /// One line for the timeline.
    pub fn describe(&self) -> String {
        let or_none = |v: &str| {
            if v.is_empty() {
                "aucun".to_string()
            } else {
                v.to_string()
            }
        };
        format!(
            "SIRET {}, code service {}, n° d'engagement {}",
            self.siret,
            or_none(&self.service_code),
            or_none(&self.engagement_number)
        )
    }
}

/// The problems that keep a recycle from being sent, in French; empty = it may be sent.
/// `original` is the form as prefilled (nothing changed = nothing to recycle). The
/// directory rules are the deposit checks' own ([`directory_rules`]).
pub fn check_recycle(
    form: &RecycleForm,
    original: &RecycleForm,
    directory: &DirectorySnapshot,
) -> Vec<String> {
    let form = form.normalized();
    let mut problems = Vec::new();
    if form == original.normalized() {
        problems.push(
            "Rien n'a été modifié : corrigez le SIRET, le code service ou le n° d'engagement \
             indiqué par le destinataire avant de recycler la facture."
                .to_string(),
        );
    }
    let billing = BillingData {
        service_code: typed(&form.service_code),
        engagement_number: typed(&form.engagement_number),
        market_number: typed(""),
    };
    let data = CheckData {
        directory: directory.clone(),
        ..CheckData::default()
    };
    let mut found: Vec<Anomaly> = Vec::new();
    directory_rules("destinataire", &form.siret, &billing, &data, &mut found);
    problems.extend(found.into_iter().map(|a| a.message));
    if form.service_code == RESERVED_SERVICE_CODE {
        problems.push(format!(
            "Le code service {RESERVED_SERVICE_CODE} est réservé aux factures entre entités publiques"
        ));
    }
    let engagement_chars = form.engagement_number.chars().count();
    if engagement_chars > MAX_ENGAGEMENT_CHARS {
        problems.push(format!(
            "Le n° d'engagement « {} » compte {engagement_chars} caractères, {MAX_ENGAGEMENT_CHARS} au plus sont acceptés",
            form.engagement_number
        ));
    }
    problems
}

fn typed(value: &str) -> Resolved {
    Resolved {
        value: value.trim().to_string(),
        source: if value.trim().is_empty() {
            Source::None
        } else {
            Source::Invoice
        },
    }
}

// ---- Suspendue -------------------------------------------------------------------------------

/// « Pièces jointes dans Chorus Pro : quelques règles à respecter »: at most 50 characters,
/// extension included (chorus-api.md §3.2, from [OCA] citing the communauté page).
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 50;
/// 10 Mo per attachment (error 20003 of ajouterFichierDansSysteme, chorus-api.md §2.3).
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The whole « dossier de facturation »: 120 Mo (chorus-api.md §3.2).
pub const MAX_TOTAL_ATTACHMENT_BYTES: u64 = 120 * 1024 * 1024;
/// The extensions Chorus Pro accepts for an attachment, upper case. Source: [OCA]
/// `account_move.py`, citing the communauté page on attachments (chorus-api.md §3.2); not
/// confirmed by an AIFE specification — kept in this one constant so it is easy to change.
pub const ALLOWED_ATTACHMENT_EXTENSIONS: &[&str] = &[
    "BMP", "BZ2", "CSV", "DOC", "DOCX", "FAX", "GIF", "GZ", "GZIP", "HTM", "HTML", "JPEG", "JPG",
    "ODP", "ODS", "ODT", "P7S", "PDF", "PNG", "PPS", "PPT", "PPTX", "RTF", "SVG", "TGZ", "TIF",
    "TIFF", "TXT", "XHTML", "XLC", "XLM", "XLS", "XLSX", "XML", "ZIP",
];

/// What the rules need to know of an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// The name sent to Chorus Pro (the file's name, without its folder).
    pub name: String,
    pub size: u64,
}

/// The extension of `name`, upper case, if it has one.
pub fn attachment_extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.trim().is_empty() || ext.is_empty() {
        return None;
    }
    Some(ext.to_ascii_uppercase())
}

/// A name of at most 50 characters keeping the extension: the suggestion of the message.
pub fn shortened_name(name: &str) -> String {
    if name.chars().count() <= MAX_ATTACHMENT_NAME_CHARS {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() < MAX_ATTACHMENT_NAME_CHARS - 1 => {
            let keep = MAX_ATTACHMENT_NAME_CHARS - 1 - ext.chars().count();
            let stem: String = stem.chars().take(keep).collect();
            format!("{}.{ext}", stem.trim_end())
        }
        _ => name.chars().take(MAX_ATTACHMENT_NAME_CHARS).collect(),
    }
}

fn megabytes(bytes: u64) -> String {
    crate::model::format_size(bytes)
}

/// The problems of one attachment, in French.
pub fn check_attachment(attachment: &AttachmentInfo) -> Vec<String> {
    let mut problems = Vec::new();
    let name = attachment.name.as_str();
    if name.trim().is_empty() {
        problems.push("Une pièce jointe n'a pas de nom.".to_string());
        return problems;
    }
    let chars = name.chars().count();
    if chars > MAX_ATTACHMENT_NAME_CHARS {
        problems.push(format!(
            "Le nom de la pièce jointe « {name} » compte {chars} caractères : Chorus Pro en accepte \
             {MAX_ATTACHMENT_NAME_CHARS} au plus, extension comprise. Renommez le fichier, par \
             exemple « {} ».",
            shortened_name(name)
        ));
    }
    match attachment_extension(name) {
        None => problems.push(format!(
            "La pièce jointe « {name} » n'a pas d'extension : Chorus Pro exige une extension \
             parmi {}.",
            ALLOWED_ATTACHMENT_EXTENSIONS.join(", ")
        )),
        Some(ext) if !ALLOWED_ATTACHMENT_EXTENSIONS.contains(&ext.as_str()) => {
            problems.push(format!(
                "La pièce jointe « {name} » a l'extension .{} que Chorus Pro refuse ; formats \
                 acceptés : {}. Convertissez-la, en PDF par exemple.",
                ext.to_ascii_lowercase(),
                ALLOWED_ATTACHMENT_EXTENSIONS.join(", ")
            ))
        }
        Some(_) => {}
    }
    if attachment.size > MAX_ATTACHMENT_BYTES {
        problems.push(format!(
            "La pièce jointe « {name} » pèse {} : Chorus Pro refuse les pièces jointes de plus \
             de 10 Mo. Compressez-la ou découpez-la.",
            megabytes(attachment.size)
        ));
    } else if attachment.size == 0 {
        problems.push(format!("La pièce jointe « {name} » est vide."));
    }
    problems
}

/// The problems of a completion, in French; empty = it may be sent. Chorus Pro's
/// `completerFacture` takes a comment and attachments, both optional in the request
/// (chorus-api.md §2.11); a completion with neither would tell the recipient nothing, so one
/// of them is required here.
pub fn check_completion(attachments: &[AttachmentInfo], comment: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if attachments.is_empty() && comment.trim().is_empty() {
        problems.push(
            "Ajoutez au moins une pièce jointe ou un commentaire pour compléter la facture."
                .to_string(),
        );
    }
    for attachment in attachments {
        problems.extend(check_attachment(attachment));
    }
    let mut seen = std::collections::HashSet::new();
    for attachment in attachments {
        if !seen.insert(attachment.name.to_lowercase()) {
            problems.push(format!(
                "La pièce jointe « {} » est ajoutée deux fois.",
                attachment.name
            ));
        }
    }
    let total: u64 = attachments.iter().map(|a| a.size).sum();
    if total > MAX_TOTAL_ATTACHMENT_BYTES {
        problems.push(format!(
            "Les pièces jointes pèsent {} en tout : un dossier de facturation Chorus Pro ne \
             dépasse pas 120 Mo.",
            megabytes(total)
        ));
    }
    problems
}

/// The MIME type sent with an attachment (`pieceJointeTypeMime`).
pub fn mime_type(extension: &str) -> &'static str {
    match extension.to_ascii_uppercase().as_str() {
        "PDF" => "application/pdf",
        "XML" => "application/xml",
        "TXT" => "text/plain",
        "CSV" => "text/csv",
        "HTM" | "HTML" => "text/html",
        "XHTML" => "application/xhtml+xml",
        "RTF" => "application/rtf",
        "PNG" => "image/png",
        "JPG" | "JPEG" => "image/jpeg",
        "GIF" => "image/gif",
        "BMP" => "image/bmp",
        "TIF" | "TIFF" | "FAX" => "image/tiff",
        "SVG" => "image/svg+xml",
        "ZIP" => "application/zip",
        "GZ" | "GZIP" | "TGZ" => "application/gzip",
        "BZ2" => "application/x-bzip2",
        "DOC" => "application/msword",
        "DOCX" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "XLS" | "XLC" | "XLM" => "application/vnd.ms-excel",
        "XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "PPT" | "PPS" => "application/vnd.ms-powerpoint",
        "PPTX" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ODT" => "application/vnd.oasis.opendocument.text",
        "ODS" => "application/vnd.oasis.opendocument.spreadsheet",
        "ODP" => "application/vnd.oasis.opendocument.presentation",
        "P7S" => "application/pkcs7-signature",
        _ => "application/octet-stream",
    }
}

// ---- Rejetée: the credit notes to issue in the ERP ------------------------------------------

/// Column headers of the « avoirs à émettre » export.
pub const CREDIT_NOTES_DUE_HEADER: [&str; 9] = [
    "Facture",
    "Société",
    "Code client",
    "Client",
    "Date de facture",
    "Montant TTC",
    "Devise",
    "Motif du rejet",
    "Marquée le",
];

/// `YYYY-MM-DD…` → `JJ/MM/AAAA`; anything else as it comes.
fn french_date(text: &str) -> String {
    let day = text.get(..10).unwrap_or(text);
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| text.to_string())
}

/// The rejected invoices to cancel by a credit note and invoice again, in the house CSV
/// format (UTF-8 with a BOM, `;`, CRLF, decimal commas, dates `JJ/MM/AAAA`).
pub fn credit_notes_due_csv(
    rows: &[crate::store::returned::CreditNoteDueRow],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = crate::model::spreadsheet_csv::SpreadsheetCsv::new(CREDIT_NOTES_DUE_HEADER)?;
    for r in rows {
        writer.row([
            r.invoice_number.as_str(),
            r.company_code.as_str(),
            r.client_code.as_str(),
            r.client_name.as_str(),
            &french_date(&r.invoice_date),
            &r.total_incl_tax.replace('.', ","),
            r.currency.as_str(),
            r.reason.as_str(),
            &french_date(&r.marked_at),
        ])?;
    }
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Service, Structure};

    const COMMUNE: &str = "21690001900016"; // service required
    const HOSPITAL: &str = "26690002000017"; // engagement required
    const LYCEE: &str = "19690555500019"; // nothing required
    const INACTIVE: &str = "20000444400016";
    const UNKNOWN_VALID: &str = "73282932000074";

    fn directory() -> DirectorySnapshot {
        let mut d = DirectorySnapshot::default();
        let s = |id: &str, service: bool, engagement: bool, active: bool| Structure {
            identifier: id.into(),
            identifier_type: 1,
            name: format!("Structure {id}"),
            service_required: service,
            engagement_required: engagement,
            active,
            ..Structure::default()
        };
        d.insert_structure(s(COMMUNE, true, false, true));
        d.insert_structure(s(HOSPITAL, false, true, true));
        d.insert_structure(s(LYCEE, false, false, true));
        d.insert_structure(s(INACTIVE, false, false, false));
        let sv = |id: &str, code: &str, engagement: bool, active: bool| Service {
            structure_identifier: id.into(),
            code: code.into(),
            name: code.into(),
            engagement_required: engagement,
            active,
            ..Service::default()
        };
        d.insert_service(sv(COMMUNE, "SERV-FIN", false, true));
        d.insert_service(sv(COMMUNE, "SERV-TECH", true, true));
        d.insert_service(sv(COMMUNE, "SERV-ANCIEN", false, false));
        d.insert_service(sv(HOSPITAL, "ACHATS", false, true));
        d
    }

    fn form(siret: &str, service: &str, engagement: &str) -> RecycleForm {
        RecycleForm {
            siret: siret.into(),
            service_code: service.into(),
            engagement_number: engagement.into(),
        }
    }

    fn original() -> RecycleForm {
        form(COMMUNE, "SERV-ANCIEN", "")
    }

    fn problems(f: RecycleForm) -> Vec<String> {
        check_recycle(&f, &original(), &directory())
    }

    #[test]
    fn a_corrected_service_passes() {
        assert_eq!(
            problems(form(COMMUNE, "SERV-FIN", "")),
            Vec::<String>::new()
        );
        // Spaces in the SIRET do not matter.
        assert!(problems(form("216 900 019 00016", "SERV-FIN", "")).is_empty());
        assert!(problems(form(LYCEE, "", "")).is_empty());
    }

    #[test]
    fn nothing_changed_is_refused() {
        let p = check_recycle(&original(), &original(), &directory());
        assert!(
            p.iter().any(|m| m.contains("Rien n'a été modifié")),
            "{p:?}"
        );
        let p = check_recycle(
            &form(" 21690001900016 ", " SERV-ANCIEN ", " "),
            &original(),
            &directory(),
        );
        assert!(
            p.iter().any(|m| m.contains("Rien n'a été modifié")),
            "{p:?}"
        );
    }

    #[test]
    fn siret_luhn_and_directory() {
        let p = problems(form("21690001900017", "SERV-FIN", ""));
        assert!(
            p.iter()
                .any(|m| m.contains("SIRET") && m.contains("invalide")),
            "{p:?}"
        );
        let p = problems(form("12345", "", ""));
        assert!(p.iter().any(|m| m.contains("invalide")), "{p:?}");
        let p = problems(form("", "", ""));
        assert!(
            p.iter().any(|m| m.contains("pas de numéro de SIRET")),
            "{p:?}"
        );
        let p = problems(form(UNKNOWN_VALID, "", ""));
        assert!(
            p.iter().any(|m| m.contains("absent de l'annuaire")),
            "{p:?}"
        );
        let p = problems(form(INACTIVE, "", ""));
        assert!(p.iter().any(|m| m.contains("inactive")), "{p:?}");
    }

    #[test]
    fn service_rules() {
        let p = problems(form(COMMUNE, "", ""));
        assert!(
            p.iter().any(|m| m.contains("exige un code service")),
            "{p:?}"
        );
        let p = problems(form(COMMUNE, "SERV-NOPE", ""));
        assert!(p.iter().any(|m| m.contains("n'existe pas")), "{p:?}");
        let p = problems(form(COMMUNE, "SERV-ANCIEN", "EJ1"));
        assert!(p.iter().any(|m| m.contains("inactif")), "{p:?}");
        let p = problems(form(LYCEE, RESERVED_SERVICE_CODE, ""));
        assert!(p.iter().any(|m| m.contains("réservé")), "{p:?}");
    }

    #[test]
    fn engagement_rules() {
        let p = problems(form(HOSPITAL, "ACHATS", ""));
        assert!(
            p.iter().any(|m| m.contains("exige un n° d'engagement")),
            "{p:?}"
        );
        assert!(problems(form(HOSPITAL, "ACHATS", "EJ-2026-1")).is_empty());
        // Required by the service, not the structure.
        let p = problems(form(COMMUNE, "SERV-TECH", ""));
        assert!(
            p.iter()
                .any(|m| m.contains("service SERV-TECH exige un n° d'engagement")),
            "{p:?}"
        );
        assert!(problems(form(COMMUNE, "SERV-TECH", "EJ1")).is_empty());
        let p = problems(form(LYCEE, "", &"E".repeat(51)));
        assert!(p.iter().any(|m| m.contains("51 caractères")), "{p:?}");
        assert!(problems(form(LYCEE, "", &"E".repeat(50))).is_empty());
    }

    fn info(name: &str, size: u64) -> AttachmentInfo {
        AttachmentInfo {
            name: name.into(),
            size,
        }
    }

    #[test]
    fn attachment_name_of_50_passes_51_fails_with_a_suggestion() {
        let ok = format!("{}.pdf", "a".repeat(46));
        assert_eq!(ok.chars().count(), 50);
        assert!(check_attachment(&info(&ok, 10)).is_empty());
        let long = format!("{}.pdf", "é".repeat(47));
        assert_eq!(long.chars().count(), 51);
        let p = check_attachment(&info(&long, 10));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("51 caractères"), "{p:?}");
        let suggested = shortened_name(&long);
        assert_eq!(suggested.chars().count(), 50);
        assert!(suggested.ends_with(".pdf"));
        assert!(p[0].contains(&suggested));
        assert!(check_attachment(&info(&suggested, 10)).is_empty());
    }

    #[test]
    fn forbidden_or_missing_extension() {
        let p = check_attachment(&info("virus.exe", 10));
        assert!(p[0].contains(".exe") && p[0].contains("refuse"), "{p:?}");
        let p = check_attachment(&info("bon_livraison", 10));
        assert!(p[0].contains("pas d'extension"), "{p:?}");
        for ok in ["bl.PDF", "pv.Jpeg", "a.xlsx", "b.tar.gz", "c.p7s"] {
            assert!(check_attachment(&info(ok, 10)).is_empty(), "{ok}");
        }
        assert_eq!(attachment_extension(".pdf"), None);
    }

    #[test]
    fn ten_megabytes_limit() {
        assert!(check_attachment(&info("a.pdf", MAX_ATTACHMENT_BYTES)).is_empty());
        let p = check_attachment(&info("a.pdf", MAX_ATTACHMENT_BYTES + 1));
        assert!(p[0].contains("10 Mo"), "{p:?}");
        let p = check_attachment(&info("a.pdf", 0));
        assert!(p[0].contains("vide"), "{p:?}");
    }

    #[test]
    fn completion_needs_an_attachment_or_a_comment() {
        let p = check_completion(&[], "  ");
        assert!(p[0].contains("au moins une pièce jointe ou un commentaire"));
        assert!(check_completion(&[], "BL envoyé par courrier").is_empty());
        assert!(check_completion(&[info("bl.pdf", 5)], "").is_empty());
        let p = check_completion(&[info("bl.pdf", 5), info("BL.pdf", 5)], "");
        assert!(p.iter().any(|m| m.contains("deux fois")), "{p:?}");
        let big: Vec<_> = (0..13)
            .map(|i| info(&format!("p{i}.pdf"), MAX_ATTACHMENT_BYTES))
            .collect();
        let p = check_completion(&big, "");
        assert!(p.iter().any(|m| m.contains("120 Mo")), "{p:?}");
    }

    #[test]
    fn credit_notes_csv_is_in_the_house_format() {
        let row = crate::store::returned::CreditNoteDueRow {
            invoice_number: "F0001".into(),
            marked_at: "2026-11-23T07:00:00+01:00".into(),
            reason: "Montant erroné; voir devis".into(),
            company_code: "S1".into(),
            client_code: "C1".into(),
            client_name: "Commune".into(),
            invoice_date: "2026-11-02".into(),
            total_incl_tax: "120.50".into(),
            currency: "EUR".into(),
        };
        let bytes = credit_notes_due_csv(&[row]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].starts_with("Facture;Société;"));
        assert_eq!(
            lines[1],
            "F0001;S1;C1;Commune;02/11/2026;120,50;EUR;\"Montant erroné; voir devis\";23/11/2026"
        );
    }

    #[test]
    fn actions_round_trip() {
        for a in [
            ReturnedAction::Recycle,
            ReturnedAction::Complete,
            ReturnedAction::CreditNote,
        ] {
            assert_eq!(ReturnedAction::from_code(a.code()), Some(a));
        }
        assert_eq!(mime_type("pdf"), "application/pdf");
    }
}
