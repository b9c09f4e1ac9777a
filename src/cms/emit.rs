//! A small YAML writer: block mappings and lists, each scalar plain where
//! it reads back as the same text, double-quoted (JSON's escapes, which
//! YAML shares) where it would not, a literal block (`|`) for text of
//! several lines. It writes the editor's `config.yml` and the canonical
//! form of a file the editor changed beyond splicing ([`super::roundtrip`]).

use std::fmt::Write;

use serde_json::Value;

/// `value` as a YAML document.
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => map(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => list(&mut out, a, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn map(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&text(k));
        out.push(':');
        value_after(out, v, indent);
    }
}

fn list(out: &mut String, a: &[Value], indent: usize) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => map(out, m, indent + 2),
            Value::Array(a) if !a.is_empty() => list(out, a, indent + 2),
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

/// What follows `key:`: a nested block on the next lines, or a scalar.
fn value_after(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            map(out, m, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            list(out, a, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

/// A scalar whose block content (if any) is indented by `indent`.
pub fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s)
            if s.contains('\n')
                && s.trim_end_matches('\n')
                    .lines()
                    .all(|l| !l.starts_with(' '))
                && !s.starts_with(['\n', ' ']) =>
        {
            literal(s, indent)
        }
        Value::String(s) => text(s),
        Value::Object(_) => "{}".into(),
        Value::Array(a) => {
            let items: Vec<_> = a.iter().map(|v| scalar(v, indent)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Text of several lines as a literal block: `|` (or `|-` without a final
/// line break), each line indented.
pub fn literal(s: &str, indent: usize) -> String {
    let mut out = String::from(if s.ends_with('\n') { "|" } else { "|-" });
    if s.ends_with("\n\n") {
        out.push('+');
    }
    for line in s.trim_end_matches('\n').split('\n') {
        out.push('\n');
        if !line.is_empty() {
            let _ = write!(out, "{}{line}", " ".repeat(indent));
        }
    }
    if s.ends_with("\n\n") {
        for _ in 0..s.len() - s.trim_end_matches('\n').len() - 1 {
            out.push('\n');
        }
    }
    out
}

/// A string as a scalar on one line: plain when YAML reads it back as the
/// same text (not a number, a date, true/false or null, and nothing YAML
/// gives a meaning), otherwise double-quoted.
pub fn text(s: &str) -> String {
    if plain_safe(s) {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// Whether `s` can be written plain and read back as the same string.
/// Numbers and dates are let through: rapport reads them as the text they
/// were written as.
pub fn plain_safe(s: &str) -> bool {
    !s.is_empty()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "~" | "y" | "n"
        )
        && !s.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ])
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(['\n', '\r', '\t'])
        && s.chars().all(|c| !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_the_same() {
        let v = serde_json::json!({
            "title": "A: b",
            "n": "1",
            "lead": ["x", "y"],
            "responses": [{"date": "2020-01-01", "text": "One.\n\nTwo.\n"}],
            "empty": [],
        });
        let yaml = document(&v);
        let back = crate::yaml::tree::parse(&yaml).unwrap().unwrap().to_json();
        assert_eq!(back["title"], "A: b");
        assert_eq!(back["lead"][1], "y");
        assert_eq!(back["responses"][0]["text"], "One.\n\nTwo.\n");
    }
}
