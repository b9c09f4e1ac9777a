//! A YAML document as a tree of nodes that know where they were written
//! (byte ranges in the text), for editing a file in place: the editor's
//! save rewrites only the values that changed ([`crate::cms`]), so a
//! file's comments, key order and quoting survive.
//!
//! serde-saphyr's event parser does the reading; nothing outside `yaml`
//! sees its types.

use std::ops::Range;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

/// One node and where it was written.
#[derive(Debug, Clone)]
pub enum Node {
    Scalar {
        value: String,
        style: Style,
        range: Range<usize>,
    },
    Map {
        entries: Vec<(Node, Node)>,
        flow: bool,
        range: Range<usize>,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
        range: Range<usize>,
    },
}

impl Node {
    /// Where the node was written: from its first character to the end of
    /// its last value (a block collection's range ends where its last
    /// scalar ends).
    pub fn range(&self) -> Range<usize> {
        match self {
            Node::Scalar { range, .. } | Node::Map { range, .. } | Node::Seq { range, .. } => {
                range.clone()
            }
        }
    }

    /// A mapping's value under `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar's text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The value as JSON: scalars are kept as text (a plain `null` or `~`
    /// and an empty plain scalar are null), so two documents compare equal
    /// when they say the same, however each was written.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Node::Scalar { value, style, .. } => {
                if *style == Style::Plain
                    && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL")
                {
                    serde_json::Value::Null
                } else {
                    serde_json::Value::String(value.clone())
                }
            }
            Node::Seq { items, .. } => items.iter().map(Node::to_json).collect(),
            Node::Map { entries, .. } => entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }
}

/// A collection being read.
enum Open {
    Map(Vec<(Node, Node)>, Option<Node>, bool, usize),
    Seq(Vec<Node>, bool, usize),
}

/// The first document of `text` as a tree (`None` for an empty document).
/// Anchors and aliases are refused: the editor's save could not keep them.
pub fn parse(text: &str) -> Result<Option<Node>, String> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        let start = span.start.byte_offset().unwrap_or(0).min(text.len());
        let end = span.end.byte_offset().unwrap_or(start).min(text.len());
        let done = match event {
            Event::Scalar(value, style, anchor, _) => {
                if anchor != 0 {
                    return Err("anchors (&name) cannot be edited in place".into());
                }
                // The parser's span of a block scalar starts at its content
                // and runs into the next line's indentation: it is taken
                // from the `|` or `>` to the end of its last line instead.
                let (start, end) = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    let content = text[start..end].trim_end_matches([' ', '\t']);
                    let header = text[..start].rfind(['|', '>']).unwrap_or(start);
                    (header, start + content.len())
                } else {
                    (start, end)
                };
                Some(Node::Scalar {
                    value: value.into_owned(),
                    style: match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        ScalarStyle::Literal => Style::Literal,
                        _ => Style::Folded,
                    },
                    range: start..end,
                })
            }
            Event::Alias(_) => return Err("aliases (*name) cannot be edited in place".into()),
            Event::MappingStart(style, _, _) => {
                stack.push(Open::Map(
                    Vec::new(),
                    None,
                    style == StructureStyle::Flow,
                    start,
                ));
                None
            }
            Event::SequenceStart(style, _, _) => {
                stack.push(Open::Seq(Vec::new(), style == StructureStyle::Flow, start));
                None
            }
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(entries, _, flow, s)) => {
                    let last = entries.last().map_or(end, |(_, v)| v.range().end);
                    Some(Node::Map {
                        entries,
                        flow,
                        range: s..if flow { end } else { last },
                    })
                }
                _ => return Err("unbalanced mapping".into()),
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, flow, s)) => {
                    let last = items.last().map_or(end, |v| v.range().end);
                    Some(Node::Seq {
                        items,
                        flow,
                        range: s..if flow { end } else { last },
                    })
                }
                _ => return Err("unbalanced sequence".into()),
            },
            Event::DocumentEnd if root.is_some() => break,
            _ => None,
        };
        if let Some(node) = done {
            match stack.last_mut() {
                Some(Open::Seq(items, ..)) => items.push(node),
                Some(Open::Map(entries, key, ..)) => match key.take() {
                    Some(k) => entries.push((k, node)),
                    None => *key = Some(node),
                },
                None => root = Some(node),
            }
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_where_they_were_written() {
        let text = "# a comment\nnumber: 1\nlead: [A, B]\nresponses:\n  - date: 2020-01-01\n    text: |\n      Line one.\n";
        let root = parse(text).unwrap().unwrap();
        let number = root.get("number").unwrap();
        assert_eq!(&text[number.range()], "1");
        let leads = root.get("lead").unwrap();
        assert_eq!(&text[leads.range()], "[A, B]");
        let Node::Seq { items, .. } = root.get("responses").unwrap() else {
            panic!()
        };
        assert_eq!(items[0].get("text").unwrap().as_str(), Some("Line one.\n"));
        assert_eq!(&text[items[0].get("date").unwrap().range()], "2020-01-01");
        let text = "a:\n  - t: |\n      Begun.\n    s: x\nb: >-\n  Folded\n  text.\nc: 1\n";
        let root = parse(text).unwrap().unwrap();
        let Node::Seq { items, range, .. } = root.get("a").unwrap() else {
            panic!()
        };
        assert_eq!(
            &text[items[0].get("t").unwrap().range()],
            "|\n      Begun.\n"
        );
        assert_eq!(&text[range.clone()], "- t: |\n      Begun.\n    s: x");
        assert_eq!(
            &text[root.get("b").unwrap().range()],
            ">-\n  Folded\n  text.\n"
        );
    }
}
