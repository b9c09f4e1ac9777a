//! Markdown text to [`Document`]: folding pulldown-cmark's events into the
//! tree, recognising components, and the whole-chapter passes (heading ids,
//! paragraph numbers, footnote numbers).
//!
//! Problems are returned with byte offsets into the Markdown body; the loader
//! knows where the body starts in the file and turns them into lines.

use std::collections::HashMap;
use std::iter::Peekable;

use pulldown_cmark::{Alignment, BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, Options, Tag};

use super::ast::*;
use crate::diagnostics::Severity;

/// A problem found while parsing, at a byte offset of the Markdown body.
#[derive(Debug, Clone)]
pub struct Problem {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: String,
    pub offset: usize,
}

/// Chapter settings that change how the body is parsed.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Number paragraphs (3.1, 3.2...).
    pub numbered: bool,
    /// The chapter's own number, used for paragraphs before the first `##`.
    pub chapter_number: Option<String>,
    /// The first `##` section's number in a numbered chapter.
    pub first_section: u32,
}

pub fn parse(markdown: &str, opts: &ParseOptions) -> (Document, Vec<Problem>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST;
    // A character reference (`&#1;`) is decoded by the parser into a text
    // event of its own that starts at the `&`: the one way to write a
    // control character in Markdown without typing it (typed ones are
    // found when the file is read, see crate::controls).
    let references = std::cell::RefCell::new(Vec::new());
    let parser = pulldown_cmark::Parser::new_ext(markdown, options)
        .into_offset_iter()
        .inspect(|(event, range)| {
            if let Event::Text(t) = event
                && markdown.as_bytes().get(range.start) == Some(&b'&')
                && let Some(c) = t.chars().find(|&c| crate::controls::forbidden(c))
            {
                references.borrow_mut().push((range.clone(), c));
            }
        });
    let mut b = Builder {
        events: parser.peekable(),
        footnote_defs: Vec::new(),
        problems: Vec::new(),
        depth: 0,
    };
    let blocks = b.blocks_until_end();
    let mut problems = std::mem::take(&mut b.problems);
    for (range, c) in references.take() {
        let d = crate::controls::diagnostic(c, Some(&markdown[range.clone()]), false);
        problems.push(Problem {
            severity: Severity::Error,
            code: d.code,
            message: d.message,
            hint: d.hint.unwrap_or_default(),
            offset: range.start,
        });
    }
    let mut doc = Document {
        blocks,
        footnotes: Vec::new(),
    };
    if opts.numbered {
        number_paragraphs(&mut doc.blocks, opts);
    }
    number_footnotes(&mut doc, b.footnote_defs, &mut problems);
    // After the footnotes are attached, so that headings and case studies
    // in a note get ids too (after those of the body).
    assign_ids_and_levels(&mut doc);
    (doc, problems)
}

struct Builder<'a, I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>> {
    events: Peekable<I>,
    footnote_defs: Vec<(String, Vec<Block>, usize)>,
    problems: Vec<Problem>,
    /// How many containers deep the builder is; see [`MAX_DEPTH`].
    depth: usize,
}

/// Deeper nesting than this (quotes in quotes in lists...) is flattened to
/// text. No report needs it, and it keeps hostile input such as 100,000 `>`
/// characters from exhausting the stack of every recursive pass.
const MAX_DEPTH: usize = 16;

impl<'a, I: Iterator<Item = (Event<'a>, std::ops::Range<usize>)>> Builder<'a, I> {
    /// Blocks until the end tag that closes the current container (or the end
    /// of input). Inline events met at block level (tight list items) are
    /// gathered into [`Block::Plain`].
    fn blocks_until_end(&mut self) -> Vec<Block> {
        let mut out = Vec::new();
        let mut plain: Vec<Inline> = Vec::new();
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::End(_) => break,
                Event::Start(tag) if is_block(&tag) => {
                    if !plain.is_empty() {
                        out.push(Block::Plain(std::mem::take(&mut plain)));
                    }
                    if let Some(block) = self.block(tag, range) {
                        out.push(block);
                    }
                }
                Event::Rule => {
                    if !plain.is_empty() {
                        out.push(Block::Plain(std::mem::take(&mut plain)));
                    }
                    out.push(Block::Rule);
                }
                Event::Html(html) => {
                    if !plain.is_empty() {
                        out.push(Block::Plain(std::mem::take(&mut plain)));
                    }
                    if !is_comment(&html) {
                        out.push(Block::RawHtml(html.to_string()));
                    }
                }
                other => {
                    if let Some(i) = self.inline(other, range) {
                        plain.push(i);
                    }
                }
            }
        }
        if !plain.is_empty() {
            plain.shrink_to_fit();
            out.push(Block::Plain(plain));
        }
        // Without the room left over from growing: every chapter's tree is
        // held until its pages are written, and the spare room in its lists
        // of blocks (a list item's one block sat in room for four) was a
        // noticeable part of a large build's memory. Each page of memory
        // costs the kernel a page fault and clearing it, so giving that back
        // made large builds faster as well as smaller (docs/performance.md).
        out.shrink_to_fit();
        out
    }

    fn inlines_until_end(&mut self) -> Vec<Inline> {
        // Room for one: most runs of inlines are one piece of text (a
        // table cell, a heading), which then needs neither a larger
        // allocation nor shrinking at the end.
        let mut out = Vec::with_capacity(1);
        // A run of text events (pulldown-cmark splits text at brackets)
        // from its first `[` on, and where that `[` is, to find `[^label]`
        // references that have no definition. Text before the first `[`
        // cannot hold one, so most text is never copied here. (Searched
        // with `memchr`: `str::find` spends more setting up than searching
        // pieces of text this short.)
        let mut run = String::new();
        let mut run_start = 0;
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::End(_) => break,
                Event::Text(t) => {
                    if !run.is_empty() {
                        run.push_str(&t);
                    } else if let Some(i) = memchr::memchr(b'[', t.as_bytes()) {
                        run_start = range.start + i;
                        run.push_str(&t[i..]);
                    }
                    push_text(&mut out, t);
                }
                other => {
                    if !run.is_empty() {
                        self.undefined_footnotes(&std::mem::take(&mut run), run_start);
                    }
                    if let Some(i) = self.inline(other, range) {
                        match i {
                            Inline::Text(t) => push_text(&mut out, t.into()),
                            i => out.push(i),
                        }
                    }
                }
            }
        }
        if !run.is_empty() {
            self.undefined_footnotes(&run, run_start);
        }
        // Trees are kept for the whole build, and most of a large build's
        // memory: room to grow is of no use once a run of inlines is done.
        out.shrink_to_fit();
        out
    }

    fn inline(&mut self, event: Event<'a>, range: std::ops::Range<usize>) -> Option<Inline> {
        Some(match event {
            Event::Text(t) => Inline::Text(t.into_string()),
            Event::Code(t) => Inline::Code(t.into_string()),
            Event::InlineMath(t) | Event::DisplayMath(t) => Inline::Code(t.into_string()),
            Event::InlineHtml(h) | Event::Html(h) => {
                if is_comment(&h) {
                    return None;
                }
                Inline::RawHtml(h.into_string())
            }
            Event::FootnoteReference(label) => Inline::FootnoteRef {
                label: label.into_string(),
                number: 0,
                occurrence: 0,
                offset: range.start,
            },
            Event::SoftBreak => Inline::SoftBreak,
            Event::HardBreak => Inline::HardBreak,
            Event::TaskListMarker(done) => Inline::TaskMarker(done),
            Event::Rule => Inline::Text(String::new()),
            Event::Start(_) if self.depth >= MAX_DEPTH => {
                Inline::Text(self.flatten_too_deep(range.start))
            }
            Event::Start(tag) => match tag {
                Tag::Emphasis => Inline::Emphasis(self.nested(|b| b.inlines_until_end())),
                Tag::Strong => Inline::Strong(self.nested(|b| b.inlines_until_end())),
                Tag::Strikethrough => Inline::Strikethrough(self.nested(|b| b.inlines_until_end())),
                Tag::Superscript => Inline::Superscript(self.nested(|b| b.inlines_until_end())),
                Tag::Subscript => Inline::Subscript(self.nested(|b| b.inlines_until_end())),
                Tag::Link {
                    dest_url, title, ..
                } => Inline::Link(Box::new(Link {
                    dest: dest_url.into_string(),
                    title: title.into_string(),
                    content: self.nested(|b| b.inlines_until_end()),
                    target: LinkTarget::Unresolved,
                    offset: range.start,
                })),
                Tag::Image {
                    dest_url, title, ..
                } => {
                    let alt = plain_text(&self.inlines_until_end());
                    Inline::Image(Box::new(Image {
                        src: dest_url.into_string(),
                        alt,
                        title: title.into_string(),
                        target: LinkTarget::Unresolved,
                        size: None,
                        offset: range.start,
                    }))
                }
                other => {
                    // A block tag in inline position cannot happen in
                    // well-formed event streams; keep its text regardless.
                    let _ = self.block(other, range);
                    return None;
                }
            },
            Event::End(_) => return None,
        })
    }

    /// pulldown-cmark leaves a reference to an undefined note as text
    /// (`[^label]`); report it where it stands.
    fn undefined_footnotes(&mut self, text: &str, offset: usize) {
        let mut rest = text;
        let mut base = offset;
        while let Some(i) = rest.find("[^") {
            let after = &rest[i + 2..];
            if let Some(end) = after.find(']') {
                let label = &after[..end];
                if !label.is_empty() && !label.contains(char::is_whitespace) {
                    self.problems.push(Problem {
                        severity: Severity::Error,
                        code: "footnote-undefined",
                        message: format!("footnote `[^{label}]` is used but never defined"),
                        hint: format!("add a line `[^{label}]: the note text` to this chapter"),
                        offset: base + i,
                    });
                }
            }
            base += i + 2;
            rest = after;
        }
    }

    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// Consumes the rest of a container that is nested too deeply, keeping
    /// its text, and reports it once.
    fn flatten_too_deep(&mut self, offset: usize) -> String {
        if !self.problems.iter().any(|p| p.code == "nesting-too-deep") {
            self.problems.push(Problem {
                // An error, not a warning: no report nests this deep, so it
                // is a mistake or an attack, and either way the page would
                // not read as the author meant.
                severity: Severity::Error,
                code: "nesting-too-deep",
                message: format!(
                    "content is nested more than {MAX_DEPTH} levels deep (quotes in quotes, lists in lists)"
                ),
                hint: "check for stray `>`, `-` or `*` characters at the start of lines".into(),
                offset,
            });
        }
        let mut open = 1usize;
        let mut text = String::new();
        for (ev, _) in self.events.by_ref() {
            match ev {
                Event::Start(_) => open += 1,
                Event::End(_) => {
                    open -= 1;
                    if open == 0 {
                        break;
                    }
                }
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                Event::SoftBreak | Event::HardBreak => text.push(' '),
                _ => {}
            }
        }
        text
    }

    fn block(&mut self, tag: Tag<'a>, range: std::ops::Range<usize>) -> Option<Block> {
        if self.depth >= MAX_DEPTH {
            let text = self.flatten_too_deep(range.start);
            return Some(Block::Plain(vec![Inline::Text(text)]));
        }
        self.nested(|b| b.block_inner(tag, range))
    }

    fn block_inner(&mut self, tag: Tag<'a>, range: std::ops::Range<usize>) -> Option<Block> {
        Some(match tag {
            Tag::Paragraph => Block::Paragraph {
                number: None,
                content: self.inlines_until_end(),
            },
            Tag::Heading {
                level, id, classes, ..
            } => Block::Heading {
                level: heading_level(level),
                id: id.map(|i| i.into_string()).unwrap_or_default(),
                classes: classes.into_iter().map(|c| c.into_string()).collect(),
                number: None,
                content: self.inlines_until_end(),
                offset: range.start,
            },
            Tag::BlockQuote(kind) => {
                let children = self.blocks_until_end();
                self.component_or_quote(kind, children, range.start)
            }
            Tag::CodeBlock(kind) => {
                let mut code = String::new();
                for (ev, _) in self.events.by_ref() {
                    match ev {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                    CodeBlockKind::Indented => None,
                };
                Block::Code { lang, code }
            }
            Tag::HtmlBlock => {
                let mut html = String::new();
                for (ev, _) in self.events.by_ref() {
                    match ev {
                        Event::Html(h) | Event::Text(h) => html.push_str(&h),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                if is_comment(&html) {
                    return None;
                }
                Block::RawHtml(html)
            }
            Tag::List(start) => {
                let mut items = Vec::new();
                while let Some((ev, _)) = self.events.next() {
                    match ev {
                        Event::Start(Tag::Item) => {
                            let mut blocks = self.blocks_until_end();
                            let task = take_task_marker(&mut blocks);
                            items.push(ListItem { task, blocks });
                        }
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::List {
                    ordered: start.is_some(),
                    start: start.unwrap_or(1),
                    items,
                }
            }
            Tag::FootnoteDefinition(label) => {
                let blocks = self.blocks_until_end();
                self.footnote_defs
                    .push((label.into_string(), blocks, range.start));
                return None;
            }
            Tag::DefinitionList => {
                let mut items = Vec::new();
                while let Some((ev, _)) = self.events.next() {
                    match ev {
                        Event::Start(Tag::DefinitionListTitle) => {
                            items.push(Definition::Term(self.inlines_until_end()))
                        }
                        Event::Start(Tag::DefinitionListDefinition) => {
                            items.push(Definition::Details(self.blocks_until_end()))
                        }
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::DefinitionList(items)
            }
            Tag::Table(aligns) => {
                let align = aligns
                    .into_iter()
                    .map(|a| match a {
                        Alignment::None => Align::None,
                        Alignment::Left => Align::Left,
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                    })
                    .collect();
                let mut head = Vec::new();
                let mut rows = Vec::new();
                while let Some((ev, _)) = self.events.next() {
                    match ev {
                        Event::Start(Tag::TableHead) => head = self.table_cells(),
                        Event::Start(Tag::TableRow) => rows.push(self.table_cells()),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                Block::Table {
                    align,
                    head,
                    rows,
                    offset: range.start,
                }
            }
            _ => {
                // Containers we do not model (metadata blocks are not enabled):
                // keep their content rather than lose it.
                let children = self.blocks_until_end();
                Block::BlockQuote(children)
            }
        })
    }

    fn table_cells(&mut self) -> Vec<Vec<Inline>> {
        let mut cells = Vec::new();
        while let Some((ev, _)) = self.events.next() {
            match ev {
                Event::Start(Tag::TableCell) => cells.push(self.inlines_until_end()),
                Event::End(_) => break,
                _ => {}
            }
        }
        // Held as long as the chapter is (see `blocks_until_end`).
        cells.shrink_to_fit();
        cells
    }

    /// A quote block whose first line is `[!KIND] title` is a component.
    fn component_or_quote(
        &mut self,
        gfm_kind: Option<BlockQuoteKind>,
        mut children: Vec<Block>,
        offset: usize,
    ) -> Block {
        // GFM alerts are not enabled in the parser (so that all markers go
        // through one path), but stay correct if they ever are.
        let marker = if let Some(k) = gfm_kind {
            Some((
                match k {
                    BlockQuoteKind::Note => "NOTE",
                    BlockQuoteKind::Tip => "TIP",
                    BlockQuoteKind::Important => "IMPORTANT",
                    BlockQuoteKind::Warning => "WARNING",
                    BlockQuoteKind::Caution => "CAUTION",
                }
                .to_string(),
                Vec::new(),
            ))
        } else {
            take_marker(&mut children)
        };
        let Some((marker, title)) = marker else {
            return Block::BlockQuote(children);
        };
        let upper = marker.to_ascii_uppercase();
        let title_text = plain_text(&title).trim().to_string();
        let kind = match upper.as_str() {
            "NOTE" => ComponentKind::Callout(CalloutKind::Note),
            "TIP" => ComponentKind::Callout(CalloutKind::Tip),
            "IMPORTANT" => ComponentKind::Callout(CalloutKind::Important),
            "WARNING" => ComponentKind::Callout(CalloutKind::Warning),
            "CAUTION" => ComponentKind::Callout(CalloutKind::Caution),
            "CASE-STUDY" | "CASESTUDY" | "CASE_STUDY" => ComponentKind::CaseStudy,
            "QUOTE" => ComponentKind::Quote,
            "SIGNATURE" => ComponentKind::Signature,
            "STAT" => ComponentKind::Stat,
            "CORRECTION" => ComponentKind::Correction(title_text.clone()),
            "RECOMMENDATIONS" => ComponentKind::Recommendations,
            "ACTIONS" => ComponentKind::Actions,
            "TABLE" => ComponentKind::Table,
            "CHART" => ComponentKind::Chart,
            _ => {
                self.problems.push(Problem {
                    severity: Severity::Error,
                    code: "unknown-component",
                    message: format!("unknown component `[!{marker}]`"),
                    hint: format!(
                        "use one of: {}",
                        ComponentKind::MARKERS
                            .iter()
                            .map(|m| format!("[!{m}]"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    offset,
                });
                return Block::BlockQuote(children);
            }
        };
        let needs_title = match &kind {
            ComponentKind::CaseStudy => {
                Some("the case study's title, e.g. `> [!CASE-STUDY] Mentoring in Lozells`")
            }
            ComponentKind::Stat => Some(
                "the figure, e.g. `> [!STAT] £4,034,000`, or one from a table: `> [!STAT] [](data:budget/total/amount)`",
            ),
            ComponentKind::Table | ComponentKind::Chart => {
                Some("the table's name, e.g. `> [!TABLE] funding-by-area`")
            }
            ComponentKind::Correction(_) => {
                Some("the date of the correction, e.g. `> [!CORRECTION] 2013-01-15`")
            }
            _ => None,
        };
        // `> [!STAT] [](data:budget/total/amount)`: the figure is written
        // in by rapport, so an empty link to one is a title.
        let figure_link = title
            .iter()
            .any(|i| matches!(i, Inline::Link(l) if l.dest.starts_with("data:")));
        if let Some(example) = needs_title
            && title_text.is_empty()
            && !figure_link
        {
            self.problems.push(Problem {
                severity: Severity::Error,
                code: "component-title",
                message: format!("`[!{upper}]` needs a title after the marker"),
                hint: format!("write {example}"),
                offset,
            });
        }
        if let ComponentKind::Correction(date) = &kind
            && !date.is_empty()
            && date.parse::<jiff::civil::Date>().is_err()
        {
            self.problems.push(Problem {
                severity: Severity::Error,
                code: "bad-date",
                message: format!("`{date}` is not a date"),
                hint:
                    "write the correction's date as YYYY-MM-DD, e.g. `> [!CORRECTION] 2013-01-15`"
                        .into(),
                offset,
            });
        }
        let attribution = if kind == ComponentKind::Quote {
            take_attribution(&mut children)
        } else {
            None
        };
        Block::Component(Box::new(Component {
            kind,
            title,
            body: children,
            attribution,
            id: String::new(),
            heading_level: 2,
            offset,
        }))
    }
}

fn is_block(tag: &Tag) -> bool {
    !matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_comment(html: &str) -> bool {
    let t = html.trim();
    t.starts_with("<!--") && t.ends_with("-->")
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Adds text to an inline list, joined to the text before it if any:
/// pulldown-cmark splits text at brackets and smart quotes, and one run
/// makes marker detection and output simpler (and saves an allocation per
/// piece).
fn push_text(out: &mut Vec<Inline>, text: pulldown_cmark::CowStr) {
    if let Some(Inline::Text(prev)) = out.last_mut() {
        prev.push_str(&text);
    } else {
        out.push(Inline::Text(text.into_string()));
    }
}

fn first_inlines(blocks: &mut [Block]) -> Option<&mut Vec<Inline>> {
    match blocks.first_mut()? {
        Block::Paragraph { content, .. } | Block::Plain(content) => Some(content),
        _ => None,
    }
}

/// Removes a leading `[!KIND] title` line from the first paragraph and returns
/// the marker and the title's inline content.
fn take_marker(children: &mut Vec<Block>) -> Option<(String, Vec<Inline>)> {
    let content = first_inlines(children)?;
    let Some(Inline::Text(first)) = content.first() else {
        return None;
    };
    let rest = first.strip_prefix("[!")?;
    let end = rest.find(']')?;
    let marker = rest[..end].trim().to_string();
    if marker.is_empty()
        || !marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let after = rest[end + 1..].trim_start().to_string();
    // The title runs to the end of the first line.
    let mut title = Vec::new();
    if !after.is_empty() {
        title.push(Inline::Text(after));
    }
    let mut i = 1;
    while i < content.len() {
        if matches!(content[i], Inline::SoftBreak | Inline::HardBreak) {
            i += 1;
            break;
        }
        title.push(content[i].clone());
        i += 1;
    }
    let remaining: Vec<Inline> = content.drain(i.min(content.len())..).collect();
    if remaining.is_empty() {
        children.remove(0);
    } else {
        *content = remaining;
    }
    if let Some(Inline::Text(t)) = title.last_mut() {
        let trimmed = t.trim_end().to_string();
        *t = trimmed;
    }
    Some((marker, title))
}

/// A quote's last paragraph, when it starts with a dash, names who said it.
fn take_attribution(children: &mut Vec<Block>) -> Option<Vec<Inline>> {
    let Some(Block::Paragraph { content, .. }) = children.last_mut() else {
        return None;
    };
    let Some(Inline::Text(first)) = content.first_mut() else {
        return None;
    };
    // Smart punctuation has already turned `--` into an en dash.
    let stripped = ["--", "—", "–", "―"]
        .iter()
        .find_map(|d| first.strip_prefix(d))?
        .trim_start()
        .to_string();
    *first = stripped;
    let content = std::mem::take(content);
    children.pop();
    Some(content)
}

fn take_task_marker(blocks: &mut [Block]) -> Option<bool> {
    let content = first_inlines(blocks)?;
    if let Some(Inline::TaskMarker(done)) = content.first() {
        let done = *done;
        content.remove(0);
        if let Some(Inline::Text(t)) = content.first_mut() {
            *t = t.trim_start().to_string();
        }
        return Some(done);
    }
    None
}

/// Heading ids: the author's `{#id}` or a slug of the text, made unique within
/// the chapter (`-2`, `-3`). Case studies get an id and a heading level one
/// below the heading they follow, so levels never skip.
fn assign_ids_and_levels(doc: &mut Document) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    // Reserve the ids authors chose so that generated ids avoid them.
    doc.walk_blocks(&mut |b| {
        if let Block::Heading { id, .. } = b
            && !id.is_empty()
        {
            seen.insert(id.clone(), 1);
        }
    });
    let unique = |base: String, seen: &mut HashMap<String, usize>| -> String {
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let Some(&first) = seen.get(&base) else {
            seen.insert(base.clone(), 1);
            return base;
        };
        let mut n = first;
        loop {
            n += 1;
            let candidate = format!("{base}-{n}");
            if !seen.contains_key(&candidate) {
                seen.insert(base.clone(), n);
                seen.insert(candidate.clone(), 1);
                return candidate;
            }
        }
    };
    // The chapter title is the page's h1; the notes come under a heading
    // of their own, so a case study in a note follows that.
    let last_level = std::cell::Cell::new(1u8);
    let mut assign = |b: &mut Block| {
        match b {
            Block::Heading {
                id, content, level, ..
            } => {
                if id.is_empty() {
                    *id = unique(slug::slugify(plain_text(content)), &mut seen);
                }
                last_level.set(*level);
            }
            Block::Component(c) if c.kind == ComponentKind::CaseStudy => {
                c.id = unique(
                    format!("case-study-{}", slug::slugify(plain_text(&c.title))),
                    &mut seen,
                );
                c.heading_level = (last_level.get() + 1).clamp(2, 6);
            }
            // A summary of actions has a heading per theme.
            Block::Component(c) if c.kind == ComponentKind::Actions => {
                c.id = unique("actions".to_string(), &mut seen);
                c.heading_level = (last_level.get() + 1).clamp(2, 6);
            }
            _ => {}
        }
        Walk::Enter
    };
    walk_blocks_mut(&mut doc.blocks, &mut assign);
    last_level.set(NOTES_HEADING_LEVEL);
    for note in &mut doc.footnotes {
        walk_blocks_mut(&mut note.blocks, &mut assign);
    }
}

/// Numbers the top-level paragraphs of a numbered chapter (see the
/// authoring reference): `##` headings are sections, paragraphs are
/// numbered within them.
fn number_paragraphs(blocks: &mut [Block], opts: &ParseOptions) {
    let mut section: Option<String> = opts.chapter_number.clone();
    let mut next_section = opts.first_section.max(1);
    let mut para = 0u32;
    for b in blocks {
        match b {
            Block::Heading {
                level: 2, number, ..
            } => {
                let n = next_section.to_string();
                next_section += 1;
                *number = Some(n.clone());
                section = Some(n);
                para = 0;
            }
            Block::Paragraph { number, .. } => {
                if let Some(s) = &section {
                    para += 1;
                    *number = Some(format!("{s}.{para}"));
                }
            }
            _ => {}
        }
    }
}

/// Numbers footnotes in the order they are first referenced, attaches their
/// definitions, and reports references without definitions and definitions
/// never referenced.
fn number_footnotes(
    doc: &mut Document,
    defs: Vec<(String, Vec<Block>, usize)>,
    problems: &mut Vec<Problem>,
) {
    let mut defs: Vec<Option<(String, Vec<Block>, usize)>> = defs.into_iter().map(Some).collect();
    // Each label's first definition, found by lookup: searching the list
    // for each new reference made a chapter with many notes quadratic.
    let mut first_def: HashMap<String, usize> = HashMap::new();
    for (i, d) in defs.iter().enumerate() {
        if let Some((l, _, _)) = d {
            first_def.entry(l.to_lowercase()).or_insert(i);
        }
    }
    let mut order: Vec<(String, Vec<Block>)> = Vec::new();
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new(); // label -> (number, refs)
    let mut unresolved = Vec::new();
    // Footnote definitions can themselves reference notes; walk them as they
    // are attached, until no new notes appear.
    let mut pending_blocks = std::mem::take(&mut doc.blocks);
    let mut walk = |blocks: &mut Vec<Block>,
                    order: &mut Vec<(String, Vec<Block>)>,
                    defs: &mut Vec<Option<(String, Vec<Block>, usize)>>| {
        for_each_inline_mut(blocks, &mut |i| {
            if let Inline::FootnoteRef {
                label,
                number,
                occurrence,
                offset,
            } = i
            {
                let key = label.to_lowercase();
                if let Some((n, refs)) = counts.get_mut(&key) {
                    *refs += 1;
                    *number = *n;
                    *occurrence = *refs;
                    return;
                }
                let def = first_def.get(&key).and_then(|&i| defs[i].take());
                match def {
                    Some((l, blocks, _)) => {
                        let n = order.len() + 1;
                        counts.insert(key, (n, 1));
                        order.push((l, blocks));
                        *number = n;
                        *occurrence = 1;
                    }
                    None => unresolved.push((label.clone(), *offset)),
                }
            }
        });
    };
    walk(&mut pending_blocks, &mut order, &mut defs);
    let mut i = 0;
    while i < order.len() {
        let mut blocks = std::mem::take(&mut order[i].1);
        walk(&mut blocks, &mut order, &mut defs);
        order[i].1 = blocks;
        i += 1;
    }
    doc.blocks = pending_blocks;
    for (label, offset) in unresolved {
        problems.push(Problem {
            severity: Severity::Error,
            code: "footnote-undefined",
            message: format!("footnote `[^{label}]` is used but never defined"),
            hint: format!("add a line `[^{label}]: the note text` to this chapter"),
            offset,
        });
    }
    for (label, _, offset) in defs.into_iter().flatten() {
        problems.push(Problem {
            severity: Severity::Warning,
            code: "footnote-unused",
            message: format!("footnote `[^{label}]` is defined but never used"),
            hint: format!("refer to it with `[^{label}]` in the text, or delete it"),
            offset,
        });
    }
    doc.footnotes = order
        .into_iter()
        .enumerate()
        .map(|(i, (label, blocks))| {
            let references = counts.get(&label.to_lowercase()).map(|c| c.1).unwrap_or(1);
            Footnote {
                label,
                number: i + 1,
                blocks,
                references,
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(md: &str) -> (Document, Vec<Problem>) {
        parse(md, &ParseOptions::default())
    }

    #[test]
    fn split_text_is_joined_and_inline_lists_keep_no_spare_room() {
        // Smart quotes and brackets split text into many events; they are
        // joined into one text, and the finished list is shrunk to fit.
        // Without the shrinking, a large build's peak memory grew markedly
        // (docs/performance.md).
        let (d, p) = doc("It's \"quoted\" [not a link] and *more* 'text' here.\n");
        assert!(p.is_empty(), "{p:?}");
        let Block::Paragraph { content, .. } = &d.blocks[0] else {
            panic!("{:?}", d.blocks)
        };
        assert!(matches!(&content[0], Inline::Text(t) if t == "It’s “quoted” [not a link] and "));
        assert_eq!(content.len(), 3, "{content:?}");
        assert_eq!(content.capacity(), content.len());
    }

    #[test]
    fn lists_of_blocks_and_table_rows_keep_no_spare_room() {
        // A chapter's tree is held until its pages are written: a tight
        // list item's one block in room for four, and a row of three cells
        // in room for four, were a noticeable part of a large build's memory.
        let md =
            "# Title\n\nText.\n\n- one\n- two\n\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n";
        let (d, p) = doc(md);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(d.blocks.len(), 4, "{:?}", d.blocks);
        assert_eq!(d.blocks.capacity(), d.blocks.len());
        let Block::List { items, .. } = &d.blocks[2] else {
            panic!("{:?}", d.blocks)
        };
        for item in items {
            assert_eq!(item.blocks.len(), 1, "{:?}", item.blocks);
            assert_eq!(item.blocks.capacity(), 1);
            let Block::Plain(content) = &item.blocks[0] else {
                panic!("{:?}", item.blocks)
            };
            assert_eq!(content.capacity(), content.len());
        }
        let Block::Table { head, rows, .. } = &d.blocks[3] else {
            panic!("{:?}", d.blocks)
        };
        assert_eq!((head.len(), head.capacity()), (3, 3));
        assert_eq!((rows[0].len(), rows[0].capacity()), (3, 3));
    }

    #[test]
    fn an_undefined_footnote_is_found_after_other_brackets() {
        // Only text from the first `[` on is scanned for `[^label]`; the
        // offset must still be the reference's own.
        let md = "See [this] and [^missing] too.\n";
        let (_, p) = doc(md);
        let undefined: Vec<_> = p
            .iter()
            .filter(|p| p.code == "footnote-undefined")
            .collect();
        assert_eq!(undefined.len(), 1, "{p:?}");
        assert_eq!(undefined[0].offset, md.find("[^").unwrap());
    }

    #[test]
    fn components_are_recognised_with_titles() {
        let (d, p) = doc("> [!CASE-STUDY] Mentoring *works*\n> Body text.\n");
        assert!(p.is_empty(), "{p:?}");
        let Block::Component(c) = &d.blocks[0] else {
            panic!("{:?}", d.blocks)
        };
        assert_eq!(c.kind, ComponentKind::CaseStudy);
        assert_eq!(plain_text(&c.title), "Mentoring works");
        assert_eq!(c.id, "case-study-mentoring-works");
        assert_eq!(c.body.len(), 1);
    }

    #[test]
    fn quote_attribution_is_taken_from_a_dash_paragraph() {
        let (d, _) = doc("> [!QUOTE]\n> It helped.\n>\n> -- A parent\n");
        let Block::Component(c) = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(plain_text(c.attribution.as_ref().unwrap()), "A parent");
        assert_eq!(c.body.len(), 1);
    }

    #[test]
    fn unknown_marker_is_an_error() {
        let (_, p) = doc("> [!FOOTNOTE] x\n");
        assert_eq!(p[0].code, "unknown-component");
    }

    #[test]
    fn plain_quotes_and_links_in_brackets_stay_quotes() {
        let (d, p) = doc("> [a link](x.md) in a quote\n");
        assert!(p.is_empty());
        assert!(matches!(d.blocks[0], Block::BlockQuote(_)));
    }

    #[test]
    fn heading_ids_are_unique_and_respect_custom_ids() {
        let (d, _) = doc("## Funding\n\n## Funding\n\n## Other {#funding-2}\n");
        let ids: Vec<_> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["funding", "funding-3", "funding-2"]);
    }

    #[test]
    fn headings_in_notes_and_definitions_get_ids_and_levels_like_any_other() {
        // An id the author chose in a quote is reserved, as one at the top
        // is; headings and case studies in a definition or a note get ids,
        // and a case study in a note sits under the notes' own h2.
        let md = "## Funding\n\n> ## Aside {#funding-2}\n\nTerm\n: > [!CASE-STUDY] In a definition\n  > Text.\n\nText.[^a]\n\n#### Deep\n\n[^a]: A note.\n\n    ### Funding\n\n    > [!CASE-STUDY] In a note\n    > Text.\n";
        let (d, p) = doc(md);
        assert!(p.is_empty(), "{p:?}");
        let mut ids = Vec::new();
        d.walk_blocks(&mut |b| match b {
            Block::Heading { id, .. } => ids.push(id.clone()),
            Block::Component(c) => ids.push(format!("{} (h{})", c.id, c.heading_level)),
            _ => {}
        });
        assert_eq!(
            ids,
            [
                "funding",
                "funding-2",
                "case-study-in-a-definition (h3)",
                "deep",
                "funding-3",
                "case-study-in-a-note (h4)",
            ]
        );
    }

    #[test]
    fn paragraphs_are_numbered_within_sections() {
        let opts = ParseOptions {
            numbered: true,
            chapter_number: None,
            first_section: 2,
        };
        let (d, _) = parse(
            "Intro.\n\n## A\n\nOne.\n\n- list\n\nTwo.\n\n## B\n\nThree.\n",
            &opts,
        );
        let nums: Vec<_> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph { number, .. } | Block::Heading { number, .. } => {
                    Some(number.clone().unwrap_or_default())
                }
                _ => None,
            })
            .collect();
        assert_eq!(nums, ["", "2", "2.1", "2.2", "3", "3.1"]);
    }

    #[test]
    fn footnotes_number_by_first_use_and_report_missing_ones() {
        let (d, p) = doc(
            "B[^b] then A[^a] and B again[^b] and [^zz].\n\n[^a]: A.\n[^b]: B.\n[^c]: unused\n",
        );
        assert_eq!(d.footnotes.len(), 2);
        assert_eq!(d.footnotes[0].label, "b");
        assert_eq!(d.footnotes[0].references, 2);
        let codes: Vec<_> = p.iter().map(|p| p.code).collect();
        assert!(codes.contains(&"footnote-undefined"));
        assert!(codes.contains(&"footnote-unused"));
    }

    #[test]
    fn hostile_nesting_is_flattened_not_a_stack_overflow() {
        let md = format!(
            "{} x\n\n{}y\n\n{}z{}\n",
            ">".repeat(100_000),
            "- ".repeat(50_000),
            "*".repeat(50_000),
            "*".repeat(50_000)
        );
        let (d, p) = doc(&md);
        assert!(!d.blocks.is_empty());
        assert!(p.iter().any(|p| p.code == "nesting-too-deep"));
        let html = crate::markdown::html::render(
            &d,
            &crate::markdown::html::HtmlOptions {
                id_prefix: "",
                heading_offset: 0,
                links: &NoLinks,
                raw_html: Default::default(),
                components: &crate::render::templates::Templates::built_in(),
            },
        )
        .unwrap();
        assert!(html.contains('x') && html.contains('y'));
    }

    struct NoLinks;
    impl crate::markdown::html::LinkResolver for NoLinks {
        fn href(&self, _: &LinkTarget, dest: &str) -> String {
            dest.to_string()
        }
    }

    #[test]
    fn task_markers_move_onto_items() {
        let (d, _) = doc("- [x] done\n- [ ] todo\n");
        let Block::List { items, .. } = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(items[0].task, Some(true));
        assert_eq!(items[1].task, Some(false));
    }

    #[test]
    fn html_comments_vanish_and_other_html_is_kept_as_text() {
        let (d, _) = doc("<!-- editor's note -->\n\n<script>alert(1)</script>\n");
        assert_eq!(d.blocks.len(), 1);
        assert!(matches!(&d.blocks[0], Block::RawHtml(h) if h.contains("<script>")));
    }
}
