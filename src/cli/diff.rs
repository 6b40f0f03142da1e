//! `campaignc diff BASE HEAD`: compile two checkouts of a project (e.g.
//! main and a pull request) and print, as Markdown for a PR comment, what
//! the change does to the campaigns (see `src/diff/`).
//!
//! Both projects' campaigns must compile: errors in them are reported and
//! the exit code is 1 (warnings are fine). Errors only inside `test`
//! blocks do not stop the diff (the plans compile); the head's tests are
//! run and their results reported, failing or not. An unreadable directory
//! exits 2.
//!
//! `--migrations FILE` also writes where customers parked in the base's
//! plans go (`campaignc.migrations/v1`, see `docs/plan-format.md`);
//! `--in-flight FILE` reads a runtime's counts of parked customers
//! (`campaignc.in-flight/v1`) so the report says how many people each
//! change affects.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};
use crate::audience::{self, Source};
use crate::diagnostics::{Diagnostic, Severity};
use crate::diff::{changed_names, diff_report, AudienceSizes, Extras, HeadTests, InFlight, Size};
use crate::plan::migrate::migrations;
use crate::plan::{lower_all, Plan};
use crate::simulate::runner::{run_tests, selected_tests};
use crate::syntax::ast::Item;
use crate::template::Renderer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project before the change (e.g. a checkout of main).
    pub base: PathBuf,
    /// The project after the change (e.g. the pull request's checkout).
    pub head: PathBuf,
    /// Also write where the customers parked in the base's plans go, as
    /// JSON (`campaignc.migrations/v1`), to FILE.
    #[arg(long, value_name = "FILE")]
    pub migrations: Option<PathBuf>,
    /// Counts of customers parked per campaign and node, as a runtime
    /// exports them (`campaignc.in-flight/v1` JSON).
    #[arg(long, value_name = "FILE")]
    pub in_flight: Option<PathBuf>,
    /// Where to count the audience sizes of the changed campaigns and
    /// segments (none: the report has no sizes).
    #[command(flatten)]
    pub data: super::audience::Data,
    /// The evaluation time of the audience sizes (`now`), an instant like
    /// 2026-06-01T00:00:00Z (default: the current time).
    #[arg(long, value_name = "INSTANT", value_parser = super::sample_data::parse_now)]
    pub now: Option<jiff::Timestamp>,
}

pub fn run(args: &Args) -> Exit {
    let in_flight = match args.in_flight.as_deref().map(read_in_flight).transpose() {
        Ok(counts) => counts,
        Err(why) => {
            output::fatal(why);
            return Exit::Usage;
        }
    };
    let (base, _, base_compilation) = match compiled(&args.base, false) {
        Ok(compiled) => compiled,
        Err(exit) => return exit,
    };
    let (head, head_tests, head_compilation) = match compiled(&args.head, true) {
        Ok(compiled) => compiled,
        Err(exit) => return exit,
    };
    let audience_sizes = match args.data.source() {
        None => None,
        Some(source) => {
            let now = args.now.unwrap_or_else(jiff::Timestamp::now);
            let (campaigns, segments) = changed_names(&base, &head);
            match audience_sizes(
                &source,
                (&base_compilation, &head_compilation),
                (&campaigns, &segments),
                now,
            ) {
                Ok(sizes) => Some(sizes),
                Err(why) => {
                    output::fatal(why);
                    return Exit::Usage;
                }
            }
        }
    };
    if let Some(file) = &args.migrations {
        let json = serde_json::to_string_pretty(&migrations(&base, &head)).unwrap_or_default();
        if let Err(err) = std::fs::write(file, format!("{json}\n")) {
            output::fatal(format!("cannot write `{}`: {err}", file.display()));
            return Exit::Usage;
        }
    }
    let extras = Extras {
        head_tests,
        in_flight,
        full_command: format!(
            "campaignc diff {} {}",
            args.base.display(),
            args.head.display()
        ),
        limit: None,
        audience_sizes,
    };
    output::stdout(&crate::text::escape_control(&diff_report(
        &base, &head, &extras,
    )));
    Exit::Clean
}

fn read_in_flight(file: &Path) -> Result<InFlight, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| format!("cannot read `{}`: {err}", file.display()))?;
    let counts: InFlight = serde_json::from_str(&text).map_err(|err| {
        format!(
            "`{}` is not an in-flight file (`campaignc.in-flight/v1`, see docs/plan-format.md): {err}",
            file.display()
        )
    })?;
    if counts.format != crate::diff::in_flight::FORMAT {
        return Err(format!(
            "`{}` has format `{}`, expected `{}`",
            file.display(),
            counts.format,
            crate::diff::in_flight::FORMAT
        ));
    }
    Ok(counts)
}

/// The plans of the project in `dir` and, with `tests`, its test results;
/// or the exit code after reporting why there are none. Errors inside
/// `test` blocks only keep the tests from running.
type Compiled = (Vec<Plan>, Option<HeadTests>, crate::Compilation);

fn compiled(dir: &Path, tests: bool) -> Result<Compiled, Exit> {
    let mut compilation = crate::compile(dir).map_err(|err| {
        output::fatal(err);
        Exit::Usage
    })?;
    let errors: Vec<Diagnostic> = std::mem::take(&mut compilation.problems)
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let test_blocks: Vec<(String, crate::source::Span)> = compilation
        .files
        .iter()
        .flat_map(|f| &f.items)
        .filter_map(|item| match item {
            Item::Test(t) => Some((t.name.value.clone(), t.span)),
            _ => None,
        })
        .collect();
    let in_test = |d: &Diagnostic| {
        test_blocks.iter().find(|(_, span)| {
            span.file == d.span.file && span.start <= d.span.start && d.span.end <= span.end
        })
    };
    if errors.iter().any(|d| in_test(d).is_none()) {
        report(&errors, &compilation.sources, &DiagnosticArgs::default());
        output::fatal(format!(
            "`{}` has errors; fix them before comparing",
            dir.display()
        ));
        return Err(Exit::Problems);
    }
    let plans = lower_all(&compilation.model, &compilation.sources);
    if !tests {
        return Ok((plans, None, compilation));
    }
    if !errors.is_empty() {
        let mut broken: Vec<String> = errors
            .iter()
            .filter_map(|d| in_test(d).map(|(name, _)| format!("`{name}`")))
            .collect();
        broken.dedup();
        let results = HeadTests {
            not_run: Some(format!(
                "{} error{} in the test{} {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                if broken.len() == 1 { "" } else { "s" },
                broken.join(", ")
            )),
            ..HeadTests::default()
        };
        return Ok((plans, Some(results), compilation));
    }
    let model = &compilation.model;
    let by_name: BTreeMap<String, Plan> = plans
        .iter()
        .map(|p| (p.campaign.clone(), p.clone()))
        .collect();
    let selected = selected_tests(model, None);
    let targets = super::test::switch_targets(dir, &selected);
    let reports = run_tests(
        model,
        &compilation.sources,
        &selected,
        &by_name,
        &targets,
        &Renderer::new(),
        || {},
    );
    let results = HeadTests {
        passed: reports.iter().filter(|r| r.passed()).count(),
        failed: reports
            .iter()
            .filter(|r| !r.passed())
            .map(|r| (r.name.clone(), r.location.clone()))
            .collect(),
        not_run: None,
    };
    Ok((plans, Some(results), compilation))
}

/// The audience sizes of `campaigns` and `segments` in the base and the
/// head, each project evaluated on its own engine (the files are typed
/// by its schema), with [`audience::evaluate`].
fn audience_sizes(
    source: &Source,
    (base, head): (&crate::Compilation, &crate::Compilation),
    (campaigns, segments): (&[String], &[String]),
    now: jiff::Timestamp,
) -> Result<AudienceSizes, String> {
    let mut sizes = AudienceSizes::default();
    for (side, compilation) in [(0, base), (1, head)] {
        let model = &compilation.model;
        let present = |name: &String, campaign: bool| {
            if campaign {
                model.campaigns.iter().any(|c| &c.name == name)
            } else {
                model.segments.iter().any(|s| &s.name == name)
            }
        };
        let wanted: Vec<(&String, bool)> = campaigns
            .iter()
            .map(|c| (c, true))
            .chain(segments.iter().map(|s| (s, false)))
            .filter(|(name, campaign)| present(name, *campaign))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let mut engine = audience::open(source, model)?;
        for (name, campaign) in wanted {
            let report = audience::evaluate(
                engine.as_mut(),
                model,
                &compilation.sources,
                name,
                now,
                None,
            )
            .map_err(|e| format!("the audience of `{name}`: {e}"))?;
            let entry: &mut Size = if campaign {
                sizes.campaigns.entry(name.clone()).or_default()
            } else {
                sizes.segments.entry(name.clone()).or_default()
            };
            if side == 0 {
                entry.before = Some(report.count);
            } else {
                entry.after = Some(report.count);
            }
        }
    }
    Ok(sizes)
}
