//! BR-CL-*: codes from their lists (see `codelists`, generated from the artefacts). The
//! artefacts' test is `not(contains(normalize-space(.), ' ')) and contains(' A B … ',
//! concat(' ', normalize-space(.), ' '))`: one token of the list, blanks around ignored.

use super::super::codelists as cl;
use super::super::model::{Address, Identifier};
use super::super::write_cii::SEPA;
use super::{Out, Place, line_id, normalize_space};
use std::sync::OnceLock;

fn token(list: &[&str], value: &str) -> bool {
    if !value.contains([' ', '\t', '\n', '\r']) {
        return list.binary_search(&value).is_ok();
    }
    let v = normalize_space(value);
    !v.contains(' ') && list.binary_search(&v.as_str()).is_ok()
}

/// The UBL note subject test: `contains(' AAA AAB … ', code)`, a plain substring test.
fn note_list_ubl() -> &'static str {
    static LIST: OnceLock<String> = OnceLock::new();
    LIST.get_or_init(|| format!(" {} ", cl::NOTE_SUBJECT_UBL.join(" ")))
}

pub(super) fn check(o: &mut Out<'_, '_>) {
    header(o);
    parties(o);
    lines(o);
    settlement(o);
}

fn bad(
    o: &mut Out<'_, '_>,
    rule: &'static str,
    term: &'static str,
    place: Place<'_>,
    what: &str,
    value: &str,
    list: &str,
) {
    o.fail(
        rule,
        term,
        place,
        format!("{what} ({term}) vaut « {value} » : ce n'est pas un code de la liste {list}"),
    );
}

fn header(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    if let Some(t) = inv.type_code.as_deref() {
        let list = match (ubl, inv.credit_note) {
            (true, false) => cl::INVOICE_TYPE_UBL,
            (true, true) => cl::CREDIT_NOTE_TYPE_UBL,
            (false, _) => cl::DOCUMENT_TYPE_CII,
        };
        if !token(list, t) {
            bad(
                o,
                "BR-CL-01",
                "BT-3",
                Place::Computed,
                "Le type de facture",
                t,
                "UNTDID 1001",
            );
        }
    }
    let currency_ok = inv
        .currency
        .as_deref()
        .is_some_and(|c| token(cl::CURRENCY, c));
    let tax_currency_ok = inv
        .tax_currency
        .as_deref()
        .is_some_and(|c| token(cl::CURRENCY, c));
    // BR-CL-03 judges the currencyID attributes: in UBL every amount carries BT-5 (BT-111
    // carries BT-6); in CII only the VAT totals carry one, when the currency is known.
    let t = &inv.totals;
    let cl03 = if ubl {
        (!currency_ok && has_document_amounts(o))
            || (t.vat_accounting.is_some() && !tax_currency_ok)
    } else {
        (t.vat.is_some() && inv.currency.is_some() && !currency_ok)
            || (t.vat_accounting.is_some() && inv.tax_currency.is_some() && !tax_currency_ok)
    };
    if cl03 {
        o.fail(
            "BR-CL-03",
            "BT-5",
            Place::Invoice,
            format!(
                "La devise des montants « {} » n'est pas un code ISO 4217 (ex. EUR)",
                inv.currency.as_deref().unwrap_or("")
            ),
        );
    }
    if let Some(c) = inv.currency.as_deref()
        && !currency_ok
    {
        o.fail(
            "BR-CL-04",
            "BT-5",
            Place::Invoice,
            format!(
                "La devise de la facture (BT-5) vaut « {c} » : attendu un code ISO 4217 (ex. EUR)"
            ),
        );
    }
    if let Some(c) = inv.tax_currency.as_deref()
        && !tax_currency_ok
    {
        bad(
            o,
            "BR-CL-05",
            "BT-6",
            Place::Invoice,
            "La devise de comptabilisation de la TVA",
            c,
            "ISO 4217",
        );
    }
    if let Some(code) = inv.tax_point_date_code.as_deref() {
        // CII writes BT-8 in the VAT breakdown rows: none, no code written.
        let (list, judged) = if ubl {
            (cl::TAX_POINT_CODE_UBL, true)
        } else {
            (cl::TAX_POINT_CODE_CII, !inv.vat_breakdown.is_empty())
        };
        if judged && !token(list, code) {
            bad(
                o,
                "BR-CL-06",
                "BT-8",
                Place::Invoice,
                "Le code de date d'exigibilité de la TVA",
                code,
                "UNTDID 2005/2475",
            );
        }
    }
    let objects = inv
        .invoiced_object
        .iter()
        .chain(inv.lines.iter().filter_map(|l| l.object.as_ref()));
    let bad_schemes: Vec<String> = objects
        .filter_map(|i| i.scheme.as_deref())
        .filter(|s| !token(cl::OBJECT_SCHEME, s))
        .map(str::to_string)
        .collect();
    for s in bad_schemes {
        bad(
            o,
            "BR-CL-07",
            "BT-18",
            Place::Other,
            "Le schéma de l'objet facturé",
            &s,
            "UNTDID 1153",
        );
    }
    for n in &inv.notes {
        let ok = if ubl {
            let written = match &n.subject_code {
                Some(code) => format!("#{code}#{}", n.text),
                None => n.text.to_string(),
            };
            match written.split_once('#') {
                Some((_, after)) => {
                    let code = after.split_once('#').map(|(c, _)| c).unwrap_or("");
                    code.chars().count() != 3 || note_list_ubl().contains(code)
                }
                None => true,
            }
        } else {
            n.subject_code
                .as_deref()
                .is_none_or(|c| token(cl::NOTE_SUBJECT_CII, c))
        };
        if !ok {
            let code = n.subject_code.clone().unwrap_or_default();
            bad(
                o,
                "BR-CL-08",
                "BT-21",
                Place::Invoice,
                "Le sujet d'une note",
                &code,
                "UNTDID 4451",
            );
        }
    }
}

/// Any amount written with the invoice currency.
fn has_document_amounts(o: &Out<'_, '_>) -> bool {
    let inv = o.inv;
    let t = &inv.totals;
    [
        t.line_net,
        t.allowances,
        t.charges,
        t.without_vat,
        t.vat,
        t.with_vat,
        t.prepaid,
        t.rounding,
        t.payable,
    ]
    .iter()
    .any(Option::is_some)
        || !inv.vat_breakdown.is_empty()
        || !inv.allowances_charges.is_empty()
        || inv.lines.iter().any(|l| {
            l.net_amount.is_some()
                || l.net_price.is_some()
                || l.gross_price.is_some()
                || l.price_discount.is_some()
                || !l.allowances_charges.is_empty()
        })
}

fn parties(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    let payee_ids: &[Identifier] = inv.payee.as_ref().map_or(&[], |p| &p.identifiers);
    // (identifiers, SEPA allowed in UBL)
    let groups: [(&[Identifier], bool, Place<'_>); 3] = [
        (&inv.seller.identifiers, true, Place::Seller),
        (&inv.buyer.identifiers, false, Place::Buyer),
        (payee_ids, true, Place::Other),
    ];
    for (ids, sepa_allowed, place) in groups {
        for id in ids {
            let Some(scheme) = id.scheme.as_deref() else {
                continue;
            };
            let ok = if ubl {
                token(cl::ICD, scheme) || (sepa_allowed && normalize_space(scheme) == SEPA)
            } else {
                // CII writes a SEPA creditor identifier apart, and no other SEPA id.
                scheme == SEPA || token(cl::ICD, scheme)
            };
            if !ok {
                bad(
                    o,
                    "BR-CL-10",
                    "BT-29",
                    place,
                    "Le schéma d'un identifiant de partie",
                    scheme,
                    "ISO 6523 ICD",
                );
            }
        }
    }
    let legal = [
        (
            inv.seller.legal_registration.as_ref(),
            "BT-30",
            Place::Seller,
        ),
        (inv.buyer.legal_registration.as_ref(), "BT-47", Place::Buyer),
        (
            inv.payee
                .as_ref()
                .and_then(|p| p.legal_registration.as_ref()),
            "BT-61",
            Place::Other,
        ),
    ];
    for (id, term, place) in legal {
        if let Some(scheme) = id.and_then(|i| i.scheme.as_deref())
            && !token(cl::ICD, scheme)
        {
            bad(
                o,
                "BR-CL-11",
                term,
                place,
                "Le schéma de l'identifiant légal (SIRET)",
                scheme,
                "ISO 6523 ICD",
            );
        }
    }
    let country_list = if ubl {
        cl::COUNTRY_UBL
    } else {
        cl::COUNTRY_CII
    };
    let addresses: [(Option<&Address>, &'static str, Place<'_>); 4] = [
        (inv.seller.address.as_ref(), "BT-40", Place::Seller),
        (inv.buyer.address.as_ref(), "BT-55", Place::Buyer),
        (
            inv.tax_representative
                .as_ref()
                .and_then(|t| t.address.as_ref()),
            "BT-69",
            Place::Other,
        ),
        (
            inv.delivery.as_ref().and_then(|d| d.address.as_ref()),
            "BT-80",
            Place::Other,
        ),
    ];
    for (a, term, place) in addresses {
        if let Some(c) = a.and_then(|a| a.country.as_deref())
            && !token(country_list, c)
        {
            bad(
                o,
                "BR-CL-14",
                term,
                place,
                "Le code pays d'une adresse",
                c,
                "ISO 3166-1",
            );
        }
    }
    for (e, term, place) in [
        (
            inv.seller.electronic_address.as_ref(),
            "BT-34",
            Place::Seller,
        ),
        (inv.buyer.electronic_address.as_ref(), "BT-49", Place::Buyer),
    ] {
        if let Some(s) = e.and_then(|e| e.scheme.as_deref())
            && !token(cl::EAS, s)
        {
            bad(
                o,
                "BR-CL-25",
                term,
                place,
                "Le schéma d'une adresse électronique",
                s,
                "EAS",
            );
        }
    }
    if let Some(s) = inv
        .delivery
        .as_ref()
        .and_then(|d| d.location.as_ref())
        .and_then(|l| l.scheme.as_deref())
        && !token(cl::ICD, s)
    {
        bad(
            o,
            "BR-CL-26",
            "BT-71",
            Place::Other,
            "Le schéma du lieu de livraison",
            s,
            "ISO 6523 ICD",
        );
    }
}

fn reason_code(o: &mut Out<'_, '_>, charge: bool, code: &str, place: Place<'_>) {
    let (rule, list, term, name) = if charge {
        ("BR-CL-20", cl::CHARGE_REASON, "BT-105", "UNTDID 7161")
    } else {
        ("BR-CL-19", cl::ALLOWANCE_REASON, "BT-98", "UNTDID 5189")
    };
    if !token(list, code) {
        bad(
            o,
            rule,
            term,
            place,
            "Le code motif d'une remise ou de frais",
            code,
            name,
        );
    }
}

fn lines(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    let country_list = if ubl {
        cl::COUNTRY_UBL
    } else {
        cl::COUNTRY_CII
    };
    for (i, l) in inv.lines.iter().enumerate() {
        let id = line_id(l, i);
        let place = Place::Line(&id);
        let quantity_written = l.quantity.is_some();
        if quantity_written
            && let Some(u) = l.unit_code.as_deref()
            && !token(cl::UNIT, u)
        {
            bad(
                o,
                "BR-CL-23",
                "BT-130",
                place,
                &format!("L'unité de la ligne {id}"),
                u,
                "UN/ECE Rec. 20",
            );
        }
        if l.base_quantity.is_some()
            && let Some(u) = l.base_quantity_unit.as_deref()
            && !token(cl::UNIT, u)
        {
            bad(
                o,
                "BR-CL-23",
                "BT-150",
                place,
                &format!("L'unité de base du prix de la ligne {id}"),
                u,
                "UN/ECE Rec. 20",
            );
        }
        if let Some(vat) = &l.vat
            && let Some(code) = vat.code.as_deref()
            && !token(cl::VAT_CATEGORY, code)
        {
            bad(
                o,
                "BR-CL-18",
                "BT-151",
                place,
                &format!("La catégorie de TVA de la ligne {id}"),
                code,
                "UNTDID 5305",
            );
        }
        for c in &l.classifications {
            if let Some(list) = c.list.as_deref()
                && !token(cl::ITEM_CLASSIFICATION, list)
            {
                bad(
                    o,
                    "BR-CL-13",
                    "BT-158",
                    place,
                    "Le schéma de classification de l'article",
                    list,
                    "UNTDID 7143",
                );
            }
        }
        if let Some(s) = l
            .standard_item_id
            .as_ref()
            .and_then(|s| s.scheme.as_deref())
            && !token(cl::ICD, s)
        {
            bad(
                o,
                "BR-CL-21",
                "BT-157",
                place,
                "Le schéma de l'identifiant normalisé de l'article",
                s,
                "ISO 6523 ICD",
            );
        }
        if let Some(c) = l.origin_country.as_deref()
            && !token(country_list, c)
        {
            bad(
                o,
                "BR-CL-15",
                "BT-159",
                place,
                "Le pays d'origine de l'article",
                c,
                "ISO 3166-1",
            );
        }
        for ac in &l.allowances_charges {
            if let Some(code) = ac.reason_code.as_deref() {
                reason_code(o, ac.charge, code, place);
            }
        }
    }
}

fn settlement(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    for pm in &inv.payment_means {
        if let Some(code) = pm.code.as_deref()
            && !token(cl::PAYMENT_MEANS, code)
        {
            bad(
                o,
                "BR-CL-16",
                "BT-81",
                Place::Invoice,
                "Le code du moyen de paiement",
                code,
                "UNTDID 4461",
            );
        }
    }
    for ac in &inv.allowances_charges {
        if let Some(code) = ac.vat.as_ref().and_then(|v| v.code.as_deref())
            && !token(cl::VAT_CATEGORY, code)
        {
            bad(
                o,
                "BR-CL-17",
                "BT-95",
                Place::Invoice,
                "La catégorie de TVA d'une remise ou de frais",
                code,
                "UNTDID 5305",
            );
        }
        if let Some(code) = ac.reason_code.as_deref() {
            reason_code(o, ac.charge, code, Place::Invoice);
        }
    }
    for b in &inv.vat_breakdown {
        if let Some(code) = b.category.code.as_deref()
            && !token(cl::VAT_CATEGORY, code)
        {
            // The breakdown's category is a `cac:TaxCategory` in UBL (BR-CL-17) and an
            // `ApplicableTradeTax` in CII (BR-CL-18).
            let rule = if ubl { "BR-CL-17" } else { "BR-CL-18" };
            bad(
                o,
                rule,
                "BT-118",
                Place::Computed,
                "La catégorie de TVA du récapitulatif",
                code,
                "UNTDID 5305",
            );
        }
        if let Some(code) = b.exemption_code.as_deref() {
            let upper = normalize_space(&code.to_uppercase());
            if normalize_space(code).contains(' ')
                || cl::VATEX.binary_search(&upper.as_str()).is_err()
            {
                bad(
                    o,
                    "BR-CL-22",
                    "BT-121",
                    Place::Computed,
                    "Le code de motif d'exonération",
                    code,
                    "VATEX",
                );
            }
        }
    }
    for d in &inv.supporting_documents {
        if let Some(m) = d.attachment.as_ref().and_then(|a| a.mime_code.as_deref())
            && !cl::MIME.contains(&m)
        {
            o.fail(
                "BR-CL-24",
                "BT-125",
                Place::Invoice,
                format!(
                    "Le type du fichier joint « {} » est « {m} » : seuls PDF, PNG, JPEG, CSV et \
                     tableurs sont admis (BT-125)",
                    d.reference.as_deref().unwrap_or("")
                ),
            );
        }
    }
}
