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

/// How wide a text is drawn at the charts' 14px, a little wider than most
/// fonts draw it so that nothing is clipped: labels and values get the room
/// they need rather than a fixed column.
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 8.2 + 4.0
}

/// The widest text of `texts`.
fn widest<'a>(texts: impl Iterator<Item = &'a str>) -> f64 {
    texts.map(text_width).fold(0.0, f64::max)
}

/// Words of `s` on lines no wider than `width`.
fn wrap(s: &str, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in s.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}")) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A chart; `id` keeps the title and description ids unique in the page.
/// Bars run from a zero line, so a negative figure points the other way.
///
/// The drawing is given its natural width (its text at the page's 14px) as
/// well as its view box, so a page shrinks it only on a screen narrower than
/// that and never blows it up; the width is returned for the PDF.
pub fn bars(id: &str, title: &str, bars: &[Bar], vertical: bool) -> (String, f64) {
    if bars.is_empty() {
        return (String::new(), 0.0);
    }
    let scale = Scale::of(bars);
    let desc: Vec<String> = bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.display))
        .collect();
    let (body, width, height) = if vertical {
        columns(bars, &scale)
    } else {
        rows(bars, &scale)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width:.1} {height:.1}\" width=\"{width:.0}\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    let _ = write!(svg, "<title id=\"{id}-title\">");
    esc(&mut svg, title);
    let _ = write!(svg, "</title><desc id=\"{id}-desc\">");
    esc(&mut svg, &desc.join("; "));
    svg.push_str("</desc>");
    svg.push_str(&body);
    svg.push_str("</svg>");
    (svg, width)
}

/// A wrapped label's lines, one under another from `x`, and the end of
/// their `<text>`.
fn label_lines(svg: &mut String, x: f64, lines: &[String]) {
    for (n, line) in lines.iter().enumerate() {
        let dy = if n == 0 { 0.0 } else { 17.0 };
        let _ = write!(svg, "<tspan x=\"{x:.1}\" dy=\"{dy}\">");
        esc(svg, line);
        svg.push_str("</tspan>");
    }
    svg.push_str("</text>");
}

/// The figures' range, always including zero.
struct Scale {
    low: f64,
    high: f64,
}

impl Scale {
    fn of(bars: &[Bar]) -> Scale {
        let low = bars.iter().map(|b| b.value).fold(0.0, f64::min);
        let high = bars.iter().map(|b| b.value).fold(0.0, f64::max);
        Scale { low, high }
    }

    fn span(&self) -> f64 {
        if self.high > self.low {
            self.high - self.low
        } else {
            1.0
        }
    }

    /// A bar's length along `room`: at least 2 so a small figure shows,
    /// nothing for zero.
    fn length(&self, value: f64, room: f64) -> f64 {
        if value == 0.0 {
            0.0
        } else {
            (room * value.abs() / self.span()).max(2.0)
        }
    }
}

const ZERO_LINE: &str = "stroke=\"#1b1b1b\" stroke-width=\"1\" class=\"chart-zero\"";

/// Horizontal bars, each under its label (a label beside its bar would
/// take the width a phone does not have); the value at the bar's end, on
/// whichever side it points.
fn rows(bars: &[Bar], scale: &Scale) -> (String, f64, f64) {
    let value_w = widest(bars.iter().map(|b| b.display)) + 6.0;
    let room = 200.0;
    let left = 4.0 + if scale.low < 0.0 { value_w } else { 0.0 };
    let zero = left + room * -scale.low / scale.span();
    let right = if scale.high > 0.0 || scale.low == 0.0 {
        value_w
    } else {
        0.0
    };
    let width = (left + room + right + 4.0).max(300.0);
    let labels: Vec<Vec<String>> = bars.iter().map(|b| wrap(b.label, width - 8.0)).collect();
    let mut svg = String::new();
    let mut y = 4.0;
    for (b, label) in bars.iter().zip(&labels) {
        let _ = write!(
            svg,
            "<text x=\"4\" y=\"{:.1}\" class=\"chart-label\">",
            y + 14.0
        );
        label_lines(&mut svg, 4.0, label);
        y += 17.0 * label.len() as f64 + 4.0;
        let len = scale.length(b.value, room);
        let x = if b.value < 0.0 { zero - len } else { zero };
        let (value_x, anchor) = if b.value < 0.0 {
            (x - 6.0, "end")
        } else {
            (x + len + 6.0, "start")
        };
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{len:.1}\" height=\"20\" class=\"{}\"/><text x=\"{value_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" class=\"chart-value\">",
            b.class,
            y + 15.0
        );
        esc(&mut svg, b.display);
        svg.push_str("</text>");
        // The zero line runs through the bars, not across their labels.
        if scale.low < 0.0 {
            let _ = write!(
                svg,
                "<line x1=\"{zero:.1}\" y1=\"{:.1}\" x2=\"{zero:.1}\" y2=\"{:.1}\" {ZERO_LINE}/>",
                y - 3.0,
                y + 23.0
            );
        }
        y += 30.0;
    }
    (svg, width, y)
}

/// Vertical columns: each as wide as its value, labels under the chart
/// wrapped onto lines as wide as the column's slot.
fn columns(bars: &[Bar], scale: &Scale) -> (String, f64, f64) {
    let value_w = widest(bars.iter().map(|b| b.display));
    let slot = (value_w + 20.0).clamp(70.0, 200.0);
    let room = 180.0;
    let top = 24.0;
    let zero = top + room * scale.high / scale.span();
    let below = top + room + if scale.low < 0.0 { 20.0 } else { 0.0 };
    let labels: Vec<Vec<String>> = bars.iter().map(|b| wrap(b.label, slot - 8.0)).collect();
    let lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let width = slot * bars.len() as f64 + 20.0;
    let height = below + 20.0 + 17.0 * lines;
    let mut svg = String::new();
    for (i, (b, label)) in bars.iter().zip(&labels).enumerate() {
        let middle = 10.0 + slot * i as f64 + slot / 2.0;
        let bar_w = slot - 20.0;
        let h = scale.length(b.value, room);
        let (y, value_y) = if b.value < 0.0 {
            (zero, zero + h + 16.0)
        } else {
            (zero - h, zero - h - 6.0)
        };
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" class=\"{}\"/><text x=\"{middle:.1}\" y=\"{value_y:.1}\" text-anchor=\"middle\" class=\"chart-value\">",
            middle - bar_w / 2.0,
            b.class
        );
        esc(&mut svg, b.display);
        let _ = write!(
            svg,
            "</text><text x=\"{middle:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"chart-label\">",
            below + 20.0
        );
        label_lines(&mut svg, middle, label);
    }
    if scale.low < 0.0 {
        let _ = write!(
            svg,
            "<line x1=\"6\" y1=\"{zero:.1}\" x2=\"{:.1}\" y2=\"{zero:.1}\" {ZERO_LINE}/>",
            width - 6.0
        );
    }
    (svg, width, height)
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
