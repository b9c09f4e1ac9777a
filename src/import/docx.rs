//! Reads a Word document (.docx, Office Open XML) into a [`Draft`]: its
//! paragraphs as Markdown, in order, with what could not be carried over.
//!
//! Only what a report's text needs is read: headings (by their style's
//! name, so a document in any language's Word, or from LibreOffice, is
//! read the same), paragraphs with bold, italic and links, lists (bulleted
//! or numbered, nested), quotes, footnotes and endnotes, and tables. Tracked
//! changes are taken as accepted (insertions kept, deletions left out), as
//! the document would print; comments, text boxes and images are left out
//! and listed, each at its paragraph.

use std::collections::HashMap;
use std::io::Read;

use super::xml::{self, Element};

/// One block of the document, its text already Markdown.
#[derive(Debug, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Item {
        ordered: bool,
        depth: u8,
        text: String,
    },
    Quote(String),
    /// A paragraph in Word's *Caption* style: a table's or picture's title.
    Caption(String),
    /// A paragraph the document numbers (3.1, 3.2): its chapter is written
    /// `numbered: true`, so rapport numbers it.
    Numbered(String),
    /// Rows of cells; the first row is the header.
    Table(Vec<Vec<String>>),
    /// A chart, as the figures Word keeps with it.
    Chart(Chart),
}

/// A chart's figures, from the copy of its spreadsheet's values Word keeps
/// in the chart (`c:numCache`), so rapport can draw it from a data table.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub title: Option<String>,
    /// Rows of cells: a header (the categories' heading, then each
    /// series' name), then one row per category.
    pub rows: Vec<Vec<String>>,
    /// Bars standing up (a column or line chart) rather than lying down.
    pub columns: bool,
}

/// What the document holds, ready to be split into chapters.
#[derive(Debug, Default)]
pub struct Draft {
    pub title: Option<String>,
    pub author: Option<String>,
    pub description: Option<String>,
    /// `YYYY-MM-DD`, from the document's properties.
    pub date: Option<String>,
    pub blocks: Vec<Block>,
    /// Each footnote's or endnote's Markdown, by the label its reference
    /// uses (`1`, `e1`).
    pub notes: HashMap<String, String>,
    /// What was left out or changed on the way, with where it was met.
    pub approximations: Vec<(Place, String)>,
    /// Each picture the text shows: the name it is written under beside
    /// the chapter, and its bytes.
    pub images: Vec<(String, Vec<u8>)>,
}

/// Picture formats a chapter can show; others (Word's .emf and .wmf
/// drawings) are listed in the import report instead.
const IMAGE_TYPES: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];

/// The most any one part of the file may hold once unzipped: a report's
/// document.xml is a few megabytes; far more is a zip bomb.
const MAX_PART: u64 = 64 * 1024 * 1024;

/// Reads the .docx in `bytes`, or says in words why it cannot.
pub fn read(bytes: &[u8]) -> Result<Draft, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| "it is not a Word document (.docx): it is not a zip package".to_string())?;
    let mut part = |name: &str| -> Result<Option<Element>, String> {
        let mut file = match zip.by_name(name) {
            Ok(f) => f,
            Err(_) => return Ok(None),
        };
        let mut text = String::new();
        (&mut file)
            .take(MAX_PART + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("{name} cannot be read: {e}"))?;
        if text.len() as u64 > MAX_PART {
            return Err(format!(
                "{name} is larger than {} MiB unzipped",
                MAX_PART >> 20
            ));
        }
        xml::parse(&text)
            .map(Some)
            .map_err(|e| format!("{name} is not well-formed XML: {e}"))
    };
    let document = part("word/document.xml")?.ok_or(
        "it has no word/document.xml, so it is not a Word document (is it a spreadsheet or slides?)",
    )?;
    let styles = part("word/styles.xml")?;
    let numbering = part("word/numbering.xml")?;
    let rels = part("word/_rels/document.xml.rels")?;
    let footnotes = part("word/footnotes.xml")?;
    let endnotes = part("word/endnotes.xml")?;
    let core = part("docProps/core.xml")?;
    let mut charts = HashMap::new();
    for (id, target) in related(rels.as_ref(), "/chart") {
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_string(),
            None => format!("word/{target}"),
        };
        if let Some(chart) = part(&path)?.as_ref().and_then(chart_figures) {
            charts.insert(id, chart);
        }
    }
    let mut reader = Reader {
        styles: style_names(styles.as_ref()),
        levels: list_levels(numbering.as_ref()),
        links: related(rels.as_ref(), "/hyperlink"),
        pictures: related(rels.as_ref(), "/image"),
        draft: Draft::default(),
        paragraph: 0,
        page: 1,
        page_marks: false,
        charts,
        charts_met: Vec::new(),
    };
    if let Some(core) = &core {
        reader.properties(core);
    }
    for (part, prefix) in [(&footnotes, ""), (&endnotes, "e")] {
        if let Some(notes) = part {
            reader.notes(notes, prefix);
        }
    }
    let body = document
        .child("body")
        .ok_or("word/document.xml has no body")?;
    reader.container(body);
    let page_marks = reader.page_marks;
    let mut draft = reader.draft;
    if !page_marks {
        // No page break is recorded: every page would read 1.
        for (place, _) in &mut draft.approximations {
            place.page = None;
        }
    }
    for (name, bytes) in &mut draft.images {
        let mut file = zip
            .by_name(&format!("word/media/{name}"))
            .map_err(|_| format!("the picture word/media/{name} is missing from the file"))?;
        (&mut file)
            .take(MAX_PART + 1)
            .read_to_end(bytes)
            .map_err(|e| format!("word/media/{name} cannot be read: {e}"))?;
        if bytes.len() as u64 > MAX_PART {
            return Err(format!(
                "word/media/{name} is larger than {} MiB",
                MAX_PART >> 20
            ));
        }
    }
    Ok(draft)
}

struct Reader {
    /// Style id -> its name in lower case (`Heading1` -> `heading 1`).
    styles: HashMap<String, String>,
    /// How each numbering id numbers each of its levels.
    levels: HashMap<String, HashMap<String, Numbering>>,
    /// Relationship id -> the link's target.
    links: HashMap<String, String>,
    /// Relationship id -> a picture's path in the package (`media/image1.png`).
    pictures: HashMap<String, String>,
    draft: Draft,
    /// The paragraph being read, counted from 1, for the import report.
    paragraph: usize,
    /// The page it is on, counted from the page breaks Word recorded.
    page: usize,
    /// Whether the document records any page break at all.
    page_marks: bool,
    /// Relationship id -> the chart's figures.
    charts: HashMap<String, Chart>,
    /// Charts met in the paragraph being read: each becomes a block after it.
    charts_met: Vec<Chart>,
}

/// A chart part's figures: each series' name and values by category, from
/// the values Word keeps with the chart. `None` when it keeps none.
fn chart_figures(chart: &Element) -> Option<Chart> {
    let plot = chart.find("plotArea")?;
    let kind = plot.elements().find(|e| e.name.ends_with("Chart"))?;
    let columns = match kind.child("barDir").and_then(|d| d.attr("val")) {
        Some(dir) => dir == "col",
        None => !kind.name.starts_with("pie") && !kind.name.starts_with("doughnut"),
    };
    let mut categories: Vec<String> = Vec::new();
    let mut header = vec![String::new()];
    let mut series: Vec<Vec<(usize, String)>> = Vec::new();
    for ser in kind.elements().filter(|e| e.name == "ser") {
        // The cached text (`c:v`), not the cell reference beside it (`c:f`).
        let name = ser
            .child("tx")
            .and_then(|t| t.find("v"))
            .map(|v| v.text().trim().to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| format!("Series {}", series.len() + 1));
        if categories.is_empty()
            && let Some(cat) = ser.child("cat")
        {
            let points = points(cat);
            let len = points.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
            categories = vec![String::new(); len];
            for (i, v) in points {
                categories[i] = v;
            }
        }
        header.push(name);
        series.push(ser.child("val").map(points).unwrap_or_default());
    }
    let len = series
        .iter()
        .flat_map(|s| s.iter().map(|(i, _)| i + 1))
        .chain([categories.len()])
        .max()?;
    if series.is_empty() || len == 0 {
        return None;
    }
    header[0] = "Category".into();
    let mut rows = vec![header];
    for i in 0..len {
        let mut row = vec![match categories.get(i) {
            Some(c) if !c.is_empty() => c.clone(),
            _ => (i + 1).to_string(),
        }];
        for s in &series {
            row.push(
                s.iter()
                    .find(|(at, _)| *at == i)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        rows.push(row);
    }
    let title = chart
        .child("chart")
        .and_then(|c| c.child("title"))
        .and_then(|t| t.find("rich").or_else(|| t.find("v")))
        .map(|t| t.text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    Some(Chart {
        title,
        rows,
        columns,
    })
}

/// The values of a category or value list, by index (`c:pt idx` and its
/// `c:v`).
fn points(e: &Element) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for c in e.elements() {
        if c.name == "pt" {
            if let (Some(i), Some(v)) = (
                c.attr("idx").and_then(|i| i.parse().ok()),
                c.child("v").map(|v| v.text().trim().to_string()),
            ) {
                out.push((i, v));
            }
        } else {
            out.extend(points(c));
        }
    }
    out
}

/// Where in the Word document something was met: its paragraph, counted
/// from 1, and its page as Word last laid the document out, where the file
/// records that (Word notes each page it laid out, `lastRenderedPageBreak`;
/// documents written by other programs often have only the breaks their
/// author typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub paragraph: usize,
    pub page: Option<usize>,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "paragraph {}", self.paragraph)?;
        if let Some(page) = self.page {
            write!(f, " (page {page})")?;
        }
        Ok(())
    }
}

/// The page breaks in a paragraph: those Word recorded as it laid the text
/// out, those typed, and a paragraph set to start a page.
fn page_breaks(p: &Element) -> usize {
    let before = p
        .child("pPr")
        .and_then(|ppr| ppr.child("pageBreakBefore"))
        .is_some_and(|b| !matches!(b.attr("val"), Some("0" | "false" | "off")));
    fn inside(e: &Element) -> usize {
        e.elements()
            .map(|c| match c.name.as_str() {
                "lastRenderedPageBreak" => 1,
                "br" if c.attr("type") == Some("page") => 1,
                _ => inside(c),
            })
            .sum()
    }
    usize::from(before) + inside(p)
}

fn style_names(styles: Option<&Element>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for s in styles.into_iter().flat_map(|s| s.elements()) {
        if let (Some(id), Some(name)) = (
            s.attr("styleId"),
            s.child("name").and_then(|n| n.attr("val")),
        ) {
            out.insert(id.to_string(), name.to_lowercase());
        }
    }
    out
}

/// How a level of a Word list is numbered.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Numbering {
    Bullet,
    Number,
    /// Numbers with more than one part (`3.1`, `%1.%2`): a document's
    /// numbered paragraphs, not a list.
    Paragraph,
}

/// Numbering id -> level (`ilvl`) -> how it is numbered.
fn list_levels(numbering: Option<&Element>) -> HashMap<String, HashMap<String, Numbering>> {
    let Some(numbering) = numbering else {
        return HashMap::new();
    };
    let mut abstract_levels: HashMap<&str, HashMap<String, Numbering>> = HashMap::new();
    for a in numbering.elements().filter(|e| e.name == "abstractNum") {
        let levels = a
            .elements()
            .filter(|l| l.name == "lvl")
            .filter_map(|l| {
                let format = l.child("numFmt").and_then(|f| f.attr("val"));
                let text = l.child("lvlText").and_then(|t| t.attr("val")).unwrap_or("");
                let kind = match format {
                    Some("bullet") => Numbering::Bullet,
                    _ if text.matches('%').count() >= 2 => Numbering::Paragraph,
                    _ => Numbering::Number,
                };
                Some((l.attr("ilvl")?.to_string(), kind))
            })
            .collect();
        if let Some(id) = a.attr("abstractNumId") {
            abstract_levels.insert(id, levels);
        }
    }
    let mut out = HashMap::new();
    for n in numbering.elements().filter(|e| e.name == "num") {
        let abstract_id = n.child("abstractNumId").and_then(|a| a.attr("val"));
        if let (Some(id), Some(levels)) = (
            n.attr("numId"),
            abstract_id.and_then(|a| abstract_levels.get(a)),
        ) {
            out.insert(id.to_string(), levels.clone());
        }
    }
    out
}

/// Relationship id -> target, for the relationships of one type.
fn related(rels: Option<&Element>, kind: &str) -> HashMap<String, String> {
    rels.into_iter()
        .flat_map(|r| r.elements())
        .filter(|r| r.attr("Type").is_some_and(|t| t.ends_with(kind)))
        .filter_map(|r| Some((r.attr("Id")?.to_string(), r.attr("Target")?.to_string())))
        .collect()
}

impl Reader {
    fn properties(&mut self, core: &Element) {
        let text = |name: &str| {
            core.child(name)
                .map(|e| e.text().trim().to_string())
                .filter(|t| !t.is_empty())
        };
        self.draft.title = text("title");
        self.draft.author = text("creator");
        self.draft.description = text("description").or_else(|| text("subject"));
        self.draft.date = text("created")
            .or_else(|| text("modified"))
            .and_then(|d| d.get(..10).map(str::to_string))
            .filter(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).is_ok());
    }

    fn notes(&mut self, part: &Element, prefix: &str) {
        for note in part.elements() {
            // Separators are Word's own lines above the notes, not notes.
            if note.attr("type").is_some_and(|t| t != "normal") {
                continue;
            }
            let Some(id) = note.attr("id") else { continue };
            let text: Vec<String> = note
                .elements()
                .filter(|p| p.name == "p")
                .map(|p| self.inlines(p).trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            self.draft
                .notes
                .insert(format!("{prefix}{id}"), text.join("\n\n    "));
        }
    }

    /// The blocks of a body, a table cell's paragraphs apart.
    fn container(&mut self, parent: &Element) {
        for e in parent.elements() {
            match e.name.as_str() {
                "p" => self.paragraph(e),
                "tbl" => self.table(e),
                // Content controls and tracked insertions wrap ordinary content.
                "sdt" => {
                    if let Some(content) = e.child("sdtContent") {
                        self.container(content);
                    }
                }
                "ins" => self.container(e),
                _ => {}
            }
        }
    }

    fn style(&self, p: &Element) -> String {
        p.child("pPr")
            .and_then(|ppr| ppr.child("pStyle"))
            .and_then(|s| s.attr("val"))
            .map(|id| {
                self.styles
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| id.to_lowercase())
            })
            .unwrap_or_default()
    }

    fn paragraph(&mut self, p: &Element) {
        self.paragraph += 1;
        let breaks = page_breaks(p);
        self.page += breaks;
        self.page_marks |= breaks > 0;
        let style = self.style(p);
        let text = self.inlines(p);
        let charts = std::mem::take(&mut self.charts_met);
        if let Some(block) = self.paragraph_block(p, &style, text.trim()) {
            self.draft.blocks.push(block);
        }
        self.draft
            .blocks
            .extend(charts.into_iter().map(Block::Chart));
    }

    /// The block a paragraph's text makes, if any (the document's title
    /// goes to its properties).
    fn paragraph_block(&mut self, p: &Element, style: &str, text: &str) -> Option<Block> {
        if text.is_empty() {
            return None;
        }
        let text = text.to_string();
        if style == "title" {
            if self.draft.title.is_none() {
                self.draft.title = Some(plain(&text));
            }
            return None;
        }
        Some(if let Some(level) = heading_level(style, p) {
            Block::Heading { level, text }
        } else if self.numbered_paragraph(p) {
            Block::Numbered(text)
        } else if let Some((ordered, depth)) = self.list_item(p, style) {
            Block::Item {
                ordered,
                depth,
                text,
            }
        } else if style == "caption" {
            Block::Caption(text)
        } else if style.contains("quot") {
            Block::Quote(text)
        } else {
            Block::Paragraph(text)
        })
    }

    /// Whether `p` is one of the document's numbered paragraphs (3.1,
    /// 3.2), which rapport numbers itself in a `numbered: true` chapter.
    fn numbered_paragraph(&self, p: &Element) -> bool {
        let Some(num) = p.child("pPr").and_then(|ppr| ppr.child("numPr")) else {
            return false;
        };
        let level = num.child("ilvl").and_then(|l| l.attr("val")).unwrap_or("0");
        num.child("numId")
            .and_then(|n| n.attr("val"))
            .and_then(|id| self.levels.get(id))
            .and_then(|l| l.get(level))
            == Some(&Numbering::Paragraph)
    }

    fn list_item(&self, p: &Element, style: &str) -> Option<(bool, u8)> {
        if let Some(num) = p.child("pPr").and_then(|ppr| ppr.child("numPr")) {
            let level = num.child("ilvl").and_then(|l| l.attr("val")).unwrap_or("0");
            let id = num.child("numId").and_then(|n| n.attr("val"))?;
            // `numId` 0 is Word's way of saying "not numbered".
            if id == "0" {
                return None;
            }
            let kind = self.levels.get(id).and_then(|l| l.get(level)).copied();
            return match kind {
                Some(Numbering::Paragraph) => None,
                _ => Some((kind != Some(Numbering::Bullet), level.parse().unwrap_or(0))),
            };
        }
        if style.starts_with("list bullet") {
            return Some((false, 0));
        }
        if style.starts_with("list number") {
            return Some((true, 0));
        }
        None
    }

    fn table(&mut self, tbl: &Element) {
        let mut grid = Vec::new();
        for tr in tbl.elements().filter(|e| e.name == "tr") {
            let mut row = Vec::new();
            for tc in tr.elements().filter(|e| e.name == "tc") {
                let text: Vec<String> = tc
                    .elements()
                    .filter(|p| p.name == "p")
                    .map(|p| self.inlines(p).trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                let props = tc.child("tcPr");
                let span: usize = props
                    .and_then(|p| p.child("gridSpan"))
                    .and_then(|g| g.attr("val"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                // `<w:vMerge/>` continues the cell above; `val="restart"`
                // starts a merge and holds the text.
                let continues = props
                    .and_then(|p| p.child("vMerge"))
                    .is_some_and(|v| v.attr("val").is_none_or(|v| v == "continue"));
                row.push(Cell {
                    text: text.join(" "),
                    span: span.clamp(1, 64),
                    continues,
                });
            }
            grid.push(row);
        }
        if tbl
            .find("tbl")
            .is_some_and(|inner| !std::ptr::eq(inner, tbl))
        {
            self.note("a table inside a table was flattened into its cell's text");
        }
        let rows = table_rows(&grid);
        if !rows.is_empty() {
            if rows.len() < grid.len() {
                self.note("a table's two header rows (a heading merged across columns above its own headings) were joined into one");
            }
            self.draft.blocks.push(Block::Table(rows));
        }
    }

    fn note(&mut self, what: &str) {
        let at = Place {
            paragraph: self.paragraph.max(1),
            page: Some(self.page),
        };
        if !self
            .draft
            .approximations
            .iter()
            .any(|(p, w)| *p == at && w == what)
        {
            self.draft.approximations.push((at, what.to_string()));
        }
    }

    /// A paragraph's runs as Markdown.
    fn inlines(&mut self, p: &Element) -> String {
        let mut out = String::new();
        self.runs(p, &mut out);
        out
    }

    fn runs(&mut self, parent: &Element, out: &mut String) {
        for e in parent.elements() {
            match e.name.as_str() {
                "r" => self.run(e, out),
                "hyperlink" => {
                    let mut text = String::new();
                    self.runs(e, &mut text);
                    let target = e.attr("id").and_then(|id| self.links.get(id)).cloned();
                    match target {
                        Some(url) if !text.trim().is_empty() => {
                            out.push('[');
                            out.push_str(&text);
                            out.push_str("](");
                            out.push_str(&url.replace(' ', "%20").replace(')', "%29"));
                            out.push(')');
                        }
                        _ => out.push_str(&text),
                    }
                }
                "ins" | "smartTag" | "fldSimple" | "customXml" => self.runs(e, out),
                "sdt" => {
                    if let Some(c) = e.child("sdtContent") {
                        self.runs(c, out);
                    }
                }
                "del" => self.note("tracked changes were accepted: deleted text is left out"),
                "commentRangeStart" => self.note("comments were left out"),
                _ => {}
            }
        }
    }

    /// A picture as `![its description](file)`, the file kept to write
    /// beside the chapter; a text box, a chart or a drawing Word alone can
    /// show is listed instead.
    fn picture(&mut self, e: &Element, out: &mut String) {
        if e.find("txbxContent").is_some() {
            return self
                .note("a text box was left out: copy its text into the chapter if it matters");
        }
        if let Some(chart) = e.find("chart") {
            match chart.attr("id").and_then(|id| self.charts.get(id)) {
                Some(figures) => self.charts_met.push(figures.clone()),
                None => self.note("a chart was left out, as the file keeps none of its figures: a data table of them gives readers the chart and the numbers (docs/authoring.md, \"Data tables\")"),
            }
            return;
        }
        let target = e
            .find("blip")
            .and_then(|b| b.attr("embed"))
            .and_then(|id| self.pictures.get(id))
            .and_then(|t| t.strip_prefix("media/"))
            .filter(|name| !name.contains(['/', '\\']))
            .map(str::to_string);
        let supported = target.as_deref().is_some_and(|name| {
            name.rsplit_once('.')
                .is_some_and(|(_, ext)| IMAGE_TYPES.contains(&ext.to_lowercase().as_str()))
        });
        let Some(name) = target.filter(|_| supported) else {
            return self.note("a picture in a format web pages cannot show was left out: save it as PNG or JPEG beside the chapter and write `![description](file)`");
        };
        let description = e
            .find("docPr")
            .and_then(|d| d.attr("descr"))
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        if description.is_empty() {
            self.note("a picture has no description (Word's alt text): write one in the square brackets of its `![](...)`");
        }
        if !self.draft.images.iter().any(|(n, _)| *n == name) {
            self.draft.images.push((name.clone(), Vec::new()));
        }
        out.push_str(&format!("![{}]({name})", escape(&description)));
    }

    fn run(&mut self, r: &Element, out: &mut String) {
        let props = r.child("rPr");
        let on = |name: &str| {
            props
                .and_then(|p| p.child(name))
                .is_some_and(|b| !matches!(b.attr("val"), Some("0" | "false" | "off")))
        };
        let (bold, italic) = (on("b"), on("i"));
        let mut text = String::new();
        for e in r.elements() {
            match e.name.as_str() {
                "t" => text.push_str(&escape(&e.text())),
                "tab" => text.push(' '),
                "br" | "cr" => text.push_str("  \n"),
                "noBreakHyphen" => text.push('-'),
                "footnoteReference" | "endnoteReference" => {
                    let prefix = if e.name == "endnoteReference" {
                        "e"
                    } else {
                        ""
                    };
                    if let Some(id) = e.attr("id") {
                        text.push_str(&format!("[^{prefix}{id}]"));
                    }
                }
                "drawing" | "pict" | "object" => self.picture(e, &mut text),
                "commentReference" => self.note("comments were left out"),
                _ => {}
            }
        }
        if text.trim().is_empty() || !(bold || italic) {
            out.push_str(&text);
            return;
        }
        // Emphasis marks go inside the spaces: `** bold**` is not bold.
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len();
        let mark = match (bold, italic) {
            (true, true) => "***",
            (true, false) => "**",
            _ => "*",
        };
        out.push_str(&text[..start]);
        out.push_str(mark);
        out.push_str(&text[start..end]);
        out.push_str(mark);
        out.push_str(&text[end..]);
    }
}

/// `Heading 2` is level 2; a paragraph with an outline level is a heading too.
fn heading_level(style: &str, p: &Element) -> Option<u8> {
    let from_style = style
        .strip_prefix("heading")
        .and_then(|n| n.trim().parse::<u8>().ok());
    let outline = || {
        p.child("pPr")
            .and_then(|ppr| ppr.child("outlineLvl"))
            .and_then(|o| o.attr("val"))
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|l| *l < 9)
            .map(|l| l + 1)
    };
    from_style.or_else(outline).filter(|l| (1..=9).contains(l))
}

/// Text with the characters Markdown would read as markup escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One cell of a Word table as read.
struct Cell {
    text: String,
    /// How many columns it is merged across.
    span: usize,
    /// It continues the cell above (merged down the rows).
    continues: bool,
}

/// A table's rows of text, each the table's width: a cell merged across
/// columns keeps its text in the first and leaves the rest empty, and one
/// merged down the rows repeats its text in each, so every row reads on its
/// own (a data table's CSV needs it). Two header rows, the first with a
/// heading merged across columns ("2024/25" over "Budget" and "Spent"),
/// become one ("2024/25 Budget", "2024/25 Spent").
fn table_rows(grid: &[Vec<Cell>]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut spread: Vec<Vec<String>> = Vec::new();
    for cells in grid {
        let mut row = Vec::new();
        let mut wide = Vec::new();
        for cell in cells {
            let column = row.len();
            let text = if cell.continues {
                rows.last()
                    .and_then(|above| above.get(column))
                    .cloned()
                    .unwrap_or_default()
            } else {
                cell.text.clone()
            };
            for i in 0..cell.span {
                wide.push(text.clone());
                row.push(if i == 0 { text.clone() } else { String::new() });
            }
        }
        rows.push(row);
        spread.push(wide);
    }
    let merged_header = grid.first().is_some_and(|r| r.iter().any(|c| c.span > 1))
        && grid.len() > 2
        && grid[1].iter().all(|c| c.span == 1)
        && rows[0].len() == rows[1].len();
    if merged_header {
        let joined: Vec<String> = spread[0]
            .iter()
            .zip(&rows[1])
            .zip(grid[1].iter().map(|c| c.continues))
            .map(|((top, below), continues)| {
                if continues || below.is_empty() || below == top {
                    top.clone()
                } else if top.is_empty() {
                    below.clone()
                } else {
                    format!("{top} {below}")
                }
            })
            .collect();
        rows.splice(0..2, [joined]);
    }
    rows
}

/// Markdown back to its words, for a title.
pub fn plain(markdown: &str) -> String {
    let mut out = String::new();
    let mut chars = markdown.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' => {}
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A .docx holding `body` as its document's body, and nothing else.
    fn docx(body: &str) -> Vec<u8> {
        docx_numbered(body, None)
    }

    /// A .docx with `body`, and `numbering` as its lists' definitions.
    fn docx_numbered(body: &str, numbering: Option<&str>) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        if let Some(numbering) = numbering {
            zip.start_file(
                "word/numbering.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            let xml = format!(
                r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{numbering}</w:numbering>"#
            );
            std::io::Write::write_all(&mut zip, xml.as_bytes()).unwrap();
        }
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        std::io::Write::write_all(&mut zip, xml.as_bytes()).unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn tracked_changes_are_taken_as_accepted_and_listed() {
        let d = read(&docx(
            r#"<w:p><w:r><w:t>Kept </w:t></w:r><w:ins><w:r><w:t>added</w:t></w:r></w:ins><w:del><w:r><w:delText>removed</w:delText></w:r></w:del><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>.</w:t></w:r></w:p>"#,
        ))
        .unwrap();
        assert_eq!(d.blocks, [Block::Paragraph("Kept added.".into())]);
        assert_eq!(
            d.approximations,
            [(
                Place {
                    paragraph: 1,
                    page: None
                },
                "tracked changes were accepted: deleted text is left out".to_string()
            )]
        );
    }

    #[test]
    fn a_chart_keeps_its_figures_by_category_and_names_unnamed_series() {
        // A pie chart with no categories and a series without a name.
        let chart = xml::parse(
            r#"<c:chartSpace xmlns:c="c"><c:chart><c:plotArea><c:pieChart><c:ser><c:val><c:numCache><c:pt idx="1"><c:v>7</c:v></c:pt><c:pt idx="0"><c:v>3.5</c:v></c:pt></c:numCache></c:val></c:ser></c:pieChart></c:plotArea></c:chart></c:chartSpace>"#,
        )
        .unwrap();
        assert_eq!(
            chart_figures(&chart),
            Some(Chart {
                title: None,
                rows: vec![
                    vec!["Category".into(), "Series 1".into()],
                    vec!["1".into(), "3.5".into()],
                    vec!["2".into(), "7".into()],
                ],
                columns: false,
            })
        );
        // A chart that keeps no figures is not a chart to draw.
        let empty = xml::parse(r#"<c:chartSpace xmlns:c="c"><c:chart><c:plotArea><c:barChart><c:barDir val="bar"/></c:barChart></c:plotArea></c:chart></c:chartSpace>"#).unwrap();
        assert_eq!(chart_figures(&empty), None);
    }

    #[test]
    fn what_needs_a_look_is_placed_on_the_page_word_last_laid_it_out_on() {
        // Page 2 starts where Word noted it laid out a new page, page 3 at a
        // typed break, page 4 at a paragraph set to start a page.
        let body = r#"<w:p><w:r><w:t>One</w:t></w:r></w:p>
<w:p><w:r><w:lastRenderedPageBreak/><w:t>Two</w:t></w:r></w:p>
<w:p><w:r><w:br w:type="page"/><w:t>Three</w:t></w:r></w:p>
<w:p><w:r><w:t>Still three</w:t><w:br/><w:t>a line break is not a page</w:t></w:r></w:p>
<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Four </w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"#;
        let d = read(&docx(body)).unwrap();
        assert_eq!(
            d.approximations.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            [Place {
                paragraph: 5,
                page: Some(4)
            }]
        );
        assert_eq!(d.approximations[0].0.to_string(), "paragraph 5 (page 4)");
    }

    #[test]
    fn a_heading_is_known_by_its_outline_level_where_its_style_is_not_named() {
        let d = read(&docx(
            r#"<w:p><w:pPr><w:pStyle w:val="Kop1"/><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Inleiding</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Not a list</w:t></w:r></w:p>"#,
        ))
        .unwrap();
        assert_eq!(
            d.blocks,
            [
                Block::Heading {
                    level: 1,
                    text: "Inleiding".into()
                },
                Block::Paragraph("Not a list".into())
            ]
        );
    }

    #[test]
    fn markdown_characters_in_the_text_stay_text() {
        assert_eq!(
            escape("a*b_c [d] <e> `f` | #g"),
            r"a\*b\_c \[d\] \<e\> \`f\` \| \#g"
        );
        assert_eq!(plain(r"**Costs** in 2\*3"), "Costs in 2*3");
    }

    /// A table of Word cells: `|` between cells, `+2` after a cell merged
    /// across two columns, `^` for one that continues the cell above.
    fn table_xml(rows: &[&str]) -> String {
        let mut xml = String::from("<w:tbl>");
        for row in rows {
            xml.push_str("<w:tr>");
            for cell in row.split('|') {
                let (text, props) = match (cell.split_once('+'), cell == "^") {
                    (_, true) => (String::new(), "<w:vMerge/>".to_string()),
                    (Some((t, n)), _) => (t.to_string(), format!(r#"<w:gridSpan w:val="{n}"/>"#)),
                    _ => (cell.to_string(), String::new()),
                };
                xml.push_str(&format!(
                    "<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"
                ));
            }
            xml.push_str("</w:tr>");
        }
        xml.push_str("</w:tbl>");
        xml
    }

    #[test]
    fn a_heading_merged_across_columns_over_their_own_headings_joins_them() {
        let d = read(&docx(&table_xml(&[
            "Area|2024/25+2",
            "^|Budget|Spent",
            "North|100|90",
            "^|20|25",
        ])))
        .unwrap();
        assert_eq!(
            d.blocks,
            [Block::Table(vec![
                vec![
                    "Area".into(),
                    "2024/25 Budget".into(),
                    "2024/25 Spent".into()
                ],
                vec!["North".into(), "100".into(), "90".into()],
                // A cell merged down the rows repeats its text in each.
                vec!["North".into(), "20".into(), "25".into()],
            ])]
        );
        assert!(
            d.approximations[0].1.contains("two header rows"),
            "{:?}",
            d.approximations
        );
    }

    #[test]
    fn a_cell_merged_across_columns_in_the_body_keeps_the_table_square() {
        let d = read(&docx(&table_xml(&[
            "Project|Lead|Due",
            "Hubs+2|2026",
            "Training|Health|2027",
        ])))
        .unwrap();
        assert_eq!(
            d.blocks,
            [Block::Table(vec![
                vec!["Project".into(), "Lead".into(), "Due".into()],
                vec!["Hubs".into(), String::new(), "2026".into()],
                vec!["Training".into(), "Health".into(), "2027".into()],
            ])]
        );
        assert!(d.approximations.is_empty());
    }

    #[test]
    fn paragraphs_the_document_numbers_3_1_are_numbered_paragraphs_not_a_list() {
        let numbering = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum><w:num w:numId="4"><w:abstractNumId w:val="0"/></w:num>"#;
        let para = |level: u8, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="4"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let body = [
            para(0, "A list item"),
            para(1, "The board is asked to agree."),
        ]
        .concat();
        let d = read(&docx_numbered(&body, Some(numbering))).unwrap();
        assert_eq!(
            d.blocks,
            [
                Block::Item {
                    ordered: true,
                    depth: 0,
                    text: "A list item".into()
                },
                Block::Numbered("The board is asked to agree.".into())
            ]
        );
    }
}
