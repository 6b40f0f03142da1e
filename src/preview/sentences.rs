//! Conditions, triggers and policies as plain English for reviewers.
//!
//! Reads the plan's expression trees (names, not ids), so the sentences
//! describe exactly what the runtime will evaluate. Two grammatical forms:
//!
//! - [`Form::Who`]: a relative clause after "Customers" ("whose plan is
//!   trial and who performed `order_placed` at least once"), for audiences
//!   and segments;
//! - [`Form::They`]: an independent clause ("they performed `x` since
//!   entering"), for goals, exits and flow branches.
//!
//! Every expression form has a rendering; a few shapes read better with a
//! dedicated phrase (`count(E) >= 1` → "at least once", `t > now - 14d` →
//! "less than 14 days ago"). Nothing depends on the project's names.

use crate::plan::format::{
    ArithKind, CompareOp, Duration, EventScope, Expr, Literal, Period, Plan, Reentry, ScoreRule,
    SegmentEntry, StringOpKind, Trigger, Weekday,
};
use std::fmt::Write as _;

/// Which grammatical form a clause takes (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// "whose plan is trial", "who performed `x`".
    Who,
    /// "their plan is trial", "they performed `x`".
    They,
}

/// `signed_up_at` → `signed up at`: attribute names as words.
pub fn words(name: &str) -> String {
    name.replace('_', " ")
}

/// `14 days`, `1 day and 12 hours`, `30 minutes`, `no time`.
pub fn duration(d: Duration) -> String {
    let mut parts = Vec::new();
    let plural = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    if d.days != 0 {
        parts.push(plural(d.days, "day"));
    }
    let secs = d.seconds;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h != 0 {
        parts.push(plural(h, "hour"));
    }
    if m != 0 {
        parts.push(plural(m, "minute"));
    }
    if s != 0 {
        parts.push(plural(s, "second"));
    }
    match parts.len() {
        0 => "no time".into(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}

/// `Monday`.
pub fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// A constant as a reviewer reads it: `15 USD`, `trial`, `"VIP"`, `14 days`.
pub fn literal(lit: &Literal) -> String {
    match lit {
        Literal::Bool { value } => value.to_string(),
        Literal::Int { value } => value.to_string(),
        Literal::Decimal { value } => value.clone(),
        Literal::Money { amount, currency } => format!("{amount} {currency}"),
        // A backtick would pair with the code spans around names.
        Literal::String { value } => format!("\"{}\"", value.replace('`', "'")),
        Literal::Enum { value } => value.clone(),
        Literal::Time { value } | Literal::Date { value } => value.clone(),
        Literal::Duration { days, seconds } => duration(Duration {
            days: *days,
            seconds: *seconds,
        }),
        Literal::List { items } => or_list(&items.iter().map(literal).collect::<Vec<_>>()),
        Literal::Record { fields } => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{} {}", words(&f.name), literal(&f.value)))
                .collect();
            format!("{{ {} }}", inner.join(", "))
        }
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    join_last(items, "or")
}

fn join_last(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// A value expression as a noun phrase: `plan`, `the event's total`,
/// `14 days ago`, `loyalty points plus 250`.
pub fn value(e: &Expr) -> String {
    match e {
        Expr::Literal { value } => literal(value),
        Expr::Attr { name, .. } => words(name),
        Expr::EventField {
            scope, event, path, ..
        } => {
            let path = path.iter().map(|p| words(p)).collect::<Vec<_>>().join(" ");
            match scope {
                EventScope::Filtered => format!("its {path}"),
                EventScope::InScope => format!("the {path} of `{event}`"),
            }
        }
        Expr::Segment { name } => format!("membership of `{name}`"),
        Expr::Score { name } => format!("the {} score", words(name)),
        Expr::Now => "now".into(),
        Expr::Arith { kind, lhs, rhs } => match (kind, lhs.as_ref(), rhs.as_ref()) {
            (ArithKind::Sub, Expr::Now, d) => format!("{} ago", value(d)),
            (ArithKind::Add, Expr::Now, d) => format!("{} from now", value(d)),
            (ArithKind::Add, l, r) => format!("{} plus {}", value(l), value(r)),
            (ArithKind::Sub, l, r) => format!("{} minus {}", value(l), value(r)),
        },
        Expr::Count {
            event,
            filter,
            within,
            since_entry,
        } => format!(
            "the number of `{event}`{}{}",
            filter_phrase(filter.as_deref()),
            window(*within, *since_entry)
        ),
        Expr::Sum {
            event,
            property,
            filter,
            within,
            since_entry,
            ..
        } => format!(
            "the sum of {} over `{event}`{}{}",
            words(property),
            filter_phrase(filter.as_deref()),
            window(*within, *since_entry)
        ),
        Expr::Last { event } => format!("the last `{event}`"),
        // A condition used as a value (rare): say it as a clause.
        other => format!("whether {}", clause(other, Form::They)),
    }
}

/// ` in the last 14 days`, ` since entering`, or nothing (ever).
fn window(within: Option<Duration>, since_entry: bool) -> String {
    if since_entry {
        " since entering".into()
    } else if let Some(d) = within {
        format!(" in the last {}", duration(d))
    } else {
        String::new()
    }
}

/// ` where its total is at least 15 USD`, or nothing.
fn filter_phrase(filter: Option<&Expr>) -> String {
    filter.map_or(String::new(), |f| {
        format!(" where {}", clause(f, Form::They))
    })
}

/// The phrase of a comparison operator: `is at least`, `is before`.
fn cmp_phrase(op: CompareOp, time: bool) -> &'static str {
    match (op, time) {
        (CompareOp::Eq, _) => "is",
        (CompareOp::Ne, _) => "is not",
        (CompareOp::Lt, false) => "is less than",
        (CompareOp::Le, false) => "is at most",
        (CompareOp::Gt, false) => "is more than",
        (CompareOp::Ge, false) => "is at least",
        (CompareOp::Lt, true) => "is before",
        (CompareOp::Le, true) => "is at or before",
        (CompareOp::Gt, true) => "is after",
        (CompareOp::Ge, true) => "is at or after",
    }
}

/// The mirror image of an operator, for `5 < x` → `x > 5`.
fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        other => other,
    }
}

/// The customer's possessive subject: `whose plan` / `their plan`.
fn possessive(form: Form, noun: &str) -> String {
    match form {
        Form::Who => format!("whose {noun}"),
        Form::They => format!("their {noun}"),
    }
}

/// The customer as the subject of a verb: `who` / `they`.
fn subject(form: Form) -> &'static str {
    match form {
        Form::Who => "who",
        Form::They => "they",
    }
}

/// The customer having done something: `who performed`, `who did not
/// perform`, `who never performed` / `they have performed`, `they have
/// not performed`, `they have never performed`.
fn did(form: Form, what: &str) -> String {
    match (form, what) {
        (Form::Who, "not performed") => "who did not perform".into(),
        (Form::Who, w) => format!("who {w}"),
        (Form::They, w) => format!("they have {w}"),
    }
}

/// A condition as a clause in the given form.
pub fn clause(e: &Expr, form: Form) -> String {
    match e {
        Expr::And { args } => join_args(args, form, "and"),
        Expr::Or { args } => join_args(args, form, "or"),
        Expr::Not { arg } => negated(arg, form),
        Expr::Compare { cmp, lhs, rhs } => comparison(*cmp, lhs, rhs, form),
        Expr::In {
            negated,
            lhs,
            items,
        } => {
            let values: Vec<String> = items.iter().map(value).collect();
            let verb = if *negated {
                format!("is neither {}", join_last(&values, "nor"))
            } else {
                format!("is {}", or_list(&values))
            };
            about(lhs, form, &verb)
        }
        Expr::StringOp { kind, lhs, rhs } => {
            let verb = match kind {
                StringOpKind::Contains => "contains",
                StringOpKind::StartsWith => "starts with",
                StringOpKind::EndsWith => "ends with",
            };
            about(lhs, form, &format!("{verb} {}", value(rhs)))
        }
        Expr::IsSet { negated, arg } => {
            let verb = if *negated { "is not set" } else { "is set" };
            about(arg, form, verb)
        }
        Expr::Literal {
            value: Literal::Bool { value },
        } => {
            if *value {
                "always".into()
            } else {
                "never".into()
            }
        }
        Expr::Attr { name, .. } => possessive(form, &format!("{} is true", words(name))),
        Expr::EventField { .. } => format!("{} is true", value(e)),
        Expr::Segment { name } => match form {
            Form::Who => format!("who are in segment `{name}`"),
            Form::They => format!("they are in segment `{name}`"),
        },
        Expr::Performed {
            event,
            filter,
            within,
            since_entry,
        } => format!(
            "{} `{event}`{}{}",
            did(form, "performed"),
            filter_phrase(filter.as_deref()),
            window(*within, *since_entry)
        ),
        other => format!("{} is true", value(other)),
    }
}

/// `a and b and c`, with `or` groups inside `and` in parentheses (and the
/// other way round) so the grouping of the source survives.
fn join_args(args: &[Expr], form: Form, word: &str) -> String {
    let parts: Vec<String> = args
        .iter()
        .map(|a| {
            let text = clause(a, form);
            let nested = matches!(
                (word, a),
                ("and", Expr::Or { .. }) | ("or", Expr::And { .. })
            );
            if nested {
                format!("({text})")
            } else {
                text
            }
        })
        .collect();
    parts.join(&format!(" {word} "))
}

/// `not X` with a natural phrase where one exists ("they are not in
/// segment `vip`", "they have not performed `x`").
pub fn negation(arg: &Expr, form: Form) -> String {
    negated(arg, form)
}

fn negated(arg: &Expr, form: Form) -> String {
    match arg {
        Expr::Performed {
            event,
            filter,
            within,
            since_entry,
        } => format!(
            "{} `{event}`{}{}",
            did(form, "not performed"),
            filter_phrase(filter.as_deref()),
            window(*within, *since_entry)
        ),
        Expr::Segment { name } => match form {
            Form::Who => format!("who are not in segment `{name}`"),
            Form::They => format!("they are not in segment `{name}`"),
        },
        Expr::Attr { name, .. } => possessive(form, &format!("{} is not true", words(name))),
        Expr::IsSet { negated, arg } => clause(
            &Expr::IsSet {
                negated: !negated,
                arg: arg.clone(),
            },
            form,
        ),
        other => match form {
            Form::Who => format!(
                "for whom it is not the case that {}",
                clause(other, Form::They)
            ),
            Form::They => format!("it is not the case that {}", clause(other, Form::They)),
        },
    }
}

/// A statement about a value: `whose plan is trial`, `its total is …`.
fn about(subject_expr: &Expr, form: Form, verb: &str) -> String {
    match subject_expr {
        Expr::Attr { name, .. } => possessive(form, &format!("{} {verb}", words(name))),
        Expr::Score { name } => possessive(form, &format!("{} score {verb}", words(name))),
        // Aggregates over the customer's own events read as theirs.
        Expr::Sum { .. } | Expr::Count { .. } | Expr::Last { .. } => {
            let noun = value(subject_expr);
            let noun = noun.strip_prefix("the ").unwrap_or(&noun);
            possessive(form, &format!("{noun} {verb}"))
        }
        other => {
            let text = format!("{} {verb}", value(other));
            match form {
                Form::Who => format!("for whom {text}"),
                Form::They => text,
            }
        }
    }
}

fn is_time(e: &Expr) -> bool {
    match e {
        Expr::Attr { ty, .. } | Expr::EventField { ty, .. } => {
            ty.trim_end_matches('?') == "time" || ty.trim_end_matches('?') == "date"
        }
        Expr::Now | Expr::Last { .. } => true,
        Expr::Literal { value } => {
            matches!(value, Literal::Time { .. } | Literal::Date { .. })
        }
        Expr::Arith { lhs, .. } => is_time(lhs),
        _ => false,
    }
}

fn comparison(op: CompareOp, lhs: &Expr, rhs: &Expr, form: Form) -> String {
    // Keep the customer's side on the left: `5 < x` reads as `x > 5`.
    if matches!(lhs, Expr::Literal { .. }) && !matches!(rhs, Expr::Literal { .. }) {
        return comparison(flip(op), rhs, lhs, form);
    }
    if let Some(text) = count_comparison(op, lhs, rhs, form) {
        return text;
    }
    if let Some(text) = ago_comparison(op, lhs, rhs, form) {
        return text;
    }
    let verb = format!("{} {}", cmp_phrase(op, is_time(lhs)), value(rhs));
    about(lhs, form, &verb)
}

/// `count(E) >= 1` → "performed `E` at least once", `== 0` → "never".
fn count_comparison(op: CompareOp, lhs: &Expr, rhs: &Expr, form: Form) -> Option<String> {
    let Expr::Count {
        event,
        filter,
        within,
        since_entry,
    } = lhs
    else {
        return None;
    };
    let Expr::Literal {
        value: Literal::Int { value: n },
    } = rhs
    else {
        return None;
    };
    let n = *n;
    let times = |k: i64| match k {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        k => format!("{k} times"),
    };
    let how = match op {
        CompareOp::Eq if n == 0 => None,
        CompareOp::Lt if n == 1 => None,
        CompareOp::Le if n == 0 => None,
        CompareOp::Eq => Some(format!("exactly {}", times(n))),
        CompareOp::Ne => Some(format!("other than {}", times(n))),
        CompareOp::Ge => Some(format!("at least {}", times(n))),
        CompareOp::Gt => Some(format!("more than {}", times(n))),
        CompareOp::Le => Some(format!("at most {}", times(n))),
        CompareOp::Lt => Some(format!("fewer than {}", times(n))),
    };
    let tail = format!(
        "`{event}`{}{}",
        filter_phrase(filter.as_deref()),
        window(*within, *since_entry)
    );
    Some(match how {
        Some(how) => format!("{} {tail} {how}", did(form, "performed")),
        None if filter.is_none() && within.is_none() && !since_entry => {
            format!("{} `{event}`", did(form, "never performed"))
        }
        None => format!("{} {tail}", did(form, "not performed")),
    })
}

/// `t > now - 14d` → "less than 14 days ago"; a time attribute named like
/// `signed_up_at` reads as a verb ("who signed up …"), one like
/// `last_order_at` as a noun ("whose last order was …").
fn ago_comparison(op: CompareOp, lhs: &Expr, rhs: &Expr, form: Form) -> Option<String> {
    let Expr::Arith {
        kind: ArithKind::Sub,
        lhs: now,
        rhs: span,
    } = rhs
    else {
        return None;
    };
    if !matches!(now.as_ref(), Expr::Now) || !is_time(lhs) {
        return None;
    }
    let amount = value(span);
    let when = match op {
        CompareOp::Gt => format!("less than {amount} ago"),
        CompareOp::Ge => format!("at most {amount} ago"),
        CompareOp::Lt => format!("more than {amount} ago"),
        CompareOp::Le => format!("at least {amount} ago"),
        CompareOp::Eq => format!("exactly {amount} ago"),
        CompareOp::Ne => format!("not exactly {amount} ago"),
    };
    Some(match lhs {
        Expr::Attr { name, .. } => match name.strip_suffix("_at") {
            Some(stem) if stem.split('_').next().is_some_and(|w| w.ends_with("ed")) => {
                format!("{} {} {when}", subject(form), words(stem))
            }
            Some(stem) => possessive(form, &format!("{} was {when}", words(stem))),
            None => possessive(form, &format!("{} is {when}", words(name))),
        },
        Expr::Last { event } => format!("{} last performed `{event}` {when}", subject(form)),
        other => about(other, form, &format!("is {when}")),
    })
}

/// "Customers whose …", or "Everyone" without an audience. A segment
/// reference is spelled out with its definition so the reviewer sees who
/// it is without looking it up.
pub fn audience(plan: &Plan) -> String {
    match &plan.audience {
        None => "Everyone who triggers the campaign".into(),
        Some(Expr::Segment { name }) => segment_sentence(plan, name),
        Some(e) => format!("Customers {}", clause(e, Form::Who)),
    }
}

/// "Customers in segment `x`: whose …".
pub fn segment_sentence(plan: &Plan, name: &str) -> String {
    match plan.segment(name) {
        Some(seg) => segment_definition(seg),
        None => format!("Customers in segment `{name}`"),
    }
}

/// A segment's definition in words: "Customers in segment `x`: those
/// whose …".
pub fn segment_definition(seg: &SegmentEntry) -> String {
    format!(
        "Customers in segment `{}`: those {}",
        seg.name,
        clause(&seg.expr, Form::Who)
    )
}

/// One rule of a score in words: "+5 points for each `app_opened` in the
/// last 30 days, at most 40 points", "-20 points if they have not
/// performed `app_opened` in the last 21 days".
pub fn score_rule(rule: &ScoreRule) -> String {
    let points = |n: i64| {
        let unit = if n.abs() == 1 { "point" } else { "points" };
        format!("{n:+} {unit}")
    };
    match rule {
        ScoreRule::PerEvent {
            points: p,
            event,
            filter,
            within,
            since_entry,
            max,
        } => {
            let cap = max.map_or(String::new(), |m| format!(", at most {}", points(m)));
            format!(
                "{} for each `{event}`{}{}{cap}",
                points(*p),
                filter_phrase(filter.as_ref()),
                window(*within, *since_entry)
            )
        }
        ScoreRule::If { points: p, when } => {
            format!("{} if {}", points(*p), clause(when, Form::They))
        }
    }
}

/// What a duration literal means, for someone reading the source:
/// "36 hours of elapsed time (1 day and 12 hours)", "2 calendar days in
/// the customer's time zone (…)". The canonical notation is
/// [`Duration`]'s `Display`; this is prose.
pub fn duration_meaning(d: Duration) -> String {
    if d.days < 0 || d.seconds < 0 {
        return format!(
            "{}: a negative duration, which no wait, window or cap accepts",
            duration(Duration {
                days: d.days.abs(),
                seconds: d.seconds.abs()
            })
        );
    }
    let calendar = match d.days {
        0 => None,
        n => Some(format!(
            "{} {}",
            n,
            if n == 1 {
                "calendar day"
            } else {
                "calendar days"
            }
        )),
    };
    let elapsed = (d.seconds != 0).then(|| {
        let mut text = format!(
            "{} of elapsed time",
            duration(Duration {
                days: 0,
                seconds: d.seconds
            })
        );
        if d.seconds >= 86_400 {
            let _ = write!(
                text,
                " ({})",
                duration(Duration {
                    days: d.seconds / 86_400,
                    seconds: d.seconds % 86_400
                })
            );
        }
        text
    });
    match (calendar, elapsed) {
        (None, None) => "no time".into(),
        (Some(c), None) => format!(
            "{c} in the customer's time zone: it ends at the same local clock time, \
             even across a daylight-saving change (that day lasts 23 or 25 hours)"
        ),
        (None, Some(e)) => format!(
            "{e}: exactly that long, whatever the local clock shows after a daylight-saving change"
        ),
        (Some(c), Some(e)) => {
            format!("{c} in the customer's time zone (same local clock time), then {e}")
        }
    }
}

/// What `send_window START-END` means: "Sends only between 09:00 and
/// 20:00 in the customer's local time …".
pub fn send_window_meaning(start: &str, end: &str) -> String {
    let wraps = if start > end {
        " The window spans midnight."
    } else {
        ""
    };
    format!(
        "Sends only between {start} and {end} in the customer's local time \
         ({start} included, {end} not). A send due outside the window waits for \
         its next opening, and the flow waits with it.{wraps}"
    )
}

/// "When a customer performs `signed_up`", "Every Monday at 10:00 …".
pub fn trigger(plan: &Plan) -> String {
    match &plan.trigger {
        Trigger::Event { event, filter } => match filter {
            None => format!("When a customer performs `{event}`"),
            Some(f) => format!(
                "When a customer performs `{event}` and {}",
                clause(f, Form::They)
            ),
        },
        Trigger::Enters { segment } => match plan.segment(segment) {
            Some(seg) => format!(
                "When a customer starts matching segment `{segment}`: those {}",
                clause(&seg.expr, Form::Who)
            ),
            None => format!("When a customer starts matching segment `{segment}`"),
        },
        Trigger::Changed { attribute, to } => match to {
            Some(v) => format!(
                "When a customer's {} changes to {}",
                words(attribute),
                literal(v)
            ),
            None => format!("When a customer's {} changes", words(attribute)),
        },
        Trigger::Every {
            period,
            weekday: day,
            day_of_month,
            at,
        } => {
            let when = match period {
                Period::Day => format!("Every day at {at}"),
                Period::Week => format!("Every {} at {at}", day.map_or("week", weekday)),
                Period::Month => {
                    format!("Every month on day {} at {at}", day_of_month.unwrap_or(1))
                }
            };
            format!("{when}, in each customer's local time")
        }
    }
}

/// "Converted when they perform `x` within 14 days of entering".
pub fn goal(e: &Expr) -> String {
    match e {
        Expr::Performed {
            event,
            filter: None,
            within: Some(d),
            since_entry: false,
        } => format!(
            "Converted when they perform `{event}` within {} of entering",
            duration(*d)
        ),
        Expr::Performed {
            event,
            filter: None,
            within: None,
            since_entry: true,
        } => format!("Converted when they perform `{event}` after entering"),
        other => format!("Converted as soon as {}", clause(other, Form::They)),
    }
}

/// "Leaves the campaign as soon as …".
pub fn exit(e: &Expr) -> String {
    format!("Leaves the campaign as soon as {}", clause(e, Form::They))
}

/// The reentry rule in words.
pub fn reentry(r: &Reentry) -> String {
    match r {
        Reentry::Never => {
            "Never: a customer who was ever in the campaign does not enter again".into()
        }
        Reentry::After { after } => format!(
            "May enter again {} after their previous journey ended",
            duration(*after)
        ),
    }
}

#[cfg(test)]
#[path = "sentences_tests.rs"]
mod tests;
