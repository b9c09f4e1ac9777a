//! Workbooks (Excel's .xlsx and OpenDocument's .ods), read within limits.
//!
//! Both are zip archives of XML parts. calamine, which reads them,
//! inflates each part it needs into memory, and its usual way in
//! (`worksheet_range`) allocates one cell for every position between the
//! first and the last used cell. A file of a few kilobytes can therefore ask
//! for gigabytes: a part that inflates a thousandfold (one cell holding 2 GiB
//! of text), or two cells at A1 and XFD1048576 (17 billion positions). So,
//! before calamine sees the file, the archive is checked: the sizes its
//! directory declares, then the bytes each part really inflates to, counted
//! as they come and stopped at the limit (an archive can understate its
//! sizes). And the sheet is read one cell at a time, counted, and kept only
//! where it holds something, never as calamine's dense grid.
//!
//! calamine has no cell-by-cell reader for .ods: it reads every sheet into
//! a dense grid as it opens the file, repeating a cell or row as often as
//! the file says (`table:number-columns-repeated`). So an .ods is first
//! measured without being expanded ([`ods`]), and handed to calamine only
//! when every grid it would build is within the limits.
//!
//! This module is the only user of `calamine`, `zip` and `quick-xml`.

mod ods;

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Ods, OdsError, Reader, Xlsx, XlsxError};

use super::source::{Grid, GridRow};
use super::thousands;

/// The most a workbook may weigh, on disk and unpacked (all its parts
/// together). A sheet of a million cells is about 40 MB of XML; the limit
/// leaves room for that and its styles and shared texts, and keeps reading a
/// workbook to a few hundred megabytes of memory at worst.
pub const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;

/// The most cells read from one sheet, or spanned by the part of it that is
/// read. A million cells is far more than any table a report prints, and
/// is what [`MAX_WORKBOOK_BYTES`] of XML can hold.
pub const MAX_SHEET_CELLS: u64 = 1_000_000;

/// Which entry of the schema's `workbook:` a problem belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    File,
    Sheet,
    Range,
}

/// Why a workbook could not be read: plain words, never the file's text.
/// A message about the file ([`Part::File`]) follows the file's name.
#[derive(Debug)]
pub struct Refusal {
    pub at: Part,
    pub message: String,
    pub hint: String,
}

fn refuse(at: Part, message: impl Into<String>, hint: impl Into<String>) -> Refusal {
    Refusal {
        at,
        message: message.into(),
        hint: hint.into(),
    }
}

fn not_a_workbook() -> Refusal {
    refuse(
        Part::File,
        "cannot be read as a workbook (.xlsx or .ods)",
        "open it in Excel or LibreOffice and save it as \"Excel Workbook (.xlsx)\" or \"ODF Spreadsheet (.ods)\", without a password",
    )
}

fn no_sheet(sheet: &str, names: &[String]) -> Refusal {
    refuse(
        Part::Sheet,
        format!("the workbook has no sheet `{sheet}`"),
        format!("its sheets are: {}", names.join(", ")),
    )
}

fn too_many_cells(sheet: &str) -> Refusal {
    refuse(
        Part::Sheet,
        format!(
            "sheet `{sheet}` has more than {} cells; rapport reads at most that many from a sheet",
            thousands(MAX_SHEET_CELLS)
        ),
        "put the table on a sheet of its own, or export it as CSV",
    )
}

fn too_big(what: &str) -> Refusal {
    refuse(
        Part::File,
        format!(
            "is {what}; rapport reads workbooks of up to {} MiB",
            MAX_WORKBOOK_BYTES / (1024 * 1024)
        ),
        "save the table's sheet in a workbook of its own, without pictures, or export it as CSV",
    )
}

/// The cells of `sheet` (within `range`, `A1:D19`, or the whole used part),
/// as a grid whose first row is the header. The format is told from the
/// archive itself, so a workbook saved under the other extension still reads.
pub fn read(bytes: Vec<u8>, sheet: &str, range: Option<&str>) -> Result<Grid, Refusal> {
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(too_big("over the limit on disk"));
    }
    check_archive(&bytes)?;
    let cells = if ods::is_ods(&bytes) {
        ods_cells(bytes, sheet)?
    } else {
        xlsx_cells(bytes, sheet)?
    };
    let (start, end) = bounds(&cells, sheet, range)?;
    grid(cells, start, end)
}

fn xlsx_cells(bytes: Vec<u8>, sheet: &str) -> Result<Vec<Used>, Refusal> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let names = book.sheet_names();
    match book.worksheet_cells_reader(sheet) {
        Ok(mut reader) => used_cells(|| reader.next_cell(), sheet),
        Err(XlsxError::WorksheetNotFound(_)) => Err(no_sheet(sheet, &names)),
        Err(_) => Err(refuse(
            Part::Sheet,
            format!("sheet `{sheet}` is not a sheet of cells rapport can read"),
            "name a worksheet that holds the table (not a chart sheet)",
        )),
    }
}

/// An .ods, measured first (see the module's notes), then read whole by
/// calamine; only its cells that hold something are kept.
fn ods_cells(bytes: Vec<u8>, sheet: &str) -> Result<Vec<Used>, Refusal> {
    ods::within_limits(&bytes, sheet)?;
    let mut book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let names = book.sheet_names();
    let range = match book.worksheet_range(sheet) {
        Ok(r) => r,
        Err(OdsError::WorksheetNotFound(_)) => return Err(no_sheet(sheet, &names)),
        Err(_) => return Err(not_a_workbook()),
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    Ok(range
        .used_cells()
        .filter_map(|(row, col, value)| {
            let text = owned_text(value);
            (!text.is_empty()).then(|| Used {
                row: top + row as u32,
                col: left + col as u32,
                text,
            })
        })
        .collect())
}

/// Refuses an archive that declares, or really inflates to, more than
/// [`MAX_WORKBOOK_BYTES`]. Every part is inflated into nothing, because a
/// workbook's own index can send calamine to any part.
fn check_archive(bytes: &[u8]) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let declared = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .fold(0u64, u64::saturating_add);
    if declared > MAX_WORKBOOK_BYTES {
        return Err(too_big(&format!(
            "{} MiB unpacked",
            declared.div_ceil(1024 * 1024)
        )));
    }
    let mut left = MAX_WORKBOOK_BYTES;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|_| not_a_workbook())?;
        let inflated = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|_| not_a_workbook())?;
        if inflated > left {
            return Err(too_big(
                "over the limit unpacked (more than its own index says)",
            ));
        }
        left -= inflated;
    }
    Ok(())
}

/// Zero-based (row, column).
type Position = (u32, u32);

/// A cell that holds something: zero-based row and column, and its text.
struct Used {
    row: u32,
    col: u32,
    text: String,
}

/// The cells `next_cell` gives (calamine's reader of a sheet, which it does
/// not let us name), counted against [`MAX_SHEET_CELLS`].
fn used_cells<'a>(
    mut next_cell: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, XlsxError>,
    sheet: &str,
) -> Result<Vec<Used>, Refusal> {
    let mut cells = Vec::new();
    let mut seen = 0u64;
    loop {
        let cell = match next_cell() {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(cells),
            Err(_) => return Err(not_a_workbook()),
        };
        seen += 1;
        if seen > MAX_SHEET_CELLS {
            return Err(too_many_cells(sheet));
        }
        let text = text(cell.get_value());
        if !text.is_empty() {
            let (row, col) = cell.get_position();
            cells.push(Used { row, col, text });
        }
    }
}

/// First and last (row, column) to read: the range, or every used cell.
fn bounds(
    cells: &[Used],
    sheet: &str,
    range: Option<&str>,
) -> Result<(Position, Position), Refusal> {
    let Some(first) = cells.first() else {
        return Err(refuse(
            Part::Sheet,
            format!("sheet `{sheet}` is empty"),
            "check the sheet name",
        ));
    };
    let (mut top, mut bottom) = ((first.row, first.col), (first.row, first.col));
    for c in cells {
        top = (top.0.min(c.row), top.1.min(c.col));
        bottom = (bottom.0.max(c.row), bottom.1.max(c.col));
    }
    let (start, end, at) = match range {
        None => (top, bottom, Part::Sheet),
        Some(r) => {
            let bad = || {
                refuse(
                    Part::Range,
                    format!("`{r}` is not a range"),
                    "write a range as two cells, e.g. A1:D19",
                )
            };
            let (a, b) = r.split_once(':').ok_or_else(bad)?;
            let (start, end) = (
                parse_cell_ref(a).ok_or_else(bad)?,
                parse_cell_ref(b).ok_or_else(bad)?,
            );
            if start.0 > bottom.0 || start.1 > bottom.1 {
                return Err(refuse(
                    Part::Range,
                    format!("range {r} is outside the cells sheet `{sheet}` uses"),
                    "check the range against the sheet",
                ));
            }
            // Rows and columns past the last used cell would be empty.
            (
                start,
                (end.0.min(bottom.0), end.1.min(bottom.1)),
                Part::Range,
            )
        }
    };
    let rows = u64::from(end.0.saturating_sub(start.0)) + 1;
    let cols = u64::from(end.1.saturating_sub(start.1)) + 1;
    let area = rows.saturating_mul(cols);
    if area > MAX_SHEET_CELLS {
        return Err(refuse(
            at,
            format!(
                "the table would span {} cells ({} rows by {} columns); rapport reads at most {}",
                thousands(area),
                thousands(rows),
                thousands(cols),
                thousands(MAX_SHEET_CELLS)
            ),
            "give a `range:` around the table, e.g. A1:D19, and clear stray cells far from it",
        ));
    }
    Ok((start, end))
}

/// The cells from `start` to `end` as rows of text, the first the header;
/// rows with nothing in them are left out.
fn grid(cells: Vec<Used>, start: Position, end: Position) -> Result<Grid, Refusal> {
    if end.0 < start.0 || end.1 < start.1 {
        return Err(refuse(
            Part::Range,
            "the range is empty",
            "the first row of the range must be the header row",
        ));
    }
    let width = (end.1 - start.1 + 1) as usize;
    let mut rows: Vec<GridRow> = (start.0..=end.0)
        .map(|r| GridRow {
            line: r + 1,
            columns: (start.1..=end.1).map(|c| c + 1).collect(),
            cells: vec![String::new(); width],
        })
        .collect();
    for c in cells {
        if (start.0..=end.0).contains(&c.row) && (start.1..=end.1).contains(&c.col) {
            rows[(c.row - start.0) as usize].cells[(c.col - start.1) as usize] = c.text;
        }
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

/// A cell's value as text, as the sheet shows it. An .ods gives dates as
/// text (`2023-03-15`), an .xlsx as serial numbers.
fn text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::DateTimeIso(s) => s.chars().take(10).collect(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => excel_date(d.as_f64()),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// The same for a cell calamine has read whole (an .ods's).
fn owned_text(value: &Data) -> String {
    text(&match value {
        Data::Empty => return String::new(),
        Data::String(s) => DataRef::String(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::Error(e) => DataRef::Error(e.clone()),
    })
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

/// Excel's serial dates count days from 1899-12-30.
fn excel_date(serial: f64) -> String {
    let base = jiff::civil::date(1899, 12, 30);
    base.checked_add(jiff::Span::new().days(serial.floor() as i64))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_and_dates_read_as_excel_writes_them() {
        assert_eq!(parse_cell_ref("B3"), Some((2, 1)));
        assert_eq!(parse_cell_ref("aa10"), Some((9, 26)));
        assert_eq!(parse_cell_ref("3B"), None);
        assert_eq!(excel_date(45000.0), "2023-03-15");
    }
}
