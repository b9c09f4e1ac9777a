//! A data table as loaded and computed: its columns, rows and typed cells.
//! The types live here, below the loaders in [`crate::data`] and the site
//! model that holds them, so that the model does not depend on loading.

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
    /// Whether a figure the total would add up is not given (`[x]`), so
    /// the total leaves it out.
    pub total_leaves_out: bool,
    /// Subtotal rows, each shown after the row at the given index (the
    /// last of its group).
    pub subtotals: Vec<(usize, Row)>,
    /// Figures the source stated differently, accepted in the schema.
    pub accepted: Vec<Corrected>,
}

/// A figure the original printed that the computed one corrects, kept as a
/// note under the table; the sentence is the theme's (`corrected_figure`).
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected {
    pub row: String,
    /// The column's label.
    pub column: String,
    /// As the original printed it, and as computed, shown as the table
    /// shows it.
    pub printed: String,
    pub figure: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub key: String,
    pub label: String,
    pub kind: Kind,
    /// Unit shown in the header ("£", "%", "number of offences").
    pub unit: Option<String>,
    /// How a computed column is derived (None for source columns).
    pub formula: Option<Formula>,
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
    Noted(Box<Cell>, Note),
    /// No figure, for the reason a statistician's shorthand gives (`[x]`,
    /// `[c]`, `-`): never added in, and "n/a" in columns computed from it.
    Missing(Shorthand),
    /// A figure with a mark on it (`12 [u]`, low reliability): added in as
    /// the figure, shown and read with its mark.
    Marked(Box<Cell>, Shorthand),
}

/// The shorthands statisticians write for a figure that is not given: the
/// Government Statistical Service's bracketed symbols, and the older ones
/// found in exports (`-`, `n/a`, `..`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shorthand {
    /// `[x]`: not available.
    X,
    /// `[c]`: confidential.
    C,
    /// `[z]`: not applicable.
    Z,
    /// `[low]`: rounds to zero but is not zero.
    Low,
    /// `[u]`: low reliability (a mark beside a figure).
    U,
    /// `-` or `–`: no figure.
    Dash,
    /// `n/a`: not applicable.
    NotApplicable,
    /// `..`: not available.
    DotDot,
}

impl Shorthand {
    /// The shorthand a whole cell is written as, if it is one.
    pub fn parse(text: &str) -> Option<Shorthand> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "[x]" => Shorthand::X,
            "[c]" => Shorthand::C,
            "[z]" => Shorthand::Z,
            "[low]" => Shorthand::Low,
            "[u]" => Shorthand::U,
            "-" | "\u{2013}" | "\u{2014}" => Shorthand::Dash,
            "n/a" | "na" => Shorthand::NotApplicable,
            ".." => Shorthand::DotDot,
            _ => return None,
        })
    }

    /// A figure with a mark after it (`12 [u]`): the figure's text and
    /// the mark. Only the marks that qualify a figure count.
    pub fn split_mark(text: &str) -> Option<(&str, Shorthand)> {
        let t = text.trim();
        let open = t.rfind('[')?;
        let mark = Shorthand::parse(&t[open..])?;
        let figure = t[..open].trim_end();
        (mark == Shorthand::U && !figure.is_empty()).then_some((figure, mark))
    }

    /// As written in tables, in the standard form.
    pub fn symbol(self) -> &'static str {
        match self {
            Shorthand::X => "[x]",
            Shorthand::C => "[c]",
            Shorthand::Z => "[z]",
            Shorthand::Low => "[low]",
            Shorthand::U => "[u]",
            Shorthand::Dash => "-",
            Shorthand::NotApplicable => "n/a",
            Shorthand::DotDot => "..",
        }
    }

    /// The interface string of its meaning (`shorthand_x`: "not
    /// available").
    pub fn meaning_key(self) -> &'static str {
        match self {
            Shorthand::X => "shorthand_x",
            Shorthand::C => "shorthand_c",
            Shorthand::Z => "shorthand_z",
            Shorthand::Low => "shorthand_low",
            Shorthand::U => "shorthand_u",
            Shorthand::Dash => "shorthand_dash",
            Shorthand::NotApplicable => "shorthand_na",
            Shorthand::DotDot => "shorthand_dotdot",
        }
    }
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
            Cell::Noted(c, _) | Cell::Marked(c, _) => c.number(),
            _ => None,
        }
    }

    /// The shorthand that stands for the cell or marks it, if any.
    pub fn shorthand(&self) -> Option<Shorthand> {
        match self {
            Cell::Missing(s) | Cell::Marked(_, s) => Some(*s),
            Cell::Noted(c, _) => c.shorthand(),
            _ => None,
        }
    }

    /// Whether the cell stands for a figure that is not given.
    pub fn is_missing(&self) -> bool {
        match self {
            Cell::Missing(_) => true,
            Cell::Noted(c, _) => c.is_missing(),
            _ => false,
        }
    }

    pub fn note(&self) -> Option<&Note> {
        match self {
            Cell::Noted(_, n) => Some(n),
            _ => None,
        }
    }
}

/// A note on one cell, numbered under the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The schema's own words (`footnotes:`).
    Written(String),
    /// A figure kept as the original printed it, though the figures it
    /// should be the sum of (`adds_up:`) give another: their labels, their
    /// sum as the table shows it, and the schema's reason. The sentence is
    /// the theme's (`figure_as_printed`).
    AsPrinted {
        parts: Vec<String>,
        sum: String,
        reason: String,
    },
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

/// How a computed column is worked out from others.
#[derive(Debug, Clone)]
pub enum Formula {
    /// a − b
    Difference(usize, usize),
    /// (value − baseline) / baseline × 100
    PercentChange { value: usize, baseline: usize },
    Direction {
        value: usize,
        baseline: usize,
        /// Whether up is good for every row (None: neither).
        up_is_good: Option<bool>,
    },
    /// value / column total × 100
    Share(usize),
    /// 1 for the largest
    Rank(usize),
}

impl Formula {
    /// The two columns a per-row comparison (difference, % change,
    /// direction) is worked out from: the value and the baseline.
    pub fn operands(&self) -> Option<(usize, usize)> {
        match *self {
            Formula::Difference(a, b)
            | Formula::PercentChange {
                value: a,
                baseline: b,
            }
            | Formula::Direction {
                value: a,
                baseline: b,
                ..
            } => Some((a, b)),
            Formula::Share(_) | Formula::Rank(_) => None,
        }
    }

    /// The convention, stated in the output beside the table.
    /// How the column `cols[at]` is worked out, as a note under its table,
    /// in the theme's words (`formula_difference` and the others).
    pub fn describe(
        &self,
        cols: &[Column],
        at: usize,
        strings: &crate::strings::Strings,
    ) -> String {
        let l = |i: usize| cols[i].label.as_str();
        let column = l(at);
        let said = match *self {
            Formula::Difference(a, b) => strings.format(
                "formula_difference",
                None,
                &[("column", column), ("a", l(a)), ("b", l(b))],
            ),
            Formula::PercentChange { value, baseline } => strings.format(
                "formula_percent_change",
                None,
                &[
                    ("column", column),
                    ("value", l(value)),
                    ("baseline", l(baseline)),
                ],
            ),
            Formula::Direction {
                value, baseline, ..
            } => strings.format(
                "formula_direction",
                None,
                &[
                    ("column", column),
                    ("value", l(value)),
                    ("baseline", l(baseline)),
                ],
            ),
            Formula::Share(c) => {
                strings.format("formula_share", None, &[("column", column), ("of", l(c))])
            }
            Formula::Rank(c) => {
                strings.format("formula_rank", None, &[("column", column), ("of", l(c))])
            }
        };
        said.unwrap_or_default()
    }
}
