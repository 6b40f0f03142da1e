//! `campaignc fmt [DIR] [--check]`: rewrite every `.camp` file under DIR in
//! canonical form (see `src/fmt/`), or with `--check` only list the files
//! that would change.
//!
//! A file is rewritten only when the result parses to the same tree as the
//! original; a file with syntax errors is left alone and its errors are
//! shown. Writes are atomic. Exit 1 when `--check` finds a file to change,
//! or when a file could not be formatted; 2 when the directory cannot be
//! read or a file cannot be written.

use std::path::PathBuf;

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};
use crate::fmt::{format_file, Outcome};
use crate::plan::write_atomic;

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
    let sources = match crate::project::load(&args.dir) {
        Ok(sources) => sources,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    if sources.files().is_empty() {
        output::stderr(&format!(
            "warning: no .camp files found in {}\n",
            args.dir.display()
        ));
    }
    let mut changed = 0usize;
    let mut failed = false;
    for file in sources.files() {
        let shown = crate::text::escape_control(&file.disk_path.to_string_lossy()).into_owned();
        match format_file(file) {
            Outcome::Unchanged => {}
            Outcome::Formatted(text) => {
                changed += 1;
                if args.check {
                    output::stdout(&format!("{shown}\n"));
                } else if let Err(err) = write_atomic(&file.disk_path, text.as_bytes()) {
                    output::fatal(format!("cannot write `{shown}`: {err}"));
                    return Exit::Usage;
                } else {
                    output::stdout(&format!("formatted {shown}\n"));
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
        }
    }
    if args.check && changed > 0 {
        let files = if changed == 1 { "file" } else { "files" };
        output::stderr(&format!(
            "{changed} {files} not formatted; run `campaignc fmt {}`\n",
            args.dir.display()
        ));
    }
    if failed || (args.check && changed > 0) {
        Exit::Problems
    } else {
        Exit::Clean
    }
}
