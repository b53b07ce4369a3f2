//! BR-DEC-*: at most two decimals in the amounts, counted as written
//! (`string-length(substring-after(., '.')) <= 2`: `1.50` has two, `1.500` three).
//!
//! BR-DEC-13 and BR-DEC-15 differ: in the UBL artefact their path compares a child that does
//! not exist (`cbc:TaxAmount[@currencyID = cbc:DocumentCurrencyCode]`), so they never fire;
//! in the CII artefact they compare values (`. = round(. * 100) div 100`, trailing zeros
//! allowed) and pass as soon as one VAT total qualifies.

use super::super::Syntax;
use super::{Out, Place, line_id, xround};
use rust_decimal::Decimal;

fn too_precise(value: Option<Decimal>) -> bool {
    value.is_some_and(|v| v.scale() > 2)
}

/// `. = round(. * 100) div 100`.
fn two_decimals_by_value(v: Decimal) -> bool {
    v.checked_mul(Decimal::ONE_HUNDRED)
        .is_none_or(|h| xround(h) / Decimal::ONE_HUNDRED == v)
}

fn fail(
    o: &mut Out<'_, '_>,
    rule: &'static str,
    term: &'static str,
    place: Place<'_>,
    what: &str,
    v: Option<Decimal>,
) {
    o.fail(
        rule,
        term,
        place,
        format!(
            "{what} ({term}) vaut {} : au plus deux décimales sont admises",
            v.map(|v| v.to_string()).unwrap_or_default()
        ),
    );
}

pub(super) fn check(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    for ac in &inv.allowances_charges {
        let (amount_rule, base_rule, term, base_term, what) = if ac.charge {
            (
                "BR-DEC-05",
                "BR-DEC-06",
                "BT-99",
                "BT-100",
                "Le montant de frais de pied de facture",
            )
        } else {
            (
                "BR-DEC-01",
                "BR-DEC-02",
                "BT-92",
                "BT-93",
                "Le montant d'une remise de pied de facture",
            )
        };
        if too_precise(ac.amount) {
            fail(o, amount_rule, term, Place::Invoice, what, ac.amount);
        }
        if too_precise(ac.base_amount) {
            fail(
                o,
                base_rule,
                base_term,
                Place::Invoice,
                "La base d'une remise ou de frais",
                ac.base_amount,
            );
        }
    }
    let t = &inv.totals;
    for (rule, value, term, what) in [
        ("BR-DEC-09", t.line_net, "BT-106", "La somme des lignes"),
        ("BR-DEC-10", t.allowances, "BT-107", "Le total des remises"),
        ("BR-DEC-11", t.charges, "BT-108", "Le total des frais"),
        ("BR-DEC-12", t.without_vat, "BT-109", "Le total hors TVA"),
        ("BR-DEC-14", t.with_vat, "BT-112", "Le total TTC"),
        ("BR-DEC-16", t.prepaid, "BT-113", "L'acompte"),
        ("BR-DEC-17", t.rounding, "BT-114", "L'arrondi"),
        ("BR-DEC-18", t.payable, "BT-115", "Le montant à payer"),
    ] {
        if too_precise(value) {
            fail(o, rule, term, Place::Computed, what, value);
        }
    }
    if o.syntax == Syntax::Cii {
        vat_totals_cii(o);
    }
    for b in &inv.vat_breakdown {
        if super::skipped_row(b, o.syntax) {
            continue;
        }
        if too_precise(b.taxable) {
            fail(
                o,
                "BR-DEC-19",
                "BT-116",
                Place::Computed,
                "Une base imposable",
                b.taxable,
            );
        }
        if too_precise(b.tax) {
            fail(
                o,
                "BR-DEC-20",
                "BT-117",
                Place::Computed,
                "Un montant de TVA",
                b.tax,
            );
        }
    }
    for (i, l) in inv.lines.iter().enumerate() {
        let id = line_id(l, i);
        let place = Place::Line(&id);
        if too_precise(l.net_amount) {
            fail(
                o,
                "BR-DEC-23",
                "BT-131",
                place,
                &format!("Le montant net de la ligne {id}"),
                l.net_amount,
            );
        }
        for ac in &l.allowances_charges {
            let (amount_rule, base_rule, term, base_term) = if ac.charge {
                ("BR-DEC-27", "BR-DEC-28", "BT-141", "BT-142")
            } else {
                ("BR-DEC-24", "BR-DEC-25", "BT-136", "BT-137")
            };
            if too_precise(ac.amount) {
                fail(
                    o,
                    amount_rule,
                    term,
                    place,
                    &format!("Une remise ou des frais de la ligne {id}"),
                    ac.amount,
                );
            }
            if too_precise(ac.base_amount) {
                fail(
                    o,
                    base_rule,
                    base_term,
                    place,
                    &format!("La base d'une remise de la ligne {id}"),
                    ac.base_amount,
                );
            }
        }
    }
}

fn vat_totals_cii(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let t = &inv.totals;
    // The VAT totals as CII writes them: (value, currencyID).
    let written: Vec<(Decimal, Option<&str>)> = [
        t.vat.map(|v| (v, inv.currency.as_deref())),
        t.vat_accounting.map(|v| (v, inv.tax_currency.as_deref())),
    ]
    .into_iter()
    .flatten()
    .collect();
    if written.is_empty() {
        return;
    }
    let currency = inv.currency.as_deref();
    let ok13 = written.iter().any(|(v, c)| {
        let invoice_currency = c.is_some() && *c == currency;
        !invoice_currency || two_decimals_by_value(*v)
    });
    if !ok13 {
        fail(
            o,
            "BR-DEC-13",
            "BT-110",
            Place::Computed,
            "Le total de TVA",
            t.vat,
        );
    }
    if let Some(tax_currency) = inv.tax_currency.as_deref() {
        let ok15 = written
            .iter()
            .any(|(v, c)| *c == Some(tax_currency) && two_decimals_by_value(*v));
        if !ok15 {
            fail(
                o,
                "BR-DEC-15",
                "BT-111",
                Place::Computed,
                "Le total de TVA en devise de comptabilisation",
                t.vat_accounting,
            );
        }
    }
}
