//! One module per command. Each parses nothing itself (clap did that) and
//! decides nothing about content (the library does): it calls the library
//! and reports.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod serve;
pub mod theme;

use std::io::IsTerminal;

use rapport::build::Outcome;
use rapport::diagnostics::{Severity, render_human};

/// Says that the site folder given cannot be opened, in words; the exit
/// code for a site that could not be read at all.
pub fn no_site_folder(dir: &std::path::Path, e: &std::io::Error) -> i32 {
    let d = rapport::files::no_site_folder(dir, e);
    eprintln!("error: {}", d.message);
    if let Some(hint) = &d.hint {
        eprintln!("  help: {hint}");
    }
    2
}

/// Whether `dir` is a site folder; if not, says so for `command`.
pub fn is_site(dir: &std::path::Path, command: &str) -> bool {
    let found = dir.join("site.yaml").is_file();
    if !found {
        eprintln!(
            "error: {} has no site.yaml\n  = help: run rapport {command} in a site folder, or pass --site DIR",
            dir.display()
        );
    }
    found
}

/// Prints the problems of a run to stderr and a one-line summary.
pub fn report(outcome: &Outcome) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if !outcome.diagnostics.is_empty() {
        eprint!(
            "{}",
            render_human(&outcome.diagnostics, &outcome.sources, colour)
        );
    }
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = outcome.diagnostics.len() - errors;
    if errors + warnings > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}
