//! Rendering a plan's message for one customer: the reference renderer
//! for sending systems (`campaignc render`) and the one the previews use,
//! so what a reviewer approved is byte for byte what is sent.
//!
//! It reads only plans (never the model or the `.camp` sources: the plan
//! is the contract) and renders through [`crate::template`].
//!
//! - [`render_fields`]: one message, one locale, one template data root;
//! - [`types`]: the plan's `template_data` types, and checking a
//!   customer's or an event's JSON against them;
//! - [`stream`]: `campaignc render`'s JSON lines in, JSON lines out.

pub mod stream;
pub mod types;

use serde_json::Value;

use crate::plan::format::{Channel, Message, Plan};
use crate::template::{email_html, sms_segments, Data, Escape, RenderOptions, Renderer, SmsCount};

/// The rendered fields of one message, by channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fields {
    Email {
        from: Option<String>,
        /// Rendered with HTML escaping, as the HTML email gets them.
        subject: String,
        preheader: Option<String>,
        /// The body rendered with HTML escaping, before Markdown.
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
    },
    Webhook {
        method: String,
        url: String,
        /// As rendered (JSON-escaped values in the template's JSON).
        body: String,
    },
}

impl Fields {
    /// Gives back the unused capacity of every text, for a caller that
    /// keeps the fields (rendering leaves the HTML email's text in a
    /// buffer about ten times its length).
    pub fn shrink_to_fit(&mut self) {
        let texts: Vec<&mut String> = match self {
            Fields::Email {
                from,
                subject,
                preheader,
                body_markdown,
                html,
            } => [subject, body_markdown, html]
                .into_iter()
                .chain(from.as_mut())
                .chain(preheader.as_mut())
                .collect(),
            Fields::Sms { body, count: _ } => vec![body],
            Fields::Card {
                title,
                body,
                button,
                link,
            } => [title, body]
                .into_iter()
                .chain(button.as_mut())
                .chain(link.as_mut())
                .collect(),
            Fields::Webhook { method, url, body } => vec![method, url, body],
        };
        for text in texts {
            text.shrink_to_fit();
        }
    }
}

/// The customer's time zone by the plan's rule: the value of the time zone
/// attribute when it is a string, else the plan's default.
pub fn timezone(plan: &Plan, customer: &serde_json::Map<String, Value>) -> String {
    plan.customer
        .timezone
        .attribute
        .as_ref()
        .and_then(|a| customer.get(a))
        .and_then(Value::as_str)
        .unwrap_or(&plan.customer.timezone.default)
        .to_string()
}

/// Renders every field of `message` in `locale` against `root` (the
/// template data, [`crate::template::value::root`]) for a customer in
/// `timezone`. An error names the field (`subject: …`).
pub fn render_fields(
    renderer: &Renderer,
    message: &Message,
    locale: &str,
    root: Value,
    timezone: &str,
) -> Result<Fields, String> {
    let Some(content) = message.locales.get(locale) else {
        return Err(format!("the plan has no `{locale}` text for this message"));
    };
    // One copy-free context for every field of the message.
    let data = Data::new(root).map_err(|e| e.to_string())?;
    let render = |field: &str, escape: Escape| -> Result<Option<String>, String> {
        let Some(source) = content.fields.get(field) else {
            return Ok(None);
        };
        let opts = RenderOptions {
            locale: locale.to_string(),
            timezone: timezone.to_string(),
            escape,
        };
        renderer
            .render_data(source, &data, &opts)
            .map(Some)
            .map_err(|e| format!("{field}: {e}"))
    };
    let required = |v: Option<String>| v.unwrap_or_default();
    Ok(match message.channel {
        Channel::Email => {
            let subject = required(render("subject", Escape::Html)?);
            let preheader = render("preheader", Escape::Html)?;
            let body_markdown = required(render("body", Escape::Html)?);
            let html = email_html(&subject, preheader.as_deref(), &body_markdown, locale);
            Fields::Email {
                from: message.from.clone(),
                subject,
                preheader,
                body_markdown,
                html,
            }
        }
        Channel::Sms => {
            let body = required(render("body", Escape::None)?);
            let count = sms_segments(&body);
            Fields::Sms { body, count }
        }
        Channel::Push | Channel::InApp => Fields::Card {
            title: required(render("title", Escape::None)?),
            body: required(render("body", Escape::None)?),
            button: render("button", Escape::None)?,
            link: render("link", Escape::None)?,
        },
        Channel::Webhook => Fields::Webhook {
            method: render("method", Escape::None)?.unwrap_or_else(|| "POST".into()),
            url: required(render("url", Escape::Url)?),
            body: required(render("body", Escape::Json)?),
        },
    })
}
