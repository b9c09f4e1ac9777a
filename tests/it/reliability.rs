//! Reliability: a build that fails late or is killed leaves the previous
//! output exactly as it was, and the same sources give the same bytes
//! whatever folder, time zone, locale or thread count the build runs with.
//! (`output_safety.rs` covers an early failure and the manifest rules.)
//! Last, the binary keeps the allocator settings its speed was measured
//! with.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::harness::*;

/// sha256 of every file under `dir`, by relative path.
fn digests(dir: &Path) -> BTreeMap<String, String> {
    snapshot(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let hex: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (path, hex)
        })
        .collect()
}

#[track_caller]
fn assert_same_tree(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>, what: &str) {
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(differ.is_empty(), "{what}: these files differ: {differ:?}");
    assert!(a.keys().any(|k| k.ends_with(".pdf")), "no PDF was compared");
}

#[test]
fn build_failing_on_the_last_chapter_leaves_previous_output_identical() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    let before = digests(&site.dir.join("output"));
    // The last chapter (by order) gets a broken link at its very end: every
    // other page loads and resolves before the error is found.
    let last = site.dir.join("content/sample/02-funding.md");
    let mut text = std::fs::read_to_string(&last).unwrap();
    text.push_str("\nSee [nowhere](99-missing.md).\n");
    std::fs::write(&last, text).unwrap();
    let run = site.build().exit(1);
    assert!(
        run.stderr.contains("content/sample/02-funding.md:"),
        "{}",
        run.stderr
    );
    assert_same_tree(
        &before,
        &digests(&site.dir.join("output")),
        "after a failed build",
    );
}

#[test]
fn build_failing_while_rendering_the_last_page_leaves_previous_output_identical() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    let before = digests(&site.dir.join("output"));
    // A theme override that fails only on the last chapter's page, after the
    // other pages have rendered.
    let chapter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/chapter.html"),
    )
    .unwrap();
    site.write(
        "templates/chapter.html",
        &chapter.replace(
            "{% block content %}",
            "{% block content %}{% if not next %}{{ no_such_variable }}{% endif %}",
        ),
    );
    let run = site.build();
    assert_ne!(run.code, 0, "the template error was not reported");
    assert!(run.stderr.contains("no_such_variable"), "{}", run.stderr);
    assert_same_tree(
        &before,
        &digests(&site.dir.join("output")),
        "after a failed render",
    );
}

/// A site big enough that a debug build takes seconds: one report with many
/// chapters, each with headings, a table, notes and links, and the PDF.
fn large_site(chapters: usize) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    for i in 0..chapters {
        let mut body = format!(
            "---\ntitle: Generated chapter {i}\norder: {}\n---\n\n",
            10 + i
        );
        for s in 0..8 {
            body.push_str(&format!(
                "## Section {s}\n\nParagraph {s} of chapter {i}, with *emphasis*, a [link](02-funding.md#grants) and a note[^n{s}].\n\n| Area | Amount |\n| --- | ---: |\n| North | {} |\n| South | {} |\n\n[^n{s}]: Note {s}.\n\n",
                i * 100 + s,
                i * 7 + s
            ));
        }
        site.write(&format!("content/sample/{:03}-gen-{i}.md", 10 + i), &body);
    }
    site
}

#[test]
fn build_killed_midway_leaves_previous_output_identical() {
    let site = large_site(40);
    site.build().success();
    let out = site.dir.join("output");
    let before = digests(&out);
    // Change every page, so a partial write would show.
    site.write(
        "site.yaml",
        "title: Changed title\norganisation: Fixture Council\nbase_url: https://example.org/sub/path/\n",
    );
    // What a complete build of the changed site writes (built elsewhere).
    let elsewhere = site.outside().join("expected");
    site.run(&["build", "--output", elsewhere.to_str().unwrap()])
        .success();
    let expected = digests(&elsewhere);
    let mut killed_midway = 0;
    for delay_ms in [20u64, 100, 300, 800, 1500, 3000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .arg("build")
            .current_dir(&site.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = digests(&out);
        if now == expected {
            // The build had swapped the new site in before it was killed:
            // also whole, never a mix.
            break;
        }
        assert_same_tree(
            &before,
            &now,
            &format!("after killing the build at {delay_ms} ms"),
        );
        killed_midway += 1;
    }
    assert!(
        killed_midway > 0,
        "every build finished before it was killed"
    );
    // Leftovers from killed builds do not stop the next one.
    site.build().success();
    assert_same_tree(&expected, &digests(&out), "the build after the kills");
}

/// Builds `fixtures/full` from a fresh folder with these environment
/// variables, and returns the digests of its output.
fn build_with(env: &[(&str, &str)]) -> BTreeMap<String, String> {
    let site = TestSite::fixture("fixtures/full");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
    cmd.arg("build").current_dir(&site.dir).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "build with {env:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    digests(&site.dir.join("output"))
}

#[test]
fn builds_in_different_folders_give_identical_trees() {
    // Each call copies the site into a new temporary folder.
    let a = build_with(&[]);
    let b = build_with(&[]);
    assert_same_tree(&a, &b, "two folders");
}

#[test]
fn builds_in_different_time_zones_give_identical_trees() {
    let utc = build_with(&[("TZ", "UTC")]);
    // Chatham is +12:45/+13:45, so any date taken from local time shifts.
    let chatham = build_with(&[("TZ", "Pacific/Chatham")]);
    let honolulu = build_with(&[("TZ", "Pacific/Honolulu")]);
    assert_same_tree(&utc, &chatham, "TZ=UTC vs Pacific/Chatham");
    assert_same_tree(&utc, &honolulu, "TZ=UTC vs Pacific/Honolulu");
}

#[test]
fn builds_in_different_locales_give_identical_trees() {
    let c = build_with(&[("LC_ALL", "C"), ("LANG", "C")]);
    let fr = build_with(&[("LC_ALL", "fr_FR.UTF-8"), ("LANG", "fr_FR.UTF-8")]);
    let tr = build_with(&[("LC_ALL", "tr_TR.UTF-8"), ("LANG", "de_DE.UTF-8")]);
    assert_same_tree(&c, &fr, "LC_ALL=C vs fr_FR");
    assert_same_tree(&c, &tr, "LC_ALL=C vs tr_TR");
}

#[test]
fn builds_with_different_thread_counts_give_identical_trees() {
    let one = build_with(&[("RAYON_NUM_THREADS", "1")]);
    let two = build_with(&[("RAYON_NUM_THREADS", "2")]);
    let four = build_with(&[("RAYON_NUM_THREADS", "4")]);
    assert_same_tree(&one, &two, "1 vs 2 threads");
    assert_same_tree(&one, &four, "1 vs 4 threads");
}

/// The binary's allocator asks the kernel for transparent huge pages
/// (src/allocator.rs), which took a tenth off the time of a large build. Losing
/// the setting (a new allocator, a renamed symbol) would fail nothing else,
/// so this reads it back from jemalloc's own report of its options.
#[cfg(all(target_os = "linux", not(target_env = "msvc")))]
#[test]
fn the_binary_asks_its_allocator_for_huge_pages() {
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "stats_print:true")
        .output()
        .expect("run rapport");
    assert!(out.status.success());
    let stats = String::from_utf8_lossy(&out.stderr);
    assert!(
        stats.contains("opt.thp: \"always\""),
        "jemalloc's options do not include thp:always:\n{stats}"
    );
}
