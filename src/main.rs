//! The `rapport` command line: argument parsing only; each command lives in
//! `src/cmd/` and calls the library.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod allocator;
mod cmd;

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Build annual reports and progress reports as a website and a print edition",
    long_about = "rapport turns a folder of Markdown chapters and YAML settings into an accessible website \
                  and a printable edition of each report.\n\nExit codes: 0 success, 1 content errors, 2 usage or configuration errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder
    Build(cmd::build::Args),
    /// Check every report for problems without writing anything
    Check(cmd::check::Args),
    /// Create a new site that builds as it is
    Init(cmd::init::Args),
    /// Add a report, chapter or recommendation from a template
    New(cmd::new::Args),
    /// Make a new draft report from a Word document (.docx)
    Import(cmd::import::Args),
    /// Preview the site: rebuild on every save and reload the browser
    Serve(cmd::serve::Args),
    /// Start a theme from the built-in one, or check a site's templates
    Theme(cmd::theme::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Build(a) => cmd::build::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::New(a) => cmd::new::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Theme(a) => cmd::theme::run(a),
    };
    ExitCode::from(code as u8)
}
