//! A table built from its schema and grid in named steps, each reporting
//! its own problems at the place in the schema or data file they concern.
//!
//! [`super::compute::load_table`] runs the steps in order: the schema's
//! columns are found in the grid ([`TableBuilder::map_columns`]), the
//! cells typed ([`TableBuilder::type_rows`]), the computed columns added
//! ([`TableBuilder::add_computed`]), subtotals and the total row made
//! ([`TableBuilder::subtotals`], [`TableBuilder::total`]), the figures the
//! source states checked against the computed ones
//! ([`TableBuilder::check_stated`]) and footnotes put on their cells
//! ([`TableBuilder::footnotes`]). Each step works on what the earlier ones
//! left in the builder, so each can be tested alone on a small grid.
//!
//! A step that meets a problem reports it and carries on without the
//! column, row or figure concerned: one run reports every problem, and a
//! table with problems is still made (the build fails on the errors, and
//! chapters that use the table do not report it missing as well).

use super::compute::{self, Formula};
use super::schema::{
    RawAccept, RawAgainst, RawColumn, RawComputed, RawFootnote, RawStated, RawSubtotals, RawTotal,
};
use super::source::{self, Grid, norm_key};
use super::{Cell, Column, Kind, Row};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::table::{Corrected, Note};
use crate::yaml::{self, Spanned};

/// A table part-way through its steps.
pub struct TableBuilder<'a> {
    /// The schema file, from the site root: where schema problems are.
    schema_file: &'a str,
    diags: &'a Diagnostics,
    grid: Grid,
    /// The file the grid's positions are in (a CSV file, a workbook, or
    /// the schema itself for `rows:`).
    data_file: String,
    /// The source columns first, then the computed ones.
    columns: Vec<Column>,
    /// Each source column's place in the grid.
    source_index: Vec<usize>,
    rows: Vec<Row>,
    /// Each row's `good_when` cell (which way is good news), lower case.
    good_when: Vec<Option<String>>,
    /// Rows of the data that state a total or subtotal, taken out of the
    /// rows so they are never added in ([`TableBuilder::take_total_rows`]).
    total_rows: Vec<TotalRow>,
}

/// A row of a spreadsheet export that states a total: its label, as the
/// file has it, and its cells.
struct TotalRow {
    label: String,
    grid: source::GridRow,
    subtotal: bool,
}

/// The labels that mark a row of the data as the export's own total, when
/// the schema names none (`total_rows:`), compared in lower case.
const TOTAL_LABELS: [&str; 4] = ["total", "totals", "grand total", "overall total"];

/// Labels that begin a subtotal row (`Sub-total`, `Subtotal: North`).
const SUBTOTAL_PREFIXES: [&str; 3] = ["sub-total", "subtotal", "sub total"];

impl<'a> TableBuilder<'a> {
    pub fn new(
        schema_file: &'a str,
        diags: &'a Diagnostics,
        grid: Grid,
        data_file: String,
    ) -> Self {
        TableBuilder {
            schema_file,
            diags,
            grid,
            data_file,
            columns: Vec::new(),
            source_index: Vec::new(),
            rows: Vec::new(),
            good_when: Vec::new(),
            total_rows: Vec::new(),
        }
    }

    /// How many columns come from the grid (the computed ones follow).
    fn base_width(&self) -> usize {
        self.source_index.len()
    }

    fn error_at(&self, file: &str, span: Span, code: &'static str, msg: String, hint: String) {
        self.diags.push(
            Diagnostic::error(code, msg)
                .in_file(file)
                .at(span)
                .with_hint(hint),
        );
    }

    /// An error in the data file, at a cell of the grid.
    fn data_error(&self, line: u32, column: u32, code: &'static str, msg: String, hint: String) {
        self.error_at(&self.data_file, Span::point(line, column), code, msg, hint);
    }

    /// An error in the schema, at the value `at`.
    fn schema_error<T>(&self, at: &Spanned<T>, code: &'static str, msg: String, hint: String) {
        self.error_at(self.schema_file, yaml::span_of(at, 0), code, msg, hint);
    }

    /// Step 1: each column the schema declares, found in the grid. A
    /// column the grid does not have is left out.
    pub fn map_columns(&mut self, declared: &[RawColumn]) {
        for c in declared {
            let kind = self.column_kind(c);
            let Some(idx) = self.source_column(c.header.as_ref().unwrap_or(&c.key)) else {
                continue;
            };
            let short = self.money_format(c);
            self.columns.push(Column {
                key: norm_key(&c.key.value),
                // Without a label, the heading the file gives the column
                // (`Budget 2024/25`), not the key made from it.
                label: c.label.clone().unwrap_or_else(|| {
                    let header = self.grid.header.get(idx).map_or("", |h| h.trim());
                    if header.is_empty() {
                        &c.key.value
                    } else {
                        header
                    }
                    .to_string()
                }),
                kind,
                unit: c.unit.clone(),
                formula: None,
                shown: c.show.unwrap_or(true),
                decimals: c.decimals,
                short,
                currency: c.currency.clone().unwrap_or_else(|| "GBP".into()),
            });
            self.source_index.push(idx);
        }
    }

    /// The declared type (text when none is given or it is not a type).
    fn column_kind(&self, c: &RawColumn) -> Kind {
        let Some(k) = &c.kind else {
            return Kind::Text;
        };
        Kind::parse(&k.value).unwrap_or_else(|| {
            self.schema_error(
                k,
                "bad-type",
                format!("`{}` is not a column type", k.value),
                format!("use one of: {}", Kind::NAMES),
            );
            Kind::Text
        })
    }

    /// Whether money is shown short (`£3.37m`) rather than in full.
    fn money_format(&self, c: &RawColumn) -> bool {
        match &c.format {
            None => false,
            Some(f) if f.value == "short" => true,
            Some(f) if f.value == "full" => false,
            Some(f) => {
                self.schema_error(
                    f,
                    "bad-format",
                    format!("`{}` is not a money format", f.value),
                    "use `full` (£3,370,000) or `short` (£3.37m)".into(),
                );
                false
            }
        }
    }

    /// Step 1b: rows of the data that state a total (`Total`, `Grand
    /// total`, or the schema's `total_rows:`) or a subtotal are taken out,
    /// so that a spreadsheet's own total row is never counted as data: the
    /// total row is made by [`TableBuilder::total`], which checks the file's
    /// figures against it. The labels are read in the table's first text
    /// column; `total_rows: []` keeps every row.
    pub fn take_total_rows(&mut self, labels: Option<&[String]>) {
        let Some(name_column) = self
            .columns
            .iter()
            .position(|c| c.kind == Kind::Text)
            .map(|i| self.source_index[i])
        else {
            return;
        };
        let labels: Vec<String> = match labels {
            Some(l) => l.iter().map(|l| l.trim().to_lowercase()).collect(),
            None => TOTAL_LABELS.iter().map(|l| l.to_string()).collect(),
        };
        if labels.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.grid.rows);
        for g in rows {
            let label = g.cells.get(name_column).map_or("", |c| c.trim());
            let key = label.trim_end_matches(':').trim().to_lowercase();
            let subtotal = SUBTOTAL_PREFIXES.iter().any(|p| key.starts_with(p));
            if subtotal || labels.contains(&key) {
                self.total_rows.push(TotalRow {
                    label: label.trim_end_matches(':').trim().to_string(),
                    grid: g,
                    subtotal,
                });
            } else {
                self.grid.rows.push(g);
            }
        }
    }

    /// Step 2: every row of the grid with its cells typed, its name (the
    /// first text column) and its `good_when` cell. A cell that is not of
    /// its column's type is reported at its place and left empty.
    pub fn type_rows(&mut self) {
        // Stated columns need not be declared: `good_when` is read from the
        // grid whether or not the schema names it.
        let good_when = self
            .grid
            .header
            .iter()
            .position(|h| norm_key(h) == "good_when");
        let grid = std::mem::take(&mut self.grid);
        for g in &grid.rows {
            let cells = self.type_cells(&grid, g);
            let name = self
                .columns
                .iter()
                .zip(&cells)
                .find(|(c, _)| c.kind == Kind::Text || c.kind == Kind::Period)
                .map(|(_, cell)| super::format::cell(cell, &self.columns[0]))
                .unwrap_or_else(|| format!("Row {}", self.rows.len() + 1));
            self.good_when.push(
                good_when
                    .and_then(|i| g.cells.get(i))
                    .map(|s| s.trim().to_lowercase()),
            );
            self.rows.push(Row {
                slug: slug::slugify(&name),
                name,
                cells,
                line: g.line,
            });
        }
        self.grid = grid;
    }

    fn type_cells(&self, grid: &Grid, g: &source::GridRow) -> Vec<Cell> {
        let mut cells = Vec::with_capacity(self.columns.len());
        for (col, &si) in self.columns.iter().zip(&self.source_index) {
            let text = g.cells.get(si).map(String::as_str).unwrap_or("");
            match compute::parse_cell(text, col.kind) {
                Ok(c) => cells.push(c),
                Err(what) => {
                    let column = g.columns.get(si).copied().unwrap_or(1);
                    let place = cell_place(grid.sheet, g.line, column);
                    self.data_error(
                        g.line,
                        column,
                        "bad-cell",
                        format!("`{text}` in column `{}` is not {what}{place}", col.label),
                        "write the figure alone: digits, an optional minus sign, commas and a £ sign are fine; leave the cell empty when there is no figure".into(),
                    );
                    cells.push(Cell::Empty);
                }
            }
        }
        cells
    }

    /// Step 3: the computed columns, each checked and then worked out for
    /// every row (shares and ranks once their whole column is known).
    pub fn add_computed(&mut self, computed: &[RawComputed]) {
        let base_width = self.base_width();
        for comp in computed {
            let Some((formula, kind, decimals)) = self.formula(comp) else {
                continue;
            };
            let currency = match &formula {
                Formula::Difference(a, _) => self.columns[*a].currency.clone(),
                _ => "GBP".into(),
            };
            self.columns.push(Column {
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
        for (row, good_when) in self.rows.iter_mut().zip(&self.good_when) {
            for col in &self.columns[base_width..] {
                let cell = compute::compute(col, &row.cells, good_when.as_deref());
                row.cells.push(cell);
            }
        }
        for (ci, col) in self.columns.iter().enumerate().skip(base_width) {
            compute::fill_whole_column(col, ci, &mut self.rows);
        }
    }

    /// A computed column's formula, the type of its values and their
    /// decimal places; `None` once a problem with it is reported.
    fn formula(&self, comp: &RawComputed) -> Option<(Formula, Kind, Option<u32>)> {
        let given = comp.difference.is_some() as u8
            + comp.percent_change.is_some() as u8
            + comp.direction.is_some() as u8
            + comp.share.is_some() as u8
            + comp.rank.is_some() as u8;
        if given != 1 {
            self.schema_error(
                &comp.key,
                "bad-formula",
                format!(
                    "computed column `{}` needs exactly one formula",
                    comp.key.value
                ),
                "use one of: difference, percent_change, direction, share, rank".into(),
            );
            return None;
        }
        if let Some(d) = &comp.difference {
            let [a, b] = d.as_slice() else {
                self.schema_error(
                    &comp.key,
                    "bad-formula",
                    "`difference` takes two columns".into(),
                    "write `difference: [this_year, last_year]` (this_year minus last_year)".into(),
                );
                return None;
            };
            let (a, b) = (self.col_index(a), self.col_index(b));
            let (a, b) = (self.numeric(a, &d[0]), self.numeric(b, &d[1]));
            let (a, b) = (a?, b?);
            let col = &self.columns[a];
            Some((Formula::Difference(a, b), col.kind, col.decimals))
        } else if let Some(p) = &comp.percent_change {
            let (value, baseline) = self.against(p)?;
            let formula = Formula::PercentChange { value, baseline };
            Some((formula, Kind::Percentage, Some(1)))
        } else if let Some(p) = &comp.direction {
            let (value, baseline) = self.against(p)?;
            let up_is_good = self.good_direction(comp.good.as_ref());
            let formula = Formula::Direction {
                value,
                baseline,
                up_is_good,
            };
            Some((formula, Kind::Direction, None))
        } else if let Some(s) = &comp.share {
            let c = self.numeric(self.col_index(s), s)?;
            Some((Formula::Share(c), Kind::Percentage, Some(1)))
        } else {
            let r = comp.rank.as_ref()?;
            let c = self.numeric(self.col_index(r), r)?;
            Some((Formula::Rank(c), Kind::Integer, None))
        }
    }

    /// The value and baseline columns of a comparison, both of figures.
    fn against(&self, a: &RawAgainst) -> Option<(usize, usize)> {
        let v = self.col_index(&a.value);
        let b = self.col_index(&a.baseline);
        Some((self.numeric(v, &a.value)?, self.numeric(b, &a.baseline)?))
    }

    /// Whether up is good news for every row (`good: up` or `down`).
    fn good_direction(&self, good: Option<&Spanned<String>>) -> Option<bool> {
        let g = good?;
        match g.value.trim().to_lowercase().as_str() {
            "up" => Some(true),
            "down" => Some(false),
            _ => {
                self.schema_error(
                    g,
                    "bad-formula",
                    "`good` is `up` or `down`".into(),
                    "a fall in crime is good news: `good: down`".into(),
                );
                None
            }
        }
    }

    /// Step 4: a subtotal row after each run of rows sharing a value of
    /// the `by` column, each shown after the last row of its run.
    pub fn subtotals(&self, st: Option<&RawSubtotals>) -> Vec<(usize, Row)> {
        let mut subtotals = Vec::new();
        let Some(st) = st else {
            return subtotals;
        };
        let by = self.col_index(&st.by);
        let summed = self.numeric_columns(&st.columns);
        let Some(by) = by else {
            return subtotals;
        };
        let label = st.label.clone().unwrap_or_else(|| "{} subtotal".into());
        let rows = &self.rows;
        let mut start = 0;
        while start < rows.len() {
            let key = &rows[start].cells[by];
            let mut end = start;
            while end + 1 < rows.len() && rows[end + 1].cells[by] == *key {
                end += 1;
            }
            let value = super::format::cell(key, &self.columns[by]);
            let name = label.replace("{}", &value);
            let cells = compute::summary_cells(
                &self.columns,
                self.base_width(),
                &rows[start..=end],
                &summed,
                &name,
            );
            let row = Row {
                slug: slug::slugify(&name),
                name,
                cells,
                line: 0,
            };
            subtotals.push((end, row));
            start = end + 1;
        }
        subtotals
    }

    /// Step 5: the total row, with any totals the source states checked
    /// against it: in the schema (`total: stated:`) or as the data's own
    /// total row. A table whose schema asks for no total still gets one
    /// when its data has a total row, adding up the columns that row fills.
    /// Subtotal rows of the data are reported as left out, unless the
    /// schema makes its own (`subtotals:`).
    pub fn total(&self, t: Option<&RawTotal>, has_subtotals: bool) -> Option<Row> {
        let stated_row = self.total_rows.iter().find(|r| !r.subtotal);
        if !has_subtotals {
            for r in self.total_rows.iter().filter(|r| r.subtotal) {
                self.diags.push(
                    Diagnostic::warning(
                        "subtotal-row",
                        format!(
                            "the row `{}` is a subtotal, so it is left out of the table: counted as a row, its figures would be added in twice",
                            r.label
                        ),
                    )
                    .in_file(&self.data_file)
                    .at(Span::point(r.grid.line, 1))
                    .with_hint("to show subtotals, add `subtotals:` to the schema (docs/authoring.md, \"Data tables\"); rapport adds them up itself"),
                );
            }
        }
        let (label, summed) = match (t, stated_row) {
            (Some(t), _) => (t.label.clone(), self.numeric_columns(&t.columns)),
            (None, Some(row)) => (row.label.clone(), self.filled_figures(row)),
            (None, None) => return None,
        };
        let cells = compute::summary_cells(
            &self.columns,
            self.base_width(),
            &self.rows,
            &summed,
            &label,
        );
        for (key, stated) in t.iter().flat_map(|t| &t.stated) {
            self.check_stated_total(key, stated, &cells);
        }
        if let Some(row) = stated_row {
            self.check_total_row(row, &summed, &cells);
        }
        Some(Row {
            name: label,
            slug: "total".into(),
            cells,
            line: 0,
        })
    }

    /// The source columns of figures that a total row of the data fills.
    fn filled_figures(&self, row: &TotalRow) -> Vec<usize> {
        (0..self.base_width())
            .filter(|&i| self.columns[i].kind.numeric() && self.columns[i].kind != Kind::Percentage)
            .filter(|&i| {
                row.grid
                    .cells
                    .get(self.source_index[i])
                    .is_some_and(|c| !c.trim().is_empty())
            })
            .collect()
    }

    /// Each figure of the data's total row, against the rows added up.
    fn check_total_row(&self, row: &TotalRow, summed: &[usize], cells: &[Cell]) {
        for &i in summed {
            let si = self.source_index[i];
            let text = row.grid.cells.get(si).map_or("", |c| c.trim());
            if text.is_empty() {
                continue;
            }
            let col = &self.columns[i];
            let column = row.grid.columns.get(si).copied().unwrap_or(1);
            let place = cell_place(self.grid.sheet, row.grid.line, column);
            match compute::parse_number(text) {
                Some(stated) if !stated_matches(text, &cells[i]) => self.data_error(
                    row.grid.line,
                    column,
                    "stated-mismatch",
                    format!(
                        "the {} row gives {} as {}{place}, but the rows above it add up to {}",
                        row.label,
                        col.label,
                        super::format::number(stated, col),
                        cells[i].number().map_or_else(|| "nothing".to_string(), |c| super::format::number(c, col)),
                    ),
                    "correct the figure in the total row, or the row that is wrong: rapport adds up the rows itself and only checks the file's total".into(),
                ),
                Some(_) => {}
                None => self.data_error(
                    row.grid.line,
                    column,
                    "bad-cell",
                    format!("`{text}` in the {} row is not a figure{place}", row.label),
                    "write the total as a figure, or leave the cell empty".into(),
                ),
            }
        }
    }

    fn check_stated_total(&self, key: &str, stated: &Spanned<serde_json::Value>, cells: &[Cell]) {
        let Some(i) = self.columns.iter().position(|c| c.key == norm_key(key)) else {
            self.schema_error(
                stated,
                "unknown-column",
                format!("there is no column `{key}` to total"),
                "name a column listed under `total: columns:`".into(),
            );
            return;
        };
        let text = match &stated.value {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let col = &self.columns[i];
        match (compute::parse_number(&text), cells[i].number()) {
            (Some(s), Some(c)) if s != c => self.schema_error(
                stated,
                "stated-mismatch",
                format!(
                    "the stated total of {} is {}, but the rows add up to {}",
                    col.label,
                    super::format::number(s, col),
                    super::format::number(c, col)
                ),
                "correct the stated total, or the row that is wrong".into(),
            ),
            (None, _) => self.schema_error(
                stated,
                "bad-cell",
                format!("`{text}` is not a figure"),
                "write the stated total as a number".into(),
            ),
            _ => {}
        }
    }

    /// Step 6: the figures a source column states, checked against the
    /// computed column they repeat. Returns the notes on differences the
    /// schema accepts; any other difference is an error at its cell.
    pub fn check_stated(&self, stated: &[RawStated]) -> Vec<Corrected> {
        let mut accepted = Vec::new();
        for st in stated {
            self.check_stated_column(st, &mut accepted);
        }
        accepted
    }

    fn check_stated_column(&self, st: &RawStated, accepted: &mut Vec<Corrected>) {
        let Some(ci) = self.col_index(&st.computed) else {
            return;
        };
        let Some(si) = self.source_column(&st.column) else {
            return;
        };
        let col = &self.columns[ci];
        // Each accepted row, and whether a difference was found there.
        let mut known: Vec<(String, &RawAccept, bool)> = st
            .accept
            .iter()
            .map(|a| (slug::slugify(&a.row.value), a, false))
            .collect();
        for (g, row) in self.grid.rows.iter().zip(&self.rows) {
            let text = g.cells.get(si).map(String::as_str).unwrap_or("").trim();
            let computed = &row.cells[ci];
            if text.is_empty() || stated_matches(text, computed) {
                continue;
            }
            let shown = super::format::cell(computed, col);
            if let Some(k) = known.iter_mut().find(|k| k.0 == row.slug) {
                k.2 = true;
                accepted.push(Corrected {
                    row: row.name.clone(),
                    column: col.label.clone(),
                    printed: text.to_string(),
                    figure: shown,
                    reason: k.1.reason.clone(),
                });
                continue;
            }
            self.data_error(
                g.line,
                g.columns.get(si).copied().unwrap_or(1),
                "stated-mismatch",
                format!(
                    "row `{}`, column `{}`: the source states {text} but the figures give {shown}",
                    row.name, st.column.value
                ),
                format!(
                    "correct the figure, or accept it in {} under `stated:` with `accept: [{{row: {}, reason: ...}}]`",
                    self.schema_file, row.name
                ),
            );
        }
        // An accepted difference that was not found: is the row there?
        for (_, a, found) in known {
            if !found {
                self.row_named(&a.row);
            }
        }
    }

    /// Step 7: footnotes put on their cells.
    pub fn footnotes(&mut self, footnotes: &[RawFootnote]) {
        for f in footnotes {
            let Some(ri) = self.row_named(&f.row) else {
                continue;
            };
            let Some(ci) = self.col_index(&f.column) else {
                continue;
            };
            let cell = &mut self.rows[ri].cells[ci];
            let plain = std::mem::replace(cell, Cell::Empty);
            *cell = Cell::Noted(Box::new(plain), Note::Written(f.note.clone()));
        }
    }

    /// The columns and rows made, for the [`super::Table`].
    pub fn finish(self) -> (Vec<Column>, Vec<Row>) {
        (self.columns, self.rows)
    }

    /// The columns named by `keys`, each checked to hold figures.
    fn numeric_columns(&self, keys: &[Spanned<String>]) -> Vec<usize> {
        keys.iter()
            .filter_map(|key| self.numeric(self.col_index(key), key))
            .collect()
    }

    /// The grid column a schema key names, or an error at the key.
    fn source_column(&self, key: &Spanned<String>) -> Option<usize> {
        let found = self
            .grid
            .header
            .iter()
            .position(|h| norm_key(h) == norm_key(&key.value));
        if found.is_none() {
            self.schema_error(
                key,
                "unknown-column",
                format!("the data has no column `{}`", key.value),
                format!(
                    "its columns are: {}",
                    super::some_of(self.grid.header.iter().map(String::as_str))
                ),
            );
        }
        found
    }

    /// The row a schema entry names (by its text), or an error at the entry.
    fn row_named(&self, name: &Spanned<String>) -> Option<usize> {
        let slug = slug::slugify(&name.value);
        let found = self.rows.iter().position(|r| r.slug == slug);
        if found.is_none() {
            self.schema_error(
                name,
                "unknown-row",
                format!("there is no row `{}`", name.value),
                format!(
                    "the rows are: {}",
                    super::some_of(self.rows.iter().map(|r| r.name.as_str()))
                ),
            );
        }
        found
    }

    /// The column (so far) a schema key names, or an error at the key.
    fn col_index(&self, key: &Spanned<String>) -> Option<usize> {
        let k = norm_key(&key.value);
        let found = self.columns.iter().position(|c| c.key == k);
        if found.is_none() {
            self.schema_error(
                key,
                "unknown-column",
                format!("there is no column `{}` to compute from", key.value),
                format!(
                    "the columns so far are: {}",
                    self.columns
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
    fn numeric(&self, i: Option<usize>, key: &Spanned<String>) -> Option<usize> {
        let i = i?;
        if !self.columns[i].kind.numeric() {
            self.schema_error(
                key,
                "not-numeric",
                format!("column `{}` does not hold figures", key.value),
                "compute from integer, decimal, money or percentage columns".into(),
            );
            return None;
        }
        Some(i)
    }
}

/// ` (cell C7)` for a cell of a workbook; nothing for a text file, whose
/// messages give the line and column.
fn cell_place(sheet: bool, line: u32, column: u32) -> String {
    if sheet {
        format!(" (cell {})", source::cell_name(line, column))
    } else {
        String::new()
    }
}

/// Whether a figure the source states is the computed one: the same
/// direction, "n/a" where there is no value, or the same number at the
/// precision the source printed.
fn stated_matches(text: &str, computed: &Cell) -> bool {
    match computed {
        Cell::Direction { dir, .. } => compute::parse_direction(text) == Some(*dir),
        Cell::NotApplicable => ["n/a", "na", "-", "–"].contains(&text.to_lowercase().as_str()),
        c => match (compute::parse_number(text), c.number()) {
            (Some(s), Some(v)) => super::format::round(v, s.scale()) == s,
            _ => false,
        },
    }
}

mod adds_up;

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::data::compute::load_table;
    use crate::data::schema::RawSchema;
    use crate::data::{Direction, Table};
    use crate::diagnostics::SourceMap;
    use crate::vfs::MemoryFs;

    const SCHEMA: &str = "content/r/data/t.yaml";
    const CSV: &str = "content/r/data/t.csv";

    /// A builder over `csv`, as if read from `content/r/data/t.csv`.
    fn builder<'a>(diags: &'a Diagnostics, csv: &str) -> TableBuilder<'a> {
        let grid = source::from_csv(CSV, csv).unwrap();
        TableBuilder::new(SCHEMA, diags, grid, CSV.into())
    }

    /// A schema's text, parsed; its lines are the positions in messages.
    fn schema(text: &str) -> RawSchema {
        yaml::parse(SCHEMA, text, 0).unwrap()
    }

    /// A builder with `schema`'s columns mapped, rows typed and computed
    /// columns added.
    fn computed<'a>(diags: &'a Diagnostics, raw: &RawSchema, csv: &str) -> TableBuilder<'a> {
        let mut b = builder(diags, csv);
        b.map_columns(&raw.columns);
        b.take_total_rows(raw.total_rows.as_deref());
        b.type_rows();
        b.add_computed(&raw.computed);
        b
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn num(s: &str) -> Cell {
        Cell::Number(dec(s))
    }

    fn column(b: &TableBuilder, key: &str) -> Vec<Cell> {
        let i = b.columns.iter().position(|c| c.key == key).unwrap();
        b.rows.iter().map(|r| r.cells[i].clone()).collect()
    }

    /// Each problem as `code at file:line:column`.
    fn problems(diags: &Diagnostics) -> Vec<String> {
        diags
            .sorted()
            .iter()
            .map(|d| format!("{} at {}", d.code, d.location()))
            .collect()
    }

    const AREAS: &str = "area,this year,last year\nLeeds,120,100\nYork,80,100\nHull,0,0\n";

    const AREA_COLUMNS: &str = "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - {key: this-year, type: integer}\n  - {key: last_year, type: integer}\n";

    #[test]
    fn columns_are_found_whatever_their_case_spaces_or_hyphens() {
        let diags = Diagnostics::new();
        let mut b = builder(&diags, "Area,Amount 2024\nLeeds,\"£1,200\"\n");
        let raw = schema(
            "caption: T\nfile: t.csv\ncolumns:\n  - {key: area, label: Place}\n  - {key: amount-2024, type: money, format: short}\n",
        );
        b.map_columns(&raw.columns);
        assert!(problems(&diags).is_empty(), "{:?}", problems(&diags));
        assert_eq!(b.source_index, [0, 1]);
        let c = &b.columns;
        assert_eq!((c[0].key.as_str(), c[0].label.as_str()), ("area", "Place"));
        assert_eq!(c[1].key, "amount_2024");
        assert_eq!(
            c[1].label, "Amount 2024",
            "the file's heading is the label unless one is given"
        );
        assert_eq!((c[1].kind, c[1].short), (Kind::Money, true));
        assert_eq!(c[1].currency, "GBP");
    }

    #[test]
    fn a_column_the_data_lacks_is_reported_at_its_key_and_left_out() {
        let diags = Diagnostics::new();
        let mut b = builder(&diags, "area,amount\nLeeds,1\n");
        b.map_columns(
            &schema("caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - key: budget\n").columns,
        );
        assert_eq!(
            problems(&diags),
            ["unknown-column at content/r/data/t.yaml:5:10"]
        );
        assert_eq!(
            diags.sorted()[0].hint.as_deref(),
            Some("its columns are: area, amount")
        );
        assert_eq!(b.columns.len(), 1);
    }

    #[test]
    fn an_unknown_type_or_money_format_is_reported_and_the_column_kept() {
        let diags = Diagnostics::new();
        let mut b = builder(&diags, "a,b\nx,1\n");
        b.map_columns(&schema("caption: T\nfile: t.csv\ncolumns:\n  - {key: a, type: words}\n  - {key: b, type: money, format: tiny}\n").columns);
        assert_eq!(
            problems(&diags),
            [
                "bad-type at content/r/data/t.yaml:4:20",
                "bad-format at content/r/data/t.yaml:5:35"
            ]
        );
        assert_eq!(b.columns[0].kind, Kind::Text);
        assert!(!b.columns[1].short);
    }

    #[test]
    fn cells_are_typed_and_rows_named_by_their_first_text_column() {
        let diags = Diagnostics::new();
        let b = computed(&diags, &schema(AREA_COLUMNS), AREAS);
        assert!(problems(&diags).is_empty(), "{:?}", problems(&diags));
        let names: Vec<_> = b
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.slug.as_str(), r.line))
            .collect();
        assert_eq!(
            names,
            [
                ("Leeds", "leeds", 2),
                ("York", "york", 3),
                ("Hull", "hull", 4)
            ]
        );
        assert_eq!(column(&b, "this_year"), [num("120"), num("80"), num("0")]);
    }

    #[test]
    fn a_row_without_a_text_column_is_numbered() {
        let diags = Diagnostics::new();
        let mut b = builder(&diags, "n\n1\n2\n");
        b.map_columns(
            &schema("caption: T\nfile: t.csv\ncolumns:\n  - {key: n, type: integer}\n").columns,
        );
        b.type_rows();
        let names: Vec<_> = b.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["Row 1", "Row 2"]);
    }

    #[test]
    fn a_cell_of_the_wrong_type_is_reported_at_its_place_and_left_empty() {
        let diags = Diagnostics::new();
        let b = computed(
            &diags,
            &schema(AREA_COLUMNS),
            "area,this year,last year\nLeeds,12.5,100\nYork,lots,\n",
        );
        assert_eq!(
            problems(&diags),
            [
                "bad-cell at content/r/data/t.csv:2:7",
                "bad-cell at content/r/data/t.csv:3:6"
            ]
        );
        assert_eq!(column(&b, "this_year"), [Cell::Empty, Cell::Empty]);
        assert_eq!(column(&b, "last_year"), [num("100"), Cell::Empty]);
    }

    #[test]
    fn a_bad_cell_in_a_workbook_is_named_as_a_sheet_cell() {
        let diags = Diagnostics::new();
        let grid = Grid {
            header: vec!["area".into(), "n".into()],
            header_line: 1,
            header_columns: vec![1, 2],
            rows: vec![source::GridRow {
                line: 3,
                columns: vec![1, 2],
                cells: vec!["Leeds".into(), "many".into()],
            }],
            sheet: true,
        };
        let mut b = TableBuilder::new(SCHEMA, &diags, grid, "content/r/data/t.xlsx".into());
        b.map_columns(
            &schema(
                "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - {key: n, type: integer}\n",
            )
            .columns,
        );
        b.type_rows();
        let d = diags.sorted();
        assert_eq!(d[0].location(), "content/r/data/t.xlsx:3:2");
        assert!(d[0].message.ends_with("(cell B3)"), "{}", d[0].message);
    }

    #[test]
    fn differences_and_percent_changes_are_exact_and_against_zero_not_applicable() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}computed:\n  - {{key: change, difference: [this_year, last_year]}}\n  - key: pct\n    percent_change: {{value: this_year, baseline: last_year}}\n"
        ));
        let b = computed(&diags, &raw, AREAS);
        assert!(problems(&diags).is_empty(), "{:?}", problems(&diags));
        assert_eq!(column(&b, "change"), [num("20"), num("-20"), num("0")]);
        assert_eq!(
            column(&b, "pct"),
            [num("20"), num("-20"), Cell::NotApplicable]
        );
        let change = &b.columns[3];
        assert_eq!((change.kind, change.decimals), (Kind::Integer, None));
        assert_eq!(
            (b.columns[4].kind, b.columns[4].decimals),
            (Kind::Percentage, Some(1))
        );
    }

    #[test]
    fn shares_need_the_whole_column_and_tied_ranks_share_a_place() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}computed:\n  - {{key: share, share: last_year}}\n  - {{key: rank, rank: last_year}}\n"
        ));
        let b = computed(
            &diags,
            &raw,
            "area,this year,last year\nA,1,50\nB,1,25\nC,1,25\nD,1,\n",
        );
        let third = Decimal::from(25) / Decimal::from(100) * Decimal::ONE_HUNDRED;
        assert_eq!(
            column(&b, "share"),
            [
                num("50"),
                Cell::Number(third),
                Cell::Number(third),
                Cell::NotApplicable
            ]
        );
        assert_eq!(
            column(&b, "rank"),
            [num("1"), num("2"), num("2"), Cell::Empty]
        );
    }

    #[test]
    fn a_share_of_a_column_adding_up_to_zero_is_not_applicable() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}computed:\n  - {{key: share, share: last_year}}\n"
        ));
        let b = computed(&diags, &raw, "area,this year,last year\nA,1,0\n");
        assert_eq!(column(&b, "share"), [Cell::NotApplicable]);
    }

    #[test]
    fn a_direction_is_good_news_as_the_schema_or_the_row_says() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}computed:\n  - key: trend\n    direction: {{value: this_year, baseline: last_year}}\n    good: down\n"
        ));
        let csv =
            "area,this year,last year,good_when\nLeeds,120,100,\nYork,80,100, UP \nHull,5,5,\n";
        let b = computed(&diags, &raw, csv);
        assert!(problems(&diags).is_empty(), "{:?}", problems(&diags));
        assert_eq!(b.good_when[1].as_deref(), Some("up"));
        assert_eq!(
            column(&b, "trend"),
            [
                Cell::Direction {
                    dir: Direction::Up,
                    good: Some(false)
                },
                Cell::Direction {
                    dir: Direction::Down,
                    good: Some(false)
                },
                Cell::Direction {
                    dir: Direction::Same,
                    good: None
                },
            ]
        );
    }

    #[test]
    fn a_formula_that_cannot_be_computed_is_reported_at_its_place_and_left_out() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}computed:\n  - {{key: both, share: this_year, rank: this_year}}\n  - {{key: one, difference: [this_year]}}\n  - {{key: words, share: area}}\n  - {{key: gone, rank: budget}}\n  - key: sideways\n    direction: {{value: this_year, baseline: last_year}}\n    good: sideways\n"
        ));
        let b = computed(&diags, &raw, AREAS);
        assert_eq!(
            problems(&diags),
            [
                "bad-formula at content/r/data/t.yaml:8:11",
                "bad-formula at content/r/data/t.yaml:9:11",
                "not-numeric at content/r/data/t.yaml:10:25",
                "unknown-column at content/r/data/t.yaml:11:23",
                "bad-formula at content/r/data/t.yaml:14:11",
            ]
        );
        let keys: Vec<_> = b.columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["area", "this_year", "last_year", "sideways"]);
    }

    #[test]
    fn subtotals_follow_each_run_of_rows_sharing_a_value() {
        let diags = Diagnostics::new();
        let raw = schema(
            "caption: T\nfile: t.csv\ncolumns:\n  - key: region\n  - key: area\n  - {key: n, type: integer}\ncomputed:\n  - {key: share, share: n}\nsubtotals:\n  by: region\n  columns: [n]\n  label: \"{} in all\"\n",
        );
        let b = computed(
            &diags,
            &raw,
            "region,area,n\nNorth,Leeds,1\nNorth,York,2\nSouth,Bath,4\n",
        );
        let subtotals = b.subtotals(raw.subtotals.as_ref());
        assert!(problems(&diags).is_empty(), "{:?}", problems(&diags));
        let got: Vec<_> = subtotals
            .iter()
            .map(|(after, r)| (*after, r.name.as_str(), r.slug.as_str(), r.cells[2].clone()))
            .collect();
        assert_eq!(
            got,
            [
                (1, "North in all", "north-in-all", num("3")),
                (2, "South in all", "south-in-all", num("4"))
            ]
        );
        assert_eq!(
            subtotals[0].1.cells[3],
            num("100"),
            "a share of its own total"
        );
    }

    const FINANCE: &str = "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - {key: budget, type: money}\n  - {key: spent, type: money}\n";

    /// A finance export's own "Total" row was added in as data: the page
    /// said £692,340 spent against £691,000, twice the truth.
    #[test]
    fn a_spreadsheets_own_total_row_is_checked_and_never_added_in() {
        let csv = "Area,Budget,Spent\nNorth,\"£120,000\",\"£121,400\"\nSouth,\"£225,500\",\"£224,770\"\nTotal,\"£345,500\",\"£346,170\"\n";
        let diags = Diagnostics::new();
        let raw = schema(FINANCE);
        let b = computed(&diags, &raw, csv);
        assert_eq!(b.rows.len(), 2, "the Total row is not a row of data");
        let total = b.total(raw.total.as_ref(), false).unwrap();
        assert_eq!(
            total.cells,
            [Cell::Text("Total".into()), num("345500"), num("346170")]
        );
        assert_eq!(problems(&diags), Vec::<String>::new());

        // A total that does not add up is reported at its cell.
        let wrong = csv.replace("\"£346,170\"", "\"£346,000\"");
        let diags = Diagnostics::new();
        let b = computed(&diags, &raw, &wrong);
        let total = b.total(raw.total.as_ref(), false).unwrap();
        assert_eq!(total.cells[2], num("346170"), "the total is computed");
        assert_eq!(
            problems(&diags),
            ["stated-mismatch at content/r/data/t.csv:4:18"]
        );
        let message = &diags.sorted()[0].message;
        assert!(
            message.contains("£346,000") && message.contains("£346,170"),
            "{message}"
        );
    }

    #[test]
    fn subtotal_rows_are_left_out_with_a_warning_and_total_labels_can_be_named() {
        let csv = "Area,Budget,Spent\nNorth,1,2\nSub-total: north,1,2\nSouth,3,4\nAll areas,4,6\n";
        let diags = Diagnostics::new();
        let raw = schema(FINANCE);
        let b = computed(&diags, &raw, csv);
        // "All areas" is not a label rapport knows: it stays a row.
        assert_eq!(b.rows.len(), 3);
        b.total(None, false);
        assert_eq!(
            problems(&diags),
            ["subtotal-row at content/r/data/t.csv:3:1"]
        );

        let diags = Diagnostics::new();
        let raw = schema(&format!("{FINANCE}total_rows: [All areas]\n"));
        let b = computed(&diags, &raw, csv);
        assert_eq!(b.rows.len(), 2);
        let total = b.total(None, false).unwrap();
        assert_eq!(total.name, "All areas");
        assert_eq!(total.cells[1..], [num("4"), num("6")]);

        // `total_rows: []`: every row is data.
        let diags = Diagnostics::new();
        let raw = schema(&format!("{FINANCE}total_rows: []\n"));
        let b = computed(&diags, &raw, csv);
        assert_eq!(b.rows.len(), 4);
        assert!(b.total(None, false).is_none());
        assert_eq!(problems(&diags), Vec::<String>::new());
    }

    #[test]
    fn the_total_adds_up_its_columns_and_checks_the_stated_totals() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}computed:\n  - {{key: change, difference: [this_year, last_year]}}\ntotal:\n  columns: [this_year, last_year]\n  stated:\n    this_year: 200\n    last_year: \"£300\"\n    change: lots\n    budget: 1\n"
        ));
        let b = computed(&diags, &raw, AREAS);
        let total = b.total(raw.total.as_ref(), false).unwrap();
        assert_eq!(
            (total.name.as_str(), total.slug.as_str()),
            ("Total", "total")
        );
        assert_eq!(
            total.cells,
            [Cell::Text("Total".into()), num("200"), num("200"), num("0")]
        );
        assert_eq!(
            problems(&diags),
            [
                "stated-mismatch at content/r/data/t.yaml:13:16",
                "bad-cell at content/r/data/t.yaml:14:13",
                "unknown-column at content/r/data/t.yaml:15:13",
            ]
        );
        assert!(b.total(None, false).is_none());
    }

    const STATED: &str = "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - {key: this-year, type: integer}\n  - {key: last_year, type: integer}\n  - {key: printed, type: text, show: false}\ncomputed:\n  - key: pct\n    percent_change: {value: this_year, baseline: last_year}\n";

    #[test]
    fn stated_figures_match_at_the_precision_the_source_printed() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{STATED}stated:\n  - {{column: printed, computed: pct}}\n"
        ));
        let csv = "area,this year,last year,printed\nLeeds,1,3,-66.7%\nYork,80,100,-20\nHull,0,0,n/a\nBath,1,1,\n";
        let b = computed(&diags, &raw, csv);
        assert!(b.check_stated(&raw.stated).is_empty());
        assert!(problems(&diags).is_empty(), "{:?}", problems(&diags));
    }

    #[test]
    fn a_stated_direction_matches_in_words_or_arrows() {
        let diags = Diagnostics::new();
        let raw = schema(
            "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - {key: a, type: integer}\n  - {key: b, type: integer}\ncomputed:\n  - key: trend\n    direction: {value: a, baseline: b}\nstated:\n  - {column: said, computed: trend}\n",
        );
        let b = computed(
            &diags,
            &raw,
            "area,a,b,said\nX,2,1,↑\nY,1,2,Decrease\nZ,1,1,up\n",
        );
        b.check_stated(&raw.stated);
        assert_eq!(
            problems(&diags),
            ["stated-mismatch at content/r/data/t.csv:4:7"]
        );
    }

    #[test]
    fn a_stated_figure_that_differs_is_an_error_at_its_cell_unless_accepted() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{STATED}stated:\n  - column: printed\n    computed: pct\n    accept:\n      - {{row: York, reason: The original rounded twice.}}\n      - {{row: Bath, reason: No difference here.}}\n      - {{row: Nowhere, reason: No such row.}}\n"
        ));
        let csv = "area,this year,last year,printed\nLeeds,1,3,-66%\nYork,80,100,-21\nBath,1,1,0\n";
        let b = computed(&diags, &raw, csv);
        let accepted = b.check_stated(&raw.stated);
        assert_eq!(
            accepted,
            [Corrected {
                row: "York".into(),
                column: "pct".into(),
                printed: "-21".into(),
                figure: "-20.0%".into(),
                reason: "The original rounded twice.".into()
            }]
        );
        assert_eq!(
            problems(&diags),
            [
                "stated-mismatch at content/r/data/t.csv:2:11",
                "unknown-row at content/r/data/t.yaml:17:15",
            ]
        );
        let d = diags.sorted();
        assert!(
            d[0].hint
                .as_deref()
                .unwrap()
                .contains("accept: [{row: Leeds"),
            "{:?}",
            d[0].hint
        );
    }

    #[test]
    fn a_footnote_marks_its_cell_and_keeps_its_figure() {
        let diags = Diagnostics::new();
        let raw = schema(&format!(
            "{AREA_COLUMNS}footnotes:\n  - {{row: York, column: this_year, note: Estimated.}}\n  - {{row: Ripon, column: this_year, note: Gone.}}\n"
        ));
        let mut b = computed(&diags, &raw, AREAS);
        b.footnotes(&raw.footnotes);
        let cell = &b.rows[1].cells[1];
        assert_eq!(cell.note(), Some(&Note::Written("Estimated.".into())));
        assert_eq!(cell.number(), Some(dec("80")));
        assert_eq!(
            problems(&diags),
            ["unknown-row at content/r/data/t.yaml:9:11"]
        );
    }

    fn load(schema: &str, csv: &str) -> (Option<Table>, Vec<String>) {
        let mut fs = MemoryFs::new();
        fs.add(SCHEMA, schema);
        fs.add(CSV, csv);
        let diags = Diagnostics::new();
        let table = load_table(&fs, SCHEMA, schema, &diags, &SourceMap::default());
        (table, problems(&diags))
    }

    #[test]
    fn a_table_is_named_after_its_schema_and_notes_how_it_was_computed() {
        let (table, problems) = load(
            &format!(
                "{AREA_COLUMNS}notes: [Provisional.]\ncomputed:\n  - {{key: change, difference: [this_year, last_year]}}\n"
            ),
            AREAS,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let table = table.unwrap();
        assert_eq!(table.name, "t");
        assert_eq!(table.notes, ["Provisional."]);
        // How the computed column is worked out is said in the theme's
        // words, under the table and in its open data.
        assert_eq!(
            crate::data::expand::notes_of(&table, &crate::strings::Strings::default()),
            ["Provisional.", "change: this year minus last year."]
        );
    }

    #[test]
    fn a_table_needs_exactly_one_source_of_rows() {
        let columns = "caption: T\ncolumns:\n  - key: area\n";
        let (table, problems) = load(columns, AREAS);
        assert!(table.is_none());
        assert_eq!(problems, ["table-source at content/r/data/t.yaml:1:1"]);
        let (table, problems) = load(&format!("{columns}file: t.csv\nrows: []\n"), AREAS);
        assert!(table.is_none());
        assert_eq!(problems, ["table-source at content/r/data/t.yaml:1:1"]);
    }

    /// It indexed the label into the first column, which is not there.
    #[test]
    fn a_total_of_a_table_whose_columns_are_all_missing_does_not_panic() {
        let schema =
            "caption: T\nfile: t.csv\ncolumns:\n  - key: gone\ntotal:\n  columns: [gone]\n";
        let (table, problems) = load(schema, "a\n1\n");
        assert_eq!(
            problems,
            [
                "unknown-column at content/r/data/t.yaml:4:10",
                "unknown-column at content/r/data/t.yaml:6:13",
            ]
        );
        assert_eq!(table.unwrap().total.unwrap().cells, []);
        assert!(
            !crate::fuzz::data_table(schema, "a\n1\n"),
            "builds with errors"
        );
    }

    #[test]
    fn a_table_with_problems_is_still_made() {
        let (table, problems) = load(&format!("{AREA_COLUMNS}  - key: budget\n"), AREAS);
        assert_eq!(problems, ["unknown-column at content/r/data/t.yaml:7:10"]);
        assert_eq!(table.unwrap().rows.len(), 3);
    }
}
