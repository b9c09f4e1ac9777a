//! From schema and grid to a computed [`Table`] ([`load_table`], which runs
//! the steps of [`TableBuilder`]), and the arithmetic those steps use: typed
//! cells, per-row formulas, shares and ranks over a whole column, subtotal
//! and total rows.
//!
//! Arithmetic is exact (`rust_decimal`); nothing is rounded until display.
//! A % change or share against zero is "n/a", never a division error.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::builder::TableBuilder;
use super::schema::RawSchema;
use super::{Cell, Column, Direction, Kind, Row, Shorthand, Table};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::vfs::FileSystem;
use crate::yaml;

pub use crate::table::Formula;

/// Loads the table whose schema is `schema_file` (site-relative): the
/// schema read, its one source read into a grid ([`super::files`]), then
/// the [`TableBuilder`] steps in order. A table with problems is still
/// returned: they are reported (and fail the build), and chapters that use
/// it should not report it missing.
pub fn load_table(
    fs: &dyn FileSystem,
    schema_file: &str,
    text: &str,
    diags: &Diagnostics,
    sources: &crate::diagnostics::SourceMap,
) -> Option<Table> {
    let raw = read_schema(schema_file, text, diags)?;
    let (grid, data_file) = super::files::Read {
        fs,
        schema_file,
        schema_text: text,
        diags,
        sources,
    }
    .grid(&raw)?;
    let mut b = TableBuilder::new(schema_file, diags, grid, data_file);
    b.map_columns(&raw.columns);
    b.take_total_rows(raw.total_rows.as_deref());
    b.type_rows();
    b.add_computed(&raw.computed);
    let subtotals = b.subtotals(raw.subtotals.as_ref());
    let total = b.total(raw.total.as_ref(), raw.subtotals.is_some());
    let accepted = b.check_stated(&raw.stated);
    b.check_adds_up(&raw.adds_up);
    b.footnotes(&raw.footnotes);
    let (columns, rows) = b.finish();
    // Figures not given are not added in; the table says so under it.
    let total_leaves_out = total.as_ref().is_some_and(|t| {
        rows.iter().any(|r| {
            r.cells
                .iter()
                .zip(&t.cells)
                .any(|(c, sum)| c.is_missing() && sum.number().is_some())
        })
    });
    let notes = raw.notes;
    Some(Table {
        name: table_name(schema_file),
        file: schema_file.to_string(),
        caption: raw.caption,
        source: raw.source,
        notes,
        columns,
        rows,
        total,
        total_leaves_out,
        subtotals,
        accepted,
    })
}

/// A table's name: its schema file's, without `.yaml`.
fn table_name(schema_file: &str) -> String {
    schema_file
        .rsplit('/')
        .next()
        .unwrap_or(schema_file)
        .trim_end_matches(".yaml")
        .to_string()
}

/// The schema, parsed, naming exactly one source of rows.
fn read_schema(schema_file: &str, text: &str, diags: &Diagnostics) -> Option<RawSchema> {
    let raw: RawSchema = match yaml::parse(schema_file, text, 0) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let sources_given =
        raw.file.is_some() as u8 + raw.workbook.is_some() as u8 + raw.rows.is_some() as u8;
    if sources_given != 1 {
        diags.push(
            Diagnostic::error(
                "table-source",
                "a table needs exactly one of `file:`, `workbook:` or `rows:`",
            )
            .in_file(schema_file)
            .at(Span::point(1, 1))
            .with_hint("name the CSV file (`file: funding.csv`), a workbook (`workbook: {file: budget.xlsx, sheet: Funding}`) or write `rows:` in this file"),
        );
        return None;
    }
    Some(raw)
}

/// Fills a share or rank column, which needs its whole column of figures;
/// other columns are left as they are.
pub(super) fn fill_whole_column(col: &Column, ci: usize, rows: &mut [Row]) {
    match col.formula {
        Some(Formula::Share(c)) => {
            let total: Decimal = rows.iter().filter_map(|r| r.cells[c].number()).sum();
            for r in rows {
                r.cells[ci] = match r.cells[c].number() {
                    Some(v) if !total.is_zero() => Cell::Number(v / total * Decimal::ONE_HUNDRED),
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
            for r in rows {
                r.cells[ci] = match r.cells[c].number() {
                    Some(v) => Cell::Number(Decimal::from(1 + sorted.partition_point(|o| *o > v))),
                    None if r.cells[c].is_missing() => Cell::NotApplicable,
                    None => Cell::Empty,
                };
            }
        }
        _ => {}
    }
}

/// A subtotal or total row: `summed` columns added up over `rows`, and the
/// computed columns recomputed on those sums (a share of the whole is 100%).
pub(super) fn summary_cells(
    columns: &[Column],
    base_width: usize,
    rows: &[Row],
    summed: &[usize],
    label: &str,
) -> Vec<Cell> {
    let mut cells = vec![Cell::Empty; columns.len()];
    // A table whose declared columns are all missing from the data has none.
    if let Some(first) = cells.first_mut() {
        *first = Cell::Text(label.to_string());
    }
    for &i in summed {
        cells[i] = Cell::Number(rows.iter().filter_map(|r| r.cells[i].number()).sum());
    }
    for ci in base_width..columns.len() {
        let formula = columns[ci].formula.as_ref();
        cells[ci] = match (formula, formula.and_then(Formula::operands)) {
            (Some(Formula::Share(c)), _) if summed.contains(c) => {
                Cell::Number(Decimal::ONE_HUNDRED)
            }
            (_, Some((a, b))) if summed.contains(&a) && summed.contains(&b) => {
                compute(&columns[ci], &cells, None)
            }
            _ => Cell::Empty,
        };
    }
    cells
}

/// One row's value of a per-row formula.
pub(super) fn compute(col: &Column, cells: &[Cell], good_when: Option<&str>) -> Cell {
    let num = |i: usize| cells.get(i).and_then(Cell::number);
    // A figure that is not given (`[x]`, `-`) makes any figure worked out
    // from it not applicable, rather than a blank that looks like a gap.
    let missing = |i: usize| cells.get(i).is_some_and(Cell::is_missing);
    let operands = col.formula.as_ref().and_then(Formula::operands);
    if operands.is_some_and(|(a, b)| missing(a) || missing(b)) {
        return Cell::NotApplicable;
    }
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

pub(super) fn parse_direction(s: &str) -> Option<Direction> {
    match s.trim().to_lowercase().as_str() {
        "up" | "↑" | "▲" | "increase" | "higher" => Some(Direction::Up),
        "down" | "↓" | "▼" | "decrease" | "lower" => Some(Direction::Down),
        "same" | "no change" | "↔" | "=" | "▬" => Some(Direction::Same),
        _ => None,
    }
}

pub(super) fn parse_cell(text: &str, kind: Kind) -> Result<Cell, &'static str> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Cell::Empty);
    }
    if kind.numeric() || kind == Kind::Date {
        if let Some(s) = Shorthand::parse(t) {
            return Ok(Cell::Missing(s));
        }
        if let Some((figure, mark)) = Shorthand::split_mark(t) {
            return parse_cell(figure, kind).map(|c| Cell::Marked(Box::new(c), mark));
        }
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

    #[test]
    fn cells_are_typed_by_their_column() {
        assert_eq!(parse_cell("  ", Kind::Integer), Ok(Cell::Empty));
        assert_eq!(
            parse_cell("1,200", Kind::Integer),
            Ok(Cell::Number(Decimal::from(1200)))
        );
        assert_eq!(parse_cell("12.5", Kind::Integer), Err("a whole number"));
        assert_eq!(
            parse_cell("2024-02-30", Kind::Date),
            Err("a date (YYYY-MM-DD)")
        );
        assert_eq!(
            parse_cell(" Leeds ", Kind::Text),
            Ok(Cell::Text("Leeds".into()))
        );
        assert_eq!(parse_direction(" ▼ "), Some(Direction::Down));
    }
}
