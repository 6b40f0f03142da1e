//! `campaignc fmt [DIR] [--check]`: rewrite every `.camp` file under DIR in
//! canonical form (see `src/fmt/`), or with `--check` only list the files
//! that would change.
//!
//! A file is rewritten only when the result parses to the same tree as the
//! original; a file with syntax errors is left alone and its errors are
//! shown. Only the text changes: permissions, symbolic links and hard
//! links stay, read-only files and files outside the project directory
//! (reached through links) are refused (see [`crate::fmt::write`]). Exit 1
//! when `--check` finds a file to change, or when a file could not be
//! formatted; 2 when the directory cannot be read or a file cannot or may
//! not be written (the other files are still formatted).

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};
use crate::fmt::write::{real_path_inside, write_back};
use crate::fmt::{format_file, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// Write nothing; list the files that are not in canonical form and
    /// exit 1 if there are any.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: &Args) -> Exit {
    let (sources, warnings) = match crate::project::load_project(&args.dir) {
        Ok(loaded) => {
            let warnings = loaded.warnings();
            (loaded.sources, warnings)
        }
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    if !warnings.is_empty() {
        report(&warnings, &sources, &DiagnosticArgs::default());
    }
    if sources.files().is_empty() {
        output::stderr(&format!(
            "warning: no .camp files found in {}\n",
            args.dir.display()
        ));
    }
    let canonical_root = match std::fs::canonicalize(&args.dir) {
        Ok(root) => root,
        Err(err) => {
            output::fatal(format!("cannot read `{}`: {err}", args.dir.display()));
            return Exit::Usage;
        }
    };
    // Files already written, by real path: a link and its target inside
    // the project are one file.
    let mut written: BTreeSet<PathBuf> = BTreeSet::new();
    let mut changed = 0usize;
    let mut failed = false;
    let mut unwritable = false;
    let progress = super::progress::bar("formatting", sources.files().len());
    for file in sources.files() {
        let shown = crate::text::escape_control(&file.disk_path.to_string_lossy()).into_owned();
        let outcome = format_file(file);
        progress.inc(1);
        if matches!(outcome, Outcome::Unchanged) {
            continue;
        }
        // What is printed goes around the bar, not through it.
        progress.suspend(|| match outcome {
            Outcome::Unchanged => {}
            Outcome::Formatted(text) => {
                changed += 1;
                if args.check {
                    output::stdout(&format!("{shown}\n"));
                    return;
                }
                let result = real_path_inside(&canonical_root, &file.disk_path).and_then(|real| {
                    if written.contains(&real) {
                        return Ok(());
                    }
                    write_back(&real, &text)?;
                    written.insert(real);
                    Ok(())
                });
                match result {
                    Ok(()) => output::stdout(&format!("formatted {shown}\n")),
                    Err(err) => {
                        unwritable = true;
                        output::stderr(&format!("error: left `{shown}` unformatted: {err}\n"));
                    }
                }
            }
            Outcome::SyntaxErrors(diagnostics) => {
                failed = true;
                report(&diagnostics, &sources, &DiagnosticArgs::default());
                output::stderr(&format!(
                    "error: left `{shown}` unformatted: it has syntax errors\n"
                ));
            }
            Outcome::MeaningWouldChange => {
                failed = true;
                output::stderr(&format!(
                    "error: left `{shown}` unformatted: the formatted text would not mean the same \
                     (a bug in campaignc fmt; please report it with this file)\n"
                ));
            }
        });
    }
    progress.finish_and_clear();
    if args.check && changed > 0 {
        let files = if changed == 1 { "file" } else { "files" };
        output::stderr(&format!(
            "{changed} {files} not formatted; run `campaignc fmt {}`\n",
            args.dir.display()
        ));
    }
    if unwritable {
        Exit::Usage
    } else if failed || (args.check && changed > 0) {
        Exit::Problems
    } else {
        Exit::Clean
    }
}
