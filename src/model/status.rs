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
    Draft,
    Abandoned,
    Deleted,
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
            "BROUILLON" => InvoiceStatus::Draft,
            "ABANDONNEE" => InvoiceStatus::Abandoned,
            "SUPPRIMEE" => InvoiceStatus::Deleted,
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
            InvoiceStatus::Draft => "BROUILLON",
            InvoiceStatus::Abandoned => "ABANDONNEE",
            InvoiceStatus::Deleted => "SUPPRIMEE",
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
            InvoiceStatus::Draft => "Brouillon",
            InvoiceStatus::Abandoned => "Abandonnée",
            InvoiceStatus::Deleted => "Supprimée",
            InvoiceStatus::Unknown(code) => code,
        }
    }

    /// The status code of the 2026 e-invoicing lifecycle (200–213) that matches, where one
    /// does. Reading of the reform's list (see [`lifecycle_label`]); no official mapping from
    /// Chorus Pro codes was found in shared/reference, so every line below is our own
    /// reading, kept in this one table so it is easy to change. The least sure ones:
    /// EN_COURS_ACHEMINEMENT → 202 (« reçue par la plateforme »), SERVICE_FAIT / MANDATEE /
    /// MISE_A_DISPOSITION_COMPTABLE / COMPTABILISEE → 205 (« approuvée »: accepted, payment
    /// not yet sent), A_RECYCLER → 213 (« rejetée »: wrong routing data, a platform-level
    /// rejection) while REJETEE → 210 (« refusée » by the buyer).
    pub fn lifecycle_code(&self) -> Option<u16> {
        match self {
            InvoiceStatus::Deposited => Some(200),
            InvoiceStatus::InRouting => Some(202),
            InvoiceStatus::MadeAvailable => Some(203),
            InvoiceStatus::TakenOver => Some(204),
            InvoiceStatus::ServiceDone
            | InvoiceStatus::Mandated
            | InvoiceStatus::MadeAvailableToAccountant
            | InvoiceStatus::Booked => Some(205),
            InvoiceStatus::Suspended => Some(208),
            InvoiceStatus::Completed => Some(209),
            InvoiceStatus::Rejected => Some(210),
            InvoiceStatus::PaymentIssued => Some(211),
            InvoiceStatus::ToRecycle => Some(213),
            InvoiceStatus::Draft
            | InvoiceStatus::Abandoned
            | InvoiceStatus::Deleted
            | InvoiceStatus::Unknown(_) => None,
        }
    }

    /// Whether an ERP payment of the invoice can be believed while Chorus Pro shows this
    /// status. The one place that decides it (issue 10, « Payments you can defend »):
    /// - `MISE_EN_PAIEMENT`: the buyer's accountant has paid;
    /// - `MANDATEE`, `MISE_A_DISPOSITION_COMPTABLE`, `COMPTABILISEE`: the payment order is
    ///   issued; many structures never report the payment itself to Chorus Pro, so the
    ///   ERP's bank entry is the only news of it;
    /// - everything before (déposée, mise à disposition, service fait…) and the returns
    ///   (à recycler, suspendue, rejetée), the ends that are not a payment and unknown codes:
    ///   the buyer has not ordered the payment, an ERP payment contradicts Chorus Pro and is
    ///   shown as a disagreement rather than settling the invoice.
    pub fn allows_erp_payment(&self) -> bool {
        matches!(
            self,
            InvoiceStatus::PaymentIssued
                | InvoiceStatus::Mandated
                | InvoiceStatus::MadeAvailableToAccountant
                | InvoiceStatus::Booked
        )
    }

    /// « 200 Déposée », « 211 Paiement transmis »…, for the « Cycle de vie » column; empty
    /// for a code with no lifecycle match.
    pub fn lifecycle_text(&self) -> String {
        self.lifecycle_code()
            .map(|code| format!("{code} {}", lifecycle_label(code)))
            .unwrap_or_default()
    }

    /// Nothing more will happen on Chorus Pro (payment, or refusal).
    pub fn is_final(&self, payment_not_reported: bool) -> bool {
        match self {
            InvoiceStatus::PaymentIssued
            | InvoiceStatus::Rejected
            | InvoiceStatus::Abandoned
            | InvoiceStatus::Deleted => true,
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

/// French label of a status of the 2026 e-invoicing lifecycle (reform of electronic
/// invoicing between companies, statuses 200 to 213). From the reform's published list as we
/// know it (not in shared/reference: unconfirmed); 212 « Encaissée » is set by the supplier
/// itself once the money is received.
pub fn lifecycle_label(code: u16) -> &'static str {
    match code {
        200 => "Déposée",
        201 => "Émise par la plateforme",
        202 => "Reçue par la plateforme",
        203 => "Mise à disposition",
        204 => "Prise en charge",
        205 => "Approuvée",
        206 => "Approuvée partiellement",
        207 => "En litige",
        208 => "Suspendue",
        209 => "Complétée",
        210 => "Refusée",
        211 => "Paiement transmis",
        212 => "Encaissée",
        213 => "Rejetée",
        _ => "Statut inconnu",
    }
}

/// Code of the lifecycle status « Encaissée »: the supplier has received the money.
pub const LIFECYCLE_CASHED: u16 = 212;

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
    ToResend,
    InternalError,
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
            "IN_A_RELANCER" => FluxState::ToResend,
            "IN_ERREUR_INTERNE" => FluxState::InternalError,
            other => FluxState::Unknown(other.to_string()),
        }
    }

    /// The code as Chorus Pro writes it.
    pub fn code(&self) -> &str {
        match self {
            FluxState::Received => "IN_RECU",
            FluxState::WaitingExchangeSystem => "IN_DEPOT_PORTAIL_EN_ATTENTE_TRAITEMENT_SE_CPP",
            FluxState::InExchangeSystem => "IN_TRAITE_SE_CPP",
            FluxState::Queued => "IN_EN_ATTENTE_TRAITEMENT_CPP",
            FluxState::Processing => "IN_EN_COURS_TRAITEMENT_CPP",
            FluxState::WaitingReprocessing => "IN_EN_ATTENTE_RETRAITEMENT_CPP",
            FluxState::Integrated => "IN_INTEGRE",
            FluxState::PartlyIntegrated => "IN_INTEGRE_PARTIEL",
            FluxState::Rejected => "IN_REJETE",
            FluxState::Incident => "IN_INCIDENTE",
            FluxState::ToResend => "IN_A_RELANCER",
            FluxState::InternalError => "IN_ERREUR_INTERNE",
            FluxState::Unknown(code) => code,
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
            FluxState::ToResend => "À déposer de nouveau",
            FluxState::InternalError => "Erreur interne de Chorus Pro : à déposer de nouveau",
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
                | FluxState::ToResend
                | FluxState::InternalError
        )
    }
}

/// The codes travel as JSON strings in the API; an unknown one is kept, not rejected.
macro_rules! serde_as_code {
    ($name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = <String as serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::from_code(&code))
            }
        }
    };
}

serde_as_code!(InvoiceStatus);
serde_as_code!(FluxState);

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
    fn lifecycle_codes_and_labels() {
        assert_eq!(InvoiceStatus::Deposited.lifecycle_text(), "200 Déposée");
        assert_eq!(
            InvoiceStatus::PaymentIssued.lifecycle_text(),
            "211 Paiement transmis"
        );
        assert_eq!(InvoiceStatus::Rejected.lifecycle_text(), "210 Refusée");
        assert_eq!(InvoiceStatus::ToRecycle.lifecycle_text(), "213 Rejetée");
        assert_eq!(InvoiceStatus::Booked.lifecycle_code(), Some(205));
        assert_eq!(InvoiceStatus::Unknown("X".into()).lifecycle_text(), "");
        assert_eq!(lifecycle_label(LIFECYCLE_CASHED), "Encaissée");
        for code in 200..=213 {
            assert_ne!(lifecycle_label(code), "Statut inconnu", "{code}");
        }
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
