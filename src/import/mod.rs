//! `rapport import FILE.docx`: a report folder from a Word document.
//!
//! Most reports start as a Word file passed between officers; retyping it
//! chapter by chapter loses its footnotes and tables and invites mistakes.
//! The document is read ([`docx`]) into blocks of Markdown, split into
//! chapters at its top headings, and written as a new draft report that
//! builds, with a list of what could not be carried over and where. Nothing
//! already in the site is ever overwritten (the same rules as `rapport new`).

mod docx;
mod items;
mod tables;
mod xml;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::content::REPORT_FILE;
use crate::diagnostics::Diagnostic;
pub use docx::Place;
use docx::{Block, Draft};

/// What `import` is asked for.
#[derive(Default)]
pub struct Options {
    /// The report's folder name; by default made from its title.
    pub report: Option<String>,
    /// The report's title; by default the document's own.
    pub title: Option<String>,
    /// The heading level that starts a chapter; by default the highest
    /// level the document uses (Heading 1, usually).
    pub chapter_level: Option<u8>,
}

/// What an import made, for its report to the user.
#[derive(Debug)]
pub struct Imported {
    pub report: PathBuf,
    pub files: Vec<PathBuf>,
    /// Each chapter's title.
    pub chapters: Vec<String>,
    /// The tables of figures that became data tables, by name.
    pub data_tables: Vec<String>,
    /// The tables of words, kept as Markdown tables.
    pub text_tables: usize,
    /// What became of each table, one line each.
    pub tables: Vec<String>,
    pub notes: usize,
    /// What was left out or changed, with where it was met.
    pub approximations: Vec<(docx::Place, String)>,
    /// How many recommendations or actions became tracker items, and
    /// which of the two they are ("recommendations", "actions").
    pub items: usize,
    pub items_word: &'static str,
    /// What about the items was left as text or needs a look.
    pub item_notes: Vec<String>,
}

/// The most a Word file may be: a long report with photographs is tens of
/// megabytes.
const MAX_FILE: u64 = 256 * 1024 * 1024;

fn problem(file: &Path, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error("import", message)
        .config()
        .in_file(file.display().to_string())
        .with_hint(hint)
}

/// Imports `file` into a new report of the site in `site`.
pub fn import(site: &Path, file: &Path, opts: &Options) -> Result<Imported, Diagnostic> {
    let is_docx = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("docx"));
    if !is_docx {
        return Err(problem(
            file,
            "rapport imports Word documents saved as .docx".into(),
            "open the file in Word or LibreOffice and save it as a Word document (.docx)",
        ));
    }
    let bytes = read_capped(file).map_err(|e| {
        problem(
            file,
            format!("cannot read {}: {e}", file.display()),
            "check the file's name and that it is not open elsewhere",
        )
    })?;
    let draft = docx::read(&bytes).map_err(|why| {
        problem(
            file,
            format!("{} cannot be imported: {why}", file.display()),
            "open it in Word or LibreOffice, save it again as .docx, and import that copy",
        )
    })?;
    let title = opts
        .title
        .clone()
        .or_else(|| draft.title.clone())
        .or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Imported report".into());
    let slug = match &opts.report {
        Some(s) => s.clone(),
        None => {
            let s = slug::slugify(&title);
            let cut: String = s.chars().take(60).collect();
            cut.trim_end_matches('-').to_string()
        }
    };
    let dir = crate::new::report_folder(site, &slug)?;
    let chapters = chapters(&draft, opts.chapter_level);
    let mut found = items::Found::default();
    let plans: Vec<Vec<items::Keep>> = chapters
        .iter()
        .map(|c| found.take(&c.title, &with_captions(&c.blocks)))
        .collect();
    // An item's words moved out of its chapter take their notes with them.
    for item in &mut found.items {
        let (text, notes) = number_notes(&item.text, &draft);
        item.text = if notes.is_empty() {
            text
        } else {
            format!("{}\n{notes}", text.trim_end())
        };
    }
    let mut tables = Tables::default();
    let report = NewReport {
        title: &title,
        draft: &draft,
        chapters: &chapters,
        plans: &plans,
        found: &found,
    };
    let written = report.write(site, &dir, &mut tables);
    let files = match written {
        Ok(files) => files,
        Err(d) => {
            // The folder did not exist before (`report_folder` checked), so
            // everything in it is this import's: a half-written report is
            // taken away rather than left to build.
            let _ = std::fs::remove_dir_all(&dir);
            return Err(d);
        }
    };
    Ok(Imported {
        report: dir,
        files,
        chapters: chapters.iter().map(|c| c.title.clone()).collect(),
        data_tables: tables.data.iter().map(|t| t.name.clone()).collect(),
        text_tables: tables.text,
        tables: tables.outcomes,
        notes: draft.notes.len(),
        item_notes: item_notes(&found),
        items: found.items.len(),
        items_word: match found.kind {
            Some(items::Kind::Action) => "action(s)",
            _ => "recommendation(s)",
        },
        approximations: draft.approximations,
    })
}

/// What the import report says about the items beyond their number.
fn item_notes(found: &items::Found) -> Vec<String> {
    let mut notes = found.notes.clone();
    if found.made_titles > 0 {
        notes.push(format!(
            "{} item title(s) are the first words of the item, the document giving none: shorten them in {ITEMS_FILE}",
            found.made_titles
        ));
    }
    notes
}

/// Where recognised items are written, beside report.yaml.
const ITEMS_FILE: &str = "recommendations.yaml";

/// The new report's parts, as they are written.
struct NewReport<'a> {
    title: &'a str,
    draft: &'a Draft,
    chapters: &'a [Chapter<'a>],
    /// For each chapter, what becomes of each of its blocks.
    plans: &'a [Vec<items::Keep>],
    found: &'a items::Found,
}

impl NewReport<'_> {
    /// Writes the report's files into the new folder `dir`.
    fn write(
        &self,
        site: &Path,
        dir: &Path,
        tables: &mut Tables,
    ) -> Result<Vec<PathBuf>, Diagnostic> {
        let mut files = vec![dir.join(REPORT_FILE)];
        let mut yaml = report_yaml(self.title, self.draft);
        if self.found.kind == Some(items::Kind::Action) {
            yaml.push_str("item_label: Action\n");
        }
        crate::new::write_new(site, &files[0], &yaml)?;
        for (i, c) in self.chapters.iter().enumerate() {
            let name = slug::slugify(&c.title);
            let name: String = name.chars().take(50).collect();
            let name = name.trim_end_matches('-');
            let path = dir.join(format!("{:02}-{}.md", i + 1, chapter_name(name)));
            tables.chapter = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = chapter_markdown(c, i + 1, self.draft, &self.plans[i], self.found, tables);
            crate::new::write_new(site, &path, &text)?;
            files.push(path);
        }
        if !self.found.items.is_empty() {
            let path = dir.join(ITEMS_FILE);
            crate::new::write_new(site, &path, &self.found.yaml())?;
            files.push(path);
        }
        for t in &tables.data {
            for (ext, text) in [("csv", &t.csv), ("yaml", &t.schema)] {
                let path = dir.join("data").join(format!("{}.{ext}", t.name));
                crate::new::write_new(site, &path, text)?;
                files.push(path);
            }
        }
        for (name, bytes) in &self.draft.images {
            let path = dir.join(name);
            crate::new::write_new_bytes(site, &path, bytes)?;
            files.push(path);
        }
        Ok(files)
    }
}

/// A chapter's file name (less its number) from its title's `slug`: not
/// one of the addresses rapport keeps for itself inside a report (a
/// chapter called "Recommendations" would take the tracker's).
fn chapter_name(slug: &str) -> String {
    let taken = crate::addresses::REPORT_TOP.contains(&slug)
        || matches!(
            slug,
            "recommendations" | "actions" | "decisions" | crate::addresses::DATA
        );
    match slug {
        "" => "chapter".to_string(),
        _ if taken => format!("{slug}-chapter"),
        _ => slug.to_string(),
    }
}

fn read_capped(file: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(file)?
        .take(MAX_FILE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(std::io::Error::other(format!(
            "it is larger than {} MiB",
            MAX_FILE >> 20
        )));
    }
    Ok(bytes)
}

struct Chapter<'a> {
    title: String,
    /// The level of its own heading: deeper headings become `##` and below.
    level: u8,
    blocks: Vec<&'a Block>,
}

/// The blocks split at each heading of the chapter level. Text before the
/// first such heading becomes an introduction.
fn chapters(draft: &Draft, level: Option<u8>) -> Vec<Chapter<'_>> {
    let top = draft
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text } if items::items_chapter_title(text).is_none() => {
                Some(*level)
            }
            _ => None,
        })
        .min();
    let split = level.or(top).unwrap_or(1);
    let mut out: Vec<Chapter> = Vec::new();
    for b in &draft.blocks {
        // A "Recommendation 3: ..." heading is an item, not a chapter, at
        // any level: it stays in the chapter before it, where its words
        // become the item's (a document that opens with one gets a chapter
        // named for its items).
        let item = match b {
            Block::Heading { text, .. } => items::items_chapter_title(text),
            _ => None,
        };
        match b {
            Block::Heading { level, text } if *level <= split && item.is_none() => {
                out.push(Chapter {
                    title: docx::plain(text),
                    level: split,
                    blocks: Vec::new(),
                })
            }
            _ => {
                if out.is_empty() {
                    out.push(Chapter {
                        title: item.unwrap_or("Introduction").into(),
                        level: split,
                        blocks: Vec::new(),
                    });
                }
                if let Some(c) = out.last_mut() {
                    c.blocks.push(b);
                }
            }
        }
    }
    if out.is_empty() {
        out.push(Chapter {
            title: "Introduction".into(),
            level: split,
            blocks: Vec::new(),
        });
    }
    out
}

fn report_yaml(title: &str, draft: &Draft) -> String {
    let yaml = crate::new::yaml_text;
    let mut s = format!("title: {}\n", yaml(title));
    s.push_str(
        "kind: other             # annual report, progress report, board paper or strategy\n",
    );
    let published = draft
        .date
        .clone()
        .unwrap_or_else(|| crate::dates::today().to_string());
    let _ = writeln!(s, "published: {published}");
    s.push_str("draft: true             # remove when it is ready to publish\n");
    if let Some(author) = &draft.author {
        let _ = writeln!(s, "authors: [{}]", yaml(author));
    }
    match &draft.description {
        Some(d) => {
            let _ = writeln!(s, "summary: {}", yaml(d));
        }
        None => s.push_str("summary: >\n  One or two sentences on what this report covers.\n"),
    }
    s
}

/// The report's tables as they are written: numbered through the report.
#[derive(Default)]
struct Tables {
    data: Vec<tables::DataTable>,
    text: usize,
    /// The chapter file being written, for [`Tables::outcomes`].
    chapter: String,
    /// What became of each table, in the document's order.
    outcomes: Vec<String>,
}

impl Tables {
    /// The next table's number and name: tables and charts are numbered
    /// together, through the report.
    fn next(&self) -> (usize, String) {
        let number = self.data.len() + self.text + 1;
        (number, format!("table-{number}"))
    }

    /// Rows kept as a Markdown table, under `title` when there is one.
    fn markdown(&mut self, out: &mut String, title: Option<&str>, rows: &[Vec<String>]) {
        self.text += 1;
        if let Some(title) = title {
            out.push_str(title);
            out.push_str("\n\n");
        }
        write_table(out, rows);
    }

    /// A data table placed in the chapter, or the table in Markdown.
    fn write(&mut self, out: &mut String, rows: &[Vec<String>], caption: Option<&str>) {
        let (number, name) = self.next();
        let caption_text = caption
            .map(docx::plain)
            .unwrap_or_else(|| format!("Table {number}"));
        let chapter = &self.chapter;
        match tables::as_data(rows, &name, &caption_text) {
            Some(t) => {
                self.outcomes.push(format!(
                    "table {number} (\"{caption_text}\", in {chapter}): a data table, data/{name}.csv"
                ));
                out.push_str("> [!TABLE] ");
                out.push_str(&name);
                self.data.push(t);
            }
            None => {
                self.outcomes.push(format!(
                    "table {number} (\"{caption_text}\", in {chapter}): a Markdown table, as not every column after the first holds figures"
                ));
                self.markdown(out, caption, rows);
            }
        }
    }

    /// A chart, drawn by rapport from a data table of the figures Word
    /// keeps with it; its figures in Markdown when they are not all numbers.
    fn write_chart(&mut self, out: &mut String, chart: &docx::Chart, caption: Option<&str>) {
        let (number, name) = self.next();
        let title = caption
            .map(docx::plain)
            .or_else(|| chart.title.clone())
            .unwrap_or_else(|| format!("Chart {number}"));
        let chapter = &self.chapter;
        let series = chart.rows[0].len().saturating_sub(1);
        match tables::as_data(&chart.rows, &name, &title) {
            Some(t) => {
                let others = if series > 1 {
                    format!(
                        "; it draws the first of the chart's {series} series, and the others are columns of the table (a `> [!CHART]` each draws them)"
                    )
                } else {
                    String::new()
                };
                self.outcomes.push(format!(
                    "a chart (\"{title}\", in {chapter}): drawn by rapport from data/{name}.csv, the figures Word keeps with the chart{others}; check them against the original"
                ));
                out.push_str("> [!CHART] ");
                out.push_str(&name);
                out.push_str("\n> column: ");
                out.push_str(&tables::key(&chart.rows[0][1], 1));
                if chart.columns {
                    out.push_str("\n> type: column");
                }
                self.data.push(t);
            }
            None => {
                self.outcomes.push(format!(
                    "a chart (\"{title}\", in {chapter}): its figures are a Markdown table, as not all of them are numbers"
                ));
                self.markdown(out, Some(&title), &chart.rows);
            }
        }
    }
}

/// Each block with the caption that belongs to it: a *Caption* paragraph
/// just before or just after a table or chart is its caption, not a
/// paragraph.
fn with_captions<'a>(blocks: &[&'a Block]) -> Vec<(&'a Block, Option<&'a str>)> {
    let mut out: Vec<(&Block, Option<&str>)> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        match (blocks[i], blocks.get(i + 1)) {
            (Block::Caption(c), Some(t @ (Block::Table(_) | Block::Chart(_)))) => {
                out.push((t, Some(c)));
                i += 2;
            }
            (Block::Caption(c), _)
                if matches!(out.last(), Some((Block::Table(_) | Block::Chart(_), None))) =>
            {
                if let Some(last) = out.last_mut() {
                    last.1 = Some(c);
                }
                i += 1;
            }
            (b, _) => {
                out.push((b, None));
                i += 1;
            }
        }
    }
    out
}

fn chapter_markdown(
    c: &Chapter,
    order: usize,
    draft: &Draft,
    plan: &[items::Keep],
    found: &items::Found,
    tables: &mut Tables,
) -> String {
    let mut body = String::new();
    let mut previous: Option<&Block> = None;
    for ((b, caption), keep) in with_captions(&c.blocks).into_iter().zip(plan) {
        match keep {
            items::Keep::Taken => continue,
            items::Keep::Run(n) => {
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                body.push_str(&found.list(*n));
                if let Some(what) = found.table_outcome(*n) {
                    tables
                        .outcomes
                        .push(format!("{what}, in {}", tables.chapter));
                }
                previous = None;
                continue;
            }
            items::Keep::Text => {}
        }
        // Items of one list sit together; everything else is its own block.
        let same_list = matches!(
            (previous, b),
            (Some(Block::Item { .. }), Block::Item { .. })
        );
        if !body.is_empty() {
            body.push_str(if same_list { "\n" } else { "\n\n" });
        }
        match b {
            Block::Table(rows) => tables.write(&mut body, rows, caption),
            Block::Chart(chart) => tables.write_chart(&mut body, chart, caption),
            _ => write_block(&mut body, b, c.level),
        }
        previous = Some(b);
    }
    let (body, notes) = number_notes(&body, draft);
    // Where the document numbers its paragraphs, rapport numbers them.
    let numbered = c.blocks.iter().any(|b| matches!(b, Block::Numbered(_)));
    format!(
        "---\ntitle: {}\norder: {order}\n{}---\n\n{}\n{notes}",
        crate::new::yaml_text(&c.title),
        if numbered { "numbered: true\n" } else { "" },
        body.trim_end()
    )
}

/// `body` with its note references numbered from 1 (Word numbers notes
/// through the whole document, from 2 in files LibreOffice writes), and the
/// notes' Markdown to append: a chapter's or a tracker item's own.
fn number_notes(body: &str, draft: &Draft) -> (String, String) {
    let mut notes = String::new();
    let mut numbered = String::with_capacity(body.len());
    let mut labels: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("[^") {
        let escaped = rest[..at].ends_with('\\');
        numbered.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find(']') {
            Some(end) if !escaped => {
                let label = &after[..end];
                let n = match labels.iter().position(|l| l == label) {
                    Some(i) => i + 1,
                    None => {
                        labels.push(label.to_string());
                        let text = draft.notes.get(label).map(String::as_str).unwrap_or("");
                        let _ = write!(notes, "\n[^{}]: {text}\n", labels.len());
                        labels.len()
                    }
                };
                let _ = write!(numbered, "[^{n}]");
                rest = &after[end + 1..];
            }
            _ => {
                numbered.push_str("[^");
                rest = after;
            }
        }
    }
    numbered.push_str(rest);
    (numbered, notes)
}

pub(super) fn write_block(out: &mut String, b: &Block, chapter_level: u8) {
    match b {
        Block::Heading { level, text } => {
            let depth = (level.saturating_sub(chapter_level) + 1).clamp(2, 6);
            out.push_str(&"#".repeat(depth as usize));
            out.push(' ');
            out.push_str(&text.replace("  \n", " "));
        }
        Block::Paragraph(text) | Block::Caption(text) | Block::Numbered(text) => out.push_str(text),
        Block::Quote(text) => {
            out.push_str("> ");
            out.push_str(&text.replace('\n', "\n> "));
        }
        Block::Item {
            ordered,
            depth,
            text,
        } => {
            out.push_str(&"    ".repeat((*depth).min(8) as usize));
            out.push_str(if *ordered { "1. " } else { "- " });
            out.push_str(&text.replace("  \n", " "));
        }
        Block::Table(rows) => write_table(out, rows),
        // A chart among an item's words: its figures, as a table.
        Block::Chart(chart) => write_table(out, &chart.rows),
    }
}

fn write_table(out: &mut String, rows: &[Vec<String>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let line = |out: &mut String, row: &[String]| {
        out.push('|');
        for i in 0..width {
            let cell = row.get(i).map(String::as_str).unwrap_or("");
            out.push(' ');
            out.push_str(&cell.replace("  \n", " ").replace('\n', " "));
            out.push_str(" |");
        }
        out.push('\n');
    };
    line(out, &rows[0]);
    out.push('|');
    out.push_str(&" --- |".repeat(width));
    out.push('\n');
    for row in &rows[1..] {
        line(out, row);
    }
    out.pop();
}
