//! YAML parsing with positions, behind our own function.
//!
//! serde-saphyr does the work (it has line and column for every error and
//! budgets against alias bombs and deep nesting). This module turns its errors
//! into [`Diagnostic`]s that point at the real line of the user's file: front
//! matter starts after the opening `---`, so callers pass the line offset.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Span};

pub use serde_saphyr::Spanned;

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
        let (code, message, hint) = explain(message, text, line);
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

/// Rewrites serde's wording for people who do not program, and adds a hint.
fn explain(message: &str, text: &str, line: u32) -> (&'static str, String, String) {
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
    if message.starts_with("invalid")
        || message.starts_with("expected")
        || message.contains("invalid type")
    {
        let line_text = text
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("")
            .trim();
        return (
            "yaml-type",
            format!("wrong kind of value: {message}"),
            format!(
                "check the value on this line (`{line_text}`); text with a colon or starting with a quote or bracket needs \"double quotes\""
            ),
        );
    }
    (
        "yaml-syntax",
        format!("YAML syntax error: {message}"),
        "check the indentation and that every `key: value` pair is on its own line; wrap text containing `: ` or `#` in \"double quotes\"".to_string(),
    )
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
