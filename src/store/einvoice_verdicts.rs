//! The remembered EN 16931 verdicts (migrations/0012_einvoice_verdicts.sql): one blob
//! holding every invoice's verdict, read and written whole.
//!
//! Layout, little-endian: a magic `CDV1`, then for each verdict the invoice number (u16
//! length, UTF-8 bytes), the fingerprint (u64), the findings JSON (u32 length, UTF-8 bytes).
//! Decoding checks every length against what is left: a damaged blob reads as no verdict at
//! all (every verdict is then made again), never as a wrong one.

use super::sql::{Sql, SqlError, Value};
use crate::sql_params;
use std::collections::HashMap;

const MAGIC: &[u8; 4] = b"CDV1";

/// One invoice's remembered verdict: the fingerprint it was made for and its findings as
/// JSON (the caller owns their shape).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVerdict {
    pub fingerprint: u64,
    pub findings_json: String,
}

/// Every remembered verdict, by invoice number.
pub fn load_all(db: &dyn Sql) -> Result<HashMap<String, StoredVerdict>, SqlError> {
    // Whatever the cell holds (edited by hand, it may be text): its bytes are decoded.
    let blob: Option<Vec<u8>> = db.first_row(
        "SELECT verdicts FROM einvoice_verdicts WHERE id = 1",
        &[],
        |r| {
            Ok(match r.value(0)? {
                Value::Bytes(b) => b.clone(),
                Value::Text(t) => t.as_bytes().to_vec(),
                _ => Vec::new(),
            })
        },
    )?;
    Ok(blob.and_then(|b| decode(&b)).unwrap_or_default())
}

/// Replaces the remembered verdicts with `verdicts` (the invoices of the last check).
pub fn save_all(db: &dyn Sql, verdicts: &[(&str, &StoredVerdict)]) -> Result<(), SqlError> {
    db.execute(
        "INSERT INTO einvoice_verdicts (id, verdicts) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET verdicts = excluded.verdicts",
        sql_params![encode(verdicts).as_slice()],
    )?;
    Ok(())
}

fn encode(verdicts: &[(&str, &StoredVerdict)]) -> Vec<u8> {
    let size: usize = verdicts
        .iter()
        .map(|(n, v)| 14 + n.len() + v.findings_json.len())
        .sum();
    let mut out = Vec::with_capacity(4 + size);
    out.extend_from_slice(MAGIC);
    for (number, v) in verdicts {
        // An invoice number is at most 20 characters for Chorus Pro; one longer than a u16
        // can tell is left out (it is judged again each time).
        let Ok(len) = u16::try_from(number.len()) else {
            continue;
        };
        let Ok(findings_len) = u32::try_from(v.findings_json.len()) else {
            continue;
        };
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(number.as_bytes());
        out.extend_from_slice(&v.fingerprint.to_le_bytes());
        out.extend_from_slice(&findings_len.to_le_bytes());
        out.extend_from_slice(v.findings_json.as_bytes());
    }
    out
}

fn decode(blob: &[u8]) -> Option<HashMap<String, StoredVerdict>> {
    let mut rest = blob.strip_prefix(MAGIC.as_slice())?;
    let mut out = HashMap::new();
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if rest.len() < n {
            return None;
        }
        let (head, tail) = rest.split_at(n);
        *rest = tail;
        Some(head)
    }
    while !rest.is_empty() {
        let len = u16::from_le_bytes(take(&mut rest, 2)?.try_into().ok()?) as usize;
        let number = std::str::from_utf8(take(&mut rest, len)?).ok()?.to_string();
        let fingerprint = u64::from_le_bytes(take(&mut rest, 8)?.try_into().ok()?);
        let findings_len = u32::from_le_bytes(take(&mut rest, 4)?.try_into().ok()?) as usize;
        let findings_json = std::str::from_utf8(take(&mut rest, findings_len)?)
            .ok()?
            .to_string();
        out.insert(
            number,
            StoredVerdict {
                fingerprint,
                findings_json,
            },
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn verdicts_round_trip_with_their_64_bits() {
        let store = Store::open_in_memory().unwrap();
        let v = StoredVerdict {
            fingerprint: u64::MAX - 7,
            findings_json: "[{\"rule\":\"BR-16\"}]".into(),
        };
        let w = StoredVerdict {
            fingerprint: 3,
            findings_json: "[]".into(),
        };
        save_all(store.conn(), &[("F1", &v), ("AV-2026/é", &w)]).unwrap();
        let all = load_all(store.conn()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all["F1"], v);
        assert_eq!(all["AV-2026/é"], w);
    }

    #[test]
    fn a_damaged_blob_is_no_verdict_at_all_never_a_wrong_one() {
        let v = StoredVerdict {
            fingerprint: 42,
            findings_json: "[]".into(),
        };
        let blob = encode(&[("F1", &v), ("F2", &v)]);
        // Cut anywhere but at an entry's end, or another magic: nothing is believed.
        for cut in 1..blob.len() {
            let decoded = decode(&blob[..cut]);
            let at_boundary = cut == 4 || cut == blob.len() / 2 + 2;
            if !at_boundary {
                assert!(decoded.is_none(), "cut at {cut}");
            }
        }
        assert!(decode(b"XXXX").is_none());
        assert_eq!(decode(&blob).unwrap().len(), 2);
    }
}
