//! Running the real binary on a starter project (`campaignc init`), for
//! the test files that include this module with `#[path]`.

use std::path::Path;
use std::process::{Command, Output};

/// `campaignc ARGS` run in `dir`, without colour.
pub fn campaignc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[allow(dead_code)] // not every test file that includes this reads stdout
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A starter project (`campaignc init`) in a temporary directory.
pub fn starter() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = campaignc(&["init", "campaigns"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    tmp
}
