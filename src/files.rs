//! Which files from a report's folder rapport publishes.
//!
//! Images and downloads beside the chapters are published at the report's
//! address, on the site's own origin. A web page, a script or an XML file
//! there would run with the site's cookies and storage, under the
//! publisher's name; a `.php` file would run as a program on a host that
//! runs PHP. So a file is published only if its type is on an allow-list of
//! images and documents that browsers show without running anything, and
//! an SVG (an XML document that can carry script) only if [`crate::svg`]
//! finds nothing in it that can run or fetch. Anything else is left out,
//! and a link or image pointing at it is an `unsafe-file` error.
//!
//! Types are judged by the file name, the way static hosts choose the
//! `Content-Type` they serve: the last extension, in any letter case, must
//! be on the list, and no earlier one may name a type that runs (Apache can
//! run `report.php.pdf` as PHP).

use crate::vfs::FileSystem;

/// Images a chapter can show: the formats the PDF edition can include too
/// (so not AVIF or HEIC, see crate::images). SVG is published only when
/// checked clean.
pub const IMAGES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg"];

/// Documents a chapter can offer for download. Each is served with a type
/// browsers do not run (PDFs open in the browser's isolated viewer; office
/// files download; CSV, text and JSON show as text). Office formats that
/// can hold macros (`.docm`, `.xls`...) are left out.
pub const DOCUMENTS: &[&str] = &[
    "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "csv", "txt", "json",
];

/// Extensions that make a browser or a web server run the file, refused
/// anywhere in a name (`chart.php.png`).
const RUNNABLE: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "shtm", "svgz", "xml", "xsl", "xslt", "js", "mjs",
    "cjs", "swf", "php", "php3", "php4", "php5", "php7", "php8", "phtml", "phar", "pht", "asp",
    "aspx", "ashx", "asmx", "jsp", "jspx", "cgi", "pl", "py", "rb", "sh", "exe", "hta", "vbs",
    "wsf", "bat", "cmd",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    Document,
}

/// Why a file is not published: `reason` completes "`file` is not
/// published: ...", and `at` is a line and column inside the file (SVG).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: String,
    pub hint: String,
    pub at: Option<(u32, u32)>,
}

impl Refusal {
    fn new(reason: String, hint: String) -> Self {
        Refusal {
            reason,
            hint,
            at: None,
        }
    }
}

/// The types rapport publishes, for messages.
pub fn allowed() -> String {
    format!(
        "images ({}) and documents ({})",
        IMAGES.join(", "),
        DOCUMENTS.join(", ")
    )
}

/// Judges a file by its name alone.
pub fn kind_of(name: &str) -> Result<Kind, Refusal> {
    let file = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    let mut parts = file.split('.');
    parts.next();
    let exts: Vec<&str> = parts.collect();
    let Some((last, inner)) = exts.split_last().filter(|(last, _)| !last.is_empty()) else {
        return Err(Refusal::new(
            "it has no file type (such as `.pdf`)".into(),
            format!("rapport publishes {}; save it as one of those", allowed()),
        ));
    };
    if RUNNABLE.contains(last) {
        return Err(Refusal::new(
            format!("a `.{last}` file can run script or code as part of this site"),
            format!(
                "link to a PDF instead, or put the page on your main website and link to its address; rapport publishes {}",
                allowed()
            ),
        ));
    }
    if let Some(bad) = inner.iter().find(|e| RUNNABLE.contains(e)) {
        return Err(Refusal::new(
            format!("`.{bad}` in its name makes some web servers run it as a program"),
            format!("rename it without `.{bad}`"),
        ));
    }
    if IMAGES.contains(last) {
        Ok(Kind::Image)
    } else if DOCUMENTS.contains(last) {
        Ok(Kind::Document)
    } else {
        Err(Refusal::new(
            format!("rapport does not publish `.{last}` files"),
            format!(
                "rapport publishes {}; save it as one of those (most files can be saved as PDF)",
                allowed()
            ),
        ))
    }
}

/// Judges a file in the site by its name, and an SVG by what is in it.
pub fn check(fs: &dyn FileSystem, path: &str) -> Result<Kind, Refusal> {
    let kind = kind_of(path)?;
    if !path.to_ascii_lowercase().ends_with(".svg") {
        return Ok(kind);
    }
    let too_big = fs
        .disk_path(path)
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|m| m.len() > crate::svg::MAX_SVG_BYTES as u64);
    if too_big {
        return Err(Refusal::new(
            format!(
                "it is larger than {} MiB, the largest SVG rapport checks",
                crate::svg::MAX_SVG_BYTES / (1024 * 1024)
            ),
            "publish the picture as a PNG, or the document as a PDF".into(),
        ));
    }
    let bytes = fs.read(path).map_err(|e| {
        Refusal::new(
            format!("it cannot be read ({e})"),
            "check the file's permissions".into(),
        )
    })?;
    crate::svg::check(&bytes).map_err(|u| Refusal {
        reason: u.reason,
        hint: "export it again as a plain SVG (no scripts, interactivity or linked files), or as a PNG; rapport publishes an SVG only when it is a drawing and nothing more".into(),
        at: Some((u.line, u.column)),
    })?;
    Ok(kind)
}

/// Writes a new file at `path` (on disk, outside any site), making its
/// folders: never over a file, or through a link, that is already there
/// (`create_new`), so a command that writes a starter site or a theme
/// cannot overwrite what appeared after it found the folder empty.
pub fn write_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    std::io::Write::write_all(&mut f, bytes)
}

/// The site folder could not be opened: said in words, never the
/// system's ("os error 2").
pub fn no_site_folder(dir: &std::path::Path, e: &std::io::Error) -> crate::diagnostics::Diagnostic {
    use std::io::ErrorKind;
    let shown = dir.display();
    let (message, hint) = match e.kind() {
        ErrorKind::NotFound => (
            format!("there is no folder `{shown}`"),
            "run rapport in the site's folder (the one with site.yaml), or give the folder's path, e.g. `rapport build our-reports`",
        ),
        ErrorKind::NotADirectory => (
            format!("`{shown}` is a file, not a folder"),
            "give the folder that holds site.yaml, not a file in it",
        ),
        ErrorKind::PermissionDenied => (
            format!("rapport is not allowed to read the folder `{shown}`"),
            "check the folder's permissions, or copy the site somewhere you can read",
        ),
        _ => (
            format!("the folder `{shown}` cannot be opened"),
            "check that it is a folder on this computer and that you can open it",
        ),
    };
    crate::diagnostics::Diagnostic::error("no-site", message)
        .config()
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_judged_by_every_extension_in_any_case() {
        for ok in [
            "chart.PNG",
            "report.v2.final.pdf",
            "data.csv",
            "img/map.Svg",
        ] {
            assert!(kind_of(ok).is_ok(), "{ok}");
        }
        for refused in [
            "page.html",
            "page.HTM",
            "a.xhtml",
            "feed.xml",
            "app.js",
            "shell.php.png",
            "x.HTML.pdf",
            "notes",
            "design.psd",
            "macro.docm",
            "trailing.pdf.",
        ] {
            assert!(kind_of(refused).is_err(), "{refused}");
        }
        assert_eq!(kind_of("a.jpeg"), Ok(Kind::Image));
        assert_eq!(kind_of("a.xlsx"), Ok(Kind::Document));
    }
}
