//! Every internal link and fragment in a built site resolves.
//!
//! The check walks the files rapport wrote, as a static host would serve them: a link
//! to `a/b/` is `a/b/index.html`, a `#fragment` must name an `id` (or `<a name>`) on the
//! target page. Links out of the site (another host, `mailto:`) are not followed; links
//! to the site's own `base_url` (canonical links) are checked like relative ones.
//! `tests/quality/check-site.mjs` cross-checks the same promise with another parser,
//! over HTTP.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Command;

use scraper::{Html, Selector};

use crate::harness::*;

/// The attributes that point at something, per element.
const LINK_ATTRS: &[(&str, &str)] = &[
    ("a", "href"),
    ("area", "href"),
    ("link", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("script", "src"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("form", "action"),
    ("object", "data"),
    ("embed", "src"),
];

struct SitePages {
    /// Every file of the output, by its path relative to the output folder.
    files: HashSet<String>,
    /// The ids (and `<a name>`s) of every HTML page.
    anchors: BTreeMap<String, HashSet<String>>,
    /// `(attribute value, element)` for every link of every HTML page.
    links: BTreeMap<String, Vec<(String, String)>>,
    /// The site's own address, from the home page's canonical link.
    base_url: Option<String>,
}

fn read_site(out: &Path) -> SitePages {
    let mut site = SitePages {
        files: HashSet::new(),
        anchors: BTreeMap::new(),
        links: BTreeMap::new(),
        base_url: None,
    };
    let ids = Selector::parse("[id], a[name]").unwrap();
    let canonical = Selector::parse("link[rel=canonical]").unwrap();
    for (rel, bytes) in snapshot(out) {
        let rel = rel.replace('\\', "/");
        if rel.ends_with(".html") {
            let html = Html::parse_document(&String::from_utf8_lossy(&bytes));
            let anchors = html
                .select(&ids)
                .flat_map(|e| [e.value().attr("id"), e.value().attr("name")])
                .flatten()
                .map(str::to_string)
                .collect();
            let mut links = Vec::new();
            for (tag, attr) in LINK_ATTRS {
                let sel = Selector::parse(&format!("{tag}[{attr}]")).unwrap();
                for el in html.select(&sel) {
                    let value = el.value().attr(attr).unwrap();
                    let values: Vec<&str> = if *attr == "srcset" {
                        value
                            .split(',')
                            .filter_map(|c| c.split_whitespace().next())
                            .collect()
                    } else {
                        vec![value]
                    };
                    for v in values {
                        links.push((v.to_string(), format!("<{tag} {attr}>")));
                    }
                }
            }
            if rel == "index.html" {
                site.base_url = html
                    .select(&canonical)
                    .next()
                    .and_then(|e| e.value().attr("href"))
                    .map(|b| format!("{}/", b.trim_end_matches('/')));
            }
            site.anchors.insert(rel.clone(), anchors);
            site.links.insert(rel.clone(), links);
        }
        site.files.insert(rel);
    }
    site
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What is left of a link to the site's own address, once that address is taken off:
/// nothing means the home page.
fn or_home(rest: &str) -> &str {
    if rest.is_empty() { "./" } else { rest }
}

/// Where a link from `page` goes: the output file and the fragment, `Ok(None)` for a
/// link out of the site, `Err` when it leaves the output folder.
fn resolve(
    page: &str,
    href: &str,
    base_url: Option<&str>,
) -> Result<Option<(String, Option<String>)>, String> {
    let mut href = href.trim();
    if let Some(base) = base_url
        && let Some(rest) = href.strip_prefix(base)
    {
        return resolve("index.html", or_home(rest), None);
    }
    if href.is_empty() {
        return Err("empty link".into());
    }
    if href.starts_with("//") {
        return Ok(None);
    }
    // From the root of the host (the 404 page links this way, since a host serves it at
    // any address): inside the site only under base_url's path.
    if href.starts_with('/') {
        let base_path = base_url
            .and_then(|b| b.split_once("://"))
            .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
            .unwrap_or("/");
        return match href.strip_prefix(base_path) {
            Some(rest) => resolve("index.html", or_home(rest), None),
            None => Err(format!("outside the site's path {base_path}")),
        };
    }
    // A scheme (`https:`, `mailto:`, `data:`): not a link inside the site.
    if let Some(colon) = href.find(':')
        && !href[..colon].contains(['/', '?', '#'])
    {
        return Ok(None);
    }
    let fragment = href.find('#').map(|i| {
        let f = percent_decode(&href[i + 1..]);
        href = &href[..i];
        f
    });
    if let Some(q) = href.find('?') {
        href = &href[..q];
    }
    let path = percent_decode(href);
    let mut segments: Vec<&str> = page.split('/').collect();
    segments.pop();
    let ends_in_dir = path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err("goes above the site's root".into());
                }
            }
            s => segments.push(s),
        }
    }
    let file = if path.is_empty() {
        page.to_string()
    } else if ends_in_dir || segments.is_empty() {
        segments.push("index.html");
        segments.join("/")
    } else {
        segments.join("/")
    };
    Ok(Some((file, fragment.filter(|f| !f.is_empty()))))
}

/// Every broken internal link and fragment of a built site, as `page: href (why)`.
fn broken_links(out: &Path) -> (usize, Vec<String>) {
    let site = read_site(out);
    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, links) in &site.links {
        for (href, element) in links {
            let target = match resolve(page, href, site.base_url.as_deref()) {
                Ok(None) => continue,
                Ok(Some(t)) => t,
                Err(why) => {
                    broken.push(format!("{page}: {element} {href:?} ({why})"));
                    continue;
                }
            };
            checked += 1;
            let (mut file, fragment) = target;
            // `a/b` served as a folder when `a/b/index.html` exists (a static host redirects).
            if !site.files.contains(&file) && site.files.contains(&format!("{file}/index.html")) {
                file = format!("{file}/index.html");
            }
            if !site.files.contains(&file) {
                broken.push(format!("{page}: {element} {href:?} (no file {file})"));
                continue;
            }
            if let Some(id) = fragment
                && let Some(anchors) = site.anchors.get(&file)
                && !anchors.contains(&id)
            {
                broken.push(format!(
                    "{page}: {element} {href:?} (no id {id:?} on {file})"
                ));
            }
        }
    }
    (checked, broken)
}

fn build_into(site_dir: &Path, out: &Path) {
    let run = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("build")
        .arg(site_dir)
        .arg("--output")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .expect("run rapport");
    assert!(
        run.status.success(),
        "build of {} failed:\n{}",
        site_dir.display(),
        String::from_utf8_lossy(&run.stderr)
    );
}

#[track_caller]
fn assert_all_links_resolve(out: &Path) {
    let (checked, broken) = broken_links(out);
    assert!(
        broken.is_empty(),
        "{} broken internal links:\n{}",
        broken.len(),
        broken.join("\n")
    );
    assert!(checked > 0, "no internal links were found to check");
}

#[test]
fn every_internal_link_and_fragment_of_the_example_site_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_into(Path::new(env!("CARGO_MANIFEST_DIR")), &out);
    assert_all_links_resolve(&out);
}

#[test]
fn every_internal_link_and_fragment_of_the_fixture_sites_resolves() {
    for fixture in [
        "fixtures/full",
        "fixtures/tracker",
        "fixtures/data",
        "fixtures/search",
    ] {
        let run = TestSite::fixture(fixture).build().success();
        let (checked, broken) = broken_links(&run.output);
        assert!(broken.is_empty(), "{fixture}:\n{}", broken.join("\n"));
        assert!(checked > 0, "{fixture}: no internal links found");
    }
}

/// The check itself finds what it is there to find: a missing page, a missing
/// fragment, a link above the root; and follows canonical links to the site itself.
#[test]
fn the_link_check_reports_missing_pages_and_fragments() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.output.join("sample/funding/index.html");
    let html = std::fs::read_to_string(&page).unwrap().replace(
        "</main>",
        "<a href=\"../../nowhere/\">a</a><a href=\"#no-such-id\">b</a>\
         <a href=\"../foreword/#grants-typo\">c</a><a href=\"../../../../up\">d</a>\
         <a href=\"https://elsewhere.example/\">e</a><a href=\"mailto:x@example.org\">f</a>\
         <a href=\"../foreword/\">g</a></main>",
    );
    std::fs::write(&page, html).unwrap();
    let (_, broken) = broken_links(&run.output);
    let on_page: Vec<&String> = broken
        .iter()
        .filter(|b| b.starts_with("sample/funding/index.html"))
        .collect();
    assert_eq!(on_page.len(), 4, "{on_page:#?}");
    for href in ["nowhere", "no-such-id", "grants-typo", "up"] {
        assert!(
            on_page.iter().any(|b| b.contains(href)),
            "{href}: {on_page:#?}"
        );
    }
}

#[test]
fn links_resolve_like_a_static_host() {
    let r = |page, href| resolve(page, href, Some("https://example.org/r/")).unwrap();
    let some = |f: &str, frag: Option<&str>| Some((f.to_string(), frag.map(str::to_string)));
    assert_eq!(r("a/b/index.html", "../c/"), some("a/c/index.html", None));
    assert_eq!(r("a/b/index.html", "#x"), some("a/b/index.html", Some("x")));
    assert_eq!(r("a/b/index.html", "../../"), some("index.html", None));
    assert_eq!(r("a/b/index.html", "d.csv?v=1"), some("a/b/d.csv", None));
    assert_eq!(
        r("index.html", "a%20b/#caf%C3%A9"),
        some("a b/index.html", Some("café"))
    );
    assert_eq!(
        r("x/index.html", "https://example.org/r/a/"),
        some("a/index.html", None)
    );
    assert_eq!(r("index.html", "https://example.net/"), None);
    assert_eq!(r("index.html", "mailto:a@b"), None);
    assert!(resolve("index.html", "../x", None).is_err());
    assert_eq!(
        r("404.html", "/r/assets/style.css"),
        some("assets/style.css", None)
    );
    assert!(resolve("404.html", "/elsewhere/", Some("https://example.org/r/")).is_err());
    assert_eq!(r("404.html", "/r/"), some("index.html", None));
    assert_eq!(
        r("a/index.html", "https://example.org/r/"),
        some("index.html", None)
    );
}
