//! The default theme, compiled into the binary, and the rules for
//! overriding its static files.
//!
//! The theme's source lives in `themes/default/` in this repository (so it
//! can be read, copied and edited like any other theme) and is embedded with
//! `include_str!`, so a site with no `themes/` folder builds anywhere.

use std::collections::BTreeMap;

use crate::config::SiteConfig;
use crate::vfs::{self, FileSystem};

pub const DEFAULT_THEME: &str = "default";

macro_rules! theme_files {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/", $dir, "/", $name)))),*]
    };
}

pub const DEFAULT_TEMPLATES: &[(&str, &str)] = theme_files!("templates":
    "base.html",
    "index.html",
    "report.html",
    "chapter.html",
    "print.html",
    "404.html",
    "partials/cover.html",
    "components/status.html",
    "partials/correction.html",
    "revisions.html",
    "accessibility.html",
    "tracker.html",
    "recommendation.html",
    "search.html",
    "components/callout.html",
    "components/case-study.html",
    "components/quote.html",
    "components/signature.html",
    "components/stat.html",
    "components/correction.html",
    "components/data-table.html",
    "components/data-row.html",
    "components/chart.html",
    "components/tracker-list.html",
    "components/footnotes.html",
);

pub const DEFAULT_STATIC: &[(&str, &str)] = theme_files!("static":
    "style.css",
    "print.css",
    "tracker.js",
    "search.js",
);

/// Where a published static file comes from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static str),
    /// A site-relative path.
    File(String),
}

/// The theme's static files, published under `assets/`: the built-in
/// theme's, replaced or added to by `themes/<theme>/static/`.
pub fn static_files(fs: &dyn FileSystem, config: &SiteConfig) -> BTreeMap<String, StaticSource> {
    let mut out = BTreeMap::new();
    for (name, text) in DEFAULT_STATIC {
        out.insert(name.to_string(), StaticSource::Embedded(text));
    }
    let dir = vfs::join(&format!("themes/{}", config.theme), "static");
    for path in fs.walk(&dir) {
        let name = path[dir.len() + 1..].to_string();
        if vfs::is_hidden(&name) {
            continue;
        }
        out.insert(name, StaticSource::File(path));
    }
    out
}
