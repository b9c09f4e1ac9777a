//! `rapport serve`: a live preview for people editing a report.
//!
//! The site is built in memory with the same functions as `build`
//! ([`crate::build::render_in_memory`]) and served from memory, so the
//! server never reads a path taken from a request: traversal (`..`, encoded
//! forms, backslashes) cannot reach the disk and is answered with 404. A
//! watcher rebuilds after each save; open pages reload through server-sent
//! events.
//!
//! A save that touches only `content/` takes a faster road, so the page
//! reloads within tens of milliseconds even on a large site: chapters and
//! recommendation files that did not change are not parsed again
//! ([`ParseCache`]), the site is loaded, checked and prepared as in a build
//! ([`prepare_in_memory`]), and the browser is told to reload at once;
//! pages are then rendered when they are asked for, while every other page
//! is rendered in the background to find any template problem the change
//! caused. A change to the theme, templates or settings rebuilds everything
//! before the reload.
//!
//! The search index is made after the page has reloaded, on a thread of its
//! own ([`background`], which also renders the pages in the background), so
//! a save shows as fast as without search; until it is ready, the previous
//! index answers. A newer save stops that background work, so quick saves
//! do not queue behind it. A failed rebuild keeps the last good site and
//! shows the problems on the page and in the terminal. The server listens
//! on 127.0.0.1 unless told otherwise; its connections, the requests it
//! answers and the headers it sends are in [`http`].

mod http;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, mpsc};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::build::{BuildOptions, prepare_in_memory, render_in_memory};
use crate::diagnostics::render_human;
use crate::model::Site;
use crate::output::OutputFile;
use crate::parse_cache::ParseCache;
use crate::render::Pages;
use crate::vfs::RealFs;

pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub addr: SocketAddr,
    pub drafts: bool,
}

/// What the server is showing: the last good site, and the problems of the
/// latest build if it failed.
struct Snapshot {
    files: Arc<BTreeMap<String, OutputFile>>,
    /// The search index (`pagefind/...`), possibly of an earlier build.
    search: Arc<BTreeMap<String, OutputFile>>,
    /// After a content-only change: the pages, rendered when asked for
    /// (`files` then holds everything else).
    pages: Option<Arc<LivePages>>,
    errors: Option<String>,
}

/// A prepared site whose pages render on request, each kept once made.
struct LivePages {
    site: Site,
    pages: Pages,
    made: RwLock<BTreeMap<String, Arc<Vec<u8>>>>,
}

impl LivePages {
    fn get(&self, path: &str) -> Option<Arc<Vec<u8>>> {
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

#[derive(Clone, Debug)]
enum Signal {
    Reload,
    Errors(String),
}

struct Shared {
    snapshot: RwLock<Snapshot>,
    signals: broadcast::Sender<Signal>,
    /// Counts the saves seen. Background work is for one save; when a newer
    /// one arrives it stops, so it never competes with the rebuild that
    /// the person is waiting for.
    edits: AtomicU64,
    /// Work after a reload ([`background`]).
    later: Mutex<mpsc::Sender<(u64, Later)>>,
    /// Host header values this server answers to.
    hosts: http::Hosts,
    /// The open live-reload streams.
    streams: http::LiveStreams,
}

/// The outcome of one build, for the terminal.
pub struct Rebuild {
    pub ok: bool,
    pub pages: usize,
    pub took: Duration,
}

/// What one rebuild produced: the new files (all of them, or all but the
/// pages), the pages to render on request, the problems if it failed.
struct Built {
    files: Option<BTreeMap<String, OutputFile>>,
    /// After a full build: the model, for the search index.
    site: Option<Site>,
    pages: Option<Arc<LivePages>>,
    errors: Option<String>,
    rebuild: Rebuild,
}

/// How the watcher rebuilds after a change.
#[derive(Clone)]
struct Builder {
    site_dir: PathBuf,
    drafts: bool,
    addr: SocketAddr,
    cache: Arc<ParseCache>,
}

impl Builder {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            drafts: self.drafts,
            base_url: Some(local_url(self.addr)),
            preview: true,
            no_pdf: true,
            cache: Some(self.cache.clone()),
            // Indexed after the reload, by `background`.
            no_search: true,
        }
    }

    /// Everything, rendered before the reload.
    fn full(&self) -> Built {
        let (built, errors, rebuild) = build(&self.site_dir, &self.options());
        let (files, site) = built.unzip();
        Built {
            files,
            site,
            pages: None,
            errors,
            rebuild,
        }
    }

    /// Loaded, checked and prepared; pages render on request.
    fn prepared(&self) -> Built {
        let start = Instant::now();
        let failed = |errors: String| Built {
            files: None,
            site: None,
            pages: None,
            errors: Some(errors),
            rebuild: Rebuild {
                ok: false,
                pages: 0,
                took: start.elapsed(),
            },
        };
        let fs = match RealFs::new(&self.site_dir) {
            Ok(fs) => fs,
            Err(e) => {
                return failed(format!(
                    "cannot open site folder {}: {e}",
                    self.site_dir.display()
                ));
            }
        };
        let prepared = prepare_in_memory(&fs, &self.options());
        if std::env::var_os("RAPPORT_TIMINGS").is_some() {
            eprintln!("{:?}", prepared.timings);
        }
        let diagnostics = prepared.diagnostics();
        let report =
            (!diagnostics.is_empty()).then(|| render_human(&diagnostics, &prepared.sources, false));
        let ok = !diagnostics.iter().any(|d| d.is_error());
        match (prepared.site, prepared.pages) {
            (Some(site), Some((pages, out))) if ok => {
                if let Some(r) = &report {
                    eprint!("{r}");
                }
                let count = pages.paths().count();
                Built {
                    files: Some(out.files),
                    site: None,
                    pages: Some(Arc::new(LivePages {
                        site,
                        pages,
                        made: RwLock::new(BTreeMap::new()),
                    })),
                    errors: None,
                    rebuild: Rebuild {
                        ok: true,
                        pages: count,
                        took: start.elapsed(),
                    },
                }
            }
            _ => failed(report.unwrap_or_default()),
        }
    }
}

/// A build that succeeded: every file, and the model (for the search index).
type GoodBuild = (BTreeMap<String, OutputFile>, Site);

fn build(site_dir: &Path, opts: &BuildOptions) -> (Option<GoodBuild>, Option<String>, Rebuild) {
    let start = Instant::now();
    let fs = match RealFs::new(site_dir) {
        Ok(fs) => fs,
        Err(e) => {
            let msg = format!("cannot open site folder {}: {e}", site_dir.display());
            return (
                None,
                Some(msg),
                Rebuild {
                    ok: false,
                    pages: 0,
                    took: start.elapsed(),
                },
            );
        }
    };
    let outcome = render_in_memory(&fs, opts);
    let took = start.elapsed();
    let report = (!outcome.diagnostics.is_empty())
        .then(|| render_human(&outcome.diagnostics, &outcome.sources, false));
    let has_errors = outcome.has_errors();
    match (outcome.output, outcome.site) {
        (Some(out), Some(site)) if !has_errors => {
            let pages = out.files.keys().filter(|k| k.ends_with(".html")).count();
            if let Some(r) = &report {
                eprint!("{r}");
            }
            (
                Some((out.files, site)),
                None,
                Rebuild {
                    ok: true,
                    pages,
                    took,
                },
            )
        }
        _ => (
            None,
            Some(report.unwrap_or_default()),
            Rebuild {
                ok: false,
                pages: 0,
                took,
            },
        ),
    }
}

/// Runs the server until the process is stopped. `ready` is called with the
/// address once it is listening (port 0 picks a free port).
pub async fn serve(opts: ServeOptions, ready: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.addr).await?;
    let addr = listener.local_addr()?;
    let builder = Builder {
        site_dir: opts.site_dir.clone(),
        drafts: opts.drafts,
        addr,
        cache: Arc::new(ParseCache::watched()),
    };
    let first = builder.full();
    report_build(&first.rebuild, first.errors.as_deref());
    refill_later(&builder.cache);
    let (signals, _) = broadcast::channel(16);
    let (later, later_rx) = mpsc::channel();
    let shared = Arc::new(Shared {
        edits: AtomicU64::new(0),
        later: Mutex::new(later),
        snapshot: RwLock::new(Snapshot {
            files: Arc::new(first.files.unwrap_or_default()),
            search: Arc::default(),
            pages: None,
            errors: first.errors,
        }),
        signals,
        hosts: http::Hosts::for_addr(addr),
        streams: http::LiveStreams::default(),
    });
    {
        let shared = shared.clone();
        std::thread::spawn(move || background(&shared, later_rx));
    }
    if let Some(site) = first.site {
        index_served(&shared, site);
    }
    watch(builder, shared.clone())?;
    ready(addr);
    let app = axum::Router::new().fallback({
        let shared = shared.clone();
        move |method: Method, uri: Uri, headers: HeaderMap| {
            let shared = shared.clone();
            async move {
                http::harden(
                    http::refuse(&shared.hosts, &method, &headers)
                        .unwrap_or_else(|| respond(&shared, &uri)),
                )
            }
        }
    });
    http::run(listener, app).await
}

/// The address to show and to build the site for: where the server
/// listens, or this machine's loopback address when it listens on every
/// address (`0.0.0.0` is not an address a browser can open).
pub fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

fn report_build(r: &Rebuild, errors: Option<&str>) {
    match errors {
        None => eprintln!("built {} page(s) in {} ms", r.pages, r.took.as_millis()),
        Some(e) => eprintln!("{e}the build failed; still serving the last good version"),
    }
}

/// Watches the site folder and rebuilds after a burst of changes settles.
fn watch(builder: Builder, shared: Arc<Shared>) -> std::io::Result<()> {
    let site_dir = builder.site_dir.clone();
    use notify::{RecursiveMode, Watcher};
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        // Reads (our own rebuilds open every file) and metadata changes are
        // not edits.
        if let Ok(ev) = ev
            && matches!(
                ev.kind,
                notify::EventKind::Create(_)
                    | notify::EventKind::Remove(_)
                    | notify::EventKind::Modify(
                        notify::event::ModifyKind::Data(_)
                            | notify::event::ModifyKind::Name(_)
                            | notify::event::ModifyKind::Any
                    )
            )
        {
            let _ = tx.send(ev);
        }
    })
    .map_err(std::io::Error::other)?;
    // The site's own sources only: site.yaml (and new folders) at the top,
    // then each source folder; never output/, target/ or .git/.
    watcher
        .watch(&site_dir, RecursiveMode::NonRecursive)
        .map_err(std::io::Error::other)?;
    for dir in ["content", "themes", "templates", "static"] {
        let d = site_dir.join(dir);
        if d.is_dir() {
            watcher
                .watch(&d, RecursiveMode::Recursive)
                .map_err(std::io::Error::other)?;
        }
    }
    let root = site_dir.canonicalize().unwrap_or(site_dir.clone());
    std::thread::spawn(move || {
        let _watcher = watcher;
        while let Ok(ev) = rx.recv() {
            if !ev.paths.iter().any(|p| relevant(&root, p)) {
                continue;
            }
            let mut changed = ev.paths;
            shared.edits.fetch_add(1, Ordering::SeqCst);
            // Editors save in several steps (truncate and write, or write a
            // copy and rename it), all within a millisecond or two; wait
            // until 5 ms pass without another. Should a slow save still be
            // caught half-way, its last step starts another rebuild.
            while let Ok(more) = rx.recv_timeout(Duration::from_millis(5)) {
                changed.extend(more.paths);
            }
            let content_only = changed.iter().all(|p| in_content(&root, p));
            builder.cache.invalidate(
                &changed
                    .iter()
                    .map(|p| site_relative(&root, p))
                    .collect::<Vec<_>>(),
            );
            let built = if content_only {
                builder.prepared()
            } else {
                builder.full()
            };
            report_build(&built.rebuild, built.errors.as_deref());
            let mut snap = shared.snapshot.write().unwrap_or_else(|e| e.into_inner());
            let previous = (snap.files.clone(), snap.pages.clone());
            if let Some(files) = built.files {
                snap.files = Arc::new(files);
                snap.pages = built.pages.clone();
            }
            snap.errors = built.errors.clone();
            drop(snap);
            let _ = shared.signals.send(match built.errors {
                None => Signal::Reload,
                Some(e) => Signal::Errors(e),
            });
            refill_later(&builder.cache);
            if let Some(site) = built.site {
                index_served(&shared, site);
            }
            if let Some(live) = built.pages {
                shared.run_later(Later::Validate { live, previous });
            }
        }
    });
    Ok(())
}

/// The files and pages a snapshot served.
type Served = (Arc<BTreeMap<String, OutputFile>>, Option<Arc<LivePages>>);

/// Work done after the reload, on one thread of its own.
enum Later {
    /// Render every page of a site served on request (see [`validate`]).
    Validate {
        live: Arc<LivePages>,
        previous: Served,
    },
    /// Index a site for search (see [`index`]).
    Index {
        site: Box<Site>,
        files: Arc<BTreeMap<String, OutputFile>>,
    },
}

impl Shared {
    fn run_later(&self, work: Later) {
        let edit = self.edits.load(Ordering::SeqCst);
        let _ = self
            .later
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send((edit, work));
    }

    /// Has a save arrived since `edit`?
    fn stale(&self, edit: u64) -> bool {
        self.edits.load(Ordering::SeqCst) != edit
    }
}

/// Runs the work queued after reloads, newest only: work for a save that a
/// newer save has replaced is dropped, or stopped between pages if it has
/// started. Before this, every save rendered all pages on the watcher's
/// thread and started an index on a thread of its own, and quick saves on
/// a 1,000-chapter site queued behind that work: the tenth save in a row
/// took 500 ms to reload instead of 100.
///
/// The thread runs at low priority (as does the search indexer it starts),
/// so on a two-core machine a save's rebuild is not slowed by an index of
/// the previous save that cannot be stopped half-way.
fn background(shared: &Arc<Shared>, rx: mpsc::Receiver<(u64, Later)>) {
    lower_priority();
    while let Ok(mut next) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            next = newer;
        }
        let (edit, work) = next;
        if shared.stale(edit) {
            continue;
        }
        match work {
            Later::Validate { live, previous } => {
                if let Some(all) = validate(&live, shared, previous, edit) {
                    index(shared, &live.site, &all, edit);
                }
            }
            Later::Index { site, files } => index(shared, &site, &files, edit),
        }
    }
}

/// Renders every page of a site served on request, after the reload: keeps
/// them for the next requests, and returns every file for the index. A
/// template problem the change caused is handled as in a full rebuild: the
/// previous site is served again, and the problem is shown on the page and
/// in the terminal. Stops, returning nothing, when a newer save arrives.
fn validate(
    live: &Arc<LivePages>,
    shared: &Arc<Shared>,
    previous: Served,
    edit: u64,
) -> Option<BTreeMap<String, OutputFile>> {
    let rendered = live
        .pages
        .render_unless(&live.site, &|| shared.stale(edit))?;
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
        let mut all: BTreeMap<String, OutputFile> = (*shared
            .snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .files)
            .clone();
        let mut cache = live.made.write().unwrap_or_else(|e| e.into_inner());
        for (path, html) in made {
            all.insert(path.clone(), OutputFile::Bytes(html.to_vec()));
            cache.entry(path).or_insert(html);
        }
        return Some(all);
    }
    let text = render_human(&problems, &crate::diagnostics::SourceMap::default(), false);
    eprintln!("{text}the build failed; still serving the last good version");
    let mut snap = shared.snapshot.write().unwrap_or_else(|e| e.into_inner());
    // Unless a newer save has already replaced this site.
    if snap.pages.as_ref().is_some_and(|p| Arc::ptr_eq(p, live)) {
        (snap.files, snap.pages) = previous;
        snap.errors = Some(text.clone());
        drop(snap);
        let _ = shared.signals.send(Signal::Errors(text));
    }
    None
}

/// A changed path as the site names it (`content/r/01-intro.md`); a path
/// outside the site stands for everything (the empty prefix).
fn site_relative(root: &Path, path: &Path) -> String {
    canonical(path)
        .strip_prefix(root)
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// Indexes the files a full build put in the snapshot, after the reload.
fn index_served(shared: &Arc<Shared>, site: Site) {
    let files = shared
        .snapshot
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .files
        .clone();
    shared.run_later(Later::Index {
        site: Box::new(site),
        files,
    });
}

/// Indexes a build for search and adds the index to the snapshot, unless a
/// newer save has arrived meanwhile; until then the previous index answers.
/// The live preview reloads as soon as the pages are ready: indexing costs
/// about as much again as rendering (see docs/search.md), and a person
/// checking a change looks at the page first.
fn index(shared: &Shared, site: &Site, files: &BTreeMap<String, OutputFile>, edit: u64) {
    let index = match crate::search::index(site, files) {
        Ok(index) => index,
        Err(d) => {
            eprintln!("search index: {}", d.message);
            return;
        }
    };
    let mut snap = shared.snapshot.write().unwrap_or_else(|e| e.into_inner());
    if !shared.stale(edit) {
        snap.search = Arc::new(index);
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

/// A path inside the site's `content/` folder.
fn in_content(root: &Path, path: &Path) -> bool {
    canonical(path)
        .strip_prefix(root)
        .is_ok_and(|rel| rel.starts_with("content"))
}

/// The real path of a changed file, also when it was just deleted (then its
/// folder's real path).
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent().map(Path::canonicalize), path.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Changes that can affect the site: not the output folder, version
/// control, hidden files or editors' temporary files.
fn relevant(root: &Path, path: &Path) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let first = parts.next().unwrap_or_default();
    let top_level = parts.next().is_none();
    // At the top of the site only site.yaml and the source folders matter.
    if top_level
        && !["site.yaml", "content", "themes", "templates", "static"].contains(&first.as_str())
    {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !rel.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        && !name.ends_with('~')
        && !name.ends_with(".swp")
}

/// The live-reload script put into every page: reloads on `reload`, shows
/// the problems on `errors`.
const LIVE_SCRIPT: &str = include_str!("serve/live-reload.js");

fn respond(shared: &Shared, uri: &Uri) -> Response {
    if uri.path() == "/__rapport/events" {
        return live_stream(shared);
    }
    let (files, search, pages, errors) = {
        let snap = shared.snapshot.read().unwrap_or_else(|e| e.into_inner());
        (
            snap.files.clone(),
            snap.search.clone(),
            snap.pages.clone(),
            snap.errors.clone(),
        )
    };
    let lookup = |path: &str| -> Option<Vec<u8>> {
        if let Some(file) = files.get(path).or_else(|| search.get(path)) {
            return file.bytes().ok().map(|b| b.into_owned());
        }
        pages.as_ref()?.get(path).map(|html| html.to_vec())
    };
    let not_found = || not_found(lookup("404.html"));
    let Some(path) = request_path(uri.path()) else {
        return not_found();
    };
    let Some(mut body) = lookup(&path) else {
        if lookup(&format!("{path}/index.html")).is_some() {
            return to_folder(uri);
        }
        return not_found();
    };
    if path.ends_with(".html") {
        body = inject(body, errors.as_deref());
    }
    let mut resp = Response::new(Body::from(body));
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    resp
}

/// Sends a folder's address without its final `/` on to the address with
/// it, as static hosts do: the pages' relative links are made for that
/// address, and from the other one they miss.
fn to_folder(uri: &Uri) -> Response {
    // One leading slash: a path starting `//` would be another site's
    // address.
    let mut location = format!("/{}/", uri.path().trim_matches('/'));
    if let Some(query) = uri.query() {
        location.push('?');
        location.push_str(query);
    }
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::TEMPORARY_REDIRECT;
    if let Ok(location) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, location);
    }
    resp
}

/// The live-reload stream: `reload` and `errors` events, until the page
/// goes or newer pages need its place ([`http::LiveStreams`]).
fn live_stream(shared: &Shared) -> Response {
    let events = BroadcastStream::new(shared.signals.subscribe()).filter_map(|s| {
        s.ok().map(|s| {
            Some(Ok::<_, std::convert::Infallible>(match s {
                Signal::Reload => Event::default().event("reload").data("reload"),
                Signal::Errors(e) => Event::default()
                    .event("errors")
                    .data(serde_json::to_string(&e).unwrap_or_default()),
            }))
        })
    });
    let closed = tokio_stream::once(shared.streams.open())
        .then(|closed| closed)
        .map(|_| None::<Result<Event, std::convert::Infallible>>);
    Sse::new(events.merge(closed).map_while(|event| event))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// The output path a request asks for, or `None` for anything that tries
/// to leave the site: `..` in any encoding, backslashes, NUL.
pub fn request_path(raw: &str) -> Option<String> {
    if raw.contains('\\') || raw.to_ascii_lowercase().contains("%5c") {
        return None;
    }
    // A stray `%` or escapes that are not text name no file rapport wrote.
    let decoded = crate::url::percent_decode(raw)
        .ok()
        .filter(|d| !d.stray_percent)?
        .text;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return None,
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

fn inject(mut html: Vec<u8>, errors: Option<&str>) -> Vec<u8> {
    let mut script = String::new();
    if let Some(e) = errors {
        // JSON is also a valid JavaScript string literal; `</` is escaped so
        // the text cannot close the script element.
        let text = serde_json::to_string(e)
            .unwrap_or_default()
            .replace("</", "<\\/");
        script.push_str(&format!("<script>window.__rapportErrors={text};</script>"));
    }
    script.push_str("<script>");
    script.push_str(LIVE_SCRIPT);
    script.push_str("</script>");
    match find(&html, b"</body>") {
        Some(i) => {
            html.splice(i..i, script.into_bytes());
        }
        None => html.extend_from_slice(script.as_bytes()),
    }
    html
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn not_found(page: Option<Vec<u8>>) -> Response {
    let body = page.unwrap_or_else(|| b"Not found\n".to_vec());
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = StatusCode::NOT_FOUND;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_in_every_encoding_is_refused() {
        for bad in [
            "/../site.yaml",
            "/a/../../etc/passwd",
            "/%2e%2e/site.yaml",
            "/%2E%2E%2fsite.yaml",
            "/..%5csite.yaml",
            "/..\\site.yaml",
            "/%00",
        ] {
            assert_eq!(request_path(bad), None, "{bad}");
        }
        // Double encoding decodes once, to a name that does not exist.
        assert_eq!(request_path("/%252e%252e/x").as_deref(), Some("%2e%2e/x"));
        assert_eq!(request_path("/").as_deref(), Some("index.html"));
        assert_eq!(request_path("/r/ch/").as_deref(), Some("r/ch/index.html"));
        assert_eq!(
            request_path("/assets/style.css").as_deref(),
            Some("assets/style.css")
        );
    }

    #[test]
    fn a_stray_percent_or_an_escape_that_is_not_text_is_refused() {
        for bad in ["/100%", "/a%zz.html", "/%FF.html", "/%+2e%+2e/site.yaml"] {
            assert_eq!(request_path(bad), None, "{bad}");
        }
        assert_eq!(
            request_path("/caf%C3%A9/a+b.html").as_deref(),
            Some("café/a+b.html")
        );
    }
}
