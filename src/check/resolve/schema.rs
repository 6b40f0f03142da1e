//! The project-wide settings: `defaults`, `lifecycle` and the merged
//! `schema` (attributes, record types, events) with resolved types.

use super::names::{Decls, RecordDecl, Table};
use super::{report, types};
use crate::check::flows::codes;
use crate::check::model::{
    AttrDef, Channel, Defaults, EventDef, FieldDef, Pressure, RecordDef, Schema, Type,
};
use crate::diagnostics::{Diagnostic, Problems};
use crate::syntax::ast::{self, Field, ValueKind};

/// The stages used when a project declares no `lifecycle`.
pub const DEFAULT_STAGES: &[&str] = &[
    "discovery",
    "engagement",
    "onboarding",
    "conversion",
    "retention",
    "loyalty",
    "advocacy",
    "churn_risk",
    "winback",
];

const DEFAULTS_FIELDS: &[&str] = &["locale", "timezone", "email_from"];

/// `defaults { … }`, with `en` and `UTC` where unset.
pub(super) fn defaults(decls: &Decls, problems: &mut Problems) -> Defaults {
    let mut out = Defaults {
        locale: "en".into(),
        timezone: "UTC".into(),
        email_from: None,
        pressure: None,
    };
    let Some(block) = decls.defaults else {
        return out;
    };
    out.pressure = pressure(&block.pressure, problems);
    let mut seen: Vec<&Field> = Vec::new();
    for field in &block.fields {
        if let Some(first) = seen.iter().find(|f| f.name.name == field.name.name) {
            problems.push(report::repeated(
                &format!("`{}`", field.name.name),
                field.name.span,
                first.name.span,
            ));
            continue;
        }
        seen.push(field);
        let text = match &field.value.kind {
            ValueKind::Str(s) => Some(s.value.clone()),
            ValueKind::Word(w) => Some(w.name.clone()),
            _ => None,
        };
        let name = field.name.name.as_str();
        if !DEFAULTS_FIELDS.contains(&name) {
            problems.push(report::unknown_msg(
                "E0218",
                format!("`defaults` has no setting `{name}`"),
                "unknown setting".into(),
                name,
                field.name.span,
                DEFAULTS_FIELDS.iter().copied(),
                Some("`defaults` takes `locale`, `timezone` and `email_from`".into()),
            ));
            continue;
        }
        let Some(text) = text else {
            problems.push(
                Diagnostic::error("E0310", format!("`{name}` in `defaults` needs a text value"), field.value.span)
                    .with_primary_label("not a text value")
                    .with_help(match name {
                        "locale" => "write a locale tag, e.g. `locale en`",
                        "timezone" => "write a time zone name in quotes, e.g. `timezone \"UTC\"`",
                        _ => "write the sender in quotes, e.g. `email_from \"Acme <hello@acme.example>\"`",
                    }),
            );
            continue;
        };
        match name {
            "locale" => {
                if let Some(d) = crate::check::messages::check_locale_tag(&text, field.value.span) {
                    problems.push(d);
                }
                out.locale = text
            }
            "timezone" => {
                if jiff::tz::TimeZone::get(&text).is_err() {
                    problems.push(unknown_time_zone(&text, field.value.span));
                }
                out.timezone = text;
            }
            _ => out.email_from = Some(text),
        }
    }
    out
}

/// The first `pressure N per D` of `defaults` (a second one is E0216), when
/// it allows at least one send over a positive period (else E0708).
fn pressure(written: &[ast::Pressure], problems: &mut Problems) -> Option<Pressure> {
    let first = written.first()?;
    for again in &written[1..] {
        problems.push(report::repeated("`pressure`", again.span, first.span));
    }
    let per = super::expr::duration(&first.per);
    if first.count < 1 || first.count > u32::MAX as i64 {
        problems.push(
            Diagnostic::error(
                codes::BAD_PRESSURE,
                format!(
                    "`pressure` allows {} marketing messages, which is not a positive number",
                    first.count
                ),
                first.count_span,
            )
            .with_primary_label("must be at least 1")
            .with_help(
                "write e.g. `pressure 3 per 7d`; to send no marketing at all, remove the sends",
            ),
        );
        return None;
    }
    if per.nominal_seconds() <= 0 {
        problems.push(
            Diagnostic::error(
                codes::BAD_PRESSURE,
                format!("`pressure` counts sends over `{per}`, which is no time at all"),
                first.per.span,
            )
            .with_primary_label("not a positive duration")
            .with_help("the period must be positive, e.g. `pressure 3 per 7d`"),
        );
        return None;
    }
    Some(Pressure {
        count: first.count as u32,
        per,
        span: first.span,
    })
}

/// An IANA time zone name jiff does not know.
pub(super) fn unknown_time_zone(name: &str, span: crate::source::Span) -> Diagnostic {
    Diagnostic::error("E0312", format!("unknown time zone `{name}`"), span)
        .with_primary_label("not an IANA time zone name")
        .with_help("use an IANA name such as \"UTC\", \"Europe/Prague\" or \"Asia/Ho_Chi_Minh\"")
}

/// The lifecycle stages, in declared order.
pub(super) fn stages(decls: &Decls, problems: &mut Problems) -> Vec<String> {
    let Some(lifecycle) = decls.lifecycle else {
        return DEFAULT_STAGES.iter().map(|s| s.to_string()).collect();
    };
    let mut out: Vec<String> = Vec::new();
    for (i, stage) in lifecycle.stages.iter().enumerate() {
        if let Some(first) = lifecycle.stages[..i].iter().find(|s| s.name == stage.name) {
            problems.push(report::duplicate(
                "stage",
                &stage.name,
                stage.span,
                first.span,
            ));
        } else {
            out.push(stage.name.clone());
        }
    }
    out
}

/// The merged schema with every type resolved.
pub(super) fn schema(decls: &Decls, problems: &mut Problems) -> Schema {
    let mut schema = Schema::default();
    let mut consents: Vec<(Channel, crate::source::Span)> = Vec::new();
    for (name, attr) in decls.attrs.iter() {
        let ty = types::resolve(attr.ty, &decls.records, problems);
        let consent = attr.consent.and_then(|c| {
            let channel = Channel::parse(&c.name);
            if channel.is_none() {
                problems.push(report::unknown(
                    "E0215",
                    "channel",
                    &c.name,
                    c.span,
                    Channel::ALL.iter().map(|c| c.as_str()),
                    Some("the channels are email, sms, push, in_app and webhook".into()),
                ));
            }
            if let Some(ch) = channel {
                consents.push((ch, c.span));
            }
            channel
        });
        if consent.is_some() && !matches!(ty, Type::Bool | Type::Error) {
            let written = types::type_name(&ty, &schema);
            problems.push(
                Diagnostic::error(
                    "E0310",
                    format!("the consent attribute `{name}` must be a `bool`, not `{written}`"),
                    attr.ty.span,
                )
                .with_primary_label(format!("`{written}`"))
                .with_help(format!("declare it as `attr {name}: bool consent(…)`")),
            );
        }
        schema.attrs.push(AttrDef {
            name: name.to_string(),
            ty,
            consent,
            doc: attr.doc.map(|d| d.text.clone()),
            span: attr.span,
        });
    }
    // One attribute per channel grants consent; in source order, the
    // first one counts.
    consents.sort_by_key(|(_, span)| *span);
    for (i, (ch, span)) in consents.iter().enumerate() {
        if let Some((_, first)) = consents[..i].iter().find(|(c, _)| c == ch) {
            problems.push(report::repeated(
                &format!("marketing consent for `{}`", ch.as_str()),
                *span,
                *first,
            ));
        }
    }
    for (name, record) in decls.records.iter() {
        schema.records.push(RecordDef {
            name: name.to_string(),
            fields: fields(record, "field", &decls.records, problems),
            doc: record.doc.map(|d| d.text.clone()),
            span: record.span,
        });
    }
    for (name, event) in decls.events.iter() {
        schema.events.push(EventDef {
            name: name.to_string(),
            fields: fields(event, "property", &decls.records, problems),
            doc: event.doc.map(|d| d.text.clone()),
            span: event.span,
        });
    }
    schema
}

fn fields<T>(
    decl: &RecordDecl,
    kind: &str,
    records: &Table<'_, T>,
    problems: &mut Problems,
) -> Vec<FieldDef> {
    let mut out: Vec<FieldDef> = Vec::new();
    for (i, f) in decl.fields.iter().enumerate() {
        if let Some(first) = decl.fields[..i].iter().find(|g| g.name.name == f.name.name) {
            problems.push(report::duplicate(
                kind,
                &f.name.name,
                f.name.span,
                first.name.span,
            ));
            continue;
        }
        out.push(FieldDef {
            name: f.name.name.clone(),
            ty: types::resolve(&f.ty, records, problems),
            span: f.span,
        });
    }
    out
}
