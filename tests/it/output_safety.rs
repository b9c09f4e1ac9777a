//! The output folder: atomic replacement, and never deleting what rapport
//! did not write.

use crate::harness::*;

#[test]
fn failing_build_leaves_previous_output_intact() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    let before = snapshot(&site.dir.join("output"));
    site.write("content/sample/02-funding.md", "---\ntitle: [broken\n---\n");
    site.build().exit(1);
    assert_eq!(
        before,
        snapshot(&site.dir.join("output")),
        "output changed after a failed build"
    );
}

#[test]
fn rebuild_replaces_pages_that_no_longer_exist() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    std::fs::remove_file(site.dir.join("content/sample/01-foreword.md")).unwrap();
    // The funding chapter links to the foreword; drop that link.
    let funding = std::fs::read_to_string(site.dir.join("content/sample/02-funding.md")).unwrap();
    site.write(
        "content/sample/02-funding.md",
        &funding.replace("[foreword](01-foreword.md)", "foreword"),
    );
    let run = site.build().success();
    assert!(!run.output.join("sample/foreword").exists());
}

#[test]
fn refuses_output_folder_with_files_it_did_not_write() {
    let site = TestSite::fixture("fixtures/full");
    site.write("output/precious.txt", "not ours");
    let run = site.build().exit(2);
    assert!(run.stderr.contains("precious.txt"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(site.dir.join("output/precious.txt")).unwrap(),
        "not ours"
    );
}

#[test]
fn refuses_the_site_folder_or_its_parent_as_output() {
    let site = TestSite::fixture("fixtures/full");
    site.run(&["build", "--output", "."]).exit(2);
    let parent = site.outside();
    site.run(&["build", "--output", parent.to_str().unwrap()])
        .exit(2);
    site.run(&["build", "--output", "content/out"]).exit(2);
    assert!(site.dir.join("content/sample/report.yaml").is_file());
}
