//! `warehouse { … }`: where the customers and events are, for the SQL of
//! `campaignc sql` (docs/warehouse.md). Every setting is optional; what is
//! not written keeps the conventional layout ([`Warehouse::default`]).

use super::names::Decls;
use super::report;
use crate::check::model::{Schema, Type, Warehouse};
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;
use crate::syntax::ast::{Field, ValueKind};

/// The settings a `warehouse` block takes.
const SETTINGS: &[&str] = &[
    "customers",
    "customer_key",
    "columns",
    "timezone_column",
    "locale_column",
    "events",
    "event_key",
    "event_name",
    "event_time",
    "event_properties",
    "event_tables",
];

/// The project's warehouse mapping, checked.
pub(super) fn warehouse(decls: &Decls, schema: &Schema, problems: &mut Problems) -> Warehouse {
    let mut out = Warehouse::default();
    let Some(block) = decls.warehouse else {
        return out;
    };
    out.span = Some(block.span);
    let mut seen: Vec<&Field> = Vec::new();
    for field in &block.fields {
        let name = field.name.name.as_str();
        if let Some(first) = seen.iter().find(|f| f.name.name == name) {
            problems.push(report::repeated(
                &format!("`{name}`"),
                field.name.span,
                first.name.span,
            ));
            continue;
        }
        seen.push(field);
        if !SETTINGS.contains(&name) {
            problems.push(report::unknown_msg(
                "E1001",
                format!("`warehouse` has no setting `{name}`"),
                "unknown setting".into(),
                name,
                field.name.span,
                SETTINGS.iter().copied(),
                Some(format!("`warehouse` takes {}", SETTINGS.join(", "))),
            ));
            continue;
        }
        if name == "columns" || name == "event_tables" {
            let Some(entries) = record(field, problems) else {
                continue;
            };
            let map = mapping(name, entries, schema, problems);
            if name == "columns" {
                out.columns = map;
            } else {
                out.event_tables = map;
            }
            continue;
        }
        let qualified = matches!(name, "customers" | "events");
        let Some(text) = sql_name(field, qualified, problems) else {
            continue;
        };
        match name {
            "customers" => out.customers = text,
            "customer_key" => out.customer_key = text,
            "events" => out.events = text,
            "event_key" => out.event_key = text,
            "event_name" => out.event_name = text,
            "event_time" => out.event_time = text,
            "event_properties" => out.event_properties = text,
            "timezone_column" | "locale_column" => {
                let (ty, what) = if name == "timezone_column" {
                    (Type::Timezone, "time zone")
                } else {
                    (Type::Locale, "locale")
                };
                if let Some(attr) = schema.attrs.iter().find(|a| a.ty.strip_optional() == &ty) {
                    problems.push(
                        Diagnostic::error(
                            "E1005",
                            format!(
                                "`{name}` is for a schema without a {what} attribute, and `{}` is one",
                                attr.name
                            ),
                            field.name.span,
                        )
                        .with_primary_label(format!("the {what} already comes from an attribute"))
                        .with_label(attr.span, format!("the {what} attribute"))
                        .with_help(format!(
                            "name the attribute's column instead: `columns {{ {} {:?} }}`",
                            attr.name, text
                        )),
                    );
                    continue;
                }
                if name == "timezone_column" {
                    out.timezone = Some(text);
                } else {
                    out.locale = Some(text);
                }
            }
            _ => {}
        }
    }
    out
}

/// The `{ … }` of `columns` and `event_tables`.
fn record<'f>(field: &'f Field, problems: &mut Problems) -> Option<&'f [Field]> {
    match &field.value.kind {
        ValueKind::Record(entries) => Some(entries),
        _ => {
            let example = if field.name.name == "columns" {
                "columns { lifetime_value \"ltv_usd\" }"
            } else {
                "event_tables { order_placed \"analytics.orders\" }"
            };
            problems.push(
                Diagnostic::error(
                    "E1002",
                    format!("`{}` in `warehouse` needs `{{ … }}`", field.name.name),
                    field.value.span,
                )
                .with_primary_label("not a `{ name \"column\" }` list")
                .with_help(format!("write e.g. `{example}`")),
            );
            None
        }
    }
}

/// `columns { ATTR "column" }` or `event_tables { EVENT "table" }`: the
/// names must be the schema's.
fn mapping(
    setting: &str,
    entries: &[Field],
    schema: &Schema,
    problems: &mut Problems,
) -> std::collections::BTreeMap<String, String> {
    let attrs = setting == "columns";
    let mut out = std::collections::BTreeMap::new();
    let mut seen: Vec<&Field> = Vec::new();
    for entry in entries {
        let name = entry.name.name.as_str();
        if let Some(first) = seen.iter().find(|f| f.name.name == name) {
            problems.push(report::repeated(
                &format!("`{name}` in `{setting}`"),
                entry.name.span,
                first.name.span,
            ));
            continue;
        }
        seen.push(entry);
        let known = if attrs {
            schema.attrs.iter().any(|a| a.name == name)
        } else {
            schema.events.iter().any(|e| e.name == name)
        };
        if !known {
            let (code, kind) = if attrs {
                ("E1003", "attribute")
            } else {
                ("E1004", "event")
            };
            let candidates: Vec<&str> = if attrs {
                schema.attrs.iter().map(|a| a.name.as_str()).collect()
            } else {
                schema.events.iter().map(|e| e.name.as_str()).collect()
            };
            problems.push(report::unknown_msg(
                code,
                format!("`{setting}` names an unknown {kind} `{name}`"),
                format!("no {kind} is called `{name}`"),
                name,
                entry.name.span,
                candidates,
                Some(format!("`{setting}` maps the schema's {kind}s; declare it in `schema` or remove the line")),
            ));
            continue;
        }
        if let Some(text) = sql_name(entry, !attrs, problems) {
            out.insert(name.to_string(), text);
        }
    }
    out
}

/// A table or column name: text of letters, digits, `_` and `$` (a table
/// may be qualified with dots: `analytics.customers`).
fn sql_name(field: &Field, qualified: bool, problems: &mut Problems) -> Option<String> {
    let text = match &field.value.kind {
        ValueKind::Str(s) => s.value.clone(),
        ValueKind::Word(w) => w.name.clone(),
        _ => {
            problems.push(bad_name(
                field.value.span,
                "a table or column name is written in quotes",
                qualified,
            ));
            return None;
        }
    };
    let part_ok = |p: &str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    };
    let ok = if qualified {
        text.split('.').all(part_ok)
    } else {
        part_ok(&text)
    };
    if !ok {
        problems.push(bad_name(
            field.value.span,
            "not a plain SQL name",
            qualified,
        ));
        return None;
    }
    Some(text)
}

fn bad_name(span: Span, label: &str, qualified: bool) -> Diagnostic {
    let (what, example) = if qualified {
        ("a table name", "\"analytics.customers\"")
    } else {
        ("a column name", "\"customer_id\"")
    };
    Diagnostic::error("E1002", format!("this is not {what}"), span)
        .with_primary_label(label)
        .with_help(format!(
            "write {what} of letters, digits and `_`{} in quotes, e.g. {example}",
            if qualified {
                " (parts joined by `.`)"
            } else {
                ""
            }
        ))
}
