//! The synchronisation with Chorus Pro as the window and the CLI run it (`sync`), and the
//! `status` command's outputs.

use super::deposit_wiring::Connector;
use crate::progress::Progress;
use crate::store::Store;
use crate::store::tracking::DepositedStatus;
use crate::tracking::{Clients, SyncOptions, SyncReport};
use anyhow::{Result, bail};
use serde::Serialize;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// One sync of the database `db`, each company's fluxes with that company's client (the
/// embedded sandbox, or PISTE with the settings and the `CHORUS_DEPOT_*` variables).
pub fn sync_database(
    connector: &Arc<Connector>,
    db: &Path,
    progress: &dyn Progress,
) -> Result<SyncReport, String> {
    let store = Store::open(db).map_err(|e| e.to_string())?;
    // Deposits whose answer never came are looked up first: a clerk who has nothing else
    // to send must not wait for a deposit run to learn whether they arrived (until then
    // they can be neither followed nor ticked again).
    let settings = connector.settings(db)?;
    // One patience for the whole run, lookups and sync: when Chorus Pro does not answer,
    // the run stops after a minute of silence instead of trying every call in turn.
    let patience = super::deposit_wiring::run_patience();
    let (opener, db_path, shared) = (connector.clone(), db.to_path_buf(), patience.clone());
    let gateway = super::deposit_wiring::ChorusGateway::new(move |c| {
        opener.client_in_run(&db_path, c, Some(shared.clone()))
    })
    .with_patience(patience.clone());
    let verified = crate::deposit::reconcile(&store, &gateway, settings.uncertain_after())
        .map_err(|e| format!("vérification des dépôts sans réponse impossible : {e}"))?;
    let (opener, db_path, shared) = (connector.clone(), db.to_path_buf(), patience.clone());
    let clients =
        Clients::new(move |company| opener.client_in_run(&db_path, company, Some(shared.clone())));
    let mut options = SyncOptions::default();
    if let Some(budget) = super::deposit_wiring::duration_override("CHORUS_DEPOT_SYNC_BUDGET_MS") {
        options.budget = budget;
    }
    let mut report = crate::tracking::sync(store.db(), &clients, &options, progress)
        .map_err(|e| e.to_string())?;
    report.verified_deposits = verified
        .into_iter()
        .map(|r| {
            (
                r.invoice_number,
                format!("{} ({})", r.state.label(), r.note),
            )
        })
        .collect();
    if !report.cancelled && report.interrupted.is_none() {
        remember_password_expiry(connector, db, &store);
    }
    Ok(report)
}

/// The technical passwords' expiry dates, read again at each sync for the reminder 15
/// days ahead. Best effort: a failure here is no failure of the sync.
fn remember_password_expiry(connector: &Connector, db: &Path, store: &Store) {
    let companies = match crate::store::erp::load_companies(store.db()) {
        Ok(c) => c,
        Err(_) => return,
    };
    let today = crate::clock::today();
    let findings = super::connection_test::account_findings(connector, db, &companies, today);
    let saved = super::connection::ConnectionSettings::load(store.db()).and_then(|mut s| {
        s.remember(&findings);
        s.save(store.db())
    });
    if let Err(e) = saved {
        tracing::warn!("dates d'expiration des mots de passe non enregistrées : {e}");
    }
}

/// `chorus-depot sync --db PATH`: a French summary; failure when something was left over.
pub fn run_sync(db: &Path) -> Result<ExitCode> {
    if !crate::store::base_exists(db) {
        bail!("la base {} n'existe pas", db.display());
    }
    let connector = Arc::new(Connector::default());
    let report =
        sync_database(&connector, db, &crate::progress::Silent).map_err(anyhow::Error::msg)?;
    print!("{}", report.summary());
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `chorus-depot status --db PATH [--json]`.
pub fn run_status(db: &Path, json: bool) -> Result<ExitCode> {
    if !crate::store::base_exists(db) {
        bail!("la base {} n'existe pas", db.display());
    }
    let store = Store::open(db)?;
    let rows = crate::store::tracking::deposited_statuses(store.db())?;
    let text = if json {
        format!("{}\n", status_json(&rows))
    } else {
        status_text(&rows)
    };
    // `status | head` closes the pipe early: not an error.
    match std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

#[derive(Serialize)]
struct StatusLine<'a> {
    numero: &'a str,
    identifiant_cpp: Option<i64>,
    statut: Option<&'a str>,
    date_statut: Option<String>,
    numero_flux: &'a str,
}

#[derive(Serialize)]
struct StatusDocument<'a> {
    factures: Vec<StatusLine<'a>>,
}

/// A Chorus date as `2026-11-23T10:02:00+01:00` (local time, to the second); kept as it
/// came when it does not read as RFC 3339.
pub fn status_date(raw: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(raw.trim())
        .map(|d| {
            d.with_timezone(&chrono::Local)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_else(|_| raw.to_string())
}

/// `{"factures":[{"numero","identifiant_cpp","statut","date_statut","numero_flux"}]}`,
/// sorted by number; `null` for what Chorus Pro has not told yet.
pub fn status_json(rows: &[DepositedStatus]) -> String {
    let document = StatusDocument {
        factures: rows
            .iter()
            .map(|r| StatusLine {
                numero: &r.invoice_number,
                identifiant_cpp: r.cpp_id,
                statut: (!r.status.is_empty()).then_some(r.status.as_str()),
                date_statut: (!r.status_at.is_empty()).then(|| status_date(&r.status_at)),
                numero_flux: &r.flux_number,
            })
            .collect(),
    };
    serde_json::to_string(&document).expect("plain data serialises")
}

/// A readable table: N° facture, identifiant Chorus, statut, date, flux.
pub fn status_text(rows: &[DepositedStatus]) -> String {
    let mut out = format!(
        "{:<16} {:>14}  {:<38} {:<17} {}\n",
        "N° facture", "Identifiant", "Statut Chorus Pro", "Depuis le", "N° de flux"
    );
    for r in rows {
        let status = if r.status.is_empty() {
            "en attente de Chorus Pro".to_string()
        } else {
            crate::model::status::InvoiceStatus::from_code(&r.status)
                .label()
                .to_string()
        };
        let date = chrono::DateTime::parse_from_rfc3339(r.status_at.trim())
            .map(|d| {
                d.with_timezone(&chrono::Local)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| r.status_at.clone());
        out.push_str(&format!(
            "{:<16} {:>14}  {:<38} {:<17} {}\n",
            r.invoice_number,
            r.cpp_id.map(|id| id.to_string()).unwrap_or_default(),
            status,
            date,
            r.flux_number
        ));
    }
    let known = rows.iter().filter(|r| !r.status.is_empty()).count();
    out.push_str(&format!(
        "{}, dont {} sur Chorus Pro\n",
        crate::model::counted(rows.len(), "facture déposée", "factures déposées"),
        crate::model::counted(known, "suivie", "suivies")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_has_exactly_the_documented_shape() {
        let rows = vec![
            DepositedStatus {
                invoice_number: "F1".into(),
                cpp_id: Some(123),
                status: "MISE_A_DISPOSITION".into(),
                status_at: "not a date".into(),
                flux_number: "CPP1".into(),
            },
            DepositedStatus {
                invoice_number: "F2".into(),
                cpp_id: None,
                status: String::new(),
                status_at: String::new(),
                flux_number: "CPP2".into(),
            },
        ];
        assert_eq!(
            status_json(&rows),
            r#"{"factures":[{"numero":"F1","identifiant_cpp":123,"statut":"MISE_A_DISPOSITION","date_statut":"not a date","numero_flux":"CPP1"},{"numero":"F2","identifiant_cpp":null,"statut":null,"date_statut":null,"numero_flux":"CPP2"}]}"#
        );
        let text = status_text(&rows);
        assert!(text.contains("Mise à disposition"), "{text}");
        assert!(text.contains("en attente de Chorus Pro"), "{text}");
        let date = status_date("2026-11-23T09:02:00.123+00:00");
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(&date).unwrap(),
            chrono::DateTime::parse_from_rfc3339("2026-11-23T09:02:00+00:00").unwrap()
        );
    }
}
