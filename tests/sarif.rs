//! `--format sarif` for `check`, `build` and `test`: one SARIF 2.1.0 log on
//! stdout, valid against the OASIS schema (vendored in `tests/sarif/`,
//! with its licence note), with the results people would see in the human
//! output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn campaignc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

/// The schema errors of a document.
fn schema_errors(log: &serde_json::Value) -> Vec<String> {
    let schema_text = std::fs::read_to_string(root().join("tests/sarif/sarif-schema-2.1.0.json"))
        .expect("the vendored schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("a valid JSON Schema");
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The SARIF log on stdout, after checking it against the schema.
fn valid_log(out: &Output) -> serde_json::Value {
    let text = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    let log: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{text}"));
    let errors = schema_errors(&log);
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0: {errors:#?}\n{text}"
    );
    log
}

fn results(log: &serde_json::Value) -> &Vec<serde_json::Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

#[test]
fn the_schema_check_rejects_a_log_that_is_not_sarif_2_1_0() {
    let out = campaignc(&["check", "tests/fixtures/cli/broken", "--format", "sarif"]);
    let mut log = valid_log(&out);
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&log).is_empty());
    let mut log = valid_log(&out);
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema_errors(&log).is_empty());
}

#[test]
fn check_with_errors_is_a_valid_sarif_log_with_every_diagnostic() {
    let out = campaignc(&["check", "tests/fixtures/cli/broken", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log = valid_log(&out);
    let json = campaignc(&["check", "tests/fixtures/cli/broken", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let results = results(&log);
    assert!(!results.is_empty());
    assert_eq!(results.len(), diagnostics.len());
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for (result, diag) in results.iter().zip(diagnostics) {
        assert_eq!(result["ruleId"], diag["code"]);
        assert_eq!(result["level"], diag["severity"]);
        let rule = &rules[result["ruleIndex"].as_u64().expect("index") as usize];
        assert_eq!(rule["id"], diag["code"]);
        assert!(rule["help"]["markdown"]
            .as_str()
            .is_some_and(|h| !h.is_empty()));
        let place = &result["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], diag["file"]);
        assert_eq!(place["region"]["startLine"], diag["line"]);
        assert_eq!(place["region"]["startColumn"], diag["column"]);
    }
}

#[test]
fn a_clean_check_is_a_valid_log_with_no_results() {
    let out = campaignc(&["check", "tests/fixtures/cli/clean", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(results(&valid_log(&out)).is_empty());
}

#[test]
fn build_stopped_by_errors_reports_them_as_sarif() {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = campaignc(&[
        "build",
        "tests/fixtures/cli/broken",
        "--out",
        out_dir.path().to_str().expect("UTF-8 path"),
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!results(&valid_log(&out)).is_empty());
    assert!(!Path::new(out_dir.path()).join("plans").exists());
}

#[test]
fn failed_tests_are_sarif_results_at_the_failed_expectation() {
    let out = campaignc(&[
        "test",
        "tests/fixtures/simulate/failing",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let log = valid_log(&out);
    let results = results(&log);
    assert!(!results.is_empty());
    for result in results {
        assert_eq!(result["ruleId"], "test-failed");
        assert_eq!(result["level"], "error");
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("a location");
        assert!(uri.ends_with(".camp"), "{uri}");
    }
    // The people's summary is not mixed into the log.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("failed"), "{stderr}");
}

#[test]
fn project_problems_without_a_file_are_results_without_a_location() {
    let out = campaignc(&["check", "tests/fixtures/cli/empty", "--format", "sarif"]);
    let log = valid_log(&out);
    assert_eq!(results(&log)[0]["ruleId"], "W0901");
    assert!(results(&log)[0].get("locations").is_none());
}
