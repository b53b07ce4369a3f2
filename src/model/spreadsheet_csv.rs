//! Every CSV file the application writes for a spreadsheet: UTF-8 with a BOM (Excel then
//! reads the accents), `;`-separated, CRLF lines; and no cell a spreadsheet would run as a
//! formula (OWASP « CSV injection »): a client named `=HYPERLINK(…)` or `@SUM(1;1)` in the
//! ERP must come out as text.

use std::borrow::Cow;

/// A CSV document being written; rows are any list of cells already formatted the French
/// way (decimal commas, `JJ/MM/AAAA`).
pub struct SpreadsheetCsv {
    writer: csv::Writer<Vec<u8>>,
}

impl SpreadsheetCsv {
    pub fn new<S: AsRef<str>>(header: impl IntoIterator<Item = S>) -> Result<Self, csv::Error> {
        let mut csv = SpreadsheetCsv {
            writer: csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer(b"\xEF\xBB\xBF".to_vec()),
        };
        csv.row(header)?;
        Ok(csv)
    }

    pub fn row<S: AsRef<str>>(
        &mut self,
        cells: impl IntoIterator<Item = S>,
    ) -> Result<(), csv::Error> {
        let record: Vec<Cow<'_, str>> = cells
            .into_iter()
            .map(|c| Cow::Owned(inert(c.as_ref()).into_owned()))
            .collect();
        self.writer.write_record(record.iter().map(|c| c.as_ref()))
    }

    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.writer
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}

/// The cell as a spreadsheet must show it: a leading `'` before a text a spreadsheet would
/// take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return).
/// Plain numbers (`-12,50`, `+3`) are left as numbers so that the sheet can add them.
pub fn inert(cell: &str) -> Cow<'_, str> {
    let starts_like_formula = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if starts_like_formula && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12,50`, `+3`, `-1 234,5`: a sign, digits, spaces between thousands, one decimal mark.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut marks = 0;
    let mut digits = 0;
    for c in body.chars() {
        match c {
            '0'..='9' => digits += 1,
            ',' | '.' => marks += 1,
            ' ' | '\u{a0}' | '\u{202f}' if digits > 0 => {}
            _ => return false,
        }
    }
    digits > 0 && marks <= 1 && body.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(cells: &[&str]) -> String {
        let mut csv = SpreadsheetCsv::new(["a", "b", "c", "d"]).unwrap();
        csv.row(cells).unwrap();
        String::from_utf8(csv.finish().unwrap()).unwrap()
    }

    #[test]
    fn formulas_come_out_as_text_and_numbers_as_numbers() {
        assert_eq!(
            written(&[
                "=HYPERLINK(\"http://x\";\"y\")",
                "+1+1",
                "-2+3",
                "@SUM(1;1)"
            ]),
            "\u{feff}a;b;c;d\r\n\"'=HYPERLINK(\"\"http://x\"\";\"\"y\"\")\";'+1+1;'-2+3;\"'@SUM(1;1)\"\r\n"
        );
        assert_eq!(
            written(&["-12,50", "+3", "-1 234,5", "\tcmd"]),
            "\u{feff}a;b;c;d\r\n-12,50;+3;-1 234,5;'\tcmd\r\n"
        );
        assert_eq!(
            written(&["Ville de Paris", "", "- tiret", "\rx"]),
            "\u{feff}a;b;c;d\r\nVille de Paris;;'- tiret;\"'\rx\"\r\n"
        );
    }

    proptest::proptest! {
        /// Whatever the ERP holds, no cell of the file starts like a formula, unless it is a
        /// plain number.
        #[test]
        fn no_cell_starts_like_a_formula(cell in "[=+@\t\r-]?\\PC{0,20}") {
            let shown = inert(&cell);
            let first = shown.chars().next();
            proptest::prop_assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r'))
                    || is_plain_number(&shown)
            );
            // Nothing is lost: the text follows the quote.
            proptest::prop_assert!(shown.ends_with(cell.as_str()));
        }
    }
}
