//! What the pages do in a real browser: Debian's headless Chromium runs the
//! built page and we read the DOM it ends with.
//!
//! CI installs Chromium (`.ci/run`); on a machine without it the tests say
//! so and fail, unless `RAPPORT_SKIP_BROWSER=1` is set.

use std::path::Path;
use std::process::Command;

use crate::harness::*;

pub(crate) fn chromium() -> Option<String> {
    if std::env::var_os("RAPPORT_SKIP_BROWSER").is_some() {
        return None;
    }
    let candidates = [
        std::env::var("RAPPORT_CHROMIUM").unwrap_or_default(),
        "/usr/bin/chromium".into(),
        "/usr/bin/chromium-browser".into(),
    ];
    let found = candidates
        .into_iter()
        .find(|c| !c.is_empty() && Path::new(c).exists());
    assert!(
        found.is_some(),
        "these tests need Chromium (apt-get install chromium), or RAPPORT_SKIP_BROWSER=1"
    );
    found
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
fn tracker_filters_combine_in_place_from_the_address() {
    let Some(browser) = chromium() else { return };
    let site = TestSite::fixture("fixtures/tracker");
    let run = site.build().success();
    let page = run.output.join("progress-2020/recommendations/index.html");
    let url = format!(
        "file://{}?lead=fixture-police&theme=leadership",
        page.display()
    );
    let dom = dom_after_scripts(&browser, &url, &site.outside().join("chromium"));
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
