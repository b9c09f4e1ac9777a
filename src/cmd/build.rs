use std::path::PathBuf;
use std::time::Instant;

use rapport::build::{BuildOptions, build_to_disk, default_output};

#[derive(clap::Args)]
pub struct Args {
    /// The site folder (the one with site.yaml)
    #[arg(default_value = ".")]
    site_dir: PathBuf,
    /// Where to write the site [default: SITE_DIR/output]
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Use this address instead of base_url in site.yaml (for previews)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include reports and chapters marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Mark every page "preview, not published" and ask search engines not
    /// to index the site (for pull request previews)
    #[arg(long)]
    preview: bool,
    /// Do not make the PDF edition
    #[arg(long)]
    no_pdf: bool,
    /// Print how long each phase took (load, checks, pdf, pages, write) and
    /// the most memory the build held
    #[arg(long)]
    timings: bool,
    /// Do not make the search index (the search page then explains that
    /// search is not available)
    #[arg(long)]
    no_search: bool,
    /// Keep PDFs in this folder and reuse them while what they are made from
    /// is unchanged (for CI, keep the folder between runs)
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    let start = Instant::now();
    let out = args
        .output
        .unwrap_or_else(|| default_output(&args.site_dir));
    let cache_dir = match args.cache.map(|c| cache_folder(&c, &out)) {
        Some(Err(code)) => return code,
        Some(Ok(c)) => Some(c),
        None => None,
    };
    let opts = BuildOptions {
        drafts: args.drafts,
        base_url: args.base_url,
        preview: args.preview,
        no_pdf: args.no_pdf,
        pdf_later: None,
        cache: None,
        no_search: args.no_search,
        cache_dir,
        cms_local_backend: None,
    };
    let outcome = build_to_disk(&args.site_dir, &out, &opts);
    super::report(&outcome);
    if args.timings {
        for (phase, took) in &outcome.timings.0 {
            eprintln!("{phase:>8}: {:>8.1} ms", took.as_secs_f64() * 1000.0);
        }
        if let Some(kib) = peak_memory_kib() {
            eprintln!("  memory: {:>8.1} MiB at most", kib as f64 / 1024.0);
        }
    }
    let code = outcome.exit_code();
    if code == 0 {
        let pages = outcome
            .output
            .as_ref()
            .map(|o| o.files.keys().filter(|k| k.ends_with(".html")).count())
            .unwrap_or(0);
        let reports = outcome.site.as_ref().map(|s| s.reports.len()).unwrap_or(0);
        let drafts = |code: &str| {
            outcome
                .diagnostics
                .iter()
                .filter(|d| d.code == code)
                .count()
        };
        let left_out = [
            counted(drafts("draft-report"), "draft report", "draft reports"),
            counted(drafts("draft-content"), "draft chapter", "draft chapters"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        let left_out = if left_out.is_empty() {
            String::new()
        } else {
            format!("; left out: {}", left_out.join(", "))
        };
        eprintln!(
            "built {} and {} into {} in {} ms{left_out}",
            counted(reports, "report", "reports").unwrap_or_else(|| "0 reports".into()),
            counted(pages, "page", "pages").unwrap_or_else(|| "0 pages".into()),
            out.display(),
            start.elapsed().as_millis()
        );
    } else {
        eprintln!("build failed; {} was left as it was", out.display());
    }
    // The process ends next. Freeing the model and every page one
    // allocation at a time was a noticeable part of a large build's time;
    // the system takes the memory back at once.
    std::mem::forget(outcome);
    code
}

/// The `--cache` folder as an absolute path; refused inside the output
/// folder, which each build replaces whole.
fn cache_folder(cache: &std::path::Path, out: &std::path::Path) -> Result<PathBuf, i32> {
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (cache, out) = (absolute(cache), absolute(out));
    if cache.starts_with(&out) {
        eprintln!(
            "error: the cache folder `{}` is inside the output folder `{}`, which each build replaces",
            cache.display(),
            out.display()
        );
        eprintln!(
            "  help: give a folder outside it, e.g. `--cache .rapport-cache` in the site's folder"
        );
        return Err(2);
    }
    Ok(cache)
}

/// The most memory this process has held (Linux's `VmHWM`). Read here, in
/// the process itself, because a parent's `wait4` also counts the memory of
/// the parent it was started from.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// "1 report", "3 reports"; none for 0.
fn counted(n: usize, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}
