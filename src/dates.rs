//! Dates as readers see them ("6 December 2023") and as machines do.

use jiff::civil::Date;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "6 December 2023": the form GOV.UK style uses; no leading zero, no ordinal.
pub fn long(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[(d.month() - 1) as usize],
        d.year()
    )
}

/// "March" for 3.
pub fn month_name(month: i8) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

/// The date a person wrote in another form, as rapport's `YYYY-MM-DD`, for
/// a hint: `31/03/2025`, `31.3.25` or `31-03-2025` (day first, as in the
/// UK), or `31 March 2025` / `31 Mar 2025`. None when it is no such date.
pub fn as_iso(written: &str) -> Option<String> {
    let parts: Vec<&str> = written
        .trim()
        .split(|c: char| c == '/' || c == '.' || c == '-' || c.is_whitespace() || c == ',')
        .filter(|p| !p.is_empty())
        .collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let day: i8 = day.parse().ok()?;
    let month: i8 = match month.parse() {
        Ok(m) => m,
        Err(_) => month_number(month)?,
    };
    let year: i16 = match year.parse::<i16>().ok()? {
        y @ 0..=99 => 2000 + y,
        y => y,
    };
    Date::new(year, month, day).ok().map(|d| d.to_string())
}

/// 3 for "March" or "Mar" (any case).
pub fn month_number(word: &str) -> Option<i8> {
    let word = word.to_lowercase();
    let i = MONTHS
        .iter()
        .position(|m| word.len() >= 3 && m.to_lowercase().starts_with(&word))?;
    Some(i as i8 + 1)
}

/// The hint for a date rapport cannot read: its ISO form when it is a date
/// in another form, else how to write one.
pub fn hint_for(written: &str, otherwise: &str) -> String {
    match as_iso(written) {
        Some(iso) => format!("write dates as YYYY-MM-DD: `{}` is `{iso}`", written.trim()),
        None => otherwise.to_string(),
    }
}

/// Today's date for generated files (such as `rapport init`'s example
/// report), from `SOURCE_DATE_EPOCH` when set so that output is reproducible.
pub fn today() -> Date {
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        && let Ok(ts) = jiff::Timestamp::from_second(secs)
    {
        return ts.to_zoned(jiff::tz::TimeZone::UTC).date();
    }
    jiff::Zoned::now().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_have_no_leading_zero() {
        assert_eq!(long(Date::new(2023, 12, 6).unwrap()), "6 December 2023");
    }

    #[test]
    fn dates_in_other_forms_are_given_in_iso() {
        assert_eq!(as_iso("31/03/2025").as_deref(), Some("2025-03-31"));
        assert_eq!(as_iso("1.4.24").as_deref(), Some("2024-04-01"));
        assert_eq!(as_iso("6 December 2023").as_deref(), Some("2023-12-06"));
        assert_eq!(as_iso("6 Dec 2023").as_deref(), Some("2023-12-06"));
        assert_eq!(as_iso("31/02/2025"), None);
        assert_eq!(as_iso("Quarter 3"), None);
        assert_eq!(as_iso("2025"), None);
    }
}
