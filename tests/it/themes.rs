//! Overriding the built-in theme one file at a time.

use crate::harness::*;

#[test]
fn site_level_template_overrides_one_template() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/report.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"custom\">{{ report.title }}</h1>{% endblock content %}",
    );
    let run = site.build().success();
    assert_eq!(
        run.page("sample/index.html").text_of("h1.custom"),
        "Sample Annual Report"
    );
    // Other templates still come from the built-in theme.
    assert_eq!(
        run.page("sample/foreword/index.html").text_of("h1"),
        "Foreword"
    );
}

#[test]
fn named_theme_overrides_stylesheet_and_templates() {
    let site = TestSite::fixture("fixtures/full");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{cfg}theme: civic\n"))
        .write("themes/civic/static/style.css", "body { color: #000; }\n")
        .write("themes/civic/static/extra.css", "p {}\n")
        .write(
            "themes/civic/templates/404.html",
            "{% extends \"base.html\" %}{% block content %}<h1>Lost</h1>{% endblock content %}",
        );
    let run = site.build().success();
    assert_eq!(
        std::fs::read_to_string(run.output.join("assets/style.css")).unwrap(),
        "body { color: #000; }\n"
    );
    assert!(run.output.join("assets/extra.css").is_file());
    assert!(
        run.output.join("assets/print.css").is_file(),
        "unreplaced theme files stay"
    );
    assert_eq!(run.page("404.html").text_of("h1"), "Lost");
}

#[test]
fn unknown_theme_is_a_config_error() {
    let site = TestSite::fixture("fixtures/full");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{cfg}theme: missing\n"));
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains("theme `missing` not found"),
        "{}",
        run.stderr
    );
}

#[test]
fn template_values_are_escaped() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/report.yaml",
        "title: \"<script>alert(1)</script> Report\"\npublished: 2023-12-06\nsummary: \"{{ site.title }}\"\n",
    );
    let run = site.build().success();
    let page = run.page("sample/index.html");
    assert!(only_theme_scripts(&page), "{:?}", page.all("script"));
    assert!(page.text_of("h1").contains("<script>"));
    assert!(
        page.text.contains("{{ site.title }}"),
        "template syntax in content is literal"
    );
}

/// The web officer's four changes from issue #20, each one small file and
/// no Rust: the footer, a logo strip in the header, the callouts' style and
/// (in component_templates.rs) the quote's markup.
#[test]
fn the_footer_is_replaced_by_one_partial_and_nothing_else_changes() {
    let site = TestSite::fixture("fixtures/full");
    let before = site.build().success().page("sample/foreword/index.html");
    site.write(
        "templates/partials/footer.html",
        "<footer class=\"site-footer council\"><p>© {{ now() | date(format=\"year\") }} {{ site.organisation }}</p></footer>\n",
    );
    let run = site.run(&["build"]).success();
    assert!(!run.stderr.contains("template"), "{}", run.stderr);
    let after = run.page("sample/foreword/index.html");
    assert_eq!(
        after.text_of("footer.council p"),
        format!("© {} Fixture Council", year())
    );
    // Everything before the footer is as it was.
    let head = |p: &Page| p.text[..p.text.find("<footer").unwrap()].to_string();
    assert_eq!(head(&before), head(&after));
}

/// The build's year as `now()` gives it (SOURCE_DATE_EPOCH is not set here).
fn year() -> String {
    std::process::Command::new("date")
        .arg("+%Y")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap()
}

#[test]
fn a_logo_strip_goes_into_the_header_hook() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/partials/hooks/header-end.html",
        "<ul class=\"partner-logos\"><li>Partner one</li><li>Partner two</li></ul>",
    );
    let run = site.build().success();
    let page = run.page("sample/index.html");
    assert_eq!(
        page.cells("header.site-header .partner-logos li"),
        ["Partner one", "Partner two"]
    );
    assert!(
        page.all("header.site-header form[role=search]").len() == 1,
        "the search box stays"
    );
}

#[test]
fn a_site_stylesheet_and_head_markup_come_from_site_yaml() {
    let site = TestSite::fixture("fixtures/full");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    let cfg = cfg.replace(
        "branding:\n",
        "branding:\n  stylesheets: [static/brand.css]\n  head: '<meta name=\"council-id\" content=\"42\">'\n",
    );
    site.write("site.yaml", &cfg).write(
        "static/brand.css",
        ".callout { border-left-width: 12px; }\n",
    );
    let run = site.build().success();
    let page = run.page("sample/foreword/index.html");
    let sheets: Vec<String> = page
        .all("head link[rel=stylesheet]")
        .iter()
        .map(|l| l.value().attr("href").unwrap().to_string())
        .collect();
    // After the theme's own, so it wins.
    assert_eq!(
        sheets.last().unwrap(),
        "../../static/brand.css",
        "{sheets:?}"
    );
    assert!(run.output.join("static/brand.css").is_file());
    assert_eq!(
        page.attr("head meta[name=council-id]", "content")
            .as_deref(),
        Some("42")
    );
}

#[test]
fn a_stylesheet_that_is_not_in_static_is_refused_at_its_line() {
    let site = TestSite::fixture("fixtures/full");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &cfg.replace("branding:\n", "branding:\n  stylesheets: [brand.css]\n"),
    )
    .write("brand.css", "p {}\n");
    let run = site.build().exit(2);
    assert!(run.stderr.contains("site.yaml:5:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("not a .css file in static/"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_override_that_replaces_nothing_is_named_with_the_template_it_was_meant_for() {
    let site = TestSite::fixture("fixtures/full");
    site.write("templates/partials/foter.html", "<footer>Ours</footer>");
    let run = site.build().success();
    assert!(
        run.stderr.contains("templates/partials/foter.html")
            && run.stderr.contains("is not used")
            && run.stderr.contains("did you mean partials/footer.html?"),
        "{}",
        run.stderr
    );
    // A partial that an override includes is used, and not warned about.
    site.write("templates/partials/foter.html", "<p>Ours</p>")
        .write(
            "templates/partials/footer.html",
            "<footer>{% include \"partials/foter.html\" %}</footer>",
        );
    let run = site.build().success();
    assert!(!run.stderr.contains("is not used"), "{}", run.stderr);
}

#[test]
fn an_exported_theme_builds_the_same_site_as_the_built_in_one() {
    let site = TestSite::fixture("fixtures/full");
    let default = snapshot(&site.build().success().output);
    let run = site.run(&["theme", "export", "themes/custom"]).success();
    assert!(run.stderr.contains("theme: custom"), "{}", run.stderr);
    for f in [
        "templates/base.html",
        "templates/partials/footer.html",
        "static/style.css",
        "pdf/report.typ",
        "theme.yaml",
    ] {
        assert!(site.dir.join("themes/custom").join(f).is_file(), "{f}");
    }
    let manifest = std::fs::read_to_string(site.dir.join("themes/custom/theme.yaml")).unwrap();
    assert!(manifest.contains("name: custom"), "{manifest}");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{cfg}theme: custom\n"));
    let run = site.build().success();
    assert!(!run.stderr.contains("template"), "{}", run.stderr);
    assert_eq!(snapshot(&run.output), default);
    // Never over an existing theme.
    let again = site.run(&["theme", "export", "themes/custom"]).exit(2);
    assert!(again.stderr.contains("is not empty"), "{}", again.stderr);
}

#[test]
fn theme_check_finds_a_misspelt_field_at_its_line_and_column() {
    let site = TestSite::fixture("fixtures/full");
    assert!(
        site.run(&["theme", "check"])
            .success()
            .stderr
            .contains("fine")
    );
    site.write(
        "templates/chapter.html",
        "{% extends \"base.html\" %}{% block content %}\n<h1>{{ chapter.title }}</h1>\n{% if chapter.pdf %}<a href=\"{{ chapter.pdf.ulr }}\">PDF</a>{% endif %}\n{% endblock content %}",
    );
    let run = site.run(&["theme", "check"]).exit(1);
    assert!(
        run.stderr.contains("templates/chapter.html:3:33"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`chapter.pdf` has no field `ulr`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("did you mean `url`?"), "{}", run.stderr);
    // The build runs (the branch is never taken here) and warns.
    let build = site.build().success();
    assert!(
        build.stderr.contains("has no field `ulr`"),
        "{}",
        build.stderr
    );
}

#[test]
fn a_theme_that_needs_a_newer_rapport_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{cfg}theme: civic\n"))
        .write(
            "themes/civic/theme.yaml",
            "name: civic\nversion: 2.0.0\nrapport: \">=99\"\n",
        )
        .write("themes/civic/static/extra.css", "p {}\n");
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains("themes/civic/theme.yaml:3:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("needs rapport >=99"), "{}", run.stderr);
}

#[test]
fn template_functions_give_dates_plurals_and_fingerprinted_assets() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/partials/hooks/body-end.html",
        "<p id=\"fns\">{{ now() | date(format=\"iso\") }}|{{ \"2025-03-31\" | date }}|{{ \"2025-03-31\" | date(format=\"%d/%m/%Y\") }}|{{ 1 | plural(one=\"decision\", other=\"decisions\") }}|{{ 2 | plural(one=\"decision\", other=\"decisions\") }}|{{ asset_url(path=\"assets/style.css\") }}</p>",
    );
    let run = site.run(&["build"]).success();
    let text = run.page("index.html").text_of("#fns");
    let parts: Vec<&str> = text.split('|').collect();
    assert_eq!(
        parts[1..5],
        ["31 March 2025", "31/03/2025", "decision", "decisions"]
    );
    assert_eq!(parts[0].len(), 10, "{text}");
    let css = std::fs::read(run.output.join("assets/style.css")).unwrap();
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(&css)[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(parts[5], format!("assets/style.css?v={expected}"));
}

#[test]
fn now_is_the_source_date_epoch_when_it_is_set() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/partials/hooks/body-end.html",
        "<p id=\"now\">{{ now() | date }}</p>",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("build")
        .current_dir(&site.dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(site.dir.join("output/index.html")).unwrap();
    assert!(
        page.contains("<p id=\"now\">14 November 2023</p>"),
        "{page}"
    );
}

#[test]
fn an_unknown_asset_is_a_template_error_naming_the_path() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "templates/partials/hooks/body-end.html",
        "{{ asset_url(path=\"assets/nope.css\") }}",
    );
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains("publishes no file `assets/nope.css`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("partials/hooks/body-end.html:1:"),
        "{}",
        run.stderr
    );
}

/// Interface strings are written into the templates as they load
/// (`src/render/fold.rs`), which moves what follows them on the line: an
/// error after one must still point at the column the author sees.
#[test]
fn an_error_after_an_interface_string_points_at_its_column_as_written() {
    let site = TestSite::fixture("fixtures/full");
    // `{{ t(key="contents") }}` is 23 characters and "Contents" 8.
    site.write(
        "templates/partials/hooks/body-end.html",
        "<p>{{ t(key=\"contents\") }} {{ t(key=\"published_by\", organisation=site.title) }} {{ asset_url(path=\"assets/nope.css\") }}</p>",
    );
    let run = site.build().exit(2);
    assert!(
        run.stderr.contains("partials/hooks/body-end.html:1:84"),
        "{}",
        run.stderr
    );
    // The folded strings write what t() writes.
    site.write(
        "templates/partials/hooks/body-end.html",
        "<p class=\"end\">{{ t(key=\"contents\") }} {{ t(key=\"published_by\", organisation=site.title) }}</p>",
    );
    let built = site.build().success();
    let text = built.page("index.html").text_of("p.end");
    assert!(text.starts_with("Contents Published by "), "{text}");
    assert!(!text.contains('{'), "{text}");
}

/// Every file under `dir`, by its path below it.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn partials_written_into_their_templates_give_the_same_pages_as_includes() {
    for site in [TestSite::example(), TestSite::fixture("fixtures/full")] {
        let build = |out: &str, inline: &str| {
            let run = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
                .args(["build", "--no-pdf", "-o", out])
                .current_dir(&site.dir)
                .env("RAPPORT_INLINE_PARTIALS", inline)
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            files_under(&site.dir.join(out))
        };
        let inlined = build("out-inlined", "1");
        let included = build("out-included", "0");
        assert!(inlined.len() > 20, "{} files", inlined.len());
        assert_eq!(
            inlined.keys().collect::<Vec<_>>(),
            included.keys().collect::<Vec<_>>()
        );
        for (path, bytes) in &inlined {
            assert!(bytes == &included[path], "{path} differs");
        }
    }
}

#[test]
fn an_error_in_a_partial_written_into_its_template_names_the_partial() {
    let site = TestSite::fixture("fixtures/full");
    // breadcrumbs.html has only `if` and `for` tags, so it is written into
    // base.html as the templates load; the error is on its line 3.
    site.write(
        "templates/partials/breadcrumbs.html",
        "{% if page.breadcrumbs %}<nav>\n<ol>\n<li>{{ page.title }} {{ page.no_such_field.title }}</li></ol>\n</nav>\n{% endif %}",
    );
    let run = site.build().exit(2);
    assert!(
        run.stderr
            .contains("templates/partials/breadcrumbs.html:3:"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("base.html:"), "{}", run.stderr);
}
