//! Input that once reached the PDF engine and ended the build there: image
//! headers declaring billions of pixels, chapters too long to typeset, and
//! control characters in text. Each is now a content error at its place in
//! the sources, found before the PDF is typeset, fast and in bounded
//! memory. See docs/hardening.md ("Budgets for the PDF").

use std::time::{Duration, Instant};

use crate::harness::*;

// ---- fixtures made at test time ----

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8], good_crc: bool) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[4..]);
    out.extend(if good_crc { crc } else { crc ^ 1 }.to_be_bytes());
    out
}

/// A 74-byte PNG whose header declares `width` × `height` pixels of 8-bit
/// grey, followed by six bytes of image data (a stored zlib stream). At
/// 2,147,483,647 pixels square, the PDF engine's decoder asked for 4.6 EB
/// for it and the process aborted (exit 134); in colour it was refused.
pub(crate) fn png(width: u32, height: u32, good_crc: bool) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    let idat = [
        0x78, 0x01, 0x01, 0x06, 0x00, 0xf9, 0xff, 0, 0, 0, 0, 0, 0, 0x00, 0x06, 0x00, 0x01,
    ];
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &ihdr, good_crc));
    out.extend(chunk(b"IDAT", &idat, true));
    out.extend(chunk(b"IEND", &[], true));
    out
}

pub(crate) fn write_bytes(site: &TestSite, path: &str, bytes: &[u8]) {
    let p = site.dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The fixture site with a chapter showing `content/sample/img/<name>` on
/// line 7.
fn site_with_image(name: &str, bytes: &[u8]) -> TestSite {
    let site = TestSite::fixture("fixtures/full");
    write_bytes(&site, &format!("content/sample/img/{name}"), bytes);
    site.write(
        "content/sample/04-picture.md",
        &format!("---\ntitle: Picture\n---\n\nA picture follows.\n\n![The picture](img/{name})\n"),
    );
    site
}

/// Runs `args` and asserts a content error (exit 1, so no SIGABRT, which
/// exits 134) naming `expected`, within 60 seconds. With `build`, also the
/// peak memory from `--timings`: at most 256 MiB plus three times the
/// largest file, as for the other hostile inputs (tests/it/hostile.rs).
fn refused_fast(site: &TestSite, args: &[&str], expected: &[&str]) -> Run {
    let largest = largest_file(&site.dir);
    let mut args = args.to_vec();
    let is_build = args[0] == "build";
    if is_build {
        args.push("--timings");
    }
    let start = Instant::now();
    let run = site.run(&args);
    let took = start.elapsed();
    assert_eq!(
        run.code, 1,
        "`{}` should exit 1 with a content error; stderr:\n{}",
        args[0], run.stderr
    );
    for e in expected {
        assert!(run.stderr.contains(e), "expected `{e}` in:\n{}", run.stderr);
    }
    assert!(
        !run.stderr.contains("please report it"),
        "a PDF fault:\n{}",
        run.stderr
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    if is_build {
        let peak_mib = peak_memory_mib(&run.stderr);
        let budget = 256.0 + 3.0 * largest as f64 / (1024.0 * 1024.0);
        assert!(
            peak_mib < budget,
            "peak memory {peak_mib:.0} MiB, over {budget:.0}"
        );
    }
    run
}

// ---- images: one pixel and byte budget, wherever an image is used ----

#[test]
fn png_declaring_2147483647_pixels_square_is_refused_at_its_line() {
    for good_crc in [true, false] {
        let bomb = png(2_147_483_647, 2_147_483_647, good_crc);
        assert_eq!(bomb.len(), 74);
        let site = site_with_image("huge.png", &bomb);
        for command in ["build", "check"] {
            refused_fast(
                &site,
                &[command],
                &[
                    "content/sample/04-picture.md:7:1",
                    "error[image-too-large]: image `content/sample/img/huge.png` is 2,147,483,647 × 2,147,483,647 pixels",
                    "the limit is 50,000,000 pixels",
                    "resize it to at most 7,071 pixels wide before adding it",
                ],
            );
        }
    }
}

#[test]
fn png_of_20000_pixels_square_is_refused_with_its_size_and_the_limit() {
    let site = site_with_image("big.png", &png(20_000, 20_000, true));
    refused_fast(
        &site,
        &["build"],
        &[
            "content/sample/04-picture.md:7:1",
            "is 20,000 × 20,000 pixels (400,000,000 pixels); the limit is 50,000,000 pixels",
        ],
    );
}

#[test]
fn image_file_over_50_mb_is_refused_before_it_is_read() {
    let mut bytes = png(1_000, 1_000, true);
    bytes.resize(51 * 1024 * 1024, 0);
    let site = site_with_image("heavy.png", &bytes);
    refused_fast(
        &site,
        &["build"],
        &[
            "content/sample/04-picture.md:7:1",
            "error[image-too-large]: image `content/sample/img/heavy.png` is 51.0 MB; the limit is 50 MB",
        ],
    );
}

#[test]
fn damaged_picture_data_is_a_bad_image_not_a_pdf_fault() {
    // A sound header (64 × 32) over six bytes of picture data.
    let site = site_with_image("damaged.png", &png(64, 32, true));
    for command in ["build", "check"] {
        refused_fast(
            &site,
            &[command],
            &[
                "error[bad-image]: image `content/sample/img/damaged.png` cannot be read: the PDF engine cannot decode its picture data",
            ],
        );
    }
}

#[test]
fn truncated_or_fake_images_are_bad_images_not_pdf_faults() {
    // (file, bytes, error, why); a broken SVG is refused by the check every
    // published SVG passes, before it is measured.
    let cases: [(&str, &[u8], &str, &str); 4] = [
        (
            "cut.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\x0dIH",
            "bad-image",
            "its header is cut short or damaged",
        ),
        (
            "text.png",
            b"this is a text file, saved with the wrong name\n",
            "bad-image",
            "it is not a PNG, JPEG, GIF, WebP or SVG image",
        ),
        (
            "bitmap.png",
            b"BM\x3e\0\0\0\0\0\0\0\x3e\0\0\0\x28\0\0\0\x10\0\0\0\x10\0\0\0\x01\0\x01\0",
            "bad-image",
            "is a BMP image",
        ),
        (
            "broken.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>",
            "unsafe-file",
            "it is not well-formed XML",
        ),
    ];
    for (name, bytes, code, why) in cases {
        let site = site_with_image(name, bytes);
        let code = format!("error[{code}]");
        for command in ["build", "check"] {
            refused_fast(
                &site,
                &[command],
                &["content/sample/04-picture.md:7:1", &code, why],
            );
        }
    }
}

#[test]
fn svg_embedding_a_png_of_2147483647_pixels_square_is_refused() {
    let encoded: String = png(2_147_483_647, 2_147_483_647, true)
        .iter()
        .map(|b| format!("%{b:02X}"))
        .collect();
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><image width="100" height="100" href="data:image/png,{encoded}"/></svg>"#
    );
    let site = site_with_image("chart.svg", svg.as_bytes());
    refused_fast(
        &site,
        &["build"],
        &[
            "content/sample/04-picture.md:7:1",
            "image `content/sample/img/chart.svg` holds a picture (embedded png) of 2,147,483,647 × 2,147,483,647 pixels",
        ],
    );
}

#[test]
fn image_in_a_recommendation_is_refused_at_its_line() {
    let site = TestSite::fixture("fixtures/full");
    write_bytes(
        &site,
        "content/sample/img/huge.png",
        &png(2_147_483_647, 2_147_483_647, true),
    );
    site.write(
        "content/sample/recommendations/1.md",
        "---\nnumber: 1\ntitle: Publish the data\n---\nPublish it.\n\n![A huge picture](../img/huge.png)\n",
    );
    refused_fast(
        &site,
        &["build"],
        &[
            "content/sample/recommendations/1.md:7:1",
            "error[image-too-large]",
        ],
    );
}

#[test]
fn logo_declaring_2147483647_pixels_square_is_refused_in_site_yaml() {
    let site = TestSite::fixture("fixtures/full");
    write_bytes(
        &site,
        "static/logo.png",
        &png(2_147_483_647, 2_147_483_647, false),
    );
    site.write(
        "site.yaml",
        "title: T\norganisation: O\nbranding:\n  logo: static/logo.png\n  logo_alt: The logo\n",
    );
    for command in ["build", "check"] {
        let run = site.run(&[command]);
        // site.yaml's problems are configuration problems: exit 2.
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("site.yaml:4:9")
                && run
                    .stderr
                    .contains("error[image-too-large]: image `static/logo.png` is 2,147,483,647"),
            "{}",
            run.stderr
        );
    }
}

/// The last line: an image only the PDF engine asks for (here in a site's
/// own Typst template, which no chapter names) is measured as it is read.
#[test]
fn image_in_a_site_template_is_measured_before_the_pdf_engine_decodes_it() {
    let site = TestSite::fixture("fixtures/full");
    write_bytes(
        &site,
        "static/seal.png",
        &png(2_147_483_647, 2_147_483_647, true),
    );
    let template = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/pdf/report.typ"),
    )
    .unwrap();
    let cover = "if logo != none { image(logo, height: 1.6cm, alt: logo-alt) }";
    assert!(template.contains(cover));
    site.write(
        "templates/report.typ",
        &template.replace(
            cover,
            r#"image("/static/seal.png", height: 2cm, alt: "Seal")"#,
        ),
    );
    let run = site.build();
    // The template is the site's configuration: exit 2, pointing there.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("image `static/seal.png` is 2,147,483,647 × 2,147,483,647 pixels")
            && run.stderr.contains("templates/report.typ"),
        "{}",
        run.stderr
    );
}

// ---- the size of a chapter ----

#[test]
fn chapter_over_the_size_limit_is_refused_at_line_1_without_typesetting() {
    let site = TestSite::fixture("fixtures/full");
    let limit = rapport::content::MAX_CHAPTER_BYTES as usize;
    site.write("content/sample/04-long.md", &prose("Long", limit + 1));
    let run = refused_fast(
        &site,
        &["build"],
        &[
            "content/sample/04-long.md:1:1",
            "error[chapter-too-large]: this chapter is",
            "the limit is 1,048,576 bytes (1 MB)",
            "split it into 2 or more chapters",
        ],
    );
    assert!(!run.stderr.contains("error[pdf]"), "{}", run.stderr);
}

/// The words of an overlong report: a chapter of at least `bytes`.
fn prose(title: &str, bytes: usize) -> String {
    let para =
        "A paragraph of a long report, with words enough to fill a line or two of print.\n\n";
    let mut text = format!("---\ntitle: {title}\n---\n\n");
    while text.len() < bytes {
        text.push_str(para);
    }
    text
}

#[test]
fn report_whose_pdf_would_need_over_2_gib_is_refused_before_typesetting() {
    // Nine distinct images of 49 megapixels: each within the image
    // budget, together more than the PDF's. Only their headers are real,
    // so typesetting them would fail differently.
    let site = TestSite::fixture("fixtures/full");
    let mut body = String::from("---\ntitle: Photographs\n---\n\n");
    for i in 0..9 {
        write_bytes(
            &site,
            &format!("content/sample/img/photo{i}.png"),
            &png(7_000, 7_000, true),
        );
        body.push_str(&format!("![Photograph {i}](img/photo{i}.png)\n\n"));
    }
    site.write("content/sample/04-photos.md", &body);
    for command in ["build", "check"] {
        refused_fast(
            &site,
            &[command],
            &[
                "error[pdf-too-large]: the PDF of this report would need about 2.05 GB of memory to typeset; the limit is 2.00 GB",
                "--> content/sample/report.yaml:1:1",
                "441 megapixels of images",
            ],
        );
    }
    // Seven chapters each just under the chapter limit: what splitting an
    // overlong chapter gives, still too long for one PDF.
    let site = TestSite::fixture("fixtures/full");
    let limit = rapport::content::MAX_CHAPTER_BYTES as usize;
    for i in 0..7 {
        site.write(
            &format!("content/sample/1{i}-part.md"),
            &prose(&format!("Part {i}"), limit - 200),
        );
    }
    let run = refused_fast(
        &site,
        &["build"],
        &["error[pdf-too-large]", "--> content/sample/report.yaml:1:1"],
    );
    assert!(!run.stderr.contains("chapter-too-large"), "{}", run.stderr);
}

/// Each note used to be found by searching the list of notes (in the
/// parser, and again in the conversion to Typst): quadratic in a chapter
/// with many notes.
#[cfg(feature = "pdf")]
#[test]
fn many_footnotes_stay_near_linear_to_the_pdf_markup() {
    let make = |n: usize| {
        let refs: String = (0..n).map(|i| format!("Said[^n{i}]. ")).collect();
        let defs: String = (0..n).map(|i| format!("[^n{i}]: Note {i}.\n")).collect();
        format!("---\ntitle: Notes\n---\n\n{refs}\n\n{defs}")
    };
    let time = |md: &str| {
        let mut fs = rapport::vfs::MemoryFs::new();
        fs.add("site.yaml", "title: T\norganisation: O\n")
            .add("content/r/report.yaml", "title: R\npublished: 2024-01-01\n")
            .add("content/r/01-notes.md", md);
        let mut times: Vec<Duration> = (0..3)
            .map(|_| {
                let start = Instant::now();
                let diags = rapport::diagnostics::Diagnostics::new();
                let sources = rapport::diagnostics::SourceMap::default();
                let site = rapport::build::load(
                    &fs,
                    &Default::default(),
                    &diags,
                    &sources,
                    &mut Default::default(),
                )
                .unwrap();
                std::hint::black_box(rapport::pdf::markup::document(&site, 0, None).text.len());
                start.elapsed()
            })
            .collect();
        times.sort();
        times[1].as_secs_f64().max(1e-9)
    };
    let mut n = 500;
    while time(&make(n)) < 0.01 && n < 200_000 {
        n *= 2;
    }
    let limit = 2.5f64.log2();
    let mut slopes = Vec::new();
    for _ in 0..3 {
        let points: Vec<(f64, f64)> = (0..4)
            .map(|k| (((n << k) as f64).log2(), time(&make(n << k)).log2()))
            .collect();
        let (mx, my) = points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.0 / 4.0, y + p.1 / 4.0));
        let cov: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
        let var: f64 = points.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
        let slope = cov / var;
        if slope <= limit {
            return;
        }
        slopes.push(slope);
    }
    panic!("footnotes: time grows as size^{slopes:.2?} from N = {n}, above size^{limit:.2}");
}

// ---- control characters, wherever text is written ----

/// Asserts `build` fails with a `control-character` error at `at`
/// (`file:line:column`) naming `name`, and no PDF fault.
fn control_refused(site: &TestSite, at: &str, name: &str) {
    let run = refused_fast(
        site,
        &["build"],
        &[
            "error[control-character]",
            format!("--> {at}\n").as_str(),
            name,
        ],
    );
    assert!(!run.stderr.contains("error[pdf]"), "{}", run.stderr);
}

#[test]
fn nul_in_report_summary_is_an_error_at_its_position_not_a_pdf_fault() {
    let site = TestSite::fixture("fixtures/full");
    let yaml =
        "title: Sample Annual Report\npublished: 2023-12-06\nsummary: \"A year\\0 of work.\"\n";
    site.write("content/sample/report.yaml", yaml);
    control_refused(&site, "content/sample/report.yaml:3:17", "U+0000 (NUL)");
    // Typed as itself rather than escaped, in a plain value.
    site.write(
        "content/sample/report.yaml",
        "title: Sample Annual Report\npublished: 2023-12-06\nsummary: A year\u{0} of work.\n",
    );
    control_refused(&site, "content/sample/report.yaml:3:16", "U+0000 (NUL)");
}

#[test]
fn control_character_in_a_chapter_body_is_an_error_at_its_column() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-pasted.md",
        "---\ntitle: Pasted\n---\n\nFirst line.\nPasted from Word:\u{b}a new line.\n",
    );
    control_refused(
        &site,
        "content/sample/04-pasted.md:6:18",
        "U+000B (vertical tab)",
    );
    // Written as a character reference instead.
    site.write(
        "content/sample/04-pasted.md",
        "---\ntitle: Pasted\n---\n\nA bell &#7; rings.\n",
    );
    control_refused(&site, "content/sample/04-pasted.md:5:8", "U+0007 (bell)");
}

#[test]
fn control_character_in_front_matter_title_is_an_error_at_its_column() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/04-title.md",
        "---\ntitle: \"Escape\\e here\"\n---\n\nBody.\n",
    );
    control_refused(&site, "content/sample/04-title.md:2:15", "U+001B (escape)");
}

#[test]
fn control_character_in_a_csv_cell_is_an_error_at_its_column() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/data/areas.yaml",
        "caption: Areas\nfile: areas.csv\ncolumns:\n  - key: area\n  - key: amount\n    type: integer\n",
    );
    site.write(
        "content/sample/data/areas.csv",
        "area,amount\nDudley,5\nSand\u{7f}well,7\n",
    );
    control_refused(&site, "content/sample/data/areas.csv:3:5", "U+007F (DEL)");
}

#[test]
fn control_character_in_a_recommendation_file_is_an_error_at_its_column() {
    let site = TestSite::fixture("fixtures/full");
    site.write(
        "content/sample/recommendations/1.md",
        "---\nnumber: 1\ntitle: Publish \u{93}the data\u{94}\n---\nPublish it.\n",
    );
    let run = refused_fast(
        &site,
        &["build"],
        &[
            "error[control-character]",
            "--> content/sample/recommendations/1.md:3:16\n",
            "U+0093 (a C1 control)",
            "type `“` in its place",
        ],
    );
    assert!(!run.stderr.contains("error[pdf]"), "{}", run.stderr);
}
