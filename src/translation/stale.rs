//! A translation older than its original: the original was committed
//! after the translation last was, so the translation may say what the
//! original no longer does.
//!
//! Why git: it already records when each file last changed, so translators
//! record nothing by hand. Outside a git repository nothing is reported.

use std::collections::HashMap;
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// Warns for each translation (in `renames`, original to translation)
/// whose original has a newer commit.
pub fn check(site_root: &Path, renames: &HashMap<String, String>, diags: &Diagnostics) {
    if renames.is_empty() {
        return;
    }
    let Some(times) = last_commits(site_root) else {
        return;
    };
    for (original, translation) in renames {
        if let (Some(o), Some(t)) = (times.get(original), times.get(translation))
            && o > t
        {
            diags.push(
                Diagnostic::warning(
                    "stale-translation",
                    format!("{original} changed after {translation} was last updated"),
                )
                .in_file(translation.clone())
                .with_hint(format!(
                    "bring {translation} up to date with {original} and commit it (`git log -p {original}` shows what changed)"
                )),
            );
        }
    }
}

/// Each file under `content/` with the time (seconds) of the newest commit
/// that touched it.
fn last_commits(site_root: &Path) -> Option<HashMap<String, i64>> {
    Some(parse(&crate::gitdates::content_log(site_root, "%ct")?))
}

fn parse(log: &str) -> HashMap<String, i64> {
    let mut times = HashMap::new();
    let mut current = 0;
    for line in log.lines() {
        if let Some(t) = line.strip_prefix('@') {
            current = t.trim().parse().unwrap_or(0);
        } else if !line.trim().is_empty() {
            // The log is newest first: the first time seen is the latest.
            times.entry(line.trim().to_string()).or_insert(current);
        }
    }
    times
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_newest_commit_of_each_file_is_kept() {
        let t = super::parse("@200\n\ncontent/r/a.md\n@100\n\ncontent/r/a.md\ncontent/r/a.cy.md\n");
        assert_eq!(t["content/r/a.md"], 200);
        assert_eq!(t["content/r/a.cy.md"], 100);
    }
}
