//! Which outside programs the integration tests can use on this machine
//! (part of the package's build script, `build/main.rs`).
//!
//! A few tests drive Debian's Chromium (`tests/it/browser.rs`, `search.rs`)
//! or read the PDF edition back with poppler's `pdfinfo`, `pdftotext` and
//! `pdffonts` (`tests/it/pdf.rs`), or the editions to edit with LibreOffice's
//! `soffice` (`tests/it/editions.rs`). Where a program is missing they must not
//! pass without running, so this script sets a cfg for each program it finds
//! (`has_chromium`, `has_poppler`, `has_soffice`) and the tests carry
//! `#[cfg_attr(not(has_chromium), ignore = "...")]`: `cargo test` lists them
//! as ignored, with the reason. The library and the binary read neither cfg.
//!
//! Every re-run of a build script rebuilds the crate, so this one re-runs only
//! when what it looks at changes: `RAPPORT_SKIP_BROWSER`, `RAPPORT_CHROMIUM`,
//! `PATH`, the programs it found, and, for a program it did not find, the
//! folders it looked in (installing the program changes the folder).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const POPPLER: [&str; 3] = ["pdfinfo", "pdftotext", "pdffonts"];

pub fn run() {
    println!("cargo::rerun-if-changed=build/find_tools.rs");
    println!("cargo::rustc-check-cfg=cfg(has_chromium)");
    println!("cargo::rustc-check-cfg=cfg(has_poppler)");
    println!("cargo::rustc-check-cfg=cfg(has_soffice)");
    println!("cargo::rustc-check-cfg=cfg(has_decap)");
    for var in ["RAPPORT_SKIP_BROWSER", "RAPPORT_CHROMIUM", "PATH"] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let mut watched = BTreeSet::new();

    if std::env::var_os("RAPPORT_SKIP_BROWSER").is_none() {
        let candidates: Vec<PathBuf> = [
            std::env::var("RAPPORT_CHROMIUM").unwrap_or_default(),
            "/usr/bin/chromium".into(),
            "/usr/bin/chromium-browser".into(),
        ]
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .collect();
        if let Some(found) = find(&candidates, &mut watched) {
            println!("cargo::rustc-cfg=has_chromium");
            println!("cargo::rustc-env=RAPPORT_TEST_CHROMIUM={}", found.display());
        }
    }

    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let poppler = POPPLER.iter().all(|tool| {
        let candidates: Vec<PathBuf> = path_dirs
            .iter()
            .filter(|d| d.is_absolute())
            .map(|d| d.join(tool))
            .collect();
        find(&candidates, &mut watched).is_some()
    });
    if poppler {
        println!("cargo::rustc-cfg=has_poppler");
    }
    let soffice: Vec<PathBuf> = path_dirs
        .iter()
        .filter(|d| d.is_absolute())
        .map(|d| d.join("soffice"))
        .collect();
    if find(&soffice, &mut watched).is_some() {
        println!("cargo::rustc-cfg=has_soffice");
    }

    // The browser editor's test needs decap-cms and playwright-core from
    // `npm ci`, and node to run them.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let decap = [
        "node_modules/decap-cms/dist/decap-cms.js",
        "node_modules/playwright-core/package.json",
    ]
    .iter()
    .all(|f| {
        let path = root.join(f);
        if path.is_file() {
            watched.insert(path);
            true
        } else {
            // Watch the nearest folder that exists, so that `npm ci`
            // afterwards makes cargo look again.
            if let Some(dir) = path.ancestors().skip(1).find(|d| d.is_dir()) {
                watched.insert(dir.to_path_buf());
            }
            false
        }
    });
    let node: Vec<PathBuf> = path_dirs
        .iter()
        .filter(|d| d.is_absolute())
        .map(|d| d.join("node"))
        .collect();
    if decap && find(&node, &mut watched).is_some() {
        println!("cargo::rustc-cfg=has_decap");
    }

    for path in watched {
        println!("cargo::rerun-if-changed={}", path.display());
    }
}

/// The first candidate that is a file. Adds what to watch: the file found,
/// or else the existing folders of all the candidates (never a missing path,
/// which cargo would take as changed on every build).
fn find(candidates: &[PathBuf], watched: &mut BTreeSet<PathBuf>) -> Option<PathBuf> {
    if let Some(found) = candidates.iter().find(|c| c.is_file()) {
        watched.insert(found.clone());
        return Some(found.clone());
    }
    watched.extend(
        candidates
            .iter()
            .filter_map(|c| c.parent())
            .filter(|d| d.is_dir())
            .map(Path::to_path_buf),
    );
    None
}
