//! "Last updated" dates from git history.
//!
//! One `git log` for the whole site (not one per page, which is what makes
//! some generators slow on large repositories): the newest commit that
//! touched each file under `content/`. Outside a git repository, or without
//! git, there are no dates and pages fall back to their `updated:` front
//! matter. Dates come from commits, not the clock, so builds stay
//! reproducible.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use jiff::civil::Date;

/// Site-relative path (`content/r/01-a.md`) to the date of its last commit.
pub fn last_changed(site_root: &Path) -> Option<HashMap<String, Date>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(site_root)
        .args([
            "log",
            "--format=@%cs",
            "--name-only",
            "--relative",
            "--no-renames",
            "--",
            "content",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(parse(&String::from_utf8_lossy(&out.stdout)))
}

/// Parses `@YYYY-MM-DD` lines followed by the files of that commit, newest
/// commit first; the first date seen for a file is its latest.
fn parse(log: &str) -> HashMap<String, Date> {
    let mut dates = HashMap::new();
    let mut current = None;
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('@') {
            current = d.trim().parse::<Date>().ok();
        } else if !line.trim().is_empty()
            && let Some(d) = current
        {
            dates.entry(line.trim().to_string()).or_insert(d);
        }
    }
    dates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_wins() {
        let log =
            "@2024-03-01\ncontent/r/01-a.md\n\n@2023-01-05\ncontent/r/01-a.md\ncontent/r/02-b.md\n";
        let d = parse(log);
        assert_eq!(d["content/r/01-a.md"].to_string(), "2024-03-01");
        assert_eq!(d["content/r/02-b.md"].to_string(), "2023-01-05");
    }
}
