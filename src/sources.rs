//! How a site's text files are read: the one way their text enters
//! rapport.
//!
//! Every source text (site.yaml, report.yaml, chapters and their front
//! matter, recommendation files, data tables' YAML) is read here, checked
//! for control characters ([`crate::controls`]), including those written as
//! escapes in YAML's double quotes, and kept in the [`SourceMap`] so that a
//! problem found later can show its line. It sits above `diagnostics`,
//! `controls` and `yaml`, which know nothing of one another's work: the
//! YAML reader finds the quoted text, the control check reads it.

use std::sync::Arc;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::vfs::FileSystem;

/// Reads the source file `path`, reports the control characters in it and
/// keeps its text for diagnostics.
pub fn read_text(
    sources: &SourceMap,
    fs: &dyn FileSystem,
    path: &str,
    diags: &Diagnostics,
) -> std::io::Result<Arc<str>> {
    let text: Arc<str> = fs.read_to_string(path)?.into();
    crate::controls::check(path, &text, &yaml_quoted(path, &text), diags);
    sources.insert(path, text.clone());
    Ok(text)
}

/// [`read_text`], with a file that cannot be read an `unreadable` error at
/// its path.
pub fn read(
    sources: &SourceMap,
    fs: &dyn FileSystem,
    path: &str,
    diags: &Diagnostics,
) -> Option<Arc<str>> {
    match read_text(sources, fs, path, diags) {
        Ok(text) => Some(text),
        Err(e) => {
            diags.push(
                Diagnostic::error("unreadable", format!("cannot read `{path}`: {e}")).in_file(path),
            );
            None
        }
    }
}

/// A spreadsheet export (`recommendations.csv`), read as [`read`] reads
/// text, but in whichever encoding Excel saved it
/// ([`crate::data::encoding`]).
pub fn read_export(
    sources: &SourceMap,
    fs: &dyn FileSystem,
    path: &str,
    diags: &Diagnostics,
) -> Option<Arc<str>> {
    let bytes = match fs.read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error("unreadable", format!("cannot read `{path}`: {e}")).in_file(path),
            );
            return None;
        }
    };
    let text: Arc<str> = match decode(bytes) {
        Export::Utf8(t) => t.into(),
        Export::Windows1252(t) => {
            diags.push(windows_1252_warning(path));
            t.into()
        }
        Export::NotText => {
            diags.push(
                Diagnostic::error("bad-csv", "this is not a CSV file: it is not text")
                    .in_file(path)
                    .with_hint("save the sheet as \"CSV UTF-8 (comma delimited)\" under this name"),
            );
            return None;
        }
    };
    crate::controls::check(path, &text, &[], diags);
    sources.insert(path, text.clone());
    Some(text)
}

/// The text of a spreadsheet export, in whichever encoding Excel saved it.
///
/// Excel's "CSV UTF-8 (comma delimited)" writes UTF-8 (with a byte order
/// mark, which the CSV reader skips), but its plain "CSV (comma delimited)"
/// writes the Windows code page, Windows-1252 on British machines, and that
/// is the one finance officers pick. A file that is not UTF-8 is read as
/// Windows-1252 (a superset of Latin-1, so `£` and `é` come out right) with
/// a warning, rather than refused: every byte means something in it, so no
/// figure is lost. Text with zero bytes is not an export at all (a workbook
/// renamed, or "Unicode text").
///
/// What a data file's bytes turned out to be.
pub enum Export {
    Utf8(String),
    /// Read as Windows-1252.
    Windows1252(String),
    /// Not text: zero bytes, as in a workbook or a picture.
    NotText,
}

pub fn decode(bytes: Vec<u8>) -> Export {
    if memchr::memchr(0, &bytes).is_some() {
        return Export::NotText;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Export::Utf8(text),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            Export::Windows1252(text.into_owned())
        }
    }
}

/// The warning for a file read as Windows-1252.
pub fn windows_1252_warning(path: &str) -> Diagnostic {
    Diagnostic::warning(
        "not-utf8",
        "this file is not saved as UTF-8, so rapport read it as Windows-1252 (what Excel's \"CSV (comma delimited)\" writes)",
    )
    .in_file(path)
    .with_hint("check that £ signs and accented letters look right on the page; to be sure, save it from Excel as \"CSV UTF-8 (comma delimited)\"")
}

/// The byte ranges of `text` that YAML reads as double-quoted scalars,
/// where an escape such as `"\0"` writes a control character: the whole of
/// a `.yaml` file, the front matter of a chapter. Only a backslash starts an
/// escape, so a text without one (most chapters) is not parsed here.
fn yaml_quoted(path: &str, text: &str) -> Vec<std::ops::Range<usize>> {
    if memchr::memchr(b'\\', text.as_bytes()).is_none() {
        return Vec::new();
    }
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        crate::yaml::double_quoted(text)
    } else if path.ends_with(".md")
        && let Some((front, _, _)) = crate::yaml::split_front_matter(text)
    {
        let start = front.as_ptr() as usize - text.as_ptr() as usize;
        crate::yaml::double_quoted(front)
            .into_iter()
            .map(|r| start + r.start..start + r.end)
            .collect()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryFs;

    fn codes(path: &str, text: &str) -> Vec<(u32, u32)> {
        let mut fs = MemoryFs::new();
        fs.add(path, text);
        let diags = Diagnostics::new();
        let sources = SourceMap::default();
        read_text(&sources, &fs, path, &diags).unwrap();
        diags
            .sorted()
            .iter()
            .filter(|d| d.code == "control-character")
            .map(|d| {
                let span = d.span.as_ref().unwrap();
                (span.start.line, span.start.column)
            })
            .collect()
    }

    #[test]
    fn escapes_are_found_in_yaml_files_and_front_matter_only() {
        assert_eq!(codes("site.yaml", "title: \"A\\0B\"\n"), [(1, 10)]);
        assert_eq!(
            codes(
                "content/r/01.md",
                "---\ntitle: \"A\\bB\"\n---\n\nA \"\\b\" here.\n"
            ),
            [(2, 10)]
        );
        assert_eq!(codes("content/r/data/t.csv", "a\n\"\\0\"\n"), []);
    }

    #[test]
    fn an_excel_csv_in_the_windows_code_page_is_read_with_its_pound_signs() {
        // "Area,Spent\nCafé,£1,200" as Excel's plain CSV writes it.
        let bytes = b"Area,Spent\nCaf\xe9,\"\xa31,200\"\n".to_vec();
        match decode(bytes) {
            Export::Windows1252(t) => assert_eq!(t, "Area,Spent\nCafé,\"£1,200\"\n"),
            _ => panic!("not read as Windows-1252"),
        }
        assert!(matches!(decode("£1".as_bytes().to_vec()), Export::Utf8(t) if t == "£1"));
        assert!(matches!(
            decode(b"PK\x03\x04\0\0".to_vec()),
            Export::NotText
        ));
    }
}
