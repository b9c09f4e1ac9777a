//! `rapport serve --cms`: the editor's local backend on a port of its own,
//! answering `POST /api/v1` as `decap-server` does
//! ([`crate::cms::local_backend`]), on this machine's loopback address
//! only, whatever `--bind` says: it writes files.
//!
//! It answers only its own `Host` (against DNS rebinding), and a browser's
//! request only from the preview's own pages (`Origin`), which are the
//! only pages allowed to call it across origins (CORS). Each save is
//! checked with the same loading and passes as `rapport check`; the
//! preview's watcher sees the saved file and reloads open pages.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::http::{self, Hosts};
use crate::build::{BuildOptions, Timings};
use crate::cms::local_backend::{LocalBackend, MAX_REQUEST_BYTES};
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::vfs::RealFs;

/// The path Decap posts to.
pub const API_PATH: &str = "/api/v1";

/// A bound local backend, ready to run.
pub struct Backend {
    listener: tokio::net::TcpListener,
    pub addr: SocketAddr,
}

impl Backend {
    /// Binds the backend's port on loopback (0 picks a free one).
    pub async fn bind(port: u16) -> std::io::Result<Backend> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port))
                .await?;
        let addr = listener.local_addr()?;
        Ok(Backend { listener, addr })
    }

    /// The address the editor's config.yml names.
    pub fn url(&self) -> String {
        format!("http://{}{API_PATH}", self.addr)
    }

    /// Answers the editor until the process stops. `preview` is where the
    /// preview (and so the editor's page) is served.
    pub async fn run(
        self,
        site_dir: PathBuf,
        drafts: bool,
        preview: SocketAddr,
    ) -> std::io::Result<()> {
        let check_dir = site_dir.clone();
        let backend = Arc::new(LocalBackend::new(
            &site_dir,
            Box::new(move || check(&check_dir, drafts)),
        )?);
        let hosts = Arc::new(Hosts::for_addr(self.addr));
        let pages = Arc::new(Hosts::for_addr(preview));
        let app = axum::Router::new()
            .fallback(
                move |method: Method, uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                    let (backend, hosts, pages) = (backend.clone(), hosts.clone(), pages.clone());
                    async move {
                        http::harden(
                            answer(&backend, &hosts, &pages, (method, uri, headers), body).await,
                        )
                    }
                },
            )
            .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BYTES));
        http::run(self.listener, app).await
    }
}

/// The problems `rapport check` would find, from loading the site and
/// running the passes (the pages are not rendered: a save changes content,
/// not templates).
fn check(site_dir: &std::path::Path, drafts: bool) -> Vec<crate::diagnostics::Diagnostic> {
    let fs = match RealFs::new(site_dir) {
        Ok(fs) => fs,
        Err(e) => return vec![crate::files::no_site_folder(site_dir, &e)],
    };
    let diags = Diagnostics::new();
    let sources = SourceMap::default();
    let opts = BuildOptions {
        drafts,
        preview: true,
        no_pdf: true,
        no_search: true,
        ..BuildOptions::default()
    };
    crate::build::load(&fs, &opts, &diags, &sources, &mut Timings::default());
    diags.sorted()
}

async fn answer(
    backend: &Arc<LocalBackend>,
    hosts: &Hosts,
    pages: &Hosts,
    (method, uri, headers): (Method, axum::http::Uri, HeaderMap),
    body: Bytes,
) -> Response {
    let (host, origin) = super::http::host_and_origin(&headers);
    if !hosts.allows(host) || origin.is_some_and(|o| !pages.allows_origin(o)) {
        return (
            StatusCode::FORBIDDEN,
            "rapport's editor backend answers only the preview's own pages\n",
        )
            .into_response();
    }
    if uri.path() != API_PATH {
        return (StatusCode::NOT_FOUND, "Not found\n").into_response();
    }
    let mut resp = match method {
        Method::OPTIONS => StatusCode::NO_CONTENT.into_response(),
        Method::POST => {
            let backend = backend.clone();
            let answer = tokio::task::spawn_blocking(move || backend.handle(&body)).await;
            match answer {
                Ok(a) => {
                    let mut r = Response::new(Body::from(a.body.to_string()));
                    *r.status_mut() = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                    r
                }
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        _ => StatusCode::METHOD_NOT_ALLOWED.into_response(),
    };
    if let Some(o) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, OPTIONS"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type"),
        );
        h.insert(header::VARY, HeaderValue::from_static("origin"));
    }
    resp
}
