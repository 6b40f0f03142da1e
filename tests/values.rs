//! Issue 9, items 9 and 10: exact decimals end to end, integer overflow
//! reported instead of saturated, render errors never silently dropping a
//! send, and sends to a customer with no address skipped as `no_address`.
//! Each project is written to a temporary directory at test time.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use campaignc::simulate::runner::run_all;
use campaignc::template::Renderer;

const HEAD: &str = r#"
defaults {
  locale en
  timezone "UTC"
  email_from "Shop <hi@shop.example>"
}

schema {
  attr email: email
  attr phone: phone?
  attr first_name: string?
  attr locale: locale
  attr timezone: timezone
  attr balance: decimal
  attr points: int
  attr sms_opt_in: bool consent(sms)
  event signed_up { source: string }
  event bought { qty: int }
}

message hello: sms {
  category transactional
  body "Balance {{number customer.balance}} ({{customer.balance}})"
}
"#;

/// A persona with every value the tests need; `extra` adds lines.
fn persona(name: &str, extra: &str) -> String {
    format!(
        r#"
persona {name} {{
  email "{name}@example.com"
  locale en
  timezone "UTC"
  balance 12345678901234567.89
  points 9223372036854775806
  sms_opt_in true
{extra}
}}
"#
    )
}

fn campaign(flow: &str) -> String {
    format!(
        r#"
campaign welcome {{
  stage onboarding
  trigger event signed_up
  flow {{
{flow}
  }}
}}
"#
    )
}

fn test_block(name: &str, persona: &str, expects: &str) -> String {
    format!(
        r#"
test "{name}" {{
  campaign welcome
  persona {persona}
  start 2026-01-05T10:00
  at 0d event signed_up {{ source "ads" }}
{expects}
}}
"#
    )
}

fn project(files: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.camp"), format!("{HEAD}{files}")).expect("write");
    dir
}

fn campaignc(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("campaignc runs");
    // Never hang the suite: a run past 10 s is a failure.
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("campaignc {args:?} did not finish in 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn text(o: &Output) -> (String, String, i32) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

#[test]
fn a_large_decimal_renders_exactly_in_simulate_test_and_preview() {
    let with_phone = persona("ana", r#"  phone "+15555550123""#);
    let dir = project(&format!(
        "{with_phone}{}{}",
        campaign("    send hello"),
        test_block("ana gets her balance", "ana", "  expect sent hello")
    ));
    let (out, err, code) = text(&campaignc(dir.path(), &["check", "--deny", "warnings"]));
    assert_eq!(code, 0, "{out}{err}");

    let (out, err, code) = text(&campaignc(
        dir.path(),
        &["simulate", "welcome", "--persona", "ana"],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Balance 12,345,678,901,234,567.89 (12345678901234567.89)"),
        "{out}"
    );
    assert!(!out.contains("e+16"), "{out}");

    let (out, err, code) = text(&campaignc(dir.path(), &["test"]));
    assert_eq!(code, 0, "{out}{err}");

    let (out, err, code) = text(&campaignc(
        dir.path(),
        &["preview", "--campaign", "welcome"],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Balance 12,345,678,901,234,567.89 (12345678901234567.89)"),
        "{out}"
    );
}

#[test]
fn int_overflow_in_set_is_a_runtime_error_that_fails_the_test() {
    let with_phone = persona("ana", r#"  phone "+15555550123""#);
    let dir = project(&format!(
        "{with_phone}{}{}",
        campaign("    set points = points + 1\n    set points = points + 1\n    send hello"),
        test_block("points overflow", "ana", "  expect exited")
    ));
    let (out, err, code) = text(&campaignc(dir.path(), &["check"]));
    assert_eq!(code, 0, "the checker cannot see this overflow: {out}{err}");

    // `test`: the expectation holds, but the error fails the test.
    let (out, err, code) = text(&campaignc(dir.path(), &["test"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("the run has no errors"), "{out}");
    assert!(
        out.contains("set points = 9223372036854775807"),
        "the first step runs: {out}"
    );
    assert!(
        out.contains("overflow: the exact result of 9223372036854775807 + 1 does not fit"),
        "{out}"
    );
    assert!(
        !out.contains("sent hello"),
        "the journey stops at the error: {out}"
    );

    // `simulate`: the error is in the timeline (text and JSON), exit 1.
    let (out, err, code) = text(&campaignc(
        dir.path(),
        &[
            "simulate",
            "welcome",
            "--persona",
            "ana",
            "--format",
            "json",
        ],
    ));
    assert_eq!(code, 1, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON timeline");
    let kinds: Vec<&str> = doc["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert!(kinds.contains(&"error"), "{kinds:?}");
    assert!(!kinds.contains(&"sent"), "{kinds:?}");
    assert!(err.contains("the simulation hit 1 error"), "{err}");
}

#[test]
fn constant_int_overflow_is_reported_by_the_checker() {
    let dir = project(&format!(
        "{}{}",
        persona("ana", ""),
        campaign("    set points = 9223372036854775800 + 7 + 1")
    ));
    let (out, err, code) = text(&campaignc(dir.path(), &["check"]));
    assert_eq!(code, 1, "{out}{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("E0313"), "{all}");
    assert!(
        all.contains("9223372036854775807 + 1 overflows 64 bits"),
        "{all}"
    );

    // Within range: no report.
    let dir = project(&format!(
        "{}{}",
        persona("ana", ""),
        campaign("    set points = 9223372036854775800 + 7 - 1")
    ));
    let (out, err, code) = text(&campaignc(dir.path(), &["check"]));
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn an_sms_to_a_customer_without_a_phone_is_skipped_as_no_address() {
    let dir = project(&format!(
        "{}{}{}{}",
        persona("ana", ""),
        campaign("    send hello"),
        test_block("no phone, no sms", "ana", "  expect not sent hello"),
        test_block("a wrong expectation", "ana", "  expect sent hello"),
    ));
    let (out, err, code) = text(&campaignc(dir.path(), &["test"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("ok   no phone, no sms"), "{out}");
    assert!(
        out.contains("found: hello was never sent (skipped: no address (phone is not set))"),
        "{out}"
    );
    assert!(out.contains("1 passed, 1 failed"), "{out}");

    let (out, err, code) = text(&campaignc(
        dir.path(),
        &[
            "simulate",
            "welcome",
            "--persona",
            "ana",
            "--format",
            "json",
        ],
    ));
    assert_eq!(code, 0, "{out}{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON timeline");
    let skipped: Vec<&serde_json::Value> = doc["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["kind"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{out}");
    assert_eq!(skipped[0]["reason"], "no_address");
    assert_eq!(skipped[0]["message"], "hello");
    assert!(!out.contains("\"sent\""), "{out}");

    let (out, err, code) = text(&campaignc(
        dir.path(),
        &["preview", "--campaign", "welcome"],
    ));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("SMS *hello* not sent: no address (phone is not set)"),
        "{out}"
    );
    assert!(
        out.contains("**Not sent to this persona:** `phone` is not set"),
        "{out}"
    );
}

#[test]
fn a_send_that_cannot_be_rendered_fails_the_test() {
    // The checker rejects such a template, so break the plan by hand: the
    // simulator must still not pass a test over a failed render.
    let with_phone = persona("ana", "  phone \"+15555550123\"\n  first_name \"Ana\"");
    let dir = project(&format!(
        "{with_phone}{}{}",
        campaign("    send hello"),
        test_block("ana gets hello", "ana", "  expect completed")
    ));
    let c = campaignc::compile(dir.path()).expect("project loads");
    let mut plans: BTreeMap<_, _> = campaignc::plan::lower_all(&c.model, &c.sources)
        .into_iter()
        .map(|p| (p.campaign.clone(), p))
        .collect();
    let reports = run_all(&c.model, &c.sources, None, &plans, &Renderer::new());
    assert!(reports[0].passed(), "{}", reports[0].failure_text());

    let plan = plans.get_mut("welcome").expect("plan");
    for content in plan
        .messages
        .get_mut("hello")
        .expect("message")
        .locales
        .values_mut()
    {
        content
            .fields
            .insert("body".into(), "{{number customer.first_name}}".into());
    }
    let reports = run_all(&c.model, &c.sources, None, &plans, &Renderer::new());
    let report = &reports[0];
    assert!(!report.passed(), "a render failure must fail the test");
    let text = report.failure_text();
    assert!(text.contains("the run has no errors"), "{text}");
    assert!(text.contains("could not render hello"), "{text}");
}

#[test]
fn a_sum_over_events_that_overflows_is_an_error() {
    let with_phone = persona("ana", r#"  phone "+15555550123""#);
    let dir = project(&format!(
        r#"{with_phone}
campaign big {{
  stage onboarding
  trigger event bought
  reentry after 1m
  flow {{
    if sum(bought.qty) > 0 {{ send hello }}
  }}
}}

test "two huge orders" {{
  campaign big
  persona ana
  start 2026-01-05T10:00
  at 0d event bought {{ qty 9223372036854775807 }}
  at 1h event bought {{ qty 1 }}
  expect sent hello
}}
"#
    ));
    let (out, err, code) = text(&campaignc(dir.path(), &["test"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("the run has no errors"), "{out}");
    assert!(out.contains("sum(bought.qty)"), "{out}");
    assert!(out.contains("does not fit"), "{out}");
}

/// Push reaches a device the customer opted in on: the plan names the
/// opt-in as the push address, so a sending system skips a customer whose
/// opt-in is unset (`no_address`, even for a transactional message);
/// `false` is a consent matter, which gates marketing only. (Personas must
/// give every required attribute, so the simulator only sees set values.)
#[test]
fn push_is_addressed_by_its_opt_in() {
    let head = HEAD.replace(
        "attr sms_opt_in: bool consent(sms)",
        "attr sms_opt_in: bool consent(sms)\n  attr push_opt_in: bool consent(push)",
    );
    let files = format!(
        r#"{}{}
message ping: push {{
  category transactional
  title "Hello"
  body "Your balance is ready"
}}
{}{}{}"#,
        persona("bo", "  push_opt_in false"),
        persona("cy", "  push_opt_in true"),
        campaign("    send ping"),
        test_block(
            "false opt-in: transactional still goes",
            "bo",
            "  expect sent ping"
        ),
        test_block("opted in", "cy", "  expect sent ping"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("main.camp"), format!("{head}{files}")).expect("write");
    let (out, err, code) = text(&campaignc(dir.path(), &["test"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 passed, 0 failed"), "{out}");

    let out_dir = dir.path().join("out");
    let out_arg = out_dir.to_string_lossy().into_owned();
    let (out, err, code) = text(&campaignc(dir.path(), &["build", "--out", &out_arg]));
    assert_eq!(code, 0, "{out}{err}");
    let plan = std::fs::read_to_string(out_dir.join("plans/welcome.json")).expect("plan");
    let plan: serde_json::Value = serde_json::from_str(&plan).expect("plan JSON");
    assert_eq!(
        plan["customer"]["channels"]["push"]["address"], "push_opt_in",
        "{plan}"
    );
}
