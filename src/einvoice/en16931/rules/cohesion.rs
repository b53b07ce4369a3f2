//! BR-CO-*: the rules that tie terms together (totals, breakdown, exclusive terms).
//! BR-CO-05 … BR-CO-08 are `true()` in the artefacts (reason text and code "shall indicate
//! the same type" is not machine-checkable): they never fire. BR-CO-25 is not in the
//! 1.3.16 artefacts.

use super::super::codelists::{VAT_PREFIX_CII, VAT_PREFIX_UBL};
use super::super::{Syntax, write_cii::SEPA};
use super::{Out, Place, line_id, minus, money, opt_money, plus, round2, sum, xround};
use rust_decimal::Decimal;

pub(super) fn check(o: &mut Out<'_, '_>) {
    exclusive_terms(o);
    vat_prefixes(o);
    totals(o);
    breakdown(o);
    lines(o);
    reasons(o);
    seller_identified(o);
}

fn exclusive_terms(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    // CII's context is a VAT breakdown row (not of category O, see `skipped_row`): without
    // one, the rule is not evaluated.
    let evaluated = o.ubl()
        || inv
            .vat_breakdown
            .iter()
            .any(|b| !super::skipped_row(b, o.syntax));
    if evaluated && inv.tax_point_date.is_some() && inv.tax_point_date_code.is_some() {
        o.fail(
            "BR-CO-03",
            "BT-7",
            Place::Invoice,
            "La date d'exigibilité de la TVA (BT-7) et son code (BT-8) ne peuvent pas être \
             donnés ensemble"
                .into(),
        );
    }
    let period_empty = |p: &Option<super::super::model::Period>| {
        p.as_ref()
            .is_some_and(|p| p.start.is_none() && p.end.is_none())
    };
    // In UBL the period element may carry only the VAT point date code (BT-8).
    if period_empty(&inv.invoicing_period) && (!o.ubl() || inv.tax_point_date_code.is_none()) {
        o.fail(
            "BR-CO-19",
            "BG-14",
            Place::Invoice,
            "La période de facturation (BG-14) n'a ni date de début ni date de fin".into(),
        );
    }
}

/// BR-CO-09 in UBL: `contains(' 1A AD … ', substring(CompanyID, 1, 2))`, a substring test
/// on the list written with single spaces; in CII: `contains(' 1A AD … ', concat(' ',
/// substring(., 1, 2), ' '))`, a token test.
fn vat_prefix_ok(vat: &str, syntax: Syntax) -> bool {
    let prefix: String = vat.chars().take(2).collect();
    match syntax {
        Syntax::Cii => VAT_PREFIX_CII.binary_search(&prefix.as_str()).is_ok(),
        Syntax::Ubl => {
            let mut chars = prefix.chars();
            match (chars.next(), chars.next()) {
                (None, _) => true,
                (Some(' '), None) => true,
                (Some(c), None) => VAT_PREFIX_UBL.iter().any(|t| t.contains(c)),
                (Some(' '), Some(c)) => VAT_PREFIX_UBL.iter().any(|t| t.starts_with(c)),
                (Some(c), Some(' ')) => VAT_PREFIX_UBL.iter().any(|t| t.ends_with(c)),
                (Some(_), Some(_)) => VAT_PREFIX_UBL.binary_search(&prefix.as_str()).is_ok(),
            }
        }
    }
}

fn vat_prefixes(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ids = [
        (inv.seller.vat_identifier.as_deref(), "BT-31", Place::Seller),
        (inv.buyer.vat_identifier.as_deref(), "BT-48", Place::Buyer),
        (
            inv.tax_representative
                .as_ref()
                .and_then(|t| t.vat_identifier.as_deref()),
            "BT-63",
            Place::Other,
        ),
    ];
    for (vat, term, place) in ids {
        if let Some(v) = vat
            && !vat_prefix_ok(v, o.syntax)
        {
            let whose = match term {
                "BT-31" => o.seller(),
                "BT-48" => format!("l'acheteur {}", o.of_buyer()),
                _ => "le représentant fiscal".into(),
            };
            o.fail(
                "BR-CO-09",
                term,
                place,
                format!(
                    "Le numéro de TVA intracommunautaire « {v} » de {whose} ({term}) doit \
                     commencer par le code pays (ex. FR)"
                ),
            );
        }
    }
}

fn totals(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    let t = &inv.totals;
    let lines_sum = sum(inv.lines.iter().map(|l| l.net_amount));
    if t.line_net.is_none_or(|v| v != round2(lines_sum)) {
        o.fail(
            "BR-CO-10",
            "BT-106",
            Place::Computed,
            format!(
                "La somme des montants nets des lignes (BT-106) vaut {} au lieu de {}",
                opt_money(t.line_net),
                money(round2(lines_sum))
            ),
        );
    }
    for (rule, total, charge, term) in [
        ("BR-CO-11", t.allowances, false, "BT-107"),
        ("BR-CO-12", t.charges, true, "BT-108"),
    ] {
        let items: Vec<_> = inv
            .allowances_charges
            .iter()
            .filter(|a| a.charge == charge)
            .collect();
        let expected = round2(sum(items.iter().map(|a| a.amount)));
        let ok = match total {
            Some(v) => v == expected,
            None => items.is_empty(),
        };
        if !ok {
            let what = if charge { "frais" } else { "remises" };
            o.fail(
                rule,
                term,
                Place::Computed,
                format!(
                    "Le total des {what} de pied de facture ({term}) vaut {} au lieu de {}",
                    opt_money(total),
                    money(expected)
                ),
            );
        }
    }
    let ok13 = match (t.without_vat, t.line_net) {
        (Some(w), Some(l)) => match (t.charges, t.allowances) {
            (Some(c), Some(a)) => plus(l, c).and_then(|x| minus(x, a)).map(round2) == Some(w),
            (None, Some(a)) => minus(l, a).map(round2) == Some(w),
            (Some(c), None) => plus(l, c).map(round2) == Some(w),
            // UBL compares with BT-106 as written, CII rounds it.
            (None, None) => w == if ubl { l } else { round2(l) },
        },
        _ => false,
    };
    if !ok13 {
        o.fail(
            "BR-CO-13",
            "BT-109",
            Place::Computed,
            format!(
                "Le total hors TVA (BT-109) vaut {} : il doit égaler la somme des lignes moins \
                 les remises plus les frais",
                opt_money(t.without_vat)
            ),
        );
    }
    // BR-CO-15 counts the VAT totals in the invoice currency: BT-110, and BT-111 when the
    // accounting currency is the same.
    if let Some(currency) = inv.currency.as_deref() {
        let count = usize::from(t.vat.is_some())
            + usize::from(
                t.vat_accounting.is_some() && inv.tax_currency.as_deref() == Some(currency),
            );
        let sum_ok = match (t.with_vat, t.without_vat, t.vat) {
            (Some(g), Some(w), Some(v)) => plus(w, v).map(round2) == Some(g),
            _ => false,
        };
        let ok = if ubl {
            count == 1 && sum_ok
        } else {
            (count == 1 && sum_ok)
                || matches!((t.with_vat, t.without_vat), (Some(g), Some(w)) if g == w)
        };
        if !ok {
            o.fail(
                "BR-CO-15",
                "BT-112",
                Place::Computed,
                format!(
                    "Le total TTC (BT-112) vaut {} : il doit égaler le total hors TVA {} plus la \
                     TVA {}",
                    opt_money(t.with_vat),
                    opt_money(t.without_vat),
                    opt_money(t.vat)
                ),
            );
        }
    }
    let ok16 = match (t.payable, t.with_vat) {
        (Some(d), Some(g)) => match (t.prepaid, t.rounding, ubl) {
            (Some(p), None, true) => minus(g, p).map(round2) == Some(d),
            (None, None, _) => d == g,
            (Some(p), Some(r), true) => {
                let left = minus(d, r).map(round2);
                left.is_some() && left == minus(g, p).map(round2)
            }
            (None, Some(r), true) => minus(d, r).map(round2) == Some(g),
            (Some(p), Some(r), false) => minus(g, p).and_then(|x| plus(x, r)) == Some(d),
            (None, Some(r), false) => plus(g, r) == Some(d),
            (Some(p), None, false) => minus(g, p) == Some(d),
        },
        _ => false,
    };
    if !ok16 {
        o.fail(
            "BR-CO-16",
            "BT-115",
            Place::Computed,
            format!(
                "Le montant à payer (BT-115) vaut {} : il doit égaler le total TTC {} moins \
                 l'acompte plus l'arrondi",
                opt_money(t.payable),
                opt_money(t.with_vat)
            ),
        );
    }
}

fn breakdown(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    let t = &inv.totals;
    let tax_sum = round2(sum(inv.vat_breakdown.iter().map(|b| b.tax)));
    // UBL judges the VAT total holding the breakdown; CII judges BT-110 when written with
    // the invoice currency, breakdown or not.
    let evaluated = if ubl {
        !inv.vat_breakdown.is_empty()
    } else {
        t.vat.is_some() && inv.currency.is_some()
    };
    if evaluated && t.vat.is_none_or(|v| v != tax_sum) {
        o.fail(
            "BR-CO-14",
            "BT-110",
            Place::Computed,
            format!(
                "Le total de TVA (BT-110) vaut {} au lieu de la somme du récapitulatif par taux, {}",
                opt_money(t.vat),
                money(tax_sum)
            ),
        );
    }
    for b in &inv.vat_breakdown {
        if super::skipped_row(b, o.syntax) {
            continue;
        }
        let rate = b.category.rate;
        let ok = match (rate, b.tax) {
            (Some(r), Some(tax)) if xround(r).is_zero() => xround(tax).is_zero(),
            (Some(r), Some(tax)) => match b.taxable.and_then(|base| base.abs().checked_mul(r)) {
                Some(product) => {
                    let expected = xround(product) / Decimal::ONE_HUNDRED;
                    let (low, high) = (
                        minus(tax.abs(), Decimal::ONE),
                        plus(tax.abs(), Decimal::ONE),
                    );
                    match (low, high) {
                        (Some(low), Some(high)) if ubl => low < expected && high > expected,
                        (Some(low), Some(high)) => low <= expected && high >= expected,
                        _ => false,
                    }
                }
                None => false,
            },
            (None, Some(tax)) => xround(tax).is_zero(),
            (_, None) => false,
        };
        if !ok {
            o.fail(
                "BR-CO-17",
                "BT-117",
                Place::Computed,
                format!(
                    "La TVA de la catégorie {} au taux de {} % (BT-117) vaut {} : elle doit égaler \
                     la base {} multipliée par le taux",
                    b.category.code.as_deref().unwrap_or("?"),
                    rate.map(super::fr).unwrap_or_else(|| "?".into()),
                    opt_money(b.tax),
                    opt_money(b.taxable)
                ),
            );
        }
    }
    // CII's context is a line: without lines the rule is not evaluated.
    if inv.vat_breakdown.is_empty() && (ubl || !inv.lines.is_empty()) {
        o.fail(
            "BR-CO-18",
            "BG-23",
            Place::Computed,
            format!(
                "La facture {} n'a pas de récapitulatif de TVA (BG-23)",
                o.number()
            ),
        );
    }
}

fn lines(o: &mut Out<'_, '_>) {
    for (i, l) in o.inv.lines.iter().enumerate() {
        let id = line_id(l, i);
        if l.vat.as_ref().is_none_or(|v| v.code.is_none()) {
            o.fail(
                "BR-CO-04",
                "BT-151",
                Place::Line(&id),
                format!("La ligne {id} n'a pas de catégorie de TVA (BT-151)"),
            );
        }
        if l.period
            .as_ref()
            .is_some_and(|p| p.start.is_none() && p.end.is_none())
        {
            o.fail(
                "BR-CO-20",
                "BG-26",
                Place::Line(&id),
                format!("La période de la ligne {id} (BG-26) n'a ni début ni fin"),
            );
        }
    }
}

/// BR-CO-21 … BR-CO-24 repeat BR-33, BR-38, BR-42 and BR-44 with their own ids.
fn reasons(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    for ac in &inv.allowances_charges {
        if ac.reason.is_none() && ac.reason_code.is_none() {
            let (rule, term) = if ac.charge {
                ("BR-CO-22", "BT-104")
            } else {
                ("BR-CO-21", "BT-97")
            };
            o.fail(
                rule,
                term,
                Place::Invoice,
                format!(
                    "Une remise ou des frais de pied de facture n'ont ni motif ni code ({term})"
                ),
            );
        }
    }
    for (i, l) in inv.lines.iter().enumerate() {
        let id = line_id(l, i);
        for ac in &l.allowances_charges {
            if ac.reason.is_none() && ac.reason_code.is_none() {
                let (rule, term) = if ac.charge {
                    ("BR-CO-24", "BT-144")
                } else {
                    ("BR-CO-23", "BT-139")
                };
                o.fail(
                    rule,
                    term,
                    Place::Line(&id),
                    format!(
                        "Une remise ou des frais de la ligne {id} n'ont ni motif ni code ({term})"
                    ),
                );
            }
        }
    }
}

fn seller_identified(o: &mut Out<'_, '_>) {
    let s = &o.inv.seller;
    let identified = s.vat_identifier.is_some()
        || s.legal_registration.is_some()
        || s.identifiers
            .iter()
            .any(|i| i.scheme.as_deref() != Some(SEPA));
    if !identified {
        o.fail(
            "BR-CO-26",
            "BT-30",
            Place::Seller,
            format!(
                "{} n'a ni SIRET (BT-30) ni numéro de TVA (BT-31) : l'acheteur ne peut pas \
                 l'identifier",
                capitalize(&o.seller())
            ),
        );
    }
}

fn capitalize(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
