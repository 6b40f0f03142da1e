//! The reviewer's page of one campaign, in Markdown for pull requests:
//! what it is, who gets it, when, and every message in every locale.

use crate::check::model::Model;
use crate::diagnostics::Diagnostic;
use crate::plan::format::Plan;
use crate::source::{SourceMap, Span};
use crate::template::escape::{html_text, rendered_text};
use std::fmt::Write as _;

use super::mermaid::{channel_key, channel_noun, flowchart};
use super::messages::{webhook_body, MessagePreview, Rendered, IN_APP_LIMITS, PUSH_LIMITS};
use super::sentences;
use super::timeline::MainPath;

/// Everything a campaign page shows, computed by [`super::preview_campaign`].
pub struct PageInput<'a> {
    pub model: &'a Model,
    pub plan: &'a Plan,
    pub sources: &'a SourceMap,
    /// Diagnostics that concern the campaign (already filtered and sorted).
    pub diagnostics: &'a [Diagnostic],
    pub main_path: &'a MainPath,
    pub flow: &'a super::data::FlowIndex<'a>,
    /// Messages in flow order, each with its previews per locale.
    pub messages: &'a [(String, Vec<MessagePreview>)],
}

/// The Markdown page (ends with a newline).
pub fn campaign_page(input: &PageInput) -> String {
    let plan = input.plan;
    let mut out = format!("# Campaign `{}`\n\n", plan.campaign);
    if let Some(doc) = &plan.doc {
        out.push_str(&quote(&html_text(doc.trim())));
        out.push('\n');
    }
    out.push_str(&facts_table(plan));
    let _ = write!(
        out,
        "\nDefined in `{}:{}`.\n\n",
        plan.source.file, plan.source.line
    );

    out.push_str("## Flow\n\n```mermaid\n");
    out.push_str(&flowchart(plan));
    out.push_str("```\n\n");

    out.push_str("## Timeline of the main path\n\n");
    out.push_str(&input.main_path.setup);
    out.push_str("\n\n");
    for line in &input.main_path.lines {
        let _ = writeln!(out, "- **{}** — {}", line.when, line.text);
    }
    if input.main_path.lines.is_empty() && !input.main_path.no_persona {
        out.push_str("- (nothing happens)\n");
    }
    out.push('\n');

    out.push_str("## Messages\n\n");
    if input.messages.is_empty() {
        out.push_str("This campaign sends no messages.\n\n");
    }
    for (name, previews) in input.messages {
        // From the plan, so the heading names the channel even when no
        // persona rendered the message.
        let channel = plan
            .messages
            .get(name)
            .map(|m| channel_key(m.channel))
            .or_else(|| previews.first().map(|p| p.channel.as_str()))
            .map_or("message", channel_noun);
        let _ = write!(out, "### {channel} *{name}*\n\n");
        if let Some(doc) = input.model.message_named(name).and_then(|m| m.doc.as_ref()) {
            let _ = write!(out, "{}\n\n", one_line(&html_text(doc)));
        }
        let route = input
            .flow
            .first_send(name)
            .and_then(|(id, _)| super::route::route_to(input.flow, id));
        let _ = write!(
            out,
            "**Sent** {}.\n\n",
            html_text(&route.unwrap_or_else(|| "on every journey".into()))
        );
        if previews.is_empty() {
            out.push_str("Not rendered: the project has no persona to render it with.\n\n");
        }
        for p in previews {
            out.push_str(&message_section(&plan.campaign, p));
        }
    }

    out.push_str("## Warnings\n\n");
    if input.diagnostics.is_empty() {
        out.push_str("None.\n");
    }
    for d in input.diagnostics {
        let _ = writeln!(
            out,
            "- `{}` {} {}: {}",
            location(input.sources, d.span),
            d.severity.as_str(),
            d.code,
            html_text(&d.message)
        );
    }
    out
}

/// The facts of the campaign as a two-column table of sentences.
fn facts_table(plan: &Plan) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        ("Stage", format!("`{}`", plan.stage)),
        ("Trigger", sentences::trigger(plan)),
        ("Audience", sentences::audience(plan)),
        ("Re-entry", sentences::reentry(&plan.reentry)),
        (
            "Goal",
            plan.goal.as_ref().map_or(
                "None: the journey is not measured against a goal".into(),
                sentences::goal,
            ),
        ),
        (
            "Exit",
            plan.exit.as_ref().map_or(
                "Only at an `exit` step or the end of the flow".into(),
                sentences::exit,
            ),
        ),
        ("Locales", plan.locales.join(", ")),
    ];
    let policies = &plan.policies;
    rows.push((
        "Send window",
        policies
            .send_window
            .as_ref()
            .map_or("None: messages go out at any hour".into(), |w| {
                format!(
                    "{}-{} customer local time; a send due outside waits for the next opening",
                    w.start, w.end
                )
            }),
    ));
    rows.push((
        "Cap",
        policies.cap.as_ref().map_or("None".into(), |c| {
            format!(
                "At most {} {} from this campaign in any {}; later ones wait",
                c.count,
                if c.count == 1 { "message" } else { "messages" },
                sentences::duration(c.per)
            )
        }),
    ));
    rows.push((
        "Holdout",
        policies.holdout.as_ref().map_or(
            "None: everyone who enters gets the messages".into(),
            |h| {
                format!(
                "{}% of customers enter and follow the flow but receive nothing (control group)",
                h.percent
            )
            },
        ),
    ));
    let mut out = String::from("| Setting | In plain words |\n|---|---|\n");
    for (name, text) in rows {
        // Sentences quote string literals from the source: keep them text.
        let _ = writeln!(out, "| **{name}** | {} |", cell(&html_text(&text)));
    }
    out
}

/// One message in one locale.
fn message_section(campaign: &str, p: &MessagePreview) -> String {
    let mut out = format!("#### `{}` — persona *{}*", p.locale, p.persona);
    if p.locale_overridden {
        let _ = write!(out, " (its locale set to `{}` for this preview)", p.locale);
    }
    out.push_str("\n\n");
    if let Some((event, derived)) = &p.event {
        if *derived {
            let _ = write!(
                out,
                "`event.*`: a sample built from the types of `{event}` (the persona has none).\n\n"
            );
        } else {
            let _ = write!(out, "`event.*`: the persona's sample `{event}`.\n\n");
        }
    }
    if let Some(attr) = &p.no_address {
        let _ = write!(
            out,
            "**Not sent to this persona:** `{attr}` is not set, so the send is skipped (`no_address`). The text below is what others get.\n\n"
        );
    }
    let rendered = match &p.rendered {
        Ok(r) => r,
        Err(e) => {
            let _ = write!(out, "**Could not render:** {}\n\n", html_text(e));
            return out;
        }
    };
    match rendered {
        Rendered::Email {
            from,
            subject,
            preheader,
            body_markdown,
            ..
        } => {
            if let Some(from) = from {
                let _ = writeln!(out, "- **From:** {}", inline(&html_text(from)));
            }
            // Rendered with HTML escaping of values only: literal text
            // and `{{{…}}}` values are escaped here.
            let _ = writeln!(out, "- **Subject:** {}", inline(&rendered_text(subject)));
            if let Some(pre) = preheader {
                let _ = writeln!(out, "- **Preheader:** {}", inline(&rendered_text(pre)));
            }
            let _ = write!(
                out,
                "- **HTML:** [{campaign}/{}.{}.html]({campaign}/{}.{}.html)\n\n",
                p.message, p.locale, p.message, p.locale
            );
            out.push_str(&quote(&rendered_text(body_markdown.trim_end())));
            out.push('\n');
            let removed: Vec<String> = crate::template::email::body_links(body_markdown)
                .into_iter()
                .filter(|(_, kept)| !kept)
                .map(|(url, _)| format!("`{}`", url.replace('`', "'")))
                .collect();
            if !removed.is_empty() {
                let _ = write!(
                    out,
                    "**Links removed from the email** (only `https:`, `http:`, `mailto:` and \
                     `tel:` links are kept; the link text stays): {}\n\n",
                    removed.join(", ")
                );
            }
        }
        Rendered::Sms { body, count } => {
            let (single, part) = match count.encoding {
                crate::template::SmsEncoding::Gsm7 => ("GSM-7", (160, 153)),
                crate::template::SmsEncoding::Ucs2 => ("UCS-2", (70, 67)),
            };
            let capacity = if count.segments <= 1 {
                part.0
            } else {
                count.segments * part.1
            };
            out.push_str(&quote(&html_text(body)));
            let _ = write!(
                out,
                "\n{single}, {} {} ({}/{capacity})\n\n",
                count.segments,
                if count.segments == 1 {
                    "segment"
                } else {
                    "segments"
                },
                count.units
            );
        }
        Rendered::Card {
            title,
            body,
            button,
            link,
        } => {
            let limits = if p.channel == "push" {
                PUSH_LIMITS
            } else {
                IN_APP_LIMITS
            };
            let _ = writeln!(
                out,
                "- **Title** ({}): {}",
                counted(title, limits.0),
                inline(&html_text(title))
            );
            let _ = writeln!(
                out,
                "- **Body** ({}): {}",
                counted(body, limits.1),
                inline(&html_text(body))
            );
            if let Some(button) = button {
                let _ = writeln!(out, "- **Button:** {}", inline(&html_text(button)));
            }
            if let Some(link) = link {
                let _ = writeln!(out, "- **Link:** `{}`", link.replace('`', "'"));
            }
            out.push('\n');
        }
        Rendered::Webhook { method, url, body } => {
            let _ = write!(
                out,
                "- **{}** `{}`\n\n",
                html_text(method),
                url.replace('`', "'")
            );
            match webhook_body(body) {
                Ok(json) => out.push_str(&fenced("json", &json)),
                Err(raw) => out.push_str(&fenced("text", &raw)),
            }
        }
    }
    out
}

/// `23/50 characters`, flagged when over the limit.
fn counted(text: &str, limit: usize) -> String {
    let n = text.chars().count();
    if n > limit {
        format!("{n}/{limit} characters, **over the limit**")
    } else {
        format!("{n}/{limit} characters")
    }
}

/// `flows/onboarding.camp:16`.
pub fn location(sources: &SourceMap, span: Span) -> String {
    match sources.files().get(span.file.0 as usize) {
        Some(file) => format!("{}:{}", file.path, sources.line_col(span).0),
        None => "(project)".into(),
    }
}

/// A Markdown blockquote of `text`.
fn quote(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push_str(">\n");
        } else {
            let _ = writeln!(out, "> {line}");
        }
    }
    out
}

/// Text for a table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// Line breaks folded into spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Inline text in a list item: one line.
fn inline(text: &str) -> String {
    one_line(text)
}

/// A fenced code block that `text` cannot close: the fence is longer than
/// any run of backticks inside.
fn fenced(lang: &str, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{text}\n{fence}\n\n")
}
