//! The HTML renderer: every page of the site, from the model, through the
//! theme's templates.
//!
//! Site-wide data goes into the template engine's global context once; each
//! report's view is built once and shared by its pages (no per-page copy of
//! the site, which is what makes naive generators quadratic). Pages render in
//! parallel and are collected into a sorted map, so output order never
//! depends on thread timing.

pub mod feed;
pub mod templates;
pub mod tracker;
pub mod view;

use std::collections::BTreeMap;
use std::fmt::Write;

use rayon::prelude::*;

use crate::addresses::{self as addr, ASSETS};
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::markdown::ast::{Block, LinkTarget, plain_text};
use crate::markdown::html::{self, HtmlOptions, LinkResolver};
use crate::model::{Chapter, Report, Site};
use crate::output::{Output, OutputFile};
use crate::theme::{self, StaticSource};
use crate::vfs::FileSystem;
use templates::{PageContext, Shared, Templates};
use view::*;

/// The site's pages, ready to render one by one or all at once: the
/// templates, the shared views and the address of every page. `rapport
/// serve` renders a page when it is asked for; a build renders them all.
pub struct Pages {
    templates: Templates,
    report_views: Vec<Shared>,
    filters: Vec<Vec<(tracker::Facet, String, String)>>,
    chapter_pdfs: Vec<Vec<Option<PdfLink>>>,
    /// Output path of each page, and what renders it.
    jobs: BTreeMap<String, Job>,
}

impl Pages {
    /// Renders the page written at `path`, if the site has one there.
    pub fn render(
        &self,
        site: &Site,
        path: &str,
    ) -> Option<Result<Vec<u8>, crate::diagnostics::Diagnostic>> {
        let job = self.jobs.get(path)?;
        Some(kept(self.ctx(site).render(job)).1)
    }

    /// Every page, in parallel, keyed by output path.
    pub fn render_all(&self, site: &Site) -> Vec<Rendered> {
        self.render_unless(site, &|| false).expect("never stopped")
    }

    /// Every page, in parallel, unless `stop` says the work is no longer
    /// wanted (`rapport serve`: a newer save has made these pages stale);
    /// then `None`, soon after.
    pub fn render_unless(
        &self,
        site: &Site,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Rendered>> {
        let ctx = self.ctx(site);
        let jobs: Vec<(&String, &Job)> = self.jobs.iter().collect();
        jobs.par_iter()
            .map(|(path, job)| {
                if stop() {
                    return None;
                }
                Some(kept(ctx.render_at(path, job)))
            })
            .collect()
    }

    /// Renders every page in parallel and hands each to `done` as soon as
    /// it is made, so that `rapport build` can write it and let it go (with
    /// the spare room it was rendered into, which `kept` gives back only
    /// for pages that are kept).
    pub fn render_each(&self, site: &Site, done: &(dyn Fn(Rendered) + Sync)) {
        let ctx = self.ctx(site);
        self.in_work_order()
            .par_iter()
            .for_each(|(path, job)| done(ctx.render_at(path, job)));
    }

    /// The pages in the order they are handed to the threads: print
    /// editions first. One is the size of its whole report, a hundred
    /// chapter pages' work; rendered last, as their paths would have them,
    /// one thread was left finishing the last report's while the other had
    /// nothing to do.
    fn in_work_order(&self) -> Vec<(&String, &Job)> {
        let mut jobs: Vec<(&String, &Job)> = self.jobs.iter().collect();
        jobs.sort_by_key(|(_, job)| !matches!(job, Job::Print(_)));
        jobs
    }

    /// The output path of every page.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.jobs.keys().map(String::as_str)
    }

    fn ctx<'a>(&'a self, site: &'a Site) -> RenderCtx<'a> {
        RenderCtx {
            site,
            templates: &self.templates,
            report_views: &self.report_views,
            filters: &self.filters,
            chapter_pdfs: &self.chapter_pdfs,
        }
    }
}

/// Everything but the pages: the PDFs, the shared views, and every file
/// that is not a page (assets, data, feeds).
pub fn prepare(
    fs: &dyn FileSystem,
    site: &Site,
    diags: &Diagnostics,
    sources: &SourceMap,
    timings: &mut crate::build::Timings,
) -> Option<(Pages, Output)> {
    let mut templates = timings.time("templates", || {
        Templates::load(fs, &site.config, diags, sources)
    })?;
    templates.set_global("site", &site_view(&site.config, &site.reports));

    let statuses = &site.config.statuses;
    let filters: Vec<Vec<(tracker::Facet, String, String)>> = site
        .reports
        .iter()
        .map(|r| tracker::filter_pages(r, statuses))
        .collect();
    let mut jobs: Vec<Job> = vec![Job::Home, Job::NotFound, Job::Search];
    if site.config.accessibility.is_some() {
        jobs.push(Job::Accessibility);
    }
    for (ri, r) in site.reports.iter().enumerate() {
        jobs.push(Job::ReportHome(ri));
        jobs.push(Job::Print(ri));
        if !r.corrections.is_empty() {
            jobs.push(Job::Revisions(ri));
        }
        for ci in 0..r.chapters.len() {
            jobs.push(Job::Chapter(ri, ci));
        }
        if !r.tracker.items.is_empty() {
            jobs.push(Job::Tracker(ri, None));
            for (fi, _) in filters[ri].iter().enumerate() {
                jobs.push(Job::Tracker(ri, Some(fi)));
            }
            for ii in 0..r.tracker.items.len() {
                jobs.push(Job::Item(ri, ii));
            }
        }
    }
    let pdfs = timings.time("pdf", || pdf_editions(fs, site, diags));
    // Each report's view lists all its chapters and items: the largest
    // piece of shared data, made once per build (and per save in `serve`).
    let report_views: Vec<Shared> = site
        .reports
        .par_iter()
        .zip(&pdfs.reports)
        .map(|(r, pdf)| {
            let link = pdf
                .as_ref()
                .map(|(bytes, pages)| pdf_link(r, bytes.len(), *pages));
            Shared::new(&report_view(r, statuses, link))
        })
        .collect();
    let chapter_pdfs: Vec<Vec<Option<PdfLink>>> = site
        .reports
        .iter()
        .zip(&pdfs.chapters)
        .map(|(r, chapters)| {
            r.chapters
                .iter()
                .zip(chapters)
                .map(|(c, made)| {
                    made.as_ref().map(|(bytes, pages)| {
                        let mut link = pdf_link(r, bytes.len(), *pages);
                        link.url = format!("{}/{}/{}.pdf", r.slug, c.slug, c.slug);
                        link
                    })
                })
                .collect()
        })
        .collect();
    let jobs = jobs
        .into_iter()
        .map(|job| (page_path(site, &filters, &job), job))
        .collect();
    let pages = Pages {
        templates,
        report_views,
        filters,
        chapter_pdfs,
        jobs,
    };
    let mut out = Output::default();
    for (name, source) in theme::static_files(fs, &site.config) {
        let file = match source {
            StaticSource::Embedded(text) => OutputFile::Bytes(text.as_bytes().to_vec()),
            StaticSource::File(path) => OutputFile::from_site(fs, &path),
        };
        out.files.insert(format!("{ASSETS}/{name}"), file);
    }
    if uses_code(site) {
        out.files.insert(
            format!("{ASSETS}/highlight.css"),
            OutputFile::Bytes(crate::markdown::highlight::stylesheet().into_bytes()),
        );
    }
    // The site's own static/ folder is published under the same name.
    for path in fs.walk(addr::STATIC) {
        if !crate::vfs::is_hidden(&path) {
            out.files
                .insert(path.clone(), OutputFile::from_site(fs, &path));
        }
    }
    if let Some(font) = &site.config.branding.font {
        let mut css = String::from("/* Generated by rapport from branding.font in site.yaml. */\n");
        let family: String = font
            .family
            .chars()
            .filter(|c| !matches!(c, '"' | '\\' | '<' | '>' | ';' | '{' | '}'))
            .collect();
        for file in &font.files {
            let name = file.rsplit('/').next().unwrap_or(file);
            let format = if name.to_lowercase().ends_with(".otf") {
                "opentype"
            } else {
                "truetype"
            };
            for (weight, italic) in font_faces(fs, file) {
                let _ = writeln!(
                    css,
                    "@font-face{{font-family:\"{family}\";src:url(\"fonts/{name}\") format(\"{format}\");font-weight:{weight};font-style:{};font-display:swap}}",
                    if italic { "italic" } else { "normal" }
                );
            }
            out.files.insert(
                format!("{ASSETS}/fonts/{name}"),
                OutputFile::from_site(fs, file),
            );
        }
        let _ = writeln!(
            css,
            ":root{{--brand-font:\"{family}\", system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif}}"
        );
        out.files.insert(
            format!("{ASSETS}/fonts.css"),
            OutputFile::Bytes(css.into_bytes()),
        );
    }
    out.files.insert(
        format!("{ASSETS}/status.css"),
        OutputFile::Bytes(tracker::status_css(statuses).into_bytes()),
    );
    for ((r, pdf), chapters) in site.reports.iter().zip(pdfs.reports).zip(pdfs.chapters) {
        if let Some((bytes, _)) = pdf {
            out.files.insert(
                format!("{}/{}.pdf", r.slug, r.slug),
                OutputFile::Bytes(bytes),
            );
        }
        for (c, pdf) in r.chapters.iter().zip(chapters) {
            if let Some((bytes, _)) = pdf {
                out.files.insert(
                    format!("{}/{}/{}.pdf", r.slug, c.slug, c.slug),
                    OutputFile::Bytes(bytes),
                );
            }
        }
        for t in &r.tables {
            out.files.insert(
                format!("{}/data/{}.csv", r.slug, t.name),
                OutputFile::Bytes(crate::data::export::csv(t)),
            );
            out.files.insert(
                format!("{}/data/{}.json", r.slug, t.name),
                OutputFile::Bytes(crate::data::export::json(t)),
            );
        }
        if !r.tracker.items.is_empty() {
            out.files.insert(
                format!("{}/{}", r.slug, addr::RECOMMENDATIONS_CSV),
                OutputFile::Bytes(tracker::csv(site, r)),
            );
            out.files.insert(
                format!("{}/{}", r.slug, addr::RECOMMENDATIONS_JSON),
                OutputFile::Bytes(tracker::json(site, r)),
            );
        }
        for a in &r.assets {
            out.files.insert(
                format!("{}/{a}", r.slug),
                OutputFile::from_site(fs, &format!("{}/{a}", r.dir)),
            );
        }
    }
    if let Some(xml) = sitemap(site) {
        out.files
            .insert(addr::SITEMAP.into(), OutputFile::Bytes(xml.into_bytes()));
    }
    if let Some(xml) = feed::atom(site) {
        out.files
            .insert(addr::FEED.into(), OutputFile::Bytes(xml.into_bytes()));
    }
    out.files.insert(
        addr::ROBOTS.into(),
        OutputFile::Bytes(feed::robots(site).into_bytes()),
    );
    Some((pages, out))
}

/// Where a page is written. Each page's renderer computes its own address
/// too (it needs it for links); `RenderCtx::render_at` checks they agree.
fn page_path(site: &Site, filters: &[Vec<(tracker::Facet, String, String)>], job: &Job) -> String {
    let report = |ri: usize| &site.reports[ri];
    let dir = match *job {
        Job::Home => String::new(),
        Job::NotFound => return addr::NOT_FOUND.into(),
        Job::Accessibility => format!("{}/", addr::ACCESSIBILITY),
        Job::Search => format!("{}/", addr::SEARCH),
        Job::ReportHome(ri) => format!("{}/", report(ri).slug),
        Job::Chapter(ri, ci) => chapter_url(report(ri), &report(ri).chapters[ci]),
        Job::Print(ri) => format!("{}/{}/", report(ri).slug, addr::PRINT),
        Job::Revisions(ri) => format!("{}/{}/", report(ri).slug, addr::REVISIONS),
        Job::Tracker(ri, None) => tracker::tracker_url(report(ri)),
        Job::Tracker(ri, Some(fi)) => {
            let (facet, value, _) = &filters[ri][fi];
            format!(
                "{}{}/{value}/",
                tracker::tracker_url(report(ri)),
                facet.key()
            )
        }
        Job::Item(ri, ii) => tracker::item_url(report(ri), &report(ri).tracker.items[ii]),
    };
    dir + addr::INDEX
}

enum Job {
    Home,
    NotFound,
    ReportHome(usize),
    Chapter(usize, usize),
    Print(usize),
    Revisions(usize),
    Accessibility,
    /// The search page, where every page's search box leads.
    Search,
    /// The tracker page, or one of its filter pages.
    Tracker(usize, Option<usize>),
    Item(usize, usize),
}

struct RenderCtx<'a> {
    site: &'a Site,
    templates: &'a Templates,
    report_views: &'a [Shared],
    filters: &'a [Vec<(tracker::Facet, String, String)>],
    chapter_pdfs: &'a [Vec<Option<PdfLink>>],
}

/// A page's output path and its HTML, or the template problem.
pub type Rendered = (String, Result<Vec<u8>, crate::diagnostics::Diagnostic>);

/// A page the caller keeps (`render`, `render_unless`: the preview serves
/// them from memory), without the spare room it was rendered into (32 KiB,
/// sized for pages that are written and let go).
fn kept(mut rendered: Rendered) -> Rendered {
    if let Ok(html) = &mut rendered.1 {
        html.shrink_to_fit();
    }
    rendered
}

impl RenderCtx<'_> {
    /// The page planned at `path`. Each page's renderer computes its own
    /// address too (it needs it for links); debug builds check they agree.
    fn render_at(&self, path: &str, job: &Job) -> Rendered {
        let rendered = self.render(job);
        debug_assert_eq!(
            rendered.0, path,
            "a page's planned and rendered paths differ"
        );
        rendered
    }

    fn render(&self, job: &Job) -> Rendered {
        match *job {
            Job::Home => self.home(),
            Job::NotFound => self.not_found(),
            Job::ReportHome(r) => self.report_home(r),
            Job::Chapter(r, c) => self.chapter(r, c),
            Job::Print(r) => self.print(r),
            Job::Tracker(r, f) => self.tracker(r, f),
            Job::Item(r, i) => self.item(r, i),
            Job::Revisions(r) => self.revisions(r),
            Job::Accessibility => self.accessibility(),
            Job::Search => self.search(),
        }
    }

    fn page(
        &self,
        kind: &'static str,
        title: String,
        url: String,
        description: Option<String>,
    ) -> PageView {
        let depth = url.matches('/').count();
        let root = if depth == 0 {
            "./".to_string()
        } else {
            "../".repeat(depth)
        };
        let base = &self.site.config.base_url;
        PageView {
            kind,
            title,
            description,
            root,
            canonical: (!base.is_empty()).then(|| format!("{base}{url}")),
            url,
            breadcrumbs: Vec::new(),
        }
    }

    fn home_crumb(&self) -> LinkView {
        LinkView {
            title: "Home".into(),
            url: String::new(),
        }
    }

    fn home(&self) -> Rendered {
        let cfg = &self.site.config;
        let page = self.page(
            "home",
            cfg.title.clone(),
            String::new(),
            cfg.description.clone(),
        );
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        (
            "index.html".into(),
            self.templates.render("index.html", &ctx),
        )
    }

    fn not_found(&self) -> Rendered {
        let mut page = self.page("404", "Page not found".into(), "404.html".into(), None);
        // A 404 page is served at any address, so relative links cannot
        // work: use the path of the configured base URL.
        page.root = base_path(&self.site.config.base_url);
        page.canonical = None;
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ("404.html".into(), self.templates.render("404.html", &ctx))
    }

    fn report_home(&self, ri: usize) -> Rendered {
        let r = &self.site.reports[ri];
        let url = format!("{}/", r.slug);
        let mut page = self.page(
            "report",
            r.meta.title.clone(),
            url.clone(),
            r.meta.summary.clone(),
        );
        page.breadcrumbs.push(self.home_crumb());
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        (
            format!("{url}index.html"),
            self.templates.render("report.html", &ctx),
        )
    }

    fn chapter(&self, ri: usize, ci: usize) -> Rendered {
        let r = &self.site.reports[ri];
        let c = &r.chapters[ci];
        let url = chapter_url(r, c);
        let mut page = self.page("chapter", c.title.clone(), url.clone(), c.summary.clone());
        page.breadcrumbs.push(self.home_crumb());
        page.breadcrumbs.push(LinkView {
            title: r.meta.title.clone(),
            url: format!("{}/", r.slug),
        });
        let links = Links {
            site: self.site,
            root: &page.root,
            print: None,
        };
        let body = html::render(
            &c.doc,
            &HtmlOptions {
                id_prefix: "",
                heading_offset: 0,
                links: &links,
                raw_html: self.site.config.raw_html,
            },
        );
        let mut chapter = chapter_view(r, ci, body);
        chapter.pdf = self.chapter_pdfs[ri][ci].clone();
        // The neighbours are the report view's own entries (the same
        // `chapter_link`s), shared rather than made and copied again.
        let report = &self.report_views[ri];
        let prev = ci
            .checked_sub(1)
            .and_then(|i| report.element("chapters", i));
        let next = report.element("chapters", ci + 1);
        (
            format!("{url}index.html"),
            self.with_neighbours(&page, ri, ("chapter", &chapter), prev, next, "chapter.html"),
        )
    }

    /// The whole report on one page, rendered from the same documents as the
    /// chapter pages: ids are prefixed per chapter, headings move down one
    /// level, and links between chapters become in-page links.
    fn print(&self, ri: usize) -> Rendered {
        let r = &self.site.reports[ri];
        let url = format!("{}/print/", r.slug);
        let mut page = self.page(
            "print",
            format!("{} (print edition)", r.meta.title),
            url.clone(),
            r.meta.summary.clone(),
        );
        page.breadcrumbs.push(self.home_crumb());
        page.breadcrumbs.push(LinkView {
            title: r.meta.title.clone(),
            url: format!("{}/", r.slug),
        });
        let chapters: Vec<ChapterView> = r
            .chapters
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let anchor = print_anchor(&c.slug);
                let prefix = format!("{anchor}--");
                let links = Links {
                    site: self.site,
                    root: &page.root,
                    print: Some((ri, &c.slug)),
                };
                let body = html::render(
                    &c.doc,
                    &HtmlOptions {
                        id_prefix: &prefix,
                        heading_offset: 1,
                        links: &links,
                        raw_html: self.site.config.raw_html,
                    },
                );
                let mut view = chapter_view(r, ci, body);
                for t in &mut view.toc {
                    t.id.insert_str(0, &prefix);
                }
                view
            })
            .collect();
        let items: Vec<tracker::ItemView> = (0..r.tracker.items.len())
            .map(|ii| {
                let item = &r.tracker.items[ii];
                let links = Links {
                    site: self.site,
                    root: &page.root,
                    print: Some((ri, &item.slug)),
                };
                let prefix = format!("{}--", tracker::print_anchor(item));
                let mut view = tracker::item_view(self.site, ri, ii, &links, &prefix, 2);
                // The print edition gives each item's latest response only.
                view.responses.truncate(1);
                view
            })
            .collect();
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert("chapters", &chapters);
        ctx.insert("items", &items);
        (
            format!("{url}index.html"),
            self.templates.render("print.html", &ctx),
        )
    }
}

impl RenderCtx<'_> {
    /// A page of a report that has previous and next neighbours (chapters,
    /// items): the page, the report, the thing itself and its neighbours.
    fn with_neighbours<T: serde::Serialize>(
        &self,
        page: &PageView,
        ri: usize,
        (key, value): (&'static str, &T),
        prev: Option<Shared>,
        next: Option<Shared>,
        template: &str,
    ) -> Result<Vec<u8>, crate::diagnostics::Diagnostic> {
        let mut ctx = PageContext::default();
        ctx.insert("page", page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert(key, value);
        ctx.insert_shared_or_none("prev", prev);
        ctx.insert_shared_or_none("next", next);
        self.templates.render(template, &ctx)
    }

    fn report_crumbs(&self, page: &mut PageView, r: &Report) {
        page.breadcrumbs.push(self.home_crumb());
        page.breadcrumbs.push(LinkView {
            title: r.meta.title.clone(),
            url: format!("{}/", r.slug),
        });
    }

    /// Every correction to a report, newest first.
    fn revisions(&self, ri: usize) -> Rendered {
        let r = &self.site.reports[ri];
        let url = format!("{}/revisions/", r.slug);
        let mut page = self.page(
            "revisions",
            format!("Corrections to {}", r.meta.title),
            url.clone(),
            None,
        );
        self.report_crumbs(&mut page, r);
        let mut corrections = correction_views(r, None);
        corrections.reverse();
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert("corrections", &corrections);
        (
            format!("{url}index.html"),
            self.templates.render("revisions.html", &ctx),
        )
    }

    fn accessibility(&self) -> Rendered {
        let cfg = &self.site.config;
        let mut page = self.page(
            "accessibility",
            "Accessibility statement".into(),
            "accessibility/".into(),
            Some(format!(
                "How accessible {} is, and how to get help.",
                cfg.title
            )),
        );
        page.breadcrumbs.push(self.home_crumb());
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert("statement", &cfg.accessibility);
        (
            "accessibility/index.html".into(),
            self.templates.render("accessibility.html", &ctx),
        )
    }

    /// The search page. Results come from the index in the browser; without
    /// JavaScript it lists every report and chapter instead, so the search
    /// box never leads to a dead end.
    fn search(&self) -> Rendered {
        let mut page = self.page(
            "search",
            "Search".into(),
            "search/".into(),
            Some(format!("Search {}.", self.site.config.title)),
        );
        page.breadcrumbs.push(self.home_crumb());
        let reports: Vec<SearchReportView> = self
            .site
            .reports
            .iter()
            .map(|r| SearchReportView {
                url: format!("{}/", r.slug),
                title: r.meta.title.clone(),
                period: r.meta.period.clone(),
                chapters: r.chapters.iter().map(|c| chapter_link(r, c)).collect(),
                tracker: (!r.tracker.items.is_empty()).then(|| LinkView {
                    title: r.tracker.label.many.clone(),
                    url: tracker::tracker_url(r),
                }),
            })
            .collect();
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert("search", &SearchView { reports });
        (
            "search/index.html".into(),
            self.templates.render("search.html", &ctx),
        )
    }

    /// The tracker page (`filter` None) or one of its filter pages.
    fn tracker(&self, ri: usize, filter: Option<usize>) -> Rendered {
        let r = &self.site.reports[ri];
        let statuses = &self.site.config.statuses;
        let base = tracker::tracker_url(r);
        let many = &r.tracker.label.many;
        let (url, title, items, filter_view) = match filter {
            None => (
                base.clone(),
                many.clone(),
                r.tracker.items.iter().collect::<Vec<_>>(),
                None,
            ),
            Some(fi) => {
                let (facet, value, name) = &self.filters[ri][fi];
                let items: Vec<_> = r
                    .tracker
                    .items
                    .iter()
                    .filter(|i| tracker::matches(i, *facet, value, statuses))
                    .collect();
                let what = match facet {
                    tracker::Facet::Status => format!("status {name}"),
                    tracker::Facet::Theme => format!("theme {name}"),
                    tracker::Facet::Lead => format!("lead {name}"),
                };
                (
                    format!("{base}{}/{value}/", facet.key()),
                    format!("{many} with {what}"),
                    items,
                    Some(tracker::FilterView {
                        kind: facet.key(),
                        name: name.clone(),
                    }),
                )
            }
        };
        let mut page = self.page("tracker", title, url.clone(), r.meta.summary.clone());
        self.report_crumbs(&mut page, r);
        if filter.is_some() {
            page.breadcrumbs.push(LinkView {
                title: many.clone(),
                url: base.clone(),
            });
        }
        let list = tracker::tracker_view(r, statuses, &items);
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert("list", &list);
        ctx.insert("filter", &filter_view);
        (
            format!("{url}index.html"),
            self.templates.render("tracker.html", &ctx),
        )
    }

    fn item(&self, ri: usize, ii: usize) -> Rendered {
        let r = &self.site.reports[ri];
        let item = &r.tracker.items[ii];
        let url = tracker::item_url(r, item);
        let label = &r.tracker.label;
        let mut page = self.page(
            "item",
            format!("{} {}: {}", label.one, item.number, item.title),
            url.clone(),
            None,
        );
        self.report_crumbs(&mut page, r);
        page.breadcrumbs.push(LinkView {
            title: label.many.clone(),
            url: tracker::tracker_url(r),
        });
        let links = Links {
            site: self.site,
            root: &page.root,
            print: None,
        };
        let view = tracker::item_view(self.site, ri, ii, &links, "", 1);
        let statuses = &self.site.config.statuses;
        let row = |i: usize| Shared::new(&tracker::row(r, &r.tracker.items[i], statuses));
        let prev = ii.checked_sub(1).map(row);
        let next = (ii + 1 < r.tracker.items.len()).then(|| row(ii + 1));
        (
            format!("{url}index.html"),
            self.with_neighbours(
                &page,
                ri,
                ("item", &view),
                prev,
                next,
                "recommendation.html",
            ),
        )
    }
}

/// A chapter's address below the site root: `report/chapter/`. Made by
/// concatenation, not `format!`, which cost about 1,000 instructions a call,
/// and this is made several times for every page.
pub fn chapter_url(r: &Report, c: &Chapter) -> String {
    [r.slug.as_str(), "/", &c.slug, "/"].concat()
}

pub fn print_anchor(chapter_slug: &str) -> String {
    format!("chapter-{chapter_slug}")
}

fn chapter_view(r: &Report, ci: usize, html: String) -> ChapterView {
    let c = &r.chapters[ci];
    let toc = c
        .doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading {
                level,
                id,
                number,
                content,
                ..
            } if *level <= 3 => Some(TocEntry {
                level: *level,
                id: id.clone(),
                title: plain_text(content),
                number: number.clone(),
            }),
            _ => None,
        })
        .collect();
    ChapterView {
        slug: c.slug.clone(),
        position: ci + 1,
        title: c.title.clone(),
        number: c.number.clone(),
        summary: c.summary.clone(),
        html,
        toc,
        source: c.file.clone(),
        draft: c.draft,
        anchor: print_anchor(&c.slug),
        corrections: correction_views(r, Some(ci)),
        updated: c.updated.map(date_view),
        pdf: None,
    }
}

/// Decides where links go on one page.
struct Links<'a> {
    site: &'a Site,
    /// The way back to the site root from the page.
    root: &'a str,
    /// On a print page: the report and the chapter being rendered.
    print: Option<(usize, &'a str)>,
}

impl LinkResolver for Links<'_> {
    fn href(&self, target: &LinkTarget, dest: &str) -> String {
        let reports = &self.site.reports;
        match target {
            LinkTarget::External | LinkTarget::Unresolved => dest.to_string(),
            LinkTarget::Fragment(f) => match self.print {
                Some((_, ch)) => format!("#{}--{f}", print_anchor(ch)),
                None => format!("#{f}"),
            },
            LinkTarget::Chapter {
                report,
                chapter,
                fragment,
            } => {
                let r: &Report = &reports[*report];
                let c = &r.chapters[*chapter];
                match self.print {
                    Some((pr, _)) if pr == *report => match fragment {
                        Some(f) => format!("#{}--{f}", print_anchor(&c.slug)),
                        None => format!("#{}", print_anchor(&c.slug)),
                    },
                    _ => {
                        let mut s = [self.root, &r.slug, "/", &c.slug, "/"].concat();
                        if let Some(f) = fragment {
                            s.push('#');
                            s.push_str(f);
                        }
                        s
                    }
                }
            }
            LinkTarget::Report { report } => format!("{}{}/", self.root, reports[*report].slug),
            LinkTarget::Item { report, item } => {
                let r = &reports[*report];
                let it = &r.tracker.items[*item];
                match self.print {
                    Some((pr, _)) if pr == *report => format!("#{}", tracker::print_anchor(it)),
                    _ => format!("{}{}", self.root, tracker::item_url(r, it)),
                }
            }
            LinkTarget::Asset { report, path } => {
                format!("{}{}/{}", self.root, reports[*report].slug, path)
            }
        }
    }
}

/// The faces in a font file (weight, italic); without the PDF feature to
/// read them, a single regular face.
fn font_faces(fs: &dyn FileSystem, file: &str) -> Vec<(u16, bool)> {
    #[cfg(feature = "pdf")]
    if let Ok(bytes) = fs.read(file) {
        let faces = crate::pdf::font_faces(bytes);
        if !faces.is_empty() {
            return faces;
        }
    }
    let _ = (fs, file);
    vec![(400, false)]
}

/// A PDF's bytes and page count.
type Made = Option<(Vec<u8>, usize)>;

/// The PDFs a build makes: one per report, and one per chapter when the
/// site asks for them (`pdf_per_chapter: true`).
struct Editions {
    reports: Vec<Made>,
    chapters: Vec<Vec<Made>>,
}

#[cfg(feature = "pdf")]
fn pdf_editions(fs: &dyn FileSystem, site: &Site, diags: &Diagnostics) -> Editions {
    let mut ed = Editions {
        reports: site.reports.iter().map(|_| None).collect(),
        chapters: site
            .reports
            .iter()
            .map(|r| r.chapters.iter().map(|_| None).collect())
            .collect(),
    };
    if !site.config.pdf {
        return ed;
    }
    let mut jobs: Vec<crate::pdf::Job> = (0..site.reports.len()).map(|ri| (ri, None)).collect();
    if site.config.pdf_per_chapter {
        for (ri, r) in site.reports.iter().enumerate() {
            jobs.extend((0..r.chapters.len()).map(|ci| (ri, Some(ci))));
        }
    }
    let results = crate::pdf::render_all(fs, site, &jobs);
    for ((ri, only), result) in jobs.into_iter().zip(results) {
        let made = match result {
            Ok(pdf) => Some((pdf.bytes.clone(), pdf.pages)),
            Err(d) => {
                diags.push(d);
                None
            }
        };
        match only {
            None => ed.reports[ri] = made,
            Some(ci) => ed.chapters[ri][ci] = made,
        }
    }
    ed
}

#[cfg(not(feature = "pdf"))]
fn pdf_editions(_: &dyn FileSystem, site: &Site, _: &Diagnostics) -> Editions {
    Editions {
        reports: site.reports.iter().map(|_| None).collect(),
        chapters: site
            .reports
            .iter()
            .map(|r| r.chapters.iter().map(|_| None).collect())
            .collect(),
    }
}

fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|(_, r)| r).unwrap_or("");
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].to_string(),
        None => "/".to_string(),
    }
}

fn uses_code(site: &Site) -> bool {
    site.reports.par_iter().flat_map(|r| &r.chapters).any(|c| {
        let mut code = false;
        c.doc
            .walk_blocks(&mut |b| code |= matches!(b, Block::Code { .. }));
        code
    })
}

/// `sitemap.xml` lists every public page with the report's publication date.
/// It needs absolute addresses, so it is written only when `base_url` is set.
fn sitemap(site: &Site) -> Option<String> {
    let base = &site.config.base_url;
    if base.is_empty() {
        return None;
    }
    let mut urls: BTreeMap<String, Option<String>> = BTreeMap::new();
    urls.insert(
        base.clone(),
        site.reports.first().map(|r| r.meta.published.to_string()),
    );
    for r in &site.reports {
        let date = Some(r.meta.published.to_string());
        urls.insert(format!("{base}{}/", r.slug), date.clone());
        for c in &r.chapters {
            urls.insert(format!("{base}{}/{}/", r.slug, c.slug), date.clone());
        }
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in urls {
        xml.push_str("  <url><loc>");
        let _ = pulldown_cmark_escape::escape_html(&mut xml, &loc);
        xml.push_str("</loc>");
        if let Some(d) = lastmod {
            let _ = write!(xml, "<lastmod>{d}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    Some(xml)
}
