//! Examines the invoices' PDF files and remembers each verdict by path, size and
//! modification time, so that a check run only re-reads the files that changed.

use crate::checks::PdfState;
use crate::checks::rules::MAX_PDF_BYTES;
use crate::progress::Progress;
use crate::store::Store;
use crate::store::pdf_verdicts::{self, StoredVerdict};
use crate::store::sql::SqlError;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::time::UNIX_EPOCH;

const READABLE: &str = "LISIBLE";
const UNREADABLE: &str = "ILLISIBLE";
const TOO_LARGE: &str = "TROP_VOLUMINEUX";
const PROTECTED: &str = "PROTEGE";

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

pub fn load_cache(store: &Store) -> Result<PdfCache, SqlError> {
    pdf_verdicts::load_all(store.db())
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
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return (PdfState::NotFound, None, None);
        }
        Err(e) => return (PdfState::Unreadable(access_error(&e)), None, None),
    };
    // Only a regular file is opened: a FIFO would block the check forever, a device
    // (`/dev/zero`) would be read until memory runs out.
    if !meta.is_file() {
        let what = special_file_kind(&meta);
        return (
            PdfState::Unreadable(format!("le chemin n'est pas un fichier : c'est {what}")),
            None,
            None,
        );
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
            Err(Examined::Protected) => (PROTECTED, 0, String::new()),
            Err(Examined::Unreadable(why)) => (UNREADABLE, 0, why),
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
        PROTECTED => PdfState::Protected,
        _ => PdfState::Unreadable(v.detail.clone()),
    }
}

/// Why a PDF cannot be joined to an e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Examined {
    /// Encrypted (an owner or a user password): Chorus Pro and the buyer's software may not
    /// open it, and embedding it would carry the encryption into the UBL or CII.
    Protected,
    /// Why, in French.
    Unreadable(String),
}

/// Parses the file; returns its page count, or why it cannot be joined.
pub fn examine(path: &Path) -> Result<u32, Examined> {
    let unreadable = |why: String| Examined::Unreadable(why);
    let bytes = std::fs::read(path).map_err(|e| unreadable(format!("lecture impossible ({e})")))?;
    examine_bytes(&bytes)
}

/// The same examination on bytes already read (the e-invoice's attachment).
pub fn examine_bytes(bytes: &[u8]) -> Result<u32, Examined> {
    let unreadable = |why: &str| Examined::Unreadable(why.to_string());
    if bytes.is_empty() {
        return Err(unreadable("le fichier est vide"));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(unreadable(
            "ce n'est pas un fichier PDF (en-tête %PDF absent)",
        ));
    }
    // A parser bug on a hostile file must not take the whole check run down.
    let parsed = std::panic::catch_unwind(|| lopdf::Document::load_mem(bytes));
    match parsed {
        Err(_) => Err(unreadable("structure PDF invalide")),
        // A user password makes the parser fail: the trailer still says why.
        Ok(Err(_)) if trailer_names_encryption(bytes) => Err(Examined::Protected),
        Ok(Err(e)) => Err(Examined::Unreadable(format!(
            "structure PDF invalide ({})",
            parser_error_in_french(&e)
        ))),
        Ok(Ok(doc)) if doc.was_encrypted() || doc.is_encrypted() => Err(Examined::Protected),
        Ok(Ok(doc)) => {
            let pages = doc.get_pages().len() as u32;
            if pages == 0 {
                Err(unreadable("le document n'a aucune page"))
            } else {
                Ok(pages)
            }
        }
    }
}

/// What the PDF parser could not read, in French: its own messages are English and name its
/// internals; the file's name and this are what the clerk passes on to whoever made the PDF.
fn parser_error_in_french(error: &lopdf::Error) -> &'static str {
    use lopdf::Error as E;
    match error {
        E::Xref(_) | E::MissingXrefEntry | E::InvalidOffset(_) => {
            "table des références croisées illisible, fichier tronqué ou abîmé"
        }
        E::Decompress(_) | E::InvalidStream(_) | E::InvalidObjectStream(_) => {
            "contenu compressé illisible"
        }
        E::Decryption(_)
        | E::InvalidPassword
        | E::UnsupportedSecurityHandler(_)
        | E::AlreadyEncrypted => "chiffrement non pris en charge",
        E::ObjectNotFound(_) | E::ReferenceCycle(_) | E::ReferenceLimit | E::RecursionLimit => {
            "objets manquants ou qui se référencent en boucle"
        }
        E::IO(_) => "lecture interrompue",
        _ => "syntaxe PDF non conforme",
    }
}

/// An `/Encrypt` entry in the trailer, or in the cross-reference stream's dictionary that
/// stands for it: both sit in the file's last kilobytes.
fn trailer_names_encryption(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    tail.windows(8).any(|w| w == b"/Encrypt")
}

/// « un dossier », « un tube nommé (FIFO) »…: what stands at a path that is not a file.
pub fn special_file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "un tube nommé (FIFO)";
        }
        if t.is_block_device() || t.is_char_device() {
            return "un périphérique";
        }
        if t.is_socket() {
            return "une socket";
        }
    }
    if meta.is_dir() {
        "un dossier"
    } else {
        "un fichier spécial"
    }
}

/// A path that exists but cannot be reached: a loop of symbolic links, a permission.
fn access_error(e: &std::io::Error) -> String {
    // ELOOP (40 on Linux, 62 on macOS): its kind is not stable in std yet.
    if matches!(e.raw_os_error(), Some(40) | Some(62)) {
        "le chemin est une boucle de liens symboliques".into()
    } else {
        format!("accès impossible ({e})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_pdf() -> Vec<u8> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/erp_small/pdf/F2600001.pdf"
        );
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_fixture_is_readable_and_its_cuts_are_not() {
        let bytes = fixture_pdf();
        assert_eq!(examine_bytes(&bytes), Ok(1));
        assert!(matches!(
            examine_bytes(&bytes[..100]),
            Err(Examined::Unreadable(_))
        ));
        assert_eq!(
            examine_bytes(b""),
            Err(Examined::Unreadable("le fichier est vide".into()))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
        /// A hostile file (bytes flipped, cut, spliced) gets a verdict: never a panic, never
        /// « protégé » for a file that names no encryption.
        #[test]
        fn any_damaged_pdf_gets_a_verdict(
            flips in proptest::collection::vec((0usize..4096, proptest::num::u8::ANY), 0..12),
            cut in 0usize..4096,
        ) {
            let mut bytes = fixture_pdf();
            for (at, value) in flips {
                let at = at % bytes.len();
                bytes[at] = value;
            }
            let keep = bytes.len() - cut.min(bytes.len());
            bytes.truncate(keep);
            let verdict = examine_bytes(&bytes);
            if verdict == Err(Examined::Protected) {
                proptest::prop_assert!(trailer_names_encryption(&bytes));
            }
            // The reason is the clerk's to read: French, none of the parser's English.
            if let Err(Examined::Unreadable(why)) = &verdict {
                for english in ["failed", "error", "parsing", "missing", "expected", "object"] {
                    proptest::prop_assert!(!why.to_lowercase().contains(english), "{}", why);
                }
            }
        }
    }
}
