//! Entry points for the fuzz targets in `fuzz/` (see `docs/hardening.md`).
//!
//! Each one builds a tiny site in memory around the fuzzer's input and runs
//! the whole pipeline (`build::render_in_memory`, without the PDF), so the
//! targets exercise exactly what `rapport build` does with a chapter or a
//! data table: front matter, Markdown, components, link resolution, tables,
//! charts and the templates. The contract under test is "any input gives
//! pages or diagnostics, never a panic". They are public only so the
//! separate fuzz crate can call them; nothing else should.

use crate::build::{BuildOptions, render_in_memory};
use crate::vfs::MemoryFs;

const REPORT: &str = "title: Fuzz report\npublished: 2024-01-01\n";

fn site_yaml(sanitise: bool) -> String {
    let mode = if sanitise { "sanitise" } else { "escape" };
    format!("title: Fuzz\norganisation: Fuzz\ngit_dates: false\nmarkdown:\n  raw_html: {mode}\n")
}

/// Renders one chapter file (front matter and Markdown, as it would be on
/// disk) in a one-report site, with raw HTML escaped or sanitised. Returns
/// whether the site built without errors.
pub fn chapter(text: &str, sanitise: bool) -> bool {
    let mut fs = MemoryFs::new();
    fs.add("site.yaml", site_yaml(sanitise));
    fs.add("content/r/report.yaml", REPORT);
    fs.add("content/r/01-fuzz.md", text);
    // A second chapter and a heading give links something to resolve to.
    fs.add(
        "content/r/02-other.md",
        "---\ntitle: Other\n---\n\n## Target\n\nText.\n",
    );
    run(&fs)
}

/// Builds a data table from a schema (`data/t.yaml`, whose `file:` may name
/// `t.csv`) and CSV rows, shown in a chapter as a table and a chart.
pub fn data_table(schema: &str, csv: &str) -> bool {
    let mut fs = MemoryFs::new();
    fs.add("site.yaml", site_yaml(false));
    fs.add("content/r/report.yaml", REPORT);
    fs.add("content/r/data/t.yaml", schema);
    fs.add("content/r/data/t.csv", csv);
    fs.add(
        "content/r/01-figures.md",
        "---\ntitle: Figures\n---\n\n> [!TABLE] t\n\n> [!CHART] t\n",
    );
    run(&fs)
}

fn run(fs: &MemoryFs) -> bool {
    let outcome = render_in_memory(
        fs,
        &BuildOptions {
            no_pdf: true,
            no_search: true,
            ..BuildOptions::default()
        },
    );
    !outcome.has_errors()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_chapter_builds() {
        assert!(chapter("---\ntitle: Hello\n---\n\nSome *text*.\n", true));
        assert!(!chapter("no front matter", false));
    }
}
