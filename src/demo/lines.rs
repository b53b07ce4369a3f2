//! Invoice lines drawn from the catalogue, and the totals an ERP computes from them.

use super::names::{ARTICLES, Article, Family, Vat};
use super::rng::Rng;
use crate::model::money::round_cents;
use crate::model::{InvoiceLine, VatCategory};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The wording French invoices print for training exempt under the CGI.
pub const TRAINING_EXEMPTION: &str = "Exonération de TVA, article 261-4-4° du CGI";

/// A line before it is numbered and attached to an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDraft {
    pub label: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub vat_rate: Decimal,
    pub category: VatCategory,
    pub exemption_reason: String,
}

impl LineDraft {
    /// HT amount of the line: quantity × unit price, rounded to the cent.
    pub fn total(&self) -> Decimal {
        round_cents(self.quantity * self.unit_price)
    }

    pub fn into_line(self, invoice_number: &str, line_number: u32) -> InvoiceLine {
        let line_total = self.total();
        InvoiceLine {
            invoice_number: invoice_number.to_string(),
            line_number,
            label: self.label,
            quantity: self.quantity,
            unit: self.unit,
            unit_price: self.unit_price,
            vat_rate: self.vat_rate,
            line_total,
            vat_category: self.category,
            exemption_reason: self.exemption_reason,
        }
    }
}

fn vat_of(vat: Vat) -> (Decimal, VatCategory, &'static str) {
    match vat {
        Vat::Standard => (Decimal::from(20), VatCategory::Standard, ""),
        Vat::Intermediate => (Decimal::from(10), VatCategory::Standard, ""),
        Vat::Reduced => (Decimal::new(55, 1), VatCategory::Standard, ""),
        Vat::Exempt => (Decimal::ZERO, VatCategory::Exempt, TRAINING_EXEMPTION),
    }
}

fn draft(rng: &mut Rng, article: &Article) -> LineDraft {
    let (vat_rate, category, reason) = vat_of(article.vat);
    let whole = rng.range(article.min_qty, article.max_qty);
    // Hours and days are sometimes billed by the half.
    let half = matches!(article.unit, "H" | "JOUR") && rng.chance(0.2);
    let quantity = Decimal::from(whole)
        + if half {
            Decimal::new(5, 1)
        } else {
            Decimal::ZERO
        };
    // Catalogue prices end in 0 or 5 cents above 10 €, as price lists do.
    let mut cents = rng.range(article.min_cents, article.max_cents);
    if cents > 1_000 {
        cents -= cents % 5;
    }
    LineDraft {
        label: article.label.to_string(),
        quantity,
        unit: article.unit.to_string(),
        unit_price: Decimal::new(cents, 2),
        vat_rate,
        category,
        exemption_reason: reason.to_string(),
    }
}

/// One to five lines, mostly of the invoice's family, sometimes with an extra article.
pub fn draw(rng: &mut Rng, family: Family) -> Vec<LineDraft> {
    let count = 1 + rng.weighted(&[30, 30, 20, 12, 8]);
    let mut of_family: Vec<&Article> = ARTICLES.iter().filter(|a| a.family == family).collect();
    rng.shuffle(&mut of_family);
    let mut lines: Vec<LineDraft> = of_family
        .iter()
        .take(count)
        .map(|a| draft(rng, a))
        .collect();
    if lines.len() < 5 && rng.chance(0.12) {
        let other = rng.pick(ARTICLES);
        if !lines.iter().any(|l| l.label == other.label) {
            lines.push(draft(rng, other));
        }
    }
    lines
}

/// HT, TVA and TTC as the ERP computes them: TVA rounded per rate, TTC = HT + TVA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub excl_tax: Decimal,
    pub tax: Decimal,
    pub incl_tax: Decimal,
}

/// The VAT breakdown: for each rate, its base and its tax.
pub fn vat_breakdown<'a>(
    lines: impl IntoIterator<Item = (&'a Decimal, Decimal)>,
) -> Vec<(Decimal, Decimal, Decimal)> {
    let mut bases: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for (rate, amount) in lines {
        *bases.entry(rate.normalize()).or_default() += amount;
    }
    bases
        .into_iter()
        .rev()
        .map(|(rate, base)| (rate, base, round_cents(base * rate / Decimal::from(100))))
        .collect()
}

pub fn totals(lines: &[LineDraft]) -> Totals {
    let breakdown = vat_breakdown(lines.iter().map(|l| (&l.vat_rate, l.total())));
    let excl_tax: Decimal = breakdown.iter().map(|(_, base, _)| *base).sum();
    let tax: Decimal = breakdown.iter().map(|(_, _, tax)| *tax).sum();
    Totals {
        excl_tax,
        tax,
        incl_tax: excl_tax + tax,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_round_the_tax_per_rate() {
        let line = |qty: i64, cents: i64, rate: Decimal| LineDraft {
            label: "x".into(),
            quantity: Decimal::from(qty),
            unit: "U".into(),
            unit_price: Decimal::new(cents, 2),
            vat_rate: rate,
            category: VatCategory::Standard,
            exemption_reason: String::new(),
        };
        let lines = [
            line(3, 1_999, Decimal::from(20)),
            line(1, 4_590, Decimal::new(55, 1)),
            line(2, 100_000, Decimal::ZERO),
        ];
        let t = totals(&lines);
        assert_eq!(t.excl_tax, Decimal::new(210_587, 2));
        // 59.97 × 20 % = 11.994 → 11.99; 45.90 × 5.5 % = 2.5245 → 2.52.
        assert_eq!(t.tax, Decimal::new(1_451, 2));
        assert_eq!(t.incl_tax, t.excl_tax + t.tax);
    }

    #[test]
    fn draws_between_one_and_five_lines_of_known_articles() {
        let mut rng = Rng::new(3);
        for i in 0..200 {
            let family = super::super::names::FAMILIES[i % 4];
            let lines = draw(&mut rng, family);
            assert!((1..=5).contains(&lines.len()));
            for l in &lines {
                assert!(l.total() > Decimal::ZERO);
                assert_eq!(l.category == VatCategory::Exempt, l.vat_rate.is_zero());
            }
        }
    }
}
