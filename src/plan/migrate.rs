//! Where customers in flight go when a runtime replaces plan A of a
//! campaign by plan B while journeys are parked in A: for every park point
//! of A (a `wait`, `wait_until`, `wait_for`, or a `send` a window or cap
//! deferred), the node of B where those customers continue and how their
//! timer is recomputed. The rules are documented in `docs/plan-format.md`
//! ("Customers in flight"); `campaignc diff --migrations` writes this
//! mapping as JSON (`campaignc.migrations/v1`), the diff's Markdown says
//! it in words, and the simulator follows it when it switches a journey
//! from one plan to another.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::format::{Node, Plan};

/// The value of [`Migrations::format`].
pub const FORMAT: &str = "campaignc.migrations/v1";

/// The mapping for every campaign of the base project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Migrations {
    /// Always `"campaignc.migrations/v1"`.
    #[schemars(extend("const" = "campaignc.migrations/v1"))]
    pub format: String,
    /// One entry per campaign of the base project, by name.
    pub campaigns: Vec<CampaignMigration>,
}

/// What happens to the parked customers of one campaign of the base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CampaignMigration {
    pub campaign: String,
    /// `unchanged` (same `hash`), `changed`, or `removed` (no plan of that
    /// name in the head: every journey ends).
    pub change: CampaignChange,
    /// Every park point of the base plan, in node id order.
    pub parked: Vec<Move>,
}

/// How a campaign differs between the two projects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignChange {
    Unchanged,
    Changed,
    Removed,
}

/// The customers parked at node `from` of the base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Move {
    /// The base node id where they are parked.
    pub from: String,
    /// What they are parked at.
    pub park: ParkKind,
    /// The head node id where they continue; `null` when they leave the
    /// campaign (`resume` is `end`).
    pub to: Option<String>,
    /// How they resume.
    pub resume: Resume,
}

/// The kinds of node a journey parks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParkKind {
    /// `wait D`.
    Wait,
    /// `wait until HH:MM`.
    WaitUntil,
    /// `wait for EVENT up to D`.
    WaitFor,
    /// A send deferred by the send window or the cap.
    Send,
}

/// How a parked journey resumes in the head plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resume {
    /// The node has the same parameters in both plans (where the flow
    /// goes after it may differ): the journey stays, its timer unchanged.
    Unchanged,
    /// The same node (same id and kind) with other parameters: it stays
    /// parked there and its timer is recomputed from the instant it
    /// started waiting, with the head's parameters (a timer already past
    /// fires at once).
    Retimed,
    /// The node is gone: the journey continues at once at `to`, the
    /// nearest node after it in the base plan that the head still has.
    Successor,
    /// The node is gone and nothing after it survives, or the campaign is
    /// removed: the journey ends as exited, with no further sends.
    End,
}

/// The mapping from every campaign of `base` to `head` (by name).
pub fn migrations(base: &[Plan], head: &[Plan]) -> Migrations {
    let mut campaigns: Vec<CampaignMigration> = base
        .iter()
        .map(|a| {
            let b = head.iter().find(|b| b.campaign == a.campaign);
            campaign_migration(a, b)
        })
        .collect();
    campaigns.sort_by(|x, y| x.campaign.cmp(&y.campaign));
    Migrations {
        format: FORMAT.to_string(),
        campaigns,
    }
}

/// The mapping of one campaign's plan `a` to `b` (`None`: removed).
pub fn campaign_migration(a: &Plan, b: Option<&Plan>) -> CampaignMigration {
    let change = match b {
        None => CampaignChange::Removed,
        Some(b) if b.hash == a.hash => CampaignChange::Unchanged,
        Some(_) => CampaignChange::Changed,
    };
    let parked = a
        .nodes
        .iter()
        .filter_map(|(id, node)| park_kind(node).map(|park| (id, node, park)))
        .map(|(id, node, park)| match b {
            None => Move {
                from: id.clone(),
                park,
                to: None,
                resume: Resume::End,
            },
            Some(b) => move_of(a, b, id, node, park),
        })
        .collect();
    CampaignMigration {
        campaign: a.campaign.clone(),
        change,
        parked,
    }
}

/// Where the customers parked at node `id` of `a` go in `b`.
pub fn move_of(a: &Plan, b: &Plan, id: &str, node: &Node, park: ParkKind) -> Move {
    match b.nodes.get(id) {
        Some(same) if park_kind(same) == Some(park) => Move {
            from: id.to_string(),
            park,
            to: Some(id.to_string()),
            resume: if without_edges(same) == without_edges(node) {
                Resume::Unchanged
            } else {
                Resume::Retimed
            },
        },
        _ => {
            let to = surviving_successor(a, b, node);
            Move {
                from: id.to_string(),
                park,
                resume: if to.is_some() {
                    Resume::Successor
                } else {
                    Resume::End
                },
                to,
            }
        }
    }
}

/// A node with its edges cleared: its parameters only. A parked journey's
/// timer depends on them, not on where the flow goes afterwards.
fn without_edges(node: &Node) -> Node {
    let mut node = node.clone();
    match &mut node {
        Node::Send { next, .. }
        | Node::Wait { next, .. }
        | Node::WaitUntil { next, .. }
        | Node::Set { next, .. } => *next = None,
        Node::WaitFor {
            on_event,
            on_timeout,
            ..
        } => {
            *on_event = None;
            *on_timeout = None;
        }
        Node::Branch {
            cases, otherwise, ..
        } => {
            for case in cases {
                case.next = None;
            }
            *otherwise = None;
        }
        Node::Split { variants, .. } => {
            for variant in variants {
                variant.next = None;
            }
        }
        Node::Exit {} => {}
    }
    node
}

/// The park kind of a node, `None` for nodes a journey never parks at.
pub fn park_kind(node: &Node) -> Option<ParkKind> {
    match node {
        Node::Wait { .. } => Some(ParkKind::Wait),
        Node::WaitUntil { .. } => Some(ParkKind::WaitUntil),
        Node::WaitFor { .. } => Some(ParkKind::WaitFor),
        Node::Send { .. } => Some(ParkKind::Send),
        _ => None,
    }
}

/// The first node after `node` in `a` that `b` has: following `next`,
/// `on_timeout` of a `wait for` (the awaited event did not come), the
/// `otherwise` of a branch and the first variant of a split (a removed
/// branch or split takes its arms with it, so this reaches the step after
/// it). `None` when the path reaches the end of the flow.
pub fn surviving_successor(a: &Plan, b: &Plan, node: &Node) -> Option<String> {
    let mut current = successor(node);
    // The graph is acyclic; the bound only guards a malformed plan.
    for _ in 0..=a.nodes.len() {
        let id = current?;
        if b.nodes.contains_key(&id) {
            return Some(id);
        }
        current = successor(a.nodes.get(&id)?);
    }
    None
}

fn successor(node: &Node) -> Option<String> {
    match node {
        Node::Send { next, .. }
        | Node::Wait { next, .. }
        | Node::WaitUntil { next, .. }
        | Node::Set { next, .. } => next.clone(),
        Node::WaitFor { on_timeout, .. } => on_timeout.clone(),
        Node::Branch { otherwise, .. } => otherwise.clone(),
        Node::Split { variants, .. } => variants.first().and_then(|v| v.next.clone()),
        Node::Exit {} => None,
    }
}

/// The JSON Schema (draft 2020-12) of `campaignc.migrations/v1`.
pub fn migrations_json_schema() -> String {
    let schema = schemars::schema_for!(Migrations);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
