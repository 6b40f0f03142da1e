//! Flow rules: the checks on a campaign's policies and the shape of its
//! flow that LANGUAGE.md lists under "flows" — split percentages, holdout
//! range, waits that do not wait, steps after `exit`, repeated sends, sends
//! the cap always defers, campaigns that send nothing, and degenerate send
//! windows.
//!
//! These run on the resolved model only; they never look at source text.

use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;

use super::messages::head_span;
use super::model::{
    walk_blocks, walk_expr, walk_steps, CampaignDef, DecimalLit, Duration, Model, Reentry,
    ScoreRuleKindDef, StepDef, StepKindDef, TExpr, TExprKind, TWindow, TriggerDef,
};

pub mod codes {
    pub const SPLIT_NOT_100: &str = "E0701";
    pub const HOLDOUT_RANGE: &str = "E0702";
    pub const NON_POSITIVE_WAIT: &str = "E0703";
    pub const EMPTY_SEND_WINDOW: &str = "E0704";
    pub const BAD_CAP: &str = "E0706";
    pub const BAD_PRESSURE: &str = "E0708";
    pub const BAD_PRIORITY: &str = "E0709";
    pub const PRIORITY_WITHOUT_PRESSURE: &str = "W0709";
    pub const STEP_AFTER_EXIT: &str = "W0701";
    pub const REPEATED_SEND: &str = "W0702";
    pub const CAP_ALWAYS_DEFERS: &str = "W0703";
    pub const SENDS_NOTHING: &str = "W0704";
}

/// Checks every campaign's policies and flow.
/// `segments`: whether the segments' bodies are checked too (a lean check
/// checked each one as it was typed).
pub fn check_flows(model: &Model, segments: bool, problems: &mut Problems) {
    check_windows(model, segments, problems);
    for campaign in &model.campaigns {
        check_policies(campaign, problems);
        walk_blocks(&campaign.flow, &mut |steps| {
            check_block(model, steps, problems)
        });
        check_sends_something(campaign, problems);
        check_cap(model, campaign, problems);
        check_priority(model, campaign, problems);
    }
}

/// `priority` only orders sends under the project's `pressure`: without
/// one it does nothing (W0709).
fn check_priority(model: &Model, campaign: &CampaignDef, problems: &mut Problems) {
    let Some(span) = campaign.setting_spans.get("priority") else {
        return;
    };
    if model.defaults.pressure.is_some() {
        return;
    }
    problems.push(
        Diagnostic::warning(
            codes::PRIORITY_WITHOUT_PRESSURE,
            format!(
                "`priority` of campaign `{}` has no effect: the project sets no `pressure`",
                campaign.name
            ),
            *span,
        )
        .with_primary_label("decides nothing without a project-wide limit")
        .with_help("add `pressure 3 per 7d` (or your limit) to `defaults`, or remove `priority`"),
    );
}

fn percent_to_basis_points(p: DecimalLit) -> Option<i128> {
    // percent × 100, exact when the percentage has at most two decimals.
    let scale = p.scale;
    if scale <= 2 {
        p.mantissa.checked_mul(10i128.pow(2 - scale))
    } else {
        let div = 10i128.pow(scale - 2);
        (p.mantissa % div == 0).then(|| p.mantissa / div)
    }
}

fn format_percent(p: DecimalLit) -> String {
    if p.scale == 0 {
        return format!("{}%", p.mantissa);
    }
    let div = 10i128.pow(p.scale);
    let sign = if p.mantissa < 0 { "-" } else { "" };
    let m = p.mantissa.abs();
    format!(
        "{sign}{}.{:0width$}%",
        m / div,
        m % div,
        width = p.scale as usize
    )
}

/// `within D` in any expression, and `reentry after D`, need a positive
/// duration like waits do: `within 0d` matches nothing, `reentry after -1d`
/// means nothing.
fn check_windows(model: &Model, segments: bool, problems: &mut Problems) {
    let mut exprs: Vec<&TExpr> = Vec::new();
    if segments {
        exprs.extend(model.segments.iter().filter_map(|s| s.expr.as_deref()));
    }
    for score in &model.scores {
        for rule in &score.rules {
            match &rule.kind {
                ScoreRuleKindDef::PerEvent { filter, window, .. } => {
                    if let Some(TWindow::Within(d)) = window {
                        if d.nominal_seconds() <= 0 {
                            problems.push(non_positive_window(rule.span, *d, "within"));
                        }
                    }
                    exprs.extend(filter.iter());
                }
                ScoreRuleKindDef::If(c) => exprs.push(c),
            }
        }
    }
    for c in &model.campaigns {
        if let Reentry::After(d) = c.reentry {
            if d.nominal_seconds() <= 0 {
                problems.push(non_positive_window(
                    c.setting_span("reentry"),
                    d,
                    "reentry after",
                ));
            }
        }
        exprs.extend([&c.audience, &c.goal, &c.exit_when].into_iter().flatten());
        if let TriggerDef::Event {
            filter: Some(f), ..
        } = &c.trigger
        {
            exprs.push(f);
        }
        walk_steps(&c.flow, &mut |step| exprs.extend(step.exprs()));
    }
    for e in exprs {
        check_expr_windows(e, problems);
    }
}

fn non_positive_window(span: Span, d: Duration, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::NON_POSITIVE_WAIT,
        format!("`{what} {}` covers no time", d),
        span,
    )
    .with_primary_label(if d.nominal_seconds() == 0 {
        "zero duration"
    } else {
        "negative duration"
    })
    .with_help("use a positive duration such as `30m`, `12h` or `30d`")
}

/// The `within` windows of `e` and of every expression inside it.
pub(crate) fn check_expr_windows(e: &TExpr, problems: &mut Problems) {
    walk_expr(e, &mut |e| check_expr_window(e, problems));
}

/// A `within` window of one query expression (not those inside it).
fn check_expr_window(e: &TExpr, problems: &mut Problems) {
    if let TExprKind::Performed { window, .. }
    | TExprKind::Count { window, .. }
    | TExprKind::Sum { window, .. } = &e.kind
    {
        if let Some(TWindow::Within(d)) = window {
            if d.nominal_seconds() <= 0 {
                problems.push(non_positive_window(e.span, *d, "within"));
            }
        }
    }
}

fn check_policies(campaign: &CampaignDef, problems: &mut Problems) {
    if let Some(holdout) = campaign.holdout {
        let bp = percent_to_basis_points(holdout);
        if !matches!(bp, Some(0..=10_000)) {
            problems.push(
                Diagnostic::error(
                    codes::HOLDOUT_RANGE,
                    format!(
                        "holdout {} is outside 0%–100% in campaign `{}`",
                        format_percent(holdout),
                        campaign.name
                    ),
                    campaign.setting_span("holdout"),
                )
                .with_primary_label("not a share of customers")
                .with_help(
                    "a holdout is the share of entering customers kept as a control group, \
                     between 0% and 100% with at most two decimals, e.g. `holdout 10%`",
                ),
            );
        }
    }
    if let Some((start, end)) = campaign.send_window {
        if start == end {
            problems.push(
                Diagnostic::error(
                    codes::EMPTY_SEND_WINDOW,
                    format!(
                        "the send window of campaign `{}` opens and closes at {:02}:{:02}",
                        campaign.name,
                        start / 60,
                        start % 60
                    ),
                    campaign.setting_span("send_window"),
                )
                .with_primary_label("both ends are equal")
                .with_help(
                    "give two different times, e.g. `send_window 09:00-20:00`; \
                     to allow sending at any time, remove `send_window`",
                ),
            );
        }
    }
    if let Some(cap) = campaign.cap {
        // A count below 1 is the resolver's E0311; the period is ours.
        if cap.per.nominal_seconds() <= 0 {
            problems.push(
                Diagnostic::error(
                    codes::BAD_CAP,
                    format!(
                        "the cap of campaign `{}` counts sends over `{}`, which is no time at all",
                        campaign.name, cap.per
                    ),
                    campaign.setting_span("cap"),
                )
                .with_help(
                    "a cap allows at least one message per positive duration, e.g. `cap 2 per 1d`",
                ),
            );
        }
    }
}

fn check_block(model: &Model, steps: &[StepDef], problems: &mut Problems) {
    // A step after `exit` in the same block never runs.
    if let Some(pos) = steps
        .iter()
        .position(|s| matches!(s.kind, StepKindDef::Exit))
    {
        if let Some(next) = steps.get(pos + 1) {
            let last = steps.last().map(|s| s.span).unwrap_or(next.span);
            problems.push(
                Diagnostic::warning(
                    codes::STEP_AFTER_EXIT,
                    "these steps come after `exit` and never run",
                    next.span.to(last),
                )
                .with_label(steps[pos].span, "the journey ends here")
                .with_help("remove the steps after `exit`, or move `exit` into an `if` branch"),
            );
        }
    }

    let mut last_send: Option<(&StepDef, super::model::MessageId)> = None;
    for step in steps {
        match &step.kind {
            StepKindDef::Wait(d) if d.nominal_seconds() <= 0 => {
                problems.push(non_positive_wait(step.span, *d, "wait"));
            }
            StepKindDef::WaitFor { timeout, .. } if timeout.nominal_seconds() <= 0 => {
                problems.push(non_positive_wait(step.span, *timeout, "wait for … up to"));
            }
            StepKindDef::Split { name, variants } => {
                check_split_total(name, variants, step.span, problems);
            }
            _ => {}
        }
        match &step.kind {
            StepKindDef::Send { message, .. } => {
                if let Some((prev, prev_msg)) = last_send {
                    if prev_msg == *message {
                        let name = &model.message(*message).name;
                        problems.push(
                            Diagnostic::warning(
                                codes::REPEATED_SEND,
                                format!("`{name}` is sent twice in a row with no wait between"),
                                step.span,
                            )
                            .with_label(prev.span, "first sent here")
                            .with_help(
                                "the customer would get the same message twice at once; \
                                 add a `wait` between the sends or remove one",
                            ),
                        );
                    }
                }
                last_send = Some((step, *message));
            }
            // Anything that lets time pass, or branches, separates two sends.
            StepKindDef::Set { .. } => {}
            _ => last_send = None,
        }
    }
}

fn non_positive_wait(span: Span, d: Duration, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::NON_POSITIVE_WAIT,
        format!("`{what} {}` does not wait", d),
        span,
    )
    .with_primary_label(if d.nominal_seconds() == 0 {
        "zero duration"
    } else {
        "negative duration"
    })
    .with_help("a wait needs a positive duration such as `30m`, `12h` or `2d`; remove the step to go on at once")
}

fn check_split_total(
    name: &str,
    variants: &[super::model::SplitVariantDef],
    span: Span,
    problems: &mut Problems,
) {
    let mut total: i128 = 0;
    let mut exact = true;
    for v in variants {
        match percent_to_basis_points(v.percent) {
            Some(bp) if bp > 0 => total += bp,
            _ => {
                exact = false;
                problems.push(
                    Diagnostic::error(
                        codes::SPLIT_NOT_100,
                        format!(
                            "variant `{}` of split `{name}` has {}, which is not a positive share",
                            v.name,
                            format_percent(v.percent)
                        ),
                        v.span,
                    )
                    .with_help("each variant takes a positive percentage with at most two decimals, e.g. `control 50%`"),
                );
            }
        }
    }
    if exact && total != 10_000 {
        let listed: Vec<String> = variants
            .iter()
            .map(|v| format!("{} {}", v.name, format_percent(v.percent)))
            .collect();
        let mut d = Diagnostic::error(
            codes::SPLIT_NOT_100,
            format!(
                "the variants of split `{name}` add up to {}, not 100%",
                format_percent(DecimalLit {
                    mantissa: total,
                    scale: 2
                })
                .replace(".00%", "%")
            ),
            span,
        )
        .with_help(format!(
            "every customer must land in exactly one variant; adjust the percentages ({}) so they sum to 100%",
            listed.join(", ")
        ));
        for v in variants {
            d = d.with_label(v.span, format!("{} here", format_percent(v.percent)));
        }
        problems.push(d);
    }
}

fn sends_anything(steps: &[StepDef]) -> bool {
    let mut sends = false;
    walk_steps(steps, &mut |s| {
        sends |= matches!(s.kind, StepKindDef::Send { .. });
    });
    sends
}

fn check_sends_something(campaign: &CampaignDef, problems: &mut Problems) {
    if !sends_anything(&campaign.flow) {
        problems.push(
            Diagnostic::warning(
                codes::SENDS_NOTHING,
                format!("campaign `{}` never sends a message", campaign.name),
                head_span(campaign.span, "campaign", &campaign.name),
            )
            .with_help("add `send MESSAGE` to its flow, or remove the campaign"),
        );
    }
}

/// The longest a single step can keep a customer waiting (flows have no
/// loops, so every step has a finite maximum).
fn max_elapsed(step: &StepDef) -> Duration {
    match &step.kind {
        StepKindDef::Wait(d) => *d,
        StepKindDef::WaitUntil { day, .. } => Duration {
            days: if day.is_some() { 7 } else { 1 },
            seconds: 0,
        },
        StepKindDef::WaitFor { timeout, .. } => *timeout,
        _ => Duration::default(),
    }
}

/// The waits along a flow's main path (see [`main_path`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MainPath {
    /// The sum of the fixed waits: `wait D` steps and the timeouts of
    /// `wait for … up to D`; calendar days and elapsed time apart, as
    /// written.
    pub waits: Duration,
    /// How many `wait until` steps it goes through: each waits for a
    /// clock time, so adds up to a day (a week with `on DAY`) that no
    /// sum can say.
    pub clock_waits: usize,
}

/// The main path of a flow: the steps a customer goes through when no
/// waited-for event comes (each `wait for` runs to its timeout and then
/// its `on timeout` block), at each `if` the first arm, and at each
/// `split` the first variant; it ends at an `exit` or at the end of the
/// flow. Answers how long the flow keeps such a customer, from its waits.
pub fn main_path(flow: &[StepDef]) -> MainPath {
    let mut path = MainPath::default();
    main_path_into(flow, &mut path);
    path
}

/// Adds the waits of `steps` to `path`; `false` when an `exit` ended it.
fn main_path_into(steps: &[StepDef], path: &mut MainPath) -> bool {
    for step in steps {
        let go_on = match &step.kind {
            StepKindDef::Wait(d) => {
                path.waits = add(path.waits, *d);
                true
            }
            StepKindDef::WaitUntil { .. } => {
                path.clock_waits += 1;
                true
            }
            StepKindDef::WaitFor {
                timeout,
                on_timeout,
                ..
            } => {
                path.waits = add(path.waits, *timeout);
                main_path_into(on_timeout, path)
            }
            StepKindDef::If { branches, .. } => match branches.first() {
                Some((_, arm)) => main_path_into(arm, path),
                None => true,
            },
            StepKindDef::Split { variants, .. } => match variants.first() {
                Some(v) => main_path_into(&v.steps, path),
                None => true,
            },
            StepKindDef::Exit => false,
            StepKindDef::Send { .. } | StepKindDef::Set { .. } => true,
        };
        if !go_on {
            return false;
        }
    }
    true
}

fn add(a: Duration, b: Duration) -> Duration {
    Duration {
        days: a.days + b.days,
        seconds: a.seconds + b.seconds,
    }
}

/// Warns about a send that the cap defers on every path: the `count + 1`-th
/// send of a straight run of steps whose longest possible duration is
/// shorter than the cap's period.
fn check_cap(model: &Model, campaign: &CampaignDef, problems: &mut Problems) {
    let Some(cap) = campaign.cap else { return };
    if cap.count == 0 || cap.per.nominal_seconds() <= 0 {
        return;
    }
    // Every path through the flow, as its sends with the longest time each
    // can take to be reached.
    let Some(paths) = paths_through(&campaign.flow, vec![PathState::default()]) else {
        return;
    };
    let mut reported: Vec<Span> = Vec::new();
    let n = cap.count as usize;
    for path in paths.iter().map(|p| &p.sends) {
        for i in n..path.len() {
            let (step, at) = path[i];
            let (first, first_at) = path[i - n];
            let gap = Duration {
                days: at.days - first_at.days,
                seconds: at.seconds - first_at.seconds,
            };
            if gap.nominal_seconds() < cap.per.nominal_seconds() && !reported.contains(&step.span) {
                reported.push(step.span);
                let msg = match &step.kind {
                    StepKindDef::Send { message, .. } => model.message(*message).name.clone(),
                    _ => String::new(),
                };
                problems.push(
                    Diagnostic::warning(
                        codes::CAP_ALWAYS_DEFERS,
                        format!(
                            "the cap of {} per {} always defers sending `{msg}`",
                            cap.count, cap.per
                        ),
                        step.span,
                    )
                    .with_label(
                        first.span,
                        if n == 1 {
                            format!("sent at most {} before", gap)
                        } else {
                            format!("the first of {n} sends at most {} before", gap)
                        },
                    )
                    .with_label(campaign.setting_span("cap"), "the cap")
                    .with_help(format!(
                        "at most {} within {} of this send, so it always waits for the cap; \
                         add a longer `wait` before it or raise the cap",
                        gap, cap.per
                    )),
                );
            }
        }
    }
}

#[derive(Clone, Default)]
struct PathState<'m> {
    sends: Vec<(&'m StepDef, Duration)>,
    at: Duration,
    ended: bool,
}

/// More paths than this and the cap check gives up rather than explode.
const MAX_PATHS: usize = 4096;

fn paths_through<'m>(
    steps: &'m [StepDef],
    start: Vec<PathState<'m>>,
) -> Option<Vec<PathState<'m>>> {
    let mut states = start;
    for step in steps {
        let mut next = Vec::new();
        for mut st in states {
            if st.ended {
                next.push(st);
                continue;
            }
            match &step.kind {
                StepKindDef::Send { .. } => {
                    st.sends.push((step, st.at));
                    next.push(st);
                }
                StepKindDef::Exit => {
                    st.ended = true;
                    next.push(st);
                }
                StepKindDef::If { .. }
                | StepKindDef::Split { .. }
                | StepKindDef::WaitFor { .. } => {
                    let mut branched = st.clone();
                    branched.at = add(st.at, max_elapsed(step));
                    let mut blocks = step.blocks();
                    if let StepKindDef::If {
                        otherwise: None, ..
                    } = &step.kind
                    {
                        blocks.push(&[]);
                    }
                    for block in blocks {
                        next.extend(paths_through(block, vec![branched.clone()])?);
                    }
                }
                _ => {
                    st.at = add(st.at, max_elapsed(step));
                    next.push(st);
                }
            }
        }
        if next.len() > MAX_PATHS {
            return None;
        }
        states = next;
    }
    Some(states)
}

#[cfg(test)]
mod main_path_tests {
    use super::*;
    use crate::check::model::{EventId, MessageId, SplitVariantDef};

    fn step(kind: StepKindDef) -> StepDef {
        StepDef {
            label: None,
            kind,
            span: Span::default(),
        }
    }

    fn wait(days: i64, hours: i64) -> StepDef {
        step(StepKindDef::Wait(Duration::new(days, hours * 3600)))
    }

    fn send() -> StepDef {
        step(StepKindDef::Send {
            message: MessageId(0),
            event_scope: None,
        })
    }

    #[test]
    fn sums_waits_timeouts_first_arms_and_first_variants() {
        let half = DecimalLit {
            mantissa: 50,
            scale: 0,
        };
        let flow = vec![
            wait(0, 1),
            send(),
            step(StepKindDef::WaitFor {
                event: EventId(0),
                filter: None,
                timeout: Duration::new(1, 0),
                on_event: vec![wait(30, 0)],
                on_timeout: vec![send(), wait(2, 0)],
            }),
            step(StepKindDef::Split {
                name: "s".into(),
                variants: vec![
                    SplitVariantDef {
                        name: "a".into(),
                        percent: half,
                        steps: vec![wait(0, 36)],
                        span: Span::default(),
                    },
                    SplitVariantDef {
                        name: "b".into(),
                        percent: half,
                        steps: vec![wait(9, 0)],
                        span: Span::default(),
                    },
                ],
            }),
            step(StepKindDef::WaitUntil {
                minutes: 9 * 60,
                day: None,
            }),
            step(StepKindDef::If {
                branches: vec![(
                    TExpr {
                        kind: TExprKind::Now,
                        ty: crate::check::model::Type::Bool,
                        span: Span::default(),
                    },
                    vec![wait(1, 0), step(StepKindDef::Exit), wait(5, 0)],
                )],
                otherwise: Some(vec![wait(7, 0)]),
            }),
            wait(100, 0),
        ];
        let path = main_path(&flow);
        // 1h + 1d (timeout) + 2d + 36h + 1d, then the exit.
        assert_eq!(path.waits, Duration::new(4, 37 * 3600));
        assert_eq!(path.waits.to_string(), "4d37h");
        assert_eq!(path.clock_waits, 1);
        assert_eq!(main_path(&[]), MainPath::default());
    }
}
