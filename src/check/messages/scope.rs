//! What names mean inside a template at one send: `customer.*` (attributes
//! and scores), `event.*` (the event in scope), `campaign.name`,
//! `unsubscribe_url`, and the element contexts `#each` and `#with` open.
//!
//! Lookups here never report anything: they return a [`PathError`] that the
//! template walker turns into a diagnostic with the right span.

use crate::check::model::{EventId, Model, Symbol, Type};

/// Which event `event.*` refers to while walking a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventScope {
    /// Checked at a `send`: the event in scope there, if any.
    Sent(Option<EventId>),
    /// A walk that does not check `event.*` (unsent messages, and the
    /// scope-independent walk that gathers what a template uses).
    Unchecked,
}

/// The type of a value a template path reaches.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    /// The top-level context.
    Root,
    Customer,
    Campaign,
    /// `event` with its event, or `None` when no event is in scope.
    Event(Option<EventId>),
    /// A schema type.
    Value(Type),
    /// Not checked (after an error, or `event.*` in an unchecked walk).
    Any,
}

impl Ty {
    /// True for `T?` values.
    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Value(t) if t.is_optional())
    }

    /// The element type of a list (`None` if this is not a list).
    pub fn list_element(&self) -> Option<Ty> {
        match self {
            Ty::Value(t) => match t.strip_optional() {
                Type::List(e) => Some(Ty::Value((**e).clone())),
                Type::Error => Some(Ty::Any),
                _ => None,
            },
            Ty::Any => Some(Ty::Any),
            _ => None,
        }
    }

    /// How the type is written in messages: `string?`, `list<cart_item>`.
    pub fn describe(&self, model: &Model) -> String {
        match self {
            Ty::Root => "the template's top level".into(),
            Ty::Customer => "`customer`".into(),
            Ty::Campaign => "`campaign`".into(),
            Ty::Event(Some(e)) => format!("event `{}`", model.event(*e).name),
            Ty::Event(None) => "`event`".into(),
            Ty::Value(t) => format!("`{}`", type_name(model, t)),
            Ty::Any => "a value".into(),
        }
    }
}

/// A schema type as written in source (the resolver's spelling).
pub(crate) fn type_name(model: &Model, t: &Type) -> String {
    crate::check::resolve::types::type_name(t, &model.schema)
}

/// Why a name could not be looked up.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PathError {
    /// A top-level name that is not `customer`, `event`, `campaign` or
    /// `unsubscribe_url`.
    UnknownVariable {
        name: String,
        candidates: Vec<String>,
    },
    /// `parent` has no member `name`.
    UnknownMember {
        parent: Ty,
        name: String,
        candidates: Vec<String>,
    },
    /// `event.*` where no event is in scope.
    NoEvent,
    /// `name` is looked up on a value that has no members (a string, …).
    NotAnObject { parent: Ty, name: String },
}

/// The names available at the top level of every template.
pub(crate) const ROOT_NAMES: [&str; 4] = ["customer", "event", "campaign", "unsubscribe_url"];

/// The member `name` of a value of type `parent`.
pub(crate) fn member(
    model: &Model,
    event: EventScope,
    parent: &Ty,
    name: &str,
) -> Result<Ty, PathError> {
    match parent {
        Ty::Root => match name {
            "customer" => Ok(Ty::Customer),
            "campaign" => Ok(Ty::Campaign),
            "unsubscribe_url" => Ok(Ty::Value(Type::Url)),
            "event" => Ok(match event {
                EventScope::Sent(e) => Ty::Event(e),
                EventScope::Unchecked => Ty::Any,
            }),
            _ => Err(PathError::UnknownVariable {
                name: name.into(),
                candidates: ROOT_NAMES.iter().map(|s| s.to_string()).collect(),
            }),
        },
        Ty::Customer => {
            if let Some(a) = model.schema.attrs.iter().find(|a| a.name == name) {
                return Ok(Ty::Value(a.ty.clone()));
            }
            if model.scores.iter().any(|s| s.name == name) {
                return Ok(Ty::Value(Type::Int));
            }
            let mut candidates: Vec<String> =
                model.schema.attrs.iter().map(|a| a.name.clone()).collect();
            candidates.extend(model.scores.iter().map(|s| s.name.clone()));
            Err(PathError::UnknownMember {
                parent: Ty::Customer,
                name: name.into(),
                candidates,
            })
        }
        Ty::Campaign => match name {
            "name" => Ok(Ty::Value(Type::String)),
            _ => Err(PathError::UnknownMember {
                parent: Ty::Campaign,
                name: name.into(),
                candidates: vec!["name".into()],
            }),
        },
        Ty::Event(None) => Err(PathError::NoEvent),
        Ty::Event(Some(e)) => {
            let def = model.event(*e);
            match def.fields.iter().find(|f| f.name == name) {
                Some(f) => Ok(Ty::Value(f.ty.clone())),
                None => Err(PathError::UnknownMember {
                    parent: parent.clone(),
                    name: name.into(),
                    candidates: def.fields.iter().map(|f| f.name.clone()).collect(),
                }),
            }
        }
        Ty::Value(t) => {
            let optional = t.is_optional();
            let reached = match t.strip_optional() {
                Type::Record(r) => {
                    let def = model.record(*r);
                    match def.fields.iter().find(|f| f.name == name) {
                        Some(f) => f.ty.clone(),
                        None => {
                            return Err(PathError::UnknownMember {
                                parent: parent.clone(),
                                name: name.into(),
                                candidates: def.fields.iter().map(|f| f.name.clone()).collect(),
                            })
                        }
                    }
                }
                Type::List(_) if name == "length" => Type::Int,
                Type::Error => return Ok(Ty::Any),
                _ => {
                    return Err(PathError::NotAnObject {
                        parent: parent.clone(),
                        name: name.into(),
                    })
                }
            };
            // A field of an unset record is unset too.
            Ok(Ty::Value(if optional && !reached.is_optional() {
                Type::Optional(Box::new(reached))
            } else {
                reached
            }))
        }
        Ty::Any => Ok(Ty::Any),
    }
}

/// Every member a value of type `parent` has, with its type: the names
/// [`member`] accepts, in declaration order (`event` only when an event is
/// in scope).
pub(crate) fn members(model: &Model, event: EventScope, parent: &Ty) -> Vec<(String, Ty)> {
    let names: Vec<String> = match parent {
        Ty::Root => ROOT_NAMES
            .iter()
            .filter(|n| **n != "event" || matches!(event, EventScope::Sent(Some(_))))
            .map(|n| n.to_string())
            .collect(),
        Ty::Customer => {
            let attrs = model.schema.attrs.iter().map(|a| a.name.clone());
            attrs
                .chain(model.scores.iter().map(|s| s.name.clone()))
                .collect()
        }
        Ty::Campaign => vec!["name".into()],
        Ty::Event(Some(e)) => model
            .event(*e)
            .fields
            .iter()
            .map(|f| f.name.clone())
            .collect(),
        Ty::Value(t) => match t.strip_optional() {
            Type::Record(r) => model
                .record(*r)
                .fields
                .iter()
                .map(|f| f.name.clone())
                .collect(),
            Type::List(_) => vec!["length".into()],
            _ => Vec::new(),
        },
        Ty::Event(None) | Ty::Any => Vec::new(),
    };
    names
        .into_iter()
        .filter_map(|n| member(model, event, parent, &n).ok().map(|ty| (n, ty)))
        .collect()
}

/// What the member `name` of a value of type `parent` names, when it is
/// declared somewhere (or built into every template): an attribute or a
/// score of `customer`, a property of an event, a field of a record,
/// `campaign.name`, `unsubscribe_url`.
pub(crate) fn member_symbol(model: &Model, parent: &Ty, name: &str) -> Option<Symbol> {
    match parent {
        Ty::Root if name == "unsubscribe_url" => Some(Symbol::Builtin(name.into())),
        Ty::Campaign if name == "name" => Some(Symbol::Builtin("campaign.name".into())),
        Ty::Customer => {
            if model.attr_by_name(name).is_some() {
                Some(Symbol::Attr(name.into()))
            } else if model.scores.iter().any(|s| s.name == name) {
                Some(Symbol::Score(name.into()))
            } else {
                None
            }
        }
        Ty::Event(Some(e)) => Some(Symbol::Property {
            event: model.event(*e).name.clone(),
            property: name.into(),
        }),
        Ty::Value(t) => match t.strip_optional() {
            Type::Record(r) => Some(Symbol::Field {
                record: model.record(*r).name.clone(),
                field: name.into(),
            }),
            _ => None,
        },
        _ => None,
    }
}

/// One context of the walk: the top level, or the value a `#each`/`#with`
/// block made current.
#[derive(Clone, Debug)]
pub(crate) struct Frame {
    pub ty: Ty,
    /// The canonical path of this context (`""` at the top level,
    /// `event.items[]` inside `#each event.items`): prefixes variable keys.
    pub key: String,
    /// True inside `#each`, where `@index`, `@first` and `@last` exist.
    pub is_each: bool,
    /// `as |item|` block parameter: its name.
    pub block_param: Option<String>,
}

impl Frame {
    pub fn root() -> Frame {
        Frame {
            ty: Ty::Root,
            key: String::new(),
            is_each: false,
            block_param: None,
        }
    }
}

/// A path that was looked up: its type and canonical key.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub ty: Ty,
    /// `customer.first_name`, `event.items[].name`: the same value has the
    /// same key wherever it is written, so `#if` guards and translations
    /// can be compared.
    pub key: String,
    /// What each name of the path means, for the reference table: the
    /// index of the name in [`PathParts::segments`] and its symbol.
    pub symbols: Vec<(usize, Symbol)>,
}

/// Joins a context key and a member name.
pub(crate) fn join_key(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}.{name}")
    }
}

/// A path as written in a template, split into its parts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PathParts {
    /// `@root.…`: starts at the top level.
    pub root: bool,
    /// How many `../` lead the path.
    pub up: usize,
    /// The names after `this`, `./`, `../`.
    pub segments: Vec<String>,
}

/// Splits a handlebars path as written (`../event.total`, `this.name`,
/// `@root.customer.plan`, `items/[0]`).
pub(crate) fn split_path(raw: &str) -> PathParts {
    let mut rest = raw.trim();
    let mut root = false;
    let mut up = 0;
    if let Some(r) = rest.strip_prefix("@root") {
        root = true;
        rest = r.trim_start_matches(['.', '/']);
    }
    loop {
        if let Some(r) = rest.strip_prefix("../") {
            up += 1;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else {
            break;
        }
    }
    let segments = rest
        .split(['.', '/'])
        .map(|s| s.trim_start_matches('[').trim_end_matches(']'))
        .filter(|s| !s.is_empty())
        .enumerate()
        .filter(|(i, s)| !(*i == 0 && *s == "this"))
        .map(|(_, s)| s.to_string())
        .collect();
    PathParts { root, up, segments }
}

/// Looks up a relative path in the innermost frames. Errors carry how many
/// segments resolved before the failing one (to point at it).
pub(crate) fn resolve(
    model: &Model,
    event: EventScope,
    frames: &[Frame],
    parts: &PathParts,
) -> Result<Resolved, (usize, PathError)> {
    let (frame, skip) = start(frames, parts);
    let (mut ty, mut key) = (frame.ty.clone(), frame.key.clone());
    let mut symbols = Vec::new();
    for (i, seg) in parts.segments[skip..].iter().enumerate() {
        let next = member(model, event, &ty, seg).map_err(|e| (i + skip, e))?;
        symbols.extend(member_symbol(model, &ty, seg).map(|s| (i + skip, s)));
        ty = next;
        key = join_key(&key, seg);
    }
    Ok(Resolved { ty, key, symbols })
}

/// The frame a path starts from, and how many of its segments name that
/// frame (`as |item|` names the frame's value: `item.name` is
/// `this.name`).
fn start<'f>(frames: &'f [Frame], parts: &PathParts) -> (&'f Frame, usize) {
    let depth = if parts.root {
        0
    } else {
        frames.len().saturating_sub(1 + parts.up)
    };
    let frame = &frames[depth.min(frames.len() - 1)];
    let skip = match (&frame.block_param, parts.segments.first()) {
        (Some(p), Some(first)) if p == first => 1,
        _ => 0,
    };
    (frame, skip)
}

/// Whether [`resolve`] of this path looks up `event` at the top level:
/// the only lookup whose outcome depends on the [`EventScope`] (every
/// other type is reached from a value, never from the scope). A walk
/// none of whose paths does this finds the same in every scope.
pub(crate) fn reads_event(frames: &[Frame], parts: &PathParts) -> bool {
    let (frame, skip) = start(frames, parts);
    frame.ty == Ty::Root && parts.segments.get(skip).is_some_and(|s| s == "event")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_up_levels_and_names() {
        assert_eq!(
            split_path("../event.total"),
            PathParts {
                root: false,
                up: 1,
                segments: vec!["event".into(), "total".into()]
            }
        );
        assert_eq!(split_path("this").segments, Vec::<String>::new());
        assert_eq!(split_path("this.name").segments, vec!["name".to_string()]);
        let r = split_path("@root.customer.plan");
        assert!(r.root);
        assert_eq!(r.segments, vec!["customer".to_string(), "plan".to_string()]);
    }

    #[test]
    fn only_paths_that_reach_the_top_level_event_read_the_event() {
        let top = [Frame::root()];
        let element = Frame {
            ty: Ty::Value(Type::String),
            key: "customer.tags[]".into(),
            is_each: true,
            block_param: Some("tag".into()),
        };
        let inside = [Frame::root(), element];
        let reads = |frames: &[Frame], path: &str| reads_event(frames, &split_path(path));
        assert!(reads(&top, "event.total"));
        assert!(reads(&top, "this.event"));
        assert!(!reads(&top, "customer.first_name"));
        assert!(!reads(&top, "unsubscribe_url"));
        // Inside `#each`, a plain `event` is the element's member.
        assert!(!reads(&inside, "event"));
        assert!(!reads(&inside, "tag.event"));
        assert!(reads(&inside, "../event.total"));
        assert!(reads(&inside, "@root.event"));
    }
}
