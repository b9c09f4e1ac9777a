//! Markdown: parsing into our document tree and rendering it to HTML.
//!
//! pulldown-cmark stays behind this module: nothing outside it sees its
//! events or types.

pub mod ast;
pub mod components;
pub mod highlight;
pub mod html;
pub mod parse;
pub mod sanitise;

pub use ast::{Document, LinkTarget};
pub use parse::{ParseOptions, Problem, parse};
pub use sanitise::RawHtmlMode;
