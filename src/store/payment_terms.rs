//! The payment terms tables (`payment_terms`, `client_payment_terms`, migration 0014) as
//! plain rows; what they mean is `tracking::payment_terms`'s business.

use super::sql::{Sql, SqlError};
use crate::sql_params;

/// The single row of `payment_terms`; amounts as decimal text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsRow {
    pub interest_rate_percent: String,
    pub recovery_indemnity: String,
    pub delay_state_local_days: u32,
    pub delay_health_days: u32,
    pub delay_public_company_days: u32,
}

/// One client's choices: a category code and/or a delay of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTermsRow {
    pub client_code: String,
    pub category: Option<String>,
    pub delay_days: Option<u32>,
}

/// The saved terms, `None` on a base where nobody saved them yet.
pub fn load_terms(db: &dyn Sql) -> Result<Option<TermsRow>, SqlError> {
    db.first_row(
        "SELECT interest_rate_percent, recovery_indemnity, delay_state_local_days,
                delay_health_days, delay_public_company_days
         FROM payment_terms WHERE id = 1",
        &[],
        |r| {
            Ok(TermsRow {
                interest_rate_percent: r.text(0)?,
                recovery_indemnity: r.text(1)?,
                delay_state_local_days: r.int_as(2)?,
                delay_health_days: r.int_as(3)?,
                delay_public_company_days: r.int_as(4)?,
            })
        },
    )
}

pub fn load_clients(db: &dyn Sql) -> Result<Vec<ClientTermsRow>, SqlError> {
    db.rows(
        "SELECT client_code, category, delay_days FROM client_payment_terms ORDER BY client_code",
        &[],
        |r| {
            Ok(ClientTermsRow {
                client_code: r.text(0)?,
                category: r.opt_text(1)?,
                delay_days: r.opt_int_as(2)?,
            })
        },
    )
}

/// Replaces the terms and every client's choices at once, and drops the settings key of
/// older versions (`legacy_key`) so that it cannot bring back an override removed here.
pub fn save(
    db: &dyn Sql,
    terms: &TermsRow,
    clients: &[ClientTermsRow],
    legacy_key: &str,
) -> Result<(), SqlError> {
    db.in_transaction(&mut |tx| {
        tx.execute(
            "INSERT INTO payment_terms (id, interest_rate_percent, recovery_indemnity,
                 delay_state_local_days, delay_health_days, delay_public_company_days)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET
                 interest_rate_percent = excluded.interest_rate_percent,
                 recovery_indemnity = excluded.recovery_indemnity,
                 delay_state_local_days = excluded.delay_state_local_days,
                 delay_health_days = excluded.delay_health_days,
                 delay_public_company_days = excluded.delay_public_company_days",
            sql_params![
                terms.interest_rate_percent.as_str(),
                terms.recovery_indemnity.as_str(),
                terms.delay_state_local_days,
                terms.delay_health_days,
                terms.delay_public_company_days
            ],
        )?;
        tx.execute("DELETE FROM client_payment_terms", &[])?;
        for c in clients {
            if c.category.is_some() || c.delay_days.is_some() {
                tx.execute(
                    "INSERT INTO client_payment_terms (client_code, category, delay_days)
                     VALUES (?1, ?2, ?3)",
                    sql_params![c.client_code.as_str(), c.category.as_deref(), c.delay_days],
                )?;
            }
        }
        tx.execute(
            "DELETE FROM app_settings WHERE key = ?1",
            sql_params![legacy_key],
        )?;
        Ok(())
    })
}
