//! The rebuild worker: the one place the preview's site is rebuilt and the
//! one writer of what the server shows.
//!
//! The first build, every rebuild after a save, and the outcome of the
//! work done after a reload (every page rendered to find template
//! problems, then the search index) all go through one thread, in the
//! order they arrive: the watcher sends it the changed paths, the
//! background thread ([`background`]) sends back what it found. The worker
//! keeps the generation counter (one more for each burst of saves), which
//! the background thread only reads, to stop work a newer save has made
//! stale; and it publishes one result, [`Snapshot`], which the HTTP side
//! reads and never changes. Pages of a site prepared for the fast road
//! are rendered on request by the HTTP side from the published
//! [`LivePages`]: that is reading the result, not rebuilding it.
//!
//! A save that touches only `content/` takes the fast road: chapters and
//! recommendation files that did not change are not parsed again
//! ([`ParseCache`]), the site is loaded, checked and prepared as in a build
//! ([`prepare_in_memory`]), and the browser is told to reload at once. A
//! change to the theme, templates or settings rebuilds everything before
//! the reload ([`render_in_memory`]).
//!
//! The PDFs, every language's, are typeset last, after the reload and the
//! search index, since typesetting takes longer than everything else a
//! save starts. Until a newer PDF is ready, the last good one is served at
//! its address and the pages' links give its size ([`LaterPdfs`]); a PDF
//! cache in a folder of the server's own means only a report whose PDF
//! inputs changed is typeset again.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, mpsc};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use super::watch;
use crate::build::{BuildOptions, prepare_in_memory, render_in_memory};
use crate::diagnostics::render_human;
use crate::model::Site;
use crate::output::OutputFile;
use crate::parse_cache::ParseCache;
use crate::render::{LaterPdfs, Pages};
use crate::vfs::RealFs;

/// What the server is showing: the last good site, and the problems of the
/// latest build if it failed.
#[derive(Clone, Default)]
pub(super) struct Snapshot {
    pub files: Arc<BTreeMap<String, OutputFile>>,
    /// The search index (`pagefind/...`), possibly of an earlier build.
    pub search: Arc<BTreeMap<String, OutputFile>>,
    /// The last good PDFs, at their addresses, possibly of an earlier
    /// build.
    pub pdfs: Arc<BTreeMap<String, OutputFile>>,
    /// After a content-only change: the pages, rendered when asked for
    /// (`files` then holds everything else).
    pub pages: Option<Arc<LivePages>>,
    pub errors: Option<String>,
}

/// A prepared site whose pages render on request, each kept once made.
pub(super) struct LivePages {
    site: Site,
    pages: Pages,
    made: RwLock<BTreeMap<String, Arc<Vec<u8>>>>,
}

impl LivePages {
    pub fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
        if let Some(html) = self
            .made
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
        {
            return Some(html.clone());
        }
        // A template problem on this page is shown by the background check
        // (`validate`); until then the page is simply not there.
        let html = Arc::new(self.pages.render(&self.site, path)?.ok()?);
        self.made
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), html.clone());
        Some(html)
    }
}

/// What open pages are told through the live-reload stream.
#[derive(Clone, Debug)]
pub(super) enum Signal {
    Reload,
    Errors(String),
}

/// The worker's result, as the HTTP side reads it: the snapshot to serve,
/// and the signals for open pages.
pub(super) struct Published {
    snapshot: RwLock<Arc<Snapshot>>,
    pub signals: broadcast::Sender<Signal>,
}

impl Published {
    /// The snapshot being served now.
    pub fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the snapshot (only the worker does).
    fn store(&self, snapshot: Snapshot) {
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }

    fn signal(&self, signal: Signal) {
        // No page open is not a problem.
        let _ = self.signals.send(signal);
    }
}

/// Counts the bursts of saves seen. Only the worker advances it; work done
/// for an earlier count is stale and stops, so it never competes with the
/// rebuild the person is waiting for.
#[derive(Clone, Default)]
pub(super) struct Generation(Arc<AtomicU64>);

impl Generation {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    pub fn is_stale(&self, generation: u64) -> bool {
        self.current() != generation
    }

    fn advance(&self) -> u64 {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// What the worker is asked to do.
pub(super) enum Request {
    /// Files changed (from the watcher).
    Changed(Vec<PathBuf>),
    /// Every page of a site served on request was rendered, and some had
    /// template problems: `previous` is served again.
    Invalid {
        live: Arc<LivePages>,
        previous: Served,
        errors: String,
    },
    /// The search index of a build.
    Indexed {
        index: BTreeMap<String, OutputFile>,
        generation: u64,
    },
    /// The PDFs of a build, in every language, by address: each one's
    /// bytes and page count, or `None` where typesetting failed.
    // Without the PDF feature nothing is typeset.
    #[cfg_attr(not(feature = "pdf"), allow(dead_code))]
    Typeset {
        pdfs: BTreeMap<String, Option<(Vec<u8>, usize)>>,
        generation: u64,
    },
}

/// The files and pages a snapshot served.
pub(super) type Served = (Arc<BTreeMap<String, OutputFile>>, Option<Arc<LivePages>>);

/// The outcome of one build, for the terminal.
struct Rebuild {
    pages: usize,
    took: Duration,
    /// The warnings of a build that succeeded, rendered for people.
    warnings: Option<String>,
}

/// What one rebuild produced: the new files (all of them, or all but the
/// pages), the pages to render on request, the problems if it failed.
struct Built {
    files: Option<BTreeMap<String, OutputFile>>,
    /// After a full build: the model, for the search index.
    site: Option<Site>,
    /// The site's further languages, with their folders, for theirs.
    translations: Vec<(String, Site)>,
    pages: Option<Arc<LivePages>>,
    errors: Option<String>,
    rebuild: Rebuild,
}

impl Built {
    fn failed(errors: String, start: Instant) -> Built {
        Built {
            files: None,
            site: None,
            translations: Vec::new(),
            pages: None,
            errors: Some(errors),
            rebuild: Rebuild {
                pages: 0,
                took: start.elapsed(),
                warnings: None,
            },
        }
    }
}

/// How the site is built for the preview.
pub(super) struct Builder {
    pub site_dir: PathBuf,
    pub drafts: bool,
    pub addr: SocketAddr,
    pub cache: Arc<ParseCache>,
    /// `--cms`: the local backend's address, for the editor's config.yml.
    pub cms_backend: Option<String>,
    /// Where the PDF cache is kept: a folder of the server's own, never
    /// the site's.
    pub pdf_cache: PathBuf,
    /// The last good PDFs' sizes, for the pages' links.
    pub pdfs: Arc<LaterPdfs>,
}

impl Builder {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            drafts: self.drafts,
            base_url: Some(super::local_url(self.addr)),
            preview: true,
            no_pdf: !cfg!(feature = "pdf"),
            // Typeset after the reload, by `background`.
            pdf_later: Some(self.pdfs.clone()),
            cache: Some(self.cache.clone()),
            // Indexed after the reload, by `background`.
            no_search: true,
            cache_dir: None,
            cms_local_backend: self.cms_backend.clone(),
        }
    }

    fn open(&self) -> Result<RealFs, String> {
        RealFs::new(&self.site_dir).map_err(|e| {
            crate::files::no_site_folder(&self.site_dir, &e)
                .message
                .clone()
        })
    }

    /// Everything, rendered before the reload.
    fn full(&self) -> Built {
        let start = Instant::now();
        let fs = match self.open() {
            Ok(fs) => fs,
            Err(why) => return Built::failed(why, start),
        };
        let outcome = render_in_memory(&fs, &self.options());
        let took = start.elapsed();
        let report = (!outcome.diagnostics.is_empty())
            .then(|| render_human(&outcome.diagnostics, &outcome.sources, false));
        let has_errors = outcome.has_errors();
        let translations = outcome.translations;
        match (outcome.output, outcome.site) {
            (Some(out), Some(site)) if !has_errors => {
                let pages = out.files.keys().filter(|k| k.ends_with(".html")).count();
                Built {
                    files: Some(out.files),
                    site: Some(site),
                    translations,
                    pages: None,
                    errors: None,
                    rebuild: Rebuild {
                        pages,
                        took,
                        warnings: report,
                    },
                }
            }
            _ => Built::failed(report.unwrap_or_default(), start),
        }
    }

    /// Loaded, checked and prepared; pages render on request.
    fn prepared(&self) -> Built {
        let start = Instant::now();
        let fs = match self.open() {
            Ok(fs) => fs,
            Err(why) => return Built::failed(why, start),
        };
        let prepared = prepare_in_memory(&fs, &self.options());
        if !prepared.translations.is_empty() {
            // Each language's pages are made before the reload: a site in
            // several languages is rebuilt whole.
            return self.full();
        }
        if std::env::var_os("RAPPORT_TIMINGS").is_some() {
            eprintln!("{:?}", prepared.timings);
        }
        let diagnostics = prepared.diagnostics();
        let report =
            (!diagnostics.is_empty()).then(|| render_human(&diagnostics, &prepared.sources, false));
        let ok = !diagnostics.iter().any(|d| d.is_error());
        match (prepared.site, prepared.pages) {
            (Some(site), Some((pages, out))) if ok => {
                let count = pages.paths().count();
                Built {
                    files: Some(out.files),
                    site: None,
                    translations: Vec::new(),
                    pages: Some(Arc::new(LivePages {
                        site,
                        pages,
                        made: RwLock::new(BTreeMap::new()),
                    })),
                    errors: None,
                    rebuild: Rebuild {
                        pages: count,
                        took: start.elapsed(),
                        warnings: report,
                    },
                }
            }
            _ => Built::failed(report.unwrap_or_default(), start),
        }
    }
}

/// How long the files must stay unchanged before a rebuild starts. Editors
/// save in several steps (truncate and write, or write a copy and rename
/// it), all within a millisecond or two. Should a slow save still be caught
/// half-way, its last step starts another rebuild.
const SETTLE: Duration = Duration::from_millis(5);

/// The rebuild worker (see the module's doc).
pub(super) struct Worker {
    builder: Builder,
    /// The site folder's real path, which changed paths are seen against.
    root: PathBuf,
    published: Arc<Published>,
    generation: Generation,
    inbox: mpsc::Receiver<Request>,
    requests: mpsc::Sender<Request>,
    /// Work for the background thread, with the generation it is for.
    jobs: mpsc::Sender<(u64, Job)>,
}

impl Worker {
    /// A worker with nothing published yet, and its background thread.
    pub fn new(builder: Builder) -> Worker {
        let (signals, _) = broadcast::channel(16);
        let (requests, inbox) = mpsc::channel();
        let (jobs, job_rx) = mpsc::channel();
        let generation = Generation::default();
        {
            let generation = generation.clone();
            let requests = requests.clone();
            let site_dir = builder.site_dir.clone();
            let pdf_cache = builder.pdf_cache.clone();
            std::thread::spawn(move || {
                lower_priority();
                let pdfs = Pdfs::new(&site_dir, &pdf_cache);
                background(&generation, job_rx, &requests, &pdfs)
            });
        }
        let site_dir = &builder.site_dir;
        Worker {
            root: site_dir.canonicalize().unwrap_or_else(|_| site_dir.clone()),
            builder,
            published: Arc::new(Published {
                snapshot: RwLock::default(),
                signals,
            }),
            generation,
            inbox,
            requests,
            jobs,
        }
    }

    /// What the HTTP side reads.
    pub fn published(&self) -> Arc<Published> {
        self.published.clone()
    }

    /// Where the watcher sends changes.
    pub fn requests(&self) -> mpsc::Sender<Request> {
        self.requests.clone()
    }

    /// Builds everything and publishes it: the first build, before the
    /// server answers.
    pub fn build_all(&mut self) {
        self.rebuild(None);
    }

    /// Answers requests, in the order they arrive, for as long as the
    /// server runs.
    pub fn run(mut self) {
        while let Ok(request) = self.inbox.recv() {
            match request {
                Request::Changed(paths) => {
                    if !paths.iter().any(|p| watch::relevant(&self.root, p)) {
                        continue;
                    }
                    self.generation.advance();
                    let changed = self.settle(paths);
                    self.rebuild(Some(changed));
                }
                finished => self.finish(finished),
            }
        }
    }

    /// The paths changed in a burst of saves: every change until [`SETTLE`]
    /// passes without one. Work that finishes meanwhile is applied as it
    /// arrives.
    fn settle(&mut self, mut changed: Vec<PathBuf>) -> Vec<PathBuf> {
        let mut quiet_until = Instant::now() + SETTLE;
        loop {
            let wait = quiet_until.saturating_duration_since(Instant::now());
            match self.inbox.recv_timeout(wait) {
                Ok(Request::Changed(more)) => {
                    changed.extend(more);
                    quiet_until = Instant::now() + SETTLE;
                }
                Ok(finished) => self.finish(finished),
                Err(_) => return changed,
            }
        }
    }

    /// Rebuilds after `changed` (everything when `None`), publishes the
    /// result and queues the work after the reload.
    fn rebuild(&mut self, changed: Option<Vec<PathBuf>>) {
        let content_only = changed.as_ref().is_some_and(|changed| {
            let relative: Vec<String> = changed
                .iter()
                .map(|p| watch::site_relative(&self.root, p))
                .collect();
            self.builder.cache.invalidate(&relative);
            changed.iter().all(|p| watch::in_content(&self.root, p))
        });
        let built = if content_only {
            self.builder.prepared()
        } else {
            self.builder.full()
        };
        report_build(&built.rebuild, built.errors.as_deref());
        let previous = self.publish(built.files, built.pages.clone(), built.errors);
        refill_later(&self.builder.cache);
        self.queue_after(built.site, built.translations, built.pages, previous);
    }

    /// Queues the work after a reload for what was just published: a full
    /// build's `site`, or the `live` pages of a prepared one.
    fn queue_after(
        &self,
        site: Option<Site>,
        translations: Vec<(String, Site)>,
        live: Option<Arc<LivePages>>,
        previous: Served,
    ) {
        let files = self.published.current().files.clone();
        if let Some(site) = site {
            self.queue(Job::Index {
                site: Box::new(site),
                translations,
                files,
            });
        } else if let Some(live) = live {
            self.queue(Job::Validate {
                live,
                files,
                previous,
            });
        }
    }

    /// Serves a build's files (when it made any) and shows its problems
    /// (or clears them); returns what was served before.
    fn publish(
        &self,
        files: Option<BTreeMap<String, OutputFile>>,
        pages: Option<Arc<LivePages>>,
        errors: Option<String>,
    ) -> Served {
        let mut next = (*self.published.current()).clone();
        let previous = (next.files.clone(), next.pages.clone());
        if let Some(files) = files {
            next.files = Arc::new(files);
            next.pages = pages;
        }
        next.errors = errors.clone();
        self.published.store(next);
        self.published.signal(match errors {
            None => Signal::Reload,
            Some(e) => Signal::Errors(e),
        });
        previous
    }

    fn queue(&self, job: Job) {
        // The background thread lives as long as the worker.
        let _ = self.jobs.send((self.generation.current(), job));
    }

    /// Applies what the background thread found.
    fn finish(&mut self, request: Request) {
        let current = self.published.current();
        let mut next = (*current).clone();
        match request {
            Request::Changed(_) => unreachable!("a change is a rebuild"),
            Request::Invalid {
                live,
                previous,
                errors,
            } => {
                // Unless a newer save has already replaced this site.
                if !current
                    .pages
                    .as_ref()
                    .is_some_and(|p| Arc::ptr_eq(p, &live))
                {
                    return;
                }
                (next.files, next.pages) = previous;
                next.errors = Some(errors.clone());
                self.published.store(next);
                self.published.signal(Signal::Errors(errors));
            }
            Request::Indexed { index, generation } => {
                if !self.generation.is_stale(generation) {
                    next.search = Arc::new(index);
                    self.published.store(next);
                }
            }
            Request::Typeset { pdfs, generation } => {
                if self.generation.is_stale(generation) {
                    return;
                }
                let (served, sizes) = self.last_good(pdfs, &current.pdfs);
                let new = sizes.0.keys().any(|p| !self.builder.pdfs.0.contains_key(p));
                next.pdfs = Arc::new(served);
                self.published.store(next);
                self.builder.pdfs = Arc::new(sizes);
                if new {
                    self.link_new_pdfs();
                }
            }
        }
    }

    /// The PDFs to serve after a typesetting, with their sizes: each one
    /// made, and where typesetting failed, the last good one. A PDF whose
    /// route has gone is served no more.
    fn last_good(
        &self,
        pdfs: BTreeMap<String, Option<(Vec<u8>, usize)>>,
        served: &BTreeMap<String, OutputFile>,
    ) -> (BTreeMap<String, OutputFile>, LaterPdfs) {
        let mut files = BTreeMap::new();
        let mut sizes = LaterPdfs::default();
        for (at, made) in pdfs {
            let kept = match made {
                Some((bytes, pages)) => Some(((bytes.len(), pages), OutputFile::Bytes(bytes))),
                None => (served.get(&at))
                    .zip(self.builder.pdfs.0.get(&at))
                    .map(|(file, size)| (*size, file.clone())),
            };
            if let Some((size, file)) = kept {
                files.insert(at.clone(), file);
                sizes.0.insert(at, size);
            }
        }
        (files, sizes)
    }

    /// Prepares the pages again once there is a PDF they had no link to
    /// (the first PDFs after the server starts, a new report's), so that
    /// pages asked for from now on link to it. The open page is not told
    /// to reload: the person did not change anything, and would lose their
    /// place for a link. Nor is the build reported again.
    fn link_new_pdfs(&mut self) {
        if self.published.current().errors.is_some() {
            // The last good pages stay until a save fixes the site.
            return;
        }
        let built = self.builder.prepared();
        let Some(files) = built.files.filter(|_| built.errors.is_none()) else {
            return;
        };
        let mut next = (*self.published.current()).clone();
        let previous = (next.files.clone(), next.pages.clone());
        next.files = Arc::new(files);
        next.pages = built.pages.clone();
        self.published.store(next);
        self.queue_after(built.site, built.translations, built.pages, previous);
    }
}

fn report_build(r: &Rebuild, errors: Option<&str>) {
    if let Some(w) = &r.warnings {
        eprint!("{w}");
    }
    match errors {
        None => eprintln!("built {} page(s) in {} ms", r.pages, r.took.as_millis()),
        Some(e) => eprintln!("{e}the build failed; still serving the last good version"),
    }
}

/// Work done after the reload, on the background thread.
enum Job {
    /// Render every page of a site served on request (see [`validate`]),
    /// then index it.
    Validate {
        live: Arc<LivePages>,
        /// The build's other files.
        files: Arc<BTreeMap<String, OutputFile>>,
        /// What to serve again if a page has a template problem.
        previous: Served,
    },
    /// Index a site for search (see [`index`]).
    Index {
        site: Box<Site>,
        translations: Vec<(String, Site)>,
        files: Arc<BTreeMap<String, OutputFile>>,
    },
}

/// Runs the work queued after reloads, newest only: work for a save that a
/// newer save has replaced is dropped, or stopped if it has started
/// (rendering between pages, typesetting between documents). What it finds
/// goes back to the worker, which alone changes what is served. Before this
/// thread, every save rendered all pages on the watcher's thread and
/// started an index on a thread of its own, and quick saves on a large site
/// queued behind that work.
///
/// The thread runs at low priority (as does the search indexer it starts),
/// so on a two-core machine a save's rebuild is not slowed by an index of
/// the previous save that cannot be stopped half-way. A site that renders
/// is indexed, then its PDFs are typeset ([`Pdfs::typeset`]).
fn background(
    generation: &Generation,
    jobs: mpsc::Receiver<(u64, Job)>,
    results: &mpsc::Sender<Request>,
    pdfs: &Pdfs,
) {
    // The worker lives as long as the server.
    let send = |result: Option<Request>| {
        if let Some(result) = result {
            let _ = results.send(result);
        }
    };
    while let Ok(mut next) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            next = newer;
        }
        let (g, job) = next;
        let stale = || generation.is_stale(g);
        if stale() {
            continue;
        }
        match job {
            Job::Validate {
                live,
                files,
                previous,
            } => match validate(&live, &files, &stale) {
                None => {}
                Some(Ok(all)) => {
                    send(index(&live.site, &[], &all, g));
                    send(pdfs.typeset(&live.site, &[], g, &stale));
                }
                Some(Err(errors)) => send(Some(Request::Invalid {
                    live,
                    previous,
                    errors,
                })),
            },
            Job::Index {
                site,
                translations,
                files,
            } => {
                send(index(&site, &translations, &files, g));
                send(pdfs.typeset(&site, &translations, g, &stale));
            }
        }
    }
}

/// How the background thread typesets the PDFs: from the site's folder,
/// with a PDF cache in a folder of the server's own, on threads of its own
/// at low priority. Typesetting one document takes a thread for a long
/// while; on the shared pool, a save's rebuild would wait for a thread
/// until the document was done.
struct Pdfs<'a> {
    site_dir: &'a Path,
    cache: &'a Path,
    #[cfg(feature = "pdf")]
    threads: Option<rayon::ThreadPool>,
}

impl<'a> Pdfs<'a> {
    fn new(site_dir: &'a Path, cache: &'a Path) -> Self {
        Pdfs {
            site_dir,
            cache,
            #[cfg(feature = "pdf")]
            threads: rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("rapport-pdf-{i}"))
                .start_handler(|_| lower_priority())
                .build()
                .map_err(|e| eprintln!("PDF: cannot start its threads ({e}); no PDF is made"))
                .ok(),
        }
    }

    /// The PDFs of `site` and of its `translations` for the worker, unless
    /// a newer save makes them stale (which stops the typesetting between
    /// documents): each typeset, or taken from the cache when its inputs
    /// have not changed. Problems are printed; the worker keeps serving the
    /// last good PDF of a document that failed.
    #[cfg(feature = "pdf")]
    fn typeset(
        &self,
        site: &Site,
        translations: &[(String, Site)],
        generation: u64,
        stale: &(dyn Fn() -> bool + Sync),
    ) -> Option<Request> {
        let threads = self.threads.as_ref()?;
        let fs = RealFs::new(self.site_dir)
            .map_err(|e| eprintln!("PDF: {}: {e}", self.site_dir.display()))
            .ok()?;
        let mut pdfs = BTreeMap::new();
        let mut problems = Vec::new();
        let languages = std::iter::once(site).chain(translations.iter().map(|(_, s)| s));
        for lang in languages {
            if stale() {
                return None;
            }
            let typeset = || self.typeset_language(&fs, lang, stale, &mut pdfs, &mut problems);
            threads.install(typeset)?;
        }
        if !problems.is_empty() {
            let failed = problems.iter().any(|d| d.is_error());
            let text = render_human(&problems, &crate::diagnostics::SourceMap::default(), false);
            let after = if failed {
                "a PDF could not be made; still serving its last good version\n"
            } else {
                ""
            };
            eprint!("{text}{after}");
        }
        Some(Request::Typeset { pdfs, generation })
    }

    /// One language's PDFs into `pdfs`, at their addresses, from the files
    /// as that language's pages were made from them: the default language
    /// without the translations' files, a further one with its
    /// translations laid over the originals. `None` when `stale` stopped
    /// it between documents.
    #[cfg(feature = "pdf")]
    fn typeset_language(
        &self,
        fs: &RealFs,
        site: &Site,
        stale: &(dyn Fn() -> bool + Sync),
        pdfs: &mut BTreeMap<String, Option<(Vec<u8>, usize)>>,
        problems: &mut Vec<crate::diagnostics::Diagnostic>,
    ) -> Option<()> {
        let routes = crate::routes::Routes::new(site);
        let jobs = crate::pdf::jobs(&routes);
        let config = &site.config;
        // Problems in the translations were reported by the build.
        let view = match config.current_language {
            _ if config.languages.is_empty() => None,
            0 => Some(crate::translation::TranslatedFs::hiding(fs, config)),
            i => Some(
                crate::translation::translate(
                    fs,
                    config,
                    i,
                    &crate::diagnostics::Diagnostics::new(),
                    &crate::diagnostics::SourceMap::default(),
                )
                .fs,
            ),
        };
        let fs: &dyn crate::vfs::FileSystem = match &view {
            Some(v) => v,
            None => fs,
        };
        let cache = config.language_cache(self.cache);
        let store = crate::pdf::cache::PdfCache::open(&cache)
            .map_err(|e| eprintln!("PDF cache: {}: {e}; every PDF is typeset", cache.display()))
            .ok();
        let made = crate::pdf::render_unless(fs, site, &routes, &jobs, store.as_ref(), stale)?;
        let prefix = config.language_prefix();
        for (&(ri, only), result) in jobs.iter().zip(made) {
            let rr = &routes.reports[ri];
            let route = match only {
                None => rr.pdf.as_ref(),
                Some(ci) => rr.chapters[ci].pdf.as_ref(),
            };
            let made = match result {
                Ok(pdf) => {
                    problems.extend(pdf.warning.clone());
                    let pages = pdf.pages;
                    let bytes = Arc::try_unwrap(pdf).map_or_else(|p| p.bytes.clone(), |p| p.bytes);
                    Some((bytes, pages))
                }
                Err(d) => {
                    problems.push(d);
                    None
                }
            };
            if let Some(route) = route {
                pdfs.insert(format!("{prefix}{}", route.path()), made);
            }
        }
        Some(())
    }

    #[cfg(not(feature = "pdf"))]
    fn typeset(
        &self,
        _: &Site,
        _: &[(String, Site)],
        _: u64,
        _: &(dyn Fn() -> bool + Sync),
    ) -> Option<Request> {
        let _ = (self.site_dir, self.cache);
        None
    }
}

/// Renders every page of a site served on request, after the reload: keeps
/// them for the next requests, and returns every file of the build for the
/// index, or the template problems the change caused (rendered for people).
/// Stops, returning nothing, when `stale` says a newer save has arrived.
fn validate(
    live: &LivePages,
    files: &BTreeMap<String, OutputFile>,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<Result<BTreeMap<String, OutputFile>, String>> {
    let rendered = live.pages.render_unless(&live.site, stale)?;
    let mut problems = Vec::new();
    let mut made = BTreeMap::new();
    for (path, result) in rendered {
        match result {
            Ok(html) => {
                made.insert(path, Arc::new(html));
            }
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        let mut all = files.clone();
        let mut cache = live.made.write().unwrap_or_else(|e| e.into_inner());
        for (path, html) in made {
            all.insert(path.clone(), OutputFile::Bytes(html.to_vec()));
            cache.entry(path).or_insert(html);
        }
        return Some(Ok(all));
    }
    let text = render_human(&problems, &crate::diagnostics::SourceMap::default(), false);
    eprintln!("{text}the build failed; still serving the last good version");
    Some(Err(text))
}

/// The search index of a build, for the worker to serve unless a newer
/// save has arrived meanwhile; until then the previous index answers. The
/// live preview reloads as soon as the pages are ready: indexing costs
/// about as much again as rendering (see docs/search.md), and a person
/// checking a change looks at the page first.
fn index(
    site: &Site,
    translations: &[(String, Site)],
    files: &BTreeMap<String, OutputFile>,
    generation: u64,
) -> Option<Request> {
    match crate::search::index_languages(site, translations, files) {
        Ok(index) => Some(Request::Indexed { index, generation }),
        Err(d) => {
            eprintln!("search index: {}", d.message);
            None
        }
    }
}

/// Makes the parse cache's spare copies for the next save, on a thread of
/// its own at low priority.
fn refill_later(cache: &Arc<ParseCache>) {
    let cache = cache.clone();
    std::thread::spawn(move || {
        lower_priority();
        cache.refill();
    });
}

/// Makes the calling thread (and threads it starts) yield to the rebuilds.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; on Linux, `who` 0 with
    // PRIO_PROCESS is the calling thread. A failure leaves the priority
    // as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn worker(site_dir: &std::path::Path) -> Worker {
        Worker::new(Builder {
            site_dir: site_dir.to_path_buf(),
            drafts: false,
            addr: "127.0.0.1:1111".parse().unwrap(),
            cache: Arc::new(ParseCache::watched()),
            cms_backend: None,
            pdf_cache: std::env::temp_dir(),
            pdfs: Arc::default(),
        })
    }

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/full")
    }

    fn page(path: &str) -> (String, OutputFile) {
        (path.to_string(), OutputFile::Bytes(b"x".to_vec()))
    }

    #[test]
    fn a_failed_first_build_serves_nothing_and_shows_its_problems() {
        let empty = tempfile::tempdir().unwrap();
        let mut w = worker(empty.path());
        w.build_all();
        let now = w.published().current();
        assert!(now.files.is_empty());
        assert!(now.errors.as_deref().unwrap().contains("site.yaml"));
    }

    #[test]
    fn an_index_is_served_only_for_the_latest_generation() {
        let empty = tempfile::tempdir().unwrap();
        let mut w = worker(empty.path());
        let index = || BTreeMap::from([page("pagefind/x")]);
        w.finish(Request::Indexed {
            index: index(),
            generation: 0,
        });
        assert_eq!(w.published().current().search.len(), 1);
        w.generation.advance();
        w.publish(Some(BTreeMap::new()), None, None);
        w.finish(Request::Indexed {
            index: BTreeMap::from([page("pagefind/x"), page("pagefind/y")]),
            generation: 0,
        });
        assert_eq!(
            w.published().current().search.len(),
            1,
            "stale index served"
        );
    }

    #[test]
    fn a_pdf_that_fails_to_typeset_keeps_its_last_good_version_and_stale_pdfs_are_dropped() {
        let empty = tempfile::tempdir().unwrap();
        let mut w = worker(empty.path());
        let typeset = |made: Option<&[u8]>, generation| Request::Typeset {
            pdfs: BTreeMap::from([("en/r/r.pdf".to_string(), made.map(|b| (b.to_vec(), 2)))]),
            generation,
        };
        let served = |w: &Worker| {
            let now = w.published().current();
            let file = now
                .pdfs
                .get("en/r/r.pdf")
                .map(|f| f.bytes().unwrap().into_owned());
            (file, w.builder.pdfs.0.get("en/r/r.pdf").copied())
        };
        w.finish(typeset(Some(b"%PDF one"), 0));
        assert_eq!(served(&w), (Some(b"%PDF one".to_vec()), Some((8, 2))));
        w.finish(typeset(None, 0));
        assert_eq!(
            served(&w),
            (Some(b"%PDF one".to_vec()), Some((8, 2))),
            "a failed PDF replaced the last good one"
        );
        w.generation.advance();
        w.finish(typeset(Some(b"%PDF stale"), 0));
        assert_eq!(
            served(&w).0.as_deref(),
            Some(&b"%PDF one"[..]),
            "stale PDF served"
        );
        w.finish(typeset(Some(b"%PDF two"), 1));
        assert_eq!(served(&w), (Some(b"%PDF two".to_vec()), Some((8, 2))));
    }

    #[test]
    fn changes_in_a_burst_are_rebuilt_once_and_work_finished_meanwhile_is_applied() {
        let empty = tempfile::tempdir().unwrap();
        let mut w = worker(empty.path());
        let requests = w.requests();
        requests.send(Request::Changed(vec!["b".into()])).unwrap();
        requests
            .send(Request::Indexed {
                index: BTreeMap::from([page("pagefind/x")]),
                generation: 0,
            })
            .unwrap();
        requests.send(Request::Changed(vec!["c".into()])).unwrap();
        let changed = w.settle(vec!["a".into()]);
        assert_eq!(changed, [PathBuf::from("a"), "b".into(), "c".into()]);
        assert_eq!(w.published().current().search.len(), 1);
    }

    #[test]
    fn pages_with_template_problems_give_way_to_the_previous_site_while_served() {
        let w = worker(&fixture());
        let Built {
            files: Some(files),
            pages: Some(live),
            ..
        } = w.builder.prepared()
        else {
            panic!("the fixture site did not prepare");
        };
        let previous = (Arc::new(BTreeMap::from([page("index.html")])), None);
        let mut signals = w.published.signals.subscribe();
        let mut w = w;
        w.publish(Some(files), Some(live.clone()), None);
        assert!(matches!(signals.try_recv(), Ok(Signal::Reload)));

        // A site no longer served is left alone.
        let other = w.builder.prepared().pages.unwrap();
        w.finish(Request::Invalid {
            live: other,
            previous: previous.clone(),
            errors: "older".into(),
        });
        assert!(w.published().current().errors.is_none());

        w.finish(Request::Invalid {
            live,
            previous,
            errors: "template problem".into(),
        });
        let now = w.published().current();
        assert_eq!(now.files.keys().collect::<Vec<_>>(), ["index.html"]);
        assert!(now.pages.is_none());
        assert_eq!(now.errors.as_deref(), Some("template problem"));
        assert!(matches!(signals.try_recv(), Ok(Signal::Errors(e)) if e == "template problem"));
    }
}
