//! The starter project that `campaignc init` writes: a small project that
//! checks clean under `--deny warnings`, builds, and whose tests pass.
//!
//! The starter files are real `.camp` files under `src/starter/` (so they
//! are checked by the test suite like any project) compiled into the
//! binary. [`init_project`] never overwrites anything: a directory that
//! holds any entry at all is refused, and each file is created with
//! `create_new`, so even a file that appears meanwhile is not replaced.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The starter project: paths relative to DIR, and their contents, in the
/// order they are written and listed.
pub const STARTER_FILES: &[(&str, &str)] = &[
    ("README.md", include_str!("starter/README.md")),
    ("schema.camp", include_str!("starter/schema.camp")),
    ("lifecycle.camp", include_str!("starter/lifecycle.camp")),
    ("segments.camp", include_str!("starter/segments.camp")),
    ("onboarding.camp", include_str!("starter/onboarding.camp")),
    ("personas.camp", include_str!("starter/personas.camp")),
    (
        "tests/onboarding.camp",
        include_str!("starter/tests/onboarding.camp"),
    ),
];

/// Where `init` writes the GitHub Actions workflow, relative to the
/// directory it is run in (the repository root).
pub const WORKFLOW_PATH: &str = ".github/workflows/campaigns.yml";

/// The workflow, with `{{CAMPAIGNS}}` (the project directory), `{{PATHS}}`
/// (its files, for the `paths` filter) and `{{VERSION}}` (this campaignc's
/// version) to fill in. Kept out of `src/starter/`: it is not a file of
/// the project.
const WORKFLOW_TEMPLATE: &str = include_str!("starter_ci/campaigns.yml");

/// The GitHub Actions workflow for a project in `project` (a relative path
/// with `/` separators), which it installs at this campaignc's version.
pub fn workflow(project: &str) -> String {
    // Both go into single-quoted YAML scalars, where `'` is written `''`.
    let quoted = project.replace('\'', "''");
    WORKFLOW_TEMPLATE
        .replace("{{PATHS}}", &format!("{quoted}/**"))
        .replace("{{CAMPAIGNS}}", &quoted)
        .replace("{{VERSION}}", env!("CARGO_PKG_VERSION"))
}

/// What [`write_workflow`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum WorkflowOutcome {
    /// Wrote this file.
    Written(PathBuf),
    /// The file exists and was left as it is.
    Kept(PathBuf),
    /// Not written, and why: the project is not a plain relative path
    /// below the current directory, so the workflow could not name it.
    Skipped(String),
}

/// Writes the workflow for the project `dir` under `root` (the directory
/// `init` runs in, taken as the repository root), unless it exists.
pub fn write_workflow(root: &Path, dir: &Path) -> Result<WorkflowOutcome, InitError> {
    let mut parts = Vec::new();
    for component in dir.components() {
        match component {
            std::path::Component::Normal(part) => match part.to_str() {
                Some(part) => parts.push(part),
                None => {
                    return Ok(WorkflowOutcome::Skipped(
                        "the project's path is not valid UTF-8".into(),
                    ))
                }
            },
            std::path::Component::CurDir => {}
            _ => {
                return Ok(WorkflowOutcome::Skipped(format!(
                    "{} is not inside the current directory; run `campaignc init` from the \
                     repository root to get one",
                    dir.display()
                )))
            }
        }
    }
    if parts.is_empty() {
        return Ok(WorkflowOutcome::Skipped(
            "the project is the current directory itself".into(),
        ));
    }
    let path = root.join(WORKFLOW_PATH);
    match create_new_file(&path, &workflow(&parts.join("/"))) {
        Ok(()) => Ok(WorkflowOutcome::Written(PathBuf::from(WORKFLOW_PATH))),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Ok(WorkflowOutcome::Kept(PathBuf::from(WORKFLOW_PATH)))
        }
        Err(error) => Err(InitError::Io { path, error }),
    }
}

/// Why `init` did not write the project.
#[derive(Debug)]
pub enum InitError {
    /// DIR exists and is a file (or something else that is not a directory).
    NotADir(PathBuf),
    /// DIR already holds files; `first` is one of them, to show.
    NotEmpty { dir: PathBuf, first: PathBuf },
    /// The file system refused: which path and why.
    Io { path: PathBuf, error: io::Error },
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::NotADir(path) => write!(
                f,
                "{} exists and is not a directory; `campaignc init` needs a new or empty directory",
                path.display()
            ),
            InitError::NotEmpty { dir, first } => write!(
                f,
                "{} is not empty (it holds {}); `campaignc init` never overwrites files\n\
                 help: pick a new directory, e.g. `campaignc init my-campaigns`",
                dir.display(),
                first.display()
            ),
            InitError::Io { path, error } => write!(f, "cannot write {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for InitError {}

/// Writes the starter project into `dir` (created if missing) and returns
/// the paths it created. Refuses a directory that holds anything.
pub fn init_project(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    refuse_unless_new_or_empty(dir)?;
    let mut created = Vec::with_capacity(STARTER_FILES.len());
    for (relative, text) in STARTER_FILES {
        let path = dir.join(relative);
        create_new_file(&path, text).map_err(|error| InitError::Io {
            path: path.clone(),
            error,
        })?;
        created.push(path);
    }
    Ok(created)
}

fn refuse_unless_new_or_empty(dir: &Path) -> Result<(), InitError> {
    let io_error = |error| InitError::Io {
        path: dir.to_path_buf(),
        error,
    };
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(e)),
        Ok(meta) if !meta.is_dir() => return Err(InitError::NotADir(dir.to_path_buf())),
        Ok(_) => {}
    }
    // Sorted, so the entry named in the message does not depend on how
    // the file system lists the directory.
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error)? {
        entries.push(entry.map_err(io_error)?.path());
    }
    entries.sort();
    match entries.into_iter().next() {
        None => Ok(()),
        Some(first) => Err(InitError::NotEmpty {
            dir: dir.to_path_buf(),
            first,
        }),
    }
}

/// Creates `path` (and its parent directories) with `text`; fails rather
/// than replace a file that exists.
fn create_new_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_listed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/starter");
        let mut on_disk = Vec::new();
        for entry in walkdir::WalkDir::new(&root) {
            let entry = entry.expect("template dir readable");
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(&root).expect("under root");
                on_disk.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = STARTER_FILES.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }
}
