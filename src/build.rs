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
    /// Leave out the PDF edition (for a fast live preview).
    pub no_pdf: bool,
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
        (Some(site), Some((pages, _))) => {
            pages.record_variables();
            let _ = pages.render_all(site);
            pages.recorded_variables()
        }
        _ => Vec::new(),
    };
    (recorded, p.diags.sorted())
}

/// Loads and renders the whole site in memory. Nothing is written.
pub fn render_in_memory(fs: &dyn FileSystem, opts: &BuildOptions) -> Outcome {
    let mut p = prepare_in_memory(fs, opts);
    let output = match (&p.site, p.pages.take()) {
        (Some(site), Some((pages, mut out))) => {
            let rendered = p.timings.time("pages", || pages.render_all(site));
            let mut failed = false;
            for (path, result) in rendered {
                match result {
                    Ok(html) => {
                        out.files.insert(path, OutputFile::Bytes(html));
                    }
                    Err(d) => {
                        failed = true;
                        p.diags.push(d);
                    }
                }
            }
            (!failed).then_some(out)
        }
        _ => None,
    };
    let mut output = output;
    if !opts.no_search
        && let (Some(site), Some(out)) = (&p.site, &mut output)
        && !p.diags.has_errors()
    {
        let indexed = p
            .timings
            .time("search", || crate::search::index(site, &out.files));
        match indexed {
            Ok(files) => out.files.extend(files),
            Err(d) => p.diags.push(d),
        }
    }
    let diagnostics = p.diagnostics();
    Outcome {
        site: p.site,
        output,
        diagnostics,
        sources: p.sources,
        timings: p.timings,
    }
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
    let diagnostics = p.diagnostics();
    Outcome {
        site: p.site,
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
/// every pass: the site as the renderer takes it.
pub fn load(
    fs: &dyn FileSystem,
    opts: &BuildOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
    timings: &mut Timings,
) -> Option<Site> {
    let load = LoadOptions {
        drafts: opts.drafts,
        cache: opts.cache.clone(),
    };
    let mut site = timings.time("load", || content::load_site(fs, &load, diags, sources))?;
    if let Some(url) = &opts.base_url {
        match crate::config::normalise_base_url(url) {
            Ok(url) => site.config.base_url = url,
            Err(why) => diags.push(
                Diagnostic::error("bad-base-url", format!("--base-url: {why}"))
                    .config()
                    .with_hint(crate::config::BASE_URL_HINT),
            ),
        }
    }
    site.config.preview = opts.preview;
    site.config.pdf = !opts.no_pdf;
    site.config.cache_dir = opts.cache_dir.clone();
    if let Some(cms) = &mut site.config.cms {
        cms.local_backend = opts.cms_local_backend.clone();
    }
    let cx = PassContext { fs, diags, sources };
    for (name, pass) in PASSES {
        timings.time(name, || pass(&mut site, &cx));
    }
    Some(site)
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
    let pages = site
        .as_ref()
        .and_then(|s| render::prepare(fs, s, &diags, &sources, &mut timings));
    Prepared {
        site,
        pages,
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
    let written = match (&p.site, p.pages.take()) {
        (Some(site), Some((pages, files))) => {
            let w = Writer { lock: &lock, out };
            write_pages(site, &pages, files, w, opts, &p.diags, &mut p.timings)
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
/// other files and the search index, and swaps it in if nothing failed;
/// returns the paths written. Every problem goes to `diags`.
fn write_pages(
    site: &Site,
    pages: &render::Pages,
    files: Output,
    Writer { lock, out }: Writer<'_>,
    opts: &BuildOptions,
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
    let mut written: Vec<String> = files.files.keys().cloned().collect();
    if let Some(staging) = &staging
        && let Err(e) = files
            .files
            .par_iter()
            .try_for_each(|(path, file)| staging.write(path, file))
    {
        diags.push(cannot_write(e));
    }
    drop(files);
    let page_paths = std::sync::Mutex::new(Vec::new());
    timings.time("pages", || {
        pages.render_each(site, &|(path, result)| match result {
            Ok(html) => {
                if let Some(staging) = &staging
                    && let Err(e) = staging.write(&path, &OutputFile::Bytes(html))
                {
                    diags.push(cannot_write(e));
                }
                page_paths
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(path);
            }
            Err(d) => diags.push(d),
        });
    });
    let staging = staging.filter(|_| !diags.has_errors())?;
    let mut page_paths = page_paths.into_inner().unwrap_or_else(|e| e.into_inner());
    page_paths.sort();
    written.extend(page_paths);
    if !opts.no_search {
        let paths: Vec<&str> = written.iter().map(String::as_str).collect();
        let indexed = timings.time("search", || {
            crate::search::index_pages(site, &paths, &|path| staging.read(path).ok())
        });
        match indexed {
            Ok(index) => {
                for (path, file) in &index {
                    if let Err(e) = staging.write(path, file) {
                        diags.push(cannot_write(e));
                        return None;
                    }
                }
                written.extend(index.into_keys());
            }
            Err(d) => {
                diags.push(d);
                return None;
            }
        }
    }
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

fn failed(d: Diagnostic) -> Outcome {
    Outcome {
        site: None,
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
