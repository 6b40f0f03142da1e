//! `campaignc build [DIR] [--out DIR]`: check the project, then write one
//! execution plan per campaign (`plans/<campaign>.json`) and the plan's
//! JSON Schema (`plan.schema.json`) under the output directory, and the
//! reviewer's previews (`previews/`, `coverage.md`).
//!
//! Errors (or warnings under `--deny warnings`) stop the build before any
//! file is written, with the same diagnostics and exit code as `check`.
//! An output directory that is the project or contains it is refused
//! (exit 2). The work is [`crate::driver::build_project`]; this command
//! only prints its outcome.

use std::path::PathBuf;

use super::report::{report, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::driver::watch::plans_phrase;
use crate::driver::{build_project, BuildStatus};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// Where to write plans/ and plan.schema.json.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let outcome = match build_project(&args.dir, &args.out, args.diagnostics.deny_warnings()) {
        Ok(outcome) => outcome,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    let exit = report(&outcome.diagnostics, &outcome.sources, &args.diagnostics);
    match outcome.status {
        BuildStatus::Stopped => exit,
        BuildStatus::Built { plans } => {
            if args.diagnostics.format == Format::Human {
                output::stderr(&format!(
                    "built {} in {}\n",
                    plans_phrase(plans),
                    args.out.join("plans").display()
                ));
            }
            Exit::Clean
        }
        BuildStatus::WriteFailed(err) => {
            output::fatal(err);
            Exit::Usage
        }
    }
}
