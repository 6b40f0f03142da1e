//! How a campaign's flow graph changed, by stable plan node id.
//!
//! A node's id contains its content (`wait.1d`), so editing a step gives
//! it a new id. When a node that is in both plans (or the flow's entry)
//! used to lead to a removed node and now leads to an added one through
//! the same edge, the added node replaced the removed one: that is shown as
//! one "replaced" line (`wait.1d` → `wait.2d`) instead of a removal, an
//! addition and edge changes on every step before it.

use std::collections::{BTreeMap, BTreeSet};

use super::markdown::code;
use super::{strip_line, words};
use crate::plan::format::{Node, Plan};

/// The Markdown lines of the flow changes; empty when the graphs agree.
pub fn flow_changes(old: &Plan, new: &Plan) -> String {
    let replaced = replacements(old, new);
    let replacing: BTreeSet<&String> = replaced.values().collect();
    let mut out = String::new();
    let entry_replaced =
        matches!((&old.entry, &new.entry), (Some(a), Some(b)) if replaced.get(a) == Some(b));
    if old.entry != new.entry && !entry_replaced {
        let entry = |e: &Option<String>| e.as_deref().map_or("(empty flow)".into(), code);
        out.push_str(&format!(
            "- starts at {} (was {})\n",
            entry(&new.entry),
            entry(&old.entry)
        ));
    }
    let ids: BTreeSet<&String> = old.nodes.keys().chain(new.nodes.keys()).collect();
    for id in ids {
        match (old.nodes.get(id), new.nodes.get(id)) {
            (Some(a), None) => match replaced
                .get(id)
                .and_then(|r| new.nodes.get(r).map(|b| (r, b)))
            {
                Some((r, b)) => out.push_str(&replacement(id, a, r, b, &replaced)),
                None => out.push_str(&format!("- removed {}: {}\n", code(id), words::node(a))),
            },
            (None, Some(b)) if !replacing.contains(id) => {
                out.push_str(&format!("- added {}: {}\n", code(id), words::node(b)))
            }
            (Some(a), Some(b)) if node_essence(a) != node_essence(b) => {
                out.push_str(&change(id, a, b, &replaced))
            }
            _ => {}
        }
    }
    out
}

fn node_essence(node: &Node) -> serde_json::Value {
    let mut value = serde_json::to_value(node).unwrap_or_default();
    strip_line(&mut value);
    value
}

/// Removed id → the added id that took its place.
fn replacements(old: &Plan, new: &Plan) -> BTreeMap<String, String> {
    let removed = |id: &String| !new.nodes.contains_key(id);
    let added = |id: &String| !old.nodes.contains_key(id);
    let mut pairs: BTreeMap<String, String> = BTreeMap::new();
    let mut links: Vec<(Option<String>, Option<String>)> =
        vec![(old.entry.clone(), new.entry.clone())];
    for (id, b) in &new.nodes {
        if let Some(a) = old.nodes.get(id) {
            let before: BTreeMap<String, Option<String>> = words::edges(a).into_iter().collect();
            for (label, next) in words::edges(b) {
                links.push((before.get(&label).cloned().flatten(), next));
            }
        }
    }
    for (before, after) in links {
        if let (Some(r), Some(a)) = (before, after) {
            let taken = pairs.values().any(|v| *v == a);
            if removed(&r) && added(&a) && !pairs.contains_key(&r) && !taken {
                pairs.insert(r, a);
            }
        }
    }
    pairs
}

fn replacement(
    id: &str,
    old: &Node,
    new_id: &str,
    new: &Node,
    replaced: &BTreeMap<String, String>,
) -> String {
    let mut parts = vec![format!(
        "{} → {}",
        code(&words::node(old)),
        code(&words::node(new))
    )];
    parts.extend(edge_changes(old, new, replaced));
    format!(
        "- replaced {} with {}: {}\n",
        code(id),
        code(new_id),
        parts.join("; ")
    )
}

fn change(id: &str, old: &Node, new: &Node, replaced: &BTreeMap<String, String>) -> String {
    let mut parts = Vec::new();
    let (a, b) = (words::node(old), words::node(new));
    if a != b {
        parts.push(format!("{} → {}", code(&a), code(&b)));
    }
    parts.extend(edge_changes(old, new, replaced));
    if parts.is_empty() {
        if node_essence(&renamed_edges(old, replaced)) == node_essence(new) {
            // Only edges into replaced nodes changed: the replacement says it.
            return String::new();
        }
        parts.push("details changed".to_string());
    }
    format!("- changed {}: {}\n", code(id), parts.join("; "))
}

/// Edge changes other than those explained by a replacement.
fn edge_changes(old: &Node, new: &Node, replaced: &BTreeMap<String, String>) -> Vec<String> {
    let before: BTreeMap<String, Option<String>> = words::edges(old).into_iter().collect();
    let show = |e: &Option<String>| e.as_deref().map_or("(end)".into(), code);
    words::edges(new)
        .into_iter()
        .filter_map(|(label, next)| {
            let was = before.get(&label).cloned().flatten();
            let explained =
                was.as_ref().and_then(|w| replaced.get(w)) == next.as_ref() && was.is_some();
            (was != next && !explained).then(|| format!("{label} {} → {}", show(&was), show(&next)))
        })
        .collect()
}

/// `node` with every edge into a replaced node pointed at its replacement.
fn renamed_edges(node: &Node, replaced: &BTreeMap<String, String>) -> Node {
    let rename = |e: &Option<String>| -> Option<String> {
        e.as_ref()
            .map(|id| replaced.get(id).cloned().unwrap_or_else(|| id.clone()))
    };
    let mut node = node.clone();
    match &mut node {
        Node::Send { next, .. }
        | Node::Wait { next, .. }
        | Node::WaitUntil { next, .. }
        | Node::Set { next, .. } => *next = rename(next),
        Node::WaitFor {
            on_event,
            on_timeout,
            ..
        } => {
            *on_event = rename(on_event);
            *on_timeout = rename(on_timeout);
        }
        Node::Branch {
            cases, otherwise, ..
        } => {
            for case in cases {
                case.next = rename(&case.next);
            }
            *otherwise = rename(otherwise);
        }
        Node::Split { variants, .. } => {
            for variant in variants {
                variant.next = rename(&variant.next);
            }
        }
        Node::Exit { .. } => {}
    }
    node
}
