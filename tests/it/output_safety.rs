//! The output folder: atomic replacement, never deleting what rapport did
//! not write, never following a link, and one build at a time.

#[cfg(unix)]
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

// Symbolic links, locks and leftovers around the output folder. Everything
// beside `output/` sits in the site folder, a git checkout, so any of it may
// have come from a pull request.

/// A folder outside the site with a file and an empty sub-folder in it, as
/// a link from the site might point at.
pub(crate) fn victim(site: &TestSite) -> PathBuf {
    let victim = site.outside().join("victim");
    std::fs::create_dir_all(victim.join("empty-folder")).unwrap();
    std::fs::create_dir_all(victim.join("folder")).unwrap();
    std::fs::write(victim.join("precious.txt"), "precious").unwrap();
    std::fs::write(victim.join("folder/deep.txt"), "deep").unwrap();
    victim
}

/// Every file and folder under `dir`, with the bytes of each file.
pub(crate) fn tree(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

/// The names beside the output folder that rapport makes while it builds.
fn beside_output(site: &TestSite) -> Vec<String> {
    std::fs::read_dir(&site.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".output.rapport-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn symlinked_old_output_name_pointing_outside_is_refused_and_victim_untouched() {
    for name in [".output.rapport-old", ".output.rapport-old-4242"] {
        let site = TestSite::fixture("fixtures/full");
        let victim = victim(&site);
        let before = tree(&victim);
        // A fresh clone: no output folder yet, and the link committed.
        symlink(&victim, site.dir.join(name)).unwrap();
        let run = site.build().exit(2);
        assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("not a folder rapport made"),
            "{}",
            run.stderr
        );
        assert_eq!(before, tree(&victim), "{name}: the victim folder changed");
        assert!(!site.dir.join("output").exists(), "{name}: output was made");
        let link = std::fs::symlink_metadata(site.dir.join(name)).unwrap();
        assert!(link.file_type().is_symlink(), "{name}: the link was moved");
    }
}

#[cfg(unix)]
#[test]
fn symlinked_staging_name_pointing_outside_is_refused_and_victim_untouched() {
    for name in [".output.rapport-staging", ".output.rapport-staging-4242"] {
        let site = TestSite::fixture("fixtures/full");
        site.build().success();
        let victim = victim(&site);
        let before = tree(&victim);
        let output = snapshot(&site.dir.join("output"));
        symlink(&victim, site.dir.join(name)).unwrap();
        let run = site.build().exit(2);
        assert!(run.stderr.contains(name), "{name}: {}", run.stderr);
        assert_eq!(before, tree(&victim), "{name}: the victim folder changed");
        assert_eq!(output, snapshot(&site.dir.join("output")), "{name}");
    }
}

#[test]
fn file_under_a_leftover_name_is_refused_and_kept() {
    let site = TestSite::fixture("fixtures/full");
    site.write(".output.rapport-staging-7", "a file, not rapport's");
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains(".output.rapport-staging-7"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.dir.join(".output.rapport-staging-7")).unwrap(),
        "a file, not rapport's"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_output_folder_is_refused_and_the_folder_it_points_to_untouched() {
    let site = TestSite::fixture("fixtures/full");
    // Only folders, which the old check took for an empty output.
    let victim = site.outside().join("victim");
    std::fs::create_dir_all(victim.join("photos/2024")).unwrap();
    std::fs::create_dir_all(victim.join("letters")).unwrap();
    let before = tree(&victim);
    symlink(&victim, site.dir.join("output")).unwrap();
    let run = site.build().exit(2);
    assert!(run.stderr.contains("symbolic link"), "{}", run.stderr);
    assert_eq!(before, tree(&victim), "the folder behind the link changed");
    let link = std::fs::symlink_metadata(site.dir.join("output")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
}

#[cfg(unix)]
#[test]
fn symlinked_lock_file_name_pointing_outside_is_refused_and_nothing_made_there() {
    let site = TestSite::fixture("fixtures/full");
    let target = site.outside().join("made-through-the-link");
    symlink(&target, site.dir.join(".output.rapport-lock")).unwrap();
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains(".output.rapport-lock"),
        "{}",
        run.stderr
    );
    assert!(!target.exists(), "a file was made through the link");
}

#[test]
fn output_folder_of_empty_folders_is_not_rapports_and_is_kept() {
    let site = TestSite::fixture("fixtures/full");
    std::fs::create_dir_all(site.dir.join("output/photos/2024")).unwrap();
    std::fs::create_dir_all(site.dir.join("output/letters")).unwrap();
    let run = site.build().exit(2);
    assert!(run.stderr.contains("letters/"), "{}", run.stderr);
    assert!(site.dir.join("output/photos/2024").is_dir());
    assert!(site.dir.join("output/letters").is_dir());
}

#[test]
fn folder_added_to_a_built_output_is_not_rapports_and_is_kept() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    std::fs::create_dir_all(site.dir.join("output/mine/empty")).unwrap();
    let run = site.build().exit(2);
    assert!(run.stderr.contains("mine/"), "{}", run.stderr);
    assert!(site.dir.join("output/mine/empty").is_dir());
}

#[cfg(unix)]
#[test]
fn symlink_in_the_old_output_listed_in_its_manifest_is_refused_and_its_target_untouched() {
    let site = TestSite::fixture("fixtures/full");
    let victim = victim(&site);
    let before = tree(&victim);
    // A committed output folder whose manifest vouches for a link out of
    // it, and for paths outside it.
    std::fs::create_dir_all(site.dir.join("output")).unwrap();
    symlink(&victim, site.dir.join("output/victim")).unwrap();
    let manifest = format!(
        "victim\n../victim/precious.txt\n{}\n",
        victim.join("precious.txt").display()
    );
    site.write("output/.rapport-manifest", &manifest);
    let run = site.build().exit(2);
    assert!(run.stderr.contains("victim"), "{}", run.stderr);
    assert_eq!(before, tree(&victim), "the victim folder changed");
    // Without the link, the outside paths in the manifest vouch for
    // nothing and name nothing to remove.
    std::fs::remove_file(site.dir.join("output/victim")).unwrap();
    site.build().success();
    assert_eq!(before, tree(&victim), "the victim folder changed");
}

#[test]
fn previous_site_left_aside_by_a_stopped_build_is_put_back_even_if_the_next_build_fails() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    let before = snapshot(&site.dir.join("output"));
    // A build stopped between its two renames (where the folders cannot be
    // exchanged in one step) leaves the site under its per-process name.
    std::fs::rename(
        site.dir.join("output"),
        site.dir.join(".output.rapport-old-4242"),
    )
    .unwrap();
    site.write("content/sample/02-funding.md", "---\ntitle: [broken\n---\n");
    site.build().exit(1);
    assert!(
        before == snapshot(&site.dir.join("output")),
        "the previous site was not put back as it was"
    );
    assert!(
        beside_output(&site).is_empty(),
        "{:?}",
        beside_output(&site)
    );
}

#[test]
fn build_waits_while_another_build_holds_the_output_lock() {
    use std::io::BufRead;
    let site = TestSite::fixture("fixtures/full");
    let lock = std::fs::File::create(site.dir.join(".output.rapport-lock")).unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("build")
        .current_dir(&site.dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert!(
        first.contains("another rapport build is writing to") && first.contains("waiting"),
        "the build did not wait for the lock: {first:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build did not wait"
    );
    assert!(!site.dir.join("output").exists());
    drop(lock);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(child.wait().unwrap().success(), "{rest}");
    assert!(site.dir.join("output/index.html").is_file());
    assert!(
        beside_output(&site).is_empty(),
        "{:?}",
        beside_output(&site)
    );
}

/// The files of the live output, less its manifest, and the manifest's list.
fn live_and_manifest(out: &Path) -> (Vec<String>, Vec<String>) {
    let mut live: Vec<String> = snapshot(out)
        .into_keys()
        .filter(|k| k != ".rapport-manifest")
        .collect();
    live.sort();
    let manifest = std::fs::read_to_string(out.join(".rapport-manifest")).unwrap();
    let mut listed: Vec<String> = manifest.lines().map(str::to_string).collect();
    listed.sort();
    (live, listed)
}

#[test]
fn two_builds_into_one_output_at_once_leave_one_whole_build() {
    // Many pages, so that the two builds overlap.
    let site = TestSite::generated(60, 20);
    site.run(&["build", "--no-pdf"]).success();
    let out = site.dir.join("output");
    let (whole, _) = live_and_manifest(&out);
    assert!(whole.len() > 100, "only {} files", whole.len());
    for round in 0..4 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_rapport"))
                .args(["build", "--no-pdf"])
                .current_dir(&site.dir)
                .env("NO_COLOR", "1")
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let done = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&done.stderr);
            assert!(
                done.status.success()
                    || (done.status.code() == Some(2) && stderr.contains("another rapport build")),
                "round {round}: {:?}\n{stderr}",
                done.status
            );
        }
        let (live, listed) = live_and_manifest(&out);
        assert_eq!(live, listed, "round {round}: output and manifest differ");
        assert_eq!(live, whole, "round {round}: not one whole build");
        assert!(
            beside_output(&site).is_empty(),
            "{:?}",
            beside_output(&site)
        );
    }
}

#[cfg(unix)]
#[test]
fn new_recommendation_named_like_a_dangling_link_does_not_write_through_it() {
    let site = TestSite::fixture("fixtures/full");
    let target = site.outside().join("written-through-the-link.md");
    std::fs::create_dir_all(site.dir.join("content/sample/recommendations")).unwrap();
    symlink(
        &target,
        site.dir.join("content/sample/recommendations/01.md"),
    )
    .unwrap();
    let run = site.run(&["new", "recommendation", "sample", "Planted"]);
    assert!(!target.exists(), "a file was written through the link");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn new_recommendation_into_a_folder_linking_outside_the_site_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    let victim = victim(&site);
    let before = tree(&victim);
    symlink(&victim, site.dir.join("content/sample/recommendations")).unwrap();
    let run = site.run(&["new", "recommendation", "sample", "Planted"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("outside the site"), "{}", run.stderr);
    assert_eq!(before, tree(&victim), "a file was written outside the site");
}

#[cfg(unix)]
#[test]
fn output_path_through_a_linked_folder_in_the_site_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    let elsewhere = site.outside().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    // `public` committed as a link: `--output public/site` would write
    // wherever it points.
    symlink(&elsewhere, site.dir.join("public")).unwrap();
    let run = site.run(&["build", "--output", "public/site"]).exit(2);
    assert!(run.stderr.contains("a link on the way"), "{}", run.stderr);
    assert!(tree(&elsewhere).len() == 1, "{:?}", tree(&elsewhere));
}
