//! A customer's copies: one per campaign in a run of several, sharing
//! what none of them changed.

use super::customer::{Attrs, Customer, History, PastEvent};
use super::value::Val;
use crate::plan::format::{AttributeWithDefault, CustomerFacts};
use std::collections::BTreeMap;
use std::sync::Arc;

fn facts() -> CustomerFacts {
    CustomerFacts {
        locale: AttributeWithDefault {
            attribute: Some("locale".into()),
            default: "en".into(),
        },
        timezone: AttributeWithDefault {
            attribute: Some("time_zone".into()),
            default: "UTC".into(),
        },
        channels: BTreeMap::new(),
    }
}

fn text(s: &str) -> Val {
    Val::Str(s.into())
}

#[test]
fn a_set_changes_only_the_copy_it_runs_in() {
    let attrs = BTreeMap::from([
        ("tier".to_string(), text("gold")),
        ("locale".to_string(), text("vi")),
        ("time_zone".to_string(), text("Asia/Ho_Chi_Minh")),
    ]);
    let first = Customer::new("c-1", attrs, &facts());
    let mut second = first.clone();
    assert!(
        first.attrs.shares(&second.attrs),
        "copies share the attributes until one of them changes"
    );

    second.set_attr("tier", text("silver"));
    second.set_attr("locale", text("cs"));
    second.set_attr("time_zone", text("Europe/Prague"));

    assert_eq!(first.attr("tier"), &text("gold"));
    assert_eq!(second.attr("tier"), &text("silver"));
    assert_eq!(
        (first.locale.as_str(), second.locale.as_str()),
        ("vi", "cs")
    );
    assert_eq!(first.time_zone.iana_name(), Some("Asia/Ho_Chi_Minh"));
    assert_eq!(second.time_zone.iana_name(), Some("Europe/Prague"));
}

fn event(name: &str, at: &str) -> PastEvent {
    PastEvent {
        name: name.into(),
        at: at.parse().unwrap(),
        props: Arc::new(Val::Record(Vec::new())),
    }
}

fn names(c: &Customer) -> Vec<String> {
    c.events
        .iter()
        .map(|e| format!("{} {}", e.name, e.at))
        .collect()
}

#[test]
fn copies_record_events_into_their_own_history_whatever_they_share() {
    let past = event("signed_up", "2026-11-01T10:00:00Z");
    let next = event("app_opened", "2026-11-02T10:00:00Z");
    let later = event("order_placed", "2026-11-03T10:00:00Z");
    let mut first = Customer::new("c-1", BTreeMap::new(), &facts());
    // One list for the whole history; the customer has seen the first.
    first.events = History::with_next(vec![past.clone(), next.clone(), later.clone()], 1);
    let mut second = first.clone();
    let mut third = first.clone();
    assert_eq!(names(&first), ["signed_up 2026-11-01T10:00:00Z"]);

    // The list's next event, recorded: the prefix grows in that copy only.
    first.record_event(next.clone());
    assert_eq!(
        names(&first),
        [
            "signed_up 2026-11-01T10:00:00Z",
            "app_opened 2026-11-02T10:00:00Z"
        ]
    );
    assert_eq!(names(&second), ["signed_up 2026-11-01T10:00:00Z"]);

    // Another event (an equal one that is not the list's) goes in order,
    // and no other copy sees it.
    let home = Val::Record(vec![("screen".to_string(), text("home"))]);
    second.record_event(PastEvent {
        props: Arc::new(home.clone()),
        ..event("app_opened", "2026-11-02T10:00:00Z")
    });
    second.record_event(event("push_opened", "2026-11-01T12:00:00Z"));
    assert_eq!(
        *second.events[2].props, home,
        "the recorded event, not the list's"
    );
    assert_eq!(
        names(&second),
        [
            "signed_up 2026-11-01T10:00:00Z",
            "push_opened 2026-11-01T12:00:00Z",
            "app_opened 2026-11-02T10:00:00Z"
        ]
    );
    first.record_event(later.clone());
    assert_eq!(names(&first).len(), 3);
    assert_eq!(names(&third), ["signed_up 2026-11-01T10:00:00Z"]);

    // An event at the same instant as the last goes after it.
    third.record_event(event("app_opened", "2026-11-01T10:00:00Z"));
    assert_eq!(
        names(&third),
        [
            "signed_up 2026-11-01T10:00:00Z",
            "app_opened 2026-11-01T10:00:00Z"
        ]
    );
    // Skipping the list's next event and recording the one after it does
    // not let the skipped one in.
    let mut fourth = Customer::new("c-2", BTreeMap::new(), &facts());
    fourth.events = History::with_next(vec![past, next, later.clone()], 1);
    fourth.record_event(later);
    assert_eq!(
        names(&fourth),
        [
            "signed_up 2026-11-01T10:00:00Z",
            "order_placed 2026-11-03T10:00:00Z"
        ]
    );
}

#[test]
fn each_thread_has_its_own_copy_of_a_zone_and_of_an_event_name() {
    use super::customer::{event_name, zone};
    use jiff::tz::TimeZone;
    // The same zone as jiff's database: name and transitions.
    let prague = zone("Europe/Prague").expect("a known zone");
    let shared = TimeZone::get("Europe/Prague").unwrap();
    assert_eq!(prague.iana_name(), shared.iana_name());
    for at in [
        "2026-03-29T00:59:59Z",
        "2026-03-29T01:00:00Z",
        "2026-10-25T00:30:00Z",
    ] {
        let at: jiff::Timestamp = at.parse().unwrap();
        assert_eq!(prague.to_offset(at), shared.to_offset(at), "{at}");
    }
    assert_eq!(zone("utc"), Some(TimeZone::UTC));
    assert_eq!(zone("Mars/Olympus"), None);
    // One allocation per name on a thread, another on another thread.
    let here = event_name("order_placed");
    assert!(Arc::ptr_eq(&here, &event_name("order_placed")));
    let there = std::thread::spawn(|| event_name("order_placed"))
        .join()
        .unwrap();
    assert_eq!(here, there);
    assert!(!Arc::ptr_eq(&here, &there));
}

#[test]
fn attributes_are_found_by_name_whatever_order_they_came_in() {
    let attrs: Attrs = [
        ("tier".to_string(), text("gold")),
        ("email".to_string(), text("a@example.com")),
        ("tier".to_string(), text("silver")),
        ("age".to_string(), Val::Int(30)),
    ]
    .into_iter()
    .collect();
    // A name given twice keeps its last value, as a map would.
    assert_eq!(attrs.get("tier"), Some(&text("silver")));
    assert_eq!(attrs.get("age"), Some(&Val::Int(30)));
    assert_eq!(attrs.get("email"), Some(&text("a@example.com")));
    assert_eq!(attrs.get("plan"), None);
    let names: Vec<&str> = attrs.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["age", "email", "tier"]);

    let mut copy = attrs.clone();
    copy.insert("plan", text("annual"));
    copy.insert("age", Val::Int(31));
    assert!(!copy.shares(&attrs));
    assert_eq!((attrs.len(), copy.len()), (3, 4));
    assert_eq!(attrs.get("age"), Some(&Val::Int(30)));
    assert_eq!(copy.get("age"), Some(&Val::Int(31)));
    assert_eq!(copy.get("plan"), Some(&text("annual")));
    let names: Vec<&str> = copy.iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["age", "email", "plan", "tier"]);
}

#[test]
fn a_history_given_out_of_order_is_put_in_time_order() {
    let all = vec![
        event("b", "2026-11-03T10:00:00Z"),
        event("a", "2026-11-02T10:00:00Z"),
        event("c", "2026-11-03T10:00:00Z"),
    ];
    let history = History::with_next(all, 3);
    let names: Vec<&str> = history.iter().map(|e| &*e.name).collect();
    // Stable: of two events at one instant, the first given stays first.
    assert_eq!(names, ["a", "b", "c"]);
}

#[test]
fn many_attributes_are_found_as_a_few_are() {
    // Past the scanned few, a binary search finds them.
    for n in [3, 32, 33, 80] {
        let attrs: Attrs = (0..n)
            .rev()
            .map(|i| (format!("attr_{i}"), Val::Int(i)))
            .collect();
        for i in 0..n {
            assert_eq!(attrs.get(&format!("attr_{i}")), Some(&Val::Int(i)), "{n}");
        }
        assert_eq!(attrs.get("attr_"), None);
        assert_eq!(attrs.get(&format!("attr_{n}")), None);
    }
}

#[test]
fn names_alike_in_their_first_bytes_and_length_are_told_apart() {
    let long = |tail: &str| format!("{}{tail}", "x".repeat(300));
    let names = [
        "last_order_at".to_string(),
        "last_order_id".to_string(),
        "last_or".to_string(),
        "last_o".to_string(),
        String::new(),
        "město".to_string(),
        "městys".to_string(),
        long("a"),
        long("b"),
        long("ab"),
    ];
    // A few names are scanned, many searched: both ways, with and without
    // forty others.
    for others in [0, 40] {
        let attrs: Attrs = names
            .iter()
            .cloned()
            .chain((0..others).map(|i| format!("other_{i}")))
            .enumerate()
            .map(|(i, n)| (n, Val::Int(i as i64)))
            .collect();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(attrs.get(n), Some(&Val::Int(i as i64)), "{n:?}");
        }
        for absent in ["last_order_ax", "last_orde", "mě", &long("c"), &long("")] {
            assert_eq!(attrs.get(absent), None, "{absent:?}");
        }
    }
    let attrs: Attrs = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), Val::Int(i as i64)))
        .collect();
    let mut set = attrs.clone();
    set.insert("last_order_ax", Val::Int(99));
    set.insert("last_order_at", Val::Int(98));
    assert_eq!(set.get("last_order_ax"), Some(&Val::Int(99)));
    assert_eq!(set.get("last_order_at"), Some(&Val::Int(98)));
    assert_eq!(set.get("last_order_id"), Some(&Val::Int(1)));
    assert_eq!(attrs.get("last_order_at"), Some(&Val::Int(0)));
}

/// Plans that differ only in their channels make the same customer (a
/// forecast then shares one between them); a different time-zone or
/// locale default makes another.
#[test]
fn customers_are_made_alike_from_the_same_locale_and_zone_facts() {
    let attrs = || BTreeMap::from([("tier".to_string(), text("gold"))]);
    let shown = |f: &CustomerFacts| format!("{:?}", Customer::new("c-1", attrs(), f));
    let mut email = facts();
    email.channels.insert(
        "email".into(),
        crate::plan::format::ChannelFacts {
            address: Some("email".into()),
            consent: Some("email_opt_in".into()),
        },
    );
    assert!(Customer::made_alike(&facts(), &email));
    assert_eq!(shown(&facts()), shown(&email));
    let mut prague = facts();
    prague.timezone.default = "Europe/Prague".into();
    assert!(!Customer::made_alike(&facts(), &prague));
    assert_ne!(shown(&facts()), shown(&prague));
    let mut czech = facts();
    czech.locale.default = "cs".into();
    assert!(!Customer::made_alike(&facts(), &czech));
    assert_ne!(shown(&facts()), shown(&czech));
}

#[test]
fn empty_properties_are_one_shared_value_and_others_their_own() {
    use super::customer::event_props;
    let (a, b) = (
        event_props(Val::Record(Vec::new())),
        event_props(Val::Record(Vec::with_capacity(4))),
    );
    assert!(Arc::ptr_eq(&a, &b), "one empty record per thread");
    assert_eq!(*a, Val::Record(Vec::new()));
    let props = || Val::Record(vec![("total".into(), Val::Int(3))]);
    let (c, d) = (event_props(props()), event_props(props()));
    assert!(!Arc::ptr_eq(&c, &d));
    assert_eq!(*c, props());
}
