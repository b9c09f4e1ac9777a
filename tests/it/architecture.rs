//! The pipeline's stages depend only downwards. Each top-level module of
//! the library is in one stage (docs/architecture.md); a module may use
//! modules of its own stage or of an earlier one, never a later one, and
//! modules of one stage form no cycle. A `use` that breaks this is the
//! start of the tangle issue #19 untied: the order of the passes stops
//! being readable from the code. The test reads the sources as text, so it
//! needs no build of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The stages in pipeline order, each with its modules.
const STAGES: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "allocator",
            "build_cache",
            "vfs",
            "diagnostics",
            "timings",
            "colour",
            "controls",
            "yaml",
            "sources",
            "url",
            "dates",
            "addresses",
            "files",
            "svg",
            "images",
            "opendata",
            "gitdates",
            "parse_cache",
            "output",
        ],
    ),
    (
        "model",
        &[
            "chart",
            "markdown",
            "status",
            "table",
            "model",
            "config",
            "publisher",
            "theme",
            "strings",
        ],
    ),
    ("load", &["content", "data", "tracker", "translation"]),
    ("passes", &["links", "editorial"]),
    ("plan", &["routes"]),
    ("render", &["render", "pdf", "editions", "search", "cms"]),
    ("write", &["build"]),
    ("commands", &["serve", "init", "new", "import", "fuzz"]),
];

/// Dependencies that break the rule today, each a debt to pay off; the
/// test fails when one is paid off and still listed, so the list only
/// shrinks.
const KNOWN: &[(&str, &str)] = &[];

fn stage_of(module: &str) -> Option<usize> {
    STAGES.iter().position(|(_, mods)| mods.contains(&module))
}

/// The top-level modules each module of the library names (`crate::x`,
/// `use crate::{x, y::z}`), outside comments and its unit-test module.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel.iter().next().unwrap().to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if ["lib", "main", "cmd"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let named = deps.entry(module.clone()).or_default();
        // A unit-test module (formatted by rustfmt, so it ends at a `}` in
        // the first column) may use anything.
        let mut in_tests = false;
        let mut previous = "";
        for line in text.lines() {
            if in_tests {
                in_tests = line != "}";
                continue;
            }
            if previous == "#[cfg(test)]" && line.starts_with("mod ") && line.ends_with('{') {
                in_tests = true;
                continue;
            }
            previous = line;
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for name in named_modules(line) {
                if name != module {
                    named.insert(name);
                }
            }
        }
    }
    deps
}

/// The modules a line names after `crate::`.
fn named_modules(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::{c, d}, e}`: the first name of each item
            // at the top of the group.
            let mut depth = 0;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[j..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphabetic() || c == '_') => {
                        found.push(identifier(&group[j..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.push(identifier(rest));
        }
    }
    found
}

fn identifier(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn every_module_of_the_library_is_in_a_stage() {
    let unstaged: Vec<_> = dependencies()
        .into_keys()
        .filter(|m| stage_of(m).is_none())
        .collect();
    assert!(
        unstaged.is_empty(),
        "modules in no stage of tests/it/architecture.rs: {unstaged:?}; add each to its stage \
         here and in docs/architecture.md"
    );
}

#[test]
fn stages_depend_only_on_earlier_stages_and_have_no_cycles() {
    let deps = dependencies();
    let mut against = BTreeSet::new();
    // Uses of a later stage.
    for (module, named) in &deps {
        let Some(own) = stage_of(module) else {
            continue;
        };
        for other in named {
            if stage_of(other).is_some_and(|s| s > own) {
                against.insert((module.clone(), other.clone()));
            }
        }
    }
    // Cycles inside a stage: an edge a → b where b reaches a.
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(m) = todo.pop() {
            if m == to {
                return true;
            }
            if seen.insert(m.clone()) {
                let own = stage_of(&m);
                for n in deps.get(&m).into_iter().flatten() {
                    if stage_of(n) == own {
                        todo.push(n.clone());
                    }
                }
            }
        }
        false
    };
    for (module, named) in &deps {
        for other in named {
            if stage_of(module).is_some()
                && stage_of(module) == stage_of(other)
                && reaches(other, module)
            {
                against.insert((module.clone(), other.clone()));
            }
        }
    }
    let known: BTreeSet<_> = KNOWN
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let new: Vec<_> = against.difference(&known).collect();
    let paid: Vec<_> = known.difference(&against).collect();
    assert!(
        new.is_empty(),
        "these modules use a later stage, or close a cycle in their stage: {new:?}. Move what \
         they need into an earlier stage (docs/architecture.md)"
    );
    assert!(
        paid.is_empty(),
        "these debts are paid off; remove them from KNOWN: {paid:?}"
    );
}

#[test]
fn the_reader_finds_every_form_of_use() {
    assert_eq!(
        named_modules("use crate::{vfs::{self, Fs}, diagnostics, model::Site};"),
        ["vfs", "diagnostics", "model"]
    );
    assert_eq!(
        named_modules("let x = crate::data::format::grouped(crate::dates::today());"),
        ["data", "dates"]
    );
}

/// The longest a function of the library may be. A longer one does several
/// things that deserve names of their own (issue #19 split the last ones).
const MAX_FUNCTION_LINES: usize = 150;

/// Every function of the library (outside unit-test modules) with its
/// length in lines, from its `fn` line to the `}` at the same indent
/// (rustfmt's layout).
fn function_lengths() -> Vec<(String, usize)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if line == "#[cfg(test)]" && lines.get(i + 1).is_some_and(|l| l.starts_with("mod ")) {
                break;
            }
            let code = line.trim_start();
            let indent = &line[..line.len() - code.len()];
            let head = code
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub(super) ")
                .trim_start_matches("pub ")
                .trim_start_matches("const ")
                .trim_start_matches("async ");
            if let Some(rest) = head.strip_prefix("fn ")
                && !line.trim_end().ends_with(';')
            {
                let end = (i..lines.len())
                    .find(|&j| lines[j] == format!("{indent}}}"))
                    .unwrap_or(i);
                let name = identifier(rest);
                let file = entry.path().strip_prefix(&src).unwrap().display();
                found.push((format!("src/{file}:{} {name}", i + 1), end - i + 1));
            }
            i += 1;
        }
    }
    found
}

#[test]
fn no_function_of_the_library_is_longer_than_150_lines() {
    let lengths = function_lengths();
    assert!(
        lengths.len() > 500,
        "the scan found only {} functions",
        lengths.len()
    );
    let long: Vec<_> = lengths
        .into_iter()
        .filter(|(_, n)| *n > MAX_FUNCTION_LINES)
        .collect();
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines: {long:?}; split each into named steps"
    );
}

/// The crates `Cargo.toml` depends on (not the tests' own).
fn dependencies_in_cargo_toml() -> BTreeSet<String> {
    let toml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut in_deps = false;
    let mut crates = BTreeSet::new();
    for line in toml.lines() {
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]") && !line.contains("dev-dependencies");
            continue;
        }
        if in_deps
            && let Some((name, _)) = line.split_once('=')
            && !line.starts_with('#')
        {
            crates.insert(name.trim().to_string());
        }
    }
    crates
}

#[test]
fn every_crate_in_cargo_toml_is_in_the_architecture_docs_table() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let table = &docs[docs
        .find("## Crates, and why each is there")
        .expect("docs/architecture.md has its crate table")..];
    let listed: BTreeSet<String> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .flat_map(|cell| {
            cell.split([',', ' '])
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let crates = dependencies_in_cargo_toml();
    assert!(
        crates.contains("tera") && crates.contains("libc"),
        "{crates:?}"
    );
    let missing: Vec<_> = crates.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "crates in Cargo.toml missing from docs/architecture.md's crate table: {missing:?}"
    );
}

/// The message codes rapport's source can give: the first string of a call
/// to `Diagnostic::error`, `warning`, or a helper named for errors or
/// problems, outside the test modules.
fn message_codes_in_the_source() -> BTreeSet<String> {
    let call = regex::Regex::new(
        r#"(\w*(?:error|warning|warn|problem)\w*)\s*\(\s*(?:[^()"]{0,60},\s*)?"([a-z]+(?:-[a-z0-9]+)*)""#,
    )
    .unwrap();
    let mut codes = BTreeSet::new();
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        codes.extend(call.captures_iter(code).map(|c| c[2].to_string()));
    }
    // Strings the pattern finds that are not codes: `image_problem(fs, l,
    // "logo", ...)` names the kind of file in its message.
    codes.remove("logo");
    codes
}

/// A comms officer who meets `error[does-not-add-up]` finds what it means
/// and how to fix it in one table; a new check cannot ship without its row.
#[test]
fn every_message_code_is_in_the_authoring_guide_with_its_fix() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/authoring.md"))
            .unwrap();
    let start = docs
        .find("## Every message and its fix")
        .expect("docs/authoring.md has its table of messages");
    let section = &docs[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    let listed: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let codes = message_codes_in_the_source();
    assert!(
        codes.contains("does-not-add-up") && codes.contains("bad-csv") && codes.len() > 80,
        "{codes:?}"
    );
    let missing: Vec<_> = codes.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "message codes without a row in docs/authoring.md's \"Every message and its fix\": {missing:?}"
    );
    // And no row for a code the source no longer has.
    let source: String = walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let stale: Vec<_> = listed
        .iter()
        .filter(|code| !source.contains(&format!("\"{code}\"")))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for codes the source does not have: {stale:?}"
    );
}
