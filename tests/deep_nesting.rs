//! Deep nesting of every kind (brackets, `where` chains, `not` chains,
//! operator chains, nested flow blocks and splits) ends in a diagnostic or
//! a plan, never a crash or a hang, and a plan at the deepest nesting
//! accepted is still readable by serde_json with its default recursion
//! limit (128), as a sending system would read it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The example project plus `flows/deep.camp` holding `deep`.
fn project_with(deep: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns"),
        dir.path(),
    );
    std::fs::write(dir.path().join("flows").join("deep.camp"), deep).expect("write deep.camp");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Runs the binary in `dir`, killing it after 60 s. Returns the exit code
/// (a signal fails the test) and stderr. The limit catches a hang or a
/// quadratic blow-up, not slowness: each command takes a few seconds alone,
/// and the test suite shares two cores with every other test (speed is
/// measured in the benchmarks).
fn run(dir: &Path, args: &[&str], what: &str) -> (i32, String) {
    // stderr goes to a file: a pipe nobody reads while waiting would
    // block the binary on a long diagnostic.
    let log = dir.join("stderr.log");
    let file = std::fs::File::create(&log).expect("create stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(file)
        .env("NO_COLOR", "1")
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let stderr = std::fs::read_to_string(&log).unwrap_or_default();
            let code = status.code().unwrap_or_else(|| {
                panic!("{what}: `{}` died by a signal: {status}\n{stderr}", args[0])
            });
            return (code, stderr);
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{what}: `{}` did not finish within 60 s", args[0]);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A campaign whose audience is `audience` and whose flow is `flow`.
fn campaign(audience: &str, flow: &str) -> String {
    format!(
        "campaign deep {{\n  stage conversion\n  trigger event cart_abandoned\n  audience {audience}\n  \
         flow {{\n {flow}\n  }}\n}}\n"
    )
}

fn where_chain(n: usize) -> String {
    format!(
        "{}item_count > 1",
        "performed order_placed where ".repeat(n)
    )
}

fn not_chain(n: usize) -> String {
    format!("{}plan == trial", "not ".repeat(n))
}

fn parens(n: usize) -> String {
    format!("{}plan == trial{}", "(".repeat(n), ")".repeat(n))
}

fn and_or(n: usize) -> String {
    let mut text = String::from("plan == trial");
    for i in 0..n {
        let op = if i % 2 == 0 { "and" } else { "or" };
        text = format!("plan == trial {op} ({text})");
    }
    text
}

fn arith_chain(n: usize) -> String {
    format!("count(app_opened){} > 1", " + 1".repeat(n))
}

fn or_chain(n: usize) -> String {
    format!("plan == trial{}", " or plan == trial".repeat(n))
}

fn nested_ifs(n: usize) -> String {
    format!(
        "{}send cart_sms\n{}",
        "if plan == trial {\n".repeat(n),
        "}\n".repeat(n)
    )
}

fn nested_splits(n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text += &format!("split s{i} {{ a 50% {{ send cart_sms }} b 50% {{\n");
    }
    text += "send cart_sms\n";
    text += &"} }\n".repeat(n);
    text
}

/// Makes the whole `deep.camp` for `n` levels of one kind of nesting.
type Make = fn(usize) -> String;

/// Every kind of nesting, named.
fn kinds() -> Vec<(&'static str, Make)> {
    fn in_audience(expr: String) -> String {
        campaign(&expr, "send cart_sms")
    }
    vec![
        ("where", |n| in_audience(where_chain(n))),
        ("not", |n| in_audience(not_chain(n))),
        ("parens", |n| in_audience(parens(n))),
        ("and/or", |n| in_audience(and_or(n))),
        ("arith", |n| in_audience(arith_chain(n))),
        ("unary minus", |n| {
            in_audience(format!("count(app_opened) > {}1", "- ".repeat(n)))
        }),
        ("if blocks", |n| campaign("plan == trial", &nested_ifs(n))),
        ("splits", |n| campaign("plan == trial", &nested_splits(n))),
    ]
}

/// Completion asks the grammar what may follow the text before the cursor
/// on its line: anywhere in 10,000 levels of every kind of nesting it
/// answers (nothing, past the limit), never a crash. pest's own stack
/// probe is off (vendor/pest_stack_guard), so only the pre-scan stands
/// between such a line and the end of the stack.
#[test]
fn completion_anywhere_in_deep_nesting_answers() {
    for (_, make) in kinds() {
        let text = make(10_000);
        for tenth in 1..=10 {
            let mut offset = text.len() * tenth / 10;
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            // A stack overflow aborts the test binary: that is the failure.
            campaignc::syntax::expected_at(&text, offset);
        }
    }
}

/// check, build and fmt on 300, 5,000 and 10,000 levels of every kind:
/// exit 0, 1 or 2 in bounded time, never a crash.
#[test]
fn every_kind_of_deep_nesting_ends_in_a_diagnostic() {
    for (kind, make) in kinds() {
        for n in [300, 5_000, 10_000] {
            let dir = project_with(&make(n));
            for args in [
                &["check", "."][..],
                &["build", ".", "--out", "out"][..],
                &["fmt", ".", "--check"][..],
            ] {
                let (code, stderr) = run(dir.path(), args, &format!("{kind} x{n}"));
                assert!(
                    matches!(code, 0..=2),
                    "{kind} x{n}: `{}` exited {code}\n{stderr}",
                    args[0]
                );
                if args[0] != "fmt" {
                    assert_eq!(
                        code, 1,
                        "{kind} x{n}: `{}` must reject it\n{stderr}",
                        args[0]
                    );
                    assert!(
                        stderr.contains("E0102") || stderr.contains("E0101"),
                        "{kind} x{n}: no nesting or syntax error\n{stderr}"
                    );
                }
            }
        }
    }
}

/// A long flat `or` (or `and`) chain is not nesting: the plan lists its
/// operands in one array. 10,000 operands check clean, build a plan that
/// serde_json reads with its default limit, format, and run their tests.
#[test]
fn long_flat_and_or_chains_are_accepted() {
    for (kind, expr) in [
        ("or chain", or_chain(10_000)),
        ("and chain", or_chain(10_000).replace(" or ", " and ")),
    ] {
        let dir = project_with(&campaign(&expr, "send cart_sms"));
        for args in [
            &["check", "."][..],
            &["build", ".", "--out", "out"][..],
            &["fmt", "."][..],
            &["check", "."][..],
        ] {
            let (code, stderr) = run(dir.path(), args, kind);
            assert_eq!(code, 0, "{kind}: `{}`\n{stderr}", args[0]);
        }
        let plan = read_plan(&dir.path().join("out"), "deep");
        let plan = plan.unwrap_or_else(|e| panic!("{kind}: plan unreadable: {e}"));
        let key = if kind == "or chain" { "or" } else { "and" };
        let text = plan.to_string();
        assert!(
            text.matches("\"trial\"").count() > 10_000,
            "{kind}: every operand reaches the plan ({key})"
        );
        let (code, stderr) = run(dir.path(), &["test", "."], kind);
        assert!(
            matches!(code, 0 | 1),
            "{kind}: test exited {code}\n{stderr}"
        );
    }
}

/// The deepest nesting of a kind that `check` accepts, found by bisection
/// between `low` (accepted) and `high` (rejected with E0102).
fn deepest_accepted(kind: &str, make: Make, low: usize, high: usize) -> usize {
    let (mut ok, mut bad) = (low, high);
    let accepted = |n: usize| {
        let dir = project_with(&make(n));
        let (code, stderr) = run(dir.path(), &["check", "."], &format!("{kind} x{n}"));
        assert!(matches!(code, 0 | 1), "{kind} x{n}: exit {code}\n{stderr}");
        if stderr.contains("E0102") {
            return false;
        }
        assert_eq!(
            code, 0,
            "{kind} x{n} is not deep and must check clean\n{stderr}"
        );
        true
    };
    assert!(accepted(ok), "{kind} x{ok} must be accepted");
    assert!(!accepted(bad), "{kind} x{bad} must be rejected");
    while bad - ok > 1 {
        let mid = (ok + bad) / 2;
        if accepted(mid) {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    ok
}

/// At the deepest nesting accepted, every stage runs (build writes plans
/// and previews, fmt keeps the file, test runs) and every plan reads back
/// with serde_json's default limit.
#[test]
fn the_deepest_accepted_nesting_builds_plans_that_serde_json_reads() {
    for (kind, make) in kinds() {
        if kind == "unary minus" {
            continue; // not a nesting: `- - 1` is a syntax error
        }
        let n = deepest_accepted(kind, make, 2, 300);
        let dir = project_with(&make(n));
        let (code, stderr) = run(
            dir.path(),
            &["build", ".", "--out", "out"],
            &format!("{kind} x{n}"),
        );
        assert_eq!(code, 0, "{kind} x{n}: build\n{stderr}");
        let plan = read_plan(&dir.path().join("out"), "deep");
        let plan = plan.unwrap_or_else(|e| panic!("{kind} x{n}: plan unreadable: {e}"));
        assert_eq!(plan["campaign"], "deep");
        let (code, stderr) = run(dir.path(), &["fmt", "."], &format!("{kind} x{n}"));
        assert_eq!(code, 0, "{kind} x{n}: fmt\n{stderr}");
        let (code, stderr) = run(dir.path(), &["check", "."], &format!("{kind} x{n}"));
        assert_eq!(code, 0, "{kind} x{n}: check after fmt\n{stderr}");
        let (code, stderr) = run(dir.path(), &["test", "."], &format!("{kind} x{n}"));
        assert!(
            matches!(code, 0 | 1),
            "{kind} x{n}: test exited {code}\n{stderr}"
        );
    }
}

/// The plan of `campaign` under `out`, read with serde_json's defaults.
fn read_plan(out: &Path, campaign: &str) -> Result<serde_json::Value, String> {
    let path = find_file(out, &format!("{campaign}.json"))
        .ok_or_else(|| format!("no {campaign}.json under {}", out.display()))?;
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}
