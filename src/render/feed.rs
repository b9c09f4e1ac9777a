//! Site furniture for machines: the Atom feed of reports and corrections,
//! and `robots.txt`.
//!
//! Both need absolute addresses, so the feed is written only when the site
//! knows its `base_url` (when the route table has a route for it). Entry dates are publication and correction dates,
//! never the time of the build, so the feed is reproducible.

use std::fmt::Write;

use crate::model::Site;
use crate::routes::{Route, Routes};

fn esc(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(&mut *out, s);
}

struct Entry {
    title: String,
    url: String,
    id: String,
    date: jiff::civil::Date,
    summary: String,
}

/// `feed.xml`, published at `feed`: one entry per report and one per
/// correction, newest first.
pub fn atom(site: &Site, routes: &Routes, feed: &Route) -> String {
    let base = &site.config.base_url;
    let mut entries = Vec::new();
    for (r, rr) in site.reports.iter().zip(&routes.reports) {
        let url = rr.home.absolute(base);
        entries.push(Entry {
            title: r.meta.title.clone(),
            id: url.clone(),
            url,
            date: r.meta.published,
            summary: r.meta.summary.clone().unwrap_or_default(),
        });
        let Some(revisions) = &rr.revisions else {
            continue;
        };
        let url = revisions.absolute(base);
        for (i, c) in r.corrections.iter().enumerate() {
            entries.push(Entry {
                title: site
                    .config
                    .strings
                    .format("feed_correction", None, &[("report", &r.meta.title)])
                    .unwrap_or_default(),
                id: format!("{url}#correction-{}", i + 1),
                url: url.clone(),
                date: c.date,
                summary: match &c.why {
                    Some(why) => format!("{} {}", c.what, why),
                    None => c.what.clone(),
                },
            });
        }
    }
    entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    let updated = entries
        .first()
        .map(|e| e.date)
        .unwrap_or_else(|| jiff::civil::date(1970, 1, 1));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>",
    );
    esc(&mut xml, &site.config.title);
    xml.push_str("</title>\n  <id>");
    esc(&mut xml, base);
    let _ = write!(
        xml,
        "</id>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}\"/>\n  <updated>{updated}T00:00:00Z</updated>\n  <author><name>",
        routes.home.absolute(base).replace('"', "%22"),
        feed.absolute(base).replace('"', "%22"),
    );
    esc(&mut xml, &site.config.organisation);
    xml.push_str("</name></author>\n");
    for e in entries {
        xml.push_str("  <entry>\n    <title>");
        esc(&mut xml, &e.title);
        xml.push_str("</title>\n    <id>");
        esc(&mut xml, &e.id);
        xml.push_str("</id>\n    <link href=\"");
        esc(&mut xml, &e.url);
        let _ = write!(xml, "\"/>\n    <updated>{}T00:00:00Z</updated>\n", e.date);
        if !e.summary.is_empty() {
            xml.push_str("    <summary>");
            esc(&mut xml, e.summary.trim());
            xml.push_str("</summary>\n");
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// `robots.txt`: previews ask not to be indexed; published sites point to
/// their sitemap.
pub fn robots(site: &Site, routes: &Routes) -> String {
    if site.config.preview {
        return "# A preview build: not for search engines.\nUser-agent: *\nDisallow: /\n".into();
    }
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(sitemap) = &routes.sitemap {
        let config = &site.config;
        if config.languages.is_empty() {
            let _ = writeln!(s, "Sitemap: {}", sitemap.absolute(&config.base_url));
        }
        // Each language has its own, in its folder.
        let root =
            config
                .languages
                .get(config.current_language)
                .map_or(config.base_url.as_str(), |l| {
                    config
                        .base_url
                        .strip_suffix(&l.prefix())
                        .unwrap_or(&config.base_url)
                });
        for lang in &config.languages {
            let here = format!("{root}{}", lang.prefix());
            let _ = writeln!(s, "Sitemap: {}", sitemap.absolute(&here));
        }
    }
    s
}
