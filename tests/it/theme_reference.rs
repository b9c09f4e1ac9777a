//! docs/themes.md against the code: every variable each template receives,
//! with every field and its type, as a real build of the example site gives
//! them. A field added to a view without a row in the docs, a row left after
//! its field is gone, or a type that is not what the docs say fails here.

use std::collections::BTreeSet;

use rapport::theme::reference::{Reference, Type};
use serde_json::Value;

/// The views the build gave, and every mismatch with the reference.
#[derive(Default)]
struct Comparison {
    seen: BTreeSet<String>,
    problems: BTreeSet<String>,
}

impl Comparison {
    fn value(&mut self, r: &Reference, path: &str, ty: &Type, v: &Value) {
        match (ty, v) {
            (Type::Optional(_), Value::Null) => {}
            (Type::Optional(inner), v) => self.value(r, path, inner, v),
            (Type::Text | Type::Html, Value::String(_))
            | (Type::Number, Value::Number(_))
            | (Type::Bool, Value::Bool(_)) => {}
            (Type::List(inner), Value::Array(items)) => {
                for item in items {
                    self.value(r, &format!("{path}[]"), inner, item);
                }
            }
            (Type::View(name), Value::Object(fields)) => {
                self.seen.insert(name.clone());
                let documented = &r.views[name].fields;
                for (field, fv) in fields {
                    match documented.get(field) {
                        Some(fty) => self.value(r, &format!("{path}.{field}"), fty, fv),
                        None => {
                            self.problems.insert(format!(
                                "{path}.{field}: given to templates but not in the `{name}` table"
                            ));
                        }
                    }
                }
                for field in documented.keys().filter(|f| !fields.contains_key(*f)) {
                    self.problems.insert(format!(
                        "{path}.{field}: in the `{name}` table but not given to templates"
                    ));
                }
            }
            (ty, v) => {
                self.problems
                    .insert(format!("{path}: documented as {ty:?}, given {v}"));
            }
        }
    }
}

/// Each site, and whether to make its PDF (for `pdf_link`; slow in a test
/// build, so for one small site only).
fn compare(sites: &[(std::path::PathBuf, bool)]) -> Comparison {
    let reference = Reference::parse(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/themes.md"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut c = Comparison::default();
    let mut templates_seen = BTreeSet::new();
    for (dir, pdf) in sites {
        let fs = rapport::vfs::RealFs::new(dir).unwrap();
        let opts = rapport::build::BuildOptions {
            no_pdf: !pdf,
            no_search: true,
            ..Default::default()
        };
        let (pages, diags) = rapport::build::page_variables(&fs, &opts);
        assert!(
            !pages.is_empty(),
            "{} did not build: {diags:?}",
            dir.display()
        );
        for page in pages {
            templates_seen.insert(page.template.clone());
            let Some(vars) = reference.variables(&page.template) else {
                c.problems
                    .insert(format!("{}: not in the templates table", page.template));
                continue;
            };
            let given: BTreeSet<&String> = page.variables.keys().collect();
            let documented: BTreeSet<&String> = vars.keys().collect();
            if given != documented {
                c.problems.insert(format!(
                    "{}: given {given:?}, documented {documented:?}",
                    page.template
                ));
            }
            for (name, value) in &page.variables {
                if let Some(ty) = vars.get(name) {
                    c.value(&reference, &format!("{}: {name}", page.template), ty, value);
                }
            }
        }
    }
    let documented: BTreeSet<String> = reference.templates.keys().cloned().collect();
    // `base.html` is extended, never rendered itself.
    let unrendered: Vec<_> = documented
        .difference(&templates_seen)
        .filter(|t| *t != "base.html")
        .collect();
    assert!(
        unrendered.is_empty(),
        "documented but never rendered: {unrendered:?}"
    );
    c.seen.insert("templates".into());
    let unseen: Vec<&String> = reference
        .views
        .keys()
        .filter(|v| !c.seen.contains(*v))
        .collect();
    assert!(
        unseen.is_empty(),
        "views in docs/themes.md that no page of the test sites has, so their rows cannot be checked: {unseen:?}"
    );
    c
}

#[test]
fn every_variable_templates_receive_is_documented_with_its_type() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let c = compare(&[
        (root.to_path_buf(), false),
        (root.join("tests/fixtures/full"), true),
        // Items related across reports.
        (root.join("tests/fixtures/tracker"), false),
        // Every language in its own folder, with the page at the root.
        (root.join("tests/fixtures/language-folders"), false),
    ]);
    let problems: Vec<_> = c.problems.iter().collect();
    assert!(
        problems.is_empty(),
        "docs/themes.md and the views differ:\n{}",
        problems
            .iter()
            .map(|p| format!("  {p}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The comparison itself can fail: a view given one field more than its
/// table lists is caught (the mutation this whole file guards against).
#[test]
fn a_field_missing_from_the_docs_is_caught() {
    let reference = Reference::parse(
        "<!-- view: a -->\n| field | type | example | meaning |\n| --- | --- | --- | --- |\n| `x` | text | | |\n",
    )
    .unwrap();
    let mut c = Comparison::default();
    let given: Value = serde_json::json!({"x": "1", "y": 2});
    c.value(&reference, "a", &Type::View("a".into()), &given);
    assert_eq!(
        c.problems.into_iter().collect::<Vec<_>>(),
        ["a.y: given to templates but not in the `a` table"]
    );
}
