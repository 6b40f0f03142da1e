//! Switching a running journey to another plan (`simulate --switch-to`):
//! properties over many journeys parked at many points, with a small
//! deterministic generator (the same cases on every run).

use super::clock::{self, Duration};
use super::journey::{simulate_switching, Forced, Input, Options, Simulation};
use super::switch::Switch;
use super::test_support::*;
use crate::plan::format::Plan;
use crate::template::Renderer;
use jiff::Zoned;
use serde_json::{json, Value};

/// `send hello`, `wait D`, `wait for order up to 2d { on event { send
/// tips } on timeout { send bye } }`, with `wait` lasting `wait_days`.
fn flow(wait_days: i64) -> Value {
    json!({
        "send": send("hello", Some("wait")),
        "wait": wait(wait_days, 0, Some("wait_for")),
        "wait_for": { "kind": "wait_for", "event": "order", "where": null,
                      "timeout": { "days": 2, "seconds": 0 },
                      "on_event": "wait_for.on_event.send", "on_timeout": "wait_for.on_timeout.send" },
        "wait_for.on_event.send": send("tips", None),
        "wait_for.on_timeout.send": send("bye", None),
    })
}

fn flow_plan(nodes: Value) -> Plan {
    plan(json!({ "entry": "send", "nodes": nodes }))
}

/// A tiny deterministic generator (64-bit LCG), so the cases are the same
/// on every run and every machine.
struct Cases(u64);

impl Cases {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn run_switching(
    a: &Plan,
    start: &Zoned,
    inputs: Vec<Input>,
    switch: Option<&Switch>,
) -> Simulation {
    let horizon = clock::add(start, Duration::new(30, 0))
        .expect("in range")
        .timestamp();
    let options = Options {
        start: start.timestamp(),
        until: horizon,
        horizon,
        forced: Forced::default(),
        without_pressure: false,
    };
    simulate_switching(
        a,
        customer("UTC"),
        inputs,
        &options,
        &Renderer::new(),
        switch,
    )
}

/// The timeline's lines without the switch itself.
fn without_switch(sim: &Simulation) -> Vec<String> {
    lines(sim)
        .into_iter()
        .filter(|l| !l.contains("switched to"))
        .collect()
}

/// When the journey reached the `wait for` node.
fn waiting_for_at(sim: &Simulation) -> Option<jiff::Timestamp> {
    sim.timeline
        .entries
        .iter()
        .find(|e| e.node.as_deref() == Some("wait_for"))
        .map(|e| e.at.timestamp())
}

fn minutes(start: &Zoned, m: u64) -> Zoned {
    clock::add(start, Duration::new(0, m as i64 * 60)).expect("in range")
}

#[test]
fn switching_to_an_identical_plan_changes_nothing_in_the_rest_of_the_journey() {
    let a = flow_plan(flow(1));
    let start = at("2026-11-02T10:00", "UTC");
    let mut cases = Cases(7);
    for _ in 0..200 {
        // The order arrives at a random minute of the first four days, or
        // never; the deploy happens at a random minute of the first five.
        let mut inputs = vec![event(&start, "signed_up")];
        if cases.below(3) > 0 {
            inputs.push(event(&minutes(&start, cases.below(4 * 24 * 60)), "order"));
        }
        let switch = Switch {
            at: minutes(&start, cases.below(5 * 24 * 60)).timestamp(),
            plan: Some(a.clone()),
        };
        let plain = run_switching(&a, &start, inputs.clone(), None);
        let switched = run_switching(&a, &start, inputs, Some(&switch));
        assert_eq!(
            without_switch(&switched),
            lines(&plain),
            "switch at {}",
            switch.at
        );
    }
}

#[test]
fn a_changed_wait_resumes_that_long_after_the_customer_started_waiting() {
    let start = at("2026-11-02T10:00", "UTC");
    let mut cases = Cases(11);
    for (new_days, new_seconds) in [(3, 0), (0, 3600)] {
        let mut nodes = flow(1);
        nodes["wait"] = wait(new_days, new_seconds, Some("wait_for"));
        let b = flow_plan(nodes);
        for _ in 0..50 {
            // Parked in `wait` (it started at 10:00, the entry).
            let switch_minute = 1 + cases.below(24 * 60 - 1);
            let switch_at = minutes(&start, switch_minute);
            let switch = Switch {
                at: switch_at.timestamp(),
                plan: Some(b.clone()),
            };
            let sim = run_switching(
                &flow_plan(flow(1)),
                &start,
                vec![event(&start, "signed_up")],
                Some(&switch),
            );
            let resumed =
                clock::add(&start, Duration::new(new_days, new_seconds)).expect("in range");
            let expected = if resumed.timestamp() < switch_at.timestamp() {
                switch_at.clone()
            } else {
                resumed
            };
            assert_eq!(
                waiting_for_at(&sim),
                Some(expected.timestamp()),
                "switch at minute {switch_minute}: {:#?}",
                lines(&sim)
            );
        }
    }
}

#[test]
fn a_removed_wait_continues_at_once_with_the_step_after_it() {
    let start = at("2026-11-02T10:00", "UTC");
    let mut nodes = flow(1);
    nodes.as_object_mut().expect("object").remove("wait");
    nodes["send"] = send("hello", Some("wait_for"));
    let b = flow_plan(nodes);
    let switch_at = minutes(&start, 600);
    let switch = Switch {
        at: switch_at.timestamp(),
        plan: Some(b),
    };
    let sim = run_switching(
        &flow_plan(flow(1)),
        &start,
        vec![event(&start, "signed_up")],
        Some(&switch),
    );
    assert_eq!(
        waiting_for_at(&sim),
        Some(switch_at.timestamp()),
        "{:#?}",
        lines(&sim)
    );
}

#[test]
fn a_removed_campaign_ends_the_journey_with_nothing_more_sent() {
    let start = at("2026-11-02T10:00", "UTC");
    let switch = Switch {
        at: minutes(&start, 600).timestamp(),
        plan: None,
    };
    let sim = run_switching(
        &flow_plan(flow(1)),
        &start,
        vec![event(&start, "signed_up")],
        Some(&switch),
    );
    assert_eq!(sent_at(&sim, "hello"), ["11-02 10:00"]);
    assert!(sent_at(&sim, "bye").is_empty(), "{:#?}", lines(&sim));
    assert_eq!(outcome(&sim), Some(super::timeline::Outcome::Exited));
}
