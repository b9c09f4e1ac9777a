//! The default theme, compiled into the binary, and the rules for
//! overriding its static files.
//!
//! The theme's source lives in `themes/default/` in this repository (so it
//! can be read, copied and edited like any other theme). The build script
//! (`build/embed_theme.rs`) finds its files and embeds every one, so a site
//! with no `themes/` folder builds anywhere and no file can be forgotten.

pub mod check;
pub mod export;
pub mod manifest;
pub mod reference;

use std::collections::BTreeMap;

use crate::vfs::{self, FileSystem};

pub const DEFAULT_THEME: &str = "default";

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));
}

/// Every file of the built-in theme, by its path inside the theme
/// (`templates/base.html`, `static/style.css`, `pdf/report.typ`, `theme.yaml`).
pub fn embedded_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::EMBEDDED.iter().copied()
}

/// One text file of the built-in theme. The theme's text files are UTF-8
/// (a unit test reads every one), so this cannot fail for a listed file.
pub fn embedded_text(path: &str) -> Option<&'static str> {
    embedded_files()
        .find(|(p, _)| *p == path)
        .and_then(|(_, bytes)| std::str::from_utf8(bytes).ok())
}

/// The built-in theme's files under `dir/`, as text, by their path inside
/// that folder.
fn embedded_texts(dir: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded_files().filter_map(move |(path, bytes)| {
        let name = path.strip_prefix(dir)?.strip_prefix('/')?;
        Some((name, std::str::from_utf8(bytes).ok()?))
    })
}

/// The built-in templates (`base.html`, `partials/footer.html`, ...).
pub fn default_templates() -> impl Iterator<Item = (&'static str, &'static str)> {
    embedded_texts("templates").filter(|(name, _)| is_template(name))
}

/// A file the template engine loads (the PDF's Typst template is not one).
pub fn is_template(name: &str) -> bool {
    name.ends_with(".html") || name.ends_with(".xml")
}

/// Where a published static file comes from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static str),
    /// A site-relative path.
    File(String),
}

/// The theme's static files, published under `assets/`: the built-in
/// theme's, replaced or added to by `themes/<theme>/static/`.
pub fn static_files(fs: &dyn FileSystem, theme: &str) -> BTreeMap<String, StaticSource> {
    let mut out = BTreeMap::new();
    for (name, text) in embedded_texts("static") {
        out.insert(name.to_string(), StaticSource::Embedded(text));
    }
    let dir = vfs::join(&format!("themes/{theme}"), "static");
    for path in fs.walk(&dir) {
        let name = path[dir.len() + 1..].to_string();
        if vfs::is_hidden(&name) {
            continue;
        }
        out.insert(name, StaticSource::File(path));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded list against the folder it came from: every file of
    /// `themes/default/` is in the binary, byte for byte.
    #[test]
    fn every_file_of_the_default_theme_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                if name.starts_with('.') || name.ends_with('~') {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    on_disk.push((rel, std::fs::read(&path).unwrap()));
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<(String, Vec<u8>)> = embedded_files()
            .map(|(p, b)| (p.to_string(), b.to_vec()))
            .collect();
        assert_eq!(
            on_disk.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            embedded.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>()
        );
        assert_eq!(on_disk, embedded);
        for (path, bytes) in &embedded {
            assert!(std::str::from_utf8(bytes).is_ok(), "{path} is not UTF-8");
        }
        assert!(default_templates().any(|(n, _)| n == "base.html"));
        assert!(embedded_text("pdf/report.typ").is_some());
    }

    /// The text of a template a reader could see: what is between the
    /// tags, and the values of attributes that are read out or shown.
    fn visible_text(template: &str) -> Vec<String> {
        // Template tags and comments out; what they print is checked by
        // the strings they name.
        let mut plain = String::new();
        let mut rest = template;
        while let Some(open) = rest.find(['{']) {
            plain.push_str(&rest[..open]);
            let close = match rest[open..].chars().nth(1) {
                Some('{') => "}}",
                Some('%') => "%}",
                Some('#') => "#}",
                _ => {
                    plain.push('{');
                    rest = &rest[open + 1..];
                    continue;
                }
            };
            let end = rest[open..]
                .find(close)
                .map(|p| p + open + 2)
                .unwrap_or(rest.len());
            plain.push(' ');
            rest = &rest[end..];
        }
        plain.push_str(rest);
        // Inside <style> and <script> is code, not words.
        for (open, close) in [("<style>", "</style>"), ("<script>", "</script>")] {
            while let (Some(a), Some(b)) = (plain.find(open), plain.find(close)) {
                if b < a {
                    break;
                }
                plain.replace_range(a..b + close.len(), " ");
            }
        }
        let mut out = Vec::new();
        let mut in_tag = false;
        let mut text = String::new();
        let mut tag = String::new();
        for c in plain.chars() {
            match (in_tag, c) {
                (false, '<') => {
                    out.push(std::mem::take(&mut text));
                    in_tag = true;
                }
                (true, '>') => {
                    for attr in ["aria-label=\"", "title=\"", "alt=\"", "placeholder=\""] {
                        for (i, _) in tag.match_indices(attr) {
                            let value = &tag[i + attr.len()..];
                            out.push(value[..value.find('"').unwrap_or(value.len())].to_string());
                        }
                    }
                    tag.clear();
                    in_tag = false;
                }
                (true, c) => tag.push(c),
                (false, c) => text.push(c),
            }
        }
        out.push(text);
        out.into_iter()
            .filter(|t| t.chars().any(|c| c.is_alphabetic()))
            .collect()
    }

    /// Issue #20: no English left in templates. Every word a reader sees
    /// comes from the strings file, so a site in another language, or one
    /// that words things its own way, changes a string and not a template.
    #[test]
    fn the_default_templates_have_no_words_of_their_own() {
        let mut found = Vec::new();
        for (name, text) in default_templates() {
            for words in visible_text(text) {
                found.push(format!("{name}: {:?}", words.trim()));
            }
        }
        assert!(
            found.is_empty(),
            "words in templates, not in i18n/en.yaml:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn every_string_a_template_asks_for_exists_and_every_string_is_used() {
        let strings = crate::strings::Strings::default();
        let keys: std::collections::BTreeSet<&str> = strings.keys().collect();
        let mut used = std::collections::BTreeSet::new();
        for (name, text) in default_templates() {
            for part in text.split("t(key=\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                // A key made from a value (`"callout_" ~ callout.kind`):
                // every key with that start is used.
                if part[key.len() + 1..].trim_start().starts_with('~') {
                    assert!(
                        keys.iter().any(|k| k.starts_with(key)),
                        "{name}: no string starts `{key}`"
                    );
                    continue;
                }
                assert!(
                    keys.contains(key),
                    "{name} asks for the string `{key}`, which en.yaml lacks"
                );
                used.insert(key);
            }
        }
        // Strings the Rust code asks for by name (page titles, dates), the
        // kinds of report (`kind_<kind>`) and the built-in statuses
        // (`status_<key>`, `status_<key>_description`).
        let mut rust = String::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    rust.push_str(&std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let unused: Vec<_> = keys
            .iter()
            .filter(|k| {
                !used.contains(*k)
                    && !k.starts_with("kind_")
                    && !k.starts_with("callout_")
                    && !k.starts_with("status_")
                    && !rust.contains(&format!("\"{k}\""))
            })
            .collect();
        assert!(unused.is_empty(), "strings no template uses: {unused:?}");
    }
}
