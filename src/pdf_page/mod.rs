//! One-page A4 PDF documents drawn with the standard Helvetica fonts in WinAnsi encoding:
//! the demo's invoices and the reminder letters. A viewer draws these fonts from its own
//! copy, so nothing is embedded; the widths below right-align amounts and wrap text.

mod helvetica;

use chrono::NaiveDate;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;

/// Text in Windows-1252 for the WinAnsi fonts; a character outside it prints as `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    let mut encoder = encoding_rs::WINDOWS_1252.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut buffer = [0u8; 256];
    let mut rest = text;
    loop {
        let (result, read, written) =
            encoder.encode_from_utf8_without_replacement(rest, &mut buffer, true);
        out.extend_from_slice(&buffer[..written]);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => return out,
            encoding_rs::EncoderResult::OutputFull => {}
            encoding_rs::EncoderResult::Unmappable(c) => {
                // The narrow no-break space some formatters use is a no-break space here.
                out.push(if c == '\u{202f}' { 0xA0 } else { b'?' });
            }
        }
    }
}

/// Width in points of `text` at `size`.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    helvetica::width(&win_ansi(text), size, bold)
}

/// Splits `text` into lines no wider than `max_width`; a word too long is cut.
pub fn wrap(text: &str, max_width: f32, size: f32, bold: bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size, bold) <= max_width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            current = word.to_string();
        }
        while text_width(&current, size, bold) > max_width && current.chars().count() > 1 {
            // A single word wider than the line: cut it where it fits.
            let mut cut = current.chars().count() - 1;
            while cut > 1
                && text_width(&current.chars().take(cut).collect::<String>(), size, bold)
                    > max_width
            {
                cut -= 1;
            }
            let head: String = current.chars().take(cut).collect();
            let tail: String = current.chars().skip(cut).collect();
            lines.push(head);
            current = tail;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn font(name: &str) -> lopdf::Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => name,
        "Encoding" => "WinAnsiEncoding",
    }
}

/// The page's operations as a one-page document: `F1` is Helvetica, `F2` Helvetica-Bold.
/// `created_on` is a date of the content (not of the run), so the same content always
/// gives the same file.
pub fn one_page(
    ops: Vec<Operation>,
    title: &str,
    author: &str,
    created_on: NaiveDate,
) -> Result<Vec<u8>, lopdf::Error> {
    // 1.5: lopdf writes a cross-reference stream, which needs it.
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let regular = doc.add_object(font("Helvetica"));
    let bold = doc.add_object(font("Helvetica-Bold"));
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => regular, "F2" => bold },
    });
    let content = Content { operations: ops }.encode()?;
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "Resources" => resources,
        "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    let created = format!("D:{}090000", created_on.format("%Y%m%d"));
    let info = doc.add_object(dictionary! {
        "Title" => Object::string_literal(win_ansi(title)),
        "Author" => Object::string_literal(win_ansi(author)),
        "Creator" => Object::string_literal("Chorus Depot"),
        "Producer" => Object::string_literal("Chorus Depot (lopdf)"),
        "CreationDate" => Object::string_literal(created),
    });
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    doc.compress();
    let mut bytes = Vec::with_capacity(8 * 1024);
    doc.save_to(&mut bytes)?;
    Ok(bytes)
}
