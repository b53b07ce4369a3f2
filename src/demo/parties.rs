//! Who invoices whom: our supplier's two establishments, and its clients with the directory
//! entries (structure, services, flags) the public ones have.

use super::names::{self, ServiceName, Town};
use super::rng::Rng;
use crate::model::siret::{from_stems, vat_number_of};
use crate::model::{Client, ClientType, Company, Service, Structure, iban::french_iban_from_bban};
use std::collections::HashSet;

/// The kinds of public buyers, which decide their name, their services and their flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicKind {
    Town,
    Hospital,
    State,
    University,
    Departement,
    Region,
    Intercommunality,
    School,
    CareHome,
    OtherBody,
}

impl PublicKind {
    /// First two digits of the SIREN, as INSEE gives them by legal category
    /// (11–13 State, 19 public schools and universities, 21 communes, 22 départements…).
    pub fn siren_prefix(self) -> u32 {
        match self {
            PublicKind::State => 13,
            PublicKind::University | PublicKind::School => 19,
            PublicKind::Town => 21,
            PublicKind::Departement => 22,
            PublicKind::Region => 23,
            PublicKind::Intercommunality => 24,
            PublicKind::OtherBody => 25,
            PublicKind::Hospital | PublicKind::CareHome => 26,
        }
    }

    pub fn services(self) -> &'static [ServiceName] {
        match self {
            PublicKind::Town => names::TOWN_SERVICES,
            PublicKind::Hospital => names::HOSPITAL_SERVICES,
            PublicKind::State => names::STATE_SERVICE_NAMES,
            PublicKind::University => names::UNIVERSITY_SERVICES,
            PublicKind::Departement | PublicKind::Region | PublicKind::Intercommunality => {
                names::TERRITORY_SERVICES
            }
            PublicKind::School | PublicKind::CareHome | PublicKind::OtherBody => {
                names::SMALL_BODY_SERVICES
            }
        }
    }

    /// Probabilities that the structure requires a service code, an engagement number,
    /// a service code or an engagement number. The State asks for its engagement numbers
    /// almost always; small bodies rarely ask for anything.
    pub fn flag_odds(self) -> (f64, f64, f64) {
        match self {
            PublicKind::State => (0.5, 0.9, 0.0),
            PublicKind::Hospital => (0.4, 0.5, 0.15),
            PublicKind::University => (0.5, 0.5, 0.1),
            PublicKind::Town => (0.3, 0.15, 0.2),
            PublicKind::Departement | PublicKind::Region | PublicKind::Intercommunality => {
                (0.5, 0.3, 0.1)
            }
            PublicKind::School | PublicKind::CareHome | PublicKind::OtherBody => (0.15, 0.1, 0.25),
        }
    }

    /// The State and its public bodies number their engagements `13000xxxxx` (Chorus
    /// engagement juridique); local bodies use their own order numbers.
    pub fn uses_state_engagements(self) -> bool {
        matches!(
            self,
            PublicKind::State | PublicKind::University | PublicKind::School
        )
    }

    /// How much a buyer of this kind orders, relative to the others.
    fn base_weight(self) -> u32 {
        match self {
            PublicKind::Region | PublicKind::Hospital => 6,
            PublicKind::Departement | PublicKind::Intercommunality => 5,
            PublicKind::State | PublicKind::University => 4,
            PublicKind::Town => 3,
            PublicKind::School | PublicKind::CareHome | PublicKind::OtherBody => 1,
        }
    }
}

/// How a client takes part in the demo's planted anomalies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientRole {
    /// Data as it should be (includes the Luhn-invalid SIRET the directory holds).
    Normal,
    /// No SIRET in the ERP.
    SiretMissing,
    /// A SIRET with a typo, absent from the directory.
    SiretInvalid,
    /// A valid SIRET the directory does not know (the buyer moved; its new SIRET is there).
    UnknownStructure,
    /// Its structure is inactive in the directory (merged into a new commune).
    InactiveStructure,
}

#[derive(Debug, Clone)]
pub struct DemoClient {
    pub client: Client,
    /// `None` for private customers.
    pub kind: Option<PublicKind>,
    pub role: ClientRole,
    /// Relative share of the invoices.
    pub weight: u32,
    /// The directory entry under the client's SIRET, when the directory has one.
    pub structure: Option<Structure>,
    pub services: Vec<Service>,
}

impl DemoClient {
    pub fn is_public(&self) -> bool {
        self.kind.is_some()
    }

    pub fn active_services(&self) -> impl Iterator<Item = &Service> {
        self.services.iter().filter(|s| s.active)
    }
}

/// Everything about the parties.
pub struct Parties {
    pub head_office: Company,
    pub branch: Company,
    pub clients: Vec<DemoClient>,
    /// Directory entries that are not a client's own (the new SIRET of the client that
    /// moved), with their services.
    pub extra_structures: Vec<(Structure, Vec<Service>)>,
    /// Every SIRET handed out, so the directory noise does not reuse one.
    pub sirets: SiretPool,
}

/// Hands out distinct valid SIRETs.
#[derive(Debug, Default)]
pub struct SiretPool {
    used: HashSet<String>,
}

impl SiretPool {
    /// A new SIRET whose SIREN starts with the two digits `prefix`.
    pub fn fresh(&mut self, rng: &mut Rng, prefix: u32) -> String {
        loop {
            let siren_stem = prefix * 1_000_000 + rng.below(1_000_000) as u32;
            // Small NICs, as most establishments have (00017, 00025…).
            let nic_stem = rng.range(1, 40) as u32;
            let siret = from_stems(siren_stem, nic_stem).as_str().to_string();
            if self.used.insert(siret.clone()) {
                return siret;
            }
        }
    }

    /// Records a SIRET built elsewhere; false when it was already handed out.
    pub fn claim(&mut self, siret: &str) -> bool {
        self.used.insert(siret.to_string())
    }
}

/// French RIB key: 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), the account's
/// letters counting as digits (A, J → 1; B, K, S → 2; …; I, R, Z → 9).
pub fn rib_key(bank: &str, branch: &str, account: &str) -> u64 {
    let numeric = |text: &str| -> u64 {
        text.chars().fold(0u64, |acc, c| {
            let digit = match c {
                '0'..='9' => u64::from(c as u8 - b'0'),
                'A'..='I' => u64::from(c as u8 - b'A') + 1,
                'J'..='R' => u64::from(c as u8 - b'J') + 1,
                'S'..='Z' => u64::from(c as u8 - b'S') + 2,
                _ => 0,
            };
            acc * 10 + digit
        })
    };
    let sum = 89 * numeric(bank) + 15 * numeric(branch) + 3 * numeric(account);
    97 - sum % 97
}

fn french_iban(bank: &str, branch: &str, account: &str) -> String {
    let key = rib_key(bank, branch, account);
    french_iban_from_bban(&format!("{bank}{branch}{account}{key:02}"))
        .as_str()
        .to_string()
}

/// Our supplier: an IT services and office supplies company from Grenoble. The SIREN is
/// made up but valid; the head office has everything Chorus Pro asks for.
const SUPPLIER_SIREN_STEM: u32 = 81_234_567;
const SUPPLIER_NAME: &str = "Dauphiné Informatique Services";
pub const HEAD_OFFICE_CODE: &str = "SIEGE";
pub const BRANCH_CODE: &str = "AGENCE-LYON";

fn companies() -> (Company, Company) {
    let head_siret = from_stems(SUPPLIER_SIREN_STEM, 1);
    let vat_number = vat_number_of(head_siret.siren());
    let head_office = Company {
        code: HEAD_OFFICE_CODE.into(),
        name: format!("{SUPPLIER_NAME} SAS"),
        siret: head_siret.as_str().into(),
        vat_number: vat_number.clone(),
        iban: french_iban("13825", "00200", "08001234567"),
        bic: "CEPAFRPP382".into(),
        account_holder: "DAUPHINE INFORMATIQUE SERVICES".into(),
        bank_domiciliation: "Caisse d'Épargne Rhône Alpes — Grenoble Victor Hugo".into(),
        address: "12 rue Félix Esclangon".into(),
        postal_code: "38000".into(),
        city: "Grenoble".into(),
    };
    // The Lyon branch was set up in the ERP in a hurry: its BIC was never filled in, so
    // its invoices paid by transfer cannot go to Chorus Pro (FOURNISSEUR_INCOMPLET).
    let branch = Company {
        code: BRANCH_CODE.into(),
        name: format!("{SUPPLIER_NAME} SAS — Agence de Lyon"),
        siret: from_stems(SUPPLIER_SIREN_STEM, 2).as_str().into(),
        vat_number,
        iban: french_iban("30004", "00828", "00010987654"),
        bic: String::new(),
        account_holder: "DAUPHINE INFORMATIQUE SERVICES AGENCE LYON".into(),
        bank_domiciliation: "BNP Paribas Lyon Part-Dieu".into(),
        address: "47 cours Lafayette".into(),
        postal_code: "69003".into(),
        city: "Lyon".into(),
    };
    (head_office, branch)
}

/// How many public buyers of each kind the demo has (150 in all).
const PUBLIC_MIX: &[(PublicKind, usize)] = &[
    (PublicKind::Town, 42),
    (PublicKind::Hospital, 18),
    (PublicKind::State, 14),
    (PublicKind::University, 10),
    (PublicKind::Departement, 10),
    (PublicKind::Region, 6),
    (PublicKind::Intercommunality, 10),
    (PublicKind::School, 16),
    (PublicKind::CareHome, 12),
    (PublicKind::OtherBody, 12),
];

/// Names, towns and the SIREN kinds already used, so each buyer appears once.
struct NameDraw {
    used_names: HashSet<String>,
}

impl NameDraw {
    fn draw(&mut self, rng: &mut Rng, kind: PublicKind) -> (String, Town) {
        loop {
            let (name, town) = candidate(rng, kind);
            if self.used_names.insert(name.clone()) {
                return (name, town);
            }
        }
    }
}

/// A name for a public body of `kind`, and its town.
pub fn candidate(rng: &mut Rng, kind: PublicKind) -> (String, Town) {
    let fixed = |rng: &mut Rng, list: &[names::Named]| {
        let (name, town) = *rng.pick(list);
        (name.to_string(), names::town(town))
    };
    match kind {
        PublicKind::Town => {
            let town = *rng.pick(names::TOWNS);
            (format!("Commune {}", names::of_town(town.name)), town)
        }
        PublicKind::Hospital => {
            if rng.chance(0.5) {
                fixed(rng, names::UNIVERSITY_HOSPITALS)
            } else {
                let town = *rng.pick(names::TOWNS);
                (
                    format!("Centre hospitalier {}", names::of_town(town.name)),
                    town,
                )
            }
        }
        PublicKind::State => fixed(rng, names::STATE_SERVICES),
        PublicKind::University => fixed(rng, names::UNIVERSITIES),
        PublicKind::Departement => {
            let (complement, town) = *rng.pick(names::DEPARTEMENTS);
            (format!("Département {complement}"), names::town(town))
        }
        PublicKind::Region => fixed(rng, names::REGIONS),
        PublicKind::Intercommunality => fixed(rng, names::INTERCOMMUNALITIES),
        PublicKind::School => {
            let town = *rng.pick(names::TOWNS);
            let school = rng.pick(names::SCHOOL_KINDS);
            let person = rng.pick(names::SCHOOL_NAMES);
            (format!("{school} {person} — {}", town.name), town)
        }
        PublicKind::CareHome => {
            let town = *rng.pick(names::TOWNS);
            let home = rng.pick(names::CARE_HOME_NAMES);
            (format!("EHPAD {home} — {}", town.name), town)
        }
        PublicKind::OtherBody => {
            if rng.chance(0.5) {
                let town = *rng.pick(names::TOWNS);
                let template = rng.pick(names::TOWN_BODIES);
                (template.replace("{}", &names::of_town(town.name)), town)
            } else {
                let (complement, town) = *rng.pick(names::DEPARTEMENTS);
                let template = rng.pick(names::DEPARTEMENT_BODIES);
                (template.replace("{}", complement), names::town(town))
            }
        }
    }
}

/// A street address: « 1 place de l'Hôtel de Ville » for a town hall, else a number and a street.
pub fn street_address(rng: &mut Rng, kind: Option<PublicKind>) -> String {
    if kind == Some(PublicKind::Town) && rng.chance(0.7) {
        return "1 place de l'Hôtel de Ville".into();
    }
    let number = rng.range(1, 180);
    let street = rng.pick(names::STREETS);
    if rng.chance(0.1) {
        format!("{number} bis {street}")
    } else {
        format!("{number} {street}")
    }
}

/// `04 76 12 34 56`.
pub fn phone_number(rng: &mut Rng, prefix: &str) -> String {
    format!(
        "{prefix} {:02} {:02} {:02} {:02}",
        rng.range(10, 99),
        rng.range(0, 99),
        rng.range(0, 99),
        rng.range(0, 99)
    )
}

/// An accounts-payable address: `factures@ville-annecy.fr` for a town, else built from the
/// first words of the buyer's name.
fn email_for(name: &str, kind: Option<PublicKind>, town: Town) -> String {
    if kind == Some(PublicKind::Town) {
        return format!("factures@ville-{}.fr", names::slug(town.name));
    }
    let words: Vec<&str> = name
        .split(['—', ','])
        .next()
        .unwrap_or(name)
        .split_whitespace()
        .filter(|w| w.chars().count() > 2 || w.chars().all(|c| c.is_ascii_digit()))
        .take(4)
        .collect();
    let domain = names::slug(&words.join(" "));
    let mailbox = match kind {
        Some(PublicKind::Town) => "factures",
        Some(PublicKind::Hospital) => "fournisseurs",
        Some(_) => "comptabilite",
        None => "contact",
    };
    format!("{mailbox}@{domain}.fr")
}

/// The directory entry of a buyer: its flags drawn by kind, its address copied from the ERP.
fn structure_for(rng: &mut Rng, client: &Client, kind: PublicKind, town: Town) -> Structure {
    let (service, engagement, either) = kind.flag_odds();
    Structure {
        identifier: client.siret.clone(),
        identifier_type: crate::model::directory::IDENTIFIER_TYPE_SIRET,
        name: client.name.to_uppercase(),
        edi_sender: rng.chance(0.03),
        edi_receiver: rng.chance(0.05),
        payment_status_managed: rng.chance(0.6),
        engagement_required: rng.chance(engagement),
        service_required: rng.chance(service),
        service_or_engagement_required: rng.chance(either),
        is_moa: rng.chance(0.1),
        is_moa_only: false,
        active: true,
        address: client.address.clone(),
        address_complement1: String::new(),
        address_complement2: String::new(),
        postal_code: client.postal_code.clone(),
        city: client.city.to_uppercase(),
        phone: phone_number(rng, town.phone_prefix),
        email: client.email.clone(),
        country_code: "FR".into(),
        country_label: "France".into(),
    }
}

/// Two to six services; some require an engagement number; one in five buyers also has
/// an old, inactive service.
pub fn services_for(rng: &mut Rng, structure: &Structure, pool: &[ServiceName]) -> Vec<Service> {
    let mut order: Vec<usize> = (0..pool.len()).collect();
    rng.shuffle(&mut order);
    let count = rng.range(2, 6.min(pool.len() as i64)) as usize;
    let mut services: Vec<Service> = order[..count]
        .iter()
        .map(|&i| {
            let (code, name) = pool[i];
            Service {
                structure_identifier: structure.identifier.clone(),
                code: code.to_string(),
                name: name.to_string(),
                engagement_required: rng.chance(0.15),
                active: true,
                address: structure.address.clone(),
                postal_code: structure.postal_code.clone(),
                city: structure.city.clone(),
            }
        })
        .collect();
    if count < pool.len() && rng.chance(0.2) {
        let (code, name) = pool[order[count]];
        services.push(Service {
            structure_identifier: structure.identifier.clone(),
            code: code.to_string(),
            name: format!("{name} (ancien)"),
            engagement_required: false,
            active: false,
            address: structure.address.clone(),
            postal_code: structure.postal_code.clone(),
            city: structure.city.clone(),
        });
    }
    services
}

/// Number of private customers (the checks leave them aside: not Chorus Pro business).
const PRIVATE_COUNT: usize = 20;

pub fn build(seed: u64) -> Parties {
    let mut rng = Rng::stream(seed, "clients");
    let (head_office, branch) = companies();
    let mut sirets = SiretPool::default();
    sirets.claim(&head_office.siret);
    sirets.claim(&branch.siret);
    let mut names_drawn = NameDraw {
        used_names: HashSet::new(),
    };
    let mut clients = Vec::new();
    for &(kind, count) in PUBLIC_MIX {
        for _ in 0..count {
            let (name, town) = names_drawn.draw(&mut rng, kind);
            let siret = sirets.fresh(&mut rng, kind.siren_prefix());
            let client = Client {
                code: format!("CL{:04}", clients.len() + 1),
                email: email_for(&name, Some(kind), town),
                name,
                siret,
                client_type: ClientType::Public,
                address: street_address(&mut rng, Some(kind)),
                postal_code: town.postal_code.into(),
                city: town.name.into(),
            };
            let structure = structure_for(&mut rng, &client, kind, town);
            let services = services_for(&mut rng, &structure, kind.services());
            clients.push(DemoClient {
                client,
                kind: Some(kind),
                role: ClientRole::Normal,
                weight: kind.base_weight() * rng.range(1, 3) as u32,
                structure: Some(structure),
                services,
            });
        }
    }
    let extra_structures = assign_roles(&mut rng, &mut clients, &mut sirets);
    ensure_every_profile(&mut clients);
    for &(name, town_name) in names::PRIVATE_CUSTOMERS {
        let town = names::town(town_name);
        let prefix = rng.range(30, 89) as u32;
        let client = Client {
            code: format!("CL{:04}", clients.len() + 1),
            name: name.into(),
            siret: sirets.fresh(&mut rng, prefix),
            client_type: ClientType::Private,
            address: street_address(&mut rng, None),
            postal_code: town.postal_code.into(),
            city: town.name.into(),
            email: email_for(name, None, town),
        };
        clients.push(DemoClient {
            client,
            kind: None,
            role: ClientRole::Normal,
            weight: 2,
            structure: None,
            services: Vec::new(),
        });
    }
    debug_assert_eq!(
        clients.iter().filter(|c| !c.is_public()).count(),
        PRIVATE_COUNT
    );
    Parties {
        head_office,
        branch,
        clients,
        extra_structures,
        sirets,
    }
}

/// A SIRET with its last digit changed: one wrong digit always breaks the Luhn key.
fn typo(siret: &str) -> String {
    let mut digits: Vec<u8> = siret.bytes().collect();
    if let Some(last) = digits.last_mut() {
        *last = b'0' + (*last - b'0' + 3) % 10;
    }
    String::from_utf8(digits).unwrap_or_default()
}

/// Gives four small buyers the client-level anomalies, and one the Luhn-invalid SIRET that
/// the directory nevertheless holds (a real case, formats.md §A.1). Returns the directory
/// entries that belong to no client.
fn assign_roles(
    rng: &mut Rng,
    clients: &mut [DemoClient],
    sirets: &mut SiretPool,
) -> Vec<(Structure, Vec<Service>)> {
    let mut candidates: Vec<usize> = clients
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            matches!(
                c.kind,
                Some(PublicKind::Town | PublicKind::School | PublicKind::OtherBody)
            )
        })
        .map(|(i, _)| i)
        .collect();
    rng.shuffle(&mut candidates);
    let mut extra = Vec::new();
    let roles = [
        ClientRole::SiretMissing,
        ClientRole::SiretInvalid,
        ClientRole::UnknownStructure,
        ClientRole::InactiveStructure,
    ];
    for (&index, role) in candidates.iter().zip(roles) {
        let c = &mut clients[index];
        c.role = role;
        match role {
            ClientRole::SiretMissing => {
                c.client.siret.clear();
                c.structure = None;
                c.services.clear();
            }
            ClientRole::SiretInvalid => {
                c.client.siret = typo(&c.client.siret);
                c.structure = None;
                c.services.clear();
            }
            ClientRole::UnknownStructure => {
                // The buyer moved: the directory knows its new establishment only.
                if let Some(mut s) = c.structure.take() {
                    let siren_stem: u32 = s.identifier[..8].parse().unwrap_or(0);
                    let moved = from_stems(siren_stem, 41).as_str().to_string();
                    sirets.claim(&moved);
                    s.identifier = moved;
                    s.address = "2 avenue de l'Europe".into();
                    let mut services = std::mem::take(&mut c.services);
                    for service in &mut services {
                        service.structure_identifier = s.identifier.clone();
                    }
                    extra.push((s, services));
                }
            }
            ClientRole::InactiveStructure => {
                if let Some(s) = c.structure.as_mut() {
                    s.active = false;
                    s.name = format!("{} (ANCIENNE STRUCTURE)", s.name);
                }
            }
            ClientRole::Normal => {}
        }
    }
    // The Luhn-invalid SIRET present in the directory: an ordinary buyer, conformant.
    if let Some(&index) = candidates.get(roles.len()) {
        let c = &mut clients[index];
        let invalid = typo(&c.client.siret);
        c.client.siret = invalid.clone();
        c.weight = c.weight.max(3);
        if let Some(s) = c.structure.as_mut() {
            s.identifier = invalid.clone();
            s.service_required = false;
            s.engagement_required = false;
            s.service_or_engagement_required = false;
        }
        for service in &mut c.services {
            service.structure_identifier = invalid.clone();
        }
    }
    extra
}

/// Makes sure the buyers the invoice-level anomalies need exist, whatever the draws gave:
/// one requiring a service code, one requiring an engagement, one requiring either, one with
/// a service requiring an engagement, one with an inactive service.
fn ensure_every_profile(clients: &mut [DemoClient]) {
    let normal: Vec<usize> = clients
        .iter()
        .enumerate()
        .filter(|(_, c)| c.role == ClientRole::Normal && c.structure.is_some())
        .map(|(i, _)| i)
        .collect();
    let has = |clients: &[DemoClient], test: &dyn Fn(&DemoClient) -> bool| {
        normal.iter().any(|&i| test(&clients[i]))
    };
    let flags = |c: &DemoClient| {
        c.structure
            .as_ref()
            .map(|s| {
                (
                    s.service_required,
                    s.engagement_required,
                    s.service_or_engagement_required,
                )
            })
            .unwrap_or_default()
    };
    // Each fix goes to a different buyer, picked from the list's end (small bodies).
    let mut fixers = normal.iter().rev().copied();
    if !has(clients, &|c| flags(c).0)
        && let Some(i) = fixers.next()
        && let Some(s) = clients[i].structure.as_mut()
    {
        s.service_required = true;
    }
    if !has(clients, &|c| flags(c).1)
        && let Some(i) = fixers.next()
        && let Some(s) = clients[i].structure.as_mut()
    {
        s.engagement_required = true;
    }
    let only_either = |c: &DemoClient| {
        let (service, engagement, either) = flags(c);
        either && !service && !engagement
    };
    if !has(clients, &only_either)
        && let Some(i) = fixers.next()
        && let Some(s) = clients[i].structure.as_mut()
    {
        s.service_required = false;
        s.engagement_required = false;
        s.service_or_engagement_required = true;
    }
    let service_asks_engagement = |c: &DemoClient| {
        !flags(c).1 && c.services.iter().any(|s| s.active && s.engagement_required)
    };
    if !has(clients, &service_asks_engagement)
        && let Some(i) = fixers.next()
    {
        if let Some(s) = clients[i].structure.as_mut() {
            s.engagement_required = false;
        }
        if let Some(service) = clients[i].services.first_mut() {
            service.engagement_required = true;
            service.active = true;
        }
    }
    if !has(clients, &|c| c.services.iter().any(|s| !s.active))
        && let Some(i) = fixers.next()
        && let Some(service) = clients[i].services.last_mut()
    {
        service.active = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bic, Iban, Siret};

    #[test]
    fn rib_key_matches_a_known_rib() {
        // RIB 30006 00001 12345678901 key 89 (FR76 3000 6000 0112 3456 7890 189).
        assert_eq!(rib_key("30006", "00001", "12345678901"), 89);
    }

    #[test]
    fn the_head_office_is_complete_and_the_branch_lacks_its_bic() {
        let parties = build(42);
        let head = &parties.head_office;
        assert!(Siret::parse(&head.siret).is_ok());
        assert!(Iban::parse(&head.iban).is_ok());
        assert!(Bic::parse(&head.bic).is_ok());
        assert_eq!(head.vat_number, vat_number_of(&head.siret[..9]));
        assert_eq!(&parties.branch.siret[..9], &head.siret[..9]);
        assert!(Iban::parse(&parties.branch.iban).is_ok());
        assert!(parties.branch.bic.is_empty());
    }

    #[test]
    fn clients_have_the_planned_roles_and_valid_sirets() {
        let parties = build(7);
        let public: Vec<_> = parties.clients.iter().filter(|c| c.is_public()).collect();
        assert_eq!(public.len(), 150);
        assert_eq!(parties.clients.len() - public.len(), PRIVATE_COUNT);
        for role in [
            ClientRole::SiretMissing,
            ClientRole::SiretInvalid,
            ClientRole::UnknownStructure,
            ClientRole::InactiveStructure,
        ] {
            assert_eq!(
                public.iter().filter(|c| c.role == role).count(),
                1,
                "{role:?}"
            );
        }
        let luhn_invalid_in_directory = public
            .iter()
            .filter(|c| c.role == ClientRole::Normal && Siret::parse(&c.client.siret).is_err())
            .count();
        assert_eq!(luhn_invalid_in_directory, 1);
        let codes: HashSet<&str> = parties
            .clients
            .iter()
            .map(|c| c.client.code.as_str())
            .collect();
        assert_eq!(codes.len(), parties.clients.len());
    }
}
