//! Entering and leaving a campaign: the trigger's conditions (reentry,
//! audience, a running journey), holdout assignment, segment membership
//! for `enters` triggers, and the `goal` / `exit when` checks that end a
//! journey.

use super::clock;
use super::customer::Customer;
use super::eval::{EvalError, InScope, Scope};
use super::journey::{Journey, Sim};
use super::timeline::{Happening, Outcome};
use crate::plan::format::{Expr, Plan, Reentry, Trigger};
use jiff::Zoned;
use std::borrow::Cow;

/// Whether the customer's attributes alone keep `plan` from ever starting
/// a journey for `customer`, in a run from `start` whose inputs are all
/// events (nothing sets an attribute from outside, so an attribute could
/// change only by a `set` step of a journey of this campaign): its
/// audience is settled false ([`Scope::settled`]), or its `enters`
/// segment's membership is settled (membership that never changes is
/// never entered). Such a run enters nobody, sends nothing and reports
/// no error, so `campaignc forecast` leaves it out. An event trigger with
/// a `where` is never shut out by its audience: the `where` is evaluated
/// first, and an error there is reported.
///
/// `start` is the customer's zoned start ([`Customer::zoned`]), made once
/// for all the campaigns asked about.
pub fn shut_out(plan: &Plan, customer: &Customer, start: &Zoned) -> bool {
    let nothing = InScope::default();
    let scope = Scope {
        plan,
        customer,
        now: start,
        entry: Some(start.timestamp()),
        in_scope: &nothing,
        goal_anchor: false,
        window_ends: None,
    };
    if let Trigger::Enters { segment } = &plan.trigger {
        let member = Expr::Segment {
            name: segment.clone(),
        };
        if scope.settled(&member).is_some() {
            return true;
        }
    }
    // A trigger's `where` is evaluated before the audience, and could
    // fail (a run reports that): then the audience does not decide alone.
    let filtered = matches!(
        &plan.trigger,
        Trigger::Event {
            filter: Some(_),
            ..
        }
    );
    !filtered
        && plan
            .audience
            .as_ref()
            .is_some_and(|audience| scope.settled(audience) == Some(false))
}

impl<'a> Sim<'a> {
    pub(super) fn recheck_segment(&mut self, now: &Zoned) {
        let Trigger::Enters { segment } = &self.plan.trigger else {
            return;
        };
        let member = self.in_segment(segment, now);
        let entered = member && !self.member;
        self.member = member;
        if entered {
            self.try_enter(now, InScope::default(), false);
        }
    }

    pub(super) fn in_segment(&mut self, segment: &str, now: &Zoned) -> bool {
        let empty = InScope::default();
        let r = self.scope(now, None, &empty, false).in_segment(segment);
        self.condition(now, None, r)
    }

    /// A condition's result; a runtime error is recorded in the timeline
    /// (once per distinct message) and the condition counts as not
    /// holding.
    pub(super) fn condition(
        &mut self,
        now: &Zoned,
        node: Option<&str>,
        result: Result<bool, EvalError>,
    ) -> bool {
        match result {
            Ok(holds) => holds,
            Err(e) => {
                self.fault(now, node, e);
                false
            }
        }
    }

    /// Records a runtime error, once per distinct message (an hourly
    /// segment re-check would otherwise repeat it for a year).
    pub(super) fn fault(&mut self, now: &Zoned, node: Option<&str>, e: EvalError) {
        let seen = self
            .timeline
            .entries
            .iter()
            .any(|x| matches!(&x.what, Happening::Error { error } if *error == e.message));
        if !seen {
            self.timeline
                .push(now, node, Happening::Error { error: e.message });
        }
    }

    /// The trigger fired: enter unless the reentry rule, the audience or a
    /// running journey says no. `quiet` leaves "already in the campaign"
    /// out of the timeline (schedules fire every day).
    /// `in_scope` holds the trigger's event, if any.
    pub(super) fn try_enter(&mut self, now: &Zoned, in_scope: InScope, quiet: bool) {
        // Why not, as text only when the timeline shows it (a schedule
        // fires every day for a customer already in the campaign).
        let quiet = quiet || !self.echo_refusals;
        let why_not: Option<Cow<'static, str>> = if self.removed {
            Some("the campaign was removed".into())
        } else if self.journey.is_some() {
            Some("already in the campaign".into())
        } else {
            match (&self.plan.reentry, self.last_end) {
                (Reentry::Never, _) if self.entries > 0 => {
                    Some("already entered once (reentry never)".into())
                }
                (Reentry::After { after }, Some(end)) => {
                    let end_z = self.customer.zoned(end);
                    match clock::add(&end_z, *after) {
                        Ok(again) if again.timestamp() > now.timestamp() => Some(if quiet {
                            "".into()
                        } else {
                            format!("may enter again from {}", clock::format_local(&again)).into()
                        }),
                        _ => None,
                    }
                }
                _ => None,
            }
        };
        if let Some(why) = why_not {
            if !quiet {
                let why = why.into_owned();
                self.timeline.push(now, None, Happening::NotEntered { why });
            }
            return;
        }
        if let Some(audience) = &self.plan.audience {
            let r = self
                .scope(now, Some(now.timestamp()), &in_scope, false)
                .holds(audience);
            if !self.condition(now, None, r) {
                if !self.echo_refusals {
                    return;
                }
                self.timeline.push(
                    now,
                    None,
                    Happening::NotEntered {
                        why: "not in the audience".into(),
                    },
                );
                return;
            }
        }
        let held_out = self.assign_holdout();
        self.entries += 1;
        self.journey = Some(Journey {
            entry: now.timestamp(),
            in_scope,
            held_out,
            park: None,
        });
        self.timeline.push(now, None, Happening::Entered);
        if self.plan.policies.holdout.is_some() || self.options.forced.held_out.is_some() {
            let group = if held_out {
                "control (held out)"
            } else {
                "treatment"
            };
            self.timeline.push(
                now,
                None,
                Happening::Variant {
                    split: "holdout".into(),
                    variant: group.into(),
                },
            );
        }
        let plan = self.plan;
        self.run(plan.entry.as_deref(), now, None);
    }

    pub(super) fn assign_holdout(&self) -> bool {
        if let Some(forced) = self.options.forced.held_out {
            return forced;
        }
        if !self.options.forced.splits.is_empty() {
            // A test that fixes a split variant is about what that variant
            // sends: it runs in the treatment group.
            return false;
        }
        self.plan.policies.holdout.as_ref().is_some_and(|h| {
            crate::plan::assign::bucket(&self.customer.id, &self.plan.campaign, &h.salt)
                < h.to_bucket
        })
    }

    /// An evaluation scope inside the running journey (its entry and its
    /// events in scope), borrowed rather than copied: this runs before
    /// every step.
    pub(super) fn journey_scope<'s>(
        &'s self,
        now: &'s Zoned,
        goal_anchor: bool,
    ) -> Option<Scope<'s>> {
        let j = self.journey.as_ref()?;
        Some(self.scope(now, Some(j.entry), &j.in_scope, goal_anchor))
    }

    /// Checks `goal` and `exit when`; ends the journey when one holds.
    pub(super) fn check_end(&mut self, now: &Zoned) -> bool {
        let goal = self
            .plan
            .goal
            .as_ref()
            .and_then(|goal| self.journey_scope(now, true).map(|scope| scope.holds(goal)));
        let converted = goal.is_some_and(|r| self.condition(now, None, r));
        if converted {
            self.end(now, None, Outcome::Converted, "the goal was reached".into());
            return true;
        }
        let exit = self.plan.exit.as_ref().and_then(|exit| {
            self.journey_scope(now, false)
                .map(|scope| scope.holds(exit))
        });
        let exited = exit.is_some_and(|r| self.condition(now, None, r));
        if exited {
            self.end(
                now,
                None,
                Outcome::Exited,
                "the exit condition holds".into(),
            );
            return true;
        }
        false
    }

    pub(super) fn end(&mut self, now: &Zoned, node: Option<&str>, outcome: Outcome, why: String) {
        self.timeline
            .push(now, node, Happening::Ended { outcome, why });
        self.journey = None;
        self.last_end = Some(now.timestamp());
    }
}
