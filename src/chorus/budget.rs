//! How long Chorus Pro may stay silent before a run stops asking.
//!
//! A call has its own budget (every attempt and every wait of one call, see
//! [`super::ClientOptions::call_budget`]); a run (a sync, a deposit) shares one [`Patience`]
//! between all its clients: once Chorus Pro has given no answer at all for `limit` (timeouts,
//! refused or dropped connections, one after the other), every further call of the run fails
//! at once with [`super::ChorusError::NoAnswer`], without being sent. Any complete HTTP answer,
//! whatever its status, ends the silence.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Silence after which a run stops asking, by default.
pub const DEFAULT_SILENCE_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, Default, Clone, Copy)]
struct Silence {
    /// When the first attempt of the current silence started.
    since: Option<Instant>,
    /// When the last attempt without an answer ended.
    last_failure: Option<Instant>,
}

/// The silence of Chorus Pro during a run, shared by its clients and worker threads.
#[derive(Debug)]
pub struct Patience {
    limit: Duration,
    silence: Mutex<Silence>,
}

impl Patience {
    pub fn new(limit: Duration) -> Patience {
        Patience {
            limit: limit.max(Duration::from_millis(1)),
            silence: Mutex::new(Silence::default()),
        }
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Silence> {
        self.silence.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A complete answer came back: the silence is over.
    pub fn answered(&self) {
        *self.lock() = Silence::default();
    }

    /// An attempt started at `started` ended without an answer.
    pub fn no_answer(&self, started: Instant) {
        let now = Instant::now();
        let mut silence = self.lock();
        // A failure long after the previous one starts a new silence (a window left open
        // for an hour must not give up at its next call).
        let new_episode = silence
            .last_failure
            .is_none_or(|last| started.saturating_duration_since(last) > self.limit);
        if new_episode || silence.since.is_none() {
            silence.since = Some(started);
        }
        silence.last_failure = Some(now);
    }

    /// How long Chorus Pro has been silent, when that is past the limit.
    pub fn exhausted(&self) -> Option<Duration> {
        let now = Instant::now();
        let silence = *self.lock();
        let (since, last) = (silence.since?, silence.last_failure?);
        if now.saturating_duration_since(last) > self.limit {
            return None;
        }
        let silent_for = now.saturating_duration_since(since);
        (silent_for >= self.limit).then_some(silent_for)
    }

    /// What is left of the limit while Chorus Pro is silent (`None` when it is not).
    pub fn remaining(&self) -> Option<Duration> {
        let now = Instant::now();
        let silence = *self.lock();
        let (since, last) = (silence.since?, silence.last_failure?);
        if now.saturating_duration_since(last) > self.limit {
            return None;
        }
        Some(
            self.limit
                .saturating_sub(now.saturating_duration_since(since)),
        )
    }
}

impl Default for Patience {
    fn default() -> Patience {
        Patience::new(DEFAULT_SILENCE_LIMIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_is_counted_from_the_first_attempt_without_answer() {
        let patience = Patience::new(Duration::from_millis(200));
        assert_eq!(patience.exhausted(), None);
        assert_eq!(patience.remaining(), None);
        let start = Instant::now();
        patience.no_answer(start);
        assert!(patience.exhausted().is_none());
        assert!(patience.remaining().unwrap() <= Duration::from_millis(200));
        std::thread::sleep(Duration::from_millis(120));
        patience.no_answer(start + Duration::from_millis(100));
        std::thread::sleep(Duration::from_millis(100));
        assert!(patience.exhausted().is_some());
        patience.answered();
        assert_eq!(patience.exhausted(), None);
    }

    #[test]
    fn the_defaults_stop_a_silent_run_within_two_minutes() {
        use crate::chorus::{ClientOptions, RetryPolicy};
        let options = ClientOptions::default();
        // One call never lasts what the retry policy alone would allow (4 × 30 s + waits).
        let policy = RetryPolicy::default();
        assert!(options.call_budget < options.request_timeout * policy.max_attempts);
        // A silent Chorus Pro: the run stops once its patience is spent; the attempt in
        // flight then is cut to what is left of it, so a minute, plus one call at worst.
        assert!(options.patience.limit() + options.call_budget <= Duration::from_secs(120));
    }

    #[test]
    fn a_failure_long_after_the_last_one_starts_a_new_silence() {
        let patience = Patience::new(Duration::from_millis(50));
        patience.no_answer(Instant::now());
        std::thread::sleep(Duration::from_millis(120));
        // The previous failure is too old: a new call is not refused.
        assert_eq!(patience.exhausted(), None);
        patience.no_answer(Instant::now());
        assert_eq!(patience.exhausted(), None);
    }
}
