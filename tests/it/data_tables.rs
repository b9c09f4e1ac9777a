//! Data tables: figures entered once, everything derived computed.

use crate::harness::*;

#[test]
fn totals_shares_and_inline_figures_are_computed() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let page = run.page("r/figures/index.html");
    let budget = &page.all("figure.data-table")[0];
    let text: String = budget.text().collect();
    assert!(text.contains("The unit's budget, 2019/20"));
    assert_eq!(
        page.cells("figure.data-table:nth-of-type(1) tbody td"),
        ["£3.37m", "83.5%", "£524,000", "13.0%", "£140,000", "3.5%"]
    );
    assert_eq!(
        page.cells("figure.data-table:nth-of-type(1) tfoot tr > *"),
        ["Total", "£4.03m", "100.0%"]
    );
    // The figure in the prose is the table's total, written by rapport.
    assert!(
        page.text_of(".prose > p")
            .contains("budget is £4.03m, of which the Home Office grant is £3.37m.")
    );
}

#[test]
fn differences_changes_and_directions_are_computed_and_spoken() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let page = run.page("r/figures/index.html");
    let rows: Vec<Vec<String>> = page
        .all("h2#crime ~ figure.data-table tbody tr")
        .iter()
        .take(4)
        .map(|tr| {
            tr.children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|c| {
                    c.text()
                        .collect::<String>()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect();
    // Sorted by 2023, largest first; the zero baseline gives n/a.
    assert_eq!(
        rows[0],
        [
            "Burglary",
            "1,000",
            "1,100",
            "100",
            "10.0%",
            "▲up, a deterioration"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "Robbery",
            "500",
            "450",
            "-50",
            "-10.0%",
            "▼down, an improvement"
        ]
    );
    assert_eq!(rows[2][0], "Arrests");
    assert_eq!(rows[2][1], "01 (see note 1)");
    assert_eq!(rows[2][4], "n/a");
    assert_eq!(rows[3], ["Homicide", "10", "10", "0", "0.0%", "▬no change"]);
    // Arrows are hidden from screen readers, which hear the words instead.
    assert_eq!(
        page.attr("td.dir-bad span", "aria-hidden").as_deref(),
        Some("true")
    );
    // Numbers are marked for right alignment; headers have scopes.
    assert!(!page.all("td.num").is_empty());
    assert!(page.all("figure.data-table th:not([scope])").is_empty());
    // Conventions and the accepted correction are stated under the table.
    let notes = page.cells("h2#crime ~ figure.data-table .table-note");
    assert!(
        notes.contains(&"% change: change from 2022 to 2023 as a percentage of 2022.".to_string())
    );
    assert!(notes.iter().any(|n| n.starts_with("Corrected figure. Robbery: the original printed -12.0% for % change; the figures give -10.0%.")));
}

#[test]
fn charts_are_svg_with_a_text_alternative() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let page = run.page("r/figures/index.html");
    let svg = &page.all("figure.chart-figure svg")[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert_eq!(
        page.text_of("figure.chart-figure svg desc"),
        "Mentoring: 42; Sport: 17; Education: 30"
    );
    assert_eq!(page.all("svg.chart:not(.chart-stacked) rect").len(), 3);
    // The same figures, read from the workbook, as a table.
    let tables = page.all("h2#interventions ~ figure.data-table");
    let figures: Vec<String> = tables[0]
        .select(&scraper::Selector::parse("tbody td").unwrap())
        .map(|td| td.text().collect())
        .collect();
    assert_eq!(figures, ["42", "17", "30"]);
}

#[test]
fn every_table_is_published_as_csv_and_json_with_computed_columns() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let csv = std::fs::read_to_string(run.output.join("r/data/crime.csv")).unwrap();
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "offence,y2022,y2023,difference,change,direction,rank",
            "Burglary,1000,1100,100,10,up,1",
            "Robbery,500,450,-50,-10,down,2",
            "Arrests,0,40,40,n/a,up,3",
            "Homicide,10,10,0,0,same,4",
        ]
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.output.join("r/data/budget.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["total"]["amount"], 4034000);
    assert_eq!(json["rows"][0]["part"], "Home Office grant");
    assert_eq!(json["columns"][2]["computed"], true);
    let page = run.page("r/figures/index.html");
    assert!(
        page.hrefs()
            .contains(&"../../r/data/budget.csv".to_string())
    );
    // The raw data files are not published as they were uploaded.
    assert!(!run.output.join("r/data/crime.yaml").exists());
    assert!(!run.output.join("r/data/categories.xlsx").exists());
}

#[test]
fn print_edition_repeats_table_headers_and_keeps_totals() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let page = run.page("r/print/index.html");
    assert_eq!(page.all("figure.data-table").len(), 4);
    assert_eq!(page.all("figure.data-table thead").len(), 4);
    let css = std::fs::read_to_string(run.output.join("assets/print.css")).unwrap();
    assert!(css.contains("thead { display: table-header-group; }"));
}

#[test]
fn a_stated_figure_in_prose_that_disagrees_is_an_error() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/02-wrong.md",
        "---\ntitle: Wrong\n---\nThe budget is [£4m](data:budget/total/amount).\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("content/r/02-wrong.md:4:15"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the text says £4m but budget/total/amount is £4.03m")
    );
}

#[test]
fn subtotals_follow_their_group_and_sums_are_exact() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let page = run.page("r/figures/index.html");
    let rows: Vec<String> = page
        .all("h2#regions ~ figure.data-table tr")
        .iter()
        .map(|tr| tr.text().collect::<Vec<_>>().join("|"))
        .collect();
    assert_eq!(
        rows,
        [
            "Area|Region|2022|2023|% change",
            "Leeds|North|£100|£120|20.0%",
            "York|North|£50|£40|-20.0%",
            "North subtotal|£150|£160|6.7%",
            "Bristol|South|£0.10|£0.20|100.0%",
            "South subtotal|£0.10|£0.20|100.0%",
            // 0.10 + 150 is exactly 150.10: no binary floating point.
            "Total|£150.10|£160.20|6.7%",
        ]
    );
    assert_eq!(
        page.all("h2#regions ~ figure.data-table tr.subtotal").len(),
        2
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.output.join("r/data/regions.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["subtotals"][0]["y2022"], 150);
    assert_eq!(json["total"]["y2022"], 150.1);
}

#[test]
fn a_stacked_chart_shows_parts_of_a_whole_with_a_text_legend_and_data() {
    let run = TestSite::fixture("fixtures/data").build().success();
    let page = run.page("r/figures/index.html");
    let stacked = &page.all("svg.chart-stacked")[0];
    assert_eq!(stacked.value().attr("role"), Some("img"));
    assert_eq!(page.all("svg.chart-stacked rect").len(), 3);
    assert_eq!(
        page.cells(".chart-legend li"),
        [
            "Home Office grant: £3.37m (84%)",
            "Police and Crime Commissioner: £524,000 (13%)",
            "Partner contributions: £140,000 (3%)"
        ]
    );
    // Every chart carries its figures as a table for those who want them.
    assert_eq!(
        page.all("figure.chart-figure details.chart-data table")
            .len(),
        2
    );
}

/// A chapter with a data table in a definition and another in a footnote:
/// the passes once walked neither, so both rendered as nothing.
pub const PLACED_IN_NOTES: &str = "---\ntitle: Placed elsewhere\n---\n\nThe budget is explained in a note.[^budget]\n\nFunding explained\n: > [!TABLE] budget\n\n[^budget]: The budget in full:\n\n    > [!TABLE] regions\n";

#[test]
fn table_inside_a_footnote_or_definition_is_expanded() {
    let site = TestSite::fixture("fixtures/data");
    site.write("content/r/02-notes.md", PLACED_IN_NOTES);
    let run = site.build().success();
    let page = run.page("r/notes/index.html");
    assert_eq!(
        page.cells("dd figure.data-table .table-caption"),
        ["The unit's budget, 2019/20"]
    );
    assert_eq!(
        page.cells("dd figure.data-table tfoot tr > *"),
        ["Total", "£4.03m", "100.0%"]
    );
    assert_eq!(
        page.cells(".footnotes li figure.data-table tbody th"),
        [
            "Leeds",
            "York",
            "North subtotal",
            "Bristol",
            "South subtotal"
        ]
    );
    // Its download links are resolved like any other table's.
    assert_eq!(
        page.attr(".footnotes .table-downloads a", "href")
            .as_deref(),
        Some("../../r/data/regions.csv")
    );
}

/// A CSV saved by Excel has Windows line endings; a bad cell in one was
/// reported a line early, at column 1.
#[test]
fn bad_cell_in_a_csv_with_windows_line_endings_is_reported_at_its_line_and_column() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/t.yaml",
        "caption: T\nfile: t.csv\ncolumns:\n  - key: part\n  - key: amount\n    type: money\n",
    );
    site.write(
        "content/sample/data/t.csv",
        "Part,Amount\r\nLeeds,100\r\nYork,lots\r\n",
    );
    site.write(
        "content/sample/04-t.md",
        "---\ntitle: T\n---\n\n> [!TABLE] t\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--> content/sample/data/t.csv:3:6"),
        "{}",
        run.stderr
    );
}

/// A finance export's own "Total" row was added in as data: the sentence
/// said "spent £692,340 against a budget of £691,000" (twice the truth),
/// the table had two Total rows and the chart's biggest bar was "Total".
#[test]
fn a_finance_exports_total_row_is_checked_not_added_in() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/funding.csv",
        "Area,Budget,Spent\r\nNorth,\"£120,000\",\"£121,400\"\r\nSouth,\"£225,500\",\"£224,770\"\r\nTotal,\"£345,500\",\"£346,170\"\r\n\r\n",
    );
    site.write(
        "content/r/data/funding.yaml",
        "caption: Funding by area\nfile: funding.csv\ncolumns:\n  - key: area\n  - {key: budget, type: money}\n  - {key: spent, type: money}\n",
    );
    site.write(
        "content/r/02-funding.md",
        "---\ntitle: Funding\n---\n\nWe spent [](data:funding/total/spent) against a budget of [](data:funding/total/budget).\n\n> [!TABLE] funding\n\n> [!CHART] funding\n> column: spent\n",
    );
    let run = site.build().success();
    let page = run.page("r/funding/index.html");
    assert!(
        page.text_of(".prose > p")
            .contains("We spent £346,170 against a budget of £345,500."),
        "{}",
        page.text_of(".prose > p")
    );
    assert_eq!(
        page.cells("figure.data-table tbody th"),
        ["North", "South"],
        "the Total row is not a row of data"
    );
    assert_eq!(
        page.cells("figure.data-table tfoot tr > *"),
        ["Total", "£345,500", "£346,170"]
    );
    let chart = page.text_of("figure.chart-figure svg");
    assert!(
        chart.contains("North") && !chart.contains("Total"),
        "{chart}"
    );

    // A total that does not add up stops the build at its cell.
    site.write(
        "content/r/data/funding.csv",
        "Area,Budget,Spent\nNorth,\"£120,000\",\"£121,400\"\nSouth,\"£225,500\",\"£224,770\"\nTotal,\"£345,500\",\"£364,170\"\n",
    );
    let run = site.build().exit(1);
    assert!(
        run.stderr.contains("content/r/data/funding.csv:4:18"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "the Total row gives Spent as £364,170, but the rows above it add up to £346,170"
        ),
        "{}",
        run.stderr
    );
}

/// Excel's plain "CSV" is in the Windows code page: such a file was
/// reported as "data file funding.csv not found", with four knock-on
/// errors. The fixtures are LibreOffice's exports of one sheet
/// (tests/fixtures/exports/make.sh): the workbook, its CSV in Windows-1252,
/// and its CSV in UTF-8 with a byte order mark, as Excel writes them.
#[test]
fn a_finance_sheet_builds_as_exported_whatever_the_format() {
    let site = TestSite::fixture("fixtures/data");
    let exports = fixtures().join("fixtures/exports");
    let columns = "columns:\n  - key: area\n  - {key: budget, type: money}\n  - {key: spent, type: money}\n  - {key: change, type: money}\n";
    let mut chapter = String::from("---\ntitle: Funding\n---\n\n");
    // The workbook's sheet is named after the file LibreOffice read.
    for (table, file, source) in [
        (
            "cp1252",
            "funding-windows-1252.csv",
            "file: funding-windows-1252.csv",
        ),
        ("bom", "funding-utf8-bom.csv", "file: funding-utf8-bom.csv"),
        (
            "book",
            "funding.xlsx",
            "workbook:\n  file: funding.xlsx\n  sheet: source",
        ),
        (
            "ods",
            "funding.ods",
            "workbook:\n  file: funding.ods\n  sheet: source",
        ),
    ] {
        std::fs::copy(
            exports.join(file),
            site.dir.join("content/r/data").join(file),
        )
        .unwrap();
        site.write(
            &format!("content/r/data/{table}.yaml"),
            &format!("caption: Funding ({table})\n{source}\n{columns}"),
        );
        chapter.push_str(&format!(
            "\n## {table}\n\n> [!TABLE] {table}\n\nSpent: [](data:{table}/total/spent).\n"
        ));
    }
    site.write("content/r/02-funding.md", &chapter);
    let run = site.build().success();
    // The Windows-1252 file is read, and said to be.
    assert!(
        run.stderr.contains("warning[not-utf8]")
            && run
                .stderr
                .contains("content/r/data/funding-windows-1252.csv"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("warning[not-utf8]").count(),
        1,
        "{}",
        run.stderr
    );
    let page = run.page("r/funding/index.html");
    for table in ["cp1252", "bom", "book", "ods"] {
        let figure = format!("h2#{table} + figure.data-table");
        assert_eq!(
            page.cells(&format!("{figure} tbody tr:first-child > *")),
            ["Café Quarter", "£120,000", "£121,400", "£1,400"],
            "{table}"
        );
        assert_eq!(
            page.cells(&format!("{figure} tbody tr:nth-child(2) > *"))[3],
            "-£730",
            "{table}"
        );
        assert_eq!(
            page.cells(&format!("{figure} tfoot tr > *")),
            ["Total", "£345,500", "£346,170", "£670"],
            "{table}"
        );
    }
    let prose = page.text_of(".prose");
    assert_eq!(prose.matches("Spent: £346,170.").count(), 4, "{prose}");
}

/// Statisticians write `[x]`, `[c]`, `-` or `..` where a figure is not
/// given; such a cell was rejected as "not a whole number".
#[test]
fn figures_not_given_are_shown_explained_and_never_added_in() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/offences.csv",
        "Offence,Q1,Q2\nBurglary,120,[c]\nRobbery,..,40\nFraud,12 [u],-\nStalking,[x],[x]\n",
    );
    site.write(
        "content/r/data/offences.yaml",
        "caption: Offences by quarter\nfile: offences.csv\ncolumns:\n  - key: offence\n  - {key: q1, type: integer}\n  - {key: q2, type: integer}\ncomputed:\n  - {key: change, label: Change, difference: [q2, q1]}\ntotal:\n  columns: [q1, q2]\n",
    );
    site.write(
        "content/r/02-offences.md",
        "---\ntitle: Offences\n---\n\n> [!TABLE] offences\n",
    );
    let run = site.build().success();
    let page = run.page("r/offences/index.html");
    let row = |n: usize| page.cells(&format!("figure.data-table tbody tr:nth-child({n}) > *"));
    // What a sighted reader sees and what a screen reader hears.
    assert_eq!(row(1), ["Burglary", "120", "[c]confidential", "n/a"]);
    assert_eq!(row(2), ["Robbery", "..not available", "40", "n/a"]);
    assert_eq!(
        row(3),
        ["Fraud", "12 [u]12, low reliability", "-no figure", "n/a"]
    );
    // A row with no figure at all is one cell across the row.
    assert_eq!(row(4), ["Stalking", "[x] not available"]);
    assert_eq!(
        page.attr("figure.data-table td.no-figures", "colspan")
            .as_deref(),
        Some("3")
    );
    // The total adds up the figures given, and says it leaves the rest out.
    assert_eq!(
        page.cells("figure.data-table tfoot tr > *"),
        ["Total", "132", "40", "-92"]
    );
    let notes = page.text_of("figure.data-table figcaption");
    assert!(
        notes.contains("Key: [x] not available; [c] confidential; [u] low reliability; - no figure; .. not available"),
        "{notes}"
    );
    assert!(
        notes.contains("Totals leave out the figures that are not given."),
        "{notes}"
    );
    // Open data keeps the symbols.
    let csv = std::fs::read_to_string(run.output.join("r/data/offences.csv")).unwrap();
    assert!(csv.contains("Stalking,[x],[x],n/a"), "{csv}");
}

/// Misspelt options were ignored without a word (`column:` for `columns:`,
/// `colour:`), `sort: x descending` sorted ascending, and errors about an
/// option pointed at the `> [!CHART]` line, not the option's own.
#[test]
fn every_option_is_checked_at_its_own_line() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/02-options.md",
        "---\ntitle: Options\n---\n\n> [!TABLE] crime\n> column: offence, y2023\n> total: nope\n\n> [!CHART] crime\n> column: y2023\n> colour: red\n> rows: Burglery\n",
    );
    let run = site.run(&["check"]).exit(1);
    let wanted = [
        (
            "content/r/02-options.md:6:3",
            "a table has no option `column`",
            "did you mean `columns:`?",
        ),
        (
            "content/r/02-options.md:7:3",
            "`total: nope` is neither yes nor no",
            "total: no",
        ),
        (
            "content/r/02-options.md:11:3",
            "a chart has no option `colour`",
            "a chart takes: column, type, rows, sort",
        ),
        (
            "content/r/02-options.md:12:3",
            "table `crime` has no row `Burglery`",
            "did you mean `Burglary`?",
        ),
    ];
    for (place, message, hint) in wanted {
        let at = run
            .stderr
            .find(place)
            .unwrap_or_else(|| panic!("nothing at {place}:\n{}", run.stderr));
        let before = &run.stderr[..at];
        let block = &run.stderr[before.rfind("error[").unwrap()..];
        assert!(block.contains(message), "{place}: {block}");
        assert!(
            block[..block[1..].find("error[").map_or(block.len(), |n| n + 1)].contains(hint),
            "{place}: {block}"
        );
    }
}

#[test]
fn sort_takes_a_column_with_spaces_and_a_direction_in_words() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/areas.csv",
        "Area,This year\nLeeds,120\nYork,80\nHull,[x]\nBath,200\n",
    );
    site.write(
        "content/r/data/areas.yaml",
        "caption: Areas\nfile: areas.csv\ncolumns:\n  - key: area\n  - {key: this year, type: integer}\n",
    );
    site.write(
        "content/r/02-sorted.md",
        "---\ntitle: Sorted\n---\n\n> [!TABLE] areas\n> sort: This year descending\n\n> [!TABLE] areas\n> sort: this year asc\n",
    );
    let run = site.build().success();
    let page = run.page("r/sorted/index.html");
    let first_column =
        |n: usize| page.cells(&format!("figure.data-table:nth-of-type({n}) tbody th"));
    // A figure not given goes last either way.
    assert_eq!(first_column(1), ["Bath", "Leeds", "York", "Hull"]);
    assert_eq!(first_column(2), ["York", "Leeds", "Bath", "Hull"]);
}

/// Column charts drew negative figures as upward bars, and stacked charts
/// took negative parts and printed shares such as "(100%)".
#[test]
fn charts_draw_figures_below_zero_from_a_zero_line() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/budget-change.csv",
        "Service,Change\nStreet lighting,\"-£6,400\"\nYouth services with a long name that needs room,\"£12,000\"\n",
    );
    site.write(
        "content/r/data/budget-change.yaml",
        "caption: Change in budget\nfile: budget-change.csv\ncolumns:\n  - key: service\n  - {key: change, type: money}\n",
    );
    site.write(
        "content/r/02-change.md",
        "---\ntitle: Change\n---\n\n> [!CHART] budget-change\n> column: change\n\n> [!CHART] budget-change\n> column: change\n> type: column\n",
    );
    let run = site.build().success();
    let page = run.page("r/change/index.html");
    for n in [1, 2] {
        let svg = page.all("figure.chart-figure svg")[n - 1].html();
        let zero: f64 = {
            let line = &svg[svg.find("<line").expect("a zero line")..];
            let attr = if n == 1 { "x1=\"" } else { "y1=\"" };
            let from = line.find(attr).unwrap() + attr.len();
            line[from..from + line[from..].find('"').unwrap()]
                .parse()
                .unwrap()
        };
        let rects: Vec<(f64, f64)> = svg
            .match_indices("<rect ")
            .map(|(i, _)| {
                let rect = &svg[i..i + svg[i..].find('>').unwrap()];
                let get = |a: &str| -> f64 {
                    let from = rect.find(&format!(" {a}=\"")).unwrap() + a.len() + 3;
                    rect[from..from + rect[from..].find('"').unwrap()]
                        .parse()
                        .unwrap()
                };
                if n == 1 {
                    (get("x"), get("width"))
                } else {
                    (get("y"), get("height"))
                }
            })
            .collect();
        // Horizontal: the cut ends at the zero line, the rise starts there.
        // Vertical: the cut hangs below the zero line, the rise stands on it.
        let (cut, rise) = (rects[0], rects[1]);
        if n == 1 {
            assert!(
                (cut.0 + cut.1 - zero).abs() < 0.2 && (rise.0 - zero).abs() < 0.2,
                "{svg}"
            );
        } else {
            assert!(
                (cut.0 - zero).abs() < 0.2 && (rise.0 + rise.1 - zero).abs() < 0.2,
                "{svg}"
            );
        }
        assert!(svg.contains("-£6,400"), "{svg}");
    }
    // A stacked chart cannot show a part below zero.
    site.write(
        "content/r/02-change.md",
        "---\ntitle: Change\n---\n\n> [!CHART] budget-change\n> column: change\n> type: stacked\n",
    );
    let run = site.build().exit(1);
    assert!(
        run.stderr.contains("content/r/02-change.md:7:3"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`Street lighting` is below zero (-£6,400)"),
        "{}",
        run.stderr
    );
}

/// `[!STAT] [](data:…)` failed with "needs a title", so headline figures
/// had to be typed by hand.
#[test]
fn a_headline_statistic_can_be_a_computed_figure() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/02-headline.md",
        "---\ntitle: Headline\n---\n\n> [!STAT] [](data:budget/total/amount)\n> The unit's budget for its first year.\n",
    );
    let run = site.build().success();
    let page = run.page("r/headline/index.html");
    assert_eq!(page.text_of(".stat-figure"), "£4.03m");
    assert!(
        page.text_of(".stat").contains("budget for its first year"),
        "{}",
        page.text_of(".stat")
    );
}

/// On a phone a table's caption sat inside its scrolling region, as wide as
/// the table, and was cut off at the screen's edge; now it is above the
/// region and names the table. A table too wide for the text column is
/// marked so a desktop gives it the page's width.
#[test]
fn a_tables_caption_sits_above_its_scrolling_region_and_names_the_table() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/narrow.csv",
        "Area,Budget\nNorth,100\nSouth,200\n",
    );
    site.write(
        "content/r/data/narrow.yaml",
        "caption: Budget by area\nfile: narrow.csv\ncolumns:\n  - key: area\n  - {key: budget, type: integer}\n",
    );
    site.write(
        "content/r/data/wide.csv",
        "Measure,Year to date 2023/24,Year to date 2022/23,MSG rank,Group rate per 1000,City rate per 1000,Force rank\nAnti-social behaviour incidents,6283,5143,4,12.5,13.1,2\n",
    );
    site.write(
        "content/r/data/wide.yaml",
        "caption: Crime in the city, first half of 2023/24 against 2022/23\nfile: wide.csv\ncolumns:\n  - key: measure\n  - {key: year to date 2023/24, type: integer}\n  - {key: year to date 2022/23, type: integer}\n  - {key: msg rank, type: integer}\n  - {key: group rate per 1000, type: number}\n  - {key: city rate per 1000, type: number}\n  - {key: force rank, type: integer}\ncomputed:\n  - {key: change, label: Difference, difference: [year to date 2023/24, year to date 2022/23]}\n  - {key: pct, label: \"% change\", percent_change: {value: year to date 2023/24, baseline: year to date 2022/23}}\n",
    );
    site.write(
        "content/r/02-tables.md",
        "---\ntitle: Tables\n---\n\n> [!TABLE] narrow\n\n> [!TABLE] wide\n",
    );
    let run = site.build().success();
    let page = run.page("r/tables/index.html");
    assert!(
        page.all("figure.data-table caption").is_empty(),
        "no <caption> inside the scroll"
    );
    assert!(page.all(".table-wrap .table-caption").is_empty());
    let figures = page.all("figure.data-table");
    assert_eq!(figures.len(), 2);
    for figure in &figures {
        let caption = figure
            .select(&scraper::Selector::parse("figure > p.table-caption").unwrap())
            .next()
            .expect("a caption above the region");
        let table = figure
            .select(&scraper::Selector::parse(".table-wrap > table").unwrap())
            .next()
            .unwrap();
        assert_eq!(
            table.value().attr("aria-labelledby"),
            caption.value().attr("id"),
            "the caption names the table"
        );
    }
    assert_eq!(
        page.text_of("figure.data-table-wide .table-caption"),
        "Crime in the city, first half of 2023/24 against 2022/23"
    );
    assert_eq!(
        page.all("figure.data-table-wide").len(),
        1,
        "only the wide one"
    );
    // Two tables, two distinct caption ids.
    let ids: Vec<String> = page
        .all("p.table-caption")
        .iter()
        .map(|p| p.value().attr("id").unwrap().to_string())
        .collect();
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn tables_of_records_become_cards_on_a_phone_and_grids_of_figures_scroll() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/projects.csv",
        "Project,Lead,Budget,Stage\nStreet outreach in the city centre,Community Safety Team,120000,Under way\nSupported housing checks,Housing Standards,45000,Planned\n",
    );
    site.write(
        "content/r/data/projects.yaml",
        "caption: Projects funded this year\nfile: projects.csv\ncolumns:\n  - key: project\n  - key: lead\n  - {key: budget, type: money}\n  - key: stage\n",
    );
    site.write(
        "content/r/data/grid.csv",
        "Measure,Year to date 2023/24,Year to date 2022/23,Group rate per 1000,City rate per 1000\nAnti-social behaviour incidents,6283,5143,12.5,13.1\n",
    );
    site.write(
        "content/r/data/grid.yaml",
        "caption: Crime in the city\nfile: grid.csv\ncolumns:\n  - key: measure\n  - {key: year to date 2023/24, type: integer}\n  - {key: year to date 2022/23, type: integer}\n  - {key: group rate per 1000, type: number}\n  - {key: city rate per 1000, type: number}\n",
    );
    site.write(
        "content/r/02-tables.md",
        "---\ntitle: Tables\n---\n\n> [!TABLE] projects\n\n> [!TABLE] grid\n\n> [!TABLE] projects\n> layout: scroll\n\n> [!TABLE] grid\n> layout: stacked\n",
    );
    let run = site.build().success();
    let page = run.page("r/tables/index.html");
    let stacked: Vec<bool> = page
        .all("figure.data-table")
        .iter()
        .map(|f| {
            f.value()
                .attr("class")
                .unwrap()
                .split(' ')
                .any(|c| c == "data-table-stacked")
        })
        .collect();
    // Automatic: the projects (words) stack, the grid of figures scrolls;
    // then each as asked.
    assert_eq!(stacked, [true, false, false, true]);
    let card = &page.all("figure.data-table-stacked")[0];
    let sel = |css: &str| scraper::Selector::parse(css).unwrap();
    let labels: Vec<&str> = card
        .select(&sel("tbody tr:first-child td"))
        .map(|td| td.value().attr("data-label").unwrap())
        .collect();
    assert_eq!(labels, ["Lead", "Budget", "Stage"]);
    // ARIA roles on table parts are invalid HTML (the Nu checker refuses
    // them); the table stays a table by its own elements.
    assert!(
        card.select(&sel("table[role], table [role]"))
            .next()
            .is_none()
    );
    // A scrolled table carries no labels.
    let scrolled = &page.all("figure.data-table:not(.data-table-stacked)")[0];
    assert!(scrolled.select(&sel("[data-label]")).next().is_none());
}

#[test]
fn a_layout_a_table_cannot_take_is_an_error_at_its_line() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/02-options.md",
        "---\ntitle: Options\n---\n\n> [!TABLE] crime\n> layout: sideways\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("content/r/02-options.md:6:3"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("`layout: sideways` is not a layout a table can take"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("layout: stacked"), "{}", run.stderr);
}

/// A header such as `Budget 2024/25` became the key `budget_2024/25`,
/// which no `data:` link could name, and a column could not have a key of
/// its own.
#[test]
fn a_header_that_is_not_a_key_gets_one_and_a_column_can_name_its_header() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/data/budgets.csv",
        "Area,Budget 2024/25\nNorth,100\nSouth,250\n",
    );
    site.write(
        "content/r/data/budgets.yaml",
        "caption: Budgets\nfile: budgets.csv\ncolumns:\n  - key: area\n  - {key: budget, header: Budget 2024/25, type: integer}\ntotal:\n  columns: [budget]\n",
    );
    site.write(
        "content/r/data/same.yaml",
        "caption: The same budgets\nfile: budgets.csv\ncolumns:\n  - key: area\n  - {key: Budget 2024/25, type: integer}\ntotal:\n  columns: [budget 2024/25]\n",
    );
    site.write(
        "content/r/02-keys.md",
        "---\ntitle: Keys\n---\n\nOne total is [](data:budgets/total/budget), the other [](data:same/total/budget_2024_25).\n\n> [!TABLE] budgets\n> sort: budget desc\n",
    );
    let run = site.build().success();
    let page = run.page("r/keys/index.html");
    let text = page.cells("main p").join(" ");
    assert!(text.contains("One total is 350, the other 350."), "{text}");
    // The heading shown is the file's own; the rows are sorted by the key.
    assert_eq!(
        page.cells(".data-table thead th"),
        ["Area", "Budget 2024/25"]
    );
    assert_eq!(page.cells(".data-table tbody th"), ["South", "North"]);
    // A header the file does not have is an error at its own line.
    site.write(
        "content/r/data/budgets.yaml",
        "caption: Budgets\nfile: budgets.csv\ncolumns:\n  - key: area\n  - key: budget\n    header: Budget 2025/26\n    type: integer\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("content/r/data/budgets.yaml:6:13"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("the data has no column `Budget 2025/26`"),
        "{}",
        run.stderr
    );
}

/// Seed 004 prints, in three rows, a year to date that is not the sum of
/// the two quarters beside it; the example's editors had to find them by
/// hand and footnote each. The schema now says the quarters add up, so
/// `check` finds them, and the example keeps them as printed with a note
/// on each figure.
#[test]
fn seed_004_years_to_date_that_are_not_the_sum_of_their_quarters_are_found() {
    let site = TestSite::example();
    let run = site.run(&["build", "--no-pdf", "--no-search"]).success();
    let page = run.page("community-safety-2022-23/context/index.html");
    let notes = page.cells("figure.data-table .cell-notes li");
    for (row, sum) in [
        ("Violence against the person", "30,774"),
        ("Forced marriage", "13"),
        ("Hate crime", "2,698"),
    ] {
        assert!(
            notes.iter().any(|n| n.starts_with(&format!(
                "As printed, though Apr–Jun 2023 (Q1) and Jul–Sep 2023 (Q2) add up to {sum}. Editors' note:"
            ))),
            "{row}: {notes:#?}"
        );
    }

    // Without the schema's acceptances, each is an error at its cell.
    let schema = site
        .dir
        .join("content/community-safety-2022-23/data/crime.yaml");
    let text = std::fs::read_to_string(&schema).unwrap();
    let cut = text.find("    accept:\n      - row: Violence").unwrap();
    let end = text[cut..].find("footnotes:").unwrap() + cut;
    std::fs::write(&schema, format!("{}{}", &text[..cut], &text[end..])).unwrap();
    let check = site.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    let found: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.starts_with("error[does-not-add-up]"))
        .collect();
    assert_eq!(
        found,
        [
            "error[does-not-add-up]: row `Violence against the person`: Apr–Jun 2023 (Q1) and Jul–Sep 2023 (Q2) add up to 30,774, but Year to date 2023/24 is 30,845",
            "error[does-not-add-up]: row `Forced marriage`: Apr–Jun 2023 (Q1) and Jul–Sep 2023 (Q2) add up to 13, but Year to date 2023/24 is 3",
            "error[does-not-add-up]: row `Hate crime`: Apr–Jun 2023 (Q1) and Jul–Sep 2023 (Q2) add up to 2,698, but Year to date 2023/24 is 2,414",
        ],
        "{}",
        check.stderr
    );
    assert!(
        check
            .stderr
            .contains("content/community-safety-2022-23/data/crime.csv:7:"),
        "{}",
        check.stderr
    );
}

/// A headline or a sentence can give a figure as a table would with other
/// options: the budget table shows money short (£4.03m), a sentence wants
/// it in full, a share wants one decimal place.
#[test]
fn a_figure_in_a_sentence_or_headline_takes_the_tables_format_options() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "content/r/02-headlines.md",
        "---\ntitle: Headlines\n---\n\n> [!STAT] [](data:budget/total/amount?format=full)\n> The unit's budget.\n\nThe budget is [](data:budget/total/amount) or [](data:budget/total/amount?format=full), and the grant is [](data:budget/home-office-grant/share?decimals=1) of it ([](data:budget/home-office-grant/amount?format=short&decimals=1)).\n",
    );
    let run = site.build().success();
    let page = run.page("r/headlines/index.html");
    assert_eq!(page.text_of(".stat-figure"), "£4,034,000");
    assert!(
        page.text_of(".prose")
            .contains("The budget is £4.03m or £4,034,000, and the grant is 83.5% of it (£3.4m)."),
        "{}",
        page.text_of(".prose")
    );

    // Options misspelt or out of place are errors at their line.
    site.write(
        "content/r/02-headlines.md",
        "---\ntitle: Headlines\n---\n\nA [](data:budget/total/amount?fromat=short).\n\nB [](data:budget/home-office-grant/share?format=short).\n\nC [](data:budget/total/amount?decimals=two).\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for (line, message) in [
        (5, "`fromat` is not an option of a figure"),
        (7, "`format=` is for money, and column `share` is not money"),
        (9, "`decimals=two` is not a number of decimal places"),
    ] {
        assert!(
            run.stderr
                .contains(&format!("error[bad-option]: {message}"))
                && run
                    .stderr
                    .contains(&format!("content/r/02-headlines.md:{line}:")),
            "{message}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("did you mean `format`?"),
        "{}",
        run.stderr
    );
    // At the option itself, not at the link's start.
    assert!(
        run.stderr.contains("content/r/02-headlines.md:5:31"),
        "{}",
        run.stderr
    );
}

/// How a computed column is worked out is the theme's sentence, not
/// English written in Rust: a site changes it in site.yaml, and the note
/// under the table and the open data's notes both follow.
#[test]
fn the_note_on_a_computed_column_is_a_string_a_site_can_change() {
    let site = TestSite::fixture("fixtures/data");
    site.write(
        "site.yaml",
        "title: Data Fixture\norganisation: Fixture Partnership\nstrings:\n  formula_difference: \"{column} is {a} less {b}.\"\n",
    );
    let run = site.build().success();
    let page = run.page("r/figures/index.html");
    let notes = page.cells("figure.data-table .table-note");
    assert!(
        notes.iter().any(|n| n == "Difference is 2023 less 2022."),
        "{notes:#?}"
    );
    let json = std::fs::read_to_string(run.output.join("r/data/crime.json")).unwrap();
    assert!(json.contains("\"Difference is 2023 less 2022.\""), "{json}");
}
