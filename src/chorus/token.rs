//! The PISTE access token: requested with OAuth2 client credentials, cached, renewed early.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::secret::Secret;

/// Renew the token this long before PISTE says it expires ([OCA] uses the same margin): a
/// token that expires between our check and the gateway's check would cost a 401 and a replay.
pub const DEFAULT_RENEWAL_MARGIN: Duration = Duration::from_secs(240);

/// A source of time, injectable so tests can make the token "expire" without waiting.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The real monotonic clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    offset: Mutex<Duration>,
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            start: Instant::now(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        *offset += by;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.offset.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A token as the client keeps it.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub value: Secret,
    /// When to stop using it (PISTE's expiry minus the margin).
    pub renew_at: Instant,
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    pub access_token: String,
    #[serde(default)]
    pub expires_in: Option<serde_json::Value>,
}

/// An OAuth2 error answer (RFC 6749 §5.2).
#[derive(Deserialize, Default)]
pub(crate) struct TokenErrorAnswer {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// PISTE says 3600 s; we assume that much when `expires_in` is missing or odd.
const ASSUMED_LIFETIME: Duration = Duration::from_secs(3600);

impl TokenAnswer {
    /// Lifetime, lenient: a number or a numeric string.
    pub fn lifetime(&self) -> Duration {
        let seconds = match &self.expires_in {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        seconds.map_or(ASSUMED_LIFETIME, Duration::from_secs)
    }
}

/// When to renew a token that lives `lifetime` from `now`. A token shorter-lived than twice
/// the margin (the sandbox's `--time-scale` can do that) is used for half its life instead of
/// being renewed at every call.
pub fn renewal_instant(now: Instant, lifetime: Duration, margin: Duration) -> Instant {
    let margin = if lifetime > margin * 2 {
        margin
    } else {
        lifetime / 2
    };
    now + lifetime.saturating_sub(margin)
}

/// The cached token, shared by the client's threads.
#[derive(Debug, Default)]
pub struct TokenCache {
    current: Mutex<Option<AccessToken>>,
}

impl TokenCache {
    /// The cached token if it is still good at `now`.
    pub fn valid_at(&self, now: Instant) -> Option<Secret> {
        let guard = self.current.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|token| now < token.renew_at)
            .map(|token| token.value.clone())
    }

    pub fn store(&self, token: AccessToken) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(token);
    }

    /// Forget the token (after a 401), so the next call asks for a new one.
    pub fn invalidate(&self) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// `application/x-www-form-urlencoded` body of the token request. Written by hand because
/// reqwest 0.13 puts `.form()` behind a feature and the body is four fields.
pub fn token_form(client_id: &str, client_secret: &str) -> String {
    format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope=openid",
        form_encode(client_id),
        form_encode(client_secret)
    )
}

fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_body_escapes_reserved_characters() {
        assert_eq!(
            token_form("my id", "a&b=c/é"),
            "grant_type=client_credentials&client_id=my+id&client_secret=a%26b%3Dc%2F%C3%A9&scope=openid"
        );
    }

    #[test]
    fn renewal_keeps_the_margin_or_half_the_life() {
        let now = Instant::now();
        let margin = DEFAULT_RENEWAL_MARGIN;
        assert_eq!(
            renewal_instant(now, Duration::from_secs(3600), margin),
            now + Duration::from_secs(3360)
        );
        assert_eq!(
            renewal_instant(now, Duration::from_secs(60), margin),
            now + Duration::from_secs(30)
        );
    }

    #[test]
    fn cache_forgets_expired_tokens() {
        let clock = ManualClock::new();
        let cache = TokenCache::default();
        cache.store(AccessToken {
            value: Secret::new("t"),
            renew_at: clock.now() + Duration::from_secs(10),
        });
        assert!(cache.valid_at(clock.now()).is_some());
        clock.advance(Duration::from_secs(10));
        assert!(cache.valid_at(clock.now()).is_none());
    }
}
