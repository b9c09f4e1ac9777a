//! Charts as inline SVG, drawn at build time.
//!
//! No script and no image files: the SVG is part of the page, scales with
//! it, prints sharply, and carries `role="img"` with a title and a
//! description that gives every value, so a screen reader hears the data.
//! Bars carry their value as text, so the chart also reads in greyscale.

use std::fmt::Write;

#[derive(Debug, Clone)]
pub struct ChartBlock {
    pub title: String,
    pub kind: ChartKind,
    pub bars: Vec<ChartBar>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Horizontal bars.
    Bar,
    /// Vertical columns.
    Column,
    /// One bar divided into parts of the whole.
    Stacked,
}

#[derive(Debug, Clone)]
pub struct ChartBar {
    pub label: String,
    pub value: f64,
    /// The value as the table shows it (£3.37m).
    pub display: String,
}

/// One bar: its label, its length, the value as printed, and a CSS class
/// for its colour.
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: f64,
    pub display: &'a str,
    pub class: String,
}

fn esc(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(&mut *out, s);
}

/// The bars of a chart block, each with the class (or attributes) `paint`
/// gives it by position.
pub fn bars_of<'a>(c: &'a ChartBlock, paint: impl Fn(usize) -> String) -> Vec<Bar<'a>> {
    c.bars
        .iter()
        .enumerate()
        .map(|(i, b)| Bar {
            label: &b.label,
            value: b.value,
            display: &b.display,
            class: paint(i),
        })
        .collect()
}

/// A chart; `id` keeps the title and description ids unique in the page.
pub fn bars(id: &str, title: &str, bars: &[Bar], vertical: bool) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let max = bars.iter().map(|b| b.value.abs()).fold(0.0f64, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.display))
        .collect();
    let mut svg = String::new();
    let (width, height) = if vertical {
        (70.0 * bars.len() as f64 + 20.0, 260.0)
    } else {
        (500.0, 30.0 * bars.len() as f64 + 10.0)
    };
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    let _ = write!(svg, "<title id=\"{id}-title\">");
    esc(&mut svg, title);
    let _ = write!(svg, "</title><desc id=\"{id}-desc\">");
    esc(&mut svg, &desc.join("; "));
    svg.push_str("</desc>");
    for (i, b) in bars.iter().enumerate() {
        if vertical {
            let x = 10.0 + 70.0 * i as f64;
            let h = (180.0 * b.value.abs() / max).max(2.0);
            let y = 200.0 - h;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"50\" height=\"{h:.1}\" class=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"chart-value\">",
                b.class,
                x + 25.0,
                y - 5.0
            );
            esc(&mut svg, b.display);
            let _ = write!(
                svg,
                "</text><text x=\"{:.1}\" y=\"220\" text-anchor=\"middle\" class=\"chart-label\">",
                x + 25.0
            );
            esc(&mut svg, b.label);
            svg.push_str("</text>");
        } else {
            let (label_w, bar_w) = (190.0, 220.0);
            let y = 5.0 + 30.0 * i as f64;
            let w = (bar_w * b.value.abs() / max).max(2.0);
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" class=\"chart-label\">",
                label_w - 8.0,
                y + 19.0
            );
            esc(&mut svg, b.label);
            let _ = write!(
                svg,
                "</text><rect x=\"{label_w}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"22\" class=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\">",
                y + 4.0,
                b.class,
                label_w + w + 6.0,
                y + 19.0
            );
            esc(&mut svg, b.display);
            svg.push_str("</text>");
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A single bar split into segments, for parts of a whole (statuses, shares
/// of a budget). Segments are separated by white gaps so that neighbouring
/// colours never touch, and the legend that goes with it is text.
pub fn stacked(id: &str, title: &str, bars: &[Bar]) -> String {
    let total: f64 = bars.iter().map(|b| b.value.max(0.0)).sum();
    if bars.is_empty() || total <= 0.0 {
        return String::new();
    }
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.display))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart chart-stacked\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 500 40\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    let _ = write!(svg, "<title id=\"{id}-title\">");
    esc(&mut svg, title);
    let _ = write!(svg, "</title><desc id=\"{id}-desc\">");
    esc(&mut svg, &desc.join("; "));
    svg.push_str("</desc>");
    let mut x = 0.0;
    for b in bars {
        let w = 500.0 * b.value.max(0.0) / total;
        if w <= 0.0 {
            continue;
        }
        let _ = write!(
            svg,
            "<rect x=\"{x:.2}\" y=\"4\" width=\"{w:.2}\" height=\"32\" class=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\"/>",
            b.class
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

/// The legend of a stacked bar: a swatch, the label, the value and its share.
pub fn legend(bars: &[Bar]) -> String {
    let total: f64 = bars.iter().map(|b| b.value.max(0.0)).sum();
    let mut out = String::from("<ul class=\"chart-legend\">");
    for b in bars {
        let share = if total > 0.0 {
            100.0 * b.value / total
        } else {
            0.0
        };
        let _ = write!(
            out,
            "<li><span class=\"swatch {}\" aria-hidden=\"true\"></span> ",
            b.class
        );
        esc(&mut out, b.label);
        out.push_str(": ");
        esc(&mut out, b.display);
        let _ = write!(out, " ({share:.0}%)</li>");
    }
    out.push_str("</ul>");
    out
}
