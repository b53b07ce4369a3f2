//! A tiny XML text builder: every text and attribute goes through [`escape`], so names
//! with `&`, `<`, `>` or quotes cannot break the document.

use rust_decimal::Decimal;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids (ERP exports sometimes carry them): dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// An amount as EN 16931 wants it: already rounded, exactly two decimals, `.` separator.
pub fn amount(value: Decimal) -> String {
    format!("{:.2}", crate::model::money::round_cents(value))
}

/// A quantity, price or rate: no trailing zeros, no exponent.
pub fn number(value: Decimal) -> String {
    let n = value.normalize();
    if n.is_zero() {
        "0".into()
    } else {
        n.to_string()
    }
}

pub struct Xml {
    out: String,
    stack: Vec<&'static str>,
}

impl Default for Xml {
    fn default() -> Xml {
        Xml::new()
    }
}

impl Xml {
    pub fn new() -> Xml {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Xml {
            out,
            stack: Vec::new(),
        }
    }

    /// Opens `<name attrs…>`; attribute values are escaped here.
    pub fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
        self.stack.push(name);
    }

    pub fn close(&mut self) {
        if let Some(name) = self.stack.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    /// `<name attrs…>text</name>`.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// A leaf only when the text is not blank: optional business terms stay out.
    pub fn opt_leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        if !text.trim().is_empty() {
            self.leaf(name, attrs, text.trim());
        }
    }

    /// A leaf whose content is already safe (base64), written without a copy through escape.
    pub fn raw_leaf(&mut self, name: &str, attrs: &[(&str, &str)], safe_text: &str) {
        self.out.push('<');
        self.out.push_str(name);
        self.attrs(attrs);
        self.out.push('>');
        self.out.push_str(safe_text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    fn attrs(&mut self, attrs: &[(&str, &str)]) {
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape(v));
            self.out.push('"');
        }
    }

    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        self.out.push('\n');
        self.out
    }
}
