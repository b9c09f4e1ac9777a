//! The tracker's outputs: views for the tracker and item pages, the status
//! chart, the filter pages that work without JavaScript, and the open-data
//! files.
//!
//! Filtering without JavaScript is done with one small static page per
//! status, theme and lead (`status/in-progress/`), because a static site
//! cannot answer a query string; the script on the tracker page only adds
//! combined filtering in place for readers who have it.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::markdown::html::{self, HtmlOptions};
use crate::model::{Recommendation, Relation, Report, Site};
use crate::routes::{ReportRoutes, Route, Routes, TrackerRoutes};
use crate::status::{Status, Vocabulary};
use crate::strings::Strings;

#[derive(Serialize, Clone)]
pub struct DateView {
    /// As precise as written: `2020`, `2020-03`, `2020-03-31`.
    pub iso: String,
    /// "31 March 2020", "March 2020".
    pub display: String,
}

#[derive(Serialize, Clone)]
pub struct StatusView {
    pub key: String,
    pub label: String,
    pub description: String,
}

#[derive(Serialize, Clone)]
pub struct FacetValue {
    pub name: String,
    pub slug: String,
    pub count: usize,
    /// The filter page, from the site root.
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct StatusCount {
    pub key: String,
    pub label: String,
    pub description: String,
    pub count: usize,
    pub url: String,
}

/// One row of the tracker table.
#[derive(Serialize, Clone)]
pub struct ItemRow {
    pub number: String,
    pub slug: String,
    pub title: String,
    pub url: String,
    pub theme: Option<String>,
    pub theme_slug: Option<String>,
    pub leads: Vec<String>,
    pub lead_slugs: Vec<String>,
    /// Who works on it with the lead.
    pub partners: Vec<String>,
    pub status: StatusView,
    pub last_update: Option<DateView>,
    pub due: Option<DateView>,
}

#[derive(Serialize)]
pub struct TrackerView {
    /// "Recommendation" / "Recommendations" (or the report's own words).
    pub label: String,
    pub label_plural: String,
    pub url: String,
    pub count: usize,
    pub statuses: Vec<StatusCount>,
    pub themes: Vec<FacetValue>,
    pub leads: Vec<FacetValue>,
    pub items: Vec<ItemRow>,
    /// An SVG bar chart of the counts (safe HTML), with its own text
    /// alternative; the counts are also listed as text.
    pub chart: String,
    pub csv_url: String,
    pub json_url: String,
}

#[derive(Serialize)]
pub struct FilterView {
    /// `status`, `theme` or `lead`.
    pub kind: &'static str,
    pub name: String,
}

#[derive(Serialize)]
pub struct ResponseView {
    pub date: DateView,
    pub period: Option<String>,
    pub status: StatusView,
    pub html: String,
}

#[derive(Serialize)]
pub struct RelatedView {
    /// "Earlier report", "Later report", "Carried forward to", "Carried forward from".
    pub relation: String,
    pub title: String,
    pub report_title: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub row: ItemRow,
    /// The recommendation's text (safe HTML); empty when not recorded.
    pub html: String,
    pub missing_text: Option<String>,
    /// Newest first.
    pub responses: Vec<ResponseView>,
    pub carried_forward_to: Option<String>,
    pub related: Vec<RelatedView>,
    /// The source file, from the site root.
    pub source: String,
    /// The item's anchor in the print edition.
    pub anchor: String,
}

fn status_view(s: &Status) -> StatusView {
    StatusView {
        key: s.key.clone(),
        label: s.label.clone(),
        description: s.description.clone(),
    }
}

fn date_view(d: crate::model::PartialDate, strings: &Strings) -> DateView {
    DateView {
        iso: d.iso(),
        display: d.long_in(strings),
    }
}

/// An item's row, linking to its page at `page`.
pub fn row(
    item: &Recommendation,
    page: &Route,
    statuses: &Vocabulary,
    strings: &Strings,
) -> ItemRow {
    ItemRow {
        number: item.number.clone(),
        slug: item.slug.clone(),
        title: item.title.clone(),
        url: page.url().into(),
        theme: item.theme.clone(),
        theme_slug: item.theme.as_deref().map(slug::slugify),
        leads: item.leads.clone(),
        lead_slugs: item.leads.iter().map(slug::slugify).collect(),
        partners: item.partners.clone(),
        status: status_view(statuses.get(item.status)),
        last_update: item.responses.first().map(|r| date_view(r.date, strings)),
        due: item.due.map(|d| date_view(d, strings)),
    }
}

/// Which items a filter page lists.
#[derive(Clone, Copy)]
pub enum Facet {
    Status,
    Theme,
    Lead,
}

impl Facet {
    pub fn key(self) -> &'static str {
        match self {
            Facet::Status => "status",
            Facet::Theme => "theme",
            Facet::Lead => "lead",
        }
    }
}

/// Every filter page of a report: (facet, value slug, display name).
pub fn filter_pages(r: &Report, statuses: &Vocabulary) -> Vec<(Facet, String, String)> {
    let mut pages = Vec::new();
    let used: Vec<usize> = r.tracker.items.iter().map(|i| i.status).collect();
    for (i, s) in statuses.0.iter().enumerate() {
        if used.contains(&i) {
            pages.push((Facet::Status, s.key.clone(), s.label.clone()));
        }
    }
    for (slug, name) in facet_values(r, |i| i.theme.iter().cloned().collect()) {
        pages.push((Facet::Theme, slug, name));
    }
    for (slug, name) in facet_values(r, |i| i.leads.clone()) {
        pages.push((Facet::Lead, slug, name));
    }
    pages
}

/// Distinct values of a facet, by slug, in alphabetical order.
fn facet_values(
    r: &Report,
    f: impl Fn(&Recommendation) -> Vec<String>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for item in &r.tracker.items {
        for v in f(item) {
            out.entry(slug::slugify(&v)).or_insert(v);
        }
    }
    out
}

pub fn matches(item: &Recommendation, facet: Facet, value: &str, statuses: &Vocabulary) -> bool {
    match facet {
        Facet::Status => statuses.get(item.status).key == value,
        Facet::Theme => item.theme.as_deref().map(slug::slugify).as_deref() == Some(value),
        Facet::Lead => item.leads.iter().any(|l| slug::slugify(l) == value),
    }
}

/// The tracker's list of the report's items numbered `shown`.
pub fn tracker_view(
    r: &Report,
    routes: &ReportRoutes,
    tracker: &TrackerRoutes,
    statuses: &Vocabulary,
    strings: &Strings,
    shown: &[usize],
) -> TrackerView {
    let items: Vec<&Recommendation> = shown.iter().map(|&i| &r.tracker.items[i]).collect();
    let mut counts = Vec::new();
    for (i, s) in statuses.0.iter().enumerate() {
        let count = items.iter().filter(|x| x.status == i).count();
        counts.push(StatusCount {
            key: s.key.clone(),
            label: s.label.clone(),
            description: s.description.clone(),
            count,
            url: tracker.filter(Facet::Status.key(), &s.key).url().into(),
        });
    }
    let facet = |kind: Facet, f: &dyn Fn(&Recommendation) -> Vec<String>| {
        facet_values(r, f)
            .into_iter()
            .map(|(slug, name)| FacetValue {
                count: items
                    .iter()
                    .filter(|i| f(i).iter().any(|v| slug::slugify(v) == slug))
                    .count(),
                url: tracker.filter(kind.key(), &slug).url().into(),
                name,
                slug,
            })
            .collect::<Vec<_>>()
    };
    let label = &r.tracker.label;
    TrackerView {
        label: label.one.clone(),
        label_plural: label.many.clone(),
        url: tracker.page.url().into(),
        count: items.len(),
        chart: chart(
            &counts,
            &strings
                .format("status_chart_title", None, &[("items", &label.many)])
                .unwrap_or_default(),
        ),
        statuses: counts,
        themes: facet(Facet::Theme, &|i| i.theme.iter().cloned().collect()),
        leads: facet(Facet::Lead, &|i| i.leads.clone()),
        items: shown
            .iter()
            .map(|&i| row(&r.tracker.items[i], &routes.items[i], statuses, strings))
            .collect(),
        csv_url: tracker.csv.url().into(),
        json_url: tracker.json.url().into(),
    }
}

/// A stacked bar of the status counts (statuses with none are left out);
/// the same counts are listed beside it as text, with the same colours.
fn chart(counts: &[StatusCount], title: &str) -> String {
    let shown: Vec<(&StatusCount, String)> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c, c.count.to_string()))
        .collect();
    let bars: Vec<crate::chart::Bar> = shown
        .iter()
        .map(|(c, n)| crate::chart::Bar {
            label: &c.label,
            value: c.count as f64,
            display: n,
            class: format!("status-bar status-bar-{}", c.key),
        })
        .collect();
    crate::chart::stacked("status-chart", title, &bars)
}

/// An item's page view, its text and responses rendered with `opts`; or
/// the first error of a component template in them.
pub fn item_view(
    site: &Site,
    routes: &Routes,
    ri: usize,
    ii: usize,
    opts: &HtmlOptions,
) -> Result<ItemView, Diagnostic> {
    let r = &site.reports[ri];
    let strings = &*site.config.strings;
    let item = &r.tracker.items[ii];
    let statuses = &r.tracker.statuses;
    let responses = item
        .responses
        .iter()
        .map(|resp| {
            Ok(ResponseView {
                date: date_view(resp.date, strings),
                period: resp.period.clone(),
                status: status_view(statuses.get(resp.status)),
                html: html::render(&resp.text, opts)?,
            })
        })
        .collect::<Result<_, Diagnostic>>()?;
    Ok(ItemView {
        row: row(item, &routes.reports[ri].items[ii], statuses, strings),
        html: html::render(&item.text, opts)?,
        missing_text: item.missing_text.clone(),
        responses,
        carried_forward_to: item.carried_forward_to.as_ref().map(|c| c.body.clone()),
        related: item
            .related
            .iter()
            .map(|rel| {
                let other = &site.reports[rel.report];
                let oi = &other.tracker.items[rel.item];
                RelatedView {
                    relation: strings
                        .format(
                            match rel.relation {
                                Relation::Earlier => "relation_earlier",
                                Relation::Later => "relation_later",
                                Relation::CarriedTo => "relation_carried_to",
                                Relation::CarriedFrom => "relation_carried_from",
                            },
                            None,
                            &[],
                        )
                        .unwrap_or_default(),
                    title: format!("{} {}: {}", other.tracker.label.one, oi.number, oi.title),
                    report_title: other.meta.title.clone(),
                    url: routes.reports[rel.report].items[rel.item].url().into(),
                }
            })
            .collect(),
        source: item.origin.file.clone(),
        anchor: crate::routes::item_anchor(item),
    })
}

/// The columns of `recommendations.csv`, documented in docs/authoring.md.
const CSV_HEADER: &[&str] = &[
    "number",
    "title",
    "theme",
    "lead",
    "partners",
    "due",
    "status",
    "status_label",
    "last_update",
    "url",
];

#[derive(Serialize)]
struct DataRow<'a> {
    number: &'a str,
    title: &'a str,
    theme: Option<&'a str>,
    lead: Vec<&'a str>,
    partners: Vec<&'a str>,
    due: Option<String>,
    status: &'a str,
    status_label: &'a str,
    last_update: Option<String>,
    url: String,
}

fn data_rows<'a>(site: &'a Site, r: &'a Report, routes: &ReportRoutes) -> Vec<DataRow<'a>> {
    let statuses = &r.tracker.statuses;
    r.tracker
        .items
        .iter()
        .zip(&routes.items)
        .map(|(i, page)| {
            let s = statuses.get(i.status);
            DataRow {
                number: &i.number,
                title: &i.title,
                theme: i.theme.as_deref(),
                lead: i.leads.iter().map(String::as_str).collect(),
                partners: i.partners.iter().map(String::as_str).collect(),
                due: i.due.map(|d| d.iso()),
                status: &s.key,
                status_label: &s.label,
                last_update: i.responses.first().map(|x| x.date.iso()),
                // Absolute when the site knows its address, so the data
                // file still works once downloaded.
                url: page.absolute(&site.config.base_url),
            }
        })
        .collect()
}

/// `recommendations.csv`: one row per item, leads joined with `; `.
pub fn csv(site: &Site, r: &Report, routes: &ReportRoutes) -> Vec<u8> {
    let mut file = crate::opendata::CsvFile::new();
    file.row(CSV_HEADER);
    for d in data_rows(site, r, routes) {
        file.row([
            d.number,
            d.title,
            d.theme.unwrap_or(""),
            &d.lead.join("; "),
            &d.partners.join("; "),
            d.due.as_deref().unwrap_or(""),
            d.status,
            d.status_label,
            d.last_update.as_deref().unwrap_or(""),
            &d.url,
        ]);
    }
    file.finish()
}

/// `recommendations.json`: the report, the statuses and the items.
pub fn json(site: &Site, r: &Report, routes: &ReportRoutes) -> Vec<u8> {
    #[derive(Serialize)]
    struct Doc<'a> {
        report: &'a str,
        title: &'a str,
        label: &'a str,
        statuses: &'a [Status],
        items: Vec<DataRow<'a>>,
    }
    let doc = Doc {
        report: &r.slug,
        title: &r.meta.title,
        label: &r.tracker.label.one,
        statuses: &r.tracker.statuses.0,
        items: data_rows(site, r, routes),
    };
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `assets/status.css`: badge and bar colours from the site's vocabulary,
/// so a site that renames or recolours statuses needs no CSS of its own.
/// The badge colours of every status of the given vocabularies (the
/// site's and each report's), each key once: the first vocabulary to give
/// a key sets its colours.
pub fn status_css<'a>(vocabularies: impl Iterator<Item = &'a Vocabulary>) -> String {
    let mut css = String::from("/* Generated by rapport from the status vocabulary. */\n");
    let mut seen = std::collections::HashSet::new();
    for s in vocabularies.flat_map(|v| &v.0) {
        if !seen.insert(s.key.as_str()) {
            continue;
        }
        let _ = writeln!(
            css,
            ".status-{k}{{background:{bg};color:{fg}}}\n.status-bar-{k}{{fill:{bg}}}",
            k = s.key,
            bg = s.colour,
            fg = s.text_colour
        );
    }
    css
}
