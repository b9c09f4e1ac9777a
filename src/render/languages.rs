//! Each page's way to the same page in the site's other languages: the
//! switcher in the header and the `hreflang` alternates in the head.
//!
//! Every language publishes a page at the same path under its own folder,
//! so a page's counterpart is found by moving from one folder to the other;
//! only a report that is not published in a language has no counterpart
//! there, and its pages point at that language's home page instead.

use crate::model::Site;
use crate::render::view::LanguageView;

/// The languages `url` (this page's path within its language, reached back
/// to that language's root by `root`) is listed in, in switcher order.
pub fn page_languages(site: &Site, url: &str, root: &str) -> Vec<LanguageView> {
    let config = &site.config;
    let Some(current) = config.languages.get(config.current_language) else {
        return Vec::new();
    };
    // From this language's root up to the site's.
    let up = "../".repeat(current.path.split('/').filter(|s| !s.is_empty()).count());
    let site_base = config
        .base_url
        .strip_suffix(&current.prefix())
        .unwrap_or(&config.base_url);
    let report = url
        .split('/')
        .next()
        .filter(|first| !first.is_empty() && site.reports.iter().any(|r| r.slug == *first));
    crate::config::languages::in_order(&config.languages)
        .into_iter()
        .map(|i| {
            let lang = &config.languages[i];
            let (has_page, nearest) = match config.language_pages.get(i) {
                Some(pages) if !pages.is_empty() => {
                    let nearest = nearest_page(url, |p| pages.contains(&output_path(p)));
                    (nearest == url, nearest)
                }
                _ => {
                    let has = report.is_none_or(|r| lang.has_report(r));
                    (has, if has { url } else { "" })
                }
            };
            let path = format!("{}{}", lang.prefix(), nearest);
            LanguageView {
                tag: lang.tag.clone(),
                name: lang.name.clone(),
                url: match (root, up.is_empty()) {
                    ("./", false) => format!("{up}{path}"),
                    _ => format!("{root}{up}{path}"),
                },
                absolute: (!site_base.is_empty()).then(|| format!("{site_base}{path}")),
                has_page,
                current: i == config.current_language,
            }
        })
        .collect()
}

/// `url` if `exists`, else the nearest page above it: a tracker's filter
/// page that has another name in the other language leads to the tracker,
/// a report not published in it to its home page.
fn nearest_page(url: &str, exists: impl Fn(&str) -> bool) -> &str {
    let mut here = url;
    loop {
        if here.is_empty() || exists(here) {
            return here;
        }
        let trimmed = here.trim_end_matches('/');
        here = match trimmed.rfind('/') {
            Some(i) => &here[..=i],
            None => "",
        };
    }
}

/// The file a page's address is written to: `r/intro/` is
/// `r/intro/index.html`.
fn output_path(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_without_a_counterpart_leads_to_the_nearest_page_above_it() {
        let pages = ["r/recommendations/", "r/"];
        let exists = |p: &str| pages.contains(&p);
        assert_eq!(
            super::nearest_page("r/recommendations/theme/environment/", exists),
            "r/recommendations/"
        );
        assert_eq!(super::nearest_page("other/intro/", exists), "");
        assert_eq!(super::nearest_page("r/", exists), "r/");
    }
}
