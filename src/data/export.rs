//! Every table as open data: CSV and JSON beside the pages, computed columns
//! and the total row included, figures unrounded and unformatted so they can
//! be reused.

use serde_json::{Map, Value, json};

use super::{Cell, Direction, Kind, Row, Table};

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
    }
}

/// Rows in display order: each group's subtotal after its last row, the
/// total last.
fn rows(t: &Table) -> impl Iterator<Item = &Row> {
    t.rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            std::iter::once(r).chain(t.subtotals.iter().filter(move |s| s.0 == i).map(|s| &s.1))
        })
        .chain(t.total.iter())
}

pub fn csv(t: &Table) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(t.columns.iter().map(|c| c.key.as_str()));
    for r in rows(t) {
        let _ = w.write_record(r.cells.iter().map(raw));
    }
    w.into_inner().unwrap_or_default()
}

pub fn json(t: &Table) -> Vec<u8> {
    let value = |c: &Cell, kind: Kind| -> Value {
        match c {
            Cell::Empty => Value::Null,
            Cell::Number(n) if kind.numeric() => serde_json::from_str(&n.normalize().to_string())
                .unwrap_or_else(|_| Value::String(n.to_string())),
            other => Value::String(raw(other)),
        }
    };
    let row = |r: &Row| {
        let mut m = Map::new();
        for (c, cell) in t.columns.iter().zip(&r.cells) {
            m.insert(c.key.clone(), value(cell, c.kind));
        }
        Value::Object(m)
    };
    let doc = json!({
        "name": t.name,
        "caption": t.caption,
        "source": t.source,
        "notes": t.notes,
        "columns": t.columns.iter().map(|c| json!({
            "key": c.key,
            "label": c.label,
            "type": format!("{:?}", c.kind).to_lowercase(),
            "unit": c.unit,
            "computed": c.formula.is_some(),
        })).collect::<Vec<_>>(),
        "rows": t.rows.iter().map(row).collect::<Vec<_>>(),
        "subtotals": t.subtotals.iter().map(|(_, r)| row(r)).collect::<Vec<_>>(),
        "total": t.total.as_ref().map(row),
    });
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}
