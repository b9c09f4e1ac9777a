//! One build at a time per output folder.
//!
//! Two builds swapping their staging folders into the same output at once
//! left the live site with a fraction of its files while both reported
//! success. So a build holds an advisory lock (the operating system's
//! `flock`, through `std::fs::File::lock`) on a file beside the output,
//! `.<name>.rapport-lock`, from before it looks at the output folder until
//! the new site is in place. The system drops the lock when the process
//! ends, however it ends, so a killed build never leaves the folder locked.

use std::fs::{File, Metadata, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::beside::OutputPath;

/// How long a build waits for another build writing to the same output
/// folder before giving up. Far longer than any build measured (see
/// docs/performance.md), so a build waits out one started just before it,
/// and gives up only on one that is stuck or stopped (Ctrl+Z).
pub const LOCK_WAIT: Duration = Duration::from_secs(5 * 60);

/// How often a waiting build tries the lock again: quick enough that no one
/// notices, rare enough to cost nothing.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another build still held it after the wait.
    Busy(Duration),
    /// The lock file's name is taken by a link or a folder.
    NotAFile(PathBuf),
    Io(PathBuf, io::Error),
}

/// The lock on an output folder, held until dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
    target: OutputPath,
}

impl OutputLock {
    /// Takes the lock on `target`, waiting up to `wait` for another build
    /// to finish; `on_wait` is called once if it has to wait.
    pub fn acquire(
        target: OutputPath,
        wait: Duration,
        on_wait: &dyn Fn(),
    ) -> Result<OutputLock, LockError> {
        let path = target.beside("lock");
        let io_err = |e| LockError::Io(path.clone(), e);
        std::fs::create_dir_all(target.parent()).map_err(io_err)?;
        let start = Instant::now();
        let mut told = false;
        loop {
            let file = open_no_follow(&path)?;
            loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(TryLockError::WouldBlock) if start.elapsed() < wait => {
                        if !told {
                            on_wait();
                            told = true;
                        }
                        std::thread::sleep(LOCK_POLL);
                    }
                    Err(TryLockError::WouldBlock) => return Err(LockError::Busy(wait)),
                    Err(TryLockError::Error(e)) => return Err(io_err(e)),
                }
            }
            // The build before may have removed the file (see `Drop`) while
            // this one waited on it: a lock on a file no longer at `path`
            // guards nothing, so start again with the file there now.
            let held = file.metadata().map_err(io_err)?;
            match std::fs::symlink_metadata(&path) {
                Ok(now) if same_file(&held, &now) => {
                    return Ok(OutputLock { file, path, target });
                }
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err(e)),
            }
        }
    }

    /// The output folder this lock is for.
    pub fn target(&self) -> &OutputPath {
        &self.target
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so the next build either finds no file
        // or finds this one gone from `path` and starts again (see
        // `acquire`). Not on Windows, where an open file cannot be removed
        // for good until it is closed.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Opens (creating it if need be) the lock file, never through a link: a
/// link committed under that name would otherwise create or lock a file
/// wherever it points.
fn open_no_follow(path: &Path) -> Result<File, LockError> {
    let io_err = |e| LockError::Io(path.to_path_buf(), e);
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.file_type().is_file() => return Err(LockError::NotAFile(path.to_path_buf())),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(e)),
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true);
    // Closes the gap between the look above and the open.
    #[cfg(target_os = "linux")]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    match options.open(path) {
        Ok(f) => Ok(f),
        #[cfg(target_os = "linux")]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            Err(LockError::NotAFile(path.to_path_buf()))
        }
        Err(e) => Err(io_err(e)),
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    b.file_type().is_file() && a.dev() == b.dev() && a.ino() == b.ino()
}

/// Elsewhere the lock file is never removed, so it is the same file.
#[cfg(not(unix))]
fn same_file(_: &Metadata, b: &Metadata) -> bool {
    b.file_type().is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(dir: &Path) -> OutputPath {
        OutputPath::new(&dir.join("output")).unwrap()
    }

    #[test]
    fn a_second_lock_on_the_same_output_waits_then_gives_up() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(target(dir.path()), LOCK_WAIT, &|| {}).unwrap();
        let waited = std::cell::Cell::new(false);
        let second = OutputLock::acquire(target(dir.path()), Duration::from_millis(200), &|| {
            waited.set(true)
        });
        assert!(matches!(second, Err(LockError::Busy(_))), "{second:?}");
        assert!(waited.get());
        drop(first);
        let third = OutputLock::acquire(target(dir.path()), Duration::ZERO, &|| {});
        assert!(third.is_ok(), "{third:?}");
    }

    #[test]
    fn the_lock_file_is_removed_when_the_build_ends() {
        let dir = tempfile::tempdir().unwrap();
        let lock = OutputLock::acquire(target(dir.path()), LOCK_WAIT, &|| {}).unwrap();
        let path = dir.path().join(".output.rapport-lock");
        assert!(path.is_file());
        drop(lock);
        #[cfg(unix)]
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_file_name_taken_by_a_link_is_refused_and_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::os::unix::fs::symlink(&victim, dir.path().join(".output.rapport-lock")).unwrap();
        let got = OutputLock::acquire(target(dir.path()), LOCK_WAIT, &|| {});
        assert!(matches!(got, Err(LockError::NotAFile(_))), "{got:?}");
        assert!(!victim.exists(), "the lock was created through the link");
    }
}
