//! Every table as open data: CSV and JSON beside the pages, computed columns
//! and the total row included, figures unrounded and unformatted so they can
//! be reused. The CSV goes through [`crate::opendata::CsvFile`], which keeps
//! spreadsheets from running cells as formulas; the JSON keeps text as
//! written and figures as numbers.

use std::str::FromStr;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{Cell, Direction, Kind, Row, Table};
use crate::opendata::CsvFile;

fn raw(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => n.normalize().to_string(),
        Cell::Date(d) => d.to_string(),
        Cell::Direction { dir, .. } => match dir {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Same => "same",
        }
        .to_string(),
        Cell::NotApplicable => "n/a".to_string(),
        Cell::Noted(inner, _) => raw(inner),
        Cell::Missing(s) => s.symbol().to_string(),
        Cell::Marked(inner, s) => format!("{} {}", raw(inner), s.symbol()),
    }
}

/// Rows in display order: each group's subtotal after its last row, the
/// total last.
fn rows(t: &Table) -> impl Iterator<Item = &Row> {
    // Subtotals are in row order: each row takes those that follow it from
    // the front of the list, so the whole is one pass.
    let mut subtotals = t.subtotals.iter().peekable();
    t.rows
        .iter()
        .enumerate()
        .flat_map(move |(i, r)| {
            let mut group = vec![r];
            while let Some((_, s)) = subtotals.next_if(|s| s.0 == i) {
                group.push(s);
            }
            group
        })
        .chain(t.total.iter())
}

pub fn csv(t: &Table) -> Vec<u8> {
    let mut file = CsvFile::new();
    file.row(t.columns.iter().map(|c| c.key.as_str()));
    for r in rows(t) {
        file.row(r.cells.iter().map(raw));
    }
    file.finish()
}

/// The table as JSON. Written straight from the table, not through a tree of
/// `serde_json::Value`s, which took most of a large table's build time and
/// memory; keys are in alphabetical order, as they were from that tree.
pub fn json(t: &Table, strings: &crate::strings::Strings) -> Vec<u8> {
    #[derive(Serialize)]
    struct Doc<'a> {
        caption: &'a str,
        columns: Vec<JsonColumn<'a>>,
        name: &'a str,
        notes: Vec<String>,
        rows: Vec<JsonRow<'a>>,
        source: &'a Option<String>,
        subtotals: Vec<JsonRow<'a>>,
        total: Option<JsonRow<'a>>,
    }
    #[derive(Serialize)]
    struct JsonColumn<'a> {
        computed: bool,
        key: &'a str,
        label: &'a str,
        #[serde(rename = "type")]
        kind: String,
        unit: &'a Option<String>,
    }
    // Each row's cells by key, in key order; of two columns with one key,
    // the later.
    let mut order: Vec<usize> = (0..t.columns.len()).collect();
    order.sort_by(|&a, &b| t.columns[a].key.cmp(&t.columns[b].key).then(b.cmp(&a)));
    order.dedup_by(|a, b| t.columns[*a].key == t.columns[*b].key);
    let row = |r| JsonRow {
        table: t,
        order: &order,
        row: r,
    };
    let doc = Doc {
        caption: &t.caption,
        columns: t
            .columns
            .iter()
            .map(|c| JsonColumn {
                computed: c.formula.is_some(),
                key: &c.key,
                label: &c.label,
                kind: format!("{:?}", c.kind).to_lowercase(),
                unit: &c.unit,
            })
            .collect(),
        name: &t.name,
        notes: super::expand::notes_of(t, strings),
        rows: t.rows.iter().map(row).collect(),
        source: &t.source,
        subtotals: t.subtotals.iter().map(|(_, r)| row(r)).collect(),
        total: t.total.as_ref().map(row),
    };
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

struct JsonRow<'a> {
    table: &'a Table,
    /// Column indices in key order.
    order: &'a [usize],
    row: &'a Row,
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let cells = self
            .order
            .iter()
            .filter_map(|&i| Some((&self.table.columns[i], self.row.cells.get(i)?)));
        let mut map = s.serialize_map(None)?;
        for (column, cell) in cells {
            map.serialize_entry(&column.key, &JsonCell(cell, column.kind))?;
        }
        map.end()
    }
}

/// A cell as JSON: null when empty, a number when it is a figure (a figure
/// with a footnote too), otherwise its text as written.
struct JsonCell<'a>(&'a Cell, Kind);

impl Serialize for JsonCell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match (self.0, self.0.number()) {
            (Cell::Empty, _) => s.serialize_none(),
            (_, Some(n)) if self.1.numeric() => {
                let n = n.normalize().to_string();
                match serde_json::Number::from_str(&n) {
                    Ok(number) => number.serialize(s),
                    Err(_) => s.serialize_str(&n),
                }
            }
            (other, _) => s.serialize_str(&raw(other)),
        }
    }
}
