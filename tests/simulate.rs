//! The simulator end to end: the LANGUAGE.md examples' own tests pass,
//! a failing test's report (snapshot), the `test` and `simulate` commands'
//! output and exit codes, and events files.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use campaignc::diagnostics::Severity;
use campaignc::simulate::runner::{run_all, TestReport};
use campaignc::template::Renderer;
use common::{copy_tree, succeeded};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/simulate").join(name)
}

fn campaignc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Compiles `dir`, asserts it has no errors, and runs its tests.
fn run_project_tests(dir: &Path) -> Vec<TestReport> {
    let c = campaignc::compile(dir).expect("project loads");
    let errors: Vec<_> = c
        .problems
        .clone()
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "the project has errors: {errors:#?}");
    let plans: BTreeMap<_, _> = campaignc::plan::lower_all(&c.model, &c.sources)
        .into_iter()
        .map(|p| (p.campaign.clone(), p))
        .collect();
    run_all(&c.model, &c.sources, None, &plans, &Renderer::new())
}

/// The ```camp blocks of docs/language.md, which together are one project.
fn language_examples() -> String {
    let doc = std::fs::read_to_string(root().join("docs/language.md")).expect("docs/language.md");
    let mut out = String::new();
    let mut inside = false;
    for line in doc.lines() {
        if inside && line.trim_start().starts_with("```") {
            inside = false;
            out.push('\n');
        } else if inside {
            out.push_str(line);
            out.push('\n');
        } else if line.trim() == "```camp" {
            inside = true;
        }
    }
    out
}

#[test]
fn the_language_examples_tests_pass() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("examples.camp"), language_examples()).expect("write");
    let reports = run_project_tests(dir.path());
    let names: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    for wanted in [
        "an early project earns tips instead of the nudge",
        "no project: nudge, then congratulations when it comes",
        "no project at all: the last chance on day four",
    ] {
        assert!(
            names.contains(&wanted),
            "missing test {wanted:?} in {names:?}"
        );
    }
    let failures: Vec<String> = reports
        .iter()
        .filter(|r| !r.passed())
        .map(TestReport::failure_text)
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_example_project_tests_pass() {
    let reports = run_project_tests(&root().join("campaigns"));
    assert!(!reports.is_empty());
    let failures: Vec<String> = reports
        .iter()
        .filter(|r| !r.passed())
        .map(TestReport::failure_text)
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_failing_test_reports_expectation_actual_and_timeline() {
    let reports = run_project_tests(&fixture("failing"));
    let failed: Vec<&TestReport> = reports.iter().filter(|r| !r.passed()).collect();
    assert_eq!(failed.len(), 1);
    insta::assert_snapshot!("failing_test_report", failed[0].failure_text());
}

#[test]
fn campaignc_test_prints_every_result_and_the_count_last() {
    let out = campaignc(&["test", "tests/fixtures/simulate/failing"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed"));
    insta::assert_snapshot!("campaignc_test_output", text);
}

#[test]
fn campaignc_test_filter_selects_tests_and_passing_exits_0() {
    let out = campaignc(&[
        "test",
        "tests/fixtures/simulate/failing",
        "--filter",
        "project on day one",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().last(), Some("1 passed, 0 failed"));
}

#[test]
fn campaignc_test_on_a_missing_directory_exits_2() {
    let out = campaignc(&["test", "tests/fixtures/simulate/no-such-dir"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn campaignc_simulate_prints_the_timeline_with_an_events_file() {
    let out = campaignc(&[
        "simulate",
        "welcome_series",
        "tests/fixtures/simulate/failing",
        "--persona",
        "ana",
        "--start",
        "2026-03-28T22:00",
        "--events",
        "tests/fixtures/simulate/events/ana.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("campaignc_simulate_text", stdout(&out));
}

#[test]
fn campaignc_simulate_json_is_one_document() {
    let out = campaignc(&[
        "simulate",
        "welcome_series",
        "tests/fixtures/simulate/failing",
        "--persona",
        "ana",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["campaign"], "welcome_series");
    assert_eq!(doc["end"]["outcome"], "exited");
    let kinds: Vec<&str> = doc["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["event", "entered", "sent", "set", "waiting", "branch", "sent", "ended"]
    );
}

#[test]
fn campaignc_simulate_reports_a_bad_events_line_with_did_you_mean() {
    let out = campaignc(&[
        "simulate",
        "welcome_series",
        "tests/fixtures/simulate/failing",
        "--persona",
        "ana",
        "--events",
        "tests/fixtures/simulate/events/typo.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: unknown event `project_creatd` (did you mean `project_created`?)"),
        "{err}"
    );
}

#[test]
fn campaignc_simulate_unknown_persona_suggests_one() {
    let out = campaignc(&[
        "simulate",
        "welcome_series",
        "tests/fixtures/simulate/failing",
        "--persona",
        "anna",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no persona `anna` (did you mean `ana`?)"),
        "{err}"
    );
}

#[test]
fn simulation_output_is_deterministic() {
    let args = [
        "simulate",
        "welcome_series",
        "tests/fixtures/simulate/failing",
        "--persona",
        "ana",
        "--format",
        "json",
    ];
    assert_eq!(campaignc(&args).stdout, campaignc(&args).stdout);
}

#[test]
fn campaignc_test_with_checker_errors_prints_them_and_exits_1() {
    let out = campaignc(&["test", "tests/fixtures/simulate/broken"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty(), "no test runs: {}", stdout(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown persona `anna`"), "{err}");
}

#[test]
fn events_files_are_typed_by_the_schema() {
    use campaignc::simulate::input::parse_events;
    use campaignc::simulate::journey::InputKind;
    use campaignc::simulate::value::Val;
    let c = campaignc::compile(&fixture("failing")).expect("project loads");
    let start: jiff::Zoned = "2026-01-05T10:00[Europe/Prague]".parse().expect("start");
    let ok = parse_events(
        "{\"at\": \"1h\", \"event\": \"project_created\", \"properties\": {\"name\": \"Demo\"}}\n\
         # a comment\n\
         {\"at\": \"2d\", \"set\": {\"points\": 7, \"first_name\": null}}\n",
        &c.model,
        &start,
    )
    .expect("valid file");
    assert_eq!(ok.len(), 3);
    assert_eq!(ok[0].at.to_string(), "2026-01-05T10:00:00Z");
    // Attributes of one `set` line apply in the order written.
    assert!(
        matches!(&ok[1].kind, InputKind::Set { attr, value } if attr == "points" && *value == Val::Int(7))
    );
    assert!(
        matches!(&ok[2].kind, InputKind::Set { attr, value } if attr == "first_name" && *value == Val::Unset)
    );
    let cases = [
        (
            "{\"at\": \"1h\", \"event\": \"project_created\", \"properties\": {\"nam\": \"Demo\"}}",
            "line 1: unknown property `nam` (did you mean `name`?)",
        ),
        (
            "{\"at\": \"1h\", \"set\": {\"points\": \"seven\"}}",
            "line 1: attribute `points`: expected an integer, found \"seven\"",
        ),
        (
            "\n{\"at\": \"soon\", \"event\": \"signed_up\"}",
            "line 2: \"at\": `soon` is neither an offset",
        ),
        ("[1, 2]", "line 1: each line must be a JSON object"),
        (
            "{\"at\": \"1h\"}",
            "line 1: each line needs either \"event\"",
        ),
    ];
    for (text, want) in cases {
        let err = parse_events(text, &c.model, &start)
            .expect_err(text)
            .to_string();
        assert!(err.starts_with(want), "{text}: got {err}");
    }
}

/// `--switch-to DIR --at OFFSET`: a deploy in the middle of a `wait 1d`
/// that became `wait 2d` moves the parked customer by the documented
/// rule: they wait until two days after they started waiting.
#[test]
fn campaignc_simulate_switches_a_parked_journey_to_the_new_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let head = dir.path().join("head");
    copy_tree(&root().join("campaigns"), &head);
    let file = head.join("flows/onboarding.camp");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replacen("    wait 1d\n", "    wait 2d\n", 1)).expect("write");
    let campaigns = root().join("campaigns");
    let out = campaignc(&[
        "simulate",
        "onboarding",
        campaigns.to_str().expect("utf-8"),
        "--persona",
        "emily",
        "--switch-to",
        head.to_str().expect("utf-8"),
        "--at",
        "2d12h",
    ]);
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.contains("2026-01-07 22:00 (Wed) -05:00  2026-01-08T03:00:00Z  switched to plan "),
        "{text}"
    );
    // The wait started on the 7th at 10:00; with the new plan it ends on
    // the 9th (without the switch: the 8th).
    assert!(
        text.contains("2026-01-09 10:00 (Fri) -05:00  2026-01-09T15:00:00Z  sent club_invite"),
        "{text}"
    );
}

/// Issue 13, point 5: two campaigns and a project-wide `pressure 2 per 1d`.
/// The fixture's own test pins the send times; this checks it passes and
/// shows the skipped sends in the timeline, with the stable reason
/// `pressure` in the JSON.
#[test]
fn two_campaigns_share_the_pressure_limit() {
    let reports = run_project_tests(&fixture("pressure"));
    assert_eq!(reports.len(), 1);
    assert!(reports[0].passed(), "{}", reports[0].failure_text());
    assert_eq!(reports[0].campaign, "onboarding, cart");

    let args = |format: &str| {
        campaignc(&[
            "simulate",
            "onboarding,cart",
            "tests/fixtures/simulate/pressure",
            "--persona",
            "linh",
            "--events",
            "tests/fixtures/simulate/events/linh_pressure.jsonl",
            "--format",
            format,
        ])
    };
    let out = args("text");
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("campaignc_simulate_pressure_text", stdout(&out));

    let out = args("json");
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["campaigns"], serde_json::json!(["onboarding", "cart"]));
    assert_eq!(doc["end"]["onboarding"]["outcome"], "completed");
    let skipped: Vec<(&str, &str, &str)> = doc["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["kind"] == "skipped")
        .map(|e| {
            (
                e["campaign"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or(""),
                e["reason"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("onboarding", "tips", "pressure"),
            ("cart", "cart_last_call", "pressure")
        ]
    );
    // `all` runs every campaign (here the same two, in name order).
    let out = campaignc(&[
        "simulate",
        "all",
        "tests/fixtures/simulate/pressure",
        "--persona",
        "linh",
        "--events",
        "tests/fixtures/simulate/events/linh_pressure.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("campaign cart, onboarding, persona linh"));
}

/// Without a project-wide limit, the same two campaigns send everything.
#[test]
fn without_pressure_nothing_is_skipped() {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("pressure"), tmp.path());
    let path = tmp.path().join("project.camp");
    let text = std::fs::read_to_string(&path).expect("fixture");
    std::fs::write(&path, text.replace("  pressure 2 per 1d\n", "")).expect("write");
    let reports = run_project_tests(tmp.path());
    let failed: Vec<String> = reports[0]
        .failures
        .iter()
        .map(|f| f.expectation.clone())
        .collect();
    assert_eq!(
        failed,
        ["expect not sent tips", "expect not sent cart_last_call"]
    );
}

/// Issue 13, point 2: a `test` block switches a running journey to the
/// same campaign's plan in another project (`at 12h switch to "../v2"`,
/// where `wait 1d` became `wait 2d`): tips come two days after the wait
/// started, where without the switch they come after one.
#[test]
fn a_test_block_switches_to_another_projects_plan() {
    let out = campaignc(&["test", "tests/fixtures/simulate/switching/v1"]);
    succeeded(&out);
    assert!(
        stdout(&out).ends_with("2 passed, 0 failed\n"),
        "{}",
        stdout(&out)
    );

    // A project that cannot be read fails the test, saying which.
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("switching/v1"), tmp.path());
    let path = tmp.path().join("project.camp");
    let text = std::fs::read_to_string(&path).expect("fixture");
    std::fs::write(&path, text.replace("\"../v2\"", "\"../no-such-v2\"")).expect("write");
    let out = campaignc(&["test", tmp.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("at 12h switch to \"../no-such-v2\""),
        "{text}"
    );
    assert!(
        text.contains("cannot read the project `../no-such-v2`"),
        "{text}"
    );
}

/// A switch in a test of several campaigns (E0809) and one to no
/// directory (E0810).
#[test]
fn switch_mistakes_in_tests_are_diagnosed() {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixture("pressure"), tmp.path());
    let path = tmp.path().join("project.camp");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let text = text.replace(
        "  at 1h event cart_abandoned {}\n",
        "  at 1h event cart_abandoned {}\n  at 2h switch to \"../v2\"\n",
    )
        + "\ntest \"nowhere\" {\n  campaign cart\n  persona linh\n  at 1d switch to \"\"\n}\n";
    std::fs::write(&path, text).expect("write");
    let c = campaignc::compile(tmp.path()).expect("project loads");
    let codes: Vec<&str> = c
        .problems
        .clone()
        .into_sorted()
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["E0809", "E0810"]);
}
