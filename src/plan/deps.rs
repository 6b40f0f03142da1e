//! Which segments and scores a campaign uses, directly or through other
//! segments and scores, in dependency order, so a plan carries exactly the
//! definitions it needs and a runtime can evaluate them front to back.

use std::collections::BTreeSet;

use crate::check::model::{
    walk_expr, walk_flow_exprs, CampaignDef, Model, ScoreId, ScoreRuleKindDef, SegmentId, StepDef,
    TExpr, TExprKind, TriggerDef,
};

/// A named definition an expression can refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Named {
    Segment(SegmentId),
    Score(ScoreId),
}

/// Every segment and score `campaign` uses, each after everything it uses
/// (a depth-first post-order from the direct uses, visited in id order,
/// which is name order, so the result does not depend on source order).
/// `also` are further direct uses, such as scores its message templates
/// read as `customer.NAME`.
pub fn used_definitions(
    model: &Model,
    campaign: &CampaignDef,
    also: impl IntoIterator<Item = Named>,
) -> Vec<Named> {
    let mut direct: BTreeSet<Named> = also.into_iter().collect();
    if let TriggerDef::Event {
        filter: Some(filter),
        ..
    } = &campaign.trigger
    {
        refs(filter, &mut direct);
    }
    if let TriggerDef::Enters(segment) = campaign.trigger {
        direct.insert(Named::Segment(segment));
    }
    for e in [&campaign.audience, &campaign.goal, &campaign.exit_when]
        .into_iter()
        .flatten()
    {
        refs(e, &mut direct);
    }
    flow_refs(&campaign.flow, &mut direct);

    let mut order = Vec::new();
    let mut visiting = BTreeSet::new();
    for named in direct {
        visit(model, named, &mut visiting, &mut order);
    }
    order
}

fn visit(model: &Model, named: Named, visiting: &mut BTreeSet<Named>, order: &mut Vec<Named>) {
    // `visiting` holds both finished and in-progress definitions, so a
    // cycle (which the checker rejects) cannot recurse forever here.
    if !visiting.insert(named) {
        return;
    }
    let mut deps = BTreeSet::new();
    match named {
        Named::Segment(id) => {
            if let Some(def) = model.segments.get(id.index()) {
                refs(&def.expr, &mut deps);
            }
        }
        Named::Score(id) => {
            if let Some(def) = model.scores.get(id.index()) {
                for rule in &def.rules {
                    match &rule.kind {
                        ScoreRuleKindDef::PerEvent {
                            filter: Some(filter),
                            ..
                        } => refs(filter, &mut deps),
                        ScoreRuleKindDef::PerEvent { .. } => {}
                        ScoreRuleKindDef::If(e) => refs(e, &mut deps),
                    }
                }
            }
        }
    }
    for dep in deps {
        visit(model, dep, visiting, order);
    }
    order.push(named);
}

fn flow_refs(steps: &[StepDef], out: &mut BTreeSet<Named>) {
    walk_flow_exprs(steps, &mut |e| direct_ref(e, out));
}

/// The segments and scores an expression names, anywhere inside it.
fn refs(e: &TExpr, out: &mut BTreeSet<Named>) {
    walk_expr(e, &mut |e| direct_ref(e, out));
}

/// The segment or score one expression node names, if any.
fn direct_ref(e: &TExpr, out: &mut BTreeSet<Named>) {
    match &e.kind {
        TExprKind::Segment(id) => {
            out.insert(Named::Segment(*id));
        }
        TExprKind::Score(id) => {
            out.insert(Named::Score(*id));
        }
        _ => {}
    }
}
