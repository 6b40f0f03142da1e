//! Executing flow nodes. A journey runs node after node at one instant
//! until it parks (a wait, a `wait for`, a deferred send) or ends; `goal`
//! and `exit when` are checked before every node (evaluated before the
//! first node of an instant and again after each `set` step, the only
//! step that changes what they read; see `Sim::run`).

use super::clock;
use super::eval::EvalError;
use super::journey::{parse_clock, Park, Sim};
use super::policy;
use super::timeline::{Happening, Outcome, SkipReason};
use super::value::Val;
use crate::plan::format::{Category, Node};
use jiff::Zoned;

/// A flow is a DAG and runs at most once through each node per instant;
/// the bound only stops a hand-edited plan with a cycle.
const MAX_STEPS_PER_INSTANT: usize = 10_000;

/// What a node does next: the id of the next node is the plan's own.
enum Step<'p> {
    /// Go on to this node (or complete on `None`) at the same instant.
    Next(Option<&'p str>),
    /// The journey is parked or has ended.
    Stop,
}

impl<'a> Sim<'a> {
    /// Runs the flow from `next` at `now`. `released` names a send node
    /// whose deferral has just expired: it sends without deferring again.
    ///
    /// `goal` and `exit when` are checked before the first node and again
    /// after each `set` step: nothing else a step does (a send, a branch,
    /// a split) changes what a condition reads at the same instant — the
    /// attributes, the events, the events in scope, the clock — so a
    /// check between two such steps would find what the last one found.
    pub(super) fn run(&mut self, next: Option<&str>, now: &Zoned, mut released: Option<&str>) {
        let plan: &'a crate::plan::format::Plan = self.plan;
        // Rebound so that the ids that follow, the plan's own (`'a`), fit
        // in the variable that held the caller's first one.
        let mut next = next;
        let mut checked = false;
        for _ in 0..MAX_STEPS_PER_INSTANT {
            if self.journey.is_none() || (!checked && self.check_end(now)) {
                return;
            }
            checked = true;
            let Some(id) = next else {
                self.end(
                    now,
                    None,
                    Outcome::Completed,
                    "reached the end of the flow".into(),
                );
                return;
            };
            let Some((id, node)) = plan.nodes.get_key_value(id) else {
                self.end(
                    now,
                    Some(id),
                    Outcome::Exited,
                    format!("the plan has no node `{id}`"),
                );
                return;
            };
            let is_released = released == Some(id.as_str());
            if is_released {
                released = None;
            }
            if matches!(node, Node::Set { .. }) {
                checked = false;
            }
            match self.step(id, node, now, is_released) {
                Step::Next(n) => next = n,
                Step::Stop => return,
            }
        }
        self.end(
            now,
            None,
            Outcome::Exited,
            "the flow did not stop (a cycle in the plan?)".into(),
        );
    }

    fn step(&mut self, id: &str, node: &'a Node, now: &Zoned, released: bool) -> Step<'a> {
        match node {
            Node::Send { next, .. } => {
                if self.send(id, node, now, released) {
                    Step::Next(next.as_deref())
                } else {
                    Step::Stop
                }
            }
            Node::Wait { duration, next, .. } => {
                self.park_until(id, now, clock::add(now, *duration), |until| Park::Wait {
                    until,
                    next: next.clone(),
                    node: id.to_string(),
                    started: now.clone(),
                })
            }
            Node::WaitUntil {
                time,
                weekday,
                next,
                ..
            } => {
                let until = parse_clock(time).ok_or("bad time").and_then(|m| {
                    clock::next_local_time(now, m, weekday.map(clock::civil_weekday_of_plan))
                        .map_err(|_| "out of range")
                });
                self.park_until(id, now, until, |until| Park::Wait {
                    until,
                    next: next.clone(),
                    node: id.to_string(),
                    started: now.clone(),
                })
            }
            Node::WaitFor { event, timeout, .. } => {
                let d = *timeout;
                let Ok(until) = clock::add(now, d) else {
                    return self.plan_error(id, now, "timeout out of range");
                };
                self.timeline.push(
                    now,
                    Some(id),
                    Happening::WaitingFor {
                        event: event.clone(),
                        until: until.clone(),
                    },
                );
                self.park(Park::WaitFor {
                    node: id.to_string(),
                    until,
                    started: now.clone(),
                });
                Step::Stop
            }
            Node::Branch {
                cases, otherwise, ..
            } => {
                let Some(scope) = self.journey_scope(now, false) else {
                    return Step::Stop;
                };
                let mut taken = None;
                for (i, c) in cases.iter().enumerate() {
                    match scope.holds(&c.when) {
                        Ok(false) => {}
                        Ok(true) => {
                            taken = Some(i);
                            break;
                        }
                        Err(e) => return self.failed(id, now, e),
                    }
                }
                let (label, next) = match taken {
                    Some(i) => (
                        if cases.len() == 1 {
                            "the condition holds".to_string()
                        } else {
                            format!("condition {} holds", i + 1)
                        },
                        cases[i].next.as_deref(),
                    ),
                    None if otherwise.is_some() => ("else".to_string(), otherwise.as_deref()),
                    None => ("no condition holds and there is no else".to_string(), None),
                };
                self.timeline
                    .push(now, Some(id), Happening::Branch { taken: label });
                Step::Next(next)
            }
            Node::Split { name, variants, .. } => {
                let forced = self
                    .options
                    .forced
                    .splits
                    .iter()
                    .find(|(split, _)| split == name)
                    .and_then(|(_, v)| variants.iter().find(|x| &x.name == v));
                let chosen = forced.or_else(|| {
                    let b =
                        crate::plan::assign::bucket(&self.customer.id, &self.plan.campaign, name);
                    variants
                        .iter()
                        .find(|v| v.from_bucket <= b && b < v.to_bucket)
                        .or(variants.last())
                });
                let Some(v) = chosen else {
                    return self.plan_error(id, now, "split without variants");
                };
                self.timeline.push(
                    now,
                    Some(id),
                    Happening::Variant {
                        split: name.clone(),
                        variant: v.name.clone(),
                    },
                );
                Step::Next(v.next.as_deref())
            }
            Node::Set {
                attribute,
                value,
                next,
                ..
            } => {
                let v = match self.journey_scope(now, false).map(|s| s.value(value)) {
                    None => return Step::Stop,
                    Some(Err(e)) => return self.failed(id, now, e),
                    Some(Ok(v)) => v,
                };
                self.timeline.push(
                    now,
                    Some(id),
                    Happening::Set {
                        attr: attribute.clone(),
                        value: v.display(),
                    },
                );
                self.customer.set_attr(attribute, v);
                if let crate::plan::format::Trigger::Enters { segment } = &self.plan.trigger {
                    // The journey's own change is not a new entry later.
                    self.member = self.in_segment(segment, now);
                }
                Step::Next(next.as_deref())
            }
            Node::Exit {} => {
                let line = self.plan.node_line(id);
                self.end(
                    now,
                    Some(id),
                    Outcome::Exited,
                    format!("the exit step on line {line}"),
                );
                Step::Stop
            }
        }
    }

    fn park(&mut self, park: Park) {
        if let Some(j) = &mut self.journey {
            j.park = Some(park);
        }
    }

    fn park_until<E>(
        &mut self,
        id: &str,
        now: &Zoned,
        until: Result<Zoned, E>,
        make: impl FnOnce(Zoned) -> Park,
    ) -> Step<'a> {
        let Ok(until) = until else {
            return self.plan_error(id, now, "a wait that cannot be computed");
        };
        self.timeline.push(
            now,
            Some(id),
            Happening::Waiting {
                until: until.clone(),
            },
        );
        self.park(make(until));
        Step::Stop
    }

    /// A runtime error in a step: the error goes in the timeline and the
    /// journey stops there (exited), since the flow cannot know where to
    /// go on.
    fn failed(&mut self, id: &str, now: &Zoned, e: EvalError) -> Step<'a> {
        self.fault(now, Some(id), e);
        self.end(
            now,
            Some(id),
            Outcome::Exited,
            "stopped by the error above".into(),
        );
        Step::Stop
    }

    fn plan_error(&mut self, id: &str, now: &Zoned, what: &str) -> Step<'a> {
        self.end(
            now,
            Some(id),
            Outcome::Exited,
            format!("plan error: {what}"),
        );
        Step::Stop
    }

    /// The channel's address attribute when the customer has no value in
    /// it (unset or blank); `None` when there is an address or the plan
    /// names no address attribute (push, in-app and webhooks are addressed
    /// by the runtime).
    fn missing_address(&self, channel: crate::plan::format::Channel) -> Option<String> {
        let facts = self
            .plan
            .customer
            .channels
            .get(super::message::channel_name(channel))?;
        let attr = facts.address.as_ref()?;
        let present = match self.customer.attr(attr) {
            Val::Unset => false,
            v => v.as_text().is_none_or(|t| !t.trim().is_empty()),
        };
        (!present).then(|| attr.clone())
    }

    /// A send node: consent, then the address, then window and cap (unless
    /// `released`), then the project's pressure (marketing only), then
    /// holdout, then rendering. Returns false when the journey parked.
    fn send(&mut self, id: &str, node: &Node, now: &Zoned, released: bool) -> bool {
        let Node::Send {
            message,
            consent,
            channel,
            category,
            ..
        } = node
        else {
            return true;
        };
        if let Some(gate) = consent {
            if !self.customer.attr(&gate.attribute).as_bool() {
                self.timeline.push(
                    now,
                    Some(id),
                    Happening::Skipped {
                        message: message.clone(),
                        reason: SkipReason::NoConsent {
                            attr: gate.attribute.clone(),
                        },
                    },
                );
                return true;
            }
        }
        if let Some(attr) = self.missing_address(*channel) {
            self.timeline.push(
                now,
                Some(id),
                Happening::Skipped {
                    message: message.clone(),
                    reason: SkipReason::NoAddress { attr },
                },
            );
            return true;
        }
        if !released {
            let Ok((when, deferrals)) =
                policy::release_time(now, self.window, self.cap, &self.sends)
            else {
                self.plan_error(id, now, "a deferral that cannot be computed");
                return false;
            };
            let Some(when) = when else {
                self.timeline.push(
                    now,
                    Some(id),
                    Happening::Skipped {
                        message: message.clone(),
                        reason: SkipReason::CapNeverAllows,
                    },
                );
                return true;
            };
            if !deferrals.is_empty() {
                for (reason, until) in deferrals {
                    self.timeline.push(
                        now,
                        Some(id),
                        Happening::Deferred {
                            message: message.clone(),
                            reason,
                            until,
                        },
                    );
                }
                self.park(Park::Deferred {
                    node: id.to_string(),
                    until: when,
                });
                return false;
            }
        }
        let held_out = self.journey.as_ref().is_some_and(|j| j.held_out);
        if *category == Category::Marketing {
            if let Some(pressure) = self.pressure {
                let Ok(allows) = pressure.allows(now, &self.marketing_sends) else {
                    self.plan_error(id, now, "a pressure window that cannot be computed");
                    return false;
                };
                if !allows {
                    self.timeline.push(
                        now,
                        Some(id),
                        Happening::Skipped {
                            message: message.clone(),
                            reason: SkipReason::Pressure {
                                count: pressure.count,
                                per: pressure.per.to_string(),
                            },
                        },
                    );
                    return true;
                }
                // A held-out send never reaches the customer.
                if !held_out {
                    self.marketing_sends.push(now.clone());
                }
            }
        }
        self.sends.push(now.clone());
        if held_out {
            self.timeline.push(
                now,
                Some(id),
                Happening::Skipped {
                    message: message.clone(),
                    reason: SkipReason::HeldOut,
                },
            );
        } else {
            let what = self.render_send(node, now);
            self.timeline.push(now, Some(id), what);
        }
        true
    }
}
