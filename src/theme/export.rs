//! `rapport theme export DIR`: the built-in theme written out as files, for
//! a site to start its own theme from.
//!
//! Exported, not copied from the repository: the binary a comms team
//! installed carries the theme it builds with, so the copy matches it.

use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Writes every file of the built-in theme under `dir`, which must be empty
/// or not exist; the copy's `theme.yaml` takes the folder's name. Returns
/// the paths written, relative to `dir`.
pub fn export(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    let refuse = |message: String, hint: &str| {
        Err(Diagnostic::error("theme-export", message)
            .config()
            .with_hint(hint))
    };
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return refuse(
            format!("{} is not a folder", dir.display()),
            "give a new folder, such as themes/ours",
        );
    }
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return refuse(
            format!("{} is not empty", dir.display()),
            "give a new folder, such as themes/ours; rapport never writes over a theme",
        );
    }
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("ours")
        .to_string();
    let mut written = Vec::new();
    for (path, bytes) in super::embedded_files() {
        let bytes = if path == super::manifest::MANIFEST {
            manifest_for(&name).into_bytes()
        } else {
            bytes.to_vec()
        };
        let target = dir.join(path);
        if let Err(e) = crate::files::write_new(&target, &bytes) {
            return refuse(
                format!("cannot write {}: {e}", target.display()),
                "check the folder can be written to",
            );
        }
        written.push(path.to_string());
    }
    Ok(written)
}

/// The exported theme's manifest: the default's, with the new name.
fn manifest_for(name: &str) -> String {
    let default = super::embedded_text(super::manifest::MANIFEST).unwrap_or_default();
    let mut out = String::new();
    for line in default.lines() {
        if line.starts_with("name:") {
            out.push_str(&format!("name: {name}\n"));
        } else if line.starts_with("description:") {
            out.push_str("description: Made from rapport's default theme.\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
