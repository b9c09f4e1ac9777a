//! Which saves the preview hears about: the file watcher, and how a changed
//! path is seen against the site (does it matter, is it in `content/`, what
//! is its site-relative name). The watcher only passes edits on to the
//! rebuild worker ([`super::worker`]); it builds nothing itself.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use notify::{RecursiveMode, Watcher};

use super::worker::Request;

/// Watches the site's own sources and sends each edit to `requests`:
/// site.yaml (and new folders) at the top, then each source folder; never
/// output/, target/ or .git/. Watching stops when the returned watcher is
/// dropped.
pub(super) fn start(
    site_dir: &Path,
    requests: mpsc::Sender<Request>,
) -> std::io::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        // Reads (our own rebuilds open every file) and metadata changes are
        // not edits.
        if let Ok(ev) = ev
            && matches!(
                ev.kind,
                notify::EventKind::Create(_)
                    | notify::EventKind::Remove(_)
                    | notify::EventKind::Modify(
                        notify::event::ModifyKind::Data(_)
                            | notify::event::ModifyKind::Name(_)
                            | notify::event::ModifyKind::Any
                    )
            )
        {
            let _ = requests.send(Request::Changed(ev.paths));
        }
    })
    .map_err(std::io::Error::other)?;
    watcher
        .watch(site_dir, RecursiveMode::NonRecursive)
        .map_err(std::io::Error::other)?;
    for dir in ["content", "themes", "templates", "static"] {
        let d = site_dir.join(dir);
        if d.is_dir() {
            watcher
                .watch(&d, RecursiveMode::Recursive)
                .map_err(std::io::Error::other)?;
        }
    }
    Ok(watcher)
}

/// A changed path as the site names it (`content/r/01-intro.md`); a path
/// outside the site stands for everything (the empty prefix).
pub(super) fn site_relative(root: &Path, path: &Path) -> String {
    canonical(path)
        .strip_prefix(root)
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default()
}

/// A path inside the site's `content/` folder.
pub(super) fn in_content(root: &Path, path: &Path) -> bool {
    canonical(path)
        .strip_prefix(root)
        .is_ok_and(|rel| rel.starts_with("content"))
}

/// The real path of a changed file, also when it was just deleted (then its
/// folder's real path).
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    match (path.parent().map(Path::canonicalize), path.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Changes that can affect the site: not the output folder, version
/// control, hidden files or editors' temporary files.
pub(super) fn relevant(root: &Path, path: &Path) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    let mut parts = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let first = parts.next().unwrap_or_default();
    let top_level = parts.next().is_none();
    // At the top of the site only site.yaml and the source folders matter.
    if top_level
        && !["site.yaml", "content", "themes", "templates", "static"].contains(&first.as_str())
    {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !rel.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        && !name.ends_with('~')
        && !name.ends_with(".swp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sites_sources_are_relevant() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, wanted) in [
            ("site.yaml", true),
            ("content/r/01-a.md", true),
            ("themes/default/page.html", true),
            ("static/logo.svg", true),
            ("notes.txt", false),
            ("content/r/.01-a.md.swx", false),
            ("content/r/01-a.md~", false),
            ("content/r/.01-a.md.swp", false),
            (".git/index", false),
        ] {
            assert_eq!(relevant(&root, &root.join(path)), wanted, "{path}");
        }
        assert!(relevant(&root, Path::new("/elsewhere/file")));
    }

    #[test]
    fn changed_paths_are_seen_from_the_site_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("content/r")).unwrap();
        let deleted = root.join("content/r/gone.md");
        assert_eq!(site_relative(&root, &deleted), "content/r/gone.md");
        assert!(in_content(&root, &deleted));
        assert!(!in_content(&root, &root.join("site.yaml")));
        assert_eq!(site_relative(&root, Path::new("/elsewhere/file")), "");
    }
}
