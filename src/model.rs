//! The validated model of a site: what every renderer reads.
//!
//! Loading (see [`crate::content`]) produces this once; the HTML pages, the
//! print edition and later outputs are all functions of it. Nothing here is
//! handed to templates directly: [`crate::render::view`] makes serialisable
//! views, so the internal types can change without breaking themes.

use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::markdown::Document;

#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Newest first.
    pub reports: Vec<Report>,
}

#[derive(Debug)]
pub struct Report {
    /// The folder name; also the report's web address.
    pub slug: String,
    /// Site-relative folder, e.g. `content/annual-report-2023`.
    pub dir: String,
    pub meta: ReportMeta,
    pub chapters: Vec<Chapter>,
    /// Files published with the report, relative to its folder.
    pub assets: Vec<String>,
    /// Files in its folder that are not published, and why (see
    /// [`crate::files`]), relative to its folder.
    pub unpublished: Vec<(String, crate::files::Refusal)>,
    /// Its recommendations (or actions, decisions), if it tracks any.
    pub tracker: Tracker,
    /// Its data tables (from `data/*.yaml`), computed.
    pub tables: Vec<std::sync::Arc<crate::table::Table>>,
    /// Corrections made since publication, oldest first.
    pub corrections: Vec<Correction>,
}

/// A change made to a published report, declared in `report.yaml`.
#[derive(Debug, Clone)]
pub struct Correction {
    pub date: Date,
    /// The chapter it affects (an index into `chapters`), if one.
    pub chapter: Option<usize>,
    pub what: String,
    pub why: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ReportMeta {
    pub title: String,
    pub subtitle: Option<String>,
    pub kind: ReportKind,
    pub period: Option<String>,
    pub published: Date,
    pub draft: bool,
    pub owner: Option<String>,
    pub authors: Vec<String>,
    pub summary: Option<String>,
    /// Whether chapters say when they were last updated: only ever for a
    /// change after `published` (report.yaml's `last_updated: false` turns
    /// it off for an archived paper).
    pub last_updated: bool,
    /// Who publishes it: the site's publisher unless report.yaml names
    /// another.
    pub publisher: crate::config::publisher::Publisher,
    /// Its colours: the site's unless report.yaml's `branding:` sets them.
    pub colours: crate::config::Colours,
    /// How deep the PDF's contents go (1 to 3).
    pub contents_depth: u8,
    /// A picture for the PDF cover and the report's home page.
    pub cover: Option<CoverImage>,
    /// report.yaml could not be read (an error says so), so these settings
    /// are stand-ins: warnings about them would be knock-ons of that error.
    pub unreadable: bool,
}

/// report.yaml's `cover:`: a picture in `static/` (published as it is),
/// with its text alternative, empty when it is decoration.
#[derive(Debug, Clone)]
pub struct CoverImage {
    /// The path from the site folder, `static/...`.
    pub image: String,
    pub alt: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    AnnualReport,
    ProgressReport,
    BoardPaper,
    Strategy,
    Other,
}

impl ReportKind {
    pub const ALL: &'static [(&'static str, ReportKind)] = &[
        ("annual report", ReportKind::AnnualReport),
        ("progress report", ReportKind::ProgressReport),
        ("board paper", ReportKind::BoardPaper),
        ("strategy", ReportKind::Strategy),
        ("other", ReportKind::Other),
    ];

    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().to_lowercase().replace(['-', '_'], " ");
        Self::ALL.iter().find(|(n, _)| *n == norm).map(|(_, k)| *k)
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportKind::AnnualReport => "Annual report",
            ReportKind::ProgressReport => "Progress report",
            ReportKind::BoardPaper => "Board paper",
            ReportKind::Strategy => "Strategy",
            ReportKind::Other => "Report",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            ReportKind::AnnualReport => "annual-report",
            ReportKind::ProgressReport => "progress-report",
            ReportKind::BoardPaper => "board-paper",
            ReportKind::Strategy => "strategy",
            ReportKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Chapter {
    pub slug: String,
    /// Site-relative path of the Markdown file.
    pub file: String,
    pub title: String,
    pub order: Option<i64>,
    pub summary: Option<String>,
    pub number: Option<String>,
    pub draft: bool,
    pub doc: Document,
    /// Every id a link may point at (headings, numbered paragraphs, notes).
    pub anchors: std::collections::HashSet<String>,
    /// Byte offset of the Markdown body in the file (after front matter).
    pub body_start: usize,
    /// When the file last changed: from git, else the `updated:` front matter.
    pub updated: Option<Date>,
}

/// The numbered items a report tracks (recommendations, actions, decisions),
/// in natural order of their numbers.
#[derive(Debug)]
pub struct Tracker {
    pub label: ItemLabel,
    pub items: Vec<Recommendation>,
    /// What its items' statuses may be: report.yaml's `statuses:`, the
    /// decisions' words for a report of decisions, else the site's.
    pub statuses: crate::status::Vocabulary,
    /// Some of its items' files could not be read (an error says so): a
    /// link to an item, or a list of them, that then finds nothing is a
    /// knock-on of that error and is not reported again.
    pub unreadable: bool,
}

/// What a report calls its items: "Recommendation", "Action", "Decision".
#[derive(Debug, Clone)]
pub struct ItemLabel {
    pub one: String,
    pub many: String,
    /// The folder of the tracker pages (`recommendations`, `actions`).
    pub dir: String,
}

impl Default for ItemLabel {
    fn default() -> Self {
        ItemLabel {
            one: "Recommendation".into(),
            many: "Recommendations".into(),
            dir: "recommendations".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    /// As written: `3`, `4.2`, `R12`.
    pub number: String,
    /// Its web address inside the tracker folder (`4-2`).
    pub slug: String,
    pub title: String,
    /// The recommendation's own words. Empty when not recorded.
    pub text: Document,
    /// Why the text is missing, when the author says so.
    pub missing_text: Option<String>,
    pub theme: Option<String>,
    pub leads: Vec<String>,
    /// Who works on it with the lead.
    pub partners: Vec<String>,
    pub due: Option<PartialDate>,
    /// Index into the site's status vocabulary.
    pub status: usize,
    /// Newest first.
    pub responses: Vec<Response>,
    /// Some of its responses could not be read (an error says which), so
    /// an empty `responses` is not news.
    pub unreadable_responses: bool,
    /// Where its text was written, for problems found in it later.
    pub origin: DocOrigin,
    /// Where its number was written, for problems with the item itself.
    pub number_at: crate::diagnostics::Span,
    pub previously: Option<ItemRef>,
    pub carried_forward_to: Option<CarriedForward>,
    /// Links to the same item elsewhere, filled in once the whole site is
    /// loaded so that both ends link to each other.
    pub related: Vec<Related>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub date: PartialDate,
    /// A label shown instead of the date ("Quarter 3, 2020/21").
    pub period: Option<String>,
    pub status: usize,
    pub text: Document,
    pub origin: DocOrigin,
}

/// A date that may be only a year or a month, as progress updates often are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i16,
    /// 0 when not given.
    pub month: i8,
    /// 0 when not given.
    pub day: i8,
}

impl PartialDate {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let mut parts = s.split('-');
        let year: i16 = parts.next()?.parse().ok()?;
        let month: i8 = match parts.next() {
            Some(m) => m.parse().ok().filter(|m| (1..=12).contains(m))?,
            None => 0,
        };
        let day: i8 = match parts.next() {
            Some(d) => d.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() || !(1000..=9999).contains(&year) {
            return None;
        }
        if day > 0 {
            Date::new(year, month, day).ok()?;
        }
        Some(PartialDate { year, month, day })
    }

    /// ISO form, as precise as it was written: `2020`, `2020-03`, `2020-03-31`.
    pub fn iso(self) -> String {
        match (self.month, self.day) {
            (0, _) => format!("{:04}", self.year),
            (m, 0) => format!("{:04}-{m:02}", self.year),
            (m, d) => format!("{:04}-{m:02}-{d:02}", self.year),
        }
    }

    /// For readers: `2020`, `March 2020`, `31 March 2020`.
    pub fn long(self) -> String {
        self.long_in(&crate::strings::Strings::default())
    }

    /// For readers, in the words of `strings` (the site's language).
    pub fn long_in(self, strings: &crate::strings::Strings) -> String {
        match (self.month, self.day) {
            (0, _) => self.year.to_string(),
            (m, 0) => strings.month_year(Date::new(self.year, m, 1).unwrap_or_default()),
            (m, d) => strings.date_long(Date::new(self.year, m, d).unwrap_or_default()),
        }
    }
}

/// Where a document came from, so that problems found after parsing
/// (broken links) point at the right line.
#[derive(Debug, Clone)]
pub struct DocOrigin {
    pub file: String,
    pub at: DocStart,
    /// The Markdown of a [`DocStart::Value`] document, to count lines in.
    pub markdown: Option<std::sync::Arc<str>>,
}

#[derive(Debug, Clone, Copy)]
pub enum DocStart {
    /// A Markdown body starting at this byte offset of the file.
    Body(usize),
    /// Markdown inside a YAML or CSV value that starts on this line and
    /// column; offsets inside it count lines from there.
    Value { line: u32, column: u32 },
}

/// `other-report/12`, or `12` in the same report.
#[derive(Debug, Clone)]
pub struct ItemRef {
    pub report: Option<String>,
    pub number: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub struct CarriedForward {
    /// The body that took the work on.
    pub body: String,
    /// The same work as an item of a report in this site, if it is one.
    pub item: Option<ItemRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same item in an earlier report.
    Earlier,
    /// The same item in a later report.
    Later,
    /// The item this one's work was carried forward to.
    CarriedTo,
    /// An item whose work was carried forward to this one.
    CarriedFrom,
}

#[derive(Debug, Clone, Copy)]
pub struct Related {
    pub relation: Relation,
    pub report: usize,
    pub item: usize,
}
