//! Which customers reach a step: the decisions on the way from the entry
//! to a node, in words — "when no `order_placed` arrives within 2 days",
//! "in variant *discount* (50%) of split `retention_offer`".

use super::data::{successors, FlowIndex};
use super::sentences::{clause, duration, negation, Form};
use crate::plan::format::{BranchCase, Node};

/// The conditions under which the journey reaches `target`, joined with
/// ", and"; `None` when every journey that enters gets there.
pub fn route_to(flow: &FlowIndex, target: &str) -> Option<String> {
    let leading = flow.leading_edges(target);
    let mut steps: Vec<String> = Vec::new();
    for (id, _) in flow.path_to(target) {
        let (Some(node), Some(edges)) = (flow.plan.nodes.get(id), leading.get(id)) else {
            continue;
        };
        // The edges that lead to the target: a real decision only when
        // some do and some do not (a join after an `if` is no condition).
        if edges.len() == successors(node).count() {
            continue;
        }
        let words: Vec<String> = edges
            .iter()
            .filter_map(|&e| decision(node, flow.plan.node_line(id), e))
            .collect();
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

/// The words for taking edge `edge` out of `node`; `None` for a node with
/// one way on.
fn decision(node: &Node, line: u32, edge: usize) -> Option<String> {
    match node {
        Node::WaitFor { event, timeout, .. } => Some(if edge == 0 {
            format!("when `{event}` arrives within {}", duration(*timeout))
        } else {
            format!("when no `{event}` arrives within {}", duration(*timeout))
        }),
        Node::Branch { cases, .. } => Some(branch_decision(line, cases, edge)),
        Node::Split { name, variants, .. } => variants
            .get(edge)
            .map(|v| format!("in variant *{}* ({}%) of split `{name}`", v.name, v.percent)),
        _ => None,
    }
}

/// The most conditions an `if` may have for its arms to be read out in
/// full: a short `if`/`else if` reads as one sentence, a longer chain keeps
/// every sentence short (each condition is written once, on the flow
/// chart's edges), so the page grows linearly with the chain.
const SPELLED_OUT_ARMS: usize = 3;

/// The words for arm `edge` of an `if` at `line` (`cases.len()` is the
/// `else`).
fn branch_decision(line: u32, cases: &[BranchCase], edge: usize) -> String {
    let earlier = edge.min(cases.len());
    if cases.len() <= SPELLED_OUT_ARMS {
        // An arm runs when the earlier conditions did not hold and its
        // own does; `else` when none held.
        let mut parts: Vec<String> = cases
            .iter()
            .take(earlier)
            .map(|c| negation(&c.when, Form::They))
            .collect();
        if let Some(case) = cases.get(edge) {
            parts.push(clause(&case.when, Form::They));
        }
        return format!("if {}", parts.join(" and "));
    }
    match cases.get(edge) {
        Some(case) if earlier == 0 => format!(
            "on branch 1 of the `if` at line {line}: if {}",
            clause(&case.when, Form::They)
        ),
        Some(case) if earlier == 1 => format!(
            "on branch 2 of the `if` at line {line}: if the first condition did not hold and {}",
            clause(&case.when, Form::They)
        ),
        Some(case) => format!(
            "on branch {} of the `if` at line {line}: if none of the {earlier} earlier \
             conditions held and {}",
            edge + 1,
            clause(&case.when, Form::They)
        ),
        None => format!(
            "on the `else` branch of the `if` at line {line}: if none of its {earlier} \
             conditions held"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::format::Plan;

    /// `wait for e up to 2d { on event { send a } on timeout { if vip {
    /// send b } else { send c } } }` then `send d` after the join.
    fn plan() -> Plan {
        let json = serde_json::json!({
            "format": "campaignc.plan/v2", "campaign": "c", "stage": "s", "doc": null,
            "source": {"file": "c.camp", "line": 1,
                       "nodes": {"w": 1, "a": 2, "if": 3, "b": 4, "c": 5, "d": 6}},
            "trigger": {"kind": "enters", "segment": "vip"}, "audience": null,
            "reentry": {"kind": "never"}, "goal": null, "exit": null,
            "policies": {"send_window": null, "cap": null, "holdout": null},
            "locales": ["en"], "default_locale": "en",
            "customer": {"locale": {"attribute": null, "default": "en"},
                         "timezone": {"attribute": null, "default": "UTC"}, "channels": {}},
            "assignment": {"algorithm": "a", "key": "k", "buckets": 10000},
            "segments": [], "scores": [], "entry": "w", "messages": {}, "hash": "",
            "nodes": {
                "w": {"kind": "wait_for", "event": "e", "where": null,
                      "timeout": {"days": 2, "seconds": 0}, "on_event": "a", "on_timeout": "if"},
                "a": {"kind": "send", "message": "a", "channel": "push",
                      "category": "marketing", "consent": null, "event": "e", "next": "d"},
                "if": {"kind": "branch",
                       "cases": [{"when": {"op": "segment", "name": "vip"}, "next": "b"}],
                       "otherwise": "c"},
                "b": {"kind": "send", "message": "b", "channel": "sms",
                      "category": "marketing", "consent": null, "event": null, "next": "d"},
                "c": {"kind": "send", "message": "c", "channel": "sms",
                      "category": "marketing", "consent": null, "event": null, "next": "d"},
                "d": {"kind": "send", "message": "d", "channel": "email",
                      "category": "marketing", "consent": null, "event": null, "next": null}
            }
        });
        serde_json::from_value(json).expect("a plan")
    }

    #[test]
    fn names_each_decision_on_the_way() {
        let plan = plan();
        assert_eq!(
            route_to(&FlowIndex::new(&plan), "a").as_deref(),
            Some("when `e` arrives within 2 days")
        );
        assert_eq!(
            route_to(&FlowIndex::new(&plan), "c").as_deref(),
            Some("when no `e` arrives within 2 days, and if they are not in segment `vip`")
        );
    }

    #[test]
    fn a_step_after_every_branch_joins_is_on_every_journey() {
        assert_eq!(route_to(&FlowIndex::new(&plan()), "d"), None);
    }
}
