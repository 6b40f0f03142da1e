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
