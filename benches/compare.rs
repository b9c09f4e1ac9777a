//! `cargo bench --bench compare [-- PAGES... [--runs N] [--disk-only|--tmpfs-only]]`
//! (or `-- --write-site DIR CHAPTERS rapport|hugo|zola` to write one site and stop):
//! rapport side by side with Hugo and Zola on the same content.
//!
//! For each size it writes one synthetic site per tool (identical chapter
//! text, equivalent templates: see `common`), then builds each with the
//! tool's own command line as a child process, `--runs` times (default 5,
//! the tools taking turns), with the sources and the output on tmpfs
//! (`/dev/shm`) and on disk. It reports the pages and bytes of HTML each
//! wrote, the median wall time, the CPU time (user + system) and the peak
//! resident memory of the child, read with `wait4`, and rapport's ratios
//! against each peer measured in the same run. A peer that is not installed
//! (`hugo`, `zola` on the PATH) is skipped and said so.
//!
//! rapport builds with `--no-pdf --no-search`: the peers make no PDF and no
//! search index (Zola's is turned off in its config), and both stages have
//! their own measurements (`cargo bench --bench pdf`, docs/search.md).
//!
//! `-- --full CHAPTERS [--runs N]` measures the build a user runs instead,
//! on tmpfs: rapport with its PDFs and search index, cold (no cache), again
//! with `--cache` and nothing changed, and again after one chapter changed,
//! each against Zola's build with its search index, in the same run
//! (docs/performance.md gives the targets of issue #23).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod common;
use common::{Synth, Tool, write_site};

#[derive(Clone, Copy, Default)]
struct Run {
    wall: f64,
    cpu: f64,
    rss_mib: f64,
}

/// Runs a command to completion and reads its resource use.
fn measure(cmd: &mut Command) -> Run {
    cmd.stdout(std::process::Stdio::null());
    let start = Instant::now();
    // Waited for below with wait4, which also reads its resource use.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().expect("start the tool");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; the child is ours
    // and has not been waited for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        // Linux reports ru_maxrss in KiB.
        rss_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn installed(program: &str, version_arg: &str) -> bool {
    Command::new(program)
        .arg(version_arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn build_command(tool: Tool, site: &Path, out: &Path) -> Command {
    match tool {
        Tool::Rapport => {
            let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
            c.arg("build")
                .arg(site)
                .arg("--output")
                .arg(out)
                .arg("--no-pdf")
                .arg("--no-search");
            c
        }
        Tool::Hugo => {
            let mut c = Command::new("hugo");
            c.arg("--source")
                .arg(site)
                .arg("--destination")
                .arg(out)
                .arg("--quiet");
            c
        }
        Tool::Zola => {
            let mut c = Command::new("zola");
            c.arg("--root")
                .arg(site)
                .arg("build")
                .arg("--output-dir")
                .arg(out)
                .arg("--force");
            c
        }
    }
}

/// The HTML pages a tool wrote: how many, and their size in bytes.
fn html_pages(dir: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .fold((0, 0), |(n, bytes), e| {
            (n + 1, bytes + e.metadata().map_or(0, |m| m.len()))
        })
}

fn name(tool: Tool) -> &'static str {
    match tool {
        Tool::Rapport => "rapport",
        Tool::Hugo => "hugo",
        Tool::Zola => "zola",
    }
}

/// `--full`: the default build with its PDFs and search index, cold and
/// with a cache, against Zola with its index.
fn full(chapters: usize, runs: usize) {
    let synth = Synth {
        chapters,
        per_report: 100,
        recommendations: false,
    };
    let root = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let tmp = tempfile::Builder::new()
        .prefix("rapport-full")
        .tempdir_in(root)
        .unwrap();
    let (ours, zola) = (tmp.path().join("rapport"), tmp.path().join("zola"));
    write_site(&ours, Tool::Rapport, synth);
    let zola_on = installed("zola", "--version");
    if zola_on {
        write_site(&zola, Tool::Zola, synth);
        let config = zola.join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(
            &config,
            text.replace("build_search_index = false", "build_search_index = true"),
        )
        .unwrap();
    } else {
        println!("(zola is not installed: no ratios)");
    }
    let cache = tmp.path().join("cache");
    let out = tmp.path().join("out");
    let log = tmp.path().join("timings.txt");
    let rapport = |cached: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
        c.arg("build").arg(&ours).arg("--output").arg(&out);
        if cached {
            c.arg("--cache").arg(&cache);
            c.stderr(std::process::Stdio::null());
        } else {
            // The cold build's phases, for the PDF and search stages.
            c.arg("--timings");
            c.stderr(std::fs::File::create(&log).unwrap());
        }
        c
    };
    let chapter = ours.join("content/report-0000/c00001.md");
    let (mut cold, mut same, mut one, mut peer) = (vec![], vec![], vec![], vec![]);
    let (mut pdf_stage, mut search_stage, mut cold_memory) = (vec![], vec![], vec![]);
    // The cache warmed once, then the runs take turns.
    measure(&mut rapport(true));
    for run in 0..runs {
        let c = measure(&mut rapport(false));
        cold.push(c.wall);
        cold_memory.push(c.rss_mib);
        let phases = std::fs::read_to_string(&log).unwrap();
        pdf_stage.push(phase(&phases, "pdf"));
        search_stage.push(phase(&phases, "search"));
        // The cold build above replaced the output: the cached builds
        // start from the previous output, as a deploy does.
        same.push(measure(&mut rapport(true)).wall);
        let mut text = std::fs::read_to_string(&chapter).unwrap();
        text.push_str(&format!("\nA sentence added for run {run}.\n"));
        std::fs::write(&chapter, text).unwrap();
        one.push(measure(&mut rapport(true)).wall);
        if zola_on {
            let zout = tmp.path().join("zola-out");
            peer.push(measure(&mut build_command(Tool::Zola, &zola, &zout)).wall);
        }
    }
    let (cold, same, one) = (median(cold), median(same), median(one));
    let (pdf_stage, search_stage) = (median(pdf_stage), median(search_stage));
    let pages = pdf_pages(&out);
    println!("{chapters} chapters, PDFs and search, median of {runs} runs on tmpfs:");
    println!(
        "  rapport, no cache:                   {cold:8.3} s  (peak memory {:.0} MiB)",
        median(cold_memory)
    );
    println!(
        "    of which the PDF stage {pdf_stage:.3} s for {pages} pages ({:.2} ms a page), the search stage {search_stage:.3} s, side by side",
        pdf_stage * 1000.0 / pages as f64
    );
    println!(
        "  rapport, cache, nothing changed:     {same:8.3} s  ({:.3} x the cold build)",
        same / cold
    );
    println!(
        "  rapport, cache, one chapter changed: {one:8.3} s  ({:.3} x the cold build)",
        one / cold
    );
    if zola_on {
        let z = median(peer);
        println!("  zola with its search index:          {z:8.3} s");
        println!(
            "  ratios to zola: cold {:.2} x, nothing changed {:.2} x, one chapter changed {:.2} x; rapport's search stage {:.2} x zola's whole build",
            cold / z,
            same / z,
            one / z,
            search_stage / z
        );
    }
}

/// A phase's time in seconds from `rapport build --timings` (`  pdf:  812.3 ms`).
fn phase(timings: &str, name: &str) -> f64 {
    timings
        .lines()
        .filter_map(|l| l.trim().strip_prefix(name)?.strip_prefix(':'))
        .filter_map(|rest| rest.trim().strip_suffix("ms")?.trim().parse::<f64>().ok())
        .sum::<f64>()
        / 1000.0
}

/// The pages of every PDF under `dir`.
fn pdf_pages(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| lopdf::Document::load(e.path()).map_or(0, |d| d.get_pages().len()))
        .sum()
}

fn main() {
    let mut sizes = Vec::new();
    let mut runs = 5;
    let mut media = vec!["tmpfs", "disk"];
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            "--disk-only" => media = vec!["disk"],
            "--tmpfs-only" => media = vec!["tmpfs"],
            "--full" => {
                let n = args.next().and_then(|n| n.parse().ok()).expect("CHAPTERS");
                let runs = match (args.next().as_deref(), args.next()) {
                    (Some("--runs"), Some(r)) => r.parse().unwrap_or(3),
                    _ => 3,
                };
                full(n, runs);
                return;
            }
            // `--write-site DIR CHAPTERS TOOL`: only write a site (for
            // profiling one tool by hand), then stop.
            "--write-site" => {
                let dir = PathBuf::from(args.next().expect("DIR"));
                let n = args.next().and_then(|n| n.parse().ok()).expect("CHAPTERS");
                let tool = match args.next().as_deref() {
                    Some("hugo") => Tool::Hugo,
                    Some("zola") => Tool::Zola,
                    _ => Tool::Rapport,
                };
                let synth = Synth {
                    chapters: n,
                    per_report: 100,
                    recommendations: false,
                };
                write_site(&dir, tool, synth);
                return;
            }
            n => sizes.extend(n.parse::<usize>().ok()),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000];
    }
    let mut tools = vec![Tool::Rapport];
    for (tool, program, version_arg) in [
        (Tool::Hugo, "hugo", "version"),
        (Tool::Zola, "zola", "--version"),
    ] {
        if installed(program, version_arg) {
            tools.push(tool);
        } else {
            println!("({program} is not installed: skipped)");
        }
    }
    println!(
        "{:>6} {:>8} {:>8} {:>7} {:>8} {:>9} {:>9} {:>9} {:>10} {:>8} {:>8}",
        "medium",
        "chapters",
        "tool",
        "pages",
        "HTML MB",
        "wall s",
        "cpu s",
        "pages/s",
        "peak MiB",
        "wall vs",
        "cpu vs"
    );
    for medium in media {
        let root: PathBuf = match medium {
            "tmpfs" if Path::new("/dev/shm").is_dir() => "/dev/shm".into(),
            "tmpfs" => {
                println!("(no /dev/shm: tmpfs skipped)");
                continue;
            }
            _ => std::env::temp_dir(),
        };
        let tmp = tempfile::Builder::new()
            .prefix("rapport-compare")
            .tempdir_in(&root)
            .unwrap();
        for &n in &sizes {
            let synth = Synth {
                chapters: n,
                per_report: 100,
                recommendations: false,
            };
            // Every site is written first, and the runs take turns (rapport,
            // Hugo, Zola, rapport, ...): on a shared machine the load moves
            // from minute to minute, and taking turns puts each tool under
            // the same conditions, so the ratios are fair even when the
            // times are not steady.
            let sites: Vec<(PathBuf, PathBuf)> = tools
                .iter()
                .map(|&tool| {
                    let site = tmp.path().join(format!("{}-{n}", name(tool)));
                    write_site(&site, tool, synth);
                    let out = tmp.path().join(format!("{}-{n}-out", name(tool)));
                    (site, out)
                })
                .collect();
            let mut samples: Vec<Vec<Run>> = vec![Vec::new(); tools.len()];
            for _ in 0..runs {
                for (t, &tool) in tools.iter().enumerate() {
                    let (site, out) = &sites[t];
                    let _ = std::fs::remove_dir_all(out);
                    samples[t].push(measure(&mut build_command(tool, site, out)));
                }
            }
            let mut results: Vec<(Tool, (usize, u64), Run)> = Vec::new();
            for (t, &tool) in tools.iter().enumerate() {
                let (site, out) = &sites[t];
                let written = html_pages(out);
                let s = &samples[t];
                let run = Run {
                    wall: median(s.iter().map(|r| r.wall).collect()),
                    cpu: median(s.iter().map(|r| r.cpu).collect()),
                    rss_mib: median(s.iter().map(|r| r.rss_mib).collect()),
                };
                results.push((tool, written, run));
                let _ = std::fs::remove_dir_all(out);
                let _ = std::fs::remove_dir_all(site);
            }
            let ours = results[0].2;
            for (tool, (pages, bytes), run) in &results {
                let vs = |peer: f64, us: f64| {
                    if *tool == Tool::Rapport {
                        String::new()
                    } else {
                        format!("{:.1}x", peer / us)
                    }
                };
                println!(
                    "{medium:>6} {n:>8} {:>8} {pages:>7} {:>8.0} {:>9.3} {:>9.3} {:>9.0} {:>10.0} {:>8} {:>8}",
                    name(*tool),
                    *bytes as f64 / 1e6,
                    run.wall,
                    run.cpu,
                    *pages as f64 / run.wall,
                    run.rss_mib,
                    vs(run.wall, ours.wall),
                    vs(run.cpu, ours.cpu),
                );
            }
        }
    }
    println!(
        "(median of {runs} runs, the tools taking turns; `vs` is the peer's time divided by rapport's: how many times faster rapport is)"
    );
}
