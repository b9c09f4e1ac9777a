//! Site search: the index built with the site, the search box on every page,
//! and what a reader gets in a real browser when searching the fixture site
//! `tests/fixtures/search`, whose words are chosen for these tests.
//!
//! Pagefind's script fetches index chunks, which browsers refuse from
//! file:// addresses, so the built site is served over HTTP on 127.0.0.1 by a
//! small server in this file, under a sub-path (`/reports/`) as it would be
//! deployed.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::browser::{chromium, dom_after};
use crate::harness::*;

/// A word that appears only in the fixture's draft chapter.
const DRAFT_WORD: &str = "quillwort";

/// The search fixture, built once for all the tests here (`--no-pdf`: the
/// PDFs have their own tests).
fn fixture() -> &'static (TestSite, Run) {
    static SITE: OnceLock<(TestSite, Run)> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = TestSite::fixture("fixtures/search");
        let run = site.run(&["build", "--no-pdf"]).success();
        (site, run)
    })
}

#[test]
fn the_build_writes_the_search_index() {
    let (_, run) = fixture();
    let dir = run.output.join("pagefind");
    for f in ["pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"] {
        assert!(dir.join(f).is_file(), "{f} missing from the output");
    }
    let files: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .collect();
    for ext in [".pf_meta", ".pf_index", ".pf_fragment"] {
        assert!(files.iter().any(|f| f.ends_with(ext)), "no {ext} file");
    }
    let entry = std::fs::read_to_string(dir.join("pagefind-entry.json")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let pages = entry["languages"]["en"]["page_count"].as_u64().unwrap();
    // Report homes (2), chapters (3), recommendations (3) and data tables
    // (1); not the tracker and its filtered lists, the print editions, the
    // search, home or 404 pages, and not the draft.
    assert_eq!(pages, 9, "records indexed");
}

#[test]
fn every_page_has_a_search_box_that_leads_to_the_search_page() {
    let (_, run) = fixture();
    let mut checked = Vec::new();
    for e in walkdir::WalkDir::new(&run.output) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&run.output).unwrap();
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !rel.ends_with(".html") || rel == "404.html" || rel.starts_with("pagefind/") {
            continue;
        }
        let page = run.page(&rel);
        let form = if rel == "search/index.html" {
            "main form[role=search]"
        } else {
            "header form[role=search]"
        };
        let action = page
            .attr(form, "action")
            .unwrap_or_else(|| panic!("{rel}: no search form"));
        assert_eq!(page.attr(form, "method").as_deref(), Some("get"), "{rel}");
        // Relative, so it works under any sub-path and from a folder.
        assert!(
            !action.starts_with('/') && !action.contains(':'),
            "{rel}: {action}"
        );
        let target = Path::new(&rel)
            .parent()
            .unwrap()
            .join(&action)
            .join("index.html");
        assert!(
            run.output.join(normalise(&target)).is_file(),
            "{rel}: {action} does not lead to the search page"
        );
        let input_id = page.attr(&format!("{form} input[name=q]"), "id").unwrap();
        assert!(
            !page
                .all(&format!("{form} label[for={input_id}]"))
                .is_empty(),
            "{rel}: the search box has no label"
        );
        checked.push(rel);
    }
    for kind in [
        "index.html",
        "annual-2023/index.html",
        "annual-2023/summary/index.html",
        "annual-2023/print/index.html",
        "harbour-progress/recommendations/index.html",
        "harbour-progress/recommendations/2/index.html",
        "harbour-progress/recommendations/lead/fixture-police/index.html",
        "search/index.html",
    ] {
        assert!(checked.iter().any(|c| c == kind), "{kind} not checked");
    }
}

#[test]
fn the_search_page_lists_every_report_for_readers_without_javascript() {
    let (_, run) = fixture();
    let page = run.page("search/index.html");
    assert!(page.text_of("#search-status").contains("JavaScript"));
    let links = page.hrefs();
    for report in ["annual-2023", "harbour-progress"] {
        assert!(
            links.iter().any(|h| h == &format!("../{report}/")),
            "{report} not listed: {links:?}"
        );
    }
    assert!(
        links
            .iter()
            .any(|h| h == "../harbour-progress/recommendations/"),
        "the tracker is not listed"
    );
    assert!(
        !page.text.contains("Notes not yet agreed"),
        "the draft is listed"
    );
}

#[test]
fn the_print_edition_and_the_tracker_pages_are_not_indexed() {
    let (_, run) = fixture();
    for rel in [
        "harbour-progress/print/index.html",
        "harbour-progress/recommendations/index.html",
        "harbour-progress/recommendations/status/partly-implemented/index.html",
        "index.html",
    ] {
        let text = std::fs::read_to_string(run.output.join(rel)).unwrap();
        assert!(!text.contains("data-pagefind-body"), "{rel} is indexed");
    }
    let chapter = run.page("annual-2023/summary/index.html");
    assert!(!chapter.all("article[data-pagefind-body]").is_empty());
    // Navigation inside the indexed part is left out.
    assert!(!chapter.all("nav.pager[data-pagefind-ignore]").is_empty());
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Serves `root` over HTTP under `/reports/` (a sub-path, as on a real
/// deploy); returns the address.
pub(crate) fn serve_under_sub_path(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root));
        }
    });
    addr
}

fn answer(mut stream: TcpStream, root: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or("");
    let file = path.strip_prefix("/reports/").and_then(|p| {
        if p.split('/').any(|s| s == "..") {
            return None;
        }
        let mut f = root.join(p);
        if p.is_empty() || p.ends_with('/') {
            f = f.join("index.html");
        }
        std::fs::read(f).ok()
    });
    let (status, body) = match file {
        Some(b) => ("200 OK", b),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let kind = match path.rsplit('.').next().unwrap_or("") {
        "js" => "text/javascript",
        "css" => "text/css",
        "json" => "application/json",
        "wasm" => "application/wasm",
        _ if path.ends_with('/') => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

/// What a reader sees for one result.
#[derive(Debug)]
struct Hit {
    kind: String,
    title: String,
    href: String,
    where_: String,
    status: String,
}

/// Whether the search page has announced its outcome.
fn search_finished(dom: &str) -> bool {
    let html = scraper::Html::parse_document(dom);
    let status = scraper::Selector::parse("#search-status").unwrap();
    html.select(&status)
        .next()
        .is_some_and(|e| !e.text().collect::<String>().trim().is_empty())
}

/// The search page at `url` in Chromium once it has announced its outcome,
/// each try with a new profile under `profiles`.
pub(crate) fn dom_of_search(url: &str, profiles: &Path) -> String {
    let browser = chromium();
    // One browser at a time: several at once on two cores starve the
    // index's WebAssembly of the time it needs.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // On a loaded machine the index may not have answered within the time
    // budget (the status is then still empty): ask again, as a reader would.
    // The first search of a run has twice failed in CI with four tries of
    // 10 s, at the start of the suite when every core is building sites:
    // the budget grows with each try.
    let mut dom = String::new();
    for attempt in 0..6 {
        let profile = profiles.join(format!("try-{attempt}"));
        dom = dom_after(browser, url, &profile, 10_000 * (attempt + 1));
        if search_finished(&dom) {
            break;
        }
        eprintln!("{url}: no outcome on try {attempt}, asking again");
    }
    dom
}

/// Loads `search/?q=...` in Chromium and reads the results it shows: the
/// status line and the hits.
fn search(query: &str) -> (String, Vec<Hit>) {
    static ADDR: OnceLock<String> = OnceLock::new();
    let (site, run) = fixture();
    let addr = ADDR.get_or_init(|| serve_under_sub_path(run.output.clone()));
    let url = format!("http://{addr}/reports/search/?q={query}");
    let dom = dom_of_search(&url, &site.outside().join(format!("chromium-{query}")));
    let html = scraper::Html::parse_document(&dom);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let text = |e: scraper::ElementRef, s: &str| {
        e.select(&sel(s))
            .next()
            .map(|x| x.text().collect::<String>().trim().to_string())
            .unwrap_or_default()
    };
    let status = html
        .select(&sel("#search-status"))
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default();
    let hits = html
        .select(&sel("#search-results li.search-result"))
        .map(|li| Hit {
            kind: text(li, ".search-result-type"),
            title: text(li, ".search-result-title"),
            href: li
                .select(&sel(".search-result-title a"))
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_default()
                .to_string(),
            where_: text(li, ".search-result-where"),
            status: text(li, ".status"),
        })
        .collect();
    (status, hits)
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (and unset RAPPORT_SKIP_BROWSER)"
)]
fn search_finds_a_recommendation_by_a_word_only_in_its_progress_update() {
    // "consortium" is in recommendation 2's response, not in its text.
    let (status, hits) = search("consortium");
    let first = hits
        .first()
        .unwrap_or_else(|| panic!("no results: {status}"));
    assert_eq!(first.kind, "Recommendation", "{hits:?}");
    assert!(first.title.contains("mediation"), "{hits:?}");
    // The recommendation's page, at the heading where the words were found.
    assert!(
        first
            .href
            .starts_with("/reports/harbour-progress/recommendations/2/"),
        "{hits:?}"
    );
    assert_eq!(first.status, "Partly implemented");
    assert!(
        first.where_.contains("Harbour Commission progress report"),
        "{hits:?}"
    );
    assert!(
        status.contains("result"),
        "the count is announced: {status}"
    );
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (and unset RAPPORT_SKIP_BROWSER)"
)]
fn search_finds_a_data_table_by_a_word_in_one_of_its_rows() {
    // "Wolverhampton" is a row of the grants table and nowhere else.
    let (status, hits) = search("Wolverhampton");
    let first = hits
        .first()
        .unwrap_or_else(|| panic!("no results: {status}"));
    assert_eq!(first.kind, "Table", "{hits:?}");
    assert!(first.title.contains("Grants by district"), "{hits:?}");
    assert_eq!(
        first.href,
        "/reports/annual-2023/funding/#table-grants-by-district"
    );
    assert!(first.where_.contains("Annual report 2023"), "{hits:?}");
    // The table is found once: not a second time through its chapter or
    // the print edition.
    assert_eq!(hits.len(), 1, "{hits:?}");
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (and unset RAPPORT_SKIP_BROWSER)"
)]
fn search_finds_a_chapter_section_by_a_word_of_its_heading() {
    let (status, hits) = search("Kestrel");
    let first = hits
        .first()
        .unwrap_or_else(|| panic!("no results: {status}"));
    assert_eq!(first.kind, "Chapter", "{hits:?}");
    assert_eq!(
        first.href, "/reports/annual-2023/summary/#operation-kestrel",
        "{hits:?}"
    );
    assert!(hits.iter().all(|h| !h.href.contains("/print/")), "{hits:?}");
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (and unset RAPPORT_SKIP_BROWSER)"
)]
fn search_leaves_out_drafts() {
    let (status, hits) = search(DRAFT_WORD);
    assert!(hits.is_empty(), "{hits:?}");
    assert!(status.contains("No results"), "{status}");
}

#[test]
fn serve_builds_the_search_index_after_the_first_build() {
    let site = TestSite::fixture("fixtures/tracker");
    let server = start(site);
    let addr = server.addr.clone();
    let start = Instant::now();
    let mut found = false;
    while start.elapsed() < Duration::from_secs(60) {
        let (status, resp) = get(&addr, "/pagefind/pagefind-entry.json", &addr);
        if status == 200 && resp.contains("\"languages\"") {
            found = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(server);
    assert!(found, "serve never published the search index");
}

/// What indexing costs, for docs/search.md: the example site and a generated
/// 10,000-chapter site. A measurement, not a check; run it with
/// `cargo test --test it search_index_cost -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement for the docs, slow"]
fn search_index_cost() {
    use rapport::build::{BuildOptions, render_in_memory};
    let example = TestSite::example();
    let tmp = tempfile::tempdir().unwrap();
    let generated = tmp.path().join("generated");
    crate::synthetic::generate(&generated, 10_000, 100);
    for (name, dir) in [
        ("example", example.dir.clone()),
        ("10,000 chapters", generated),
    ] {
        let fs = rapport::vfs::RealFs::new(&dir).unwrap();
        let opts = BuildOptions {
            no_pdf: true,
            no_search: true,
            ..BuildOptions::default()
        };
        let start = Instant::now();
        let outcome = render_in_memory(&fs, &opts);
        let render = start.elapsed();
        let (site, output) = (outcome.site.unwrap(), outcome.output.unwrap());
        let pages = output.files.keys().filter(|k| k.ends_with(".html")).count();
        let start = Instant::now();
        let index = rapport::search::index(&site, &output.files).unwrap();
        let took = start.elapsed();
        let bytes: usize = index
            .values()
            .map(|f| f.bytes().map(|b| b.len()).unwrap_or(0))
            .sum();
        println!(
            "{name}: {pages} pages rendered in {:.2} s; index {} files, {:.1} MB, made in {:.2} s",
            render.as_secs_f64(),
            index.len(),
            bytes as f64 / 1e6,
            took.as_secs_f64()
        );
    }
}

/// Every file under `dir`, by its path inside it.
fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// `--cache DIR` keeps the search index with a key made of every page it
/// indexes: unchanged, the kept index is published; after a change, the
/// index is made again, the same as a build without the cache makes.
#[test]
fn a_kept_search_index_is_reused_only_while_the_pages_are_unchanged() {
    let site = TestSite::fixture("fixtures/full");
    let cache = site.outside().join("build-cache");
    let cache_arg = cache.to_str().unwrap().to_string();
    let index = |out: &str| files_under(&site.dir.join(out).join("pagefind"));
    let both = |what: &str| {
        site.run(&[
            "build", "--no-pdf", "--output", "with", "--cache", &cache_arg,
        ])
        .success();
        site.run(&["build", "--no-pdf", "--output", "fresh"])
            .success();
        assert!(
            index("with") == index("fresh"),
            "after {what}, the kept index differs from a fresh one"
        );
        index("with")
    };
    let first = both("the first build");
    assert!(
        first.keys().any(|k| k.ends_with("pagefind-entry.json")),
        "{:?}",
        first.keys()
    );

    // Unchanged: the kept entry is what is published. Proved by putting a
    // stand-in (with its digest) in its place.
    let entry = std::fs::read_dir(cache.join("search"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "index"))
        .unwrap()
        .path();
    let mut body = Vec::new();
    for part in [&b"stand-in.txt"[..], b"kept"] {
        body.extend((part.len() as u64).to_le_bytes());
        body.extend(part);
    }
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&body)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let kept = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, [digest.as_bytes(), b"\n", &body].concat()).unwrap();
    site.run(&[
        "build", "--no-pdf", "--output", "with", "--cache", &cache_arg,
    ])
    .success();
    assert_eq!(index("with").keys().collect::<Vec<_>>(), ["stand-in.txt"]);
    // A damaged entry is not used.
    std::fs::write(
        &entry,
        [digest.as_bytes(), b"\n", &body[..body.len() - 1]].concat(),
    )
    .unwrap();
    both("a damaged entry");
    std::fs::write(&entry, kept).unwrap();

    // A chapter changed: indexed again.
    let path = site.dir.join("content/sample/01-foreword.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\nA word for the index: quinquennial.\n"),
    )
    .unwrap();
    let changed = both("a chapter's text");
    assert!(changed != first);
    // One index is kept, not one per change.
    assert_eq!(std::fs::read_dir(cache.join("search")).unwrap().count(), 1);
}

/// The search index is made while the PDFs are typeset, from the pages
/// rendered before their links to the PDFs can be (a link gives the PDF's
/// size and pages). Those links are in parts of the page the index leaves
/// out, so it must be, byte for byte, the index the published pages give.
#[test]
fn the_index_made_beside_the_pdfs_is_the_one_the_published_pages_give() {
    let site = TestSite::example();
    let out = site.outside().join("built");
    let opts = rapport::build::BuildOptions::default();
    let outcome = rapport::build::build_to_disk(&site.dir, &out, &opts);
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    let pdf = std::fs::read(out.join("community-safety-2022-23/community-safety-2022-23.pdf"))
        .expect("the build made the report's PDF");
    assert!(pdf.starts_with(b"%PDF"));
    let home = std::fs::read_to_string(out.join("community-safety-2022-23/index.html")).unwrap();
    assert!(
        home.contains(".pdf\" download>"),
        "the published report home links to its PDF"
    );

    let published = files_under(&out);
    let translated = |p: &str| p.starts_with("cy/");
    let pages: Vec<&str> = published
        .keys()
        .map(String::as_str)
        .filter(|p| p.ends_with(".html") && !p.starts_with("pagefind/") && !translated(p))
        .collect();
    let site_model = outcome.site.as_ref().expect("the site loaded");
    let read = |path: &str| published.get(path).cloned();
    let again = rapport::search::index_pages(site_model, &pages, &read).unwrap();
    let made: std::collections::BTreeMap<&str, &Vec<u8>> = published
        .iter()
        .filter(|(p, _)| p.starts_with("pagefind/"))
        .map(|(p, b)| (p.as_str(), b))
        .collect();
    let again_paths: Vec<&str> = again.keys().map(String::as_str).collect();
    assert_eq!(made.keys().copied().collect::<Vec<_>>(), again_paths);
    for (path, file) in &again {
        let rapport::output::OutputFile::Bytes(bytes) = file else {
            panic!("{path} is in memory")
        };
        assert!(
            made[path.as_str()] == bytes,
            "{path} differs from the one indexed from the published pages"
        );
    }
}

/// The indexer is given each page without the elements marked
/// `data-pagefind-ignore="all"` (`search::excluded`), which pagefind would
/// parse and then discard. The index must be the one the whole pages give:
/// here the same pages are indexed with the mark spelt `'all'`, which
/// pagefind reads the same way but rapport does not cut.
#[test]
fn leaving_out_what_the_index_discards_changes_nothing_in_it() {
    let site = TestSite::example();
    let out = site.outside().join("built");
    let opts = rapport::build::BuildOptions {
        no_pdf: true,
        ..Default::default()
    };
    let outcome = rapport::build::build_to_disk(&site.dir, &out, &opts);
    assert!(!outcome.has_errors(), "{:?}", outcome.diagnostics);
    let published = files_under(&out);
    let pages: Vec<&str> = published
        .keys()
        .map(String::as_str)
        .filter(|p| p.ends_with(".html") && !p.starts_with("pagefind/") && !p.starts_with("cy/"))
        .collect();
    let mark = "data-pagefind-ignore=\"all\"";
    let marked = |part: &str| {
        pages
            .iter()
            .filter(|p| {
                let html = String::from_utf8_lossy(&published[**p]);
                html.contains("data-pagefind-body") && html.contains(&format!("{part} {mark}"))
            })
            .count()
    };
    // What is cut on the example site: each chapter's contents list, the
    // site's header, breadcrumbs and footer, data tables (indexed as
    // records of their own) and tracker lists.
    for part in [
        "<nav class=\"report-contents\" aria-labelledby=\"nav-report-contents\"",
        "<header class=\"site-header\"",
        "<footer class=\"site-footer\"",
        "<div class=\"tracker-list\"",
        "<figure class=\"data-table\"",
    ] {
        assert!(marked(part) > 0, "no indexed page has {part} {mark}");
    }
    let site_model = outcome.site.as_ref().expect("the site loaded");
    let cut =
        rapport::search::index_pages(site_model, &pages, &|p| published.get(p).cloned()).unwrap();
    let whole = rapport::search::index_pages(site_model, &pages, &|p| {
        let html = String::from_utf8(published.get(p)?.clone()).ok()?;
        Some(
            html.replace(mark, "data-pagefind-ignore='all'")
                .into_bytes(),
        )
    })
    .unwrap();
    assert_eq!(
        cut.keys().collect::<Vec<_>>(),
        whole.keys().collect::<Vec<_>>()
    );
    let bytes = |file: &rapport::output::OutputFile| match file {
        rapport::output::OutputFile::Bytes(b) => b.clone(),
        _ => panic!("the index is in memory"),
    };
    for (path, file) in &cut {
        assert!(
            bytes(&whole[path]) == bytes(file),
            "{path} differs from the whole pages' index"
        );
    }
}
