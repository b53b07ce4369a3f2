//! Draws a French invoice or credit note as a one-page A4 PDF, from plain data.
//!
//! The standard Helvetica fonts with WinAnsiEncoding keep the files small (no embedded
//! font) and print every French character, `€` and the non-breaking spaces of French
//! amounts. Text is encoded to Windows-1252 with `encoding_rs`; widths come from the fonts'
//! AFM metrics, so amounts are right-aligned and long labels wrapped.

use crate::model::{format_amount, format_date, format_money};
use crate::pdf_page::{PAGE_WIDTH, text_width, win_ansi, wrap};
use chrono::NaiveDate;
use lopdf::content::Operation;
use lopdf::{Object, StringFormat};
use rust_decimal::Decimal;

/// A party as printed in the header: name, address lines, identifiers (SIRET, TVA…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfParty {
    pub name: String,
    pub address: Vec<String>,
    pub identifiers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfLine {
    pub label: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    /// Percent.
    pub vat_rate: Decimal,
    pub total: Decimal,
}

/// Everything printed on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicePdf {
    pub credit_note: bool,
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub supplier: PdfParty,
    pub client: PdfParty,
    /// Label and value: « Code service », « N° d'engagement », « N° de marché »…
    pub references: Vec<(String, String)>,
    pub lines: Vec<PdfLine>,
    /// Rate, base, tax.
    pub vat: Vec<(Decimal, Decimal, Decimal)>,
    pub total_excl_tax: Decimal,
    pub total_tax: Decimal,
    pub total_incl_tax: Decimal,
    /// « Conditions de règlement » lines: means, due date, bank details.
    pub payment: Vec<String>,
    /// Legal mentions, wrapped to the page width.
    pub notes: Vec<String>,
    /// One line at the bottom: legal form, capital, RCS…
    pub footer: String,
}

const LEFT: f32 = 40.0;
const RIGHT: f32 = 555.0;

/// The page's drawing operations, with the helpers the layout needs.
struct Canvas {
    ops: Vec<Operation>,
}

#[derive(Clone, Copy)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }

    fn bold(self) -> bool {
        matches!(self, Font::Bold)
    }
}

fn width_of(text: &str, size: f32, font: Font) -> f32 {
    text_width(text, size, font.bold())
}

impl Canvas {
    fn text(&mut self, x: f32, y: f32, size: f32, font: Font, text: &str) {
        self.ops.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![font.resource().into(), size.into()]),
            Operation::new("Td", vec![x.into(), y.into()]),
            Operation::new(
                "Tj",
                vec![Object::String(win_ansi(text), StringFormat::Literal)],
            ),
            Operation::new("ET", vec![]),
        ]);
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, font: Font, text: &str) {
        let w = width_of(text, size, font);
        self.text(right - w, y, size, font, text);
    }

    fn text_center(&mut self, center: f32, y: f32, size: f32, font: Font, text: &str) {
        let w = width_of(text, size, font);
        self.text(center - w / 2.0, y, size, font, text);
    }

    /// Fill grey level (0 black, 1 white) for what follows.
    fn grey(&mut self, level: f32) {
        self.ops.push(Operation::new("g", vec![level.into()]));
    }

    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        self.grey(level);
        self.ops.push(Operation::new(
            "re",
            vec![x.into(), y.into(), w.into(), h.into()],
        ));
        self.ops.push(Operation::new("f", vec![]));
        self.grey(0.0);
    }

    fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ops.extend([
            Operation::new("G", vec![0.6.into()]),
            Operation::new("w", vec![0.6.into()]),
            Operation::new("re", vec![x.into(), y.into(), w.into(), h.into()]),
            Operation::new("S", vec![]),
        ]);
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32) {
        self.ops.extend([
            Operation::new("G", vec![0.8.into()]),
            Operation::new("w", vec![0.4.into()]),
            Operation::new("m", vec![x1.into(), y.into()]),
            Operation::new("l", vec![x2.into(), y.into()]),
            Operation::new("S", vec![]),
        ]);
    }
}

/// `3`, `2,5`.
fn quantity(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

/// `20 %`, `5,5 %` (with a no-break space).
fn rate(value: Decimal) -> String {
    format!("{}\u{a0}%", quantity(value))
}

/// Draws the page and returns the PDF file's bytes.
pub fn render(data: &InvoicePdf) -> Result<Vec<u8>, lopdf::Error> {
    let mut c = Canvas { ops: Vec::new() };
    let cur = data.currency.as_str();
    let money = |v: Decimal| format_money(v, cur);

    // Supplier, top left.
    let mut y = 800.0;
    c.text(LEFT, y, 15.0, Font::Bold, &data.supplier.name);
    y -= 15.0;
    for line in &data.supplier.address {
        c.text(LEFT, y, 9.0, Font::Regular, line);
        y -= 11.0;
    }
    for line in &data.supplier.identifiers {
        c.text(LEFT, y, 8.0, Font::Regular, line);
        y -= 10.0;
    }

    // Title, number and dates, top right.
    let title = if data.credit_note { "AVOIR" } else { "FACTURE" };
    c.text_right(RIGHT, 798.0, 22.0, Font::Bold, title);
    c.text_right(
        RIGHT,
        778.0,
        11.0,
        Font::Bold,
        &format!("N° {}", data.number),
    );
    c.text_right(
        RIGHT,
        764.0,
        9.0,
        Font::Regular,
        &format!("Date : {}", format_date(data.issue_date)),
    );
    if let Some(due) = data.due_date {
        c.text_right(
            RIGHT,
            752.0,
            9.0,
            Font::Regular,
            &format!("Échéance : {}", format_date(due)),
        );
    }

    // Client box, right.
    let box_x = 320.0;
    let box_w = RIGHT - box_x;
    let mut client_lines: Vec<(Font, f32, String)> = Vec::new();
    for line in wrap(&data.client.name, box_w - 16.0, 10.0, true)
        .into_iter()
        .take(2)
    {
        client_lines.push((Font::Bold, 10.0, line));
    }
    for line in &data.client.address {
        client_lines.push((Font::Regular, 9.0, line.clone()));
    }
    for line in &data.client.identifiers {
        client_lines.push((Font::Regular, 8.0, line.clone()));
    }
    let box_top = 735.0;
    let box_h = 22.0 + 12.0 * client_lines.len() as f32;
    c.stroke_rect(box_x, box_top - box_h, box_w, box_h);
    c.grey(0.4);
    c.text(box_x + 8.0, box_top - 13.0, 7.5, Font::Regular, "FACTURÉ À");
    c.grey(0.0);
    let mut cy = box_top - 27.0;
    for (font, size, line) in &client_lines {
        c.text(box_x + 8.0, cy, *size, *font, line);
        cy -= 12.0;
    }

    // Chorus Pro billing data, left.
    let mut ry = 718.0_f32.min(y - 8.0);
    c.text(LEFT, ry, 9.0, Font::Bold, "Références de facturation");
    ry -= 13.0;
    for (label, value) in &data.references {
        c.grey(0.35);
        c.text(LEFT, ry, 8.5, Font::Regular, &format!("{label} :"));
        c.grey(0.0);
        // Printed in full, even a value too long for Chorus Pro: the reader must see it.
        for part in wrap(value, 165.0, 8.5, false).into_iter().take(4) {
            c.text(LEFT + 105.0, ry, 8.5, Font::Regular, &part);
            ry -= 10.5;
        }
        ry -= 1.5;
    }

    // Lines table.
    let mut ty = (box_top - box_h).min(ry) - 22.0;
    let cols = [(LEFT + 4.0, "Désignation")];
    c.fill_rect(LEFT, ty - 5.0, RIGHT - LEFT, 17.0, 0.9);
    for (x, label) in cols {
        c.text(x, ty, 8.5, Font::Bold, label);
    }
    c.text_right(335.0, ty, 8.5, Font::Bold, "Qté");
    c.text(342.0, ty, 8.5, Font::Bold, "Unité");
    c.text_right(435.0, ty, 8.5, Font::Bold, "PU HT");
    c.text_right(478.0, ty, 8.5, Font::Bold, "TVA");
    c.text_right(RIGHT - 4.0, ty, 8.5, Font::Bold, "Montant HT");
    ty -= 19.0;
    for line in &data.lines {
        let label = wrap(&line.label, 250.0, 8.5, false);
        let first_y = ty;
        for (i, part) in label.iter().take(3).enumerate() {
            c.text(LEFT + 4.0, ty - 10.5 * i as f32, 8.5, Font::Regular, part);
        }
        c.text_right(335.0, first_y, 8.5, Font::Regular, &quantity(line.quantity));
        c.text(342.0, first_y, 8.5, Font::Regular, &line.unit);
        c.text_right(
            435.0,
            first_y,
            8.5,
            Font::Regular,
            &format_amount(line.unit_price),
        );
        c.text_right(478.0, first_y, 8.5, Font::Regular, &rate(line.vat_rate));
        c.text_right(
            RIGHT - 4.0,
            first_y,
            8.5,
            Font::Regular,
            &format_amount(line.total),
        );
        ty -= 10.5 * label.len().min(3) as f32 + 4.0;
        c.hline(LEFT, RIGHT, ty + 7.0);
        ty -= 6.0;
    }

    // VAT breakdown (left) and totals (right).
    ty -= 10.0;
    let block_top = ty;
    c.text(LEFT, ty, 8.5, Font::Bold, "Taux de TVA");
    c.text_right(190.0, ty, 8.5, Font::Bold, "Base HT");
    c.text_right(270.0, ty, 8.5, Font::Bold, "Montant TVA");
    ty -= 13.0;
    for (r, base, tax) in &data.vat {
        c.text(LEFT, ty, 8.5, Font::Regular, &rate(*r));
        c.text_right(190.0, ty, 8.5, Font::Regular, &money(*base));
        c.text_right(270.0, ty, 8.5, Font::Regular, &money(*tax));
        ty -= 12.0;
    }
    let mut sy = block_top;
    for (label, value) in [
        ("Total HT", data.total_excl_tax),
        ("Total TVA", data.total_tax),
    ] {
        c.text(360.0, sy, 9.0, Font::Regular, label);
        c.text_right(RIGHT - 4.0, sy, 9.0, Font::Regular, &money(value));
        sy -= 14.0;
    }
    c.fill_rect(355.0, sy - 6.0, RIGHT - 355.0, 19.0, 0.9);
    let total_label = if data.credit_note {
        "Total TTC de l'avoir"
    } else {
        "Net à payer TTC"
    };
    c.text(360.0, sy, 10.0, Font::Bold, total_label);
    c.text_right(
        RIGHT - 4.0,
        sy,
        10.0,
        Font::Bold,
        &money(data.total_incl_tax),
    );
    sy -= 14.0;

    // Payment terms and legal mentions.
    let mut py = ty.min(sy) - 18.0;
    if !data.payment.is_empty() {
        c.text(LEFT, py, 9.0, Font::Bold, "Conditions de règlement");
        py -= 12.0;
        for line in &data.payment {
            c.text(LEFT, py, 8.5, Font::Regular, line);
            py -= 11.0;
        }
        py -= 6.0;
    }
    c.grey(0.3);
    for note in &data.notes {
        for line in wrap(note, RIGHT - LEFT, 7.5, false) {
            if py < 48.0 {
                break;
            }
            c.text(LEFT, py, 7.5, Font::Regular, &line);
            py -= 9.5;
        }
        py -= 3.0;
    }
    c.hline(LEFT, RIGHT, 38.0);
    c.text_center(PAGE_WIDTH / 2.0, 27.0, 7.0, Font::Regular, &data.footer);
    c.grey(0.0);

    let kind = if data.credit_note { "Avoir" } else { "Facture" };
    // The date of the invoice, not of the run: the same data always gives the same file.
    crate::pdf_page::one_page(
        c.ops,
        &format!("{kind} {}", data.number),
        &data.supplier.name,
        data.issue_date,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Document;

    fn sample() -> InvoicePdf {
        let line = |label: &str, qty: i64, cents: i64, rate: i64| PdfLine {
            label: label.into(),
            quantity: Decimal::from(qty),
            unit: "U".into(),
            unit_price: Decimal::new(cents, 2),
            vat_rate: Decimal::from(rate),
            total: Decimal::new(qty * cents, 2),
        };
        InvoicePdf {
            credit_note: false,
            number: "2600001".into(),
            issue_date: NaiveDate::from_ymd_opt(2026, 3, 12).unwrap(),
            due_date: NaiveDate::from_ymd_opt(2026, 4, 11),
            currency: "EUR".into(),
            supplier: PdfParty {
                name: "Dauphiné Informatique Services SAS".into(),
                address: vec!["12 rue Félix Esclangon".into(), "38000 Grenoble".into()],
                identifiers: vec!["SIRET 812 345 671 00013".into()],
            },
            client: PdfParty {
                name: "Commune de Saint-Étienne".into(),
                address: vec!["1 place de l'Hôtel de Ville".into()],
                identifiers: vec![],
            },
            references: vec![("Code service".into(), "SERV-FINANCES".into())],
            lines: vec![
                line(
                    "Ramettes de papier A4 80 g (carton de 5) — livraison au 2ᵉ étage",
                    12,
                    2_490,
                    20,
                ),
                line("Formation", 1, 95_000, 0),
            ],
            vat: vec![(
                Decimal::from(20),
                Decimal::new(29_880, 2),
                Decimal::new(5_976, 2),
            )],
            total_excl_tax: Decimal::new(124_880, 2),
            total_tax: Decimal::new(5_976, 2),
            total_incl_tax: Decimal::new(130_856, 2),
            payment: vec!["Virement à 30 jours".into()],
            notes: vec!["Indemnité forfaitaire pour frais de recouvrement : 40 €. ".repeat(6)],
            footer: "SAS au capital de 150 000 €".into(),
        }
    }

    #[test]
    fn renders_a_one_page_pdf_that_loads() {
        let bytes = render(&sample()).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.5"));
        let doc = Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        // Same data, same bytes.
        assert_eq!(render(&sample()).unwrap(), bytes);
    }

    #[test]
    fn encodes_french_text_for_win_ansi() {
        assert_eq!(win_ansi("é€\u{a0}œ"), vec![0xE9, 0x80, 0xA0, 0x9C]);
        assert_eq!(win_ansi("a\u{202f}b"), vec![b'a', 0xA0, b'b']);
        assert_eq!(win_ansi("2ᵉ"), vec![b'2', b'?']);
    }

    #[test]
    fn wraps_to_the_width() {
        let lines = wrap(
            "Maintenance annuelle du parc informatique",
            80.0,
            10.0,
            false,
        );
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(width_of(l, 10.0, Font::Regular) <= 80.0, "{l}");
        }
        assert_eq!(lines.join(" "), "Maintenance annuelle du parc informatique");
        let cut = wrap("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 50.0, 10.0, false);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    }
}
