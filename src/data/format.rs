//! Figures as readers see them: £3,370,000 or £3.37m, 12.5%, 1,204.
//!
//! Rounding is half away from zero (12.25 → 12.3, −12.25 → −12.3), the rule
//! official statistics and most readers expect, and it is applied only for
//! display: computations use the exact values.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Cell, Column, Direction, Kind};

pub fn round(n: Decimal, dp: u32) -> Decimal {
    n.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// `1234567.5` with 1 dp -> `1,234,567.5`.
pub fn grouped(n: Decimal, dp: u32) -> String {
    let r = round(n, dp);
    let s = format!("{:.*}", dp as usize, r.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    if r.is_sign_negative() && !r.is_zero() {
        out.insert(0, '-');
    }
    out
}

pub fn currency_symbol(code: &str) -> String {
    match code.to_ascii_uppercase().as_str() {
        "GBP" => "£".into(),
        "EUR" => "€".into(),
        "USD" => "$".into(),
        other => format!("{other} "),
    }
}

/// Decimal places a value was written with (3.50 -> 2).
fn natural_dp(n: Decimal) -> u32 {
    n.normalize().scale()
}

pub fn number(n: Decimal, col: &Column) -> String {
    match col.kind {
        Kind::Money => money(n, col),
        Kind::Percentage => format!("{}%", grouped(n, col.decimals.unwrap_or(natural_dp(n)))),
        Kind::Integer => grouped(n, 0),
        _ => grouped(n, col.decimals.unwrap_or(natural_dp(n))),
    }
}

fn money(n: Decimal, col: &Column) -> String {
    let sym = currency_symbol(&col.currency);
    let sign = if n.is_sign_negative() && !n.is_zero() {
        "-"
    } else {
        ""
    };
    let a = n.abs();
    if col.short {
        let (div, suffix) = if a >= Decimal::from(1_000_000_000) {
            (Decimal::from(1_000_000_000), "bn")
        } else if a >= Decimal::from(1_000_000) {
            (Decimal::from(1_000_000), "m")
        } else {
            (Decimal::ONE, "")
        };
        if !suffix.is_empty() {
            let v = round(a / div, col.decimals.unwrap_or(2)).normalize();
            return format!("{sign}{sym}{v}{suffix}");
        }
    }
    let dp = col
        .decimals
        .unwrap_or(if a.fract().is_zero() { 0 } else { 2 });
    format!("{sign}{sym}{}", grouped(a, dp))
}

/// The visible text of a cell.
pub fn cell(c: &Cell, col: &Column) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        Cell::Number(n) => number(*n, col),
        Cell::Date(d) => crate::dates::long(*d),
        Cell::Direction { dir, .. } => match dir {
            Direction::Up => "▲".into(),
            Direction::Down => "▼".into(),
            Direction::Same => "▬".into(),
        },
        Cell::NotApplicable => "n/a".into(),
        Cell::Noted(inner, _) => cell(inner, col),
        Cell::Missing(s) => s.symbol().into(),
        Cell::Marked(inner, s) => format!("{} {}", cell(inner, col), s.symbol()),
    }
}

/// What a screen reader should hear for a direction arrow, in the site's
/// words (`direction_up`, `direction_better` ... in the theme's strings).
pub fn direction_words(
    dir: Direction,
    good: Option<bool>,
    strings: &crate::strings::Strings,
) -> String {
    let word =
        |key: &str, args: &[(&str, &str)]| strings.format(key, None, args).unwrap_or_default();
    let base = word(
        match dir {
            Direction::Up => "direction_up",
            Direction::Down => "direction_down",
            Direction::Same => "direction_same",
        },
        &[],
    );
    match (dir, good) {
        (Direction::Same, _) | (_, None) => base,
        (_, Some(true)) => word("direction_better", &[("direction", &base)]),
        (_, Some(false)) => word("direction_worse", &[("direction", &base)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn col(kind: Kind, short: bool, decimals: Option<u32>) -> Column {
        Column {
            key: "x".into(),
            label: "X".into(),
            kind,
            unit: None,
            formula: None,
            shown: true,
            decimals,
            short,
            currency: "GBP".into(),
        }
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(grouped(d("12.25"), 1), "12.3");
        assert_eq!(grouped(d("-12.25"), 1), "-12.3");
        assert_eq!(grouped(d("0.05"), 1), "0.1");
        assert_eq!(grouped(d("-0.04"), 1), "0.0");
    }

    #[test]
    fn money_full_and_short() {
        assert_eq!(
            number(d("3370000"), &col(Kind::Money, false, None)),
            "£3,370,000"
        );
        assert_eq!(
            number(d("3370000"), &col(Kind::Money, true, None)),
            "£3.37m"
        );
        assert_eq!(
            number(d("4034000"), &col(Kind::Money, true, None)),
            "£4.03m"
        );
        assert_eq!(
            number(d("524000"), &col(Kind::Money, true, None)),
            "£524,000"
        );
        assert_eq!(
            number(d("-1500.5"), &col(Kind::Money, false, None)),
            "-£1,500.50"
        );
        assert_eq!(
            number(d("98765432109876543.21"), &col(Kind::Money, false, None)),
            "£98,765,432,109,876,543.21"
        );
    }

    #[test]
    fn percentages_and_counts() {
        assert_eq!(
            number(d("12.345"), &col(Kind::Percentage, false, Some(1))),
            "12.3%"
        );
        assert_eq!(number(d("1204"), &col(Kind::Integer, false, None)), "1,204");
    }
}
