//! The date of a directory export, read from its file name when it carries one
//! (`AIFE-Chorus-Pro-Annuaire_20200309.xlsx`, `…_06042020.csv`), else its modification date.

use chrono::{DateTime, Local, NaiveDate};
use std::path::Path;

pub fn export_date_of(path: &Path) -> NaiveDate {
    date_in_file_name(path).unwrap_or_else(|| modified_date(path))
}

/// The date of an export given as several files (structures, services): the one their
/// names carry, when any does; else the latest modification date. A date in a name wins
/// over another file's modification date, which is only when that copy was saved.
pub fn export_date_of_files(paths: &[impl AsRef<Path>]) -> Option<NaiveDate> {
    paths
        .iter()
        .filter_map(|p| date_in_file_name(p.as_ref()))
        .max()
        .or_else(|| paths.iter().map(|p| modified_date(p.as_ref())).max())
}

fn date_in_file_name(path: &Path) -> Option<NaiveDate> {
    let name = path.file_stem()?.to_string_lossy();
    date_in_name(&name)
}

/// The first run of exactly 8 digits that reads as a plausible date, YYYYMMDD or DDMMYYYY.
pub fn date_in_name(name: &str) -> Option<NaiveDate> {
    let bytes = name.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let end = start
            + bytes[start..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
        if end - start == 8 {
            let digits = &name[start..end];
            let plausible = |d: &NaiveDate| (2015..=2100).contains(&chrono::Datelike::year(d));
            let ymd = NaiveDate::parse_from_str(digits, "%Y%m%d")
                .ok()
                .filter(plausible);
            let dmy = NaiveDate::parse_from_str(digits, "%d%m%Y")
                .ok()
                .filter(plausible);
            if let Some(date) = ymd.or(dmy) {
                return Some(date);
            }
        }
        start = end;
    }
    None
}

fn modified_date(path: &Path) -> NaiveDate {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| DateTime::<Local>::from(t).date_naive())
        .unwrap_or_else(|_| Local::now().date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders() {
        assert_eq!(
            date_in_name("AIFE-Chorus-Pro-Annuaire_20200309"),
            NaiveDate::from_ymd_opt(2020, 3, 9)
        );
        assert_eq!(
            date_in_name("AIFE-Chorus-Pro-Annuaire_06042020"),
            NaiveDate::from_ymd_opt(2020, 4, 6)
        );
        assert_eq!(
            date_in_name("annuaire_20261112-services-only"),
            NaiveDate::from_ymd_opt(2026, 11, 12)
        );
        assert_eq!(date_in_name("annuaire"), None);
        assert_eq!(date_in_name("export_123456789"), None);
    }
}
