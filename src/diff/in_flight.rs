//! The "Customers in flight" section: for each park point of a changed or
//! removed campaign's base plan, where it is in words and what happens to
//! the people there when the head is deployed (the mapping of
//! [`crate::plan::migrate`]), with how many people each line affects when
//! the runtime exported its counts (`--in-flight FILE`, [`InFlight`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::words;
use crate::plan::format::{Node, Plan};
use crate::plan::migrate::{campaign_migration, Move, Resume};

/// The value of [`InFlight::format`].
pub const FORMAT: &str = "campaignc.in-flight/v1";

/// How many customers are parked at each node of each campaign, as a
/// runtime exports them: `{"format": "campaignc.in-flight/v1",
/// "campaigns": {"onboarding": {"wait": 1200, "@nudge": 300}}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct InFlight {
    /// Always `"campaignc.in-flight/v1"`.
    pub format: String,
    /// Campaign name → node id of the *base* plan → number of customers
    /// parked there.
    pub campaigns: BTreeMap<String, BTreeMap<String, u64>>,
}

/// The section's lines for the campaign `old` becoming `new` (`None`:
/// removed); empty when nobody can be parked in it.
pub fn in_flight_section(old: &Plan, new: Option<&Plan>, counts: Option<&InFlight>) -> String {
    let migration = campaign_migration(old, new);
    let counts = counts.and_then(|c| c.campaigns.get(&old.campaign));
    if new.is_none() {
        let people = match counts {
            Some(c) => {
                let n: u64 = c
                    .iter()
                    .filter(|(id, _)| old.nodes.contains_key(*id))
                    .map(|(_, n)| *n)
                    .sum();
                format!("{n} {}: ", if n == 1 { "person" } else { "people" })
            }
            None => String::new(),
        };
        if migration.parked.is_empty() {
            return String::new();
        }
        return format!(
            "**Customers in flight**\n\n- {people}everyone waiting at any step of it leaves the campaign: it was removed, nothing more is sent\n"
        );
    }
    let mut out = String::new();
    let mut moves: Vec<&Move> = migration.parked.iter().collect();
    moves.sort_by_key(|m| (old.node_line(&m.from), m.from.clone()));
    for m in moves {
        let Some(node) = old.nodes.get(&m.from) else {
            continue;
        };
        if m.resume == Resume::Unchanged {
            continue;
        }
        let people = match counts {
            // Counts given: a place where nobody is parked changes nothing.
            Some(c) => match c.get(&m.from).copied().unwrap_or(0) {
                0 => continue,
                n => format!("{n} {}: ", if n == 1 { "person" } else { "people" }),
            },
            None => String::new(),
        };
        out.push_str(&format!(
            "- {people}{}: {}\n",
            where_parked(old, &m.from, node),
            outcome(m, node, new)
        ));
    }
    if out.is_empty() {
        return out;
    }
    format!("**Customers in flight**\n\n{out}")
}

/// "waiting out *wait 1d* after *send welcome (email)*".
fn where_parked(plan: &Plan, id: &str, node: &Node) -> String {
    let what = format!("*{}*", words::node(node));
    let doing = match node {
        Node::Wait { .. } => format!("waiting out {what}"),
        Node::WaitUntil { .. } => format!("waiting at {what}"),
        Node::WaitFor { .. } => format!("waiting at {what}"),
        _ => format!("waiting for the send window or cap to let {what} out"),
    };
    match previous_send(plan, id) {
        Some(send) => format!("{doing} after *{send}*"),
        None => doing,
    }
}

/// The nearest sends before node `id` on the paths from the entry, in
/// words: `send a (email)`, or `send a (email)* or *send b (push)` when
/// several paths lead there.
fn previous_send(plan: &Plan, id: &str) -> Option<String> {
    let mut current = id.to_string();
    for _ in 0..=plan.nodes.len() {
        let parents: Vec<(&String, &Node)> = plan
            .nodes
            .iter()
            .filter(|(_, n)| {
                words::edges(n)
                    .iter()
                    .any(|(_, e)| e.as_deref() == Some(current.as_str()))
            })
            .collect();
        match parents.as_slice() {
            [] => return None,
            [(parent_id, parent)] => {
                if matches!(parent, Node::Send { .. }) {
                    return Some(words::node(parent));
                }
                current = (*parent_id).clone();
            }
            several => {
                let names: Vec<String> = several.iter().map(|(_, n)| words::node(n)).collect();
                return Some(names.join("* or *"));
            }
        }
    }
    None
}

/// What happens to the people of one move, in words.
fn outcome(m: &Move, old: &Node, new: Option<&Plan>) -> String {
    let node = |id: &Option<String>| id.as_ref().and_then(|id| new.and_then(|p| p.nodes.get(id)));
    let target = |id: &Option<String>| node(id).map(words::node);
    match m.resume {
        Resume::Unchanged => "nothing changes".to_string(),
        Resume::Retimed => match (old, target(&m.to)) {
            (Node::Wait { .. }, Some(_)) => match node(&m.to) {
                Some(Node::Wait { duration, .. }) => format!(
                    "wait until {duration} after they started waiting (at once if that has passed)"
                ),
                _ => "they stay on this step with its new settings".to_string(),
            },
            (Node::WaitUntil { .. }, Some(now)) => format!(
                "they now {now}: the first such time after they started waiting (at once if that has passed)"
            ),
            (Node::WaitFor { .. }, Some(now)) => format!(
                "they now {now}, the time limit counted from when they started waiting (it ends at once if that has passed)"
            ),
            (_, Some(now)) => format!("they get *{now}* instead, when the send window and cap allow"),
            _ => "they stay on this step with its new settings".to_string(),
        },
        Resume::Successor => match target(&m.to) {
            Some(next) => format!("the step was removed; they continue at once with *{next}*"),
            None => "the step was removed; they continue with the step after it".to_string(),
        },
        Resume::End => {
            "leave the campaign: the step and everything after it was removed".to_string()
        }
    }
}
