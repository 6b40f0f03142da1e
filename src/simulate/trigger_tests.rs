//! The engine on small hand-written plans: triggers of every kind, the
//! audience, reentry, goal and exit, consent, holdout, window and cap.

use super::journey::{simulate, Forced, Options};
use super::test_support::*;
use super::timeline::Outcome;
use super::value::Val;
use crate::template::Renderer;
use serde_json::json;

#[test]
fn unknown_customer_locale_falls_back_to_the_default_locale() {
    let p = plan(json!({ "nodes": { "n1": send("hello", None) } }));
    let start = at("2026-11-02T10:00", "UTC");
    let mut c = customer("UTC");
    c.set_attr("locale", Val::Str("cs".into()));
    let sim = run_with(
        &p,
        c,
        &start,
        vec![event(&start, "signed_up")],
        Forced::default(),
    );
    assert!(lines(&sim)
        .iter()
        .any(|l| l.contains("sent hello (push, en)")));
}

#[test]
fn send_outside_the_window_is_deferred_to_its_opening() {
    let p = plan(json!({
        "policies": { "send_window": { "start": "09:00", "end": "20:00" }, "cap": null, "holdout": null },
        "nodes": { "n1": send("hello", None) }
    }));
    let start = at("2026-11-02T06:30", "Asia/Ho_Chi_Minh");
    let sim = run(
        &p,
        "Asia/Ho_Chi_Minh",
        &start,
        vec![event(&start, "signed_up")],
    );
    assert_eq!(sent_at(&sim, "hello"), ["11-02 09:00"]);
    assert!(lines(&sim).iter().any(|l| l.starts_with(
        "11-02 06:30 n1 deferred hello: outside the send window until 2026-11-02 09:00"
    )));
}

#[test]
fn cap_defers_the_extra_send_until_the_oldest_leaves_the_window() {
    let p = plan(json!({
        "policies": { "send_window": null, "cap": { "count": 1, "per": { "days": 1, "seconds": 0 } }, "holdout": null },
        "nodes": { "n1": send("hello", Some("n2")), "n2": wait(0, 3600, Some("n3")), "n3": send("tips", Some("n4")), "n4": send("bye", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert_eq!(sent_at(&sim, "hello"), ["11-02 10:00"]);
    assert_eq!(sent_at(&sim, "tips"), ["11-03 10:00"]);
    assert_eq!(sent_at(&sim, "bye"), ["11-04 10:00"]);
    assert!(lines(&sim)
        .iter()
        .any(|l| l == "11-02 11:00 n3 deferred tips: frequency cap reached until 2026-11-03 10:00 (Tue) +00:00"));
}

#[test]
fn goal_converts_when_its_event_arrives() {
    let p = plan(json!({
        "goal": { "op": "performed", "event": "subscription_started", "where": null,
                  "within": { "days": 14, "seconds": 0 }, "since_entry": false },
        "nodes": { "n1": wait(7, 0, Some("n2")), "n2": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let buy = at("2026-11-04T08:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            event(&start, "signed_up"),
            event(&buy, "subscription_started"),
        ],
    );
    let ends: Vec<_> = sim
        .timeline
        .endings()
        .map(|(z, o)| (z.timestamp(), o))
        .collect();
    assert_eq!(ends, [(buy.timestamp(), Outcome::Converted)]);
    assert!(sent_at(&sim, "hello").is_empty());
}

#[test]
fn goal_within_counts_from_entry_not_from_now() {
    // Subscribed 20 days before entering: not a conversion of this journey.
    let p = plan(json!({
        "goal": { "op": "performed", "event": "subscription_started", "where": null,
                  "within": { "days": 14, "seconds": 0 }, "since_entry": false },
        "nodes": { "n1": send("hello", None) }
    }));
    let early = at("2026-10-13T10:00", "UTC");
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &early,
        vec![
            event(&early, "subscription_started"),
            event(&start, "signed_up"),
        ],
    );
    assert_eq!(outcome(&sim), Some(Outcome::Completed));
}

#[test]
fn exit_when_ends_the_journey_when_an_attribute_changes() {
    let p = plan(json!({
        "exit": { "op": "compare", "cmp": "==",
                  "lhs": { "op": "attr", "name": "plan", "type": "enum(free, trial, pro, enterprise)" },
                  "rhs": { "op": "literal", "value": { "type": "enum", "value": "enterprise" } } },
        "nodes": { "n1": wait(2, 0, Some("n2")), "n2": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let change = at("2026-11-03T10:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            event(&start, "signed_up"),
            set(&change, "plan", Val::Enum("enterprise".into())),
        ],
    );
    let ends: Vec<_> = sim
        .timeline
        .endings()
        .map(|(z, o)| (z.timestamp(), o))
        .collect();
    assert_eq!(ends, [(change.timestamp(), Outcome::Exited)]);
    assert!(sent_at(&sim, "hello").is_empty());
}

#[test]
fn marketing_without_consent_is_skipped_and_transactional_is_not() {
    let mut nodes = json!({ "n1": send("hello", Some("n2")), "n2": send("tips", None) });
    nodes["n1"]["consent"] = json!({ "attribute": "push_opt_in" });
    nodes["n2"]["category"] = json!("transactional");
    let p = plan(json!({ "nodes": nodes }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert!(sent_at(&sim, "hello").is_empty());
    assert_eq!(sent_at(&sim, "tips").len(), 1);
    assert!(lines(&sim)
        .iter()
        .any(|l| l.contains("skipped hello: no consent (push_opt_in is not true)")));
}

#[test]
fn held_out_customers_follow_the_flow_without_sends() {
    let p = plan(json!({
        "policies": { "send_window": null, "cap": null,
                      "holdout": { "percent": "10", "salt": "holdout", "to_bucket": 1000 } },
        "nodes": { "n1": send("hello", Some("n2")), "n2": wait(1, 0, Some("n3")), "n3": send("tips", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let forced = Forced {
        held_out: Some(true),
        splits: Vec::new(),
    };
    let sim = run_with(
        &p,
        customer("UTC"),
        &start,
        vec![event(&start, "signed_up")],
        forced,
    );
    assert!(sent_at(&sim, "hello").is_empty());
    assert!(sent_at(&sim, "tips").is_empty());
    let held: Vec<String> = lines(&sim)
        .into_iter()
        .filter(|l| l.contains("held out (control group)"))
        .collect();
    assert_eq!(
        held,
        [
            "11-02 10:00 n1 skipped hello: held out (control group)",
            "11-03 10:00 n3 skipped tips: held out (control group)"
        ]
    );
    assert_eq!(outcome(&sim), Some(Outcome::Completed));
}

#[test]
fn holdout_by_hash_matches_the_bucket() {
    let p = plan(json!({
        "policies": { "send_window": null, "cap": null,
                      "holdout": { "percent": "50", "salt": "holdout", "to_bucket": 5000 } },
        "nodes": { "n1": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    let held = crate::plan::assign::is_held_out("linh", "demo", 5000);
    assert_eq!(sent_at(&sim, "hello").is_empty(), held);
}

#[test]
fn reentry_never_and_after() {
    let nodes = json!({ "n1": send("hello", None) });
    let start = at("2026-11-02T10:00", "UTC");
    let again = at("2026-11-02T12:00", "UTC");
    let much_later = at("2026-11-05T12:00", "UTC");
    let inputs = || {
        vec![
            event(&start, "signed_up"),
            event(&again, "signed_up"),
            event(&much_later, "signed_up"),
        ]
    };
    let never = run(&plan(json!({ "nodes": nodes })), "UTC", &start, inputs());
    assert_eq!(sent_at(&never, "hello"), ["11-02 10:00"]);
    assert!(lines(&never)
        .iter()
        .any(|l| l.contains("did not enter: already entered once (reentry never)")));
    let after = plan(
        json!({ "nodes": nodes, "reentry": { "kind": "after", "after": { "days": 1, "seconds": 0 } } }),
    );
    let sim = run(&after, "UTC", &start, inputs());
    assert_eq!(sent_at(&sim, "hello"), ["11-02 10:00", "11-05 12:00"]);
}

#[test]
fn audience_is_checked_at_entry() {
    let p = plan(json!({
        "audience": { "op": "compare", "cmp": "==",
                      "lhs": { "op": "attr", "name": "plan", "type": "enum(free, trial)" },
                      "rhs": { "op": "literal", "value": { "type": "enum", "value": "trial" } } },
        "nodes": { "n1": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&start, "signed_up")]);
    assert!(lines(&sim)
        .iter()
        .any(|l| l.ends_with("did not enter: not in the audience")));
    let mut c = customer("UTC");
    c.set_attr("plan", Val::Enum("trial".into()));
    let sim = run_with(
        &p,
        c,
        &start,
        vec![event(&start, "signed_up")],
        Forced::default(),
    );
    assert_eq!(sent_at(&sim, "hello").len(), 1);
}

#[test]
fn trigger_changed_to_value() {
    let p = plan(json!({
        "trigger": { "kind": "changed", "attribute": "loyalty_tier", "to": { "type": "enum", "value": "gold" } },
        "nodes": { "n1": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let silver = at("2026-11-03T10:00", "UTC");
    let gold = at("2026-11-04T10:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            set(&silver, "loyalty_tier", Val::Enum("silver".into())),
            set(&gold, "loyalty_tier", Val::Enum("gold".into())),
        ],
    );
    assert_eq!(sent_at(&sim, "hello"), ["11-04 10:00"]);
}

#[test]
fn trigger_enters_segment_on_change_and_with_time() {
    // lapsed = performed order_placed and not performed order_placed within 30d
    let lapsed = json!({ "op": "and", "args": [
        { "op": "performed", "event": "order_placed", "where": null, "within": null, "since_entry": false },
        { "op": "not", "arg": { "op": "performed", "event": "order_placed", "where": null,
                                "within": { "days": 30, "seconds": 0 }, "since_entry": false } } ] });
    let p = plan(json!({
        "trigger": { "kind": "enters", "segment": "lapsed" },
        "segments": [ { "name": "lapsed", "doc": null, "expr": lapsed } ],
        "nodes": { "n1": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "UTC");
    let order = at("2026-11-02T10:30", "UTC");
    let sim = run(&p, "UTC", &start, vec![event(&order, "order_placed")]);
    // 30 days later the order is exactly 30d old (still within); the next
    // hourly check after that enters.
    assert_eq!(sent_at(&sim, "hello"), ["12-02 11:00"]);
}

#[test]
fn trigger_every_day_fires_on_schedule() {
    let p = plan(json!({
        "trigger": { "kind": "every", "period": "day", "weekday": null, "day_of_month": null, "at": "09:00" },
        "reentry": { "kind": "after", "after": { "days": 0, "seconds": 60 } },
        "nodes": { "n1": send("hello", None) }
    }));
    let start = at("2026-11-02T10:00", "Asia/Shanghai");
    let horizon = at("2026-11-05T10:00", "Asia/Shanghai");
    let options = Options {
        start: start.timestamp(),
        until: horizon.timestamp(),
        horizon: horizon.timestamp(),
        forced: Forced::default(),
        without_pressure: false,
    };
    let sim = simulate(
        &p,
        customer("Asia/Shanghai"),
        vec![],
        &options,
        &Renderer::new(),
    );
    assert_eq!(
        sent_at(&sim, "hello"),
        ["11-03 09:00", "11-04 09:00", "11-05 09:00"]
    );
}
