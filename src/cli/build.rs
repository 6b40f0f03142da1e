//! `campaignc build [DIR] [--out DIR]`: check the project, then write one
//! execution plan per campaign (`plans/<campaign>.json`) and the plan's
//! JSON Schema (`plan.schema.json`) under the output directory, and the
//! reviewer's previews (`previews/`, `coverage.md`).
//!
//! Errors (or warnings under `--deny warnings`) stop the build before any
//! file is written, with the same diagnostics and exit code as `check`.
//! The outputs are written only where their bytes changed, all or
//! nothing, and the outputs of deleted campaigns are removed through the
//! manifest; files in the output directory that no build wrote are left
//! alone. An `--out` that is the project or contains it is refused (exit
//! 2). The work is [`crate::driver::build_project`]; this command only
//! prints its outcome (last, where the previews are), with a progress bar
//! on a terminal.

use std::path::PathBuf;
use std::sync::Arc;

use super::progress::BuildBar;
use super::report::{report, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::driver::watch::plans_phrase;
use crate::driver::{build_project_with, BuildStatus, Progress};
use crate::plan::write::WriteReport;

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

/// Runs `build`; `tuning.checking` is called when the check of the
/// parsed project begins and `tuning.outputs` once the check is done and
/// the outputs are being made (the binary's allocator tuning,
/// `cli::Tuning`).
pub fn run(args: &Args, tuning: super::Tuning) -> Exit {
    let bar = Arc::new(Phases {
        bar: BuildBar::new(),
        tuning,
    });
    let built = build_project_with(
        &args.dir,
        &args.out,
        args.diagnostics.deny_warnings(),
        Some(Arc::clone(&bar) as Arc<dyn Progress>),
    );
    bar.bar.0.finish_and_clear();
    let outcome = match built {
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
                let index = args.out.join("previews").join("index.html");
                output::stderr(&format!(
                    "previews: open {}\n",
                    super::init::shell_word(&crate::text::escape_control(&index.to_string_lossy()))
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

/// The build's progress bar, which also calls the tuning's `checking`
/// when the checking phase begins and `outputs` when the planning phase
/// begins (the outputs are made only for a project the check let
/// through).
struct Phases {
    bar: BuildBar,
    tuning: super::Tuning,
}

impl Progress for Phases {
    fn phase(&self, name: &'static str, total: usize) {
        match name {
            "checking" => (self.tuning.checking)(),
            "planning" => (self.tuning.outputs)(),
            _ => {}
        }
        self.bar.phase(name, total);
    }

    fn step(&self) {
        self.bar.step();
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// How many times [`count`] was called.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    /// How many times [`count_checks`] was called.
    static CHECKS: AtomicUsize = AtomicUsize::new(0);

    fn count() {
        CALLS.fetch_add(1, Ordering::SeqCst);
    }

    fn count_checks() {
        CHECKS.fetch_add(1, Ordering::SeqCst);
    }

    /// The allocator's `outputs` hook fires once, when a build that the
    /// check let through starts making its outputs, and not for a build
    /// the diagnostics stopped; its `checking` hook once per build, when
    /// the parsed project is checked. (They go by the driver's phase
    /// names: renaming `planning` or `checking` there would make this
    /// fail.)
    #[test]
    fn the_tuning_hooks_fire_when_the_check_and_the_outputs_begin() {
        let dir = tempfile::tempdir().expect("tempdir");
        let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
        let build = |project: &std::path::Path, out: &str| {
            let phases = Arc::new(Phases {
                bar: BuildBar::new(),
                tuning: super::super::Tuning {
                    checking: count_checks,
                    outputs: count,
                    ..super::super::Tuning::NONE
                },
            });
            build_project_with(project, &dir.path().join(out), false, Some(phases))
                .expect("the project loads")
        };

        let outcome = build(&project, "out");
        assert!(matches!(outcome.status, BuildStatus::Built { .. }));
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
        assert_eq!(CHECKS.load(Ordering::SeqCst), 1);

        let broken = dir.path().join("broken");
        std::fs::create_dir_all(&broken).expect("mkdir");
        std::fs::write(broken.join("a.camp"), "segment s = nothing_like_this\n").expect("write");
        let outcome = build(&broken, "broken-out");
        assert!(matches!(outcome.status, BuildStatus::Stopped));
        assert_eq!(
            CALLS.load(Ordering::SeqCst),
            1,
            "a stopped build makes no outputs"
        );
        assert_eq!(CHECKS.load(Ordering::SeqCst), 2, "but it is checked");
    }
}
