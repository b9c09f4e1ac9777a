//! What each report component hands its theme template.
//!
//! The HTML writer builds one of these views per component and a
//! [`ComponentWriter`] (the theme's `templates/components/<name>.html`)
//! writes the markup, so a theme changes a component's markup by overriding
//! one file. Nested content (a callout's paragraphs, a cell's links) is
//! rendered by the writer first and passed as HTML, like a Hugo render
//! hook's `.Inner`: fields documented "HTML" must be written with `| safe`.
//!
//! docs/themes.md ("Component templates") documents every field; keep the
//! two in step.

use serde::Serialize;

use crate::diagnostics::Diagnostic;

/// Writes a component's markup. The theme's templates implement it
/// (`crate::render::templates::Templates`); the Markdown writer only knows
/// this trait, so it does not depend on the template engine.
pub trait ComponentWriter {
    /// Appends the markup of `view` to `out`, or says why it could not.
    fn write(&self, view: &ComponentView, out: &mut String) -> Result<(), Diagnostic>;

    /// An interface string with no places, escaped for HTML: the few
    /// words the writer puts in markup that is not a component (what a
    /// screen reader hears before a footnote number or a task's box).
    fn word(&self, key: &str) -> &str;

    /// The words for [`super::built_in::footnotes`] when the site's
    /// `components/footnotes.html` is the default theme's, unchanged, so the
    /// notes can be written without running it; `None` runs the template.
    fn built_in_footnotes(&self) -> Option<super::built_in::FootnoteWords<'_>> {
        None
    }
}

/// One component, ready for its template. Serialised as the inner view, so
/// the template sees the view's fields under [`ComponentView::variable`].
#[derive(Serialize)]
#[serde(untagged)]
pub enum ComponentView<'a> {
    Callout(CalloutView<'a>),
    CaseStudy(CaseStudyView),
    Quote(QuoteView),
    Signature(SignatureView),
    Stat(StatView),
    Correction(CorrectionView),
    DataTable(DataTableView<'a>),
    Chart(ChartView<'a>),
    TrackerList(TrackerListView<'a>),
    Status(StatusView<'a>),
    Footnotes(FootnotesView),
}

impl ComponentView<'_> {
    /// The template's name under the theme's `templates/`.
    pub fn template(&self) -> &'static str {
        match self {
            ComponentView::Callout(_) => "components/callout.html",
            ComponentView::CaseStudy(_) => "components/case-study.html",
            ComponentView::Quote(_) => "components/quote.html",
            ComponentView::Signature(_) => "components/signature.html",
            ComponentView::Stat(_) => "components/stat.html",
            ComponentView::Correction(_) => "components/correction.html",
            ComponentView::DataTable(_) => "components/data-table.html",
            ComponentView::Chart(_) => "components/chart.html",
            ComponentView::TrackerList(_) => "components/tracker-list.html",
            ComponentView::Status(_) => "components/status.html",
            ComponentView::Footnotes(_) => "components/footnotes.html",
        }
    }

    /// The name the template reads the view by (`{{ callout.title }}`).
    pub fn variable(&self) -> &'static str {
        match self {
            ComponentView::Callout(_) => "callout",
            ComponentView::CaseStudy(_) => "case_study",
            ComponentView::Quote(_) => "quote",
            ComponentView::Signature(_) => "signature",
            ComponentView::Stat(_) => "stat",
            ComponentView::Correction(_) => "correction",
            ComponentView::DataTable(_) => "table",
            ComponentView::Chart(_) => "chart",
            ComponentView::TrackerList(_) => "list",
            ComponentView::Status(_) => "status",
            ComponentView::Footnotes(_) => "footnotes",
        }
    }
}

/// `> [!NOTE]` and the other GitHub-style alerts.
#[derive(Serialize)]
pub struct CalloutView<'a> {
    /// `note`, `tip`, `important`, `warning` or `caution`.
    pub kind: &'static str,
    /// The kind in words (`Note`), the title when the author gave none.
    pub label: &'a str,
    /// HTML: the author's title, or empty.
    pub title: String,
    /// HTML: the callout's blocks.
    pub body: String,
}

#[derive(Serialize)]
pub struct CaseStudyView {
    /// The heading's id, with the page's prefix.
    pub id: String,
    /// Heading level, 1 to 6, already shifted for the print edition.
    pub level: u8,
    /// HTML: the title.
    pub title: String,
    /// HTML: the blocks.
    pub body: String,
}

#[derive(Serialize)]
pub struct QuoteView {
    /// HTML: the quoted blocks.
    pub body: String,
    /// HTML: who said it, or none.
    pub attribution: Option<String>,
}

#[derive(Serialize)]
pub struct SignatureView {
    pub blocks: Vec<SignatureBlock>,
}

/// A paragraph of a signature (its lines: a name, then roles), or any
/// other block as it is.
#[derive(Serialize)]
pub struct SignatureBlock {
    /// HTML, one per line of the paragraph; empty for another block.
    pub lines: Vec<String>,
    /// HTML of a block that is not a paragraph; empty for a paragraph.
    pub html: String,
}

#[derive(Serialize)]
pub struct StatView {
    /// HTML: the figure (`£2.4m`).
    pub figure: String,
    /// HTML: the blocks that explain it.
    pub label: String,
}

#[derive(Serialize)]
pub struct CorrectionView {
    /// The date of the correction, or none when it is not a valid date.
    pub date: Option<DateView>,
    /// HTML: the blocks.
    pub body: String,
}

#[derive(Serialize)]
pub struct DateView {
    /// `2024-03-01`
    pub iso: String,
    /// `1 March 2024`
    pub display: String,
}

#[derive(Serialize)]
pub struct DataTableView<'a> {
    /// The figure's id with the page's prefix; none when the table is
    /// placed twice on a page (ids stay unique).
    pub id: Option<String>,
    /// The table's number on the page (`Table 3`), counted with the other
    /// tables and charts.
    pub number: usize,
    pub caption: &'a str,
    /// The id of the caption, which is shown above the scrolling region so
    /// a phone never clips it, and names the table (`aria-labelledby`).
    pub caption_id: String,
    /// Too wide for the text column: the table may take the page's width.
    pub wide: bool,
    /// On a phone, each row is shown as a card of labelled figures
    /// (`layout: stacked`, or chosen for a wide table of words).
    pub stacked: bool,
    pub heads: &'a [DataHeadView<'a>],
    pub rows: Vec<DataRowView<'a>>,
    pub total: Option<DataRowView<'a>>,
    pub source: Option<&'a str>,
    /// Footnotes on cells, in number order.
    pub cell_notes: &'a [String],
    pub notes: &'a [String],
    /// HTML: links to the table's open-data files, or empty.
    pub downloads: String,
    /// The shorthands the table uses (`[x]`), for a key below it.
    pub shorthands: Vec<ShorthandView>,
    /// Whether the total leaves out figures that are not given.
    pub total_leaves_out: bool,
}

/// A statistician's shorthand for a figure not given.
#[derive(Serialize)]
pub struct ShorthandView {
    /// As printed: `[x]`, `[c]`, `-`.
    pub symbol: &'static str,
    /// Its meaning's interface string: `shorthand_x` ("not available").
    pub meaning: &'static str,
}

impl ShorthandView {
    pub fn of(s: crate::table::Shorthand) -> ShorthandView {
        ShorthandView {
            symbol: s.symbol(),
            meaning: s.meaning_key(),
        }
    }
}

#[derive(Serialize)]
pub struct DataHeadView<'a> {
    pub label: &'a str,
    pub unit: Option<&'a str>,
    pub numeric: bool,
}

#[derive(Serialize)]
pub struct DataRowView<'a> {
    /// `subtotal`, `total` or empty.
    pub class: &'static str,
    pub cells: Vec<DataCellView<'a>>,
    /// For a row with no figure at all, why: its first cell is written, then
    /// one cell across the rest of the row.
    pub no_figures: Option<ShorthandView>,
}

#[derive(Serialize)]
pub struct DataCellView<'a> {
    pub text: &'a str,
    pub numeric: bool,
    /// What a screen reader should hear instead of `text` (arrows), or none.
    pub spoken: Option<&'a str>,
    /// `good`, `bad` or empty.
    pub tone: &'static str,
    /// The number of the cell's note in `cell_notes`, or none.
    pub note: Option<usize>,
    /// The shorthand the cell is or is marked with, or none: the screen
    /// reader hears its meaning instead of the symbol.
    pub shorthand: Option<ShorthandView>,
    /// A marked figure without its mark (`12` of `12 [u]`), or none.
    pub figure: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ChartView<'a> {
    /// The drawing's id, with the page's prefix.
    pub id: String,
    pub title: &'a str,
    /// HTML: the SVG drawing (and, for a stacked chart, its legend).
    pub svg: String,
    /// The figures, for the table beside the drawing.
    pub bars: Vec<ChartBarView<'a>>,
    pub source: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ChartBarView<'a> {
    pub label: &'a str,
    /// The value as written in the data (`£1.2m`).
    pub display: &'a str,
}

#[derive(Serialize)]
pub struct TrackerListView<'a> {
    /// True for `[!ACTIONS]` (one table per theme), false for
    /// `[!RECOMMENDATIONS]`.
    pub grouped: bool,
    /// HTML: the component's title, or empty.
    pub caption: String,
    /// The title as plain text, for accessible names.
    pub caption_text: String,
    /// What the report calls one item (`Recommendation`).
    pub item_label: &'a str,
    /// Heading level of group titles, already shifted for the print edition.
    pub level: u8,
    /// True when no item matches the list's filters.
    pub empty: bool,
    pub groups: Vec<TrackerGroupView<'a>>,
}

#[derive(Serialize)]
pub struct TrackerGroupView<'a> {
    /// The theme, for grouped lists; none otherwise.
    pub title: Option<&'a str>,
    /// The group heading's id, with the page's prefix.
    pub id: String,
    /// The table's number on the page (`Table 2`).
    pub number: usize,
    pub rows: Vec<TrackerRowView<'a>>,
}

#[derive(Serialize)]
pub struct TrackerRowView<'a> {
    pub number: &'a str,
    /// HTML: the title, a link to the item's page.
    pub title: String,
    pub leads: &'a str,
    pub status: StatusView<'a>,
}

/// A status badge; the pages' templates pass the same `{key, label}`.
#[derive(Serialize)]
pub struct StatusView<'a> {
    pub key: &'a str,
    pub label: &'a str,
}

#[derive(Serialize)]
pub struct FootnotesView {
    /// The section heading's id, with the page's prefix.
    pub id: String,
    /// Heading level, already shifted for the print edition.
    pub level: u8,
    pub notes: Vec<FootnoteView>,
}

#[derive(Serialize)]
pub struct FootnoteView {
    pub number: usize,
    /// The note's id (`fn-1`, with the page's prefix).
    pub id: String,
    /// HTML: the note's blocks, less the last paragraph when `last` holds it.
    pub blocks: String,
    /// HTML: the inlines of the note's last paragraph, where the back-links
    /// go; none when the note does not end with a paragraph.
    pub last: Option<String>,
    /// One per reference to the note in the text.
    pub backlinks: Vec<BacklinkView>,
}

#[derive(Serialize)]
pub struct BacklinkView {
    /// `#fnref-1`, or `#fnref-1-2` for the second reference.
    pub href: String,
    /// Which reference this is, from 1.
    pub occurrence: usize,
}
