//! A small element tree over quick-xml, for the parts of a Word file.
//!
//! A .docx part is a few hundred kilobytes of nested elements whose meaning
//! depends on their ancestors (a run inside a deletion, a paragraph inside a
//! table cell). Walking a tree is far clearer than tracking that state across
//! a stream of events, and the parts are small enough to hold (their size is
//! capped where they are read).

use quick_xml::events::Event;

/// One element: its local name (`p` for `w:p`), attributes by local name,
/// and its children. Text is kept as [`Node::Text`].
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// The attribute with this local name (`w:val` is `val`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first element with this name at any depth, this one included.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.elements().find_map(|e| e.find(name))
    }

    /// All text below this element, in order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.push_text(&mut out);
        out
    }

    fn push_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.push_text(out),
            }
        }
    }
}

const MAX_DEPTH: usize = 200;

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.into_owned(),
    }
}

/// The document's root element, or what is wrong with the XML.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("{e} at byte {}", reader.buffer_position()))?;
        match event {
            Event::Start(s) => {
                // Word nests a few levels deep (table, row, cell, paragraph,
                // run); far deeper is a hostile file, refused before the
                // walks below could recurse that far.
                if stack.len() > MAX_DEPTH {
                    return Err(format!("elements nested more than {MAX_DEPTH} deep"));
                }
                stack.push(element(&s, reader.decoder())?)
            }
            Event::Empty(s) => {
                let e = element(&s, reader.decoder())?;
                push(&mut stack, Node::Element(e));
            }
            Event::End(_) => {
                let done = stack.pop().ok_or("an end tag with no start")?;
                if stack.is_empty() {
                    return Err("an end tag with no start".into());
                }
                push(&mut stack, Node::Element(done));
            }
            Event::Text(t) => {
                let t = t.unescape().map_err(|e| e.to_string())?;
                push(&mut stack, Node::Text(t.into_owned()));
            }
            Event::CData(t) => push(
                &mut stack,
                Node::Text(String::from_utf8_lossy(&t).into_owned()),
            ),
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().ok_or("no document")?;
    match root.children.pop() {
        Some(Node::Element(e)) if stack.is_empty() => Ok(e),
        _ => Err("the XML is cut short or has no root element".into()),
    }
}

fn push(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn element(
    start: &quick_xml::events::BytesStart,
    decoder: quick_xml::encoding::Decoder,
) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let value = a
            .decode_and_unescape_value(decoder)
            .map_err(|e| e.to_string())?;
        attrs.push((local(a.key.as_ref()), value.into_owned()));
    }
    Ok(Element {
        name: local(start.name().as_ref()),
        attrs,
        children: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_nested_far_deeper_than_word_writes_are_refused() {
        let deep = format!("{}{}", "<a>".repeat(500), "</a>".repeat(500));
        assert!(parse(&deep).unwrap_err().contains("nested more than"));
        let fine = parse(
            "<w:p xmlns:w=\"x\"><w:r><w:t xml:space=\"preserve\"> a &amp; b</w:t></w:r></w:p>",
        )
        .unwrap();
        assert_eq!(fine.name, "p");
        assert_eq!(fine.text(), " a & b");
        assert!(parse("<a><b></a>").is_err());
    }
}
