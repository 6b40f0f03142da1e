//! `campaignc watch [DIR] [--out DIR] [--serve ADDR]`: build once, then
//! rebuild after every save of a `.camp` file, printing one status line
//! per rebuild; with `--serve`, a local preview site that reloads itself.
//!
//! Each rebuild is [`build_project`], exactly what `build` does, so a
//! rebuild that finds errors writes nothing and the previous output stays
//! in place. File events come from `notify` through
//! `notify-debouncer-mini`, which turns an editor's burst of events
//! (write, rename, chmod) into one batch. Two threads: this loop, and the
//! server's accept loop. Ctrl-C ends the process; every output file is
//! written atomically, so an interrupted rebuild leaves each file whole.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{new_debouncer, DebounceEventResult};

use self::changes::Changes;
use super::build::{build_project, plans_phrase, BuildStatus};
use super::report::Deny;
use super::{output, Exit};
use crate::diagnostics::render::{self, HumanOptions};
use crate::diagnostics::Severity;
use crate::serve::{self, Site};

mod changes;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// Where to write plans and previews (as `build --out`).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Also serve the output over HTTP on ADDR (`127.0.0.1:8000`,
    /// `localhost:8000` or `8000`); pages reload after each rebuild.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<String>,
    /// Treat warnings as errors: a rebuild with warnings writes nothing.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
}

/// What to watch and build.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The project directory.
    pub dir: PathBuf,
    /// The output directory; changes under it never trigger a rebuild.
    pub out: PathBuf,
    /// A rebuild with warnings counts as failed and writes nothing.
    pub deny_warnings: bool,
    /// How long the file system must be quiet before a rebuild.
    pub debounce: Duration,
}

/// One build's result, as the watch loop reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuild {
    /// `Some(plans)` when the outputs were written; `None` when the
    /// previous output was kept.
    pub built: Option<usize>,
    pub errors: usize,
    pub warnings: usize,
    /// The diagnostics (human format) and the one-line status, ready to
    /// print.
    pub text: String,
}

/// Why watching could not start.
#[derive(Debug)]
pub enum WatchError {
    /// The project or output directory could not be used.
    Dir {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file watcher could not be set up.
    Notify(notify_debouncer_mini::notify::Error),
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WatchError::Dir { path, error } => {
                write!(f, "cannot watch {}: {error}", path.display())
            }
            WatchError::Notify(error) => write!(f, "cannot watch for file changes: {error}"),
        }
    }
}

impl std::error::Error for WatchError {}

pub fn run(args: &Args) -> Exit {
    let served = match args.serve.as_deref().map(serve::parse_serve_addr) {
        None => None,
        Some(Ok(addr)) => Some(addr),
        Some(Err(message)) => {
            output::fatal(message);
            return Exit::Usage;
        }
    };
    let site = Arc::new(Site::new(&args.out));
    // Bound before the first build, so a port in use fails at once.
    let _server = match served {
        None => None,
        Some(addr) => match start_server(addr, &site) {
            Ok(server) => Some(server),
            Err(exit) => return exit,
        },
    };
    let options = WatchOptions {
        dir: args.dir.clone(),
        out: args.out.clone(),
        deny_warnings: args.deny.contains(&Deny::Warnings),
        debounce: Duration::from_millis(200),
    };
    output::stderr(&format!(
        "watching {} for changes to .camp files (Ctrl-C to stop)\n",
        args.dir.display()
    ));
    // Nothing sets this: the loop runs until Ctrl-C ends the process.
    let stop = AtomicBool::new(false);
    let result = watch_project(&options, &stop, |rebuild| {
        // Bumped before the line is printed: whoever reads "built" can
        // already see the new version.
        if rebuild.built.is_some() {
            site.bump_version();
        }
        output::stderr(&rebuild.text);
    });
    match result {
        Ok(()) => Exit::Clean,
        Err(err) => {
            output::fatal(err);
            Exit::Usage
        }
    }
}

fn start_server(addr: serve::ServeAddr, site: &Arc<Site>) -> Result<serve::Server, Exit> {
    if !addr.loopback {
        output::stderr(&format!(
            "warning: serving on {}, which other machines can reach: anyone on the network \
             can read the previews; use 127.0.0.1 to keep them to this machine\n",
            addr.addr
        ));
    }
    let listener = std::net::TcpListener::bind(addr.addr).map_err(|err| {
        output::fatal(format!("cannot serve on {}: {err}", addr.addr));
        Exit::Usage
    })?;
    let server = serve::start(listener, Arc::clone(site)).map_err(|err| {
        output::fatal(format!("cannot start the preview server: {err}"));
        Exit::Usage
    })?;
    output::stderr(&format!(
        "serving the previews in {} at http://{}/\n",
        site.root().display(),
        server.addr()
    ));
    Ok(server)
}

/// Builds once, then rebuilds after every burst of changes to `.camp`
/// files under `options.dir`, until `stop` is set (checked a few times a
/// second). Calls `on_rebuild` after every build, the first included.
/// Returns an error only when watching cannot start.
pub fn watch_project(
    options: &WatchOptions,
    stop: &AtomicBool,
    mut on_rebuild: impl FnMut(&Rebuild),
) -> Result<(), WatchError> {
    let dir = options
        .dir
        .canonicalize()
        .map_err(|error| WatchError::Dir {
            path: options.dir.clone(),
            error,
        })?;
    if !dir.is_dir() {
        return Err(WatchError::Dir {
            path: options.dir.clone(),
            error: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    // The output directory must exist to be compared with event paths in
    // the same (canonical) form; an empty one is harmless.
    let out = std::fs::create_dir_all(&options.out)
        .and_then(|()| options.out.canonicalize())
        .map_err(|error| WatchError::Dir {
            path: options.out.clone(),
            error,
        })?;

    let (sender, events) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(options.debounce, sender).map_err(WatchError::Notify)?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(WatchError::Notify)?;

    // Remembered before the first build, so a save during it is seen.
    let mut changes = Changes::new(&dir, &out);
    on_rebuild(&rebuild(options, None));
    while !stop.load(Ordering::SeqCst) {
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(batch)) => {
                let changed = changes.changed(batch.into_iter().map(|event| event.path));
                if let Some(first) = changed.first() {
                    let shown = first.strip_prefix(&dir).unwrap_or(first).to_path_buf();
                    let cause = if changed.len() == 1 {
                        format!("{} changed", shown.display())
                    } else {
                        format!("{} and {} more changed", shown.display(), changed.len() - 1)
                    };
                    on_rebuild(&rebuild(options, Some(&cause)));
                }
            }
            Ok(Err(error)) => {
                output::stderr(&format!("{} warning: file watching: {error}\n", clock()))
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// Runs one build and describes it: the diagnostics, then one line.
fn rebuild(options: &WatchOptions, cause: Option<&str>) -> Rebuild {
    let prefix = match cause {
        Some(cause) => format!("{} {cause}: ", clock()),
        None => format!("{} ", clock()),
    };
    let outcome = match build_project(&options.dir, &options.out, options.deny_warnings) {
        Ok(outcome) => outcome,
        Err(err) => {
            return Rebuild {
                built: None,
                errors: 0,
                warnings: 0,
                text: format!("{prefix}{err}; previous output kept\n"),
            }
        }
    };
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = outcome.diagnostics.len() - errors;
    let mut text = String::new();
    if !outcome.diagnostics.is_empty() {
        text.push_str(&render::human(
            &outcome.diagnostics,
            &outcome.sources,
            &HumanOptions::for_terminal(),
        ));
    }
    let counts = counts_phrase(errors, warnings);
    let (built, status) = match outcome.status {
        BuildStatus::Built { plans, .. } => {
            let also = if counts.is_empty() {
                String::new()
            } else {
                format!(" ({counts})")
            };
            (Some(plans), format!("built {}{also}", plans_phrase(plans)))
        }
        BuildStatus::Stopped => (None, format!("{counts}; previous output kept")),
        BuildStatus::WriteFailed(err) => (None, format!("{err}; output may be incomplete")),
    };
    text.push_str(&format!("{prefix}{status}\n"));
    Rebuild {
        built,
        errors,
        warnings,
        text,
    }
}

/// "2 errors, 1 warning"; empty when there are none.
fn counts_phrase(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    parts.join(", ")
}

/// `[10:32:05]`, local time of day.
fn clock() -> String {
    format!("[{}]", jiff::Zoned::now().strftime("%H:%M:%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(counts_phrase(0, 0), "");
        assert_eq!(counts_phrase(1, 0), "1 error");
        assert_eq!(counts_phrase(2, 1), "2 errors, 1 warning");
        assert_eq!(counts_phrase(0, 3), "3 warnings");
    }
}
