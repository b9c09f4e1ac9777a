//! `cargo bench --bench serve`: the time from saving a chapter to the
//! browser being told to reload, measured through the real server (file
//! watcher, in-memory rebuild, server-sent event), for the example site and
//! for a generated site of 1,000 chapters. Prints the median of 10 edits.
//! Figures are recorded in docs/performance.md.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rapport::serve::{ServeOptions, serve};

mod common;

fn start(site: &Path) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let opts = ServeOptions {
        site_dir: site.to_path_buf(),
        addr: "127.0.0.1:0".parse().unwrap(),
        drafts: false,
    };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(serve(opts, |addr| tx.send(addr).unwrap()))
            .unwrap();
    });
    rx.recv().unwrap()
}

fn events(addr: SocketAddr) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET /__rapport/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    while r.read_line(&mut line).unwrap() > 0 && line != "\r\n" {
        line.clear();
    }
    r
}

/// Median milliseconds from a write to the `reload` event, over `n` edits.
fn measure(site: &Path, chapter: &Path, n: usize) -> f64 {
    let addr = start(site);
    let mut stream = events(addr);
    let original = std::fs::read_to_string(chapter).unwrap();
    let mut times = Vec::new();
    for i in 0..n {
        std::thread::sleep(Duration::from_millis(150));
        let start = Instant::now();
        std::fs::write(chapter, format!("{original}\nEdit number {i}.\n")).unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            stream.read_line(&mut line).unwrap();
            if line.trim_end() == "event: reload" {
                break;
            }
            assert!(!line.contains("event: errors"), "the edit broke the build");
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    std::fs::write(chapter, original).unwrap();
    times.sort_by(|a, b| a.total_cmp(b));
    times[times.len() / 2]
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    // A copy of the example site, so the repository is never edited.
    let example = tmp.path().join("example");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&root).unwrap();
        let to = example.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    std::fs::copy(root.join("site.yaml"), example.join("site.yaml")).unwrap();
    let example_ms = measure(
        &example,
        &example.join("content/gvc-progress-report/01-introduction.md"),
        10,
    );

    let big = tmp.path().join("big");
    common::generate(&big, 1_000, 100);
    let big_ms = measure(&big, &big.join("content/report-0000/c00005.md"), 10);

    println!("{:<40} {:>12}", "site", "save to reload (median of 10)");
    println!(
        "{:<40} {:>9.1} ms",
        "example site (5 reports, 140 pages)", example_ms
    );
    println!(
        "{:<40} {:>9.1} ms",
        "synthetic, 1,000 chapters (1,352 pages)", big_ms
    );
    // The servers are still watching the temporary sites: leave before
    // removing them wakes the watchers.
    let dir = tmp.keep();
    let _ = std::fs::remove_dir_all(dir);
    std::process::exit(0);
}
