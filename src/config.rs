//! `site.yaml`: the settings for a whole site.
//!
//! Unknown keys are errors (a misspelt key that is silently ignored is the
//! worst kind of bug for someone who cannot read the code), and branding
//! colours are checked for contrast here, once, rather than discovered by a
//! reader who cannot read the links.

use serde::Deserialize;

use crate::colour::{contrast_ratio, normalise_hex, parse_hex};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::markdown::RawHtmlMode;
use crate::status::Vocabulary;
use crate::vfs::FileSystem;
use crate::yaml::{self, Spanned};

/// The folder of reports, one folder each.
pub const CONTENT_DIR: &str = "content";
/// Each report folder's settings.
pub const REPORT_FILE: &str = "report.yaml";
pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    organisation: String,
    base_url: Option<Spanned<String>>,
    language: Option<String>,
    theme: Option<Spanned<String>>,
    description: Option<String>,
    branding: Option<RawBranding>,
    statuses: Option<Vec<Spanned<crate::status::RawStatus>>>,
    accessibility: Option<Accessibility>,
    /// Take "last updated" dates from git (default true).
    git_dates: Option<bool>,
    /// Also make a PDF of each chapter (default false).
    pdf_per_chapter: Option<bool>,
    /// Editorial checks to turn off: `checks: { vague-link: off }`.
    checks: Option<std::collections::BTreeMap<String, Spanned<String>>>,
    /// How Markdown is turned into pages: `markdown: { raw_html: sanitise }`.
    markdown: Option<RawMarkdown>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    raw_html: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBranding {
    logo: Option<Spanned<String>>,
    logo_alt: Option<String>,
    primary_colour: Option<Spanned<String>>,
    accent_colour: Option<Spanned<String>>,
    text_colour: Option<Spanned<String>>,
    background_colour: Option<Spanned<String>>,
    footer: Option<String>,
    font: Option<RawFont>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFont {
    family: String,
    files: Vec<Spanned<String>>,
}

/// The organisation's typeface, used on the web pages and in the PDF.
#[derive(Debug, Clone)]
pub struct BrandFont {
    pub family: String,
    /// Site-relative paths of .ttf or .otf files (regular, bold, italic...).
    pub files: Vec<String>,
}

/// What the accessibility statement says (UK public bodies must publish
/// one); the page is generated from it with an overridable template.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Accessibility {
    /// Where readers report a problem or ask for another format.
    pub email: String,
    pub phone: Option<String>,
    /// Working days to reply.
    #[serde(default = "five")]
    pub response_days: u32,
    /// `full`, `partial` or `not`: compliance with WCAG 2.2 AA.
    #[serde(default = "partial")]
    pub compliance: String,
    /// Known problems, in plain words.
    #[serde(default)]
    pub known_issues: Vec<String>,
    /// When the site was last tested, YYYY-MM-DD.
    pub tested: Option<String>,
}

fn five() -> u32 {
    5
}

fn partial() -> String {
    "partial".into()
}

/// What to write instead of a `base_url` that is refused.
pub const BASE_URL_HINT: &str =
    "write the address the site will be published at, such as https://www.example.gov.uk/reports/";

/// Checks a `base_url` (from site.yaml or `--base-url`) and gives it its
/// closing `/`. It is written into every page's canonical link, the feed and
/// the sitemap, so only a plain `http` or `https` address is accepted: a
/// `javascript:` or `data:` address there would be a link a feed reader or
/// search engine follows, and quotes or spaces would break out of attributes
/// in a hand-made theme that forgets to escape.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    if url.is_empty() {
        return Ok(String::new());
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let Some(rest) = rest else {
        return Err(format!(
            "`{url}` is not a web address starting with https:// or http://"
        ));
    };
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("`{url}` has no host name after `://`"));
    }
    if let Some(c) = url.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    }) {
        return Err(format!(
            "`{}` contains {}, which a web address cannot hold",
            url.escape_debug(),
            match c {
                ' ' => "a space".to_string(),
                c if c.is_control() || c.is_whitespace() =>
                    format!("the character U+{:04X}", c as u32),
                c => format!("`{c}`"),
            }
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// The validated site settings.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub organisation: String,
    /// Always ends with `/` (empty when not configured).
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub description: Option<String>,
    pub branding: Branding,
    /// What a recommendation's status may be (the defaults unless set).
    pub statuses: Vocabulary,
    /// Codes of the editorial checks this site has turned off.
    pub checks_off: Vec<String>,
    /// Set by the build, not by site.yaml: a preview build (`--preview`,
    /// `rapport serve`).
    pub preview: bool,
    pub accessibility: Option<Accessibility>,
    /// Take pages' "last updated" dates from git history.
    pub git_dates: bool,
    /// Set by the build: make the PDF edition (off for `rapport serve`).
    pub pdf: bool,
    /// Also a PDF of each chapter.
    pub pdf_per_chapter: bool,
    /// Raw HTML in chapters: shown as text (default) or sanitised.
    pub raw_html: RawHtmlMode,
}

#[derive(Debug, Clone)]
pub struct Branding {
    /// Site-relative path of the logo file.
    pub logo: Option<String>,
    pub logo_alt: Option<String>,
    pub colours: Colours,
    pub footer: Option<String>,
    pub font: Option<BrandFont>,
}

/// Colours as `#rrggbb`. The defaults are the default theme's own.
#[derive(Debug, Clone)]
pub struct Colours {
    pub primary: String,
    pub accent: String,
    pub text: String,
    pub background: String,
}

impl Default for Colours {
    fn default() -> Self {
        Colours {
            primary: "#1d4f91".into(),
            accent: "#ffbf47".into(),
            text: "#1b1b1b".into(),
            background: "#ffffff".into(),
        }
    }
}

/// Reads and validates `site.yaml`. Problems are pushed as config-class
/// diagnostics; `None` means the site cannot be built at all.
pub fn load(
    fs: &dyn FileSystem,
    diags: &Diagnostics,
    sources: &crate::diagnostics::SourceMap,
) -> Option<SiteConfig> {
    let text = match crate::sources::read_text(sources, fs, CONFIG_FILE, diags) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::error("no-config", format!("cannot read {CONFIG_FILE}: {e}"))
                    .config()
                    .in_file(CONFIG_FILE)
                    .with_hint("run rapport in a site folder (one with a site.yaml), or create one with `rapport init DIR`"),
            );
            return None;
        }
    };
    let raw: RawConfig = match yaml::parse(CONFIG_FILE, &text, 0) {
        Ok(raw) => raw,
        Err(d) => {
            diags.push(d.config());
            return None;
        }
    };
    let mut ok = true;
    let mut problem = |d: Diagnostic| {
        ok = ok && !d.is_error();
        diags.push(d.config().in_file(CONFIG_FILE));
    };

    let base_url = match raw.base_url {
        Some(u) => match normalise_base_url(&u.value) {
            Ok(url) => url,
            Err(why) => {
                problem(
                    Diagnostic::error("bad-base-url", why)
                        .at(yaml::span_of(&u, 0))
                        .with_hint(BASE_URL_HINT),
                );
                String::new()
            }
        },
        None => String::new(),
    };

    let theme = match raw.theme {
        Some(t) => {
            if !valid_name(&t.value) {
                problem(
                    Diagnostic::error("bad-theme", format!("`{}` is not a theme name", t.value))
                        .at(yaml::span_of(&t, 0))
                        .with_hint("a theme name is a folder name under themes/: letters, digits and hyphens"),
                );
            }
            t.value
        }
        None => "default".to_string(),
    };

    let mut colours = Colours::default();
    let mut logo = None;
    let mut logo_alt = None;
    let mut footer = None;
    let mut font = None;
    if let Some(b) = raw.branding {
        for (slot, value) in [
            (&mut colours.primary, b.primary_colour),
            (&mut colours.accent, b.accent_colour),
            (&mut colours.text, b.text_colour),
            (&mut colours.background, b.background_colour),
        ] {
            if let Some(v) = value {
                match parse_hex(&v.value) {
                    Some(_) => *slot = normalise_hex(&v.value),
                    None => problem(
                        Diagnostic::error("bad-colour", format!("`{}` is not a colour", v.value))
                            .at(yaml::span_of(&v, 0))
                            .with_hint("write colours as hex in quotes, e.g. \"#1d4f91\""),
                    ),
                }
            }
        }
        if let Some(l) = b.logo {
            if let Some(d) = unusable_file(fs, &l, "logo", "static/logo.svg") {
                problem(d);
            } else if crate::files::kind_of(&l.value) != Ok(crate::files::Kind::Image)
                || crate::vfs::is_hidden(&l.value)
            {
                problem(
                    Diagnostic::error(
                        "not-an-image",
                        format!("the logo `{}` is not an image file", l.value),
                    )
                    .at(yaml::span_of(&l, 0))
                    .with_hint(format!(
                        "the logo can be a {} file in static/, e.g. static/logo.svg",
                        crate::files::IMAGES.join(", ")
                    )),
                );
            } else if let Err(refusal) = crate::images::check(fs, &l.value) {
                problem(refusal.diagnostic(&l.value).at(yaml::span_of(&l, 0)));
            } else if b.logo_alt.as_deref().is_none_or(|a| a.trim().is_empty()) {
                problem(
                    Diagnostic::error("image-alt", "the logo has no `logo_alt` text")
                        .at(yaml::span_of(&l, 0))
                        .with_hint("add `logo_alt: <organisation> logo` under branding so screen readers can name it"),
                );
            }
            logo = Some(l.value);
        }
        logo_alt = b.logo_alt;
        footer = b.footer;
        if let Some(f) = b.font {
            let mut files = Vec::new();
            for file in f.files {
                let lower = file.value.to_lowercase();
                if !(lower.ends_with(".ttf") || lower.ends_with(".otf")) {
                    problem(
                        Diagnostic::error("bad-font", format!("`{}` is not a .ttf or .otf font file", file.value))
                            .at(yaml::span_of(&file, 0))
                            .with_hint("the PDF needs TrueType or OpenType files; most font families offer them"),
                    );
                } else if let Some(d) =
                    unusable_file(fs, &file, "font", "static/fonts/Family-Regular.ttf")
                {
                    problem(d);
                } else {
                    files.push(file.value);
                }
            }
            font = Some(BrandFont {
                family: f.family,
                files,
            });
        }
    }

    // WCAG 2.2 AA asks for 4.5:1 between text and its background.
    for (what, fg) in [
        ("text_colour", &colours.text),
        ("primary_colour", &colours.primary),
    ] {
        if let (Some(a), Some(b)) = (parse_hex(fg), parse_hex(&colours.background)) {
            let ratio = contrast_ratio(a, b);
            if ratio < 4.5 {
                problem(
                    Diagnostic::error(
                        "low-contrast",
                        format!(
                            "branding {what} {fg} on background {} has a contrast of {ratio:.2}:1; readers need at least 4.5:1",
                            colours.background
                        ),
                    )
                    .at(Span::point(1, 1))
                    .with_hint("choose a darker colour (a contrast checker helps)"),
                );
            }
        }
    }

    let statuses = match raw.statuses {
        None => Vocabulary::default(),
        Some(list) if list.is_empty() => {
            problem(
                Diagnostic::error("no-statuses", "`statuses` is empty")
                    .at(Span::point(1, 1))
                    .with_hint(
                        "list at least one status, or remove `statuses` to use the defaults",
                    ),
            );
            Vocabulary::default()
        }
        Some(list) => {
            let spans: Vec<Span> = list.iter().map(|s| yaml::span_of(s, 0)).collect();
            let (vocab, problems) =
                Vocabulary::from_raw(list.into_iter().map(|s| s.value).collect());
            for (i, message, hint) in problems {
                problem(
                    Diagnostic::error("bad-status", message)
                        .at(spans[i].clone())
                        .with_hint(hint),
                );
            }
            vocab
        }
    };

    if let Some(a) = &raw.accessibility {
        if !["full", "partial", "not"].contains(&a.compliance.as_str()) {
            problem(
                Diagnostic::error(
                    "bad-compliance",
                    format!("`{}` is not a compliance level", a.compliance),
                )
                .at(Span::point(1, 1))
                .with_hint("under accessibility, write `compliance: full`, `partial` or `not`"),
            );
        }
        if !a.email.contains('@') {
            problem(
                Diagnostic::error(
                    "bad-email",
                    format!("`{}` is not an email address", a.email),
                )
                .at(Span::point(1, 1))
                .with_hint(
                    "the statement must say how to contact you: `email: accessibility@example.org`",
                ),
            );
        }
    }
    let mut checks_off = Vec::new();
    for (code, value) in raw.checks.unwrap_or_default() {
        let known = crate::diagnostics::OPTIONAL_CHECKS
            .iter()
            .any(|(c, _)| *c == code);
        if !known {
            problem(
                Diagnostic::error(
                    "unknown-check",
                    format!("there is no check `{code}` to turn off"),
                )
                .at(yaml::span_of(&value, 0))
                .with_hint(format!(
                    "the checks that can be turned off are: {}",
                    crate::diagnostics::OPTIONAL_CHECKS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            continue;
        }
        match value.value.trim() {
            "off" => checks_off.push(code),
            "on" => {}
            other => problem(
                Diagnostic::error("bad-check", format!("`{other}` is not `on` or `off`"))
                    .at(yaml::span_of(&value, 0))
                    .with_hint(format!("write `{code}: off` to turn the check off")),
            ),
        }
    }

    let mut raw_html = RawHtmlMode::default();
    if let Some(setting) = raw.markdown.and_then(|m| m.raw_html) {
        match RawHtmlMode::from_setting(&setting.value) {
            Some(mode) => raw_html = mode,
            None => problem(
                Diagnostic::error(
                    "bad-raw-html",
                    format!("`{}` is not a way to show raw HTML", setting.value),
                )
                .at(yaml::span_of(&setting, 0))
                .with_hint("write `raw_html: escape` (show HTML as typed, the default) or `raw_html: sanitise` (keep a safe list of tags such as abbr, sub, sup)"),
            ),
        }
    }

    if !ok {
        return None;
    }
    Some(SiteConfig {
        title: raw.title,
        organisation: raw.organisation,
        base_url,
        language: raw.language.unwrap_or_else(|| "en-GB".to_string()),
        theme,
        description: raw.description,
        branding: Branding {
            logo,
            logo_alt,
            colours,
            footer,
            font,
        },
        statuses,
        checks_off,
        preview: false,
        accessibility: raw.accessibility,
        git_dates: raw.git_dates.unwrap_or(true),
        pdf: true,
        pdf_per_chapter: raw.pdf_per_chapter.unwrap_or(false),
        raw_html,
    })
}

/// Why a file named in site.yaml (the logo, a font) cannot be used, if it
/// cannot: missing, or outside the site folder (`../`, an absolute path, or
/// a symlink leading out), which gets its own message because "not found"
/// would send the author looking for a file that is there.
fn unusable_file(
    fs: &dyn FileSystem,
    file: &Spanned<String>,
    what: &str,
    example: &str,
) -> Option<Diagnostic> {
    let err = fs.find_file(&file.value).err()?;
    let d = if err.kind() == std::io::ErrorKind::PermissionDenied {
        Diagnostic::error(
            "outside-site",
            format!("{what} file `{}` is outside the site folder", file.value),
        )
        .with_hint(format!(
            "copy the file into the site folder (e.g. {example}) and give that path; rapport reads nothing outside it, symlinks included"
        ))
    } else {
        Diagnostic::error(
            "missing-file",
            format!("{what} file `{}` not found", file.value),
        )
        .with_hint(format!(
            "give the {what}'s path from the site folder, e.g. {example}"
        ))
    };
    Some(d.at(yaml::span_of(file, 0)))
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceMap;
    use crate::vfs::MemoryFs;

    fn load_str(yaml: &str) -> (Option<SiteConfig>, Vec<Diagnostic>) {
        let mut fs = MemoryFs::new();
        fs.add(CONFIG_FILE, yaml);
        let diags = Diagnostics::new();
        let cfg = load(&fs, &diags, &SourceMap::default());
        (cfg, diags.sorted())
    }

    #[test]
    fn base_url_takes_only_web_addresses() {
        assert_eq!(
            normalise_base_url("https://x.org/r").unwrap(),
            "https://x.org/r/"
        );
        assert_eq!(
            normalise_base_url("HTTP://x.org/").unwrap(),
            "HTTP://x.org/"
        );
        assert_eq!(normalise_base_url("").unwrap(), "");
        for bad in [
            "javascript:alert(1)//",
            "JavaScript://x.org/%0aalert(1)",
            "data:text/html,<script>",
            "//x.org/",
            "https://",
            "https:///x",
            "https://x.org/\"onmouseover=\"alert(1)",
            "https://x.org/a b",
            "https://x.org/\u{0}",
        ] {
            assert!(normalise_base_url(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn defaults_apply() {
        let (cfg, d) = load_str("title: T\norganisation: O\nbase_url: https://x.org/r\n");
        assert!(d.is_empty(), "{d:?}");
        let cfg = cfg.unwrap();
        assert_eq!(cfg.base_url, "https://x.org/r/");
        assert_eq!(cfg.language, "en-GB");
        assert_eq!(cfg.theme, "default");
    }

    #[test]
    fn low_contrast_branding_is_an_error() {
        let (cfg, d) =
            load_str("title: T\norganisation: O\nbranding:\n  primary_colour: \"#ffdd00\"\n");
        assert!(cfg.is_none());
        assert_eq!(d[0].code, "low-contrast");
    }

    #[test]
    fn bad_colour_points_at_its_line() {
        let (_, d) = load_str("title: T\norganisation: O\nbranding:\n  accent_colour: blue\n");
        assert_eq!(d[0].code, "bad-colour");
        assert_eq!(d[0].location(), "site.yaml:4:18");
    }

    #[test]
    fn raw_html_mode_is_read_and_checked() {
        let (cfg, d) = load_str("title: T\norganisation: O\nmarkdown:\n  raw_html: sanitise\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cfg.unwrap().raw_html, RawHtmlMode::Sanitise);
        let (cfg, _) = load_str("title: T\norganisation: O\n");
        assert_eq!(cfg.unwrap().raw_html, RawHtmlMode::Escape);
        let (cfg, d) = load_str("title: T\norganisation: O\nmarkdown:\n  raw_html: trust\n");
        assert!(cfg.is_none());
        assert_eq!(d[0].code, "bad-raw-html");
        assert_eq!(d[0].location(), "site.yaml:4:13");
    }
}
