//! Writing to stdout and stderr without panicking when the reader has gone
//! away (`campaignc explain --list | head -1`): `println!` would panic on a
//! broken pipe, and a compiler must not.

use std::io::Write;

/// Writes `text` to stdout as is.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes `text` to stderr as is.
pub fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
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
