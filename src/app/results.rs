//! The results of the long tasks, kept whole for the « Résultats » panel: one entry per
//! task (check, imports, deposits, sync, exports, connection test…), newest first, each
//! with every line of its report, errors included. The status bar only summarises the
//! latest; the panel copies or exports any entry as text.

use super::jobs::JobProgress;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Entries kept: older ones go (their files, if any, stay on disk).
const MAX_ENTRIES: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultState {
    Running,
    Succeeded,
    /// Ended, with at least one line in error (a deposit with failures, a sync with errors).
    Warnings,
    Failed,
    Stopped,
}

impl ResultState {
    pub fn label(self) -> &'static str {
        match self {
            ResultState::Running => "en cours",
            ResultState::Succeeded => "terminé",
            ResultState::Warnings => "terminé avec des erreurs",
            ResultState::Failed => "échec",
            ResultState::Stopped => "arrêté",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultLine {
    pub error: bool,
    pub text: String,
}

impl ResultLine {
    pub fn info(text: impl Into<String>) -> ResultLine {
        ResultLine {
            error: false,
            text: text.into(),
        }
    }

    pub fn error(text: impl Into<String>) -> ResultLine {
        ResultLine {
            error: true,
            text: text.into(),
        }
    }
}

pub struct TaskResult {
    pub id: u64,
    pub title: String,
    pub started_at: chrono::DateTime<chrono::Local>,
    pub state: ResultState,
    pub lines: Vec<ResultLine>,
    /// While the task runs: its progress, stop flag and the lines told so far.
    pub progress: Option<Arc<JobProgress>>,
    pub elapsed: Option<Duration>,
    /// The file the task wrote (an export), for « Ouvrir le dossier ».
    pub file: Option<PathBuf>,
}

impl TaskResult {
    /// The first line of the report, or what the task is doing while it runs.
    pub fn headline(&self) -> String {
        if let Some(progress) = &self.progress {
            let (_, message) = progress.snapshot();
            return if message.is_empty() {
                format!("{}…", self.title)
            } else {
                format!("{} : {message}", self.title)
            };
        }
        match self.lines.first() {
            Some(line) => format!("{} : {}", self.title, line.text),
            None => format!("{} : {}", self.title, self.state.label()),
        }
    }

    /// The whole entry as plain text, for « Copier » and « Exporter ».
    pub fn as_text(&self) -> String {
        let mut out = format!(
            "{} — {} — {}",
            self.title,
            self.started_at.format("%d/%m/%Y %H:%M:%S"),
            self.state.label()
        );
        if let Some(elapsed) = self.elapsed {
            out.push_str(&format!(" en {}", crate::model::format_duration(elapsed)));
        }
        out.push('\n');
        let live = self
            .progress
            .as_ref()
            .map(|p| p.details_from(0))
            .unwrap_or_default();
        for line in &self.lines {
            out.push_str(if line.error { "ERREUR : " } else { "" });
            out.push_str(&line.text);
            out.push('\n');
        }
        for line in live {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    pub fn has_errors(&self) -> bool {
        self.lines.iter().any(|l| l.error)
    }
}

/// « Dépôt sur Chorus Pro : Facture 2300630 (3/40) — 8 % — reste environ 2 min 10 s ».
pub fn progress_text(title: &str, progress: &JobProgress) -> String {
    let (fraction, message) = progress.snapshot();
    let mut text = if message.is_empty() {
        format!("{title}…")
    } else {
        format!("{title} : {message}")
    };
    if fraction > 0.0 && fraction < 1.0 {
        text.push_str(&format!(" — {} %", (fraction * 100.0).floor() as u32));
    }
    if let Some(left) = progress.remaining() {
        text.push_str(" — ");
        text.push_str(&crate::model::format_remaining(left));
    }
    text
}

#[derive(Default)]
pub struct ResultsLog {
    /// Newest first.
    entries: Vec<TaskResult>,
    next_id: u64,
    /// Bumped at every change, so the panel can open the newest entry.
    pub generation: u64,
}

impl ResultsLog {
    pub fn entries(&self) -> &[TaskResult] {
        &self.entries
    }

    pub fn get(&self, id: u64) -> Option<&TaskResult> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn latest(&self) -> Option<&TaskResult> {
        self.entries.first()
    }

    /// A task starts: its entry shows its progress until `finish`.
    pub fn begin(&mut self, title: &str, progress: Option<Arc<JobProgress>>) -> u64 {
        self.next_id += 1;
        self.generation += 1;
        self.entries.insert(
            0,
            TaskResult {
                id: self.next_id,
                title: title.to_string(),
                started_at: chrono::Local::now(),
                state: ResultState::Running,
                lines: Vec::new(),
                progress,
                elapsed: None,
                file: None,
            },
        );
        self.entries.truncate(MAX_ENTRIES);
        self.next_id
    }

    /// A task ends with its whole report. `stopped`: the user asked it to stop.
    pub fn finish(&mut self, id: u64, lines: Vec<ResultLine>, failed: bool, stopped: bool) {
        self.generation += 1;
        let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) else {
            return;
        };
        entry.elapsed = Some(
            (chrono::Local::now() - entry.started_at)
                .to_std()
                .unwrap_or_default(),
        );
        entry.progress = None;
        entry.lines = lines;
        entry.state = if failed {
            ResultState::Failed
        } else if stopped {
            ResultState::Stopped
        } else if entry.has_errors() {
            ResultState::Warnings
        } else {
            ResultState::Succeeded
        };
    }

    /// Forgets an entry (an automatic reload that found nothing new).
    pub fn discard(&mut self, id: u64) {
        self.entries.retain(|e| e.id != id);
        self.generation += 1;
    }

    /// A short task done at once (an export, a letter): begun and finished.
    pub fn record(&mut self, title: &str, lines: Vec<ResultLine>, file: Option<PathBuf>) -> u64 {
        let failed = lines.iter().all(|l| l.error) && !lines.is_empty();
        let id = self.begin(title, None);
        self.finish(id, lines, failed, false);
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.file = file;
            entry.elapsed = None;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_come_newest_first_and_keep_every_line_errors_included() {
        let mut log = ResultsLog::default();
        let sync = log.begin("Synchronisation avec Chorus Pro", None);
        let export = log.record(
            "Export CSV",
            vec![ResultLine::info("Fichier écrit : /tmp/x.csv (3 lignes)")],
            Some(PathBuf::from("/tmp/x.csv")),
        );
        assert_eq!(log.entries()[0].id, export);
        assert_eq!(log.get(sync).unwrap().state, ResultState::Running);
        let lines: Vec<ResultLine> = (0..300)
            .map(|i| ResultLine::info(format!("ligne {i}")))
            .chain([ResultLine::error("le flux F-1 n'a pas pu être lu")])
            .collect();
        log.finish(sync, lines, false, false);
        let entry = log.get(sync).unwrap();
        assert_eq!(entry.state, ResultState::Warnings);
        let text = entry.as_text();
        assert!(
            text.contains("ligne 0\n") && text.contains("ligne 299\n"),
            "{text}"
        );
        assert!(
            text.contains("ERREUR : le flux F-1 n'a pas pu être lu"),
            "{text}"
        );
        assert!(
            entry
                .headline()
                .starts_with("Synchronisation avec Chorus Pro : ligne 0")
        );
    }

    #[test]
    fn a_failed_or_stopped_task_says_so() {
        let mut log = ResultsLog::default();
        let a = log.begin("Import de l'ERP", None);
        log.finish(
            a,
            vec![ResultLine::error("dossier introuvable")],
            true,
            false,
        );
        assert_eq!(log.get(a).unwrap().state, ResultState::Failed);
        let b = log.begin("Dépôt sur Chorus Pro", None);
        log.finish(b, vec![ResultLine::info("2 déposées")], false, true);
        assert_eq!(log.get(b).unwrap().state, ResultState::Stopped);
    }
}
