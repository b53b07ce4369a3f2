//! The team layer of a PostgreSQL base: its roles, users, audit trail and bank detail
//! changes under four eyes. The rules themselves are in the database
//! (`migrations/postgres/team/`): these functions only call them, so a user reaching the
//! base with another program meets the same refusals.

use super::error::PgStoreError;
use super::migrate::{self, MigrationOutcome, PG_TEAM_MIGRATIONS, TEAM_LEDGER};
use ::postgres::Client;

/// Who may do what, applied again after every migration (it names « all tables »).
const GRANTS: &str = include_str!("../../../migrations/postgres/team/grants.sql");

/// A team member's role; a user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TeamRole {
    /// Checks, deposits, syncs, recycles and completes returned invoices.
    Commis,
    /// Reads everything: the tree, payments, exports, reminders.
    Gestionnaire,
    /// Companies, bank details (under four eyes), Chorus accounts, settings, users.
    Administrateur,
}

impl TeamRole {
    pub const ALL: [TeamRole; 3] = [
        TeamRole::Commis,
        TeamRole::Gestionnaire,
        TeamRole::Administrateur,
    ];

    /// The name the database knows (`chorus_<name>` is the group role).
    pub fn name(self) -> &'static str {
        match self {
            TeamRole::Commis => "commis",
            TeamRole::Gestionnaire => "gestionnaire",
            TeamRole::Administrateur => "administrateur",
        }
    }

    pub fn parse(text: &str) -> Option<TeamRole> {
        TeamRole::ALL
            .into_iter()
            .find(|r| r.name() == text.trim().to_lowercase())
    }
}

/// What `prepare` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub common: MigrationOutcome,
    pub team: MigrationOutcome,
}

/// Brings a team base up to date: the common schema, the team layer, the grants. Run by
/// the base's owner (it creates roles and tables), at `team init` and after an upgrade of
/// the application.
pub fn prepare(client: &mut Client) -> Result<Prepared, PgStoreError> {
    let common = migrate::migrate(client)?;
    let team = migrate::migrate_in(client, TEAM_LEDGER, PG_TEAM_MIGRATIONS)?;
    client.batch_execute(GRANTS)?;
    Ok(Prepared { common, team })
}

/// Adds a user who signs in with `password`. Only its SCRAM-SHA-256 verifier is sent: the
/// server never sees (so never logs) the clear text. Refused by the base unless the
/// session is an administrator's or the owner's.
pub fn add_user(
    client: &mut Client,
    name: &str,
    password: &str,
    roles: &[TeamRole],
) -> Result<(), PgStoreError> {
    if password.chars().count() < 12 {
        return Err(PgStoreError::Refused(
            "mot de passe trop court : 12 caractères au moins".into(),
        ));
    }
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    let roles: Vec<&str> = roles.iter().map(|r| r.name()).collect();
    client.execute(
        "SELECT team.add_user($1, $2, $3)",
        &[&name, &verifier, &roles],
    )?;
    Ok(())
}

/// A change of bank details asked and not yet decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBankChange {
    pub company_code: String,
    pub requested_by: String,
    /// `JJ/MM/AAAA à HH:MM`, the server's time zone.
    pub requested_at: String,
}

/// The bank detail changes waiting for a second administrator, by company. Read by every
/// role (the clerks' checks hold back the company's transfers meanwhile).
pub fn pending_bank_changes(
    db: &dyn crate::store::sql::Sql,
) -> Result<Vec<PendingBankChange>, crate::store::sql::SqlError> {
    if db.engine() != crate::store::sql::Engine::Postgres {
        return Ok(Vec::new());
    }
    db.rows(
        "SELECT company_code, requested_by,
             to_char(requested_at, 'DD/MM/YYYY \"à\" HH24:MI')
         FROM team.bank_change_requests WHERE state = 'EN_ATTENTE' ORDER BY company_code",
        &[],
        |r| {
            Ok(PendingBankChange {
                company_code: r.text(0)?,
                requested_by: r.text(1)?,
                requested_at: r.text(2)?,
            })
        },
    )
}

/// The roles of the signed-in user (empty: not a member of this team base).
pub fn my_roles(client: &mut Client) -> Result<Vec<TeamRole>, PgStoreError> {
    let rows = client.query(
        "SELECT role FROM team.user_roles WHERE user_name = session_user ORDER BY role",
        &[],
    )?;
    let mut roles: Vec<TeamRole> = rows
        .iter()
        .filter_map(|row| TeamRole::parse(row.get::<_, &str>(0)))
        .collect();
    roles.sort();
    Ok(roles)
}

/// Every user of the base and their roles, by name.
pub fn users(client: &mut Client) -> Result<Vec<(String, Vec<TeamRole>)>, PgStoreError> {
    let rows = client.query(
        "SELECT user_name, role FROM team.user_roles ORDER BY user_name, role",
        &[],
    )?;
    let mut users: Vec<(String, Vec<TeamRole>)> = Vec::new();
    for row in &rows {
        let user: String = row.get(0);
        let Some(role) = TeamRole::parse(row.get::<_, &str>(1)) else {
            continue;
        };
        match users.last_mut() {
            Some((last, roles)) if *last == user => roles.push(role),
            _ => users.push((user, vec![role])),
        }
    }
    Ok(users)
}

/// A change of a company's bank details, asked for by one administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankChange<'a> {
    pub company_code: &'a str,
    pub iban: &'a str,
    pub bic: &'a str,
    pub account_holder: &'a str,
    pub reason: &'a str,
}

/// Records the request; nothing changes until another administrator approves it.
pub fn request_bank_change(
    client: &mut Client,
    change: &BankChange<'_>,
) -> Result<i64, PgStoreError> {
    let row = client.query_one(
        "SELECT team.request_bank_change($1, $2, $3, $4, $5)",
        &[
            &change.company_code,
            &change.iban,
            &change.bic,
            &change.account_holder,
            &change.reason,
        ],
    )?;
    Ok(row.get(0))
}

/// Approves (the new details are written) or refuses a pending request; the base refuses
/// it to its author.
pub fn decide_bank_change(
    client: &mut Client,
    request: i64,
    approve: bool,
) -> Result<(), PgStoreError> {
    client.execute(
        "SELECT team.decide_bank_change($1, $2)",
        &[&request, &approve],
    )?;
    Ok(())
}
