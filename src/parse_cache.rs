//! Parsed source files kept between the rebuilds of `rapport serve`, so that
//! a save re-parses only the file that changed.
//!
//! Chapters and recommendation files are the bulk of a large site, and
//! reading and parsing them again was most of the time from a save to the
//! reload (docs/performance.md). A file is reused when its text, and the
//! settings its parse depends on (the `key`: a report's numbering, the
//! site's status vocabulary), are exactly what was parsed before; its
//! problems are reported again with it. Every pass that looks across files
//! (components, links) still runs on every rebuild, on a copy.
//!
//! When a file watcher reports every change ([`ParseCache::watched`]), the
//! files it did not report are not even read again: the watcher calls
//! [`ParseCache::invalidate`] with what changed. Without a watcher, each
//! file is read and compared.
//!
//! A build takes its files by value (the passes across files change them),
//! and copying every chapter's tree was the largest cost left on a save.
//! So each entry keeps a spare copy, made by
//! [`ParseCache::refill`] after the page has reloaded: a save takes the
//! spare, and copies only when there is none.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::vfs::FileSystem;

#[derive(Default)]
pub struct ParseCache {
    entries: Mutex<HashMap<String, Entry>>,
    /// Folder listings ([`ParseCache::walk`]), kept only when watched.
    listings: Mutex<HashMap<String, Arc<Vec<String>>>>,
    watched: bool,
}

struct Entry {
    text: Arc<str>,
    key: u64,
    /// An `Option<T>` for the type the file parses to.
    parsed: Arc<dyn Any + Send + Sync>,
    /// A copy of `parsed` ready to hand out, when [`ParseCache::refill`]
    /// has made one since the last build took it.
    spare: Option<Box<dyn Any + Send>>,
    /// Copies `parsed` (its type is known only where it was stored).
    copy: fn(&(dyn Any + Send + Sync)) -> Box<dyn Any + Send>,
    diagnostics: Arc<[Diagnostic]>,
}

fn copy_of<T: Clone + Send + 'static>(parsed: &(dyn Any + Send + Sync)) -> Box<dyn Any + Send> {
    Box::new(parsed.downcast_ref::<Option<T>>().cloned().flatten())
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParseCache")
    }
}

/// How a file is parsed, for [`ParseCache::load`].
pub struct Parse<'a, T> {
    pub fs: &'a dyn FileSystem,
    pub path: &'a str,
    /// What besides the text the result depends on; a different key parses
    /// again.
    pub key: u64,
    pub diags: &'a Diagnostics,
    pub sources: &'a SourceMap,
    pub parse: &'a dyn Fn(&str, &Diagnostics) -> Option<T>,
}

impl ParseCache {
    /// A cache kept up to date by a file watcher.
    pub fn watched() -> Self {
        ParseCache {
            watched: true,
            ..Default::default()
        }
    }

    /// Forgets the files at these site-relative paths, or below them (a
    /// changed folder); an empty path forgets everything.
    pub fn invalidate(&self, changed: &[String]) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut listings = self.listings.lock().unwrap_or_else(|e| e.into_inner());
        if changed.iter().any(String::is_empty) {
            entries.clear();
            listings.clear();
            return;
        }
        entries.retain(|path, _| !changed.iter().any(|c| within(path, c)));
        // A folder's listing changes with anything below it (a file saved,
        // added or removed), and with the folder itself.
        listings.retain(|dir, _| !changed.iter().any(|c| within(c, dir) || within(dir, c)));
    }

    /// Every file below `dir`, as [`FileSystem::walk`] gives it; when
    /// watched, the listing is kept until the watcher reports a change
    /// below the folder, so an unchanged report's folder is not walked
    /// again on every save.
    pub fn walk(&self, fs: &dyn FileSystem, dir: &str) -> Arc<Vec<String>> {
        if !self.watched {
            return Arc::new(fs.walk(dir));
        }
        let listings = self.listings.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = listings.get(dir) {
            return hit.clone();
        }
        drop(listings);
        let walked = Arc::new(fs.walk(dir));
        self.listings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_string(), walked.clone());
        walked
    }

    /// The parsed file, from the cache when its text (or, when watched, the
    /// absence of a change) and key allow, else read and parsed and stored.
    pub fn load<T: Clone + Send + Sync + 'static>(&self, p: Parse<'_, T>) -> Option<T> {
        if self.watched
            && let Some(hit) = self.hit(p.path, p.key, None)
        {
            return hit.reuse(p.path, p.diags, p.sources);
        }
        // Problems found in reading (control characters) are the file's
        // too, kept and reported again with it.
        let own = Diagnostics::new();
        let Some(text) = crate::sources::read(p.sources, p.fs, p.path, &own) else {
            p.diags.extend(own.sorted());
            return None;
        };
        // A watched cache was just asked: a miss there is a miss here.
        if !self.watched
            && let Some(hit) = self.hit(p.path, p.key, Some(&text))
        {
            return hit.reuse(p.path, p.diags, p.sources);
        }
        let parsed = (p.parse)(&text, &own);
        let found: Arc<[Diagnostic]> = own.sorted().into();
        p.diags.extend(found.iter().cloned());
        let entry = Entry {
            text,
            key: p.key,
            parsed: Arc::new(parsed.clone()),
            spare: None,
            copy: copy_of::<T>,
            diagnostics: found,
        };
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(p.path.to_string(), entry);
        parsed
    }

    fn hit(&self, path: &str, key: u64, text: Option<&str>) -> Option<Hit> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get_mut(path)?;
        (e.key == key && text.is_none_or(|t| *e.text == *t)).then(|| Hit {
            text: e.text.clone(),
            parsed: e.parsed.clone(),
            spare: e.spare.take(),
            diagnostics: e.diagnostics.clone(),
        })
    }

    /// Makes a spare copy of every entry whose spare a build has taken, so
    /// the next save need not copy (`rapport serve` calls it after the
    /// reload, on a low-priority thread: one thread, so it leaves a core
    /// free). The copying is done outside the lock, so a build is never
    /// kept waiting for it.
    pub fn refill(&self) {
        let wanted: Vec<_> = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, e)| e.spare.is_none())
            .map(|(path, e)| (path.clone(), e.parsed.clone(), e.copy))
            .collect();
        let made: Vec<_> = wanted
            .into_iter()
            .map(|(path, parsed, copy)| {
                let spare = copy(&*parsed);
                (path, parsed, spare)
            })
            .collect();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for (path, parsed, spare) in made {
            // Unless the file was parsed again meanwhile.
            if let Some(e) = entries.get_mut(&path)
                && Arc::ptr_eq(&e.parsed, &parsed)
            {
                e.spare = Some(spare);
            }
        }
    }
}

/// The parsed file: through `cache` when there is one (`rapport serve`),
/// else simply read and parsed.
pub fn load<T: Clone + Send + Sync + 'static>(
    cache: Option<&ParseCache>,
    p: Parse<'_, T>,
) -> Option<T> {
    match cache {
        Some(cache) => cache.load(p),
        None => {
            let text = crate::sources::read(p.sources, p.fs, p.path, p.diags)?;
            (p.parse)(&text, p.diags)
        }
    }
}

/// Is `path` the folder or file `prefix`, or below it?
fn within(path: &str, prefix: &str) -> bool {
    path == prefix || (path.starts_with(prefix) && path[prefix.len()..].starts_with('/'))
}

/// A cached file, taken out of the lock before its tree is copied.
struct Hit {
    text: Arc<str>,
    parsed: Arc<dyn Any + Send + Sync>,
    spare: Option<Box<dyn Any + Send>>,
    diagnostics: Arc<[Diagnostic]>,
}

impl Hit {
    fn reuse<T: Clone + 'static>(
        self,
        path: &str,
        diags: &Diagnostics,
        sources: &SourceMap,
    ) -> Option<T> {
        sources.insert(path, self.text);
        diags.extend(self.diagnostics.iter().cloned());
        // Each path is parsed to one type, so the downcasts succeed; if one
        // did not, the file would count as having nothing in it, which the
        // unit tests would show.
        if let Some(spare) = self.spare
            && let Ok(spare) = spare.downcast::<Option<T>>()
        {
            return *spare;
        }
        self.parsed.downcast_ref::<Option<T>>().cloned().flatten()
    }
}

/// A key from the settings a parse depends on.
pub fn key_of(settings: &impl std::hash::Hash) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(settings)
}

/// How a site is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include reports and chapters marked `draft: true`.
    pub drafts: bool,
    /// Files parsed by an earlier load of the same site (`rapport serve`).
    pub cache: Option<std::sync::Arc<ParseCache>>,
}

/// Every file below `dir`, from the cache of `rapport serve` when there is
/// one.
pub fn walk(fs: &dyn FileSystem, opts: &LoadOptions, dir: &str) -> std::sync::Arc<Vec<String>> {
    match &opts.cache {
        Some(cache) => cache.walk(fs, dir),
        None => std::sync::Arc::new(fs.walk(dir)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::MemoryFs;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn load(cache: &ParseCache, fs: &MemoryFs, key: u64, calls: &AtomicUsize) -> Option<String> {
        let diags = Diagnostics::new();
        let parse = |t: &str, d: &Diagnostics| {
            calls.fetch_add(1, Ordering::SeqCst);
            d.push(Diagnostic::warning("w", "seen").in_file("a.md"));
            Some(t.to_uppercase())
        };
        let out = cache.load(Parse {
            fs,
            path: "a.md",
            key,
            diags: &diags,
            sources: &SourceMap::default(),
            parse: &parse,
        });
        assert_eq!(
            diags.sorted().len(),
            1,
            "problems are reported on every load"
        );
        out
    }

    #[test]
    fn unchanged_text_and_key_are_not_parsed_again() {
        let cache = ParseCache::default();
        let calls = AtomicUsize::new(0);
        let mut fs = MemoryFs::new();
        fs.add("a.md", "one");
        assert_eq!(load(&cache, &fs, 1, &calls).as_deref(), Some("ONE"));
        assert_eq!(load(&cache, &fs, 1, &calls).as_deref(), Some("ONE"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        load(&cache, &fs, 2, &calls);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "a new key parses again");
        fs.add("a.md", "two");
        assert_eq!(load(&cache, &fs, 2, &calls).as_deref(), Some("TWO"));
    }

    #[test]
    fn a_watched_cache_trusts_the_watcher() {
        let cache = ParseCache::watched();
        let calls = AtomicUsize::new(0);
        let mut fs = MemoryFs::new();
        fs.add("a.md", "one");
        load(&cache, &fs, 1, &calls);
        fs.add("a.md", "two");
        assert_eq!(load(&cache, &fs, 1, &calls).as_deref(), Some("ONE"));
        cache.invalidate(&["a.m".into()]);
        assert_eq!(
            load(&cache, &fs, 1, &calls).as_deref(),
            Some("ONE"),
            "not a prefix of a name"
        );
        cache.invalidate(&["a.md".into()]);
        assert_eq!(load(&cache, &fs, 1, &calls).as_deref(), Some("TWO"));
    }

    #[test]
    fn a_spare_copy_is_handed_out_once_and_refilled() {
        let cache = ParseCache::watched();
        let calls = AtomicUsize::new(0);
        let mut fs = MemoryFs::new();
        fs.add("a.md", "one");
        load(&cache, &fs, 1, &calls);
        let spares = || {
            cache
                .entries
                .lock()
                .unwrap()
                .values()
                .filter(|e| e.spare.is_some())
                .count()
        };
        assert_eq!(spares(), 0);
        cache.refill();
        assert_eq!(spares(), 1);
        assert_eq!(load(&cache, &fs, 1, &calls).as_deref(), Some("ONE"));
        assert_eq!(spares(), 0, "taken by the load");
        assert_eq!(
            load(&cache, &fs, 1, &calls).as_deref(),
            Some("ONE"),
            "copied when none"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_watched_listing_is_walked_again_after_a_change_below_it() {
        let cache = ParseCache::watched();
        let mut fs = MemoryFs::new();
        fs.add("content/r/a.md", "a").add("content/s/a.md", "a");
        assert_eq!(cache.walk(&fs, "content/r").len(), 1);
        fs.add("content/r/b.md", "b").add("content/s/b.md", "b");
        assert_eq!(cache.walk(&fs, "content/r").len(), 1, "kept until told");
        cache.invalidate(&["content/r/b.md".into()]);
        assert_eq!(cache.walk(&fs, "content/r").len(), 2);
        cache.invalidate(&["content".into()]);
        assert_eq!(
            cache.walk(&fs, "content/s").len(),
            2,
            "a changed parent folder"
        );
        assert_eq!(ParseCache::default().walk(&fs, "content/s").len(), 2);
    }
}
