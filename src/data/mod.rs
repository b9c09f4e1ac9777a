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

pub use crate::diagnostics::thousands;
pub use crate::table::{Cell, Column, Direction, HINT_NAMES, Kind, Row, Shorthand, Table, some_of};

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
