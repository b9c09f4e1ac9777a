use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
    /// The site folder (the one with site.yaml)
    #[arg(long, default_value = ".", global = true)]
    site: PathBuf,
}

#[derive(clap::Subcommand)]
enum What {
    /// A new report folder (as a draft) with its first chapter
    Report {
        /// The folder name, which becomes its web address (e.g. annual-report-2024)
        slug: String,
        /// The report's title
        #[arg(long, default_value = "New report")]
        title: String,
    },
    /// A new chapter at the end of a report
    Chapter {
        /// The report's folder name
        report: String,
        /// The chapter's title
        title: String,
    },
    /// A new recommendation with the next free number
    Recommendation {
        /// The report's folder name
        report: String,
        /// A short title
        #[arg(default_value = "New recommendation")]
        title: String,
    },
}

pub fn run(args: Args) -> i32 {
    if !super::is_site(&args.site, "new") {
        return 2;
    }
    let made = match &args.what {
        What::Report { slug, title } => rapport::new::report(&args.site, slug, title),
        What::Chapter { report, title } => {
            rapport::new::chapter(&args.site, report, title).map(|p| vec![p])
        }
        What::Recommendation { report, title } => {
            rapport::new::recommendation(&args.site, report, title).map(|p| vec![p])
        }
    };
    match made {
        Ok(files) => {
            for f in files {
                eprintln!("  created {}", f.display());
            }
            0
        }
        Err(d) => {
            eprintln!("{d}");
            2
        }
    }
}
