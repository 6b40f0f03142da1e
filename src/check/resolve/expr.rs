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

use super::names::Decls;
use super::report;
use super::types::{self, type_name};
use crate::check::model::{
    ArithOp, AttrId, EventId, EventRef, Schema, ScoreId, SegmentId, StringOp, TExpr, TExprKind,
    TWindow, Type, Value,
};
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind, Ident, ValueKind, Window};

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
        kind: TExprKind::Literal(Value::Bool(false)),
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
    crate::check::model::Duration {
        days: d.days,
        seconds: d.seconds,
    }
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

    /// A `where` filter of an event query: bare names are `ev`'s properties.
    pub fn filter(&mut self, f: &Expr, ev: EventId, scope: Scope) -> TExpr {
        let inner = Scope {
            filtered: Some(ev),
            ..scope
        };
        self.condition(f, inner, "a `where` filter")
    }

    /// A window; `since entry` is reported outside a campaign.
    pub fn window(&mut self, w: &Window, scope: Scope) -> Option<crate::check::model::TWindow> {
        match w {
            Window::Within(d) => Some(TWindow::Within(duration(d))),
            Window::SinceEntry(span) => {
                if scope.in_campaign {
                    Some(TWindow::SinceEntry)
                } else {
                    self.problems.push(
                        Diagnostic::error("E0220", "`since entry` is only meaningful inside a campaign", *span)
                            .with_primary_label("there is no entry here")
                            .with_help("segments and scores are evaluated outside any journey; use `within DURATION`"),
                    );
                    None
                }
            }
        }
    }

    /// Resolves an event name (unknown → reported, `None`).
    pub fn event(&mut self, name: &Ident) -> Option<EventId> {
        let events = &self.env.decls.events;
        match events.id(&name.name) {
            Some(id) => Some(EventId(id)),
            None => {
                self.problems.push(report::unknown(
                    "E0204",
                    "event",
                    &name.name,
                    name.span,
                    events.names(),
                    Some("events are declared in `schema` with `event NAME { … }`".into()),
                ));
                None
            }
        }
    }

    /// Types a pair of operands: a bare word that names nothing takes its
    /// meaning from the other side, so that side is typed first.
    fn operands(&mut self, lhs: &Expr, rhs: &Expr, scope: Scope) -> (TExpr, TExpr) {
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
    fn is_free_word(&self, e: &Expr, scope: Scope) -> bool {
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

    fn check_comparison(&mut self, op: ast::CompareOp, l: &TExpr, r: &TExpr) {
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
    fn mismatch(&mut self, l: &TExpr, r: &TExpr, verb: &str) {
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

    fn in_list(
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
                self.problems.push(
                    Diagnostic::error("E0309", "`in` needs a list written in brackets", list.span)
                        .with_primary_label("not a list")
                        .with_help(
                            "write the values in brackets, e.g. `plan in [pro, enterprise]`",
                        ),
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

    fn string_op(
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

    fn arith(
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

    fn sum(
        &mut self,
        event: &Ident,
        property: &Ident,
        filter: &Option<Box<Expr>>,
        window: &Option<Window>,
        scope: Scope,
        span: Span,
    ) -> TExpr {
        let Some(ev) = self.event(event) else {
            return error_expr(span);
        };
        let def = &self.env.schema.events[ev.index()];
        let Some(field) = def.fields.iter().position(|f| f.name == property.name) else {
            self.problems.push(unknown_property(
                &def.name,
                def.fields.iter().map(|f| f.name.as_str()),
                property,
                None,
            ));
            return error_expr(span);
        };
        let fty = def.fields[field].ty.clone();
        if !fty.is_numeric() && fty != Type::Error {
            let found = self.ty_name(&fty);
            self.problems.push(
                Diagnostic::error(
                    "E0305",
                    format!("`sum` needs a numeric property, but `{}.{}` is `{found}`", def.name, property.name),
                    property.span,
                )
                .with_primary_label(format!("this is `{found}`"))
                .with_label(def.fields[field].span, "declared here")
                .with_help("`sum` adds up `int`, `decimal` or `money` properties; use `count(…)` to count events"),
            );
            return error_expr(span);
        }
        let filter = filter.as_ref().map(|f| Box::new(self.filter(f, ev, scope)));
        let window = window.as_ref().and_then(|w| self.window(w, scope));
        TExpr {
            kind: TExprKind::Sum {
                event: ev,
                field,
                filter,
                window,
            },
            ty: fty.strip_optional().clone(),
            span,
        }
    }

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
            kind: TExprKind::Literal(value),
            ty,
            span,
        }
    }

    fn path(
        &mut self,
        idents: &[Ident],
        scope: Scope,
        expected: Option<&Type>,
        span: Span,
    ) -> TExpr {
        let Some(first) = idents.first() else {
            return error_expr(span);
        };
        if idents.len() >= 2 && first.name == "customer" {
            return self.customer_path(&idents[1..], span);
        }
        if idents.len() >= 2 && first.name == "event" {
            let Some(ev) = scope.in_scope else {
                self.problems.push(
                    Diagnostic::error("E0219", format!("`event.{}` is used where no event is in scope", idents[1].name), span)
                        .with_primary_label("no event here")
                        .with_help("`event.*` refers to the trigger event (`trigger event …`) or the event of a `wait for … on event` branch"),
                );
                return error_expr(span);
            };
            return self.event_path(ev, EventRef::InScope(ev), &idents[1..], span);
        }
        if idents.len() == 1 && self.is_free_word_ident(first, scope) {
            if let Some(t) = self.word(first, expected) {
                return t;
            }
        }
        if let Some(ev) = scope.filtered {
            return self.event_path(ev, EventRef::Filtered(ev), idents, span);
        }
        if idents.len() > 1 {
            let is_attr = self.env.decls.attrs.id(&first.name).is_some();
            self.problems.push(if is_attr {
                Diagnostic::error("E0309", format!("the fields of attribute `{}` cannot be reached in a condition", first.name), span)
                    .with_primary_label("a dotted path here")
                    .with_help("conditions use whole attributes; declare the value you need as its own attribute")
            } else {
                report::unknown(
                    "E0207",
                    "name",
                    &first.name,
                    first.span,
                    self.bare_names(),
                    Some("dotted names start with `customer.` or `event.`".into()),
                )
            });
            return error_expr(span);
        }
        self.bare_name(first, span)
    }

    fn is_free_word_ident(&self, ident: &Ident, scope: Scope) -> bool {
        let e = Expr {
            kind: ExprKind::Path(vec![ident.clone()]),
            span: ident.span,
        };
        self.is_free_word(&e, scope)
    }

    /// A bare word given meaning by the other operand: an enum variant or a
    /// locale tag. `None` when the other operand gives it none.
    fn word(&mut self, w: &Ident, expected: Option<&Type>) -> Option<TExpr> {
        match expected?.strip_optional() {
            // The other side already had an error: say nothing more.
            Type::Error => Some(error_expr(w.span)),
            Type::Enum(variants) => {
                if !variants.contains(&w.name) {
                    let list = variants
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.problems.push(report::unknown(
                        "E0211",
                        "enum variant",
                        &w.name,
                        w.span,
                        variants.iter().map(String::as_str),
                        Some(format!("the variants are {list}")),
                    ));
                    return Some(error_expr(w.span));
                }
                Some(TExpr {
                    kind: TExprKind::Literal(Value::Enum(w.name.clone())),
                    ty: expected?.strip_optional().clone(),
                    span: w.span,
                })
            }
            Type::Locale => Some(TExpr {
                kind: TExprKind::Literal(Value::String(w.name.clone())),
                ty: Type::Locale,
                span: w.span,
            }),
            _ => None,
        }
    }

    fn bare_names(&self) -> Vec<&'e str> {
        let d = self.env.decls;
        let mut v: Vec<&str> = d
            .attrs
            .names()
            .chain(d.segments.names())
            .chain(d.scores.names())
            .collect();
        v.sort_unstable();
        v
    }

    /// An attribute, segment or score.
    fn bare_name(&mut self, name: &Ident, span: Span) -> TExpr {
        let d = self.env.decls;
        if let Some(id) = d.attrs.id(&name.name) {
            return TExpr {
                kind: TExprKind::Attr(AttrId(id)),
                ty: self.env.schema.attrs[id as usize].ty.clone(),
                span,
            };
        }
        if let Some(id) = d.segments.id(&name.name) {
            self.deps.push(Dep::Segment(SegmentId(id)));
            return bool_expr(TExprKind::Segment(SegmentId(id)), span);
        }
        if let Some(id) = d.scores.id(&name.name) {
            self.deps.push(Dep::Score(ScoreId(id)));
            return TExpr {
                kind: TExprKind::Score(ScoreId(id)),
                ty: Type::Int,
                span,
            };
        }
        let fallback = if d.events.id(&name.name).is_some() {
            Some(format!(
                "`{0}` is an event; write `performed {0}` or `count({0})`",
                name.name
            ))
        } else {
            Some("a bare name is an attribute, a segment or a score".into())
        };
        self.problems.push(report::unknown(
            "E0207",
            "name",
            &name.name,
            name.span,
            self.bare_names(),
            fallback,
        ));
        error_expr(span)
    }

    /// `customer.NAME`: an attribute or a score.
    fn customer_path(&mut self, rest: &[Ident], span: Span) -> TExpr {
        let name = &rest[0];
        let d = self.env.decls;
        if rest.len() > 1 && d.attrs.id(&name.name).is_some() {
            self.problems.push(
                Diagnostic::error(
                    "E0309",
                    format!(
                        "the fields of attribute `{}` cannot be reached in a condition",
                        name.name
                    ),
                    span,
                )
                .with_primary_label("a dotted path here")
                .with_help("conditions use whole attributes"),
            );
            return error_expr(span);
        }
        if let Some(id) = d.attrs.id(&name.name) {
            return TExpr {
                kind: TExprKind::Attr(AttrId(id)),
                ty: self.env.schema.attrs[id as usize].ty.clone(),
                span,
            };
        }
        if let Some(id) = d.scores.id(&name.name) {
            self.deps.push(Dep::Score(ScoreId(id)));
            return TExpr {
                kind: TExprKind::Score(ScoreId(id)),
                ty: Type::Int,
                span,
            };
        }
        let candidates: Vec<&str> = d.attrs.names().chain(d.scores.names()).collect();
        self.problems.push(report::unknown(
            "E0203",
            "attribute",
            &name.name,
            name.span,
            candidates,
            Some("attributes are declared in `schema` with `attr NAME: TYPE`".into()),
        ));
        error_expr(span)
    }

    /// A property of an event, possibly through record fields.
    fn event_path(&mut self, ev: EventId, eref: EventRef, idents: &[Ident], span: Span) -> TExpr {
        let schema = self.env.schema;
        let event = &schema.events[ev.index()];
        let first = &idents[0];
        let Some(idx) = event.fields.iter().position(|f| f.name == first.name) else {
            let hint = match eref {
                EventRef::Filtered(_) if self.env.decls.attrs.id(&first.name).is_some() => Some(format!(
                    "inside `where`, bare names are properties of `{}`; write `customer.{}` for the attribute",
                    event.name, first.name
                )),
                _ => None,
            };
            self.problems.push(unknown_property(
                &event.name,
                event.fields.iter().map(|f| f.name.as_str()),
                first,
                hint,
            ));
            return error_expr(span);
        };
        let mut path = vec![idx];
        let mut ty = event.fields[idx].ty.clone();
        let mut optional = ty.is_optional();
        for (prev, ident) in idents.iter().zip(&idents[1..]) {
            let rid = match ty.strip_optional() {
                Type::Record(rid) => *rid,
                Type::Error => return error_expr(span),
                other => {
                    let found = self.ty_name(other);
                    self.problems.push(
                        Diagnostic::error("E0205", format!("`{}` is `{found}` and has no field `{}`", prev.name, ident.name), ident.span)
                            .with_primary_label("no such field")
                            .with_help("only record values have fields; list items cannot be reached in a condition"),
                    );
                    return error_expr(span);
                }
            };
            let record = &schema.records[rid.index()];
            let Some(fidx) = record.fields.iter().position(|f| f.name == ident.name) else {
                self.problems.push(unknown_property(
                    &record.name,
                    record.fields.iter().map(|f| f.name.as_str()),
                    ident,
                    None,
                ));
                return error_expr(span);
            };
            path.push(fidx);
            ty = record.fields[fidx].ty.clone();
            optional |= ty.is_optional();
        }
        let ty = if optional && !ty.is_optional() {
            Type::Optional(Box::new(ty))
        } else {
            ty
        };
        TExpr {
            kind: TExprKind::EventField { event: eref, path },
            ty,
            span,
        }
    }
}

/// An unknown property of an event (or field of a record), with
/// did-you-mean; `hint` replaces the list of known properties.
pub(super) fn unknown_property<'a>(
    owner: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    name: &Ident,
    hint: Option<String>,
) -> Diagnostic {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let fallback = hint.clone().or_else(|| {
        if candidates.is_empty() {
            Some(format!("`{owner}` has no properties"))
        } else {
            let list: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            Some(format!(
                "the properties of `{owner}` are {}",
                list.join(", ")
            ))
        }
    });
    let d = report::unknown_msg(
        "E0205",
        format!("`{owner}` has no property `{}`", name.name),
        "unknown property".into(),
        &name.name,
        name.span,
        candidates,
        fallback,
    );
    match hint {
        Some(h) => d.with_help(h),
        None => d,
    }
}
