//! Examines the invoices' PDF files and remembers each verdict by path, size and
//! modification time, so that a check run only re-reads the files that changed.

use crate::checks::PdfState;
use crate::checks::rules::MAX_PDF_BYTES;
use crate::progress::Progress;
use crate::store::Store;
use crate::store::pdf_verdicts::{self, StoredVerdict};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

const READABLE: &str = "LISIBLE";
const UNREADABLE: &str = "ILLISIBLE";
const TOO_LARGE: &str = "TROP_VOLUMINEUX";

/// The verdicts remembered from earlier runs, by path.
pub type PdfCache = HashMap<String, StoredVerdict>;

/// What a file looked like: its size and modification time, or `None` when there was no
/// regular file at that path. Two equal stamps: the file did not change.
pub type Stamp = Option<(u64, i64)>;

/// The examined files' states and stamps, by path, and the verdicts to remember.
pub struct Inspection {
    pub states: HashMap<String, PdfState>,
    /// Sorted by path.
    pub stamps: Vec<(String, Stamp)>,
    /// Verdicts made by this inspection (files new or changed), for the caller to save
    /// with `store::pdf_verdicts::save_all`.
    pub fresh: Vec<(String, StoredVerdict)>,
}

fn stamp_of(meta: &std::fs::Metadata) -> (u64, i64) {
    let modified_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    (meta.len(), modified_ns)
}

/// The stamp of one path.
pub fn stamp(path: &str) -> Stamp {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| stamp_of(&m))
}

/// Whether every file still has the stamp it had (stat calls on both cores).
pub fn unchanged(stamps: &[(String, Stamp)]) -> bool {
    stamps.par_iter().all(|(path, s)| stamp(path) == *s)
}

pub fn load_cache(store: &Store) -> Result<PdfCache, rusqlite::Error> {
    pdf_verdicts::load_all(store.conn())
}

/// The state of every distinct path in `paths`, and the new verdicts to remember.
pub fn inspect_all(cache: &PdfCache, paths: &[&str], progress: &dyn Progress) -> Inspection {
    let mut distinct: Vec<&str> = paths.iter().copied().filter(|p| !p.is_empty()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let total = distinct.len().max(1) as f32;
    let done = std::sync::atomic::AtomicUsize::new(0);
    // Stat calls and PDF parsing are independent per file: both cores help.
    let results: Vec<(String, PdfState, Option<StoredVerdict>, Stamp)> = distinct
        .par_iter()
        .map(|path| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n.is_multiple_of(2048) {
                progress.update(n as f32 / total, "Examen des fichiers PDF…");
            }
            let (state, fresh, stamp) = inspect_one(path, cache.get(*path));
            (path.to_string(), state, fresh, stamp)
        })
        .collect();
    let fresh: Vec<(String, StoredVerdict)> = results
        .iter()
        .filter_map(|(p, _, f, _)| f.clone().map(|f| (p.clone(), f)))
        .collect();
    let mut inspection = Inspection {
        states: HashMap::with_capacity(results.len()),
        stamps: Vec::with_capacity(results.len()),
        fresh,
    };
    for (path, state, _, stamp) in results {
        inspection.stamps.push((path.clone(), stamp));
        inspection.states.insert(path, state);
    }
    inspection
}

/// The file's state, a verdict to remember when it was not already known, and its stamp.
fn inspect_one(
    path: &str,
    cached: Option<&StoredVerdict>,
) -> (PdfState, Option<StoredVerdict>, Stamp) {
    let Ok(meta) = std::fs::metadata(path) else {
        return (PdfState::NotFound, None, None);
    };
    if !meta.is_file() {
        return (PdfState::NotFound, None, None);
    }
    let (size, modified_ns) = stamp_of(&meta);
    let stamp = Some((size, modified_ns));
    if let Some(c) = cached
        && c.size == size
        && c.modified_ns == modified_ns
    {
        return (state_of(c), None, stamp);
    }
    let (verdict, pages, detail) = if size > MAX_PDF_BYTES {
        (TOO_LARGE, 0, String::new())
    } else {
        match examine(Path::new(path)) {
            Ok(pages) => (READABLE, pages, String::new()),
            Err(why) => (UNREADABLE, 0, why),
        }
    };
    let stored = StoredVerdict {
        size,
        modified_ns,
        verdict: verdict.to_string(),
        pages,
        detail,
    };
    (state_of(&stored), Some(stored), stamp)
}

fn state_of(v: &StoredVerdict) -> PdfState {
    match v.verdict.as_str() {
        READABLE => PdfState::Readable { pages: v.pages },
        TOO_LARGE => PdfState::TooLarge(v.size),
        _ => PdfState::Unreadable(v.detail.clone()),
    }
}

/// Parses the file; returns its page count or why it cannot be read, in French.
pub fn examine(path: &Path) -> Result<u32, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("lecture impossible ({e})"))?;
    if bytes.is_empty() {
        return Err("le fichier est vide".into());
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err("ce n'est pas un fichier PDF (en-tête %PDF absent)".into());
    }
    // A parser bug on a hostile file must not take the whole check run down.
    let parsed = std::panic::catch_unwind(|| lopdf::Document::load_mem(&bytes));
    match parsed {
        Err(_) => Err("structure PDF invalide".into()),
        Ok(Err(e)) => Err(format!("structure PDF invalide ({e})")),
        Ok(Ok(doc)) => {
            let pages = doc.get_pages().len() as u32;
            if pages == 0 {
                Err("le document n'a aucune page".into())
            } else {
                Ok(pages)
            }
        }
    }
}
