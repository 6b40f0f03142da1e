//! Starting `campaignc watch --serve 127.0.0.1:0` and reading where it
//! serves from its output (shared by tests/init_watch and tests/browser).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `campaignc watch PROJECT --out OUT --serve 127.0.0.1:0` in `cwd`
/// and waits up to `patience` for its address and for a line containing
/// `built_line` (the first build). The address is `None` when either did
/// not come. The caller kills the child; its output lines are echoed to
/// the test's stderr.
pub fn spawn_watch_serve(
    cwd: &Path,
    project: &Path,
    out: &Path,
    built_line: &str,
    patience: Duration,
) -> (Child, Option<SocketAddr>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("watch")
        .arg(project)
        .arg("--out")
        .arg(out)
        .args(["--serve", "127.0.0.1:0"])
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("campaignc starts");
    let stderr = child.stderr.take().expect("piped");
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            eprintln!("watch: {line}");
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let (mut addr, mut built) = (None, false);
    let deadline = Instant::now() + patience;
    while !(addr.is_some() && built) && Instant::now() < deadline {
        let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) else {
            continue;
        };
        if let Some(url) = line.split("http://").nth(1) {
            addr = url.trim_end_matches('/').parse::<SocketAddr>().ok();
        }
        built |= line.contains(built_line);
    }
    (child, addr.filter(|_| built))
}
