//! Stable node ids.
//!
//! A running system keeps customers parked at nodes between deploys, so a
//! node's id must not change when the flow is edited elsewhere. Ids are
//! therefore derived from the step's place (the chain of enclosing blocks)
//! and its content, never from its index:
//!
//! - a step's key is `send.<message>`, `wait.<duration>` (`wait.1d12h`),
//!   `wait_until.<HHMM>` or `wait_until.<weekday>.<HHMM>`,
//!   `wait_for.<event>`, `if.<slug of the first condition>`,
//!   `split.<name>`, `set.<attribute>` or `exit`;
//! - a key that occurs again in the same block gets `#2`, `#3`, … in
//!   source order;
//! - a nested step's id is its block's id followed by its key, where the
//!   block id is the parent's id and `then`, `elif.<slug>`, `else`,
//!   `on_event`, `on_timeout` or the split variant's name:
//!   `if.performed_project_created.else.wait_for.project_created.on_event.send.congrats`.
//!
//! Inserting or removing a step changes no other id, except that of a
//! later step with the same key in the same block (its `#n` suffix).

use crate::check::model::{
    ArithOp, CompareOp, EventRef, Model, StepDef, StepKindDef, StringOp, TExpr, TExprKind, Value,
};

use super::lower_expr::{clock, field_path};

/// The longest condition slug kept in an id.
const MAX_SLUG: usize = 40;

/// The ids of the steps of one block, in order, under `prefix` (the
/// block's id; empty for the top of the flow).
pub fn block_ids(model: &Model, prefix: &str, steps: &[StepDef]) -> Vec<String> {
    let keys: Vec<String> = steps.iter().map(|s| step_key(model, s)).collect();
    dedupe(&keys)
        .into_iter()
        .map(|key| join(prefix, &key))
        .collect()
}

/// `prefix.key`, or `key` at the top.
pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Suffixes repeated keys with `#2`, `#3`, … in order of occurrence.
pub fn dedupe(keys: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(keys.len());
    for (i, key) in keys.iter().enumerate() {
        let seen = keys[..i].iter().filter(|k| *k == key).count();
        if seen == 0 {
            out.push(key.clone());
        } else {
            out.push(format!("{key}#{}", seen + 1));
        }
    }
    out
}

/// The content key of one step (see the module docs).
fn step_key(model: &Model, step: &StepDef) -> String {
    match &step.kind {
        StepKindDef::Send { message, .. } => format!("send.{}", model.message(*message).name),
        StepKindDef::Wait(d) => format!("wait.{d}"),
        StepKindDef::WaitUntil { minutes, day } => {
            let time = clock(*minutes).replace(':', "");
            match day {
                Some(day) => format!("wait_until.{}.{time}", weekday_name(*day)),
                None => format!("wait_until.{time}"),
            }
        }
        StepKindDef::WaitFor { event, .. } => format!("wait_for.{}", model.event(*event).name),
        StepKindDef::If { branches, .. } => match branches.first() {
            Some((cond, _)) => format!("if.{}", condition_slug(model, cond)),
            None => "if".to_string(),
        },
        StepKindDef::Split { name, .. } => format!("split.{name}"),
        StepKindDef::Set { attr, .. } => format!("set.{}", model.attr(*attr).name),
        StepKindDef::Exit => "exit".to_string(),
    }
}

fn weekday_name(day: crate::check::model::Weekday) -> &'static str {
    use crate::check::model::Weekday::*;
    match day {
        Monday => "monday",
        Tuesday => "tuesday",
        Wednesday => "wednesday",
        Thursday => "thursday",
        Friday => "friday",
        Saturday => "saturday",
        Sunday => "sunday",
    }
}

/// A short readable name for a condition: `performed_project_created`,
/// `plan_eq_enterprise`. Only `[a-z0-9_]`, at most 40 characters.
pub fn condition_slug(model: &Model, e: &TExpr) -> String {
    let mut raw = String::new();
    slug_words(model, e, &mut raw);
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.truncate(MAX_SLUG);
    let trimmed = out.trim_end_matches('_');
    if trimmed.is_empty() {
        "cond".to_string()
    } else {
        trimmed.to_string()
    }
}

fn slug_words(model: &Model, e: &TExpr, out: &mut String) {
    let word = |w: &str, out: &mut String| {
        out.push(' ');
        out.push_str(w);
    };
    match &e.kind {
        TExprKind::Literal(v) => word(&literal_words(v), out),
        TExprKind::Attr(id) => word(&model.attr(*id).name, out),
        TExprKind::EventField { event, path } => {
            let (EventRef::Filtered(id) | EventRef::InScope(id)) = *event;
            word(
                &format!("event {}", field_path(model, id, path).join(" ")),
                out,
            )
        }
        TExprKind::Segment(id) => word(&model.segment(*id).name, out),
        TExprKind::Score(id) => word(&model.score(*id).name, out),
        TExprKind::Now => word("now", out),
        TExprKind::Not(inner) => {
            word("not", out);
            slug_words(model, inner, out);
        }
        TExprKind::And(l, r) | TExprKind::Or(l, r) => {
            slug_words(model, l, out);
            word(
                if matches!(e.kind, TExprKind::And(..)) {
                    "and"
                } else {
                    "or"
                },
                out,
            );
            slug_words(model, r, out);
        }
        TExprKind::Compare { op, lhs, rhs } => {
            slug_words(model, lhs, out);
            word(compare_word(*op), out);
            slug_words(model, rhs, out);
        }
        TExprKind::In {
            negated,
            lhs,
            items,
        } => {
            slug_words(model, lhs, out);
            word(if *negated { "not_in" } else { "in" }, out);
            for item in items {
                slug_words(model, item, out);
            }
        }
        TExprKind::StringOp { op, lhs, rhs } => {
            slug_words(model, lhs, out);
            word(
                match op {
                    StringOp::Contains => "contains",
                    StringOp::StartsWith => "starts_with",
                    StringOp::EndsWith => "ends_with",
                },
                out,
            );
            slug_words(model, rhs, out);
        }
        TExprKind::IsSet { negated, expr } => {
            slug_words(model, expr, out);
            word(if *negated { "is_not_set" } else { "is_set" }, out);
        }
        TExprKind::Arith { op, lhs, rhs } => {
            slug_words(model, lhs, out);
            word(
                match op {
                    ArithOp::Add => "plus",
                    ArithOp::Sub => "minus",
                },
                out,
            );
            slug_words(model, rhs, out);
        }
        TExprKind::Performed { event, .. } => {
            word(&format!("performed {}", model.event(*event).name), out)
        }
        TExprKind::Count { event, .. } => word(&format!("count {}", model.event(*event).name), out),
        TExprKind::Sum { event, .. } => word(&format!("sum {}", model.event(*event).name), out),
        TExprKind::Last { event } => word(&format!("last {}", model.event(*event).name), out),
    }
}

fn compare_word(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "eq",
        CompareOp::Ne => "ne",
        CompareOp::Lt => "lt",
        CompareOp::Le => "le",
        CompareOp::Gt => "gt",
        CompareOp::Ge => "ge",
    }
}

fn literal_words(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Money { amount, currency } => {
            format!("{amount} {currency}")
        }
        Value::String(s) | Value::Enum(s) => s.clone(),
        Value::Time(t) => t.to_string(),
        Value::Date(d) => d.to_string(),
        Value::Duration(d) => d.to_string(),
        Value::List(_) => "list".into(),
        Value::Record(_) => "record".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_numbered_in_order() {
        let keys: Vec<String> = ["wait.1d", "send.a", "wait.1d", "wait.1d"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            dedupe(&keys),
            vec!["wait.1d", "send.a", "wait.1d#2", "wait.1d#3"]
        );
    }
}
