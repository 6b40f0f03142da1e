//! Expression precedence, operators, event queries and literals.

use super::*;

#[test]
fn precedence_or_and_not_comparison_arith() {
    assert_eq!(
        show(&segment_expr("a or b and not c == d + 1 - 2")),
        "(a or (b and (not (c Eq ((d + 1) - 2)))))"
    );
    assert_eq!(show(&segment_expr("a and b or c")), "((a and b) or c)");
    assert_eq!(show(&segment_expr("not a or b")), "((not a) or b)");
    assert_eq!(show(&segment_expr("not not a")), "(not (not a))");
    assert_eq!(show(&segment_expr("(a or b) and c")), "((a or b) and c)");
    assert_eq!(show(&segment_expr("x - 1 + 2")), "((x - 1) + 2)");
}

#[test]
fn every_comparison_operator() {
    for (src, op) in [
        ("==", "Eq"),
        ("!=", "Ne"),
        ("<", "Lt"),
        ("<=", "Le"),
        (">", "Gt"),
        (">=", "Ge"),
    ] {
        assert_eq!(
            show(&segment_expr(&format!("a {src} b"))),
            format!("(a {op} b)")
        );
    }
    assert_eq!(
        show(&segment_expr("plan in [pro, enterprise]")),
        "(plan in [pro, enterprise])"
    );
    assert_eq!(
        show(&segment_expr("plan not in [free]")),
        "(plan not in [free])"
    );
    assert_eq!(
        show(&segment_expr("not plan in [free]")),
        "(not (plan in [free]))"
    );
    assert!(show(&segment_expr("email contains \"@acme\"")).contains("Contains"));
    assert!(show(&segment_expr("email starts_with \"a\"")).contains("StartsWith"));
    assert!(show(&segment_expr("email ends_with \".vn\"")).contains("EndsWith"));
    assert_eq!(
        show(&segment_expr("first_name is set")),
        "(first_name is set)"
    );
    assert_eq!(
        show(&segment_expr("phone is not set")),
        "(phone is not set)"
    );
    assert_eq!(
        show(&segment_expr("phone is not set and a")),
        "((phone is not set) and a)"
    );
}

#[test]
fn event_queries() {
    assert_eq!(
        show(&segment_expr(
            "performed order_placed where total > 50 USD and item_count > 1 within 30d"
        )),
        "performed(order_placed where ((total Gt 50 USD) and (item_count Gt 1)) within 30d0s)"
    );
    assert_eq!(
        show(&segment_expr("performed project_created since entry")),
        "performed(project_created since entry)"
    );
    assert_eq!(
        show(&segment_expr("count(app_opened within 1d12h) >= 5")),
        "(count(app_opened within 1d43200s) Ge 5)"
    );
    assert_eq!(
        show(
            &segment_expr("sum(order_placed.total where item_count > 2 within 365d) >= 1 USD")
                .lhs_of_compare()
        ),
        "sum(order_placed.total where (item_count Gt 2) within 365d0s)"
    );
    assert_eq!(
        show(&segment_expr("last(order_placed) < now - 30d")),
        "(last(order_placed) Lt (now - 30d0s))"
    );
    assert_eq!(
        show(&segment_expr("customer.plan == event.plan")),
        "(customer.plan Eq event.plan)"
    );
}

trait LhsOfCompare {
    fn lhs_of_compare(&self) -> Expr;
}

impl LhsOfCompare for Expr {
    fn lhs_of_compare(&self) -> Expr {
        match &self.kind {
            ExprKind::Compare { lhs, .. } => (**lhs).clone(),
            _ => panic!("not a comparison"),
        }
    }
}

#[test]
fn literals_in_expressions() {
    let lit = |src: &str| match segment_expr(&format!("x == {src}")).lhs_and_rhs().1.kind {
        ExprKind::Literal(v) => v.kind,
        other => panic!("not a literal: {other:?}"),
    };
    assert_eq!(lit("42"), ValueKind::Int(42));
    assert_eq!(lit("-7"), ValueKind::Int(-7));
    assert_eq!(
        lit("19.90"),
        ValueKind::Decimal(DecimalLit {
            mantissa: 1990,
            scale: 2
        })
    );
    assert!(
        matches!(lit("19.90 USD"), ValueKind::Money { currency, .. } if currency.name == "USD")
    );
    assert!(matches!(
        lit("50%"),
        ValueKind::Percent(DecimalLit {
            mantissa: 50,
            scale: 0
        })
    ));
    assert!(matches!(
        lit("09:30"),
        ValueKind::Clock(ClockTime { minutes: 570, .. })
    ));
    assert!(matches!(lit("2026-11-22"), ValueKind::Date(_)));
    assert!(matches!(lit("2026-11-02T10:00"), ValueKind::DateTime(_)));
    assert!(matches!(lit("2026-11-22T09:00:00Z"), ValueKind::Instant(_)));
    assert!(matches!(
        lit("2026-11-22T09:00:00+07:00"),
        ValueKind::Instant(_)
    ));
    assert_eq!(lit("true"), ValueKind::Bool(true));
    assert!(matches!(lit("\"hi\""), ValueKind::Str(s) if s.value == "hi"));
    assert!(matches!(
        lit("1w"),
        ValueKind::Duration(DurationLit {
            days: 7,
            seconds: 0,
            ..
        })
    ));
}

trait LhsAndRhs {
    fn lhs_and_rhs(&self) -> (Expr, Expr);
}

impl LhsAndRhs for Expr {
    fn lhs_and_rhs(&self) -> (Expr, Expr) {
        match &self.kind {
            ExprKind::Compare { lhs, rhs, .. } => ((**lhs).clone(), (**rhs).clone()),
            _ => panic!("not a comparison"),
        }
    }
}
