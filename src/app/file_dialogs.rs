//! Choosing files: the system's dialog (rfd) when one can open, else a path typed in the
//! window. Where no dialog can open (no xdg portal and no zenity, as under a bare Xvfb),
//! rfd returns at once as if the user had cancelled: a dialog that "closes" faster than
//! anybody can click is taken as unavailable, and the window asks for a typed path.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How the window chooses files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileDialogs {
    /// The system's dialog, falling back to a typed path when it cannot open.
    Native,
    /// A typed path only (`CHORUS_DEPOT_NO_FILE_DIALOG=1`, the tests, or after a native
    /// dialog failed once in this session).
    Typed,
}

impl FileDialogs {
    pub fn from_env() -> FileDialogs {
        match std::env::var_os("CHORUS_DEPOT_NO_FILE_DIALOG") {
            Some(v) if !v.is_empty() && v != "0" => FileDialogs::Typed,
            _ => FileDialogs::Native,
        }
    }
}

/// What the dialog is for.
#[derive(Debug, Clone)]
pub enum DialogRequest {
    Folder {
        title: String,
        start: Option<PathBuf>,
    },
    Files {
        title: String,
        filter: Option<(String, Vec<String>)>,
    },
    Save {
        title: String,
        suggested: PathBuf,
    },
}

/// What the dialog gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Chosen(Vec<PathBuf>),
    Cancelled,
    /// No dialog could open: ask for a typed path.
    Unavailable,
}

/// Faster than this, nobody closed the dialog: it never opened.
const NOBODY_IS_THAT_FAST: Duration = Duration::from_millis(400);

/// Opens the system's dialog and waits for it. Call from a worker thread.
pub fn run_native(request: &DialogRequest) -> Picked {
    if !native_dialog_possible() {
        return Picked::Unavailable;
    }
    let started = Instant::now();
    let chosen: Vec<PathBuf> = match request {
        DialogRequest::Folder { title, start } => {
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some(dir) = start {
                dialog = dialog.set_directory(dir);
            }
            dialog.pick_folder().into_iter().collect()
        }
        DialogRequest::Files { title, filter } => {
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some((name, extensions)) = filter {
                dialog = dialog.add_filter(name, extensions);
            }
            dialog.pick_files().unwrap_or_default()
        }
        DialogRequest::Save { title, suggested } => {
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some(dir) = suggested.parent() {
                dialog = dialog.set_directory(dir);
            }
            if let Some(name) = suggested.file_name() {
                dialog = dialog.set_file_name(name.to_string_lossy());
            }
            dialog.save_file().into_iter().collect()
        }
    };
    if !chosen.is_empty() {
        Picked::Chosen(chosen)
    } else if started.elapsed() < NOBODY_IS_THAT_FAST {
        Picked::Unavailable
    } else {
        Picked::Cancelled
    }
}

/// On Linux a dialog needs the xdg portal (over the session bus) or zenity; elsewhere the
/// system always has one.
fn native_dialog_possible() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| Path::new(&dir).join("bus").exists());
    session_bus || on_path("zenity")
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(program).is_file()))
}

/// Where exports are offered to go: the user's Documents, else the home folder, else
/// `fallback` (the exports folder next to the base).
pub fn default_export_dir(fallback: &Path) -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| {
            u.document_dir()
                .map(Path::to_path_buf)
                .or_else(|| Some(u.home_dir().to_path_buf()))
        })
        .filter(|d| d.is_dir())
        .unwrap_or_else(|| fallback.to_path_buf())
}

/// The paths typed in the window: one per line, blank lines and quotes (from a paste of
/// a file manager's « copy path ») left out.
pub fn typed_paths(text: &str) -> Vec<PathBuf> {
    text.lines()
        .map(|l| l.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|l| !l.is_empty())
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_are_one_per_line_without_quotes() {
        assert_eq!(
            typed_paths("  '/tmp/a b.pdf'\n\n\"/tmp/c.pdf\"\n"),
            vec![PathBuf::from("/tmp/a b.pdf"), PathBuf::from("/tmp/c.pdf")]
        );
        assert!(typed_paths(" \n ").is_empty());
    }
}
