//! What the stages kept between builds share (`--cache DIR`): the
//! identity of the rapport that made an entry, digests, and writing an
//! entry so that it is never seen half-written.
//!
//! The stages that keep their results are the PDFs ([`crate::pdf::cache`])
//! and the search index ([`crate::search`]), each in a folder of its own
//! under the cache folder. The cache folder is not part of the site, so it
//! is read and written through `std::fs`, not [`crate::vfs::FileSystem`].

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// What this binary is built from (`build/build_id.rs`): a new rapport,
/// or one rebuilt from changed sources, may make different output and must
/// never reuse another's.
pub const BUILD_ID: &str = concat!(env!("CARGO_PKG_VERSION"), " ", env!("RAPPORT_BUILD_ID"));

pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest of several parts, each length-prefixed so that text moved from
/// one part to the next gives another digest.
#[derive(Default)]
pub struct Key(Sha256);

impl Key {
    pub fn new(kind: &str) -> Self {
        let mut k = Key(Sha256::new());
        k.part(kind.as_bytes());
        k.part(BUILD_ID.as_bytes());
        k
    }

    pub fn part(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Writes `bytes` as `dir/name`, through a temporary file renamed into
/// place: a build that stops, or two at once, never leave half an entry.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.part", std::process::id()));
    let written = std::fs::File::create_new(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, dir.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Removes the entries of `dir` not named in `keep` (and any temporary
/// file left by a build that stopped), so a stage's folder holds what the
/// site needs now and does not grow with every change.
pub fn keep_only(dir: &Path, keep: &std::collections::HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !keep.contains(&name) && e.path().is_file() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
