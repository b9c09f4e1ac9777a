//! The default theme's files, found by walking `themes/default/`, written
//! as a list of `include_bytes!` for `src/theme.rs`.
//!
//! Why a build script and not a list in the source: a list kept by hand let
//! a new template be left out of the binary unnoticed (the site built from
//! the repository worked; the installed binary did not). Cargo re-runs this
//! script when anything under `themes/default/` changes, a new file
//! included.

use std::path::{Path, PathBuf};

const THEME: &str = "themes/default";

pub fn run() {
    println!("cargo::rerun-if-changed=build/embed_theme.rs");
    println!("cargo::rerun-if-changed={THEME}");
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join(THEME);
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every file of `themes/default/`, by its path inside the theme (`/` separated).\n\
         pub const EMBEDDED: &[(&str, &[u8])] = &[\n",
    );
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .expect("walked under the theme")
            .components()
            .map(|c| c.as_os_str().to_str().expect("theme file names are UTF-8"))
            .collect::<Vec<_>>()
            .join("/");
        out.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme_files.rs");
    std::fs::write(dest, out).expect("write theme_files.rs");
}

/// Regular files under `dir`, hidden ones (editor backups, `.DS_Store`) left out.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.expect("read theme folder");
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || name.to_string_lossy().ends_with('~') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            walk(&path, files);
        } else if kind.is_file() {
            files.push(path);
        }
    }
}
