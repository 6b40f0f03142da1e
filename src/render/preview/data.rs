//! Template data for previews: a persona as `customer.*`, its sample
//! event (or one derived from the event's types) as `event.*`, in the
//! render stage's data conventions ([`crate::render::value`]), and the same
//! values as the simulator's runtime values for the timeline.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json};

use crate::check::model::{DecimalLit, EventId, Model, PersonaDef, Type, Value};
use crate::plan::format::{Expr, Node, Plan};
use crate::plan::lower_expr::decimal;
use crate::render::value as rv;
use crate::simulate::customer::Customer;
use crate::simulate::eval::Scope;
use crate::simulate::value::Val;

/// The stand-in unsubscribe link of previews (the sending system puts the
/// real one in); the same shape the simulator uses.
pub fn unsubscribe_url(campaign: &str, persona: &str) -> String {
    format!("https://unsubscribe.example/{campaign}/{persona}")
}

/// A checked constant in the render data conventions; `None` never
/// happens for a checked value but keeps the function total.
pub fn json(v: &Value) -> Json {
    match v {
        Value::Bool(b) => rv::boolean(*b),
        Value::Int(i) => rv::int(*i),
        Value::Decimal(d) => rv::decimal(&decimal(*d)),
        Value::Money { amount, currency } => rv::money(&decimal(*amount), currency),
        Value::String(s) | Value::Enum(s) => rv::text(s),
        Value::Time(t) => rv::instant(*t),
        Value::Date(d) => rv::date(*d),
        Value::Duration(d) => {
            rv::text(&crate::simulate::clock::CalDuration::new(d.days, d.seconds).to_source())
        }
        Value::List(items) => rv::list(items.iter().map(json).collect()),
        Value::Record(fields) => rv::record(fields.iter().map(|(n, v)| (n.clone(), json(v)))),
    }
}

/// The persona's attributes by name, with the locale attribute replaced by
/// `locale` when given (a persona shown in another locale).
pub fn persona_attrs(
    model: &Model,
    persona: &PersonaDef,
    locale: Option<&str>,
) -> Vec<(String, Value)> {
    let locale_attr = model.attr_by_name("locale");
    let mut out: Vec<(String, Value)> = persona
        .attrs
        .iter()
        .map(|(id, v)| {
            let v = match (locale, Some(*id) == locale_attr) {
                (Some(l), true) => Value::String(l.to_string()),
                _ => v.clone(),
            };
            (model.attr(*id).name.clone(), v)
        })
        .collect();
    if let (Some(l), Some(id)) = (locale, locale_attr) {
        if persona.attr(id).is_none() {
            out.push((model.attr(id).name.clone(), Value::String(l.to_string())));
        }
    }
    out
}

/// The persona as a simulated customer of `plan` (id = persona name).
pub fn customer(
    model: &Model,
    plan: &Plan,
    persona: &PersonaDef,
    locale: Option<&str>,
) -> Customer {
    let attrs: BTreeMap<String, Val> = persona_attrs(model, persona, locale)
        .into_iter()
        .map(|(n, v)| (n, Val::from(&v)))
        .collect();
    Customer::new(persona.name.clone(), attrs, &plan.customer)
}

/// `customer.*` for templates: the persona's attributes after the `set`
/// steps on the way to the send (`sets`, in flow order, evaluated like the
/// runtime would), and the plan's scores evaluated for the persona at
/// `now` (with no event history: a preview shows the persona as written).
pub fn customer_json(
    model: &Model,
    plan: &Plan,
    persona: &PersonaDef,
    locale: Option<&str>,
    sets: &[(String, Expr)],
    now: &jiff::Zoned,
) -> Map<String, Json> {
    let mut data: Map<String, Json> = persona_attrs(model, persona, locale)
        .iter()
        .map(|(n, v)| (n.clone(), json(v)))
        .collect();
    let mut customer = customer(model, plan, persona, locale);
    let empty = BTreeMap::new();
    for (attr, expr) in sets {
        // A value that cannot be computed (an overflow) leaves the
        // attribute as it was; the persona's timeline shows the error.
        let Ok(value) = scope(plan, &customer, now, &empty).value(expr) else {
            continue;
        };
        match val_json(&value) {
            Some(j) => data.insert(attr.clone(), j),
            None => data.remove(attr),
        };
        customer.set_attr(attr, value);
    }
    let scope = scope(plan, &customer, now, &empty);
    for score in &plan.scores {
        if let Ok(Val::Int(points)) = scope.score(&score.name, 0) {
            data.insert(score.name.clone(), rv::int(points));
        }
    }
    data
}

fn scope<'a>(
    plan: &'a Plan,
    customer: &'a Customer,
    now: &'a jiff::Zoned,
    in_scope: &'a BTreeMap<String, Val>,
) -> Scope<'a> {
    Scope {
        plan,
        customer,
        now,
        entry: Some(now.timestamp()),
        in_scope,
        goal_anchor: false,
    }
}

/// A runtime value in the render data conventions; `None` when unset.
fn val_json(v: &Val) -> Option<Json> {
    Some(match v {
        Val::Unset => return None,
        Val::Bool(b) => rv::boolean(*b),
        Val::Int(i) => rv::int(*i),
        Val::Decimal(n) => rv::decimal(&n.to_string()),
        Val::Money { amount, currency } => rv::money(&amount.to_string(), currency),
        Val::Str(s) | Val::Enum(s) => rv::text(s),
        Val::Time(t) => rv::instant(*t),
        Val::Date(d) => rv::date(*d),
        Val::Duration(d) => rv::text(&d.to_source()),
        Val::List(items) => rv::list(items.iter().filter_map(val_json).collect()),
        Val::Record(fields) => rv::record(
            fields
                .iter()
                .filter_map(|(n, v)| Some((n.clone(), val_json(v)?))),
        ),
    })
}

/// The `set` steps on the path from the entry to `target` (a node id), in
/// flow order: what has changed about the customer when `target` runs.
pub fn sets_before(plan: &Plan, target: &str) -> Vec<(String, Expr)> {
    path_to(plan, target)
        .iter()
        .filter_map(|(id, _)| match plan.nodes.get(id) {
            Some(Node::Set {
                attribute, value, ..
            }) => Some((attribute.clone(), value.clone())),
            _ => None,
        })
        .collect()
}

/// The first path (edges in source order) from the entry to `target`: each
/// node before it with the index of the edge taken (see [`successors`]).
/// Empty when `target` is the entry or unreachable.
pub fn path_to(plan: &Plan, target: &str) -> Vec<(String, usize)> {
    struct Search<'a> {
        plan: &'a Plan,
        target: &'a str,
        path: Vec<(String, usize)>,
        /// Nodes already known not to lead to the target (joins after an
        /// `if` are reached many ways; this keeps the search linear).
        dead: BTreeSet<String>,
    }
    impl Search<'_> {
        fn from(&mut self, at: Option<&String>) -> bool {
            let Some(id) = at else {
                return false;
            };
            if id == self.target {
                return true;
            }
            if self.dead.contains(id) {
                return false;
            }
            let nexts = self.plan.nodes.get(id).map(successors).unwrap_or_default();
            for (i, next) in nexts.iter().enumerate() {
                self.path.push((id.clone(), i));
                if self.from(next.as_ref()) {
                    return true;
                }
                self.path.pop();
            }
            self.dead.insert(id.clone());
            false
        }
    }
    let mut search = Search {
        plan,
        target,
        path: Vec::new(),
        dead: BTreeSet::new(),
    };
    search.from(plan.entry.as_ref());
    search.path
}

/// Every edge out of a node, in source order: `next`; `on event` then
/// `on timeout`; each case then `else`; each split variant.
pub fn successors(node: &Node) -> Vec<Option<String>> {
    match node {
        Node::Send { next, .. }
        | Node::Wait { next, .. }
        | Node::WaitUntil { next, .. }
        | Node::Set { next, .. } => vec![next.clone()],
        Node::WaitFor {
            on_event,
            on_timeout,
            ..
        } => vec![on_event.clone(), on_timeout.clone()],
        Node::Branch {
            cases, otherwise, ..
        } => cases
            .iter()
            .map(|c| c.next.clone())
            .chain(std::iter::once(otherwise.clone()))
            .collect(),
        Node::Split { variants, .. } => variants.iter().map(|v| v.next.clone()).collect(),
        Node::Exit { .. } => Vec::new(),
    }
}

/// The event payload a preview uses: the persona's sample of that event,
/// else a sample derived from the event's types. The flag is `true` when
/// derived.
pub fn event_sample(model: &Model, persona: &PersonaDef, event: EventId) -> (Value, bool) {
    if let Some((_, v)) = persona.events.iter().find(|(e, _)| *e == event) {
        return (v.clone(), false);
    }
    let fields = model
        .event(event)
        .fields
        .iter()
        .map(|f| (f.name.clone(), sample(model, &f.ty, 0)))
        .collect();
    (Value::Record(fields), true)
}

/// The id of an event by name.
pub fn event_id(model: &Model, name: &str) -> Option<EventId> {
    model
        .schema
        .events
        .iter()
        .position(|e| e.name == name)
        .map(|i| EventId(i as u32))
}

/// A sample value of a type, matching [`crate::render::value::sample`]
/// (so SMS counts in previews agree with the checker's).
pub fn sample(model: &Model, ty: &Type, depth: u32) -> Value {
    let dec = |mantissa: i128, scale: u32| DecimalLit { mantissa, scale };
    match ty {
        Type::Bool => Value::Bool(true),
        Type::Int => Value::Int(42),
        Type::Decimal => Value::Decimal(dec(1990, 2)),
        Type::Money(c) => Value::Money {
            amount: dec(5990, 2),
            currency: c.clone(),
        },
        Type::Url => Value::String("https://example.com/abcdefgh".into()),
        Type::Email => Value::String("sample@example.com".into()),
        Type::Phone => Value::String("+15555550123".into()),
        Type::Locale => Value::String("en".into()),
        Type::Timezone => Value::String("UTC".into()),
        Type::Time => jiff::Timestamp::from_second(1_767_607_200)
            .map(Value::Time)
            .unwrap_or(Value::String("2026-01-05T10:00:00Z".into())),
        Type::Date => Value::Date(jiff::civil::date(2026, 1, 5)),
        Type::Duration => Value::Duration(crate::check::model::Duration {
            days: 1,
            seconds: 0,
        }),
        Type::Enum(variants) => Value::Enum(variants.first().cloned().unwrap_or_default()),
        Type::List(inner) if depth < 8 => Value::List(vec![sample(model, inner, depth + 1)]),
        Type::Record(id) if depth < 8 => Value::Record(
            model
                .record(*id)
                .fields
                .iter()
                .map(|f| (f.name.clone(), sample(model, &f.ty, depth + 1)))
                .collect(),
        ),
        Type::Optional(inner) => sample(model, inner, depth),
        _ => Value::String("Sample".into()),
    }
}

/// The JSON object of a record value (`event.*`).
pub fn object(v: &Value) -> Map<String, Json> {
    match json(v) {
        Json::Object(m) => m,
        _ => Map::new(),
    }
}
