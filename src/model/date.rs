//! Dates as ERP exports write them and as French users read them.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {0} » n'est pas une date (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")]
pub struct DateError(pub String);

/// Parses `AAAA-MM-JJ` or `JJ/MM/AAAA`, with a four-digit year, optionally followed by a
/// time of day (`2026-11-23 14:05:00`, `2026-11-23T14:05:00.000+01:00`), which is ignored.
/// Anything else after the date is refused: `2026-11-23 garbage` was once taken as the
/// 23rd, and chrono alone reads `+10000-01-01` as a year 10000.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let trimmed = input.trim();
    let refuse = || DateError(trimmed.to_string());
    let (day_part, time_part) = match trimmed.find([' ', 'T']) {
        Some(at) => (&trimmed[..at], Some(trimmed[at + 1..].trim_start())),
        None => (trimmed, None),
    };
    if time_part.is_some_and(|t| !is_time_of_day(t)) {
        return Err(refuse());
    }
    let iso =
        split3(day_part, '-').filter(|(y, m, d)| y.len() == 4 && m.len() == 2 && d.len() == 2);
    let french =
        split3(day_part, '/').filter(|(d, m, y)| y.len() == 4 && m.len() <= 2 && d.len() <= 2);
    let format = if iso.is_some() {
        "%Y-%m-%d"
    } else if french.is_some() {
        "%d/%m/%Y"
    } else {
        return Err(refuse());
    };
    NaiveDate::parse_from_str(day_part, format).map_err(|_| refuse())
}

/// Three runs of ASCII digits separated by `sep`.
fn split3(text: &str, sep: char) -> Option<(&str, &str, &str)> {
    let mut parts = text.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (parts.next().is_none() && digits(a) && digits(b) && digits(c)).then_some((a, b, c))
}

/// `HH:MM`, `HH:MM:SS`, with optional fractions and a `Z` or `±HH:MM` / `±HHMM` offset.
fn is_time_of_day(text: &str) -> bool {
    let (clock, offset) = match text.find(['Z', 'z', '+', '-']) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text, ""),
    };
    let (clock, fraction) = clock.split_once(['.', ',']).unwrap_or((clock, "0"));
    let fields: Vec<&str> = clock.split(':').collect();
    let two_digits = |f: &&str| f.len() == 2 && f.bytes().all(|b| b.is_ascii_digit());
    let clock_ok = (2..=3).contains(&fields.len())
        && fields.iter().all(two_digits)
        && fields[0] < "24"
        && fields[1] < "60"
        && fields.get(2).is_none_or(|s| *s < "61");
    let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
    let offset_ok = match offset {
        "" | "Z" | "z" => true,
        o => {
            let digits: String = o[1..].chars().filter(|c| *c != ':').collect();
            digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    clock_ok && fraction_ok && offset_ok
}

/// The first date a document of the mirror may carry: nothing in a finance team's ERP of
/// Chorus Pro's era (2017) is older, and a year 0001 or 1900 is a placeholder, not a date.
pub const EARLIEST_PLAUSIBLE: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
/// How far ahead of today an invoice, due or payment date may be.
pub const PLAUSIBLE_YEARS_AHEAD: u32 = 2;

/// A date that passed [`parse_date`] but that no invoice, due date or payment can have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "le {shown} n'est pas une date vraisemblable (attendu entre le {} et le {})",
    format_date(EARLIEST_PLAUSIBLE),
    format_date(*latest)
)]
pub struct ImplausibleDate {
    pub shown: String,
    pub latest: NaiveDate,
}

/// `date` when it lies between 2000-01-01 and two years after `today`.
pub fn check_plausible(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ImplausibleDate> {
    let latest = today
        .checked_add_months(chrono::Months::new(12 * PLAUSIBLE_YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if date < EARLIEST_PLAUSIBLE || date > latest {
        return Err(ImplausibleDate {
            shown: format_date(date),
            latest,
        });
    }
    Ok(date)
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
        assert_eq!(parse_date("2026-11-23T14:05:00.000+01:00").unwrap(), d);
        assert_eq!(parse_date("2026-11-23 14:05Z").unwrap(), d);
        assert_eq!(
            parse_date("3/1/2026").unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 3).unwrap()
        );
    }

    #[test]
    fn implausible_dates_are_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        for text in ["0001-01-01", "1999-12-31", "9999-12-31", "2028-12-05"] {
            let date = parse_date(text).unwrap();
            assert!(check_plausible(date, today).is_err(), "{text}");
        }
        for text in ["2000-01-01", "2026-12-04", "2028-12-04"] {
            let date = parse_date(text).unwrap();
            assert_eq!(check_plausible(date, today), Ok(date), "{text}");
        }
        let err = check_plausible(parse_date("9999-12-31").unwrap(), today).unwrap_err();
        assert_eq!(
            err.to_string(),
            "le 31/12/9999 n'est pas une date vraisemblable (attendu entre le 01/01/2000 et le 04/12/2028)"
        );
    }

    proptest::proptest! {
        /// Whatever the text, parsing never panics, and an accepted date has a 4-digit year.
        #[test]
        fn parsing_any_text_is_total(text in "\\PC{0,30}|[0-9 /:TZ+.-]{0,30}") {
            if let Ok(date) = parse_date(&text) {
                proptest::prop_assert!((0..=9999).contains(&chrono::Datelike::year(&date)));
            }
        }
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
            "2026-11-23 garbage",
            "2026-11-23T",
            "+10000-01-01",
            "10000-01-01",
            "26-11-23",
            "2026-1-23",
            "1/1/26",
            "2026-11-23 25:00",
            "2026-11-23 12:00 PM",
            "٢٠٢٦-١١-٢٣",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
