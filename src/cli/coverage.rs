//! `campaignc coverage [DIR]`: prints the lifecycle coverage report (stages
//! × channels, the gaps, and each persona's message pressure against the
//! project's limit) that `build` writes to `coverage.md`.

use std::path::PathBuf;

use super::report::{compile_without_errors, report, DiagnosticArgs};
use super::{output, Exit};
use crate::preview::coverage::{coverage_markdown, pressure_markdown};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let (compilation, diagnostics) = match compile_without_errors(&args.dir, &args.diagnostics) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let plans = crate::plan::lower_all(&compilation.model, &compilation.sources);
    let pressure = pressure_markdown(
        &compilation.model,
        &plans,
        &crate::template::Renderer::new(),
    );
    output::stdout(&(coverage_markdown(&compilation.model.stages, &plans) + &pressure));
    if diagnostics.is_empty() {
        Exit::Clean
    } else {
        report(&diagnostics, &compilation.sources, &args.diagnostics)
    }
}
