//! Personas: sample customers whose values are checked against the schema.

use super::expr::Env;
use super::record;
use super::report;
use super::values::ValueChecker;
use crate::check::model::{AttrId, EventId, PersonaDef, Symbol, Value};
use crate::diagnostics::{Diagnostic, Problems};
use crate::syntax::ast::{self, Field};

pub(super) fn build(env: &Env, problems: &mut Problems) -> Vec<PersonaDef> {
    env.decls
        .personas
        .iter()
        .map(|(name, p)| persona(env, name, p, problems))
        .collect()
}

fn persona(env: &Env, name: &str, p: &ast::Persona, problems: &mut Problems) -> PersonaDef {
    let decls = env.decls;
    let mut values = ValueChecker {
        schema: env.schema,
        problems,
    };
    let mut attrs: Vec<(AttrId, Value)> = Vec::new();
    let mut given: Vec<(&str, &Field)> = Vec::new();
    for field in &p.fields {
        let attr = field.name.name.as_str();
        if let Some((_, first)) = given.iter().find(|(n, _)| *n == attr) {
            values.problems.push(report::repeated(
                &format!("`{attr}` of persona `{name}`"),
                field.name.span,
                first.name.span,
            ));
            continue;
        }
        given.push((attr, field));
        let Some(id) = decls.attrs.id(attr) else {
            values.problems.push(report::unknown(
                "E0203",
                "attribute",
                attr,
                field.name.span,
                decls.attrs.names(),
                Some("persona fields are attributes declared in `schema`".into()),
            ));
            continue;
        };
        decls
            .uses
            .add(field.name.span, Symbol::Attr(attr.to_string()));
        let ty = &env.schema.attrs[id as usize].ty;
        record::value(decls, env.schema, &field.value, ty);
        if let Some(v) = values.convert(&field.value, ty, &format!("`{attr}`")) {
            attrs.push((AttrId(id), v));
        }
    }
    attrs.sort_by_key(|(id, _)| *id);

    let missing: Vec<&str> = env
        .schema
        .attrs
        .iter()
        .filter(|a| {
            !a.ty.is_optional()
                && a.ty != crate::check::model::Type::Error
                && !given.iter().any(|(n, _)| *n == a.name)
        })
        .map(|a| a.name.as_str())
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        let noun = if missing.len() == 1 {
            "attribute"
        } else {
            "attributes"
        };
        values.problems.push(
            Diagnostic::error(
                "E0802",
                format!("persona `{name}` lacks the required {noun} {}", list.join(", ")),
                p.name.span,
            )
            .with_primary_label(format!("missing {}", list.join(", ")))
            .with_help("give every attribute that is not optional (`?`) a value, so previews and tests see a complete customer"),
        );
    }

    let mut events: Vec<(EventId, Value)> = Vec::new();
    for sample in &p.events {
        let Some(id) = decls.events.id(&sample.event.name) else {
            values.problems.push(report::unknown(
                "E0204",
                "event",
                &sample.event.name,
                sample.event.span,
                decls.events.names(),
                None,
            ));
            continue;
        };
        let sym = Symbol::Event(sample.event.name.clone());
        decls.uses.add(sample.event.span, sym);
        record::payload(decls, env.schema, EventId(id), &sample.fields);
        let def = &env.schema.events[id as usize];
        let payload = values.record(&sample.fields, &def.fields, &def.name, sample.event.span);
        events.push((EventId(id), payload));
    }

    PersonaDef {
        name: name.to_string(),
        doc: p.doc.as_ref().map(|d| d.text.clone()),
        attrs,
        events,
        span: p.span,
    }
}
