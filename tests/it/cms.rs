//! Editing in the browser (issue #25): the editor's files written from the
//! model, the local backend `rapport serve --cms` answers, and saves that
//! leave a file's comments and layout alone.

use std::path::Path;

use rapport::cms::local_backend::LocalBackend;
use rapport::cms::{emit, roundtrip};
use rapport::yaml::tree;
use serde_json::{Value, json};

use crate::harness::{TestSite, request, start_with};

const CMS: &str = "\ncms:\n  backend: github\n  repo: example/safer-communities\n  branch: main\n";

/// The example site with the editor turned on.
fn example_with_cms() -> TestSite {
    let site = TestSite::example();
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write("site.yaml", &format!("{yaml}{CMS}"));
    site
}

fn config_yml(output: &Path) -> Value {
    let text = std::fs::read_to_string(output.join("admin/config.yml")).unwrap();
    tree::parse(&text).unwrap().unwrap().to_json()
}

fn collection<'a>(config: &'a Value, name: &str) -> &'a Value {
    config["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no collection {name}"))
}

fn field<'a>(fields: &'a Value, name: &str) -> &'a Value {
    fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no field {name} in {fields}"))
}

#[test]
fn without_cms_in_site_yaml_there_is_no_editor() {
    let run = TestSite::example().build().success();
    assert!(!run.output.join("admin").exists());
}

#[test]
fn the_editor_config_has_a_collection_for_each_form_of_content() {
    let run = example_with_cms().build().success();
    let config = config_yml(&run.output);
    assert_eq!(config["backend"]["name"], "github");
    assert_eq!(config["backend"]["repo"], "example/safer-communities");
    assert_eq!(config["publish_mode"], "editorial_workflow");
    assert!(config.get("local_backend").is_none());
    assert_eq!(collection(&config, "site")["files"][0]["file"], "site.yaml");

    // Items one Markdown file each: a folder collection, the status a
    // select of the site's vocabulary with its labels.
    let items = collection(&config, "gvc-progress-report-items");
    assert_eq!(
        items["folder"],
        "content/gvc-progress-report/recommendations"
    );
    assert_eq!(field(&items["fields"], "number")["default"], "25");
    let responses = field(&items["fields"], "responses");
    assert_eq!(field(&responses["fields"], "date")["widget"], "datetime");
    assert_eq!(field(&items["fields"], "due")["widget"], "datetime");
    let status = field(&responses["fields"], "status");
    assert_eq!(status["widget"], "select");
    let options = status["options"].as_array().unwrap();
    assert!(
        options.contains(&json!({"label": "Carried forward", "value": "carried-forward"})),
        "{options:?}"
    );
    assert_eq!(field(&items["fields"], "body")["widget"], "markdown");

    // Chapters: a folder collection of each report.
    let chapters = collection(&config, "gvc-progress-report-chapters");
    assert_eq!(chapters["folder"], "content/gvc-progress-report");
    assert_eq!(chapters["extension"], "md");
    assert_eq!(field(&chapters["fields"], "order")["default"], "2");

    // Items as a YAML list: a file collection with a list widget; the
    // decisions' own vocabulary.
    let files = collection(&config, "vru-establishment-2019-files");
    let list = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "items")
        .unwrap();
    assert_eq!(
        list["file"],
        "content/vru-establishment-2019/recommendations.yaml"
    );
    let inner = &list["fields"][0];
    assert_eq!(inner["widget"], "list");
    let status = field(&field(&inner["fields"], "responses")["fields"], "status");
    let values: Vec<_> = status["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].clone())
        .collect();
    assert!(values.contains(&json!("agreed")), "{values:?}");

    // An action list in CSV cannot be edited in the browser.
    assert!(
        config["collections"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"] != "ending-gang-violence-one-year-on-items")
    );

    // A table whose rows are in its YAML, with a widget for each column's
    // type; one whose rows are in a CSV file is not there.
    let files = collection(&config, "community-safety-2022-23-files");
    let names: Vec<_> = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.contains(&"table-funding".to_string()), "{names:?}");
    assert!(!names.contains(&"table-crime".to_string()), "{names:?}");
    let funding = files["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "table-funding")
        .unwrap();
    let rows = field(&funding["fields"], "rows");
    assert_eq!(field(&rows["fields"], "amount")["widget"], "number");
    assert_eq!(field(&rows["fields"], "grant")["widget"], "string");

    // Corrections are in report.yaml's fields.
    let report = &files["files"][0];
    assert_eq!(
        report["file"],
        "content/community-safety-2022-23/report.yaml"
    );
    assert_eq!(
        field(&report["fields"], "published")["format"],
        "YYYY-MM-DD"
    );
    field(&report["fields"], "corrections");

    let html = std::fs::read_to_string(run.output.join("admin/index.html")).unwrap();
    assert!(html.contains(&format!(
        "src=\"{}\" integrity=\"{}\"",
        rapport::cms::PINNED_SCRIPT,
        rapport::cms::PINNED_INTEGRITY
    )));
    assert!(
        html.contains("CMS.registerPreviewStyle(\"../assets/style.css\")"),
        "{html}"
    );
    assert!(run.output.join("assets/style.css").exists());
}

#[test]
fn a_self_hosted_editor_script_is_used_as_given() {
    let site = example_with_cms();
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}  script: /static/decap-cms.js\n"),
    );
    let run = site.build().success();
    let html = std::fs::read_to_string(run.output.join("admin/index.html")).unwrap();
    assert!(
        html.contains("<script src=\"/static/decap-cms.js\"></script>"),
        "{html}"
    );
}

#[test]
fn a_gitlab_site_signs_in_through_gitlab_and_a_github_one_through_its_service() {
    let site = TestSite::example();
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}\ncms:\n  backend: gitlab\n  repo: council/reports\n  app_id: 1a2b3c\n"),
    );
    let backend = &config_yml(&site.build().success().output)["backend"];
    assert_eq!(backend["name"], "gitlab");
    assert_eq!(backend["auth_type"], "pkce");
    assert_eq!(backend["app_id"], "1a2b3c");
    site.write(
        "site.yaml",
        &format!("{yaml}{CMS}  auth_url: https://auth.example.org/\n"),
    );
    let backend = &config_yml(&site.build().success().output)["backend"];
    assert_eq!(backend["base_url"], "https://auth.example.org");
}

#[test]
fn bad_cms_settings_are_reported_at_their_line() {
    let site = TestSite::example();
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!(
            "{yaml}\ncms:\n  backend: svn\n  repo: not a repo\n  script: javascript:alert(1)\n  auth_url: http://auth.example.org\n"
        ),
    );
    let run = site.build();
    assert_eq!(run.code, 2, "{}", run.stderr);
    for code in [
        "bad-cms-backend",
        "bad-cms-repo",
        "bad-cms-script",
        "bad-cms-auth-url",
    ] {
        assert!(run.stderr.contains(code), "{code}: {}", run.stderr);
    }
}

#[test]
fn a_report_cannot_take_the_editors_address() {
    let site = TestSite::example();
    std::fs::rename(
        site.dir.join("content/vru-board-update-2020"),
        site.dir.join("content/admin"),
    )
    .unwrap();
    let run = site.build();
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("reserved-slug"), "{}", run.stderr);
}

/// What Decap sends for a file it did not change: the same data in its
/// own layout, every comment gone.
fn as_the_editor_writes_it(path: &str, text: &str) -> String {
    if path.ends_with(".md") {
        let (yaml, _, body_at) = rapport::yaml::split_front_matter(text).unwrap();
        let data = tree::parse(yaml).unwrap().unwrap().to_json();
        return format!(
            "---\n{}---\n{}",
            emit::document(&data),
            text[body_at..].trim()
        );
    }
    let shown = roundtrip::wrap_root_list(text).unwrap_or_else(|| text.to_string());
    emit::document(&tree::parse(&shown).unwrap().unwrap().to_json())
}

fn persist(backend: &LocalBackend, path: &str, raw: &str) -> rapport::cms::local_backend::Answer {
    let body = json!({"action": "persistEntry", "params": {
        "dataFiles": [{"path": path, "raw": raw, "slug": "x"}],
        "assets": [], "options": {"collectionName": "x", "commitMessage": "Update"},
    }});
    backend.handle(body.to_string().as_bytes())
}

#[test]
fn saving_any_file_of_the_example_unchanged_changes_no_byte() {
    let site = TestSite::example();
    let backend = LocalBackend::new(&site.dir, Box::new(Vec::new)).unwrap();
    let mut saved = 0;
    for entry in walkdir::WalkDir::new(site.dir.join("content")).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&site.dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !(rel.ends_with(".md") || rel.ends_with(".yaml")) {
            continue;
        }
        let before = std::fs::read_to_string(entry.path()).unwrap();
        let raw = as_the_editor_writes_it(&rel, &before);
        assert_ne!(
            raw, before,
            "{rel}: the simulated save should differ in layout"
        );
        let answer = persist(&backend, &rel, &raw);
        assert_eq!(answer.status, 200, "{rel}: {}", answer.body);
        assert_eq!(
            std::fs::read_to_string(entry.path()).unwrap(),
            before,
            "{rel} changed"
        );
        saved += 1;
    }
    assert!(saved > 55, "only {saved} files");
}

#[test]
fn a_new_item_without_a_number_gets_the_next_free_one() {
    let site = TestSite::example();
    let backend = LocalBackend::new(&site.dir, Box::new(Vec::new)).unwrap();
    let rel = "content/gvc-progress-report/recommendations/new.md";
    let answer = persist(
        &backend,
        rel,
        "---\ntitle: A new one\nresponses: []\n---\nThe text.\n",
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let text = std::fs::read_to_string(site.dir.join(rel)).unwrap();
    assert!(
        text.starts_with("---\nnumber: 25\ntitle: A new one\n"),
        "{text}"
    );
}

/// A POST to the backend as a browser on the preview's page would send it.
fn post(addr: &str, origin: Option<&str>, body: &Value) -> (u16, Value) {
    let body = body.to_string();
    let origin = origin
        .map(|o| format!("Origin: {o}\r\n"))
        .unwrap_or_default();
    let (status, resp) = request(
        addr,
        &format!(
            "POST /api/v1 HTTP/1.1\r\nHost: {addr}\r\n{origin}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    let json = resp
        .split("\r\n\r\n")
        .nth(1)
        .and_then(|b| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

#[test]
fn serve_cms_answers_the_editor_and_refuses_an_invalid_save() {
    let site = example_with_cms();
    let dir = site.dir.clone();
    let server = start_with(site, &["--cms", "--cms-port", "0"]);
    let (status, config) = crate::harness::get(&server.addr, "/admin/config.yml", &server.addr);
    assert_eq!(status, 200, "{config}");
    let url = config
        .lines()
        .find_map(|l| l.trim().strip_prefix("url: "))
        .expect("config.yml names the local backend");
    let backend = url
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .to_string();
    let page = format!("http://{}", server.addr);

    let (status, info) = post(&backend, Some(&page), &json!({"action": "info"}));
    assert_eq!((status, info["type"].clone()), (200, json!("local_fs")));

    // Only the preview's own pages, and only this machine's own name.
    assert_eq!(
        post(
            &backend,
            Some("http://evil.example"),
            &json!({"action": "info"})
        )
        .0,
        403
    );
    let (status, _) = request(
        &backend,
        &format!(
            "POST /api/v1 HTTP/1.1\r\nHost: evil.example:{}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
            backend.rsplit(':').next().unwrap()
        ),
    );
    assert_eq!(status, 403);

    let (status, entries) = post(
        &backend,
        None,
        &json!({"action": "entriesByFolder", "params": {"folder": "content/gvc-progress-report/recommendations", "extension": "md", "depth": 1}}),
    );
    assert_eq!(status, 200);
    assert_eq!(entries.as_array().unwrap().len(), 24);

    let (status, e) = post(
        &backend,
        None,
        &json!({"action": "getEntry", "params": {"path": "../../etc/passwd"}}),
    );
    assert_eq!((status, e["data"].clone()), (200, Value::Null));

    // A decision recorded on a list in YAML keeps the comments above it.
    let rel = "content/vru-establishment-2019/recommendations.yaml";
    let before = std::fs::read_to_string(dir.join(rel)).unwrap();
    let (_, entry) = post(
        &backend,
        None,
        &json!({"action": "getEntry", "params": {"path": rel}}),
    );
    let shown = entry["data"].as_str().unwrap();
    let mut data = tree::parse(shown).unwrap().unwrap().to_json();
    data["items"][0]["responses"] =
        json!([{"date": "2019-11-19", "status": "agreed", "text": "Agreed by the board."}]);
    let body = json!({"action": "persistEntry", "params": {"dataFiles": [{"path": rel, "raw": emit::document(&data)}], "assets": [], "options": {}}});
    let (status, answer) = post(&backend, Some(&page), &body);
    assert_eq!(status, 200, "{answer}");
    let after = std::fs::read_to_string(dir.join(rel)).unwrap();
    assert!(
        after.starts_with(&before[..before.find("- number: 2").unwrap() - 1])
            || after.contains("# The decisions the paper asked"),
        "{after}"
    );
    assert!(
        after.contains("  responses:\n    - date: 2019-11-19\n      status: agreed\n"),
        "{after}"
    );
    assert!(
        after.ends_with(&before[before.find("- number: 2").unwrap()..]),
        "{after}"
    );

    // A status rapport does not know is refused with its message and
    // position, and the file is left as it was.
    data["items"][0]["responses"][0]["status"] = json!("nearly there");
    let body = json!({"action": "persistEntry", "params": {"dataFiles": [{"path": rel, "raw": emit::document(&data)}], "assets": [], "options": {}}});
    let (status, answer) = post(&backend, Some(&page), &body);
    assert_eq!(status, 422, "{answer}");
    let message = answer["error"].as_str().unwrap();
    assert!(
        message.contains(&format!("{rel}:")) && message.contains("nearly there"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(dir.join(rel)).unwrap(), after);

    // Nothing outside content/, static/ and site.yaml is written.
    let body = json!({"action": "persistEntry", "params": {"dataFiles": [{"path": "themes/default/templates/base.html", "raw": "x"}], "assets": [], "options": {}}});
    assert_eq!(post(&backend, None, &body).0, 422);
}

/// decap-cms from `npm ci` (package.json pins it), served by `rapport
/// serve` from the site's static/ folder instead of the CDN.
fn decap_dist() -> Option<std::path::PathBuf> {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/decap-cms/dist");
    dist.join("decap-cms.js").is_file().then_some(dist)
}

#[test]
#[cfg_attr(
    not(all(has_chromium, has_decap)),
    ignore = "needs Chromium (apt-get install chromium), node, and decap-cms with playwright-core from `npm ci`"
)]
fn a_progress_update_added_in_the_browser_editor_is_saved_and_published() {
    let chromium = crate::browser::chromium();
    let dist = decap_dist().expect("has_decap: node_modules/decap-cms is there");
    let site = example_with_cms();
    let yaml = std::fs::read_to_string(site.dir.join("site.yaml")).unwrap();
    site.write(
        "site.yaml",
        &format!("{yaml}  script: /static/decap/decap-cms.js\n"),
    );
    let copy = site.dir.join("static/decap");
    std::fs::create_dir_all(&copy).unwrap();
    for f in std::fs::read_dir(&dist).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with("decap-cms.js") || name.ends_with(".wasm") {
            std::fs::copy(&f, copy.join(&name)).unwrap();
        }
    }
    let dir = site.dir.clone();
    let server = start_with(site, &["--cms", "--cms-port", "0"]);
    let out = std::process::Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cms/editor.mjs"))
        .arg(format!("http://{}/admin/", server.addr))
        .env("CHROMIUM", chromium)
        .output();
    let out = out.expect("has_decap: node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let found: Value = serde_json::from_str(stdout.lines().last().unwrap_or(""))
        .unwrap_or_else(|_| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(found["errors"], json!([]), "{found}");

    // Every collection lists the example's entries.
    let lists = found["collections"].as_object().unwrap();
    assert_eq!(lists.len(), 12, "{found}");
    assert!(lists.values().all(|n| n.as_u64() > Some(0)), "{found}");
    assert_eq!(lists["gvc-progress-report-items"], 24);
    // The decisions' file is a list at its top: Decap is shown it under
    // `items:`, and its form has both.
    assert_eq!(found["decisions"], "2 decisions", "{found}");
    assert_eq!(found["siteTitle"], "Safer Communities Reports", "{found}");

    // The update is in the file, after the one before it, and the rest of
    // the file is as it was.
    assert_eq!(found["saved"], true, "{found}");
    let rel = "content/gvc-progress-report/recommendations/01.md";
    let before = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap();
    let after = std::fs::read_to_string(dir.join(rel)).unwrap();
    let added = "  - date: 2026-12-01\n    status: implemented\n    text: The data-sharing agreement was signed by every partner.\n";
    assert_eq!(
        after,
        before.replacen("\n---\n", &format!("\n{added}---\n"), 1),
        "{after}"
    );

    // The preview rebuilt the tracker page with it.
    let mut page = String::new();
    for _ in 0..50 {
        page = crate::harness::get(
            &server.addr,
            "/gvc-progress-report/recommendations/1/",
            &server.addr,
        )
        .1;
        if page.contains("data-sharing agreement") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(page.contains("data-sharing agreement"), "{page}");

    // The save rapport refused is shown with its message, and left nothing.
    let refused = found["refused"].as_str().unwrap_or_default();
    assert!(
        refused.contains("[duplicate-number]") && refused.contains("02.md:2:9"),
        "{found}"
    );
    let two = "content/gvc-progress-report/recommendations/02.md";
    assert_eq!(
        std::fs::read(dir.join(two)).unwrap(),
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(two)).unwrap()
    );
    // The server holds the site's folder: check it while it is there. The
    // report is also published in Welsh, so the new update is refused until
    // its Welsh is written (docs/languages.md); the preview above showed it.
    let check = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["check"])
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let first = check();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(!first.status.success(), "{stderr}");
    assert!(
        stderr.contains("error[missing-translation]")
            && stderr.contains("content/gvc-progress-report/recommendations/01.cy.md"),
        "{stderr}"
    );
    let welsh = dir.join("content/gvc-progress-report/recommendations/01.cy.md");
    let text = std::fs::read_to_string(&welsh).unwrap();
    let end = text[4..].find("\n---\n").unwrap() + 4;
    let text = format!(
        "{}\n  - text: Llofnododd pob partner y cytundeb rhannu data.{}",
        &text[..end],
        &text[end..]
    );
    std::fs::write(&welsh, text).unwrap();
    let second = check();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    drop(server);
}

/// The backend with the check `rapport serve --cms` runs after a save.
fn checked_backend(dir: &Path) -> LocalBackend {
    let site = dir.to_path_buf();
    LocalBackend::new(
        dir,
        Box::new(move || {
            let fs = rapport::vfs::RealFs::new(&site).unwrap();
            let diags = rapport::diagnostics::Diagnostics::new();
            let sources = rapport::diagnostics::SourceMap::default();
            let opts = rapport::build::BuildOptions {
                no_pdf: true,
                no_search: true,
                ..Default::default()
            };
            rapport::build::load(&fs, &opts, &diags, &sources, &mut Default::default());
            diags.sorted()
        }),
    )
    .unwrap()
}

#[test]
fn deleting_a_chapter_another_links_to_is_refused_and_undone() {
    let site = TestSite::example();
    let backend = checked_backend(&site.dir);
    let rel = "content/vru-establishment-2019/02-paper.md";
    let before = std::fs::read(site.dir.join(rel)).unwrap();
    let answer = backend.handle(
        json!({"action": "deleteFile", "params": {"path": rel}})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(answer.status, 422, "{}", answer.body);
    let message = answer.body["error"].as_str().unwrap();
    assert!(
        message.contains("01-the-ask.md:12") && message.contains("[broken-link]"),
        "{message}"
    );
    assert_eq!(std::fs::read(site.dir.join(rel)).unwrap(), before);
}

#[test]
fn pictures_are_uploaded_listed_and_deleted_inside_the_report() {
    let site = TestSite::example();
    let backend = checked_backend(&site.dir);
    let ask = |body: Value| backend.handle(body.to_string().as_bytes());
    let path = "content/gvc-progress-report/images/chart.png";
    // A 1x1 PNG.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let answer = ask(
        json!({"action": "persistMedia", "params": {"asset": {"path": path, "content": png, "encoding": "base64"}}}),
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["name"], "chart.png");
    assert_eq!(std::fs::read(site.dir.join(path)).unwrap()[1..4], *b"PNG");
    let listed = ask(
        json!({"action": "getMedia", "params": {"mediaFolder": "content/gvc-progress-report/images"}}),
    );
    assert_eq!(listed.body[0]["content"], png);
    let gone = ask(json!({"action": "deleteFiles", "params": {"paths": [path]}}));
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert!(!site.dir.join(path).exists());
    let outside = ask(
        json!({"action": "persistMedia", "params": {"asset": {"path": "../x.png", "content": png, "encoding": "base64"}}}),
    );
    assert_eq!(outside.status, 422);
    assert!(!site.outside().join("x.png").exists());
}

#[test]
fn a_changed_status_in_any_item_of_the_example_rewrites_only_that_word() {
    let site = TestSite::example();
    let backend = LocalBackend::new(&site.dir, Box::new(Vec::new)).unwrap();
    let folder = site.dir.join("content/gvc-progress-report/recommendations");
    let mut changed = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(&site.dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let before = std::fs::read_to_string(&path).unwrap();
        let (yaml, _, body_at) = rapport::yaml::split_front_matter(&before).unwrap();
        let mut data = tree::parse(yaml).unwrap().unwrap().to_json();
        let Some(status) = data["responses"][0].get_mut("status") else {
            continue;
        };
        *status = json!("implemented");
        let raw = format!("---\n{}---\n{}", emit::document(&data), &before[body_at..]);
        let answer = persist(&backend, &rel, &raw);
        assert_eq!(answer.status, 200, "{rel}: {}", answer.body);
        // The first response's status line, and nothing else.
        let at = before.find("\n    status: ").unwrap() + "\n    status: ".len();
        let end = at + before[at..].find('\n').unwrap();
        let expected = format!("{}implemented{}", &before[..at], &before[end..]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected, "{rel}");
        changed += 1;
    }
    assert_eq!(changed, 24);
}

/// Whatever the editor sends in place of whatever is on disk, the file
/// written says what the editor sent: every pair of the example's files,
/// one as the file on disk and the other as the save.
#[test]
fn any_save_over_any_file_says_what_the_editor_sent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<(String, String)> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "md" || x == "yaml")
        })
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(e.path()).unwrap();
            (rel, text)
        })
        .collect();
    let mut pairs = 0;
    for (path, old) in &files {
        for (other, text) in &files {
            if path.rsplit('.').next() != other.rsplit('.').next() {
                continue;
            }
            let new = as_the_editor_writes_it(other, text);
            let (written, _) = roundtrip::merge(path, old, &new);
            let data = |t: &str| {
                let yaml = match rapport::yaml::split_front_matter(t) {
                    Some((y, _, _)) => y.to_string(),
                    None => roundtrip::wrap_root_list(t).unwrap_or_else(|| t.to_string()),
                };
                tree::parse(&yaml).unwrap().unwrap()
            };
            assert!(
                roundtrip::same(&data(&written), &data(&new))
                    || data(&written).to_json() == data(&new).to_json(),
                "{other} saved over {path}:\n{written}"
            );
            if let Some((_, _, at)) = rapport::yaml::split_front_matter(&new) {
                let body = rapport::yaml::split_front_matter(&written).unwrap().2;
                assert_eq!(
                    written[body..].trim(),
                    new[at..].trim(),
                    "{other} over {path}"
                );
            }
            pairs += 1;
        }
    }
    assert!(pairs > 1500, "{pairs}");
}

/// A save cut short anywhere (a dropped connection, a half-written file on
/// disk) is written or refused, never a panic: every file of the example
/// cut at many places, as the save and as the file on disk.
#[test]
fn a_save_or_a_file_cut_short_anywhere_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut merges = 0;
    for e in walkdir::WalkDir::new(root.join("content")).sort_by_file_name() {
        let e = e.unwrap();
        let path = e.path().to_string_lossy().into_owned();
        if !(path.ends_with(".md") || path.ends_with(".yaml")) {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let editor = as_the_editor_writes_it(&path, &text);
        for cut in (1..text.len())
            .step_by(97)
            .filter(|&i| text.is_char_boundary(i))
        {
            let short = &text[..cut];
            let _ = roundtrip::merge(&path, &text, short);
            let _ = roundtrip::merge(&path, short, &editor);
            let _ = roundtrip::wrap_root_list(short);
            merges += 2;
        }
    }
    assert!(merges > 1000, "{merges}");
}

#[test]
fn serve_cms_on_a_site_without_cms_says_what_to_add() {
    let site = TestSite::example();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--port", "0", "--cms", "--cms-port", "0"])
        .current_dir(&site.dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("add `cms:` to site.yaml"), "{stderr}");
}
