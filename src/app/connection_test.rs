//! « Tester la connexion »: for each invoicing company, whether PISTE gives a token,
//! whether Chorus Pro answers, to which supplier structure the technical account is
//! attached, and when its password expires — each said in French, with what to do.

use super::connection::ConnectionSettings;
use super::deposit_wiring::Connector;
use crate::chorus::ChorusClient;
use crate::chorus::structures::ConsulterStructureRequest;
use crate::model::{Company, format_date};
use chrono::NaiveDate;
use std::path::Path;

/// Chorus Pro asks for a new technical password every 14 months; the reminder shows this
/// many days ahead (as the OCA module does).
pub const PASSWORD_REMINDER_DAYS: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub level: Level,
    pub text: String,
}

/// What the test learnt of a company's account, kept in the settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFinding {
    pub company_code: String,
    pub structure_id: Option<i64>,
    pub password_expires_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionCheck {
    pub lines: Vec<CheckLine>,
    pub findings: Vec<AccountFinding>,
}

impl ConnectionCheck {
    pub fn all_ok(&self) -> bool {
        self.lines.iter().all(|l| l.level != Level::Error)
    }

    fn push(&mut self, level: Level, text: impl Into<String>) {
        self.lines.push(CheckLine {
            level,
            text: text.into(),
        });
    }
}

/// Runs the test for every company of the mirror (each with its own account).
pub fn test_connection(
    connector: &Connector,
    db: &Path,
    companies: &[Company],
    today: NaiveDate,
) -> ConnectionCheck {
    let mut check = ConnectionCheck::default();
    let settings = match connector.settings(db) {
        Ok(s) => s,
        Err(e) => {
            check.push(Level::Error, format!("Paramétrage illisible : {e}"));
            return check;
        }
    };
    check.push(
        Level::Ok,
        format!("Environnement : {}", settings.environment.label()),
    );
    if companies.is_empty() {
        check.push(
            Level::Error,
            "Aucune société émettrice : importez d'abord societes.csv depuis l'ERP",
        );
        return check;
    }
    let embedded = Connector::uses_embedded_sandbox(&settings);
    // The token proves the PISTE application; the technical account is only checked by
    // the first call that carries it (cpro-account).
    let mut application_checked = false;
    for company in companies {
        let who = format!("{} ({})", company.name, company.code);
        if !has_account(&settings, embedded, &company.code) {
            check.push(
                Level::Error,
                format!("{who} : aucun compte technique saisi — renseignez son login et son mot de passe"),
            );
            continue;
        }
        let client = match connector.client_for(db, &company.code) {
            Ok(c) => c,
            Err(e) => {
                check.push(Level::Error, format!("{who} : {e}"));
                continue;
            }
        };
        if !application_checked {
            if let Err(e) = client.check_credentials() {
                check.push(Level::Error, format!("Application PISTE refusée — {e}"));
                return check;
            }
            check.push(Level::Ok, "Application PISTE reconnue (jeton obtenu)");
            match client.health_check() {
                Ok(_) => check.push(Level::Ok, "Chorus Pro répond (health-check)"),
                Err(e) => check.push(Level::Error, format!("Chorus Pro ne répond pas : {e}")),
            }
            application_checked = true;
        }
        let login = settings
            .account(&company.code)
            .map(|a| a.login.clone())
            .filter(|l| !l.is_empty() && !embedded)
            .unwrap_or_else(|| "de démonstration".into());
        let who = format!("{who} : compte technique {login}");
        let finding = account_finding(&client, company, &who, today, &mut check);
        check.findings.push(finding);
    }
    check
}

/// What the accounts say of themselves (structure, password expiry), without the lines of
/// the test: each sync reads them again for the reminder. Companies without an account or
/// whose client cannot open are left out.
pub fn account_findings(
    connector: &Connector,
    db: &Path,
    companies: &[Company],
    today: NaiveDate,
) -> Vec<AccountFinding> {
    let Ok(settings) = connector.settings(db) else {
        return Vec::new();
    };
    let embedded = Connector::uses_embedded_sandbox(&settings);
    companies
        .iter()
        .filter(|c| has_account(&settings, embedded, &c.code))
        .filter_map(|company| {
            let client = connector.client_for(db, &company.code).ok()?;
            let mut unused = ConnectionCheck::default();
            Some(account_finding(&client, company, "", today, &mut unused))
        })
        .collect()
}

/// The company can call Chorus Pro: the sandbox's demonstration account, a login in the
/// settings, or one given by `CHORUS_DEPOT_LOGIN`.
fn has_account(settings: &ConnectionSettings, embedded: bool, company_code: &str) -> bool {
    embedded
        || settings
            .account(company_code)
            .is_some_and(|a| !a.login.trim().is_empty())
        || std::env::var_os("CHORUS_DEPOT_LOGIN").is_some()
}

/// The structure of the company's SIRET among the account's, and its password expiry.
fn account_finding(
    client: &ChorusClient,
    company: &Company,
    who: &str,
    today: NaiveDate,
    check: &mut ConnectionCheck,
) -> AccountFinding {
    let mut finding = AccountFinding {
        company_code: company.code.clone(),
        structure_id: None,
        password_expires_on: None,
    };
    let structures = match client.recuperer_structures_actives_fournisseur() {
        Ok(answer) => answer.liste_structures,
        Err(e) => {
            check.push(Level::Error, format!("{who} refusé — {e}"));
            return finding;
        }
    };
    let Some(id) = structures
        .iter()
        .find(|s| s.identifiant.as_deref().map(str::trim) == Some(company.siret.as_str()))
        .and_then(|s| s.id_structure_cpp)
    else {
        check.push(
            Level::Error,
            format!(
                "{who} : rattaché à aucune structure de SIRET {} — \
                 rattachez-le sur le portail Chorus Pro ou corrigez le SIRET de la société",
                company.siret
            ),
        );
        return finding;
    };
    finding.structure_id = Some(id);
    check.push(
        Level::Ok,
        format!(
            "{who} accepté, rattaché à la structure {} (idStructureCPP {id})",
            company.siret
        ),
    );
    let request = ConsulterStructureRequest {
        id_structure_cpp: id,
        code_langue: Some("fr".into()),
    };
    let expiry = client.consulter_structure(&request).map(|a| {
        a.information_generales
            .and_then(|i| i.date_expiration_mot_passe_compte_tech)
            .and_then(|d| parse_chorus_date(&d))
    });
    match expiry {
        Ok(Some(date)) => {
            finding.password_expires_on = Some(date);
            let (level, text) = password_expiry_text(date, today);
            check.push(level, format!("{who}, {text}"));
        }
        Ok(None) => check.push(
            Level::Warning,
            format!("{who} : Chorus Pro ne donne pas la date d'expiration de son mot de passe"),
        ),
        Err(e) => check.push(
            Level::Warning,
            format!("{who} : date d'expiration de son mot de passe illisible — {e}"),
        ),
    }
    finding
}

/// What to say of a technical password expiring on `date`.
pub fn password_expiry_text(date: NaiveDate, today: NaiveDate) -> (Level, String) {
    let days = (date - today).num_days();
    if days < 0 {
        (
            Level::Error,
            format!(
                "le mot de passe du compte technique a expiré le {} : changez-le sur le portail Chorus Pro",
                format_date(date)
            ),
        )
    } else if days <= PASSWORD_REMINDER_DAYS {
        (
            Level::Warning,
            format!(
                "le mot de passe du compte technique expire le {} (dans {days} jour{}) : changez-le sur le portail Chorus Pro",
                format_date(date),
                if days > 1 { "s" } else { "" }
            ),
        )
    } else {
        (
            Level::Ok,
            format!(
                "mot de passe du compte technique valable jusqu'au {}",
                format_date(date)
            ),
        )
    }
}

/// Chorus dates come as `YYYY-MM-DD`, or ISO 8601 with time, offset and milliseconds.
pub fn parse_chorus_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|d| d.date_naive())
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn chorus_dates_in_every_shape() {
        assert_eq!(
            parse_chorus_date("2027-01-05T00:00:00.000+01:00"),
            Some(d("2027-01-05"))
        );
        assert_eq!(parse_chorus_date("2027-01-05"), Some(d("2027-01-05")));
        assert_eq!(parse_chorus_date("2027-01-05 10:12"), Some(d("2027-01-05")));
        assert_eq!(parse_chorus_date("05/01/2027"), None);
        assert_eq!(parse_chorus_date(""), None);
    }

    #[test]
    fn the_reminder_starts_fifteen_days_ahead() {
        let today = d("2026-11-23");
        assert_eq!(password_expiry_text(d("2026-12-09"), today).0, Level::Ok);
        let (level, text) = password_expiry_text(d("2026-12-08"), today);
        assert_eq!(level, Level::Warning);
        assert!(
            text.contains("expire le 08/12/2026 (dans 15 jours)"),
            "{text}"
        );
        let (level, text) = password_expiry_text(d("2026-11-24"), today);
        assert_eq!(level, Level::Warning);
        assert!(text.contains("(dans 1 jour)"), "{text}");
        let (level, text) = password_expiry_text(d("2026-11-22"), today);
        assert_eq!(level, Level::Error);
        assert!(text.contains("a expiré le 22/11/2026"), "{text}");
    }
}
