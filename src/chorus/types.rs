//! Types shared by the three APIs: code lists that keep unknown codes, paging, lenient readers.

use serde::{Deserialize, Deserializer, Serialize};

/// A code list sent or received as a JSON string. Unknown codes are kept, not rejected: Chorus
/// Pro adds codes without notice and an odd code must not make a whole answer unreadable.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A code this version does not know, kept as received.
            Unknown(String),
        }

        impl $name {
            pub fn from_code(code: &str) -> Self {
                match code.trim() {
                    $($code => $name::$variant,)*
                    _ => $name::Unknown(code.to_string()),
                }
            }

            /// The code as Chorus Pro writes it.
            pub fn code(&self) -> &str {
                match self {
                    $($name::$variant => $code,)*
                    $name::Unknown(code) => code,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = String::deserialize(deserializer)?;
                Ok($name::from_code(&code))
            }
        }
    };
}

code_list! {
    /// `syntaxeFlux` of a deposit (chorus-api.md §3.1).
    FluxSyntax {
        /// UBL 2.1 Invoice / CreditNote (EN 16931).
        UblInvoice => "IN_DP_E1_UBL_INVOICE",
        /// UN/CEFACT CII D16B (EN 16931).
        Cii16b => "IN_DP_E1_CII_16B",
        /// Factur-X: PDF/A-3 carrying CII.
        FacturX => "IN_DP_E2_CII_FACTURX",
        /// Minimal UBL + PDF.
        UblInvoiceMin => "IN_DP_E2_UBL_INVOICE_MIN",
        /// Minimal CII 16B + PDF.
        CiiMin16b => "IN_DP_E2_CII_MIN_16B",
    }
}

/// The flux states and invoice statuses are the model's (with their French labels),
/// read and written as their Chorus codes.
pub use crate::model::status::{FluxState, InvoiceStatus};

code_list! {
    /// `triSens` of the paged searches.
    SortDirection {
        Ascending => "Ascendant",
        Descending => "Descendant",
    }
}

/// `parametresRetour` of paged answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageInfo {
    #[serde(default, deserialize_with = "opt_i64")]
    pub page_courante: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub pages: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub nb_resultats_par_page: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub total: Option<i64>,
}

/// The part every answer shares: read first, before the typed answer, to tell a refusal from
/// a success whatever the rest of the body looks like.
#[derive(Debug, Deserialize)]
pub(crate) struct ReturnCode {
    #[serde(rename = "codeRetour", default, deserialize_with = "opt_i64")]
    pub code_retour: Option<i64>,
    #[serde(default, deserialize_with = "opt_text")]
    pub libelle: Option<String>,
}

/// Reads an int64 id from a number or a numeric string; anything else is an error.
pub fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            // A whole number written as a float (`3.0`), within i64: never saturated.
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("nombre entier attendu, reçu {n}"))),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("nombre entier attendu, reçu « {s} »"))),
        Some(other) => Err(D::Error::custom(format!(
            "nombre entier attendu, reçu {other}"
        ))),
    }
}

/// Reads a text that some answers give as a number (amounts) or a boolean; kept as written.
pub fn opt_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => Some(other.to_string()),
        },
    )
}

/// Reads a boolean from `true`/`false`, `"true"`/`"false"`, `"OUI"`/`"NON"` or 0/1.
/// An identifier: a string, or a whole number written without quotes. An object, a list, a
/// boolean or a fraction is an error, never turned into text (a flux number `{"a":1}`
/// must not be recorded).
pub fn opt_identifier<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        Some(serde_json::Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Some(n.to_string())),
        Some(other) => Err(D::Error::custom(format!(
            "identifiant attendu (texte), reçu {other}"
        ))),
    }
}

pub fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    use serde::de::Error;
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Bool(b)) => Ok(Some(b)),
        Some(serde_json::Value::Number(n)) => Ok(Some(n.as_f64() != Some(0.0))),
        Some(serde_json::Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "oui" | "1" => Ok(Some(true)),
            "false" | "non" | "0" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(D::Error::custom(format!("booléen attendu, reçu « {s} »"))),
        },
        Some(other) => Err(D::Error::custom(format!("booléen attendu, reçu {other}"))),
    }
}

/// A list that may come as `null` or be missing: read as empty.
pub fn list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_are_kept() {
        let state: FluxState = serde_json::from_str("\"IN_NOUVEL_ETAT\"").unwrap();
        assert_eq!(state, FluxState::Unknown("IN_NOUVEL_ETAT".into()));
        assert_eq!(serde_json::to_string(&state).unwrap(), "\"IN_NOUVEL_ETAT\"");
        assert!(FluxState::from_code("IN_INTEGRE").is_final());
    }

    #[test]
    fn lenient_numbers() {
        let page: PageInfo =
            serde_json::from_str(r#"{"pageCourante":"2","pages":3.0,"total":null}"#).unwrap();
        assert_eq!(page.page_courante, Some(2));
        assert_eq!(page.pages, Some(3));
        assert_eq!(page.total, None);
        assert!(serde_json::from_str::<PageInfo>(r#"{"pages":"x"}"#).is_err());
    }
}
