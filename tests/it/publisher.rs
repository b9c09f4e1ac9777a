//! The publisher's identity, not the tool's: who publishes the site and each
//! report, shown in the header, the footer, the cover, the back page and the
//! PDF, and how a reader asks for another format.

use crate::harness::*;

const SITE: &str = "title: Community Safety Reports
publisher:
  name: Example Borough Council
  strapline: Working for a safer borough
  url: https://www.example.gov.uk/
  email: reports@example.gov.uk
  phone: 0121 000 0000
  address:
    - Council House
    - 1 Example Square
base_url: https://example.org/sub/path/
";

/// The `full` fixture, published by the site's publisher, with a second
/// report from a partner that gives its own name, strapline and colour but
/// no contacts.
fn partnership_site() -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write("site.yaml", SITE);
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\nperiod: 2024/25\nsummary: What the partnership will do.\npublisher:\n  name: Example Violence Reduction Partnership\n  strapline: Safer together\nbranding:\n  primary_colour: \"#5a2d82\"\n",
    );
    site.write(
        "content/partner/01-plan.md",
        "---\ntitle: The plan\n---\nWhat the partnership will do.\n",
    );
    site
}

#[test]
fn each_report_shows_its_own_publisher_and_the_site_keeps_its_own() {
    let run = partnership_site().build().success();

    let home = run.page("index.html");
    assert_eq!(home.text_of(".site-org"), "Example Borough Council");
    assert_eq!(
        home.text_of(".site-footer .strapline"),
        "Working for a safer borough"
    );
    assert_eq!(
        home.attr(".site-footer a[href^='mailto:']", "href")
            .as_deref(),
        Some("mailto:reports@example.gov.uk")
    );
    assert_eq!(
        home.attr(".site-footer a[href^='tel:']", "href").as_deref(),
        Some("tel:01210000000")
    );

    let partner = run.page("partner/plan/index.html");
    assert_eq!(
        partner.text_of(".site-org"),
        "Example Violence Reduction Partnership"
    );
    assert_eq!(partner.text_of(".site-footer .strapline"), "Safer together");
    assert!(
        partner
            .text_of(".site-footer")
            .contains("Published by Example Violence Reduction Partnership"),
        "{}",
        partner.text_of(".site-footer")
    );
    // The council's contacts are not presented as the partner's own in
    // the footer of every page...
    assert!(partner.all(".site-footer a[href^='mailto:']").is_empty());
    // ...and its brand colour is the partner's.
    assert!(
        partner.text.contains("--brand:#5a2d82"),
        "the partner's colour"
    );
    assert!(
        home.text.contains("--brand:#1d4f91"),
        "the site's colour on its own pages"
    );
}

#[test]
fn the_back_page_says_how_to_ask_for_another_format_and_whose_contacts_they_are() {
    let run = partnership_site().build().success();

    let own = run.page("sample/index.html");
    let back = own.text_of(".back-page");
    assert!(back.contains("Contact us and other formats"), "{back}");
    assert!(
        back.contains("Publisher: Example Borough Council"),
        "{back}"
    );
    assert!(back.contains("large print"), "{back}");
    assert_eq!(
        own.text_of(".back-page .contact-name"),
        "Example Borough CouncilCouncil House1 Example Square"
    );
    assert_eq!(
        own.attr(".back-page a[href^='mailto:']", "href").as_deref(),
        Some("mailto:reports@example.gov.uk")
    );
    assert_eq!(
        own.text_of(".back-page a[href^='https:']"),
        "www.example.gov.uk"
    );

    // The partner gives no contacts: requests go to the site's publisher,
    // named as such.
    let partner = run.page("partner/index.html");
    let back = partner.text_of(".back-page");
    assert!(
        back.contains("Publisher: Example Violence Reduction Partnership"),
        "{back}"
    );
    assert!(
        partner
            .text_of(".back-page .contact-name")
            .starts_with("Example Borough Council"),
        "{back}"
    );
    // The print edition ends with the same back page.
    let print = run.page("partner/print/index.html");
    assert!(print.text_of(".back-page").contains("large print"));
}

#[test]
fn a_publisher_may_word_the_other_formats_route_itself() {
    let site = partnership_site();
    site.write(
        "site.yaml",
        &SITE.replace(
            "  email: reports@example.gov.uk\n",
            "  email: reports@example.gov.uk\n  other_formats: For braille or audio, call our access team.\n",
        ),
    );
    let run = site.build().success();
    assert_eq!(
        run.page("sample/index.html")
            .text_of(".back-page .other-formats"),
        "For braille or audio, call our access team."
    );
}

/// Every word a reader can see (text nodes outside scripts and styles),
/// and every attribute a reader's software shows (alt, title, aria-label).
fn reader_facing_text(page: &Page) -> String {
    let mut out = String::new();
    for node in page.html.root_element().descendants() {
        if let Some(text) = node.value().as_text() {
            let parent = node
                .parent()
                .and_then(|p| p.value().as_element().map(|e| e.name()));
            if !matches!(parent, Some("script" | "style")) {
                out.push_str(text);
                out.push(' ');
            }
        } else if let Some(el) = node.value().as_element() {
            for attr in ["alt", "title", "aria-label", "placeholder"] {
                if let Some(v) = el.attr(attr) {
                    out.push_str(v);
                    out.push(' ');
                }
            }
        }
    }
    out
}

fn pages(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(pages(&path));
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    out
}

#[test]
fn no_reader_facing_page_of_the_example_site_mentions_rapport() {
    let run = TestSite::example().run(&["build", "--no-pdf"]).success();
    let all = pages(&run.output);
    assert!(all.len() > 100, "the whole example site: {}", all.len());
    for path in all {
        let text = std::fs::read_to_string(&path).unwrap();
        let page = Page {
            html: scraper::Html::parse_document(&text),
            text: String::new(),
        };
        let seen = reader_facing_text(&page).to_lowercase();
        assert!(
            !seen.contains("rapport"),
            "{} shows the tool's name to readers",
            path.display()
        );
    }
}

#[test]
fn made_with_puts_one_discreet_line_in_the_footer() {
    let site = partnership_site();
    let off = site.build().success();
    assert!(
        off.page("index.html").all(".made-with").is_empty(),
        "off by default"
    );
    site.write("site.yaml", &format!("{SITE}made_with: true\n"));
    let on = site.build().success();
    assert!(
        on.page("sample/index.html")
            .text_of(".site-footer .made-with")
            .contains("rapport")
    );
}

#[test]
fn organisation_alone_still_names_the_publisher() {
    let site = TestSite::fixture("fixtures/full");
    let run = site.build().success();
    let home = run.page("sample/index.html");
    assert_eq!(home.text_of(".site-org"), "Fixture Council");
    // branding.footer is the publisher's strapline.
    assert_eq!(
        home.text_of(".site-footer .strapline"),
        "A strapline for the footer"
    );
}

#[test]
fn a_site_that_does_not_say_who_publishes_it_is_refused_with_the_fix() {
    let site = TestSite::fixture("fixtures/full");
    site.write("site.yaml", "title: T\n");
    let run = site.build().exit(2);
    assert!(
        run.stderr
            .contains("site.yaml does not say who publishes the site"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("publisher:"), "{}", run.stderr);
}

#[test]
fn a_report_publisher_with_no_name_or_a_bad_email_is_an_error_at_its_line() {
    let site = partnership_site();
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\npublisher:\n  strapline: Safer together\n  email: not an address\n",
    );
    let run = site.build();
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("the report's `publisher:` has no `name`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/partner/report.yaml:3:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`not an address` is not an email address"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/partner/report.yaml:5:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_report_colour_too_light_to_read_is_refused_in_report_yaml() {
    let site = partnership_site();
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\nbranding:\n  primary_colour: \"#ffdd00\"\n",
    );
    let run = site.build();
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("low-contrast"), "{}", run.stderr);
    assert!(
        run.stderr.contains("content/partner/report.yaml"),
        "{}",
        run.stderr
    );
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn the_pdf_names_its_publisher_on_the_cover_in_every_footer_and_on_the_back_page() {
    let run = partnership_site().build().success();
    let pdf = run.output.join("partner/partner.pdf");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.len() >= 3,
        "cover, contents, chapter, back page: {}",
        pages.len()
    );
    assert!(
        pages[0].contains("Example Violence Reduction Partnership"),
        "{}",
        pages[0]
    );
    for (i, page) in pages.iter().enumerate().skip(1) {
        let footer = page.trim_end().lines().last().unwrap_or_default();
        assert!(
            footer.contains("Example Violence Reduction Partnership")
                && footer.contains("Safer together"),
            "page {} has no publisher's name and strapline in its footer:\n{page}",
            i + 1
        );
    }
    let back = pages.last().unwrap();
    assert!(back.contains("Contact us and other formats"), "{back}");
    assert!(back.contains("large print"), "{back}");
    assert!(back.contains("reports@example.gov.uk"), "{back}");
    assert!(
        back.contains("Example Borough Council"),
        "whose contacts: {back}"
    );
}

/// Page `page` of `pdf` drawn at 36 dots an inch by poppler's `pdftoppm`,
/// as its pixels' colours.
fn pdf_page_pixels(pdf: &std::path::Path, page: usize) -> Vec<[u8; 3]> {
    let prefix = pdf.with_extension(format!("page{page}"));
    let status = std::process::Command::new("pdftoppm")
        .args(["-r", "36", "-singlefile", "-f", &page.to_string()])
        .args(["-l", &page.to_string()])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .expect("pdftoppm (apt-get install poppler-utils)");
    assert!(status.success());
    let ppm = std::fs::read(prefix.with_extension(format!("page{page}.ppm"))).unwrap();
    // P6, width, height, maximum value, each after whitespace; then RGB bytes.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    ppm[at + 1..]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// The share of `pixels` within a few steps of `colour` on each channel.
fn share_of(pixels: &[[u8; 3]], colour: [u8; 3]) -> f64 {
    let near = pixels
        .iter()
        .filter(|p| (0..3).all(|c| p[c].abs_diff(colour[c]) <= 8))
        .count();
    near as f64 / pixels.len() as f64
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftoppm)"
)]
fn the_pdf_cover_is_drawn_in_the_reports_colour_with_the_publishers_logo() {
    let site = partnership_site();
    // A logo in a colour found nowhere else, so its pixels prove it is drawn.
    site.write(
        "static/partner-white.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 10\" width=\"40\" height=\"10\"><rect width=\"40\" height=\"10\" fill=\"#00ff88\"/></svg>",
    );
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\nperiod: 2024/25\npublisher:\n  name: Example Violence Reduction Partnership\n  logo_on_dark: static/partner-white.svg\n  logo_alt: Example Violence Reduction Partnership\nbranding:\n  primary_colour: \"#5a2d82\"\n",
    );
    let run = site.build().success();
    let cover = pdf_page_pixels(&run.output.join("partner/partner.pdf"), 1);
    let brand = share_of(&cover, [0x5a, 0x2d, 0x82]);
    assert!(
        brand > 0.2,
        "the cover's band should fill a good part of the page in #5a2d82, not {:.1}%",
        brand * 100.0
    );
    let logo = share_of(&cover, [0x00, 0xff, 0x88]);
    assert!(
        logo > 0.005,
        "the logo should be drawn on the cover, not {:.2}% of it",
        logo * 100.0
    );
    // The site's own report keeps the site's colour and has no such logo.
    let sample = pdf_page_pixels(&run.output.join("sample/sample.pdf"), 1);
    assert!(share_of(&sample, [0x5a, 0x2d, 0x82]) < 0.001);
    assert!(share_of(&sample, [0x00, 0xff, 0x88]) < 0.001);
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftoppm)"
)]
fn a_cover_picture_is_on_the_pdf_cover_and_the_reports_home_page() {
    let site = partnership_site();
    // A picture in a colour found nowhere else, so its pixels prove it is drawn.
    site.write(
        "static/cover.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 100\" width=\"300\" height=\"100\"><rect width=\"300\" height=\"100\" fill=\"#ff7a00\"/></svg>",
    );
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\ncover:\n  image: static/cover.svg\n  alt: Volunteers at the spring community clean-up\npublisher:\n  name: Example Violence Reduction Partnership\n",
    );
    let run = site.build().success();
    let home = run.page("partner/index.html");
    assert_eq!(
        home.attr(".report-cover img.cover-image", "alt").as_deref(),
        Some("Volunteers at the spring community clean-up")
    );
    let src = home.attr(".report-cover img.cover-image", "src").unwrap();
    assert!(
        run.output.join("partner").join(&src).is_file(),
        "{src} is published"
    );
    let cover = pdf_page_pixels(&run.output.join("partner/partner.pdf"), 1);
    let picture = share_of(&cover, [0xff, 0x7a, 0x00]);
    assert!(
        picture > 0.1,
        "the picture should fill the width of the cover, not {:.1}% of it",
        picture * 100.0
    );
    let sample = pdf_page_pixels(&run.output.join("sample/sample.pdf"), 1);
    assert!(share_of(&sample, [0xff, 0x7a, 0x00]) < 0.001);
}

#[test]
fn a_cover_picture_outside_static_or_without_alt_text_is_an_error_at_its_line() {
    let site = partnership_site();
    site.write(
        "static/cover.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 3 1\"/>",
    );
    site.write(
        "content/partner/cover.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 3 1\"/>",
    );
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\ncover:\n  image: content/partner/cover.svg\n  alt: A street\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("content/partner/report.yaml:4:10"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("is not in static/"), "{}", run.stderr);
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\ncover:\n  image: static/cover.svg\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("content/partner/report.yaml:3"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the cover picture has no `alt` text"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("alt: \"\""), "{}", run.stderr);
    site.write(
        "content/partner/report.yaml",
        "title: Partner Plan\npublished: 2024-03-01\ncover:\n  image: static/missing.jpg\n  alt: \"\"\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr
            .contains("cover picture file `static/missing.jpg` not found"),
        "{}",
        run.stderr
    );
}
