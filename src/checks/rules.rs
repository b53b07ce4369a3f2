//! The rules themselves (issue 2's table), applied to one invoice at a time.

use super::anomaly::{Anomaly, AnomalyCode as Code};
use super::billing::{BillingData, resolve};
use super::snapshot::CheckData;
use super::supplier::{SupplierProblems, supplier_problems};
use crate::model::directory::RESERVED_SERVICE_CODE;
use crate::model::erp::is_credit_transfer;
use crate::model::{Invoice, InvoiceKind, Siret, format_date, format_money};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Chorus Pro refuses invoice files above 10 MB.
pub const MAX_PDF_BYTES: u64 = 10 * 1024 * 1024;
pub const MAX_ENGAGEMENT_CHARS: usize = 50;
pub const MAX_INVOICE_NUMBER_CHARS: usize = 20;

/// What was found at the invoice's `fichier_pdf`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PdfState {
    /// The ERP gave no path.
    NotGiven,
    NotFound,
    Readable {
        pages: u32,
    },
    Unreadable(String),
    TooLarge(u64),
    /// Encrypted: an owner or a user password.
    Protected,
}

impl PdfState {
    pub fn is_readable(&self) -> bool {
        matches!(self, PdfState::Readable { .. })
    }
}

/// The six directory flags shown as ticks (None: structure or service not found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DirectoryFlags {
    /// StA, StGE, StGS, StGSE.
    pub structure: Option<[bool; 4]>,
    /// SvA, SvGE.
    pub service: Option<[bool; 2]>,
}

/// One checked invoice, with everything the two tables and the detail panel show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceCheck {
    pub invoice: Invoice,
    pub client_name: String,
    pub client_siret: String,
    pub billing: BillingData,
    pub flags: DirectoryFlags,
    pub pdf: PdfState,
    pub anomalies: Vec<Anomaly>,
    /// Anomalies found but overridden by the clerk (« Déposer quand même »): shown in the
    /// detail, not blocking.
    pub overridden: Vec<Anomaly>,
    /// Everything the check and the e-invoice were made from (see `fingerprint`).
    pub fingerprint: u64,
}

impl InvoiceCheck {
    pub fn is_conformant(&self) -> bool {
        self.anomalies.is_empty()
    }
}

/// Checks every invoice, on every core (the rules are pure and independent per invoice);
/// the company checks run once per company. The order of `invoices` is kept.
pub fn check_all(invoices: Vec<Invoice>, data: &CheckData) -> Vec<InvoiceCheck> {
    use rayon::prelude::*;
    let suppliers: HashMap<&str, SupplierProblems> = data
        .companies
        .values()
        .map(|c| (c.code.as_str(), supplier_problems(c)))
        .collect();
    let parties = Parties::of(data);
    invoices
        .into_par_iter()
        .map(|invoice| {
            let supplier = suppliers.get(invoice.company_code.as_str());
            check_one(invoice, data, supplier, &parties)
        })
        .collect()
}

pub fn check_invoice(invoice: Invoice, data: &CheckData) -> InvoiceCheck {
    let supplier = data
        .companies
        .get(&invoice.company_code)
        .map(supplier_problems);
    check_one(invoice, data, supplier.as_ref(), &Parties::of(data))
}

/// The fingerprint of each company and client, computed once per run.
struct Parties<'a> {
    companies: HashMap<&'a str, u64>,
    clients: HashMap<&'a str, u64>,
}

impl<'a> Parties<'a> {
    fn of(data: &'a CheckData) -> Parties<'a> {
        use crate::model::fast_hash::of;
        Parties {
            companies: data
                .companies
                .iter()
                .map(|(k, c)| (k.as_str(), of(c)))
                .collect(),
            clients: data
                .clients
                .iter()
                .map(|(k, c)| (k.as_str(), of(c)))
                .collect(),
        }
    }
}

fn check_one(
    invoice: Invoice,
    data: &CheckData,
    supplier: Option<&SupplierProblems>,
    parties: &Parties<'_>,
) -> InvoiceCheck {
    let mut found = Vec::new();
    let client = data.clients.get(&invoice.client_code);
    let client_name = client.map(|c| c.name.clone()).unwrap_or_default();
    // Spaces removed here too, not only by the ERP import: a SIRET typed "217 500 016 00019"
    // must be found in the directory, and one made of spaces only is a missing SIRET.
    let client_siret = client
        .map(|c| crate::model::siret::normalize(&c.siret))
        .unwrap_or_default();
    let reference = data.references.get(&invoice.origin_reference);
    let billing = resolve(&invoice, reference);
    let service_code = billing.service_code.value.as_str();
    let engagement = billing.engagement_number.value.as_str();

    let flags = directory_rules(&client_name, &client_siret, &billing, data, &mut found);

    if service_code == RESERVED_SERVICE_CODE {
        found.push(Anomaly::new(
            Code::ServiceReserve,
            format!(
                "Le code service {RESERVED_SERVICE_CODE} est réservé aux factures entre entités publiques"
            ),
        ));
    }
    let engagement_chars = engagement.chars().count();
    if engagement_chars > MAX_ENGAGEMENT_CHARS {
        found.push(Anomaly::new(
            Code::EngagementTropLong,
            format!(
                "Le n° d'engagement « {engagement} » compte {engagement_chars} caractères, {MAX_ENGAGEMENT_CHARS} au plus sont acceptés"
            ),
        ));
    }
    invoice_number_rule(&invoice.number, &mut found);
    let pdf = pdf_rule(&invoice.pdf_path, data, &mut found);
    let bounded = bounds_rule(&invoice, data, &mut found);
    if bounded {
        amount_rules(&invoice, data, &mut found);
    }
    validity_rules(&invoice, &billing, reference, data, &mut found);
    if let Some(problems) = supplier {
        let transfer = is_credit_transfer(&invoice.payment_means);
        let relevant = problems
            .always
            .iter()
            .chain(problems.for_transfer.iter().filter(|_| transfer));
        for message in relevant {
            found.push(Anomaly::new(Code::FournisseurIncomplet, message.clone()));
        }
    }
    if invoice.kind == InvoiceKind::CreditNote && invoice.original_invoice_number.trim().is_empty()
    {
        found.push(Anomaly::new(
            Code::AvoirSansFactureOrigine,
            "L'avoir n'indique pas le n° de la facture qu'il corrige",
        ));
    }
    if bounded {
        already_paid_rule(&invoice, data, &mut found);
    }
    let (overridden, found): (Vec<Anomaly>, Vec<Anomaly>) = found.into_iter().partition(|a| {
        a.code.can_be_overridden()
            && data
                .overrides
                .contains(&(invoice.number.clone(), a.code.as_str().to_string()))
    });
    let fingerprint = super::fingerprint::fingerprint(&super::fingerprint::Inputs {
        invoice: &invoice,
        lines: data
            .lines
            .get(&invoice.number)
            .map(crate::model::fast_hash::of),
        seller: parties
            .companies
            .get(invoice.company_code.as_str())
            .copied(),
        buyer: parties.clients.get(invoice.client_code.as_str()).copied(),
        billing: &billing,
        pdf: &pdf,
    });
    InvoiceCheck {
        fingerprint,
        invoice,
        client_name,
        client_siret,
        billing,
        flags,
        pdf,
        anomalies: found,
        overridden,
    }
}

/// An invoice the ERP shows paid (payments and credit notes cover its TTC) and that was
/// never deposited: sending it now would make the buyer pay it twice.
fn already_paid_rule(invoice: &Invoice, data: &CheckData, found: &mut Vec<Anomaly>) {
    if invoice.kind != InvoiceKind::Invoice
        || invoice.total_incl_tax <= Decimal::ZERO
        || data.deposited.contains(&invoice.number)
    {
        return;
    }
    let paid = data.paid.get(&invoice.number);
    let credited = data.credited.get(&invoice.number);
    let paid_amount = paid.map_or(Decimal::ZERO, |p| p.amount);
    let credited_amount = credited.map_or(Decimal::ZERO, |c| c.0);
    let covered = paid_amount
        .checked_add(credited_amount)
        .unwrap_or(Decimal::MAX);
    if covered < invoice.total_incl_tax {
        return;
    }
    let last = paid
        .map(|p| p.last_date)
        .into_iter()
        .chain(credited.map(|c| c.1))
        .max()
        .unwrap_or(invoice.invoice_date);
    let cur = invoice.currency.as_str();
    let mut by = Vec::new();
    if paid_amount > Decimal::ZERO {
        by.push(format!("{} de règlements", format_money(paid_amount, cur)));
    }
    if credited_amount > Decimal::ZERO {
        by.push(format!("{} d'avoirs", format_money(credited_amount, cur)));
    }
    // Cancelled by credit notes alone, it was never paid: say what the ERP says.
    let what = if paid_amount > Decimal::ZERO {
        "Réglée"
    } else {
        "Annulée par avoir"
    };
    found.push(Anomaly::new(
        Code::DejaReglee,
        format!(
            "{what} dans l'ERP le {} ({} pour {} TTC) : vérifier avant de la déposer, elle \
             serait facturée deux fois à l'acheteur",
            format_date(last),
            by.join(" et "),
            format_money(invoice.total_incl_tax, cur)
        ),
    ));
}

/// SIRET, structure, service and engagement rules, in the order where one stops the next.
pub fn directory_rules(
    client_name: &str,
    siret: &str,
    billing: &BillingData,
    data: &CheckData,
    found: &mut Vec<Anomaly>,
) -> DirectoryFlags {
    let mut flags = DirectoryFlags::default();
    if siret.is_empty() {
        found.push(Anomaly::new(
            Code::ClientSiretManquant,
            format!("Le client {client_name} n'a pas de numéro de SIRET"),
        ));
        return flags;
    }
    let structure = data.directory.structure(siret);
    if let Err(e) = Siret::parse(siret)
        && structure.is_none()
    {
        // A Luhn-invalid identifier that the directory holds is accepted: a few real
        // structures have one (shared/reference/formats.md §A.1).
        found.push(Anomaly::new(
            Code::ClientSiretInvalide,
            format!("Le SIRET du client {client_name} est invalide : {e}"),
        ));
        return flags;
    }
    let Some(structure) = structure else {
        found.push(Anomaly::new(
            Code::StructureInconnue,
            format!("Le SIRET {siret} du client {client_name} est absent de l'annuaire Chorus"),
        ));
        return flags;
    };
    flags.structure = Some([
        structure.active,
        structure.engagement_required,
        structure.service_required,
        structure.service_or_engagement_required,
    ]);
    if !structure.active {
        found.push(Anomaly::new(
            Code::StructureInactive,
            format!(
                "La structure {siret} ({}) est inactive dans l'annuaire Chorus",
                structure.name
            ),
        ));
    }
    let service_code = billing.service_code.value.as_str();
    let engagement = billing.engagement_number.value.as_str();
    let mut service = None;
    if service_code.is_empty() {
        if structure.service_required {
            found.push(Anomaly::new(
                Code::ServiceObligatoire,
                format!("La structure {siret} exige un code service, la facture n'en a pas"),
            ));
        }
    } else if service_code != RESERVED_SERVICE_CODE {
        service = data.directory.service(siret, service_code);
        match service {
            None => found.push(Anomaly::new(
                Code::ServiceInconnu,
                format!(
                    "Le service {service_code} n'existe pas dans l'annuaire Chorus (structure {siret})"
                ),
            )),
            Some(s) => {
                flags.service = Some([s.active, s.engagement_required]);
                if !s.active {
                    found.push(Anomaly::new(
                        Code::ServiceInactif,
                        format!("Le service {service_code} est inactif dans l'annuaire Chorus"),
                    ));
                }
            }
        }
    }
    if engagement.is_empty() {
        if structure.engagement_required {
            found.push(Anomaly::new(
                Code::EngagementObligatoire,
                format!("La structure {siret} exige un n° d'engagement, la facture n'en a pas"),
            ));
        } else if service.is_some_and(|s| s.engagement_required) {
            found.push(Anomaly::new(
                Code::EngagementObligatoire,
                format!(
                    "Le service {service_code} exige un n° d'engagement, la facture n'en a pas"
                ),
            ));
        }
        if structure.service_or_engagement_required && service_code.is_empty() {
            found.push(Anomaly::new(
                Code::ServiceOuEngagementObligatoire,
                format!(
                    "La structure {siret} exige un code service ou un n° d'engagement, la facture n'a ni l'un ni l'autre"
                ),
            ));
        }
    }
    flags
}

/// Chorus accepts at most 20 characters: letters, digits, `-`, `_`, `/`, `+`.
/// "Letters" is read as ASCII letters: accented ones do not survive every EDI channel.
fn invoice_number_rule(number: &str, found: &mut Vec<Anomaly>) {
    let len = number.chars().count();
    if len > MAX_INVOICE_NUMBER_CHARS {
        found.push(Anomaly::new(
            Code::NumeroFactureInvalide,
            format!(
                "Le n° de facture « {number} » compte {len} caractères, {MAX_INVOICE_NUMBER_CHARS} au plus sont acceptés"
            ),
        ));
    }
    if let Some(bad) = number
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '+')))
    {
        let shown = if bad == ' ' {
            "espace".to_string()
        } else {
            format!("« {bad} »")
        };
        found.push(Anomaly::new(
            Code::NumeroFactureInvalide,
            format!(
                "Le n° de facture « {number} » contient le caractère {shown} ; seuls lettres, chiffres, - _ / + sont acceptés"
            ),
        ));
    }
}

fn pdf_rule(path: &str, data: &CheckData, found: &mut Vec<Anomaly>) -> PdfState {
    let state = if path.is_empty() {
        PdfState::NotGiven
    } else {
        data.pdf.get(path).cloned().unwrap_or(PdfState::NotFound)
    };
    match &state {
        PdfState::NotGiven => found.push(Anomaly::new(
            Code::PdfIntrouvable,
            "Aucun fichier PDF n'est indiqué pour la facture",
        )),
        PdfState::NotFound => found.push(Anomaly::new(
            Code::PdfIntrouvable,
            format!("Le fichier PDF de la facture est introuvable : {path}"),
        )),
        PdfState::Unreadable(why) => found.push(Anomaly::new(
            Code::PdfIllisible,
            format!("Le fichier {path} n'est pas un PDF lisible : {why}"),
        )),
        PdfState::Protected => found.push(Anomaly::new(
            Code::PdfProtege,
            format!(
                "Le fichier {path} est protégé par un mot de passe (chiffré) : Chorus Pro et \
                 l'acheteur doivent pouvoir l'ouvrir ; enregistrez-le sans protection"
            ),
        )),
        PdfState::TooLarge(size) => found.push(Anomaly::new(
            Code::PdfTropVolumineux,
            format!(
                "Le fichier PDF pèse {}, au-delà des 10 Mo acceptés par Chorus",
                format_size(*size)
            ),
        )),
        PdfState::Readable { .. } => {}
    }
    state
}

/// `10,5 Mo`, `12 Ko`: see `model::units`.
pub fn format_size(bytes: u64) -> String {
    crate::model::format_size(bytes)
}

/// Amounts and dates no invoice can have. The import refuses them (issue 9), but a base
/// imported by an earlier version, or edited by hand, may still hold one: the invoice gets
/// an anomaly and skips every rule that computes with its amounts, so one such row can
/// neither stop the check of the whole base nor reach an e-invoice. Returns whether the
/// invoice is within bounds.
fn bounds_rule(invoice: &Invoice, data: &CheckData, found: &mut Vec<Anomaly>) -> bool {
    use crate::model::money::check_amount;
    let mut amounts: Vec<(String, Decimal)> = vec![
        ("montant HT".into(), invoice.total_excl_tax),
        ("montant de TVA".into(), invoice.total_tax),
        ("montant TTC".into(), invoice.total_incl_tax),
    ];
    let mut problems: Vec<String> = Vec::new();
    let lines = data
        .lines
        .get(&invoice.number)
        .map_or(&[][..], Vec::as_slice);
    for line in lines {
        let n = line.line_number;
        amounts.push((format!("quantité de la ligne {n}"), line.quantity));
        amounts.push((format!("prix unitaire de la ligne {n}"), line.unit_price));
        amounts.push((format!("montant HT de la ligne {n}"), line.line_total));
        if line.vat_rate.is_sign_negative() && !line.vat_rate.is_zero()
            || line.vat_rate > Decimal::ONE_HUNDRED
        {
            problems.push(format!("taux de TVA de la ligne {n} {} %", line.vat_rate));
        }
    }
    for (what, value) in amounts {
        if check_amount(value).is_err() {
            problems.push(format!("{what} {value}"));
        }
    }
    let today = crate::clock::today();
    for (what, date) in [
        ("date de facture", Some(invoice.invoice_date)),
        ("date d'échéance", invoice.due_date),
    ] {
        if let Some(date) = date
            && crate::model::check_plausible(date, today).is_err()
        {
            problems.push(format!("{what} {}", format_date(date)));
        }
    }
    if let Some(paid) = data.paid.get(&invoice.number) {
        if check_amount(paid.amount).is_err() {
            problems.push(format!("total des règlements de l'ERP {}", paid.amount));
        }
        if crate::model::check_plausible(paid.last_date, today).is_err() {
            problems.push(format!(
                "règlement de l'ERP daté du {}",
                format_date(paid.last_date)
            ));
        }
    }
    if problems.is_empty() {
        return true;
    }
    found.push(Anomaly::new(
        Code::ValeurHorsLimites,
        format!(
            "Valeurs impossibles pour une facture : {} (montants inférieurs à 1 000 milliards, \
             6 décimales au plus, taux de 0 à 100 %, dates de 2000 à deux ans après \
             aujourd'hui) ; corrigez-les dans l'ERP puis réimportez",
            problems.join(", ")
        ),
    ));
    false
}

fn amount_rules(invoice: &Invoice, data: &CheckData, found: &mut Vec<Anomaly>) {
    let tolerance = Decimal::new(1, 2);
    let cur = invoice.currency.as_str();
    // Bounded by `bounds_rule`: this cannot overflow.
    let sum = invoice.total_excl_tax + invoice.total_tax;
    if (sum - invoice.total_incl_tax).abs() > tolerance {
        found.push(Anomaly::new(
            Code::MontantsIncoherents,
            format!(
                "HT {} + TVA {} = {}, mais le TTC est {}",
                format_money(invoice.total_excl_tax, cur),
                format_money(invoice.total_tax, cur),
                format_money(sum, cur),
                format_money(invoice.total_incl_tax, cur)
            ),
        ));
    }
    if let Some(lines) = data.line_total(&invoice.number)
        && (lines - invoice.total_excl_tax).abs() > tolerance
    {
        found.push(Anomaly::new(
            Code::MontantsIncoherents,
            format!(
                "Le total HT des lignes ({}) diffère du montant HT de la facture ({})",
                format_money(lines, cur),
                format_money(invoice.total_excl_tax, cur)
            ),
        ));
    }
}

fn validity_rules(
    invoice: &Invoice,
    billing: &BillingData,
    reference: Option<&crate::model::BillingReference>,
    data: &CheckData,
    found: &mut Vec<Anomaly>,
) {
    let date = invoice.invoice_date;
    let market_number = billing.market_number.value.as_str();
    if !market_number.is_empty()
        && let Some(market) = data.market(&invoice.client_code, market_number)
        && !market.is_valid_on(date)
    {
        let period = match (market.start_date, market.end_date) {
            (Some(s), Some(e)) => format!("valable du {} au {}", format_date(s), format_date(e)),
            (Some(s), None) => format!("valable à partir du {}", format_date(s)),
            (None, Some(e)) => format!("valable jusqu'au {}", format_date(e)),
            (None, None) => String::new(),
        };
        found.push(Anomaly::new(
            Code::MarcheExpire,
            format!(
                "Le marché {market_number} n'est pas valide à la date de la facture ({}) : {period}",
                format_date(date)
            ),
        ));
    }
    if let Some(r) = reference
        && let Some(until) = r.valid_until
        && until < date
    {
        found.push(Anomaly::new(
            Code::ReferenceExpiree,
            format!(
                "La référence {} ({}) a expiré le {}, avant la date de la facture ({})",
                r.reference,
                r.kind.label(),
                format_date(until),
                format_date(date)
            ),
        ));
    }
}
