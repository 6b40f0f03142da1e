//! Evaluating plan expressions over one customer at one instant.
//!
//! Rules (docs/simulate.md repeats them for campaign authors):
//! - `within D` covers events at or after `now - D` (inclusive: an event
//!   exactly 30 days old is "within 30d"), with calendar days in the
//!   customer's time zone;
//! - `since entry` covers events at or after the journey's entry;
//! - in a campaign's `goal`, `within D` is anchored at the entry instead
//!   (LANGUAGE.md: `goal performed E within 14d` = E within 14 days after
//!   entering), covering `[entry, entry + D]`;
//! - an unset value makes every comparison false, `in` and `not in`
//!   included; only `is set` / `is not set` see it;
//! - segments and scores come from the plan's own tables, evaluated with
//!   their own meaning (no goal anchoring inside them).

use super::clock;
use super::customer::{Customer, PastEvent};
use super::value::{Num, Val};
use crate::plan::format::{
    ArithKind, CompareOp, Duration, EventScope, Expr, Literal, Plan, ScoreRule, StringOpKind,
};
use jiff::{Timestamp, Zoned};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::ControlFlow;
use std::sync::Arc;

/// Segments may use segments and scores; a plan whose tables refer to
/// themselves (never produced by `lower`, but a plan file can be edited)
/// stops here instead of overflowing the stack. Counts references to
/// segments and scores only: the nesting of one expression is bounded by
/// the compiler (`syntax::MAX_EXPR_DEPTH`), and recursion goes through
/// `stack::deep`.
const MAX_DEPTH: u32 = 64;

/// Why an expression has no value: arithmetic whose exact result does not
/// fit (an `int` past 64 bits, a decimal past 38 digits). The simulator
/// never saturates or wraps; the step that needed the value fails with
/// this reason (docs/simulate.md, "Runtime errors").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

fn overflow(what: String) -> EvalError {
    EvalError {
        message: format!(
            "overflow: the exact result of {what} does not fit (an int holds 64 bits, a decimal or money amount 38 digits)"
        ),
    }
}

fn out_of_range(what: String) -> EvalError {
    EvalError {
        message: format!("{what} is outside the supported range of dates (years -9999 to 9999)"),
    }
}

type Eval = Result<Val, EvalError>;

/// The events in a flow's scope, by name: the trigger's event and the ones
/// received by `wait for … on event`. A journey holds one or two, so they
/// are a short list; the properties are shared with the input the event
/// came from (entering copies pointers, not the properties).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InScope(Vec<(Arc<str>, Arc<Val>)>);

impl InScope {
    /// One event in scope.
    pub fn one(name: Arc<str>, props: Arc<Val>) -> InScope {
        InScope(vec![(name, props)])
    }

    /// The properties of the event named `name`, if it is in scope.
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.0
            .iter()
            .find(|(n, _)| **n == *name)
            .map(|(_, props)| &**props)
    }

    /// Puts an event in scope, replacing an earlier one of the same name.
    pub fn insert(&mut self, name: Arc<str>, props: Arc<Val>) {
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = props,
            None => self.0.push((name, props)),
        }
    }
}

/// Everything an expression can see.
pub struct Scope<'a> {
    pub plan: &'a Plan,
    pub customer: &'a Customer,
    pub now: &'a Zoned,
    /// The entry instant of the current journey (or of the one being
    /// considered, for the audience check).
    pub entry: Option<Timestamp>,
    /// The flow's events in scope by name: the trigger's event and the
    /// ones received by `wait for … on event`.
    pub in_scope: &'a InScope,
    /// Anchor `within` windows at the entry (the goal's rule).
    pub goal_anchor: bool,
    /// Where the ends of anchored windows are remembered (`None`: each is
    /// worked out anew).
    pub window_ends: Option<&'a WindowEnds>,
}

/// The end of a goal's anchored `within` window, remembered.
///
/// The goal is checked after every step and every event of a journey, and
/// its window ends at the same instant each time (entry + D in the
/// customer's zone, a look-up in the time zone to work out). One end is
/// kept, for its entry, duration and the customer's time zone (see
/// [`Customer::zone_version`]): any other asks anew.
#[derive(Debug, Default)]
pub struct WindowEnds(std::cell::Cell<Option<(WindowKey, Timestamp)>>);

/// What an anchored window's end depends on: the entry, the duration and
/// the customer's time zone.
type WindowKey = (Timestamp, Duration, u32);

impl WindowEnds {
    fn end(&self, customer: &Customer, entry: Timestamp, d: Duration) -> Timestamp {
        let key = (entry, d, customer.zone_version());
        if let Some((k, end)) = self.0.get() {
            if k == key {
                return end;
            }
        }
        let end = anchored_end(customer, entry, d);
        self.0.set(Some((key, end)));
        end
    }
}

/// `entry + d` in the customer's zone; the latest instant when out of
/// range.
fn anchored_end(customer: &Customer, entry: Timestamp, d: Duration) -> Timestamp {
    clock::add_instant(&customer.zoned(entry), d).unwrap_or(Timestamp::MAX)
}

impl<'a> Scope<'a> {
    /// Evaluates a condition; anything but `true` is false.
    pub fn holds(&self, expr: &Expr) -> Result<bool, EvalError> {
        Ok(self.eval(expr, None, 0)?.as_bool())
    }

    /// Evaluates an expression to a value.
    pub fn value(&self, expr: &Expr) -> Eval {
        self.eval(expr, None, 0)
    }

    /// Evaluates a `where` filter against one event's properties.
    pub fn filter_holds(&self, filter: Option<&Expr>, props: &Val) -> Result<bool, EvalError> {
        match filter {
            None => Ok(true),
            Some(f) => Ok(self.eval(f, Some(props), 0)?.as_bool()),
        }
    }

    fn eval(&self, expr: &Expr, filtered: Option<&Val>, depth: u32) -> Eval {
        crate::stack::deep(|| self.eval_here(expr, filtered, depth))
    }

    fn eval_here(&self, expr: &Expr, filtered: Option<&Val>, depth: u32) -> Eval {
        if depth > MAX_DEPTH {
            return Ok(Val::Unset);
        }
        let ev = |e: &Expr| self.eval(e, filtered, depth);
        Ok(match expr {
            Expr::And { args } => {
                for a in args {
                    if !ev(a)?.as_bool() {
                        return Ok(Val::Bool(false));
                    }
                }
                Val::Bool(true)
            }
            Expr::Or { args } => {
                for a in args {
                    if ev(a)?.as_bool() {
                        return Ok(Val::Bool(true));
                    }
                }
                Val::Bool(false)
            }
            Expr::Not { arg } => Val::Bool(!ev(arg)?.as_bool()),
            Expr::Compare { cmp, lhs, rhs } => {
                let l = self.operand(lhs, filtered, depth)?;
                let ord = if let Some(text) = text_literal(rhs) {
                    l.as_text().map(|a| a.cmp(text))
                } else if let Some((amount, currency)) = money_literal(rhs) {
                    // As `compare` with the literal's value: amounts in
                    // the same currency, nothing else.
                    match (&*l, amount) {
                        (
                            Val::Money {
                                amount: a,
                                currency: c,
                            },
                            Some(b),
                        ) if c == currency => Some(a.cmp(&b)),
                        _ => None,
                    }
                } else {
                    l.compare(&ev(rhs)?)
                };
                Val::Bool(order_holds(ord, *cmp))
            }
            Expr::In {
                negated,
                lhs,
                items,
            } => {
                let l = self.operand(lhs, filtered, depth)?;
                if !l.is_set() {
                    return Ok(Val::Bool(false));
                }
                let mut found = false;
                for i in items {
                    let ord = match text_literal(i) {
                        Some(text) => l.as_text().map(|a| a.cmp(text)),
                        None => l.compare(&ev(i)?),
                    };
                    if ord == Some(Ordering::Equal) {
                        found = true;
                        break;
                    }
                }
                Val::Bool(found != *negated)
            }
            Expr::StringOp { kind, lhs, rhs } => Val::Bool(string_op(*kind, &ev(lhs)?, &ev(rhs)?)),
            Expr::IsSet { negated, arg } => Val::Bool(ev(arg)?.is_set() != *negated),
            Expr::Arith { kind, lhs, rhs } => self.arith(*kind, ev(lhs)?, ev(rhs)?)?,
            Expr::Literal { value } => literal(value),
            Expr::Attr { .. } | Expr::EventField { .. } => {
                self.operand(expr, filtered, depth)?.into_owned()
            }
            Expr::Segment { name } => self.segment(name, depth)?,
            Expr::Score { name } => self.score(name, depth)?,
            Expr::Now => Val::Time(self.now.timestamp()),
            Expr::Performed {
                event,
                filter,
                within,
                since_entry,
            } => {
                let w = self.window(*within, *since_entry);
                let mut found = false;
                self.each_matching(event, filter.as_deref(), w, depth, |_| {
                    found = true;
                    Ok(ControlFlow::Break(()))
                })?;
                Val::Bool(found)
            }
            Expr::Count {
                event,
                filter,
                within,
                since_entry,
            } => {
                let w = self.window(*within, *since_entry);
                let n = self.count_matching(event, filter.as_deref(), w, depth)?;
                Val::Int(i64::try_from(n).unwrap_or(i64::MAX))
            }
            Expr::Sum {
                event,
                property,
                ty,
                filter,
                within,
                since_entry,
            } => {
                let w = self.window(*within, *since_entry);
                let mut total = zero_of(ty);
                self.each_matching(event, filter.as_deref(), w, depth, |e| {
                    let item = e.props.field(property);
                    let sum = add_values(&total, item).map_err(|_| {
                        overflow(format!(
                            "sum({event}.{property}), adding {} to {},",
                            item.display(),
                            total.display()
                        ))
                    })?;
                    if let Some(sum) = sum {
                        total = sum;
                    }
                    Ok(ControlFlow::Continue(()))
                })?;
                total
            }
            Expr::Last { event } => self
                .customer
                .events
                .iter()
                .rev()
                .find(|e| *e.name == **event && e.at <= self.now.timestamp())
                .map(|e| Val::Time(e.at))
                .unwrap_or(Val::Unset),
        })
    }

    /// An operand of a comparison: an attribute or an event field borrowed
    /// where it is (the hot paths compare them without copying), anything
    /// else evaluated.
    fn operand<'s>(
        &'s self,
        expr: &Expr,
        filtered: Option<&'s Val>,
        depth: u32,
    ) -> Result<Cow<'s, Val>, EvalError> {
        Ok(match expr {
            Expr::Attr { name, .. } => Cow::Borrowed(self.customer.attr(name)),
            Expr::EventField {
                scope, event, path, ..
            } => {
                let root = match scope {
                    EventScope::Filtered => filtered,
                    EventScope::InScope => self.in_scope.get(event),
                };
                let mut v = root.unwrap_or(&Val::Unset);
                for p in path {
                    v = v.field(p);
                }
                Cow::Borrowed(v)
            }
            _ => Cow::Owned(self.eval(expr, filtered, depth)?),
        })
    }

    /// The `[from, to]` instants an event query covers.
    fn window(&self, within: Option<Duration>, since_entry: bool) -> Window {
        let now = self.now.timestamp();
        if since_entry {
            return Window {
                from: self.entry.unwrap_or(now),
                to: now,
            };
        }
        let Some(d) = within else {
            return Window {
                from: Timestamp::MIN,
                to: now,
            };
        };
        match (self.goal_anchor, self.entry) {
            (true, Some(entry)) => {
                let end = match self.window_ends {
                    Some(ends) => ends.end(self.customer, entry, d),
                    None => anchored_end(self.customer, entry, d),
                };
                Window {
                    from: entry,
                    to: end.min(now),
                }
            }
            _ => Window {
                from: clock::sub_instant(self.now, d).unwrap_or(Timestamp::MIN),
                to: now,
            },
        }
    }

    /// Visits the customer's events named `event` inside `w` that pass
    /// `filter`, in time order, until `visit` breaks.
    ///
    /// The history is in time order, so the events before `w` are skipped
    /// by a binary search and the visit stops at the first event after it:
    /// a `within 30d` query looks at the last month, not at the whole
    /// history. No list is built.
    fn each_matching<'s>(
        &'s self,
        event: &str,
        filter: Option<&Expr>,
        w: Window,
        depth: u32,
        mut visit: impl FnMut(&'s PastEvent) -> Result<ControlFlow<()>, EvalError>,
    ) -> Result<(), EvalError> {
        let events: &'s [PastEvent] = &self.customer.events;
        let first = events.partition_point(|e| e.at < w.from);
        for e in &events[first..] {
            if e.at > w.to {
                break;
            }
            if *e.name != *event {
                continue;
            }
            let passes = match filter {
                None => true,
                Some(f) => self.eval(f, Some(&e.props), depth)?.as_bool(),
            };
            if passes && visit(e)?.is_break() {
                break;
            }
        }
        Ok(())
    }

    /// How many of the customer's events [`Self::each_matching`] visits.
    fn count_matching(
        &self,
        event: &str,
        filter: Option<&Expr>,
        w: Window,
        depth: u32,
    ) -> Result<usize, EvalError> {
        let mut n = 0;
        self.each_matching(event, filter, w, depth, |_| {
            n += 1;
            Ok(ControlFlow::Continue(()))
        })?;
        Ok(n)
    }

    fn plain(&self) -> Scope<'a> {
        Scope {
            plan: self.plan,
            customer: self.customer,
            now: self.now,
            entry: self.entry,
            in_scope: self.in_scope,
            goal_anchor: false,
            window_ends: None,
        }
    }

    /// Whether the customer is in the segment `name` (what `holds` gives
    /// for `Expr::Segment`, without building the expression).
    pub fn in_segment(&self, name: &str) -> Result<bool, EvalError> {
        Ok(self.segment(name, 0)?.as_bool())
    }

    /// The value of a condition that the customer's attributes alone
    /// decide: what every evaluation of it gives, at any instant and
    /// whatever events arrive, as long as no attribute changes. `None`
    /// when the clock or an event could change it, or when evaluating it
    /// fails (a run then reports the error).
    ///
    /// `and`, `or` and `not` are looked through, left to right as they
    /// are evaluated: `balance > 0 and count(order) > 2` is settled false
    /// for a customer with no balance (the evaluation stops at the first
    /// argument), but `count(order) > 2 and balance > 0` is not settled,
    /// because the count is evaluated first and could fail.
    pub fn settled(&self, expr: &Expr) -> Option<bool> {
        self.settled_at(expr, 0)
    }

    fn settled_at(&self, expr: &Expr, depth: u32) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        match expr {
            Expr::And { args } => {
                for a in args {
                    if !self.settled_at(a, depth)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
            Expr::Or { args } => {
                for a in args {
                    if self.settled_at(a, depth)? {
                        return Some(true);
                    }
                }
                Some(false)
            }
            Expr::Not { arg } => self.settled_at(arg, depth).map(|b| !b),
            Expr::Segment { name } => {
                let seg = self.plan.segment(name)?;
                self.plain().settled_at(&seg.expr, depth + 1)
            }
            _ if reads(self.plan, expr, 0).attributes_only() => {
                self.eval(expr, None, depth).ok().map(|v| v.as_bool())
            }
            _ => None,
        }
    }

    fn segment(&self, name: &str, depth: u32) -> Eval {
        Ok(match self.plan.segment(name) {
            Some(seg) => Val::Bool(self.plain().eval(&seg.expr, None, depth + 1)?.as_bool()),
            None => Val::Unset,
        })
    }

    /// A score's value: the sum of its rules' points.
    pub fn score(&self, name: &str, depth: u32) -> Eval {
        let Some(score) = self.plan.score(name) else {
            return Ok(Val::Unset);
        };
        let too_big = || overflow(format!("the score `{name}`"));
        let plain = self.plain();
        let mut total: i64 = 0;
        for rule in &score.rules {
            match rule {
                ScoreRule::PerEvent {
                    points,
                    event,
                    filter,
                    within,
                    since_entry,
                    max,
                } => {
                    let w = plain.window(*within, *since_entry);
                    let n = plain.count_matching(event, filter.as_ref(), w, depth)?;
                    let n = i64::try_from(n).map_err(|_| too_big())?;
                    // Capped rules cannot overflow: the cap bounds them.
                    let pts = match max {
                        Some(max) if *points >= 0 => {
                            n.checked_mul(*points).unwrap_or(i64::MAX).min(*max)
                        }
                        Some(max) => n
                            .checked_mul(*points)
                            .unwrap_or(i64::MIN)
                            .max(max.checked_abs().map_or(i64::MIN, |m| -m)),
                        None => n.checked_mul(*points).ok_or_else(too_big)?,
                    };
                    total = total.checked_add(pts).ok_or_else(too_big)?;
                }
                ScoreRule::If { points, when } => {
                    if plain.eval(when, None, depth + 1)?.as_bool() {
                        total = total.checked_add(*points).ok_or_else(too_big)?;
                    }
                }
            }
        }
        Ok(Val::Int(total))
    }

    fn arith(&self, kind: ArithKind, l: Val, r: Val) -> Eval {
        if let (Val::Time(a), Val::Time(b), ArithKind::Sub) = (&l, &r, kind) {
            let secs = a.as_second() - b.as_second();
            return Ok(Val::Duration(Duration::new(0, secs)));
        }
        let sign = match kind {
            ArithKind::Add => "+",
            ArithKind::Sub => "-",
        };
        let what = || format!("{} {sign} {}", l.display(), r.display());
        let r = match kind {
            ArithKind::Add => r.clone(),
            ArithKind::Sub => negate(&r).ok_or_else(|| overflow(what()))?,
        };
        Ok(match (&l, &r) {
            // Only the instant is kept: `add_instant` (a zoned result
            // is always in range when its instant is).
            (Val::Time(t), Val::Duration(d)) => clock::add_instant(&self.customer.zoned(*t), *d)
                .map(Val::Time)
                .map_err(|_| out_of_range(what()))?,
            (Val::Date(day), Val::Duration(d)) => jiff::Span::new()
                .try_days(d.days)
                .ok()
                .and_then(|span| day.checked_add(span).ok())
                .map(Val::Date)
                .ok_or_else(|| out_of_range(what()))?,
            _ => add_values(&l, &r)
                .map_err(|_| overflow(what()))?
                .unwrap_or(Val::Unset),
        })
    }
}

#[derive(Clone, Copy)]
struct Window {
    from: Timestamp,
    to: Timestamp,
}

/// What the value of an expression can depend on besides the customer's
/// attributes (which change only with a `set` step or an attribute set
/// from outside).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reads {
    /// The clock: `now`, a `within` or `since entry` window, directly or
    /// through the segments and scores it uses. Without it, the value
    /// (of a condition without events in scope, as a segment's) cannot
    /// change while no input arrives and no step runs.
    pub clock: bool,
    /// Events: the customer's history (`performed`, `count`, `sum`,
    /// `last`, a score's per-event rule) or an event in the flow's scope.
    pub events: bool,
}

impl Reads {
    /// Reads everything: what an expression too deep to walk counts as.
    const ALL: Reads = Reads {
        clock: true,
        events: true,
    };

    fn and(self, other: Reads) -> Reads {
        Reads {
            clock: self.clock || other.clock,
            events: self.events || other.events,
        }
    }

    /// Whether the attributes alone decide the value.
    pub fn attributes_only(self) -> bool {
        self == Reads::default()
    }
}

/// What `expr` reads ([`Reads`]), through the segments and scores of
/// `plan` it uses. Too deep a chain of segments counts as reading
/// everything.
pub(super) fn reads(plan: &Plan, expr: &Expr, depth: u32) -> Reads {
    if depth > MAX_DEPTH {
        return Reads::ALL;
    }
    let deeper = |e: &Expr| reads(plan, e, depth + 1);
    let events = Reads {
        clock: false,
        events: true,
    };
    let window = |filter: Option<&Expr>, within: &Option<Duration>, since_entry: bool| {
        let clock = Reads {
            clock: within.is_some() || since_entry,
            events: true,
        };
        filter.map_or(clock, |f| clock.and(deeper(f)))
    };
    match expr {
        Expr::And { args } | Expr::Or { args } => {
            args.iter().map(deeper).fold(Reads::default(), Reads::and)
        }
        Expr::Not { arg } | Expr::IsSet { arg, .. } => deeper(arg),
        Expr::Compare { lhs, rhs, .. }
        | Expr::StringOp { lhs, rhs, .. }
        | Expr::Arith { lhs, rhs, .. } => deeper(lhs).and(deeper(rhs)),
        Expr::In { lhs, items, .. } => items.iter().map(deeper).fold(deeper(lhs), Reads::and),
        Expr::Literal { .. } | Expr::Attr { .. } => Reads::default(),
        Expr::EventField { .. } | Expr::Last { .. } => events,
        Expr::Now => Reads {
            clock: true,
            events: false,
        },
        Expr::Segment { name } => plan
            .segment(name)
            .map_or(Reads::default(), |s| deeper(&s.expr)),
        Expr::Score { name } => plan.score(name).map_or(Reads::default(), |s| {
            s.rules.iter().fold(Reads::default(), |r, rule| match rule {
                ScoreRule::PerEvent {
                    filter,
                    within,
                    since_entry,
                    ..
                } => r.and(window(filter.as_ref(), within, *since_entry)),
                ScoreRule::If { when, .. } => r.and(deeper(when)),
            })
        }),
        Expr::Performed {
            filter,
            within,
            since_entry,
            ..
        }
        | Expr::Count {
            filter,
            within,
            since_entry,
            ..
        }
        | Expr::Sum {
            filter,
            within,
            since_entry,
            ..
        } => window(filter.as_deref(), within, *since_entry),
    }
}

/// `-v`; `None` when it does not fit (`-(-9223372036854775808)`).
fn negate(v: &Val) -> Option<Val> {
    Some(match v {
        Val::Int(i) => Val::Int(i.checked_neg()?),
        Val::Decimal(n) => Val::Decimal(n.checked_neg()?),
        Val::Money { amount, currency } => Val::Money {
            amount: amount.checked_neg()?,
            currency: currency.clone(),
        },
        Val::Duration(d) => Val::Duration(d.negated()),
        _ => Val::Unset,
    })
}

/// The exact sum did not fit.
struct Overflow;

/// `a + b` for numbers of one kind, money of one currency and durations;
/// `Ok(None)` when they do not add up (unset, mixed currencies),
/// `Err(Overflow)` when the exact sum does not fit.
fn add_values(a: &Val, b: &Val) -> Result<Option<Val>, Overflow> {
    let num = |n: Option<Num>| n.ok_or(Overflow);
    Ok(Some(match (a, b) {
        (Val::Int(x), Val::Int(y)) => Val::Int(x.checked_add(*y).ok_or(Overflow)?),
        (
            Val::Money {
                amount: x,
                currency: cx,
            },
            Val::Money {
                amount: y,
                currency: cy,
            },
        ) if cx == cy => Val::Money {
            amount: num(x.checked_add(*y))?,
            currency: cx.clone(),
        },
        (Val::Money { .. }, _) | (_, Val::Money { .. }) => return Ok(None),
        (Val::Duration(x), Val::Duration(y)) => Val::Duration(Duration::new(
            x.days.checked_add(y.days).ok_or(Overflow)?,
            x.seconds.checked_add(y.seconds).ok_or(Overflow)?,
        )),
        (x, y) => match (x.as_num(), y.as_num()) {
            (Some(x), Some(y)) => Val::Decimal(num(x.checked_add(y))?),
            _ => return Ok(None),
        },
    }))
}

/// The zero a `sum` starts from, by the property's type name.
fn zero_of(ty: &str) -> Val {
    let ty = ty.trim().trim_end_matches('?');
    if let Some(cur) = ty.strip_prefix("money(").and_then(|r| r.strip_suffix(')')) {
        return Val::Money {
            amount: Num::int(0),
            currency: cur.to_string(),
        };
    }
    match ty {
        "decimal" => Val::Decimal(Num::int(0)),
        _ => Val::Int(0),
    }
}

/// A comparison; false when either side is unset or they do not compare.
pub fn compare(l: &Val, op: CompareOp, r: &Val) -> bool {
    order_holds(l.compare(r), op)
}

/// Whether `op` holds for an order; false for none.
fn order_holds(ord: Option<Ordering>, op: CompareOp) -> bool {
    let Some(ord) = ord else {
        return false;
    };
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
    }
}

fn string_op(kind: StringOpKind, l: &Val, r: &Val) -> bool {
    if let (Val::List(items), StringOpKind::Contains) = (l, kind) {
        return items.iter().any(|i| i.compare(r) == Some(Ordering::Equal));
    }
    let (Some(a), Some(b)) = (l.as_text(), r.as_text()) else {
        return false;
    };
    match kind {
        StringOpKind::Contains => a.contains(b),
        StringOpKind::StartsWith => a.starts_with(b),
        StringOpKind::EndsWith => a.ends_with(b),
    }
}

/// Parses a decimal string (`"19.90"`, `"-3"`) exactly.
pub fn parse_num(s: &str) -> Option<Num> {
    let text = s.trim().as_bytes();
    let (neg, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || digits == b"." {
        return None;
    }
    // The digits of both parts as one integer, without building the text;
    // the scale counts the digits after the one `.`.
    let (mut mantissa, mut scale, mut dot) = (0i128, 0u32, false);
    for &c in digits {
        if c == b'.' && !dot {
            dot = true;
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(i128::from(c - b'0'))?;
        scale += u32::from(dot);
    }
    Some(Num {
        mantissa: if neg { -mantissa } else { mantissa },
        scale,
    })
}

/// The text of a string or enum literal, which compares with a value as
/// [`Val::compare`] compares that value with the literal's [`Val`]
/// (string and enum text with each other, nothing else), without building
/// it.
fn text_literal(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Literal {
            value: Literal::String { value } | Literal::Enum { value },
        } => Some(value),
        _ => None,
    }
}

/// The amount (`None` when malformed: the literal's value is then unset)
/// and currency of a money literal, which compares with a value as
/// [`Val::compare`] compares that value with the literal's [`Val`],
/// without building it (a sweep compares `lifetime_value > 0 USD` for
/// every customer every week).
fn money_literal(expr: &Expr) -> Option<(Option<Num>, &str)> {
    match expr {
        Expr::Literal {
            value: Literal::Money { amount, currency },
        } => Some((parse_num(amount), currency)),
        _ => None,
    }
}

/// A plan literal as a runtime value; malformed text becomes unset.
pub fn literal(lit: &Literal) -> Val {
    match lit {
        Literal::Bool { value } => Val::Bool(*value),
        Literal::Int { value } => Val::Int(*value),
        Literal::Decimal { value } => parse_num(value).map(Val::Decimal).unwrap_or(Val::Unset),
        Literal::Money { amount, currency } => parse_num(amount)
            .map(|amount| Val::Money {
                amount,
                currency: currency.clone(),
            })
            .unwrap_or(Val::Unset),
        Literal::String { value } => Val::Str(value.clone()),
        Literal::Enum { value } => Val::Enum(value.clone()),
        Literal::Time { value } => value.parse().map(Val::Time).unwrap_or(Val::Unset),
        Literal::Date { value } => value.parse().map(Val::Date).unwrap_or(Val::Unset),
        Literal::Duration { days, seconds } => Val::Duration(Duration::new(*days, *seconds)),
        Literal::List { items } => Val::List(items.iter().map(literal).collect()),
        Literal::Record { fields } => Val::Record(
            fields
                .iter()
                .map(|f| (f.name.clone(), literal(&f.value)))
                .collect(),
        ),
    }
}
