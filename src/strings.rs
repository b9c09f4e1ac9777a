//! Interface strings: every word the theme shows readers that is not the
//! report's own ("Contents", "Skip to main content", "Last updated").
//!
//! Why a file and not text in templates: a Welsh public body publishes in
//! two languages from one theme, and an organisation says "Our reports"
//! where the default says "Reports". Templates ask for a string by key
//! (`{{ t(key="contents") }}`); the words come from the theme's strings
//! file for the site's language, overridden by the site. As with Hugo's
//! `i18n` files, a string the site does not set falls back to the theme's
//! English, so a new string never leaves a blank.
//!
//! Lookup, last wins: the built-in English (complete), the built-in file
//! for the site's language, the theme's `themes/<theme>/i18n/<lang>.yaml`,
//! the site's `i18n/<lang>.yaml`, then `strings:` in site.yaml. `<lang>` is
//! the site's `language` (`en-GB`), then its first part (`en`).

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::vfs::FileSystem;
use crate::yaml::{self, Spanned};

/// One string: plain, or a form per plural category.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    Text(String),
    List(Vec<String>),
    Plural(BTreeMap<String, String>),
}

/// The plural categories of CLDR that a string may give.
const CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

#[derive(Debug, Clone)]
pub struct Strings {
    entries: HashMap<String, Entry>,
    /// The language whose plural rules apply (`en`, `cy`).
    language: String,
}

impl Default for Strings {
    /// The built-in English.
    fn default() -> Self {
        let mut s = Strings {
            entries: HashMap::new(),
            language: "en".into(),
        };
        let english =
            crate::theme::embedded_text("i18n/en.yaml").expect("the theme has i18n/en.yaml");
        let map: BTreeMap<String, Entry> = yaml::parse("(built-in theme)/i18n/en.yaml", english, 0)
            .expect("the built-in strings parse (unit test)");
        s.entries.extend(map);
        s
    }
}

impl Strings {
    /// The strings for the site's language, with the theme's and the
    /// site's overrides. A key that the built-in English does not have is
    /// a warning (a misspelt key would otherwise change nothing, silently).
    pub fn load(
        fs: &dyn FileSystem,
        language: &str,
        theme: &str,
        overrides: &BTreeMap<String, Spanned<Entry>>,
        overrides_file: &str,
        diags: &Diagnostics,
        sources: &SourceMap,
    ) -> Strings {
        let mut strings = Strings::default();
        let primary = language
            .split('-')
            .next()
            .unwrap_or(language)
            .to_ascii_lowercase();
        strings.language = primary.clone();
        let mut names = vec![primary.clone()];
        if !language.eq_ignore_ascii_case(&primary) {
            names.push(language.to_string());
        }
        for name in &names {
            if let Some(text) = crate::theme::embedded_text(&format!("i18n/{name}.yaml")) {
                let file = format!("(built-in theme)/i18n/{name}.yaml");
                strings.merge_file(&file, text, diags, sources);
            }
        }
        for dir in [format!("themes/{theme}/i18n"), "i18n".to_string()] {
            for name in &names {
                let path = format!("{dir}/{name}.yaml");
                if let Ok(text) = crate::sources::read_text(sources, fs, &path, diags) {
                    strings.merge_file(&path, &text, diags, sources);
                }
            }
        }
        for (key, entry) in overrides {
            let span = yaml::span_of(entry, 0);
            if let Some(d) = strings.set(key, entry.value.clone()) {
                diags.push(d.config().in_file(overrides_file.to_string()).at(span));
            }
        }
        strings
    }

    fn merge_file(&mut self, file: &str, text: &str, diags: &Diagnostics, sources: &SourceMap) {
        sources.insert(file, text.into());
        let map: BTreeMap<String, Spanned<Entry>> = match yaml::parse(file, text, 0) {
            Ok(m) => m,
            Err(d) => {
                diags.push(d.config());
                return;
            }
        };
        for (key, entry) in map {
            let span = yaml::span_of(&entry, 0);
            if let Some(d) = self.set(&key, entry.value) {
                diags.push(d.config().in_file(file.to_string()).at(span));
            }
        }
    }

    /// Sets one string; a problem if the key is unknown or the shape is
    /// not the built-in one's.
    fn set(&mut self, key: &str, entry: Entry) -> Option<Diagnostic> {
        let Some(existing) = self.entries.get(key) else {
            let nearest = crate::diagnostics::nearest(key, self.entries.keys().map(String::as_str));
            let hint = match nearest {
                Some(k) => format!("did you mean `{k}`? The keys are those of the theme's i18n/en.yaml"),
                None => "the keys are those of the theme's i18n/en.yaml (`rapport theme export` writes it)".into(),
            };
            return Some(
                Diagnostic::warning(
                    "unknown-string",
                    format!("there is no interface string `{key}`"),
                )
                .with_hint(hint),
            );
        };
        let same_shape = matches!(
            (existing, &entry),
            (Entry::Text(_), Entry::Text(_))
                | (Entry::List(_), Entry::List(_))
                | (Entry::Plural(_), Entry::Plural(_))
        );
        if !same_shape {
            return Some(
                Diagnostic::error(
                    "bad-string",
                    format!("the string `{key}` has the wrong form"),
                )
                .with_hint(match existing {
                    Entry::Text(_) => "give one line of text".to_string(),
                    Entry::List(l) => format!("give a list of {} items", l.len()),
                    Entry::Plural(_) => {
                        "give a form per count, such as `one: ...` and `other: ...`".to_string()
                    }
                }),
            );
        }
        if let Entry::Plural(forms) = &entry
            && let Some(bad) = forms.keys().find(|k| !CATEGORIES.contains(&k.as_str()))
        {
            return Some(
                Diagnostic::error(
                    "bad-string",
                    format!("`{bad}` is not a plural form of `{key}`"),
                )
                .with_hint("the forms are zero, one, two, few, many and other; `other` is needed"),
            );
        }
        self.entries.insert(key.to_string(), entry);
        None
    }

    /// The string `key` for the count `count` (plural strings need one),
    /// with each `{name}` replaced by its argument. Arguments are inserted
    /// as given: the caller escapes.
    pub fn format(
        &self,
        key: &str,
        count: Option<i64>,
        args: &[(&str, &str)],
    ) -> Result<String, String> {
        let template = match self.entries.get(key) {
            None => {
                return Err(format!(
                    "there is no interface string `{key}` (see the theme's i18n/en.yaml)"
                ));
            }
            Some(Entry::Text(t)) => t.as_str(),
            Some(Entry::List(_)) => {
                return Err(format!("the string `{key}` is a list, not a sentence"));
            }
            Some(Entry::Plural(forms)) => {
                let n = count.ok_or(format!(
                    "the string `{key}` depends on a number: give `count=`"
                ))?;
                let category = plural_category(&self.language, n);
                forms
                    .get(category)
                    .or_else(|| forms.get("other"))
                    .ok_or(format!("the string `{key}` has no `other` form"))?
            }
        };
        Ok(fill(template, count, args))
    }

    /// The strings that are one text (not a list, not forms per count),
    /// by key.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().filter_map(|(k, e)| match e {
            Entry::Text(t) => Some((k.as_str(), t.as_str())),
            _ => None,
        })
    }

    /// A list of strings (`months`).
    pub fn list(&self, key: &str) -> Option<&[String]> {
        match self.entries.get(key)? {
            Entry::List(l) => Some(l),
            _ => None,
        }
    }

    /// A date in this language's long form ("6 December 2023").
    pub fn date_long(&self, d: Date) -> String {
        self.date_with("date_long", d)
    }

    /// A month and year ("March 2020").
    pub fn month_year(&self, d: Date) -> String {
        self.date_with("date_month", d)
    }

    fn date_with(&self, key: &str, d: Date) -> String {
        let month = self
            .list("months")
            .and_then(|m| m.get((d.month() - 1) as usize))
            .cloned()
            .unwrap_or_else(|| crate::dates::month_name(d.month()).to_string());
        let (day, year) = (d.day().to_string(), d.year().to_string());
        self.format(
            key,
            None,
            &[("day", &day), ("month", &month), ("year", &year)],
        )
        .unwrap_or_else(|_| crate::dates::long(d))
    }

    /// Every key, for the tests that compare templates with the file.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

/// The strings the theme's scripts show, by the name the scripts use.
const SCRIPT_STRINGS: &[(&str, &str)] = &[
    ("searchFilterType", "search_filter_type"),
    ("searchFilterReport", "search_filter_report"),
    ("searchFilterStatus", "status"),
    ("searchFilterTheme", "theme"),
    ("searchTypePage", "search_type_page"),
    ("searchSection", "search_section"),
    ("searchOffline", "search_offline"),
    ("searchUnavailable", "search_unavailable"),
    ("searchFor", "search_for"),
    ("searchNoResults", "search_no_results"),
    ("searchResults", "search_results"),
    ("searchResultsFirst", "search_results_first"),
    ("searchAllResults", "search_all_results"),
    ("trackerShowing", "tracker_showing"),
];

impl Strings {
    /// `assets/strings.js`: the strings the theme's scripts show, as
    /// `window.rapportStrings`. A string with forms per count gives one
    /// entry per plural category (`searchResultsOne`, `searchResultsOther`,
    /// ...), which the scripts pick with the browser's `Intl.PluralRules`.
    pub fn script(&self) -> String {
        let mut map = serde_json::Map::new();
        for (name, key) in SCRIPT_STRINGS {
            match self.entries.get(*key) {
                Some(Entry::Text(t)) => {
                    map.insert(name.to_string(), t.clone().into());
                }
                Some(Entry::Plural(forms)) => {
                    for (category, text) in forms {
                        let mut upper = category.clone();
                        upper[..1].make_ascii_uppercase();
                        map.insert(format!("{name}{upper}"), text.clone().into());
                    }
                }
                _ => {}
            }
        }
        // A file of its own (not inline in a page), so no `</script>` in a
        // string can end it: JSON as it is is a safe script.
        format!(
            "// Generated by rapport from the theme's interface strings.\nwindow.rapportStrings = {};\n",
            serde_json::Value::Object(map)
        )
    }
}

/// `{name}` replaced by its argument, `{count}` by the count.
fn fill(template: &str, count: Option<i64>, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    fill_places(template, &mut out, |name, out| {
        match (name, args.iter().find(|(n, _)| *n == name)) {
            (_, Some((_, value))) => out.push_str(value),
            ("count", None) if count.is_some() => {
                out.push_str(&count.unwrap_or_default().to_string())
            }
            _ => return false,
        }
        true
    });
    out
}

/// Writes `template` to `out`, each `{name}` replaced by what `place`
/// writes for it; a place `place` does not fill (it returns false) stays
/// as written. The one reader of `{places}`, for `format` and for the
/// templates' `t()`.
pub fn fill_places(
    template: &str,
    out: &mut String,
    mut place: impl FnMut(&str, &mut String) -> bool,
) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let name = &after[..close];
        if !place(name, out) {
            out.push('{');
            out.push_str(name);
            out.push('}');
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

/// The CLDR plural category of `n` in `language`. English and most
/// languages rapport's users write in have one and other; Welsh has six.
pub fn plural_category(language: &str, n: i64) -> &'static str {
    match language {
        "cy" => match n {
            0 => "zero",
            1 => "one",
            2 => "two",
            3 => "few",
            6 => "many",
            _ => "other",
        },
        _ => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_english_parses_and_fills_plurals_and_arguments() {
        let s = Strings::default();
        assert_eq!(s.list("months").unwrap().len(), 12);
        assert_eq!(
            s.date_long(Date::new(2023, 12, 6).unwrap()),
            "6 December 2023"
        );
        assert_eq!(s.month_year(Date::new(2020, 3, 1).unwrap()), "March 2020");
        let err = s.format("no_such_key", None, &[]).unwrap_err();
        assert!(err.contains("no interface string `no_such_key`"), "{err}");
    }

    #[test]
    fn welsh_counts_take_six_forms() {
        let forms: Vec<_> = [0, 1, 2, 3, 4, 6, 10]
            .iter()
            .map(|n| plural_category("cy", *n))
            .collect();
        assert_eq!(
            forms,
            ["zero", "one", "two", "few", "other", "many", "other"]
        );
        assert_eq!(plural_category("en", 1), "one");
        assert_eq!(plural_category("en", 0), "other");
    }

    #[test]
    fn arguments_fill_their_places_and_unknown_places_stay() {
        assert_eq!(
            fill("{count} of {total} {what}", Some(3), &[("total", "7")]),
            "3 of 7 {what}"
        );
    }

    #[test]
    fn a_misspelt_override_is_a_warning_with_the_key_it_meant() {
        let mut s = Strings::default();
        let d = s
            .set("contnets", Entry::Text("In this report".into()))
            .unwrap();
        assert_eq!(d.code, "unknown-string");
        assert!(d.hint.unwrap().contains("`contents`"));
        assert!(
            s.set("contents", Entry::Text("In this report".into()))
                .is_none()
        );
        assert_eq!(s.format("contents", None, &[]).unwrap(), "In this report");
        let d = s.set("months", Entry::Text("x".into())).unwrap();
        assert_eq!(d.code, "bad-string");
    }
}
