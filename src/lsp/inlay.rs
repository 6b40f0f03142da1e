//! Inlay hints: an SMS body's encoding and segment count, a flow's main
//! path duration.
//!
//! - After each `body` string of an SMS message: `GSM-7, 1 segment` — the
//!   text rendered with the checker's sample values and counted as the
//!   segment warnings count it (`check::messages::sms_costs`).
//! - After a campaign's `flow {`: the sum of the waits along its main path
//!   (`check::flows::main_path`: every `wait for` times out, the first arm
//!   of each `if`, the first variant of each `split`), in the one duration
//!   notation, with the number of `wait until` steps whose length depends
//!   on the clock.
//!
//! Only declarations that meet the requested range are looked at.

use lsp_types::{
    InlayHint, InlayHintLabel, InlayHintParams, InlayHintTooltip, MarkupContent, MarkupKind,
};

use super::hover::{renderer, sms_cost};
use super::server::{Ctx, Failure, Server};
use crate::check::model::{Channel, MessageId};
use crate::preview::sentences;
use crate::source::Span;

pub fn inlay_hints(
    server: &mut Server,
    params: InlayHintParams,
) -> Result<Option<Vec<InlayHint>>, Failure> {
    let ctx = server.ctx(&params.text_document.uri)?;
    let from = ctx.offset(params.range.start) as u32;
    let to = ctx.offset(params.range.end) as u32;
    let meets = |s: Span| s.file == ctx.file.id && s.start <= to && from <= s.end;
    let mut hints = Vec::new();
    let model = ctx.snap.model;
    for (i, m) in model.messages.iter().enumerate() {
        if m.channel != Channel::Sms || !meets(m.span) {
            continue;
        }
        let costs = crate::check::messages::sms_costs(model, renderer(), MessageId(i as u32));
        for cost in costs {
            if !meets(cost.span) {
                continue;
            }
            hints.push(hint(
                &ctx,
                cost.span.end as usize,
                sms_cost(cost.count),
                "The body rendered with the checker's sample values, as the \
                 segment warnings count it. GSM-7: 160 characters fit one \
                 segment, 153 each when split; UCS-2 (any character outside \
                 GSM-7, such as most accents of Vietnamese or Chinese): 70, \
                 and 67 each when split."
                    .to_string(),
            ));
        }
    }
    for c in &model.campaigns {
        if !meets(c.span) {
            continue;
        }
        let Some(at) = flow_brace(&ctx, c.span, c.flow.first().map(|s| s.span)) else {
            continue;
        };
        let path = crate::check::flows::main_path(&c.flow);
        let mut label = format!("main path: {}", path.waits);
        match path.clock_waits {
            0 => {}
            1 => label.push_str(" + 1 wait until"),
            n => label.push_str(&format!(" + {n} wait until")),
        }
        let tooltip = format!(
            "The waits along the main path add up to {}{}. The main path is \
             what a customer goes through when no waited-for event comes \
             (each `wait for` runs to its timeout, then `on timeout`), taking \
             the first arm of each `if` and the first variant of each `split`, \
             up to an `exit` or the end of the flow.",
            sentences::duration(path.waits),
            match path.clock_waits {
                0 => String::new(),
                n => format!(
                    ", plus {n} `wait until` step{} that each wait up to a day \
                     (a week with `on DAY`), depending on the clock",
                    if n == 1 { "" } else { "s" }
                ),
            }
        );
        hints.push(hint(&ctx, at, label, tooltip));
    }
    hints.sort_by_key(|h| (h.position.line, h.position.character));
    Ok(Some(hints))
}

fn hint(ctx: &Ctx, offset: usize, label: String, tooltip: String) -> InlayHint {
    InlayHint {
        position: ctx.position(offset),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: tooltip,
        })),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// The offset just after the `{` of a campaign's `flow {`: the last
/// `flow` keyword before the first step, then its brace. `None` for a
/// campaign without steps.
fn flow_brace(ctx: &Ctx, campaign: Span, first_step: Option<Span>) -> Option<usize> {
    let text = ctx.file.text.as_ref();
    let first = first_step.filter(|s| s.file == ctx.file.id)?;
    let start = (campaign.start as usize).min(text.len());
    let end = (first.start as usize).clamp(start, text.len());
    let head = text.get(start..end)?;
    let keyword = head.rfind("flow")?;
    let brace = head[keyword..].find('{')?;
    Some(start + keyword + brace + 1)
}
