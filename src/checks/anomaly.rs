//! What is wrong with an invoice: a stable code for programs, a French sentence for people.

use std::fmt;

/// Every anomaly the checks can report. The codes are part of `check --json`: never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AnomalyCode {
    ClientSiretManquant,
    ClientSiretInvalide,
    StructureInconnue,
    StructureInactive,
    ServiceObligatoire,
    ServiceInconnu,
    ServiceInactif,
    ServiceReserve,
    EngagementObligatoire,
    ServiceOuEngagementObligatoire,
    EngagementTropLong,
    NumeroFactureInvalide,
    PdfIntrouvable,
    PdfIllisible,
    PdfTropVolumineux,
    MontantsIncoherents,
    MarcheExpire,
    ReferenceExpiree,
    FournisseurIncomplet,
    AvoirSansFactureOrigine,
    /// The ERP's payments and credit notes cover the invoice, never deposited: depositing it
    /// would bill the buyer twice. The clerk may override it (« Déposer quand même »).
    DejaReglee,
    /// The e-invoice that would be sent breaks an EN 16931 business rule (or the format's
    /// needs): the anomaly carries the official rule id, `EN16931_BR-S-02` in `check --json`.
    En16931,
    /// An amount, a rate or a date no invoice can have, in a base imported before the import
    /// refused them (issue 9). Outside `ALL`: the import of today cannot produce it, so the
    /// demo cannot plant it.
    ValeurHorsLimites,
    /// The invoice's PDF is encrypted (issue 9). Outside `ALL` for now: the demo does not
    /// plant an encrypted PDF.
    PdfProtege,
    /// Not a rule on the ERP data: Chorus Pro refused the invoice when it integrated its
    /// flux (listeErreurDP). Outside `ALL`, which the demo plants.
    RejeteeALIntegration,
    /// Not a rule on the ERP data: on the team base, a change of the invoicing company's
    /// bank details waits for a second administrator (issue 11): an invoice paid by
    /// transfer must not leave with details that may be the fraudster's or stale. Outside
    /// `ALL`: the demo is a single user's base.
    RibEnAttente,
}

impl AnomalyCode {
    pub const ALL: [AnomalyCode; 22] = [
        AnomalyCode::ClientSiretManquant,
        AnomalyCode::ClientSiretInvalide,
        AnomalyCode::StructureInconnue,
        AnomalyCode::StructureInactive,
        AnomalyCode::ServiceObligatoire,
        AnomalyCode::ServiceInconnu,
        AnomalyCode::ServiceInactif,
        AnomalyCode::ServiceReserve,
        AnomalyCode::EngagementObligatoire,
        AnomalyCode::ServiceOuEngagementObligatoire,
        AnomalyCode::EngagementTropLong,
        AnomalyCode::NumeroFactureInvalide,
        AnomalyCode::PdfIntrouvable,
        AnomalyCode::PdfIllisible,
        AnomalyCode::PdfTropVolumineux,
        AnomalyCode::MontantsIncoherents,
        AnomalyCode::MarcheExpire,
        AnomalyCode::ReferenceExpiree,
        AnomalyCode::FournisseurIncomplet,
        AnomalyCode::AvoirSansFactureOrigine,
        AnomalyCode::DejaReglee,
        AnomalyCode::En16931,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyCode::ClientSiretManquant => "CLIENT_SIRET_MANQUANT",
            AnomalyCode::ClientSiretInvalide => "CLIENT_SIRET_INVALIDE",
            AnomalyCode::StructureInconnue => "STRUCTURE_INCONNUE",
            AnomalyCode::StructureInactive => "STRUCTURE_INACTIVE",
            AnomalyCode::ServiceObligatoire => "SERVICE_OBLIGATOIRE",
            AnomalyCode::ServiceInconnu => "SERVICE_INCONNU",
            AnomalyCode::ServiceInactif => "SERVICE_INACTIF",
            AnomalyCode::ServiceReserve => "SERVICE_RESERVE",
            AnomalyCode::EngagementObligatoire => "ENGAGEMENT_OBLIGATOIRE",
            AnomalyCode::ServiceOuEngagementObligatoire => "SERVICE_OU_ENGAGEMENT_OBLIGATOIRE",
            AnomalyCode::EngagementTropLong => "ENGAGEMENT_TROP_LONG",
            AnomalyCode::NumeroFactureInvalide => "NUMERO_FACTURE_INVALIDE",
            AnomalyCode::PdfIntrouvable => "PDF_INTROUVABLE",
            AnomalyCode::PdfIllisible => "PDF_ILLISIBLE",
            AnomalyCode::PdfTropVolumineux => "PDF_TROP_VOLUMINEUX",
            AnomalyCode::MontantsIncoherents => "MONTANTS_INCOHERENTS",
            AnomalyCode::MarcheExpire => "MARCHE_EXPIRE",
            AnomalyCode::ReferenceExpiree => "REFERENCE_EXPIREE",
            AnomalyCode::FournisseurIncomplet => "FOURNISSEUR_INCOMPLET",
            AnomalyCode::AvoirSansFactureOrigine => "AVOIR_SANS_FACTURE_ORIGINE",
            AnomalyCode::DejaReglee => "DEJA_REGLEE",
            AnomalyCode::En16931 => "EN16931",
            AnomalyCode::RejeteeALIntegration => "REJETEE_A_L_INTEGRATION",
            AnomalyCode::ValeurHorsLimites => "VALEUR_HORS_LIMITES",
            AnomalyCode::PdfProtege => "PDF_PROTEGE",
            AnomalyCode::RibEnAttente => "RIB_EN_ATTENTE",
        }
    }

    /// A short French title, for filters and the help window.
    pub fn title(self) -> &'static str {
        match self {
            AnomalyCode::ClientSiretManquant => "SIRET du client manquant",
            AnomalyCode::ClientSiretInvalide => "SIRET du client invalide",
            AnomalyCode::StructureInconnue => "Structure absente de l'annuaire",
            AnomalyCode::StructureInactive => "Structure inactive",
            AnomalyCode::ServiceObligatoire => "Code service obligatoire",
            AnomalyCode::ServiceInconnu => "Service inconnu",
            AnomalyCode::ServiceInactif => "Service inactif",
            AnomalyCode::ServiceReserve => "Code service réservé",
            AnomalyCode::EngagementObligatoire => "N° d'engagement obligatoire",
            AnomalyCode::ServiceOuEngagementObligatoire => "Code service ou engagement obligatoire",
            AnomalyCode::EngagementTropLong => "N° d'engagement trop long",
            AnomalyCode::NumeroFactureInvalide => "N° de facture invalide",
            AnomalyCode::PdfIntrouvable => "PDF introuvable",
            AnomalyCode::PdfIllisible => "PDF illisible",
            AnomalyCode::PdfTropVolumineux => "PDF trop volumineux",
            AnomalyCode::MontantsIncoherents => "Montants incohérents",
            AnomalyCode::MarcheExpire => "Marché expiré",
            AnomalyCode::ReferenceExpiree => "Référence expirée",
            AnomalyCode::FournisseurIncomplet => "Fournisseur incomplet",
            AnomalyCode::AvoirSansFactureOrigine => "Avoir sans facture d'origine",
            AnomalyCode::DejaReglee => "Déjà réglée dans l'ERP",
            AnomalyCode::En16931 => "Règle EN 16931 de la facture électronique",
            AnomalyCode::RejeteeALIntegration => "Rejetée par Chorus Pro à l'intégration",
            AnomalyCode::ValeurHorsLimites => "Montant ou date impossible",
            AnomalyCode::PdfProtege => "PDF protégé par mot de passe",
            AnomalyCode::RibEnAttente => "Changement de RIB en attente de validation",
        }
    }
}

impl AnomalyCode {
    /// Whether the clerk may decide to deposit anyway (the rule guards against a mistake,
    /// not against a refusal by Chorus Pro).
    pub fn can_be_overridden(self) -> bool {
        self == AnomalyCode::DejaReglee
    }
}

impl fmt::Display for AnomalyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub code: AnomalyCode,
    pub message: String,
    /// The official rule broken (`BR-S-02`), for the EN 16931 anomalies.
    pub rule: Option<String>,
}

impl Anomaly {
    pub fn new(code: AnomalyCode, message: impl Into<String>) -> Anomaly {
        Anomaly {
            code,
            message: message.into(),
            rule: None,
        }
    }

    /// An EN 16931 rule broken by the e-invoice that would be sent.
    pub fn en16931(rule: &str, message: impl Into<String>) -> Anomaly {
        Anomaly {
            code: AnomalyCode::En16931,
            message: message.into(),
            rule: Some(rule.to_string()),
        }
    }

    /// The code as `check --json` and the detail panel give it: `SERVICE_INCONNU`,
    /// `EN16931_BR-S-02`.
    pub fn code_text(&self) -> String {
        match &self.rule {
            Some(rule) => format!("{}_{rule}", self.code.as_str()),
            None => self.code.as_str().to_string(),
        }
    }
}
