//! `cms:` in site.yaml: editing in the browser with Decap CMS (or Sveltia
//! CMS, which reads the same configuration). Off unless the key is there.
//!
//! The editor saves to the site's Git repository: on GitHub or GitLab
//! through the organisation's own sign-in, or through Netlify's Git
//! Gateway. So site.yaml names the host, the repository and the branch,
//! and `build` writes `admin/` from them ([`crate::cms`]).

use serde::Deserialize;

use crate::config::Problems;
use crate::diagnostics::Diagnostic;
use crate::yaml::{self, Spanned};

/// `cms:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCms {
    backend: Option<Spanned<String>>,
    repo: Option<Spanned<String>>,
    branch: Option<String>,
    /// The editor's script, for a site that hosts its own copy.
    script: Option<Spanned<String>>,
    /// The port `rapport serve --cms` answers the editor's saves on.
    local_port: Option<u16>,
    /// Where uploaded pictures go, inside each report's folder.
    media_folder: Option<Spanned<String>>,
    /// The GitHub sign-in service that holds the OAuth application's
    /// secret (Decap's `base_url`).
    auth_url: Option<Spanned<String>>,
    /// The GitLab application's ID, for GitLab's own sign-in (PKCE).
    app_id: Option<String>,
}

/// Where the editor saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    GitHub,
    GitLab,
    GitGateway,
}

impl Backend {
    /// Decap's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::GitHub => "github",
            Backend::GitLab => "gitlab",
            Backend::GitGateway => "git-gateway",
        }
    }
}

/// The validated `cms:` settings.
#[derive(Debug, Clone)]
pub struct Cms {
    pub backend: Backend,
    /// `owner/name` on GitHub, `group/name` on GitLab (not needed by Git
    /// Gateway, which knows its repository).
    pub repo: Option<String>,
    pub branch: String,
    /// The editor's script: `None` loads the pinned version from the CDN
    /// with its integrity hash ([`crate::cms::PINNED_SCRIPT`]).
    pub script: Option<String>,
    pub local_port: u16,
    /// A report's pictures' folder, inside the report (`images`).
    pub media_folder: String,
    /// The GitHub sign-in service's address (`https://...`).
    pub auth_url: Option<String>,
    /// The GitLab application's ID.
    pub app_id: Option<String>,
    /// Set by `rapport serve --cms`, not by site.yaml: the address of the
    /// local backend the editor saves through.
    pub local_backend: Option<String>,
}

/// The port `rapport serve --cms` answers on unless told otherwise: the
/// one `decap-server` uses, so guides written for it still apply.
pub const DEFAULT_LOCAL_PORT: u16 = 8081;

pub(crate) fn load(raw: RawCms, p: &mut Problems) -> Cms {
    let backend = match &raw.backend {
        None => Backend::GitHub,
        Some(b) if b.value.trim() == "github" => Backend::GitHub,
        Some(b) if b.value.trim() == "gitlab" => Backend::GitLab,
        Some(b) if b.value.trim() == "git-gateway" => Backend::GitGateway,
        Some(b) => {
            p.push(
                Diagnostic::error(
                    "bad-cms-backend",
                    format!("the editor cannot save through `{}`", b.value.trim()),
                )
                .at(yaml::span_of(b, 0))
                .with_hint("write `backend: github`, `backend: gitlab` or `backend: git-gateway`"),
            );
            Backend::GitHub
        }
    };
    let repo = raw.repo.map(|r| {
        let v = r.value.trim().to_string();
        let parts: Vec<_> = v.split('/').collect();
        if parts.len() < 2 || parts.iter().any(|s| !valid_repo_part(s)) {
            p.push(
                Diagnostic::error(
                    "bad-cms-repo",
                    format!("`{v}` is not a repository name such as `council/annual-report`"),
                )
                .at(yaml::span_of(&r, 0))
                .with_hint(
                    "write the repository as its owner and name: `repo: council/annual-report`",
                ),
            );
        }
        v
    });
    if repo.is_none() && backend != Backend::GitGateway {
        p.push(
            Diagnostic::error(
                "bad-cms-repo",
                format!(
                    "`cms:` does not say which {} repository to save to",
                    backend.name()
                ),
            )
            .with_hint("add `repo: council/annual-report` under `cms:`"),
        );
    }
    let script = raw.script.map(|s| {
        if !acceptable_script(&s.value) {
            p.push(
                Diagnostic::error(
                    "bad-cms-script",
                    format!("the editor's script `{}` is not an https:// address or a path on the site", s.value),
                )
                .at(yaml::span_of(&s, 0))
                .with_hint("give an https:// address, or a path from the site's root such as /static/decap-cms.js"),
            );
        }
        s.value
    });
    let media_folder = raw.media_folder.map_or_else(
        || "images".to_string(),
        |m| {
            let v = m.value.trim().trim_matches('/').to_string();
            if v.is_empty() || v.split('/').any(|s| !valid_repo_part(s)) {
                p.push(
                    Diagnostic::error(
                        "bad-cms-media-folder",
                        format!("`{}` is not a folder name inside a report", m.value),
                    )
                    .at(yaml::span_of(&m, 0))
                    .with_hint("write a plain folder name such as `images`"),
                );
            }
            v
        },
    );
    let auth_url = raw.auth_url.map(|u| {
        let ok = u.value.starts_with("https://")
            && u.value.chars().all(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>' | '\\'));
        if !ok {
            p.push(
                Diagnostic::error(
                    "bad-cms-auth-url",
                    format!("the sign-in service `{}` is not an https:// address", u.value),
                )
                .at(yaml::span_of(&u, 0))
                .with_hint("give the address of the service that holds the GitHub OAuth application's secret, such as https://auth.example.org"),
            );
        }
        u.value.trim_end_matches('/').to_string()
    });
    Cms {
        backend,
        auth_url,
        app_id: raw.app_id.map(|a| a.trim().to_string()),
        repo,
        branch: raw.branch.unwrap_or_else(|| "main".to_string()),
        script,
        local_port: raw.local_port.unwrap_or(DEFAULT_LOCAL_PORT),
        media_folder,
        local_backend: None,
    }
}

/// A piece of a repository or folder name: letters, digits, `-`, `_`, `.`,
/// and not `.` or `..`.
fn valid_repo_part(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// An `https://` address, or a path on the site (`/static/decap-cms.js`,
/// `../static/decap-cms.js`): never `javascript:` or `data:`, and nothing
/// that could leave the `src` attribute.
fn acceptable_script(s: &str) -> bool {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | '<' | '>' | '\\'));
    plain
        && (s.starts_with("https://")
            || s.starts_with('/')
            || s.starts_with("../")
            || s.starts_with("http://localhost")
            || s.starts_with("http://127.0.0.1"))
        && !s.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_address_must_be_https_or_on_the_site() {
        for good in [
            "https://cdn.example.org/decap-cms.js",
            "/static/decap-cms.js",
            "../static/decap-cms.js",
        ] {
            assert!(acceptable_script(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/javascript,1",
            "//evil.example/x.js",
            "http://cdn.example.org/x.js",
            "/x.js\" onload=\"alert(1)",
        ] {
            assert!(!acceptable_script(bad), "{bad}");
        }
    }
}
