//! One fixture per syntax mistake under `tests/fixtures/syntax/`: each must
//! give the expected code at the expected line and column (checked through
//! `SourceMap::line_col` and through the JSON renderer), and its human
//! rendering (no colour, width 100) is snapshotted.

use std::path::Path;

use campaignc::diagnostics::render::{human, json, HumanOptions};
use campaignc::diagnostics::Diagnostic;
use campaignc::source::SourceMap;
use campaignc::syntax::parse_file;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/syntax");

/// (fixture, code, line, column) of the first diagnostic.
const CASES: &[(&str, &str, usize, usize)] = &[
    ("bad_clock_time.camp", "E0106", 4, 21),
    ("bad_currency.camp", "E0108", 1, 37),
    ("bad_date.camp", "E0107", 3, 16),
    ("bad_duration.camp", "E0101", 6, 10),
    ("bad_escape.camp", "E0104", 2, 36),
    ("bad_expectation.camp", "E0101", 4, 10),
    ("bad_percent.camp", "E0101", 4, 14),
    ("bad_trigger.camp", "E0101", 3, 11),
    ("bad_unicode_escape.camp", "E0104", 2, 33),
    ("bad_wait_until.camp", "E0101", 5, 16),
    ("duration_units_out_of_order.camp", "E0110", 6, 10),
    ("integer_too_large.camp", "E0109", 1, 35),
    ("keyword_as_name.camp", "E0105", 2, 9),
    ("missing_block_after_if.camp", "E0101", 6, 7),
    ("missing_closing_brace.camp", "E0101", 9, 1),
    ("missing_colon_in_attr.camp", "E0101", 3, 19),
    ("missing_equals_in_segment.camp", "E0101", 1, 20),
    ("missing_field_value.camp", "E0101", 4, 1),
    ("misspelled_declaration.camp", "E0101", 1, 1),
    ("misspelled_setting.camp", "E0101", 4, 3),
    ("nesting_too_deep.camp", "E0102", 1, 143),
    ("single_equals_in_condition.camp", "E0101", 5, 13),
    ("unclosed_paren.camp", "E0101", 2, 1),
    ("unknown_step.camp", "E0101", 6, 5),
    ("unterminated_block_string.camp", "E0103", 4, 10),
    ("unterminated_string.camp", "E0103", 3, 11),
];

/// Parses one fixture; returns the map (for rendering) and its diagnostics.
fn diagnose(name: &str) -> (SourceMap, Vec<Diagnostic>) {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join(name)).expect("fixture exists");
    let shown = format!("tests/fixtures/syntax/{name}");
    let mut map = SourceMap::new();
    let id = map.add(shown.clone(), Path::new(&shown), text);
    let diags = match parse_file(map.get(id)) {
        Ok(_) => Vec::new(),
        Err(diags) => diags,
    };
    (map, diags)
}

#[test]
fn every_fixture_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(FIXTURES)
        .expect("fixture dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".camp"))
        .collect();
    on_disk.sort();
    let listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 15);
}

#[test]
fn each_mistake_has_its_code_at_its_place() {
    for &(name, code, line, column) in CASES {
        let (map, diags) = diagnose(name);
        assert_eq!(
            diags.len(),
            1,
            "{name}: one diagnostic expected, got {diags:#?}"
        );
        let d = &diags[0];
        assert_eq!(d.code, code, "{name}: {}", d.message);
        assert!(d.is_error(), "{name}");
        assert_eq!(
            map.line_col(d.span),
            (line, column),
            "{name}: {}",
            d.message
        );
        assert!(
            d.help.is_some(),
            "{name}: every syntax error has a help line"
        );
    }
}

#[test]
fn json_reports_file_line_and_column() {
    for &(name, code, line, column) in CASES {
        let (map, diags) = diagnose(name);
        let doc: serde_json::Value = serde_json::from_str(&json(&diags, &map)).expect("valid JSON");
        let first = &doc["diagnostics"][0];
        assert_eq!(first["code"], code, "{name}");
        assert_eq!(
            first["file"],
            format!("tests/fixtures/syntax/{name}"),
            "{name}"
        );
        assert_eq!(first["line"], line, "{name}");
        assert_eq!(first["column"], column, "{name}");
    }
}

#[test]
fn human_rendering_snapshots() {
    let opts = HumanOptions {
        color: false,
        width: 100,
    };
    for &(name, ..) in CASES {
        let (map, diags) = diagnose(name);
        let rendered = human(&diags, &map, &opts);
        let snapshot = name.trim_end_matches(".camp");
        insta::assert_snapshot!(snapshot, rendered);
    }
}

#[test]
fn no_rule_names_leak_into_messages() {
    for &(name, ..) in CASES {
        let (_, diags) = diagnose(name);
        for d in diags {
            let all = format!("{} {:?} {:?}", d.message, d.primary_label, d.help);
            for leak in ["kw_", "rbrace", "lbrace", "_expr", "EOI", "Rule::"] {
                assert!(!all.contains(leak), "{name}: `{leak}` in {all}");
            }
        }
    }
}

#[test]
fn unclosed_template_tag_is_not_a_syntax_error() {
    let mut map = SourceMap::new();
    let text = "message m: sms {\n  body \"Hi {{customer.first_name\"\n}\n";
    let id = map.add("t.camp", Path::new("t.camp"), text.to_string());
    let ast = parse_file(map.get(id)).expect("templates are checked later");
    assert_eq!(ast.items.len(), 1);
}
