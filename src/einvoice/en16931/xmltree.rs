//! A small element tree read with quick-xml, namespaces resolved, for the UBL and CII
//! readers. Only what the readers need: elements, their attributes (by local name) and
//! their own text. Comments, processing instructions and the DTD are skipped.

use super::ReadError;
use super::model::Text;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use std::borrow::Cow;

/// The namespaces the readers look at; anything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    UblInvoice,
    UblCreditNote,
    Cac,
    Cbc,
    Rsm,
    Ram,
    Udt,
    Qdt,
    Other,
}

fn ns_of(uri: &str) -> Ns {
    use super::{write_cii as c, write_ubl as u};
    match uri {
        u::NS_INVOICE => Ns::UblInvoice,
        u::NS_CREDIT_NOTE => Ns::UblCreditNote,
        u::NS_CAC => Ns::Cac,
        u::NS_CBC => Ns::Cbc,
        c::NS_RSM => Ns::Rsm,
        c::NS_RAM => Ns::Ram,
        c::NS_UDT => Ns::Udt,
        c::NS_QDT => Ns::Qdt,
        _ => Ns::Other,
    }
}

#[derive(Debug, Clone)]
pub struct Element {
    pub ns: Ns,
    pub name: String,
    /// Attributes by local name (the ones the syntaxes use carry no namespace), values
    /// normalised as an XML parser does.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own character data (text, CDATA, references), unmodified.
    pub text: String,
}

impl Element {
    fn new(ns: Ns, name: String) -> Element {
        Element {
            ns,
            name,
            attrs: Vec::new(),
            children: Vec::new(),
            text: String::new(),
        }
    }

    pub fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The first child `ns:name`.
    pub fn child(&self, ns: Ns, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// Every child `ns:name`.
    pub fn all<'e>(&'e self, ns: Ns, name: &'e str) -> impl Iterator<Item = &'e Element> + 'e {
        self.children.iter().filter(move |c| c.is(ns, name))
    }

    /// Follows a path of children (first match at each step).
    pub fn path(&self, steps: &[(Ns, &str)]) -> Option<&Element> {
        let mut e = self;
        for (ns, name) in steps {
            e = e.child(*ns, name)?;
        }
        Some(e)
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn bad(e: &dyn std::fmt::Display) -> ReadError {
    ReadError::NotXml(e.to_string())
}

fn element(ns: Ns, start: &quick_xml::events::BytesStart<'_>) -> Result<Element, ReadError> {
    let name = start.local_name();
    let name: &str = name.as_ref();
    let mut element = Element::new(ns, name.to_string());
    for attr in start.attributes() {
        let attr = attr.map_err(|e| bad(&e))?;
        let qualified: &str = attr.key.as_ref();
        if qualified == "xmlns" || qualified.starts_with("xmlns:") {
            continue;
        }
        let key = attr.key.local_name();
        let key: &str = key.as_ref();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| bad(&e))?;
        element.attrs.push((key.to_string(), value.into_owned()));
    }
    Ok(element)
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => *root = Some(done),
        }
    }
}

/// Parses a whole document. A byte-order mark is skipped; the text must be UTF-8 (what both
/// syntaxes' specifications require).
pub fn parse(bytes: &[u8]) -> Result<Element, ReadError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body)
        .map_err(|e| ReadError::NotXml(format!("le texte n'est pas en UTF-8 : {e}")))?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|e| bad(&e))?;
        let ns = match resolved {
            ResolveResult::Bound(ns) => ns_of(ns.into_inner()),
            _ => Ns::Other,
        };
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(ReadError::NotXml("contenu après l'élément racine".into()));
                }
                stack.push(element(ns, &start)?);
            }
            Event::Empty(start) => {
                if root.is_some() {
                    return Err(ReadError::NotXml("contenu après l'élément racine".into()));
                }
                stack.push(element(ns, &start)?);
                close(&mut stack, &mut root);
            }
            Event::End(_) => close(&mut stack, &mut root),
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                    Some(c) => c.to_string(),
                    None => match &*r.into_inner() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => {
                            return Err(ReadError::NotXml(format!("entité inconnue &{other};")));
                        }
                    },
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(ReadError::NotXml("document tronqué".to_string()));
    }
    root.ok_or_else(|| ReadError::NotXml("aucun élément".to_string()))
}

/// An `xs:decimal` as written: the scale is kept (`1.50` stays `1.50`). `None` for what is not
/// a decimal (the schema check would refuse it; here it is an absent term).
pub fn decimal(text: &str) -> Option<rust_decimal::Decimal> {
    let t = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let t = t.strip_prefix('+').unwrap_or(t);
    let owned;
    let t = if let Some(rest) = t.strip_prefix('.') {
        owned = format!("0.{rest}");
        owned.as_str()
    } else if let Some(rest) = t.strip_prefix("-.") {
        owned = format!("-0.{rest}");
        owned.as_str()
    } else {
        t.strip_suffix('.').unwrap_or(t)
    };
    let valid = !t.is_empty()
        && t.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && t.matches('.').count() <= 1
        && t.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    t.parse().ok()
}

impl Element {
    /// The element's own text as a term, as written.
    pub fn term(&self) -> Text<'static> {
        Cow::Owned(self.text.clone())
    }

    /// The text of the first child `ns:name`, as written.
    pub fn text_of(&self, ns: Ns, name: &str) -> Option<Text<'static>> {
        self.child(ns, name).map(Element::term)
    }

    pub fn decimal_of(&self, ns: Ns, name: &str) -> Option<rust_decimal::Decimal> {
        self.child(ns, name).and_then(|e| decimal(&e.text))
    }

    pub fn attr_string(&self, name: &str) -> Option<Text<'static>> {
        self.attr(name).map(|a| Cow::Owned(a.to_string()))
    }
}
