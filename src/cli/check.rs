//! `campaignc check [DIR]`: parse and type-check a project, report every
//! problem, write nothing.

use std::path::PathBuf;

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};
use crate::diagnostics::codes::project::NO_CAMP_FILES;
use crate::diagnostics::Diagnostic;
use crate::source::Span;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let compilation = match crate::compile_checked(&args.dir) {
        Ok(compilation) => compilation,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    // Only the sources and the diagnostics are needed from here on: the
    // model goes before the reports are drawn.
    let crate::Checked {
        sources,
        problems,
        model,
    } = compilation;
    drop(model);
    let mut problems = problems;
    if sources.files().is_empty() {
        // The map is empty, so this span points into no file and the
        // renderers show the warning without a location.
        problems.push(
            Diagnostic::warning(
                NO_CAMP_FILES,
                format!("no .camp files found in {}", args.dir.display()),
                Span::default(),
            )
            .with_help("check the directory name; files must end in `.camp`"),
        );
    }
    report(&problems.into_sorted(), &sources, &args.diagnostics)
}
