//! Rendering one message of a campaign in one locale for a persona, the
//! way the runtime would: the plan's template sources for that locale, the
//! shared renderer, the persona as `customer.*` and the sample event in
//! scope at the send as `event.*`.

use crate::check::model::{Model, PersonaId};
use crate::plan::format::Node;
use crate::render::render_fields;
use crate::template::Renderer;

use super::data;
use super::mermaid::channel_key;

/// Push limits (characters, warnings above): title, body.
pub const PUSH_LIMITS: (usize, usize) = (50, 150);
/// In-app limits (characters): title, body.
pub const IN_APP_LIMITS: (usize, usize) = (60, 240);

/// What a reviewer reads of one message in one locale: exactly what
/// `campaignc render` renders for a sending system.
pub use crate::render::Fields as Rendered;

/// A webhook's rendered body as a reviewer reads it: pretty-printed when
/// it is valid JSON, else the raw text with why it is not.
pub fn webhook_body(body: &str) -> Result<String, String> {
    serde_json::from_str::<serde_json::Value>(body)
        .map_err(|e| format!("{body}\n(not valid JSON: {e})"))
        .and_then(|v| serde_json::to_string_pretty(&v).map_err(|e| e.to_string()))
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

/// The template data a preview renders one message with: what a sending
/// system would pass `campaignc render` for this persona.
#[derive(Clone, Debug)]
pub struct PreviewData {
    /// `customer.*`: the persona's attributes after the `set` steps before
    /// the send, and the plan's scores.
    pub customer: serde_json::Map<String, serde_json::Value>,
    /// The event in scope at the send, when the templates read `event.*`:
    /// its name, its payload, and whether that payload was derived from
    /// the types (the persona has no sample of it).
    pub event: Option<(String, serde_json::Map<String, serde_json::Value>, bool)>,
    /// The stand-in unsubscribe link.
    pub unsubscribe_url: String,
    /// The persona's time zone.
    pub timezone: String,
}

/// The data [`render_message`] renders `message` in `locale` with for
/// `persona` (`overridden`: shown in `locale` rather than its own).
pub fn preview_data(
    model: &Model,
    flow: &data::FlowIndex,
    message: &str,
    locale: &str,
    (persona_id, overridden): (PersonaId, bool),
) -> PreviewData {
    let plan = flow.plan;
    let persona = model.persona(persona_id);
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
    let event = event_name.and_then(|name| {
        let (value, derived) = data::event_sample(model, persona, data::event_id(model, &name)?);
        Some((name, data::object(&value), derived))
    });
    let timezone = timezone_of(model, persona_id);
    let zoned = preview_now(&timezone);
    let sets = flow
        .first_send(message)
        .map(|(id, _)| data::sets_before(flow, id))
        .unwrap_or_default();
    let shown_in = overridden.then_some(locale);
    let customer = if sets.is_empty() {
        flow.customer_without_sets(model, persona_id, shown_in, &zoned)
    } else {
        data::customer_json(model, plan, persona, shown_in, &sets, &zoned)
    };
    PreviewData {
        customer,
        event,
        unsubscribe_url: data::unsubscribe_url(&plan.campaign, &persona.name),
        timezone,
    }
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
    let PreviewData {
        customer,
        event,
        unsubscribe_url,
        timezone,
    } = preview_data(model, flow, message, locale, (persona_id, overridden));
    let mut preview = MessagePreview {
        message: message.to_string(),
        channel: channel.clone(),
        locale: locale.to_string(),
        persona: persona.name.clone(),
        locale_overridden: overridden,
        event: event
            .as_ref()
            .map(|(name, _, derived)| (name.clone(), *derived)),
        no_address: None,
        rendered: Err(String::new()),
    };
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
        event.map(|(_, payload, _)| payload),
        &plan.campaign,
        &unsubscribe_url,
    );
    let Some(m) = plan.messages.get(message) else {
        preview.rendered = Err(format!("the plan has no message `{message}`"));
        return preview;
    };
    if !m.locales.contains_key(locale) {
        preview.rendered = Err(format!("the plan has no `{locale}` text for `{message}`"));
        return preview;
    }
    preview.rendered = render_fields(renderer, m, locale, root, &timezone);
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
