//! What a template may read where its message is sent: the members a path
//! can continue with and their types, for an editor's completion. Answered
//! from the same scope rules the template checker applies at each `send`
//! ([`super::scope`]) and the same send sites ([`super::collect_sends`]),
//! so completion offers exactly what the checker accepts.

use crate::check::model::{EventId, MessageId, Model, Symbol, Type};

use super::helpers;
use super::scope::{self, EventScope, Frame, Ty};

/// One name a template path may continue with.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateMember {
    pub name: String,
    /// Its type as the language writes it (`money(USD)`, `string?`,
    /// `list<cart_item>`), or what it is (`customer`, `event order_placed`).
    pub ty: String,
    /// What it names, when it is declared (an attribute, a score, an event
    /// property, a record field) or built in.
    pub symbol: Option<Symbol>,
    /// Its doc comment, when its declaration has one.
    pub doc: Option<String>,
    value: Ty,
}

impl TemplateMember {
    /// Whether the member may be the argument `index` (0-based) of the
    /// helper `helper`, or leads to one (`customer`, a record): what the
    /// checker accepts for that argument.
    pub fn fits_helper_argument(&self, helper: &str, index: usize) -> bool {
        let Some(kinds) = helpers::lookup(helper).and_then(|s| s.arg_kinds.get(index)) else {
            return true;
        };
        match &self.value {
            Ty::Value(t) if matches!(t.strip_optional(), Type::Record(_) | Type::List(_)) => true,
            Ty::Value(_) | Ty::Any => helpers::allows(kinds, &self.value),
            _ => true,
        }
    }
}

/// The event whose properties `event.*` reads at each `send` of
/// `message` (`None`: no event at that send), each scope once, in campaign
/// then flow order. Empty for a message no campaign sends.
pub fn send_event_scopes(model: &Model, message: MessageId) -> Vec<Option<EventId>> {
    let mut scopes = Vec::new();
    for send in super::collect_sends(model) {
        if send.message == message && !scopes.contains(&send.event) {
            scopes.push(send.event);
        }
    }
    scopes
}

/// The members a template of `message` may write after `path` (`""` for
/// the top level, `"event"`, `"customer.address"`), at the places the
/// message is sent: `event.*` offers the properties of the event in scope
/// at its sends (the trigger event, or the event a `wait for` received
/// before the `send`), and nothing where no event is in scope. A message
/// sent in several scopes gets every scope's members, once each. `None`
/// for `message` (or a message never sent): the members that do not
/// depend on a send site.
pub fn template_members(
    model: &Model,
    message: Option<MessageId>,
    path: &str,
) -> Vec<TemplateMember> {
    let scopes: Vec<EventScope> = match message.map(|m| send_event_scopes(model, m)) {
        Some(list) if !list.is_empty() => list.into_iter().map(EventScope::Sent).collect(),
        _ => vec![EventScope::Sent(None)],
    };
    let parts = scope::split_path(path);
    let frames = [Frame::root()];
    let mut out: Vec<TemplateMember> = Vec::new();
    for event in scopes {
        let Ok(resolved) = scope::resolve(model, event, &frames, &parts) else {
            continue;
        };
        let parent = resolved.ty;
        for (name, value) in scope::members(model, event, &parent) {
            if out.iter().any(|m| m.name == name) {
                continue;
            }
            let symbol = scope::member_symbol(model, &parent, &name);
            out.push(TemplateMember {
                ty: describe(model, &value),
                doc: symbol.as_ref().and_then(|s| doc_of(model, s)),
                symbol,
                name,
                value,
            });
        }
    }
    out
}

/// A type for a completion's detail: as written, without quotes.
fn describe(model: &Model, ty: &Ty) -> String {
    match ty {
        Ty::Value(t) => scope::type_name(model, t),
        Ty::Customer => "customer".into(),
        Ty::Campaign => "campaign".into(),
        Ty::Event(Some(e)) => format!("event {}", model.event(*e).name),
        Ty::Event(None) => "event".into(),
        Ty::Root | Ty::Any => "value".into(),
    }
}

/// The doc comment of what `symbol` names, if it has one.
fn doc_of(model: &Model, symbol: &Symbol) -> Option<String> {
    match symbol {
        Symbol::Attr(n) => model
            .attr_by_name(n)
            .and_then(|a| model.attr(a).doc.clone()),
        Symbol::Score(n) => model.scores.iter().find(|s| &s.name == n)?.doc.clone(),
        _ => None,
    }
}
