//! Operators: comparisons, `in`, text operators and `+`/`-`, with the
//! rules for which operand types go together.

use super::{bool_expr, error_expr, Scope, Typer};
use crate::check::model::{ArithOp, StringOp, TExpr, TExprKind, Type, Value};
use crate::check::resolve::types::{self};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

impl Typer<'_, '_> {
    /// Types a pair of operands: a bare word that names nothing takes its
    /// meaning from the other side, so that side is typed first.
    pub(super) fn operands(&mut self, lhs: &Expr, rhs: &Expr, scope: Scope) -> (TExpr, TExpr) {
        if self.is_free_word(lhs, scope) && !self.is_free_word(rhs, scope) {
            let r = self.expr(rhs, scope, None);
            let l = self.expr(lhs, scope, Some(&r.ty));
            (l, r)
        } else {
            let l = self.expr(lhs, scope, None);
            let r = self.expr(rhs, scope, Some(&l.ty));
            (l, r)
        }
    }

    /// A single bare word that is not a name in this scope.
    pub(super) fn is_free_word(&self, e: &Expr, scope: Scope) -> bool {
        let ExprKind::Path(idents) = &e.kind else {
            return false;
        };
        if idents.len() != 1 {
            return false;
        }
        let name = idents[0].name.as_str();
        match scope.filtered {
            Some(ev) => !self.env.schema.events[ev.index()]
                .fields
                .iter()
                .any(|f| f.name == name),
            None => {
                let d = self.env.decls;
                d.attrs.id(name).is_none()
                    && d.segments.id(name).is_none()
                    && d.scores.id(name).is_none()
            }
        }
    }

    /// Both sides of `==`, `<`, … must be comparable, and ordered for `<`.
    pub(super) fn check_comparison(&mut self, op: ast::CompareOp, l: &TExpr, r: &TExpr) {
        use ast::CompareOp::*;
        if !types::comparable(&l.ty, &r.ty) {
            self.mismatch(l, r, "compare");
            return;
        }
        if matches!(op, Lt | Le | Gt | Ge) {
            for side in [l, r] {
                if !types::ordered(&side.ty) {
                    let found = self.ty_name(&side.ty);
                    self.problems.push(
                        Diagnostic::error("E0302", format!("values of type `{found}` have no order"), side.span)
                            .with_primary_label(format!("this is `{found}`"))
                            .with_help("`<`, `<=`, `>` and `>=` work on numbers, money, times, dates, durations and text; use `==`, `!=` or `in [..]`"),
                    );
                    return;
                }
            }
        }
    }

    /// Reports two operands that do not go together (comparison or arithmetic).
    pub(super) fn mismatch(&mut self, l: &TExpr, r: &TExpr, verb: &str) {
        let (lt, rt) = (
            self.ty_name(l.ty.strip_optional()),
            self.ty_name(r.ty.strip_optional()),
        );
        let (code, help) = match (l.ty.strip_optional(), r.ty.strip_optional()) {
            (Type::Money(a), Type::Money(b)) => (
                "E0303",
                format!("amounts in {a} and {b} cannot be mixed; write both in the same currency"),
            ),
            (Type::Money(c), Type::Int | Type::Decimal)
            | (Type::Int | Type::Decimal, Type::Money(c)) => (
                "E0302",
                format!("write the number as money, e.g. `500 {c}`"),
            ),
            (Type::Time, Type::Duration) | (Type::Duration, Type::Time) => (
                "E0302",
                "a duration is not a point in time; compare with a time such as `now - 14d`"
                    .to_string(),
            ),
            _ => (
                "E0302",
                format!("both sides must have compatible types to {verb} them"),
            ),
        };
        self.problems.push(
            Diagnostic::error(code, format!("cannot {verb} `{lt}` with `{rt}`"), r.span)
                .with_primary_label(format!("this is `{rt}`"))
                .with_label(l.span, format!("this is `{lt}`"))
                .with_help(help),
        );
    }

    /// `x in [a, b]`: every item typed against `x`.
    pub(super) fn in_list(
        &mut self,
        negated: bool,
        lhs: &Expr,
        list: &Expr,
        scope: Scope,
        span: Span,
    ) -> TExpr {
        let l = self.expr(lhs, scope, None);
        let ExprKind::List(items) = &list.kind else {
            let r = self.expr(list, scope, None);
            if r.ty != Type::Error {
                let help = if matches!(r.ty.strip_optional(), Type::List(_)) {
                    "`in` takes the values written in brackets; to look for a value in a list, write `LIST contains VALUE`"
                } else {
                    "write the values in brackets, e.g. `plan in [pro, enterprise]`"
                };
                self.problems.push(
                    Diagnostic::error("E0309", "`in` needs a list written in brackets", list.span)
                        .with_primary_label("not a list")
                        .with_help(help),
                );
            }
            return error_expr(span);
        };
        let mut typed = Vec::with_capacity(items.len());
        for item in items {
            let t = self.expr(item, scope, Some(&l.ty));
            if !types::comparable(&l.ty, &t.ty) {
                let (lt, it) = (self.ty_name(l.ty.strip_optional()), self.ty_name(&t.ty));
                self.problems.push(
                    Diagnostic::error(
                        "E0308",
                        format!("this list item is `{it}`, but the value tested is `{lt}`"),
                        t.span,
                    )
                    .with_primary_label(format!("this is `{it}`"))
                    .with_label(l.span, format!("this is `{lt}`"))
                    .with_help(format!("every item of the list must be {}", types::a(&lt))),
                );
            }
            typed.push(t);
        }
        bool_expr(
            TExprKind::In {
                negated,
                lhs: Box::new(l),
                items: typed,
            },
            span,
        )
    }

    /// `contains`, `starts_with`, `ends_with` on text; `contains` also on
    /// a list, with an item of its element type.
    pub(super) fn string_op(
        &mut self,
        op: ast::StringOp,
        lhs: &Expr,
        rhs: &Expr,
        scope: Scope,
        span: Span,
    ) -> TExpr {
        let word = match op {
            ast::StringOp::Contains => "contains",
            ast::StringOp::StartsWith => "starts_with",
            ast::StringOp::EndsWith => "ends_with",
        };
        let l = self.expr(lhs, scope, None);
        let element = match (l.ty.strip_optional(), op) {
            (Type::List(elem), ast::StringOp::Contains) => Some((**elem).clone()),
            _ => None,
        };
        let r = match &element {
            Some(elem) => {
                let r = self.expr(rhs, scope, Some(elem));
                if !types::comparable(elem, &r.ty) {
                    let (et, rt) = (self.ty_name(elem), self.ty_name(&r.ty));
                    self.problems.push(
                        Diagnostic::error(
                            "E0307",
                            format!("a list of `{et}` cannot contain a `{rt}`"),
                            r.span,
                        )
                        .with_primary_label(format!("this is `{rt}`"))
                        .with_label(l.span, format!("this is `list<{et}>`"))
                        .with_help(format!("look for a `{et}` in this list")),
                    );
                }
                r
            }
            None => {
                let r = self.expr(rhs, scope, Some(&Type::String));
                for side in [&l, &r] {
                    if !types::is_text(&side.ty) && side.ty != Type::Error {
                        let found = self.ty_name(&side.ty);
                        let also = if op == ast::StringOp::Contains {
                            " (or a list on its left)"
                        } else {
                            ""
                        };
                        self.problems.push(
                            Diagnostic::error(
                                "E0307",
                                format!("`{word}` needs text on both sides{also}, found `{found}`"),
                                side.span,
                            )
                            .with_primary_label(format!("this is `{found}`"))
                            .with_help(format!(
                                "`{word}` works on text, e.g. `email ends_with \"@acme.example\"`"
                            )),
                        );
                        break;
                    }
                }
                r
            }
        };
        let op = match op {
            ast::StringOp::Contains => StringOp::Contains,
            ast::StringOp::StartsWith => StringOp::StartsWith,
            ast::StringOp::EndsWith => StringOp::EndsWith,
        };
        bool_expr(
            TExprKind::StringOp {
                op,
                lhs: Box::new(l),
                rhs: Box::new(r),
            },
            span,
        )
    }

    /// `+` and `-`: numbers, money of one currency, time ± duration,
    /// time − time; an optional operand makes the result optional.
    pub(super) fn arith(
        &mut self,
        op: ast::ArithOp,
        lhs: &Expr,
        rhs: &Expr,
        scope: Scope,
        span: Span,
    ) -> TExpr {
        let (l, r) = self.operands(lhs, rhs, scope);
        let add = op == ast::ArithOp::Add;
        let result = match (l.ty.strip_optional(), r.ty.strip_optional()) {
            (Type::Error, _) | (_, Type::Error) => Some(Type::Error),
            (Type::Int, Type::Int) => Some(Type::Int),
            (Type::Int | Type::Decimal, Type::Int | Type::Decimal) => Some(Type::Decimal),
            (Type::Money(a), Type::Money(b)) if a == b => Some(Type::Money(a.clone())),
            (Type::Time, Type::Duration) => Some(Type::Time),
            (Type::Duration, Type::Time) if add => Some(Type::Time),
            (Type::Time, Type::Time) if !add => Some(Type::Duration),
            (Type::Date, Type::Duration) => Some(Type::Date),
            (Type::Duration, Type::Duration) => Some(Type::Duration),
            _ => None,
        };
        let ty = match result {
            Some(t) if t != Type::Error && (l.ty.is_optional() || r.ty.is_optional()) => {
                Type::Optional(Box::new(t))
            }
            Some(t) => t,
            None => {
                let verb = if add { "add" } else { "subtract" };
                let (lt, rt) = (
                    self.ty_name(l.ty.strip_optional()),
                    self.ty_name(r.ty.strip_optional()),
                );
                let (code, help) = match (l.ty.strip_optional(), r.ty.strip_optional()) {
                    (Type::Money(a), Type::Money(b)) => (
                        "E0303",
                        format!("amounts in {a} and {b} cannot be mixed; write both in the same currency"),
                    ),
                    _ => (
                        "E0304",
                        "`+` and `-` work on numbers, money of one currency, a time and a duration (`now - 14d`), or two times".to_string(),
                    ),
                };
                let message = if add {
                    format!("cannot {verb} `{lt}` and `{rt}`")
                } else {
                    format!("cannot {verb} `{rt}` from `{lt}`")
                };
                self.problems.push(
                    Diagnostic::error(code, message, r.span)
                        .with_primary_label(format!("this is `{rt}`"))
                        .with_label(l.span, format!("this is `{lt}`"))
                        .with_help(help),
                );
                Type::Error
            }
        };
        if let (Some(a), Some(b)) = (const_int(&l), const_int(&r)) {
            let exact = if add {
                a.checked_add(b)
            } else {
                a.checked_sub(b)
            };
            if exact.is_none() {
                let sign = if add { "+" } else { "-" };
                self.problems.push(
                    Diagnostic::error(
                        "E0313",
                        "this arithmetic does not fit in an `int`",
                        span,
                    )
                    .with_primary_label(format!("{a} {sign} {b} overflows 64 bits"))
                    .with_help(
                        "an `int` lies between -9223372036854775808 and 9223372036854775807; use smaller numbers or a `decimal` attribute",
                    ),
                );
            }
        }
        let op = if add { ArithOp::Add } else { ArithOp::Sub };
        TExpr {
            kind: TExprKind::Arith {
                op,
                lhs: Box::new(l),
                rhs: Box::new(r),
            },
            ty,
            span,
        }
    }
}

/// The value of an `int` expression made of literals, `+` and `-` only
/// (what the checker can fold); `None` for anything else, or when an inner
/// step already overflowed (reported there).
fn const_int(e: &TExpr) -> Option<i64> {
    match &e.kind {
        TExprKind::Literal(v) => match **v {
            Value::Int(i) => Some(i),
            _ => None,
        },
        TExprKind::Arith { op, lhs, rhs } if e.ty == Type::Int => {
            let (a, b) = (const_int(lhs)?, const_int(rhs)?);
            match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
            }
        }
        _ => None,
    }
}
