//! Data tables: funding and statistics entered once, everything derived
//! computed.
//!
//! Reports print totals, differences and percentages that were worked out by
//! hand, and they disagree with their own figures (seed 004's crime table is
//! the example in this repository). Here a table is a file of raw figures in
//! the report's `data/` folder with a small schema beside it; totals,
//! differences, % change, direction, share and rank are computed with exact
//! decimal arithmetic; and any figure the source states as well is checked
//! against the computed one.
//!
//! Stages: [`schema`] reads the table's YAML; [`files`] decides which file
//! it may name and reads it; [`source`] reads the raw grid from CSV or YAML,
//! and [`workbook`] from an Excel workbook, within limits;
//! [`compute::load_table`] runs the [`builder`]'s steps on the grid (schema
//! columns found, cells typed, computed columns, subtotals and total,
//! stated figures checked, footnotes) with [`compute`]'s arithmetic; [`expand`]
//! places tables, charts and single figures into chapters; [`export`] writes
//! them as open data.

pub mod builder;
pub mod compute;
pub mod expand;
pub mod export;
pub mod files;
pub mod format;
pub mod schema;
pub mod source;
pub mod workbook;

use rust_decimal::Decimal;

/// A loaded, computed table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Its name: the schema file's name without `.yaml` (`funding-by-area`).
    pub name: String,
    /// The schema file, from the site root.
    pub file: String,
    pub caption: String,
    pub source: Option<String>,
    pub notes: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// The total row, when the schema asks for one.
    pub total: Option<Row>,
    /// Subtotal rows, each shown after the row at the given index (the
    /// last of its group).
    pub subtotals: Vec<(usize, Row)>,
    /// Notes on figures the source stated differently, accepted in the schema.
    pub accepted: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    /// Unit shown in the header ("£", "%", "number of offences").
    pub unit: Option<String>,
    /// How a computed column is derived (None for source columns).
    pub formula: Option<compute::Formula>,
    /// Shown in the output (stated-value columns are read but hidden).
    pub shown: bool,
    /// Decimal places for display.
    pub decimals: Option<u32>,
    /// Money display: `full` (£3,370,000) or `short` (£3.37m).
    pub short: bool,
    pub currency: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Decimal,
    Money,
    Percentage,
    Date,
    Period,
    /// Up, down or no change (a computed column).
    Direction,
}

impl Kind {
    pub const NAMES: &'static str = "text, integer, decimal, money, percentage, date, period";

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s.trim().to_lowercase().as_str() {
            "text" => Kind::Text,
            "integer" | "int" | "count" => Kind::Integer,
            "decimal" | "number" => Kind::Decimal,
            "money" | "currency" => Kind::Money,
            "percentage" | "percent" => Kind::Percentage,
            "date" => Kind::Date,
            "period" => Kind::Period,
            _ => return None,
        })
    }

    pub fn numeric(self) -> bool {
        matches!(
            self,
            Kind::Integer | Kind::Decimal | Kind::Money | Kind::Percentage
        )
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    /// The row's name (its first column), for references and messages.
    pub name: String,
    /// A slug of the name, used in `data:` references.
    pub slug: String,
    pub cells: Vec<Cell>,
    /// Where the row was written (line of a CSV or YAML file, or a cell
    /// reference in a workbook).
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(Decimal),
    Date(jiff::civil::Date),
    /// A change against a baseline: `good` says whether this direction is
    /// good news for this row.
    Direction {
        dir: Direction,
        good: Option<bool>,
    },
    /// A computed value that has no meaning here (a % change against zero).
    NotApplicable,
    /// A footnote marker is carried with the cell.
    Noted(Box<Cell>, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
    Same,
}

impl Cell {
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Cell::Number(n) => Some(*n),
            Cell::Noted(c, _) => c.number(),
            _ => None,
        }
    }

    pub fn note(&self) -> Option<&str> {
        match self {
            Cell::Noted(_, n) => Some(n),
            _ => None,
        }
    }
}

impl Table {
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// "Leeds, York, Bristol", for hints.
    pub fn row_names(&self) -> String {
        some_of(self.rows.iter().map(|r| r.name.as_str()))
    }

    /// "area, amount, share", for hints.
    pub fn column_keys(&self) -> String {
        some_of(self.columns.iter().map(|c| c.key.as_str()))
    }

    pub fn row(&self, slug: &str) -> Option<&Row> {
        if slug == "total" {
            return self.total.as_ref();
        }
        self.rows
            .iter()
            .chain(self.subtotals.iter().map(|(_, r)| r))
            .find(|r| r.slug == slug)
    }
}

/// The most names a hint lists: a table of a million rows would otherwise
/// print every one in each message about a row it does not have.
pub const HINT_NAMES: usize = 20;

/// "Leeds, York, Bristol", or the first [`HINT_NAMES`] and how many more.
pub fn some_of<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut names = names.into_iter();
    let shown: Vec<&str> = names.by_ref().take(HINT_NAMES).collect();
    let more = names.count();
    let mut out = shown.join(", ");
    if more > 0 {
        out.push_str(&format!(" and {more} more"));
    }
    out
}

/// 1000000 -> "1,000,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(thousands(17_179_869_184), "17,179,869,184");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn hints_list_the_first_names_and_how_many_more() {
        let names: Vec<String> = (0..25).map(|i| format!("r{i}")).collect();
        let listed = some_of(names.iter().map(String::as_str));
        assert!(listed.starts_with("r0, r1, "), "{listed}");
        assert!(listed.ends_with("r19 and 5 more"), "{listed}");
        assert_eq!(some_of(["a", "b"]), "a, b");
    }
}
