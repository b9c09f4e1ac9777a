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

use super::ast::{Block, Footnote, NOTES_HEADING_LEVEL};
use super::html::{Renderer, push_ref_id};

/// The words the template takes from the interface strings, escaped, as
/// `t()` writes them: `notes` and `back_to_reference` (with `{number}`).
pub struct FootnoteWords<'a> {
    pub notes: &'a str,
    pub back_to_reference: &'a str,
}

impl Renderer<'_, '_> {
    /// What `templates/components/footnotes.html` of the default theme
    /// writes for `notes`, written straight into the page: the notes' text
    /// is written where it goes, not gathered into a view first.
    pub(super) fn built_in_footnotes(&mut self, notes: &[Footnote], words: &FootnoteWords) {
        let mut level = itoa::Buffer::new();
        let level = level.format(self.level(NOTES_HEADING_LEVEL));
        // Ids are the page's prefix (escaped once, in `prefix`) and words
        // and numbers that need no escaping.
        self.out
            .push_str("<section class=\"footnotes\" role=\"doc-endnotes\" aria-labelledby=\"");
        self.out.push_str(&self.prefix);
        self.out.push_str("footnotes\">\n<h");
        self.out.push_str(level);
        self.out.push_str(" id=\"");
        self.out.push_str(&self.prefix);
        self.out.push_str("footnotes\">");
        self.out.push_str(words.notes);
        self.out.push_str("</h");
        self.out.push_str(level);
        self.out.push_str(">\n<ol>\n");
        for note in notes {
            let mut number = itoa::Buffer::new();
            let number = number.format(note.number);
            self.out.push_str("<li id=\"");
            self.out.push_str(&self.prefix);
            self.out.push_str("fn-");
            self.out.push_str(number);
            self.out.push_str("\">");
            // Back-links go inside the last paragraph when there is one.
            let last = match note.blocks.split_last() {
                Some((Block::Paragraph { content, .. } | Block::Plain(content), before)) => {
                    self.blocks(before);
                    self.out.push_str("<p>");
                    self.inlines(content);
                    self.out.push(' ');
                    true
                }
                _ => {
                    self.blocks(&note.blocks);
                    false
                }
            };
            let several = note.references > 1;
            for occurrence in 1..=note.references {
                let mut n = itoa::Buffer::new();
                let n = n.format(occurrence);
                self.out.push_str("<a class=\"footnote-back\" href=\"#");
                self.out.push_str(&self.prefix);
                push_ref_id(&mut self.out, note.number, occurrence);
                self.out
                    .push_str("\" role=\"doc-backlink\"><span aria-hidden=\"true\">↩");
                if several {
                    self.out.push_str("<sup>");
                    self.out.push_str(n);
                    self.out.push_str("</sup>");
                }
                self.out.push_str("</span><span class=\"visually-hidden\">");
                fill_number(&mut self.out, words.back_to_reference, number);
                if several {
                    self.out.push_str(" (");
                    self.out.push_str(n);
                    self.out.push(')');
                }
                self.out.push_str("</span></a>");
            }
            if last {
                self.out.push_str("</p>");
            }
            self.out.push_str("</li>\n");
        }
        self.out.push_str("</ol>\n</section>\n");
    }
}

/// `text` with each `{number}` replaced by `number`.
fn fill_number(out: &mut String, mut text: &str, number: &str) {
    // Found by its first character: a `str` pattern would build a searcher
    // for every note of every page.
    while let Some(at) = text.find('{') {
        let (before, from) = text.split_at(at);
        out.push_str(before);
        match from.strip_prefix("{number}") {
            Some(rest) => {
                out.push_str(number);
                text = rest;
            }
            None => {
                out.push('{');
                text = &from[1..];
            }
        }
    }
    out.push_str(text);
}
