//! The `campaignc` binary as users and CI run it: exit codes, streams and
//! output formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("cli")
        .join(name)
}

/// Runs the binary with piped stdout/stderr and no `NO_COLOR`, so that the
/// "plain when piped" rule is what keeps escapes out.
fn campaignc(args: &[&str]) -> Output {
    campaignc_in(&fixture(""), args)
}

fn campaignc_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).expect("stdout is one JSON document")
}

#[test]
fn a_missing_directory_exits_2_naming_it() {
    let out = campaignc(&["check", "no_such_project"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no_such_project"), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn check_defaults_to_the_campaigns_directory() {
    // tests/fixtures/cli has no `campaigns` directory.
    let out = campaignc(&["check"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("`campaigns`"), "{}", stderr(&out));
}

#[test]
fn a_clean_project_exits_0_with_a_summary_on_stderr() {
    let out = campaignc(&["check", "clean", "--deny", "warnings"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).ends_with("no errors or warnings\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn format_json_is_one_valid_document_on_stdout() {
    let out = campaignc(&["check", "clean", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    assert_eq!(doc["format_version"], "1.0");
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["error_count"], 0);
    assert!(doc["diagnostics"].is_array());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn a_project_without_camp_files_warns_w0901_and_ignores_hidden_dirs() {
    let out = campaignc(&["check", "empty", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let doc = json(&out);
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["warning_count"], 1);
    assert_eq!(doc["diagnostics"][0]["code"], "W0901");
    assert_eq!(
        doc["diagnostics"][0]["message"],
        "no .camp files found in empty"
    );
}

#[test]
fn deny_warnings_turns_warnings_into_exit_1() {
    assert_eq!(code(&campaignc(&["check", "empty"])), 0);
    let denied = campaignc(&["check", "empty", "--deny", "warnings"]);
    assert_eq!(code(&denied), 1);
    assert!(
        stderr(&denied).contains("warning[W0901]"),
        "{}",
        stderr(&denied)
    );
    assert!(
        stderr(&denied).ends_with("1 warning\n"),
        "{}",
        stderr(&denied)
    );
}

#[test]
fn format_github_prints_annotations_on_stdout() {
    let out = campaignc(&["check", "empty", "--format", "github"]);
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).starts_with("::warning title=W0901::no .camp files found in empty"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn piped_and_no_color_output_has_no_ansi_escapes() {
    let piped = campaignc(&["check", "empty"]);
    assert!(!stderr(&piped).is_empty());
    assert!(!stderr(&piped).contains('\u{1b}'), "{}", stderr(&piped));

    let no_color = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(["check", "broken"])
        .current_dir(fixture(""))
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    assert!(
        !stderr(&no_color).contains('\u{1b}'),
        "{}",
        stderr(&no_color)
    );
}

#[test]
fn a_syntax_error_is_reported_and_does_not_stop_the_tool() {
    let out = campaignc(&["check", "broken", "--format", "json"]);
    // The tool ran: not a usage/IO failure, and the output is one document.
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["valid"], false);
    let diags = doc["diagnostics"].as_array().expect("a list");
    let syntax: Vec<_> = diags
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("E01")))
        .collect();
    assert_eq!(syntax.len(), 1, "{doc:#}");
    assert_eq!(syntax[0]["file"], "broken/broken.camp");
    assert_eq!(syntax[0]["line"], 6);
    // The other file is still parsed and checked: its unused segment is seen.
    assert!(
        diags
            .iter()
            .any(|d| d["file"] == "broken/fine.camp" && d["code"] == "W0705"),
        "{doc:#}"
    );
}

#[test]
fn explain_prints_a_known_code_with_its_examples() {
    let out = campaignc(&["explain", "w0901"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.starts_with("W0901: no .camp files"), "{text}");
    assert!(text.contains("```camp"), "{text}");
}

#[test]
fn explain_of_an_unknown_code_suggests_the_closest_and_exits_2() {
    let out = campaignc(&["explain", "W0910"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("unknown diagnostic code `W0910`"), "{err}");
    assert!(err.contains("did you mean `W0901`"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn explain_list_names_every_code() {
    let out = campaignc(&["explain", "--list"]);
    assert_eq!(code(&out), 0);
    assert!(
        stdout(&out).lines().any(|l| l.starts_with("W0901  ")),
        "{}",
        stdout(&out)
    );
}

#[test]
fn usage_errors_exit_2_and_help_and_version_exit_0() {
    assert_eq!(code(&campaignc(&["no-such-command"])), 2);
    assert_eq!(code(&campaignc(&["check", "--format", "xml"])), 2);
    assert_eq!(code(&campaignc(&["explain"])), 2);
    assert_eq!(code(&campaignc(&["--help"])), 0);
    let version = campaignc(&["--version"]);
    assert_eq!(code(&version), 0);
    assert!(stdout(&version).starts_with("campaignc "));
}

#[test]
fn output_is_deterministic() {
    let first = campaignc(&["check", "broken", "--format", "json"]);
    let second = campaignc(&["check", "broken", "--format", "json"]);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn compile_loads_every_file_in_relative_path_order() {
    let compilation = campaignc::compile(&fixture("clean")).expect("loads");
    let paths: Vec<&str> = compilation
        .sources
        .files()
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "onboarding.camp",
            "schema.camp",
            "tests/onboarding_test.camp"
        ]
    );
    assert_eq!(compilation.files.len(), paths.len());
    assert!(
        !compilation.problems.has_errors(),
        "{:?}",
        compilation.problems
    );
}
