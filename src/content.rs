//! Loading a site folder into the [`Site`] model.
//!
//! Phases, in order: read `site.yaml`; find the report folders; load each
//! report (its `report.yaml` and chapters, in parallel); resolve links and
//! images across the whole site. Reports' recommendations are loaded with
//! them and joined up across the site by [`crate::tracker`] before links are
//! resolved, so that links to recommendations are checked like any other. Every problem is pushed to the
//! [`Diagnostics`] sink with its real position, and loading carries on so
//! that one run reports everything.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Deserialize;

use crate::config;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap};
use crate::images;
use crate::markdown::ast::{Block, Inline, LinkTarget, plain_text};
use crate::markdown::{self, ParseOptions};
use crate::model::{
    Chapter, DocOrigin, DocStart, ItemLabel, Report, ReportKind, ReportMeta, Site, Tracker,
};
use crate::parse_cache::{self, Parse};
use crate::tracker;
use crate::vfs::{self, FileSystem};
use crate::yaml::{self, Spanned};

pub use crate::config::{CONTENT_DIR, REPORT_FILE};
pub use crate::parse_cache::{LoadOptions, walk};

pub fn load_site(
    fs: &dyn FileSystem,
    opts: &LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Option<Site> {
    let config = config::load(fs, diags, sources)?;

    let mut report_dirs = Vec::new();
    match fs.list(CONTENT_DIR) {
        Ok(entries) => {
            for (name, is_dir) in entries {
                if name.starts_with('.') {
                    continue;
                }
                let dir = vfs::join(CONTENT_DIR, &name);
                if !is_dir {
                    diags.push(
                        Diagnostic::warning(
                            "stray-file",
                            format!("`{dir}` is not inside a report folder and is ignored"),
                        )
                        .in_file(dir)
                        .with_hint("move it into a report folder under content/"),
                    );
                    continue;
                }
                let report_file = vfs::join(&dir, REPORT_FILE);
                if !fs.is_file(&report_file) {
                    diags.push(
                        Diagnostic::error("no-report-file", format!("`{dir}` has no {REPORT_FILE}"))
                            .in_file(dir)
                            .with_hint("every folder under content/ is a report and needs a report.yaml with at least `title:` and `published:`"),
                    );
                    continue;
                }
                if crate::addresses::taken_by_site(&name) {
                    diags.push(reserved_report(&name, &report_file));
                }
                report_dirs.push((name, dir));
            }
        }
        Err(_) => diags.push(
            Diagnostic::warning(
                "no-content",
                "this site has no content/ folder, so no reports",
            )
            .in_file(CONTENT_DIR)
            .with_hint("create content/<report-name>/report.yaml, or start from `rapport init`"),
        ),
    }

    let mut reports: Vec<Report> = report_dirs
        .par_iter()
        .filter_map(|(slug, dir)| load_report(fs, slug, dir, &config, opts, diags, sources))
        .collect();
    reports.sort_by(|a, b| {
        b.meta
            .published
            .cmp(&a.meta.published)
            .then_with(|| a.slug.cmp(&b.slug))
    });

    if config.git_dates
        && let Some(root) = fs
            .disk_path(config::CONFIG_FILE)
            .and_then(|p| p.parent().map(|p| p.to_path_buf()))
        && let Some(dates) = crate::gitdates::last_changed(&root)
    {
        for r in &mut reports {
            for c in &mut r.chapters {
                if let Some(d) = dates.get(&c.file) {
                    c.updated = Some(*d);
                }
            }
        }
    }
    let mut site = Site { config, reports };
    tracker::link_related(&mut site, diags);
    tracker::expand_components(&mut site, diags, sources);
    crate::data::expand::expand(&mut site, diags, sources);
    resolve_links(fs, &mut site, diags, sources);
    Some(site)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    title: String,
    subtitle: Option<String>,
    kind: Option<Spanned<String>>,
    period: Option<String>,
    published: Spanned<String>,
    #[serde(default)]
    draft: bool,
    owner: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    summary: Option<String>,
    #[serde(default)]
    numbered: bool,
    /// What this report calls its tracked items ("Action", "Decision").
    item_label: Option<String>,
    items_label: Option<String>,
    #[serde(default)]
    corrections: Vec<RawCorrection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    date: Spanned<String>,
    /// The chapter's file name (`02-paper.md`) or address (`paper`).
    chapter: Option<Spanned<String>>,
    what: String,
    why: Option<String>,
}

impl RawReport {
    fn placeholder(slug: &str) -> Self {
        let at = serde_saphyr::Location::UNKNOWN;
        RawReport {
            title: slug.to_string(),
            subtitle: None,
            kind: None,
            period: None,
            published: Spanned::new("1970-01-01".into(), at, at),
            draft: false,
            owner: None,
            authors: Vec::new(),
            summary: None,
            numbered: false,
            item_label: None,
            items_label: None,
            corrections: Vec::new(),
        }
    }
}

fn load_report(
    fs: &dyn FileSystem,
    slug: &str,
    dir: &str,
    config: &config::SiteConfig,
    opts: &LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Option<Report> {
    let file = vfs::join(dir, REPORT_FILE);
    if !valid_slug(slug) {
        diags.push(
            Diagnostic::error(
                "bad-slug",
                format!("the folder name `{slug}` cannot be a web address"),
            )
            .in_file(&file)
            .with_hint(format!(
                "rename the folder using lower-case letters, digits and hyphens, e.g. `{}`",
                slug::slugify(slug)
            )),
        );
    }
    let text = crate::sources::read(sources, fs, &file, diags)?;
    // A broken report.yaml is reported, and its chapters are still loaded
    // so that their problems show up in the same run.
    let raw: RawReport = yaml::parse(&file, &text, 0).unwrap_or_else(|d| {
        diags.push(d);
        RawReport::placeholder(slug)
    });
    if raw.draft && !opts.drafts {
        return None;
    }
    let kind = match &raw.kind {
        None => ReportKind::Other,
        Some(k) => ReportKind::parse(&k.value).unwrap_or_else(|| {
            diags.push(
                Diagnostic::error(
                    "bad-kind",
                    format!("`{}` is not a kind of report rapport knows", k.value),
                )
                .in_file(&file)
                .at(yaml::span_of(k, 0))
                .with_hint(format!(
                    "use one of: {}",
                    ReportKind::ALL
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            ReportKind::Other
        }),
    };
    let published = parse_date(&raw.published, &file, 0, diags).unwrap_or_default();
    let meta = ReportMeta {
        title: raw.title,
        subtitle: raw.subtitle,
        kind,
        period: raw.period,
        published,
        draft: raw.draft,
        owner: raw.owner,
        authors: raw.authors,
        summary: raw.summary,
    };

    let mut chapters = Vec::new();
    let mut assets = Vec::new();
    let mut unpublished = Vec::new();
    let mut table_files = Vec::new();
    for path in walk(fs, opts, dir).iter() {
        let rel = &path[dir.len() + 1..];
        if vfs::is_hidden(rel) || rel == REPORT_FILE || tracker::load::is_source(rel) {
            continue;
        }
        // Data files are published as computed tables, not as uploaded.
        if let Some(name) = rel.strip_prefix("data/") {
            if name.ends_with(".yaml") && !name.contains('/') {
                table_files.push(path.clone());
            }
            continue;
        }
        if rel.ends_with(".md") && !rel.contains('/') {
            chapters.push(path.clone());
        } else {
            match crate::files::check(fs, path) {
                Ok(_) => assets.push(rel.to_string()),
                Err(why) => unpublished.push((rel.to_string(), why)),
            }
        }
    }
    let mut chapters: Vec<Chapter> = chapters
        .par_iter()
        .filter_map(|path| load_chapter_cached(fs, path, raw.numbered, opts, diags, sources))
        .collect();
    // A published report whose chapters are partly drafts is published
    // without them: say so, since it is easy to forget a `draft: true`.
    for c in chapters.iter().filter(|c| c.draft && !raw.draft) {
        diags.push(
            Diagnostic::warning(
                "draft-content",
                format!(
                    "chapter `{}` is a draft{}",
                    c.title,
                    if opts.drafts {
                        "; this published report includes it only because of --drafts"
                    } else {
                        " and is left out of this published report"
                    }
                ),
            )
            .in_file(&c.file)
            .at_line(1, 1)
            .with_hint("remove `draft: true` from its front matter when it is ready"),
        );
    }
    chapters.retain(|c| opts.drafts || !c.draft);
    chapters.sort_by(|a, b| {
        let key = |c: &Chapter| (c.order.unwrap_or(i64::MAX), c.file.clone());
        key(a).cmp(&key(b))
    });
    if chapters.is_empty() {
        diags.push(
            Diagnostic::error("no-chapters", format!("report `{slug}` has no chapters"))
                .in_file(&file)
                .with_hint(
                    "add at least one Markdown file (e.g. 01-introduction.md) beside report.yaml",
                ),
        );
    }
    let mut corrections = Vec::new();
    for c in &raw.corrections {
        let Some(date) = parse_date(&c.date, &file, 0, diags) else {
            continue;
        };
        let chapter = match &c.chapter {
            None => None,
            Some(name) => {
                let wanted = name.value.trim();
                let found = chapters
                    .iter()
                    .position(|ch| ch.slug == wanted || ch.file.rsplit('/').next() == Some(wanted));
                if found.is_none() {
                    diags.push(
                        Diagnostic::error(
                            "broken-reference",
                            format!("this correction names chapter `{wanted}`, which this report does not have"),
                        )
                        .in_file(&file)
                        .at(yaml::span_of(name, 0))
                        .with_hint(format!(
                            "give the chapter's file name; the chapters are: {}",
                            chapters
                                .iter()
                                .map(|ch| ch.file.rsplit('/').next().unwrap_or(""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                }
                found
            }
        };
        corrections.push(crate::model::Correction {
            date,
            chapter,
            what: c.what.trim().to_string(),
            why: c.why.as_ref().map(|w| w.trim().to_string()),
        });
    }
    corrections.sort_by_key(|c| c.date);
    let label = item_label(raw.item_label, raw.items_label);
    let mut items = tracker::load::load(fs, dir, &config.statuses, opts, diags, sources);
    tracker::finish(&mut items, &label, diags);
    check_chapter_slugs(&chapters, &assets, &label.dir, diags);
    check_asset_names(slug, dir, &assets, diags);
    Some(Report {
        slug: slug.to_string(),
        dir: dir.to_string(),
        meta,
        chapters,
        assets,
        unpublished,
        tracker: Tracker { label, items },
        tables: load_tables(fs, &table_files, diags, sources),
        corrections,
    })
}

fn load_tables(
    fs: &dyn FileSystem,
    files: &[String],
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Vec<std::sync::Arc<crate::data::Table>> {
    files
        .iter()
        .filter_map(|path| {
            let text = crate::sources::read(sources, fs, path, diags)?;
            crate::data::compute::load_table(fs, path, &text, diags, sources)
        })
        .map(std::sync::Arc::new)
        .collect()
}

/// "Action" gives "Actions" and the folder `actions/`.
fn item_label(one: Option<String>, many: Option<String>) -> ItemLabel {
    let Some(one) = one.filter(|s| !s.trim().is_empty()) else {
        return ItemLabel::default();
    };
    let one = one.trim().to_string();
    let many = many
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| format!("{one}s"));
    let dir = slug::slugify(&many);
    ItemLabel { one, many, dir }
}

/// A report folder whose name is one of the site's own addresses: its pages
/// and the site's would be written to the same place, and one would be lost.
fn reserved_report(name: &str, report_file: &str) -> Diagnostic {
    Diagnostic::error(
        "reserved-slug",
        format!(
            "the report folder `{name}` has the address of a page or folder rapport makes for the whole site"
        ),
    )
    .in_file(report_file)
    .at_line(1, 1)
    .with_hint(format!(
        "rename the folder, e.g. `{name}-report`; these names are taken: {}",
        crate::addresses::SITE_TOP
            .iter()
            .filter(|n| !n.contains('.'))
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// A file beside the chapters published where rapport writes one of the
/// report's own files (its PDF edition, its open data), which it would
/// silently replace.
fn check_asset_names(slug: &str, dir: &str, assets: &[String], diags: &Diagnostics) {
    let pdf = crate::addresses::pdf_file(slug);
    for a in assets {
        if a.eq_ignore_ascii_case(&pdf) || crate::addresses::taken_in_report(a) {
            diags.push(
                Diagnostic::error(
                    "reserved-slug",
                    format!("`{a}` has the address of a file rapport makes for this report"),
                )
                .in_file(vfs::join(dir, a))
                .with_hint(format!(
                    "rename the file, e.g. `{slug}-original.pdf`; rapport writes the report's PDF edition as `{pdf}` and its recommendations as `recommendations.csv` and `.json`"
                )),
            );
        }
    }
}

fn check_chapter_slugs(
    chapters: &[Chapter],
    assets: &[String],
    tracker_dir: &str,
    diags: &Diagnostics,
) {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let asset_tops: HashSet<&str> = assets.iter().filter_map(|a| a.split('/').next()).collect();
    for c in chapters {
        if let Some(other) = seen.insert(&c.slug, &c.file) {
            diags.push(
                Diagnostic::error(
                    "duplicate-slug",
                    format!("chapter address `{}` is also used by {other}", c.slug),
                )
                .in_file(&c.file)
                .at_line(1, 1)
                .with_hint(
                    "give one of them a different `slug:` in its front matter, or rename the file",
                ),
            );
        }
        if crate::addresses::taken_in_report(&c.slug)
            || c.slug == tracker_dir
            || asset_tops.contains(c.slug.as_str())
        {
            diags.push(
                Diagnostic::error(
                    "reserved-slug",
                    format!(
                        "chapter address `{}` is taken by a page or file rapport publishes",
                        c.slug
                    ),
                )
                .in_file(&c.file)
                .at_line(1, 1)
                .with_hint("set a different `slug:` in the front matter"),
            );
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChapter {
    title: String,
    order: Option<i64>,
    summary: Option<String>,
    number: Option<Spanned<NumberValue>>,
    numbered: Option<bool>,
    first_section: Option<u32>,
    #[serde(default)]
    draft: bool,
    slug: Option<Spanned<String>>,
    /// When the chapter last changed, for sites outside git.
    updated: Option<Spanned<String>>,
}

/// A chapter number may be written `3` or `"3"` or `"3A"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum NumberValue {
    Int(i64),
    Text(String),
}

/// The largest chapter file: 1 MiB, about 150,000 words or 500 printed
/// pages, far beyond any real chapter. Typesetting a chapter needs some
/// hundreds of times its size in memory (docs/hardening.md), so a longer
/// one is refused unread with a clear error, rather than exhausting the
/// machine in the PDF engine; split, its parts share the report's PDF
/// budget (`pdf::MAX_PDF_MEMORY`).
pub const MAX_CHAPTER_BYTES: u64 = 1024 * 1024;

/// [`load_chapter`], through the serve cache when there is one. A chapter
/// over [`MAX_CHAPTER_BYTES`] is refused unread.
fn load_chapter_cached(
    fs: &dyn FileSystem,
    path: &str,
    report_numbered: bool,
    opts: &LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Option<Chapter> {
    if let Some(len) = vfs::file_len(fs, path)
        && len > MAX_CHAPTER_BYTES
    {
        diags.push(chapter_too_large(path, len));
        return None;
    }
    parse_cache::load(
        opts.cache.as_deref(),
        Parse {
            fs,
            path,
            key: parse_cache::key_of(&report_numbered),
            diags,
            sources,
            parse: &|text, diags| load_chapter(path, text, report_numbered, diags),
        },
    )
}

fn chapter_too_large(path: &str, len: u64) -> Diagnostic {
    let mb = |n: u64| n as f64 / (1024.0 * 1024.0);
    let bytes = |n: u64| crate::data::format::grouped(rust_decimal::Decimal::from(n), 0);
    Diagnostic::error(
        "chapter-too-large",
        format!(
            "this chapter is {} bytes ({:.1} MB) of text; the limit is {} bytes ({:.0} MB)",
            bytes(len),
            mb(len),
            bytes(MAX_CHAPTER_BYTES),
            mb(MAX_CHAPTER_BYTES)
        ),
    )
    .in_file(path)
    .at_line(1, 1)
    .with_hint(format!(
        "split it into {} or more chapters, one file each (a chapter this long is hundreds of printed pages)",
        len.div_ceil(MAX_CHAPTER_BYTES)
    ))
}

fn load_chapter(
    path: &str,
    text: &str,
    report_numbered: bool,
    diags: &Diagnostics,
) -> Option<Chapter> {
    let Some((front, yaml_line_offset, body_start)) = yaml::split_front_matter(text) else {
        diags.push(
            Diagnostic::error("no-front-matter", "this chapter has no front matter")
                .in_file(path)
                .at_line(1, 1)
                .with_hint(
                    "start the file with a `---` line, a `title: ...` line and another `---` line",
                ),
        );
        return None;
    };
    let raw: RawChapter = match yaml::parse(path, front, yaml_line_offset) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let file_stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_end_matches(".md");
    let slug = match &raw.slug {
        Some(s) => {
            if !valid_slug(&s.value) {
                diags.push(
                    Diagnostic::error("bad-slug", format!("`{}` cannot be a web address", s.value))
                        .in_file(path)
                        .at(yaml::span_of(s, yaml_line_offset))
                        .with_hint("use lower-case letters, digits and hyphens"),
                );
            }
            s.value.clone()
        }
        None => slug_from_file_name(file_stem),
    };
    let number = raw.number.as_ref().map(|n| match &n.value {
        NumberValue::Int(i) => i.to_string(),
        NumberValue::Text(t) => t.clone(),
    });
    let opts = ParseOptions {
        numbered: raw.numbered.unwrap_or(report_numbered),
        chapter_number: number.clone(),
        first_section: raw.first_section.unwrap_or(1),
    };
    let body = &text[body_start..];
    let (doc, problems) = markdown::parse(body, &opts);
    // Lines are counted only for a chapter with something to report.
    let index = std::cell::LazyCell::new(|| LineIndex::new(text));
    for p in problems {
        let span = index.span(text, body_start + p.offset..body_start + p.offset);
        let d = Diagnostic {
            severity: p.severity,
            class: crate::diagnostics::Class::Content,
            code: p.code,
            message: p.message,
            file: Some(path.to_string()),
            span: Some(span),
            hint: Some(p.hint),
        };
        diags.push(d);
    }
    let anchors = collect_anchors(&doc);
    Some(Chapter {
        slug,
        file: path.to_string(),
        title: raw.title,
        order: raw.order,
        summary: raw.summary,
        number,
        draft: raw.draft,
        doc,
        anchors,
        body_start,
        updated: raw
            .updated
            .as_ref()
            .and_then(|u| parse_date(u, path, yaml_line_offset, diags)),
    })
}

/// `01-foreword` -> `foreword`; `3_funding` -> `funding`.
fn slug_from_file_name(stem: &str) -> String {
    let trimmed = stem.trim_start_matches(|c: char| c.is_ascii_digit());
    let trimmed = if trimmed.len() < stem.len() {
        trimmed.trim_start_matches(['-', '_', '.', ' '])
    } else {
        stem
    };
    let s = slug::slugify(if trimmed.is_empty() { stem } else { trimmed });
    if s.is_empty() { "chapter".into() } else { s }
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn parse_date(
    s: &Spanned<String>,
    file: &str,
    line_offset: u32,
    diags: &Diagnostics,
) -> Option<jiff::civil::Date> {
    match s.value.trim().parse::<jiff::civil::Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            diags.push(
                Diagnostic::error("bad-date", format!("`{}` is not a date", s.value))
                    .in_file(file)
                    .at(yaml::span_of(s, line_offset))
                    .with_hint("write dates as YYYY-MM-DD, e.g. 2023-12-06"),
            );
            None
        }
    }
}

fn collect_anchors(doc: &markdown::Document) -> HashSet<String> {
    let mut set = HashSet::new();
    doc.walk_blocks(&mut |b| match b {
        Block::Heading { id, .. } => {
            set.insert(id.clone());
        }
        Block::Paragraph {
            number: Some(n), ..
        } => {
            set.insert(format!("para-{}", n.replace('.', "-")));
        }
        Block::Component(c) if !c.id.is_empty() => {
            set.insert(c.id.clone());
        }
        _ => {}
    });
    for n in &doc.footnotes {
        set.insert(format!("fn-{}", n.number));
    }
    if !doc.footnotes.is_empty() {
        set.insert("footnotes".into());
    }
    set
}

/// Everything a link can point at, keyed by site-relative path.
struct LinkIndex {
    chapters: HashMap<String, (usize, usize)>,
    reports: HashMap<String, usize>,
    assets: HashMap<String, (usize, String)>,
    /// Files in report folders that are not published, and why.
    unpublished: HashMap<String, crate::files::Refusal>,
    /// Those of them that a link or image points at (already an error there).
    linked_unpublished: std::sync::Mutex<HashSet<String>>,
    anchors: Vec<Vec<HashSet<String>>>,
    report_dirs: Vec<String>,
    report_slugs: HashMap<String, usize>,
    /// Each report's item numbers (in natural order) and its item label.
    items: Vec<(Vec<String>, String)>,
    tables: Vec<Vec<std::sync::Arc<crate::data::Table>>>,
}

/// Resolves every link and image in every chapter and recommendation
/// against the whole site, reporting the ones that lead nowhere at their
/// position in the source.
fn resolve_links(fs: &dyn FileSystem, site: &mut Site, diags: &Diagnostics, sources: &SourceMap) {
    let mut index = LinkIndex {
        chapters: HashMap::new(),
        reports: HashMap::new(),
        assets: HashMap::new(),
        unpublished: HashMap::new(),
        linked_unpublished: Default::default(),
        anchors: Vec::new(),
        report_dirs: site.reports.iter().map(|r| r.dir.clone()).collect(),
        report_slugs: HashMap::new(),
        items: Vec::new(),
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
                    Err((msg, hint)) => {
                        problems.push(
                            Diagnostic::error("broken-link", msg)
                                .at(at(*offset))
                                .with_hint(hint),
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
            let mut d = Diagnostic::warning(
                "unpublished-file",
                format!("`{file}` is not published: {}", why.reason),
            )
            .in_file(&path)
            .with_hint(why.hint.clone());
            if let Some((line, column)) = why.at {
                d = d.at_line(line, column);
            }
            diags.push(d);
        }
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_ordering_prefixes() {
        assert_eq!(slug_from_file_name("01-foreword"), "foreword");
        assert_eq!(slug_from_file_name("3_funding-levels"), "funding-levels");
        assert_eq!(slug_from_file_name("2023"), "2023");
    }
}
