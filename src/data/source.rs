//! Reading a table's raw figures into a grid of text cells, whatever the
//! file: CSV as a spreadsheet exports it, rows written in YAML, or a sheet
//! (and range) of an Excel workbook. Typing the cells is the next stage's
//! job, so every source gets the same checks and messages.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::diagnostics::{Diagnostic, Span};

/// A cell's text and where it was written.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// Line in a text file, or the row number in a sheet.
    pub line: u32,
    /// 1-based column of each cell in the source (for messages).
    pub columns: Vec<u32>,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub header: Vec<String>,
    pub header_line: u32,
    pub header_columns: Vec<u32>,
    pub rows: Vec<GridRow>,
    /// True for workbooks: positions are sheet rows and columns.
    pub sheet: bool,
}

/// Normalises a header or key: case, spaces and hyphens do not matter.
pub fn norm_key(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '-'], "_")
}

pub fn from_csv(file: &str, text: &str) -> Result<Grid, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_error(file, &e))?
        .iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let mut grid = Grid {
        header_columns: (0..header.len()).map(|i| cell_column(text, 1, i)).collect(),
        header,
        header_line: 1,
        rows: Vec::new(),
        sheet: false,
    };
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, &e))?;
        let line = record.position().map(|p| p.line() as u32).unwrap_or(1);
        grid.rows.push(GridRow {
            line,
            columns: (0..record.len())
                .map(|i| cell_column(text, line, i))
                .collect(),
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(grid)
}

pub fn csv_error(file: &str, e: &csv::Error) -> Diagnostic {
    let line = e.position().map(|p| p.line() as u32).unwrap_or(1);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "this row has {len} cell{} but the header row has {expected_len}",
            if *len == 1 { "" } else { "s" }
        ),
        csv::ErrorKind::Utf8 { .. } => "this row is not valid UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    Diagnostic::error("bad-csv", message)
        .in_file(file)
        .at_line(line, 1)
        .with_hint(
            "save the sheet as \"CSV UTF-8\"; cells containing commas must be in double quotes",
        )
}

/// Column (1-based, in characters) where cell `index` of `line` starts.
pub fn cell_column(text: &str, line: u32, index: usize) -> u32 {
    let Some(src) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return 1;
    };
    let mut cell = 0;
    let mut quoted = false;
    for (col, ch) in src.chars().enumerate() {
        if cell == index {
            return col as u32 + 1;
        }
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => cell += 1,
            _ => {}
        }
    }
    1
}

/// Rows written in the schema as YAML maps, each with its line.
pub fn from_rows(rows: &[(u32, serde_json::Map<String, serde_json::Value>)]) -> Grid {
    let mut header: Vec<String> = Vec::new();
    for (_, r) in rows {
        for k in r.keys() {
            if !header.iter().any(|h| norm_key(h) == norm_key(k)) {
                header.push(k.clone());
            }
        }
    }
    let cells = |r: &serde_json::Map<String, serde_json::Value>| {
        header
            .iter()
            .map(|h| match r.get(h) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            })
            .collect::<Vec<_>>()
    };
    Grid {
        header_columns: vec![1; header.len()],
        rows: rows
            .iter()
            .map(|(line, r)| GridRow {
                line: *line,
                columns: vec![1; header.len()],
                cells: cells(r),
            })
            .collect(),
        header,
        header_line: rows.first().map(|r| r.0).unwrap_or(1),
        sheet: false,
    }
}

/// `B3` -> (row 2, column 1), zero-based.
fn parse_cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().to_ascii_uppercase();
    let letters: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &s[letters.len()..];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let row: u32 = digits.parse().ok().filter(|r| *r > 0)?;
    let col = letters
        .chars()
        .fold(0u32, |acc, c| acc * 26 + (c as u32 - 'A' as u32 + 1));
    Some((row - 1, col - 1))
}

/// A sheet of a workbook; `range` is `A1:D19`, or the whole used range.
/// Errors are (message, hint); the caller knows where the schema named them.
pub fn from_xlsx(
    bytes: Vec<u8>,
    sheet: &str,
    range: Option<&str>,
) -> Result<Grid, (String, String)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        (
            format!("cannot read the workbook: {e}"),
            "save it from Excel or LibreOffice as .xlsx".to_string(),
        )
    })?;
    let names = book.sheet_names();
    let data = book.worksheet_range(sheet).map_err(|_| {
        (
            format!("the workbook has no sheet `{sheet}`"),
            format!("its sheets are: {}", names.join(", ")),
        )
    })?;
    let (start, end) = match range {
        Some(r) => {
            let bad = || {
                (
                    format!("`{r}` is not a range"),
                    "write a range as two cells, e.g. A1:D19".to_string(),
                )
            };
            let (a, b) = r.split_once(':').ok_or_else(bad)?;
            (
                parse_cell_ref(a).ok_or_else(bad)?,
                parse_cell_ref(b).ok_or_else(bad)?,
            )
        }
        None => match (data.start(), data.end()) {
            (Some(s), Some(e)) => (s, e),
            _ => {
                return Err((
                    format!("sheet `{sheet}` is empty"),
                    "check the sheet name".to_string(),
                ));
            }
        },
    };
    if let (Some(used_end), Some(_)) = (data.end(), data.start())
        && (start.0 > used_end.0 || start.1 > used_end.1)
    {
        return Err((
            format!(
                "range {} is outside the cells sheet `{sheet}` uses",
                range.unwrap_or("")
            ),
            "check the range against the sheet".to_string(),
        ));
    }
    let text = |c: Option<&Data>| match c {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Float(f)) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Some(Data::Bool(b)) => b.to_string(),
        Some(Data::DateTime(d)) => excel_date(d.as_f64()),
        Some(Data::DateTimeIso(s)) => s.chars().take(10).collect(),
        Some(Data::DurationIso(s)) => s.clone(),
        Some(Data::Error(e)) => format!("#{e:?}"),
    };
    let mut rows = Vec::new();
    for r in start.0..=end.0 {
        let cells: Vec<String> = (start.1..=end.1)
            .map(|c| text(data.get_value((r, c))))
            .collect();
        rows.push(GridRow {
            line: r + 1,
            columns: (start.1..=end.1).map(|c| c + 1).collect(),
            cells,
        });
    }
    if rows.is_empty() {
        return Err((
            "the range is empty".to_string(),
            "the first row of the range must be the header row".to_string(),
        ));
    }
    let head = rows.remove(0);
    Ok(Grid {
        header: head.cells,
        header_line: head.line,
        header_columns: head.columns,
        rows: rows
            .into_iter()
            .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
            .collect(),
        sheet: true,
    })
}

/// Excel's serial dates count days from 1899-12-30.
fn excel_date(serial: f64) -> String {
    let base = jiff::civil::date(1899, 12, 30);
    base.checked_add(jiff::Span::new().days(serial.floor() as i64))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Spreadsheet cell name for messages: row 3, column 2 -> `B3`.
pub fn cell_name(line: u32, column: u32) -> String {
    let mut col = column;
    let mut letters = String::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        col = (col - 1) / 26;
    }
    format!("{letters}{line}")
}

pub fn span(line: u32, column: u32) -> Span {
    Span::point(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_round_trip() {
        assert_eq!(parse_cell_ref("B3"), Some((2, 1)));
        assert_eq!(parse_cell_ref("aa10"), Some((9, 26)));
        assert_eq!(cell_name(10, 27), "AA10");
        assert_eq!(parse_cell_ref("3B"), None);
        assert_eq!(excel_date(45000.0), "2023-03-15");
    }

    #[test]
    fn ragged_csv_rows_are_errors_with_their_line() {
        let e = from_csv("t.csv", "a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(e.location(), "t.csv:3:1");
        assert!(e.message.contains("1 cell but the header row has 2"));
    }
}
