//! The choices shared by the UBL and CII writers: identifiers' schemes, the Chorus Pro
//! fields' places, payment means. One constant each, so a reading that turns out wrong is
//! changed in one place.

use super::{EInvoiceError, InvoiceDocument};
use crate::model::{InvoiceKind, siret};

/// ISO 6523 scheme of the SIRET given as legal registration identifier (BT-30, BT-47).
/// Sources disagree (formats.md, open point 3): the Factur-X spec says `0002` (SIRENE, SIREN
/// or SIRET), gobl uses the Chorus code `1`, the French 2026 specifications (XP Z12-012
/// annex A) and most recent tools say `0009` ("SIRET-CODE", exactly 14 digits). We follow
/// the majority, `0009`; not confirmed against the AIFE EDI annex.
pub const SIRET_SCHEME: &str = "0009";

/// EN 16931 core specification identifier (BT-24).
pub const EN16931: &str = "urn:cen.eu:en16931:2017";

/// Where the cadre de facturation goes: BT-23 (business process type), as most sources read
/// the Chorus Pro specification; invopop reads BT-24 instead. Unconfirmed (formats.md open
/// point 3): change here and in the writers' single use of `billing_frame`.
pub fn billing_frame(doc: &InvoiceDocument) -> String {
    let frame = doc.invoice.billing_frame.trim();
    if frame.is_empty() {
        crate::model::erp::DEFAULT_BILLING_FRAME.to_string()
    } else {
        frame.to_string()
    }
}

/// BT-3: 380 commercial invoice, 381 credit note.
pub fn type_code(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::Invoice => "380",
        InvoiceKind::CreditNote => "381",
    }
}

/// The payment means (BG-16) of an invoice: none on a credit note (Chorus Pro refuses them
/// there, formats.md §B.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentMeans {
    /// UNCL 4461: 30 credit transfer, 58 SEPA credit transfer, 20 cheque, 48 card, 10 cash,
    /// 1 not defined.
    pub code: &'static str,
    pub iban: String,
    pub bic: String,
    pub holder: String,
}

pub fn payment_means(doc: &InvoiceDocument) -> Result<Option<PaymentMeans>, EInvoiceError> {
    if doc.invoice.kind == InvoiceKind::CreditNote {
        return Ok(None);
    }
    let means = doc.invoice.payment_means.trim().to_ascii_uppercase();
    let code = match means.as_str() {
        "58" | "VIREMENT SEPA" | "SEPA" => "58",
        m if crate::model::erp::is_credit_transfer(m) => "30",
        // An invoice with no means given is paid by transfer in French public procurement
        // (the mandat administratif): our IBAN must be on it.
        "" => "30",
        "CHEQUE" | "CHÈQUE" | "CHQ" | "20" => "20",
        "CB" | "CARTE" | "48" => "48",
        "ESPECES" | "ESPÈCES" | "10" => "10",
        _ => "1",
    };
    let iban: String = doc
        .seller
        .iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if matches!(code, "30" | "58") && iban.is_empty() {
        // BR-61: a transfer needs the payee account.
        return Err(EInvoiceError::Data(format!(
            "paiement par virement sans IBAN : renseignez l'IBAN de la société {} dans le \
             paramétrage",
            doc.seller.code
        )));
    }
    let bic = doc
        .seller
        .bic
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let holder = if doc.seller.account_holder.trim().is_empty() {
        doc.seller.name.trim().to_string()
    } else {
        doc.seller.account_holder.trim().to_string()
    };
    Ok(Some(PaymentMeans {
        code,
        iban: if matches!(code, "30" | "58") {
            iban
        } else {
            String::new()
        },
        bic: if matches!(code, "30" | "58") {
            bic
        } else {
            String::new()
        },
        holder,
    }))
}

/// BT-20: EN 16931 wants a due date or payment terms when something is due (BR-CO-25).
pub fn payment_terms_text(doc: &InvoiceDocument) -> String {
    match doc.invoice.kind {
        InvoiceKind::CreditNote => match &doc.preceding_invoice {
            Some((number, _)) => format!("Avoir à déduire de la facture {number}"),
            None => "Avoir à déduire du prochain règlement".into(),
        },
        InvoiceKind::Invoice => match doc.invoice.due_date {
            Some(d) => format!(
                "Paiement à réception, au plus tard le {}",
                d.format("%d/%m/%Y")
            ),
            None => "Paiement à 30 jours (délai de paiement de la commande publique)".into(),
        },
    }
}

/// BT-97 / BT-104 / BT-139: an allowance or charge needs a reason or a reason code
/// (BR-33, BR-38, BR-42); a blank one gets a neutral French word.
pub fn allowance_reason(charge: bool, reason: &str) -> String {
    match (reason.trim(), charge) {
        ("", false) => "Remise".into(),
        ("", true) => "Frais".into(),
        (r, _) => r.to_string(),
    }
}

/// The SIRET as the mirror holds it, digits only.
pub fn siret_digits(value: &str) -> String {
    siret::normalize(value)
}

/// Checks what EN 16931 makes mandatory and the mirror may lack, with a French message.
pub fn check_parties(doc: &InvoiceDocument, needs_seller_vat: bool) -> Result<(), EInvoiceError> {
    let fail = |m: String| Err(EInvoiceError::Data(m));
    if doc.invoice.number.trim().is_empty() {
        return fail("numéro de facture vide".into());
    }
    if doc.seller.name.trim().is_empty() {
        return fail(format!(
            "la société {} n'a pas de raison sociale",
            doc.seller.code
        ));
    }
    if doc.buyer.name.trim().is_empty() {
        return fail(format!(
            "le client {} n'a pas de raison sociale",
            doc.buyer.code
        ));
    }
    if siret_digits(&doc.buyer.siret).is_empty() {
        return fail(format!("le client {} n'a pas de SIRET", doc.buyer.code));
    }
    if siret_digits(&doc.seller.siret).is_empty() {
        return fail(format!("la société {} n'a pas de SIRET", doc.seller.code));
    }
    if needs_seller_vat && doc.seller.vat_number.trim().is_empty() {
        return fail(format!(
            "la société {} n'a pas de numéro de TVA intracommunautaire, obligatoire pour une \
             facture soumise à la TVA",
            doc.seller.code
        ));
    }
    let currency = currency(doc);
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return fail(format!(
            "devise « {currency} » invalide (attendu un code ISO 4217, ex. EUR)"
        ));
    }
    Ok(())
}

/// BT-5; an ERP row without currency is in euros.
pub fn currency(doc: &InvoiceDocument) -> String {
    match doc.invoice.currency.trim() {
        "" => "EUR".into(),
        c => c.to_ascii_uppercase(),
    }
}

/// Country of both parties: the mirror holds French addresses only.
pub const COUNTRY: &str = "FR";
