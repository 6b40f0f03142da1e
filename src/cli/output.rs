//! Writing to stdout and stderr: the one place every command prints
//! through (never `println!`, which panics on a closed pipe).
//!
//! A failed write (a full disk behind `> file`, `/dev/full`, a reader that
//! went away) is never ignored: the first failure is remembered, later
//! output to that stream is dropped, and [`finish`] turns the command's
//! exit code into 2 with a message on stderr, so a script never takes a
//! truncated report for a whole one.

use std::io::{self, Write};
use std::sync::Mutex;

/// The first write that failed: which stream, and why.
static FAILED: Mutex<Option<(Stream, String)>> = Mutex::new(None);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "standard output",
            Stream::Stderr => "standard error",
        }
    }
}

/// Writes `text` to stdout as is.
pub fn stdout(text: &str) {
    write(Stream::Stdout, text);
}

/// Writes `text` to stderr as is.
pub fn stderr(text: &str) {
    write(Stream::Stderr, text);
}

/// `error: MESSAGE` on stderr, for problems that stop the tool (exit 2).
pub fn fatal(message: impl std::fmt::Display) {
    // Messages quote paths and values from the user: no raw control
    // characters reach the terminal.
    let message = message.to_string();
    stderr(&format!(
        "error: {}\n",
        crate::text::escape_control(&message)
    ));
}

fn write(stream: Stream, text: &str) {
    if failed(stream) {
        return;
    }
    let result = match stream {
        Stream::Stdout => write_all(&mut io::stdout().lock(), text),
        Stream::Stderr => write_all(&mut io::stderr().lock(), text),
    };
    if let Err(err) = result {
        record(stream, &err);
    }
}

fn write_all(out: &mut impl Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn failed(stream: Stream) -> bool {
    FAILED
        .lock()
        .map(|f| f.as_ref().is_some_and(|(s, _)| *s == stream))
        .unwrap_or(false)
}

/// Remembers a failed write (the first one only: it is the cause).
fn record(stream: Stream, err: &io::Error) {
    if let Ok(mut first) = FAILED.lock() {
        if first.is_none() {
            *first = Some((stream, err.to_string()));
        }
    }
}

/// Records a write that failed outside this module (clap's own help and
/// error output), so [`finish`] reports it like any other.
pub fn record_stdout_failure(err: &io::Error) {
    record(Stream::Stdout, err);
}

/// The exit code of a command that would exit with `exit`: 2 when any of
/// its output could not be written, with a message on stderr (when stderr
/// itself still works).
pub fn finish(exit: super::Exit) -> super::Exit {
    let first = FAILED.lock().ok().and_then(|mut f| f.take());
    match first {
        None => exit,
        Some((stream, reason)) => {
            if stream == Stream::Stdout {
                let _ = write_all(
                    &mut io::stderr().lock(),
                    &format!("error: cannot write to {}: {reason}\n", stream.name()),
                );
            }
            super::Exit::Usage
        }
    }
}
