//! Loading a site folder into the [`Site`] model.
//!
//! Phases, in order: read `site.yaml`; find the report folders; load each
//! report (its `report.yaml` and chapters, in parallel); resolve links and
//! images across the whole site. Reports' recommendations are loaded with
//! them and joined up across the site by [`crate::tracker`] before links are
//! resolved, so that links to recommendations are checked like any other. Every problem is pushed to the
//! [`Diagnostics`] sink with its real position, and loading carries on so
//! that one run reports everything.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Deserialize;

use crate::config;
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap};
use crate::markdown::ast::Block;
use crate::markdown::{self, ParseOptions};
use crate::model::{Chapter, ItemLabel, Report, ReportKind, ReportMeta, Site, Tracker};
use crate::parse_cache::{self, Parse};
use crate::tracker;
use crate::vfs::{self, FileSystem};
use crate::yaml::{self, Spanned};

pub use crate::config::{CONTENT_DIR, REPORT_FILE};
pub use crate::parse_cache::{LoadOptions, walk};

/// Loads the site as its files say: settings, reports, chapters, items and
/// tables, each checked on its own. Nothing is resolved against anything
/// else here; the passes in [`crate::build::PASSES`] do that.
pub fn load_site(
    fs: &dyn FileSystem,
    opts: &LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Option<Site> {
    let config = config::load(fs, diags, sources)?;
    Some(load_reports(fs, config, opts, diags, sources))
}

/// Loads every report of the site whose settings are `config` (in one of
/// its languages, when `fs` is a [`crate::translation::TranslatedFs`]).
pub fn load_reports(
    fs: &dyn FileSystem,
    config: config::SiteConfig,
    opts: &LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Site {
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
    for r in &mut reports {
        let (shown, published) = (r.meta.last_updated, r.meta.published);
        for c in &mut r.chapters {
            c.updated = c.updated.filter(|d| shown && *d > published);
        }
    }
    Site { config, reports }
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
    /// `false` leaves "Last updated" off every chapter (an archived paper).
    last_updated: Option<bool>,
    /// How deep the PDF's contents go: 1 chapters, 2 sections (default), 3.
    contents_depth: Option<Spanned<u8>>,
    /// A partner's report on this site: its own publisher.
    publisher: Option<crate::config::publisher::RawPublisher>,
    /// Its publisher's colours.
    branding: Option<config::RawReportBranding>,
    /// Its items' statuses: `decisions`, or a list as in site.yaml.
    statuses: Option<RawStatuses>,
    /// A picture for the cover.
    cover: Option<RawCover>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCover {
    image: Spanned<String>,
    alt: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawStatuses {
    Named(String),
    List(Vec<Spanned<crate::status::RawStatus>>),
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
            last_updated: None,
            contents_depth: None,
            publisher: None,
            branding: None,
            statuses: None,
            cover: None,
        }
    }
}

/// The line (from 1) where a top-level key of a YAML file is written, for
/// a problem in a value whose own position the parser could not keep.
fn key_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        })
        .map_or(1, |i| i as u32 + 1)
}

/// `cover:`, when its picture is an image in `static/` (so it is published
/// as it is, beside the logos) and it says what the picture shows.
fn cover_image(
    fs: &dyn FileSystem,
    raw: RawCover,
    line: u32,
    file: &str,
    diags: &Diagnostics,
) -> Option<crate::model::CoverImage> {
    let problem = if let Some(d) =
        config::image_problem(fs, &raw.image, "cover picture", "static/cover.jpg")
    {
        Some(d)
    } else if !raw.image.value.starts_with("static/") {
        Some(
            Diagnostic::error(
                "cover-not-static",
                format!("the cover picture `{}` is not in static/", raw.image.value),
            )
            .at(crate::yaml::span_of(&raw.image, 0))
            .with_hint("move it into the site's static/ folder (static/cover.jpg), which is published as it is, and give that path"),
        )
    } else if raw.alt.is_none() {
        Some(
            Diagnostic::error("image-alt", "the cover picture has no `alt` text")
                .at_line(line.max(1), 1)
                .with_hint("under `cover:`, add `alt:` saying what the picture shows, or `alt: \"\"` if it is only decoration"),
        )
    } else {
        None
    };
    if let Some(d) = problem {
        diags.push(d.in_file(file));
        return None;
    }
    Some(crate::model::CoverImage {
        image: raw.image.value,
        alt: raw.alt.unwrap_or_default().trim().to_string(),
    })
}

/// `contents_depth:`, from 1 (chapters only) to 3; 2 when not given.
fn contents_depth(raw: Option<&Spanned<u8>>, file: &str, diags: &Diagnostics) -> u8 {
    match raw {
        None => 2,
        Some(d) if (1..=3).contains(&d.value) => d.value,
        Some(d) => {
            diags.push(
                Diagnostic::error(
                    "bad-contents-depth",
                    format!("`contents_depth: {}` is not 1, 2 or 3", d.value),
                )
                .in_file(file)
                .at(yaml::span_of(d, 0))
                .with_hint("write 1 to list chapters only, 2 for chapters and their sections, 3 for one level more"),
            );
            2
        }
    }
}

/// What the report's items' statuses may be.
fn report_statuses(
    (raw, line): (Option<RawStatuses>, u32),
    label: &ItemLabel,
    config: &config::SiteConfig,
    file: &str,
    diags: &Diagnostics,
) -> crate::status::Vocabulary {
    match raw {
        Some(RawStatuses::List(list)) => {
            config::statuses(
                Some(list),
                &config.strings,
                &mut config::Problems::in_file(diags, file),
            )
        }
        Some(RawStatuses::Named(name)) => crate::status::Vocabulary::named(&name, &config.strings)
            .unwrap_or_else(|| {
                diags.push(
                    Diagnostic::error(
                        "unknown-statuses",
                        format!("there is no built-in list of statuses called `{name}`"),
                    )
                    .in_file(file)
                    .at_line(line, "statuses: ".len() as u32 + 1)
                    .with_hint("write `statuses: decisions` for a board's decisions, or list the statuses as in site.yaml"),
                );
                config.statuses.clone()
            }),
        // A board's decisions are agreed or deferred, not implemented.
        None if crate::status::normalise(&label.one) == "decision" => {
            crate::status::Vocabulary::decisions(&config.strings)
        }
        None => config.statuses.clone(),
    }
}

/// The report's publisher and colours: its own over the site's.
fn brand(
    fs: &dyn FileSystem,
    (publisher, line): (Option<crate::config::publisher::RawPublisher>, u32),
    branding: Option<config::RawReportBranding>,
    config: &config::SiteConfig,
    file: &str,
    diags: &Diagnostics,
) -> (crate::config::publisher::Publisher, config::Colours) {
    let mut p = config::Problems::in_file(diags, file);
    let colours = match branding {
        Some(b) => config::report_colours(b, &config.branding.colours, &mut p),
        None => config.branding.colours.clone(),
    };
    let Some(raw) = publisher else {
        return (config.publisher.clone(), colours);
    };
    let name = raw.name.as_ref().map(|n| n.value.trim().to_string());
    let name = match name.filter(|n| !n.is_empty()) {
        Some(n) => n,
        None => {
            p.push(
                Diagnostic::error("no-publisher", "the report's `publisher:` has no `name`")
                    .at_line(line, 1)
                    .with_hint(format!(
                        "under `publisher:`, add `name:` and the organisation's name, or remove `publisher:` to publish it as {}",
                        config.publisher.name
                    )),
            );
            config.publisher.name.clone()
        }
    };
    let own = crate::config::publisher::load(fs, raw, name, &mut p);
    (own.over(&config.publisher), colours)
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
    let mut unreadable = false;
    let raw: RawReport = yaml::parse(&file, &text, 0).unwrap_or_else(|d| {
        diags.push(d);
        unreadable = true;
        RawReport::placeholder(slug)
    });
    if raw.draft && !opts.drafts {
        // Said, so that a report marked as a draft long ago is not
        // missing from the site without anyone noticing.
        diags.push(
            Diagnostic::warning(
                "draft-report",
                format!("report `{slug}` is a draft and is left out of this build"),
            )
            .in_file(&file)
            .at_line(1, 1)
            .with_hint(
                "remove `draft: true` from report.yaml when it is ready; `--drafts` shows drafts",
            ),
        );
        return None;
    }
    let kind = report_kind(raw.kind.as_ref(), &file, diags);
    let published = parse_date(&raw.published, &file, 0, diags).unwrap_or_default();
    let files = ReportFiles::find(fs, dir, opts);
    let chapters = load_chapters(fs, &files.chapters, &raw, opts, diags, sources);
    // Chapter files that could not be read have said so already.
    let chapters_unreadable = || {
        let with_problems = diags.files();
        files.chapters.iter().any(|f| with_problems.contains(f))
    };
    if chapters.is_empty() && !chapters_unreadable() {
        diags.push(
            Diagnostic::error("no-chapters", format!("report `{slug}` has no chapters"))
                .in_file(&file)
                .with_hint(
                    "add at least one Markdown file (e.g. 01-introduction.md) beside report.yaml",
                ),
        );
    }
    let corrections = corrections(&raw.corrections, &chapters, &file, diags);
    let publisher_line = key_line(&text, "publisher");
    let (publisher, colours) = brand(
        fs,
        (raw.publisher, publisher_line),
        raw.branding,
        config,
        &file,
        diags,
    );
    let label = item_label(raw.item_label, raw.items_label, &config.strings);
    let statuses = report_statuses(
        (raw.statuses, key_line(&text, "statuses")),
        &label,
        config,
        &file,
        diags,
    );
    let (mut items, items_unreadable) =
        tracker::load::load(fs, dir, &statuses, opts, diags, sources);
    tracker::finish(&mut items, &label, diags);
    check_chapter_slugs(&chapters, &files.assets, &label.dir, diags);
    check_asset_names(slug, dir, &files.assets, diags);
    Some(Report {
        slug: slug.to_string(),
        dir: dir.to_string(),
        meta: ReportMeta {
            title: raw.title,
            subtitle: raw.subtitle,
            kind,
            period: raw.period,
            published,
            draft: raw.draft,
            owner: raw.owner,
            authors: raw.authors,
            summary: raw.summary,
            last_updated: raw.last_updated.unwrap_or(true),
            contents_depth: contents_depth(raw.contents_depth.as_ref(), &file, diags),
            unreadable,
            cover: raw
                .cover
                .and_then(|c| cover_image(fs, c, key_line(&text, "cover"), &file, diags)),
            publisher,
            colours,
        },
        chapters,
        assets: files.assets,
        unpublished: files.unpublished,
        tracker: Tracker {
            label,
            items,
            statuses,
            unreadable: items_unreadable,
        },
        tables: load_tables(fs, &files.tables, diags, sources),
        corrections,
    })
}

/// The report's `kind:`, or `Other` (and an error) when rapport does not
/// know it.
fn report_kind(kind: Option<&Spanned<String>>, file: &str, diags: &Diagnostics) -> ReportKind {
    let Some(k) = kind else {
        return ReportKind::Other;
    };
    ReportKind::parse(&k.value).unwrap_or_else(|| {
        diags.push(
            Diagnostic::error(
                "bad-kind",
                format!("`{}` is not a kind of report rapport knows", k.value),
            )
            .in_file(file)
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
    })
}

/// The files in a report's folder, by what rapport does with them.
struct ReportFiles {
    /// Chapters: Markdown files beside report.yaml.
    chapters: Vec<String>,
    /// Files published as they are (relative to the report's folder).
    assets: Vec<String>,
    /// Files left out, and why.
    unpublished: Vec<(String, crate::files::Refusal)>,
    /// Data tables' schemas (`data/*.yaml`).
    tables: Vec<String>,
}

impl ReportFiles {
    fn find(fs: &dyn FileSystem, dir: &str, opts: &LoadOptions) -> ReportFiles {
        let mut files = ReportFiles {
            chapters: Vec::new(),
            assets: Vec::new(),
            unpublished: Vec::new(),
            tables: Vec::new(),
        };
        for path in walk(fs, opts, dir).iter() {
            let rel = &path[dir.len() + 1..];
            if vfs::is_hidden(rel) || rel == REPORT_FILE || tracker::load::is_source(rel) {
                continue;
            }
            // Data files are published as computed tables, not as uploaded.
            if let Some(name) = rel.strip_prefix("data/") {
                if name.ends_with(".yaml") && !name.contains('/') {
                    files.tables.push(path.clone());
                }
                continue;
            }
            // `06-summary.MD`, as some editors save it, is a chapter too.
            if is_markdown(rel) && !rel.contains('/') {
                files.chapters.push(path.clone());
            } else {
                match crate::files::check(fs, path) {
                    Ok(_) => files.assets.push(rel.to_string()),
                    Err(why) => files.unpublished.push((rel.to_string(), why)),
                }
            }
        }
        files
    }
}

/// A Markdown file, whatever the case of its extension.
fn is_markdown(name: &str) -> bool {
    name.len() > 3 && name[name.len() - 3..].eq_ignore_ascii_case(".md")
}

/// The report's chapters, loaded in parallel, drafts left out unless
/// asked for, in their order.
fn load_chapters(
    fs: &dyn FileSystem,
    paths: &[String],
    raw: &RawReport,
    opts: &LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Vec<Chapter> {
    let mut chapters: Vec<Chapter> = paths
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
    warn_same_titles(&chapters, diags);
    chapters
}

/// Two chapters with one title: often a file copied in the folder ("Copy
/// of 04-our-partners.md"), which would be published as a second chapter.
fn warn_same_titles(chapters: &[Chapter], diags: &Diagnostics) {
    let mut seen: HashMap<String, &Chapter> = HashMap::new();
    for c in chapters {
        match seen.get(&c.title.to_lowercase()) {
            Some(first) => diags.push(
                Diagnostic::warning(
                    "same-title",
                    format!("chapter `{}` has the same title as {}", c.title, first.file),
                )
                .in_file(&c.file)
                .at_line(1, 1)
                .with_hint("give each chapter its own title; if this file is a copy, delete it or move it out of the report folder"),
            ),
            None => {
                seen.insert(c.title.to_lowercase(), c);
            }
        }
    }
}

/// The report's corrections, oldest first, each naming its chapter by
/// position.
fn corrections(
    raw: &[RawCorrection],
    chapters: &[Chapter],
    file: &str,
    diags: &Diagnostics,
) -> Vec<crate::model::Correction> {
    let mut corrections = Vec::new();
    for c in raw {
        let Some(date) = parse_date(&c.date, file, 0, diags) else {
            continue;
        };
        let chapter = c
            .chapter
            .as_ref()
            .and_then(|name| corrected_chapter(name, chapters, file, diags));
        corrections.push(crate::model::Correction {
            date,
            chapter,
            what: c.what.trim().to_string(),
            why: c.why.as_ref().map(|w| w.trim().to_string()),
        });
    }
    corrections.sort_by_key(|c| c.date);
    corrections
}

/// The chapter a correction names by file name or address.
fn corrected_chapter(
    name: &Spanned<String>,
    chapters: &[Chapter],
    file: &str,
    diags: &Diagnostics,
) -> Option<usize> {
    let wanted = name.value.trim();
    let found = chapters
        .iter()
        .position(|ch| ch.slug == wanted || ch.file.rsplit('/').next() == Some(wanted));
    if found.is_none() {
        diags.push(
            Diagnostic::error(
                "broken-reference",
                format!(
                    "this correction names chapter `{wanted}`, which this report does not have"
                ),
            )
            .in_file(file)
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
fn item_label(
    one: Option<String>,
    many: Option<String>,
    strings: &crate::strings::Strings,
) -> ItemLabel {
    let Some(one) = one.filter(|s| !s.trim().is_empty()) else {
        // The words are the site language's; the address stays the same
        // in every language.
        let default = ItemLabel::default();
        let word = |key, or: String| strings.format(key, None, &[]).unwrap_or(or);
        return ItemLabel {
            one: word("item_one", default.one),
            many: word("item_many", default.many),
            dir: default.dir,
        };
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
    // The editable editions' names are kept whether or not the site makes
    // them, so turning them on never breaks a report.
    let editions =
        crate::config::Edition::ALL.map(|e| crate::addresses::edition_file(slug, e.ext()));
    for a in assets {
        if a.eq_ignore_ascii_case(&pdf)
            || editions.iter().any(|e| a.eq_ignore_ascii_case(e))
            || crate::addresses::taken_in_report(a)
        {
            diags.push(
                Diagnostic::error(
                    "reserved-slug",
                    format!("`{a}` has the address of a file rapport makes for this report"),
                )
                .in_file(vfs::join(dir, a))
                .with_hint(format!(
                    "rename the file, e.g. `{slug}-original.pdf`; rapport writes the report's PDF edition as `{pdf}`, its editions to edit as `{slug}.odt` and `.docx`, and its recommendations as `recommendations.csv` and `.json`"
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
        let opened = text
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .map(str::trim_end)
            == Some("---");
        diags.push(if opened {
            Diagnostic::error(
                "no-front-matter",
                "the settings at the top of this chapter have no closing `---` line",
            )
            .in_file(path)
            .at_line(1, 1)
            .with_hint("add a line with only `---` after the last setting (`title:`, `order:` ...), before the chapter's text")
        } else {
            Diagnostic::error("no-front-matter", "this chapter has no front matter")
                .in_file(path)
                .at_line(1, 1)
                .with_hint(
                    "start the file with a `---` line, a `title: ...` line and another `---` line",
                )
        });
        return None;
    };
    let raw: RawChapter = match yaml::parse(path, front, yaml_line_offset) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    let file_stem = if is_markdown(name) {
        &name[..name.len() - 3]
    } else {
        name
    };
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
                    .with_hint(crate::dates::hint_for(
                        &s.value,
                        "write dates as YYYY-MM-DD, e.g. 2023-12-06",
                    )),
            );
            None
        }
    }
}

pub(crate) fn collect_anchors(doc: &markdown::Document) -> HashSet<String> {
    let mut set = HashSet::new();
    doc.walk_blocks(&mut |b| match b {
        Block::Heading { id, .. } => {
            set.insert(id.clone());
        }
        Block::Paragraph {
            number: Some(n), ..
        } => {
            set.insert(crate::markdown::paragraph_anchor(n));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_correction_names_its_chapter_by_file_name_or_address() {
        let mut fs = crate::vfs::MemoryFs::new();
        fs.add("site.yaml", "title: T\norganisation: O\ngit_dates: false\n");
        fs.add(
            "content/r/report.yaml",
            "title: R\npublished: 2024-01-01\ncorrections:\n  - date: 2024-03-01\n    chapter: 02-b.md\n    what: \" A figure. \"\n  - date: 2024-02-01\n    chapter: a\n    what: A name.\n  - date: 2024-04-01\n    chapter: c\n    what: Nothing.\n",
        );
        fs.add("content/r/01-a.md", "---\ntitle: A\n---\n\nText.\n");
        fs.add("content/r/02-b.md", "---\ntitle: B\n---\n\nText.\n");
        let diags = Diagnostics::new();
        let site = load_site(&fs, &LoadOptions::default(), &diags, &SourceMap::default()).unwrap();
        let found = &site.reports[0].corrections;
        // Oldest first; the one naming no chapter of this report has none.
        let named: Vec<_> = found.iter().map(|c| (c.what.as_str(), c.chapter)).collect();
        assert_eq!(
            named,
            [
                ("A name.", Some(0)),
                ("A figure.", Some(1)),
                ("Nothing.", None)
            ]
        );
        let problems = diags.sorted();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].code, "broken-reference");
        assert!(
            problems[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("01-a.md, 02-b.md")
        );
    }

    #[test]
    fn an_unknown_kind_of_report_is_other_with_an_error() {
        let at = serde_saphyr::Location::UNKNOWN;
        let diags = Diagnostics::new();
        let kind = Spanned::new("novel".to_string(), at, at);
        assert_eq!(
            report_kind(Some(&kind), "r.yaml", &diags),
            ReportKind::Other
        );
        assert_eq!(report_kind(None, "r.yaml", &diags), ReportKind::Other);
        assert_eq!(diags.sorted()[0].code, "bad-kind");
    }

    #[test]
    fn slugs_drop_ordering_prefixes() {
        assert_eq!(slug_from_file_name("01-foreword"), "foreword");
        assert_eq!(slug_from_file_name("3_funding-levels"), "funding-levels");
        assert_eq!(slug_from_file_name("2023"), "2023");
    }
}
