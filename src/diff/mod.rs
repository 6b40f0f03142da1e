//! `campaignc diff`: what a change to a project does, as Markdown for a
//! pull request comment. It compares the execution plans of the two
//! projects (the plan is what a sending system runs, so a change that does
//! not reach the plan — a comment, a reformat — is no change):
//!
//! - campaigns added and removed;
//! - per changed campaign: its facts (trigger, audience, goal, exit,
//!   policies, locales) in words, flow nodes added, removed or changed by
//!   their stable plan id, and message changes with a unified diff of the
//!   template sources per locale ([`messages`]);
//! - segments and scores whose definition changed, with the campaigns that
//!   use them.
//!
//! Output is deterministic: every collection is walked in sorted order.

mod flow;
mod markdown;
mod messages;
pub mod words;

use std::collections::{BTreeMap, BTreeSet};

use markdown::code;

use crate::plan::format::Plan;

/// The Markdown report of how the plans `base` became the plans `head`.
/// `"No changes to campaigns.\n"` when nothing a sending system sees
/// changed.
pub fn diff_plans(base: &[Plan], head: &[Plan]) -> String {
    let base: BTreeMap<&str, &Plan> = base.iter().map(|p| (p.campaign.as_str(), p)).collect();
    let head: BTreeMap<&str, &Plan> = head.iter().map(|p| (p.campaign.as_str(), p)).collect();
    let mut blocks = Vec::new();
    for (name, plan) in &head {
        if !base.contains_key(name) {
            blocks.push(added(plan));
        }
    }
    for name in base.keys() {
        if !head.contains_key(name) {
            blocks.push(format!("### Removed campaign {}", code(name)));
        }
    }
    for (name, new) in &head {
        if let Some(old) = base.get(name) {
            if essence(old) != essence(new) {
                blocks.push(changed(old, new));
            }
        }
    }
    blocks.push(definitions(&base, &head));
    blocks.retain(|b| !b.trim().is_empty());
    if blocks.is_empty() {
        return "No changes to campaigns.\n".to_string();
    }
    blocks.insert(0, "## Campaign changes".to_string());
    let blocks: Vec<&str> = blocks.iter().map(|b| b.trim_end()).collect();
    format!("{}\n", blocks.join("\n\n"))
}

/// The plan as JSON without what moves when unrelated lines are edited
/// (source lines, the digest): exactly what the plan `hash` covers.
fn essence(plan: &Plan) -> serde_json::Value {
    crate::plan::lower::plan_meaning(plan).unwrap_or_default()
}

pub(crate) use crate::plan::lower::strip_node_position as strip_line;

fn added(plan: &Plan) -> String {
    let mut out = format!("### New campaign {}\n\n", code(&plan.campaign));
    if let Some(doc) = &plan.doc {
        out.push_str(&format!("> {}\n\n", doc.replace('\n', "\n> ")));
    }
    out.push_str(&format!("- stage: {}\n", plan.stage));
    out.push_str(&format!(
        "- trigger: {}\n",
        code(&words::trigger(&plan.trigger))
    ));
    out.push_str(&format!("- audience: {}\n", optional(&plan.audience)));
    out.push_str(&format!("- goal: {}\n", optional(&plan.goal)));
    out.push_str(&format!("- locales: {}\n", plan.locales.join(", ")));
    let sends: Vec<String> = plan.messages.keys().map(|m| code(m)).collect();
    out.push_str(&format!(
        "- flow: {} step{}, sends {}\n\n",
        plan.nodes.len(),
        if plan.nodes.len() == 1 { "" } else { "s" },
        if sends.is_empty() {
            "nothing".to_string()
        } else {
            sends.join(", ")
        }
    ));
    out
}

fn optional(expr: &Option<crate::plan::format::Expr>) -> String {
    expr.as_ref()
        .map_or("(none)".to_string(), |e| code(&words::expr(e)))
}

fn changed(old: &Plan, new: &Plan) -> String {
    let mut parts = vec![format!("### Changed campaign {}", code(&new.campaign))];
    let facts = facts(old, new);
    if !facts.is_empty() {
        parts.push(facts);
    }
    let flow = flow::flow_changes(old, new);
    if !flow.is_empty() {
        parts.push(format!("**Flow**\n\n{flow}"));
    }
    let messages = messages::message_changes(&old.messages, &new.messages);
    if !messages.is_empty() {
        parts.push(format!("**Messages**\n\n{messages}"));
    }
    let uses = changed_definitions(old, new);
    if !uses.is_empty() {
        parts.push(uses);
    }
    if parts.len() == 1 {
        parts.push(
            "- details a sending system reads changed (customer attributes or assignment)"
                .to_string(),
        );
    }
    let parts: Vec<&str> = parts.iter().map(|p| p.trim_end()).collect();
    parts.join("\n\n")
}

/// The segments and scores both plans use whose definition changed.
fn changed_definitions(old: &Plan, new: &Plan) -> String {
    let mut out = String::new();
    for segment in &new.segments {
        if old
            .segments
            .iter()
            .any(|s| s.name == segment.name && s.expr != segment.expr)
        {
            out.push_str(&format!(
                "- uses segment {}, whose definition changed\n",
                code(&segment.name)
            ));
        }
    }
    for score in &new.scores {
        if old
            .scores
            .iter()
            .any(|s| s.name == score.name && s.rules != score.rules)
        {
            out.push_str(&format!(
                "- uses score {}, whose rules changed\n",
                code(&score.name)
            ));
        }
    }
    out
}

/// One line per fact that differs, `old → new`.
fn facts(old: &Plan, new: &Plan) -> String {
    let policies = |p: &Plan| {
        let window = p
            .policies
            .send_window
            .as_ref()
            .map_or("(none)".into(), |w| format!("{}-{}", w.start, w.end));
        let cap = p
            .policies
            .cap
            .as_ref()
            .map_or("(none)".into(), |c| format!("{} per {}", c.count, c.per));
        let holdout = p
            .policies
            .holdout
            .as_ref()
            .map_or("(none)".into(), |h| format!("{}%", h.percent));
        [window, cap, holdout]
    };
    let [old_window, old_cap, old_holdout] = policies(old);
    let [new_window, new_cap, new_holdout] = policies(new);
    let doc = |p: &Plan| p.doc.clone().unwrap_or_default();
    let rows: [(&str, String, String); 11] = [
        ("description", doc(old), doc(new)),
        ("stage", old.stage.clone(), new.stage.clone()),
        (
            "trigger",
            words::trigger(&old.trigger),
            words::trigger(&new.trigger),
        ),
        ("audience", optional(&old.audience), optional(&new.audience)),
        (
            "reentry",
            words::reentry(&old.reentry),
            words::reentry(&new.reentry),
        ),
        ("goal", optional(&old.goal), optional(&new.goal)),
        ("exit when", optional(&old.exit), optional(&new.exit)),
        ("send window", old_window, new_window),
        ("cap", old_cap, new_cap),
        ("holdout", old_holdout, new_holdout),
        ("locales", locales(old), locales(new)),
    ];
    let mut out = String::new();
    for (what, a, b) in rows {
        if a != b {
            out.push_str(&format!("- {what}: {} → {}\n", code(&a), code(&b)));
        }
    }
    out
}

fn locales(p: &Plan) -> String {
    format!("{} (default {})", p.locales.join(", "), p.default_locale)
}

/// Segments and scores whose definition changed, with their users.
fn definitions(base: &BTreeMap<&str, &Plan>, head: &BTreeMap<&str, &Plan>) -> String {
    let segments = |plans: &BTreeMap<&str, &Plan>| -> BTreeMap<String, String> {
        plans
            .values()
            .flat_map(|p| &p.segments)
            .map(|s| (s.name.clone(), words::expr(&s.expr)))
            .collect()
    };
    let scores = |plans: &BTreeMap<&str, &Plan>| -> BTreeMap<String, serde_json::Value> {
        plans
            .values()
            .flat_map(|p| &p.scores)
            .map(|s| {
                (
                    s.name.clone(),
                    serde_json::to_value(&s.rules).unwrap_or_default(),
                )
            })
            .collect()
    };
    let users = |name: &str, is_segment: bool| -> String {
        let users: BTreeSet<&str> = head
            .values()
            .chain(base.values())
            .filter(|p| {
                if is_segment {
                    p.segments.iter().any(|s| s.name == name)
                } else {
                    p.scores.iter().any(|s| s.name == name)
                }
            })
            .map(|p| p.campaign.as_str())
            .collect();
        let users: Vec<String> = users.into_iter().map(code).collect();
        users.join(", ")
    };
    let mut out = String::new();
    let (old_segments, new_segments) = (segments(base), segments(head));
    for (name, new) in &new_segments {
        if let Some(old) = old_segments.get(name).filter(|old| *old != new) {
            out.push_str(&format!(
                "- segment {}: {} → {} (used by {})\n",
                code(name),
                code(old),
                code(new),
                users(name, true)
            ));
        }
    }
    let (old_scores, new_scores) = (scores(base), scores(head));
    for (name, new) in &new_scores {
        if old_scores.get(name).is_some_and(|old| old != new) {
            out.push_str(&format!(
                "- score {}: rules changed (used by {})\n",
                code(name),
                users(name, false)
            ));
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("### Segments and scores\n\n{out}\n")
    }
}
