//! Flows: steps into [`StepDef`]s, with the event in scope (`event.*`) at
//! every `send` — the trigger event at the top, the received event inside
//! `wait for … on event`, the outer scope in `on timeout`.

use std::sync::Arc;

use super::campaigns::{percent, CampaignEnv};
use super::expr::{duration, Scope, Typer};
use super::report;
use super::types::{self, type_name};
use crate::check::model::{
    walk_steps, AttrId, DecimalLit, EventId, MessageDef, MessageId, SplitVariantDef, StepDef,
    StepKindDef, Symbol,
};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, Block, StepKind};

/// Walks a flow, carrying the event in scope into nested blocks.
pub(super) struct FlowCx<'c, 'e, 'p> {
    pub cx: &'c CampaignEnv<'c>,
    pub typer: Typer<'e, 'p>,
    /// The campaign's name.
    pub campaign: &'c str,
    /// Split names seen in this campaign, for duplicates.
    pub splits: Vec<(String, Span)>,
    /// Step labels seen in this campaign, for duplicates (`E0707`).
    pub labels: Vec<(String, Span)>,
}

impl FlowCx<'_, '_, '_> {
    pub(super) fn block(&mut self, b: &Block, scope: Scope) -> Vec<StepDef> {
        b.steps.iter().filter_map(|s| self.step(s, scope)).collect()
    }

    fn step(&mut self, s: &ast::Step, scope: Scope) -> Option<StepDef> {
        let env = self.cx.env;
        let kind = match &s.kind {
            StepKind::Send { message } => {
                if env.decls.messages.id(&message.name).is_none() {
                    self.typer.problems_mut().push(report::unknown(
                        "E0208",
                        "message",
                        &message.name,
                        message.span,
                        env.decls.messages.names(),
                        Some("messages are declared with `message NAME: CHANNEL { … }`".into()),
                    ));
                    return None;
                }
                env.decls
                    .uses
                    .add(message.span, Symbol::Message(message.name.clone()));
                // A declared message missing from the model (its channel is
                // unknown) was reported already: skip the step quietly.
                let id = message_id(self.cx.messages, &message.name)?;
                StepKindDef::Send {
                    message: id,
                    event_scope: scope.in_scope,
                }
            }
            StepKind::Wait { duration: d } => StepKindDef::Wait(duration(d)),
            StepKind::WaitUntil { time, day } => StepKindDef::WaitUntil {
                minutes: time.minutes,
                day: day.map(|(d, _)| d),
            },
            StepKind::WaitFor {
                event,
                filter,
                timeout,
                on_event,
                on_timeout,
            } => {
                let ev: EventId = self.typer.event(event)?;
                let filter = filter.as_ref().map(|f| self.typer.filter(f, ev, scope));
                let received = Scope {
                    in_scope: Some(ev),
                    ..scope
                };
                StepKindDef::WaitFor {
                    event: ev,
                    filter,
                    timeout: duration(timeout),
                    on_event: on_event
                        .as_ref()
                        .map(|b| self.block(b, received))
                        .unwrap_or_default(),
                    on_timeout: on_timeout
                        .as_ref()
                        .map(|b| self.block(b, scope))
                        .unwrap_or_default(),
                }
            }
            StepKind::If {
                branches,
                otherwise,
            } => StepKindDef::If {
                branches: branches
                    .iter()
                    .map(|(c, b)| {
                        (
                            self.typer.condition(c, scope, "an `if` condition"),
                            self.block(b, scope),
                        )
                    })
                    .collect(),
                otherwise: otherwise.as_ref().map(|b| self.block(b, scope)),
            },
            StepKind::Split { name, variants } => {
                if let Some((_, first)) = self.splits.iter().find(|(n, _)| n == &name.name) {
                    let first = *first;
                    self.typer
                        .problems_mut()
                        .push(report::duplicate("split", &name.name, name.span, first));
                } else {
                    self.splits.push((name.name.clone(), name.span));
                    let sym = Symbol::Split {
                        campaign: self.campaign.to_string(),
                        split: name.name.clone(),
                    };
                    env.decls.uses.declare(sym, name.span, s.span);
                    for v in variants {
                        let sym = Symbol::SplitVariant {
                            campaign: self.campaign.to_string(),
                            split: name.name.clone(),
                            variant: v.name.name.clone(),
                        };
                        env.decls.uses.declare(sym, v.name.span, v.span);
                    }
                }
                let mut defs: Vec<SplitVariantDef> = Vec::new();
                for v in variants {
                    if let Some(first) = defs.iter().find(|d| d.name == v.name.name) {
                        let first = first.span;
                        self.typer.problems_mut().push(report::duplicate(
                            "variant",
                            &v.name.name,
                            v.name.span,
                            first,
                        ));
                        continue;
                    }
                    let pct = percent(&mut self.typer, &v.percent, "a split variant").unwrap_or(
                        DecimalLit {
                            mantissa: 0,
                            scale: 0,
                        },
                    );
                    defs.push(SplitVariantDef {
                        name: v.name.name.clone(),
                        percent: pct,
                        steps: self.block(&v.body, scope),
                        span: v.span,
                    });
                }
                StepKindDef::Split {
                    name: name.name.clone(),
                    variants: defs,
                }
            }
            StepKind::Set { attr, value } => {
                let Some(id) = env.decls.attrs.id(&attr.name) else {
                    self.typer.problems_mut().push(report::unknown(
                        "E0203",
                        "attribute",
                        &attr.name,
                        attr.span,
                        env.decls.attrs.names(),
                        Some("`set` changes an attribute declared in `schema`".into()),
                    ));
                    return None;
                };
                env.decls
                    .uses
                    .add(attr.span, Symbol::Attr(attr.name.clone()));
                let aty = env.schema.attrs[id as usize].ty.clone();
                let t = self.typer.expr(value, scope, Some(&aty));
                if !types::assignable(&aty, &t.ty) {
                    let (at, vt) = (type_name(&aty, env.schema), type_name(&t.ty, env.schema));
                    let help = if t.ty.is_optional() && !aty.is_optional() {
                        format!("the value may be unset, but `{}` is required; give it a value that is always set", attr.name)
                    } else {
                        format!("`set {}` needs {} value", attr.name, types::a(&at))
                    };
                    self.typer.problems_mut().push(
                        Diagnostic::error(
                            "E0306",
                            format!(
                                "cannot set `{}` (`{at}`) to a value of type `{vt}`",
                                attr.name
                            ),
                            t.span,
                        )
                        .with_primary_label(format!("this is `{vt}`"))
                        .with_label(
                            env.decls
                                .attrs
                                .get(&attr.name)
                                .map_or(attr.span, |a| a.name.span),
                            format!("`{}` is declared `{at}` here", attr.name),
                        )
                        .with_help(help),
                    );
                }
                StepKindDef::Set {
                    attr: AttrId(id),
                    value: t,
                }
            }
            StepKind::Exit => StepKindDef::Exit,
        };
        let label = s.label.as_ref().and_then(|l| self.label(l));
        Some(StepDef {
            label,
            kind,
            span: s.span,
        })
    }

    /// A step's label, unless another step of the campaign has it
    /// (`E0707`: two steps cannot share one identity).
    fn label(&mut self, label: &ast::Ident) -> Option<String> {
        if let Some((_, first)) = self.labels.iter().find(|(n, _)| n == &label.name) {
            let first = *first;
            self.typer.problems_mut().push(
                Diagnostic::error(
                    "E0707",
                    format!(
                        "the step label `{}` is used twice in campaign `{}`",
                        label.name, self.campaign
                    ),
                    label.span,
                )
                .with_primary_label("labelled again here")
                .with_label(first, "first used here")
                .with_help(format!(
                    "a label names one step of the campaign (its plan id is `@{}`); rename one of them",
                    label.name
                )),
            );
            return None;
        }
        self.labels.push((label.name.clone(), label.span));
        Some(label.name.clone())
    }
}

/// Messages a flow sends anywhere in it.
pub(super) fn sent_messages(steps: &[StepDef], out: &mut Vec<MessageId>) {
    walk_steps(steps, &mut |s| {
        if let StepKindDef::Send { message, .. } = &s.kind {
            out.push(*message);
        }
    });
}

/// Splits of a flow with their variants' names.
pub(super) fn splits(steps: &[StepDef], out: &mut Vec<(String, Vec<String>)>) {
    walk_steps(steps, &mut |s| {
        if let StepKindDef::Split { name, variants } = &s.kind {
            out.push((
                name.clone(),
                variants.iter().map(|v| v.name.clone()).collect(),
            ));
        }
    });
}

/// The id of a message of the model by name.
pub(super) fn message_id(messages: &[Arc<MessageDef>], name: &str) -> Option<MessageId> {
    messages
        .binary_search_by(|m| m.name.as_str().cmp(name))
        .ok()
        .map(|i| MessageId(i as u32))
}
