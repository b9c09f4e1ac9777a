//! Reading recommendations from their three authoring forms.
//!
//! - `recommendations/<anything>.md`: one small file per item, the way a
//!   policy officer edits a single status in a browser and gets a clean diff;
//! - `recommendations.yaml`: a list of items in one file;
//! - `recommendations.csv`: an action list as a spreadsheet exports it.
//!
//! All three become the same [`Recommendation`]; every value keeps the line
//! it came from so that problems found later point back into the source.

use serde::Deserialize;

use crate::data::source::{Lines, cell_columns, csv_error, record_place};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap, Span};
use crate::markdown::{self, Document, ParseOptions};
use crate::model::{
    CarriedForward, DocOrigin, DocStart, ItemRef, PartialDate, Recommendation, Response,
};
use crate::status::Vocabulary;
use crate::vfs::{self, FileSystem};
use crate::yaml::{self, Spanned};

pub const ITEMS_DIR: &str = "recommendations";
pub const ITEMS_YAML: &str = "recommendations.yaml";
pub const ITEMS_CSV: &str = "recommendations.csv";

/// Is this file (relative to the report folder) a recommendation source
/// rather than a file to publish?
pub fn is_source(rel: &str) -> bool {
    rel == ITEMS_YAML
        || rel == ITEMS_CSV
        || rel
            .strip_prefix(ITEMS_DIR)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|r| r.ends_with(".md") && !r.contains('/'))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    number: Spanned<Scalar>,
    title: String,
    text: Option<Spanned<String>>,
    missing_text: Option<String>,
    theme: Option<String>,
    #[serde(default)]
    lead: Leads,
    /// Who works with the lead: kept apart, because the lead answers for it.
    #[serde(default)]
    partners: Leads,
    due: Option<Spanned<Scalar>>,
    status: Option<Spanned<String>>,
    #[serde(default)]
    responses: Vec<RawResponse>,
    previously: Option<Spanned<Scalar>>,
    carried_forward_to: Option<RawCarried>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponse {
    date: Spanned<Scalar>,
    period: Option<String>,
    status: Spanned<String>,
    text: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCarried {
    body: String,
    to: Option<Spanned<Scalar>>,
}

/// A value and where it was written.
struct Pos<T> {
    v: T,
    at: Span,
}

/// One item, whichever form it was written in.
struct ItemIn {
    number: Pos<String>,
    title: String,
    text: Option<Pos<String>>,
    missing_text: Option<String>,
    theme: Option<String>,
    leads: Vec<String>,
    partners: Vec<String>,
    due: Option<Pos<String>>,
    status: Option<Pos<String>>,
    responses: Vec<ResponseIn>,
    previously: Option<Pos<String>>,
    carried_forward_to: Option<(String, Option<Pos<String>>)>,
}

struct ResponseIn {
    date: Pos<String>,
    period: Option<String>,
    status: Pos<String>,
    text: Option<Pos<String>>,
}

/// The plain scalar written at a 1-based line and column of `yaml`: what
/// the author typed, before YAML read `4.10` as a number.
fn written_scalar(yaml: &str, line: u64, column: u64) -> Option<String> {
    let src = yaml.lines().nth(line.checked_sub(1)? as usize)?;
    let start = src.char_indices().nth(column.checked_sub(1)? as usize)?.0;
    let rest = &src[start..];
    let end = rest
        .find(" #")
        .into_iter()
        .chain(rest.find([',', ']', '}']))
        .min()
        .unwrap_or(rest.len());
    let token = rest[..end].trim();
    (!token.is_empty()).then(|| token.to_string())
}

impl RawItem {
    /// `yaml` is the text the item was parsed from, to recover numbers as
    /// written.
    fn into_item(self, line_offset: u32, yaml: &str) -> ItemIn {
        fn p<T>(s: Spanned<T>, off: u32) -> Pos<T> {
            Pos {
                at: yaml::span_of(&s, off),
                v: s.value,
            }
        }
        let ps = |s: Spanned<Scalar>, off: u32| -> Pos<String> {
            let at = yaml::span_of(&s, off);
            let v = if s.value.1 {
                s.value.0
            } else {
                written_scalar(yaml, s.referenced.line(), s.referenced.column())
                    .unwrap_or(s.value.0)
            };
            Pos { at, v }
        };
        let o = line_offset;
        ItemIn {
            number: ps(self.number, o),
            title: self.title,
            text: self.text.map(|t| p(t, o)),
            missing_text: self.missing_text,
            theme: self.theme,
            leads: self.lead.into_vec(),
            partners: self.partners.into_vec(),
            due: self.due.map(|d| ps(d, o)),
            status: self.status.map(|s| p(s, o)),
            responses: self
                .responses
                .into_iter()
                .map(|r| ResponseIn {
                    date: ps(r.date, o),
                    period: r.period,
                    status: p(r.status, o),
                    text: r.text.map(|t| p(t, o)),
                })
                .collect(),
            previously: self.previously.map(|x| ps(x, o)),
            carried_forward_to: self
                .carried_forward_to
                .map(|c| (c.body, c.to.map(|t| ps(t, o)))),
        }
    }
}

/// A YAML scalar taken as the text the author wrote: `4.10` must stay
/// `4.10`, not become the number 4.1, and `2020` is a year, not an integer.
/// The value, and whether YAML read it as text (true) or as a number.
#[derive(Debug)]
struct Scalar(String, bool);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            Int(i64),
            Text(String),
            Float(f64),
        }
        Ok(match Any::deserialize(d)? {
            Any::Int(i) => Scalar(i.to_string(), false),
            Any::Text(t) => Scalar(t, true),
            Any::Float(f) => Scalar(f.to_string(), false),
        })
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Leads {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Leads {
    fn into_vec(self) -> Vec<String> {
        match self {
            Leads::None => Vec::new(),
            Leads::One(s) => split_leads(&s),
            Leads::Many(v) => v.into_iter().map(|s| s.trim().to_string()).collect(),
        }
    }
}

/// Spreadsheets put several leads in one cell, separated by `;`.
fn split_leads(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Everything one report's sources hold, in source order (sorting and
/// integrity checks come after).
pub fn load(
    fs: &dyn FileSystem,
    report_dir: &str,
    statuses: &Vocabulary,
    opts: &crate::parse_cache::LoadOptions,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> (Vec<Recommendation>, bool) {
    let cx = Cx { statuses, diags };
    let mut items = Vec::new();
    let mut unreadable = false;
    let dir = vfs::join(report_dir, ITEMS_DIR);
    let mut files: Vec<String> = crate::parse_cache::walk(fs, opts, &dir)
        .iter()
        .filter(|p| is_source(&p[report_dir.len() + 1..]))
        .cloned()
        .collect();
    files.sort();
    // One file per item is the form a large site uses: kept parsed between
    // the rebuilds of `rapport serve`, like chapters.
    let key = crate::parse_cache::key_of(&format!("{statuses:?}"));
    for path in files {
        let item = crate::parse_cache::load(
            opts.cache.as_deref(),
            crate::parse_cache::Parse {
                fs,
                path: &path,
                key,
                diags,
                sources,
                parse: &|text, diags| Cx { statuses, diags }.markdown_file(&path, text),
            },
        );
        unreadable |= item.is_none();
        items.extend(item);
    }
    let yaml_path = vfs::join(report_dir, ITEMS_YAML);
    if fs.is_file(&yaml_path)
        && let Some(text) = crate::sources::read(sources, fs, &yaml_path, diags)
    {
        match yaml::parse::<Vec<RawItem>>(&yaml_path, &text, 0) {
            Ok(raws) => {
                let index = LineIndex::new(&text);
                for raw in raws {
                    items.push(cx.item(raw.into_item(0, &text), &yaml_path, &text, &index, None));
                }
            }
            Err(d) => {
                unreadable = true;
                diags.push(d);
            }
        }
    }
    let csv_path = vfs::join(report_dir, ITEMS_CSV);
    if fs.is_file(&csv_path)
        && let Some(text) = crate::sources::read_export(sources, fs, &csv_path, diags)
    {
        items.extend(csv_items(&cx, &csv_path, &text));
    }
    (items, unreadable)
}

struct Cx<'a> {
    statuses: &'a Vocabulary,
    diags: &'a Diagnostics,
}

impl Cx<'_> {
    fn markdown_file(&self, path: &str, text: &str) -> Option<Recommendation> {
        let Some((front, line_offset, body_start)) = crate::yaml::split_front_matter(text) else {
            self.diags.push(
                Diagnostic::error("no-front-matter", "this recommendation has no front matter")
                    .in_file(path)
                    .at_line(1, 1)
                    .with_hint("start the file with `---`, then `number: 3`, `title: ...`, and another `---` line"),
            );
            return None;
        };
        let raw: RawItem = match yaml::parse(path, front, line_offset) {
            Ok(r) => r,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        let index = LineIndex::new(text);
        let body = (!text[body_start..].trim().is_empty()).then_some(body_start);
        Some(self.item(raw.into_item(line_offset, front), path, text, &index, body))
    }

    /// `body` is where the Markdown body of a one-item file starts.
    fn item(
        &self,
        raw: ItemIn,
        file: &str,
        text: &str,
        index: &LineIndex,
        body: Option<usize>,
    ) -> Recommendation {
        let number = raw.number.v.trim().to_string();
        let (text_doc, origin) = match (&raw.text, body) {
            (Some(t), Some(_)) => {
                self.diags.push(
                    Diagnostic::error(
                        "text-twice",
                        "this recommendation has both a `text:` field and a body",
                    )
                    .in_file(file)
                    .at(t.at.clone())
                    .with_hint("keep the text in one place: the body below the front matter"),
                );
                (Document::default(), value_origin(file, text, &raw.number))
            }
            (None, Some(start)) => {
                let origin = DocOrigin {
                    file: file.to_string(),
                    at: DocStart::Body(start),
                    markdown: None,
                };
                (
                    self.markdown(&text[start..], &origin, Some((text, index))),
                    origin,
                )
            }
            (Some(t), None) => {
                let origin = value_origin(file, text, t);
                (self.markdown(&t.v, &origin, None), origin)
            }
            (None, None) => (Document::default(), value_origin(file, text, &raw.number)),
        };

        let mut responses = Vec::new();
        let mut unreadable_responses = false;
        for r in raw.responses {
            // Both checked, so that a bad date does not hide a misspelt
            // status in the same response.
            let date = self.date(&r.date, file);
            let status = self.status(&r.status, file);
            let Some(date) = date else {
                unreadable_responses = true;
                continue;
            };
            let (doc, origin) = match &r.text {
                Some(t) => {
                    let origin = value_origin(file, text, t);
                    (self.markdown(&t.v, &origin, None), origin)
                }
                None => (Document::default(), value_origin(file, text, &r.date)),
            };
            responses.push(Response {
                date,
                period: r.period,
                status: status.unwrap_or_else(|| self.statuses.unreported()),
                text: doc,
                origin,
            });
        }
        // Newest first; responses on the same date keep their written order.
        responses.sort_by_key(|r| std::cmp::Reverse(r.date));

        let unreported = self.statuses.unreported();
        let status = match &raw.status {
            Some(s) => self.status(s, file).unwrap_or(unreported),
            None => responses.first().map_or(unreported, |r| r.status),
        };
        let due = raw.due.as_ref().and_then(|d| self.date(d, file));
        if number.is_empty() {
            self.diags.push(
                Diagnostic::error("no-number", "this recommendation has an empty number")
                    .in_file(file)
                    .at(raw.number.at.clone())
                    .with_hint("give it a number or id, e.g. `number: 3`, `number: \"4.2\"` or `number: R12`"),
            );
        }
        Recommendation {
            slug: item_slug(&number),
            number,
            title: raw.title.trim().to_string(),
            text: text_doc,
            missing_text: raw.missing_text,
            theme: raw
                .theme
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            leads: raw.leads,
            partners: raw.partners,
            due,
            status,
            responses,
            unreadable_responses,
            origin,
            number_at: raw.number.at.clone(),
            previously: raw.previously.as_ref().map(parse_ref),
            carried_forward_to: raw.carried_forward_to.map(|(body, to)| CarriedForward {
                body,
                item: to.as_ref().map(parse_ref),
            }),
            related: Vec::new(),
        }
    }

    fn status(&self, s: &Pos<String>, file: &str) -> Option<usize> {
        let found = self.statuses.find(&s.v);
        if found.is_none() {
            self.diags.push(
                Diagnostic::error("unknown-status", format!("`{}` is not a status", s.v))
                    .in_file(file)
                    .at(s.at.clone())
                    .with_hint({
                        let listing = self.statuses.listing();
                        let guess = crate::diagnostics::nearest(
                            &s.v.trim().to_lowercase(),
                            listing.split(", "),
                        )
                        .map(|g| format!("did you mean `{g}`? "))
                        .unwrap_or_default();
                        if self.statuses.is_decisions() {
                            format!(
                                "{guess}this report's items are decisions, so use one of: {listing}; or write `statuses: default` in report.yaml for the site's statuses"
                            )
                        } else {
                            format!("{guess}use one of: {listing}")
                        }
                    }),
            );
        }
        found
    }

    fn date(&self, s: &Pos<String>, file: &str) -> Option<PartialDate> {
        let d = PartialDate::parse(&s.v);
        if d.is_none() {
            self.diags.push(
                Diagnostic::error("bad-date", format!("`{}` is not a date", s.v))
                    .in_file(file)
                    .at(s.at.clone())
                    .with_hint(crate::dates::hint_for(&s.v, "write YYYY-MM-DD, or YYYY-MM for a month, e.g. 2020-03-31 or 2020-03; use `period:` for a label such as \"Quarter 3\"")),
            );
        }
        d
    }

    fn markdown(
        &self,
        md: &str,
        origin: &DocOrigin,
        whole: Option<(&str, &LineIndex)>,
    ) -> Document {
        let (doc, problems) = markdown::parse(md, &ParseOptions::default());
        for p in problems {
            self.diags.push(Diagnostic {
                severity: p.severity,
                class: crate::diagnostics::Class::Content,
                code: p.code,
                message: p.message,
                file: Some(origin.file.clone()),
                span: Some(span_in(origin.at, md, p.offset, whole)),
                hint: Some(p.hint),
            });
        }
        doc
    }
}

/// Where the Markdown of a YAML value starts. A block scalar (`|` or `>`)
/// starts on the line after its indicator.
fn value_origin(file: &str, text: &str, value: &Pos<String>) -> DocOrigin {
    let (mut line, mut column) = (value.at.start.line, value.at.start.column);
    let src_line = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    let rest = src_line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map(|(i, _)| &src_line[i..])
        .unwrap_or("");
    if rest.starts_with('|') || rest.starts_with('>') {
        let next = text.lines().nth(line as usize).unwrap_or("");
        line += 1;
        column = (next.len() - next.trim_start().len()) as u32 + 1;
    }
    DocOrigin {
        file: file.to_string(),
        at: DocStart::Value { line, column },
        markdown: Some(value.v.as_str().into()),
    }
}

/// The position of byte `offset` of a document that starts at `at`.
pub fn span_in(at: DocStart, md: &str, offset: usize, whole: Option<(&str, &LineIndex)>) -> Span {
    match (at, whole) {
        (DocStart::Body(start), Some((text, index))) => {
            index.span(text, start + offset..start + offset)
        }
        (DocStart::Body(_), None) => Span::point(1, 1),
        (DocStart::Value { line, column }, _) => {
            let before = &md[..offset.min(md.len())];
            let lines = before.matches('\n').count() as u32;
            let col = match before.rfind('\n') {
                Some(i) => before[i + 1..].chars().count() as u32 + column,
                None => before.chars().count() as u32 + column,
            };
            Span::point(line + lines, col)
        }
    }
}

/// `4.2` -> `4-2`, `R12` -> `r12`.
pub fn item_slug(number: &str) -> String {
    let s = slug::slugify(number);
    if s.is_empty() { "item".into() } else { s }
}

/// `12` or `other-report/12`.
fn parse_ref(p: &Pos<String>) -> ItemRef {
    let s = p.v.trim();
    let span = &p.at;
    let (report, number) = match s.rsplit_once('/') {
        Some((r, n)) => (Some(r.trim_matches('/').to_string()), n.to_string()),
        None => (None, s.to_string()),
    };
    ItemRef {
        report,
        number: number.trim().to_string(),
        line: span.start.line,
        column: span.start.column,
    }
}

/// The columns an action list may have, and what each maps to.
const CSV_COLUMNS: &[&str] = &[
    "number",
    "title",
    "text",
    "missing_text",
    "theme",
    "lead",
    "partners",
    "due",
    "status",
    "response_date",
    "response_period",
    "response_status",
    "response_text",
    "previously",
    "carried_forward_to",
];

fn csv_items(cx: &Cx, file: &str, text: &str) -> Vec<Recommendation> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            cx.diags.push(csv_error(file, text, &e));
            return Vec::new();
        }
    };
    let mut columns = Vec::new();
    let mut ok = true;
    let header_columns = cell_columns(text, 0, headers.len());
    for (i, h) in headers.iter().enumerate() {
        let name = h.trim().to_lowercase().replace([' ', '-'], "_");
        let name = match name.as_str() {
            "leads" | "owner" => "lead".to_string(),
            "partner" => "partners".to_string(),
            "id" => "number".to_string(),
            _ => name,
        };
        if !CSV_COLUMNS.contains(&name.as_str()) {
            ok = false;
            cx.diags.push(
                Diagnostic::error("unknown-column", format!("unknown column `{h}`"))
                    .in_file(file)
                    .at(Span::point(1, header_columns[i]))
                    .with_hint(format!(
                        "the columns rapport reads are: {}",
                        CSV_COLUMNS.join(", ")
                    )),
            );
        }
        columns.push(name);
    }
    for required in ["number", "title"] {
        if !columns.iter().any(|c| c == required) {
            ok = false;
            cx.diags.push(
                Diagnostic::error("missing-column", format!("there is no `{required}` column"))
                    .in_file(file)
                    .at_line(1, 1)
                    .with_hint(
                        "the first row names the columns; `number` and `title` are required",
                    ),
            );
        }
    }
    if !ok {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                cx.diags.push(csv_error(file, text, &e));
                continue;
            }
        };
        let (line, cell_at) = record_place(&mut lines, &record);
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let col_of = |name: &str| columns.iter().position(|c| c == name).unwrap_or(0);
        let pos = |name: &str, v: &str| Pos {
            v: v.to_string(),
            at: Span::point(line, cell_at.get(col_of(name)).copied().unwrap_or(1)),
        };
        let mut responses = Vec::new();
        if let Some(date) = get("response_date") {
            responses.push(ResponseIn {
                date: pos("response_date", date),
                period: get("response_period").map(String::from),
                status: match get("response_status") {
                    Some(s) => pos("response_status", s),
                    None => pos("status", get("status").unwrap_or("not started")),
                },
                text: get("response_text").map(|t| pos("response_text", t)),
            });
        }
        let raw = ItemIn {
            number: pos("number", get("number").unwrap_or("")),
            title: get("title").unwrap_or("").to_string(),
            text: get("text").map(|t| pos("text", t)),
            missing_text: get("missing_text").map(String::from),
            theme: get("theme").map(String::from),
            leads: get("lead").map(split_leads).unwrap_or_default(),
            partners: get("partners").map(split_leads).unwrap_or_default(),
            due: get("due").map(|d| pos("due", d)),
            // With one response per row, its status is the item's status.
            status: get("response_date")
                .is_none()
                .then(|| get("status").map(|s| pos("status", s)))
                .flatten(),
            responses,
            previously: get("previously").map(|p| pos("previously", p)),
            carried_forward_to: get("carried_forward_to").map(|b| (b.to_string(), None)),
        };
        // A CSV cell has no indentation: its Markdown starts where the cell
        // does, the same arithmetic as a YAML value.
        items.push(cx.item(raw, file, "", &LineIndex::new(""), None));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryFs;

    fn load_from(files: &[(&str, &str)]) -> (Vec<Recommendation>, Vec<Diagnostic>) {
        let mut fs = MemoryFs::new();
        for (p, t) in files {
            fs.add(p, t.as_bytes());
        }
        let diags = Diagnostics::new();
        let (items, _) = load(
            &fs,
            "content/r",
            &Vocabulary::recommendations(&Default::default()),
            &Default::default(),
            &diags,
            &SourceMap::default(),
        );
        (items, diags.sorted())
    }

    #[test]
    fn numbers_keep_the_digits_the_author_wrote() {
        let (items, d) = load_from(&[(
            "content/r/recommendations.yaml",
            "- number: 4.10\n  title: A\n  text: x\n- number: 4.2\n  title: B\n  text: y\n- number: 007\n  title: C\n  text: z\n",
        )]);
        assert!(d.is_empty(), "{d:?}");
        let numbers: Vec<&str> = items.iter().map(|i| i.number.as_str()).collect();
        assert_eq!(numbers, ["4.10", "4.2", "007"]);
    }

    #[test]
    fn csv_rows_carry_their_line_and_a_response() {
        let (items, d) = load_from(&[(
            "content/r/recommendations.csv",
            "number,title,lead,response_date,response_status,response_text\n\"1\",\"A, with comma\",X; Y,2021-06,in progress,Began.\n2,B,,,,\n",
        )]);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(items[0].title, "A, with comma");
        assert_eq!(items[0].leads, ["X", "Y"]);
        assert_eq!(items[0].responses[0].date.iso(), "2021-06");
        assert_eq!(items[1].number_at.start.line, 3);
    }

    #[test]
    fn an_unknown_status_in_a_response_points_at_it() {
        let (_, d) = load_from(&[(
            "content/r/recommendations/1.md",
            "---\nnumber: 1\ntitle: A\nresponses:\n  - date: 2020-01-01\n    status: finished\n---\nText.\n",
        )]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "unknown-status");
        assert_eq!(d[0].location(), "content/r/recommendations/1.md:6:13");
        assert!(d[0].hint.as_deref().unwrap().contains("carried forward"));
    }

    #[test]
    fn partial_dates_sort_and_read_well() {
        let m = PartialDate::parse("2020-03").unwrap();
        let d = PartialDate::parse("2020-03-31").unwrap();
        let y = PartialDate::parse("2020").unwrap();
        assert!(y < m && m < d);
        assert_eq!(m.long(), "March 2020");
        assert_eq!(d.long(), "31 March 2020");
        assert!(PartialDate::parse("2020-02-30").is_none());
        assert!(PartialDate::parse("2020-13").is_none());
    }
}
