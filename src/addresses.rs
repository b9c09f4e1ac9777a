//! The addresses rapport gives its own pages and files.
//!
//! These are the names; [`crate::routes`] puts them together with the
//! site's report, chapter and item names into the address of every page
//! and file.
//!
//! Report folders and chapter files become addresses too, beside these, so
//! a report folder named `search` would silently replace the search page.
//! The renderer writes its pages and files at the names below, and loading
//! refuses a report or chapter that would take one (`reserved-slug`), from
//! the same lists, so the two cannot drift apart. `tests/it/hostile_files.rs`
//! builds a site with every optional page turned on and checks that every
//! name at the top of its output is a report or on [`SITE_TOP`].

/// The page a folder's address serves: the site's home page at the top.
pub const INDEX: &str = "index.html";
pub const NOT_FOUND: &str = "404.html";
/// The search page.
pub const SEARCH: &str = "search";
/// The search index pagefind writes, and its script.
pub const SEARCH_INDEX: &str = "pagefind";
/// The accessibility statement.
pub const ACCESSIBILITY: &str = "accessibility";
/// The theme's stylesheets and scripts, fonts and generated CSS.
pub const ASSETS: &str = "assets";
/// The site's own `static/` folder, published under the same name.
pub const STATIC: &str = "static";
pub const SITEMAP: &str = "sitemap.xml";
pub const FEED: &str = "feed.xml";
pub const ROBOTS: &str = "robots.txt";
/// The editor, when site.yaml asks for one (`cms:`): reserved on every site,
/// so turning the editor on never takes a report's address.
pub const ADMIN: &str = "admin";

/// Every name rapport writes at the top of the output folder, whether or
/// not this site has the page (turning on the accessibility statement must
/// not break a report).
pub const SITE_TOP: &[&str] = &[
    INDEX,
    NOT_FOUND,
    SEARCH,
    SEARCH_INDEX,
    ACCESSIBILITY,
    ASSETS,
    STATIC,
    SITEMAP,
    FEED,
    ROBOTS,
    ADMIN,
];

/// A report's print edition.
pub const PRINT: &str = "print";
/// A report's list of corrections.
pub const REVISIONS: &str = "revisions";
pub const RECOMMENDATIONS_CSV: &str = "recommendations.csv";
pub const RECOMMENDATIONS_JSON: &str = "recommendations.json";

/// The folder of a report's data tables as files to download.
pub const DATA: &str = "data";

/// A report's (or a chapter's) PDF edition, in its folder: `<slug>.pdf`.
pub fn pdf_file(slug: &str) -> String {
    [slug, ".pdf"].concat()
}

/// A report's editable edition (`odt`, `docx`), in its folder beside the
/// PDF: `<slug>.odt`.
pub fn edition_file(slug: &str, ext: &str) -> String {
    [slug, ".", ext].concat()
}

/// A data table's file to download, from its report's folder:
/// `data/<table>.csv`.
pub fn table_file(table: &str, ext: &str) -> String {
    [DATA, "/", table, ".", ext].concat()
}

/// Names rapport writes inside a report's folder, which a chapter cannot
/// take. (`assets` and `static` are kept from before there were two lists;
/// the tracker's folder depends on the report and is checked on its own.)
pub const REPORT_TOP: &[&str] = &[
    PRINT,
    REVISIONS,
    RECOMMENDATIONS_CSV,
    RECOMMENDATIONS_JSON,
    ASSETS,
    STATIC,
];

/// Whether a report folder named `name` would take one of the site's own
/// addresses. Letter case is ignored: some hosts (and the file systems of
/// Windows and macOS) treat `Search` and `search` as one name.
pub fn taken_by_site(name: &str) -> bool {
    SITE_TOP.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a chapter address `name` would take one of a report's own.
pub fn taken_in_report(name: &str) -> bool {
    REPORT_TOP.iter().any(|n| n.eq_ignore_ascii_case(name))
}
