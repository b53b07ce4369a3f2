//! What the window remembers between runs besides its size and place (eframe keeps those):
//! the tab, the sorts of the control tables, the deposited invoices shown or not, and the
//! optional columns of the « Gestionnaire » tree.
//!
//! Stored by eframe (RON) under one key. Every field is optional and named by text, so a
//! file from an older or newer version, or a column that no longer exists, is just ignored.

use super::Tab;
use crate::app::control_model::{Column, ControlModel, Sort};
use crate::app::manager_view::ExtraColumn;
use serde::{Deserialize, Serialize};

/// The key in eframe's storage.
pub const STORAGE_KEY: &str = "chorus_depot_window";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Remembered {
    pub tab: Option<String>,
    /// (column, ascending) of the conformant and of the anomalies tables.
    pub conformant_sort: Option<(String, bool)>,
    pub anomalous_sort: Option<(String, bool)>,
    pub show_deposited: Option<bool>,
    pub manager_columns: Option<Vec<String>>,
}

const TABS: [(Tab, &str); 5] = [
    (Tab::Control, "control"),
    (Tab::Deposit, "deposit"),
    (Tab::Manager, "manager"),
    (Tab::Directory, "directory"),
    (Tab::Accounts, "accounts"),
];

fn tab_name(tab: Tab) -> String {
    TABS.iter()
        .find(|(t, _)| *t == tab)
        .map_or("control", |(_, n)| n)
        .to_string()
}

fn tab_named(name: &str) -> Option<Tab> {
    TABS.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
}

fn sort_entry(sort: Sort) -> (String, bool) {
    (format!("{:?}", sort.column), sort.ascending)
}

fn sort_named(entry: &(String, bool)) -> Option<Sort> {
    let column = Column::INVOICE_COLUMNS
        .into_iter()
        .chain([Column::Deposit])
        .find(|c| format!("{c:?}") == entry.0)?;
    Some(Sort {
        column,
        ascending: entry.1,
    })
}

impl Remembered {
    /// Reads what eframe stored; anything unreadable counts as nothing remembered.
    pub fn load(storage: Option<&dyn eframe::Storage>) -> Remembered {
        storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default()
    }

    /// Gives a control model (new, or rebuilt) the remembered sorts and display.
    pub fn apply_to_control(&self, model: &mut ControlModel) {
        let conformant = self.conformant_sort.as_ref().and_then(sort_named);
        let anomalous = self.anomalous_sort.as_ref().and_then(sort_named);
        model.set_sorts(
            conformant.unwrap_or(model.conformant_sort),
            anomalous.unwrap_or(model.anomalous_sort),
        );
        if let Some(show) = self.show_deposited {
            model.set_show_deposited(show);
        }
    }
}

impl super::ChorusDepotApp {
    /// The state worth keeping for the next run.
    pub fn remembered(&self) -> Remembered {
        let mut r = self.remembered.clone();
        r.tab = Some(tab_name(self.tab));
        if let Some(model) = &self.control {
            r.conformant_sort = Some(sort_entry(model.conformant_sort));
            r.anomalous_sort = Some(sort_entry(model.anomalous_sort));
            r.show_deposited = Some(model.shows_deposited());
        }
        r.manager_columns = Some(
            self.manager
                .tree
                .columns
                .iter()
                .map(|c| format!("{c:?}"))
                .collect(),
        );
        r
    }

    /// Puts the window back as it was left (the tables get their sorts when they exist).
    pub fn restore(&mut self, remembered: Remembered) {
        if let Some(tab) = remembered.tab.as_deref().and_then(tab_named) {
            self.tab = tab;
        }
        if let Some(names) = &remembered.manager_columns {
            self.manager.tree.columns = ExtraColumn::ALL
                .into_iter()
                .filter(|c| names.contains(&format!("{c:?}")))
                .collect();
        }
        if let Some(model) = &mut self.control {
            remembered.apply_to_control(model);
        }
        self.remembered = remembered;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_or_foreign_file_is_read_as_far_as_it_goes() {
        let old: Remembered = serde_json::from_str(r#"{"tab": "manager", "gone": 1}"#).unwrap();
        assert_eq!(old.tab.as_deref(), Some("manager"));
        assert_eq!(old.conformant_sort, None);
        let unknown = sort_named(&("NoSuchColumn".to_string(), true));
        assert_eq!(unknown, None);
        assert_eq!(
            sort_named(&sort_entry(Sort {
                column: Column::Client,
                ascending: false
            })),
            Some(Sort {
                column: Column::Client,
                ascending: false
            })
        );
        assert_eq!(tab_named(&tab_name(Tab::Directory)), Some(Tab::Directory));
    }
}
