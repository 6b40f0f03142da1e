//! The progress bars of `build`, `test` and `fmt`: on stderr when it is a
//! terminal, and nothing at all when it is not (CI logs and redirected
//! output stay clean). A bar never touches stdout or any output file; it
//! is cleared when the command finishes.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::driver::Progress;

/// A bar of `len` steps named `prefix` (`testing`, `formatting`), hidden
/// unless stderr is a terminal.
pub(super) fn bar(prefix: &'static str, len: usize) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(len as u64), target);
    let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(prefix);
    bar
}

/// A build's phases on one bar.
pub(super) struct BuildBar(pub ProgressBar);

impl BuildBar {
    pub(super) fn new() -> BuildBar {
        BuildBar(bar("building", 0))
    }
}

impl Progress for BuildBar {
    fn phase(&self, name: &'static str, total: usize) {
        self.0.set_prefix(name);
        self.0.set_length(total as u64);
        self.0.set_position(0);
    }

    fn step(&self) {
        self.0.inc(1);
    }
}
