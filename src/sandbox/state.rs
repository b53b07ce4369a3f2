//! What the sandbox remembers: fluxes, invoices, and how many times each invoice number was
//! received. Also the Chorus back-office work on a deposit: read the files, judge each
//! invoice against the directory, plan the lives of those integrated.

use super::directory::Directory;
use super::flux_reader::{self, FileRead, ReadInvoice, Syntax};
use super::lifecycle::{self, Step};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// First `identifiantFactureCPP`; ids are int64 as in Chorus Pro.
const FIRST_INVOICE_ID: i64 = 7_000_000_001;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DpError {
    pub supplier: String,
    pub recipient: String,
    pub number: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flux {
    pub numero: String,
    pub file_name: String,
    pub syntax: String,
    pub deposited_ms: i64,
    /// When the flux leaves IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP.
    pub integrated_ms: i64,
    /// IN_INTEGRE, IN_INTEGRE_PARTIEL or IN_REJETE, shown from `integrated_ms`.
    pub final_state: String,
    pub errors: Vec<DpError>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invoice {
    pub id: i64,
    pub flux: String,
    pub read: InvoiceData,
    pub buyer_id: i64,
    pub service_id: Option<i64>,
    pub deposit_date: String,
    /// Past and planned statuses, in order (see lifecycle.rs).
    pub steps: Vec<Step>,
}

/// The invoice as read from the file, in a form that persists.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct InvoiceData {
    pub number: String,
    pub credit_note: bool,
    pub issue_date: String,
    pub buyer_siret: String,
    pub buyer_name: String,
    pub seller_siret: String,
    pub seller_name: String,
    pub service_code: String,
    pub engagement: String,
    pub market: String,
    pub currency: String,
    pub amount_ht: String,
    pub amount_ttc: String,
    pub amount_due: String,
}

impl From<ReadInvoice> for InvoiceData {
    fn from(r: ReadInvoice) -> Self {
        InvoiceData {
            number: r.number,
            credit_note: r.credit_note,
            issue_date: r.issue_date,
            buyer_siret: r.buyer_siret,
            buyer_name: r.buyer_name,
            seller_siret: r.seller_siret,
            seller_name: r.seller_name,
            service_code: r.service_code,
            engagement: r.engagement,
            market: r.market,
            currency: r.currency,
            amount_ht: r.amount_ht,
            amount_ttc: r.amount_ttc,
            amount_due: r.amount_due,
        }
    }
}

impl Invoice {
    pub fn current(&self, now_ms: i64) -> Option<&Step> {
        lifecycle::reached(&self.steps, now_ms).last()
    }
}

#[derive(Debug, Default)]
pub struct State {
    pub fluxes: BTreeMap<String, Flux>,
    pub invoices: BTreeMap<i64, Invoice>,
    /// Invoice number → times received, over every deposit (even rejected or unanswered).
    pub deposits: BTreeMap<String, u64>,
    pub flux_counter: u64,
    /// (supplier SIRET, invoice number) of every integrated invoice: the duplicate check.
    pub accepted: HashMap<(String, String), i64>,
    /// Attachments uploaded with `ajouter/fichier`: id → file name (not persisted: an id is
    /// used right after its upload).
    pub attachments: BTreeMap<i64, String>,
}

/// What a deposit changed, for the persistence layer.
pub struct Deposit {
    pub numero: String,
    pub invoice_ids: Vec<i64>,
    pub numbers: Vec<String>,
}

pub struct DepositParams<'a> {
    pub file_name: &'a str,
    pub syntax_code: &'a str,
    pub syntax: Syntax,
    pub bytes: &'a [u8],
    pub now_ms: i64,
    pub seed: u64,
    pub time_scale: f64,
}

impl State {
    pub fn next_invoice_id(&self) -> i64 {
        self.invoices
            .keys()
            .next_back()
            .map_or(FIRST_INVOICE_ID, |last| last + 1)
    }

    pub fn rebuild_index(&mut self) {
        self.accepted = self
            .invoices
            .values()
            .map(|i| ((i.read.seller_siret.clone(), i.read.number.clone()), i.id))
            .collect();
    }

    /// Records a deposited flux. Its outcome is decided now, in deposit order (so a number
    /// sent twice is integrated once), and revealed once the integration delay has passed.
    pub fn deposit(&mut self, directory: &Directory, p: &DepositParams) -> Deposit {
        self.flux_counter += 1;
        let numero = format!(
            "CPP{:022}",
            11_117_000_000_000_000_000u64 + self.flux_counter
        );
        let integrated_ms =
            p.now_ms + lifecycle::real_ms(lifecycle::FLUX_INTEGRATION_SECS, p.time_scale);
        let mut errors = Vec::new();
        let mut invoice_ids = Vec::new();
        let mut numbers = Vec::new();
        let deposit_date = date_of(p.now_ms);
        for file in flux_reader::read_flux(p.bytes, p.file_name, p.syntax) {
            let read = match file {
                FileRead::Unreadable { file, reason } => {
                    errors.push(DpError {
                        supplier: String::new(),
                        recipient: String::new(),
                        number: String::new(),
                        message: format!("Fichier « {file} » non conforme au format : {reason}"),
                    });
                    continue;
                }
                FileRead::Invoice(read) => *read,
            };
            *self.deposits.entry(read.number.clone()).or_insert(0) += 1;
            numbers.push(read.number.clone());
            match self.judge(directory, &read) {
                Err(message) => errors.push(DpError {
                    supplier: read.seller_siret.clone(),
                    recipient: read.buyer_siret.clone(),
                    number: read.number.clone(),
                    message,
                }),
                Ok((buyer_id, service_id)) => {
                    let id = self.next_invoice_id();
                    let steps =
                        lifecycle::first_plan(p.seed, &read.number, integrated_ms, p.time_scale);
                    self.accepted
                        .insert((read.seller_siret.clone(), read.number.clone()), id);
                    self.invoices.insert(
                        id,
                        Invoice {
                            id,
                            flux: numero.clone(),
                            read: read.into(),
                            buyer_id,
                            service_id,
                            deposit_date: deposit_date.clone(),
                            steps,
                        },
                    );
                    invoice_ids.push(id);
                }
            }
        }
        let final_state = match (invoice_ids.is_empty(), errors.is_empty()) {
            (false, true) => "IN_INTEGRE",
            (false, false) => "IN_INTEGRE_PARTIEL",
            (true, _) => "IN_REJETE",
        };
        self.fluxes.insert(
            numero.clone(),
            Flux {
                numero: numero.clone(),
                file_name: p.file_name.to_string(),
                syntax: p.syntax_code.to_string(),
                deposited_ms: p.now_ms,
                integrated_ms,
                final_state: final_state.into(),
                errors,
            },
        );
        Deposit {
            numero,
            invoice_ids,
            numbers,
        }
    }

    /// Chorus Pro's routing checks, with the reason in French; Ok gives the recipient's
    /// `idStructureCPP` and `idService`.
    fn judge(
        &self,
        directory: &Directory,
        read: &ReadInvoice,
    ) -> Result<(i64, Option<i64>), String> {
        if read.seller_siret.is_empty() {
            return Err(
                "L'identifiant du fournisseur (SIRET, BT-30) est absent de la facture.".into(),
            );
        }
        let (buyer_id, service_id) = check_routing(
            directory,
            &read.buyer_siret,
            &read.service_code,
            &read.engagement,
        )?;
        if self
            .accepted
            .contains_key(&(read.seller_siret.clone(), read.number.clone()))
        {
            return Err(already_received(&read.number));
        }
        Ok((buyer_id, service_id))
    }
}

/// Chorus Pro's refusal of an invoice number the supplier already sent, as its flux report
/// gives it: a `listeErreurDP` entry whose `libelleErreurDP` says so, with the four fields
/// every source documents (`identifiantFournisseur`, `identifiantDestinataire`, `numeroDP`,
/// `libelleErreurDP`) and no code — none is documented for `listeErreurDP`
/// (chorus-api.md §2.5, §4.5). The wording is the one issue 8 reports; the client
/// recognises the meaning, not this sentence (checked through the HTTP API by a test).
fn already_received(number: &str) -> String {
    format!(
        "La facture n° {number} a déjà été reçue de ce fournisseur : un numéro de facture ne \
         peut être déposé qu'une fois."
    )
}

/// Recipient, service code and engagement against the directory (also used by `recycler`).
pub fn check_routing(
    directory: &Directory,
    buyer_siret: &str,
    service_code: &str,
    engagement: &str,
) -> Result<(i64, Option<i64>), String> {
    if buyer_siret.is_empty() {
        return Err(
            "L'identifiant du destinataire (SIRET, BT-47) est absent de la facture.".into(),
        );
    }
    let Some(structure) = directory.structure_by_identifier(buyer_siret) else {
        return Err(format!(
            "Le destinataire (SIRET {buyer_siret}) n'est pas référencé dans l'annuaire Chorus Pro."
        ));
    };
    let s = &structure.data;
    if !s.active {
        return Err(format!(
            "La structure destinataire {buyer_siret} ({}) n'est pas active dans Chorus Pro.",
            s.name
        ));
    }
    let service_code = service_code.trim();
    let engagement = engagement.trim();
    let mut service_id = None;
    if service_code.is_empty() {
        if s.service_required || (s.service_or_engagement_required && engagement.is_empty()) {
            return Err(format!(
                "Le code service (BT-10) est obligatoire pour le destinataire {buyer_siret} ({}).",
                s.name
            ));
        }
    } else {
        let Some(service) = directory.service(structure.id, service_code) else {
            return Err(format!(
                "Le code service « {service_code} » est inconnu pour le destinataire {buyer_siret} ({}).",
                s.name
            ));
        };
        if !service.data.active {
            return Err(format!(
                "Le code service « {service_code} » du destinataire {buyer_siret} n'est pas actif."
            ));
        }
        if service.data.engagement_required && engagement.is_empty() {
            return Err(format!(
                "Le numéro d'engagement (BT-13) est obligatoire pour le service « {service_code} » du destinataire {buyer_siret}."
            ));
        }
        service_id = Some(service.id);
    }
    if s.engagement_required && engagement.is_empty() {
        return Err(format!(
            "Le numéro d'engagement (BT-13) est obligatoire pour le destinataire {buyer_siret} ({}).",
            s.name
        ));
    }
    Ok((structure.id, service_id))
}

/// `AAAA-MM-JJ` (UTC) of a Unix time in ms.
pub fn date_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// ISO 8601 with milliseconds and offset, as Chorus writes `dateHeureEtatCourantFlux`.
pub fn datetime_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string())
        .unwrap_or_default()
}
