//! Document trees to Typst markup.
//!
//! Every piece of the authors' text goes into Typst as a string literal
//! (`#"..."`), never as markup, so nothing a report says can be read as a
//! Typst command: `#`, `*`, `$` or `{{ }}` in a chapter print as written.
//! Structure is expressed with function calls (`#heading`, `#table`, the
//! template's `#callout` and friends), which the template styles.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write;

use crate::markdown::ast::*;
use crate::model::{Report, Site};
use crate::routes::Routes;
use crate::routes::item_anchor;

/// A Typst string literal.
///
/// Control characters are left out: the PDF engine cannot set them, and
/// each is already an error at its place in the sources
/// (crate::controls), but the PDF is still typeset then, to report the
/// template's problems in the same run.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `words.typ`: the interface strings the PDF template uses, as one
/// Typst dictionary (`#import "words.typ": words`, then `words.contents`),
/// so the PDF speaks the site's language and wording as its pages do.
pub fn words(strings: &crate::strings::Strings) -> String {
    let mut out = String::from("#let words = (\n");
    for key in PDF_WORDS {
        let text = strings.format(key, None, &[]).unwrap_or_default();
        let _ = writeln!(out, "  {}: {},", key.replace('_', "-"), lit(&text));
    }
    out.push_str(")\n");
    out
}

/// An interface string with its places filled (the theme's strings have
/// every key, so none is missing).
fn word(strings: &crate::strings::Strings, key: &str, args: &[(&str, &str)]) -> String {
    strings.format(key, None, args).unwrap_or_default()
}

/// A direction arrow (`▲`, `▼`, or `▬` for no change) as a small SVG in the
/// web's colours for a good or bad change.
fn direction_svg(arrow: &str, tone: &str) -> String {
    let fill = match tone {
        "good" => "#00703c",
        "bad" => "#a8281a",
        _ => "#0b0c0c",
    };
    let shape = match arrow.trim() {
        "▲" => "<polygon points='0,10 5,0 10,10'/>",
        "▼" => "<polygon points='0,0 10,0 5,10'/>",
        _ => "<rect x='0' y='4' width='10' height='3'/>",
    };
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10' width='10' height='10' fill='{fill}'>{shape}</svg>"
    )
}

/// Tables of up to this many body rows are never split across pages.
const SHORT_TABLE_ROWS: usize = 15;

/// The typefaces after the organisation's own: a sans-serif embedded in the
/// binary (reports read as public documents, not papers), then the serif
/// Typst embeds, whose wider character set catches what the first lacks.
pub const FALLBACK_FONTS: [&str; 2] = ["Noto Sans", "Libertinus Serif"];

/// The strings of `words.typ`.
const PDF_WORDS: &[&str] = &[
    "contents",
    "corrections",
    "cover_period",
    "cover_published",
    "page_of",
    "case_study",
    "correction",
];

/// A label name made only of characters Typst allows.
fn label(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn chapter_label(slug: &str) -> String {
    label(&format!("chapter-{slug}"))
}

/// The label of an invisible mark at the start of the body, which the
/// layout finds from its second pass on: how the links below and the
/// default template's contents draft tell the first pass.
const PLACED: &str = "rapport-placed";

/// How a link to a place in the document is written. On the first layout
/// pass no label has been placed, and a Typst `link` to one sets nothing,
/// not even its words: the lines around it move, and the layout needs a
/// further pass to settle (a table of recommendations, each title a link to
/// its page, cost one). So until the body's mark ([`PLACED`]) is found the
/// words are set alone, as the link will set them (a link never
/// hyphenates); from then on the link, which fails as it always did if its
/// label is missing.
fn in_document_link() -> String {
    format!(
        "#let in-document-link(target, body) = context {{\n  if query(<{PLACED}>).len() == 0 {{ text(hyphenate: false, body) }} else {{ link(target, body) }}\n}}\n"
    )
}

/// A document's Typst markup, and what the PDF engine's memory grows with
/// besides the markup's length (see [`crate::pdf::memory_needed`]).
pub struct Markup {
    pub text: String,
    /// `contents.typ`: the draft of the contents page ([`contents_draft`]).
    pub contents: String,
    /// Cells of every table, header and totals included.
    pub table_cells: u64,
    /// Pixels of every distinct raster image.
    pub image_pixels: u64,
}

/// What the writers of one document count as they go.
#[derive(Default)]
struct Tally {
    table_cells: u64,
    /// Each heading the contents page may list, in order: its level and
    /// its Typst expression ([`contents_draft`]).
    headings: Vec<(u8, String)>,
    /// Each image file once, with its pixels: the engine decodes a file
    /// once however often it is shown.
    images: HashMap<String, u64>,
    /// Footnotes placed so far, when rapport numbers them.
    notes_placed: usize,
}

/// Who numbers the PDF's footnotes.
///
/// Typst numbers a footnote by asking its counter where the note falls,
/// which it can answer only from the second layout pass on: every
/// paragraph holding a note was then shaped again, a large share of a
/// report's typesetting (docs/performance.md has the figures). The notes
/// run through the report in the order the markup places them, so rapport
/// knows each number already and gives it to the note as its numbering.
/// The note is still Typst's footnote, linked both ways, and the PDF is
/// byte for byte the one Typst's own numbering gives (tests/it/pdf.rs
/// checks it on the example site), except where the contents page repeats
/// a heading with a note: Typst counted that copy too (docs/pdf.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteNumbers {
    /// By rapport, 1, 2, 3 through the document.
    Rapport,
    /// By Typst's counter: for a template that numbers footnotes its own
    /// way (`set footnote(...)`) or moves their counter
    /// (`counter(footnote)`).
    Typst,
}

impl NoteNumbers {
    /// Rapport's, unless the template `text` has a say in how footnotes
    /// are numbered.
    pub fn for_template(text: &str) -> Self {
        if text.contains("counter(footnote") || text.contains("set footnote") {
            NoteNumbers::Typst
        } else {
            NoteNumbers::Rapport
        }
    }
}

/// The whole report (`only` None): settings for the template, corrections,
/// every chapter, then the tracked items with their latest response. With
/// `only`, one chapter on its own, titled as the chapter, with its
/// corrections.
///
/// Links that leave the document go to the site's pages; this makes the
/// route table for them, which a build, having made one, passes to
/// [`document_with`] instead.
pub fn document(site: &Site, ri: usize, only: Option<usize>) -> Markup {
    document_with(site, &Routes::new(site), ri, only, NoteNumbers::Rapport)
}

/// [`document`], with the site's route table, its footnotes numbered by
/// `notes`.
pub fn document_with(
    site: &Site,
    routes: &Routes,
    ri: usize,
    only: Option<usize>,
    notes: NoteNumbers,
) -> Markup {
    let r = &site.reports[ri];
    let cfg = &site.config;
    let meta = &r.meta;
    let (lang, region) = match cfg.language.split_once('-') {
        Some((l, reg)) => (l.to_lowercase(), Some(reg.to_lowercase())),
        None => (cfg.language.to_lowercase(), None),
    };
    let mut out = String::from("#import \"report.typ\": *\n");
    out.push_str(&in_document_link());
    let publisher = &meta.publisher;
    let authors: Vec<String> = if meta.authors.is_empty() {
        vec![meta.owner.clone().unwrap_or_else(|| publisher.name.clone())]
    } else {
        meta.authors.clone()
    };
    let logo = |l: &Option<String>| match l {
        Some(l) if is_raster_or_svg(l) => lit(&format!("/{l}")),
        _ => "none".into(),
    };
    let _ = writeln!(
        out,
        "#show: report.with(\n  title: {},\n  subtitle: {},\n  kind: {},\n  period: {},\n  published: {},\n  organisation: {},\n  owner: {},\n  authors: ({}),\n  summary: {},\n  strapline: {},\n  logo: {},\n  logo-alt: {},\n  primary: rgb({}),\n  lang: {},\n  region: {},\n  date: datetime(year: {}, month: {}, day: {}),\n  publisher: {},\n  contents-depth: {},\n  font: ({}),\n  cover-image: {},\n)",
        lit(&match only {
            Some(ci) => r.chapters[ci].title.clone(),
            None => meta.title.clone(),
        }),
        match only {
            Some(_) => lit(&meta.title),
            None => opt(&meta.subtitle),
        },
        lit(&cfg
            .strings
            .format(
                &format!("kind_{}", meta.kind.key().replace('-', "_")),
                None,
                &[]
            )
            .unwrap_or_else(|_| meta.kind.label().to_string())),
        opt(&meta.period),
        lit(&cfg.strings.date_long(meta.published)),
        lit(&publisher.name),
        opt(&meta.owner),
        authors.iter().map(|a| lit(a) + ",").collect::<String>(),
        opt(&meta.summary),
        opt(&publisher.strapline),
        logo(&publisher.logo),
        opt(&publisher.logo_alt),
        lit(&meta.colours.primary),
        lit(&lang),
        region.as_deref().map(lit).unwrap_or_else(|| "none".into()),
        meta.published.year(),
        meta.published.month(),
        meta.published.day(),
        publisher_dict(publisher, &cfg.strings, logo(&publisher.logo_on_dark)),
        meta.contents_depth,
        cfg.branding
            .font
            .iter()
            .map(|f| f.family.as_str())
            .chain(FALLBACK_FONTS)
            .map(|f| lit(f) + ",")
            .collect::<String>(),
        match &meta.cover {
            Some(c) if is_raster_or_svg(&c.image) => format!(
                "(path: {}, alt: {})",
                lit(&format!("/{}", c.image)),
                if c.alt.is_empty() {
                    "none".into()
                } else {
                    lit(&c.alt)
                }
            ),
            _ => "none".into(),
        },
    );
    let _ = writeln!(out, "#metadata(none) <{PLACED}>");
    let corrections: Vec<_> = r
        .corrections
        .iter()
        .filter(|c| only.is_none() || c.chapter == only)
        .collect();
    let links = Links {
        site,
        routes,
        ri,
        only,
        notes,
        tally: RefCell::default(),
    };
    if !corrections.is_empty() {
        corrections_section(&mut out, &corrections, &links);
    }
    for (ci, c) in r.chapters.iter().enumerate() {
        if only.is_some_and(|o| o != ci) {
            continue;
        }
        let mut w = Writer {
            out: String::new(),
            links: &links,
            chapter: &c.slug,
            notes: &c.doc.footnotes,
            used: HashMap::new(),
            last_level: 1,
        };
        let title = match &c.number {
            Some(n) => format!("{n} {}", c.title),
            None => c.title.clone(),
        };
        links.heading(1, lit(&title));
        let _ = writeln!(
            w.out,
            "\n#chapter({}) <{}>\n",
            lit(&title),
            chapter_label(&c.slug)
        );
        w.blocks(&c.doc.blocks);
        out.push_str(&w.out);
    }
    if !r.tracker.items.is_empty() && only.is_none() {
        items(&mut out, site, r, &links);
    }
    let tally = links.tally.into_inner();
    Markup {
        text: out,
        contents: contents_draft(&tally.headings),
        table_cells: tally.table_cells,
        image_pixels: tally.images.values().sum(),
    }
}

/// The corrections listed before the first chapter, under the template's
/// heading in its words.
fn corrections_section(out: &mut String, corrections: &[&crate::model::Correction], links: &Links) {
    links.heading(1, "words.corrections".into());
    out.push_str("#corrections-section((\n");
    for c in corrections {
        let mut text = c.what.clone();
        if let Some(w) = &c.why {
            text.push(' ');
            text.push_str(w);
        }
        let _ = writeln!(
            out,
            "  ({}, {}),",
            lit(&crate::dates::long(c.date)),
            lit(&text)
        );
    }
    out.push_str("))\n");
}

/// `contents.typ`: every heading the contents page may list, as
/// `contents-draft`, an array of `(level, title)` in the document's order.
///
/// Typst's `outline` finds its headings by looking at the previous layout
/// pass, so on the first pass it is empty, and the pages it then fills move
/// every page after it: the page numbers settle only on a third pass. A
/// template that sets this draft in the outline's place on the first pass,
/// line for line as the outline will look, gives the body its final pages
/// at once, and the layout settles in two passes (the default template
/// does; docs/pdf.md). Only the room the draft takes matters, never its
/// words, so the titles are plain text (the corrections' heading is the
/// template's word for it, `words.corrections`).
fn contents_draft(headings: &[(u8, String)]) -> String {
    let mut out = String::from("#import \"words.typ\": words\n#let contents-draft = (\n");
    for (level, title) in headings {
        let _ = writeln!(out, "  ({level}, {title}),");
    }
    out.push_str(")\n");
    out
}

/// The `publisher:` argument of `report`: who publishes the report and how
/// to reach them, with the back page's sentences already in the site's
/// words.
fn publisher_dict(
    p: &crate::config::publisher::Publisher,
    strings: &crate::strings::Strings,
    logo_on_dark: String,
) -> String {
    let published = word(strings, "back_page_published", &[("organisation", &p.name)]);
    let formats = p
        .other_formats
        .clone()
        .unwrap_or_else(|| word(strings, "other_formats", &[]));
    let mut contact = Vec::new();
    for (key, value) in [
        ("contact_email", &p.email),
        ("contact_phone", &p.phone),
        ("contact_website", &p.url),
    ] {
        if let Some(v) = value {
            contact.push(format!("{}: {v}", word(strings, key, &[])));
        }
    }
    let list = |items: &[String]| items.iter().map(|i| lit(i) + ",").collect::<String>();
    format!(
        "(name: {}, contact-name: {}, logo-on-dark: {}, address: ({}), contact: ({}), title: {}, published: {}, other-formats: {}, has-contact: {})",
        lit(&p.name),
        lit(p.contact_name()),
        logo_on_dark,
        list(&p.address),
        list(&contact),
        lit(&word(strings, "back_page_title", &[])),
        lit(&published),
        lit(&formats),
        p.has_contact() || p.url.is_some(),
    )
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(lit).unwrap_or_else(|| "none".into())
}

fn is_raster_or_svg(path: &str) -> bool {
    let lower = path.to_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"]
        .iter()
        .any(|e| lower.ends_with(e))
}

fn items(out: &mut String, site: &Site, r: &Report, links: &Links) {
    let statuses = &r.tracker.statuses;
    links.heading(1, lit(&r.tracker.label.many));
    let _ = writeln!(out, "\n#chapter({}) <items>\n", lit(&r.tracker.label.many));
    for item in &r.tracker.items {
        let s = statuses.get(item.status);
        let mut w = Writer {
            out: String::new(),
            links,
            chapter: "items",
            notes: &item.text.footnotes,
            used: HashMap::new(),
            last_level: 2,
        };
        let strings = &site.config.strings;
        let word = |key: &str, args: &[(&str, &str)]| word(strings, key, args);
        let mut facts = vec![format!("{}: {}", word("status", &[]), s.label)];
        if !item.leads.is_empty() {
            facts.push(word("item_lead", &[("leads", &item.leads.join(", "))]));
        }
        if !item.partners.is_empty() {
            facts.push(word(
                "item_partners",
                &[("partners", &item.partners.join(", "))],
            ));
        }
        if let Some(d) = item.due {
            facts.push(word("item_due", &[("date", &d.long_in(strings))]));
        }
        let _ = writeln!(
            w.out,
            "#item-heading({}, {}, {}) <{}>\n",
            lit(&format!(
                "{} {}: {}",
                r.tracker.label.one, item.number, item.title
            )),
            lit(&facts.join(" · ")),
            lit(&s.colour),
            label(&item_anchor(item))
        );
        if let Some(m) = &item.missing_text {
            let _ = writeln!(
                w.out,
                "#callout({})[#{}]\n",
                lit(&word("text_not_available", &[])),
                lit(m)
            );
        }
        w.blocks(&item.text.blocks);
        if let Some(resp) = item.responses.first() {
            let when = resp
                .period
                .clone()
                .unwrap_or_else(|| resp.date.long_in(strings));
            let title = lit(&word(
                "progress_in",
                &[
                    ("when", &when),
                    ("status", &statuses.get(resp.status).label),
                ],
            ));
            links.heading(3, title.clone());
            let _ = writeln!(w.out, "#response-heading({title})\n");
            w.notes = &resp.text.footnotes;
            w.used.clear();
            w.blocks(&resp.text.blocks);
        }
        out.push_str(&w.out);
    }
}

/// Where links lead inside the PDF: chapters, headings and items of this
/// report are in-document links; everything else goes to the web.
struct Links<'a> {
    site: &'a Site,
    routes: &'a Routes,
    ri: usize,
    /// The one chapter in a chapter's own PDF.
    only: Option<usize>,
    notes: NoteNumbers,
    /// Shared by every writer of the document, as this is.
    tally: RefCell<Tally>,
}

impl Links<'_> {
    /// The number of the next footnote placed, when rapport gives it
    /// ([`NoteNumbers`]).
    fn next_note(&self) -> Option<usize> {
        match self.notes {
            NoteNumbers::Typst => None,
            NoteNumbers::Rapport => {
                let mut tally = self.tally.borrow_mut();
                tally.notes_placed += 1;
                Some(tally.notes_placed)
            }
        }
    }

    /// Notes a heading the contents page may list.
    fn heading(&self, level: u8, title: String) {
        self.tally.borrow_mut().headings.push((level, title));
    }

    /// `Ok(label)` for an in-document target, `Err(url)` for the web, or
    /// `Err("")` when there is nowhere useful to go.
    fn target(&self, target: &LinkTarget, dest: &str, chapter: &str) -> Result<String, String> {
        let base = &self.site.config.base_url;
        let reports = &self.site.reports;
        let routes = &self.routes.reports;
        match target {
            LinkTarget::External => Err(dest.to_string()),
            LinkTarget::Unresolved => Err(String::new()),
            LinkTarget::Fragment(f) => Ok(label(&format!("{chapter}--{f}"))),
            LinkTarget::Chapter {
                report,
                chapter: c,
                fragment,
            } => {
                let ch = &reports[*report].chapters[*c];
                if *report == self.ri && self.only.is_none_or(|o| o == *c) {
                    Ok(match fragment {
                        Some(f) => label(&format!("{}--{f}", ch.slug)),
                        None => chapter_label(&ch.slug),
                    })
                } else if base.is_empty() {
                    Err(String::new())
                } else {
                    Err(routes[*report].chapters[*c].page.absolute(base))
                }
            }
            LinkTarget::Report { report } if !base.is_empty() => {
                Err(routes[*report].home.absolute(base))
            }
            LinkTarget::Item { report, item } => {
                let r = &reports[*report];
                let it = &r.tracker.items[*item];
                if *report == self.ri && self.only.is_none() {
                    Ok(label(&item_anchor(it)))
                } else if base.is_empty() {
                    Err(String::new())
                } else {
                    Err(routes[*report].items[*item].absolute(base))
                }
            }
            LinkTarget::Asset { report, path } if !base.is_empty() => {
                Err(routes[*report].file(path).absolute(base))
            }
            _ => Err(String::new()),
        }
    }
}

struct Writer<'a> {
    out: String,
    links: &'a Links<'a>,
    /// The chapter's slug, for labels of its headings.
    chapter: &'a str,
    notes: &'a [Footnote],
    /// Footnotes already placed, with the number rapport gave them, if it
    /// did (later references point to the first, and show its number).
    used: HashMap<usize, Option<usize>>,
    /// The last heading level written: PDF/UA forbids skipping a level,
    /// so a skip in the source (a `check` warning) is closed up here.
    last_level: u8,
}

impl Writer<'_> {
    /// Raw HTML as the web page shows it: as typed when escaped, only its
    /// words when sanitised (the PDF has no use for the allowed tags).
    fn raw_html(&self, html: &str) -> String {
        match self.links.site.config.raw_html {
            crate::markdown::RawHtmlMode::Escape => html.to_string(),
            crate::markdown::RawHtmlMode::Sanitise => crate::markdown::sanitise::text_of(html),
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            self.block(b);
        }
    }

    /// Blocks as a Typst content block `[...]`.
    fn content(&mut self, blocks: &[Block]) -> String {
        let saved = std::mem::take(&mut self.out);
        self.blocks(blocks);
        let inner = std::mem::replace(&mut self.out, saved);
        format!("[{}]", inner.trim_end())
    }

    fn inline_content(&mut self, inlines: &[Inline]) -> String {
        let saved = std::mem::take(&mut self.out);
        self.inlines(inlines);
        let inner = std::mem::replace(&mut self.out, saved);
        format!("[{inner}]")
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading {
                level,
                id,
                number,
                content,
                ..
            } => {
                let mut body = String::new();
                if let Some(n) = number {
                    let _ = write!(body, "#{} ", lit(n));
                }
                let c = self.inline_content(content);
                let level = (*level).clamp(2, 6).min(self.last_level + 1);
                self.last_level = level;
                let plain = plain_text(content);
                self.links.heading(
                    level,
                    lit(&match number {
                        Some(n) => format!("{n} {plain}"),
                        None => plain,
                    }),
                );
                let _ = writeln!(
                    self.out,
                    "#heading(level: {level})[{body}{}] <{}>\n",
                    &c[1..c.len() - 1],
                    label(&format!("{}--{id}", self.chapter))
                );
            }
            Block::Paragraph { number, content } => {
                if let Some(n) = number {
                    // The web page's anchor for the paragraph, so a link
                    // to "paragraph 4.5" goes to it in the PDF as well.
                    let anchor = crate::markdown::paragraph_anchor(n);
                    let _ = write!(
                        self.out,
                        "#metadata(none) <{}>#para-number({}) ",
                        label(&format!("{}--{anchor}", self.chapter)),
                        lit(n)
                    );
                }
                self.inlines(content);
                self.out.push_str("\n\n");
            }
            Block::Plain(content) => {
                self.inlines(content);
                self.out.push('\n');
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                let mut parts = Vec::new();
                for item in items {
                    let mark = match item.task {
                        Some(true) => "#\"☑ \"",
                        Some(false) => "#\"☐ \"",
                        None => "",
                    };
                    let c = self.content(&item.blocks);
                    parts.push(format!("[{mark}{}]", &c[1..c.len() - 1]));
                }
                if *ordered {
                    let _ = writeln!(self.out, "#enum(start: {start}, {})\n", parts.join(", "));
                } else {
                    let _ = writeln!(self.out, "#list({})\n", parts.join(", "));
                }
            }
            Block::BlockQuote(children) => {
                let c = self.content(children);
                let _ = writeln!(self.out, "#quote(block: true){c}\n");
            }
            Block::Component(c) => self.component(c),
            Block::Code { lang, code } => {
                let lang = lang.as_deref().map(lit).unwrap_or_else(|| "none".into());
                let _ = writeln!(
                    self.out,
                    "#raw(block: true, lang: {lang}, {})\n",
                    lit(code.trim_end())
                );
            }
            Block::Table {
                align, head, rows, ..
            } => {
                let aligns: Vec<&str> = (0..head.len())
                    .map(|i| match align.get(i) {
                        Some(Align::Right) => "right",
                        Some(Align::Center) => "center",
                        _ => "left",
                    })
                    .collect();
                let header: Vec<String> = head.iter().map(|c| self.inline_content(c)).collect();
                let body: Vec<String> = rows
                    .iter()
                    .flat_map(|r| r.iter().map(|c| self.inline_content(c)).collect::<Vec<_>>())
                    .collect();
                self.table(&aligns, &header, &body, None, None);
            }
            Block::DefinitionList(items) => {
                let mut out = Vec::new();
                let mut term = String::from("[]");
                for item in items {
                    match item {
                        Definition::Term(t) => term = self.inline_content(t),
                        Definition::Details(d) => {
                            let c = self.content(d);
                            out.push(format!("terms.item({term}, {c})"));
                        }
                    }
                }
                let _ = writeln!(self.out, "#terms({})\n", out.join(", "));
            }
            Block::Tracker(t) => self.tracker(t),
            Block::DataTable(t) => self.data_table(t),
            Block::Chart(c) => self.chart(c),
            Block::Rule => self.out.push_str("#line(length: 100%)\n\n"),
            Block::RawHtml(html) => {
                let text = self.raw_html(html.trim_end());
                if !text.trim().is_empty() {
                    let _ = writeln!(self.out, "#{}\n", lit(&text));
                }
            }
        }
    }

    fn table(
        &mut self,
        aligns: &[&str],
        header: &[String],
        body: &[String],
        footer: Option<&[String]>,
        caption: Option<&str>,
    ) {
        self.links.tally.borrow_mut().table_cells +=
            (header.len() + body.len() + footer.map_or(0, <[String]>::len)) as u64;
        let cols = header.len().max(1);
        let mut t = format!(
            "table(align: ({}), table.header({}), {}",
            aligns.iter().map(|a| format!("{a},")).collect::<String>(),
            header.join(", "),
            body.join(", ")
        );
        if let Some(f) = footer {
            let _ = write!(t, ", table.footer(repeat: false, {})", f.join(", "));
        }
        t.push(')');
        // A short table is kept on one page; a long one starts where its
        // caption, header and first rows fit, then repeats its header.
        let rows = body.len() / cols;
        // The template sets the table's type by its number of columns.
        let _ = write!(self.out, "#table-of(columns: {cols})[");
        match caption {
            Some(c) if rows <= SHORT_TABLE_ROWS => {
                let _ = write!(
                    self.out,
                    "#block(breakable: false, figure(kind: table, caption: [#{}], {t}))",
                    lit(c)
                );
            }
            Some(c) => {
                let _ = write!(
                    self.out,
                    "#figure(kind: table, caption: [#{}], {t})",
                    lit(c)
                );
            }
            None => {
                let _ = write!(self.out, "#{t}");
            }
        }
        self.out.push_str("]\n\n");
    }

    fn tracker(&mut self, t: &TrackerList) {
        if !t.caption.is_empty() && t.style == TrackerStyle::Actions {
            let c = self.inline_content(&t.caption);
            let _ = writeln!(self.out, "#strong{c}\n");
        }
        for g in &t.groups {
            if let Some(title) = &g.title {
                let level = t.heading_level.clamp(2, 6).min(self.last_level + 1);
                self.last_level = level;
                self.links.heading(level, lit(title));
                let _ = writeln!(self.out, "#heading(level: {level})[#{}]\n", lit(title));
            }
            let strings = &self.links.site.config.strings;
            let head = |key: &str| format!("[#{}]", lit(&word(strings, key, &[])));
            let header = vec![
                head("number_short"),
                format!("[#{}]", lit(&t.item_label)),
                head("lead"),
                head("status"),
            ];
            let mut body = Vec::new();
            for row in &g.rows {
                body.push(format!("[#{}]", lit(&row.number)));
                body.push(self.inline_content(&row.title));
                body.push(format!("[#{}]", lit(&row.leads)));
                body.push(format!("[#{}]", lit(&row.status_label)));
            }
            let caption =
                (g.title.is_none() && !t.caption.is_empty()).then(|| plain_text(&t.caption));
            self.table(
                &["left", "left", "left", "left"],
                &header,
                &body,
                None,
                caption.as_deref(),
            );
        }
    }

    fn data_table(&mut self, t: &DataTableBlock) {
        let aligns: Vec<&str> = t
            .heads
            .iter()
            .map(|h| if h.numeric { "right" } else { "left" })
            .collect();
        let header: Vec<String> = t
            .heads
            .iter()
            .map(|h| match &h.unit {
                Some(u) => format!("[#{}]", lit(&format!("{} ({u})", h.label))),
                None => format!("[#{}]", lit(&h.label)),
            })
            .collect();
        let cell = |c: &DataCell| {
            let mut s = match &c.spoken {
                // A direction is drawn as on the web, an arrow in its
                // tone's colour, with its words as the arrow's alternative.
                Some(words) => format!(
                    "[#box(image(bytes({}), height: 0.7em, alt: {}))",
                    lit(&direction_svg(&c.text, c.tone)),
                    lit(words)
                ),
                None => format!("[#{}", lit(&c.text)),
            };
            if let Some(n) = c.note {
                let _ = write!(s, "#super[#{}]", lit(&n.to_string()));
            }
            s.push(']');
            s
        };
        let mut body = Vec::new();
        for (i, row) in t.rows.iter().enumerate() {
            let subtotal = t.subtotal.get(i) == Some(&true);
            for c in row {
                let s = cell(c);
                body.push(if subtotal { format!("strong({s})") } else { s });
            }
        }
        let footer: Option<Vec<String>> = t
            .total
            .as_ref()
            .map(|row| row.iter().map(|c| format!("strong({})", cell(c))).collect());
        self.table(&aligns, &header, &body, footer.as_deref(), Some(&t.caption));
        let word =
            |key: &str, args: &[(&str, &str)]| word(&self.links.site.config.strings, key, args);
        let mut notes = Vec::new();
        if let Some(s) = &t.source {
            notes.push(word("source", &[("source", s)]));
        }
        for (i, n) in t.cell_notes.iter().enumerate() {
            notes.push(format!("{}. {n}", i + 1));
        }
        if !t.shorthands.is_empty() {
            let key: Vec<String> = t
                .shorthands
                .iter()
                .map(|s| format!("{} {}", s.symbol(), word(s.meaning_key(), &[])))
                .collect();
            notes.push(format!("{} {}", word("table_key", &[]), key.join("; ")));
        }
        if t.total_leaves_out {
            notes.push(word("total_leaves_out", &[]));
        }
        notes.extend(t.notes.iter().cloned());
        for n in notes {
            let _ = writeln!(self.out, "#table-note({})\n", lit(&n));
        }
    }

    fn chart(&mut self, c: &ChartBlock) {
        // Charts are drawn with the same code as on the web, with the
        // colours written into the SVG (there is no stylesheet in a PDF).
        let palette = [
            "#1d4f91", "#00703c", "#8f4e00", "#5e3c99", "#a8281a", "#00677f", "#505a5f",
        ];
        let bars = crate::chart::bars_of(c, |i| {
            let colour = if c.kind == ChartKind::Stacked {
                palette[i % palette.len()]
            } else {
                palette[0]
            };
            format!("\" fill=\"{colour}")
        });
        let (svg, natural) = match c.kind {
            ChartKind::Stacked => (crate::chart::stacked("chart", &c.title, &bars), 0.0),
            kind => crate::chart::bars("chart", &c.title, &bars, kind == ChartKind::Column),
        };
        // At its natural size (14px text is 10.5pt), no wider than the text
        // column; a stacked bar spans the column.
        let width = if natural > 0.0 {
            format!("{:.0}pt", (natural * 0.75).min(450.0))
        } else {
            "100%".to_string()
        };
        let alt: Vec<String> = c
            .bars
            .iter()
            .map(|b| format!("{}: {}", b.label, b.display))
            .collect();
        let _ = writeln!(
            self.out,
            "#figure(caption: [#{}], image(bytes({}), format: \"svg\", alt: {}, width: {width}))\n",
            lit(&c.title),
            lit(&svg),
            lit(&format!("{}. {}", c.title, alt.join("; ")))
        );
    }

    fn component(&mut self, c: &Component) {
        let title = plain_text(&c.title).trim().to_string();
        match &c.kind {
            ComponentKind::Callout(kind) => {
                let t = if title.is_empty() {
                    kind.label().to_string()
                } else {
                    title
                };
                let body = self.content(&c.body);
                let _ = writeln!(self.out, "#callout({}){body}\n", lit(&t));
            }
            ComponentKind::CaseStudy => {
                let body = self.content(&c.body);
                // Labelled like a heading, since the page gives it an
                // anchor that links may name.
                let _ = writeln!(
                    self.out,
                    "#case-study({}){body} <{}>\n",
                    lit(&title),
                    label(&format!("{}--{}", self.chapter, c.id))
                );
            }
            ComponentKind::Quote => {
                let body = self.content(&c.body);
                let attribution = match &c.attribution {
                    Some(a) => self.inline_content(a),
                    None => "none".into(),
                };
                let _ = writeln!(self.out, "#pull-quote(attribution: {attribution}){body}\n");
            }
            ComponentKind::Signature => {
                let mut lines = Vec::new();
                for block in &c.body {
                    if let Block::Paragraph { content, .. } | Block::Plain(content) = block {
                        for line in
                            content.split(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak))
                        {
                            lines.push(self.inline_content(line));
                        }
                    }
                }
                let _ = writeln!(self.out, "#signature(({},))\n", lines.join(", "));
            }
            ComponentKind::Stat => {
                let body = self.content(&c.body);
                let _ = writeln!(self.out, "#stat({}){body}\n", lit(&title));
            }
            ComponentKind::Correction(date) => {
                let shown = date
                    .parse::<jiff::civil::Date>()
                    .map(crate::dates::long)
                    .unwrap_or_else(|_| date.clone());
                let body = self.content(&c.body);
                let _ = writeln!(self.out, "#correction({}){body}\n", lit(&shown));
            }
            ComponentKind::Recommendations
            | ComponentKind::Actions
            | ComponentKind::Table
            | ComponentKind::Chart => {}
        }
    }

    fn inlines(&mut self, list: &[Inline]) {
        for i in list {
            self.inline(i);
        }
    }

    fn inline(&mut self, i: &Inline) {
        match i {
            Inline::Text(t) => {
                let _ = write!(self.out, "#{}", lit(t));
            }
            Inline::RawHtml(t) => {
                let t = self.raw_html(t);
                if !t.is_empty() {
                    let _ = write!(self.out, "#{}", lit(&t));
                }
            }
            Inline::Code(t) => {
                let _ = write!(self.out, "#raw({})", lit(t));
            }
            Inline::Emphasis(c) => self.wrap("emph", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strikethrough(c) => self.wrap("strike", c),
            Inline::Superscript(c) => self.wrap("super", c),
            Inline::Subscript(c) => self.wrap("sub", c),
            Inline::Link(link) => {
                let (dest, content, target) = (&link.dest, &link.content, &link.target);
                let c = self.inline_content(content);
                if let LinkTarget::Language(tag) = target {
                    // Tagged with its language, as on the web page.
                    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
                    let _ = write!(self.out, "#text(lang: {}){c}", lit(&primary));
                    return;
                }
                match self.links.target(target, dest, self.chapter) {
                    Ok(l) => {
                        let _ = write!(self.out, "#in-document-link(<{l}>, {c})");
                    }
                    Err(url) if !url.is_empty() => {
                        let _ = write!(self.out, "#link({}){c}", lit(&url));
                    }
                    Err(_) => self.out.push_str(&c[1..c.len() - 1]),
                }
            }
            Inline::Image(image) => match &image.target {
                LinkTarget::Asset { report, path } => {
                    let file = format!("/{}/{path}", self.links.site.reports[*report].dir);
                    let pixels = image.size.map_or(0, |(w, h)| w as u64 * h as u64);
                    (self.links.tally.borrow_mut().images).insert(file.clone(), pixels);
                    // PDF/UA needs a text alternative; a missing one is a
                    // `check` warning, and the file name stands in for it.
                    let alt = if image.alt.trim().is_empty() {
                        word(
                            &self.links.site.config.strings,
                            "image_without_description",
                            &[("file", path)],
                        )
                    } else {
                        image.alt.clone()
                    };
                    let _ = write!(self.out, "#image({}, alt: {})", lit(&file), lit(&alt));
                }
                _ => {
                    let _ = write!(
                        self.out,
                        "#{}",
                        lit(&format!("[{}] ({})", image.alt, image.src))
                    );
                }
            },
            Inline::FootnoteRef { number, .. } => {
                let name = label(&format!("fn-{}-{number}", self.chapter));
                // Notes are numbered from 1 in order, so found by place:
                // searching the list for each reference was quadratic in
                // a chapter with many notes, as was a list of those used.
                let note = number
                    .checked_sub(1)
                    .and_then(|i| self.notes.get(i))
                    .filter(|n| n.number == *number);
                // A note's number, given as its numbering ([`NoteNumbers`]).
                let numbering = |n: Option<usize>| n.map(|n| format!("numbering: _ => \"{n}\""));
                if let Some(&given) = self.used.get(number) {
                    let args = numbering(given).map_or_else(String::new, |a| format!(", {a}"));
                    let _ = write!(self.out, "#footnote(<{name}>{args})");
                } else if let Some(note) = note {
                    // Numbered before its text is written, as Typst
                    // counts a note before any note inside it.
                    let given = self.links.next_note();
                    self.used.insert(*number, given);
                    let body = self.content(&note.blocks);
                    let args = numbering(given).map_or_else(String::new, |a| format!("({a})"));
                    let _ = write!(self.out, "#footnote{args}{body} <{name}>");
                }
            }
            Inline::TaskMarker(_) => {}
            Inline::SoftBreak => self.out.push(' '),
            Inline::HardBreak => self.out.push_str("#linebreak()"),
        }
    }

    fn wrap(&mut self, f: &str, content: &[Inline]) {
        let c = self.inline_content(content);
        let _ = write!(self.out, "#{f}{c}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_string_literals_that_cannot_run() {
        assert_eq!(lit("a \"b\" \\ #c"), "\"a \\\"b\\\" \\\\ #c\"");
        assert_eq!(label("chapter-a.b/c"), "chapter-a-b-c");
    }
}
