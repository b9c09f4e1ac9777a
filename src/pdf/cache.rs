//! PDFs kept between builds (`rapport build --cache DIR`).
//!
//! Typesetting is most of a full build's time, and a report's PDF changes
//! only when what it is made from changes. So a PDF is stored under a key
//! that covers everything Typst is given before it starts (the markup made
//! from the report's trees, the template, the interface strings, the date
//! and identity written into the file, the organisation's font files, and
//! the sources rapport was built from, which hold Typst, its fonts and the
//! markup writer), together with every file Typst read while typesetting (images,
//! and anything a site's own template reads), each with a digest of its
//! bytes, or noted as missing. A later build reuses the PDF only when the
//! key is the same and each of those files still reads the same, so what it
//! publishes is byte for byte what typesetting would make.
//!
//! The store is a folder outside the site's output, which CI keeps between
//! runs (docs/publishing.md). It is read through `std::fs`, not the site's
//! [`crate::vfs::FileSystem`]: it is not part of the site. Each entry is
//! written to a temporary name and renamed, so a build that stops half way,
//! or two builds at once, never leave a half-written entry, and an entry
//! whose bytes do not match their digest is ignored.

use std::path::{Path, PathBuf};

pub use crate::build_cache::digest;
use crate::build_cache::{Key, hex};

/// A store of PDFs in a folder.
pub struct PdfCache {
    dir: PathBuf,
    /// The entries this build used or made (manifests and PDFs, by file
    /// name); [`PdfCache::forget_the_rest`] removes the others.
    used: std::sync::Mutex<std::collections::HashSet<String>>,
}

/// What a PDF was made from, known before it is typeset.
pub struct Inputs<'a> {
    pub main: &'a str,
    pub template: &'a str,
    pub words: &'a str,
    /// `contents.typ`, the draft of the contents page.
    pub contents: &'a str,
    /// The report's publication date (the PDF's date), and its identity
    /// (`rapport:<report>` or `rapport:<report>/<chapter>`).
    pub date: &'a str,
    pub ident: &'a str,
    /// Digests of the organisation's font files, in order.
    pub fonts: &'a [[u8; 32]],
}

/// A file Typst read: its site path, and the digest of its bytes (`None`
/// when it was not there).
pub type Read = (String, Option<[u8; 32]>);

/// A PDF found in the store.
pub struct Hit {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// The layout did not settle when it was made (`pdf-layout`), which a
    /// reuse reports again.
    pub unsettled: bool,
}

impl PdfCache {
    /// The store in `dir`, made if it is not there.
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.join("pdf"))?;
        Ok(PdfCache {
            dir: dir.join("pdf"),
            used: std::sync::Mutex::default(),
        })
    }

    /// The key of a PDF made from `inputs` by this binary.
    pub fn key(inputs: &Inputs) -> String {
        // The build's identity is in every key (`Key::new`); the tests
        // give another in its place.
        key_with("", inputs)
    }

    /// The PDF stored under `key`, if each file it read still reads the
    /// same (`read_now` gives a file's bytes today).
    pub fn get(&self, key: &str, read_now: impl Fn(&str) -> Option<Vec<u8>>) -> Option<Hit> {
        let manifest = std::fs::read_to_string(self.dir.join(format!("{key}.txt"))).ok()?;
        let mut lines = manifest.lines();
        let head = lines.next()?;
        let mut fields = head.split(' ');
        let (pdf, pages, unsettled) = (fields.next()?, fields.next()?, fields.next()?);
        for line in lines {
            let (want, path) = line.split_once(' ')?;
            let now = read_now(path).map(|b| hex(&digest(&b)));
            if now.as_deref().unwrap_or("-") != want {
                return None;
            }
        }
        let bytes = std::fs::read(self.dir.join(format!("{pdf}.pdf"))).ok()?;
        if hex(&digest(&bytes)) != pdf {
            return None;
        }
        self.mark(&[format!("{key}.txt"), format!("{pdf}.pdf")]);
        Some(Hit {
            bytes,
            pages: pages.parse().ok()?,
            unsettled: unsettled == "unsettled",
        })
    }

    /// Stores a PDF under `key`, with the files it read. A store that
    /// cannot be written is left as it is: the build has its PDF.
    pub fn put(&self, key: &str, bytes: &[u8], pages: usize, unsettled: bool, read: &[Read]) {
        let pdf = hex(&digest(bytes));
        let mut manifest = format!(
            "{pdf} {pages} {}\n",
            if unsettled { "unsettled" } else { "settled" }
        );
        for (path, d) in read {
            let d = d.map_or_else(|| "-".to_string(), |d| hex(&d));
            manifest.push_str(&format!("{d} {path}\n"));
        }
        let _ = self.write(&format!("{pdf}.pdf"), bytes);
        let _ = self.write(&format!("{key}.txt"), manifest.as_bytes());
        self.mark(&[format!("{key}.txt"), format!("{pdf}.pdf")]);
    }

    fn mark(&self, names: &[String]) {
        if let Ok(mut used) = self.used.lock() {
            used.extend(names.iter().cloned());
        }
    }

    /// Removes every entry this build neither used nor made, so the folder
    /// holds the site's current PDFs and does not grow with each change
    /// (one folder per site, then).
    pub fn forget_the_rest(&self) {
        if let Ok(used) = self.used.lock() {
            crate::build_cache::keep_only(&self.dir, &used);
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        crate::build_cache::write_atomically(&self.dir, name, bytes)
    }
}

fn key_with(binary: &str, inputs: &Inputs) -> String {
    let mut k = Key::new("pdf");
    k.part(binary.as_bytes());
    for part in [
        inputs.main,
        inputs.template,
        inputs.words,
        inputs.contents,
        inputs.date,
        inputs.ident,
    ] {
        k.part(part.as_bytes());
    }
    for f in inputs.fonts {
        k.part(f);
    }
    k.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs<'a>(main: &'a str, fonts: &'a [[u8; 32]]) -> Inputs<'a> {
        Inputs {
            main,
            template: "#let report(body) = body",
            words: "",
            contents: "",
            date: "2024-03-31",
            ident: "rapport:r",
            fonts,
        }
    }

    #[test]
    fn the_key_changes_with_every_input_and_the_binary() {
        let fonts = [digest(b"font")];
        let base = key_with("a", &inputs("= Title", &[]));
        let changed = [
            key_with("b", &inputs("= Title", &[])),
            key_with("a", &inputs("= Title.", &[])),
            key_with("a", &inputs("= Title", &fonts)),
            key_with(
                "a",
                &Inputs {
                    date: "2024-04-01",
                    ..inputs("= Title", &[])
                },
            ),
            key_with(
                "a",
                &Inputs {
                    ident: "rapport:r/c",
                    ..inputs("= Title", &[])
                },
            ),
            key_with(
                "a",
                &Inputs {
                    template: "#let report(body) = [#body]",
                    ..inputs("= Title", &[])
                },
            ),
            key_with(
                "a",
                &Inputs {
                    words: "#let notes = \"Nodiadau\"",
                    ..inputs("= Title", &[])
                },
            ),
            key_with(
                "a",
                &Inputs {
                    contents: "#let contents-draft = ((1, \"Title\"),)",
                    ..inputs("= Title", &[])
                },
            ),
        ];
        for (i, k) in changed.iter().enumerate() {
            assert_ne!(k, &base, "input {i}");
        }
        // Parts are length-prefixed: moving text from one to the next is a
        // different key.
        let a = key_with(
            "a",
            &Inputs {
                main: "ab",
                template: "c",
                ..inputs("", &[])
            },
        );
        let b = key_with(
            "a",
            &Inputs {
                main: "a",
                template: "bc",
                ..inputs("", &[])
            },
        );
        assert_ne!(a, b);
    }

    #[test]
    fn a_stored_pdf_is_reused_only_while_the_files_it_read_are_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let cache = PdfCache::open(dir.path()).unwrap();
        let read = vec![
            ("content/r/logo.png".to_string(), Some(digest(b"png"))),
            ("content/r/gone.png".to_string(), None),
        ];
        cache.put("k", b"%PDF-1.7 one", 3, false, &read);
        let files = |png: &'static [u8], gone: Option<&'static [u8]>| {
            move |p: &str| match p {
                "content/r/logo.png" => Some(png.to_vec()),
                "content/r/gone.png" => gone.map(<[u8]>::to_vec),
                _ => None,
            }
        };
        let hit = cache.get("k", files(b"png", None)).unwrap();
        assert_eq!((hit.bytes.as_slice(), hit.pages), (&b"%PDF-1.7 one"[..], 3));
        assert!(
            cache.get("k", files(b"png!", None)).is_none(),
            "an image changed"
        );
        assert!(
            cache.get("k", files(b"png", Some(b"new"))).is_none(),
            "a file that was missing is there now"
        );
        assert!(cache.get("other", files(b"png", None)).is_none());
        // A damaged entry is not used.
        let pdf = hex(&digest(b"%PDF-1.7 one"));
        std::fs::write(dir.path().join(format!("pdf/{pdf}.pdf")), b"%PDF-1.7 bad").unwrap();
        assert!(cache.get("k", files(b"png", None)).is_none());
    }
}
