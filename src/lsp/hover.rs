//! Hover: what the name, duration, code or template path under the
//! cursor means.
//!
//! The answer is Markdown made of sections, most specific first: a helper
//! inside `{{ }}`; the name there (its declaration, type and doc comment;
//! a segment's or score's definition in the previews' words; a message's
//! channel and a preview); a duration literal or a send window in words;
//! a diagnostic code written in the text; then the explanation of every
//! diagnostic whose range holds the cursor. The range is the word under
//! the cursor. Every part is looked up from the checked model: nothing
//! here parses the language again.

use std::sync::OnceLock;

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use super::server::{Ctx, Failure, Server};
use crate::check::model::{walk_steps, Channel, MessageId, Model, ScoreId, SegmentId, StepKindDef};
use crate::check::references::{Symbol, UseSite};
use crate::check::resolve::types::type_name;
use crate::diagnostics::Severity;
use crate::fmt::scan::{self, Class};
use crate::preview::sentences;
use crate::source::Span;
use crate::template::lex::TagTokenKind;
use crate::template::{Renderer, SmsEncoding, BLOCK_HELPER_DOCS};

pub fn hover(server: &mut Server, params: HoverParams) -> Result<Option<Hover>, Failure> {
    let at = params.text_document_position_params;
    let ctx = server.ctx(&at.text_document.uri)?;
    let offset = ctx.offset(at.position);
    Ok(hover_at(&ctx, offset))
}

/// The hover at a byte offset of the request's file.
fn hover_at(ctx: &Ctx, offset: usize) -> Option<Hover> {
    let text = ctx.file.text.as_ref();
    let word = word_at(text, offset);
    let mut sections: Vec<String> = Vec::new();
    let helper = word.and_then(|(s, e)| helper_at(text, s, e));
    if let Some(h) = helper {
        sections.push(h);
    } else if let Some(section) = symbol_section(ctx, offset) {
        sections.push(section);
    } else if let Some((s, e)) = word {
        let w = &text[s..e];
        if let Some(section) = duration_section(ctx, s, w) {
            sections.push(section);
        } else if let Some(info) = code_word(w) {
            sections.push(explanation(&info));
        }
    }
    if sections.is_empty() {
        if let Some(section) = send_window_section(ctx, offset) {
            sections.push(section);
        }
    }
    // Diagnostics under the cursor: their code's explanation (the client
    // shows the message itself).
    let mut explained: Vec<&str> = Vec::new();
    for d in ctx.snap.diagnostics {
        if d.span.file != ctx.file.id
            || (d.span.start as usize) > offset
            || offset > d.span.end as usize
            || explained.contains(&d.code)
        {
            continue;
        }
        if sections
            .iter()
            .any(|s| s.contains(&format!("**{}**", d.code)))
        {
            continue;
        }
        explained.push(d.code);
        if let Some(info) = crate::diagnostics::codes::lookup(d.code) {
            sections.push(explanation(&info));
        }
    }
    if sections.is_empty() {
        return None;
    }
    let range = word.map(|(s, e)| ctx.range(Span::new(ctx.file.id, s, e)));
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range,
    })
}

/// The bounds of the name-like word (`[A-Za-z0-9_]+`) at or just before
/// `offset`. Only ASCII bytes are stepped over, so both ends are character
/// boundaries whatever the text around.
fn word_at(text: &str, offset: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = offset;
    while start > 0 && is_word(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset;
    while end < bytes.len() && is_word(bytes[end]) {
        end += 1;
    }
    (start < end).then_some((start, end))
}

/// A template helper's signature and summary, when the word at
/// `start..end` is the helper of a `{{ }}` tag in a string: the template
/// lexer's reading of the string (a helper call, or a block helper after
/// `{{#`), the same one the semantic tokens use.
fn helper_at(text: &str, start: usize, end: usize) -> Option<String> {
    let classes = scan::classify(text);
    if classes.get(start) != Some(&Class::Str) {
        return None;
    }
    let from = classes[..start]
        .iter()
        .rposition(|c| *c != Class::Str)
        .map_or(0, |i| i + 1);
    let to = classes[end..]
        .iter()
        .position(|c| *c != Class::Str)
        .map_or(text.len(), |i| end + i);
    let token = crate::template::lex::tokens(&text[from..to])
        .into_iter()
        .find(|t| from + t.start == start && from + t.end == end)?;
    let name = &text[start..end];
    match token.kind {
        TagTokenKind::Keyword => {
            let (_, written, summary) = BLOCK_HELPER_DOCS.iter().find(|(n, _, _)| *n == name)?;
            Some(format!(
                "```handlebars\n{written}\n```\n\nBlock helper `{name}`: {summary}."
            ))
        }
        TagTokenKind::Helper => {
            let spec = crate::template::helper_spec(name)?;
            Some(format!(
                "```handlebars\n{}\n```\n\nHelper `{name}`: {}.\n\nExample: `{}`",
                spec.signature(),
                spec.summary,
                spec.example
            ))
        }
        _ => None,
    }
}

/// What the name at `offset` means, from the reference table.
fn symbol_section(ctx: &Ctx, offset: usize) -> Option<String> {
    let model = ctx.snap.model;
    let table = model.references();
    let symbols = table.symbols_at(ctx.file.id, offset as u32);
    let first = *symbols.first()?;
    let in_template = uses_at(ctx, offset)
        .iter()
        .any(|r| r.site == UseSite::Template);
    if in_template || symbols.len() > 1 {
        // A template path: its type at each send site (one symbol per
        // event scope it reaches), then what the first one is.
        let mut lines = Vec::new();
        for s in &symbols {
            let Some(ty) = model.value_type(s) else {
                continue;
            };
            let ty = type_name(&ty, &model.schema);
            lines.push(match s {
                Symbol::Property { event, property } => {
                    format!("`event.{property}`: `{ty}` (event `{event}`)")
                }
                Symbol::Attr(name) | Symbol::Score(name) => format!("`customer.{name}`: `{ty}`"),
                Symbol::Field { record, field } => {
                    format!("`{field}`: `{ty}` (field of `{record}`)")
                }
                other => format!("`{}`: `{ty}`", other.name()),
            });
        }
        let mut out = String::new();
        if !lines.is_empty() {
            out.push_str("Template value, as the checker types it where the message is sent:\n\n");
            for l in &lines {
                out.push_str(&format!("- {l}\n"));
            }
        }
        let described = match first {
            // The line above said it all.
            Symbol::Builtin(_) if !lines.is_empty() => None,
            _ => describe(ctx, first),
        };
        if let Some(more) = described {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&more);
        }
        return (!out.is_empty()).then_some(out);
    }
    describe(ctx, first)
}

/// The uses whose name holds `offset` (its end included, as an editor's
/// cursor right after a word is on it). Names are short: only the uses
/// starting in the 256 bytes before are looked at, found by binary search.
fn uses_at<'a>(ctx: &Ctx<'a>, offset: usize) -> Vec<&'a crate::check::references::Reference> {
    let o = offset as u32;
    ctx.snap
        .model
        .references()
        .uses_in(Span::new(
            ctx.file.id,
            offset.saturating_sub(256),
            offset + 1,
        ))
        .iter()
        .filter(|r| r.span.start <= o && o <= r.span.end)
        .collect()
}

/// A fenced block of campaign code.
fn code(text: &str) -> String {
    format!("```camp\n{text}\n```")
}

fn with_doc(mut out: String, doc: Option<&str>) -> String {
    if let Some(doc) = doc.filter(|d| !d.trim().is_empty()) {
        out.push_str("\n\n");
        out.push_str(doc);
    }
    out
}

/// The declaration, type, doc comment and meaning of a symbol.
fn describe(ctx: &Ctx, symbol: &Symbol) -> Option<String> {
    let model = ctx.snap.model;
    let schema = &model.schema;
    Some(match symbol {
        Symbol::Attr(name) => {
            let attr = model.attr(model.attr_by_name(name)?);
            let consent = attr
                .consent
                .map_or(String::new(), |c| format!(" consent({})", c.as_str()));
            let mut out = code(&format!(
                "attr {name}: {}{consent}",
                type_name(&attr.ty, schema)
            ));
            out = with_doc(out, attr.doc.as_deref());
            if let Some(c) = attr.consent {
                out.push_str(&format!(
                    "\n\nGates every marketing send on the `{}` channel.",
                    c.as_str()
                ));
            }
            out
        }
        Symbol::Record(name) => {
            let record = schema.records.iter().find(|r| &r.name == name)?;
            with_doc(
                code(&format!("type {name} {}", fields(&record.fields, model))),
                record.doc.as_deref(),
            )
        }
        Symbol::Event(name) => {
            let event = schema.events.iter().find(|e| &e.name == name)?;
            with_doc(
                code(&format!("event {name} {}", fields(&event.fields, model))),
                event.doc.as_deref(),
            )
        }
        Symbol::Field { record, field } => {
            let def = schema.records.iter().find(|r| &r.name == record)?;
            let f = def.fields.iter().find(|f| &f.name == field)?;
            let out = code(&format!(
                "type {record} {{ {field}: {} }}",
                type_name(&f.ty, schema)
            ));
            with_doc(
                out,
                def.doc
                    .as_deref()
                    .map(|d| format!("A field of `{record}`: {d}"))
                    .as_deref(),
            )
        }
        Symbol::Property { event, property } => {
            let def = schema.events.iter().find(|e| &e.name == event)?;
            let f = def.fields.iter().find(|f| &f.name == property)?;
            let out = code(&format!(
                "event {event} {{ {property}: {} }}",
                type_name(&f.ty, schema)
            ));
            with_doc(
                out,
                def.doc
                    .as_deref()
                    .map(|d| format!("A property of `{event}`: {d}"))
                    .as_deref(),
            )
        }
        Symbol::Variant { owner, variant } => format!(
            "Enum variant `{variant}` of the {} `{}`",
            owner.kind(),
            owner.name()
        ),
        Symbol::Segment(name) => {
            let i = model.segments.iter().position(|s| &s.name == name)?;
            let def = &model.segments[i];
            let entry = crate::plan::lower::segment_entry(model, SegmentId(i as u32));
            let out = with_doc(code(&format!("segment {name}")), def.doc.as_deref());
            format!("{out}\n\n{}.", sentences::segment_definition(&entry))
        }
        Symbol::Score(name) => {
            let i = model.scores.iter().position(|s| &s.name == name)?;
            let def = &model.scores[i];
            let entry = crate::plan::lower::score_entry(model, ScoreId(i as u32));
            let mut out = with_doc(code(&format!("score {name}: int")), def.doc.as_deref());
            out.push_str("\n\nThe sum of:\n");
            for rule in &entry.rules {
                out.push_str(&format!("\n- {}", sentences::score_rule(rule)));
            }
            out
        }
        Symbol::Message(name) => {
            let i = model.messages.iter().position(|m| &m.name == name)?;
            message_section(ctx, MessageId(i as u32))
        }
        Symbol::Campaign(name) => {
            let c = model.campaigns.iter().find(|c| &c.name == name)?;
            with_doc(
                code(&format!("campaign {name}  // stage {}", c.stage)),
                c.doc.as_deref(),
            )
        }
        Symbol::Persona(name) => {
            let p = model.personas.iter().find(|p| &p.name == name)?;
            with_doc(code(&format!("persona {name}")), p.doc.as_deref())
        }
        Symbol::Stage(name) => format!("Lifecycle stage `{name}`"),
        Symbol::Split { campaign, split } => {
            format!("Split `{split}` of campaign `{campaign}`")
        }
        Symbol::SplitVariant {
            campaign,
            split,
            variant,
        } => format!("Variant `{variant}` of split `{split}` in campaign `{campaign}`"),
        Symbol::Locale(tag) => format!("Locale `{tag}`"),
        Symbol::Builtin(name) => {
            let ty = model
                .value_type(symbol)
                .map_or(String::new(), |t| format!(": `{}`", type_name(&t, schema)));
            format!("Template variable `{name}`{ty}, available in every template")
        }
    })
}

/// `{ name: string, price: money(USD) }`.
fn fields(list: &[crate::check::model::FieldDef], model: &Model) -> String {
    if list.is_empty() {
        return "{}".into();
    }
    let inner: Vec<String> = list
        .iter()
        .map(|f| format!("{}: {}", f.name, type_name(&f.ty, &model.schema)))
        .collect();
    format!("{{ {} }}", inner.join(", "))
}

/// A message: its channel, category and doc, and a rendered preview.
fn message_section(ctx: &Ctx, id: MessageId) -> String {
    let model = ctx.snap.model;
    let m = model.message(id);
    let category = match m.category {
        crate::check::model::Category::Marketing => "marketing",
        crate::check::model::Category::Transactional => "transactional",
    };
    let mut out = with_doc(
        code(&format!("message {}: {}", m.name, m.channel.as_str())),
        m.doc.as_deref(),
    );
    out.push_str(&format!(
        "\n\nA {category} {} message.",
        channel_noun(m.channel)
    ));
    out.push_str("\n\n");
    out.push_str(&preview(ctx, id));
    out
}

fn channel_noun(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Sms => "SMS",
        Channel::Push => "push",
        Channel::InApp => "in-app",
        Channel::Webhook => "webhook",
    }
}

/// The renderer of previews, made once (its helpers are registered at
/// construction).
pub(super) fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

/// The message rendered as the previews render it: in the first locale of
/// the first campaign that sends it, for that locale's preview persona.
fn preview(ctx: &Ctx, id: MessageId) -> String {
    let model = ctx.snap.model;
    if ctx
        .snap
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return "*The preview shows once the project has no errors.*".into();
    }
    let sender = model.campaigns.iter().position(|c| {
        let mut sends = false;
        walk_steps(&c.flow, &mut |s| {
            sends |= matches!(s.kind, StepKindDef::Send { message, .. } if message == id);
        });
        sends
    });
    let Some(campaign) = sender else {
        return "*No campaign sends it, so it has no preview.*".into();
    };
    let plan = crate::plan::lower(
        model,
        ctx.snap.sources,
        crate::check::model::CampaignId(campaign as u32),
    );
    let Some(locale) = plan.locales.first().cloned() else {
        return String::new();
    };
    let Some(persona) = model.preview_persona(&locale) else {
        return "*Add a `persona` to see a preview.*".into();
    };
    let flow = crate::preview::data::FlowIndex::new(&plan);
    let name = &model.message(id).name;
    let p =
        crate::preview::messages::render_message(model, &flow, renderer(), name, &locale, persona);
    let mut out = format!(
        "**Preview** in `{locale}` for persona `{}`, as sent by campaign `{}`:\n\n",
        p.persona, plan.campaign
    );
    use crate::preview::messages::Rendered;
    match p.rendered {
        Err(why) => out.push_str(&format!("*Could not render: {}*", why.trim())),
        Ok(Rendered::Email {
            subject,
            preheader,
            body_markdown,
            from,
            ..
        }) => {
            if let Some(from) = from {
                out.push_str(&format!("**From:** {from}  \n"));
            }
            out.push_str(&format!("**Subject:** {subject}  \n"));
            if let Some(pre) = preheader {
                out.push_str(&format!("**Preheader:** {pre}  \n"));
            }
            out.push('\n');
            out.push_str(&quote(&body_markdown));
        }
        Ok(Rendered::Sms { body, count }) => {
            out.push_str(&quote(&body));
            out.push_str(&format!("\n\n{}", sms_cost(count)));
        }
        Ok(Rendered::Card {
            title,
            body,
            button,
            ..
        }) => {
            out.push_str(&format!("**{title}**\n\n"));
            out.push_str(&quote(&body));
            if let Some(b) = button {
                out.push_str(&format!("\n\n[{b}]"));
            }
        }
        Ok(Rendered::Webhook { method, url, body }) => {
            out.push_str(&format!("`{method} {url}`\n\n"));
            match crate::preview::messages::webhook_body(&body) {
                Ok(json) => out.push_str(&format!("```json\n{json}\n```")),
                Err(raw) => out.push_str(&format!("```\n{raw}\n```")),
            }
        }
    }
    out
}

/// `GSM-7, 1 segment (52 characters)`.
pub fn sms_cost(count: crate::template::SmsCount) -> String {
    let encoding = match count.encoding {
        SmsEncoding::Gsm7 => "GSM-7",
        SmsEncoding::Ucs2 => "UCS-2",
    };
    let segments = if count.segments == 1 {
        "1 segment".to_string()
    } else {
        format!("{} segments", count.segments)
    };
    format!("{encoding}, {segments} ({} characters)", count.units)
}

/// Text as a Markdown block quote, line by line.
fn quote(text: &str) -> String {
    text.lines()
        .map(|l| format!("> {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A duration literal at `start` (the word `word`): its meaning. Only in
/// code: not in a comment, a string or a message.
fn duration_section(ctx: &Ctx, start: usize, word: &str) -> Option<String> {
    let d = crate::syntax::duration_literal(word)?;
    if !in_code(&ctx.file.text, start) || in_message(ctx, start) {
        return None;
    }
    let canonical = d.to_string();
    let written = if canonical == word {
        format!("`{word}`")
    } else {
        format!("`{word}` (canonically `{canonical}`)")
    };
    Some(format!(
        "**Duration** {written}: {}.",
        sentences::duration_meaning(d)
    ))
}

/// Whether `offset` is outside any string and comment (the formatter's
/// scanner, which knows block strings).
fn in_code(text: &str, offset: usize) -> bool {
    scan::classify(text).get(offset) == Some(&Class::Code)
}

fn in_message(ctx: &Ctx, offset: usize) -> bool {
    let o = offset as u32;
    ctx.snap
        .model
        .messages
        .iter()
        .any(|m| m.span.file == ctx.file.id && m.span.start <= o && o < m.span.end)
}

/// The send window setting under the cursor, in words.
fn send_window_section(ctx: &Ctx, offset: usize) -> Option<String> {
    let o = offset as u32;
    let campaign = ctx
        .snap
        .model
        .campaigns
        .iter()
        .find(|c| c.span.file == ctx.file.id && c.span.start <= o && o <= c.span.end)?;
    let span = campaign.setting_spans.get("send_window")?;
    if !(span.start <= o && o <= span.end) {
        return None;
    }
    let (open, close) = campaign.send_window?;
    let clock = crate::plan::lower_expr::clock;
    Some(format!(
        "**Send window** of `{}`: {}",
        campaign.name,
        sentences::send_window_meaning(&clock(open), &clock(close))
    ))
}

/// A registered diagnostic code written as a word (`E0201`, `w0601`).
fn code_word(word: &str) -> Option<crate::diagnostics::codes::CodeInfo> {
    let bytes = word.as_bytes();
    if bytes.len() != 5
        || !matches!(bytes[0], b'E' | b'W' | b'e' | b'w')
        || !bytes[1..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    crate::diagnostics::codes::lookup(word)
}

/// A code's explanation, as `campaignc explain` prints it.
fn explanation(info: &crate::diagnostics::codes::CodeInfo) -> String {
    format!(
        "**{}**: {}\n\n{}",
        info.code,
        info.title,
        info.explanation.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stop_at_anything_but_name_characters() {
        let text = "wait 36h\n  Giỏ {{money event.total}}";
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(word_at(text, at("36h") + 1), Some((5, 8)));
        assert_eq!(word_at(text, at("36h") + 3), Some((5, 8)));
        let total = at("total");
        assert_eq!(word_at(text, total), Some((total, total + 5)));
        // Inside a multi-byte character: the word before it, no panic.
        assert_eq!(word_at(text, at("ỏ") + 1), Some((at("Gi"), at("ỏ"))));
        assert_eq!(word_at(text, at("ỏ") + "ỏ".len()), None);
        assert_eq!(word_at(text, text.len() + 10), None);
        assert_eq!(word_at("", 0), None);
    }

    #[test]
    fn helpers_are_the_first_word_of_a_tag() {
        let text =
            "body \"{{money event.total}} {{#each event.items}} {{ upper x}} {{event.money}}\"";
        let hover = |needle: &str| {
            let s = text.find(needle).unwrap();
            helper_at(text, s, s + needle.len())
        };
        assert!(hover("money").unwrap().contains("{{money money}}"));
        assert!(hover("each").unwrap().contains("{{#each list}}"));
        assert!(hover("upper").unwrap().contains("{{upper string}}"));
        assert!(hover("items").is_none());
        let s = text.rfind("money").unwrap();
        assert!(helper_at(text, s, s + 5).is_none());
        // Outside a string, `{{` is not a template.
        let code = "{{money x}}";
        assert!(helper_at(code, 2, 7).is_none());
    }

    #[test]
    fn code_is_what_is_outside_strings_and_comments() {
        let text = "within 30d // wait 2d\nbody \"in 2d\" then 3d";
        assert!(in_code(text, text.find("30d").unwrap()));
        assert!(!in_code(text, text.find("2d").unwrap()));
        assert!(!in_code(text, text.find("2d\"").unwrap()));
        assert!(in_code(text, text.find("3d").unwrap()));
    }

    #[test]
    fn codes_are_five_characters_and_registered() {
        assert!(code_word("E0201").is_some());
        assert!(code_word("e0201").is_some());
        assert!(code_word("E9999").is_none());
        assert!(code_word("E02011").is_none());
        assert!(code_word("engagement").is_none());
    }
}
