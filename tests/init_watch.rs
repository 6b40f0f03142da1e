//! `campaignc init` (a starter project that checks, builds and passes its
//! tests; never overwrites), the preview server of `watch --serve`, and
//! the watch loop rebuilding on save. Everything binds loopback only, and
//! every wait is bounded.

//! Shared helpers live here; each area has its own module under
//! `tests/init_watch/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

#[path = "init_watch/init.rs"]
mod init;
#[path = "init_watch/server.rs"]
mod server;
#[path = "init_watch/watch.rs"]
mod watch;
#[path = "common/watch_serve.rs"]
mod watch_serve;

const PATIENCE: Duration = Duration::from_secs(10);

fn campaignc_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir` with its contents, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("readable"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            (e.path().to_path_buf(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// Polls `done` until it holds or [`PATIENCE`] runs out.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
