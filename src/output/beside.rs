//! The names rapport gives the folders and files it makes beside the output
//! folder (staging, the previous site while it is swapped out, the lock),
//! and the leftovers of builds that were killed.
//!
//! Those names sit in the output's parent, which for the default `output/`
//! is the site folder, a git checkout: anything there may have come from a
//! pull request. So nothing here follows a symbolic link: a leftover is
//! looked at with `symlink_metadata`, removed only when it is a real folder,
//! and anything else under one of these names is refused rather than used.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Component, Path, PathBuf};

/// The output folder as rapport addresses it: its parent resolved (so the
/// names beside it are in the right place whatever `..` or links lead
/// there) but its own last name not, so that an output folder that is a
/// symbolic link is seen as one rather than as the folder it points to.
#[derive(Debug, Clone)]
pub struct OutputPath {
    /// `parent` joined with `name`.
    pub out: PathBuf,
    parent: PathBuf,
    name: OsString,
}

/// What a name beside the output folder is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A site being written.
    Staging,
    /// The previous site, set aside while the new one is moved in (where
    /// the two folders cannot be exchanged in one step).
    Old,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Staging => "staging",
            Kind::Old => "old",
        }
    }
}

/// A name beside the output that an earlier build made and did not remove.
#[derive(Debug)]
pub struct Leftover {
    pub path: PathBuf,
    pub kind: Kind,
    /// A real folder (not a link to one): the only kind rapport makes, so
    /// the only kind it removes or puts back.
    pub is_real_dir: bool,
}

impl OutputPath {
    pub fn new(out: &Path) -> io::Result<OutputPath> {
        let base = if out.is_absolute() {
            out.to_path_buf()
        } else {
            std::env::current_dir()?.join(out)
        };
        let last_is_name = matches!(base.components().next_back(), Some(Component::Normal(_)));
        let (parent, name) = match (last_is_name, base.parent(), base.file_name()) {
            (true, Some(parent), Some(name)) => (existing_ancestor_resolved(parent), name.into()),
            // `.`, `..` or `/`: no link can be the last name; resolve it all.
            _ => {
                let whole = base.canonicalize()?;
                match (whole.parent(), whole.file_name()) {
                    (Some(p), Some(n)) => (p.to_path_buf(), n.into()),
                    _ => return Err(io::Error::other("the output cannot be the root folder")),
                }
            }
        };
        Ok(OutputPath {
            out: parent.join(&name),
            parent,
            name,
        })
    }

    pub fn parent(&self) -> &Path {
        &self.parent
    }

    /// `.<name>.rapport-<what>` beside the output folder.
    pub fn beside(&self, what: &str) -> PathBuf {
        self.parent.join(self.beside_name(what))
    }

    fn beside_name(&self, what: &str) -> OsString {
        let mut s = OsString::from(".");
        s.push(&self.name);
        s.push(".rapport-");
        s.push(what);
        s
    }

    /// This process's folder of `kind`: named by process id, so a build
    /// never takes another build's folder for its own.
    pub fn own(&self, kind: Kind) -> PathBuf {
        self.beside(&format!("{}-{}", kind.word(), std::process::id()))
    }

    /// Every staging or old folder name beside the output, whoever made it:
    /// the per-process names and the fixed names of earlier versions.
    pub fn leftovers(&self) -> io::Result<Vec<Leftover>> {
        let prefixes = [Kind::Staging, Kind::Old].map(|k| (k, self.beside_name(k.word())));
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&self.parent)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(kind) = prefixes
                .iter()
                .find(|(_, prefix)| is_named(&name, prefix))
                .map(|(k, _)| *k)
            else {
                continue;
            };
            // `DirEntry::file_type` does not follow links.
            let is_real_dir = entry.file_type()?.is_dir();
            found.push(Leftover {
                path: entry.path(),
                kind,
                is_real_dir,
            });
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(found)
    }
}

/// Whether `path`, as written (made absolute, `.` and `..` taken as
/// written), is `dir` or inside it, whatever links lie on the way.
pub fn written_inside(path: &Path, dir: &Path) -> bool {
    match (lexical_absolute(path), lexical_absolute(dir)) {
        (Some(p), Some(d)) => p.starts_with(d),
        _ => false,
    }
}

fn lexical_absolute(path: &Path) -> Option<PathBuf> {
    let base = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut out = PathBuf::new();
    for c in base.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// `prefix` itself, or `prefix-<digits>`.
fn is_named(name: &OsStr, prefix: &OsStr) -> bool {
    let (name, prefix) = (name.as_encoded_bytes(), prefix.as_encoded_bytes());
    match name.strip_prefix(prefix) {
        Some([]) => true,
        Some([b'-', pid @ ..]) => !pid.is_empty() && pid.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// `dir` with its nearest existing ancestor resolved and the rest (not made
/// yet) appended as written.
fn existing_ancestor_resolved(dir: &Path) -> PathBuf {
    if let Ok(c) = dir.canonicalize() {
        return c;
    }
    let mut existing = dir.to_path_buf();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftover_names_are_the_fixed_ones_and_per_process_ones_only() {
        let p = OsStr::new(".output.rapport-staging");
        assert!(is_named(OsStr::new(".output.rapport-staging"), p));
        assert!(is_named(OsStr::new(".output.rapport-staging-123"), p));
        assert!(!is_named(OsStr::new(".output.rapport-staging-"), p));
        assert!(!is_named(OsStr::new(".output.rapport-staging-12a"), p));
        assert!(!is_named(OsStr::new(".output.rapport-staging2"), p));
        assert!(!is_named(OsStr::new(".output.rapport-stagin"), p));
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_link_keeps_its_own_name() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let p = OutputPath::new(&dir.path().join("link")).unwrap();
        assert_eq!(p.out.file_name().unwrap(), "link");
        let p = OutputPath::new(&dir.path().join("real/../link")).unwrap();
        assert_eq!(p.out.file_name().unwrap(), "link");
        assert_eq!(p.parent(), dir.path().canonicalize().unwrap());
    }
}
