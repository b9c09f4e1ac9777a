//! The editor's local backend: what `decap-server` answers (`POST /api/v1`
//! with `{action, params}`), answered inside the site folder, so a comms
//! team can edit on a laptop with `rapport serve --cms` and see each save
//! in the preview.
//!
//! Differences from decap-server, each on purpose:
//!
//! - Only `site.yaml`, `content/` and `static/` can be read or written, and
//!   no path with `..`, a hidden name (`.git`) or a symbolic link on the way
//!   is followed.
//! - Files are written whole or not at all (a temporary file beside, then
//!   a rename).
//! - A save is put back into the file it came from ([`super::roundtrip`]),
//!   so comments and layout survive.
//! - The site is checked after each save, and a save that gives the site an
//!   error in the files it wrote is undone (the files get their previous
//!   bytes back) and answered with rapport's message and its position,
//!   which the editor shows. Nothing invalid is left on disk for the
//!   preview to fail on.
//! - A new tracked item saved with no number gets the next free number in
//!   its report, as `rapport new recommendation` gives it.
//! - Only the simple publishing mode: saves go straight to the files (the
//!   editorial workflow is for the Git host, where saves are pull requests).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::diagnostics::Diagnostic;

/// What checks the site after a save: the problems a build finds.
pub type Check = Box<dyn Fn() -> Vec<Diagnostic> + Send + Sync>;

/// The backend for one site folder.
pub struct LocalBackend {
    root: PathBuf,
    check: Check,
    /// One save at a time: a save and the check after it are one step.
    saving: Mutex<()>,
}

/// An answer: the HTTP status and the JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Answer { status: 200, body }
    }

    fn error(status: u16, message: impl Into<String>) -> Self {
        Answer {
            status,
            body: json!({ "error": message.into() }),
        }
    }
}

/// The largest request the backend reads (a picture, base64-encoded).
pub const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

impl LocalBackend {
    pub fn new(root: &Path, check: Check) -> std::io::Result<Self> {
        Ok(LocalBackend {
            root: root.canonicalize()?,
            check,
            saving: Mutex::new(()),
        })
    }

    /// Answers one request body.
    pub fn handle(&self, body: &[u8]) -> Answer {
        let Ok(request) = serde_json::from_slice::<Value>(body) else {
            return Answer::error(400, "the request is not JSON");
        };
        let params = &request["params"];
        let result = match request["action"].as_str().unwrap_or("") {
            "info" => Ok(json!({
                "repo": self.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                "publish_modes": ["simple"],
                "type": "local_fs",
            })),
            "entriesByFolder" => self.entries_by_folder(params),
            "entriesByFiles" => Ok(Value::Array(
                params["files"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| self.entry(f["path"].as_str().unwrap_or(""), f.get("label")))
                    .collect(),
            )),
            "getEntry" => Ok(self.entry(params["path"].as_str().unwrap_or(""), None)),
            "persistEntry" => return self.persist_entry(params),
            "getMedia" => self.media(params["mediaFolder"].as_str().unwrap_or("")),
            "getMediaFile" => self.media_file(params["path"].as_str().unwrap_or("")),
            "persistMedia" => return self.persist_media(&params["asset"]),
            "deleteFile" => return self.delete(&[params["path"].as_str().unwrap_or("")]),
            "deleteFiles" => {
                let paths: Vec<&str> = params["paths"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                return self.delete(&paths);
            }
            "getDeployPreview" => Ok(Value::Null),
            other => {
                return Answer::error(
                    422,
                    format!(
                        "rapport serve --cms does not answer `{other}`: saves go straight to the files"
                    ),
                );
            }
        };
        match result {
            Ok(v) => Answer::ok(v),
            Err(e) => Answer::error(422, e),
        }
    }

    /// A site-relative path on disk, refused when it leaves the folders the
    /// editor may touch or passes through a symbolic link.
    fn path(&self, rel: &str) -> Result<PathBuf, String> {
        let refuse = || format!("`{rel}` is not a file the editor may change");
        if rel.is_empty() || rel.starts_with('/') || rel.contains(['\\', '\0']) {
            return Err(refuse());
        }
        let segments: Vec<&str> = rel.trim_end_matches('/').split('/').collect();
        if segments.iter().any(|s| s.is_empty() || s.starts_with('.')) {
            return Err(refuse());
        }
        let allowed = rel == crate::config::CONFIG_FILE
            || ["content", "static"].contains(&segments[0]) && segments.len() > 1;
        if !allowed {
            return Err(refuse());
        }
        let mut path = self.root.clone();
        for s in segments {
            path.push(s);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(refuse());
            }
        }
        Ok(path)
    }

    /// A folder's files with the extension, `depth` folders down, as
    /// entries.
    fn entries_by_folder(&self, params: &Value) -> Result<Value, String> {
        let folder = params["folder"]
            .as_str()
            .unwrap_or("")
            .trim_end_matches('/');
        let extension = params["extension"].as_str().unwrap_or("");
        let depth = params["depth"].as_u64().unwrap_or(1);
        let files = self.list(folder, extension, depth)?;
        Ok(Value::Array(
            files.iter().map(|f| self.entry(f, None)).collect(),
        ))
    }

    fn list(&self, folder: &str, extension: &str, depth: u64) -> Result<Vec<String>, String> {
        let dir = self.path(folder)?;
        let mut out = Vec::new();
        for e in walkdir::WalkDir::new(&dir)
            .max_depth(depth as usize)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let Ok(rel) = e.path().strip_prefix(&self.root) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.ends_with(extension) && self.path(&rel).is_ok() && !is_translation(e.path()) {
                out.push(rel);
            }
        }
        Ok(out)
    }

    /// One file as an entry; its data is null when it cannot be read. A
    /// YAML file that is a list at its top is shown under `items:`.
    fn entry(&self, rel: &str, label: Option<&Value>) -> Value {
        let bytes = self.path(rel).ok().and_then(|p| std::fs::read(p).ok());
        let id = bytes.as_deref().map(digest);
        let data = bytes.map(|b| {
            let text = String::from_utf8_lossy(&b).into_owned();
            if rel.ends_with(".yaml") || rel.ends_with(".yml") {
                super::roundtrip::wrap_root_list(&text).unwrap_or(text)
            } else {
                text
            }
        });
        let mut file = json!({ "path": rel, "id": id });
        if let Some(l) = label {
            file["label"] = l.clone();
        }
        json!({ "data": data, "file": file })
    }

    fn persist_entry(&self, params: &Value) -> Answer {
        let files: Vec<&Value> = match params["dataFiles"].as_array() {
            Some(a) => a.iter().collect(),
            None => vec![&params["entry"]],
        };
        let mut changes = Vec::new();
        for f in files {
            let rel = f["path"].as_str().unwrap_or("");
            let raw = f["raw"].as_str().unwrap_or("");
            let path = match self.path(rel) {
                Ok(p) => p,
                Err(e) => return Answer::error(422, e),
            };
            let old = std::fs::read(&path).ok();
            let text = match &old {
                Some(old) => super::roundtrip::merge(rel, &String::from_utf8_lossy(old), raw).0,
                None => self.numbered(rel, raw),
            };
            changes.push(Change {
                rel: rel.to_string(),
                path,
                old,
                new: Some(text.into_bytes()),
            });
        }
        for a in params["assets"].as_array().into_iter().flatten() {
            match self.asset_change(a) {
                Ok(c) => changes.push(c),
                Err(e) => return Answer::error(422, e),
            }
        }
        match self.apply(changes) {
            Ok(()) => Answer::ok(json!({ "message": "entry persisted" })),
            Err(e) => Answer::error(422, e),
        }
    }

    /// A new item with no number: the next free one in its report.
    fn numbered(&self, rel: &str, raw: &str) -> String {
        let Some(folder) = rel.rsplit_once('/').map(|(d, _)| d) else {
            return raw.to_string();
        };
        if !folder.ends_with(&format!("/{}", crate::tracker::load::ITEMS_DIR)) {
            return raw.to_string();
        }
        let Some((yaml, _, _)) = crate::yaml::split_front_matter(raw) else {
            return raw.to_string();
        };
        let yaml_at = yaml.as_ptr() as usize - raw.as_ptr() as usize;
        let given = crate::yaml::tree::parse(yaml)
            .ok()
            .flatten()
            .and_then(|r| r.get("number").and_then(|n| n.as_str().map(str::to_string)))
            .is_some_and(|n| !n.trim().is_empty());
        if given {
            return raw.to_string();
        }
        let highest = self
            .list(folder, "md", 1)
            .unwrap_or_default()
            .iter()
            .filter_map(|f| std::fs::read_to_string(self.root.join(f)).ok())
            .filter_map(|t| {
                let line = t
                    .lines()
                    .find_map(|l| l.strip_prefix("number:"))?
                    .to_string();
                super::config::leading_number(&line)
            })
            .max()
            .unwrap_or(0);
        // Any `number:` left empty goes; the number opens the front matter.
        let rest: String = raw[yaml_at..]
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("number:"))
            .collect();
        format!("{}number: {}\n{rest}", &raw[..yaml_at], highest + 1)
    }

    fn asset_change(&self, a: &Value) -> Result<Change, String> {
        let rel = a["path"].as_str().unwrap_or("");
        let path = self.path(rel)?;
        let bytes = decode(a["content"].as_str().unwrap_or(""), a["encoding"].as_str())?;
        Ok(Change {
            rel: rel.to_string(),
            old: std::fs::read(&path).ok(),
            path,
            new: Some(bytes),
        })
    }

    fn persist_media(&self, asset: &Value) -> Answer {
        let change = match self.asset_change(asset) {
            Ok(c) => c,
            Err(e) => return Answer::error(422, e),
        };
        let rel = change.rel.clone();
        match self
            .apply(vec![change])
            .and_then(|()| self.media_file(&rel))
        {
            Ok(v) => Answer::ok(v),
            Err(e) => Answer::error(422, e),
        }
    }

    fn delete(&self, paths: &[&str]) -> Answer {
        let mut changes = Vec::new();
        for rel in paths {
            match self.path(rel) {
                Ok(path) => changes.push(Change {
                    rel: rel.to_string(),
                    old: std::fs::read(&path).ok(),
                    path,
                    new: None,
                }),
                Err(e) => return Answer::error(422, e),
            }
        }
        match self.apply(changes) {
            Ok(()) => Answer::ok(json!({ "message": format!("deleted {}", paths.join(", ")) })),
            Err(e) => Answer::error(422, e),
        }
    }

    fn media(&self, folder: &str) -> Result<Value, String> {
        Ok(Value::Array(
            self.list(folder, "", 1)?
                .iter()
                .filter_map(|f| self.media_file(f).ok())
                .collect(),
        ))
    }

    fn media_file(&self, rel: &str) -> Result<Value, String> {
        let bytes =
            std::fs::read(self.path(rel)?).map_err(|e| format!("cannot read `{rel}`: {e}"))?;
        Ok(json!({
            "id": digest(&bytes),
            "content": encode(&bytes),
            "encoding": "base64",
            "path": rel,
            "name": rel.rsplit('/').next().unwrap_or(rel),
        }))
    }

    /// Writes the changes, checks the site, and puts every file back as it
    /// was when the check finds an error the site did not have before: in a
    /// saved file, or in another that the save broke (a link to a deleted
    /// chapter). An error the site already had does not stop a save; errors
    /// are compared without their line, which a save may move.
    fn apply(&self, changes: Vec<Change>) -> Result<(), String> {
        let _one = self.saving.lock().unwrap_or_else(|e| e.into_inner());
        let key = |d: &Diagnostic| (d.code, d.file.clone(), d.message.clone());
        let before: std::collections::HashSet<_> = (self.check)()
            .iter()
            .filter(|d| d.is_error())
            .map(key)
            .collect();
        let mut done = Vec::new();
        for c in &changes {
            if let Err(e) = put(&c.path, c.new.as_deref()) {
                undo(&done);
                return Err(format!("cannot write `{}`: {e}", c.rel));
            }
            done.push(c);
        }
        let problems: Vec<String> = (self.check)()
            .into_iter()
            .filter(|d| d.is_error() && !before.contains(&key(d)))
            .map(|d| message(&d))
            .collect();
        if problems.is_empty() {
            return Ok(());
        }
        undo(&done);
        Err(format!("Not saved: {}", problems.join("\n")))
    }
}

/// One file's change: its bytes before and after (`None`: no file).
struct Change {
    rel: String,
    path: PathBuf,
    old: Option<Vec<u8>>,
    new: Option<Vec<u8>>,
}

fn undo(done: &[&Change]) {
    for c in done.iter().rev() {
        let _ = put(&c.path, c.old.as_deref());
    }
}

/// Writes a file whole (a temporary file beside it, renamed over it), or
/// removes it.
fn put(path: &Path, bytes: Option<&[u8]>) -> std::io::Result<()> {
    let Some(bytes) = bytes else {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.rapport-save"));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// rapport's message as the editor shows it: file, line and column, what
/// is wrong and how to fix it.
fn message(d: &Diagnostic) -> String {
    let mut out = format!("{}: {} [{}]", d.location(), d.message, d.code);
    if let Some(h) = &d.hint {
        out.push_str(" (");
        out.push_str(h);
        out.push(')');
    }
    out
}

/// The entry's version, as decap-server gives it: the SHA-256 of its bytes.
fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode(text: &str, encoding: Option<&str>) -> Result<Vec<u8>, String> {
    if encoding != Some("base64") {
        return Ok(text.as_bytes().to_vec());
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut n, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = B64
            .iter()
            .position(|b| *b == c)
            .ok_or("the file is not base64")? as u32;
        n = n << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((n >> bits) as u8);
            n &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// A translation beside its original (`03.cy.md` beside `03.md`,
/// docs/languages.md): the editor edits the original, in the site's
/// default language, so translations are not listed as entries of their
/// own.
fn is_translation(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let mut parts = name.rsplitn(3, '.');
    let (Some(ext), Some(lang), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && path.with_file_name(format!("{stem}.{ext}")).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_goes_both_ways() {
        for s in [&b""[..], b"a", b"ab", b"abc", b"abcd", &[0, 255, 128, 7]] {
            assert_eq!(decode(&encode(s), Some("base64")).unwrap(), s);
        }
        assert_eq!(encode(b"Man"), "TWFu");
        assert_eq!(encode(b"Ma"), "TWE=");
    }

    #[test]
    fn paths_outside_the_editable_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/r")).unwrap();
        let b = LocalBackend::new(dir.path(), Box::new(Vec::new)).unwrap();
        for bad in [
            "../x",
            "content/../site.yaml",
            "/etc/passwd",
            "content/.git/config",
            ".git/config",
            "themes/default/x.html",
            "content",
            "content/r\\..\\x",
            "build.rs",
        ] {
            assert!(b.path(bad).is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/tmp", dir.path().join("content/out")).unwrap();
            assert!(b.path("content/out/x.md").is_err());
        }
        assert!(b.path("content/r/01.md").is_ok());
        assert!(b.path("site.yaml").is_ok());
    }
}
