//! Types as written in the schema (`money(USD)`, `string?`,
//! `list<cart_item>`) turned into [`Type`], and back into that spelling for
//! messages.

use super::names::Table;
use super::report;
use crate::check::model::{RecordId, Schema, Type};
use crate::diagnostics::Problems;
use crate::syntax::ast::{TypeExpr, TypeKind};
use std::collections::BTreeSet;

/// The built-in type names of the language.
pub const BUILTIN_TYPES: &[&str] = &[
    "bool", "int", "decimal", "string", "email", "phone", "url", "locale", "timezone", "time",
    "date", "duration",
];

fn builtin(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "int" => Type::Int,
        "decimal" => Type::Decimal,
        "string" => Type::String,
        "email" => Type::Email,
        "phone" => Type::Phone,
        "url" => Type::Url,
        "locale" => Type::Locale,
        "timezone" => Type::Timezone,
        "time" => Type::Time,
        "date" => Type::Date,
        "duration" => Type::Duration,
        _ => return None,
    })
}

/// Resolves a written type. Unknown type names are reported and become
/// [`Type::Error`]; `records` gives the ids of declared record types.
pub(super) fn resolve<T>(ty: &TypeExpr, records: &Table<'_, T>, problems: &mut Problems) -> Type {
    let inner = match &ty.kind {
        // The declaration did not parse; its syntax error was reported.
        TypeKind::Broken => return Type::Error,
        TypeKind::Named(name) => match builtin(&name.name) {
            Some(t) => t,
            None => match records.id(&name.name) {
                Some(id) => Type::Record(RecordId(id)),
                None => {
                    let candidates: Vec<&str> = BUILTIN_TYPES
                        .iter()
                        .copied()
                        .chain(records.names())
                        .collect();
                    problems.push(report::unknown(
                        "E0213",
                        "type",
                        &name.name,
                        name.span,
                        candidates,
                        Some(format!(
                            "the types are {} and record types declared with `type`",
                            BUILTIN_TYPES.join(", ")
                        )),
                    ));
                    Type::Error
                }
            },
        },
        TypeKind::Enum(variants) => {
            let mut seen: Vec<&crate::syntax::ast::Ident> = Vec::new();
            for v in variants {
                if let Some(first) = seen.iter().find(|s| s.name == v.name) {
                    problems.push(report::duplicate(
                        "enum variant",
                        &v.name,
                        v.span,
                        first.span,
                    ));
                } else {
                    seen.push(v);
                }
            }
            Type::Enum(seen.iter().map(|v| v.name.clone()).collect())
        }
        TypeKind::Money(currency) => Type::Money(currency.name.clone()),
        TypeKind::List(item) => Type::List(Box::new(resolve(item, records, problems))),
    };
    if ty.optional && !matches!(inner, Type::Error) {
        Type::Optional(Box::new(inner))
    } else {
        inner
    }
}

/// The type as it is written in source: `money(USD)`, `string?`,
/// `list<cart_item>`, `enum(free, trial)`.
pub fn type_name(ty: &Type, schema: &Schema) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Int => "int".into(),
        Type::Decimal => "decimal".into(),
        Type::Money(c) => format!("money({c})"),
        Type::String => "string".into(),
        Type::Email => "email".into(),
        Type::Phone => "phone".into(),
        Type::Url => "url".into(),
        Type::Locale => "locale".into(),
        Type::Timezone => "timezone".into(),
        Type::Time => "time".into(),
        Type::Date => "date".into(),
        Type::Duration => "duration".into(),
        Type::Enum(vs) => format!("enum({})", vs.join(", ")),
        Type::List(t) => format!("list<{}>", type_name(t, schema)),
        Type::Record(id) => schema
            .records
            .get(id.index())
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "record".into()),
        Type::Optional(t) => format!("{}?", type_name(t, schema)),
        Type::Error => "{unknown}".into(),
    }
}

/// Displays a type as written in source; `Display` needs the schema for
/// record names: `format!("{}", ShowType(&ty, &model.schema))`.
pub struct ShowType<'a>(pub &'a Type, pub &'a Schema);

impl std::fmt::Display for ShowType<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&type_name(self.0, self.1))
    }
}

/// "a `x`" or "an `x`", for messages.
pub fn a(ty: &str) -> String {
    let article = if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} `{ty}`")
}

/// Text-like types: a string literal fits any of them, and they compare
/// with each other.
pub fn is_text(ty: &Type) -> bool {
    matches!(
        ty.strip_optional(),
        Type::String | Type::Email | Type::Phone | Type::Url | Type::Locale | Type::Timezone
    )
}

/// Whether values of `a` and `b` may be compared with `==`; optional sides
/// are fine (an unset value makes the comparison false at run time).
pub fn comparable(a: &Type, b: &Type) -> bool {
    let (a, b) = (a.strip_optional(), b.strip_optional());
    match (a, b) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Int | Type::Decimal, Type::Int | Type::Decimal) => true,
        (Type::Money(x), Type::Money(y)) => x == y,
        (x, y) if is_text(x) && is_text(y) => true,
        (Type::Enum(x), Type::Enum(y)) => {
            // Two enum types compare when one's variants include the other's.
            let xs: BTreeSet<&String> = x.iter().collect();
            let ys: BTreeSet<&String> = y.iter().collect();
            xs.is_subset(&ys) || ys.is_subset(&xs)
        }
        (Type::List(x), Type::List(y)) => comparable(x, y),
        (x, y) => x == y,
    }
}

/// Whether values of this type have an order (`<`, `>=`).
pub fn ordered(ty: &Type) -> bool {
    matches!(
        ty.strip_optional(),
        Type::Int
            | Type::Decimal
            | Type::Money(_)
            | Type::Time
            | Type::Date
            | Type::Duration
            | Type::String
            | Type::Error
    )
}

/// Whether a value of type `value` may be stored where `target` is
/// expected (`set`, attribute values).
pub fn assignable(target: &Type, value: &Type) -> bool {
    match (target, value) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Optional(t), Type::Optional(v)) => assignable(t, v),
        (Type::Optional(t), v) => assignable(t, v),
        (_, Type::Optional(_)) => false,
        (Type::Decimal, Type::Int) => true,
        (t, Type::String) if is_text(t) => true,
        (Type::Enum(t), Type::Enum(v)) => v.iter().all(|x| t.contains(x)),
        (Type::List(t), Type::List(v)) => assignable(t, v),
        (t, v) => t == v,
    }
}
