//! Messages as the model holds them: channel, category, sender, and the
//! template fields of each locale. The templates themselves are checked by
//! the message passes (`check::messages`), not here.

use std::collections::HashMap;
use std::sync::Arc;

use super::names::Decls;
use super::report;
use crate::check::model::{Category, Channel, LocaleContent, MessageDef, TemplateField};
use crate::check::MessageMemo;
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::FileId;
use crate::syntax::ast::{self, Field, ValueKind};
use crate::syntax::spans::refiled as refiled_spans;

/// One message resolved: the message (`None`: its channel is unknown) and
/// what resolving it reported.
pub(crate) type Resolved = (Option<Arc<MessageDef>>, Vec<Diagnostic>);

/// The messages of the model, sorted by name. A message whose channel is
/// unknown is reported and left out (a `send` of it is then skipped, not
/// reported again).
///
/// With a `memo`, a message whose declaration is where it was, in a file
/// of the same text, is taken from the previous check instead of being
/// resolved (and copied) again; the memo then keeps this check's messages
/// (see [`MessageMemo::resolved_key`] for what the key holds).
pub(super) fn build(
    decls: &Decls,
    email_from: Option<&str>,
    memo: Option<&mut MessageMemo>,
    problems: &mut Problems,
) -> Vec<Arc<MessageDef>> {
    let kept = memo.as_deref();
    // Each message on its own (on every core), in the order of their names;
    // a kept one reports again what it reported when it was resolved.
    let done = super::map_in_parallel(decls.messages.entries(), problems, |(name, msg), found| {
        let key = kept.and_then(|memo| memo.resolved_key(msg.span, email_from));
        if let Some(resolved) = key.as_ref().and_then(|k| kept?.resolved(k)) {
            let resolved = refiled(resolved, msg.span.file);
            found.extend(resolved.1.iter().cloned());
            return (key, resolved, false);
        }
        let mut own = Problems::new();
        let def = message(name, msg, email_from, &mut own).map(Arc::new);
        let reported = own.into_vec();
        found.extend(reported.iter().cloned());
        (key, Arc::new((def, reported)), true)
    });
    let mut messages = Vec::with_capacity(done.len());
    let mut entries = HashMap::with_capacity(if memo.is_some() { done.len() } else { 0 });
    let resolutions = done.iter().filter(|(_, _, fresh)| *fresh).count();
    for (key, resolved, _) in done {
        messages.extend(resolved.0.clone());
        if let Some(key) = key {
            entries.insert(key, resolved);
        }
    }
    if let Some(memo) = memo {
        memo.keep_resolved(entries, resolutions);
    }
    messages
}

/// A message kept from an earlier check, in file `file`: the same when its
/// file has that id still, else a copy with its spans moved there (a file
/// before it was added or removed).
fn refiled(resolved: Arc<Resolved>, file: FileId) -> Arc<Resolved> {
    let was = match (&resolved.0, resolved.1.first()) {
        (Some(def), _) => def.span.file,
        (None, Some(d)) => d.span.file,
        (None, None) => return resolved,
    };
    if was == file {
        return resolved;
    }
    let mut moved = refiled_spans(was, file);
    let def = resolved.0.as_ref().map(|def| {
        let mut def = MessageDef::clone(def);
        def.map_spans(&mut moved);
        Arc::new(def)
    });
    let mut reported = resolved.1.clone();
    for d in &mut reported {
        d.map_spans(&mut moved);
    }
    Arc::new((def, reported))
}

/// One message; `None` when its channel is unknown.
fn message(
    name: &str,
    msg: &ast::Message,
    email_from: Option<&str>,
    problems: &mut Problems,
) -> Option<MessageDef> {
    let Some(channel) = Channel::parse(&msg.channel.name) else {
        problems.push(report::unknown(
            "E0215",
            "channel",
            &msg.channel.name,
            msg.channel.span,
            Channel::ALL.iter().map(|c| c.as_str()),
            Some("the channels are email, sms, push, in_app and webhook".into()),
        ));
        return None;
    };
    let mut category = Category::Marketing;
    let mut from: Option<String> = None;
    let mut shared = Vec::new();
    for field in &msg.fields {
        match field.name.name.as_str() {
            "category" => match &field.value.kind {
                ValueKind::Word(w) if w.name == "transactional" => {
                    category = Category::Transactional
                }
                ValueKind::Word(w) if w.name == "marketing" => category = Category::Marketing,
                ValueKind::Word(w) => {
                    problems.push(crate::check::messages::invalid_category(&w.name, w.span))
                }
                _ => problems.push(crate::check::messages::invalid_category(
                    "this value",
                    field.value.span,
                )),
            },
            "from" => match &field.value.kind {
                ValueKind::Str(s) => from = Some(s.value.clone()),
                _ => not_text(field, problems),
            },
            _ => shared.extend(template(field, problems)),
        }
    }
    if from.is_none() && channel == Channel::Email {
        from = email_from.map(str::to_string);
    }
    let mut locales: Vec<LocaleContent> = Vec::new();
    for block in &msg.locales {
        if let Some(first) = locales.iter().find(|l| l.locale == block.locale.tag) {
            problems.push(report::repeated(
                &format!("the locale `{}` of message `{name}`", block.locale.tag),
                block.locale.span,
                first.span,
            ));
            continue;
        }
        locales.push(LocaleContent {
            locale: block.locale.tag.clone(),
            fields: block
                .fields
                .iter()
                .filter_map(|f| template(f, problems))
                .collect(),
            span: block.span,
        });
    }
    locales.sort_by(|a, b| a.locale.cmp(&b.locale));
    Some(MessageDef {
        name: name.to_string(),
        doc: msg.doc.as_ref().map(|d| d.text.clone()),
        channel,
        category,
        from,
        shared,
        locales,
        span: msg.span,
    })
}

/// A content field as a template. Bare words (`method POST`) are kept as
/// their text; other values are not templates and are reported.
fn template(field: &Field, problems: &mut Problems) -> Option<TemplateField> {
    match &field.value.kind {
        ValueKind::Str(s) => Some(TemplateField {
            name: field.name.name.clone(),
            source: s.value.clone(),
            span: s.span,
            offsets: s.offsets.clone(),
        }),
        ValueKind::Word(w) => Some(TemplateField {
            name: field.name.name.clone(),
            source: w.name.clone(),
            span: w.span,
            offsets: vec![(0, w.span.start)],
        }),
        _ => {
            not_text(field, problems);
            None
        }
    }
}

fn not_text(field: &Field, problems: &mut Problems) {
    problems.push(
        Diagnostic::error(
            "E0310",
            format!(
                "the message field `{}` must be text in quotes",
                field.name.name
            ),
            field.value.span,
        )
        .with_primary_label("not text")
        .with_help(format!("write `{} \"…\"`", field.name.name)),
    );
}
