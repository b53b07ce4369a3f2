//! Flux files kept on disk next to the database, with their SHA-256.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// `/x/base.sqlite` → `/x/base-flux/`.
pub fn flux_dir(db_path: &Path) -> PathBuf {
    let stem = db_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "chorus-depot".into());
    db_path
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(format!("{stem}-flux"))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Writes the file under a name that does not exist yet; returns its path.
pub fn keep(dir: &Path, file_name: &str, bytes: &[u8]) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("impossible de créer le dossier {} : {e}", dir.display()))?;
    let mut path = dir.join(file_name);
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{n}-{file_name}"));
    }
    std::fs::write(&path, bytes)
        .map_err(|e| format!("impossible d'écrire {} : {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn flux_folder_is_next_to_the_database() {
        assert_eq!(
            flux_dir(Path::new("/x/base.sqlite")),
            PathBuf::from("/x/base-flux")
        );
    }
}
