//! Helpers for the engine tests: plans written as JSON (the plan format is
//! the simulator's input contract) on top of a base plan, customers,
//! inputs, and readable views of a timeline.

use super::clock::{self, Duration};
use super::customer::Customer;
use super::journey::{simulate, Forced, Input, InputKind, Options, Simulation};
use super::timeline::{describe, Outcome};
use super::value::Val;
use crate::plan::format::Plan;
use crate::template::Renderer;
use jiff::Zoned;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A plan: the base fields with `overrides` merged in at the top level.
pub(super) fn plan(overrides: Value) -> Plan {
    let mut base = json!({
        "format": "campaignc.plan/v2",
        "campaign": "demo",
        "stage": "onboarding",
        "doc": null,
        "source": { "file": "demo.camp", "line": 1, "nodes": {} },
        "trigger": { "kind": "event", "event": "signed_up", "where": null },
        "audience": null,
        "reentry": { "kind": "never" },
        "goal": null,
        "exit": null,
        "policies": { "send_window": null, "cap": null, "holdout": null },
        "locales": ["en", "vi"],
        "default_locale": "en",
        "customer": {
            "locale": { "attribute": "locale", "default": "en" },
            "timezone": { "attribute": "timezone", "default": "UTC" },
            "channels": {}
        },
        "assignment": { "algorithm": "sha256-u64be-mod-10000", "key": "", "buckets": 10000 },
        "segments": [],
        "scores": [],
        "entry": "n1",
        "nodes": {},
        "messages": {
            "hello": message("Hello {{default customer.first_name \"there\"}}"),
            "tips": message("Tips"),
            "bye": message("Bye"),
        },
        "hash": ""
    });
    if let (Value::Object(b), Value::Object(o)) = (&mut base, overrides) {
        for (k, v) in o {
            b.insert(k, v);
        }
    }
    serde_json::from_value(base).expect("test plan matches the plan format")
}

pub(super) fn message(body: &str) -> Value {
    json!({
        "channel": "push", "category": "marketing", "from": null,
        "locales": {
            "en": { "fields": { "title": "T", "body": body }, "content_hash": "" },
            "vi": { "fields": { "title": "T", "body": format!("vi: {body}") }, "content_hash": "" }
        }
    })
}

pub(super) fn send(message: &str, next: Option<&str>) -> Value {
    json!({ "kind": "send", "message": message, "channel": "push",
            "category": "marketing", "consent": null, "event": null, "next": next })
}

pub(super) fn wait(days: i64, seconds: i64, next: Option<&str>) -> Value {
    json!({ "kind": "wait", "duration": { "days": days, "seconds": seconds }, "next": next })
}

pub(super) fn performed(event: &str) -> Value {
    json!({ "op": "performed", "event": event, "where": null, "within": null, "since_entry": true })
}

pub(super) fn customer(zone: &str) -> Customer {
    let facts = plan(json!({})).customer;
    let mut attrs = BTreeMap::new();
    attrs.insert("timezone".to_string(), Val::Str(zone.to_string()));
    attrs.insert("locale".to_string(), Val::Str("en".to_string()));
    attrs.insert("first_name".to_string(), Val::Str("Linh".to_string()));
    Customer::new("linh", attrs, &facts)
}

pub(super) fn at(local: &str, zone: &str) -> Zoned {
    let dt: jiff::civil::DateTime = local.parse().expect("test datetime");
    dt.in_tz(zone).expect("test zone")
}

pub(super) fn event(at: &Zoned, name: &str) -> Input {
    event_with(at, name, vec![])
}

pub(super) fn event_with(at: &Zoned, name: &str, props: Vec<(&str, Val)>) -> Input {
    Input {
        at: at.timestamp(),
        kind: InputKind::Event {
            name: name.into(),
            props: Val::Record(props.into_iter().map(|(k, v)| (k.to_string(), v)).collect()).into(),
        },
    }
}

pub(super) fn set(at: &Zoned, attr: &str, value: Val) -> Input {
    Input {
        at: at.timestamp(),
        kind: InputKind::Set {
            attr: attr.to_string(),
            value,
        },
    }
}

pub(super) fn run_with(
    plan: &Plan,
    cust: Customer,
    start: &Zoned,
    inputs: Vec<Input>,
    forced: Forced,
) -> Simulation {
    let horizon = clock::add(start, Duration::new(60, 0)).unwrap().timestamp();
    let options = Options {
        start: start.timestamp(),
        until: horizon,
        horizon,
        forced,
        without_pressure: false,
    };
    simulate(plan, cust, inputs, &options, &Renderer::new())
}

pub(super) fn run(plan: &Plan, zone: &str, start: &Zoned, inputs: Vec<Input>) -> Simulation {
    run_with(plan, customer(zone), start, inputs, Forced::default())
}

/// `local-time node description` lines, for readable assertions.
pub(super) fn lines(sim: &Simulation) -> Vec<String> {
    sim.timeline
        .entries
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e.at.strftime("%m-%d %H:%M"),
                e.node.as_deref().unwrap_or("-"),
                describe(&e.what)
            )
        })
        .collect()
}

pub(super) fn sent_at(sim: &Simulation, message: &str) -> Vec<String> {
    sim.timeline
        .sends_of(message)
        .map(|z| z.strftime("%m-%d %H:%M").to_string())
        .collect()
}

pub(super) fn outcome(sim: &Simulation) -> Option<Outcome> {
    sim.timeline.endings().last().map(|(_, o)| o)
}
