//! The audit trail: the raw JSON of every exchange with Chorus Pro, secrets removed, handed to
//! an [`ExchangeLog`] (the application stores it in SQLite).

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::secret::REDACTED;

/// One HTTP exchange, already cleaned of secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub started_at: SystemTime,
    /// `POST` or `GET`.
    pub method: &'static str,
    /// The whole URL called.
    pub route: String,
    /// 1 for the first try, then 2, 3... for retries and the replay after a 401.
    pub attempt: u32,
    /// Request headers, the secret ones replaced by `***`.
    pub request_headers: Vec<(String, String)>,
    /// Request body (JSON, or the token form), secrets and big files replaced.
    pub request_body: String,
    /// HTTP status, `None` when no answer came back.
    pub status: Option<u16>,
    /// Answer headers worth keeping (`WWW-Authenticate`, `Retry-After`, `Content-Type`).
    pub response_headers: Vec<(String, String)>,
    /// Answer body, secrets and big files replaced; empty when there was none.
    pub response_body: String,
    pub duration: Duration,
    /// The transport failure, when no answer came back.
    pub transport_error: Option<String>,
}

/// Where exchanges go. Called from the client's worker thread; must not block for long.
pub trait ExchangeLog: Send + Sync {
    fn record(&self, exchange: &Exchange);
}

/// Discards everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLog;

impl ExchangeLog for NoLog {
    fn record(&self, _exchange: &Exchange) {}
}

/// Keeps exchanges in memory (tests, the "Tester la connexion" dialog).
#[derive(Debug, Default)]
pub struct MemoryLog {
    exchanges: Mutex<Vec<Exchange>>,
}

impl MemoryLog {
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

impl ExchangeLog for MemoryLog {
    fn record(&self, exchange: &Exchange) {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(exchange.clone());
    }
}

/// Headers whose value is a credential.
const SECRET_HEADERS: &[&str] = &["authorization", "cpro-account", "cookie", "set-cookie"];

/// JSON keys whose value is a credential.
const SECRET_KEYS: &[&str] = &[
    "password",
    "client_secret",
    "access_token",
    "refresh_token",
    "id_token",
    "motDePasse",
];

/// JSON keys holding a base64 file (up to 10 MB and more): kept as size + SHA-256 only.
const FILE_KEYS: &[&str] = &[
    "fichierFlux",
    "fichierFacture",
    "fichierResultat",
    "fichierCR",
    "fichier",
    "pieceJointeFichier",
];

pub fn redact_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            if SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                (name.clone(), REDACTED.to_string())
            } else {
                (name.clone(), value.clone())
            }
        })
        .collect()
}

/// The most of one body the audit trail keeps: enough to read any ordinary answer whole,
/// never the megabytes a broken or hostile server can send (each call would add them to
/// the database).
pub const MAX_AUDIT_BODY: usize = 4096;

/// A body fit for the audit trail: JSON with its secrets and files replaced, then cut to
/// [`MAX_AUDIT_BODY`] with its total size said. A body that is not JSON is cut the same
/// way, and not kept at all when it names a secret field (a token answer cut short).
pub fn redact_body(body: &[u8]) -> String {
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            redact_value(&mut value);
            value.to_string()
        }
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            if SECRET_KEYS.iter().any(|key| text.contains(key)) {
                return format!(
                    "<réponse non JSON de {} octets nommant un champ secret : non conservée>",
                    body.len()
                );
            }
            text.into_owned()
        }
    };
    cut(&text, body.len())
}

fn cut(text: &str, total: usize) -> String {
    if text.len() <= MAX_AUDIT_BODY {
        return text.to_string();
    }
    let mut end = MAX_AUDIT_BODY;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({total} octets en tout)", &text[..end])
}

/// The token request form, `client_secret` hidden.
pub fn redact_form(form: &str) -> String {
    form.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if SECRET_KEYS.contains(&key) => format!("{key}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) {
                    *item = Value::String(REDACTED.to_string());
                } else if FILE_KEYS.contains(&key.as_str()) {
                    if let Value::String(text) = item {
                        *item = Value::String(file_summary(text));
                    }
                } else {
                    redact_value(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// "<fichier base64 : N octets, sha256 HEX>": the SHA-256 of the decoded file, the same the
/// deposit journal keeps, so an audit line can be matched with the file on disk.
pub fn file_summary(base64_text: &str) -> String {
    match base64::engine::general_purpose::STANDARD.decode(base64_text.trim()) {
        Ok(bytes) => format!(
            "<fichier base64 : {} octets, sha256 {}>",
            bytes.len(),
            hex(&Sha256::digest(&bytes))
        ),
        Err(_) => format!(
            "<texte non base64 : {} caractères, sha256 {}>",
            base64_text.len(),
            hex(&Sha256::digest(base64_text.as_bytes()))
        ),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_secrets_are_replaced() {
        let body = serde_json::json!({
            "fichierFlux": "aGVsbG8=",
            "nomFichier": "f.xml",
            "nested": [{"password": "pw", "client_secret": "cs"}],
        });
        let out = redact_body(body.to_string().as_bytes());
        assert!(!out.contains("aGVsbG8="), "{out}");
        assert!(out.contains("5 octets"), "{out}");
        // sha256("hello")
        assert!(
            out.contains("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
            "{out}"
        );
        assert!(!out.contains("\"pw\"") && !out.contains("\"cs\""), "{out}");
        assert!(out.contains("f.xml"));
    }

    #[test]
    fn big_bodies_are_cut_and_their_size_said() {
        let big = format!(r#"{{"codeRetour":0,"x":"{}"}}"#, "a".repeat(50_000));
        let out = redact_body(big.as_bytes());
        assert!(out.len() < MAX_AUDIT_BODY + 100, "{}", out.len());
        assert!(
            out.ends_with(&format!("({} octets en tout)", big.len())),
            "{out}"
        );
        let html = "é".repeat(10_000);
        let out = redact_body(html.as_bytes());
        assert!(out.ends_with("(20000 octets en tout)"), "{out}");
        let cut_token = br#"{"access_token":"abcdef"#;
        let out = redact_body(cut_token);
        assert!(!out.contains("abcdef"), "{out}");
        assert!(out.contains("non conservée"), "{out}");
    }

    #[test]
    fn token_form_and_headers_are_redacted() {
        assert_eq!(
            redact_form("grant_type=client_credentials&client_id=id&client_secret=s&scope=openid"),
            "grant_type=client_credentials&client_id=id&client_secret=***&scope=openid"
        );
        let headers = redact_headers(&[
            ("Authorization".into(), "Bearer abc".into()),
            ("cpro-account".into(), "bG9naW46cHc=".into()),
            ("Content-Type".into(), "application/json".into()),
        ]);
        assert_eq!(headers[0].1, REDACTED);
        assert_eq!(headers[1].1, REDACTED);
        assert_eq!(headers[2].1, "application/json");
    }
}
