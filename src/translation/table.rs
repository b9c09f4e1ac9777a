//! A table of items translated (`recommendations.cy.csv` beside
//! `recommendations.csv`): the same rows, found by their `number`, with the
//! words in the other language.
//!
//! As with YAML ([`super::overlay`]), figures are entered once. The
//! translation names each item by its number and gives its text columns;
//! it may leave out the others (status, dates, due), and any it repeats
//! must agree with the original.

use super::overlay::{At, Problem, ProblemKind};

/// Columns that are the same in every language.
const SHARED: &[&str] = &[
    "number",
    "due",
    "status",
    "response_date",
    "response_period",
    "response_status",
    "previously",
    "carried_forward_to",
];

/// A CSV file's header names, as the tracker reads them, and its rows
/// with the line each starts on.
struct Table {
    columns: Vec<String>,
    rows: Vec<(u32, Vec<String>)>,
}

fn read(text: &str) -> Result<Table, (At, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let at = |e: &csv::Error| At {
        line: e.position().map_or(1, |p| p.line() as u32),
        column: 1,
    };
    let columns = reader
        .headers()
        .map_err(|e| (at(&e), e.to_string()))?
        .iter()
        .map(|h| {
            let name = h.trim().to_lowercase().replace([' ', '-'], "_");
            if name == "id" { "number".into() } else { name }
        })
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| (at(&e), e.to_string()))?;
        let line = record.position().map_or(1, |p| p.line() as u32);
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Table { columns, rows })
}

/// The original's rows with the translation's words in them, as CSV, and
/// what the translation got wrong (at its lines).
pub fn merge(
    original: &str,
    translation: &str,
    original_file: &str,
) -> Result<(String, Vec<Problem>), (At, String)> {
    let o = read(original)?;
    let t = read(translation)?;
    let mut problems = Vec::new();
    let problem = |at: At, kind, message: String, hint: String| Problem {
        at,
        kind,
        message,
        hint,
    };
    let Some(t_number) = t.columns.iter().position(|c| c == "number") else {
        problems.push(problem(
            At { line: 1, column: 1 },
            ProblemKind::Missing,
            "the translation has no `number` column".into(),
            format!("name each item by its number, as in {original_file}"),
        ));
        return Ok((original.to_string(), problems));
    };
    for (i, c) in t.columns.iter().enumerate() {
        if !o.columns.contains(c) {
            problems.push(problem(
                At {
                    line: 1,
                    column: i as u32 + 1,
                },
                ProblemKind::Extra,
                format!("column `{c}` is not in {original_file}"),
                format!("give the same columns as {original_file}, or fewer"),
            ));
        }
    }
    let o_number = o.columns.iter().position(|c| c == "number").unwrap_or(0);
    let mut out = csv::Writer::from_writer(Vec::new());
    let _ = out.write_record(&o.columns);
    for (_, row) in &o.rows {
        let number = row.get(o_number).map(String::as_str).unwrap_or("");
        let found = t
            .rows
            .iter()
            .find(|(_, r)| r.get(t_number).is_some_and(|n| n == number));
        let Some((line, t_row)) = found else {
            problems.push(problem(
                At { line: 1, column: 1 },
                ProblemKind::Missing,
                format!("item {number} is not translated"),
                format!("add a row for item {number}, with its words in this language"),
            ));
            let _ = out.write_record(row);
            continue;
        };
        let at = At {
            line: *line,
            column: 1,
        };
        let mut merged = Vec::with_capacity(row.len());
        for (ci, column) in o.columns.iter().enumerate() {
            let mine = row.get(ci).cloned().unwrap_or_default();
            let theirs = t
                .columns
                .iter()
                .position(|c| c == column)
                .and_then(|i| t_row.get(i));
            if SHARED.contains(&column.as_str()) {
                if theirs.is_some_and(|v| v.trim() != mine.trim()) {
                    problems.push(problem(
                        at,
                        ProblemKind::Mismatch,
                        format!("`{column}` of item {number} is the same in every language and is entered once, in {original_file}"),
                        format!("leave `{column}` out here, or give it as {original_file} does: {mine}"),
                    ));
                }
                merged.push(mine);
            } else {
                match theirs {
                    Some(v) if !v.trim().is_empty() => merged.push(v.clone()),
                    _ if mine.trim().is_empty() => merged.push(mine),
                    _ => {
                        problems.push(problem(
                            at,
                            ProblemKind::Missing,
                            format!("`{column}` of item {number} is not translated"),
                            format!("give its words in this language; {original_file} has them"),
                        ));
                        merged.push(mine);
                    }
                }
            }
        }
        let _ = out.write_record(&merged);
    }
    for (line, r) in &t.rows {
        let number = r.get(t_number).map(String::as_str).unwrap_or("");
        if !o
            .rows
            .iter()
            .any(|(_, o)| o.get(o_number).is_some_and(|n| n == number))
        {
            problems.push(problem(
                At {
                    line: *line,
                    column: 1,
                },
                ProblemKind::Extra,
                format!("item {number} is not in {original_file}"),
                format!("add it to {original_file} first, or remove this row"),
            ));
        }
    }
    let text = String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default();
    Ok((text, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGINAL: &str =
        "number,title,status,due\nA1,Share data,in progress,2024-03\nA2,Train staff,done,2024-06\n";

    #[test]
    fn rows_are_matched_by_number_and_figures_taken_from_the_original() {
        let (csv, problems) = merge(
            ORIGINAL,
            "number,title\nA2,Hyfforddi staff\nA1,Rhannu data\n",
            "recommendations.csv",
        )
        .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            csv,
            "number,title,status,due\nA1,Rhannu data,in progress,2024-03\nA2,Hyfforddi staff,done,2024-06\n"
        );
    }

    #[test]
    fn a_missing_row_and_a_changed_status_are_found_at_their_lines() {
        let (_, problems) = merge(
            ORIGINAL,
            "number,title,status\nA1,Rhannu data,done\n",
            "recommendations.csv",
        )
        .unwrap();
        let found: Vec<(u32, &str)> = problems
            .iter()
            .map(|p| (p.at.line, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    "`status` of item A1 is the same in every language and is entered once, in recommendations.csv"
                ),
                (1, "item A2 is not translated"),
            ]
        );
    }
}
