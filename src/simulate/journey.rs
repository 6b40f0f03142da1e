//! The simulation loop: one customer, one plan, a virtual clock.
//!
//! Everything that can happen is a dated occurrence — an input (an event
//! the customer performs, an attribute changed from outside), the timer of
//! the parked journey (a wait, a `wait for` timeout, a deferred send), the
//! next firing of an `every` trigger, or the hourly re-check of an
//! `enters SEGMENT` trigger. The loop takes the earliest; at one instant,
//! inputs go first (an event at exactly a timeout is in time), then the
//! journey's timer, then the schedule, then the segment re-check. Nothing
//! depends on wall-clock time or on hash order, so a run is reproducible
//! byte for byte.
//!
//! The flow steps themselves live in [`super::steps`].

use super::clock::{self, Schedule};
use super::customer::{Customer, PastEvent};
use super::eval::{self, InScope, Scope};
use super::policy::{Cap, Pressure, SendWindow};
use super::switch::Switch;
use super::timeline::{Happening, Timeline};
use super::value::Val;
use crate::check::model::{VariantConflict, VariantDef};
use crate::plan::format::{Period, Plan, Reentry, Trigger};
use crate::template::Renderer;
use jiff::{Timestamp, Zoned};
use std::sync::Arc;

/// Something that happens to the customer from outside the campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub at: Timestamp,
    pub kind: InputKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InputKind {
    /// The customer performs an event; `props` is a [`Val::Record`].
    /// Both are shared with the history each campaign's run records.
    Event { name: Arc<str>, props: Arc<Val> },
    /// An attribute changes (a test's `at … set`, an events file's `set`).
    Set { attr: String, value: Val },
}

/// A test's fixed assignment, overriding the hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forced {
    /// `Some(true)`: in the holdout; `Some(false)`: in the treatment.
    pub held_out: Option<bool>,
    /// `(split, variant)` pairs: each named split always picks its
    /// variant (at most one pair per split).
    pub splits: Vec<(String, String)>,
}

impl Forced {
    /// What a list of fixed assignments (a test's `variant` lines, the
    /// `--variant` options) fixes. A split variant puts the customer in
    /// the treatment group unless `holdout` is fixed too (a held-out
    /// customer still runs the flow, splits included, with sends skipped);
    /// contradicting lists are rejected before this
    /// (see `VariantDef::conflict_with`).
    pub fn from_variants(variants: &[VariantDef]) -> Forced {
        let mut forced = Forced::default();
        for v in variants {
            match v {
                VariantDef::Holdout => forced.held_out = Some(true),
                VariantDef::Treatment => forced.held_out = Some(false),
                VariantDef::Split { split, variant } => {
                    forced.held_out.get_or_insert(false);
                    forced.splits.push((split.clone(), variant.clone()));
                }
            }
        }
        forced
    }

    /// Parses fixed assignments written as on the command line
    /// (`simulate --variant`): `holdout`, `treatment` or `SPLIT.VARIANT`,
    /// each fixing the holdout group or one split. An unknown form, or two
    /// that contradict each other, is an error saying which.
    pub fn parse(texts: &[String]) -> Result<Forced, String> {
        let mut defs: Vec<(VariantDef, &str)> = Vec::new();
        for text in texts {
            let def = match text.as_str() {
                "holdout" => VariantDef::Holdout,
                "treatment" => VariantDef::Treatment,
                other => match other.split_once('.') {
                    Some((split, variant)) => VariantDef::Split {
                        split: split.to_string(),
                        variant: variant.to_string(),
                    },
                    None => {
                        return Err(format!(
                            "--variant `{other}`: expected holdout, treatment or SPLIT.VARIANT"
                        ))
                    }
                },
            };
            for (kept, kept_text) in &defs {
                let why = match def.conflict_with(kept) {
                    None => continue,
                    Some(VariantConflict::Group) => "both fix the holdout group".to_string(),
                    Some(VariantConflict::Split(s)) => format!("both fix split `{s}`"),
                };
                return Err(format!(
                    "--variant `{text}` contradicts --variant `{kept_text}`: {why}"
                ));
            }
            defs.push((def, text));
        }
        let defs: Vec<VariantDef> = defs.into_iter().map(|(d, _)| d).collect();
        Ok(Forced::from_variants(&defs))
    }
}

/// How a simulation runs.
///
/// The run stops when nothing is left to happen: every input is consumed,
/// no journey is running and the clock has passed `until`. Before `until`,
/// schedules fire and segment memberships are re-checked; after it, only
/// a running journey is followed to its end. A recurring trigger that has
/// not fired yet fires once even after `until`, so a customer with no
/// inputs still meets the first sweep. `horizon` is the hard limit.
#[derive(Clone, Debug)]
pub struct Options {
    /// When the virtual clock starts (schedules count from here).
    pub start: Timestamp,
    /// Until when the run looks for new entries.
    pub until: Timestamp,
    /// When it stops at the latest.
    pub horizon: Timestamp,
    pub forced: Forced,
    /// Whether the plan's pressure policy is left out, so that the run
    /// shows what the campaign alone would send with no limit (the
    /// coverage page's weeks).
    pub without_pressure: bool,
}

/// What a simulation produced.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub timeline: Timeline,
    /// The customer at the end: attributes changed by `set`, all events.
    pub customer: Customer,
}

/// Runs `plan` for one customer over `inputs` (any order; sorted stably
/// by time here).
pub fn simulate(
    plan: &Plan,
    customer: Customer,
    inputs: Vec<Input>,
    options: &Options,
    renderer: &Renderer,
) -> Simulation {
    simulate_switching(plan, customer, inputs, options, renderer, None)
}

/// [`simulate`], with `switch` replacing the plan at its instant (a
/// deploy while the journey runs; see [`super::switch`]).
pub fn simulate_switching(
    plan: &Plan,
    customer: Customer,
    inputs: Vec<Input>,
    options: &Options,
    renderer: &Renderer,
    switch: Option<&Switch>,
) -> Simulation {
    run(plan, customer, inputs, options, Some(renderer), switch)
}

/// [`simulate`] without rendering: every send that would go out is a
/// [`Happening::Sent`] with its message, channel and locale but no
/// rendered fields (and a template that would fail to render is not
/// noticed). Everything else — entries, skips, deferrals, waits, endings,
/// the customer at the end — is what [`simulate`] gives. This is the
/// replay of recorded histories over whole populations, which counts
/// sends; rendering the texts is most of the cost of a send.
pub fn replay(
    plan: &Plan,
    customer: Customer,
    inputs: Vec<Input>,
    options: &Options,
) -> Simulation {
    run(plan, customer, inputs, options, None, None)
}

fn run(
    plan: &Plan,
    customer: Customer,
    mut inputs: Vec<Input>,
    options: &Options,
    renderer: Option<&Renderer>,
    switch: Option<&Switch>,
) -> Simulation {
    // A recorded history is in time order already.
    if !inputs.is_sorted_by_key(|i| i.at) {
        inputs.sort_by_key(|i| i.at);
    }
    let mut sim = Sim::new(plan, customer, options, renderer);
    // Each input is a line of the timeline, and most journeys add a few
    // more: one allocation instead of a growing vector's four or five.
    sim.timeline.entries.reserve(2 * inputs.len() + 8);
    sim.switch = switch;
    sim.run_loop(&inputs);
    Simulation {
        timeline: sim.timeline,
        customer: sim.customer,
    }
}

/// Where a running journey is parked.
#[derive(Clone, Debug)]
pub(super) enum Park {
    /// At a `wait` or `wait_until` node since `started`.
    Wait {
        until: Zoned,
        next: Option<String>,
        node: String,
        started: Zoned,
    },
    WaitFor {
        node: String,
        until: Zoned,
        started: Zoned,
    },
    Deferred {
        node: String,
        until: Zoned,
    },
}

impl Park {
    /// The node the journey is parked at.
    pub(super) fn node(&self) -> &str {
        match self {
            Park::Wait { node, .. } | Park::WaitFor { node, .. } | Park::Deferred { node, .. } => {
                node
            }
        }
    }

    fn until(&self) -> &Zoned {
        match self {
            Park::Wait { until, .. }
            | Park::WaitFor { until, .. }
            | Park::Deferred { until, .. } => until,
        }
    }
}

/// A customer's current pass through the campaign.
#[derive(Clone, Debug)]
pub(super) struct Journey {
    pub entry: Timestamp,
    /// Events in flow scope by name (trigger, received by `wait for`).
    pub in_scope: InScope,
    pub held_out: bool,
    pub park: Option<Park>,
}

/// The simulator's whole state.
pub(super) struct Sim<'a> {
    pub plan: &'a Plan,
    /// `None` in a [`replay`]: sends are not rendered.
    pub renderer: Option<&'a Renderer>,
    pub options: &'a Options,
    pub customer: Customer,
    pub timeline: Timeline,
    pub journey: Option<Journey>,
    /// How many times the customer entered.
    pub entries: u32,
    pub last_end: Option<Timestamp>,
    /// Every send the cap counts (held-out sends included, so the control
    /// group keeps the treatment's timing).
    pub sends: Vec<Zoned>,
    /// The customer's marketing sends from every campaign of the run, for
    /// the project's `pressure` (a run of several campaigns shares them;
    /// see [`super::together`]).
    pub marketing_sends: Vec<Zoned>,
    pub pressure: Option<Pressure>,
    pub window: Option<SendWindow>,
    pub cap: Option<Cap>,
    schedule: Option<Schedule>,
    next_firing: Option<Zoned>,
    /// Whether the schedule fired at least once.
    fired: bool,
    /// For `enters SEGMENT`: membership at the last check.
    pub member: bool,
    next_check: Option<Zoned>,
    /// The plan whose `enters` segment does not read the clock
    /// ([`eval::reads`]): its membership changes only with an input
    /// or a step, which re-check it, so the hourly re-check is left out
    /// while this plan runs (it would find the same membership).
    static_segment: Option<&'a Plan>,
    /// A plan switch still to come.
    pub switch: Option<&'a Switch>,
    /// The switch removed the campaign: nobody enters any more.
    pub removed: bool,
    /// The end of the goal's anchored window, remembered between the
    /// checks of a journey.
    window_ends: eval::WindowEnds,
    /// Whether each input is a line of the timeline (an event arrived, an
    /// attribute set). A replay that only counts what the campaign did
    /// ([`super::together::replay_together`]) leaves them out.
    pub echo_inputs: bool,
    /// Whether a trigger that fired without an entry is a line of the
    /// timeline ("not in the audience", "already in the campaign"). The
    /// same replay leaves these out too: a weekly sweep refuses most of a
    /// population every week, and nothing counts the refusals.
    pub echo_refusals: bool,
}

impl<'a> Sim<'a> {
    pub(super) fn new(
        plan: &'a Plan,
        customer: Customer,
        options: &'a Options,
        renderer: Option<&'a Renderer>,
    ) -> Self {
        let window = plan.policies.send_window.as_ref().and_then(|w| {
            Some(SendWindow {
                open: parse_clock(&w.start)?,
                close: parse_clock(&w.end)?,
            })
        });
        let cap = plan.policies.cap.map(|c| Cap {
            count: c.count,
            per: c.per,
        });
        let schedule = match &plan.trigger {
            Trigger::Every {
                period,
                weekday,
                day_of_month,
                at,
            } => parse_clock(at).map(|at| match period {
                Period::Day => Schedule::Daily { at },
                Period::Week => Schedule::Weekly {
                    day: clock::civil_weekday_of_plan(
                        weekday.unwrap_or(crate::plan::format::Weekday::Monday),
                    ),
                    at,
                },
                Period::Month => Schedule::Monthly {
                    day: day_of_month.unwrap_or(1),
                    at,
                },
            }),
            _ => None,
        };
        let start = customer.zoned(options.start);
        let next_firing = schedule.and_then(|s| s.first_at_or_after(&start).ok());
        let mut sim = Sim {
            plan,
            renderer,
            options,
            customer,
            timeline: Timeline::default(),
            journey: None,
            entries: 0,
            last_end: None,
            sends: Vec::new(),
            marketing_sends: Vec::new(),
            pressure: (plan.policies.pressure)
                .filter(|_| !options.without_pressure)
                .map(|p| Pressure {
                    count: p.count,
                    per: p.per,
                }),
            window,
            cap,
            schedule,
            next_firing,
            fired: false,
            member: false,
            next_check: None,
            static_segment: None,
            switch: None,
            removed: false,
            window_ends: eval::WindowEnds::default(),
            echo_inputs: true,
            echo_refusals: true,
        };
        if let Trigger::Enters { segment } = &plan.trigger {
            sim.member = sim.in_segment(segment, &start);
            sim.next_check = next_hour(&start);
            let expr = crate::plan::format::Expr::Segment {
                name: segment.clone(),
            };
            if !eval::reads(plan, &expr, 0).clock {
                sim.static_segment = Some(plan);
            }
        }
        sim
    }

    fn run_loop(&mut self, inputs: &[Input]) {
        let mut next_input = 0;
        // Every iteration consumes an input or moves a timer strictly
        // forward; the bound only guards against a malformed plan.
        for _ in 0..1_000_000 {
            let Some((which, at)) = self.next_occurrence(inputs, next_input) else {
                break;
            };
            self.occur(which, at, inputs, &mut next_input);
        }
        self.finish();
    }

    /// What happens next and when (see [`Self::occur`] for the kinds), or
    /// `None` when the run is over.
    pub(super) fn next_occurrence(
        &self,
        inputs: &[Input],
        next_input: usize,
    ) -> Option<(usize, Timestamp)> {
        let input_at = inputs.get(next_input).map(|i| i.at);
        let [timer_at, firing_at, check_at, switch_at] = self.timers();
        let candidates = [input_at, timer_at, firing_at, check_at, switch_at];
        // The earliest, and of those due at once the first by rank: a
        // strictly earlier one replaces the best, visited in rank order.
        let mut best: Option<(usize, Timestamp)> = None;
        for which in BY_RANK {
            if let Some(t) = candidates[which] {
                if best.is_none_or(|(_, at)| t < at) {
                    best = Some((which, t));
                }
            }
        }
        let (which, at) = best?;
        if which == 4 {
            return Some((which, at));
        }
        if at > self.options.horizon && which != 0 {
            return None;
        }
        let idle = next_input >= inputs.len() && self.journey.is_none();
        let first_firing = which == 2 && !self.fired;
        if idle && at > self.options.until && !first_firing {
            return None;
        }
        Some((which, at))
    }

    /// When each occurrence other than an input is next due (occurrences
    /// 1 to 4 of [`Self::occur`]: the journey's timer, the schedule, the
    /// segment re-check and the plan switch), `None` for those not due.
    fn timers(&self) -> [Option<Timestamp>; 4] {
        let timer_at = self
            .journey
            .as_ref()
            .and_then(|j| j.park.as_ref())
            .map(|p| p.until().timestamp());
        let later = self.can_enter_later();
        let firing_at = self
            .next_firing
            .as_ref()
            .filter(|_| later)
            .map(|z| z.timestamp());
        // A plan switch still to come, or one that happened, may change
        // the segment: then every hourly check runs.
        let static_segment = self.switch.is_none()
            && self
                .static_segment
                .is_some_and(|p| std::ptr::eq(p, self.plan));
        let check_at = self
            .next_check
            .as_ref()
            .filter(|_| later && !static_segment)
            .map(|z| z.timestamp());
        let switch_at = self.switch.map(|s| s.at);
        [timer_at, firing_at, check_at, switch_at]
    }

    /// Takes in one go the inputs, from `next_input` on, that would only
    /// be recorded in the customer's history: events that are not the
    /// trigger, reaching a run with no journey, whose inputs are not
    /// timeline lines ([`Self::echo_inputs`]), and which is not waiting
    /// for a segment (`enters` re-checks the segment at every input).
    ///
    /// Each is what [`Self::occur`] would do with it, in the same order
    /// (an input taken here comes before the run's next timer, firing or
    /// check, or at the same instant, where inputs go first). Nothing
    /// another run sees changes, so a run of several campaigns
    /// ([`super::together`]) need not interleave them with the others'
    /// occurrences: a replay of a long history mostly meets events no
    /// campaign waits for.
    pub(super) fn skip_unheard_inputs(&mut self, inputs: &[Input], next_input: &mut usize) {
        if self.echo_inputs || self.journey.is_some() || self.switch.is_some() {
            return;
        }
        let trigger = match &self.plan.trigger {
            Trigger::Event { event, .. } => Some(event.as_str()),
            Trigger::Changed { .. } | Trigger::Every { .. } => None,
            Trigger::Enters { .. } => return,
        };
        let [_, firing_at, check_at, _] = self.timers();
        let due = [firing_at, check_at].into_iter().flatten().min();
        while let Some(input) = inputs.get(*next_input) {
            let InputKind::Event { name, props } = &input.kind else {
                return;
            };
            let heard = trigger.is_some_and(|t| **name == *t);
            // After `until` an idle run is over (see `next_occurrence`).
            let late = input.at > self.options.until || due.is_some_and(|d| input.at > d);
            if heard || late {
                return;
            }
            self.customer.record_event(PastEvent {
                name: name.clone(),
                at: input.at,
                props: props.clone(),
            });
            *next_input += 1;
        }
    }

    /// Makes the occurrence `which` (0 the next input, 1 the journey's
    /// timer, 2 the schedule, 3 the segment re-check, 4 the plan switch)
    /// happen at `at`.
    pub(super) fn occur(
        &mut self,
        which: usize,
        at: Timestamp,
        inputs: &[Input],
        next_input: &mut usize,
    ) {
        let now = self.customer.zoned(at);
        self.occur_at(which, &now, inputs, next_input);
    }

    /// [`Self::occur`] at `now`, the occurrence's instant in the
    /// customer's time zone.
    pub(super) fn occur_at(
        &mut self,
        which: usize,
        now: &Zoned,
        inputs: &[Input],
        next_input: &mut usize,
    ) {
        match which {
            0 => {
                self.on_input(&inputs[*next_input], now);
                *next_input += 1;
            }
            1 => self.on_timer(now),
            2 => {
                self.fired = true;
                self.next_firing = self.schedule.and_then(|s| s.next_after(now).ok());
                self.try_enter(now, InScope::default(), true);
            }
            3 => {
                self.next_check = next_hour(now);
                self.recheck_segment(now);
            }
            _ => {
                if let Some(switch) = self.switch.take() {
                    self.switch_plan(switch, now);
                }
            }
        }
    }

    /// Ends the run: a journey still running is reported as stopped.
    pub(super) fn finish(&mut self) {
        if let Some(j) = &self.journey {
            let at = j
                .park
                .as_ref()
                .map(|p| p.until().clone())
                .unwrap_or_else(|| self.customer.zoned(self.options.horizon));
            let stopped = self
                .customer
                .zoned(self.options.horizon.min(at.timestamp()));
            self.timeline.push(
                &stopped,
                None,
                Happening::Stopped {
                    why: "the simulation's time limit was reached while the journey was still running"
                        .into(),
                },
            );
        }
    }

    /// Whether a schedule firing or a segment check could still start a
    /// journey.
    fn can_enter_later(&self) -> bool {
        if self.removed {
            return false;
        }
        match self.plan.reentry {
            Reentry::Never => self.entries == 0,
            Reentry::After { .. } => true,
        }
    }

    fn on_input(&mut self, input: &Input, now: &Zoned) {
        match &input.kind {
            InputKind::Event { name, props } => {
                if self.echo_inputs {
                    self.timeline.push(
                        now,
                        None,
                        Happening::EventArrived {
                            event: name.clone(),
                        },
                    );
                }
                self.customer.record_event(PastEvent {
                    name: name.clone(),
                    at: input.at,
                    props: props.clone(),
                });
                if self.journey.is_some() && !self.check_end(now) {
                    self.deliver_to_wait_for(name, props, now);
                }
                if let Trigger::Event { event, filter } = &self.plan.trigger {
                    if **event == **name {
                        let in_scope = InScope::one(name.clone(), props.clone());
                        let r = self
                            .scope(now, Some(input.at), &in_scope, false)
                            .filter_holds(filter.as_ref(), props);
                        if self.condition(now, None, r) {
                            self.try_enter(now, in_scope, false);
                        }
                    }
                }
            }
            InputKind::Set { attr, value } => {
                if self.echo_inputs {
                    self.timeline.push(
                        now,
                        None,
                        Happening::AttrChanged {
                            attr: attr.clone(),
                            value: value.display(),
                        },
                    );
                }
                let old = self.customer.attr(attr).clone();
                self.customer.set_attr(attr, value.clone());
                if self.journey.is_some() {
                    self.check_end(now);
                }
                if let Trigger::Changed { attribute, to } = &self.plan.trigger {
                    let changed = old != *value;
                    let matches = to.as_ref().is_none_or(|to| {
                        eval::compare(
                            value,
                            crate::plan::format::CompareOp::Eq,
                            &eval::literal(to),
                        )
                    });
                    if attribute == attr && changed && matches {
                        self.try_enter(now, InScope::default(), false);
                    }
                }
            }
        }
        self.recheck_segment(now);
    }

    /// An event reaching a journey parked at a matching `wait for`.
    fn deliver_to_wait_for(&mut self, name: &Arc<str>, props: &Arc<Val>, now: &Zoned) {
        let Some(Journey {
            park: Some(Park::WaitFor { node, .. }),
            ..
        }) = &self.journey
        else {
            return;
        };
        let node = node.clone();
        let Some(crate::plan::format::Node::WaitFor {
            event,
            filter,
            on_event,
            ..
        }) = self.plan.nodes.get(&node)
        else {
            return;
        };
        if **event != **name {
            return;
        }
        let r = self
            .journey_scope(now, false)
            .map(|scope| scope.filter_holds(filter.as_ref(), props));
        if !r.is_some_and(|r| self.condition(now, Some(&node), r)) {
            return;
        }
        let next = on_event.as_deref();
        if let Some(j) = &mut self.journey {
            j.park = None;
            j.in_scope.insert(name.clone(), props.clone());
        }
        self.timeline.push(
            now,
            Some(&node),
            Happening::Received {
                event: String::from(&**name),
            },
        );
        self.run(next, now, None);
    }

    fn on_timer(&mut self, now: &Zoned) {
        let Some(park) = self.journey.as_mut().and_then(|j| j.park.take()) else {
            return;
        };
        match park {
            Park::Wait { next, .. } => self.run(next.as_deref(), now, None),
            Park::WaitFor { node, .. } => {
                let (event, next) = match self.plan.nodes.get(&node) {
                    Some(crate::plan::format::Node::WaitFor {
                        event, on_timeout, ..
                    }) => (event.clone(), on_timeout.clone()),
                    _ => (String::new(), None),
                };
                self.timeline
                    .push(now, Some(&node), Happening::TimedOut { event });
                self.run(next.as_deref(), now, None);
            }
            Park::Deferred { node, .. } => self.run(Some(&node), now, Some(&node)),
        }
    }

    /// An evaluation scope at `now`.
    pub(super) fn scope<'s>(
        &'s self,
        now: &'s Zoned,
        entry: Option<Timestamp>,
        in_scope: &'s InScope,
        goal_anchor: bool,
    ) -> Scope<'s> {
        Scope {
            plan: self.plan,
            customer: &self.customer,
            now,
            entry,
            in_scope,
            goal_anchor,
            window_ends: Some(&self.window_ends),
        }
    }
}

/// The order of occurrences at one instant: the switch first (a deploy at
/// T: what happens at T happens under the new plan), then inputs (an event
/// at exactly a timeout is in time), the journey's timer, the schedule and
/// the segment re-check.
pub(super) const fn occurrence_rank(which: usize) -> usize {
    (which + 1) % 5
}

/// The occurrences in [`occurrence_rank`] order (checked against it when
/// compiling).
const BY_RANK: [usize; 5] = [4, 0, 1, 2, 3];
const _: () = {
    let mut rank = 0;
    while rank < BY_RANK.len() {
        assert!(occurrence_rank(BY_RANK[rank]) == rank);
        rank += 1;
    }
};

/// `HH:MM` as minutes after midnight.
pub(super) fn parse_clock(text: &str) -> Option<u32> {
    let digit = |b: u8| u32::from(b - b'0');
    let (h, m): (u32, u32) = match *text.as_bytes() {
        // The plan's own form, read without splitting and parsing.
        [h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(u8::is_ascii_digit) => {
            (digit(h1) * 10 + digit(h2), digit(m1) * 10 + digit(m2))
        }
        _ => {
            let (h, m) = text.split_once(':')?;
            (h.parse().ok()?, m.parse().ok()?)
        }
    };
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// The next full hour strictly after `now`.
fn next_hour(now: &Zoned) -> Option<Zoned> {
    let secs = now.timestamp().as_second();
    let next = (secs.div_euclid(3600) + 1) * 3600;
    Timestamp::from_second(next)
        .ok()
        .map(|t| t.to_zoned(now.time_zone().clone()))
}
