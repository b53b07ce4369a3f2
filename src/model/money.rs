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

/// The largest magnitude an amount may have in the mirror, excluded: 10^12 €, a thousand
/// times the largest public contract ever awarded in France, and far below what `Decimal`
/// holds, so that no sum, product or interest computed on bounded amounts can overflow.
pub const AMOUNT_LIMIT: Decimal = Decimal::from_parts(0xD4A5_1000, 0xE8, 0, false, 0);
/// Decimals an amount, a quantity or a rate may carry: unit prices go below the cent
/// (EN 16931 allows it), six digits are more than any ERP writes.
pub const MAX_DECIMALS: u32 = 6;

/// Why a number read from a file is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error(transparent)]
    NotANumber(#[from] DecimalError),
    #[error(
        "« {0} » est hors limites : un montant doit rester inférieur à 1 000 milliards en valeur absolue"
    )]
    TooLarge(String),
    #[error("« {0} » a trop de décimales ({MAX_DECIMALS} au plus)")]
    TooPrecise(String),
    #[error("« {0} » n'est pas un taux de TVA possible (attendu entre 0 et 100 %)")]
    NotARate(String),
}

/// An amount, a quantity or a unit price: a number within [`AMOUNT_LIMIT`] and with at most
/// [`MAX_DECIMALS`] decimals (trailing zeros do not count).
pub fn parse_amount(input: &str) -> Result<Decimal, NumberError> {
    let value = parse_decimal(input)?;
    check_amount(value).map_err(|e| e.with_text(input.trim()))
}

/// A VAT rate in percent: 0 to 100, at most [`MAX_DECIMALS`] decimals.
pub fn parse_rate(input: &str) -> Result<Decimal, NumberError> {
    let value = parse_amount(input)?;
    if value.is_sign_negative() && !value.is_zero() || value > Decimal::ONE_HUNDRED {
        return Err(NumberError::NotARate(input.trim().to_string()));
    }
    Ok(value)
}

/// `value` when it is within the bounds every amount of the mirror keeps.
pub fn check_amount(value: Decimal) -> Result<Decimal, NumberError> {
    if value.abs() >= AMOUNT_LIMIT {
        return Err(NumberError::TooLarge(value.to_string()));
    }
    if value.normalize().scale() > MAX_DECIMALS {
        return Err(NumberError::TooPrecise(value.to_string()));
    }
    Ok(value)
}

impl NumberError {
    /// The same refusal, quoting the text as the user wrote it.
    fn with_text(self, text: &str) -> NumberError {
        match self {
            NumberError::TooLarge(_) => NumberError::TooLarge(text.to_string()),
            NumberError::TooPrecise(_) => NumberError::TooPrecise(text.to_string()),
            NumberError::NotARate(_) => NumberError::NotARate(text.to_string()),
            other => other,
        }
    }
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

/// `1 facture`, `2 factures`, `1 234 factures`: a count and its noun, singular for 0 and 1
/// as French has it. Every count shown to the user goes through it (no « facture(s) »).
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", format_count(n), if n <= 1 { one } else { many })
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
    fn amounts_are_bounded_where_they_enter() {
        assert_eq!(AMOUNT_LIMIT, dec("1000000000000"));
        assert_eq!(
            parse_amount("999 999 999 999,999999").unwrap(),
            dec("999999999999.999999")
        );
        assert_eq!(parse_amount("1,5000000000").unwrap(), dec("1.5"));
        assert_eq!(
            parse_amount("1000000000000").unwrap_err().to_string(),
            "« 1000000000000 » est hors limites : un montant doit rester inférieur à 1 000 milliards en valeur absolue"
        );
        assert!(matches!(
            parse_amount("-79228162514264337593543950335"),
            Err(NumberError::TooLarge(_))
        ));
        assert_eq!(
            parse_amount("0,1234567").unwrap_err().to_string(),
            "« 0,1234567 » a trop de décimales (6 au plus)"
        );
        assert!(matches!(
            parse_amount("12€"),
            Err(NumberError::NotANumber(_))
        ));
    }

    #[test]
    fn rates_are_percentages() {
        assert_eq!(parse_rate("5,5").unwrap(), dec("5.5"));
        assert_eq!(parse_rate("100").unwrap(), dec("100"));
        assert_eq!(parse_rate("0").unwrap(), dec("0"));
        for bad in ["100,01", "-1", "1e3", "99999999999999999999"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_rate("120").unwrap_err().to_string(),
            "« 120 » n'est pas un taux de TVA possible (attendu entre 0 et 100 %)"
        );
    }

    proptest::proptest! {
        /// Whatever the text, parsing never panics, and what it accepts is within bounds.
        #[test]
        fn parsing_any_text_is_total(text in "\\PC{0,40}|[-+ 0-9.,]{0,40}") {
            if let Ok(value) = parse_amount(&text) {
                proptest::prop_assert!(value.abs() < AMOUNT_LIMIT);
                proptest::prop_assert!(value.normalize().scale() <= MAX_DECIMALS);
            }
            let _ = parse_rate(&text);
        }

        /// On bounded amounts, the arithmetic the application does cannot overflow.
        #[test]
        fn bounded_amounts_never_overflow(
            a in -999_999_999_999_999_999i64..=999_999_999_999_999_999i64,
            b in -999_999_999_999_999_999i64..=999_999_999_999_999_999i64,
            rate in 0u32..=100_000_000u32,
        ) {
            let a = Decimal::new(a, 6);
            let b = Decimal::new(b, 6);
            let rate = Decimal::new(i64::from(rate), 6);
            proptest::prop_assert!(check_amount(a).is_ok() && check_amount(b).is_ok());
            // A line total, its VAT, a sum of a million such invoices, a year of interest.
            let product = a.checked_mul(b);
            proptest::prop_assert!(product.is_some());
            let vat = a.checked_mul(rate).and_then(|v| v.checked_div(Decimal::ONE_HUNDRED));
            proptest::prop_assert!(vat.is_some());
            let million = a.checked_mul(Decimal::from(1_000_000));
            proptest::prop_assert!(million.is_some());
            let interest = a.checked_mul(rate).and_then(|v| v.checked_mul(Decimal::from(36_500)));
            proptest::prop_assert!(interest.is_some());
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
