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

/// The export date retained for an import, and what the user must be told about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportDate {
    pub date: NaiveDate,
    /// French sentences for the import summary (CLI output, window status bar).
    pub warnings: Vec<String>,
}

/// Like [`export_date_of_files`], but never silent about a guess.
///
/// A file name that carries a run of exactly 8 digits was meant to carry the export date
/// (`AIFE-Chorus-Pro-Annuaire_20200309.xlsx`). When that run reads as no plausible date
/// (`_20261399`, `_99999999`), the date comes from elsewhere (another name, the files'
/// modification date, today): the import goes on — the date only labels the cache, it
/// changes no check's verdict, and refusing would make the user rename an official file —
/// but the summary says which file, which digits and which date was retained, so that a
/// wrong label is seen. The same when names carry different dates (the newest is kept), and
/// when no date could be read at all (today is kept).
pub fn export_date_with_warnings(paths: &[impl AsRef<Path>]) -> ExportDate {
    let mut warnings = Vec::new();
    let mut unreadable = Vec::new();
    let mut named = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let Some(stem) = path.file_stem() else {
            continue;
        };
        let stem = stem.to_string_lossy();
        match date_in_name(&stem) {
            Some(date) => named.push(date),
            None => {
                let runs: Vec<String> = eight_digit_runs(&stem)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if !runs.is_empty() {
                    unreadable.push((file_name(path), runs));
                }
            }
        }
    }
    let (date, origin) = if let Some(latest) = named.iter().max().copied() {
        let mut distinct = named.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() > 1 {
            let list = distinct
                .iter()
                .map(|d| crate::model::format_date(*d))
                .collect::<Vec<_>>()
                .join(", ");
            warnings.push(format!(
                "les noms des fichiers portent des dates différentes ({list}) : les fichiers \
                 viennent-ils du même export ? Date de l'export retenue : {}",
                crate::model::format_date(latest)
            ));
        }
        (latest, "date lue dans le nom d'un autre fichier")
    } else {
        match paths.iter().filter_map(|p| file_modified(p.as_ref())).max() {
            Some(date) => (date, "date de modification du fichier"),
            None => {
                let today = crate::clock::today();
                warnings.push(format!(
                    "aucune date lisible, ni dans le nom ni dans la date de modification des \
                     fichiers : date de l'export retenue : {} (date du jour)",
                    crate::model::format_date(today)
                ));
                (today, "date du jour")
            }
        }
    };
    for (name, runs) in unreadable {
        let digits = runs
            .iter()
            .map(|r| format!("« {r} »"))
            .collect::<Vec<_>>()
            .join(", ");
        warnings.push(format!(
            "{name} : {digits} dans le nom ne se lit pas comme une date (AAAAMMJJ ou \
             JJMMAAAA entre 2015 et 2100) ; date de l'export retenue : {} ({origin})",
            crate::model::format_date(date)
        ));
    }
    ExportDate { date, warnings }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Every run of exactly 8 digits in a name.
fn eight_digit_runs(name: &str) -> Vec<&str> {
    name.split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == 8)
        .collect()
}

fn file_modified(path: &Path) -> Option<NaiveDate> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
    Some(DateTime::<Local>::from(modified).date_naive())
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
        .unwrap_or_else(|_| crate::clock::today())
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

    #[test]
    fn eight_digit_runs_are_found_whatever_surrounds_them() {
        assert_eq!(
            eight_digit_runs("annuaire_20261399-v2_12345678"),
            ["20261399", "12345678"]
        );
        assert!(eight_digit_runs("annuaire_123456789").is_empty());
        assert!(eight_digit_runs("").is_empty());
    }

    #[test]
    fn an_unreadable_date_in_a_name_is_said_with_the_date_retained() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("AIFE-Chorus-Pro-Annuaire_20261112.csv");
        let bad = dir
            .path()
            .join("AIFE-Chorus-Pro-Annuaire_20261399-services.csv");
        std::fs::write(&good, "x").unwrap();
        std::fs::write(&bad, "x").unwrap();
        let found = export_date_with_warnings(&[&good, &bad]);
        assert_eq!(found.date, NaiveDate::from_ymd_opt(2026, 11, 12).unwrap());
        assert_eq!(
            found.warnings,
            [
                "AIFE-Chorus-Pro-Annuaire_20261399-services.csv : « 20261399 » dans le nom ne se \
              lit pas comme une date (AAAAMMJJ ou JJMMAAAA entre 2015 et 2100) ; date de \
              l'export retenue : 12/11/2026 (date lue dans le nom d'un autre fichier)"
            ]
        );
        // Two good names: no warning.
        let found = export_date_with_warnings(&[&good]);
        assert!(found.warnings.is_empty());
    }

    #[test]
    fn names_with_different_dates_are_said() {
        let found = export_date_with_warnings(&[
            Path::new("/nonexistent/annuaire_20261112.csv"),
            Path::new("/nonexistent/annuaire_19112026.csv"),
        ]);
        assert_eq!(found.date, NaiveDate::from_ymd_opt(2026, 11, 19).unwrap());
        assert_eq!(
            found.warnings,
            [
                "les noms des fichiers portent des dates différentes (12/11/2026, 19/11/2026) : \
              les fichiers viennent-ils du même export ? Date de l'export retenue : 19/11/2026"
            ]
        );
    }

    #[test]
    fn no_date_anywhere_falls_back_to_today_and_says_so() {
        let found = export_date_with_warnings(&[Path::new("/nonexistent/annuaire_99999999.csv")]);
        let today = crate::clock::today();
        assert_eq!(found.date, today);
        assert_eq!(found.warnings.len(), 2, "{:?}", found.warnings);
        assert!(
            found.warnings[0].ends_with("(date du jour)"),
            "{:?}",
            found.warnings
        );
        assert!(
            found.warnings[1].starts_with("annuaire_99999999.csv : « 99999999 » dans le nom"),
            "{:?}",
            found.warnings
        );
    }
}
