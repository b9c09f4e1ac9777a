//! A Word table of figures as a data table: a CSV of its cells and a schema
//! with typed columns, so its totals are computed and checked like any
//! other table's, rather than typed.

use crate::data::compute::parse_number;

/// A table of figures, ready to write to the report's `data/` folder.
pub struct DataTable {
    /// The table's name: its files are `data/<name>.csv` and `.yaml`.
    pub name: String,
    pub csv: String,
    pub schema: String,
}

/// How statisticians mark a figure not given (docs/authoring.md, "Figures
/// not given"): a column holding them is still a column of figures.
const NOT_GIVEN: &[&str] = &["[x]", "..", "[c]", "[z]", "n/a", "[low]", "-", "–"];

/// `rows` as a data table, when every column after the first holds figures
/// (and at least one); `None` keeps it a Markdown table of text. Cells are
/// the importer's Markdown; the CSV holds their words.
pub fn as_data(rows: &[Vec<String>], name: &str, caption: &str) -> Option<DataTable> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| super::docx::plain(c)).collect())
        .collect();
    let (header, body) = cells.split_first()?;
    let width = header.len();
    if width < 2 || body.is_empty() || body.iter().any(|r| r.len() != width) {
        return None;
    }
    if header.iter().any(|h| h.is_empty()) || has_duplicates(header) {
        return None;
    }
    let mut kinds = Vec::new();
    for column in 1..width {
        let values: Vec<&str> = body
            .iter()
            .map(|r| r[column].as_str())
            .filter(|v| !v.is_empty() && !NOT_GIVEN.contains(v))
            .collect();
        if values.is_empty() || values.iter().any(|v| parse_number(v).is_none()) {
            return None;
        }
        kinds.push(kind(&header[column], &values));
    }
    let mut schema = format!(
        "caption: {}\nfile: {name}.csv\ncolumns:\n",
        crate::new::yaml_text(caption)
    );
    for (i, h) in header.iter().enumerate() {
        schema.push_str(&format!(
            "  - key: {}\n    header: {}\n",
            key(h, i),
            crate::new::yaml_text(h)
        ));
        if i > 0 {
            schema.push_str(&format!("    type: {}\n", kinds[i - 1]));
        }
    }
    let mut csv = csv::Writer::from_writer(Vec::new());
    for row in &cells {
        csv.write_record(row).ok()?;
    }
    let csv = String::from_utf8(csv.into_inner().ok()?).ok()?;
    Some(DataTable {
        name: name.to_string(),
        csv,
        schema,
    })
}

fn has_duplicates(header: &[String]) -> bool {
    let mut seen = std::collections::HashSet::new();
    !header.iter().all(|h| seen.insert(h.to_lowercase()))
}

/// The column's type from its figures as printed.
fn kind(header: &str, values: &[&str]) -> &'static str {
    if header.contains('£') || values.iter().any(|v| v.contains('£')) {
        "money"
    } else if header.contains('%') || values.iter().all(|v| v.ends_with('%')) {
        "percentage"
    } else if values
        .iter()
        .all(|v| parse_number(v).is_some_and(|n| n.fract().is_zero()) && !v.contains('.'))
    {
        "integer"
    } else {
        "decimal"
    }
}

/// A short key for a heading (`Spent (£)` -> `spent`), as `data:` links
/// name columns; the heading itself stays the column's label.
pub(super) fn key(header: &str, index: usize) -> String {
    let mut key = String::new();
    for c in header.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key = key.trim_end_matches('_');
    if key.is_empty() || key.starts_with(|c: char| c.is_ascii_digit()) {
        format!("column_{}", index + 1)
    } else {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(table: &[&[&str]]) -> Vec<Vec<String>> {
        table
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_table_of_figures_gets_typed_columns_and_one_of_words_stays_text() {
        let t = as_data(
            &rows(&[
                &["Project", "Spent (£)", "Share", "People"],
                &["Street outreach", "12,500", "60%", "40"],
                &["Youth work", "8,250", "[x]", "1,204"],
                &["Total", "20,750", "", "1,244"],
            ]),
            "table-1",
            "Spending",
        )
        .unwrap();
        assert!(
            t.schema
                .contains("  - key: spent\n    header: Spent (£)\n    type: money\n"),
            "{}",
            t.schema
        );
        assert!(
            t.schema
                .contains("  - key: share\n    header: Share\n    type: percentage\n"),
            "{}",
            t.schema
        );
        assert!(
            t.schema
                .contains("  - key: people\n    header: People\n    type: integer\n"),
            "{}",
            t.schema
        );
        assert!(
            t.csv.contains("Youth work,\"8,250\",[x],\"1,204\"\n"),
            "{}",
            t.csv
        );
        let words = rows(&[&["Partner", "Role"], &["Council", "Leads the plan"]]);
        assert!(as_data(&words, "table-2", "Partners").is_none());
    }
}
