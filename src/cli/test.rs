//! `campaignc test [DIR] [--filter TEXT]`: run every `test` block on the
//! reference simulator.
//!
//! Every test runs, even after one fails. Each result is one line
//! (`ok` / `FAIL`); the failures follow with their expectation, what
//! happened instead and the customer's whole timeline; the last line is
//! exactly `N passed, M failed`. Exit 0 when all pass, 1 when one fails or
//! the project has errors (or warnings under `--deny warnings`; printed as
//! diagnostics, and no test runs), 2 when the project cannot be read.
//! With `--format sarif`, stdout is one SARIF log whose results are the
//! failed expectations (the summary goes to stderr).
//! The work is [`crate::simulate::runner`]'s; this prints, with a
//! progress bar on a terminal.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::report::{report, Deny, DiagnosticArgs, Format};
use super::{output, Exit};
use crate::check::model::TestDef;
use crate::diagnostics::render::{self, FailedTest};
use crate::diagnostics::Severity;
use crate::plan::lower_all;
use crate::simulate::runner::{run_tests, selected_tests, summary, SwitchTargets, TestReport};
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
    let targets = switch_targets(&args.dir, &tests);
    let progress = super::progress::bar("testing", tests.len());
    let reports = run_tests(
        model,
        &compilation.sources,
        &tests,
        &plans,
        &targets,
        &Renderer::new(),
        || progress.inc(1),
    );
    progress.finish_and_clear();
    let summary = crate::text::escape_control(&summary(&reports)).into_owned();
    if args.diagnostics.format == Format::Sarif {
        // stdout is one SARIF log (each failed expectation a result); the
        // people's summary goes to stderr.
        output::stdout(&render::sarif(
            &[],
            &compilation.sources,
            &failed_tests(&reports),
        ));
        output::stderr(&summary);
    } else {
        output::stdout(&summary);
    }
    if reports.iter().all(TestReport::passed) {
        Exit::Clean
    } else {
        Exit::Problems
    }
}

/// Every failed expectation of `reports`, as SARIF results: the test's
/// name, the expectation and what happened instead.
fn failed_tests(reports: &[TestReport]) -> Vec<FailedTest> {
    reports
        .iter()
        .flat_map(|r| {
            r.failures.iter().map(move |f| FailedTest {
                message: format!(
                    "test {:?} failed: expected `{}`; found: {}",
                    r.name, f.expectation, f.found
                ),
                span: f.span,
            })
        })
        .collect()
}

/// The plans of every project the `tests` switch to (`at T switch to
/// "DIR"`, DIR relative to the project `dir`), or why a project has none:
/// it cannot be read, or it has errors.
pub(super) fn switch_targets(dir: &std::path::Path, tests: &[&TestDef]) -> SwitchTargets {
    let mut targets = SwitchTargets::new();
    for s in tests.iter().filter_map(|t| t.switch.as_ref()) {
        if targets.contains_key(&s.dir) {
            continue;
        }
        let other = dir.join(&s.dir);
        let plans = match crate::compile(&other) {
            Err(err) => Err(format!("cannot read the project `{}`: {err}", s.dir)),
            Ok(c) => {
                let errors = c
                    .problems
                    .clone()
                    .into_sorted()
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                if errors > 0 {
                    Err(format!(
                        "the project `{}` has {errors} error{}; run `campaignc check {}`",
                        s.dir,
                        if errors == 1 { "" } else { "s" },
                        other.display()
                    ))
                } else {
                    Ok(lower_all(&c.model, &c.sources))
                }
            }
        };
        targets.insert(s.dir.clone(), plans);
    }
    targets
}
