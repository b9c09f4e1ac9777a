//! Publishing furniture: previews, corrections and revision history, the
//! Atom feed, robots.txt, the accessibility statement and "last updated"
//! dates from git.

use std::process::Command;

use crate::harness::*;

fn with_corrections() -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    let report = std::fs::read_to_string(site.dir.join("content/sample/report.yaml")).unwrap();
    site.write(
        "content/sample/report.yaml",
        &format!(
            "{report}corrections:\n  - date: 2024-02-01\n    chapter: 02-funding.md\n    what: The grant was given as £3.7m; it is £3.37m.\n    why: A typing error.\n  - date: 2024-01-10\n    what: A broken link in the contents was mended.\n"
        ),
    );
    site
}

#[test]
fn corrections_show_on_their_chapter_the_report_home_print_and_history() {
    let run = with_corrections().build().success();
    let chapter = run.page("sample/funding/index.html");
    assert_eq!(
        chapter.text_of(".chapter-header + .correction, header ~ .correction"),
        "Correction 1 February 2024 The grant was given as £3.7m; it is £3.37m. A typing error."
    );
    let foreword = run.page("sample/foreword/index.html");
    assert!(
        foreword.all(".correction").is_empty(),
        "only the affected chapter"
    );
    let home = run.page("sample/index.html");
    assert_eq!(
        home.cells(".corrections li"),
        [
            "10 January 2024: A broken link in the contents was mended.",
            "1 February 2024, Funding: The grant was given as £3.7m; it is £3.37m."
        ]
    );
    let history = run.page("sample/revisions/index.html");
    assert_eq!(
        history.cells(".revision-list h2"),
        ["1 February 2024: Funding", "10 January 2024"]
    );
    assert!(
        history
            .text_of(".revision-list")
            .contains("Why: A typing error.")
    );
    let print = run.page("sample/print/index.html");
    assert_eq!(
        print
            .all("#print-corrections ~ .correction, section.corrections .correction")
            .len(),
        2
    );
}

#[test]
fn a_correction_naming_a_missing_chapter_is_an_error() {
    let site = TestSite::fixture("fixtures/full");
    let report = std::fs::read_to_string(site.dir.join("content/sample/report.yaml")).unwrap();
    let line = report.lines().count() + 3;
    site.write(
        "content/sample/report.yaml",
        &format!(
            "{report}corrections:\n  - date: 2024-02-01\n    chapter: 09-nothing.md\n    what: x\n"
        ),
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("names chapter `09-nothing.md`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("report.yaml:{line}:14")),
        "{}",
        run.stderr
    );
}

#[test]
fn the_feed_announces_reports_and_corrections_and_parses_as_xml() {
    let run = with_corrections().build().success();
    let xml = std::fs::read_to_string(run.output.join("feed.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(titles[0], "Correction to Sample Annual Report");
    assert!(titles.contains(&"Sample Annual Report"));
    assert_eq!(titles.len(), 3);
    let sitemap = std::fs::read_to_string(run.output.join("sitemap.xml")).unwrap();
    roxmltree::Document::parse(&sitemap).unwrap();
    let page = run.page("index.html");
    assert_eq!(
        page.attr("link[rel=alternate]", "href").as_deref(),
        Some("./feed.xml")
    );
}

#[test]
fn previews_say_so_and_are_not_indexed() {
    let site = TestSite::fixture("fixtures/full");
    let run = site.build().success();
    assert!(run.page("index.html").all(".preview-banner").is_empty());
    let robots = std::fs::read_to_string(run.output.join("robots.txt")).unwrap();
    assert_eq!(
        robots,
        "User-agent: *\nAllow: /\nSitemap: https://example.org/sub/path/sitemap.xml\n"
    );
    let run = site
        .run(&[
            "build",
            "--preview",
            "--base-url",
            "https://preview.example.net/pr-7/",
        ])
        .success();
    let page = run.page("sample/funding/index.html");
    assert!(
        page.text_of(".preview-banner")
            .starts_with("Preview: not published.")
    );
    assert_eq!(
        page.attr("meta[name=robots]", "content").as_deref(),
        Some("noindex, nofollow")
    );
    let robots = std::fs::read_to_string(run.output.join("robots.txt")).unwrap();
    assert!(robots.contains("Disallow: /"));
}

#[test]
fn the_accessibility_statement_is_generated_from_site_yaml() {
    let site = TestSite::fixture("fixtures/full");
    let config = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{config}accessibility:\n  email: help@example.org\n  known_issues:\n    - Charts have no sonification.\n"),
    );
    let run = site.build().success();
    let page = run.page("accessibility/index.html");
    assert_eq!(page.text_of("h1"), "Accessibility statement");
    assert!(page.text_of("main").contains("partially compliant"));
    assert!(
        page.cells("li")
            .contains(&"Charts have no sonification.".to_string())
    );
    assert_eq!(
        page.attr("a[href^=mailto]", "href").as_deref(),
        Some("mailto:help@example.org")
    );
    let home = run.page("index.html");
    assert_eq!(
        home.attr(".footer-links a", "href").as_deref(),
        Some("./accessibility/")
    );
    site.write(
        "site.yaml",
        &format!("{config}accessibility:\n  email: help@example.org\n  compliance: mostly\n"),
    );
    let run = site.run(&["check"]).exit(2);
    assert!(run.stderr.contains("`mostly` is not a compliance level"));
}

fn git(dir: &std::path::Path, args: &[&str], date: &str) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

/// "Last updated" said when a chapter really changed after the report was
/// published: archived papers put into git years later said "Last updated"
/// with the date of that commit.
#[test]
fn last_updated_dates_come_from_git_or_front_matter() {
    let site = TestSite::fixture("fixtures/full");
    // The fixture's report was published on 6 December 2023.
    let updated = |page: &str, run: &Run| {
        let page = run.page(page);
        let all = page.all(".updated");
        (!all.is_empty()).then(|| page.text_of(".updated"))
    };
    // Outside git: the front matter's `updated:`, if after publication.
    let foreword = std::fs::read_to_string(site.dir.join("content/sample/01-foreword.md")).unwrap();
    site.write(
        "content/sample/01-foreword.md",
        &foreword.replacen("---\n", "---\nupdated: 2024-05-04\n", 1),
    );
    let funding = std::fs::read_to_string(site.dir.join("content/sample/02-funding.md")).unwrap();
    site.write(
        "content/sample/02-funding.md",
        &funding.replacen("---\n", "---\nupdated: 2023-05-04\n", 1),
    );
    let run = site.build().success();
    assert_eq!(
        updated("sample/foreword/index.html", &run).as_deref(),
        Some("Last updated 4 May 2024")
    );
    assert_eq!(updated("sample/funding/index.html", &run), None);

    // In git: the last commit that changed a file after the one that added
    // it. Adding is not updating.
    site.write("content/sample/02-funding.md", &funding);
    git(&site.dir, &["init", "-q"], "2024-01-01T12:00:00Z");
    git(&site.dir, &["add", "."], "2024-01-01T12:00:00Z");
    git(
        &site.dir,
        &["commit", "-qm", "first"],
        "2024-01-01T12:00:00Z",
    );
    let run = site.build().success();
    assert_eq!(updated("sample/funding/index.html", &run), None);
    assert_eq!(
        updated("sample/foreword/index.html", &run).as_deref(),
        Some("Last updated 4 May 2024"),
        "the front matter still counts when git has only the file's first commit"
    );
    site.write(
        "content/sample/02-funding.md",
        &format!("{funding}\nMore.\n"),
    );
    git(
        &site.dir,
        &["commit", "-qam", "second"],
        "2024-03-15T12:00:00Z",
    );
    let run = site.build().success();
    assert_eq!(
        updated("sample/funding/index.html", &run).as_deref(),
        Some("Last updated 15 March 2024")
    );

    // A report published after its last change says nothing of updates.
    let report = std::fs::read_to_string(site.dir.join("content/sample/report.yaml")).unwrap();
    site.write(
        "content/sample/report.yaml",
        &report.replace("published: 2023-12-06", "published: 2024-06-01"),
    );
    let run = site.build().success();
    assert_eq!(updated("sample/funding/index.html", &run), None);
    assert_eq!(updated("sample/foreword/index.html", &run), None);

    // An archived paper turns it off; so can a whole site.
    site.write(
        "content/sample/report.yaml",
        &format!("{report}last_updated: false\n"),
    );
    let run = site.build().success();
    assert_eq!(updated("sample/funding/index.html", &run), None);
    site.write("content/sample/report.yaml", &report);
    let config = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}git_dates: false\n"));
    let run = site.build().success();
    assert_eq!(updated("sample/funding/index.html", &run), None);
}

#[test]
fn the_example_workflows_are_valid_yaml_and_run_the_checks() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/workflows");
    for (file, wants) in [
        ("github-check.yml", "rapport check --format github --strict"),
        ("github-pages.yml", "--output public --cache .rapport-cache"),
        (
            "gitlab-ci.yml",
            "rapport build --base-url \"$CI_PAGES_URL/\" --output public --cache .rapport-cache",
        ),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let parsed: Result<serde_json::Value, _> = rapport::yaml::parse(file, &text, 0);
        assert!(parsed.is_ok(), "{file}: {:?}", parsed.err());
        assert!(text.contains(wants), "{file} should run `{wants}`");
    }
}
