//! `rapport theme check`: fields and variables a template names that its
//! page never has.
//!
//! Tera reports an undefined variable only when the line runs, so a typo in
//! a branch the example content never takes (`{% if chapter.pdf %}`) ships
//! and fails later, on another site's content. This reads each template's
//! tags instead and compares every `variable.field.field` with the
//! reference tables of docs/themes.md ([`super::reference`]).
//!
//! It is a reader of expressions, not a parser of the template language:
//! what it cannot type (a variable made by `set` from a filter, a macro's
//! argument, anything in a partial whose includer it does not know) it
//! leaves alone, so that every problem it reports is a real one.

use std::collections::BTreeMap;

use super::reference::{Reference, Type};

/// One name a template uses that does not exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u32,
    pub column: u32,
    pub message: String,
    pub hint: String,
}

/// Words of the template language and names that are always there.
const RESERVED: &[&str] = &[
    "in",
    "and",
    "or",
    "not",
    "is",
    "if",
    "else",
    "elif",
    "endif",
    "for",
    "endfor",
    "set",
    "set_global",
    "block",
    "endblock",
    "extends",
    "include",
    "import",
    "as",
    "macro",
    "endmacro",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "loop",
    "super",
    "filter",
    "endfilter",
    "with",
    "ignore",
    "missing",
    "component",
    "endcomponent",
    "break",
    "continue",
    "raw",
    "endraw",
    "self",
    "__tera_context",
];

/// Checks one template. `vars` are the variables its page receives (for a
/// page template), or `None` for a partial: then only fields of `site` and
/// `page`, which every page has, are checked.
pub fn check_template(
    text: &str,
    vars: Option<&BTreeMap<String, Type>>,
    reference: &Reference,
) -> Vec<Problem> {
    let mut scope: BTreeMap<String, Option<Type>> = BTreeMap::new();
    let known_roots: BTreeMap<String, Type> = match vars {
        Some(v) => v.clone(),
        None => ["site", "page"]
            .into_iter()
            .map(|n| (n.to_string(), Type::View(n.to_string())))
            .collect(),
    };
    for (name, ty) in &known_roots {
        scope.insert(name.clone(), Some(ty.clone()));
    }
    let mut problems = Vec::new();
    for tag in tags(text) {
        let body = tag.body.trim_matches('-').trim();
        // Bind what a tag defines before reading the rest of it.
        let expr_start;
        if let Some(rest) = body.strip_prefix("for ") {
            let Some((names, expr)) = rest.split_once(" in ") else {
                continue;
            };
            let names: Vec<&str> = names.split(',').map(str::trim).collect();
            let element = match (names.as_slice(), type_of(expr.trim(), &scope, reference)) {
                ([_], Some(Type::List(inner))) => Some(*inner),
                _ => None,
            };
            for (k, n) in names.iter().enumerate() {
                scope.insert(n.to_string(), if k == 0 { element.clone() } else { None });
            }
            expr_start = tag.body.find(" in ").map(|p| p + 4).unwrap_or(0);
        } else if let Some(rest) = body
            .strip_prefix("set ")
            .or_else(|| body.strip_prefix("set_global "))
        {
            let Some((name, expr)) = rest.split_once('=') else {
                continue;
            };
            let ty = type_of(expr.trim(), &scope, reference);
            scope.insert(name.trim().to_string(), ty);
            expr_start = tag.body.find('=').map(|p| p + 1).unwrap_or(0);
        } else if body.starts_with("macro ") || body.starts_with("component ") {
            // A macro's or component's arguments are its own variables.
            let args = body.split_once('(').map(|(_, a)| a).unwrap_or("");
            for arg in args.trim_end_matches(')').split(',') {
                let name = arg.split(['=', ':']).next().unwrap_or("").trim();
                if !name.is_empty() {
                    scope.insert(name.to_string(), None);
                }
            }
            continue;
        } else if [
            "include", "extends", "import", "block", "endblock", "raw", "endraw", "filter",
        ]
        .iter()
        .any(|k| body.starts_with(k))
        {
            continue;
        } else {
            expr_start = 0;
        }
        for path in paths(&tag.body[expr_start..]) {
            let (line, column) = tag.position(expr_start + path.offset, text);
            if let Some(p) = check_path(
                &path.names,
                &scope,
                known_roots.contains_key(&path.names[0]) || vars.is_some(),
                reference,
            ) {
                problems.push(Problem { line, column, ..p });
            }
        }
    }
    problems
}

/// The type of a plain `a.b.c` expression, when it is one this knows.
fn type_of(
    expr: &str,
    scope: &BTreeMap<String, Option<Type>>,
    reference: &Reference,
) -> Option<Type> {
    let names: Vec<&str> = expr.split('.').map(str::trim).collect();
    if names.iter().any(|n| !is_identifier(n)) {
        return None;
    }
    let mut ty = scope.get(names[0])?.clone()?;
    for field in &names[1..] {
        let Type::View(view) = ty.required().clone() else {
            return None;
        };
        ty = reference.views.get(&view)?.fields.get(*field)?.clone();
    }
    Some(ty)
}

/// A problem with one `a.b.c`, if it names something that is not there.
/// `strict_roots`: an unknown first name is a problem (a page template,
/// whose variables are all known).
fn check_path(
    names: &[String],
    scope: &BTreeMap<String, Option<Type>>,
    strict_roots: bool,
    reference: &Reference,
) -> Option<Problem> {
    let root = &names[0];
    let Some(root_ty) = scope.get(root) else {
        if !strict_roots {
            return None;
        }
        let options: Vec<&String> = scope.keys().collect();
        return Some(problem(
            format!("this template has no variable `{root}`"),
            &options,
            root,
            "the variables each template receives are listed in docs/themes.md",
        ));
    };
    let mut ty = root_ty.clone()?;
    let mut so_far = root.clone();
    for field in &names[1..] {
        let view_name = match ty.required() {
            Type::View(v) => v.clone(),
            // `list.0`, `text.len`: not a field of a view.
            _ => return None,
        };
        let view = reference.views.get(&view_name)?;
        let Some(next) = view.fields.get(field) else {
            let options: Vec<&String> = view.fields.keys().collect();
            return Some(problem(
                format!("`{so_far}` has no field `{field}`"),
                &options,
                field,
                &format!("the fields of `{so_far}` ({view_name}) are listed in docs/themes.md"),
            ));
        };
        ty = next.clone();
        so_far = format!("{so_far}.{field}");
    }
    None
}

fn problem(message: String, options: &[&String], wanted: &str, otherwise: &str) -> Problem {
    let nearest = crate::diagnostics::nearest(wanted, options.iter().map(|o| o.as_str()));
    Problem {
        line: 0,
        column: 0,
        message,
        hint: match nearest {
            Some(o) => format!("did you mean `{o}`? ({otherwise})"),
            None => otherwise.to_string(),
        },
    }
}

/// One `{{ ... }}` or `{% ... %}` of a template.
struct Tag<'a> {
    body: &'a str,
    /// Byte offset of `body` in the template.
    start: usize,
}

impl Tag<'_> {
    /// Line and column (from 1) of the byte `offset` into the body.
    fn position(&self, offset: usize, text: &str) -> (u32, u32) {
        let at = self.start + offset;
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map(|p| p + 1).unwrap_or(0) + 1;
        (line as u32, column as u32)
    }
}

/// The tags of a template, comments and `{% raw %}` blocks left out.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut raw = false;
    while let Some(open) = text[pos..].find('{').map(|p| p + pos) {
        let close = match text[open..].chars().nth(1) {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                pos = open + 1;
                continue;
            }
        };
        let Some(end) = text[open + 2..].find(close).map(|p| p + open + 2) else {
            break;
        };
        let body = &text[open + 2..end];
        let trimmed = body.trim_matches('-').trim();
        if close == "%}" && trimmed == "raw" {
            raw = true;
        } else if close == "%}" && trimmed == "endraw" {
            raw = false;
        } else if close != "#}" && !raw {
            out.push(Tag {
                body,
                start: open + 2,
            });
        }
        pos = end + 2;
    }
    out
}

/// A dotted name in an expression: `chapter.pdf.url`.
struct PathRef {
    names: Vec<String>,
    offset: usize,
}

/// The variable paths of an expression: names that are not in strings,
/// not filters or tests, not functions or their keyword arguments, and not
/// words of the language.
fn paths(expr: &str) -> Vec<PathRef> {
    let bytes = expr.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // What the word just before was, for `| filter` and `is test`.
    let mut after_pipe = false;
    let mut after_is = false;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c == '"' || c == '\'' || c == '`' {
            i = expr[i + 1..]
                .find(c)
                .map(|p| p + i + 2)
                .unwrap_or(bytes.len());
            continue;
        }
        if c == '|' {
            after_pipe = true;
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.' || bytes[i] == b'_')
            {
                i += 1;
            }
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            let mut names = Vec::new();
            loop {
                let s = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                names.push(expr[s..i].to_string());
                if i + 1 < bytes.len()
                    && bytes[i] == b'.'
                    && (bytes[i + 1].is_ascii_alphabetic() || bytes[i + 1] == b'_')
                {
                    i += 1;
                } else {
                    break;
                }
            }
            let rest = expr[i..].trim_start();
            let is_call = rest.starts_with('(');
            let is_kwarg = rest.starts_with('=') && !rest.starts_with("==");
            // `x is defined` asks whether a variable exists: not a use of it.
            let is_probe = ["is defined", "is not defined", "is undefined"]
                .iter()
                .any(|p| rest.starts_with(p));
            // `macros::name(...)`: a call into an imported file.
            let is_namespace = rest.starts_with("::");
            let preceded_by_dot = start > 0 && bytes[start - 1] == b'.';
            let word = names[0].as_str();
            let skip = after_pipe
                || after_is
                || is_call
                || is_kwarg
                || is_probe
                || is_namespace
                || preceded_by_dot
                || RESERVED.contains(&word);
            after_is = word == "is" || (word == "not" && after_is);
            after_pipe = false;
            if !skip {
                out.push(PathRef {
                    names,
                    offset: start,
                });
            }
            continue;
        }
        if !c.is_whitespace() {
            after_is = false;
        }
        i += 1;
    }
    out
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(template: &str, text: &str) -> Vec<Problem> {
        let r = Reference::shipped();
        let vars = r.variables(template);
        check_template(text, vars.as_ref(), &r)
    }

    #[test]
    fn a_misspelt_field_is_found_at_its_line_and_column_with_a_suggestion() {
        let p = check(
            "chapter.html",
            "<h1>{{ chapter.title }}</h1>\n{% if chapter.pdf %}{{ chapter.pdf.ulr }}{% endif %}",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].line, p[0].column), (2, 24));
        assert_eq!(p[0].message, "`chapter.pdf` has no field `ulr`");
        assert!(p[0].hint.contains("did you mean `url`?"), "{}", p[0].hint);
    }

    #[test]
    fn a_variable_of_another_page_is_found() {
        let p = check(
            "chapter.html",
            "{% for c in chapters %}{{ c.title }}{% endfor %}",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].message.contains("no variable `chapters`"),
            "{}",
            p[0].message
        );
        assert!(p[0].hint.contains("`chapter`"), "{}", p[0].hint);
    }

    #[test]
    fn loop_variables_filters_functions_and_strings_are_not_variables() {
        let text = r#"{% for c in report.chapters %}<a href="{{ page.root }}{{ c.url }}">{{ c.title | upper }}</a>{{ loop.index }}{% endfor %}
{% set n = report.chapter_count %}{{ n | plural(one="chapter", other="chapters") }} {{ now() | date(format="year") }}
{{ link_list(links=report.chapters, root=page.root, current=chapter.position) }}{% if x is defined %}{% endif %}
{# {{ chapter.nonsense }} #}{{ "chapter.nope" }}{% set status = chapter %}"#;
        let p = check("chapter.html", text);
        assert_eq!(p, []);
    }

    #[test]
    fn a_loop_over_a_typed_list_checks_the_element_fields() {
        let p = check(
            "chapter.html",
            "{% for t in chapter.toc %}{{ t.titel }}{% endfor %}",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].message, "`t` has no field `titel`");
    }

    #[test]
    fn a_partial_checks_only_site_and_page() {
        let p = check(
            "partials/footer.html",
            "{{ site.organisation }} {{ site.organization }} {{ status.label }}",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].hint.contains("`organisation`"), "{}", p[0].hint);
    }
}
