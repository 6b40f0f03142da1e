//! The simulator's shortcuts give the results of the long way: a replay
//! is a simulation without rendered texts, the hourly re-check of a
//! segment that does not read the clock is left out, a run the customer's
//! attributes shut out enters nobody, and the unsafe links of an email are
//! found without rendering its HTML.

use super::eval::{reads, Reads};
use super::journey::{replay, simulate, Forced, Options};
use super::test_support::*;
use super::timeline::Happening;
use super::value::Val;
use crate::plan::format::Expr;
use crate::template::Renderer;
use serde_json::json;

#[test]
fn a_replay_is_the_simulation_without_rendered_fields() {
    let p = plan(json!({
        "policies": { "send_window": { "start": "09:00", "end": "20:00" }, "cap": null, "holdout": null },
        "goal": performed("order_placed"),
        "nodes": {
            "n1": send("hello", Some("n2")),
            "n2": wait(1, 0, Some("n3")),
            "n3": send("tips", None)
        }
    }));
    let start = at("2026-11-02T08:00", "Asia/Ho_Chi_Minh");
    let inputs = vec![
        event(&at("2026-11-02T21:30", "Asia/Ho_Chi_Minh"), "signed_up"),
        event(&at("2026-11-03T07:00", "Asia/Ho_Chi_Minh"), "app_opened"),
    ];
    let horizon = at("2026-12-02T08:00", "Asia/Ho_Chi_Minh").timestamp();
    let options = Options {
        start: start.timestamp(),
        until: horizon,
        horizon,
        forced: Forced::default(),
        without_pressure: false,
    };
    let full = simulate(
        &p,
        customer("Asia/Ho_Chi_Minh"),
        inputs.clone(),
        &options,
        &Renderer::new(),
    );
    let counted = replay(&p, customer("Asia/Ho_Chi_Minh"), inputs, &options);
    let mut without_texts = full.timeline.clone();
    let mut rendered = 0;
    for e in &mut without_texts.entries {
        if let Happening::Sent { fields, .. } = &mut e.what {
            assert!(!fields.is_empty(), "simulate renders every send");
            rendered += 1;
            fields.clear();
        }
    }
    assert_eq!(rendered, 2, "{:?}", lines(&full));
    assert_eq!(counted.timeline, without_texts);
    assert_eq!(counted.customer.events, full.customer.events);
}

fn segment_plan(expr: serde_json::Value) -> crate::plan::format::Plan {
    plan(json!({
        "trigger": { "kind": "enters", "segment": "annual" },
        "segments": [ { "name": "annual", "doc": null, "expr": expr } ],
        "nodes": { "n1": send("hello", None) }
    }))
}

fn attr_is_annual() -> serde_json::Value {
    json!({ "op": "compare", "cmp": "==",
            "lhs": { "op": "attr", "name": "plan", "type": "string" },
            "rhs": { "op": "literal", "value": { "type": "string", "value": "annual" } } })
}

#[test]
fn which_conditions_read_the_clock_and_which_read_events() {
    let p = segment_plan(attr_is_annual());
    let seg = |name: &str| Expr::Segment { name: name.into() };
    let nothing = Reads::default();
    assert_eq!(reads(&p, &seg("annual"), 0), nothing);
    assert!(reads(&p, &seg("annual"), 0).attributes_only());
    let ever = json!({ "op": "performed", "event": "order_placed", "where": null, "within": null, "since_entry": false });
    let within = json!({ "op": "performed", "event": "order_placed", "where": null,
                         "within": { "days": 30, "seconds": 0 }, "since_entry": false });
    let now = json!({ "op": "compare", "cmp": "<",
                      "lhs": { "op": "attr", "name": "renews_at", "type": "time" }, "rhs": { "op": "now" } });
    for (expr, clock, events) in [
        (
            json!({ "op": "and", "args": [attr_is_annual(), ever] }),
            false,
            true,
        ),
        (
            json!({ "op": "and", "args": [attr_is_annual(), within] }),
            true,
            true,
        ),
        (
            json!({ "op": "or", "args": [attr_is_annual(), { "op": "not", "arg": now }] }),
            true,
            false,
        ),
        (performed("order_placed"), true, true),
    ] {
        let p = segment_plan(expr.clone());
        assert_eq!(
            reads(&p, &seg("annual"), 0),
            Reads { clock, events },
            "{expr}"
        );
    }
    // A segment the plan does not have is unset whatever happens.
    assert_eq!(reads(&p, &seg("missing"), 0), nothing);
}

#[test]
fn a_segment_without_the_clock_is_entered_when_an_input_changes_it() {
    let p = segment_plan(attr_is_annual());
    let start = at("2026-11-02T10:00", "UTC");
    let sim = run(
        &p,
        "UTC",
        &start,
        vec![
            set(
                &at("2026-11-02T10:20", "UTC"),
                "plan",
                Val::Str("monthly".into()),
            ),
            set(
                &at("2026-11-05T13:45", "UTC"),
                "plan",
                Val::Str("annual".into()),
            ),
        ],
    );
    assert_eq!(sent_at(&sim, "hello"), ["11-05 13:45"], "{:?}", lines(&sim));
    assert_eq!(
        lines(&sim),
        [
            "11-02 10:20 - attribute plan set to \"monthly\"",
            "11-05 13:45 - attribute plan set to \"annual\"",
            "11-05 13:45 - entered the campaign",
            "11-05 13:45 n1 sent hello (push, en)",
            "11-05 13:45 - completed (reached the end of the flow)",
        ]
    );
}

/// `plan == "annual"`, `performed order_placed` and `balance + 1 > 0`
/// (which fails for the largest int), for building audiences.
fn annual() -> serde_json::Value {
    attr_is_annual()
}

fn ordered() -> serde_json::Value {
    json!({ "op": "performed", "event": "order_placed", "where": null, "within": null, "since_entry": false })
}

fn balance_grows() -> serde_json::Value {
    json!({ "op": "compare", "cmp": ">",
            "lhs": { "op": "arith", "kind": "+",
                     "lhs": { "op": "attr", "name": "balance", "type": "int" },
                     "rhs": { "op": "literal", "value": { "type": "int", "value": 1 } } },
            "rhs": { "op": "literal", "value": { "type": "int", "value": 0 } } })
}

#[test]
fn a_customer_the_attributes_shut_out_is_never_entered() {
    use super::shut_out;
    let daily = json!({ "kind": "every", "period": "day", "weekday": null, "day_of_month": null, "at": "09:00" });
    let enters = json!({ "kind": "enters", "segment": "annual" });
    let event = json!({ "kind": "event", "event": "order_placed", "where": null });
    let filtered = json!({ "kind": "event", "event": "order_placed",
                           "where": { "op": "literal", "value": { "type": "bool", "value": true } } });
    let segment = json!({ "op": "segment", "name": "annual" });
    let not = |e: serde_json::Value| json!({ "op": "not", "arg": e });
    let and = |a: serde_json::Value, b: serde_json::Value| json!({ "op": "and", "args": [a, b] });
    let or = |a: serde_json::Value, b: serde_json::Value| json!({ "op": "or", "args": [a, b] });
    let null = serde_json::Value::Null;
    // (trigger, audience, segment `annual`, shut out for a monthly
    // customer, for an annual one, for an annual one whose balance makes
    // `balance + 1` overflow)
    let cases = [
        (&daily, annual(), annual(), true, false, false),
        (&daily, segment.clone(), annual(), true, false, false),
        (&daily, not(annual()), annual(), false, true, true),
        // Left to right, as evaluated: a settled first argument decides.
        (
            &daily,
            and(annual(), ordered()),
            annual(),
            true,
            false,
            false,
        ),
        (
            &daily,
            and(ordered(), annual()),
            annual(),
            false,
            false,
            false,
        ),
        (
            &daily,
            or(annual(), not(balance_grows())),
            annual(),
            true,
            false,
            false,
        ),
        (
            &daily,
            or(annual(), ordered()),
            annual(),
            false,
            false,
            false,
        ),
        (
            &daily,
            or(ordered(), not(annual())),
            annual(),
            false,
            false,
            false,
        ),
        // An audience that fails to evaluate is reported, not left out.
        (
            &daily,
            and(annual(), balance_grows()),
            annual(),
            true,
            false,
            false,
        ),
        (&daily, not(balance_grows()), annual(), true, true, false),
        (&daily, null.clone(), annual(), false, false, false),
        (&event, annual(), annual(), true, false, false),
        // The trigger's `where` comes first and could fail.
        (&filtered, annual(), annual(), false, false, false),
        // Membership the attributes settle is never entered.
        (&enters, null.clone(), annual(), true, true, true),
        (&enters, null.clone(), balance_grows(), true, true, false),
        (
            &enters,
            null.clone(),
            and(annual(), ordered()),
            true,
            false,
            false,
        ),
        (&enters, null.clone(), ordered(), false, false, false),
    ];
    let start = at("2026-11-02T08:00", "UTC");
    let inputs = || {
        vec![
            super::test_support::event(&at("2026-11-03T10:00", "UTC"), "order_placed"),
            super::test_support::event(&at("2026-11-20T10:00", "UTC"), "order_placed"),
        ]
    };
    for (trigger, audience, annual_is, monthly_out, annual_out, overflow_out) in cases {
        let p = plan(json!({
            "trigger": trigger,
            "audience": audience,
            "reentry": { "kind": "after", "after": { "days": 1, "seconds": 0 } },
            "segments": [ { "name": "annual", "doc": null, "expr": annual_is } ],
            "nodes": { "n1": send("hello", None) }
        }));
        let customers = [
            ("monthly", 0, monthly_out),
            ("annual", 0, annual_out),
            ("annual", i64::MAX, overflow_out),
        ];
        for (kind, balance, expected) in customers {
            let mut c = customer("UTC");
            c.set_attr("plan", Val::Str(kind.into()));
            c.set_attr("balance", Val::Int(balance));
            let case = format!("{trigger} / {audience} / {annual_is}: {kind}, balance {balance}");
            assert_eq!(
                shut_out(&p, &c, &c.zoned(start.timestamp())),
                expected,
                "{case}"
            );
            if expected {
                // What leaving the run out must not lose.
                let sim = run_with(&p, c, &start, inputs(), Forced::default());
                let entered_or_failed = sim
                    .timeline
                    .entries
                    .iter()
                    .any(|e| matches!(e.what, Happening::Entered | Happening::Error { .. }));
                assert!(!entered_or_failed, "{case}: {:?}", lines(&sim));
            }
        }
    }
}
