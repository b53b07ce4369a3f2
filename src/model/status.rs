//! Chorus Pro statuses: of an invoice (`statut`, `statutCourantCode`, `histoStatutCode`) and
//! of a flux (`etatCourantDepotFlux`), with French labels. Unknown codes are kept as they
//! come (the list is long and evolving: shared/reference/chorus-api.md §4).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InvoiceStatus {
    Deposited,
    InRouting,
    MadeAvailable,
    TakenOver,
    ToRecycle,
    Suspended,
    Completed,
    Rejected,
    ServiceDone,
    Mandated,
    MadeAvailableToAccountant,
    Booked,
    PaymentIssued,
    Unknown(String),
}

impl InvoiceStatus {
    pub fn from_code(code: &str) -> InvoiceStatus {
        match code.trim() {
            "DEPOSEE" => InvoiceStatus::Deposited,
            "EN_COURS_ACHEMINEMENT" => InvoiceStatus::InRouting,
            "MISE_A_DISPOSITION" => InvoiceStatus::MadeAvailable,
            "PRISE_EN_COMPTE_DESTINATAIRE" => InvoiceStatus::TakenOver,
            "A_RECYCLER" => InvoiceStatus::ToRecycle,
            "SUSPENDUE" => InvoiceStatus::Suspended,
            "COMPLETEE" => InvoiceStatus::Completed,
            "REJETEE" => InvoiceStatus::Rejected,
            "SERVICE_FAIT" => InvoiceStatus::ServiceDone,
            "MANDATEE" => InvoiceStatus::Mandated,
            "MISE_A_DISPOSITION_COMPTABLE" => InvoiceStatus::MadeAvailableToAccountant,
            "COMPTABILISEE" => InvoiceStatus::Booked,
            "MISE_EN_PAIEMENT" => InvoiceStatus::PaymentIssued,
            other => InvoiceStatus::Unknown(other.to_string()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            InvoiceStatus::Deposited => "DEPOSEE",
            InvoiceStatus::InRouting => "EN_COURS_ACHEMINEMENT",
            InvoiceStatus::MadeAvailable => "MISE_A_DISPOSITION",
            InvoiceStatus::TakenOver => "PRISE_EN_COMPTE_DESTINATAIRE",
            InvoiceStatus::ToRecycle => "A_RECYCLER",
            InvoiceStatus::Suspended => "SUSPENDUE",
            InvoiceStatus::Completed => "COMPLETEE",
            InvoiceStatus::Rejected => "REJETEE",
            InvoiceStatus::ServiceDone => "SERVICE_FAIT",
            InvoiceStatus::Mandated => "MANDATEE",
            InvoiceStatus::MadeAvailableToAccountant => "MISE_A_DISPOSITION_COMPTABLE",
            InvoiceStatus::Booked => "COMPTABILISEE",
            InvoiceStatus::PaymentIssued => "MISE_EN_PAIEMENT",
            InvoiceStatus::Unknown(code) => code,
        }
    }

    /// The portal's French label; an unknown code is shown as it comes.
    pub fn label(&self) -> &str {
        match self {
            InvoiceStatus::Deposited => "Déposée",
            InvoiceStatus::InRouting => "En cours d'acheminement",
            InvoiceStatus::MadeAvailable => "Mise à disposition",
            InvoiceStatus::TakenOver => "Prise en compte par le destinataire",
            InvoiceStatus::ToRecycle => "À recycler",
            InvoiceStatus::Suspended => "Suspendue",
            InvoiceStatus::Completed => "Complétée",
            InvoiceStatus::Rejected => "Rejetée",
            InvoiceStatus::ServiceDone => "Service fait",
            InvoiceStatus::Mandated => "Mandatée",
            InvoiceStatus::MadeAvailableToAccountant => "Mise à disposition comptable",
            InvoiceStatus::Booked => "Comptabilisée",
            InvoiceStatus::PaymentIssued => "Mise en paiement",
            InvoiceStatus::Unknown(code) => code,
        }
    }

    /// The status code of the 2026 e-invoicing lifecycle (200–213) that matches, where one
    /// does. Unconfirmed reading of the reform's list (200 déposée, 203 mise à disposition,
    /// 204 prise en charge, 205 approuvée, 208 suspendue, 209 complétée, 210 refusée,
    /// 211 paiement transmis, 213 rejetée): no official mapping from Chorus Pro codes was
    /// found; kept in this one table so it is easy to change.
    pub fn lifecycle_code(&self) -> Option<u16> {
        match self {
            InvoiceStatus::Deposited => Some(200),
            InvoiceStatus::InRouting => Some(202),
            InvoiceStatus::MadeAvailable => Some(203),
            InvoiceStatus::TakenOver => Some(204),
            InvoiceStatus::ServiceDone | InvoiceStatus::Mandated => Some(205),
            InvoiceStatus::Suspended => Some(208),
            InvoiceStatus::Completed => Some(209),
            InvoiceStatus::Rejected => Some(210),
            InvoiceStatus::MadeAvailableToAccountant
            | InvoiceStatus::Booked
            | InvoiceStatus::PaymentIssued => Some(211),
            InvoiceStatus::ToRecycle => Some(213),
            InvoiceStatus::Unknown(_) => None,
        }
    }

    /// Nothing more will happen on Chorus Pro (payment, or refusal).
    pub fn is_final(&self, payment_not_reported: bool) -> bool {
        match self {
            InvoiceStatus::PaymentIssued | InvoiceStatus::Rejected => true,
            InvoiceStatus::Mandated
            | InvoiceStatus::MadeAvailableToAccountant
            | InvoiceStatus::Booked => payment_not_reported,
            _ => false,
        }
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The state of a deposited flux (`etatCourantDepotFlux`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FluxState {
    Received,
    WaitingExchangeSystem,
    InExchangeSystem,
    Queued,
    Processing,
    WaitingReprocessing,
    Integrated,
    PartlyIntegrated,
    Rejected,
    Incident,
    Unknown(String),
}

impl FluxState {
    pub fn from_code(code: &str) -> FluxState {
        match code.trim() {
            "IN_RECU" => FluxState::Received,
            "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP" => FluxState::WaitingExchangeSystem,
            "IN_TRAITE_SE_CPP" => FluxState::InExchangeSystem,
            "IN_EN_ATTENTE_TRAITEMENT_CPP" => FluxState::Queued,
            "IN_EN_COURS_TRAITEMENT_CPP" => FluxState::Processing,
            "IN_EN_ATTENTE_RETRAITEMENT_CPP" => FluxState::WaitingReprocessing,
            "IN_INTEGRE" => FluxState::Integrated,
            "IN_INTEGRE_PARTIEL" => FluxState::PartlyIntegrated,
            "IN_REJETE" => FluxState::Rejected,
            "IN_INCIDENTE" => FluxState::Incident,
            other => FluxState::Unknown(other.to_string()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            FluxState::Received => "Reçu par Chorus Pro",
            FluxState::WaitingExchangeSystem => "Déposé, en attente de traitement",
            FluxState::InExchangeSystem => "Arrivé dans le système d'échange",
            FluxState::Queued => "En liste d'attente",
            FluxState::Processing => "En cours de traitement",
            FluxState::WaitingReprocessing => "Bloqué, en attente de reprise",
            FluxState::Integrated => "Intégré",
            FluxState::PartlyIntegrated => "Intégré partiellement",
            FluxState::Rejected => "Rejeté",
            FluxState::Incident => "Incident : à déposer de nouveau",
            FluxState::Unknown(code) => code,
        }
    }

    /// Chorus Pro will not change it any more.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            FluxState::Integrated
                | FluxState::PartlyIntegrated
                | FluxState::Rejected
                | FluxState::Incident
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_kept() {
        for code in ["DEPOSEE", "A_RECYCLER", "MISE_EN_PAIEMENT", "SERVICE_FAIT"] {
            assert_eq!(InvoiceStatus::from_code(code).code(), code);
        }
        let odd = InvoiceStatus::from_code("A_VALIDER_MOE");
        assert_eq!(odd, InvoiceStatus::Unknown("A_VALIDER_MOE".into()));
        assert_eq!(odd.label(), "A_VALIDER_MOE");
        assert_eq!(FluxState::from_code("IN_FUTUR").label(), "IN_FUTUR");
    }

    #[test]
    fn final_statuses() {
        assert!(InvoiceStatus::PaymentIssued.is_final(false));
        assert!(!InvoiceStatus::Mandated.is_final(false));
        assert!(InvoiceStatus::Mandated.is_final(true));
        assert!(!InvoiceStatus::ToRecycle.is_final(true));
        assert!(FluxState::PartlyIntegrated.is_final());
        assert!(!FluxState::WaitingExchangeSystem.is_final());
    }
}
