//! The plan's `template_data` types (written as in the schema: `int`,
//! `money(USD)`, `enum(free, trial)`, `list<cart_item>`, `string?`) and
//! checking a customer's or an event's JSON against them, in the data
//! conventions of [`crate::template::value`].

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::plan::format::TemplateData;
use crate::template::is_valid_locale;
use crate::template::value::{is_decimal, is_money};
use crate::text::head;

/// One type of the plan's `template_data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataType {
    Bool,
    Int,
    Decimal,
    Money(String),
    /// `string`, `email`, `phone`, `url`, `duration` (printed): any string.
    Text,
    Locale,
    Timezone,
    Time,
    Date,
    Enum(Vec<String>),
    List(Box<DataType>),
    /// A record type, by name (its fields are in `template_data.records`).
    Record(String),
    Optional(Box<DataType>),
}

impl DataType {
    /// Reads a type as the plan writes it; `None` for a type this version
    /// does not know (its values are then not checked).
    pub fn parse(text: &str) -> Option<DataType> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix('?') {
            return Some(DataType::Optional(Box::new(DataType::parse(inner)?)));
        }
        if let Some(inner) = text.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
            return Some(DataType::List(Box::new(DataType::parse(inner)?)));
        }
        if let Some(code) = text
            .strip_prefix("money(")
            .and_then(|t| t.strip_suffix(')'))
        {
            return Some(DataType::Money(code.trim().to_string()));
        }
        if let Some(variants) = text.strip_prefix("enum(").and_then(|t| t.strip_suffix(')')) {
            return Some(DataType::Enum(
                variants.split(',').map(|v| v.trim().to_string()).collect(),
            ));
        }
        Some(match text {
            "bool" => DataType::Bool,
            "int" => DataType::Int,
            "decimal" => DataType::Decimal,
            "string" | "email" | "phone" | "url" | "duration" => DataType::Text,
            "locale" => DataType::Locale,
            "timezone" => DataType::Timezone,
            "time" => DataType::Time,
            "date" => DataType::Date,
            name if !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                DataType::Record(name.to_string())
            }
            _ => return None,
        })
    }
}

/// The parsed types of one object (the customer, an event, a record):
/// name → type.
pub type Fields = BTreeMap<String, DataType>;

/// A plan's `template_data`, parsed once.
#[derive(Clone, Debug, Default)]
pub struct Types {
    pub customer: Fields,
    pub events: BTreeMap<String, Fields>,
    pub records: BTreeMap<String, Fields>,
}

fn parse_fields(fields: &BTreeMap<String, String>) -> Fields {
    fields
        .iter()
        .filter_map(|(name, ty)| Some((name.clone(), DataType::parse(ty)?)))
        .collect()
}

impl Types {
    pub fn new(data: &TemplateData) -> Types {
        Types {
            customer: parse_fields(&data.customer),
            events: data
                .events
                .iter()
                .map(|(name, fields)| (name.clone(), parse_fields(fields)))
                .collect(),
            records: data
                .records
                .iter()
                .map(|(name, fields)| (name.clone(), parse_fields(fields)))
                .collect(),
        }
    }

    /// Checks `object`'s values against `fields`; `what` names the object
    /// in the error (`customer`, `event`). Keys without a type are not
    /// checked (a sending system's customer has more attributes than a
    /// campaign reads); an absent key is an unset value.
    pub fn check_object(
        &self,
        what: &str,
        object: &Map<String, Value>,
        fields: &Fields,
    ) -> Result<(), String> {
        for (name, value) in object {
            if let Some(ty) = fields.get(name) {
                self.check(&format!("{what}.{name}"), value, ty, 0)?;
            }
        }
        Ok(())
    }

    fn check(&self, path: &str, value: &Value, ty: &DataType, depth: usize) -> Result<(), String> {
        let wrong = |expected: &str| {
            Err(format!(
                "`{path}` must be {expected}, not {}",
                describe(value)
            ))
        };
        let text = value.as_str();
        match ty {
            DataType::Optional(inner) => match value {
                Value::Null => Ok(()),
                _ => self.check(path, value, inner, depth),
            },
            _ if value.is_null() => wrong("set (its type is not optional)"),
            DataType::Bool if value.is_boolean() => Ok(()),
            DataType::Bool => wrong("true or false"),
            DataType::Int if value.is_i64() => Ok(()),
            DataType::Int => wrong("an integer"),
            DataType::Decimal if value.is_number() || text.is_some_and(is_decimal) => Ok(()),
            DataType::Decimal => wrong("a decimal (\"19.90\")"),
            DataType::Money(code) if text.is_some_and(|t| is_money(t, code)) => Ok(()),
            DataType::Money(code) => wrong(&format!("money in {code} (\"19.90 {code}\")")),
            DataType::Text if text.is_some() => Ok(()),
            DataType::Text => wrong("a string"),
            DataType::Locale if text.is_some_and(is_valid_locale) => Ok(()),
            DataType::Locale => wrong("a BCP 47 locale tag (\"en\", \"pt-BR\")"),
            DataType::Timezone if text.is_some_and(|t| jiff::tz::TimeZone::get(t).is_ok()) => {
                Ok(())
            }
            DataType::Timezone => wrong("an IANA time zone (\"Europe/Prague\")"),
            DataType::Time if text.is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok()) => Ok(()),
            DataType::Time => wrong("an RFC 3339 instant (\"2026-11-02T03:00:00Z\")"),
            DataType::Date if text.is_some_and(|t| t.parse::<jiff::civil::Date>().is_ok()) => {
                Ok(())
            }
            DataType::Date => wrong("a date (\"2026-11-02\")"),
            DataType::Enum(variants) if text.is_some_and(|t| variants.iter().any(|v| v == t)) => {
                Ok(())
            }
            DataType::Enum(variants) => wrong(&format!("one of {}", variants.join(", "))),
            // Schema types nest only as deep as the schema is written;
            // a forged plan with a cycle of records stops here.
            DataType::List(_) | DataType::Record(_) if depth > 64 => Ok(()),
            DataType::List(inner) => match value {
                Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
                    self.check(&format!("{path}[{i}]"), item, inner, depth + 1)
                }),
                _ => wrong("a list"),
            },
            DataType::Record(name) => match (value, self.records.get(name)) {
                (Value::Object(object), Some(fields)) => {
                    for (field, value) in object {
                        if let Some(ty) = fields.get(field) {
                            self.check(&format!("{path}.{field}"), value, ty, depth + 1)?;
                        }
                    }
                    Ok(())
                }
                (Value::Object(_), None) => Ok(()),
                _ => wrong(&format!("an object (a `{name}`)")),
            },
        }
    }
}

/// A JSON value in a few words, for errors: `"many"` (a string), `12`.
fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
        Value::String(s) if s.len() > 40 => {
            format!("the string {}…", Value::String(head(s, 40).to_string()))
        }
        Value::String(_) => format!("the string {value}"),
        other => other.to_string(),
    }
}
