//! Channel and compliance rules: the fields each channel needs and
//! accepts, consent and unsubscribe links for marketing, the customer's
//! address, SMS segments, push and in-app lengths, webhook URL and JSON.

use crate::check::model::{Category, Channel, MessageDef, Model, Type};
use crate::diagnostics::{Diagnostic, Edit, Fix, Piece};
use crate::source::Span;

use super::{did_you_mean, first_line_span, head_span, list_names, ParsedField, SendSite};

/// The fields a channel accepts (`from` and `method` are settings the
/// resolver keeps apart; they are listed so they are never "unknown").
pub fn allowed_fields(channel: Channel) -> &'static [&'static str] {
    match channel {
        Channel::Email => &["from", "subject", "preheader", "body"],
        Channel::Sms => &["body"],
        Channel::Push => &["title", "body", "link"],
        Channel::InApp => &["title", "body", "button", "link"],
        Channel::Webhook => &["url", "method", "body"],
    }
}

/// The diagnostic for a `category` that is neither `marketing` nor
/// `transactional`. The model keeps only the resolved category, so the
/// resolver reports this one when it reads the word.
pub fn invalid_category(word: &str, span: crate::source::Span) -> Diagnostic {
    let d = Diagnostic::error("E0603", format!("`{word}` is not a message category"), span)
        .with_primary_label("unknown category");
    match did_you_mean(word, ["marketing", "transactional"]) {
        Some(s) => d
            .with_help(format!("did you mean `{s}`?"))
            .with_fix(Fix::replace(span, s)),
        None => d.with_help("a message is `marketing` (the default) or `transactional`"),
    }
}

/// The fix of a channel without a consent attribute: declare
/// `attr CHANNEL_opt_in: bool consent(CHANNEL)` after the schema's last
/// attribute (the one the help suggests), or, when a `bool` attribute of
/// that name exists without consent, add `consent(CHANNEL)` to it. `None`
/// when the schema declares no attribute to insert after, or the name is
/// taken by another type.
pub fn consent_fix(model: &Model, channel: Channel) -> Option<Fix> {
    let ch = channel.as_str();
    let name = format!("{ch}_opt_in");
    if let Some(existing) = model.schema.attrs.iter().find(|a| a.name == name) {
        if existing.ty != Type::Bool || existing.consent.is_some() {
            return None;
        }
        let end = Span::new(
            existing.span.file,
            existing.span.end as usize,
            existing.span.end as usize,
        );
        return Some(Fix {
            title: format!("Make `{name}` grant consent for {ch}"),
            edits: vec![Edit {
                span: end,
                text: vec![Piece::Text(format!(" consent({ch})"))],
            }],
        });
    }
    // After the last attribute in source order (the schema may be split
    // over several blocks and files; any of them will do).
    let last = model.schema.attrs.iter().map(|a| a.span).max()?;
    let end = Span::new(last.file, last.end as usize, last.end as usize);
    Some(Fix {
        title: format!("Add `attr {name}: bool consent({ch})` to the schema"),
        edits: vec![Edit {
            span: end,
            text: vec![
                Piece::Text("\n".to_string()),
                Piece::IndentOf(last),
                Piece::Text(format!(
                    "/// Marketing {ch} consent: gates every marketing {ch} message.\n"
                )),
                Piece::IndentOf(last),
                Piece::Text(format!("attr {name}: bool consent({ch})")),
            ],
        }],
    })
}

/// The fields a channel cannot do without.
pub(crate) fn required_fields(channel: Channel) -> &'static [&'static str] {
    match channel {
        Channel::Email => &["subject", "body"],
        Channel::Sms => &["body"],
        Channel::Push | Channel::InApp => &["title", "body"],
        Channel::Webhook => &["url", "body"],
    }
}

/// Fields, consent, unsubscribe link and address of one message.
pub(crate) fn check_message(
    model: &Model,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    check_fields(message, parsed, out);
    check_compliance(model, message, sends, parsed, out);
}

pub(super) fn version_name(message: &MessageDef, locale: Option<&str>) -> String {
    kind_version_name("", message, locale)
}

/// [`version_name`] with the kind of message before its name: "the `vi`
/// version of marketing email `welcome`", or "marketing email `welcome`"
/// for fields shared by every locale.
pub(super) fn kind_version_name(kind: &str, message: &MessageDef, locale: Option<&str>) -> String {
    let named = if kind.is_empty() {
        format!("`{}`", message.name)
    } else {
        format!("{kind} `{}`", message.name)
    };
    match locale {
        Some(l) => format!("the `{l}` version of {named}"),
        None => named,
    }
}

fn check_fields(message: &MessageDef, parsed: &[ParsedField], out: &mut Vec<Diagnostic>) {
    let channel = message.channel.as_str();
    let allowed = allowed_fields(message.channel);
    for p in parsed {
        let name = p.field.name.as_str();
        if allowed.contains(&name) {
            continue;
        }
        let d = Diagnostic::error(
            "E0602",
            format!("`{name}` is not a field of {channel} messages"),
            first_line_span(p.field),
        )
        .with_primary_label("unknown field");
        let help = match did_you_mean(name, allowed.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("{channel} messages have {}", list_names(allowed)),
        };
        out.push(d.with_help(help));
    }
    let required = required_fields(message.channel);
    // Each locale version needs every required field (its own or shared).
    let versions: Vec<(Option<&str>, crate::source::Span)> = if message.locales.is_empty() {
        vec![(
            None,
            head_span(
                head_span(message.span, "message", &message.name),
                "message",
                &message.name,
            ),
        )]
    } else {
        message
            .locales
            .iter()
            .map(|l| {
                (
                    Some(l.locale.as_str()),
                    head_span(l.span, "locale", &l.locale),
                )
            })
            .collect()
    };
    for (locale, span) in versions {
        let fields = message.fields_for(locale.unwrap_or("")).unwrap_or_default();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !fields.iter().any(|f| f.name == *r))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let noun = if missing.len() == 1 {
            "field"
        } else {
            "fields"
        };
        out.push(
            Diagnostic::error(
                "E0601",
                format!(
                    "{} lacks the required {noun} {}",
                    version_name(message, locale),
                    list_names(&missing)
                ),
                span,
            )
            .with_help(format!("{channel} messages need {}", list_names(required))),
        );
    }
    if message.channel == Channel::Email && message.from.is_none() {
        out.push(
            Diagnostic::error("E0601", format!("email `{}` has no sender", message.name), head_span(message.span, "message", &message.name))
                .with_primary_label("no `from`")
                .with_help("add `from \"Acme <hello@acme.example>\"` to the message, or `email_from` to `defaults`"),
        );
    }
}

fn check_compliance(
    model: &Model,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    let channel = message.channel;
    let marketing = message.category == Category::Marketing;
    if marketing && channel == Channel::Email {
        for p in parsed
            .iter()
            .filter(|p| p.field.name == "body" && p.template.is_some())
        {
            if p.facts.variables.contains("unsubscribe_url") {
                continue;
            }
            out.push(
                Diagnostic::error(
                    "E0604",
                    format!("{} has no unsubscribe link", kind_version_name("marketing email", message, p.locale)),
                    first_line_span(p.field),
                )
                .with_primary_label("no `{{unsubscribe_url}}` in this body")
                .with_help(
                    "add a link such as `[Unsubscribe]({{unsubscribe_url}})`, or mark a receipt-like message `category transactional`",
                ),
            );
        }
    }
    if sends.is_empty() {
        return;
    }
    if marketing && model.consent_attr(channel).is_none() {
        let mut d = Diagnostic::error(
            "E0605",
            format!(
                "marketing message `{}` is sent on {} but no attribute grants consent for it",
                message.name,
                channel.as_str()
            ),
            head_span(message.span, "message", &message.name),
        )
        .with_primary_label(format!("marketing on {}", channel.as_str()));
        for s in sends {
            d = d.with_label(s.span, "sent here without a consent gate");
        }
        if let Some(fix) = consent_fix(model, channel) {
            d = d.with_fix(fix);
        }
        out.push(d.with_help(format!(
            "add `attr {0}_opt_in: bool consent({0})` to the schema, or mark the message `category transactional`",
            channel.as_str()
        )));
    }
    let address = match channel {
        Channel::Email => Some((Type::Email, "email")),
        Channel::Sms => Some((Type::Phone, "phone")),
        _ => None,
    };
    if let Some((ty, type_name)) = address {
        let has = model
            .schema
            .attrs
            .iter()
            .any(|a| *a.ty.strip_optional() == ty);
        if !has {
            let mut d = Diagnostic::error(
                "E0606",
                format!(
                    "`{}` is sent by {} but the schema has no `{type_name}` attribute to send to",
                    message.name,
                    channel.as_str()
                ),
                head_span(message.span, "message", &message.name),
            );
            for s in sends {
                d = d.with_label(s.span, "sent here");
            }
            out.push(d.with_help(format!(
                "add `attr {type_name}: {type_name}?` to the schema"
            )));
        }
    }
}
