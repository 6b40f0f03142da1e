//! Lowering: one checked campaign → one [`Plan`].
//!
//! Reads only the checked [`Model`] (and the [`SourceMap`] for file names
//! and line numbers). Runs only on a model without errors; should an
//! invariant still be broken, it degrades (an empty name, a line 0) rather
//! than panicking.

use std::collections::BTreeMap;

use crate::check::model::{
    CampaignDef, CampaignId, Channel, MessageDef, MessageId, Model, Reentry, ScheduleDef, ScoreId,
    SegmentId, StepDef, StepKindDef, TriggerDef, Type,
};
use crate::digest::{Digest, Hasher};
use crate::source::{SourceMap, Span};

use super::assign::{HOLDOUT_SALT, KEY_SEPARATOR};
use super::canonical::{canonical_sha256_hex, string_map_sha256_hex};
use super::deps::{used_definitions, Named};
use super::format as f;
use super::lower_data::template_data;
use super::lower_expr::{clock, expr, literal, percent_to_buckets, weekday};
use super::lower_flow::{category, channel, lower_flow};

/// Lowers every campaign of the model, in name order.
pub fn lower_all(model: &Model, sources: &SourceMap) -> Vec<f::Plan> {
    use rayon::prelude::*;
    (0..model.campaigns.len())
        .into_par_iter()
        .map(|i| lower(model, sources, CampaignId(i as u32)))
        .collect()
}

/// Lowers one campaign into its execution plan, `hash` included.
pub fn lower(model: &Model, sources: &SourceMap, campaign: CampaignId) -> f::Plan {
    let def = model.campaign(campaign);
    let flow = lower_flow(model, sources, &def.flow);
    let messages: Vec<&MessageDef> = flow.messages.iter().map(|&m| model.message(m)).collect();
    let template_scores = scores_in_templates(model, &messages);
    let used = used_definitions(model, def, template_scores.into_iter().map(Named::Score));

    let mut plan = f::Plan {
        format: f::FORMAT.to_string(),
        campaign: def.name.clone(),
        stage: def.stage.clone(),
        doc: def.doc.clone(),
        source: source_ref(sources, def.span, flow.lines),
        trigger: trigger(model, def),
        audience: def.audience.as_ref().map(|e| expr(model, e)),
        reentry: match def.reentry {
            Reentry::Never => f::Reentry::Never,
            Reentry::After(d) => f::Reentry::After { after: d },
        },
        goal: def.goal.as_ref().map(|e| expr(model, e)),
        exit: def.exit_when.as_ref().map(|e| expr(model, e)),
        policies: policies(model, def),
        locales: def.locales.clone(),
        default_locale: default_locale(model, def),
        customer: customer_facts(model, &messages),
        assignment: f::Assignment {
            algorithm: f::ASSIGNMENT_ALGORITHM.to_string(),
            key: format!("{{customer_id}}{KEY_SEPARATOR}{{campaign}}{KEY_SEPARATOR}{{salt}}"),
            buckets: f::BUCKETS,
        },
        segments: used
            .iter()
            .filter_map(|n| match n {
                Named::Segment(id) => Some(*id),
                Named::Score(_) => None,
            })
            .map(|id| segment_entry(model, id))
            .collect(),
        scores: used
            .iter()
            .filter_map(|n| match n {
                Named::Score(id) => Some(score_entry(model, *id)),
                Named::Segment(_) => None,
            })
            .collect(),
        entry: flow.entry,
        nodes: flow.nodes,
        messages: messages
            .iter()
            .map(|m| (m.name.clone(), message(m, &def.locales)))
            .collect(),
        template_data: Default::default(),
        hash: String::new(),
    };
    plan.template_data = template_data(model, &messages, &plan);
    plan.hash = plan_hash(&plan);
    plan
}

/// The digest of what [`lower`] reads that is the same for every
/// campaign: the defaults, the stages and the schema (with places in them
/// named by file path, so that renumbered files change nothing).
pub fn project_inputs(model: &Model, sources: &SourceMap) -> Digest {
    let mut hasher = Hasher::new();
    hasher
        .text(&sources.name_files(&format!("{:?}", model.defaults)))
        .text(&format!("{:?}", model.stages))
        .text(&sources.name_files(&format!("{:?}", model.schema)));
    hasher.finish()
}

/// The digest of everything [`lower`] reads for `campaign`, `project`
/// being [`project_inputs`]: the campaign's file, the line it starts on
/// and its text (the plan's source lines follow from these), and the
/// kind, name, doc comment and text of each message it sends and of each
/// segment and score it uses, directly or not. Equal digests give equal
/// plans, so a plan can be kept under its digest and reused (the
/// workspace does).
///
/// A declaration's text stands for what it means because whatever it
/// names is in the digest too: attributes and events in the schema, the
/// messages, segments and scores by their own texts.
///
/// `texts` gives the digest of a declaration's text from its span:
/// [`text_digest`], or a memo of it (the workspace keeps one per
/// unchanged file, so an edit hashes only the texts it changed).
pub fn inputs_digest(
    model: &Model,
    sources: &SourceMap,
    campaign: CampaignId,
    project: &Digest,
    texts: &(dyn Fn(Span) -> Digest + Sync),
) -> Digest {
    let def = model.campaign(campaign);
    let mut hasher = Hasher::new();
    hasher.part(project);
    let (path, line) = if (def.span.file.0 as usize) < sources.files().len() {
        let path = sources.get(def.span.file).path.as_str();
        (path, sources.line_col(def.span).0)
    } else {
        ("", 0)
    };
    hasher.text(path).part(&line.to_le_bytes());
    declaration(
        &mut hasher,
        texts,
        "campaign",
        &def.name,
        &def.doc,
        def.span,
    );

    let mut sent = Vec::new();
    sends(&def.flow, &mut sent);
    sent.sort_unstable();
    sent.dedup();
    let messages: Vec<&MessageDef> = sent.iter().map(|&m| model.message(m)).collect();
    for m in &messages {
        declaration(&mut hasher, texts, "message", &m.name, &m.doc, m.span);
    }
    let template_scores = scores_in_templates(model, &messages);
    for named in used_definitions(model, def, template_scores.into_iter().map(Named::Score)) {
        match named {
            Named::Segment(id) => {
                let s = model.segment(id);
                declaration(&mut hasher, texts, "segment", &s.name, &s.doc, s.span);
            }
            Named::Score(id) => {
                let s = model.score(id);
                declaration(&mut hasher, texts, "score", &s.name, &s.doc, s.span);
            }
        }
    }
    hasher.finish()
}

/// Feeds one declaration to `hasher`: its kind, name, doc comment and the
/// digest of its text.
fn declaration(
    hasher: &mut Hasher,
    texts: &(dyn Fn(Span) -> Digest + Sync),
    kind: &str,
    name: &str,
    doc: &Option<String>,
    span: Span,
) {
    hasher.text(kind).text(name);
    match doc {
        Some(doc) => hasher.part(b"doc").text(doc),
        None => hasher.part(b""),
    };
    hasher.part(&texts(span));
}

/// The digest of the source text under `span` (of nothing, for a span in
/// no file of `sources`): what [`inputs_digest`] reads of a declaration.
pub fn text_digest(sources: &SourceMap, span: Span) -> Digest {
    let text = if (span.file.0 as usize) < sources.files().len() {
        sources.snippet(span)
    } else {
        ""
    };
    crate::digest::of(text.as_bytes())
}

/// Every message a flow sends, reachable or not.
fn sends(steps: &[StepDef], out: &mut Vec<MessageId>) {
    for step in steps {
        if let StepKindDef::Send { message, .. } = step.kind {
            out.push(message);
        }
        for block in step.blocks() {
            sends(block, out);
        }
    }
}

/// SHA-256 of the canonical JSON of [`plan_meaning`], so a comment or a
/// blank line added above a campaign, or moving it to another file,
/// leaves the hash alone.
pub fn plan_hash(plan: &f::Plan) -> String {
    match plan_meaning(plan) {
        Some(value) => canonical_sha256_hex(&value),
        // Plans hold only strings, integers, maps and lists: serializing
        // cannot fail. Should it, an empty digest never matches anything.
        None => String::new(),
    }
}

/// The plan as JSON without what is not its meaning: the `hash` itself and
/// the source positions (`source`).
/// `None` only if the plan cannot be serialized, which cannot happen.
pub fn plan_meaning(plan: &f::Plan) -> Option<serde_json::Value> {
    let mut value = serde_json::to_value(plan).ok()?;
    if let Some(map) = value.as_object_mut() {
        for field in f::NOT_HASHED {
            map.remove(*field);
        }
    }
    Some(value)
}

fn source_ref(sources: &SourceMap, span: Span, nodes: BTreeMap<String, u32>) -> f::SourceRef {
    if (span.file.0 as usize) < sources.files().len() {
        f::SourceRef {
            file: sources.get(span.file).path.clone(),
            line: sources.line_col(span).0 as u32,
            nodes,
        }
    } else {
        f::SourceRef {
            file: String::new(),
            line: 0,
            nodes,
        }
    }
}

fn trigger(model: &Model, def: &CampaignDef) -> f::Trigger {
    match &def.trigger {
        TriggerDef::Event { event, filter } => f::Trigger::Event {
            event: model.event(*event).name.clone(),
            filter: filter.as_ref().map(|e| expr(model, e)),
        },
        TriggerDef::Enters(segment) => f::Trigger::Enters {
            segment: model.segment(*segment).name.clone(),
        },
        TriggerDef::Changed { attr, to } => f::Trigger::Changed {
            attribute: model.attr(*attr).name.clone(),
            to: to.as_ref().map(literal),
        },
        TriggerDef::Every(schedule) => match *schedule {
            ScheduleDef::Daily { at } => f::Trigger::Every {
                period: f::Period::Day,
                weekday: None,
                day_of_month: None,
                at: clock(at),
            },
            ScheduleDef::Weekly { day, at } => f::Trigger::Every {
                period: f::Period::Week,
                weekday: Some(weekday(day)),
                day_of_month: None,
                at: clock(at),
            },
            ScheduleDef::Monthly { day, at } => f::Trigger::Every {
                period: f::Period::Month,
                weekday: None,
                day_of_month: Some(day),
                at: clock(at),
            },
        },
    }
}

fn policies(model: &Model, def: &CampaignDef) -> f::Policies {
    f::Policies {
        send_window: def.send_window.map(|(start, end)| f::SendWindow {
            start: clock(start),
            end: clock(end),
        }),
        cap: def.cap.map(|c| f::Cap {
            count: c.count,
            per: c.per,
        }),
        holdout: def.holdout.map(|p| f::Holdout {
            percent: p.to_string(),
            salt: HOLDOUT_SALT.to_string(),
            to_bucket: percent_to_buckets(p),
        }),
        pressure: model.defaults.pressure.map(|p| f::Pressure {
            count: p.count,
            per: p.per,
        }),
        priority: def.priority,
    }
}

/// The project's default locale when the campaign is sent in it,
/// otherwise the campaign's first locale.
fn default_locale(model: &Model, def: &CampaignDef) -> String {
    if def.locales.contains(&model.defaults.locale) {
        return model.defaults.locale.clone();
    }
    def.locales
        .first()
        .cloned()
        .unwrap_or_else(|| model.defaults.locale.clone())
}

fn customer_facts(model: &Model, messages: &[&MessageDef]) -> f::CustomerFacts {
    let mut channels = BTreeMap::new();
    for m in messages {
        channels
            .entry(m.channel.as_str().to_string())
            .or_insert_with(|| f::ChannelFacts {
                address: address_attr(model, m.channel),
                consent: model
                    .consent_attr(m.channel)
                    .map(|a| model.attr(a).name.clone()),
            });
    }
    f::CustomerFacts {
        locale: f::AttributeWithDefault {
            attribute: attr_of_type(model, &Type::Locale, "locale"),
            default: model.defaults.locale.clone(),
        },
        timezone: f::AttributeWithDefault {
            attribute: attr_of_type(model, &Type::Timezone, "timezone"),
            default: model.defaults.timezone.clone(),
        },
        channels,
    }
}

/// The attribute holding a channel's address: the one of the address type
/// named like the type (`email`, `phone`), else the first of that type.
/// Push and in-app messages reach a device the customer opted in on, so
/// their address is the channel's `consent(…)` attribute (the opt-in the
/// schema declares): unset means there is no device to send to. Webhooks
/// are addressed by their URL.
fn address_attr(model: &Model, channel: Channel) -> Option<String> {
    match channel {
        Channel::Email => attr_of_type(model, &Type::Email, "email"),
        Channel::Sms => attr_of_type(model, &Type::Phone, "phone"),
        Channel::Push | Channel::InApp => model
            .consent_attr(channel)
            .map(|a| model.attr(a).name.clone()),
        Channel::Webhook => None,
    }
}

/// The attribute of type `ty` (optional or not) named `preferred`, else
/// the first such attribute by name: where the customer's locale
/// (`Type::Locale`, `"locale"`), time zone or address is read.
pub fn attr_of_type(model: &Model, ty: &Type, preferred: &str) -> Option<String> {
    let mut of_type = model
        .schema
        .attrs
        .iter()
        .filter(|a| a.ty.strip_optional() == ty);
    let first = of_type.clone().next();
    of_type
        .find(|a| a.name == preferred)
        .or(first)
        .map(|a| a.name.clone())
}

/// A segment as the plan carries it: its name, doc and lowered condition.
pub fn segment_entry(model: &Model, id: SegmentId) -> f::SegmentEntry {
    let s = model.segment(id);
    // A model plans are made from holds the body of every segment a plan
    // carries (a lean check restores them: `check::check_reusing_lean`);
    // an empty `or`, false, would stand for a missing one.
    debug_assert!(s.expr.is_some(), "segment `{}` has no body", s.name);
    f::SegmentEntry {
        name: s.name.clone(),
        doc: s.doc.clone(),
        expr: match &s.expr {
            Some(body) => expr(model, body),
            None => f::Expr::Or { args: Vec::new() },
        },
    }
}

/// A score as the plan carries it: its name, doc and lowered rules.
pub fn score_entry(model: &Model, id: ScoreId) -> f::ScoreEntry {
    use crate::check::model::{ScoreRuleKindDef, TWindow};
    let def = model.score(id);
    f::ScoreEntry {
        name: def.name.clone(),
        doc: def.doc.clone(),
        rules: def
            .rules
            .iter()
            .map(|rule| match &rule.kind {
                ScoreRuleKindDef::PerEvent {
                    event,
                    filter,
                    window,
                    max,
                } => f::ScoreRule::PerEvent {
                    points: rule.points,
                    event: model.event(*event).name.clone(),
                    filter: filter.as_ref().map(|e| expr(model, e)),
                    within: match window {
                        Some(TWindow::Within(d)) => Some(*d),
                        _ => None,
                    },
                    since_entry: matches!(window, Some(TWindow::SinceEntry)),
                    max: *max,
                },
                ScoreRuleKindDef::If(cond) => f::ScoreRule::If {
                    points: rule.points,
                    when: expr(model, cond),
                },
            })
            .collect(),
    }
}

/// Scores that message templates read as `customer.NAME`, so the plan
/// carries their rules for the runtime that renders them: the template
/// variables the checker resolved, from the model's reference table (text
/// that merely reads "customer.engagement" outside `{{ }}` is no use).
fn scores_in_templates(model: &Model, messages: &[&MessageDef]) -> Vec<ScoreId> {
    let mut ids: Vec<ScoreId> = messages
        .iter()
        .flat_map(|m| model.template_scores_in(m.span))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A message's template sources in each of the campaign's locales.
fn message(m: &MessageDef, locales: &[String]) -> f::Message {
    let mut by_locale = BTreeMap::new();
    for locale in locales {
        let Some(fields) = m.fields_for(locale) else {
            continue;
        };
        let fields: BTreeMap<String, String> = fields
            .into_iter()
            .map(|field| (field.name.clone(), field.source.clone()))
            .collect();
        let content_hash = string_map_sha256_hex(&fields);
        by_locale.insert(
            locale.clone(),
            f::MessageLocale {
                fields,
                content_hash,
            },
        );
    }
    f::Message {
        channel: channel(m.channel),
        category: category(m.category),
        from: m.from.clone(),
        locales: by_locale,
    }
}
