//! Rendering a sent message for the timeline, through `crate::template` —
//! the same renderer and data conventions as the previews, so a simulated
//! send shows exactly the text a reviewer approved.
//!
//! The locale is the customer's when the campaign has it, else the plan's
//! `default_locale` (the project default when the campaign is sent in it,
//! else the campaign's first locale). Templates see
//! `customer.*` (attributes and the plan's scores, evaluated now),
//! `event.*` (the event the plan names for this send), `campaign.name` and
//! `unsubscribe_url` (`https://unsubscribe.example/{campaign}/{customer}`,
//! a stand-in the sending system replaces).

use super::journey::Sim;
use super::timeline::{Happening, RenderedField};
use super::value::Val;
use crate::plan::format::{Channel, Node};
use crate::template::{value as rv, Data, Escape, RenderOptions};
use jiff::Zoned;
use serde_json::{Map, Value};

/// The order fields are shown in; others follow alphabetically.
pub const FIELD_ORDER: [&str; 8] = [
    "subject",
    "preheader",
    "title",
    "body",
    "button",
    "link",
    "method",
    "url",
];

impl Sim<'_> {
    pub(super) fn render_send(&self, node: &Node, now: &Zoned) -> Happening {
        let Node::Send {
            message,
            channel,
            event,
            ..
        } = node
        else {
            return Happening::RenderFailed {
                message: String::new(),
                error: "not a send".into(),
            };
        };
        let locale = self.send_locale();
        let failed = |error: String| Happening::RenderFailed {
            message: message.clone(),
            error,
        };
        let Some(msg) = self.plan.messages.get(message) else {
            return failed(format!("the plan has no message `{message}`"));
        };
        let Some((locale, content)) = msg
            .locales
            .get_key_value(locale)
            .or_else(|| msg.locales.get_key_value(&self.plan.default_locale))
            .or_else(|| msg.locales.iter().next())
        else {
            return failed("the message has no locales".into());
        };
        let Some(renderer) = self.renderer else {
            // A replay ([`super::journey::replay`]) counts sends; it
            // renders no text.
            return Happening::Sent {
                message: message.clone(),
                channel: channel_name(*channel),
                locale: locale.clone(),
                fields: Vec::new(),
            };
        };
        let event_data = event
            .as_ref()
            .and_then(|e| self.journey.as_ref()?.in_scope.get(e))
            .map(to_object);
        let data = match Data::new(rv::root(
            self.customer_data(now),
            event_data,
            &self.plan.campaign,
            &format!(
                "https://unsubscribe.example/{}/{}",
                self.plan.campaign, self.customer.id
            ),
        )) {
            Ok(data) => data,
            Err(e) => return failed(e.to_string()),
        };
        let mut opts = RenderOptions {
            locale: locale.clone(),
            timezone: self
                .customer
                .time_zone
                .iana_name()
                .unwrap_or("UTC")
                .to_string(),
            escape: Escape::None,
        };
        let mut names: Vec<&String> = content.fields.keys().collect();
        names.sort_by_key(|n| {
            let rank = FIELD_ORDER
                .iter()
                .position(|o| o == n)
                .unwrap_or(FIELD_ORDER.len());
            (rank, n.as_str())
        });
        let mut fields = Vec::new();
        for name in names {
            let template = &content.fields[name];
            let escape = match (*channel, name.as_str()) {
                (Channel::Webhook, "body") => Escape::Json,
                (Channel::Webhook, "url") => Escape::Url,
                _ => Escape::None,
            };
            opts.escape = escape;
            match renderer.render_data(template, &data, &opts) {
                Ok(text) => {
                    // The email drops links with an unsafe scheme (a
                    // `javascript:` value from data): say which.
                    let removed: Vec<String> = if *channel == Channel::Email && name == "body" {
                        removed_links(&text)
                    } else {
                        Vec::new()
                    };
                    fields.push(RenderedField {
                        name: name.clone(),
                        text,
                    });
                    if !removed.is_empty() {
                        fields.push(RenderedField {
                            name: "links removed (unsafe scheme)".into(),
                            text: removed.join(" "),
                        });
                    }
                }
                Err(e) => return failed(format!("{name}: {e}")),
            }
        }
        Happening::Sent {
            message: message.clone(),
            channel: channel_name(*channel),
            locale: locale.clone(),
            fields,
        }
    }

    /// The customer's locale if the campaign sends in it, else the plan's
    /// default locale.
    pub(super) fn send_locale(&self) -> &str {
        if self.plan.locales.contains(&self.customer.locale) {
            &self.customer.locale
        } else {
            &self.plan.default_locale
        }
    }

    fn customer_data(&self, now: &Zoned) -> Map<String, Value> {
        let mut data = Map::new();
        for (name, v) in self.customer.attrs.iter() {
            if let Some(j) = v.to_json() {
                data.insert(name.to_string(), j);
            }
        }
        let empty = Default::default();
        let (entry, in_scope) = match &self.journey {
            Some(j) => (Some(j.entry), &j.in_scope),
            None => (None, &empty),
        };
        let scope = self.scope(now, entry, in_scope, false);
        for score in &self.plan.scores {
            // A score that overflows is left out; the template then
            // fails on it, and that failure is in the timeline.
            if let Some(j) = scope
                .score(&score.name, 0)
                .ok()
                .as_ref()
                .and_then(Val::to_json)
            {
                data.insert(score.name.clone(), j);
            }
        }
        data
    }
}

/// The channel as written in source (`in_app`).
pub fn channel_name(channel: Channel) -> &'static str {
    channel.as_str()
}

fn to_object(v: &Val) -> Map<String, Value> {
    match v.to_json() {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The links an email body loses for their unsafe scheme, in the order of
/// `template::email::body_links` (which reads a body without raw HTML from
/// its Markdown alone, without rendering and sanitising the HTML).
pub(super) fn removed_links(body: &str) -> Vec<String> {
    crate::template::email::body_links(body)
        .into_iter()
        .filter(|(_, kept)| !kept)
        .map(|(url, _)| url)
        .collect()
}
