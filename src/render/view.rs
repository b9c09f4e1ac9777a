//! What templates see: plain, serialisable views of the model.
//!
//! These structs are the theme API, documented field by field in
//! `docs/themes.md`. They are built from the model but never expose it, so
//! the model can change without breaking a site's templates. Every `url` is
//! relative to the site root: templates write `{{ page.root }}{{ x.url }}`,
//! which keeps links working under a sub-path and from a local folder.

use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::{Chapter, Report};
use crate::routes::{ReportRoutes, Route, Routes};
use crate::strings::Strings;

#[derive(Serialize)]
pub struct SiteView {
    pub title: String,
    pub organisation: String,
    pub description: Option<String>,
    pub language: String,
    pub base_url: String,
    /// The publisher's logo for the header (`publisher.logo_on_dark`, else
    /// `publisher.logo`).
    pub logo: Option<String>,
    pub logo_alt: Option<String>,
    /// The publisher's strapline.
    pub footer: Option<String>,
    pub publisher: PublisherView,
    /// Whether the footer says "Made with rapport" (`made_with: true`).
    pub made_with: bool,
    pub colours: ColoursView,
    pub reports: Vec<ReportSummary>,
    pub generator: String,
    /// True for preview builds: show a "not published" banner.
    pub preview: bool,
    /// The accessibility statement page, when the site has one.
    pub accessibility_url: Option<String>,
    /// The Atom feed, when the site has a base URL.
    pub feed_url: Option<String>,
    /// The organisation's typeface, when site.yaml names one.
    pub font_family: Option<String>,
    /// The site's own stylesheets (`branding.stylesheets`), paths from the root.
    pub stylesheets: Vec<String>,
    /// `branding.head`: markup for the end of `<head>` (insert with `| safe`).
    pub extra_head: Option<String>,
}

/// Who publishes the site or a report (`crate::publisher`).
#[derive(Serialize, Clone)]
pub struct PublisherView {
    pub name: String,
    pub strapline: Option<String>,
    /// For light backgrounds.
    pub logo: Option<String>,
    /// For dark backgrounds.
    pub logo_on_dark: Option<String>,
    pub logo_alt: Option<String>,
    pub url: Option<String>,
    /// `url` as readers see it: `www.example.gov.uk`.
    pub url_display: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `tel:` form of `phone`, digits and `+` only.
    pub phone_link: Option<String>,
    pub address: Vec<String>,
    /// The publisher's own words for asking for another format.
    pub other_formats: Option<String>,
    /// Whether there is any way to contact it (email, phone or address).
    pub has_contact: bool,
    /// Whose the contacts are: `name`, or the site's publisher's when the
    /// report's publisher gives none of its own.
    pub contact_name: String,
}

pub fn publisher_view(p: &crate::config::publisher::Publisher) -> PublisherView {
    PublisherView {
        name: p.name.clone(),
        strapline: p.strapline.clone(),
        logo: p.logo.clone(),
        logo_on_dark: p.logo_on_dark.clone(),
        logo_alt: p.logo_alt.clone(),
        url: p.url.clone(),
        url_display: p.url.as_ref().map(|u| {
            let host = u.split_once("://").map_or(u.as_str(), |(_, rest)| rest);
            host.trim_end_matches('/').to_string()
        }),
        email: p.email.clone(),
        phone: p.phone.clone(),
        phone_link: p.phone.as_ref().map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect()
        }),
        address: p.address.clone(),
        other_formats: p.other_formats.clone(),
        has_contact: p.has_contact(),
        contact_name: p.contact_name().to_string(),
    }
}

#[derive(Serialize, Clone)]
pub struct ColoursView {
    pub primary: String,
    pub accent: String,
    pub text: String,
    pub background: String,
}

#[derive(Serialize, Clone)]
pub struct ReportSummary {
    pub slug: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// `annual-report`, `progress-report`, `board-paper`, `strategy`, `other`.
    pub kind: String,
    /// "Annual report", for display.
    pub kind_label: String,
    pub period: Option<String>,
    /// `YYYY-MM-DD`.
    pub published: String,
    /// "6 December 2023".
    pub published_display: String,
    pub summary: Option<String>,
    pub owner: Option<String>,
    /// Its publisher: the site's unless report.yaml names another.
    pub publisher: PublisherView,
    /// Its colours: the site's unless report.yaml's `branding:` sets them.
    pub colours: ColoursView,
    pub authors: Vec<String>,
    pub draft: bool,
    pub url: String,
    pub print_url: String,
    pub chapter_count: usize,
    /// report.yaml's `cover:` picture.
    pub cover: Option<CoverView>,
}

/// A cover picture: `image` is its path from the site root (prefix it with
/// `page.root`); `alt` is empty when the picture is decoration.
#[derive(Serialize, Clone)]
pub struct CoverView {
    pub image: String,
    pub alt: String,
}

#[derive(Serialize)]
pub struct ReportView {
    #[serde(flatten)]
    pub summary: ReportSummary,
    pub chapters: Vec<ChapterLink>,
    /// The report's recommendations (or actions), when it tracks any.
    pub tracker: Option<super::tracker::TrackerView>,
    /// Every correction, oldest first.
    pub corrections: Vec<CorrectionView>,
    /// The revision history page, when there are corrections.
    pub revisions_url: Option<String>,
    /// The PDF edition, when it was made.
    pub pdf: Option<PdfLink>,
}

#[derive(Serialize, Clone)]
pub struct PdfLink {
    pub url: String,
    /// Bytes, and for readers ("412 KB").
    pub size: usize,
    pub size_display: String,
    pub pages: usize,
}

pub fn pdf_link(pdf: &Route, size: usize, pages: usize) -> PdfLink {
    let size_display = if size >= 1024 * 1024 {
        format!("{:.1} MB", size as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", size.div_ceil(1024))
    };
    PdfLink {
        url: pdf.url().into(),
        size,
        size_display,
        pages,
    }
}

#[derive(Serialize, Clone)]
pub struct ChapterLink {
    pub slug: String,
    pub title: String,
    pub number: Option<String>,
    pub summary: Option<String>,
    pub url: String,
    pub draft: bool,
}

#[derive(Serialize)]
pub struct ChapterView {
    pub slug: String,
    /// The chapter's place in its report, from 1: the same as `loop.index`
    /// in a loop over `report.chapters`, so a theme marks the current
    /// chapter by comparing numbers, which costs the template engine much
    /// less than comparing slugs on every page (and it is the `current` of
    /// the default theme's `link_list`).
    pub position: usize,
    pub title: String,
    pub number: Option<String>,
    pub summary: Option<String>,
    /// The chapter body as HTML (already safe: use `| safe`).
    pub html: String,
    /// `##` and `###` headings, for an on-page contents list.
    pub toc: Vec<TocEntry>,
    /// The Markdown file, relative to the site root.
    pub source: String,
    pub draft: bool,
    /// The chapter's anchor in the print edition.
    pub anchor: String,
    /// Corrections made to this chapter since publication, oldest first.
    pub corrections: Vec<CorrectionView>,
    /// When the chapter's file last changed (from git, or `updated:`).
    pub updated: Option<DateView>,
    /// This chapter on its own as a PDF, when the site makes them.
    pub pdf: Option<PdfLink>,
}

#[derive(Serialize, Clone)]
pub struct DateView {
    /// `YYYY-MM-DD`
    pub iso: String,
    /// "6 December 2023"
    pub display: String,
}

pub fn date_view(d: jiff::civil::Date, strings: &Strings) -> DateView {
    DateView {
        iso: d.to_string(),
        display: strings.date_long(d),
    }
}

#[derive(Serialize, Clone)]
pub struct CorrectionView {
    pub date: DateView,
    /// The chapter it affects, if any.
    pub chapter: Option<ChapterLink>,
    pub what: String,
    pub why: Option<String>,
}

pub fn correction_views(
    r: &Report,
    routes: &ReportRoutes,
    chapter: Option<usize>,
    strings: &Strings,
) -> Vec<CorrectionView> {
    r.corrections
        .iter()
        .filter(|c| chapter.is_none() || c.chapter == chapter)
        .map(|c| CorrectionView {
            date: date_view(c.date, strings),
            chapter: c
                .chapter
                .map(|i| chapter_link(&r.chapters[i], &routes.chapters[i].page)),
            what: c.what.clone(),
            why: c.why.clone(),
        })
        .collect()
}

#[derive(Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub number: Option<String>,
}

#[derive(Serialize)]
pub struct PageView {
    /// `home`, `report`, `chapter`, `print` or `404`.
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    /// The way back to the site root from this page (`../../`, or `./`).
    pub root: String,
    /// This page's path from the site root (`annual-report/foreword/`).
    pub url: String,
    /// The full address, when `base_url` is set.
    pub canonical: Option<String>,
    /// From the home page down to (not including) this page.
    pub breadcrumbs: Vec<LinkView>,
    /// The site's languages, in the switcher's order, each with this
    /// page's counterpart in it; empty for a site in one language.
    pub languages: Vec<LanguageView>,
}

/// One language on the page at the site root of a site whose languages
/// each have a folder (`languages.html`).
#[derive(Serialize)]
pub struct LanguageChoice {
    pub tag: String,
    pub name: String,
    /// The site's title in that language.
    pub title: String,
    pub description: Option<String>,
    /// Its home page, from the root (`cy/`).
    pub url: String,
    pub absolute: Option<String>,
}

/// One language of a site in several, as this page's switcher shows it.
#[derive(Serialize)]
pub struct LanguageView {
    /// BCP 47: `cy`.
    pub tag: String,
    /// Its name in itself: `Cymraeg`.
    pub name: String,
    /// This page in that language, from this page (`../../cy/r/intro/`);
    /// that language's home page when the page is not published in it.
    pub url: String,
    /// The same in full, when `base_url` is set (for `hreflang`).
    pub absolute: Option<String>,
    /// Whether this page is published in that language.
    pub has_page: bool,
    /// Whether it is this page's own language.
    pub current: bool,
}

#[derive(Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

pub fn site_view(config: &SiteConfig, reports: &[Report], routes: &Routes) -> SiteView {
    SiteView {
        title: config.title.clone(),
        organisation: config.organisation.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        base_url: config.base_url.clone(),
        logo: config
            .publisher
            .logo_on_dark
            .clone()
            .or_else(|| config.publisher.logo.clone()),
        logo_alt: config.publisher.logo_alt.clone(),
        footer: config.publisher.strapline.clone(),
        publisher: publisher_view(&config.publisher),
        made_with: config.made_with,
        colours: colours_view(&config.branding.colours),
        reports: reports
            .iter()
            .zip(&routes.reports)
            .map(|(r, rr)| report_summary(r, rr, &config.strings))
            .collect(),
        generator: format!("rapport {}", env!("CARGO_PKG_VERSION")),
        preview: config.preview,
        accessibility_url: routes.accessibility.as_ref().map(|a| a.url().into()),
        feed_url: routes.feed.as_ref().map(|f| f.url().into()),
        font_family: config.branding.font.as_ref().map(|f| f.family.clone()),
        stylesheets: config.branding.stylesheets.clone(),
        extra_head: config.branding.head.clone(),
    }
}

fn colours_view(c: &crate::config::Colours) -> ColoursView {
    ColoursView {
        primary: c.primary.clone(),
        accent: c.accent.clone(),
        text: c.text.clone(),
        background: c.background.clone(),
    }
}

pub fn report_summary(r: &Report, routes: &ReportRoutes, strings: &Strings) -> ReportSummary {
    ReportSummary {
        slug: r.slug.clone(),
        title: r.meta.title.clone(),
        subtitle: r.meta.subtitle.clone(),
        kind: r.meta.kind.key().to_string(),
        kind_label: strings
            .format(
                &format!("kind_{}", r.meta.kind.key().replace('-', "_")),
                None,
                &[],
            )
            .unwrap_or_else(|_| r.meta.kind.label().to_string()),
        period: r.meta.period.clone(),
        published: r.meta.published.to_string(),
        published_display: strings.date_long(r.meta.published),
        summary: r.meta.summary.clone(),
        owner: r.meta.owner.clone(),
        publisher: publisher_view(&r.meta.publisher),
        colours: colours_view(&r.meta.colours),
        authors: r.meta.authors.clone(),
        draft: r.meta.draft,
        url: routes.home.url().into(),
        print_url: routes.print.url().into(),
        chapter_count: r.chapters.len(),
        cover: r.meta.cover.as_ref().map(|c| CoverView {
            image: c.image.clone(),
            alt: c.alt.clone(),
        }),
    }
}

pub fn report_view(
    r: &Report,
    routes: &ReportRoutes,
    statuses: &crate::status::Vocabulary,
    strings: &Strings,
    pdf: Option<PdfLink>,
) -> ReportView {
    let items: Vec<usize> = (0..r.tracker.items.len()).collect();
    ReportView {
        summary: report_summary(r, routes, strings),
        chapters: chapter_links(r, routes),
        tracker: routes
            .tracker
            .as_ref()
            .map(|t| super::tracker::tracker_view(r, routes, t, statuses, strings, &items)),
        corrections: correction_views(r, routes, None, strings),
        revisions_url: routes.revisions.as_ref().map(|p| p.url().into()),
        pdf,
    }
}

/// A link to each of a report's chapters, in order.
pub fn chapter_links(r: &Report, routes: &ReportRoutes) -> Vec<ChapterLink> {
    r.chapters
        .iter()
        .zip(&routes.chapters)
        .map(|(c, cr)| chapter_link(c, &cr.page))
        .collect()
}

pub fn chapter_link(c: &Chapter, page: &Route) -> ChapterLink {
    ChapterLink {
        slug: c.slug.clone(),
        title: c.title.clone(),
        number: c.number.clone(),
        summary: c.summary.clone(),
        url: page.url().into(),
        draft: c.draft,
    }
}

/// The search page's fallback list, for readers without JavaScript.
#[derive(Serialize)]
pub struct SearchView {
    pub reports: Vec<SearchReportView>,
}

#[derive(Serialize)]
pub struct SearchReportView {
    pub url: String,
    pub title: String,
    pub period: Option<String>,
    pub chapters: Vec<ChapterLink>,
    /// The report's tracker page, when it tracks items.
    pub tracker: Option<LinkView>,
}
