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

/// Checks one file as a report may carry it beside its chapters, in every
/// way rapport reads such files before it publishes or typesets them: as
/// an image (the header measured against the pixel budget), as an SVG (the
/// check for anything that can run or fetch) and as an `.xlsx` workbook
/// (the archive checked against zip bombs, then its first sheet read).
/// Returns how many of the three accepted it.
pub fn published_file(bytes: &[u8]) -> usize {
    let image = crate::images::check_bytes(bytes).is_ok();
    let svg = crate::svg::check(bytes).is_ok();
    let workbook = crate::data::workbook::read(bytes.to_vec(), "Data", None).is_ok();
    usize::from(image) + usize::from(svg) + usize::from(workbook)
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

    #[test]
    fn a_clean_svg_passes_and_noise_passes_nothing() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><rect width="2" height="1"/></svg>"#;
        assert_eq!(published_file(svg), 2, "an SVG is an image and a clean SVG");
        assert_eq!(published_file(b"PK\x03\x04 not really a zip"), 0);
    }
}
