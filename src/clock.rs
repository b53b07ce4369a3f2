//! The date the application calls « aujourd'hui »: the computer's, unless
//! `CHORUS_DEPOT_TODAY=AAAA-MM-JJ` fixes it. Days late, due dates shown as passed, interest,
//! password expiries and the plausibility of a date all hang on it; a screen compared pixel
//! by pixel (the snapshot tests) or a figure reproduced later must not move with the
//! calendar. Timestamps (journal, audit, file names) keep the real clock.

use chrono::NaiveDate;
use std::sync::OnceLock;

/// The variable that fixes « aujourd'hui ».
pub const TODAY_VARIABLE: &str = "CHORUS_DEPOT_TODAY";

pub fn today() -> NaiveDate {
    fixed_today().unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// Read once: a date cannot change in the middle of a run.
fn fixed_today() -> Option<NaiveDate> {
    static FIXED: OnceLock<Option<NaiveDate>> = OnceLock::new();
    *FIXED.get_or_init(|| {
        let value = std::env::var(TODAY_VARIABLE).ok()?;
        let parsed = parse(&value);
        if parsed.is_none() {
            tracing::warn!("{TODAY_VARIABLE}={value:?} n'est pas une date AAAA-MM-JJ : ignorée");
        }
        parsed
    })
}

fn parse(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_full_iso_date_fixes_the_day() {
        assert_eq!(parse("2026-12-04"), NaiveDate::from_ymd_opt(2026, 12, 4));
        assert_eq!(parse(" 2026-12-04\n"), NaiveDate::from_ymd_opt(2026, 12, 4));
        for bad in ["", "04/12/2026", "2026-13-01", "2026-12", "demain"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
