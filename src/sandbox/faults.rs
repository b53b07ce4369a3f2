//! Fault injection: which request fails, and how. Deterministic from the seed and the
//! request counter, so a failing run can be replayed with the same `--seed`.

use super::SandboxConfig;

/// The ways a request can go wrong, as a real gateway sometimes does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 500, nothing done.
    Http500,
    /// HTTP 503 (platform unavailable), nothing done.
    Http503,
    /// HTTP 429 with `Retry-After: 1` (quota), nothing done.
    Http429,
    /// The answer comes after `timeout_fault_delay`, past a typical client timeout; the work
    /// is done then (a deposit is recorded late).
    Timeout,
    /// The work is done (a deposit is recorded), then the connection is closed unanswered.
    DropAfterRecord,
}

impl FaultKind {
    pub const ALL: [FaultKind; 5] = [
        FaultKind::Http500,
        FaultKind::Http503,
        FaultKind::Http429,
        FaultKind::Timeout,
        FaultKind::DropAfterRecord,
    ];

    /// Parses the names used on the command line: 500, 503, 429, timeout, drop.
    pub fn parse(text: &str) -> Option<FaultKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "500" => Some(FaultKind::Http500),
            "503" => Some(FaultKind::Http503),
            "429" => Some(FaultKind::Http429),
            "timeout" => Some(FaultKind::Timeout),
            "drop" => Some(FaultKind::DropAfterRecord),
            _ => None,
        }
    }
}

/// SplitMix64: a good 64-bit mix of (seed, counter), enough for fault draws and invoice fates.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A uniform number in [0, 1) from a 64-bit draw.
pub fn unit(draw: u64) -> f64 {
    (draw >> 11) as f64 / (1u64 << 53) as f64
}

/// FNV-1a of a text, to seed per-invoice draws from the invoice number.
pub fn hash_text(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The fault for the `counter`-th API request, if any.
pub fn draw(config: &SandboxConfig, counter: u64) -> Option<FaultKind> {
    if config.fault_rate <= 0.0 {
        return None;
    }
    let first = mix(config.seed ^ mix(counter));
    if unit(first) >= config.fault_rate {
        return None;
    }
    let kinds: &[FaultKind] = if config.fault_kinds.is_empty() {
        &FaultKind::ALL
    } else {
        &config.fault_kinds
    };
    let second = mix(first);
    Some(kinds[(second % kinds.len() as u64) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_determinism() {
        let config = SandboxConfig {
            fault_rate: 0.3,
            ..SandboxConfig::default()
        };
        let faults = (0..10_000).filter(|&i| draw(&config, i).is_some()).count();
        assert!((2_700..3_300).contains(&faults), "{faults}");
        let again = (0..10_000).filter(|&i| draw(&config, i).is_some()).count();
        assert_eq!(faults, again);
        let none = SandboxConfig::default();
        assert!((0..1000).all(|i| draw(&none, i).is_none()));
        let all = SandboxConfig {
            fault_rate: 1.0,
            fault_kinds: vec![FaultKind::Http429],
            ..SandboxConfig::default()
        };
        assert!((0..100).all(|i| draw(&all, i) == Some(FaultKind::Http429)));
    }
}
