//! A translation file laid over its original: `report.cy.yaml` over
//! `report.yaml`, the front matter of `01-intro.cy.md` over that of
//! `01-intro.md`.
//!
//! Why an overlay rather than a second copy of every file: figures, dates,
//! numbers and statuses are entered once, in the original, and both
//! languages show the same ones. The translation gives only the words. So
//! the two files are read as plain YAML trees (with the translation's
//! positions, for messages), the translation's text is put in place of the
//! original's, and anything else the translation says must agree with the
//! original. The result is written out as JSON, which is YAML, for the
//! loader to read as if it were the original file.

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

/// A YAML value with the line and column it starts at.
#[derive(Debug, Clone)]
pub enum Node {
    Map(Vec<(String, Node)>, At),
    List(Vec<Node>, At),
    Scalar(Scalar),
}

#[derive(Debug, Clone)]
pub struct Scalar {
    pub value: String,
    /// Written without quotes, so YAML may read it as a number or a
    /// true/false rather than text.
    pub plain: bool,
    pub at: At,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct At {
    pub line: u32,
    pub column: u32,
}

impl Node {
    pub fn at(&self) -> At {
        match self {
            Node::Map(_, at) | Node::List(_, at) => *at,
            Node::Scalar(s) => s.at,
        }
    }

    /// An empty mapping, for a translation without front matter.
    pub fn empty() -> Node {
        Node::Map(Vec::new(), At { line: 1, column: 1 })
    }
}

/// Reads `text` (whose first line is line `line_offset + 1` of its file)
/// into a tree. Anchors, aliases and tags are refused: a translation is
/// words laid over a file, and those would make "the same place in the
/// original" ambiguous.
pub fn parse(text: &str, line_offset: u32) -> Result<Node, (At, String)> {
    let blanked = crate::controls::blanked(text);
    let mut stack: Vec<Building> = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(&blanked) {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            (
                At {
                    line: m.line() as u32 + line_offset,
                    column: m.col() as u32 + 1,
                },
                e.info().to_string(),
            )
        })?;
        let at = At {
            line: span.start.line() as u32 + line_offset,
            column: span.start.col() as u32 + 1,
        };
        let node = match event {
            Event::MappingStart(_, anchor, tag) | Event::SequenceStart(_, anchor, tag)
                if anchor != 0 || tag.is_some() =>
            {
                return Err((at, "anchors and tags cannot be translated".into()));
            }
            Event::MappingStart(..) => {
                stack.push(Building::Map(Vec::new(), None, at));
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Building::List(Vec::new(), at));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some(Building::Map(entries, _, at)) => Node::Map(entries, at),
                Some(Building::List(items, at)) => Node::List(items, at),
                None => continue,
            },
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return Err((at, "anchors and tags cannot be translated".into()));
                }
                Node::Scalar(Scalar {
                    value: value.into_owned(),
                    plain: style == ScalarStyle::Plain,
                    at,
                })
            }
            Event::Alias(_) => {
                return Err((at, "an alias (`*name`) cannot be translated".into()));
            }
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Building::List(items, _)) => items.push(node),
            Some(Building::Map(entries, key, _)) => match key.take() {
                None => match node {
                    Node::Scalar(s) => *key = Some(s.value),
                    _ => return Err((at, "a key must be a plain word".into())),
                },
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Ok(root.unwrap_or_else(Node::empty))
}

enum Building {
    Map(Vec<(String, Node)>, Option<String>, At),
    List(Vec<Node>, At),
}

/// Keys whose values are the same in every language: figures, dates,
/// statuses, names of files and settings. A translation may leave them
/// out, or repeat them unchanged.
const SHARED_KEYS: &[&str] = &[
    "number",
    "order",
    "date",
    "published",
    "updated",
    "status",
    "kind",
    "due",
    "draft",
    "numbered",
    "statuses",
    "last_updated",
    "contents_depth",
    "image",
    "chapter",
    "file",
    "sheet",
    "range",
    "type",
    "format",
    "id",
    "slug",
    "email",
    "phone",
    "website",
    "url",
    "branding",
    "related",
    "column",
    "key",
    "decimals",
    "compute",
    "source_file",
    "tested",
    "response_days",
    "compliance",
    // A table's schema: column keys, formulas and layout.
    "columns",
    "share",
    "rank",
    "difference",
    "percent_change",
    "direction",
    "good",
    "sort",
    "layout",
    "workbook",
    // Files and settings.
    "logo",
    "logo_on_dark",
    "stylesheets",
    "files",
];

/// Whether a scalar in the original is words to translate: not a number,
/// true/false, date, address, colour or file name, and not under a key
/// that is the same everywhere. (A mapping under such a key, such as a
/// schema's `columns:`, still has words in it: only its values are
/// judged, each by its own key.)
fn is_text(key: Option<&str>, s: &Scalar) -> bool {
    if key.is_some_and(|k| SHARED_KEYS.contains(&k)) {
        return false;
    }
    let v = s.value.trim();
    if v.is_empty() || (s.plain && is_literal(v)) || looks_like_a_name(v) {
        return false;
    }
    // A date, an amount or a percentage reads the same in both languages.
    !v.chars()
        .all(|c| c.is_ascii_digit() || " -/.,:%£$€+".contains(c))
}

/// A web or email address, a colour or a file name: one word that reads
/// the same in every language.
fn looks_like_a_name(v: &str) -> bool {
    if v.contains(char::is_whitespace) {
        return false;
    }
    let colour = v
        .strip_prefix('#')
        .is_some_and(|h| matches!(h.len(), 3 | 6 | 8) && h.chars().all(|c| c.is_ascii_hexdigit()));
    let file = v.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && matches!(
                ext.to_ascii_lowercase().as_str(),
                "csv"
                    | "xlsx"
                    | "ods"
                    | "png"
                    | "jpg"
                    | "jpeg"
                    | "svg"
                    | "gif"
                    | "webp"
                    | "pdf"
                    | "css"
                    | "ttf"
                    | "otf"
                    | "md"
                    | "yaml"
            )
    });
    colour || file || v.starts_with("http://") || v.starts_with("https://") || v.contains('@')
}

/// A plain scalar YAML reads as something other than text.
fn is_literal(v: &str) -> bool {
    matches!(
        v,
        "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    ) || v.parse::<f64>().is_ok()
        || v.strip_prefix("0x")
            .is_some_and(|h| i64::from_str_radix(h, 16).is_ok())
}

/// Something the translation got wrong, at its position in the
/// translation file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub at: At,
    pub kind: ProblemKind,
    pub message: String,
    pub hint: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProblemKind {
    /// Text of the original with no translation.
    Missing,
    /// A figure, date or setting that differs from the original's, or a
    /// value of another shape.
    Mismatch,
    /// A field the original does not have.
    Extra,
}

/// Lays `translation` over `original`: the original's shape and shared
/// values, with the translation's text. `original_file` names the
/// original in messages.
pub fn merge(original: &Node, translation: &Node, original_file: &str) -> (Node, Vec<Problem>) {
    let mut problems = Vec::new();
    let merged = merge_at(
        None,
        "",
        original,
        translation,
        original_file,
        &mut problems,
    );
    (merged, problems)
}

fn merge_at(
    key: Option<&str>,
    path: &str,
    original: &Node,
    translation: &Node,
    file: &str,
    problems: &mut Vec<Problem>,
) -> Node {
    let shared = key.is_some_and(|k| SHARED_KEYS.contains(&k));
    match (original, translation) {
        (Node::Map(o, at), Node::Map(t, _)) => {
            let mut out = Vec::with_capacity(o.len());
            for (k, ov) in o {
                let here = join(path, k);
                match t.iter().find(|(tk, _)| tk == k) {
                    Some((_, tv)) => {
                        out.push((k.clone(), merge_at(Some(k), &here, ov, tv, file, problems)))
                    }
                    None => {
                        if has_text(Some(k), ov) {
                            problems.push(Problem {
                                at: translation.at(),
                                kind: ProblemKind::Missing,
                                message: format!("`{here}` is not translated"),
                                hint: format!(
                                    "give `{k}:` here in this language, as {file} has it"
                                ),
                            });
                        }
                        out.push((k.clone(), ov.clone()));
                    }
                }
            }
            for (k, tv) in t {
                if !o.iter().any(|(ok, _)| ok == k) {
                    problems.push(Problem {
                        at: tv.at(),
                        kind: ProblemKind::Extra,
                        message: format!("`{}` is not in {file}", join(path, k)),
                        hint: format!(
                            "a translation gives the same fields as its original: add `{k}:` to {file} first, or remove it here"
                        ),
                    });
                }
            }
            Node::Map(out, *at)
        }
        (Node::List(o, at), Node::List(t, tat)) => {
            if t.len() < o.len() {
                // Entries added to the original since it was translated (a
                // new progress update) are words still to translate.
                problems.push(Problem {
                    at: *tat,
                    kind: ProblemKind::Missing,
                    message: format!(
                        "`{path}` has {} entries here but {} in {file}",
                        t.len(),
                        o.len()
                    ),
                    hint: format!(
                        "translate the entries {file} has since added, in the same order"
                    ),
                });
            } else if t.len() > o.len() {
                problems.push(Problem {
                    at: *tat,
                    kind: ProblemKind::Mismatch,
                    message: format!(
                        "`{path}` has {} entries here but {} in {file}",
                        t.len(),
                        o.len()
                    ),
                    hint: "translate each entry, in the same order as the original".into(),
                });
            }
            let items = o
                .iter()
                .enumerate()
                .map(|(i, ov)| match t.get(i) {
                    Some(tv) => {
                        merge_at(key, &format!("{path}[{}]", i + 1), ov, tv, file, problems)
                    }
                    None => ov.clone(),
                })
                .collect();
            Node::List(items, *at)
        }
        (Node::Scalar(os), Node::Scalar(ts)) if !shared && is_text(key, os) => {
            if ts.value.trim().is_empty() {
                problems.push(Problem {
                    at: ts.at,
                    kind: ProblemKind::Missing,
                    message: format!("`{path}` is empty"),
                    hint: format!("translate it: {file} says \"{}\"", short(&os.value)),
                });
                return original.clone();
            }
            Node::Scalar(Scalar {
                value: ts.value.clone(),
                plain: false,
                at: os.at,
            })
        }
        (Node::Scalar(os), Node::Scalar(ts)) if os.value.trim() == ts.value.trim() => {
            original.clone()
        }
        _ => {
            let what = if shared || matches!(original, Node::Scalar(_)) {
                format!("`{path}` is the same in every language and is entered once, in {file}")
            } else {
                format!("`{path}` has a different shape from {file}'s")
            };
            problems.push(Problem {
                at: translation.at(),
                kind: ProblemKind::Mismatch,
                message: what,
                hint: format!("leave `{path}` out here: it is taken from {file}"),
            });
            original.clone()
        }
    }
}

/// Whether a file's tree holds any words to translate.
pub fn has_words(node: &Node) -> bool {
    has_text(None, node)
}

/// Whether a value holds any words to translate.
fn has_text(key: Option<&str>, node: &Node) -> bool {
    match node {
        Node::Scalar(s) => is_text(key, s),
        Node::List(items, _) => items.iter().any(|n| has_text(key, n)),
        Node::Map(entries, _) => entries.iter().any(|(k, v)| has_text(Some(k), v)),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn short(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// The tree as one line of JSON, which YAML reads as the same values: a
/// plain scalar that is a number or true/false stays unquoted, so the
/// loader reads the same types as from the original.
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    write_json(node, &mut out);
    out
}

fn write_json(node: &Node, out: &mut String) {
    let quote = |s: &str, out: &mut String| {
        out.push_str(&serde_json::to_string(s).expect("a string serialises"))
    };
    match node {
        Node::Map(entries, _) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
        Node::List(items, _) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(v, out);
            }
            out.push(']');
        }
        Node::Scalar(s) if s.plain && (s.value.is_empty() || is_literal(&s.value)) => {
            if s.value.is_empty() {
                out.push_str("null");
            } else {
                out.push_str(&s.value);
            }
        }
        Node::Scalar(s) => quote(&s.value, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn over(original: &str, translation: &str) -> (String, Vec<Problem>) {
        let o = parse(original, 0).unwrap();
        let t = parse(translation, 0).unwrap();
        let (m, p) = merge(&o, &t, "01.md");
        (to_json(&m), p)
    }

    #[test]
    fn text_is_taken_from_the_translation_and_figures_from_the_original() {
        let (json, problems) = over(
            "number: 3\ntitle: Gather data\nresponses:\n  - date: 2020-11-30\n    status: done\n    text: It was done.\n",
            "title: Casglu data\nresponses:\n  - text: Fe'i gwnaed.\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            json,
            r#"{"number":3,"title":"Casglu data","responses":[{"date":"2020-11-30","status":"done","text":"Fe'i gwnaed."}]}"#
        );
        let back: serde_json::Value = serde_saphyr::from_str(&json).unwrap();
        assert_eq!(back["number"], 3);
    }

    #[test]
    fn text_left_out_is_missing_at_the_translation_s_position() {
        let (_, problems) = over("title: A\nsummary: B\n", "title: Ah\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::Missing);
        assert_eq!(problems[0].message, "`summary` is not translated");
        assert_eq!(problems[0].at, At { line: 1, column: 1 });
    }

    #[test]
    fn a_figure_given_differently_is_refused_and_an_equal_one_accepted() {
        let (_, p) = over("number: 3\ntitle: A\n", "number: 3\ntitle: B\n");
        assert!(p.is_empty(), "{p:?}");
        let (json, p) = over("number: 3\ntitle: A\n", "number: 4\ntitle: B\n");
        assert_eq!(p[0].kind, ProblemKind::Mismatch);
        assert_eq!(p[0].at, At { line: 1, column: 9 });
        assert!(json.contains("\"number\":3"), "{json}");
    }

    #[test]
    fn lists_are_matched_entry_by_entry_and_must_be_as_long() {
        let (_, p) = over("lead: [A, B]\n", "lead: [Ah]\n");
        assert_eq!(p[0].kind, ProblemKind::Missing);
        assert!(p[0].message.contains("1 entries here but 2"), "{p:?}");
        let (_, p) = over("lead: [A]\n", "lead: [Ah, Bh]\n");
        assert_eq!(p[0].kind, ProblemKind::Mismatch);
        let (_, p) = over("title: A\n", "title: B\nextra: C\n");
        assert_eq!(p[0].kind, ProblemKind::Extra);
        assert_eq!(p[0].at.line, 2);
    }

    #[test]
    fn a_schema_s_words_are_translated_and_its_keys_and_formulas_are_not() {
        let schema = "caption: Funding by area\nfile: funding.csv\ncolumns:\n  - key: area\n    label: Area\n  - key: funding\n    type: money\ncomputed:\n  - key: share\n    label: Share\n    share: funding\ntotal:\n  label: All areas\n  columns: [funding]\n";
        let (json, p) = over(
            schema,
            "caption: Cyllid fesul ardal\ncolumns:\n  - label: Ardal\n  - {}\ncomputed:\n  - label: Cyfran\ntotal:\n  label: Pob ardal\n",
        );
        assert!(p.is_empty(), "{p:?}");
        assert!(json.contains("\"share\":\"funding\""), "{json}");
        assert!(json.contains("\"label\":\"Ardal\""), "{json}");
        let (_, p) = over(schema, "caption: Cyllid fesul ardal\n");
        let missing: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            missing,
            [
                "`columns` is not translated",
                "`computed` is not translated",
                "`total` is not translated"
            ]
        );
    }

    #[test]
    fn anchors_and_aliases_are_refused() {
        assert!(parse("a: &x 1\nb: *x\n", 0).is_err());
    }
}
