//! A report's document trees, flattened into what a word processor has:
//! styled paragraphs of formatted runs, tables, footnotes and pictures.
//!
//! Both editions are written from this one form, so an ODT and a .docx of
//! one report cannot disagree about what the report says; each writer only
//! spells it in its own format's XML. It is made from the same trees as
//! the web pages and the PDF, in the PDF's order: the title page, the
//! corrections, every chapter, then the tracked items.

use crate::markdown::ast::*;
use crate::model::{Report, Site};
use crate::routes::Routes;
use crate::vfs::FileSystem;

/// A whole report, ready to be written.
pub struct Doc {
    pub meta: Meta,
    pub body: Vec<Part>,
    /// Every picture, each file once, in the order first shown.
    pub pictures: Vec<Picture>,
    /// How many lists there are (each numbered from its own start).
    pub lists: Vec<ListKind>,
}

/// The document's properties.
pub struct Meta {
    pub title: String,
    pub subject: Option<String>,
    pub description: Option<String>,
    /// The authors, or the report's owner, or its publisher.
    pub creator: String,
    pub publisher: String,
    /// `en-GB`.
    pub language: String,
    /// The publication date: also every timestamp in the package, so the
    /// same report always gives the same bytes.
    pub date: jiff::civil::Date,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ListKind {
    pub ordered: bool,
    pub start: u64,
    pub level: u8,
}

pub enum Part {
    Para(Para),
    Table(Table),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    Body,
    Title,
    Subtitle,
    /// 1 to 6: a chapter is 1, its sections 2 and below.
    Heading(u8),
    Quote,
    Code,
    /// A table's caption and the notes under it.
    Caption,
}

pub struct Para {
    pub style: Style,
    pub runs: Vec<Run>,
    /// The list it is an item of (an index into [`Doc::lists`]), and
    /// whether it starts the item (a second paragraph of an item does not).
    pub list: Option<(usize, bool)>,
}

impl Para {
    pub fn new(style: Style, runs: Vec<Run>) -> Para {
        Para {
            style,
            runs,
            list: None,
        }
    }

    fn text(style: Style, text: impl Into<String>) -> Para {
        Para::new(style, vec![Run::text(text, Fmt::default())])
    }
}

pub struct Table {
    pub caption: Option<String>,
    pub head: Vec<Vec<Para>>,
    pub rows: Vec<Vec<Vec<Para>>>,
    /// The columns of figures, aligned right.
    pub right: Vec<bool>,
}

/// How a run of text looks.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Fmt {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub strike: bool,
    pub sup: bool,
    pub sub: bool,
}

pub enum Run {
    Text(String, Fmt),
    Link(String, Vec<Run>),
    /// A footnote, with its paragraphs.
    Note(Vec<Para>),
    /// An index into [`Doc::pictures`].
    Picture(usize),
    Break,
}

impl Run {
    fn text(text: impl Into<String>, fmt: Fmt) -> Run {
        Run::Text(text.into(), fmt)
    }
}

/// A picture file and what it shows.
pub struct Picture {
    /// Its name in the package (`image1.png`).
    pub name: String,
    /// The file in the site it was read from.
    source: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
    pub alt: String,
    /// Width and height in pixels, when known.
    pub size: Option<(u32, u32)>,
}

impl Picture {
    /// Its size on the page in millimetres: as on a screen at 96 pixels to
    /// the inch, no wider than the text (160 mm) nor taller than 220 mm.
    pub fn size_mm(&self) -> (f64, f64) {
        let (w, h) = self.size.unwrap_or((640, 400));
        let (w, h) = (w.max(1) as f64 * 25.4 / 96.0, h.max(1) as f64 * 25.4 / 96.0);
        let scale = (160.0 / w).min(220.0 / h).min(1.0);
        (w * scale, h * scale)
    }
}

/// What a picture file is, when a word processor can show it.
fn mime_of(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let ext = lower.rsplit('.').next()?;
    Some(match ext {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        _ => return None,
    })
}

/// Report `ri` of `site` as a [`Doc`].
pub fn report(fs: &dyn FileSystem, site: &Site, routes: &Routes, ri: usize) -> Doc {
    let r = &site.reports[ri];
    let mut b = Builder {
        fs,
        site,
        routes,
        report: r,
        body: Vec::new(),
        pictures: Vec::new(),
        lists: Vec::new(),
        notes: &[],
        chapter: None,
        last_level: 1,
        placed: Default::default(),
    };
    b.title_page();
    for (ci, c) in r.chapters.iter().enumerate() {
        let title = match &c.number {
            Some(n) => format!("{n} {}", c.title),
            None => c.title.clone(),
        };
        b.body
            .push(Part::Para(Para::text(Style::Heading(1), title)));
        b.notes = &c.doc.footnotes;
        b.chapter = Some(ci);
        b.last_level = 1;
        b.blocks(&c.doc.blocks, None);
    }
    b.chapter = None;
    b.items();
    Doc {
        meta: meta(site, r),
        body: b.body,
        pictures: b.pictures,
        lists: b.lists,
    }
}

fn meta(site: &Site, r: &Report) -> Meta {
    let m = &r.meta;
    let creator = if m.authors.is_empty() {
        m.owner.clone().unwrap_or_else(|| m.publisher.name.clone())
    } else {
        m.authors.join("; ")
    };
    Meta {
        title: m.title.clone(),
        subject: m.subtitle.clone().or_else(|| m.period.clone()),
        description: m.summary.clone(),
        creator,
        publisher: m.publisher.name.clone(),
        language: site.config.language.clone(),
        date: m.published,
    }
}

struct Builder<'a> {
    fs: &'a dyn FileSystem,
    site: &'a Site,
    routes: &'a Routes,
    report: &'a Report,
    body: Vec<Part>,
    pictures: Vec<Picture>,
    lists: Vec<ListKind>,
    /// The footnotes of the text being written.
    notes: &'a [Footnote],
    /// The chapter being written, for links to its own headings.
    chapter: Option<usize>,
    /// The last heading level written: a skip in the source (a `check`
    /// warning) is closed up, so the outline has no gaps.
    last_level: u8,
    /// The notes placed, by their text's list of notes and number: a note
    /// referred to twice is written once.
    placed: std::collections::HashSet<(usize, usize)>,
}

/// Where the paragraphs of a list item go: the list, and whether the next
/// paragraph starts the item.
type InList = Option<(usize, bool)>;

impl<'a> Builder<'a> {
    fn word(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.site
            .config
            .strings
            .format(key, None, args)
            .unwrap_or_default()
    }

    fn push(&mut self, mut p: Para, list: &mut InList) {
        if let Some((l, first)) = list {
            p.list = Some((*l, *first));
            *first = false;
        }
        self.body.push(Part::Para(p));
    }

    /// The cover's facts as paragraphs, and the corrections.
    fn title_page(&mut self) {
        let m = &self.report.meta;
        self.body
            .push(Part::Para(Para::text(Style::Title, m.title.clone())));
        if let Some(s) = &m.subtitle {
            self.body
                .push(Part::Para(Para::text(Style::Subtitle, s.clone())));
        }
        let strings = &self.site.config.strings;
        let mut facts = vec![(self.word("cover_publisher", &[]), m.publisher.name.clone())];
        if let Some(p) = &m.period {
            facts.push((self.word("cover_period", &[]), p.clone()));
        }
        facts.push((
            self.word("cover_published", &[]),
            strings.date_long(m.published),
        ));
        if !m.authors.is_empty() {
            facts.push((self.word("cover_authors", &[]), m.authors.join(", ")));
        }
        for (label, value) in facts {
            let bold = Fmt {
                bold: true,
                ..Fmt::default()
            };
            let runs = vec![
                Run::text(format!("{label}: "), bold),
                Run::text(value, Fmt::default()),
            ];
            self.body.push(Part::Para(Para::new(Style::Body, runs)));
        }
        if let Some(s) = &m.summary {
            self.body
                .push(Part::Para(Para::text(Style::Body, s.trim())));
        }
        if !self.report.corrections.is_empty() {
            let title = self.word("corrections", &[]);
            self.body
                .push(Part::Para(Para::text(Style::Heading(1), title)));
            for c in &self.report.corrections {
                let mut text = format!("{}: {}", strings.date_long(c.date), c.what);
                if let Some(w) = &c.why {
                    text.push(' ');
                    text.push_str(w);
                }
                self.body.push(Part::Para(Para::text(Style::Body, text)));
            }
        }
    }

    /// The tracked items after the chapters, as in the PDF: each with its
    /// facts, its text and its latest progress.
    fn items(&mut self) {
        let r = self.report;
        if r.tracker.items.is_empty() {
            return;
        }
        let heading = Para::text(Style::Heading(1), r.tracker.label.many.clone());
        self.body.push(Part::Para(heading));
        let site = self.site;
        let strings = &site.config.strings;
        for item in &r.tracker.items {
            let status = r.tracker.statuses.get(item.status);
            let title = format!("{} {}: {}", r.tracker.label.one, item.number, item.title);
            self.body
                .push(Part::Para(Para::text(Style::Heading(2), title)));
            let mut facts = vec![format!("{}: {}", self.word("status", &[]), status.label)];
            if !item.leads.is_empty() {
                facts.push(self.word("item_lead", &[("leads", &item.leads.join(", "))]));
            }
            if let Some(d) = item.due {
                facts.push(self.word("item_due", &[("date", &d.long_in(strings))]));
            }
            self.body
                .push(Part::Para(Para::text(Style::Body, facts.join(" · "))));
            if let Some(m) = &item.missing_text {
                self.body
                    .push(Part::Para(Para::text(Style::Body, m.clone())));
            }
            self.notes = &item.text.footnotes;
            self.last_level = 2;
            self.blocks(&item.text.blocks, None);
            if let Some(resp) = item.responses.first() {
                let when = resp
                    .period
                    .clone()
                    .unwrap_or_else(|| resp.date.long_in(strings));
                let label = &r.tracker.statuses.get(resp.status).label;
                let title = self.word("progress_in", &[("when", &when), ("status", label)]);
                self.body
                    .push(Part::Para(Para::text(Style::Heading(3), title)));
                self.notes = &resp.text.footnotes;
                self.last_level = 3;
                self.blocks(&resp.text.blocks, None);
            }
        }
    }

    fn blocks(&mut self, blocks: &'a [Block], mut list: InList) {
        for b in blocks {
            self.block(b, &mut list);
        }
    }

    /// Blocks as the paragraphs of a table cell or a footnote, where
    /// neither tables nor lists nest: a table in one is set as its rows'
    /// text.
    fn paras(&mut self, blocks: &'a [Block]) -> Vec<Para> {
        let start = self.body.len();
        let saved = self.last_level;
        self.blocks(blocks, None);
        self.last_level = saved;
        let mut out = Vec::new();
        for part in self.body.drain(start..) {
            match part {
                Part::Para(mut p) => {
                    p.list = None;
                    if matches!(p.style, Style::Heading(_)) {
                        p.style = Style::Body;
                    }
                    out.push(p);
                }
                Part::Table(t) => {
                    for row in std::iter::once(t.head).chain(t.rows) {
                        let mut runs = Vec::new();
                        for (i, cell) in row.into_iter().enumerate() {
                            if i > 0 {
                                runs.push(Run::text(" | ", Fmt::default()));
                            }
                            runs.extend(cell.into_iter().flat_map(|p| p.runs));
                        }
                        out.push(Para::new(Style::Body, runs));
                    }
                }
            }
        }
        out
    }

    fn heading(&mut self, level: u8, runs: Vec<Run>, list: &mut InList) {
        let level = level.clamp(2, 6).min(self.last_level + 1);
        self.last_level = level;
        self.push(Para::new(Style::Heading(level), runs), list);
    }

    fn block(&mut self, b: &'a Block, list: &mut InList) {
        match b {
            Block::Heading {
                level,
                number,
                content,
                ..
            } => {
                let mut runs = Vec::new();
                if let Some(n) = number {
                    runs.push(Run::text(format!("{n} "), Fmt::default()));
                }
                self.inlines(content, Fmt::default(), &mut runs);
                self.heading(*level, runs, list);
            }
            Block::Paragraph { number, content } => {
                let mut runs = Vec::new();
                if let Some(n) = number {
                    runs.push(Run::text(format!("{n}\u{a0}\u{a0}"), Fmt::default()));
                }
                self.inlines(content, Fmt::default(), &mut runs);
                self.push(Para::new(Style::Body, runs), list);
            }
            Block::Plain(content) => {
                let runs = self.runs(content);
                self.push(Para::new(Style::Body, runs), list);
            }
            Block::List {
                ordered,
                start,
                items,
            } => self.list(*ordered, *start, items, list),
            Block::BlockQuote(children) => self.quoted(children, None, list),
            Block::Component(c) => self.component(c, list),
            Block::Code { code, .. } => {
                for line in code.trim_end().lines() {
                    let p = Para::text(Style::Code, line.to_string());
                    self.push(p, list);
                }
            }
            Block::Table {
                align, head, rows, ..
            } => {
                let table = Table {
                    caption: None,
                    head: head.iter().map(|c| self.cell(c)).collect(),
                    rows: rows
                        .iter()
                        .map(|r| r.iter().map(|c| self.cell(c)).collect())
                        .collect(),
                    right: (0..head.len())
                        .map(|i| align.get(i) == Some(&Align::Right))
                        .collect(),
                };
                self.body.push(Part::Table(table));
            }
            Block::DefinitionList(items) => {
                for item in items {
                    match item {
                        Definition::Term(t) => {
                            let bold = Fmt {
                                bold: true,
                                ..Fmt::default()
                            };
                            let mut runs = Vec::new();
                            self.inlines(t, bold, &mut runs);
                            self.push(Para::new(Style::Body, runs), list);
                        }
                        Definition::Details(d) => self.blocks(d, *list),
                    }
                }
            }
            Block::Tracker(t) => self.tracker(t),
            Block::DataTable(t) => self.data_table(t),
            Block::Chart(c) => self.chart(c),
            Block::Rule => {}
            Block::RawHtml(html) => {
                let text = self.raw_html(html.trim_end());
                if !text.trim().is_empty() {
                    self.push(Para::text(Style::Body, text), list);
                }
            }
        }
    }

    fn list(&mut self, ordered: bool, start: u64, items: &'a [ListItem], outer: &InList) {
        let level = outer.map_or(0, |(l, _)| self.lists[l].level + 1).min(8);
        let id = self.lists.len();
        self.lists.push(ListKind {
            ordered,
            start,
            level,
        });
        for item in items {
            let at = self.body.len();
            self.blocks(&item.blocks, Some((id, true)));
            if let (Some(done), Some(Part::Para(p))) = (item.task, self.body.get_mut(at)) {
                let mark = if done { "☑ " } else { "☐ " };
                p.runs.insert(0, Run::text(mark, Fmt::default()));
            }
        }
    }

    /// A quotation: its paragraphs in the Quote style, and who said it.
    fn quoted(&mut self, children: &'a [Block], by: Option<&'a [Inline]>, list: &mut InList) {
        let start = self.body.len();
        self.blocks(children, *list);
        for part in &mut self.body[start..] {
            if let Part::Para(p) = part
                && p.style == Style::Body
            {
                p.style = Style::Quote;
            }
        }
        if let Some(by) = by {
            let mut runs = vec![Run::text("— ", Fmt::default())];
            self.inlines(by, Fmt::default(), &mut runs);
            self.push(Para::new(Style::Quote, runs), list);
        }
    }

    fn component(&mut self, c: &'a Component, list: &mut InList) {
        let title = plain_text(&c.title).trim().to_string();
        let bold = Fmt {
            bold: true,
            ..Fmt::default()
        };
        let label = match &c.kind {
            ComponentKind::Callout(kind) if title.is_empty() => {
                self.word(&format!("callout_{}", kind.key()), &[])
            }
            ComponentKind::Callout(_) | ComponentKind::Stat => title,
            ComponentKind::CaseStudy => {
                let runs = vec![Run::text(title, Fmt::default())];
                self.heading(c.heading_level, runs, list);
                self.blocks(&c.body, *list);
                return;
            }
            ComponentKind::Quote => {
                self.quoted(&c.body, c.attribution.as_deref(), list);
                return;
            }
            ComponentKind::Signature => String::new(),
            ComponentKind::Correction(date) => {
                let shown = date
                    .parse::<jiff::civil::Date>()
                    .map(|d| self.site.config.strings.date_long(d))
                    .unwrap_or_else(|_| date.clone());
                format!("{}, {shown}", self.word("correction", &[]))
            }
            ComponentKind::Recommendations
            | ComponentKind::Actions
            | ComponentKind::Table
            | ComponentKind::Chart => return,
        };
        if !label.is_empty() {
            self.push(Para::new(Style::Body, vec![Run::text(label, bold)]), list);
        }
        self.blocks(&c.body, *list);
    }

    fn cell(&mut self, inlines: &'a [Inline]) -> Vec<Para> {
        vec![Para::new(Style::Body, self.runs(inlines))]
    }

    fn tracker(&mut self, t: &'a TrackerList) {
        for g in &t.groups {
            if let Some(title) = &g.title {
                let runs = vec![Run::text(title.clone(), Fmt::default())];
                self.heading(t.heading_level, runs, &mut None);
            }
            let text = |s: &str| vec![Para::text(Style::Body, s.to_string())];
            let head = vec![
                text(&self.word("number_short", &[])),
                text(&t.item_label),
                text(&self.word("lead", &[])),
                text(&self.word("status", &[])),
            ];
            let rows = g
                .rows
                .iter()
                .map(|row| {
                    vec![
                        text(&row.number),
                        self.cell(&row.title),
                        text(&row.leads),
                        text(&row.status_label),
                    ]
                })
                .collect();
            let caption =
                (g.title.is_none() && !t.caption.is_empty()).then(|| plain_text(&t.caption));
            self.body.push(Part::Table(Table {
                caption,
                head,
                rows,
                right: vec![false; 4],
            }));
        }
    }

    /// A data table with its computed figures, as the web page shows them
    /// (a direction in words, which a document cannot colour), and the
    /// notes under it.
    fn data_table(&mut self, t: &DataTableBlock) {
        let cell = |c: &DataCell, bold: bool| {
            let fmt = Fmt {
                bold,
                ..Fmt::default()
            };
            let mut runs = vec![Run::text(c.spoken.clone().unwrap_or(c.text.clone()), fmt)];
            if let Some(n) = c.note {
                let sup = Fmt { sup: true, ..fmt };
                runs.push(Run::text(n.to_string(), sup));
            }
            vec![Para::new(Style::Body, runs)]
        };
        let head = t
            .heads
            .iter()
            .map(|h| {
                let label = match &h.unit {
                    Some(u) => format!("{} ({u})", h.label),
                    None => h.label.clone(),
                };
                vec![Para::text(Style::Body, label)]
            })
            .collect();
        let mut rows: Vec<Vec<Vec<Para>>> = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let bold = t.subtotal.get(i) == Some(&true);
                row.iter().map(|c| cell(c, bold)).collect()
            })
            .collect();
        if let Some(total) = &t.total {
            rows.push(total.iter().map(|c| cell(c, true)).collect());
        }
        self.body.push(Part::Table(Table {
            caption: Some(t.caption.clone()),
            head,
            rows,
            right: t.heads.iter().map(|h| h.numeric).collect(),
        }));
        let mut notes = Vec::new();
        if let Some(s) = &t.source {
            notes.push(self.word("source", &[("source", s)]));
        }
        for (i, n) in t.cell_notes.iter().enumerate() {
            notes.push(format!("{}. {n}", i + 1));
        }
        if !t.shorthands.is_empty() {
            let key: Vec<String> = t
                .shorthands
                .iter()
                .map(|s| format!("{} {}", s.symbol(), self.word(s.meaning_key(), &[])))
                .collect();
            notes.push(format!(
                "{} {}",
                self.word("table_key", &[]),
                key.join("; ")
            ));
        }
        if t.total_leaves_out {
            notes.push(self.word("total_leaves_out", &[]));
        }
        notes.extend(t.notes.iter().cloned());
        for n in notes {
            self.body.push(Part::Para(Para::text(Style::Caption, n)));
        }
    }

    /// A chart as the figures it draws: a table a reviewer can check and
    /// comment on, where a picture of bars could only be looked at.
    fn chart(&mut self, c: &ChartBlock) {
        let text = |s: &str| vec![Para::text(Style::Body, s.to_string())];
        self.body.push(Part::Table(Table {
            caption: Some(c.title.clone()),
            head: vec![text(""), text(&c.title)],
            rows: c
                .bars
                .iter()
                .map(|b| vec![text(&b.label), text(&b.display)])
                .collect(),
            right: vec![false, true],
        }));
    }

    fn raw_html(&self, html: &str) -> String {
        match self.site.config.raw_html {
            crate::markdown::RawHtmlMode::Escape => html.to_string(),
            crate::markdown::RawHtmlMode::Sanitise => crate::markdown::sanitise::text_of(html),
        }
    }

    fn runs(&mut self, inlines: &'a [Inline]) -> Vec<Run> {
        let mut out = Vec::new();
        self.inlines(inlines, Fmt::default(), &mut out);
        out
    }

    fn inlines(&mut self, inlines: &'a [Inline], fmt: Fmt, out: &mut Vec<Run>) {
        for i in inlines {
            self.inline(i, fmt, out);
        }
    }

    fn inline(&mut self, i: &'a Inline, fmt: Fmt, out: &mut Vec<Run>) {
        match i {
            Inline::Text(t) => out.push(Run::text(t.clone(), fmt)),
            Inline::RawHtml(t) => {
                let t = self.raw_html(t);
                if !t.is_empty() {
                    out.push(Run::text(t, fmt));
                }
            }
            Inline::Code(t) => out.push(Run::text(t.clone(), Fmt { code: true, ..fmt })),
            Inline::Emphasis(c) => self.inlines(
                c,
                Fmt {
                    italic: true,
                    ..fmt
                },
                out,
            ),
            Inline::Strong(c) => self.inlines(c, Fmt { bold: true, ..fmt }, out),
            Inline::Strikethrough(c) => self.inlines(
                c,
                Fmt {
                    strike: true,
                    ..fmt
                },
                out,
            ),
            Inline::Superscript(c) => self.inlines(c, Fmt { sup: true, ..fmt }, out),
            Inline::Subscript(c) => self.inlines(c, Fmt { sub: true, ..fmt }, out),
            Inline::Link(link) => {
                let mut runs = Vec::new();
                self.inlines(&link.content, fmt, &mut runs);
                match self.href(&link.target, &link.dest) {
                    Some(url) => out.push(Run::Link(url, runs)),
                    None => out.extend(runs),
                }
            }
            Inline::Image(image) => self.image(image, fmt, out),
            Inline::FootnoteRef { number, .. } => {
                let note = number
                    .checked_sub(1)
                    .and_then(|i| self.notes.get(i))
                    .filter(|n| n.number == *number);
                match note {
                    Some(note) if !self.noted(*number) => {
                        let paras = self.paras(&note.blocks);
                        out.push(Run::Note(paras));
                    }
                    // A second reference to a note: its number, as the
                    // note itself is written once.
                    _ => out.push(Run::text(number.to_string(), Fmt { sup: true, ..fmt })),
                }
            }
            Inline::TaskMarker(_) => {}
            Inline::SoftBreak => out.push(Run::text(" ", fmt)),
            Inline::HardBreak => out.push(Run::Break),
        }
    }

    /// Whether note `number` of the text being written is placed already;
    /// marks it placed.
    fn noted(&mut self, number: usize) -> bool {
        let key = (self.notes.as_ptr() as usize, number);
        !self.placed.insert(key)
    }

    fn image(&mut self, image: &Image, fmt: Fmt, out: &mut Vec<Run>) {
        let alt = if image.alt.trim().is_empty() {
            self.word("image_without_description", &[("file", &image.src)])
        } else {
            image.alt.clone()
        };
        let LinkTarget::Asset { report, path } = &image.target else {
            out.push(Run::text(
                format!("[{alt}]"),
                Fmt {
                    italic: true,
                    ..fmt
                },
            ));
            return;
        };
        let file = crate::vfs::join(&self.site.reports[*report].dir, path);
        let same = |p: &Picture| p.source == file && p.alt == alt;
        if let Some(i) = self.pictures.iter().position(same) {
            out.push(Run::Picture(i));
            return;
        }
        let (Some(mime), Ok(bytes)) = (mime_of(path), self.fs.read(&file)) else {
            out.push(Run::text(
                format!("[{alt}]"),
                Fmt {
                    italic: true,
                    ..fmt
                },
            ));
            return;
        };
        let ext = path
            .rsplit('.')
            .next()
            .unwrap_or("png")
            .to_ascii_lowercase();
        self.pictures.push(Picture {
            name: format!("image{}.{ext}", self.pictures.len() + 1),
            source: file,
            mime,
            bytes,
            alt,
            size: image.size,
        });
        out.push(Run::Picture(self.pictures.len() - 1));
    }

    /// Where a link goes in a document that has left the site: the web
    /// address of what it names, when the site has one; none without a
    /// `base_url` (the words stay, unlinked).
    fn href(&self, target: &LinkTarget, dest: &str) -> Option<String> {
        let base = &self.site.config.base_url;
        let routes = &self.routes.reports;
        let ri = self
            .site
            .reports
            .iter()
            .position(|r| std::ptr::eq(r, self.report))?;
        let url = match target {
            LinkTarget::External => return Some(dest.to_string()),
            LinkTarget::Unresolved | LinkTarget::Language(_) => return None,
            _ if base.is_empty() => return None,
            LinkTarget::Fragment(f) => {
                let ci = self.chapter?;
                format!("{}#{f}", routes[ri].chapters[ci].page.absolute(base))
            }
            LinkTarget::Chapter {
                report,
                chapter,
                fragment,
            } => {
                let page = routes[*report].chapters[*chapter].page.absolute(base);
                match fragment {
                    Some(f) => format!("{page}#{f}"),
                    None => page,
                }
            }
            LinkTarget::Report { report } => routes[*report].home.absolute(base),
            LinkTarget::Item { report, item } => routes[*report].items[*item].absolute(base),
            LinkTarget::Asset { report, path } => routes[*report].file(path).absolute(base),
        };
        Some(url)
    }
}
