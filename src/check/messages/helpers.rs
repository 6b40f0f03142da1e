//! What the template helpers accept, read from the template engine's own
//! tables ([`crate::template::HELPERS`], [`crate::template::BLOCK_HELPERS`],
//! [`crate::template::PLURAL_CATEGORIES`]) so that the checker and the
//! renderer can never disagree.

use crate::check::model::Type;
use crate::template::{ArgKind, HelperSpec};

use super::scope::Ty;

pub(crate) use crate::template::helper_spec as lookup;
pub(crate) use crate::template::{BLOCK_HELPERS, PLURAL_CATEGORIES};

/// Every helper name, inline and block, for did-you-mean.
pub(crate) fn all_names() -> impl Iterator<Item = &'static str> {
    crate::template::HELPERS
        .iter()
        .map(|h| h.name)
        .chain(BLOCK_HELPERS.iter().copied())
}

/// How a helper is called, for help lines.
pub(crate) fn usage(name: &str) -> &'static str {
    lookup(name).map_or("", |spec| spec.example)
}

/// What the kinds of one argument accept, in words.
pub(crate) fn describe(kinds: &[ArgKind]) -> String {
    let words: Vec<&str> = kinds
        .iter()
        .map(|k| match k {
            ArgKind::Any => "any value",
            ArgKind::Number => "a number (int or decimal)",
            ArgKind::Money => "a money value",
            ArgKind::Time => "a time or a date",
            ArgKind::Text => "text",
            ArgKind::Literal => "a quoted string",
        })
        .collect();
    words.join(" or ")
}

/// Whether a value of type `ty` may be passed where `kinds` are accepted.
pub(crate) fn allows(kinds: &[ArgKind], ty: &Ty) -> bool {
    let t = match ty {
        Ty::Any => return true,
        Ty::Value(t) => t.strip_optional(),
        _ => return kinds.contains(&ArgKind::Any),
    };
    if matches!(t, Type::Error) {
        return true;
    }
    kinds.iter().any(|k| match k {
        ArgKind::Any => true,
        ArgKind::Number => matches!(t, Type::Int | Type::Decimal),
        ArgKind::Money => matches!(t, Type::Money(_)),
        ArgKind::Time => matches!(t, Type::Time | Type::Date),
        ArgKind::Text => !matches!(t, Type::List(_) | Type::Record(_)),
        ArgKind::Literal => matches!(t, Type::String),
    })
}

/// Whether the helper's arguments include a literal (a format name).
pub(crate) fn is_literal(spec: &HelperSpec, index: usize) -> bool {
    spec.arg_kinds
        .get(index)
        .is_some_and(|k| k.contains(&ArgKind::Literal))
}
