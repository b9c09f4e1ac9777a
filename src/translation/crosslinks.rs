//! A link in one language that leads into another: an English chapter
//! that links to a Welsh page, or a Welsh one that sends its reader to the
//! English site. Each language's reader should stay in their language, and
//! the switcher is there for going across.
//!
//! Links between a report's files need no care (a Welsh chapter's link to
//! `02-funding.md` goes to the Welsh page); what is caught here is a link
//! written as a full address on the site, or to a translation's file.

use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};

use super::Language;

/// Warns for each link in `text` (the Markdown of `file`, in `lang`) whose
/// target is in another of `all` languages. `base` is the site's address.
pub fn check(
    file: &str,
    text: &str,
    lang: &Language,
    all: &[Language],
    base: &str,
    diags: &Diagnostics,
) {
    let lines = LineIndex::new(text);
    for (offset, target) in link_targets(text) {
        let Some(other) = into_other(target, lang, all, base) else {
            continue;
        };
        let at = lines.position(text, offset);
        diags.push(
            Diagnostic::warning(
                "cross-language-link",
                format!(
                    "this {} text links to `{target}`, which is in {}",
                    lang.name, other.name
                ),
            )
            .in_file(file.to_string())
            .at_line(at.line, at.column)
            .with_hint(format!(
                "link to the page in {} (for a chapter, its original file name, such as `02-funding.md`); readers change language with the switcher",
                lang.name
            )),
        );
    }
}

/// The language, other than `lang`, that `target` leads into.
fn into_other<'a>(
    target: &str,
    lang: &Language,
    all: &'a [Language],
    base: &str,
) -> Option<&'a Language> {
    let file = target.split(['#', '?']).next().unwrap_or(target);
    if let Some(other) = all.iter().skip(1).find(|l| {
        l.suffix != lang.suffix && super::is_translation(file, std::slice::from_ref(&l.suffix))
    }) {
        return Some(other);
    }
    let rest = target.strip_prefix(base).filter(|_| !base.is_empty())?;
    // The language whose folder the address is in: the longest prefix
    // that matches, the one at the root matching everything else.
    let owner = all
        .iter()
        .filter(|l| rest.starts_with(&l.prefix()))
        .max_by_key(|l| l.prefix().len())?;
    (owner.suffix != lang.suffix).then_some(owner)
}

/// Each inline link's or image's target in Markdown (`](target)`), with
/// the byte offset of the target. Code spans and fenced blocks are
/// skipped.
fn link_targets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut fenced = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        } else if !fenced {
            let mut in_code = false;
            let bytes = line.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'`' => in_code = !in_code,
                    b']' if !in_code && bytes.get(i + 1) == Some(&b'(') => {
                        let start = i + 2;
                        if let Some(len) = line[start..].find([')', ' ']) {
                            out.push((line_start + start, &line[start..start + len]));
                            i = start + len;
                            continue;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        line_start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_are_found_outside_code() {
        let t = "See [a](01-a.md) and `[b](x.md)`.\n```\n[c](y.md)\n```\n![d](p.png \"t\")\n";
        let found: Vec<&str> = link_targets(t).into_iter().map(|(_, s)| s).collect();
        assert_eq!(found, ["01-a.md", "p.png"]);
    }
}
