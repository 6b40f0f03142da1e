//! Options every command that reports diagnostics shares (`--format`,
//! `--deny`), and printing the diagnostics in the chosen format.

use clap::ValueEnum;

use super::{output, Exit};
use crate::diagnostics::render::{self, HumanOptions};
use crate::diagnostics::Diagnostic;
use crate::source::SourceMap;

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphical reports with source excerpts, on stderr.
    #[default]
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions annotations on stdout.
    Github,
    /// One SARIF 2.1.0 log on stdout, for code scanning tools.
    Sarif,
}

/// What `--deny` can turn into errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Any warning makes the command fail (exit 1).
    Warnings,
}

/// `--format` and `--deny`, flattened into each command that reports.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct DiagnosticArgs {
    /// Output format for diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail on warnings too (`--deny warnings`).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
}

impl DiagnosticArgs {
    pub(super) fn deny_warnings(&self) -> bool {
        self.deny.contains(&Deny::Warnings)
    }
}

/// How much human output is collected before it is written.
const CHUNK: usize = 64 * 1024;

/// Prints `diags` (already sorted) in the chosen format: human text to
/// stderr, machine formats to stdout. Returns the exit code they imply.
pub fn report(diags: &[Diagnostic], sources: &SourceMap, args: &DiagnosticArgs) -> Exit {
    match args.format {
        Format::Human => {
            // Printed in chunks as the reports are drawn: thousands of
            // warnings never sit in memory as one string.
            let mut chunk = String::new();
            render::human_each(diags, sources, &HumanOptions::for_terminal(), |text| {
                chunk.push_str(text);
                if chunk.len() >= CHUNK {
                    output::stderr(&chunk);
                    chunk.clear();
                }
            });
            output::stderr(&chunk);
        }
        Format::Json => output::stdout(&render::json(diags, sources)),
        Format::Github => output::stdout(&render::github(diags, sources)),
        Format::Sarif => output::stdout(&render::sarif(diags, sources, &[])),
    }
    exit_for(diags, args.deny_warnings())
}

/// Compiles the project in `dir` for a command that needs a model without
/// errors (`preview`, `coverage`, `send-test`): its sorted diagnostics
/// with it, or the exit code when it cannot go on: 2 when the project
/// cannot be read (said on stderr), 1 when it has errors (reported in
/// the chosen format).
pub(super) fn compile_without_errors(
    dir: &std::path::Path,
    args: &DiagnosticArgs,
) -> Result<(crate::Compilation, Vec<Diagnostic>), Exit> {
    let mut compilation = match crate::compile(dir) {
        Ok(c) => c,
        Err(err) => {
            output::fatal(err);
            return Err(Exit::Usage);
        }
    };
    let diagnostics = std::mem::take(&mut compilation.problems).into_sorted();
    if diagnostics.iter().any(|d| d.is_error()) {
        report(&diagnostics, &compilation.sources, args);
        return Err(Exit::Problems);
    }
    Ok((compilation, diagnostics))
}

/// 1 when there are errors, or warnings under `--deny warnings`; else 0.
pub(super) fn exit_for(diags: &[Diagnostic], deny_warnings: bool) -> Exit {
    if crate::driver::stops_build(diags, deny_warnings) {
        Exit::Problems
    } else {
        Exit::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn warnings_fail_only_when_denied_and_errors_always_fail() {
        let warning = Diagnostic::warning("W0901", "w", Span::default());
        let error = Diagnostic::error("E0901", "e", Span::default());
        assert_eq!(exit_for(&[], true), Exit::Clean);
        assert_eq!(exit_for(std::slice::from_ref(&warning), false), Exit::Clean);
        assert_eq!(
            exit_for(std::slice::from_ref(&warning), true),
            Exit::Problems
        );
        assert_eq!(exit_for(&[error], false), Exit::Problems);
    }
}
