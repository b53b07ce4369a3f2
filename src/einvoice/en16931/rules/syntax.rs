//! The syntax rules the ERP's data can break through a correct writer: a CII credit transfer
//! without account identifier is refused by CII-SR-470 whether or not the account element is
//! written (BR-61 only sees it when it is). Judged here so that « conforme » in CII means
//! what the CII artefact says.

use super::super::Syntax;
use super::{Out, Place, normalize_space};

pub(super) fn check(o: &mut Out<'_, '_>) {
    if o.syntax != Syntax::Cii {
        return;
    }
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
