//! `campaignc forecast`: what the campaigns would have done over a
//! recorded history. Every customer of a population
//! ([`crate::population::read`]) is replayed through each campaign by the
//! reference simulator ([`crate::simulate::journey::simulate`]), customers
//! in parallel, and the timelines are counted into a [`Report`]. Counts are
//! sums, so the report is the same on any number of threads.
//!
//! docs/forecast.md is the user-facing description; in short, for the
//! period `--from`..=`--to` (UTC days):
//! - entries, sends (by day, message, channel and locale), skipped sends
//!   by the simulator's reason and deferrals by reason are counted when
//!   they happen inside the period;
//! - outcomes (conversions, exits, completions) and the time spent parked
//!   in each step are counted for the journeys that *entered* inside the
//!   period, using the customer's real later events (the file may go on
//!   after `--to`; the clock runs to the customer's last event);
//! - events before `--from` are history: segments and conditions see them,
//!   they start no journey.
//!
//! - [`chart`]: the SVG chart of sends per day per channel;
//! - [`output`]: the report as text, JSON and CSV.

pub mod chart;
pub mod output;
pub mod partial;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;
use jiff::Timestamp;
use rayon::prelude::*;

use crate::plan::format::{ChannelFacts, CustomerFacts, Expr, Node, Plan, Trigger};
use crate::population::read::{Batch, EventRecord, Member, PopulationError, Reader};
use crate::simulate::customer::{event_props, Customer, History, PastEvent};
use crate::simulate::journey::{Forced, Input, InputKind, Options};
use crate::simulate::policy::DeferReason;
use crate::simulate::shut_out;
use crate::simulate::timeline::{Happening, Outcome, Timeline};
use crate::simulate::together::{replay_together, simulate_together};
use crate::template::Renderer;

/// The replayed days, both included, as UTC calendar days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// The first instant of the period.
    pub fn start(&self) -> Timestamp {
        utc_midnight(self.from)
    }

    /// The first instant after the period.
    pub fn end(&self) -> Timestamp {
        self.to
            .tomorrow()
            .map(utc_midnight)
            .unwrap_or(Timestamp::MAX)
    }
}

fn utc_midnight(day: Date) -> Timestamp {
    jiff::tz::Offset::UTC
        .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(Timestamp::MIN)
}

/// The UTC day of an instant.
fn day_of(at: Timestamp) -> Date {
    jiff::tz::Offset::UTC.to_datetime(at).date()
}

/// One send's key: day, message, channel, locale.
pub type SendKey = (Date, String, String, String);

/// A [`SendKey`] or its borrowed parts: a count is found in its map by the
/// parts of a send without making the key's three strings first (they are
/// made only for a key not counted yet).
trait SendKeyParts {
    fn parts(&self) -> (Date, &str, &str, &str);
}

impl SendKeyParts for SendKey {
    fn parts(&self) -> (Date, &str, &str, &str) {
        (self.0, &self.1, &self.2, &self.3)
    }
}

impl SendKeyParts for (Date, &str, &str, &str) {
    fn parts(&self) -> (Date, &str, &str, &str) {
        *self
    }
}

impl<'a> std::borrow::Borrow<dyn SendKeyParts + 'a> for SendKey {
    fn borrow(&self) -> &(dyn SendKeyParts + 'a) {
        self
    }
}

// The order of the parts, which is the order of `SendKey` (a tuple's
// order is its parts' in turn, and a `String`'s is its text's).
impl PartialEq for dyn SendKeyParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn SendKeyParts + '_ {}

impl PartialOrd for dyn SendKeyParts + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn SendKeyParts + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// Adds one to the count of a send; the key is made only when new.
fn count_send(sends: &mut BTreeMap<SendKey, u64>, parts: (Date, &str, &str, &str)) {
    match sends.get_mut(&parts as &dyn SendKeyParts) {
        Some(n) => *n += 1,
        None => {
            let (day, message, channel, locale) = parts;
            let key = (day, message.into(), channel.into(), locale.into());
            sends.insert(key, 1);
        }
    }
}

/// Adds one to the count of `name`; the key is made only when new.
fn count_one(counts: &mut BTreeMap<String, u64>, name: &str) {
    match counts.get_mut(name) {
        Some(n) => *n += 1,
        None => {
            counts.insert(name.to_string(), 1);
        }
    }
}

/// Adds one to the count of (`message`, `reason`); the key is made only
/// when new. A report holds a few messages times a few reasons: they are
/// looked through.
fn count_reason(counts: &mut BTreeMap<(String, String), u64>, message: &str, reason: &str) {
    let found = counts
        .iter_mut()
        .find(|((m, r), _)| m == message && r == reason);
    match found {
        Some((_, n)) => *n += 1,
        None => {
            counts.insert((message.to_string(), reason.to_string()), 1);
        }
    }
}

/// What one campaign did over the period. Every field is a sum over
/// customers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CampaignReport {
    /// Entries per day.
    pub entries: BTreeMap<Date, u64>,
    /// Delivered sends per (day, message, channel, locale).
    pub sends: BTreeMap<SendKey, u64>,
    /// Skipped sends per (message, reason): the simulator's stable reason
    /// names (`no_consent`, `no_address`, `held_out`, `cap`, …).
    pub skipped: BTreeMap<(String, String), u64>,
    /// Deferred sends per (message, reason): `send_window` or `cap`.
    pub deferred: BTreeMap<(String, String), u64>,
    /// How the journeys entered in the period ended: `converted`,
    /// `exited`, `completed`, or `running` (still going when the history
    /// ends).
    pub outcomes: BTreeMap<String, u64>,
    /// Per step (node id): how many times a journey was parked there, and
    /// for how many seconds in all.
    pub steps: BTreeMap<String, StepTime>,
    /// Sends that could not be rendered and values that could not be
    /// computed.
    pub errors: u64,
}

/// Time spent parked at one step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepTime {
    pub visits: u64,
    pub seconds: i64,
}

impl CampaignReport {
    /// Entries in the whole period.
    pub fn total_entries(&self) -> u64 {
        self.entries.values().sum()
    }

    /// Delivered sends in the whole period.
    pub fn total_sends(&self) -> u64 {
        self.sends.values().sum()
    }

    /// Journeys entered in the period that reached the goal.
    pub fn conversions(&self) -> u64 {
        self.outcomes.get("converted").copied().unwrap_or(0)
    }

    fn merge(&mut self, mut other: CampaignReport) {
        add_all(&mut self.entries, other.entries);
        add_all(&mut self.sends, other.sends);
        add_all(&mut self.skipped, other.skipped);
        add_all(&mut self.deferred, other.deferred);
        add_all(&mut self.outcomes, other.outcomes);
        if other.steps.len() > self.steps.len() {
            std::mem::swap(&mut self.steps, &mut other.steps);
        }
        for (node, t) in other.steps {
            let mine = self.steps.entry(node).or_default();
            mine.visits += t.visits;
            mine.seconds += t.seconds;
        }
        self.errors += other.errors;
    }
}

/// Adds the counts of `from` to `into`, going through the smaller of the
/// two (a batch's counts are merged into the run's, which hold every day
/// and message seen so far).
fn add_all<K: Ord>(into: &mut BTreeMap<K, u64>, mut from: BTreeMap<K, u64>) {
    if from.len() > into.len() {
        std::mem::swap(into, &mut from);
    }
    for (k, v) in from {
        *into.entry(k).or_insert(0) += v;
    }
}

/// The whole forecast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub period: Period,
    /// Customers replayed.
    pub customers: u64,
    /// Events read (all of them, before, in and after the period).
    pub events: u64,
    /// One report per campaign, in the order asked for.
    pub campaigns: Vec<(String, CampaignReport)>,
    /// Per campaign: step id → a short description (`send welcome`,
    /// `wait 2d`), for output.
    pub steps: BTreeMap<String, BTreeMap<String, String>>,
    /// Per campaign: its plan's `hash` (partials of different versions of
    /// a campaign do not merge).
    pub hashes: BTreeMap<String, String>,
}

/// The part of a report that customers add to: campaign reports in the
/// order of the plans.
#[derive(Clone, Debug, Default)]
struct Totals {
    customers: u64,
    events: u64,
    campaigns: Vec<CampaignReport>,
}

impl Totals {
    fn new(n: usize) -> Totals {
        Totals {
            customers: 0,
            events: 0,
            campaigns: vec![CampaignReport::default(); n],
        }
    }

    fn merge(mut self, other: Totals) -> Totals {
        self.customers += other.customers;
        self.events += other.events;
        for (mine, theirs) in self.campaigns.iter_mut().zip(other.campaigns) {
            mine.merge(theirs);
        }
        self
    }
}

/// The plans `names` asks for, in that order (`all`: every plan). An
/// unknown name is an error with a "did you mean".
pub fn select(plans: &[Plan], names: &[String]) -> Result<Vec<Plan>, String> {
    if names.iter().any(|n| n == "all") {
        return Ok(plans.to_vec());
    }
    let mut picked: Vec<Plan> = Vec::new();
    for name in names {
        let Some(plan) = plans.iter().find(|p| &p.campaign == name) else {
            let known = plans.iter().map(|p| p.campaign.as_str());
            return Err(format!(
                "no campaign `{name}`{}",
                crate::simulate::input::suggest(name, known)
            ));
        };
        if !picked.iter().any(|p| &p.campaign == name) {
            picked.push(plan.clone());
        }
    }
    Ok(picked)
}

/// The event properties the expressions of `plans` read, as (event,
/// property) pairs; an event read as a whole (no property named) has the
/// pair (event, `*`). Without `--render` a replay reads properties only
/// through expressions (an `event.*` field, or `sum` of a property), so a
/// population reader need not build the others
/// ([`crate::population::read::Population::keep_properties`]); the
/// templates, which may read any of them, are only rendered with
/// `--render`.
pub fn properties_read(plans: &[Plan]) -> PropertiesRead {
    let mut read = BTreeSet::new();
    for plan in plans {
        for expr in plan.expressions() {
            expr.walk(&mut |e| match e {
                Expr::EventField { event, path, .. } => {
                    let property = path.first().map_or("*", String::as_str);
                    read.insert((event.clone(), property.to_string()));
                }
                Expr::Sum {
                    event, property, ..
                } => {
                    read.insert((event.clone(), property.clone()));
                }
                _ => {}
            });
        }
    }
    PropertiesRead(read)
}

/// The customer attributes a replay of `plans` reads without `--render`:
/// those the expressions read, the ones that give a customer's locale and
/// time zone, each channel's address and consent, the consent gate of each
/// send, and those a trigger watches or a step sets. The templates read
/// any attribute, but are only rendered with `--render`.
pub fn attributes_read(plans: &[Plan]) -> BTreeSet<String> {
    let mut read = BTreeSet::new();
    for plan in plans {
        for expr in plan.expressions() {
            expr.walk(&mut |e| {
                if let Expr::Attr { name, .. } = e {
                    read.insert(name.clone());
                }
            });
        }
        let CustomerFacts {
            locale,
            timezone,
            channels,
        } = &plan.customer;
        read.extend(locale.attribute.iter().chain(&timezone.attribute).cloned());
        for ChannelFacts { address, consent } in channels.values() {
            read.extend(address.iter().chain(consent).cloned());
        }
        if let Trigger::Changed { attribute, .. } = &plan.trigger {
            read.insert(attribute.clone());
        }
        for node in plan.nodes.values() {
            match node {
                Node::Send {
                    consent: Some(gate),
                    ..
                } => {
                    read.insert(gate.attribute.clone());
                }
                Node::Set { attribute, .. } => {
                    read.insert(attribute.clone());
                }
                _ => {}
            }
        }
    }
    read
}

/// See [`properties_read`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PropertiesRead(pub BTreeSet<(String, String)>);

impl PropertiesRead {
    /// Whether `property` of `event` is read.
    pub fn reads(&self, event: &str, property: &str) -> bool {
        let has = |p: &str| self.0.contains(&(event.to_string(), p.to_string()));
        has(property) || has("*")
    }
}

/// How many customers are read before they are replayed in parallel.
const BATCH: usize = 4096;

/// Replays every member of `population` through `plans` over `period`.
/// With `renderer`, every send is rendered (and one that cannot be is an
/// error in the report); without, sends are counted unrendered
/// ([`crate::simulate::together::replay_together`]), which is what makes a
/// population of millions fast. `progress` is told the number of customers
/// replayed so far after each batch. The first error in the files (in
/// the files' order) stops the run.
pub fn forecast<R: Reader>(
    plans: &[Plan],
    population: &mut R,
    period: Period,
    renderer: Option<&Renderer>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report, PopulationError> {
    let mut totals = Totals::new(plans.len());
    let mut current = population.next_batch(BATCH)?;
    while let Some(batch) = current {
        // Reading the next batch overlaps replaying this one.
        let (next, part) = rayon::join(
            || population.next_batch(BATCH),
            || replay_batch(plans, &batch, period, renderer),
        );
        population.recycle(batch);
        totals = totals.merge(part?);
        progress(totals.customers);
        current = next?;
    }
    Ok(report(plans, period, totals))
}

/// The report of `totals`, counted for `plans`.
fn report(plans: &[Plan], period: Period, totals: Totals) -> Report {
    Report {
        period,
        customers: totals.customers,
        events: totals.events,
        campaigns: plans
            .iter()
            .map(|p| p.campaign.clone())
            .zip(totals.campaigns)
            .collect(),
        steps: plans
            .iter()
            .map(|p| (p.campaign.clone(), step_names(p)))
            .collect(),
        hashes: plans
            .iter()
            .map(|p| (p.campaign.clone(), p.hash.clone()))
            .collect(),
    }
}

/// The members of one batch, parsed and replayed in parallel. The error
/// of the first member (in the batch's order) that has one wins, so the
/// error reported does not depend on the threads.
fn replay_batch<B: Batch>(
    plans: &[Plan],
    batch: &B,
    period: Period,
    renderer: Option<&Renderer>,
) -> Result<Totals, PopulationError> {
    type Part = (Totals, Option<(usize, PopulationError)>);
    let first_error =
        |a: Option<(usize, PopulationError)>, b: Option<(usize, PopulationError)>| match (a, b) {
            (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
    // Each piece a thread takes adds a report to merge: a few pieces per
    // thread keep the threads busy without merging hundreds of reports.
    let pieces = 32 * rayon::current_num_threads();
    let (totals, error) = (0..batch.len())
        .into_par_iter()
        .with_min_len(batch.len().div_ceil(pieces).max(1))
        .fold(
            || -> Part { (Totals::new(plans.len()), None) },
            |(mut totals, error), i| match batch.member(i) {
                Ok(member) => {
                    totals.customers += 1;
                    totals.events += member.events.len() as u64;
                    replay(plans, member, period, renderer, &mut totals.campaigns);
                    (totals, error)
                }
                Err(e) => (totals, first_error(error, Some((i, e)))),
            },
        )
        .reduce(
            || (Totals::new(plans.len()), None),
            |(a, ea), (b, eb)| (a.merge(b), first_error(ea, eb)),
        );
    match error {
        Some((_, e)) => Err(e),
        None => Ok(totals),
    }
}

/// Whether `plan` can start a journey for a customer with `events` in a
/// replay that starts at `start`, as far as the events decide (the
/// attributes decide in [`shut_out`]). An event trigger needs that event
/// at or after `start` (earlier events are history); `changed ATTR` needs
/// an attribute set from outside, which a population's events never are.
/// A plan that cannot start a journey sends nothing (so it takes no room
/// under the project's `pressure` either) and adds nothing to the report:
/// leaving it out changes no number.
fn can_enter(plan: &Plan, events: &[EventRecord], start: Timestamp) -> bool {
    match &plan.trigger {
        Trigger::Event { event, .. } => events
            .iter()
            .rev()
            .take_while(|e| e.at >= start)
            .any(|e| *e.event == **event),
        Trigger::Changed { .. } => false,
        Trigger::Every { .. } | Trigger::Enters { .. } => true,
    }
}

/// One customer through `plans` together (sharing the project's
/// `pressure`, as `campaignc simulate` does with several campaigns),
/// counted into `reports` (one per plan).
fn replay(
    plans: &[Plan],
    member: Member,
    period: Period,
    renderer: Option<&Renderer>,
    reports: &mut [CampaignReport],
) {
    let start = period.start();
    let end = period.end();
    let Member {
        customer,
        mut events,
    } = member;
    // One customer, copied for each campaign (the plans of one project
    // read the same attributes for locale and time zone).
    let first = &plans[0].customer;
    let mut base = Customer::new(customer.id, customer.attrs, first);
    let start_here = base.zoned(start);
    let live: Vec<usize> = (0..plans.len())
        .filter(|&i| {
            can_enter(&plans[i], &events, start) && !shut_out(&plans[i], &base, &start_here)
        })
        .collect();
    if live.is_empty() {
        return;
    }
    // The readers check the order; a history is in time order whatever
    // gave it.
    if !events.is_sorted_by_key(|e| e.at) {
        events.sort_by_key(|e| e.at);
    }
    let last = events.last().map_or(end, |e| e.at);
    // The events before `start` are the past; the others are the inputs,
    // and each campaign's history records them as they arrive by
    // lengthening its prefix of this one shared list.
    let past = events.partition_point(|e| e.at < start);
    let all: Vec<PastEvent> = events
        .into_iter()
        .map(|e| PastEvent {
            name: e.event,
            at: e.at,
            props: event_props(e.props),
        })
        .collect();
    let inputs: Vec<Input> = all[past..]
        .iter()
        .map(|e| Input {
            at: e.at,
            kind: InputKind::Event {
                name: Arc::clone(&e.name),
                props: Arc::clone(&e.props),
            },
        })
        .collect();
    base.events = History::with_next(all, past);
    let mut base = Some(base);
    let mut runs: Vec<(&Plan, Customer)> = Vec::with_capacity(live.len());
    for (n, &i) in live.iter().enumerate() {
        let plan = &plans[i];
        let Some(shared) = &base else { break };
        let copy = if !Customer::made_alike(&plan.customer, first) {
            let mut c = Customer::new(shared.id.clone(), shared.attrs.clone(), &plan.customer);
            c.events = shared.events.clone();
            c
        } else if n + 1 == live.len() {
            let Some(last) = base.take() else { break };
            last
        } else {
            shared.clone()
        };
        runs.push((plan, copy));
    }
    let options = Options {
        start,
        until: end,
        horizon: last.max(end),
        forced: Forced::default(),
        without_pressure: false,
    };
    let timelines: Vec<Timeline> = match renderer {
        Some(renderer) => {
            let merged = simulate_together(runs, inputs, &options, renderer)
                .map(|sim| sim.timeline)
                .unwrap_or_default();
            split_by_campaign(merged, live.iter().map(|&i| plans[i].campaign.as_str()))
        }
        None => replay_together(runs, inputs, &options),
    };
    for (i, timeline) in live.into_iter().zip(timelines) {
        count(&timeline, period, &mut reports[i]);
    }
}

/// A merged timeline of several campaigns ([`simulate_together`]) as one
/// timeline per campaign, in the order of `campaigns` (the untagged input
/// lines, which the counting skips, are left out).
fn split_by_campaign<'c>(
    merged: Timeline,
    campaigns: impl Iterator<Item = &'c str>,
) -> Vec<Timeline> {
    let names: Vec<&str> = campaigns.collect();
    let mut out: Vec<Timeline> = names.iter().map(|_| Timeline::default()).collect();
    for entry in merged.entries {
        let Some(i) = entry
            .campaign
            .as_deref()
            .and_then(|c| names.iter().position(|n| *n == c))
        else {
            continue;
        };
        out[i].entries.push(entry);
    }
    out
}

/// Counts a timeline into `report` (see the module documentation for
/// what counts when).
fn count(timeline: &Timeline, period: Period, report: &mut CampaignReport) {
    let (start, end) = (period.start(), period.end());
    // Whether the current journey entered inside the period.
    let mut counted = false;
    // Where the current journey is parked, and since when.
    let mut parked: Option<(&str, Timestamp)> = None;
    for e in &timeline.entries {
        let at = e.at.timestamp();
        let inside = start <= at && at < end;
        let resumes = e.node.is_some()
            || matches!(e.what, Happening::Ended { .. } | Happening::Stopped { .. });
        if resumes {
            if let Some((node, since)) = parked.take() {
                if counted {
                    let t = match report.steps.get_mut(node) {
                        Some(t) => t,
                        None => report.steps.entry(node.to_string()).or_default(),
                    };
                    t.visits += 1;
                    t.seconds += at.as_second() - since.as_second();
                }
            }
        }
        let parks = matches!(
            e.what,
            Happening::Waiting { .. } | Happening::WaitingFor { .. } | Happening::Deferred { .. }
        );
        if let (true, Some(node)) = (parks, &e.node) {
            parked = Some((node, at));
        }
        match &e.what {
            Happening::Entered => {
                counted = inside;
                if inside {
                    *report.entries.entry(day_of(at)).or_insert(0) += 1;
                }
            }
            Happening::Sent {
                message,
                channel,
                locale,
                ..
            } if inside => {
                count_send(&mut report.sends, (day_of(at), message, channel, locale));
            }
            Happening::Skipped { message, reason } if inside => {
                count_reason(&mut report.skipped, message, reason.as_str());
            }
            Happening::Deferred {
                message, reason, ..
            } if inside => {
                let reason = match reason {
                    DeferReason::Window => "send_window",
                    DeferReason::Cap => "cap",
                };
                count_reason(&mut report.deferred, message, reason);
            }
            Happening::Ended { outcome, .. } => {
                if counted {
                    let name = match outcome {
                        Outcome::Converted => "converted",
                        Outcome::Exited => "exited",
                        Outcome::Completed => "completed",
                    };
                    count_one(&mut report.outcomes, name);
                }
                counted = false;
            }
            Happening::Stopped { .. } => {
                if counted {
                    count_one(&mut report.outcomes, "running");
                }
                counted = false;
            }
            Happening::RenderFailed { .. } | Happening::Error { .. } if inside => {
                report.errors += 1;
            }
            _ => {}
        }
    }
}

/// Each node of `plan` with a short description.
fn step_names(plan: &Plan) -> BTreeMap<String, String> {
    plan.nodes
        .iter()
        .map(|(id, node)| {
            let what = match node {
                Node::Send { message, .. } => format!("send {message}"),
                Node::Wait { duration, .. } => format!("wait {duration}"),
                Node::WaitUntil { time, .. } => format!("wait until {time}"),
                Node::WaitFor { event, .. } => format!("wait for {event}"),
                Node::Branch { .. } => "branch".into(),
                Node::Split { name, .. } => format!("split {name}"),
                Node::Set { attribute, .. } => format!("set {attribute}"),
                Node::Exit {} => "exit".into(),
            };
            (id.clone(), what)
        })
        .collect()
}
