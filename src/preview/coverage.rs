//! `coverage.md`: the project's lifecycle stages crossed with the channels,
//! showing which campaigns reach customers of each stage on each channel,
//! and listing the empty cells as gaps; and, under a project-wide
//! `pressure`, each persona's marketing messages in a typical week against
//! the limit.

use super::mermaid::channel_key;
use crate::check::model::{Channel, Model, PersonaDef};
use crate::check::resolve::DEFAULT_START;
use crate::plan::format::{Category, Plan};
use crate::simulate::clock::{self, Duration};
use crate::simulate::customer::Customer;
use crate::simulate::journey::{Forced, Input, Options};
use crate::simulate::request::trigger_inputs;
use crate::simulate::timeline::Happening;
use crate::simulate::together::simulate_together;
use crate::template::Renderer;
use jiff::Zoned;
use std::collections::BTreeSet;

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
        table.push_str(&format!(" {} |", c.as_str()));
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(Channel::ALL.len()));
    table.push('\n');
    for stage in stages {
        table.push_str(&format!("| `{stage}` |"));
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
                table.push_str(&format!(" {} |", list.join(", ")));
            }
        }
        table.push('\n');
    }
    let mut out = String::from("# Lifecycle coverage\n\n");
    out.push_str(&format!("{covered} of {total} cells covered.\n\n"));
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
    let Some(limit) = model.defaults.pressure else {
        return String::new();
    };
    let mut out = String::from("\n## Message pressure per persona\n\n");
    out.push_str(&format!(
        "The project allows {} marketing messages per {} per customer (`pressure`). \
         For each persona: the campaigns it enters in its first week when it performs \
         each campaign's trigger event once (at {}, its local time) and nothing else, \
         and the marketing messages they would send without the limit.\n\n",
        limit.count,
        limit.per,
        DEFAULT_START.strftime("%A %Y-%m-%d %H:%M"),
    ));
    if model.personas.is_empty() {
        out.push_str("No personas.\n");
        return out;
    }
    out.push_str(&format!(
        "| Persona | Campaigns entered | Marketing messages in 7 days | Most within {} | Limit |\n\
         |---|---|---|---|---|\n",
        limit.per
    ));
    // The plans without the limit: the section shows the demand.
    let unlimited: Vec<Plan> = plans
        .iter()
        .cloned()
        .map(|mut p| {
            p.policies.pressure = None;
            p
        })
        .collect();
    for persona in &model.personas {
        let week = persona_week(model, persona, &unlimited, renderer);
        let entered: Vec<String> = week.entered.iter().map(|c| format!("`{c}`")).collect();
        let most = most_within(&week.sends, limit.per);
        let verdict = if most > limit.count as usize {
            format!("**over** ({} per {})", limit.count, limit.per)
        } else {
            format!("within ({} per {})", limit.count, limit.per)
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {most} | {verdict} |\n",
            persona.name,
            if entered.is_empty() {
                "—".to_string()
            } else {
                entered.join(", ")
            },
            week.sends.len(),
        ));
    }
    out
}

/// What one persona meets in its first week.
struct Week {
    /// The campaigns entered, by name.
    entered: BTreeSet<String>,
    /// The instants of marketing messages sent, in time order.
    sends: Vec<Zoned>,
}

fn persona_week(model: &Model, persona: &PersonaDef, plans: &[Plan], renderer: &Renderer) -> Week {
    let mut week = Week {
        entered: BTreeSet::new(),
        sends: Vec::new(),
    };
    let Some(first) = plans.first() else {
        return week;
    };
    let zone = Customer::of_persona(model, persona, first).time_zone;
    let Ok(start) = DEFAULT_START.to_zoned(zone) else {
        return week;
    };
    let mut inputs: Vec<Input> = Vec::new();
    for plan in plans {
        for input in trigger_inputs(model, persona, plan, &start) {
            if !inputs.contains(&input) {
                inputs.push(input);
            }
        }
    }
    let Ok(end) = clock::add(&start, Duration::new(WEEK_DAYS, 0)) else {
        return week;
    };
    let options = Options {
        start: start.timestamp(),
        until: end.timestamp(),
        horizon: end.timestamp(),
        // The treatment group: what the campaigns send.
        forced: Forced {
            held_out: Some(false),
            splits: Vec::new(),
        },
    };
    let runs = plans
        .iter()
        .map(|p| (p, Customer::of_persona(model, persona, p)))
        .collect();
    let Some(sim) = simulate_together(runs, inputs, &options, renderer) else {
        return week;
    };
    for e in &sim.timeline.entries {
        let Some(plan) = e
            .campaign
            .as_deref()
            .and_then(|c| plans.iter().find(|p| p.campaign == c))
        else {
            continue;
        };
        match &e.what {
            Happening::Entered => {
                week.entered.insert(plan.campaign.clone());
            }
            Happening::Sent { message, .. }
                if e.at.timestamp() < end.timestamp()
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

/// The most sends within any trailing `per` (a send at `t` counts until
/// `t + per`, as the simulator counts them).
fn most_within(sends: &[Zoned], per: Duration) -> usize {
    let mut most = 0;
    for (i, s) in sends.iter().enumerate() {
        let in_window = sends[..=i]
            .iter()
            .filter(|t| clock::add(t, per).is_ok_and(|until| until.timestamp() > s.timestamp()))
            .count();
        most = most.max(in_window);
    }
    most
}
