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

#[derive(Debug)]
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
}
