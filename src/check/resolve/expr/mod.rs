//! Typing of expressions: conditions of segments, scores, triggers,
//! audiences, goals, `exit when`, `if`, `wait for … where`, and `set`
//! values.
//!
//! Choices where LANGUAGE.md is silent:
//! - A bare word next to an enum-typed operand is a variant of that enum
//!   (`plan == trial`); next to a `locale` it is a locale tag
//!   (`locale == vi`).
//! - An optional operand is fine in a comparison (an unset value makes the
//!   comparison false at run time) and in `+`/`-`: the result is then
//!   optional too, so an unset value flows into the comparison around it
//!   and makes it false (`last(order_placed) + 7d < now`). Storing such a
//!   result with `set` into a non-optional attribute is a type error.
//! - `is set` is allowed on any value (always true for a required one).

mod operators;
mod paths;
mod queries;

pub(super) use paths::unknown_property;

use super::names::Decls;
use super::types::type_name;
use crate::check::model::{EventId, Schema, ScoreId, SegmentId, TExpr, TExprKind, Type, Value};
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind, ValueKind};

/// What the typer reads: the declarations (for names) and the resolved
/// schema (for types).
pub(super) struct Env<'a> {
    pub decls: &'a Decls<'a>,
    pub schema: &'a Schema,
}

/// What names mean at one place.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Scope {
    /// Inside `where` of an event query: bare names are this event's properties.
    pub filtered: Option<EventId>,
    /// The event `event.NAME` refers to (trigger or `wait for` event).
    pub in_scope: Option<EventId>,
    /// Inside a campaign, where `since entry` means something.
    pub in_campaign: bool,
}

/// A segment or score an expression uses, for dependency order and cycles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Dep {
    Segment(SegmentId),
    Score(ScoreId),
}

/// Types expressions, reporting every problem; collects the segments and
/// scores used so callers can order them.
pub(super) struct Typer<'e, 'p> {
    env: &'e Env<'e>,
    problems: &'p mut Problems,
    pub deps: Vec<Dep>,
}

fn error_expr(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Literal(Box::new(Value::Bool(false))),
        ty: Type::Error,
        span,
    }
}

fn bool_expr(kind: TExprKind, span: Span) -> TExpr {
    TExpr {
        kind,
        ty: Type::Bool,
        span,
    }
}

/// `Duration` of the model from a written duration.
pub(super) fn duration(d: &ast::DurationLit) -> crate::check::model::Duration {
    crate::check::model::Duration::new(d.days, d.seconds)
}

impl<'e, 'p> Typer<'e, 'p> {
    pub fn new(env: &'e Env<'e>, problems: &'p mut Problems) -> Self {
        Typer {
            env,
            problems,
            deps: Vec::new(),
        }
    }

    /// The environment, for callers that resolve names themselves.
    pub fn env(&self) -> &'e Env<'e> {
        self.env
    }

    /// The problem list, for callers that report around typed expressions.
    pub fn problems_mut(&mut self) -> &mut Problems {
        self.problems
    }

    fn ty_name(&self, ty: &Type) -> String {
        type_name(ty, self.env.schema)
    }

    /// A condition: the expression must be a `bool`. `what` names the place
    /// for the message ("the audience", "a `where` filter").
    pub fn condition(&mut self, e: &Expr, scope: Scope, what: &str) -> TExpr {
        let t = self.expr(e, scope, None);
        self.require_bool(&t, what);
        t
    }

    fn require_bool(&mut self, t: &TExpr, what: &str) {
        match t.ty.strip_optional() {
            Type::Bool | Type::Error => {}
            other => {
                let found = self.ty_name(other);
                self.problems.push(
                    Diagnostic::error(
                        "E0301",
                        format!("{what} must be a condition, but this is `{found}`"),
                        t.span,
                    )
                    .with_primary_label(format!("this is `{found}`, not `bool`"))
                    .with_help(
                        "write a comparison such as `loyalty_points >= 100`, or a segment name",
                    ),
                );
            }
        }
    }

    /// Types `e`; `expected` is the type of the other operand, which gives
    /// bare words their meaning (enum variants, locale tags).
    pub fn expr(&mut self, e: &Expr, scope: Scope, expected: Option<&Type>) -> TExpr {
        crate::stack::deep(|| self.expr_here(e, scope, expected))
    }

    fn expr_here(&mut self, e: &Expr, scope: Scope, expected: Option<&Type>) -> TExpr {
        let span = e.span;
        match &e.kind {
            ExprKind::Or(a, b) | ExprKind::And(a, b) => {
                let what = if matches!(e.kind, ExprKind::Or(..)) {
                    "each side of `or`"
                } else {
                    "each side of `and`"
                };
                let l = self.condition(a, scope, what);
                let r = self.condition(b, scope, what);
                let kind = if matches!(e.kind, ExprKind::Or(..)) {
                    TExprKind::Or(Box::new(l), Box::new(r))
                } else {
                    TExprKind::And(Box::new(l), Box::new(r))
                };
                bool_expr(kind, span)
            }
            ExprKind::Not(a) => {
                let inner = self.condition(a, scope, "the operand of `not`");
                bool_expr(TExprKind::Not(Box::new(inner)), span)
            }
            ExprKind::Compare { op, lhs, rhs } => {
                let (l, r) = self.operands(lhs, rhs, scope);
                self.check_comparison(*op, &l, &r);
                bool_expr(
                    TExprKind::Compare {
                        op: *op,
                        lhs: Box::new(l),
                        rhs: Box::new(r),
                    },
                    span,
                )
            }
            ExprKind::In { negated, lhs, list } => self.in_list(*negated, lhs, list, scope, span),
            ExprKind::StringOp { op, lhs, rhs } => self.string_op(*op, lhs, rhs, scope, span),
            ExprKind::IsSet { negated, expr } => {
                let inner = self.expr(expr, scope, None);
                bool_expr(
                    TExprKind::IsSet {
                        negated: *negated,
                        expr: Box::new(inner),
                    },
                    span,
                )
            }
            ExprKind::Arith { op, lhs, rhs } => self.arith(*op, lhs, rhs, scope, span),
            ExprKind::Literal(v) => self.literal(v),
            ExprKind::Path(idents) => self.path(idents, scope, expected, span),
            ExprKind::Now => TExpr {
                kind: TExprKind::Now,
                ty: Type::Time,
                span,
            },
            ExprKind::List(_) => {
                self.problems.push(
                    Diagnostic::error("E0309", "a list can only be used after `in`", span)
                        .with_primary_label("a list here")
                        .with_help("write `x in [a, b]` to test whether a value is one of several"),
                );
                error_expr(span)
            }
            ExprKind::Performed {
                event,
                filter,
                window,
            } => {
                let Some(ev) = self.event(event) else {
                    return error_expr(span);
                };
                let filter = filter.as_ref().map(|f| Box::new(self.filter(f, ev, scope)));
                let window = window.as_ref().and_then(|w| self.window(w, scope));
                bool_expr(
                    TExprKind::Performed {
                        event: ev,
                        filter,
                        window,
                    },
                    span,
                )
            }
            ExprKind::Count {
                event,
                filter,
                window,
            } => {
                let Some(ev) = self.event(event) else {
                    return error_expr(span);
                };
                let filter = filter.as_ref().map(|f| Box::new(self.filter(f, ev, scope)));
                let window = window.as_ref().and_then(|w| self.window(w, scope));
                TExpr {
                    kind: TExprKind::Count {
                        event: ev,
                        filter,
                        window,
                    },
                    ty: Type::Int,
                    span,
                }
            }
            ExprKind::Sum {
                event,
                property,
                filter,
                window,
            } => self.sum(event, property, filter, window, scope, span),
            ExprKind::Last { event } => match self.event(event) {
                Some(ev) => TExpr {
                    kind: TExprKind::Last { event: ev },
                    ty: Type::Optional(Box::new(Type::Time)),
                    span,
                },
                None => error_expr(span),
            },
        }
    }

    /// A literal; clock times, local date-times, percentages, records and
    /// lists have no meaning in a condition.
    fn literal(&mut self, v: &ast::Value) -> TExpr {
        let span = v.span;
        let (value, ty) = match &v.kind {
            ValueKind::Bool(b) => (Value::Bool(*b), Type::Bool),
            ValueKind::Int(i) => (Value::Int(*i), Type::Int),
            ValueKind::Decimal(d) => (Value::Decimal(*d), Type::Decimal),
            ValueKind::Money { amount, currency } => (
                Value::Money {
                    amount: *amount,
                    currency: currency.name.clone(),
                },
                Type::Money(currency.name.clone()),
            ),
            ValueKind::Str(s) => (Value::String(s.value.clone()), Type::String),
            ValueKind::Duration(d) => (Value::Duration(duration(d)), Type::Duration),
            ValueKind::Date(d) => (Value::Date(*d), Type::Date),
            ValueKind::Instant(t) => (Value::Time(*t), Type::Time),
            other => {
                let what = match other {
                    ValueKind::Clock(_) => "a clock time",
                    ValueKind::DateTime(_) => "a local date-time",
                    ValueKind::Percent(_) => "a percentage",
                    ValueKind::List(_) => "a list",
                    ValueKind::Record(_) => "a record",
                    _ => "this value",
                };
                self.problems.push(
                    Diagnostic::error("E0309", format!("{what} cannot be used in a condition"), span)
                        .with_primary_label("not usable here")
                        .with_help("compare with a number, money, text, a duration, a date or an instant (with `Z` or an offset)"),
                );
                return error_expr(span);
            }
        };
        TExpr {
            kind: TExprKind::Literal(Box::new(value)),
            ty,
            span,
        }
    }
}
