//! The PISTE side: OAuth2 client-credentials tokens, and the two checks every API call
//! passes (a valid, unexpired bearer token, then the `cpro-account` technical account).

use super::Shared;
use super::faults::mix;
use super::http::{Request, Response};
use base64::Engine as _;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Issued tokens and their expiry (Unix ms). Kept in memory only: after a restart clients
/// get a 401 and fetch a new token, as after an expiry.
#[derive(Default)]
pub struct Tokens {
    issued: Mutex<HashMap<String, i64>>,
    counter: AtomicU64,
}

/// `POST /api/oauth/token`, form `grant_type=client_credentials&client_id&client_secret&scope`.
pub fn token_endpoint(shared: &Shared, request: &Request) -> Response {
    if request.method != "POST" {
        return oauth_error(
            405,
            "invalid_request",
            "méthode non autorisée : POST attendu",
        );
    }
    let body = String::from_utf8_lossy(&request.body);
    let form = parse_form(&body);
    let field = |name: &str| form.get(name).map(String::as_str);
    let (mut client_id, mut client_secret) = (
        field("client_id").map(str::to_string),
        field("client_secret").map(str::to_string),
    );
    // Some OAuth2 libraries send the client credentials in HTTP Basic: accept both.
    if client_id.is_none()
        && let Some((id, secret)) = basic_credentials(request.header("authorization"))
    {
        client_id = Some(id);
        client_secret = Some(secret);
    }
    match field("grant_type") {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "seul grant_type=client_credentials est accepté",
            );
        }
        None => return oauth_error(400, "invalid_request", "grant_type manquant"),
    }
    let config = &shared.config;
    if client_id.as_deref() != Some(config.client_id.as_str())
        || client_secret.as_deref() != Some(config.client_secret.as_str())
    {
        return oauth_error(
            400,
            "invalid_client",
            "identifiant ou secret client invalide",
        );
    }
    let n = shared.tokens.counter.fetch_add(1, Ordering::SeqCst);
    let token = format!(
        "{:016x}{:016x}",
        mix(config.seed ^ n),
        mix(super::now_ms() as u64 ^ n.rotate_left(17))
    );
    let lifetime = config.token_lifetime_secs;
    let expiry = super::now_ms() + (lifetime as i64) * 1000;
    if let Ok(mut issued) = shared.tokens.issued.lock() {
        let now = super::now_ms();
        issued.retain(|_, exp| *exp > now);
        issued.insert(token.clone(), expiry);
    }
    Response::json(
        200,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": "openid",
        }),
    )
}

fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

/// Both gateway checks; the error is the answer to send.
pub fn check(shared: &Shared, request: &Request) -> Result<(), Response> {
    let token = request
        .header("authorization")
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .unwrap_or("");
    let valid = !token.is_empty()
        && shared
            .tokens
            .issued
            .lock()
            .ok()
            .and_then(|issued| issued.get(token).copied())
            .is_some_and(|expiry| expiry > super::now_ms());
    if !valid {
        return Err(Response::error(
            401,
            401,
            "Jeton d'accès absent, invalide ou expiré : demandez un nouveau jeton",
        )
        .with_header(
            "WWW-Authenticate",
            "Bearer realm=\"PISTE\",error=\"invalid_token\",error_description=\"token expired or invalid\"",
        ));
    }
    let expected = format!("{}:{}", shared.config.login, shared.config.password);
    let account = request
        .header("cpro-account")
        .and_then(|v| {
            base64::engine::general_purpose::STANDARD
                .decode(v.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    if account.as_deref() != Some(expected.as_str()) {
        return Err(Response::error(
            401,
            401,
            "Compte technique Chorus Pro (cpro-account) absent ou incorrect",
        )
        .with_header(
            "WWW-Authenticate",
            "Bearer realm=\"PISTE\",error=\"Unauthorized\",error_description=\"login or password incorrects\"",
        ));
    }
    Ok(())
}

fn basic_credentials(header: Option<&str>) -> Option<(String, String)> {
    let (scheme, rest) = header?.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((percent_decode(id), percent_decode(secret)))
}

/// `application/x-www-form-urlencoded` fields; the last value of a repeated name wins.
pub fn parse_form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_decoded() {
        let form = parse_form("grant_type=client_credentials&client_id=a%40b&scope=openid+x&z=%");
        assert_eq!(form["client_id"], "a@b");
        assert_eq!(form["scope"], "openid x");
        assert_eq!(form["z"], "%");
    }
}
