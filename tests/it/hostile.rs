//! Hostile content: what an attacker (or a careless paste) can put in a
//! site's files must never become script on its pages, read files outside
//! the site, or hang the build. See docs/hardening.md.

use std::path::Path;
use std::time::{Duration, Instant};

use scraper::{Html, Selector};

use crate::harness::*;

/// Text that is markup in every context it could land in: element, attribute
/// value (both quotes), template syntax.
const PAYLOAD: &str = r#"<script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)><a href="javascript:alert(1)">x</a>"' onmouseover=alert(1) {{ page.title }}"#;

/// A YAML single-quoted scalar holding `s`.
fn yq(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A CSV field holding `s`.
fn cq(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The fixture site with hostile text in every field a reader sees: site
/// title, report.yaml, front matter, Markdown (raw HTML, titles, alt texts,
/// code fence languages, components, footnotes), a data table's YAML and CSV
/// values and recommendation fields.
fn hostile_site(raw_html: &str) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    let p = yq(PAYLOAD);
    site.write(
        "site.yaml",
        &format!(
            "title: {p}\norganisation: {p}\ndescription: {p}\nbase_url: https://example.org/\nbranding:\n  footer: {p}\nmarkdown:\n  raw_html: {raw_html}\n"
        ),
    );
    site.write(
        "content/sample/report.yaml",
        &format!(
            "title: {p}\nsubtitle: {p}\nperiod: {p}\npublished: 2023-12-06\nowner: {p}\nauthors: [{p}, {p}]\nsummary: {p}\n"
        ),
    );
    site.write(
        "content/sample/04-hostile.md",
        &format!(
            r#"---
title: {p}
summary: {p}
order: 4
---

<script>alert("block")</script>

<div onclick="alert(1)">a div with a handler</div>

Inline <img src=x onerror=alert(1)> and <svg onload=alert(1)></svg> and
<a href="javascript:alert(1)">raw link</a> and <abbr title="World Health Organization" onmouseover="alert(1)">WHO</abbr>,
<span style="background:url(javascript:alert(1))" lang="cy">Helo</span>, H<sub>2</sub>O and
<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data</a> <form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>.

<iframe src="data:text/html,<script>alert(1)</script>"></iframe>

<object data="javascript:alert(1)"></object><math><mi xlink:href="javascript:alert(1)">m</mi></math>

<details open ontoggle="alert(1)"><summary>More</summary>Hidden text</details>

A [link with a hostile title](https://example.org "a&quot; onmouseover=&quot;alert(1)") and
![alt" onerror="alert(1) <script>alert(1)</script>](img/chart.png "t&quot; onload=&quot;alert(1)").

```"><script>alert(1)</script>
code in a hostile language
```

Template syntax stays text: {{{{ page.title }}}} and {{% if true %}}yes{{% endif %}} and {{# note #}}.

## A heading <script>alert(1)</script>

Text with a note[^evil].

[^evil]: A note <img src=x onerror=alert(1)>.

> [!NOTE] <script>alert(1)</script>
> A callout <svg onload=alert(1)>.

> [!TABLE] evil

> [!CHART] evil
> column: amount

> [!RECOMMENDATIONS]
"#
        ),
    );
    site.write(
        "content/sample/data/evil.yaml",
        &format!(
            "caption: {p}\nsource: {p}\nnotes: [{p}]\nfile: evil.csv\ncolumns:\n  - key: part\n    label: {p}\n  - key: amount\n    label: {p}\n    type: integer\n"
        ),
    );
    site.write(
        "content/sample/data/evil.csv",
        &format!(
            "Part,Amount\n{},5\n{},7\n",
            cq(PAYLOAD),
            cq(&PAYLOAD.replace("x", "y"))
        ),
    );
    site.write(
        "content/sample/recommendations.yaml",
        &format!(
            "- number: 1\n  title: {p}\n  text: {p}\n  lead: {p}\n  responses:\n    - date: 2023-05-01\n      status: implemented\n      text: {p}\n"
        ),
    );
    site
}

const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "poster",
    "background",
    "srcset",
    "cite",
    "content",
];

/// Every way the page could run script, as a list of problems.
fn script_vectors(rel: &str, text: &str) -> Vec<String> {
    let html = Html::parse_document(text);
    let mut problems = Vec::new();
    for el in html.select(&Selector::parse("*").unwrap()) {
        let v = el.value();
        if v.name() == "script" && !is_theme_script(&el) {
            problems.push(format!(
                "{rel}: a <script> that is not the theme's: {}",
                el.html()
            ));
        }
        for (name, value) in v.attrs() {
            let name = name.to_ascii_lowercase();
            if name.starts_with("on") {
                problems.push(format!(
                    "{rel}: event handler {name}=\"{value}\" on <{}>",
                    v.name()
                ));
            }
            if URL_ATTRS.contains(&name.as_str()) {
                // Browsers ignore whitespace and control characters in a
                // scheme and compare it case-insensitively.
                let norm: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "vbscript:", "data:text/html"]
                    .iter()
                    .any(|s| norm.starts_with(s))
                {
                    problems.push(format!("{rel}: {name}=\"{value}\" on <{}>", v.name()));
                }
            }
        }
    }
    problems
}

fn html_files(out: &Path) -> Vec<(String, String)> {
    let files: Vec<_> = walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            (
                e.path().strip_prefix(out).unwrap().display().to_string(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    assert!(files.len() > 5, "too few pages: {}", files.len());
    files
}

fn assert_no_script_vectors(out: &Path) {
    let problems: Vec<String> = html_files(out)
        .iter()
        .flat_map(|(rel, text)| script_vectors(rel, text))
        .collect();
    assert!(
        problems.is_empty(),
        "script vectors in the output:\n{}",
        problems.join("\n")
    );
}

fn visible_text(page: &Page, css: &str) -> String {
    page.all(css).iter().flat_map(|e| e.text()).collect()
}

#[test]
fn xss_corpus_escaped_by_default_carries_no_script_and_shows_the_text() {
    let site = hostile_site("escape");
    let run = site.build().success();
    assert_no_script_vectors(&run.output);
    // The PDF stage typeset the same payloads.
    assert!(
        walkdir::WalkDir::new(&run.output)
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.path().extension().is_some_and(|x| x == "pdf")),
        "no PDF written"
    );
    let page = run.page("sample/hostile/index.html");
    let main = visible_text(&page, "main");
    // Raw HTML is shown as typed, and template syntax is not evaluated.
    assert!(
        main.contains(r#"<script>alert("block")</script>"#),
        "{main}"
    );
    assert!(
        main.contains("<abbr title=\"World Health Organization\""),
        "{main}"
    );
    assert!(main.contains("{{ page.title }}"), "{main}");
    assert!(main.contains("{% if true %}yes{% endif %}"), "{main}");
    assert!(main.contains("{# note #}"), "{main}");
    assert_eq!(
        page.text_of("h1"),
        PAYLOAD.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    assert!(page.all("abbr").is_empty());
}

#[test]
fn xss_corpus_sanitised_keeps_the_allowlist_and_carries_no_script() {
    let site = hostile_site("sanitise");
    let run = site.build().success();
    assert_no_script_vectors(&run.output);
    let page = run.page("sample/hostile/index.html");
    // The allowlisted elements are real elements, without the handler.
    assert_eq!(
        page.attr("main abbr", "title").as_deref(),
        Some("World Health Organization")
    );
    assert_eq!(page.text_of("main abbr"), "WHO");
    assert_eq!(page.attr("main span[lang]", "lang").as_deref(), Some("cy"));
    assert!(page.attr("main span[lang]", "style").is_none());
    assert_eq!(page.text_of("main sub"), "2");
    assert_eq!(page.text_of("main details summary"), "More");
    // Dropped elements keep their words, scripts lose theirs.
    let main = visible_text(&page, "main");
    assert!(main.contains("a div with a handler"), "{main}");
    assert!(main.contains("raw link"), "{main}");
    assert!(!main.contains("alert(\"block\")"), "{main}");
    assert!(
        page.all("main iframe, main object, main form, main svg img")
            .is_empty()
    );
    // Template syntax is still text in this mode.
    assert!(main.contains("{{ page.title }}"), "{main}");
    // rapport's own markup around raw HTML survives sanitising.
    assert!(!page.all("main a[href='https://example.org']").is_empty());
    assert!(!page.all("main sup.footnote-ref a").is_empty());
}

#[test]
fn script_urls_in_links_autolinks_images_and_references_are_refused() {
    let site = TestSite::fixture("fixtures/full");
    let lines = [
        "[a](javascript:alert(1))",
        "[b](JaVaScRiPt:alert(1))",
        "<javascript:alert(1)>",
        "[c](vbscript:msgbox(1))",
        "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![e](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[f](java&#x73;cript:alert(1))",
        "[g][ref]",
        "[h](<javascript:alert(1)>)",
    ];
    let body = lines.join("\n\n");
    // Line 5 is the first body line: three lines of front matter and a blank.
    site.write(
        "content/sample/04-links.md",
        &format!("---\ntitle: Links\n---\n\n{body}\n\n[ref]: javascript:alert(1)\n"),
    );
    let run = site.build().exit(1);
    for (i, line) in lines.iter().enumerate() {
        let at = format!("content/sample/04-links.md:{}:", 5 + 2 * i);
        assert!(
            run.stderr.lines().any(|l| l.contains(&at)) && run.stderr.contains("unsafe-link"),
            "`{line}` was not refused at {at}:\n{}",
            run.stderr
        );
    }
    assert!(!run.output.exists(), "a failed build wrote output");
}

/// A `base_url` is written into every page's canonical link, the feed and
/// the sitemap: a script address there was published as it was.
#[test]
fn script_base_url_in_site_yaml_or_on_the_command_line_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &yaml.replace(
            "base_url: https://example.org/sub/path/",
            "base_url: javascript:alert(document.domain)//",
        ),
    );
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains("error[bad-base-url]") && run.stderr.contains("site.yaml:3:11"),
        "{}",
        run.stderr
    );
    assert!(!run.output.exists(), "a refused build wrote output");

    let site = TestSite::fixture("fixtures/full");
    let run = site
        .run(&[
            "build",
            "--base-url",
            "https://x.org/\"><script>alert(1)</script>",
        ])
        .exit(2);
    assert!(
        run.stderr.contains("error[bad-base-url]: --base-url:"),
        "{}",
        run.stderr
    );
    assert!(!run.output.exists(), "a refused build wrote output");
}

// ---- no file is read outside the site root ----

/// A file outside the site folder that must never reach the output.
fn secret(site: &TestSite) -> std::path::PathBuf {
    let p = site.outside().join("secret.csv");
    std::fs::write(&p, "Part,Amount\nSECRET-VALUE,1\n").unwrap();
    p
}

fn table_site(file: &str) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/t.yaml",
        &format!("caption: T\nfile: {file}\ncolumns:\n  - key: part\n    label: Part\n"),
    );
    site.write(
        "content/sample/04-t.md",
        "---\ntitle: T\n---\n\n> [!TABLE] t\n",
    );
    site
}

#[track_caller]
fn assert_refused(run: &Run, at: &str) {
    assert_ne!(
        run.code, 0,
        "a file outside the site was accepted:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(at),
        "no diagnostic at {at}:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("SECRET-VALUE"));
    let leaked = walkdir::WalkDir::new(&run.output)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .any(|e| {
            String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).contains("SECRET-VALUE")
        });
    assert!(!leaked, "the secret reached the output");
}

#[test]
fn data_table_source_climbing_out_with_dotdot_is_refused() {
    let site = table_site("../../../../secret.csv");
    secret(&site);
    let run = site.build();
    assert_refused(&run, "content/sample/data/t.yaml:2:7");
    assert!(run.stderr.contains("outside-site"), "{}", run.stderr);
}

#[test]
fn data_table_source_with_absolute_path_is_refused() {
    let site = table_site("PLACEHOLDER");
    let path = secret(&site);
    site.write(
        "content/sample/data/t.yaml",
        &format!(
            "caption: T\nfile: {}\ncolumns:\n  - key: part\n    label: Part\n",
            path.display()
        ),
    );
    let run = site.build();
    assert_refused(&run, "content/sample/data/t.yaml:2:7");
}

#[test]
fn data_table_source_symlinked_outside_is_refused() {
    let site = table_site("t.csv");
    let path = secret(&site);
    std::os::unix::fs::symlink(&path, site.dir.join("content/sample/data/t.csv")).unwrap();
    let run = site.build();
    assert_refused(&run, "content/sample/data/t.yaml:2:7");
}

/// An image outside the site folder that must never reach the output: a
/// real PNG with the secret marker after its end, so the output scan in
/// [`assert_refused`] can find it if it leaks (a plain copy of the fixture's
/// chart could never be told apart from the chart itself).
fn secret_png(site: &TestSite, name: &str) -> std::path::PathBuf {
    let mut bytes = std::fs::read(site.dir.join("content/sample/img/chart.png")).unwrap();
    bytes.extend_from_slice(b"SECRET-VALUE");
    let p = site.outside().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn image_site(dest: &str) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-img.md",
        &format!("---\ntitle: Img\n---\n\n![A picture]({dest})\n"),
    );
    site
}

#[test]
fn image_path_climbing_out_with_dotdot_is_refused() {
    let site = image_site("../../../secret.png");
    secret_png(&site, "secret.png");
    let run = site.build();
    assert_refused(&run, "content/sample/04-img.md:5:");
    assert!(!run.output.join("secret.png").exists());
}

#[test]
fn image_path_absolute_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    let outside = secret_png(&site, "secret.png");
    let site2 = image_site(outside.to_str().unwrap());
    let run = site2.build();
    assert_refused(&run, "content/sample/04-img.md:5:");
}

#[test]
fn image_symlinked_outside_is_refused() {
    let site = image_site("img/link.png");
    let outside = secret_png(&site, "secret.png");
    std::os::unix::fs::symlink(&outside, site.dir.join("content/sample/img/link.png")).unwrap();
    let run = site.build();
    assert_refused(&run, "content/sample/04-img.md:5:");
}

#[test]
fn logo_and_font_files_outside_the_site_are_refused() {
    let site = TestSite::fixture("fixtures/full");
    let outside = site.outside().join("secret.svg");
    std::fs::write(&outside, "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
    std::os::unix::fs::symlink(&outside, site.dir.join("logo.svg")).unwrap();
    std::os::unix::fs::symlink(&outside, site.dir.join("logo.ttf")).unwrap();
    let font = site.outside().join("secret.ttf");
    std::fs::write(&font, "not really a font").unwrap();
    site.write(
        "site.yaml",
        &format!(
            "title: T\norganisation: O\nbranding:\n  logo: ../secret.svg\n  logo_alt: Logo\n  font:\n    family: F\n    files: [{}, logo.ttf]\n",
            font.display()
        ),
    );
    let run = site.build().exit(2);
    for at in ["site.yaml:4:9", "site.yaml:8:13"] {
        assert!(run.stderr.contains(at), "{at}: {}", run.stderr);
    }
    assert!(
        run.stderr
            .contains("font file `logo.ttf` is outside the site folder"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("error[outside-site]").count(),
        3,
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not found"), "{}", run.stderr);
}

/// Regression: a logo that is a symlink to a file outside the site was
/// reported as "not found", which sends the author looking for a file that
/// is plainly there.
#[test]
fn symlinked_logo_outside_the_site_says_outside_not_missing() {
    let site = TestSite::fixture("fixtures/full");
    let outside = site.outside().join("secret.svg");
    std::fs::write(&outside, "<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap();
    std::os::unix::fs::symlink(&outside, site.dir.join("logo.svg")).unwrap();
    site.write(
        "site.yaml",
        "title: T\norganisation: O\nbranding:\n  logo: logo.svg\n  logo_alt: Logo\n",
    );
    let run = site.build().exit(2);
    assert!(
        run.stderr
            .contains("error[outside-site]: logo file `logo.svg` is outside the site folder"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("site.yaml:4:9"), "{}", run.stderr);
}

// ---- resource exhaustion ----

/// Runs `rapport build` and checks it stopped with an error quickly enough
/// to be a budget, not luck (loosely: a minute on a loaded debug build), and
/// in bounded memory: at most 256 MiB plus three times the largest file.
/// The fixture builds normally in about 55 MiB; a billion laughs expanded
/// would need gigabytes from a file of 1 KB, while the 100,000-line nested
/// list is itself 200 MB and may be read whole.
#[track_caller]
pub(crate) fn fails_fast(site: &TestSite, code: &str) -> Run {
    let largest = largest_file(&site.dir);
    let budget = 256.0 + 3.0 * largest as f64 / (1024.0 * 1024.0);
    let start = Instant::now();
    let run = site.run(&["build", "--timings"]);
    let took = start.elapsed();
    let peak_mib = peak_memory_mib(&run.stderr);
    assert!(
        peak_mib < budget,
        "peak memory {peak_mib:.0} MiB, over {budget:.0}:\n{}",
        run.stderr
    );
    assert_eq!(
        run.code, 1,
        "expected a content error; stderr:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(code),
        "expected `{code}`:\n{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    run
}

fn billion_laughs() -> String {
    let mut y = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 9].join(",");
        y.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    y
}

#[test]
fn billion_laughs_in_report_yaml_fails_fast() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/report.yaml",
        &format!(
            "title: R\npublished: 2023-01-01\nsummary: x\n{}",
            billion_laughs().replace("a: &a", "subtitle: &a")
        ),
    );
    fails_fast(&site, "content/sample/report.yaml:");
}

#[test]
fn billion_laughs_in_front_matter_fails_fast() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-lol.md",
        &format!("---\ntitle: Lol\n{}---\n\nText.\n", billion_laughs()),
    );
    fails_fast(&site, "content/sample/04-lol.md:");
}

#[test]
fn billion_laughs_in_a_data_table_fails_fast() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/t.yaml",
        &format!("caption: T\n{}", billion_laughs()),
    );
    fails_fast(&site, "content/sample/data/t.yaml:");
}

#[test]
fn yaml_nested_100000_deep_fails_fast() {
    let site = TestSite::fixture("fixtures/full");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    site.write(
        "content/sample/report.yaml",
        &format!("title: R\npublished: 2023-01-01\nsummary: {deep}\n"),
    );
    fails_fast(&site, "content/sample/report.yaml:3:");
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-deep.md",
        &format!(
            "---\ntitle: Deep\nsummary: {}\n---\n",
            "{a: ".repeat(100_000)
        ),
    );
    fails_fast(&site, "content/sample/04-deep.md:");
}

#[test]

fn markdown_nested_100000_deep_fails_fast() {
    // The error points at the line where the nesting passes the limit: the
    // first line for `>` and `- ` runs, the ninth list item (each list level
    // is two containers, list and item) for an indented list.
    for (name, body, line) in [
        ("quotes", "> ".repeat(100_000) + "deep\n", 5),
        (
            // 700 levels, as many as fit in the chapter size limit.
            "lists",
            (0..700)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
            5 + 16,
        ),
        ("list markers", "- ".repeat(100_000) + "deep\n", 5),
    ] {
        let site = TestSite::fixture("fixtures/full");
        site.write(
            "content/sample/04-deep.md",
            &format!("---\ntitle: Deep {name}\n---\n\n{body}"),
        );
        let run = fails_fast(&site, "nesting-too-deep");
        let at = format!("content/sample/04-deep.md:{line}:");
        assert!(
            run.stderr.contains(&at),
            "{name}: no {at} in\n{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("error[pdf]"),
            "{name}: the PDF stage failed on the flattened chapter:\n{}",
            run.stderr
        );
    }
}

/// The nesting limit is set below what the PDF engine can typeset (Typst
/// stops at 64 nested show rules; a quote costs about four): content just
/// under the limit must build, PDF included, and content at it must be a
/// `nesting-too-deep` error, never a PDF fault.
#[test]
fn nesting_just_under_the_limit_builds_with_its_pdf() {
    let quotes = "> ".repeat(14) + "deep *em* [link](https://example.org)\n";
    let mixed = "> - ".repeat(7) + "deep\n";
    for (name, body, depth) in [("quotes", quotes, 14), ("quotes and lists", mixed, 7)] {
        let site = TestSite::fixture("fixtures/full");
        site.write(
            "content/sample/04-deep.md",
            &format!("---\ntitle: Deep {name}\n---\n\n{body}"),
        );
        let run = site.build().success();
        let page = run.page("sample/deep/index.html");
        assert!(page.all("main blockquote").len() >= depth, "{name}");
        assert!(page.text_of("main").contains("deep"), "{name}");
        let pdfs: Vec<_> = walkdir::WalkDir::new(&run.output)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            .collect();
        assert!(!pdfs.is_empty(), "{name}: no PDF");
    }
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-deep.md",
        &format!("---\ntitle: Deep\n---\n\n{}deep\n", "> ".repeat(17)),
    );
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("nesting-too-deep") && !run.stderr.contains("error[pdf]"));
}

// ---- pathological Markdown stays near-linear ----

/// Compiled once, so the timings below measure rendering alone.
static DEFAULT_THEME: std::sync::LazyLock<rapport::render::templates::Templates> =
    std::sync::LazyLock::new(rapport::render::templates::Templates::built_in);

fn render_chapter(md: &str) -> usize {
    struct AsWritten;
    impl rapport::markdown::html::LinkResolver for AsWritten {
        fn href(&self, _: &rapport::markdown::LinkTarget, dest: &str) -> String {
            dest.to_string()
        }
    }
    let (doc, _) = rapport::markdown::parse(md, &Default::default());
    rapport::markdown::html::render(
        &doc,
        &rapport::markdown::html::HtmlOptions {
            id_prefix: "",
            heading_offset: 0,
            links: &AsWritten,
            raw_html: rapport::markdown::RawHtmlMode::Sanitise,
            components: &*DEFAULT_THEME,
        },
    )
    .unwrap()
    .len()
}

/// The median time of five runs of `run`.
pub(crate) fn median_time(run: impl Fn()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

/// The CPU time this thread has used. Parsing and rendering a chapter run
/// on the calling thread, so its CPU time measures them alone: wall time
/// also counted the other tests the harness runs at once, and on a loaded
/// machine that noise looked like superlinear growth.
#[cfg(target_os = "linux")]
fn thread_cpu_time() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write into.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0;
    assert!(ok, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The median CPU time of five runs of `run` on this thread (wall time
/// where there is no thread clock).
fn median_thread_time(run: impl Fn()) -> Duration {
    #[cfg(target_os = "linux")]
    {
        let mut times: Vec<Duration> = (0..5)
            .map(|_| {
                let start = thread_cpu_time();
                run();
                thread_cpu_time() - start
            })
            .collect();
        times.sort();
        times[2]
    }
    #[cfg(not(target_os = "linux"))]
    median_time(run)
}

fn assert_near_linear(name: &str, make: impl Fn(usize) -> String) {
    assert_time_near_linear(name, 1_000, |n| {
        let md = make(n);
        median_thread_time(|| {
            std::hint::black_box(render_chapter(std::hint::black_box(&md)));
        })
    });
}

/// Time grows no faster than 2.5x per doubling of the input. One doubling
/// can cross a cache or allocator threshold and cost 2.7x on its own (seen
/// on "nested [" from 16,000 to 32,000 brackets, where every larger doubling
/// took 1.9-2.3x), so the growth rate is the least-squares slope of log time
/// over log size at N, 2N, 4N and 8N: linear work gives 1, quadratic 2, and
/// 2.5x per doubling is log2(2.5) = 1.32. N is grown from `start` until one
/// run takes long enough to measure; `time_at(n)` should give a median of
/// several runs, and there are up to three tries, because the machine is
/// shared.
pub(crate) fn assert_time_near_linear(
    name: &str,
    start: usize,
    time_at: impl Fn(usize) -> Duration,
) {
    let mut n = start;
    while time_at(n) < Duration::from_millis(10) && n < 2_000_000 {
        n *= 2;
    }
    let limit = 2.5f64.log2();
    let mut slopes = Vec::new();
    for _ in 0..3 {
        let points: Vec<(f64, f64)> = (0..4)
            .map(|k| {
                let size = n << k;
                let t = time_at(size).as_secs_f64().max(1e-9);
                ((size as f64).log2(), t.log2())
            })
            .collect();
        let slope = least_squares_slope(&points);
        if slope <= limit {
            return;
        }
        slopes.push(slope);
    }
    panic!(
        "{name}: time grows as size^{slopes:.2?} from N = {n} to 8N, above size^{limit:.2} (2.5x per doubling)"
    );
}

fn least_squares_slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0 / n, y + p.1 / n));
    let cov: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    cov / var
}

#[test]
fn pathological_markdown_stays_near_linear() {
    type Input = Box<dyn Fn(usize) -> String>;
    let cases: Vec<(&str, Input)> = vec![
        (
            "nested [",
            Box::new(|n| "[".repeat(n) + "a" + &"]".repeat(n)),
        ),
        ("unclosed [", Box::new(|n| "[a ".repeat(n))),
        ("*a**a runs", Box::new(|n| "*a**a".repeat(n))),
        ("many <", Box::new(|n| "<".repeat(n) + "a")),
        ("many <a", Box::new(|n| "<a ".repeat(n))),
        ("backticks", Box::new(|n| "a``b`".repeat(n))),
        (
            "unclosed backtick runs",
            Box::new(|n| (1..=n).map(|i| "`".repeat(i % 50 + 1) + "a").collect()),
        ),
        (
            "link reference chains",
            Box::new(|n| {
                let defs: String = (0..n)
                    .map(|i| format!("[r{i}]: https://example.org/{i}\n"))
                    .collect();
                let uses: String = (0..n).map(|i| format!("[x][r{i}] ")).collect();
                format!("{uses}\n\n{defs}")
            }),
        ),
        (
            "nested emphasis",
            Box::new(|n| "*a _b ".repeat(n) + &"_ c* ".repeat(n)),
        ),
        (
            "underscores",
            Box::new(|n| "_".repeat(n) + "a" + &"_".repeat(n)),
        ),
        ("deep quotes", Box::new(|n| "> ".repeat(n) + "a")),
        ("deep lists", Box::new(|n| "- ".repeat(n) + "a")),
        (
            "inline html",
            Box::new(|n| "<abbr title=\"x\">a</abbr> <b>".repeat(n)),
        ),
    ];
    for (name, make) in cases {
        assert_near_linear(name, make);
    }
}

/// Found by `pathological_markdown_stays_near_linear`: a long run of
/// underscores around one word once measured 2.8 to 4.2 times slower at 2N
/// than at N (N = 128,000), with a single doubling as the measure.
#[test]
fn underscore_runs_stay_near_linear() {
    assert_near_linear("underscores", |n| "_".repeat(n) + "a" + &"_".repeat(n));
}
