//! The message checks (templates, localization, channels, compliance) end
//! to end: one fixture project per code under `tests/fixtures/check/<code>/`.
//! Each test asserts the code, severity, file, line and column of the
//! diagnostic (for template problems, the column inside the string), and
//! snapshots the human rendering of that code's diagnostics.

mod common;

use campaignc::diagnostics::{Diagnostic, Severity};
use common::{check_project, location, render_plain, summary};

/// Checks fixture `check/<code>` and returns the diagnostics with `code`
/// after asserting there is exactly one, at `file:line:column`.
fn expect_one(code: &str, severity: Severity, file: &str, line: usize, column: usize) {
    expect_one_in(code, code, severity, file, line, column);
}

/// [`expect_one`] on fixture `check/<dir>`, snapshotted as `<dir>`.
fn expect_one_in(
    dir: &str,
    code: &str,
    severity: Severity,
    file: &str,
    line: usize,
    column: usize,
) {
    let (diags, sources, _) = check_project(&format!("check/{dir}"));
    let mine: Vec<Diagnostic> = diags.iter().filter(|d| d.code == code).cloned().collect();
    assert_eq!(
        mine.len(),
        1,
        "expected one {code}, got:\n{}",
        summary(&diags, &sources)
    );
    let d = &mine[0];
    assert_eq!(d.severity, severity, "{}", summary(&diags, &sources));
    assert_eq!(
        location(d, &sources),
        (file.to_string(), line, column),
        "{}",
        summary(&diags, &sources)
    );
    // No other errors from the message passes: the fixture shows one thing.
    let others: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.code != code && d.is_error())
        .cloned()
        .collect();
    assert!(
        others.is_empty(),
        "unexpected errors:\n{}",
        summary(&others, &sources)
    );
    insta::assert_snapshot!(dir, render_plain(&mine, &sources));
}

use Severity::{Error, Warning};

#[test]
fn e0401_syntax_error_inside_a_block_string() {
    // Line 7 of the block string, after its six spaces of indentation.
    expect_one("E0401", Error, "message.camp", 7, 47);
}

#[test]
fn e0402_unknown_attribute_after_an_escape() {
    // `\"hi\"` precedes the tag: the column counts the source characters.
    expect_one("E0402", Error, "message.camp", 2, 35);
}

#[test]
fn e0403_unknown_event_property() {
    expect_one("E0403", Error, "message.camp", 3, 30);
}

#[test]
fn e0404_event_where_no_event_is_in_scope() {
    expect_one("E0404", Error, "message.camp", 3, 24);
}

#[test]
fn e0405_each_over_a_non_list() {
    expect_one("E0405", Error, "message.camp", 3, 17);
}

#[test]
fn e0406_unknown_helper() {
    expect_one("E0406", Error, "message.camp", 3, 18);
}

#[test]
fn e0407_helper_arity() {
    expect_one("E0407", Error, "message.camp", 2, 13);
}

#[test]
fn e0408_helper_argument_type() {
    expect_one("E0408", Error, "message.camp", 3, 26);
}

#[test]
fn e0409_plural_key_not_a_category() {
    expect_one("E0409", Error, "message.camp", 3, 65);
}

#[test]
fn e0410_partials_unsupported() {
    expect_one("E0410", Error, "message.camp", 3, 9);
}

#[test]
fn w0401_optional_used_bare() {
    expect_one("W0401", Warning, "message.camp", 2, 15);
}

#[test]
fn e0501_missing_locales() {
    expect_one("E0501", Error, "message.camp", 1, 1);
}

/// A typo in a campaign's `locales` (`vn` for `vi`) gets "did you mean"
/// from the locales the message has.
#[test]
fn e0501_locale_typo_did_you_mean() {
    expect_one_in("E0501-typo", "E0501", Error, "message.camp", 1, 1);
    let (diags, _, _) = check_project("check/E0501-typo");
    let d = diags.iter().find(|d| d.code == "E0501").unwrap();
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `vi` in the campaign's `locales`?")),
        "{:?}",
        d.help
    );
}

#[test]
fn e0502_invalid_locale_tag() {
    expect_one("E0502", Error, "message.camp", 3, 3);
}

#[test]
fn w0501_translation_variables_differ() {
    expect_one("W0501", Warning, "message.camp", 3, 3);
}

#[test]
fn w0502_plural_lacks_czech_categories() {
    expect_one("W0502", Warning, "message.camp", 4, 16);
}

#[test]
fn e0601_missing_required_field() {
    expect_one("E0601", Error, "message.camp", 2, 3);
}

#[test]
fn e0602_unknown_field_for_channel() {
    expect_one("E0602", Error, "message.camp", 2, 10);
}

#[test]
fn e0604_marketing_email_without_unsubscribe() {
    expect_one("E0604", Error, "message.camp", 3, 9);
}

/// One locale's body lacks the link: the message names the version first,
/// then the kind of message.
#[test]
fn e0604_one_locale_without_unsubscribe() {
    expect_one_in("E0604-locale", "E0604", Error, "message.camp", 8, 11);
    let (diags, _, _) = check_project("check/E0604-locale");
    let d = diags.iter().find(|d| d.code == "E0604").unwrap();
    assert_eq!(
        d.message,
        "the `vi` version of marketing email `welcome` has no unsubscribe link"
    );
}

#[test]
fn e0605_marketing_without_consent_attribute() {
    expect_one("E0605", Error, "message.camp", 1, 1);
}

#[test]
fn e0606_no_address_attribute() {
    expect_one("E0606", Error, "message.camp", 1, 1);
}

#[test]
fn e0607_sms_over_ten_segments() {
    expect_one("E0607", Error, "message.camp", 3, 5);
}

#[test]
fn e0608_webhook_url_not_https() {
    expect_one("E0608", Error, "message.camp", 3, 8);
}

#[test]
fn e0609_webhook_body_not_json() {
    // Inside the block string, at the unquoted `{{event.total}}`.
    expect_one("E0609", Error, "message.camp", 7, 16);
}

#[test]
fn w0601_sms_over_one_segment() {
    expect_one("W0601", Warning, "message.camp", 3, 21);
}

#[test]
fn w0602_push_title_too_long() {
    expect_one("W0602", Warning, "message.camp", 2, 10);
}

#[test]
fn language_examples_have_no_message_errors() {
    let (diags, sources, _) = check_project("language_examples");
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    assert!(errors.is_empty(), "{}", summary(&errors, &sources));
}

/// The wrong and right examples of every message code are written in the
/// language: each ```camp block must at least parse.
#[test]
fn explanation_examples_parse() {
    use campaignc::diagnostics::codes::{channels, locales, templates};
    use campaignc::diagnostics::Problems;
    use campaignc::source::SourceMap;
    let tables = [templates::CODES, locales::CODES, channels::CODES];
    for info in tables.iter().flat_map(|t| t.iter()) {
        let blocks: Vec<&str> = info
            .explanation
            .split("```camp\n")
            .skip(1)
            .filter_map(|b| b.split("```").next())
            .collect();
        assert!(
            blocks.len() >= 2,
            "{} needs a wrong and a right example",
            info.code
        );
        for (i, block) in blocks.iter().enumerate() {
            let mut sources = SourceMap::new();
            let path = format!("{}_{i}.camp", info.code);
            sources.add(path.clone(), std::path::Path::new(&path), block.to_string());
            let mut problems = Problems::new();
            campaignc::syntax::parse_project(&sources, &mut problems);
            let errors: Vec<Diagnostic> = problems.into_sorted();
            assert!(
                errors.is_empty(),
                "example {i} of {} does not parse:\n{}\n{}",
                info.code,
                block,
                summary(&errors, &sources)
            );
        }
    }
}

/// The example project is clean under `--deny warnings`: no message
/// diagnostic at all, warnings included.
#[test]
fn example_project_messages_are_clean() {
    use campaignc::diagnostics::Problems;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let sources = campaignc::project::load(&dir).expect("campaigns/ loads");
    let mut problems = Problems::new();
    let files = campaignc::syntax::parse_project(&sources, &mut problems);
    campaignc::check::check(&files, &mut problems);
    let mine: Vec<Diagnostic> = problems
        .into_sorted()
        .into_iter()
        .filter(|d| ["04", "05", "06"].contains(&&d.code[1..3]))
        .collect();
    assert!(mine.is_empty(), "{}", summary(&mine, &sources));
}

#[test]
fn e0603_unknown_category_word() {
    expect_one("E0603", Error, "message.camp", 2, 12);
    let (diags, _, _) = check_project("check/E0603");
    let d = diags.iter().find(|d| d.code == "E0603").unwrap();
    assert_eq!(d.help.as_deref(), Some("did you mean `transactional`?"));
}

/// The default locale in `defaults` is checked like every other tag.
#[test]
fn e0502_invalid_default_locale() {
    let (diags, sources, _) = check_project("check/E0502-defaults");
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(
        errors
            .iter()
            .any(|d| d.code == "E0502"
                && location(d, &sources) == ("schema.camp".to_string(), 2, 10)),
        "{}",
        summary(&diags, &sources)
    );
}
