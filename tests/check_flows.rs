//! The flow rules and unused-declaration warnings: one fixture project per
//! code under `tests/fixtures/check/<code>/` (a clean base plus exactly one
//! mistake), each asserting that it is the only problem reported, its
//! severity and place, with an insta snapshot of the human rendering.

mod common;

use campaignc::diagnostics::Severity;
use common::{check_fixture, location, render_plain, summary};

macro_rules! fixtures {
    ($($name:ident: $code:ident, $sev:ident, $file:literal, $line:literal, $col:literal;)*) => {$(
        #[test]
        fn $name() {
            let code = stringify!($code);
            let (diags, sources) = check_fixture(&format!("check/{code}"));
            assert!(
                diags.len() == 1 && diags[0].code == code,
                "expected exactly one problem, {code}, but got:\n{}",
                summary(&diags, &sources)
            );
            let d = &diags[0];
            assert_eq!(d.severity, Severity::$sev);
            assert_eq!(location(d, &sources), ($file.to_string(), $line, $col));
            insta::assert_snapshot!(code, render_plain(&diags, &sources));
        }
    )*};
}

fixtures! {
    e0701_split_not_100: E0701, Error, "case.camp", 5, 5;
    e0702_holdout_over_100: E0702, Error, "case.camp", 4, 3;
    e0703_zero_wait: E0703, Error, "case.camp", 5, 5;
    e0704_equal_send_window_ends: E0704, Error, "case.camp", 4, 3;
    e0706_cap_period_zero: E0706, Error, "case.camp", 4, 3;
    e0707_duplicate_step_label: E0707, Error, "case.camp", 7, 5;
    e0708_pressure_allows_nothing: E0708, Error, "base.camp", 5, 12;
    e0709_priority_out_of_range: E0709, Error, "case.camp", 4, 12;
    w0701_step_after_exit: W0701, Warning, "case.camp", 7, 7;
    w0702_same_message_twice: W0702, Warning, "case.camp", 6, 5;
    w0703_cap_always_defers: W0703, Warning, "case.camp", 8, 5;
    w0704_campaign_sends_nothing: W0704, Warning, "case.camp", 7, 1;
    w0705_unused_segment: W0705, Warning, "case.camp", 1, 1;
    w0706_unused_message: W0706, Warning, "case.camp", 7, 1;
    w0707_unused_persona: W0707, Warning, "case.camp", 7, 1;
    w0708_unused_score: W0708, Warning, "case.camp", 2, 1;
    w0709_priority_without_pressure: W0709, Warning, "case.camp", 4, 3;
}

/// A split whose percentages sum to 100% with decimals is fine, and the
/// cap check does not warn when the slowest path leaves enough time.
#[test]
fn exact_decimal_split_and_a_cap_with_room_are_clean() {
    let (diags, sources, _) = common::check_texts(&[
        (
            "base.camp",
            &std::fs::read_to_string(common::fixture_path("check/E0301/base.camp")).unwrap(),
        ),
        (
            "case.camp",
            r#"campaign onboarding {
  stage onboarding
  trigger event signed_up
  cap 1 per 1d
  flow {
    split pick { a 33.33% { send welcome } b 33.33% { wait 1d } c 33.34% { wait 2d } }
    wait for order_placed up to 2d {
      on event { send welcome }
    }
  }
}
"#,
        ),
    ]);
    // On the `a` path, welcome is sent, then the wait-for may end at once
    // (event) — that can be deferred, but not always: the timeout path
    // takes 2d. So no W0703, and no other problem.
    assert!(diags.is_empty(), "{}", summary(&diags, &sources));
}

/// `within D` and `reentry after D` need a positive duration like waits.
#[test]
fn e0703_within_zero_and_reentry_after_negative() {
    let (diags, sources) = check_fixture("check/E0703-within");
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d.code, location(d, &sources)))
        .collect();
    assert_eq!(
        found,
        [
            ("E0703", ("case.camp".to_string(), 1, 18)),
            ("E0703", ("case.camp".to_string(), 7, 3)),
        ],
        "{}",
        summary(&diags, &sources)
    );
    insta::assert_snapshot!("E0703-within", render_plain(&diags, &sources));
}

/// `pressure` over no time is E0708 too, a second `pressure` is given
/// twice (E0216), and a valid limit and priority reach the plan.
#[test]
fn pressure_over_no_time_twice_and_in_the_plan() {
    let base = std::fs::read_to_string(common::fixture_path("check/E0706/base.camp")).unwrap();
    let with = |line: &str| {
        base.replacen(
            "  email_from \"Acme <hello@acme.example>\"\n",
            &format!("  email_from \"Acme <hello@acme.example>\"\n{line}"),
            1,
        )
    };
    let case = "campaign onboarding {\n  stage onboarding\n  trigger event signed_up\n  priority 7\n  flow { send welcome }\n}\n";
    let (diags, sources, _) = common::check_texts(&[
        (
            "base.camp",
            &with("  pressure 2 per 0d\n  pressure 3 per 7d\n"),
        ),
        ("case.camp", &case.replace("  priority 7\n", "")),
    ]);
    let found: Vec<_> = diags
        .iter()
        .map(|d| (d.code, location(d, &sources)))
        .collect();
    assert_eq!(
        found,
        [
            ("E0708", ("base.camp".to_string(), 5, 18)),
            ("E0216", ("base.camp".to_string(), 6, 3)),
        ],
        "{}",
        summary(&diags, &sources)
    );
    insta::assert_snapshot!("E0708-no-time", render_plain(&diags, &sources));

    let (diags, sources, model) = common::check_texts(&[
        ("base.camp", &with("  pressure 3 per 7d\n")),
        ("case.camp", case),
    ]);
    assert!(diags.is_empty(), "{}", summary(&diags, &sources));
    let plan = &campaignc::plan::lower_all(&model, &sources)[0];
    let policies = serde_json::to_value(&plan.policies).unwrap();
    assert_eq!(
        policies["pressure"],
        serde_json::json!({ "count": 3, "per": { "days": 7, "seconds": 0 } })
    );
    assert_eq!(policies["priority"], 7);
}
