//! The engine on small hand-written plans: every kind of flow node,
//! rendering, and the order of things at one instant.

use super::journey::Forced;
use super::test_support::*;
use super::timeline::{Happening, Outcome};
use super::value::Val;
use crate::plan::format::Plan;
use serde_json::json;

#[test]
fn send_renders_in_the_customer_locale_with_its_data() {
    let p = plan(json!({ "nodes": { "n1": send("hello", None) } }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    let sent = sim.timeline.entries.iter().find_map(|e| match &e.what {
        Happening::Sent { fields, locale, .. } => Some((locale.clone(), fields.clone())),
        _ => None,
    });
    let (locale, fields) = sent.expect("a send");
    assert_eq!(locale, "en");
    assert_eq!(fields[0].name, "title");
    assert_eq!(fields[1].text, "Hello Linh");
    assert_eq!(outcome(&sim), Some(Outcome::Completed));
}

#[test]
fn wait_1d_lands_at_the_same_local_time_across_both_prague_dst_changes() {
    let p = plan(json!({ "nodes": { "n1": wait(1, 0, Some("n2")), "n2": send("hello", None) } }));
    for (start, want) in [
        ("2026-03-28T10:00", "2026-03-29T10:00 +02:00"),
        ("2026-10-24T10:00", "2026-10-25T10:00 +01:00"),
    ] {
        let s = at(start, "Europe/Prague");
        let sim = run(&p, "Europe/Prague", &s, vec![event(&s, "signed_up")]);
        let sends: Vec<String> = sim
            .timeline
            .sends_of("hello")
            .map(|z| z.strftime("%Y-%m-%dT%H:%M %:z").to_string())
            .collect();
        assert_eq!(sends, [want]);
    }
}

#[test]
fn wait_until_monday_morning() {
    let p = plan(json!({ "nodes": {
        "n1": { "kind": "wait_until", "time": "09:00", "weekday": "monday", "next": "n2" },
        "n2": send("hello", None)
    } }));
    let start = at("2026-11-04T15:00", "UTC"); // a Wednesday
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(sent_at(&sim, "hello"), ["11-09 09:00"]);
}

fn wait_for_plan() -> Plan {
    plan(json!({ "nodes": {
        "n1": { "kind": "wait_for", "event": "project_created",
                "where": { "op": "compare", "cmp": "!=", 
                           "lhs": { "op": "event_field", "scope": "filtered", "event": "project_created", "path": ["name"], "type": "string" },
                           "rhs": { "op": "literal", "value": { "type": "string", "value": "skip" } } },
                "timeout": { "days": 3, "seconds": 0 }, "on_event": "n2", "on_timeout": "n3" },
        "n2": { "kind": "send", "message": "congrats", "channel": "push", "category": "marketing",
                "consent": null, "event": "project_created", "next": null },
        "n3": send("bye", None)
    },
    "messages": {
        "congrats": message("{{event.name}} is ready"),
        "bye": message("Bye")
    } }))
}

#[test]
fn wait_for_takes_on_event_with_the_event_in_scope() {
    let p = wait_for_plan();
    let start = at("2026-11-02T10:00", "UTC");
    let later = at("2026-11-03T12:00", "UTC");
    let ignored = at("2026-11-03T11:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            event(&start, "signed_up"),
            event_with(
                &ignored,
                "project_created",
                vec![("name", Val::Str("skip".into()))],
            ),
            event_with(
                &later,
                "project_created",
                vec![("name", Val::Str("Demo".into()))],
            ),
        ],
    );
    assert_eq!(sent_at(&sim, "congrats"), ["11-03 12:00"]);
    assert!(sent_at(&sim, "bye").is_empty());
    let body = sim.timeline.entries.iter().find_map(|e| match &e.what {
        Happening::Sent { fields, .. } => fields
            .iter()
            .find(|f| f.name == "body")
            .map(|f| f.text.clone()),
        _ => None,
    });
    assert_eq!(body.as_deref(), Some("Demo is ready"));
}

#[test]
fn wait_for_times_out_into_on_timeout() {
    let p = wait_for_plan();
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(sent_at(&sim, "bye"), ["11-05 10:00"]);
    assert!(lines(&sim)
        .iter()
        .any(|l| l == "11-05 10:00 n1 timed out waiting for project_created"));
}

#[test]
fn wait_for_event_exactly_at_the_timeout_is_in_time() {
    let p = wait_for_plan();
    let start = at("2026-11-02T10:00", "UTC");
    let deadline = at("2026-11-05T10:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            event(&start, "signed_up"),
            event_with(
                &deadline,
                "project_created",
                vec![("name", Val::Str("Late".into()))],
            ),
        ],
    );
    assert_eq!(sent_at(&sim, "congrats"), ["11-05 10:00"]);
}

#[test]
fn branch_takes_the_first_true_condition_else_otherwise() {
    let p = plan(json!({ "nodes": {
        "n1": wait(1, 0, Some("n2")),
        "n2": { "kind": "branch", "cases": [ { "when": performed("project_created"), "next": "n3" } ], "otherwise": "n4" },
        "n3": send("tips", None),
        "n4": send("bye", None)
    } }));
    let start = at("2026-11-02T10:00", "UTC");
    let with = run(
        &p,
        "UTC",
        &start,
        vec![
            event(&start, "signed_up"),
            event(&at("2026-11-03T06:00", "UTC"), "project_created"),
        ],
    );
    assert_eq!(sent_at(&with, "tips"), ["11-03 10:00"]);
    assert!(sent_at(&with, "bye").is_empty());
    let without = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(sent_at(&without, "bye"), ["11-03 10:00"]);
    assert!(lines(&without).iter().any(|l| l.ends_with("branch: else")));
}

fn split_plan() -> Plan {
    plan(json!({ "nodes": {
        "n1": { "kind": "split", "name": "offer_test", "variants": [
            { "name": "a", "percent": "50", "from_bucket": 0, "to_bucket": 5000, "next": "n2" },
            { "name": "b", "percent": "50", "from_bucket": 5000, "to_bucket": 10000, "next": "n3" } ] },
        "n2": send("tips", None),
        "n3": send("bye", None)
    } }))
}

#[test]
fn split_follows_the_hash_unless_forced() {
    let p = split_plan();
    let start = at("2026-11-02T10:00", "UTC");
    let bucket = crate::plan::assign::bucket("linh", "demo", "offer_test");
    let hashed = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    let (want, other) = if bucket < 5000 {
        ("tips", "bye")
    } else {
        ("bye", "tips")
    };
    assert_eq!(sent_at(&hashed, want).len(), 1);
    assert!(sent_at(&hashed, other).is_empty());
    let forced_variant = if bucket < 5000 { "b" } else { "a" };
    let forced = run_with(
        &p,
        customer("UTC"),
        &start,
        vec![event(&start, "signed_up")],
        Forced {
            held_out: None,
            splits: vec![("offer_test".into(), forced_variant.into())],
        },
    );
    assert_eq!(sent_at(&forced, other).len(), 1);
    assert!(sent_at(&forced, want).is_empty());
}

#[test]
fn set_changes_the_attribute_and_exit_ends_the_journey() {
    let p = plan(json!({ "nodes": {
        "n1": { "kind": "set", "attribute": "loyalty_points",
                "value": { "op": "arith", "kind": "+",
                           "lhs": { "op": "attr", "name": "loyalty_points", "type": "int" },
                           "rhs": { "op": "literal", "value": { "type": "int", "value": 100 } } },
                "next": "n2" },
        "n2": { "kind": "exit" }
    } }));
    let start = at("2026-11-02T10:00", "UTC");
    let mut c = customer("UTC");
    c.set_attr("loyalty_points", Val::Int(120));
    let sim = run_with(
        &p,
        c,
        &start,
        vec![event(&start, "signed_up")],
        Forced::default(),
    );
    assert_eq!(sim.customer.attr("loyalty_points"), &Val::Int(220));
    assert_eq!(outcome(&sim), Some(Outcome::Exited));
}

#[test]
fn the_simulation_is_deterministic() {
    let p = wait_for_plan();
    let start = at("2026-11-02T10:00", "UTC");
    let a = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    let b = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(a.timeline.to_text(), b.timeline.to_text());
    assert_eq!(a.timeline.to_json(), b.timeline.to_json());
}

#[test]
fn a_missing_node_ends_the_journey_with_a_plan_error() {
    let p = plan(json!({ "nodes": { "n1": send("hello", Some("nowhere")) } }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert!(lines(&sim)
        .iter()
        .any(|l| l.contains("the plan has no node `nowhere`")));
}

#[test]
fn a_journey_still_running_at_the_horizon_is_marked_stopped() {
    let p = plan(json!({ "nodes": { "n1": wait(100, 0, Some("n2")), "n2": send("hello", None) } }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert!(sent_at(&sim, "hello").is_empty());
    assert_eq!(outcome(&sim), None);
    let last = lines(&sim).pop().unwrap_or_default();
    assert!(last.starts_with("01-01 10:00 - stopped:"), "{last}");
}

#[test]
fn an_event_at_the_end_of_a_wait_is_seen_by_the_next_step() {
    let p = plan(json!({ "nodes": {
        "n1": wait(1, 0, Some("n2")),
        "n2": { "kind": "branch", "cases": [ { "when": performed("project_created"), "next": "n3" } ], "otherwise": null },
        "n3": send("tips", None)
    } }));
    let start = at("2026-11-02T10:00", "UTC");
    let same_instant = at("2026-11-03T10:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            event(&start, "signed_up"),
            event(&same_instant, "project_created"),
        ],
    );
    assert_eq!(sent_at(&sim, "tips"), ["11-03 10:00"]);
}

/// `goal` is checked again after a `set` step at the same instant: the
/// set makes it hold, so the send after it never runs. (The steps before,
/// a send and a branch, change nothing the goal reads.)
#[test]
fn a_set_step_that_makes_the_goal_hold_converts_before_the_next_step() {
    let is_vip = json!({ "op": "compare", "cmp": "==",
        "lhs": { "op": "attr", "name": "tier", "type": "string?" },
        "rhs": { "op": "literal", "value": { "type": "string", "value": "vip" } } });
    let p = plan(json!({
        "goal": is_vip,
        "nodes": {
            "n1": send("hello", Some("n2")),
            "n2": { "kind": "branch", "cases": [], "otherwise": "n3" },
            "n3": { "kind": "set", "attribute": "tier",
                    "value": { "op": "literal", "value": { "type": "string", "value": "vip" } },
                    "next": "n4" },
            "n4": send("bye", None)
        }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(sent_at(&sim, "hello").len(), 1, "{:#?}", lines(&sim));
    assert!(sent_at(&sim, "bye").is_empty(), "{:#?}", lines(&sim));
    assert_eq!(outcome(&sim), Some(Outcome::Converted));
}

/// The coverage page runs each campaign alone with the project's limit
/// off (`without_pressure`): the send the limit holds back is made.
#[test]
fn without_pressure_the_limit_holds_no_send_back() {
    use super::journey::{simulate, Options};
    let p = plan(json!({
        "policies": {
            "send_window": null, "cap": null, "holdout": null,
            "pressure": { "count": 1, "per": { "days": 1, "seconds": 0 } }
        },
        "nodes": { "n1": send("hello", Some("n2")), "n2": send("tips", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let limited = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(sent_at(&limited, "hello"), ["11-02 10:00"]);
    assert!(
        sent_at(&limited, "tips").is_empty(),
        "{:?}",
        lines(&limited)
    );

    let until = at("2026-11-09T10:00", "UTC").timestamp();
    let options = Options {
        start: start.timestamp(),
        until,
        horizon: until,
        forced: Forced::default(),
        without_pressure: true,
    };
    let unlimited = simulate(
        &p,
        customer("UTC"),
        vec![event(&start, "signed_up")],
        &options,
        &crate::template::Renderer::new(),
    );
    assert_eq!(sent_at(&unlimited, "hello"), ["11-02 10:00"]);
    assert_eq!(sent_at(&unlimited, "tips"), ["11-02 10:00"]);
}
