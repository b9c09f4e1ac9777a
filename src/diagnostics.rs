//! Problems found in a site, as data.
//!
//! Every stage reports problems by pushing a [`Diagnostic`] into a shared
//! [`Diagnostics`] sink instead of returning early, so that one run of
//! `rapport check` shows every problem in the site at once (as Typst and rustc
//! do). A diagnostic names the file (relative to the site root) and a span with
//! 1-based line and column, so editors and CI annotations can point at it.
//! Rendering for people happens at the edge (see [`render_human`]), using the
//! source text kept in a [`SourceMap`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a problem is. Errors fail the build; warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Which exit code a problem leads to: content problems exit 1, problems with
/// the site's configuration, theme or the command's arguments exit 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Content,
    Config,
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// A region of a source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

impl Span {
    pub fn point(line: u32, column: u32) -> Self {
        let p = Position { line, column };
        Span { start: p, end: p }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub class: Class,
    /// A stable kebab-case code, such as `unknown-key` or `broken-link`.
    pub code: &'static str,
    pub message: String,
    /// The file, relative to the site root with `/` separators.
    pub file: Option<String>,
    pub span: Option<Span>,
    /// How to fix it, in the user's terms.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            class: Class::Content,
            code,
            message: message.into(),
            file: None,
            span: None,
            hint: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn config(mut self) -> Self {
        self.class = Class::Config;
        self
    }

    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn at_line(self, line: u32, column: u32) -> Self {
        self.at(Span::point(line, column))
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` (or as much of it as is known).
    pub fn location(&self) -> String {
        match (&self.file, &self.span) {
            (Some(f), Some(s)) => format!("{f}:{}:{}", s.start.line, s.start.column),
            (Some(f), None) => f.clone(),
            _ => String::new(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let loc = self.location();
        if loc.is_empty() {
            write!(f, "{sev}[{}]: {}", self.code, self.message)?;
        } else {
            write!(f, "{loc}: {sev}[{}]: {}", self.code, self.message)?;
        }
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// A thread-safe sink that stages push problems into while they work in parallel.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Arc<Mutex<Vec<Diagnostic>>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, d: Diagnostic) {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(Diagnostic::is_error)
    }

    /// The files that problems found so far point into.
    pub fn files(&self) -> std::collections::HashSet<String> {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter_map(|d| d.file.clone())
            .collect()
    }

    /// All problems in a stable order: by file, then position, then message,
    /// so that output does not depend on which thread found a problem first.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.lock().unwrap_or_else(|e| e.into_inner()).clone();
        v.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.file.clone(),
                    d.span.as_ref().map(|s| s.start),
                    d.severity,
                    d.message.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        v.dedup();
        v
    }
}

/// The option nearest to a misspelt `wanted`, for a "did you mean" hint:
/// typing slips in short names (`ulr`) are an edit or two away, longer
/// ones (`organization`) look alike. `None` when nothing is close.
pub fn nearest<'a>(wanted: &str, options: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let edits_allowed = (wanted.chars().count() / 3).clamp(1, 2);
    options
        .into_iter()
        .map(|o| {
            (
                strsim::damerau_levenshtein(wanted, o),
                strsim::jaro_winkler(wanted, o),
                o,
            )
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .filter(|(edits, score, _)| *edits <= edits_allowed || *score > 0.85)
        .map(|(_, _, o)| o)
}

/// 1000000 -> "1,000,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Every warning a site may turn off (`checks:` in site.yaml), with what it
/// is for (shown in hints and documented in docs/authoring.md). The
/// warnings come from several passes, so the list is kept here, below them
/// all and below the configuration that names them.
pub const OPTIONAL_CHECKS: &[(&str, &str)] = &[
    ("image-alt", "an image without alt text"),
    ("empty-link", "a link without text"),
    (
        "vague-link",
        "link text such as \"click here\" that says nothing out of context",
    ),
    ("skipped-heading", "a heading level skipped (## then ####)"),
    ("table-header", "a table whose header row is empty"),
    ("no-response", "a recommendation with no progress response"),
    ("missing-metadata", "a report without a summary or period"),
    (
        "draft-content",
        "a published report with draft chapters left out",
    ),
    ("draft-report", "a report marked as a draft, left out"),
    ("draft-marker", "TODO, TBC or [DRAFT] left in the text"),
    ("number-gap", "recommendation numbers that jump"),
    ("no-text", "a recommendation without its text"),
    (
        "placeholder-text",
        "example text from the starter site or `rapport new`",
    ),
    (
        "example-address",
        "an example web or email address (example.org) in site.yaml",
    ),
];

/// Errors a site may make warnings instead, while work is in draft:
/// `checks: { missing-translation: warning }`.
pub const CHECKS_AS_WARNINGS: &[(&str, &str)] = &[(
    "missing-translation",
    "a page, item, field or setting not yet given in one of the site's languages",
)];

/// The text of every file that was read, so that diagnostics can show the
/// offending line long after the loader has finished with the file.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    /// Written while loading, then read by every pass over every chapter,
    /// in parallel: a read-write lock, so the readers do not queue.
    files: Arc<std::sync::RwLock<BTreeMap<String, Arc<str>>>>,
}

impl SourceMap {
    pub fn insert(&self, path: &str, text: Arc<str>) {
        self.files
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), text);
    }

    /// Lets go of the text of each of `paths` that no problem in `named`
    /// points into. Once a site is loaded and checked, a chapter's text is
    /// wanted only to show the lines that problems point at; kept for every
    /// chapter, the texts were a sizeable part of a large build's peak memory
    /// while its pages were rendered, and each page of memory costs the
    /// kernel a fault and clearing it (docs/performance.md).
    pub fn release<'a>(
        &self,
        paths: impl IntoIterator<Item = &'a str>,
        named: &std::collections::HashSet<String>,
    ) {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        for path in paths {
            if !named.contains(path) {
                files.remove(path);
            }
        }
    }

    pub fn get(&self, path: &str) -> Option<Arc<str>> {
        self.files
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned()
    }
}

/// Converts byte offsets in a text into 1-based line and column numbers.
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Position {
            line: line as u32 + 1,
            column: column as u32 + 1,
        }
    }

    pub fn span(&self, text: &str, range: std::ops::Range<usize>) -> Span {
        Span {
            start: self.position(text, range.start),
            end: self.position(text, range.end),
        }
    }
}

/// Renders problems for a terminal: `file:line:column`, the source line with
/// the span underlined, and the hint. `colour` adds ANSI colours.
/// One JSON object per problem, in an array: `file`, `line`, `column`,
/// `end` (`line`, `column`), `severity`, `code`, `message`, `hint`.
pub fn render_json(diags: &[Diagnostic]) -> String {
    let list: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let (start, end) = match &d.span {
                Some(s) => (Some(s.start), Some(s.end)),
                None => (None, None),
            };
            serde_json::json!({
                "file": d.file,
                "line": start.map(|p| p.line),
                "column": start.map(|p| p.column),
                "end": end.map(|p| serde_json::json!({"line": p.line, "column": p.column})),
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    out.push('\n');
    out
}

/// GitHub Actions workflow commands, which become annotations on the pull
/// request's changed lines: `::error file=…,line=…,col=…,title=…::message`.
pub fn render_github(diags: &[Diagnostic]) -> String {
    // GitHub's escaping: data escapes %, CR and LF; properties also : and ,.
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn prop(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &d.file {
            props.push(format!("file={}", prop(f)));
        }
        if let Some(s) = &d.span {
            props.push(format!("line={}", s.start.line));
            props.push(format!("col={}", s.start.column));
            if s.end != s.start {
                props.push(format!("endLine={}", s.end.line));
                props.push(format!("endColumn={}", s.end.column));
            }
        }
        props.push(format!("title={}", prop(&format!("rapport: {}", d.code))));
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, colour: bool) -> String {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let message = printable(&d.message);
        let title = level.primary_title(message.as_str()).id(d.code);
        let source = d.file.as_deref().and_then(|f| sources.get(f));
        let mut group = Group::with_title(title);
        let file = d.file.as_deref().map(printable);
        let location = printable(&d.location());
        match (&file, &d.span, &source) {
            (Some(file), Some(span), Some(text)) => {
                if let Some((line_text, range)) = line_and_range(text, span) {
                    let (line_text, range) = printable_line(line_text, range);
                    let snippet = Snippet::source(line_text)
                        .line_start(span.start.line as usize)
                        .path(file.as_str())
                        .annotation(AnnotationKind::Primary.span(range));
                    group = group.element(snippet);
                } else {
                    group = group.element(Level::NOTE.message(location.as_str()));
                }
            }
            (Some(_), _, _) => group = group.element(Level::NOTE.message(location.as_str())),
            _ => {}
        }
        let hint = d.hint.as_deref().map(printable);
        if let Some(h) = &hint {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// Whether `c` would act on a terminal or a CI log rather than show: control
/// characters (a newline in a quoted YAML key could start a line with `::`,
/// which GitHub Actions runs as a workflow command; ESC moves the cursor or
/// rewrites the screen) and the bidirectional overrides that make text read
/// differently from what it is ("Trojan Source").
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A message, hint or file name as it may be printed: text from a site's
/// files reaches messages (keys, values, names), so every character that
/// [`acts_on_terminal`] is shown as its code (`\u{1b}`) instead.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if acts_on_terminal(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// A source line as [`printable`] shows it (tabs kept), with the underlined
/// byte range moved to match.
fn printable_line(line: &str, range: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    if !line.chars().any(|c| c != '\t' && acts_on_terminal(c)) {
        return (line.to_string(), range);
    }
    let mut out = String::with_capacity(line.len() + 8);
    let (mut start, mut end) = (None, None);
    for (i, c) in line.char_indices() {
        if i == range.start {
            start = Some(out.len());
        }
        if i == range.end {
            end = Some(out.len());
        }
        if c != '\t' && acts_on_terminal(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (out, start..end)
}

/// The span's first line and the byte range of the span within that line.
fn line_and_range<'a>(text: &'a str, span: &Span) -> Option<(&'a str, std::ops::Range<usize>)> {
    let line = text.lines().nth(span.start.line.checked_sub(1)? as usize)?;
    let byte_at = |col: u32| {
        line.char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map(|(i, _)| i)
            .unwrap_or(line.len())
    };
    let start = byte_at(span.start.column);
    let end = if span.end.line == span.start.line && span.end.column > span.start.column {
        byte_at(span.end.column)
    } else {
        // Underline at least one character so the caret is visible.
        line[start..]
            .chars()
            .next()
            .map(|c| start + c.len_utf8())
            .unwrap_or(start)
    };
    Some((line, start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A newline in a quoted YAML key reached the message, so the rest of
    /// the key started a line of the CI log: `::warning::...` there is a
    /// GitHub Actions workflow command.
    #[test]
    fn workflow_commands_and_escapes_in_messages_are_printed_as_codes() {
        let sources = SourceMap::default();
        sources.insert("site.yaml", "\"a\\n::add-mask::x\u{1b}[2J\": 1\n".into());
        let d = Diagnostic::error(
            "unknown-key",
            "unknown key `a\n::add-mask::x\u{1b}[2J\u{202e}`",
        )
        .in_file("site.yaml")
        .at_line(1, 1)
        .with_hint("did you mean `b\r\n::stop-commands::t`?");
        let out = render_human(&[d], &sources, false);
        assert!(
            !out.lines().any(|l| l.trim_start().starts_with("::")),
            "{out}"
        );
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}') && !out.contains('\r'),
            "{out}"
        );
        assert!(out.contains("a\\u{a}::add-mask::x\\u{1b}[2J"), "{out}");
    }

    #[test]
    fn line_index_counts_characters_not_bytes() {
        let text = "a: 1\nbé: £3\n";
        let idx = LineIndex::new(text);
        let off = text.find('£').unwrap();
        assert_eq!(idx.position(text, off), Position { line: 2, column: 5 });
    }

    #[test]
    fn released_texts_are_kept_only_where_a_problem_points() {
        let sources = SourceMap::default();
        for path in ["a.md", "b.md", "site.yaml"] {
            sources.insert(path, Arc::from("text\n"));
        }
        let diags = Diagnostics::new();
        diags.push(Diagnostic::warning("x", "a problem").in_file("b.md"));
        sources.release(["a.md", "b.md"], &diags.files());
        assert!(sources.get("a.md").is_none());
        assert!(sources.get("b.md").is_some(), "b.md has a problem");
        assert!(
            sources.get("site.yaml").is_some(),
            "not among those released"
        );
    }

    #[test]
    fn human_rendering_shows_path_line_and_hint() {
        let sources = SourceMap::default();
        sources.insert("site.yaml", Arc::from("title: x\norganization: y\n"));
        let d = Diagnostic::error("unknown-key", "unknown key `organization`")
            .in_file("site.yaml")
            .at_line(2, 1)
            .with_hint("did you mean `organisation`?");
        let out = render_human(&[d], &sources, false);
        assert!(out.contains("site.yaml:2:1"), "{out}");
        assert!(out.contains("organization: y"), "{out}");
        assert!(out.contains("did you mean `organisation`?"), "{out}");
    }
}
