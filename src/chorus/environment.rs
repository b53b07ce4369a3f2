//! Where the client talks to: the embedded sandbox, PISTE qualification or production.

/// A Chorus Pro environment. Routes are `{api_base}/cpro/{api}/v1/{operation}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// The embedded emulator on loopback; its URLs are only known once it has started.
    Sandbox { api_base: String, token_url: String },
    /// PISTE sandbox = Chorus Pro qualification: real gateway, fictitious data.
    Qualification,
    /// The real thing: invoices deposited here reach public buyers.
    Production,
}

pub const QUALIFICATION_TOKEN_URL: &str = "https://sandbox-oauth.piste.gouv.fr/api/oauth/token";
pub const QUALIFICATION_API_BASE: &str = "https://sandbox-api.piste.gouv.fr";
pub const PRODUCTION_TOKEN_URL: &str = "https://oauth.piste.gouv.fr/api/oauth/token";
pub const PRODUCTION_API_BASE: &str = "https://api.piste.gouv.fr";

impl Environment {
    /// The API base without a trailing slash (and without `/cpro`).
    pub fn api_base(&self) -> &str {
        match self {
            Environment::Sandbox { api_base, .. } => api_base.trim_end_matches('/'),
            Environment::Qualification => QUALIFICATION_API_BASE,
            Environment::Production => PRODUCTION_API_BASE,
        }
    }

    /// The whole OAuth2 token URL.
    pub fn token_url(&self) -> &str {
        match self {
            Environment::Sandbox { token_url, .. } => token_url,
            Environment::Qualification => QUALIFICATION_TOKEN_URL,
            Environment::Production => PRODUCTION_TOKEN_URL,
        }
    }

    /// `{api_base}/cpro/{api}/v1/{operation}`, e.g. `("factures", "deposer/flux")`.
    pub fn route(&self, api: &str, operation: &str) -> String {
        format!("{}/cpro/{}/v1/{}", self.api_base(), api, operation)
    }

    /// The French label of the window's banner, so nobody mistakes production for a test.
    pub fn label(&self) -> &'static str {
        match self {
            Environment::Sandbox { .. } => {
                "Bac à sable intégré (démonstration, aucune facture réelle)"
            }
            Environment::Qualification => "Qualification PISTE (tests, données fictives)",
            Environment::Production => "PRODUCTION Chorus Pro (factures réelles)",
        }
    }

    /// A short code for settings files and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Environment::Sandbox { .. } => "sandbox",
            Environment::Qualification => "qualification",
            Environment::Production => "production",
        }
    }

    pub fn is_production(&self) -> bool {
        matches!(self, Environment::Production)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_follow_the_piste_pattern() {
        assert_eq!(
            Environment::Production.route("factures", "deposer/flux"),
            "https://api.piste.gouv.fr/cpro/factures/v1/deposer/flux"
        );
        let sandbox = Environment::Sandbox {
            api_base: "http://127.0.0.1:9000/".into(),
            token_url: "http://127.0.0.1:9000/api/oauth/token".into(),
        };
        assert_eq!(
            sandbox.route("structures", "rechercher"),
            "http://127.0.0.1:9000/cpro/structures/v1/rechercher"
        );
        assert_eq!(
            Environment::Qualification.token_url(),
            "https://sandbox-oauth.piste.gouv.fr/api/oauth/token"
        );
    }
}
