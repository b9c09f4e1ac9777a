//! How big an .ods becomes once read, measured without reading it.
//!
//! An .ods sheet says "this cell, 16,384 times" or "this row, a million
//! times" in one attribute, and LibreOffice writes every sheet that way: the
//! empty columns to the sheet's edge are one repeated cell. calamine reads
//! every sheet of the file as it opens it, writing each repeat out: a cell
//! holding `x` repeated a billion times, or a row repeated a million times
//! beside a cell far to the right, is gigabytes from a file of a few hundred
//! bytes. So before calamine opens the file, its `content.xml` is read here
//! as calamine will read it, with every repeat counted rather than written
//! out, and the file is refused when any sheet, or all of them together,
//! would be over the limits. Empty repeats cost calamine nothing until a
//! later cell on the row (or a later row) holds something, and are counted
//! the same way here.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{MAX_SHEET_CELLS, MAX_WORKBOOK_BYTES, Part, Refusal, not_a_workbook, refuse, too_big};
use crate::data::thousands;

/// The most cells calamine may build across every sheet of one .ods (it
/// builds them all, whichever sheet the table is on).
const MAX_WORKBOOK_CELLS: u64 = 2 * MAX_SHEET_CELLS;

const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Whether the archive is an OpenDocument spreadsheet (its first part, the
/// `mimetype`, says so), whatever the file is called.
pub fn is_ods(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(part) = zip.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::with_capacity(MIMETYPE.len() + 1);
    part.take(MIMETYPE.len() as u64 + 1)
        .read_to_end(&mut head)
        .is_ok()
        && head == MIMETYPE
}

/// What calamine will build from one sheet.
#[derive(Default)]
struct Sheet {
    name: String,
    /// Rows seen so far, repeats counted.
    rows: u64,
    /// The first and one past the last row holding something.
    first: Option<u64>,
    end: u64,
    /// One past the rightmost cell holding something, on any row.
    width: u64,
    /// Cells calamine stores while reading the rows, before it makes the
    /// grid: on each row, every cell up to the last one holding something.
    stored: u64,
}

impl Sheet {
    /// The cells of the grid calamine makes: every row from the first to
    /// the last holding something, each as wide as the widest.
    fn grid(&self) -> u64 {
        self.first
            .map_or(0, |first| (self.end - first).saturating_mul(self.width))
    }
}

/// Refuses an .ods that calamine would expand beyond the limits: a sheet of
/// more than [`MAX_SHEET_CELLS`], all sheets together more than
/// [`MAX_WORKBOOK_CELLS`], or more than [`MAX_WORKBOOK_BYTES`] of text once
/// repeated cells are written out. `wanted` is the table's sheet, named in
/// the message when it is the one too big.
pub fn within_limits(bytes: &[u8], wanted: &str) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook())?;
    let mut content = Vec::new();
    zip.by_name("content.xml")
        .map_err(|_| not_a_workbook())?
        .read_to_end(&mut content)
        .map_err(|_| not_a_workbook())?;
    let mut reader = Reader::from_reader(content.as_slice());
    // As calamine reads it: `<a/>` is an opening and a closing.
    let config = reader.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = false;
    config.check_comments = false;

    let mut all = 0u64;
    let mut text = 0u64;
    let mut sheet: Option<Sheet> = None;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| not_a_workbook())?;
        match event {
            Event::Start(e) if e.name().as_ref() == b"table:table" => {
                let name = attribute(&e, b"table:name").unwrap_or_default();
                sheet = Some(Sheet {
                    name,
                    ..Sheet::default()
                });
            }
            Event::Start(e) if e.name().as_ref() == b"table:table-row" => {
                let repeats = repeats(&e, b"table:number-rows-repeated")?;
                let Some(s) = sheet.as_mut() else {
                    continue;
                };
                let row = read_row(&mut reader)?;
                s.stored = s.stored.saturating_add(row.end);
                if row.end > 0 {
                    s.first.get_or_insert(s.rows);
                    s.end = s.rows.saturating_add(repeats);
                    s.width = s.width.max(row.end);
                    text = text.saturating_add(row.text.saturating_mul(repeats));
                }
                s.rows = s.rows.saturating_add(repeats);
                if s.stored > MAX_SHEET_CELLS || s.grid() > MAX_SHEET_CELLS {
                    return Err(sheet_too_big(s, wanted));
                }
                if text > MAX_WORKBOOK_BYTES {
                    return Err(too_big(
                        "over the limit once its repeated cells are written out",
                    ));
                }
            }
            Event::End(e) if e.name().as_ref() == b"table:table" => {
                if let Some(s) = sheet.take() {
                    all = all.saturating_add(s.grid()).saturating_add(s.stored);
                    if all > MAX_WORKBOOK_CELLS {
                        return Err(workbook_too_big());
                    }
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// One row as calamine stores it.
struct Row {
    /// One past the last cell holding something (0 for an empty row).
    end: u64,
    /// The bytes of text its cells give, repeats counted.
    text: u64,
}

fn read_row(reader: &mut Reader<&[u8]>) -> Result<Row, Refusal> {
    let mut row = Row { end: 0, text: 0 };
    let mut column = 0u64;
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|_| not_a_workbook())?
        {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                let repeats = repeats(&e, b"table:number-columns-repeated")?;
                let held = held(&e);
                let name = e.name().as_ref().to_vec();
                let inner = cell_text(reader, &name)?;
                column = column.saturating_add(repeats);
                if held.is_some() || inner > 0 {
                    row.end = column;
                    let each = held.unwrap_or(0).max(inner);
                    row.text = row.text.saturating_add(each.saturating_mul(repeats));
                }
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => return Ok(row),
            Event::Eof => return Err(not_a_workbook()),
            _ => {}
        }
        buf.clear();
    }
}

/// Whether calamine finds a value in the cell's attributes, and how long
/// it is: a value, a formula, or a type whose text is the cell's content.
fn held(e: &BytesStart<'_>) -> Option<u64> {
    e.attributes()
        .flatten()
        .filter(|a| {
            matches!(
                a.key.as_ref(),
                b"office:value"
                    | b"office:string-value"
                    | b"office:date-value"
                    | b"office:time-value"
                    | b"office:boolean-value"
                    | b"table:formula"
                    | b"office:value-type"
            )
        })
        .map(|a| a.value.len() as u64)
        .reduce(u64::saturating_add)
}

/// The bytes of text inside a cell, spaces written as `<text:s text:c="n"/>`
/// counted as the `n` spaces calamine writes out; read to the cell's end.
fn cell_text(reader: &mut Reader<&[u8]>, cell: &[u8]) -> Result<u64, Refusal> {
    let mut bytes = 0u64;
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|_| not_a_workbook())?
        {
            Event::Text(t) => bytes = bytes.saturating_add(t.len() as u64),
            Event::Start(e) if e.name().as_ref() == b"text:s" => {
                let spaces = attribute(&e, b"text:c")
                    .map_or(Ok(1), |c| c.parse::<u64>())
                    .map_err(|_| not_a_workbook())?;
                bytes = bytes.saturating_add(spaces);
            }
            Event::End(e) if e.name().as_ref() == cell => return Ok(bytes),
            Event::Eof => return Err(not_a_workbook()),
            _ => {}
        }
        buf.clear();
    }
}

fn attribute(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// A repeat count; calamine refuses one that is not a whole number, and so
/// does this.
fn repeats(e: &BytesStart<'_>, key: &[u8]) -> Result<u64, Refusal> {
    attribute(e, key).map_or(Ok(1), |n| n.parse().map_err(|_| not_a_workbook()))
}

fn sheet_too_big(s: &Sheet, wanted: &str) -> Refusal {
    let cells = thousands(s.grid().max(s.stored));
    let limit = thousands(MAX_SHEET_CELLS);
    if s.name == wanted {
        refuse(
            Part::Sheet,
            format!(
                "sheet `{wanted}` spans more than {limit} cells ({cells} read so far), counting the cells the file repeats; rapport reads at most {limit}"
            ),
            "clear stray cells far from the table (select the rows and columns past it and delete them), or put the table on a sheet of its own",
        )
    } else {
        refuse(
            Part::File,
            format!(
                "has a sheet, `{}`, of more than {limit} cells; rapport reads every sheet of an .ods, and at most {limit} cells from each",
                s.name
            ),
            "save the table's sheet in a workbook of its own, or export it as CSV",
        )
    }
}

fn workbook_too_big() -> Refusal {
    refuse(
        Part::File,
        format!(
            "has more than {} cells in its sheets together; rapport reads every sheet of an .ods, and at most that many",
            thousands(MAX_WORKBOOK_CELLS)
        ),
        "save the table's sheet in a workbook of its own, or export it as CSV",
    )
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// An .ods whose one sheet, `Data`, has the given rows.
    pub fn ods(rows: &str) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(MIMETYPE).unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(b"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>").unwrap();
        zip.start_file("content.xml", stored).unwrap();
        write!(
            zip,
            "<office:document-content><office:body><office:spreadsheet><table:table table:name=\"Data\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
        )
        .unwrap();
        zip.finish().unwrap();
        out.into_inner()
    }

    fn cell(text: &str) -> String {
        format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{text}</text:p></table:table-cell>"
        )
    }

    #[test]
    fn a_small_sheet_with_libreoffice_repeats_to_the_edge_is_read() {
        let row = format!(
            "<table:table-row>{}{}<table:table-cell table:number-columns-repeated=\"16382\"/></table:table-row>",
            cell("Area"),
            cell("Budget")
        );
        let tail = "<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>";
        let book = ods(&format!("{row}{row}{tail}"));
        assert!(is_ods(&book));
        assert!(within_limits(&book, "Data").is_ok());
    }

    #[test]
    fn a_cell_repeated_a_billion_times_is_refused_unexpanded() {
        let book = ods(
            "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"1000000000\"/></table:table-row>",
        );
        let refusal = within_limits(&book, "Data").unwrap_err();
        assert_eq!(refusal.at, Part::Sheet);
        assert!(
            refusal
                .message
                .contains("sheet `Data` spans more than 1,000,000 cells")
        );
    }

    #[test]
    fn a_row_repeated_beside_a_far_cell_is_refused() {
        let book = ods(&format!(
            "<table:table-row table:number-rows-repeated=\"1000\">{}</table:table-row><table:table-row><table:table-cell table:number-columns-repeated=\"5000\"/>{}</table:table-row>",
            cell("a"),
            cell("b")
        ));
        assert!(within_limits(&book, "Data").is_err());
        // The same sheet seen from another: the file is named as the problem.
        assert_eq!(within_limits(&book, "Other").unwrap_err().at, Part::File);
    }

    #[test]
    fn spaces_written_as_a_count_are_counted_as_text() {
        let book = ods(
            "<table:table-row><table:table-cell office:value-type=\"string\"><text:p><text:s text:c=\"4000000000\"/></text:p></table:table-cell></table:table-row>",
        );
        assert!(
            within_limits(&book, "Data")
                .unwrap_err()
                .message
                .contains("written out")
        );
    }

    #[test]
    fn a_workbook_is_told_from_its_mimetype_not_its_name() {
        assert!(is_ods(&ods("")));
        assert!(!is_ods(b"PK not a zip"));
    }
}
