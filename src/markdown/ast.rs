//! The document tree that every output renders from.
//!
//! pulldown-cmark gives a flat stream of events; we fold it once into this
//! tree so that the chapter page, the print edition (and later the PDF) are
//! renderings of the same parsed document rather than re-parses or HTML glued
//! together. Transformations that need to see the whole chapter (heading ids,
//! paragraph numbers, footnote numbers, link resolution) are passes over it.

use serde::Serialize;

mod walk;
pub use walk::{Walk, for_each_inline_mut, walk_blocks, walk_blocks_mut, walk_inlines};

/// Charts are drawn by [`crate::chart`], which owns their data.
pub use crate::chart::{ChartBar, ChartBlock, ChartKind};

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Footnotes in the order they are first referenced (their numbering order).
    pub footnotes: Vec<Footnote>,
}

/// The level of the heading ("Notes") that a chapter's footnotes are listed
/// under: a heading or a case study in a note follows it.
pub const NOTES_HEADING_LEVEL: u8 = 2;

#[derive(Debug, Clone)]
pub struct Footnote {
    pub label: String,
    pub number: usize,
    pub blocks: Vec<Block>,
    /// How many times the note is referenced (one back-link each).
    pub references: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub enum Block {
    Heading {
        level: u8,
        id: String,
        classes: Vec<String>,
        /// Section number in a numbered chapter ("3").
        number: Option<String>,
        content: Vec<Inline>,
        /// Byte offset in the chapter body, for diagnostics.
        offset: usize,
    },
    Paragraph {
        /// Paragraph number in a numbered chapter ("3.2").
        number: Option<String>,
        content: Vec<Inline>,
    },
    /// Inline content directly inside a tight list item or definition.
    Plain(Vec<Inline>),
    List {
        ordered: bool,
        start: u64,
        items: Vec<ListItem>,
    },
    BlockQuote(Vec<Block>),
    Component(Box<Component>),
    Code {
        lang: Option<String>,
        code: String,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        /// Byte offset in the chapter body, for diagnostics.
        offset: usize,
    },
    DefinitionList(Vec<Definition>),
    /// A report's tracked items, listed where a `[!RECOMMENDATIONS]` or
    /// `[!ACTIONS]` component stood (filled in once the items are loaded).
    Tracker(Box<TrackerList>),
    /// A data table placed by `[!TABLE]`, its figures computed.
    DataTable(Box<DataTableBlock>),
    /// A chart placed by `[!CHART]`, as SVG with a text alternative.
    Chart(Box<ChartBlock>),
    Rule,
    /// Raw HTML from the source, shown as text (never run).
    RawHtml(String),
}

#[derive(Debug, Clone)]
pub struct ListItem {
    pub task: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Definition {
    Term(Vec<Inline>),
    Details(Vec<Block>),
}

/// A report component written as `> [!KIND] title`.
#[derive(Debug, Clone)]
pub struct Component {
    pub kind: ComponentKind,
    pub title: Vec<Inline>,
    pub body: Vec<Block>,
    /// Quote attribution (the last `-- who` paragraph).
    pub attribution: Option<Vec<Inline>>,
    /// An id for components that carry a heading (case studies).
    pub id: String,
    /// The heading level for components with a heading, chosen so that
    /// heading levels never skip.
    pub heading_level: u8,
    /// Byte offset of the component in the chapter body, for diagnostics.
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct DataTableBlock {
    /// The figure's id in the chapter (`table-funding`), so a search result
    /// or a link can point at the table itself.
    pub id: String,
    pub caption: String,
    pub heads: Vec<DataHead>,
    pub rows: Vec<Vec<DataCell>>,
    /// Which rows are subtotals (parallel to `rows`).
    pub subtotal: Vec<bool>,
    /// For each row with no figure at all, the shorthand its cells give
    /// (parallel to `rows`): shown as one cell across the row.
    pub no_figures: Vec<Option<crate::table::Shorthand>>,
    /// The shorthands the table uses, once each, for the key below it.
    pub shorthands: Vec<crate::table::Shorthand>,
    /// Whether the total leaves out figures that are not given.
    pub total_leaves_out: bool,
    /// The total row, shown last and marked as such.
    pub total: Option<Vec<DataCell>>,
    pub source: Option<String>,
    /// Notes under the table: footnotes on cells (numbered), conventions
    /// of computed columns, accepted disagreements.
    pub cell_notes: Vec<String>,
    pub notes: Vec<String>,
    /// Links to the table's open-data files.
    pub downloads: Vec<Inline>,
    /// How the table fits a phone's screen (`layout:`).
    pub layout: TableLayout,
}

/// How a data table fits a screen narrower than itself: its rows scroll
/// sideways under fixed row labels, or each row becomes a card of
/// labelled figures. `Auto` chooses from the table's shape when the page
/// is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TableLayout {
    #[default]
    Auto,
    Scroll,
    Stacked,
}

#[derive(Debug, Clone)]
pub struct DataHead {
    pub label: String,
    pub unit: Option<String>,
    pub numeric: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DataCell {
    pub text: String,
    pub numeric: bool,
    /// What a screen reader should hear instead (direction arrows).
    pub spoken: Option<String>,
    /// `good`, `bad` or empty, for direction colours.
    pub tone: &'static str,
    /// The number of the cell's note in `cell_notes`.
    pub note: Option<usize>,
    /// The shorthand the cell is, or that marks its figure (`[x]`, `12 [u]`).
    pub shorthand: Option<crate::table::Shorthand>,
    /// For a marked figure, the figure without its mark (`12`), for
    /// screen readers, which hear the mark's meaning instead.
    pub figure: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackerStyle {
    /// Number, title, lead and status, one row each.
    Table,
    /// A summary of actions: one table per theme, action and lead.
    Actions,
}

#[derive(Debug, Clone)]
pub struct TrackerList {
    pub style: TrackerStyle,
    /// The component's title, if any ("Recommendations carried forward").
    pub caption: Vec<Inline>,
    /// What the report calls one item ("Recommendation", "Action").
    pub item_label: String,
    pub groups: Vec<TrackerGroup>,
    /// Heading level for group titles (actions grouped by theme).
    pub heading_level: u8,
}

#[derive(Debug, Clone)]
pub struct TrackerGroup {
    /// The theme, for grouped lists.
    pub title: Option<String>,
    pub id: String,
    pub rows: Vec<TrackerRow>,
}

#[derive(Debug, Clone)]
pub struct TrackerRow {
    pub number: String,
    /// The title, as a link to the item's page.
    pub title: Vec<Inline>,
    pub leads: String,
    pub status_key: String,
    pub status_label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CalloutKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl CalloutKind {
    /// The kind as a class name (`warning`).
    pub fn key(self) -> &'static str {
        match self {
            CalloutKind::Note => "note",
            CalloutKind::Tip => "tip",
            CalloutKind::Important => "important",
            CalloutKind::Warning => "warning",
            CalloutKind::Caution => "caution",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CalloutKind::Note => "Note",
            CalloutKind::Tip => "Tip",
            CalloutKind::Important => "Important",
            CalloutKind::Warning => "Warning",
            CalloutKind::Caution => "Caution",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentKind {
    Callout(CalloutKind),
    CaseStudy,
    Quote,
    Signature,
    Stat,
    /// A correction notice with its date (YYYY-MM-DD).
    Correction(String),
    /// A list of the report's recommendations; the body holds filters.
    Recommendations,
    /// A summary-of-actions table grouped by theme; the body holds filters.
    Actions,
    /// A data table; the title names it, the body holds options.
    Table,
    /// A chart of a data table's column; the title names the table.
    Chart,
}

impl ComponentKind {
    pub const MARKERS: &'static [&'static str] = &[
        "NOTE",
        "TIP",
        "IMPORTANT",
        "WARNING",
        "CAUTION",
        "CASE-STUDY",
        "QUOTE",
        "SIGNATURE",
        "STAT",
        "CORRECTION",
        "RECOMMENDATIONS",
        "ACTIONS",
        "TABLE",
        "CHART",
    ];

    pub fn class(&self) -> &'static str {
        match self {
            ComponentKind::Callout(_) => "callout",
            ComponentKind::CaseStudy => "case-study",
            ComponentKind::Quote => "quote",
            ComponentKind::Signature => "signature",
            ComponentKind::Stat => "stat",
            ComponentKind::Correction(_) => "correction",
            ComponentKind::Recommendations | ComponentKind::Actions => "tracker",
            ComponentKind::Table | ComponentKind::Chart => "data",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Link {
    pub dest: String,
    pub title: String,
    pub content: Vec<Inline>,
    pub target: LinkTarget,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub struct Image {
    pub src: String,
    pub alt: String,
    pub title: String,
    pub target: LinkTarget,
    pub size: Option<(u32, u32)>,
    pub offset: usize,
}

#[derive(Debug, Clone)]
pub enum Inline {
    Text(String),
    Code(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    Superscript(Vec<Inline>),
    Subscript(Vec<Inline>),
    /// Boxed, as is [`Inline::Image`]: they are the largest inlines and
    /// among the rarest, and unboxed they made every inline (most are a
    /// word or two of text) as large as a link; a document tree is most of
    /// the memory a large build needs (docs/performance.md).
    Link(Box<Link>),
    Image(Box<Image>),
    FootnoteRef {
        label: String,
        /// Filled in when footnotes are numbered.
        number: usize,
        /// 1 for the first reference to a note, 2 for the second...
        occurrence: usize,
        offset: usize,
    },
    /// A task-list checkbox; moved onto its list item after parsing.
    TaskMarker(bool),
    SoftBreak,
    HardBreak,
    /// Raw inline HTML, shown as text.
    RawHtml(String),
}

/// Where a link goes, once the site's chapters are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Not yet resolved (right after parsing).
    Unresolved,
    /// Another site or a `mailto:`; left as written.
    External,
    /// A heading or paragraph on the same page (`#funding`).
    Fragment(String),
    /// A chapter of some report, and optionally a heading in it.
    Chapter {
        report: usize,
        chapter: usize,
        fragment: Option<String>,
    },
    /// A report's home page (`../other-report/report.yaml` or the folder).
    Report { report: usize },
    /// A tracked item (recommendation, action) of some report.
    Item { report: usize, item: usize },
    /// A file published with a report (an image, a PDF download).
    Asset { report: usize, path: String },
    /// Not a link: words in another language (`[Senedd Cymru](lang:cy)`),
    /// marked so that screen readers pronounce them in it.
    Language(String),
}

/// The plain text of inline content (for alt text, slugs, titles).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    push_plain(inlines, &mut s);
    s
}

fn push_plain(inlines: &[Inline], s: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) | Inline::RawHtml(t) => s.push_str(t),
            Inline::Emphasis(c)
            | Inline::Strong(c)
            | Inline::Strikethrough(c)
            | Inline::Superscript(c)
            | Inline::Subscript(c) => push_plain(c, s),
            Inline::Link(l) => push_plain(&l.content, s),
            Inline::Image(i) => s.push_str(&i.alt),
            Inline::SoftBreak | Inline::HardBreak => s.push(' '),
            Inline::FootnoteRef { .. } | Inline::TaskMarker(_) => {}
        }
    }
}
