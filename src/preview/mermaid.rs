//! The flow as a Mermaid `flowchart TD`, which GitHub renders inside a
//! ```` ```mermaid ```` block of a pull request's Markdown.
//!
//! One Mermaid node per plan node, labelled in words; a `Start` terminal
//! before the entry node, and `Completed` where the journey runs past its
//! last step. Labels are Mermaid "markdown strings" (`"`…`"`), so message
//! names can be italic; backtick code spans (which would end such a
//! string) become bold, and `#`, `"`, `<`, `>` become entity codes.
//! Node ids are the plan's stable ids with everything outside `[A-Za-z0-9_]`
//! replaced, so the chart's source also stays stable under edits.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::sentences::{clause, duration, value, weekday, words, Form};
use crate::plan::format::{Channel, Node, Plan};

const START: &str = "start";
const COMPLETED: &str = "completed";

/// The `flowchart TD` source (without the Markdown fence).
pub fn flowchart(plan: &Plan) -> String {
    let ids = mermaid_ids(plan);
    let id = |node: &str| ids.get(node).cloned().unwrap_or_else(|| sanitize(node));
    let target = |next: &Option<String>| next.as_deref().map_or(COMPLETED.to_string(), id);

    let mut out = String::from("flowchart TD\n");
    let _ = writeln!(out, "  {START}([\"Start\"])");
    let mut edges: Vec<String> = Vec::new();
    let mut uses_completed = plan.entry.is_none();
    let mut edge = |from: &str, to: String, label: Option<String>| {
        if to == COMPLETED {
            uses_completed = true;
        }
        edges.push(match label {
            Some(l) => format!("  {from} -->|\"{}\"| {to}\n", escape_plain(&l)),
            None => format!("  {from} --> {to}\n"),
        });
    };
    edge(START, target(&plan.entry), None);

    // In source order, so the chart's text reads like the flow.
    let mut nodes: Vec<(&String, &Node)> = plan.nodes.iter().collect();
    nodes.sort_by_key(|(name, _)| (plan.node_line(name), name.as_str()));
    for (name, node) in nodes {
        let me = id(name);
        let (open, close) = shape(node);
        let _ = writeln!(
            out,
            "  {me}{open}\"`{}`\"{close}",
            markdown_label(&label(node))
        );
        match node {
            Node::Send { next, .. }
            | Node::Wait { next, .. }
            | Node::WaitUntil { next, .. }
            | Node::Set { next, .. } => edge(&me, target(next), None),
            Node::WaitFor {
                event,
                timeout,
                on_event,
                on_timeout,
                ..
            } => {
                edge(&me, target(on_event), Some(format!("{event} arrives")));
                edge(
                    &me,
                    target(on_timeout),
                    Some(format!("timeout after {}", duration(*timeout))),
                );
            }
            Node::Branch {
                cases, otherwise, ..
            } => {
                if cases.len() == 1 {
                    edge(&me, target(&cases[0].next), Some("yes".into()));
                    edge(&me, target(otherwise), Some("no".into()));
                } else {
                    for (i, case) in cases.iter().enumerate() {
                        let word = if i == 0 { "if" } else { "else if" };
                        let text = strip_code(&clause(&case.when, Form::They));
                        edge(&me, target(&case.next), Some(format!("{word} {text}")));
                    }
                    edge(&me, target(otherwise), Some("else".into()));
                }
            }
            Node::Split { variants, .. } => {
                for v in variants {
                    edge(
                        &me,
                        target(&v.next),
                        Some(format!("{} {}%", v.name, v.percent)),
                    );
                }
            }
            Node::Exit { .. } => {}
        }
    }
    if uses_completed {
        let _ = writeln!(out, "  {COMPLETED}([\"Completed\"])");
    }
    for e in edges {
        out.push_str(&e);
    }
    out
}

/// The label of a node, in Markdown (`*message*`, `` `event` ``).
pub fn label(node: &Node) -> String {
    match node {
        Node::Send {
            message, channel, ..
        } => format!("Send {} *{message}*", channel_noun(channel_key(*channel))),
        Node::Wait { duration: d, .. } => format!("Wait {}", duration(*d)),
        Node::WaitUntil {
            time, weekday: day, ..
        } => match day {
            Some(d) => format!("Wait until {} {time}", weekday(*d)),
            None => format!("Wait until {time}"),
        },
        Node::WaitFor {
            event,
            filter,
            timeout,
            ..
        } => {
            let filter = filter.as_ref().map_or(String::new(), |f| {
                format!(" where {}", clause(f, Form::They))
            });
            format!("Wait for `{event}`{filter} up to {}", duration(*timeout))
        }
        Node::Branch { cases, .. } => match cases.as_slice() {
            [only] => format!("If {}", clause(&only.when, Form::They)),
            _ => "Which applies first?".into(),
        },
        Node::Split { name, .. } => format!("Split test *{name}*"),
        Node::Set {
            attribute,
            value: v,
            ..
        } => format!("Set {} to {}", words(attribute), value(v)),
        Node::Exit { .. } => "Exit (journey ends as exited)".into(),
    }
}

/// The channel as written in source: `email`, `sms`, `push`, `in_app`,
/// `webhook`.
pub fn channel_key(channel: Channel) -> &'static str {
    channel.as_str()
}

/// `email`, `SMS`, `push`, `in-app message`, `webhook`.
pub fn channel_noun(channel: &str) -> &str {
    match channel {
        "sms" => "SMS",
        "in_app" => "in-app message",
        other => other,
    }
}

fn shape(node: &Node) -> (&'static str, &'static str) {
    match node {
        Node::Send { .. } => ("[", "]"),
        Node::Wait { .. } | Node::WaitUntil { .. } => ("(", ")"),
        Node::WaitFor { .. } | Node::Split { .. } => ("{{", "}}"),
        Node::Branch { .. } => ("{", "}"),
        Node::Set { .. } => ("[/", "/]"),
        Node::Exit { .. } => ("([", "])"),
    }
}

/// Plan ids as Mermaid ids: `[A-Za-z0-9_]` only, never a Mermaid keyword,
/// unique (a clash after replacing gets `_2`, `_3`, … in id order).
fn mermaid_ids(plan: &Plan) -> BTreeMap<String, String> {
    let mut taken: BTreeSet<String> = [START, COMPLETED].iter().map(|s| s.to_string()).collect();
    let mut out = BTreeMap::new();
    for name in plan.nodes.keys() {
        let base = sanitize(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        out.insert(name.clone(), candidate);
    }
    out
}

/// `if.vip.then.send.x#2` → `n_if_vip_then_send_x_2`. The `n_` prefix keeps
/// ids clear of Mermaid keywords (`end`, `graph`, `style`).
fn sanitize(id: &str) -> String {
    let body: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("n_{body}")
}

/// Text for a markdown-string label: code spans become bold (a backtick
/// would end the string); `#`, `"`, `<`, `>` become entity codes.
fn markdown_label(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("**");
            out.push_str(part);
            out.push_str("**");
        } else {
            out.push_str(part);
        }
    }
    entities(&out)
}

/// Mermaid entity codes for what would end a label or become markup:
/// `#` first (it starts every code), then `"`, `<`, `>`.
fn entities(text: &str) -> String {
    text.replace('#', "#35;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// Plain edge-label text: no backticks, quotes as entities.
fn escape_plain(text: &str) -> String {
    entities(&strip_code(text))
}

fn strip_code(text: &str) -> String {
    text.replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_mermaid_safe_and_unique() {
        assert_eq!(sanitize("if.vip.then.send.x#2"), "n_if_vip_then_send_x_2");
        assert_eq!(sanitize("end"), "n_end");
    }

    #[test]
    fn labels_turn_code_into_bold_and_escape_quotes() {
        assert_eq!(
            markdown_label("Wait for `x` where its name is \"<b>#1\""),
            "Wait for **x** where its name is #quot;#lt;b#gt;#35;1#quot;"
        );
    }
}
