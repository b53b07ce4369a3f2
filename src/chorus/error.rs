//! Every way a Chorus Pro call can fail, each with a French message a clerk can act on.

use std::time::Duration;

use thiserror::Error;

/// The error of a Chorus Pro call. `Display` is the French message shown to the user.
#[derive(Debug, Clone, Error)]
pub enum ChorusError {
    /// The PISTE token endpoint refused the client id / secret (400 or 401 `invalid_client`).
    #[error(
        "Identifiants PISTE refusés (client_id ou client_secret incorrect) : vérifiez-les dans \
         Paramétrage › Comptes Chorus PRO et qu'ils correspondent bien à l'environnement choisi. \
         Détail : {detail}"
    )]
    InvalidClientCredentials { detail: String },

    /// The token endpoint answered an OAuth2 error other than `invalid_client`.
    #[error(
        "PISTE a refusé de délivrer un jeton d'accès ({error}) : vérifiez l'application PISTE \
         et ses droits. Détail : {description}"
    )]
    TokenRefused { error: String, description: String },

    /// 401 from the gateway after a fresh token: the `cpro-account` (technical user) is wrong.
    #[error(
        "Compte technique Chorus Pro refusé (login ou mot de passe incorrect, ou mot de passe \
         expiré : il doit être changé tous les 14 mois) : vérifiez le compte technique de la \
         société dans Paramétrage. Réponse de PISTE : {www_authenticate}"
    )]
    BadTechnicalAccount { www_authenticate: String },

    /// 403: the PISTE application is not subscribed to this API (or the route does not exist).
    #[error(
        "Accès refusé par PISTE à {route} : l'API n'est pas souscrite pour cette application \
         PISTE (souscrire aux API Factures, Structures et Transverses dans la console PISTE) \
         ou l'adresse est incorrecte."
    )]
    ApiNotSubscribed { route: String },

    /// 429: the PISTE quota of the application is used up.
    #[error(
        "Quota d'appels PISTE dépassé : trop de requêtes vers Chorus Pro. Réessayez {}, ou \
         augmentez l'attente entre deux dépôts.",
        retry_hint(*.retry_after)
    )]
    QuotaExceeded { retry_after: Option<Duration> },

    /// 5xx, connection refused, DNS failure, TLS failure: nothing usable came back.
    #[error(
        "Chorus Pro est indisponible pour le moment ({detail}). Réessayez plus tard ; si cela \
         dure, vérifiez la connexion Internet ou la page d'état de Chorus Pro."
    )]
    Unavailable { status: Option<u16>, detail: String },

    /// No answer in time.
    #[error(
        "Chorus Pro n'a pas répondu dans le délai de {} ({route}). Réessayez plus tard.",
        seconds(*.after)
    )]
    Timeout { route: String, after: Duration },

    /// Chorus Pro processed the request and refused it: `codeRetour` ≠ 0.
    #[error("Chorus Pro a refusé la demande (code {code_retour}) : {}", describe_libelle(.libelle))]
    Rejected {
        code_retour: i64,
        libelle: String,
        http_status: u16,
    },

    /// The answer is not what the API documents (not JSON, a field of the wrong type...).
    #[error(
        "Réponse inattendue de Chorus Pro ({route}) : {detail}. Réessayez plus tard ; si cela \
         persiste, transmettez le journal des échanges au support."
    )]
    MalformedAnswer { route: String, detail: String },

    /// Any other HTTP status (400 without a `codeRetour`, 404, 413, 415...).
    #[error("Chorus Pro a répondu HTTP {status} à {route} : {excerpt}")]
    HttpStatus {
        status: u16,
        route: String,
        excerpt: String,
    },

    /// A deposit's answer that does not say whether Chorus Pro recorded the flux (a 202, a
    /// `codeRetour` 0 without `numeroFluxDepot`, a 5xx…): see
    /// `factures::classify_deposit_answer`. Always inside [`ChorusError::DepositOutcomeUnknown`].
    #[error("réponse ambiguë de Chorus Pro à {route} (HTTP {status}) : {detail}")]
    UnclearDepositAnswer {
        status: u16,
        route: String,
        detail: String,
    },

    /// A 3xx: redirects are never followed, so the technical account and the PISTE secret
    /// only ever go to the configured token and API addresses.
    #[error(
        "Chorus Pro a répondu à {route} par une redirection (HTTP {status}) vers « {location} » : \
         Chorus Depot ne suit pas les redirections (les identifiants ne partent que vers les \
         adresses configurées). Vérifiez les adresses de l'API et du jeton dans Paramétrage ; \
         si elles sont justes, réessayez plus tard."
    )]
    Redirected {
        status: u16,
        route: String,
        location: String,
    },

    /// An answer longer than the client reads: reading stopped at the limit.
    #[error(
        "Réponse de Chorus Pro trop volumineuse (plus de {}) à {route} : lecture arrêtée. \
         Réessayez plus tard ; si cela persiste, transmettez le journal des échanges au support.",
        crate::chorus::transport::megabytes(*.limit)
    )]
    AnswerTooLarge { route: String, limit: usize },

    /// Chorus Pro has answered nothing for the run's whole patience: the call was not sent.
    #[error(
        "Chorus Pro ne répond pas (aucune réponse depuis {} s) : appel à {route} abandonné sans \
         être envoyé. Réessayez plus tard ; si cela dure, vérifiez la connexion Internet ou la \
         page d'état de Chorus Pro.",
        .silent_for.as_secs()
    )]
    NoAnswer { route: String, silent_for: Duration },

    /// The client could not be set up (bad URL, TLS initialisation).
    #[error("Connexion Chorus Pro mal configurée : {detail}")]
    Configuration { detail: String },

    /// A deposit whose request left but whose answer never came or does not settle it
    /// (timeout, dropped connection, 5xx, a 202, `codeRetour` 0 without flux number, an
    /// unreadable answer): the flux MAY have been received. Never resend blindly: look the
    /// invoice up with `rechercher/fournisseur` first.
    #[error(
        "Résultat du dépôt inconnu : la demande est partie mais aucune réponse claire n'est \
         arrivée ({cause}). La facture est « à vérifier » : elle sera recherchée sur Chorus Pro \
         avant tout nouvel envoi."
    )]
    DepositOutcomeUnknown { cause: Box<ChorusError> },

    /// A deposit that certainly did not reach Chorus Pro, or that it refused: safe to resend
    /// once the cause is fixed.
    #[error("Dépôt non effectué : {cause}")]
    DepositNotReceived { cause: Box<ChorusError> },
}

/// `30 s`, `1,5 s`: a delay as the user reads it.
fn seconds(d: Duration) -> String {
    crate::model::format_duration(d)
}

fn retry_hint(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(after) => format!("dans {} s", after.as_secs().max(1)),
        None => "dans quelques minutes".to_string(),
    }
}

/// Adds the meaning of the few message keys known from public sources to the raw `libelle`.
fn describe_libelle(libelle: &str) -> String {
    let meaning = match libelle.trim() {
        "GDP_MSG_11.022" => Some("fichier trop volumineux"),
        "GDP_MSG_11.008" => Some("la demande de paiement n'existe pas"),
        "GDP_MSG_11.005" => Some("l'utilisateur technique n'a pas les habilitations nécessaires"),
        "GDP_MSG_11.033" => Some("la facture n'est pas au statut Suspendue"),
        "TRA_MSG_00.015" => Some("aucun résultat"),
        _ => None,
    };
    match (libelle.trim(), meaning) {
        ("", _) => "sans libellé".to_string(),
        (raw, Some(meaning)) => format!("{meaning} ({raw})"),
        (raw, None) => raw.to_string(),
    }
}

impl ChorusError {
    /// Worth trying the same read again later: the failure is on the way, not in the request.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ChorusError::Unavailable { .. }
                | ChorusError::Timeout { .. }
                | ChorusError::QuotaExceeded { .. }
        )
    }

    /// Chorus Pro gave no answer in time or at all (for the sync's and deposits' patience).
    pub fn is_no_answer(&self) -> bool {
        matches!(
            self.root(),
            ChorusError::NoAnswer { .. }
                | ChorusError::Timeout { .. }
                | ChorusError::Unavailable { status: None, .. }
        )
    }

    /// The user must fix the connection settings (credentials, subscription) before retrying.
    pub fn is_configuration_problem(&self) -> bool {
        match self {
            ChorusError::Redirected { .. }
            | ChorusError::InvalidClientCredentials { .. }
            | ChorusError::TokenRefused { .. }
            | ChorusError::BadTechnicalAccount { .. }
            | ChorusError::ApiNotSubscribed { .. }
            | ChorusError::Configuration { .. } => true,
            ChorusError::DepositNotReceived { cause } => cause.is_configuration_problem(),
            _ => false,
        }
    }

    /// A deposit that may have reached Chorus Pro: look it up before any resend.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, ChorusError::DepositOutcomeUnknown { .. })
    }

    /// The underlying error of a deposit wrapper, or the error itself.
    pub fn root(&self) -> &ChorusError {
        match self {
            ChorusError::DepositOutcomeUnknown { cause }
            | ChorusError::DepositNotReceived { cause } => cause.root(),
            other => other,
        }
    }

    /// The `Retry-After` PISTE asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self.root() {
            ChorusError::QuotaExceeded { retry_after } => *retry_after,
            _ => None,
        }
    }

    /// `codeRetour` and `libelle` when Chorus Pro refused the request.
    pub fn rejection(&self) -> Option<(i64, &str)> {
        match self.root() {
            ChorusError::Rejected {
                code_retour,
                libelle,
                ..
            } => Some((*code_retour, libelle.as_str())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_message_carries_the_libelle() {
        let error = ChorusError::Rejected {
            code_retour: 20001,
            libelle: "GDP_MSG_11.022".into(),
            http_status: 200,
        };
        let message = error.to_string();
        assert!(message.contains("20001"), "{message}");
        assert!(message.contains("GDP_MSG_11.022"), "{message}");
        assert!(message.contains("trop volumineux"), "{message}");
        assert!(!error.is_retryable());
    }

    #[test]
    fn deposit_wrappers_expose_their_cause() {
        let error = ChorusError::DepositOutcomeUnknown {
            cause: Box::new(ChorusError::Timeout {
                route: "x".into(),
                after: Duration::from_secs(30),
            }),
        };
        assert!(error.is_outcome_unknown());
        assert!(matches!(error.root(), ChorusError::Timeout { .. }));
        assert!(error.to_string().contains("30 s"));
    }
}
