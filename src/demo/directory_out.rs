//! The directory export the demo ships: the structures and services of its public clients,
//! plus a few thousand other public bodies so the « Annuaire Chorus PRO » tab has something
//! to browse. Columns as in shared/reference/formats.md §A.2 and §A.3.

use super::csv_out::Sheet;
use super::names::{self, Town};
use super::parties::{self, Parties, PublicKind};
use super::rng::Rng;
use crate::model::directory::IDENTIFIER_TYPE_SIRET;
use crate::model::{Service, Structure};

/// The export's date (16/11/2026) is carried by the file names, as in the real exports.
pub const STRUCTURES_FILE: &str = "AIFE-Chorus-Pro-Annuaire_20261116-structures.csv";
pub const SERVICES_FILE: &str = "AIFE-Chorus-Pro-Annuaire_20261116-services.csv";

/// Public bodies in the directory besides the demo's clients.
const NOISE_STRUCTURES: usize = 3_000;

#[rustfmt::skip]
const VILLAGE_HEADS: &[&str] = &[
    "Saint-Martin", "Saint-Jean", "Saint-Pierre", "Sainte-Marie", "Saint-Laurent", "Saint-Didier",
    "Saint-Genis", "Saint-Julien", "Sainte-Foy", "Villeneuve", "Villefranche", "Montagny",
    "Beaumont", "Châteauneuf", "Fontaine", "Neuville", "La Chapelle", "Le Plessis", "Pont",
    "Roche", "Champagnac", "Vaulx", "Bourg", "Montferrat", "Chavanay", "Crémieu", "Brié",
];

#[rustfmt::skip]
const VILLAGE_TAILS: &[&str] = &[
    "", "", "", "-sur-Isère", "-sur-Loire", "-en-Vercors", "-du-Var", "-les-Bains",
    "-de-Maurienne", "-le-Vieux", "-la-Forêt", "-d'Azergues", "-en-Bresse", "-sur-Saône",
    "-lès-Beaune", "-de-Rivière", "-sous-Bois", "-en-Forez", "-du-Lac", "-des-Bois",
    "-en-Velay", "-d'Oingt", "-de-Chartreuse", "-sur-Mer",
];

/// A village near a real town: its name and a postal code of the same département.
fn village(rng: &mut Rng) -> (String, String, Town) {
    let town = *rng.pick(names::TOWNS);
    let name = format!("{}{}", rng.pick(VILLAGE_HEADS), rng.pick(VILLAGE_TAILS));
    let postal = format!("{}{:03}", &town.postal_code[..2], rng.range(1, 99) * 10);
    (name, postal, town)
}

fn noise_kind(rng: &mut Rng) -> PublicKind {
    const KINDS: &[(PublicKind, u32)] = &[
        (PublicKind::Town, 50),
        (PublicKind::School, 15),
        (PublicKind::CareHome, 8),
        (PublicKind::OtherBody, 12),
        (PublicKind::Hospital, 5),
        (PublicKind::Intercommunality, 4),
        (PublicKind::State, 4),
        (PublicKind::University, 2),
    ];
    let weights: Vec<u32> = KINDS.iter().map(|(_, w)| *w).collect();
    KINDS[rng.weighted(&weights)].0
}

fn noise_structure(rng: &mut Rng, kind: PublicKind, siret: String) -> Structure {
    let (village_name, postal, town) = village(rng);
    let (name, city, postal_code) = match kind {
        PublicKind::Town => (
            format!("Commune {}", names::of_town(&village_name)),
            village_name,
            postal,
        ),
        PublicKind::School => {
            let school = rng.pick(names::SCHOOL_KINDS);
            let person = rng.pick(names::SCHOOL_NAMES);
            (
                format!("{school} {person} — {village_name}"),
                village_name,
                postal,
            )
        }
        PublicKind::CareHome => {
            let home = rng.pick(names::CARE_HOME_NAMES);
            (
                format!("EHPAD {home} — {village_name}"),
                village_name,
                postal,
            )
        }
        PublicKind::OtherBody if rng.chance(0.5) => {
            let template = rng.pick(names::TOWN_BODIES);
            let complement = names::of_town(&village_name);
            (template.replace("{}", &complement), village_name, postal)
        }
        _ => {
            let (name, town) = parties::candidate(rng, kind);
            (name, town.name.to_string(), town.postal_code.to_string())
        }
    };
    let (service, engagement, either) = kind.flag_odds();
    Structure {
        identifier: siret,
        identifier_type: IDENTIFIER_TYPE_SIRET,
        name: name.to_uppercase(),
        edi_sender: rng.chance(0.02),
        edi_receiver: rng.chance(0.04),
        payment_status_managed: rng.chance(0.5),
        engagement_required: rng.chance(engagement),
        service_required: rng.chance(service),
        service_or_engagement_required: rng.chance(either),
        is_moa: rng.chance(0.08),
        is_moa_only: rng.chance(0.01),
        active: !rng.chance(0.03),
        address: parties::street_address(rng, Some(kind)),
        address_complement1: if rng.chance(0.1) {
            "BP 12".into()
        } else {
            String::new()
        },
        address_complement2: String::new(),
        postal_code,
        city: city.to_uppercase(),
        phone: if rng.chance(0.6) {
            parties::phone_number(rng, town.phone_prefix)
        } else {
            String::new()
        },
        email: if rng.chance(0.3) {
            format!("accueil@{}.fr", names::slug(&name))
        } else {
            String::new()
        },
        country_code: "FR".into(),
        country_label: "France".into(),
    }
}

/// Public bodies overseas, identified by a RIDET (New Caledonia) or a TAHITI number.
fn overseas() -> Vec<Structure> {
    let make =
        |kind: i64, id: &str, name: &str, postal: &str, city: &str, country: (&str, &str)| {
            Structure {
                identifier: id.into(),
                identifier_type: kind,
                name: name.to_uppercase(),
                active: true,
                payment_status_managed: true,
                postal_code: postal.into(),
                city: city.to_uppercase(),
                country_code: country.0.into(),
                country_label: country.1.into(),
                ..Structure::default()
            }
        };
    let nc = ("NC", "Nouvelle-Calédonie");
    let pf = ("PF", "Polynésie française");
    vec![
        make(
            4,
            "0123456001",
            "Gouvernement de la Nouvelle-Calédonie",
            "98800",
            "Nouméa",
            nc,
        ),
        make(4, "0234567001", "Province Sud", "98800", "Nouméa", nc),
        make(4, "0345678002", "Commune de Dumbéa", "98835", "Dumbéa", nc),
        make(5, "C12345", "Commune de Papeete", "98714", "Papeete", pf),
        make(
            5,
            "D54321",
            "Polynésie française — Direction du budget",
            "98714",
            "Papeete",
            pf,
        ),
    ]
}

/// The two directory files, by name: structures, then services.
pub fn directory_files(
    seed: u64,
    parties: &mut Parties,
) -> Result<Vec<(&'static str, Vec<u8>)>, csv::Error> {
    let mut rng = Rng::stream(seed, "annuaire");
    let mut structures: Vec<Structure> = Vec::new();
    let mut services: Vec<Service> = Vec::new();
    for c in &parties.clients {
        if let Some(s) = &c.structure {
            structures.push(s.clone());
            services.extend(c.services.iter().cloned());
        }
    }
    for (s, list) in &parties.extra_structures {
        structures.push(s.clone());
        services.extend(list.iter().cloned());
    }
    for _ in 0..NOISE_STRUCTURES {
        let kind = noise_kind(&mut rng);
        let siret = parties.sirets.fresh(&mut rng, kind.siren_prefix());
        let structure = noise_structure(&mut rng, kind, siret);
        if rng.chance(0.4) {
            services.extend(parties::services_for(&mut rng, &structure, kind.services()));
        }
        structures.push(structure);
    }
    structures.extend(overseas());
    // The real export lists structures by identifier; the demo does the same.
    structures.sort_by(|a, b| a.identifier.cmp(&b.identifier));
    services.sort_by(|a, b| {
        (&a.structure_identifier, &a.code).cmp(&(&b.structure_identifier, &b.code))
    });
    let names_by_id: std::collections::HashMap<&str, &str> = structures
        .iter()
        .map(|s| (s.identifier.as_str(), s.name.as_str()))
        .collect();
    Ok(vec![
        (STRUCTURES_FILE, structures_csv(&structures)?),
        (SERVICES_FILE, services_csv(&services, &names_by_id)?),
    ])
}

fn flag(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn structures_csv(structures: &[Structure]) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(&[
        "TypeIdentifiant",
        "Identifiant",
        "RaisonSociale",
        "EmetteurEdi",
        "RecepteurEdi",
        "GestionStatutMiseEnPaiement",
        "GestionEngagement",
        "GestionService",
        "GestionServiceEngagement",
        "EstMOA",
        "EstMOAUniquement",
        "StructureActive",
        "Adresse",
        "ComplementAdresse1",
        "ComplementAdresse2",
        "CodePostal",
        "Ville",
        "NumTelephone",
        "Courriel",
        "CodePays",
        "LibellePays",
    ])?;
    for s in structures {
        sheet.row([
            &s.identifier_type.to_string(),
            &s.identifier,
            &s.name,
            flag(s.edi_sender),
            flag(s.edi_receiver),
            flag(s.payment_status_managed),
            flag(s.engagement_required),
            flag(s.service_required),
            flag(s.service_or_engagement_required),
            flag(s.is_moa),
            flag(s.is_moa_only),
            flag(s.active),
            &s.address,
            &s.address_complement1,
            &s.address_complement2,
            &s.postal_code,
            &s.city,
            &s.phone,
            &s.email,
            &s.country_code,
            &s.country_label,
        ])?;
    }
    sheet.finish()
}

fn services_csv(
    services: &[Service],
    names_by_id: &std::collections::HashMap<&str, &str>,
) -> Result<Vec<u8>, csv::Error> {
    let mut sheet = Sheet::new(&[
        "Identifiant",
        "RaisonSociale",
        "Code",
        "Nom",
        "GestionEGMT",
        "ServiceActif",
        "Adresse",
        "ComplementAdresse1",
        "ComplementAdresse2",
        "CodePostal",
        "Ville",
        "NumTelephone",
        "Courriel",
        "CodePays",
        "LibellePays",
    ])?;
    for s in services {
        let structure_name = names_by_id
            .get(s.structure_identifier.as_str())
            .copied()
            .unwrap_or_default();
        sheet.row([
            &s.structure_identifier,
            structure_name,
            &s.code,
            &s.name,
            flag(s.engagement_required),
            flag(s.active),
            &s.address,
            "",
            "",
            &s.postal_code,
            &s.city,
            "",
            "",
            "FR",
            "France",
        ])?;
    }
    sheet.finish()
}
