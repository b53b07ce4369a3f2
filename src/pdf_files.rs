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

pub fn load_cache(store: &Store) -> Result<PdfCache, rusqlite::Error> {
    pdf_verdicts::load_all(store.conn())
}

/// The state of every distinct path in `paths`; new verdicts are saved in the store.
pub fn inspect_all(
    store: &mut Store,
    cache: &PdfCache,
    paths: &[&str],
    progress: &dyn Progress,
) -> Result<HashMap<String, PdfState>, rusqlite::Error> {
    let mut distinct: Vec<&str> = paths.iter().copied().filter(|p| !p.is_empty()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let total = distinct.len().max(1) as f32;
    let done = std::sync::atomic::AtomicUsize::new(0);
    // Stat calls and PDF parsing are independent per file: both cores help.
    let results: Vec<(String, PdfState, Option<StoredVerdict>)> = distinct
        .par_iter()
        .map(|path| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if n.is_multiple_of(2048) {
                progress.update(n as f32 / total, "Examen des fichiers PDF…");
            }
            let (state, fresh) = inspect_one(path, cache.get(*path));
            (path.to_string(), state, fresh)
        })
        .collect();
    let fresh: Vec<(String, StoredVerdict)> = results
        .iter()
        .filter_map(|(p, _, f)| f.clone().map(|f| (p.clone(), f)))
        .collect();
    pdf_verdicts::save_all(store.conn_mut(), &fresh)?;
    Ok(results.into_iter().map(|(p, s, _)| (p, s)).collect())
}

/// The file's state, and a verdict to remember when it was not already known.
fn inspect_one(path: &str, cached: Option<&StoredVerdict>) -> (PdfState, Option<StoredVerdict>) {
    let Ok(meta) = std::fs::metadata(path) else {
        return (PdfState::NotFound, None);
    };
    if !meta.is_file() {
        return (PdfState::NotFound, None);
    }
    let size = meta.len();
    let modified_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64);
    if let Some(c) = cached
        && c.size == size
        && c.modified_ns == modified_ns
    {
        return (state_of(c), None);
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
    (state_of(&stored), Some(stored))
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
