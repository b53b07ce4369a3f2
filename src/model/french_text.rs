//! French text as users search and sort it: one folding of case and accents for every
//! search box, a query of several words, and a collation key for names.
//!
//! « region bretagne » must find « Région Bretagne », « drome » « Drôme », and
//! « Mérignac » must sort between « Marseille » and « Montpellier », not after « Mzab »
//! as a byte comparison puts it.

use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower case, without accents, ligatures spelt out (œ → oe, æ → ae, ß → ss), and every run
/// of what is neither a letter nor a digit (spaces, apostrophes, hyphens, dots…) turned into
/// one space; no space at either end.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending_space: &mut bool| {
        if *pending_space && !out.is_empty() {
            out.push(' ');
        }
        *pending_space = false;
        out.push(c);
    };
    if text.is_ascii() {
        // The common case (invoice numbers, SIRET, most names) skips the decomposition.
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                push(&mut out, c.to_ascii_lowercase(), &mut pending_space);
            } else {
                pending_space = true;
            }
        }
        return out;
    }
    for c in text.chars() {
        if let Some(spelt) = ligature(c) {
            for l in spelt.chars() {
                push(&mut out, l, &mut pending_space);
            }
            continue;
        }
        for d in c.nfd() {
            if is_combining_mark(d) {
                continue;
            }
            if d.is_alphanumeric() {
                for l in d.to_lowercase() {
                    push(&mut out, l, &mut pending_space);
                }
            } else {
                pending_space = true;
            }
        }
    }
    out
}

/// Letters that no decomposition takes apart but a French reader sees as two, or as a
/// plain letter.
fn ligature(c: char) -> Option<&'static str> {
    Some(match c {
        'œ' | 'Œ' => "oe",
        'æ' | 'Æ' => "ae",
        'ß' | 'ẞ' => "ss",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' => "d",
        _ => return None,
    })
}

/// What was typed in a search box: its folded words. A text matches when every word is
/// found in it, in any order (« bretagne region » finds « Région Bretagne »).
/// Only punctuation typed (« % », « - ») finds nothing rather than everything: such a
/// character is searched as itself, and no folded text holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    words: Vec<String>,
    blank: bool,
}

impl Default for TextQuery {
    /// Nothing typed.
    fn default() -> TextQuery {
        TextQuery::new("")
    }
}

impl TextQuery {
    pub fn new(typed: &str) -> TextQuery {
        TextQuery {
            blank: typed.trim().is_empty(),
            words: fold(typed)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
        }
    }

    /// Nothing typed: everything matches.
    pub fn is_empty(&self) -> bool {
        self.blank
    }

    /// Something typed, but no letter nor digit in it: nothing matches.
    pub fn finds_nothing(&self) -> bool {
        !self.blank && self.words.is_empty()
    }

    /// The folded words, for a store that matches them itself.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// `folded` is text already passed through [`fold`] (computed once per row).
    pub fn matches_folded(&self, folded: &str) -> bool {
        !self.finds_nothing() && self.words.iter().all(|w| folded.contains(w.as_str()))
    }

    /// Each word may be found in any of the fields.
    pub fn matches_any_field(&self, fields: &[&str]) -> bool {
        if self.is_empty() {
            return true;
        }
        self.matches_folded(&search_key(fields))
    }
}

/// The folded text of several fields, as stored for searching: the fields are separated
/// by a space, so a word never runs across two of them.
pub fn search_key(fields: &[&str]) -> String {
    let mut key = String::new();
    for field in fields {
        let folded = fold(field);
        if folded.is_empty() {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&folded);
    }
    key
}

/// Bytes that sort as a French reader sorts names: letters without accents nor case first
/// (primary), then accents (secondary), then case (tertiary); digits as numbers
/// (« Lot 2 » before « Lot 10 »). Compare keys with `cmp` on the bytes, or store them
/// in a BLOB column that SQLite orders the same way.
pub fn collation_key(text: &str) -> Vec<u8> {
    let mut primary = Vec::with_capacity(text.len() + 4);
    let mut secondary = Vec::with_capacity(text.len());
    let mut tertiary = Vec::with_capacity(text.len());
    let mut digits = String::new();
    let mut between_words = false;

    let flush_digits = |primary: &mut Vec<u8>, digits: &mut String| {
        if digits.is_empty() {
            return;
        }
        let significant = digits.trim_start_matches('0');
        let significant = if significant.is_empty() {
            "0"
        } else {
            significant
        };
        // The length first: a longer number is a bigger one. Below every letter.
        primary.push(DIGIT_RUN_BASE + significant.len().min(MAX_DIGIT_RUN) as u8);
        primary.extend_from_slice(significant.as_bytes());
        digits.clear();
    };

    for c in text.chars() {
        let (base, accent, upper) = decompose(c);
        if base.is_empty() {
            flush_digits(&mut primary, &mut digits);
            between_words = true;
            continue;
        }
        if between_words && !(primary.is_empty() && digits.is_empty()) {
            flush_digits(&mut primary, &mut digits);
            primary.push(WORD_SEPARATOR);
        }
        between_words = false;
        for b in base.chars() {
            if let Some(d) = b.to_digit(10) {
                digits.push(char::from_digit(d, 10).unwrap_or('0'));
                continue;
            }
            flush_digits(&mut primary, &mut digits);
            let mut buf = [0u8; 4];
            primary.extend_from_slice(b.encode_utf8(&mut buf).as_bytes());
            secondary.push(accent);
            tertiary.push(if upper { 2 } else { 1 });
        }
    }
    flush_digits(&mut primary, &mut digits);
    primary.push(LEVEL_SEPARATOR);
    primary.extend_from_slice(&secondary);
    primary.push(LEVEL_SEPARATOR);
    primary.extend_from_slice(&tertiary);
    primary
}

/// Ends a level: below everything, so « Mont » comes before « Montpellier ».
const LEVEL_SEPARATOR: u8 = 0;
/// Between words: below every letter and digit, so « Saint Denis » comes before « Saintes ».
const WORD_SEPARATOR: u8 = 1;
/// Digit runs start with 0x20 + their length: above the separators, below the letters.
const DIGIT_RUN_BASE: u8 = 0x20;
const MAX_DIGIT_RUN: usize = 0x3F;

/// (lower-case letters without accents, accent weight, was upper case) of one character;
/// empty letters for a separator.
fn decompose(c: char) -> (String, u8, bool) {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            (
                c.to_ascii_lowercase().to_string(),
                1,
                c.is_ascii_uppercase(),
            )
        } else {
            (String::new(), 0, false)
        };
    }
    if let Some(spelt) = ligature(c) {
        // After the plain spelling: « oe » < « œ ».
        return (spelt.to_string(), 0xF0, c.is_uppercase());
    }
    let mut base = String::new();
    let mut accent: u8 = 1;
    for d in c.nfd() {
        if is_combining_mark(d) {
            // U+0300..U+036F are the common accents: grave, acute, circumflex, diaeresis,
            // cedilla… Their order is as good as any and stable.
            let code = d as u32;
            accent = accent.saturating_add(if (0x300..0x370).contains(&code) {
                (code - 0x300 + 1) as u8
            } else {
                0x80
            });
        } else if d.is_alphanumeric() {
            base.extend(d.to_lowercase());
        }
    }
    (base, accent, c.is_uppercase())
}

/// French order of two names; equal keys fall back to the raw text so that the order is total.
pub fn compare(a: &str, b: &str) -> Ordering {
    collation_key(a)
        .cmp(&collation_key(b))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folding_removes_case_accents_and_punctuation() {
        assert_eq!(fold("Région Bretagne"), "region bretagne");
        assert_eq!(fold("DRÔME"), "drome");
        assert_eq!(fold("Œuvre d’Æsop — Straße"), "oeuvre d aesop strasse");
        assert_eq!(fold("Saint-Étienne-du-Rouvray"), "saint etienne du rouvray");
        assert_eq!(fold("  l'Haÿ-les-Roses  "), "l hay les roses");
        assert_eq!(fold("Garçon"), "garcon");
        assert_eq!(fold("F-2024/001"), "f 2024 001");
    }

    #[test]
    fn a_query_of_several_words_needs_every_word_in_any_order() {
        let q = TextQuery::new("bretagne RÉGION");
        assert!(q.matches_any_field(&["Région Bretagne", "Rennes"]));
        assert!(!q.matches_any_field(&["Région Normandie"]));
        let q = TextQuery::new("drome valence");
        assert!(q.matches_any_field(&["Département de la Drôme", "Valence"]));
        assert!(!TextQuery::new(" % ").matches_any_field(&["100 % bio"]));
        assert!(TextQuery::new("  ").matches_any_field(&["anything"]));
        assert!(TextQuery::new("").matches_any_field(&["anything"]));
    }

    #[test]
    fn words_do_not_run_across_fields() {
        let q = TextQuery::new("nesrennes");
        assert!(!q.matches_any_field(&["Région Bretagne", "Rennes"]));
    }

    #[test]
    fn names_sort_as_a_french_reader_expects() {
        let mut names = vec![
            "Montpellier",
            "Mérignac",
            "Marseille",
            "mérignac",
            "Merignac",
            "Lot 10",
            "Lot 2",
            "Saintes",
            "Saint-Denis",
            "École",
            "Ecole",
            "Eybens",
        ];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(
            names,
            vec![
                "Ecole",
                "École",
                "Eybens",
                "Lot 2",
                "Lot 10",
                "Marseille",
                "Merignac",
                "mérignac",
                "Mérignac",
                "Montpellier",
                "Saint-Denis",
                "Saintes",
            ]
        );
    }

    #[test]
    fn digits_sort_before_letters_and_as_numbers() {
        assert_eq!(compare("Bat 9", "Bat 10"), Ordering::Less);
        assert_eq!(compare("Bat 010", "Bat 9"), Ordering::Greater);
        assert_eq!(compare("A1", "AB"), Ordering::Less);
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        }

        #[test]
        fn case_and_accents_never_change_a_match(s in "[a-zA-Zéèêëàâîïôöùûüçœ' -]{1,30}") {
            let upper = s.to_uppercase();
            prop_assert_eq!(fold(&upper), fold(&s));
            // Punctuation alone finds nothing, by design.
            prop_assume!(!fold(&s).is_empty());
            prop_assert!(TextQuery::new(&upper).matches_any_field(&[&s]));
        }

        #[test]
        fn any_words_of_a_text_find_it_in_any_order(
            words in proptest::collection::vec("[a-zA-Zéèçô0-9]{1,8}", 1..6),
            pick in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
        ) {
            let text = words.join(" ");
            let typed: Vec<&str> = pick.iter().rev().map(|i| i.get(&words).as_str()).collect();
            prop_assert!(TextQuery::new(&typed.join(" ")).matches_any_field(&[&text]));
        }

        #[test]
        fn the_order_is_total_and_consistent(a in "\\PC{0,20}", b in "\\PC{0,20}", c in "\\PC{0,20}") {
            prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
            prop_assert_eq!(compare(&a, &b) == Ordering::Equal, a == b);
            if compare(&a, &b) != Ordering::Greater && compare(&b, &c) != Ordering::Greater {
                prop_assert_ne!(compare(&a, &c), Ordering::Greater);
            }
        }

        #[test]
        fn accents_and_case_only_break_ties(a in "[a-z]{1,12}", b in "[a-z]{1,12}") {
            prop_assume!(a != b);
            let accented = a.replace('e', "é").to_uppercase();
            prop_assert_eq!(compare(&accented, &b), compare(&a, &b));
        }

        #[test]
        fn numbers_sort_by_value(n in 0u32..100_000, m in 0u32..100_000) {
            prop_assert_eq!(compare(&format!("Lot {n}"), &format!("Lot {m}")), n.cmp(&m));
        }
    }
}
