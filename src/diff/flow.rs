//! How a campaign's flow graph changed, in words.
//!
//! Node ids are structural (the step's place and kind, see
//! `docs/plan-format.md`), so a step whose parameters changed keeps its id
//! and shows as one "changed" line (`wait 1d` → `wait 2d`). A removed or
//! added step that has steps nested in it (an `if`, a `split`, a
//! `wait for`) is one line naming what its blocks sent, not one line per
//! nested node. Every line names the step in words; the id follows in
//! parentheses for those who look at the plan.

use std::collections::BTreeSet;

use super::markdown::code;
use super::words;
use crate::plan::format::{Node, Plan};

/// The Markdown lines of the flow changes; empty when the graphs agree.
pub fn flow_changes(old: &Plan, new: &Plan) -> String {
    let mut out = String::new();
    let removed: Vec<&String> = old
        .nodes
        .keys()
        .filter(|id| !new.nodes.contains_key(*id))
        .collect();
    let added: Vec<&String> = new
        .nodes
        .keys()
        .filter(|id| !old.nodes.contains_key(*id))
        .collect();
    for id in outermost(&removed) {
        out.push_str(&subtree_line("removed", old, id));
    }
    for id in outermost(&added) {
        out.push_str(&subtree_line("added", new, id));
    }
    let mut edges_changed = false;
    let ids: BTreeSet<&String> = old.nodes.keys().collect();
    for id in ids {
        let (Some(a), Some(b)) = (old.nodes.get(id), new.nodes.get(id)) else {
            continue;
        };
        let (wa, wb) = (words::node(a), words::node(b));
        if wa != wb {
            out.push_str(&format!(
                "- changed step {} → {} ({})\n",
                code(&wa),
                code(&wb),
                step_id(id)
            ));
        } else if a != b {
            edges_changed = true;
        }
    }
    if old.entry != new.entry && removed.is_empty() && added.is_empty() {
        edges_changed = true;
    }
    if edges_changed && removed.is_empty() && added.is_empty() && out.is_empty() {
        out.push_str("- the order of the steps changed\n");
    }
    out
}

/// `(step \`id\`)`.
fn step_id(id: &str) -> String {
    format!("step {}", code(id))
}

/// The ids of `ids` that are not nested in another of them.
fn outermost<'a>(ids: &[&'a String]) -> Vec<&'a String> {
    ids.iter()
        .filter(|id| {
            !ids.iter()
                .any(|other| other != *id && id.starts_with(&format!("{other}.")))
        })
        .copied()
        .collect()
}

/// One line for the step `id` of `plan` and everything nested in it.
fn subtree_line(verb: &str, plan: &Plan, id: &str) -> String {
    let Some(node) = plan.nodes.get(id) else {
        return String::new();
    };
    let nested: Vec<(&String, &Node)> = plan
        .nodes
        .iter()
        .filter(|(other, _)| other.starts_with(&format!("{id}.")))
        .collect();
    let what = words::node(node);
    if nested.is_empty() {
        return format!("- {verb} step {} ({})\n", code(&what), step_id(id));
    }
    let sends: Vec<String> = nested
        .iter()
        .filter(|(_, n)| matches!(n, Node::Send { .. }))
        .map(|(_, n)| format!("*{}*", words::node(n)))
        .collect();
    let kind = match node {
        Node::Branch { .. } => "branch",
        Node::Split { .. } => "split",
        _ => "step",
    };
    let inside = if sends.is_empty() {
        format!(
            "{} step{} inside, no sends",
            nested.len(),
            if nested.len() == 1 { "" } else { "s" }
        )
    } else {
        sends.join(", ")
    };
    format!(
        "- {verb} the {} {kind}: {inside} ({})\n",
        code(&what),
        step_id(id)
    )
}
