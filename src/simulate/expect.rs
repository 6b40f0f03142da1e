//! Checking a test's `expect` lines against a finished simulation.
//!
//! Times in expectations are offsets from the test's `start`, computed
//! like waits (calendar days in the persona's zone, then exact time):
//! `at T` means exactly that instant, `by T` at or before it.

use super::clock;
use super::customer::Customer;
use super::timeline::{Happening, Outcome, Timeline};
use super::value::Val;
use crate::check::model::{CompareOp, ExpectDef, ExpectKind, Model, TimeBoundDef};
use jiff::Zoned;
use std::cmp::Ordering;

/// What a failed expectation found instead.
pub type Failure = String;

/// Checks one expectation; `Err` says what happened instead.
pub fn check(
    model: &Model,
    expect: &ExpectDef,
    start: &Zoned,
    timeline: &Timeline,
    customer: &Customer,
) -> Result<(), Failure> {
    match &expect.kind {
        ExpectKind::Sent { message, when } => {
            let name = &model.message(*message).name;
            let sends: Vec<&Zoned> = timeline.sends_of(name).collect();
            let ok = match when {
                None => !sends.is_empty(),
                Some(bound) => sends.iter().any(|t| meets(start, t, *bound)),
            };
            if ok {
                return Ok(());
            }
            if sends.is_empty() {
                let mut why = format!("{name} was never sent");
                if let Some(skip) = first_skip(start, timeline, name) {
                    why.push_str(&format!(" ({skip})"));
                }
                Err(why)
            } else {
                Err(format!("{name} was sent at {}", offsets(start, &sends)))
            }
        }
        ExpectKind::NotSent { message } => {
            let name = &model.message(*message).name;
            let sends: Vec<&Zoned> = timeline.sends_of(name).collect();
            if sends.is_empty() {
                Ok(())
            } else {
                Err(format!("{name} was sent at {}", offsets(start, &sends)))
            }
        }
        ExpectKind::Converted { when } => ended(start, timeline, Outcome::Converted, *when),
        ExpectKind::Exited { when } => ended(start, timeline, Outcome::Exited, *when),
        ExpectKind::Completed => ended(start, timeline, Outcome::Completed, None),
        ExpectKind::Attr { attr, op, value } => {
            let def = model.attr(*attr);
            let actual = customer.attr(&def.name);
            let expected = Val::from(value);
            if compare(actual, *op, &expected) {
                Ok(())
            } else {
                Err(format!("customer.{} is {}", def.name, actual.display()))
            }
        }
    }
}

/// Whether `at` satisfies `at T` / `by T` relative to `start`.
fn meets(start: &Zoned, at: &Zoned, bound: TimeBoundDef) -> bool {
    let (offset, exact) = match bound {
        TimeBoundDef::At(d) => (d, true),
        TimeBoundDef::By(d) => (d, false),
    };
    let Ok(target) = clock::add(start, offset) else {
        return false;
    };
    if exact {
        at.timestamp() == target.timestamp()
    } else {
        at.timestamp() <= target.timestamp()
    }
}

fn ended(
    start: &Zoned,
    timeline: &Timeline,
    outcome: Outcome,
    when: Option<TimeBoundDef>,
) -> Result<(), Failure> {
    let endings: Vec<(&Zoned, Outcome)> = timeline.endings().collect();
    let ok = endings
        .iter()
        .any(|(t, o)| *o == outcome && when.is_none_or(|b| meets(start, t, b)));
    if ok {
        return Ok(());
    }
    match endings.last() {
        None => Err("the journey had not ended when the simulation stopped".into()),
        Some((t, o)) => Err(format!(
            "the journey ended as {} at {}",
            o.as_str(),
            offset_text(start, t)
        )),
    }
}

/// The first reason a message was skipped, for "never sent" failures.
fn first_skip(start: &Zoned, timeline: &Timeline, message: &str) -> Option<String> {
    timeline.entries.iter().find_map(|e| match &e.what {
        Happening::Skipped { message: m, reason } if m == message => {
            Some(format!("skipped: {}", reason.describe()))
        }
        Happening::Deferred {
            message: m,
            reason,
            until,
        } if m == message => Some(format!(
            "deferred ({}) until {} and not sent by the end",
            reason.as_str(),
            offset_text(start, until)
        )),
        _ => None,
    })
}

fn offsets(start: &Zoned, times: &[&Zoned]) -> String {
    let parts: Vec<String> = times.iter().map(|t| offset_text(start, t)).collect();
    parts.join(", ")
}

/// `1d2h (2026-11-03 12:00 (Tue) +07:00)`.
pub fn offset_text(start: &Zoned, at: &Zoned) -> String {
    match clock::offset_between(start, at) {
        Ok(d) => format!("{d} ({})", clock::format_local(at)),
        Err(_) => clock::format_local(at),
    }
}

/// `expect customer.ATTR OP VALUE`; an unset attribute fails every
/// comparison, like in expressions.
pub fn compare(actual: &Val, op: CompareOp, expected: &Val) -> bool {
    let Some(ord) = actual.compare(expected) else {
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
