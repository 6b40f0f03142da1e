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
