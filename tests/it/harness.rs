//! A small fluent harness: a site in a temporary folder, built with the
//! real `rapport` binary, and helpers to read pages as a browser would.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

pub struct TestSite {
    tmp: std::sync::Arc<tempfile::TempDir>,
    pub dir: PathBuf,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>` (or any folder under tests/).
    pub fn fixture(rel: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        copy_dir(&fixtures().join(rel), &dir);
        TestSite {
            tmp: std::sync::Arc::new(tmp),
            dir,
        }
    }

    /// A copy of the example site at the root of the repository
    /// (`site.yaml`, `content/`, `themes/`).
    pub fn example() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(root.join("site.yaml"), dir.join("site.yaml")).unwrap();
        for sub in ["content", "themes"] {
            copy_dir(&root.join(sub), &dir.join(sub));
        }
        TestSite {
            tmp: std::sync::Arc::new(tmp),
            dir,
        }
    }

    /// A generated site of `chapters` chapters, `per_report` to a report,
    /// each report with twenty recommendations (the benchmarks' generator):
    /// for tests that need many pages but no particular words.
    pub fn generated(chapters: usize, per_report: usize) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        crate::synthetic::generate(&dir, chapters, per_report);
        TestSite {
            tmp: std::sync::Arc::new(tmp),
            dir,
        }
    }

    /// An empty folder (for `init`).
    pub fn empty() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("site");
        TestSite {
            tmp: std::sync::Arc::new(tmp),
            dir,
        }
    }

    pub fn write(&self, path: &str, text: &str) -> &Self {
        let p = self.dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .output()
            .expect("run rapport");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            output: self.dir.join("output"),
            _tmp: self.tmp.clone(),
        }
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn outside(&self) -> PathBuf {
        self.dir.parent().unwrap().to_path_buf()
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub output: PathBuf,
    /// Keeps the site's folder alive as long as its output is being read.
    _tmp: std::sync::Arc<tempfile::TempDir>,
}

impl Run {
    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, 0, "build failed:\n{}", self.stderr);
        self
    }

    #[track_caller]
    pub fn exit(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code; stderr:\n{}",
            self.stderr
        );
        self
    }

    pub fn page(&self, path: &str) -> Page {
        let p = self.output.join(path);
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
        Page {
            html: Html::parse_document(&text),
            text,
        }
    }
}

pub struct Page {
    pub text: String,
    pub html: Html,
}

impl Page {
    pub fn parse(text: &str) -> Page {
        Page {
            html: Html::parse_document(text),
            text: text.to_string(),
        }
    }

    pub fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap();
        self.html.select(&sel).collect()
    }

    /// The visible text of the first element matching `css`.
    #[track_caller]
    pub fn text_of(&self, css: &str) -> String {
        let els = self.all(css);
        let el = els
            .first()
            .unwrap_or_else(|| panic!("no element matches `{css}`"));
        el.text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The visible text of every element matching `css`, whitespace collapsed.
    pub fn cells(&self, css: &str) -> Vec<String> {
        self.all(css)
            .iter()
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn attr(&self, css: &str, attr: &str) -> Option<String> {
        self.all(css)
            .first()
            .and_then(|e| e.value().attr(attr))
            .map(str::to_string)
    }

    pub fn hrefs(&self) -> Vec<String> {
        self.all("a[href]")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect()
    }

    pub fn ids(&self) -> Vec<String> {
        self.all("[id]")
            .iter()
            .filter_map(|e| e.value().attr("id").map(str::to_string))
            .collect()
    }
}

/// Whether this run rewrites golden files instead of comparing with them
/// (`RAPPORT_BLESS=1 cargo test ...`; docs/testing.md).
pub fn blessing() -> bool {
    std::env::var_os("RAPPORT_BLESS").is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file `rel` (a path under `tests/`);
/// with `RAPPORT_BLESS=1`, writes `actual` there instead, for review in
/// `git diff`.
#[track_caller]
pub fn assert_golden(rel: &str, actual: &str) {
    let path = fixtures().join(rel);
    if blessing() {
        std::fs::write(&path, actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\n(RAPPORT_BLESS=1 writes it from this run)",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let (want, got): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), actual.lines().collect());
    let line = want
        .iter()
        .zip(&got)
        .position(|(w, g)| w != g)
        .unwrap_or(want.len().min(got.len()));
    panic!(
        "output differs from tests/{rel} at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
         the whole output of this run:\n{actual}\n\
         (if the change is intended: RAPPORT_BLESS=1 cargo test --test it <test name>, then review git diff)",
        line + 1,
        want.get(line).copied().unwrap_or("(end of file)"),
        got.get(line).copied().unwrap_or("(end of output)"),
    );
}

/// The size of the largest file under `dir`: memory budgets in the
/// hostile-input tests allow for reading the largest file whole.
pub fn largest_file(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .max()
        .unwrap_or(0)
}

/// The peak memory `build --timings` reports, in MiB.
#[track_caller]
pub fn peak_memory_mib(stderr: &str) -> f64 {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("memory:"))
        .and_then(|m| m.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in:\n{stderr}"))
}

/// Every file under `dir` with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The scripts the default theme ships: any other `<script>` in a page came
/// from content, which must never happen.
pub const THEME_SCRIPTS: &[&str] = &["assets/tracker.js", "assets/search.js", "assets/strings.js"];

/// Whether every `<script>` of a page is one of the theme's own files (an
/// external file, with nothing inline).
pub fn only_theme_scripts(page: &Page) -> bool {
    page.all("script").iter().all(|s| is_theme_script(s))
}

/// A `<script src>` naming one of [`THEME_SCRIPTS`], with no inline code.
pub fn is_theme_script(el: &scraper::ElementRef<'_>) -> bool {
    el.value()
        .attr("src")
        .is_some_and(|src| THEME_SCRIPTS.iter().any(|t| src.ends_with(t)))
        && el.text().all(|t| t.trim().is_empty())
}

/// `rapport serve` running on a free port, stopped when dropped.
pub struct Server {
    child: std::process::Child,
    pub addr: String,
    _site: TestSite,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `rapport serve` on the site and waits for its address.
pub fn start(site: TestSite) -> Server {
    start_with(site, &[])
}

/// Starts `rapport serve --port 0` with more arguments.
pub fn start_with(site: TestSite, args: &[&str]) -> Server {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--port", "0"])
        .args(args)
        .current_dir(&site.dir)
        // The server's PDF cache goes in its temporary folder, which the
        // server removes only when stopped with Ctrl+C, not killed.
        .env("TMPDIR", site.outside())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server {
        child,
        addr,
        _site: site,
    }
}

/// Sends `raw` as written and reads the answer until the server closes:
/// the status and the whole response.
pub fn request(addr: &str, raw: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, resp)
}

/// A raw request, so that the path reaches the server exactly as written.
pub fn get(addr: &str, path: &str, host: &str) -> (u16, String) {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

/// A GET's status, head and body, the body as bytes (a PDF is not text).
pub fn get_bytes(addr: &str, path: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let end = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&resp[..end + 4]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head, resp[end + 4..].to_vec())
}

/// The value of a response header (names compared in lower case).
pub fn header_value(resp: &str, name: &str) -> Option<String> {
    let head = resp.split("\r\n\r\n").next().unwrap_or("");
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        (n.trim().eq_ignore_ascii_case(name)).then(|| v.trim().to_string())
    })
}

/// Waits, asking for the page at `path` every 100 ms, for one that `ready`
/// accepts, and returns it; fails saying `what` is missing after 30 s.
pub fn wait_for_page(addr: &str, path: &str, what: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, page) = get(addr, path, addr);
        if ready(&page) {
            return page;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {page}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Waits for a PDF at `path` that `wanted` accepts, served as a PDF.
pub fn wait_for_pdf(addr: &str, path: &str, wanted: impl Fn(&[u8]) -> bool) -> Vec<u8> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let (status, head, body) = get_bytes(addr, path);
        if status == 200 && wanted(&body) {
            assert!(body.starts_with(b"%PDF-"), "not a PDF");
            assert_eq!(
                header_value(&head, "content-type").as_deref(),
                Some("application/pdf")
            );
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no such PDF at {path} within 120 s (last answer {status})"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
