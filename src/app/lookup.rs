//! The N° SIRET field: a structure of the cached directory, its flags and its services.

use crate::model::{Service, Structure, siret};
use crate::store::{Store, directory as dir_db};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureEntry {
    pub structure: Structure,
    pub services: Vec<Service>,
}

/// Why a lookup did not happen or failed, worded for the user.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// Nothing was looked up: « 123 » is no SIRET.
    #[error("« {input} » n'est pas un SIRET : {reason} ; rien n'a été cherché")]
    NotSiret {
        input: String,
        reason: siret::SiretError,
    },
    #[error("lecture de l'annuaire impossible : {0}")]
    Sql(#[from] crate::store::sql::SqlError),
}

/// The SIRET typed in the N° SIRET field or given to `chorus-depot siret`, checked before
/// anything is looked up (14 digits, Luhn or La Poste's rule).
pub fn parse_lookup_siret(input: &str) -> Result<siret::Siret, LookupError> {
    siret::Siret::parse(input).map_err(|reason| LookupError::NotSiret {
        input: input.trim().to_string(),
        reason,
    })
}

pub fn lookup_siret(
    store: &Store,
    input: &str,
    only_active_services: bool,
) -> Result<Option<StructureEntry>, LookupError> {
    let siret = parse_lookup_siret(input)?;
    let identifier = siret.as_str();
    let Some(structure) = dir_db::find_structure(store.db(), identifier)? else {
        return Ok(None);
    };
    let services = dir_db::services_of(store.db(), identifier)?
        .into_iter()
        .filter(|s| s.active || !only_active_services)
        .collect();
    Ok(Some(StructureEntry {
        structure,
        services,
    }))
}

fn yes_no(b: bool) -> &'static str {
    if b { "oui" } else { "non" }
}

pub fn to_text(input: &str, entry: Option<&StructureEntry>) -> String {
    let mut out = String::new();
    let Some(e) = entry else {
        let _ = writeln!(
            out,
            "SIRET {input} : absent de l'annuaire Chorus Pro en cache"
        );
        return out;
    };
    let s = &e.structure;
    let _ = writeln!(out, "{} — {}", s.identifier, s.name);
    let _ = writeln!(out, "{} {} {}", s.address, s.postal_code, s.city);
    let _ = writeln!(out, "Structure active : {}", yes_no(s.active));
    let _ = writeln!(
        out,
        "N° d'engagement obligatoire : {}",
        yes_no(s.engagement_required)
    );
    let _ = writeln!(
        out,
        "Code service obligatoire : {}",
        yes_no(s.service_required)
    );
    let _ = writeln!(
        out,
        "Code service ou n° d'engagement obligatoire : {}",
        yes_no(s.service_or_engagement_required)
    );
    let _ = writeln!(out, "Services ({}) :", e.services.len());
    for svc in &e.services {
        let _ = writeln!(
            out,
            "  {} — {} (actif : {}, engagement obligatoire : {})",
            svc.code,
            svc.name,
            yes_no(svc.active),
            yes_no(svc.engagement_required)
        );
    }
    out
}
