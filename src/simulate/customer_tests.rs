//! A customer's copies: one per campaign in a run of several, sharing
//! what none of them changed.

use super::customer::Customer;
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
        Arc::ptr_eq(&first.attrs, &second.attrs),
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
