//! The business choices of the mapping, each in one place so that a reading that turns out
//! wrong is changed once: identifiers' schemes, where the Chorus Pro fields go, payment
//! means, default texts, unit codes.

use super::super::model::Text;
use super::text;
use crate::einvoice::InvoiceDocument;
use crate::model::{InvoiceKind, VatCategory};
use chrono::Datelike;
use std::borrow::Cow;

/// `f` on the ASCII upper case of `value` (trimmed), without allocating for the short ASCII
/// codes an ERP writes; other texts are upper-cased the Unicode way.
fn with_upper<T>(value: &str, f: impl FnOnce(&str) -> T) -> T {
    let value = value.trim();
    let mut buf = [0u8; 24];
    if value.is_ascii() && value.len() <= buf.len() {
        let upper = &mut buf[..value.len()];
        upper.copy_from_slice(value.as_bytes());
        upper.make_ascii_uppercase();
        f(std::str::from_utf8(upper).unwrap_or(""))
    } else {
        f(&value.to_uppercase())
    }
}

/// ISO 6523 scheme of the SIRET given as legal registration identifier (BT-30, BT-47).
/// Sources disagree (formats.md, open point 3): the Factur-X spec says `0002` (SIRENE, SIREN
/// or SIRET), gobl uses the Chorus code `1`, the French 2026 specifications (XP Z12-012
/// annex A) and most recent tools say `0009` ("SIRET-CODE", exactly 14 digits). We follow
/// the majority, `0009`; not confirmed against the AIFE EDI annex.
pub const SIRET_SCHEME: &str = "0009";

/// EN 16931 core specification identifier (BT-24).
pub const EN16931: &str = "urn:cen.eu:en16931:2017";

/// Country of both parties: the mirror holds French addresses only.
pub const COUNTRY: &str = "FR";

/// The currency of an ERP row without one.
pub const DEFAULT_CURRENCY: &str = "EUR";

/// The MIME code of the ERP's PDF when the ERP gives none.
pub const PDF_MIME: &str = "application/pdf";

/// BT-123 of the ERP's PDF joined to a UBL or CII file.
pub const PDF_DESCRIPTION: &str = "Facture PDF";

/// Where the cadre de facturation goes: BT-23 (business process type), as most sources read
/// the Chorus Pro specification; invopop reads BT-24 instead. Unconfirmed (formats.md open
/// point 3): change here.
pub fn billing_frame(doc: &InvoiceDocument) -> Text<'_> {
    text(&doc.invoice.billing_frame)
        .unwrap_or(Cow::Borrowed(crate::model::erp::DEFAULT_BILLING_FRAME))
}

/// BT-3: 380 commercial invoice, 381 credit note.
pub fn type_code(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::Invoice => "380",
        InvoiceKind::CreditNote => "381",
    }
}

/// UNCL 4461 code of the ERP's payment means: 30 credit transfer, 58 SEPA credit transfer,
/// 20 cheque, 48 card, 10 cash, 1 not defined. `None` on a credit note: Chorus Pro refuses
/// payment means there (formats.md §B.4).
pub fn payment_means_code(doc: &InvoiceDocument) -> Option<&'static str> {
    if doc.invoice.kind == InvoiceKind::CreditNote {
        return None;
    }
    Some(with_upper(
        &doc.invoice.payment_means,
        |means| match means {
            "58" | "VIREMENT SEPA" | "SEPA" => "58",
            // As `model::erp::is_credit_transfer` reads them.
            "VIREMENT" | "VIR" | "TRANSFER" | "30" | "31" | "42" => "30",
            // An invoice with no means given is paid by transfer in French public procurement
            // (the mandat administratif): our IBAN must be on it.
            "" => "30",
            "CHEQUE" | "CHÈQUE" | "CHQ" | "20" => "20",
            "CB" | "CARTE" | "48" => "48",
            "ESPECES" | "ESPÈCES" | "10" => "10",
            _ => "1",
        },
    ))
}

/// True for the codes that carry the payee's account (BG-17).
pub fn is_credit_transfer(code: &str) -> bool {
    matches!(code, "30" | "58")
}

/// BT-20: EN 16931 wants a due date or payment terms when something is due.
pub fn payment_terms_text(doc: &InvoiceDocument) -> Text<'static> {
    match doc.invoice.kind {
        InvoiceKind::CreditNote => match doc.preceding_invoice.as_ref().and_then(|p| text(&p.0)) {
            Some(number) => Cow::Owned(format!("Avoir à déduire de la facture {number}")),
            None => Cow::Borrowed("Avoir à déduire du prochain règlement"),
        },
        InvoiceKind::Invoice => match doc.invoice.due_date {
            Some(d) => Cow::Owned(format!(
                "Paiement à réception, au plus tard le {:02}/{:02}/{}",
                d.day(),
                d.month(),
                d.year()
            )),
            None => {
                // Not « 30 jours »: a public health establishment has 50, a public company
                // 60 (R.2192-11); the e-invoice names no figure it cannot know.
                Cow::Borrowed("Paiement dans le délai de paiement de la commande publique")
            }
        },
    }
}

/// BT-97 / BT-104 / BT-139: an allowance or charge needs a reason or a reason code
/// (BR-33, BR-38, BR-42); a blank one gets a neutral French word.
pub fn allowance_reason(charge: bool, reason: &str) -> Text<'_> {
    match (text(reason), charge) {
        (Some(r), _) => r,
        (None, false) => Cow::Borrowed("Remise"),
        (None, true) => Cow::Borrowed("Frais"),
    }
}

/// BT-153 is mandatory: a line without a label gets a neutral one.
pub fn item_name(label: &str, line_number: u32) -> Text<'_> {
    text(label).unwrap_or_else(|| Cow::Owned(format!("Ligne {line_number}")))
}

/// BT-122 and the file name of the joined PDF: the ERP's, else one made from the invoice
/// number (a binary object must carry a file name: UBL-DT-07).
pub fn attachment_name<'a>(file_name: &'a str, invoice_number: &str) -> Text<'a> {
    text(file_name)
        .unwrap_or_else(|| Cow::Owned(crate::einvoice::Format::FacturX.file_name(invoice_number)))
}

/// BT-120 when the ERP gives no reason for a category that needs one (BR-E-10, BR-AE-10,
/// BR-IC-10, BR-G-10, BR-O-10). `None` for S and Z, which must have none (BR-S-10, BR-Z-10):
/// an ERP reason on such a line is not written either.
pub fn default_exemption_reason(category: VatCategory) -> Option<&'static str> {
    match category {
        VatCategory::Exempt => Some("Exonération de TVA"),
        VatCategory::ReverseCharge => Some("Autoliquidation"),
        VatCategory::IntraCommunity => Some("Livraison intracommunautaire exonérée"),
        VatCategory::Export => Some("Exportation hors de l'Union européenne"),
        VatCategory::NotSubject => Some("Non soumis à la TVA"),
        VatCategory::Standard | VatCategory::ZeroRated => None,
    }
}

/// BT-121 (VATEX) where the category has an obvious code. Exempt (E) has none: its code
/// depends on the article of law, which the ERP does not give.
pub fn exemption_code(category: VatCategory) -> Option<&'static str> {
    match category {
        VatCategory::ReverseCharge => Some("VATEX-EU-AE"),
        VatCategory::IntraCommunity => Some("VATEX-EU-IC"),
        VatCategory::Export => Some("VATEX-EU-G"),
        VatCategory::NotSubject => Some("VATEX-EU-O"),
        _ => None,
    }
}

/// UN/ECE Recommendation 20 code for the ERP's unit (BR-CL-23). Unknown units become "one"
/// (C62): the quantity stays right, only the unit's name is lost.
pub fn unit_code(unit: &str) -> &'static str {
    with_upper(unit, |u| match u {
        "H" | "HEURE" | "HEURES" | "HR" => "HUR",
        "J" | "JOUR" | "JOURS" | "JR" => "DAY",
        "MOIS" => "MON",
        "AN" | "ANNEE" | "ANNÉE" => "ANN",
        "KG" => "KGM",
        "G" => "GRM",
        "T" | "TONNE" => "TNE",
        "L" | "LITRE" => "LTR",
        "M" | "ML" | "METRE" | "MÈTRE" => "MTR",
        "M2" | "M²" => "MTK",
        "M3" | "M³" => "MTQ",
        "KM" => "KMT",
        "FORFAIT" | "FFT" | "LOT" => "LS",
        _ => "C62",
    })
}
