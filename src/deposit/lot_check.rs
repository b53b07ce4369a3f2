//! « Déposer sur Chorus » sends a lot generated earlier: only while it is still exactly what
//! the user saw. Between « Génération du flux » and the send, a re-import may have changed
//! an invoice, another process may have deposited one, or the file may have been touched.

use super::FluxWriter;
use super::engine::PreparedFlux;
use super::files::sha256_hex;
use crate::store::Store;
use crate::store::deposits;

/// At most this many reasons are listed; the rest are counted.
const SHOWN: usize = 5;

/// `Ok` when every archive is on disk as written and every invoice in it would be written
/// the same today and has no deposit yet; else why not, in French.
pub fn verify_prepared(
    store: &Store,
    writer: &dyn FluxWriter,
    prepared: &[PreparedFlux],
) -> Result<(), String> {
    let mut reasons = Vec::new();
    for flux in prepared {
        match std::fs::read(&flux.path) {
            Ok(bytes) if sha256_hex(&bytes) == flux.sha256 => {}
            Ok(_) => reasons.push(format!(
                "le fichier {} a été modifié depuis sa génération",
                flux.path.display()
            )),
            Err(e) => reasons.push(format!(
                "le fichier {} est illisible ({e})",
                flux.path.display()
            )),
        }
        for (number, expected) in flux.invoices.iter().zip(&flux.file_sha256) {
            match deposits::active_entry(store.db(), number) {
                Ok(Some(_)) => {
                    reasons.push(format!("la facture {number} a été déposée entre-temps"));
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    reasons.push(format!("la facture {number} : base illisible ({e})"));
                    continue;
                }
            }
            match writer.invoice_file(number) {
                Ok(file) if sha256_hex(&file.bytes) == *expected => {}
                Ok(_) => reasons.push(format!(
                    "la facture {number} a changé depuis la génération du flux"
                )),
                Err(why) => reasons.push(format!("la facture {number} : {why}")),
            }
        }
    }
    if reasons.is_empty() {
        return Ok(());
    }
    let more = reasons.len().saturating_sub(SHOWN);
    let mut text = reasons
        .into_iter()
        .take(SHOWN)
        .collect::<Vec<_>>()
        .join(" ; ");
    if more > 0 {
        let others = if more == 1 { "autre" } else { "autres" };
        text.push_str(&format!(" ; et {more} {others}"));
    }
    Err(text)
}
