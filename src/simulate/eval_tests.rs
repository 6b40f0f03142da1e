//! Expression evaluation: event windows (and their edges), unset values,
//! arithmetic on times and money, segments and scores from the plan.

use super::customer::{Customer, PastEvent};
use super::eval::{literal, parse_num, Scope};
use super::value::{Num, Val};
use crate::plan::format::{Expr, Plan};
use jiff::Zoned;
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn plan(segments: Value, scores: Value) -> Plan {
    serde_json::from_value(json!({
        "format": "campaignc.plan/v2", "campaign": "demo", "stage": "retention", "doc": null,
        "source": { "file": "demo.camp", "line": 1, "nodes": {} },
        "trigger": { "kind": "event", "event": "signed_up", "where": null },
        "audience": null, "reentry": { "kind": "never" }, "goal": null, "exit": null,
        "policies": { "send_window": null, "cap": null, "holdout": null },
        "locales": ["en"], "default_locale": "en",
        "customer": { "locale": { "attribute": "locale", "default": "en" },
                      "timezone": { "attribute": "timezone", "default": "Europe/Prague" }, "channels": {} },
        "assignment": { "algorithm": "sha256-u64be-mod-10000", "key": "", "buckets": 10000 },
        "segments": segments, "scores": scores, "entry": null, "nodes": {}, "messages": {}, "hash": ""
    }))
    .expect("test plan")
}

fn expr(v: Value) -> Expr {
    serde_json::from_value(v).expect("test expression")
}

fn at(s: &str) -> Zoned {
    let dt: jiff::civil::DateTime = s.parse().expect("datetime");
    dt.in_tz("Europe/Prague").expect("zone")
}

fn customer_with_orders(orders: &[(&str, &str)]) -> Customer {
    let p = plan(json!([]), json!([]));
    let mut c = Customer::new("c1", BTreeMap::new(), &p.customer);
    for (when, total) in orders {
        c.record_event(PastEvent {
            name: "order_placed".into(),
            at: at(when).timestamp(),
            props: Val::Record(vec![(
                "total".into(),
                Val::Money {
                    amount: parse_num(total).expect("amount"),
                    currency: "USD".into(),
                },
            )])
            .into(),
        });
    }
    c
}

fn eval(plan: &Plan, c: &Customer, now: &Zoned, e: &Expr) -> Val {
    try_eval(plan, c, now, e).expect("no runtime error")
}

fn try_eval(
    plan: &Plan,
    c: &Customer,
    now: &Zoned,
    e: &Expr,
) -> Result<Val, super::eval::EvalError> {
    let empty = super::eval::InScope::default();
    Scope {
        plan,
        customer: c,
        now,
        entry: None,
        in_scope: &empty,
        goal_anchor: false,
        window_ends: None,
    }
    .value(e)
}

fn count_within(days: i64) -> Expr {
    expr(
        json!({ "op": "count", "event": "order_placed", "where": null,
                 "within": { "days": days, "seconds": 0 }, "since_entry": false }),
    )
}

#[test]
fn within_30d_includes_an_event_exactly_30_days_old() {
    let p = plan(json!([]), json!([]));
    let c = customer_with_orders(&[("2026-01-01T10:00", "10")]);
    let e = count_within(30);
    assert_eq!(
        eval(&p, &c, &at("2026-01-31T10:00"), &e),
        Val::Int(1),
        "exactly 30d: inside"
    );
    assert_eq!(
        eval(&p, &c, &at("2026-01-31T10:01"), &e),
        Val::Int(0),
        "30d1m: outside"
    );
}

#[test]
fn within_counts_calendar_days_across_dst() {
    // 2026-03-01 10:00 +01:00 to 2026-03-31 10:00 +02:00 is 30 calendar
    // days but 719 hours: still within 30d.
    let p = plan(json!([]), json!([]));
    let c = customer_with_orders(&[("2026-03-01T10:00", "10")]);
    assert_eq!(
        eval(&p, &c, &at("2026-03-31T10:00"), &count_within(30)),
        Val::Int(1)
    );
}

#[test]
fn sum_adds_money_exactly_and_filters_with_where() {
    let p = plan(json!([]), json!([]));
    let c = customer_with_orders(&[
        ("2026-01-01T10:00", "19.90"),
        ("2026-01-02T10:00", "40.00"),
        ("2026-01-03T10:00", "5.05"),
    ]);
    let sum = expr(
        json!({ "op": "sum", "event": "order_placed", "property": "total", "type": "money(USD)",
        "where": { "op": "compare", "cmp": ">=",
                   "lhs": { "op": "event_field", "scope": "filtered", "event": "order_placed", "path": ["total"], "type": "money(USD)" },
                   "rhs": { "op": "literal", "value": { "type": "money", "amount": "10", "currency": "USD" } } },
        "within": null, "since_entry": false }),
    );
    let v = eval(&p, &c, &at("2026-02-01T10:00"), &sum);
    assert_eq!(v.display(), "59.90 USD");
}

#[test]
fn unset_values_make_every_comparison_false() {
    let p = plan(json!([]), json!([]));
    let c = customer_with_orders(&[]);
    let now = at("2026-01-05T10:00");
    for cmp in ["==", "!=", "<", ">="] {
        let e = expr(json!({ "op": "compare", "cmp": cmp,
            "lhs": { "op": "attr", "name": "first_name", "type": "string?" },
            "rhs": { "op": "literal", "value": { "type": "string", "value": "Ana" } } }));
        assert_eq!(eval(&p, &c, &now, &e), Val::Bool(false), "{cmp}");
    }
    let not_in = expr(json!({ "op": "in", "negated": true,
        "lhs": { "op": "attr", "name": "first_name", "type": "string?" },
        "items": [ { "op": "literal", "value": { "type": "string", "value": "Ana" } } ] }));
    assert_eq!(eval(&p, &c, &now, &not_in), Val::Bool(false));
    let is_not_set = expr(json!({ "op": "is_set", "negated": true,
        "arg": { "op": "attr", "name": "first_name", "type": "string?" } }));
    assert_eq!(eval(&p, &c, &now, &is_not_set), Val::Bool(true));
}

#[test]
fn now_minus_days_is_calendar_arithmetic() {
    let p = plan(json!([]), json!([]));
    let c = customer_with_orders(&[]);
    let e = expr(json!({ "op": "arith", "kind": "-", "lhs": { "op": "now" },
        "rhs": { "op": "literal", "value": { "type": "duration", "days": 1, "seconds": 0 } } }));
    let v = eval(&p, &c, &at("2026-03-30T10:00"), &e);
    assert_eq!(v, Val::Time(at("2026-03-29T10:00").timestamp()));
}

#[test]
fn last_is_unset_until_the_event_happens() {
    let p = plan(json!([]), json!([]));
    let e = expr(json!({ "op": "last", "event": "order_placed" }));
    let none = customer_with_orders(&[]);
    assert_eq!(eval(&p, &none, &at("2026-01-05T10:00"), &e), Val::Unset);
    let some = customer_with_orders(&[("2026-01-01T10:00", "1"), ("2026-01-03T10:00", "1")]);
    assert_eq!(
        eval(&p, &some, &at("2026-01-05T10:00"), &e),
        Val::Time(at("2026-01-03T10:00").timestamp())
    );
}

#[test]
fn segments_and_scores_come_from_the_plan_tables() {
    let p = plan(
        json!([ { "name": "engaged", "doc": null, "expr": {
            "op": "compare", "cmp": ">=", "lhs": { "op": "score", "name": "engagement" },
            "rhs": { "op": "literal", "value": { "type": "int", "value": 15 } } } } ]),
        json!([ { "name": "engagement", "doc": null, "rules": [
            { "kind": "per_event", "points": 5, "event": "order_placed", "where": null,
              "within": { "days": 30, "seconds": 0 }, "since_entry": false, "max": 10 },
            { "kind": "if", "points": 7, "when": { "op": "literal", "value": { "type": "bool", "value": true } } } ] } ]),
    );
    let c = customer_with_orders(&[
        ("2026-01-01T10:00", "1"),
        ("2026-01-02T10:00", "1"),
        ("2026-01-03T10:00", "1"),
    ]);
    let now = at("2026-01-05T10:00");
    // 3 orders × 5 = 15, capped at 10, plus 7.
    assert_eq!(
        eval(
            &p,
            &c,
            &now,
            &expr(json!({ "op": "score", "name": "engagement" }))
        ),
        Val::Int(17)
    );
    assert_eq!(
        eval(
            &p,
            &c,
            &now,
            &expr(json!({ "op": "segment", "name": "engaged" }))
        ),
        Val::Bool(true)
    );
}

#[test]
fn a_segment_is_found_by_name_in_any_order_of_the_plan() {
    let literal = |name: &str, value: bool| {
        json!({ "name": name, "doc": null,
                "expr": { "op": "literal", "value": { "type": "bool", "value": value } } })
    };
    let members = [("a", false), ("b", true), ("m", false), ("z", true)];
    // Name order (bisection finds them), and a dependency order that is
    // not (bisection misses some, the scan finds them).
    for order in [[0, 1, 2, 3], [2, 1, 3, 0]] {
        let p = plan(
            order
                .iter()
                .map(|&i| literal(members[i].0, members[i].1))
                .collect(),
            json!([]),
        );
        let c = customer_with_orders(&[]);
        let now = at("2026-01-05T10:00");
        for (name, value) in members {
            assert_eq!(
                eval(
                    &p,
                    &c,
                    &now,
                    &expr(json!({ "op": "segment", "name": name }))
                ),
                Val::Bool(value),
                "segment {name} in the order {order:?}"
            );
        }
        assert_eq!(
            eval(&p, &c, &now, &expr(json!({ "op": "segment", "name": "q" }))),
            Val::Unset
        );
    }
}

#[test]
fn a_self_referencing_segment_stops_instead_of_overflowing() {
    let p = plan(
        json!([ { "name": "loop", "doc": null, "expr": { "op": "segment", "name": "loop" } } ]),
        json!([]),
    );
    let c = customer_with_orders(&[]);
    let v = eval(
        &p,
        &c,
        &at("2026-01-05T10:00"),
        &expr(json!({ "op": "segment", "name": "loop" })),
    );
    assert_eq!(v, Val::Bool(false));
}

#[test]
fn decimals_parse_and_print_exactly() {
    assert_eq!(
        parse_num("19.90"),
        Some(Num {
            mantissa: 1990,
            scale: 2
        })
    );
    assert_eq!(
        parse_num("-3"),
        Some(Num {
            mantissa: -3,
            scale: 0
        })
    );
    assert_eq!(parse_num("1.2.3"), None);
    assert_eq!(parse_num("abc"), None);
    // The edges: a point alone or a sign alone is no number; either side
    // of the point may be empty, not both; surrounding spaces are trimmed;
    // 39 digits do not fit.
    let n = |mantissa, scale| Some(Num { mantissa, scale });
    for text in ["", ".", "-", "+", "-.", "1-2", "1e5", "--1", "+-1", "1 2"] {
        assert_eq!(parse_num(text), None, "{text:?}");
    }
    assert_eq!(parse_num("5."), n(5, 0));
    assert_eq!(parse_num(".5"), n(5, 1));
    assert_eq!(parse_num("+0.50"), n(50, 2));
    assert_eq!(parse_num("-0.05"), n(-5, 2));
    assert_eq!(parse_num(" 7 "), n(7, 0));
    assert_eq!(parse_num(&"9".repeat(38)), n(10i128.pow(38) - 1, 0));
    assert_eq!(parse_num(&"9".repeat(39)), None);
    assert_eq!(
        parse_num("19.90").map(|n| n.to_string()).as_deref(),
        Some("19.90")
    );
    let money = literal(
        &serde_json::from_value(json!({ "type": "money", "amount": "0.05", "currency": "EUR" }))
            .unwrap(),
    );
    assert_eq!(money.display(), "0.05 EUR");
}

#[test]
fn decimals_print_exactly_at_any_scale() {
    let n = |text: &str| parse_num(text).unwrap();
    assert_eq!(
        n("12345678901234567.89").to_string(),
        "12345678901234567.89"
    );
    assert_eq!(
        n("-0.000000000000000000000000000000000001").to_string(),
        "-0.000000000000000000000000000000000001"
    );
    assert_eq!(n("0.05").to_string(), "0.05");
    // Order is exact even when one side cannot be rescaled to the other.
    let big = n("99999999999999999999999999999999999999");
    let tiny = n("0.00000000000000000000000000000000000001");
    assert!(big > tiny);
    assert!(big.checked_neg().unwrap() < tiny);
    assert!(n("1.5") > n("1.49999999999999999999999999999999999"));
}

#[test]
fn integer_overflow_is_an_error_not_a_saturated_value() {
    let plan = plan(json!([]), json!([]));
    let c = customer_with_orders(&[]);
    let now = at("2026-01-05T10:00");
    let add = |l: i64, op: &str, r: i64| {
        expr(json!({ "op": "arith", "kind": op,
            "lhs": { "op": "literal", "value": { "type": "int", "value": l } },
            "rhs": { "op": "literal", "value": { "type": "int", "value": r } } }))
    };
    let e = try_eval(&plan, &c, &now, &add(i64::MAX, "+", 1)).unwrap_err();
    assert!(
        e.message.contains("9223372036854775807 + 1") && e.message.contains("overflow"),
        "{e}"
    );
    assert!(try_eval(&plan, &c, &now, &add(i64::MIN, "-", 1)).is_err());
    assert!(try_eval(&plan, &c, &now, &add(0, "-", i64::MIN)).is_err());
    assert_eq!(
        eval(&plan, &c, &now, &add(i64::MAX, "-", 1)),
        Val::Int(i64::MAX - 1)
    );
    // A condition over an overflowing value is an error too, not `false`.
    let cond = expr(json!({ "op": "compare", "cmp": ">",
        "lhs": { "op": "arith", "kind": "+",
            "lhs": { "op": "literal", "value": { "type": "int", "value": i64::MAX } },
            "rhs": { "op": "literal", "value": { "type": "int", "value": 1 } } },
        "rhs": { "op": "literal", "value": { "type": "int", "value": 0 } } }));
    assert!(try_eval(&plan, &c, &now, &cond).is_err());
}

/// A comparison with a money literal (read in place, without building the
/// literal) is `Val::compare` with the literal's value: amounts in the
/// same currency, false for another currency, a malformed amount or an
/// unset value.
#[test]
fn money_literals_compare_amounts_in_their_currency_only() {
    let p = plan(json!([]), json!([]));
    let now = at("2026-01-05T10:00");
    let ltv = Val::Money {
        amount: parse_num("59.90").expect("amount"),
        currency: "USD".into(),
    };
    let c = Customer::new(
        "c1",
        BTreeMap::from([("ltv".to_string(), ltv)]),
        &p.customer,
    );
    let unset = customer_with_orders(&[]);
    let compare = |cmp: &str, amount: &str, currency: &str| {
        expr(json!({ "op": "compare", "cmp": cmp,
            "lhs": { "op": "attr", "name": "ltv", "type": "money(USD)?" },
            "rhs": { "op": "literal", "value": { "type": "money", "amount": amount, "currency": currency } } }))
    };
    for (cmp, amount, currency, holds) in [
        (">", "0", "USD", true),
        ("==", "59.9", "USD", true),
        (">=", "59.91", "USD", false),
        ("<", "100", "USD", true),
        ("!=", "59.90", "USD", false),
        (">", "0", "EUR", false),
        ("!=", "0", "EUR", false),
        (">", "x", "USD", false),
    ] {
        let e = compare(cmp, amount, currency);
        assert_eq!(
            eval(&p, &c, &now, &e),
            Val::Bool(holds),
            "{cmp} {amount} {currency}"
        );
        assert_eq!(
            eval(&p, &unset, &now, &e),
            Val::Bool(false),
            "unset {cmp} {amount} {currency}"
        );
    }
}

#[test]
fn a_remembered_goal_window_follows_the_customers_time_zone() {
    // Entered 2026-03-28 10:00 UTC; the goal counts orders within 1d of
    // the entry. In Prague that day is 23 hours long (the clocks go
    // forward on the 29th), so the window ends at 09:00 UTC; in UTC it
    // ends at 10:00. An order at 09:30 UTC is inside only in UTC.
    let p = plan(json!([]), json!([]));
    let utc = |s: &str| s.parse::<jiff::Timestamp>().expect("instant");
    let mut c = customer_with_orders(&[]);
    c.record_event(PastEvent {
        name: "order_placed".into(),
        at: utc("2026-03-29T09:30:00Z"),
        props: Val::Record(Vec::new()).into(),
    });
    let entry = utc("2026-03-28T10:00:00Z");
    let now = utc("2026-03-30T00:00:00Z");
    let ends = super::eval::WindowEnds::default();
    let empty = super::eval::InScope::default();
    let goal = count_within(1);
    let count = |c: &Customer| {
        let now = c.zoned(now);
        Scope {
            plan: &p,
            customer: c,
            now: &now,
            entry: Some(entry),
            in_scope: &empty,
            goal_anchor: true,
            window_ends: Some(&ends),
        }
        .value(&goal)
        .expect("no runtime error")
    };
    // The plan's default zone is Prague.
    assert_eq!(count(&c), Val::Int(0), "in Prague");
    assert_eq!(count(&c), Val::Int(0), "in Prague, remembered");
    c.set_attr("timezone", Val::Str("UTC".into()));
    assert_eq!(count(&c), Val::Int(1), "in UTC, worked out anew");
    c.set_attr("timezone", Val::Str("Europe/Prague".into()));
    assert_eq!(count(&c), Val::Int(0), "in Prague again");
}
