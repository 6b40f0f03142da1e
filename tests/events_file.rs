//! Events files (`simulate --events`) are typed exactly like `.camp`
//! values: the checker's own rules for time zones, locales, emails, enum
//! variants and required properties, and a type error (not "missing") for
//! a field of the wrong JSON type. Errors name the line and the field, with
//! "did you mean" where the checker has one. Issue 9, item 11.

use campaignc::simulate::input::parse_events;
use std::path::Path;

fn project() -> campaignc::Compilation {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/clean");
    campaignc::compile(&dir).expect("project loads")
}

fn error_of(line: &str) -> String {
    let c = project();
    let start: jiff::Zoned = "2026-01-05T10:00[UTC]".parse().unwrap();
    // A comment first, so the error must name line 2.
    let text = format!("# what the customer does\n{line}\n");
    parse_events(&text, &c.model, &start)
        .expect_err(line)
        .to_string()
}

#[test]
fn values_the_checker_rejects_are_rejected() {
    let cases = [
        (
            r#"{"at": "1h", "set": {"timezone": "Mars/Base"}}"#,
            "line 2: attribute `timezone`: unknown time zone \"Mars/Base\"",
        ),
        (
            r#"{"at": "1h", "set": {"locale": "xx-@@"}}"#,
            "line 2: attribute `locale`: \"xx-@@\" is not a valid locale tag",
        ),
        (
            r#"{"at": "1h", "set": {"email": "linh"}}"#,
            "line 2: attribute `email`: expected an email address, found \"linh\"",
        ),
        (
            r#"{"at": "1h", "set": {"plan": "trail"}}"#,
            "line 2: attribute `plan`: unknown enum variant \"trail\" (did you mean `trial`?)",
        ),
        (
            r#"{"at": 5, "event": "signed_up", "properties": {"source": "ads"}}"#,
            "line 2: \"at\" must be a string",
        ),
        (
            r#"{"at": "1h", "event": "signed_up"}"#,
            "line 2: event `signed_up` lacks the required property `source`",
        ),
        (
            r#"{"at": "1h", "event": "signed_up", "properties": {"source": 3}}"#,
            "line 2: property `source` of event `signed_up`: expected a string, found 3",
        ),
        (
            r#"{"at": "1h", "event": "signed_up", "propertes": {"source": "ads"}}"#,
            "line 2: unknown key \"propertes\" (did you mean `properties`?)",
        ),
        (
            r#"{"at": "1h", "set": {"plan": "pro"}, "properties": {}}"#,
            "line 2: \"properties\" belongs to an \"event\" line",
        ),
    ];
    for (line, want) in cases {
        let got = error_of(line);
        assert!(
            got.starts_with(want),
            "{line}\n  got:  {got}\n  want: {want}"
        );
    }
}

#[test]
fn valid_values_are_accepted() {
    let c = project();
    let start: jiff::Zoned = "2026-01-05T10:00[UTC]".parse().unwrap();
    let text = concat!(
        r#"{"at": "1h", "set": {"timezone": "Asia/Ho_Chi_Minh", "locale": "zh-Hant", "email": "linh@example.com", "plan": "pro"}}"#,
        "\n",
        r#"{"at": "2h", "event": "signed_up", "properties": {"source": "ads"}}"#,
    );
    let inputs = parse_events(text, &c.model, &start).expect("valid file");
    assert_eq!(inputs.len(), 5);
}

/// The same values are errors in a `.camp` persona: the events file follows
/// the checker, not a looser rule of its own.
#[test]
fn the_checker_rejects_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/clean");
    for entry in std::fs::read_dir(&clean).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "camp") {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.path().join("persona.camp"),
        "persona mars {\n  email \"linh\"\n  locale \"xx-@@\"\n  timezone \"Mars/Base\"\n  plan trail\n  email_opt_in true\n}\n",
    )
    .unwrap();
    let c = campaignc::compile(dir.path()).expect("project loads");
    let codes: Vec<&str> = c
        .problems
        .clone()
        .into_sorted()
        .iter()
        .map(|d| d.code)
        .collect();
    for code in ["E0801", "E0804", "E0312", "E0211"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
}
