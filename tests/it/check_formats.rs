//! `rapport check`: editorial checks, output formats and `--strict`.
//! Golden files live beside the fixture (`expected-human.txt`,
//! `expected.json`, `expected-github.txt`); `RAPPORT_BLESS=1` rewrites them.

use crate::harness::*;

#[test]
fn editorial_checks_are_warnings_with_their_own_codes() {
    let site = TestSite::fixture("fixtures/editorial");
    let run = site.run(&["check"]).exit(0);
    for code in [
        "skipped-heading",
        "vague-link",
        "draft-marker",
        "table-header",
        "draft-content",
        "no-response",
        "missing-metadata",
    ] {
        assert!(
            run.stderr.contains(&format!("warning[{code}]")),
            "{code} missing:\n{}",
            run.stderr
        );
    }
    assert_golden("fixtures/editorial/expected-human.txt", &run.stderr);
}

#[test]
fn json_format_gives_one_object_per_problem() {
    let site = TestSite::fixture("fixtures/editorial");
    let run = site.run(&["check", "--format", "json"]).exit(0);
    assert_golden("fixtures/editorial/expected.json", &run.stdout);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let first = &list[0];
    assert_eq!(first["file"], "content/r/01-a.md");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 1);
    assert_eq!(first["end"]["line"], 7);
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["code"], "skipped-heading");
    assert!(first["hint"].as_str().unwrap().contains("heading levels"));
}

#[test]
fn github_format_writes_annotations() {
    let site = TestSite::fixture("fixtures/editorial");
    let run = site.run(&["check", "--format", "github"]).exit(0);
    assert_golden("fixtures/editorial/expected-github.txt", &run.stdout);
    assert!(run.stdout.starts_with(
        "::warning file=content/r/01-a.md,line=7,col=1,title=rapport%3A skipped-heading::"
    ));
    // A multi-line message stays on one line, as GitHub requires.
    assert_eq!(run.stdout.lines().count(), 7);
}

#[test]
fn strict_makes_warnings_errors() {
    let site = TestSite::fixture("fixtures/editorial");
    let run = site.run(&["check", "--strict"]).exit(1);
    assert!(run.stderr.contains("error[vague-link]"));
    let run = site
        .run(&["check", "--strict", "--format", "github"])
        .exit(1);
    assert!(run.stdout.starts_with("::error "));
}

#[test]
fn a_site_can_turn_checks_off() {
    let site = TestSite::fixture("fixtures/editorial");
    site.write(
        "site.yaml",
        "title: E\norganisation: T\nchecks:\n  vague-link: off\n  no-response: off\n  draft-marker: on\n",
    );
    let run = site.run(&["check"]).exit(0);
    assert!(!run.stderr.contains("vague-link"));
    assert!(!run.stderr.contains("no-response"));
    assert!(run.stderr.contains("draft-marker"));
    site.write(
        "site.yaml",
        "title: E\norganisation: T\nchecks:\n  broken-link: off\n",
    );
    let run = site.run(&["check"]).exit(2);
    assert!(
        run.stderr
            .contains("there is no check `broken-link` to turn off")
    );
    assert!(run.stderr.contains("site.yaml:4:16"), "{}", run.stderr);
}

#[test]
fn invalid_sites_in_json_name_every_problem() {
    let site = TestSite::fixture("invalid/many-problems");
    let run = site.run(&["check", "--format", "json"]).exit(1);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(list.as_array().unwrap().len() >= 12);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"].is_string())
    );
}
