//! `test` blocks: the campaign and persona they run, the events and
//! attribute changes they feed in, and what they expect.

use std::sync::Arc;

use super::expr::{duration, Env};
use super::flow::{message_id, sent_messages, splits};
use super::names::Decls;
use super::record;
use super::report;
use super::values::ValueChecker;
use crate::check::model::{
    AttrId, CampaignDef, CampaignId, EventId, ExpectDef, ExpectKind, MessageDef, MessageId,
    PersonaId, SwitchDef, Symbol, TestAction, TestActionKind, TestDef, TimeBoundDef,
    VariantConflict, VariantDef,
};
use crate::diagnostics::{Diagnostic, Fix, Problems};
use crate::source::Span;
use crate::syntax::ast::{
    self, Expectation, Ident, TestItemKind, TimeBound, ValueKind, VariantChoice,
};

/// The start of a test that does not give one: Monday 5 January 2026, 10:00.
pub const DEFAULT_START: jiff::civil::DateTime = jiff::civil::date(2026, 1, 5).at(10, 0, 0, 0);

/// What tests are checked against.
pub(super) struct TestEnv<'a> {
    pub env: &'a Env<'a>,
    pub campaigns: &'a [Arc<CampaignDef>],
    pub messages: &'a [Arc<MessageDef>],
}

/// Tests whose campaign and persona resolve; the others are reported and
/// left out.
pub(super) fn build(cx: &TestEnv, problems: &mut Problems) -> Vec<TestDef> {
    cx.env
        .decls
        .tests
        .iter()
        .filter_map(|t| test(cx, t, problems))
        .collect()
}

fn item_key(kind: &TestItemKind) -> Option<&'static str> {
    match kind {
        TestItemKind::Persona(_) => Some("persona"),
        TestItemKind::Start(_) => Some("start"),
        _ => None,
    }
}

fn test(cx: &TestEnv, t: &ast::Test, problems: &mut Problems) -> Option<TestDef> {
    let decls = cx.env.decls;
    // `campaign`, `persona` and `start` at most once; `variant` lines are
    // checked against each other below.
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    let mut once: Vec<&ast::TestItem> = Vec::new();
    for item in &t.items {
        if let Some(key) = item_key(&item.kind) {
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                problems.push(report::repeated(&format!("`{key}`"), item.span, *first));
                continue;
            }
            seen.push((key, item.span));
            once.push(item);
        }
    }
    // Several `campaign` lines run the campaigns together (sharing the
    // project's `pressure`); each campaign at most once.
    let mut campaign_names: Vec<&Ident> = Vec::new();
    for item in &t.items {
        if let TestItemKind::Campaign(c) = &item.kind {
            if let Some(first) = campaign_names.iter().find(|f| f.name == c.name) {
                problems.push(report::repeated(
                    &format!("campaign `{}`", c.name),
                    c.span,
                    first.span,
                ));
                continue;
            }
            campaign_names.push(c);
        }
    }
    let campaign_name = campaign_names.first().copied();
    let persona_name = once.iter().find_map(|i| match &i.kind {
        TestItemKind::Persona(p) => Some(p),
        _ => None,
    });
    let mut missing: Vec<&str> = Vec::new();
    if campaign_name.is_none() {
        missing.push("campaign");
    }
    if persona_name.is_none() {
        missing.push("persona");
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        problems.push(
            Diagnostic::error("E0805", format!("test \"{}\" does not say its {}", t.name.value, list.join(" and ")), t.name.span)
                .with_primary_label(format!("no {}", list.join(" or ")))
                .with_help("a test names the campaign it runs and the persona it runs it for, e.g. `campaign onboarding` and `persona linh`"),
        );
    }
    for c in &campaign_names {
        if decls.campaigns.id(&c.name).is_some() {
            decls.uses.add(c.span, Symbol::Campaign(c.name.clone()));
        }
    }
    if let Some(p) = persona_name.filter(|p| decls.personas.id(&p.name).is_some()) {
        decls.uses.add(p.span, Symbol::Persona(p.name.clone()));
    }
    let resolved: Vec<Option<u32>> = campaign_names
        .iter()
        .map(|c| {
            resolve(
                c,
                "campaign",
                "E0209",
                decls.campaigns.id(&c.name),
                decls.campaigns.names(),
                problems,
            )
        })
        .collect();
    let campaign = resolved.first().copied().flatten();
    let also: Vec<CampaignId> = resolved
        .iter()
        .skip(1)
        .flatten()
        .map(|&id| CampaignId(id))
        .collect();
    let all_resolved = resolved.iter().all(Option::is_some);
    let persona = persona_name.and_then(|p| {
        resolve(
            p,
            "persona",
            "E0210",
            decls.personas.id(&p.name),
            decls.personas.names(),
            problems,
        )
    });
    let campaign_def = campaign.map(|id| &*cx.campaigns[id as usize]);

    let mut fixed: Vec<(VariantDef, Span)> = Vec::new();
    for item in &t.items {
        if let TestItemKind::Variant(v) = &item.kind {
            if let Some(def) = variant_def(v, campaign_def, decls, problems) {
                if let Some(d) = variant_conflict(&def, item.span, &fixed) {
                    problems.push(d);
                } else {
                    fixed.push((def, item.span));
                }
            }
        }
    }
    let variants = fixed.into_iter().map(|(v, _)| v).collect();
    let mut start = DEFAULT_START;
    for item in &once {
        let TestItemKind::Start(v) = &item.kind else {
            continue;
        };
        match &v.kind {
            ValueKind::DateTime(dt) => start = *dt,
            ValueKind::Date(d) => start = d.at(0, 0, 0, 0),
            _ => problems.push(
                Diagnostic::error("E0808", "`start` needs a local date and time", v.span)
                    .with_primary_label("not a local date-time")
                    .with_help("write the persona's local time without an offset, e.g. `start 2026-11-02T10:00`"),
            ),
        }
    }

    let mut sent: Vec<MessageId> = Vec::new();
    if let Some(c) = campaign_def {
        sent_messages(&c.flow, &mut sent);
    }
    for id in &also {
        sent_messages(&cx.campaigns[id.index()].flow, &mut sent);
    }
    // An expected message must be sent by one of the test's campaigns
    // (none checked when one of them did not resolve).
    let run: Vec<&CampaignDef> = match campaign_def {
        Some(c) if all_resolved => std::iter::once(c)
            .chain(also.iter().map(|id| &*cx.campaigns[id.index()]))
            .collect(),
        _ => Vec::new(),
    };
    let mut actions = Vec::new();
    let mut expectations = Vec::new();
    let mut switch: Option<SwitchDef> = None;
    let mut values = ValueChecker {
        schema: cx.env.schema,
        problems,
    };
    for item in &t.items {
        match &item.kind {
            TestItemKind::AtEvent {
                offset,
                event,
                fields,
            } => {
                let Some(id) = decls.events.id(&event.name) else {
                    values.problems.push(report::unknown(
                        "E0204",
                        "event",
                        &event.name,
                        event.span,
                        decls.events.names(),
                        None,
                    ));
                    continue;
                };
                let sym = Symbol::Event(event.name.clone());
                decls.uses.add(event.span, sym);
                record::payload(decls, cx.env.schema, EventId(id), fields);
                let def = &cx.env.schema.events[id as usize];
                let payload = values.record(fields, &def.fields, &def.name, event.span);
                actions.push(TestAction {
                    offset: duration(offset),
                    kind: TestActionKind::Event {
                        event: EventId(id),
                        payload,
                    },
                    span: item.span,
                });
            }
            TestItemKind::AtSet {
                offset,
                attr,
                value,
            } => {
                let Some((id, v)) = attr_value(&mut values, cx, attr, value) else {
                    continue;
                };
                actions.push(TestAction {
                    offset: duration(offset),
                    kind: TestActionKind::Set { attr: id, value: v },
                    span: item.span,
                });
            }
            TestItemKind::AtSwitch { offset, dir } => {
                if let Some(first) = &switch {
                    values
                        .problems
                        .push(report::repeated("`switch`", item.span, first.span));
                    continue;
                }
                if !also.is_empty() {
                    values.problems.push(
                        Diagnostic::error(
                            "E0809",
                            "a test that runs several campaigns cannot switch plans",
                            item.span,
                        )
                        .with_primary_label("a switch replaces one campaign's plan")
                        .with_help(
                            "keep one `campaign` line in a test that switches, \
                             or test the switch of each campaign on its own",
                        ),
                    );
                    continue;
                }
                if dir.value.trim().is_empty() {
                    values.problems.push(
                        Diagnostic::error("E0810", "`switch to` needs a directory", dir.span)
                            .with_primary_label("no directory")
                            .with_help(
                                "write the project to switch to, relative to this project, \
                                 e.g. `at 1d switch to \"../v2\"`",
                            ),
                    );
                    continue;
                }
                switch = Some(SwitchDef {
                    offset: duration(offset),
                    dir: dir.value.clone(),
                    span: item.span,
                });
            }
            TestItemKind::Expect(e) => {
                let kind = match e {
                    Expectation::Sent { message, when } => {
                        let Some(id) = expected_message(cx, message, &run, &sent, values.problems)
                        else {
                            continue;
                        };
                        ExpectKind::Sent {
                            message: id,
                            when: when.as_ref().map(bound),
                        }
                    }
                    Expectation::NotSent { message } => {
                        let Some(id) = expected_message(cx, message, &run, &sent, values.problems)
                        else {
                            continue;
                        };
                        ExpectKind::NotSent { message: id }
                    }
                    Expectation::Converted { when } => ExpectKind::Converted {
                        when: when.as_ref().map(bound),
                    },
                    Expectation::Exited { when } => ExpectKind::Exited {
                        when: when.as_ref().map(bound),
                    },
                    Expectation::Completed => ExpectKind::Completed,
                    Expectation::Attr { attr, op, value } => {
                        let Some((id, v)) = attr_value(&mut values, cx, attr, value) else {
                            continue;
                        };
                        ExpectKind::Attr {
                            attr: id,
                            op: *op,
                            value: v,
                        }
                    }
                };
                expectations.push(ExpectDef {
                    kind,
                    span: item.span,
                });
            }
            _ => {}
        }
    }

    Some(TestDef {
        name: t.name.value.clone(),
        doc: t.doc.as_ref().map(|d| d.text.clone()),
        campaign: CampaignId(campaign?),
        also,
        switch,
        persona: PersonaId(persona?),
        variants,
        start,
        actions,
        expectations,
        span: t.span,
    })
}

fn resolve<'a>(
    name: &Ident,
    kind: &str,
    code: &'static str,
    id: Option<u32>,
    candidates: impl IntoIterator<Item = &'a str>,
    problems: &mut Problems,
) -> Option<u32> {
    if id.is_none() {
        problems.push(report::unknown(
            code, kind, &name.name, name.span, candidates, None,
        ));
    }
    id
}

fn bound(b: &TimeBound) -> TimeBoundDef {
    match b {
        TimeBound::At(d) => TimeBoundDef::At(duration(d)),
        TimeBound::By(d) => TimeBoundDef::By(duration(d)),
    }
}

/// An attribute and a value of its type (`at … set`, `expect customer.…`).
fn attr_value(
    values: &mut ValueChecker,
    cx: &TestEnv,
    attr: &Ident,
    value: &ast::Value,
) -> Option<(AttrId, crate::check::model::Value)> {
    let decls = cx.env.decls;
    let Some(id) = decls.attrs.id(&attr.name) else {
        values.problems.push(report::unknown(
            "E0203",
            "attribute",
            &attr.name,
            attr.span,
            decls.attrs.names(),
            None,
        ));
        return None;
    };
    decls.uses.add(attr.span, Symbol::Attr(attr.name.clone()));
    let ty = &cx.env.schema.attrs[id as usize].ty;
    record::value(decls, cx.env.schema, value, ty);
    let v = values.convert(value, ty, &format!("`{}`", attr.name))?;
    Some((AttrId(id), v))
}

/// The message of an expectation: it must exist, and the campaign must
/// send it somewhere.
fn expected_message(
    cx: &TestEnv,
    message: &Ident,
    campaigns: &[&CampaignDef],
    sent: &[MessageId],
    problems: &mut Problems,
) -> Option<MessageId> {
    let decls = cx.env.decls;
    if decls.messages.id(&message.name).is_none() {
        problems.push(report::unknown(
            "E0208",
            "message",
            &message.name,
            message.span,
            decls.messages.names(),
            None,
        ));
        return None;
    }
    let sym = Symbol::Message(message.name.clone());
    decls.uses.add(message.span, sym);
    // A declared message missing from the model was reported already.
    let id = message_id(cx.messages, &message.name)?;
    if let Some(c) = campaigns.first() {
        if !sent.contains(&id) {
            let sent_names: Vec<&str> = sent
                .iter()
                .map(|m| cx.messages[m.index()].name.as_str())
                .collect();
            let names: Vec<String> = campaigns.iter().map(|c| format!("`{}`", c.name)).collect();
            let (message_text, label) = if campaigns.len() == 1 {
                (
                    format!(
                        "an expectation about the message `{}`, which campaign `{}` never sends",
                        message.name, c.name
                    ),
                    "never sent by this campaign",
                )
            } else {
                (
                    format!(
                        "an expectation about the message `{}`, which none of the campaigns {} sends",
                        message.name,
                        names.join(", ")
                    ),
                    "never sent by these campaigns",
                )
            };
            let mut d =
                Diagnostic::error("E0806", message_text, message.span).with_primary_label(label);
            for c in campaigns {
                d = d.with_label(
                    decls.campaigns.get(&c.name).map_or(c.span, |d| d.name.span),
                    format!("campaign `{}` declared here", c.name),
                );
            }
            let who = if campaigns.len() == 1 {
                format!("campaign `{}` sends", c.name)
            } else {
                format!("campaigns {} send", names.join(", "))
            };
            d = match super::suggest::closest(&message.name, sent_names.iter().copied()) {
                Some(s) => d
                    .with_help(format!("did you mean `{s}`?"))
                    .with_fix(Fix::replace(message.span, s)),
                None if sent_names.is_empty() => d.with_help(format!("{who} no messages")),
                None => {
                    let list: Vec<String> = sent_names.iter().map(|n| format!("`{n}`")).collect();
                    d.with_help(format!("{who} {}", list.join(", ")))
                }
            };
            problems.push(d);
            return None;
        }
    }
    Some(id)
}

/// Whether a `variant` line contradicts one already kept: a second line for
/// the holdout group or for the same split is given twice (E0216).
fn variant_conflict(
    def: &VariantDef,
    span: Span,
    kept: &[(VariantDef, Span)],
) -> Option<Diagnostic> {
    kept.iter().find_map(|(other, first)| {
        Some(match def.conflict_with(other)? {
            VariantConflict::Group => report::repeated(
                "the holdout group (`variant holdout` or `variant treatment`)",
                span,
                *first,
            ),
            VariantConflict::Split(split) => {
                report::repeated(&format!("the variant of split `{split}`"), span, *first)
            }
        })
    })
}

/// `variant holdout | treatment | SPLIT.VARIANT`, checked against the
/// campaign's splits.
fn variant_def(
    v: &VariantChoice,
    campaign: Option<&CampaignDef>,
    decls: &Decls,
    problems: &mut Problems,
) -> Option<VariantDef> {
    match v {
        VariantChoice::Holdout(_) => Some(VariantDef::Holdout),
        VariantChoice::Treatment(_) => Some(VariantDef::Treatment),
        VariantChoice::Split { split, variant } => {
            let c = campaign?;
            let mut all = Vec::new();
            splits(&c.flow, &mut all);
            let Some((_, variants)) = all.iter().find(|(n, _)| n == &split.name) else {
                let help = if all.is_empty() {
                    Some(format!("campaign `{}` has no `split`; use `variant holdout` or `variant treatment`", c.name))
                } else {
                    None
                };
                problems.push(report::unknown_msg(
                    "E0807",
                    format!("campaign `{}` has no split `{}`", c.name, split.name),
                    "unknown split".into(),
                    &split.name,
                    split.span,
                    all.iter().map(|(n, _)| n.as_str()),
                    help,
                ));
                return None;
            };
            if !variants.contains(&variant.name) {
                let list: Vec<String> = variants.iter().map(|v| format!("`{v}`")).collect();
                problems.push(report::unknown_msg(
                    "E0807",
                    format!("split `{}` has no variant `{}`", split.name, variant.name),
                    "unknown variant".into(),
                    &variant.name,
                    variant.span,
                    variants.iter().map(String::as_str),
                    Some(format!(
                        "the variants of `{}` are {}",
                        split.name,
                        list.join(", ")
                    )),
                ));
                return None;
            }
            let at = |variant: Option<&str>| match variant {
                None => Symbol::Split {
                    campaign: c.name.clone(),
                    split: split.name.clone(),
                },
                Some(v) => Symbol::SplitVariant {
                    campaign: c.name.clone(),
                    split: split.name.clone(),
                    variant: v.to_string(),
                },
            };
            decls.uses.add(split.span, at(None));
            decls.uses.add(variant.span, at(Some(&variant.name)));
            Some(VariantDef::Split {
                split: split.name.clone(),
                variant: variant.name.clone(),
            })
        }
    }
}
