//! The session's file choices: the system's dialog on a worker thread, or a typed path
//! when no dialog can open (`app::file_dialogs`); « Enregistrer sous » for every export,
//! then the file written and recorded in the results with its folder.

use super::{ExportFormat, FilePurpose, Notice, Reply, Session, attachment_infos};
use crate::app::file_dialogs::{DialogRequest, FileDialogs, Picked, typed_paths};
use crate::app::results::ResultLine;
use crate::app::table_export::{self, Table};
use std::path::{Path, PathBuf};

/// What a file choice is for.
pub enum FileRequest {
    Pick(FilePurpose),
    /// Attachments of a completion (« Compléter… »).
    Attachments,
    /// « Enregistrer sous »: where to write this.
    Save(Box<SaveWhat>, String),
}

/// What an export writes.
pub enum SaveWhat {
    Table(Table, ExportFormat),
    /// The reminder letter of this invoice (made from the base once the place is chosen).
    Relance(String),
    /// A report of the results panel, as text.
    Text(String),
}

/// A path to type, asked when no dialog can open.
pub struct PathPrompt {
    pub request: FileRequest,
    pub title: String,
    /// Why the field is there (no dialog), or what was wrong with the last answer.
    pub message: String,
    pub text: String,
    /// Several paths, one per line.
    pub multiple: bool,
    pub error: Option<String>,
}

impl FileRequest {
    fn title(&self) -> String {
        match self {
            FileRequest::Pick(FilePurpose::ErpFolder) => "Dossier des fichiers CSV de l'ERP".into(),
            FileRequest::Pick(FilePurpose::DirectoryFiles) => {
                "Annuaire Chorus Pro : fichiers structures et services".into()
            }
            FileRequest::Attachments => "Pièces jointes à ajouter à la facture suspendue".into(),
            FileRequest::Save(_, title) => title.clone(),
        }
    }

    fn dialog(&self, suggested: Option<PathBuf>) -> DialogRequest {
        let title = self.title();
        match self {
            FileRequest::Pick(FilePurpose::ErpFolder) => DialogRequest::Folder {
                title,
                start: suggested,
            },
            FileRequest::Pick(FilePurpose::DirectoryFiles) => DialogRequest::Files {
                title,
                filter: Some((
                    "Annuaire (CSV, XLSX)".into(),
                    vec!["csv".into(), "xlsx".into()],
                )),
            },
            FileRequest::Attachments => DialogRequest::Files {
                title,
                filter: None,
            },
            FileRequest::Save(..) => DialogRequest::Save {
                title,
                suggested: suggested.unwrap_or_default(),
            },
        }
    }
}

impl Session {
    /// Opens a file dialog on its own thread, so the window keeps drawing; where none can
    /// open, asks for a typed path.
    pub fn pick_files(&mut self, purpose: FilePurpose) {
        // The ERP's files often sit next to the base (the demo's do): the typed path
        // starts there.
        let near_base = match purpose {
            FilePurpose::ErpFolder => self.db_path.parent().map(Path::to_path_buf),
            FilePurpose::DirectoryFiles => None,
        };
        self.choose(FileRequest::Pick(purpose), near_base);
    }

    /// « Ajouter des pièces… » of a completion.
    pub fn pick_attachments(&mut self) {
        self.choose(FileRequest::Attachments, None);
    }

    /// Writes `table` where the user says (« Enregistrer sous », in Documents by default).
    pub fn export_table(&mut self, table: Table, format: ExportFormat, stem: &str) {
        let name = format!(
            "{stem}-{}.{}",
            chrono::Local::now().format("%Y%m%d-%H%M%S"),
            match format {
                ExportFormat::Csv => "csv",
                ExportFormat::Xlsx => "xlsx",
            }
        );
        self.save_as(
            SaveWhat::Table(table, format),
            &name,
            "Enregistrer l'export sous",
        );
    }

    /// « Lettre de relance » of an overdue invoice: a PDF where the user says.
    pub fn write_relance(&mut self, number: String) {
        let name = format!(
            "relance-{number}-{}.pdf",
            chrono::Local::now().format("%Y%m%d")
        );
        self.save_as(
            SaveWhat::Relance(number),
            &name,
            "Enregistrer la lettre de relance sous",
        );
    }

    /// « Exporter » of an entry of the results panel, as a text file.
    pub fn export_result(&mut self, id: u64) {
        let Some(entry) = self.results.get(id) else {
            return;
        };
        let text = entry.as_text();
        let name = format!("resultats-{}.txt", entry.started_at.format("%Y%m%d-%H%M%S"));
        self.save_as(
            SaveWhat::Text(text),
            &name,
            "Enregistrer le compte rendu sous",
        );
    }

    /// The folder exports are offered to go to (Documents unless the tests say otherwise).
    pub fn set_export_dir(&mut self, dir: PathBuf) {
        self.export_dir = Some(dir);
    }

    fn save_as(&mut self, what: SaveWhat, name: &str, title: &str) {
        let dir = self
            .export_dir
            .clone()
            .unwrap_or_else(|| super::exports_dir(&self.db_path));
        self.choose(
            FileRequest::Save(Box::new(what), title.to_string()),
            Some(dir.join(name)),
        );
    }

    fn choose(&mut self, request: FileRequest, suggested: Option<PathBuf>) {
        if self.path_prompt.is_some() {
            return;
        }
        if self.file_dialogs == FileDialogs::Typed {
            self.prompt(request, suggested, None);
            return;
        }
        let tx = self.tx.clone();
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            let picked = crate::app::file_dialogs::run_native(&request.dialog(suggested.clone()));
            let _ = tx.send(Reply::Dialog(Box::new(request), suggested, picked));
            waker();
        });
    }

    fn prompt(&mut self, request: FileRequest, suggested: Option<PathBuf>, why: Option<&str>) {
        let multiple = matches!(
            request,
            FileRequest::Attachments | FileRequest::Pick(FilePurpose::DirectoryFiles)
        );
        let what = match &request {
            FileRequest::Pick(FilePurpose::ErpFolder) => "le chemin du dossier",
            FileRequest::Save(..) => "le chemin du fichier à écrire",
            _ if multiple => "les chemins des fichiers, un par ligne",
            _ => "le chemin du fichier",
        };
        let message = match why {
            Some(why) => format!("{why} Saisissez {what}."),
            None => format!("Saisissez {what}."),
        };
        self.path_prompt = Some(PathPrompt {
            title: request.title(),
            request,
            message,
            text: suggested
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            multiple,
            error: None,
        });
    }

    /// « Valider » in the typed-path field.
    pub fn answer_prompt(&mut self) {
        let Some(prompt) = self.path_prompt.as_mut() else {
            return;
        };
        let paths = typed_paths(&prompt.text);
        if paths.is_empty() {
            prompt.error = Some("Aucun chemin saisi".into());
            return;
        }
        if paths.iter().any(|p| p.is_relative()) {
            prompt.error =
                Some("Saisissez un chemin complet (par exemple /home/nom/Documents/…)".into());
            return;
        }
        if let Some(prompt) = self.path_prompt.take() {
            self.deliver(prompt.request, paths);
        }
    }

    /// « Annuler » in the typed-path field.
    pub fn cancel_prompt(&mut self) {
        self.path_prompt = None;
    }

    pub(super) fn dialog_answered(
        &mut self,
        request: FileRequest,
        suggested: Option<PathBuf>,
        picked: Picked,
    ) {
        match picked {
            Picked::Chosen(paths) => self.deliver(request, paths),
            Picked::Cancelled => {
                if matches!(request, FileRequest::Save(..)) {
                    self.notice(false, "Export annulé : aucun fichier écrit");
                }
            }
            Picked::Unavailable => {
                // Not tried again in this session: each try would only lose time.
                self.file_dialogs = FileDialogs::Typed;
                self.prompt(
                    request,
                    suggested,
                    Some(
                        "Aucune fenêtre de choix de fichiers n'a pu s'ouvrir sur ce poste \
                         (ni portail du bureau, ni zenity).",
                    ),
                );
            }
        }
    }

    fn deliver(&mut self, request: FileRequest, paths: Vec<PathBuf>) {
        match request {
            FileRequest::Pick(purpose) => self.picked_files = Some((purpose, paths)),
            FileRequest::Attachments => {
                // Their sizes are read off the UI thread.
                let tx = self.tx.clone();
                let waker = self.waker.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(Reply::AttachmentsPicked(attachment_infos(paths)));
                    waker();
                });
            }
            FileRequest::Save(what, _) => {
                if let Some(path) = paths.into_iter().next() {
                    self.write_export(*what, path);
                }
            }
        }
    }

    fn write_export(&mut self, what: SaveWhat, path: PathBuf) {
        match what {
            SaveWhat::Table(table, format) => self.in_background(move || {
                let rows = table.rows.len();
                match format {
                    ExportFormat::Csv => table_export::to_csv(&table),
                    ExportFormat::Xlsx => table_export::to_xlsx(&table, "Suivi"),
                }
                .and_then(|bytes| write_file(&path, &bytes))
                .map(|()| Reply::Exported(path, rows))
                .unwrap_or_else(|e| export_failed(format!("Export impossible : {e}")))
            }),
            SaveWhat::Text(text) => self.in_background(move || {
                let rows = text.lines().count();
                write_file(&path, text.as_bytes())
                    .map(|()| Reply::Exported(path, rows))
                    .unwrap_or_else(|e| export_failed(format!("Export impossible : {e}")))
            }),
            SaveWhat::Relance(number) => self.query(move |store| {
                let today = crate::clock::today();
                let made = (|| -> Result<(), String> {
                    let settings = crate::tracking::payments::PaymentSettings::load(store.db())
                        .map_err(|e| e.to_string())?;
                    let letter = crate::tracking::relance::relance_letter(
                        store.db(),
                        &number,
                        &settings,
                        today,
                    )
                    .map_err(|e| e.to_string())?;
                    let pdf = crate::tracking::relance::relance_pdf(&letter)
                        .map_err(|e| e.to_string())?;
                    write_file(&path, &pdf)
                })();
                match made {
                    Ok(()) => Reply::Exported(path, 1),
                    Err(e) => export_failed(format!("Relance de {number} : {e}")),
                }
            }),
        }
    }

    fn in_background(&self, work: impl FnOnce() -> Reply + Send + 'static) {
        let tx = self.tx.clone();
        let waker = self.waker.clone();
        std::thread::spawn(move || {
            let _ = tx.send(work());
            waker();
        });
    }

    /// An export written: said in the status bar, kept in the results with its folder.
    pub(super) fn exported(&mut self, path: PathBuf, rows: usize) {
        let what = crate::app::status::counted(rows, "ligne", "lignes");
        let text = format!("Fichier écrit : {} ({what})", path.display());
        self.results.record(
            "Export",
            vec![ResultLine::info(text.clone())],
            Some(path.clone()),
        );
        self.notice(false, text);
        self.last_export = Some(path);
    }

    /// « Ouvrir le dossier » of a file written.
    pub fn open_folder_of(&self, file: &Path) {
        if let Some(dir) = file.parent() {
            self.open_with_system(dir.display().to_string());
        }
    }
}

fn export_failed(text: String) -> Reply {
    Reply::ExportFailed(Notice { error: true, text })
}

pub(super) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{} : {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("{} : {e}", path.display()))
}
