//! The table schema: `data/<name>.yaml` beside (or holding) the figures.
//!
//! The schema is where a table's meaning lives: what each column is (money,
//! a count, a percentage), which columns are computed and how, and which
//! figures the original printed that must be checked. Keeping it separate
//! from the raw figures lets a spreadsheet export be replaced each quarter
//! without touching it.

use serde::Deserialize;

use crate::yaml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchema {
    pub caption: String,
    pub source: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    /// A CSV file beside the schema.
    pub file: Option<Spanned<String>>,
    /// An Excel workbook, a sheet and an optional range.
    pub workbook: Option<RawWorkbook>,
    /// Rows written in the schema itself.
    pub rows: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
    pub columns: Vec<RawColumn>,
    #[serde(default)]
    pub computed: Vec<RawComputed>,
    pub total: Option<RawTotal>,
    /// The labels of rows in the data that state a total (a spreadsheet's
    /// own "Total" row), which are checked and never added in; `Total`,
    /// `Grand total` and a few others when absent, none when `[]`.
    pub total_rows: Option<Vec<String>>,
    /// A subtotal after each run of rows sharing a value (by region, by year).
    pub subtotals: Option<RawSubtotals>,
    #[serde(default)]
    pub stated: Vec<RawStated>,
    /// Figures the original gives that should add up (Q1 + Q2 = year to
    /// date; the areas to the region), checked.
    #[serde(default)]
    pub adds_up: Vec<RawAddsUp>,
    #[serde(default)]
    pub footnotes: Vec<RawFootnote>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkbook {
    pub file: Spanned<String>,
    pub sheet: Spanned<String>,
    /// `A1:D19`; the whole used range when absent.
    pub range: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawColumn {
    /// The name references use (`data:funding/total/budget`).
    pub key: Spanned<String>,
    /// The column's heading in the file, when it is not the key
    /// (`Budget 2024/25`).
    pub header: Option<Spanned<String>>,
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    pub unit: Option<String>,
    /// `false` reads the column (for checks) without showing it.
    pub show: Option<bool>,
    pub decimals: Option<u32>,
    /// Money: `full` (£3,370,000, the default) or `short` (£3.37m).
    pub format: Option<Spanned<String>>,
    /// Money: ISO code, `GBP` by default.
    pub currency: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComputed {
    pub key: Spanned<String>,
    pub label: Option<String>,
    pub decimals: Option<u32>,
    pub unit: Option<String>,
    /// `[a, b]`: a − b.
    pub difference: Option<Vec<Spanned<String>>>,
    /// (value − baseline) / baseline × 100.
    pub percent_change: Option<RawAgainst>,
    /// Up, down or the same, value against baseline.
    pub direction: Option<RawAgainst>,
    /// This row's share of the column's total, as a percentage.
    pub share: Option<Spanned<String>>,
    /// 1 for the largest value of the column.
    pub rank: Option<Spanned<String>>,
    /// For `direction`: which way is good news (`up` or `down`); a
    /// `good_when` column in the source overrides it per row.
    pub good: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgainst {
    pub value: Spanned<String>,
    pub baseline: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTotal {
    #[serde(default = "total_label")]
    pub label: String,
    /// The columns to add up.
    pub columns: Vec<Spanned<String>>,
    /// Totals the source states, by column, to check.
    #[serde(default)]
    pub stated: std::collections::BTreeMap<String, Spanned<serde_json::Value>>,
}

fn total_label() -> String {
    "Total".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubtotals {
    /// The text column whose value groups the rows.
    pub by: Spanned<String>,
    /// The columns to add up.
    pub columns: Vec<Spanned<String>>,
    /// The label, with `{}` standing for the group's value (default "{} subtotal").
    pub label: Option<String>,
}

/// A source column that repeats a figure rapport computes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStated {
    /// The source column holding the printed figures.
    pub column: Spanned<String>,
    /// The computed column they should equal.
    pub computed: Spanned<String>,
    /// Rows where the disagreement is known and explained.
    #[serde(default)]
    pub accept: Vec<RawAccept>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccept {
    pub row: Spanned<String>,
    pub reason: String,
}

/// Figures that should add up to another: in every row, `columns` to the
/// column `to`; or, with `rows`, those rows to the row `to` in each of
/// `columns` (every figure column the file gives when absent).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAddsUp {
    pub columns: Option<Vec<Spanned<String>>>,
    pub rows: Option<Vec<Spanned<String>>>,
    pub to: Spanned<String>,
    /// Disagreements the report keeps as printed, with the reason.
    #[serde(default)]
    pub accept: Vec<RawSumAccept>,
}

/// A disagreement kept: by row (for columns that add up) or by column (for
/// rows that add up).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSumAccept {
    pub row: Option<Spanned<String>>,
    pub column: Option<Spanned<String>>,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFootnote {
    pub row: Spanned<String>,
    pub column: Spanned<String>,
    pub note: String,
}
