//! What the pages do in a real browser: Debian's headless Chromium runs the
//! built page and we read the DOM it ends with.
//!
//! CI installs Chromium (`.ci/run`). Where the build script
//! (`build/find_tools.rs`) finds none, or `RAPPORT_SKIP_BROWSER` is
//! set, the tests that need it are ignored with the reason
//! (`cfg(has_chromium)`), so `cargo test` counts them as ignored.

use std::path::Path;
use std::process::Command;

use crate::harness::*;

/// The Chromium that the build script found. Only tests marked
/// `#[cfg_attr(not(has_chromium), ignore = ...)]` call it, so it is there
/// unless they were run with `--ignored` on a machine without one.
pub(crate) fn chromium() -> &'static str {
    match option_env!("RAPPORT_TEST_CHROMIUM") {
        Some(path) => path,
        None => panic!(
            "no Chromium was found when the tests were built (apt-get install chromium, \
             and unset RAPPORT_SKIP_BROWSER)"
        ),
    }
}

/// The DOM after the page's scripts ran.
pub(crate) fn dom_after_scripts(browser: &str, url: &str, profile: &Path) -> String {
    dom_after(browser, url, profile, 2000)
}

/// The DOM after `budget_ms` of the page's (virtual) time.
pub(crate) fn dom_after(browser: &str, url: &str, profile: &Path, budget_ms: u32) -> String {
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs Chromium: apt-get install chromium (and unset RAPPORT_SKIP_BROWSER)"
)]
fn tracker_filters_combine_in_place_from_the_address() {
    let browser = chromium();
    let site = TestSite::fixture("fixtures/tracker");
    let run = site.build().success();
    let page = run.output.join("progress-2020/recommendations/index.html");
    let url = format!(
        "file://{}?lead=fixture-police&theme=leadership",
        page.display()
    );
    let dom = dom_after_scripts(browser, &url, &site.outside().join("chromium"));
    let html = scraper::Html::parse_document(&dom);
    let rows = scraper::Selector::parse(".tracker-table tbody tr").unwrap();
    let visible: Vec<String> = html
        .select(&rows)
        .filter(|r| r.value().attr("hidden").is_none())
        .map(|r| {
            r.text()
                .collect::<String>()
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    // Police-led items are 2, 4.9 and 4.10; of those, 4.9 and 4.10 are Leadership.
    assert_eq!(visible, ["4.9", "4.10"], "{dom}");
    let form = scraper::Selector::parse(".tracker-filter-form").unwrap();
    assert!(
        html.select(&form)
            .next()
            .unwrap()
            .value()
            .attr("hidden")
            .is_none(),
        "the filter form is shown once the script runs"
    );
    let count = scraper::Selector::parse(".filter-count").unwrap();
    assert_eq!(
        html.select(&count)
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        "Showing 2 of 6."
    );
}
