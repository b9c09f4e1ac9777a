//! Report components (callouts, quotes, tables, notes, badges...) are
//! written by the theme's `templates/components/*.html`: one file changes
//! a component's markup everywhere it appears.

use crate::harness::*;

#[test]
fn an_overridden_quote_template_writes_the_chapter_and_the_print_edition() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/components/quote.html",
        "<aside class=\"pull-quote\">\n<div class=\"words\">{{ quote.body | safe }}</div>\n\
         {% if quote.attribution is not none %}<p class=\"said-by\">{{ quote.attribution | safe }}</p>{% endif %}\n</aside>\n",
    );
    let run = site.build().success();
    for path in ["sample/foreword/index.html", "sample/print/index.html"] {
        let page = run.page(path);
        assert_eq!(
            page.text_of("aside.pull-quote .said-by"),
            "Young person, aged 15",
            "{path}"
        );
        assert_eq!(
            page.text_of("aside.pull-quote .words p"),
            "The programme gave us somebody to talk to.",
            "{path}"
        );
        assert!(page.all("figure.quote").is_empty(), "{path}: {}", page.text);
    }
    // The other components still come from the built-in theme.
    assert_eq!(
        run.page("sample/foreword/index.html")
            .text_of(".signature .signature-name"),
        "Jane Smith"
    );
}

#[test]
fn an_overridden_callout_template_gets_each_callouts_kind_title_and_body() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/components/callout.html",
        "<aside class=\"box box-{{ callout.kind }}\" aria-label=\"{{ callout.label }}\">\
         <h2 class=\"box-title\">{% if callout.title %}{{ callout.title | safe }}{% else %}{{ callout.label }}{% endif %}</h2>\
         {{ callout.body | safe }}</aside>\n",
    );
    let run = site.build().success();
    let page = run.page("sample/funding/index.html");
    assert_eq!(page.text_of("aside.box-note .box-title"), "Note");
    assert_eq!(
        page.text_of("aside.box-note p:not(.box-title)"),
        "Figures are provisional."
    );
    assert_eq!(
        page.text_of("aside.box-warning .box-title"),
        "Check before quoting"
    );
    assert_eq!(
        page.attr("aside.box-warning", "aria-label").as_deref(),
        Some("Warning")
    );
    assert!(page.all("div.callout").is_empty(), "{}", page.text);
    // A correction is a component of its own, not a callout.
    assert_eq!(page.all("div.correction[role=note]").len(), 1);
}

#[test]
fn one_status_badge_template_serves_tracker_pages_item_pages_and_chapter_lists() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "templates/components/status.html",
        "<strong class=\"badge\" data-status=\"{{ status.key }}\">{{ status.label }}</strong>",
    );
    let run = site.build().success();
    let tracker = run.page("progress-2020/recommendations/index.html");
    let chapter = run.page("progress-2020/introduction/index.html");
    for (name, page) in [("tracker", &tracker), ("chapter", &chapter)] {
        assert!(
            !page.all("strong.badge").is_empty(),
            "{name}: {}",
            page.text
        );
        assert!(page.all("span.status").is_empty(), "{name}: {}", page.text);
    }
    let badges: Vec<String> = chapter
        .all(".tracker-list strong.badge")
        .iter()
        .map(|b| b.value().attr("data-status").unwrap_or("").to_string())
        .collect();
    assert!(
        badges.iter().all(|k| !k.is_empty()),
        "every badge names its status: {badges:?}"
    );
    let item = std::fs::read_dir(run.output.join("progress-2020/recommendations"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("index.html"))
        .find(|p| p.is_file() && p.parent().unwrap().file_name().unwrap() != "status")
        .expect("an item page");
    let item = std::fs::read_to_string(item).unwrap();
    assert!(
        item.contains("<strong class=\"badge\" data-status=\""),
        "{item}"
    );
}

#[test]
fn an_error_in_a_component_template_names_the_template_line_and_column() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/components/stat.html",
        "<div class=\"stat\">\n<p>{{ stat.figure | safe }}</p>\n  {{ stat.no_such_field.deeper }}\n</div>\n",
    );
    let run = site.build();
    assert_ne!(run.code, 0, "the template error was not reported");
    assert!(
        run.stderr.contains("templates/components/stat.html:3:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("no_such_field"), "{}", run.stderr);
}

#[test]
fn the_default_components_keep_their_accessible_structure() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let funding = run.page("sample/funding/index.html");
    // Callouts and corrections are notes with a visible title.
    assert_eq!(funding.all("div.callout[role=note]").len(), 2);
    assert_eq!(funding.text_of(".callout-note .callout-title"), "Note");
    assert_eq!(
        funding.attr(".correction time", "datetime").as_deref(),
        Some("2024-01-15")
    );
    // A case study is a section named by its heading.
    let labelled = funding
        .attr("section.case-study", "aria-labelledby")
        .unwrap();
    assert!(
        funding
            .text_of(&format!("section.case-study #{labelled}"))
            .contains("Mentoring in Lozells")
    );
    let foreword = run.page("sample/foreword/index.html");
    assert_eq!(
        foreword.text_of("figure.quote figcaption"),
        "— Young person, aged 15"
    );
    // Notes: a labelled end-notes section, each note linking back.
    let notes = foreword.attr("section.footnotes", "role");
    assert_eq!(notes.as_deref(), Some("doc-endnotes"));
    assert_eq!(
        foreword
            .attr("#fn-1 a[role=doc-backlink]", "href")
            .as_deref(),
        Some("#fnref-1")
    );
    assert_eq!(foreword.text_of("#footnotes"), "Notes");

    let run = TestSite::fixture("fixtures/data").build().success();
    let figures = run.page("r/figures/index.html");
    // Data tables: a caption, column and row headers, a labelled scroll region.
    assert!(!figures.all("figure.data-table .table-caption").is_empty());
    assert!(!figures.all("figure.data-table th[scope=col]").is_empty());
    assert!(
        !figures
            .all("figure.data-table tbody th[scope=row]")
            .is_empty()
    );
    let label = figures
        .attr("figure.data-table .table-wrap[role=region]", "aria-label")
        .unwrap();
    assert!(label.starts_with("Table 1: "), "{label}");
    // Charts: an image with a caption and its figures as a table.
    assert!(!figures.all("figure.chart-figure svg[role=img]").is_empty());
    assert!(!figures.all("figure.chart-figure figcaption").is_empty());
    assert!(
        !figures
            .all("figure.chart-figure details.chart-data th[scope=row]")
            .is_empty()
    );

    let run = TestSite::fixture("fixtures/tracker").build().success();
    let chapter = run.page("progress-2020/introduction/index.html");
    assert!(
        !chapter
            .all(".tracker-list .table-wrap[role=region] th[scope=row] a")
            .is_empty()
    );
    assert!(!chapter.all(".tracker-list td span.status").is_empty());
}

#[test]
fn an_old_status_partial_is_pointed_at_its_new_name() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "templates/partials/status.html",
        "<b class=\"old-badge\">{{ status.label }}</b>",
    );
    let run = site.build().success();
    assert!(
        run.stderr.contains("templates/partials/status.html")
            && run.stderr.contains("components/status.html"),
        "{}",
        run.stderr
    );
    let tracker = run.page("progress-2020/recommendations/index.html");
    assert!(!tracker.all("span.status").is_empty());
}
