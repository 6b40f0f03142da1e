//! A test fixes one assignment per split plus one for the holdout; lines
//! that contradict each other (two for the same split, or `holdout` and
//! `treatment`) are errors (E0216), and the simulator honours every fixed
//! assignment. Issue 9, item 24.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/simulate/two_splits")
}

fn campaignc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_test_fixes_both_splits_and_the_holdout() {
    let check = campaignc(&["check", "--deny", "warnings"], &fixture());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let test = campaignc(&["test"], &fixture());
    let out = text(&test);
    assert_eq!(test.status.code(), Some(0), "{out}");
    assert!(out.contains("3 passed, 0 failed"), "{out}");
}

#[test]
fn contradicting_variant_lines_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(fixture().join("project.camp")).unwrap();
    let extra = r#"
test "contradictions" {
  campaign welcome
  persona ana
  variant greeting.a
  variant treatment
  variant greeting.b
  variant holdout
  variant tips.x
}

"#;
    std::fs::write(dir.path().join("project.camp"), format!("{base}{extra}")).unwrap();
    let check = campaignc(&["check"], dir.path());
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(
        out.contains("the variant of split `greeting` is given twice"),
        "{out}"
    );
    assert!(
        out.contains("the holdout group (`variant holdout` or `variant treatment`) is given twice"),
        "{out}"
    );
    assert_eq!(out.matches("error[").count(), 2, "{out}");
}

fn simulate(variants: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.jsonl");
    std::fs::write(
        &events,
        r#"{"at":"2026-01-05T10:00","event":"signed_up","properties":{"source":"ads"}}"#,
    )
    .unwrap();
    let mut args = vec!["simulate", "welcome", "--persona", "ana", "--days", "3"];
    for v in variants {
        args.extend(["--variant", v]);
    }
    args.extend(["--events", events.to_str().unwrap()]);
    campaignc(&args, &fixture())
}

#[test]
fn simulate_takes_one_variant_per_split() {
    for (greeting, tips) in [("a", "y"), ("b", "x")] {
        let o = simulate(&[&format!("greeting.{greeting}"), &format!("tips.{tips}")]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(0), "{out}");
        assert!(out.contains(&format!("sent hello_{greeting} ")), "{out}");
        assert!(out.contains(&format!("sent tip_{tips} ")), "{out}");
        assert_eq!(out.matches("sent hello_").count(), 1, "{out}");
        assert_eq!(out.matches("sent tip_").count(), 1, "{out}");
    }
    let o = simulate(&["tips.x", "tips.y"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("both fix split `tips`"), "{}", text(&o));
    let o = simulate(&["holdout", "treatment"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("both fix the holdout group"),
        "{}",
        text(&o)
    );
    // Held out and in variant b: the split is still taken, the send skipped.
    let o = simulate(&["greeting.b", "holdout"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("holdout: control (held out)"), "{out}");
    assert!(out.contains("split greeting: variant b"), "{out}");
    assert!(!out.contains("sent hello_"), "{out}");
}
