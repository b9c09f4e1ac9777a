//! The status vocabulary: what a recommendation's status may be.
//!
//! A site may replace the defaults in `site.yaml`, because organisations
//! already have their own words ("on track", "off track", "complete") and
//! rapport should publish theirs, not ours. Authors may write a status by its
//! key or its label in any case (`carried forward`, `carried-forward`,
//! `Carried Forward`), since the same people type them into spreadsheets.

use serde::{Deserialize, Serialize};

use crate::strings::Strings;

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Stable identifier used in addresses and data files (`in-progress`).
    pub key: String,
    pub label: String,
    /// Badge colour, `#rrggbb`.
    pub colour: String,
    /// Text colour for the badge, chosen for contrast (white or near-black).
    pub text_colour: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStatus {
    pub key: Option<String>,
    pub label: String,
    pub colour: String,
    #[serde(default)]
    pub description: String,
}

/// The default statuses of a recommendation, with their badge colours.
/// Their labels and descriptions are interface strings
/// (`status_in_progress`, `status_in_progress_description`), so a site in
/// another language, or with its own words, changes them as it changes any
/// other text.
const DEFAULTS: &[(&str, &str)] = &[
    ("not-started", "#505a5f"),
    ("in-progress", "#1d70b8"),
    ("implemented", "#00703c"),
    ("partly-implemented", "#8f4e00"),
    ("not-achieved", "#a8281a"),
    ("superseded", "#5e3c99"),
    ("carried-forward", "#00677f"),
    NO_UPDATE,
];

/// What an item with no status and no response shows: the report says
/// nothing about its progress, which is not the same as "not started".
const NO_UPDATE: (&str, &str) = ("no-update", "#505a5f");

/// The words of a board's decisions: what a paper put to the board, and
/// what the board did with it.
const DECISIONS: &[(&str, &str)] = &[
    ("for-decision", "#505a5f"),
    ("agreed", "#00703c"),
    ("noted", "#1d70b8"),
    ("deferred", "#8f4e00"),
    ("not-agreed", "#a8281a"),
];

/// The keys an item with nothing reported takes, in the order looked for.
const UNREPORTED: &[&str] = &["no-update", "for-decision"];

/// The ordered list of statuses a site uses.
#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary(pub Vec<Status>);

impl Vocabulary {
    fn built_in(list: &[(&str, &str)], words: &Strings) -> Self {
        Vocabulary(
            list.iter()
                .map(|&(key, colour)| built_in_status(key, colour, words))
                .collect(),
        )
    }

    /// The default statuses of a recommendation, in the site's words.
    pub fn recommendations(words: &Strings) -> Self {
        Vocabulary::built_in(DEFAULTS, words)
    }

    /// A board's decisions: for decision, agreed, noted, deferred, not
    /// agreed (`statuses: decisions` in report.yaml, and the default for a
    /// report whose items are decisions).
    pub fn decisions(words: &Strings) -> Self {
        Vocabulary::built_in(DECISIONS, words)
    }

    /// A named built-in vocabulary.
    pub fn named(name: &str, words: &Strings) -> Option<Self> {
        match normalise(name).as_str() {
            "decisions" => Some(Vocabulary::decisions(words)),
            "default" | "recommendations" => Some(Vocabulary::recommendations(words)),
            _ => None,
        }
    }

    /// Whether these are a board's decisions (they have `for-decision`).
    pub fn is_decisions(&self) -> bool {
        self.0.iter().any(|s| s.key == "for-decision")
    }

    /// The status of an item with no status and no response.
    pub fn unreported(&self) -> usize {
        UNREPORTED
            .iter()
            .find_map(|k| self.0.iter().position(|s| s.key == *k))
            .unwrap_or(0)
    }
}

/// A built-in status, its label and description from the interface
/// strings `status_<key>` and `status_<key>_description`.
fn built_in_status(key: &str, colour: &str, words: &Strings) -> Status {
    let name = format!("status_{}", key.replace('-', "_"));
    let word = |k: &str| words.format(k, None, &[]).unwrap_or_else(|e| e);
    status(
        key.to_string(),
        &word(&name),
        colour,
        &word(&format!("{name}_description")),
    )
}

fn status(key: String, label: &str, colour: &str, description: &str) -> Status {
    Status {
        key,
        label: label.to_string(),
        colour: colour.to_string(),
        text_colour: badge_text_colour(colour).to_string(),
        description: description.to_string(),
    }
}

/// White or near-black, whichever reads better on `colour`.
fn badge_text_colour(colour: &str) -> &'static str {
    let bg = crate::colour::parse_hex(colour).unwrap_or((0, 0, 0));
    let white = crate::colour::contrast_ratio((255, 255, 255), bg);
    let dark = crate::colour::contrast_ratio((11, 12, 12), bg);
    if white >= dark { "#ffffff" } else { "#0b0c0c" }
}

/// How authors' spellings are compared: case, hyphens and underscores do
/// not matter.
pub fn normalise(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace(['-', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Vocabulary {
    /// Builds a site's own vocabulary. Returns the problems as
    /// (index of the entry, message, hint).
    pub fn from_raw(raw: Vec<RawStatus>, words: &Strings) -> (Self, Vec<(usize, String, String)>) {
        let mut problems = Vec::new();
        let mut list: Vec<Status> = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let key = r.key.clone().unwrap_or_else(|| slug::slugify(&r.label));
            if crate::colour::parse_hex(&r.colour).is_none() {
                problems.push((
                    i,
                    format!("`{}` is not a colour", r.colour),
                    "write colours as hex in quotes, e.g. \"#00703c\"".to_string(),
                ));
                continue;
            }
            let s = status(
                key,
                &r.label,
                &crate::colour::normalise_hex(&r.colour),
                &r.description,
            );
            let ratio = crate::colour::contrast_ratio(
                crate::colour::parse_hex(&s.text_colour).unwrap_or_default(),
                crate::colour::parse_hex(&s.colour).unwrap_or_default(),
            );
            if ratio < 4.5 {
                problems.push((
                    i,
                    format!(
                        "status `{}`: no text colour reaches 4.5:1 contrast on {} (best {ratio:.2}:1)",
                        s.label, s.colour
                    ),
                    "choose a darker or a lighter colour for the badge".to_string(),
                ));
            }
            if list.iter().any(|o| {
                normalise(&o.key) == normalise(&s.key) || normalise(&o.label) == normalise(&s.label)
            }) {
                problems.push((
                    i,
                    format!("status `{}` is listed twice", s.label),
                    "give every status its own key and label".to_string(),
                ));
            }
            list.push(s);
        }
        // A site's own list still needs a status for items nothing is
        // reported on; its own `no-update` (or `for-decision`) wins.
        if !list.iter().any(|s| UNREPORTED.contains(&s.key.as_str())) {
            let (key, colour) = NO_UPDATE;
            list.push(built_in_status(key, colour, words));
        }
        (Vocabulary(list), problems)
    }

    /// Finds a status by key or label.
    pub fn find(&self, written: &str) -> Option<usize> {
        let n = normalise(written);
        self.0
            .iter()
            .position(|s| normalise(&s.key) == n || normalise(&s.label) == n)
    }

    pub fn get(&self, i: usize) -> &Status {
        &self.0[i]
    }

    /// "not started, in progress, ..." for error hints.
    pub fn listing(&self) -> String {
        self.0
            .iter()
            .map(|s| s.label.to_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_by_key_or_label_in_any_spelling() {
        let v = Vocabulary::recommendations(&Strings::default());
        let cf = v.find("carried-forward").unwrap();
        assert_eq!(v.find("Carried Forward"), Some(cf));
        assert_eq!(v.find("  carried_forward "), Some(cf));
        assert_eq!(v.find("done"), None);
    }

    #[test]
    fn every_built_in_status_has_its_label_and_description_in_the_strings() {
        let english = Strings::default();
        for s in Vocabulary::recommendations(&english)
            .0
            .iter()
            .chain(&Vocabulary::decisions(&english).0)
        {
            for text in [&s.label, &s.description] {
                assert!(!text.contains("interface string"), "{}: {text}", s.key);
            }
        }
        let v = Vocabulary::recommendations(&english);
        assert_eq!(v.get(v.find("in-progress").unwrap()).label, "In progress");
    }

    #[test]
    fn default_badges_are_readable() {
        for s in Vocabulary::recommendations(&Strings::default())
            .0
            .iter()
            .chain(&Vocabulary::decisions(&Strings::default()).0)
        {
            let r = crate::colour::contrast_ratio(
                crate::colour::parse_hex(&s.text_colour).unwrap(),
                crate::colour::parse_hex(&s.colour).unwrap(),
            );
            assert!(r >= 4.5, "{} badge contrast {r:.2}", s.key);
        }
    }

    #[test]
    fn a_pale_custom_colour_gets_dark_text_and_a_clash_is_reported() {
        let raw = vec![
            RawStatus {
                key: None,
                label: "On track".into(),
                colour: "#ffdd00".into(),
                description: String::new(),
            },
            RawStatus {
                key: Some("on-track".into()),
                label: "Fine".into(),
                colour: "#00703c".into(),
                description: String::new(),
            },
        ];
        let (v, problems) = Vocabulary::from_raw(raw, &Strings::default());
        assert_eq!(v.0[0].key, "on-track");
        assert_eq!(v.0[0].text_colour, "#0b0c0c");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("listed twice"));
        // Items nothing is reported on still have a status to show.
        assert_eq!(v.get(v.unreported()).label, "No update reported");
    }

    #[test]
    fn nothing_reported_is_no_update_or_for_decision_never_not_started() {
        let v = Vocabulary::recommendations(&Strings::default());
        assert_eq!(v.get(v.unreported()).key, "no-update");
        let d = Vocabulary::decisions(&Strings::default());
        assert_eq!(d.get(d.unreported()).key, "for-decision");
    }
}
