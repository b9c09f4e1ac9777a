//! Every folder in `tests/invalid/` is a broken site with an `expected.txt`:
//! the exit code of `rapport check`, then everything it writes, exactly
//! (human format, no colour). One test per folder; a new folder needs a line
//! in [`invalid_sites!`], and `every_invalid_folder_has_a_test` says so.
//! `RAPPORT_BLESS=1` rewrites the files from the current output
//! (docs/testing.md).

use crate::harness::*;
use rapport::build::{BuildOptions, render_in_memory};
use rapport::vfs::RealFs;

/// One `#[test]` per folder of `tests/invalid/`, and the list of folders.
macro_rules! invalid_sites {
    ($($test:ident => $folder:literal,)*) => {
        const FOLDERS: &[&str] = &[$($folder),*];
        $(
            #[test]
            fn $test() {
                check_invalid_site($folder);
            }
        )*
    };
}

invalid_sites! {
    comms_officer_mistakes => "comms-officer-mistakes",
    data_problems => "data-problems",
    front_matter_type => "front-matter-type",
    many_problems => "many-problems",
    tab_in_site_yaml => "tab-in-site-yaml",
    template_variable => "template-variable",
    tracker_problems => "tracker-problems",
    unknown_site_key => "unknown-site-key",
    unsafe_links => "unsafe-links",
    yaml_syntax => "yaml-syntax",
}

/// Words of the parser, the file system or Rust that once reached people:
/// "invalid i64", "mapping values are not allowed in this context", "os
/// error 2". None may appear in what `check` says about any broken site.
const JARGON: &[&str] = &[
    "i64",
    "u32",
    "usize",
    "serde",
    "scalar",
    "mapping values",
    "block mapping",
    "invalid type",
    "untagged",
    "enum ",
    "struct ",
    "os error",
    "YAML syntax error",
    "deserializ",
    "unwrap",
    "panicked",
];

#[test]
fn no_message_about_a_broken_site_uses_the_words_of_the_parser_or_of_rust() {
    let mut checked = 0;
    for folder in FOLDERS {
        let expected =
            std::fs::read_to_string(fixtures().join("invalid").join(folder).join("expected.txt"))
                .unwrap();
        for word in JARGON {
            assert!(
                !expected.contains(word),
                "tests/invalid/{folder}/expected.txt says `{word}`:\n{expected}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, FOLDERS.len());
    // And a site folder that is not there.
    let run = TestSite::fixture("fixtures/full").run(&["check", "/no/such/site/folder"]);
    assert_ne!(run.code, 0);
    for word in JARGON {
        assert!(!run.stderr.contains(word), "{}", run.stderr);
    }
    assert!(run.stderr.contains("there is no folder"), "{}", run.stderr);
}

#[test]
fn every_invalid_folder_has_a_test() {
    let mut folders: Vec<String> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders, FOLDERS, "add the new folder to invalid_sites!");
}

/// `rapport check` on a copy of `tests/invalid/<name>` says exactly what
/// `expected.txt` says; the library agrees that the site is broken, and
/// `rapport build` fails the same way without writing anything.
fn check_invalid_site(name: &str) {
    let site = TestSite::fixture(&format!("invalid/{name}"));
    let run = site.run(&["check"]);
    assert!(run.stdout.is_empty(), "{name}: stdout:\n{}", run.stdout);
    // The site is checked from a temporary copy: its folder never shows.
    let stderr = run
        .stderr
        .replace(&site.dir.display().to_string(), "<site>")
        .replace(&site.outside().display().to_string(), "<tmp>");
    assert_golden(
        &format!("invalid/{name}/expected.txt"),
        &format!("exit: {}\n\n{stderr}", run.code),
    );
    assert_ne!(run.code, 0, "{name}: a broken site passed the check");
    assert!(run.stderr.contains("help:"), "{name}: no hint");

    let fs = RealFs::new(&site.dir).unwrap();
    let outcome = render_in_memory(&fs, &BuildOptions::default());
    assert!(outcome.has_errors(), "{name}: no error from the library");

    let build = site.build().exit(run.code);
    assert!(
        !build.output.exists(),
        "{name}: a failed build wrote output"
    );
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
