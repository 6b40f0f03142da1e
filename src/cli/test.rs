//! `campaignc test [DIR] [--filter TEXT]`: run every `test` block on the
//! reference simulator.
//!
//! Every test runs, even after one fails. Each result is one line
//! (`ok` / `FAIL`); the failures follow with their expectation, what
//! happened instead and the customer's whole timeline; the last line is
//! exactly `N passed, M failed`. Exit 0 when all pass, 1 when one fails or
//! the project has errors (or warnings under `--deny warnings`; printed as
//! diagnostics, and no test runs), 2 when the project cannot be read.
//! The work is [`crate::simulate::runner`]'s; this prints, with a
//! progress bar on a terminal.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::report::{report, Deny, DiagnosticArgs};
use super::{output, Exit};
use crate::diagnostics::Severity;
use crate::plan::lower_all;
use crate::simulate::runner::{run_tests, selected_tests, summary, TestReport};
use crate::template::Renderer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// Run only the tests whose name contains TEXT.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
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
    let problems = compilation.problems.into_sorted();
    let deny_warnings = args.diagnostics.deny.contains(&Deny::Warnings);
    if problems
        .iter()
        .any(|d| d.severity == Severity::Error || deny_warnings)
    {
        report(&problems, &compilation.sources, &args.diagnostics);
        return Exit::Problems;
    }
    let model = &compilation.model;
    let plans: BTreeMap<String, _> = lower_all(model, &compilation.sources)
        .into_iter()
        .map(|p| (p.campaign.clone(), p))
        .collect();
    let tests = selected_tests(model, args.filter.as_deref());
    let progress = super::progress::bar("testing", tests.len());
    let reports = run_tests(
        model,
        &compilation.sources,
        &tests,
        &plans,
        &Renderer::new(),
        || progress.inc(1),
    );
    progress.finish_and_clear();
    output::stdout(&crate::text::escape_control(&summary(&reports)));
    if reports.iter().all(TestReport::passed) {
        Exit::Clean
    } else {
        Exit::Problems
    }
}
