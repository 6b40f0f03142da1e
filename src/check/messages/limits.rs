//! Limits judged on the text a message renders to with sample values: SMS
//! segments, push and in-app lengths, and the webhook URL and JSON body.
//! Samples come from the schema's types ([`super::samples`]), never from
//! personas, and the text is rendered by the real [`Renderer`].

use crate::check::model::{Channel, MessageDef, Model, TemplateField};
use crate::diagnostics::Diagnostic;
use crate::template::{sms_segments, Escape, RenderOptions, SmsEncoding};

use super::channels::{kind_version_name, version_name};
use super::samples::{self, Mode, SampleKind, Samples};
use super::scope::EventScope;
use super::{first_line_span, ParsedField, SendSite};

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

/// Renders each field with samples, once per distinct event scope it is
/// sent in, and checks the limits of its channel.
pub(crate) fn check_rendered(
    model: &Model,
    samples: &Samples,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
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
                    let text = sample_text(model, samples, message, p, template, scope);
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
                    check_webhook_body(model, samples, message, p, template, scope, out)
                }
                (channel, name) => {
                    if let Some(limit) = length_limit(channel, name) {
                        let text = sample_text(model, samples, message, p, template, scope);
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

/// The locale a field is rendered in: its block's, else the message's
/// first, else the project default.
pub(super) fn render_locale(model: &Model, message: &MessageDef, p: &ParsedField) -> String {
    let tag = p
        .locale
        .or(message.locales.first().map(|l| l.locale.as_str()))
        .unwrap_or(&model.defaults.locale);
    if crate::template::is_valid_locale(tag) {
        tag.to_string()
    } else {
        "en".to_string()
    }
}

/// A field rendered as text with sample values by the real renderer (in
/// the field's locale), or by the sample renderer if that fails.
pub(super) fn sample_text(
    model: &Model,
    samples: &Samples,
    message: &MessageDef,
    p: &ParsedField,
    template: &handlebars::template::Template,
    scope: EventScope,
) -> String {
    let opts = RenderOptions {
        locale: render_locale(model, message, p),
        timezone: "UTC".into(),
        escape: Escape::None,
    };
    match samples.render(&p.field.source, scope, SampleKind::Text, &opts) {
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
    // The scheme and host must be written out: a tag there lets data pick
    // the server that receives the customer's data.
    let authority_end = src
        .strip_prefix("https://")
        .map(|rest| "https://".len() + rest.find(['/', '?', '#']).unwrap_or(rest.len()))
        .unwrap_or_else(|| src.find("://").map_or(0, |i| i + 3));
    let head = src.get(..authority_end).unwrap_or(src);
    if let Some(tag) = head
        .find("{{")
        .or_else(|| src.starts_with("{{").then_some(0))
    {
        let tag_end = src
            .get(tag..)
            .and_then(|t| t.find("}}"))
            .map_or(src.len(), |e| tag + e + 2);
        out.push(
            Diagnostic::error(
                "E0611",
                format!(
                    "the host of webhook `{}` comes from a template value",
                    message.name
                ),
                field.sub_span(lead + tag, lead + tag_end),
            )
            .with_primary_label("data would choose where the request goes")
            .with_help(
                "write the scheme and host out (`https://crm.example/…`); values may go in the \
                 path or the query, where they are percent-encoded",
            ),
        );
        return;
    }
    // Values are percent-encoded for the URL; a raw tag would not be.
    let raw = src.match_indices("{{").map(|(i, _)| i).find(|&i| {
        let after = src.get(i + 2..).unwrap_or("").trim_start_matches('~');
        after.starts_with('{') || after.starts_with('&')
    });
    if let Some(tag) = raw {
        let tag_end = src
            .get(tag..)
            .and_then(|t| t.find("}}"))
            .map_or(src.len(), |e| (tag + e + 3).min(src.len()));
        out.push(
            Diagnostic::error(
                "E0612",
                format!(
                    "webhook `{}` puts an unescaped value into its URL",
                    message.name
                ),
                field.sub_span(lead + tag, lead + tag_end),
            )
            .with_primary_label("not percent-encoded")
            .with_help(
                "use `{{…}}`: values in a URL are percent-encoded so that data cannot change \
                 the path, the query or the fragment",
            ),
        );
    }
    if src.starts_with("https://") {
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
    samples: &Samples,
    message: &MessageDef,
    p: &ParsedField,
    template: &handlebars::template::Template,
    scope: EventScope,
    out: &mut Vec<Diagnostic>,
) {
    let opts = RenderOptions {
        locale: render_locale(model, message, p),
        timezone: "UTC".into(),
        escape: Escape::Json,
    };
    let real = samples
        .render(&p.field.source, scope, SampleKind::Json, &opts)
        .ok();
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
    let at = crate::text::floor_char_boundary(&p.field.source, rendered.template_offset(at_out));
    let end = crate::text::next_char_boundary(&p.field.source, at);
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
            format!(
                "the body of {} is not valid JSON once rendered: {reason}",
                kind_version_name("webhook", message, p.locale)
            ),
            p.field.sub_span(at, end),
        )
        .with_primary_label("the JSON breaks here")
        .with_help(format!(
            "text, money and dates go inside quotes as `\"{{{{x}}}}\"` (which escapes them; \
             `{{{{{{x}}}}}}` does not), numbers go bare; rendered with sample values: {}",
            sample.split_whitespace().collect::<Vec<_>>().join(" ")
        )),
    );
}
