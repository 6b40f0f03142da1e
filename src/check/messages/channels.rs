//! Channel and compliance rules: the fields each channel needs and
//! accepts, consent and unsubscribe links for marketing, the customer's
//! address, SMS segments, push and in-app lengths, webhook URL and JSON.

use crate::check::model::{Category, Channel, MessageDef, Model, TemplateField, Type};
use crate::diagnostics::Diagnostic;
use crate::render::{Escape, RenderOptions, Renderer};

use super::samples::{self, Mode};
use super::scope::EventScope;
use super::{did_you_mean, first_line_span, head_span, list_names, ParsedField, SendSite};
use crate::render::{sms_segments, SmsEncoding};

/// The fields a channel accepts (`from` and `method` are settings the
/// resolver keeps apart; they are listed so they are never "unknown").
pub(crate) fn allowed_fields(channel: Channel) -> &'static [&'static str] {
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
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None => d.with_help("a message is `marketing` (the default) or `transactional`"),
    }
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

/// Character limits above which a field is likely cut off on screen.
fn length_limit(channel: Channel, field: &str) -> Option<usize> {
    match (channel, field) {
        (Channel::Push, "title") => Some(50),
        (Channel::Push, "body") => Some(150),
        (Channel::InApp, "title") => Some(60),
        (Channel::InApp, "body") => Some(240),
        _ => None,
    }
}

pub(crate) fn check_message(
    model: &Model,
    renderer: &Renderer,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    check_fields(message, parsed, out);
    check_compliance(model, message, sends, parsed, out);
    // Sample renders use the event of each distinct scope the message is
    // sent in; an unsent message is rendered without one.
    let mut scopes: Vec<EventScope> = Vec::new();
    for s in sends {
        let scope = EventScope::Sent(s.event);
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        scopes.push(EventScope::Unchecked);
    }
    for p in parsed {
        let Some(template) = &p.template else {
            continue;
        };
        if p.facts.diagnostics.iter().any(|d| d.is_error()) {
            continue; // a broken template has no meaningful sample
        }
        for &scope in &scopes {
            match (message.channel, p.field.name.as_str()) {
                (Channel::Sms, "body") => {
                    let text = sample_text(model, renderer, message, p, template, scope);
                    check_sms(message, p, &text, out)
                }
                // Unsent, a body that reads `event.*` has nothing to render
                // it with: judging it would report a false break.
                (Channel::Webhook, "body")
                    if scope == EventScope::Unchecked
                        && p.facts
                            .variables
                            .iter()
                            .any(|v| v.starts_with("event.") || v == "event") => {}
                (Channel::Webhook, "body") => {
                    check_webhook_body(model, renderer, message, p, template, scope, out)
                }
                (channel, name) => {
                    if let Some(limit) = length_limit(channel, name) {
                        let text = sample_text(model, renderer, message, p, template, scope);
                        check_length(message, p, &text, limit, out);
                    }
                }
            }
        }
        if message.channel == Channel::Webhook && p.field.name == "url" {
            check_webhook_url(message, p.field, out);
        }
    }
}

fn version_name(message: &MessageDef, locale: Option<&str>) -> String {
    match locale {
        Some(l) => format!("the `{l}` version of `{}`", message.name),
        None => format!("`{}`", message.name),
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
                    format!("marketing email {} has no unsubscribe link", version_name(message, p.locale)),
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

/// The locale a field is rendered in: its block's, else the message's
/// first, else the project default.
fn render_locale(model: &Model, message: &MessageDef, p: &ParsedField) -> String {
    let tag = p
        .locale
        .or(message.locales.first().map(|l| l.locale.as_str()))
        .unwrap_or(&model.defaults.locale);
    if crate::render::is_valid_locale(tag) {
        tag.to_string()
    } else {
        "en".to_string()
    }
}

/// A field rendered as text with sample values by the real renderer (in
/// the field's locale), or by the sample renderer if that fails.
fn sample_text(
    model: &Model,
    renderer: &Renderer,
    message: &MessageDef,
    p: &ParsedField,
    template: &handlebars::template::Template,
    scope: EventScope,
) -> String {
    let data = samples::sample_data(model, scope, Mode::Text);
    let opts = RenderOptions {
        locale: render_locale(model, message, p),
        timezone: "UTC".into(),
        escape: Escape::None,
    };
    match renderer.render(&p.field.source, &data, &opts) {
        Ok(text) => text,
        Err(_) => samples::render(model, template, &p.field.source, scope, Mode::Text).text,
    }
}

fn check_sms(message: &MessageDef, p: &ParsedField, text: &str, out: &mut Vec<Diagnostic>) {
    let count = sms_segments(text);
    let (encoding, units, segments) = (count.encoding, count.units, count.segments);
    if segments <= 1 {
        return;
    }
    let (code, error) = if segments > 10 {
        ("E0607", true)
    } else {
        ("W0601", false)
    };
    let message_text = format!(
        "{} is {segments} SMS segments ({}, {units} characters with sample values)",
        version_name(message, p.locale),
        match encoding {
            SmsEncoding::Gsm7 => "GSM-7",
            SmsEncoding::Ucs2 => "UCS-2",
        }
    );
    let mut d = if error {
        Diagnostic::error(code, message_text, first_line_span(p.field))
    } else {
        Diagnostic::warning(code, message_text, first_line_span(p.field))
    };
    let why = match encoding {
        SmsEncoding::Ucs2 => {
            let culprit = text
                .chars()
                .find(|c| sms_segments(&c.to_string()).encoding == SmsEncoding::Ucs2)
                .unwrap_or(' ');
            format!("`{culprit}` is not in the GSM-7 alphabet, so the text is UCS-2: 70 characters fit one segment, 67 each when split")
        }
        SmsEncoding::Gsm7 => {
            "GSM-7: 160 characters fit one segment, 153 each when split".to_string()
        }
    };
    d = d.with_primary_label(format!("{segments} segments"));
    let limit = if error {
        "at most 10 segments are sent"
    } else {
        "each segment is billed"
    };
    out.push(d.with_help(format!("shorten the text; {why}; {limit}")));
}

fn check_length(
    message: &MessageDef,
    p: &ParsedField,
    text: &str,
    limit: usize,
    out: &mut Vec<Diagnostic>,
) {
    let count = text.chars().count();
    if count <= limit {
        return;
    }
    out.push(
        Diagnostic::warning(
            "W0602",
            format!(
                "the {} {} of {} is {count} characters, over the {limit} that fit",
                message.channel.as_str().replace('_', "-"),
                p.field.name,
                version_name(message, p.locale)
            ),
            first_line_span(p.field),
        )
        .with_primary_label(format!("{count} characters with sample values"))
        .with_help(format!(
            "shorten it to {limit} characters or fewer; longer text is cut off on most devices"
        )),
    );
}

fn check_webhook_url(message: &MessageDef, field: &TemplateField, out: &mut Vec<Diagnostic>) {
    let src = field.source.trim_start();
    let lead = field.source.len() - src.len();
    // A URL that starts with a variable cannot be judged here.
    if src.starts_with("{{") || src.starts_with("https://") {
        return;
    }
    let scheme_end = src.find("://").map(|i| i + 3).unwrap_or(src.len().min(8));
    out.push(
        Diagnostic::error(
            "E0608",
            format!("webhook `{}` must use an https URL", message.name),
            field.sub_span(lead, lead + scheme_end),
        )
        .with_primary_label("not https")
        .with_help("customer data travels in the body: use an `https://` endpoint"),
    );
}

/// The body rendered by the real renderer with JSON escaping and samples
/// whose strings carry `"` and `\` must parse as JSON. Where it breaks is
/// found with the sample renderer, which maps output back to the template.
fn check_webhook_body(
    model: &Model,
    renderer: &Renderer,
    message: &MessageDef,
    p: &ParsedField,
    template: &handlebars::template::Template,
    scope: EventScope,
    out: &mut Vec<Diagnostic>,
) {
    let data = samples::sample_data(model, scope, Mode::Json);
    let opts = RenderOptions {
        locale: render_locale(model, message, p),
        timezone: "UTC".into(),
        escape: Escape::Json,
    };
    let real = renderer.render(&p.field.source, &data, &opts).ok();
    let mapped = samples::render(model, template, &p.field.source, scope, Mode::Json);
    let verdict = |text: &str| serde_json::from_str::<serde_json::Value>(text).err();
    let err = match &real {
        Some(text) => match verdict(text) {
            None => return,
            Some(e) => e,
        },
        None => match verdict(&mapped.text) {
            None => return,
            Some(e) => e,
        },
    };
    // Locate the break with the mapped render when it agrees that the body
    // is broken; otherwise point at the start of the body.
    let (rendered, err) = match verdict(&mapped.text) {
        Some(e) => (mapped, e),
        None => (
            samples::Rendered::unmapped(real.clone().unwrap_or_default()),
            err,
        ),
    };
    let at_out = if err.is_eof() {
        rendered.text.len()
    } else {
        let line_start: usize = rendered
            .text
            .split_inclusive('\n')
            .take(err.line().saturating_sub(1))
            .map(str::len)
            .sum();
        (line_start + err.column().saturating_sub(1)).min(rendered.text.len())
    };
    let at = rendered.template_offset(at_out).min(p.field.source.len());
    let end = p.field.source[at..]
        .chars()
        .next()
        .map_or(at, |c| at + c.len_utf8());
    let reason = err.to_string();
    let reason = reason
        .split(" at line ")
        .next()
        .unwrap_or(&reason)
        .to_string();
    let mut sample: String = rendered.text.chars().take(160).collect();
    if sample.len() < rendered.text.len() {
        sample.push('…');
    }
    out.push(
        Diagnostic::error(
            "E0609",
            format!("the body of webhook {} is not valid JSON once rendered: {reason}", version_name(message, p.locale)),
            p.field.sub_span(at, end),
        )
        .with_primary_label("the JSON breaks here")
        .with_help(format!(
            "put text values inside quotes with `{{{{x}}}}` (it escapes them), never `{{{{{{x}}}}}}`; \
             rendered with sample values: {}",
            sample.replace('\n', " ")
        )),
    );
}
