//! Recommendations, actions and decisions: what readers see of them.

use crate::harness::*;

#[test]
fn tracker_lists_items_in_natural_order_whatever_the_file_names() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/index.html");
    assert_eq!(
        page.cells(".tracker-table tbody td:first-child"),
        ["1", "2", "3", "4", "4.9", "4.10"]
    );
    assert_eq!(page.text_of("h1"), "Recommendations");
    // Last update is the newest response's date, not the last written.
    let row2 = page.cells(".tracker-table tbody tr:nth-child(2) td");
    assert_eq!(row2[0], "2");
    assert_eq!(row2[1], "Fixture Council, Fixture Police");
    assert_eq!(row2[2], "Carried forward");
    assert_eq!(row2[3], "30 November 2020");
}

#[test]
fn tracker_counts_statuses_as_text_and_as_an_accessible_chart() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/index.html");
    let counts = page.cells(".status-summary .status-counts li");
    assert_eq!(
        counts,
        [
            "Not started 1 – No work has begun on this yet.",
            "In progress 1 – Work has begun and is continuing.",
            "Implemented 1 – The recommendation has been carried out in full.",
            "Carried forward 1 – The work continues under another body or in a later plan.",
            // Two items with no status and no response: the report says
            // nothing of them, which is not "not started".
            "No update reported 2 – The report gives no update on this yet.",
        ]
        .map(|s| s.to_string())
    );
    let svg = &page.all("svg.chart")[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert_eq!(page.text_of("svg title"), "Recommendations by status");
    assert_eq!(
        page.text_of("svg desc"),
        "Not started: 1; In progress: 1; Implemented: 1; Carried forward: 1; No update reported: 2"
    );
    assert_eq!(page.all("svg rect").len(), 5);
    // The report's home page carries the same counts.
    let home = run.page("progress-2020/index.html");
    assert!(
        home.text_of(".tracker-summary")
            .contains("tracks 6 recommendations")
    );
}

/// The built-in statuses' words are interface strings, not English in
/// Rust: a site in another language changes them in site.yaml, and its
/// sources may still write the status by its key or its English label.
#[test]
fn the_built_in_statuses_are_strings_a_site_can_change() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "site.yaml",
        "title: Tracker Fixture\norganisation: Fixture Commission\nbase_url: https://example.org/reports/\nstrings:\n  status_in_progress: Ar y gweill\n  status_in_progress_description: Mae'r gwaith wedi dechrau.\n",
    );
    let run = site.build().success();
    let page = run.page("progress-2020/recommendations/index.html");
    let counts = page.cells(".status-summary .status-counts li");
    assert!(
        counts.contains(&"Ar y gweill 1 – Mae'r gwaith wedi dechrau.".to_string()),
        "{counts:#?}"
    );
    let main = page.text_of("main");
    assert!(!main.contains("In progress"), "{main}");
}

#[test]
fn filter_pages_work_without_javascript() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/status/in-progress/index.html");
    assert_eq!(
        page.text_of("h1"),
        "Recommendations with status In progress"
    );
    assert_eq!(page.cells(".tracker-table tbody td:first-child"), ["4.10"]);
    assert!(page.text_of(".filter-summary").contains("Showing 1 of 6"));
    let lead = run.page("progress-2020/recommendations/lead/fixture-police/index.html");
    assert_eq!(
        lead.cells(".tracker-table tbody td:first-child"),
        ["2", "4.9", "4.10"]
    );
    let theme = run.page("progress-2020/recommendations/theme/prevention/index.html");
    assert_eq!(
        theme.cells(".tracker-table tbody td:first-child"),
        ["2", "3"]
    );
    // Every filter link on the tracker leads to a page that exists.
    let tracker = run.page("progress-2020/recommendations/index.html");
    for href in tracker.hrefs() {
        if href.starts_with("status/") || href.starts_with("theme/") || href.starts_with("lead/") {
            let file = run
                .output
                .join("progress-2020/recommendations")
                .join(&href)
                .join("index.html");
            assert!(file.exists(), "{href} has no page");
        }
    }
    // The enhancement has data to filter on, and stays hidden without JS.
    assert_eq!(
        tracker
            .attr(".tracker-table tbody tr:nth-child(2)", "data-lead")
            .as_deref(),
        Some("fixture-council fixture-police")
    );
    assert!(tracker.attr(".tracker-filter-form", "hidden").is_some());
    assert!(run.output.join("assets/tracker.js").exists());
}

#[test]
fn item_page_shows_text_status_lead_due_and_every_response_newest_first() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/2/index.html");
    assert_eq!(
        page.text_of("h1"),
        "Recommendation 2 Mentoring for young people"
    );
    assert_eq!(
        page.cells(".item-facts dt"),
        ["Status", "Lead", "Theme", "Due", "Last update"]
    );
    assert_eq!(
        page.cells(".item-facts dd"),
        [
            "Carried forward",
            "Fixture Council, Fixture Police",
            "Prevention",
            "31 December 2020",
            "30 November 2020"
        ]
    );
    assert!(
        page.text_of(".item-text")
            .contains("Set up a mentoring scheme")
    );
    assert_eq!(
        page.cells(".response h3"),
        [
            "Final report, November 2020: Carried forward",
            "March 2020: In progress",
            "31 March 2019: Not started"
        ]
    );
    assert_eq!(
        page.attr(".response h3 time", "datetime").as_deref(),
        Some("2020-11-30")
    );
    // Previous and next follow the natural order.
    assert_eq!(
        page.attr("a[rel=prev]", "href").as_deref(),
        Some("../../../progress-2020/recommendations/1/")
    );
    assert_eq!(
        page.attr("a[rel=next]", "href").as_deref(),
        Some("../../../progress-2020/recommendations/3/")
    );
    // A link inside a response to an item of another report.
    assert!(
        page.hrefs()
            .contains(&"../../../actions-2022/actions/a1/".to_string())
    );
}

#[test]
fn an_explicit_status_wins_over_the_latest_response() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/4-9/index.html");
    assert_eq!(page.text_of(".item-facts .status"), "Implemented");
    assert_eq!(page.text_of(".response .status"), "In progress");
}

#[test]
fn missing_text_is_shown_as_such() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/3/index.html");
    assert_eq!(
        page.text_of(".item-text .callout"),
        "Text not available The source document lost this text."
    );
    assert_eq!(
        page.text_of(".responses p"),
        "No progress has been reported yet."
    );
}

#[test]
fn the_same_item_in_two_reports_links_both_ways() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let earlier = run.page("progress-2020/recommendations/2/index.html");
    assert_eq!(
        earlier.text_of(".related li"),
        "In a later report: Action A1: Continue mentoring (One year on)"
    );
    let later = run.page("actions-2022/actions/a1/index.html");
    assert_eq!(
        later.text_of(".related li"),
        "In an earlier report: Recommendation 2: Mentoring for young people (Commission progress report)"
    );
    assert_eq!(
        later.attr(".related a", "href").as_deref(),
        Some("../../../progress-2020/recommendations/2/")
    );
}

#[test]
fn chapters_list_and_cross_reference_items() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/introduction/index.html");
    // `[](rec:2)` shows the number in words and links to the item.
    let link = page
        .all(".prose a")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "Recommendation 2")
        .expect("cross-reference");
    assert_eq!(
        link.value().attr("href"),
        Some("../../progress-2020/recommendations/2/")
    );
    assert!(
        page.hrefs()
            .contains(&"../../actions-2022/actions/a1/".to_string())
    );
    // `status: in progress` and `lead: Fixture Police` filters.
    let tables = page.all(".tracker-list table");
    assert_eq!(tables.len(), 2);
    assert_eq!(
        page.text_of(".tracker-list .table-caption"),
        "Recommendations still in progress"
    );
    let rows = page.cells(".tracker-list tbody td:first-child");
    assert_eq!(rows, ["4.10", "2", "4.9", "4.10"]);
    assert_eq!(
        page.cells(".tracker-list tbody tr:first-child th"),
        ["Share data weekly", "Mentoring for young people"]
    );
}

#[test]
fn summary_of_actions_groups_by_theme_from_a_csv_export() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("actions-2022/summary/index.html");
    assert_eq!(page.cells(".tracker-list h2"), ["Prevention", "Leadership"]);
    assert_eq!(
        page.cells(".tracker-list thead th"),
        [
            "No.", "Action", "Lead", "Status", "No.", "Action", "Lead", "Status"
        ]
    );
    assert_eq!(
        page.cells(".tracker-list tbody td:nth-child(3)"),
        [
            "Fixture Council",
            "Fixture Council, Fixture Schools",
            "Fixture Commission"
        ]
    );
    // Headings inside the component get unique ids.
    assert_eq!(
        page.attr(".tracker-list h2", "id").as_deref(),
        Some("actions-prevention")
    );
    // The report calls its items actions, everywhere.
    let tracker = run.page("actions-2022/actions/index.html");
    assert_eq!(tracker.text_of("h1"), "Actions");
    assert_eq!(
        tracker.cells(".tracker-table tbody td:first-child"),
        ["A1", "A2", "A3"]
    );
}

#[test]
fn open_data_files_list_every_item() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let csv =
        std::fs::read_to_string(run.output.join("progress-2020/recommendations.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "number,title,theme,lead,partners,due,status,status_label,last_update,url"
    );
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[2],
        "2,Mentoring for young people,Prevention,Fixture Council; Fixture Police,,2020-12-31,carried-forward,Carried forward,2020-11-30,https://example.org/reports/progress-2020/recommendations/2/"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.output.join("actions-2022/recommendations.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["label"], "Action");
    assert_eq!(json["items"].as_array().unwrap().len(), 3);
    assert_eq!(json["items"][1]["lead"][1], "Fixture Schools");
    assert_eq!(json["items"][0]["last_update"], "2021-12-01");
    assert_eq!(json["statuses"][0]["key"], "not-started");
    let tracker = run.page("progress-2020/recommendations/index.html");
    assert!(
        tracker
            .hrefs()
            .contains(&"../../progress-2020/recommendations.csv".to_string())
    );
}

#[test]
fn print_edition_has_every_item_with_its_latest_response() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/print/index.html");
    assert_eq!(
        page.cells(".print-item h3"),
        [
            "Recommendation 1: Keep the commission meeting",
            "Recommendation 2: Mentoring for young people",
            "Recommendation 3: A lost recommendation",
            "Recommendation 4: Publish a yearly scorecard",
            "Recommendation 4.9: Agree a data-sharing protocol",
            "Recommendation 4.10: Share data weekly",
        ]
    );
    let two = &page.all("#item-2 .print-response");
    assert_eq!(two.len(), 1, "only the latest response");
    assert!(
        page.text_of("#item-2 .print-response h4")
            .contains("Final report, November 2020")
    );
    // Cross-references become in-page links.
    assert!(page.hrefs().contains(&"#item-2".to_string()));
}

#[test]
fn decisions_from_one_yaml_file() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("decisions/paper/index.html");
    assert_eq!(
        page.cells(".tracker-list tbody th"),
        ["Support the new unit", "Note the budget"]
    );
    assert_eq!(
        page.cells(".tracker-list tbody .status"),
        ["Agreed", "Noted"]
    );
    let item = run.page("decisions/decisions/1/index.html");
    assert_eq!(item.text_of(".item-text strong"), "public health");
}

#[test]
fn a_site_can_bring_its_own_statuses() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "site.yaml",
        "title: T\norganisation: O\nstatuses:\n  - label: On track\n    colour: \"#00703c\"\n  - label: Off track\n    colour: \"#ffdd00\"\n    description: Behind plan.\n",
    );
    let run = site.run(&["check"]).exit(1);
    assert!(
        run.stderr.contains("`carried forward` is not a status"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("use one of: on track, off track"));
    site.write(
        "content/progress-2020/recommendations/b-second.md",
        "---\nnumber: 2\ntitle: T\nresponses:\n  - date: 2020-01-01\n    status: off-track\n---\nText.\n",
    );
    for f in ["a-first", "c", "d", "e"] {
        std::fs::remove_file(
            site.dir
                .join(format!("content/progress-2020/recommendations/{f}.md")),
        )
        .unwrap();
    }
    std::fs::remove_dir_all(site.dir.join("content/actions-2022")).unwrap();
    std::fs::remove_dir_all(site.dir.join("content/decisions")).unwrap();
    site.write(
        "content/progress-2020/01-introduction.md",
        "---\ntitle: Intro\n---\nText.\n",
    );
    let run = site.build().success();
    let css = std::fs::read_to_string(run.output.join("assets/status.css")).unwrap();
    // Pale yellow gets dark text; the badge stays readable.
    assert!(
        css.contains(".status-off-track{background:#ffdd00;color:#0b0c0c}"),
        "{css}"
    );
    let page = run.page("progress-2020/recommendations/2/index.html");
    assert_eq!(page.text_of(".item-facts .status"), "Off track");
}

#[test]
fn carried_forward_work_links_both_ways() {
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let from = run.page("decisions/decisions/2/index.html");
    assert_eq!(
        from.text_of(".item-facts dd:last-of-type"),
        "The commission"
    );
    assert_eq!(
        from.text_of(".related li"),
        "Carried forward to: Recommendation 4: Publish a yearly scorecard (Commission progress report)"
    );
    let to = run.page("progress-2020/recommendations/4/index.html");
    assert_eq!(
        to.text_of(".related li"),
        "Carried forward from: Decision 2: Note the budget (Board paper)"
    );
}

#[test]
fn tracker_list_inside_a_footnote_or_definition_is_expanded() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "content/progress-2020/02-notes.md",
        "---\ntitle: Notes\n---\n\nSome work goes on.[^open]\n\nPolice work\n: > [!RECOMMENDATIONS] Led by the police\n  > lead: Fixture Police\n\n[^open]: Still open:\n\n    > [!RECOMMENDATIONS] Still in progress\n    > status: in progress\n",
    );
    let run = site.build().success();
    let page = run.page("progress-2020/notes/index.html");
    assert_eq!(
        page.cells("dd .tracker-list .table-caption"),
        ["Led by the police"]
    );
    assert_eq!(
        page.cells(".footnotes .tracker-list .table-caption"),
        ["Still in progress"]
    );
    // The same rows as the introduction's lists with the same filters.
    assert_eq!(
        page.cells(".tracker-list tbody td:first-child"),
        ["2", "4.9", "4.10", "4.10"]
    );
}

/// "This report tracks 1 decisions" read wrongly: a count of one takes the
/// singular, in the report's own word for its items.
#[test]
fn a_count_of_one_item_reads_in_the_singular() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/recommendations/1.md",
        "---\nnumber: 1\ntitle: Publish the plan\nresponses:\n  - date: 2023-06\n    status: in progress\n    text: A draft is out.\n---\nPublish the plan by March.\n",
    );
    let run = site.build().success();
    let home = run.page("sample/index.html");
    assert!(
        home.text_of(".tracker-summary")
            .contains("This report tracks 1 recommendation:"),
        "{}",
        home.text_of(".tracker-summary")
    );
    let tracker = run.page("sample/recommendations/index.html");
    assert!(
        tracker
            .text_of("main")
            .contains("1 recommendation in total."),
        "{}",
        tracker.text_of("main")
    );
    // More than one keeps the plural.
    let run = TestSite::fixture("fixtures/tracker").build().success();
    let page = run.page("progress-2020/recommendations/index.html");
    assert!(page.text_of("main").contains("6 recommendations in total."));
}

/// An action list saved as Excel's plain "CSV" is in the Windows code page;
/// it was refused as unreadable.
#[test]
fn an_action_list_in_the_windows_code_page_is_read_with_a_warning() {
    let site = TestSite::fixture("fixtures/tracker");
    let path = site.dir.join("content/actions-2022/recommendations.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Review the scorecard", "Review the café scorecard");
    // Windows-1252 writes é as the one byte 0xE9.
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| if c == 'é' { 0xE9 } else { c as u8 })
        .collect();
    std::fs::write(&path, bytes).unwrap();
    let run = site.build().success();
    assert!(
        run.stderr.contains("warning[not-utf8]")
            && run
                .stderr
                .contains("content/actions-2022/recommendations.csv"),
        "{}",
        run.stderr
    );
    let tracker = run.page("actions-2022/actions/index.html");
    assert!(
        tracker
            .text_of(".tracker-table")
            .contains("Review the café scorecard"),
        "{}",
        tracker.text_of(".tracker-table")
    );
}

#[test]
fn an_item_nothing_is_reported_on_says_so_instead_of_not_started() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "content/actions-2022/recommendations.csv",
        "Number,Title,Lead,Partners\nA1,Review the scorecard,Fixture Commission,Fixture Police; Fixture Schools\n",
    );
    let run = site.build().success();
    let item = run.page("actions-2022/actions/a1/index.html");
    assert_eq!(item.text_of(".item-facts .status"), "No update reported");
    assert!(
        !item.text.contains("Not started"),
        "never claimed as not started"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(run.output.join("actions-2022/recommendations.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["items"][0]["status"], "no-update");
    assert_eq!(
        json["items"][0]["partners"],
        serde_json::json!(["Fixture Police", "Fixture Schools"])
    );
}

#[test]
fn leads_and_partners_are_separate_fields() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "content/decisions/recommendations.yaml",
        "- number: 1\n  title: Support the new unit\n  lead: Board members\n  partners: [Local authorities, Public Health England]\n",
    );
    let run = site.build().success();
    let item = run.page("decisions/decisions/1/index.html");
    let facts: Vec<String> = item.cells(".item-facts dt");
    let values: Vec<String> = item.cells(".item-facts dd");
    let lead = facts.iter().position(|f| f == "Lead").unwrap();
    let partners = facts.iter().position(|f| f == "Partners").unwrap();
    assert_eq!(values[lead], "Board members");
    assert_eq!(values[partners], "Local authorities, Public Health England");
    let csv = std::fs::read_to_string(run.output.join("decisions/recommendations.csv")).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .contains(",Board members,Local authorities; Public Health England,"),
        "{csv}"
    );
}

#[test]
fn a_boards_decisions_take_the_boards_words() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "content/decisions/recommendations.yaml",
        "- number: 1\n  title: Support the new unit\n- number: 2\n  title: Note the budget\n  responses:\n    - date: 2019-05-01\n      status: deferred\n",
    );
    let run = site.build().success();
    let page = run.page("decisions/paper/index.html");
    assert_eq!(
        page.cells(".tracker-list tbody .status"),
        ["For decision", "Deferred"],
        "nothing recorded is 'for decision', never 'not started'"
    );
    // A status of the recommendations' words is refused with the way out.
    site.write(
        "content/decisions/recommendations.yaml",
        "- number: 1\n  title: Support the new unit\n  status: implemented\n",
    );
    let run = site.run(&["check"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("`implemented` is not a status"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("for decision, agreed, noted, deferred, not agreed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("statuses: default"), "{}", run.stderr);
    // ...and `statuses: default` gives the site's words back.
    site.write(
        "content/decisions/report.yaml",
        "title: Board paper\nkind: board paper\npublished: 2019-05-01\nitem_label: Decision\nstatuses: default\n",
    );
    let run = site.build().success();
    assert_eq!(
        run.page("decisions/decisions/1/index.html")
            .text_of(".item-facts .status"),
        "Implemented"
    );
}

#[test]
fn a_report_can_name_its_statuses_and_a_misspelt_name_is_found() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "content/actions-2022/report.yaml",
        "title: One year on\nkind: progress report\npublished: 2022-01-15\nitem_label: Action\nstatuses: decisoins\n",
    );
    let run = site.run(&["check"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("there is no built-in list of statuses called `decisoins`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/actions-2022/report.yaml:5:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_report_status_list_in_the_wrong_form_says_which_forms_it_takes() {
    let site = TestSite::fixture("fixtures/tracker");
    site.write(
        "content/actions-2022/report.yaml",
        "title: One year on\nkind: progress report\npublished: 2022-01-15\nitem_label: Action\nstatuses:\n  - label: On track\n",
    );
    let run = site.run(&["check"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("content/actions-2022/report.yaml:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("statuses: decisions"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("untagged"),
        "no serde words: {}",
        run.stderr
    );
}
