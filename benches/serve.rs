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

#[path = "../src/allocator.rs"]
mod allocator;

mod common;

fn start(site: &Path) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    let opts = ServeOptions {
        site_dir: site.to_path_buf(),
        addr: "127.0.0.1:0".parse().unwrap(),
        drafts: false,
        cms: None,
    };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(serve(opts, |addr, _| tx.send(addr).unwrap()))
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

/// The page at `path`, as the browser asks for it after a reload.
fn get(addr: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(&mut s, &mut body).unwrap();
    body
}

/// Median milliseconds from a write to the `reload` event, and to the
/// edited page served with the edit, over `n` edits.
fn measure(site: &Path, chapter: &Path, page: &str, n: usize) -> (f64, f64) {
    let addr = start(site);
    let mut stream = events(addr);
    let original = std::fs::read_to_string(chapter).unwrap();
    let mut times = Vec::new();
    let mut served = Vec::new();
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
        let html = get(addr, page);
        assert!(html.contains(&format!("Edit number {i}.")), "{html}");
        served.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    std::fs::write(chapter, original).unwrap();
    (median(times), median(served))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
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
        "/gvc-progress-report/introduction/",
        10,
    );

    let big = tmp.path().join("big");
    common::generate(&big, 1_000, 100);
    let big_ms = measure(
        &big,
        &big.join("content/report-0000/c00005.md"),
        "/report-0000/c00005/",
        10,
    );

    println!(
        "{:<40} {:>16} {:>20}",
        "site (median of 10 saves)", "save to reload", "save to page served"
    );
    for (name, (reload, served)) in [
        ("example site (5 reports)", example_ms),
        ("synthetic, 1,000 chapters", big_ms),
    ] {
        println!("{name:<40} {reload:>13.1} ms {served:>17.1} ms");
    }
    // The servers are still watching the temporary sites, and removing them
    // wakes the watchers, which report that the site folder has gone (a
    // failed build). That is expected here: silence it, then leave.
    let dir = tmp.keep();
    // SAFETY: plain system calls on this process's own descriptors.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
        if null >= 0 {
            libc::dup2(null, 2);
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    std::process::exit(0);
}
