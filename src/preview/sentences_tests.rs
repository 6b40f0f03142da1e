use super::*;
use crate::plan::format::Expr;

fn attr(name: &str, ty: &str) -> Box<Expr> {
    Box::new(Expr::Attr {
        name: name.into(),
        ty: ty.into(),
    })
}

fn lit(value: Literal) -> Box<Expr> {
    Box::new(Expr::Literal { value })
}

fn days(n: i64) -> Duration {
    Duration {
        days: n,
        seconds: 0,
    }
}

#[test]
fn lapsed_buyers_read_as_a_sentence() {
    let e = Expr::And {
        args: vec![
            Expr::Compare {
                cmp: CompareOp::Ge,
                lhs: Box::new(Expr::Count {
                    event: "order_placed".into(),
                    filter: None,
                    within: None,
                    since_entry: false,
                }),
                rhs: lit(Literal::Int { value: 1 }),
            },
            Expr::Not {
                arg: Box::new(Expr::Performed {
                    event: "order_placed".into(),
                    filter: None,
                    within: Some(days(90)),
                    since_entry: false,
                }),
            },
        ],
    };
    assert_eq!(
        clause(&e, Form::Who),
        "who performed `order_placed` at least once and who did not perform `order_placed` in the last 90 days"
    );
}

#[test]
fn enum_comparison_and_time_ago_read_naturally() {
    let e = Expr::And {
        args: vec![
            Expr::Compare {
                cmp: CompareOp::Eq,
                lhs: attr("plan", "enum(free, trial)"),
                rhs: lit(Literal::Enum {
                    value: "trial".into(),
                }),
            },
            Expr::Compare {
                cmp: CompareOp::Gt,
                lhs: attr("signed_up_at", "time"),
                rhs: Box::new(Expr::Arith {
                    kind: ArithKind::Sub,
                    lhs: Box::new(Expr::Now),
                    rhs: lit(Literal::Duration {
                        days: 14,
                        seconds: 0,
                    }),
                }),
            },
        ],
    };
    assert_eq!(
        clause(&e, Form::Who),
        "whose plan is trial and who signed up less than 14 days ago"
    );
}

#[test]
fn noun_time_attributes_use_was() {
    let e = Expr::Compare {
        cmp: CompareOp::Lt,
        lhs: attr("last_order_at", "time?"),
        rhs: Box::new(Expr::Arith {
            kind: ArithKind::Sub,
            lhs: Box::new(Expr::Now),
            rhs: lit(Literal::Duration {
                days: 60,
                seconds: 0,
            }),
        }),
    };
    assert_eq!(
        clause(&e, Form::They),
        "their last order was more than 60 days ago"
    );
}

#[test]
fn or_inside_and_keeps_its_grouping() {
    let yes = |n: &str| Expr::Attr {
        name: n.into(),
        ty: "bool".into(),
    };
    let e = Expr::And {
        args: vec![
            Expr::Or {
                args: vec![yes("a"), yes("b")],
            },
            yes("c"),
        ],
    };
    assert_eq!(
        clause(&e, Form::They),
        "(their a is true or their b is true) and their c is true"
    );
}

#[test]
fn goal_within_counts_from_entry() {
    let e = Expr::Performed {
        event: "subscription_started".into(),
        filter: None,
        within: Some(days(14)),
        since_entry: false,
    };
    assert_eq!(
        goal(&e),
        "Converted when they perform `subscription_started` within 14 days of entering"
    );
}

#[test]
fn durations_mix_days_and_clock_time() {
    assert_eq!(
        duration(Duration {
            days: 1,
            seconds: 12 * 3600
        }),
        "1 day and 12 hours"
    );
    assert_eq!(
        duration(Duration {
            days: 0,
            seconds: 1800
        }),
        "30 minutes"
    );
    assert_eq!(duration(days(3)), "3 days");
}

#[test]
fn in_lists_and_negations() {
    let e = Expr::In {
        negated: true,
        lhs: attr("plan", "enum(a, b, c)"),
        items: vec![
            Expr::Literal {
                value: Literal::Enum { value: "a".into() },
            },
            Expr::Literal {
                value: Literal::Enum { value: "b".into() },
            },
        ],
    };
    assert_eq!(clause(&e, Form::Who), "whose plan is neither a nor b");
}

fn event_query(kind: &str) -> Box<Expr> {
    let event = "order_placed".to_string();
    Box::new(match kind {
        "sum" => Expr::Sum {
            event,
            property: "total".into(),
            ty: "money(USD)".into(),
            filter: None,
            within: Some(days(365)),
            since_entry: false,
        },
        _ => Expr::Last { event },
    })
}

#[test]
fn aggregates_scores_and_string_tests_read_as_the_customers() {
    let sum = Expr::Compare {
        cmp: CompareOp::Ge,
        lhs: event_query("sum"),
        rhs: lit(Literal::Money {
            amount: "1000".into(),
            currency: "USD".into(),
        }),
    };
    assert_eq!(
        clause(&sum, Form::Who),
        "whose sum of total over `order_placed` in the last 365 days is at least 1000 USD"
    );
    let score = Expr::Compare {
        cmp: CompareOp::Ge,
        lhs: Box::new(Expr::Score {
            name: "engagement".into(),
        }),
        rhs: lit(Literal::Int { value: 60 }),
    };
    assert_eq!(
        clause(&score, Form::They),
        "their engagement score is at least 60"
    );
    let starts = Expr::StringOp {
        kind: StringOpKind::EndsWith,
        lhs: attr("email", "email"),
        rhs: lit(Literal::String {
            value: "@acme.example".into(),
        }),
    };
    assert_eq!(
        clause(&starts, Form::Who),
        "whose email ends with \"@acme.example\""
    );
    let unset = Expr::IsSet {
        negated: true,
        arg: attr("phone", "phone?"),
    };
    assert_eq!(clause(&unset, Form::Who), "whose phone is not set");
    let last = Expr::Compare {
        cmp: CompareOp::Lt,
        lhs: event_query("last"),
        rhs: Box::new(Expr::Arith {
            kind: ArithKind::Sub,
            lhs: Box::new(Expr::Now),
            rhs: lit(Literal::Duration {
                days: 30,
                seconds: 0,
            }),
        }),
    };
    assert_eq!(
        clause(&last, Form::Who),
        "who last performed `order_placed` more than 30 days ago"
    );
}

#[test]
fn literals_on_the_left_are_turned_around() {
    let e = Expr::Compare {
        cmp: CompareOp::Lt,
        lhs: lit(Literal::Int { value: 100 }),
        rhs: attr("loyalty_points", "int"),
    };
    assert_eq!(
        clause(&e, Form::Who),
        "whose loyalty points is more than 100"
    );
}

#[test]
fn every_trigger_kind_and_reentry_read_as_sentences() {
    let plan = |trigger: Trigger| -> Plan {
        let json = serde_json::json!({
            "format": "campaignc.plan/v2", "campaign": "c", "stage": "s", "doc": null,
            "source": {"file": "c.camp", "line": 1, "nodes": {}},
            "trigger": trigger, "audience": null, "reentry": {"kind": "never"},
            "goal": null, "exit": null,
            "policies": {"send_window": null, "cap": null, "holdout": null},
            "locales": ["en"], "default_locale": "en",
            "customer": {"locale": {"attribute": null, "default": "en"},
                         "timezone": {"attribute": null, "default": "UTC"}, "channels": {}},
            "assignment": {"algorithm": "a", "key": "k", "buckets": 10000},
            "segments": [], "scores": [], "entry": null, "nodes": {}, "messages": {},
            "hash": ""
        });
        serde_json::from_value(json).expect("a plan")
    };
    let t = |trigger| super::trigger(&plan(trigger));
    assert_eq!(
        t(Trigger::Changed {
            attribute: "loyalty_tier".into(),
            to: Some(Literal::Enum {
                value: "gold".into()
            }),
        }),
        "When a customer's loyalty tier changes to gold"
    );
    assert_eq!(
        t(Trigger::Every {
            period: Period::Week,
            weekday: Some(Weekday::Monday),
            day_of_month: None,
            at: "10:00".into(),
        }),
        "Every Monday at 10:00, in each customer's local time"
    );
    assert_eq!(
        t(Trigger::Every {
            period: Period::Month,
            weekday: None,
            day_of_month: Some(1),
            at: "09:00".into(),
        }),
        "Every month on day 1 at 09:00, in each customer's local time"
    );
    assert_eq!(
        t(Trigger::Enters {
            segment: "vip".into()
        }),
        "When a customer starts matching segment `vip`"
    );
    assert_eq!(
        reentry(&Reentry::After { after: days(30) }),
        "May enter again 30 days after their previous journey ended"
    );
    assert_eq!(
        audience(&plan(Trigger::Enters {
            segment: "vip".into()
        })),
        "Everyone who triggers the campaign"
    );
}

#[test]
fn score_rules_read_as_points() {
    let per = ScoreRule::PerEvent {
        points: 5,
        event: "app_opened".into(),
        filter: None,
        within: Some(days(30)),
        since_entry: false,
        max: Some(40),
    };
    assert_eq!(
        score_rule(&per),
        "+5 points for each `app_opened` in the last 30 days, at most +40 points"
    );
    let when = ScoreRule::If {
        points: -20,
        when: Expr::Not {
            arg: Box::new(Expr::Performed {
                event: "app_opened".into(),
                filter: None,
                within: Some(days(21)),
                since_entry: false,
            }),
        },
    };
    assert_eq!(
        score_rule(&when),
        "-20 points if they have not performed `app_opened` in the last 21 days"
    );
}

#[test]
fn durations_say_calendar_days_or_elapsed_time() {
    let d = |days, seconds| duration_meaning(Duration { days, seconds });
    assert!(d(0, 36 * 3600).starts_with("36 hours of elapsed time (1 day and 12 hours)"));
    assert!(d(2, 0).starts_with("2 calendar days in the customer's time zone"));
    assert!(d(1, 12 * 3600).starts_with("1 calendar day in the customer's time zone"));
    assert!(d(1, 12 * 3600).ends_with("then 12 hours of elapsed time"));
    assert!(d(0, 30 * 60).starts_with("30 minutes of elapsed time:"));
    assert_eq!(d(0, 0), "no time");
    assert!(d(-1, 0).contains("negative"));
}

#[test]
fn send_windows_say_which_end_is_included() {
    let w = send_window_meaning("09:00", "20:00");
    assert!(w.starts_with("Sends only between 09:00 and 20:00 in the customer's local time"));
    assert!(!w.contains("midnight"));
    assert!(send_window_meaning("20:00", "08:00").contains("spans midnight"));
}
