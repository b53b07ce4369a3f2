//! IBAN (ISO 13616) and BIC (ISO 9362) checks, with messages a user can act on.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("l'IBAN est vide")]
    Empty,
    #[error("un IBAN ne contient que des lettres et des chiffres")]
    BadCharacters,
    #[error("un IBAN commence par le code pays (deux lettres, ex. FR) puis deux chiffres de clé")]
    BadPrefix,
    #[error("code pays « {0} » inconnu pour un IBAN")]
    UnknownCountry(String),
    #[error("un IBAN {country} compte {expected} caractères, celui-ci en compte {actual}")]
    WrongLength {
        country: String,
        expected: usize,
        actual: usize,
    },
    #[error("la clé de contrôle de l'IBAN est incorrecte (modulo 97) : vérifiez la saisie")]
    Checksum,
}

/// An IBAN that passed the country length and mod-97 checks; stored without spaces.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    pub fn parse(input: &str) -> Result<Iban, IbanError> {
        let value: String = super::siret::normalize(input).to_ascii_uppercase();
        if value.is_empty() {
            return Err(IbanError::Empty);
        }
        if !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IbanError::BadCharacters);
        }
        let bytes = value.as_bytes();
        if bytes.len() < 4
            || !bytes[0].is_ascii_alphabetic()
            || !bytes[1].is_ascii_alphabetic()
            || !bytes[2].is_ascii_digit()
            || !bytes[3].is_ascii_digit()
        {
            return Err(IbanError::BadPrefix);
        }
        let country = &value[..2];
        let expected = country_length(country)
            .ok_or_else(|| IbanError::UnknownCountry(country.to_string()))?;
        if value.len() != expected {
            return Err(IbanError::WrongLength {
                country: country.to_string(),
                expected,
                actual: value.len(),
            });
        }
        if mod97(&value) != 1 {
            return Err(IbanError::Checksum);
        }
        Ok(Iban(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The IBAN in groups of four characters, as printed on a RIB.
    pub fn grouped(&self) -> String {
        group_by_four(&self.0)
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({})", self.0)
    }
}

/// Groups of four characters separated by spaces.
pub fn group_by_four(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 4);
    for (i, c) in value.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// ISO 7064 mod 97-10 of an IBAN: first four characters moved to the end, letters as 10..35.
fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    let mut rest: u32 = 0;
    for b in rearranged {
        let v = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rest = if v >= 10 {
            (rest * 100 + v) % 97
        } else {
            (rest * 10 + v) % 97
        };
    }
    rest
}

/// Builds a valid French IBAN from a 23-character BBAN (bank, branch, account, RIB key).
pub fn french_iban_from_bban(bban: &str) -> Iban {
    let probe = format!("FR00{bban}");
    let check = 98 - mod97(&probe);
    Iban(format!("FR{check:02}{bban}"))
}

/// IBAN length by country, from the SWIFT IBAN registry.
fn country_length(country: &str) -> Option<usize> {
    #[rustfmt::skip]
    const LENGTHS: &[(&str, usize)] = &[
        ("AD", 24), ("AE", 23), ("AL", 28), ("AT", 20), ("AZ", 28), ("BA", 20), ("BE", 16),
        ("BG", 22), ("BH", 22), ("BI", 27), ("BR", 29), ("BY", 28), ("CH", 21), ("CR", 22),
        ("CY", 28), ("CZ", 24), ("DE", 22), ("DJ", 27), ("DK", 18), ("DO", 28), ("EE", 20),
        ("EG", 29), ("ES", 24), ("FI", 18), ("FK", 18), ("FO", 18), ("FR", 27), ("GB", 22),
        ("GE", 22), ("GI", 23), ("GL", 18), ("GR", 27), ("GT", 28), ("HN", 28), ("HR", 21),
        ("HU", 28), ("IE", 22), ("IL", 23), ("IQ", 23), ("IS", 26), ("IT", 27), ("JO", 30),
        ("KW", 30), ("KZ", 20), ("LB", 28), ("LC", 32), ("LI", 21), ("LT", 20), ("LU", 20),
        ("LV", 21), ("LY", 25), ("MC", 27), ("MD", 24), ("ME", 22), ("MK", 19), ("MN", 20),
        ("MR", 27), ("MT", 31), ("MU", 30), ("NI", 28), ("NL", 18), ("NO", 15), ("OM", 23),
        ("PK", 24), ("PL", 28), ("PS", 29), ("PT", 25), ("QA", 29), ("RO", 24), ("RS", 22),
        ("RU", 33), ("SA", 24), ("SC", 31), ("SD", 18), ("SE", 24), ("SI", 19), ("SK", 24),
        ("SM", 27), ("SO", 23), ("ST", 25), ("SV", 28), ("TL", 23), ("TN", 24), ("TR", 26),
        ("UA", 29), ("VA", 22), ("VG", 24), ("XK", 20), ("YE", 30),
    ];
    LENGTHS
        .iter()
        .find(|(code, _)| *code == country)
        .map(|(_, len)| *len)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BicError {
    #[error("le BIC est vide")]
    Empty,
    #[error("un BIC compte 8 ou 11 caractères, celui-ci en compte {0}")]
    WrongLength(usize),
    #[error("un BIC commence par 4 lettres (la banque), ex. BNPAFRPP")]
    BadBankCode,
    #[error("le code pays « {0} » du BIC (5e et 6e caractères) n'existe pas")]
    BadCountry(String),
    #[error("les caractères 7 à 11 d'un BIC sont des lettres ou des chiffres")]
    BadLocation,
}

/// A BIC with a well-formed bank code, an existing ISO 3166 country and a location.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bic(String);

impl Bic {
    pub fn parse(input: &str) -> Result<Bic, BicError> {
        let value = super::siret::normalize(input).to_ascii_uppercase();
        if value.is_empty() {
            return Err(BicError::Empty);
        }
        if value.len() != 8 && value.len() != 11 {
            return Err(BicError::WrongLength(value.chars().count()));
        }
        let b = value.as_bytes();
        if !b[..4].iter().all(u8::is_ascii_alphabetic) {
            return Err(BicError::BadBankCode);
        }
        let country = &value[4..6];
        if !is_iso3166_country(country) {
            return Err(BicError::BadCountry(country.to_string()));
        }
        if !b[6..].iter().all(u8::is_ascii_alphanumeric) {
            return Err(BicError::BadLocation);
        }
        Ok(Bic(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 3166-1 alpha-2 codes (officially assigned), plus XK used by SWIFT for Kosovo.
fn is_iso3166_country(code: &str) -> bool {
    const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
        KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
        MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG \
        UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";
    code.len() == 2 && CODES.split_ascii_whitespace().any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ibans_with_spaces_and_lowercase() {
        let iban = Iban::parse("fr76 3000 6000 0112 3456 7890 189").unwrap();
        assert_eq!(iban.as_str(), "FR7630006000011234567890189");
        assert_eq!(iban.grouped(), "FR76 3000 6000 0112 3456 7890 189");
        assert!(Iban::parse("DE89 3704 0044 0532 0130 00").is_ok());
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_ok());
    }

    #[test]
    fn refuses_bad_ibans_with_the_reason() {
        assert_eq!(
            Iban::parse("FR7630006000011234567890188"),
            Err(IbanError::Checksum)
        );
        assert_eq!(
            Iban::parse("FR763000600001123456789018"),
            Err(IbanError::WrongLength {
                country: "FR".into(),
                expected: 27,
                actual: 26
            })
        );
        assert_eq!(
            Iban::parse("ZZ7630006000011234567890189"),
            Err(IbanError::UnknownCountry("ZZ".into()))
        );
        assert_eq!(Iban::parse("7630006000"), Err(IbanError::BadPrefix));
        assert_eq!(Iban::parse("FR76-3000"), Err(IbanError::BadCharacters));
    }

    #[test]
    fn builds_french_ibans() {
        let iban = french_iban_from_bban("30006000011234567890189");
        assert_eq!(iban.as_str(), "FR7630006000011234567890189");
        assert!(Iban::parse(iban.as_str()).is_ok());
    }

    #[test]
    fn checks_bics() {
        assert_eq!(Bic::parse("bnpa fr pp").unwrap().as_str(), "BNPAFRPP");
        assert!(Bic::parse("BNPAFRPPXXX").is_ok());
        assert_eq!(Bic::parse("BNPAFRP"), Err(BicError::WrongLength(7)));
        assert_eq!(
            Bic::parse("BNPAZZPP"),
            Err(BicError::BadCountry("ZZ".into()))
        );
        assert_eq!(Bic::parse("BN1AFRPP"), Err(BicError::BadBankCode));
        assert_eq!(Bic::parse("BNPAFRP_"), Err(BicError::BadLocation));
    }
}
