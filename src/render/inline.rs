//! Partials written into the templates that include them, as they load.
//!
//! The default theme is split into partials (`partials/header.html`,
//! `partials/footer.html` ...) so that a site replaces one piece with one
//! small file. Tera runs each `{% include %}` as a template of its own: it
//! looks the template up, starts a new interpreter state, and every variable
//! the partial reads is looked for in the partial's scope before the page's.
//! That cost is paid for every include on every page, though which file an
//! include names is settled before the first page renders.
//!
//! So each `{% include "name" %}` whose partial behaves the same written in
//! place is replaced, when the templates load, by the partial's text (after
//! the site's overrides have been chosen, so an override is what is written
//! in). A partial qualifies when its tags are only `if` and `for` blocks
//! and further includes: a `set` would reach the including template, a
//! `break` its loop, a `macro`, `block` or `import` means something else in
//! place, and whitespace control (`{%-`) would trim the including
//! template's text. Anything else stays an include. The output is the same
//! byte for byte (a test renders every page of the example site both ways).
//!
//! [`Lines`] keeps where each piece of the result came from, so an error
//! in a partial still names the partial's file, line and column.

use std::collections::HashMap;

/// A template's text with its partials written in, and where it came from.
pub struct Inlined {
    pub text: String,
    pub lines: Lines,
}

/// Where each stretch of an inlined template was written: from a position
/// in the result, text comes from `template` at (`line`, `column`) until
/// the next stretch starts.
#[derive(Default)]
pub struct Lines(Vec<Stretch>);

struct Stretch {
    /// 1-based line and 0-based column (in characters) in the result.
    at: (usize, usize),
    template: String,
    /// The same in the file as written.
    from: (usize, usize),
}

impl Lines {
    /// The template, line and column a position of the result was written
    /// at (1-based line, 0-based column in characters).
    pub fn as_written(&self, line: usize, column: usize) -> Option<(&str, usize, usize)> {
        let s = self.0.iter().rev().find(|s| s.at <= (line, column))?;
        let position = if line == s.at.0 {
            (s.from.0, s.from.1 + (column - s.at.1))
        } else {
            (s.from.0 + (line - s.at.0), column)
        };
        Some((s.template.as_str(), position.0, position.1))
    }
}

/// Partials nested deeper than this stay includes (Tera reports a cycle).
const MAX_DEPTH: usize = 8;

/// `text` (template `name`) with every qualifying include written in;
/// `None` when there is none. `texts` gives each template's text by name.
pub fn inline<'t>(name: &str, text: &str, texts: &HashMap<&'t str, &'t str>) -> Option<Inlined> {
    if has_raw(text) {
        return None;
    }
    let mut out = Writer::default();
    let inlined = out.copy(name, text, texts, 0);
    inlined.then_some(Inlined {
        text: out.text,
        lines: Lines(out.stretches),
    })
}

#[derive(Default)]
struct Writer {
    text: String,
    /// The position the next character written will have.
    line: usize,
    column: usize,
    stretches: Vec<Stretch>,
}

impl Writer {
    /// Writes `text` of template `name`, partials written in; whether any was.
    fn copy<'t>(
        &mut self,
        name: &str,
        text: &str,
        texts: &HashMap<&'t str, &'t str>,
        depth: usize,
    ) -> bool {
        if self.line == 0 {
            self.line = 1;
        }
        let mut inlined = false;
        let (mut line, mut column) = (1usize, 0usize);
        let mut rest = text;
        self.start(name, (line, column));
        while let Some((before, tag_len, partial)) = next_include(rest, texts, depth) {
            self.push(&rest[..before]);
            advance(&rest[..before], &mut line, &mut column);
            advance(&rest[before..before + tag_len], &mut line, &mut column);
            let (partial_name, partial_text) = partial;
            self.copy(partial_name, partial_text, texts, depth + 1);
            inlined = true;
            rest = &rest[before + tag_len..];
            self.start(name, (line, column));
        }
        self.push(rest);
        inlined
    }

    fn start(&mut self, template: &str, from: (usize, usize)) {
        self.stretches.push(Stretch {
            at: (self.line, self.column),
            template: template.to_string(),
            from,
        });
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        advance(s, &mut self.line, &mut self.column);
    }
}

fn advance(s: &str, line: &mut usize, column: &mut usize) {
    match s.rfind('\n') {
        Some(at) => {
            *line += s.matches('\n').count();
            *column = s[at + 1..].chars().count();
        }
        None => *column += s.chars().count(),
    }
}

/// The next include in `text` whose partial qualifies: the byte offset of
/// its tag, the tag's length, and the partial's name and text.
fn next_include<'t>(
    text: &str,
    texts: &HashMap<&'t str, &'t str>,
    depth: usize,
) -> Option<(usize, usize, (&'t str, &'t str))> {
    if depth >= MAX_DEPTH {
        return None;
    }
    let mut from = 0;
    while let Some(at) = text[from..].find(['{']) {
        let start = from + at;
        if text[start..].starts_with("{#") {
            // An include in a comment is not run.
            from = start + text[start..].find("#}")? + 2;
            continue;
        }
        if !text[start..].starts_with("{%") {
            from = start + 1;
            continue;
        }
        let end = start + text[start..].find("%}")? + 2;
        let inner = &text[start + 2..end - 2];
        from = end;
        let Some(name) = include_name(inner) else {
            continue;
        };
        if let Some((&key, &partial)) = texts.get_key_value(name)
            && qualifies(partial)
        {
            return Some((start, end - start, (key, partial)));
        }
    }
    None
}

/// The name in `include "name"`, written without whitespace control.
fn include_name(inner: &str) -> Option<&str> {
    if inner.starts_with('-') || inner.ends_with('-') {
        return None;
    }
    let rest = inner.trim().strip_prefix("include")?.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let rest = &rest[1..];
    let close = rest.find(quote)?;
    // `include "a" ignore missing` and the like stay includes.
    rest[close + 1..].trim().is_empty().then(|| &rest[..close])
}

/// Whether a partial behaves the same written in place (see the module's
/// documentation).
fn qualifies(partial: &str) -> bool {
    const SAFE: [&str; 6] = ["if", "elif", "else", "endif", "for", "endfor"];
    if ["{%-", "-%}", "{{-", "-}}", "{#-", "-#}"]
        .iter()
        .any(|mark| partial.contains(mark))
    {
        return false;
    }
    partial.split("{%").skip(1).all(|tag| {
        let keyword = tag
            .trim_start()
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        SAFE.contains(&keyword) || (keyword == "include" && tag.contains("%}"))
    })
}

fn has_raw(text: &str) -> bool {
    text.split("{%")
        .skip(1)
        .any(|tag| tag.trim_start_matches('-').trim_start().starts_with("raw"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(pairs: &[(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn a_plain_partial_is_written_in_place_nested_ones_too() {
        let t = texts(&[
            (
                "p/a.html",
                "<a>{% if x %}{{ x }}{% endif %}{% include \"p/b.html\" %}</a>\n",
            ),
            ("p/b.html", "<b>{{ y }}</b>"),
        ]);
        let r = inline("page.html", "<p>{% include \"p/a.html\" %}</p>", &t).unwrap();
        assert_eq!(
            r.text,
            "<p><a>{% if x %}{{ x }}{% endif %}<b>{{ y }}</b></a>\n</p>"
        );
    }

    #[test]
    fn partials_that_would_behave_differently_stay_includes() {
        for partial in [
            "{% set x = 1 %}{{ x }}",
            "{% for a in b %}{% break %}{% endfor %}",
            "{%- if x %}y{% endif %}",
            "{% macro m() %}{% endmacro %}",
            "{% block b %}{% endblock %}",
        ] {
            let t = texts(&[("p.html", partial)]);
            assert!(
                inline("page.html", "{% include \"p.html\" %}", &t).is_none(),
                "{partial}"
            );
        }
        let t = texts(&[("p.html", "x")]);
        for including in [
            "{%- include \"p.html\" %}",
            "{% include \"p.html\" ignore missing %}",
            "{% include \"other.html\" %}",
            "{% raw %}{% endraw %}{% include \"p.html\" %}",
        ] {
            assert!(inline("page.html", including, &t).is_none(), "{including}");
        }
    }

    #[test]
    fn a_position_in_the_result_is_found_in_the_file_it_came_from() {
        let t = texts(&[("p.html", "one\ntwo {{ bad }}\n")]);
        let r = inline("page.html", "start {% include \"p.html\" %} end\nlast", &t).unwrap();
        assert_eq!(r.text, "start one\ntwo {{ bad }}\n end\nlast");
        let lines = &r.lines;
        // `{{ bad }}` is line 2, column 4 of both.
        assert_eq!(lines.as_written(2, 4), Some(("p.html", 2, 4)));
        // `one` starts at column 6 of the result, 0 of the partial.
        assert_eq!(lines.as_written(1, 7), Some(("p.html", 1, 1)));
        assert_eq!(lines.as_written(1, 2), Some(("page.html", 1, 2)));
        // ` end` follows the tag, which ended at column 28.
        assert_eq!(lines.as_written(3, 1), Some(("page.html", 1, 29)));
        assert_eq!(lines.as_written(4, 2), Some(("page.html", 2, 2)));
    }
}
