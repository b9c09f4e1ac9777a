//! Reading a table's raw figures into a grid of text cells, whatever the
//! file: CSV as a spreadsheet exports it, rows written in YAML, or a sheet
//! (and range) of an Excel workbook (read in [`super::workbook`]). Typing
//! the cells is the next stage's job, so every source gets the same checks
//! and messages.

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
/// A column's key as references use it: lower case, each run of other
/// characters than letters and digits one `_` (`Budget 2024/25` is
/// `budget_2024_25`, which a `data:` link can name; a `/` could not be).
pub fn norm_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.trim().chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            out.push(ch);
        } else if ch == '%' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push_str("percent");
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// The most rows a CSV data file may have. Loading is linear, and a million
/// rows are computed and exported in seconds in about a gigabyte of memory;
/// a longer file is refused where it passes the limit rather than held.
pub const MAX_TABLE_ROWS: usize = 1_000_000;

pub fn from_csv(file: &str, text: &str) -> Result<Grid, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_error(file, text, &e))?
        .iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let mut grid = Grid {
        header_columns: cell_columns(text, 0, header.len()),
        header,
        header_line: 1,
        rows: Vec::new(),
        sheet: false,
    };
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(file, text, &e))?;
        let (line, columns) = record_place(&mut lines, &record);
        if grid.rows.len() == MAX_TABLE_ROWS {
            return Err(Diagnostic::error(
                "table-too-long",
                format!(
                    "this data file has more than {} rows; rapport reads at most that many",
                    super::thousands(MAX_TABLE_ROWS as u64)
                ),
            )
            .in_file(file)
            .at_line(line, 1)
            .with_hint("split the table into several, or keep the rows the report needs"));
        }
        grid.rows.push(GridRow {
            line,
            columns,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(grid)
}

/// The line of each byte offset asked for, in order. After a Windows line
/// ending (`\r\n`, the usual ending of a file exported from Excel) the csv
/// reader places a record at the `\n` and counts its line one short, so
/// lines are counted here from the text; each count starts where the last
/// stopped, so a whole file is counted once.
pub struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line holding byte `byte` of the text.
    pub fn line_at(&mut self, byte: usize) -> u32 {
        let byte = byte.min(self.text.len());
        if byte < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        let between = &self.text.as_bytes()[self.offset..byte];
        self.line += memchr::memchr_iter(b'\n', between).count() as u32;
        self.offset = byte;
        self.line
    }
}

/// A record's line, and the column where each of its cells starts.
pub fn record_place(lines: &mut Lines, record: &csv::StringRecord) -> (u32, Vec<u32>) {
    match record.position() {
        Some(p) => {
            // After a `\r\n`, the reader places the record at the `\n`.
            let bytes = lines.text.as_bytes();
            let mut byte = p.byte() as usize;
            while matches!(bytes.get(byte), Some(b'\r' | b'\n')) {
                byte += 1;
            }
            (
                lines.line_at(byte),
                cell_columns(lines.text, byte, record.len()),
            )
        }
        None => (1, vec![1; record.len()]),
    }
}

/// A problem the csv reader found in `text`, the contents of `file`.
pub fn csv_error(file: &str, text: &str, e: &csv::Error) -> Diagnostic {
    let line = e
        .position()
        .map_or(1, |p| Lines::new(text).line_at(p.byte() as usize));
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

/// Columns (1-based, in characters) where each of the first `count` cells
/// of the record starting at byte `start` begins. Only the record's first
/// line is looked at (a cell that starts on a later line, after a quoted
/// line break, is placed at column 1), so finding every cell's column costs
/// one pass over the file, not one per cell.
pub fn cell_columns(text: &str, start: usize, count: usize) -> Vec<u32> {
    let mut columns = vec![1; count];
    let Some(line) = text.get(start..).and_then(|t| t.lines().next()) else {
        return columns;
    };
    let mut cell = 0;
    let mut quoted = false;
    for (col, ch) in line.chars().enumerate() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                cell += 1;
                match columns.get_mut(cell) {
                    Some(c) => *c = col as u32 + 2,
                    None => break,
                }
            }
            _ => {}
        }
    }
    columns
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

    /// A bad cell in a CSV saved with Windows line endings was reported
    /// one line early.
    #[test]
    fn rows_keep_their_lines_with_windows_line_endings() {
        for text in [
            "Part,Amount\nA,1\nB,x\n",
            "Part,Amount\r\nA,1\r\nB,x\r\n",
            "\u{feff}Part,Amount\r\n\r\nA,1\r\nB,x\r\n",
        ] {
            let grid = from_csv("t.csv", text).unwrap();
            let lines: Vec<u32> = grid.rows.iter().map(|r| r.line).collect();
            let blank = u32::from(text.contains("\r\n\r\n"));
            assert_eq!(lines, [2 + blank, 3 + blank], "{text:?}");
            assert_eq!(grid.rows[1].columns, [1, 3], "{text:?}");
        }
    }

    #[test]
    fn cell_names_are_spreadsheet_names() {
        assert_eq!(cell_name(10, 27), "AA10");
        assert_eq!(cell_name(3, 2), "B3");
    }

    #[test]
    fn cells_are_placed_at_their_columns_in_one_pass() {
        let text = "a,\"b,c\",d\n1,2,\n";
        assert_eq!(cell_columns(text, 0, 3), [1, 3, 9]);
        assert_eq!(cell_columns(text, 10, 3), [1, 3, 5]);
    }

    #[test]
    fn ragged_csv_rows_are_errors_with_their_line() {
        let e = from_csv("t.csv", "a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(e.location(), "t.csv:3:1");
        assert!(e.message.contains("1 cell but the header row has 2"));
    }
}
