//! Which invoices carry which anomaly: about one public invoice in ten, every anomaly code
//! of the checks several times, each planted through the data the way it happens in real life.

use super::rng::Rng;
use crate::checks::AnomalyCode;

/// One way to get an invoice refused. Several plants may give the same anomaly code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Plant {
    /// The client has no SIRET in the ERP.
    SiretMissing,
    /// The client's SIRET has a typo.
    SiretInvalid,
    /// The client moved; the directory only knows its new SIRET.
    UnknownStructure,
    /// The client's structure is inactive (merged into another).
    InactiveStructure,
    /// The structure requires a service code; the invoice and its reference have none.
    ServiceMissing,
    /// `SERV`, or a code with a letter missing.
    ServiceUnknown,
    /// A service closed in the directory.
    ServiceInactive,
    /// `FACTURES_PUBLIQUES`, reserved to invoices between public bodies.
    ServiceReserved,
    /// The structure requires an engagement number; there is none.
    EngagementMissingForStructure,
    /// The service requires an engagement number; there is none.
    EngagementMissingForService,
    /// The structure requires a service code or an engagement number; neither is given.
    NeitherServiceNorEngagement,
    /// A sentence pasted into the engagement field.
    EngagementTooLong,
    /// `2600123 BIS`, a dot, or more than 20 characters.
    BadNumber,
    /// No PDF path in the ERP.
    PdfNotGiven,
    /// A path whose file was never written.
    PdfNotWritten,
    /// Not a PDF: empty, an HTML error page, an image.
    PdfUnreadable,
    /// More than 10 MB.
    PdfOversized,
    /// TTC ≠ HT + TVA.
    TotalsMismatch,
    /// The lines do not add up to the HT.
    LinesMismatch,
    /// The invoice names a market that ended before its date.
    MarketExpired,
    /// The order it refers to expired before its date.
    ReferenceExpired,
    /// Issued by the branch whose BIC is missing, paid by transfer.
    SupplierIncomplete,
    /// A credit note that does not say which invoice it corrects.
    CreditNoteWithoutOrigin,
    /// Paid in full in the ERP (sent by another way before), never deposited.
    AlreadyPaid,
    /// A line marked exempt from VAT (category E) that still carries a rate: the
    /// e-invoice would break EN 16931 (BR-E-05).
    ExemptLineWithRate,
}

impl Plant {
    /// Every plant with its weight: how many invoices carry it per 2,000.
    pub const WEIGHTS: [(Plant, u32); 24] = [
        (Plant::SiretMissing, 10),
        (Plant::SiretInvalid, 8),
        (Plant::UnknownStructure, 10),
        (Plant::InactiveStructure, 6),
        (Plant::ServiceMissing, 12),
        (Plant::ServiceUnknown, 12),
        (Plant::ServiceInactive, 8),
        (Plant::ServiceReserved, 5),
        (Plant::EngagementMissingForStructure, 8),
        (Plant::EngagementMissingForService, 6),
        (Plant::NeitherServiceNorEngagement, 8),
        (Plant::EngagementTooLong, 5),
        (Plant::BadNumber, 6),
        (Plant::PdfNotGiven, 7),
        (Plant::PdfNotWritten, 7),
        (Plant::PdfUnreadable, 6),
        (Plant::TotalsMismatch, 6),
        (Plant::LinesMismatch, 6),
        (Plant::MarketExpired, 10),
        (Plant::ReferenceExpired, 10),
        (Plant::SupplierIncomplete, 10),
        (Plant::CreditNoteWithoutOrigin, 6),
        (Plant::AlreadyPaid, 6),
        (Plant::ExemptLineWithRate, 6),
    ];

    /// The anomaly the checks report for it.
    pub fn code(self) -> AnomalyCode {
        match self {
            Plant::SiretMissing => AnomalyCode::ClientSiretManquant,
            Plant::SiretInvalid => AnomalyCode::ClientSiretInvalide,
            Plant::UnknownStructure => AnomalyCode::StructureInconnue,
            Plant::InactiveStructure => AnomalyCode::StructureInactive,
            Plant::ServiceMissing => AnomalyCode::ServiceObligatoire,
            Plant::ServiceUnknown => AnomalyCode::ServiceInconnu,
            Plant::ServiceInactive => AnomalyCode::ServiceInactif,
            Plant::ServiceReserved => AnomalyCode::ServiceReserve,
            Plant::EngagementMissingForStructure | Plant::EngagementMissingForService => {
                AnomalyCode::EngagementObligatoire
            }
            Plant::NeitherServiceNorEngagement => AnomalyCode::ServiceOuEngagementObligatoire,
            Plant::EngagementTooLong => AnomalyCode::EngagementTropLong,
            Plant::BadNumber => AnomalyCode::NumeroFactureInvalide,
            Plant::PdfNotGiven | Plant::PdfNotWritten => AnomalyCode::PdfIntrouvable,
            Plant::PdfUnreadable => AnomalyCode::PdfIllisible,
            Plant::PdfOversized => AnomalyCode::PdfTropVolumineux,
            Plant::TotalsMismatch | Plant::LinesMismatch => AnomalyCode::MontantsIncoherents,
            Plant::MarketExpired => AnomalyCode::MarcheExpire,
            Plant::ReferenceExpired => AnomalyCode::ReferenceExpiree,
            Plant::SupplierIncomplete => AnomalyCode::FournisseurIncomplet,
            Plant::CreditNoteWithoutOrigin => AnomalyCode::AvoirSansFactureOrigine,
            Plant::AlreadyPaid => AnomalyCode::DejaReglee,
            Plant::ExemptLineWithRate => AnomalyCode::En16931,
        }
    }
}

/// Share of public invoices that carry an anomaly.
const ANOMALY_RATE: f64 = 0.10;

/// How many invoices get each plant, for `public` public invoices: about 10 % in all,
/// each plant at least once while there is room (a quarter of the invoices at most).
pub fn counts(public: usize) -> Vec<(Plant, usize)> {
    let target = (public as f64 * ANOMALY_RATE).round() as usize;
    // Oversized PDFs are few: each is an 11 MB (sparse) file.
    let oversized = if public >= 900 { 2 } else { 1 };
    let weight_sum: u32 = Plant::WEIGHTS.iter().map(|(_, w)| w).sum();
    let rest = target.saturating_sub(oversized) as f64;
    let mut counts: Vec<(Plant, usize)> = Plant::WEIGHTS
        .iter()
        .map(|&(plant, w)| {
            let n = (rest * f64::from(w) / f64::from(weight_sum)).round() as usize;
            (plant, n.max(1))
        })
        .collect();
    counts.push((Plant::PdfOversized, oversized));
    let room = target.max((public / 4).min(counts.iter().map(|(_, n)| n).sum()));
    // Too small a demo for all of them: keep one of as many plants as there is room for.
    let mut total: usize = counts.iter().map(|(_, n)| n).sum();
    while total > room {
        match counts
            .iter_mut()
            .filter(|(_, n)| *n > 0)
            .max_by_key(|(_, n)| *n)
        {
            Some((_, n)) if *n > 1 => *n -= 1,
            _ => {
                if let Some(last) = counts.iter_mut().rev().find(|(_, n)| *n > 0) {
                    last.1 -= 1;
                }
            }
        }
        total -= 1;
    }
    counts
}

/// Spreads the plants over the public invoices (indices into the invoice slots).
pub fn assign(rng: &mut Rng, public_slots: &[usize], total: usize) -> Vec<Option<Plant>> {
    let mut plan = vec![None; total];
    let mut plants: Vec<Plant> = counts(public_slots.len())
        .into_iter()
        .flat_map(|(plant, n)| std::iter::repeat_n(plant, n))
        .collect();
    plants.truncate(public_slots.len());
    let mut slots = public_slots.to_vec();
    rng.shuffle(&mut slots);
    for (slot, plant) in slots.into_iter().zip(plants) {
        plan[slot] = Some(plant);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn about_one_in_ten_with_every_code() {
        let counts = counts(1860);
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        assert!((170..=205).contains(&total), "{total}");
        let codes: BTreeSet<AnomalyCode> = counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, _)| p.code())
            .collect();
        assert_eq!(codes.len(), AnomalyCode::ALL.len());
        for (plant, n) in &counts {
            let code = plant.code();
            let per_code: usize = counts
                .iter()
                .filter(|(p, _)| p.code() == code)
                .map(|(_, n)| n)
                .sum();
            assert!(per_code >= 2, "{plant:?}: {n}");
        }
    }

    #[test]
    fn small_demos_stay_mostly_conformant() {
        for public in [0, 1, 10, 40, 100, 280] {
            let total: usize = counts(public).iter().map(|(_, n)| n).sum();
            assert!(total <= (public / 4).max((public as f64 * 0.1).round() as usize));
        }
        let every: usize = counts(280).iter().filter(|(_, n)| *n > 0).count();
        assert_eq!(every, Plant::WEIGHTS.len() + 1);
    }
}
