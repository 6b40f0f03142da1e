//! Running a project's `test` blocks on the simulator.
//!
//! A test names a campaign (or several, run together under the project's
//! `pressure`: [`super::together`]) and a persona. The runner takes the
//! campaign's plan (lowered by the caller, so this module depends only on the plan
//! format), builds the customer from the persona (its id is the persona's
//! name, which is what holdout and split hashing see), schedules the `at`
//! actions as offsets from `start` in the persona's time zone, fixes the
//! variant if the test does, runs until nothing is left to happen, and
//! checks every expectation. All expectations are checked even after one
//! fails.
//!
//! "Nothing left to happen": the run looks for new entries (triggers,
//! schedules, segment changes) until the last action or the last time an
//! expectation names (`at T`, `by T`), whichever is later, then follows a
//! running journey to its end; never more than [`HORIZON_DAYS`] days after
//! `start`. So a weekly sweep with `reentry after 90d` is not re-run for a
//! year unless the test asks about that time.

use super::clock::{self, Duration};
use super::customer::Customer;
use super::expect;
use super::journey::{simulate_switching, Forced, Input, InputKind, Options};
use super::switch::Switch;
use super::timeline::Timeline;
use super::together;
use super::value::Val;
use crate::check::model::{ExpectKind, Model, TestActionKind, TestDef, TimeBoundDef};
use crate::plan::format::Plan;
use crate::source::{SourceMap, Span};
use crate::template::Renderer;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The projects tests switch to (`at T switch to "DIR"`), by `DIR` as
/// written: their plans, or why there are none (the caller compiles them;
/// this layer reads no files).
pub type SwitchTargets = BTreeMap<String, Result<Vec<Plan>, String>>;

/// How long a test's virtual clock may run after `start`.
pub const HORIZON_DAYS: i64 = 400;

/// One failed expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// `path/file.camp:LINE`.
    pub location: String,
    /// The expectation that failed (the `test` block when the failure is
    /// not one expectation's), for reports that point into the source
    /// (`campaignc test --format sarif`).
    pub span: Span,
    /// The expectation as written (`expect sent nudge at 1d`).
    pub expectation: String,
    /// What happened instead.
    pub found: String,
}

/// The result of one test.
#[derive(Clone, Debug)]
pub struct TestReport {
    pub name: String,
    /// `path/file.camp:LINE` of the `test` block.
    pub location: String,
    pub campaign: String,
    pub persona: String,
    pub failures: Vec<Failure>,
    /// The customer's journey, for the failure report.
    pub timeline: Timeline,
    /// The time zone the timeline is in.
    pub time_zone: String,
}

impl TestReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failure report: each failed expectation with its source line,
    /// what happened instead, and the whole timeline.
    pub fn failure_text(&self) -> String {
        let mut out = format!("FAIL {:?} ({})\n", self.name, self.location);
        for f in &self.failures {
            out.push_str(&format!("  {}: {}\n", f.location, f.expectation));
            out.push_str(&format!("    found: {}\n", f.found));
        }
        out.push_str(&format!(
            "  timeline of {} in {} ({}):\n",
            self.persona, self.campaign, self.time_zone
        ));
        for line in self.timeline.to_text().lines() {
            out.push_str("    ");
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `path:line` of a span.
pub fn location(sources: &SourceMap, span: Span) -> String {
    if sources.files().len() <= span.file.0 as usize {
        return "<unknown>".into();
    }
    let (line, _) = sources.line_col(span);
    format!("{}:{line}", sources.get(span.file).path)
}

/// Runs one test against its campaigns' plans (`plans[0]` the test's
/// first campaign; more run together, see [`super::together`]).
pub fn run_test(
    model: &Model,
    sources: &SourceMap,
    test: &TestDef,
    plans: &[&Plan],
    targets: &SwitchTargets,
    renderer: &Renderer,
) -> TestReport {
    let persona = model.persona(test.persona);
    let Some(plan) = plans.first() else {
        return no_plan(
            model,
            sources,
            test,
            model.campaign(test.campaign).name.clone(),
        );
    };
    let customer = Customer::of_persona(model, persona, plan);
    let time_zone = customer.time_zone.iana_name().unwrap_or("UTC").to_string();
    let campaign = plans
        .iter()
        .map(|p| p.campaign.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut report = TestReport {
        name: test.name.clone(),
        location: location(sources, test.span),
        campaign,
        persona: persona.name.clone(),
        failures: Vec::new(),
        timeline: Timeline::default(),
        time_zone,
    };
    let Ok(start) = test.start.to_zoned(customer.time_zone.clone()) else {
        report.failures.push(Failure {
            location: report.location.clone(),
            span: test.span,
            expectation: "start".into(),
            found: "the start time does not exist in the persona's time zone".into(),
        });
        return report;
    };
    let mut inputs = Vec::new();
    for action in &test.actions {
        let Ok(at) = clock::add(&start, action.offset) else {
            continue;
        };
        let kind = match &action.kind {
            TestActionKind::Event { event, payload } => InputKind::Event {
                name: model.event(*event).name.as_str().into(),
                props: Val::from(payload).into(),
            },
            TestActionKind::Set { attr, value } => InputKind::Set {
                attr: model.attr(*attr).name.clone(),
                value: Val::from(value),
            },
        };
        inputs.push(Input {
            at: at.timestamp(),
            kind,
        });
    }
    let horizon = clock::add(&start, Duration::new(HORIZON_DAYS, 0))
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::MAX);
    let until = inputs
        .iter()
        .map(|i| i.at)
        .chain(expectation_times(test, &start))
        .fold(start.timestamp(), |a, b| a.max(b));
    let options = Options {
        start: start.timestamp(),
        until,
        horizon: horizon.max(until),
        forced: Forced::from_variants(&test.variants),
        without_pressure: false,
    };
    let switch = match &test.switch {
        None => None,
        Some(s) => {
            let found = match targets.get(&s.dir) {
                Some(Ok(other)) => clock::add(&start, s.offset)
                    .map(|at| Switch {
                        at: at.timestamp(),
                        plan: other.iter().find(|p| p.campaign == plan.campaign).cloned(),
                    })
                    .map_err(|_| "the switch time is out of range".to_string()),
                Some(Err(why)) => Err(why.clone()),
                None => Err(format!("the project `{}` was not loaded", s.dir)),
            };
            match found {
                Ok(switch) => Some(switch),
                Err(found) => {
                    report.failures.push(Failure {
                        location: location(sources, s.span),
                        span: s.span,
                        expectation: snippet(sources, s.span),
                        found,
                    });
                    return report;
                }
            }
        }
    };
    let sim = if plans.len() == 1 {
        simulate_switching(plan, customer, inputs, &options, renderer, switch.as_ref())
    } else {
        let runs = plans
            .iter()
            .map(|p| (*p, Customer::of_persona(model, persona, p)))
            .collect();
        match together::simulate_together(runs, inputs, &options, renderer) {
            Some(sim) => sim,
            None => return report,
        }
    };
    // `expect converted`, `exited` and `completed` are about the first
    // campaign's journey.
    let first_only;
    let outcomes = if plans.len() == 1 {
        &sim.timeline
    } else {
        first_only = Timeline {
            entries: sim
                .timeline
                .entries
                .iter()
                .filter(|e| e.campaign.as_deref().is_none_or(|c| c == plan.campaign))
                .cloned()
                .collect(),
        };
        &first_only
    };
    for e in &test.expectations {
        let timeline = match e.kind {
            ExpectKind::Converted { .. } | ExpectKind::Exited { .. } | ExpectKind::Completed => {
                outcomes
            }
            _ => &sim.timeline,
        };
        if let Err(found) = expect::check(model, e, &start, timeline, &sim.customer) {
            report.failures.push(Failure {
                location: location(sources, e.span),
                span: e.span,
                expectation: snippet(sources, e.span),
                found,
            });
        }
    }
    // A send that could not be rendered or a value that could not be
    // computed is never a silent success.
    for error in sim.timeline.errors() {
        report.failures.push(Failure {
            location: report.location.clone(),
            span: test.span,
            expectation: "the run has no errors".into(),
            found: error,
        });
    }
    report.timeline = sim.timeline;
    report
}

/// The instants the expectations name (`at T`, `by T`): the run looks for
/// entries at least until the last of them.
fn expectation_times<'t>(
    test: &'t TestDef,
    start: &'t jiff::Zoned,
) -> impl Iterator<Item = jiff::Timestamp> + 't {
    test.expectations.iter().filter_map(move |e| {
        let bound = match &e.kind {
            ExpectKind::Sent { when, .. }
            | ExpectKind::Converted { when }
            | ExpectKind::Exited { when } => (*when)?,
            _ => return None,
        };
        let (TimeBoundDef::At(d) | TimeBoundDef::By(d)) = bound;
        clock::add(start, d).ok().map(|z| z.timestamp())
    })
}

fn snippet(sources: &SourceMap, span: Span) -> String {
    if sources.files().len() <= span.file.0 as usize {
        return String::new();
    }
    let text = sources.get(span.file).text.get(span.range()).unwrap_or("");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs one test with its campaigns' plans from `plans` (by campaign
/// name); a test whose campaign has no plan fails saying so.
pub fn run_one(
    model: &Model,
    sources: &SourceMap,
    test: &TestDef,
    plans: &BTreeMap<String, Plan>,
    targets: &SwitchTargets,
    renderer: &Renderer,
) -> TestReport {
    let mut run = Vec::new();
    for id in std::iter::once(&test.campaign).chain(&test.also) {
        let campaign = &model.campaign(*id).name;
        match plans.get(campaign) {
            Some(plan) => run.push(plan),
            None => return no_plan(model, sources, test, campaign.clone()),
        }
    }
    run_test(model, sources, test, &run, targets, renderer)
}

/// The report of a test that cannot run: `campaign` has no plan.
fn no_plan(model: &Model, sources: &SourceMap, test: &TestDef, campaign: String) -> TestReport {
    TestReport {
        name: test.name.clone(),
        location: location(sources, test.span),
        campaign: campaign.clone(),
        persona: model.persona(test.persona).name.clone(),
        failures: vec![Failure {
            location: location(sources, test.span),
            span: test.span,
            expectation: format!("campaign {campaign}"),
            found: "the campaign has no plan".into(),
        }],
        timeline: Timeline::default(),
        time_zone: "UTC".into(),
    }
}

/// The tests whose name contains `filter` (all when `None`), in the
/// model's order (sorted by name).
pub fn selected_tests<'m>(model: &'m Model, filter: Option<&str>) -> Vec<&'m TestDef> {
    model
        .tests
        .iter()
        .filter(|t| filter.is_none_or(|f| t.name.contains(f)))
        .collect()
}

/// Runs `tests` on all cores, calling `on_done` after each one (for a
/// progress bar); the reports are in the order of `tests`, whatever the
/// number of threads.
pub fn run_tests(
    model: &Model,
    sources: &SourceMap,
    tests: &[&TestDef],
    plans: &BTreeMap<String, Plan>,
    targets: &SwitchTargets,
    renderer: &Renderer,
    on_done: impl Fn() + Sync,
) -> Vec<TestReport> {
    tests
        .par_iter()
        .map(|t| {
            let report = run_one(model, sources, t, plans, targets, renderer);
            on_done();
            report
        })
        .collect()
}

/// Runs every test whose name contains `filter` (all when `None`), in the
/// model's order (sorted by name); [`selected_tests`] then [`run_tests`].
/// A test that switches plans fails here ("not loaded"): give
/// [`run_tests`] the projects it switches to.
pub fn run_all(
    model: &Model,
    sources: &SourceMap,
    filter: Option<&str>,
    plans: &BTreeMap<String, Plan>,
    renderer: &Renderer,
) -> Vec<TestReport> {
    let tests = selected_tests(model, filter);
    let targets = SwitchTargets::new();
    run_tests(model, sources, &tests, plans, &targets, renderer, || {})
}

/// The report `campaignc test` prints: one line per test (`ok` or
/// `FAIL`, name, location), then each failure with its expectation, what
/// happened and the timeline, then exactly `N passed, M failed`.
pub fn summary(reports: &[TestReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let status = if r.passed() { "ok  " } else { "FAIL" };
        out.push_str(&format!("{status} {} ({})\n", r.name, r.location));
    }
    let failed: Vec<&TestReport> = reports.iter().filter(|r| !r.passed()).collect();
    if !failed.is_empty() {
        out.push_str("\nfailures:\n\n");
        for r in &failed {
            out.push_str(&r.failure_text());
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        reports.len() - failed.len(),
        failed.len()
    ));
    out
}
