//! `campaignc build [DIR] [--out DIR]`: check the project, then write one
//! execution plan per campaign (`plans/<campaign>.json`) and the plan's
//! JSON Schema (`plan.schema.json`) under the output directory, and the
//! reviewer's previews (`previews/`, `coverage.md`).
//!
//! Errors (or warnings under `--deny warnings`) stop the build before any
//! file is written, with the same diagnostics and exit code as `check`.
//! Every file is written atomically; files in the output directory that
//! the build does not produce are left alone.

use std::path::PathBuf;

use super::report::{report, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::diagnostics::codes::project::NO_CAMP_FILES;
use crate::diagnostics::Diagnostic;
use crate::plan::{lower_all, write::write_plans};
use crate::render::preview::write_previews;
use crate::source::Span;

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
    let compilation = match crate::compile(&args.dir) {
        Ok(compilation) => compilation,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    let mut problems = compilation.problems;
    if compilation.sources.files().is_empty() {
        problems.push(
            Diagnostic::warning(
                NO_CAMP_FILES,
                format!("no .camp files found in {}", args.dir.display()),
                Span::default(),
            )
            .with_help("check the directory name; files must end in `.camp`"),
        );
    }
    let diagnostics = problems.into_sorted();
    let exit = report(&diagnostics, &compilation.sources, &args.diagnostics);
    if exit != Exit::Clean {
        return exit;
    }
    let plans = lower_all(&compilation.model, &compilation.sources);
    let written = write_plans(&args.out, &plans).and_then(|_| {
        // The reviewer's pages next to the plans (warnings shown on them).
        write_previews(
            &args.out,
            &compilation.model,
            &plans,
            &compilation.sources,
            &diagnostics,
        )
    });
    match written {
        Ok(_) => {
            if args.diagnostics.format == Format::Human {
                output::stderr(&format!(
                    "built {} plan{} in {}\n",
                    plans.len(),
                    if plans.len() == 1 { "" } else { "s" },
                    args.out.join("plans").display()
                ));
            }
            Exit::Clean
        }
        Err(err) => {
            output::fatal(err);
            Exit::Usage
        }
    }
}
