//! Error recovery (issue 10, point 1): a syntax error costs only what it
//! breaks. Each case copies the example project (`campaigns/`) to a
//! temporary directory, breaks one line of it, compiles it through the
//! library and snapshots every diagnostic: a single syntax error must give
//! a single diagnostic, not the cascade of "unknown campaign", "never
//! used" and "never sends" errors that a file dropping out of the project
//! used to cause.

mod common;

use campaignc::diagnostics::Diagnostic;
use campaignc::source::SourceMap;
use std::path::Path;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/campaigns");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The example project with the first `from` in `file` replaced by `to`
/// (and the extra files added): its sorted diagnostics and sources.
fn compile_edited(
    file: &str,
    from: &str,
    to: &str,
    extra: &[(&str, &str)],
) -> (Vec<Diagnostic>, SourceMap, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(Path::new(EXAMPLE), dir.path());
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).expect("example file");
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).expect("write extra");
    }
    let compiled = campaignc::compile(dir.path()).expect("the project loads");
    (compiled.problems.into_sorted(), compiled.sources, dir)
}

/// The human rendering, with the temporary directory written `campaigns`.
fn render(diags: &[Diagnostic], sources: &SourceMap, dir: &Path) -> String {
    let root = dir.display().to_string();
    common::render_plain(diags, sources).replace(&root, "campaigns")
}

/// Breaks one line and checks that exactly one diagnostic, an `E0101` at
/// `line`, is reported; returns its rendering for a snapshot.
fn one_error(file: &str, from: &str, to: &str, line: usize) -> String {
    let (diags, sources, dir) = compile_edited(file, from, to, &[]);
    assert_eq!(
        diags.len(),
        1,
        "exactly one diagnostic expected:\n{}",
        common::summary(&diags, &sources)
    );
    let (_, at, _) = common::location(&diags[0], &sources);
    assert_eq!((diags[0].code, at), ("E0101", line));
    render(&diags, &sources, dir.path())
}

#[test]
fn the_example_project_is_clean() {
    let (diags, sources, _dir) = compile_edited("schema.camp", "", "", &[]);
    assert!(diags.is_empty(), "{}", common::summary(&diags, &sources));
}

/// The issue's own example: 30 diagnostics before recovery.
#[test]
fn wait_1_day_gives_exactly_one_diagnostic() {
    let shown = one_error(
        "flows/onboarding.camp",
        "    wait 1d\n    send club_invite",
        "    wait 1 day\n    send club_invite",
        35,
    );
    insta::assert_snapshot!("wait_1_day", shown);
}

#[test]
fn recovery_at_a_top_level_declaration() {
    // The head `segment first_timers` is kept: the campaign whose audience
    // it is reports nothing.
    let shown = one_error(
        "segments.camp",
        "segment first_timers = ",
        "segment first_timers ",
        7,
    );
    insta::assert_snapshot!("top_level_declaration", shown);
}

#[test]
fn recovery_at_a_flow_statement_in_a_branch() {
    let shown = one_error(
        "flows/onboarding.camp",
        "on timeout { send first_bag_nudge }",
        "on timeout { sned first_bag_nudge }",
        33,
    );
    insta::assert_snapshot!("flow_statement_in_branch", shown);
}

#[test]
fn recovery_at_a_flow_statement_in_a_split_arm() {
    let shown = one_error(
        "flows/churn_prevention.camp",
        "discount 50% { send discount_offer }",
        "discount 50% { send discount_offer now }",
        30,
    );
    insta::assert_snapshot!("flow_statement_in_split_arm", shown);
}

#[test]
fn recovery_at_a_schema_entry() {
    // `plan` is kept, of no known type: its many uses report nothing.
    let shown = one_error(
        "schema.camp",
        "attr plan: enum(guest, trial, monthly, annual)",
        "attr plan enum(guest, trial, monthly, annual)",
        36,
    );
    insta::assert_snapshot!("schema_entry", shown);
}

#[test]
fn recovery_at_a_locale_entry_of_a_message() {
    let shown = one_error(
        "flows/onboarding.camp",
        "    preheader \"Your first bag ships free this week\"",
        "    preheader: \"Your first bag ships free this week\"",
        44,
    );
    insta::assert_snapshot!("locale_entry", shown);
}

#[test]
fn recovery_at_a_persona_entry() {
    let shown = one_error(
        "personas.camp",
        "  phone \"+12125550147\"",
        "  phone +12125550147",
        11,
    );
    insta::assert_snapshot!("persona_entry", shown);
}

#[test]
fn recovery_at_a_test_entry() {
    let shown = one_error(
        "tests/onboarding.camp",
        "  expect sent first_bag_nudge at 2d",
        "  expect sent first_bag_nudge at two days",
        17,
    );
    insta::assert_snapshot!("test_entry", shown);
}

/// Three declarations with syntax errors give three errors at their lines,
/// and the type error of a fourth declaration in the same file is still
/// reported.
#[test]
fn three_syntax_errors_and_a_type_error_in_one_file() {
    let extra = "\
segment broken_one = plan == trial trial
segment broken_two plan == trial
campaign broken_three {
  stage onboarding
  trigger event signed_up
  flow { send welcome  wait 1 day }
}
segment typed_wrong = plan == 3
";
    let (diags, sources, dir) = compile_edited("schema.camp", "", "", &[("extra.camp", extra)]);
    let errors: Vec<(&str, usize)> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (d.code, common::location(d, &sources).1))
        .collect();
    assert_eq!(
        errors.iter().filter(|e| e.0 == "E0101").count(),
        3,
        "{}",
        common::summary(&diags, &sources)
    );
    assert_eq!(
        errors.iter().map(|e| e.1).collect::<Vec<_>>(),
        [1, 2, 6, 8],
        "{}",
        common::summary(&diags, &sources)
    );
    assert_ne!(errors[3].0, "E0101", "the fourth is a type error");
    insta::assert_snapshot!(
        "three_errors_and_a_type_error",
        render(&diags, &sources, dir.path())
    );
}

/// The strict entry point still refuses a file with any syntax error (what
/// `fmt` relies on), and now reports all of them.
#[test]
fn strict_parse_reports_every_error_of_a_file() {
    let text = "segment a = plan == trial trial\nsegment b plan\ncampaign c { flow { snd x } }\n";
    let mut map = SourceMap::new();
    let id = map.add("f.camp", Path::new("f.camp"), text.to_string());
    let diags = campaignc::syntax::parse_file(map.get(id)).expect_err("syntax errors");
    let lines: Vec<usize> = diags.iter().map(|d| map.line_col(d.span).0).collect();
    assert_eq!(lines, [1, 2, 3]);
    let (ast, _) = campaignc::syntax::parse_file_recovering(map.get(id));
    assert_eq!(ast.items.len(), 3, "every declaration is kept");
    assert_eq!(ast.skipped.len(), 3);
}
