//! YAML parsing with positions, behind our own function.
//!
//! serde-saphyr does the work (it has line and column for every error and
//! budgets against alias bombs and deep nesting). This module turns its errors
//! into [`Diagnostic`]s that point at the real line of the user's file: front
//! matter starts after the opening `---`, so callers pass the line offset.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Span};

pub use serde_saphyr::Spanned;

pub mod tree;

/// Parses `text` (which starts at line `line_offset + 1` of `file`).
pub fn parse<T: DeserializeOwned>(
    file: &str,
    text: &str,
    line_offset: u32,
) -> Result<T, Diagnostic> {
    let options = serde_saphyr::options! { with_snippet: false };
    let blanked = crate::controls::blanked(text);
    serde_saphyr::from_str_with_options::<T>(&blanked, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((1, 1));
        let raw = e.to_string();
        let message = strip_location_prefix(&raw);
        // A tab in a line's indentation is met, and reported, at the end of
        // the line before it: point at the tab.
        let (line, column) = match tab_indented_after(text, line) {
            Some(tab_line) => (tab_line, 1),
            None => (line, column),
        };
        let (code, message, hint) = explain(message, text, line, column);
        Diagnostic::error(code, message)
            .in_file(file)
            .at_line(line + line_offset, column)
            .with_hint(hint)
    })
}

/// Splits `---` front matter from the body. Returns the YAML, the line
/// offset of the YAML (lines before it), and the byte offset of the body.
pub fn split_front_matter(text: &str) -> Option<(&str, u32, usize)> {
    let text_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[text_start..];
    let first_len = rest.find('\n')? + 1;
    if rest[..first_len].trim_end() != "---" {
        return None;
    }
    let yaml_start = text_start + first_len;
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some((&text[yaml_start..pos], 1, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

/// The byte ranges of the double-quoted scalars in `text`, quotes
/// included: the only place YAML reads escapes such as `\0`. A syntax
/// error ends the list (the reader itself reports it).
pub fn double_quoted(text: &str) -> Vec<std::ops::Range<usize>> {
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
    let mut out = Vec::new();
    for event in Parser::new_from_str(text) {
        match event {
            Ok((Event::Scalar(_, ScalarStyle::DoubleQuoted, ..), span)) => {
                if let (Some(start), Some(end)) = (span.start.byte_offset(), span.end.byte_offset())
                {
                    out.push(start..end.min(text.len()));
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    out
}

/// The position of a `Spanned` value in the user's file.
pub fn span_of<T>(s: &Spanned<T>, line_offset: u32) -> Span {
    Span::point(
        s.referenced.line() as u32 + line_offset,
        s.referenced.column() as u32,
    )
}

fn strip_location_prefix(msg: &str) -> &str {
    let msg = msg.strip_prefix("error: ").unwrap_or(msg);
    // Unwrapped errors end with " at line N, column M".
    let msg = match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains("column") => &msg[..i],
        _ => msg,
    };
    if let Some(rest) = msg.strip_prefix("line ")
        && let Some(idx) = rest.find(": ")
        && rest[..idx].contains("column")
    {
        return &rest[idx + 2..];
    }
    msg
}

/// Line `line` (from 1) of `text`, or the one after it, when its
/// indentation holds a tab.
fn tab_indented_after(text: &str, line: u32) -> Option<u32> {
    let mut lines = text.lines().skip(line.saturating_sub(1) as usize);
    [lines.next(), lines.next()]
        .iter()
        .position(|l| {
            l.is_some_and(|l| {
                l.chars()
                    .take_while(|c| c.is_whitespace())
                    .any(|c| c == '\t')
            })
        })
        .map(|i| line + i as u32)
}

/// What is wrong with a YAML line, in words, from the parser's message and
/// the line itself; `None` when neither says anything a person can act on.
fn syntax_in_words(message: &str, line_text: &str, column: u32) -> Option<(String, String)> {
    let trimmed = line_text.trim();
    if line_text
        .chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t')
    {
        return Some((
            "this line is indented with a tab".into(),
            "YAML needs spaces to indent: replace the tab with spaces (two for each level)".into(),
        ));
    }
    let curly = ['“', '”', '‘', '’'];
    let (key, value) = trimmed
        .trim_start_matches("- ")
        .split_once(':')
        .map(|(k, v)| (k.trim(), v.trim()))
        .unwrap_or(("", trimmed));
    if value.starts_with(curly) {
        let straight = value.trim_matches(curly).replace('"', "'");
        return Some((
            "the text is in curly quotes (“ ”), which YAML does not read as quotes".into(),
            format!(
                "use straight double quotes, as a keyboard types them: `{key}: \"{straight}\"`"
            ),
        ));
    }
    // The parser stops at the colon it cannot place: the key's own colon
    // means the line is indented wrongly; a later one is a colon in text.
    let key_colon = line_text
        .find(':')
        .map(|i| line_text[..i].chars().count() as u32 + 1);
    let misaligned =
        message.contains("mapping values are not allowed") && key_colon == Some(column);
    if message.contains("mapping values are not allowed") && !key.is_empty() && !misaligned {
        return Some((
            format!(
                "the text after `{key}:` has a colon of its own, so it reads as a second setting"
            ),
            format!(
                "wrap the text in double quotes: `{key}: \"{}\"`",
                value.replace('"', "'")
            ),
        ));
    }
    if misaligned
        || message.contains("did not find expected key")
        || message.contains("block mapping")
        || message.contains("block sequence")
        || message.contains("expected '-'")
    {
        return Some((
            "this line is not lined up with the lines around it".into(),
            "each setting of a list item starts under the first letter after its `- `; a progress update (`- date:`) goes two spaces further in than `responses:`; use spaces, not tabs".into(),
        ));
    }
    if message.contains("cannot start any token") {
        return Some((
            "the text on this line starts with a character YAML keeps for itself (such as ` @ % or *)".into(),
            format!("wrap the text in double quotes: `{key}: \"{value}\"`"),
        ));
    }
    None
}

/// A value of the wrong kind, in words: what the setting takes.
fn kind_in_words(message: &str, line_text: &str) -> Option<String> {
    let key = line_text
        .trim()
        .trim_start_matches("- ")
        .split_once(':')
        .map_or("", |(k, _)| k.trim());
    let setting = if key.is_empty() {
        "this setting".to_string()
    } else {
        format!("`{key}:`")
    };
    let integer = [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "integer",
    ];
    if let Some(expected) = message.rsplit("expected ").next()
        && message.contains("expected ")
    {
        let expected = expected
            .trim()
            .trim_start_matches("a ")
            .trim_start_matches("an ");
        if integer.contains(&expected) {
            return Some(format!("{setting} takes a whole number (1, 2, 3)"));
        }
        if expected.starts_with("bool") {
            return Some(format!("{setting} takes `true` or `false`"));
        }
        if expected.starts_with("f32") || expected.starts_with("f64") {
            return Some(format!("{setting} takes a number"));
        }
        if expected.starts_with("sequence") {
            return Some(format!(
                "{setting} takes a list: `[first, second]`, or one `- ` line for each"
            ));
        }
        if expected.starts_with("string") || expected.starts_with("str") {
            let value = line_text.split_once(':').map_or("", |(_, v)| v.trim());
            if let Some(first) = value.chars().next().filter(|c| "[{'\"&*!|>".contains(*c)) {
                return Some(format!(
                    "{setting} takes text, and text that starts with `{first}` must be in double quotes: `{key}: \"{}\"`",
                    value.replace('"', "'")
                ));
            }
            return Some(format!(
                "{setting} takes text on one line (a list or a block of settings was given)"
            ));
        }
        if expected.starts_with("map") || expected.starts_with("struct") {
            return Some(format!(
                "{setting} takes settings of its own, each on an indented line below it"
            ));
        }
    }
    if message.contains("invalid digit") || message.contains("i64") || message.contains("u32") {
        return Some(format!("{setting} takes a whole number (1, 2, 3)"));
    }
    None
}

/// Rewrites serde's wording for people who do not program, and adds a hint.
fn explain(message: &str, text: &str, line: u32, column: u32) -> (&'static str, String, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .split(", ")
            .map(|s| s.trim_matches('`'))
            .filter(|s| !s.is_empty())
            .collect();
        let suggestion = expected
            .iter()
            .map(|k| (strsim::jaro_winkler(key, k), *k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        return (
            "unknown-key",
            format!("unknown key `{key}`"),
            format!(
                "{suggestion}the keys allowed here are: {}",
                expected.join(", ")
            ),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            "missing-key",
            format!("missing required key `{key}`"),
            format!("add a line `{key}: ...`"),
        );
    }
    if let Some(rest) = message.split("untagged enum ").nth(1) {
        // A setting that takes one of several forms was given in none.
        let line_text = text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
            .trim();
        let hint = match rest.trim() {
            "RawStatuses" => {
                "write `statuses: decisions` for a board's decisions, `statuses: default`, or a list of statuses each with `label:` and `colour:` (see docs/authoring.md, Statuses)"
            }
            "Lines" => {
                "write the address as a list of lines (`address: [1 Example Square, Birmingham]`) or as one block of text"
            }
            _ => "check the value's form against docs/authoring.md",
        };
        return (
            "yaml-type",
            format!("the value here (`{line_text}`) is not in a form this setting takes"),
            hint.to_string(),
        );
    }
    let line_text = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    if message.starts_with("invalid")
        || message.starts_with("expected")
        || message.contains("invalid type")
    {
        let shown = line_text.trim();
        return match kind_in_words(message, line_text) {
            Some(takes) => (
                "yaml-type",
                format!("the value on this line (`{shown}`) is the wrong kind"),
                takes,
            ),
            None => (
                "yaml-type",
                format!("the value on this line (`{shown}`) is the wrong kind for its setting"),
                "check the setting in docs/authoring.md; text with a colon, or starting with a quote or bracket, needs \"double quotes\"".into(),
            ),
        };
    }
    match syntax_in_words(message, line_text, column) {
        Some((what, hint)) => ("yaml-syntax", what, hint),
        None => (
            "yaml-syntax",
            "this line cannot be read as settings".into(),
            "check the indentation (spaces, lined up with the lines around it) and that every `key: value` pair is on its own line; wrap text containing `: ` or `#` in \"double quotes\"".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split_reports_where_the_body_starts() {
        let text = "---\ntitle: A\n---\nBody\n";
        let (yaml, off, body) = split_front_matter(text).unwrap();
        assert_eq!(yaml, "title: A\n");
        assert_eq!(off, 1);
        assert_eq!(&text[body..], "Body\n");
        assert!(split_front_matter("# No front matter\n").is_none());
    }

    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Cfg {
        title: String,
        organisation: Option<String>,
    }

    #[test]
    fn unknown_key_names_the_key_its_line_and_a_suggestion() {
        let err = parse::<Cfg>("site.yaml", "title: a\norganization: b\n", 0).unwrap_err();
        assert_eq!(err.code, "unknown-key");
        assert_eq!(err.message, "unknown key `organization`");
        assert_eq!(err.location(), "site.yaml:2:1");
        assert!(err.hint.unwrap().contains("did you mean `organisation`?"));
    }

    #[test]
    fn front_matter_errors_point_at_the_real_line() {
        let err = parse::<Cfg>("ch.md", "organisation: b\n", 1).unwrap_err();
        assert_eq!(err.code, "missing-key");
        assert_eq!(err.span.unwrap().start.line, 2);
    }
}
