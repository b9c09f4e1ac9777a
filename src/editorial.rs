//! Editorial checks: things that are not wrong enough to stop a build but
//! that a careful editor would fix before publishing.
//!
//! They run on the loaded site, after every structural check, and report
//! warnings with a code each; a site can turn any of them off in
//! `site.yaml` (`checks: { vague-link: off }`), because house styles differ.
//! `rapport check --strict` treats them as errors, for CI on pull requests.

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap, Span};
use crate::markdown::ast::{
    Block, Definition, Inline, NOTES_HEADING_LEVEL, plain_text, walk_blocks, walk_inlines,
};
use crate::model::{Chapter, Site};

const VAGUE: &[&str] = &[
    "click here",
    "here",
    "click",
    "read more",
    "more",
    "this link",
    "link",
    "this page",
    "find out more",
];

const MARKERS: &[&str] = &["TODO", "TBC", "[DRAFT]", "XXX"];

/// Sentences the starter site and `rapport new` write to show where the
/// author's own words go. `check` warns about any still in a site
/// (`placeholder-text`), so none is published by mistake.
pub const PLACEHOLDERS: &[&str] = &[
    "A short summary of the year, shown on the home page and at the top of the report.",
    "This is the first chapter. Edit it, save, and run `rapport build` to see the result.",
    "One or two sentences on what this report covers.",
    "One sentence for the contents list.",
    "Write the introduction here.",
    "Write the chapter here.",
    "The recommendation's own words.",
];

pub fn check(site: &Site, sources: &SourceMap, diags: &Diagnostics) {
    // The chapters are most of the work, and each is checked on its own.
    site.reports
        .par_iter()
        .flat_map(|r| r.chapters.par_iter())
        .for_each(|chapter| check_chapter(chapter, sources, diags));
    let files = site.reports.iter().flat_map(|r| {
        r.chapters
            .iter()
            .map(|c| c.file.clone())
            .chain(std::iter::once(format!(
                "{}/{}",
                r.dir,
                crate::content::REPORT_FILE
            )))
            .chain(r.tracker.items.iter().map(|i| i.origin.file.clone()))
    });
    // Many items share one file (recommendations.yaml): each file once.
    let files: std::collections::BTreeSet<String> = files.collect();
    files
        .par_iter()
        .for_each(|file| placeholders(file, sources, diags));
    example_addresses(site, sources, diags);
    for report in &site.reports {
        let file = format!("{}/{}", report.dir, crate::content::REPORT_FILE);
        let missing: Vec<&str> = [
            ("summary", report.meta.summary.is_none()),
            ("period", report.meta.period.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(k, _)| *k)
        .collect();
        if !missing.is_empty() && !report.meta.unreadable {
            diags.push(
                Diagnostic::warning(
                    "missing-metadata",
                    format!("this report has no {}", missing.join(" or ")),
                )
                .in_file(&file)
                .at_line(1, 1)
                .with_hint("readers and search need them: add `summary:` (a sentence or two) and `period:` (e.g. 2022/23)"),
            );
        }
        let label = report.tracker.label.one.to_lowercase();
        for item in &report.tracker.items {
            if item.responses.is_empty()
                && item.missing_text.is_none()
                && !item.unreadable_responses
            {
                diags.push(
                    Diagnostic::warning(
                        "no-response",
                        format!("{label} {} has no progress response yet", item.number),
                    )
                    .in_file(&item.origin.file)
                    .at(item.number_at.clone())
                    .with_hint("add one under `responses:` with a date, a status and a sentence on progress"),
                );
            }
        }
    }
}

/// The starter's and `rapport new`'s example sentences left in `file`.
fn placeholders(file: &str, sources: &SourceMap, diags: &Diagnostics) {
    static FINDER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::new(PLACEHOLDERS)
                .expect("the placeholders are a handful of short sentences")
        });
    let Some(text) = sources.get(file) else {
        return;
    };
    // Only a find needs line numbers; nearly every file has none.
    let index = std::cell::LazyCell::new(|| LineIndex::new(&text));
    for found in FINDER.find_iter(&*text) {
        diags.push(
            Diagnostic::warning(
                "placeholder-text",
                format!(
                    "\"{}\" is example text from the starter site or `rapport new`",
                    PLACEHOLDERS[found.pattern().as_usize()]
                ),
            )
            .in_file(file)
            .at(index.span(&text, found.start()..found.start()))
            .with_hint("replace it with your own words before publishing"),
        );
    }
}

/// The site's web address and contact addresses, if they are still the
/// example ones (`example.org`): the sitemap, feed and PDFs would link to
/// nowhere, and readers' requests for another format would go nowhere.
fn example_addresses(site: &Site, sources: &SourceMap, diags: &Diagnostics) {
    let config = &site.config;
    let host = |address: &str| -> Option<String> {
        let rest = address.split_once("://").map_or(address, |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
        let host = host.trim_end_matches('.').to_lowercase();
        let example = ["example.org", "example.com", "example.net"]
            .iter()
            .any(|e| host == *e || host.ends_with(&format!(".{e}")));
        example.then_some(host)
    };
    let text = sources.get(crate::config::CONFIG_FILE).unwrap_or_default();
    // The value's own line and column, where it is written as it is.
    let place = |needle: &str| {
        text.lines()
            .enumerate()
            .find_map(|(i, l)| {
                l.find(needle)
                    .map(|at| (i as u32 + 1, l[..at].chars().count() as u32 + 1))
            })
            .unwrap_or((1, 1))
    };
    let warn = |value: &str, what: &str, hint: &str| {
        let (line, column) = place(value);
        diags.push(
            Diagnostic::warning(
                "example-address",
                format!("{what} is an example address: {value}"),
            )
            .in_file(crate::config::CONFIG_FILE)
            .at_line(line, column)
            .with_hint(hint),
        );
    };
    let url = config.base_url.as_str();
    if host(url).is_some() {
        warn(
            url,
            "`base_url`",
            "set it to the address the site will be published at, or the sitemap, feed and PDFs will link to nowhere",
        );
    }
    // An address given twice (publisher and accessibility) is said once.
    let emails: std::collections::BTreeSet<&String> = config
        .publisher
        .email
        .iter()
        .chain(config.accessibility.as_ref().map(|a| &a.email))
        .collect();
    for email in emails {
        if host(email).is_some() {
            warn(
                email,
                "the contact email",
                "give the address readers should write to (for another format, or about accessibility); mail to an example address goes nowhere",
            );
        }
    }
}

fn check_chapter(chapter: &Chapter, sources: &SourceMap, diags: &Diagnostics) {
    let text = sources.get(&chapter.file).unwrap_or_default();
    // Only a problem needs a line number; most chapters have none.
    let index = std::cell::LazyCell::new(|| LineIndex::new(&text));
    let at = |offset: usize| {
        let o = chapter.body_start + offset;
        index.span(&text, o..o)
    };
    let warn = |code: &'static str, message: String, span: Span, hint: &str| {
        diags.push(
            Diagnostic::warning(code, message)
                .in_file(&chapter.file)
                .at(span)
                .with_hint(hint),
        );
    };

    // The chapter title is the page's h1, so the first heading is an h2;
    // the notes come under a heading of their own.
    let last_level = std::cell::Cell::new(1u8);
    let mut check_block = |b: &Block| match b {
        Block::Heading { level, offset, .. } => {
            let last = last_level.get();
            if *level > last + 1 {
                warn(
                    "skipped-heading",
                    format!("this heading jumps from level {last} to level {level}"),
                    at(*offset),
                    "screen reader users navigate by heading levels: use one more `#` than the heading above (the chapter title counts as `#`)",
                );
            }
            last_level.set(*level);
        }
        Block::Table { head, offset, .. }
            if head.iter().all(|c| plain_text(c).trim().is_empty()) =>
        {
            warn(
                "table-header",
                "this table's header row is empty".into(),
                at(*offset),
                "give every column a heading in the first row, so screen readers can announce it with each cell",
            );
        }
        _ => {}
    };
    walk_blocks(&chapter.doc.blocks, &mut check_block);
    last_level.set(NOTES_HEADING_LEVEL);
    for note in &chapter.doc.footnotes {
        walk_blocks(&note.blocks, &mut check_block);
    }

    let mut visit = |i: &Inline| {
        if let Inline::Link(link) = i {
            let (content, offset, dest) = (&link.content, &link.offset, &link.dest);
            let words = plain_text(content).trim().to_lowercase();
            let words = words.trim_end_matches(['.', '!', ':']);
            if VAGUE.contains(&words) && !dest.starts_with("rec:") {
                warn(
                    "vague-link",
                    format!(
                        "the link text \"{}\" does not say where it goes",
                        plain_text(content).trim()
                    ),
                    at(*offset),
                    "use words that make sense on their own, such as \"the 2022/23 crime figures\"",
                );
            }
        }
    };
    // Links in running text, tables and definition terms: tracker rows and
    // download links are rapport's wording, not the author's. Component
    // titles and attributions are not checked (yet).
    chapter.doc.walk_blocks(&mut |b| match b {
        Block::Heading { content, .. }
        | Block::Paragraph { content, .. }
        | Block::Plain(content) => walk_inlines(content, &mut visit),
        Block::Table { head, rows, .. } => {
            for c in head.iter().chain(rows.iter().flatten()) {
                walk_inlines(c, &mut visit);
            }
        }
        Block::DefinitionList(items) => {
            for item in items {
                if let Definition::Term(t) = item {
                    walk_inlines(t, &mut visit);
                }
            }
        }
        _ => {}
    });

    let body = &text[chapter.body_start.min(text.len())..];
    for marker in MARKERS {
        if let Some(pos) = find_word(body, marker) {
            warn(
                "draft-marker",
                format!("`{marker}` is still in the text"),
                at(pos),
                "finish or remove the unfinished passage before publishing",
            );
        }
    }
}

/// The first place `word` occurs as a whole word (not inside another word).
/// memchr's vectorised search: this runs over every chapter's whole text
/// for every marker, which with `str::find` was most of the editorial
/// checks' time on a large site.
fn find_word(text: &str, word: &str) -> Option<usize> {
    memchr::memmem::find_iter(text.as_bytes(), word.as_bytes()).find(|&start| {
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        boundary(before) && boundary(after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_as_whole_words_only() {
        assert_eq!(find_word("a TODO here", "TODO"), Some(2));
        assert_eq!(find_word("TODOS and MASTODON", "TODO"), None);
        assert_eq!(find_word("see [DRAFT] now", "[DRAFT]"), Some(4));
    }
}
