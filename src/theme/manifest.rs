//! `theme.yaml`: a theme's name, version, description, and the rapport
//! versions it works with.
//!
//! A theme is shared between sites and outlives the rapport it was written
//! for; the requirement lets a build say "this theme needs rapport 0.3"
//! instead of failing on a template variable that version added.

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::vfs::FileSystem;
use crate::yaml::{self, Spanned};

pub const MANIFEST: &str = "theme.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub description: Option<String>,
    /// A version requirement such as `">=0.1"`.
    pub rapport: Option<Spanned<String>>,
}

/// Reads and checks `themes/<theme>/theme.yaml` when the theme has one. A
/// theme without one still works (it may be a folder of a few overrides);
/// a manifest that is wrong, or asks for another rapport, is an error.
pub fn check(fs: &dyn FileSystem, theme: &str, diags: &Diagnostics) {
    let path = format!("themes/{theme}/{MANIFEST}");
    let Ok(text) = fs.read_to_string(&path) else {
        return;
    };
    let manifest: Manifest = match yaml::parse(&path, &text, 0) {
        Ok(m) => m,
        Err(d) => {
            diags.push(d.config());
            return;
        }
    };
    for d in problems(&manifest, theme, env!("CARGO_PKG_VERSION")) {
        diags.push(d.config().in_file(path.clone()));
    }
}

/// What is wrong with a manifest, for a theme in folder `folder` read by
/// rapport `running`.
fn problems(m: &Manifest, folder: &str, running: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if semver::Version::parse(&m.version.value).is_err() {
        out.push(
            Diagnostic::error(
                "bad-theme-manifest",
                format!("`{}` is not a version", m.version.value),
            )
            .at(yaml::span_of(&m.version, 0))
            .with_hint("write the theme's version as three numbers, such as 1.0.0"),
        );
    }
    if m.name.value != folder {
        out.push(
            Diagnostic::warning(
                "bad-theme-manifest",
                format!(
                    "the theme in themes/{folder}/ calls itself `{}`",
                    m.name.value
                ),
            )
            .at(yaml::span_of(&m.name, 0))
            .with_hint(format!(
                "set `name: {folder}`, or rename the folder and `theme:` in site.yaml"
            )),
        );
    }
    if let Some(req) = &m.rapport {
        match semver::VersionReq::parse(&req.value) {
            Err(_) => out.push(
                Diagnostic::error("bad-theme-manifest", format!("`{}` is not a version requirement", req.value))
                    .at(yaml::span_of(req, 0))
                    .with_hint("write the rapport versions the theme works with, such as \">=0.1\" (in quotes)"),
            ),
            Ok(r) if !r.matches(&semver::Version::parse(running).expect("our own version")) => out.push(
                Diagnostic::error(
                    "theme-needs-newer-rapport",
                    format!("the theme `{folder}` needs rapport {}; this is rapport {running}", req.value),
                )
                .at(yaml::span_of(req, 0))
                .with_hint("install a rapport version the theme works with, or use a version of the theme made for this one"),
            ),
            Ok(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(yaml: &str) -> Manifest {
        yaml::parse("theme.yaml", yaml, 0).unwrap()
    }

    #[test]
    fn a_theme_for_a_newer_rapport_is_refused_at_its_line() {
        let m = manifest("name: civic\nversion: 1.2.0\nrapport: \">=9.0\"\n");
        let p = problems(&m, "civic", "0.1.0");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, "theme-needs-newer-rapport");
        assert!(
            p[0].message
                .contains("needs rapport >=9.0; this is rapport 0.1.0"),
            "{}",
            p[0].message
        );
        assert_eq!(p[0].span.as_ref().unwrap().start.line, 3);
    }

    #[test]
    fn the_default_manifest_fits_this_rapport() {
        let text = super::super::embedded_text(MANIFEST).unwrap();
        let m = manifest(text);
        assert_eq!(problems(&m, "default", env!("CARGO_PKG_VERSION")), vec![]);
    }

    #[test]
    fn a_bad_version_and_a_name_that_is_not_the_folder_are_reported() {
        let m = manifest("name: civic\nversion: one\n");
        let codes: Vec<_> = problems(&m, "council", "0.1.0")
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(codes.len(), 2, "{codes:?}");
    }
}
