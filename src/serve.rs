//! `rapport serve`: a live preview for people editing a report.
//!
//! The site is built in memory with the same functions as `build`
//! ([`crate::build::render_in_memory`]) and served from memory, so the
//! server never reads a path taken from a request: traversal (`..`, encoded
//! forms, backslashes) cannot reach the disk and is answered with 404.
//!
//! Three parts, each in its own module. The watcher ([`watch`]) passes each
//! save on to the rebuild worker ([`worker`]), the one place the site is
//! rebuilt: it keeps the generation counter (one more per burst of saves),
//! publishes one result (the files, the pages of a prepared site, the
//! search index and the problems of the latest build) and tells open pages
//! to reload through server-sent events. The HTTP side (this module, and
//! [`http`] for connections, which requests are answered at all and the
//! headers every answer carries) only reads that result, rendering a page
//! of a prepared site when it is first asked for. A failed rebuild keeps
//! the last good site and shows the problems on the page and in the
//! terminal. The server listens on 127.0.0.1 unless told otherwise.
//!
//! A save that touches only `content/` takes a faster road, so the page
//! reloads within tens of milliseconds even on a large site: pages are
//! rendered when they are asked for, while every other page is rendered in
//! the background to find any template problem the change caused, and the
//! search index is made after the page has reloaded; until it is ready, the
//! previous index answers. A newer save stops that background work, so
//! quick saves do not queue behind it. A change to the theme, templates or
//! settings rebuilds everything before the reload. The PDFs, in every
//! language the site is published in, are typeset after the index, with a
//! cache in a temporary folder the server removes when it stops; until a
//! changed report's new PDF is ready, its last good PDF is served.

pub mod cms;
mod http;
mod watch;
mod worker;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::parse_cache::ParseCache;
use worker::{Builder, Published, Signal, Worker};

pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub addr: SocketAddr,
    pub drafts: bool,
    /// `--cms`: answer the editor's saves, on this port (or the one
    /// site.yaml's `cms: local_port` names).
    pub cms: Option<Option<u16>>,
}

/// What the HTTP side holds: the worker's published result, and the limits
/// on who is answered.
struct Shared {
    published: Arc<Published>,
    /// Host header values this server answers to.
    hosts: http::Hosts,
    /// The open live-reload streams.
    streams: http::LiveStreams,
}

/// Runs the server until the process is stopped. `ready` is called with the
/// address once it is listening (port 0 picks a free port) and the first
/// build is served.
pub async fn serve(
    opts: ServeOptions,
    ready: impl FnOnce(SocketAddr, Option<&str>),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.addr).await?;
    let addr = listener.local_addr()?;
    let backend = match opts.cms {
        Some(port) => Some(cms::Backend::bind(port.unwrap_or(cms_port(&opts.site_dir)?)).await?),
        None => None,
    };
    // Outside the site folder, which is watched and may be published.
    let pdf_cache = tempfile::Builder::new()
        .prefix("rapport-serve-pdf-")
        .tempdir()?;
    let mut worker = Worker::new(Builder {
        site_dir: opts.site_dir.clone(),
        drafts: opts.drafts,
        addr,
        cache: Arc::new(ParseCache::watched()),
        cms_backend: backend.as_ref().map(cms::Backend::url),
        pdf_cache: pdf_cache.path().to_path_buf(),
        pdfs: Arc::default(),
    });
    worker.build_all();
    let shared = Arc::new(Shared {
        published: worker.published(),
        hosts: http::Hosts::for_addr(addr),
        streams: http::LiveStreams::default(),
    });
    let watcher = watch::start(&opts.site_dir, worker.requests())?;
    std::thread::spawn(move || {
        let _watcher = watcher;
        worker.run();
    });
    ready(addr, backend.as_ref().map(cms::Backend::url).as_deref());
    if let Some(backend) = backend {
        let (dir, drafts) = (opts.site_dir.clone(), opts.drafts);
        tokio::spawn(async move {
            if let Err(e) = backend.run(dir, drafts, addr).await {
                eprintln!("error: the editor's backend stopped: {e}");
            }
        });
    }
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
    // Ctrl+C ends the server here, rather than the process at once, so
    // that the PDF cache's folder is removed.
    tokio::select! {
        served = http::run(listener, app) => served,
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}

/// The port site.yaml gives the editor's backend; an error when site.yaml
/// does not turn the editor on (`cms:`), since `--cms` would then serve an
/// editor the site does not have.
fn cms_port(site_dir: &std::path::Path) -> std::io::Result<u16> {
    let fs = crate::vfs::RealFs::new(site_dir)?;
    let diags = crate::diagnostics::Diagnostics::new();
    let sources = crate::diagnostics::SourceMap::default();
    match crate::config::load(&fs, &diags, &sources).and_then(|c| c.cms) {
        Some(cms) => Ok(cms.local_port),
        None => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "--cms needs `cms:` in site.yaml (docs/cms.md), and a site.yaml without errors",
        )),
    }
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

/// The live-reload script put into every page: reloads on `reload`, shows
/// the problems on `errors`.
const LIVE_SCRIPT: &str = include_str!("serve/live-reload.js");

fn respond(shared: &Shared, uri: &Uri) -> Response {
    if uri.path() == "/__rapport/events" {
        return live_stream(shared);
    }
    let snap = shared.published.current();
    let lookup = |path: &str| -> Option<Vec<u8>> {
        let file = (snap.files.get(path))
            .or_else(|| snap.search.get(path))
            .or_else(|| snap.pdfs.get(path));
        if let Some(file) = file {
            return file.bytes().ok().map(|b| b.into_owned());
        }
        snap.pages.as_ref()?.get(path).map(|html| html.to_vec())
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
    // The editor's page is not reloaded on a save: that would lose what is
    // being typed.
    if path.ends_with(".html") && !path.starts_with("admin/") {
        body = inject(body, snap.errors.as_deref());
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
    let events = BroadcastStream::new(shared.published.signals.subscribe()).filter_map(|s| {
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
        "yml" | "yaml" => "text/yaml; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "odt" => "application/vnd.oasis.opendocument.text",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
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
