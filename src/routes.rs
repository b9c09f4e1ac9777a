//! The route table: every address the site publishes, worked out once from
//! the loaded site.
//!
//! A page's address is needed where the page is written and in every link
//! to it: from other pages, from the print edition and the PDF, in the
//! search index, the feed, the sitemap and the open-data files. When each
//! of those made the address for itself, a change to one could leave links
//! pointing where nothing was written, and the renderer checked its pages'
//! addresses against a second computation to catch that. Here each address
//! is made once, as data, and everything that writes or links to a page or
//! file reads it from the table.
//!
//! A [`Route`] is where a file is written (from the output folder) and how
//! it is linked to (from the site root): `annual-report/foreword/index.html`
//! is linked to as `annual-report/foreword/`, which keeps links working from
//! a local folder and under a `base_url` with a sub-path. A page or file
//! the site does not have (a report without corrections has no list of
//! them; without a `base_url` there is no feed) has no route. PDF routes
//! are there when the site asks for PDFs: the link is shown only when the
//! PDF was made.
//!
//! The names themselves (`print`, `search`, `feed.xml`) are in
//! [`crate::addresses`], which loading uses to refuse a report or chapter
//! that would take one; this module puts them together with the site's
//! report, chapter and item names.

use crate::addresses as addr;
use crate::model::{Report, Site};

/// One published page or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The output path; the address is its first `url_len` bytes (a page's
    /// path adds `index.html` to its address).
    path: String,
    url_len: usize,
}

impl Route {
    /// A page, written as `index.html` in the folder `parts` make up
    /// (none for the site root, else ending in `/`) and linked to by the
    /// folder.
    fn page(parts: &[&str]) -> Route {
        let mut path = parts.concat();
        let url_len = path.len();
        path.push_str(addr::INDEX);
        Route { path, url_len }
    }

    /// A file linked to by its own path.
    fn file(path: String) -> Route {
        Route {
            url_len: path.len(),
            path,
        }
    }

    /// Where the file is written, from the output folder.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its address from the site root, as pages link to it (after their
    /// way back to the root, `page.root`).
    pub fn url(&self) -> &str {
        &self.path[..self.url_len]
    }

    /// Its full address under `base_url` (which ends in `/`); from the
    /// site root when the site has no base URL.
    pub fn absolute(&self, base_url: &str) -> String {
        [base_url, self.url()].concat()
    }

    /// [`Route::path`], without a copy.
    pub fn into_path(self) -> String {
        self.path
    }
}

/// Every address of a site.
#[derive(Debug)]
pub struct Routes {
    pub home: Route,
    /// `404.html`, at the top: hosts serve it for any missing address.
    pub not_found: Route,
    pub search: Route,
    /// The accessibility statement, when `site.yaml` has one.
    pub accessibility: Option<Route>,
    /// The Atom feed and the sitemap need absolute addresses, so they exist
    /// only when the site has a `base_url`.
    pub feed: Option<Route>,
    pub sitemap: Option<Route>,
    pub robots: Route,
    /// In the order of `site.reports`.
    pub reports: Vec<ReportRoutes>,
}

/// The addresses of one report's pages and files.
#[derive(Debug)]
pub struct ReportRoutes {
    pub home: Route,
    /// The whole report on one page.
    pub print: Route,
    /// The list of corrections, when there are any.
    pub revisions: Option<Route>,
    /// The PDF edition, when the site makes PDFs.
    pub pdf: Option<Route>,
    /// The editable editions the site asks for (`editions:`), in its order.
    pub editions: Vec<(crate::config::Edition, Route)>,
    /// In the order of the report's chapters.
    pub chapters: Vec<ChapterRoutes>,
    /// The tracker's pages and open data, when the report tracks items.
    pub tracker: Option<TrackerRoutes>,
    /// Each tracked item's page, in the order of the report's items.
    pub items: Vec<Route>,
    /// Each data table's open data, in the order of the report's tables.
    pub tables: Vec<TableRoutes>,
}

#[derive(Debug)]
pub struct ChapterRoutes {
    pub page: Route,
    /// The chapter on its own as a PDF, when the site makes them
    /// (`pdf_per_chapter`).
    pub pdf: Option<Route>,
}

#[derive(Debug)]
pub struct TrackerRoutes {
    /// The list of every item; its filter pages are below it.
    pub page: Route,
    /// `recommendations.csv` and `.json`.
    pub csv: Route,
    pub json: Route,
}

/// A data table's figures as files to download.
#[derive(Debug)]
pub struct TableRoutes {
    pub csv: Route,
    pub json: Route,
}

impl Routes {
    pub fn new(site: &Site) -> Routes {
        let config = &site.config;
        let has_base = !config.base_url.is_empty();
        Routes {
            home: Route::page(&[]),
            not_found: Route::file(addr::NOT_FOUND.into()),
            search: Route::page(&[addr::SEARCH, "/"]),
            accessibility: config
                .accessibility
                .is_some()
                .then(|| Route::page(&[addr::ACCESSIBILITY, "/"])),
            feed: has_base.then(|| Route::file(addr::FEED.into())),
            sitemap: has_base.then(|| Route::file(addr::SITEMAP.into())),
            robots: Route::file(addr::ROBOTS.into()),
            reports: site
                .reports
                .iter()
                .map(|r| {
                    let mut rr = ReportRoutes::new(r, config.pdf, config.pdf_per_chapter);
                    rr.editions = (config.editions.iter())
                        .map(|e| (*e, rr.file(&addr::edition_file(&r.slug, e.ext()))))
                        .collect();
                    rr
                })
                .collect(),
        }
    }

    /// A file of the theme's (or one rapport generates for it) under
    /// `assets/`.
    pub fn asset(name: &str) -> Route {
        Route::file([addr::ASSETS, "/", name].concat())
    }
}

impl ReportRoutes {
    fn new(r: &Report, pdf: bool, pdf_per_chapter: bool) -> ReportRoutes {
        let home = Route::page(&[&r.slug, "/"]);
        let dir = home.url();
        let in_report = |name: &str| Route::file([dir, name].concat());
        let tracker = (!r.tracker.items.is_empty()).then(|| TrackerRoutes {
            page: Route::page(&[dir, &r.tracker.label.dir, "/"]),
            csv: in_report(addr::RECOMMENDATIONS_CSV),
            json: in_report(addr::RECOMMENDATIONS_JSON),
        });
        let chapter = |slug: &str| {
            let page = Route::page(&[dir, slug, "/"]);
            let pdf = (pdf && pdf_per_chapter)
                .then(|| Route::file([page.url(), &addr::pdf_file(slug)].concat()));
            ChapterRoutes { page, pdf }
        };
        ReportRoutes {
            print: Route::page(&[dir, addr::PRINT, "/"]),
            revisions: (!r.corrections.is_empty())
                .then(|| Route::page(&[dir, addr::REVISIONS, "/"])),
            pdf: pdf.then(|| in_report(&addr::pdf_file(&r.slug))),
            editions: Vec::new(),
            chapters: r.chapters.iter().map(|c| chapter(&c.slug)).collect(),
            items: match &tracker {
                Some(t) => r
                    .tracker
                    .items
                    .iter()
                    .map(|item| Route::page(&[t.page.url(), &item.slug, "/"]))
                    .collect(),
                None => Vec::new(),
            },
            tables: r
                .tables
                .iter()
                .map(|t| TableRoutes {
                    csv: in_report(&addr::table_file(&t.name, "csv")),
                    json: in_report(&addr::table_file(&t.name, "json")),
                })
                .collect(),
            tracker,
            home,
        }
    }

    /// A file published from the report's folder (an image, a download),
    /// by its path in the folder.
    pub fn file(&self, path: &str) -> Route {
        Route::file([self.home.url(), path].concat())
    }
}

impl TrackerRoutes {
    /// The page listing the items with one value of a facet (`status`,
    /// `theme`, `lead`): `recommendations/status/in-progress/`. Which
    /// values have a page depends on the items (see
    /// `render::tracker::filter_pages`); the status counts link here too.
    pub fn filter(&self, facet: &str, value: &str) -> Route {
        Route::page(&[self.page.url(), facet, "/", value, "/"])
    }
}

/// A chapter's anchor in its report's print edition: the print edition is
/// one page, so each chapter is a fragment of it (`print/#chapter-<slug>`),
/// and the PDF names its labels the same way.
pub fn chapter_anchor(chapter_slug: &str) -> String {
    format!("chapter-{chapter_slug}")
}

/// A recommendation's anchor in the print edition and the PDF.
pub fn item_anchor(item: &crate::model::Recommendation) -> String {
    format!("item-{}", item.slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostics, SourceMap};
    use crate::vfs::MemoryFs;

    fn load(fs: &MemoryFs) -> Site {
        let diags = Diagnostics::new();
        let site =
            crate::content::load_site(fs, &Default::default(), &diags, &SourceMap::default())
                .expect("the site loads");
        assert!(!diags.has_errors(), "{:?}", diags.sorted());
        site
    }

    fn site(site_yaml: &str) -> Site {
        let mut fs = MemoryFs::new();
        fs.add("site.yaml", site_yaml)
            .add(
                "content/annual/report.yaml",
                "title: Annual\npublished: 2024-01-01\n",
            )
            .add(
                "content/annual/01-foreword.md",
                "---\ntitle: Foreword\n---\n",
            )
            .add(
                "content/annual/02-money.md",
                "---\ntitle: Money\nslug: our-money\n---\n",
            );
        load(&fs)
    }

    #[test]
    fn a_chapter_is_a_folder_and_its_page_the_folder_s_index() {
        let routes = Routes::new(&site("title: T\norganisation: O\n"));
        let r = &routes.reports[0];
        assert_eq!(r.home.url(), "annual/");
        assert_eq!(r.home.path(), "annual/index.html");
        let money = &r.chapters[1].page;
        assert_eq!(money.url(), "annual/our-money/");
        assert_eq!(money.path(), "annual/our-money/index.html");
        assert_eq!(r.print.url(), "annual/print/");
        assert_eq!(r.print.path(), "annual/print/index.html");
        assert_eq!(routes.home.url(), "");
        assert_eq!(routes.home.path(), "index.html");
        assert_eq!(routes.search.path(), "search/index.html");
        // The 404 page is linked to (and served) by its file name.
        assert_eq!(routes.not_found.url(), "404.html");
        assert_eq!(routes.not_found.path(), "404.html");
    }

    #[test]
    fn pdf_routes_follow_the_site_s_pdf_settings() {
        let mut s = site("title: T\norganisation: O\npdf_per_chapter: true\n");
        s.config.pdf = true;
        let routes = Routes::new(&s);
        let r = &routes.reports[0];
        let pdf = r.pdf.as_ref().expect("a report PDF");
        assert_eq!(
            (pdf.path(), pdf.url()),
            ("annual/annual.pdf", "annual/annual.pdf")
        );
        let chapter = r.chapters[0].pdf.as_ref().expect("a chapter PDF");
        assert_eq!(chapter.path(), "annual/foreword/foreword.pdf");
        // `--no-pdf` (config.pdf off) turns off the chapters' PDFs too.
        s.config.pdf = false;
        let routes = Routes::new(&s);
        assert!(routes.reports[0].pdf.is_none());
        assert!(routes.reports[0].chapters.iter().all(|c| c.pdf.is_none()));
        s.config.pdf = true;
        s.config.pdf_per_chapter = false;
        let routes = Routes::new(&s);
        assert!(routes.reports[0].pdf.is_some());
        assert!(routes.reports[0].chapters[0].pdf.is_none());
    }

    #[test]
    fn under_a_base_url_sub_path_addresses_stay_relative_and_absolute_ones_add_it() {
        let s = site("title: T\norganisation: O\nbase_url: https://example.org/sub/path/\n");
        let routes = Routes::new(&s);
        let base = &s.config.base_url;
        assert_eq!(base, "https://example.org/sub/path/");
        let chapter = &routes.reports[0].chapters[0].page;
        assert_eq!(chapter.url(), "annual/foreword/");
        assert_eq!(
            chapter.absolute(base),
            "https://example.org/sub/path/annual/foreword/"
        );
        assert_eq!(routes.home.absolute(base), "https://example.org/sub/path/");
        let feed = routes.feed.as_ref().expect("a feed with a base URL");
        assert_eq!(feed.absolute(base), "https://example.org/sub/path/feed.xml");
        assert_eq!(
            routes.sitemap.as_ref().map(Route::path),
            Some("sitemap.xml")
        );
        // Without a base URL there is nothing to write absolute addresses
        // with, so no feed and no sitemap.
        let routes = Routes::new(&site("title: T\norganisation: O\n"));
        assert!(routes.feed.is_none() && routes.sitemap.is_none());
        assert_eq!(routes.robots.path(), "robots.txt");
    }

    #[test]
    fn tracker_pages_items_filters_and_open_data() {
        let mut fs = MemoryFs::new();
        fs.add("site.yaml", "title: T\norganisation: O\n")
            .add(
                "content/board/report.yaml",
                "title: Board\npublished: 2024-01-01\nitem_label: Decision\n",
            )
            .add("content/board/01-paper.md", "---\ntitle: Paper\n---\n")
            .add(
                "content/board/recommendations.yaml",
                "- number: 1\n  title: Agree\n  text: Agreed.\n  status: agreed\n",
            );
        let routes = Routes::new(&load(&fs));
        let r = &routes.reports[0];
        let tracker = r.tracker.as_ref().expect("tracked items");
        assert_eq!(tracker.page.path(), "board/decisions/index.html");
        assert_eq!(r.items[0].url(), "board/decisions/1/");
        assert_eq!(
            tracker.filter("status", "agreed").path(),
            "board/decisions/status/agreed/index.html"
        );
        assert_eq!(tracker.csv.path(), "board/recommendations.csv");
        assert_eq!(tracker.json.url(), "board/recommendations.json");
        // A report without items has no tracker pages.
        assert!(
            Routes::new(&site("title: T\norganisation: O\n")).reports[0]
                .tracker
                .is_none()
        );
    }

    #[test]
    fn corrections_accessibility_tables_and_files_have_routes_only_when_there() {
        let mut fs = MemoryFs::new();
        fs.add(
            "site.yaml",
            "title: T\norganisation: O\naccessibility:\n  email: a@example.org\n",
        )
        .add(
            "content/annual/report.yaml",
            "title: Annual\npublished: 2024-01-01\ncorrections:\n  - date: 2024-02-01\n    what: A figure was wrong.\n",
        )
        .add("content/annual/01-foreword.md", "---\ntitle: Foreword\n---\n")
        .add(
            "content/annual/data/budget.yaml",
            "caption: Budget\nrows:\n  - part: Grant\n    amount: 10\ncolumns:\n  - key: part\n    label: Part\n  - key: amount\n    label: Amount\n    type: number\n",
        );
        let routes = Routes::new(&load(&fs));
        let r = &routes.reports[0];
        assert_eq!(
            r.revisions.as_ref().map(Route::path),
            Some("annual/revisions/index.html")
        );
        assert_eq!(
            routes.accessibility.as_ref().map(Route::url),
            Some("accessibility/")
        );
        assert_eq!(r.tables[0].csv.path(), "annual/data/budget.csv");
        assert_eq!(r.tables[0].json.path(), "annual/data/budget.json");
        assert_eq!(r.file("img/chart.png").path(), "annual/img/chart.png");
        assert_eq!(Routes::asset("style.css").path(), "assets/style.css");
        let plain = Routes::new(&site("title: T\norganisation: O\n"));
        assert!(plain.accessibility.is_none() && plain.reports[0].revisions.is_none());
    }
}
