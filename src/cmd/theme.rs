use std::path::PathBuf;

use rapport::build::Outcome;
use rapport::diagnostics::{Diagnostics, Severity, SourceMap};
use rapport::vfs::RealFs;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Write the built-in theme's files into a new folder, to start a theme from
    Export {
        /// The folder to create (must be new or empty); set `theme:` in site.yaml to its name
        #[arg(default_value = "themes/custom")]
        dir: PathBuf,
    },
    /// Check the site's templates: overrides that replace nothing, and variables that do not exist
    Check {
        /// The site folder
        #[arg(default_value = ".")]
        site: PathBuf,
    },
}

pub fn run(args: Args) -> i32 {
    match args.command {
        Command::Export { dir } => export(&dir),
        Command::Check { site } => check(&site),
    }
}

fn export(dir: &std::path::Path) -> i32 {
    match rapport::theme::export::export(dir) {
        Ok(files) => {
            eprintln!("wrote {} files to {}", files.len(), dir.display());
            let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("custom");
            eprintln!(
                "\nNext: set `theme: {name}` in site.yaml (the folder must be themes/{name} in the site), then edit the files you want to change and delete the rest"
            );
            0
        }
        Err(d) => {
            eprintln!("{d}");
            2
        }
    }
}

fn check(site: &std::path::Path) -> i32 {
    let fs = match RealFs::new(site) {
        Ok(fs) => fs,
        Err(e) => return super::no_site_folder(site, &e),
    };
    let diags = Diagnostics::default();
    let sources = SourceMap::default();
    let loaded = rapport::config::load(&fs, &diags, &sources)
        .map(|config| rapport::render::templates::check_theme(&fs, &config, &diags, &sources));
    let mut outcome = Outcome {
        site: None,
        translations: Vec::new(),
        output: None,
        diagnostics: diags.sorted(),
        sources,
        timings: Default::default(),
    };
    // Everything `theme check` finds is a reason to fix the theme.
    for d in &mut outcome.diagnostics {
        d.severity = Severity::Error;
    }
    super::report(&outcome);
    if loaded != Some(true) || outcome.has_errors() {
        return 1;
    }
    eprintln!("the theme's templates are fine: every override is used and every variable exists");
    0
}
