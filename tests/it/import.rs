//! `rapport import`: a Word document (made by LibreOffice from
//! tests/fixtures/word/*.fodt, see make.sh there) becomes a draft report
//! that builds, read back as a reader gets it.

use crate::harness::*;

const SITE: &str = "title: Import Fixture\norganisation: Fixture Partnership\nbase_url: https://reports.fixture.test/\n";
const REPORT: &str = "content/fixture-partnership-annual-report-2024-25";

fn site() -> TestSite {
    let site = TestSite::empty();
    site.write("site.yaml", SITE);
    site
}

fn docx() -> String {
    fixtures()
        .join("fixtures/word/annual-report.docx")
        .display()
        .to_string()
}

/// Fails naming the first of `expected` that `text` lacks, with the text.
fn contains_all(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "{e:?} in\n{text}");
    }
}

fn read(site: &TestSite, path: &str) -> String {
    std::fs::read_to_string(site.dir.join(path)).unwrap()
}

#[test]
fn a_word_document_becomes_a_draft_report_that_builds() {
    let site = site();
    let run = site.run(&["import", &docx()]).success();
    // The import report: what was made, and what was not carried over.
    assert!(
        run.stderr
            .contains("3 chapter(s), 2 note(s), 1 table(s) of words"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("computes and checks"), "{}", run.stderr);
    // Which table became which.
    contains_all(
        &run.stderr,
        &[
            "table 1 (\"Spending by project, 2024/25\", in 03-what-we-did.md): a data table, data/table-1.csv",
            "table 2 (\"Table 2\", in 03-what-we-did.md): a Markdown table",
        ],
    );
    assert!(
        run.stderr.contains("paragraph 4: comments were left out"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no errors: the site builds"),
        "{}",
        run.stderr
    );

    let yaml = read(&site, &format!("{REPORT}/report.yaml"));
    assert!(
        yaml.contains("title: Fixture Partnership annual report 2024/25\n"),
        "{yaml}"
    );
    assert!(yaml.contains("published: 2025-06-30\n"), "{yaml}");
    assert!(yaml.contains("draft: true"), "{yaml}");
    assert!(yaml.contains("authors: [Fixture Partnership]"), "{yaml}");
    // Chapters split at Heading 1, text before the first heading kept.
    let intro = read(&site, &format!("{REPORT}/01-introduction.md"));
    assert!(
        intro.contains("This page comes before the first heading."),
        "{intro}"
    );
    let foreword = read(&site, &format!("{REPORT}/02-foreword-by-the-chair.md"));
    assert!(
        foreword.starts_with("---\ntitle: Foreword by the chair\norder: 2\n---\n"),
        "{foreword}"
    );
    assert!(
        foreword.contains("met **six times** this year and agreed a *new plan*.[^1]"),
        "{foreword}"
    );
    assert!(
        foreword.contains("[full plan](https://example.org/plan)"),
        "{foreword}"
    );
    assert!(
        foreword.contains("> Working together keeps people safer."),
        "{foreword}"
    );
    assert!(
        foreword.contains("\n[^1]: Minutes of each meeting"),
        "{foreword}"
    );
    let work = read(&site, &format!("{REPORT}/03-what-we-did.md"));
    contains_all(
        &work,
        &[
            "## Our priorities",
            "- Reduce repeat victims\n    - Support for older people\n- Tackle anti-social behaviour",
            "1. Publish the new plan\n1. Report on progress in spring",
            // Each chapter's notes are numbered from 1.
            "Spending is set out below.[^1]",
            // A table of figures becomes a data table, its caption from the
            // Caption paragraph; a table of words stays a Markdown table.
            "Spending is set out below.[^1]\n\n> [!TABLE] table-1\n",
            "| Partner | Leads on |\n| --- | --- |\n| City council | Housing and licensing |",
            "![The partnership logo](image1.png)",
            // Markdown's own characters in the text stay text.
            "Costs in 2\\*3 areas used a\\_b codes.",
        ],
    );
    assert!(site.dir.join(REPORT).join("image1.png").is_file());
    let schema = read(&site, &format!("{REPORT}/data/table-1.yaml"));
    assert!(
        schema.starts_with("caption: \"Spending by project, 2024/25\"\nfile: table-1.csv\n"),
        "{schema}"
    );
    assert!(
        schema.contains("  - key: spent\n    header: Spent (£)\n    type: money\n"),
        "{schema}"
    );
    let csv = read(&site, &format!("{REPORT}/data/table-1.csv"));
    assert_eq!(
        csv,
        "Project,Spent (£)\nStreet outreach,\"12,500\"\nYouth work | sport,\"8,250\"\nTotal,\"20,750\"\n"
    );

    // Published, it reads as the document did.
    let site_yaml =
        read(&site, &format!("{REPORT}/report.yaml")).replace("draft: true", "period: 2024/25");
    site.write(&format!("{REPORT}/report.yaml"), &site_yaml);
    let run = site.run(&["build", "--no-pdf"]).success();
    let slug = "fixture-partnership-annual-report-2024-25";
    let page = run.page(&format!("{slug}/what-we-did/index.html"));
    assert_eq!(page.text_of("h2#our-priorities"), "Our priorities");
    assert!(
        page.cells("tbody th")
            .contains(&"Youth work | sport".to_string()),
        "{:?}",
        page.cells("tbody th")
    );
    assert_eq!(
        page.attr(".prose img", "alt").as_deref(),
        Some("The partnership logo")
    );
    assert!(
        page.text_of(".footnotes")
            .contains("Figures are rounded to the nearest pound.")
    );
    let foreword = run.page(&format!("{slug}/foreword-by-the-chair/index.html"));
    assert_eq!(foreword.text_of(".prose strong"), "six times");
    assert!(
        foreword
            .hrefs()
            .contains(&"https://example.org/plan".to_string())
    );
    assert_eq!(
        foreword.text_of("blockquote"),
        "Working together keeps people safer."
    );

    // A total the document got wrong is caught, as in any data table.
    let wrong = csv.replace("\"20,750\"", "\"20,500\"");
    site.write(&format!("{REPORT}/data/table-1.csv"), &wrong);
    let check = site.run(&["check"]).exit(1);
    assert!(check.stderr.contains("stated-mismatch"), "{}", check.stderr);
}

#[test]
fn import_never_overwrites_a_report() {
    let site = site();
    site.run(&["import", &docx()]).success();
    let before = read(&site, &format!("{REPORT}/02-foreword-by-the-chair.md"));
    site.write(&format!("{REPORT}/02-foreword-by-the-chair.md"), "edited\n");
    let again = site.run(&["import", &docx()]).exit(2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(
        read(&site, &format!("{REPORT}/02-foreword-by-the-chair.md")),
        "edited\n"
    );
    // Under another name it is a second report, the first untouched.
    site.run(&[
        "import",
        &docx(),
        "--report",
        "second-copy",
        "--title",
        "Second copy",
    ])
    .success();
    assert!(read(&site, "content/second-copy/report.yaml").starts_with("title: Second copy\n"));
    assert!(!before.is_empty());
}

#[test]
fn a_file_that_is_not_a_word_document_is_refused_in_words() {
    let site = site();
    site.write("notes.docx", "just some text\n");
    let run = site.run(&["import", "notes.docx"]).exit(2);
    assert!(
        run.stderr.contains("it is not a zip package"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("save it again as .docx"),
        "{}",
        run.stderr
    );

    // A zip without Word's document: a spreadsheet, say.
    let path = site.dir.join("budget.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"<workbook/>").unwrap();
    zip.finish().unwrap();
    let run = site.run(&["import", "budget.docx"]).exit(2);
    assert!(
        run.stderr.contains("it has no word/document.xml"),
        "{}",
        run.stderr
    );

    site.write("report.pdf", "%PDF-1.7\n");
    let run = site.run(&["import", "report.pdf"]).exit(2);
    assert!(
        run.stderr.contains("imports Word documents saved as .docx"),
        "{}",
        run.stderr
    );
    assert!(!site.dir.join("content").exists(), "nothing was written");
}

fn fixture_docx(name: &str) -> String {
    fixtures()
        .join(format!("fixtures/word/{name}.docx"))
        .display()
        .to_string()
}

/// Publishes the imported draft (a report in a draft builds only with
/// `--drafts`; a reader sees the published one).
fn publish(site: &TestSite, report: &str) {
    let yaml = read(site, &format!("{report}/report.yaml")).replace("draft: true", "period: 2025");
    site.write(&format!("{report}/report.yaml"), &yaml);
}

#[test]
fn action_headings_and_a_summary_of_actions_table_become_actions_with_leads() {
    let site = site();
    let run = site
        .run(&["import", &fixture_docx("action-plan")])
        .success();
    let report = "content/fixture-youth-violence-action-plan";
    assert!(
        run.stderr
            .contains("3 action(s) became tracker items in recommendations.yaml"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "the table \"Summary of actions and leads\": 3 actions in recommendations.yaml, in 03-summary-of-actions.md"
        ),
        "{}",
        run.stderr
    );
    // A due date rapport cannot read is named, not guessed.
    assert!(
        run.stderr
            .contains("Item 3's due date \"Before the summer\" is not a date rapport reads"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no errors: the site builds"),
        "{}",
        run.stderr
    );
    assert!(read(&site, &format!("{report}/report.yaml")).contains("item_label: Action\n"));
    let items = read(&site, &format!("{report}/recommendations.yaml"));
    contains_all(
        &items,
        &[
            // From its heading, with the words under it; the lead, theme and
            // due date from the summary table.
            // Its footnote goes with it.
            "- number: 1\n  title: Open two youth hubs\n  theme: Places for young people\n  lead: City council\n  due: 2026-03\n  text: |\n    Open hubs in the north and the east of the city, each staffed in the evenings.[^1]\n\n    [^1]: The sites are chosen with young people in the spring.\n",
            // A dash after the number, a list in its words, two leads.
            "- number: 2\n  title: Train staff in trauma-informed practice\n  theme: Workforce\n  lead: [Health board, Schools forum]\n  due: 2026-07-31\n  text: |\n    Offer the course to every youth worker and school nurse.\n\n    - Two places a term for each school\n",
            // Only in the table: its row gives its words.
            "- number: 3\n  title: Publish a directory of youth services\n  theme: Workforce\n  lead: City council\n  text: |\n    Publish a directory of youth services\n",
        ],
    );
    // The chapters list the items where their words were; the summary
    // table becomes the report's summary of actions, by theme.
    let actions = read(&site, &format!("{report}/02-our-actions.md"));
    assert!(
        actions.contains(
            "- [](rec:1): Open two youth hubs\n- [](rec:2): Train staff in trauma-informed practice"
        ),
        "{actions}"
    );
    assert!(
        !actions.contains("each staffed in the evenings"),
        "{actions}"
    );
    let summary = read(&site, &format!("{report}/03-summary-of-actions.md"));
    assert!(
        summary.contains(
            "Each action has one lead partner.\n\n> [!ACTIONS] Summary of actions and leads"
        ),
        "{summary}"
    );

    publish(&site, report);
    let run = site.run(&["build", "--no-pdf"]).success();
    let slug = "fixture-youth-violence-action-plan";
    let tracker = run.page(&format!("{slug}/actions/index.html"));
    let text = tracker.text_of("main");
    contains_all(
        &text,
        &[
            "Open two youth hubs",
            "Health board",
            "Publish a directory of youth services",
        ],
    );
    let item = run.page(&format!("{slug}/actions/2/index.html"));
    assert!(
        item.text_of("main")
            .contains("Two places a term for each school"),
        "{}",
        item.text_of("main")
    );
    let first = run.page(&format!("{slug}/actions/1/index.html"));
    assert!(
        first
            .text_of(".footnotes")
            .contains("The sites are chosen with young people in the spring."),
        "{}",
        first.text_of("main")
    );
    let summary = run.page(&format!("{slug}/summary-of-actions/index.html"));
    let headings = summary.text_of("main");
    assert!(headings.contains("Places for young people"), "{headings}");
    assert!(headings.contains("Workforce"), "{headings}");
    let chapter = run.page(&format!("{slug}/our-actions/index.html"));
    assert!(
        chapter.hrefs().iter().any(|h| h.ends_with("actions/1/")),
        "{:?}",
        chapter.hrefs()
    );
}

#[test]
fn a_numbered_list_under_recommendations_becomes_recommendations() {
    let site = site();
    let run = site.run(&["import", &fixture_docx("review")]).success();
    let report = "content/fixture-review-of-night-time-safety";
    assert!(
        run.stderr
            .contains("3 recommendation(s) became tracker items"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("2 item title(s) are the first words of the item"),
        "{}",
        run.stderr
    );
    assert!(!read(&site, &format!("{report}/report.yaml")).contains("item_label"));
    let items = read(&site, &format!("{report}/recommendations.yaml"));
    contains_all(
        &items,
        &[
            // A bold lead-in is the title.
            "- number: 1\n  title: Publish one plan\n  text: |\n    The partners should publish a single night-time safety plan each year.\n",
            // Otherwise the first sentence, cut where it is long.
            "- number: 2\n  title: \"Extend the late-night bus to the two largest estates, so that people…\"\n",
            // A nested list stays with its item.
            "- number: 3\n  title: Train door staff\n  text: |\n    Train door staff.\n\n    1. Cover spotting people at risk\n",
        ],
    );
    let chapter = read(&site, &format!("{report}/02-recommendations-chapter.md"));
    assert!(
        chapter.contains("The review makes three recommendations.\n\n> [!RECOMMENDATIONS]"),
        "{chapter}"
    );
    // The heading over a list of what is not recommendations keeps it.
    let next = read(&site, &format!("{report}/03-next-steps.md"));
    assert!(
        next.contains("The board will consider the review in June."),
        "{next}"
    );

    publish(&site, report);
    let run = site.run(&["build", "--no-pdf"]).success();
    let slug = "fixture-review-of-night-time-safety";
    // A chapter cannot take the tracker's address, so it is renamed.
    let chapter = run.page(&format!("{slug}/recommendations-chapter/index.html"));
    let listed = chapter.text_of("main");
    assert!(listed.contains("Publish one plan"), "{listed}");
    assert!(listed.contains("Train door staff"), "{listed}");
    let item = run.page(&format!("{slug}/recommendations/1/index.html"));
    assert!(
        item.text_of("main")
            .contains("publish a single night-time safety plan each year"),
        "{}",
        item.text_of("main")
    );
}

#[test]
fn paragraphs_a_board_paper_numbers_are_numbered_by_rapport() {
    // A Word file written here: Word's own numbering 3.1, 3.2 on body
    // paragraphs (a list level whose number has two parts).
    let site = site();
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let para = |text: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Decision</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Purpose</w:t></w:r></w:p>"#.to_string(),
        para("The board is asked to note the paper."),
        para("The board is asked to agree the budget."),
    ]
    .concat();
    let files = [
        (
            "word/document.xml",
            format!("<w:document {w}><w:body>{body}</w:body></w:document>"),
        ),
        (
            "word/numbering.xml",
            format!(
                r#"<w:numbering {w}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
            ),
        ),
    ];
    let path = site.dir.join("paper.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (name, text) in &files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    site.run(&["import", "paper.docx", "--title", "Board paper"])
        .success();
    let chapter = read(&site, "content/board-paper/01-decision.md");
    assert!(
        chapter.starts_with("---\ntitle: Decision\norder: 1\nnumbered: true\n---\n\n## Purpose\n\nThe board is asked to note the paper.\n\nThe board is asked to agree the budget."),
        "{chapter}"
    );
    publish(&site, "content/board-paper");
    let run = site.run(&["build", "--no-pdf"]).success();
    let page = run.page("board-paper/decision/index.html");
    assert_eq!(
        page.cells("p.numbered .para-number"),
        ["1.1", "1.2"],
        "{}",
        page.text_of("main")
    );
}

/// A Word document whose one chapter holds a column chart of two series,
/// with the figures Word keeps in the chart (the last one left blank).
fn docx_with_chart(path: &std::path::Path) {
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    const C: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";
    let series = |name: &str, column: char, values: &[&str]| {
        let points: String = values
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .map(|(i, v)| format!(r#"<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>"#))
            .collect();
        format!(
            r#"<c:ser><c:tx><c:strRef><c:f>Sheet1!${column}$1</c:f><c:strCache><c:pt idx="0"><c:v>{name}</c:v></c:pt></c:strCache></c:strRef></c:tx><c:cat><c:strRef><c:f>Sheet1!$A$2:$A$4</c:f><c:strCache><c:ptCount val="3"/><c:pt idx="0"><c:v>North</c:v></c:pt><c:pt idx="1"><c:v>South</c:v></c:pt><c:pt idx="2"><c:v>West</c:v></c:pt></c:strCache></c:strRef></c:cat><c:val><c:numRef><c:f>Sheet1!${column}$2:${column}$4</c:f><c:numCache><c:ptCount val="3"/>{points}</c:numCache></c:numRef></c:val></c:ser>"#
        )
    };
    let parts = [
        (
            "word/document.xml",
            format!(
                r#"<w:document xmlns:w="{W}"><w:body><w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Funding</w:t></w:r></w:p><w:p><w:r><w:t>Each area's grant, by year.</w:t></w:r></w:p><w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><wp:docPr id="1" name="Chart 1"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="{C}"><c:chart xmlns:c="{C}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId7"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p></w:body></w:document>"#
            ),
        ),
        (
            "word/_rels/document.xml.rels",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "word/charts/chart1.xml",
            format!(
                r#"<c:chartSpace xmlns:c="{C}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Grants by area</a:t></a:r></a:p></c:rich></c:tx></c:title><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/>{}{}</c:barChart><c:catAx/><c:valAx/></c:plotArea></c:chart></c:chartSpace>"#,
                series("2023/24", 'B', &["120000", "95000", "40500"]),
                series("2024/25", 'C', &["130000", "90000", ""]),
            ),
        ),
        (
            "docProps/core.xml",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Chart Fixture Report</dc:title></cp:coreProperties>"#.to_string(),
        ),
    ];
    write_docx(path, &parts);
}

/// A .docx at `path` holding `parts` (a name in the package, its XML).
fn write_docx(path: &std::path::Path, parts: &[(&str, String)]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// Regression: a review whose recommendations are its top-level headings
/// ("Recommendation 1: ...", Heading 1) was imported as a chapter per
/// recommendation rather than as recommendations.
#[test]
fn recommendations_as_top_level_headings_become_items_not_chapters() {
    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let heading = |t: &str| {
        format!(r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#)
    };
    let para = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
    let body = [
        heading("Recommendation 1: Publish the plan"),
        para("The partnership should publish its plan each spring."),
        heading("Recommendation 2: Train staff"),
        para("Every frontline officer should be trained within the year."),
        heading("Next steps"),
        para("The board reviews progress in March."),
    ]
    .concat();
    let site = site();
    let file = site.outside().join("review.docx");
    write_docx(
        &file,
        &[
            (
                "word/document.xml",
                format!(r#"<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#),
            ),
            (
                "docProps/core.xml",
                r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Heading Review</dc:title></cp:coreProperties>"#.to_string(),
            ),
        ],
    );
    let run = site.run(&["import", file.to_str().unwrap()]).success();
    let report = "content/heading-review";
    assert!(
        run.stderr
            .contains("2 recommendation(s) became tracker items"),
        "{}",
        run.stderr
    );
    let files: Vec<String> = std::fs::read_dir(site.dir.join(report))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&"02-next-steps.md".to_string()), "{files:?}");
    let items = read(&site, &format!("{report}/recommendations.yaml"));
    contains_all(
        &items,
        &[
            "Publish the plan",
            "publish its plan each spring",
            "Train staff",
        ],
    );
    publish(&site, report);
    site.build().success();
}

#[test]
fn a_chart_is_drawn_again_from_the_figures_word_keeps_with_it() {
    let site = site();
    let file = site.outside().join("chart.docx");
    docx_with_chart(&file);
    let run = site.run(&["import", file.to_str().unwrap()]).success();
    let report = "content/chart-fixture-report";
    assert!(
        run.stderr.contains(
            "a chart (\"Grants by area\", in 01-funding.md): drawn by rapport from data/table-1.csv, the figures Word keeps with the chart; it draws the first of the chart's 2 series"
        ),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("a chart was left out"),
        "{}",
        run.stderr
    );
    let chapter = read(&site, &format!("{report}/01-funding.md"));
    assert!(
        chapter.contains("> [!CHART] table-1\n> column: column_2\n> type: column"),
        "{chapter}"
    );
    // A figure the chart does not have is an empty cell, not a nought.
    let csv = read(&site, &format!("{report}/data/table-1.csv"));
    contains_all(
        &csv,
        &[
            "Category,2023/24,2024/25",
            "North,120000,130000",
            "West,40500,\n",
        ],
    );
    publish(&site, report);
    let built = site.build().success();
    let page = built.page("chart-fixture-report/funding/index.html");
    let svg = page.text_of("svg");
    contains_all(&svg, &["Grants by area", "North", "120,000", "40,500"]);
}
