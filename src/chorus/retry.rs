//! When and how long to wait before trying a read again.

use std::time::{Duration, SystemTime};

use super::error::ChorusError;

/// Retry policy for reads (searches, consultations). Deposits are never retried by the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (1 = no retry).
    pub max_attempts: u32,
    /// Wait before the first retry; doubled at each following one.
    pub initial_backoff: Duration,
    /// Upper bound of the exponential wait.
    pub max_backoff: Duration,
    /// Upper bound of a `Retry-After` honoured on 429: a gateway asking for an hour must not
    /// freeze a worker thread for an hour; the error goes back to the user instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retry at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before attempt `failed_attempts + 1`, or `None` when the error must not be
    /// retried or the attempts are used up.
    pub fn delay_after(&self, failed_attempts: u32, error: &ChorusError) -> Option<Duration> {
        if failed_attempts >= self.max_attempts || !error.is_retryable() {
            return None;
        }
        let exponent = failed_attempts.saturating_sub(1).min(16);
        let backoff = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        match error.retry_after() {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked),
            None => Some(backoff),
        }
    }
}

/// Reads a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let target =
        SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(date.timestamp()).ok()?);
    Some(target.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unavailable() -> ChorusError {
        ChorusError::Unavailable {
            status: Some(503),
            detail: "503".into(),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(5),
        };
        let delays: Vec<_> = (1..6)
            .map(|n| policy.delay_after(n, &unavailable()).unwrap().as_millis())
            .collect();
        assert_eq!(delays, vec![100, 200, 400, 500, 500]);
        assert_eq!(policy.delay_after(10, &unavailable()), None);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let policy = RetryPolicy::default();
        let quota = |s| ChorusError::QuotaExceeded {
            retry_after: Some(Duration::from_secs(s)),
        };
        assert_eq!(
            policy.delay_after(1, &quota(3)),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.delay_after(1, &quota(3600)), None);
        let rejected = ChorusError::Rejected {
            code_retour: 1,
            libelle: String::new(),
            http_status: 200,
        };
        assert_eq!(policy.delay_after(1, &rejected), None);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
