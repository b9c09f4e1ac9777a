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
