//! `site.yaml`: the settings for a whole site.
//!
//! Unknown keys are errors (a misspelt key that is silently ignored is the
//! worst kind of bug for someone who cannot read the code), and branding
//! colours are checked for contrast here, once, rather than discovered by a
//! reader who cannot read the links.

use serde::Deserialize;

pub mod cms;
pub mod languages;
pub mod publisher;

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
    /// The publisher's name, when nothing else about it is given.
    organisation: Option<Spanned<String>>,
    publisher: Option<crate::config::publisher::RawPublisher>,
    /// A "Made with rapport" line in the footer (default off).
    made_with: Option<bool>,
    base_url: Option<Spanned<String>>,
    language: Option<String>,
    /// The default language's folder in the output (`en`); the site root
    /// when not given.
    language_path: Option<Spanned<String>>,
    /// Further languages (`crate::translation`).
    languages: Option<Vec<Spanned<languages::RawLanguage>>>,
    theme: Option<Spanned<String>>,
    description: Option<String>,
    branding: Option<RawBranding>,
    statuses: Option<Vec<Spanned<crate::status::RawStatus>>>,
    accessibility: Option<Accessibility>,
    /// Take "last updated" dates from git (default true).
    git_dates: Option<bool>,
    /// Also make a PDF of each chapter (default false).
    pdf_per_chapter: Option<bool>,
    /// Editable editions of each report: `editions: [odt, docx]`.
    editions: Option<Vec<Spanned<String>>>,
    /// Editorial checks to turn off: `checks: { vague-link: off }`.
    checks: Option<std::collections::BTreeMap<String, Spanned<String>>>,
    /// How Markdown is turned into pages: `markdown: { raw_html: sanitise }`.
    markdown: Option<RawMarkdown>,
    /// Interface strings to change: `strings: { contents: In this report }`.
    strings: Option<std::collections::BTreeMap<String, Spanned<crate::strings::Entry>>>,
    /// Editing in the browser (`crate::cms`): off unless given.
    cms: Option<cms::RawCms>,
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
    /// The site's own stylesheets, after the theme's: `stylesheets: [static/brand.css]`.
    stylesheets: Option<Vec<Spanned<String>>>,
    /// Markup for the end of every page's `<head>` (a verification tag, say).
    head: Option<String>,
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
    /// The publisher's name (`publisher.name`, or `organisation`).
    pub organisation: String,
    pub publisher: crate::config::publisher::Publisher,
    /// Say "Made with rapport" in the footer.
    pub made_with: bool,
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
    /// Set by the build: the site has a PDF edition (off for `--no-pdf`;
    /// `rapport serve` typesets it after the reload).
    pub pdf: bool,
    /// Set by the build: where PDFs and the search index are kept between
    /// builds (`--cache`, [`crate::build_cache`]).
    pub cache_dir: Option<std::path::PathBuf>,
    /// Also a PDF of each chapter.
    pub pdf_per_chapter: bool,
    /// The editable editions written beside each report's PDF, in the
    /// order given, each once.
    pub editions: Vec<Edition>,
    /// Raw HTML in chapters: shown as text (default) or sanitised.
    pub raw_html: RawHtmlMode,
    /// The theme's interface strings in the site's language, with the
    /// site's changes (`crate::strings`).
    pub strings: std::sync::Arc<crate::strings::Strings>,
    /// Every language the site is published in, the default first, when
    /// site.yaml names more than one (`crate::translation`); else empty.
    pub languages: Vec<languages::Language>,
    /// Which of `languages` these settings are for.
    pub current_language: usize,
    /// Set by the build: the output path of every page in each of
    /// `languages`, so that a page links to its counterpart only where
    /// there is one.
    pub language_pages: std::sync::Arc<Vec<std::collections::HashSet<String>>>,
    /// The checks site.yaml made warnings rather than errors
    /// (`checks: { missing-translation: warning }`).
    pub checks_as_warnings: Vec<String>,
    /// Editing in the browser: `admin/` is written when this is set.
    pub cms: Option<cms::Cms>,
}

impl SiteConfig {
    /// The folder these settings' language is published in (`cy/`), or
    /// empty at the site root.
    pub fn language_prefix(&self) -> String {
        self.languages
            .get(self.current_language)
            .map(|l| l.prefix())
            .unwrap_or_default()
    }

    /// This language's part of the cache folder `dir` (`--cache`): the
    /// default language's is `dir` itself, each further language's a
    /// folder of its own under it. Each stage keeps only the entries of
    /// the build it last made, so two languages sharing one folder would
    /// each throw away the other's.
    pub fn language_cache(&self, dir: &std::path::Path) -> std::path::PathBuf {
        match self.languages.get(self.current_language) {
            Some(lang) if self.current_language > 0 => dir.join("languages").join(&lang.tag),
            _ => dir.to_path_buf(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Branding {
    /// Site-relative path of the logo file.
    pub logo: Option<String>,
    pub logo_alt: Option<String>,
    pub colours: Colours,
    pub footer: Option<String>,
    pub font: Option<BrandFont>,
    /// Site-relative paths of stylesheets loaded after the theme's.
    pub stylesheets: Vec<String>,
    /// Markup written at the end of every page's `<head>`, as given.
    pub head: Option<String>,
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
///
/// Each setting is checked by a step of its own, and every step runs even
/// after another found a problem, so one run reports them all.
pub fn load(
    fs: &dyn FileSystem,
    diags: &Diagnostics,
    sources: &crate::diagnostics::SourceMap,
) -> Option<SiteConfig> {
    load_in(fs, diags, sources, 0)
}

/// The settings for one of the site's languages (0 is the default): its
/// title, strings and statuses in that language, and its own address.
pub fn load_in(
    fs: &dyn FileSystem,
    diags: &Diagnostics,
    sources: &crate::diagnostics::SourceMap,
    current_language: usize,
) -> Option<SiteConfig> {
    let mut raw = read(fs, diags, sources)?;
    let mut problems = Problems::in_site(diags);
    let p = &mut problems;
    let base_url = base_url(raw.base_url, p);
    let theme = theme(raw.theme, p);
    let branding = branding(fs, raw.branding, p);
    let publisher = site_publisher(
        fs,
        (raw.organisation, raw.publisher),
        &branding,
        raw.accessibility.as_ref(),
        p,
    );
    if let Some(a) = &raw.accessibility {
        check_accessibility(a, p);
    }
    let (checks_off, checks_as_warnings) = checks_off(raw.checks.unwrap_or_default(), p);
    let raw_html = raw_html(raw.markdown, p);
    let editions = editions(raw.editions.unwrap_or_default(), p);
    let language = raw.language.take().unwrap_or_else(|| "en-GB".to_string());
    let languages = languages::languages(
        &language,
        raw.language_path.take(),
        raw.languages.take().unwrap_or_default(),
        p,
    );
    let language = match languages.get(current_language) {
        Some(l) if current_language > 0 => {
            l.apply(
                &mut raw.title,
                &mut raw.description,
                &mut raw.accessibility,
                diags,
            );
            raw.strings = Some(l.strings.clone());
            l.tag.clone()
        }
        _ => language,
    };
    let strings = crate::strings::Strings::load(
        fs,
        &language,
        &theme,
        &raw.strings.unwrap_or_default(),
        CONFIG_FILE,
        diags,
        sources,
    );
    let statuses = statuses(raw.statuses, &strings, p);
    let cms = raw.cms.map(|c| cms::load(c, p));
    if !problems.ok || diags.has_errors() {
        return None;
    }
    Some(SiteConfig {
        title: raw.title,
        organisation: publisher.name.clone(),
        publisher,
        made_with: raw.made_with.unwrap_or(false),
        base_url,
        language,
        theme,
        description: raw.description,
        branding,
        statuses,
        checks_off,
        preview: false,
        accessibility: raw.accessibility,
        git_dates: raw.git_dates.unwrap_or(true),
        pdf: true,
        cache_dir: None,
        pdf_per_chapter: raw.pdf_per_chapter.unwrap_or(false),
        editions,
        raw_html,
        strings: std::sync::Arc::new(strings),
        languages,
        current_language,
        language_pages: Default::default(),
        checks_as_warnings,
        cms,
    })
    .map(|c| languages::localise(c, current_language))
}

/// Where the steps of [`load`] (and the checks site.yaml shares with
/// report.yaml) report: each problem is a diagnostic in one file, and any
/// error in site.yaml means no configuration.
pub(crate) struct Problems<'a> {
    diags: &'a Diagnostics,
    ok: bool,
    file: &'a str,
    /// site.yaml's problems stop the whole build before content is read.
    config: bool,
}

impl<'a> Problems<'a> {
    fn in_site(diags: &'a Diagnostics) -> Self {
        Problems {
            diags,
            ok: true,
            file: CONFIG_FILE,
            config: true,
        }
    }

    pub(crate) fn in_file(diags: &'a Diagnostics, file: &'a str) -> Self {
        Problems {
            diags,
            ok: true,
            file,
            config: false,
        }
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.ok = self.ok && !d.is_error();
        let d = d.in_file(self.file);
        self.diags.push(if self.config { d.config() } else { d });
    }
}

/// The site's publisher: `publisher:`, with `organisation:` as the short
/// way to give only its name, the older `branding:` logo and footer as its
/// logo and strapline, and the accessibility statement's email as its
/// contact when it gives none (that is the route to another format too).
fn site_publisher(
    fs: &dyn FileSystem,
    (organisation, raw): (
        Option<Spanned<String>>,
        Option<crate::config::publisher::RawPublisher>,
    ),
    branding: &Branding,
    accessibility: Option<&Accessibility>,
    p: &mut Problems,
) -> crate::config::publisher::Publisher {
    let raw = raw.unwrap_or_default();
    let name = raw
        .name
        .as_ref()
        .or(organisation.as_ref())
        .map(|n| n.value.trim().to_string())
        .filter(|n| !n.is_empty());
    if name.is_none() {
        p.push(
            Diagnostic::error("no-publisher", "site.yaml does not say who publishes the site")
                .at(Span::point(1, 1))
                .with_hint("add the organisation's name: `publisher:` then, indented under it, `name: Example Borough Council`"),
        );
    }
    let mut publisher = crate::config::publisher::load(fs, raw, name.unwrap_or_default(), p);
    if publisher.logo.is_none() && publisher.logo_on_dark.is_none() {
        publisher.logo_on_dark = branding.logo.clone();
        publisher.logo = branding.logo.clone();
        publisher.logo_alt = publisher.logo_alt.or_else(|| branding.logo_alt.clone());
    }
    publisher.strapline = publisher.strapline.or_else(|| branding.footer.clone());
    if !publisher.has_contact() {
        publisher.email = accessibility.map(|a| a.email.clone());
    }
    publisher
}

/// site.yaml's text, parsed; `None` once a file that cannot be read or
/// parsed is reported.
fn read(
    fs: &dyn FileSystem,
    diags: &Diagnostics,
    sources: &crate::diagnostics::SourceMap,
) -> Option<RawConfig> {
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
    match yaml::parse(CONFIG_FILE, &text, 0) {
        Ok(raw) => Some(raw),
        Err(d) => {
            diags.push(d.config());
            None
        }
    }
}

/// The site's address with its closing `/`, or empty when not given (or
/// refused).
fn base_url(raw: Option<Spanned<String>>, p: &mut Problems) -> String {
    let Some(u) = raw else {
        return String::new();
    };
    normalise_base_url(&u.value).unwrap_or_else(|why| {
        p.push(
            Diagnostic::error("bad-base-url", why)
                .at(yaml::span_of(&u, 0))
                .with_hint(BASE_URL_HINT),
        );
        String::new()
    })
}

/// The theme's folder name (`default` unless given).
fn theme(raw: Option<Spanned<String>>, p: &mut Problems) -> String {
    let Some(t) = raw else {
        return "default".to_string();
    };
    if !valid_name(&t.value) {
        p.push(
            Diagnostic::error("bad-theme", format!("`{}` is not a theme name", t.value))
                .at(yaml::span_of(&t, 0))
                .with_hint(
                    "a theme name is a folder name under themes/: letters, digits and hyphens",
                ),
        );
    }
    t.value
}

/// Colours, logo, footer and font, each checked.
fn branding(fs: &dyn FileSystem, raw: Option<RawBranding>, p: &mut Problems) -> Branding {
    let Some(b) = raw else {
        return Branding {
            logo: None,
            logo_alt: None,
            colours: Colours::default(),
            footer: None,
            font: None,
            stylesheets: Vec::new(),
            head: None,
        };
    };
    let colours = colours(
        [
            b.primary_colour,
            b.accent_colour,
            b.text_colour,
            b.background_colour,
        ],
        p,
    );
    let logo = b.logo.map(|l| {
        if let Some(d) = logo_problem(fs, &l, b.logo_alt.as_deref(), "logo") {
            p.push(d);
        }
        l.value
    });
    Branding {
        logo,
        logo_alt: b.logo_alt,
        colours,
        footer: b.footer,
        font: b.font.map(|f| font(fs, f, p)),
        stylesheets: b
            .stylesheets
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                check_stylesheet(fs, &s, p);
                s.value
            })
            .collect(),
        head: b.head,
    }
}

/// A site stylesheet is a `.css` file in `static/` (which is published as
/// it is), so the page can link to it.
fn check_stylesheet(fs: &dyn FileSystem, s: &Spanned<String>, p: &mut Problems) {
    if let Some(d) = unusable_file(fs, s, "stylesheet", "static/brand.css") {
        p.push(d);
    } else if !s.value.starts_with("static/")
        || !s.value.to_ascii_lowercase().ends_with(".css")
        || crate::vfs::is_hidden(&s.value)
    {
        p.push(
            Diagnostic::error(
                "bad-stylesheet",
                format!("the stylesheet `{}` is not a .css file in static/", s.value),
            )
            .at(yaml::span_of(s, 0))
            .with_hint("put the stylesheet in the site's static/ folder and give its path, e.g. static/brand.css"),
        );
    }
}

/// A report's own `branding:` in report.yaml: the colours of its
/// publisher's brand, over the site's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReportBranding {
    primary_colour: Option<Spanned<String>>,
    accent_colour: Option<Spanned<String>>,
}

/// A report's colours: its own primary and accent over the site's, checked
/// for contrast as the site's are.
pub(crate) fn report_colours(raw: RawReportBranding, site: &Colours, p: &mut Problems) -> Colours {
    given_colours(
        site.clone(),
        [raw.primary_colour, raw.accent_colour, None, None],
        p,
    )
}

/// The branding colours given (primary, accent, text, background), each
/// as `#rrggbb`; the default theme's for those not given or not colours.
fn colours(given: [Option<Spanned<String>>; 4], p: &mut Problems) -> Colours {
    given_colours(Colours::default(), given, p)
}

fn given_colours(
    mut colours: Colours,
    given: [Option<Spanned<String>>; 4],
    p: &mut Problems,
) -> Colours {
    let spans = given
        .each_ref()
        .map(|g| g.as_ref().map(|s| yaml::span_of(s, 0)));
    let slots = [
        &mut colours.primary,
        &mut colours.accent,
        &mut colours.text,
        &mut colours.background,
    ];
    for (slot, value) in slots.into_iter().zip(given) {
        let Some(v) = value else { continue };
        match parse_hex(&v.value) {
            Some(_) => *slot = normalise_hex(&v.value),
            None => p.push(
                Diagnostic::error("bad-colour", format!("`{}` is not a colour", v.value))
                    .at(yaml::span_of(&v, 0))
                    .with_hint("write colours as hex in quotes, e.g. \"#1d4f91\""),
            ),
        }
    }
    check_contrast(&colours, &spans, p);
    colours
}

/// The logo must be an image file in the site, within the image budget,
/// with text for screen readers; the first problem found, if any. `key` is
/// the setting it was given under (`logo`, `logo_on_dark`).
pub(crate) fn logo_problem(
    fs: &dyn FileSystem,
    l: &Spanned<String>,
    alt: Option<&str>,
    key: &str,
) -> Option<Diagnostic> {
    if let Some(d) = image_problem(fs, l, "logo", "static/logo.svg") {
        return Some(d);
    }
    let d = if alt.is_none_or(|a| a.trim().is_empty()) {
        Diagnostic::error("image-alt", format!("the `{key}` has no `logo_alt` text")).with_hint(
            "add `logo_alt: <organisation> logo` beside it so screen readers can name it",
        )
    } else {
        return None;
    };
    Some(d.at(yaml::span_of(l, 0)))
}

/// Why the picture `l` names (a logo, a cover) cannot be used: missing,
/// outside the site, not an image, or one too large or damaged to draw.
pub(crate) fn image_problem(
    fs: &dyn FileSystem,
    l: &Spanned<String>,
    what: &str,
    example: &str,
) -> Option<Diagnostic> {
    if let Some(d) = unusable_file(fs, l, what, example) {
        return Some(d);
    }
    let d = if crate::files::kind_of(&l.value) != Ok(crate::files::Kind::Image)
        || crate::vfs::is_hidden(&l.value)
    {
        Diagnostic::error(
            "not-an-image",
            format!("the {what} `{}` is not an image file", l.value),
        )
        .with_hint(format!(
            "the {what} can be a {} file in static/, e.g. {example}",
            crate::files::IMAGES.join(", ")
        ))
    } else if let Err(refusal) = crate::images::check(fs, &l.value) {
        refusal.diagnostic(&l.value)
    } else {
        return None;
    };
    Some(d.at(yaml::span_of(l, 0)))
}

/// The brand font, keeping only the files that are .ttf or .otf and there.
fn font(fs: &dyn FileSystem, f: RawFont, p: &mut Problems) -> BrandFont {
    let mut files = Vec::new();
    for file in f.files {
        let lower = file.value.to_lowercase();
        if !(lower.ends_with(".ttf") || lower.ends_with(".otf")) {
            p.push(
                Diagnostic::error(
                    "bad-font",
                    format!("`{}` is not a .ttf or .otf font file", file.value),
                )
                .at(yaml::span_of(&file, 0))
                .with_hint(
                    "the PDF needs TrueType or OpenType files; most font families offer them",
                ),
            );
        } else if let Some(d) = unusable_file(fs, &file, "font", "static/fonts/Family-Regular.ttf")
        {
            p.push(d);
        } else {
            files.push(file.value);
        }
    }
    BrandFont {
        family: f.family,
        files,
    }
}

/// WCAG 2.2 AA asks for 4.5:1 between text and its background. A problem
/// is reported at the colour this file gives (`spans`: primary, accent,
/// text, background), the text colour first, else the background; one this
/// file does not give is reported where it is given.
fn check_contrast(colours: &Colours, spans: &[Option<Span>; 4], p: &mut Problems) {
    for (what, fg, at) in [
        ("text_colour", &colours.text, &spans[2]),
        ("primary_colour", &colours.primary, &spans[0]),
    ] {
        let Some(at) = at.as_ref().or(spans[3].as_ref()) else {
            continue;
        };
        if let (Some(a), Some(b)) = (parse_hex(fg), parse_hex(&colours.background)) {
            let ratio = contrast_ratio(a, b);
            if ratio < 4.5 {
                p.push(
                    Diagnostic::error(
                        "low-contrast",
                        format!(
                            "branding {what} {fg} on background {} has a contrast of {ratio:.2}:1; readers need at least 4.5:1",
                            colours.background
                        ),
                    )
                    .at(at.clone())
                    .with_hint("choose a darker colour (a contrast checker helps)"),
                );
            }
        }
    }
}

/// What a recommendation's status may be: the defaults unless listed.
pub(crate) fn statuses(
    raw: Option<Vec<Spanned<crate::status::RawStatus>>>,
    words: &crate::strings::Strings,
    p: &mut Problems,
) -> Vocabulary {
    let Some(list) = raw else {
        return Vocabulary::recommendations(words);
    };
    if list.is_empty() {
        p.push(
            Diagnostic::error("no-statuses", "`statuses` is empty")
                .at(Span::point(1, 1))
                .with_hint("list at least one status, or remove `statuses` to use the defaults"),
        );
        return Vocabulary::recommendations(words);
    }
    let spans: Vec<Span> = list.iter().map(|s| yaml::span_of(s, 0)).collect();
    let (vocab, problems) =
        Vocabulary::from_raw(list.into_iter().map(|s| s.value).collect(), words);
    for (i, message, hint) in problems {
        p.push(
            Diagnostic::error("bad-status", message)
                .at(spans[i].clone())
                .with_hint(hint),
        );
    }
    vocab
}

/// The accessibility statement needs a compliance level and a way to
/// write to the organisation.
fn check_accessibility(a: &Accessibility, p: &mut Problems) {
    if !["full", "partial", "not"].contains(&a.compliance.as_str()) {
        p.push(
            Diagnostic::error(
                "bad-compliance",
                format!("`{}` is not a compliance level", a.compliance),
            )
            .at(Span::point(1, 1))
            .with_hint("under accessibility, write `compliance: full`, `partial` or `not`"),
        );
    }
    if !a.email.contains('@') {
        p.push(
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

/// The codes of the editorial checks turned `off`.
fn checks_off(
    raw: std::collections::BTreeMap<String, Spanned<String>>,
    p: &mut Problems,
) -> (Vec<String>, Vec<String>) {
    let mut off = Vec::new();
    let mut warnings = Vec::new();
    for (code, value) in raw {
        if crate::diagnostics::CHECKS_AS_WARNINGS
            .iter()
            .any(|(c, _)| *c == code)
        {
            match value.value.trim() {
                "warning" => warnings.push(code),
                "error" => {}
                other => p.push(
                    Diagnostic::error(
                        "bad-check",
                        format!("`{other}` is not `error` or `warning`"),
                    )
                    .at(yaml::span_of(&value, 0))
                    .with_hint(format!(
                        "write `{code}: warning` while a translation is a draft"
                    )),
                ),
            }
            continue;
        }
        let known = crate::diagnostics::OPTIONAL_CHECKS
            .iter()
            .any(|(c, _)| *c == code);
        if !known {
            p.push(
                Diagnostic::error(
                    "unknown-check",
                    format!("there is no check `{code}` to turn off"),
                )
                .at(yaml::span_of(&value, 0))
                .with_hint(format!(
                    "the checks that can be turned off are: {}; {} can be made a warning",
                    crate::diagnostics::OPTIONAL_CHECKS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", "),
                    crate::diagnostics::CHECKS_AS_WARNINGS
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            continue;
        }
        match value.value.trim() {
            "off" => off.push(code),
            "on" => {}
            other => p.push(
                Diagnostic::error("bad-check", format!("`{other}` is not `on` or `off`"))
                    .at(yaml::span_of(&value, 0))
                    .with_hint(format!("write `{code}: off` to turn the check off")),
            ),
        }
    }
    (off, warnings)
}

/// A report as a file to edit: an OpenDocument text file or a Word
/// document, for a committee or reviewer to comment on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    Odt,
    Docx,
}

impl Edition {
    pub const ALL: [Edition; 2] = [Edition::Odt, Edition::Docx];

    /// The file extension, which is also its name in `editions:`.
    pub fn ext(self) -> &'static str {
        match self {
            Edition::Odt => "odt",
            Edition::Docx => "docx",
        }
    }
}

/// `editions: [odt, docx]`; an unknown name is an error at its place.
fn editions(raw: Vec<Spanned<String>>, p: &mut Problems) -> Vec<Edition> {
    let mut out = Vec::new();
    for name in raw {
        let wanted = name
            .value
            .trim()
            .trim_start_matches('.')
            .to_ascii_lowercase();
        match Edition::ALL.into_iter().find(|e| e.ext() == wanted) {
            Some(e) if !out.contains(&e) => out.push(e),
            Some(_) => {}
            None => p.push(
                Diagnostic::error(
                    "unknown-edition",
                    format!("rapport cannot write an edition as `{}`", name.value),
                )
                .at(yaml::span_of(&name, 0))
                .with_hint("write `editions: [odt, docx]`, or only one of them: `odt` is an OpenDocument text file, `docx` a Word document"),
            ),
        }
    }
    out
}

/// How raw HTML in chapters is shown (`markdown: raw_html:`).
fn raw_html(raw: Option<RawMarkdown>, p: &mut Problems) -> RawHtmlMode {
    let Some(setting) = raw.and_then(|m| m.raw_html) else {
        return RawHtmlMode::default();
    };
    RawHtmlMode::from_setting(&setting.value).unwrap_or_else(|| {
        p.push(
            Diagnostic::error(
                "bad-raw-html",
                format!("`{}` is not a way to show raw HTML", setting.value),
            )
            .at(yaml::span_of(&setting, 0))
            .with_hint("write `raw_html: escape` (show HTML as typed, the default) or `raw_html: sanitise` (keep a safe list of tags such as abbr, sub, sup)"),
        );
        RawHtmlMode::default()
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
        load_with(yaml, &[])
    }

    /// Loads `yaml` as site.yaml in a site that also holds `files`.
    fn load_with(yaml: &str, files: &[(&str, &str)]) -> (Option<SiteConfig>, Vec<Diagnostic>) {
        let mut fs = MemoryFs::new();
        fs.add(CONFIG_FILE, yaml);
        for (path, text) in files {
            fs.add(path, *text);
        }
        let diags = Diagnostics::new();
        let cfg = load(&fs, &diags, &SourceMap::default());
        (cfg, diags.sorted())
    }

    fn codes(d: &[Diagnostic]) -> Vec<&str> {
        d.iter().map(|d| d.code).collect()
    }

    const SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><rect width="2" height="1"/></svg>"#;

    #[test]
    fn a_site_without_site_yaml_is_told_how_to_make_one() {
        let diags = Diagnostics::new();
        let cfg = load(&MemoryFs::new(), &diags, &SourceMap::default());
        assert!(cfg.is_none());
        let d = diags.sorted();
        assert_eq!(codes(&d), ["no-config"]);
        assert!(d[0].hint.as_deref().unwrap().contains("rapport init"));
    }

    #[test]
    fn a_site_yaml_that_does_not_parse_is_a_config_error() {
        let (cfg, d) = load_str("title: T\norganisation: O\nbase_ur: x\n");
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["unknown-key"]);
        assert!(
            d.iter()
                .all(|d| matches!(d.class, crate::diagnostics::Class::Config))
        );
    }

    #[test]
    fn a_refused_base_url_points_at_its_value() {
        let (cfg, d) = load_str("title: T\norganisation: O\nbase_url: javascript:x\n");
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["bad-base-url"]);
        assert_eq!(d[0].location(), "site.yaml:3:11");
    }

    #[test]
    fn a_theme_is_a_folder_name() {
        let (cfg, _) = load_str("title: T\norganisation: O\ntheme: civic\n");
        assert_eq!(cfg.unwrap().theme, "civic");
        let (cfg, d) = load_str("title: T\norganisation: O\ntheme: ../x\n");
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["bad-theme"]);
    }

    #[test]
    fn a_logo_must_be_there_be_an_image_and_have_alt_text() {
        let logo = |alt: &str| {
            format!("title: T\norganisation: O\nbranding:\n  logo: static/logo.svg\n{alt}")
        };
        let (cfg, d) = load_with(&logo("  logo_alt: O logo\n"), &[("static/logo.svg", SVG)]);
        assert!(d.is_empty(), "{d:?}");
        let branding = cfg.unwrap().branding;
        assert_eq!(branding.logo.as_deref(), Some("static/logo.svg"));
        assert_eq!(branding.logo_alt.as_deref(), Some("O logo"));

        let (_, d) = load_with(&logo(""), &[("static/logo.svg", SVG)]);
        assert_eq!(codes(&d), ["image-alt"]);
        let (_, d) = load_str(&logo("  logo_alt: O logo\n"));
        assert_eq!(codes(&d), ["missing-file"]);
        assert_eq!(d[0].location(), "site.yaml:4:9");
        let text = "title: T\norganisation: O\nbranding:\n  logo: static/logo.txt\n  logo_alt: O\n";
        let (_, d) = load_with(text, &[("static/logo.txt", "not a picture")]);
        assert_eq!(codes(&d), ["not-an-image"]);
    }

    #[test]
    fn a_font_keeps_only_font_files_that_are_there() {
        let text = "title: T\norganisation: O\nbranding:\n  font:\n    family: Brand\n    files: [static/b.ttf, static/b.woff2, static/gone.otf]\n";
        let (cfg, d) = load_with(text, &[("static/b.ttf", "font")]);
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["bad-font", "missing-file"]);

        let text = "title: T\norganisation: O\nbranding:\n  font:\n    family: Brand\n    files: [static/b.ttf]\n";
        let (cfg, d) = load_with(text, &[("static/b.ttf", "font")]);
        assert!(d.is_empty(), "{d:?}");
        let font = cfg.unwrap().branding.font.unwrap();
        assert_eq!(font.family, "Brand");
        assert_eq!(font.files, ["static/b.ttf"]);
    }

    #[test]
    fn colours_are_normalised_to_six_digits() {
        let (cfg, d) = load_str(
            "title: T\norganisation: O\nbranding:\n  primary_colour: \"#036\"\n  accent_colour: \"#FFBF47\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let colours = cfg.unwrap().branding.colours;
        assert_eq!(colours.primary, "#003366");
        assert_eq!(colours.accent, "#ffbf47");
        assert_eq!(colours.text, Colours::default().text);
    }

    #[test]
    fn an_empty_status_list_is_an_error() {
        let (cfg, d) = load_str("title: T\norganisation: O\nstatuses: []\n");
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["no-statuses"]);
    }

    #[test]
    fn the_accessibility_statement_needs_a_level_and_an_email() {
        let (cfg, d) = load_str(
            "title: T\norganisation: O\naccessibility:\n  email: nobody\n  compliance: mostly\n",
        );
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["bad-compliance", "bad-email"]);
        let (cfg, d) = load_str(
            "title: T\norganisation: O\naccessibility:\n  email: a@example.org\n  compliance: full\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cfg.unwrap().accessibility.unwrap().response_days, 5);
    }

    #[test]
    fn checks_are_turned_off_by_their_code() {
        let (cfg, d) =
            load_str("title: T\norganisation: O\nchecks:\n  vague-link: off\n  image-alt: on\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cfg.unwrap().checks_off, ["vague-link"]);
        let (cfg, d) =
            load_str("title: T\norganisation: O\nchecks:\n  spelling: off\n  empty-link: no\n");
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["unknown-check", "bad-check"]);
        assert_eq!(d[0].location(), "site.yaml:4:13");
    }

    #[test]
    fn every_setting_is_checked_in_one_run() {
        let (cfg, d) = load_str(
            "title: T\norganisation: O\nbase_url: ftp://x\ntheme: a/b\nbranding:\n  accent_colour: blue\nstatuses: []\nmarkdown:\n  raw_html: trust\n",
        );
        assert!(cfg.is_none());
        assert_eq!(
            codes(&d),
            // Sorted by place; `statuses: []` is reported at the top.
            [
                "no-statuses",
                "bad-base-url",
                "bad-theme",
                "bad-colour",
                "bad-raw-html"
            ]
        );
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
        // At the colour's own line, not the top of the file.
        assert!(
            d[0].location().starts_with("site.yaml:4:"),
            "{}",
            d[0].location()
        );
    }

    #[test]
    fn bad_colour_points_at_its_line() {
        let (_, d) = load_str("title: T\norganisation: O\nbranding:\n  accent_colour: blue\n");
        assert_eq!(d[0].code, "bad-colour");
        assert_eq!(d[0].location(), "site.yaml:4:18");
    }

    #[test]
    fn editions_are_named_by_their_file_type() {
        let (cfg, _) = load_str("title: T\norganisation: O\n");
        assert!(cfg.unwrap().editions.is_empty());
        let (cfg, d) = load_str("title: T\norganisation: O\neditions: [docx, ODT, docx]\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cfg.unwrap().editions, [Edition::Docx, Edition::Odt]);
        let (cfg, d) = load_str("title: T\norganisation: O\neditions: [odt, rtf]\n");
        assert!(cfg.is_none());
        assert_eq!(codes(&d), ["unknown-edition"]);
        assert_eq!(d[0].location(), "site.yaml:3:17");
        assert!(d[0].hint.as_deref().unwrap().contains("odt, docx"));
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
