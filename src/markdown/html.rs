//! [`Document`] to HTML.
//!
//! The same tree is rendered for a chapter page and, with an id prefix and
//! shifted heading levels, for the print edition; where links point is
//! decided by the caller (through [`LinkResolver`]), because only the caller
//! knows which page the HTML will sit on.

use std::fmt::Write;

use pulldown_cmark_escape::{escape_href, escape_html, escape_html_body_text};

use super::ast::*;
use super::components::*;
use super::highlight;
use super::sanitise::{RawHtmlMode, sanitise};
use crate::diagnostics::Diagnostic;

/// Turns a resolved link target into an `href` for the page being rendered.
pub trait LinkResolver {
    fn href(&self, target: &LinkTarget, dest: &str) -> String;
}

pub struct HtmlOptions<'a> {
    /// Prepended to every id and in-page fragment (for the print edition,
    /// where all chapters share one page).
    pub id_prefix: &'a str,
    /// Added to every heading level (1 in the print edition, where the
    /// chapter title is an h2).
    pub heading_offset: u8,
    pub links: &'a dyn LinkResolver,
    /// Raw HTML written in the Markdown: shown as text, or sanitised.
    pub raw_html: RawHtmlMode,
    /// Writes the report components (callouts, tables, notes...): the
    /// theme's component templates.
    pub components: &'a dyn ComponentWriter,
}

/// The document as HTML, or the first error of a component template.
pub fn render(doc: &Document, opts: &HtmlOptions) -> Result<String, Diagnostic> {
    let mut prefix = String::new();
    esc(&mut prefix, opts.id_prefix);
    let mut r = Renderer {
        // A chapter of 600 words is about 5 KiB of HTML: room for that
        // without growing (each growth copies what is written so far).
        out: String::with_capacity(8 * 1024),
        prefix,
        opts,
        table_count: 0,
        table_ids: Default::default(),
        error: None,
    };
    r.blocks(&doc.blocks);
    r.footnotes(&doc.footnotes);
    match r.error {
        Some(e) => Err(e),
        None => Ok(r.out),
    }
}

pub(super) struct Renderer<'a, 'b> {
    pub(super) out: String,
    /// `opts.id_prefix`, escaped once: every id on the page starts with it.
    pub(super) prefix: String,
    opts: &'a HtmlOptions<'b>,
    table_count: usize,
    /// Data-table ids already used on this page: a table placed twice gets
    /// its id once, so ids stay unique.
    table_ids: std::collections::HashSet<String>,
    /// The first error of a component template.
    error: Option<Diagnostic>,
}

/// Private-use characters that mark where rapport's own markup goes back
/// after sanitising (see `sanitised_inlines`); removed from the author's
/// text first, so a chapter cannot forge one.
const PLACEHOLDER_OPEN: char = '\u{E000}';
const PLACEHOLDER_CLOSE: char = '\u{E001}';
const PLACEHOLDER_CHARS: [char; 2] = [PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE];

/// Escapes text for HTML, attributes included: the same escaping Tera
/// applies to `{{ }}` (rapport gives Tera [`escape_for_tera`]), so
/// `link_list` uses it too.
pub(crate) fn esc(out: &mut String, s: &str) {
    if needs_no_escaping(s) {
        out.push_str(s);
    } else {
        let _ = escape_html(&mut *out, s);
    }
}

/// Tera's escaping of `{{ }}`, the same as [`esc`]: `escape_html` with the
/// quick pass below.
pub(crate) fn escape_for_tera(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if needs_no_escaping(s) {
        out.write_all(s.as_bytes())
    } else {
        escape_html(pulldown_cmark_escape::IoWriter(out), s)
    }
}

/// Whether `s` is short and holds none of the characters `escape_html`
/// replaces (`&<>"'`). Most values a page writes are short and plain (a
/// link's `../../`, a title, an id): for them one pass over the bytes is
/// cheaper than setting up the escaper, which is faster on long text.
fn needs_no_escaping(s: &str) -> bool {
    s.len() < 64
        && !s
            .bytes()
            .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
}

impl Renderer<'_, '_> {
    fn id(&mut self, id: &str) {
        self.out.push_str(&self.prefix);
        esc(&mut self.out, id);
    }

    /// A footnote's id, `fn-N` after the page's prefix.
    fn note_id(&mut self, number: usize) {
        self.out.push_str(&self.prefix);
        self.out.push_str("fn-");
        push_num(&mut self.out, number);
    }

    /// The start of a table's accessible name: `Table N: `.
    fn table_label(&mut self) {
        self.out.push_str(self.opts.components.word("table"));
        self.out.push(' ');
        push_num(&mut self.out, self.table_count);
        self.out.push_str(": ");
    }

    pub(super) fn level(&self, level: u8) -> u8 {
        (level + self.opts.heading_offset).clamp(1, 6)
    }

    pub(super) fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading {
                level,
                id,
                classes,
                number,
                content,
                ..
            } => {
                let l = self.level(*level);
                self.out.push_str("<h");
                push_num(&mut self.out, l);
                self.out.push_str(" id=\"");
                self.id(id);
                self.out.push('"');
                if !classes.is_empty() {
                    self.out.push_str(" class=\"");
                    esc(&mut self.out, &classes.join(" "));
                    self.out.push('"');
                }
                self.out.push('>');
                if let Some(n) = number {
                    self.out.push_str("<span class=\"section-number\">");
                    esc(&mut self.out, n);
                    self.out.push_str("</span> ");
                }
                self.inlines(content);
                self.out.push_str("</h");
                push_num(&mut self.out, l);
                self.out.push_str(">\n");
            }
            Block::Paragraph { number, content } => {
                match number {
                    Some(n) => {
                        let anchor = crate::markdown::paragraph_anchor(n);
                        self.out.push_str("<p class=\"numbered\" id=\"");
                        self.id(&anchor);
                        self.out.push_str("\"><a class=\"para-number\" href=\"#");
                        self.id(&anchor);
                        self.out.push_str("\">");
                        esc(&mut self.out, n);
                        self.out.push_str("</a> ");
                    }
                    None => self.out.push_str("<p>"),
                }
                self.inlines(content);
                self.out.push_str("</p>\n");
            }
            Block::Plain(content) => self.inlines(content),
            Block::List {
                ordered,
                start,
                items,
            } => {
                let is_tasks = items.iter().any(|i| i.task.is_some());
                let class = if is_tasks { " class=\"task-list\"" } else { "" };
                if *ordered {
                    if *start != 1 {
                        let _ = writeln!(self.out, "<ol{class} start=\"{start}\">");
                    } else {
                        let _ = writeln!(self.out, "<ol{class}>");
                    }
                } else {
                    let _ = writeln!(self.out, "<ul{class}>");
                }
                for item in items {
                    self.out.push_str("<li>");
                    self.task_box(item.task);
                    self.blocks(&item.blocks);
                    self.out.push_str("</li>\n");
                }
                self.out
                    .push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
            }
            Block::BlockQuote(children) => {
                self.out.push_str("<blockquote>\n");
                self.blocks(children);
                self.out.push_str("</blockquote>\n");
            }
            Block::Component(c) => self.component(c),
            Block::Tracker(t) => self.tracker(t),
            Block::DataTable(t) => self.data_table(t),
            Block::Chart(c) => self.chart(c),
            Block::Code { lang, code } => {
                self.out
                    .push_str("<pre class=\"code\" tabindex=\"0\"><code");
                if let Some(l) = lang {
                    self.out.push_str(" class=\"language-");
                    esc(&mut self.out, l);
                    self.out.push('"');
                }
                self.out.push('>');
                match lang.as_deref().and_then(|l| highlight::highlight(code, l)) {
                    Some(html) => self.out.push_str(&html),
                    None => {
                        let _ = escape_html_body_text(&mut self.out, code);
                    }
                }
                self.out.push_str("</code></pre>\n");
            }
            Block::Table {
                align, head, rows, ..
            } => self.table(align, head, rows),
            Block::DefinitionList(items) => {
                self.out.push_str("<dl>\n");
                for item in items {
                    match item {
                        Definition::Term(t) => {
                            self.out.push_str("<dt>");
                            self.inlines(t);
                            self.out.push_str("</dt>\n");
                        }
                        Definition::Details(d) => {
                            self.out.push_str("<dd>");
                            self.blocks(d);
                            self.out.push_str("</dd>\n");
                        }
                    }
                }
                self.out.push_str("</dl>\n");
            }
            Block::Rule => self.out.push_str("<hr>\n"),
            Block::RawHtml(html) => match self.opts.raw_html {
                RawHtmlMode::Escape => {
                    self.out.push_str("<p class=\"raw-html\">");
                    esc(&mut self.out, html.trim_end());
                    self.out.push_str("</p>\n");
                }
                RawHtmlMode::Sanitise => {
                    self.out.push_str(&sanitise(html));
                    self.out.push('\n');
                }
            },
        }
    }

    /// Renders what `f` writes into a string of its own: the HTML of a
    /// component's nested content, handed to its template.
    fn capture(&mut self, f: impl FnOnce(&mut Self)) -> String {
        let saved = std::mem::take(&mut self.out);
        f(self);
        std::mem::replace(&mut self.out, saved)
    }

    fn inlines_html(&mut self, list: &[Inline]) -> String {
        self.capture(|r| r.inlines(list))
    }

    fn blocks_html(&mut self, blocks: &[Block]) -> String {
        self.capture(|r| r.blocks(blocks))
    }

    /// Writes a component through the theme's template. The first error is
    /// kept and returned by [`render`]; rendering goes on so that the
    /// writer's state (table numbers) stays the same either way.
    fn write_component(&mut self, view: &ComponentView) {
        if let Err(e) = self.opts.components.write(view, &mut self.out)
            && self.error.is_none()
        {
            self.error = Some(e);
        }
    }

    /// The page's id prefix followed by `id`, unescaped (templates escape).
    fn full_id(&self, id: &str) -> String {
        let mut s = String::with_capacity(self.opts.id_prefix.len() + id.len());
        s.push_str(self.opts.id_prefix);
        s.push_str(id);
        s
    }

    fn component(&mut self, c: &Component) {
        let view = match &c.kind {
            ComponentKind::Callout(kind) => ComponentView::Callout(CalloutView {
                kind: kind.key(),
                label: kind.label(),
                title: self.inlines_html(&c.title),
                body: self.blocks_html(&c.body),
            }),
            ComponentKind::CaseStudy => ComponentView::CaseStudy(CaseStudyView {
                id: self.full_id(&c.id),
                level: self.level(c.heading_level),
                title: self.inlines_html(&c.title),
                body: self.blocks_html(&c.body),
            }),
            ComponentKind::Quote => ComponentView::Quote(QuoteView {
                body: self.blocks_html(&c.body),
                attribution: c.attribution.as_ref().map(|a| self.inlines_html(a)),
            }),
            ComponentKind::Signature => {
                let mut blocks = Vec::new();
                for block in &c.body {
                    match block {
                        Block::Paragraph { content, .. } | Block::Plain(content) => {
                            let lines = content
                                .split(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak))
                                .map(|line| self.inlines_html(line))
                                .collect();
                            blocks.push(SignatureBlock {
                                lines,
                                html: String::new(),
                            });
                        }
                        other => {
                            let html = self.capture(|r| r.block(other));
                            blocks.push(SignatureBlock {
                                lines: Vec::new(),
                                html,
                            });
                        }
                    }
                }
                ComponentView::Signature(SignatureView { blocks })
            }
            ComponentKind::Stat => ComponentView::Stat(StatView {
                figure: self.inlines_html(&c.title),
                label: self.blocks_html(&c.body),
            }),
            // Replaced by `Block::Tracker` once the report's items are
            // loaded; one left here (inside a footnote) shows nothing.
            ComponentKind::Recommendations
            | ComponentKind::Actions
            | ComponentKind::Table
            | ComponentKind::Chart => return,
            ComponentKind::Correction(date) => ComponentView::Correction(CorrectionView {
                date: date.parse::<jiff::civil::Date>().ok().map(|d| DateView {
                    iso: d.to_string(),
                    display: crate::dates::long(d),
                }),
                body: self.blocks_html(&c.body),
            }),
        };
        self.write_component(&view);
    }

    fn tracker(&mut self, t: &TrackerList) {
        let caption = self.inlines_html(&t.caption);
        let groups = t
            .groups
            .iter()
            .map(|g| {
                self.table_count += 1;
                TrackerGroupView {
                    title: g.title.as_deref(),
                    id: self.full_id(&g.id),
                    number: self.table_count,
                    rows: g
                        .rows
                        .iter()
                        .map(|row| TrackerRowView {
                            number: &row.number,
                            title: self.inlines_html(&row.title),
                            leads: &row.leads,
                            status: StatusView {
                                key: &row.status_key,
                                label: &row.status_label,
                            },
                        })
                        .collect(),
                }
            })
            .collect();
        let view = ComponentView::TrackerList(TrackerListView {
            grouped: t.style == TrackerStyle::Actions,
            caption,
            caption_text: plain_text(&t.caption),
            item_label: &t.item_label,
            level: self.level(t.heading_level),
            empty: t.groups.iter().all(|g| g.rows.is_empty()),
            groups,
        });
        self.write_component(&view);
    }

    fn data_table(&mut self, t: &DataTableBlock) {
        self.table_count += 1;
        let id = self
            .table_ids
            .insert(t.id.clone())
            .then(|| self.full_id(&t.id));
        let heads: Vec<DataHeadView> = t
            .heads
            .iter()
            .map(|h| DataHeadView {
                label: &h.label,
                unit: h.unit.as_deref(),
                numeric: h.numeric,
            })
            .collect();
        let rows = t
            .rows
            .iter()
            .enumerate()
            .map(|(i, cells)| {
                let class = if t.subtotal.get(i) == Some(&true) {
                    "subtotal"
                } else {
                    ""
                };
                let mut row = data_row(cells, class);
                row.no_figures = t
                    .no_figures
                    .get(i)
                    .copied()
                    .flatten()
                    .map(ShorthandView::of);
                row
            })
            .collect();
        let view = ComponentView::DataTable(DataTableView {
            id,
            number: self.table_count,
            caption: &t.caption,
            caption_id: self.full_id(&format!("table-{}-caption", self.table_count)),
            wide: is_wide(t),
            stacked: stacks(t),
            heads: &heads,
            rows,
            total: t.total.as_deref().map(|cells| data_row(cells, "total")),
            source: t.source.as_deref(),
            cell_notes: &t.cell_notes,
            notes: &t.notes,
            downloads: self.inlines_html(&t.downloads),
            shorthands: t.shorthands.iter().map(|s| ShorthandView::of(*s)).collect(),
            total_leaves_out: t.total_leaves_out,
        });
        self.write_component(&view);
    }

    fn chart(&mut self, c: &ChartBlock) {
        let bars = crate::chart::bars_of(c, |i| {
            if c.kind == ChartKind::Stacked {
                format!("chart-seg-{}", i % 7)
            } else {
                "chart-bar".into()
            }
        });
        self.table_count += 1;
        let id = format!("{}chart-{}", self.opts.id_prefix, self.table_count);
        let svg = match c.kind {
            ChartKind::Stacked => {
                let mut svg = crate::chart::stacked(&id, &c.title, &bars);
                svg.push_str(&crate::chart::legend(&bars));
                svg
            }
            kind => crate::chart::bars(&id, &c.title, &bars, kind == ChartKind::Column).0,
        };
        let view = ComponentView::Chart(ChartView {
            id,
            title: &c.title,
            svg,
            bars: c
                .bars
                .iter()
                .map(|b| ChartBarView {
                    label: &b.label,
                    display: &b.display,
                })
                .collect(),
            source: c.source.as_deref(),
        });
        self.write_component(&view);
    }

    fn table(&mut self, align: &[Align], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) {
        self.table_count += 1;
        let label: Vec<String> = head.iter().map(|h| plain_text(h)).collect();
        self.out
            .push_str("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"");
        self.table_label();
        esc(&mut self.out, &label.join(", "));
        self.out.push_str("\">\n<table>\n<thead>\n<tr>");
        let class = |i: usize| match align.get(i) {
            Some(Align::Right) => " class=\"align-right\"",
            Some(Align::Center) => " class=\"align-center\"",
            Some(Align::Left) => " class=\"align-left\"",
            _ => "",
        };
        for (i, cell) in head.iter().enumerate() {
            self.out.push_str("<th scope=\"col\"");
            self.out.push_str(class(i));
            self.out.push('>');
            self.inlines(cell);
            self.out.push_str("</th>");
        }
        self.out.push_str("</tr>\n</thead>\n<tbody>\n");
        for row in rows {
            self.out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                // The first column names the row (an area, a category), so
                // screen readers announce it with every figure.
                let tag = if i == 0 && !cell.is_empty() {
                    "th"
                } else {
                    "td"
                };
                let scope = if tag == "th" { " scope=\"row\"" } else { "" };
                // Plain pushes, not `write!`: a table's cells are much of a
                // chapter's markup, and formatting cost more than the rest.
                self.out.push('<');
                self.out.push_str(tag);
                self.out.push_str(scope);
                self.out.push_str(class(i));
                self.out.push('>');
                self.inlines(cell);
                self.out.push_str("</");
                self.out.push_str(tag);
                self.out.push('>');
            }
            self.out.push_str("</tr>\n");
        }
        self.out.push_str("</tbody>\n</table>\n</div>\n");
    }

    fn footnotes(&mut self, notes: &[Footnote]) {
        if notes.is_empty() {
            return;
        }
        if let Some(words) = self.opts.components.built_in_footnotes() {
            self.built_in_footnotes(notes, &words);
            return;
        }
        let notes = notes
            .iter()
            .map(|note| {
                // Back-links go inside the last paragraph when there is one.
                let (blocks, last) = match note.blocks.split_last() {
                    Some((Block::Paragraph { content, .. } | Block::Plain(content), before)) => {
                        (self.blocks_html(before), Some(self.inlines_html(content)))
                    }
                    _ => (self.blocks_html(&note.blocks), None),
                };
                let mut id = String::with_capacity(self.opts.id_prefix.len() + 6);
                id.push_str(self.opts.id_prefix);
                id.push_str("fn-");
                push_num(&mut id, note.number);
                FootnoteView {
                    number: note.number,
                    id,
                    blocks,
                    last,
                    backlinks: (1..=note.references)
                        .map(|occurrence| {
                            let mut href = String::with_capacity(self.opts.id_prefix.len() + 12);
                            href.push('#');
                            href.push_str(self.opts.id_prefix);
                            push_ref_id(&mut href, note.number, occurrence);
                            BacklinkView { href, occurrence }
                        })
                        .collect(),
                }
            })
            .collect();
        let view = FootnotesView {
            id: self.full_id("footnotes"),
            level: self.level(NOTES_HEADING_LEVEL),
            notes,
        };
        self.write_component(&ComponentView::Footnotes(view));
    }

    pub(super) fn inlines(&mut self, list: &[Inline]) {
        if self.opts.raw_html == RawHtmlMode::Sanitise
            && list.iter().any(|i| matches!(i, Inline::RawHtml(_)))
        {
            return self.sanitised_inlines(list);
        }
        for i in list {
            self.inline(i);
        }
    }

    /// Inline raw HTML arrives in pieces (`<abbr title="...">`, the text,
    /// `</abbr>`), so it can only be sanitised together with its neighbours.
    /// The run is sanitised as one fragment in which rapport's own markup
    /// (links, notes, code, emphasis) stands in as placeholders, put back
    /// afterwards: the allowlist never has to admit, or gets to mangle, what
    /// rapport itself writes, and a stray `</p>` in a chapter cannot close
    /// rapport's elements.
    fn sanitised_inlines(&mut self, list: &[Inline]) {
        let mut fragment = String::new();
        let mut ours: Vec<String> = Vec::new();
        for i in list {
            match i {
                Inline::RawHtml(h) => fragment.push_str(&h.replace(PLACEHOLDER_CHARS, "\u{FFFD}")),
                Inline::Text(t) => {
                    let t = t.replace(PLACEHOLDER_CHARS, "\u{FFFD}");
                    let _ = escape_html_body_text(&mut fragment, &t);
                }
                other => {
                    let saved = std::mem::take(&mut self.out);
                    self.inline(other);
                    let html = std::mem::replace(&mut self.out, saved);
                    let _ = write!(
                        fragment,
                        "{PLACEHOLDER_OPEN}{}{PLACEHOLDER_CLOSE}",
                        ours.len()
                    );
                    ours.push(html);
                }
            }
        }
        let clean = sanitise(&fragment);
        let mut used = vec![false; ours.len()];
        let mut rest = clean.as_str();
        while let Some(start) = rest.find(PLACEHOLDER_OPEN) {
            self.out.push_str(&rest[..start]);
            let after = &rest[start + PLACEHOLDER_OPEN.len_utf8()..];
            let Some(end) = after.find(PLACEHOLDER_CLOSE) else {
                rest = after;
                continue;
            };
            // Each piece goes back at most once, wherever the HTML parser
            // put its placeholder.
            if let Ok(n) = after[..end].parse::<usize>()
                && n < ours.len()
                && !used[n]
            {
                used[n] = true;
                self.out.push_str(&ours[n]);
            }
            rest = &after[end + PLACEHOLDER_CLOSE.len_utf8()..];
        }
        self.out.push_str(rest);
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) => {
                let _ = escape_html_body_text(&mut self.out, t);
            }
            Inline::Code(t) => {
                self.out.push_str("<code>");
                let _ = escape_html_body_text(&mut self.out, t);
                self.out.push_str("</code>");
            }
            Inline::Emphasis(c) => self.wrap("em", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strikethrough(c) => self.wrap("del", c),
            Inline::Superscript(c) => self.wrap("sup", c),
            Inline::Subscript(c) => self.wrap("sub", c),
            Inline::Link(link) => {
                let Link {
                    dest,
                    title,
                    content,
                    target,
                    ..
                } = &**link;
                if let LinkTarget::Language(tag) = target {
                    self.out.push_str("<span lang=\"");
                    esc(&mut self.out, tag);
                    self.out.push_str("\">");
                    self.inlines(content);
                    self.out.push_str("</span>");
                    return;
                }
                let href = self.opts.links.href(target, dest);
                self.out.push_str("<a href=\"");
                let _ = escape_href(&mut self.out, &href);
                self.out.push('"');
                if !title.is_empty() {
                    self.out.push_str(" title=\"");
                    esc(&mut self.out, title);
                    self.out.push('"');
                }
                self.out.push('>');
                self.inlines(content);
                self.out.push_str("</a>");
            }
            Inline::Image(image) => {
                let Image {
                    src,
                    alt,
                    title,
                    target,
                    size,
                    ..
                } = &**image;
                let href = self.opts.links.href(target, src);
                self.out.push_str("<img src=\"");
                let _ = escape_href(&mut self.out, &href);
                self.out.push_str("\" alt=\"");
                esc(&mut self.out, alt);
                self.out.push('"');
                if let Some((w, h)) = size {
                    let _ = write!(self.out, " width=\"{w}\" height=\"{h}\"");
                }
                if !title.is_empty() {
                    self.out.push_str(" title=\"");
                    esc(&mut self.out, title);
                    self.out.push('"');
                }
                self.out.push_str(" loading=\"lazy\" decoding=\"async\">");
            }
            Inline::FootnoteRef {
                number, occurrence, ..
            } => {
                if *number == 0 {
                    // Undefined note: already reported; show the marker as text.
                    self.out.push_str("<sup>?</sup>");
                    return;
                }
                self.out.push_str("<sup class=\"footnote-ref\"><a href=\"#");
                self.note_id(*number);
                self.out.push_str("\" id=\"");
                self.out.push_str(&self.prefix);
                push_ref_id(&mut self.out, *number, *occurrence);
                self.out
                    .push_str("\" role=\"doc-noteref\"><span class=\"visually-hidden\">");
                self.out
                    .push_str(self.opts.components.word("footnote_marker"));
                self.out.push_str(" </span>");
                push_num(&mut self.out, *number);
                self.out.push_str("</a></sup>");
            }
            Inline::SoftBreak => self.out.push('\n'),
            Inline::HardBreak => self.out.push_str("<br>\n"),
            Inline::RawHtml(h) => esc(&mut self.out, h),
            Inline::TaskMarker(_) => {}
        }
    }

    /// A task list's box, ticked or not, and what a screen reader hears.
    fn task_box(&mut self, task: Option<bool>) {
        let (mark, word) = match task {
            Some(true) => (
                "<span class=\"task done\" aria-hidden=\"true\">☑</span>",
                "task_done",
            ),
            Some(false) => (
                "<span class=\"task\" aria-hidden=\"true\">☐</span>",
                "task_not_done",
            ),
            None => return,
        };
        self.out.push_str(mark);
        self.out.push_str("<span class=\"visually-hidden\">");
        self.out.push_str(self.opts.components.word(word));
        self.out.push_str(" </span>");
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        self.inlines(content);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }
}

fn data_row<'t>(cells: &'t [DataCell], class: &'static str) -> DataRowView<'t> {
    DataRowView {
        class,
        cells: cells
            .iter()
            .map(|c| DataCellView {
                text: &c.text,
                numeric: c.numeric,
                spoken: c.spoken.as_deref(),
                tone: c.tone,
                note: c.note,
                shorthand: c.shorthand.map(ShorthandView::of),
                figure: c.figure.as_deref(),
            })
            .collect(),
        no_figures: None,
    }
}

/// `fnref-N`, or `fnref-N-K` for the K-th reference to the same note.
/// Whether a data table needs more than the text column: an estimate of
/// its natural width from the longest word of each header and the widest
/// cell of each column, against the column's width in characters.
fn is_wide(t: &DataTableBlock) -> bool {
    const TEXT_COLUMN_CHARS: usize = 70;
    natural_width(t, usize::MAX) > TEXT_COLUMN_CHARS
}

/// Whether a data table becomes a card per row on a phone. Asked for with
/// `layout:`; otherwise chosen for tables of records rather than grids of
/// figures: three columns or more, one of them words besides the row
/// label, and too wide for a phone even with its words wrapped (a scrolled
/// table of words is read a fragment at a time; a grid of figures is
/// compared down its columns, which cards would hide).
fn stacks(t: &DataTableBlock) -> bool {
    /// About what a phone's screen holds across, in characters.
    const PHONE_CHARS: usize = 40;
    /// A cell of words wraps; count it at this width.
    const WRAPPED_WORDS_CHARS: usize = 18;
    match t.layout {
        TableLayout::Stacked => true,
        TableLayout::Scroll => false,
        TableLayout::Auto => {
            t.heads.len() >= 3
                && t.heads.iter().skip(1).any(|h| !h.numeric)
                && natural_width(t, WRAPPED_WORDS_CHARS) > PHONE_CHARS
        }
    }
}

/// An estimate, in characters, of a table's natural width: the longest
/// word of each header and the widest cell of each column (cells of words
/// counted at most `wrap` wide), each with its padding.
fn natural_width(t: &DataTableBlock, wrap: usize) -> usize {
    let mut widths: Vec<usize> = t
        .heads
        .iter()
        .map(|h| {
            h.label
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in t.rows.iter().chain(&t.total) {
        for (i, cell) in row.iter().enumerate().skip(1) {
            if let Some(w) = widths.get_mut(i) {
                let chars = cell.text.chars().count();
                *w = (*w).max(if cell.numeric { chars } else { chars.min(wrap) });
            }
        }
    }
    // A row label wraps well; count it at a readable width.
    if let Some(first) = widths.first_mut() {
        *first = (*first).max(16);
    }
    // Each column's padding is worth about three characters.
    widths.iter().map(|w| w + 3).sum()
}

pub(super) fn push_ref_id(out: &mut String, number: usize, occurrence: usize) {
    out.push_str("fnref-");
    push_num(out, number);
    if occurrence > 1 {
        out.push('-');
        push_num(out, occurrence);
    }
}

/// Numbers go into the markup by pushing, not `write!`: the formatting
/// machinery costs far more than the digits it writes, and a chapter has
/// dozens (heading levels, note numbers, table counts).
fn push_num(out: &mut String, n: impl itoa::Integer) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::parse::{ParseOptions, parse};

    struct AsWritten;
    impl LinkResolver for AsWritten {
        fn href(&self, target: &LinkTarget, dest: &str) -> String {
            match target {
                LinkTarget::Fragment(f) => format!("#{f}"),
                _ => dest.to_string(),
            }
        }
    }

    fn html(md: &str, prefix: &str, offset: u8) -> String {
        let (doc, _) = parse(md, &ParseOptions::default());
        html_of(&doc, prefix, offset, &*DEFAULT_THEME)
    }

    fn html_of(
        doc: &Document,
        prefix: &str,
        offset: u8,
        components: &dyn ComponentWriter,
    ) -> String {
        render(
            doc,
            &HtmlOptions {
                id_prefix: prefix,
                heading_offset: offset,
                links: &AsWritten,
                raw_html: Default::default(),
                components,
            },
        )
        .unwrap()
    }

    /// The built-in theme's component templates: the tests check the
    /// markup a site gets by default. Compiled once for all the tests.
    static DEFAULT_THEME: std::sync::LazyLock<crate::render::templates::Templates> =
        std::sync::LazyLock::new(crate::render::templates::Templates::built_in);

    /// Regression guard for the default footnotes written without Tera
    /// (`crate::markdown::built_in`): every chapter of the example site,
    /// and notes made to reach every branch of the template, come out the
    /// same both ways, on a chapter page and in the print edition.
    #[test]
    fn built_in_footnotes_write_what_the_template_writes() {
        use crate::render::templates::Templates;
        let direct = Templates::built_in();
        let through_tera = Templates::built_in().through_templates_only();
        assert!(direct.built_in_footnotes().is_some());
        assert!(through_tera.built_in_footnotes().is_none());

        let mut sources = vec![
            "One[^a], two[^a] and three[^a]; another[^b].\n\n[^a]: First <&> \"note\".\n[^b]: A list:\n\n    - one\n    - two\n".to_string(),
            "Text[^x].\n\n[^x]: Para one.\n\n    Para two with a [link](https://example.org/?a=1&b=2).\n".to_string(),
            "Code[^c].\n\n[^c]: ```\n    block\n    ```\n".to_string(),
        ];
        let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        for entry in walkdir::WalkDir::new(content) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "md") {
                sources.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        let mut with_notes = 0;
        for md in &sources {
            let (doc, _) = parse(md, &ParseOptions::default());
            with_notes += usize::from(!doc.footnotes.is_empty());
            for (prefix, offset) in [("", 0), ("ch-2--\"&'", 1)] {
                assert_eq!(
                    html_of(&doc, prefix, offset, &direct),
                    html_of(&doc, prefix, offset, &through_tera),
                    "{md}"
                );
            }
        }
        assert!(with_notes > 5, "only {with_notes} sources have notes");
    }

    #[test]
    fn footnotes_render_with_backlinks_and_roles() {
        let h = html("Text[^1].\n\n[^1]: The note.\n", "", 0);
        assert!(
            h.contains("<a href=\"#fn-1\" id=\"fnref-1\" role=\"doc-noteref\">"),
            "{h}"
        );
        assert!(
            h.contains("<li id=\"fn-1\"><p>The note. <a class=\"footnote-back\" href=\"#fnref-1\""),
            "{h}"
        );
        assert!(h.contains("role=\"doc-endnotes\""));
    }

    #[test]
    fn print_rendering_prefixes_ids_and_shifts_headings() {
        let h = html("## Funding\n\nSee[^a].\n\n[^a]: n\n", "ch--", 1);
        assert!(h.contains("<h3 id=\"ch--funding\">Funding</h3>"), "{h}");
        assert!(h.contains("href=\"#ch--fn-1\""), "{h}");
    }

    #[test]
    fn raw_html_is_escaped() {
        let h = html(
            "<script>alert(1)</script>\n\nHi <b onclick=x>there</b>\n",
            "",
            0,
        );
        assert!(!h.contains("<script>"), "{h}");
        assert!(!h.contains("<b onclick"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
    }

    #[test]
    fn tables_have_header_scopes_and_a_labelled_scroll_region() {
        let h = html("| Area | £ |\n|---|--:|\n| Dudley | 120 |\n", "", 0);
        assert!(h.contains("<th scope=\"col\">Area</th>"), "{h}");
        assert!(h.contains("<th scope=\"row\">Dudley</th>"), "{h}");
        assert!(h.contains("<td class=\"align-right\">120</td>"), "{h}");
        assert!(
            h.contains("role=\"region\" tabindex=\"0\" aria-label=\"Table 1: Area, £\""),
            "{h}"
        );
    }

    #[test]
    fn callouts_have_a_visible_title() {
        let h = html("> [!WARNING]\n> Careful.\n", "", 0);
        assert!(h.contains("<p class=\"callout-title\">Warning</p>"), "{h}");
    }
}
