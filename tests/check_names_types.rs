//! The checker's name and type passes: one fixture project per diagnostic
//! code under `tests/fixtures/check/<code>/` (a small valid project plus
//! exactly one mistake), each asserting the code, severity, file, line and
//! column, with an insta snapshot of the human rendering.

mod common;

use campaignc::check::model::{StepKindDef, TExprKind, Type};
use campaignc::diagnostics::Severity;
use common::{check_fixture, check_project, location, render_plain, summary};

/// One test per fixture: the project has exactly one error, with this code
/// at this place; its rendering is snapshotted under the code's name.
macro_rules! fixtures {
    ($($name:ident: $code:ident, $sev:ident, $file:literal, $line:literal, $col:literal;)*) => {$(
        #[test]
        fn $name() {
            let code = stringify!($code);
            let (diags, sources) = check_fixture(&format!("check/{code}"));
            let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
            assert!(
                errors.len() == 1 && errors[0].code == code,
                "expected exactly one error, {code}, but got:\n{}",
                summary(&diags, &sources)
            );
            let found: Vec<_> = diags.iter().filter(|d| d.code == code).cloned().collect();
            let d = &found[0];
            assert_eq!(d.severity, Severity::$sev);
            assert_eq!(location(d, &sources), ($file.to_string(), $line, $col));
            insta::assert_snapshot!(code, render_plain(&found, &sources));
        }
    )*};
}

fixtures! {
    e0201_duplicate_declaration_shows_both_places: E0201, Error, "b.camp", 1, 9;
    e0202_segment_clashes_with_attribute: E0202, Error, "case.camp", 2, 9;
    e0203_unknown_attribute: E0203, Error, "case.camp", 1, 27;
    e0204_unknown_event: E0204, Error, "case.camp", 1, 28;
    e0205_unknown_property_in_where: E0205, Error, "case.camp", 1, 44;
    e0206_unknown_segment_in_trigger: E0206, Error, "case.camp", 3, 18;
    e0207_unknown_bare_name: E0207, Error, "case.camp", 1, 18;
    e0208_unknown_message_in_send: E0208, Error, "case.camp", 5, 10;
    e0209_unknown_campaign_in_test: E0209, Error, "case.camp", 10, 12;
    e0210_unknown_persona_in_test: E0210, Error, "case.camp", 11, 11;
    e0211_unknown_enum_variant: E0211, Error, "case.camp", 1, 26;
    e0212_unknown_lifecycle_stage: E0212, Error, "case.camp", 2, 9;
    e0213_unknown_type: E0213, Error, "case.camp", 2, 18;
    e0214_segment_cycle: E0214, Error, "case.camp", 1, 9;
    e0215_unknown_channel: E0215, Error, "case.camp", 1, 15;
    e0216_setting_given_twice: E0216, Error, "case.camp", 4, 3;
    e0217_campaign_without_trigger: E0217, Error, "case.camp", 1, 10;
    e0218_unknown_defaults_setting: E0218, Error, "case.camp", 2, 3;
    e0219_event_field_without_event_in_scope: E0219, Error, "case.camp", 5, 8;
    e0220_since_entry_in_segment: E0220, Error, "case.camp", 1, 41;
    e0301_condition_not_bool: E0301, Error, "case.camp", 1, 17;
    e0302_string_compared_with_int: E0302, Error, "case.camp", 1, 31;
    e0303_currency_mismatch: E0303, Error, "case.camp", 1, 33;
    e0304_time_plus_int: E0304, Error, "case.camp", 1, 33;
    e0305_sum_over_string: E0305, Error, "case.camp", 1, 32;
    e0306_set_wrong_type: E0306, Error, "case.camp", 6, 26;
    e0307_ends_with_on_int: E0307, Error, "case.camp", 1, 18;
    e0308_list_item_wrong_type: E0308, Error, "case.camp", 1, 32;
    e0309_clock_time_in_condition: E0309, Error, "case.camp", 1, 34;
    e0310_holdout_not_percentage: E0310, Error, "case.camp", 4, 11;
    e0311_cap_zero: E0311, Error, "case.camp", 4, 7;
    e0312_unknown_time_zone: E0312, Error, "case.camp", 3, 12;
    e0801_persona_value_wrong_type: E0801, Error, "case.camp", 6, 18;
    e0802_persona_missing_required: E0802, Error, "case.camp", 1, 9;
    e0803_event_sample_missing_property: E0803, Error, "case.camp", 9, 9;
    e0804_persona_invalid_locale: E0804, Error, "case.camp", 7, 10;
    e0805_test_without_campaign: E0805, Error, "case.camp", 9, 6;
    e0806_expectation_about_unsent_message: E0806, Error, "case.camp", 18, 15;
    e0807_unknown_split_variant: E0807, Error, "case.camp", 15, 24;
    e0808_start_with_offset: E0808, Error, "case.camp", 12, 9;
}

#[test]
fn language_examples_together_have_no_errors() {
    let (diags, sources, model) = check_project("language_examples");
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    assert!(
        errors.is_empty(),
        "unexpected errors:\n{}",
        summary(&errors, &sources)
    );
    assert_eq!(model.campaigns.len(), 1);
    assert_eq!(model.tests.len(), 3);
    assert_eq!(model.stages.len(), 9);
}

/// Every code of these areas has a fixture and an explanation whose
/// examples parse, and every code the resolver emits is registered.
#[test]
fn codes_are_registered_with_fixtures_and_parsable_examples() {
    use campaignc::diagnostics::codes;
    use campaignc::source::SourceMap;
    let ours: Vec<_> = codes::all()
        .into_iter()
        .filter(|c| ["E02", "E03", "E08"].iter().any(|p| c.code.starts_with(p)))
        .collect();
    assert!(ours.len() >= 40, "only {} codes registered", ours.len());
    for info in &ours {
        let dir = common::fixture_path(&format!("check/{}", info.code));
        assert!(
            dir.is_dir(),
            "{} has no fixture at {}",
            info.code,
            dir.display()
        );
        let blocks: Vec<&str> = info
            .explanation
            .split("```camp\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap_or(""))
            .collect();
        assert_eq!(
            blocks.len(),
            2,
            "{} needs a wrong and a right example",
            info.code
        );
        for block in blocks {
            let mut map = SourceMap::new();
            let id = map.add(
                "example.camp",
                std::path::Path::new("example.camp"),
                block.to_string(),
            );
            if let Err(diags) = campaignc::syntax::parse_file(map.get(id)) {
                panic!(
                    "example of {} does not parse: {:?}\n{block}",
                    info.code, diags[0].message
                );
            }
        }
    }
    let sources: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/check/resolve"))
            .expect("resolver sources")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("readable"))
            .collect();
    for text in &sources {
        for (i, _) in text.match_indices("\"E0") {
            let code = &text[i + 1..i + 6];
            assert!(
                codes::lookup(code).is_some(),
                "{code} is emitted but not registered"
            );
        }
    }
}
