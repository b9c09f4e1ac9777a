//! The synthetic site generator shared by the benchmarks.

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

pub fn generate(dir: &Path, chapters: usize, per_report: usize) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("site.yaml"),
        "title: Bench\norganisation: Bench\nbase_url: https://example.org/\n",
    )
    .unwrap();
    let mut seed = 42u64;
    for c in 0..chapters {
        let r = c / per_report;
        let rdir = dir.join(format!("content/report-{r:04}"));
        if c % per_report == 0 {
            std::fs::create_dir_all(&rdir).unwrap();
            std::fs::write(
                rdir.join("report.yaml"),
                format!(
                    "title: Report {r}\npublished: 2023-01-{:02}\nkind: annual report\n",
                    r % 28 + 1
                ),
            )
            .unwrap();
            // Twenty recommendations per report, each with two responses,
            // so the tracker, its filter pages and item pages are measured.
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
                        paragraph(&mut seed, 30),
                        paragraph(&mut seed, 40),
                        paragraph(&mut seed, 50)
                    ),
                )
                .unwrap();
            }
        }
        let i = c % per_report;
        let mut md = format!(
            "---\ntitle: Chapter {i}\norder: {i}\nsummary: Chapter {i} of report {r}.\n---\n\n"
        );
        for h in 0..3 {
            let _ = writeln!(
                md,
                "## Section {h}\n\n{}[^n{h}]\n\n{}\n",
                paragraph(&mut seed, 70),
                paragraph(&mut seed, 60)
            );
        }
        md.push_str(
            "- first point\n- second point with a [link](https://example.org)\n- third point\n\n",
        );
        md.push_str("| Area | Amount |\n| --- | ---: |\n");
        for row in 0..10 {
            let _ = writeln!(md, "| Area {row} | £{} |", (row + 1) * 1000);
        }
        if i > 0 {
            let _ = writeln!(md, "\nSee the [previous chapter](c{:05}.md).", i - 1);
        } else {
            md.push_str("\n> [!RECOMMENDATIONS] Still in progress\n> status: in progress\n\nAs [](rec:3) asked.\n");
        }
        md.push_str("\n[^n0]: First note.\n[^n1]: Second note.\n[^n2]: Third note.\n");
        std::fs::write(rdir.join(format!("c{i:05}.md")), md).unwrap();
    }
}
