//! Colours as site.yaml writes them (`#1d70b8`, `#fff`), and the WCAG
//! contrast ratio between two, which the brand colours and the status
//! colours are checked against.

/// The red, green and blue of a `#rgb` or `#rrggbb` colour.
pub fn parse_hex(s: &str) -> Option<(u8, u8, u8)> {
    let h = s.strip_prefix('#')?;
    let full: String = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect(),
        6 => h.to_string(),
        _ => return None,
    };
    let v = u32::from_str_radix(&full, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

/// The colour written as `#rrggbb` in lower case.
pub fn normalise_hex(s: &str) -> String {
    let (r, g, b) = parse_hex(s).unwrap_or((0, 0, 0));
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// WCAG relative-luminance contrast ratio.
pub fn contrast_ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn lum((r, g, b): (u8, u8, u8)) -> f64 {
        let c = |v: u8| {
            let s = v as f64 / 255.0;
            if s <= 0.03928 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b)
    }
    let (la, lb) = (lum(a), lum(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_of_black_on_white_is_21() {
        assert!((contrast_ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
    }

    #[test]
    fn short_and_long_forms_are_the_same_colour() {
        assert_eq!(parse_hex("#fff"), Some((255, 255, 255)));
        assert_eq!(normalise_hex("#1D70B8"), "#1d70b8");
        assert_eq!(parse_hex("1d70b8"), None);
    }
}
