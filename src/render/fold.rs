//! Interface strings written into the templates as they load.
//!
//! `{{ t(key="contents") }}` gives the same text on every page of a build:
//! the strings are settled before any page renders. Tera would still call
//! the function on every page, building its argument map each time, and the
//! theme makes a dozen such calls a page. Folding each one into its escaped
//! text once, when the templates load, writes the same bytes for nothing
//! (docs/performance.md has the figures).
//!
//! A call is folded when its key is a literal, the string has one form (no
//! plural), and every other argument is a variable path that fills one of
//! its `{places}`: `t(key="back_to_reference", number=note.number)` becomes
//! `Back to reference {{ note.number }}`, which Tera escapes as `t()` would.
//! The text must hold no line break and nothing Tera would read as a tag. The template's lines stay
//! where they were; [`Folds`] moves a column back to where it was in the
//! file, so an error message points at what the author wrote.

/// A template's text after folding, and where it moved.
pub struct Folded {
    pub text: String,
    pub folds: Folds,
}

/// The calls folded in one template, in order.
#[derive(Default)]
pub struct Folds(Vec<Fold>);

struct Fold {
    /// 1-based line of the call (the same before and after folding).
    line: usize,
    /// 0-based column, in characters, where the text now starts.
    column: usize,
    /// Characters of the call as written, and of the text written instead.
    written: usize,
    folded: usize,
}

impl Folds {
    /// Where a 0-based column of the folded text was in the file as written.
    pub fn column_as_written(&self, line: usize, column: usize) -> usize {
        let mut shift: isize = 0;
        for f in self.0.iter().filter(|f| f.line == line) {
            if column < f.column + f.folded {
                if column >= f.column {
                    // Inside folded text: the call's start.
                    return (f.column as isize + shift) as usize;
                }
                break;
            }
            shift += f.written as isize - f.folded as isize;
        }
        (column as isize + shift).max(0) as usize
    }
}

/// Folds every `{{ t(key="...", ...) }}` whose text `text_of` knows (escaped,
/// with its `{places}`), when each argument fills a place. `None` when
/// nothing was folded.
pub fn fold<'a>(source: &str, text_of: impl Fn(&str) -> Option<&'a str>) -> Option<Folded> {
    let mut out = String::with_capacity(source.len());
    let mut folds = Vec::new();
    let (mut line, mut column) = (1usize, 0usize);
    let mut rest = source;
    while let Some(at) = rest.find('{') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        advance(before, &mut line, &mut column);
        // Text Tera does not interpret is copied as it is.
        let skip = if from.starts_with("{#") {
            from.find("#}").map(|end| end + 2)
        } else if let Some(end) = raw_block_end(from) {
            Some(end)
        } else if let Some((len, key, args)) = call(from)
            && let Some(text) = text_of(key)
            && !text.contains('\n')
            && !["{{", "{%", "{#"].iter().any(|tag| text.contains(tag))
            && args
                .iter()
                .all(|(name, _)| text.contains(&format!("{{{name}}}")))
        {
            let text = with_arguments(text, &args);
            let written = from[..len].chars().count();
            let folded = text.chars().count();
            folds.push(Fold {
                line,
                column,
                written,
                folded,
            });
            out.push_str(&text);
            column += folded;
            rest = &from[len..];
            continue;
        } else {
            Some(1)
        };
        let len = skip.unwrap_or(from.len());
        out.push_str(&from[..len]);
        advance(&from[..len], &mut line, &mut column);
        rest = &from[len..];
    }
    out.push_str(rest);
    (!folds.is_empty()).then_some(Folded {
        text: out,
        folds: Folds(folds),
    })
}

/// The escaped text with each `{place}` that has an argument written as
/// `{{ path }}`: Tera then escapes the value as `t()` would have (with the
/// same function), and writes a value marked safe as it is, as `t()` does.
/// A place with no argument stays as written, as in `t()`.
fn with_arguments(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16 * args.len());
    crate::strings::fill_places(text, &mut out, |name, out| {
        match args.iter().find(|(n, _)| *n == name) {
            Some((_, path)) => {
                out.push_str("{{ ");
                out.push_str(path);
                out.push_str(" }}");
                true
            }
            None => false,
        }
    });
    out
}

/// Moves a (line, column) position past `s`.
fn advance(s: &str, line: &mut usize, column: &mut usize) {
    for c in s.chars() {
        if c == '\n' {
            *line += 1;
            *column = 0;
        } else {
            *column += 1;
        }
    }
}

/// A `t()` call as written: its length, its key, and each argument's name
/// and variable path.
type Call<'a> = (usize, &'a str, Vec<(&'a str, &'a str)>);

/// `{{ t(key="name", place=path.to.value) }}` at the start of `s`: its
/// length, the key, and each argument's name and expression. Whitespace
/// control (`{{-`), `count` (a plural), and arguments that are not plain
/// variable paths (a filter, a literal) are left to Tera.
fn call(s: &str) -> Option<Call<'_>> {
    let mut p = Parser { s, at: 0 };
    p.eat("{{")?;
    p.spaces();
    p.eat("t")?;
    p.spaces();
    p.eat("(")?;
    p.spaces();
    p.eat("key")?;
    p.spaces();
    p.eat("=")?;
    p.spaces();
    let quote = p.s[p.at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    p.at += 1;
    let start = p.at;
    let len = p.s[start..].find(quote)?;
    let key = &p.s[start..start + len];
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    p.at = start + len + 1;
    let mut args = Vec::new();
    loop {
        p.spaces();
        if p.eat(",").is_none() {
            break;
        }
        p.spaces();
        let name = p.word(|c| c.is_ascii_alphanumeric() || c == '_')?;
        p.spaces();
        p.eat("=")?;
        p.spaces();
        let path = p.word(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')?;
        let starts_as_name = path.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if name == "count" || name == "key" || !starts_as_name || path.ends_with('.') {
            return None;
        }
        args.push((name, path));
    }
    p.eat(")")?;
    p.spaces();
    p.eat("}}")?;
    Some((p.at, key, args))
}

/// The length of a `{% raw %}...{% endraw %}` block at the start of `s`.
fn raw_block_end(s: &str) -> Option<usize> {
    let tag_end = s.find("%}")?;
    let tag = s[..tag_end]
        .trim_start_matches("{%")
        .trim_matches(|c: char| c == '-' || c.is_whitespace());
    if tag != "raw" {
        return None;
    }
    let end = s.find("endraw")?;
    Some(end + s[end..].find("%}")? + 2)
}

struct Parser<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn eat(&mut self, token: &str) -> Option<()> {
        self.s[self.at..]
            .starts_with(token)
            .then(|| self.at += token.len())
    }

    /// The longest run of characters that `ok` accepts; none when empty.
    fn word(&mut self, ok: impl Fn(char) -> bool) -> Option<&'a str> {
        let rest: &'a str = &self.s[self.at..];
        let len = rest.find(|c| !ok(c)).unwrap_or(rest.len());
        self.at += len;
        (len > 0).then(|| &rest[..len])
    }

    fn spaces(&mut self) {
        let rest = &self.s[self.at..];
        self.at += rest.len() - rest.trim_start().len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(key: &str) -> Option<&'static str> {
        match key {
            "contents" => Some("Contents"),
            "long" => Some("A much longer sentence"),
            "tag" => Some("a {{ b }}"),
            "back" => Some("Back to reference {number}"),
            _ => None,
        }
    }

    #[test]
    fn folds_a_literal_key_and_leaves_every_other_call() {
        let src = r#"<h2>{{ t(key="contents") }}</h2>{{t( key = 'contents' )}}|{{ t(key="contents", n=1) }}|{{- t(key="contents") }}|{{ t(key="missing") }}|{{ t(key="tag") }}"#;
        let f = fold(src, words).unwrap();
        assert_eq!(
            f.text,
            r#"<h2>Contents</h2>Contents|{{ t(key="contents", n=1) }}|{{- t(key="contents") }}|{{ t(key="missing") }}|{{ t(key="tag") }}"#
        );
        assert!(fold("<p>{{ page.title }}</p>", words).is_none());
    }

    #[test]
    fn arguments_that_fill_places_become_expressions() {
        let src = r#"{{ t(key="back", number=note.number) }}|{{ t(key="back") }}|{{ t(key="back", number=n | safe) }}|{{ t(key="back", other=x) }}|{{ t(key="back", number=3) }}|{{ t(key="back", count=n) }}"#;
        let f = fold(src, words).unwrap();
        assert_eq!(
            f.text,
            r#"Back to reference {{ note.number }}|Back to reference {number}|{{ t(key="back", number=n | safe) }}|{{ t(key="back", other=x) }}|{{ t(key="back", number=3) }}|{{ t(key="back", count=n) }}"#
        );
    }

    #[test]
    fn comments_and_raw_blocks_are_not_folded() {
        let src = "{# {{ t(key=\"contents\") }} #}{% raw %}{{ t(key=\"contents\") }}{% endraw %}{{ t(key=\"contents\") }}";
        let f = fold(src, words).unwrap();
        assert_eq!(
            f.text,
            "{# {{ t(key=\"contents\") }} #}{% raw %}{{ t(key=\"contents\") }}{% endraw %}Contents"
        );
    }

    #[test]
    fn columns_after_a_fold_are_moved_back_to_the_file_as_written() {
        // Written: `{{ t(key="contents") }} {{ x }}` and `{{ t(key="long") }}{{ y }}`.
        let src = "{{ t(key=\"contents\") }} {{ x }}\n{{ t(key=\"long\") }}{{ y }}";
        let f = fold(src, words).unwrap();
        assert_eq!(f.text, "Contents {{ x }}\nA much longer sentence{{ y }}");
        // `{{ x }}` is at column 9 now and 24 in the file.
        assert_eq!(f.folds.column_as_written(1, 9), 24);
        // `{{ y }}` is at 22 now, 19 as written (the text is longer).
        assert_eq!(f.folds.column_as_written(2, 22), 19);
        // Inside the folded text: the call's start.
        assert_eq!(f.folds.column_as_written(2, 5), 0);
        // Before any fold, and on a line with none: unchanged.
        assert_eq!(f.folds.column_as_written(1, 0), 0);
        assert_eq!(f.folds.column_as_written(3, 7), 7);
    }
}
