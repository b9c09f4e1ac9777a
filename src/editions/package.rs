//! The zip package both formats are, and the XML text inside it.
//!
//! The zip crate is used only here. Every entry gets the same timestamp
//! (the report's publication date) and permissions, and entries are
//! written in the order given, so a report gives the same bytes on every
//! build and machine, as the PDF does.

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// A package being written in memory.
pub struct Package {
    zip: ZipWriter<std::io::Cursor<Vec<u8>>>,
    time: DateTime,
}

impl Package {
    /// A package whose entries are all dated `date`.
    pub fn new(date: jiff::civil::Date) -> Package {
        // A zip date holds 1980 to 2107; a report outside them (a typing
        // slip a `check` would not catch) is dated at the nearer end.
        let year = date.year().clamp(1980, 2107) as u16;
        let time =
            DateTime::from_date_and_time(year, date.month() as u8, date.day() as u8, 0, 0, 0)
                .unwrap_or_default();
        Package {
            zip: ZipWriter::new(std::io::Cursor::new(Vec::new())),
            time,
        }
    }

    /// Adds `name`, compressed unless `stored` (the ODT's `mimetype` must
    /// be stored as it is; pictures are compressed already).
    pub fn add(&mut self, name: &str, bytes: &[u8], stored: bool) -> std::io::Result<()> {
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(self.time)
            .unix_permissions(0o644);
        self.zip
            .start_file(name, options)
            .map_err(std::io::Error::other)?;
        self.zip.write_all(bytes)
    }

    pub fn finish(self) -> std::io::Result<Vec<u8>> {
        let cursor = self.zip.finish().map_err(std::io::Error::other)?;
        Ok(cursor.into_inner())
    }
}

/// Whether a picture's file is compressed already, so deflating it again
/// would cost time for nothing.
pub fn is_compressed(mime: &str) -> bool {
    matches!(mime, "image/png" | "image/jpeg" | "image/gif")
}

/// Text for XML content or a quoted attribute: markup characters escaped,
/// and the characters XML 1.0 cannot hold at all (controls other than
/// tab and line breaks; each is an error at its place in the sources
/// already) left out, so the file always opens.
pub fn esc(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| matches!(c, '\t' | '\n' | '\r') || !(c.is_control() || is_non_character(*c)))
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

/// U+FFFE and U+FFFF, which XML 1.0 does not allow either.
fn is_non_character(c: char) -> bool {
    matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// `YYYY-MM-DDT00:00:00Z`, the form both formats' properties take.
pub fn timestamp(date: jiff::civil::Date) -> String {
    format!("{date}T00:00:00Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_controls_left_out() {
        assert_eq!(
            esc("Fish & chips <b> \"quoted\" 'too'\u{1}\u{ffff}\tok"),
            "Fish &amp; chips &lt;b&gt; &quot;quoted&quot; &apos;too&apos;\tok"
        );
        assert_eq!(esc("£12m — “fine”"), "£12m — “fine”");
    }

    fn package(date: jiff::civil::Date) -> Vec<u8> {
        let mut p = Package::new(date);
        p.add("mimetype", b"application/vnd.oasis.opendocument.text", true)
            .unwrap();
        p.add("content.xml", "<a>words</a>".repeat(50).as_bytes(), false)
            .unwrap();
        p.finish().unwrap()
    }

    #[test]
    fn the_same_entries_give_the_same_bytes() {
        let date = jiff::civil::date(2025, 6, 30);
        let a = package(date);
        assert_eq!(a, package(date));
        assert_ne!(a, package(jiff::civil::date(2025, 7, 1)));
        // The first entry is stored, its name and content readable at the
        // start of the file (what a program guessing the type reads).
        assert_eq!(&a[30..38], b"mimetype");
        assert_eq!(&a[38..77], b"application/vnd.oasis.opendocument.text");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        let entry = zip.by_name("content.xml").unwrap();
        assert_eq!(entry.compression(), CompressionMethod::Deflated);
        let t = entry.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (2025, 6, 30));
    }

    #[test]
    fn a_date_a_zip_cannot_hold_is_brought_within_its_range() {
        let bytes = package(jiff::civil::date(1970, 1, 1));
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let t = zip.by_index(0).unwrap().last_modified().unwrap();
        assert_eq!(t.year(), 1980);
    }
}
