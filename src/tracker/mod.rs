//! Recommendations, actions and decisions: numbered items with a lead and a
//! status that changes over time.
//!
//! Reports that follow up recommendations are where figures and statuses
//! drift: a count typed in the summary stops matching the list, a status
//! changes in one table and not in another. Here each item is written once,
//! with its dated responses, and every count, list, page, print section and
//! data file is computed from it.
//!
//! The stages: [`load`] reads the three authoring forms; [`finish`] sorts a
//! report's items in natural order and checks them; [`link_related`] joins
//! the same item across reports; [`expand_components`] turns the
//! `[!RECOMMENDATIONS]` and `[!ACTIONS]` components in chapters into lists.

pub mod load;

use std::cmp::Ordering;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex, SourceMap};
use crate::markdown::ast::{
    Block, ComponentKind, Inline, LinkTarget, TrackerGroup, TrackerList, TrackerRow, TrackerStyle,
    Walk, plain_text,
};
use crate::model::{ItemLabel, Recommendation, Related, Relation, Site};
use crate::status;

/// One piece of a number for natural ordering: `4.10` is `[4, ".", 10]`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Seg {
    Num(u64),
    Text(String),
}

fn natural_key(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut chars = s.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digit {
                break;
            }
            run.push(c);
            chars.next();
        }
        out.push(if digit {
            Seg::Num(run.parse().unwrap_or(u64::MAX))
        } else {
            Seg::Text(run.to_lowercase())
        });
    }
    out
}

/// Natural order: 2 before 10, 4.2 before 4.10, R9 before R10.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural_key(a).cmp(&natural_key(b))
}

/// How numbers are compared for identity (`R12` is `r12`).
pub fn same_number(a: &str, b: &str) -> bool {
    natural_key(a) == natural_key(b)
}

/// Sorts a report's items and reports duplicates, gaps and missing text.
pub fn finish(items: &mut [Recommendation], label: &ItemLabel, diags: &Diagnostics) {
    items.sort_by(|a, b| natural_cmp(&a.number, &b.number));
    let one = &label.one;
    let at = |r: &Recommendation| -> Diagnostic {
        Diagnostic::error("", "")
            .in_file(&r.origin.file)
            .at(r.number_at.clone())
    };
    for pair in items.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if same_number(&a.number, &b.number) || a.slug == b.slug {
            let mut d = at(b);
            d.code = "duplicate-number";
            d.message = format!(
                "{one} {} is numbered twice (also in {}:{})",
                b.number, a.origin.file, a.number_at.start.line
            );
            diags.push(d.with_hint("give each item its own number; renumbering is safe because rapport computes every count and list"));
        }
    }
    // Gaps: within each run of numbers sharing a prefix (`4.` in 4.1, 4.2),
    // the last numeric part should go up by one.
    let mut last: HashMap<Vec<Seg>, u64> = HashMap::new();
    for r in items.iter() {
        let mut key = natural_key(&r.number);
        let Some(Seg::Num(n)) = key.pop() else {
            continue;
        };
        if let Some(prev) = last.insert(key, n)
            && n > prev + 1
        {
            let s = r.number.trim();
            let stem = &s[..s.len() - n.to_string().len()];
            let missing = if n - prev == 2 {
                format!("{one} {stem}{} is missing", prev + 1)
            } else if n - prev == 3 {
                format!("{one} {stem}{} and {stem}{} are missing", prev + 1, n - 1)
            } else {
                format!("{one} {stem}{} to {stem}{} are missing", prev + 1, n - 1)
            };
            let mut d = at(r);
            d.severity = crate::diagnostics::Severity::Warning;
            d.code = "number-gap";
            d.message = format!("the numbers jump to {} here: {missing}", r.number);
            diags.push(
                d.with_hint("add the missing item, or renumber if it was dropped on purpose"),
            );
        }
    }
    for r in items.iter() {
        if r.text.blocks.is_empty() && r.missing_text.is_none() {
            let mut d = at(r);
            d.severity = crate::diagnostics::Severity::Warning;
            d.code = "no-text";
            d.message = format!("{one} {} has no text", r.number);
            diags.push(d.with_hint(
                "write the text below the front matter (or in `text:`); if it is lost, say why with `missing_text: ...`",
            ));
        }
        if r.title.is_empty() {
            let mut d = at(r);
            d.code = "no-title";
            d.message = format!("{one} {} has an empty title", r.number);
            diags.push(d.with_hint("add `title: ...`: a few words readers can scan in a list"));
        }
    }
}

/// Finds an item of report `ri` by its number.
pub fn find(site: &Site, ri: usize, number: &str) -> Option<usize> {
    site.reports[ri]
        .tracker
        .items
        .iter()
        .position(|r| same_number(&r.number, number))
}

/// Resolves `previously:` and `carried_forward_to:` across the site and
/// records both directions, so each page can link to the other.
pub fn link_related(site: &mut Site, diags: &Diagnostics) {
    let mut links: Vec<(usize, usize, Related)> = Vec::new();
    for (ri, report) in site.reports.iter().enumerate() {
        for (ii, item) in report.tracker.items.iter().enumerate() {
            let refs = [
                (
                    item.previously.as_ref(),
                    Relation::Earlier,
                    Relation::Later,
                    "previously",
                ),
                (
                    item.carried_forward_to
                        .as_ref()
                        .and_then(|c| c.item.as_ref()),
                    Relation::CarriedTo,
                    Relation::CarriedFrom,
                    "carried_forward_to",
                ),
            ];
            for (r, here, there, field) in refs {
                let Some(r) = r else { continue };
                let target_report = match &r.report {
                    None => Some(ri),
                    Some(slug) => site.reports.iter().position(|x| &x.slug == slug),
                };
                let Some(tr) = target_report else {
                    diags.push(
                        Diagnostic::error(
                            "broken-reference",
                            format!(
                                "`{field}` names report `{}`, which is not in this site",
                                r.report.as_deref().unwrap_or_default()
                            ),
                        )
                        .in_file(&item.origin.file)
                        .at_line(r.line, r.column)
                        .with_hint(format!(
                            "write <report folder>/<number>; the reports are: {}",
                            site.reports
                                .iter()
                                .map(|x| x.slug.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    continue;
                };
                match find(site, tr, &r.number) {
                    Some(ti) if (tr, ti) != (ri, ii) => {
                        links.push((
                            ri,
                            ii,
                            Related {
                                relation: here,
                                report: tr,
                                item: ti,
                            },
                        ));
                        links.push((
                            tr,
                            ti,
                            Related {
                                relation: there,
                                report: ri,
                                item: ii,
                            },
                        ));
                    }
                    _ => diags.push(
                        Diagnostic::error(
                            "broken-reference",
                            format!(
                                "report `{}` has no {} {}",
                                site.reports[tr].slug,
                                site.reports[tr].tracker.label.one.to_lowercase(),
                                r.number
                            ),
                        )
                        .in_file(&item.origin.file)
                        .at_line(r.line, r.column)
                        .with_hint("check the number against that report's tracker page"),
                    ),
                }
            }
        }
    }
    for (ri, ii, rel) in links {
        site.reports[ri].tracker.items[ii].related.push(rel);
    }
}

/// Replaces each `[!RECOMMENDATIONS]` / `[!ACTIONS]` component with the
/// list it asks for. Its body holds filters, one per line:
/// `status: in progress`, `theme: Education`, `lead: West Midlands Police`.
pub fn expand_components(site: &mut Site, diags: &Diagnostics, sources: &SourceMap) {
    // As in `data::expand`: every chapter is visited, few have a list, so
    // in parallel and with lines counted only when needed.
    site.reports.par_iter_mut().enumerate().for_each(|(ri, report)| {
        let tracker = &report.tracker;
        let statuses = &tracker.statuses;
        report.chapters.par_iter_mut().for_each(|chapter| {
            let text = sources.get(&chapter.file).unwrap_or_default();
            let index = std::cell::LazyCell::new(|| LineIndex::new(&text));
            let body_start = chapter.body_start;
            let file = chapter.file.clone();
            let mut problems = Vec::new();
            replace_components(&mut chapter.doc, &mut |kind, c| {
                let span = index.span(&text, body_start + c.offset..body_start + c.offset);
                let mut problem = |d: Diagnostic| problems.push(d.in_file(&file).at(span.clone()));
                let filter = Filter::parse(&c.body, statuses, &mut problem);
                let chosen: Vec<usize> = (0..tracker.items.len())
                    .filter(|&i| filter.accepts(&tracker.items[i]))
                    .collect();
                filter.warn_unmatched(&tracker.items, &tracker.label, &mut problem);
                if tracker.items.is_empty() && !tracker.unreadable {
                    problem(
                        Diagnostic::warning(
                            "no-items",
                            format!("this report has no {} to list", tracker.label.many.to_lowercase()),
                        )
                        .with_hint("add files under recommendations/, or a recommendations.yaml or .csv beside report.yaml"),
                    );
                }
                let row = |i: usize| {
                    let r = &tracker.items[i];
                    let s = statuses.get(r.status);
                    TrackerRow {
                        number: r.number.clone(),
                        title: vec![Inline::Link(Box::new(crate::markdown::ast::Link {
                            dest: format!("rec:{}", r.number),
                            title: String::new(),
                            content: vec![Inline::Text(r.title.clone())],
                            target: LinkTarget::Item {
                                report: ri,
                                item: i,
                            },
                            offset: c.offset,
                        }))],
                        leads: r.leads.join(", "),
                        status_key: s.key.clone(),
                        status_label: s.label.clone(),
                    }
                };
                let groups = match kind {
                    TrackerStyle::Table => vec![TrackerGroup {
                        title: None,
                        id: c.id.clone(),
                        rows: chosen.iter().map(|&i| row(i)).collect(),
                    }],
                    TrackerStyle::Actions => {
                        let mut groups: Vec<TrackerGroup> = Vec::new();
                        for &i in &chosen {
                            let theme = tracker.items[i]
                                .theme
                                .clone()
                                .unwrap_or_else(|| "Other".into());
                            match groups
                                .iter_mut()
                                .find(|g| g.title.as_deref() == Some(&theme))
                            {
                                Some(g) => g.rows.push(row(i)),
                                None => groups.push(TrackerGroup {
                                    id: format!("{}-{}", c.id, slug::slugify(&theme)),
                                    title: Some(theme),
                                    rows: vec![row(i)],
                                }),
                            }
                        }
                        groups
                    }
                };
                Block::Tracker(Box::new(TrackerList {
                    style: kind,
                    caption: c.title.clone(),
                    item_label: tracker.label.one.clone(),
                    groups,
                    heading_level: c.heading_level,
                }))
            });
            diags.extend(problems);
        });
    });
}

/// Puts `f`'s list in place of each `[!RECOMMENDATIONS]` / `[!ACTIONS]`
/// component, wherever it stands (footnotes and definitions included).
fn replace_components(
    doc: &mut crate::markdown::Document,
    f: &mut dyn FnMut(TrackerStyle, &crate::markdown::ast::Component) -> Block,
) {
    doc.walk_blocks_mut(&mut |b| {
        let style = match b {
            Block::Component(c) if c.kind == ComponentKind::Recommendations => TrackerStyle::Table,
            Block::Component(c) if c.kind == ComponentKind::Actions => TrackerStyle::Actions,
            _ => return Walk::Enter,
        };
        if let Block::Component(c) = &*b {
            *b = f(style, c);
        }
        Walk::Skip
    });
}

/// Which items a component lists.
#[derive(Default)]
struct Filter {
    statuses: Vec<usize>,
    /// Normalised for matching; the written form is kept for messages.
    themes: Vec<(String, String)>,
    leads: Vec<(String, String)>,
}

const FILTER_KEYS: &str = "status, theme, lead";

impl Filter {
    fn parse(
        body: &[Block],
        statuses: &status::Vocabulary,
        problem: &mut dyn FnMut(Diagnostic),
    ) -> Self {
        let mut f = Filter::default();
        for block in body {
            let content = match block {
                Block::Paragraph { content, .. } | Block::Plain(content) => content,
                _ => {
                    problem(
                        Diagnostic::error(
                            "bad-filter",
                            "this list's filters must be plain lines such as `status: in progress`",
                        )
                        .with_hint(format!("the filters are: {FILTER_KEYS}")),
                    );
                    continue;
                }
            };
            for line in content.split(|i| matches!(i, Inline::SoftBreak | Inline::HardBreak)) {
                let line = plain_text(line);
                let Some((key, values)) = line.split_once(':') else {
                    if !line.trim().is_empty() {
                        problem(
                            Diagnostic::error("bad-filter", format!("`{}` is not a filter", line.trim()))
                                .with_hint(format!("write one filter per line as `key: value`; the keys are: {FILTER_KEYS}")),
                        );
                    }
                    continue;
                };
                let values = values.split(',').map(str::trim).filter(|v| !v.is_empty());
                match key.trim().to_lowercase().as_str() {
                    "status" | "statuses" => {
                        for v in values {
                            match statuses.find(v) {
                                Some(s) => f.statuses.push(s),
                                None => problem(
                                    Diagnostic::error(
                                        "unknown-status",
                                        format!("`{v}` is not a status"),
                                    )
                                    .with_hint(format!("use one of: {}", statuses.listing())),
                                ),
                            }
                        }
                    }
                    "theme" | "themes" => f
                        .themes
                        .extend(values.map(|v| (status::normalise(v), v.to_string()))),
                    "lead" | "leads" => f
                        .leads
                        .extend(values.map(|v| (status::normalise(v), v.to_string()))),
                    other => problem(
                        Diagnostic::error("bad-filter", format!("`{other}` is not a filter"))
                            .with_hint(format!("the filters are: {FILTER_KEYS}")),
                    ),
                }
            }
        }
        f
    }

    fn accepts(&self, r: &Recommendation) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&r.status))
            && (self.themes.is_empty()
                || r.theme
                    .as_deref()
                    .is_some_and(|t| self.themes.iter().any(|f| f.0 == status::normalise(t))))
            && (self.leads.is_empty()
                || r.leads
                    .iter()
                    .any(|l| self.leads.iter().any(|f| f.0 == status::normalise(l))))
    }

    /// A theme or lead that matches nothing is almost always a typo.
    fn warn_unmatched(
        &self,
        items: &[Recommendation],
        label: &ItemLabel,
        problem: &mut dyn FnMut(Diagnostic),
    ) {
        let many = label.many.to_lowercase();
        for (t, written) in &self.themes {
            if !items.iter().any(|r| {
                r.theme
                    .as_deref()
                    .is_some_and(|x| &status::normalise(x) == t)
            }) {
                let mut themes: Vec<&str> =
                    items.iter().filter_map(|r| r.theme.as_deref()).collect();
                themes.sort();
                themes.dedup();
                problem(
                    Diagnostic::error(
                        "unknown-theme",
                        format!("no {many} have the theme `{written}`"),
                    )
                    .with_hint(format!("the themes are: {}", themes.join(", "))),
                );
            }
        }
        for (l, written) in &self.leads {
            if !items
                .iter()
                .any(|r| r.leads.iter().any(|x| &status::normalise(x) == l))
            {
                let mut leads: Vec<&str> = items
                    .iter()
                    .flat_map(|r| r.leads.iter().map(String::as_str))
                    .collect();
                leads.sort();
                leads.dedup();
                problem(
                    Diagnostic::error(
                        "unknown-lead",
                        format!("no {many} have the lead `{written}`"),
                    )
                    .with_hint(format!("the leads are: {}", leads.join(", "))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_naturally() {
        let mut v = vec!["10", "2", "4.10", "4.2", "R12", "R9", "1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["1", "2", "4.2", "4.10", "10", "R9", "R12"]);
        assert!(same_number("r12", "R12"));
        assert!(!same_number("4.1", "4.10"));
    }
}
