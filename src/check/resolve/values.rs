//! Constant values checked against a type: persona attributes, sample and
//! test event payloads, `at … set` and `expect customer.…` values.

use super::expr::{duration, unknown_property};
use super::report;
use super::types::{a, type_name};
use crate::check::model::{FieldDef, Schema, Type, Value};
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;
use crate::syntax::ast::{self, Field, ValueKind};

/// Checks values against types, reporting into `problems`.
pub(super) struct ValueChecker<'a, 'p> {
    pub schema: &'a Schema,
    pub problems: &'p mut Problems,
}

/// How a written value is described in messages.
fn describe(v: &ValueKind) -> &'static str {
    match v {
        ValueKind::Bool(_) => "`true`/`false`",
        ValueKind::Int(_) => "a whole number",
        ValueKind::Decimal(_) => "a decimal number",
        ValueKind::Money { .. } => "an amount of money",
        ValueKind::Str(_) => "text in quotes",
        ValueKind::Duration(_) => "a duration",
        ValueKind::Clock(_) => "a clock time",
        ValueKind::Date(_) => "a date",
        ValueKind::DateTime(_) => "a local date-time",
        ValueKind::Instant(_) => "an instant",
        ValueKind::Percent(_) => "a percentage",
        ValueKind::Word(_) => "a bare word",
        ValueKind::List(_) => "a list",
        ValueKind::Record(_) => "a record `{ … }`",
    }
}

/// An example of a value of a type, for help lines.
fn example(ty: &Type, schema: &Schema) -> String {
    example_at(ty, schema, 0)
}

/// Record types may contain themselves (`next: node?`): stop after a few
/// levels.
fn example_at(ty: &Type, schema: &Schema, depth: usize) -> String {
    if depth > 3 {
        return "…".into();
    }
    match ty.strip_optional() {
        Type::Bool => "true".into(),
        Type::Int => "42".into(),
        Type::Decimal => "19.90".into(),
        Type::Money(c) => format!("19.90 {c}"),
        Type::String => "\"text\"".into(),
        Type::Email => "\"linh@example.com\"".into(),
        Type::Phone => "\"+84901234567\"".into(),
        Type::Url => "\"https://example.com\"".into(),
        Type::Locale => "en".into(),
        Type::Timezone => "\"Europe/Prague\"".into(),
        Type::Time => "2026-11-02T03:00:00Z".into(),
        Type::Date => "2026-11-02".into(),
        Type::Duration => "2d".into(),
        Type::Enum(vs) => vs.first().cloned().unwrap_or_default(),
        Type::List(t) => format!("[{}]", example_at(t, schema, depth + 1)),
        Type::Record(id) => match schema.records.get(id.index()) {
            Some(r) => {
                let fields: Vec<String> = r
                    .fields
                    .iter()
                    .map(|f| format!("{} {}", f.name, example_at(&f.ty, schema, depth + 1)))
                    .collect();
                format!("{{ {} }}", fields.join(", "))
            }
            None => "{ … }".into(),
        },
        Type::Optional(_) | Type::Error => "…".into(),
    }
}

/// Whether a text has the shape its type promises; `Some((what it should
/// be, how to write one))` when it does not. Deliberately loose — the
/// sending system validates for real — but a persona with `email "linh"`
/// or `phone "call me"` would make every preview and test misleading.
/// The one rule for `.camp` values and events files.
pub fn bad_shape(ty: &Type, text: &str) -> Option<(&'static str, &'static str)> {
    match ty {
        Type::Email => {
            let ok = text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !has_whitespace(text)
            });
            (!ok).then_some((
                "an email address",
                "write an address such as `\"linh@example.com\"`",
            ))
        }
        Type::Phone => {
            let digits = text.chars().filter(char::is_ascii_digit).count();
            let ok = text.starts_with('+')
                && text[1..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
                && (7..=15).contains(&digits);
            (!ok).then_some((
                "a phone number",
                "write it in international (E.164) form: `+`, country code and number, e.g. `\"+84901234567\"`",
            ))
        }
        Type::Url => {
            let ok = text.split_once(':').is_some_and(|(scheme, rest)| {
                !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                    && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && !rest.is_empty()
            }) && !has_whitespace(text);
            (!ok).then_some((
                "a URL",
                "write a full URL with its scheme, e.g. `\"https://shop.example/cart/42\"`",
            ))
        }
        _ => None,
    }
}

/// Whether `text` has a whitespace character (`char::is_whitespace`),
/// looking at bytes while they are ASCII: a population file checks one
/// address per customer.
fn has_whitespace(text: &str) -> bool {
    // Most texts have no byte that could start a whitespace character:
    // one pass without early exit, which the compiler vectorises.
    let suspect = text
        .bytes()
        .fold(false, |any, b| any | (b <= b' ') | (b >= 0x80));
    if !suspect {
        return false;
    }
    let first = text
        .bytes()
        .position(|b| !b.is_ascii() || matches!(b, b' ' | b'\t'..=b'\r'));
    match first {
        None => false,
        Some(i) if text.as_bytes()[i].is_ascii() => true,
        // The first byte that is not ASCII starts a character.
        Some(i) => text[i..].chars().any(char::is_whitespace),
    }
}

/// Whether `name` is an IANA time zone name (a `timezone` value).
pub fn is_time_zone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// Whether `tag` is a BCP 47 locale tag (a `locale` value).
pub fn is_locale_value(tag: &str) -> bool {
    icu_locale_core::Locale::try_from_str(tag).is_ok()
}

impl ValueChecker<'_, '_> {
    fn mismatch(&mut self, v: &ast::Value, ty: &Type, what: &str) {
        let expected = type_name(ty.strip_optional(), self.schema);
        let found = describe(&v.kind);
        self.problems.push(
            Diagnostic::error(
                "E0801",
                format!("{what} must be {}, but this is {found}", a(&expected)),
                v.span,
            )
            .with_primary_label(format!("expected `{expected}`"))
            .with_help(format!(
                "write {}, e.g. `{}`",
                a(&expected),
                example(ty, self.schema)
            )),
        );
    }

    /// The value `v` as a value of type `ty`; `None` (after reporting) when
    /// it is not one. `what` names the place ("`plan`", "property `total`").
    pub fn convert(&mut self, v: &ast::Value, ty: &Type, what: &str) -> Option<Value> {
        let out = match (ty.strip_optional(), &v.kind) {
            (Type::Error, _) => return None,
            (Type::Bool, ValueKind::Bool(b)) => Value::Bool(*b),
            (Type::Int, ValueKind::Int(i)) => Value::Int(*i),
            (Type::Decimal, ValueKind::Decimal(d)) => Value::Decimal(*d),
            (Type::Decimal, ValueKind::Int(i)) => Value::Decimal(ast::DecimalLit {
                mantissa: *i as i128,
                scale: 0,
            }),
            (Type::Money(cur), ValueKind::Money { amount, currency }) => {
                if &currency.name != cur {
                    self.problems.push(
                        Diagnostic::error(
                            "E0801",
                            format!(
                                "{what} must be `money({cur})`, but this amount is in {}",
                                currency.name
                            ),
                            currency.span,
                        )
                        .with_primary_label(format!("`money({})`", currency.name))
                        .with_help(format!("write the amount in {cur}, e.g. `19.90 {cur}`")),
                    );
                    return None;
                }
                Value::Money {
                    amount: *amount,
                    currency: cur.clone(),
                }
            }
            (Type::Email | Type::Phone | Type::Url, ValueKind::Str(s)) => {
                if let Some((kind, help)) = bad_shape(ty.strip_optional(), &s.value) {
                    self.problems.push(
                        Diagnostic::error(
                            "E0801",
                            format!("{what} must be {kind}, but `{}` is not one", s.value),
                            v.span,
                        )
                        .with_primary_label(format!("not {kind}"))
                        .with_help(help),
                    );
                    return None;
                }
                Value::String(s.value.clone())
            }
            (Type::String, ValueKind::Str(s)) => Value::String(s.value.clone()),
            (Type::Timezone, ValueKind::Str(s)) => {
                if !is_time_zone(&s.value) {
                    self.problems
                        .push(super::schema::unknown_time_zone(&s.value, v.span));
                    return None;
                }
                Value::String(s.value.clone())
            }
            (Type::Locale, ValueKind::Str(ast::StrLit { value: tag, .. }))
            | (Type::Locale, ValueKind::Word(ast::Ident { name: tag, .. })) => {
                if !is_locale_value(tag) {
                    self.problems.push(
                        Diagnostic::error(
                            "E0804",
                            format!("`{tag}` is not a valid locale tag"),
                            v.span,
                        )
                        .with_primary_label("not a BCP 47 tag")
                        .with_help(
                            "write a BCP 47 tag such as `en`, `vi`, `cs`, `zh-Hant` or `pt-BR`",
                        ),
                    );
                    return None;
                }
                Value::String(tag.clone())
            }
            (Type::Time, ValueKind::Instant(t)) => Value::Time(*t),
            (Type::Time, ValueKind::DateTime(_)) => {
                self.problems.push(
                    Diagnostic::error(
                        "E0801",
                        format!(
                            "{what} must be an instant, but this local date-time has no offset"
                        ),
                        v.span,
                    )
                    .with_primary_label("no `Z` or offset")
                    .with_help("add `Z` (UTC) or an offset, e.g. `2026-11-02T03:00:00Z`"),
                );
                return None;
            }
            (Type::Date, ValueKind::Date(d)) => Value::Date(*d),
            (Type::Duration, ValueKind::Duration(d)) => Value::Duration(duration(d)),
            (Type::Enum(variants), ValueKind::Word(w)) => {
                if !variants.contains(&w.name) {
                    let list: Vec<String> = variants.iter().map(|v| format!("`{v}`")).collect();
                    self.problems.push(report::unknown(
                        "E0211",
                        "enum variant",
                        &w.name,
                        w.span,
                        variants.iter().map(String::as_str),
                        Some(format!("the variants are {}", list.join(", "))),
                    ));
                    return None;
                }
                Value::Enum(w.name.clone())
            }
            (Type::List(item), ValueKind::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    out.push(self.convert(it, item, &format!("an item of {what}"))?);
                }
                Value::List(out)
            }
            (Type::Record(id), ValueKind::Record(fields)) => {
                let record = self.schema.records.get(id.index())?;
                let name = record.name.clone();
                let defs = record.fields.clone();
                self.record(fields, &defs, &name, v.span)
            }
            _ => {
                self.mismatch(v, ty, what);
                return None;
            }
        };
        Some(out)
    }

    /// Fields of an event payload or record value against their
    /// declarations: unknown and repeated fields and missing required ones
    /// are reported. Returns the fields in declaration order.
    pub fn record(
        &mut self,
        fields: &[Field],
        defs: &[FieldDef],
        owner: &str,
        owner_span: Span,
    ) -> Value {
        let mut values: Vec<Option<Value>> = vec![None; defs.len()];
        let mut given: Vec<Option<Span>> = vec![None; defs.len()];
        for field in fields {
            let Some(i) = defs.iter().position(|d| d.name == field.name.name) else {
                self.problems.push(unknown_property(
                    owner,
                    defs.iter().map(|d| d.name.as_str()),
                    &field.name,
                    None,
                ));
                continue;
            };
            if let Some(first) = given[i] {
                self.problems.push(report::repeated(
                    &format!("`{}`", field.name.name),
                    field.name.span,
                    first,
                ));
                continue;
            }
            given[i] = Some(field.name.span);
            values[i] = self.convert(&field.value, &defs[i].ty, &format!("`{}`", field.name.name));
        }
        let missing: Vec<&str> = defs
            .iter()
            .zip(&given)
            .filter(|(d, g)| g.is_none() && !d.ty.is_optional() && d.ty != Type::Error)
            .map(|(d, _)| d.name.as_str())
            .collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            let noun = if missing.len() == 1 {
                "property"
            } else {
                "properties"
            };
            self.problems.push(
                Diagnostic::error(
                    "E0803",
                    format!("`{owner}` lacks the required {noun} {}", list.join(", ")),
                    owner_span,
                )
                .with_primary_label(format!("missing {}", list.join(", ")))
                .with_help("give every property that is not optional (`?`) a value"),
            );
        }
        Value::Record(
            defs.iter()
                .zip(values)
                .filter_map(|(d, v)| v.map(|v| (d.name.clone(), v)))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::has_whitespace;

    #[test]
    fn whitespace_is_found_as_char_is_whitespace_finds_it() {
        let texts = [
            "",
            "linh@example.com",
            "a b",
            "tab\there",
            "vertical\u{b}tab",
            "line\r\n",
            "Anička@example.cz",
            "Anička\u{a0}x",
            "廣東話\u{3000}",
            "next\u{85}line",
            "ž\u{2003}",
            "žluťoučký",
        ];
        for text in texts {
            assert_eq!(
                has_whitespace(text),
                text.chars().any(char::is_whitespace),
                "{text:?}"
            );
        }
    }
}
