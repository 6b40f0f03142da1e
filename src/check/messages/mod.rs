//! Checks the messages of a project: their templates (against the scope of
//! every place they are sent), their translations, and the rules of their
//! channel (required fields, consent, unsubscribe links, SMS segments,
//! push lengths, webhook JSON).
//!
//! The pass reads only the resolved [`Model`]. Each template is parsed once
//! with the handlebars crate's own parser; its syntax tree is then walked
//! once per distinct event scope it is sent in, so that `event.*` is checked
//! exactly where it means something.

mod channels;
mod helpers;
mod in_scope;
mod limits;
mod links;
mod locales;
mod samples;
mod scope;
mod template_helpers;
mod template_syntax;
mod templates;

use std::collections::HashMap;
use std::sync::Arc;

use crate::check::model::{
    walk_steps, CampaignId, EventId, MessageDef, MessageId, Model, Reference, StepKindDef,
};
use crate::diagnostics::{Diagnostic, Problems};
use crate::digest::{Digest, Hasher};
use crate::source::{FileId, Span};
use crate::template::Renderer;
use handlebars::template::Template;
use rayon::prelude::*;

pub use channels::{allowed_fields, invalid_category};
pub use in_scope::{send_event_scopes, template_members, TemplateMember};
pub use locales::{check_locale_tag, is_valid_locale};
pub use samples::{sample, value_json};

/// Checks every message of the model and reports into `problems`.
/// Returns what the templates' variables name (`customer.engagement` →
/// the score), for the model's reference table.
pub fn check_messages(
    model: &Model,
    problems: &mut Problems,
    memo: Option<&mut MessageMemo>,
    renderer: Option<&Renderer>,
) -> Vec<Reference> {
    let sends = collect_sends(model);
    let own;
    let renderer = match renderer {
        Some(renderer) => renderer,
        None => {
            own = Renderer::new();
            &own
        }
    };
    let samples = samples::Samples::new(model, renderer);
    let mut out = Vec::new();
    let mut references = Vec::new();
    locales::check_campaign_tags(model, &mut out);
    // The sends of each message, in campaign then flow order.
    let mut sends_of: Vec<Vec<&SendSite>> = vec![Vec::new(); model.messages.len()];
    for send in &sends {
        if let Some(list) = sends_of.get_mut(send.message.0 as usize) {
            list.push(send);
        }
    }
    // What each message's result is keyed by, when results are reused.
    let keys: Vec<Option<Digest>> = match memo.as_deref() {
        Some(memo) => {
            let env = memo.environment(model);
            model
                .messages
                .par_iter()
                .zip(sends_of.par_iter())
                .map(|(message, my_sends)| memo.key(&env, model, message, my_sends))
                .collect()
        }
        None => vec![None; model.messages.len()],
    };
    // Messages are checked in parallel; their reports and references are
    // joined in message order, so the result does not depend on the threads.
    let previous = memo.as_deref();
    let renumbered = previous.and_then(MessageMemo::renumbering);
    let per_message: Vec<(Arc<Findings>, bool)> = model
        .messages
        .par_iter()
        .zip(sends_of.par_iter())
        .zip(keys.par_iter())
        .map(|((message, my_sends), key)| {
            if let Some(found) = key.and_then(|k| previous?.entries.get(&k)) {
                match &renumbered {
                    None => return (Arc::clone(found), true),
                    Some(ids) => {
                        if let Some(moved) = found.renumbered(ids) {
                            return (Arc::new(moved), true);
                        }
                    }
                }
            }
            let mut found = Vec::new();
            let mut uses = Vec::new();
            check_message(model, &samples, message, my_sends, &mut found, &mut uses);
            // Sorted once here: joined in the order of the declarations
            // below, the uses of all messages need no sorting.
            uses.sort();
            uses.dedup();
            let found = Findings {
                diagnostics: found,
                references: uses,
            };
            (Arc::new(found), false)
        })
        .collect();
    for (found, _) in &per_message {
        out.extend(found.diagnostics.iter().cloned());
    }
    // The uses of each message lie inside its declaration: joined in the
    // order of the declarations, they are sorted already.
    let mut by_position: Vec<usize> = (0..per_message.len()).collect();
    by_position.sort_by_key(|&i| model.messages[i].span);
    for i in by_position {
        references.extend(per_message[i].0.references.iter().cloned());
    }
    if let Some(memo) = memo {
        memo.keep(&keys, &per_message);
    }
    for d in merge_duplicates(out) {
        problems.push(d);
    }
    references
}

/// What checking one message found.
#[derive(Debug)]
struct Findings {
    diagnostics: Vec<Diagnostic>,
    references: Vec<Reference>,
}

impl Findings {
    /// The findings with every span's file renumbered by `ids` (old id →
    /// new id); `None` when a span is in a file that is gone.
    fn renumbered(&self, ids: &[Option<FileId>]) -> Option<Findings> {
        let mut lost = false;
        let mut map = |span: Span| match ids.get(span.file.0 as usize).copied().flatten() {
            Some(file) => Span { file, ..span },
            None => {
                lost = true;
                span
            }
        };
        let mut diagnostics = self.diagnostics.clone();
        for d in &mut diagnostics {
            d.map_spans(&mut map);
        }
        let mut references = self.references.clone();
        for r in &mut references {
            r.span = map(r.span);
        }
        (!lost).then_some(Findings {
            diagnostics,
            references,
        })
    }
}

/// The findings of each message's check, kept from one check of a project
/// to the next, so that after an edit only the messages whose inputs
/// changed are checked again (the template parse, the sample renders and
/// the link checks are most of a check).
///
/// A message's findings depend on its own text and place (its file's path
/// and text digest, and its span), on how it is sent (each send's place
/// and event, and the sending campaign's name and locales), and on the
/// environment every message reads: the defaults, the schema and the
/// scores. The key is a digest of exactly those, with places named by
/// file path, not [`FileId`]: when a file added or removed renumbers the
/// files, the kept findings are reused with their spans renumbered.
/// Anything else a message check reads is a bug in this list
/// (`tests/incremental.rs` compares reused and cold results after random
/// edits).
///
/// The memo also keeps what resolving the messages and the campaigns gave
/// (see [`MessageMemo::resolved_key`] and [`MessageMemo::campaign_key`]),
/// so that the resolver, too, redoes only the declarations an edit
/// touched.
#[derive(Debug, Default)]
pub struct MessageMemo {
    /// Each file's path and text digest, by `FileId`, for the coming check.
    files: Vec<(String, Digest)>,
    /// The file paths by `FileId` of the check that kept `entries` (their
    /// spans carry those ids).
    kept_paths: Vec<String>,
    entries: HashMap<Digest, Arc<Findings>>,
    /// The messages the last check resolved (`resolve::build_model_reusing`),
    /// by [`MessageMemo::resolved_key`].
    resolved: HashMap<Digest, Arc<crate::check::resolve::Resolved>>,
    /// How many messages the last check resolved (the others it took
    /// from `resolved`).
    resolutions: usize,
    /// The campaigns the last check resolved without a problem, by
    /// [`MessageMemo::campaign_key`].
    campaigns: HashMap<Digest, Arc<crate::check::resolve::KeptCampaign>>,
    /// How many campaigns the last check resolved (the others it took
    /// from `campaigns`).
    campaign_resolutions: usize,
    /// The digest of the names of messages, segments and scores in the
    /// check that kept `campaigns`.
    campaign_names: Option<Digest>,
    reused: usize,
    checked: usize,
}

impl MessageMemo {
    pub fn new() -> MessageMemo {
        MessageMemo::default()
    }

    /// Sets each file's path and text digest, by `FileId` (path order),
    /// before a check.
    pub fn set_files(&mut self, files: Vec<(String, Digest)>) {
        self.files = files;
    }

    /// How many message results the last check reused and computed.
    pub fn last_counts(&self) -> (usize, usize) {
        (self.reused, self.checked)
    }

    /// The path of file `id` in the coming check.
    fn path(&self, id: FileId) -> Option<&str> {
        self.files.get(id.0 as usize).map(|(path, _)| path.as_str())
    }

    /// Feeds a span to `h` as its file's path and its offsets.
    fn span(&self, h: &mut Hasher, span: Span) {
        h.text(self.path(span.file).unwrap_or(""))
            .part(&span.start.to_le_bytes())
            .part(&span.end.to_le_bytes());
    }

    /// The key of a message resolved from the declaration at `span`, with
    /// `email_from` the project's default sender: the declaration's tree,
    /// and so what resolving it gives and reports, is decided by its
    /// file's text and its place in it. The file's id (which its spans
    /// carry) is not part of the key: a kept message is moved to its
    /// file's new id when it is taken (`resolve::messages`). `None` when
    /// the file has no digest.
    pub(crate) fn resolved_key(&self, span: Span, email_from: Option<&str>) -> Option<Digest> {
        let mut h = Hasher::new();
        self.place(&mut h, span)?;
        match email_from {
            Some(from) => h.part(b"from").text(from),
            None => h.part(b""),
        };
        Some(h.finish())
    }

    /// The message resolved under `key` by the last check.
    pub(crate) fn resolved(&self, key: &Digest) -> Option<Arc<crate::check::resolve::Resolved>> {
        self.resolved.get(key).cloned()
    }

    /// Keeps this check's resolved messages (only those), of which
    /// `resolutions` were resolved by it.
    pub(crate) fn keep_resolved(
        &mut self,
        entries: HashMap<Digest, Arc<crate::check::resolve::Resolved>>,
        resolutions: usize,
    ) {
        self.resolved = entries;
        self.resolutions = resolutions;
    }

    /// How many messages the last check resolved from their declarations
    /// (the others it took from the check before).
    pub fn last_resolutions(&self) -> usize {
        self.resolutions
    }

    /// Feeds to `h` the place of a declaration: its file's path and text
    /// digest and its offsets, not the file's id (`None`: the file has no
    /// digest).
    pub(crate) fn place(&self, h: &mut Hasher, span: Span) -> Option<()> {
        let (path, file) = self.files.get(span.file.0 as usize)?;
        h.text(path)
            .part(file)
            .part(&span.start.to_le_bytes())
            .part(&span.end.to_le_bytes());
        Some(())
    }

    /// The key of a campaign resolved from the declaration at `span` where
    /// what resolving a campaign reads of the rest of the project (but the
    /// names it finds there) has the digest `environment`: the
    /// declaration's tree is decided by its file's text and its place in
    /// it. Its file's id is not part of the key: a kept campaign is given
    /// the id of its file, and the ids of the declarations it names, when
    /// it is taken (`resolve::campaigns`). `None` when the file has no
    /// digest.
    pub(crate) fn campaign_key(&self, span: Span, environment: &Digest) -> Option<Digest> {
        let mut h = Hasher::new();
        self.place(h.part(environment), span)?;
        Some(h.finish())
    }

    /// The campaign the last check kept under `key`.
    pub(crate) fn campaign(
        &self,
        key: &Digest,
    ) -> Option<&Arc<crate::check::resolve::KeptCampaign>> {
        self.campaigns.get(key)
    }

    /// Keeps this check's campaigns (only those), of which `resolutions`
    /// were resolved by it; `names`: the digest of the names their ids
    /// stand for.
    pub(crate) fn keep_campaigns(
        &mut self,
        entries: HashMap<Digest, Arc<crate::check::resolve::KeptCampaign>>,
        names: Digest,
        resolutions: usize,
    ) {
        self.campaigns = entries;
        self.campaign_names = Some(names);
        self.campaign_resolutions = resolutions;
    }

    /// The digest of the names the kept campaigns' ids stand for.
    pub(crate) fn campaign_names(&self) -> Option<Digest> {
        self.campaign_names
    }

    /// How many campaigns the last check resolved from their declarations
    /// (the others it took from the check before).
    pub fn last_campaign_resolutions(&self) -> usize {
        self.campaign_resolutions
    }

    /// The digest of what every message's check reads of the project.
    fn environment(&self, model: &Model) -> Digest {
        let named =
            |text: String| crate::source::name_file_ids(&text, |n| self.path(FileId(n as u32)));
        Hasher::new()
            .text(&named(format!("{:?}", model.defaults)))
            .text(&named(format!("{:?}", model.schema)))
            .text(&named(format!("{:?}", model.scores)))
            .finish()
    }

    /// Old `FileId` → new, when the files of the coming check are numbered
    /// differently from those of the kept findings (`None`: the same).
    fn renumbering(&self) -> Option<Vec<Option<FileId>>> {
        let same = self.kept_paths.len() == self.files.len()
            && self
                .kept_paths
                .iter()
                .zip(&self.files)
                .all(|(a, (b, _))| a == b);
        if same {
            return None;
        }
        Some(
            self.kept_paths
                .iter()
                .map(|path| {
                    self.files
                        .binary_search_by(|(p, _)| p.as_str().cmp(path))
                        .ok()
                        .map(|i| FileId(i as u32))
                })
                .collect(),
        )
    }

    /// The key of one message's findings; `None` when its file has no key.
    fn key(
        &self,
        environment: &Digest,
        model: &Model,
        message: &MessageDef,
        sends: &[&SendSite],
    ) -> Option<Digest> {
        let (_, file) = self.files.get(message.span.file.0 as usize)?;
        let mut h = Hasher::new();
        h.part(environment).part(file);
        self.span(&mut h, message.span);
        h.part(&(sends.len() as u64).to_le_bytes());
        for send in sends {
            let campaign = model.campaign(send.campaign);
            h.text(&campaign.name);
            match campaign.setting_spans.get("locales") {
                Some(span) => self.span(h.part(b"locales"), *span),
                None => {
                    h.part(b"");
                }
            }
            h.text(&format!("{:?}", send.event));
            self.span(&mut h, send.span);
            h.part(&(campaign.locales.len() as u64).to_le_bytes());
            for locale in &campaign.locales {
                h.text(locale);
            }
        }
        Some(h.finish())
    }

    /// Keeps this check's findings (only those: a result no message has
    /// any more is dropped), with whether each was reused.
    fn keep(&mut self, keys: &[Option<Digest>], findings: &[(Arc<Findings>, bool)]) {
        let mut entries = HashMap::with_capacity(findings.len());
        for (key, (found, _)) in keys.iter().zip(findings) {
            if let Some(key) = key {
                entries.insert(*key, Arc::clone(found));
            }
        }
        self.reused = findings.iter().filter(|(_, reused)| *reused).count();
        self.checked = findings.len() - self.reused;
        self.entries = entries;
        self.kept_paths = self.files.iter().map(|(path, _)| path.clone()).collect();
    }
}

/// One `send` step: which campaign sends which message where, with the
/// event its templates see.
#[derive(Clone, Debug)]
pub(crate) struct SendSite {
    pub campaign: CampaignId,
    pub message: MessageId,
    pub event: Option<EventId>,
    pub span: Span,
}

/// Every `send` step of every campaign, in campaign then flow order.
fn collect_sends(model: &Model) -> Vec<SendSite> {
    let mut out = Vec::new();
    for (i, c) in model.campaigns.iter().enumerate() {
        walk_steps(&c.flow, &mut |step| {
            if let StepKindDef::Send {
                message,
                event_scope,
            } = &step.kind
            {
                out.push(SendSite {
                    campaign: CampaignId(i as u32),
                    message: *message,
                    event: *event_scope,
                    span: step.span,
                });
            }
        });
    }
    out
}

/// One template field of a message with its parse result.
pub(crate) struct ParsedField<'m> {
    /// The locale block it is written in; `None` for shared fields.
    pub locale: Option<&'m str>,
    pub field: &'m crate::check::model::TemplateField,
    /// `None` when the template has a syntax error (already reported).
    pub template: Option<Arc<Template>>,
    /// What the template uses, from a scope-independent walk.
    pub facts: templates::Facts,
}

fn check_message(
    model: &Model,
    samples: &samples::Samples,
    message: &MessageDef,
    sends: &[&SendSite],
    out: &mut Vec<Diagnostic>,
    references: &mut Vec<Reference>,
) {
    let mut parsed = Vec::new();
    for (locale, field) in message.template_fields() {
        let template = match template_syntax::parse(field, samples.renderer()) {
            Ok(t) => Some(t),
            Err(d) => {
                out.push(*d);
                None
            }
        };
        // The scope-independent walk: what the template uses. Its
        // diagnostics only count for messages no campaign sends; sent
        // messages are checked at each send below.
        let facts = match &template {
            Some(t) => {
                let facts =
                    templates::analyse(model, field, t, scope::EventScope::Unchecked, &[], locale);
                if sends.is_empty() {
                    out.extend(facts.diagnostics.iter().cloned());
                }
                references.extend(facts.references.iter().cloned());
                facts
            }
            None => templates::Facts::default(),
        };
        parsed.push(ParsedField {
            locale,
            field,
            template,
            facts,
        });
    }
    // One walk per distinct event scope, labelled with the sends that have it.
    let mut groups: Vec<(Option<EventId>, Vec<&SendSite>)> = Vec::new();
    for s in sends {
        match groups.iter_mut().find(|(e, _)| *e == s.event) {
            Some((_, g)) => g.push(s),
            None => groups.push((s.event, vec![s])),
        }
    }
    for (event, group) in &groups {
        for p in &parsed {
            if let Some(t) = &p.template {
                if !p.facts.reads_event {
                    // The walk above is what this scope's walk would find.
                    out.extend(p.facts.diagnostics.iter().cloned());
                    references.extend(p.facts.references.iter().cloned());
                    continue;
                }
                let facts = templates::analyse(
                    model,
                    p.field,
                    t,
                    scope::EventScope::Sent(*event),
                    group,
                    p.locale,
                );
                out.extend(facts.diagnostics);
                references.extend(facts.references);
            }
        }
    }
    locales::check_message(model, message, sends, &parsed, out);
    channels::check_message(model, message, sends, &parsed, out);
    limits::check_rendered(model, samples, message, sends, &parsed, out);
    links::check_email_links(model, samples, message, sends, &parsed, out);
}

/// What one SMS body costs: its text rendered with sample values, as the
/// checker judges its length (`W0601`, `E0607`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmsCost {
    /// The body's string literal.
    pub span: Span,
    /// The locale block it is written in; `None` for a body shared by
    /// every locale.
    pub locale: Option<String>,
    /// The costliest of its renders, one per event scope the message is
    /// sent in (the event's sample properties differ).
    pub count: crate::template::SmsCount,
}

/// The cost of each `body` of an SMS message, in source order (shared
/// body first, then the locale blocks). Empty for other channels; a body
/// whose template has errors has no meaningful cost and is left out.
pub fn sms_costs(model: &Model, renderer: &Renderer, id: MessageId) -> Vec<SmsCost> {
    let Some(message) = model.messages.get(id.index()) else {
        return Vec::new();
    };
    if message.channel != crate::check::model::Channel::Sms {
        return Vec::new();
    }
    let samples = samples::Samples::new(model, renderer);
    // The distinct event scopes it is sent in; unsent, none.
    let mut scopes: Vec<scope::EventScope> = Vec::new();
    for c in &model.campaigns {
        walk_steps(&c.flow, &mut |step| {
            if let StepKindDef::Send {
                message: m,
                event_scope,
            } = &step.kind
            {
                let s = scope::EventScope::Sent(*event_scope);
                if *m == id && !scopes.contains(&s) {
                    scopes.push(s);
                }
            }
        });
    }
    if scopes.is_empty() {
        scopes.push(scope::EventScope::Unchecked);
    }
    let mut out = Vec::new();
    for (locale, field) in message.template_fields() {
        if field.name != "body" {
            continue;
        }
        let Ok(template) = template_syntax::parse(field, renderer) else {
            continue;
        };
        let facts = templates::analyse(
            model,
            field,
            &template,
            scope::EventScope::Unchecked,
            &[],
            locale,
        );
        if facts.diagnostics.iter().any(|d| d.is_error()) {
            continue;
        }
        let parsed = ParsedField {
            locale,
            field,
            template: None,
            facts,
        };
        let count = scopes
            .iter()
            .map(|&s| {
                let text = limits::sample_text(model, &samples, message, &parsed, &template, s);
                crate::template::sms_segments(&text)
            })
            .max_by_key(|c| (c.segments, c.units));
        if let Some(count) = count {
            out.push(SmsCost {
                span: field.span,
                locale: locale.map(str::to_string),
                count,
            });
        }
    }
    out
}

/// Reports each problem once: diagnostics that are the same problem at the
/// same place (found at several sends) are merged, keeping every label.
fn merge_duplicates(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for d in diags {
        let same = out
            .iter_mut()
            .find(|o| o.code == d.code && o.span == d.span && o.message == d.message);
        match same {
            Some(o) => {
                for l in d.labels {
                    if !o.labels.contains(&l) {
                        o.labels.push(l);
                    }
                }
            }
            None => out.push(d),
        }
    }
    out
}

/// The head of a declaration (`message welcome`, `locale vi`): a one-line
/// span for diagnostics about the whole declaration, whose own span may
/// cover dozens of lines. The model keeps only the declaration's span,
/// which starts at its keyword.
pub(crate) fn head_span(span: Span, keyword: &str, name: &str) -> Span {
    let end = (span.start as usize + keyword.len() + 1 + name.len()).min(span.end as usize);
    Span::new(span.file, span.start as usize, end)
}

/// The first line of a template field's text (the whole literal when it is
/// empty): block strings span many lines.
pub(crate) fn first_line_span(field: &crate::check::model::TemplateField) -> Span {
    let end = field.source.find('\n').unwrap_or(field.source.len());
    if end == 0 {
        field.span
    } else {
        field.sub_span(0, end)
    }
}

/// The closest of `candidates` to `name`, for "did you mean" help: the
/// checker's one rule ([`crate::check::resolve::suggest::closest`]).
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    crate::check::resolve::suggest::closest(name, candidates)
}

/// "`a`, `b` and `c`"
pub(crate) fn list_names<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
#[cfg(test)]
mod tests;
