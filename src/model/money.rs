//! Money: exact decimals (never `f64`), parsed leniently from ERP text, shown the French way.

use rust_decimal::Decimal;
use rust_decimal::prelude::*;
use std::str::FromStr;

/// Non-breaking space used between thousands groups and before the currency sign, so a
/// figure never splits over two lines.
pub const NBSP: char = '\u{a0}';

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("« {0} » n'est pas un nombre (attendu par exemple 1234,56 ou 1234.56)")]
pub struct DecimalError(pub String);

/// Parses a decimal written by an ERP export or a user: `,` or `.` as decimal separator,
/// spaces between thousands, an optional leading sign.
pub fn parse_decimal(input: &str) -> Result<Decimal, DecimalError> {
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != NBSP && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let valid_shape = !cleaned.is_empty()
        && cleaned.matches('.').count() <= 1
        && cleaned
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && cleaned.chars().any(|c| c.is_ascii_digit());
    if !valid_shape {
        return Err(DecimalError(input.trim().to_string()));
    }
    let unsigned = cleaned.trim_start_matches('+');
    Decimal::from_str(unsigned).map_err(|_| DecimalError(input.trim().to_string()))
}

/// Rounds to cents the EN 16931 way: half away from zero.
pub fn round_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `1234.5` → `1 234,50` (with non-breaking spaces).
pub fn format_amount(value: Decimal) -> String {
    let rounded = round_cents(value);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.2}", rounded.abs());
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3 + 4);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(NBSP);
        }
        grouped.push(c);
    }
    format!("{}{grouped},{frac_part}", if negative { "-" } else { "" })
}

/// `1234.5`, `EUR` → `1 234,50 €`; other currencies keep their ISO code.
pub fn format_money(value: Decimal, currency: &str) -> String {
    let sign = match currency {
        "" | "EUR" => "€",
        other => other,
    };
    format!("{}{NBSP}{sign}", format_amount(value))
}

/// A count with French thousands separators: `132417` → `132 417`.
pub fn format_count(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NBSP);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn parses_commas_points_spaces_and_signs() {
        assert_eq!(parse_decimal("1234,56").unwrap(), dec("1234.56"));
        assert_eq!(parse_decimal(" 1 234.56 ").unwrap(), dec("1234.56"));
        assert_eq!(parse_decimal("1\u{a0}234,5").unwrap(), dec("1234.5"));
        assert_eq!(parse_decimal("-12,00").unwrap(), dec("-12.00"));
        assert_eq!(parse_decimal("+3").unwrap(), dec("3"));
        assert_eq!(parse_decimal("0,055").unwrap(), dec("0.055"));
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for bad in ["", "abc", "12,3,4", "1.2.3", "12€", "--1", "."] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_the_french_way() {
        assert_eq!(format_money(dec("1234.56"), "EUR"), "1\u{a0}234,56\u{a0}€");
        assert_eq!(format_money(dec("-0.5"), "EUR"), "-0,50\u{a0}€");
        assert_eq!(format_amount(dec("1234567.005")), "1\u{a0}234\u{a0}567,01");
        assert_eq!(format_amount(dec("999")), "999,00");
        assert_eq!(format_money(dec("10"), "USD"), "10,00\u{a0}USD");
        assert_eq!(format_count(132417), "132\u{a0}417");
        assert_eq!(format_count(7), "7");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_cents(dec("2.345")), dec("2.35"));
        assert_eq!(round_cents(dec("-2.345")), dec("-2.35"));
    }
}
