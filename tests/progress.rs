//! Progress bars (issue 16, point 5): `build`, `test` and `fmt` draw a bar
//! on stderr when it is a terminal (here a pseudo-terminal) and nothing
//! when it is not; stdout and the files written are the same either way.
//! `build` ends by saying where the previews are.
#![cfg(unix)]

#[path = "common/starter.rs"]
mod starter;

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use starter::{campaignc, starter, stderr};

/// `campaignc ARGS` in `dir` with stderr on a new pseudo-terminal (100
/// columns) and stdout piped: (exit code, stdout, what reached the
/// terminal).
fn on_a_terminal(args: &[&str], dir: &Path) -> (Option<i32>, Vec<u8>, String) {
    let mut master = -1;
    let mut slave = -1;
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes two descriptors into the given integers; the
    // name buffer and terminal attributes are not asked for.
    let status = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(status, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and belong to nobody else.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = Command::new(env!("CARGO_BIN_EXE_campaignc"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave));
    let child = command.spawn().expect("campaignc runs");
    // The parent's copy of the terminal's end goes, so reading ends (EIO)
    // once the child has exited.
    drop(command);
    let reader = std::thread::spawn(move || {
        let mut terminal = File::from(master);
        let mut seen = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = terminal.read(&mut chunk) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&chunk[..n]);
        }
        seen
    });
    let output = child.wait_with_output().expect("campaignc ends");
    let seen = reader.join().expect("the reader ends");
    (
        output.status.code(),
        output.stdout,
        String::from_utf8_lossy(&seen).into_owned(),
    )
}

/// A starter project with one file that `fmt` will rewrite.
fn project() -> tempfile::TempDir {
    let tmp = starter();
    let file = tmp.path().join("campaigns/onboarding.camp");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replacen("campaign onboarding {", "campaign  onboarding {", 1),
    )
    .unwrap();
    tmp
}

/// Every file under `dir` with its bytes, but a build's
/// `.campaignc/stat` (inodes and times, not an output).
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walk(dir)
        .into_iter()
        .filter(|p| !p.ends_with(".campaignc/stat"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().display().to_string(), bytes)
        })
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

const BAR_WORDS: [&str; 6] = [
    "building",
    "parsing",
    "checking",
    "rendering",
    "testing",
    "formatting",
];

#[test]
fn no_bar_when_stderr_is_not_a_terminal() {
    let tmp = project();
    for args in [&["fmt", "--check"][..], &["fmt"], &["test"], &["build"]] {
        let out: Output = campaignc(args, tmp.path());
        let err = stderr(&out);
        assert!(!err.contains('\x1b'), "{args:?}: escape codes in\n{err:?}");
        assert!(
            !err.contains('\r'),
            "{args:?}: carriage returns in\n{err:?}"
        );
        for word in BAR_WORDS {
            assert!(!err.contains(word), "{args:?}: `{word}` in\n{err}");
        }
    }
}

#[test]
fn bars_are_drawn_on_a_terminal_and_change_nothing_else() {
    let piped = project();
    let tty = project();
    for (args, words) in [
        (&["fmt"][..], &["formatting [", "] 6/6"][..]),
        (&["test"], &["testing [", "] 2/2"]),
        (
            &["build"],
            &["parsing [", "checking [", "rendering [", "] 1/1"],
        ),
    ] {
        let plain = campaignc(args, piped.path());
        let (code, stdout, terminal) = on_a_terminal(args, tty.path());
        assert_eq!(code, plain.status.code(), "{args:?}: {terminal}");
        assert_eq!(stdout, plain.stdout, "{args:?}: the bar stays off stdout");
        for word in words {
            assert!(
                terminal.contains(word),
                "{args:?}: no `{word}` on the terminal:\n{terminal:?}"
            );
        }
    }
    assert_eq!(outputs(piped.path()), outputs(tty.path()));
}

#[test]
fn build_ends_by_saying_where_the_previews_are() {
    let tmp = starter();
    let out = campaignc(&["build", "--out", "site dir"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("site dir/previews/index.html").is_file());
    let err = stderr(&out);
    assert_eq!(
        err.lines().last(),
        Some("previews: open 'site dir/previews/index.html'"),
        "{err}"
    );
}
