//! Campaigns: settings (each at most once, `stage` and `trigger` exactly
//! once), the trigger, and the flow with the event in scope at every step.

use std::collections::HashMap;
use std::sync::Arc;

use super::expr::{duration, Env, Scope, Typer};
use super::flow::{self, FlowCx};
use super::record::Recorded;
use super::report;
use super::types::{self, type_name};
use crate::check::model::{
    AttrId, CampaignDef, Cap, DecimalLit, MessageDef, Reentry, ScheduleDef, SegmentId, Slot,
    Symbol, TExprKind, TriggerDef,
};
use crate::check::MessageMemo;
use crate::diagnostics::{Diagnostic, Problems};
use crate::digest::{Digest, Hasher};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, SettingKind, TriggerKind, ValueKind};
use crate::syntax::spans::refiled;

/// What the campaign builder reads besides the declarations.
pub(super) struct CampaignEnv<'a> {
    pub env: &'a Env<'a>,
    pub stages: &'a [String],
    pub default_locale: &'a str,
    /// The messages of the model (sorted by name); a declared message
    /// missing from it (unknown channel) was reported already.
    pub messages: &'a [Arc<MessageDef>],
}

/// Each campaign on its own (on every core), in the order of their names.
///
/// With a `memo`, a campaign whose declaration is where it was in a file
/// of the same text, in a project whose schema, stages and default locale
/// are the same (see [`environment`]), is taken from the previous check
/// instead of being resolved again, when every message, segment and score
/// it names is still there: it is given their ids and its file's id in
/// this check ([`KeptCampaign::brought_up_to_date`]) and records its uses
/// again. Only campaigns that resolved without a problem are kept.
pub(super) fn build(
    cx: &CampaignEnv,
    memo: Option<&mut MessageMemo>,
    problems: &mut Problems,
) -> Vec<Arc<CampaignDef>> {
    let kept = memo.as_deref();
    let environment = kept.map(|memo| environment(cx, memo));
    let names = kept.map(|_| names_digest(cx));
    // The ids of the last check's campaigns are this check's when the
    // names are.
    let same_ids = names.is_some() && kept.and_then(MessageMemo::campaign_names) == names;
    let uses = &cx.env.decls.uses;
    let done = super::map_in_parallel(
        cx.env.decls.campaigns.entries(),
        problems,
        |(name, c), found| {
            let key = environment
                .as_ref()
                .and_then(|env| kept?.campaign_key(c.span, env));
            let earlier = key.as_ref().and_then(|k| kept?.campaign(k));
            let taken = earlier.and_then(|k| k.brought_up_to_date(cx, c.span.file, same_ids));
            if let Some(taken) = taken {
                uses.replay(&taken.recorded);
                let def = Arc::clone(&taken.def);
                return (key, Some(taken), def, false);
            }
            let mut own = Problems::new();
            let (mut def, recorded) = uses.capture(|| campaign(cx, name, c, &mut own));
            let keepable = match key {
                Some(_) if own.is_empty() => KeptCampaign::names(cx, &mut def, &recorded),
                _ => None,
            };
            let def = Arc::new(def);
            let entry = keepable.map(|(names, file)| {
                Arc::new(KeptCampaign {
                    def: Arc::clone(&def),
                    recorded,
                    file,
                    names,
                })
            });
            found.extend(own.into_vec());
            (key, entry, def, true)
        },
    );
    let resolutions = done.iter().filter(|(_, _, _, fresh)| *fresh).count();
    let mut entries = HashMap::new();
    let mut campaigns = Vec::with_capacity(done.len());
    for (key, entry, def, _) in done {
        if let (Some(key), Some(entry)) = (key, entry) {
            entries.insert(key, entry);
        }
        campaigns.push(def);
    }
    if let (Some(memo), Some(names)) = (memo, names) {
        memo.keep_campaigns(entries, names, resolutions);
    }
    campaigns
}

/// The digest of the names of the model's messages and of the segments
/// and scores, in the order of their ids.
fn names_digest(cx: &CampaignEnv) -> Digest {
    let decls = cx.env.decls;
    let mut h = Hasher::new();
    h.part(&(cx.messages.len() as u64).to_le_bytes());
    for m in cx.messages {
        h.text(&m.name);
    }
    h.part(&(decls.segments.len() as u64).to_le_bytes());
    for name in decls.segments.names() {
        h.text(name);
    }
    h.part(&(decls.scores.len() as u64).to_le_bytes());
    for name in decls.scores.names() {
        h.text(name);
    }
    h.finish()
}

/// The digest of what resolving a campaign reads of the project besides
/// its own declaration and the names of messages, segments and scores:
/// the lifecycle stages, the default locale, and the schema (every
/// attribute, record type and event, by the text of the file it is
/// declared in and its place there).
fn environment(cx: &CampaignEnv, memo: &MessageMemo) -> Digest {
    let decls = cx.env.decls;
    let mut h = Hasher::new();
    h.text("campaign environment")
        .part(&(cx.stages.len() as u64).to_le_bytes());
    for stage in cx.stages {
        h.text(stage);
    }
    h.text(cx.default_locale);
    let schema = (decls.attrs.iter().map(|(_, a)| ("attr", a.span)))
        .chain(decls.records.iter().map(|(_, r)| ("record", r.span)))
        .chain(decls.events.iter().map(|(_, e)| ("event", e.span)));
    for (kind, span) in schema {
        h.text(kind);
        if memo.place(&mut h, span).is_none() {
            h.part(b"no file");
        }
    }
    h.finish()
}

/// The kind of declaration a kept campaign names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NameKind {
    Message,
    Segment,
    Score,
}

/// Each declaration a kept campaign names, with that declaration's id in
/// the kept campaign, in the order of [`CampaignDef::visit_slots_mut`].
type Names = Vec<(NameKind, String, u32)>;

/// A campaign kept from a check for the next one (see [`build`]).
#[derive(Debug)]
pub(crate) struct KeptCampaign {
    def: Arc<CampaignDef>,
    /// What resolving it recorded.
    recorded: Recorded,
    /// The file its spans are in.
    file: FileId,
    names: Names,
}

impl KeptCampaign {
    /// What a campaign resolved by this check, which recorded `recorded`,
    /// is kept with: the name and id of each declaration it names, and
    /// the file its spans are in (`def` is visited, not changed). `None`
    /// when it cannot be kept: it sends a message that this check left out
    /// of the model (the send was then skipped, and would not be if the
    /// message came back), or its spans are in more than one file.
    fn names(
        cx: &CampaignEnv,
        def: &mut CampaignDef,
        recorded: &Recorded,
    ) -> Option<(Names, FileId)> {
        let sends_all = recorded.uses.iter().all(|r| match &*r.target {
            Symbol::Message(name) => flow::message_id(cx.messages, name).is_some(),
            _ => true,
        });
        if !sends_all {
            return None;
        }
        let decls = cx.env.decls;
        let mut names = Vec::new();
        let mut complete = true;
        let file = def.span.file;
        def.visit_slots_mut(&mut |slot| {
            let (kind, id, name) = match slot {
                Slot::Message(id) => (
                    NameKind::Message,
                    id.0,
                    cx.messages.get(id.index()).map(|m| m.name.as_str()),
                ),
                Slot::Segment(id) => (
                    NameKind::Segment,
                    id.0,
                    decls.segments.entries().get(id.index()).map(|(n, _)| *n),
                ),
                Slot::Score(id) => (
                    NameKind::Score,
                    id.0,
                    decls.scores.entries().get(id.index()).map(|(n, _)| *n),
                ),
                Slot::Span(span) => {
                    complete &= span.file == file;
                    return;
                }
            };
            match name {
                Some(name) => names.push((kind, name.to_string(), id)),
                None => complete = false,
            }
        });
        let spans_in_file = recorded.uses.iter().all(|r| r.span.file == file)
            && recorded
                .declarations
                .iter()
                .all(|d| d.name_span.file == file && d.span.file == file);
        (complete && spans_in_file).then_some((names, file))
    }

    /// This campaign with the ids that the declarations it names have in
    /// this check, and its spans in file `file`; `None` when one of them
    /// is gone or would no longer be what its name resolves to.
    /// `same_ids`: the messages, segments and scores have the names they
    /// had in the check that kept it, in the same order.
    fn brought_up_to_date(
        self: &Arc<KeptCampaign>,
        cx: &CampaignEnv,
        file: FileId,
        same_ids: bool,
    ) -> Option<Arc<KeptCampaign>> {
        if same_ids && file == self.file {
            return Some(Arc::clone(self));
        }
        let decls = cx.env.decls;
        let mut ids = Vec::with_capacity(self.names.len());
        let mut moved = file != self.file;
        for (kind, name, was) in &self.names {
            let id = match kind {
                NameKind::Message => flow::message_id(cx.messages, name).map(|id| id.0),
                NameKind::Segment => decls.segments.id(name),
                // A bare name is a segment before it is a score.
                NameKind::Score if decls.segments.id(name).is_some() => None,
                NameKind::Score => decls.scores.id(name),
            }?;
            moved |= id != *was;
            ids.push(id);
        }
        if !moved {
            return Some(Arc::clone(self));
        }
        let mut def = CampaignDef::clone(&self.def);
        let refile = refiled(self.file, file);
        let mut next = ids.iter();
        let mut names = self.names.clone();
        for ((_, _, was), id) in names.iter_mut().zip(&ids) {
            *was = *id;
        }
        def.visit_slots_mut(&mut |slot| match slot {
            Slot::Message(id) => id.0 = next.next().copied().unwrap_or(id.0),
            Slot::Segment(id) => id.0 = next.next().copied().unwrap_or(id.0),
            Slot::Score(id) => id.0 = next.next().copied().unwrap_or(id.0),
            Slot::Span(span) => *span = refile(*span),
        });
        let mut recorded = self.recorded.clone();
        recorded.map_spans(&mut |span| refile(span));
        Some(Arc::new(KeptCampaign {
            def: Arc::new(def),
            recorded,
            file,
            names,
        }))
    }
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
        SettingKind::Priority { .. } => "priority",
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
            } else {
                let sym = Symbol::Stage(stage.name.clone());
                cx.env.decls.uses.add(stage.span, sym);
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
        Some(SettingKind::Locales(tags)) => {
            for t in tags {
                cx.env.decls.uses.add(t.span, Symbol::Locale(t.tag.clone()));
            }
            tags.iter().map(|t| t.tag.clone()).collect()
        }
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
    let priority = match find("priority").map(|s| &s.kind) {
        Some(SettingKind::Priority { value, value_span }) => {
            if (0..=MAX_PRIORITY).contains(value) {
                *value as u32
            } else {
                typer.problems_mut().push(
                    Diagnostic::error(
                        crate::check::flows::codes::BAD_PRIORITY,
                        format!("`priority {value}` is outside 0 to {MAX_PRIORITY}"),
                        *value_span,
                    )
                    .with_primary_label(format!("not between 0 and {MAX_PRIORITY}"))
                    .with_help(
                        "a higher number goes first when sends of several campaigns are due \
                         at one instant; write e.g. `priority 10` (0 when not written)",
                    ),
                );
                0
            }
        }
        _ => 0,
    };

    let mut flow_cx = FlowCx {
        cx,
        typer,
        campaign: name,
        splits: Vec::new(),
        labels: Vec::new(),
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
        priority,
        flow,
        span: c.span,
        trigger_span,
        setting_spans: seen
            .iter()
            .map(|(key, span)| (if *key == "exit when" { "exit" } else { *key }, *span))
            .collect(),
    }
}

/// The highest `priority` a campaign may have.
pub const MAX_PRIORITY: i64 = 100;

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
pub(super) fn percent(typer: &mut Typer, v: &ast::Value, what: &str) -> Option<DecimalLit> {
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
            Some(id) => {
                env.decls
                    .uses
                    .add(seg.span, Symbol::Segment(seg.name.clone()));
                TriggerDef::Enters(SegmentId(id))
            }
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
            env.decls
                .uses
                .add(attr.span, Symbol::Attr(attr.name.clone()));
            let aty = env.schema.attrs[id as usize].ty.clone();
            let to = match to {
                None => None,
                Some(e) => {
                    let t = typer.expr(e, Scope::default(), Some(&aty));
                    match t.kind {
                        TExprKind::Literal(v) if types::assignable(&aty, &t.ty) => Some(*v),
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
