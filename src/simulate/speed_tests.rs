//! The simulator's shortcuts give the results of the long way: a replay
//! is a simulation without rendered texts, the hourly re-check of a
//! segment that does not read the clock is left out, and the unsafe links
//! of an email are found without rendering its HTML.

use super::eval::reads_clock;
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
fn which_conditions_read_the_clock() {
    let p = segment_plan(attr_is_annual());
    let seg = |name: &str| Expr::Segment { name: name.into() };
    assert!(!reads_clock(&p, &seg("annual"), 0));
    let ever = json!({ "op": "performed", "event": "order_placed", "where": null, "within": null, "since_entry": false });
    let within = json!({ "op": "performed", "event": "order_placed", "where": null,
                         "within": { "days": 30, "seconds": 0 }, "since_entry": false });
    let now = json!({ "op": "compare", "cmp": "<",
                      "lhs": { "op": "attr", "name": "renews_at", "type": "time" }, "rhs": { "op": "now" } });
    for (expr, reads) in [
        (
            json!({ "op": "and", "args": [attr_is_annual(), ever] }),
            false,
        ),
        (
            json!({ "op": "and", "args": [attr_is_annual(), within] }),
            true,
        ),
        (
            json!({ "op": "or", "args": [attr_is_annual(), { "op": "not", "arg": now }] }),
            true,
        ),
        (performed("order_placed"), true),
    ] {
        let p = segment_plan(expr.clone());
        assert_eq!(reads_clock(&p, &seg("annual"), 0), reads, "{expr}");
    }
    // A segment the plan does not have is unset whatever the time.
    assert!(!reads_clock(&p, &seg("missing"), 0));
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
