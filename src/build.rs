//! The pipeline, in order: [`load`] reads the site and runs [`PASSES`];
//! `render::prepare` makes everything but the pages; the pages are rendered,
//! the search index is made from them, and `output` writes the lot.
//! `build`, `check` and `serve` all call these same functions, so what
//! `check` accepts is what `build` builds. docs/architecture.md walks
//! through each step.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::content::{self, LoadOptions};
use crate::diagnostics::{Class, Diagnostic, Diagnostics, SourceMap};
use crate::model::Site;
use crate::output::{self, Output, OutputFile};
use crate::render;
pub use crate::timings::Timings;
use crate::vfs::FileSystem;
use rayon::prelude::*;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include draft reports and chapters.
    pub drafts: bool,
    /// Replaces `base_url` from site.yaml (for preview deploys).
    pub base_url: Option<String>,
    /// A preview build: every page says it is not published, and search
    /// engines are asked not to index it.
    pub preview: bool,
    /// Leave out the PDF edition.
    pub no_pdf: bool,
    /// Typeset no PDF here, but link the pages to these PDFs, made by the
    /// caller (the live preview, after the reload: [`render::LaterPdfs`]).
    /// The PDFs' routes are there, unless `no_pdf`.
    pub pdf_later: Option<std::sync::Arc<render::LaterPdfs>>,
    /// Files parsed by the previous build (`rapport serve`).
    pub cache: Option<std::sync::Arc<crate::parse_cache::ParseCache>>,
    /// Leave out the search index (`check`, which writes nothing, and the
    /// live preview, which indexes after it has reloaded the page).
    pub no_search: bool,
    /// A folder of results kept between builds (`--cache`, [`crate::build_cache`]).
    pub cache_dir: Option<std::path::PathBuf>,
    /// `rapport serve --cms`: the address of the local backend the
    /// editor's config.yml names (`local_backend:`).
    pub cms_local_backend: Option<String>,
}

/// What a run produced: the problems found, and the site when it rendered.
pub struct Outcome {
    pub site: Option<Site>,
    /// The site's further languages, each with its folder (`cy/`), when
    /// rendered in memory.
    pub translations: Vec<(String, Site)>,
    pub output: Option<Output>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
    /// How long each phase took, in order (`rapport build --timings`).
    pub timings: Timings,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// 0 when there are no errors, 2 when any error is about configuration,
    /// the theme or the output folder, otherwise 1.
    pub fn exit_code(&self) -> i32 {
        let errors: Vec<_> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        if errors.is_empty() {
            0
        } else if errors.iter().any(|d| d.class == Class::Config) {
            2
        } else {
            1
        }
    }
}

/// The variables every page's template receives, from a build of the
/// site in memory: what the tests compare with the theme reference in
/// docs/themes.md. Empty when the site does not build.
pub fn page_variables(
    fs: &dyn FileSystem,
    opts: &BuildOptions,
) -> (Vec<crate::render::templates::RecordedPage>, Vec<Diagnostic>) {
    let mut p = prepare_in_memory(fs, opts);
    let recorded = match (&p.site, p.pages.as_mut()) {
        (Some(site), Some((pages, files))) => {
            pages.record_variables();
            let _ = pages.render_all(site);
            let _ = root_files(site, pages, files, &p.translations, &p.diags);
            pages.recorded_variables()
        }
        _ => Vec::new(),
    };
    (recorded, p.diags.sorted())
}

/// Loads and renders the whole site in memory. Nothing is written.
pub fn render_in_memory(fs: &dyn FileSystem, opts: &BuildOptions) -> Outcome {
    let mut p = prepare_in_memory(fs, opts);
    let root = match (&p.site, &p.pages) {
        (Some(site), Some((pages, files))) => {
            root_files(site, pages, files, &p.translations, &p.diags)
        }
        _ => Vec::new(),
    };
    let mut output = match (&p.site, p.pages.take()) {
        (Some(site), Some((pages, out))) => {
            render_language(site, &pages, out, &p.diags, &mut p.timings)
        }
        _ => None,
    };
    if let (Some(site), Some(out)) = (&p.site, &mut output) {
        out.files = under(&default_prefix(site), std::mem::take(&mut out.files));
        out.files.extend(root);
    }
    let mut translations = Vec::new();
    for t in std::mem::take(&mut p.translations) {
        let files = t.pages.and_then(|(pages, out)| {
            render_language(&t.site, &pages, out, &p.diags, &mut p.timings)
        });
        if let (Some(out), Some(files)) = (&mut output, files) {
            out.files.extend(under(&t.prefix, files.files));
        }
        translations.push((t.prefix, t.site));
    }
    let diagnostics = p.diagnostics();
    Outcome {
        site: p.site,
        translations,
        output,
        diagnostics,
        sources: p.sources,
        timings: p.timings,
    }
}

/// One language's pages rendered into its other files (which hold its
/// search index, made by [`render::prepare`]); `None` when any page failed.
fn render_language(
    site: &Site,
    pages: &render::Pages,
    mut out: Output,
    diags: &Diagnostics,
    timings: &mut Timings,
) -> Option<Output> {
    let rendered = timings.time("pages", || pages.render_all(site));
    let mut failed = false;
    for (path, result) in rendered {
        match result {
            Ok(html) => {
                out.files.insert(path, OutputFile::Bytes(html));
            }
            Err(d) => {
                failed = true;
                diags.push(d);
            }
        }
    }
    if failed {
        return None;
    }
    Some(out)
}

/// A language's files at their paths under its folder (`cy/`); the files
/// a site has once, at its root, are left out of a language in a folder.
fn under(
    prefix: &str,
    files: std::collections::BTreeMap<String, OutputFile>,
) -> std::collections::BTreeMap<String, OutputFile> {
    if prefix.is_empty() {
        return files;
    }
    files
        .into_iter()
        .filter(|(path, _)| !only_at_the_root(path))
        .map(|(path, file)| (format!("{prefix}{path}"), file))
        .collect()
}

/// Files a site has once, at its root, whatever its languages.
fn only_at_the_root(path: &str) -> bool {
    path == "robots.txt"
}

/// The default language's folder (`en/`), or empty at the site root.
fn default_prefix(site: &Site) -> String {
    site.config.language_prefix()
}

/// What the site root holds when no language is published there
/// (`language_path:`): a page that leads to each language's home page,
/// `robots.txt`, and the default language's 404 page, which hosts serve
/// for any address.
fn root_files(
    site: &Site,
    pages: &render::Pages,
    files: &Output,
    translations: &[Translation],
    diags: &Diagnostics,
) -> Vec<(String, OutputFile)> {
    let languages = &site.config.languages;
    if languages.is_empty() || languages.iter().any(|l| l.path.is_empty()) {
        return Vec::new();
    }
    let root_base = site
        .config
        .base_url
        .strip_suffix(&default_prefix(site))
        .unwrap_or(&site.config.base_url);
    let config_of = |i: usize| {
        std::iter::once(&site.config)
            .chain(translations.iter().map(|t| &t.site.config))
            .find(|c| c.current_language == i)
    };
    let choices: Vec<render::view::LanguageChoice> = crate::config::languages::in_order(languages)
        .into_iter()
        .filter_map(|i| {
            let c = config_of(i)?;
            let lang = &languages[i];
            Some(render::view::LanguageChoice {
                tag: lang.tag.clone(),
                name: lang.name.clone(),
                title: c.title.clone(),
                description: c.description.clone(),
                url: lang.prefix(),
                absolute: (!root_base.is_empty()).then(|| format!("{root_base}{}", lang.prefix())),
            })
        })
        .collect();
    let mut out = Vec::new();
    let canonical = (!root_base.is_empty()).then_some(root_base);
    match pages.render_language_choice(&choices, canonical) {
        Ok(html) => out.push(("index.html".to_string(), OutputFile::Bytes(html))),
        Err(d) => diags.push(d),
    }
    if let Some(robots) = files.files.get("robots.txt") {
        out.push(("robots.txt".to_string(), robots.clone()));
    }
    match pages.render(site, "404.html") {
        Some(Ok(html)) => out.push(("404.html".to_string(), OutputFile::Bytes(html))),
        Some(Err(d)) => diags.push(d),
        None => {}
    }
    out
}

/// Everything a build checks, with nothing kept: every page is rendered (to
/// find template problems) and let go, as in [`build_to_disk`], so `rapport
/// check` needs no more memory than a build. The outcome has no output.
pub fn check_in_memory(fs: &dyn FileSystem, opts: &BuildOptions) -> Outcome {
    let mut p = prepare_in_memory(fs, opts);
    if let (Some(site), Some((pages, _))) = (&p.site, p.pages.take()) {
        let diags = &p.diags;
        p.timings.time("pages", || {
            pages.render_each(site, &|(_, result)| {
                if let Err(d) = result {
                    diags.push(d);
                }
            })
        });
    }
    for t in &p.translations {
        if let Some((pages, _)) = &t.pages {
            pages.render_each(&t.site, &|(_, result)| {
                if let Err(d) = result {
                    p.diags.push(d);
                }
            });
        }
    }
    let diagnostics = p.diagnostics();
    Outcome {
        site: p.site,
        translations: Vec::new(),
        output: None,
        diagnostics,
        sources: p.sources,
        timings: p.timings,
    }
}

/// A site loaded, checked and ready to render, with every file but the
/// pages made ([`render::prepare`]). `rapport serve` renders its pages as
/// they are asked for; [`render_in_memory`] renders them all.
pub struct Prepared {
    pub site: Option<Site>,
    pub pages: Option<(render::Pages, Output)>,
    /// The site's further languages, each prepared the same way.
    pub translations: Vec<Translation>,
    diags: Diagnostics,
    pub sources: SourceMap,
    pub timings: Timings,
}

impl Prepared {
    /// The problems found so far, in a stable order, less the editorial
    /// checks the site turned off.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut diagnostics = self.diags.sorted();
        if let Some(site) = &self.site {
            let off = &site.config.checks_off;
            diagnostics.retain(|d| d.is_error() || !off.iter().any(|c| c == d.code));
            let lowered = &site.config.checks_as_warnings;
            for d in &mut diagnostics {
                if lowered.iter().any(|c| c == d.code) {
                    d.severity = crate::diagnostics::Severity::Warning;
                }
            }
        }
        diagnostics
    }
}

/// What every pass gets besides the site: its files, where problems go,
/// and the text of every file read (for positions in messages).
pub struct PassContext<'a> {
    pub fs: &'a dyn FileSystem,
    pub diags: &'a Diagnostics,
    pub sources: &'a SourceMap,
}

/// A pass over the loaded site.
pub type Pass = fn(&mut Site, &PassContext);

/// The passes that complete a loaded site, in the order they run. Loading
/// reads each file on its own; these resolve what points elsewhere, so each
/// may rely on the ones before it: trackers are expanded once items know
/// their related items, tables and figures once trackers are in place,
/// links once every heading and table a link may name exists, and the
/// editorial checks read the finished site.
pub const PASSES: &[(&str, Pass)] = &[
    ("related", |site, cx| {
        crate::tracker::link_related(site, cx.diags)
    }),
    ("trackers", |site, cx| {
        crate::tracker::expand_components(site, cx.diags, cx.sources)
    }),
    ("data", |site, cx| {
        crate::data::expand::expand(site, cx.diags, cx.sources)
    }),
    ("links", |site, cx| {
        crate::links::resolve_links(cx.fs, site, cx.diags, cx.sources)
    }),
    ("checks", |site, cx| {
        crate::editorial::check(site, cx.sources, cx.diags)
    }),
];

/// Loads the site, applies the build's options to its settings and runs
/// every pass: the site as the renderer takes it. A site in more than one
/// language is its default language here; [`prepare_in_memory`] loads the
/// others.
pub fn load(
    fs: &dyn FileSystem,
    opts: &BuildOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
    timings: &mut Timings,
) -> Option<Site> {
    let config = crate::config::load(fs, diags, sources)?;
    if config.languages.is_empty() {
        load_with(fs, config, opts, diags, sources, timings)
    } else {
        let hiding = crate::translation::TranslatedFs::hiding(fs, &config);
        load_with(&hiding, config, opts, diags, sources, timings)
    }
}

/// [`load`] with the settings already read.
fn load_with(
    fs: &dyn FileSystem,
    config: crate::config::SiteConfig,
    opts: &BuildOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
    timings: &mut Timings,
) -> Option<Site> {
    let load = LoadOptions {
        drafts: opts.drafts,
        cache: opts.cache.clone(),
    };
    let mut site = timings.time("load", || {
        content::load_reports(fs, config, &load, diags, sources)
    });
    if let Some(url) = &opts.base_url {
        match crate::config::normalise_base_url(url) {
            Ok(url) => {
                site.config.base_url = url + &site.config.language_prefix();
            }
            Err(why) => diags.push(
                Diagnostic::error("bad-base-url", format!("--base-url: {why}"))
                    .config()
                    .with_hint(crate::config::BASE_URL_HINT),
            ),
        }
    }
    site.config.preview = opts.preview;
    site.config.pdf = !opts.no_pdf;
    site.config.cache_dir = (opts.cache_dir.as_deref()).map(|dir| site.config.language_cache(dir));
    if let Some(cms) = &mut site.config.cms {
        cms.local_backend = opts.cms_local_backend.clone();
    }
    let cx = PassContext { fs, diags, sources };
    for (name, pass) in PASSES {
        timings.time(name, || pass(&mut site, &cx));
    }
    Some(site)
}

/// Tells each language which pages every language has, for the links
/// between a page and its counterparts.
fn share_page_lists(site: &mut Site, pages: &render::Pages, translations: &mut [Translation]) {
    let mut lists = vec![std::collections::HashSet::new(); site.config.languages.len()];
    lists[0] = pages.paths().map(String::from).collect();
    for t in translations.iter() {
        if let Some((pages, _)) = &t.pages {
            lists[t.site.config.current_language] = pages.paths().map(String::from).collect();
        }
    }
    let lists = std::sync::Arc::new(lists);
    site.config.language_pages = lists.clone();
    for t in translations {
        t.site.config.language_pages = lists.clone();
    }
}

/// A further language of the site, loaded and prepared like the default
/// one, whose files are written under its folder (`cy/`).
pub struct Translation {
    /// The folder, with its slash: `cy/`.
    pub prefix: String,
    pub site: Site,
    pub pages: Option<(render::Pages, Output)>,
}

/// Loads and prepares each further language of `site`. Problems in a
/// translation name the translation's file; those the default language
/// has already reported are not repeated.
fn prepare_translations(
    fs: &dyn FileSystem,
    site: &Site,
    opts: &BuildOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Vec<Translation> {
    let mut out = Vec::new();
    // A preview (`rapport serve`, `--preview`) shows a change before its
    // translation is written; `build` and `check` refuse it.
    let mut lowered = site.config.checks_as_warnings.clone();
    if site.config.preview {
        lowered.push("missing-translation".to_string());
    }
    for index in 1..site.config.languages.len() {
        let found = Diagnostics::new();
        let own_sources = SourceMap::default();
        let mut timings = Timings::default();
        let Some(config) = crate::config::load_in(fs, &found, &own_sources, index) else {
            diags.extend(crate::translation::forward(
                found.sorted(),
                &Default::default(),
                &diags.sorted(),
                &lowered,
            ));
            continue;
        };
        let translated = crate::translation::translate(fs, &config, index, &found, &own_sources);
        // The parse cache of `rapport serve` knows files by name, and a
        // translated file has the original's name.
        let opts = BuildOptions {
            cache: None,
            ..opts.clone()
        };
        let prefix = config.languages[index].prefix();
        let Some(mut lang_site) = load_with(
            &translated.fs,
            config,
            &opts,
            &found,
            &own_sources,
            &mut timings,
        ) else {
            continue;
        };
        // Addresses are the default language's, whatever a report's items
        // are called in this one.
        for r in &mut lang_site.reports {
            if let Some(default) = site.reports.iter().find(|d| d.slug == r.slug) {
                r.tracker.label.dir = default.tracker.label.dir.clone();
            }
        }
        let search = SearchBeside::new(&lang_site, &opts, &found);
        let pages = render::prepare(
            &translated.fs,
            &lang_site,
            &found,
            &own_sources,
            &mut timings,
            &|p| search.index(p),
            opts.pdf_later.as_deref(),
        );
        for t in translated.renames.values() {
            if let Some(text) = own_sources.get(t) {
                sources.insert(t, text);
            }
        }
        diags.extend(crate::translation::forward(
            found.sorted(),
            &translated.renames,
            &diags.sorted(),
            &lowered,
        ));
        out.push(Translation {
            prefix,
            site: lang_site,
            pages,
        });
    }
    out
}

/// The search index of one language, made beside its PDF stage
/// ([`render::Beside`]) from its pages rendered one at a time as the
/// indexer asks for them, so they are never all held at once. Nothing is
/// indexed when the build leaves search out or already has errors (its
/// output would not be published).
struct SearchBeside<'a> {
    site: &'a Site,
    diags: &'a Diagnostics,
    on: bool,
    took: std::cell::Cell<Option<std::time::Duration>>,
}

impl<'a> SearchBeside<'a> {
    fn new(site: &'a Site, opts: &BuildOptions, diags: &'a Diagnostics) -> Self {
        SearchBeside {
            site,
            diags,
            on: !opts.no_search,
            took: std::cell::Cell::new(None),
        }
    }

    fn index(&self, pages: &render::Pages) -> Vec<(String, OutputFile)> {
        if !self.on || self.diags.has_errors() {
            return Vec::new();
        }
        let start = Instant::now();
        let paths: Vec<&str> = pages.paths().collect();
        // A page that does not render is reported when the pages are
        // rendered for writing, and the build fails then.
        let read = |path: &str| pages.render(self.site, path)?.ok();
        let made = crate::search::index_pages(self.site, &paths, &read);
        self.took.set(Some(start.elapsed()));
        match made {
            Ok(files) => files.into_iter().collect(),
            Err(d) => {
                self.diags.push(d);
                Vec::new()
            }
        }
    }

    /// How long indexing took, as the build's `search` phase.
    fn timed(&self, timings: &mut Timings) {
        if let Some(took) = self.took.get() {
            timings.0.push(("search", took));
        }
    }
}

/// Loads and checks the site and prepares its pages. Nothing is written.
pub fn prepare_in_memory(fs: &dyn FileSystem, opts: &BuildOptions) -> Prepared {
    let diags = Diagnostics::new();
    let sources = SourceMap::default();
    let mut timings = Timings::default();
    let site = load(fs, opts, &diags, &sources, &mut timings);
    if let Some(site) = &site {
        // From here on a chapter's text is needed only to show the lines
        // problems point at (rendering reads the trees, not the text).
        let chapters = site.reports.iter().flat_map(|r| &r.chapters);
        sources.release(chapters.map(|c| c.file.as_str()), &diags.files());
    }
    // Prepare (and later render) even when content has errors, so that
    // template problems are reported in the same run; the output is
    // discarded if anything failed.
    // A site in several languages is prepared without its translation
    // files, as it was loaded.
    let hiding = site
        .as_ref()
        .filter(|s| !s.config.languages.is_empty())
        .map(|s| crate::translation::TranslatedFs::hiding(fs, &s.config));
    let own_fs: &dyn FileSystem = match &hiding {
        Some(h) => h,
        None => fs,
    };
    let pages = site.as_ref().and_then(|s| {
        let search = SearchBeside::new(s, opts, &diags);
        let later = opts.pdf_later.as_deref();
        let pages = render::prepare(
            own_fs,
            s,
            &diags,
            &sources,
            &mut timings,
            &|p| search.index(p),
            later,
        );
        search.timed(&mut timings);
        pages
    });
    let mut translations = match &site {
        Some(s) if s.config.languages.len() > 1 => timings.time("languages", || {
            prepare_translations(fs, s, opts, &diags, &sources)
        }),
        _ => Vec::new(),
    };
    let mut site = site;
    if let (Some(site), Some((pages, _))) = (&mut site, &pages)
        && site.config.languages.len() > 1
    {
        share_page_lists(site, pages, &mut translations);
    }
    Prepared {
        site,
        pages,
        translations,
        diags,
        sources,
        timings,
    }
}

/// Builds the site in `site_dir` into `out`. The output folder is replaced
/// only when the whole build succeeded.
///
/// Unlike [`render_in_memory`], each page is written to a staging folder as
/// soon as it is rendered and then let go, and the search index reads the
/// pages back from there: holding every page until the end was most of a
/// large build's peak memory (docs/performance.md). The outcome's `output`
/// lists the files as written into `out`.
pub fn build_to_disk(site_dir: &Path, out: &Path, opts: &BuildOptions) -> Outcome {
    let fs = match crate::vfs::RealFs::new(site_dir) {
        Ok(fs) => fs,
        Err(e) => {
            return failed(crate::files::no_site_folder(site_dir, &e));
        }
    };
    // Where the output goes is checked before anything is locked or
    // written (the lock file sits beside the output folder).
    let target = match output::check_output_path(site_dir, out) {
        Ok(t) => t,
        Err(d) => return failed(d),
    };
    let waiting = || {
        eprintln!(
            "another rapport build is writing to {}; waiting for it to finish",
            out.display()
        )
    };
    let lock = match output::lock_output(target, &waiting) {
        Ok(l) => l,
        Err(d) => return failed(d),
    };
    // Checking that the old output is ours walks every file in it, which
    // on a large site's rebuild takes long enough to notice, so it runs
    // beside loading (which only reads the sources) rather than before it.
    let (checked, mut p) = std::thread::scope(|scope| {
        let check = scope.spawn(|| output::check_output_owned(&lock));
        let p = prepare_in_memory(&fs, opts);
        (check.join().expect("the output check does not panic"), p)
    });
    if let Err(d) = checked {
        return failed(d);
    }
    let translations = std::mem::take(&mut p.translations);
    let written = match (&p.site, p.pages.take()) {
        (Some(site), Some((pages, files))) => {
            let root = root_files(site, &pages, &files, &translations, &p.diags);
            let mut languages = vec![(default_prefix(site), site, &pages, &files)];
            for t in &translations {
                if let Some((pages, files)) = &t.pages {
                    languages.push((t.prefix.clone(), &t.site, pages, files));
                }
            }
            let w = Writer { lock: &lock, out };
            write_pages(languages, root, w, &p.diags, &mut p.timings)
        }
        _ => None,
    };
    let diagnostics = p.diagnostics();
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Outcome {
        output: written.filter(|_| !failed).map(|paths| Output {
            files: paths
                .into_iter()
                .map(|path| {
                    let on_disk = out.join(&path);
                    (path, OutputFile::Copy(on_disk))
                })
                .collect(),
        }),
        site: p.site,
        translations: Vec::new(),
        diagnostics,
        sources: p.sources,
        timings: p.timings,
    }
}

/// Where [`write_pages`] writes: the locked output folder, and its name as
/// the user gave it (for messages).
struct Writer<'a> {
    lock: &'a output::OutputLock,
    out: &'a Path,
}

/// Renders the pages into a staging folder beside the output, with the
/// other files (the search index among them), and swaps it in if nothing failed;
/// returns the paths written. Every problem goes to `diags`. A further
/// language is written the same way under its folder.
fn write_pages(
    languages: Vec<(String, &Site, &render::Pages, &Output)>,
    root: Vec<(String, OutputFile)>,
    Writer { lock, out }: Writer<'_>,
    diags: &Diagnostics,
    timings: &mut Timings,
) -> Option<Vec<String>> {
    let cannot_write = |e: std::io::Error| {
        Diagnostic::error(
            "write",
            format!("cannot write the site to {}: {e}", out.display()),
        )
        .config()
        .with_hint(
            "the previous output was left as it was; check the folder's permissions and free space",
        )
    };
    // Content errors fail the build, but the pages are still rendered to
    // find template problems in the same run; nothing is written then.
    let content_ok = !diags.has_errors();
    let staging = if content_ok {
        match output::Staging::create(lock) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.push(cannot_write(e));
                None
            }
        }
    } else {
        None
    };
    let mut written = Vec::new();
    for (path, file) in &root {
        if let Some(staging) = &staging
            && let Err(e) = staging.write(path, file)
        {
            diags.push(cannot_write(e));
        }
        written.push(path.clone());
    }
    for (prefix, site, pages, files) in &languages {
        let files = timings.time("pages", || {
            write_language(
                staging.as_ref(),
                prefix,
                site,
                pages,
                files,
                diags,
                &cannot_write,
            )
        });
        written.extend(files);
    }
    let staging = staging.filter(|_| !diags.has_errors())?;
    written.sort();
    let start = Instant::now();
    let swapped = staging.finish(written.iter().map(String::as_str));
    timings.0.push(("write", start.elapsed()));
    match swapped {
        Ok(()) => Some(written),
        Err(e) => {
            diags.push(cannot_write(e));
            None
        }
    }
}

/// Writes one language's files and pages under `prefix` (empty for the
/// default language) into the staging folder, when there is one. Returns
/// every path written.
fn write_language(
    staging: Option<&output::Staging>,
    prefix: &str,
    site: &Site,
    pages: &render::Pages,
    files: &Output,
    diags: &Diagnostics,
    cannot_write: &(dyn Fn(std::io::Error) -> Diagnostic + Sync),
) -> Vec<String> {
    let files: Vec<(String, &OutputFile)> = files
        .files
        .iter()
        .filter(|(path, _)| prefix.is_empty() || !only_at_the_root(path))
        .map(|(path, file)| (format!("{prefix}{path}"), file))
        .collect();
    if let Some(staging) = staging
        && let Err(e) = files
            .par_iter()
            .try_for_each(|(path, file)| staging.write(path, file))
    {
        diags.push(cannot_write(e));
    }
    let mut written: Vec<String> = files.into_iter().map(|(p, _)| p).collect();
    let page_paths = std::sync::Mutex::new(Vec::new());
    pages.render_each(site, &|(path, result)| match result {
        Ok(html) => {
            if let Some(staging) = staging
                && let Err(e) = staging.write(&format!("{prefix}{path}"), &OutputFile::Bytes(html))
            {
                diags.push(cannot_write(e));
            }
            page_paths
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(format!("{prefix}{path}"));
        }
        Err(d) => diags.push(d),
    });
    written.extend(page_paths.into_inner().unwrap_or_else(|e| e.into_inner()));
    written
}

fn failed(d: Diagnostic) -> Outcome {
    Outcome {
        site: None,
        translations: Vec::new(),
        output: None,
        diagnostics: vec![d],
        sources: SourceMap::default(),
        timings: Timings::default(),
    }
}

/// The default output folder: `output/` inside the site.
pub fn default_output(site_dir: &Path) -> PathBuf {
    site_dir.join("output")
}
