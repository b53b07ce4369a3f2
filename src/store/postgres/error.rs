//! What can go wrong with the team base, told in French to the user.

/// An error of the PostgreSQL store. Its `Display` is the sentence shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum PgStoreError {
    #[error("impossible de se connecter au serveur PostgreSQL : {}", describe(.0))]
    Connect(#[source] ::postgres::Error),
    #[error(
        "la base PostgreSQL vient d'une version plus récente de Chorus Depot (migration n° {found} appliquée, {known} connues) ; mettez l'application à jour"
    )]
    TooNew { found: i64, known: i64 },
    #[error(
        "la base PostgreSQL ne correspond pas à cette version de Chorus Depot : sa migration n° {version} s'appelle « {in_base} », celle de l'application « {expected} »"
    )]
    Mismatch {
        version: i64,
        in_base: String,
        expected: &'static str,
    },
    #[error(
        "la mise à jour du schéma de la base PostgreSQL a échoué à la migration n° {version} ({name}) : {}", describe(.source)
    )]
    Migration {
        version: i64,
        name: &'static str,
        source: ::postgres::Error,
    },
    #[error("erreur de la base PostgreSQL : {}", describe(.0))]
    Sql(#[from] ::postgres::Error),
    /// Refused before anything reached the server (a password too short…).
    #[error("{0}")]
    Refused(String),
}

/// The server's own message when there is one: the client's `Display` says only
/// « db error » and keeps the useful part (message, detail, hint) in the error's source.
pub(crate) fn describe(error: &::postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        // The server's own refusal of a grant is English (« permission denied for table
        // companies »); our functions' refusals are already French.
        let mut text = if *db.code() == ::postgres::error::SqlState::INSUFFICIENT_PRIVILEGE
            && db.message().starts_with("permission denied")
        {
            format!(
                "votre rôle dans la base d'équipe ne le permet pas ({})",
                db.message()
            )
        } else {
            db.message().to_string()
        };
        if let Some(detail) = db.detail() {
            text.push_str(" (");
            text.push_str(detail);
            text.push(')');
        }
        if let Some(hint) = db.hint() {
            text.push_str(" — ");
            text.push_str(hint);
        }
        return text;
    }
    // Connection and I/O errors: the common network failures said in French, the system's
    // words kept beside them for whoever helps; otherwise the chain of causes.
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        // rustls' refusal travels inside an io::Error, whose `source` skips it.
        let tls = inner.downcast_ref::<rustls::Error>().or_else(|| {
            inner
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|e| e.downcast_ref::<rustls::Error>())
        });
        if let Some(tls) = tls {
            return format!("{} ({tls})", tls_failure_in_french(tls));
        }
        if let Some(io) = inner.downcast_ref::<std::io::Error>()
            && let Some(french) = network_failure_in_french(io.kind())
        {
            return format!("{french} ({io})");
        }
        cause = inner.source();
    }
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(" : ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

fn tls_failure_in_french(error: &rustls::Error) -> &'static str {
    use rustls::CertificateError as C;
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "le certificat du serveur n'est signé par aucune autorité de confiance : donnez le \
             certificat de l'autorité du serveur (PGSSLROOTCERT ou ~/.postgresql/root.crt)"
        }
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "le certificat du serveur est celui d'un autre nom : vérifiez l'adresse du serveur"
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "le certificat du serveur a expiré"
        }
        rustls::Error::InvalidCertificate(_) => "le certificat du serveur est refusé",
        _ => "la connexion chiffrée (TLS) au serveur a échoué",
    }
}

fn network_failure_in_french(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind::*;
    Some(match kind {
        ConnectionRefused => {
            "aucun serveur n'écoute à cette adresse (connexion refusée) ; vérifiez l'adresse, le port et que le serveur est démarré"
        }
        TimedOut => "le serveur n'a pas répondu à temps ; vérifiez l'adresse et le réseau",
        HostUnreachable | NetworkUnreachable => {
            "le serveur est injoignable ; vérifiez l'adresse et le réseau"
        }
        NotFound => "aucun serveur à cette adresse (socket introuvable)",
        ConnectionReset | ConnectionAborted | UnexpectedEof => "le serveur a coupé la connexion",
        _ => return None,
    })
}
