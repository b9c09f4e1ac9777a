//! The preview server's connections: how long a client may take, how many
//! may be open at once, which requests are answered at all, and the headers
//! every answer carries. The values are in docs/hardening.md ("The preview
//! server").
//!
//! axum's own `serve` gives hyper no timer, and without one hyper's header
//! timeout never runs: a client that sent nothing, or a header a byte at a
//! time, kept its connection (and a task) for ever. So connections are
//! accepted here and handed to hyper's HTTP/1 server with a timer, a
//! header deadline, a size limit on the request head and a bound on open
//! connections; answers wait only so long for a client that stopped
//! reading. The routes stay an axum `Router`.
//!
//! Which `Host` headers are answered depends on where the server listens.
//! On loopback, only the loopback names with the server's port: a web page
//! that rebinds its own name to 127.0.0.1 (DNS rebinding) still sends its
//! own name, and is refused. When the person asked to listen on the network
//! (`--bind`), browsers on other machines send this machine's address, so
//! any address written as digits is answered, and this machine's name; a
//! rebinding page still sends a name of its own, and is refused.

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};
use tokio::time::Sleep;

/// How long a client has to send a whole request head, counted from the
/// moment the connection opens or the previous answer has been sent. This
/// is also how long an idle kept-alive connection stays open. A browser
/// sends its head in one packet the moment it opens a connection, and opens
/// a new one without fuss when an idle one was closed; a client that sends
/// a header a byte at a time ("slowloris") is cut off.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an answer may wait for a client that has stopped reading. A
/// browser reads what it asked for at once; a client that asks for pages
/// and never reads them would otherwise hold its connection for ever.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head (request line and headers), in bytes; a larger
/// one is answered 431. A browser's head is well under 2 KiB, and cookies
/// that other local projects set for `localhost` (the browser sends them to
/// every port) fit many times over.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Connections open at once. Past this, new connections wait in the
/// system's queue until one closes, so a flood of connections costs a
/// bounded amount of memory and file handles. A browser opens at most six
/// per server.
pub const MAX_CONNECTIONS: usize = 256;

/// Live-reload streams open at once: each open page holds one. When a
/// newer page opens one past the limit the oldest is closed (that page
/// reconnects by itself if it is still open), so idle streams can never
/// take every connection and leave none for the pages.
pub const MAX_LIVE_STREAMS: usize = 32;

/// Accepts connections until the process stops, serving `app` on each.
pub(super) async fn run(listener: TcpListener, app: axum::Router) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES);
    loop {
        let slot = slots
            .clone()
            .acquire_owned()
            .await
            .map_err(io::Error::other)?;
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                accept_failed(&e).await;
                continue;
            }
        };
        let io = TokioIo::new(WriteDeadline::new(tcp));
        let connection = http.serve_connection(io, TowerToHyperService::new(app.clone()));
        tokio::spawn(async move {
            // A client that went away or timed out is not a problem to
            // report: the browser tries again.
            let _ = connection.await;
            drop(slot);
        });
    }
}

/// A failed accept: one client's connection that went wrong costs nothing;
/// anything else (out of file handles) waits a moment, so the loop does
/// not spin while the system recovers.
async fn accept_failed(e: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// A connection whose writes fail once they have waited [`WRITE_TIMEOUT`]
/// for the client to take data.
struct WriteDeadline<T> {
    io: T,
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<T> WriteDeadline<T> {
    fn new(io: T) -> Self {
        Self { io, waiting: None }
    }

    /// Passes a write's progress on; a write that cannot go on starts the
    /// clock, and one that has waited too long fails.
    fn deadline<R>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if poll.is_ready() {
            self.waiting = None;
            return poll;
        }
        let waiting = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
        match waiting.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteDeadline<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteDeadline<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write(cx, buf);
        this.deadline(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.deadline(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_flush(cx);
        this.deadline(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.io).poll_shutdown(cx);
        this.deadline(cx, poll)
    }
}

/// The `Host` (and `Origin`) values the server answers to.
pub(super) struct Hosts {
    port: u16,
    /// Listening beyond loopback: any address written as digits, with any
    /// port (a browser behind a forwarded port sends that port).
    network: bool,
    /// Host names answered (lower case, IPv6 addresses in brackets).
    names: Vec<String>,
}

impl Hosts {
    pub fn for_addr(addr: SocketAddr) -> Self {
        let mut names = vec!["localhost".to_string()];
        let network = !addr.ip().is_loopback();
        if network {
            names.extend(machine_names());
        } else {
            names.extend(["127.0.0.1".to_string(), "[::1]".to_string()]);
            names.push(bracketed(addr.ip()));
        }
        Self {
            port: addr.port(),
            network,
            names,
        }
    }

    /// Is this `Host` header one the server answers to?
    pub fn allows(&self, value: &str) -> bool {
        // A Host header is a name and a port; never credentials.
        let Ok(authority) = value.parse::<Authority>() else {
            return false;
        };
        if value.contains('@') {
            return false;
        }
        let host = authority.host().to_ascii_lowercase();
        if self.network {
            is_address(&host) || self.names.contains(&host)
        } else {
            authority.port_u16() == Some(self.port) && self.names.contains(&host)
        }
    }

    /// Is this `Origin` header the preview's own? Browsers send one with
    /// requests made by other sites' pages (such as a live-reload stream
    /// opened from another site), which are refused.
    pub fn allows_origin(&self, value: &str) -> bool {
        value
            .strip_prefix("http://")
            .is_some_and(|authority| self.allows(authority))
    }
}

/// A host written as an IP address (`192.0.2.1`, `[2001:db8::1]`). Browsers
/// send a name only when the address bar had a name, so an address cannot
/// come from a page rebinding a name of its own.
fn is_address(host: &str) -> bool {
    host.parse::<Ipv4Addr>().is_ok()
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<Ipv6Addr>().is_ok())
}

fn bracketed(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

/// This machine's name, as browsers on the network may know it (`laptop`,
/// `laptop.local`). Read from the system's files, where there are any.
fn machine_names() -> Vec<String> {
    let name = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|f| std::fs::read_to_string(f).ok())
        .map(|n| n.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if name.is_empty() || name == "localhost" {
        return Vec::new();
    }
    let mut names = vec![name.clone()];
    if !name.contains('.') {
        names.push(format!("{name}.local"));
    }
    names
}

/// A request's `Host`, and its `Origin` when it has one (unreadable ones
/// as empty, which no list allows).
pub(super) fn host_and_origin(headers: &HeaderMap) -> (&str, Option<&str>) {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let origin = headers
        .get(header::ORIGIN)
        .map(|o| o.to_str().unwrap_or(""));
    (host, origin)
}

/// The answer to a request that is not served at all: a method other than
/// GET or HEAD, a foreign `Host`, another site's page. `None` lets it
/// through.
pub(super) fn refuse(hosts: &Hosts, method: &Method, headers: &HeaderMap) -> Option<Response> {
    let (host, origin) = host_and_origin(headers);
    if !hosts.allows(host) || origin.is_some_and(|o| !hosts.allows_origin(o)) {
        return Some(
            (
                StatusCode::FORBIDDEN,
                "rapport serve answers only to its own address\n",
            )
                .into_response(),
        );
    }
    if method != Method::GET && method != Method::HEAD {
        let mut resp = (
            StatusCode::METHOD_NOT_ALLOWED,
            "rapport serve only shows pages: GET and HEAD\n",
        )
            .into_response();
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Some(resp);
    }
    None
}

/// Adds the headers every answer carries: never guess a type (a file the
/// server calls `application/octet-stream` must not run as a page), never
/// cache a preview, and keep the preview to itself (not framed by, loaded
/// into or named to other sites).
pub(super) fn harden(mut resp: Response) -> Response {
    let headers = resp.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, "frame-ancestors 'self'"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// The open live-reload streams, oldest first: each holds the sender that
/// closes it.
#[derive(Default)]
pub(super) struct LiveStreams {
    open: Mutex<VecDeque<oneshot::Sender<()>>>,
}

impl LiveStreams {
    /// Registers a new stream; the receiver fires when it must close to
    /// make room for newer ones.
    pub fn open(&self) -> oneshot::Receiver<()> {
        let (close, closed) = oneshot::channel();
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        // Streams whose page has gone.
        open.retain(|s| !s.is_closed());
        while open.len() >= MAX_LIVE_STREAMS {
            if let Some(oldest) = open.pop_front() {
                let _ = oldest.send(());
            }
        }
        open.push_back(close);
        closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_answers_only_its_own_names_and_port() {
        let hosts = Hosts::for_addr("127.0.0.1:8000".parse().unwrap());
        for good in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LOCALHOST:8000",
            "[::1]:8000",
        ] {
            assert!(hosts.allows(good), "{good}");
        }
        for bad in [
            "",
            "evil.example:8000",
            "127.0.0.1",
            "127.0.0.1:8001",
            "192.0.2.1:8000",
            "localhost.evil.example:8000",
            "127.0.0.1.evil.example:8000",
            "user@127.0.0.1:8000",
            "127.0.0.1:8000/x",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        assert!(hosts.allows_origin("http://localhost:8000"));
        for bad in ["null", "https://localhost:8000", "http://evil.example:8000"] {
            assert!(!hosts.allows_origin(bad), "{bad}");
        }
    }

    #[test]
    fn the_network_answers_addresses_but_not_foreign_names() {
        let hosts = Hosts::for_addr("0.0.0.0:8000".parse().unwrap());
        for good in [
            "192.0.2.1:8000",
            "192.0.2.1",
            "[2001:db8::1]:8000",
            "localhost:8000",
        ] {
            assert!(hosts.allows(good), "{good}");
        }
        for bad in [
            "evil.example:8000",
            "192.0.2.1.evil.example",
            "user@192.0.2.1:8000",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }
}
