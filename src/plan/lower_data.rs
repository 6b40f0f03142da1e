//! The plan's `template_data`: the types of the customer attributes, event
//! properties and records the campaign's templates can read, so a runtime
//! can validate its data before rendering (`campaignc render` does).

use std::collections::BTreeMap;

use crate::check::model::{MessageDef, Model, Type};

use super::format as f;
use super::lower_expr::type_name;

/// What the templates of `messages` read, given the plan's nodes (the
/// events in scope at its sends) and scores.
pub fn template_data(model: &Model, messages: &[&MessageDef], plan: &f::Plan) -> f::TemplateData {
    let mut data = f::TemplateData::default();
    let mut types: Vec<Type> = Vec::new();
    let mut attr = |name: &str, data: &mut f::TemplateData| {
        if let Some(id) = model.attr_by_name(name) {
            let ty = &model.attr(id).ty;
            data.customer.insert(name.to_string(), type_name(model, ty));
            types.push(ty.clone());
        }
    };
    for m in messages {
        for name in model.template_attrs_in(m.span) {
            attr(name, &mut data);
        }
    }
    for name in [
        &plan.customer.locale.attribute,
        &plan.customer.timezone.attribute,
    ]
    .into_iter()
    .flatten()
    {
        attr(name, &mut data);
    }
    for score in &plan.scores {
        data.customer.insert(score.name.clone(), "int".into());
    }
    for node in plan.nodes.values() {
        let f::Node::Send {
            event: Some(name), ..
        } = node
        else {
            continue;
        };
        let Some(event) = model.schema.events.iter().find(|e| &e.name == name) else {
            continue;
        };
        let properties = event
            .fields
            .iter()
            .map(|p| {
                types.push(p.ty.clone());
                (p.name.clone(), type_name(model, &p.ty))
            })
            .collect();
        data.events.insert(name.clone(), properties);
    }
    // The records these types use, transitively.
    while let Some(ty) = types.pop() {
        match ty {
            Type::Optional(inner) | Type::List(inner) => types.push(*inner),
            Type::Record(id) => {
                let record = model.record(id);
                if data.records.contains_key(&record.name) {
                    continue;
                }
                let fields: BTreeMap<String, String> = record
                    .fields
                    .iter()
                    .map(|f| {
                        types.push(f.ty.clone());
                        (f.name.clone(), type_name(model, &f.ty))
                    })
                    .collect();
                data.records.insert(record.name.clone(), fields);
            }
            _ => {}
        }
    }
    data
}
