//! Links of email bodies: a link or image whose literal URL has an unsafe
//! scheme (E0610), and a marketing body whose rendered HTML has no link to
//! the unsubscribe URL although the template mentions it (E0604) — inside
//! a code span or after an unclosed fence, `{{unsubscribe_url}}` is text.

use crate::check::model::{Category, Channel, MessageDef, Model};
use crate::diagnostics::Diagnostic;
use crate::template::email::{body_links, unsafe_markdown_links, url_scheme, SAFE_SCHEMES};
use crate::template::{Escape, RenderOptions};

use super::channels::version_name;
use super::limits::render_locale;
use super::samples::{SampleKind, Samples, UNSUBSCRIBE_SENTINEL};
use super::scope::EventScope;
use super::{first_line_span, ParsedField, SendSite};

pub(crate) fn check_email_links(
    model: &Model,
    samples: &Samples,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    if message.channel != Channel::Email {
        return;
    }
    for p in parsed.iter().filter(|p| p.field.name == "body") {
        unsafe_literal_links(message, p, out);
        if message.category == Category::Marketing
            && p.template.is_some()
            && p.facts.variables.contains("unsubscribe_url")
            && !p.facts.diagnostics.iter().any(|d| d.is_error())
        {
            rendered_unsubscribe_link(model, samples, message, sends, p, out);
        }
    }
}

/// E0610: `[a](javascript:…)`, `![x](data:…)` written in the body.
fn unsafe_literal_links(message: &MessageDef, p: &ParsedField, out: &mut Vec<Diagnostic>) {
    let source = &p.field.source;
    for (dest_url, range) in unsafe_markdown_links(source) {
        let scheme = url_scheme(&dest_url).unwrap_or_default();
        out.push(
            Diagnostic::error(
                "E0610",
                format!(
                    "a link in {} uses the unsafe URL scheme `{scheme}:`",
                    version_name(message, p.locale)
                ),
                p.field.sub_span(range.start, range.end),
            )
            .with_primary_label(format!("`{scheme}:` link"))
            .with_help(format!(
                "emails may link only to {} URLs (or a relative one); a `{scheme}:` link \
                 would be removed from the email",
                SAFE_SCHEMES
                    .iter()
                    .map(|s| format!("`{s}:`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
}

/// E0604 on the result: rendered with a sentinel unsubscribe URL, the
/// email must have a kept link to it.
fn rendered_unsubscribe_link(
    model: &Model,
    samples: &Samples,
    message: &MessageDef,
    sends: &[&SendSite],
    p: &ParsedField,
    out: &mut Vec<Diagnostic>,
) {
    let scope = sends
        .first()
        .map_or(EventScope::Unchecked, |s| EventScope::Sent(s.event));
    let opts = RenderOptions {
        locale: render_locale(model, message, p),
        timezone: "UTC".into(),
        escape: Escape::Html,
    };
    // A body that does not render with samples cannot be judged here.
    let Ok(body) = samples.render(&p.field.source, scope, SampleKind::TextUnsubscribe, &opts)
    else {
        return;
    };
    if body_links(&body)
        .iter()
        .any(|(url, kept)| *kept && url.starts_with(UNSUBSCRIBE_SENTINEL))
    {
        return;
    }
    let span = p.field.source.find("unsubscribe_url").map_or_else(
        || first_line_span(p.field),
        |at| p.field.sub_span(at, at + "unsubscribe_url".len()),
    );
    out.push(
        Diagnostic::error(
            "E0604",
            format!(
                "marketing email {} has no unsubscribe link once rendered",
                version_name(message, p.locale)
            ),
            span,
        )
        .with_primary_label("this `{{unsubscribe_url}}` does not become a link")
        .with_help(
            "inside a code span or a fenced block (also one left unclosed) it is plain text: \
             write it as a Markdown link outside them, `[Unsubscribe]({{unsubscribe_url}})`",
        ),
    );
}
