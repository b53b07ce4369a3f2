//! BR-01 … BR-65: the mandatory terms and the conditions on single groups.

use super::super::Syntax;
use super::super::model::*;
use super::{Out, Place, line_id, normalize_space};
use rust_decimal::Decimal;

pub(super) fn check(o: &mut Out<'_, '_>) {
    header(o);
    parties(o);
    totals(o);
    lines(o);
    allowances(o);
    breakdown(o);
    payment(o);
    references(o);
}

fn header(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    if blank(inv.specification.as_deref()) {
        o.fail(
            "BR-01",
            "BT-24",
            Place::Computed,
            "L'identifiant de spécification de la facture (BT-24) est absent".into(),
        );
    }
    if blank(inv.number.as_deref()) {
        o.fail(
            "BR-02",
            "BT-1",
            Place::Invoice,
            "Le numéro de la facture (BT-1) est absent".into(),
        );
    }
    if inv.issue_date.is_none() {
        o.fail(
            "BR-03",
            "BT-2",
            Place::Invoice,
            format!("La date de la facture {} (BT-2) est absente", o.number()),
        );
    }
    if blank(inv.type_code.as_deref()) {
        o.fail(
            "BR-04",
            "BT-3",
            Place::Computed,
            format!("Le type de la facture {} (BT-3) est absent", o.number()),
        );
    }
    if blank(inv.currency.as_deref()) {
        o.fail(
            "BR-05",
            "BT-5",
            Place::Invoice,
            format!("La devise de la facture {} (BT-5) est absente", o.number()),
        );
    }
    if let Some(p) = &inv.invoicing_period
        && let (Some(start), Some(end)) = (p.start, p.end)
        && end < start
    {
        o.fail(
            "BR-29",
            "BT-74",
            Place::Invoice,
            format!(
                "La période de facturation finit le {} avant de commencer le {} (BT-73, BT-74)",
                end.format("%d/%m/%Y"),
                start.format("%d/%m/%Y")
            ),
        );
    }
}

fn parties(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    if blank(inv.seller.name.as_deref()) {
        o.fail(
            "BR-06",
            "BT-27",
            Place::Seller,
            format!("La raison sociale de {} (BT-27) est absente", o.seller()),
        );
    }
    if blank(inv.buyer.name.as_deref()) {
        o.fail(
            "BR-07",
            "BT-44",
            Place::Buyer,
            format!("La raison sociale {} (BT-44) est absente", o.of_buyer()),
        );
    }
    // The UBL rule's context is the address element; the CII rule tests from the root, so
    // a missing address also lacks its country there.
    let country_missing = |a: &Option<Address>| match a {
        Some(a) => blank(a.country.as_deref()),
        None => !ubl,
    };
    if inv.seller.address.is_none() {
        o.fail(
            "BR-08",
            "BG-5",
            Place::Seller,
            format!("L'adresse postale de {} (BG-5) est absente", o.seller()),
        );
    }
    if country_missing(&inv.seller.address) {
        o.fail(
            "BR-09",
            "BT-40",
            Place::Seller,
            format!(
                "Le code pays de l'adresse de {} (BT-40) est absent",
                o.seller()
            ),
        );
    }
    if inv.buyer.address.is_none() {
        o.fail(
            "BR-10",
            "BG-8",
            Place::Buyer,
            format!("L'adresse postale {} (BG-8) est absente", o.of_buyer()),
        );
    }
    if country_missing(&inv.buyer.address) {
        o.fail(
            "BR-11",
            "BT-55",
            Place::Buyer,
            format!(
                "Le code pays de l'adresse {} (BT-55) est absent",
                o.of_buyer()
            ),
        );
    }
    if let Some(p) = &inv.payee {
        let seller = &inv.seller;
        let same_name = match o.syntax {
            // UBL compares with the seller's PartyName (BT-28), CII with its name (BT-27).
            Syntax::Ubl => p.name.is_some() && p.name == seller.trading_name,
            Syntax::Cii => p.name.is_some() && p.name == seller.name,
        };
        let plain = |ids: &[Identifier], ubl: bool| -> Vec<String> {
            ids.iter()
                .filter(|i| ubl || i.scheme.is_none())
                .map(|i| i.value.to_string())
                .collect()
        };
        let payee_ids = plain(&p.identifiers, ubl);
        let seller_ids = plain(&seller.identifiers, ubl);
        let same_id = payee_ids.iter().any(|i| seller_ids.contains(i));
        let same_legal = !ubl
            && p.legal_registration.is_some()
            && p.legal_registration.as_ref().map(|l| &l.value)
                == seller.legal_registration.as_ref().map(|l| &l.value);
        if p.name.is_none() || same_name || same_id || same_legal {
            o.fail(
                "BR-17",
                "BT-59",
                Place::Other,
                "Le bénéficiaire du paiement (BG-10) doit avoir un nom (BT-59) et être \
                 différent du vendeur"
                    .into(),
            );
        }
    }
    if let Some(t) = &inv.tax_representative {
        if blank(t.name.as_deref()) {
            o.fail(
                "BR-18",
                "BT-62",
                Place::Other,
                "Le nom du représentant fiscal du vendeur (BT-62) est absent".into(),
            );
        }
        if t.address.is_none() {
            o.fail(
                "BR-19",
                "BG-12",
                Place::Other,
                "L'adresse du représentant fiscal du vendeur (BG-12) est absente".into(),
            );
        }
        if country_missing(&t.address) {
            o.fail(
                "BR-20",
                "BT-69",
                Place::Other,
                "Le code pays de l'adresse du représentant fiscal (BT-69) est absent".into(),
            );
        }
        let missing = if ubl {
            t.vat_identifier.is_none()
        } else {
            blank(t.vat_identifier.as_deref())
        };
        if missing {
            o.fail(
                "BR-56",
                "BT-63",
                Place::Other,
                "Le numéro de TVA du représentant fiscal du vendeur (BT-63) est absent".into(),
            );
        }
    }
    if let Some(d) = &inv.delivery
        && let Some(a) = &d.address
    {
        let missing = if ubl {
            a.country.is_none()
        } else {
            blank(a.country.as_deref())
        };
        if missing {
            o.fail(
                "BR-57",
                "BT-80",
                Place::Other,
                "Le code pays de l'adresse de livraison (BT-80) est absent".into(),
            );
        }
    }
    for (rule, address, term, who) in [
        ("BR-62", &inv.seller.electronic_address, "BT-34", o.seller()),
        (
            "BR-63",
            &inv.buyer.electronic_address,
            "BT-49",
            format!("l'acheteur {}", o.of_buyer()),
        ),
    ] {
        if let Some(e) = address {
            let missing = if ubl {
                e.scheme.is_none()
            } else {
                blank(e.scheme.as_deref())
            };
            if missing {
                let place = if rule == "BR-62" {
                    Place::Seller
                } else {
                    Place::Buyer
                };
                o.fail(
                    rule,
                    term,
                    place,
                    format!(
                        "L'adresse électronique « {} » de {who} ({term}) n'a pas de schéma \
                         d'identification",
                        e.value
                    ),
                );
            }
        }
    }
}

fn totals(o: &mut Out<'_, '_>) {
    let t = &o.inv.totals;
    for (rule, value, term, label) in [
        (
            "BR-12",
            t.line_net,
            "BT-106",
            "La somme des montants nets des lignes",
        ),
        ("BR-13", t.without_vat, "BT-109", "Le total hors TVA"),
        ("BR-14", t.with_vat, "BT-112", "Le total TTC"),
        ("BR-15", t.payable, "BT-115", "Le montant à payer"),
    ] {
        if value.is_none() {
            o.fail(
                rule,
                term,
                Place::Computed,
                format!("{label} ({term}) est absent de la facture {}", o.number()),
            );
        }
    }
}

fn lines(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    if inv.lines.is_empty() {
        o.fail(
            "BR-16",
            "BG-25",
            Place::Invoice,
            format!("La facture {} n'a aucune ligne (BG-25)", o.number()),
        );
    }
    for (i, l) in inv.lines.iter().enumerate() {
        let id = line_id(l, i);
        let place = Place::Line(&id);
        if blank(l.id.as_deref()) {
            o.fail(
                "BR-21",
                "BT-126",
                place,
                format!("La ligne n° {} n'a pas d'identifiant (BT-126)", i + 1),
            );
        }
        let checks: [(bool, &'static str, &'static str, &str); 5] = [
            (
                l.quantity.is_none(),
                "BR-22",
                "BT-129",
                "la quantité facturée",
            ),
            (
                l.unit_code.is_none(),
                "BR-23",
                "BT-130",
                "l'unité de la quantité",
            ),
            (l.net_amount.is_none(), "BR-24", "BT-131", "le montant net"),
            (
                blank(l.item_name.as_deref()),
                "BR-25",
                "BT-153",
                "le libellé de l'article",
            ),
            (
                l.net_price.is_none(),
                "BR-26",
                "BT-146",
                "le prix unitaire net",
            ),
        ];
        for (missing, rule, term, what) in checks {
            if missing {
                o.fail(
                    rule,
                    term,
                    place,
                    format!("Il manque {what} ({term}) de la ligne {id}"),
                );
            }
        }
        // `(cac:Price/cbc:PriceAmount) >= 0`: an absent price fails too.
        if l.net_price.is_none_or(|p| p < Decimal::ZERO) {
            o.fail(
                "BR-27",
                "BT-146",
                place,
                format!(
                    "Le prix unitaire net de la ligne {id} (BT-146) est {} : il ne doit pas être \
                     négatif (une remise s'écrit avec une quantité négative)",
                    l.net_price
                        .map(super::fr)
                        .unwrap_or_else(|| "absent".into())
                ),
            );
        }
        if let Some(g) = l.gross_price
            && g < Decimal::ZERO
        {
            o.fail(
                "BR-28",
                "BT-148",
                place,
                format!(
                    "Le prix brut de la ligne {id} (BT-148) est négatif ({})",
                    super::fr(g)
                ),
            );
        }
        if let Some(p) = &l.period
            && let (Some(start), Some(end)) = (p.start, p.end)
            && end < start
        {
            o.fail(
                "BR-30",
                "BT-135",
                place,
                format!("La période de la ligne {id} finit avant de commencer (BT-134, BT-135)"),
            );
        }
        for a in &l.attributes {
            if a.name.is_none() || a.value.is_none() {
                o.fail(
                    "BR-54",
                    "BG-32",
                    place,
                    format!(
                        "Un attribut de l'article de la ligne {id} n'a pas de nom (BT-160) ou \
                         de valeur (BT-161)"
                    ),
                );
            }
        }
        if let Some(s) = &l.standard_item_id {
            let missing = if ubl {
                s.scheme.is_none()
            } else {
                blank(s.scheme.as_deref())
            };
            if missing {
                o.fail(
                    "BR-64",
                    "BT-157",
                    place,
                    format!(
                        "L'identifiant normalisé de l'article de la ligne {id} (BT-157) n'a pas \
                         de schéma"
                    ),
                );
            }
        }
        for c in &l.classifications {
            let missing = if ubl {
                c.list.is_none()
            } else {
                blank(c.list.as_deref())
            };
            if missing {
                o.fail(
                    "BR-65",
                    "BT-158",
                    place,
                    format!(
                        "La classification « {} » de l'article de la ligne {id} (BT-158) n'a \
                         pas de schéma",
                        c.code
                    ),
                );
            }
        }
        for ac in &l.allowances_charges {
            let (amount_rule, reason_rule, term, what) = if ac.charge {
                ("BR-43", "BR-44", "BG-28", "Les frais")
            } else {
                ("BR-41", "BR-42", "BG-27", "La remise")
            };
            if ac.amount.is_none() {
                o.fail(
                    amount_rule,
                    term,
                    place,
                    format!("{what} de la ligne {id} ({term}) n'ont pas de montant"),
                );
            }
            if ac.reason.is_none() && ac.reason_code.is_none() {
                o.fail(
                    reason_rule,
                    term,
                    place,
                    format!("{what} de la ligne {id} ({term}) n'ont pas de motif"),
                );
            }
        }
    }
}

fn allowances(o: &mut Out<'_, '_>) {
    for ac in &o.inv.allowances_charges {
        let (amount_rule, vat_rule, reason_rule, term, what) = if ac.charge {
            (
                "BR-36",
                "BR-37",
                "BR-38",
                "BG-21",
                "Des frais de pied de facture",
            )
        } else {
            (
                "BR-31",
                "BR-32",
                "BR-33",
                "BG-20",
                "Une remise de pied de facture",
            )
        };
        let label = ac
            .reason
            .as_deref()
            .map(|r| format!(" « {} »", r.trim()))
            .unwrap_or_default();
        if ac.amount.is_none() {
            o.fail(
                amount_rule,
                term,
                Place::Invoice,
                format!("{what}{label} n'a pas de montant ({term})"),
            );
        }
        if ac.vat.as_ref().is_none_or(|v| v.code.is_none()) {
            o.fail(
                vat_rule,
                term,
                Place::Invoice,
                format!("{what}{label} n'a pas de catégorie de TVA ({term})"),
            );
        }
        if ac.reason.is_none() && ac.reason_code.is_none() {
            o.fail(
                reason_rule,
                term,
                Place::Invoice,
                format!("{what} n'a pas de motif ({term})"),
            );
        }
    }
}

fn breakdown(o: &mut Out<'_, '_>) {
    for b in &o.inv.vat_breakdown {
        if super::skipped_row(b, o.syntax) {
            continue;
        }
        let code = b.category.code.as_deref().unwrap_or("?");
        for (missing, rule, term, what) in [
            (b.taxable.is_none(), "BR-45", "BT-116", "la base imposable"),
            (b.tax.is_none(), "BR-46", "BT-117", "le montant de TVA"),
            (
                b.category.code.is_none(),
                "BR-47",
                "BT-118",
                "la catégorie de TVA",
            ),
        ] {
            if missing {
                o.fail(
                    rule,
                    term,
                    Place::Computed,
                    format!("Il manque {what} ({term}) d'une ligne du récapitulatif de TVA"),
                );
            }
        }
        let not_subject = super::is_category(b.category.code.as_deref(), "O", o.syntax);
        if b.category.rate.is_none() && !not_subject {
            o.fail(
                "BR-48",
                "BT-119",
                Place::Computed,
                format!(
                    "Le récapitulatif de TVA de catégorie {code} n'a pas de taux (BT-119) : seule \
                     la catégorie O (hors champ) n'en a pas"
                ),
            );
        }
    }
}

fn payment(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    for pm in &inv.payment_means {
        if pm.code.is_none() {
            o.fail(
                "BR-49",
                "BT-81",
                Place::Invoice,
                "Le moyen de paiement (BT-81) n'a pas de code".into(),
            );
        }
        // BR-50's context is the account under a code written exactly 30 or 58; BR-61's is
        // the payment means in UBL (code normalised) and again the account in CII.
        let exact = matches!(pm.code.as_deref(), Some("30" | "58"));
        let normalised = pm
            .code
            .as_deref()
            .is_some_and(|c| matches!(normalize_space(c).as_str(), "30" | "58"));
        let account = pm.credit_transfer.as_ref();
        let account_element = match (ubl, account) {
            (true, Some(_)) => true,
            (false, Some(a)) => a.account_id.is_some() || a.account_name.is_some(),
            (_, None) => false,
        };
        let account_id = account.and_then(|a| a.account_id.as_deref());
        let iban_message = |o: &Out<'_, '_>| {
            format!(
                "L'IBAN de {} (BT-84) est absent : il est obligatoire pour un paiement par \
                 virement",
                o.seller()
            )
        };
        if exact && account_element && blank(account_id) {
            let text = iban_message(o);
            o.fail("BR-50", "BT-84", Place::Seller, text);
        }
        let br61 = if ubl {
            normalised && account_id.is_none()
        } else {
            exact && account_element && account_id.is_none()
        };
        if br61 {
            let text = iban_message(o);
            o.fail("BR-61", "BT-84", Place::Seller, text);
        }
        if let Some(card) = &pm.card
            && let Some(pan) = &card.primary_account_number
            && normalize_space(pan).chars().count() > 10
        {
            // A warning in the UBL artefact, fatal in the CII one.
            o.push(
                "BR-51",
                !ubl,
                "BT-87",
                Place::Invoice,
                "Le numéro de carte de paiement (BT-87) ne doit montrer que ses 6 premiers et \
                 4 derniers chiffres"
                    .into(),
            );
        }
    }
}

fn references(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let ubl = o.ubl();
    for d in &inv.supporting_documents {
        if blank(d.reference.as_deref()) {
            o.fail(
                "BR-52",
                "BT-122",
                Place::Invoice,
                "Un justificatif joint (BG-24) n'a pas de référence (BT-122) : nom du fichier \
                 PDF de la facture"
                    .into(),
            );
        }
    }
    // BR-52's context is every `cac:AdditionalDocumentReference` in UBL (also the invoiced
    // object, BT-18, and a credit note's project, BT-11) and every referenced document in
    // CII (also the tender, BT-17, and the line objects, BT-128).
    if ubl {
        let others = [
            inv.invoiced_object
                .as_ref()
                .map(|i| (i.value.as_ref(), "BT-18")),
            inv.project_reference
                .as_deref()
                .filter(|_| inv.credit_note)
                .map(|p| (p, "BT-11")),
        ];
        for (value, term) in others.into_iter().flatten() {
            if blank(Some(value)) {
                o.fail(
                    "BR-52",
                    "BT-122",
                    Place::Other,
                    format!("Une référence de document ({term}) est vide"),
                );
            }
        }
    } else {
        let others = [
            inv.tender_reference.as_deref().map(|t| (t, "BT-17")),
            inv.invoiced_object
                .as_ref()
                .map(|i| (i.value.as_ref(), "BT-18")),
        ];
        let line_objects = inv
            .lines
            .iter()
            .filter_map(|l| l.object.as_ref().map(|i| (i.value.as_ref(), "BT-128")));
        for (value, term) in others.into_iter().flatten().chain(line_objects) {
            if blank(Some(value)) {
                o.fail(
                    "BR-52",
                    "BT-122",
                    Place::Other,
                    format!("Une référence de document ({term}) est vide"),
                );
            }
        }
    }
    for p in &inv.preceding_invoices {
        let missing = if ubl {
            p.reference.is_none()
        } else {
            blank(p.reference.as_deref())
        };
        if missing {
            o.fail(
                "BR-55",
                "BT-25",
                Place::Invoice,
                format!(
                    "Le numéro de la facture d'origine de l'avoir {} (BT-25) est absent",
                    o.number()
                ),
            );
        }
    }
    if let Some(c) = inv.tax_currency.as_deref() {
        let t = &inv.totals;
        let ok = if ubl {
            t.vat_accounting.is_some() || (t.vat.is_some() && inv.currency.as_deref() == Some(c))
        } else {
            t.vat_accounting.is_some() && inv.currency.as_deref() != Some(c)
        };
        if !ok {
            o.fail(
                "BR-53",
                "BT-111",
                Place::Computed,
                format!(
                    "La devise de comptabilisation de la TVA est {c} (BT-6) mais le total de TVA \
                     dans cette devise (BT-111) est absent"
                ),
            );
        }
    }
}
