//! A site in Welsh and English (docs/languages.md): each page in both, each
//! linking to its counterpart, and `check` refusing a Welsh text that is
//! missing, behind or out of step with the English.

use crate::harness::*;

fn bilingual() -> TestSite {
    TestSite::fixture("fixtures/bilingual")
}

/// The `href` of the switcher's link to `lang`, and the `hreflang`
/// alternates in the head, of one page.
fn switch_to(page: &Page, lang: &str) -> Option<String> {
    page.attr(
        &format!("nav.language-switcher a[hreflang=\"{lang}\"]"),
        "href",
    )
}

fn alternates(page: &Page) -> Vec<(String, String)> {
    page.all("link[rel=alternate][hreflang]")
        .iter()
        .map(|l| {
            (
                l.value().attr("hreflang").unwrap().to_string(),
                l.value().attr("href").unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn each_page_links_to_the_same_page_in_the_other_language() {
    let run = bilingual().build().success();
    let en = run.page("annual/foreword/index.html");
    let cy = run.page("cy/annual/foreword/index.html");

    assert_eq!(en.attr("html", "lang").as_deref(), Some("en-GB"));
    assert_eq!(cy.attr("html", "lang").as_deref(), Some("cy"));
    assert_eq!(cy.text_of("main h1"), "Rhagair");
    assert!(cy.text_of("main").contains("Plannodd y cyngor"));

    // The switcher goes to the counterpart, and names each language in
    // itself, marked with its own language.
    assert_eq!(
        switch_to(&en, "cy").as_deref(),
        Some("../../cy/annual/foreword/")
    );
    assert_eq!(
        switch_to(&cy, "en-GB").as_deref(),
        Some("../../../annual/foreword/")
    );
    assert_eq!(
        cy.attr("nav.language-switcher a[hreflang=en-GB]", "lang")
            .as_deref(),
        Some("en-GB")
    );
    assert_eq!(
        cy.text_of("nav.language-switcher [aria-current]"),
        "Cymraeg"
    );
    assert_eq!(
        cy.attr("nav.language-switcher", "aria-label").as_deref(),
        Some("Iaith")
    );

    // hreflang pairs: both pages name both addresses.
    let pair = vec![
        (
            "en-GB".to_string(),
            "https://www.example.gov.uk/reports/annual/foreword/".to_string(),
        ),
        (
            "cy".to_string(),
            "https://www.example.gov.uk/reports/cy/annual/foreword/".to_string(),
        ),
    ];
    assert_eq!(alternates(&en), pair);
    assert_eq!(alternates(&cy), pair);
    assert_eq!(
        cy.attr("link[rel=canonical]", "href").as_deref(),
        Some("https://www.example.gov.uk/reports/cy/annual/foreword/")
    );

    // A link between chapters stays in its language: up to the Welsh
    // root and down again, never out to the English.
    let body_links: Vec<String> = cy
        .all("main a[href]")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(
        body_links.iter().any(|h| h == "../../annual/priorities/"),
        "{body_links:?}"
    );
    assert!(
        !body_links.iter().any(|h| h.starts_with("../../../")),
        "{body_links:?}"
    );
}

#[test]
fn words_in_another_language_are_marked_with_it_on_the_page() {
    let site = bilingual();
    let run = site.build().success();
    let en = run.page("annual/foreword/index.html");
    assert_eq!(
        en.text_of("main span[lang=cy]"),
        "Gorau chwarae cyd chwarae"
    );
    assert!(en.all("main a[href^='lang:']").is_empty());

    site.write(
        "content/annual/02-priorities.md",
        "---\ntitle: Priorities\norder: 2\n---\nClean [streets](lang:x_y).\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr
            .contains("error[bad-language]: `x_y` is not a language tag"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> content/annual/02-priorities.md:5:7"),
        "{}",
        run.stderr
    );
}

#[test]
fn figures_dates_and_statuses_come_from_the_original_in_welsh_words() {
    let run = bilingual().build().success();
    let item = run.page("cy/annual/recommendations/1/index.html");
    let text = item.text_of("main");
    assert!(text.contains("Plannu rhagor o goed"), "{text}");
    assert!(text.contains("Mae hanner y coed wedi’u plannu."), "{text}");
    // The status is the original's, in the Welsh interface's words, and the
    // date is written the Welsh way.
    assert!(text.contains("Ar y gweill"), "{text}");
    assert!(text.contains("31 Mawrth 2024"), "{text}");
    let home = run.page("cy/annual/index.html");
    assert!(
        home.text_of("main").contains("1 argymhelliad")
            || home.text_of("main").contains("Argymhellion")
    );
    assert!(
        !home.text_of("main").contains("Recommendation"),
        "{}",
        home.text_of("main")
    );
}

#[test]
fn a_table_s_caption_and_labels_are_translated_and_its_figures_shared() {
    let run = bilingual().build().success();
    let cy = run.page("cy/annual/priorities/index.html");
    assert_eq!(
        cy.text_of("main .table-caption"),
        "Coed a blannwyd fesul ward"
    );
    let heads = cy.cells("main table thead th");
    assert_eq!(heads, ["Ward", "Coed a blannwyd"]);
    let text = cy.text_of("main table");
    assert!(
        text.contains("Pob ward") && text.contains("1,200"),
        "{text}"
    );
    let en = run.page("annual/priorities/index.html");
    assert!(en.text_of("main table").contains("All wards"));

    // A caption left out of the translation is missing there.
    let site = bilingual();
    site.write(
        "content/annual/data/trees.cy.yaml",
        "columns:\n  - label: Ward\n  - label: Coed\ntotal:\n  label: Pob ward\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr
            .contains("error[missing-translation]: `caption` is not translated"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> content/annual/data/trees.cy.yaml:1:1"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_report_published_in_one_language_points_to_the_other_language_s_home_page() {
    let run = bilingual().build().success();
    assert!(!run.output.join("cy/budget").exists());
    let budget = run.page("budget/index.html");
    assert_eq!(switch_to(&budget, "cy").as_deref(), Some("../cy/"));
    // No alternate for a page that has no counterpart.
    assert!(alternates(&budget).iter().all(|(l, _)| l != "cy"));
    let home = run.page("cy/index.html");
    let text = home.text_of("main");
    assert!(text.contains("Adroddiad blynyddol 2024"), "{text}");
    assert!(!text.contains("Budget paper"), "{text}");
    assert_eq!(home.text_of(".site-title"), "Adroddiadau blynyddol");
    assert!(home.text_of(".site-org").contains("Cyngor Enghreifftiol"));
}

#[test]
fn each_language_has_its_own_sitemap_feed_and_search_index() {
    let run = bilingual().build().success();
    let sitemap = std::fs::read_to_string(run.output.join("cy/sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://www.example.gov.uk/reports/cy/annual/foreword/"));
    assert!(!sitemap.contains("/reports/annual/"), "{sitemap}");
    let root = std::fs::read_to_string(run.output.join("sitemap.xml")).unwrap();
    assert!(!root.contains("/cy/"), "{root}");
    let robots = std::fs::read_to_string(run.output.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://www.example.gov.uk/reports/cy/sitemap.xml"),
        "{robots}"
    );
    assert!(!run.output.join("cy/robots.txt").exists());
    assert!(run.output.join("cy/feed.xml").exists());

    // pagefind indexes each language apart: the Welsh bundle has Welsh
    // pages only, the English one English only.
    let entry = |p: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(run.output.join(p)).unwrap()).unwrap()
    };
    let cy = entry("cy/pagefind/pagefind-entry.json");
    let en = entry("pagefind/pagefind-entry.json");
    let langs = |v: &serde_json::Value| -> Vec<String> {
        v["languages"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(langs(&cy), ["cy"]);
    assert_eq!(langs(&en).len(), 1, "{en}");
    assert!(langs(&en)[0].starts_with("en"), "{en}");
}

/// The language a PDF says it is in, and its outline's titles.
fn language_and_outline(pdf: &[u8]) -> (Option<String>, Vec<String>) {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let lang = doc
        .catalog()
        .unwrap()
        .get(b"Lang")
        .ok()
        .and_then(|l| l.as_str().ok())
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let toc = doc.get_toc().expect("the PDF has an outline");
    (lang, toc.toc.into_iter().map(|t| t.title).collect())
}

#[test]
fn the_welsh_pdf_is_in_welsh_with_a_welsh_outline() {
    let run = bilingual().build().success();
    let pdf = std::fs::read(run.output.join("cy/annual/annual.pdf")).unwrap();
    let (lang, titles) = language_and_outline(&pdf);
    assert_eq!(lang.as_deref(), Some("cy"));
    assert!(titles.iter().any(|t| t.contains("Rhagair")), "{titles:?}");
    assert!(!titles.iter().any(|t| t.contains("Foreword")), "{titles:?}");
}

#[test]
fn a_missing_translation_is_an_error_naming_the_file_to_write() {
    let site = bilingual();
    std::fs::remove_file(site.dir.join("content/annual/02-priorities.cy.md")).unwrap();
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("error[missing-translation]: content/annual/02-priorities.md has no translation into Cymraeg"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/annual/02-priorities.cy.md"),
        "{}",
        run.stderr
    );

    // A draft translation: the site may make it a warning, and then builds.
    site.write(
        "site.yaml",
        &(std::fs::read_to_string(site.dir.join("site.yaml")).unwrap()
            + "checks:\n  missing-translation: warning\n"),
    );
    let run = site.build().success();
    assert!(
        run.stderr.contains("warning[missing-translation]"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_untranslated_field_is_an_error_at_the_translation_s_front_matter() {
    let site = bilingual();
    site.write(
        "content/annual/01-foreword.cy.md",
        "---\n# no title yet\nsummary_note_left_out: true\n---\nPlannodd y cyngor goed.\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr
            .contains("error[missing-translation]: `title` is not translated"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/annual/01-foreword.cy.md:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`summary_note_left_out` is not in content/annual/01-foreword.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_figure_changed_in_a_translation_is_refused_at_its_line_and_column() {
    let site = bilingual();
    site.write(
        "content/annual/recommendations.cy.yaml",
        "- title: Plannu rhagor o goed\n  theme: Amgylchedd\n  text: Plannu coeden.\n  responses:\n    - text: Hanner.\n      status: done\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("error[translation-differs]: `[1].responses[1].status` is the same in every language and is entered once, in content/annual/recommendations.yaml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> content/annual/recommendations.cy.yaml:6:15"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_without_its_original_is_an_error() {
    let site = bilingual();
    site.write(
        "content/annual/03-old.cy.md",
        "---\ntitle: Hen\n---\nTestun.\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("error[orphan-translation]: content/annual/03-old.cy.md translates content/annual/03-old.md, which is not there"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_translation_older_than_its_original_is_a_warning_naming_both() {
    let site = bilingual();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(&site.dir)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "commit",
        "-q",
        "-m",
        "both languages",
        "--date",
        "2024-01-01T10:00:00",
    ]);
    let run = site.run(&["check"]).success();
    assert!(!run.stderr.contains("stale-translation"), "{}", run.stderr);

    site.write(
        "content/annual/01-foreword.md",
        "---\ntitle: Foreword\norder: 1\n---\nThe council planted **1,300** trees this year.\n",
    );
    git(&["add", "."]);
    // Commit times are a second apart at least.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    git(&["commit", "-q", "-m", "English changed"]);
    let run = site.run(&["check"]).success();
    assert!(
        run.stderr.contains("warning[stale-translation]: content/annual/01-foreword.md changed after content/annual/01-foreword.cy.md was last updated"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_site_in_one_language_has_no_switcher_and_no_alternates() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let page = run.page("index.html");
    assert!(page.all("nav.language-switcher").is_empty());
    assert!(alternates(&page).is_empty());
}

#[test]
fn the_example_site_publishes_the_commission_s_report_in_welsh() {
    let run = TestSite::example().build().success();
    let cy = run.page("cy/gvc-progress-report/index.html");
    assert_eq!(cy.attr("html", "lang").as_deref(), Some("cy"));
    assert!(cy.text_of("main").contains("30 Tachwedd 2020"));
    for n in 1..=24 {
        let item = run.page(&format!(
            "cy/gvc-progress-report/recommendations/{n}/index.html"
        ));
        assert_eq!(
            switch_to(&item, "en-GB"),
            Some(format!(
                "../../../../gvc-progress-report/recommendations/{n}/"
            )),
        );
    }
    let en = run.page("gvc-progress-report/introduction/index.html");
    assert_eq!(
        switch_to(&en, "cy").as_deref(),
        Some("../../cy/gvc-progress-report/introduction/")
    );
}

#[test]
fn a_link_from_one_language_into_the_other_is_a_warning() {
    let site = bilingual();
    site.write(
        "content/annual/02-priorities.cy.md",
        "---\ntitle: Blaenoriaethau\n---\nGweler [y dudalen Saesneg](https://www.example.gov.uk/reports/annual/foreword/).\n",
    );
    site.write(
        "content/annual/02-priorities.md",
        "---\ntitle: Priorities\norder: 2\n---\nOur first priority is clean streets ([in Welsh](https://www.example.gov.uk/reports/cy/annual/)).\n",
    );
    let run = site.run(&["check"]).success();
    assert!(
        run.stderr.contains("warning[cross-language-link]: this Cymraeg text links to `https://www.example.gov.uk/reports/annual/foreword/`, which is in English"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> content/annual/02-priorities.cy.md:4:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("warning[cross-language-link]: this English text links to `https://www.example.gov.uk/reports/cy/annual/`, which is in Cymraeg"),
        "{}",
        run.stderr
    );
}

/// The results' addresses and the status line of a search page in
/// Chromium, asking again while the index has not answered.
fn search_hits(url: &str, profile_dir: &std::path::Path) -> (String, Vec<String>) {
    let dom = crate::search::dom_of_search(url, profile_dir);
    let html = scraper::Html::parse_document(&dom);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let status = html
        .select(&sel("#search-status"))
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default();
    let hits = html
        .select(&sel(
            "#search-results li.search-result .search-result-title a",
        ))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    (status, hits)
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (and unset RAPPORT_SKIP_BROWSER)"
)]
fn a_welsh_word_finds_the_welsh_page_only() {
    let site = bilingual();
    let run = site.build().success();
    let addr = crate::search::serve_under_sub_path(run.output.clone());

    let (status, hits) = search_hits(
        &format!("http://{addr}/reports/cy/search/?q=Plannodd"),
        &site.outside(),
    );
    assert!(!hits.is_empty(), "no results: {status}");
    assert!(
        hits.iter().all(|h| h.starts_with("/reports/cy/annual/")),
        "{hits:?}"
    );
    assert!(
        hits.iter()
            .any(|h| h.starts_with("/reports/cy/annual/foreword/")),
        "{hits:?}"
    );

    // The English search does not know the Welsh page.
    let (status, hits) = search_hits(
        &format!("http://{addr}/reports/search/?q=Plannodd"),
        &site.outside().join("en"),
    );
    assert!(hits.is_empty(), "{hits:?}");
    assert!(!status.trim().is_empty(), "the search finished: {status:?}");
}

#[test]
fn serve_shows_both_languages_and_indexes_each() {
    let site = bilingual();
    let server = start(site);
    let addr = server.addr.clone();
    let (status, page) = get(&addr, "/cy/annual/foreword/", &addr);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Plannodd y cyngor"), "{page}");
    assert!(page.contains("hreflang=\"en-GB\""), "{page}");
    let (status, page) = get(&addr, "/annual/foreword/", &addr);
    assert_eq!(status, 200);
    assert!(page.contains("The council planted"), "{page}");

    // Each language's search index, once the page has been shown.
    let start = std::time::Instant::now();
    let mut found = (false, false);
    while start.elapsed() < std::time::Duration::from_secs(60) && found != (true, true) {
        let entry = |path: &str| get(&addr, path, &addr);
        let (s1, cy) = entry("/cy/pagefind/pagefind-entry.json");
        let (s2, en) = entry("/pagefind/pagefind-entry.json");
        found = (
            s1 == 200 && cy.contains("\"cy\""),
            s2 == 200 && en.contains("\"languages\"") && !en.contains("\"cy\""),
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drop(server);
    assert_eq!(
        found,
        (true, true),
        "serve did not publish each language's index"
    );
}

/// `rapport serve` typesets each language's PDFs after the reload, not the
/// default language's alone: a Welsh page links to the Welsh PDF, with its
/// size, and a save to a Welsh chapter gives a new Welsh PDF.
#[test]
fn serve_typesets_each_languages_pdf_after_the_reload_and_its_pages_link_to_it() {
    let site = bilingual();
    let chapter = site.dir.join("content/annual/01-foreword.cy.md");
    let server = start(site);
    let addr = server.addr.clone();
    let welsh = wait_for_pdf(&addr, "/cy/annual/annual.pdf", |_| true);
    let (lang, outline) = language_and_outline(&welsh);
    assert_eq!(lang.as_deref(), Some("cy"));
    assert!(outline.iter().any(|t| t.contains("Rhagair")), "{outline:?}");
    let english = wait_for_pdf(&addr, "/annual/annual.pdf", |_| true);
    let (lang, outline) = language_and_outline(&english);
    assert_eq!(lang.as_deref(), Some("en-GB"));
    assert!(
        outline.iter().any(|t| t.contains("Foreword")),
        "{outline:?}"
    );

    let details = format!("(PDF, {} KB, ", welsh.len().div_ceil(1024));
    let what = format!("the Welsh report home has no link to its PDF saying {details}");
    wait_for_page(&addr, "/cy/annual/", &what, |body| {
        let page = crate::harness::Page::parse(body);
        let link = (page.all("a[href]").into_iter()).find(|a| {
            a.value()
                .attr("href")
                .is_some_and(|h| h.ends_with("annual.pdf"))
        });
        link.is_some() && page.text_of("body").contains(&details)
    });

    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(
        &chapter,
        text.replace("title: Rhagair", "title: Cyflwyniad"),
    )
    .unwrap();
    let changed = wait_for_pdf(&addr, "/cy/annual/annual.pdf", |pdf| {
        pdf != welsh.as_slice()
    });
    let (_, outline) = language_and_outline(&changed);
    assert!(
        outline.iter().any(|t| t.contains("Cyflwyniad")),
        "{outline:?}"
    );
}

/// Regression: with `--cache`, each language's build kept only its own
/// PDFs and search index and threw away the others' (they shared one
/// folder), so every build of a bilingual site typeset and indexed its
/// default language again. Now a second build with nothing changed writes
/// nothing to the cache, removes nothing from it, and publishes what a
/// build without the cache makes.
#[test]
fn a_cached_bilingual_build_keeps_every_languages_pdfs_and_index() {
    use std::os::unix::fs::MetadataExt;
    let site = bilingual();
    let cache = site.outside().join("cache");
    let cache_arg = cache.to_str().unwrap().to_string();
    let entries = || {
        let mut found = std::collections::BTreeMap::new();
        let mut dirs = vec![cache.clone()];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
                let meta = e.metadata().unwrap();
                if meta.is_dir() {
                    dirs.push(e.path());
                } else {
                    let name = e.path().strip_prefix(&cache).unwrap().to_owned();
                    found.insert(name, meta.ino());
                }
            }
        }
        found
    };
    site.run(&["build", "--output", "with", "--cache", &cache_arg])
        .success();
    let first = entries();
    let kept = |ext: &str| {
        first
            .keys()
            .filter(|p| p.extension().is_some_and(|x| x == ext))
            .count()
    };
    // annual and budget in English, annual in Welsh; an index for each.
    assert_eq!((kept("pdf"), kept("index")), (3, 2), "{first:?}");
    site.run(&["build", "--output", "with", "--cache", &cache_arg])
        .success();
    assert_eq!(
        entries(),
        first,
        "the second build rewrote or removed cache entries"
    );
    site.run(&["build", "--output", "fresh"]).success();
    let (with, fresh) = (
        snapshot(&site.dir.join("with")),
        snapshot(&site.dir.join("fresh")),
    );
    assert!(with.keys().any(|p| p.starts_with("cy/pagefind/")));
    assert!(with == fresh, "the cached build differs from a fresh one");
}

#[test]
fn the_default_language_may_have_its_own_folder_with_a_choice_at_the_root() {
    let site = bilingual();
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &yaml.replace("language: en-GB\n", "language: en-GB\nlanguage_path: en\n"),
    );
    let run = site.build().success();
    assert!(!run.output.join("annual").exists());
    let en = run.page("en/annual/foreword/index.html");
    assert_eq!(
        switch_to(&en, "cy").as_deref(),
        Some("../../../cy/annual/foreword/")
    );
    assert_eq!(
        en.attr("link[rel=canonical]", "href").as_deref(),
        Some("https://www.example.gov.uk/reports/en/annual/foreword/")
    );
    let cy = run.page("cy/annual/foreword/index.html");
    assert_eq!(
        switch_to(&cy, "en-GB").as_deref(),
        Some("../../../en/annual/foreword/")
    );

    // The root leads to each language, each link in its own language.
    let root = run.page("index.html");
    let links: Vec<(String, String, String)> = root
        .all("main li a")
        .iter()
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.value().attr("hreflang").unwrap().to_string(),
                a.text().collect::<String>(),
            )
        })
        .collect();
    assert_eq!(links[0].0, "en/");
    assert_eq!(links[0].1, "en-GB");
    assert!(links[0].2.starts_with("English"), "{links:?}");
    assert_eq!(links[1].0, "cy/");
    assert!(links[1].2.starts_with("Cymraeg"), "{links:?}");
    assert_eq!(
        root.attr("main li:nth-child(2)", "lang").as_deref(),
        Some("cy")
    );
    assert!(root.text_of("h1").contains("Adroddiadau blynyddol"));

    let robots = std::fs::read_to_string(run.output.join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://www.example.gov.uk/reports/en/sitemap.xml"),
        "{robots}"
    );
    assert!(
        robots.contains("Sitemap: https://www.example.gov.uk/reports/cy/sitemap.xml"),
        "{robots}"
    );
    assert!(run.output.join("404.html").exists());
    assert!(!run.output.join("en/robots.txt").exists());
    assert!(run.output.join("en/pagefind/pagefind-entry.json").exists());
}

#[test]
fn a_table_of_items_is_translated_row_by_row_by_number() {
    let site = bilingual();
    std::fs::remove_file(site.dir.join("content/annual/recommendations.yaml")).unwrap();
    std::fs::remove_file(site.dir.join("content/annual/recommendations.cy.yaml")).unwrap();
    site.write(
        "content/annual/recommendations.csv",
        "number,title,theme,status,due\nA1,Plant more trees,Environment,in progress,2025-03\nA2,Open a library,Culture,not started,2026\n",
    );
    site.write(
        "content/annual/recommendations.cy.csv",
        "number,title,theme\nA2,Agor llyfrgell,Diwylliant\nA1,Plannu rhagor o goed,Amgylchedd\n",
    );
    let run = site.build().success();
    let item = run.page("cy/annual/recommendations/a2/index.html");
    let text = item.text_of("main");
    assert!(
        text.contains("Agor llyfrgell") && text.contains("Diwylliant"),
        "{text}"
    );
    assert!(
        text.contains("Heb ddechrau"),
        "the English status, in Welsh words: {text}"
    );

    site.write(
        "content/annual/recommendations.cy.csv",
        "number,title,theme,status\nA1,Plannu rhagor o goed,Amgylchedd,done\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains(
            "error[translation-differs]: `status` of item A1 is the same in every language"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("--> content/annual/recommendations.cy.csv:2:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error[missing-translation]: item A2 is not translated"),
        "{}",
        run.stderr
    );
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn the_welsh_pdf_reads_in_welsh_on_its_cover_pages_and_tables() {
    let run = bilingual().build().success();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(run.output.join("cy/annual/annual.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // The cover's date, each page's footer and the table's total row are
    // in Welsh; the figures are the English ones.
    assert!(text.contains("Cyhoeddwyd 31 Mawrth 2024"), "{text}");
    assert!(text.contains("Tudalen 2 o "), "{text}");
    assert!(text.contains("Cyngor Enghreifftiol"), "{text}");
    assert!(
        text.contains("Pob ward") && text.contains("1,200"),
        "{text}"
    );
    assert!(
        !text.contains("Published") && !text.contains("Page 2 of"),
        "{text}"
    );
}
