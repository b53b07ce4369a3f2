//! The few syntax rules judged on the model (see `SYNTAX_RULES`):
//! - CII-SR-470: a CII credit transfer without account identifier is refused whether or not
//!   the account element is written (BR-61 only sees it when it is); the ERP can break it.
//! - UBL-DT-01: at most two decimals in every UBL amount but prices: the only check of BT-110
//!   and BT-111 in UBL, where BR-DEC-13/15 never fire.
//! - UBL-SR-19 … 21: a UBL payee needs a name different from the seller's (BT-27).
//! - UBL-SR-47: one payment means code only, in UBL.

use super::super::Syntax;
use super::super::model::Identifier;
use super::{Out, Place, normalize_space};
use rust_decimal::Decimal;

pub(super) fn check(o: &mut Out<'_, '_>) {
    match o.syntax {
        Syntax::Cii => credit_transfer_account(o),
        Syntax::Ubl => {
            amount_decimals(o);
            payee(o);
            payment_means_codes(o);
        }
    }
}

fn credit_transfer_account(o: &mut Out<'_, '_>) {
    // `count(SpecifiedTradeSettlementPaymentMeans[(normalize-space(TypeCode) = '30' or '58')
    //  and not(PayeePartyCreditorFinancialAccount/IBANID or …/ProprietaryID)]) = 0`
    let missing = o.inv.payment_means.iter().any(|pm| {
        pm.code
            .as_deref()
            .is_some_and(|c| matches!(normalize_space(c).as_str(), "30" | "58"))
            && pm
                .credit_transfer
                .as_ref()
                .and_then(|ct| ct.account_id.as_ref())
                .is_none()
    });
    if missing {
        let text = format!(
            "L'IBAN de {} (BT-84) est absent : il est obligatoire pour un paiement par virement",
            o.seller()
        );
        o.fail("CII-SR-470", "BT-84", Place::Seller, text);
    }
}

fn amount_decimals(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let t = &inv.totals;
    let totals = [
        t.line_net,
        t.allowances,
        t.charges,
        t.without_vat,
        t.vat,
        t.vat_accounting,
        t.with_vat,
        t.prepaid,
        t.rounding,
        t.payable,
    ];
    let rows = inv.vat_breakdown.iter().flat_map(|b| [b.taxable, b.tax]);
    let allowances = inv
        .allowances_charges
        .iter()
        .chain(inv.lines.iter().flat_map(|l| &l.allowances_charges))
        .flat_map(|a| [a.amount, a.base_amount]);
    let lines = inv.lines.iter().map(|l| l.net_amount);
    let too_precise = totals
        .into_iter()
        .chain(rows)
        .chain(allowances)
        .chain(lines)
        .flatten()
        .find(|v: &Decimal| v.scale() > 2);
    if let Some(v) = too_precise {
        o.fail(
            "UBL-DT-01",
            "BG-22",
            Place::Computed,
            format!("Le montant {v} a plus de deux décimales"),
        );
    }
}

fn payee(o: &mut Out<'_, '_>) {
    let inv = o.inv;
    let Some(p) = &inv.payee else {
        return;
    };
    // `(cac:PartyName/cbc:Name) != (…/cac:PartyLegalEntity/cbc:RegistrationName)`: false
    // when either is missing.
    let different = matches!((&p.name, &inv.seller.name), (Some(a), Some(b)) if a != b);
    let sepa = |i: &&Identifier| {
        i.scheme
            .as_deref()
            .is_some_and(|s| s.to_uppercase() != "SEPA")
    };
    let checks = [
        ("UBL-SR-19", different),
        (
            "UBL-SR-20",
            different && p.identifiers.iter().filter(sepa).count() <= 1,
        ),
        ("UBL-SR-21", different),
    ];
    for (rule, ok) in checks {
        if !ok {
            o.fail(
                rule,
                "BG-10",
                Place::Other,
                "Le bénéficiaire du paiement (BG-10) doit avoir un seul nom, différent de celui \
                 du vendeur"
                    .into(),
            );
        }
    }
}

fn payment_means_codes(o: &mut Out<'_, '_>) {
    let mut codes: Vec<&str> = o
        .inv
        .payment_means
        .iter()
        .filter_map(|pm| pm.code.as_deref())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.len() > 1 {
        o.fail(
            "UBL-SR-47",
            "BT-81",
            Place::Invoice,
            format!(
                "Une facture UBL n'a qu'un code de moyen de paiement (BT-81) : {}",
                codes.join(", ")
            ),
        );
    }
}
