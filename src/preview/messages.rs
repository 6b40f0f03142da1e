//! Rendering one message of a campaign in one locale for a persona, the
//! way the runtime would: the plan's template sources for that locale, the
//! shared renderer, the persona as `customer.*` and the sample event in
//! scope at the send as `event.*`.

use crate::check::model::{Model, PersonaId};
use crate::plan::format::Node;
use crate::template::{email_html, sms_segments, Escape, RenderOptions, Renderer, SmsCount};

use super::data;
use super::mermaid::channel_key;

/// Push limits (characters, warnings above): title, body.
pub const PUSH_LIMITS: (usize, usize) = (50, 150);
/// In-app limits (characters): title, body.
pub const IN_APP_LIMITS: (usize, usize) = (60, 240);

/// What a reviewer reads of one message in one locale.
#[derive(Clone, Debug)]
pub enum Rendered {
    Email {
        from: Option<String>,
        /// Rendered with HTML escaping, as the HTML email gets them.
        subject: String,
        preheader: Option<String>,
        body_markdown: String,
        /// The complete HTML email.
        html: String,
    },
    Sms {
        body: String,
        count: SmsCount,
    },
    /// Push notifications and in-app cards.
    Card {
        title: String,
        body: String,
        button: Option<String>,
        link: Option<String>,
        /// Character limits of title and body on this channel.
        limits: (usize, usize),
    },
    Webhook {
        method: String,
        url: String,
        /// Pretty-printed when the rendered body is valid JSON.
        body: Result<String, String>,
    },
}

/// One message, one locale, one persona.
#[derive(Clone, Debug)]
pub struct MessagePreview {
    pub message: String,
    pub channel: String,
    pub locale: String,
    pub persona: String,
    /// The persona's own locale differs and was replaced by `locale`.
    pub locale_overridden: bool,
    /// The event whose sample is `event.*`, and whether that sample was
    /// derived from the types (the persona has none).
    pub event: Option<(String, bool)>,
    /// The channel's address attribute when the persona has no value in
    /// it: a real send (and the simulator) skips the message as
    /// `no_address`; the preview still shows the text.
    pub no_address: Option<String>,
    pub rendered: Result<Rendered, String>,
}

/// Renders `message` of `plan` in `locale` for `persona`.
pub fn render_message(
    model: &Model,
    flow: &data::FlowIndex,
    renderer: &Renderer,
    message: &str,
    locale: &str,
    (persona_id, overridden): (PersonaId, bool),
) -> MessagePreview {
    let plan = flow.plan;
    let persona = model.persona(persona_id);
    let channel = plan
        .messages
        .get(message)
        .map(|m| channel_key(m.channel).to_string())
        .unwrap_or_default();
    // `event.*` only matters to a message whose templates read it.
    let reads_event = plan.messages.get(message).is_some_and(|m| {
        m.locales
            .values()
            .any(|l| l.fields.values().any(|f| f.contains("event.")))
    });
    // The event in scope at the send.
    let event_name = match flow.first_send(message) {
        Some((_, Node::Send { event, .. })) => event.clone(),
        _ => None,
    }
    .filter(|_| reads_event);
    let event = event_name
        .as_deref()
        .and_then(|name| data::event_id(model, name))
        .map(|id| data::event_sample(model, persona, id));
    let mut preview = MessagePreview {
        message: message.to_string(),
        channel: channel.clone(),
        locale: locale.to_string(),
        persona: persona.name.clone(),
        locale_overridden: overridden,
        event: event_name
            .clone()
            .zip(event.as_ref().map(|(_, derived)| *derived)),
        no_address: None,
        rendered: Err(String::new()),
    };
    let timezone = timezone_of(model, persona_id);
    let zoned = preview_now(&timezone);
    let sets = flow
        .first_send(message)
        .map(|(id, _)| data::sets_before(flow, id))
        .unwrap_or_default();
    let customer = data::customer_json(
        model,
        plan,
        persona,
        overridden.then_some(locale),
        &sets,
        &zoned,
    );
    preview.no_address = plan
        .customer
        .channels
        .get(&channel)
        .and_then(|c| c.address.as_ref())
        .filter(|attr| {
            customer
                .get(attr.as_str())
                .is_none_or(|v| v.as_str().is_some_and(|t| t.trim().is_empty()))
        })
        .cloned();
    let root = crate::template::value::root(
        customer,
        event.as_ref().map(|(v, _)| data::object(v)),
        &plan.campaign,
        &data::unsubscribe_url(&plan.campaign, &persona.name),
    );
    let Some(content) = plan
        .messages
        .get(message)
        .and_then(|m| m.locales.get(locale))
    else {
        preview.rendered = Err(format!("the plan has no `{locale}` text for `{message}`"));
        return preview;
    };
    let render = |field: &str, escape: Escape| -> Result<Option<String>, String> {
        let Some(source) = content.fields.get(field) else {
            return Ok(None);
        };
        let opts = RenderOptions {
            locale: locale.to_string(),
            timezone: timezone.clone(),
            escape,
        };
        renderer
            .render(source, &root, &opts)
            .map(Some)
            .map_err(|e| format!("{field}: {e}"))
    };
    let required = |v: Option<String>| v.unwrap_or_default();
    let from = plan.messages.get(message).and_then(|m| m.from.clone());
    preview.rendered = (|| -> Result<Rendered, String> {
        Ok(match channel.as_str() {
            "email" => {
                let subject = required(render("subject", Escape::Html)?);
                let preheader = render("preheader", Escape::Html)?;
                let body_markdown = required(render("body", Escape::Html)?);
                let html = email_html(&subject, preheader.as_deref(), &body_markdown, locale);
                Rendered::Email {
                    from,
                    subject,
                    preheader,
                    body_markdown,
                    html,
                }
            }
            "sms" => {
                let body = required(render("body", Escape::None)?);
                let count = sms_segments(&body);
                Rendered::Sms { body, count }
            }
            "push" | "in_app" => Rendered::Card {
                title: required(render("title", Escape::None)?),
                body: required(render("body", Escape::None)?),
                button: render("button", Escape::None)?,
                link: render("link", Escape::None)?,
                limits: if channel == "push" {
                    PUSH_LIMITS
                } else {
                    IN_APP_LIMITS
                },
            },
            _ => {
                let body = required(render("body", Escape::Json)?);
                let body = serde_json::from_str::<serde_json::Value>(&body)
                    .map_err(|e| format!("{body}\n(not valid JSON: {e})"))
                    .and_then(|v| serde_json::to_string_pretty(&v).map_err(|e| e.to_string()));
                Rendered::Webhook {
                    method: render("method", Escape::None)?.unwrap_or_else(|| "POST".into()),
                    url: required(render("url", Escape::Url)?),
                    body,
                }
            }
        })
    })();
    preview
}

/// The persona's time zone, or the project default.
pub fn timezone_of(model: &Model, persona: PersonaId) -> String {
    let p = model.persona(persona);
    model
        .attr_by_name("timezone")
        .and_then(|a| p.attr(a))
        .and_then(|v| match v {
            crate::check::model::Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_else(|| model.defaults.timezone.clone())
}

/// The preview's "now": `2026-01-05T10:00` local in `timezone` (the
/// simulator's default test start), so scores and dates are reproducible.
pub fn preview_now(timezone: &str) -> jiff::Zoned {
    let tz = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    jiff::civil::date(2026, 1, 5)
        .at(10, 0, 0, 0)
        .to_zoned(tz)
        .unwrap_or_else(|_| jiff::Timestamp::UNIX_EPOCH.to_zoned(jiff::tz::TimeZone::UTC))
}
