//! Campaign settings, triggers, every flow step, nesting and separators.

use super::*;

#[test]
fn every_campaign_setting() {
    let c = campaign(
        "campaign c {
  stage onboarding
  trigger event signed_up where source == \"ads\"
  audience new_trials and not vip
  reentry after 30d
  goal performed subscription_started within 14d
  exit when plan == enterprise
  locales en, vi, zh-Hant
  send_window 20:00-08:00
  cap 2 per 1d
  holdout 10%
  flow { send welcome }
}",
    );
    let kinds: Vec<String> = c
        .settings
        .iter()
        .map(|s| {
            format!("{:?}", s.kind)
                .split(['(', ' ', '{'])
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Stage",
            "Trigger",
            "Audience",
            "Reentry",
            "Goal",
            "ExitWhen",
            "Locales",
            "SendWindow",
            "Cap",
            "Holdout"
        ]
    );
    for s in &c.settings {
        match &s.kind {
            SettingKind::SendWindow { start, end } => {
                assert_eq!((start.minutes, end.minutes), (1200, 480))
            }
            SettingKind::Cap { count, per, .. } => assert_eq!((*count, per.days), (2, 1)),
            SettingKind::Reentry(Reentry::After(d)) => assert_eq!(d.days, 30),
            SettingKind::Holdout(v) => assert!(matches!(v.kind, ValueKind::Percent(_))),
            SettingKind::Locales(l) => assert_eq!(l.len(), 3),
            SettingKind::Trigger(t) => {
                assert!(matches!(
                    &t.kind,
                    TriggerKind::Event {
                        filter: Some(_),
                        ..
                    }
                ))
            }
            _ => {}
        }
    }
    assert!(c.flow.is_some());
}

#[test]
fn every_trigger_form() {
    let trigger = |t: &str| {
        let c = campaign(&format!("campaign c {{ trigger {t} }}"));
        match &c.settings[0].kind {
            SettingKind::Trigger(t) => t.kind.clone(),
            other => panic!("{other:?}"),
        }
    };
    assert!(matches!(
        trigger("event signed_up"),
        TriggerKind::Event { filter: None, .. }
    ));
    assert!(matches!(trigger("enters vip"), TriggerKind::Enters(s) if s.name == "vip"));
    assert!(matches!(
        trigger("changed loyalty_tier"),
        TriggerKind::Changed { to: None, .. }
    ));
    assert!(matches!(
        trigger("changed loyalty_tier to gold"),
        TriggerKind::Changed { to: Some(_), .. }
    ));
    assert!(matches!(
        trigger("every day at 09:00"),
        TriggerKind::Every(Schedule::Daily { at }) if at.minutes == 540
    ));
    assert!(matches!(
        trigger("every monday at 09:30"),
        TriggerKind::Every(Schedule::Weekly { day: Weekday::Monday, at }) if at.minutes == 570
    ));
    assert!(matches!(
        trigger("every month on 1 at 09:00"),
        TriggerKind::Every(Schedule::Monthly { day: 1, .. })
    ));
}

#[test]
fn every_step() {
    let steps = flow_steps(
        "send welcome
         wait 1d12h
         wait -1d
         wait until 09:00
         wait until 10:00 on friday
         wait for project_created where name == \"Demo\" up to 3d {
           on event { send congrats }
           on timeout { send last_chance }
         }
         if a { send x } else if b { send y } else if c { send z } else { exit }
         split offer { a 50% { send x } b 50% { } }
         set loyalty_points = loyalty_points + 100
         exit",
    );
    assert_eq!(steps.len(), 10);
    assert!(matches!(&steps[0].kind, StepKind::Send { message } if message.name == "welcome"));
    assert!(
        matches!(&steps[1].kind, StepKind::Wait { duration } if duration.days == 1 && duration.seconds == 43200)
    );
    assert!(matches!(&steps[2].kind, StepKind::Wait { duration } if duration.days == -1));
    assert!(
        matches!(&steps[3].kind, StepKind::WaitUntil { day: None, time } if time.minutes == 540)
    );
    assert!(matches!(
        &steps[4].kind,
        StepKind::WaitUntil {
            day: Some((Weekday::Friday, _)),
            ..
        }
    ));
    match &steps[5].kind {
        StepKind::WaitFor {
            event,
            filter,
            timeout,
            on_event,
            on_timeout,
        } => {
            assert_eq!(event.name, "project_created");
            assert!(filter.is_some());
            assert_eq!(timeout.days, 3);
            assert_eq!(on_event.as_ref().map(|b| b.steps.len()), Some(1));
            assert_eq!(on_timeout.as_ref().map(|b| b.steps.len()), Some(1));
        }
        other => panic!("{other:?}"),
    }
    match &steps[6].kind {
        StepKind::If {
            branches,
            otherwise,
        } => {
            assert_eq!(branches.len(), 3);
            assert!(matches!(
                otherwise.as_ref().map(|b| &b.steps[0].kind),
                Some(StepKind::Exit)
            ));
        }
        other => panic!("{other:?}"),
    }
    match &steps[7].kind {
        StepKind::Split { name, variants } => {
            assert_eq!(name.name, "offer");
            assert_eq!(variants.len(), 2);
            assert!(variants[1].body.steps.is_empty());
            assert!(matches!(variants[0].percent.kind, ValueKind::Percent(_)));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&steps[8].kind, StepKind::Set { attr, value } if attr.name == "loyalty_points" && show(value) == "(loyalty_points + 100)")
    );
    assert!(matches!(&steps[9].kind, StepKind::Exit));
}

#[test]
fn blocks_nest_arbitrarily() {
    let steps = flow_steps("if a { if b { split s { x 100% { wait for e up to 1d { on event { if c { send m } } } } } } }");
    assert_eq!(steps.len(), 1);
}

#[test]
fn commas_and_newlines_both_separate_entries() {
    let a = flow_steps("send a, wait 1d, send b");
    let b = flow_steps("send a\nwait 1d\nsend b");
    let c = flow_steps("send a wait 1d send b");
    assert_eq!(a.len(), 3);
    assert_eq!(b.len(), 3);
    assert_eq!(c.len(), 3);
    let Item::Persona(p) = only_item("persona p { a 1, b \"x\"\n c true }") else {
        panic!()
    };
    assert_eq!(p.fields.len(), 3);
}

#[test]
fn blocks_written_twice_are_reported() {
    let text = "campaign c {\n  flow { send a }\n  flow { send b }\n}";
    let d = parse_err(text);
    assert_eq!(d.code, "E0111");
    assert_eq!(d.span.start as usize, text.rfind("flow").unwrap_or(0));
    assert_eq!(d.labels.len(), 1);
    let d = parse_err("campaign c { flow { wait for e up to 1d { on timeout { } on event { } on timeout { exit } } } }");
    assert_eq!(d.code, "E0111");
    assert!(d.message.contains("on timeout"));
}
