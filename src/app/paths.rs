//! Where the application keeps its files.

use std::path::PathBuf;

/// The user's database: `~/.local/share/chorus-depot/chorus-depot.sqlite` on Linux,
/// `%APPDATA%\ChorusDepot\chorus-depot\data\…` on Windows.
pub fn default_database() -> Option<PathBuf> {
    directories::ProjectDirs::from("fr", "ChorusDepot", "chorus-depot")
        .map(|d| d.data_dir().join("chorus-depot.sqlite"))
}
