//! A digest of the sources this binary is built from, as
//! `RAPPORT_BUILD_ID`, for the PDF cache (`src/pdf/cache.rs`): a PDF kept by
//! one build of rapport must not be reused by another that typesets
//! differently, and the version number alone stays the same between
//! builds of unreleased code. The digest covers `src/`, `build/`, the
//! default theme, `Cargo.toml` and `Cargo.lock` (which pins Typst, its
//! fonts and every other crate), and the target, profile and features.
//!
//! Hashing the binary itself at run time was tried first: it read
//! hundreds of megabytes (the release binary carries debug information)
//! and took most of a second on every build with a cache.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

const INPUTS: [&str; 5] = ["src", "build", "themes/default", "Cargo.toml", "Cargo.lock"];

pub fn run() {
    for input in INPUTS {
        println!("cargo::rerun-if-changed={input}");
    }
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for input in INPUTS {
        walk(&root.join(input), &mut files);
    }
    files.sort();
    // Two keyed SipHash digests: 128 bits, with nothing to add to the
    // build's dependencies.
    let mut halves = [DefaultHasher::new(), DefaultHasher::new()];
    halves[1].write(b"second half");
    for h in &mut halves {
        for path in &files {
            h.write(
                path.strip_prefix(&root)
                    .unwrap_or(path)
                    .to_string_lossy()
                    .as_bytes(),
            );
            h.write(&std::fs::read(path).unwrap_or_default());
        }
        for var in ["TARGET", "PROFILE", "OPT_LEVEL", "DEBUG"] {
            h.write(std::env::var(var).unwrap_or_default().as_bytes());
        }
        let mut features: Vec<_> = std::env::vars()
            .filter(|(k, _)| k.starts_with("CARGO_FEATURE_"))
            .map(|(k, _)| k)
            .collect();
        features.sort();
        h.write(features.join(",").as_bytes());
    }
    println!(
        "cargo::rustc-env=RAPPORT_BUILD_ID={:016x}{:016x}",
        halves[0].finish(),
        halves[1].finish()
    );
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for e in entries.flatten() {
            walk(&e.path(), out);
        }
    }
}
