//! The editions to edit (`editions: [odt, docx]`): each report written as
//! an OpenDocument text file and a Word document, opened again as a word
//! processor would: the zip package, its XML parts, and, where LibreOffice
//! is installed, its text as LibreOffice reads it.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use crate::harness::*;

const SITE: &str = "title: Editions Fixture\norganisation: Fixture Council\nbase_url: https://reports.fixture.test/\nlanguage: en-GB\neditions: [odt, docx]\n";

const REPORT: &str = "title: Fixture Council annual report\nsubtitle: The year in the partnership\nkind: annual report\nperiod: 2023/24\npublished: 2024-06-30\nowner: Fixture Council\nauthors: [Policy Team]\nsummary: What the council's partnership did with its money this year.\n";

const WELCOME: &str = r#"---
title: Welcome
order: 1
---

The partnership funded **eighteen** areas with *new* money.[^source] Read the
[guidance for partners](https://www.example.org/guidance) first.

## What we did

1. Opened two youth hubs
2. Trained our staff
   - in first aid
   - in mediation
3. Wrote a new plan

- A point on its own

> A partner said the hubs changed the summer.

![A bar chart of funding by area](img/chart.png)

[^source]: Figures from the finance team, March 2024.
"#;

const MONEY: &str = r#"---
title: Money
order: 2
---

## Grants by area

| Area | Funding |
| --- | ---: |
| Oldbury | £120,000 |
| Tipton | £98,000 |

## Where the money came from

> [!TABLE] budget
"#;

const BUDGET: &str = "caption: Where the partnership's money came from, 2023/24\nrows:\n  - part: Council grant\n    amount: 300000\n  - part: Lottery fund\n    amount: 100000\ncolumns:\n  - key: part\n    label: Source\n  - key: amount\n    label: Amount\n    type: money\ntotal:\n  columns: [amount]\n";

fn site() -> TestSite {
    let site = TestSite::empty();
    site.write("site.yaml", SITE);
    site.write("content/annual/report.yaml", REPORT);
    site.write("content/annual/01-welcome.md", WELCOME);
    site.write("content/annual/02-money.md", MONEY);
    site.write("content/annual/data/budget.yaml", BUDGET);
    let png = fixtures().join("fixtures/full/content/sample/img/chart.png");
    std::fs::create_dir_all(site.dir.join("content/annual/img")).unwrap();
    std::fs::copy(png, site.dir.join("content/annual/img/chart.png")).unwrap();
    site
}

/// Every entry of a zip file, by name, in the file's order.
fn entries(file: &Path) -> (Vec<String>, HashMap<String, Vec<u8>>) {
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    let mut all = HashMap::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        names.push(e.name().to_string());
        all.insert(e.name().to_string(), data);
    }
    (names, all)
}

/// The text of the first element named `name` (any namespace) in a
/// document-properties part, or nothing.
fn property(doc: &roxmltree::Document, name: &str) -> String {
    doc.descendants()
        .find(|n| n.tag_name().name() == name)
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string()
}

fn text(parts: &HashMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(
        parts
            .get(name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone(),
    )
    .unwrap()
}

/// The text of an element and everything in it.
fn words(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";

fn attr<'a>(n: roxmltree::Node<'a, 'a>, ns: &str, name: &str) -> Option<&'a str> {
    n.attribute((ns, name))
}

#[test]
fn a_report_is_written_as_a_word_document_with_its_structure() {
    let run = site().run(&["build", "--no-pdf"]).success();
    let home = run.page("annual/index.html");
    assert!(
        home.hrefs()
            .iter()
            .any(|h| h.ends_with("annual/annual.docx")),
        "{:?}",
        home.hrefs()
    );
    assert!(
        home.text
            .contains("Download the report to edit, as a Word document")
    );
    let (_, parts) = entries(&run.output.join("annual/annual.docx"));

    // Properties and language.
    let core = text(&parts, "docProps/core.xml");
    let core = roxmltree::Document::parse(&core).unwrap();
    let prop = |name: &str| property(&core, name);
    assert_eq!(prop("title"), "Fixture Council annual report");
    assert_eq!(prop("language"), "en-GB");
    assert_eq!(prop("creator"), "Policy Team");
    assert_eq!(prop("created"), "2024-06-30T00:00:00Z");
    let styles = text(&parts, "word/styles.xml");
    assert!(styles.contains(r#"<w:lang w:val="en-GB"/>"#));
    let styles = roxmltree::Document::parse(&styles).unwrap();
    let outline = |id: &str| {
        let style = styles
            .descendants()
            .find(|n| attr(*n, W, "styleId") == Some(id))
            .unwrap_or_else(|| panic!("no style {id}"));
        let lvl = style
            .descendants()
            .find(|n| n.has_tag_name((W, "outlineLvl")));
        lvl.and_then(|l| attr(l, W, "val")).map(str::to_string)
    };
    assert_eq!(outline("Heading1").as_deref(), Some("0"));
    assert_eq!(outline("Heading2").as_deref(), Some("1"));

    let document = text(&parts, "word/document.xml");
    let doc = roxmltree::Document::parse(&document).unwrap();
    let paras: Vec<(String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = p
                .descendants()
                .find(|n| n.has_tag_name((W, "pStyle")))
                .and_then(|s| attr(s, W, "val"))
                .unwrap_or("")
                .to_string();
            (style, words(p))
        })
        .collect();
    let style_of = |t: &str| {
        paras
            .iter()
            .find(|(_, w)| w.contains(t))
            .map(|(s, _)| s.as_str())
            .unwrap_or_else(|| panic!("no paragraph with {t:?} in {paras:?}"))
    };
    assert_eq!(style_of("Fixture Council annual report"), "Title");
    assert_eq!(style_of("Welcome"), "Heading1");
    assert_eq!(style_of("What we did"), "Heading2");
    assert_eq!(style_of("Money"), "Heading1");
    assert_eq!(style_of("A partner said"), "Quote");

    // Lists: numbered, with a bulleted list inside.
    let numbering = text(&parts, "word/numbering.xml");
    let numbering = roxmltree::Document::parse(&numbering).unwrap();
    let format_of = |t: &str| {
        let p = doc
            .descendants()
            .find(|n| n.has_tag_name((W, "p")) && words(*n).contains(t))
            .unwrap();
        let val = |name: &str| {
            p.descendants()
                .find(|n| n.has_tag_name((W, name)))
                .and_then(|n| attr(n, W, "val"))
                .unwrap_or_else(|| panic!("{t:?} has no {name}"))
                .to_string()
        };
        let (level, num) = (val("ilvl"), val("numId"));
        let abs = numbering
            .descendants()
            .find(|n| n.has_tag_name((W, "num")) && attr(*n, W, "numId") == Some(&num))
            .and_then(|n| n.children().find(|c| c.has_tag_name((W, "abstractNumId"))))
            .and_then(|a| attr(a, W, "val"))
            .unwrap();
        let lvl = numbering
            .descendants()
            .find(|n| {
                n.has_tag_name((W, "abstractNum")) && attr(*n, W, "abstractNumId") == Some(abs)
            })
            .and_then(|a| {
                a.children()
                    .find(|l| l.has_tag_name((W, "lvl")) && attr(*l, W, "ilvl") == Some(&level))
            })
            .unwrap();
        let fmt = lvl
            .children()
            .find(|c| c.has_tag_name((W, "numFmt")))
            .and_then(|f| attr(f, W, "val"))
            .unwrap();
        (level, fmt.to_string())
    };
    assert_eq!(
        format_of("Opened two youth hubs"),
        ("0".into(), "decimal".into())
    );
    assert_eq!(
        format_of("Wrote a new plan"),
        ("0".into(), "decimal".into())
    );
    assert_eq!(format_of("in mediation"), ("1".into(), "bullet".into()));
    assert_eq!(
        format_of("A point on its own"),
        ("0".into(), "bullet".into())
    );

    // A table whose first row repeats as its header.
    let header = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "tblHeader")))
        .and_then(|h| h.ancestors().find(|a| a.has_tag_name((W, "tr"))))
        .expect("a header row");
    assert_eq!(words(header), "AreaFunding");
    // The data table with its computed total.
    let budget = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .map(words)
        .find(|w| w.contains("Council grant"))
        .expect("the data table");
    assert!(budget.contains("£400,000"), "{budget}");

    // A footnote with its text.
    assert!(document.contains(r#"<w:footnoteReference w:id="1"/>"#));
    let notes = text(&parts, "word/footnotes.xml");
    let notes = roxmltree::Document::parse(&notes).unwrap();
    let note = notes
        .descendants()
        .find(|n| n.has_tag_name((W, "footnote")) && attr(*n, W, "id") == Some("1"))
        .unwrap();
    assert_eq!(
        words(note).trim(),
        "Figures from the finance team, March 2024."
    );

    // A link, through the document's relationships, and a picture with its
    // description.
    let rels = text(&parts, "word/_rels/document.xml.rels");
    let link = doc
        .descendants()
        .find(|n| n.has_tag_name((W, "hyperlink")))
        .unwrap();
    assert_eq!(words(link), "guidance for partners");
    let id = link
        .attribute((
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            "id",
        ))
        .unwrap();
    assert!(
        rels.contains(&format!(
            r#"Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.example.org/guidance" TargetMode="External""#
        )),
        "{rels}"
    );
    let pic = doc
        .descendants()
        .find(|n| n.tag_name().name() == "docPr")
        .unwrap();
    assert_eq!(
        pic.attribute("descr"),
        Some("A bar chart of funding by area")
    );
    assert!(parts.contains_key("word/media/image1.png"));
}

#[test]
fn a_report_is_written_as_an_opendocument_text_file_with_its_structure() {
    let run = site().run(&["build", "--no-pdf"]).success();
    let home = run.page("annual/index.html");
    assert!(
        home.hrefs()
            .iter()
            .any(|h| h.ends_with("annual/annual.odt"))
    );
    let file = run.output.join("annual/annual.odt");
    let (names, parts) = entries(&file);
    // `mimetype` first and stored, so a program can tell the type from
    // the first bytes.
    assert_eq!(names[0], "mimetype");
    let raw = std::fs::read(&file).unwrap();
    assert_eq!(&raw[30..38], b"mimetype");
    assert_eq!(&raw[38..77], b"application/vnd.oasis.opendocument.text");
    let manifest = text(&parts, "META-INF/manifest.xml");
    roxmltree::Document::parse(&manifest).unwrap();
    assert!(manifest.contains(r#"manifest:full-path="Pictures/image1.png""#));

    let meta = text(&parts, "meta.xml");
    let meta = roxmltree::Document::parse(&meta).unwrap();
    let prop = |name: &str| property(&meta, name);
    assert_eq!(prop("title"), "Fixture Council annual report");
    assert_eq!(prop("language"), "en-GB");
    assert_eq!(prop("subject"), "The year in the partnership");

    let styles = text(&parts, "styles.xml");
    assert!(styles.contains(r#"fo:language="en" fo:country="GB""#));
    assert!(styles.contains(r#"style:name="Heading_20_2" style:display-name="Heading 2""#));

    let content = text(&parts, "content.xml");
    let doc = roxmltree::Document::parse(&content).unwrap();
    let heading = |t: &str| {
        let h = doc
            .descendants()
            .find(|n| n.has_tag_name((TEXT, "h")) && words(*n) == t)
            .unwrap_or_else(|| panic!("no heading {t:?}"));
        (
            attr(h, TEXT, "outline-level").unwrap().to_string(),
            attr(h, TEXT, "style-name").unwrap().to_string(),
        )
    };
    assert_eq!(heading("Welcome"), ("1".into(), "Heading_20_1".into()));
    assert_eq!(heading("What we did"), ("2".into(), "Heading_20_2".into()));

    // A numbered list with a bulleted list inside its second item.
    let item = doc
        .descendants()
        .find(|n| n.has_tag_name((TEXT, "p")) && words(*n) == "in first aid")
        .unwrap();
    let lists: Vec<&str> = item
        .ancestors()
        .filter(|a| a.has_tag_name((TEXT, "list")))
        .filter_map(|l| attr(l, TEXT, "style-name"))
        .collect();
    assert_eq!(lists, ["LB", "LN"]);
    let outer = item
        .ancestors()
        .filter(|a| a.has_tag_name((TEXT, "list")))
        .nth(1)
        .unwrap();
    assert!(words(outer).contains("Opened two youth hubs"));
    assert!(words(outer).contains("Wrote a new plan"));

    let header = doc
        .descendants()
        .find(|n| n.has_tag_name((TABLE, "table-header-rows")))
        .expect("a header row");
    assert_eq!(words(header), "AreaFunding");
    let note = doc
        .descendants()
        .find(|n| n.has_tag_name((TEXT, "note-body")))
        .unwrap();
    assert_eq!(words(note), "Figures from the finance team, March 2024.");
    let link = doc
        .descendants()
        .find(|n| n.has_tag_name((TEXT, "a")))
        .unwrap();
    assert_eq!(
        link.attribute(("http://www.w3.org/1999/xlink", "href")),
        Some("https://www.example.org/guidance")
    );
    let svg = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name((svg, "desc")))
        .unwrap();
    assert_eq!(desc.text(), Some("A bar chart of funding by area"));
    assert!(parts.contains_key("Pictures/image1.png"));
}

#[test]
fn the_editions_are_the_same_bytes_every_build_and_off_by_default() {
    let site = site();
    let first = site.run(&["build", "--no-pdf"]).success();
    let odt = std::fs::read(first.output.join("annual/annual.odt")).unwrap();
    let docx = std::fs::read(first.output.join("annual/annual.docx")).unwrap();
    let again = site.run(&["build", "--no-pdf"]).success();
    assert!(odt == std::fs::read(again.output.join("annual/annual.odt")).unwrap());
    assert!(docx == std::fs::read(again.output.join("annual/annual.docx")).unwrap());

    site.write("site.yaml", &SITE.replace("editions: [odt, docx]\n", ""));
    let off = site.run(&["build", "--no-pdf"]).success();
    assert!(!off.output.join("annual/annual.odt").exists());
    assert!(!off.output.join("annual/annual.docx").exists());
    assert!(!off.page("annual/index.html").text.contains("to edit"));
}

#[test]
fn an_edition_rapport_cannot_write_is_an_error_at_its_place() {
    let site = site();
    site.write("site.yaml", &SITE.replace("[odt, docx]", "[odt, rtf]"));
    let run = site.run(&["build", "--no-pdf"]).exit(2);
    assert!(
        run.stderr.contains("error[unknown-edition]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("site.yaml:5:17"), "{}", run.stderr);
    assert!(
        run.stderr.contains("editions: [odt, docx]"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_word_document_imports_back_into_rapport() {
    let site = site();
    let run = site.run(&["build", "--no-pdf"]).success();
    let docx = run.output.join("annual/annual.docx");
    let other = TestSite::empty();
    other.write(
        "site.yaml",
        "title: Round trip\norganisation: Fixture Council\n",
    );
    let imported = other
        .run(&["import", docx.to_str().unwrap(), "--report", "again"])
        .success();
    assert!(imported.stderr.contains("no errors"), "{}", imported.stderr);
    let yaml = std::fs::read_to_string(other.dir.join("content/again/report.yaml")).unwrap();
    assert!(
        yaml.contains("title: Fixture Council annual report"),
        "{yaml}"
    );
    let mut chapters = Vec::new();
    for entry in std::fs::read_dir(other.dir.join("content/again")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            chapters.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let titled = |t: &str| {
        chapters
            .iter()
            .find(|c| c.contains(&format!("title: {t}\n")))
    };
    let welcome = titled("Welcome").unwrap_or_else(|| panic!("{chapters:?}"));
    assert!(titled("Money").is_some(), "{chapters:?}");
    assert!(
        welcome.contains("Figures from the finance team, March 2024."),
        "{welcome}"
    );
    assert!(welcome.contains("## What we did"), "{welcome}");
}

/// LibreOffice reads both files back: their words are there, in order.
/// (Its text export leaves footnotes out; the tests above read them.)
#[test]
#[cfg_attr(
    not(has_soffice),
    ignore = "needs LibreOffice: apt-get install libreoffice-writer (soffice)"
)]
fn libreoffice_reads_the_words_of_both_editions() {
    let run = site().run(&["build", "--no-pdf"]).success();
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    for ext in ["odt", "docx"] {
        let file = run.output.join(format!("annual/annual.{ext}"));
        let status = std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.path().display()
            ))
            .args(["--headless", "--convert-to", "txt:Text (encoded):UTF8"])
            .arg("--outdir")
            .arg(out.path())
            .arg(&file)
            .output()
            .expect("run soffice");
        assert!(status.status.success(), "{status:?}");
        let txt = std::fs::read_to_string(out.path().join("annual.txt")).unwrap();
        let mut at = 0;
        for expected in [
            "Fixture Council annual report",
            "Welcome",
            "eighteen",
            "guidance for partners",
            "What we did",
            "Trained our staff",
            "in mediation",
            "A partner said the hubs changed the summer.",
            "Money",
            "Oldbury",
            "Council grant",
            "£400,000",
        ] {
            let found = txt[at..].find(expected);
            assert!(
                found.is_some(),
                "{ext}: {expected:?} after byte {at} in\n{txt}"
            );
            at += found.unwrap();
        }
        std::fs::remove_file(out.path().join("annual.txt")).unwrap();
    }
}
