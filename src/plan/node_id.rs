//! Structural node ids.
//!
//! A running system keeps customers parked at nodes between deploys, so a
//! node's id must not change when a step's parameters are edited (`wait 1d`
//! → `wait 2d`, another message, another condition) or when the flow is
//! edited elsewhere. Ids are therefore derived from the step's place in the
//! flow and its kind only, never from what it does:
//!
//! - a step's key is the word of its kind: `send`, `wait`, `wait_until`,
//!   `wait_for`, `if`, `split`, `set` or `exit`;
//! - a kind that occurs again in the same block gets `#2`, `#3`, … in
//!   source order (`wait`, `send`, `wait#2`);
//! - a nested step's id is its block's id followed by its key, where the
//!   block id is the step's id followed by `on_event`, `on_timeout`,
//!   `then` (the `if` arm), `elif2`, `elif3`, … (the `else if` arms by
//!   position), `else`, or the split variant's name:
//!   `if.else.wait_for.on_event.send`;
//! - a labelled step (`LABEL: step`) has the id `@LABEL` wherever it is,
//!   and the steps nested in it are under that id
//!   (`@nudge.on_timeout.send`). Labels are unique in a campaign, so moving
//!   a labelled step into or out of a branch keeps its id.
//!
//! Inserting or removing a step changes no other id, except that of a
//! later unlabelled step of the same kind in the same block (its `#n`
//! suffix); a label pins such a step.

use crate::check::model::{StepDef, StepKindDef};

/// The ids of the steps of one block, in order, under `prefix` (the
/// block's id; empty for the top of the flow).
pub fn block_ids(prefix: &str, steps: &[StepDef]) -> Vec<String> {
    let mut seen: Vec<&'static str> = Vec::with_capacity(steps.len());
    steps
        .iter()
        .map(|step| {
            if let Some(label) = &step.label {
                return label_id(label);
            }
            let key = step_key(&step.kind);
            seen.push(key);
            match seen.iter().filter(|k| **k == key).count() {
                1 => join(prefix, key),
                n => join(prefix, &format!("{key}#{n}")),
            }
        })
        .collect()
}

/// The id of the step labelled `label`.
pub fn label_id(label: &str) -> String {
    format!("@{label}")
}

/// The block id of arm `index` (0-based) of an `if`: `then`, `elif2`, ….
pub fn branch_arm(index: usize) -> String {
    match index {
        0 => "then".to_string(),
        n => format!("elif{}", n + 1),
    }
}

/// `prefix.key`, or `key` at the top.
pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The key of one step's kind (see the module docs).
fn step_key(kind: &StepKindDef) -> &'static str {
    match kind {
        StepKindDef::Send { .. } => "send",
        StepKindDef::Wait(_) => "wait",
        StepKindDef::WaitUntil { .. } => "wait_until",
        StepKindDef::WaitFor { .. } => "wait_for",
        StepKindDef::If { .. } => "if",
        StepKindDef::Split { .. } => "split",
        StepKindDef::Set { .. } => "set",
        StepKindDef::Exit => "exit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::model::{MessageId, StepDef};
    use crate::duration::Duration;
    use crate::source::Span;

    fn step(label: Option<&str>, kind: StepKindDef) -> StepDef {
        StepDef {
            label: label.map(str::to_string),
            kind,
            span: Span::default(),
        }
    }

    fn wait(days: i64) -> StepKindDef {
        StepKindDef::Wait(Duration::new(days, 0))
    }

    fn send(m: u32) -> StepKindDef {
        StepKindDef::Send {
            message: MessageId(m),
            event_scope: None,
        }
    }

    #[test]
    fn repeated_kinds_are_numbered_in_order_and_parameters_do_not_count() {
        let steps = [
            step(None, wait(1)),
            step(None, send(0)),
            step(None, wait(2)),
            step(None, wait(1)),
        ];
        assert_eq!(
            block_ids("if.then", &steps),
            vec![
                "if.then.wait",
                "if.then.send",
                "if.then.wait#2",
                "if.then.wait#3"
            ]
        );
    }

    #[test]
    fn a_label_is_the_id_wherever_the_step_is_and_is_not_counted() {
        let steps = [
            step(Some("cool_off"), wait(1)),
            step(None, wait(2)),
            step(None, send(1)),
        ];
        assert_eq!(
            block_ids("if.else", &steps),
            vec!["@cool_off", "if.else.wait", "if.else.send"]
        );
        assert_eq!(branch_arm(0), "then");
        assert_eq!(branch_arm(2), "elif3");
    }
}
