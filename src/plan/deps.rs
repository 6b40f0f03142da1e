//! Which segments and scores a campaign uses, directly or through other
//! segments and scores, in dependency order, so a plan carries exactly the
//! definitions it needs and a runtime can evaluate them front to back.

use std::collections::BTreeSet;

pub use crate::check::model::Named;
use crate::check::model::{walk_named, CampaignDef, Model};

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
    campaign.walk_named(&mut |named| {
        direct.insert(named);
    });
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
    let mut add = |dep| {
        deps.insert(dep);
    };
    match named {
        Named::Segment(id) => {
            if let Some(def) = model.segments.get(id.index()) {
                if let Some(body) = &def.expr {
                    walk_named(body, &mut add);
                }
            }
        }
        Named::Score(id) => {
            if let Some(def) = model.scores.get(id.index()) {
                def.exprs().for_each(|e| walk_named(e, &mut add));
            }
        }
    }
    for dep in deps {
        visit(model, dep, visiting, order);
    }
    order.push(named);
}
