//! Lowering of a campaign's flow tree into the plan's node graph.
//!
//! A flow is a tree of blocks; the plan is a DAG of nodes with `next`
//! edges. Each block is lowered knowing its continuation: the node that
//! follows the enclosing step (or `None`, the journey completes). A step's
//! `next` is the following step of its block, or that continuation; a
//! branch or split arm with no steps points straight at the continuation.
//! Steps after an `exit` in the same block can never run and are left out.

use std::collections::BTreeMap;

use crate::check::model::{Category, Channel, DecimalLit, MessageId, Model, StepDef, StepKindDef};
use crate::source::SourceMap;

use super::format as f;
use super::lower_expr::{clock, expr, percent_to_buckets, weekday};
use super::node_id::{block_ids, branch_arm, join};

/// The lowered flow: its entry node, every node by id, the line of each
/// node's step, and the messages its sends use (in order of first use).
pub struct LoweredFlow {
    pub entry: Option<String>,
    pub nodes: BTreeMap<String, f::Node>,
    pub lines: BTreeMap<String, u32>,
    pub messages: Vec<MessageId>,
}

/// Lowers the steps of a campaign's `flow` block.
pub fn lower_flow(model: &Model, sources: &SourceMap, flow: &[StepDef]) -> LoweredFlow {
    let mut lowering = FlowLowering {
        model,
        sources,
        nodes: BTreeMap::new(),
        lines: BTreeMap::new(),
        messages: Vec::new(),
    };
    let entry = lowering.block(flow, "", None);
    LoweredFlow {
        entry,
        nodes: lowering.nodes,
        lines: lowering.lines,
        messages: lowering.messages,
    }
}

struct FlowLowering<'a> {
    model: &'a Model,
    sources: &'a SourceMap,
    nodes: BTreeMap<String, f::Node>,
    lines: BTreeMap<String, u32>,
    messages: Vec<MessageId>,
}

impl FlowLowering<'_> {
    /// Lowers one block under `prefix`; returns the id of its first node,
    /// or `cont` for a block with no steps.
    fn block(&mut self, steps: &[StepDef], prefix: &str, cont: Option<String>) -> Option<String> {
        let reachable = match steps
            .iter()
            .position(|s| matches!(s.kind, StepKindDef::Exit))
        {
            Some(exit) => &steps[..=exit],
            None => steps,
        };
        let ids = block_ids(prefix, reachable);
        for (i, step) in reachable.iter().enumerate() {
            let next = ids.get(i + 1).cloned().or_else(|| cont.clone());
            let line = self.line(step);
            self.lines.insert(ids[i].clone(), line);
            let node = self.step(step, &ids[i], next);
            self.nodes.insert(ids[i].clone(), node);
        }
        ids.into_iter().next().or(cont)
    }

    fn line(&self, step: &StepDef) -> u32 {
        let files = self.sources.files();
        if (step.span.file.0 as usize) < files.len() {
            self.sources.line_col(step.span).0 as u32
        } else {
            0
        }
    }

    fn step(&mut self, step: &StepDef, id: &str, next: Option<String>) -> f::Node {
        let model = self.model;
        match &step.kind {
            StepKindDef::Send {
                message,
                event_scope,
            } => {
                if !self.messages.contains(message) {
                    self.messages.push(*message);
                }
                let def = model.message(*message);
                let consent = match def.category {
                    Category::Marketing => {
                        model.consent_attr(def.channel).map(|attr| f::ConsentGate {
                            attribute: model.attr(attr).name.clone(),
                        })
                    }
                    Category::Transactional => None,
                };
                f::Node::Send {
                    message: def.name.clone(),
                    channel: channel(def.channel),
                    category: category(def.category),
                    consent,
                    event: event_scope.map(|e| model.event(e).name.clone()),
                    next,
                }
            }
            StepKindDef::Wait(d) => f::Node::Wait { duration: *d, next },
            StepKindDef::WaitUntil { minutes, day } => f::Node::WaitUntil {
                time: clock(*minutes),
                weekday: day.map(weekday),
                next,
            },
            StepKindDef::WaitFor {
                event,
                filter,
                timeout,
                on_event,
                on_timeout,
            } => {
                let on_event = self.block(on_event, &join(id, "on_event"), next.clone());
                let on_timeout = self.block(on_timeout, &join(id, "on_timeout"), next);
                f::Node::WaitFor {
                    event: model.event(*event).name.clone(),
                    filter: filter.as_ref().map(|x| expr(model, x)),
                    timeout: *timeout,
                    on_event,
                    on_timeout,
                }
            }
            StepKindDef::If {
                branches,
                otherwise,
            } => {
                let cases = branches
                    .iter()
                    .enumerate()
                    .map(|(i, (cond, steps))| f::BranchCase {
                        when: expr(model, cond),
                        next: self.block(steps, &join(id, &branch_arm(i)), next.clone()),
                    })
                    .collect();
                let otherwise = match otherwise {
                    Some(steps) => self.block(steps, &join(id, "else"), next),
                    None => next,
                };
                f::Node::Branch { cases, otherwise }
            }
            StepKindDef::Split { name, variants } => {
                let mut cumulative = DecimalLit {
                    mantissa: 0,
                    scale: 0,
                };
                let mut lowered = Vec::with_capacity(variants.len());
                for variant in variants {
                    let from_bucket = percent_to_buckets(cumulative);
                    cumulative = add_decimal(cumulative, variant.percent);
                    let to_bucket = percent_to_buckets(cumulative);
                    lowered.push(f::SplitVariant {
                        name: variant.name.clone(),
                        percent: variant.percent.to_string(),
                        from_bucket,
                        to_bucket,
                        next: self.block(&variant.steps, &join(id, &variant.name), next.clone()),
                    });
                }
                f::Node::Split {
                    name: name.clone(),
                    variants: lowered,
                }
            }
            StepKindDef::Set { attr, value } => f::Node::Set {
                attribute: model.attr(*attr).name.clone(),
                value: expr(model, value),
                next,
            },
            StepKindDef::Exit => f::Node::Exit {},
        }
    }
}

pub fn category(category: Category) -> f::Category {
    match category {
        Category::Marketing => f::Category::Marketing,
        Category::Transactional => f::Category::Transactional,
    }
}

pub fn channel(channel: Channel) -> f::Channel {
    match channel {
        Channel::Email => f::Channel::Email,
        Channel::Sms => f::Channel::Sms,
        Channel::Push => f::Channel::Push,
        Channel::InApp => f::Channel::InApp,
        Channel::Webhook => f::Channel::Webhook,
    }
}

/// Exact sum of two decimals (for cumulative split percentages).
fn add_decimal(a: DecimalLit, b: DecimalLit) -> DecimalLit {
    let scale = a.scale.max(b.scale);
    let widen = |d: DecimalLit| {
        d.mantissa
            .saturating_mul(10i128.saturating_pow(scale - d.scale))
    };
    DecimalLit {
        mantissa: widen(a).saturating_add(widen(b)),
        scale,
    }
}
