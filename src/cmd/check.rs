use std::path::PathBuf;

use rapport::build::{BuildOptions, render_in_memory};
use rapport::vfs::RealFs;

#[derive(clap::Args)]
pub struct Args {
    /// The site folder (the one with site.yaml)
    #[arg(default_value = ".")]
    site_dir: PathBuf,
    /// Also check reports and chapters marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

pub fn run(args: Args) -> i32 {
    let fs = match RealFs::new(&args.site_dir) {
        Ok(fs) => fs,
        Err(e) => {
            eprintln!(
                "error: cannot open site folder {}: {e}",
                args.site_dir.display()
            );
            return 2;
        }
    };
    let opts = BuildOptions {
        drafts: args.drafts,
        base_url: None,
    };
    let outcome = render_in_memory(&fs, &opts);
    super::report(&outcome);
    let code = outcome.exit_code();
    if code == 0 && outcome.diagnostics.is_empty() {
        eprintln!("no problems found");
    } else if code == 0 {
        eprintln!("no errors: the site builds");
    }
    code
}
