//! `campaignc init [DIR]`: write a small starter project that checks clean
//! under `--deny warnings`, builds, and whose tests pass.
//!
//! The starter files are real `.camp` files under `src/cli/init_template/`
//! (so they are checked by the test suite like any project) compiled into
//! the binary. `init` never overwrites anything: a directory that holds any
//! entry at all is refused, and each file is created with `create_new`, so
//! even a file that appears meanwhile is not replaced.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{output, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the project; must not exist or be empty.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
}

/// The starter project: paths relative to DIR, and their contents, in the
/// order they are written and listed.
pub const STARTER_FILES: &[(&str, &str)] = &[
    ("README.md", include_str!("init_template/README.md")),
    ("schema.camp", include_str!("init_template/schema.camp")),
    (
        "lifecycle.camp",
        include_str!("init_template/lifecycle.camp"),
    ),
    ("segments.camp", include_str!("init_template/segments.camp")),
    (
        "onboarding.camp",
        include_str!("init_template/onboarding.camp"),
    ),
    ("personas.camp", include_str!("init_template/personas.camp")),
    (
        "tests/onboarding.camp",
        include_str!("init_template/tests/onboarding.camp"),
    ),
];

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

pub fn run(args: &Args) -> Exit {
    match init_project(&args.dir) {
        Ok(created) => {
            output::stdout(&created_message(&args.dir, &created));
            Exit::Clean
        }
        Err(err) => {
            output::fatal(err);
            Exit::Usage
        }
    }
}

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

/// What was created and what to run next.
fn created_message(dir: &Path, created: &[PathBuf]) -> String {
    let mut text = format!("Created a starter project in {}:\n", dir.display());
    for path in created {
        text.push_str(&format!("  {}\n", path.display()));
    }
    let shown = shell_word(&dir.display().to_string());
    let next = [
        (
            format!("campaignc check {shown} --deny warnings"),
            "parse and type-check",
        ),
        (
            format!("campaignc test {shown}"),
            "run the tests on the simulator",
        ),
        (
            format!("campaignc build {shown}"),
            "plans and previews in out/",
        ),
        (
            format!("campaignc watch {shown} --serve 127.0.0.1:8000"),
            "previews that reload on save",
        ),
    ];
    let width = next.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    text.push_str("\nNext:\n");
    for (command, why) in &next {
        text.push_str(&format!("  {command:width$}   # {why}\n"));
    }
    text
}

/// Quotes a path for a POSIX shell when it holds anything but plain
/// characters, so the printed commands can be pasted as they are.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_listed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli/init_template");
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

    #[test]
    fn paths_with_spaces_are_quoted_in_the_next_commands() {
        assert_eq!(shell_word("campaigns"), "campaigns");
        assert_eq!(shell_word("my campaigns"), "'my campaigns'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
