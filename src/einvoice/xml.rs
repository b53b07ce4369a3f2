//! A tiny XML text builder: every text and attribute goes through [`escape`], so names
//! with `&`, `<`, `>` or quotes cannot break the document, and what a parser would
//! normalise away (a carriage return in a text, a tab or line break in an attribute) is
//! written as a character reference, so that the text read back is the text written.

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            // Characters XML 1.0 forbids: the mapping already left them out of the model.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n') => {}
            '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false);
    out
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
        escape_into(&mut self.out, text, false);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// A leaf only when the term is present.
    pub fn opt(&mut self, name: &str, attrs: &[(&str, &str)], text: Option<&str>) {
        if let Some(text) = text {
            self.leaf(name, attrs, text);
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
            escape_into(&mut self.out, v, true);
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
