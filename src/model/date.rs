//! Dates as ERP exports write them and as French users read them.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {0} » n'est pas une date (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")]
pub struct DateError(pub String);

/// Parses `AAAA-MM-JJ` or `JJ/MM/AAAA` (a time part after a space or `T` is ignored).
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let trimmed = input.trim();
    let day_part = trimmed.split([' ', 'T']).next().unwrap_or_default();
    NaiveDate::parse_from_str(day_part, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(day_part, "%d/%m/%Y"))
        .ok()
        .filter(|_| !day_part.is_empty())
        .ok_or_else(|| DateError(trimmed.to_string()))
}

/// `23/11/2026`.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// `23/11/2026`, or an empty string when there is no date.
pub fn format_opt_date(date: Option<NaiveDate>) -> String {
    date.map(format_date).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_formats() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(parse_date("2026-11-23").unwrap(), d);
        assert_eq!(parse_date("23/11/2026").unwrap(), d);
        assert_eq!(parse_date(" 2026-11-23 00:00:00").unwrap(), d);
        assert_eq!(format_date(d), "23/11/2026");
    }

    #[test]
    fn refuses_impossible_dates() {
        for bad in [
            "",
            "2026-02-30",
            "31/04/2026",
            "23-11-2026",
            "demain",
            "2026/11/23",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
