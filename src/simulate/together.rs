//! Several campaigns for one customer on one virtual clock, sharing the
//! project's `pressure` limit (issue 13, point 5).
//!
//! Each campaign runs its own journey ([`Sim`]) over the same inputs; the
//! runs advance together, always the one with the earliest occurrence
//! next. At one instant the order is the one a single run uses (switch,
//! inputs, the journey's timer, the schedule, the segment re-check), and
//! between campaigns the higher `priority` goes first, then the campaign
//! name. So of two marketing sends due at the same instant, the
//! higher-priority campaign's takes the room the limit leaves and the other
//! is skipped with the reason `pressure`.
//!
//! What the campaigns share is the customer's marketing sends (for
//! `pressure`); each keeps its own copy of the customer otherwise, so a
//! `set` step in one campaign's flow is not seen by the others.
//!
//! The merged timeline tags every line with its campaign, except the
//! inputs (an event, an attribute set from outside), shown once.

use super::customer::Customer;
use super::journey::{occurrence_rank, Input, Options, Sim, Simulation};
use super::timeline::{Happening, Timeline};
use crate::plan::format::Plan;
use crate::template::Renderer;
use std::cmp::Reverse;

/// Runs `runs` (each a plan with the customer as that plan reads it)
/// together over `inputs`. The first run's customer is the one returned
/// (its attributes after the run); `None` when there is no run.
pub fn simulate_together(
    runs: Vec<(&Plan, Customer)>,
    inputs: Vec<Input>,
    options: &Options,
    renderer: &Renderer,
) -> Option<Simulation> {
    let mut merged = Timeline::default();
    // Inputs already shown in the merged timeline.
    let mut inputs_shown = 0usize;
    let mut sims = run_together(
        runs,
        inputs,
        options,
        Some(renderer),
        true,
        |sim, which, input| {
            // An input is shown once, by the first run that takes it.
            let drop_inputs = which == 0 && input < inputs_shown;
            if which == 0 && input >= inputs_shown {
                inputs_shown = input + 1;
            }
            take_lines(sim, &mut merged, drop_inputs);
        },
    );
    for sim in &mut sims {
        take_lines(sim, &mut merged, false);
    }
    // Only the "stopped" lines `finish` adds can be out of time order.
    merged.entries.sort_by_key(|e| e.at.timestamp());
    let first = sims.into_iter().next()?;
    Some(Simulation {
        timeline: merged,
        customer: first.customer,
    })
}

/// [`simulate_together`] without rendering (as [`super::journey::replay`]
/// is to `simulate`): each run's own timeline, in the order of `runs`,
/// without the inputs' lines (an event arrived, an attribute set: the
/// caller's own inputs, told back) and without the triggers that fired
/// without an entry ("not in the audience"). This is `campaignc
/// forecast`, which counts what each campaign did.
pub fn replay_together(
    runs: Vec<(&Plan, Customer)>,
    inputs: Vec<Input>,
    options: &Options,
) -> Vec<Timeline> {
    run_together(runs, inputs, options, None, false, |_, _, _| {})
        .into_iter()
        .map(|sim| sim.timeline)
        .collect()
}

/// The runs stepped together to their end (see the module
/// documentation); `after` sees each run after each of its steps, with
/// the kind of occurrence and the input's index. `echo_inputs`: whether
/// each input, and each trigger that fired without an entry, is a line of
/// each run's timeline.
fn run_together<'a>(
    runs: Vec<(&'a Plan, Customer)>,
    mut inputs: Vec<Input>,
    options: &'a Options,
    renderer: Option<&'a Renderer>,
    echo_inputs: bool,
    mut after: impl FnMut(&mut Sim<'a>, usize, usize),
) -> Vec<Sim<'a>> {
    if !inputs.is_sorted_by_key(|i| i.at) {
        inputs.sort_by_key(|i| i.at);
    }
    let mut sims: Vec<Sim> = runs
        .into_iter()
        .map(|(plan, customer)| {
            let mut sim = Sim::new(plan, customer, options, renderer);
            sim.echo_inputs = echo_inputs;
            sim.echo_refusals = echo_inputs;
            sim
        })
        .collect();
    // The order between campaigns at one instant.
    let mut order: Vec<usize> = (0..sims.len()).collect();
    order.sort_by_key(|&i| {
        (
            Reverse(sims[i].plan.policies.priority),
            &sims[i].plan.campaign,
        )
    });
    let rank: Vec<usize> = {
        let mut rank = vec![0; sims.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        rank
    };
    let mut cursors = vec![0usize; sims.len()];
    for (sim, cursor) in sims.iter_mut().zip(&mut cursors) {
        sim.skip_unheard_inputs(&inputs, cursor);
    }
    // Each run's next occurrence. Stepping one run changes no other's
    // (what they share, the marketing sends, decides what a send does,
    // not when anything happens), so only the run stepped is asked again.
    let mut nexts: Vec<Option<(usize, jiff::Timestamp)>> = sims
        .iter()
        .enumerate()
        .map(|(i, sim)| sim.next_occurrence(&inputs, cursors[i]))
        .collect();
    let mut shared: Vec<jiff::Zoned> = Vec::new();
    // The last occurrence's instant in its customer's zone: the campaigns
    // of one customer mostly meet each input at the same instant, and
    // placing an instant in a zone is a search of the zone's transitions.
    let mut last_now: Option<jiff::Zoned> = None;
    let bound = 1_000_000usize.saturating_mul(sims.len().max(1));
    for _ in 0..bound {
        let mut next: Option<(usize, usize, jiff::Timestamp)> = None;
        for (i, occurrence) in nexts.iter().enumerate() {
            // `None`: over for good, as nothing changes a run that is not
            // stepped.
            let Some((which, at)) = *occurrence else {
                continue;
            };
            let key = (at, occurrence_rank(which), rank[i]);
            if next.is_none_or(|(j, w, t)| key < (t, occurrence_rank(w), rank[j])) {
                next = Some((i, which, at));
            }
        }
        let Some((i, which, at)) = next else { break };
        let sim = &mut sims[i];
        sim.marketing_sends = std::mem::take(&mut shared);
        let input = cursors[i];
        let now = match last_now.take() {
            Some(now)
                if now.timestamp() == at && same_zone(now.time_zone(), &sim.customer.time_zone) =>
            {
                now
            }
            _ => sim.customer.zoned(at),
        };
        sim.occur_at(which, &now, &inputs, &mut cursors[i]);
        last_now = Some(now);
        shared = std::mem::take(&mut sim.marketing_sends);
        after(sim, which, input);
        sim.skip_unheard_inputs(&inputs, &mut cursors[i]);
        nexts[i] = sims[i].next_occurrence(&inputs, cursors[i]);
    }
    for sim in &mut sims {
        sim.finish();
    }
    sims
}

/// Moves the lines `sim` added since the last call into `merged`, tagged
/// with the campaign (inputs untagged, or left out when `drop_inputs`).
/// Whether two zones are the same named zone (a zone without a name, a
/// fixed offset, is never taken for another).
fn same_zone(a: &jiff::tz::TimeZone, b: &jiff::tz::TimeZone) -> bool {
    a.iana_name()
        .is_some_and(|name| b.iana_name() == Some(name))
}

fn take_lines(sim: &mut Sim, merged: &mut Timeline, drop_inputs: bool) {
    for mut entry in sim.timeline.entries.drain(..) {
        let input = matches!(
            entry.what,
            Happening::EventArrived { .. } | Happening::AttrChanged { .. }
        );
        if input && drop_inputs {
            continue;
        }
        if !input {
            entry.campaign = Some(sim.plan.campaign.clone());
        }
        merged.entries.push(entry);
    }
}

#[cfg(test)]
mod tests {
    use super::{replay_together, same_zone, simulate_together};
    use crate::simulate::customer::zone;
    use crate::simulate::journey::{Forced, Options};
    use crate::simulate::test_support::{at, customer, event, plan, send};
    use crate::simulate::timeline::{describe, Happening};
    use crate::template::Renderer;
    use jiff::tz::{Offset, TimeZone};
    use serde_json::json;

    /// A replay takes the events no campaign listens to in one go
    /// (`Sim::skip_unheard_inputs`); what each campaign does must be what
    /// the full run, which takes every input as an occurrence of its own,
    /// shows. The audiences count the events taken in one go, the daily
    /// sweep meets one at its own instant, and the trigger is among them.
    #[test]
    fn a_replay_taking_unheard_events_at_once_does_what_the_full_run_does() {
        let opened = |n: i64| {
            json!({ "op": "compare", "cmp": ">=",
                "lhs": { "op": "count", "event": "app_opened", "where": null, "within": null, "since_entry": false },
                "rhs": { "op": "literal", "value": { "type": "int", "value": n } } })
        };
        let daily = plan(json!({
            "campaign": "daily",
            "trigger": { "kind": "every", "period": "day", "weekday": null, "day_of_month": null, "at": "09:00" },
            "audience": opened(2),
            "reentry": { "kind": "after", "after": { "days": 0, "seconds": 60 } },
            "nodes": { "n1": send("hello", None) }
        }));
        let buyers = plan(json!({
            "campaign": "buyers",
            "trigger": { "kind": "event", "event": "purchase", "where": null },
            "audience": opened(3),
            "reentry": { "kind": "after", "after": { "days": 0, "seconds": 60 } },
            "nodes": { "n1": send("tips", None) }
        }));
        let start = at("2026-11-02T10:00", "Europe/Prague");
        let until = at("2026-11-08T10:00", "Europe/Prague");
        let mut inputs = Vec::new();
        for (day, time, name) in [
            ("03", "08:00", "app_opened"),
            ("03", "12:00", "purchase"),
            ("04", "09:00", "app_opened"),
            ("04", "09:30", "purchase"),
            ("05", "07:00", "app_opened"),
            ("05", "08:00", "app_opened"),
            ("06", "20:00", "purchase"),
        ] {
            let local = format!("2026-11-{day}T{time}");
            inputs.push(event(&at(&local, "Europe/Prague"), name));
        }
        let options = Options {
            start: start.timestamp(),
            until: until.timestamp(),
            horizon: until.timestamp(),
            forced: Forced::default(),
            without_pressure: false,
        };
        let runs = vec![
            (&daily, customer("Europe/Prague")),
            (&buyers, customer("Europe/Prague")),
        ];
        let replayed = replay_together(runs.clone(), inputs.clone(), &options);
        let full = simulate_together(runs, inputs, &options, &Renderer::new()).expect("runs");
        let lines_of = |entries: &mut dyn Iterator<Item = &crate::simulate::timeline::Entry>| {
            entries
                .map(|e| format!("{} {}", e.at.strftime("%m-%d %H:%M"), describe(&e.what)))
                .collect::<Vec<_>>()
        };
        // The full run has lines of triggers that fired without an entry,
        // which the replay leaves out.
        assert!(
            full.timeline
                .entries
                .iter()
                .any(|e| matches!(e.what, Happening::NotEntered { .. })),
            "the full run refuses someone"
        );
        for (i, campaign) in ["daily", "buyers"].into_iter().enumerate() {
            let expected = lines_of(
                &mut full
                    .timeline
                    .entries
                    .iter()
                    .filter(|e| e.campaign.as_deref() == Some(campaign))
                    .filter(|e| !matches!(e.what, Happening::NotEntered { .. })),
            );
            assert_eq!(
                lines_of(&mut replayed[i].entries.iter()),
                expected,
                "{campaign}"
            );
        }
        let sends = |i: usize| {
            lines_of(&mut replayed[i].entries.iter())
                .into_iter()
                .filter(|l| l.contains(" sent "))
                .collect::<Vec<_>>()
        };
        // Two opens by the sweep of the 4th (one at 09:00 itself); three
        // by the purchase of the 6th.
        assert_eq!(
            sends(0),
            [
                "11-04 09:00 sent hello (push, en)",
                "11-05 09:00 sent hello (push, en)",
                "11-06 09:00 sent hello (push, en)",
                "11-07 09:00 sent hello (push, en)",
                "11-08 09:00 sent hello (push, en)",
            ]
        );
        assert_eq!(sends(1), ["11-06 20:00 sent tips (push, en)"]);
    }

    #[test]
    fn an_instant_is_shared_only_between_copies_of_one_named_zone() {
        let prague = zone("Europe/Prague").expect("a zone");
        let saigon = zone("Asia/Ho_Chi_Minh").expect("a zone");
        assert!(same_zone(&prague, &zone("Europe/Prague").expect("a zone")));
        assert!(same_zone(&TimeZone::UTC, &TimeZone::UTC));
        assert!(!same_zone(&prague, &saigon));
        // Fixed offsets have no name: never taken for each other.
        let plus7 = TimeZone::fixed(Offset::constant(7));
        assert!(!same_zone(&plus7, &plus7.clone()));
        assert!(!same_zone(&plus7, &saigon));
    }
}
