//! `rapport new report|chapter|recommendation`: correctly formed files with
//! the next free number, so nobody has to copy a file and remember to change
//! its number, order and title.

use std::path::{Path, PathBuf};

use crate::content::{CONTENT_DIR, REPORT_FILE};
use crate::diagnostics::Diagnostic;
use crate::tracker::load::ITEMS_DIR;

fn usage(message: String, hint: &str) -> Diagnostic {
    Diagnostic::error("new", message).config().with_hint(hint)
}

/// Writes a new file `path` inside `site`. Never over anything already
/// there, a link included (a link left dangling by a pull request would
/// otherwise be written through, to wherever it points), and never into a
/// folder that leads outside the site.
pub(crate) fn write_new(site: &Path, path: &Path, text: &str) -> Result<(), Diagnostic> {
    write_new_bytes(site, path, text.as_bytes())
}

/// [`write_new`] for any bytes (an imported picture).
pub(crate) fn write_new_bytes(site: &Path, path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let exists = || {
        usage(
            format!("{} already exists", path.display()),
            "choose another name; rapport never overwrites a file with `new`",
        )
    };
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(exists());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            usage(
                format!("cannot create {}: {e}", parent.display()),
                "check the folder's permissions",
            )
        })?;
        let inside = match (parent.canonicalize(), site.canonicalize()) {
            (Ok(p), Ok(s)) => p.starts_with(s),
            _ => false,
        };
        if !inside {
            return Err(usage(
                format!("{} leads outside the site folder", parent.display()),
                "a folder of the site is a link to somewhere else; rapport only writes inside the site",
            ));
        }
    }
    // `create_new` fails on any name already taken, a dangling link too,
    // and never follows one.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes));
    written.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(),
        _ => usage(
            format!("cannot write {}: {e}", path.display()),
            "check the folder's permissions",
        ),
    })
}

fn report_dir(site: &Path, report: &str) -> Result<PathBuf, Diagnostic> {
    let dir = site.join(CONTENT_DIR).join(report);
    if !dir.join(REPORT_FILE).is_file() {
        let mut reports: Vec<String> = std::fs::read_dir(site.join(CONTENT_DIR))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().join(REPORT_FILE).is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        reports.sort();
        return Err(usage(
            format!("there is no report `{report}`"),
            &format!("the reports are: {}", reports.join(", ")),
        ));
    }
    Ok(dir)
}

/// The folder of a new report `slug`: an address rapport can publish,
/// not one of the site's own pages, and not yet taken.
pub(crate) fn report_folder(site: &Path, slug: &str) -> Result<PathBuf, Diagnostic> {
    let clean = slug::slugify(slug);
    if clean != slug || slug.is_empty() {
        return Err(usage(
            format!("`{slug}` cannot be a web address"),
            &format!("use lower-case letters, digits and hyphens, e.g. `{clean}`"),
        ));
    }
    if crate::addresses::taken_by_site(slug) {
        return Err(usage(
            format!("`{slug}` is the address of a page rapport makes for the whole site"),
            &format!("choose another name, e.g. `{slug}-report`"),
        ));
    }
    let dir = site.join(CONTENT_DIR).join(slug);
    if std::fs::symlink_metadata(&dir).is_ok() {
        return Err(usage(
            format!("{} already exists", dir.display()),
            "choose another name",
        ));
    }
    Ok(dir)
}

/// A new report folder with its `report.yaml` and a first chapter.
pub fn report(site: &Path, slug: &str, title: &str) -> Result<Vec<PathBuf>, Diagnostic> {
    let dir = report_folder(site, slug)?;
    let today = crate::dates::today();
    let yaml = format!(
        "title: {}\nkind: annual report\nperiod: {}/{:02}\npublished: {today}\ndraft: true          # remove when it is ready to publish\nsummary: >\n  One or two sentences on what this report covers.\n",
        yaml_text(title),
        today.year() - 1,
        today.year() % 100
    );
    let chapter = "---\ntitle: Introduction\norder: 1\nsummary: What this report is about.\n---\n\nWrite the introduction here.\n";
    let files = vec![dir.join(REPORT_FILE), dir.join("01-introduction.md")];
    write_new(site, &files[0], &yaml)?;
    write_new(site, &files[1], chapter)?;
    Ok(files)
}

/// A new chapter at the end of a report: the next order number, and a file
/// name that sorts after the others.
pub fn chapter(site: &Path, report: &str, title: &str) -> Result<PathBuf, Diagnostic> {
    let dir = report_dir(site, report)?;
    let mut highest = 0u32;
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".md") {
            let prefix: String = stem.chars().take_while(|c| c.is_ascii_digit()).collect();
            highest = highest.max(prefix.parse().unwrap_or(0));
            if let Ok(text) = std::fs::read_to_string(entry.path())
                && let Some(order) = text
                    .lines()
                    .take_while(|l| !l.is_empty())
                    .find_map(|l| l.strip_prefix("order:"))
            {
                highest = highest.max(order.trim().parse().unwrap_or(0));
            }
        }
    }
    let n = highest + 1;
    let slug = slug::slugify(title);
    let path = dir.join(format!(
        "{n:02}-{}.md",
        if slug.is_empty() { "chapter" } else { &slug }
    ));
    write_new(
        site,
        &path,
        &format!(
            "---\ntitle: {}\norder: {n}\nsummary: One sentence for the contents list.\n---\n\nWrite the chapter here.\n",
            yaml_text(title)
        ),
    )?;
    Ok(path)
}

/// A new recommendation with the next free number in its report.
pub fn recommendation(site: &Path, report: &str, title: &str) -> Result<PathBuf, Diagnostic> {
    let dir = report_dir(site, report)?;
    let items = dir.join(ITEMS_DIR);
    let mut highest = 0u64;
    for entry in std::fs::read_dir(&items).into_iter().flatten().flatten() {
        if let Ok(text) = std::fs::read_to_string(entry.path())
            && let Some(n) = text.lines().find_map(|l| l.strip_prefix("number:"))
        {
            let digits: String = n
                .trim()
                .trim_matches('"')
                .chars()
                .skip_while(|c| !c.is_ascii_digit())
                .take_while(|c| c.is_ascii_digit())
                .collect();
            highest = highest.max(digits.parse().unwrap_or(0));
        }
    }
    let n = highest + 1;
    let path = items.join(format!("{n:02}.md"));
    let today = crate::dates::today();
    write_new(
        site,
        &path,
        &format!(
            "---\nnumber: {n}\ntitle: {}\ntheme: \nlead: []\n# due: {today}\nresponses:\n  - date: {today}\n    status: not started\n    text: Work has not started yet.\n---\nThe recommendation's own words.\n",
            yaml_text(title)
        ),
    )?;
    Ok(path)
}

/// A title as a YAML value: quoted when it would not read as plain text,
/// or would read as a number, a date or a true/false.
pub(crate) fn yaml_text(s: &str) -> String {
    let ambiguous = s.parse::<f64>().is_ok()
        || matches!(
            s.to_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "on" | "off" | "null" | "~"
        )
        || (s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-');
    let plain = !s.is_empty()
        && !ambiguous
        && !s.contains([
            ':', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
        ])
        && !s.starts_with(['-', '?', ' '])
        && !s.ends_with(' ');
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}
