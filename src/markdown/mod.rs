//! Markdown: parsing into our document tree and rendering it to HTML.
//!
//! pulldown-cmark stays behind this module: nothing outside it sees its
//! events or types.

pub mod ast;
pub mod built_in;
pub mod components;
pub mod highlight;
pub mod html;
pub mod parse;
pub mod sanitise;

pub use ast::{Document, LinkTarget};
pub use parse::{ParseOptions, Problem, parse};
pub use sanitise::RawHtmlMode;

/// The anchor of a numbered paragraph (`4.5` → `para-4-5`): its id on the
/// web page and its label in the PDF, so a link to it works in both.
pub fn paragraph_anchor(number: &str) -> String {
    format!("para-{}", number.replace('.', "-"))
}
