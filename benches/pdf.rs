//! `cargo bench --bench pdf`: the PDF stage alone. Typesets the PDF of each
//! report of the example site, and of a generated report long enough to make
//! about a hundred pages, and prints the best of three times with the page
//! count and size. The site is loaded once; only `pdf::render_all` is timed,
//! with Typst's memo cache emptied between documents as a build does, so
//! every run starts cold. Figures are recorded in docs/performance.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rapport::diagnostics::{Diagnostics, SourceMap};
use rapport::vfs::RealFs;

mod common;

fn time_reports(dir: &Path, label: &str) {
    let fs = RealFs::new(dir).unwrap();
    let diags = Diagnostics::new();
    let site = rapport::build::load(
        &fs,
        &Default::default(),
        &diags,
        &SourceMap::default(),
        &mut Default::default(),
    )
    .expect("the site loads");
    let routes = rapport::routes::Routes::new(&site);
    for (ri, report) in site.reports.iter().enumerate() {
        let mut best = f64::MAX;
        let mut made = None;
        for _ in 0..3 {
            let start = Instant::now();
            let pdf = rapport::pdf::render_all(&fs, &site, &routes, &[(ri, None)], None)
                .pop()
                .unwrap()
                .unwrap_or_else(|d| panic!("{}", d.message));
            best = best.min(start.elapsed().as_secs_f64());
            made = Some(pdf);
        }
        let pdf = made.unwrap();
        println!(
            "{:<44} {:>6} {:>8} {:>9.3}",
            format!("{label}{}", report.slug),
            pdf.pages,
            format!("{} KB", pdf.bytes.len().div_ceil(1024)),
            best
        );
    }
}

fn main() {
    println!(
        "{:<44} {:>6} {:>8} {:>9}",
        "report", "pages", "size", "seconds"
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    time_reports(&root, "example: ");

    // One report of 40 generated chapters (about 600 words, a table, a list
    // and footnotes each) comes to about a hundred pages.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("long");
    common::write_site(
        &site,
        common::Tool::Rapport,
        common::Synth {
            chapters: 40,
            per_report: 40,
            recommendations: true,
        },
    );
    time_reports(&site, "generated: ");
}
