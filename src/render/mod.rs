//! The HTML renderer: every page of the site, from the model, through the
//! theme's templates.
//!
//! Site-wide data goes into the template engine's global context once; each
//! report's view is built once and shared by its pages (no per-page copy of
//! the site, which is what makes naive generators quadratic). Pages render in
//! parallel and are collected into a sorted map, so output order never
//! depends on thread timing.

pub mod feed;
mod fold;
mod functions;
mod inline;
mod languages;
pub mod templates;
pub mod tracker;
pub mod view;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

use rayon::prelude::*;

use crate::addresses as addr;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::markdown::ast::{Block, LinkTarget, plain_text};
use crate::markdown::html::{self, HtmlOptions, LinkResolver};
use crate::model::{Report, Site};
use crate::output::{Output, OutputFile};
use crate::routes::{ReportRoutes, Route, Routes};
use crate::theme::{self, StaticSource};
use crate::vfs::FileSystem;
use templates::{PageContext, Shared, Templates};
use view::*;

/// The site's pages, ready to render one by one or all at once: the
/// templates, the shared views and the address of every page. `rapport
/// serve` renders a page when it is asked for; a build renders them all.
pub struct Pages {
    templates: Templates,
    routes: Routes,
    report_views: Vec<Shared>,
    filters: Vec<Vec<(tracker::Facet, String, String)>>,
    chapter_pdfs: Vec<Vec<Option<PdfLink>>>,
    /// Output path of each page (its route's), and what renders it.
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
        let jobs: Vec<&Job> = self.jobs.values().collect();
        jobs.par_iter()
            .map(|job| {
                if stop() {
                    return None;
                }
                Some(kept(ctx.render(job)))
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
            .for_each(|(_, job)| done(ctx.render(job)));
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

    /// Keep the variables of every page rendered from now on (see
    /// [`templates::Templates::record`]).
    pub fn record_variables(&mut self) {
        self.templates.record();
    }

    /// The variables of every page rendered since [`Pages::record_variables`].
    pub fn recorded_variables(&self) -> Vec<templates::RecordedPage> {
        self.templates.recorded()
    }

    /// The page at the site root of a site whose languages each have a
    /// folder: one link to each language's home page (`languages.html`).
    pub fn render_language_choice(
        &self,
        choices: &[LanguageChoice],
        canonical: Option<&str>,
    ) -> Result<Vec<u8>, crate::diagnostics::Diagnostic> {
        let mut ctx = PageContext::default();
        ctx.insert("choices", choices);
        ctx.insert("canonical", &canonical);
        self.templates.render("languages.html", &ctx)
    }

    /// The output path of every page.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.jobs.keys().map(String::as_str)
    }

    fn ctx<'a>(&'a self, site: &'a Site) -> RenderCtx<'a> {
        RenderCtx {
            site,
            routes: &self.routes,
            templates: &self.templates,
            report_views: &self.report_views,
            filters: &self.filters,
            chapter_pdfs: &self.chapter_pdfs,
        }
    }
}

/// Work a build does beside the PDF stage, with the pages as they will be
/// but for their links to the PDFs (which are not made yet): the search
/// index, whose text comes from parts of pages those links are not in.
/// Returns files to publish with the rest.
pub type Beside<'a> = &'a dyn Fn(&Pages) -> Vec<(String, OutputFile)>;

/// PDFs typeset after the pages rather than by [`prepare`]: `rapport
/// serve` typesets them after the reload, so that a save never waits for
/// one. Holds the size and page count of the last PDF made at each PDF's
/// address (its route's path under its language's folder, `cy/...`), which
/// is what the pages' links say meanwhile (the PDF served at that address
/// is that one); a PDF not made yet has no link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LaterPdfs(pub BTreeMap<String, (usize, usize)>);

impl LaterPdfs {
    /// The sizes of one language's PDFs, whose addresses start `prefix`.
    fn sizes(&self, routes: &Routes, prefix: &str) -> Sizes {
        let of = |route: &Option<Route>| {
            let path = route.as_ref()?.path();
            self.0.get(&format!("{prefix}{path}")).copied()
        };
        Editions {
            reports: routes.reports.iter().map(|rr| of(&rr.pdf)).collect(),
            chapters: routes
                .reports
                .iter()
                .map(|rr| rr.chapters.iter().map(|c| of(&c.pdf)).collect())
                .collect(),
        }
    }
}

/// Everything but the pages: the PDFs, the shared views, and every file
/// that is not a page (assets, data, feeds), with what `beside` returns.
/// With `later`, no PDF is typeset here, and the pages link to the PDFs
/// `later` knows.
///
/// The PDF stage is most of a default build's time, and typesetting does
/// not keep both cores busy, so `beside` runs on this thread while the
/// PDFs are typeset on another, and the views are made again with the
/// PDFs' links once both are done.
pub fn prepare(
    fs: &dyn FileSystem,
    site: &Site,
    diags: &Diagnostics,
    sources: &SourceMap,
    timings: &mut crate::timings::Timings,
    beside: Beside,
    later: Option<&LaterPdfs>,
) -> Option<(Pages, Output)> {
    let mut templates = timings.time("templates", || {
        Templates::load(fs, &site.config, diags, sources)
    })?;
    let routes = Routes::new(site);
    templates.set_global("site", &site_view(&site.config, &site.reports, &routes));
    let filters: Vec<Vec<(tracker::Facet, String, String)>> = site
        .reports
        .iter()
        .map(|r| tracker::filter_pages(r, &r.tracker.statuses))
        .collect();
    let jobs = plan_pages(site, &routes, &filters);
    let editions = timings.time("editions", || {
        crate::editions::make_all(fs, site, &routes, diags)
    });
    let no_pdfs = Editions::none(site);
    let (report_views, chapter_pdfs) = shared_views(site, &routes, &no_pdfs, &editions);
    let mut pages = Pages {
        templates,
        report_views,
        filters,
        chapter_pdfs,
        jobs,
        routes,
    };
    let mut out = Output::default();
    theme_files(fs, site, &mut out);
    pages.templates.set_assets(&out);
    let (pdfs, typeset, made) = std::thread::scope(|scope| {
        let typesetting = scope.spawn(|| {
            let start = std::time::Instant::now();
            let pdfs = match later {
                Some(_) => Editions::none(site),
                None => pdf_editions(fs, site, &pages.routes, diags),
            };
            (pdfs, start.elapsed())
        });
        let made = beside(&pages);
        let (pdfs, took) = typesetting.join().expect("typesetting does not panic");
        (pdfs, took, made)
    });
    timings.0.push(("pdf", typeset));
    let sizes = match later {
        Some(later) => later.sizes(&pages.routes, &site.config.language_prefix()),
        None => pdfs.sizes(),
    };
    if sizes.any() {
        (pages.report_views, pages.chapter_pdfs) =
            shared_views(site, &pages.routes, &sizes, &editions);
    }
    out.files.extend(made);
    let routes = &pages.routes;
    pdf_files(routes, pdfs, &mut out);
    for (rr, made) in routes.reports.iter().zip(editions) {
        for ((_, route), (_, bytes)) in rr.editions.iter().zip(made) {
            out.files
                .insert(route.path().into(), OutputFile::Bytes(bytes));
        }
    }
    data_files(fs, site, routes, &mut out);
    feeds(site, routes, &mut out);
    // The editor in the browser, when site.yaml asks for it (`cms:`):
    // once, with the default language, since it edits the site's files.
    if site.config.current_language == 0 {
        for (path, bytes) in crate::cms::files(fs, site) {
            out.files.insert(path, OutputFile::Bytes(bytes));
        }
    }
    Some((pages, out))
}

/// Every page the site has, keyed by its output path.
fn plan_pages(
    site: &Site,
    routes: &Routes,
    filters: &[Vec<(tracker::Facet, String, String)>],
) -> BTreeMap<String, Job> {
    let mut jobs: Vec<Job> = vec![Job::Home, Job::NotFound, Job::Search];
    if routes.accessibility.is_some() {
        jobs.push(Job::Accessibility);
    }
    for (ri, (r, rr)) in site.reports.iter().zip(&routes.reports).enumerate() {
        jobs.push(Job::ReportHome(ri));
        jobs.push(Job::Print(ri));
        if rr.revisions.is_some() {
            jobs.push(Job::Revisions(ri));
        }
        for ci in 0..r.chapters.len() {
            jobs.push(Job::Chapter(ri, ci));
        }
        if rr.tracker.is_some() {
            jobs.push(Job::Tracker(ri, None));
            for (fi, _) in filters[ri].iter().enumerate() {
                jobs.push(Job::Tracker(ri, Some(fi)));
            }
            for ii in 0..r.tracker.items.len() {
                jobs.push(Job::Item(ri, ii));
            }
        }
    }
    jobs.into_iter()
        .map(|job| (page_route(routes, filters, &job).path().to_string(), job))
        .collect()
}

/// Each report's view, which lists all its chapters and items (the
/// largest piece of shared data, made once per build and per save in
/// `serve`), and the link to each chapter's PDF where one was made.
fn shared_views(
    site: &Site,
    routes: &Routes,
    pdfs: &Sizes,
    editions: &[Vec<crate::editions::Made>],
) -> (Vec<Shared>, Vec<Vec<Option<PdfLink>>>) {
    let report_views = site
        .reports
        .par_iter()
        .zip(&routes.reports)
        .zip(&pdfs.reports)
        .zip(editions)
        .map(|(((r, rr), pdf), made)| {
            let link = made_link(rr.pdf.as_ref(), *pdf);
            let view = report_view(r, rr, &r.tracker.statuses, &site.config.strings, link);
            let edition = |e: crate::config::Edition| {
                let (route, (_, bytes)) =
                    rr.editions.iter().zip(made).find(|((k, _), _)| *k == e)?;
                let link = pdf_link(&route.1, bytes.len(), 0);
                Some(EditionLink {
                    url: link.url,
                    size: link.size,
                    size_display: link.size_display,
                })
            };
            Shared::new(&WithEditions {
                report: &view,
                odt: edition(crate::config::Edition::Odt),
                docx: edition(crate::config::Edition::Docx),
            })
        })
        .collect();
    let chapter_pdfs = routes
        .reports
        .iter()
        .zip(&pdfs.chapters)
        .map(|(rr, chapters)| {
            rr.chapters
                .iter()
                .zip(chapters)
                .map(|(cr, made)| made_link(cr.pdf.as_ref(), *made))
                .collect()
        })
        .collect();
    (report_views, chapter_pdfs)
}

/// A report's view with its editions to edit, when the site makes them
/// (`editions:` in site.yaml): `report.odt` and `report.docx`.
#[derive(serde::Serialize)]
struct WithEditions<'a> {
    #[serde(flatten)]
    report: &'a ReportView,
    odt: Option<EditionLink>,
    docx: Option<EditionLink>,
}

#[derive(serde::Serialize)]
struct EditionLink {
    url: String,
    size: usize,
    size_display: String,
}

/// The theme's files and the site's `static/` folder, the code
/// highlighting and status stylesheets, and the branding font.
fn theme_files(fs: &dyn FileSystem, site: &Site, out: &mut Output) {
    for (name, source) in theme::static_files(fs, &site.config.theme) {
        let file = match source {
            StaticSource::Embedded(text) => OutputFile::Bytes(text.as_bytes().to_vec()),
            StaticSource::File(path) => OutputFile::from_site(fs, &path),
        };
        out.files.insert(Routes::asset(&name).into_path(), file);
    }
    if uses_code(site) {
        out.files.insert(
            Routes::asset("highlight.css").into_path(),
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
        font_files(fs, font, out);
    }
    out.files.insert(
        Routes::asset("status.css").into_path(),
        OutputFile::Bytes(
            tracker::status_css(
                std::iter::once(&site.config.statuses)
                    .chain(site.reports.iter().map(|r| &r.tracker.statuses)),
            )
            .into_bytes(),
        ),
    );
    out.files.insert(
        Routes::asset("strings.js").into_path(),
        OutputFile::Bytes(site.config.strings.script().into_bytes()),
    );
}

/// The branding font's files and the `fonts.css` that names them.
fn font_files(fs: &dyn FileSystem, font: &crate::config::BrandFont, out: &mut Output) {
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
            Routes::asset(&format!("fonts/{name}")).into_path(),
            OutputFile::from_site(fs, file),
        );
    }
    let _ = writeln!(
        css,
        ":root{{--brand-font:\"{family}\", system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif}}"
    );
    out.files.insert(
        Routes::asset("fonts.css").into_path(),
        OutputFile::Bytes(css.into_bytes()),
    );
}

/// Every PDF edition that was made, at its route.
fn pdf_files(routes: &Routes, pdfs: Editions, out: &mut Output) {
    for ((rr, pdf), chapters) in routes.reports.iter().zip(pdfs.reports).zip(pdfs.chapters) {
        if let (Some(route), Some((bytes, _))) = (&rr.pdf, pdf) {
            out.files
                .insert(route.path().into(), OutputFile::Bytes(bytes));
        }
        for (cr, pdf) in rr.chapters.iter().zip(chapters) {
            if let (Some(route), Some((bytes, _))) = (&cr.pdf, pdf) {
                out.files
                    .insert(route.path().into(), OutputFile::Bytes(bytes));
            }
        }
    }
}

/// Each report's open data (its tables and its items as CSV and JSON) and
/// the files beside its chapters.
fn data_files(fs: &dyn FileSystem, site: &Site, routes: &Routes, out: &mut Output) {
    for (r, rr) in site.reports.iter().zip(&routes.reports) {
        for (t, tr) in r.tables.iter().zip(&rr.tables) {
            out.files.insert(
                tr.csv.path().into(),
                OutputFile::Bytes(crate::data::export::csv(t)),
            );
            out.files.insert(
                tr.json.path().into(),
                OutputFile::Bytes(crate::data::export::json(t, &site.config.strings)),
            );
        }
        if let Some(tr) = &rr.tracker {
            out.files.insert(
                tr.csv.path().into(),
                OutputFile::Bytes(tracker::csv(site, r, rr)),
            );
            out.files.insert(
                tr.json.path().into(),
                OutputFile::Bytes(tracker::json(site, r, rr)),
            );
        }
        for a in &r.assets {
            out.files.insert(
                rr.file(a).into_path(),
                OutputFile::from_site(fs, &format!("{}/{a}", r.dir)),
            );
        }
    }
}

/// The sitemap and feed (with a `base_url`) and robots.txt.
fn feeds(site: &Site, routes: &Routes, out: &mut Output) {
    if let Some(route) = &routes.sitemap {
        let xml = sitemap(site, routes);
        out.files
            .insert(route.path().into(), OutputFile::Bytes(xml.into_bytes()));
    }
    if let Some(route) = &routes.feed {
        let xml = feed::atom(site, routes, route);
        out.files
            .insert(route.path().into(), OutputFile::Bytes(xml.into_bytes()));
    }
    out.files.insert(
        routes.robots.path().into(),
        OutputFile::Bytes(feed::robots(site, routes).into_bytes()),
    );
}

/// A page's route: from the table, or made for a tracker's filter page.
/// Pages are planned only where the table has a route, so the ones that
/// depend on the site (accessibility, revisions, tracker) are there.
fn page_route<'a>(
    routes: &'a Routes,
    filters: &[Vec<(tracker::Facet, String, String)>],
    job: &Job,
) -> Cow<'a, Route> {
    const PLANNED: &str = "pages are planned from the route table";
    let report = |ri: usize| &routes.reports[ri];
    Cow::Borrowed(match *job {
        Job::Home => &routes.home,
        Job::NotFound => &routes.not_found,
        Job::Accessibility => routes.accessibility.as_ref().expect(PLANNED),
        Job::Search => &routes.search,
        Job::ReportHome(ri) => &report(ri).home,
        Job::Chapter(ri, ci) => &report(ri).chapters[ci].page,
        Job::Print(ri) => &report(ri).print,
        Job::Revisions(ri) => report(ri).revisions.as_ref().expect(PLANNED),
        Job::Tracker(ri, filter) => {
            let tracker = report(ri).tracker.as_ref().expect(PLANNED);
            let Some(fi) = filter else {
                return Cow::Borrowed(&tracker.page);
            };
            let (facet, value, _) = &filters[ri][fi];
            return Cow::Owned(tracker.filter(facet.key(), value));
        }
        Job::Item(ri, ii) => &report(ri).items[ii],
    })
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
    routes: &'a Routes,
    templates: &'a Templates,
    report_views: &'a [Shared],
    filters: &'a [Vec<(tracker::Facet, String, String)>],
    chapter_pdfs: &'a [Vec<Option<PdfLink>>],
}

/// A page's output path and its HTML, or the template problem.
pub type Rendered = (String, Html);

/// A page's HTML, or the template problem.
type Html = Result<Vec<u8>, crate::diagnostics::Diagnostic>;

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
    /// The site's interface strings (`crate::strings`).
    fn strings(&self) -> &crate::strings::Strings {
        &self.site.config.strings
    }

    /// One interface string with no places to fill (a page title).
    fn word(&self, key: &str) -> String {
        self.filled(key, &[])
    }

    /// One interface string with its places filled (`{report}`).
    fn filled(&self, key: &str, places: &[(&str, &str)]) -> String {
        self.strings()
            .format(key, None, places)
            .unwrap_or_else(|e| e)
    }

    /// The page `job`, and where it is written: its route, the same one
    /// its links and its `page.url` are made from.
    fn render(&self, job: &Job) -> Rendered {
        let route = page_route(self.routes, self.filters, job);
        let html = match *job {
            Job::Home => self.home(&route),
            Job::NotFound => self.not_found(&route),
            Job::ReportHome(r) => self.report_home(&route, r),
            Job::Chapter(r, c) => self.chapter(&route, r, c),
            Job::Print(r) => self.print(&route, r),
            Job::Tracker(r, f) => self.tracker(&route, r, f),
            Job::Item(r, i) => self.item(&route, r, i),
            Job::Revisions(r) => self.revisions(&route, r),
            Job::Accessibility => self.accessibility(&route),
            Job::Search => self.search(&route),
        };
        (route.into_owned().into_path(), html)
    }

    fn page(
        &self,
        kind: &'static str,
        title: String,
        route: &Route,
        description: Option<String>,
    ) -> PageView {
        let url = route.url();
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
            languages: languages::page_languages(self.site, url, &root),
            root,
            canonical: (!base.is_empty()).then(|| route.absolute(base)),
            url: url.into(),
            breadcrumbs: Vec::new(),
        }
    }

    fn home_crumb(&self) -> LinkView {
        LinkView {
            title: self.word("home"),
            url: String::new(),
        }
    }

    fn home(&self, route: &Route) -> Html {
        let cfg = &self.site.config;
        let page = self.page("home", cfg.title.clone(), route, cfg.description.clone());
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        self.templates.render("index.html", &ctx)
    }

    fn not_found(&self, route: &Route) -> Html {
        let mut page = self.page("404", self.word("page_not_found"), route, None);
        // A 404 page is served at any address, so relative links cannot
        // work: use the path of the configured base URL.
        page.root = base_path(&self.site.config.base_url);
        page.canonical = None;
        // Served at any address, it cannot know its counterpart.
        page.languages.clear();
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        self.templates.render("404.html", &ctx)
    }

    fn report_home(&self, route: &Route, ri: usize) -> Html {
        let r = &self.site.reports[ri];
        let mut page = self.page(
            "report",
            r.meta.title.clone(),
            route,
            r.meta.summary.clone(),
        );
        page.breadcrumbs.push(self.home_crumb());
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        self.templates.render("report.html", &ctx)
    }

    fn chapter(&self, route: &Route, ri: usize, ci: usize) -> Html {
        let r = &self.site.reports[ri];
        let c = &r.chapters[ci];
        let mut page = self.page("chapter", c.title.clone(), route, c.summary.clone());
        page.breadcrumbs.push(self.home_crumb());
        page.breadcrumbs.push(self.report_crumb(ri));
        let links = Links {
            site: self.site,
            routes: self.routes,
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
                components: self.templates,
            },
        )?;
        let mut chapter = chapter_view(r, &self.routes.reports[ri], ci, body, self.strings());
        chapter.pdf = self.chapter_pdfs[ri][ci].clone();
        // The neighbours are the report view's own entries (the same
        // `chapter_link`s), shared rather than made and copied again.
        let report = &self.report_views[ri];
        let prev = ci
            .checked_sub(1)
            .and_then(|i| report.element("chapters", i));
        let next = report.element("chapters", ci + 1);
        self.with_neighbours(&page, ri, ("chapter", &chapter), prev, next, "chapter.html")
    }

    /// The whole report on one page, rendered from the same documents as the
    /// chapter pages: ids are prefixed per chapter, headings move down one
    /// level, and links between chapters become in-page links.
    fn print(&self, route: &Route, ri: usize) -> Html {
        let r = &self.site.reports[ri];
        let rr = &self.routes.reports[ri];
        let mut page = self.page(
            "print",
            format!("{} (print edition)", r.meta.title),
            route,
            r.meta.summary.clone(),
        );
        page.breadcrumbs.push(self.home_crumb());
        page.breadcrumbs.push(self.report_crumb(ri));
        let chapters: Vec<ChapterView> = r
            .chapters
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let anchor = crate::routes::chapter_anchor(&c.slug);
                let prefix = format!("{anchor}--");
                let links = Links {
                    site: self.site,
                    routes: self.routes,
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
                        components: self.templates,
                    },
                )?;
                let mut view = chapter_view(r, rr, ci, body, self.strings());
                for t in &mut view.toc {
                    t.id.insert_str(0, &prefix);
                }
                Ok(view)
            })
            .collect::<Result<_, _>>()?;
        let items: Vec<tracker::ItemView> = (0..r.tracker.items.len())
            .map(|ii| {
                let item = &r.tracker.items[ii];
                let links = Links {
                    site: self.site,
                    routes: self.routes,
                    root: &page.root,
                    print: Some((ri, &item.slug)),
                };
                let prefix = format!("{}--", crate::routes::item_anchor(item));
                let opts = HtmlOptions {
                    id_prefix: &prefix,
                    heading_offset: 2,
                    links: &links,
                    raw_html: self.site.config.raw_html,
                    components: self.templates,
                };
                let mut view = tracker::item_view(self.site, self.routes, ri, ii, &opts)?;
                // The print edition gives each item's latest response only.
                view.responses.truncate(1);
                Ok(view)
            })
            .collect::<Result<_, _>>()?;
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert("chapters", &chapters);
        ctx.insert("items", &items);
        self.templates.render("print.html", &ctx)
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
    ) -> Html {
        let mut ctx = PageContext::default();
        ctx.insert("page", page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert(key, value);
        ctx.insert_shared_or_none("prev", prev);
        ctx.insert_shared_or_none("next", next);
        self.templates.render(template, &ctx)
    }

    /// The way back to report `ri`'s home page.
    fn report_crumb(&self, ri: usize) -> LinkView {
        LinkView {
            title: self.site.reports[ri].meta.title.clone(),
            url: self.routes.reports[ri].home.url().into(),
        }
    }

    fn report_crumbs(&self, page: &mut PageView, ri: usize) {
        page.breadcrumbs.push(self.home_crumb());
        page.breadcrumbs.push(self.report_crumb(ri));
    }

    /// Every correction to a report, newest first.
    fn revisions(&self, route: &Route, ri: usize) -> Html {
        let r = &self.site.reports[ri];
        let mut page = self.page(
            "revisions",
            self.filled("revisions_title", &[("report", &r.meta.title)]),
            route,
            None,
        );
        self.report_crumbs(&mut page, ri);
        let mut corrections = correction_views(r, &self.routes.reports[ri], None, self.strings());
        corrections.reverse();
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert("corrections", &corrections);
        self.templates.render("revisions.html", &ctx)
    }

    fn accessibility(&self, route: &Route) -> Html {
        let cfg = &self.site.config;
        let mut page = self.page(
            "accessibility",
            self.word("accessibility_statement"),
            route,
            Some(self.filled("accessibility_description", &[("site", &cfg.title)])),
        );
        page.breadcrumbs.push(self.home_crumb());
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert("statement", &cfg.accessibility);
        self.templates.render("accessibility.html", &ctx)
    }

    /// The search page. Results come from the index in the browser; without
    /// JavaScript it lists every report and chapter instead, so the search
    /// box never leads to a dead end.
    fn search(&self, route: &Route) -> Html {
        let mut page = self.page(
            "search",
            self.word("search_title"),
            route,
            Some(self.filled("search_description", &[("site", &self.site.config.title)])),
        );
        page.breadcrumbs.push(self.home_crumb());
        let reports: Vec<SearchReportView> = self
            .site
            .reports
            .iter()
            .zip(&self.routes.reports)
            .map(|(r, rr)| SearchReportView {
                url: rr.home.url().into(),
                title: r.meta.title.clone(),
                period: r.meta.period.clone(),
                chapters: chapter_links(r, rr),
                tracker: rr.tracker.as_ref().map(|t| LinkView {
                    title: r.tracker.label.many.clone(),
                    url: t.page.url().into(),
                }),
            })
            .collect();
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert("search", &SearchView { reports });
        self.templates.render("search.html", &ctx)
    }

    /// The tracker page (`filter` None) or one of its filter pages.
    fn tracker(&self, route: &Route, ri: usize, filter: Option<usize>) -> Html {
        let r = &self.site.reports[ri];
        let rr = &self.routes.reports[ri];
        let tracker_routes = rr
            .tracker
            .as_ref()
            .expect("planned for a report with items");
        let statuses = &r.tracker.statuses;
        let many = &r.tracker.label.many;
        let all = 0..r.tracker.items.len();
        let (title, items, filter_view) = match filter {
            None => (many.clone(), all.collect::<Vec<_>>(), None),
            Some(fi) => {
                let (facet, value, name) = &self.filters[ri][fi];
                let items: Vec<_> = all
                    .filter(|&i| tracker::matches(&r.tracker.items[i], *facet, value, statuses))
                    .collect();
                let what = match facet {
                    tracker::Facet::Status => format!("status {name}"),
                    tracker::Facet::Theme => format!("theme {name}"),
                    tracker::Facet::Lead => format!("lead {name}"),
                };
                (
                    format!("{many} with {what}"),
                    items,
                    Some(tracker::FilterView {
                        kind: facet.key(),
                        name: name.clone(),
                    }),
                )
            }
        };
        let mut page = self.page("tracker", title, route, r.meta.summary.clone());
        self.report_crumbs(&mut page, ri);
        if filter.is_some() {
            page.breadcrumbs.push(LinkView {
                title: many.clone(),
                url: tracker_routes.page.url().into(),
            });
        }
        let list = tracker::tracker_view(r, rr, tracker_routes, statuses, self.strings(), &items);
        let mut ctx = PageContext::default();
        ctx.insert("page", &page);
        ctx.insert_shared("report", &self.report_views[ri]);
        ctx.insert("list", &list);
        ctx.insert("filter", &filter_view);
        self.templates.render("tracker.html", &ctx)
    }

    fn item(&self, route: &Route, ri: usize, ii: usize) -> Html {
        let r = &self.site.reports[ri];
        let rr = &self.routes.reports[ri];
        let item = &r.tracker.items[ii];
        let label = &r.tracker.label;
        let mut page = self.page(
            "item",
            format!("{} {}: {}", label.one, item.number, item.title),
            route,
            None,
        );
        self.report_crumbs(&mut page, ri);
        if let Some(t) = &rr.tracker {
            page.breadcrumbs.push(LinkView {
                title: label.many.clone(),
                url: t.page.url().into(),
            });
        }
        let links = Links {
            site: self.site,
            routes: self.routes,
            root: &page.root,
            print: None,
        };
        let opts = HtmlOptions {
            id_prefix: "",
            heading_offset: 1,
            links: &links,
            raw_html: self.site.config.raw_html,
            components: self.templates,
        };
        let view = tracker::item_view(self.site, self.routes, ri, ii, &opts)?;
        let statuses = &r.tracker.statuses;
        let row = |i: usize| {
            Shared::new(&tracker::row(
                &r.tracker.items[i],
                &rr.items[i],
                statuses,
                self.strings(),
            ))
        };
        let prev = ii.checked_sub(1).map(row);
        let next = (ii + 1 < r.tracker.items.len()).then(|| row(ii + 1));
        self.with_neighbours(
            &page,
            ri,
            ("item", &view),
            prev,
            next,
            "recommendation.html",
        )
    }
}

fn chapter_view(
    r: &Report,
    routes: &ReportRoutes,
    ci: usize,
    html: String,
    strings: &crate::strings::Strings,
) -> ChapterView {
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
        anchor: crate::routes::chapter_anchor(&c.slug),
        corrections: correction_views(r, routes, Some(ci), strings),
        updated: c.updated.map(|d| date_view(d, strings)),
        pdf: None,
    }
}

/// Decides where links go on one page.
struct Links<'a> {
    site: &'a Site,
    routes: &'a Routes,
    /// The way back to the site root from the page.
    root: &'a str,
    /// On a print page: the report and the chapter being rendered.
    print: Option<(usize, &'a str)>,
}

impl LinkResolver for Links<'_> {
    fn href(&self, target: &LinkTarget, dest: &str) -> String {
        let reports = &self.site.reports;
        let routes = &self.routes.reports;
        match target {
            LinkTarget::External | LinkTarget::Unresolved => dest.to_string(),
            // Written as a span by the Markdown writer, never as a link.
            LinkTarget::Language(_) => String::new(),
            LinkTarget::Fragment(f) => match self.print {
                Some((_, ch)) => format!("#{}--{f}", crate::routes::chapter_anchor(ch)),
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
                        Some(f) => format!("#{}--{f}", crate::routes::chapter_anchor(&c.slug)),
                        None => format!("#{}", crate::routes::chapter_anchor(&c.slug)),
                    },
                    _ => {
                        let page = &routes[*report].chapters[*chapter].page;
                        let mut s = [self.root, page.url()].concat();
                        if let Some(f) = fragment {
                            s.push('#');
                            s.push_str(f);
                        }
                        s
                    }
                }
            }
            LinkTarget::Report { report } => [self.root, routes[*report].home.url()].concat(),
            LinkTarget::Item { report, item } => match self.print {
                Some((pr, _)) if pr == *report => {
                    let it = &reports[*report].tracker.items[*item];
                    format!("#{}", crate::routes::item_anchor(it))
                }
                _ => [self.root, routes[*report].items[*item].url()].concat(),
            },
            LinkTarget::Asset { report, path } => {
                [self.root, routes[*report].file(path).url()].concat()
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

/// The link to a PDF at `route` of `made` (its size and page count), if
/// it was made.
fn made_link(route: Option<&Route>, made: Option<(usize, usize)>) -> Option<PdfLink> {
    let (route, (size, pages)) = route.zip(made)?;
    Some(pdf_link(route, size, pages))
}

/// The PDFs a build makes: one per report, and one per chapter when the
/// site asks for them (`pdf_per_chapter: true`): one for each PDF route.
/// Each is its bytes and page count, or (as [`Sizes`]) what a link to it
/// says.
struct Editions<T = (Vec<u8>, usize)> {
    reports: Vec<Option<T>>,
    chapters: Vec<Vec<Option<T>>>,
}

/// The size and page count of each PDF, for the links to it.
type Sizes = Editions<(usize, usize)>;

impl Editions {
    fn sizes(&self) -> Sizes {
        let size = |made: &Option<(Vec<u8>, usize)>| made.as_ref().map(|(b, p)| (b.len(), *p));
        Editions {
            reports: self.reports.iter().map(size).collect(),
            chapters: self
                .chapters
                .iter()
                .map(|c| c.iter().map(size).collect())
                .collect(),
        }
    }
}

impl<T> Editions<T> {
    /// No PDF made, for each report and chapter of `site`.
    fn none(site: &Site) -> Self {
        Editions {
            reports: site.reports.iter().map(|_| None).collect(),
            chapters: site
                .reports
                .iter()
                .map(|r| r.chapters.iter().map(|_| None).collect())
                .collect(),
        }
    }

    fn any(&self) -> bool {
        self.reports.iter().any(Option::is_some)
            || self.chapters.iter().flatten().any(Option::is_some)
    }
}

#[cfg(feature = "pdf")]
fn pdf_editions(
    fs: &dyn FileSystem,
    site: &Site,
    routes: &Routes,
    diags: &Diagnostics,
) -> Editions {
    let mut ed = Editions::none(site);
    let jobs = crate::pdf::jobs(routes);
    if jobs.is_empty() {
        return ed;
    }
    let store = site.config.cache_dir.as_ref().and_then(|dir| {
        crate::pdf::cache::PdfCache::open(dir)
            .map_err(|e| {
                diags.push(
                    crate::diagnostics::Diagnostic::warning(
                        "pdf-cache",
                        format!(
                            "the PDF cache folder `{}` cannot be used ({e}); every PDF is typeset",
                            dir.display()
                        ),
                    )
                    .config()
                    .with_hint("give `--cache` a folder rapport can create and write"),
                );
            })
            .ok()
    });
    let results = crate::pdf::render_all(fs, site, routes, &jobs, store.as_ref());
    for ((ri, only), result) in jobs.into_iter().zip(results) {
        let made = match result {
            Ok(pdf) => {
                if let Some(w) = &pdf.warning {
                    diags.push(w.clone());
                }
                Some((pdf.bytes.clone(), pdf.pages))
            }
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
fn pdf_editions(_: &dyn FileSystem, site: &Site, _: &Routes, _: &Diagnostics) -> Editions {
    Editions::none(site)
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
/// It needs absolute addresses, so it is written only when `base_url` is set
/// (the route table has a sitemap route then).
fn sitemap(site: &Site, routes: &Routes) -> String {
    let base = &site.config.base_url;
    let mut urls: BTreeMap<String, Option<String>> = BTreeMap::new();
    urls.insert(
        routes.home.absolute(base),
        site.reports.first().map(|r| r.meta.published.to_string()),
    );
    for (r, rr) in site.reports.iter().zip(&routes.reports) {
        let date = Some(r.meta.published.to_string());
        urls.insert(rr.home.absolute(base), date.clone());
        for c in &rr.chapters {
            urls.insert(c.page.absolute(base), date.clone());
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
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryFs;

    /// A one-report site with a chapter and a data table, and a `base_url`
    /// when given.
    fn small_site(base_url: Option<&str>) -> MemoryFs {
        let mut fs = MemoryFs::new();
        let url = base_url.map(|u| format!("base_url: {u}\n"));
        fs.add(
            "site.yaml",
            format!(
                "title: T\norganisation: O\ngit_dates: false\n{}",
                url.unwrap_or_default()
            ),
        );
        fs.add("content/r/report.yaml", "title: R\npublished: 2024-01-01\n");
        fs.add("content/r/01-a.md", "---\ntitle: A\n---\n\nText.\n");
        fs.add(
            "content/r/data/t.yaml",
            "caption: T\nrows:\n  - part: Leeds\n    amount: 3\ncolumns:\n  - key: part\n  - key: amount\n    type: money\n",
        );
        fs
    }

    fn loaded(fs: &MemoryFs) -> Site {
        let diags = Diagnostics::new();
        let site = crate::build::load(
            fs,
            &Default::default(),
            &diags,
            &SourceMap::default(),
            &mut Default::default(),
        )
        .unwrap();
        assert!(!diags.has_errors(), "{:?}", diags.sorted());
        site
    }

    fn paths(out: &Output) -> Vec<&str> {
        out.files.keys().map(String::as_str).collect()
    }

    #[test]
    fn every_page_is_planned_at_its_route() {
        let fs = small_site(None);
        let site = loaded(&fs);
        let routes = Routes::new(&site);
        let filters = vec![Vec::new()];
        let planned: Vec<String> = plan_pages(&site, &routes, &filters).into_keys().collect();
        assert_eq!(
            planned,
            [
                "404.html",
                "index.html",
                "r/a/index.html",
                "r/index.html",
                "r/print/index.html",
                "search/index.html"
            ]
        );
    }

    #[test]
    fn a_site_without_a_base_url_has_robots_txt_but_no_feed_or_sitemap() {
        for (base_url, expected) in [
            (None, vec!["robots.txt"]),
            (
                Some("https://example.org/reports/"),
                vec!["feed.xml", "robots.txt", "sitemap.xml"],
            ),
        ] {
            let fs = small_site(base_url);
            let site = loaded(&fs);
            let mut out = Output::default();
            feeds(&site, &Routes::new(&site), &mut out);
            assert_eq!(paths(&out), expected, "{base_url:?}");
        }
    }

    #[test]
    fn each_table_is_published_as_csv_and_json_open_data() {
        let fs = small_site(None);
        let site = loaded(&fs);
        let mut out = Output::default();
        data_files(&fs, &site, &Routes::new(&site), &mut out);
        assert_eq!(paths(&out), ["r/data/t.csv", "r/data/t.json"]);
        let csv = String::from_utf8(out.files["r/data/t.csv"].bytes().unwrap().into_owned());
        assert!(csv.unwrap().contains("Leeds,3"));
    }

    #[test]
    fn theme_files_include_the_status_colours_and_no_font_css_without_a_font() {
        let fs = small_site(None);
        let site = loaded(&fs);
        let mut out = Output::default();
        theme_files(&fs, &site, &mut out);
        let names = paths(&out);
        assert!(names.contains(&"assets/status.css"), "{names:?}");
        assert!(!names.contains(&"assets/fonts.css"), "{names:?}");
        assert!(!names.contains(&"assets/highlight.css"), "{names:?}");
    }
}
