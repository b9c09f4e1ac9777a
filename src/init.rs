//! `rapport init`: a starter site that builds as it is, showing the main
//! features so a comms team can copy from it.

use std::path::Path;

use crate::diagnostics::Diagnostic;

const FILES: &[(&str, &str)] = &[
    ("site.yaml", include_str!("starter/site.yaml")),
    (
        "content/annual-report/report.yaml",
        include_str!("starter/report.yaml"),
    ),
    (
        "content/annual-report/01-foreword.md",
        include_str!("starter/01-foreword.md"),
    ),
    (
        "content/annual-report/02-our-year.md",
        include_str!("starter/02-our-year.md"),
    ),
    (
        "content/annual-report/data/funding.csv",
        include_str!("starter/data/funding.csv"),
    ),
    (
        "content/annual-report/data/funding.yaml",
        include_str!("starter/data/funding.yaml"),
    ),
    (
        "content/annual-report/recommendations.yaml",
        include_str!("starter/recommendations.yaml"),
    ),
    ("static/logo.svg", include_str!("starter/logo.svg")),
    // The output, and what a stopped build may leave beside it.
    (
        ".gitignore",
        "/output\n/.output.rapport-*\n/.rapport-cache\n",
    ),
];

/// Writes the starter site into `dir`, which must be empty or not exist.
pub fn init(dir: &Path) -> Result<Vec<String>, Diagnostic> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if non_empty {
            return Err(
                Diagnostic::error("init", format!("{} is not empty", dir.display()))
                    .config()
                    .with_hint("choose a new folder name; rapport init never writes over files"),
            );
        }
    }
    let today = crate::dates::today().to_string();
    let mut written = Vec::new();
    for (path, text) in FILES {
        let target = dir.join(path);
        let text = text.replace("PUBLISHED", &today);
        if let Err(e) = crate::files::write_new(&target, text.as_bytes()) {
            return Err(Diagnostic::error(
                "init",
                format!("cannot write {}: {e}", target.display()),
            )
            .config());
        }
        written.push(path.to_string());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A placeholder that no longer matches what the starter or `new`
    /// writes would never be found.
    #[test]
    fn every_placeholder_is_written_by_the_starter_or_new() {
        let new = include_str!("new.rs");
        for p in crate::editorial::PLACEHOLDERS {
            let escaped = p.replace('\'', "\\'");
            assert!(
                FILES.iter().any(|(_, text)| text.contains(p))
                    || new.contains(p)
                    || new.contains(&escaped),
                "{p}"
            );
        }
    }
}
