//! `test` blocks: scenario entries and every expectation.

use super::*;

#[test]
fn test_blocks() {
    let text = r#"test "it works" {
  campaign onboarding
  persona linh
  variant offer_test.pick
  start 2026-11-02T10:00
  at 0d event signed_up { source "ads" }
  at 1d event app_opened
  at 2d set loyalty_tier = gold
  expect sent welcome at 0d
  expect sent tips by 1d
  expect sent nudge
  expect not sent nudge
  expect converted at 3d
  expect exited
  expect completed
  expect customer.loyalty_points >= 100
}"#;
    let Item::Test(t) = only_item(text) else {
        panic!()
    };
    assert_eq!(t.name.value, "it works");
    assert_eq!(t.items.len(), 15);
    assert!(
        matches!(&t.items[2].kind, TestItemKind::Variant(VariantChoice::Split { split, variant }) if split.name == "offer_test" && variant.name == "pick")
    );
    assert!(
        matches!(&t.items[3].kind, TestItemKind::Start(v) if matches!(v.kind, ValueKind::DateTime(_)))
    );
    assert!(matches!(&t.items[4].kind, TestItemKind::AtEvent { fields, .. } if fields.len() == 1));
    assert!(matches!(&t.items[5].kind, TestItemKind::AtEvent { fields, .. } if fields.is_empty()));
    assert!(
        matches!(&t.items[6].kind, TestItemKind::AtSet { attr, offset, .. } if attr.name == "loyalty_tier" && offset.days == 2)
    );
    assert!(matches!(
        &t.items[7].kind,
        TestItemKind::Expect(Expectation::Sent {
            when: Some(TimeBound::At(_)),
            ..
        })
    ));
    assert!(matches!(
        &t.items[8].kind,
        TestItemKind::Expect(Expectation::Sent {
            when: Some(TimeBound::By(_)),
            ..
        })
    ));
    assert!(matches!(
        &t.items[9].kind,
        TestItemKind::Expect(Expectation::Sent { when: None, .. })
    ));
    assert!(matches!(
        &t.items[10].kind,
        TestItemKind::Expect(Expectation::NotSent { .. })
    ));
    assert!(matches!(
        &t.items[11].kind,
        TestItemKind::Expect(Expectation::Converted { when: Some(_) })
    ));
    assert!(matches!(
        &t.items[12].kind,
        TestItemKind::Expect(Expectation::Exited { when: None })
    ));
    assert!(matches!(
        &t.items[13].kind,
        TestItemKind::Expect(Expectation::Completed)
    ));
    assert!(matches!(
        &t.items[14].kind,
        TestItemKind::Expect(Expectation::Attr {
            op: CompareOp::Ge,
            ..
        })
    ));
    for v in ["holdout", "treatment"] {
        let Item::Test(t) = only_item(&format!("test \"t\" {{ variant {v} }}")) else {
            panic!()
        };
        let ok = match &t.items[0].kind {
            TestItemKind::Variant(VariantChoice::Holdout(_)) => v == "holdout",
            TestItemKind::Variant(VariantChoice::Treatment(_)) => v == "treatment",
            _ => false,
        };
        assert!(ok, "{v}");
    }
}
