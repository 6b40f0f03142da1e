//! `coverage.md`: the project's lifecycle stages crossed with the channels,
//! showing which campaigns reach customers of each stage on each channel,
//! and listing the empty cells as gaps; and, under a project-wide
//! `pressure`, each persona's marketing messages in a typical week against
//! the limit.

use super::mermaid::channel_key;
use crate::check::model::{Channel, Model, PersonaDef, Pressure};
use crate::check::resolve::DEFAULT_START;
use crate::digest::{Digest, Hasher};
use crate::plan::format::{Category, Plan, Trigger};
use crate::simulate::clock::{self, Duration};
use crate::simulate::customer::Customer;
use crate::simulate::journey::{simulate, Forced, Input, Options};
use crate::simulate::request::trigger_inputs;
use crate::simulate::timeline::Happening;
use crate::template::Renderer;
use jiff::Zoned;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// The coverage report in Markdown (ends with a newline).
pub fn coverage_markdown(stages: &[String], plans: &[Plan]) -> String {
    let cell = |stage: &str, channel: Channel| -> Vec<&str> {
        let mut names: Vec<&str> = plans
            .iter()
            .filter(|p| p.stage == stage)
            .filter(|p| {
                p.messages
                    .values()
                    .any(|m| channel_key(m.channel) == channel.as_str())
            })
            .map(|p| p.campaign.as_str())
            .collect();
        names.sort_unstable();
        names
    };
    let total = stages.len() * Channel::ALL.len();
    let mut covered = 0;
    let mut gaps = Vec::new();
    let mut table = String::from("| Stage |");
    for c in Channel::ALL {
        let _ = write!(table, " {} |", c.as_str());
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(Channel::ALL.len()));
    table.push('\n');
    for stage in stages {
        let _ = write!(table, "| `{stage}` |");
        for c in Channel::ALL {
            let names = cell(stage, c);
            if names.is_empty() {
                table.push_str(" — |");
                gaps.push(format!(
                    "- No campaign reaches `{stage}` customers by {}",
                    c.as_str()
                ));
            } else {
                covered += 1;
                let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let _ = write!(table, " {} |", list.join(", "));
            }
        }
        table.push('\n');
    }
    let mut out = String::from("# Lifecycle coverage\n\n");
    let _ = write!(out, "{covered} of {total} cells covered.\n\n");
    out.push_str(
        "Each cell lists the campaigns of that lifecycle stage that send on that channel.\n\n",
    );
    out.push_str(&table);
    out.push_str("\n## Gaps\n\n");
    if gaps.is_empty() {
        out.push_str("None: every stage is reached on every channel.\n");
    }
    for g in gaps {
        out.push_str(&g);
        out.push('\n');
    }
    out
}

/// How many days "a typical week" of the pressure section runs.
const WEEK_DAYS: i64 = 7;

/// `## Message pressure per persona`: for each persona, the campaigns it
/// would enter in its first week (each event-triggered campaign's trigger
/// event at the tests' default start, with the persona's sample payload;
/// scheduled and segment campaigns as they fire; no other events, so every
/// `wait for` takes its timeout: the main path), how many marketing
/// messages they would send in that week with the limit switched off, and
/// the most within any period of the limit, against it. Empty when the
/// project sets no `pressure`.
pub fn pressure_markdown(model: &Model, plans: &[Plan], renderer: &Renderer) -> String {
    pressure_markdown_cached(model, plans, None, renderer, &mut WeekCache::default())
}

/// [`pressure_markdown`], reusing the weeks in `cache` whose key is
/// unchanged. `keys[i]`, when given, must change whenever anything
/// `plans[i]`'s run for a persona reads changes: the plan, the personas,
/// the schema and the defaults (the live build's preview key is such a
/// key). Without keys nothing is reused.
///
/// With the limit switched off the campaigns do not interact (what they
/// share in a joint run is the send ledger the limit counts), so the
/// week is the union of each campaign's own week over the same inputs:
/// each is run on its own, in parallel, and only the campaigns an edit
/// touched are run again.
pub fn pressure_markdown_cached(
    model: &Model,
    plans: &[Plan],
    keys: Option<&[Digest]>,
    renderer: &Renderer,
    cache: &mut WeekCache,
) -> String {
    let Some(limit) = model.defaults.pressure else {
        cache.weeks.clear();
        return String::new();
    };
    let mut out = String::from("\n## Message pressure per persona\n\n");
    let _ = write!(
        out,
        "The project allows {} marketing messages per {} per customer (`pressure`). \
         For each persona: the campaigns it enters in its first week when it performs \
         each campaign's trigger event once (at {}, its local time) and nothing else, \
         and the marketing messages they would send without the limit.\n\n",
        limit.count,
        limit.per,
        DEFAULT_START.strftime("%A %Y-%m-%d %H:%M"),
    );
    if model.personas.is_empty() {
        cache.weeks.clear();
        out.push_str("No personas.\n");
        return out;
    }
    let _ = write!(
        out,
        "| Persona | Campaigns entered | Marketing messages in 7 days | Most within {} | Limit |\n\
         |---|---|---|---|---|\n",
        limit.per
    );
    let mut kept: HashMap<String, Weeks> = HashMap::with_capacity(model.personas.len());
    for persona in &model.personas {
        let Some(week) = PersonaWeek::of(model, persona, plans) else {
            out.push_str(&pressure_row(&persona.name, &BTreeSet::new(), &[], limit));
            continue;
        };
        // The persona's weeks of the last call, updated in place (most
        // campaigns keep theirs).
        let mut weeks = cache.weeks.remove(&persona.name).unwrap_or_default();
        let runs: Vec<(Option<Digest>, Arc<CampaignWeek>)> = plans
            .par_iter()
            .enumerate()
            .map(|(i, plan)| {
                let key = keys.map(|k| week.key(&k[i]));
                let cached = key.and_then(|key| {
                    weeks
                        .get(plan.campaign.as_str())
                        .filter(|(k, _)| *k == key)
                        .map(|(_, w)| Arc::clone(w))
                });
                let run =
                    cached.unwrap_or_else(|| Arc::new(week.run(model, persona, plan, renderer)));
                (key, run)
            })
            .collect();
        let mut entered = BTreeSet::new();
        let mut sends: Vec<Zoned> = Vec::new();
        for (plan, (key, run)) in plans.iter().zip(runs) {
            if run.entered {
                entered.insert(plan.campaign.clone());
            }
            sends.extend(run.sends.iter().cloned());
            match (key, weeks.get_mut(plan.campaign.as_str())) {
                (Some(key), Some(entry)) => *entry = (key, run),
                (Some(key), None) => {
                    weeks.insert(plan.campaign.clone(), (key, run));
                }
                (None, _) => {}
            }
        }
        if keys.is_none() {
            weeks.clear();
        } else if weeks.len() > plans.len() {
            let names: HashSet<&str> = plans.iter().map(|p| p.campaign.as_str()).collect();
            weeks.retain(|name, _| names.contains(name.as_str()));
        }
        if !weeks.is_empty() {
            kept.insert(persona.name.clone(), weeks);
        }
        // A stable sort: sends at one instant keep the campaigns' order.
        sends.sort_by_key(|s| s.timestamp());
        out.push_str(&pressure_row(&persona.name, &entered, &sends, limit));
    }
    cache.weeks = kept;
    out
}

/// One persona's row of the pressure table.
fn pressure_row(
    persona: &str,
    entered: &BTreeSet<String>,
    sends: &[Zoned],
    limit: Pressure,
) -> String {
    let entered: Vec<String> = entered.iter().map(|c| format!("`{c}`")).collect();
    let most = most_within(sends, limit.per);
    let verdict = if most > limit.count as usize {
        format!("**over** ({} per {})", limit.count, limit.per)
    } else {
        format!("within ({} per {})", limit.count, limit.per)
    };
    format!(
        "| `{persona}` | {} | {} | {most} | {verdict} |\n",
        if entered.is_empty() {
            "—".to_string()
        } else {
            entered.join(", ")
        },
        sends.len(),
    )
}

/// The weeks [`pressure_markdown_cached`] ran, by persona and campaign,
/// with the key each was run under.
#[derive(Default)]
pub struct WeekCache {
    weeks: HashMap<String, Weeks>,
}

/// One persona's weeks, by campaign, each with the key it was run under.
type Weeks = HashMap<String, (Digest, Arc<CampaignWeek>)>;

/// What one campaign does in one persona's first week, limit off.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignWeek {
    /// The persona entered the campaign.
    pub entered: bool,
    /// The instants of its marketing sends in the week, in time order.
    pub sends: Vec<Zoned>,
}

/// One persona's first week: when it starts and ends and what the
/// persona does in it (every event-triggered campaign's trigger, once).
pub struct PersonaWeek {
    options: Options,
    end: Zoned,
    inputs: Vec<Input>,
    /// A digest of the above, part of every run's cache key.
    digest: Digest,
}

impl PersonaWeek {
    /// The week of `persona` across `plans`; `None` when there is no plan
    /// or its start cannot be placed in the persona's zone.
    pub fn of(model: &Model, persona: &PersonaDef, plans: &[Plan]) -> Option<PersonaWeek> {
        let first = plans.first()?;
        let zone = Customer::of_persona(model, persona, first).time_zone;
        let start = DEFAULT_START.to_zoned(zone).ok()?;
        let mut inputs: Vec<Input> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        // A campaign's trigger inputs depend on its trigger event alone.
        let mut events: HashSet<&str> = HashSet::new();
        for plan in plans {
            if let Trigger::Event { event, .. } = &plan.trigger {
                if !events.insert(event) {
                    continue;
                }
            }
            for input in trigger_inputs(model, persona, plan, &start) {
                if seen.insert(format!("{input:?}")) {
                    inputs.push(input);
                }
            }
        }
        let end = clock::add(&start, Duration::new(WEEK_DAYS, 0)).ok()?;
        let options = Options {
            start: start.timestamp(),
            until: end.timestamp(),
            horizon: end.timestamp(),
            // The treatment group: what the campaigns send.
            forced: Forced {
                held_out: Some(false),
                splits: Vec::new(),
            },
            // Each campaign alone, with the limit off: what it would send.
            without_pressure: true,
        };
        let mut hasher = Hasher::new();
        hasher.text(&format!("{options:?} {inputs:?}"));
        Some(PersonaWeek {
            options,
            end,
            inputs,
            digest: hasher.finish(),
        })
    }

    /// What the persona does in the week, in time order of first use.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// The week's clock: from the start to seven days later.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The cache key of `plan`'s run, from the plan's own key.
    fn key(&self, plan_key: &Digest) -> Digest {
        let mut hasher = Hasher::new();
        hasher.part(plan_key).part(&self.digest);
        hasher.finish()
    }

    /// Runs `plan` alone, with the limit off, through the week.
    pub fn run(
        &self,
        model: &Model,
        persona: &PersonaDef,
        plan: &Plan,
        renderer: &Renderer,
    ) -> CampaignWeek {
        let customer = Customer::of_persona(model, persona, plan);
        let sim = simulate(plan, customer, self.inputs.clone(), &self.options, renderer);
        let mut week = CampaignWeek::default();
        for e in &sim.timeline.entries {
            match &e.what {
                Happening::Entered => week.entered = true,
                Happening::Sent { message, .. }
                    if e.at.timestamp() < self.end.timestamp()
                        && plan
                            .messages
                            .get(message)
                            .is_some_and(|m| m.category == Category::Marketing) =>
                {
                    week.sends.push(e.at.clone());
                }
                _ => {}
            }
        }
        week
    }
}

/// The most sends within any trailing `per` (a send at `t` counts until
/// `t + per`, as the simulator counts them). `sends` in time order.
fn most_within(sends: &[Zoned], per: Duration) -> usize {
    // Each send's end once (calendar arithmetic is the costly part).
    let until: Vec<Option<jiff::Timestamp>> = sends
        .iter()
        .map(|t| clock::add(t, per).ok().map(|u| u.timestamp()))
        .collect();
    // The sends are in time order, so a send that no longer counts at one
    // send's instant counts at no later one: keep the ends still ahead.
    let mut ahead: BinaryHeap<Reverse<jiff::Timestamp>> = BinaryHeap::new();
    let mut most = 0;
    for (s, until) in sends.iter().zip(until) {
        let now = s.timestamp();
        ahead.extend(until.map(Reverse));
        while ahead.peek().is_some_and(|Reverse(u)| *u <= now) {
            ahead.pop();
        }
        most = most.max(ahead.len());
    }
    most
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: for each send, the sends up to it whose end is
    /// still ahead of it.
    fn most_within_by_definition(sends: &[Zoned], per: Duration) -> usize {
        (0..sends.len())
            .map(|i| {
                let now = sends[i].timestamp();
                sends[..=i]
                    .iter()
                    .filter(|s| clock::add(s, per).is_ok_and(|u| u.timestamp() > now))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn the_most_sends_within_a_window_are_counted_as_the_definition_says() {
        // Sends across Prague's autumn change of offset, several at the
        // same instant, a few hours to days apart (a fixed pseudo-random
        // sequence).
        let start: Zoned = "2026-10-20T09:00[Europe/Prague]".parse().expect("start");
        let mut rng = fastrand::Rng::with_seed(0x2545_f491_4f6c_dd1d);
        // A send exactly one window after another: the first no longer
        // counts at the second's instant.
        let later = clock::add(&start, Duration::new(1, 0)).expect("in range");
        let edge = [start.clone(), later];
        assert_eq!(most_within(&edge, Duration::new(1, 0)), 1);
        assert_eq!(most_within_by_definition(&edge, Duration::new(1, 0)), 1);
        for per in [
            Duration::new(1, 0),
            Duration::new(7, 0),
            Duration::new(0, 3 * 3600),
        ] {
            for len in [0, 1, 2, 5, 40, 200] {
                let mut at = start.clone();
                let mut sends = Vec::new();
                for _ in 0..len {
                    if rng.u8(0..3) != 0 {
                        let secs = rng.i64(0..36 * 3600);
                        at = at
                            .checked_add(jiff::SignedDuration::from_secs(secs))
                            .expect("in range");
                    }
                    sends.push(at.clone());
                }
                assert_eq!(
                    most_within(&sends, per),
                    most_within_by_definition(&sends, per),
                    "{len} sends, per {per:?}"
                );
            }
        }
    }
}
