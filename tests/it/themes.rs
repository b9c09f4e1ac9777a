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
