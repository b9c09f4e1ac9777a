//! Files a site publishes: nothing beside a chapter may become script on
//! the site's own origin, nothing outside content/ is linked or published,
//! and no report takes one of the site's own addresses.
//! (docs/hardening.md, "Files a site publishes".)

use std::path::Path;

use crate::harness::*;

/// The fixture with one more chapter, `04-extra.md`, whose body starts on
/// line 5.
fn site_with_chapter(body: &str) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-extra.md",
        &format!("---\ntitle: Extra\n---\n\n{body}\n"),
    );
    site
}

/// Every file of the output whose bytes contain `needle`.
fn files_containing(out: &Path, needle: &str) -> Vec<String> {
    snapshot(out)
        .into_iter()
        .filter(|(_, bytes)| String::from_utf8_lossy(bytes).contains(needle))
        .map(|(path, _)| path)
        .collect()
}

/// The problems `rapport check` finds, one a line, as
/// `file:line:column: severity[code]: message (hint: ...)`.
fn problems(site: &TestSite) -> String {
    let run = site.run(&["check", "--format", "json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", run.stdout, run.stderr));
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    list.iter()
        .map(|d| {
            let mut at = text(&d["file"]);
            if !d["line"].is_null() {
                at = format!("{at}:{}:{}", d["line"], d["column"]);
            }
            format!(
                "{at}: {}[{}]: {} (hint: {})\n",
                text(&d["severity"]),
                text(&d["code"]),
                text(&d["message"]),
                text(&d["hint"])
            )
        })
        .collect()
}

const PAGE: &str = "<!doctype html><title>x</title><script>document.title='PWNED'</script>";

#[test]
fn html_file_beside_a_chapter_linked_from_it_is_refused_not_published() {
    let site = site_with_chapter("Read [our page](page.html) for more.");
    site.write("content/sample/page.html", PAGE);
    let found = problems(&site);
    assert!(
        found.contains(
            "content/sample/04-extra.md:5:6: error[unsafe-file]: `page.html` is not published: a `.html` file can run script"
        ),
        "{found}"
    );
    assert!(found.contains("link to a PDF instead"), "{found}");
    let run = site.build().exit(1);
    assert!(run.stderr.contains("error[unsafe-file]"), "{}", run.stderr);
    assert!(!run.output.exists(), "a failed build wrote output");
}

#[test]
fn files_that_can_run_script_are_left_out_in_any_letter_case_or_double_extension() {
    let site = TestSite::fixture("fixtures/full");
    let names = [
        "page.html",
        "PAGE.HTM",
        "page.xhtml",
        "feed.xml",
        "app.js",
        "shell.php",
        "shell.php.png",
        "report.html.pdf",
        "notes",
        "design.psd",
    ];
    for name in names {
        site.write(&format!("content/sample/files/{name}"), PAGE);
    }
    site.write(
        "content/sample/files/summary.PDF",
        "%PDF-1.7 a real download",
    );
    // Only what a chapter links to is published.
    site.write(
        "content/sample/05-summary.md",
        "---\ntitle: Summary\n---\n\nThe [summary](files/summary.PDF).\n",
    );
    let found = problems(&site);
    let run = site.build().success();
    for name in names {
        assert!(
            !run.output.join("sample/files").join(name).exists(),
            "{name} was published"
        );
        assert!(
            found.contains(&format!(
                "content/sample/files/{name}: warning[unpublished-file]: `files/{name}` is not published"
            )),
            "no warning for {name}: {found}"
        );
    }
    assert!(files_containing(&run.output, "PWNED").is_empty());
    assert!(run.output.join("sample/files/summary.PDF").exists());
}

const SVG_HEAD: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 100 50\">\n<title>Funding by area</title>\n";

/// A chart beside the chapter, shown as an image on line 5.
fn svg_site(svg_body: &str) -> TestSite {
    let site = site_with_chapter("![Funding by area](chart.svg)");
    site.write(
        "content/sample/chart.svg",
        &format!("{SVG_HEAD}{svg_body}\n</svg>\n"),
    );
    site
}

/// The chart is refused at the image, saying why and where in the SVG
/// (its body starts on line 3), and the build publishes nothing.
#[track_caller]
fn assert_svg_refused(site: &TestSite, says: &str) {
    let found = problems(site);
    assert!(
        found.contains(
            "content/sample/04-extra.md:5:1: error[unsafe-file]: `chart.svg` is not published: "
        ),
        "{found}"
    );
    assert!(found.contains(says), "{says}: {found}");
    assert!(
        found.contains("(line 3, column "),
        "no position in the SVG: {found}"
    );
    assert!(found.contains("of `content/sample/chart.svg`)"), "{found}");
    let run = site.build().exit(1);
    assert!(!run.output.exists());
}

#[test]
fn svg_with_script_is_refused() {
    assert_svg_refused(
        &svg_site("<script>document.title='PWNED'</script>"),
        "`<script>` element",
    );
    assert_svg_refused(
        &svg_site(
            "<h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">document.title='PWNED'</h:script>",
        ),
        "from HTML",
    );
    assert_svg_refused(
        &svg_site("<foreignObject><p>PWNED</p></foreignObject>"),
        "`<foreignObject>` element",
    );
    assert_svg_refused(
        &svg_site("<a href=\"javascript:document.title='PWNED'\"><text>Go</text></a>"),
        "it links to `javascript:",
    );
}

#[test]
fn svg_with_event_handler_is_refused() {
    assert_svg_refused(
        &svg_site("<rect width=\"10\" height=\"10\" onmouseover=\"document.title='PWNED'\"/>"),
        "event handler (`onmouseover`)",
    );
    assert_svg_refused(
        &svg_site(
            "<a href=\"#t\"><set attributeName=\"href\" to=\"javascript:alert(1)\"/><text id=\"t\">Go</text></a>",
        ),
        "animates the `href` attribute",
    );
}

#[test]
fn svg_with_external_reference_is_refused() {
    assert_svg_refused(
        &svg_site(
            "<image xlink:href=\"https://tracker.example/pixel.png\" width=\"1\" height=\"1\"/>",
        ),
        "it links to `https://tracker.example/pixel.png`",
    );
    assert_svg_refused(
        &svg_site("<use href=\"icons.svg#logo\"/>"),
        "it links to `icons.svg#logo`",
    );
    assert_svg_refused(
        &svg_site(
            "<rect width=\"10\" height=\"10\" style=\"fill: url(https://tracker.example/p.svg#p)\"/>",
        ),
        "refers to `https://tracker.example/p.svg#p`",
    );
    assert_svg_refused(
        &svg_site("<style>@import url(https://tracker.example/a.css);</style>"),
        "`@import`",
    );
}

/// An entity could carry markup past the check, so the declaration itself
/// is refused.
#[test]
fn svg_declaring_an_entity_is_refused() {
    let site = site_with_chapter("![Funding by area](chart.svg)");
    site.write(
        "content/sample/chart.svg",
        &format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY s \"&#60;script&#62;alert(1)&#60;/script&#62;\">\n]>\n{SVG_HEAD}<g>&s;</g></svg>\n"
        ),
    );
    let found = problems(&site);
    assert!(
        found.contains("(`<!ENTITY`)") && found.contains("(line 3, column 1 of"),
        "{found}"
    );
    site.build().exit(1);
}

#[test]
fn clean_svg_is_published_and_an_unsafe_one_beside_it_is_not() {
    let clean = format!(
        "{SVG_HEAD}<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"#1d4f91\"/></linearGradient></defs>\n\
         <style>.bar {{ fill: url(#g); }}</style>\n\
         <rect class=\"bar\" x=\"0\" y=\"10\" width=\"40\" height=\"40\"/><use xlink:href=\"#g\"/>\n\
         <text x=\"50\" y=\"30\">Funding</text>\n</svg>\n"
    );
    let site = site_with_chapter("![Funding by area](chart.svg)");
    site.write("content/sample/chart.svg", &clean);
    site.write(
        "content/sample/unlinked.svg",
        &format!("{SVG_HEAD}<script>document.title='PWNED'</script></svg>"),
    );
    let found = problems(&site);
    assert!(
        found.contains(
            "content/sample/unlinked.svg:3:1: warning[unpublished-file]: `unlinked.svg` is not published: it has a `<script>` element"
        ),
        "{found}"
    );
    assert!(!found.contains("chart.svg"), "{found}");
    let run = site.build().success();
    assert_eq!(
        std::fs::read_to_string(run.output.join("sample/chart.svg")).unwrap(),
        clean
    );
    let src = run
        .page("sample/extra/index.html")
        .attr("img[alt='Funding by area']", "src");
    assert_eq!(src.as_deref(), Some("../../sample/chart.svg"));
    assert!(!run.output.join("sample/unlinked.svg").exists());
    assert!(files_containing(&run.output, "PWNED").is_empty());
}

#[test]
fn link_or_image_to_git_config_or_site_yaml_is_outside_site_and_never_quoted() {
    let site = site_with_chapter(
        "[settings](../../.git/config)\n\n![settings](../../.git/config)\n\n[site](../../site.yaml)\n\n![site](../../site.yaml)",
    );
    site.write(
        ".git/config",
        "[remote] url = https://SECRET-VALUE@example.org\n",
    );
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{yaml}# SECRET-VALUE\n"));
    let found = problems(&site);
    for (line, dest) in [
        (5, "../../.git/config"),
        (7, "../../.git/config"),
        (9, "../../site.yaml"),
        (11, "../../site.yaml"),
    ] {
        assert!(
            found.contains(&format!(
                "content/sample/04-extra.md:{line}:1: error[outside-site]: `{dest}` points outside the content folder"
            )),
            "line {line}: {found}"
        );
    }
    assert!(!found.contains("SECRET-VALUE"), "{found}");
    let run = site.build().exit(1);
    assert!(!run.stderr.contains("SECRET-VALUE"), "{}", run.stderr);
    assert!(!run.output.exists());
}

#[test]
fn image_of_a_document_or_a_page_is_refused() {
    let site = site_with_chapter("![The data](data.csv)\n\n![A chapter](01-foreword.md)");
    let found = problems(&site);
    for (line, src) in [(5, "data.csv"), (7, "01-foreword.md")] {
        assert!(
            found.contains(&format!(
                "content/sample/04-extra.md:{line}:1: error[not-an-image]: `{src}` is not an image"
            )),
            "{found}"
        );
    }
    site.build().exit(1);
}

#[test]
fn hidden_files_in_static_folders_are_not_published() {
    let site = TestSite::fixture("fixtures/full");
    site.write("static/favicon.png", "png");
    site.write("static/.env", "TOKEN=SECRET-VALUE\n");
    site.write(
        "static/.git/config",
        "url = https://SECRET-VALUE@example.org\n",
    );
    site.write(
        "themes/default/static/.secrets.json",
        "{\"SECRET-VALUE\": 1}",
    );
    let run = site.run(&["build", "--no-pdf"]).success();
    assert!(run.output.join("static/favicon.png").exists());
    assert!(files_containing(&run.output, "SECRET-VALUE").is_empty());
}

#[test]
fn logo_naming_a_git_file_or_site_yaml_is_refused() {
    for logo in [".git/config", "site.yaml"] {
        let site = TestSite::fixture("fixtures/full");
        site.write(".git/config", "url = https://SECRET-VALUE@example.org\n");
        site.write(
            "site.yaml",
            &format!("title: T\norganisation: O\nbranding:\n  logo: {logo}\n  logo_alt: Logo\n"),
        );
        let found = problems(&site);
        assert!(
            found.contains(&format!(
                "site.yaml:4:9: error[not-an-image]: the logo `{logo}` is not an image file"
            )),
            "{found}"
        );
        let run = site.build().exit(2);
        assert!(!run.stderr.contains("SECRET-VALUE"));
    }
}

/// The names a report folder cannot have: those of the site's own pages
/// and folders that can be folder names (`sitemap.xml` cannot).
fn reserved_report_names() -> Vec<&'static str> {
    rapport::addresses::SITE_TOP
        .iter()
        .copied()
        .filter(|n| !n.contains('.'))
        .collect()
}

#[test]
fn report_folder_named_search_is_refused() {
    let names = reserved_report_names();
    for must in ["search", "accessibility", "assets", "pagefind", "static"] {
        assert!(names.contains(&must), "{must} is not reserved");
    }
    for name in names.iter().copied().chain(["Search"]) {
        let site = TestSite::fixture("fixtures/full");
        std::fs::rename(
            site.dir.join("content/sample"),
            site.dir.join("content").join(name),
        )
        .unwrap();
        let found = problems(&site);
        assert!(
            found.contains(&format!(
                "content/{name}/report.yaml:1:1: error[reserved-slug]: the report folder `{name}`"
            )),
            "{name}: {found}"
        );
        let run = site.run(&["build", "--no-pdf"]).exit(1);
        assert!(!run.output.exists());
    }
    let site = TestSite::fixture("fixtures/full");
    let run = site.run(&["new", "report", "search"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(!site.dir.join("content/search").exists());
}

#[test]
fn chapter_named_revisions_is_refused_where_the_corrections_page_goes() {
    let site = site_with_chapter("Text.");
    site.write(
        "content/sample/04-extra.md",
        "---\ntitle: Revisions\nslug: revisions\n---\n\nText.\n",
    );
    let report = std::fs::read_to_string(site.dir.join("content/sample/report.yaml")).unwrap();
    site.write(
        "content/sample/report.yaml",
        &format!("{report}corrections:\n  - date: 2024-01-10\n    what: A figure was corrected.\n"),
    );
    let found = problems(&site);
    assert!(
        found.contains(
            "content/sample/04-extra.md:1:1: error[reserved-slug]: chapter address `revisions`"
        ),
        "{found}"
    );
    site.run(&["build", "--no-pdf"]).exit(1);
}

#[test]
fn file_named_like_the_reports_pdf_edition_or_open_data_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    site.write("content/sample/sample.pdf", "%PDF-1.7 NOT-THE-EDITION");
    site.write(
        "content/sample/recommendations.json",
        "{\"NOT-THE-DATA\": 1}",
    );
    // The editions to edit keep their names even where they are off.
    site.write("content/sample/sample.docx", "NOT-THE-EDITION");
    let found = problems(&site);
    for file in ["sample.pdf", "recommendations.json", "sample.docx"] {
        assert!(
            found.contains(&format!(
                "content/sample/{file}: error[reserved-slug]: `{file}` has the address of a file rapport makes for this report"
            )),
            "{file}: {found}"
        );
    }
    let run = site.build().exit(1);
    assert!(!run.output.exists());
}

/// The list of reserved names is the one the renderer writes from: a site
/// with every optional page and file turned on writes nothing at the top
/// of its output that is neither a report nor on the list.
#[test]
fn every_name_at_the_top_of_the_output_is_a_report_or_reserved() {
    let site = TestSite::fixture("fixtures/full");
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!(
            "{yaml}accessibility:\n  email: a@example.org\n  response_days: 5\n  compliance: full\n  tested: 2024-01-01\n"
        ),
    );
    site.write("static/favicon.png", "png");
    let run = site.run(&["build", "--no-pdf"]).success();
    let mut tops: Vec<String> = std::fs::read_dir(&run.output)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "sample" && n != rapport::output::MANIFEST)
        .collect();
    tops.sort();
    for must in [
        "accessibility",
        "assets",
        "pagefind",
        "search",
        "static",
        "index.html",
    ] {
        assert!(
            tops.iter().any(|t| t == must),
            "{must} not written: {tops:?}"
        );
    }
    let unlisted: Vec<&String> = tops
        .iter()
        .filter(|t| !rapport::addresses::SITE_TOP.contains(&t.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "written at the top but not reserved: {unlisted:?}"
    );
}
