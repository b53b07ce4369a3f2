//! Lot archives: one tar.gz holding one e-invoice file per invoice, the shape the OCA Chorus
//! module deposits in production (`deposer/flux` with the lot's `syntaxeFlux`).

use super::EInvoiceFile;
use flate2::Compression;
use flate2::write::GzEncoder;

#[derive(Debug, thiserror::Error)]
pub enum LotError {
    #[error("deux factures du lot portent le même nom de fichier : {0}")]
    DuplicateName(String),
    #[error("le lot est vide")]
    Empty,
    #[error("écriture de l'archive impossible ({0})")]
    Io(#[from] std::io::Error),
}

/// A fixed modification time (2020-01-01) keeps the archive identical for identical input;
/// the deposit journal stores its SHA-256.
const MTIME: u64 = 1_577_836_800;

pub fn build(files: &[EInvoiceFile]) -> Result<Vec<u8>, LotError> {
    if files.is_empty() {
        return Err(LotError::Empty);
    }
    let mut seen = std::collections::HashSet::with_capacity(files.len());
    for f in files {
        if !seen.insert(f.file_name.as_str()) {
            return Err(LotError::DuplicateName(f.file_name.clone()));
        }
    }
    let total: usize = files.iter().map(|f| f.bytes.len() + 512).sum();
    // Level 6: the default; level 9 costs twice the time for a few percent on XML.
    let encoder = GzEncoder::new(Vec::with_capacity(total / 4), Compression::default());
    let mut archive = tar::Builder::new(encoder);
    archive.mode(tar::HeaderMode::Deterministic);
    for f in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(f.bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(MTIME);
        header.set_entry_type(tar::EntryType::Regular);
        archive.append_data(&mut header, &f.file_name, f.bytes.as_slice())?;
    }
    let encoder = archive.into_inner()?;
    Ok(encoder.finish()?)
}
