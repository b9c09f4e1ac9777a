//! The synthetic site generator shared by the benchmarks.
//!
//! One generator writes the same report-like chapters (about 600 words,
//! three headings, a list, a 10-row table, three footnotes and links each)
//! for rapport, and, for the side-by-side comparison, as a Hugo site and a
//! Zola site with equivalent templates (contents of the report, previous and
//! next links, breadcrumbs). The text of every chapter is identical across
//! the three, so the comparison measures the tools, not the content.
#![allow(dead_code)] // each bench uses part of it

use std::fmt::Write;
use std::path::Path;

const WORDS: &str = "partnership violence reduction community funding programme mentoring \
    schools police council young people evaluation outcomes quarter delivery strategy \
    prevention families safety area support the and of to in for with was";

pub fn paragraph(seed: &mut u64, words: usize) -> String {
    let vocabulary: Vec<&str> = WORDS.split_whitespace().collect();
    let mut s = String::new();
    for i in 0..words {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let w = vocabulary[(*seed >> 33) as usize % vocabulary.len()];
        if i > 0 {
            s.push(' ');
        }
        s.push_str(w);
    }
    s.push('.');
    s
}

/// What to generate.
#[derive(Clone, Copy)]
pub struct Synth {
    pub chapters: usize,
    pub per_report: usize,
    /// Twenty recommendations per report with two responses each, and a
    /// `[!RECOMMENDATIONS]` list in each report's first chapter (rapport
    /// only: the peers have no such pages, so the comparison leaves them out).
    pub recommendations: bool,
}

/// Which tool's layout to write.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Rapport,
    Hugo,
    Zola,
}

/// The rapport site used by the build and serve benchmarks.
pub fn generate(dir: &Path, chapters: usize, per_report: usize) {
    write_site(
        dir,
        Tool::Rapport,
        Synth {
            chapters,
            per_report,
            recommendations: true,
        },
    );
}

/// The Markdown body of chapter `i` (no front matter). `link` is how this
/// tool writes a link to the previous chapter.
fn chapter_body(seed: &mut u64, link: Option<String>, recs: bool) -> String {
    let mut md = String::new();
    for h in 0..3 {
        let _ = writeln!(
            md,
            "## Section {h}\n\n{}[^n{h}]\n\n{}\n",
            paragraph(seed, 70),
            paragraph(seed, 60)
        );
    }
    md.push_str("- first point\n- second point with a [partner organisation's report](https://example.org)\n- third point\n\n");
    md.push_str("| Area | Amount |\n| --- | ---: |\n");
    for row in 0..10 {
        let _ = writeln!(md, "| Area {row} | £{} |", (row + 1) * 1000);
    }
    if let Some(link) = link {
        let _ = writeln!(md, "\nSee the [previous chapter]({link}).");
    } else if recs {
        md.push_str(
            "\n> [!RECOMMENDATIONS] Still in progress\n> status: in progress\n\nAs [](rec:3) asked.\n",
        );
    }
    md.push_str("\n[^n0]: First note.\n[^n1]: Second note.\n[^n2]: Third note.\n");
    md
}

pub fn write_site(dir: &Path, tool: Tool, synth: Synth) {
    std::fs::create_dir_all(dir).unwrap();
    write_config(dir, tool);
    let mut seed = 42u64;
    for c in 0..synth.chapters {
        let r = c / synth.per_report;
        let i = c % synth.per_report;
        let rdir = dir.join(format!("content/report-{r:04}"));
        if i == 0 {
            std::fs::create_dir_all(&rdir).unwrap();
            write_report(&rdir, tool, r);
            if synth.recommendations && tool == Tool::Rapport {
                write_recommendations(&rdir, &mut seed);
            }
        }
        let front = match tool {
            Tool::Rapport => format!(
                "---\ntitle: Chapter {i}\norder: {i}\nsummary: Chapter {i} of report {r}.\n---\n\n"
            ),
            Tool::Hugo => format!(
                "---\ntitle: Chapter {i}\nweight: {}\nsummary: Chapter {i} of report {r}.\n---\n\n",
                i + 1
            ),
            Tool::Zola => format!(
                "+++\ntitle = \"Chapter {i}\"\nweight = {}\ndescription = \"Chapter {i} of report {r}.\"\n+++\n\n",
                i + 1
            ),
        };
        let link = (i > 0).then(|| match tool {
            Tool::Rapport => format!("c{:05}.md", i - 1),
            Tool::Hugo | Tool::Zola => format!("../c{:05}/", i - 1),
        });
        let body = chapter_body(&mut seed, link, synth.recommendations);
        std::fs::write(rdir.join(format!("c{i:05}.md")), front + &body).unwrap();
    }
}

fn write_config(dir: &Path, tool: Tool) {
    match tool {
        Tool::Rapport => std::fs::write(
            dir.join("site.yaml"),
            "title: Bench\norganisation: Bench\nbase_url: https://example.org/\n",
        )
        .unwrap(),
        Tool::Hugo => {
            std::fs::write(dir.join("config.toml"), HUGO_CONFIG).unwrap();
            let layouts = dir.join("layouts/_default");
            std::fs::create_dir_all(&layouts).unwrap();
            std::fs::write(layouts.join("baseof.html"), HUGO_BASEOF).unwrap();
            std::fs::write(layouts.join("single.html"), HUGO_SINGLE).unwrap();
            std::fs::write(layouts.join("list.html"), HUGO_LIST).unwrap();
            std::fs::write(layouts.join("list.print.html"), HUGO_PRINT).unwrap();
        }
        Tool::Zola => {
            std::fs::write(
                dir.join("config.toml"),
                "base_url = \"https://example.org/\"\ntitle = \"Bench\"\ndefault_language = \"en\"\ngenerate_feeds = true\ncompile_sass = false\nbuild_search_index = false\n[markdown]\nsmart_punctuation = true\n",
            )
            .unwrap();
            let templates = dir.join("templates");
            std::fs::create_dir_all(&templates).unwrap();
            std::fs::write(templates.join("base.html"), ZOLA_BASE).unwrap();
            std::fs::write(templates.join("page.html"), ZOLA_PAGE).unwrap();
            std::fs::write(templates.join("section.html"), ZOLA_SECTION).unwrap();
            std::fs::write(templates.join("index.html"), ZOLA_SECTION).unwrap();
            std::fs::write(templates.join("print.html"), ZOLA_PRINT).unwrap();
            std::fs::create_dir_all(dir.join("content/print")).unwrap();
            std::fs::write(
                dir.join("content/_index.md"),
                "+++\ntitle = \"Bench\"\n+++\n",
            )
            .unwrap();
            std::fs::write(
                dir.join("content/print/_index.md"),
                "+++\ntitle = \"Print editions\"\n+++\n",
            )
            .unwrap();
        }
    }
}

fn write_report(rdir: &Path, tool: Tool, r: usize) {
    match tool {
        Tool::Rapport => std::fs::write(
            rdir.join("report.yaml"),
            format!(
                "title: Report {r}\npublished: 2023-01-{:02}\nkind: annual report\nperiod: 2022/23\nsummary: What report {r} found.\n",
                r % 28 + 1
            ),
        ),
        Tool::Hugo => std::fs::write(
            rdir.join("_index.md"),
            format!(
                "---\ntitle: Report {r}\ndate: 2023-01-{:02}\n---\n",
                r % 28 + 1
            ),
        ),
        Tool::Zola => std::fs::write(
            rdir.join("_index.md"),
            format!("+++\ntitle = \"Report {r}\"\nsort_by = \"weight\"\n+++\n"),
        )
        .and_then(|()| {
            // The report's print edition (see ZOLA_PRINT), beside the reports.
            let content = rdir.parent().expect("reports are in content/");
            std::fs::write(
                content.join(format!("print/report-{r:04}.md")),
                format!(
                    "+++\ntitle = \"Report {r} (print edition)\"\ntemplate = \"print.html\"\n[extra]\nreport = \"report-{r:04}/_index.md\"\n+++\n"
                ),
            )
        }),
    }
    .unwrap();
}

fn write_recommendations(rdir: &Path, seed: &mut u64) {
    let recs = rdir.join("recommendations");
    std::fs::create_dir_all(&recs).unwrap();
    for n in 1..=20 {
        let status = ["in progress", "implemented", "not started"][n % 3];
        std::fs::write(
            recs.join(format!("{n:02}.md")),
            format!(
                "---\nnumber: {n}\ntitle: Recommendation title {n}\ntheme: Theme {}\nlead: [Lead {}]\nresponses:\n  - date: 2022-06-30\n    status: not started\n    text: {}\n  - date: 2023-01-31\n    status: {status}\n    text: {}\n---\n{}\n",
                n % 4,
                n % 5,
                paragraph(seed, 30),
                paragraph(seed, 40),
                paragraph(seed, 50)
            ),
        )
        .unwrap();
    }
}

// Templates for the peers that do what rapport's chapter page does: a skip
// link, breadcrumbs, the report's contents, the chapter, previous and next;
// and, like rapport's print edition, one page per report with every chapter
// (Hugo: a second output format of each section; Zola: a page per report
// in a `print` section), so that each tool writes the same pages.

const HUGO_CONFIG: &str = "baseURL = 'https://example.org/'
title = 'Bench'
languageCode = 'en-gb'
disableKinds = ['taxonomy', 'term']
[markup.goldmark.extensions]
typographer = true
[outputFormats.print]
mediaType = 'text/html'
path = 'print'
baseName = 'index'
isHTML = true
[outputs]
section = ['html', 'print']
";

const HUGO_BASEOF: &str = r##"<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title>{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}"></head>
<body><a href="#main">Skip to content</a><header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
{{ block "main" . }}{{ end }}<footer>{{ .Site.Title }}</footer></body></html>
"##;

const HUGO_SINGLE: &str = r##"{{ define "main" }}
<nav aria-label="Breadcrumb"><ol><li><a href="{{ "/" | relURL }}">Home</a></li><li><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></li></ol></nav>
<nav aria-label="Contents"><ol>{{ range .CurrentSection.Pages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol></nav>
<main id="main"><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</main>
<nav aria-label="Chapters">{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
{{ end }}
"##;

const HUGO_LIST: &str = r##"{{ define "main" }}
<main id="main"><h1>{{ .Title }}</h1><ol>{{ range .Pages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary | plainify | truncate 80 }}</li>{{ end }}</ol></main>
{{ end }}
"##;

const HUGO_PRINT: &str = r##"{{ define "main" }}
<main id="main"><h1>{{ .Title }}</h1>
<nav aria-label="Contents"><ol>{{ range .Pages.ByWeight }}<li><a href="#{{ .File.BaseFileName }}">{{ .Title }}</a></li>{{ end }}</ol></nav>
{{ range .Pages.ByWeight }}<section id="{{ .File.BaseFileName }}"><h2>{{ .Title }}</h2>{{ .Content }}</section>
{{ end }}</main>
{{ end }}
"##;

const ZOLA_BASE: &str = r##"<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock %}</title>
</head>
<body><a href="#main">Skip to content</a><header><a href="{{ get_url(path="/") }}">{{ config.title }}</a></header>
{% block main %}{% endblock %}<footer>{{ config.title }}</footer></body></html>
"##;

const ZOLA_PAGE: &str = r##"{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ config.title }}{% endblock %}
{% block main %}
{% set section = get_section(path=page.ancestors | last) %}
<nav aria-label="Breadcrumb"><ol><li><a href="{{ get_url(path="/") }}">Home</a></li><li><a href="{{ section.permalink }}">{{ section.title }}</a></li></ol></nav>
<nav aria-label="Contents"><ol>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ol></nav>
<main id="main"><h1>{{ page.title }}</h1><ul>{% for h in page.toc %}<li><a href="#{{ h.id }}">{{ h.title }}</a></li>{% endfor %}</ul>{{ page.content | safe }}</main>
<nav aria-label="Chapters">{% if page.lower %}<a href="{{ page.lower.permalink }}">{{ page.lower.title }}</a>{% endif %}{% if page.higher %}<a href="{{ page.higher.permalink }}">{{ page.higher.title }}</a>{% endif %}</nav>
{% endblock %}
"##;

const ZOLA_SECTION: &str = r##"{% extends "base.html" %}
{% block main %}
<main id="main"><h1>{{ section.title }}</h1><ol>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a> {{ p.description }}</li>{% endfor %}{% for s in section.subsections %}<li><a href="{{ get_url(path=s) }}">{{ s }}</a></li>{% endfor %}</ol></main>
{% endblock %}
"##;

const ZOLA_PRINT: &str = r##"{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ config.title }}{% endblock %}
{% block main %}
{% set section = get_section(path=page.extra.report) %}
<main id="main"><h1>{{ section.title }}</h1>
<nav aria-label="Contents"><ol>{% for p in section.pages %}<li><a href="#{{ p.slug }}">{{ p.title }}</a></li>{% endfor %}</ol></nav>
{% for p in section.pages %}<section id="{{ p.slug }}"><h2>{{ p.title }}</h2>{{ p.content | safe }}</section>
{% endfor %}</main>
{% endblock %}
"##;
