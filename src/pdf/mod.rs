//! The PDF edition, typeset by Typst embedded as a library.
//!
//! The PDF is made from the same parsed report as the web pages: the
//! document trees are converted to Typst markup ([`markup`]), wrapped in the
//! theme's Typst template (`themes/default/pdf/report.typ`, which a site can
//! override with `templates/report.typ`), and compiled in memory. Typst
//! writes a tagged PDF conforming to PDF/UA-1, with bookmarks from the
//! headings, and the fonts are the open-licensed ones embedded in the
//! binary, so the output is the same on every machine. Dates come from the
//! report's publication date, so identical input gives identical bytes.
//!
//! Typst's types stay in this module; the rest of rapport sees bytes and
//! [`Diagnostic`]s.

pub mod cache;
pub mod markup;

use std::sync::{Arc, LazyLock};

use rayon::prelude::*;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::routes::Routes;
use crate::vfs::FileSystem;

/// The default theme's Typst template.
fn default_template() -> &'static str {
    crate::theme::embedded_text("pdf/report.typ").expect("the default theme has pdf/report.typ")
}
const TEMPLATE_FILE: &str = "report.typ";

/// The most memory typesetting one PDF may be expected to need: 2 GiB,
/// which leaves room for the rest of a build on a CI runner with 7 GB.
/// The engine holds the whole document while it lays it out, so its memory
/// grows with the report; a report over this is refused before it is
/// typeset, with what it holds, rather than exhausting the machine. The
/// figures behind the estimate are in docs/hardening.md.
pub const MAX_PDF_MEMORY: u64 = 2 << 30;

/// The estimate's parts, each measured from builds of growing reports of
/// one kind (docs/hardening.md): memory per byte of Typst markup (prose),
const PER_MARKUP_BYTE: u64 = 330;
/// per table cell (a cell costs the layout far more than its text),
const PER_TABLE_CELL: u64 = 19 * 1024;
/// and per pixel of a distinct raster image (decoded, and kept while the
/// document is written).
const PER_PIXEL: u64 = 5;

/// About how much memory typesetting `markup` needs.
pub fn memory_needed(markup: &markup::Markup) -> u64 {
    (markup.text.len() as u64)
        .saturating_mul(PER_MARKUP_BYTE)
        .saturating_add(markup.table_cells.saturating_mul(PER_TABLE_CELL))
        .saturating_add(markup.image_pixels.saturating_mul(PER_PIXEL))
}

/// A finished PDF and what readers are told about it.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Said to the author, the PDF published all the same.
    pub warning: Option<Diagnostic>,
}

static FONTS: LazyLock<FontStore> = LazyLock::new(embedded_fonts);

/// Typst's own fonts and the four faces of Noto Sans, the sans-serif a PDF
/// falls back to without the organisation's font.
fn embedded_fonts() -> FontStore {
    let mut store = FontStore::new();
    store.extend(typst_kit::fonts::embedded());
    for bytes in [
        notosans::REGULAR_TTF,
        notosans::BOLD_TTF,
        notosans::ITALIC_TTF,
        notosans::BOLD_ITALIC_TTF,
    ] {
        add_font_file(&mut store, bytes.to_vec());
    }
    store
}

fn add_font_file(store: &mut FontStore, bytes: Vec<u8>) {
    store.extend(Font::iter(Bytes::new(bytes)).map(|font| {
        let info = font.info().clone();
        (font, info)
    }));
}

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The files Typst may read: the generated main file, the template, and the
/// report's images (through the site's file system, so the same safety
/// rules apply as for the web pages).
struct ReportWorld<'a> {
    main: Source,
    template: Source,
    /// `words.typ`: the interface strings the template may import.
    words: Source,
    /// `contents.typ`: the draft of the contents page the template may
    /// import (`markup::contents_draft`).
    contents: Source,
    fs: &'a dyn FileSystem,
    fonts: &'a FontStore,
    today: Datetime,
    /// Every file Typst read, for the cache ([`cache`]).
    read: std::sync::Mutex<Vec<cache::Read>>,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("rapport makes only valid paths"),
    )
    .intern()
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.template.id() {
            Ok(self.template.clone())
        } else if id == self.words.id() {
            Ok(self.words.clone())
        } else if id == self.contents.id() {
            Ok(self.contents.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = id.get().vpath().get_without_slash().to_string();
        let found = self.fs.read(&path).ok();
        if let Ok(mut read) = self.read.lock() {
            read.push((path.clone(), found.as_deref().map(cache::digest)));
        }
        let bytes = found.ok_or_else(|| FileError::NotFound(path.clone().into()))?;
        // Every image a chapter names was measured when the site was
        // loaded; this also covers what only Typst asks for (pictures an
        // SVG links to, images in a site's own template), since one the
        // decoder cannot hold ends the process rather than failing.
        if crate::images::is_image(&path, &bytes)
            && let Err(refusal) = crate::images::check_bytes(&bytes)
        {
            let d = refusal.diagnostic(&path);
            let message = match d.hint {
                Some(h) => format!("{} ({h})", d.message),
                None => d.message,
            };
            return Err(FileError::Other(Some(message.into())));
        }
        Ok(Bytes::new(bytes))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

impl ReportWorld<'_> {
    /// What stopped the PDF of report `slug`, for its author: a damaged
    /// image, a problem in the site's own template (at its line), or a
    /// fault in rapport's markup.
    fn problem(
        &self,
        errors: &[typst::diag::SourceDiagnostic],
        slug: &str,
        template_file: &str,
    ) -> Diagnostic {
        let first = errors.first();
        let in_template =
            first.is_some_and(|e| e.span.id().is_some_and(|id| id == self.template.id()));
        let message = first
            .map(|e| e.message.to_string())
            .unwrap_or_else(|| "unknown problem".into());
        if !in_template && let Some(image) = first.and_then(|e| image_named(self, e)) {
            // An image whose header passed the check but whose data does
            // not decode (cut short, damaged): the author's file to fix.
            return Diagnostic::error(
                "bad-image",
                format!("image `{image}` cannot be read: the PDF engine cannot decode its picture data, which is damaged, cut short or in an unusual variant of its format"),
            )
            .in_file(image)
            .with_hint("open it in an image editor and save it again as PNG or JPEG");
        }
        let mut d = Diagnostic::error(
            "pdf",
            format!("the PDF of `{slug}` could not be made: {message}"),
        )
        .config();
        if in_template {
            if let Some(range) = first.and_then(|e| self.range(e.span)) {
                let line = template_text_line(&self.template, range.start);
                d = d.in_file(template_file).at_line(line, 1);
            }
            d.with_hint("fix the Typst template; see docs/pdf.md")
        } else {
            d.with_hint("this is a fault in rapport's conversion to Typst; please report it with the report's files")
        }
    }
}

/// The Typst template for a site: its own `templates/report.typ` or the
/// theme's `themes/<name>/pdf/report.typ`, else the default.
fn template(fs: &dyn FileSystem, site: &Site) -> (String, String) {
    let candidates = [
        format!("templates/{TEMPLATE_FILE}"),
        format!("themes/{}/pdf/{TEMPLATE_FILE}", site.config.theme),
    ];
    for c in candidates {
        if let Ok(text) = fs.read_to_string(&c) {
            return (c, text);
        }
    }
    (
        format!("themes/default/pdf/{TEMPLATE_FILE}"),
        default_template().to_string(),
    )
}

/// The fonts a site's PDFs are set in, and what the cache knows of them.
pub struct Fonts<'a> {
    pub store: &'a FontStore,
    /// Digests of the organisation's own font files.
    pub own: Vec<[u8; 32]>,
}

/// Typesets `markup`, made for `job` with the site's `template` (its file
/// and text, read once for every document); or takes it from the cache.
fn typeset(
    fs: &dyn FileSystem,
    fonts: &Fonts,
    (template_file, template_text): &(String, String),
    site: &Site,
    (ri, only): Job,
    markup: markup::Markup,
    store: Option<&cache::PdfCache>,
) -> Result<Pdf, Diagnostic> {
    let report = &site.reports[ri];
    if memory_needed(&markup) > MAX_PDF_MEMORY {
        return Err(too_large(site, ri, only, &markup));
    }
    let main_text = markup.text;
    let contents = markup.contents;
    let published = report.meta.published;
    let date = Datetime::from_ymd(
        published.year() as i32,
        published.month() as u8,
        published.day() as u8,
    )
    .unwrap_or(Datetime::from_ymd(1970, 1, 1).expect("a valid date"));
    let ident = match only {
        Some(ci) => format!("rapport:{}/{}", report.slug, report.chapters[ci].slug),
        None => format!("rapport:{}", report.slug),
    };
    let words = markup::words(&site.config.strings);
    let key = store.map(|_| {
        cache::PdfCache::key(&cache::Inputs {
            main: &main_text,
            template: template_text,
            words: &words,
            contents: &contents,
            date: &published.to_string(),
            ident: &ident,
            fonts: &fonts.own,
        })
    });
    if let (Some(store), Some(key)) = (store, &key)
        && let Some(hit) = store.get(key, |path| fs.read(path).ok())
    {
        return Ok(Pdf {
            bytes: hit.bytes,
            pages: hit.pages,
            warning: hit.unsettled.then(|| unsettled_layout(site, ri, only)),
        });
    }
    let world = ReportWorld {
        main: Source::new(file_id("main.typ"), main_text),
        template: Source::new(file_id(TEMPLATE_FILE), template_text.clone()),
        words: Source::new(file_id("words.typ"), words),
        contents: Source::new(file_id("contents.typ"), contents),
        fs,
        fonts: fonts.store,
        today: date,
        read: std::sync::Mutex::default(),
    };
    let problem = |errors: &[_]| world.problem(errors, &report.slug, template_file);
    let compiled = typst::compile::<PagedDocument>(&world);
    let unsettled = compiled
        .warnings
        .iter()
        .any(|w| w.message.contains("did not converge") || w.message.contains("did not stabilize"));
    let doc = compiled.output.map_err(|e| problem(&e))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some(format!("rapport {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
        standards: typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1])
            .expect("PDF/UA-1 is a valid standard on its own"),
        ..Default::default()
    };
    let bytes = typst_pdf::pdf(&doc, &options).map_err(|e| problem(&e))?;
    if let (Some(store), Some(key)) = (store, &key) {
        let mut read = world.read.into_inner().unwrap_or_default();
        read.sort();
        read.dedup();
        store.put(key, &bytes, doc.pages().len(), unsettled, &read);
    }
    Ok(Pdf {
        bytes,
        pages: doc.pages().len(),
        warning: unsettled.then(|| unsettled_layout(site, ri, only)),
    })
}

/// What a PDF is of ("report" or "chapter") and the file a problem with it
/// points at: the report's report.yaml, or the chapter's file.
fn document_file(site: &Site, ri: usize, only: Option<usize>) -> (&'static str, String) {
    let report = &site.reports[ri];
    match only {
        Some(ci) => ("chapter", report.chapters[ci].file.clone()),
        None => (
            "report",
            crate::vfs::join(&report.dir, crate::content::REPORT_FILE),
        ),
    }
}

/// A document whose layout did not settle: its page numbers, contents or
/// running headers may be wrong (a template that moves content by where
/// it falls on the page can chase its own tail). Published, but said.
fn unsettled_layout(site: &Site, ri: usize, only: Option<usize>) -> Diagnostic {
    let (what, file) = document_file(site, ri, only);
    Diagnostic::warning(
        "pdf-layout",
        format!("the PDF of this {what} did not settle its layout: its page numbers, contents or running headers may be wrong"),
    )
    .in_file(file)
    .at_line(1, 1)
    .with_hint("check the PDF; if the site has its own templates/report.typ, look for placement that depends on the position on the page (`here().position()`), which the default template avoids")
}

/// The problem with a document whose PDF would need more than
/// [`MAX_PDF_MEMORY`], at the top of its report.yaml (or its chapter).
fn too_large(site: &Site, ri: usize, only: Option<usize>, m: &markup::Markup) -> Diagnostic {
    let gb = |bytes: u64| bytes as f64 / (1u64 << 30) as f64;
    let (what, file) = document_file(site, ri, only);
    let text = m.text.len() as u64;
    Diagnostic::error(
        "pdf-too-large",
        format!(
            "the PDF of this {what} would need about {:.2} GB of memory to typeset; the limit is {:.2} GB",
            gb(memory_needed(m)),
            gb(MAX_PDF_MEMORY)
        ),
    )
    .in_file(file)
    .at_line(1, 1)
    .with_hint(format!(
        "it holds {:.1} MB of text (about {:.1} GB to typeset), {} table cells (about {:.1} GB) and {} megapixels of images (about {:.1} GB): split it into two reports, shorten its longest tables, or resize its images to at most 2,500 pixels wide",
        text as f64 / (1024.0 * 1024.0),
        gb(text * PER_MARKUP_BYTE),
        grouped(m.table_cells),
        gb(m.table_cells * PER_TABLE_CELL),
        grouped(m.image_pixels / 1_000_000),
        gb(m.image_pixels * PER_PIXEL),
    ))
}

/// The image file a Typst error points at, if it points at one of the
/// `#image("/path", ...)` calls [`markup`] writes.
fn image_named(world: &ReportWorld, e: &typst::diag::SourceDiagnostic) -> Option<String> {
    if e.span.id() != Some(world.main.id()) {
        return None;
    }
    let range = world.range(e.span)?;
    let text = world.main.text();
    let at = text.get(range)?;
    let path = at.split('"').nth(1)?.strip_prefix('/')?;
    world.fs.is_file(path).then(|| path.to_string())
}

fn grouped(n: u64) -> String {
    crate::data::format::grouped(rust_decimal::Decimal::from(n), 0)
}

fn template_text_line(source: &Source, offset: usize) -> u32 {
    source.text()[..offset.min(source.text().len())]
        .matches('\n')
        .count() as u32
        + 1
}

/// Every PDF the site asks for, one after another: (report, chapter or
/// None for the whole report) and the result.
pub type Job = (usize, Option<usize>);

/// A job for each PDF route: every report's, then every chapter's.
pub fn jobs(routes: &Routes) -> Vec<Job> {
    let reports = routes.reports.iter().enumerate();
    let mut jobs: Vec<Job> = reports
        .clone()
        .filter(|(_, rr)| rr.pdf.is_some())
        .map(|(ri, _)| (ri, None))
        .collect();
    for (ri, rr) in reports {
        let chapters = rr.chapters.iter().enumerate();
        jobs.extend(
            chapters
                .filter(|(_, c)| c.pdf.is_some())
                .map(|(ci, _)| (ri, Some(ci))),
        );
    }
    jobs
}

pub fn render_all(
    fs: &dyn FileSystem,
    site: &Site,
    routes: &Routes,
    jobs: &[Job],
    store: Option<&cache::PdfCache>,
) -> Vec<Result<Arc<Pdf>, Diagnostic>> {
    render_unless(fs, site, routes, jobs, store, &|| false).unwrap_or_default()
}

/// [`render_all`], stopped between documents once `stop` says so (`rapport
/// serve`, when a newer save has made the PDFs stale): then `None`, and the
/// cache forgets nothing. A document being typeset is finished first, since
/// Typst cannot be stopped half way.
pub fn render_unless(
    fs: &dyn FileSystem,
    site: &Site,
    routes: &Routes,
    jobs: &[Job],
    store: Option<&cache::PdfCache>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<Result<Arc<Pdf>, Diagnostic>>> {
    // The organisation's own font files join the embedded ones.
    let own_store;
    let mut own = Vec::new();
    let store_of_fonts: &FontStore = match &site.config.branding.font {
        Some(f) if !f.files.is_empty() => {
            let mut fonts = embedded_fonts();
            for file in &f.files {
                if let Ok(bytes) = fs.read(file) {
                    own.push(cache::digest(&bytes));
                    add_font_file(&mut fonts, bytes);
                }
            }
            own_store = fonts;
            &own_store
        }
        _ => &FONTS,
    };
    let fonts = Fonts {
        store: store_of_fonts,
        own,
    };
    // Typst parallelises within a document, but leaves a core idle much of
    // the time, so documents are typeset side by side, a batch at a time:
    // as many as there are threads, as long as their estimated memory
    // together stays within one document's limit. Typst's process-wide
    // memo cache is emptied after each batch (never while a document is
    // being typeset, which would throw away work it still needs): a build
    // never typesets the same document twice, and a large site's PDFs
    // would otherwise pile up in memory.
    let template = template(fs, site);
    let notes = markup::NoteNumbers::for_template(&template.1);
    let markups: Vec<markup::Markup> = jobs
        .par_iter()
        .map(|&(ri, only)| markup::document_with(site, routes, ri, only, notes))
        .collect();
    let needs: Vec<u64> = markups.iter().map(memory_needed).collect();
    // Batches are consecutive, so the markups are taken in order.
    let mut work = jobs.iter().zip(markups);
    let mut pdfs = Vec::with_capacity(jobs.len());
    for batch in batches(&needs, rayon::current_num_threads(), MAX_PDF_MEMORY) {
        if stop() {
            typst::comemo::evict(0);
            return None;
        }
        let batch: Vec<_> = work.by_ref().take(batch.len()).collect();
        pdfs.par_extend(batch.into_par_iter().map(|(&job, markup)| {
            typeset(fs, &fonts, &template, site, job, markup, store).map(Arc::new)
        }));
        typst::comemo::evict(0);
    }
    // Only after a build that made every PDF: one that stopped at a
    // problem would forget the PDFs it did not get to.
    if let Some(store) = store
        && pdfs.iter().all(Result::is_ok)
    {
        store.forget_the_rest();
    }
    Some(pdfs)
}

/// The jobs (by index) typeset together: in order, up to `threads` at a
/// time, while their estimated memory (`needs`) adds up to at most
/// `budget`. A job over the budget on its own is in a batch by itself
/// (and refused when typeset).
fn batches(needs: &[u64], threads: usize, budget: u64) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut held = 0u64;
    for (i, &need) in needs.iter().enumerate() {
        match out.last_mut() {
            Some(batch) if batch.len() < threads.max(1) && held.saturating_add(need) <= budget => {
                batch.push(i);
                held += need;
            }
            _ => {
                out.push(vec![i]);
                held = need;
            }
        }
    }
    out
}

/// The weight (100-900) and whether it is italic, of each face in a font
/// file, for the web page's `@font-face` rules.
pub fn font_faces(bytes: Vec<u8>) -> Vec<(u16, bool)> {
    Font::iter(Bytes::new(bytes))
        .map(|f| {
            let v = f.info().variant;
            (
                v.weight.to_number(),
                v.style != typst::text::FontStyle::Normal,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The site in `fs`, loaded as a build loads it.
    fn load(fs: &crate::vfs::MemoryFs) -> Site {
        let diags = crate::diagnostics::Diagnostics::new();
        let sources = crate::diagnostics::SourceMap::default();
        let opts = crate::build::BuildOptions::default();
        crate::build::load(fs, &opts, &diags, &sources, &mut Default::default())
            .expect("the site loads")
    }

    /// The PDF entries in a cache folder.
    fn kept(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir.join("pdf"))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            .count()
    }

    #[test]
    fn typesetting_told_to_stop_finishes_the_document_in_hand_and_forgets_no_cached_pdf() {
        let mut fs = crate::vfs::MemoryFs::new();
        fs.add("site.yaml", "title: T\norganisation: O\n");
        for r in ["a", "b", "c"] {
            fs.add(
                &format!("content/{r}/report.yaml"),
                format!("title: Report {r}\npublished: 2024-01-01\n"),
            )
            .add(
                &format!("content/{r}/01-one.md"),
                "---\ntitle: One\n---\n\nSome text.\n",
            );
        }
        let site = load(&fs);
        let routes = Routes::new(&site);
        let jobs = jobs(&routes);
        assert_eq!(jobs.len(), 3);
        // One thread: one document at a time.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = cache::PdfCache::open(dir.path()).unwrap();
        let asked = std::sync::atomic::AtomicUsize::new(0);
        // Told to stop after the first document.
        let stop = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) > 0;
        let made = one.install(|| render_unless(&fs, &site, &routes, &jobs, Some(&store), &stop));
        assert!(made.is_none());
        assert_eq!(asked.into_inner(), 2, "it did not stop between documents");
        assert_eq!(kept(dir.path()), 1, "only the first document was typeset");

        // A whole run keeps all three; one stopped at once forgets none.
        let store = cache::PdfCache::open(dir.path()).unwrap();
        let made = render_unless(&fs, &site, &routes, &jobs, Some(&store), &|| false).unwrap();
        assert!(made.iter().all(Result::is_ok));
        assert_eq!(kept(dir.path()), 3);
        let store = cache::PdfCache::open(dir.path()).unwrap();
        assert!(render_unless(&fs, &site, &routes, &jobs, Some(&store), &|| true).is_none());
        assert_eq!(kept(dir.path()), 3);
    }

    #[test]
    fn notes_are_numbered_through_the_report_unless_the_template_speaks_of_footnotes() {
        let mut fs = crate::vfs::MemoryFs::new();
        fs.add("site.yaml", "title: T\norganisation: O\n")
            .add(
                "content/r/report.yaml",
                "title: R\npublished: 2024-01-01\n",
            )
            .add(
                "content/r/01-one.md",
                "---\ntitle: One\n---\n\nA.[^a] B.[^b] A again.[^a]\n\n[^a]: First.\n[^b]: Second.\n",
            )
            .add(
                "content/r/02-two.md",
                "---\ntitle: Two\n---\n\nC.[^c]\n\n[^c]: Third.\n",
            );
        let site = load(&fs);
        let routes = Routes::new(&site);
        let numbers = |notes| {
            let text = markup::document_with(&site, &routes, 0, None, notes).text;
            // Each note's number where it is placed, then where it is cited
            // again, in the order of the text.
            let given: Vec<String> = text
                .split("numbering: _ => \"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().to_string())
                .collect();
            (given, text.matches("#footnote").count())
        };
        // Each chapter's notes start again at 1 in its source; the PDF's
        // run on, and a note cited again keeps its number.
        assert_eq!(
            numbers(markup::NoteNumbers::Rapport),
            (vec!["1".into(), "2".into(), "1".into(), "3".into()], 4)
        );
        assert_eq!(numbers(markup::NoteNumbers::Typst), (vec![], 4));
        assert_eq!(
            markup::NoteNumbers::for_template(default_template()),
            markup::NoteNumbers::Rapport
        );
        assert_eq!(
            markup::NoteNumbers::for_template("#set footnote(numbering: \"*\")"),
            markup::NoteNumbers::Typst
        );
    }

    /// The layout passes Typst makes to typeset the first report of the
    /// site in `fs`, counted from its own timing trace: one `iter (n)` scope
    /// a pass, on the thread that compiles (this one, marked first).
    fn layout_passes(fs: &crate::vfs::MemoryFs) -> usize {
        let site = load(fs);
        let fonts = Fonts {
            store: &FONTS,
            own: Vec::new(),
        };
        // The trace is the process's: one count at a time.
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        typst_timing::enable();
        drop(typst_timing::TimingScope::new("rapport: this thread"));
        let pdf = typeset(
            fs,
            &fonts,
            &template(fs, &site),
            &site,
            (0, None),
            markup::document(&site, 0, None),
            None,
        );
        typst_timing::disable();
        let mut trace = Vec::new();
        typst_timing::export_json(&mut trace, |_| (String::new(), 0)).unwrap();
        let events: Vec<serde_json::Value> = serde_json::from_slice(&trace).unwrap();
        let pdf = pdf.unwrap_or_else(|e| panic!("the PDF is made: {}", e.message));
        assert!(pdf.warning.is_none(), "the layout settles");
        let thread = events
            .iter()
            .find(|e| e["name"] == "rapport: this thread")
            .map(|e| e["tid"].clone())
            .expect("the trace marks this thread");
        events
            .iter()
            .filter(|e| e["tid"] == thread && e["ph"] == "B")
            .filter(|e| e["name"].as_str().is_some_and(|n| n.starts_with("iter (")))
            .count()
    }

    /// A site of one report whose `chapters` chapters each have two
    /// sections, and `extra` appended to the first.
    fn long_report(chapters: usize, extra: &str) -> crate::vfs::MemoryFs {
        let mut fs = crate::vfs::MemoryFs::new();
        fs.add("site.yaml", "title: T\norganisation: O\n")
            .add("content/r/report.yaml", "title: R\npublished: 2024-01-01\n");
        for c in 0..chapters {
            let mut text = format!(
                "---\ntitle: Chapter {c}\n---\n\n## First\n\nSome text.\n\n## Second\n\nMore text.\n"
            );
            if c == 0 {
                text.push_str(extra);
            }
            fs.add(&format!("content/r/{c:02}-chapter-{c}.md"), text);
        }
        fs
    }

    /// A contents page that ran over its page moved every page after it
    /// once Typst's outline filled it on the second layout pass, which cost
    /// a third. The template's draft of the contents (`contents.typ`) gives
    /// the body its pages on the first.
    #[test]
    fn a_contents_page_that_runs_over_its_page_settles_in_two_layout_passes() {
        // 30 chapters, 90 lines of contents: two pages.
        let mut fs = long_report(30, "");
        assert_eq!(layout_passes(&fs), 2);
        // Without the draft, the count above would have been three: the
        // same template setting the outline alone.
        let outline_alone = default_template().replace(
            "if lines <= 40 { contents } else {",
            "if true { contents } else {",
        );
        assert_ne!(outline_alone, default_template());
        fs.add("templates/report.typ", outline_alone);
        assert_eq!(layout_passes(&fs), 3);
    }

    /// A table of the recommendations, each title a link to its page, cost
    /// a third layout pass: on the first, a Typst link to a label not yet
    /// placed set nothing, not even its words, so the pages after it moved
    /// on the second. Such links now keep their words on the first pass.
    /// A paragraph of links many lines long stands in for the table here.
    #[test]
    fn links_to_places_in_the_report_keep_their_words_on_the_first_layout_pass() {
        // Set without its words, the paragraph would be a line or two.
        let links = format!(
            "\n{}\n",
            "see [the last chapter](09-chapter-9.md), ".repeat(300)
        );
        assert_eq!(layout_passes(&long_report(10, &links)), 2);
    }

    #[test]
    fn documents_are_typeset_side_by_side_within_the_memory_budget() {
        // Two threads: pairs, in order.
        assert_eq!(
            batches(&[1, 1, 1, 1, 1], 2, 10),
            vec![vec![0, 1], vec![2, 3], vec![4]]
        );
        // Two that together exceed the budget are typeset one after the
        // other, however many threads there are.
        assert_eq!(batches(&[6, 6, 3, 1], 4, 10), vec![vec![0], vec![1, 2, 3]]);
        // One over the budget on its own is alone (and refused later).
        assert_eq!(batches(&[20, 1, 1], 2, 10), vec![vec![0], vec![1, 2]]);
        // One thread: one at a time.
        assert_eq!(batches(&[1, 1], 1, 10), vec![vec![0], vec![1]]);
    }
}
