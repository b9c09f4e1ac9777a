use std::path::PathBuf;

use rapport::build::{BuildOptions, check_in_memory};
use rapport::diagnostics::{Severity, render_github, render_json};
use rapport::vfs::RealFs;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// For people: file:line:column, the source line and a hint
    Human,
    /// One JSON object per problem, for tools
    Json,
    /// GitHub Actions annotations on the pull request
    Github,
}

#[derive(clap::Args)]
pub struct Args {
    /// The site folder (the one with site.yaml)
    #[arg(default_value = ".")]
    site_dir: PathBuf,
    /// Also check reports and chapters marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// How to print the problems
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Treat warnings as errors (exit 1 if there are any)
    #[arg(long)]
    strict: bool,
    /// Keep the PDFs check typesets in this folder, and reuse those whose
    /// sources are unchanged (give `build` the same folder)
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    let fs = match RealFs::new(&args.site_dir) {
        Ok(fs) => fs,
        Err(e) => return super::no_site_folder(&args.site_dir, &e),
    };
    let opts = BuildOptions {
        drafts: args.drafts,
        base_url: None,
        preview: false,
        no_pdf: false,
        pdf_later: None,
        cache: None,
        // `check` writes nothing, so an index would be thrown away: it
        // would only add to the run time (see docs/search.md).
        no_search: true,
        cache_dir: args.cache.map(|c| std::path::absolute(&c).unwrap_or(c)),
        cms_local_backend: None,
    };
    let mut outcome = check_in_memory(&fs, &opts);
    if args.strict {
        for d in &mut outcome.diagnostics {
            d.severity = Severity::Error;
        }
    }
    match args.format {
        Format::Human => super::report(&outcome),
        // Machine formats go to stdout, so they can be piped or redirected.
        Format::Json => print!("{}", render_json(&outcome.diagnostics)),
        Format::Github => print!("{}", render_github(&outcome.diagnostics)),
    }
    let code = outcome.exit_code();
    if matches!(args.format, Format::Human) {
        if code == 0 && outcome.diagnostics.is_empty() {
            eprintln!("no problems found");
        } else if code == 0 {
            eprintln!("no errors: the site builds");
        }
    }
    code
}
