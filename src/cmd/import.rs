use std::path::PathBuf;

use rapport::build::{BuildOptions, check_in_memory};
use rapport::vfs::RealFs;

#[derive(clap::Args)]
pub struct Args {
    /// The Word document (.docx)
    file: PathBuf,
    /// The new report's folder name, its web address (default: from its title)
    #[arg(long)]
    report: Option<String>,
    /// The report's title (default: the document's own)
    #[arg(long)]
    title: Option<String>,
    /// The heading level that starts a chapter (default: the highest the document uses)
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=6))]
    chapter_level: Option<u8>,
    /// The site folder (the one with site.yaml)
    #[arg(long, default_value = ".")]
    site: PathBuf,
}

pub fn run(args: Args) -> i32 {
    if !super::is_site(&args.site, "import") {
        return 2;
    }
    let opts = rapport::import::Options {
        report: args.report,
        title: args.title,
        chapter_level: args.chapter_level,
    };
    let imported = match rapport::import::import(&args.site, &args.file, &opts) {
        Ok(i) => i,
        Err(d) => {
            eprintln!("{d}");
            return 2;
        }
    };
    eprintln!(
        "Imported {} into {}",
        args.file.display(),
        imported.report.display()
    );
    for f in &imported.files {
        eprintln!("  created {}", f.display());
    }
    eprintln!(
        "{} chapter(s), {} note(s), {} table(s) of words as Markdown tables",
        imported.chapters.len(),
        imported.notes,
        imported.text_tables
    );
    if !imported.tables.is_empty() {
        eprintln!("Tables:");
        for t in &imported.tables {
            eprintln!("  {t}");
        }
    }
    if !imported.data_tables.is_empty() {
        eprintln!(
            "Tables of figures, now data tables whose totals rapport computes and checks (data/<name>.yaml; give each a caption and source): {}",
            imported.data_tables.join(", ")
        );
    }
    if imported.items > 0 {
        eprintln!(
            "{} {} became tracker items in recommendations.yaml (their words moved there from the chapters, which list them); add each one's progress as responses",
            imported.items, imported.items_word
        );
    }
    for note in &imported.item_notes {
        eprintln!("  {note}");
    }
    if !imported.approximations.is_empty() {
        let pages = imported
            .approximations
            .iter()
            .any(|(p, _)| p.page.is_some());
        eprintln!(
            "Not carried over as it was (paragraph numbers count from the start of the document{}):",
            if pages {
                "; pages are as Word last laid it out"
            } else {
                ""
            }
        );
        for (place, what) in &imported.approximations {
            eprintln!("  {place}: {what}");
        }
    }
    // The new report is a draft: check it as its author will.
    let fs = match RealFs::new(&args.site) {
        Ok(fs) => fs,
        Err(e) => return super::no_site_folder(&args.site, &e),
    };
    let check = BuildOptions {
        drafts: true,
        base_url: None,
        preview: false,
        no_pdf: true,
        pdf_later: None,
        cache: None,
        no_search: true,
        cache_dir: None,
        cms_local_backend: None,
    };
    let outcome = check_in_memory(&fs, &check);
    eprintln!("rapport check on the site, the new draft included:");
    super::report(&outcome);
    if outcome.exit_code() == 0 {
        eprintln!("no errors: the site builds with the new report");
    }
    0
}
