//! Lowering tests on a hand-built model, independent of the parser and the
//! checker: the node graph's edges, node-id stability under edits, and the
//! digests. End-to-end tests from `.camp` sources live in `tests/plan.rs`.

use crate::check::model::*;
use crate::source::{FileId, SourceMap, Span};
use std::sync::Arc;

use super::format::{Node, Reentry as PlanReentry};
use super::lower::lower;

fn span(start: usize) -> Span {
    Span::new(FileId(0), start, start + 1)
}

fn expr(kind: TExprKind, ty: Type) -> TExpr {
    TExpr {
        kind,
        ty,
        span: span(0),
    }
}

fn attr(name: &str, ty: Type, consent: Option<Channel>) -> AttrDef {
    AttrDef {
        name: name.into(),
        ty,
        consent,
        doc: None,
        span: span(0),
    }
}

fn event(name: &str) -> EventDef {
    EventDef {
        name: name.into(),
        fields: vec![FieldDef {
            name: "name".into(),
            ty: Type::String,
            span: span(0),
        }],
        doc: None,
        span: span(0),
    }
}

fn field(name: &str, source: &str) -> TemplateField {
    TemplateField {
        name: name.into(),
        source: source.into(),
        span: span(0),
        offsets: Vec::new(),
    }
}

fn message(name: &str, channel: Channel, body: &str) -> std::sync::Arc<MessageDef> {
    std::sync::Arc::new(MessageDef {
        name: name.into(),
        doc: None,
        channel,
        category: Category::Marketing,
        from: None,
        shared: Vec::new(),
        locales: vec![LocaleContent {
            locale: "en".into(),
            fields: vec![field("body", body), field("subject", "Hi")],
            span: span(0),
        }],
        span: span(0),
    })
}

fn step(kind: StepKindDef) -> StepDef {
    StepDef {
        label: None,
        kind,
        span: span(0),
    }
}

fn send(m: u32) -> StepDef {
    step(StepKindDef::Send {
        message: MessageId(m),
        event_scope: None,
    })
}

fn wait_days(days: i64) -> StepDef {
    step(StepKindDef::Wait(Duration { days, seconds: 0 }))
}

// Ids, in name order: events 0 project_created, 1 signed_up; messages
// 0 congrats, 1 last_chance, 2 nudge, 3 tips, 4 welcome.
const CONGRATS: u32 = 0;
const LAST_CHANCE: u32 = 1;
const NUDGE: u32 = 2;
const TIPS: u32 = 3;
const WELCOME: u32 = 4;

/// A typical onboarding flow.
fn onboarding_flow() -> Vec<StepDef> {
    let performed = expr(
        TExprKind::Performed {
            event: EventId(0),
            filter: None,
            window: Some(TWindow::SinceEntry),
        },
        Type::Bool,
    );
    vec![
        send(WELCOME),
        wait_days(1),
        step(StepKindDef::If {
            branches: vec![(performed, vec![send(TIPS)])],
            otherwise: Some(vec![
                send(NUDGE),
                step(StepKindDef::WaitFor {
                    event: EventId(0),
                    filter: None,
                    timeout: Duration {
                        days: 3,
                        seconds: 0,
                    },
                    on_event: vec![step(StepKindDef::Send {
                        message: MessageId(CONGRATS),
                        event_scope: Some(EventId(0)),
                    })],
                    on_timeout: vec![send(LAST_CHANCE)],
                }),
            ]),
        }),
    ]
}

fn model(flow: Vec<StepDef>) -> Model {
    Model {
        defaults: Defaults {
            locale: "en".into(),
            timezone: "UTC".into(),
            email_from: Some("Acme <hello@acme.example>".into()),
            pressure: None,
        },
        stages: vec!["onboarding".into()],
        schema: Schema {
            attrs: vec![
                attr("email", Type::Email, None),
                attr("email_opt_in", Type::Bool, Some(Channel::Email)),
                attr("locale", Type::Locale, None),
                attr("push_opt_in", Type::Bool, Some(Channel::Push)),
            ],
            records: Vec::new(),
            events: vec![event("project_created"), event("signed_up")],
        },
        segments: Vec::new(),
        segment_order: Vec::new(),
        scores: Vec::new(),
        messages: vec![
            message("congrats", Channel::Push, "{{event.name}} is ready."),
            message("last_chance", Channel::Email, "Last chance"),
            message("nudge", Channel::Push, "Create a project."),
            message("tips", Channel::Email, "Three tips"),
            message("welcome", Channel::Email, "Welcome!"),
        ],
        campaigns: vec![Arc::new(CampaignDef {
            name: "onboarding".into(),
            doc: None,
            stage: "onboarding".into(),
            trigger: TriggerDef::Event {
                event: EventId(1),
                filter: None,
            },
            audience: None,
            reentry: Reentry::Never,
            goal: None,
            exit_when: None,
            locales: vec!["en".into()],
            send_window: Some((9 * 60, 20 * 60)),
            cap: None,
            holdout: Some(DecimalLit {
                mantissa: 10,
                scale: 0,
            }),
            priority: 0,
            flow,
            span: span(0),
            trigger_span: span(0),
            setting_spans: Default::default(),
        })],
        personas: Vec::new(),
        tests: Vec::new(),
        references: Default::default(),
        warehouse: Default::default(),
    }
}

fn sources() -> SourceMap {
    let mut map = SourceMap::new();
    map.add(
        "onboarding.camp",
        std::path::Path::new("onboarding.camp"),
        "x\n".into(),
    );
    map
}

fn ids(plan: &super::Plan) -> Vec<String> {
    plan.nodes.keys().cloned().collect()
}

#[test]
fn onboarding_ids_read_as_paths() {
    let plan = lower(&model(onboarding_flow()), &sources(), CampaignId(0));
    assert_eq!(
        ids(&plan),
        vec![
            "if",
            "if.else.send",
            "if.else.wait_for",
            "if.else.wait_for.on_event.send",
            "if.else.wait_for.on_timeout.send",
            "if.then.send",
            "send",
            "wait",
        ]
    );
    assert_eq!(plan.entry.as_deref(), Some("send"));
}

#[test]
fn edges_continue_after_blocks_and_end_with_null() {
    let plan = lower(&model(onboarding_flow()), &sources(), CampaignId(0));
    let next = |id: &str| match &plan.nodes[id] {
        Node::Send { next, .. } | Node::Wait { next, .. } => next.clone(),
        other => panic!("unexpected node {other:?}"),
    };
    assert_eq!(next("send").as_deref(), Some("wait"));
    assert_eq!(next("wait").as_deref(), Some("if"));
    assert_eq!(next("if.then.send"), None);
    match &plan.nodes["if"] {
        Node::Branch {
            cases, otherwise, ..
        } => {
            assert_eq!(cases[0].next.as_deref(), Some("if.then.send"));
            assert_eq!(otherwise.as_deref(), Some("if.else.send"));
        }
        other => panic!("expected a branch, got {other:?}"),
    }
    match &plan.nodes["send"] {
        Node::Send { consent, .. } => {
            assert_eq!(
                consent.as_ref().map(|c| c.attribute.as_str()),
                Some("email_opt_in")
            );
        }
        other => panic!("expected a send, got {other:?}"),
    }
    assert_eq!(plan.reentry, PlanReentry::Never);
}

#[test]
fn inserting_a_step_of_another_kind_at_the_top_keeps_other_ids() {
    let before = lower(&model(onboarding_flow()), &sources(), CampaignId(0));
    let mut flow = onboarding_flow();
    flow.insert(
        0,
        step(StepKindDef::Set {
            attr: crate::check::model::AttrId(0),
            value: crate::check::model::TExpr {
                kind: crate::check::model::TExprKind::Literal(Box::new(
                    crate::check::model::Value::Int(1),
                )),
                ty: crate::check::model::Type::Int,
                span: span(0),
            },
        }),
    );
    let after = lower(&model(flow), &sources(), CampaignId(0));
    let after_ids = ids(&after);
    for id in ids(&before) {
        assert!(after_ids.contains(&id), "{id} disappeared");
    }
    assert_eq!(after_ids.len(), ids(&before).len() + 1);
    assert!(after_ids.contains(&"set".to_string()));
    assert_eq!(after.entry.as_deref(), Some("set"));
}

#[test]
fn a_repeated_step_gets_a_numbered_id() {
    let mut flow = onboarding_flow();
    flow.insert(1, wait_days(1));
    let plan = lower(&model(flow), &sources(), CampaignId(0));
    assert!(plan.nodes.contains_key("wait"));
    assert!(plan.nodes.contains_key("wait#2"));
}

#[test]
fn changing_message_text_keeps_ids_but_changes_hashes() {
    let base = model(onboarding_flow());
    let mut edited = base.clone();
    std::sync::Arc::make_mut(&mut edited.messages[WELCOME as usize]).locales[0].fields[0].source =
        "Welcome aboard!".into();
    let a = lower(&base, &sources(), CampaignId(0));
    let b = lower(&edited, &sources(), CampaignId(0));
    assert_eq!(ids(&a), ids(&b));
    assert_ne!(a.hash, b.hash);
    assert_ne!(
        a.messages["welcome"].locales["en"].content_hash,
        b.messages["welcome"].locales["en"].content_hash
    );
    assert_eq!(
        a.messages["tips"].locales["en"].content_hash,
        b.messages["tips"].locales["en"].content_hash
    );
}

#[test]
fn the_hash_is_over_the_plan_without_its_hash_and_source_positions() {
    let plan = lower(&model(onboarding_flow()), &sources(), CampaignId(0));
    let mut value = serde_json::to_value(&plan).expect("serializable");
    let map = value.as_object_mut().expect("an object");
    map.remove("hash").expect("a hash field");
    map.remove("source").expect("a source field");
    for node in map["nodes"].as_object().expect("nodes").values() {
        assert!(node.get("line").is_none(), "lines live in `source.nodes`");
    }
    let expected = super::canonical::sha256_hex(super::canonical::canonical_json(&value));
    assert_eq!(plan.hash, expected);
}

#[test]
fn steps_after_exit_are_left_out() {
    let flow = vec![send(WELCOME), step(StepKindDef::Exit), send(TIPS)];
    let plan = lower(&model(flow), &sources(), CampaignId(0));
    assert_eq!(ids(&plan), vec!["exit", "send"]);
    assert!(!plan.messages.contains_key("tips"));
}

#[test]
fn an_empty_flow_has_no_entry() {
    let plan = lower(&model(Vec::new()), &sources(), CampaignId(0));
    assert_eq!(plan.entry, None);
    assert!(plan.nodes.is_empty());
    assert!(plan.messages.is_empty());
}

#[test]
fn split_variants_take_consecutive_bucket_ranges() {
    let variant = |name: &str, mantissa, steps| SplitVariantDef {
        name: name.into(),
        percent: DecimalLit { mantissa, scale: 1 },
        steps,
        span: span(0),
    };
    let flow = vec![
        step(StepKindDef::Split {
            name: "offer".into(),
            variants: vec![
                variant("a", 333, vec![send(TIPS)]),
                variant("b", 333, Vec::new()),
                variant("c", 334, vec![send(NUDGE)]),
            ],
        }),
        send(WELCOME),
    ];
    let plan = lower(&model(flow), &sources(), CampaignId(0));
    let Node::Split { variants, .. } = &plan.nodes["split"] else {
        panic!("expected a split");
    };
    let ranges: Vec<(u32, u32)> = variants
        .iter()
        .map(|v| (v.from_bucket, v.to_bucket))
        .collect();
    assert_eq!(ranges, vec![(0, 3330), (3330, 6660), (6660, 10_000)]);
    assert_eq!(variants[0].percent, "33.3");
    assert_eq!(variants[0].next.as_deref(), Some("split.a.send"));
    // An empty variant goes straight on after the split.
    assert_eq!(variants[1].next.as_deref(), Some("send"));
    match &plan.nodes["split.c.send"] {
        Node::Send { next, .. } => assert_eq!(next.as_deref(), Some("send")),
        other => panic!("expected a send, got {other:?}"),
    }
}
