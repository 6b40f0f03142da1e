//! A build: check the project, and when it is clean enough write the plans
//! and previews under the output directory. Prints nothing; `build`
//! prints the outcome once, `watch` a status line per rebuild.
//!
//! A build whose inputs, flags and compiler are those of the previous
//! build, and whose outputs are still on disk byte for byte, does no work
//! (see [`super::stamp`]).

use std::path::{Path, PathBuf};

use super::stamp;
use super::workspace::Workspace;
use crate::diagnostics::codes::project::NO_CAMP_FILES;
use crate::diagnostics::{Diagnostic, Severity};
use crate::plan::write::{write_outputs, WriteError};
use crate::project::LoadError;
use crate::source::{SourceMap, Span};

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
    /// Every output was written (or was already on disk, unchanged);
    /// `plans` campaigns were planned.
    Built { plans: usize },
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

/// An output directory that is the project directory or one of its
/// parents: the build would write among the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutDirError {
    pub out: PathBuf,
    pub dir: PathBuf,
}

impl std::fmt::Display for OutDirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.out == self.dir {
            "is the project directory"
        } else {
            "contains the project directory"
        };
        write!(
            f,
            "the output directory {} {what} {}: outputs would be written among the sources; \
             choose an --out outside the project (or a directory inside it, such as {})",
            self.out.display(),
            self.dir.display(),
            self.dir.join("out").display()
        )
    }
}

impl std::error::Error for OutDirError {}

/// Refuses an output directory that equals or contains the project
/// directory. Paths are compared resolved (`..`, symbolic links); an
/// output directory that does not exist yet is resolved through its
/// nearest existing parent. A project directory that cannot be resolved
/// is not refused here: loading it reports the problem.
pub fn check_out_dir(dir: &Path, out: &Path) -> Result<(), OutDirError> {
    let Ok(dir_real) = dir.canonicalize() else {
        return Ok(());
    };
    let Some(out_real) = resolve(out) else {
        return Ok(());
    };
    if dir_real.starts_with(&out_real) {
        return Err(OutDirError {
            out: out.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// `path` made absolute and resolved, whether or not it exists.
fn resolve(path: &Path) -> Option<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut missing: Vec<std::ffi::OsString> = Vec::new();
    let mut existing = absolute.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut resolved = real;
            for part in missing.iter().rev() {
                if part == ".." {
                    resolved.pop();
                } else if part != "." {
                    resolved.push(part);
                }
            }
            return Some(resolved);
        }
        missing.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
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
    check_out_dir(dir, out).map_err(BuildError::OutDir)?;
    let mut workspace = Workspace::new(dir);
    workspace.load_dir(dir)?;
    let inputs = stamp::inputs_digest(&workspace, deny_warnings);
    if let Some(plans) = stamp::unchanged(out, &inputs) {
        return Ok(BuildOutcome {
            sources: workspace.sources_unchecked(),
            diagnostics: Vec::new(),
            status: BuildStatus::Built { plans },
        });
    }
    Ok(workspace.build(out, deny_warnings))
}

impl Workspace {
    /// Builds the workspace's project into `out`: the diagnostics, and
    /// when they allow it, every output written (see
    /// [`crate::plan::write::write_outputs`]). Only what changed since the
    /// last build is computed again.
    pub fn build(&mut self, out: &Path, deny_warnings: bool) -> BuildOutcome {
        let mut diagnostics = self.diagnostics().to_vec();
        if self.paths().next().is_none() {
            diagnostics.push(
                Diagnostic::warning(
                    NO_CAMP_FILES,
                    format!("no .camp files found in {}", self.root().display()),
                    Span::default(),
                )
                .with_help("check the directory name; files must end in `.camp`"),
            );
        }
        let sources = self.sources().clone();
        if stops_build(&diagnostics, deny_warnings) {
            return BuildOutcome {
                sources,
                diagnostics,
                status: BuildStatus::Stopped,
            };
        }
        let files = self.output_files();
        let plans = self.plan_count();
        // No stamp while the outputs change: an interrupted write can
        // never leave a stamp that vouches for it.
        stamp::remove(out);
        let status = match write_outputs(out, &files) {
            Ok(_) => {
                if diagnostics.is_empty() {
                    let inputs = stamp::inputs_digest(self, deny_warnings);
                    stamp::write(out, &inputs, plans, &files, self.output_digests());
                }
                BuildStatus::Built { plans }
            }
            Err(err) => BuildStatus::WriteFailed(err),
        };
        BuildOutcome {
            sources,
            diagnostics,
            status,
        }
    }
}
