//! All reading of a site's sources goes through [`FileSystem`].
//!
//! Two reasons. Tests can build whole sites in memory ([`MemoryFs`]) without
//! touching the disk. And the real implementation ([`RealFs`]) is the one place
//! that enforces the rule "no file is read outside the site root": paths are
//! relative, `/`-separated, may not contain `..`, and symlinks that lead out of
//! the root are refused.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// A site-relative path such as `content/annual-report/01-intro.md`.
pub type RelPath = str;

pub trait FileSystem: Send + Sync {
    fn read(&self, path: &RelPath) -> io::Result<Vec<u8>>;

    fn read_to_string(&self, path: &RelPath) -> io::Result<String> {
        String::from_utf8(self.read(path)?).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "the file is not UTF-8 text; save it as UTF-8",
            )
        })
    }

    fn is_file(&self, path: &RelPath) -> bool;

    /// Like [`FileSystem::is_file`], but says why a file cannot be used:
    /// `NotFound`, or `PermissionDenied` for a path (or a symlink) that
    /// leads outside the site folder, so the error can say which.
    fn find_file(&self, path: &RelPath) -> io::Result<()> {
        if self.is_file(path) {
            Ok(())
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
        }
    }

    fn is_dir(&self, path: &RelPath) -> bool;

    /// The entries directly inside `dir`, sorted by name: (name, is_dir).
    fn list(&self, dir: &RelPath) -> io::Result<Vec<(String, bool)>>;

    /// Every file below `dir`, recursively, sorted, as site-relative paths.
    fn walk(&self, dir: &RelPath) -> Vec<String>;

    /// The path on disk, for files that are copied rather than read (images).
    fn disk_path(&self, path: &RelPath) -> Option<PathBuf>;
}

/// Joins a site-relative directory and a name.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{}/{}", dir.trim_end_matches('/'), name)
    }
}

/// Whether a path names a hidden file or folder (a segment starting with
/// `.`: `.git/`, `.env`). rapport never publishes one, from any folder.
pub fn is_hidden(path: &str) -> bool {
    path.split('/').any(|seg| seg.starts_with('.'))
}

/// The length of a file in bytes, without reading it when it is on disk.
pub fn file_len(fs: &dyn FileSystem, path: &RelPath) -> Option<u64> {
    match fs.disk_path(path) {
        Some(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        None => fs.read(path).ok().map(|b| b.len() as u64),
    }
}

/// Resolves `target` (as written in a Markdown link) against the directory of
/// `from`, refusing anything that climbs out of the site root.
pub fn resolve_relative(from_dir: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains('\\') || target.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The site folder on disk.
pub struct RealFs {
    root: PathBuf,
    canonical_root: PathBuf,
    /// Files met by [`FileSystem::walk`]: regular files (not links) below
    /// real folders of the site, so reading them needs no `canonicalize`
    /// (a system call per path component, which was much of the time spent
    /// reading a large site).
    walked: std::sync::RwLock<std::collections::HashSet<String>>,
}

impl RealFs {
    pub fn new(root: impl Into<PathBuf>) -> io::Result<Self> {
        let root = root.into();
        let canonical_root = root.canonicalize()?;
        Ok(RealFs {
            root,
            canonical_root,
            walked: Default::default(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Maps a site-relative path to disk, refusing `..`, absolute paths and
    /// symlinks that resolve outside the site root.
    fn resolve(&self, path: &RelPath) -> io::Result<PathBuf> {
        let outside = || {
            io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("`{path}` is outside the site folder; rapport only reads files inside it"),
            )
        };
        if path.starts_with('/') || path.contains('\\') || Path::new(path).is_absolute() {
            return Err(outside());
        }
        if path.split('/').any(|seg| seg == "..") {
            return Err(outside());
        }
        let full = self.canonical_root.join(path);
        if self
            .walked
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(path)
        {
            return Ok(full);
        }
        match full.canonicalize() {
            Ok(real) if real.starts_with(&self.canonical_root) => Ok(real),
            Ok(_) => Err(outside()),
            Err(e) => Err(e),
        }
    }
}

impl FileSystem for RealFs {
    fn read(&self, path: &RelPath) -> io::Result<Vec<u8>> {
        std::fs::read(self.resolve(path)?)
    }

    fn is_file(&self, path: &RelPath) -> bool {
        self.resolve(path).map(|p| p.is_file()).unwrap_or(false)
    }

    fn find_file(&self, path: &RelPath) -> io::Result<()> {
        if self.resolve(path)?.is_file() {
            Ok(())
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "no such file"))
        }
    }

    fn is_dir(&self, path: &RelPath) -> bool {
        if path.is_empty() {
            return true;
        }
        self.resolve(path).map(|p| p.is_dir()).unwrap_or(false)
    }

    fn list(&self, dir: &RelPath) -> io::Result<Vec<(String, bool)>> {
        let full = if dir.is_empty() {
            self.canonical_root.clone()
        } else {
            self.resolve(dir)?
        };
        let mut out = Vec::new();
        for entry in std::fs::read_dir(full)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            let rel = join(dir, &name);
            // Follow symlinks only when they stay inside the site.
            let Ok(real) = self.resolve(&rel) else {
                continue;
            };
            out.push((name, real.is_dir()));
        }
        out.sort();
        Ok(out)
    }

    fn walk(&self, dir: &RelPath) -> Vec<String> {
        let Ok(start) = self.resolve(dir) else {
            return Vec::new();
        };
        let mut out: Vec<String> = walkdir::WalkDir::new(&start)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            // Not following links: a link is neither walked through nor
            // listed, so every file here is really inside the site.
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let rel = e.path().strip_prefix(&start).ok()?;
                let rel = rel.to_str()?.replace('\\', "/");
                Some(join(dir, &rel))
            })
            .collect();
        out.sort();
        self.walked
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .extend(out.iter().cloned());
        out
    }

    fn disk_path(&self, path: &RelPath) -> Option<PathBuf> {
        self.resolve(path).ok()
    }
}

/// A site held in memory, for tests and for tools that generate sites.
#[derive(Default, Clone)]
pub struct MemoryFs {
    files: BTreeMap<String, Vec<u8>>,
}

impl MemoryFs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: &str, contents: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(path.to_string(), contents.into());
        self
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &RelPath) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn is_file(&self, path: &RelPath) -> bool {
        self.files.contains_key(path)
    }

    fn is_dir(&self, path: &RelPath) -> bool {
        let prefix = format!("{}/", path.trim_end_matches('/'));
        path.is_empty() || self.files.keys().any(|k| k.starts_with(&prefix))
    }

    fn list(&self, dir: &RelPath) -> io::Result<Vec<(String, bool)>> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{}/", dir.trim_end_matches('/'))
        };
        let mut out: Vec<(String, bool)> = Vec::new();
        for key in self.files.keys() {
            if let Some(rest) = key.strip_prefix(&prefix) {
                let (name, is_dir) = match rest.split_once('/') {
                    Some((d, _)) => (d, true),
                    None => (rest, false),
                };
                if !out.iter().any(|(n, _)| n == name) {
                    out.push((name.to_string(), is_dir));
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn walk(&self, dir: &RelPath) -> Vec<String> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.files
            .keys()
            .filter(|k| dir.is_empty() || k.starts_with(&prefix))
            .cloned()
            .collect()
    }

    fn disk_path(&self, _path: &RelPath) -> Option<PathBuf> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_cannot_climb_out_of_the_site() {
        assert_eq!(
            resolve_relative("content/a", "02-b.md").as_deref(),
            Some("content/a/02-b.md")
        );
        assert_eq!(
            resolve_relative("content/a", "../b/01.md").as_deref(),
            Some("content/b/01.md")
        );
        assert_eq!(resolve_relative("content/a", "../../../etc/passwd"), None);
        assert_eq!(resolve_relative("content/a", "/etc/passwd"), None);
    }

    #[test]
    fn real_fs_refuses_parent_paths_and_outside_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::fs::write(site.join("ok.txt"), "ok").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt")).unwrap();
        let fs = RealFs::new(&site).unwrap();
        assert_eq!(fs.read_to_string("ok.txt").unwrap(), "ok");
        assert!(fs.read("../secret.txt").is_err());
        #[cfg(unix)]
        {
            let err = fs.read("link.txt").unwrap_err();
            assert!(err.to_string().contains("outside the site folder"), "{err}");
        }
    }

    #[test]
    fn memory_fs_lists_directories() {
        let mut fs = MemoryFs::new();
        fs.add("content/a/report.yaml", "x")
            .add("content/b/x.md", "y");
        let names: Vec<_> = fs.list("content").unwrap();
        assert_eq!(
            names,
            vec![("a".to_string(), true), ("b".to_string(), true)]
        );
    }
}
