//! The template helpers the renderer provides and what they accept, so
//! that a wrong call is an error at check time rather than a broken
//! message at send time.
//!
//! This table mirrors the helpers registered by `render` (`default`,
//! `money`, `number`, `date`, `plural`, `upper`, `lower`) and the block
//! helpers built into Handlebars (`if`, `unless`, `each`, `with`).

use crate::check::model::Type;

use super::scope::Ty;

/// What one argument of a helper accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accepts {
    Anything,
    Money,
    Numeric,
    TimeOrDate,
    /// Text: strings and the string-like types (email, url, enum, …).
    Text,
    /// A string literal such as a `date` format name.
    StringLiteral,
}

impl Accepts {
    pub fn describe(self) -> &'static str {
        match self {
            Accepts::Anything => "any value",
            Accepts::Money => "a money value",
            Accepts::Numeric => "a number (int, decimal or money)",
            Accepts::TimeOrDate => "a time or a date",
            Accepts::Text => "text",
            Accepts::StringLiteral => "a quoted string",
        }
    }

    /// Whether a value of type `ty` may be passed.
    pub fn allows(self, ty: &Ty) -> bool {
        let t = match ty {
            Ty::Any => return true,
            Ty::Value(t) => t.strip_optional(),
            _ => return self == Accepts::Anything,
        };
        if matches!(t, Type::Error) {
            return true;
        }
        match self {
            Accepts::Anything => true,
            Accepts::Money => matches!(t, Type::Money(_)),
            Accepts::Numeric => t.is_numeric(),
            Accepts::TimeOrDate => matches!(t, Type::Time | Type::Date),
            Accepts::Text => !matches!(t, Type::List(_) | Type::Record(_)),
            Accepts::StringLiteral => matches!(t, Type::String),
        }
    }
}

/// One inline helper.
#[derive(Clone, Copy, Debug)]
pub(crate) struct HelperSig {
    pub name: &'static str,
    /// What each positional argument accepts; the first `required` are
    /// required.
    pub params: &'static [Accepts],
    pub required: usize,
    /// Whether `key=value` arguments are taken (only `plural`).
    pub takes_hash: bool,
    /// How it is called, for help lines.
    pub usage: &'static str,
}

/// The inline helpers.
pub(crate) const HELPERS: &[HelperSig] = &[
    HelperSig {
        name: "date",
        params: &[Accepts::TimeOrDate, Accepts::StringLiteral],
        required: 1,
        takes_hash: false,
        usage: "{{date customer.signed_up_at \"long\"}}",
    },
    HelperSig {
        name: "default",
        params: &[Accepts::Anything, Accepts::Anything],
        required: 2,
        takes_hash: false,
        usage: "{{default customer.first_name \"there\"}}",
    },
    HelperSig {
        name: "lower",
        params: &[Accepts::Text],
        required: 1,
        takes_hash: false,
        usage: "{{lower customer.first_name}}",
    },
    HelperSig {
        name: "money",
        params: &[Accepts::Money],
        required: 1,
        takes_hash: false,
        usage: "{{money event.total}}",
    },
    HelperSig {
        name: "number",
        params: &[Accepts::Numeric],
        required: 1,
        takes_hash: false,
        usage: "{{number customer.loyalty_points}}",
    },
    HelperSig {
        name: "plural",
        params: &[Accepts::Numeric],
        required: 1,
        takes_hash: true,
        usage: "{{plural customer.loyalty_points one=\"# point\" other=\"# points\"}}",
    },
    HelperSig {
        name: "upper",
        params: &[Accepts::Text],
        required: 1,
        takes_hash: false,
        usage: "{{upper customer.first_name}}",
    },
];

/// The block helpers built into Handlebars.
pub(crate) const BLOCK_HELPERS: &[&str] = &["each", "if", "unless", "with"];

/// The formats `date` accepts as its second argument.
pub(crate) const DATE_FORMATS: &[&str] = &["short", "medium", "long", "full"];

/// CLDR plural categories, the keys `plural` accepts.
pub(crate) const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

pub(crate) fn lookup(name: &str) -> Option<&'static HelperSig> {
    HELPERS.iter().find(|h| h.name == name)
}

/// Every helper name, inline and block, for did-you-mean.
pub(crate) fn all_names() -> impl Iterator<Item = &'static str> {
    HELPERS
        .iter()
        .map(|h| h.name)
        .chain(BLOCK_HELPERS.iter().copied())
}
