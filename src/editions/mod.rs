//! The editions to edit: each report as an OpenDocument text file and a
//! Word document (`editions: [odt, docx]` in site.yaml).
//!
//! A published report often goes back to a committee or a reviewer who
//! comments in a word processor; copying it out of the web page loses its
//! headings, tables and notes. These files are made from the same document
//! trees as the pages and the PDF ([`doc`] flattens them once; [`odt`] and
//! [`docx`] spell the result in each format), with real heading styles,
//! tables with header rows, pictures with their descriptions, footnotes,
//! and the document's language and properties. Nothing is read from the
//! clock: every date in a file is the report's publication date, so a
//! build gives the same bytes every time.

pub mod doc;
pub mod docx;
pub mod odt;
mod package;

use rayon::prelude::*;

use crate::config::Edition;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::routes::Routes;
use crate::vfs::FileSystem;

/// One edition of one report: its format and its bytes.
pub type Made = (Edition, Vec<u8>);

/// Every report's editions, in the order of `site.reports` and of the
/// site's `editions:`; empty when the site asks for none.
pub fn make_all(
    fs: &dyn FileSystem,
    site: &Site,
    routes: &Routes,
    diags: &Diagnostics,
) -> Vec<Vec<Made>> {
    let wanted = &site.config.editions;
    if wanted.is_empty() {
        return site.reports.iter().map(|_| Vec::new()).collect();
    }
    (0..site.reports.len())
        .into_par_iter()
        .map(|ri| {
            let d = doc::report(fs, site, routes, ri);
            wanted
                .iter()
                .filter_map(|e| match write(&d, *e) {
                    Ok(bytes) => Some((*e, bytes)),
                    Err(err) => {
                        diags.push(failed(&site.reports[ri].slug, *e, &err));
                        None
                    }
                })
                .collect()
        })
        .collect()
}

/// One edition's bytes.
pub fn write(d: &doc::Doc, e: Edition) -> std::io::Result<Vec<u8>> {
    match e {
        Edition::Odt => odt::write(d),
        Edition::Docx => docx::write(d),
    }
}

fn failed(slug: &str, e: Edition, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "edition-failed",
        format!("the .{} edition of `{slug}` could not be written: {err}", e.ext()),
    )
    .config()
    .with_hint("this is a fault in rapport, not in the report: please report it, or remove the edition from `editions:` in site.yaml to build without it")
}
