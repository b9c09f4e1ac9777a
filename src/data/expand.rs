//! Placing tables, charts and single figures into chapters.
//!
//! `> [!TABLE] funding-by-area` and `> [!CHART] funding-by-area` become
//! document-tree blocks (so the chapter page, the print edition and later
//! the PDF all render the same computed figures), and `[](data:budget/total/amount)`
//! becomes the figure itself, so prose and tables cannot disagree.

use std::sync::Arc;

use rayon::prelude::*;

use super::format;
use super::{Cell, Kind, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap};
use crate::markdown::ast::{
    Block, ChartBar, ChartBlock, ChartKind, ComponentKind, DataCell, DataHead, DataTableBlock,
    Inline, LinkTarget, TableLayout, Walk, plain_text,
};
use crate::model::Site;
use crate::table::Note;

/// One `key: value` line of a component's body.
struct Opt {
    key: String,
    value: String,
    /// Where the line is, once found in the chapter's text.
    span: Option<crate::diagnostics::Span>,
}

/// The options each component knows: any other is a mistake (`colour:`,
/// `column:` for `columns:`), reported with the nearest of these.
const TABLE_OPTIONS: [&str; 5] = ["columns", "rows", "sort", "total", "layout"];
const CHART_OPTIONS: [&str; 4] = ["column", "type", "rows", "sort"];

/// Options written in a component's body, one `key: value` per line.
fn options(body: &[Block]) -> Vec<Opt> {
    let mut out = Vec::new();
    for block in body {
        if let Block::Paragraph { content, .. } | Block::Plain(content) = block {
            for line in content.split(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak)) {
                let line = plain_text(line);
                let (key, value) = line.split_once(':').unwrap_or((line.as_str(), ""));
                if !key.trim().is_empty() {
                    out.push(Opt {
                        key: key.trim().to_lowercase(),
                        value: value.trim().to_string(),
                        span: None,
                    });
                }
            }
        }
    }
    out
}

/// Finds each option's line in the chapter's text: the lines of the
/// component's quote after `start` (its `> [!TABLE]` line), read past their
/// `>` marks.
fn place_options(opts: &mut [Opt], text: &str, start: usize, index: &LineIndex) {
    let mut offset = start
        + text[start..]
            .find('\n')
            .map_or(text.len() - start, |n| n + 1);
    let mut next = 0;
    while next < opts.len() && offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |n| offset + n + 1);
        let line = &text[offset..end];
        if !line.contains('>') {
            break;
        }
        let content = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
        if content.to_lowercase().starts_with(&opts[next].key) {
            let at = offset + (line.len() - content.len());
            opts[next].span = Some(index.span(text, at..at + content.trim_end().len()));
            next += 1;
        }
        offset = end;
    }
}

/// Reports every option the component does not know.
fn check_options(opts: &[Opt], known: &[&str], what: &str, problem: &mut dyn FnMut(Diagnostic)) {
    for o in opts.iter().filter(|o| !known.contains(&o.key.as_str())) {
        let hint = match crate::diagnostics::nearest(&o.key, known.iter().copied()) {
            Some(n) => format!("did you mean `{n}:`? A {what} takes: {}", known.join(", ")),
            None => format!("a {what} takes: {}", known.join(", ")),
        };
        problem(
            at(
                Diagnostic::error(
                    "unknown-option",
                    format!("a {what} has no option `{}`", o.key),
                ),
                o,
            )
            .with_hint(hint),
        );
    }
}

/// A problem with an option, placed at its line when that was found.
fn at(d: Diagnostic, o: &Opt) -> Diagnostic {
    match &o.span {
        Some(s) => d.at(s.clone()),
        None => d,
    }
}

/// "did you mean `Burglary`? Its rows are: ..." or, with nothing near,
/// "its rows are: ...".
fn nearest_hint<'a>(
    wanted: &str,
    names: impl Iterator<Item = &'a str>,
    what: &str,
    all: &str,
) -> String {
    match crate::diagnostics::nearest(wanted, names) {
        Some(n) => format!("did you mean `{n}`? Its {what} are: {all}"),
        None => format!("its {what} are: {all}"),
    }
}

fn find<'o>(opts: &'o [Opt], key: &str) -> Option<&'o Opt> {
    opts.iter().find(|o| o.key == key)
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Replaces every `[!TABLE]` and `[!CHART]` in every chapter.
pub fn expand(site: &mut Site, diags: &Diagnostics, sources: &SourceMap) {
    // Every chapter is visited on every build (and every save in `serve`),
    // most with nothing to expand: in parallel, and lines counted only for
    // a chapter that has a table.
    let strings = site.config.strings.clone();
    let strings = &*strings;
    site.reports.par_iter_mut().enumerate().for_each(|(ri, report)| {
        let tables = &report.tables;
        report.chapters.par_iter_mut().for_each(|chapter| {
            let text = sources.get(&chapter.file).unwrap_or_default();
            let index = std::cell::LazyCell::new(|| LineIndex::new(&text));
            let body_start = chapter.body_start;
            let file = chapter.file.clone();
            let mut problems = Vec::new();
            replace(&mut chapter.doc, &mut |c| {
                let span = index.span(&text, body_start + c.offset..body_start + c.offset);
                let mut problem = |d: Diagnostic| {
                    let d = if d.span.is_some() { d } else { d.at(span.clone()) };
                    problems.push(d.in_file(&file));
                };
                let name = plain_text(&c.title).trim().to_string();
                let Some(table) = tables.iter().find(|t| t.name == name) else {
                    problem(
                        Diagnostic::error("unknown-table", format!("there is no table `{name}`"))
                            .with_hint(if tables.is_empty() {
                                "put the table's schema in the report's data folder, e.g. data/funding.yaml".to_string()
                            } else {
                                format!(
                                    "the tables are: {}",
                                    tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
                                )
                            }),
                    );
                    return None;
                };
                let mut opts = options(&c.body);
                place_options(&mut opts, &text, body_start + c.offset, &index);
                Some(if c.kind == ComponentKind::Table {
                    Block::DataTable(Box::new(table_block(
                        ri,
                        table,
                        &opts,
                        strings,
                        &mut problem,
                    )?))
                } else {
                    Block::Chart(Box::new(chart_block(table, &opts, &mut problem)?))
                })
            });
            diags.extend(problems);
        });
    });
}

/// Puts `f`'s block in place of each `[!TABLE]` and `[!CHART]` component,
/// wherever it stands (footnotes and definitions included).
fn replace(
    doc: &mut crate::markdown::Document,
    f: &mut dyn FnMut(&crate::markdown::ast::Component) -> Option<Block>,
) {
    doc.walk_blocks_mut(&mut |b| {
        if let Block::Component(c) = &*b
            && matches!(c.kind, ComponentKind::Table | ComponentKind::Chart)
        {
            // A component that cannot be placed stays (and renders as
            // nothing); its problem is already reported. Its body holds
            // options, not text, so it is not entered.
            if let Some(new) = f(c) {
                *b = new;
            }
            return Walk::Skip;
        }
        Walk::Enter
    });
}

/// The most rows a table, or bars a chart, placed in a chapter shows. Every
/// row is in the chapter's page, the print edition and the PDF, where each
/// row costs the typesetter a few milliseconds and a couple of hundred
/// kilobytes: 2,000 rows are some 50 printed pages, past what a reader turns
/// through, and a table of any length is still published whole as open data.
pub const MAX_SHOWN_ROWS: usize = 2_000;

/// The rows chosen by `rows:` and ordered by `sort:`, each with its index
/// in the table; `None` (and a problem) when there are too many to show.
fn chosen_rows<'a>(
    table: &'a Table,
    opts: &[Opt],
    problem: &mut dyn FnMut(Diagnostic),
) -> Option<Vec<(usize, &'a Row)>> {
    let mut rows: Vec<(usize, &Row)> = match find(opts, "rows") {
        None => table.rows.iter().enumerate().collect(),
        Some(o) => list(&o.value)
            .iter()
            .filter_map(|name| {
                let slug = slug::slugify(name);
                let r = table.rows.iter().enumerate().find(|(_, r)| r.slug == slug);
                if r.is_none() {
                    let names = table.rows.iter().map(|r| r.name.as_str());
                    let hint = nearest_hint(name, names, "rows", &table.row_names());
                    problem(at(
                        Diagnostic::error(
                            "unknown-row",
                            format!("table `{}` has no row `{name}`", table.name),
                        )
                        .with_hint(hint),
                        o,
                    ));
                }
                r
            })
            .collect(),
    };
    if rows.len() > MAX_SHOWN_ROWS {
        problem(
            Diagnostic::error(
                "table-too-long",
                format!(
                    "table `{}` has {} rows; a table or chart in a chapter shows at most {}",
                    table.name,
                    super::thousands(rows.len() as u64),
                    super::thousands(MAX_SHOWN_ROWS as u64)
                ),
            )
            .with_hint(format!(
                "choose the rows to show with a line `rows: ...` inside the component, or link to the whole table as open data, data/{}.csv, which is published however long it is",
                table.name
            )),
        );
        return None;
    }
    if let Some(o) = find(opts, "sort") {
        let (key, desc) = sort_order(&o.value);
        if let Some(ci) = column(table, key, o, problem) {
            rows.sort_by(|(_, a), (_, b)| {
                let (x, y) = (&a.cells[ci], &b.cells[ci]);
                let order = match (x.number(), y.number()) {
                    (Some(p), Some(q)) => p.cmp(&q),
                    // Figures not given go last, whichever the order.
                    (Some(_), None) => return std::cmp::Ordering::Less,
                    (None, Some(_)) => return std::cmp::Ordering::Greater,
                    _ => format::cell(x, &table.columns[ci])
                        .cmp(&format::cell(y, &table.columns[ci])),
                };
                if desc { order.reverse() } else { order }
            });
        }
    }
    Some(rows)
}

/// `sort: <column> [asc|ascending|desc|descending]`: the column (which may
/// have spaces in it) and whether the order is descending.
fn sort_order(value: &str) -> (&str, bool) {
    let value = value.trim();
    if let Some((column, order)) = value.rsplit_once(char::is_whitespace) {
        match order.to_ascii_lowercase().as_str() {
            "desc" | "descending" => return (column.trim(), true),
            "asc" | "ascending" => return (column.trim(), false),
            _ => {}
        }
    }
    (value, false)
}

/// The column `key` names, from the option `o`; a problem at its line
/// (with the nearest column's key) when there is none.
fn column(table: &Table, key: &str, o: &Opt, problem: &mut dyn FnMut(Diagnostic)) -> Option<usize> {
    let k = super::source::norm_key(key);
    let found = table.columns.iter().position(|c| c.key == k);
    if found.is_none() {
        let keys = table.columns.iter().map(|c| c.key.as_str());
        let hint = nearest_hint(&k, keys, "columns", &table.column_keys());
        problem(at(
            Diagnostic::error(
                "unknown-column",
                format!("table `{}` has no column `{key}`", table.name),
            )
            .with_hint(hint),
            o,
        ));
    }
    found
}

fn data_cell(
    cell: &Cell,
    col: &super::Column,
    strings: &crate::strings::Strings,
    notes: &mut Vec<String>,
) -> DataCell {
    let mut out = DataCell {
        text: format::cell(cell, col),
        numeric: col.kind.numeric() || col.kind == Kind::Direction,
        ..DataCell::default()
    };
    // A cell can carry two notes (a figure kept as printed, and a footnote
    // on it): they are one note, under one number.
    let mut inner = cell;
    let mut said = Vec::new();
    while let Cell::Noted(within, note) = inner {
        said.push(note_text(note, strings));
        inner = within.as_ref();
    }
    if !said.is_empty() {
        said.reverse();
        notes.push(said.join(" "));
        out.note = Some(notes.len());
    }
    out.shorthand = inner.shorthand();
    if let Cell::Marked(figure, _) = inner {
        out.figure = Some(format::cell(figure, col));
    }
    if let Cell::Direction { dir, good } = inner {
        out.spoken = Some(format::direction_words(*dir, *good, strings));
        out.tone = match good {
            Some(true) => "good",
            Some(false) => "bad",
            None => "",
        };
    }
    out
}

/// The notes under a table: the schema's own, then how each computed
/// column is worked out, so readers know the convention.
pub fn notes_of(table: &Table, strings: &crate::strings::Strings) -> Vec<String> {
    let mut notes = table.notes.clone();
    notes.extend(table.columns.iter().enumerate().filter_map(|(i, c)| {
        c.formula
            .as_ref()
            .map(|f| f.describe(&table.columns, i, strings))
    }));
    notes
}

/// A cell's note as readers see it.
fn note_text(note: &Note, strings: &crate::strings::Strings) -> String {
    match note {
        Note::Written(text) => text.clone(),
        Note::AsPrinted { parts, sum, reason } => {
            let parts = match parts.as_slice() {
                [rest @ .., last] if !rest.is_empty() => strings
                    .format(
                        "list_and",
                        None,
                        &[("rest", &rest.join(", ")), ("last", last)],
                    )
                    .unwrap_or_default(),
                _ => parts.join(""),
            };
            strings
                .format(
                    "figure_as_printed",
                    None,
                    &[("parts", &parts), ("sum", sum), ("reason", reason)],
                )
                .unwrap_or_default()
        }
    }
}

/// The shorthand of a row none of whose `cols` holds anything but figures
/// not given (and what is worked out from them): one shorthand, the first,
/// explains the row.
fn no_figure(row: &Row, cols: &[usize]) -> Option<super::Shorthand> {
    let mut first = None;
    for &c in cols {
        match &row.cells[c] {
            Cell::Missing(s) => {
                first.get_or_insert(*s);
            }
            Cell::NotApplicable | Cell::Empty => {}
            _ => return None,
        }
    }
    first
}

/// `layout:`, how the table fits a phone.
fn layout(opts: &[Opt], problem: &mut dyn FnMut(Diagnostic)) -> TableLayout {
    match find(opts, "layout") {
        None => TableLayout::Auto,
        Some(o) => match o.value.to_lowercase().as_str() {
            "auto" | "" => TableLayout::Auto,
            "scroll" => TableLayout::Scroll,
            "stacked" | "stack" | "cards" => TableLayout::Stacked,
            other => {
                problem(
                    at(
                        Diagnostic::error(
                            "bad-option",
                            format!("`layout: {other}` is not a layout a table can take"),
                        ),
                        o,
                    )
                    .with_hint(
                        "write `layout: scroll` (rows scroll sideways on a phone), \
                         `layout: stacked` (each row becomes a card on a phone), or remove \
                         the line to let rapport choose",
                    ),
                );
                TableLayout::Auto
            }
        },
    }
}

fn table_block(
    ri: usize,
    table: &Table,
    opts: &[Opt],
    strings: &crate::strings::Strings,
    problem: &mut dyn FnMut(Diagnostic),
) -> Option<DataTableBlock> {
    check_options(opts, &TABLE_OPTIONS, "table", problem);
    let cols: Vec<usize> = match find(opts, "columns") {
        Some(o) => list(&o.value)
            .iter()
            .filter_map(|k| column(table, k, o, problem))
            .collect(),
        None => (0..table.columns.len())
            .filter(|&i| table.columns[i].shown)
            .collect(),
    };
    let show_total = match find(opts, "total") {
        None => true,
        Some(o) => match o.value.to_lowercase().as_str() {
            "yes" | "true" | "show" => true,
            "no" | "false" | "hide" => false,
            other => {
                problem(at(
                    Diagnostic::error("bad-option", format!("`total: {other}` is neither yes nor no")),
                    o,
                )
                .with_hint("write `total: no` to leave the total row out, or remove the line to show it"));
                true
            }
        },
    };
    let layout = layout(opts, problem);
    let mut cell_notes = Vec::new();
    // Subtotals follow their group, so they are shown only when the rows are
    // in their own order.
    let in_order = find(opts, "rows").is_none() && find(opts, "sort").is_none();
    let mut rows: Vec<Vec<DataCell>> = Vec::new();
    let mut subtotal = Vec::new();
    // In order, each row takes the subtotals that follow it from the front
    // of the list (which is in row order).
    let mut subtotals = table.subtotals.iter().filter(|_| in_order).peekable();
    let mut no_figures = Vec::new();
    for (index, r) in chosen_rows(table, opts, problem)? {
        rows.push(
            cols.iter()
                .map(|&c| data_cell(&r.cells[c], &table.columns[c], strings, &mut cell_notes))
                .collect(),
        );
        subtotal.push(false);
        no_figures.push(no_figure(r, &cols[1.min(cols.len())..]));
        while let Some((_, s)) = subtotals.next_if(|s| s.0 == index) {
            rows.push(
                cols.iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        if i == 0 {
                            DataCell {
                                text: s.name.clone(),
                                ..DataCell::default()
                            }
                        } else {
                            data_cell(&s.cells[c], &table.columns[c], strings, &mut cell_notes)
                        }
                    })
                    .collect(),
            );
            subtotal.push(true);
            no_figures.push(None);
        }
    }
    let mut shorthands: Vec<_> = rows.iter().flatten().filter_map(|c| c.shorthand).collect();
    shorthands.sort_unstable();
    shorthands.dedup();
    let total = table.total.as_ref().filter(|_| show_total).map(|t| {
        cols.iter()
            .enumerate()
            .map(|(i, &c)| {
                if i == 0 {
                    DataCell {
                        text: t.name.clone(),
                        ..DataCell::default()
                    }
                } else {
                    data_cell(&t.cells[c], &table.columns[c], strings, &mut cell_notes)
                }
            })
            .collect()
    });
    let mut notes = notes_of(table, strings);
    notes.extend(table.accepted.iter().map(|a| {
        strings
            .format(
                "corrected_figure",
                None,
                &[
                    ("row", &a.row),
                    ("column", &a.column),
                    ("printed", &a.printed),
                    ("figure", &a.figure),
                    ("reason", &a.reason),
                ],
            )
            .unwrap_or_default()
    }));
    let download = |ext: &str| {
        let file = crate::addresses::table_file(&table.name, ext);
        Inline::Link(Box::new(crate::markdown::ast::Link {
            dest: file.clone(),
            title: String::new(),
            content: vec![Inline::Text(ext.to_uppercase())],
            target: LinkTarget::Asset {
                report: ri,
                path: file,
            },
            offset: 0,
        }))
    };
    Some(DataTableBlock {
        id: format!("table-{}", slug::slugify(&table.name)),
        caption: table.caption.clone(),
        heads: cols
            .iter()
            .map(|&c| {
                let col = &table.columns[c];
                DataHead {
                    label: col.label.clone(),
                    unit: col.unit.clone(),
                    numeric: col.kind.numeric() || col.kind == Kind::Direction,
                }
            })
            .collect(),
        rows,
        subtotal,
        no_figures,
        shorthands,
        total_leaves_out: table.total_leaves_out && show_total,
        total,
        source: table.source.clone(),
        cell_notes,
        notes,
        downloads: vec![download("csv"), Inline::Text(", ".into()), download("json")],
        layout,
    })
}

fn chart_block(
    table: &Table,
    opts: &[Opt],
    problem: &mut dyn FnMut(Diagnostic),
) -> Option<ChartBlock> {
    check_options(opts, &CHART_OPTIONS, "chart", problem);
    let Some(column_opt) = find(opts, "column") else {
        problem(
            Diagnostic::error("chart-column", "a chart needs the column to draw")
                .with_hint("add a line `column: <column key>` inside the chart"),
        );
        return None;
    };
    let key = column_opt.value.as_str();
    let ci = column(table, key, column_opt, problem)?;
    let col = &table.columns[ci];
    if !col.kind.numeric() {
        problem(at(
            Diagnostic::error(
                "not-numeric",
                format!("column `{key}` does not hold figures"),
            )
            .with_hint("chart a money, integer, decimal or percentage column"),
            column_opt,
        ));
        return None;
    }
    let kind = match find(opts, "type") {
        None => ChartKind::Bar,
        Some(o) => match o.value.to_lowercase().as_str() {
            "bar" => ChartKind::Bar,
            "column" => ChartKind::Column,
            "stacked" => ChartKind::Stacked,
            t => {
                problem(at(
                    Diagnostic::error("chart-type", format!("`{t}` is not a chart type"))
                        .with_hint("use `type: bar` (horizontal), `type: column` (vertical) or `type: stacked` (parts of a whole)"),
                    o,
                ));
                ChartKind::Bar
            }
        },
    };
    let rows = chosen_rows(table, opts, problem)?;
    let chosen_some = !rows.is_empty();
    let bars: Vec<ChartBar> = rows
        .into_iter()
        .filter_map(|(_, r)| {
            let v = r.cells[ci].number()?;
            Some(ChartBar {
                label: r.name.clone(),
                value: v.to_string().parse().unwrap_or(0.0),
                display: format::cell(&r.cells[ci], col),
            })
        })
        .collect();
    if kind == ChartKind::Stacked
        && let Some(b) = bars.iter().find(|b| b.value < 0.0)
    {
        problem(at(
            Diagnostic::error(
                "chart-negative",
                format!(
                    "a stacked chart shows the parts of a whole, and `{}` is below zero ({})",
                    b.label, b.display
                ),
            )
            .with_hint(
                "use `type: bar` or `type: column`, which draw figures below zero from a zero line",
            ),
            find(opts, "type").unwrap_or(column_opt),
        ));
        return None;
    }
    if bars.is_empty() {
        // Rows named in `rows:` that do not exist are reported already.
        if chosen_some || find(opts, "rows").is_none() {
            problem(at(
                Diagnostic::error(
                    "chart-empty",
                    format!("there is no figure to draw in column `{key}`"),
                )
                .with_hint("chart a column with figures in it, or choose rows that have them"),
                column_opt,
            ));
        }
        return None;
    }
    Some(ChartBlock {
        title: format!("{}: {}", table.caption, col.label),
        kind,
        bars,
        source: table.source.clone(),
    })
}

/// Why a `data:` figure cannot be shown: a message's parts, and where in
/// the reference the problem is (bytes from its start; 0 for the whole).
pub struct FigureError {
    pub code: &'static str,
    pub message: String,
    pub hint: String,
    pub at: usize,
}

/// `data:table/row/column` (this report) or `data:report/table/row/column`:
/// the figure as the table shows it, or as the options after `?` say
/// (`?format=short`, `?decimals=1`, the column options of a schema).
pub fn figure(
    reference: &str,
    ri: usize,
    slugs: &std::collections::HashMap<String, usize>,
    tables: &[Vec<Arc<Table>>],
) -> Result<String, FigureError> {
    let (path, options) = reference.split_once('?').unwrap_or((reference, ""));
    let (cell, mut col) =
        figure_cell(path, ri, slugs, tables).map_err(|(message, hint)| FigureError {
            code: "broken-link",
            message,
            hint,
            at: 0,
        })?;
    let mut at = path.len() + 1;
    for option in options.split('&') {
        if !option.is_empty() {
            figure_option(option, &mut col).map_err(|(message, hint)| FigureError {
                code: "bad-option",
                message,
                hint,
                at,
            })?;
        }
        at += option.len() + 1;
    }
    Ok(format::cell(&cell, &col))
}

/// One option of a figure (`format=short`) applied to its column.
fn figure_option(option: &str, col: &mut super::Column) -> Result<(), (String, String)> {
    const OPTIONS: [&str; 2] = ["format", "decimals"];
    let (key, value) = option.split_once('=').unwrap_or((option, ""));
    match key {
        "format" if col.kind != Kind::Money => Err((
            format!(
                "`format=` is for money, and column `{}` is not money",
                col.key
            ),
            "leave `?format=...` out, or refer to a money column".into(),
        )),
        "format" => {
            col.short = match value {
                "short" => true,
                "full" => false,
                _ => {
                    return Err((
                        format!("`format={value}` is not a money format"),
                        "write `?format=short` (£3.37m) or `?format=full` (£3,370,000)".into(),
                    ));
                }
            };
            Ok(())
        }
        "decimals" => match value.parse::<u32>() {
            Ok(n) if n <= 10 => {
                col.decimals = Some(n);
                Ok(())
            }
            _ => Err((
                format!("`decimals={value}` is not a number of decimal places"),
                "write a whole number from 0 to 10, e.g. `?decimals=1`".into(),
            )),
        },
        _ => Err((
            format!("`{key}` is not an option of a figure"),
            match crate::diagnostics::nearest(key, OPTIONS) {
                Some(near) => format!(
                    "did you mean `{near}`? A figure takes `format=` (money: `short` or `full`) and `decimals=`"
                ),
                None => "a figure takes `format=` (money: `short` or `full`) and `decimals=`, joined with `&`: `?format=short&decimals=1`".into(),
            },
        )),
    }
}

/// The cell a figure's reference names, and its column.
fn figure_cell(
    reference: &str,
    ri: usize,
    slugs: &std::collections::HashMap<String, usize>,
    tables: &[Vec<Arc<Table>>],
) -> Result<(Cell, super::Column), (String, String)> {
    let parts: Vec<&str> = reference.split('/').collect();
    let (report, parts) = match parts.len() {
        3 => (ri, &parts[..]),
        4 => match slugs.get(parts[0]) {
            Some(&r) => (r, &parts[1..]),
            None => {
                return Err((
                    format!("there is no report `{}`", parts[0]),
                    "write data:<table>/<row>/<column>, or data:<report>/<table>/<row>/<column>"
                        .into(),
                ));
            }
        },
        _ => {
            return Err((
                format!("`data:{reference}` does not name a figure"),
                "write data:<table>/<row>/<column>, e.g. data:budget/total/amount".into(),
            ));
        }
    };
    let (t, row, col) = (parts[0], parts[1], parts[2]);
    let Some(table) = tables[report].iter().find(|x| x.name == t) else {
        return Err((
            format!("there is no table `{t}`"),
            format!(
                "the tables are: {}",
                tables[report]
                    .iter()
                    .map(|x| x.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let Some(r) = table.row(&slug::slugify(row)) else {
        return Err((
            format!("table `{t}` has no row `{row}`"),
            format!(
                "its rows are: {}{}",
                super::some_of(table.rows.iter().map(|r| r.slug.as_str())),
                if table.total.is_some() {
                    ", and total"
                } else {
                    ""
                }
            ),
        ));
    };
    let k = super::source::norm_key(col);
    let Some(ci) = table.columns.iter().position(|c| c.key == k) else {
        return Err((
            format!("table `{t}` has no column `{col}`"),
            format!("its columns are: {}", table.column_keys()),
        ));
    };
    let cell = r.cells.get(ci).cloned().unwrap_or(Cell::Empty);
    if cell == Cell::Empty {
        return Err((
            format!("row `{row}` of `{t}` has no {col}"),
            "refer to a cell that holds a figure".into(),
        ));
    }
    Ok((cell, table.columns[ci].clone()))
}
