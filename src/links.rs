//! Link resolution: the pass that finds where every link and image in the
//! site leads.
//!
//! Chapters and recommendations are loaded one by one, each knowing only
//! itself; a link can lead to another chapter, a heading in it, another
//! report, a recommendation (`rec:3.2`), a file beside the chapters or a
//! data table's open data. So links are resolved once the whole site is
//! loaded and expanded, against an index of everything in it, and each one
//! that leads nowhere, out of the content folder, or at a file that is not
//! published is reported at its position in the source. An image is also
//! measured here ([`crate::images`]) before anything decodes it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::config::{CONTENT_DIR, REPORT_FILE};
use crate::content::collect_anchors;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap};
use crate::images;
use crate::markdown;
use crate::markdown::ast::{Inline, LinkTarget, plain_text};
use crate::model::{DocOrigin, DocStart, Site};
use crate::tracker;
use crate::vfs::{self, FileSystem};

/// Everything a link can point at, keyed by site-relative path.
struct LinkIndex {
    chapters: HashMap<String, (usize, usize)>,
    reports: HashMap<String, usize>,
    assets: HashMap<String, (usize, String)>,
    /// Files in report folders that are not published, and why.
    unpublished: HashMap<String, crate::files::Refusal>,
    /// Those of them that a link or image points at (already an error there).
    linked_unpublished: std::sync::Mutex<HashSet<String>>,
    /// Published files that a link or image points at: only these are
    /// published.
    linked_assets: std::sync::Mutex<HashSet<String>>,
    anchors: Vec<Vec<HashSet<String>>>,
    report_dirs: Vec<String>,
    report_slugs: HashMap<String, usize>,
    /// Each report's item numbers (in natural order) and its item label.
    items: Vec<(Vec<String>, String)>,
    /// Per report: some item files could not be read.
    unreadable: Vec<bool>,
    tables: Vec<Vec<std::sync::Arc<crate::data::Table>>>,
}

/// Resolves every link and image in every chapter and recommendation
/// against the whole site, reporting the ones that lead nowhere at their
/// position in the source.
pub fn resolve_links(
    fs: &dyn FileSystem,
    site: &mut Site,
    diags: &Diagnostics,
    sources: &SourceMap,
) {
    let mut index = LinkIndex {
        chapters: HashMap::new(),
        reports: HashMap::new(),
        assets: HashMap::new(),
        unpublished: HashMap::new(),
        linked_unpublished: Default::default(),
        linked_assets: Default::default(),
        anchors: Vec::new(),
        report_dirs: site.reports.iter().map(|r| r.dir.clone()).collect(),
        report_slugs: HashMap::new(),
        items: Vec::new(),
        unreadable: Vec::new(),
        tables: site.reports.iter().map(|r| r.tables.clone()).collect(),
    };
    for (ri, r) in site.reports.iter_mut().enumerate() {
        index.reports.insert(r.dir.clone(), ri);
        index.reports.insert(vfs::join(&r.dir, REPORT_FILE), ri);
        index.report_slugs.insert(r.slug.clone(), ri);
        for (ci, c) in r.chapters.iter().enumerate() {
            index.chapters.insert(c.file.clone(), (ri, ci));
        }
        for a in &r.assets {
            index.assets.insert(vfs::join(&r.dir, a), (ri, a.clone()));
        }
        for (file, why) in &r.unpublished {
            index
                .unpublished
                .insert(vfs::join(&r.dir, file), why.clone());
        }
        // Lent to the index and given back below, not copied: copying every
        // chapter's anchors was most of the time this function spent on
        // one thread while the other waited.
        index.anchors.push(
            r.chapters
                .iter_mut()
                .map(|c| std::mem::take(&mut c.anchors))
                .collect(),
        );
        index.items.push((
            r.tracker.items.iter().map(|i| i.number.clone()).collect(),
            r.tracker.label.one.clone(),
        ));
        index.unreadable.push(r.tracker.unreadable);
    }
    let lent = &index;
    site.reports
        .par_iter_mut()
        .enumerate()
        .for_each(|(ri, report)| {
            let mut problems = Vec::new();
            for (ci, chapter) in report.chapters.iter_mut().enumerate() {
                let origin = DocOrigin {
                    file: chapter.file.clone(),
                    at: DocStart::Body(chapter.body_start),
                    markdown: None,
                };
                let links = DocLinks {
                    ri,
                    origin: &origin,
                    own_anchors: &lent.anchors[ri][ci],
                    index: lent,
                    fs,
                };
                problems.extend(links.resolve(&mut chapter.doc, sources));
            }
            for item in &mut report.tracker.items {
                let mut docs = vec![(&mut item.text, &item.origin)];
                docs.extend(item.responses.iter_mut().map(|r| (&mut r.text, &r.origin)));
                for (doc, origin) in docs {
                    let own = collect_anchors(doc);
                    let links = DocLinks {
                        ri,
                        origin,
                        own_anchors: &own,
                        index: lent,
                        fs,
                    };
                    problems.extend(links.resolve(doc, sources));
                }
            }
            diags.extend(problems);
        });
    let linked = std::mem::take(
        &mut *index
            .linked_unpublished
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    warn_unpublished(site, &linked, diags);
    let linked_assets = std::mem::take(
        &mut *index
            .linked_assets
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    keep_linked_assets(site, &linked_assets, diags);
    for (r, anchors) in site.reports.iter_mut().zip(index.anchors) {
        for (c, a) in r.chapters.iter_mut().zip(anchors) {
            c.anchors = a;
        }
    }
}

/// Link resolution for one document.
struct DocLinks<'a> {
    ri: usize,
    origin: &'a DocOrigin,
    own_anchors: &'a HashSet<String>,
    index: &'a LinkIndex,
    fs: &'a dyn FileSystem,
}

impl DocLinks<'_> {
    /// How far into the link at `offset` the byte `at` of its reference
    /// is (an option after `?`), so a problem with it is shown there; 0
    /// for the link's start.
    fn within_link(
        &self,
        text: &str,
        md: &str,
        offset: usize,
        reference: &str,
        at: usize,
    ) -> usize {
        let body = match self.origin.at {
            DocStart::Body(start) => text.get(start..),
            DocStart::Value { .. } => Some(md),
        };
        body.and_then(|b| b.get(offset..))
            .and_then(|rest| rest.find(reference))
            .filter(|_| at > 0)
            .map_or(0, |start| start + at)
    }

    fn resolve(&self, doc: &mut markdown::Document, sources: &SourceMap) -> Vec<Diagnostic> {
        let file = &self.origin.file;
        let text = sources.get(file).unwrap_or_default();
        // Only a problem needs a line number; most documents have none.
        let line_index = std::cell::LazyCell::new(|| LineIndex::new(&text));
        let md = self.origin.markdown.as_deref().unwrap_or("");
        let at = |offset: usize| {
            tracker::load::span_in(self.origin.at, md, offset, Some((&text, &*line_index)))
        };
        let dir = file
            .rsplit_once('/')
            .map(|(d, _)| d)
            .unwrap_or("")
            .to_string();
        let (index, fs, own_anchors) = (self.index, self.fs, self.own_anchors);
        let mut problems = Vec::new();
        let mut visit = |inline: &mut Inline| match inline {
            // Lists and tables rapport made point where they should already.
            Inline::Link(l) if l.target != LinkTarget::Unresolved => {}
            // `[](data:budget/total/amount)` becomes the figure itself.
            Inline::Link(l) if l.dest.starts_with("data:") => {
                let markdown::ast::Link {
                    dest,
                    content,
                    offset,
                    ..
                } = &**l;
                match crate::data::expand::figure(
                    &dest[5..],
                    self.ri,
                    &index.report_slugs,
                    &index.tables,
                ) {
                    Ok(figure) => {
                        let written = plain_text(content);
                        if !written.trim().is_empty() && written.trim() != figure {
                            problems.push(
                                Diagnostic::error(
                                    "stated-mismatch",
                                    format!("the text says {} but {} is {figure}", written.trim(), &dest[5..]),
                                )
                                .at(at(*offset))
                                .with_hint("leave the brackets empty, `[](data:...)`, and rapport writes the figure"),
                            );
                        }
                        *inline = Inline::Text(figure);
                    }
                    Err(e) => {
                        let within = self.within_link(&text, md, *offset, &dest[5..], e.at);
                        problems.push(
                            Diagnostic::error(e.code, e.message)
                                .at(at(*offset + within))
                                .with_hint(e.hint),
                        );
                        *inline = Inline::Text(plain_text(content));
                    }
                }
            }
            Inline::Link(l) => {
                let markdown::ast::Link {
                    dest,
                    target,
                    offset,
                    content,
                    ..
                } = &mut **l;
                match resolve(dest, &dir, self.ri, own_anchors, index, fs, false) {
                    Ok(t) => {
                        // `[](rec:12)` shows "Recommendation 12".
                        if let LinkTarget::Item { report, item } = &t
                            && plain_text(content).trim().is_empty()
                        {
                            let (numbers, label) = &index.items[*report];
                            *content = vec![Inline::Text(format!("{label} {}", numbers[*item]))];
                        }
                        *target = t;
                    }
                    Err((KNOCK_ON, ..)) => *target = LinkTarget::External,
                    Err((code, msg, hint)) => {
                        *target = LinkTarget::External;
                        if code == "unsafe-link" {
                            dest.clear();
                            dest.push('#');
                        }
                        problems.push(Diagnostic::error(code, msg).at(at(*offset)).with_hint(hint));
                    }
                }
                if plain_text(content).trim().is_empty() && !dest.starts_with("rec:") {
                    problems.push(
                        Diagnostic::warning("empty-link", "this link has no text")
                            .at(at(*offset))
                            .with_hint("write what the link leads to between the square brackets"),
                    );
                }
            }
            Inline::Image(i) => {
                let markdown::ast::Image {
                    src,
                    alt,
                    target,
                    size,
                    offset,
                    ..
                } = &mut **i;
                if alt.trim().is_empty() {
                    problems.push(
                        Diagnostic::warning("image-alt", format!("image `{src}` has no alt text"))
                            .at(at(*offset))
                            .with_hint("describe what the image shows between the square brackets: ![A bar chart of ...](file.png)"),
                    );
                }
                match resolve(src, &dir, self.ri, own_anchors, index, fs, true)
                    .and_then(|t| only_images(src, t))
                {
                    Ok(LinkTarget::Asset { report, path }) => {
                        let file = vfs::join(&index.report_dirs[report], &path);
                        match images::check(fs, &file) {
                            Ok(s) => {
                                *size = s;
                                *target = LinkTarget::Asset { report, path };
                            }
                            // Left out of the PDF (as a web address would
                            // be), so the PDF engine never decodes it.
                            Err(refusal) => {
                                *target = LinkTarget::External;
                                problems.push(refusal.diagnostic(&file).at(at(*offset)));
                            }
                        }
                    }
                    Ok(t) => *target = t,
                    Err((code, msg, hint)) => {
                        *target = LinkTarget::External;
                        if code == "unsafe-link" {
                            src.clear();
                        }
                        problems.push(Diagnostic::error(code, msg).at(at(*offset)).with_hint(hint));
                    }
                }
            }
            _ => {}
        };
        doc.for_each_inline_mut(&mut visit);
        problems.into_iter().map(|d| d.in_file(file)).collect()
    }
}

type LinkError = (&'static str, String, String);

fn resolve(
    dest: &str,
    dir: &str,
    ri: usize,
    own_anchors: &HashSet<String>,
    index: &LinkIndex,
    fs: &dyn FileSystem,
    is_image: bool,
) -> Result<LinkTarget, LinkError> {
    let lower = dest.trim().to_ascii_lowercase();
    let scheme = lower.split_once(':').map(|(s, _)| s).filter(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if let Some(scheme) = scheme {
        return match scheme {
            "http" | "https" | "mailto" | "tel" => Ok(LinkTarget::External),
            "rec" if !is_image => resolve_item(&dest.trim()[4..], ri, index),
            "lang" if !is_image => {
                let tag = dest.trim()[5..].trim();
                if crate::config::languages::valid_tag(tag) {
                    Ok(LinkTarget::Language(tag.to_string()))
                } else {
                    Err((
                        "bad-language",
                        format!("`{tag}` is not a language tag"),
                        "mark words in another language with a BCP 47 tag: `[Senedd Cymru](lang:cy)`"
                            .into(),
                    ))
                }
            }
            _ => Err((
                "unsafe-link",
                format!("links with `{scheme}:` are not allowed"),
                "use an https:// address, or a path to a file in the site".into(),
            )),
        };
    }
    if dest.starts_with("//") {
        return Ok(LinkTarget::External);
    }
    if dest.starts_with('/') {
        return Err((
            "absolute-link",
            format!("`{dest}` starts with `/`, which breaks when the site is published under a sub-path"),
            "link to the Markdown file instead, e.g. `03-funding.md` or `../other-report/01-intro.md`".into(),
        ));
    }
    if dest.is_empty() {
        return Err((
            "broken-link",
            "the link has no address".into(),
            "put the address between the round brackets".into(),
        ));
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    if path.is_empty() {
        let frag = fragment.unwrap_or_default();
        return if own_anchors.contains(&frag) {
            Ok(LinkTarget::Fragment(frag))
        } else {
            Err((
                "broken-link",
                format!("there is no heading `#{frag}` in this chapter"),
                suggest(&frag, own_anchors.iter()),
            ))
        };
    }
    // A stray `%` is kept as typed (`100%.pdf`); escapes that are not text
    // leave the address as written.
    let path = crate::url::percent_decode(path).map_or(Cow::Borrowed(path), |d| d.text);
    let Some(resolved) = vfs::resolve_relative(dir, &path) else {
        return Err((
            "outside-site",
            format!("`{dest}` points outside the site folder"),
            "only files inside the site folder can be linked".into(),
        ));
    };
    // Chapters, reports and the files published with them are all in
    // content/; anything else in the site folder (site.yaml, .git/, the
    // theme) is not for linking, and is not looked at.
    if !resolved.starts_with(&format!("{CONTENT_DIR}/")) {
        return Err((
            "outside-site",
            format!("`{dest}` points outside the content folder"),
            "only files in content/ can be linked or shown; to offer a document, put it in the report's folder and link to it there".into(),
        ));
    }
    if let Some(&(r, c)) = index.chapters.get(&resolved) {
        if let Some(f) = &fragment
            && !index.anchors[r][c].contains(f)
        {
            return Err((
                "broken-link",
                format!("`{resolved}` has no heading `#{f}`"),
                suggest(f, index.anchors[r][c].iter()),
            ));
        }
        return Ok(LinkTarget::Chapter {
            report: r,
            chapter: c,
            fragment,
        });
    }
    if let Some(&r) = index.reports.get(resolved.trim_end_matches('/')) {
        return Ok(LinkTarget::Report { report: r });
    }
    if let Some((r, p)) = index.assets.get(&resolved) {
        index
            .linked_assets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(resolved.clone());
        return Ok(LinkTarget::Asset {
            report: *r,
            path: p.clone(),
        });
    }
    if let Some(why) = index.unpublished.get(&resolved) {
        index
            .linked_unpublished
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(resolved.clone());
        return Err(unsafe_file(dest, &resolved, why));
    }
    if resolved.ends_with(".md") {
        let hint = if fs.is_file(&resolved) {
            "that chapter is a draft or failed to load; fix it, or build with --drafts".to_string()
        } else {
            "check the file name; links to chapters use the .md file's path relative to this chapter".to_string()
        };
        return Err(("broken-link", format!("no chapter `{resolved}`"), hint));
    }
    let what = if is_image { "image" } else { "file" };
    Err((
        "broken-link",
        format!("{what} `{resolved}` not found"),
        "put the file in the report's folder and give its path relative to this chapter".into(),
    ))
}

/// An image must be a picture: a page or a document in `<img>` shows as a
/// broken image.
fn only_images(src: &str, target: LinkTarget) -> Result<LinkTarget, LinkError> {
    let picture = match &target {
        LinkTarget::External => true,
        LinkTarget::Asset { path, .. } => {
            crate::files::kind_of(path) == Ok(crate::files::Kind::Image)
        }
        _ => false,
    };
    if picture {
        return Ok(target);
    }
    Err((
        "not-an-image",
        format!("`{src}` is not an image"),
        format!(
            "images can be {} files; to offer a document, link to it instead: [Title]({src})",
            crate::files::IMAGES.join(", ")
        ),
    ))
}

/// A link or image pointing at a file that is not published.
fn unsafe_file(dest: &str, resolved: &str, why: &crate::files::Refusal) -> LinkError {
    let inside = match why.at {
        Some((line, column)) => format!(" (line {line}, column {column} of `{resolved}`)"),
        None => String::new(),
    };
    (
        "unsafe-file",
        format!("`{dest}` is not published: {}{inside}", why.reason),
        why.hint.clone(),
    )
}

/// Files that are not published and that nothing links to: a warning at
/// the file, since a reader following an address to it finds nothing.
fn warn_unpublished(site: &Site, linked: &HashSet<String>, diags: &Diagnostics) {
    for r in &site.reports {
        for (file, why) in &r.unpublished {
            let path = vfs::join(&r.dir, file);
            if linked.contains(&path) {
                continue;
            }
            let name = file.rsplit('/').next().unwrap_or(file);
            let (reason, hint) = match stray(name) {
                Some((what, hint)) => (what.to_string(), hint),
                None => (why.reason.clone(), why.hint.clone()),
            };
            let mut d = Diagnostic::warning(
                "unpublished-file",
                format!("`{file}` is not published: {reason}"),
            )
            .in_file(&path)
            .with_hint(hint);
            if let Some((line, column)) = why.at {
                d = d.at_line(line, column);
            }
            diags.push(d);
        }
    }
}

/// Publishes only the files of a report folder that something links to or
/// shows: a folder also collects notes, drafts, a copy of a chapter, and
/// the lock files Word and Excel leave beside an open document, none of
/// which a reader should find on the web. Each left out gets a warning
/// saying what it looks like.
fn keep_linked_assets(site: &mut Site, linked: &HashSet<String>, diags: &Diagnostics) {
    for r in &mut site.reports {
        let dir = r.dir.clone();
        r.assets.retain(|a| {
            let path = vfs::join(&dir, a);
            if linked.contains(&path) {
                return true;
            }
            let name = a.rsplit('/').next().unwrap_or(a);
            let (what, hint) = stray(name).unwrap_or_else(|| {
                (
                    "no chapter, item or table links to it",
                    format!(
                        "link to it from a chapter to publish it (`[Title]({name})`), or move it out of the report folder"
                    ),
                )
            });
            diags.push(
                Diagnostic::warning("unlinked-file", format!("`{a}` is not published: {what}"))
                    .in_file(path)
                    .with_hint(hint),
            );
            false
        });
    }
}

/// What a file's name says it is when it is a stray (a lock file, a
/// backup, a copy), and what to do with it.
fn stray(name: &str) -> Option<(&'static str, String)> {
    let lower = name.to_lowercase();
    Some(if lower.starts_with("~$") || lower.starts_with(".~lock.") {
        (
            "it is a lock file, which Word, Excel or LibreOffice leaves beside a document while it is open",
            "close the document, or delete the file: it never belongs in a report folder".into(),
        )
    } else if lower.ends_with('~')
        || [".bak", ".swp", ".tmp", ".orig"]
            .iter()
            .any(|e| lower.ends_with(e))
    {
        (
            "it looks like a backup an editor made",
            "delete it, or move it out of the report folder".into(),
        )
    } else if lower.starts_with("copy of ") || lower.contains(" - copy") || lower.contains(" (1).")
    {
        (
            "it looks like a copy of another file",
            "delete the copy, or link to it from a chapter if it should be published".into(),
        )
    } else {
        return None;
    })
}

/// The code of a link that fails only because of an error already
/// reported (its report's item files could not be read): not reported.
const KNOCK_ON: &str = "knock-on";

/// `rec:12` (this report) or `rec:other-report/12`.
fn resolve_item(reference: &str, ri: usize, index: &LinkIndex) -> Result<LinkTarget, LinkError> {
    let (report, number) = match reference.rsplit_once('/') {
        Some((slug, n)) => match index.report_slugs.get(slug.trim_matches('/')) {
            Some(&r) => (r, n),
            None => {
                return Err((
                    "broken-link",
                    format!("there is no report `{slug}` for `rec:{reference}`"),
                    "write rec:<number> for this report, or rec:<report folder>/<number>".into(),
                ));
            }
        },
        None => (ri, reference),
    };
    let (numbers, label) = &index.items[report];
    match numbers
        .iter()
        .position(|n| tracker::same_number(n, number.trim()))
    {
        Some(item) => Ok(LinkTarget::Item { report, item }),
        None if index.unreadable[report] => Err((KNOCK_ON, String::new(), String::new())),
        None => Err((
            "broken-link",
            format!("there is no {} {}", label.to_lowercase(), number.trim()),
            if numbers.is_empty() {
                "that report has no recommendations".to_string()
            } else {
                format!(
                    "the numbers run from {} to {}",
                    numbers[0],
                    numbers[numbers.len() - 1]
                )
            },
        )),
    }
}

fn suggest<'a>(wanted: &str, options: impl Iterator<Item = &'a String>) -> String {
    let best = options
        .map(|o| (strsim::jaro_winkler(wanted, o), o))
        .filter(|(s, _)| *s > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)));
    match best {
        Some((_, o)) => format!("did you mean `#{o}`?"),
        None => {
            "headings get their address from their text: `## Funding levels` is `#funding-levels`"
                .into()
        }
    }
}
