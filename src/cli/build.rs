//! `campaignc build [DIR] [--out DIR]`: check the project, then write one
//! execution plan per campaign (`plans/<campaign>.json`) and the plan's
//! JSON Schema (`plan.schema.json`) under the output directory, and the
//! reviewer's previews (`previews/`, `coverage.md`).
//!
//! Errors (or warnings under `--deny warnings`) stop the build before any
//! file is written, with the same diagnostics and exit code as `check`.
//! The outputs are written by [`write_outputs`]: only the files whose
//! bytes changed, all or nothing, and the outputs of deleted campaigns
//! removed through the manifest; files in the output directory that no
//! build wrote are left alone. An `--out` that holds the project is
//! refused first ([`check_out_dir`]).
//!
//! The work itself is [`build_project`], which prints nothing, so that
//! `watch` rebuilds exactly the way `build` builds.

use std::path::{Path, PathBuf};

use super::report::{exit_for, report, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::diagnostics::codes::project::NO_CAMP_FILES;
use crate::diagnostics::Diagnostic;
use crate::plan::lower_all;
use crate::plan::write::{check_out_dir, plan_files, write_outputs, WriteError, WriteReport};
use crate::preview::preview_files;
use crate::project::LoadError;
use crate::source::{SourceMap, Span};

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

/// What one build found and did, for the caller to report in its own way
/// (`build` prints it once, `watch` prints a status line per rebuild).
#[derive(Debug)]
pub struct BuildOutcome {
    /// The project's files, which the diagnostics point into.
    pub sources: SourceMap,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the outputs were written.
    pub status: BuildStatus,
}

/// How far a build got.
#[derive(Debug)]
pub enum BuildStatus {
    /// Every output is in place; `plans` campaigns were planned;
    /// `written` says which files were written, left alone and removed.
    Built { plans: usize, written: WriteReport },
    /// Errors (or warnings under `--deny warnings`) stopped the build
    /// before anything was written: the previous output is untouched.
    Stopped,
    /// An output file could not be written; the previous outputs are
    /// left as they were.
    WriteFailed(WriteError),
}

/// Checks the project in `dir` and, when it is clean enough, writes plans
/// and previews under `out`. Prints nothing. Only a project that cannot be
/// read at all is an `Err`; everything else is in the [`BuildOutcome`].
pub fn build_project(
    dir: &Path,
    out: &Path,
    deny_warnings: bool,
) -> Result<BuildOutcome, LoadError> {
    // Plans and previews are made from the model: no syntax tree is kept.
    let compilation = crate::compile_checked(dir)?;
    let mut problems = compilation.problems;
    if compilation.sources.files().is_empty() {
        problems.push(
            Diagnostic::warning(
                NO_CAMP_FILES,
                format!("no .camp files found in {}", dir.display()),
                Span::default(),
            )
            .with_help("check the directory name; files must end in `.camp`"),
        );
    }
    let diagnostics = problems.into_sorted();
    if exit_for(&diagnostics, deny_warnings) != Exit::Clean {
        return Ok(BuildOutcome {
            sources: compilation.sources,
            diagnostics,
            status: BuildStatus::Stopped,
        });
    }
    let plans = lower_all(&compilation.model, &compilation.sources);
    // The plans, and the reviewer's pages next to them (warnings shown on
    // them), written all or nothing so plans and previews always match.
    let mut files = plan_files(&plans);
    files.extend(preview_files(
        &compilation.model,
        &plans,
        &compilation.sources,
        &diagnostics,
    ));
    let written = write_outputs(out, &files);
    let status = match written {
        Ok(written) => BuildStatus::Built {
            plans: plans.len(),
            written,
        },
        Err(err) => BuildStatus::WriteFailed(err),
    };
    Ok(BuildOutcome {
        sources: compilation.sources,
        diagnostics,
        status,
    })
}

pub fn run(args: &Args) -> Exit {
    if let Err(err) = check_out_dir(&args.dir, &args.out) {
        output::fatal(err);
        return Exit::Usage;
    }
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
        BuildStatus::Built { plans, written } => {
            if args.diagnostics.format == Format::Human {
                output::stderr(&written_notes(&written));
                output::stderr(&format!(
                    "built {} in {} ({})\n",
                    plans_phrase(plans),
                    args.out.join("plans").display(),
                    written.summary()
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

/// One `note:` line for each thing the writer did that the user may not
/// expect: an edited output kept or overwritten, a manifest ignored.
fn written_notes(written: &WriteReport) -> String {
    let mut text = String::new();
    if let Some(err) = &written.manifest_ignored {
        text.push_str(&format!(
            "note: {err}; no earlier output was removed, a new manifest was written\n"
        ));
    }
    for path in &written.kept {
        text.push_str(&format!(
            "note: kept {}: the build no longer produces it, but it was changed after the build wrote it\n",
            path.display()
        ));
    }
    for path in &written.overwritten_edits {
        text.push_str(&format!(
            "note: replaced {}: it did not hold what the last build wrote\n",
            path.display()
        ));
    }
    crate::text::escape_control(&text).into_owned()
}

/// "1 plan", "3 plans".
pub fn plans_phrase(plans: usize) -> String {
    format!("{plans} plan{}", if plans == 1 { "" } else { "s" })
}
