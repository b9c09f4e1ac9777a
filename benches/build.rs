//! `cargo bench --bench build [-- CHAPTERS...]`: generates synthetic sites of
//! report-like chapters (about 600 words, three headings, a list, a 10-row
//! table, two footnotes and links each), builds each one to disk with the
//! library's real pipeline, and prints pages per second and peak memory.
//! Figures are recorded in docs/performance.md.

use std::time::Instant;

#[path = "../src/allocator.rs"]
mod allocator;
mod common;
use common::generate;

use rapport::build::{BuildOptions, build_to_disk};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    let tmp = tempfile::tempdir().unwrap();
    println!(
        "{:>8} {:>10} {:>12} {:>14}",
        "chapters", "pages", "seconds", "pages/second"
    );
    for n in sizes {
        let site = tmp.path().join(format!("site-{n}"));
        generate(&site, n, 100);
        let out = tmp.path().join(format!("out-{n}"));
        let mut best = f64::MAX;
        let mut pages = 0;
        for _ in 0..3 {
            let _ = std::fs::remove_dir_all(&out);
            let start = Instant::now();
            let outcome = build_to_disk(&site, &out, &BuildOptions::default());
            let secs = start.elapsed().as_secs_f64();
            assert!(!outcome.has_errors(), "{:?}", &outcome.diagnostics[..1]);
            pages = outcome
                .output
                .as_ref()
                .map(|o| o.files.keys().filter(|k| k.ends_with(".html")).count())
                .unwrap_or(0);
            best = best.min(secs);
        }
        println!(
            "{n:>8} {pages:>10} {best:>12.3} {:>14.0}",
            pages as f64 / best
        );
    }
    println!("peak memory (VmHWM): {:.0} MiB", peak_rss_mib());
}
