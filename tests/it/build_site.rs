//! What a reader gets from a built site.

use crate::harness::*;

#[test]
fn chapter_page_shows_title_breadcrumbs_and_neighbours() {
    let site = TestSite::fixture("fixtures/full");
    let run = site.build().success();
    let page = run.page("sample/funding/index.html");
    assert_eq!(page.text_of("h1"), "3 Funding");
    let crumbs: Vec<String> = page
        .all("nav.breadcrumbs li")
        .iter()
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(crumbs, ["Home", "Sample Annual Report", "Funding"]);
    assert_eq!(
        page.attr("nav.breadcrumbs [aria-current=page]", "aria-current")
            .as_deref(),
        Some("page")
    );
    assert_eq!(
        page.attr("a[rel=prev]", "href").as_deref(),
        Some("../../sample/foreword/")
    );
    assert!(
        page.all("a[rel=next]").is_empty(),
        "last chapter has no next link"
    );
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en-GB"));
    assert_eq!(page.all("main#main").len(), 1);
    assert_eq!(page.attr("a.skip-link", "href").as_deref(), Some("#main"));
    assert!(
        page.text_of("footer")
            .contains("A strapline for the footer")
    );
}

#[test]
fn report_contents_mark_only_the_current_chapter() {
    // The default theme marks it by position (`loop.index ==
    // chapter.position`), which is cheaper than comparing slugs; each
    // chapter page must still mark itself and nothing else.
    let run = TestSite::fixture("fixtures/full").build().success();
    for (page, title) in [
        ("sample/foreword/index.html", "Foreword"),
        ("sample/funding/index.html", "Funding"),
    ] {
        let page = run.page(page);
        let current: Vec<String> = page
            .all("nav.report-contents a[aria-current=page]")
            .iter()
            .map(|a| a.text().collect())
            .collect();
        assert_eq!(current, [title]);
        assert!(page.all("nav.report-contents li").len() >= 2);
    }
}

#[test]
fn chapter_pages_link_to_their_neighbours_in_report_order() {
    // Previous and next come from the report's shared list of chapters (the
    // one the contents are written from), not from links made per page: a
    // wrong index there would link the wrong chapter.
    let site = TestSite::fixture("fixtures/full");
    // Two more chapters, so that two chapters have both neighbours.
    site.write(
        "content/sample/04-outlook.md",
        "---\ntitle: Outlook\norder: 4\n---\n\nNext year.\n",
    );
    site.write(
        "content/sample/05-thanks.md",
        "---\ntitle: Thanks\norder: 5\n---\n\nThank you.\n",
    );
    let run = site.build().success();
    let report = "sample";
    let contents: Vec<(String, String)> = run
        .page(&format!("{report}/foreword/index.html"))
        .all("nav.report-contents ol a")
        .iter()
        .map(|a| {
            let href = a.value().attr("href").unwrap_or_default().to_string();
            (href, a.text().collect::<String>())
        })
        .collect();
    // The draft chapter is not published.
    let titles: Vec<&str> = contents.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(titles, ["Foreword", "Funding", "Outlook", "Thanks"]);
    for (i, (href, title)) in contents.iter().enumerate() {
        let slug = href.trim_end_matches('/').rsplit('/').next().unwrap();
        let page = run.page(&format!("{report}/{slug}/index.html"));
        let previous = i.checked_sub(1).map(|p| &contents[p]);
        let next = contents.get(i + 1);
        assert_eq!(
            page.attr("a.pager-prev", "href").as_ref(),
            previous.map(|p| &p.0),
            "{title}: previous"
        );
        assert_eq!(
            page.attr("a.pager-next", "href").as_ref(),
            next.map(|n| &n.0),
            "{title}: next"
        );
        if let Some((_, next_title)) = next {
            assert!(
                page.text_of("a.pager-next").ends_with(next_title.as_str()),
                "{title}: next is called {next_title}"
            );
        }
    }
}

#[test]
fn numbered_paragraphs_follow_sections() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.page("sample/funding/index.html");
    let numbers: Vec<String> = page
        .all("p.numbered .para-number")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    // Before the first `##`: the chapter's number; then one count per section.
    assert_eq!(numbers, ["3.1", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4"]);
    assert_eq!(
        page.attr("p.numbered:nth-of-type(1)", "id").as_deref(),
        Some("para-3-1")
    );
}

#[test]
fn components_render_as_accessible_markup() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let funding = run.page("sample/funding/index.html");
    assert_eq!(funding.text_of(".stat .stat-figure"), "£4,034,000");
    assert_eq!(
        funding.text_of(".case-study h3"),
        "Case study: Mentoring in Lozells"
    );
    assert_eq!(
        funding.attr(".case-study", "aria-labelledby"),
        funding.attr(".case-study h3", "id")
    );
    assert_eq!(
        funding.text_of(".correction .correction-title"),
        "Correction 15 January 2024"
    );
    assert_eq!(
        funding.attr(".correction time", "datetime").as_deref(),
        Some("2024-01-15")
    );
    assert_eq!(funding.text_of(".callout-note .callout-title"), "Note");
    assert_eq!(
        funding.text_of(".callout-warning .callout-title"),
        "Check before quoting"
    );
    assert_eq!(funding.text_of("dl dt"), "PSPO");
    assert!(funding.text_of(".task-list").contains("Done: Done task"));
    assert!(
        funding
            .text_of(".task-list")
            .contains("Not done: Open task")
    );
    assert_eq!(funding.text_of("del"), "Old text");
    assert!(
        funding.text.contains("“smart quotes” – dashes"),
        "smart punctuation"
    );

    let foreword = run.page("sample/foreword/index.html");
    assert_eq!(
        foreword.text_of(".quote figcaption"),
        "— Young person, aged 15"
    );
    assert_eq!(foreword.text_of(".signature-name"), "Jane Smith");
    assert_eq!(
        foreword.text_of(".signature-role"),
        "Chair of the Partnership"
    );
}

#[test]
fn footnotes_are_collected_with_back_links() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.page("sample/foreword/index.html");
    assert_eq!(
        page.attr("sup.footnote-ref a", "href").as_deref(),
        Some("#fn-1")
    );
    assert_eq!(
        page.attr("sup.footnote-ref a", "role").as_deref(),
        Some("doc-noteref")
    );
    let note = page.text_of("section.footnotes li#fn-1");
    assert!(
        note.starts_with("Figures from the finance team, March 2023."),
        "{note}"
    );
    assert_eq!(
        page.attr("li#fn-1 a[role=doc-backlink]", "href").as_deref(),
        Some("#fnref-1")
    );
}

#[test]
fn links_between_chapters_and_to_files_resolve() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let foreword = run.page("sample/foreword/index.html");
    let hrefs = foreword.hrefs();
    assert!(
        hrefs.contains(&"../../sample/funding/#grants".to_string()),
        "{hrefs:?}"
    );
    assert!(
        hrefs.contains(&"../../sample/funding/".to_string()),
        "{hrefs:?}"
    );
    let funding = run.page("sample/funding/index.html");
    assert!(
        funding
            .hrefs()
            .contains(&"../../sample/data.csv".to_string())
    );
    assert!(funding.hrefs().contains(&"#grants".to_string()));
    assert!(
        run.output.join("sample/data.csv").is_file(),
        "files beside chapters are published"
    );
    // No link starts with `/`, so the site works under any sub-path.
    for page in [
        "index.html",
        "sample/index.html",
        "sample/funding/index.html",
        "sample/print/index.html",
    ] {
        for href in run.page(page).hrefs() {
            assert!(!href.starts_with('/'), "{page}: {href}");
        }
    }
}

/// Links in a definition and in a footnote, and a heading in the footnote
/// that the text links to (it had no id when the passes left notes out).
const NOTES_WITH_LINKS: &str = "---\ntitle: Notes\n---\n\nSee [the note's heading](#in-a-note).[^n]\n\nTerm\n: See [the funding](missing-one.md).\n\n[^n]: A note.\n\n    ### In a note\n\n    See [the grants](missing-two.md#grants).\n";

#[test]
fn a_link_inside_a_footnote_or_definition_is_checked_and_can_point_there() {
    let site = TestSite::fixture("fixtures/full");
    site.write("content/sample/09-notes.md", NOTES_WITH_LINKS);
    let run = site.run(&["check"]).exit(1);
    for (at, target) in [("8:7", "missing-one.md"), ("14:9", "missing-two.md")] {
        assert!(
            run.stderr
                .contains(&format!("content/sample/09-notes.md:{at}"))
                && run
                    .stderr
                    .contains(&format!("no chapter `content/sample/{target}`")),
            "{}",
            run.stderr
        );
    }
    // The note's heading has an id, and follows the notes' own h2.
    assert!(!run.stderr.contains("in-a-note"), "{}", run.stderr);
    assert!(!run.stderr.contains("skipped-heading"), "{}", run.stderr);

    site.write(
        "content/sample/09-notes.md",
        &NOTES_WITH_LINKS
            .replace("missing-one.md", "02-funding.md")
            .replace("missing-two.md", "02-funding.md"),
    );
    let run = site.build().success();
    let page = run.page("sample/notes/index.html");
    assert_eq!(
        page.attr(".footnotes h3", "id").as_deref(),
        Some("in-a-note")
    );
    assert_eq!(
        page.all(".footnotes a:not(.footnote-back)")[0]
            .value()
            .attr("href"),
        Some("../../sample/funding/#grants")
    );
    assert_eq!(
        page.attr("dd a", "href").as_deref(),
        Some("../../sample/funding/")
    );
}

#[test]
fn images_are_published_with_width_and_height() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.page("sample/funding/index.html");
    assert_eq!(
        page.attr("img", "src").as_deref(),
        Some("../../sample/img/chart.png")
    );
    assert_eq!(page.attr("img", "width").as_deref(), Some("64"));
    assert_eq!(page.attr("img", "height").as_deref(), Some("32"));
    assert_eq!(
        page.attr("img", "alt").as_deref(),
        Some("A bar chart of funding by area")
    );
    assert!(run.output.join("sample/img/chart.png").is_file());
}

#[test]
fn tables_have_scopes_and_a_focusable_labelled_region() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.page("sample/funding/index.html");
    assert_eq!(page.all("thead th[scope=col]").len(), 2);
    assert_eq!(page.text_of("tbody th[scope=row]"), "Dudley");
    assert_eq!(page.attr(".table-wrap", "tabindex").as_deref(), Some("0"));
    assert_eq!(
        page.attr(".table-wrap", "aria-label").as_deref(),
        Some("Table 1: Area, Funding")
    );
}

#[test]
fn raw_html_in_markdown_is_shown_not_run() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.page("sample/funding/index.html");
    assert!(only_theme_scripts(&page), "{:?}", page.all("script"));
    assert!(
        page.text_of(".raw-html")
            .contains("<script>alert(\"x\")</script>")
    );
}

#[test]
fn ids_are_unique_on_every_page() {
    let run = TestSite::fixture("fixtures/full").build().success();
    for path in [
        "index.html",
        "sample/index.html",
        "sample/foreword/index.html",
        "sample/funding/index.html",
        "sample/print/index.html",
    ] {
        let ids = run.page(path).ids();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids.len(), sorted.len(), "{path} has duplicate ids: {ids:?}");
    }
}

#[test]
fn print_edition_holds_every_chapter_with_in_page_links() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let print = run.page("sample/print/index.html");
    let chapters: Vec<String> = print
        .all("section.print-chapter > h2")
        .iter()
        .map(|h| h.text().collect::<String>())
        .collect();
    assert_eq!(chapters, ["Foreword", "3 Funding"]);
    // Headings move down a level under the chapter's h2.
    assert_eq!(print.text_of("#chapter-funding--grants"), "1 Grants");
    assert_eq!(print.all("h3#chapter-funding--grants").len(), 1);
    let hrefs = print.hrefs();
    assert!(
        hrefs.contains(&"#chapter-funding--grants".to_string()),
        "{hrefs:?}"
    );
    assert!(hrefs.contains(&"#chapter-funding".to_string()), "{hrefs:?}");
    assert!(
        hrefs.contains(&"#chapter-foreword--fn-1".to_string()),
        "{hrefs:?}"
    );
    // Every in-page link on the print page lands on an element.
    let ids = print.ids();
    for h in hrefs.iter().filter(|h| h.starts_with('#')) {
        assert!(ids.contains(&h[1..].to_string()), "dangling {h}");
    }
    assert_eq!(print.all("nav.print-contents li").len(), 2);
}

#[test]
fn home_lists_reports_newest_first_and_report_home_has_contents() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/older/report.yaml",
        "title: Older Report\npublished: 2019-11-19\nkind: board paper\n",
    )
    .write(
        "content/older/01-paper.md",
        "---\ntitle: Paper\n---\nText.\n",
    );
    let run = site.build().success();
    let home = run.page("index.html");
    let titles: Vec<String> = home
        .all(".report-card h3")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(titles, ["Sample Annual Report", "Older Report"]);
    assert!(
        home.text_of(".report-card .meta")
            .contains("6 December 2023")
    );
    let report = run.page("sample/index.html");
    assert_eq!(
        report.all("nav.contents li").len(),
        2,
        "draft chapter left out"
    );
    assert!(report.hrefs().contains(&"../sample/print/".to_string()));
    let sitemap = std::fs::read_to_string(run.output.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains(
        "<loc>https://example.org/sub/path/sample/funding/</loc><lastmod>2023-12-06</lastmod>"
    ));
    assert!(run.output.join("404.html").is_file());
    let not_found = run.page("404.html");
    assert_eq!(
        not_found.attr("link[rel=stylesheet]", "href").as_deref(),
        Some("/sub/path/assets/style.css")
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::fixture("fixtures/full");
    let run = site.build().success();
    assert!(!run.output.join("sample/draft").exists());
    let run = site.run(&["build", "--drafts"]).success();
    assert!(run.output.join("sample/draft/index.html").is_file());
}

#[test]
fn base_url_can_be_overridden_for_previews() {
    let site = TestSite::fixture("fixtures/full");
    let run = site
        .run(&["build", "--base-url", "https://preview.example.net/pr-12"])
        .success();
    let page = run.page("sample/index.html");
    assert_eq!(
        page.attr("link[rel=canonical]", "href").as_deref(),
        Some("https://preview.example.net/pr-12/sample/")
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    let first = snapshot(&site.dir.join("output"));
    let other = site.outside().join("second");
    site.run(&["build", "--output", other.to_str().unwrap()])
        .success();
    let second = snapshot(&other);
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (k, v) in &first {
        assert!(v == &second[k], "{k} differs between builds");
    }
}

#[test]
fn init_then_build_works() {
    let site = TestSite::empty();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["init", site.dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let run = site.build().success();
    let page = run.page("annual-report/our-year/index.html");
    assert_eq!(page.text_of("h1"), "Our year");
    // The starter shows what rapport is for: a table from a CSV whose total
    // is computed and used in a sentence and a headline, a chart, a tracker
    // listed in the chapter, an accessibility statement and a logo.
    assert_eq!(page.text_of(".data-table tfoot th"), "Total");
    let total = page.cells(".data-table tfoot td")[1].clone();
    assert_eq!(total, "£120,000");
    let text = page.cells("main p").join(" ");
    assert!(text.contains("received £120,000 this year"), "{text}");
    assert!(
        page.text_of(".stat").contains("£120,000"),
        "{}",
        page.text_of(".stat")
    );
    assert_eq!(page.all("svg.chart").len(), 1);
    assert_eq!(page.all(".tracker-list tbody tr").len(), 3);
    assert!(
        run.output
            .join("annual-report/recommendations/index.html")
            .is_file()
    );
    assert!(run.output.join("accessibility/index.html").is_file());
    assert!(run.output.join("static/logo.svg").is_file());
    // Its example addresses and sentences are flagged until replaced, at
    // their lines: a warning for `check`, an error for `check --strict`.
    let check = site.run(&["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    for (code, at) in [
        ("example-address", "site.yaml:14"),
        ("example-address", "site.yaml:8"),
        ("placeholder-text", "content/annual-report/report.yaml:8"),
        ("placeholder-text", "content/annual-report/01-foreword.md:7"),
    ] {
        let found = check
            .stderr
            .split("warning[")
            .any(|w| w.starts_with(code) && w.contains(at));
        assert!(found, "no {code} at {at}:\n{}", check.stderr);
    }
    assert_eq!(
        check.stderr.matches("warning[").count(),
        5,
        "only the starter's examples (base_url, two emails, two sentences): {}",
        check.stderr
    );
    site.run(&["check", "--strict"]).exit(1);
    // init refuses a folder that is not empty.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["init", site.dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn check_writes_nothing() {
    let site = TestSite::fixture("fixtures/full");
    let run = site.run(&["check"]).success();
    assert!(!run.output.exists());
}

/// The example site builds, and every chapter is in its report's print
/// edition. Structure only: its wording is free to change.
#[test]
fn the_example_site_in_this_repository_builds_without_errors() {
    use rapport::build::{BuildOptions, render_in_memory};
    let fs = rapport::vfs::RealFs::new(env!("CARGO_MANIFEST_DIR")).unwrap();
    let outcome = render_in_memory(&fs, &BuildOptions::default());
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let site = outcome.site.unwrap();
    let output = outcome.output.unwrap();
    for r in &site.reports {
        let print = output
            .get_text(&format!("{}/print/index.html", r.slug))
            .unwrap();
        for c in &r.chapters {
            assert!(
                output
                    .files
                    .contains_key(&format!("{}/{}/index.html", r.slug, c.slug))
            );
            assert!(
                print.contains(&format!("id=\"chapter-{}\"", c.slug)),
                "{} missing from print",
                c.slug
            );
        }
    }
}

/// The example site is made from the five seed reports; these are the
/// structures each seed is there to show (docs/example-site.md). A test of
/// the example itself, so it may name the example's figures; behaviour is
/// tested on the fixtures.
#[test]
fn the_example_site_carries_every_seed_structure() {
    use rapport::build::{BuildOptions, render_in_memory};
    let fs = rapport::vfs::RealFs::new(env!("CARGO_MANIFEST_DIR")).unwrap();
    let outcome = render_in_memory(&fs, &BuildOptions::default());
    assert!(
        outcome.diagnostics.is_empty(),
        "the example site should build with no warnings either: {:#?}",
        outcome.diagnostics
    );
    let site = outcome.site.unwrap();
    let slugs: Vec<&str> = site.reports.iter().map(|r| r.slug.as_str()).collect();
    assert_eq!(slugs.len(), 5, "{slugs:?}");
    let report = |slug: &str| site.reports.iter().find(|r| r.slug == slug).unwrap();

    // Seed 000: 24 recommendations in natural order, 24's text missing.
    let gvc = report("gvc-progress-report");
    let numbers: Vec<&str> = gvc
        .tracker
        .items
        .iter()
        .map(|i| i.number.as_str())
        .collect();
    let expected: Vec<String> = (1..=24).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    assert!(gvc.tracker.items[23].missing_text.is_some());

    // Seed 003: the summary of actions as tracked actions with leads.
    let eg = report("ending-gang-violence-one-year-on");
    assert_eq!(eg.tracker.label.one, "Action");
    assert_eq!(eg.tracker.items.len(), 26);
    assert!(
        eg.tracker
            .items
            .iter()
            .all(|i| !i.leads.is_empty() && i.theme.is_some())
    );

    // Seeds 001 and 002: board decisions; 002's budget adds up to £4,034,000.
    assert!(!report("vru-board-update-2020").tracker.items.is_empty());
    let est = report("vru-establishment-2019");
    assert_eq!(est.tracker.label.one, "Decision");
    let budget = est.tables.iter().find(|t| t.name == "budget").unwrap();
    assert_eq!(
        budget.total.as_ref().unwrap().cells[1].number(),
        Some(4_034_000.into())
    );

    // Seed 004: the crime table from raw counts, with the corrected robbery row.
    let output = outcome.output.unwrap();
    let csv = output
        .get_text("community-safety-2022-23/data/crime.csv")
        .unwrap();
    assert!(
        csv.lines().any(|l| l.starts_with("Personal robbery,")
            && l.contains(",115,")
            && l.ends_with(",up")),
        "{csv}"
    );
}

#[test]
fn new_files_get_the_next_free_number_and_build() {
    let site = TestSite::fixture("fixtures/tracker");
    site.run(&[
        "new",
        "recommendation",
        "progress-2020",
        "Fund youth workers: a pilot",
    ])
    .exit(0);
    // 1, 2, 3, 4, 4.9 and 4.10 exist: the next whole number is 5.
    let made =
        std::fs::read_to_string(site.dir.join("content/progress-2020/recommendations/05.md"))
            .unwrap();
    assert!(made.starts_with("---\nnumber: 5\ntitle: \"Fund youth workers: a pilot\"\n"));
    site.run(&["new", "chapter", "progress-2020", "Next steps"])
        .exit(0);
    assert!(
        site.dir
            .join("content/progress-2020/02-next-steps.md")
            .is_file()
    );
    site.run(&[
        "new",
        "report",
        "annual-2025",
        "--title",
        "Annual report 2025",
    ])
    .exit(0);
    let run = site.run(&["build", "--drafts"]).success();
    assert_eq!(
        run.page("progress-2020/recommendations/5/index.html")
            .text_of("h1"),
        "Recommendation 5 Fund youth workers: a pilot"
    );
    assert!(
        run.output
            .join("progress-2020/next-steps/index.html")
            .is_file()
    );
    assert!(
        run.output
            .join("annual-2025/introduction/index.html")
            .is_file()
    );
    // Nothing is overwritten, and unknown reports are named.
    let run = site.run(&["new", "report", "annual-2025"]).exit(2);
    assert!(run.stderr.contains("already exists"));
    let run = site.run(&["new", "chapter", "nope", "X"]).exit(2);
    assert!(
        run.stderr.contains("there is no report `nope`"),
        "{}",
        run.stderr
    );
}

/// Every file in a report folder was published: notes, a Word lock file
/// (`~$draft.docx`), a "Copy of" chapter as a second chapter with the same
/// title, and `06-summary.MD` was published as a file, not read as a chapter.
#[test]
fn only_files_something_links_to_are_published() {
    let site = TestSite::fixture("fixtures/full");
    let dir = "content/sample";
    for name in [
        "~$draft.docx",
        "accounts.pdf",
        "old-accounts.pdf",
        "plan.pdf~",
        "Copy of accounts.pdf",
    ] {
        site.write(&format!("{dir}/{name}"), "%PDF-1.4\n");
    }
    site.write(
        &format!("{dir}/05-accounts.md"),
        "---\ntitle: Accounts\n---\n\nThe [annual accounts](accounts.pdf).\n",
    );
    site.write(
        &format!("{dir}/Copy of 05-accounts.md"),
        "---\ntitle: Accounts\n---\n\nAn old draft.\n",
    );
    site.write(
        &format!("{dir}/06-summary.MD"),
        "---\ntitle: Summary\n---\n\nIn short.\n",
    );
    let run = site.build().success();
    assert!(
        run.output.join("sample/accounts.pdf").exists(),
        "a linked file is published"
    );
    for left_out in [
        "~$draft.docx",
        "old-accounts.pdf",
        "plan.pdf~",
        "Copy of accounts.pdf",
        "06-summary.MD",
    ] {
        assert!(
            !run.output.join("sample").join(left_out).exists(),
            "{left_out} was published"
        );
    }
    for (file, why) in [
        ("~$draft.docx", "it is a lock file"),
        ("old-accounts.pdf", "no chapter, item or table links to it"),
        ("plan.pdf~", "it looks like a backup"),
        (
            "Copy of accounts.pdf",
            "it looks like a copy of another file",
        ),
    ] {
        assert!(
            run.stderr
                .contains(&format!("`{file}` is not published: {why}")),
            "{file}: {}",
            run.stderr
        );
    }
    // The upper-case extension is a chapter; the copy is flagged by its title.
    assert!(run.output.join("sample/summary/index.html").exists());
    assert!(
        run.stderr.contains("warning[same-title]: chapter `Accounts` has the same title as content/sample/05-accounts.md"),
        "{}",
        run.stderr
    );
}

/// `build` said "built 1 report(s)" and not that drafts were left out; a
/// draft report was left out without a word.
#[test]
fn build_says_what_it_left_out_as_drafts() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/plans/report.yaml",
        "title: Plans\npublished: 2025-01-01\ndraft: true\n",
    );
    site.write("content/plans/01-a.md", "---\ntitle: A\n---\n\nText.\n");
    let run = site.build().success();
    assert!(
        run.stderr.contains(
            "warning[draft-report]: report `plans` is a draft and is left out of this build"
        ),
        "{}",
        run.stderr
    );
    let summary = run.stderr.lines().last().unwrap();
    assert!(summary.starts_with("built 1 report and "), "{summary}");
    assert!(
        summary.ends_with("; left out: 1 draft report, 1 draft chapter"),
        "{summary}"
    );
    assert!(!run.output.join("plans").exists());
}
