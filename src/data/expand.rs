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
    Inline, LinkTarget, Walk, plain_text,
};
use crate::model::Site;

/// Options written in a component's body, one `key: value` per line.
fn options(body: &[Block]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in body {
        if let Block::Paragraph { content, .. } | Block::Plain(content) = block {
            for line in content.split(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak)) {
                let line = plain_text(line);
                if let Some((k, v)) = line.split_once(':') {
                    out.push((k.trim().to_lowercase(), v.trim().to_string()));
                } else if !line.trim().is_empty() {
                    out.push((line.trim().to_lowercase(), String::new()));
                }
            }
        }
    }
    out
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
                let mut problem = |d: Diagnostic| problems.push(d.in_file(&file).at(span.clone()));
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
                let opts = options(&c.body);
                Some(if c.kind == ComponentKind::Table {
                    Block::DataTable(Box::new(table_block(ri, table, &opts, &mut problem)?))
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
    opts: &[(String, String)],
    problem: &mut dyn FnMut(Diagnostic),
) -> Option<Vec<(usize, &'a Row)>> {
    let mut rows: Vec<(usize, &Row)> = match opts.iter().find(|o| o.0 == "rows") {
        None => table.rows.iter().enumerate().collect(),
        Some((_, v)) => list(v)
            .iter()
            .filter_map(|name| {
                let slug = slug::slugify(name);
                let r = table.rows.iter().enumerate().find(|(_, r)| r.slug == slug);
                if r.is_none() {
                    problem(
                        Diagnostic::error(
                            "unknown-row",
                            format!("table `{}` has no row `{name}`", table.name),
                        )
                        .with_hint(format!("its rows are: {}", table.row_names())),
                    );
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
    if let Some((_, v)) = opts.iter().find(|o| o.0 == "sort") {
        let mut parts = v.split_whitespace();
        let key = parts.next().unwrap_or("");
        let desc = parts.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        if let Some(ci) = column(table, key, problem) {
            rows.sort_by(|(_, a), (_, b)| {
                let (x, y) = (&a.cells[ci], &b.cells[ci]);
                let o = match (x.number(), y.number()) {
                    (Some(p), Some(q)) => p.cmp(&q),
                    _ => format::cell(x, &table.columns[ci])
                        .cmp(&format::cell(y, &table.columns[ci])),
                };
                if desc { o.reverse() } else { o }
            });
        }
    }
    Some(rows)
}

fn column(table: &Table, key: &str, problem: &mut dyn FnMut(Diagnostic)) -> Option<usize> {
    let k = super::source::norm_key(key);
    let found = table.columns.iter().position(|c| c.key == k);
    if found.is_none() {
        problem(
            Diagnostic::error(
                "unknown-column",
                format!("table `{}` has no column `{key}`", table.name),
            )
            .with_hint(format!("its columns are: {}", table.column_keys())),
        );
    }
    found
}

fn data_cell(cell: &Cell, col: &super::Column, notes: &mut Vec<String>) -> DataCell {
    let mut out = DataCell {
        text: format::cell(cell, col),
        numeric: col.kind.numeric() || col.kind == Kind::Direction,
        ..DataCell::default()
    };
    let inner = match cell {
        Cell::Noted(inner, note) => {
            notes.push(note.clone());
            out.note = Some(notes.len());
            inner.as_ref()
        }
        c => c,
    };
    out.shorthand = inner.shorthand();
    if let Cell::Marked(figure, _) = inner {
        out.figure = Some(format::cell(figure, col));
    }
    if let Cell::Direction { dir, good } = inner {
        out.spoken = Some(format::direction_words(*dir, *good));
        out.tone = match good {
            Some(true) => "good",
            Some(false) => "bad",
            None => "",
        };
    }
    out
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

pub fn table_block(
    ri: usize,
    table: &Table,
    opts: &[(String, String)],
    problem: &mut dyn FnMut(Diagnostic),
) -> Option<DataTableBlock> {
    let cols: Vec<usize> = match opts.iter().find(|o| o.0 == "columns") {
        Some((_, v)) => list(v)
            .iter()
            .filter_map(|k| column(table, k, problem))
            .collect(),
        None => (0..table.columns.len())
            .filter(|&i| table.columns[i].shown)
            .collect(),
    };
    let show_total = opts
        .iter()
        .find(|o| o.0 == "total")
        .is_none_or(|(_, v)| !matches!(v.to_lowercase().as_str(), "no" | "false" | "hide"));
    let mut cell_notes = Vec::new();
    // Subtotals follow their group, so they are shown only when the rows are
    // in their own order.
    let in_order = !opts.iter().any(|o| o.0 == "rows" || o.0 == "sort");
    let mut rows: Vec<Vec<DataCell>> = Vec::new();
    let mut subtotal = Vec::new();
    // In order, each row takes the subtotals that follow it from the front
    // of the list (which is in row order).
    let mut subtotals = table.subtotals.iter().filter(|_| in_order).peekable();
    let mut no_figures = Vec::new();
    for (index, r) in chosen_rows(table, opts, problem)? {
        rows.push(
            cols.iter()
                .map(|&c| data_cell(&r.cells[c], &table.columns[c], &mut cell_notes))
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
                            data_cell(&s.cells[c], &table.columns[c], &mut cell_notes)
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
                    data_cell(&t.cells[c], &table.columns[c], &mut cell_notes)
                }
            })
            .collect()
    });
    let mut notes: Vec<String> = table.notes.clone();
    notes.extend(
        table
            .accepted
            .iter()
            .map(|a| format!("Corrected figure. {a}")),
    );
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
    })
}

fn chart_block(
    table: &Table,
    opts: &[(String, String)],
    problem: &mut dyn FnMut(Diagnostic),
) -> Option<ChartBlock> {
    let Some((_, key)) = opts.iter().find(|o| o.0 == "column") else {
        problem(
            Diagnostic::error("chart-column", "a chart needs the column to draw")
                .with_hint("add a line `column: <column key>` inside the chart"),
        );
        return None;
    };
    let ci = column(table, key, problem)?;
    let col = &table.columns[ci];
    if !col.kind.numeric() {
        problem(
            Diagnostic::error(
                "not-numeric",
                format!("column `{key}` does not hold figures"),
            )
            .with_hint("chart a money, integer, decimal or percentage column"),
        );
        return None;
    }
    let kind = match opts
        .iter()
        .find(|o| o.0 == "type")
        .map(|o| o.1.to_lowercase())
    {
        None => ChartKind::Bar,
        Some(t) if t == "bar" => ChartKind::Bar,
        Some(t) if t == "column" => ChartKind::Column,
        Some(t) if t == "stacked" => ChartKind::Stacked,
        Some(t) => {
            problem(
                Diagnostic::error("chart-type", format!("`{t}` is not a chart type"))
                    .with_hint("use `type: bar` (horizontal), `type: column` (vertical) or `type: stacked` (parts of a whole)"),
            );
            ChartKind::Bar
        }
    };
    let bars = chosen_rows(table, opts, problem)?
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
    Some(ChartBlock {
        title: format!("{}: {}", table.caption, col.label),
        kind,
        bars,
        source: table.source.clone(),
    })
}

/// `data:table/row/column` (this report) or `data:report/table/row/column`:
/// the figure as the table shows it.
pub fn figure(
    reference: &str,
    ri: usize,
    slugs: &std::collections::HashMap<String, usize>,
    tables: &[Vec<Arc<Table>>],
) -> Result<String, (String, String)> {
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
    Ok(format::cell(&cell, &table.columns[ci]))
}
