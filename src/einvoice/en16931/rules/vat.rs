//! The VAT category rules: BR-S-* (standard rate), BR-Z-* (zero rated), BR-E-* (exempt),
//! BR-AE-* (reverse charge), BR-IC-* (intra-community supply, category K), BR-G-* (export)
//! and BR-O-* (not subject to VAT). Each family has the same ten rules:
//! 01 the category is in the breakdown, 02–04 the VAT identifiers a line, an allowance or a
//! charge of the category needs, 05–07 their rate, 08 the breakdown's taxable amount,
//! 09 its tax, 10 its exemption reason; plus BR-IC-11/12 and BR-O-11…14.

use super::super::Syntax;
use super::super::model::{AllowanceCharge, Invoice, Line, VatBreakdown};
use super::{
    Out, Place, fr, is_category, line_id, minus, opt_money, plus, round2, sum, within_one, xround,
};
use rust_decimal::Decimal;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Standard,
    /// Z, E, AE, K, G: rate 0, no tax, one breakdown row.
    Zero,
    NotSubject,
}

struct Category {
    code: &'static str,
    kind: Kind,
    /// The ten rule ids, 01 … 10.
    ids: [&'static str; 10],
    /// « au taux normal », « exonérée »…
    label: &'static str,
    /// Seller (and buyer) identifiers the category needs (rules 02–04).
    needs: Needs,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Seller VAT id, seller tax registration or tax representative VAT id.
    SellerTax,
    /// As `SellerTax`, and the buyer's VAT id or legal registration.
    SellerTaxAndBuyer,
    /// Seller or tax representative VAT id, and the buyer's VAT id.
    SellerVatAndBuyerVat,
    /// Seller or tax representative VAT id.
    SellerVat,
    /// No VAT identifier at all.
    NoVat,
}

macro_rules! ids {
    ($p:literal) => {
        [
            concat!($p, "-01"),
            concat!($p, "-02"),
            concat!($p, "-03"),
            concat!($p, "-04"),
            concat!($p, "-05"),
            concat!($p, "-06"),
            concat!($p, "-07"),
            concat!($p, "-08"),
            concat!($p, "-09"),
            concat!($p, "-10"),
        ]
    };
}

const CATEGORIES: [Category; 7] = [
    Category {
        code: "S",
        kind: Kind::Standard,
        ids: ids!("BR-S"),
        label: "soumise à la TVA au taux normal (catégorie S)",
        needs: Needs::SellerTax,
    },
    Category {
        code: "Z",
        kind: Kind::Zero,
        ids: ids!("BR-Z"),
        label: "au taux zéro (catégorie Z)",
        needs: Needs::SellerTax,
    },
    Category {
        code: "E",
        kind: Kind::Zero,
        ids: ids!("BR-E"),
        label: "exonérée de TVA (catégorie E)",
        needs: Needs::SellerTax,
    },
    Category {
        code: "AE",
        kind: Kind::Zero,
        ids: ids!("BR-AE"),
        label: "en autoliquidation (catégorie AE)",
        needs: Needs::SellerTaxAndBuyer,
    },
    Category {
        code: "K",
        kind: Kind::Zero,
        ids: ids!("BR-IC"),
        label: "en livraison intracommunautaire (catégorie K)",
        needs: Needs::SellerVatAndBuyerVat,
    },
    Category {
        code: "G",
        kind: Kind::Zero,
        ids: ids!("BR-G"),
        label: "à l'exportation hors de l'Union européenne (catégorie G)",
        needs: Needs::SellerVat,
    },
    Category {
        code: "O",
        kind: Kind::NotSubject,
        ids: ids!("BR-O"),
        label: "hors du champ de la TVA (catégorie O)",
        needs: Needs::NoVat,
    },
];

pub(super) fn check(o: &mut Out<'_, '_>) {
    for c in &CATEGORIES {
        category(o, c);
    }
    intra_community(o);
    not_subject_alone(o);
}

fn line_is(l: &Line, code: &str, syntax: Syntax) -> bool {
    is_category(l.vat.as_ref().and_then(|v| v.code.as_deref()), code, syntax)
}

fn ac_is(a: &AllowanceCharge, code: &str, syntax: Syntax) -> bool {
    is_category(a.vat.as_ref().and_then(|v| v.code.as_deref()), code, syntax)
}

fn row_is(b: &VatBreakdown, code: &str, syntax: Syntax) -> bool {
    is_category(b.category.code.as_deref(), code, syntax)
}

fn category(o: &mut Out<'_, '_>, c: &Category) {
    let inv = o.inv;
    let syntax = o.syntax;
    let n_lines = inv
        .lines
        .iter()
        .filter(|l| line_is(l, c.code, syntax))
        .count();
    let n_ac = inv
        .allowances_charges
        .iter()
        .filter(|a| ac_is(a, c.code, syntax))
        .count();
    let n_rows = inv
        .vat_breakdown
        .iter()
        .filter(|b| row_is(b, c.code, syntax))
        .count();
    if n_lines + n_ac + n_rows == 0 {
        return;
    }
    presence(o, c, n_lines, n_ac, n_rows);
    identifiers(o, c);
    rates(o, c);
    for b in inv
        .vat_breakdown
        .iter()
        .filter(|b| row_is(b, c.code, syntax))
    {
        taxable(o, c, b);
        tax(o, c, b);
        exemption(o, c, b);
    }
}

/// Rule 01, as each artefact counts.
fn presence(o: &mut Out<'_, '_>, c: &Category, n_lines: usize, n_ac: usize, n_rows: usize) {
    let ok = match (o.syntax, c.kind) {
        (Syntax::Ubl, Kind::Standard) => (n_lines + n_ac > 0) == (n_rows > 0),
        // `//cac:TaxCategory` also finds the breakdown's own category: any occurrence asks
        // for exactly one row.
        (Syntax::Ubl, _) => n_rows == 1,
        (Syntax::Cii, Kind::Standard) => {
            (n_lines + n_rows >= 2 || n_lines == 0) && (n_ac + n_rows >= 2 || n_ac == 0)
        }
        (Syntax::Cii, Kind::Zero) => n_rows == 1 && n_lines + n_ac > 0,
        (Syntax::Cii, Kind::NotSubject) => n_rows == 0 || (n_rows == 1 && n_lines + n_ac > 0),
    };
    if !ok {
        let expected = if c.kind == Kind::Standard {
            "au moins une ligne"
        } else {
            "exactement une ligne"
        };
        o.fail(
            c.ids[0],
            "BG-23",
            Place::Computed,
            format!(
                "Le récapitulatif de TVA doit contenir {expected} de la catégorie {} pour les \
                 lignes, remises et frais {} ({})",
                c.code,
                c.label,
                crate::model::counted(n_rows, "trouvée", "trouvées")
            ),
        );
    }
}

/// Rules 02–04.
fn identifiers(o: &mut Out<'_, '_>, c: &Category) {
    let inv = o.inv;
    let syntax = o.syntax;
    let s = &inv.seller;
    let rep_vat = inv
        .tax_representative
        .as_ref()
        .is_some_and(|t| t.vat_identifier.is_some());
    let seller_tax = s.vat_identifier.is_some() || s.tax_registration.is_some() || rep_vat;
    let seller_vat = s.vat_identifier.is_some() || rep_vat;
    let buyer_vat = inv.buyer.vat_identifier.is_some();
    let buyer_any = buyer_vat || inv.buyer.legal_registration.is_some();
    // (seller side ok, buyer side ok)
    let (seller_ok, buyer_ok) = match c.needs {
        Needs::SellerTax => (seller_tax, true),
        Needs::SellerTaxAndBuyer => (seller_tax, buyer_any),
        Needs::SellerVatAndBuyerVat => (seller_vat, buyer_vat),
        Needs::SellerVat => (seller_vat, true),
        Needs::NoVat => (!seller_vat, !buyer_vat),
    };
    if seller_ok && buyer_ok {
        return;
    }
    let on_lines = inv.lines.iter().any(|l| line_is(l, c.code, syntax));
    let on = |charge: bool| {
        inv.allowances_charges
            .iter()
            .any(|a| a.charge == charge && ac_is(a, c.code, syntax))
    };
    for (rule, present, what) in [
        (c.ids[1], on_lines, "une ligne"),
        (c.ids[2], on(false), "une remise"),
        (c.ids[3], on(true), "des frais"),
    ] {
        if !present {
            continue;
        }
        // The fix of a VAT number that must not be there is the category of the lines.
        let (term, place, text) = if c.needs == Needs::NoVat {
            let (term, whose) = if !seller_ok {
                ("BT-31", o.seller())
            } else {
                ("BT-48", format!("l'acheteur {}", o.of_buyer()))
            };
            (
                term,
                Place::Invoice,
                format!(
                    "Une facture dont {what} est {} ne doit pas porter le numéro de TVA de \
                     {whose} ({term}) : vérifiez la catégorie de TVA des lignes",
                    c.label
                ),
            )
        } else if !seller_ok {
            (
                "BT-31",
                Place::Seller,
                format!(
                    "Le numéro de TVA intracommunautaire de {} (BT-31) est absent : il est \
                     obligatoire pour une facture dont {what} est {}",
                    o.seller(),
                    c.label
                ),
            )
        } else {
            let (term, field) = if c.needs == Needs::SellerTaxAndBuyer {
                ("BT-48", "le numéro de TVA ou le SIRET")
            } else {
                ("BT-48", "le numéro de TVA intracommunautaire")
            };
            (
                term,
                Place::Buyer,
                format!(
                    "Il manque {field} {} ({term}) : il est obligatoire pour une facture dont \
                     {what} est {}",
                    o.of_buyer(),
                    c.label
                ),
            )
        };
        o.fail(rule, term, place, text);
    }
}

fn rate_ok(kind: Kind, rate: Option<Decimal>) -> bool {
    match kind {
        Kind::Standard => rate.is_some_and(|r| r > Decimal::ZERO),
        Kind::Zero => rate.is_some_and(|r| r.is_zero()),
        Kind::NotSubject => rate.is_none(),
    }
}

fn rate_text(kind: Kind) -> &'static str {
    match kind {
        Kind::Standard => "le taux doit être supérieur à zéro",
        Kind::Zero => "le taux doit être 0",
        Kind::NotSubject => "aucun taux ne doit être indiqué",
    }
}

fn show_rate(rate: Option<Decimal>) -> String {
    rate.map(|r| format!("{} %", fr(r)))
        .unwrap_or_else(|| "sans taux".into())
}

/// Rules 05–07.
fn rates(o: &mut Out<'_, '_>, c: &Category) {
    let inv = o.inv;
    let syntax = o.syntax;
    for (i, l) in inv.lines.iter().enumerate() {
        if !line_is(l, c.code, syntax) {
            continue;
        }
        let rate = l.vat.as_ref().and_then(|v| v.rate);
        if !rate_ok(c.kind, rate) {
            let id = line_id(l, i);
            o.fail(
                c.ids[4],
                "BT-152",
                Place::Line(&id),
                format!(
                    "La ligne {id} est {} avec un taux de {} (BT-152) : {}",
                    c.label,
                    show_rate(rate),
                    rate_text(c.kind)
                ),
            );
        }
    }
    for a in &inv.allowances_charges {
        if !ac_is(a, c.code, syntax) {
            continue;
        }
        let rate = a.vat.as_ref().and_then(|v| v.rate);
        if !rate_ok(c.kind, rate) {
            let (rule, term, what) = if a.charge {
                (c.ids[6], "BT-103", "Des frais de pied de facture")
            } else {
                (c.ids[5], "BT-96", "Une remise de pied de facture")
            };
            o.fail(
                rule,
                term,
                Place::Invoice,
                format!(
                    "{what} « {} » est {} avec un taux de {} ({term}) : {}",
                    a.reason.as_deref().unwrap_or("").trim(),
                    c.label,
                    show_rate(rate),
                    rate_text(c.kind)
                ),
            );
        }
    }
}

/// Σ line net amounts, charges and allowances of the category (and of the rate when given).
struct Sums {
    lines: Decimal,
    charges: Decimal,
    allowances: Decimal,
    /// Some line, allowance or charge has the category and rate.
    any: bool,
    any_ac: bool,
}

fn sums(inv: &Invoice<'_>, code: &str, rate: Option<Decimal>, syntax: Syntax) -> Sums {
    let rate_matches = |r: Option<Decimal>| rate.is_none() || (r.is_some() && r == rate);
    let lines: Vec<&Line> = inv
        .lines
        .iter()
        .filter(|l| line_is(l, code, syntax) && rate_matches(l.vat.as_ref().and_then(|v| v.rate)))
        .collect();
    let acs: Vec<&AllowanceCharge> = inv
        .allowances_charges
        .iter()
        .filter(|a| ac_is(a, code, syntax) && rate_matches(a.vat.as_ref().and_then(|v| v.rate)))
        .collect();
    Sums {
        lines: sum(lines.iter().map(|l| l.net_amount)),
        charges: sum(acs.iter().filter(|a| a.charge).map(|a| a.amount)),
        allowances: sum(acs.iter().filter(|a| !a.charge).map(|a| a.amount)),
        any: !lines.is_empty() || !acs.is_empty(),
        any_ac: !acs.is_empty(),
    }
}

/// `lines + charges - allowances`, each rounded first when `rounded` (the CII way).
fn net(s: &Sums, rounded: bool) -> Option<Decimal> {
    let r = |v: Decimal| if rounded { round2(v) } else { v };
    plus(r(s.lines), r(s.charges)).and_then(|x| minus(x, r(s.allowances)))
}

/// Rule 08.
fn taxable(o: &mut Out<'_, '_>, c: &Category, b: &VatBreakdown) {
    let inv = o.inv;
    let syntax = o.syntax;
    let rate = b.category.rate;
    let (ok, expected) = match (c.kind, syntax) {
        (Kind::Standard, _) if rate.is_none() => (true, None),
        (Kind::Standard, Syntax::Ubl) => {
            let s = sums(inv, c.code, rate, syntax);
            let with_lines = net(&s, false);
            let without_lines = minus(s.charges, s.allowances);
            let ok = b.taxable.is_some_and(|t| {
                (s.any && with_lines.is_some_and(|e| within_one(t, e)))
                    || (s.any_ac && without_lines.is_some_and(|e| within_one(t, e)))
            });
            (ok, with_lines)
        }
        (Kind::Standard | Kind::NotSubject, Syntax::Cii) => {
            // S per rate, O all rates together (BR-O-08 has no rate).
            let by_rate = if c.kind == Kind::Standard { rate } else { None };
            let s = sums(inv, c.code, by_rate, syntax);
            let expected = net(&s, true);
            (expected.is_some() && b.taxable == expected, expected)
        }
        (_, Syntax::Ubl) => {
            let s = sums(inv, c.code, None, syntax);
            let expected = net(&s, false);
            (
                !inv.lines.is_empty() && expected.is_some() && b.taxable == expected,
                expected,
            )
        }
        (Kind::Zero, Syntax::Cii) => {
            let s = sums(inv, c.code, None, syntax);
            let expected = net(&s, true);
            let ok = matches!((b.taxable, expected), (Some(t), Some(e)) if within_one(t, e));
            (ok, expected)
        }
    };
    if !ok {
        o.fail(
            c.ids[7],
            "BT-116",
            Place::Computed,
            format!(
                "La base imposable de la catégorie {} à {} (BT-116) vaut {} au lieu de {}, somme \
                 des lignes moins les remises plus les frais de cette catégorie",
                c.code,
                show_rate(rate),
                opt_money(b.taxable),
                opt_money(expected)
            ),
        );
    }
}

/// Rule 09.
fn tax(o: &mut Out<'_, '_>, c: &Category, b: &VatBreakdown<'_>) {
    if c.kind == Kind::Standard {
        let expected = match (b.taxable, b.category.rate) {
            (Some(t), Some(r)) => t
                .abs()
                .checked_mul(r)
                .map(|p| xround(p) / Decimal::ONE_HUNDRED),
            _ => None,
        };
        if !matches!((b.tax, expected), (Some(t), Some(e)) if within_one(t.abs(), e)) {
            let text = format!(
                "La TVA de la catégorie S à {} (BT-117) vaut {} au lieu de {}",
                show_rate(b.category.rate),
                opt_money(b.tax),
                opt_money(expected)
            );
            o.fail(c.ids[8], "BT-117", Place::Computed, text);
        }
    } else if !b.tax.is_some_and(|t| t.is_zero()) {
        let text = format!(
            "La TVA de la catégorie {} (BT-117) vaut {} : elle doit être nulle",
            c.code,
            opt_money(b.tax)
        );
        o.fail(c.ids[8], "BT-117", Place::Computed, text);
    }
}

/// Rule 10.
fn exemption(o: &mut Out<'_, '_>, c: &Category, b: &VatBreakdown) {
    let has = b.exemption_reason.is_some() || b.exemption_code.is_some();
    // S and Z must have no exemption reason; the others must have one.
    let must_have = !matches!(c.code, "S" | "Z");
    if has == must_have {
        return;
    }
    let text = if must_have {
        format!(
            "Le motif d'exonération de TVA (BT-120) des lignes {} est absent (motif à \
             renseigner sur ces lignes)",
            c.label
        )
    } else {
        format!(
            "La catégorie de TVA {} ne doit pas avoir de motif d'exonération (BT-120, BT-121) : \
             « {} »",
            c.code,
            b.exemption_reason
                .as_deref()
                .or(b.exemption_code.as_deref())
                .unwrap_or("")
        )
    };
    o.fail(c.ids[9], "BT-120", Place::Invoice, text);
}

/// BR-IC-11 and BR-IC-12: an intra-community supply needs its delivery date or invoicing
/// period, and the deliver-to country.
fn intra_community(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let syntax = o.syntax;
    if !inv.vat_breakdown.iter().any(|b| row_is(b, "K", syntax)) {
        return;
    }
    let period_dates = inv
        .invoicing_period
        .as_ref()
        .is_some_and(|p| p.start.is_some() || p.end.is_some());
    let delivery = inv.delivery.as_ref();
    let actual = delivery.is_some_and(|d| d.actual_date.is_some());
    // UBL: `cac:InvoicePeriod/*`, any child, so the VAT point date code (BT-8) counts.
    let dated =
        actual || period_dates || (syntax == Syntax::Ubl && inv.tax_point_date_code.is_some());
    if !dated {
        o.fail(
            "BR-IC-11",
            "BT-72",
            Place::Other,
            "Une livraison intracommunautaire (catégorie K) exige la date de livraison (BT-72) \
             ou la période de facturation (BG-14)"
                .into(),
        );
    }
    let country = delivery
        .and_then(|d| d.address.as_ref())
        .and_then(|a| a.country.as_deref());
    let has_country = match syntax {
        Syntax::Ubl => country.is_some_and(|c| c.chars().count() > 1),
        Syntax::Cii => country.is_some(),
    };
    if !has_country {
        o.fail(
            "BR-IC-12",
            "BT-80",
            Place::Other,
            "Une livraison intracommunautaire (catégorie K) exige le pays de livraison (BT-80)"
                .into(),
        );
    }
}

/// BR-O-11 … BR-O-14: "not subject to VAT" stands alone.
fn not_subject_alone(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let syntax = o.syntax;
    if !inv.vat_breakdown.iter().any(|b| row_is(b, "O", syntax)) {
        return;
    }
    let other = |code: Option<&str>| code.is_some_and(|c| !is_category(Some(c), "O", syntax));
    let rows = inv
        .vat_breakdown
        .iter()
        .any(|b| other(b.category.code.as_deref()));
    let lines = inv
        .lines
        .iter()
        .any(|l| other(l.vat.as_ref().and_then(|v| v.code.as_deref())));
    let acs = |charge: bool| {
        inv.allowances_charges
            .iter()
            .any(|a| a.charge == charge && other(a.vat.as_ref().and_then(|v| v.code.as_deref())))
    };
    let (allowances, charges) = (acs(false), acs(true));
    // CII tests any `ApplicableTradeTax` (lines and breakdown) for 11 and 12, and any
    // `CategoryTradeTax` (allowances and charges) for 13 and 14.
    let (r11, r12, r13, r14) = match syntax {
        Syntax::Ubl => (rows, lines, allowances, charges),
        Syntax::Cii => (
            rows || lines,
            rows || lines,
            allowances || charges,
            allowances || charges,
        ),
    };
    let mixed: Vec<String> = inv
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| other(l.vat.as_ref().and_then(|v| v.code.as_deref())))
        .map(|(i, l)| line_id(l, i).into_owned())
        .collect();
    let detail = if mixed.is_empty() {
        String::new()
    } else {
        let lines = if mixed.len() == 1 { "ligne" } else { "lignes" };
        format!(" ({lines} {})", mixed.join(", "))
    };
    for (fires, rule, term, what) in [
        (r11, "BR-O-11", "BG-23", "d'autre catégorie de TVA"),
        (
            r12,
            "BR-O-12",
            "BT-151",
            "de ligne d'une autre catégorie de TVA",
        ),
        (
            r13,
            "BR-O-13",
            "BT-95",
            "de remise d'une autre catégorie de TVA",
        ),
        (
            r14,
            "BR-O-14",
            "BT-102",
            "de frais d'une autre catégorie de TVA",
        ),
    ] {
        if fires {
            o.fail(
                rule,
                term,
                Place::Invoice,
                format!(
                    "Une facture hors du champ de la TVA (catégorie O) ne peut pas avoir {what}{detail}"
                ),
            );
        }
    }
}
