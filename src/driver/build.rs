//! A build: check the project, and when it is clean enough write the plans
//! and previews under the output directory. Prints nothing; `build`
//! prints the outcome once, `watch` a status line per rebuild.
//!
//! A build whose inputs, flags and compiler are those of the previous
//! build, and whose outputs are still on disk byte for byte, does no work
//! (see [`super::stamp`]).

use std::path::Path;
use std::sync::Arc;

use super::progress::Progress;
use super::stamp;
use super::workspace::Workspace;
use crate::diagnostics::{Diagnostic, Severity};
pub use crate::plan::write::{check_out_dir, OutDirError};
use crate::plan::write::{write_outputs_memo, WriteError, WriteReport};
use crate::project::LoadError;
use crate::source::SourceMap;

/// What one build found and did, for the caller to report in its own way.
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
    /// `written` says which files were written, left alone and removed
    /// (empty when the manifest showed that nothing changed).
    Built { plans: usize, written: WriteReport },
    /// Errors (or warnings under `--deny warnings`) stopped the build
    /// before anything was written: the previous output is untouched.
    Stopped,
    /// An output file could not be written; the previous outputs are
    /// left as they were.
    WriteFailed(WriteError),
}

/// Why a build could not run at all (exit code 2).
#[derive(Debug)]
pub enum BuildError {
    /// The project could not be read.
    Load(LoadError),
    /// The output directory is the project directory or contains it.
    OutDir(OutDirError),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Load(err) => err.fmt(f),
            BuildError::OutDir(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<LoadError> for BuildError {
    fn from(err: LoadError) -> BuildError {
        BuildError::Load(err)
    }
}

/// Whether these diagnostics stop a build: errors, or warnings under
/// `--deny warnings`.
pub fn stops_build(diagnostics: &[Diagnostic], deny_warnings: bool) -> bool {
    diagnostics.iter().any(|d| match d.severity {
        Severity::Error => true,
        Severity::Warning => deny_warnings,
    })
}

/// Checks the project in `dir` and, when it is clean enough, writes plans
/// and previews under `out`. Prints nothing. Only a project that cannot be
/// read, or an output directory that holds the project, is an `Err`;
/// everything else is in the [`BuildOutcome`].
pub fn build_project(
    dir: &Path,
    out: &Path,
    deny_warnings: bool,
) -> Result<BuildOutcome, BuildError> {
    build_project_with(dir, out, deny_warnings, None)
}

/// [`build_project`], telling `progress` how far it got.
pub fn build_project_with(
    dir: &Path,
    out: &Path,
    deny_warnings: bool,
    progress: Option<Arc<dyn Progress>>,
) -> Result<BuildOutcome, BuildError> {
    check_out_dir(dir, out).map_err(BuildError::OutDir)?;
    let mut workspace = Workspace::new(dir);
    workspace.set_one_shot();
    workspace.set_progress(progress);
    workspace.load_dir(dir)?;
    let inputs = stamp::inputs_digest(&workspace, deny_warnings);
    if let Some(plans) = stamp::unchanged(out, &inputs) {
        return Ok(BuildOutcome {
            sources: workspace.sources_unchecked(),
            diagnostics: Vec::new(),
            status: BuildStatus::Built {
                plans,
                written: WriteReport::default(),
            },
        });
    }
    let outcome = workspace.build_with_inputs(out, deny_warnings, Some(inputs));
    free_in_background(workspace);
    Ok(outcome)
}

/// Drops `value` on a thread of its own, so that the caller does not wait
/// for it. A one-shot build's workspace holds the whole model, every plan
/// and every output text: freeing it takes one thread a tenth of a cold
/// 1,000-campaign build, after the outputs are already on disk, and a
/// command that prints the outcome and exits needs none of it (the
/// process's memory goes back to the system when it ends either way).
/// Where no thread can be started, `spawn` drops it before returning.
fn free_in_background<T: Send + 'static>(value: T) {
    // The handle is dropped: the thread is detached.
    let _detached = std::thread::Builder::new()
        .name("campaignc-free".into())
        .spawn(move || drop(value));
}

impl Workspace {
    /// Trusts the outputs this workspace's builds leave in their output
    /// directory, from now on (or no longer, with `false`): the caller watches that directory and
    /// passes every change in it to [`Workspace::outputs_touched`] (or
    /// calls [`Workspace::distrust_outputs`] when it may have missed
    /// some). A build then looks at the disk only for what it writes and
    /// what was reported, not for each of its outputs.
    pub fn trust_outputs(&mut self, trust: bool) {
        self.write_memo.trust(trust);
    }

    /// Paths under the output directory (relative, `/`-separated; `""`
    /// for the directory itself) that changed: the outputs there that no
    /// longer hold what the last build wrote are looked at again by the
    /// next build.
    pub fn outputs_touched<'a>(&mut self, paths: impl IntoIterator<Item = &'a str>) {
        self.write_memo.touched(paths);
    }

    /// The next build looks at every output on disk again.
    pub fn distrust_outputs(&mut self) {
        self.write_memo.distrust();
    }

    /// Builds the workspace's project into `out`: the diagnostics, and
    /// when they allow it, every output written (see
    /// [`crate::plan::write::write_outputs`]). Only what changed since the
    /// last build is computed again.
    pub fn build(&mut self, out: &Path, deny_warnings: bool) -> BuildOutcome {
        self.build_with_inputs(out, deny_warnings, None)
    }

    /// [`Workspace::build`], given the workspace's
    /// [`stamp::inputs_digest`] when the caller has it already.
    fn build_with_inputs(
        &mut self,
        out: &Path,
        deny_warnings: bool,
        inputs: Option<super::digest::Digest>,
    ) -> BuildOutcome {
        let no_files = self
            .paths()
            .next()
            .is_none()
            .then(|| crate::project::no_camp_files(self.root()));
        let stopped = stops_build(self.diagnostics(), deny_warnings)
            || no_files
                .as_ref()
                .is_some_and(|d| stops_build(std::slice::from_ref(d), deny_warnings));
        let status = if stopped {
            BuildStatus::Stopped
        } else {
            let files = self.output_files();
            let plans = self.plan_count();
            // The input digest goes into the manifest only for a build
            // without diagnostics: the next build with the same inputs may
            // then skip everything (see `stamp`), printing nothing.
            let inputs = (self.diagnostics().is_empty() && no_files.is_none()).then(|| {
                let digest = inputs.unwrap_or_else(|| stamp::inputs_digest(self, deny_warnings));
                super::digest::hex(&digest)
            });
            match write_outputs_memo(out, &files, inputs.as_deref(), &mut self.write_memo) {
                Ok(written) => BuildStatus::Built { plans, written },
                Err(err) => BuildStatus::WriteFailed(err),
            }
        };
        let (sources, mut diagnostics) = self.report();
        diagnostics.extend(no_files);
        BuildOutcome {
            sources,
            diagnostics,
            status,
        }
    }
}
