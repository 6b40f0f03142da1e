//! The main path of a campaign as a timeline in the persona's local time:
//! "Day 0, 10:00 — email *welcome*".
//!
//! Runs the reference simulator (the same engine as `campaignc test`) with
//! the preview persona of the campaign's first locale, in the treatment
//! group, with the first variant of the first split, entering at
//! `2026-01-05T10:00` local time (an `every` trigger: at its first firing
//! from then) and no other events — so `wait for` steps time out and the
//! branches take what holds for the persona. The audience is not checked
//! (the page shows who is in it): the timeline is what happens once a
//! customer is in. Days count calendar days from the entry.

use jiff::{Timestamp, Zoned};
use std::fmt::Write as _;

use crate::check::model::{Model, PersonaId};
use crate::plan::format::{Node, Plan, Trigger};
use crate::simulate::journey::{simulate, Forced, Input, InputKind, Options};
use crate::simulate::policy::DeferReason;
use crate::simulate::timeline::{Entry, Happening, Outcome};
use crate::simulate::value::Val;
use crate::template::Renderer;

use super::data;
use super::mermaid::{channel_key, channel_noun, label};
use super::messages::{preview_now, timezone_of};
use super::sentences::{clause, duration, words, Form};

/// How far the preview simulates at most.
const HORIZON_DAYS: i64 = 400;

/// How long after the start the preview waits for the customer to enter.
const ENTRY_WINDOW_DAYS: i64 = 62;

/// The event the preview uses to start campaigns whose trigger is not an
/// event or a schedule (`enters`, `changed`): entering is what matters.
const ENTRY_EVENT: &str = "__preview_entry";

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// `Day 0, 10:00`.
    pub when: String,
    pub text: String,
}

/// The simulated main path and the assumptions behind it.
#[derive(Clone, Debug)]
pub struct MainPath {
    /// Who and how, in one sentence.
    pub setup: String,
    pub lines: Vec<Line>,
    /// No persona was simulated (the project has none): `setup` says so
    /// and how to add one, and there are no lines to show.
    pub no_persona: bool,
}

/// Simulates the main path of `plan` for `persona` shown in `locale`.
pub fn main_path(
    model: &Model,
    plan: &Plan,
    renderer: &Renderer,
    (persona_id, overridden): (PersonaId, bool),
    locale: &str,
) -> MainPath {
    let persona = model.persona(persona_id);
    let timezone = timezone_of(model, persona_id);
    let start = preview_now(&timezone);
    let mut plan = plan.clone();
    plan.audience = None;
    let mut inputs = Vec::new();
    let how = match plan.trigger.clone() {
        Trigger::Event { event, .. } => {
            let payload = data::event_id(model, &event)
                .map(|id| data::event_sample(model, persona, id).0)
                .map(|v| Val::from(&v))
                .unwrap_or(Val::Record(Vec::new()));
            // The trigger's `where` is the page's business; the timeline
            // shows a customer who passed it.
            plan.trigger = Trigger::Event {
                event: event.clone(),
                filter: None,
            };
            inputs.push(Input {
                at: start.timestamp(),
                kind: InputKind::Event {
                    name: event.as_str().into(),
                    props: payload.into(),
                },
            });
            format!("performs `{event}` at 10:00 local time")
        }
        Trigger::Every { .. } => {
            "enters when the schedule first fires after Monday 5 January 2026, 10:00 local time"
                .to_string()
        }
        Trigger::Enters { .. } | Trigger::Changed { .. } => {
            plan.trigger = Trigger::Event {
                event: ENTRY_EVENT.into(),
                filter: None,
            };
            inputs.push(Input {
                at: start.timestamp(),
                kind: InputKind::Event {
                    name: ENTRY_EVENT.into(),
                    props: Val::Record(Vec::new()).into(),
                },
            });
            "enters at 10:00 local time".to_string()
        }
    };
    let split = first_split(&plan);
    let options = Options {
        start: start.timestamp(),
        // Long enough for a monthly schedule's first firing.
        until: after_days(&start, ENTRY_WINDOW_DAYS),
        horizon: after_days(&start, HORIZON_DAYS),
        forced: Forced {
            held_out: Some(false),
            splits: split.iter().cloned().collect(),
        },
        without_pressure: false,
    };
    let customer = data::customer(model, &plan, persona, overridden.then_some(locale));
    let sim = simulate(&plan, customer, inputs, &options, renderer);

    let entries = &sim.timeline.entries;
    let entry_at = entries
        .iter()
        .find(|e| matches!(e.what, Happening::Entered))
        .map(|e| e.at.clone())
        .unwrap_or(start);
    let mut setup = format!(
        "Persona *{}* (`{locale}`{}, {timezone}) {how}. Day 0 is {}. \
         The audience is assumed to match",
        persona.name,
        if overridden {
            ", locale set for this preview"
        } else {
            ""
        },
        entry_at.strftime("%A %-d %B %Y"),
    );
    if plan.policies.holdout.is_some() {
        setup.push_str("; the persona is in the treatment group (not held out)");
    }
    if let Some((s, v)) = &split {
        let _ = write!(setup, "; split `{s}` picks *{v}*");
    }
    setup.push_str("; no other events happen.");

    let mut lines = Vec::new();
    for e in entries {
        if e.at.timestamp() < entry_at.timestamp() {
            continue;
        }
        if let Some(text) = describe(&plan, e, &entry_at) {
            lines.push(Line {
                when: day_time(&entry_at, &e.at),
                text,
            });
        }
        if matches!(e.what, Happening::Ended { .. } | Happening::Stopped { .. }) {
            break;
        }
    }
    MainPath {
        setup,
        lines,
        no_persona: false,
    }
}

fn after_days(start: &Zoned, days: i64) -> Timestamp {
    start
        .checked_add(jiff::Span::new().days(days))
        .map(|z| z.timestamp())
        .unwrap_or(Timestamp::MAX)
}

/// The first split on the path from the entry, and its first variant.
fn first_split(plan: &Plan) -> Option<(String, String)> {
    let mut stack: Vec<String> = plan.entry.iter().cloned().collect();
    let mut seen = std::collections::BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(node) = plan.nodes.get(&id) else {
            continue;
        };
        let nexts: Vec<Option<String>> = match node {
            Node::Split { name, variants, .. } => {
                return variants.first().map(|v| (name.clone(), v.name.clone()));
            }
            Node::Send { next, .. }
            | Node::Wait { next, .. }
            | Node::WaitUntil { next, .. }
            | Node::Set { next, .. } => vec![next.clone()],
            Node::WaitFor {
                on_event,
                on_timeout,
                ..
            } => vec![on_timeout.clone(), on_event.clone()],
            Node::Branch {
                cases, otherwise, ..
            } => {
                let mut v = vec![otherwise.clone()];
                v.extend(cases.iter().rev().map(|c| c.next.clone()));
                v
            }
            Node::Exit { .. } => vec![],
        };
        stack.extend(nexts.into_iter().flatten());
    }
    None
}

/// `Day 2, 09:00`: calendar days since the entry's local date.
pub fn day_time(entry: &Zoned, at: &Zoned) -> String {
    let days = entry
        .date()
        .until(at.date())
        .map(|s| s.get_days())
        .unwrap_or(0);
    format!("Day {days}, {}", at.strftime("%H:%M"))
}

/// A timeline entry in words; `None` for what a reviewer does not need.
fn describe(plan: &Plan, e: &Entry, entry_at: &Zoned) -> Option<String> {
    let channel_of = |message: &str| {
        plan.messages
            .get(message)
            .map(|m| channel_noun(channel_key(m.channel)).to_string())
            .unwrap_or_default()
    };
    Some(match &e.what {
        Happening::EventArrived { event } if &**event == ENTRY_EVENT => return None,
        Happening::EventArrived { event } => format!("performs `{event}`"),
        Happening::AttrChanged { attr, value } => format!("{} changes to {value}", words(attr)),
        Happening::NotEntered { why } => format!("does not enter: {why}"),
        Happening::Entered => "enters the campaign".into(),
        Happening::Sent { message, .. } => format!("{} *{message}*", channel_of(message)),
        Happening::RenderFailed { message, error } => {
            format!("*{message}* could not be rendered: {error}")
        }
        Happening::Error { error } => format!("error: {error}"),
        Happening::Deferred {
            message,
            reason,
            until,
        } => {
            let why = match reason {
                DeferReason::Window => plan.policies.send_window.as_ref().map_or_else(
                    || "send window".to_string(),
                    |w| format!("send window {}-{}", w.start, w.end),
                ),
                DeferReason::Cap => plan.policies.cap.as_ref().map_or_else(
                    || "frequency cap".to_string(),
                    |c| format!("cap {} per {}", c.count, duration(c.per)),
                ),
            };
            format!(
                "{} *{message}* → deferred to {} ({why})",
                channel_of(message),
                day_time(entry_at, until)
            )
        }
        Happening::Skipped { message, reason } => format!(
            "{} *{message}* not sent: {}",
            channel_of(message),
            reason.describe()
        ),
        Happening::Waiting { until } => format!("waits until {}", day_time(entry_at, until)),
        Happening::WaitingFor { event, until } => {
            format!("waits for `{event}` until {}", day_time(entry_at, until))
        }
        Happening::Received { event } => format!("`{event}` arrives"),
        Happening::TimedOut { event } => format!("no `{event}` by now: takes the timeout path"),
        Happening::Branch { taken } => {
            let node = e.node.as_deref().and_then(|n| plan.nodes.get(n));
            let question = node.map(label).unwrap_or_default();
            let one_case = matches!(node, Some(Node::Branch { cases, .. }) if cases.len() == 1);
            if one_case {
                let answer = if taken.starts_with("condition") {
                    "yes"
                } else {
                    "no"
                };
                return Some(format!("{question}: {answer}"));
            }
            // "condition 2 of 3 holds": name the condition that did.
            let chosen = taken
                .strip_prefix("condition ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|n| n.parse::<usize>().ok());
            match (node, chosen) {
                (Some(Node::Branch { cases, .. }), Some(i)) if i >= 1 && i <= cases.len() => {
                    let word = if i == 1 { "if" } else { "else if" };
                    format!(
                        "takes the `{word}` branch: {}",
                        clause(&cases[i - 1].when, Form::They)
                    )
                }
                _ if taken == "else" => "takes the `else` branch".to_string(),
                _ => format!("{question}: {taken}"),
            }
        }
        Happening::Variant { split, .. }
            if split == "holdout" && plan.policies.holdout.is_none() =>
        {
            return None
        }
        Happening::Variant { split, variant } if split == "holdout" => {
            format!("assigned to the {variant} group")
        }
        Happening::Variant { split, variant } => format!("split `{split}`: variant *{variant}*"),
        Happening::Set { attr, value } => format!("sets {} to {value}", words(attr)),
        Happening::Ended { outcome, why } => format!(
            "journey ends: **{}** ({why})",
            match outcome {
                Outcome::Converted => "converted",
                Outcome::Exited => "exited",
                Outcome::Completed => "completed",
            }
        ),
        Happening::Stopped { why } => format!("preview stops: {why}"),
        Happening::Switched { to } => format!("switched to {to}"),
    })
}
