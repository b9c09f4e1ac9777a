//! Publishing a site in more than one language (Welsh and English, say).
//!
//! Why it works the way it does: a Welsh public body must publish every
//! page in both languages, with the same figures, each page linking to its
//! counterpart. So a translation is a file beside its original
//! (`01-intro.cy.md` beside `01-intro.md`, `report.cy.yaml` beside
//! `report.yaml`) that gives only the words; figures, dates and statuses
//! are entered once, in the original ([`overlay`]). Each further language
//! is then the same site loaded again through [`TranslatedFs`], which
//! shows the loader the translated text under the original's name, so
//! slugs, links between chapters and every address are the same in both
//! languages and each page's counterpart is the same path under the other
//! language's folder (`cy/`).
//!
//! What is missing or out of step is found here, before anything loads:
//! a file without its translation, a field left untranslated, a figure that
//! differs ([`overlay`]), a translation older than its original in git
//! history ([`stale`]).

mod crosslinks;
pub mod overlay;
mod stale;
mod table;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;

use crate::config::languages::{Language, missing_translation};
use crate::config::{CONTENT_DIR, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::vfs::{self, FileSystem, RelPath};
use crate::yaml;

/// `01-intro.md` with `cy` gives `01-intro.cy.md`.
pub fn translation_path(path: &str, suffix: &str) -> String {
    let (dir, name) = match path.rsplit_once('/') {
        Some((d, n)) => (Some(d), n),
        None => (None, path),
    };
    let name = match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{suffix}.{ext}"),
        None => format!("{name}.{suffix}"),
    };
    match dir {
        Some(d) => format!("{d}/{name}"),
        None => name,
    }
}

/// Whether `name` is a translation file of one of `suffixes`
/// (`01-intro.cy.md`, `report.cy.yaml`).
pub fn is_translation(name: &str, suffixes: &[String]) -> bool {
    let name = name.rsplit('/').next().unwrap_or(name);
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(lang), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    suffixes.iter().any(|s| s == lang)
}

/// The site's files as one language sees them. Translation files of every
/// language are hidden; in a further language, an original with a
/// translation reads as the two laid together, under the original's name,
/// and only the reports published in that language are listed.
pub struct TranslatedFs<'a> {
    inner: &'a dyn FileSystem,
    suffixes: Vec<String>,
    texts: HashMap<String, Vec<u8>>,
    reports: Option<Vec<String>>,
}

impl<'a> TranslatedFs<'a> {
    /// The default language's view: every translation file hidden.
    pub fn hiding(inner: &'a dyn FileSystem, config: &SiteConfig) -> Self {
        TranslatedFs {
            inner,
            suffixes: config.languages[1..]
                .iter()
                .map(|l| l.suffix.clone())
                .collect(),
            texts: HashMap::new(),
            reports: None,
        }
    }

    fn shown(&self, path: &str) -> bool {
        if is_translation(path, &self.suffixes) {
            return false;
        }
        match (&self.reports, path.strip_prefix(CONTENT_DIR)) {
            (Some(reports), Some(rest)) => match rest.trim_start_matches('/').split('/').next() {
                Some(report) if !report.is_empty() => reports.iter().any(|r| r == report),
                _ => true,
            },
            _ => true,
        }
    }
}

impl FileSystem for TranslatedFs<'_> {
    fn read(&self, path: &RelPath) -> io::Result<Vec<u8>> {
        if !self.shown(path) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such file"));
        }
        match self.texts.get(path) {
            Some(t) => Ok(t.clone()),
            None => self.inner.read(path),
        }
    }

    fn is_file(&self, path: &RelPath) -> bool {
        self.shown(path) && self.inner.is_file(path)
    }

    fn find_file(&self, path: &RelPath) -> io::Result<()> {
        if !self.shown(path) {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no such file"));
        }
        self.inner.find_file(path)
    }

    fn is_dir(&self, path: &RelPath) -> bool {
        self.shown(path) && self.inner.is_dir(path)
    }

    fn list(&self, dir: &RelPath) -> io::Result<Vec<(String, bool)>> {
        let mut entries = self.inner.list(dir)?;
        entries.retain(|(name, _)| self.shown(&vfs::join(dir, name)));
        Ok(entries)
    }

    fn walk(&self, dir: &RelPath) -> Vec<String> {
        let mut files = self.inner.walk(dir);
        files.retain(|f| self.shown(f));
        files
    }

    fn disk_path(&self, path: &RelPath) -> Option<PathBuf> {
        // A translated file has no single file on disk to copy.
        if self.texts.contains_key(path) || !self.shown(path) {
            return None;
        }
        self.inner.disk_path(path)
    }
}

/// A further language, ready to load: its view of the files, and which
/// original each translation stands in for (so that problems found in the
/// translated text name the translation's file).
pub struct Translated<'a> {
    pub fs: TranslatedFs<'a>,
    /// Original path to translation path.
    pub renames: HashMap<String, String>,
}

/// Lays every translation of language `index` over its original, and
/// reports what is missing or out of step into `diags`.
pub fn translate<'a>(
    fs: &'a dyn FileSystem,
    config: &SiteConfig,
    index: usize,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Translated<'a> {
    let lang = &config.languages[index];
    let mut translated = Translated {
        fs: TranslatedFs::hiding(fs, config),
        renames: HashMap::new(),
    };
    let mut reports = Vec::new();
    for (name, is_dir) in fs.list(CONTENT_DIR).unwrap_or_default() {
        if !is_dir || name.starts_with('.') || !lang.has_report(&name) {
            continue;
        }
        reports.push(name.clone());
        let dir = vfs::join(CONTENT_DIR, &name);
        let files = fs.walk(&dir);
        let present: HashSet<&str> = files.iter().map(String::as_str).collect();
        for file in &files {
            if vfs::is_hidden(file) {
                continue;
            }
            if is_translation(file, &translated.fs.suffixes) {
                orphan(file, &present, &translated.fs.suffixes, diags);
                continue;
            }
            let target = translation_path(file, &lang.suffix);
            if file.ends_with(".md") && index == 1 {
                // The originals are checked once, with the first further
                // language.
                cross_links(fs, file, &config.languages[0], config, diags);
            }
            if file.ends_with(".md") && present.contains(target.as_str()) {
                cross_links(fs, &target, lang, config, diags);
            }
            if present.contains(target.as_str()) {
                if let Some(text) = lay_over(fs, file, &target, diags, sources) {
                    translated.fs.texts.insert(file.clone(), text.into_bytes());
                    translated.renames.insert(file.clone(), target);
                }
            } else if needs_translation(fs, file) {
                diags.push(
                    missing_translation(format!("{file} has no translation into {}", lang.name))
                        .in_file(file.clone())
                        .with_hint(format!(
                            "write its {} text in {target}, beside it (docs/languages.md)",
                            lang.name
                        )),
                );
            }
        }
    }
    if let Some(listed) = &lang.reports {
        for slug in listed {
            if !reports.contains(slug) {
                diags.push(
                    Diagnostic::error(
                        "bad-language",
                        format!("there is no report `{slug}` to publish in {}", lang.name),
                    )
                    .config()
                    .in_file(crate::config::CONFIG_FILE)
                    .at(lang.at.clone())
                    .with_hint("name report folders under content/ in `reports:`"),
                );
            }
        }
    }
    translated.fs.reports = lang.reports.clone();
    if let Some(root) = fs
        .disk_path(crate::config::CONFIG_FILE)
        .and_then(|p| p.parent().map(|p| p.to_path_buf()))
    {
        stale::check(&root, &translated.renames, diags);
    }
    translated
}

/// Links in `file`, written in `lang`, that lead into another language.
fn cross_links(
    fs: &dyn FileSystem,
    file: &str,
    lang: &Language,
    config: &SiteConfig,
    diags: &Diagnostics,
) {
    if let Ok(text) = fs.read_to_string(file) {
        let base = config
            .base_url
            .strip_suffix(&config.languages[config.current_language].prefix())
            .unwrap_or(&config.base_url);
        crosslinks::check(file, &text, lang, &config.languages, base, diags);
    }
}

/// A translation file whose original is not there.
fn orphan(file: &str, present: &HashSet<&str>, suffixes: &[String], diags: &Diagnostics) {
    let original = original_of(file, suffixes);
    if !present.contains(original.as_str()) {
        diags.push(
            Diagnostic::error(
                "orphan-translation",
                format!("{file} translates {original}, which is not there"),
            )
            .in_file(file.to_string())
            .with_hint(format!(
                "rename it to match its original, or remove it if {original} was removed"
            )),
        );
    }
}

/// `01-intro.cy.md` gives `01-intro.md`.
fn original_of(file: &str, suffixes: &[String]) -> String {
    for s in suffixes {
        let marker = format!(".{s}.");
        if let Some(i) = file.rfind(&marker) {
            return format!("{}.{}", &file[..i], &file[i + marker.len()..]);
        }
    }
    file.to_string()
}

/// Markdown is always words; a YAML or CSV file is when it holds any text
/// beyond figures and settings (a data file of numbers is shared as it is).
fn needs_translation(fs: &dyn FileSystem, file: &str) -> bool {
    if file.ends_with(".md") {
        return true;
    }
    if file.ends_with("/recommendations.csv") {
        return true;
    }
    if !(file.ends_with(".yaml") || file.ends_with(".yml")) {
        return false;
    }
    let Ok(text) = fs.read_to_string(file) else {
        return false;
    };
    overlay::parse(&text, 0).is_ok_and(|n| overlay::has_words(&n))
}

/// The original with the translation laid over it, as the loader will read
/// it; `None`, with the problem reported, when either cannot be read.
fn lay_over(
    fs: &dyn FileSystem,
    original: &str,
    translation: &str,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Option<String> {
    let o_text = crate::sources::read_text(sources, fs, original, diags).ok()?;
    let t_text = crate::sources::read_text(sources, fs, translation, diags).ok()?;
    let at_problem = |at: overlay::At, kind: overlay::ProblemKind, message, hint| {
        let d = match kind {
            overlay::ProblemKind::Missing => missing_translation(message),
            _ => Diagnostic::error("translation-differs", message),
        };
        diags.push(
            d.in_file(translation.to_string())
                .at_line(at.line, at.column)
                .with_hint(hint),
        );
    };
    if original.ends_with(".csv") {
        return match table::merge(&o_text, &t_text, original) {
            Ok((merged, problems)) => {
                for p in problems {
                    at_problem(p.at, p.kind, p.message, p.hint);
                }
                Some(merged)
            }
            Err((at, why)) => {
                diags.push(
                    Diagnostic::error("bad-csv", format!("cannot read {translation}: {why}"))
                        .in_file(translation.to_string())
                        .at_line(at.line, at.column)
                        .with_hint(
                            "save it again as CSV UTF-8, with the same columns as its original",
                        ),
                );
                None
            }
        };
    }
    let markdown = original.ends_with(".md");
    let (o_yaml, o_offset, _) = split(&o_text, markdown);
    let (t_yaml, t_offset, t_body) = split(&t_text, markdown);
    let parse = |text: &str, offset: u32, file: &str| match overlay::parse(text, offset) {
        Ok(n) => Some(n),
        Err((at, why)) => {
            diags.push(
                Diagnostic::error("yaml-syntax", format!("cannot read {file}: {why}"))
                    .in_file(file.to_string())
                    .at_line(at.line, at.column)
                    .with_hint("fix the YAML here; the file is read as it is otherwise"),
            );
            None
        }
    };
    let o = parse(o_yaml, o_offset, original)?;
    let t = match t_yaml {
        "" if markdown => overlay::Node::empty(),
        _ => parse(t_yaml, t_offset, translation)?,
    };
    let (merged, problems) = overlay::merge(&o, &t, original);
    for p in problems {
        at_problem(p.at, p.kind, p.message, p.hint);
    }
    let json = overlay::to_json(&merged);
    if !markdown {
        return Some(json);
    }
    let body = &t_text[t_body..];
    let o_body =
        yaml::split_front_matter(&o_text).map_or(o_text.as_ref(), |(_, _, b)| &o_text[b..]);
    if body.trim().is_empty() && !o_body.trim().is_empty() {
        at_problem(
            overlay::At { line: 1, column: 1 },
            overlay::ProblemKind::Missing,
            format!("{translation} has no text after its front matter"),
            format!("translate the text of {original} here"),
        );
    }
    // The body keeps its lines: one line of JSON, padded to the height of
    // the translation's own front matter, so positions in the text are
    // the translation file's.
    let height = t_yaml.lines().count().max(1);
    Some(format!(
        "---\n{json}\n{}---\n{body}",
        "\n".repeat(height - 1)
    ))
}

/// The YAML of a file (its front matter, for Markdown), the lines before
/// it, and where the body starts.
fn split(text: &str, markdown: bool) -> (&str, u32, usize) {
    if !markdown {
        return (text, 0, text.len());
    }
    match yaml::split_front_matter(text) {
        Some((y, offset, body)) => (y, offset, body),
        None => ("", 0, 0),
    }
}

/// Problems found while loading a further language, as they go to the
/// build: those in a translated file name the translation; those the
/// default language has already reported are left out.
pub fn forward(
    found: Vec<Diagnostic>,
    renames: &HashMap<String, String>,
    already: &[Diagnostic],
    as_warnings: &[String],
) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| {
        (
            d.code,
            d.file.clone(),
            d.span.as_ref().map(|s| (s.start.line, s.start.column)),
            d.message.clone(),
        )
    };
    let seen: HashSet<_> = already.iter().map(key).collect();
    let mut out = Vec::new();
    for mut d in found {
        if let Some(t) = d.file.as_ref().and_then(|f| renames.get(f)) {
            d.message = d.message.replace(d.file.as_deref().unwrap_or(""), t);
            d.file = Some(t.clone());
        }
        if as_warnings.iter().any(|c| c == d.code) {
            d.severity = crate::diagnostics::Severity::Warning;
        }
        if !seen.contains(&key(&d)) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation_files_are_named_beside_their_originals() {
        assert_eq!(
            translation_path("content/r/01-intro.md", "cy"),
            "content/r/01-intro.cy.md"
        );
        assert_eq!(translation_path("report.yaml", "cy"), "report.cy.yaml");
        let cy = vec!["cy".to_string()];
        assert!(is_translation("content/r/01-intro.cy.md", &cy));
        assert!(!is_translation("content/r/01-intro.md", &cy));
        assert!(!is_translation("content/r/data/cy.csv", &cy));
        assert_eq!(
            original_of("content/r/report.cy.yaml", &cy),
            "content/r/report.yaml"
        );
    }
}
