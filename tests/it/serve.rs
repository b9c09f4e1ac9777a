//! `rapport serve`: the real binary, real HTTP requests over TCP.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::harness::*;

/// Opens the reload stream and returns a reader positioned after the headers.
fn events(addr: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET /__rapport/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    while r.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
        line.clear();
    }
    r
}

fn wait_for_event(r: &mut BufReader<TcpStream>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            continue;
        }
        if line.trim_end() == format!("event: {name}") {
            let mut data = String::new();
            r.read_line(&mut data).unwrap();
            return data;
        }
    }
    panic!("no `{name}` event within 10 s");
}

#[test]
fn serves_pages_with_the_live_reload_script() {
    let server = start(TestSite::fixture("fixtures/full"));
    let host = server.addr.clone();
    let (status, body) = get(&server.addr, "/sample/funding/", &host);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<h1>"));
    assert!(body.contains("/__rapport/events"));
    assert!(body.contains("Cache-Control: no-store") || body.contains("cache-control: no-store"));
    let (status, body) = get(&server.addr, "/assets/style.css", &host);
    assert_eq!(status, 200);
    assert!(body.to_lowercase().contains("content-type: text/css"));
    let (status, _) = get(&server.addr, "/sample/no-such-page/", &host);
    assert_eq!(status, 404);
}

#[test]
fn path_traversal_in_every_form_is_404_and_the_server_keeps_serving() {
    let server = start(TestSite::fixture("fixtures/full"));
    let host = server.addr.clone();
    for path in [
        "/../site.yaml",
        "/sample/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E%2Fsite.yaml",
        "/%252e%252e/site.yaml",
        "/..%5csite.yaml",
        "/..\\site.yaml",
        "/content/sample/report.yaml",
        "/%2e%2e%5csite.yaml",
        "/sample/%2e%2e/%2e%2e/site.yaml",
        "/%c0%ae%c0%ae/site.yaml",
        "/%00/../site.yaml",
        "/site.yaml%00.html",
        "/./site.yaml",
        "//..//site.yaml",
        "/%",
        "http://127.0.0.1/../site.yaml",
    ] {
        let (status, body) = get(&server.addr, path, &host);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("organisation:"), "{path} leaked site.yaml");
    }
    assert_eq!(get(&server.addr, "/", &host).0, 200);
}

#[test]
fn a_foreign_host_header_is_refused() {
    let server = start(TestSite::fixture("fixtures/full"));
    let (status, _) = get(&server.addr, "/", "attacker.example");
    assert_eq!(status, 403);
    let port = server.addr.rsplit(':').next().unwrap();
    assert_eq!(get(&server.addr, "/", &format!("localhost:{port}")).0, 200);
}

#[test]
fn a_saved_change_rebuilds_and_signals_a_reload() {
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let server = start(site);
    let host = server.addr.clone();
    let mut stream = events(&server.addr);
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, text.replace("title: Funding", "title: Money")).unwrap();
    wait_for_event(&mut stream, "reload");
    let (_, body) = get(&server.addr, "/sample/funding/", &host);
    assert!(body.contains("Money"), "{body}");
}

#[test]
fn a_broken_save_shows_its_errors_and_keeps_the_last_good_site() {
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let server = start(site);
    let host = server.addr.clone();
    let mut stream = events(&server.addr);
    std::fs::write(&chapter, "---\ntitle: [unclosed\n---\nBody\n").unwrap();
    let data = wait_for_event(&mut stream, "errors");
    assert!(data.contains("content/sample/02-funding.md:2"), "{data}");
    // The last good version is still served, with the problem shown on it.
    let (status, body) = get(&server.addr, "/sample/funding/", &host);
    assert_eq!(status, 200);
    assert!(body.contains("<h1>"), "{body}");
    assert!(body.contains("window.__rapportErrors"));
    assert!(body.contains("02-funding.md:2"));
}

#[test]
fn a_content_edit_updates_the_neighbouring_pages_rendered_on_request() {
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let server = start(site);
    let host = server.addr.clone();
    // Render the neighbour once before the edit, so a stale copy would show.
    assert!(
        get(&server.addr, "/sample/foreword/", &host)
            .1
            .contains("Funding")
    );
    let mut stream = events(&server.addr);
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, text.replace("title: Funding", "title: Money")).unwrap();
    wait_for_event(&mut stream, "reload");
    let (_, foreword) = get(&server.addr, "/sample/foreword/", &host);
    assert!(
        foreword.contains("Money"),
        "the next-chapter link follows: {foreword}"
    );
    let (_, home) = get(&server.addr, "/sample/", &host);
    assert!(
        home.contains("Money") && !home.contains(">Funding<"),
        "{home}"
    );
}

#[test]
fn a_deleted_chapter_is_gone_after_the_reload() {
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let foreword = site.dir.join("content/sample/01-foreword.md");
    let server = start(site);
    let host = server.addr.clone();
    assert_eq!(get(&server.addr, "/sample/funding/", &host).0, 200);
    // The foreword links to the funding chapter: drop that link too.
    let text = std::fs::read_to_string(&foreword).unwrap();
    let mut stream = events(&server.addr);
    std::fs::remove_file(&chapter).unwrap();
    std::fs::write(&foreword, strip_links_to(&text, "02-funding.md")).unwrap();
    // Two saves: the first alone may not build (a link to a missing
    // chapter); the reload comes when both are in.
    wait_for_event(&mut stream, "reload");
    assert_eq!(get(&server.addr, "/sample/funding/", &host).0, 404);
    assert!(!get(&server.addr, "/sample/", &host).1.contains("/funding/"));
}

#[test]
fn a_template_edit_rebuilds_every_page() {
    let site = TestSite::fixture("fixtures/full");
    let templates = site.dir.join("templates");
    let server = start(site);
    let host = server.addr.clone();
    let mut stream = events(&server.addr);
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("404.html"),
        "{% extends \"base.html\" %}{% block content %}<p>Nothing here: our own 404</p>{% endblock content %}",
    )
    .unwrap();
    wait_for_event(&mut stream, "reload");
    let (status, body) = get(&server.addr, "/no/such/page/", &host);
    assert_eq!(status, 404);
    assert!(body.contains("our own 404"), "{body}");
}

/// The Markdown with every link to `target` reduced to its text.
fn strip_links_to(md: &str, target: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(end) = rest.find(&format!("]({target}")) {
        let start = rest[..end].rfind('[').unwrap();
        out.push_str(&rest[..start]);
        out.push_str(&rest[start + 1..end]);
        let close = rest[end..].find(')').unwrap();
        rest = &rest[end + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Recommendation files are kept parsed between rebuilds like chapters: an
/// edit to one must show, on its page and in the list, and a mistake in it
/// must be reported at its line, not hidden by a cached copy.
#[test]
fn a_recommendation_edit_shows_and_its_mistakes_are_reported() {
    let site = TestSite::fixture("fixtures/tracker");
    let item = site.dir.join("content/progress-2020/recommendations/d.md");
    let server = start(site);
    let host = server.addr.clone();
    let page = "/progress-2020/recommendations/4-9/";
    assert!(
        get(&server.addr, page, &host)
            .1
            .contains("data-sharing protocol")
    );
    let text = std::fs::read_to_string(&item).unwrap();
    let mut stream = events(&server.addr);
    std::fs::write(
        &item,
        text.replace("data-sharing protocol", "records protocol"),
    )
    .unwrap();
    wait_for_event(&mut stream, "reload");
    let (_, body) = get(&server.addr, page, &host);
    assert!(
        body.contains("records protocol") && !body.contains("data-sharing protocol"),
        "{body}"
    );
    let (_, list) = get(&server.addr, "/progress-2020/recommendations/", &host);
    assert!(list.contains("records protocol"), "{list}");

    std::fs::write(
        &item,
        text.replace("status: implemented", "status: nearly there"),
    )
    .unwrap();
    let errors = wait_for_event(&mut stream, "errors");
    assert!(errors.contains("recommendations/d.md:6"), "{errors}");
    std::fs::write(&item, &text).unwrap();
    wait_for_event(&mut stream, "reload");
    assert!(
        get(&server.addr, page, &host)
            .1
            .contains("data-sharing protocol")
    );
}

/// Quick saves in a row: work started for an earlier save (rendering every
/// page, indexing) is stopped or dropped when a newer one arrives, and must
/// never put an older version back.
#[test]
fn quick_saves_in_a_row_end_on_the_last_version() {
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let server = start(site);
    let host = server.addr.clone();
    let text = std::fs::read_to_string(&chapter).unwrap();
    let mut stream = events(&server.addr);
    for i in 0..6 {
        std::fs::write(&chapter, format!("{text}\nSaved version {i}.\n")).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        wait_for_event(&mut stream, "reload");
        let (_, body) = get(&server.addr, "/sample/funding/", &host);
        if body.contains("Saved version 5.") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never showed the last save: {body}"
        );
    }
    // Once the background work has had time to finish, the pages it kept
    // are still the last version's.
    std::thread::sleep(std::time::Duration::from_millis(500));
    for page in ["/sample/funding/", "/sample/print/"] {
        let (_, body) = get(&server.addr, page, &host);
        assert!(
            body.contains("Saved version 5.") && !body.contains("Saved version 4."),
            "{page}: {body}"
        );
    }
}

// The PDF edition in the preview: typeset after the reload
// (src/serve/worker.rs, `Pdfs::typeset`).

/// Where the fixture's report PDF is served, as `rapport build` writes it.
const PDF: &str = "/sample/sample.pdf";

#[test]
fn the_pdf_is_typeset_after_the_first_build_is_served_not_before() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    // Asked for the moment the server answers: typesetting has not had
    // time to finish, so a PDF here would mean the first build waited for
    // it.
    let (status, _, _) = get_bytes(addr, PDF);
    assert_eq!(get(addr, "/sample/", addr).0, 200);
    assert_eq!(status, 404, "the first build waited for the PDF");
    wait_for_pdf(addr, PDF, |_| true);
}

#[test]
fn an_edited_reports_pdf_is_replaced_after_the_reload_and_the_last_good_one_is_served_meanwhile() {
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let server = start(site);
    let addr = &server.addr;
    let before = wait_for_pdf(addr, PDF, |_| true);
    let mut stream = events(addr);
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, text.replace("title: Funding", "title: Money")).unwrap();
    wait_for_event(&mut stream, "reload");
    // The page has reloaded before the new PDF is typeset; meanwhile the
    // last good PDF is still served.
    assert!(get(addr, "/sample/funding/", addr).1.contains("Money"));
    let (status, _, meanwhile) = get_bytes(addr, PDF);
    assert_eq!(status, 200, "no PDF served while the new one is typeset");
    assert!(meanwhile == before, "the reload waited for the new PDF");
    wait_for_pdf(addr, PDF, |pdf| pdf != before.as_slice());
}

#[test]
fn a_reports_page_links_to_its_pdf_with_its_size_once_typeset() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    let pdf = wait_for_pdf(addr, PDF, |_| true);
    let details = format!("(PDF, {} KB, ", pdf.len().div_ceil(1024));
    // Without a save: the pages are made again for the link.
    let what = format!("no link to the PDF saying {details}");
    wait_for_page(addr, "/sample/", &what, |page| {
        page.contains("sample/sample.pdf\" download>") && page.contains(&details)
    });
}

// The preview server's connections and the requests it answers
// (src/serve/http.rs; docs/hardening.md, "The preview server").

/// The header timeout and the write timeout of src/serve/http.rs.
const SERVER_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits until the server closes `s`, reading (and dropping) what it sends;
/// `true` if it closed before `deadline`.
fn closed_by(s: &mut TcpStream, deadline: Instant) -> bool {
    use std::io::Read;
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buf = [0u8; 64 * 1024];
    while Instant::now() < deadline {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

/// Reads one response on a kept-alive connection: its head, then as many
/// body bytes as `Content-Length` says.
fn read_one(r: &mut BufReader<TcpStream>) -> (String, Vec<u8>) {
    use std::io::Read;
    let mut head = String::new();
    let mut line = String::new();
    while r.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
        head.push_str(&line);
        line.clear();
    }
    let len: usize = header_value(&format!("{head}\r\n"), "content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (head, body)
}

#[test]
fn post_put_delete_to_serve_get_405_with_allow_header() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
        let (status, resp) = request(
            addr,
            &format!(
                "{method} /sample/funding/ HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            ),
        );
        assert_eq!(status, 405, "{method}: {resp}");
        assert_eq!(
            header_value(&resp, "allow").as_deref(),
            Some("GET, HEAD"),
            "{method}: {resp}"
        );
        assert!(!resp.contains("<h1>"), "{method} got the page: {resp}");
    }
    assert_eq!(get(addr, "/sample/funding/", addr).0, 200);
}

#[test]
fn head_is_answered_with_headers_and_no_body() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    let (status, resp) = request(
        addr,
        &format!("HEAD /sample/funding/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200, "{resp}");
    assert!(
        header_value(&resp, "content-type").is_some_and(|t| t.starts_with("text/html")),
        "{resp}"
    );
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    assert_eq!(body, "", "HEAD sent a body");
}

#[test]
fn slow_client_sending_headers_byte_by_byte_is_cut_off() {
    let server = start(TestSite::fixture("fixtures/full"));
    let mut s = TcpStream::connect(&server.addr).unwrap();
    let start = Instant::now();
    let head = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nX-Padding: {}\r\n\r\n",
        server.addr,
        "a".repeat(200)
    );
    let mut cut = None;
    // One byte every 400 ms: the whole head would take over a minute.
    for byte in head.as_bytes() {
        let gone = s.write_all(&[*byte]).is_err()
            || closed_by(&mut s, Instant::now() + Duration::from_millis(400));
        if gone {
            cut = Some(start.elapsed());
            break;
        }
        assert!(
            start.elapsed() < SERVER_TIMEOUT + Duration::from_secs(5),
            "still connected after {:?}",
            start.elapsed()
        );
    }
    let cut = cut.expect("the server waited for the whole head");
    assert!(
        cut >= SERVER_TIMEOUT - Duration::from_secs(1),
        "cut off too early, after {cut:?}"
    );
    // The server is still there for everyone else.
    assert_eq!(get(&server.addr, "/", &server.addr).0, 200);
}

#[test]
fn idle_connection_is_closed_after_timeout() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    // A connection that never sends anything.
    let mut silent = TcpStream::connect(addr).unwrap();
    // A kept-alive connection after one answer.
    let mut kept = BufReader::new(TcpStream::connect(addr).unwrap());
    write!(
        kept.get_mut(),
        "GET /sample/funding/ HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let (head, body) = read_one(&mut kept);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!body.is_empty());
    let deadline = Instant::now() + SERVER_TIMEOUT + Duration::from_secs(5);
    assert!(
        closed_by(&mut silent, deadline),
        "a silent connection stayed open"
    );
    assert!(
        closed_by(kept.get_mut(), deadline),
        "an idle kept-alive connection stayed open"
    );
}

#[test]
fn client_that_stops_reading_is_cut_off() {
    let site = TestSite::fixture("fixtures/full");
    // 1 MiB a request, 64 requests: far more than the system's buffers
    // hold, so the server's writes stall.
    site.write("static/big.txt", &"x".repeat(1 << 20));
    let server = start(site);
    let addr = &server.addr;
    let mut s = TcpStream::connect(addr).unwrap();
    let requests = 64;
    let one = format!("GET /static/big.txt HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    s.write_all(one.repeat(requests).as_bytes()).unwrap();
    std::thread::sleep(SERVER_TIMEOUT + Duration::from_secs(3));
    // Now read what the server managed to send: it must have given up.
    use std::io::Read;
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut got = 0usize;
    let mut buf = vec![0u8; 1 << 20];
    let closed = loop {
        match s.read(&mut buf) {
            Ok(0) => break true,
            Ok(n) => got += n,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break false;
            }
            Err(_) => break true,
        }
    };
    assert!(closed, "the connection stayed open ({got} bytes read)");
    assert!(got < requests << 20, "every answer was sent ({got} bytes)");
    assert_eq!(get(addr, "/", addr).0, 200);
}

#[test]
fn bind_all_interfaces_accepts_the_machines_own_host_header() {
    let server = start_with(TestSite::fixture("fixtures/full"), &["--bind", "0.0.0.0"]);
    // Only ever connect to 127.0.0.1; the Host header is what a browser on
    // another machine would send.
    let port = server.addr.rsplit(':').next().unwrap();
    let addr = format!("127.0.0.1:{port}");
    for host in [
        format!("192.0.2.1:{port}"),
        format!("[2001:db8::1]:{port}"),
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        // Behind a forwarded port.
        "192.0.2.1:8080".to_string(),
    ] {
        let (status, body) = get(&addr, "/sample/funding/", &host);
        assert_eq!(status, 200, "{host}: {body}");
        assert!(body.contains("<h1>"), "{host}");
    }
    // A name of someone else's is still refused (DNS rebinding).
    for host in [
        format!("evil.example:{port}"),
        format!("192.0.2.1.evil.example:{port}"),
    ] {
        assert_eq!(get(&addr, "/", &host).0, 403, "{host}");
    }
    // The address printed is one a browser can open (not 0.0.0.0).
    assert_eq!(server.addr, addr);
}

#[test]
fn dns_rebinding_host_is_refused_on_loopback() {
    let server = start(TestSite::fixture("fixtures/full"));
    let port = server.addr.rsplit(':').next().unwrap();
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("user@127.0.0.1:{port}"),
        // An address of the network is not this server's on loopback.
        format!("192.0.2.1:{port}"),
        "127.0.0.1".to_string(),
        String::new(),
    ] {
        let (status, body) = get(&server.addr, "/", &host);
        assert_eq!(status, 403, "{host:?}: {body}");
        assert!(!body.contains("<h1>"), "{host:?}");
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(get(&server.addr, "/", &host).0, 200, "{host}");
    }
}

#[test]
fn another_sites_page_cannot_open_the_live_reload_stream_or_read_pages() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    for path in ["/__rapport/events", "/sample/funding/"] {
        for origin in ["http://evil.example", "null", &format!("https://{addr}")] {
            let (status, resp) = request(
                addr,
                &format!(
                    "GET {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n"
                ),
            );
            assert_eq!(status, 403, "{path} from {origin}: {resp}");
        }
    }
    let (status, _) = request(
        addr,
        &format!(
            "GET /sample/funding/ HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert_eq!(status, 200, "the preview's own pages");
}

#[test]
fn idle_live_reload_streams_past_the_limit_close_the_oldest() {
    /// MAX_LIVE_STREAMS in src/serve/http.rs.
    const LIMIT: usize = 32;
    let site = TestSite::fixture("fixtures/full");
    let chapter = site.dir.join("content/sample/02-funding.md");
    let server = start(site);
    let mut streams: Vec<_> = (0..=LIMIT).map(|_| events(&server.addr)).collect();
    // The oldest stream ends (the chunked body's last chunk, `0`).
    let oldest = &mut streams[0];
    oldest
        .get_mut()
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut line = String::new();
    loop {
        line.clear();
        let n = oldest
            .read_line(&mut line)
            .expect("the oldest stream was not closed");
        if n == 0 || line == "0\r\n" {
            break;
        }
    }
    // The others still hear about saves, and pages are still served.
    let newest = streams.last_mut().unwrap();
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, text.replace("title: Funding", "title: Money")).unwrap();
    wait_for_event(newest, "reload");
    wait_for_event(&mut streams[1], "reload");
    assert_eq!(get(&server.addr, "/", &server.addr).0, 200);
}

#[test]
fn oversized_request_head_gets_431_and_the_server_keeps_serving() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    // Over MAX_HEAD_BYTES (64 KiB), well under hyper's own default limit.
    let (status, resp) = request(
        addr,
        &format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\nCookie: {}\r\nConnection: close\r\n\r\n",
            "a".repeat(100 * 1024)
        ),
    );
    assert_eq!(status, 431, "{}", &resp[..resp.len().min(200)]);
    let (status, _) = request(
        addr,
        &format!(
            "GET /{} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
            "a/".repeat(50 * 1024)
        ),
    );
    assert!(status == 431 || status == 414, "{status}");
    assert_eq!(get(addr, "/", addr).0, 200);
}

#[test]
fn a_file_of_unknown_type_is_never_sniffed_as_a_page() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "static/notes.unknown",
        "<script>alert(document.cookie)</script>",
    );
    let server = start(site);
    let addr = &server.addr;
    let (status, resp) = get(addr, "/static/notes.unknown", addr);
    assert_eq!(status, 200, "{resp}");
    assert_eq!(
        header_value(&resp, "content-type").as_deref(),
        Some("application/octet-stream")
    );
    // Every answer, whatever its status, says so.
    let answers = [
        resp,
        get(addr, "/sample/funding/", addr).1,
        get(addr, "/no/such/page/", addr).1,
        get(addr, "/", "evil.example").1,
        request(
            addr,
            &format!("POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        )
        .1,
    ];
    for resp in &answers {
        assert_eq!(
            header_value(resp, "x-content-type-options").as_deref(),
            Some("nosniff"),
            "{resp}"
        );
        assert_eq!(
            header_value(resp, "cross-origin-resource-policy").as_deref(),
            Some("same-origin"),
            "{resp}"
        );
        assert_eq!(
            header_value(resp, "cache-control").as_deref(),
            Some("no-store"),
            "{resp}"
        );
    }
}

#[test]
fn symlink_in_static_to_a_file_outside_the_site_is_not_served() {
    let site = TestSite::fixture("fixtures/full");
    let secret = site.dir.parent().unwrap().join("secret.txt");
    std::fs::write(&secret, "the secret").unwrap();
    std::fs::create_dir_all(site.dir.join("static")).unwrap();
    std::os::unix::fs::symlink(&secret, site.dir.join("static/leak.txt")).unwrap();
    std::os::unix::fs::symlink(site.dir.parent().unwrap(), site.dir.join("static/up")).unwrap();
    let server = start(site);
    let addr = &server.addr;
    for path in ["/static/leak.txt", "/static/up/secret.txt"] {
        let (status, body) = get(addr, path, addr);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("the secret"), "{path}");
    }
}

#[test]
fn folder_address_without_its_slash_redirects_so_relative_links_work() {
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    let (status, resp) = get(addr, "/sample/funding?x=1", addr);
    assert_eq!(status, 307, "{resp}");
    assert_eq!(
        header_value(&resp, "location").as_deref(),
        Some("/sample/funding/?x=1")
    );
    // Never to another site (`//evil.example/` is a full address).
    let (status, resp) = get(addr, "//sample/funding", addr);
    assert_eq!(status, 307, "{resp}");
    assert_eq!(
        header_value(&resp, "location").as_deref(),
        Some("/sample/funding/")
    );
    assert_eq!(get(addr, "/sample/funding/", addr).0, 200);
    assert_eq!(get(addr, "/sample/nothing", addr).0, 404);
}

#[test]
fn connection_flood_is_bounded_and_served_as_connections_close() {
    /// MAX_CONNECTIONS in src/serve/http.rs.
    const LIMIT: usize = 256;
    use std::io::Read;
    let server = start(TestSite::fixture("fixtures/full"));
    let addr = &server.addr;
    let flood: Vec<TcpStream> = (0..LIMIT)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // One more: the system takes it, the server waits for a free place.
    let mut late = TcpStream::connect(addr).unwrap();
    write!(
        late,
        "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    late.set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut first = [0u8; 12];
    assert!(
        late.read(&mut first).is_err(),
        "answered past the limit of open connections"
    );
    drop(flood);
    late.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut resp = Vec::new();
    let _ = late.read_to_end(&mut resp);
    assert!(
        resp.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&resp[..resp.len().min(200)])
    );
}
