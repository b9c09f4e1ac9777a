//! From schema and grid to a computed [`Table`]: typed cells, computed
//! columns, the total row, and stated figures checked.
//!
//! Arithmetic is exact (`rust_decimal`); nothing is rounded until display.
//! A % change or share against zero is "n/a", never a division error.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::schema::{RawAgainst, RawSchema};
use super::source::{self, Grid, norm_key};
use super::{Cell, Column, Direction, Kind, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::vfs::FileSystem;
use crate::yaml::{self, Spanned};

pub use crate::table::Formula;

struct Cx<'a> {
    file: &'a str,
    diags: &'a Diagnostics,
    ok: bool,
}

impl Cx<'_> {
    fn error_at(&mut self, file: &str, span: Span, code: &'static str, msg: String, hint: String) {
        self.ok = false;
        self.diags.push(
            Diagnostic::error(code, msg)
                .in_file(file)
                .at(span)
                .with_hint(hint),
        );
    }

    fn schema_error<T>(&mut self, at: &Spanned<T>, code: &'static str, msg: String, hint: String) {
        let file = self.file.to_string();
        self.error_at(&file, yaml::span_of(at, 0), code, msg, hint);
    }
}

/// Loads the table whose schema is `schema_file` (site-relative).
pub fn load_table(
    fs: &dyn FileSystem,
    schema_file: &str,
    text: &str,
    diags: &Diagnostics,
    sources: &crate::diagnostics::SourceMap,
) -> Option<Table> {
    let raw: RawSchema = match yaml::parse(schema_file, text, 0) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut cx = Cx {
        file: schema_file,
        diags,
        ok: true,
    };
    let name = schema_file
        .rsplit('/')
        .next()
        .unwrap_or(schema_file)
        .trim_end_matches(".yaml")
        .to_string();

    // 1. The raw grid, and the file its positions refer to.
    let sources_given =
        raw.file.is_some() as u8 + raw.workbook.is_some() as u8 + raw.rows.is_some() as u8;
    if sources_given != 1 {
        cx.error_at(
            schema_file,
            Span::point(1, 1),
            "table-source",
            "a table needs exactly one of `file:`, `workbook:` or `rows:`".into(),
            "name the CSV file (`file: funding.csv`), a workbook (`workbook: {file: budget.xlsx, sheet: Funding}`) or write `rows:` in this file".into(),
        );
        return None;
    }
    let (grid, data_file) = super::files::Read {
        fs,
        schema_file,
        schema_text: text,
        diags,
        sources,
    }
    .grid(&raw)?;

    // 2. Schema columns mapped onto the grid.
    let mut columns: Vec<Column> = Vec::new();
    let mut source_index: Vec<Option<usize>> = Vec::new();
    let find = |grid: &Grid, key: &str| {
        grid.header
            .iter()
            .position(|h| norm_key(h) == norm_key(key))
    };
    for c in &raw.columns {
        let kind = match &c.kind {
            None => Kind::Text,
            Some(k) => match Kind::parse(&k.value) {
                Some(kind) => kind,
                None => {
                    cx.schema_error(
                        k,
                        "bad-type",
                        format!("`{}` is not a column type", k.value),
                        format!("use one of: {}", Kind::NAMES),
                    );
                    Kind::Text
                }
            },
        };
        let Some(idx) = source_column(&mut cx, &grid, &c.key) else {
            continue;
        };
        let short = match &c.format {
            None => false,
            Some(f) if f.value == "short" => true,
            Some(f) if f.value == "full" => false,
            Some(f) => {
                cx.schema_error(
                    f,
                    "bad-format",
                    format!("`{}` is not a money format", f.value),
                    "use `full` (£3,370,000) or `short` (£3.37m)".into(),
                );
                false
            }
        };
        columns.push(Column {
            key: norm_key(&c.key.value),
            label: c.label.clone().unwrap_or_else(|| c.key.value.clone()),
            kind,
            unit: c.unit.clone(),
            formula: None,
            shown: c.show.unwrap_or(true),
            decimals: c.decimals,
            short,
            currency: c.currency.clone().unwrap_or_else(|| "GBP".into()),
        });
        source_index.push(Some(idx));
    }
    // Stated columns need not be declared: they are read with the type of
    // the figure they state, and hidden.
    let good_when = find(&grid, "good_when");

    // 3. Typed rows, and each row's `good_when` (which way is good news).
    let mut rows: Vec<Row> = Vec::new();
    let mut goods: Vec<Option<String>> = Vec::new();
    for g in &grid.rows {
        let mut cells = Vec::new();
        for (ci, col) in columns.iter().enumerate() {
            let Some(si) = source_index[ci] else {
                cells.push(Cell::Empty);
                continue;
            };
            let text = g.cells.get(si).map(String::as_str).unwrap_or("");
            match parse_cell(text, col.kind) {
                Ok(c) => cells.push(c),
                Err(what) => {
                    let column = g.columns.get(si).copied().unwrap_or(1);
                    let place = if grid.sheet {
                        format!(" (cell {})", source::cell_name(g.line, column))
                    } else {
                        String::new()
                    };
                    cx.error_at(
                        &data_file,
                        Span::point(g.line, column),
                        "bad-cell",
                        format!("`{text}` in column `{}` is not {what}{place}", col.label),
                        "write the figure alone: digits, an optional minus sign, commas and a £ sign are fine; leave the cell empty when there is no figure".into(),
                    );
                    cells.push(Cell::Empty);
                }
            }
        }
        let name = columns
            .iter()
            .zip(&cells)
            .find(|(c, _)| c.kind == Kind::Text || c.kind == Kind::Period)
            .map(|(_, cell)| super::format::cell(cell, &columns[0]))
            .unwrap_or_else(|| format!("Row {}", rows.len() + 1));
        goods.push(
            good_when
                .and_then(|i| g.cells.get(i))
                .map(|s| s.trim().to_lowercase()),
        );
        rows.push(Row {
            slug: slug::slugify(&name),
            name,
            cells,
            line: g.line,
        });
    }

    // 4. Computed columns.
    let base_width = columns.len();
    for comp in &raw.computed {
        let against = |columns: &[Column], cx: &mut Cx, a: &RawAgainst| {
            let v = col_index(columns, cx, &a.value);
            let b = col_index(columns, cx, &a.baseline);
            Some((
                numeric(columns, cx, v, &a.value)?,
                numeric(columns, cx, b, &a.baseline)?,
            ))
        };
        let given = comp.difference.is_some() as u8
            + comp.percent_change.is_some() as u8
            + comp.direction.is_some() as u8
            + comp.share.is_some() as u8
            + comp.rank.is_some() as u8;
        if given != 1 {
            cx.schema_error(
                &comp.key,
                "bad-formula",
                format!(
                    "computed column `{}` needs exactly one formula",
                    comp.key.value
                ),
                "use one of: difference, percent_change, direction, share, rank".into(),
            );
            continue;
        }
        let (formula, kind, decimals) = if let Some(d) = &comp.difference {
            if d.len() != 2 {
                cx.schema_error(
                    &comp.key,
                    "bad-formula",
                    "`difference` takes two columns".into(),
                    "write `difference: [this_year, last_year]` (this_year minus last_year)".into(),
                );
                continue;
            }
            let a = col_index(&columns, &mut cx, &d[0]);
            let b = col_index(&columns, &mut cx, &d[1]);
            let (Some(a), Some(b)) = (
                numeric(&columns, &mut cx, a, &d[0]),
                numeric(&columns, &mut cx, b, &d[1]),
            ) else {
                continue;
            };
            (
                Formula::Difference(a, b),
                columns[a].kind,
                columns[a].decimals,
            )
        } else if let Some(p) = &comp.percent_change {
            let Some((value, baseline)) = against(&columns, &mut cx, p) else {
                continue;
            };
            (
                Formula::PercentChange { value, baseline },
                Kind::Percentage,
                Some(1),
            )
        } else if let Some(p) = &comp.direction {
            let Some((value, baseline)) = against(&columns, &mut cx, p) else {
                continue;
            };
            let up_is_good = match comp.good.as_ref().map(|g| g.value.trim().to_lowercase()) {
                None => None,
                Some(g) if g == "up" => Some(true),
                Some(g) if g == "down" => Some(false),
                Some(_) => {
                    cx.schema_error(
                        comp.good.as_ref().unwrap(),
                        "bad-formula",
                        "`good` is `up` or `down`".into(),
                        "a fall in crime is good news: `good: down`".into(),
                    );
                    None
                }
            };
            (
                Formula::Direction {
                    value,
                    baseline,
                    up_is_good,
                },
                Kind::Direction,
                None,
            )
        } else if let Some(s) = &comp.share {
            let c = col_index(&columns, &mut cx, s);
            let Some(c) = numeric(&columns, &mut cx, c, s) else {
                continue;
            };
            (Formula::Share(c), Kind::Percentage, Some(1))
        } else {
            let r = comp.rank.as_ref().unwrap();
            let c = col_index(&columns, &mut cx, r);
            let Some(c) = numeric(&columns, &mut cx, c, r) else {
                continue;
            };
            (Formula::Rank(c), Kind::Integer, None)
        };
        let currency = match &formula {
            Formula::Difference(a, _) => columns[*a].currency.clone(),
            _ => "GBP".into(),
        };
        columns.push(Column {
            key: norm_key(&comp.key.value),
            label: comp.label.clone().unwrap_or_else(|| comp.key.value.clone()),
            kind,
            unit: comp.unit.clone(),
            formula: Some(formula),
            shown: true,
            decimals: comp.decimals.or(decimals),
            short: false,
            currency,
        });
    }
    for (row, good_when) in rows.iter_mut().zip(&goods) {
        for col in &columns[base_width..] {
            let cell = compute(col, &row.cells, good_when.as_deref());
            row.cells.push(cell);
        }
    }
    // Shares and ranks need the whole column.
    for (ci, col) in columns.iter().enumerate().skip(base_width) {
        match col.formula.clone() {
            Some(Formula::Share(c)) => {
                let total: Decimal = rows.iter().filter_map(|r| r.cells[c].number()).sum();
                for r in &mut rows {
                    r.cells[ci] = match r.cells[c].number() {
                        Some(v) if !total.is_zero() => {
                            Cell::Number(v / total * Decimal::ONE_HUNDRED)
                        }
                        _ => Cell::NotApplicable,
                    };
                }
            }
            Some(Formula::Rank(c)) => {
                // Largest first; a row's rank is one more than the number of
                // larger values, so ties share a rank (1, 2, 2, 4).
                let mut sorted: Vec<Decimal> =
                    rows.iter().filter_map(|r| r.cells[c].number()).collect();
                sorted.sort_unstable_by(|a, b| b.cmp(a));
                for r in &mut rows {
                    r.cells[ci] = match r.cells[c].number() {
                        Some(v) => {
                            Cell::Number(Decimal::from(1 + sorted.partition_point(|o| *o > v)))
                        }
                        None => Cell::Empty,
                    };
                }
            }
            _ => {}
        }
    }

    // 5. Subtotals, then the total row.
    let mut subtotals = Vec::new();
    if let Some(st) = &raw.subtotals {
        let by = col_index(&columns, &mut cx, &st.by);
        let summed = numeric_columns(&columns, &mut cx, &st.columns);
        if let Some(by) = by {
            let label = st.label.clone().unwrap_or_else(|| "{} subtotal".into());
            let mut start = 0;
            while start < rows.len() {
                let key = rows[start].cells[by].clone();
                let mut end = start;
                while end + 1 < rows.len() && rows[end + 1].cells[by] == key {
                    end += 1;
                }
                let value = super::format::cell(&key, &columns[by]);
                let name = label.replace("{}", &value);
                let cells = summary_cells(&columns, base_width, &rows[start..=end], &summed, &name);
                subtotals.push((
                    end,
                    Row {
                        slug: slug::slugify(&name),
                        name,
                        cells,
                        line: 0,
                    },
                ));
                start = end + 1;
            }
        }
    }
    let mut total = None;
    if let Some(t) = &raw.total {
        let summed = numeric_columns(&columns, &mut cx, &t.columns);
        let cells = summary_cells(&columns, base_width, &rows, &summed, &t.label);
        for (key, stated) in &t.stated {
            let Some(i) = columns.iter().position(|c| c.key == norm_key(key)) else {
                cx.schema_error(
                    stated,
                    "unknown-column",
                    format!("there is no column `{key}` to total"),
                    "name a column listed under `total: columns:`".into(),
                );
                continue;
            };
            let text = match &stated.value {
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            match (parse_number(&text), cells[i].number()) {
                (Some(s), Some(c)) if s != c => cx.schema_error(
                    stated,
                    "stated-mismatch",
                    format!(
                        "the stated total of {} is {}, but the rows add up to {}",
                        columns[i].label,
                        super::format::number(s, &columns[i]),
                        super::format::number(c, &columns[i])
                    ),
                    "correct the stated total, or the row that is wrong".into(),
                ),
                (None, _) => cx.schema_error(
                    stated,
                    "bad-cell",
                    format!("`{text}` is not a figure"),
                    "write the stated total as a number".into(),
                ),
                _ => {}
            }
        }
        let mut row = Row {
            name: t.label.clone(),
            slug: "total".into(),
            cells,
            line: 0,
        };
        row.cells.truncate(columns.len());
        total = Some(row);
    }

    // 6. Stated figures checked against computed ones.
    let mut accepted = Vec::new();
    for st in &raw.stated {
        let Some(ci) = col_index(&columns, &mut cx, &st.computed) else {
            continue;
        };
        let Some(si) = source_column(&mut cx, &grid, &st.column) else {
            continue;
        };
        let mut known: Vec<(String, String, bool)> = st
            .accept
            .iter()
            .map(|a| (slug::slugify(&a.row.value), a.reason.clone(), false))
            .collect();
        for (ri, g) in grid.rows.iter().enumerate() {
            let text = g.cells.get(si).map(String::as_str).unwrap_or("").trim();
            if text.is_empty() || ri >= rows.len() {
                continue;
            }
            let row = &rows[ri];
            let col = &columns[ci];
            let computed = &row.cells[ci];
            let matches = match (computed, col.kind) {
                (Cell::Direction { dir, .. }, _) => parse_direction(text) == Some(*dir),
                (Cell::NotApplicable, _) => {
                    ["n/a", "na", "-", "–"].contains(&text.to_lowercase().as_str())
                }
                (c, _) => match (parse_number(text), c.number()) {
                    // Compare at the precision the source printed.
                    (Some(s), Some(v)) => super::format::round(v, s.scale()) == s,
                    _ => false,
                },
            };
            if matches {
                continue;
            }
            let shown = super::format::cell(computed, col);
            if let Some(k) = known.iter_mut().find(|k| k.0 == row.slug) {
                k.2 = true;
                accepted.push(format!(
                    "{}: the original printed {} for {}; the figures give {}. {}",
                    row.name, text, col.label, shown, k.1
                ));
                continue;
            }
            let column = g.columns.get(si).copied().unwrap_or(1);
            cx.error_at(
                &data_file,
                Span::point(g.line, column),
                "stated-mismatch",
                format!(
                    "row `{}`, column `{}`: the source states {text} but the figures give {shown}",
                    row.name, st.column.value
                ),
                format!(
                    "correct the figure, or accept it in {schema_file} under `stated:` with `accept: [{{row: {}, reason: ...}}]`",
                    row.name
                ),
            );
        }
        for (i, k) in known.iter().enumerate() {
            if !k.2 {
                row_named(&mut cx, &rows, &st.accept[i].row);
            }
        }
    }

    // 7. Footnotes on cells.
    let mut notes = raw.notes.clone();
    for f in &raw.footnotes {
        let Some(ri) = row_named(&mut cx, &rows, &f.row) else {
            continue;
        };
        let Some(ci) = col_index(&columns, &mut cx, &f.column) else {
            continue;
        };
        let cell = std::mem::replace(&mut rows[ri].cells[ci], Cell::Empty);
        rows[ri].cells[ci] = Cell::Noted(Box::new(cell), f.note.clone());
    }
    notes.extend(columns.iter().filter_map(|c| {
        c.formula
            .as_ref()
            .map(|f| format!("{}: {}.", c.label, f.describe(&columns)))
    }));

    // A table with problems is still returned: they are reported (and fail
    // the build), and chapters that use it should not report it missing.
    Some(Table {
        name,
        file: schema_file.to_string(),
        caption: raw.caption,
        source: raw.source,
        notes,
        columns,
        rows,
        total,
        subtotals,
        accepted,
    })
}

/// The columns named by `keys`, each checked to hold figures.
fn numeric_columns(columns: &[Column], cx: &mut Cx, keys: &[Spanned<String>]) -> Vec<usize> {
    keys.iter()
        .filter_map(|key| {
            let i = col_index(columns, cx, key);
            numeric(columns, cx, i, key)
        })
        .collect()
}

/// A subtotal or total row: `summed` columns added up over `rows`, and the
/// computed columns recomputed on those sums (a share of the whole is 100%).
fn summary_cells(
    columns: &[Column],
    base_width: usize,
    rows: &[Row],
    summed: &[usize],
    label: &str,
) -> Vec<Cell> {
    let mut cells = vec![Cell::Empty; columns.len()];
    cells[0] = Cell::Text(label.to_string());
    for &i in summed {
        cells[i] = Cell::Number(rows.iter().filter_map(|r| r.cells[i].number()).sum());
    }
    for ci in base_width..columns.len() {
        cells[ci] = match columns[ci].formula {
            Some(Formula::Share(c)) if summed.contains(&c) => Cell::Number(Decimal::ONE_HUNDRED),
            Some(Formula::Difference(a, b))
            | Some(Formula::PercentChange {
                value: a,
                baseline: b,
            })
            | Some(Formula::Direction {
                value: a,
                baseline: b,
                ..
            }) if summed.contains(&a) && summed.contains(&b) => compute(&columns[ci], &cells, None),
            _ => Cell::Empty,
        };
    }
    cells
}

/// The grid column a schema key names, or an error at the key.
fn source_column(cx: &mut Cx, grid: &Grid, key: &Spanned<String>) -> Option<usize> {
    let found = grid
        .header
        .iter()
        .position(|h| norm_key(h) == norm_key(&key.value));
    if found.is_none() {
        cx.schema_error(
            key,
            "unknown-column",
            format!("the data has no column `{}`", key.value),
            format!(
                "its columns are: {}",
                super::some_of(grid.header.iter().map(String::as_str))
            ),
        );
    }
    found
}

/// The row a schema entry names (by its text), or an error at the entry.
fn row_named(cx: &mut Cx, rows: &[Row], name: &Spanned<String>) -> Option<usize> {
    let slug = slug::slugify(&name.value);
    let found = rows.iter().position(|r| r.slug == slug);
    if found.is_none() {
        cx.schema_error(
            name,
            "unknown-row",
            format!("there is no row `{}`", name.value),
            format!(
                "the rows are: {}",
                super::some_of(rows.iter().map(|r| r.name.as_str()))
            ),
        );
    }
    found
}

fn col_index(columns: &[Column], cx: &mut Cx, key: &Spanned<String>) -> Option<usize> {
    let k = norm_key(&key.value);
    let found = columns.iter().position(|c| c.key == k);
    if found.is_none() {
        cx.schema_error(
            key,
            "unknown-column",
            format!("there is no column `{}` to compute from", key.value),
            format!(
                "the columns so far are: {}",
                columns
                    .iter()
                    .map(|c| c.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    found
}

/// `i` if it is a column of figures.
fn numeric(
    columns: &[Column],
    cx: &mut Cx,
    i: Option<usize>,
    key: &Spanned<String>,
) -> Option<usize> {
    let i = i?;
    if !columns[i].kind.numeric() {
        cx.schema_error(
            key,
            "not-numeric",
            format!("column `{}` does not hold figures", key.value),
            "compute from integer, decimal, money or percentage columns".into(),
        );
        return None;
    }
    Some(i)
}

/// One row's value of a per-row formula.
fn compute(col: &Column, cells: &[Cell], good_when: Option<&str>) -> Cell {
    let num = |i: usize| cells.get(i).and_then(Cell::number);
    match col.formula {
        Some(Formula::Difference(a, b)) => match (num(a), num(b)) {
            (Some(x), Some(y)) => Cell::Number(x - y),
            _ => Cell::Empty,
        },
        Some(Formula::PercentChange { value, baseline }) => match (num(value), num(baseline)) {
            (Some(_), Some(b)) if b.is_zero() => Cell::NotApplicable,
            (Some(v), Some(b)) => Cell::Number((v - b) / b.abs() * Decimal::ONE_HUNDRED),
            _ => Cell::Empty,
        },
        Some(Formula::Direction {
            value,
            baseline,
            up_is_good,
        }) => match (num(value), num(baseline)) {
            (Some(v), Some(b)) => {
                let dir = match v.cmp(&b) {
                    std::cmp::Ordering::Greater => Direction::Up,
                    std::cmp::Ordering::Less => Direction::Down,
                    std::cmp::Ordering::Equal => Direction::Same,
                };
                let up_good = match good_when {
                    Some("up") => Some(true),
                    Some("down") => Some(false),
                    Some("neither") | Some("neutral") => None,
                    _ => up_is_good,
                };
                let good = up_good.and_then(|up| match dir {
                    Direction::Up => Some(up),
                    Direction::Down => Some(!up),
                    Direction::Same => None,
                });
                Cell::Direction { dir, good }
            }
            _ => Cell::Empty,
        },
        // Filled in once the whole column is known.
        Some(Formula::Share(_)) | Some(Formula::Rank(_)) | None => Cell::Empty,
    }
}

/// A figure as people type it: `£3,370,000`, `-12.5%`, `(1,200)`, `−4`.
pub fn parse_number(s: &str) -> Option<Decimal> {
    let mut t = s.trim().replace(['£', '$', '€', ',', ' ', '\u{a0}'], "");
    t = t.replace('\u{2212}', "-");
    let t = t.trim_end_matches('%');
    let (neg, t) = match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => (true, inner.to_string()),
        None => (false, t.to_string()),
    };
    let n = Decimal::from_str(&t).ok()?;
    Some(if neg { -n } else { n })
}

fn parse_direction(s: &str) -> Option<Direction> {
    match s.trim().to_lowercase().as_str() {
        "up" | "↑" | "▲" | "increase" | "higher" => Some(Direction::Up),
        "down" | "↓" | "▼" | "decrease" | "lower" => Some(Direction::Down),
        "same" | "no change" | "↔" | "=" | "▬" => Some(Direction::Same),
        _ => None,
    }
}

fn parse_cell(text: &str, kind: Kind) -> Result<Cell, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Cell::Empty);
    }
    match kind {
        Kind::Text | Kind::Period => Ok(Cell::Text(t.to_string())),
        Kind::Date => t
            .parse::<jiff::civil::Date>()
            .map(Cell::Date)
            .map_err(|_| "a date (YYYY-MM-DD)"),
        Kind::Direction => Ok(Cell::Text(t.to_string())),
        Kind::Integer => match parse_number(t) {
            Some(n) if n.fract().is_zero() => Ok(Cell::Number(n)),
            _ => Err("a whole number"),
        },
        Kind::Money => parse_number(t)
            .map(Cell::Number)
            .ok_or("an amount of money"),
        Kind::Percentage => parse_number(t).map(Cell::Number).ok_or("a percentage"),
        Kind::Decimal => parse_number(t).map(Cell::Number).ok_or("a number"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_parse_as_people_type_them() {
        assert_eq!(parse_number("£3,370,000"), Some(Decimal::from(3_370_000)));
        assert_eq!(parse_number("(1,200)"), Some(Decimal::from(-1200)));
        assert_eq!(parse_number("\u{2212}4"), Some(Decimal::from(-4)));
        assert_eq!(parse_number("-12.5%"), Decimal::from_str("-12.5").ok());
        assert_eq!(parse_number("twelve"), None);
    }
}
