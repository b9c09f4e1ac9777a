//! Writing the built site to disk, safely.
//!
//! Five promises, because the output folder is often a deploy folder, and
//! its neighbours in a git checkout may have come from a pull request:
//! - a failed build changes nothing: the site is written to a staging folder
//!   beside the output and swapped in only when every file is written;
//! - rapport deletes only what it wrote: each build leaves a manifest of its
//!   files, and an existing output folder holding anything not in that
//!   manifest is refused rather than replaced;
//! - rapport never writes over the sources: an output folder that is, or
//!   contains, the site folder is refused;
//! - rapport never follows a symbolic link in anything it makes, moves or
//!   removes, beside the output or inside it;
//! - one build at a time writes to an output folder ([`OutputLock`]), so
//!   the live site is always one whole build.

mod beside;
mod lock;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::vfs::FileSystem;

pub use beside::OutputPath;
use beside::{Kind, Leftover};
pub use lock::{LOCK_WAIT, LockError, OutputLock};

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

/// Checks where the output folder is, before anything is written or
/// locked: it may not be, contain or sit inside the sources, be a file, or
/// be a symbolic link (rapport replaces the output folder as a whole, and
/// would otherwise replace the link, or empty what it points to).
pub fn check_output_path(site_dir: &Path, out: &Path) -> Result<OutputPath, Diagnostic> {
    let site = site_dir.canonicalize().map_err(|e| {
        refuse(
            format!("cannot open the site folder: {e}"),
            "check the path",
        )
    })?;
    let target = OutputPath::new(out).map_err(|e| {
        refuse(
            format!("cannot use {} as the output folder: {e}", out.display()),
            "choose an output folder of its own, such as output/ inside the site",
        )
    })?;
    let out_abs = &target.out;
    // A folder of the site committed as a link must not carry the output
    // out of the site: `--output public/site` with `public` a link would
    // write wherever it points.
    if beside::written_inside(out, site_dir) && !out_abs.starts_with(&site) {
        return Err(refuse(
            format!(
                "the output folder {} is inside the site folder, but a link on the way leads it to {}",
                out.display(),
                out_abs.display()
            ),
            "give the real place with --output DIR, or choose an output folder of its own, such as output/",
        ));
    }
    if site.starts_with(out_abs) {
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
    match std::fs::symlink_metadata(out_abs) {
        Ok(m) if m.file_type().is_symlink() => Err(refuse(
            format!("the output folder {} is a symbolic link", out.display()),
            "rapport replaces the output folder as a whole and never follows a link there; \
             give the folder it points to with --output DIR, or remove the link",
        )),
        Ok(m) if !m.is_dir() => Err(refuse(
            format!("{} is a file, not a folder", out.display()),
            "choose a folder for the output",
        )),
        _ => Ok(target),
    }
}

/// Takes the lock on the output folder (see [`OutputLock`]), waiting up to
/// [`LOCK_WAIT`] for another build writing there; `on_wait` is called once
/// if it has to wait.
pub fn lock_output(target: OutputPath, on_wait: &dyn Fn()) -> Result<OutputLock, Diagnostic> {
    let out = target.out.clone();
    OutputLock::acquire(target, LOCK_WAIT, on_wait).map_err(|e| match e {
        LockError::Busy(waited) => refuse(
            format!(
                "another rapport build has been writing to {} for {} minutes",
                out.display(),
                waited.as_secs() / 60
            ),
            "only one build at a time can write to an output folder; stop the other build, \
             or build into another folder (--output DIR)",
        ),
        LockError::NotAFile(path) => refuse(
            format!(
                "{} is not a file rapport made, but rapport uses that name to lock the output folder",
                path.display()
            ),
            "it may have come from the repository (rapport never makes a link or a folder under \
             that name); look at it, remove it yourself, and build again",
        ),
        LockError::Io(path, e) => refuse(
            format!("cannot lock the output folder with {}: {e}", path.display()),
            "check the permissions of the folder that holds the output folder",
        ),
    })
}

/// Checks, under the lock, that the output folder may be replaced: the
/// names beside it are rapport's own leftovers, and everything in it is in
/// its manifest. First puts back a previous site that a killed build left
/// aside, so it is checked (and kept) like any output folder.
pub fn check_output_owned(lock: &OutputLock) -> Result<(), Diagnostic> {
    let target = lock.target();
    let cannot_look = |e: io::Error| {
        refuse(
            format!(
                "cannot look at the folder around {}: {e}",
                target.out.display()
            ),
            "check the folder's permissions",
        )
    };
    let leftovers = target.leftovers().map_err(cannot_look)?;
    if let Some(odd) = leftovers.iter().find(|l| !l.is_real_dir) {
        return Err(refuse(
            format!(
                "{} is not a folder rapport made, but rapport uses that name for its own \
                 folders beside the output, so it will not build into {}",
                odd.path.display(),
                target.out.display()
            ),
            "it may have come from the repository (rapport never makes a link or a file under \
             that name); look at it, remove it yourself, and build again",
        ));
    }
    restore_set_aside(target, &leftovers).map_err(|e| {
        refuse(
            format!(
                "a build that was stopped left the previous site aside, and it could not be put back as {}: {e}",
                target.out.display()
            ),
            "check the folder's permissions",
        )
    })?;
    check_owned_files(&target.out)
}

/// A build stopped between the two renames of [`swap_by_renames`] left the
/// previous site under its "old" name and no output folder: put it back.
fn restore_set_aside(target: &OutputPath, leftovers: &[Leftover]) -> io::Result<()> {
    match std::fs::symlink_metadata(&target.out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        _ => return Ok(()),
    }
    let set_aside = leftovers
        .iter()
        .filter(|l| l.kind == Kind::Old && l.is_real_dir)
        .max_by_key(|l| {
            std::fs::symlink_metadata(&l.path)
                .and_then(|m| m.modified())
                .ok()
        });
    match set_aside {
        Some(old) => std::fs::rename(&old.path, &target.out),
        None => Ok(()),
    }
}

/// Refuses an output folder holding anything rapport did not write: a file
/// not in the manifest, a folder holding no file of the manifest, or
/// anything that is neither a file nor a folder (rapport makes no links).
/// Without a manifest, only an empty folder is rapport's to replace.
fn check_owned_files(out: &Path) -> Result<(), Diagnostic> {
    match std::fs::symlink_metadata(out) {
        Err(_) => return Ok(()),
        // Checked before the lock was taken; checked again under it.
        Ok(m) if !m.is_dir() => {
            return Err(refuse(
                format!("{} is not a folder (or is a link)", out.display()),
                "choose a folder of its own for the output (--output DIR)",
            ));
        }
        Ok(_) => {}
    }
    let manifest = read_manifest(out);
    let mut unknown = Vec::new();
    for entry in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            refuse(
                format!(
                    "cannot look inside the output folder {}: {e}",
                    out.display()
                ),
                "check the folder's permissions, or build into a new folder (--output DIR)",
            )
        })?;
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let kind = entry.file_type();
        let ours = if kind.is_dir() {
            manifest.as_ref().is_some_and(|m| m.holds_folder(&rel))
        } else if kind.is_file() {
            rel == MANIFEST || manifest.as_ref().is_some_and(|m| m.files.contains(&rel))
        } else {
            false
        };
        if !ours {
            unknown.push(if kind.is_dir() {
                format!("{rel}/")
            } else {
                rel
            });
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let shown: Vec<_> = unknown.iter().take(5).cloned().collect();
    Err(refuse(
        format!(
            "the output folder {} holds {} file(s) or folder(s) that rapport did not write ({}{}), so rapport will not replace it",
            out.display(),
            unknown.len(),
            shown.join(", "),
            if unknown.len() > 5 { ", ..." } else { "" }
        ),
        "build into an empty or new folder (--output DIR), or move those files away yourself",
    ))
}

/// The files a build says it wrote.
struct Manifest {
    files: BTreeSet<String>,
}

impl Manifest {
    /// Whether `folder` holds a file of the manifest.
    fn holds_folder(&self, folder: &str) -> bool {
        let prefix = format!("{folder}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|f| f.starts_with(&prefix))
    }
}

/// The manifest of `dir`, if it has one. Only plain relative paths count: a
/// line with `..`, an absolute path or a backslash can name nothing inside
/// the folder, so it vouches for nothing.
fn read_manifest(dir: &Path) -> Option<Manifest> {
    let path = dir.join(MANIFEST);
    if !std::fs::symlink_metadata(&path).ok()?.file_type().is_file() {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let files = text
        .lines()
        .filter(|l| is_plain_relative(l))
        .map(str::to_string)
        .collect();
    Some(Manifest { files })
}

/// `a/b/c`: no empty, `.` or `..` part, so not absolute either (on Windows
/// also no backslash or drive letter, which would start a path of their
/// own there).
fn is_plain_relative(path: &str) -> bool {
    let foreign = cfg!(windows) && path.contains(['\\', ':']);
    !foreign
        && !path.contains('\0')
        && path
            .split('/')
            .all(|p| !p.is_empty() && p != "." && p != "..")
}

/// The folder a build writes into, beside the output, as it goes: `rapport
/// build` writes each page as soon as it is rendered rather than holding
/// the whole site in memory, which was most of a large build's memory
/// (docs/performance.md). [`Staging::finish`] swaps it in; dropped
/// unfinished (the build failed), it is removed and the output is left as
/// it was.
///
/// It is named by process id (`.<output>.rapport-staging-<pid>`) and made
/// only under the output's lock, so no two builds ever share one.
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
    /// Removes the leftovers of builds that were stopped (real folders
    /// only, never following a link) and makes this build's staging folder.
    pub fn create(lock: &OutputLock) -> io::Result<Staging> {
        let target = lock.target();
        for leftover in target.leftovers()? {
            if leftover.is_real_dir {
                std::fs::remove_dir_all(&leftover.path)?;
            }
        }
        let dir = target.own(Kind::Staging);
        // `create_dir`, not `create_dir_all`: the folder must be new, made
        // here, and so hold nothing but what this build writes.
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            out: target.out.clone(),
            dir,
            old: target.own(Kind::Old),
            made: Default::default(),
            finished: false,
        })
    }

    /// Writes one file (from any thread).
    pub fn write(&self, path: &str, file: &OutputFile) -> io::Result<()> {
        if !is_plain_relative(path) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{path}` is not a path inside the output folder"),
            ));
        }
        let target = self.dir.join(path);
        // Known by the site-relative folder: hashing a `Path` walks its
        // components, which costs far more than hashing the string.
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

    /// Writes the manifest of `paths` (every file written) and swaps the
    /// staging folder in as the output. An error means the output was left
    /// as it was.
    pub fn finish<'a>(mut self, paths: impl Iterator<Item = &'a str>) -> io::Result<()> {
        let mut manifest = String::new();
        for path in paths {
            manifest.push_str(path);
            manifest.push('\n');
        }
        std::fs::write(self.dir.join(MANIFEST), manifest)?;
        let (out, staging, old) = (&self.out, &self.dir, &self.old);
        let previous = match std::fs::symlink_metadata(out) {
            Ok(m) if m.is_dir() => staging,
            Ok(_) => {
                return Err(io::Error::other(
                    "the output folder was replaced by something else during the build",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // `rename` never follows a link at either end, and fails if
                // something other than an empty folder took the name since.
                std::fs::rename(staging, out)?;
                self.finished = true;
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        // One system call swaps the two folders, so there is no moment in
        // which the output folder is missing, even if the build is killed.
        let previous = if exchange(staging, out).is_ok() {
            previous
        } else {
            swap_by_renames(staging, out, old)?;
            old
        };
        self.finished = true;
        // The new site is in place. What is left is a leftover under this
        // build's own name, which the next build removes if this fails.
        let _ = remove_tree(previous);
        Ok(())
    }
}

/// Where the folders cannot be exchanged in one step: the output is moved
/// aside to `old`, then `staging` moved in. A build stopped between the
/// two leaves no output folder; the next build puts `old` back first.
fn swap_by_renames(staging: &Path, out: &Path, old: &Path) -> io::Result<()> {
    std::fs::rename(out, old)?;
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous site back before reporting.
        let _ = std::fs::rename(old, out);
        return Err(e);
    }
    Ok(())
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            // Does not follow links (nor would `remove_tree`).
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes the previous output once the new one is in place. A large site's
/// old tree is removed one top-level folder per thread (each report is a
/// folder), which halves the time on two cores.
///
/// Never follows a link: a link, at the top or anywhere inside, is removed
/// itself, and what it points to is left alone.
fn remove_tree(dir: &Path) -> io::Result<()> {
    if !std::fs::symlink_metadata(dir)?.is_dir() {
        return std::fs::remove_file(dir);
    }
    let entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        // `DirEntry::file_type` does not follow links, and
        // `remove_dir_all` removes a link itself rather than its target.
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

/// Elsewhere: the two-rename swap ([`swap_by_renames`]) is used.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn victim(dir: &Path) -> PathBuf {
        let victim = dir.join("victim");
        std::fs::create_dir_all(victim.join("folder")).unwrap();
        std::fs::write(victim.join("precious.txt"), "precious").unwrap();
        victim
    }

    #[cfg(unix)]
    #[test]
    fn remove_tree_unlinks_links_and_never_follows_them() {
        let dir = tempfile::tempdir().unwrap();
        let victim = victim(dir.path());
        let old = dir.path().join("old");
        std::fs::create_dir_all(old.join("sub")).unwrap();
        std::fs::write(old.join("sub/page.html"), "page").unwrap();
        std::os::unix::fs::symlink(&victim, old.join("to-folder")).unwrap();
        std::os::unix::fs::symlink(&victim, old.join("sub/to-folder")).unwrap();
        std::os::unix::fs::symlink(victim.join("precious.txt"), old.join("to-file")).unwrap();
        std::fs::hard_link(victim.join("precious.txt"), old.join("hard-link")).unwrap();
        remove_tree(&old).unwrap();
        assert!(!old.exists());
        // A link in place of the whole tree: the link goes, not its target.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        remove_tree(&link).unwrap();
        assert!(std::fs::symlink_metadata(&link).is_err());
        assert_eq!(
            std::fs::read_to_string(victim.join("precious.txt")).unwrap(),
            "precious"
        );
        assert!(victim.join("folder").is_dir());
    }

    #[test]
    fn swap_by_renames_moves_the_new_site_in_or_puts_the_old_one_back() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, out, old) = (
            dir.path().join("staging"),
            dir.path().join("out"),
            dir.path().join("old"),
        );
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("page"), "previous").unwrap();
        // No staging folder: the second rename fails, and the previous
        // site is put back.
        assert!(swap_by_renames(&staging, &out, &old).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("page")).unwrap(),
            "previous"
        );
        assert!(!old.exists());
        std::fs::create_dir(&staging).unwrap();
        std::fs::write(staging.join("page"), "new").unwrap();
        swap_by_renames(&staging, &out, &old).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("page")).unwrap(), "new");
        assert_eq!(
            std::fs::read_to_string(old.join("page")).unwrap(),
            "previous"
        );
    }

    #[test]
    fn manifest_lines_outside_the_folder_vouch_for_nothing() {
        for bad in ["", "../x", "/etc/passwd", "a//b", "./a", "a/../../b"] {
            assert!(!is_plain_relative(bad), "{bad:?}");
        }
        assert!(is_plain_relative("sample/foreword/index.html"));
        assert!(is_plain_relative(".rapport-manifest"));
    }
}
