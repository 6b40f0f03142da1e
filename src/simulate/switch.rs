//! Switching a running journey from one plan to another (a deploy while
//! customers are parked), following the mapping of
//! [`crate::plan::migrate`] as `docs/plan-format.md` ("Customers in
//! flight") defines it: a parked journey stays at the same node with its
//! timer recomputed from when it started waiting, continues at once at the
//! surviving successor of a removed node, or ends when nothing survives or
//! the campaign is removed.

use jiff::{Timestamp, Zoned};

use super::clock;
use super::journey::{parse_clock, Park, Sim};
use super::policy::{Cap, SendWindow};
use super::timeline::{Happening, Outcome};
use crate::plan::format::{Node, Plan};
use crate::plan::migrate::{move_of, park_kind, Resume};

/// A deploy during the simulation: from `at` on, `plan` replaces the
/// simulated plan (`None`: the campaign is removed).
#[derive(Clone, Debug)]
pub struct Switch {
    pub at: Timestamp,
    pub plan: Option<Plan>,
}

impl<'a> Sim<'a> {
    /// Replaces the plan by `switch`'s at `now`, moving a parked journey.
    pub(super) fn switch_plan(&mut self, switch: &'a Switch, now: &Zoned) {
        let old = self.plan;
        let Some(new) = &switch.plan else {
            self.timeline.push(
                now,
                None,
                Happening::Switched {
                    to: "no plan: the campaign was removed".into(),
                },
            );
            self.removed = true;
            if self.journey.is_some() {
                let node = self.parked_node();
                self.end(
                    now,
                    node.as_deref(),
                    Outcome::Exited,
                    "the campaign was removed".into(),
                );
            }
            return;
        };
        self.plan = new;
        self.window = new.policies.send_window.as_ref().and_then(|w| {
            Some(SendWindow {
                open: parse_clock(&w.start)?,
                close: parse_clock(&w.end)?,
            })
        });
        self.cap = new.policies.cap.map(|c| Cap {
            count: c.count,
            per: c.per,
        });
        self.timeline.push(
            now,
            None,
            Happening::Switched {
                to: format!("plan {}", short_hash(&new.hash)),
            },
        );
        if self.journey.is_none() {
            return;
        }
        // B's goal and exit apply at once.
        if self.check_end(now) {
            return;
        }
        let Some(park) = self.journey.as_mut().and_then(|j| j.park.take()) else {
            return;
        };
        let id = park.node().to_string();
        let Some(node) = old.nodes.get(&id) else {
            return;
        };
        let Some(kind) = park_kind(node) else {
            return;
        };
        let m = move_of(old, new, &id, node, kind);
        match (m.resume, m.to) {
            (Resume::Unchanged, _) => {
                let park = match (park, new.nodes.get(&id)) {
                    (
                        Park::Wait {
                            until,
                            node,
                            started,
                            ..
                        },
                        Some(n),
                    ) => Park::Wait {
                        until,
                        next: next_of(n),
                        node,
                        started,
                    },
                    (park, _) => park,
                };
                self.park_again(park);
            }
            (Resume::Retimed, Some(to)) => self.retime(park, &to, now),
            (Resume::Successor, Some(to)) => self.run(Some(&to), now, None),
            _ => self.end(
                now,
                Some(&id),
                Outcome::Exited,
                "the step was removed and nothing after it is left".into(),
            ),
        }
    }

    fn parked_node(&self) -> Option<String> {
        self.journey
            .as_ref()
            .and_then(|j| j.park.as_ref())
            .map(|p| p.node().to_string())
    }

    fn park_again(&mut self, park: Park) {
        if let Some(j) = &mut self.journey {
            j.park = Some(park);
        }
    }

    /// The same node with other parameters: its timer from `started`.
    fn retime(&mut self, park: Park, id: &str, now: &Zoned) {
        let node = self.plan.nodes.get(id).cloned();
        let (started, was_deferred) = match &park {
            Park::Wait { started, .. } | Park::WaitFor { started, .. } => (started.clone(), false),
            Park::Deferred { .. } => (now.clone(), true),
        };
        let until = match &node {
            Some(Node::Wait { duration, .. }) => clock::add(&started, *duration).ok(),
            Some(Node::WaitUntil { time, weekday, .. }) => parse_clock(time).and_then(|m| {
                clock::next_local_time(&started, m, weekday.map(clock::civil_weekday_of_plan)).ok()
            }),
            Some(Node::WaitFor { timeout, .. }) => clock::add(&started, *timeout).ok(),
            _ => None,
        };
        if was_deferred {
            // A deferred send is tried again now, under the new policies.
            self.run(Some(id), now, None);
            return;
        }
        let Some(until) = until else {
            self.run(Some(id), now, None);
            return;
        };
        let until = if until.timestamp() < now.timestamp() {
            now.clone()
        } else {
            until
        };
        let park = match (&node, park) {
            (Some(Node::WaitFor { .. }), Park::WaitFor { node, started, .. }) => Park::WaitFor {
                node,
                until,
                started,
            },
            (Some(n), Park::Wait { node, started, .. }) => Park::Wait {
                until,
                next: next_of(n),
                node,
                started,
            },
            (_, park) => park,
        };
        self.park_again(park);
    }
}

fn next_of(node: &Node) -> Option<String> {
    match node {
        Node::Wait { next, .. } | Node::WaitUntil { next, .. } => next.clone(),
        _ => None,
    }
}

fn short_hash(hash: &str) -> &str {
    crate::text::head(hash, 12)
}
