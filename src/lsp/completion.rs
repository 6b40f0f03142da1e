//! Completion in context: keywords, names, template paths, helpers,
//! locales and enum variants.
//!
//! The line at the cursor usually does not parse (the user is typing), so
//! the place is read from the text around the cursor and everything
//! offered comes from the last checked model:
//! - inside `{{ … }}` of a message's string: helper names and their
//!   arguments, and template paths limited to what is in scope where the
//!   message is sent ([`crate::check::messages::template_members`]);
//! - elsewhere: the keywords the grammar accepts there
//!   ([`crate::syntax::expected_at`]), and the names the word before the
//!   cursor asks for (messages after `send`, events after `wait for`, …),
//!   enum variants after `==`, `!=` and `in [`, locales after `locale`.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse,
    Documentation, MarkupContent, MarkupKind,
};

use super::server::{Ctx, Failure, Server};
use crate::check::messages::{allowed_fields, template_members, TemplateMember};
use crate::check::model::{MessageId, Model, Type};
use crate::check::resolve::types::type_name;
use crate::syntax::{expected_at, word_start};
use crate::template::{helper_spec, BLOCK_HELPERS, DATE_STYLES, HELPERS};

/// The characters after which the client asks for completions unprompted:
/// a path's dot, a template's `{{`, a subexpression's `(`, a list's `[`.
pub const TRIGGERS: &[&str] = &[".", "{", "(", "["];

pub fn completion(
    server: &mut Server,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>, Failure> {
    let at = params.text_document_position;
    let ctx = server.ctx(&at.text_document.uri)?;
    let offset = ctx.offset(at.position);
    let text = ctx.file.text.as_ref();
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let typed = &text[word_start(text, offset)..offset];
    let items = items_at(&ctx, offset);
    let (items, is_incomplete) = limit(items, typed);
    Ok(Some(CompletionResponse::List(CompletionList {
        is_incomplete,
        items,
    })))
}

/// The most items one answer carries. A project of a thousand campaigns
/// has thousands of messages; past this, the server filters by what is
/// typed and says the list is incomplete, so the client asks again as the
/// word grows (as rust-analyzer does).
pub const MAX_ITEMS: usize = 200;

/// `items` limited to [`MAX_ITEMS`]: when there are more, those whose
/// label contains the letters of `typed` in order (ignoring case), and
/// whether some were left out.
fn limit(items: Vec<CompletionItem>, typed: &str) -> (Vec<CompletionItem>, bool) {
    if items.len() <= MAX_ITEMS {
        return (items, false);
    }
    let typed = typed.to_ascii_lowercase();
    let fits = |label: &str| {
        let mut letters = typed.chars().peekable();
        for c in label.chars().map(|c| c.to_ascii_lowercase()) {
            if letters.peek() == Some(&c) {
                letters.next();
            }
        }
        letters.peek().is_none()
    };
    let kept: Vec<CompletionItem> = items
        .into_iter()
        .filter(|i| fits(&i.label))
        .take(MAX_ITEMS + 1)
        .collect();
    if kept.len() > MAX_ITEMS {
        (kept.into_iter().take(MAX_ITEMS).collect(), true)
    } else {
        // Every match is here, but the client must ask again when the
        // word changes: a shorter word matches more.
        (kept, true)
    }
}

/// Everything to offer at byte `offset` of the request's file.
pub fn items_at(ctx: &Ctx<'_>, offset: usize) -> Vec<CompletionItem> {
    let text = ctx.file.text.as_ref();
    let model = ctx.snap.model;
    let offset = crate::text::floor_char_boundary(text, offset.min(text.len()));
    let expected = expected_at(text, offset);
    if expected.in_text {
        return match template_tag(text, offset) {
            Some(tag) => template_items(model, enclosing_message(model, text, offset), tag),
            None => Vec::new(),
        };
    }
    let mut out = Vec::new();
    let word = word_start(text, offset);
    let line_start = text[..word].rfind('\n').map_or(0, |p| p + 1);
    let before = &text[line_start..word];
    // A path in an expression: the fields of a record attribute.
    if let Some(path) = before.strip_suffix('.') {
        let path = path
            .rsplit(|c: char| c.is_whitespace() || "([,".contains(c))
            .next();
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            out.extend(record_fields(model, path));
        }
        return out;
    }
    let words: Vec<&str> = before.split_whitespace().collect();
    let last = words.last().copied().unwrap_or("");
    let second = words.len().checked_sub(2).map_or("", |i| words[i]);
    let indented = before.starts_with([' ', '\t']);
    for keyword in &expected.keywords {
        out.push(item(keyword, CompletionItemKind::KEYWORD, "keyword", None));
    }
    // Enum variants after a comparison with an enum-typed left side.
    if let Some(variants) = enum_after_operator(model, before) {
        out.extend(variants);
        return out;
    }
    match (second, last) {
        (_, "send") | (_, "sent") => out.extend(messages(model)),
        ("trigger", "event") | (_, "performed") | ("wait", "for") | (_, "per") => {
            out.extend(events(model))
        }
        (_, "event") if indented => out.extend(events(model)),
        (_, "enters") => out.extend(segments(model)),
        (_, "changed") | (_, "set") => out.extend(attributes(model)),
        (_, "campaign") if indented => out.extend(campaigns(model)),
        (_, "persona") if indented => out.extend(personas(model)),
        (_, "stage") => out.extend(
            model
                .stages
                .iter()
                .map(|s| item(s, CompletionItemKind::ENUM_MEMBER, "lifecycle stage", None)),
        ),
        (_, "locale") | (_, "locales") => out.extend(locales(model)),
        _ if last.ends_with(',') && words.first() == Some(&"locales") => out.extend(locales(model)),
        _ if before.trim_end().ends_with("count(")
            || before.trim_end().ends_with("sum(")
            || before.trim_end().ends_with("last(") =>
        {
            out.extend(events(model))
        }
        _ if expected.locale_tag => out.extend(locales(model)),
        _ if expected.value => {
            // A persona's attribute value: the variants of an enum.
            if let Some(Type::Enum(variants)) = attr_type(model, last).map(Type::strip_optional) {
                out.extend(variants.iter().map(|v| variant(v, last)));
            }
        }
        _ if expected.expression => {
            // In `EVENT where …`, the event's properties are bare names.
            if let Some(event) = where_event(model, before) {
                out.extend(model.event(event).fields.iter().map(|f| {
                    let detail = type_name(&f.ty, &model.schema);
                    item(&f.name, CompletionItemKind::PROPERTY, &detail, None)
                }));
            }
            out.extend(segments(model));
            out.extend(attributes(model));
            out.extend(scores(model));
        }
        // A message's entry (or a locale block's): the channel's fields.
        _ if expected.name && expected.keywords.iter().all(|k| k == "locale") => {
            if let Some(m) = enclosing_message(model, text, offset) {
                let message = model.message(m);
                let channel = message.channel.as_str();
                out.extend(allowed_fields(message.channel).iter().map(|f| {
                    item(
                        f,
                        CompletionItemKind::FIELD,
                        &format!("{channel} field"),
                        None,
                    )
                }));
            }
        }
        _ if expected.name && indented && expected.keywords.iter().any(|k| k == "event") => {
            // A persona's entry: an attribute and its value.
            out.extend(attributes(model));
        }
        _ => {}
    }
    out
}

/// One completion item.
fn item(label: &str, kind: CompletionItemKind, detail: &str, doc: Option<&str>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        documentation: doc.map(|d| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: d.to_string(),
            })
        }),
        ..CompletionItem::default()
    }
}

fn messages(model: &Model) -> Vec<CompletionItem> {
    let detail = |m: &crate::check::model::MessageDef| format!("message: {}", m.channel.as_str());
    model
        .messages
        .iter()
        .map(|m| {
            item(
                &m.name,
                CompletionItemKind::FUNCTION,
                &detail(m),
                m.doc.as_deref(),
            )
        })
        .collect()
}

fn events(model: &Model) -> Vec<CompletionItem> {
    model
        .schema
        .events
        .iter()
        .map(|e| {
            item(
                &e.name,
                CompletionItemKind::EVENT,
                "event",
                e.doc.as_deref(),
            )
        })
        .collect()
}

fn segments(model: &Model) -> Vec<CompletionItem> {
    model
        .segments
        .iter()
        .map(|s| {
            item(
                &s.name,
                CompletionItemKind::VARIABLE,
                "segment",
                s.doc.as_deref(),
            )
        })
        .collect()
}

fn scores(model: &Model) -> Vec<CompletionItem> {
    model
        .scores
        .iter()
        .map(|s| {
            item(
                &s.name,
                CompletionItemKind::VARIABLE,
                "score: int",
                s.doc.as_deref(),
            )
        })
        .collect()
}

fn attributes(model: &Model) -> Vec<CompletionItem> {
    model
        .schema
        .attrs
        .iter()
        .map(|a| {
            let detail = type_name(&a.ty, &model.schema);
            item(
                &a.name,
                CompletionItemKind::PROPERTY,
                &detail,
                a.doc.as_deref(),
            )
        })
        .collect()
}

fn campaigns(model: &Model) -> Vec<CompletionItem> {
    model
        .campaigns
        .iter()
        .map(|c| {
            item(
                &c.name,
                CompletionItemKind::MODULE,
                "campaign",
                c.doc.as_deref(),
            )
        })
        .collect()
}

fn personas(model: &Model) -> Vec<CompletionItem> {
    model
        .personas
        .iter()
        .map(|p| {
            item(
                &p.name,
                CompletionItemKind::CONSTANT,
                "persona",
                p.doc.as_deref(),
            )
        })
        .collect()
}

/// The project's locales: the default one and every campaign's.
fn locales(model: &Model) -> Vec<CompletionItem> {
    let mut tags: Vec<&str> = vec![model.defaults.locale.as_str()];
    for c in &model.campaigns {
        tags.extend(c.locales.iter().map(String::as_str));
    }
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter()
        .filter(|t| !t.is_empty())
        .map(|t| item(t, CompletionItemKind::CONSTANT, "locale", None))
        .collect()
}

fn variant(name: &str, owner: &str) -> CompletionItem {
    item(
        name,
        CompletionItemKind::ENUM_MEMBER,
        &format!("variant of {owner}"),
        None,
    )
}

fn attr_type<'m>(model: &'m Model, name: &str) -> Option<&'m Type> {
    model.attr_by_name(name).map(|a| &model.attr(a).ty)
}

/// The fields after `attr.` (or `attr.record_field.`) in an expression.
fn record_fields(model: &Model, path: &str) -> Vec<CompletionItem> {
    let mut parts = path.split('.');
    let Some(mut ty) = parts.next().and_then(|a| attr_type(model, a)) else {
        return Vec::new();
    };
    for part in parts {
        let Type::Record(r) = ty.strip_optional() else {
            return Vec::new();
        };
        match model.record(*r).fields.iter().find(|f| f.name == part) {
            Some(f) => ty = &f.ty,
            None => return Vec::new(),
        }
    }
    let Type::Record(r) = ty.strip_optional() else {
        return Vec::new();
    };
    model
        .record(*r)
        .fields
        .iter()
        .map(|f| {
            let detail = type_name(&f.ty, &model.schema);
            item(&f.name, CompletionItemKind::FIELD, &detail, None)
        })
        .collect()
}

/// Enum variants when `before` (the line up to the word at the cursor)
/// ends with `NAME ==`, `NAME !=` or `NAME in [ …,` and `NAME` is an
/// attribute of an enum type.
fn enum_after_operator(model: &Model, before: &str) -> Option<Vec<CompletionItem>> {
    let trimmed = before.trim_end();
    let left = if let Some(rest) = trimmed
        .strip_suffix("==")
        .or_else(|| trimmed.strip_suffix("!="))
    {
        rest
    } else {
        // Inside `in [a, b, `: back to the `[` and the `in` before it.
        let open = trimmed.rfind('[')?;
        if trimmed[open..].contains(']') {
            return None;
        }
        let head = trimmed[..open].trim_end();
        head.strip_suffix(" in")
            .or_else(|| head.strip_suffix(" not in"))?
    };
    let name = left
        .trim_end()
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    let property = || {
        let event = model.event(where_event(model, before)?);
        event.fields.iter().find(|f| f.name == name).map(|f| &f.ty)
    };
    match property()
        .or_else(|| attr_type(model, name))?
        .strip_optional()
    {
        Type::Enum(variants) => Some(variants.iter().map(|v| variant(v, name)).collect()),
        _ => None,
    }
}

/// The event of the `where` clause the line is in (`trigger event E
/// where …`, `performed E where …`, `wait for E where …`), whose
/// properties are bare names there.
fn where_event(model: &Model, before: &str) -> Option<crate::check::model::EventId> {
    let (head, _) = before.rsplit_once(" where ")?;
    let name = head
        .trim_end()
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    model
        .schema
        .events
        .binary_search_by(|e| e.name.as_str().cmp(name))
        .ok()
        .map(|i| crate::check::model::EventId(i as u32))
}

/// The message whose body holds `offset`: the declaration around it (the
/// last line before it that starts with a word at column 0), if that is a
/// `message NAME`.
fn enclosing_message(model: &Model, text: &str, offset: usize) -> Option<MessageId> {
    let mut end = offset;
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |p| p + 1);
        let line = &text[line_start..];
        if line_start < offset && line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let rest = line.strip_prefix("message ")?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            return model
                .messages
                .binary_search_by(|m| m.name.as_str().cmp(&name))
                .ok()
                .map(|i| MessageId(i as u32));
        }
        if line_start == 0 {
            return None;
        }
        end = line_start - 1;
    }
}

/// The text of the `{{ … ` tag the cursor is in (after `{{`, up to the
/// cursor), on the cursor's line.
fn template_tag(text: &str, offset: usize) -> Option<&str> {
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let line = &text[line_start..offset];
    let open = line.rfind("{{")?;
    let tag = &line[open + 2..];
    if tag.contains("}}") {
        return None;
    }
    Some(tag)
}

/// What to offer inside a template tag whose text so far is `tag`.
fn template_items(model: &Model, message: Option<MessageId>, tag: &str) -> Vec<CompletionItem> {
    let tag = tag.trim_start_matches(['{', '~']).trim_start();
    let (block, tag) = match tag.strip_prefix('#') {
        Some(rest) => (true, rest),
        None => (false, tag.strip_prefix('/').unwrap_or(tag)),
    };
    let mut tokens: Vec<&str> = tag.split_whitespace().collect();
    let typing = if tag.is_empty() || tag.ends_with(char::is_whitespace) {
        ""
    } else {
        tokens.pop().unwrap_or("")
    };
    let mut out = Vec::new();
    // The path being typed: the members after its last dot.
    let (path, _) = typing.rsplit_once('.').unwrap_or(("", typing));
    let argument = tokens.first().map(|helper| (*helper, tokens.len() - 1));
    if let Some((helper, index)) = argument {
        let Some(spec) = helper_spec(helper) else {
            // A block helper (`#each`, `#if`) or an unknown one: any path.
            out.extend(paths(model, message, path, None));
            return out;
        };
        if typing.starts_with('"') {
            if spec.name == "date" && index == 1 {
                out.extend(
                    DATE_STYLES
                        .iter()
                        .map(|s| item(s, CompletionItemKind::ENUM_MEMBER, "date style", None)),
                );
            }
            return out;
        }
        out.extend(paths(model, message, path, Some((helper, index))));
        if path.is_empty() && index + 1 > spec.min_args {
            out.extend(spec.hash_keys.iter().map(|k| {
                let mut i = item(k, CompletionItemKind::PROPERTY, "hash argument", None);
                i.insert_text = Some(format!("{k}=\"\""));
                i
            }));
        }
        return out;
    }
    if path.is_empty() {
        if block {
            out.extend(
                BLOCK_HELPERS
                    .iter()
                    .map(|h| item(h, CompletionItemKind::KEYWORD, "block helper", None)),
            );
            return out;
        }
        out.extend(HELPERS.iter().map(|h| {
            let mut i = item(
                h.name,
                CompletionItemKind::FUNCTION,
                h.example,
                Some(h.summary),
            );
            i.detail = Some(
                h.example
                    .trim_start_matches("{{")
                    .trim_end_matches("}}")
                    .into(),
            );
            i
        }));
    }
    out.extend(paths(model, message, path, None));
    out
}

/// The members after `path` in a template of `message`, as items (only
/// those that fit the helper argument, when given).
fn paths(
    model: &Model,
    message: Option<MessageId>,
    path: &str,
    argument: Option<(&str, usize)>,
) -> Vec<CompletionItem> {
    template_members(model, message, path)
        .into_iter()
        .filter(|m| argument.is_none_or(|(h, i)| m.fits_helper_argument(h, i)))
        .map(|m: TemplateMember| {
            let kind = match m.ty.as_str() {
                "customer" | "campaign" => CompletionItemKind::MODULE,
                t if t.starts_with("event") => CompletionItemKind::MODULE,
                _ => CompletionItemKind::PROPERTY,
            };
            item(&m.name, kind, &m.ty, m.doc.as_deref())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(labels: &[&str]) -> Vec<CompletionItem> {
        labels
            .iter()
            .map(|l| item(l, CompletionItemKind::TEXT, "", None))
            .collect()
    }

    #[test]
    fn long_lists_are_filtered_by_the_typed_letters_and_marked_incomplete() {
        let few = items(&["a", "b"]);
        assert_eq!(limit(few, "zz").0.len(), 2);
        let names: Vec<String> = (0..1000).map(|n| format!("m{n}_welcome")).collect();
        let many = items(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let (kept, incomplete) = limit(many.clone(), "");
        assert_eq!((kept.len(), incomplete), (MAX_ITEMS, true));
        let (kept, incomplete) = limit(many, "M99W");
        let labels: Vec<&str> = kept.iter().map(|i| i.label.as_str()).collect();
        assert!(incomplete);
        assert!(labels.contains(&"m99_welcome") && labels.contains(&"m990_welcome"));
        assert!(!labels.contains(&"m9_welcome"));
    }

    #[test]
    fn the_tag_at_the_cursor_is_on_its_line_and_still_open() {
        let text = "body \"Hi {{money event.to";
        assert_eq!(template_tag(text, text.len()), Some("money event.to"));
        let closed = "body \"Hi {{money event.total}} and ";
        assert_eq!(template_tag(closed, closed.len()), None);
        let other_line = "{{a}}\nbody \"Hi ";
        assert_eq!(template_tag(other_line, other_line.len()), None);
    }

    const PROJECT: &str = r#"
schema {
  attr plan: enum(free, pro)
  attr email: email
  attr email_opt_in: bool consent(email)
  event paid { amount: money(USD), note: string }
  event opened {}
}
campaign c {
  trigger event opened
  flow {
    wait for paid up to 1d {
      on event { send thanks }
    }
  }
}
message thanks: email {
  subject "Thanks"
  body "Paid {{money event.amount}} [stop]({{unsubscribe_url}})"
}
"#;

    fn labels(items: &[CompletionItem]) -> Vec<&str> {
        items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn enum_variants_and_template_paths_come_from_the_model() {
        let mut workspace = crate::driver::Workspace::new(std::path::Path::new("/nowhere"));
        workspace.set_file("a.camp", PROJECT.to_string());
        let snap = workspace.snapshot();
        let model = snap.model;
        let variants = enum_after_operator(model, "  audience plan != ").expect("an enum");
        assert_eq!(labels(&variants), ["free", "pro"]);
        let variants = enum_after_operator(model, "  audience plan in [free, ").expect("an enum");
        assert_eq!(labels(&variants), ["free", "pro"]);
        assert!(enum_after_operator(model, "  audience email == ").is_none());
        // The message around a template, and what `event.` means at its send.
        let at = PROJECT.find("event.amount").unwrap() + "event.".len();
        let message = enclosing_message(model, PROJECT, at);
        assert_eq!(message, Some(MessageId(0)));
        let tag = template_tag(PROJECT, at).unwrap();
        assert_eq!(labels(&template_items(model, message, tag)), ["amount"]);
        assert_eq!(
            labels(&template_items(model, message, "event.")),
            ["amount", "note"]
        );
        assert!(labels(&template_items(model, message, "")).contains(&"money"));
        assert_eq!(labels(&template_items(model, message, "#")), BLOCK_HELPERS);
    }
}
