//! `campaignc check [DIR]`: parse and type-check a project, report every
//! problem, write nothing.

use std::path::PathBuf;

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

/// Runs `check`; `checking` is called once the project is parsed (the
/// binary's allocator tuning, `cli::Tuning`).
pub fn run(args: &Args, checking: fn()) -> Exit {
    // Only the sources and the diagnostics are needed: no model is kept.
    let crate::Diagnosed {
        sources,
        mut problems,
    } = match crate::compile_diagnostics_with(&args.dir, checking) {
        Ok(diagnosed) => diagnosed,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    if sources.files().is_empty() {
        problems.push(crate::project::no_camp_files(&args.dir));
    }
    report(&problems.into_sorted(), &sources, &args.diagnostics)
}
