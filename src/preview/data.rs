//! Template data for previews: a persona as `customer.*`, its sample
//! event (or one derived from the event's types) as `event.*`, in the
//! render stage's data conventions ([`crate::template::value`]), and the same
//! values as the simulator's runtime values for the timeline.

use std::cell::RefCell;
use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet};

use serde_json::{Map, Value as Json};

use crate::check::messages::{sample, value_json};
use crate::check::model::{EventId, Model, PersonaDef, PersonaId, Value};
use crate::plan::format::{Expr, Node, Plan};
use crate::simulate::customer::Customer;
use crate::simulate::eval::{InScope, Scope};
use crate::simulate::value::Val;
use crate::template::value as rv;

/// The stand-in unsubscribe link of previews (the sending system puts the
/// real one in); the same shape the simulator uses.
pub fn unsubscribe_url(campaign: &str, persona: &str) -> String {
    format!("https://unsubscribe.example/{campaign}/{persona}")
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
        .map(|(n, v)| (n.clone(), value_json(v)))
        .collect();
    let mut customer = customer(model, plan, persona, locale);
    let empty = InScope::default();
    for (attr, expr) in sets {
        // A value that cannot be computed (an overflow) leaves the
        // attribute as it was; the persona's timeline shows the error.
        let Ok(value) = scope(plan, &customer, now, &empty).value(expr) else {
            continue;
        };
        match value.to_json() {
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
    in_scope: &'a InScope,
) -> Scope<'a> {
    Scope {
        plan,
        customer,
        now,
        entry: Some(now.timestamp()),
        in_scope,
        goal_anchor: false,
        window_ends: None,
    }
}

/// The `set` steps on the path from the entry to `target` (a node id), in
/// flow order: what has changed about the customer when `target` runs.
pub fn sets_before(flow: &FlowIndex, target: &str) -> Vec<(String, Expr)> {
    flow.path_to(target)
        .iter()
        .filter_map(|(id, _)| match flow.plan.nodes.get(*id) {
            Some(Node::Set {
                attribute, value, ..
            }) => Some((attribute.clone(), value.clone())),
            _ => None,
        })
        .collect()
}

/// A plan's flow indexed once per page: each message's first send and
/// each node's incoming edges. Questions about one send (its path from the
/// entry, the decisions on the way) then cost the size of their answer, not
/// of the flow, so a page stays linear in a 3,000-arm `else if` chain.
pub struct FlowIndex<'a> {
    pub plan: &'a Plan,
    /// Message -> the id of its first send (lowest line, then id).
    first_sends: HashMap<&'a str, &'a String>,
    /// Node id -> the edges into it: (source node, index in [`successors`]).
    incoming: HashMap<&'a str, Vec<(&'a str, usize)>>,
    /// The customer data of [`customer_json`] with no `set` step before
    /// the send, by persona and the locale it is shown in (when not its
    /// own): the same for every message of the plan that persona is
    /// shown with.
    customers: RefCell<HashMap<ShownPersona, Map<String, Json>>>,
}

/// A persona, and the locale it is shown in when not its own.
type ShownPersona = (PersonaId, Option<String>);

impl<'a> FlowIndex<'a> {
    pub fn new(plan: &'a Plan) -> Self {
        let mut first_sends: HashMap<&'a str, (u32, &'a String)> = HashMap::new();
        let mut incoming: HashMap<&'a str, Vec<(&'a str, usize)>> = HashMap::new();
        for (id, node) in &plan.nodes {
            if let Node::Send { message, .. } = node {
                let line = plan.node_line(id);
                let entry = first_sends.entry(message.as_str()).or_insert((line, id));
                if (line, id) < (entry.0, entry.1) {
                    *entry = (line, id);
                }
            }
            for (i, next) in successors(node).enumerate() {
                if let Some(next) = next {
                    incoming
                        .entry(next.as_str())
                        .or_default()
                        .push((id.as_str(), i));
                }
            }
        }
        FlowIndex {
            plan,
            first_sends: first_sends
                .into_iter()
                .map(|(m, (_, id))| (m, id))
                .collect(),
            incoming,
            customers: RefCell::default(),
        }
    }

    /// [`customer_json`] for `persona` (the plan's, in `locale` when not
    /// its own) with no `set` step before the send, worked out once per
    /// persona and locale: `now` is the persona's preview time
    /// ([`super::messages::preview_now`] in its time zone), the same at
    /// every call for the persona.
    pub fn customer_without_sets(
        &self,
        model: &Model,
        persona: PersonaId,
        locale: Option<&str>,
        now: &jiff::Zoned,
    ) -> Map<String, Json> {
        let key = (persona, locale.map(str::to_string));
        if let Some(known) = self.customers.borrow().get(&key) {
            return known.clone();
        }
        let made = customer_json(model, self.plan, model.persona(persona), locale, &[], now);
        self.customers.borrow_mut().insert(key, made.clone());
        made
    }

    /// The send node the preview renders a message at: its first send in
    /// the source (lowest line). Every send of a message is type-checked
    /// alike.
    pub fn first_send(&self, message: &str) -> Option<(&'a String, &'a Node)> {
        let id = *self.first_sends.get(message)?;
        Some((id, self.plan.nodes.get(id)?))
    }

    /// For every node from which `target` can be reached, the indexes (in
    /// [`successors`] order, ascending) of its edges that lead there.
    pub fn leading_edges(&self, target: &str) -> HashMap<&'a str, Vec<usize>> {
        let mut leading: HashMap<&'a str, Vec<usize>> = HashMap::new();
        let mut seen: HashSet<&str> = [target].into_iter().collect();
        let mut queue = vec![target];
        while let Some(at) = queue.pop() {
            for &(from, edge) in self.incoming.get(at).into_iter().flatten() {
                leading.entry(from).or_default().push(edge);
                if seen.insert(from) {
                    queue.push(from);
                }
            }
        }
        for edges in leading.values_mut() {
            edges.sort_unstable();
            edges.dedup();
        }
        leading
    }

    /// The first path (edges in source order) from the entry to `target`:
    /// each node before it with the index of the edge taken (see
    /// [`successors`]). Empty when `target` is the entry or unreachable.
    pub fn path_to(&self, target: &str) -> Vec<(&'a str, usize)> {
        let leading = self.leading_edges(target);
        let mut path = Vec::new();
        let mut at = self.plan.entry.as_deref();
        // At most one step per node: the plan is a DAG, this only guards
        // against a malformed one.
        while let Some(id) = at.filter(|id| *id != target && path.len() < self.plan.nodes.len()) {
            let Some((key, node)) = self.plan.nodes.get_key_value(id) else {
                return Vec::new();
            };
            let Some(&edge) = leading.get(id).and_then(|e| e.first()) else {
                return Vec::new();
            };
            path.push((key.as_str(), edge));
            at = successors(node).nth(edge).flatten().map(String::as_str);
        }
        if at == Some(target) {
            path
        } else {
            Vec::new()
        }
    }
}

/// Every edge out of a node, in source order: `next`; `on event` then
/// `on timeout`; each case then `else`; each split variant.
pub fn successors(node: &Node) -> Box<dyn Iterator<Item = Option<&String>> + '_> {
    match node {
        Node::Send { next, .. }
        | Node::Wait { next, .. }
        | Node::WaitUntil { next, .. }
        | Node::Set { next, .. } => Box::new(std::iter::once(next.as_ref())),
        Node::WaitFor {
            on_event,
            on_timeout,
            ..
        } => Box::new([on_event.as_ref(), on_timeout.as_ref()].into_iter()),
        Node::Branch {
            cases, otherwise, ..
        } => Box::new(
            cases
                .iter()
                .map(|c| c.next.as_ref())
                .chain(std::iter::once(otherwise.as_ref())),
        ),
        Node::Split { variants, .. } => Box::new(variants.iter().map(|v| v.next.as_ref())),
        Node::Exit { .. } => Box::new(std::iter::empty()),
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
        .map(|f| (f.name.clone(), sample(model, &f.ty)))
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

/// The JSON object of a record value (`event.*`).
pub fn object(v: &Value) -> Map<String, Json> {
    match value_json(v) {
        Json::Object(m) => m,
        _ => Map::new(),
    }
}
