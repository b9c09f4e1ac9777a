//! The PDF edition, read back with poppler's tools as a reader's software
//! would. CI installs `poppler-utils`; where the build script
//! (`build/find_tools.rs`) finds no `pdfinfo`, `pdftotext` and
//! `pdffonts` on `PATH`, the tests that use them are ignored with the reason
//! (`cfg(has_poppler)`). The tests that read the PDF with lopdf run
//! everywhere.

use std::process::Command;

use crate::harness::*;

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name} (apt-get install poppler-utils): {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn info(pdf: &std::path::Path) -> String {
    tool("pdfinfo", &[pdf.to_str().unwrap()])
}

fn text(pdf: &std::path::Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn every_report_gets_a_tagged_pdf_with_its_metadata() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let pdf = run.output.join("sample/sample.pdf");
    let info = info(&pdf);
    assert!(
        info.contains("Title:           Sample Annual Report"),
        "{info}"
    );
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("Creator:         rapport"), "{info}");
    // Dates come from the publication date, not the clock.
    assert!(
        info.contains("CreationDate:    Wed Dec  6 00:00:00 2023 UTC"),
        "{info}"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("pdfuaid:part"), "declares PDF/UA conformance");
    assert!(
        raw.contains("/Lang (en-GB)") || raw.contains("/Lang(en-GB)"),
        "document language"
    );
    assert!(raw.contains("/Outlines"), "bookmarks");
    // The report home links the PDF with its size and page count.
    let home = run.page("sample/index.html");
    let link = home
        .all("a[href$='.pdf']")
        .first()
        .map(|a| a.value().attr("href").unwrap().to_string());
    assert_eq!(link.as_deref(), Some("../sample/sample.pdf"));
    let pages: String = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    assert!(
        home.text_of(".downloads")
            .contains(&format!("{pages} pages"))
    );
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn the_pdf_has_the_reports_words_in_reading_order() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let text = text(&run.output.join("sample/sample.pdf"));
    let order = ["Sample Annual Report", "Contents", "Foreword", "Funding"];
    let mut at = 0;
    for word in order {
        let found = text[at..]
            .find(word)
            .unwrap_or_else(|| panic!("`{word}` missing or out of order:\n{text}"));
        at += found;
    }
    // Numbered paragraphs keep their numbers; the footer counts pages.
    assert!(text.contains("3.1"), "{text}");
    assert!(text.contains("Page 2 of"), "{text}");
    assert!(text.contains("A strapline for the footer"));
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn content_cannot_inject_typst() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-hostile.md",
        "---\ntitle: Hostile\n---\n\nA #set page(width: 1cm) and #panic(\"x\") and $x^2$ and `code` and {{ x }} \\\\ end.\n",
    );
    let run = site.build().success();
    let text = text(&run.output.join("sample/sample.pdf"));
    assert!(text.contains("#set page(width: 1cm)"), "{text}");
    // (Smart punctuation curls the quotes, as on the web page.)
    assert!(text.contains("#panic(“x”)"), "{text}");
    assert!(text.contains("$x^2$"));
}

#[test]
fn identical_input_gives_an_identical_pdf() {
    let site = TestSite::fixture("fixtures/full");
    site.build().success();
    let first = std::fs::read(site.dir.join("output/sample/sample.pdf")).unwrap();
    let other = site.outside().join("second");
    site.run(&["build", "--output", other.to_str().unwrap()])
        .success();
    let second = std::fs::read(other.join("sample/sample.pdf")).unwrap();
    assert!(first == second, "the PDF differs between two builds");
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn the_pdf_speaks_the_sites_words() {
    let site = TestSite::fixture("fixtures/full");
    let cfg = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{cfg}strings:\n  contents: In this report\n  page_of: \"Tudalen {{page}} o {{pages}}\"\n"),
    );
    let run = site.build().success();
    let pdf = text(&run.output.join("sample/sample.pdf"));
    assert!(pdf.contains("In this report"), "{pdf}");
    assert!(pdf.contains("Tudalen 2 o "), "{pdf}");
    assert!(!pdf.contains("Contents"), "{pdf}");
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn a_site_can_override_the_pdf_template_and_its_errors_point_there() {
    let site = TestSite::fixture("fixtures/full");
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/pdf/report.typ"),
    )
    .unwrap();
    site.write(
        "templates/report.typ",
        &template.replace(
            "outlined: false, words.contents",
            "outlined: false, [What is in this report]",
        ),
    );
    let run = site.build().success();
    assert!(text(&run.output.join("sample/sample.pdf")).contains("What is in this report"));
    site.write(
        "templates/report.typ",
        &format!("{template}\n#let broken = (\n"),
    );
    let run = site.build().exit(2);
    assert!(run.stderr.contains("error[pdf]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("templates/report.typ"),
        "{}",
        run.stderr
    );
}

#[test]
fn no_pdf_leaves_it_out() {
    let run = TestSite::fixture("fixtures/full")
        .run(&["build", "--no-pdf"])
        .success();
    assert!(!run.output.join("sample/sample.pdf").exists());
    assert!(
        run.page("sample/index.html")
            .all("a[href$='.pdf']")
            .is_empty()
    );
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn chapters_can_have_their_own_pdfs() {
    let site = TestSite::fixture("fixtures/full");
    let config = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{config}pdf_per_chapter: true\n"));
    let run = site.build().success();
    let pdf = run.output.join("sample/funding/funding.pdf");
    let info = info(&pdf);
    assert!(info.contains("Title:           Funding"), "{info}");
    let text = text(&pdf);
    assert!(
        text.contains("Sample Annual Report"),
        "the report's title on the cover"
    );
    assert!(!text.contains("Foreword"), "only this chapter:\n{text}");
    let page = run.page("sample/funding/index.html");
    assert!(
        page.hrefs()
            .contains(&"../../sample/funding/funding.pdf".to_string())
    );
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn the_organisations_font_is_used_on_the_web_and_in_the_pdf() {
    let site = TestSite::fixture("fixtures/full");
    // DejaVu Sans Mono stands in for an organisation's typeface.
    let font = typst_assets::fonts()
        .find(|f| f.windows(15).any(|w| w == b"DejaVuSansMono-"))
        .or_else(|| typst_assets::fonts().last())
        .unwrap();
    std::fs::create_dir_all(site.dir.join("static/fonts")).unwrap();
    std::fs::write(site.dir.join("static/fonts/Brand-Regular.ttf"), font).unwrap();
    let config = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &config.replace(
            "branding:\n",
            "branding:\n  font:\n    family: DejaVu Sans Mono\n    files: [static/fonts/Brand-Regular.ttf]\n",
        ),
    );
    let run = site.build().success();
    let css = std::fs::read_to_string(run.output.join("assets/fonts.css")).unwrap();
    assert!(css.contains("@font-face{font-family:\"DejaVu Sans Mono\";src:url(\"fonts/Brand-Regular.ttf\") format(\"truetype\");font-weight:"), "{css}");
    assert!(run.output.join("assets/fonts/Brand-Regular.ttf").is_file());
    assert_eq!(
        run.page("index.html")
            .attr("link[href$='fonts.css']", "href")
            .as_deref(),
        Some("./assets/fonts.css")
    );
    let fonts = tool(
        "pdffonts",
        &[run.output.join("sample/sample.pdf").to_str().unwrap()],
    );
    // The body text is in the brand's face: the fallback sans-serif is not
    // needed at all (the test's text has no character the brand font lacks).
    assert!(fonts.contains("DejaVuSansMono"), "{fonts}");
    assert!(!fonts.contains("NotoSans"), "{fonts}");
    assert!(!fonts.contains("Libertinus"), "{fonts}");
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn without_the_organisations_font_the_pdf_is_set_in_a_sans_serif() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let fonts = tool(
        "pdffonts",
        &[run.output.join("sample/sample.pdf").to_str().unwrap()],
    );
    assert!(fonts.contains("NotoSans-Bold"), "headings: {fonts}");
    assert!(fonts.contains("+NotoSans "), "body text: {fonts}");
}

/// Visits every structure element under `obj` (following `/K`, as
/// assistive technology does), depth first.
fn walk_structure(
    doc: &lopdf::Document,
    obj: &lopdf::Object,
    visit: &mut dyn FnMut(&lopdf::Dictionary),
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let obj = match obj {
        lopdf::Object::Reference(id) => match doc.get_object(*id) {
            Ok(o) => o,
            Err(_) => return,
        },
        o => o,
    };
    match obj {
        lopdf::Object::Array(kids) => {
            for k in kids {
                walk_structure(doc, k, visit, depth + 1);
            }
        }
        lopdf::Object::Dictionary(d) => {
            visit(d);
            if let Ok(k) = d.get(b"K") {
                walk_structure(doc, k, visit, depth + 1);
            }
        }
        _ => {}
    }
}

/// The tags (`/S`) of every structure element under `obj`.
fn structure_tags(doc: &lopdf::Document, obj: &lopdf::Object, tags: &mut Vec<String>) {
    walk_structure(
        doc,
        obj,
        &mut |d| {
            if let Ok(lopdf::Object::Name(s)) = d.get(b"S") {
                tags.push(String::from_utf8_lossy(s).into_owned());
            }
        },
        0,
    );
}

#[test]
fn the_pdf_has_a_bookmark_per_chapter_and_heading_and_a_tag_tree() {
    let run = TestSite::fixture("fixtures/full").build().success();
    let doc =
        lopdf::Document::load(run.output.join("sample/sample.pdf")).expect("a PDF lopdf can read");

    // Bookmarks: every chapter, and the headings inside it, in order.
    let toc = doc.get_toc().expect("the PDF has an outline");
    let titles: Vec<&str> = toc.toc.iter().map(|t| t.title.as_str()).collect();
    let at = |t: &str| {
        titles
            .iter()
            .position(|x| x.contains(t))
            .unwrap_or_else(|| panic!("no bookmark {t:?} in {titles:?}"))
    };
    assert!(at("Foreword") < at("Funding"), "{titles:?}");
    assert!(at("Funding") < at("Grants"), "{titles:?}");
    let grants = toc.toc.iter().find(|t| t.title.contains("Grants")).unwrap();
    let funding = toc
        .toc
        .iter()
        .find(|t| t.title.contains("Funding"))
        .unwrap();
    assert!(
        grants.level > funding.level,
        "headings nest under their chapter: {toc:?}"
    );
    // The draft chapter is not published, so not bookmarked either.
    assert!(
        !titles.iter().any(|t| t.contains("Draft chapter")),
        "{titles:?}"
    );

    // Tagged: marked content and a structure tree with real elements.
    let catalog = doc.catalog().unwrap();
    let mark = catalog
        .get(b"MarkInfo")
        .and_then(|m| doc.dereference(m).map(|(_, o)| o.clone()))
        .and_then(|o| o.as_dict().cloned())
        .expect("MarkInfo");
    assert!(mark.get(b"Marked").unwrap().as_bool().unwrap());
    let root = catalog
        .get(b"StructTreeRoot")
        .and_then(|r| doc.dereference(r).map(|(_, o)| o.clone()))
        .expect("a structure tree");
    let mut tags = Vec::new();
    structure_tags(&doc, &root, &mut tags);
    for needed in ["H1", "P", "Table", "TH", "TD", "Note"] {
        assert!(
            tags.iter().any(|t| t == needed),
            "no {needed} element in the tag tree: {tags:?}"
        );
    }
    assert!(
        tags.len() > 50,
        "a real tree, not a stub: {} elements",
        tags.len()
    );
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn table_inside_a_footnote_or_definition_is_in_the_pdf() {
    let site = TestSite::fixture("fixtures/data");
    site.write("content/r/02-notes.md", crate::data_tables::PLACED_IN_NOTES);
    let run = site.build().success();
    let text = text(&run.output.join("r/r.pdf"));
    // The definition's table follows its term; the note's table follows
    // the note's words (the other chapter's tables come before both).
    let term = text.rfind("Funding explained").expect(&text);
    assert!(text[term..].contains("Source of funds"), "{text}");
    let note = text.rfind("The budget in full").expect(&text);
    assert!(text[note..].contains("Leeds"), "{text}");
}

/// A link to a case study, which has an anchor in the page, failed the PDF
/// with "label does not exist": the PDF gave it no label.
#[test]
fn link_to_a_case_study_builds_the_pdf() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-cases.md",
        "---\ntitle: Cases\n---\n\nSee [the case](#case-study-mentoring-in-lozells) and \
         [the one before](02-funding.md#grants).\n\n\
         > [!CASE-STUDY] Mentoring in Lozells\n> Young people met mentors weekly.\n",
    );
    let run = site.build().success();
    let pdf = std::fs::read(run.output.join("sample/sample.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let page = run.page("sample/cases/index.html");
    assert!(
        page.hrefs()
            .iter()
            .any(|h| h == "#case-study-mentoring-in-lozells"),
        "{:?}",
        page.hrefs()
    );
}

/// One line of `pdftotext -bbox-layout`: its page (from 1), the page's
/// height, the line's bottom edge and its text.
struct PdfLine {
    page: usize,
    page_height: f64,
    bottom: f64,
    text: String,
}

/// The number in attribute `name` of a `pdftotext -bbox-layout` tag.
fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[start..].split('"').next().unwrap().parse().unwrap()
}

fn pdf_lines(pdf: &std::path::Path) -> Vec<PdfLine> {
    let xml = tool("pdftotext", &["-bbox-layout", pdf.to_str().unwrap(), "-"]);
    let mut out = Vec::new();
    let (mut page, mut height) = (0, 0.0);
    for part in xml.split('<').skip(1) {
        if part.starts_with("page ") {
            page += 1;
            height = attr(part, "height");
        } else if part.starts_with("line ") {
            out.push(PdfLine {
                page,
                page_height: height,
                bottom: attr(part, "yMax"),
                text: String::new(),
            });
        } else if part.starts_with("word ") {
            let word = part.split_once('>').unwrap().1;
            let line = out.last_mut().unwrap();
            if !line.text.is_empty() {
                line.text.push(' ');
            }
            line.text.push_str(word);
        }
    }
    out
}

/// Headings and table captions were left at the foot of a page, away from
/// what they introduce (a table caption on page 13 of the 2022/23 annual
/// report, its table on page 14); and a five-row table split in two.
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn headings_and_table_captions_are_never_left_at_the_foot_of_a_page() {
    let site = TestSite::fixture("fixtures/data");
    let long: String = (1..=22)
        .map(|i| format!("Long row {i},{}\n", i * 10))
        .collect();
    site.write("content/r/data/long.csv", &format!("Area,Budget\n{long}"));
    site.write(
        "content/r/data/long.yaml",
        "caption: Long table of budgets\nfile: long.csv\ncolumns:\n  - key: area\n  - {key: budget, type: integer}\n",
    );
    let short: String = (1..=5).map(|i| format!("Short row {i},{i}\n")).collect();
    site.write("content/r/data/short.csv", &format!("Area,Count\n{short}"));
    site.write(
        "content/r/data/short.yaml",
        "caption: Short table of counts\nfile: short.csv\ncolumns:\n  - key: area\n  - {key: count, type: integer}\n",
    );
    let medium: String = (1..=15).map(|i| format!("Medium row {i},{i}\n")).collect();
    site.write(
        "content/r/data/medium.csv",
        &format!("Area,Count\n{medium}"),
    );
    site.write(
        "content/r/data/medium.yaml",
        "caption: Medium table of counts\nfile: medium.csv\ncolumns:\n  - key: area\n  - {key: count, type: integer}\n",
    );
    // Sections of every length, so without keep-with-next some heading or
    // caption lands at a page's foot.
    let mut text = String::from("---\ntitle: Layout\n---\n\n");
    for i in 1..=30 {
        text.push_str(&format!("## Section {i}\n\n"));
        for _ in 0..(i % 7) {
            text.push_str("A paragraph of ordinary length that fills two lines or so of the page, so that the sections end at every height.\n\n");
        }
        if i % 5 == 0 {
            text.push_str("> [!TABLE] long\n\n");
        } else if i % 4 == 0 {
            text.push_str("> [!TABLE] medium\n\n");
        } else if i % 3 == 0 {
            text.push_str("> [!TABLE] short\n\n");
        }
    }
    site.write("content/r/02-layout.md", &text);
    let run = site.build().success();
    // The layout settled (keeping things together by where they fall on
    // the page once left "Page 1 of 20" on every page from the ninth).
    assert!(!run.stderr.contains("pdf-layout"), "{}", run.stderr);
    let lines = pdf_lines(&run.output.join("r/r.pdf"));
    assert!(
        lines.iter().any(|l| l.text == "Section 30"),
        "the chapter is in the PDF"
    );
    for l in lines.iter().filter(|l| l.text.starts_with("Page ")) {
        assert!(
            l.text.starts_with(&format!("Page {} of", l.page)),
            "page {} says \"{}\"",
            l.page,
            l.text
        );
    }
    // The contents lists the same words ("Section 30"), as entries: its
    // pages (titled "Contents", or with it in their running header) are
    // not checked.
    let contents_pages: std::collections::BTreeSet<usize> = lines
        .iter()
        .filter(|l| l.text == "Contents" || l.text.ends_with(" Contents"))
        .map(|l| l.page)
        .collect();
    let mut checked = 0;
    for l in lines.iter().filter(|l| !contents_pages.contains(&l.page)) {
        let heading = l.text.starts_with("Section ") && l.text.len() <= "Section 30".len();
        let caption = l.text.starts_with("Table ") && l.text.contains(" table of ");
        if heading || caption {
            checked += 1;
            // Something of what it introduces follows it on its page (the
            // footer, below the text area, does not count).
            let followed = lines.iter().any(|o| {
                o.page == l.page && o.bottom > l.bottom + 1.0 && o.bottom < 0.92 * o.page_height
            });
            assert!(
                followed,
                "\"{}\" is the last thing on page {}, at {:.0} of {:.0} pt",
                l.text, l.page, l.bottom, l.page_height
            );
        }
    }
    assert!(checked > 30, "headings and captions found: {checked}");
    // Keeping things together never leaves a page mostly blank: every page
    // of the chapter but its last is filled at least halfway down.
    let chapter_pages: std::collections::BTreeSet<usize> = lines
        .iter()
        .filter(|l| l.text.starts_with("Section ") || l.text.contains(" row "))
        .map(|l| l.page)
        .collect();
    assert!(chapter_pages.len() > 3, "{chapter_pages:?}");
    for &page in chapter_pages.iter().rev().skip(1) {
        let filled = lines
            .iter()
            .filter(|l| l.page == page && l.bottom < 0.92 * l.page_height)
            .map(|l| l.bottom / l.page_height)
            .fold(0.0, f64::max);
        assert!(
            filled > 0.5,
            "page {page} is left mostly blank: its text ends {:.0}% of the way down",
            filled * 100.0
        );
    }
    // Each five-row table is on one page.
    let mut pages = std::collections::BTreeMap::<usize, usize>::new();
    for l in lines.iter().filter(|l| l.text.starts_with("Short row ")) {
        *pages.entry(l.page).or_default() += 1;
    }
    assert!(!pages.is_empty());
    for (page, rows) in pages {
        assert_eq!(
            rows % 5,
            0,
            "page {page} has {rows} rows of a five-row table"
        );
    }
}

/// Directions were printed in the PDF as their spoken words ("down, a
/// fall") where the web shows an arrow; now the PDF draws the arrow too and
/// gives the words as its alternative.
#[test]
fn direction_arrows_are_drawn_in_the_pdf_with_their_words_as_alternative() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let doc = lopdf::Document::load(run.output.join("r/r.pdf")).expect("a PDF lopdf can read");
    let root = doc
        .catalog()
        .unwrap()
        .get(b"StructTreeRoot")
        .unwrap()
        .clone();
    let mut alts = Vec::new();
    walk_structure(
        &doc,
        &root,
        &mut |d| {
            if let Ok(s) = d.get(b"Alt").and_then(lopdf::decode_text_string) {
                alts.push(s);
            }
        },
        0,
    );
    let arrows: Vec<&String> = alts
        .iter()
        .filter(|a| a.starts_with("up,") || a.starts_with("down,"))
        .collect();
    assert!(!arrows.is_empty(), "arrows with their words: {alts:?}");
}

#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn the_contents_list_chapters_and_sections_not_items_and_its_depth_can_be_set() {
    const TITLE: &str = "Commission progress report";
    let site = TestSite::fixture("fixtures/tracker");
    let run = site.build().success();
    let pdf = run.output.join("progress-2020/progress-2020.pdf");
    let contents = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", "-layout", pdf.to_str().unwrap(), "-"],
    );
    assert!(contents.contains("Contents"), "{contents}");
    assert!(
        contents.contains("Recommendations"),
        "the items' chapter: {contents}"
    );
    assert!(
        !contents.contains("Recommendation 4.10"),
        "items are bookmarked, not listed: {contents}"
    );
    // The running header names the chapter of the page.
    let last = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let header = |chapter: &str| {
        last.lines()
            .any(|l| l.trim_start().starts_with(TITLE) && l.trim_end().ends_with(chapter))
    };
    assert!(header("Introduction"), "{last}");
    assert!(header("Recommendations"), "{last}");
    // contents_depth: 1 lists the chapters only.
    let report =
        std::fs::read_to_string(site.dir.join("content/progress-2020/report.yaml")).unwrap();
    site.write(
        "content/progress-2020/report.yaml",
        &format!("{report}contents_depth: 1\n"),
    );
    site.write(
        "content/progress-2020/01-introduction.md",
        "---\ntitle: Introduction\n---\n\n## A section heading\n\nText.\n",
    );
    let run = site.build().success();
    let contents = tool(
        "pdftotext",
        &["-f", "2", "-l", "2", "-layout", pdf.to_str().unwrap(), "-"],
    );
    assert!(contents.contains("Introduction"), "{contents}");
    assert!(!contents.contains("A section heading"), "{contents}");
    drop(run);
    site.write(
        "content/progress-2020/report.yaml",
        &format!("{report}contents_depth: 7\n"),
    );
    let run = site.build();
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("`contents_depth: 7` is not 1, 2 or 3"),
        "{}",
        run.stderr
    );
}

/// The contents page's dotted leaders were typed as rows of full stops,
/// each a character Typst laid out and wrote: a large part of a long
/// report's typesetting (docs/performance.md), and hundreds of stops in the
/// text a reader copied from the page. They are now drawn, one dotted line
/// per entry; the reader still sees each entry's words, then the page its
/// heading is on.
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn the_contents_leaders_are_drawn_not_typed_and_each_entry_gives_its_headings_page() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let pdf = run.output.join("progress-2020/progress-2020.pdf");
    // The contents page's lines as a reader sees them, word by word from
    // the left (poppler puts the titles and the numbers in blocks of their
    // own), above the footer.
    let mut rows: std::collections::BTreeMap<i64, Vec<(f64, String)>> = Default::default();
    for (page, [x, _, _, bottom], word) in pdf_words(&pdf) {
        if page == 2 && bottom < 700.0 {
            rows.entry(bottom.round() as i64)
                .or_default()
                .push((x, word));
        }
    }
    let entries: Vec<Vec<String>> = rows
        .into_values()
        .map(|mut words| {
            words.sort_by(|a, b| a.0.total_cmp(&b.0));
            words.into_iter().map(|(_, w)| w).collect::<Vec<String>>()
        })
        .filter(|words| words.join(" ") != "Contents")
        .collect();
    assert!(entries.len() >= 3, "the contents lines: {entries:?}");
    let lines = pdf_lines(&pdf);
    for words in &entries {
        assert!(
            words.iter().all(|w| w.chars().any(|c| c != '.')),
            "leaders are drawn, not typed: {words:?}"
        );
        let (number, title) = words.split_last().unwrap();
        let title = title.join(" ");
        // Typst puts a word joiner before the number, so it never stands
        // alone on a line.
        let page: usize = number
            .trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or_else(|_| panic!("the entry ends with its page number: {words:?}"));
        assert!(
            lines.iter().any(|l| l.page == page && l.text == title),
            "\"{title}\" is a heading on page {page}"
        );
    }
    // One dotted line (a dash pattern starting with a dot) per entry.
    let doc = lopdf::Document::load(&pdf).expect("a PDF lopdf can read");
    let contents_page = doc.get_pages()[&2];
    let drawn = doc
        .get_and_decode_page_content(contents_page)
        .unwrap()
        .operations
        .into_iter()
        .filter(|op| {
            op.operator == "d"
                && op
                    .operands
                    .first()
                    .and_then(|a| a.as_array().ok())
                    .is_some_and(|a| a.first().and_then(|n| n.as_float().ok()) == Some(0.0))
        })
        .count();
    assert_eq!(drawn, entries.len(), "a dotted leader per entry");
}

/// Typst's outline lists what the previous layout pass found, so it was
/// empty on the first pass, and the pages it then filled moved every page
/// after it: each report was laid out three times. The default template
/// now sets rapport's draft of the contents (`contents.typ`) in the
/// outline's place until the headings are found, which gives the body its
/// final pages on the first pass, so the layout settles in two. That holds
/// only while the draft takes exactly the lines the outline takes: a
/// template that always shows the draft must give the same PDF, word for
/// word in the same places, but for the page numbers the draft leaves open.
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn the_contents_draft_takes_the_lines_and_pages_the_contents_take() {
    // The template's test for the first pass, and the same always true.
    const FIRST_PASS: &str =
        "if lines <= 40 { contents } else {\n    context if query(<rapport-placed>).len() == 0 {";
    const ALWAYS: &str = "{\n    context if true {";
    let template = include_str!("../../themes/default/pdf/report.typ");
    assert!(
        template.contains(FIRST_PASS),
        "the template's test for the first pass"
    );
    // The real reports; a long one whose contents run to several pages;
    // and recommendations with their progress listed three levels deep,
    // with each chapter's own PDF.
    let tracker = TestSite::fixture("fixtures/tracker");
    for (file, line) in [
        ("content/progress-2020/report.yaml", "contents_depth: 3\n"),
        ("site.yaml", "pdf_per_chapter: true\n"),
    ] {
        let text = std::fs::read_to_string(tracker.dir.join(file)).unwrap();
        tracker.write(file, &format!("{text}{line}"));
    }
    for site in [TestSite::example(), TestSite::generated(40, 40), tracker] {
        let real = site.build().success();
        let pdfs = pdf_paths(&real.output);
        assert!(!pdfs.is_empty());
        // A contents entry's page number: digits after Typst's word joiner.
        let page_number = |w: &str| {
            let digits = w.trim().strip_prefix('\u{2060}')?;
            digits
                .chars()
                .all(|c| c.is_ascii_digit())
                .then(|| digits.to_string())
        };
        // Each word with its place, leaving out the contents' page numbers.
        let words = |pdf: &std::path::Path| -> Vec<(usize, [i64; 4], String)> {
            pdf_words(pdf)
                .into_iter()
                .filter(|(_, _, w)| page_number(w).is_none())
                .map(|(page, b, w)| (page, b.map(|v| (v * 10.0).round() as i64), w))
                .collect()
        };
        for pdf in &pdfs {
            assert!(
                pdf_words(pdf)
                    .iter()
                    .all(|(_, _, w)| page_number(w).as_deref() != Some("000")),
                "the draft's open page numbers never reach the PDF: {}",
                pdf.display()
            );
        }
        let real_words: Vec<_> = pdfs.iter().map(|p| words(p)).collect();
        site.write(
            "templates/report.typ",
            &template.replace(FIRST_PASS, ALWAYS),
        );
        let drafted = site.build().success();
        for (pdf, real_words) in pdfs.iter().zip(&real_words) {
            let rel = pdf.strip_prefix(&real.output).unwrap();
            let draft_words = words(&drafted.output.join(rel));
            let first_difference = real_words.iter().zip(&draft_words).find(|(a, b)| a != b);
            assert!(
                first_difference.is_none() && real_words.len() == draft_words.len(),
                "{}: the draft moves the PDF's words (real, drafted): {first_difference:?}; {} and {} words",
                rel.display(),
                real_words.len(),
                draft_words.len()
            );
        }
    }
}

/// A link to a numbered paragraph (`[paragraph 2.1](#para-2-1)`) worked on
/// the web page but stopped the PDF: "label <funding--para-2-1> does not
/// exist". The paragraph now carries the same anchor in the PDF.
#[test]
fn a_link_to_a_numbered_paragraph_works_in_the_pdf() {
    let site = TestSite::fixture("fixtures/full");
    let path = site.dir.join("content/sample/02-funding.md");
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(
        "content/sample/02-funding.md",
        &format!("{text}\nAs [paragraph 2.1](#para-2-1) says, the grant is confirmed.\n"),
    );
    let run = site.build().success();
    assert!(run.output.join("sample/sample.pdf").exists());
    let page = run.page("sample/funding/index.html");
    assert!(page.all("#para-2-1").len() == 1, "the web anchor");
}

/// A site's own PDF template whose layout never settles (each pass adds a
/// page per page) is published with a warning, not silently.
#[test]
fn a_pdf_layout_that_does_not_settle_is_a_warning() {
    let site = TestSite::fixture("fixtures/full");
    let template = include_str!("../../themes/default/pdf/report.typ").replace(
        "  body\n",
        "  body\n  context { for _ in range(counter(page).final().first()) { pagebreak() } }\n",
    );
    site.write("templates/report.typ", &template);
    let run = site.build().success();
    assert!(run.stderr.contains("warning[pdf-layout]"), "{}", run.stderr);
    assert!(
        run.stderr.contains("did not settle its layout"),
        "{}",
        run.stderr
    );
    assert!(run.output.join("sample/sample.pdf").is_file());
}

/// Each word of `pdftotext -bbox-layout`: its page and box.
fn pdf_words(pdf: &std::path::Path) -> Vec<(usize, [f64; 4], String)> {
    let xml = tool("pdftotext", &["-bbox-layout", pdf.to_str().unwrap(), "-"]);
    let mut page = 0;
    let mut out = Vec::new();
    for part in xml.split('<').skip(1) {
        if part.starts_with("page ") {
            page += 1;
        } else if part.starts_with("word ") {
            let b = ["xMin", "yMin", "xMax", "yMax"].map(|n| attr(part, n));
            out.push((page, b, part.split_once('>').unwrap().1.to_string()));
        }
    }
    out
}

/// The crime table of the 2022/23 annual report has twelve columns; set
/// like a narrow one, its headings ran into each other ("Year to date
/// 2022/23Difference") and so did its figures ("15,90830,845").
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn no_words_overlap_in_the_example_sites_pdfs_however_wide_the_table() {
    let run = TestSite::example().build().success();
    let mut checked = 0;
    for report in [
        "community-safety-2022-23",
        "vru-establishment-2019",
        "vru-board-update-2020",
    ] {
        let words = pdf_words(&run.output.join(format!("{report}/{report}.pdf")));
        assert!(words.len() > 500, "{report}: {} words", words.len());
        for (i, (page, a, text)) in words.iter().enumerate() {
            for (other_page, b, other) in &words[i + 1..] {
                if other_page != page {
                    continue;
                }
                let across = a[2].min(b[2]) - a[0].max(b[0]);
                let down = a[3].min(b[3]) - a[1].max(b[1]);
                // Words on lines set close together share some of their
                // font's box (its ascent and descent); words that collide
                // stand on the same line.
                let height = (a[3] - a[1]).min(b[3] - b[1]);
                assert!(
                    across < 0.5 || down < 0.6 * height,
                    "{report}, page {page}: \"{text}\" and \"{other}\" overlap ({across:.1} by {down:.1} pt)"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked} pairs");
    // The crime table's year-to-date figures kept as printed carry their
    // notes in the PDF too (`adds_up:` in its schema), as on the web.
    let pdf = run
        .output
        .join("community-safety-2022-23/community-safety-2022-23.pdf");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for sum in ["30,774", "13", "2,698"] {
        let note =
            format!("As printed, though Apr–Jun 2023 (Q1) and Jul–Sep 2023 (Q2) add up to {sum}.");
        assert!(text.contains(&note), "{note}");
    }
}

/// `--cache DIR` keeps each PDF with what it was made from, and a later
/// build reuses it only while every input is the same: each change below
/// (a chapter's text, an image, the Typst template, an interface string,
/// the organisation's font, the publication date) must give the PDF a
/// build without the cache makes, byte for byte.
#[test]
fn a_cached_pdf_is_reused_only_while_everything_it_is_made_from_is_unchanged() {
    let site = TestSite::fixture("fixtures/full");
    let cache = site.outside().join("pdf-cache");
    let cache_arg = cache.to_str().unwrap().to_string();
    let pdf = |out: &str| std::fs::read(site.dir.join(out).join("sample/sample.pdf")).unwrap();
    // A build with the cache and one without, into their own folders.
    let both = |what: &str| {
        site.run(&["build", "--output", "with", "--cache", &cache_arg])
            .success();
        site.run(&["build", "--output", "fresh"]).success();
        assert!(
            pdf("with") == pdf("fresh"),
            "after {what}, the cached build's PDF differs from a fresh one"
        );
        pdf("with")
    };
    let first = both("the first build");
    let entries = |ext: &str| {
        std::fs::read_dir(cache.join("pdf"))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == ext))
            .count()
    };
    assert_eq!(entries("pdf"), 1);

    // Unchanged: the stored PDF is what is published. Proved by swapping
    // the stored file for another (with its digest), which the next build
    // then publishes instead of typesetting.
    let manifest = std::fs::read_dir(cache.join("pdf"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&manifest).unwrap();
    let (digest, rest) = text.split_once(' ').unwrap();
    let stand_in = b"%PDF-1.7 a stand-in, to show the stored file is used\n%%EOF\n";
    let stand_in_digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(stand_in)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    std::fs::write(cache.join(format!("pdf/{stand_in_digest}.pdf")), stand_in).unwrap();
    std::fs::write(&manifest, format!("{stand_in_digest} {rest}")).unwrap();
    site.run(&["build", "--output", "with", "--cache", &cache_arg])
        .success();
    assert_eq!(pdf("with"), stand_in);
    std::fs::write(&manifest, format!("{digest} {rest}")).unwrap();
    site.run(&["build", "--output", "with", "--cache", &cache_arg])
        .success();
    assert!(pdf("with") == first);

    // Each input changed in turn.
    let edit = |path: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(site.dir.join(path)).unwrap();
        assert!(text.contains(from), "{path} has no {from:?}");
        site.write(path, &text.replacen(from, to, 1));
    };
    edit(
        "content/sample/01-foreword.md",
        "\n\n",
        "\n\nA sentence added for the cache test.\n\n",
    );
    let changed = both("a chapter's text");
    assert!(changed != first);
    let bytes_before = pdf("with");
    // Another picture under the same name (two stripes, made for this test).
    std::fs::copy(
        fixtures().join("fixtures/pdf-cache/another-chart.png"),
        site.dir.join("content/sample/img/chart.png"),
    )
    .unwrap();
    assert!(both("an image") != bytes_before);
    let template = rapport::theme::embedded_text("pdf/report.typ").unwrap();
    site.write(
        "templates/report.typ",
        &template.replacen("size: 10.5pt", "size: 12pt", 1),
    );
    let before = pdf("with");
    assert!(both("the template") != before);
    edit(
        "site.yaml",
        "branding:\n",
        "strings:\n  notes: Endnotes\nbranding:\n",
    );
    both("an interface string");
    edit(
        "content/sample/report.yaml",
        "published: 2023-12-06",
        "published: 2023-12-07",
    );
    let before = pdf("with");
    assert!(both("the publication date") != before);
    let font = typst_assets::fonts()
        .find(|f| f.windows(15).any(|w| w == b"DejaVuSansMono-"))
        .unwrap();
    std::fs::create_dir_all(site.dir.join("static/fonts")).unwrap();
    std::fs::write(site.dir.join("static/fonts/Brand.ttf"), font).unwrap();
    edit(
        "site.yaml",
        "branding:\n",
        "branding:\n  font:\n    family: DejaVu Sans Mono\n    files: [static/fonts/Brand.ttf]\n",
    );
    let before = pdf("with");
    assert!(both("the organisation's font") != before);
    // The same family name, another file.
    let other = typst_assets::fonts()
        .find(|f| f.windows(15).any(|w| w == b"DejaVuSansMono-") && *f != font)
        .unwrap();
    std::fs::write(site.dir.join("static/fonts/Brand.ttf"), other).unwrap();
    let last = both("the font file");
    // The folder keeps the site's current PDF only, not one per change.
    assert_eq!((entries("pdf"), entries("txt")), (1, 1));

    // `check` typesets too: with the same folder, it leaves the PDF for the
    // build, the very file a build makes.
    std::fs::remove_dir_all(&cache).unwrap();
    site.run(&["check", "--cache", &cache_arg]).success();
    let stored = std::fs::read_dir(cache.join("pdf"))
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .unwrap()
        .path();
    assert!(std::fs::read(stored).unwrap() == last);
}

/// The cache folder may not be inside the output folder, which each build
/// replaces whole.
#[test]
fn a_cache_folder_inside_the_output_folder_is_refused() {
    let site = TestSite::fixture("fixtures/full");
    let run = site.run(&["build", "--cache", "output/cache"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is inside the output folder"),
        "{}",
        run.stderr
    );
    assert!(!site.dir.join("output").exists());
}

/// The running header names, on each page, the first chapter that starts
/// on it, or else the chapter the page continues. The header used to look
/// up the page of every chapter on every page; it now asks for the next
/// chapter and the last one, and this checks the two agree page by page.
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn each_pages_running_header_names_the_chapter_it_starts_or_continues() {
    let run = TestSite::example().build().success();
    let pdf = run
        .output
        .join("community-safety-2022-23/community-safety-2022-23.pdf");
    let info = info(&pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| panic!("no {name} in {info}"))
    };
    let title = field("Title:");
    let pages: usize = field("Pages:").parse().unwrap();
    // Each page's lines, and its header's chapter where it has a header.
    let mut headed = Vec::new();
    for page in 1..=pages {
        let n = page.to_string();
        let text = tool(
            "pdftotext",
            &["-layout", "-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
        );
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let Some(chapter) = lines
            .first()
            .and_then(|l| l.strip_prefix(title.as_str()))
            .map(|rest| rest.trim().to_string())
        else {
            continue;
        };
        headed.push((page, chapter, lines[1..].to_vec()));
    }
    assert!(headed.len() > 10, "{} pages have a header", headed.len());
    let chapters: std::collections::BTreeSet<&str> =
        headed.iter().map(|(_, c, _)| c.as_str()).collect();
    assert!(chapters.len() > 5, "headers name {chapters:?}");
    let (mut starts, mut continues) = (0, 0);
    for (i, (page, chapter, body)) in headed.iter().enumerate() {
        match body.iter().find(|l| chapters.contains(l.as_str())) {
            Some(first) => {
                starts += 1;
                assert_eq!(chapter, first, "page {page} starts {first}");
            }
            None => {
                continues += 1;
                let (before, previous, _) = &headed[i.checked_sub(1).expect("a previous page")];
                assert_eq!(
                    chapter, previous,
                    "page {page} starts no chapter, so it continues page {before}'s"
                );
            }
        }
    }
    assert!(
        starts > 5 && continues > 3,
        "{starts} start, {continues} continue"
    );
}

/// The page each internal link on page `page` of `doc` leads to (Link
/// annotations whose action goes to a place in the same document).
fn internal_link_targets(doc: &lopdf::Document, page: u32) -> Vec<u32> {
    let pages = doc.get_pages();
    let number_of = |id: lopdf::ObjectId| pages.iter().find(|(_, p)| **p == id).map(|(n, _)| *n);
    let deref = |o: &lopdf::Object| doc.dereference(o).ok().map(|(_, o)| o.clone());
    let page_dict = doc.get_dictionary(pages[&page]).unwrap();
    let Some(lopdf::Object::Array(annots)) = page_dict.get(b"Annots").ok().and_then(deref) else {
        return Vec::new();
    };
    let mut targets = Vec::new();
    for a in &annots {
        let Some(lopdf::Object::Dictionary(a)) = deref(a) else {
            continue;
        };
        if a.get(b"Subtype").ok().and_then(|s| s.as_name().ok()) != Some(b"Link".as_slice()) {
            continue;
        }
        let dest = match a.get(b"A").ok().and_then(deref) {
            Some(lopdf::Object::Dictionary(action)) => action.get(b"D").ok().and_then(deref),
            _ => a.get(b"Dest").ok().and_then(deref),
        };
        if let Some(lopdf::Object::Array(d)) = dest
            && let Some(lopdf::Object::Reference(id)) = d.first()
            && let Some(n) = number_of(*id)
        {
            targets.push(n);
        }
    }
    targets
}

/// The Home Office report's summary of actions is a table of the 26
/// actions, each title a link to the action's page. Its links cost the
/// report a third layout pass until they kept their words on the first
/// (`in-document-link`); the table must still show every title as a link
/// that leads forward to its action.
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdftotext)"
)]
fn the_summary_of_actions_links_each_title_to_its_action_in_the_pdf() {
    let run = TestSite::example().build().success();
    let pdf = run
        .output
        .join("ending-gang-violence-one-year-on/ending-gang-violence-one-year-on.pdf");
    let words = text(&pdf);
    // The pages whose running header names the summary.
    let summary: Vec<u32> = words
        .split('\u{c}')
        .enumerate()
        .filter(|(_, page)| {
            page.lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|header| header.trim_end().ends_with("Summary of actions"))
        })
        .map(|(i, _)| i as u32 + 1)
        .collect();
    assert!(!summary.is_empty(), "the summary's pages");
    for title in ["Improve and spread the", "Work with boys and young men"] {
        assert!(
            words.contains(title),
            "an action's title in the table: {title}"
        );
    }
    let doc = lopdf::Document::load(&pdf).expect("a PDF lopdf can read");
    let last = *summary.last().unwrap();
    let targets: Vec<u32> = summary
        .iter()
        .flat_map(|&p| internal_link_targets(&doc, p))
        .collect();
    assert_eq!(
        targets.len(),
        26,
        "a link per action title, on pages {summary:?}"
    );
    assert!(
        targets.iter().all(|&t| t > last),
        "each leads forward to its action's page: {targets:?}"
    );
}

/// Every PDF file under `dir`.
fn pdf_paths(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect()
}

/// Every PDF file under `dir`, by its path inside it, with its bytes.
fn pdfs_in(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut pdfs: Vec<_> = pdf_paths(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect();
    pdfs.sort();
    pdfs
}

/// Notes in every place a chapter can hold one: a list, a table cell, a
/// callout, a case study, a quote, a note cited twice, and a note holding
/// a data table.
const NOTES_EVERYWHERE: &str = "---\ntitle: Notes everywhere\n---\n\n## Where the money went\n\n- Grants to schools.[^list]\n- Grants to clubs.[^list]\n\n| Area | Grants |\n| --- | --- |\n| North[^cell] | 4 |\n\n> [!NOTE] What changed\n> The rules were simplified.[^callout]\n\n> [!CASE-STUDY] A club\n> It stayed open.[^case]\n\n> A quoted line.[^quote]\n\nThe budget is explained in a note.[^budget]\n\n[^list]: Cited from two items of a list.\n[^cell]: Inside a table cell.\n[^callout]: Inside a callout.\n[^case]: Inside a case study.\n[^quote]: Inside a quotation.\n[^budget]: The budget in full:\n\n    > [!TABLE] budget\n";

/// The default template, told to leave the footnotes' numbers to Typst.
fn numbered_by_typst() -> String {
    let template = include_str!("../../themes/default/pdf/report.typ");
    format!(
        "{template}\n// Mentioning `set footnote` at all, even in a comment, leaves the numbers to Typst.\n"
    )
}

/// Typst numbers a footnote from its counter, known only from the second
/// layout pass, which made it shape every paragraph holding a note again;
/// rapport now gives each note its number. The PDFs must be the ones
/// Typst's own numbering makes, byte for byte. A template that numbers
/// footnotes its own way leaves their numbers to Typst, so the default
/// template saying `set footnote` in a comment is the reference.
#[test]
fn footnotes_numbered_by_rapport_give_the_pdf_that_typsts_numbering_gives() {
    let data = TestSite::fixture("fixtures/data");
    data.write("content/r/02-notes.md", NOTES_EVERYWHERE);
    // Notes in a recommendation's text and in its latest progress, with
    // each chapter's own PDF.
    let tracker = TestSite::fixture("fixtures/tracker");
    tracker.write(
        "content/progress-2020/recommendations/g-noted.md",
        "---\nnumber: 7\ntitle: Count the notes\ntheme: Leadership\nlead: Fixture Commission\ndue: 2021-03\nresponses:\n  - date: 2020-06-30\n    status: in progress\n    text: \"Counted twice.[^p]\\n\\n[^p]: Said in the progress.\"\n---\nKeep count of every note.[^t]\n\n[^t]: Said in the recommendation.\n",
    );
    let config = std::fs::read_to_string(tracker.dir.join("site.yaml")).unwrap();
    tracker.write("site.yaml", &format!("{config}pdf_per_chapter: true\n"));
    for site in [TestSite::example(), data, tracker] {
        let run = site.run(&["build", "--no-search"]).success();
        let ours = pdfs_in(&run.output);
        let safety = run
            .output
            .join("community-safety-2022-23/community-safety-2022-23.pdf");
        if safety.exists() {
            // The foreword's one note (page 4): its marker leads to the
            // note at the foot of the page, and the note's number back.
            let doc = lopdf::Document::load(&safety).unwrap();
            assert_eq!(internal_link_targets(&doc, 4), [4, 4]);
        }
        site.write("templates/report.typ", &numbered_by_typst());
        let other = site.outside().join("by-typst");
        site.run(&["build", "--no-search", "--output", other.to_str().unwrap()])
            .success();
        let typsts = pdfs_in(&other);
        assert!(!ours.is_empty());
        assert_eq!(
            ours.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            typsts.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for ((path, a), (_, b)) in ours.iter().zip(&typsts) {
            assert!(
                a == b,
                "{}: the PDF with rapport's note numbers differs from Typst's",
                path.display()
            );
        }
    }
}

/// The one place the numbers differ from Typst's own: a note on a heading
/// that the contents page lists. The contents repeat the heading with its
/// note, and Typst counted that copy, so the chapter's notes started at 2
/// (the contents page holding note 1). rapport numbers the notes of the
/// text: the chapter's run 1, 2, 3 and the contents repeat the heading's 1.
#[test]
#[cfg_attr(
    not(has_poppler),
    ignore = "needs poppler: apt-get install poppler-utils (pdfinfo, pdftotext, pdffonts)"
)]
fn a_note_on_a_heading_in_the_contents_keeps_its_number_in_the_chapter() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/02-notes.md",
        "---\ntitle: Notes on headings\n---\n\n## Where the money went[^heading]\n\nGrants to schools.[^schools] Grants to clubs.[^schools] Grants to groups.[^groups]\n\n[^heading]: On the heading.\n[^schools]: On the schools and clubs.\n[^groups]: On the groups.\n",
    );
    let ours = text(&site.build().success().output.join("r/r.pdf"));
    site.write("templates/report.typ", &numbered_by_typst());
    let other = site.outside().join("by-typst");
    site.run(&["build", "--output", other.to_str().unwrap()])
        .success();
    let typsts = text(&other.join("r/r.pdf"));
    // The chapter: from its heading on.
    let chapter = |text: &str| {
        let at = text.rfind("Where the money went").expect(text);
        text[at..].split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let (ours, typsts) = (chapter(&ours), chapter(&typsts));
    // A note cited again shows the number of its first citation.
    assert!(
        ours.starts_with(
            "Where the money went1 Grants to schools.2 Grants to clubs.2 Grants to groups.3"
        ),
        "{ours}"
    );
    assert!(
        ours.contains("1 On the heading. 2 On the schools and clubs. 3 On the groups."),
        "{ours}"
    );
    assert!(
        typsts.starts_with(
            "Where the money went2 Grants to schools.3 Grants to clubs.3 Grants to groups.4"
        ),
        "{typsts}"
    );
}
