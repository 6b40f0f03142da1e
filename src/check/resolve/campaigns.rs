//! Campaigns: settings (each at most once, `stage` and `trigger` exactly
//! once), the trigger, and the flow with the event in scope at every step.

use super::expr::{duration, Env, Scope, Typer};
use super::report;
use super::types::{self, type_name};
use crate::check::model::{
    AttrId, CampaignDef, Cap, DecimalLit, EventId, MessageDef, MessageId, Reentry, ScheduleDef,
    SegmentId, SplitVariantDef, StepDef, StepKindDef, TExprKind, TriggerDef,
};
use crate::diagnostics::{Diagnostic, Problems};
use crate::source::Span;
use crate::syntax::ast::{self, Block, SettingKind, StepKind, TriggerKind, ValueKind};

/// What the campaign builder reads besides the declarations.
pub(super) struct CampaignEnv<'a> {
    pub env: &'a Env<'a>,
    pub stages: &'a [String],
    pub default_locale: &'a str,
    /// The messages of the model (sorted by name); a declared message
    /// missing from it (unknown channel) was reported already.
    pub messages: &'a [MessageDef],
}

pub(super) fn build(cx: &CampaignEnv, problems: &mut Problems) -> Vec<CampaignDef> {
    cx.env
        .decls
        .campaigns
        .iter()
        .map(|(name, c)| campaign(cx, name, c, problems))
        .collect()
}

fn setting_name(kind: &SettingKind) -> &'static str {
    match kind {
        SettingKind::Stage(_) => "stage",
        SettingKind::Trigger(_) => "trigger",
        SettingKind::Audience(_) => "audience",
        SettingKind::Reentry(_) => "reentry",
        SettingKind::Goal(_) => "goal",
        SettingKind::ExitWhen(_) => "exit when",
        SettingKind::Locales(_) => "locales",
        SettingKind::SendWindow { .. } => "send_window",
        SettingKind::Cap { .. } => "cap",
        SettingKind::Holdout(_) => "holdout",
    }
}

fn campaign(
    cx: &CampaignEnv,
    name: &str,
    c: &ast::Campaign,
    problems: &mut Problems,
) -> CampaignDef {
    // Each setting at most once: the first one counts.
    let mut seen: Vec<(&'static str, Span)> = Vec::new();
    let mut settings: Vec<&ast::Setting> = Vec::new();
    for s in &c.settings {
        let key = setting_name(&s.kind);
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            problems.push(report::repeated(
                &format!("`{key}` in campaign `{name}`"),
                s.span,
                *first,
            ));
            continue;
        }
        seen.push((key, s.span));
        settings.push(s);
    }
    let find = |key: &str| {
        settings
            .iter()
            .find(|s| setting_name(&s.kind) == key)
            .copied()
    };

    let stage = match find("stage").map(|s| &s.kind) {
        Some(SettingKind::Stage(stage)) => {
            if !cx.stages.contains(&stage.name) {
                problems.push(report::unknown(
                    "E0212",
                    "lifecycle stage",
                    &stage.name,
                    stage.span,
                    cx.stages.iter().map(String::as_str),
                    Some(format!("the stages are {}", cx.stages.join(", "))),
                ));
            }
            stage.name.clone()
        }
        _ => {
            problems.push(missing(
                name,
                c,
                "stage",
                "add `stage onboarding` (or another lifecycle stage)",
            ));
            String::new()
        }
    };

    let mut typer = Typer::new(cx.env, problems);
    let (trigger, trigger_span) = match find("trigger") {
        Some(
            s @ ast::Setting {
                kind: SettingKind::Trigger(t),
                ..
            },
        ) => (
            trigger_def(&mut typer, t).unwrap_or(PLACEHOLDER_TRIGGER),
            s.span,
        ),
        _ => {
            typer.problems_mut().push(missing(
                name,
                c,
                "trigger",
                "add e.g. `trigger event signed_up`",
            ));
            (PLACEHOLDER_TRIGGER, c.name.span)
        }
    };
    let trigger_event = match &trigger {
        TriggerDef::Event { event, .. } => Some(*event),
        _ => None,
    };
    let scope = Scope {
        filtered: None,
        in_scope: trigger_event,
        in_campaign: true,
    };
    let cond = |typer: &mut Typer, key: &str, what: &str| match find(key).map(|s| &s.kind) {
        Some(SettingKind::Audience(e))
        | Some(SettingKind::Goal(e))
        | Some(SettingKind::ExitWhen(e)) => Some(typer.condition(e, scope, what)),
        _ => None,
    };
    let audience = cond(&mut typer, "audience", "the audience");
    let goal = cond(&mut typer, "goal", "the goal");
    let exit_when = cond(&mut typer, "exit when", "`exit when`");

    let reentry = match find("reentry").map(|s| &s.kind) {
        Some(SettingKind::Reentry(ast::Reentry::After(d))) => Reentry::After(duration(d)),
        _ => Reentry::Never,
    };
    let locales = match find("locales").map(|s| &s.kind) {
        Some(SettingKind::Locales(tags)) => tags.iter().map(|t| t.tag.clone()).collect(),
        _ => vec![cx.default_locale.to_string()],
    };
    let send_window = match find("send_window").map(|s| &s.kind) {
        Some(SettingKind::SendWindow { start, end }) => Some((start.minutes, end.minutes)),
        _ => None,
    };
    let cap = match find("cap").map(|s| &s.kind) {
        Some(SettingKind::Cap {
            count,
            count_span,
            per,
        }) => {
            if *count < 1 || *count > u32::MAX as i64 {
                typer.problems_mut().push(
                    Diagnostic::error(
                        "E0311",
                        format!("`cap` allows {count} messages, which is not a positive number"),
                        *count_span,
                    )
                    .with_primary_label("must be at least 1")
                    .with_help("write e.g. `cap 2 per 1d`; to send nothing, remove the sends"),
                );
                None
            } else {
                Some(Cap {
                    count: *count as u32,
                    per: duration(per),
                })
            }
        }
        _ => None,
    };
    let holdout = match find("holdout").map(|s| &s.kind) {
        Some(SettingKind::Holdout(v)) => percent(&mut typer, v, "`holdout`"),
        _ => None,
    };

    let mut flow_cx = FlowCx {
        cx,
        typer,
        splits: Vec::new(),
    };
    let flow = c
        .flow
        .as_ref()
        .map(|b| flow_cx.block(b, scope))
        .unwrap_or_default();

    CampaignDef {
        name: name.to_string(),
        doc: c.doc.as_ref().map(|d| d.text.clone()),
        stage,
        trigger,
        audience,
        reentry,
        goal,
        exit_when,
        locales,
        send_window,
        cap,
        holdout,
        flow,
        span: c.span,
        trigger_span,
        setting_spans: seen
            .iter()
            .map(|(key, span)| (if *key == "exit when" { "exit" } else { *key }, *span))
            .collect(),
    }
}

/// Stands in for a missing or unresolvable trigger so the campaign stays
/// in the model (tests can still name it); the project has an error then,
/// so no plan is ever built from it.
const PLACEHOLDER_TRIGGER: TriggerDef = TriggerDef::Every(ScheduleDef::Daily { at: 0 });

fn missing(name: &str, c: &ast::Campaign, key: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        "E0217",
        format!("campaign `{name}` has no `{key}`"),
        c.name.span,
    )
    .with_primary_label(format!("`{key}` missing"))
    .with_help(format!("every campaign needs exactly one `{key}`: {help}"))
}

/// A percentage value (`10%`), reported when it is something else.
fn percent(typer: &mut Typer, v: &ast::Value, what: &str) -> Option<DecimalLit> {
    match &v.kind {
        ValueKind::Percent(p) => Some(*p),
        _ => {
            typer.problems_mut().push(
                Diagnostic::error("E0310", format!("{what} needs a percentage"), v.span)
                    .with_primary_label("not a percentage")
                    .with_help("write a percentage such as `10%`"),
            );
            None
        }
    }
}

fn trigger_def(typer: &mut Typer, t: &ast::Trigger) -> Option<TriggerDef> {
    let env = typer.env();
    Some(match &t.kind {
        TriggerKind::Event { event, filter } => {
            let ev = typer.event(event)?;
            let scope = Scope {
                in_campaign: true,
                ..Scope::default()
            };
            let filter = filter.as_ref().map(|f| typer.filter(f, ev, scope));
            TriggerDef::Event { event: ev, filter }
        }
        TriggerKind::Enters(seg) => match env.decls.segments.id(&seg.name) {
            Some(id) => TriggerDef::Enters(SegmentId(id)),
            None => {
                typer.problems_mut().push(report::unknown(
                    "E0206",
                    "segment",
                    &seg.name,
                    seg.span,
                    env.decls.segments.names(),
                    Some(
                        "`trigger enters` names a segment declared with `segment NAME = …`".into(),
                    ),
                ));
                return None;
            }
        },
        TriggerKind::Changed { attr, to } => {
            let Some(id) = env.decls.attrs.id(&attr.name) else {
                typer.problems_mut().push(report::unknown(
                    "E0203",
                    "attribute",
                    &attr.name,
                    attr.span,
                    env.decls.attrs.names(),
                    None,
                ));
                return None;
            };
            let aty = env.schema.attrs[id as usize].ty.clone();
            let to = match to {
                None => None,
                Some(e) => {
                    let t = typer.expr(e, Scope::default(), Some(&aty));
                    match t.kind {
                        TExprKind::Literal(v) if types::assignable(&aty, &t.ty) => Some(v),
                        _ if t.ty == crate::check::model::Type::Error => None,
                        _ => {
                            let (at, vt) =
                                (type_name(&aty, env.schema), type_name(&t.ty, env.schema));
                            typer.problems_mut().push(
                                Diagnostic::error(
                                    "E0310",
                                    format!(
                                        "`{}` is `{at}`, so `to` needs a `{at}` value",
                                        attr.name
                                    ),
                                    e.span,
                                )
                                .with_primary_label(if matches!(t.kind, TExprKind::Literal(_)) {
                                    format!("this is `{vt}`")
                                } else {
                                    "not a constant value".to_string()
                                })
                                .with_help(format!("write a constant `{at}` after `to`")),
                            );
                            None
                        }
                    }
                }
            };
            TriggerDef::Changed {
                attr: AttrId(id),
                to,
            }
        }
        TriggerKind::Every(schedule) => TriggerDef::Every(match schedule {
            ast::Schedule::Daily { at } => ScheduleDef::Daily { at: at.minutes },
            ast::Schedule::Weekly { day, at } => ScheduleDef::Weekly {
                day: *day,
                at: at.minutes,
            },
            ast::Schedule::Monthly { day, day_span, at } => {
                // Days 29–31 are allowed: in shorter months the run happens
                // on the month's last day.
                if !(1..=31).contains(day) {
                    typer.problems_mut().push(
                        Diagnostic::error("E0311", format!("day {day} of the month does not exist"), *day_span)
                            .with_primary_label("must be 1 to 31")
                            .with_help("write a day from 1 to 31; in shorter months days 29–31 run on the last day"),
                    );
                    return None;
                }
                ScheduleDef::Monthly {
                    day: *day,
                    at: at.minutes,
                }
            }
        }),
    })
}

/// Walks a flow, carrying the event in scope into nested blocks.
struct FlowCx<'c, 'e, 'p> {
    cx: &'c CampaignEnv<'c>,
    typer: Typer<'e, 'p>,
    /// Split names seen in this campaign, for duplicates.
    splits: Vec<(String, Span)>,
}

impl FlowCx<'_, '_, '_> {
    fn block(&mut self, b: &Block, scope: Scope) -> Vec<StepDef> {
        b.steps.iter().filter_map(|s| self.step(s, scope)).collect()
    }

    fn step(&mut self, s: &ast::Step, scope: Scope) -> Option<StepDef> {
        let env = self.cx.env;
        let kind = match &s.kind {
            StepKind::Send { message } => {
                let Some(id) = env.decls.messages.id(&message.name) else {
                    self.typer.problems_mut().push(report::unknown(
                        "E0208",
                        "message",
                        &message.name,
                        message.span,
                        env.decls.messages.names(),
                        Some("messages are declared with `message NAME: CHANNEL { … }`".into()),
                    ));
                    return None;
                };
                let _ = id;
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
        Some(StepDef { kind, span: s.span })
    }
}

/// Messages a flow sends anywhere in it.
pub(super) fn sent_messages(steps: &[StepDef], out: &mut Vec<MessageId>) {
    for s in steps {
        match &s.kind {
            StepKindDef::Send { message, .. } => out.push(*message),
            StepKindDef::WaitFor {
                on_event,
                on_timeout,
                ..
            } => {
                sent_messages(on_event, out);
                sent_messages(on_timeout, out);
            }
            StepKindDef::If {
                branches,
                otherwise,
            } => {
                for (_, b) in branches {
                    sent_messages(b, out);
                }
                if let Some(o) = otherwise {
                    sent_messages(o, out);
                }
            }
            StepKindDef::Split { variants, .. } => {
                for v in variants {
                    sent_messages(&v.steps, out);
                }
            }
            _ => {}
        }
    }
}

/// Splits of a flow with their variants' names.
pub(super) fn splits(steps: &[StepDef], out: &mut Vec<(String, Vec<String>)>) {
    for s in steps {
        match &s.kind {
            StepKindDef::Split { name, variants } => {
                out.push((
                    name.clone(),
                    variants.iter().map(|v| v.name.clone()).collect(),
                ));
                for v in variants {
                    splits(&v.steps, out);
                }
            }
            StepKindDef::WaitFor {
                on_event,
                on_timeout,
                ..
            } => {
                splits(on_event, out);
                splits(on_timeout, out);
            }
            StepKindDef::If {
                branches,
                otherwise,
            } => {
                for (_, b) in branches {
                    splits(b, out);
                }
                if let Some(o) = otherwise {
                    splits(o, out);
                }
            }
            _ => {}
        }
    }
}

/// The id of a message of the model by name.
pub(super) fn message_id(messages: &[MessageDef], name: &str) -> Option<MessageId> {
    messages
        .binary_search_by(|m| m.name.as_str().cmp(name))
        .ok()
        .map(|i| MessageId(i as u32))
}
