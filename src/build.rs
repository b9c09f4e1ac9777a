//! The pipeline: load, render, write. `build`, `check` and (later) `serve`
//! all call these same functions, so what `check` accepts is what `build`
//! builds.

use std::path::{Path, PathBuf};

use crate::content::{self, LoadOptions};
use crate::diagnostics::{Class, Diagnostic, Diagnostics, SourceMap};
use crate::model::Site;
use crate::output::{self, Output};
use crate::render;
use crate::vfs::FileSystem;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include draft reports and chapters.
    pub drafts: bool,
    /// Replaces `base_url` from site.yaml (for preview deploys).
    pub base_url: Option<String>,
    /// A preview build: every page says it is not published, and search
    /// engines are asked not to index it.
    pub preview: bool,
    /// Leave out the PDF edition (for a fast live preview).
    pub no_pdf: bool,
    /// Leave out the search index (`check`, which writes nothing, and the
    /// live preview, which indexes after it has reloaded the page).
    pub no_search: bool,
}

/// What a run produced: the problems found, and the site when it rendered.
pub struct Outcome {
    pub site: Option<Site>,
    pub output: Option<Output>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// 0 when there are no errors, 2 when any error is about configuration,
    /// the theme or the output folder, otherwise 1.
    pub fn exit_code(&self) -> i32 {
        let errors: Vec<_> = self.diagnostics.iter().filter(|d| d.is_error()).collect();
        if errors.is_empty() {
            0
        } else if errors.iter().any(|d| d.class == Class::Config) {
            2
        } else {
            1
        }
    }
}

/// Loads and renders the whole site in memory. Nothing is written.
pub fn render_in_memory(fs: &dyn FileSystem, opts: &BuildOptions) -> Outcome {
    let diags = Diagnostics::new();
    let sources = SourceMap::default();
    let load = LoadOptions {
        drafts: opts.drafts,
    };
    let mut site = content::load_site(fs, &load, &diags, &sources);
    if let (Some(site), Some(url)) = (&mut site, &opts.base_url) {
        site.config.base_url = if url.is_empty() || url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }
    if let Some(site) = &mut site {
        site.config.preview = opts.preview;
        site.config.pdf = !opts.no_pdf;
        crate::editorial::check(site, &sources, &diags);
    }
    // Render even when content has errors, so that template problems are
    // reported in the same run; the output is discarded if anything failed.
    let output = site
        .as_ref()
        .and_then(|s| render::render_site(fs, s, &diags, &sources));
    let mut output = output;
    if !opts.no_search
        && let (Some(site), Some(out)) = (&site, &mut output)
        && !diags.has_errors()
    {
        match crate::search::index(site, &out.files) {
            Ok(files) => out.files.extend(files),
            Err(d) => diags.push(d),
        }
    }
    let mut diagnostics = diags.sorted();
    if let Some(site) = &site {
        let off = &site.config.checks_off;
        diagnostics.retain(|d| d.is_error() || !off.iter().any(|c| c == d.code));
    }
    Outcome {
        site,
        output,
        diagnostics,
        sources,
    }
}

/// Builds the site in `site_dir` into `out`. The output folder is replaced
/// only when the whole build succeeded.
pub fn build_to_disk(site_dir: &Path, out: &Path, opts: &BuildOptions) -> Outcome {
    let fs = match crate::vfs::RealFs::new(site_dir) {
        Ok(fs) => fs,
        Err(e) => {
            return failed(
                Diagnostic::error(
                    "no-site",
                    format!("cannot open site folder {}: {e}", site_dir.display()),
                )
                .config(),
            );
        }
    };
    if let Err(d) = output::check_output_dir(site_dir, out) {
        return failed(d);
    }
    let mut outcome = render_in_memory(&fs, opts);
    if outcome.has_errors() {
        outcome.output = None;
        return outcome;
    }
    if let Some(output) = &outcome.output
        && let Err(e) = output::write_atomically(output, out)
    {
        outcome.diagnostics.push(
            Diagnostic::error("write", format!("cannot write the site to {}: {e}", out.display()))
                .config()
                .with_hint("the previous output was left as it was; check the folder's permissions and free space"),
        );
    }
    outcome
}

fn failed(d: Diagnostic) -> Outcome {
    Outcome {
        site: None,
        output: None,
        diagnostics: vec![d],
        sources: SourceMap::default(),
    }
}

/// The default output folder: `output/` inside the site.
pub fn default_output(site_dir: &Path) -> PathBuf {
    site_dir.join("output")
}
