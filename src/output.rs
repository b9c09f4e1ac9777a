//! Writing the built site to disk, safely.
//!
//! Three promises, because the output folder is often a deploy folder:
//! - a failed build changes nothing: the site is written to a staging folder
//!   beside the output and swapped in only when every file is written;
//! - rapport deletes only what it wrote: each build leaves a manifest of its
//!   files, and an existing output folder holding anything not in that
//!   manifest is refused rather than replaced;
//! - rapport never writes over the sources: an output folder that is, or
//!   contains, the site folder is refused.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::vfs::FileSystem;

/// Lists every file a build wrote, one site-relative path a line.
pub const MANIFEST: &str = ".rapport-manifest";

#[derive(Debug, Clone)]
pub enum OutputFile {
    Bytes(Vec<u8>),
    /// A file copied as it is from the site folder (images, downloads).
    Copy(PathBuf),
}

impl OutputFile {
    /// A file from the site: copied from disk when there is one, otherwise
    /// (in-memory sites) read now.
    pub fn from_site(fs: &dyn FileSystem, path: &str) -> OutputFile {
        match fs.disk_path(path) {
            Some(p) => OutputFile::Copy(p),
            None => OutputFile::Bytes(fs.read(path).unwrap_or_default()),
        }
    }

    pub fn bytes(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            OutputFile::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            OutputFile::Copy(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
        }
    }
}

/// The whole built site, in memory, keyed by output path.
#[derive(Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, OutputFile>,
}

impl Output {
    pub fn get_text(&self, path: &str) -> Option<String> {
        let f = self.files.get(path)?;
        String::from_utf8(f.bytes().ok()?.into_owned()).ok()
    }
}

fn refuse(message: String, hint: &str) -> Diagnostic {
    Diagnostic::error("output-folder", message)
        .config()
        .with_hint(hint)
}

/// Checks that `out` may be (re)written by a build of the site in `site_dir`.
pub fn check_output_dir(site_dir: &Path, out: &Path) -> Result<(), Diagnostic> {
    let site = site_dir.canonicalize().map_err(|e| {
        refuse(
            format!("cannot open the site folder: {e}"),
            "check the path",
        )
    })?;
    let out_abs = absolute(out);
    if site.starts_with(&out_abs) {
        return Err(refuse(
            format!(
                "the output folder {} is or contains the site folder",
                out.display()
            ),
            "choose an output folder of its own, such as output/ inside the site",
        ));
    }
    for source_dir in ["content", "themes", "templates", "static"] {
        if out_abs.starts_with(site.join(source_dir)) {
            return Err(refuse(
                format!(
                    "the output folder {} is inside the site's {source_dir}/ folder",
                    out.display()
                ),
                "choose an output folder outside the sources, such as output/",
            ));
        }
    }
    if out_abs.is_file() {
        return Err(refuse(
            format!("{} is a file, not a folder", out.display()),
            "choose a folder for the output",
        ));
    }
    if out_abs.is_dir() {
        let manifest = read_manifest(&out_abs);
        let mut unknown = Vec::new();
        for entry in walkdir::WalkDir::new(&out_abs).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_dir() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&out_abs)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if rel == MANIFEST {
                continue;
            }
            if !manifest.as_ref().is_some_and(|m| m.contains(&rel)) {
                unknown.push(rel);
            }
        }
        if !unknown.is_empty() {
            let shown: Vec<_> = unknown.iter().take(5).cloned().collect();
            return Err(refuse(
                format!(
                    "the output folder {} holds {} file(s) that rapport did not write ({}{}), so rapport will not replace it",
                    out.display(),
                    unknown.len(),
                    shown.join(", "),
                    if unknown.len() > 5 { ", ..." } else { "" }
                ),
                "build into an empty or new folder (--output DIR), or move those files away yourself",
            ));
        }
    }
    Ok(())
}

fn read_manifest(dir: &Path) -> Option<std::collections::HashSet<String>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    // Not created yet: canonicalise the nearest existing parent.
    let base = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut existing = base.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for r in rest.iter().rev() {
        out.push(r);
    }
    out
}

/// Writes `output` to `out`: into a staging folder first, then swapped in.
/// On any error the previous contents of `out` are left as they were.
pub fn write_atomically(output: &Output, out: &Path) -> io::Result<()> {
    let staging = Staging::create(out)?;
    output
        .files
        .par_iter()
        .try_for_each(|(path, file)| staging.write(path, file))?;
    staging.finish(output.files.keys().map(String::as_str))
}

/// The folder a build writes into, beside the output, as it goes: `rapport
/// build` writes each page as soon as it is rendered rather than holding
/// the whole site in memory (on 10,000 pages that was most of the build's
/// memory). [`Staging::finish`] swaps it in; dropped unfinished (the build
/// failed), it is removed and the output is left as it was.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// Folders already made, so each page costs one system call, not one
    /// per folder above it.
    made: std::sync::Mutex<std::collections::HashSet<String>>,
    finished: bool,
}

impl Staging {
    pub fn create(out: &Path) -> io::Result<Staging> {
        let out = absolute(out);
        let parent = out.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".into());
        let dir = parent.join(format!(".{name}.rapport-staging"));
        let old = parent.join(format!(".{name}.rapport-old"));
        // A build killed between the two renames of `finish` (where the
        // atomic exchange is not available) left the previous site under
        // `old`: put it back before anything else.
        if !out.exists() && old.is_dir() {
            std::fs::rename(&old, &out)?;
        }
        // Leftovers of a build that was killed: ours by name, safe to remove.
        for leftover in [&dir, &old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover)?;
            }
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Staging {
            out,
            dir,
            old,
            made: Default::default(),
            finished: false,
        })
    }

    /// Writes one file (from any thread).
    pub fn write(&self, path: &str, file: &OutputFile) -> io::Result<()> {
        let target = self.dir.join(path);
        // Known by the site-relative folder: hashing a `Path` walks its
        // components, and cost ten times as much.
        if let Some((folder, _)) = path.rsplit_once('/') {
            let known = self
                .made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(folder);
            if !known {
                std::fs::create_dir_all(self.dir.join(folder))?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(folder.to_string());
            }
        }
        match file {
            OutputFile::Bytes(b) => std::fs::write(&target, b),
            OutputFile::Copy(src) => std::fs::copy(src, &target).map(|_| ()),
        }
    }

    /// A file written earlier (the search index reads the pages back).
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(path))
    }

    /// Writes the manifest of `paths` (every file written) and swaps the
    /// staging folder in as the output.
    pub fn finish<'a>(mut self, paths: impl Iterator<Item = &'a str>) -> io::Result<()> {
        let mut manifest = String::new();
        for path in paths {
            manifest.push_str(path);
            manifest.push('\n');
        }
        std::fs::write(self.dir.join(MANIFEST), manifest)?;
        self.finished = true;
        let (out, staging, old) = (&self.out, &self.dir, &self.old);
        if out.exists() {
            // One system call swaps the two folders, so there is no moment
            // in which the output folder is missing, even if the build is
            // killed.
            if exchange(staging, out).is_ok() {
                // `staging` now holds the previous site.
                return remove_tree(staging);
            }
            std::fs::rename(out, old)?;
            if let Err(e) = std::fs::rename(staging, out) {
                // Put the previous site back before reporting.
                let _ = std::fs::rename(old, out);
                let _ = std::fs::remove_dir_all(staging);
                return Err(e);
            }
            remove_tree(old)
        } else {
            std::fs::rename(staging, out)
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes the previous output once the new one is in place. A large site's
/// old tree is removed one top-level folder per thread (each report is a
/// folder), which halves the time on two cores.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            std::fs::remove_dir_all(e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Atomically exchanges two paths (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call; the
    // system call only reads them. Called through `syscall` so it does not
    // depend on the C library's version.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere: the two-rename swap in `write_atomically` is used.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}
