//! defaults, schema, lifecycle, score, message and persona declarations.

use super::*;

#[test]
fn defaults_and_lifecycle() {
    let Item::Defaults(d) =
        only_item("defaults { locale en, timezone \"UTC\" email_from \"A <a@b.c>\" }")
    else {
        panic!()
    };
    let names: Vec<_> = d.fields.iter().map(|f| f.name.name.as_str()).collect();
    assert_eq!(names, ["locale", "timezone", "email_from"]);
    assert!(matches!(&d.fields[0].value.kind, ValueKind::Word(w) if w.name == "en"));
    let Item::Lifecycle(l) = only_item("lifecycle { stages discovery, engagement, churn_risk }")
    else {
        panic!()
    };
    assert_eq!(l.stages.len(), 3);
}

#[test]
fn schema_types_docs_and_consent() {
    let text = r#"schema {
  /// The address we write to.
  attr email: email
  attr phone: phone?
  attr plan: enum(free, trial, pro)
  attr ltv: money(USD)
  attr tags: list<string>?
  attr email_opt_in: bool consent(email)
  type cart_item { name: string, price: money(USD) url: url }
  /// Fired by the app.
  event cart_abandoned { items: list<cart_item>, reason: string? }
  event app_opened {}
}"#;
    let Item::Schema(schema) = only_item(text) else {
        panic!()
    };
    assert_eq!(schema.items.len(), 9);
    match &schema.items[0] {
        SchemaItem::Attr {
            doc,
            name,
            ty,
            consent,
            ..
        } => {
            assert_eq!(
                doc.as_ref().map(|d| d.text.as_str()),
                Some("The address we write to.")
            );
            assert_eq!(name.name, "email");
            assert!(!ty.optional);
            assert!(consent.is_none());
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[1] {
        SchemaItem::Attr { ty, doc, .. } => {
            assert!(ty.optional);
            assert!(doc.is_none());
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[2] {
        SchemaItem::Attr { ty, .. } => {
            assert!(matches!(&ty.kind, TypeKind::Enum(v) if v.len() == 3 && v[1].name == "trial"))
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[3] {
        SchemaItem::Attr { ty, .. } => {
            assert!(matches!(&ty.kind, TypeKind::Money(c) if c.name == "USD"))
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[4] {
        SchemaItem::Attr { ty, .. } => {
            assert!(ty.optional);
            assert!(
                matches!(&ty.kind, TypeKind::List(inner) if matches!(&inner.kind, TypeKind::Named(n) if n.name == "string"))
            );
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[5] {
        SchemaItem::Attr { consent, .. } => {
            assert_eq!(consent.as_ref().map(|c| c.name.as_str()), Some("email"))
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[6] {
        SchemaItem::Record { name, fields, .. } => {
            assert_eq!(name.name, "cart_item");
            assert_eq!(fields.len(), 3);
        }
        other => panic!("{other:?}"),
    }
    match &schema.items[7] {
        SchemaItem::Event { doc, fields, .. } => {
            assert_eq!(
                doc.as_ref().map(|d| d.text.as_str()),
                Some("Fired by the app.")
            );
            assert!(fields[1].ty.optional);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn score_rules() {
    let text = "score s {\n +5 per app_opened where platform == \"ios\" within 30d max 50\n +20 if a\n -10 if b >= 5\n +1 per x\n}";
    let Item::Score(score) = only_item(text) else {
        panic!()
    };
    let points: Vec<i64> = score.rules.iter().map(|r| r.points).collect();
    assert_eq!(points, [5, 20, -10, 1]);
    match &score.rules[0].kind {
        ScoreRuleKind::PerEvent {
            event,
            filter,
            window,
            max,
        } => {
            assert_eq!(event.name, "app_opened");
            assert!(filter.is_some());
            assert!(matches!(window, Some(Window::Within(d)) if d.days == 30));
            assert_eq!(max.map(|m| m.0), Some(50));
        }
        other => panic!("{other:?}"),
    }
    // `>= 5` followed by `-10 if` on the next line is not `5 - 10`.
    match &score.rules[2].kind {
        ScoreRuleKind::If(e) => assert_eq!(show(e), "(b Ge 5)"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn messages_with_shared_fields_and_locales() {
    let text = r#"/// Doc line one.
/// Doc line two.
message m: email {
  category transactional
  from "Acme <a@b.c>"
  locale en { subject "Hi", body "Hello" }
  locale zh-Hant { subject "您好"  body "歡迎" }
  locale pt-BR {
    subject "Olá"
  }
}"#;
    let Item::Message(m) = only_item(text) else {
        panic!()
    };
    assert_eq!(
        m.doc.as_ref().map(|d| d.text.as_str()),
        Some("Doc line one.\nDoc line two.")
    );
    assert_eq!(m.channel.name, "email");
    assert_eq!(m.fields.len(), 2);
    assert!(matches!(&m.fields[0].value.kind, ValueKind::Word(w) if w.name == "transactional"));
    let tags: Vec<_> = m.locales.iter().map(|l| l.locale.tag.as_str()).collect();
    assert_eq!(tags, ["en", "zh-Hant", "pt-BR"]);
    assert_eq!(m.locales[1].fields.len(), 2);
    // A webhook made only of shared fields.
    let Item::Message(w) =
        only_item("message hook: webhook { url \"https://x.example\" method POST body \"{}\" }")
    else {
        panic!()
    };
    assert!(w.locales.is_empty());
    assert!(matches!(&w.fields[1].value.kind, ValueKind::Word(x) if x.name == "POST"));
}

#[test]
fn personas_with_records_lists_and_events() {
    let text = r#"persona linh {
  email "linh@example.com"
  locale vi
  signed_up_at 2026-11-02T03:00:00Z
  lifetime_value 0 USD
  loyalty_points -5
  tags ["a", "b"]
  event cart_abandoned {
    total 59.90 USD
    items [ { name "Áo thun", price 19.90 USD }, { name "Mũ" price 5 USD } ]
  }
}"#;
    let Item::Persona(p) = only_item(text) else {
        panic!()
    };
    assert_eq!(p.fields.len(), 6);
    assert!(matches!(&p.fields[4].value.kind, ValueKind::Int(-5)));
    assert_eq!(p.events.len(), 1);
    let items = &p.events[0].fields[1].value;
    match &items.kind {
        ValueKind::List(records) => {
            assert_eq!(records.len(), 2);
            assert!(matches!(&records[1].kind, ValueKind::Record(f) if f.len() == 2));
        }
        other => panic!("{other:?}"),
    }
}
