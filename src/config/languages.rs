//! The languages a site is published in, from `languages:` in site.yaml
//! (docs/languages.md): each one's tag, folder, name in itself and
//! reports, and the site's title, description, publisher and
//! accessibility statement in it. The default language is `language:`,
//! published at the site root; `crate::translation` loads the others.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::{Accessibility, Problems, SiteConfig};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::yaml::{self, Spanned};

/// A further language as site.yaml gives it under `languages:`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLanguage {
    /// Its BCP 47 tag: `cy`, `cy-GB`.
    tag: Spanned<String>,
    /// Its name in itself, for the language switcher (`Cymraeg`).
    name: Option<String>,
    /// Its folder in the output (`cy`); the tag's first part by default.
    path: Option<Spanned<String>>,
    /// Put it before the default language in the switcher.
    #[serde(default)]
    first: bool,
    /// The reports published in it; every report when not given.
    reports: Option<Vec<Spanned<String>>>,
    title: Option<String>,
    description: Option<String>,
    organisation: Option<String>,
    accessibility: Option<Accessibility>,
    strings: Option<BTreeMap<String, Spanned<crate::strings::Entry>>>,
}

/// One of the languages a site is published in.
#[derive(Debug, Clone)]
pub struct Language {
    /// BCP 47, as in `lang` attributes: `cy`.
    pub tag: String,
    /// What marks a translation's file name: `cy` in `01-intro.cy.md`.
    pub suffix: String,
    /// Its folder in the output, without slashes; empty for the site root.
    pub path: String,
    /// Its name in itself: `Cymraeg`.
    pub name: String,
    /// Listed before the default language.
    pub first: bool,
    /// The report folders published in it (`None`: all of them).
    pub reports: Option<Vec<String>>,
    title: Option<String>,
    description: Option<String>,
    organisation: Option<String>,
    accessibility: Option<Accessibility>,
    pub strings: BTreeMap<String, Spanned<crate::strings::Entry>>,
    /// Where it is given in site.yaml.
    pub(crate) at: Span,
}

impl Language {
    /// The folder prefix of its pages: `cy/`, or empty at the site root.
    pub fn prefix(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            format!("{}/", self.path)
        }
    }

    /// Whether the report in folder `slug` is published in this language.
    pub fn has_report(&self, slug: &str) -> bool {
        self.reports
            .as_ref()
            .is_none_or(|r| r.iter().any(|s| s == slug))
    }

    /// Puts this language's title, description and accessibility
    /// statement in place of the default's; what it does not give is a
    /// `missing-translation` error at its entry in site.yaml.
    pub(crate) fn apply(
        &self,
        title: &mut String,
        description: &mut Option<String>,
        accessibility: &mut Option<Accessibility>,
        diags: &Diagnostics,
    ) {
        let missing = |what: &str| {
            diags.push(
                missing_translation(format!(
                    "the site's {what} is not given in {} (`{}`)",
                    self.name, self.tag
                ))
                .config()
                .in_file(crate::config::CONFIG_FILE)
                .at(self.at.clone())
                .with_hint(format!(
                    "add `{what}:` under this language in site.yaml, in {}",
                    self.name
                )),
            )
        };
        match &self.title {
            Some(t) => *title = t.clone(),
            None => missing("title"),
        }
        match (&self.description, description.is_some()) {
            (Some(d), _) => *description = Some(d.clone()),
            (None, true) => missing("description"),
            (None, false) => {}
        }
        match (&self.accessibility, accessibility.as_ref()) {
            (Some(a), _) => *accessibility = Some(a.clone()),
            (None, Some(a)) if !a.known_issues.is_empty() => missing("accessibility"),
            _ => {}
        }
    }
}

/// A `missing-translation` error (which `checks:` may make a warning).
pub fn missing_translation(message: impl Into<String>) -> Diagnostic {
    Diagnostic::error("missing-translation", message)
}

/// Names languages are known by in themselves, for a switcher when
/// site.yaml gives none.
const NAMES: &[(&str, &str)] = &[
    ("cy", "Cymraeg"),
    ("en", "English"),
    ("ga", "Gaeilge"),
    ("gd", "Gàidhlig"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("pl", "Polski"),
    ("ur", "اردو"),
];

fn primary(tag: &str) -> String {
    tag.split('-').next().unwrap_or(tag).to_ascii_lowercase()
}

fn own_name(tag: &str) -> String {
    let p = primary(tag);
    NAMES
        .iter()
        .find(|(t, _)| *t == p)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| tag.to_string())
}

pub(crate) fn valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.split('-').all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && tag.split('-').next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// The site's languages from site.yaml, the default first; empty when it
/// names no further language. Each problem is reported at its line.
pub(crate) fn languages(
    default_tag: &str,
    default_path: Option<Spanned<String>>,
    raw: Vec<Spanned<RawLanguage>>,
    p: &mut Problems,
) -> Vec<Language> {
    if raw.is_empty() {
        if let Some(path) = default_path {
            p.push(
                Diagnostic::error(
                    "bad-language",
                    "`language_path` gives the default language a folder, but the site has no other language",
                )
                .at(yaml::span_of(&path, 0))
                .with_hint("remove it, or list the site's other languages under `languages:`"),
            );
        }
        return Vec::new();
    }
    // The default language is published at the site root unless it is
    // given a folder of its own (`language_path: en`).
    let default = Language {
        tag: default_tag.to_string(),
        suffix: primary(default_tag),
        path: default_path
            .as_ref()
            .map(|p| p.value.trim_matches('/').to_string())
            .unwrap_or_default(),
        name: own_name(default_tag),
        first: false,
        reports: None,
        title: None,
        description: None,
        organisation: None,
        accessibility: None,
        strings: BTreeMap::new(),
        at: default_path
            .as_ref()
            .map(|p| yaml::span_of(p, 0))
            .unwrap_or(Span::point(1, 1)),
    };
    let mut all = vec![default];
    for entry in raw {
        let at = yaml::span_of(&entry, 0);
        let r = entry.value;
        let tag = r.tag.value.trim().to_string();
        if !valid_tag(&tag) {
            p.push(
                Diagnostic::error("bad-language", format!("`{tag}` is not a language tag"))
                    .at(yaml::span_of(&r.tag, 0))
                    .with_hint("write a BCP 47 tag such as `cy` (Welsh) or `cy-GB`"),
            );
            continue;
        }
        let suffix = primary(&tag);
        let path = r
            .path
            .as_ref()
            .map(|p| p.value.trim_matches('/').to_string())
            .unwrap_or_else(|| suffix.clone());
        all.push(Language {
            name: r.name.unwrap_or_else(|| own_name(&tag)),
            tag,
            suffix,
            path,
            first: r.first,
            reports: r
                .reports
                .map(|list| list.into_iter().map(|s| s.value).collect()),
            title: r.title,
            description: r.description,
            organisation: r.organisation,
            accessibility: r.accessibility,
            strings: r.strings.unwrap_or_default(),
            at,
        });
    }
    check_languages(&all, p);
    all
}

/// Two languages with one file suffix or one folder, or a folder that is
/// not a plain name, are refused.
fn check_languages(all: &[Language], p: &mut Problems) {
    let mut suffixes = HashSet::new();
    let mut paths = HashSet::new();
    for l in all {
        if !paths.insert(l.path.clone()) {
            let at = if l.path.is_empty() {
                "the site root".to_string()
            } else {
                format!("`{}/`", l.path)
            };
            p.push(
                Diagnostic::error(
                    "bad-language",
                    format!("two languages are published at {at}"),
                )
                .at(l.at.clone())
                .with_hint("give each language its own `path:`; one may be the site root"),
            );
        }
        if !suffixes.insert(l.suffix.clone()) {
            p.push(
                Diagnostic::error(
                    "bad-language",
                    format!("two of the site's languages are `{}`", l.suffix),
                )
                .at(l.at.clone())
                .with_hint("give each language once"),
            );
        }
        if l.path.is_empty() {
            continue;
        }
        let plain = l
            .path
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !plain || crate::addresses::taken_by_site(&l.path) {
            p.push(
                Diagnostic::error(
                    "bad-language",
                    format!("`{}` cannot be a language's folder", l.path),
                )
                .at(l.at.clone())
                .with_hint("use lower-case letters, digits and hyphens, such as `cy`"),
            );
        }
    }
}

/// The settings as one language sees them: its organisation's name and
/// its own address under the site's.
pub(crate) fn localise(mut config: SiteConfig, current: usize) -> SiteConfig {
    let Some(lang) = config.languages.get(current).cloned() else {
        return config;
    };
    if let Some(org) = &lang.organisation {
        config.organisation = org.clone();
        config.publisher.name = org.clone();
    }
    if !config.base_url.is_empty() {
        config.base_url.push_str(&lang.prefix());
    }
    config
}

/// The languages in the order a switcher lists them: any marked `first`,
/// then the rest as site.yaml gives them.
pub fn in_order(languages: &[Language]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..languages.len())
        .filter(|&i| languages[i].first)
        .collect();
    order.extend((0..languages.len()).filter(|&i| !languages[i].first));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked() {
        assert!(valid_tag("cy"));
        assert!(valid_tag("cy-GB"));
        assert!(!valid_tag("Welsh language"));
        assert!(!valid_tag(""));
    }

    #[test]
    fn a_language_marked_first_leads_the_switcher() {
        let diags = Diagnostics::new();
        let mut p = Problems::in_file(&diags, "site.yaml");
        let raw: Vec<Spanned<RawLanguage>> =
            crate::yaml::parse("site.yaml", "- tag: cy\n  title: T\n  first: true\n", 0).unwrap();
        let all = languages("en-GB", None, raw, &mut p);
        assert!(diags.sorted().is_empty(), "{:?}", diags.sorted());
        assert_eq!(all[1].name, "Cymraeg");
        assert_eq!(all[1].prefix(), "cy/");
        assert_eq!(all[0].prefix(), "");
        assert_eq!(in_order(&all), [1, 0]);
    }

    #[test]
    fn a_language_s_folder_cannot_be_one_of_the_site_s_addresses() {
        let diags = Diagnostics::new();
        let mut p = Problems::in_file(&diags, "site.yaml");
        let raw: Vec<Spanned<RawLanguage>> =
            crate::yaml::parse("site.yaml", "- tag: cy\n  path: search\n", 0).unwrap();
        languages("en-GB", None, raw, &mut p);
        let found = diags.sorted();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "bad-language");
        assert_eq!(found[0].message, "`search` cannot be a language's folder");
    }
}
