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
    use crate::data::encoding::{self, Export};
    let bytes = match fs.read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error("unreadable", format!("cannot read `{path}`: {e}")).in_file(path),
            );
            return None;
        }
    };
    let text: Arc<str> = match encoding::decode(bytes) {
        Export::Utf8(t) => t.into(),
        Export::Windows1252(t) => {
            diags.push(encoding::windows_1252_warning(path));
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
}
