//! Everything an invoice's check and e-invoice depend on, reduced to 64 bits: two checks
//! that saw the same data give the same fingerprint. A generated lot is bound to the
//! fingerprints of its invoices; the verdict of the EN 16931 rules is remembered by it.

use super::billing::BillingData;
use super::rules::PdfState;
use crate::model::Invoice;
use crate::model::fast_hash::FastHasher;
use std::hash::{Hash, Hasher};

/// The parts of the mirror an invoice is written from; the parties and the lines come as
/// their own fingerprints, computed once (a company signs thousands of invoices).
pub struct Inputs<'a> {
    pub invoice: &'a Invoice,
    /// Fingerprint of the invoice's lines.
    pub lines: Option<u64>,
    pub seller: Option<u64>,
    pub buyer: Option<u64>,
    pub billing: &'a BillingData,
    pub pdf: &'a PdfState,
}

pub fn fingerprint(inputs: &Inputs<'_>) -> u64 {
    let mut h = FastHasher::default();
    inputs.invoice.hash(&mut h);
    inputs.lines.hash(&mut h);
    inputs.seller.hash(&mut h);
    inputs.buyer.hash(&mut h);
    inputs.billing.service_code.value.hash(&mut h);
    inputs.billing.engagement_number.value.hash(&mut h);
    inputs.billing.market_number.value.hash(&mut h);
    inputs.pdf.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_same_data_gives_the_same_value_and_any_change_another() {
        use crate::model::fast_hash::of;
        assert_eq!(of("F2026-0001"), of("F2026-0001"));
        assert_ne!(of("F2026-0001"), of("F2026-0002"));
        // Lengths count: "ab" + "c" is not "a" + "bc".
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        assert_ne!(of(&[0u8; 7][..]), of(&[0u8; 8][..]));
    }
}
