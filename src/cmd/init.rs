use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to create (must be new or empty)
    dir: PathBuf,
}

pub fn run(args: Args) -> i32 {
    match rapport::init::init(&args.dir) {
        Ok(files) => {
            for f in files {
                eprintln!("  created {}", args.dir.join(f).display());
            }
            eprintln!(
                "\nNext: cd {} && rapport build, then open output/index.html",
                args.dir.display()
            );
            0
        }
        Err(d) => {
            eprintln!("{d}");
            2
        }
    }
}
