//! The step of [`TableBuilder`] that checks figures which should add up.
//!
//! A stated figure (`stated:`) repeats one rapport can compute; these are
//! figures rapport does not compute at all, but which the original's own
//! arithmetic ties together: two quarters and the year to date, the areas
//! and their region. Seed 004's crime table gives a year to date that is
//! not the sum of its two quarters in three rows, and nothing in the
//! original says why. So the schema can say what adds up, each disagreement
//! is an error at its cell with both figures, and one the report keeps as
//! printed is accepted with its reason, which becomes a note on the cell.

use rust_decimal::Decimal;

use super::TableBuilder;
use crate::data::Kind;
use crate::data::format;
use crate::data::schema::{RawAddsUp, RawSumAccept};
use crate::diagnostics::{Diagnostic, Span};
use crate::table::{Cell, Note};
use crate::yaml::{self, Spanned};

/// One disagreement: the cell that should be the sum, the figures that
/// should add up to it, and their sum.
struct Disagreement {
    row: usize,
    col: usize,
    parts: Vec<String>,
    sum: Decimal,
    whole: Decimal,
}

impl TableBuilder<'_> {
    /// Checks each `adds_up:` entry. A disagreement is an error at the cell
    /// that should be the sum, unless the entry accepts it; an accepted one
    /// is kept as printed, with a note on its cell.
    pub fn check_adds_up(&mut self, entries: &[RawAddsUp]) {
        for entry in entries {
            let found = match (&entry.columns, &entry.rows) {
                (Some(parts), None) => self.columns_add_up(parts, &entry.to),
                (columns, Some(parts)) => self.rows_add_up(parts, &entry.to, columns.as_deref()),
                (None, None) => {
                    self.schema_error(
                        &entry.to,
                        "missing-key",
                        "`adds_up:` does not say which figures add up".into(),
                        "give the columns that add up to this one (`columns: [q1, q2]`), or the rows that add up to this row (`rows: [North, South]`)".into(),
                    );
                    continue;
                }
            };
            let Some(found) = found else {
                continue;
            };
            self.settle(entry, found);
        }
    }

    /// In every row, `parts` (columns) against the column `to`.
    fn columns_add_up(
        &self,
        parts: &[Spanned<String>],
        to: &Spanned<String>,
    ) -> Option<Vec<Disagreement>> {
        let cols = self.numeric_columns(parts);
        let whole = self.numeric(self.col_index(to), to)?;
        if cols.len() != parts.len() {
            return None;
        }
        let labels: Vec<String> = cols
            .iter()
            .map(|&c| self.columns[c].label.clone())
            .collect();
        Some(
            (0..self.rows.len())
                .filter_map(|r| {
                    let figures = cols.iter().map(|&c| (r, c));
                    self.disagreement(figures, (r, whole), &labels)
                })
                .collect(),
        )
    }

    /// In each of `columns` (every figure column of the file when `None`),
    /// the rows `parts` against the row `to`.
    fn rows_add_up(
        &self,
        parts: &[Spanned<String>],
        to: &Spanned<String>,
        columns: Option<&[Spanned<String>]>,
    ) -> Option<Vec<Disagreement>> {
        let rows: Vec<usize> = parts.iter().filter_map(|p| self.row_named(p)).collect();
        let whole = self.row_named(to)?;
        if rows.len() != parts.len() {
            return None;
        }
        let cols = match columns {
            Some(keys) => self.numeric_columns(keys),
            None => (0..self.source_index.len())
                .filter(|&c| {
                    matches!(
                        self.columns[c].kind,
                        Kind::Integer | Kind::Decimal | Kind::Money
                    )
                })
                .collect(),
        };
        let labels: Vec<String> = rows.iter().map(|&r| self.rows[r].name.clone()).collect();
        Some(
            cols.into_iter()
                .filter_map(|c| {
                    let figures = rows.iter().map(|&r| (r, c));
                    self.disagreement(figures, (whole, c), &labels)
                })
                .collect(),
        )
    }

    /// The disagreement between the cells `parts` and `whole`, if all of
    /// them hold figures and the sum, rounded as the whole is written,
    /// differs from it.
    fn disagreement(
        &self,
        mut parts: impl Iterator<Item = (usize, usize)>,
        whole: (usize, usize),
        labels: &[String],
    ) -> Option<Disagreement> {
        let figure = |(r, c): (usize, usize)| self.rows[r].cells[c].number();
        let value = figure(whole)?;
        let sum = parts.try_fold(Decimal::ZERO, |sum, at| Some(sum + figure(at)?))?;
        (format::round(sum, value.scale()) != value).then(|| Disagreement {
            row: whole.0,
            col: whole.1,
            parts: labels.to_vec(),
            sum,
            whole: value,
        })
    }

    /// Each disagreement found for `entry`: kept, with a note, where the
    /// entry accepts it; an error at its cell where it does not. An accepted
    /// one that was not found is a warning, as its note would be wrong.
    fn settle(&mut self, entry: &RawAddsUp, found: Vec<Disagreement>) {
        let by_row = entry.rows.is_none();
        let mut used = vec![false; entry.accept.len()];
        for d in found {
            let col = &self.columns[d.col];
            let row = &self.rows[d.row];
            let accepted = entry.accept.iter().position(|a| {
                if by_row {
                    a.row
                        .as_ref()
                        .is_some_and(|r| slug::slugify(&r.value) == row.slug)
                } else {
                    a.column
                        .as_ref()
                        .is_some_and(|c| crate::data::source::norm_key(&c.value) == col.key)
                }
            });
            let sum = format::number(d.sum, col);
            if let Some(i) = accepted {
                used[i] = true;
                let note = Note::AsPrinted {
                    parts: d.parts,
                    sum,
                    reason: entry.accept[i].reason.clone(),
                };
                let cell = &mut self.rows[d.row].cells[d.col];
                let plain = std::mem::replace(cell, Cell::Empty);
                *cell = Cell::Noted(Box::new(plain), note);
                continue;
            }
            let whole = format::number(d.whole, col);
            let (message, key) = if by_row {
                (
                    format!(
                        "row `{}`: {} add up to {sum}, but {} is {whole}",
                        row.name,
                        and_list(&d.parts),
                        col.label
                    ),
                    format!("row: {}", row.name),
                )
            } else {
                (
                    format!(
                        "column `{}`: {} add up to {sum}, but {} gives {whole}",
                        col.label,
                        and_list(&d.parts),
                        row.name
                    ),
                    format!("column: {}", col.key),
                )
            };
            let (line, column) = self.position(d.row, d.col);
            self.data_error(
                line,
                column,
                "does-not-add-up",
                message,
                format!(
                    "correct the figure that is wrong; if the report keeps it as printed, accept it in {} under `adds_up:` with `accept: [{{{key}, reason: ...}}]`, and the reason is shown as a note on the figure",
                    self.schema_file
                ),
            );
        }
        for (a, used) in entry.accept.iter().zip(used) {
            if !used {
                self.unused_accept(a, by_row);
            }
        }
    }

    /// An `accept:` entry with no disagreement to keep: the row or column
    /// is not there, or it adds up (it was corrected).
    fn unused_accept(&self, a: &RawSumAccept, by_row: bool) {
        let named = if by_row { &a.row } else { &a.column };
        let Some(named) = named else {
            let (want, other) = if by_row {
                ("row", "column")
            } else {
                ("column", "row")
            };
            self.diags.push(
                Diagnostic::error(
                    "missing-key",
                    format!("this `accept:` entry names no {want}"),
                )
                .in_file(self.schema_file)
                .at(a.column.as_ref().or(a.row.as_ref()).map_or(Span::point(1, 1), |s| yaml::span_of(s, 0)))
                .with_hint(format!(
                    "where {other}s add up, accept a disagreement by its {want}: `accept: [{{{want}: ..., reason: ...}}]`"
                )),
            );
            return;
        };
        let exists = if by_row {
            self.row_named(named).is_some()
        } else {
            self.col_index(named).is_some()
        };
        if exists {
            self.diags.push(
                Diagnostic::warning(
                    "accept-unused",
                    format!("`{}` adds up, so there is nothing to accept", named.value),
                )
                .in_file(self.schema_file)
                .at(yaml::span_of(named, 0))
                .with_hint("remove this `accept:` entry, so its note is not published"),
            );
        }
    }

    /// Where a cell is in the data file: a source column's cell, or the
    /// row's line for a computed column.
    fn position(&self, row: usize, col: usize) -> (u32, u32) {
        let grid = &self.grid.rows[row];
        let column = self
            .source_index
            .get(col)
            .and_then(|&i| grid.columns.get(i).copied())
            .unwrap_or(1);
        (grid.line, column)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::data::Table;
    use crate::data::compute::load_table;
    use crate::diagnostics::{Diagnostics, SourceMap};
    use crate::table::{Cell, Note};
    use crate::vfs::MemoryFs;

    const SCHEMA: &str = "content/r/data/t.yaml";
    const CSV: &str = "content/r/data/t.csv";

    /// Two quarters and the year to date, as seed 004 prints them: York's
    /// year is not the sum of its quarters, Hull has no figure for Q2.
    const QUARTERS: &str =
        "area,q1,q2,year\nLeeds,10,20,30\nYork,5,6,13\nHull,4,[x],9\nRegion,19,26,52\n";

    const COLUMNS: &str = "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - {key: q1, type: integer}\n  - {key: q2, type: integer}\n  - {key: year, type: integer}\n";

    /// The table, and each problem as `code at file:line:column: message`.
    fn load(adds_up: &str) -> (Table, Vec<String>) {
        let schema = format!("{COLUMNS}adds_up:\n{adds_up}");
        let mut fs = MemoryFs::new();
        fs.add(SCHEMA, schema.as_str());
        fs.add(CSV, QUARTERS);
        let diags = Diagnostics::new();
        let table = load_table(&fs, SCHEMA, &schema, &diags, &SourceMap::default()).unwrap();
        let problems = diags
            .sorted()
            .iter()
            .map(|d| format!("{} at {}: {}", d.code, d.location(), d.message))
            .collect();
        (table, problems)
    }

    #[test]
    fn columns_that_do_not_add_up_are_an_error_at_the_cell_with_both_figures() {
        let (_, problems) = load("  - columns: [q1, q2]\n    to: year\n");
        // Hull's Q2 is not given, so its row cannot be checked.
        assert_eq!(
            problems,
            [
                "does-not-add-up at content/r/data/t.csv:3:10: row `York`: q1 and q2 add up to 11, but year is 13",
                "does-not-add-up at content/r/data/t.csv:5:14: row `Region`: q1 and q2 add up to 45, but year is 52",
            ]
        );
    }

    #[test]
    fn rows_that_do_not_add_up_are_an_error_in_each_column_that_differs() {
        let (_, problems) = load("  - rows: [Leeds, York, Hull]\n    to: Region\n");
        // q1: 19 = 19; q2: Hull's not given; year: 52 = 52.
        assert!(problems.is_empty(), "{problems:?}");
        let (_, problems) =
            load("  - rows: [Leeds, York]\n    to: Region\n    columns: [q1, year]\n");
        assert_eq!(
            problems,
            [
                "does-not-add-up at content/r/data/t.csv:5:8: column `q1`: Leeds and York add up to 15, but Region gives 19",
                "does-not-add-up at content/r/data/t.csv:5:14: column `year`: Leeds and York add up to 43, but Region gives 52",
            ]
        );
    }

    #[test]
    fn an_accepted_disagreement_is_kept_as_printed_with_its_reason_on_the_cell() {
        let (table, problems) = load(
            "  - columns: [q1, q2]\n    to: year\n    accept:\n      - {row: York, reason: The original gives no reason.}\n      - {row: Region, reason: Also as printed.}\n      - {row: Leeds, reason: Nothing to keep.}\n",
        );
        assert_eq!(
            problems,
            [
                "accept-unused at content/r/data/t.yaml:14:15: `Leeds` adds up, so there is nothing to accept"
            ]
        );
        let york = &table.rows[1].cells[3];
        assert_eq!(york.number(), Some(13.into()), "the printed figure is kept");
        assert_eq!(
            york.note(),
            Some(&Note::AsPrinted {
                parts: vec!["q1".into(), "q2".into()],
                sum: "11".into(),
                reason: "The original gives no reason.".into()
            })
        );
        assert!(matches!(table.rows[0].cells[3], Cell::Number(_)));
    }

    #[test]
    fn an_entry_naming_neither_columns_nor_rows_says_what_to_give() {
        let (_, problems) = load("  - to: year\n");
        assert_eq!(
            problems,
            [
                "missing-key at content/r/data/t.yaml:9:9: `adds_up:` does not say which figures add up"
            ]
        );
        let (_, problems) = load("  - columns: [q1, q3]\n    to: year\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("unknown-column"), "{problems:?}");
    }
}
