//! One email of a campaign, rendered for a persona in a locale as
//! `campaignc send-test` mails it: the same rendering as the previews
//! ([`messages::render_message`]), with the subject and preheader as plain
//! text (for mail headers), the plain-text alternative, and the
//! unsubscribe link a marketing send announces in `List-Unsubscribe`.
//!
//! Sending is the command's business (`src/cli/send_test.rs`, with
//! `lettre`); this is plain data.

use crate::check::model::{Model, PersonaId};
use crate::plan::format::{Category, Plan};
use crate::template::email::decode_entities;
use crate::template::{email_text, Renderer};

use super::data::{unsubscribe_url, FlowIndex};
use super::messages::{render_message, Rendered};
use super::persona_in_locale;

/// An email ready to be put into a MIME message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestEmail {
    /// The message's sender (`from`, or `defaults.email_from`), as written.
    pub from: Option<String>,
    /// Plain text (character references decoded).
    pub subject: String,
    /// Plain text, if the message has one.
    pub preheader: Option<String>,
    /// The complete HTML email (the preheader hidden at its top).
    pub html: String,
    /// The plain-text alternative: the preheader's line, then the body.
    pub text: String,
    /// For marketing sends: the unsubscribe link for `List-Unsubscribe`
    /// (the previews' stand-in link; the sending system puts in its own).
    pub list_unsubscribe: Option<String>,
}

/// Renders `message` of `plan` in `locale` for `persona` as an email. An
/// error says why not (not an email message, a locale the message has no
/// text for, a template that failed).
pub fn test_email(
    model: &Model,
    plan: &Plan,
    renderer: &Renderer,
    message: &str,
    locale: &str,
    persona: PersonaId,
) -> Result<TestEmail, String> {
    let flow = FlowIndex::new(plan);
    let preview = render_message(
        model,
        &flow,
        renderer,
        message,
        locale,
        persona_in_locale(model, persona, locale),
    );
    let rendered = preview.rendered?;
    let Rendered::Email {
        from,
        subject,
        preheader,
        body_markdown,
        html,
    } = rendered
    else {
        return Err(format!(
            "`{message}` is a {} message; send-test sends emails",
            preview.channel.replace('_', "-")
        ));
    };
    let plain = |text: &str| decode_entities(text).trim().to_string();
    let subject = plain(&subject);
    let preheader = preheader.map(|p| plain(&p)).filter(|p| !p.is_empty());
    let body = email_text(&body_markdown);
    let text = match &preheader {
        Some(p) => format!("{p}\n\n{body}"),
        None => body,
    };
    let marketing = plan
        .messages
        .get(message)
        .is_some_and(|m| m.category == Category::Marketing);
    Ok(TestEmail {
        from,
        subject,
        preheader,
        html,
        text,
        list_unsubscribe: marketing
            .then(|| unsubscribe_url(&plan.campaign, &model.persona(persona).name)),
    })
}
