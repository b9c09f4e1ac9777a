//! Every folder in `tests/invalid/` is a broken site with an
//! `expected.txt`: the exit code, then one `file:line:column code` line per
//! problem that a single run of `rapport check` must report.

use crate::harness::*;
use rapport::build::{BuildOptions, render_in_memory};
use rapport::vfs::RealFs;

#[test]
fn every_invalid_site_reports_every_problem_with_its_position() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 6);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap();
        let mut lines = expected.lines();
        let exit: i32 = lines
            .next()
            .unwrap()
            .trim_start_matches("exit: ")
            .parse()
            .unwrap();

        let fs = RealFs::new(&case).unwrap();
        let outcome = render_in_memory(&fs, &BuildOptions::default());
        let found: Vec<String> = outcome
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.location(), d.code))
            .collect();
        for want in lines.filter(|l| !l.trim().is_empty()) {
            assert!(
                found.iter().any(|f| f == want),
                "{name}: expected `{want}`, found {found:#?}"
            );
        }
        assert!(outcome.output.is_none() || outcome.has_errors());

        // The real command agrees, and shows the offending line and a hint.
        let site = TestSite::fixture(&format!("invalid/{name}"));
        let run = site.run(&["check"]).exit(exit);
        assert!(
            run.stderr.contains("help:"),
            "{name}: no hint in\n{}",
            run.stderr
        );
        let run = site.build().exit(exit);
        assert!(!run.output.exists(), "{name}: a failed build wrote output");
    }
}

#[test]
fn human_output_shows_the_source_line_and_position() {
    let site = TestSite::fixture("invalid/front-matter-type");
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("content/r/01-a.md:3:8"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("order: first"), "{}", run.stderr);
}

/// A build lets go of chapters' texts once the site is checked (they were
/// a sixth of its memory); those that problems point into are kept, so the
/// problem still shows its line.
#[test]
fn a_built_chapter_with_problems_still_shows_their_lines() {
    let site = TestSite::fixture("invalid/many-problems");
    let run = site.build().exit(1);
    assert!(
        run.stderr.contains("content/r/02-b.md:6:5"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("See [the missing chapter](09-nothing.md) and [a heading](01-a.md#nowhere)."),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_site_yaml_is_a_usage_error() {
    let site = TestSite::empty();
    std::fs::create_dir_all(&site.dir).unwrap();
    let run = site.run(&["check"]).exit(2);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}
