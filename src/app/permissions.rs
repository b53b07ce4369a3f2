//! What the signed-in user may do, for the window to grey what the role cannot (issue 11).
//! The team base enforces the same rules itself (grants): this only spares the user a
//! refusal and says why beforehand. A single user's SQLite base allows everything.

use crate::store::SignedIn;
use crate::store::postgres::team::TeamRole;

/// Work the window offers that some roles may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// « Génération du flux », « Déposer sur Chorus », the sequential deposit.
    Deposit,
    /// « Synchroniser avec Chorus Pro ».
    Sync,
    /// « Importer l'ERP… », the directory import and refresh.
    Import,
    /// Recycle, complete, mark for a credit note.
    ReturnedActions,
    /// « Paramétrage » (companies, Chorus Pro accounts, payment terms).
    Settings,
}

impl Capability {
    /// The roles that may do it (any one of them).
    fn roles(self) -> &'static [TeamRole] {
        match self {
            Capability::Deposit
            | Capability::Sync
            | Capability::Import
            | Capability::ReturnedActions => &[TeamRole::Commis],
            Capability::Settings => &[TeamRole::Administrateur],
        }
    }

    fn what(self) -> &'static str {
        match self {
            Capability::Deposit => "déposer sur Chorus Pro",
            Capability::Sync => "synchroniser avec Chorus Pro",
            Capability::Import => "importer dans la base d'équipe",
            Capability::ReturnedActions => "traiter les factures retournées",
            Capability::Settings => "modifier le paramétrage",
        }
    }
}

/// The signed-in user of a team base, or the single user of a SQLite base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    signed_in: Option<SignedIn>,
}

fn role_label(role: TeamRole) -> &'static str {
    match role {
        TeamRole::Commis => "commis",
        TeamRole::Gestionnaire => "gestionnaire",
        TeamRole::Administrateur => "administrateur",
    }
}

impl Permissions {
    /// A single user's base: everything allowed.
    pub fn single_user() -> Permissions {
        Permissions::default()
    }

    pub fn team(signed_in: SignedIn) -> Permissions {
        Permissions {
            signed_in: Some(signed_in),
        }
    }

    /// `Err` says, in French, why the signed-in user may not.
    pub fn check(&self, what: Capability) -> Result<(), String> {
        let Some(user) = &self.signed_in else {
            return Ok(());
        };
        if user.roles.iter().any(|r| what.roles().contains(r)) {
            return Ok(());
        }
        Err(format!(
            "Pour {}, il faut être {} : {}",
            what.what(),
            what.roles()
                .iter()
                .map(|r| role_label(*r))
                .collect::<Vec<_>>()
                .join(" ou "),
            match user.roles.is_empty() {
                true => format!("{} n'a aucun rôle dans cette base", user.user),
                false => format!("{} est {}", user.user, self.roles_text()),
            }
        ))
    }

    fn roles_text(&self) -> String {
        self.signed_in
            .as_ref()
            .map(|u| {
                u.roles
                    .iter()
                    .map(|r| role_label(*r))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    }

    /// « camille (commis) » for the status bar; `None` on a single user's base.
    pub fn who(&self) -> Option<String> {
        let user = self.signed_in.as_ref()?;
        let roles = self.roles_text();
        Some(if roles.is_empty() {
            format!("{} (aucun rôle)", user.user)
        } else {
            format!("{} ({roles})", user.user)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, roles: &[TeamRole]) -> Permissions {
        Permissions::team(SignedIn {
            user: name.into(),
            roles: roles.to_vec(),
        })
    }

    #[test]
    fn each_role_may_do_its_work_and_is_told_why_not_otherwise() {
        let all = [
            Capability::Deposit,
            Capability::Sync,
            Capability::Import,
            Capability::ReturnedActions,
            Capability::Settings,
        ];
        assert!(
            all.iter()
                .all(|c| Permissions::single_user().check(*c).is_ok())
        );
        let clerk = user("camille", &[TeamRole::Commis]);
        assert!(clerk.check(Capability::Deposit).is_ok());
        let why = clerk.check(Capability::Settings).unwrap_err();
        assert_eq!(
            why,
            "Pour modifier le paramétrage, il faut être administrateur : camille est commis"
        );
        let manager = user("gaelle", &[TeamRole::Gestionnaire]);
        assert!(all.iter().all(|c| manager.check(*c).is_err()));
        assert!(
            manager
                .check(Capability::Deposit)
                .unwrap_err()
                .contains("gaelle est gestionnaire")
        );
        let both = user("adele", &[TeamRole::Administrateur, TeamRole::Commis]);
        assert!(all.iter().all(|c| both.check(*c).is_ok()));
        assert_eq!(
            both.who().as_deref(),
            Some("adele (administrateur, commis)")
        );
        assert_eq!(user("x", &[]).who().as_deref(), Some("x (aucun rôle)"));
        assert_eq!(Permissions::single_user().who(), None);
    }
}
