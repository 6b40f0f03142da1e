//! Which customers reach a step: the decisions on the way from the entry
//! to a node, in words — "when no `order_placed` arrives within 2 days",
//! "in variant *discount* (50%) of split `retention_offer`".

use std::collections::BTreeMap;

use super::data::{path_to, successors};
use super::sentences::{clause, duration, negation, Form};
use crate::plan::format::{Node, Plan};

/// The conditions under which the journey reaches `target`, joined with
/// ", and"; `None` when every journey that enters gets there.
pub fn route_to(plan: &Plan, target: &str) -> Option<String> {
    let mut memo = BTreeMap::new();
    let mut steps: Vec<String> = Vec::new();
    for (id, _) in path_to(plan, target) {
        let Some(node) = plan.nodes.get(&id) else {
            continue;
        };
        // The edges that lead to the target: a real decision only when
        // some do and some do not (a join after an `if` is no condition).
        let leading: Vec<usize> = successors(node)
            .iter()
            .enumerate()
            .filter(|(_, next)| reaches(plan, next.as_ref(), target, &mut memo))
            .map(|(i, _)| i)
            .collect();
        if leading.len() == successors(node).len() {
            continue;
        }
        let words: Vec<String> = leading.iter().filter_map(|&e| decision(node, e)).collect();
        if !words.is_empty() {
            steps.push(words.join(" or "));
        }
    }
    if steps.is_empty() {
        None
    } else {
        Some(steps.join(", and "))
    }
}

/// Whether `target` can be reached from `from` (memoised per node).
fn reaches(
    plan: &Plan,
    from: Option<&String>,
    target: &str,
    memo: &mut BTreeMap<String, bool>,
) -> bool {
    let Some(id) = from else {
        return false;
    };
    if id == target {
        return true;
    }
    if let Some(known) = memo.get(id) {
        return *known;
    }
    // Assume no while exploring: the plan is a DAG, so this only guards
    // against a malformed one.
    memo.insert(id.clone(), false);
    let nexts = plan.nodes.get(id).map(successors).unwrap_or_default();
    let found = nexts
        .iter()
        .any(|n| reaches(plan, n.as_ref(), target, memo));
    memo.insert(id.clone(), found);
    found
}

/// The words for taking edge `edge` out of `node`; `None` for a node with
/// one way on.
fn decision(node: &Node, edge: usize) -> Option<String> {
    match node {
        Node::WaitFor { event, timeout, .. } => Some(if edge == 0 {
            format!("when `{event}` arrives within {}", duration(*timeout))
        } else {
            format!("when no `{event}` arrives within {}", duration(*timeout))
        }),
        Node::Branch { cases, .. } => {
            // An arm runs when the earlier conditions did not hold and its
            // own does; `else` when none held.
            let mut parts: Vec<String> = cases
                .iter()
                .take(edge.min(cases.len()))
                .map(|c| negation(&c.when, Form::They))
                .collect();
            if let Some(case) = cases.get(edge) {
                parts.push(clause(&case.when, Form::They));
            }
            Some(format!("if {}", parts.join(" and ")))
        }
        Node::Split { name, variants, .. } => variants
            .get(edge)
            .map(|v| format!("in variant *{}* ({}%) of split `{name}`", v.name, v.percent)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `wait for e up to 2d { on event { send a } on timeout { if vip {
    /// send b } else { send c } } }` then `send d` after the join.
    fn plan() -> Plan {
        let json = serde_json::json!({
            "format": "campaignc.plan/v1", "campaign": "c", "stage": "s", "doc": null,
            "source": {"file": "c.camp", "line": 1},
            "trigger": {"kind": "enters", "segment": "vip"}, "audience": null,
            "reentry": {"kind": "never"}, "goal": null, "exit": null,
            "policies": {"send_window": null, "cap": null, "holdout": null},
            "locales": ["en"], "default_locale": "en",
            "customer": {"locale": {"attribute": null, "default": "en"},
                         "timezone": {"attribute": null, "default": "UTC"}, "channels": {}},
            "assignment": {"algorithm": "a", "key": "k", "buckets": 10000},
            "segments": [], "scores": [], "entry": "w", "messages": {}, "hash": "",
            "nodes": {
                "w": {"kind": "wait_for", "line": 1, "event": "e", "where": null,
                      "timeout": {"days": 2, "seconds": 0}, "on_event": "a", "on_timeout": "if"},
                "a": {"kind": "send", "line": 2, "message": "a", "channel": "push",
                      "category": "marketing", "consent": null, "event": "e", "next": "d"},
                "if": {"kind": "branch", "line": 3,
                       "cases": [{"when": {"op": "segment", "name": "vip"}, "next": "b"}],
                       "otherwise": "c"},
                "b": {"kind": "send", "line": 4, "message": "b", "channel": "sms",
                      "category": "marketing", "consent": null, "event": null, "next": "d"},
                "c": {"kind": "send", "line": 5, "message": "c", "channel": "sms",
                      "category": "marketing", "consent": null, "event": null, "next": "d"},
                "d": {"kind": "send", "line": 6, "message": "d", "channel": "email",
                      "category": "marketing", "consent": null, "event": null, "next": null}
            }
        });
        serde_json::from_value(json).expect("a plan")
    }

    #[test]
    fn names_each_decision_on_the_way() {
        let plan = plan();
        assert_eq!(
            route_to(&plan, "a").as_deref(),
            Some("when `e` arrives within 2 days")
        );
        assert_eq!(
            route_to(&plan, "c").as_deref(),
            Some("when no `e` arrives within 2 days, and if they are not in segment `vip`")
        );
    }

    #[test]
    fn a_step_after_every_branch_joins_is_on_every_journey() {
        assert_eq!(route_to(&plan(), "d"), None);
    }
}
