//! The CSV files rapport publishes as open data (each table's
//! `data/<name>.csv`, each report's `recommendations.csv`), all written
//! through [`CsvFile`], so every cell of every one gets the same protection.
//!
//! A spreadsheet opening a CSV file runs any cell that begins with `=`, `+`,
//! `-` or `@` as a formula (a tab or carriage return in front is skipped
//! over), and a formula can fetch a web address, or, in old versions of
//! Excel, start a program. The text in these files comes from anyone who can
//! edit the site, and readers download them from a public body's site. So
//! such a cell is written with a single quote in front (`'=HYPERLINK(...)`):
//! spreadsheets show it as the text it is, as the OWASP guidance on CSV
//! injection recommends. A cell that is a number (`-1200`, `-12.5`, `+3`)
//! starts with a sign but is no formula, and is written as it is, so
//! figures keep their value in a spreadsheet.
//!
//! The JSON files beside them keep the text exactly as written: JSON is read
//! by programs, which never evaluate it, and a quote added there would be a
//! change to the data. Figures are JSON numbers there.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as it is safe to publish in a CSV file (see the module's notes).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) && !is_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// A plain decimal number: an optional sign, digits, and an optional point
/// with more digits (`-1200`, `+3`, `-12.5`, `.5`).
fn is_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    !(whole.is_empty() && fraction.is_empty()) && digits(whole) && digits(fraction)
}

/// A CSV file being written: a header row, then records, every cell
/// neutralised.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvFile {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvFile {
    pub fn new() -> Self {
        CsvFile {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        // Writing to memory cannot fail.
        for cell in cells {
            let _ = self
                .writer
                .write_field(neutralise(cell.as_ref()).as_bytes());
        }
        let _ = self.writer.write_record(None::<&[u8]>);
    }

    pub fn finish(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_kept() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-1200", "-1200"),
            ("-12.5", "-12.5"),
            ("+3", "+3"),
            ("(1,200)", "(1,200)"),
            ("Leeds = York", "Leeds = York"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
        }
    }
}
