//! The functions and filters rapport gives templates beyond Tera's own:
//! `now()`, `date`, `plural` and `asset_url()` (documented for theme
//! authors in docs/themes.md, "Functions").
//!
//! Tera 2 leaves dates to the application, and a theme cannot know how this
//! site spells its dates or where its files end up; these keep the build
//! deterministic (`now()` reads `SOURCE_DATE_EPOCH`, as `rapport init` and
//! the "last updated" dates do) and the markup in the template.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use jiff::civil::Date;

use crate::dates;
use crate::output::{Output, OutputFile};
use crate::strings::Strings;

/// `now()`: the build's date as `YYYY-MM-DD`, from `SOURCE_DATE_EPOCH` when
/// set, so that two builds of the same sources give the same pages.
pub struct Now(pub Date);

impl tera::Function<tera::TeraResult<tera::Value>> for Now {
    fn call(&self, _: tera::Kwargs, _: &tera::State) -> tera::TeraResult<tera::Value> {
        Ok(tera::Value::from(self.0.to_string()))
    }
}

/// `{{ x | date }}`, `{{ x | date(format="month") }}`: a date (`YYYY-MM-DD`,
/// `YYYY-MM`, or a `{iso, display}` view) in one of the forms readers see,
/// in the site's language.
pub struct DateFilter(pub Arc<Strings>);

impl tera::Filter<tera::Value, tera::TeraResult<String>> for DateFilter {
    fn call(
        &self,
        value: tera::Value,
        kwargs: tera::Kwargs,
        _: &tera::State,
    ) -> tera::TeraResult<String> {
        let format: &str = kwargs.get("format")?.unwrap_or("long");
        let iso = iso_text(&value).ok_or_else(|| {
            tera::Error::message(format!(
                "date: expected a date such as \"2025-03-31\" or a {{iso, display}} value, got {}",
                value.name()
            ))
        })?;
        format_date(&self.0, &iso, format).map_err(tera::Error::message)
    }
}

/// The ISO text of a date value: the text itself, or a view's `iso` field.
fn iso_text(value: &tera::Value) -> Option<String> {
    if let Some(s) = value.as_str() {
        return Some(s.to_string());
    }
    value
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some("iso"))
        .and_then(|(_, v)| v.as_str().map(str::to_string))
}

/// The forms `date` knows, by name, or a `strftime` pattern (any format with
/// a `%`).
pub fn format_date(strings: &Strings, iso: &str, format: &str) -> Result<String, String> {
    // A month alone ("2020-03") is a date too: progress updates are dated so.
    let (date, month_only) = match iso.parse::<Date>() {
        Ok(d) => (d, false),
        Err(_) => match format!("{iso}-01").parse::<Date>() {
            Ok(d) if iso.len() == 7 => (d, true),
            _ => return Err(format!("date: `{iso}` is not a date (write YYYY-MM-DD)")),
        },
    };
    let month = strings
        .list("months")
        .and_then(|m| m.get((date.month() - 1) as usize))
        .map(String::as_str)
        .unwrap_or_else(|| dates::month_name(date.month()));
    let short: String = month.chars().take(3).collect();
    Ok(match format {
        "long" if month_only => strings.month_year(date),
        "long" => strings.date_long(date),
        "short" if month_only => format!("{short} {}", date.year()),
        "short" => format!("{} {short} {}", date.day(), date.year()),
        "month" => strings.month_year(date),
        "year" => date.year().to_string(),
        "iso" if month_only => iso.to_string(),
        "iso" => date.to_string(),
        pattern if pattern.contains('%') => jiff::fmt::strtime::format(pattern, date)
            .map_err(|e| format!("date: cannot use the format `{pattern}`: {e}"))?,
        other => {
            return Err(format!(
                "date: unknown format `{other}`; use long, short, month, year, iso or a strftime pattern such as \"%d/%m/%Y\""
            ));
        }
    })
}

/// `{{ n | plural(one="recommendation", other="recommendations") }}`: the
/// word that goes with the count `n` (1 takes `one`, every other count
/// `other`). The number is not repeated, so a theme writes
/// `{{ n }} {{ n | plural(...) }}` and can put markup between the two.
pub fn plural(
    value: tera::Value,
    kwargs: tera::Kwargs,
    _: &tera::State,
) -> tera::TeraResult<String> {
    let one: &str = kwargs.must_get("one")?;
    let other: &str = kwargs.must_get("other")?;
    let n = value.as_i128().ok_or_else(|| {
        tera::Error::message(format!(
            "plural: expected a whole number, got {}",
            value.name()
        ))
    })?;
    Ok(if n == 1 { one } else { other }.to_string())
}

/// `asset_url(path="assets/style.css")`: the file's address from the site
/// root with a fingerprint of its content (`assets/style.css?v=1a2b3c4d`),
/// so browsers and caches can keep it until it changes. A path the site does
/// not publish is an error, not a broken link.
///
/// Each file is read and fingerprinted the first time a template asks for
/// it, so a site whose theme never calls `asset_url` pays nothing.
#[derive(Default)]
pub struct AssetUrl(Arc<HashMap<String, Asset>>);

struct Asset {
    file: OutputFile,
    fingerprint: OnceLock<Option<String>>,
}

impl AssetUrl {
    pub fn new(files: &Output) -> AssetUrl {
        AssetUrl(Arc::new(
            files
                .files
                .iter()
                .map(|(path, file)| {
                    let asset = Asset {
                        file: file.clone(),
                        fingerprint: OnceLock::new(),
                    };
                    (path.clone(), asset)
                })
                .collect(),
        ))
    }
}

impl tera::Function<tera::TeraResult<tera::Value>> for AssetUrl {
    fn call(&self, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<tera::Value> {
        let path: &str = kwargs.must_get("path")?;
        let path = path.trim_start_matches('/');
        let Some(asset) = self.0.get(path) else {
            return Err(tera::Error::message(format!(
                "asset_url: the site publishes no file `{path}`; give a path from the site root such as assets/style.css or static/logo.svg"
            )));
        };
        let fingerprint = asset
            .fingerprint
            .get_or_init(|| asset.file.bytes().ok().map(|b| fingerprint(&b)));
        Ok(tera::Value::from(match fingerprint {
            Some(f) => format!("{path}?v={f}"),
            // Unreadable: writing the file reports why.
            None => path.to_string(),
        }))
    }
}

/// `t(key="contents")`: an interface string in the site's language
/// ([`crate::strings`]). `count=` picks the plural form and fills
/// `{count}`; every other argument fills the place of its name. The
/// string and the arguments are escaped, except arguments marked `| safe`
/// (a `<time>` element inside a sentence).
#[derive(Clone)]
pub struct Translate {
    strings: Arc<Strings>,
    /// Each plain string (no places, no forms), escaped once: most calls
    /// are `t(key="contents")`, made on every page, and then cost a lookup.
    plain: HashMap<String, tera::Value>,
    /// Each one-form string with `{places}`, escaped once (the places
    /// survive escaping), to be filled on each call.
    with_places: HashMap<String, String>,
}

impl Translate {
    pub fn new(strings: Arc<Strings>) -> Translate {
        let mut plain = HashMap::new();
        let mut with_places = HashMap::new();
        for (key, text) in strings.texts() {
            let mut escaped = String::new();
            crate::markdown::html::esc(&mut escaped, text);
            if text.contains('{') {
                with_places.insert(key.to_string(), escaped);
            } else {
                plain.insert(key.to_string(), tera::Value::safe_string(&escaped));
            }
        }
        Translate {
            strings,
            plain,
            with_places,
        }
    }
}

impl Translate {
    /// The escaped text of a string with one form, `{places}` and all:
    /// what `t(key=...)` fills in whatever the page ([`super::fold`]).
    pub fn one_form_text(&self, key: &str) -> Option<&str> {
        match self.plain.get(key) {
            Some(v) => v.as_str(),
            None => self.with_places.get(key).map(String::as_str),
        }
    }
}

impl tera::Function<tera::TeraResult<tera::Value>> for Translate {
    fn call(&self, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<tera::Value> {
        let key: &str = kwargs.must_get("key")?;
        if let Some(v) = self.plain.get(key)
            && kwargs.iter().nth(1).is_none()
        {
            return Ok(v.clone());
        }
        let count = match kwargs.get::<&tera::Value>("count")? {
            None => None,
            Some(v) => Some(v.as_i64().ok_or_else(|| {
                tera::Error::message(format!(
                    "t: `count` must be a whole number, got {}",
                    v.name()
                ))
            })?),
        };
        let formed;
        let template: &str = match self.with_places.get(key) {
            Some(t) => t,
            None => {
                // A plural (its form depends on the count), or a key that
                // does not exist, which `format` explains.
                let text = self
                    .strings
                    .format(key, count, &[])
                    .map_err(tera::Error::message)?;
                let mut escaped = String::new();
                crate::markdown::html::esc(&mut escaped, &text);
                formed = escaped;
                &formed
            }
        };
        Ok(tera::Value::safe_string(&fill(template, count, &kwargs)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// An escaped string with each `{name}` replaced by the argument of that
/// name (escaped, unless marked safe) and `{count}` by the count; a place
/// with no argument stays as it is.
fn fill(template: &str, count: Option<i64>, kwargs: &tera::Kwargs) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    crate::strings::fill_places(template, &mut out, |name, out| {
        let value = (name != "key" && name != "count")
            .then(|| kwargs.get::<&tera::Value>(name).ok().flatten())
            .flatten();
        match (value, count) {
            (Some(v), _) => match v.as_str() {
                Some(s) if v.is_safe() => out.push_str(s),
                Some(s) => crate::markdown::html::esc(out, s),
                None => crate::markdown::html::esc(out, &v.to_string()),
            },
            (None, Some(n)) if name == "count" => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("{n}"));
            }
            _ => return false,
        }
        true
    });
    out
}

/// The fingerprint `asset_url` adds: the first 8 hex digits of the file's
/// SHA-256, which stays the same across rapport versions and machines.
pub fn fingerprint(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_take_every_named_form_and_strftime() {
        let s = Strings::default();
        let format_date = |iso: &str, f: &str| super::format_date(&s, iso, f);
        assert_eq!(format_date("2025-03-31", "long").unwrap(), "31 March 2025");
        assert_eq!(format_date("2025-03-31", "short").unwrap(), "31 Mar 2025");
        assert_eq!(format_date("2025-03-31", "month").unwrap(), "March 2025");
        assert_eq!(format_date("2025-03-31", "year").unwrap(), "2025");
        assert_eq!(format_date("2025-03-31", "%d/%m/%Y").unwrap(), "31/03/2025");
        assert_eq!(format_date("2020-03", "long").unwrap(), "March 2020");
        assert_eq!(format_date("2020-03", "iso").unwrap(), "2020-03");
        let err = format_date("31/03/2025", "long").unwrap_err();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
        let err = format_date("2025-03-31", "fancy").unwrap_err();
        assert!(err.contains("unknown format `fancy`"), "{err}");
    }

    #[test]
    fn fingerprints_are_sha256_prefixes() {
        // SHA-256("abc") starts ba7816bf.
        assert_eq!(fingerprint(b"abc"), "ba7816bf");
    }
}
