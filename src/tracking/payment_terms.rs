//! Which legal payment delay applies to a client, and why: the buyer categories of the
//! code de la commande publique, the category deduced from the client's name (never
//! silently: the reason says « déduite de … »), the user's choices, and the one due-date
//! function every screen, export and reminder uses.
//!
//! Sources (checked 2026-12, see README « Payments »):
//! - art. R.2192-10: 30 days for the State, its public establishments other than
//!   industrial and commercial ones, local authorities and their public establishments;
//! - art. R.2192-11 1°: 50 days for public health establishments and the establishments of
//!   the armed forces' health service;
//! - art. R.2192-11 2°: 60 days for public companies (ordonnance 2004-503), except those
//!   that are local public establishments.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The buyer categories the law gives a payment delay to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BuyerCategory {
    /// State, local authorities and their public establishments (R.2192-10).
    StateOrLocal,
    /// Public health establishments, armed forces' health service (R.2192-11 1°).
    PublicHealth,
    /// Public companies (R.2192-11 2°).
    PublicCompany,
}

impl BuyerCategory {
    pub const ALL: [BuyerCategory; 3] = [
        BuyerCategory::StateOrLocal,
        BuyerCategory::PublicHealth,
        BuyerCategory::PublicCompany,
    ];

    /// The delay the law sets, in days.
    pub fn legal_delay_days(self) -> u32 {
        match self {
            BuyerCategory::StateOrLocal => 30,
            BuyerCategory::PublicHealth => 50,
            BuyerCategory::PublicCompany => 60,
        }
    }

    /// The article of the code de la commande publique that sets it.
    pub fn article(self) -> &'static str {
        match self {
            BuyerCategory::StateOrLocal => "art. R.2192-10",
            BuyerCategory::PublicHealth => "art. R.2192-11 1°",
            BuyerCategory::PublicCompany => "art. R.2192-11 2°",
        }
    }

    /// The database code (`client_payment_terms.category`).
    pub fn code(self) -> &'static str {
        match self {
            BuyerCategory::StateOrLocal => "ETAT_COLLECTIVITE",
            BuyerCategory::PublicHealth => "SANTE",
            BuyerCategory::PublicCompany => "ENTREPRISE_PUBLIQUE",
        }
    }

    pub fn from_code(code: &str) -> Option<BuyerCategory> {
        BuyerCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    /// What the settings dialog and the explanations call it.
    pub fn label(self) -> &'static str {
        match self {
            BuyerCategory::StateOrLocal => "État, collectivité ou établissement public",
            BuyerCategory::PublicHealth => "Établissement public de santé",
            BuyerCategory::PublicCompany => "Entreprise publique",
        }
    }
}

/// Where a client's category comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategorySource {
    /// Chosen in « Paramétrage › Délais de paiement ».
    SetByUser,
    /// Deduced from a word of the client's name (« CHU », « centre hospitalier »…).
    DeducedFromName(&'static str),
    /// Nothing says otherwise: the general case of R.2192-10.
    Default,
}

impl CategorySource {
    /// « choisie par l'utilisateur », « déduite de « CHU » dans le nom », « par défaut ».
    pub fn label(&self) -> String {
        match self {
            CategorySource::SetByUser => "choisie dans le paramétrage".to_string(),
            CategorySource::DeducedFromName(word) => {
                format!("déduite de « {word} » dans le nom du client")
            }
            CategorySource::Default => "par défaut".to_string(),
        }
    }
}

/// Words of a client's name that give its category, in the order they are tried. Matched
/// on whole words, accents and case ignored (« Chusclan » is a commune, not a CHU).
const NAME_CLUES: &[(&str, BuyerCategory)] = &[
    ("CHU", BuyerCategory::PublicHealth),
    ("CHR", BuyerCategory::PublicHealth),
    ("CHRU", BuyerCategory::PublicHealth),
    ("centre hospitalier", BuyerCategory::PublicHealth),
    ("hôpital", BuyerCategory::PublicHealth),
    ("hôpitaux", BuyerCategory::PublicHealth),
    ("hospices civils", BuyerCategory::PublicHealth),
    ("AP-HP", BuyerCategory::PublicHealth),
    ("service de santé des armées", BuyerCategory::PublicHealth),
    ("EPIC", BuyerCategory::PublicCompany),
    ("SNCF", BuyerCategory::PublicCompany),
    ("RATP", BuyerCategory::PublicCompany),
];

/// Lower case, accents removed, every run of other characters one space, padded with
/// spaces so that a clue matches whole words only.
fn words(text: &str) -> String {
    let mut out = String::from(" ");
    for c in text.chars() {
        let c = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            c if c.is_alphanumeric() => c.to_ascii_lowercase(),
            _ => ' ',
        };
        if c != ' ' || !out.ends_with(' ') {
            out.push(c);
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// The category a client's name points to, with the word that says so.
pub fn deduce_category(client_name: &str) -> Option<(BuyerCategory, &'static str)> {
    let name = words(client_name);
    NAME_CLUES
        .iter()
        .find(|(clue, _)| name.contains(&words(clue)))
        .map(|&(clue, category)| (category, clue))
}

/// The delay that applies to one client, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTerms {
    pub category: BuyerCategory,
    pub source: CategorySource,
    pub delay_days: u32,
    /// The user gave this client a delay of its own (a contract may shorten the legal one).
    pub delay_overridden: bool,
}

impl ClientTerms {
    /// « établissement public de santé, déduite de « CHU » dans le nom du client » or
    /// « délai propre au client ».
    pub fn reason(&self) -> String {
        if self.delay_overridden {
            "délai propre au client, choisi dans le paramétrage".to_string()
        } else {
            format!(
                "{}, catégorie {}",
                self.category.label().to_lowercase(),
                self.source.label()
            )
        }
    }
}

/// The due date: the day Chorus Pro received the invoice plus the delay (R.2192-12: the
/// delay runs from the reception of the payment request). The only due-date computation
/// of the application.
pub fn due_date(received_on: NaiveDate, delay_days: u32) -> Option<NaiveDate> {
    received_on.checked_add_days(Days::new(delay_days.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_category_has_the_delay_of_its_article() {
        assert_eq!(BuyerCategory::StateOrLocal.legal_delay_days(), 30);
        assert_eq!(BuyerCategory::PublicHealth.legal_delay_days(), 50);
        assert_eq!(BuyerCategory::PublicCompany.legal_delay_days(), 60);
        assert_eq!(BuyerCategory::PublicHealth.article(), "art. R.2192-11 1°");
        for c in BuyerCategory::ALL {
            assert_eq!(BuyerCategory::from_code(c.code()), Some(c));
        }
        assert_eq!(BuyerCategory::from_code("HOPITAL"), None);
    }

    #[test]
    fn hospitals_are_told_by_their_name_on_whole_words() {
        let health = |name| deduce_category(name).map(|(c, _)| c);
        assert_eq!(
            deduce_category("CHU de Bordeaux"),
            Some((BuyerCategory::PublicHealth, "CHU"))
        );
        assert_eq!(
            health("Centre Hospitalier d'Arles"),
            Some(BuyerCategory::PublicHealth)
        );
        assert_eq!(
            health("HOPITAL LOCAL DE SAINT-AFFRIQUE"),
            Some(BuyerCategory::PublicHealth)
        );
        assert_eq!(
            health("Hôpitaux de Paris"),
            Some(BuyerCategory::PublicHealth)
        );
        assert_eq!(health("SNCF Réseau"), Some(BuyerCategory::PublicCompany));
        // Not a CHU: a commune whose name starts with the same letters.
        assert_eq!(health("Commune de Chusclan"), None);
        assert_eq!(health("Département du Rhône"), None);
    }

    #[test]
    fn the_due_date_adds_the_delay_to_the_reception() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(due_date(day(2026, 11, 14), 50), Some(day(2027, 1, 3)));
        assert_eq!(due_date(day(2026, 11, 14), 30), Some(day(2026, 12, 14)));
        assert_eq!(due_date(day(2028, 1, 30), 30), Some(day(2028, 2, 29)));
    }

    #[test]
    fn the_reason_says_where_the_delay_comes_from() {
        let deduced = ClientTerms {
            category: BuyerCategory::PublicHealth,
            source: CategorySource::DeducedFromName("CHU"),
            delay_days: 50,
            delay_overridden: false,
        };
        assert_eq!(
            deduced.reason(),
            "établissement public de santé, catégorie déduite de « CHU » dans le nom du client"
        );
        let own = ClientTerms {
            delay_overridden: true,
            ..deduced
        };
        assert!(own.reason().starts_with("délai propre au client"));
    }
}
