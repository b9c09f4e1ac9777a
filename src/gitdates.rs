//! "Last updated" dates from git history.
//!
//! One `git log` for the whole site (not one per page, which is what makes
//! some generators slow on large repositories): the newest commit that
//! changed each file under `content/` after the commit that added it. The
//! commit that adds a chapter is not an update to it: a report put into the
//! repository years after it was published has not been updated since. Outside a git repository, or without
//! git, there are no dates and pages fall back to their `updated:` front
//! matter. Dates come from commits, not the clock, so builds stay
//! reproducible.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use jiff::civil::Date;

/// Site-relative path (`content/r/01-a.md`) to the date of its last
/// commit, for each file that more than one commit touched.
pub fn last_changed(site_root: &Path) -> Option<HashMap<String, Date>> {
    Some(parse(&content_log(site_root, "%cs")?))
}

/// `git log` of the files under `content/`, newest commit first: a line
/// `@<format>` for each commit, then the files it touched. `None` outside
/// a git repository or without git.
pub fn content_log(site_root: &Path, format: &str) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(site_root)
        .args([
            "log",
            &format!("--format=@{format}"),
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
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Parses `@YYYY-MM-DD` lines followed by the files of that commit, newest
/// commit first: the first date seen for a file is its latest, and a file
/// seen once was only added.
fn parse(log: &str) -> HashMap<String, Date> {
    let mut seen: HashMap<String, (Date, u32)> = HashMap::new();
    let mut current = None;
    for line in log.lines() {
        if let Some(d) = line.strip_prefix('@') {
            current = d.trim().parse::<Date>().ok();
        } else if !line.trim().is_empty()
            && let Some(d) = current
        {
            seen.entry(line.trim().to_string()).or_insert((d, 0)).1 += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, (_, commits))| *commits > 1)
        .map(|(file, (date, _))| (file, date))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_wins_and_a_file_only_added_has_no_date() {
        let log =
            "@2024-03-01\ncontent/r/01-a.md\n\n@2023-01-05\ncontent/r/01-a.md\ncontent/r/02-b.md\n";
        let d = parse(log);
        assert_eq!(d["content/r/01-a.md"].to_string(), "2024-03-01");
        assert!(!d.contains_key("content/r/02-b.md"));
    }
}
