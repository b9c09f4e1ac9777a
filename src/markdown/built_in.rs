//! The default theme's footnotes, written without the template engine.
//!
//! Every chapter has notes, and each chapter's are written twice (its page
//! and the print edition), so `components/footnotes.html` was the one
//! component template run on nearly every page: through Tera it cost more
//! than the rest of the Markdown writer together (docs/performance.md). When
//! a site uses that template exactly as the default theme ships it, this
//! writes the same bytes directly; a site or theme with its own
//! `components/footnotes.html` gets its template, as any other component.
//! Hugo does the same with its render hooks: its own renderer runs until a
//! site supplies a hook template.
//!
//! The template is the markup's definition. The test
//! `built_in_footnotes_write_what_the_template_writes` renders notes both
//! ways and fails when the two differ, so a change to the template that is
//! not made here too cannot go unnoticed.

use super::components::FootnotesView;
use super::html::esc;

/// The words the template takes from the interface strings, escaped, as
/// `t()` writes them: `notes` and `back_to_reference` (with `{number}`).
pub struct FootnoteWords<'a> {
    pub notes: &'a str,
    pub back_to_reference: &'a str,
}

/// What `templates/components/footnotes.html` of the default theme writes
/// for `view`.
pub fn footnotes(view: &FootnotesView, words: &FootnoteWords, out: &mut String) {
    let mut level = itoa::Buffer::new();
    let level = level.format(view.level);
    out.push_str("<section class=\"footnotes\" role=\"doc-endnotes\" aria-labelledby=\"");
    esc(out, &view.id);
    out.push_str("\">\n<h");
    out.push_str(level);
    out.push_str(" id=\"");
    esc(out, &view.id);
    out.push_str("\">");
    out.push_str(words.notes);
    out.push_str("</h");
    out.push_str(level);
    out.push_str(">\n<ol>\n");
    for note in &view.notes {
        out.push_str("<li id=\"");
        esc(out, &note.id);
        out.push_str("\">");
        out.push_str(&note.blocks);
        if let Some(last) = &note.last {
            out.push_str("<p>");
            out.push_str(last);
            out.push(' ');
        }
        let several = note.backlinks.len() > 1;
        let mut number = itoa::Buffer::new();
        let number = number.format(note.number);
        for b in &note.backlinks {
            let mut occurrence = itoa::Buffer::new();
            let occurrence = occurrence.format(b.occurrence);
            out.push_str("<a class=\"footnote-back\" href=\"");
            esc(out, &b.href);
            out.push_str("\" role=\"doc-backlink\"><span aria-hidden=\"true\">↩");
            if several {
                out.push_str("<sup>");
                out.push_str(occurrence);
                out.push_str("</sup>");
            }
            out.push_str("</span><span class=\"visually-hidden\">");
            fill_number(out, words.back_to_reference, number);
            if several {
                out.push_str(" (");
                out.push_str(occurrence);
                out.push(')');
            }
            out.push_str("</span></a>");
        }
        if note.last.is_some() {
            out.push_str("</p>");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</section>\n");
}

/// `text` with each `{number}` replaced by `number`.
fn fill_number(out: &mut String, text: &str, number: &str) {
    let mut parts = text.split("{number}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for part in parts {
        out.push_str(number);
        out.push_str(part);
    }
}
