//! What pagefind would throw away, left out before it reads the page.
//!
//! Pagefind parses every element of a page, running its handlers on each,
//! even on elements whose words it then discards. On a chapter page the
//! report's contents list alone has more elements than the chapter, so most
//! of the indexer's time went on markup that never reached the index
//! (docs/performance.md has the figures). An element marked
//! `data-pagefind-ignore="all"` gives the index nothing: not its words, ids,
//! headings, metadata or filters. So the copy of a page the indexer reads
//! leaves such elements out, and the index is the one the whole page gives
//! (tests/it/search.rs checks it on the example site, byte for byte).
//!
//! Pagefind does count the elements with ids inside an excluded element,
//! but only to key its own tables while it reads: the index holds each
//! heading's id, never that count (a test in `search` checks it).
//!
//! The scan is textual, over the HTML rapport's templates write: an element
//! is cut only when its end tag is found by counting the start and end tags
//! of its name (comments and script or style text skipped), and it holds no
//! `data-pagefind-body`. Anything else is left for pagefind to read.

use memchr::memmem;

use super::BODY_MARK;

/// The attribute as the themes write it. Other spellings (`'all'`, `all`)
/// mean the same to pagefind and are simply left for it to read.
const MARK: &[u8] = b"data-pagefind-ignore=\"all\"";

/// Elements with no end tag: never cut, as they hold nothing.
const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
    b"source", b"track", b"wbr",
];

/// `html` without the elements marked `data-pagefind-ignore="all"`.
pub fn without_excluded(html: String) -> String {
    let bytes = html.as_bytes();
    let finder = memmem::Finder::new(MARK);
    let mut kept = String::new();
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = finder.find(&bytes[from..]) {
        let at = from + found;
        from = at + MARK.len();
        let Some(open) = start_of_tag(bytes, copied, at) else {
            continue;
        };
        let name = tag_name(&bytes[open + 1..]);
        if name.is_empty() || VOID.contains(&name) {
            continue;
        }
        let Some(end) = end_of_element(bytes, open, name) else {
            continue;
        };
        if memmem::find(&bytes[open..end], BODY_MARK).is_some() {
            continue;
        }
        kept.push_str(&html[copied..open]);
        copied = end;
        from = end;
    }
    if copied == 0 {
        return html;
    }
    kept.push_str(&html[copied..]);
    kept
}

/// The `<` of the start tag that holds the attribute at `at`, if `at` is
/// inside a tag that begins at or after `from` (not in the text after one).
fn start_of_tag(bytes: &[u8], from: usize, at: usize) -> Option<usize> {
    let open = from + bytes[from..at].iter().rposition(|&b| b == b'<')?;
    (!bytes[open..at].contains(&b'>')).then_some(open)
}

fn tag_name(after_lt: &[u8]) -> &[u8] {
    let len = after_lt
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    &after_lt[..len]
}

/// Where the element whose start tag begins at `open` ends: just past its
/// end tag, found by counting nested elements of the same name.
fn end_of_element(bytes: &[u8], open: usize, name: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    loop {
        let rest = &bytes[at..];
        let lt = at + memchr::memchr(b'<', rest)?;
        let tag = &bytes[lt + 1..];
        if tag.starts_with(b"!--") {
            at = lt + 4 + memmem::find(&tag[3..], b"-->")? + 3;
            continue;
        }
        let (closing, tag) = match tag.strip_prefix(b"/") {
            Some(t) => (true, t),
            None => (false, tag),
        };
        let this = tag_name(tag);
        let gt = lt + memchr::memchr(b'>', &bytes[lt..])?;
        at = gt + 1;
        if !closing && (this == b"script" || this == b"style") {
            let close = [b"</".as_slice(), this].concat();
            at += memmem::find(&bytes[at..], &close)?;
            continue;
        }
        if this != name {
            continue;
        }
        if closing {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return Some(at);
            }
        } else {
            depth += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::without_excluded;

    fn cut(html: &str) -> String {
        without_excluded(html.to_string())
    }

    #[test]
    fn a_marked_element_goes_with_everything_inside_it() {
        assert_eq!(
            cut(r#"<p>a</p><nav data-pagefind-ignore="all"><ol><li>x</li></ol></nav><p>b</p>"#),
            "<p>a</p><p>b</p>"
        );
    }

    #[test]
    fn nested_elements_of_the_same_name_are_counted() {
        assert_eq!(
            cut(r#"<div data-pagefind-ignore="all"><div><div></div></div></div><div>kept</div>"#),
            "<div>kept</div>"
        );
    }

    #[test]
    fn comments_and_scripts_do_not_confuse_the_count() {
        assert_eq!(
            cut(
                r#"<nav data-pagefind-ignore="all"><!-- </nav> --><script>"</nav>"</script></nav>after"#
            ),
            "after"
        );
    }

    #[test]
    fn an_element_holding_the_body_is_kept() {
        let html = r#"<div data-pagefind-ignore="all"><main data-pagefind-body>x</main></div>"#;
        assert_eq!(cut(html), html);
    }

    #[test]
    fn an_element_with_no_end_is_left_for_pagefind() {
        let html = r#"<nav data-pagefind-ignore="all"><ol></ol>"#;
        assert_eq!(cut(html), html);
    }

    #[test]
    fn the_mark_in_text_or_other_spellings_is_left_alone() {
        for html in [
            r#"<p>write data-pagefind-ignore="all" on it</p>"#,
            r#"<nav data-pagefind-ignore='all'>x</nav>"#,
            r#"<nav data-pagefind-ignore>x</nav>"#,
        ] {
            assert_eq!(cut(html), html);
        }
    }

    #[test]
    fn a_void_element_is_never_cut() {
        let html = r#"<img data-pagefind-ignore="all" src="a.png"><p>x</p>"#;
        assert_eq!(cut(html), html);
    }
}
