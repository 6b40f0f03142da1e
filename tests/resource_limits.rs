//! The binary under the resource limits of a real machine: a memory limit
//! with many threads must not turn into campaign errors.

use std::path::Path;
use std::process::Command;

/// 16 rayon threads under a 2 GB address-space limit (what a 16-core
/// laptop with a memory limit sees) check the example project cleanly:
/// parsing no longer reserves a big stack per file.
#[test]
fn sixteen_threads_under_a_memory_limit_check_the_example_project() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000 && exec \"$0\" check campaigns --deny warnings")
        .arg(env!("CARGO_BIN_EXE_campaignc"))
        .current_dir(root)
        .env("RAYON_NUM_THREADS", "16")
        .env("NO_COLOR", "1")
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stderr.contains("E0101") && !stdout.contains("E0101"),
        "{stderr}{stdout}"
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}{stdout}");
}

/// An events file with an endless line (`/dev/zero`) is an error naming
/// the line and the limit, not a process that grows until it is killed.
#[test]
fn an_endless_events_line_is_an_error_naming_the_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args([
            "simulate",
            "cart_recovery",
            "campaigns",
            "--persona",
            "emily",
        ])
        .args(["--events", "/dev/zero"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("simulate --events /dev/zero did not stop within 10 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("line 1"), "{stderr}");
    assert!(stderr.contains("longer than 1 MiB"), "{stderr}");
}

/// A line at the cap is read; one byte more is refused.
#[test]
fn the_events_line_cap_is_exact() {
    use campaignc::simulate::input::{read_events, MAX_LINE_BYTES};
    let c = campaignc::compile(&Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns"))
        .expect("the example project loads");
    let start = jiff::Zoned::now();
    let comment = |len: usize| format!("//{}\n", "x".repeat(len - 2));
    let at_cap = read_events(comment(MAX_LINE_BYTES).as_bytes(), &c.model, &start);
    assert_eq!(at_cap.map(|i| i.len()), Ok(0));
    let text = format!("\n{}", comment(MAX_LINE_BYTES + 1));
    let err = read_events(text.as_bytes(), &c.model, &start).unwrap_err();
    assert_eq!(err.line, 2);
}
