//! Raw HTML written in Markdown: shown as text (the default) or, when a site
//! opts in with `markdown: { raw_html: sanitise }`, kept through a small
//! allowlist.
//!
//! Why an allowlist and not "trust the authors": a report's chapters are
//! edited by many people, often pasting from Word or a web page, and an
//! annual report site is a public body's; one pasted `<img onerror>` must not
//! become script on its pages. The allowlist holds only what a report needs
//! and Markdown cannot say: abbreviations, sub/superscript, line breaks,
//! keyboard keys, collapsible details, and `<span lang>` for a phrase in
//! another language. No scripts, no event handlers, no `style`, no URLs at
//! all (so no `javascript:` or `data:`): links are written in Markdown, where
//! rapport checks them.
//!
//! ammonia (html5ever underneath) does the sanitising and stays behind this
//! module: nothing else names it.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// How raw HTML in Markdown is shown (`markdown.raw_html` in site.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RawHtmlMode {
    /// Shown as text, exactly as typed: nothing in a chapter becomes markup.
    #[default]
    Escape,
    /// Allowlisted elements and attributes kept, everything else dropped.
    Sanitise,
}

impl RawHtmlMode {
    /// The spellings site.yaml accepts (both British and American for the
    /// second, as people type either).
    pub fn from_setting(s: &str) -> Option<Self> {
        match s.trim() {
            "escape" => Some(RawHtmlMode::Escape),
            "sanitise" | "sanitize" => Some(RawHtmlMode::Sanitise),
            _ => None,
        }
    }
}

/// The elements kept in sanitise mode, and the attributes each may have.
pub const ALLOWED: &[(&str, &[&str])] = &[
    ("abbr", &["title"]),
    ("b", &[]),
    ("br", &[]),
    ("cite", &[]),
    ("del", &[]),
    ("details", &[]),
    ("dfn", &["title"]),
    ("em", &[]),
    ("i", &[]),
    ("ins", &[]),
    ("kbd", &[]),
    ("mark", &[]),
    ("q", &[]),
    ("s", &[]),
    ("samp", &[]),
    ("small", &[]),
    ("span", &["lang"]),
    ("strong", &[]),
    ("sub", &[]),
    ("summary", &[]),
    ("sup", &[]),
    ("time", &["datetime"]),
    ("u", &[]),
    ("var", &[]),
    ("wbr", &[]),
];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = ALLOWED.iter().map(|(t, _)| *t).collect();
    let attrs: HashMap<&str, HashSet<&str>> = ALLOWED
        .iter()
        .map(|(t, a)| (*t, a.iter().copied().collect()))
        .collect();
    let mut b = ammonia::Builder::empty();
    b.tags(tags)
        .tag_attributes(attrs)
        .generic_attributes(HashSet::new())
        // No element above takes a URL; an empty scheme list makes sure
        // none slips through if one is added later.
        .url_schemes(HashSet::new())
        .link_rel(None)
        .strip_comments(true);
    b
});

/// Sanitises a fragment of HTML: the result is well-formed (every element
/// closed) and holds only allowlisted elements and attributes; the text of
/// dropped elements is kept, except inside `script` and `style`.
pub fn sanitise(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.generic_attributes(HashSet::new()).strip_comments(true);
    b
});

/// The words of a fragment of HTML with every tag removed (and the content
/// of `script` and `style` dropped), for outputs that are not HTML: in
/// sanitise mode the PDF shows what the page's reader reads.
pub fn text_of(html: &str) -> String {
    // ammonia serialises text with these five escapes only.
    TEXT_ONLY
        .clean(html)
        .to_string()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_allowlist() {
        assert_eq!(
            sanitise(r#"<abbr title="World Health Organization">WHO</abbr> H<sub>2</sub>O"#),
            r#"<abbr title="World Health Organization">WHO</abbr> H<sub>2</sub>O"#
        );
        assert_eq!(
            sanitise("<details><summary>More</summary>Text</details>"),
            "<details><summary>More</summary>Text</details>"
        );
    }

    #[test]
    fn drops_script_handlers_styles_and_urls() {
        let out = sanitise(
            r#"<script>alert(1)</script><span onclick="x()" style="color:red" lang="cy">Helo</span><a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)><svg onload=alert(1)></svg>"#,
        );
        assert_eq!(out, r#"<span lang="cy">Helo</span>link"#);
    }

    #[test]
    fn text_of_keeps_only_the_words() {
        assert_eq!(
            text_of("<abbr title=\"x\">A &amp; B</abbr><script>alert(1)</script> &lt;3"),
            "A & B <3"
        );
        assert_eq!(text_of("<sup>"), "");
    }

    #[test]
    fn closes_what_it_opens() {
        assert_eq!(sanitise("<sup>1"), "<sup>1</sup>");
        assert_eq!(sanitise("</sup>"), "");
    }
}
